import ArgumentParser
import Foundation
import TandemEngine

/// `tandem write SIDE TABLE ROWS`: a synchronous write through Tandem.
struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write rows to one side and, through the maps, to the other before returning: both or neither.",
        discussion: """
            ROWS is JSON: one object or an array of objects, column → value, given as an
            argument, with --file FILE, or on standard input ("-" or nothing). Strings are
            text, integers integers, other numbers reals (send decimals as strings to keep
            every digit), true and false 1 and 0, null NULL, {"base64": "..."} a blob.
            Upsert changes only the columns given; --delete deletes by key (give the key
            columns).

            Synchronous means: the write is applied to SIDE and, through every running map
            that reads TABLE, to the other side, before the command returns. If the other
            side refuses a row (a constraint, a validation, a missing parent, a value that
            does not map), or has edits of the same key that have not synced yet, neither
            side keeps the write and the error names the key and the reason. SIDE commits
            first; if Tandem dies before the other side commits, the engine applies the
            write from SIDE's change log when it runs. The cost: both sides are locked for
            the write's duration, and the running engine carries it out between its batches
            (`docs/SYNC.md`).

              tandem write erp Notes '{"NOTEID": 7, "TEXT": "hello"}'
              tandem write crm account --file rows.json
              tandem write erp Notes --delete '{"NOTEID": 7}'
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "erp or crm: the side written first.") var side: String
    @Argument(help: "A table of that side that a map syncs.") var table: String
    @Argument(help: "The rows as JSON; \"-\" or nothing reads standard input.") var rows: String?
    @Option(help: "Read the rows from FILE.") var file: String?
    @Flag(help: "Delete the rows with the keys given, instead of upserting.") var delete = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let role = SideRole(rawValue: side) else {
            throw CLIError("'\(side)' is not a side; use erp or crm")
        }
        let text: String
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read --file \(file)") }
            text = String(decoding: contents, as: UTF8.self)
        } else if let rows, rows != "-" {
            text = rows
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let spec = OperatorRequest.WriteSpec(side: role, table: table, operation: delete ? .delete : .upsert, rows: text)
        let results = try OperatorSubmission.submit(
            OperatorRequest(action: .write, ids: [], write: spec, submitter: getpid()), options: options)
        guard let result = results.first, result.outcome == "written", let detail = result.detail,
            let written = try? JSONDecoder().decode(WriteResult.self, from: Data(detail.utf8))
        else {
            throw CLIError(results.first?.detail ?? "the write was not carried out")
        }
        if output.json { return printJSON(written) }
        print(
            "wrote \(written.rows) row(s): \(written.origin) → \(written.targets.joined(separator: ", ")) (\(written.maps.joined(separator: ", "))) in \(String(format: "%.1f", written.milliseconds)) ms")
    }
}
