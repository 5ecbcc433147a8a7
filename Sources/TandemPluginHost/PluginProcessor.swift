package import CTandemPlugin
public import TandemArrow

/// A live instance of a plugin's transform or batch mapper, seen from the host.
///
/// Batches go in as Swift values and come out as Swift values; in between
/// they cross the C ABI as Arrow arrays. Everything the plugin returns is
/// checked before it is used. Not thread-safe: the ABI serialises calls per
/// instance, and so does this type's single owner.
public final class PluginProcessor {
    /// The plugin that made this instance.
    public let pluginID: String
    /// `transform NAME` or `mapper MAP`.
    public let name: String
    /// The columns the instance expects.
    public let inputSchema: Schema
    /// The columns the instance returns.
    public let outputSchema: Schema
    /// Whether the instance must return one row per input row (transforms do).
    public let oneRowPerRow: Bool

    private let processor: UnsafeMutablePointer<tandem_processor>

    /// Takes ownership of `processor`, asks for its output schema once and checks the struct.
    init(
        pluginID: String, name: String, processor: UnsafeMutablePointer<tandem_processor>, inputSchema: Schema,
        oneRowPerRow: Bool
    ) throws(PluginCallError) {
        self.pluginID = pluginID
        self.name = name
        self.inputSchema = inputSchema
        self.oneRowPerRow = oneRowPerRow
        func violation(_ message: String) -> PluginCallError {
            PluginCallError(plugin: pluginID, operation: "create (\(name))", kind: .contractViolation, status: 0, message: message)
        }
        guard processor.pointee.struct_size >= ABISizes.processor else {
            // Without a trustworthy release we can only leak it.
            throw violation(
                "the processor struct is \(processor.pointee.struct_size) bytes, smaller than the \(ABISizes.processor) of ABI 1.0")
        }
        guard let release = processor.pointee.release else {
            throw violation("the processor has no release function")
        }
        guard let getSchema = processor.pointee.get_output_schema, processor.pointee.process != nil else {
            release(processor)
            throw violation("the processor lacks get_output_schema or process")
        }
        var schema = ArrowSchema()
        let (status, message) = callPlugin { getSchema(processor, &schema, $0) }
        defer { if let release = schema.release { release(&schema) } }
        guard status == TANDEM_OK else {
            release(processor)
            throw PluginCallError(
                plugin: pluginID, operation: "get_output_schema (\(name))", kind: .reported, status: status,
                message: message ?? "")
        }
        do {
            outputSchema = try ArrowCImport.schema(&schema)
        } catch {
            release(processor)
            throw PluginCallError(
                plugin: pluginID, operation: "get_output_schema (\(name))", kind: .contractViolation, status: 0,
                message: error.message)
        }
        self.processor = processor
    }

    deinit {
        processor.pointee.release?(processor)
    }

    /// Maps one batch through the plugin.
    public func process(_ batch: RecordBatch) throws -> RecordBatch {
        guard batch.schema == inputSchema else {
            throw ArrowError(.shapeMismatch, "\(name) expects columns \(inputSchema), got \(batch.schema)")
        }
        var input = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &input)
        // Released after the output was read: outputs may point into inputs.
        defer { if let release = input.release { release(&input) } }
        var output = ArrowArray()
        try process(array: &input, into: &output)
        defer { if let release = output.release { release(&output) } }
        let result: RecordBatch
        do {
            result = try ArrowCImport.batch(&output, schema: outputSchema)
        } catch {
            throw violation("process (\(name))", error.message)
        }
        if oneRowPerRow, result.rowCount != batch.rowCount {
            throw violation(
                "process (\(name))",
                "it returned \(result.rowCount) rows for a batch of \(batch.rowCount); a transform returns one row per input row")
        }
        return result
    }

    /// Calls the plugin on an input array as it stands (the plugin host
    /// process passes arrays rebuilt over shared memory, with no Swift
    /// values in between) and checks what the ABI lets the host check
    /// without reading the output: the status, the borrowed input left
    /// intact, an output of its own with a release callback. On return
    /// `output` is the caller's to read and release, before `input`
    /// (outputs may point into inputs); on a throw it was released.
    package func process(
        array input: UnsafeMutablePointer<ArrowArray>, into output: UnsafeMutablePointer<ArrowArray>
    ) throws(PluginCallError) {
        let operation = "process (\(name))"
        output.initialize(to: ArrowArray())
        let inputContext = input.pointee.private_data
        let (status, message) = callPlugin { processor.pointee.process(processor, input, output, $0) }
        let inputIntact = input.pointee.release != nil
        if output.pointee.private_data != nil, output.pointee.private_data == inputContext {
            // The plugin handed our own array back; releasing both would free it twice.
            output.pointee.release = nil
            throw violation(operation, "it returned the host's input array as its output instead of moving a new one")
        }
        func fail(_ error: PluginCallError) -> PluginCallError {
            if let release = output.pointee.release { release(output) }
            return error
        }
        guard status == TANDEM_OK else {
            throw fail(PluginCallError(plugin: pluginID, operation: operation, kind: .reported, status: status, message: message ?? ""))
        }
        guard inputIntact else {
            throw fail(violation(operation, "it released the borrowed input array, which belongs to the host"))
        }
        guard output.pointee.release != nil else {
            throw violation(operation, "the returned array has no release callback (it was released or never set up)")
        }
    }

    private func violation(_ operation: String, _ message: String) -> PluginCallError {
        PluginCallError(plugin: pluginID, operation: operation, kind: .contractViolation, status: 0, message: message)
    }
}
