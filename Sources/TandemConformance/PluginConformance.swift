import CTandemPlugin
import Foundation
import TandemArrow
import TandemDocuments
public import TandemPluginHost

/// The conformance kit: runs a plugin through the real loader and checks
/// that it keeps the ABI's promises. Plugin authors run it with
/// `tandem plugins validate PATH` or from their own tests.
///
/// It checks the loader's refusal rules, the descriptor and documents, a map
/// plugin's SQLite DDL (run in an empty database: the maps' tables and every
/// column they map), every
/// transform example (output equal to the documented one), ownership (the
/// borrowed input is released exactly once, by the host; returned arrays and
/// schemas mark themselves released) and error paths (an unknown transform
/// name and an unusable input schema fail with a code and a message whose
/// release works).
public enum PluginConformance {
    /// Runs every check on the library `file`, found in `directory` (its
    /// parent directory when nil). With `others`, the names the plugin's maps
    /// use (dependencies, lookups, transforms) must be provided by it or by
    /// one of them (``ReferenceCheck``).
    public static func run(
        file: String, directory: String? = nil, loader: PluginLoader = PluginLoader(), others: PluginCatalog? = nil
    ) -> ConformanceReport {
        let directory = directory ?? (file as NSString).deletingLastPathComponent
        var report = ConformanceReport(file: file)
        let plugin: LoadedPlugin
        do {
            plugin = try loader.load(file: file, directory: directory.isEmpty ? "." : directory)
        } catch {
            report.checks.append(ConformanceCheck("load", .fail, "\(error.code): \(error.reason)"))
            return report
        }
        report.plugin = plugin.id
        report.checks.append(
            ConformanceCheck(
                "load", .pass,
                "manifest, hash, ABI \(plugin.abiVersion), descriptor and init ok (\(plugin.kinds.map(\.rawValue).joined(separator: ", ")))"))
        if let maps = plugin.maps {
            report.checks += checkMaps(maps, ddl: plugin.ddl)
            if let others { report.checks += ReferenceCheck.run(plugin, others: others) }
        }
        if let catalog = plugin.transforms {
            report.checks += checkUnknownTransform(plugin)
            for definition in catalog.transforms {
                report.checks += checkTransform(plugin, definition)
            }
        }
        return report
    }

    private static func checkMaps(_ maps: MapsDocument, ddl: DDLDocument?) -> [ConformanceCheck] {
        var checks = [ConformanceCheck("maps document", .pass, "\(maps.maps.count) map(s): \(maps.maps.map(\.id).joined(separator: ", "))")]
        guard let ddl else {
            checks.append(ConformanceCheck("DDL", .warn, "no DDL document: an empty pair of databases cannot be set up from this plugin"))
            return checks
        }
        guard ddl.dialect == "sqlite" else {
            checks.append(ConformanceCheck("DDL", .warn, "dialect '\(ddl.dialect)': only sqlite DDL is run and checked"))
            return checks
        }
        for (side, statements) in [("erp", ddl.erp), ("crm", ddl.crm)] {
            checks += DDLCheck.run(side: side, statements: statements, maps: maps.maps)
        }
        return checks
    }

    private static func checkUnknownTransform(_ plugin: LoadedPlugin) -> [ConformanceCheck] {
        let name = "tandem.conformance.no-such-transform"
        let input = Schema([Field("value", .utf8)])
        let check = "error path: unknown transform"
        do {
            _ = try plugin.makeTransform(name, input: input)
            return [ConformanceCheck(check, .fail, "create_transform('\(name)') succeeded; it must fail with TANDEM_ERROR_INVALID_ARGUMENT")]
        } catch {
            return [errorPathOutcome(check, error, expected: TANDEM_ERROR_INVALID_ARGUMENT)]
        }
    }

    private static func errorPathOutcome(_ check: String, _ error: PluginCallError, expected: Int32?) -> ConformanceCheck {
        guard error.kind == .reported else {
            return ConformanceCheck(check, .fail, error.description)
        }
        guard !error.message.isEmpty, error.message != "(the plugin gave no message)" else {
            return ConformanceCheck(check, .fail, "the plugin failed (code \(error.status)) without a message")
        }
        if let expected, error.status != expected {
            return ConformanceCheck(
                check, .warn,
                "failed with code \(error.status) (\(PluginCallError.statusName(error.status))); expected \(expected) (\(PluginCallError.statusName(expected))): \(error.message)")
        }
        return ConformanceCheck(check, .pass, "code \(error.status): \(error.message)")
    }

    private static func checkTransform(_ plugin: LoadedPlugin, _ definition: TransformDefinition) -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        let examples = definition.examples ?? []
        if examples.isEmpty {
            checks.append(
                ConformanceCheck("examples of \(definition.name)", .warn, "no examples: the kit cannot check its output"))
        }
        for (index, example) in examples.enumerated() {
            checks.append(contentsOf: runExample(plugin, definition.name, index: index + 1, example))
        }
        // An input schema no transform takes: a timestamp column with an odd name.
        let odd = Schema([Field("__conformance_odd__", .timestamp(unit: .nanosecond, timeZone: "UTC"))])
        let check = "error path: unusable input for \(definition.name)"
        do {
            _ = try plugin.makeTransform(definition.name, input: odd)
            checks.append(ConformanceCheck(check, .pass, "accepts any input schema"))
        } catch {
            checks.append(errorPathOutcome(check, error, expected: nil))
        }
        return checks
    }

    private static func runExample(_ plugin: LoadedPlugin, _ transform: String, index: Int, _ example: TransformExample)
        -> [ConformanceCheck]
    {
        let label = "example \(index) of \(transform)"
        let input: RecordBatch
        let expected: RecordBatch
        do {
            input = try example.input.recordBatch()
            expected = try example.output.recordBatch()
        } catch {
            return [ConformanceCheck(label, .fail, "the example itself is invalid: \(error.description)")]
        }
        let processor: PluginProcessor
        do {
            processor = try plugin.makeTransform(transform, config: example.config ?? .object([:]), input: input.schema)
        } catch {
            return [ConformanceCheck(label, .fail, error.description)]
        }
        var checks: [ConformanceCheck] = []
        if processor.outputSchema.fields.map(\.type) != expected.schema.fields.map(\.type)
            || processor.outputSchema.fields.map(\.name) != expected.schema.fields.map(\.name)
        {
            checks.append(
                ConformanceCheck(label, .fail, "output schema \(processor.outputSchema) differs from the example's \(expected.schema)"))
            return checks
        }
        let ownership = OwnershipProbe.run(plugin: plugin, transform: transform, config: example.config, input: input)
        checks.append(ConformanceCheck("ownership in \(label)", ownership.problems.isEmpty ? .pass : .fail,
            ownership.problems.isEmpty ? "input released once, by the host; output and schema mark themselves released" : ownership.problems.joined(separator: "; ")))
        do {
            let output = try processor.process(input)
            if let mismatch = difference(output, expected) {
                checks.append(ConformanceCheck(label, .fail, mismatch))
            } else {
                checks.append(ConformanceCheck(label, .pass, "\(input.rowCount) row(s) as documented"))
            }
        } catch {
            checks.append(ConformanceCheck(label, .fail, String(describing: error)))
        }
        return checks
    }

    /// Nil when equal; otherwise the first difference, by row and column.
    static func difference(_ actual: RecordBatch, _ expected: RecordBatch) -> String? {
        guard actual.rowCount == expected.rowCount else {
            return "returned \(actual.rowCount) rows, the example documents \(expected.rowCount)"
        }
        for row in 0..<expected.rowCount {
            for (column, field) in expected.schema.fields.enumerated() {
                let got = actual.columns[column][row]
                let want = expected.columns[column][row]
                if got != want {
                    return "row \(row), column '\(field.name)': got \(got), the example documents \(want)"
                }
            }
        }
        return nil
    }
}
