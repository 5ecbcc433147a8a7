/// What the engine's wait between passes needs to know (see
/// ``SyncEngine/run(until:)``): which databases can give a pass work, and
/// whether the last pass left reading to do without a new commit.
extension SyncEngine {
    /// Both sides and the state database: a commit to a side is a change to
    /// read, a commit to the state database a map state, an operator request
    /// or an initial sync's checkpoint.
    func waitedDatabases() -> [String] {
        SideRole.allCases.compactMap { sides[$0]?.path } + [state.path]
    }

    /// Whether a side that an active map reads is marked to be read again
    /// with no new commit: after a full batch, a write to it by the engine
    /// itself (echoes to consume) or a state change. Such a side is never
    /// waited for.
    var readsPending: Bool {
        SyncDirection.allCases.contains { direction in
            dirty[direction.source] == true
                && maps.contains { states[$0.name]?.isActive == true && plans[$0.name]?[direction] != nil }
        }
    }
}
