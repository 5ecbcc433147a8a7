import CTandemPlugin
import TandemArrow
import TandemDocuments
import TandemPluginHost

/// Runs one batch through a transform at the level of the C structs, to
/// watch who releases what.
enum OwnershipProbe {
    struct Outcome {
        var problems: [String] = []
    }

    static func run(plugin: LoadedPlugin, transform: String, config: JSONValue?, input: RecordBatch) -> Outcome {
        var outcome = Outcome()
        guard let provider = plugin.descriptor?.pointee.transform_provider,
            let create = provider.pointee.create_transform
        else {
            outcome.problems.append("no transform provider")
            return outcome
        }
        var schema = ArrowSchema()
        ArrowCExport.exportSchema(input.schema, into: &schema)
        var created: UnsafeMutablePointer<tandem_processor>?
        let configText = (config ?? .object([:])).jsonText
        let (status, message) = callPlugin { error in
            transform.withCString { name in configText.withCString { create(name, $0, &schema, &created, error) } }
        }
        if schema.release == nil {
            outcome.problems.append("create_transform released the borrowed input schema")
        } else {
            schema.release?(&schema)
        }
        guard status == TANDEM_OK, let processor = created else {
            outcome.problems.append("create_transform failed: \(message ?? "no processor")")
            return outcome
        }
        guard processor.pointee.struct_size >= MemoryLayout<tandem_processor>.offset(of: \.release)! + 8,
            let getOutputSchema = processor.pointee.get_output_schema, let process = processor.pointee.process,
            let releaseProcessor = processor.pointee.release
        else {
            outcome.problems.append("the processor struct is too small or lacks get_output_schema, process or release")
            return outcome
        }
        defer { releaseProcessor(processor) }

        var outputSchema = ArrowSchema()
        let (schemaStatus, schemaMessage) = callPlugin { getOutputSchema(processor, &outputSchema, $0) }
        if schemaStatus != TANDEM_OK {
            outcome.problems.append("get_output_schema failed: \(schemaMessage ?? "")")
            outputSchema.release?(&outputSchema)
        } else if let release = outputSchema.release {
            release(&outputSchema)
            if outputSchema.release != nil {
                outcome.problems.append("the output schema's release did not set release to NULL")
            }
        } else {
            outcome.problems.append("the output schema has no release callback")
        }

        var array = ArrowArray()
        do {
            try ArrowCExport.exportBatch(input, into: &array)
        } catch {
            outcome.problems.append("cannot export the example input: \(error.message)")
            return outcome
        }
        let counter = ReleaseCounter()
        counter.wrap(&array)
        var output = ArrowArray()
        let (processStatus, processMessage) = callPlugin { process(processor, &array, &output, $0) }
        if counter.count != 0 || array.release == nil {
            outcome.problems.append("process released the borrowed input array (the host owns it)")
        } else {
            array.release?(&array)
            if counter.count != 1 {
                outcome.problems.append("the input's release ran \(counter.count) times")
            }
        }
        if processStatus != TANDEM_OK {
            outcome.problems.append("process failed: \(processMessage ?? "")")
            if output.release != nil {
                outcome.problems.append("process failed but set up an output array")
                output.release?(&output)
            }
            return outcome
        }
        guard let release = output.release else {
            outcome.problems.append("the output array has no release callback")
            return outcome
        }
        release(&output)
        if output.release != nil {
            outcome.problems.append("the output array's release did not set release to NULL")
        }
        return outcome
    }
}
