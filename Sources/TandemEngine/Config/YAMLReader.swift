import Yams

/// Walks a composed YAML tree, turning every surprise into a ``ConfigError``
/// that names the file, the line and the setting.
struct YAMLReader {
    let file: String

    func error(_ node: Node?, _ path: String, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, column: node?.mark?.column, path: path, reason: reason)
    }

    /// The mapping at `node`, with its keys checked against `allowed` (nil: any key, such as a plugin id).
    func mapping(_ node: Node, _ path: String, allowed: [String]?) throws(ConfigError) -> [(key: String, node: Node, keyNode: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, path, "expected a mapping of settings (key: value), found \(describe(node))")
        }
        var result: [(String, Node, Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error(keyNode, path, "setting names must be text") }
            let place = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                let hint = allowed.min { distance($0, key) < distance($1, key) }
                    .flatMap { distance($0, key) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
                throw error(keyNode, place, "unknown setting '\(key)'\(hint); expected one of \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw error(keyNode, place, "'\(key)' is set twice") }
            result.append((key, value, keyNode))
        }
        return result
    }

    func string(_ node: Node, _ path: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error(node, path, "expected text, found \(describe(node))")
        }
        return scalar.string
    }

    func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw error(node, path, "expected a whole number, found \(describe(node))")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(value) is out of range; use \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func bool(_ node: Node, _ path: String) throws(ConfigError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error(node, path, "expected true or false, found \(describe(node))")
        }
        return value
    }

    func sequence(_ node: Node, _ path: String) throws(ConfigError) -> [Node] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return []
        }
        guard case .sequence(let sequence) = node else {
            throw error(node, path, "expected a list (lines starting with '- '), found \(describe(node))")
        }
        return Array(sequence)
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: T.Type) throws(ConfigError) -> T
    where T.RawValue == String {
        let text = try string(node, path)
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(node, path, "'\(text)' is not one of \(names)")
        }
        return value
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// Edit distance, for "did you mean".
    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
