import CTandemPlugin
import Foundation
public import Logging
import Synchronization
public import TandemDocuments

/// Finds, checks, loads and initialises plugins.
///
/// A library is loaded at most once per process (the host never unloads
/// one), so loaded plugins are remembered process-wide by real path; loading
/// the same file again returns the same plugin. Within one catalog, plugin ids,
/// map ids and transform names are unique.
public struct PluginLoader: Sendable {
    /// Where log lines from the loader and from plugins go.
    public var logger: Logger
    /// `init` config per plugin id; plugins without one get `{}`.
    public var configs: [String: JSONValue]
    /// Run on each library that passed the file checks, before this process
    /// loads it (nil: none). The CLI loads it in a child process with a time
    /// limit first, so that an `init` that aborts or never returns refuses
    /// the plugin instead of ending or hanging the command (issue 17 §1).
    public var trial: (@Sendable (_ file: String, _ directory: String, _ manifest: PluginManifest) -> PluginRefusal?)?
    /// Describe a plugin from what it said when this machine last loaded
    /// it (``PluginDescriptionCache``) instead of loading it, when that is
    /// known: for commands that only read state (issue 17 §1), which need
    /// its maps but must never run its code. A plugin never loaded here is
    /// loaded (after ``trial``) as usual.
    public var describeFromCache = false

    /// Creates a loader.
    public init(logger: Logger = Logger(label: "tandem.plugins"), configs: [String: JSONValue] = [:]) {
        self.logger = logger
        self.configs = configs
    }

    /// File name suffixes of shared libraries.
    public static let librarySuffixes = [".so", ".dylib"]

    /// Loads every plugin in `directories`, in order. A refused file never
    /// stops the others; each refusal is in the catalog with its reason.
    public func loadAll(from directories: [PluginDirectory]) -> PluginCatalog {
        var catalog = PluginCatalog(plugins: [], refusals: [], directories: directories)
        for directory in directories {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            } catch {
                catalog.refusals.append(
                    PluginRefusal(
                        file: directory.path, code: .unreadable,
                        reason: "plugin directory (\(directory.origin.rawValue)) cannot be read: \(error.localizedDescription)"))
                continue
            }
            for name in names where Self.librarySuffixes.contains(where: { name.hasSuffix($0) }) {
                let file = (directory.path as NSString).appendingPathComponent(name)
                do {
                    let plugin = try load(file: file, directory: directory.path)
                    try checkUnique(plugin, among: catalog.plugins)
                    catalog.plugins.append(plugin)
                    logger.debug("loaded plugin", metadata: ["plugin": "\(plugin.id)", "file": "\(file)"])
                } catch {
                    catalog.refusals.append(error)
                    logger.warning("\(error.description)")
                }
            }
        }
        return catalog
    }

    /// Checks and loads one library file found in `directory`.
    public func load(file: String, directory: String) throws(PluginRefusal) -> LoadedPlugin {
        let passed = try PluginFileCheck.check(file: file, directory: directory)
        if describeFromCache, let described = try described(file: file, directory: directory, passed: passed) {
            return described
        }
        if let trial, let refusal = trial(file, directory, passed.manifest) { throw refusal }
        return try LoadedLibraries.shared.load(passed.realPath, sha256: passed.manifest.sha256 ?? "") {
            () throws(PluginRefusal) -> LoadedPlugin in
            try open(file: file, directory: directory, passed: passed)
        }
    }

    /// The plugin as its cache entry describes it; nil when there is none.
    /// The entry's documents go through the same decoding as a load's: one
    /// that no longer decodes (a stricter host) refuses the plugin as
    /// loading it would.
    private func described(file: String, directory: String, passed: PluginFileCheck.Passed) throws(PluginRefusal)
        -> LoadedPlugin?
    {
        guard let entry = PluginDescriptionCache.read(sha256: passed.manifest.sha256 ?? "") else { return nil }
        return LoadedPlugin(
            manifest: passed.manifest, file: file, realPath: passed.realPath, directory: directory, descriptor: nil,
            described: entry,
            maps: try entry.mapsJSON.map { (text) throws(PluginRefusal) in
                try document(MapsDocument.self, text, what: "maps document", file: file)
            },
            ddl: try entry.ddlJSON.map { (text) throws(PluginRefusal) in
                try document(DDLDocument.self, text, what: "DDL document", file: file)
            },
            transforms: try entry.transformsJSON.map { (text) throws(PluginRefusal) in
                try document(TransformCatalog.self, text, what: "transform catalog", file: file)
            })
    }

    private func open(file: String, directory: String, passed: PluginFileCheck.Passed) throws(PluginRefusal)
        -> LoadedPlugin
    {
        let manifest = passed.manifest
        func refuse(_ code: PluginRefusal.Code, _ reason: String) -> PluginRefusal {
            PluginRefusal(file: file, code: code, reason: reason)
        }
        let handle: UnsafeMutableRawPointer
        switch SystemCalls.openLibrary(passed.realPath) {
        case .success(let opened): handle = opened
        case .failure(let error): throw refuse(.loadFailed, "cannot be loaded as a shared library: \(error)")
        }
        guard let symbol = SystemCalls.symbol(TANDEM_PLUGIN_ENTRY_V1_SYMBOL, in: handle) else {
            throw refuse(
                .entryMissing,
                "does not export \(TANDEM_PLUGIN_ENTRY_V1_SYMBOL); is it a Tandem plugin built against ABI 1? (`nm -D` lists its symbols)")
        }
        let entry = unsafeBitCast(symbol, to: tandem_plugin_entry_v1_fn.self)
        guard let descriptor = entry(HostABI.major, HostABI.minor) else {
            throw refuse(
                .noDescriptor,
                "\(TANDEM_PLUGIN_ENTRY_V1_SYMBOL) returned no descriptor for host ABI \(HostABI.version); the plugin may need a newer Tandem")
        }
        // struct_size first: nothing else of the descriptor may be read before it.
        let minimum = ABISizes.descriptor
        guard descriptor.pointee.struct_size >= minimum else {
            throw refuse(
                .invalidDescriptor,
                "its descriptor's struct_size is \(descriptor.pointee.struct_size) bytes, smaller than the \(minimum) bytes of ABI 1.0")
        }
        let d = descriptor.pointee
        guard d.abi_major == HostABI.major else {
            throw refuse(
                .abiMismatch,
                "its descriptor says ABI major \(d.abi_major) but this Tandem speaks \(HostABI.major) (and its manifest says \(manifest.abiMajor))")
        }
        let id = d.id.map { String(cString: $0) }
        let version = d.version.map { String(cString: $0) }
        guard id == manifest.id else {
            throw refuse(.invalidDescriptor, "its descriptor id is '\(id ?? "NULL")' but its manifest says '\(manifest.id)'")
        }
        guard version == manifest.version else {
            throw refuse(
                .invalidDescriptor, "its descriptor version is '\(version ?? "NULL")' but its manifest says '\(manifest.version)'")
        }
        let known = TANDEM_KIND_TABLE_MAP | TANDEM_KIND_TRANSFORM
        guard d.kinds & ~known == 0 else {
            throw refuse(.invalidDescriptor, "its descriptor claims unknown kind bits \(d.kinds & ~known)")
        }
        var kinds: Set<PluginKind> = []
        if d.kinds & TANDEM_KIND_TABLE_MAP != 0 { kinds.insert(.tableMap) }
        if d.kinds & TANDEM_KIND_TRANSFORM != 0 { kinds.insert(.transform) }
        guard kinds == Set(manifest.kinds) else {
            throw refuse(
                .invalidDescriptor,
                "its descriptor provides \(kinds.map(\.rawValue).sorted()) but its manifest says \(manifest.kinds.map(\.rawValue).sorted())")
        }
        // The header: each provider is non-NULL exactly when its kind is claimed.
        if !kinds.contains(.tableMap), d.map_provider != nil {
            throw refuse(.invalidDescriptor, "its descriptor has a map provider but does not claim the table-map kind")
        }
        if !kinds.contains(.transform), d.transform_provider != nil {
            throw refuse(.invalidDescriptor, "its descriptor has a transform provider but does not claim the transform kind")
        }
        guard let initialize = d.`init` else {
            throw refuse(.invalidDescriptor, "its descriptor has no init function")
        }

        var maps: MapsDocument?
        var ddl: DDLDocument?
        var transforms: TransformCatalog?
        // The documents' text, as the plugin returned it, for its description (see PluginDescriptionCache).
        var description = PluginDescriptionCache.Entry(
            name: d.name.map { String(cString: $0) } ?? manifest.id,
            summary: d.description.map { String(cString: $0) } ?? "", abiVersion: "\(d.abi_major).\(d.abi_minor)")
        if kinds.contains(.tableMap) {
            guard let provider = d.map_provider,
                provider.pointee.struct_size >= ABISizes.mapProvider,
                let mapsJSON = provider.pointee.maps_json
            else {
                throw refuse(.invalidDescriptor, "it claims table maps but has no complete map provider (struct_size, maps_json)")
            }
            description.mapsJSON = try text(mapsJSON(), what: "maps document", file: file)
            maps = try document(MapsDocument.self, description.mapsJSON!, what: "maps document", file: file)
            if let ddlJSON = provider.pointee.ddl_json {
                description.ddlJSON = try text(ddlJSON(), what: "DDL document", file: file)
                ddl = try document(DDLDocument.self, description.ddlJSON!, what: "DDL document", file: file)
            }
            if maps?.maps.contains(where: { $0.mapper == true }) == true, provider.pointee.create_mapper == nil {
                throw refuse(.invalidDescriptor, "a map says \"mapper\": true but the map provider has no create_mapper")
            }
        }
        if kinds.contains(.transform) {
            guard let provider = d.transform_provider,
                provider.pointee.struct_size >= ABISizes.transformProvider,
                let catalogJSON = provider.pointee.transforms_json, provider.pointee.create_transform != nil
            else {
                throw refuse(
                    .invalidDescriptor,
                    "it claims transforms but has no complete transform provider (struct_size, transforms_json, create_transform)")
            }
            description.transformsJSON = try text(catalogJSON(), what: "transform catalog", file: file)
            transforms = try document(TransformCatalog.self, description.transformsJSON!, what: "transform catalog", file: file)
        }

        let vtable = HostVTable.make(pluginID: manifest.id, logger: logger)
        let config = configs[manifest.id] ?? .object([:])
        let (status, message) = callPlugin { error in config.jsonText.withCString { initialize(vtable, $0, error) } }
        guard status == TANDEM_OK else {
            throw refuse(
                .initFailed,
                "its init failed (code \(status), \(PluginCallError.statusName(status))): \(message ?? "(no message)")")
        }
        PluginDescriptionCache.store(description, sha256: manifest.sha256 ?? "")
        return LoadedPlugin(
            manifest: manifest, file: file, realPath: passed.realPath, directory: directory, descriptor: descriptor,
            described: description, maps: maps, ddl: ddl, transforms: transforms)
    }

    /// A document's text as the plugin returned it; NULL is refused.
    private func text(_ text: UnsafePointer<CChar>?, what: String, file: String) throws(PluginRefusal) -> String {
        guard let text else {
            throw PluginRefusal(file: file, code: .invalidDocument, reason: "its \(what) is NULL")
        }
        return String(cString: text)
    }

    private func document<Document: JSONDocument>(
        _ type: Document.Type, _ text: String, what: String, file: String
    ) throws(PluginRefusal) -> Document {
        do {
            return try Document.decode(text, document: "its \(what)")
        } catch {
            throw PluginRefusal(file: file, code: .invalidDocument, reason: error.description)
        }
    }

    private func checkUnique(_ plugin: LoadedPlugin, among loaded: [LoadedPlugin]) throws(PluginRefusal) {
        for other in loaded {
            if other.id == plugin.id {
                throw PluginRefusal(
                    file: plugin.file, code: .duplicate,
                    reason: "plugin id \(plugin.id) is already loaded from \(other.file); remove one of them")
            }
            let shared = Set(other.maps?.maps.map(\.id) ?? []).intersection(plugin.maps?.maps.map(\.id) ?? [])
            if let map = shared.sorted().first {
                throw PluginRefusal(
                    file: plugin.file, code: .duplicate, reason: "map '\(map)' is already provided by plugin \(other.id)")
            }
            let sharedTransforms = Set(other.transforms?.transforms.map(\.name) ?? []).intersection(
                plugin.transforms?.transforms.map(\.name) ?? [])
            if let transform = sharedTransforms.sorted().first {
                throw PluginRefusal(
                    file: plugin.file, code: .duplicate,
                    reason: "transform '\(transform)' is already provided by plugin \(other.id)")
            }
        }
    }
}

/// Libraries loaded in this process, by real path, with what loading them
/// gave. dlopen of a path already loaded returns the loaded image, so a
/// library is opened and initialised once, and a file replaced on disk after
/// it was loaded is refused until the process restarts.
final class LoadedLibraries: Sendable {
    static let shared = LoadedLibraries()

    private struct Entry {
        var sha256: String
        var result: Result<LoadedPlugin, PluginRefusal>
    }

    private let entries = Mutex<[String: Entry]>([:])

    func load(_ realPath: String, sha256: String, _ open: () throws(PluginRefusal) -> LoadedPlugin)
        throws(PluginRefusal) -> LoadedPlugin
    {
        // Held across open so that two threads never initialise one library twice.
        let result: Result<LoadedPlugin, PluginRefusal> = entries.withLock { entries in
            if let entry = entries[realPath] {
                guard entry.sha256 == sha256 else {
                    return .failure(
                        PluginRefusal(
                            file: realPath, code: .hashMismatch,
                            reason: "was replaced on disk after this process loaded it; plugins cannot be unloaded, so restart tandem to load the new version"))
                }
                return entry.result
            }
            let result = Result<LoadedPlugin, PluginRefusal>(catching: open)
            entries[realPath] = Entry(sha256: sha256, result: result)
            return result
        }
        return try result.get()
    }
}
