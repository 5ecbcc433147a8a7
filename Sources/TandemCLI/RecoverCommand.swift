import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps recover NAME --resend | --initial-sync --master SIDE`.
struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Bring back a map that failed because a side went back in time.",
        discussion: """
            A side restored from an older backup (or replaced by another copy) is behind
            the checkpoints written there, or its change log is behind what was applied
            from it; the engine fails each map it breaks, with the reason, and syncs
            nothing of it. Two ways back:

            --resend: the restored side is sent again what it lost, from the other
              side's change log, which keeps applied changes for
              engine.applied_retention_h hours (at most applied_retention_changes); its
              own changes made after the engine last saw it are sent (again). Refused,
              naming --initial-sync, when what it lost was pruned already or was its
              own changes (the other side's log holds those without their rows).
            --initial-sync --master erp|crm: initial sync of the map from the chosen
              master side, as `tandem maps initial-sync` does: every master row is
              applied to the other side, rows only the other side has go to the master.

            The engine must be stopped. The map is left resuming (--resend) or running
            (--initial-sync); `tandem run` carries on. Steps: docs/OPERATIONS.md.
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The failed map (see `tandem status`).") var name: String
    @Flag(help: "Re-send what the restored side lost from the other side's change log.") var resend = false
    @Flag(help: "Run initial sync of the map from --master instead.") var initialSync = false
    @Option(help: "With --initial-sync: erp or crm, the side whose rows win.") var master: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard resend != initialSync else {
            throw ValidationError("choose one: --resend or --initial-sync --master erp|crm")
        }
        if initialSync, master == nil {
            throw ValidationError("--initial-sync needs --master erp|crm: the side whose rows win")
        }
        if resend, master != nil {
            throw ValidationError(
                "--master goes with --initial-sync; --resend sends from the side that did not go back")
        }
    }

    func run() throws {
        let environment = try options.loadEnvironment()
        try environment.requireMap(name)
        let lock: EnvironmentLock
        do { lock = try EnvironmentLock(environment, as: .command, wait: .zero) } catch {
            throw CLIError("\(error.message); the engine must be stopped to recover a map")
        }
        defer { withExtendedLifetime(lock) {} }
        let state = try environment.openState()
        if initialSync {
            guard let side = master.flatMap(SideRole.init(rawValue:)) else {
                throw CLIError("--master must be erp or crm, not '\(master ?? "")'")
            }
            let current = try state.mapStates()[name]?.state ?? .notRunning
            guard current == .failed || current == .stopped else {
                throw CLIError(
                    "map \(name) is \(current.rawValue), not failed; `tandem maps initial-sync \(name) --master \(side)` brings a map into step"
                )
            }
            // Initial sync starts from stopped; the activity log says why.
            try state.log(
                actor: CLIActor.current, map: name, event: ActivityEvent.mapRecovered,
                details: "--initial-sync from the \(side) side")
            try state.setStates(
                [name], to: .stopped, reason: "recovering with initial sync from \(side)", actor: CLIActor.current)
            try InitialSyncCommand.perform(
                names: [name], master: side, chunk: nil, run: true, json: output.json, options: options)
            return
        }
        let catalog = options.loadCatalog(environment)
        guard let resolved = try environment.resolveMaps(catalog).first(where: { $0.name == name }) else { return }
        let plan = try MapRecovery.resend(environment, map: resolved, state: state, actor: CLIActor.current)
        struct Entry: Encodable {
            var map, restoredSide: String
            var resendAfter: Int64?
            var restoredSideCheckpoint: [Int64]?
        }
        if output.json {
            return printJSON(
                Entry(
                    map: plan.map, restoredSide: plan.side.rawValue, resendAfter: plan.resendAfter,
                    restoredSideCheckpoint: plan.restoredFrom.map { [$0.old, $0.new] }))
        }
        let other = plan.side.other
        print("\(name): the \(plan.side) side went back in time; recovering by re-sending")
        if let after = plan.resendAfter {
            print("  the \(other) side's changes after \(other):\(after) go to the \(plan.side) side again")
        }
        if let moved = plan.restoredFrom {
            print(
                "  the \(plan.side) side's changes after \(plan.side):\(moved.new) go to the \(other) side (checkpoint was \(moved.old))"
            )
        }
        print("\(name): failed → resuming; `tandem run --env \(options.resolvedDirectory)` replays them in order")
    }
}
