package import CTandemPlugin
public import TandemArrow
public import TandemDocuments

/// A plugin that passed every check and whose `init` succeeded, or one
/// described from what it said when it last loaded
/// (``PluginDescriptionCache``): the same maps, DDL and transform catalog,
/// with no code behind them (``isLoaded`` false).
///
/// Immutable after loading; the descriptor it points to is static in the
/// plugin and the library is never unloaded, so instances may be shared
/// between threads.
public final class LoadedPlugin: @unchecked Sendable {
    /// The manifest, as checked before loading.
    public let manifest: PluginManifest
    /// The library file, as found in its plugin directory.
    public let file: String
    /// The library's real path, which `dlopen` got.
    public let realPath: String
    /// The plugin directory it was found in.
    public let directory: String
    /// Display name from the descriptor.
    public let name: String
    /// Description from the descriptor.
    public let summary: String
    /// ABI version the plugin was built against, from the descriptor.
    public let abiVersion: String
    /// The maps it provides, parsed and validated.
    public let maps: MapsDocument?
    /// The DDL for its tables.
    public let ddl: DDLDocument?
    /// The transforms it provides.
    public let transforms: TransformCatalog?

    /// The plugin's descriptor; nil for a plugin described, not loaded.
    package let descriptor: UnsafePointer<tandem_plugin_descriptor>?

    /// Whether the library is loaded and its code can run; false for one
    /// described from its last load (read-only commands).
    public var isLoaded: Bool { descriptor != nil }

    /// A plugin as `entry` describes it (its descriptor's name, summary and ABI,
    /// and its documents), loaded when `descriptor` is given, described only when nil.
    init(
        manifest: PluginManifest, file: String, realPath: String, directory: String,
        descriptor: UnsafePointer<tandem_plugin_descriptor>?, described entry: PluginDescriptionCache.Entry,
        maps: MapsDocument?, ddl: DDLDocument?, transforms: TransformCatalog?
    ) {
        self.manifest = manifest
        self.file = file
        self.realPath = realPath
        self.directory = directory
        self.descriptor = descriptor
        self.name = entry.name
        self.summary = entry.summary
        self.abiVersion = entry.abiVersion
        self.maps = maps
        self.ddl = ddl
        self.transforms = transforms
    }

    /// The descriptor, or the error of a call into a plugin that is described, not loaded.
    private func loadedDescriptor(_ operation: String) throws(PluginCallError) -> UnsafePointer<tandem_plugin_descriptor> {
        guard let descriptor else {
            throw PluginCallError(
                plugin: id, operation: operation, kind: .reported, status: TANDEM_ERROR_UNSUPPORTED,
                message: "plugin \(id) is described from its last load, not loaded, in this read-only command")
        }
        return descriptor
    }

    /// The plugin's id.
    public var id: String { manifest.id }
    /// The plugin's version.
    public var version: String { manifest.version }
    /// What it provides.
    public var kinds: [PluginKind] { manifest.kinds }

    /// Creates an instance of the transform `transform` for input columns `input`.
    public func makeTransform(_ transform: String, config: JSONValue = .object([:]), input: Schema)
        throws(PluginCallError) -> PluginProcessor
    {
        let operation = "create_transform (\(transform))"
        guard let provider = try loadedDescriptor(operation).pointee.transform_provider, let create = provider.pointee.create_transform else {
            throw PluginCallError(
                plugin: id, operation: operation, kind: .reported, status: TANDEM_ERROR_UNSUPPORTED,
                message: "plugin \(id) provides no transforms")
        }
        return try makeProcessor(name: "transform \(transform)", operation: operation, input: input, oneRowPerRow: true) {
            schema, out, error in
            transform.withCString { name in config.jsonText.withCString { create(name, $0, schema, out, error) } }
        }
    }

    /// Creates a batch mapper for `mapID` in `direction` (1: ERP to CRM, 2: CRM to ERP).
    public func makeMapper(_ mapID: String, direction: Int32, config: JSONValue = .object([:]), input: Schema)
        throws(PluginCallError) -> PluginProcessor
    {
        let operation = "create_mapper (\(mapID))"
        guard let provider = try loadedDescriptor(operation).pointee.map_provider, let create = provider.pointee.create_mapper else {
            throw PluginCallError(
                plugin: id, operation: operation, kind: .reported, status: TANDEM_ERROR_UNSUPPORTED,
                message: "plugin \(id) provides no batch mappers")
        }
        return try makeProcessor(name: "mapper \(mapID)", operation: operation, input: input, oneRowPerRow: false) {
            schema, out, error in
            mapID.withCString { name in config.jsonText.withCString { create(name, direction, $0, schema, out, error) } }
        }
    }

    private func makeProcessor(
        name: String, operation: String, input: Schema, oneRowPerRow: Bool,
        _ create: (
            UnsafePointer<ArrowSchema>, UnsafeMutablePointer<UnsafeMutablePointer<tandem_processor>?>,
            UnsafeMutablePointer<tandem_error>
        ) -> tandem_status
    ) throws(PluginCallError) -> PluginProcessor {
        var schema = ArrowSchema()
        ArrowCExport.exportSchema(input, into: &schema)
        defer { schema.release?(&schema) }
        var created: UnsafeMutablePointer<tandem_processor>?
        let (status, message) = callPlugin { create(&schema, &created, $0) }
        guard status == TANDEM_OK else {
            throw PluginCallError(plugin: id, operation: operation, kind: .reported, status: status, message: message ?? "")
        }
        guard let created else {
            throw PluginCallError(
                plugin: id, operation: operation, kind: .contractViolation, status: 0,
                message: "it reported success but returned no processor")
        }
        return try PluginProcessor(
            pluginID: id, name: name, processor: created, inputSchema: input, oneRowPerRow: oneRowPerRow)
    }
}
