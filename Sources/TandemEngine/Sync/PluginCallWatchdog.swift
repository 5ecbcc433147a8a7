import Foundation
import Synchronization

/// Watches the plugin calls in progress in the engine's process (issue 17
/// §3, in-process): a transform that has not returned after
/// `engine.plugin_call_stuck_s` is reported once, and again when it
/// returns. In the engine's own process a call cannot be stopped (a thread
/// cannot be killed safely), so the watchdog only makes it seen: the map
/// waits behind it, and without a report an admin would see a silent
/// engine. `isolation: process` is what stops such a call.
///
/// It runs on a thread of its own, looking once a second: far below the
/// idle budget, and the engine's loop, the thread that is stuck, cannot
/// report itself.
package final class PluginCallWatchdog: Sendable {
    /// What the watchdog reports.
    package enum Report: Sendable {
        /// `entry` has run for `seconds` (past the limit).
        case stuck(PluginCallJournal.Entry, seconds: Double)
        /// `entry`, reported stuck, returned after `seconds`.
        case returned(PluginCallJournal.Entry, seconds: Double)
    }

    private let journal: PluginCallJournal
    private let limitSeconds: Double
    private let watched: @Sendable (PluginCallJournal.Entry) -> Bool
    private let report: @Sendable (Report) -> Void
    /// The calls reported stuck, by slot and start: a slot is reused by later calls.
    private let reported = Mutex<[Int: PluginCallJournal.Entry]>([:])

    /// A watchdog over `journal`'s calls for which `watched` is true (those
    /// in the engine's process: a host process's call has its own timeout),
    /// reporting each past `limitSeconds` through `report`.
    package init(
        journal: PluginCallJournal, limitSeconds: Int, watched: @escaping @Sendable (PluginCallJournal.Entry) -> Bool,
        report: @escaping @Sendable (Report) -> Void
    ) {
        self.journal = journal
        self.limitSeconds = Double(limitSeconds)
        self.watched = watched
        self.report = report
    }

    /// Starts watching, for the life of the process.
    package func start() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                check(now: Date().timeIntervalSince1970 * 1000)
            }
        }
        thread.name = "plugin-watchdog"
        thread.start()
    }

    /// One look at the calls in progress at `now` (ms since the epoch).
    package func check(now: Double) {
        let calls = journal.inProgress()
        var reports: [Report] = []
        reported.withLock { reported in
            for (slot, before) in reported where calls[slot]?.startedAt != before.startedAt {
                reported[slot] = nil
                reports.append(.returned(before, seconds: (now - (before.startedAt ?? now)) / 1000))
            }
            for (slot, entry) in calls where reported[slot] == nil && watched(entry) {
                let seconds = (now - (entry.startedAt ?? now)) / 1000
                guard seconds >= limitSeconds else { continue }
                reported[slot] = entry
                reports.append(.stuck(entry, seconds: seconds))
            }
        }
        reports.forEach(report)
    }
}
