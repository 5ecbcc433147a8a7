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

    /// Called when an operator made map `name`, which is in ``broken``,
    /// active: reads its settings in tandem.yaml again (the cause may have
    /// been there: a filter naming a column the table lacks) and compiles
    /// it against the tables as they are now. Returns whether it can run;
    /// if not, it is failed again with the reason of now.
    func recompileBroken(_ name: String) throws -> Bool {
        guard let index = maps.firstIndex(where: { $0.name == name }) else { return false }
        var map = maps[index]
        do {
            map.settings = try Self.currentSettings(of: name, in: environment) ?? map.settings
            let compiled = try Self.compile(
                map, among: maps, environment: environment, sides: sides, locations: locations, catalog: catalog)
            maps[index] = map
            adopt(compiled, for: name)
            broken[name] = nil
            logger.notice("map \(name) compiled again: its cause of failure is gone")
            return true
        } catch let error as SyncError where Self.failsMapAlone(error) {
            broken[name] = error.message + Self.resumeHint(name)
            try state.setStates([name], to: .failed, reason: broken[name], actor: "engine")
            logger.error("map \(name) failed again: \(error.message)")
            return false
        }
    }

    /// Puts map `name`'s plans, compiled again in the running engine, in
    /// place of its old ones: the crash guard and host-failure watch the
    /// engine gives every plan, and stats for a direction it did not run.
    func adopt(_ compiled: [SyncDirection: DirectionPlan], for name: String) {
        for plan in compiled.values { plan.crashGuard = crashGuard }
        watchHostFailures(compiled)
        plans[name] = compiled
        for direction in compiled.keys where stats[Self.statsKey(name, direction)] == nil {
            stats[Self.statsKey(name, direction)] = MapDirectionStats(map: name, direction: direction)
        }
    }

    /// Map `name`'s settings as tandem.yaml holds them now (nil when it no
    /// longer lists the map: the engine's copy stays). A file that no longer
    /// loads is the map's failure, with the file's own error.
    static func currentSettings(of name: String, in environment: TandemEnvironment) throws(SyncError) -> MapSettings? {
        do {
            return try TandemEnvironment(directory: environment.directory).config.maps.first { $0.name == name }
        } catch {
            throw SyncError(.configuration, "\(error)")
        }
    }
}
