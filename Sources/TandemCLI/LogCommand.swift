import ArgumentParser
import Foundation
import TandemEngine

/// `tandem log`: activity, errors and conflicts in one time-ordered view.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show what happened: activity, parked changes (errors) and conflicts, in time order.",
        discussion: """
            One view of three sources: the activity log (engine started and stopped,
            plugins loaded and refused, maps created, config and mapping changes with
            before and after, run, pause, resume and stop with who did it, initial sync and
            catch-up, alerts, pruning), the changes parked on each side (`tandem errors`)
            and the conflicts recorded on each side (`tandem conflicts`). Actors: engine,
            cli:USER, rule:NAME.

            Filters combine (all must hold): --map (repeatable), --side erp|crm (errors and
            conflicts held by that side: activity has no side and is left out), --kind
            (repeatable: activity, error, conflict, or an event name such as "map created";
            an entry is kept when its kind or its event is listed), --key (errors and
            conflicts of that key, activity that names it; `usmf,10` or the stored form
            `'usmf','10'`), --since and --until (30s, 15m, 2h, 7d ago, or a date:
            2026-11-29, 2026-11-29T10:00:00Z).

            Paging: the newest --limit entries (default 50) are printed, oldest first. When
            older ones match too, the last line on standard error gives the cursor to page
            back with:
              tandem log --limit 100
              tandem log --limit 100 --before 1764410400123.5:0:41
            Pages never overlap and, walked to the end, cover every entry. With --json
            every entry carries its cursor: pass the first entry's to --before for the page
            before it.

            --follow prints the newest entries, then each new one as it is written (it
            checks the databases' data_version every 100 ms, reading only when something
            committed) until Ctrl-C. Output: text lines; --json prints one JSON array (a
            page), or with --follow one JSON object per line (JSON lines).

            Retention: `log: retention_days` in tandem.yaml (default 30) and
            `conflict_retention_days` (default: the same); the running engine prunes older
            activity and resolved conflicts. Parked changes and open conflicts are never
            pruned.
            """)

    @OptionGroup var options: EnvironmentOptions
    @Option(help: ArgumentHelp("Only this map (repeatable).", valueName: "ID")) var map: [String] = []
    @Option(help: ArgumentHelp("Only errors and conflicts held by this side: erp or crm.", valueName: "SIDE")) var side:
        String?
    @Option(help: ArgumentHelp("Only this kind (activity, error, conflict) or event (repeatable).", valueName: "KIND"))
    var kind: [String] = []
    @Option(help: ArgumentHelp("Only entries about this key.", valueName: "KEY")) var key: String?
    @Option(help: ArgumentHelp("Only entries since then: 30s, 15m, 2h, 7d, or a date.", valueName: "WHEN")) var since:
        String?
    @Option(help: ArgumentHelp("Only entries before then: 30s, 15m, 2h, 7d, or a date.", valueName: "WHEN")) var until:
        String?
    @Option(help: ArgumentHelp("How many entries per page (the newest, printed oldest first).", valueName: "N"))
    var limit = 50
    @Option(
        help: ArgumentHelp(
            "The page before this cursor (printed at the end of the previous page).", valueName: "CURSOR"))
    var before: String?
    @Flag(name: .shortAndLong, help: "Keep printing new entries as they are written, until Ctrl-C.") var follow = false
    @OptionGroup var output: OutputOptions

    /// The filter the options describe, checked.
    func filter(_ environment: TandemEnvironment, _ reader: LogReader) throws -> LogFilter {
        var filter = LogFilter()
        for name in map {
            let known = try environment.config.map(name) != nil || reader.knows(map: name)
            guard known else {
                let enabled = environment.config.maps.map(\.name).joined(separator: ", ")
                throw CLIError(
                    "--map '\(name)': no such map in \(environment.configPath) (enabled: \(enabled.isEmpty ? "none" : enabled)) nor in the log"
                )
            }
            filter.maps.insert(name)
        }
        if let side {
            guard let role = SideRole(rawValue: side.lowercased()) else {
                throw CLIError("--side must be erp or crm, not '\(side)'")
            }
            filter.side = role
        }
        let events = ActivityEvent.all + [ActivityEvent.changeParked, ActivityEvent.conflictDetected]
        for value in kind.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) {
            if let kind = LogEntry.Kind(rawValue: value.lowercased()) {
                filter.kinds.insert(kind)
            } else if events.contains(value.lowercased()) {
                filter.events.insert(value.lowercased())
            } else {
                throw CLIError(
                    "--kind '\(value)' is neither a kind (activity, error, conflict) nor an event (\(events.joined(separator: ", ")))"
                )
            }
        }
        filter.key = key
        if let since { filter.since = try TimeFilter.milliseconds(since, option: "--since") }
        if let until { filter.until = try TimeFilter.milliseconds(until, option: "--until") }
        if let from = filter.since, let to = filter.until, from >= to {
            throw CLIError("--since \(since!) is not before --until \(until!); nothing can match")
        }
        return filter
    }

    func run() throws {
        guard limit >= 1 else { throw CLIError("--limit must be at least 1, not \(limit)") }
        if follow, before != nil {
            throw CLIError("--follow shows the newest entries and what comes next; leave out --before")
        }
        let cursor = try before.map { text in try LogCursor(parsing: text) }
        let environment = try options.loadEnvironment()
        let reader = try LogReader(environment)
        let filter = try filter(environment, reader)
        guard follow else {
            let page = try reader.page(filter, limit: limit, before: cursor)
            if output.json {
                printJSON(page.entries)
            } else {
                if page.entries.isEmpty { printError("no entries match") }
                for entry in page.entries { print(Self.line(entry)) }
            }
            if page.more, let first = page.entries.first {
                printError("older entries: tandem log --before \(first.cursor) (with the same filters)")
            }
            Self.noteUnreadable(reader)
            return
        }
        try followLog(reader, filter)
    }

    /// Names the sides whose parked changes and conflicts could not be read (a server down).
    private static func noteUnreadable(_ reader: LogReader) {
        for (role, why) in reader.unreadable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            printError("the \(role) side's parked changes and conflicts are not shown: \(why)")
        }
    }

    /// Prints the newest page, then every new entry until SIGINT or SIGTERM.
    private func followLog(_ reader: LogReader, _ filter: LogFilter) throws {
        let signals = StopSignals()
        defer { signals.cancel() }
        // Where each source ends first, then the page up to there: nothing twice, nothing missed.
        var ends = try reader.ends()
        var version = try reader.version()
        let page = try reader.page(filter, limit: limit)
        Self.noteUnreadable(reader)
        emit(
            page.entries.filter { entry in
                guard let position = try? LogCursor(parsing: entry.cursor) else { return true }
                return position.id <= ends[position.source] ?? 0
            })
        while !signals.received {
            Thread.sleep(forTimeInterval: 0.1)
            let now = try reader.version()
            guard now != version else { continue }
            version = now
            let (entries, next) = try reader.entries(after: ends, filter)
            ends = next
            emit(entries)
        }
    }

    private func emit(_ entries: [LogEntry]) {
        for entry in entries {
            if output.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                // Encoding the CLI's own Codable structs cannot fail.
                print(String(decoding: try! encoder.encode(entry), as: UTF8.self))
            } else {
                print(Self.line(entry))
            }
        }
        // Lines reach a pipe as they are written (nil: every output stream).
        fflush(nil)
    }

    /// `2026-11-29 10:00:00.123  activity  state  sample.groups  cli:ana  running`.
    static func line(_ entry: LogEntry) -> String {
        let time = entry.time.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        let who = entry.kind == .activity ? entry.actor : entry.id
        let details = [entry.key.map { "key \($0)" }, entry.details].compactMap { $0 }.joined(separator: ": ")
        func pad(_ text: String, _ width: Int) -> String {
            text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
        }
        return [
            time, pad(entry.kind.rawValue, 8), pad(entry.event, 23), pad(entry.map ?? "-", 18), pad(who, 12), details,
        ]
        .joined(separator: "  ")
    }
}
