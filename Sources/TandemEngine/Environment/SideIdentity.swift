import Foundation

/// What a side database records about itself (DESIGN.md, "side identity"):
/// the environment it belongs to, which side it is, and an id made when it
/// joined the environment. The state database records the environment's id
/// and each side's id, so a swap, a copy from another environment or a
/// state database that lost its memory is noticed before anything is synced.
package struct SideIdentity: Hashable, Sendable, Codable {
    /// The environment's id (also in the state database).
    package var environment: String
    /// Which side this database is.
    package var role: SideRole
    /// This database's own id, made when it joined the environment.
    package var id: String
    /// When it joined (ms since the epoch).
    package var createdAt: Double

    /// A new identity for `role` in `environment`.
    package static func make(environment: String, role: SideRole) -> SideIdentity {
        SideIdentity(environment: environment, role: role, id: newID(), createdAt: StateStore.now)
    }

    /// A random id (lower-case UUID).
    package static func newID() -> String { UUID().uuidString.lowercased() }

    /// How the identity reads in a message.
    package var summary: String { "\(role) side \(id) of environment \(environment)" }

    /// Records a new environment's identity: its id in the state database,
    /// an identity in each side.
    static func establish(sides: [SideRole: any SideEndpoint], state: StateStore, actor: String) throws {
        let environment = try state.environmentID() ?? newID()
        // `tandem init` in a folder that already holds another environment's side file must not claim it.
        for role in SideRole.allCases {
            if let existing = try sides[role]!.storedIdentity(), existing.environment != environment {
                throw SyncError(
                    .configuration,
                    "\(sides[role]!.location) already belongs to another environment (it is the \(existing.summary)); give this environment its own \(role) database, or use `tandem sides relink --side \(role)` once the environment exists"
                )
            }
        }
        var made: [SideIdentity] = []
        for role in SideRole.allCases {
            let identity = make(environment: environment, role: role)
            try sides[role]!.storeIdentity(identity)
            made.append(identity)
        }
        try state.recordIdentity(
            environment: environment, sides: made, actor: actor, event: ActivityEvent.sideIdentityRecorded)
    }

    /// Checks that each side is the one this environment knows, and that the
    /// state database knows the environment; throws a refusal that names
    /// the file, what it belongs to and the command that fixes it.
    ///
    /// An environment made before side identities (no identity anywhere, the
    /// state database knowing its maps) gets one here, without a refusal.
    static func verify(
        _ environment: TandemEnvironment, sides: [SideRole: any SideEndpoint], state: StateStore, actor: String
    ) throws {
        var found: [SideRole: SideIdentity] = [:]
        var checkpointed: [SideRole: Int] = [:]
        for (role, side) in sides {
            found[role] = try side.storedIdentity()
            checkpointed[role] = try side.storedCheckpoints().count
        }
        let dir = environment.directory
        guard let known = try state.environmentID() else {
            let mapsKnown = try !state.mapStates().isEmpty
            if !found.isEmpty || (!mapsKnown && checkpointed.values.contains { $0 > 0 }) {
                let what = SideRole.allCases.compactMap { role -> String? in
                    if let identity = found[role] { return "\(sides[role]!.location) is the \(identity.summary)" }
                    if let count = checkpointed[role], count > 0 {
                        return "\(sides[role]!.location) holds \(count) checkpoint(s)"
                    }
                    return nil
                }
                throw SyncError(
                    .state,
                    "the state database \(state.path) does not know this environment, but its sides do (\(what.joined(separator: "; "))): the state database was deleted, emptied or replaced, and the maps' states went with it. Nothing was started. `tandem state rebuild --env \(dir)` rebuilds it from the sides' checkpoints (docs/OPERATIONS.md, \"Sides that go back in time\")"
                )
            }
            // Made before side identities: give it one now.
            try establish(sides: sides, state: state, actor: actor)
            return
        }
        let recorded = try state.sideIDs()
        var adopted: [SideIdentity] = []
        for role in SideRole.allCases {
            let path = sides[role]!.location
            let relink = "`tandem sides relink --env \(dir) --side \(role)`"
            guard let identity = found[role] else {
                if let id = recorded[role] {
                    throw SyncError(
                        .configuration,
                        "\(path) has no side identity, but this environment's \(role) side is \(id): it is not the \(role) database this environment was using (a file made elsewhere, or a backup from before side identities). If it is meant to be the \(role) side, \(relink) makes it so; then check the maps (docs/OPERATIONS.md, \"Side identity\")"
                    )
                }
                // A side from before side identities.
                adopted.append(make(environment: known, role: role))
                continue
            }
            if identity.environment != known {
                throw SyncError(
                    .configuration,
                    "\(path) belongs to another environment: it is the \(identity.summary), and this environment (\(dir)) is \(known). A copy of another environment's side is never synced into; if this file is meant to be this environment's \(role) side from now on, \(relink) (docs/OPERATIONS.md, \"Side identity\")"
                )
            }
            if identity.role != role {
                throw SyncError(
                    .configuration,
                    "\(path) is this environment's \(identity.role) database, but tandem.yaml gives it as sides.\(role).database: the sides are swapped or the same file is named twice. Fix sides.\(role).database in \(environment.configPath)"
                )
            }
            if let id = recorded[role], id != identity.id {
                throw SyncError(
                    .configuration,
                    "\(path) is a \(role) database of this environment, but not the one it was using (side id \(identity.id), expected \(id)): a database set up for this environment again, or a copy. If it is meant to be the \(role) side from now on, \(relink) (docs/OPERATIONS.md, \"Side identity\")"
                )
            }
            if recorded[role] == nil { adopted.append(identity) }
        }
        guard !adopted.isEmpty else { return }
        for identity in adopted where found[identity.role] == nil {
            try sides[identity.role]!.storeIdentity(identity)
        }
        try state.recordIdentity(
            environment: known, sides: adopted, actor: actor, event: ActivityEvent.sideIdentityRecorded)
    }
}

extension SideIdentity {
    /// What ``relink(_:role:state:actor:)`` found and made.
    package struct Relink: Sendable {
        /// The file.
        package var path: String
        /// Its identity before, nil when it had none.
        package var before: SideIdentity?
        /// Its identity now.
        package var after: SideIdentity
    }

    /// What the file given as `role`'s database says it is, for the
    /// operator to confirm before ``relink(_:role:state:actor:)``.
    package static func inspect(
        _ environment: TandemEnvironment, role: SideRole
    ) throws -> (path: String, identity: SideIdentity?) {
        let side = try SideDatabase(role: role, path: environment.path(environment.config.sides[role]!.database))
        return (side.path, try side.storedIdentity())
    }

    /// Makes the file tandem.yaml names as `role`'s database this
    /// environment's `role` side: a new identity in the file and in the
    /// state database, with an activity entry naming what it was before.
    /// The caller holds the environment lock.
    package static func relink(
        _ environment: TandemEnvironment, role: SideRole, state: StateStore, actor: String
    ) throws -> Relink {
        guard let known = try state.environmentID() else {
            throw SyncError(
                .state,
                "the state database \(state.path) does not know this environment yet; `tandem state rebuild --env \(environment.directory)` first, or `tandem run` for an environment made before side identities"
            )
        }
        let path = environment.path(environment.config.sides[role]!.database)
        let otherPath = environment.path(environment.config.sides[role.other]!.database)
        if let identity = FileIdentity(path: path), identity == FileIdentity(path: otherPath) {
            throw SyncError(
                .configuration,
                "\(path) is also the \(role.other) side's database (\(otherPath)); each side needs its own file: fix sides.\(role).database in \(environment.configPath)"
            )
        }
        let side = try SideDatabase(role: role, path: path)
        let before = try side.storedIdentity()
        let after = make(environment: known, role: role)
        try side.storeIdentity(after)
        try state.recordIdentity(
            environment: known, sides: [after], actor: actor, event: ActivityEvent.sideRelinked,
            details: "\(path): \(before?.summary ?? "no identity") → \(after.summary)")
        return Relink(path: path, before: before, after: after)
    }
}
