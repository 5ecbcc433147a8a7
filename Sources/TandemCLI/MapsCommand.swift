import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps list|run|pause|resume|stop`.
struct MapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maps",
        abstract: "List the environment's maps and change their states.",
        discussion: """
            States: not running → running ⇄ paused → resuming (catch-up: the queued changes
            are replayed in order) → running; stopped keeps config and checkpoint and drops
            nothing; failed (its plugin refused, a column missing: `maps list` says why)
            resumes once fixed. A running engine picks a change up before its next batch.

            A map comes from a plugin or from a map file, ENV/maps/NAME.yaml (YAML or
            JSON, no compiler; docs/MAPS.md): both run the same way. A map file with a
            mistake fails that map alone, with its FILE:LINE:COLUMN. A map file with
            extends: NAME overrides a loaded map; `tandem maps inspect NAME` shows the
            result and where each line comes from.
            """,
        subcommands: [List.self, MapsInspectCommand.self, MapsAddFieldCommand.self, InitialSyncCommand.self, RecoverCommand.self, CompareCommand.self, PreviewCommand.self, ValidateCommand.self, Lifecycle<RunAction>.self, Lifecycle<PauseAction>.self, Lifecycle<ResumeAction>.self, Lifecycle<StopAction>.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the maps: plugin or map file, tables, state, and why one is paused or failed.")

        @OptionGroup var options: EnvironmentOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            // A map whose plugin did not load is listed failed with the reason, not an error for all.
            let resolution = try environment.resolveMapsSkippingUnprovided(options.loadCatalog(environment, readOnly: true))
            let maps = resolution.maps
            let states = try environment.openState().mapStates()
            struct Entry: Encodable {
                /// `plugin`: the plugin id, or the map file (`maps/NAME.yaml`) of a declarative map.
                var name, plugin, erpTable, crmTable, state, direction: String
                /// The map's version, as its plugin or file declares it.
                var version: String?
                /// The map file's path, for a declarative map.
                var file: String?
                /// Who publishes a declarative map, when its file says.
                var publisher: String?
                /// The override file (`extends:`) that changes the map, when one does.
                var override: String?
                var dependsOn: [String]
                var reason: String?
                /// Who set the state (`cli:USER`, `engine`, `rule:NAME`), absent for a map never started.
                var changedBy: String?
                /// When, in milliseconds since the epoch.
                var changedAt: Double?
            }
            var entries = maps.map {
                Entry(
                    name: $0.name, plugin: $0.source.label, erpTable: $0.map.erp.table, crmTable: $0.map.crm.table,
                    state: (states[$0.name]?.state ?? .notRunning).rawValue, direction: $0.settings.direction.rawValue,
                    version: $0.map.version, file: $0.source.file?.path, publisher: $0.source.file?.publisher,
                    override: $0.source.override?.path,
                    dependsOn: $0.map.dependsOn ?? [], reason: states[$0.name]?.reason,
                    changedBy: states[$0.name]?.changedBy, changedAt: states[$0.name]?.changedAt)
            }
            for (name, error) in resolution.unprovided {
                let record = states[name]
                let settings = environment.config.maps.first { $0.name == name }
                let entry = Entry(
                    name: name, plugin: "-", erpTable: "-", crmTable: "-", state: MapState.failed.rawValue,
                    direction: settings?.direction.rawValue ?? "-", dependsOn: [],
                    reason: record?.state == .failed ? record?.reason ?? error.message : error.message,
                    changedBy: record?.changedBy, changedAt: record?.changedAt)
                let at = environment.config.maps.firstIndex { $0.name == name } ?? entries.count
                entries.insert(entry, at: min(at, entries.count))
            }
            if output.json { return printJSON(entries) }
            print(
                renderTable(
                    header: ["MAP", "STATE", "DIRECTION", "ERP TABLE", "CRM TABLE", "DEPENDS ON", "PLUGIN"],
                    rows: entries.map {
                        [$0.name, $0.state, $0.direction, $0.erpTable, $0.crmTable, $0.dependsOn.joined(separator: ","), $0.plugin]
                    }))
            // Why a map failed, is paused or stopped, under the table: it is what
            // the operator needs next (an alert rule's pause names the rule).
            for entry in entries {
                if let line = Self.why(entry.name, entry.state, entry.reason, entry.changedBy, entry.changedAt) {
                    print(line)
                }
            }
        }

        /// `NAME failed: REASON`, or `NAME paused by WHO 3m ago: REASON` (with
        /// the command that goes on when no reason was given); nil for a map
        /// that is running or was never started.
        static func why(_ name: String, _ state: String, _ reason: String?, _ by: String?, _ at: Double?) -> String? {
            switch MapState(rawValue: state) {
            case .failed:
                return "\(name) failed: \(reason ?? "no reason recorded")"
            case .paused, .stopped:
                let who = [by.map { "by \($0)" }, at.map { TimeFilter.ago($0) }].compactMap { $0 }.joined(separator: " ")
                let next = state == MapState.paused.rawValue ? "resume" : "run"
                let why = reason.map { ": \($0)" } ?? " (no reason given); `tandem maps \(next) \(name)` goes on"
                return "\(name) \(state)\(who.isEmpty ? "" : " " + who)\(why)"
            default:
                return nil
            }
        }
    }
}

protocol LifecycleAction {
    static var action: MapLifecycle.Action { get }
    static var abstract: String { get }
}

enum RunAction: LifecycleAction {
    static let action = MapLifecycle.Action.run
    static let abstract = "Start maps (a stopped map catches up first). Their dependencies must run, or be named too."
}

enum PauseAction: LifecycleAction {
    static let action = MapLifecycle.Action.pause
    static let abstract = "Pause maps: changes keep being captured and queue up until resume."
}

enum ResumeAction: LifecycleAction {
    static let action = MapLifecycle.Action.resume
    static let abstract = "Resume paused or failed maps: catch up on the queue in order, then run."
}

enum StopAction: LifecycleAction {
    static let action = MapLifecycle.Action.stop
    static let abstract = "Stop maps: keeps config, checkpoint and every captured change; `maps run` restarts."
}

struct Lifecycle<Action: LifecycleAction>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Action.action.rawValue, abstract: Action.abstract)
    }

    @Argument(help: "Map ids (see `tandem maps list`).")
    var names: [String] = []

    @Flag(help: "Every map of the environment, parents first (run: those whose plugin loaded).")
    var all = false

    @Flag(help: "Include every map that depends on the named ones, directly or not.")
    var withDependents = false

    @Flag(help: "run: also start the maps the named ones depend on that are not running.")
    var withDependencies = false

    @OptionGroup var options: EnvironmentOptions
    @OptionGroup var output: OutputOptions

    /// Only `run` starts dependencies; the other actions act on what is named (and its dependents).
    func validate() throws {
        if all, !names.isEmpty {
            throw ValidationError("name maps or pass --all, not both")
        }
        if !all, names.isEmpty {
            throw ValidationError(
                "name the maps to \(Action.action.rawValue) (`tandem maps list` shows them), or pass --all for every map")
        }
        if withDependencies, Action.action != .run {
            throw ValidationError("--with-dependencies goes with `tandem maps run`")
        }
    }

    /// Checks, plans and applies through ``MapLifecycleOperation`` (the console's way too); what is
    /// the CLI's own is asking (dependents, initial sync first) and printing.
    func run() throws {
        let environment = try options.loadEnvironment()
        let catalog = options.loadCatalog(environment)
        let operation = try MapLifecycleOperation.prepare(
            Action.action, names: names, all: all, withDependencies: withDependencies, environment: environment,
            catalog: catalog, actor: CLIActor.current)
        let added = operation.added
        let names = operation.names
        let notStarted = operation.notStarted
        // Said last, whatever happens to the others (an initial sync offered, an error).
        defer { if let notStarted { printError("Error: " + notStarted) } }
        try operation.refuseSidesGoneBack()
        let dependents = operation.dependents
        var includeDependents = withDependents
        if !withDependents, Action.action == .pause || Action.action == .stop, !dependents.isEmpty {
            if isatty(0) == 1, isatty(1) == 1, !output.json {
                print("Maps \(dependents.joined(separator: ", ")) depend on \(names.joined(separator: ", ")). \(Action.action.rawValue.capitalized) them too? [y/N] ", terminator: "")
                if readLine()?.lowercased().hasPrefix("y") == true { includeDependents = true }
            } else {
                printError(
                    "note: \(dependents.joined(separator: ", ")) depend on \(names.joined(separator: ", ")) and keep their state; pass --with-dependents to \(Action.action.rawValue) them too")
            }
        }
        let selected = operation.starting + (includeDependents ? dependents : [])
        let transitions = try operation.plan(including: includeDependents)
        // As dual-write does: rows that exist already are not changes, so offer initial sync first.
        let fresh = try operation.neverSynced(transitions)
        if !fresh.isEmpty {
            // Only rows that live sync will not carry: rows written since `init` are captured changes.
            let what =
                "rows that live sync does not carry (on the master side from before capture, "
                + "not on the other side): " + fresh.map { "\($0.map) \($0.rows)" }.joined(separator: ", ")
            if isatty(0) == 1, isatty(1) == 1, !output.json {
                let question = "\(what.prefix(1).uppercased() + what.dropFirst()). Run initial sync first? [Y/n] "
                print(question, terminator: "")
                if readLine().map({ !$0.lowercased().hasPrefix("n") }) ?? true {
                    return try InitialSyncCommand.perform(
                        names: transitions.map(\.map), master: nil, chunk: nil, run: true, json: false, options: options)
                }
            } else {
                let names = fresh.map(\.map).joined(separator: " ")
                printError("note: \(what); `tandem maps initial-sync \(names)` brings them into step")
            }
        }
        try operation.apply(transitions)
        if output.json {
            printJSON(transitions)
            if notStarted != nil { throw ExitCode(1) }
            return
        }
        if !added.isEmpty {
            print("with dependencies: \(added.joined(separator: ", ")) (not running; what \(names.joined(separator: ", ")) need\(names.count == 1 ? "s" : ""))")
        }
        if transitions.isEmpty { print("nothing to do: \(selected.joined(separator: ", ")) already \(Action.action == .stop ? "stopped" : "in that state")") }
        for transition in transitions { print("\(transition.map): \(transition.from.rawValue) → \(transition.to.rawValue)") }
        if !EnvironmentLock.isHeld(environment), !transitions.isEmpty {
            printError("note: no engine is running for this environment; `tandem run` applies the change")
        }
        if notStarted != nil { throw ExitCode(1) }
    }
}
