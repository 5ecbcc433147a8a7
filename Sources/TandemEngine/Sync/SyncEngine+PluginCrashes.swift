import Foundation
import TandemPluginHost

/// Crash containment in-process (issue 17 §2): `tandem run` runs the engine
/// in a child process and starts it again when it dies by a signal; the
/// engine started next finds the plugin call that crashed in the journal,
/// records the crash, and either narrows the batch down to its row (see
/// ``PluginCrashGuard``) or, after `engine.plugin_crash_limit` crashes of
/// the plugin within `engine.plugin_crash_window_s`, fails its maps.
extension SyncEngine {
    /// Journals every plugin transform call from now on in `journal`;
    /// `crashSignal` is the signal the previous engine process ended with
    /// (nil: it did not crash). Called by the supervised processes only
    /// (`tandem run`'s engine, `tandem maps initial-sync`), each with a
    /// journal file of its own; other commands' engines are not supervised.
    package func containPluginCrashes(journal: PluginCallJournal, crashSignal: String?) {
        let crashGuard = PluginCrashGuard(journal: journal)
        self.crashGuard = crashGuard
        self.crashSignal = crashSignal
        for byDirection in plans.values {
            for plan in byDirection.values { plan.crashGuard = crashGuard }
        }
        watchStuckCalls(journal)
    }

    /// Starts the watchdog that reports an in-process plugin call running
    /// past `engine.plugin_call_stuck_s` in the log (and, through the
    /// journal, in `tandem status`).
    private func watchStuckCalls(_ journal: PluginCallJournal) {
        let plugins = environment.config.plugins
        let state = state
        let logger = logger
        let limit = environment.config.engine.pluginCallStuckSeconds
        let watchdog = PluginCallWatchdog(
            journal: journal, limitSeconds: limit,
            // A host process's call has its own timeout, which kills it.
            watched: { plugins.inProcess($0.plugin) },
            report: { report in
                let (event, details, map) = Self.describe(report, limit: limit)
                logger.error("\(details)")
                do { try state.log(actor: "engine", map: map, event: event, details: details) } catch {
                    logger.warning("could not write to the activity log: \(error)")
                }
            })
        watchdog.start()
    }

    /// The activity entry for a watchdog's report: event, details and map.
    static func describe(_ report: PluginCallWatchdog.Report, limit: Int) -> (String, String, String) {
        switch report {
        case .stuck(let entry, let seconds):
            return (
                ActivityEvent.pluginCallStuck,
                "plugin \(entry.plugin) has not returned from transform \(entry.transform) for \(Int(seconds)) s "
                    + "(engine.plugin_call_stuck_s: \(limit)), on a batch of \(count(entry.keys.count)) of map \(entry.map) "
                    + "(\(entry.direction))\(entry.keys.first.map { " from key \($0)" } ?? ""); the map waits for it. "
                    + "In the engine's process a call cannot be stopped: restart `tandem run` after fixing the plugin, "
                    + "or set plugins.settings.\(entry.plugin).isolation: process to have such a call stopped and its row parked",
                entry.map
            )
        case .returned(let entry, let seconds):
            return (
                ActivityEvent.pluginCallReturned,
                "plugin \(entry.plugin) returned from transform \(entry.transform) after \(Int(seconds)) s, on map \(entry.map) "
                    + "(\(entry.direction)); it had been reported stuck",
                entry.map
            )
        }
    }

    /// Records the last engine process's crash, if it crashed, and acts on
    /// the plugin call it crashed in. `tandem run`'s engine does it as it
    /// starts; `tandem maps initial-sync` before its first map.
    package func handleCrash() throws {
        guard let signal = crashSignal, let crashGuard else { return }
        crashSignal = nil
        let journal = crashGuard.journal
        let entries = PluginCallJournal.unfinished(in: journal.directory, file: journal.file)
        guard !entries.isEmpty else {
            let process = journal.file == PluginCallJournal.engineFile ? "the engine process" : "the initial sync process"
            let details = "\(process) ended by \(signal) outside any plugin call; it was started again"
            logger.error("\(details)")
            logActivity { try state.log(actor: "engine", map: nil, event: ActivityEvent.engineCrashed, details: details) }
            return
        }
        // Consumed: a later crash outside plugin calls is not blamed on these.
        journal.clear()
        // Two threads in plugins (the loop and a write-through): either call may be the one that
        // crashed, so each batch is narrowed down; the innocent one comes back whole and is cleared.
        for entry in entries {
            try handleCrash(in: entry, signal: signal, of: entries.count)
        }
    }

    /// Acts on `entry`, one of `calls` plugin calls in progress when the process died by `signal`.
    private func handleCrash(in entry: PluginCallJournal.Entry, signal: String, of calls: Int) throws {
        guard let crashGuard else { return }
        let journal = crashGuard.journal
        if signal == "SIGKILL", !entry.narrowing, PluginCallJournal.forgiveKill(entry, in: journal.directory, file: journal.file) {
            let details =
                "the engine process was killed (SIGKILL) in a call of plugin \(entry.plugin) (transform \(entry.transform), "
                + "map \(entry.map), \(entry.direction), a batch of \(Self.count(entry.keys.count))); not counted against "
                + "the plugin, since SIGKILL comes from outside (kill -9, or the kernel's out-of-memory killer: see dmesg); "
                + "if the same batch is killed again, it is narrowed down to its row as a crash"
            logger.error("\(details)")
            logActivity { try state.log(actor: "engine", map: entry.map, event: ActivityEvent.engineCrashed, details: details) }
            return
        }
        let batch =
            entry.narrowing
            ? "while narrowing down a crashed batch, on \(Self.count(entry.keys.count))"
            : "on a batch of \(Self.count(entry.keys.count))"
        let details =
            "plugin \(entry.plugin) crashed (\(signal)) in transform \(entry.transform) \(batch) of map \(entry.map) (\(entry.direction))"
            + (calls > 1 ? " (one of \(calls) plugin calls in progress then; each is narrowed down)" : "")
        logger.error("\(details)")
        logActivity { try state.log(actor: "engine", map: entry.map, event: ActivityEvent.pluginCrashed, details: details) }

        let settings = environment.config.engine
        let crashes = try state.pluginCrashes(entry.plugin, within: .seconds(settings.pluginCrashWindowSeconds))
        if !entry.narrowing, crashes >= settings.pluginCrashLimit {
            failMaps(of: entry, signal: signal, crashes: crashes, window: settings.pluginCrashWindowSeconds)
            return
        }
        if let reason = crashGuard.arm(entry, signal: signal) {
            logger.error("parking the change that crashed it: \(reason)")
        } else {
            logger.notice(
                "running the \(entry.keys.count) changes of the crashed batch of map \(entry.map) in halves to find the one that crashes plugin \(entry.plugin)"
            )
        }
    }

    /// Fails the maps of each plugin whose host processes crashed past the
    /// limit during the last iteration's batches.
    func failCrashLoopingHosts() {
        guard !hostCrashLoops.isEmpty else { return }
        let loops = hostCrashLoops
        hostCrashLoops = []
        let window = environment.config.engine.pluginCrashWindowSeconds
        for loop in loops { failMaps(of: loop.entry, signal: loop.signal, crashes: loop.crashes, window: window) }
    }

    /// Fails every map that runs a transform of the plugin `entry` crashed in.
    private func failMaps(of entry: PluginCallJournal.Entry, signal: String, crashes: Int, window: Int) {
        let names = plans.filter { _, byDirection in
            byDirection.values.contains { plan in
                plan.steps.contains { step in
                    if case .transform(_, _, let instance) = step.kind { return instance.pluginID == entry.plugin }
                    return false
                }
            }
        }.keys.sorted()
        for name in names {
            // A host process's timeouts count with its crashes; the last one's cause is named.
            let what = signal.hasPrefix("SIG") ? "crashed" : "crashed or hung"
            let reason =
                "plugin \(entry.plugin) \(what) \(crashes) times within \(window) s (last: \(signal) in transform \(entry.transform) of map \(entry.map)); "
                + "fix the plugin, restart `tandem run`, then `tandem maps resume \(name)`"
            broken[name] = reason
            plans[name] = nil
            logActivity { try state.setStates([name], to: .failed, reason: reason, actor: "engine") }
            logger.error("map \(name) failed: \(reason)")
        }
    }

    /// `1 change`, `12 changes`.
    private static func count(_ changes: Int) -> String {
        "\(changes) change\(changes == 1 ? "" : "s")"
    }

    /// Has `plans` report each call whose plugin host process died or hung to ``logHostFailure``.
    func watchHostFailures(_ plans: [SyncDirection: DirectionPlan]) {
        for (direction, plan) in plans {
            // Weak: the engine holds its plans.
            plan.hostFailed = { [weak self, map = plan.map] failure, rows, narrowing in
                self?.logHostFailure(failure, map: map, direction: direction, rows: rows, narrowing: narrowing)
            }
        }
    }

    /// A plugin host process (`isolation: process`) died or was killed at
    /// its call timeout during a call of `rows` changes of `map`: an
    /// activity entry (`plugin crashed`, which `crashes` alert rules count)
    /// and a line on standard error. The engine itself is unharmed; the next
    /// call starts a new host process. A call of one row of a failed batch
    /// is marked as narrowing down, so that `plugin_crash_limit` does not
    /// count it.
    func logHostFailure(_ failure: IsolatedCallFailure, map: String, direction: SyncDirection, rows: Int, narrowing: Bool) {
        let batch = narrowing ? "while narrowing down a failed batch, on \(Self.count(rows))" : "on a batch of \(Self.count(rows))"
        let details = "\(failure) in its plugin host process \(batch) of map \(map) (\(direction.rawValue)); the host process is started again"
        logger.error("\(details)")
        logActivity { try state.log(actor: "engine", map: map, event: ActivityEvent.pluginCrashed, details: details) }
        // A plugin that keeps crashing its host process fails its maps as one that keeps crashing the engine
        // does: each crash costs a process start and a row's narrowing, and the map would go on paying it.
        // A call killed at its timeout counts as a crash does: each costs the call's whole timeout and a
        // process start, so a plugin that hangs on every batch would hold the map up for ever.
        guard !narrowing, !hostCrashLoops.contains(where: { $0.entry.plugin == failure.plugin }) else { return }
        let last: String
        switch failure.cause {
        case .crashed(let signal): last = signal
        case .exited(let status): last = "exit status \(status)"
        case .timedOut(let milliseconds): last = "no answer within \(milliseconds) ms"
        }
        let settings = environment.config.engine
        guard let crashes = try? state.pluginCrashes(failure.plugin, within: .seconds(settings.pluginCrashWindowSeconds)),
            crashes >= settings.pluginCrashLimit
        else { return }
        let entry = PluginCallJournal.Entry(
            plugin: failure.plugin, transform: failure.transform, map: map, direction: direction.rawValue, keys: [],
            narrowing: false)
        hostCrashLoops.append((entry, last, crashes))
    }
}
