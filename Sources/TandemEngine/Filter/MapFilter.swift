package import TandemDocuments

/// A map's filter for one direction, as the environment resolves it: in the
/// filter language (`filters:` in tandem.yaml, the key the console edits) or
/// raw SQL (`filters_sql:` in tandem.yaml, admin-only, and the `filters` of
/// a plugin's or map file's map document, written by whoever ships it).
package struct MapFilter: Hashable, Sendable {
    /// Which language ``text`` is in.
    package enum Language: Hashable, Sendable {
        /// The parsed filter language (``FilterParser``), compiled with bound parameters.
        case filter
        /// SQLite's expression language, run as written: admin-only.
        case sql
    }

    /// The filter as written.
    package var text: String
    /// Which language ``text`` is in.
    package var language: Language
    /// Where it is set, to name it to a user: `filters.erp_to_crm in
    /// tandem.yaml`, `filters_sql.erp_to_crm in tandem.yaml`, or
    /// `filters.erp_to_crm of plugin …` for the map's own.
    package var origin: String
    /// Where the text starts in tandem.yaml, for errors at its character;
    /// nil for a map's own filter.
    package var mark: FilterMark?

    /// Creates a filter.
    package init(text: String, language: Language, origin: String, mark: FilterMark? = nil) {
        self.text = text
        self.language = language
        self.origin = origin
        self.mark = mark
    }

    /// A raw SQL filter, as plugins' map documents and `filters_sql:` give.
    package static func sql(_ text: String, origin: String = "filters_sql") -> MapFilter {
        MapFilter(text: text, language: .sql, origin: origin)
    }

    /// The filter `settings` (tandem.yaml) or else `map` (its document,
    /// described by `mapSource`, e.g. `plugin tandem.std.customers`) sets
    /// for rows flowing ERP to CRM when `toCRM`, CRM to ERP otherwise.
    package static func of(
        map: TableMap, settings: MapSettings, toCRM: Bool, mapSource: String = "its map"
    ) -> MapFilter? {
        let direction = toCRM ? "erp_to_crm" : "crm_to_erp"
        /// The direction's member of `filters`.
        func pick(_ filters: Filters?) -> String? { filters.flatMap { toCRM ? $0.erpToCrm : $0.crmToErp } }
        if let text = pick(settings.filters) {
            return MapFilter(
                text: text, language: .filter, origin: "filters.\(direction) in tandem.yaml",
                mark: settings.filterMarks["filters.\(direction)"])
        }
        if let text = pick(settings.filtersSQL) {
            return MapFilter(text: text, language: .sql, origin: "filters_sql.\(direction) in tandem.yaml")
        }
        if let text = pick(map.filters) {
            return MapFilter(text: text, language: .sql, origin: "filters.\(direction) of \(mapSource)")
        }
        return nil
    }

    /// The parsed tree resolved against `columns` (the source table's);
    /// nil for raw SQL. Errors name the place (tandem.yaml's line and
    /// column when known) and show the filter with a caret under the fault.
    package func expression(columns: [String], context: String) throws(SyncError) -> FilterExpression? {
        guard language == .filter else { return nil }
        let tree: FilterExpression
        do {
            tree = try FilterParser.parse(text)
        } catch {
            throw SyncError(.configuration, describe(error, context: context) + rawSQLHint)
        }
        do {
            return try tree.resolved(columns: columns)
        } catch {
            throw SyncError(.configuration, describe(error, context: context))
        }
    }

    /// What to change when a filter that does not parse is raw SQL under
    /// `filters:` (the key took SQL before the language): the exact lines.
    private var rawSQLHint: String {
        let direction = origin.contains("crm_to_erp") ? "crm_to_erp" : "erp_to_crm"
        let quoted =
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return "\n  filters: takes the filter language (docs/MAPS.md), e.g. NAME eq 'x';"
            + "\n  if this is raw SQL, move it under filters_sql: (admin-only):"
            + "\n    filters_sql:\n      \(direction): \(quoted)"
    }

    /// `error` as a message: `FILE:LINE:COLUMN: setting: message` when the
    /// place in tandem.yaml is known, then the filter with a caret.
    package func describe(_ error: FilterError, context: String) -> String {
        let head: String
        if let mark {
            head = "\(mark.place(offset: error.offset)): \(mark.path): \(error.message) (\(context))"
        } else {
            head = "\(context): \(origin), column \(error.offset + 1): \(error.message)"
        }
        return "\(head)\n\(error.caret(in: text))"
    }
}
