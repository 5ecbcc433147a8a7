import TandemPluginHost

/// A loaded plugin as `plugins list` and `plugins inspect` print it.
struct PluginSummary: Encodable {
    var id: String
    var version: String
    var name: String
    var description: String
    var kinds: [String]
    var maps: [String]
    var transforms: [String]
    var abi: String
    var toolchain: String
    var file: String
    var directory: String

    init(_ plugin: LoadedPlugin) {
        id = plugin.id
        version = plugin.version
        name = plugin.name
        description = plugin.summary
        kinds = plugin.kinds.map(\.rawValue)
        maps = plugin.maps?.maps.map(\.id) ?? []
        transforms = plugin.transforms?.transforms.map(\.name) ?? []
        abi = plugin.abiVersion
        toolchain = plugin.manifest.toolchain
        file = plugin.file
        directory = plugin.directory
    }
}

/// A refused file as the CLI prints it.
struct RefusalSummary: Encodable {
    var file: String
    var code: String
    var reason: String

    init(_ refusal: PluginRefusal) {
        file = refusal.file
        code = refusal.code.name
        reason = refusal.reason
    }
}

/// A declarative map file as `plugins list --json` prints it.
struct MapFileSummary: Encodable {
    /// The map id.
    var map: String
    /// The map's version.
    var version: String
    /// Who publishes it, when the file says.
    var publisher: String?
    /// The file, absolute.
    var file: String
    /// Whether it has a `ddl:` section for `capture install --create-tables`.
    var ddl: Bool

    /// The summary of `file`.
    init(_ file: MapFile) {
        map = file.map.id
        version = file.map.version
        publisher = file.publisher
        self.file = file.path
        ddl = file.ddl != nil
    }
}

/// A refused map file as `plugins list --json` prints it.
struct MapFileRefusalSummary: Encodable {
    /// The file, absolute.
    var file: String
    /// The map ids it declares, as far as they could be read: these maps fail.
    var maps: [String]
    /// `FILE:LINE:COLUMN: setting: what is wrong`.
    var message: String

    /// The summary of `refusal`.
    init(_ refusal: MapFileRefusal) {
        file = refusal.file
        maps = refusal.mapIDs
        message = refusal.message
    }
}
