import Synchronization

/// What the engine's wait between passes needs to know (see
/// ``SyncEngine/run(until:)``): which databases can give a pass work, and
/// whether the last pass left reading to do without a new commit.
extension SyncEngine {
    /// Both sides and the state database: a commit to a side is a change to
    /// read, a commit to the state database a map state, an operator request
    /// or an initial sync's checkpoint.
    func waitedDatabases() -> [String] {
        SideRole.allCases.compactMap { locations[$0]?.file } + [state.path]
    }

    /// How far the engine has read each side's change log with nothing in
    /// flight (the side's commit token when a read found it caught up), for
    /// the watches of sides whose commits no file announces: a commit above
    /// it is news. Written by the engine's thread, read by the watches'.
    final class ReadPositions: Sendable {
        private let values = Mutex<[SideRole: Int64]>([:])

        /// The position of `role`'s log; 0 before the first read.
        func position(_ role: SideRole) -> Int64 { values.withLock { $0[role] ?? 0 } }

        /// Records that `role`'s log was read up to `token`.
        func record(_ role: SideRole, _ token: Int64) { values.withLock { $0[role] = token } }
    }

    /// Starts a watch of every side that needs one (see
    /// ``SideEndpoint/watchCommits(after:wake:)``), each ringing `waiter`.
    func startWatches(_ waiter: CommitWaiter) throws -> [any CommitWatch] {
        let doorbell = waiter.doorbell
        let positions = readPositions
        var watches: [any CommitWatch] = []
        do {
            for role in SideRole.allCases {
                if let watch = try sides[role]!.watchCommits(
                    after: { positions.position(role) }, wake: { doorbell.ring() })
                {
                    watches.append(watch)
                }
            }
        } catch {
            for watch in watches { watch.stop() }
            throw error
        }
        return watches
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
