import Foundation

/// `tandem state rebuild`: a state database that was deleted or emptied is
/// made again from what the sides hold. The checkpoints live in the sides
/// (written with the rows), so nothing about what was applied is lost with
/// the state database; what is lost is what operators asked (map states),
/// the statistics and the activity log.
package enum StateRebuild {
    /// What a rebuild did.
    package struct Result: Sendable {
        /// The environment's id (from the sides, or new for sides without one).
        package var environment: String
        /// The maps given a state, with it.
        package var maps: [(name: String, state: MapState)]
    }

    /// Rebuilds `state` from the sides of `environment`. Refuses when the
    /// state database still knows the environment, or when the sides disagree
    /// about which environment they belong to. The caller holds the lock.
    package static func rebuild(_ environment: TandemEnvironment, state: StateStore, actor: String) throws -> Result {
        if let known = try state.environmentID() {
            throw SyncError(
                .state,
                "the state database \(state.path) knows this environment (\(known)); there is nothing to rebuild. `tandem maps list` shows the maps' states"
            )
        }
        let sides = try environment.openEndpoints()
        var identities: [SideRole: SideIdentity] = [:]
        var checkpoints: [SideRole: [CheckpointID: Int64]] = [:]
        for (role, side) in sides {
            identities[role] = try side.storedIdentity()
            checkpoints[role] = try side.storedCheckpoints()
        }
        for (role, identity) in identities where identity.role != role {
            throw SyncError(
                .configuration,
                "\(sides[role]!.location) is the \(identity.role) database, but tandem.yaml gives it as sides.\(role).\(sides[role]! is PostgreSQLSide ? "url" : "database"); fix tandem.yaml first"
            )
        }
        let environments = Set(identities.values.map(\.environment))
        guard environments.count <= 1 else {
            throw SyncError(
                .configuration,
                "the sides belong to different environments (\(SideRole.allCases.compactMap { role in identities[role].map { "\(sides[role]!.location): \($0.summary)" } }.joined(separator: "; "))); relink one of them (`tandem sides relink --env \(environment.directory) --side SIDE`) after the rebuild, or fix tandem.yaml"
            )
        }
        let id = environments.first ?? SideIdentity.newID()
        var sideIdentities: [SideIdentity] = []
        for role in SideRole.allCases {
            if let identity = identities[role] {
                sideIdentities.append(identity)
            } else {
                let identity = SideIdentity.make(environment: id, role: role)
                try sides[role]!.storeIdentity(identity)
                sideIdentities.append(identity)
            }
        }
        // A map whose checkpoints are in the sides had run; whether it was running, paused or stopped
        // went with the state database. Stopped is the state that loses nothing and does nothing the
        // operator did not ask for: its changes queue up, and `tandem maps run` catches up from its
        // checkpoints. A map with no checkpoint never ran: not running, as before.
        var result: [(String, MapState)] = []
        var applied: [(map: String, source: SideRole, applied: StateStore.Applied)] = []
        for map in environment.config.maps {
            var found = false
            for source in SideRole.allCases {
                let key = CheckpointID(map: map.name, source: source)
                if let seq = checkpoints[source.other]?[key] {
                    found = true
                    // What the sides say was applied is, from now on, the lower bound the engine checks.
                    applied.append(
                        (
                            map.name, source,
                            StateStore.Applied(seq: seq, at: nil, table: nil, recordedAt: StateStore.now)
                        ))
                }
            }
            if found { result.append((map.name, .stopped)) }
        }
        try state.recordIdentity(
            environment: id, sides: sideIdentities, actor: actor, event: ActivityEvent.stateRebuilt,
            details: "from the sides' identities and checkpoints: "
                + (result.isEmpty
                    ? "no map had run" : result.map { "\($0.0) \($0.1.rawValue)" }.joined(separator: ", ")))
        try state.recordApplied(applied)
        for (name, mapState) in result {
            try state.setStates(
                [name], to: mapState,
                reason:
                    "state database rebuilt from the sides; `tandem maps run \(name)` catches up from its checkpoints",
                actor: actor)
        }
        return Result(environment: id, maps: result)
    }
}
