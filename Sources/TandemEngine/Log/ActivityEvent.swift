/// The names of activity log events: a stable vocabulary that scripts can
/// match on (`tandem log --event NAME`). docs/OPERATIONS.md lists each with
/// its actor and details.
///
/// A name never changes meaning; new events get new names.
public enum ActivityEvent {
    /// An engine took the environment (details: its pid).
    public static let engineStarted = "engine started"
    /// The engine stopped cleanly.
    public static let engineStopped = "engine stopped"
    /// The engine loaded a plugin (details: id, version, file).
    public static let pluginLoaded = "plugin loaded"
    /// A plugin file was refused (details: file, code and reason).
    public static let pluginRefused = "plugin refused"
    /// A map appeared in `tandem.yaml` for the first time.
    public static let mapCreated = "map created"
    /// A map left `tandem.yaml`.
    public static let mapRemoved = "map removed"
    /// Environment-wide settings changed (details: before → after per setting).
    public static let configChanged = "config changed"
    /// A map's settings or its plugin's definition changed (details: before → after).
    public static let mappingChanged = "mapping changed"
    /// A map's state changed: run, pause, resume, stop, fail (details: the new state and reason).
    public static let state = "state"
    /// Initial sync of a map began.
    public static let initialSyncStarted = "initial sync started"
    /// Initial sync progress, at most every few seconds per map.
    public static let initialSyncProgress = "initial sync progress"
    /// Initial sync of a map ended.
    public static let initialSyncFinished = "initial sync finished"
    /// A resumed map started replaying its queued changes.
    public static let catchUpStarted = "catch-up started"
    /// A resumed map replayed its queue and runs live again.
    public static let catchUpFinished = "catch-up finished"
    /// The sides kept failing long enough to open an incident.
    public static let transientError = "transient error"
    /// The sides work again.
    public static let transientErrorCleared = "transient error cleared"
    /// An operator discarded a parked change (details: the change).
    public static let parkedChangeDiscarded = "parked change discarded"
    /// A retried change was replaced by a later change of its key.
    public static let parkedChangeSuperseded = "parked change superseded"
    /// An operator retried parked changes.
    public static let errorsRetried = "errors retried"
    /// An operator resolved a manual conflict.
    public static let conflictResolved = "conflict resolved"
    /// An alert rule's condition became true (actor `rule:NAME`).
    public static let alertFired = "alert fired"
    /// An alert rule's condition became false again.
    public static let alertCleared = "alert cleared"
    /// A notification reached its subscription (details: rule, subscription, attempt).
    public static let notificationDelivered = "notification delivered"
    /// A notification was given up after its last attempt (details: the last error, secrets redacted).
    public static let notificationFailed = "notification failed"
    /// Retention pruned old entries (details: how many of each).
    public static let logPruned = "log pruned"
    /// The environment's and the sides' identities were recorded (a new environment, or one made before them).
    public static let sideIdentityRecorded = "side identity recorded"
    /// An operator made a database this environment's side (details: what it was before).
    public static let sideRelinked = "side relinked"
    /// A side went back in time or was replaced (details: the side, the file, what was found).
    public static let sideWentBack = "side went back"
    /// A map failed for a side that went back was recovered (details: how, from which change).
    public static let mapRecovered = "map recovered"
    /// The state database was rebuilt from the sides (details: the maps and their states).
    public static let stateRebuilt = "state rebuilt"

    /// Every activity event name, in the order the documentation lists them.
    public static let all: [String] = [
        engineStarted, engineStopped, pluginLoaded, pluginRefused, mapCreated, mapRemoved, configChanged,
        mappingChanged, state,
        initialSyncStarted, initialSyncProgress, initialSyncFinished, catchUpStarted, catchUpFinished, transientError,
        transientErrorCleared, parkedChangeDiscarded, parkedChangeSuperseded, errorsRetried, conflictResolved,
        alertFired, alertCleared, notificationDelivered, notificationFailed, logPruned, sideIdentityRecorded,
        sideRelinked,
        sideWentBack, mapRecovered, stateRebuilt,
    ]

    /// The event of every error entry in the merged log (a change parked on a side).
    public static let changeParked = "change parked"
    /// The event of every conflict entry in the merged log.
    public static let conflictDetected = "conflict detected"
}
