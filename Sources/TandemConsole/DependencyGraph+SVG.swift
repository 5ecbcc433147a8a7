/// The graph drawn as inline SVG on the server: no script library and
/// nothing from the internet (issue 20). One column per level of the run
/// order, parents left of their children; a `depends_on` edge is a solid
/// arrow, a lookup that is not also a `depends_on` a dashed one. Colours
/// come from console.css by the node's state class, and only presentation
/// attributes are used: the pages' Content-Security-Policy allows no inline
/// style.
extension DependencyGraph {
    /// The layout's measures, in pixels.
    private enum Layout {
        /// A node's box.
        static let width = 236
        static let height = 42
        /// From one column's left edge to the next's: the box and room for the arrows.
        static let column = 300
        /// From one row's top to the next's.
        static let row = 58
        /// Around the drawing.
        static let margin = 16
        /// Longer names are cut, with `…` (the node's title has the whole name).
        static let nameLength = 32
    }

    /// The `<svg>` element.
    func svg() -> String {
        typealias L = Layout
        var place: [String: (x: Int, y: Int)] = [:]
        for (depth, group) in levels.enumerated() {
            for (index, name) in group.enumerated() {
                place[name] = (L.margin + depth * L.column, L.margin + index * L.row)
            }
        }
        // A map outside the order (one no plugin provides) goes in a last column of its own.
        let unplaced = maps.map(\.name).filter { place[$0] == nil }
        for (index, name) in unplaced.enumerated() {
            place[name] = (L.margin + levels.count * L.column, L.margin + index * L.row)
        }
        let columns = levels.count + (unplaced.isEmpty ? 0 : 1)
        let rows = max(levels.map(\.count).max() ?? 0, unplaced.count)
        let width = 2 * L.margin + max(columns - 1, 0) * L.column + L.width
        let height = 2 * L.margin + max(rows - 1, 0) * L.row + L.height
        let escape = ConsolePages.escape

        var parts: [String] = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\" role=\"img\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" aria-label=\"maps and their dependencies\">",
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
                + "orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"arrow\"/></marker></defs>",
        ]
        // One line per tied pair: solid when `depends_on` ties them, dashed for a lookup alone.
        var drawn: [String: String] = [:]
        var pairs: [(from: String, to: String)] = []
        for edge in edges {
            let pair = "\(edge.from)\n\(edge.to)"
            if drawn[pair] == nil { pairs.append((edge.from, edge.to)) }
            if drawn[pair] != "depends_on" { drawn[pair] = edge.kind }
        }
        for (from, to) in pairs {
            guard let start = place[from], let end = place[to] else { continue }
            let x1 = start.x + L.width
            let y1 = start.y + L.height / 2
            let x2 = end.x
            let y2 = end.y + L.height / 2
            let bend = (x1 + x2) / 2
            let kind = drawn["\(from)\n\(to)"] == "depends_on" ? "depends-on" : "lookup-only"
            let ends = "data-from=\"\(escape(from))\" data-to=\"\(escape(to))\""
            let curve = "M \(x1) \(y1) C \(bend) \(y1), \(bend) \(y2), \(x2) \(y2)"
            parts.append(
                "<path class=\"edge \(kind)\" \(ends) d=\"\(curve)\" fill=\"none\" marker-end=\"url(#arrow)\"/>")
        }
        for node in maps {
            guard let at = place[node.name] else { continue }
            let name =
                node.name.count > L.nameLength ? String(node.name.prefix(L.nameLength - 1)) + "…" : node.name
            let reason = node.reason.map { " (\(escape($0)))" } ?? ""
            let group =
                "<g class=\"node \(Self.stateClass(node.state))\" data-map=\"\(escape(node.name))\" data-state=\"\(escape(node.state))\">"
            let title = "<title>\(escape(node.name)): \(escape(node.state))\(reason)</title>"
            let box = "<rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(L.width)\" height=\"\(L.height)\" rx=\"6\"/>"
            let label = "<text class=\"name\" x=\"\(at.x + 10)\" y=\"\(at.y + 17)\">\(escape(name))</text>"
            let state = "<text class=\"state\" x=\"\(at.x + 10)\" y=\"\(at.y + 33)\">\(escape(node.state))</text>"
            parts.append(group + title + box + label + state + "</g>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The CSS class of `state`: `state-running`, `state-not-running`.
    static func stateClass(_ state: String) -> String {
        "state-" + state.replacingOccurrences(of: " ", with: "-")
    }
}
