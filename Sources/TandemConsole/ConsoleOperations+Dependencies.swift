import TandemEngine
import TandemPluginHost

/// The dependency graph, from tandem.yaml (read again for each request, as
/// every answer here is), the loaded maps and the state database; no side
/// is read, so the page is quick even when a side is slow or down.
extension ConsoleOperations {
    /// The enabled maps with their `depends_on`, their lookups, their states and the run order.
    func dependencies() throws -> DependencyGraph {
        let environment = try environment()
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        var parents: [String: [String]] = [:]
        var lookups: [String: [String]] = [:]
        for resolved in resolution.maps {
            parents[resolved.name] = resolved.map.dependsOn ?? []
            var looked: [String] = []
            for field in resolved.map.fields {
                if let map = field.lookup?.map, !looked.contains(map) { looked.append(map) }
            }
            lookups[resolved.name] = looked
        }
        let records = try environment.openState().mapStates()
        var states: [String: (state: String, reason: String?)] = [:]
        for (name, record) in records {
            states[name] = (record.state.rawValue, scrub(record.reason, environment))
        }
        // A map no loaded plugin provides cannot run: failed, with the engine's reason when it failed
        // it, else why it cannot load now, as `tandem status` says.
        for (name, error) in resolution.unprovided {
            let record = records[name]
            let reason = record?.state == .failed ? record?.reason ?? error.message : error.message
            states[name] = (MapState.failed.rawValue, scrub(reason, environment))
        }
        return DependencyGraph(
            names: environment.config.maps.map(\.name), parents: parents, lookups: lookups, states: states)
    }
}
