/// The names of activity log events: a stable vocabulary that scripts can
/// match on (`tandem log --event NAME`). docs/OPERATIONS.md lists each with
/// its actor and details.
///
/// A name never changes meaning; new events get new names.
package enum ActivityEvent {
    /// An engine took the environment (details: its pid).
    package static let engineStarted = "engine started"
    /// The engine stopped cleanly.
    package static let engineStopped = "engine stopped"
    /// The engine loaded a plugin (details: id, version, file).
    package static let pluginLoaded = "plugin loaded"
    /// A plugin file was refused (details: file, code and reason).
    package static let pluginRefused = "plugin refused"
    /// A map appeared in `tandem.yaml` for the first time.
    package static let mapCreated = "map created"
    /// A map left `tandem.yaml`.
    package static let mapRemoved = "map removed"
    /// Environment-wide settings changed (details: before → after per setting).
    package static let configChanged = "config changed"
    /// A map's settings or its plugin's definition changed (details: before → after).
    package static let mappingChanged = "mapping changed"
    /// A map's state changed: run, pause, resume, stop, fail (details: the new state and reason).
    package static let state = "state"
    /// Initial sync of a map began.
    package static let initialSyncStarted = "initial sync started"
    /// Initial sync progress, at most every few seconds per map.
    package static let initialSyncProgress = "initial sync progress"
    /// Initial sync of a map ended.
    package static let initialSyncFinished = "initial sync finished"
    /// A resumed map started replaying its queued changes.
    package static let catchUpStarted = "catch-up started"
    /// A resumed map replayed its queue and runs live again.
    package static let catchUpFinished = "catch-up finished"
    /// The sides kept failing long enough to open an incident.
    package static let transientError = "transient error"
    /// The sides work again.
    package static let transientErrorCleared = "transient error cleared"
    /// An update moved a row out of its map's filter while the other side
    /// held the row (details: the change, the filter, the other side's key,
    /// and whether it was kept or deleted there: the map's `out_of_scope`).
    package static let rowLeftFilter = "row left filter"
    /// An operator discarded a parked change (details: the change).
    package static let parkedChangeDiscarded = "parked change discarded"
    /// A retried change was replaced by a later change of its key.
    package static let parkedChangeSuperseded = "parked change superseded"
    /// An operator retried parked changes.
    package static let errorsRetried = "errors retried"
    /// An operator resolved a manual conflict.
    package static let conflictResolved = "conflict resolved"
    /// An alert rule's condition became true (actor `rule:NAME`).
    package static let alertFired = "alert fired"
    /// An alert rule's condition became false again.
    package static let alertCleared = "alert cleared"
    /// A notification reached its subscription (details: rule, subscription, attempt).
    package static let notificationDelivered = "notification delivered"
    /// A notification was given up after its last attempt (details: the last error, secrets redacted).
    package static let notificationFailed = "notification failed"
    /// Retention pruned old entries (details: how many of each).
    package static let logPruned = "log pruned"
    /// The environment's and the sides' identities were recorded (a new environment, or one made before them).
    package static let sideIdentityRecorded = "side identity recorded"
    /// An operator made a database this environment's side (details: what it was before).
    package static let sideRelinked = "side relinked"
    /// A side went back in time or was replaced (details: the side, the file, what was found).
    package static let sideWentBack = "side went back"
    /// A map failed for a side that went back was recovered (details: how, from which change).
    package static let mapRecovered = "map recovered"
    /// A plugin crashed the engine process in a transform call; `tandem run`
    /// restarted it (details: plugin, signal, transform, map, the batch).
    package static let pluginCrashed = "plugin crashed"
    /// The engine process ended by a signal outside any plugin call; `tandem run` restarted it.
    package static let engineCrashed = "engine crashed"
    /// A plugin call in the engine's process has run past
    /// `engine.plugin_call_stuck_s` (details: plugin, transform, map, the batch).
    package static let pluginCallStuck = "plugin call stuck"
    /// A call reported stuck returned (details: after how long).
    package static let pluginCallReturned = "plugin call returned"
    /// The state database was rebuilt from the sides (details: the maps and their states).
    package static let stateRebuilt = "state rebuilt"
    /// A field added to a map by `tandem maps add-field` (its columns, its file, the values queued).
    package static let fieldAdded = "field added"

    /// Every activity event name, in the order the documentation lists them.
    package static let all: [String] = [
        engineStarted, engineStopped, pluginLoaded, pluginRefused, mapCreated, mapRemoved, configChanged,
        mappingChanged, state,
        initialSyncStarted, initialSyncProgress, initialSyncFinished, catchUpStarted, catchUpFinished, transientError,
        transientErrorCleared, rowLeftFilter, parkedChangeDiscarded, parkedChangeSuperseded, errorsRetried, conflictResolved,
        alertFired, alertCleared, notificationDelivered, notificationFailed, logPruned, sideIdentityRecorded,
        sideRelinked,
        sideWentBack, mapRecovered, stateRebuilt, pluginCrashed, engineCrashed, pluginCallStuck, pluginCallReturned,
        fieldAdded,
    ]

    /// The event of every error entry in the merged log (a change parked on a side).
    package static let changeParked = "change parked"
    /// The event of every conflict entry in the merged log.
    package static let conflictDetected = "conflict detected"
}
