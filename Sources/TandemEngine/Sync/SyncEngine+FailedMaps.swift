import Foundation

/// "One broken map stays alone" (issue 17): a map whose plugin is refused,
/// whose table or columns are missing or whose transform cannot be made is
/// `failed` with the reason, the other maps run, and `tandem maps resume`
/// (or `maps run`) compiles it again once the cause is fixed.
extension SyncEngine {
    /// Puts every map in ``broken`` in state `failed` with its reason (an
    /// activity entry each, which `tandem log` shows and the `left-running`
    /// alert rule sees), unless it already is, for that reason.
    func failBrokenMaps() throws {
        let records = try state.mapStates()
        for (name, reason) in broken.sorted(by: { $0.key < $1.key }) {
            guard records[name]?.state != .failed || records[name]?.reason != reason else { continue }
            try state.setStates([name], to: .failed, reason: reason, actor: "engine")
            logger.error("map \(name): \((records[name]?.state ?? .notRunning).rawValue) → failed: \(reason)")
        }
    }

    /// Throws the reason when `name` could not be compiled, so that a
    /// command's helper engine (initial sync, compare, a conflict decision)
    /// says why rather than calling the map unknown.
    func requireCompiled(_ name: String) throws(SyncError) {
        if let reason = broken[name] { throw SyncError(.configuration, "map \(name) cannot run: \(reason)") }
    }

    /// Fails again each map whose plugin did not load that an operator made
    /// active (`records`: the stored states): this engine loaded plugins
    /// when it started and cannot run it; the reason says to restart it.
    func refailUnloaded(_ records: [String: MapStateRecord]) throws {
        for (name, reason) in broken.sorted(by: { $0.key < $1.key })
        where records[name]?.state.isActive == true && !maps.contains(where: { $0.name == name }) {
            try state.setStates([name], to: .failed, reason: reason, actor: "engine")
            logger.error("map \(name) cannot run in this engine: \(reason)")
        }
    }

    /// Called when an operator made `map`, which is in ``broken``, active:
    /// compiles it against the tables as they are now. Returns whether it
    /// can run; if not, it is failed again with the reason of now.
    func recompileBroken(_ map: ResolvedMap) throws -> Bool {
        do {
            let compiled = try Self.compile(
                map, among: maps, environment: environment, sides: sides, locations: locations, catalog: catalog)
            for plan in compiled.values { plan.crashGuard = crashGuard }
            plans[map.name] = compiled
            for direction in compiled.keys where stats[Self.statsKey(map.name, direction)] == nil {
                stats[Self.statsKey(map.name, direction)] = MapDirectionStats(map: map.name, direction: direction)
            }
            broken[map.name] = nil
            logger.notice("map \(map.name) compiled again: its cause of failure is gone")
            return true
        } catch let error as SyncError where Self.failsMapAlone(error) {
            broken[map.name] = error.message + Self.resumeHint(map.name)
            try state.setStates([map.name], to: .failed, reason: broken[map.name], actor: "engine")
            logger.error("map \(map.name) failed again: \(error.message)")
            return false
        }
    }
}
