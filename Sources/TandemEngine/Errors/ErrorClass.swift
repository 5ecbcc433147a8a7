/// What kind of failure a parked change records, so that operators (and
/// alert rules) can count and filter them.
package enum ErrorClass: String, Codable, Sendable, CaseIterable {
    /// The data: a value that does not fit, a value a transform refuses as
    /// invalid data (not in a value map, an eleventh decimal), a constraint
    /// the target refused, a parent row that is not there. Fixed by changing
    /// data or config.
    case application
    /// The system: a side busy or locked for longer than the engine retries,
    /// a disk error. Usually goes away on its own.
    case transient
    /// A conflict that waits for an operator (`manual` policy).
    case conflict
    /// A plugin transform or mapper failed on its own account (an internal
    /// error, a broken ABI rule), whatever the data.
    case plugin

    /// The class of a mapping or apply error.
    init(_ error: SyncError) {
        switch error.code {
        case .plugin: self = .plugin
        case .database, .locked: self = .transient
        default: self = .application
        }
    }
}
