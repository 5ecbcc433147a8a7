import TandemEngine

/// The enabled maps and what ties them: `depends_on` (a map runs after its
/// parents) and lookups (a field refers to a row of another map), with the
/// run order that `depends_on` gives. Built from plain names, so that the
/// JSON and the drawing (``svg()``) are one truth, and checkable without a
/// server.
struct DependencyGraph: Encodable, Sendable {
    /// One enabled map.
    struct Node: Encodable, Sendable, Equatable {
        /// The map id.
        var name: String
        /// Its state (`running`, `paused`, ...); `failed` for a map no loaded plugin provides.
        var state: String
        /// Why it is in that state, when given.
        var reason: String?
        /// The maps it depends on, as the map says (enabled or not).
        var dependsOn: [String]
        /// The maps its fields look up, each once, in field order (itself included, for a self-lookup).
        var lookups: [String]
        /// Its column in the run order: 0 with no enabled parent, else one more than its deepest parent.
        var level: Int
    }

    /// A tie between two enabled maps, parent to child.
    struct Edge: Encodable, Sendable, Hashable {
        /// The parent: the map depended on, or looked up.
        var from: String
        /// The child.
        var to: String
        /// `depends_on` or `lookup`; a pair tied both ways has two edges.
        var kind: String
    }

    /// The maps, in tandem.yaml's order.
    var maps: [Node]
    /// The ties between enabled maps, in map order (a self-lookup and a tie to a map that is not
    /// enabled are in the map's lists, not here: there is nothing to draw them to).
    var edges: [Edge]
    /// The order the maps can start in, parents first (tandem.yaml's order otherwise), as
    /// `tandem maps run` starts a closure.
    var order: [String]
    /// ``order`` grouped by level: the maps of one group need only maps of earlier groups.
    var levels: [[String]]

    /// The graph of the maps `names` (tandem.yaml's order) with their `parents` (`depends_on`),
    /// `lookups` and `states` (`(state, reason)`; missing: `not running`).
    init(
        names: [String], parents: [String: [String]], lookups: [String: [String]],
        states: [String: (state: String, reason: String?)]
    ) {
        let enabled = Set(names)
        // Only enabled parents order the run: a missing one is `maps validate`'s to report.
        let selection = MapSelection(names) { name in enabled.contains(name) ? (parents[name] ?? []) : nil }
        var level: [String: Int] = [:]
        for name in selection.ordered {
            // Parents come first in `ordered`; a cycle (which validation refuses) counts as level 0.
            level[name] = (parents[name] ?? []).filter(enabled.contains).map { (level[$0] ?? -1) + 1 }.max() ?? 0
        }
        let order = selection.ordered
        self.order = order
        levels = (0..<((level.values.max() ?? -1) + 1)).map { depth in order.filter { level[$0] == depth } }
        maps = names.map { name in
            Node(
                name: name, state: states[name]?.state ?? MapState.notRunning.rawValue, reason: states[name]?.reason,
                dependsOn: parents[name] ?? [], lookups: lookups[name] ?? [], level: level[name] ?? 0)
        }
        var edges: [Edge] = []
        for name in names {
            for parent in parents[name] ?? [] where enabled.contains(parent) {
                edges.append(Edge(from: parent, to: name, kind: "depends_on"))
            }
            for looked in lookups[name] ?? [] where enabled.contains(looked) && looked != name {
                edges.append(Edge(from: looked, to: name, kind: "lookup"))
            }
        }
        self.edges = edges
    }
}
