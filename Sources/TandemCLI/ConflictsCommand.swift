import ArgumentParser
import Foundation
import TandemEngine

/// `tandem conflicts list|show|resolve`.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "See conflicts (a row changed on both sides) and decide the ones that wait for you.",
        discussion: """
            A conflict is the same key changed on both sides since they were last in step.
            The map's conflict_policy decides it: erp-wins or crm-wins (side priority, the
            default is erp-wins), newest-wins (the later statement time on each side's
            clock; a tie goes to erp), merge (two updates that changed different columns
            are merged; columns both changed keep erp's value; an insert or delete falls
            back to erp-wins), or manual (the incoming change waits, the key's later
            changes from both sides wait behind it, until you resolve it). Every conflict
            is recorded with both versions, the policy and the outcome.

            resolve --take erp|crm keeps that side's version of the row (the other side's
            pending edits of the key are discarded and logged); --take merged writes the
            incoming change's columns over the other side's row, when the two changed
            different columns, and sends the merged row back.
            """,
        subcommands: [List.self, Show.self, Resolve.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded conflicts, oldest first.")

        @OptionGroup var options: EnvironmentOptions
        @Option(help: "Only this map.") var map: String?
        @Option(help: ArgumentHelp("Only conflicts since then: 30s, 15m, 2h, 7d, or a date.", valueName: "WHEN")) var since: String?
        @Flag(help: "Only the ones waiting for `tandem conflicts resolve`.") var open = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            if let map { try environment.requireMap(map) }
            let (entries, unreadable) = try ConflictList.readableEntries(
                environment, map: map, since: try since.map { try TimeFilter.milliseconds($0, option: "--since") }, openOnly: open)
            // On stderr, so that --json stays the list: what could be read is still shown.
            for (role, why) in unreadable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                printError("the \(role) side's conflicts are not shown: \(why)")
            }
            if output.json { return printJSON(entries) }
            guard !entries.isEmpty else { return print(open ? "no open conflicts" : "no conflicts recorded") }
            print(
                renderTable(
                    header: ["ID", "MAP", "KEY", "POLICY", "STATUS", "WINNER", "WHEN", "OUTCOME"],
                    rows: entries.map {
                        [
                            $0.id, $0.map, String($0.key.prefix(40)), $0.policy, $0.status, $0.winner, TimeFilter.ago($0.at),
                            String(($0.outcome ?? "").prefix(100)),
                        ]
                    }))
            let waiting = entries.filter { $0.status == "open" }.count
            if waiting > 0 { print("\n\(waiting) open; `tandem conflicts show ID`, then `tandem conflicts resolve ID --take erp|crm|merged`") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one conflict: both versions side by side.")

        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "The conflict, e.g. crm-3.") var id: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            let entry = try ConflictList.entry(environment, id: ErrorID(parsing: id, conflict: true))
            if output.json { return printJSON(entry) }
            let target = entry.source.other
            print("\(entry.id)  map \(entry.map), key \(entry.key), policy \(entry.policy), \(entry.status)")
            if let outcome = entry.outcome { print("outcome: \(outcome)") }
            if let by = entry.resolvedBy { print("resolved by \(by) \(entry.resolvedAt.map { TimeFilter.ago($0) } ?? "")") }
            print("\(entry.source) changed \(entry.sourceChanged?.joined(separator: ", ") ?? "the whole row") (\(entry.source):\(entry.sourceSeq))")
            print("\(target) changed \(entry.targetChanged?.joined(separator: ", ") ?? "the whole row") (\(target):\(entry.targetSeq))")
            for (label, row) in [("\(entry.source) row", entry.sourceRow), ("\(target) row", entry.targetRow)] {
                guard let row else { continue }
                print("\(label):")
                for (column, value) in row.sorted(by: { $0.key < $1.key }) { print("  \(column) = \(value.prefix(200))") }
            }
            if entry.status == "open" { print("decide: tandem conflicts resolve \(entry.id) --take erp|crm|merged") }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decide open conflicts: keep one side's version, or merge.")

        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "Open conflicts, e.g. crm-3.") var ids: [String]
        @Option(help: "erp or crm (that side's version of the row), or merged.") var take: String
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard ["erp", "crm", "merged"].contains(take) else {
                throw ValidationError("--take must be erp, crm or merged, not '\(take)'")
            }
        }

        func run() throws {
            let results = try OperatorSubmission.submit(OperatorRequest(action: .resolve, ids: ids, take: take), options: options)
            try OperatorSubmission.report(results, json: output.json)
        }
    }
}
