import Foundation
import Yams

/// Writes a field into a map's override file (`ENV/maps/`) the way an admin
/// would: a new line under `fields.add`, every other line (comments
/// included) left as it was. An override written in flow style (`fields:
/// { add: [...] }`) is not edited: the caller says what to add by hand.
enum OverrideFileEditor {
    /// The field as one line of YAML: `{ erp: X, crm: y, direction: <-> }`.
    static func entry(_ field: FieldAddition) -> String {
        "{ erp: \(scalar(field.erp)), crm: \(scalar(field.crm)), direction: \(field.direction.rawValue) }"
    }

    /// A new override file of `map` that adds `entry`.
    static func newFile(map: String, entry: String) -> String {
        """
        # Written by `tandem maps add-field`. Edit it freely: it is an override of
        # map \(map) like any other (docs/MAPS.md), and later add-field runs add
        # their fields under fields.add.
        extends: \(scalar(map))
        fields:
          add:
            - \(entry)

        """
    }

    /// `text` (an override file) with `entry` added to `fields.add`, or nil
    /// when the file's layout is not one this can edit without rewriting it.
    static func adding(_ entry: String, to text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        /// Whether each key of `mapping` starts its line (after spaces): block style.
        /// (A composed tree does not keep the style it was written in.)
        func block(_ mapping: Node.Mapping) -> Bool {
            mapping.allSatisfy { key, _ in
                guard let mark = key.mark, mark.line >= 1, mark.line <= lines.count else { return false }
                return lines[mark.line - 1].prefix(mark.column - 1).allSatisfy { $0 == " " }
            }
        }
        guard let root = try? Yams.compose(yaml: text), case .mapping(let top) = root, block(top) else { return nil }
        guard let fields = top.first(where: { $0.key.string == "fields" }) else {
            // No fields yet: a new block at the end.
            var result = text
            if !result.isEmpty, !result.hasSuffix("\n") { result += "\n" }
            return result + "fields:\n  add:\n    - \(entry)\n"
        }
        guard case .mapping(let members) = fields.value, block(members), let keyLine = fields.key.mark?.line else {
            return nil
        }
        if let add = members.first(where: { $0.key.string == "add" }) {
            guard case .sequence(let items) = add.value, let mark = items.last?.mark,
                mark.line >= 1, mark.line <= lines.count
            else { return nil }
            // The last item's line starts with its indentation and a dash: the new one goes below
            // it and the lines that continue it (indented further), alike.
            let line = lines[mark.line - 1]
            let prefix = String(line.prefix(max(0, mark.column - 1)))
            guard let dash = prefix.firstIndex(of: "-"), prefix[..<dash].allSatisfy({ $0 == " " }),
                prefix[prefix.index(after: dash)...].allSatisfy({ $0 == " " })
            else { return nil }
            let indent = prefix.distance(from: prefix.startIndex, to: dash)
            var end = mark.line
            while end < lines.count, !lines[end].allSatisfy({ $0 == " " }),
                lines[end].prefix(while: { $0 == " " }).count > indent
            {
                end += 1
            }
            lines.insert(String(prefix[..<dash]) + "- " + entry, at: end)
        } else {
            guard let first = members.first?.key.mark, keyLine <= lines.count else { return nil }
            let indent = String(repeating: " ", count: first.column - 1)
            lines.insert(contentsOf: [indent + "add:", indent + "  - " + entry], at: keyLine)
        }
        return lines.joined(separator: "\n")
    }

    /// `text` as a YAML plain scalar when it reads back as itself, quoted otherwise.
    static func scalar(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } == true
            && text.allSatisfy { $0.isLetter || $0.isNumber || "_.-".contains($0) }
            && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
        guard !plain else { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
