import ArgumentParser
import Foundation
import TandemEngine

/// `tandem status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the engine and each map: state, queue per direction, lag, throughput, last error.",
        discussion: """
            QUEUED is the number of captured application changes not applied yet (the lag
            in changes); LAG is the age of the oldest of them; RATE is changes applied per
            second over the engine's last second; PARKED are changes waiting for a parent
            row or after an error; FILTERED are the source rows the map's filter leaves out
            now (never synced, no error; `tandem maps validate` warns of NULLs and values
            in the wrong case in the columns it reads). LAST ERROR is the latest error of a
            direction while something is parked there, else the reason for the map's state
            (why it is paused, stopped or failed). A change that has waited for its parent
            row longer than engine.parent_wait_s (1 h) is an error: LAST ERROR says how
            many did (the parent may never come: a reference in the wrong case).
            """)

    @OptionGroup var options: EnvironmentOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Refresh every second until interrupted.")
    var watch = false

    func run() throws {
        let environment = try options.loadEnvironment()
        let catalog = options.loadCatalog(environment, readOnly: true)
        repeat {
            let report = try StatusReport.collect(environment, catalog: catalog)
            if output.json {
                printJSON(report)
            } else {
                if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(render(report, parentWait: environment.config.engine.parentWaitSeconds))
            }
            if watch { Thread.sleep(forTimeInterval: 1) }
        } while watch
    }

    private func render(_ report: StatusReport, parentWait: Int) -> String {
        var lines: [String] = []
        let engine: String
        if report.engineRunning, let record = report.engine {
            let age = max(0, Date().timeIntervalSince1970 * 1000 - record.heartbeatAt) / 1000
            engine = "running (pid \(record.pid), heartbeat \(String(format: "%.1f", age)) s ago)"
        } else {
            engine = "not running (start it with `tandem run --env \(report.environment)`)"
        }
        lines.append("environment \(report.environment)")
        lines.append("engine      \(engine)")
        // Said before the table: its unknown figures ("?") are explained here.
        for problem in report.unreadable {
            lines.append("\(problem.side) side    cannot be read now: \(problem.error)")
        }
        for call in report.stuckCalls {
            lines.append(
                "plugin call \(call.plugin): transform \(call.transform) has not returned for "
                    + "\(ErrorList.duration(call.seconds)); map \(call.map) (\(call.direction)) waits for it "
                    + "(a batch of \(call.changes)\(call.firstKey.map { " from \($0)" } ?? "")). It cannot be stopped "
                    + "in the engine's process: fix the plugin and restart `tandem run`, or set "
                    + "plugins.settings.\(call.plugin).isolation: process")
        }
        for file in report.mapFilesChanged {
            lines.append("map file    \(file) changed after the engine started; restart `tandem run` to use it")
        }
        for incident in report.incidents {
            let since = Date(timeIntervalSince1970: incident.since / 1000)
            let age = ErrorList.duration(max(0, Date().timeIntervalSince(since)))
            lines.append("incident    \(incident.id), for \(age): \(incident.error)")
        }
        lines.append("")
        var rows: [[String]] = []
        for map in report.maps {
            // A map whose plugin did not load has no directions to show; its state and reason still are.
            if map.directions.isEmpty {
                rows.append([map.name, map.state.rawValue, "-", "-", "-", "-", "-", "-", "-", "-", map.reason ?? ""])
            }
            for (index, direction) in map.directions.enumerated() {
                let stats = direction.stats
                // Shared with the console: the overdue parents first, else the engine's last error while parked.
                let lastError = direction.lastError(parentWait: parentWait, limit: 80)
                rows.append([
                    index == 0 ? map.name : "", index == 0 ? map.state.rawValue : "", direction.direction.rawValue,
                    direction.queued.map(String.init) ?? "?", direction.lagSeconds.map { String(format: "%.1f s", $0) } ?? "?",
                    String(format: "%.0f/s", stats?.rate ?? 0), String(stats?.applied ?? 0),
                    direction.parked.map(String.init) ?? "?",
                    direction.filteredOut.map(String.init) ?? "-",
                    String(stats?.conflicts ?? 0), lastError ?? (index == 0 ? map.reason ?? "" : ""),
                ])
            }
        }
        lines.append(
            renderTable(
                header: [
                    "MAP", "STATE", "DIRECTION", "QUEUED", "LAG", "RATE", "APPLIED", "PARKED", "FILTERED", "CONFLICTS",
                    "LAST ERROR",
                ],
                rows: rows))
        return lines.joined(separator: "\n")
    }
}
