/// One rule of `tandem.yaml`'s `alerts:` list: a condition watched on each
/// of its maps while the engine runs, and what to do when it becomes true.
///
/// A rule fires once per map when its condition becomes true and is re-armed
/// when the condition clears, so a condition that stays true does not repeat
/// its notifications.
package struct AlertRule: Hashable, Sendable {
    /// What a rule measures, as written after `condition:`.
    package enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Parked changes (`tandem errors list`) of a class, parked within a window.
        case errors
        /// Age in seconds of the oldest captured change not applied yet, worst direction.
        case lagSeconds = "lag-seconds"
        /// Captured changes not applied yet, worst direction.
        case lagChanges = "lag-changes"
        /// Changes waiting in a direction: not applied yet plus parked, worst direction.
        case queueDepth = "queue-depth"
        /// Conflicts detected within a window.
        case conflicts
        /// The map is paused, stopped or failed.
        case leftRunning = "left-running"
        /// Engine crashes in a transform of the map's plugin within a window
        /// (`plugin crashed` entries of the activity log; `tandem run`
        /// restarted the engine each time).
        case crashes
    }

    /// What the rule does to the map when it fires, besides notifying.
    package enum Action: String, Hashable, Sendable, CaseIterable {
        /// Pause the map: changes keep being captured and queue up; `tandem maps resume` catches up.
        case pause
        /// Stop the map: keeps config and checkpoint; `tandem maps run` restarts it.
        case stop
    }

    /// The rule's name; its activity entries have the actor `rule:<name>`.
    package var name: String
    /// The maps it watches; nil watches every enabled map.
    package var maps: [String]?
    /// What it measures.
    package var kind: Kind
    /// For ``Kind/errors``: only this class; nil counts every class.
    package var errorClass: ErrorClass?
    /// Fires when the measured value is at least this (not used by ``Kind/leftRunning``).
    package var threshold: Int
    /// For ``Kind/errors`` and ``Kind/conflicts``: the window counted, in seconds.
    package var windowSeconds: Int?
    /// Subscriptions (names under `notifications:`) told when it fires.
    package var notify: [String]
    /// Done to the map when it fires.
    package var action: Action?

    /// Creates a rule.
    package init(
        name: String, maps: [String]? = nil, kind: Kind, errorClass: ErrorClass? = nil, threshold: Int = 1,
        windowSeconds: Int? = nil, notify: [String] = [], action: Action? = nil
    ) {
        self.name = name
        self.maps = maps
        self.kind = kind
        self.errorClass = errorClass
        self.threshold = threshold
        self.windowSeconds = windowSeconds
        self.notify = notify
        self.action = action
    }

    /// The condition in words, e.g. `application errors >= 10 within 15m`.
    package var conditionText: String {
        let window = windowSeconds.map { " within \(Self.durationText($0))" } ?? ""
        switch kind {
        case .errors: return "\(errorClass?.rawValue ?? "any") errors >= \(threshold)\(window)"
        case .lagSeconds: return "lag >= \(threshold) s"
        case .lagChanges: return "lag >= \(threshold) changes"
        case .queueDepth: return "queue depth >= \(threshold)"
        case .conflicts: return "conflicts >= \(threshold)\(window)"
        case .leftRunning: return "map left running"
        case .crashes: return "plugin crashes >= \(threshold)\(window)"
        }
    }

    /// What it does when it fires, e.g. `["notify ops", "pause"]`.
    package var actionTexts: [String] {
        notify.map { "notify \($0)" } + (action.map { [$0.rawValue] } ?? [])
    }

    /// `900` → `15m`: the largest unit that divides the seconds.
    static func durationText(_ seconds: Int) -> String {
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
