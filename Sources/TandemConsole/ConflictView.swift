import TandemDocuments
import TandemEngine

/// One recorded conflict as the console shows it: the entry exactly as
/// `tandem conflicts list --json` gives it, and both versions of the row
/// side by side, one line per field of the map, each line saying which
/// side changed it. The two rows are kept in each side's own column names
/// and the changed columns in the storing side's; the map's fields are what
/// pairs them up, so that a page can put ERP's `NAME` next to CRM's `name`.
struct ConflictView: Encodable, Sendable {
    /// One field of the map with each side's value in the conflict.
    struct Field: Encodable, Sendable, Equatable {
        /// The ERP column(s), joined by `+`; nil when the field has none on that side.
        var erp: String?
        /// The CRM column(s), joined by `+`; nil when the field has none on that side.
        var crm: String?
        /// The ERP row's value(s), as `quote()` literals joined by `, `; nil when that row is gone or unknown.
        var erpValue: String?
        /// The CRM row's value(s), likewise.
        var crmValue: String?
        /// The sides whose edits changed this field since they were last in step (`erp`, `crm`,
        /// both, or none): the differences to look at before deciding.
        var changedBy: [String]
    }

    /// The entry, as the CLI's JSON has it.
    var conflict: ConflictEntry
    /// Both versions, field by field, in the map's order; columns no field names come last.
    var fields: [Field]

    /// The view of `entry`, paired up by `map`'s fields (nil when the map is not loaded: then each
    /// column stands alone, on its side).
    init(_ entry: ConflictEntry, map: TableMap?) {
        conflict = entry
        let storing = entry.source.other
        let rows: [SideRole: [String: String]?] = [entry.source: entry.sourceRow, storing: entry.targetRow]
        // The changed columns are named as the storing side names them; nil: the whole row (an insert or delete).
        let sourceChanged = entry.sourceChanged.map(Set.init)
        let targetChanged = entry.targetChanged.map(Set.init)
        var shown: [SideRole: Set<String>] = [.erp: [], .crm: []]

        /// The values of `columns` in `role`'s row, or nil when there is no row.
        func values(_ columns: [String], _ role: SideRole) -> String? {
            guard let row = rows[role] ?? nil else { return nil }
            shown[role, default: []].formUnion(columns)
            return columns.map { row[$0] ?? "?" }.joined(separator: ", ")
        }
        /// Which sides changed a field whose columns on the storing side are `columns`.
        func changed(_ columns: [String]) -> [String] {
            var sides: Set<SideRole> = []
            if sourceChanged.map({ !$0.isDisjoint(with: columns) }) ?? true { sides.insert(entry.source) }
            if targetChanged.map({ !$0.isDisjoint(with: columns) }) ?? true { sides.insert(storing) }
            return SideRole.allCases.filter(sides.contains).map(\.rawValue)
        }

        var fields: [Field] = []
        for field in map?.fields ?? [] {
            let erp = field.erp?.columns ?? []
            let crm = field.crm?.columns ?? []
            fields.append(
                Field(
                    erp: erp.isEmpty ? nil : erp.joined(separator: "+"),
                    crm: crm.isEmpty ? nil : crm.joined(separator: "+"),
                    erpValue: erp.isEmpty ? nil : values(erp, .erp), crmValue: crm.isEmpty ? nil : values(crm, .crm),
                    changedBy: changed(storing == .erp ? erp : crm)))
        }
        // Columns of the rows that no field pairs (an unloaded map, a column the map does not carry):
        // shown on their side alone, so that nothing stored is hidden.
        for role in SideRole.allCases {
            guard let row = rows[role] ?? nil else { continue }
            for column in row.keys.sorted() where !shown[role, default: []].contains(column) {
                fields.append(
                    Field(
                        erp: role == .erp ? column : nil, crm: role == .crm ? column : nil,
                        erpValue: role == .erp ? row[column] : nil, crmValue: role == .crm ? row[column] : nil,
                        // A source column has no storing-side name to look up: changed only with the whole row.
                        changedBy: role == storing
                            ? changed([column]) : sourceChanged == nil ? [entry.source.rawValue] : []))
            }
        }
        self.fields = fields
    }
}
