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
            (`docs/SYNC.md`). A row that a map's filter leaves out is written to SIDE only;
            the output names the rows and the filter.

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
        print(Self.render(written, delete: delete))
    }

    /// The text output: the rows that went through, then, per map whose
    /// filter left rows out, which rows stay on the first side and why.
    static func render(_ written: WriteResult, delete: Bool) -> String {
        var lines: [String] = []
        let maps = "(\(written.maps.joined(separator: ", ")))"
        let through = "\(written.origin) → \(written.targets.joined(separator: ", ")) \(maps)"
        let time = "in \(String(format: "%.1f", written.milliseconds)) ms"
        if written.leftOut.isEmpty {
            lines.append("wrote \(written.rows) row(s): \(through) \(time)")
        } else if written.carried > 0 {
            lines.append("wrote \(written.carried) row(s): \(through) \(time)")
        }
        let side = written.origin.prefix { $0 != "." }
        for left in written.leftOut {
            let one = left.keys.count == 1
            let (it, itStays) = one ? ("it", "it stays") : ("them", "they stay")
            let more = left.keys.count > 10 ? " and \(left.keys.count - 10) more" : ""
            let keys = "key\(one ? "" : "s") \(left.keys.prefix(10).joined(separator: ", "))\(more)"
            let whereTo =
                left.onlyOrigin ? "to \(written.origin) only" : "to \(written.origin) but not to \(left.target)"
            let stays = left.onlyOrigin ? ", so \(itStays) on the \(side) side" : ""
            let filter = "the filter of map \(left.map) leaves \(it) out of \(left.target) (\(left.filterOrigin): \(left.filter))"
            // A deleted row has nothing left to change: the delete itself is what is not carried.
            lines.append(
                delete
                    ? "wrote \(left.keys.count) row(s) \(whereTo) (\(keys)): \(filter), so the delete is not carried there"
                    : "wrote \(left.keys.count) row(s) \(whereTo) (\(keys)): \(filter)\(stays); "
                        + "change the row or the filter to sync \(it)")
        }
        return lines.joined(separator: "\n")
    }
}
