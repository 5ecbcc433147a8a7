/// Where a map is in its life (DESIGN.md, "Map states").
package enum MapState: String, Codable, Hashable, Sendable, CaseIterable {
    /// Enabled in config, never run (or reset).
    case notRunning = "not running"
    /// Initial sync in progress.
    case initializing
    /// Changes flow as they are captured.
    case running
    /// Changes are captured and queue up; nothing is applied.
    case paused
    /// Catch-up: the queued changes are replayed in order, then `running`.
    case resuming
    /// Like paused, but `run` (not `resume`) restarts it; keeps config and checkpoint.
    case stopped
    /// Entered only by an alert rule or an unrecoverable error, with the reason.
    case failed

    /// Whether the engine applies the map's changes in this state.
    package var isActive: Bool { self == .running || self == .resuming }
}
