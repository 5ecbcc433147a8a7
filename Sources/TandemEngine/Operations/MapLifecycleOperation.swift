import Foundation
package import TandemPluginHost

/// One way to run, pause, resume or stop maps, for `tandem maps run|pause|
/// resume|stop` and the console alike (issue 20): the checks, the plan and
/// the state change live here, so that both refuse the same things with the
/// same words. The caller keeps what is its own: asking a person (the CLI
/// asks whether to include dependents, or to run initial sync first) and
/// printing.
///
/// The steps are separate calls because the CLI asks between them:
/// ``prepare(_:names:all:withDependencies:environment:catalog:actor:)``,
/// ``refuseSidesGoneBack()``, ``plan(including:)``, ``neverSynced(_:)``,
/// ``apply(_:)``.
package struct MapLifecycleOperation {
    /// The action.
    package let action: MapLifecycle.Action
    /// The environment acted on.
    package let environment: TandemEnvironment
    /// Who acts (`cli:USER`, `console:USER`): written with each state and activity entry.
    package let actor: String
    /// The maps named (or every map, with `all`).
    package let names: [String]
    /// Dependencies not running that are started first (run with `withDependencies`), parents first.
    package let added: [String]
    /// The maps to start or change: `added` and `names`, less those held back by blocking findings.
    package let starting: [String]
    /// Why some maps do not start (blocking findings), said after the others changed; nil when all may.
    package let notStarted: String?
    /// Maps not named that depend on the named ones (for pause: only those active), in config order:
    /// the CLI asks whether to include them, the console says they keep their state.
    package let dependents: [String]
    /// The maps that resolved.
    private let maps: [ResolvedMap]
    /// Enabled maps whose plugin did not load, with why.
    private let unloadable: [String: SyncError]
    /// The maps' states when prepared.
    private let records: [String: MapStateRecord]

    /// Checks `action` on `names` (or every map with `all`) and works out
    /// what it takes: the dependencies to start, the maps held back by
    /// blocking findings, the dependents. Records changes to tandem.yaml or
    /// to the maps since the last load in the activity log first. Throws,
    /// naming the map and what to do, when nothing can be done.
    package static func prepare(
        _ action: MapLifecycle.Action, names named: [String], all: Bool, withDependencies: Bool,
        environment: TandemEnvironment, catalog: PluginCatalog, actor: String
    ) throws -> MapLifecycleOperation {
        // A map whose plugin does not load keeps the others steerable, and can itself be paused or
        // stopped (issue 17); starting it is refused with the reason (MapLifecycle.plan).
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        let maps = resolution.maps
        let unloadable = Dictionary(resolution.unprovided.map { ($0.name, $0.error) }) { first, _ in first }
        // Changes to tandem.yaml or to a plugin's maps since the last load go to the activity log first.
        try EnvironmentHistory.record(environment, maps: maps, state: environment.openState(), actor: actor)
        // all: every map in tandem.yaml's order (parents first); a map whose plugin did not
        // load is paused or stopped with the rest, but not started (the others would be refused with it).
        let names =
            all
            ? environment.config.maps.map(\.name).filter {
                unloadable[$0] == nil || (action != .run && action != .resume)
            } : named
        let added = try dependenciesToStart(
            action, maps, names: names, states: environment.openState().mapStates().mapValues(\.state),
            withDependencies: withDependencies)
        // The named maps with the dependencies to start first.
        var starting = added + names
        // Said after the others have started: one map that cannot start does not hold them back (issue 17).
        var notStarted: String?
        if action == .run || action == .resume {
            // A map with blocking health-check findings does not start: it would fail on its first row.
            let blocking = try MapValidator.validate(environment, catalog: catalog, maps: starting).filter {
                $0.severity == .blocking
            }
            if !blocking.isEmpty {
                let blocked = Set(blocking.map(\.map))
                // Those that need a blocked map stay as they are too: they would wait on it.
                let waiting = MapLifecycle.dependents(of: blocked, among: maps).filter(starting.contains)
                var report =
                    "not starting: \(blocked.sorted().joined(separator: ", ")) \(blocked.count == 1 ? "has" : "have") blocking \(blocking.count == 1 ? "finding" : "findings")\n"
                    + MapFinding.render(blocking)
                if !waiting.isEmpty {
                    report +=
                        "\nnot starting either: \(waiting.joined(separator: ", ")) (\(waiting.count == 1 ? "depends" : "depend") on it)"
                }
                report += "\n`tandem maps validate` checks again once fixed"
                starting.removeAll { blocked.contains($0) || waiting.contains($0) }
                guard !starting.isEmpty else { throw SyncError(.configuration, report) }
                notStarted = report
            }
        }
        let records = try environment.openState().mapStates()
        let states = records.mapValues(\.state)
        let dependents = MapLifecycle.dependents(of: Set(names), among: maps)
            .filter { action != .pause || (states[$0] ?? .notRunning).isActive }
        return MapLifecycleOperation(
            action: action, environment: environment, actor: actor, names: names, added: added, starting: starting,
            notStarted: notStarted, dependents: dependents, maps: maps, unloadable: unloadable, records: records)
    }

    /// Started as it is, a map whose side went back would skip or miss
    /// changes: the engine would fail it again at once. Throws with its
    /// recovery, which is what the operator needs.
    package func refuseSidesGoneBack() throws(SyncError) {
        guard action == .run || action == .resume else { return }
        for name in starting {
            if let record = records[name], record.state == .failed, record.reason?.contains(SideAudit.marker) == true {
                throw SyncError(
                    .state,
                    "map \(name) failed because a \(SideAudit.marker); starting it as it is would skip or miss changes. `tandem maps recover \(name) --resend` or `tandem maps recover \(name) --initial-sync --master erp|crm` (`tandem status` shows what was lost; docs/OPERATIONS.md, \"Sides that go back in time\")"
                )
            }
        }
    }

    /// The state changes, for `starting` and, when `including`, the dependents too.
    package func plan(including dependents: Bool) throws(SyncError) -> [MapLifecycle.Transition] {
        try MapLifecycle.plan(
            action, maps: starting + (dependents ? self.dependents : []), among: maps,
            states: records.mapValues(\.state), unloadable: unloadable)
    }

    /// Maps about to start for the first time that have rows live sync does
    /// not carry (the CLI offers initial sync first, as dual-write does).
    package func neverSynced(_ transitions: [MapLifecycle.Transition]) throws -> [(map: String, rows: Int)] {
        guard action == .run else { return [] }
        return try environment.neverSynced(transitions.filter { $0.from == .notRunning }.map(\.map), maps: maps)
    }

    /// Writes the new states (each with an activity entry by `actor`); a running engine picks them up
    /// before its next batch.
    package func apply(_ transitions: [MapLifecycle.Transition]) throws {
        let store = try environment.openState()
        for target in Set(transitions.map(\.to)) {
            try store.setStates(transitions.filter { $0.to == target }.map(\.map), to: target, actor: actor)
        }
    }

    /// The maps that `names` depend on, directly or not, that are not
    /// running, parents first. Without `withDependencies`, throws naming
    /// all of them at once (one per try made a newcomer run `maps run`
    /// again and again).
    private static func dependenciesToStart(
        _ action: MapLifecycle.Action, _ maps: [ResolvedMap], names: [String], states: [String: MapState],
        withDependencies: Bool
    ) throws(SyncError) -> [String] {
        guard action == .run else { return [] }
        let byName = Dictionary(maps.map { ($0.name, $0) }) { first, _ in first }
        // Every dependency of an enabled map is enabled (resolveMaps checked); an unknown name fails in plan.
        let selection = MapSelection(names) { byName[$0].map { $0.map.dependsOn ?? [] } }
        let needed = selection.dependencies.filter { !(states[$0] ?? .notRunning).isActive }
        guard !needed.isEmpty, !withDependencies else { return needed }
        let missing = Set(needed)
        let needing = names.filter { name in
            !MapSelection([name]) { byName[$0].map { $0.map.dependsOn ?? [] } }.dependencies.filter(missing.contains)
                .isEmpty
        }
        let described = needed.map { "\($0) (\((states[$0] ?? .notRunning).rawValue))" }
        throw SyncError(
            .state,
            "\(needing.joined(separator: ", ")) \(needing.count == 1 ? "depends" : "depend") on maps that are not running: \(described.joined(separator: ", ")) (parents first); name them too (`tandem maps run \((needed + names).joined(separator: " "))`) or pass --with-dependencies"
        )
    }
}
