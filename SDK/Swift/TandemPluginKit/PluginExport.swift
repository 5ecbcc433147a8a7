public import CTandemPlugin
internal import Synchronization
internal import TandemArrow
internal import TandemDocuments

/// Builds the C descriptor for a Swift plugin and bridges every ABI call to it.
///
/// Each plugin library carries its own copy of this kit, so the state below
/// belongs to exactly one plugin.
public enum PluginExport {
    /// The descriptor for `plugin`, built once; nil when the host's ABI major
    /// is not 1. Call it from `tandem_plugin_entry_v1`.
    public static func descriptor(for plugin: any TandemPlugin.Type, hostMajor: UInt32, hostMinor: UInt32)
        -> UnsafePointer<tandem_plugin_descriptor>?
    {
        guard hostMajor == UInt32(TANDEM_ABI_MAJOR) else { return nil }
        return exported.withLock { state in
            if let existing = state?.descriptor { return UnsafePointer(existing) }
            let created = ExportedPlugin(plugin)
            state = created
            return UnsafePointer(created.descriptor)
        }
    }
}

/// Sizes of the ABI 1.0 structs the host passes in: the end of their last 1.0
/// field, so that a host built against a later minor version still passes.
enum ABI10 {
    static let hostSize = MemoryLayout<tandem_host>.offset(of: \.get_extension)! + MemoryLayout<UnsafeRawPointer>.size
    static let errorSize = MemoryLayout<tandem_error>.offset(of: \.private_data)! + MemoryLayout<UnsafeRawPointer>.size
}

/// The one plugin this library exports, once the host asked for it.
private let exported = Mutex<ExportedPlugin?>(nil)

/// The plugin type and the C structures built for it. Immortal: the host
/// never unloads a plugin, and the descriptor must stay valid until exit.
private final class ExportedPlugin: @unchecked Sendable {
    // Everything here is written once in init, before the descriptor is
    // handed out, and only read afterwards.
    let plugin: any TandemPlugin.Type
    let descriptor: UnsafeMutablePointer<tandem_plugin_descriptor>
    let mapsJSON: UnsafeMutablePointer<CChar>?
    let ddlJSON: UnsafeMutablePointer<CChar>?
    let transformsJSON: UnsafeMutablePointer<CChar>?
    let transforms: [String: any Transform.Type]
    let host = Mutex<PluginHost?>(nil)

    init(_ plugin: any TandemPlugin.Type) {
        self.plugin = plugin
        mapsJSON = plugin.maps.map { cString($0.encodedJSON()) }
        ddlJSON = plugin.ddl.map { cString($0.encodedJSON()) }
        let transformTypes = plugin.transforms
        transforms = Dictionary(transformTypes.map { ($0.definition.name, $0) }, uniquingKeysWith: { first, _ in first })
        transformsJSON =
            transformTypes.isEmpty
            ? nil : cString(TransformCatalog(transforms: transformTypes.map { $0.definition }).encodedJSON())

        var kinds: UInt32 = 0
        var mapProvider: UnsafeMutablePointer<tandem_map_provider>?
        if mapsJSON != nil {
            kinds |= TANDEM_KIND_TABLE_MAP
            let provider = UnsafeMutablePointer<tandem_map_provider>.allocate(capacity: 1)
            provider.initialize(
                to: tandem_map_provider(
                    struct_size: MemoryLayout<tandem_map_provider>.size,
                    maps_json: { current().mapsJSON.map { UnsafePointer($0) } },
                    ddl_json: { current().ddlJSON.map { UnsafePointer($0) } },
                    create_mapper: { mapID, direction, config, schema, out, error in
                        createMapper(mapID, direction, config, schema, out, error)
                    }
                ))
            mapProvider = provider
        }
        var transformProvider: UnsafeMutablePointer<tandem_transform_provider>?
        if transformsJSON != nil {
            kinds |= TANDEM_KIND_TRANSFORM
            let provider = UnsafeMutablePointer<tandem_transform_provider>.allocate(capacity: 1)
            provider.initialize(
                to: tandem_transform_provider(
                    struct_size: MemoryLayout<tandem_transform_provider>.size,
                    transforms_json: { current().transformsJSON.map { UnsafePointer($0) } },
                    create_transform: { name, config, schema, out, error in
                        createTransform(name, config, schema, out, error)
                    }
                ))
            transformProvider = provider
        }

        descriptor = UnsafeMutablePointer<tandem_plugin_descriptor>.allocate(capacity: 1)
        descriptor.initialize(
            to: tandem_plugin_descriptor(
                struct_size: MemoryLayout<tandem_plugin_descriptor>.size,
                abi_major: UInt32(TANDEM_ABI_MAJOR),
                abi_minor: UInt32(TANDEM_ABI_MINOR),
                id: UnsafePointer(cString(plugin.id)),
                version: UnsafePointer(cString(plugin.version)),
                name: UnsafePointer(cString(plugin.name)),
                description: UnsafePointer(cString(plugin.summary)),
                kinds: kinds,
                init: { host, config, error in initialize(host, config, error) },
                shutdown: nil,
                get_extension: nil,
                map_provider: mapProvider.map { UnsafePointer($0) },
                transform_provider: transformProvider.map { UnsafePointer($0) }
            ))
    }
}

/// The exported plugin. Every ABI call comes after the entry function, which
/// created it, so it is always there.
private func current() -> ExportedPlugin {
    exported.withLock { $0! }
}

private func initialize(
    _ host: UnsafePointer<tandem_host>?, _ config: UnsafePointer<CChar>?, _ errorOut: UnsafeMutablePointer<tandem_error>?
) -> tandem_status {
    let state = current()
    guard let host, host.pointee.struct_size >= ABI10.hostSize else {
        return fail(errorOut, PluginError(.invalidArgument, "plugin \(state.plugin.id) needs a tandem_host of ABI 1.0 or later"))
    }
    let pluginHost = PluginHost(host)
    state.host.withLock { $0 = pluginHost }
    do {
        let configValue = try parseConfig(config, what: "init config of plugin \(state.plugin.id)")
        try state.plugin.initialize(host: pluginHost, config: configValue)
        return TANDEM_OK
    } catch {
        return fail(errorOut, bridge(error, default: .invalidConfig))
    }
}

private func createTransform(
    _ name: UnsafePointer<CChar>?, _ config: UnsafePointer<CChar>?, _ schema: UnsafePointer<ArrowSchema>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<tandem_processor>?>?, _ errorOut: UnsafeMutablePointer<tandem_error>?
) -> tandem_status {
    let state = current()
    guard let name, let schema, let out else {
        return fail(errorOut, PluginError(.invalidArgument, "create_transform needs a name, an input schema and an out pointer"))
    }
    let transformName = String(cString: name)
    guard let type = state.transforms[transformName] else {
        let known = state.transforms.keys.sorted().joined(separator: ", ")
        return fail(
            errorOut,
            PluginError(
                .invalidArgument, "unknown transform '\(transformName)'; plugin \(state.plugin.id) provides \(known)"))
    }
    do {
        let input = try ArrowCImport.schema(schema)
        let configValue = try parseConfig(config, what: "config of transform \(transformName)")
        let instance = try type.init(config: configValue, input: input)
        out.pointee = makeProcessor(ProcessorBox(instance, input: input, name: "transform \(transformName)", oneRowPerRow: true))
        return TANDEM_OK
    } catch {
        return fail(errorOut, bridge(error, default: .invalidConfig))
    }
}

private func createMapper(
    _ mapID: UnsafePointer<CChar>?, _ direction: Int32, _ config: UnsafePointer<CChar>?,
    _ schema: UnsafePointer<ArrowSchema>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<tandem_processor>?>?,
    _ errorOut: UnsafeMutablePointer<tandem_error>?
) -> tandem_status {
    let state = current()
    guard let mapID, let schema, let out, let mapDirection = MapDirection(rawValue: direction) else {
        return fail(errorOut, PluginError(.invalidArgument, "create_mapper needs a map id, a direction 1 or 2, a schema and an out pointer"))
    }
    let id = String(cString: mapID)
    do {
        let input = try ArrowCImport.schema(schema)
        let configValue = try parseConfig(config, what: "config of mapper \(id)")
        let instance = try state.plugin.makeMapper(mapID: id, direction: mapDirection, config: configValue, input: input)
        out.pointee = makeProcessor(ProcessorBox(instance, input: input, name: "mapper \(id)", oneRowPerRow: false))
        return TANDEM_OK
    } catch {
        return fail(errorOut, bridge(error, default: .invalidConfig))
    }
}

/// One live processor and what the C callbacks need to run it.
private final class ProcessorBox {
    var processor: any BatchProcessor
    let input: Schema
    let output: Schema
    let name: String
    let oneRowPerRow: Bool

    init(_ processor: any BatchProcessor, input: Schema, name: String, oneRowPerRow: Bool) {
        self.processor = processor
        self.input = input
        self.output = processor.outputSchema
        self.name = name
        self.oneRowPerRow = oneRowPerRow
    }
}

private func makeProcessor(_ box: ProcessorBox) -> UnsafeMutablePointer<tandem_processor> {
    let processor = UnsafeMutablePointer<tandem_processor>.allocate(capacity: 1)
    processor.initialize(
        to: tandem_processor(
            struct_size: MemoryLayout<tandem_processor>.size,
            private_data: Unmanaged.passRetained(box).toOpaque(),
            get_output_schema: { processor, out, error in
                guard let processor, let out else {
                    return fail(error, PluginError(.invalidArgument, "get_output_schema needs an out pointer"))
                }
                let box = Unmanaged<ProcessorBox>.fromOpaque(processor.pointee.private_data).takeUnretainedValue()
                ArrowCExport.exportSchema(box.output, into: out)
                return TANDEM_OK
            },
            process: { processor, input, out, error in
                guard let processor, let input, let out else {
                    return fail(error, PluginError(.invalidArgument, "process needs an input and an out pointer"))
                }
                let box = Unmanaged<ProcessorBox>.fromOpaque(processor.pointee.private_data).takeUnretainedValue()
                return process(box, input, out, error)
            },
            release: { processor in
                guard let processor else { return }
                Unmanaged<ProcessorBox>.fromOpaque(processor.pointee.private_data).release()
                processor.deinitialize(count: 1)
                processor.deallocate()
            }
        ))
    return processor
}

private func process(
    _ box: ProcessorBox, _ input: UnsafePointer<ArrowArray>, _ out: UnsafeMutablePointer<ArrowArray>,
    _ errorOut: UnsafeMutablePointer<tandem_error>?
) -> tandem_status {
    do {
        let batch = try ArrowCImport.batch(input, schema: box.input)
        let result = try box.processor.process(batch)
        guard result.schema == box.output else {
            throw PluginError(
                .internal, "\(box.name) returned columns \(result.schema) but declared \(box.output)")
        }
        if box.oneRowPerRow, result.rowCount != batch.rowCount {
            throw PluginError(.internal, "\(box.name) returned \(result.rowCount) rows for \(batch.rowCount)")
        }
        try ArrowCExport.exportBatch(result, into: out)
        return TANDEM_OK
    } catch {
        return fail(errorOut, bridge(error, default: .invalidData))
    }
}

private func parseConfig(_ config: UnsafePointer<CChar>?, what: String) throws -> JSONValue {
    guard let config else { return .object([:]) }
    let text = String(cString: config)
    return text.isEmpty ? .object([:]) : try JSONValue.parse(text, document: what)
}

/// Maps any Swift error to a plugin error: its own code when it has one.
private func bridge(_ error: any Error, default code: PluginError.Code) -> PluginError {
    switch error {
    case let error as PluginError: error
    case let error as ArrowError: PluginError(code == .invalidConfig ? .invalidConfig : .invalidData, error.message)
    case let error as DocumentError: PluginError(.invalidConfig, error.description)
    default: PluginError(code, String(describing: error))
    }
}

/// Fills the host's error struct and returns the status to hand back.
private func fail(_ error: UnsafeMutablePointer<tandem_error>?, _ problem: PluginError) -> tandem_status {
    // A host that passed no error struct, or one older than 1.0, gets the code only.
    if let error, error.pointee.struct_size >= ABI10.errorSize {
        error.pointee.code = problem.code.rawValue
        error.pointee.message = UnsafePointer(cString(problem.message))
        error.pointee.private_data = nil
        error.pointee.release = { error in
            guard let error else { return }
            UnsafeMutablePointer(mutating: error.pointee.message)?.deallocate()
            error.pointee.message = nil
            error.pointee.release = nil
        }
    }
    return problem.code.rawValue
}

/// A NUL-terminated copy of `string`, freed by its owner with `deallocate()`
/// (never, for those backing the static descriptor).
private func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
    let bytes = string.utf8CString
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
    return copy
}
