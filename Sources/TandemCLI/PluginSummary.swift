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
