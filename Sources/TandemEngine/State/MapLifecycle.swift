/// The rules of `tandem maps run|pause|resume|stop`: which states each
/// action leaves from and goes to, and what dependencies allow.
package enum MapLifecycle {
    /// An operator's action on maps.
    package enum Action: String, Sendable, CaseIterable {
        case run, pause, resume, stop
    }

    /// One planned state change.
    package struct Transition: Codable, Hashable, Sendable {
        /// The map.
        package var map: String
        /// Its state now.
        package var from: MapState
        /// Its state after the action.
        package var to: MapState
    }

    /// Maps that depend on any of `names`, directly or through others, in config order.
    package static func dependents(of names: Set<String>, among maps: [ResolvedMap]) -> [String] {
        var found = names
        var changed = true
        while changed {
            changed = false
            for map in maps where !found.contains(map.name) {
                if (map.map.dependsOn ?? []).contains(where: found.contains) {
                    found.insert(map.name)
                    changed = true
                }
            }
        }
        return maps.map(\.name).filter { found.contains($0) && !names.contains($0) }
    }

    /// The transitions `action` makes for `names`; throws naming the map
    /// and what to do when one is not allowed. `unloadable`: enabled maps
    /// whose plugin did not load, with the error: they can be paused and
    /// stopped like any map (one broken map must not lock the operator out
    /// of it, issue 17), but not started until their plugin loads.
    package static func plan(
        _ action: Action, maps names: [String], among maps: [ResolvedMap], states: [String: MapState],
        unloadable: [String: SyncError] = [:]
    ) throws(SyncError) -> [Transition] {
        let known = Set(maps.map(\.name)).union(unloadable.keys)
        for name in names where !known.contains(name) {
            throw SyncError(
                .configuration,
                "map '\(name)' is not enabled in this environment (enabled: \(maps.map(\.name).joined(separator: ", "))); add it to tandem.yaml")
        }
        let selected = Set(names)
        var result: [Transition] = []
        for map in maps where selected.contains(map.name) {
            let from = states[map.name] ?? .notRunning
            let to: MapState?
            switch action {
            case .run:
                switch from {
                case .notRunning: to = .running
                case .stopped, .failed: to = .resuming
                case .running, .resuming, .initializing: to = nil
                case .paused:
                    throw SyncError(.state, "map '\(map.name)' is paused; `tandem maps resume \(map.name)` replays its queue")
                }
                for parent in map.map.dependsOn ?? [] where !selected.contains(parent) && !(states[parent] ?? .notRunning).isActive {
                    throw SyncError(
                        .state,
                        "map '\(map.name)' depends on '\(parent)', which is \((states[parent] ?? .notRunning).rawValue); run it first or name both: `tandem maps run \(parent) \(map.name)`")
                }
            case .pause, .stop:
                to = try stateAfter(action, from: from, map: map.name)
            case .resume:
                switch from {
                // A failed map (issue 17) resumes once its cause is fixed: the engine compiles it again.
                case .paused, .failed: to = .resuming
                case .running, .resuming: to = nil
                default:
                    throw SyncError(.state, "map '\(map.name)' is \(from.rawValue), not paused; `tandem maps run \(map.name)` starts it")
                }
            }
            if let to { result.append(Transition(map: map.name, from: from, to: to)) }
        }
        for name in names where unloadable[name] != nil {
            let from = states[name] ?? .notRunning
            let to: MapState?
            switch action {
            case .run, .resume:
                throw SyncError(
                    .configuration,
                    "map '\(name)' cannot start while its plugin does not load: \(unloadable[name]!.message)")
            case .pause, .stop:
                to = try stateAfter(action, from: from, map: name)
            }
            if let to { result.append(Transition(map: name, from: from, to: to)) }
        }
        return result
    }

    /// Where pausing or stopping (`action`) takes a map in state `from`:
    /// nil when it is there already; throws when a map in that state cannot
    /// be paused.
    private static func stateAfter(_ action: Action, from: MapState, map: String) throws(SyncError) -> MapState? {
        if action == .stop { return from == .stopped || from == .notRunning ? nil : .stopped }
        switch from {
        case .running, .resuming: return .paused
        case .paused: return nil
        default: throw SyncError(.state, "map '\(map)' is \(from.rawValue), not running; only a running map can be paused")
        }
    }
}
