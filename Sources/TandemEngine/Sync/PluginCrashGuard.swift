import Foundation
import Synchronization

/// What `tandem run`'s engine process does around plugin transform calls so
/// that a plugin that crashes the process on one row costs that row only
/// (issue 17 §2).
///
/// Each call is recorded in the ``PluginCallJournal`` first. After a crash,
/// the engine started next is told the batch that was in the plugin
/// (``arm(_:signal:)``): its rows are suspects. When they come round again
/// (their checkpoint did not move) the plan runs the other rows of the batch
/// as usual and the suspects in two halves, each journaled before its call.
/// A half that crashes again is the next engine's suspects; a call of one
/// row that crashed names the row, which is then parked with class `plugin`
/// and never given to the plugin again by this process. Every restart
/// halves the suspects, so a batch of 2,000 takes at most 11 restarts.
final class PluginCrashGuard: Sendable {
    /// The journal each call is recorded in.
    let journal: PluginCallJournal

    /// Suspects and culprits per scope (``scope(_:_:_:)``): the engine's loop
    /// and a write-through may map rows of the same plan.
    private struct Found {
        /// Scope → the keys of the batch that crashed, not narrowed down yet.
        var suspects: [String: Set<String>] = [:]
        /// Scope → key → the reason its row is parked with.
        var culprits: [String: [String: String]] = [:]
    }
    /// What this process found so far.
    private let found = Mutex(Found())

    /// Journals calls in `journal`.
    init(journal: PluginCallJournal) {
        self.journal = journal
    }

    /// The scope of suspects and culprits: one transform of one map direction.
    static func scope(_ map: String, _ direction: String, _ transform: String) -> String {
        "\(map) \(direction) \(transform)"
    }

    /// The reason a row is parked with when `entry` crashed with `signal` on `key` alone.
    static func reason(_ entry: PluginCallJournal.Entry, signal: String, key: String) -> String {
        "plugin \(entry.plugin) crashed (\(signal)) in transform \(entry.transform) on key \(key)"
    }

    /// Takes in the call that crashed the last engine process: a call of one
    /// row names its culprit (returned); a larger one makes its rows suspects.
    @discardableResult
    func arm(_ entry: PluginCallJournal.Entry, signal: String) -> String? {
        let scope = Self.scope(entry.map, entry.direction, entry.transform)
        let keys = Set(entry.keys)
        return found.withLock { found in
            if keys.count == 1, let key = keys.first {
                let reason = Self.reason(entry, signal: signal, key: key)
                found.culprits[scope, default: [:]][key] = reason
                return reason
            }
            found.suspects[scope] = keys
            return nil
        }
    }

    /// Why the row with `key` is not given to the plugin (it crashed on it), or nil.
    func culprit(_ scope: String, key: String) -> String? {
        found.withLock { $0.culprits[scope]?[key] }
    }

    /// The keys suspected of crashing the plugin in `scope`.
    func suspects(_ scope: String) -> Set<String> {
        found.withLock { $0.suspects[scope] ?? [] }
    }

    /// The suspects of `scope` all went through the plugin without a crash: it did not happen again.
    func cleared(_ scope: String) {
        _ = found.withLock { $0.suspects.removeValue(forKey: scope) }
    }
}
