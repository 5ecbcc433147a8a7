import Foundation

/// A synchronous write through Tandem: rows for one table on one side,
/// applied there and, through every map that reads the table, on the other
/// side before the call returns; both sides commit or neither keeps it.
package struct WriteRequest: Sendable {
    /// What to do with each row.
    package enum Operation: String, Codable, Sendable {
        /// Insert, or update the row with the same key (only the columns given).
        case upsert
        /// Delete the row with the key given.
        case delete
    }

    /// The side written first.
    package var side: SideRole
    /// A table of that side.
    package var table: String
    /// Column → value per row.
    package var rows: [[String: SideValue]]
    /// Upsert or delete.
    package var operation: Operation

    /// The largest value accepted, in bytes.
    package static let maximumValueBytes = 16 << 20

    /// Creates a request.
    package init(side: SideRole, table: String, rows: [[String: SideValue]], operation: Operation = .upsert) {
        self.side = side
        self.table = table
        self.rows = rows
        self.operation = operation
    }

    /// Parses rows from JSON: one object or an array of objects, column →
    /// value. Strings are text, integers are integers, other numbers are reals
    /// (send decimals as strings to keep every digit), `true`/`false` are 1/0,
    /// `null` is NULL and `{"base64": "..."}` is a blob.
    package static func parseRows(_ json: String) throws(SyncError) -> [[String: SideValue]] {
        let decoder = JSONDecoder()
        let data = Data(json.utf8)
        let objects: [[String: JSONValue]]
        do {
            // One object, or an array of them.
            if json.drop(while: \.isWhitespace).first == "{" {
                objects = [try decoder.decode([String: JSONValue].self, from: data)]
            } else {
                objects = try decoder.decode([[String: JSONValue]].self, from: data)
            }
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw SyncError(.badValue, "the rows are not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription)); give one object or an array of objects")
        } catch let DecodingError.dataCorrupted(context) {
            throw SyncError(.badValue, "\(place(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw SyncError(.badValue, "the rows must be a JSON object or an array of objects, column → value")
        }
        guard !objects.isEmpty else { throw SyncError(.badValue, "no rows to write: the JSON array is empty") }
        return objects.map { $0.mapValues(\.sideValue) }
    }

    private static func place(_ path: [any CodingKey]) -> String {
        // A single object is row 1.
        var parts: [String] = path.first?.intValue == nil ? ["row 1"] : []
        for key in path {
            if let index = key.intValue { parts.append("row \(index + 1)") } else { parts.append("column \(key.stringValue)") }
        }
        return parts.joined(separator: ", ")
    }

    /// One JSON value as a column value.
    private enum JSONValue: Decodable {
        case value(SideValue)

        var sideValue: SideValue {
            switch self { case .value(let value): value }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .value(.null)
            } else if let flag = try? container.decode(Bool.self) {
                self = .value(.integer(flag ? 1 : 0))
            } else if let integer = try? container.decode(Int64.self) {
                self = .value(.integer(integer))
            } else if let real = try? container.decode(Double.self) {
                self = .value(.real(real))
            } else if let text = try? container.decode(String.self) {
                self = .value(.text(text))
            } else if let object = try? container.decode([String: String].self), object.count == 1, let encoded = object["base64"] {
                guard let data = Data(base64Encoded: encoded) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "the base64 of a blob does not decode")
                }
                self = .value(.blob(data))
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a value must be a string, a number, true, false, null or {\"base64\": \"...\"} (a blob)")
            }
        }
    }

    /// Checks the rows against the table's columns and declared types and its key.
    func validate(columns: [(name: String, type: String)], key: [String]) throws(SyncError) {
        let names = Set(columns.map(\.name))
        let where_ = "\(side) table \(table)"
        // Each declared type is read once, not once per value: a 100-row write
        // spent more in this check than in writing its rows.
        let declared = columns.map { (name: $0.name, type: $0.type, traits: DeclaredType($0.type)) }
        for (index, row) in rows.enumerated() {
            for column in row.keys.sorted() where !names.contains(column) {
                throw SyncError(.badValue, "row \(index + 1): \(where_) has no column '\(column)' (columns: \(columns.map(\.name).joined(separator: ", ")))")
            }
            for column in key where row[column] == nil || row[column]!.isNull {
                throw SyncError(.badValue, "row \(index + 1): key column \(column) is missing (the key of \(table) is \(key.joined(separator: ", ")))")
            }
            for column in declared {
                guard let value = row[column.name] else { continue }
                try Self.check(value, declared: column.type, column.traits, place: "row \(index + 1), column \(column.name)")
            }
        }
    }

    /// What the checks need to know of a declared column type (SQLite's affinity words).
    private struct DeclaredType {
        let integer, real, numeric, text, blob, empty: Bool

        init(_ declared: String) {
            let type = declared.uppercased()
            integer = type.contains("INT")
            real = type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB")
            numeric = type.hasPrefix("NUMERIC") || type.hasPrefix("DECIMAL")
            text = type.contains("CHAR") || type.contains("TEXT") || type.contains("CLOB")
            blob = type.contains("BLOB")
            empty = type.isEmpty
        }
    }

    /// `place` is only built for an error.
    private static func check(
        _ value: SideValue, declared: String, _ type: DeclaredType, place: @autoclosure () -> String
    ) throws(SyncError) {
        switch value {
        case .null:
            return
        case .text(let text):
            if text.utf8.count > maximumValueBytes {
                throw SyncError(.badValue, "\(place()): \(text.utf8.count) bytes is over the \(maximumValueBytes >> 20) MB Tandem writes")
            }
            if type.integer {
                throw SyncError(.badValue, "\(place()) is \(declared): \"\(text.prefix(40))\" is text, give an integer")
            }
            if type.real {
                throw SyncError(.badValue, "\(place()) is \(declared): \"\(text.prefix(40))\" is text, give a number")
            }
            if type.numeric, Decimal(string: text) == nil {
                throw SyncError(.badValue, "\(place()) is \(declared): \"\(text.prefix(40))\" is not a number")
            }
        case .integer, .real:
            if type.text {
                throw SyncError(.badValue, "\(place()) is \(declared): give the value as a JSON string (decimals as strings keep every digit)")
            }
            if type.blob {
                throw SyncError(.badValue, "\(place()) is \(declared): give a blob as {\"base64\": \"...\"}")
            }
            if case .real = value, type.integer {
                throw SyncError(.badValue, "\(place()) is \(declared): give an integer")
            }
        case .blob(let data):
            if data.count > maximumValueBytes {
                throw SyncError(.badValue, "\(place()): \(data.count) bytes is over the \(maximumValueBytes >> 20) MB Tandem writes")
            }
            if !(type.blob || type.empty) {
                throw SyncError(.badValue, "\(place()) is \(declared): a blob does not fit")
            }
        }
    }
}
