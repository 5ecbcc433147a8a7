import GRDB
import GRDBSQLite
import TandemArrow
import TandemDocuments
import _TandemSQLiteShims

/// SQL forms of bundled transforms, for initial sync's bulk path: the
/// standard maps carry value maps (yes/no, option sets) and money through
/// currency precision on nearly every table, and without these they would
/// all go row by row. Each form computes exactly what the plugin computes
/// (same parsing, same output storage) for the rows it can, and names the
/// rows it cannot — a value missing from the map, text that is not a
/// decimal, a value of an unexpected storage class — so that those take the
/// row path, where the plugin runs and the row fails alone with the
/// plugin's own message. Transforms without a form (other plugins', concat,
/// unit conversion) keep their map on the row path.
enum BundledTransformSQL {
    /// A transform as SQL over the source row.
    struct Form {
        /// One expression per output column.
        let expressions: [String]
        /// Source rows the expressions cannot map (nil: every row maps).
        let rowPath: String?
        /// The expressions in a form that fails the statement (``refuseFunction``) on a row
        /// they cannot map, so that no ``rowPath`` check is needed (nil: none).
        var strictExpressions: [String]? = nil
    }

    /// The SQL form of transform `name` with `config` over `inputs`, or nil when it has none.
    static func form(name: String, config: JSONValue, inputs: [(expression: String, type: ArrowType)]) -> Form? {
        switch name {
        case "tandem.std.value-map": valueMap(config, inputs)
        case "tandem.std.currency-precision": currencyPrecision(config, inputs)
        default: nil
        }
    }

    /// `CASE` over the text form of the value; a value not in the map takes the row path (or is NULL with `unmapped: null`).
    private static func valueMap(_ config: JSONValue, _ inputs: [(expression: String, type: ArrowType)]) -> Form? {
        guard inputs.count == 1, let entries = config["map"]?.objectValue, !entries.isEmpty else { return nil }
        let input = inputs[0]
        // The plugin reads the value as text (utf8 input) or as an integer (int64 input); booleans compare
        // case-insensitively there, so they stay on the row path.
        let storage: String
        switch input.type {
        case .utf8: storage = "typeof(\(input.expression)) IN ('text', 'integer')"
        case .int64: storage = "typeof(\(input.expression)) = 'integer'"
        default: return nil
        }
        var pairs: [(key: String, value: String)] = []
        for (key, value) in entries {
            guard let target = value.stringValue ?? value.integerValue.map(String.init) ?? value.boolValue.map({ $0 ? "True" : "False" }) else {
                return nil
            }
            pairs.append((key, target))
        }
        let reverse = config["reverse"]?.boolValue ?? false
        if reverse {
            guard Set(pairs.map(\.value)).count == pairs.count else { return nil }
            pairs = pairs.map { ($0.value, $0.key) }
        }
        let format = (reverse ? config["reverse_output"] : config["output"])?.stringValue ?? "u"
        var cases: [String] = []
        for (key, target) in pairs.sorted(by: { $0.key < $1.key }) {
            let literal: String
            switch format {
            case "u": literal = SQLLiteral.quote(.text(target))
            case "l":
                guard let integer = Int64(target) else { return nil }
                literal = String(integer)
            case "b":
                switch target.lowercased() {
                case "true", "yes", "1": literal = "1"
                case "false", "no", "0": literal = "0"
                default: return nil
                }
            default: return nil
            }
            cases.append("WHEN \(SQLLiteral.quote(.text(key))) THEN \(literal)")
        }
        let text = "CAST(\(input.expression) AS TEXT)"
        let keys = pairs.map { SQLLiteral.quote(.text($0.key)) }.joined(separator: ", ")
        let unmappedIsNull = config["unmapped"]?.stringValue == "null"
        let unusable = unmappedIsNull ? "NOT (\(storage))" : "NOT (\(storage)) OR \(text) NOT IN (\(keys))"
        // Strict: a value of another storage class, or (unless unmapped values become NULL) a value
        // missing from the map, fails the statement; NULL stays NULL.
        let refuse = "\(refuseFunction)(\(input.expression))"
        let strictKey = "CASE WHEN \(storage) THEN \(text) ELSE \(refuse) END"
        return Form(
            expressions: ["CASE \(text) \(cases.joined(separator: " ")) ELSE NULL END"],
            rowPath: "(\(input.expression) IS NOT NULL AND (\(unusable)))",
            strictExpressions: ["CASE \(strictKey) \(cases.joined(separator: " ")) ELSE \(unmappedIsNull ? "NULL" : refuse) END"])
    }

    /// ``rescaleFunction`` on decimal text; anything else, or digits that would be lost, takes the row path.
    private static func currencyPrecision(_ config: JSONValue, _ inputs: [(expression: String, type: ArrowType)]) -> Form? {
        guard inputs.count == 1, inputs[0].type == .utf8, let scale = config["scale"]?.integerValue, (0...12).contains(scale) else { return nil }
        let input = inputs[0].expression
        let rescaled = "\(rescaleFunction)(\(input), \(scale))"
        // Strict: the rescale gives NULL for NULL and for what it refuses (not text, digits lost);
        // COALESCE evaluates the refusal only then, and it fails the statement unless the input was NULL.
        return Form(
            expressions: [rescaled], rowPath: "(\(input) IS NOT NULL AND (typeof(\(input)) <> 'text' OR \(rescaled) IS NULL))",
            strictExpressions: ["COALESCE(\(rescaled), \(refuseFunction)(\(input)))"])
    }

    /// The name of the SQL function the currency-precision form calls (C: `_TandemSQLiteShims/rescale.c`).
    static let rescaleFunction = "tandem_rescale"

    /// The name of the SQL function that gives NULL for NULL and otherwise fails the statement
    /// with SQLITE_CONSTRAINT (C: `_TandemSQLiteShims/rescale.c`): the strict forms'
    /// way to refuse a row; see ``InitialSyncSQL/insert(_:_:strict:failIf:_:)``.
    static let refuseFunction = "tandem_refuse"

    /// The lookup cache's functions (C: `_TandemSQLiteShims/checks.c`): `tandem_known(slot,
    /// values...)` tells whether a probe in this statement found the values' parent,
    /// `tandem_learn(slot, values...)` remembers that it did, `tandem_forget()` empties the cache.
    static let knownFunction = "tandem_known"
    /// See ``knownFunction``.
    static let learnFunction = "tandem_learn"
    /// See ``knownFunction``.
    static let forgetFunction = "tandem_forget"
    /// `tandem_valid_text(values...)`: 1 when every text argument is valid
    /// UTF-8 (C, `_TandemSQLiteShims/utf8.c`); rows where it is 0 take initial
    /// sync's row path, which parks them as live sync does.
    static let validTextFunction = "tandem_valid_text"
    /// Lookups per map the cache has room for (later ones are probed every row).
    static let lookupSlots = 64

    /// What ``refuseFunction``'s error message starts with.
    static let refusal = "tandem_refuse:"

    /// Registers ``rescaleFunction``, ``refuseFunction`` and the lookup cache on `db`'s connection.
    static func registerFunctions(_ db: Database) throws {
        let code = _tandem_sqlite_register_functions(UnsafeMutableRawPointer(db.sqliteConnection))
        guard code == SQLITE_OK else {
            throw SyncError(.database, "could not register initial sync's SQL functions (tandem_rescale, tandem_refuse, tandem_known) on \(db.description): SQLite result \(code)")
        }
    }
}
