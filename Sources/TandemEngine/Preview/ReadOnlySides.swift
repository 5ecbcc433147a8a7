import Foundation
package import Logging
import TandemDocuments
package import TandemPluginHost

/// Both sides of an environment opened to read only, with maps compiled
/// against them as the engine compiles them but with nothing installed:
/// what `tandem maps compare` and `tandem maps preview` work on. Unlike
/// ``SyncEngine``, opening this installs no capture, writes no side
/// identity and opens no state database, so that a question about the
/// data never changes it (a SQLite side is opened read-only, a PostgreSQL
/// side's decisions run in `READ ONLY` transactions).
package final class ReadOnlySides {
    let environment: TandemEnvironment
    let catalog: PluginCatalog
    let logger: Logger
    /// Both sides, each on a connection of its own that cannot write (SQLite).
    let sides: [SideRole: any SideEndpoint]
    /// The enabled maps whose plugin or map file loaded: the maps a lookup
    /// can check its parent in, as in the engine.
    let enabled: [ResolvedMap]
    /// The enabled maps whose plugin or map file did not load, with why.
    let unprovided: [String: SyncError]

    /// Opens `environment`'s sides to read; `catalog` provides the maps.
    package init(environment: TandemEnvironment, catalog: PluginCatalog, logger: Logger) throws {
        self.environment = environment
        self.catalog = catalog
        self.logger = logger
        var sides: [SideRole: any SideEndpoint] = [:]
        for (role, location) in try environment.locations() {
            sides[role] = try location.open(
                role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds, readOnly: true, logger: logger)
        }
        self.sides = sides
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        enabled = resolution.maps
        unprovided = Dictionary(
            resolution.unprovided.map { ($0.name, $0.error) }, uniquingKeysWith: { first, _ in first })
    }

    /// The map `name` as the engine would run it: with tandem.yaml's
    /// settings when it is enabled there; otherwise (a map file just
    /// written, a plugin's map not enabled yet) with the settings `maps:`
    /// gets by default (both ways, or the only way its keys flow; ERP the
    /// master; no filter but the map's own), as `tandem maps inspect` finds it.
    package func resolve(_ name: String) throws -> ResolvedMap {
        if let map = enabled.first(where: { $0.name == name }) { return map }
        // Enabled, but its plugin or map file did not load: the error that says why.
        if let error = unprovided[name] { throw error }
        guard let (source, map) = catalog.map(name) else {
            if let refusal = catalog.mapFileRefusal(for: name) {
                throw SyncError(.configuration, "map '\(name)' is not loaded: \(refusal.message)")
            }
            let closest = StrictJSON.closest(name, in: catalog.mapIDs).map { " (did you mean '\($0)'?)" } ?? ""
            throw SyncError(
                .configuration,
                "no loaded plugin or map file provides map '\(name)'\(closest); `tandem maps list` shows the enabled maps, `tandem plugins list --env \(environment.directory)` every loaded one"
            )
        }
        return ResolvedMap(settings: MapSettings(name: name, direction: map.naturalDirection), map: map, source: source)
    }

    /// Whether tandem.yaml enables `name`.
    package func isEnabled(_ name: String) -> Bool { environment.config.map(name) != nil }

    /// `resolved`'s plans, one per direction it syncs, compiled as the engine compiles them.
    /// A map that cannot be compiled (a missing column, a transform that refuses its config)
    /// is said as the engine says it, `map NAME cannot run: …`, with what ends it.
    func plans(_ resolved: ResolvedMap) throws -> [SyncDirection: DirectionPlan] {
        do {
            return try SyncEngine.compilePlans(
                resolved, among: enabled + [resolved], environment: environment, sides: sides, catalog: catalog)
        } catch let error as SyncError where SyncEngine.failsMapAlone(error) {
            let next =
                isEnabled(resolved.name)
                ? SyncEngine.resumeHint(resolved.name) : "; fix it, then preview it again"
            throw SyncError(error.code, "map \(resolved.name) cannot run: \(error.message)\(next)")
        }
    }

    /// ``SyncEngine/compare(map:)`` with nothing installed: `tandem maps compare`.
    package func compare(map name: String) throws -> SyncEngine.MapComparison {
        try environment.requireMap(name)
        return try SyncEngine.compare(name, plans: plans(resolve(name)), sides: sides)
    }
}
