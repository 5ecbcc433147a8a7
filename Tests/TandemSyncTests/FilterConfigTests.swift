import TandemDocuments
import Testing

@testable import TandemEngine

/// tandem.yaml's two filter keys (issue 19 §3): `filters:` in the filter
/// language, `filters_sql:` raw SQL for admins; never both for a direction.
@Suite("tandem.yaml filters and filters_sql")
struct FilterConfigTests {
    /// A tandem.yaml with sample.groups and `map` (an entry of `maps:`, indented as one).
    static func config(_ map: String) -> String {
        """
        version: 1
        name: test
        sides:
          erp: {database: erp.sqlite}
          crm: {database: crm.sqlite}
        maps:
          - sample.groups
        \(map)
        """
    }

    /// sample.notes as a plugin gives it, with raw SQL filters both ways.
    static let notes = TableMap(
        id: "sample.notes", version: "1", erp: TableReference(table: "Notes", key: ["NOTEID"]),
        crm: TableReference(table: "annotation", key: ["annotationid"]), fields: [],
        filters: Filters(erpToCrm: "NOTEID > 0", crmToErp: "annotationid > 0"))

    @Test("filters takes the language and filters_sql raw SQL; tandem.yaml's filter replaces the map's, per direction")
    func bothKeys() throws {
        let loaded = try ConfigLoader.parse(
            Self.config(
                """
                  - name: sample.notes
                    filters:
                      erp_to_crm: NOTEID lt 100
                    filters_sql:
                      crm_to_erp: "annotationid % 2 = 0"
                """), file: "tandem.yaml")
        let settings = loaded.maps[1]
        #expect(settings.filters?.erpToCrm == "NOTEID lt 100")
        #expect(settings.filtersSQL?.crmToErp == "annotationid % 2 = 0")
        let toCRM = try #require(MapFilter.of(map: Self.notes, settings: settings, toCRM: true, mapSource: "plugin p"))
        #expect(toCRM.language == .filter)
        #expect(toCRM.origin == "filters.erp_to_crm in tandem.yaml")
        let toERP = try #require(MapFilter.of(map: Self.notes, settings: settings, toCRM: false, mapSource: "plugin p"))
        #expect(toERP.language == .sql)
        #expect(toERP.origin == "filters_sql.crm_to_erp in tandem.yaml")
        let plain = MapFilter.of(map: Self.notes, settings: MapSettings(name: "sample.notes"), toCRM: true, mapSource: "plugin p")
        #expect(plain == MapFilter(text: "NOTEID > 0", language: .sql, origin: "filters.erp_to_crm of plugin p"))
    }

    @Test("A direction with both filters and filters_sql is refused, naming both keys")
    func notBoth() {
        let text = Self.config(
            """
              - name: sample.notes
                filters:
                  erp_to_crm: NOTEID lt 100
                filters_sql:
                  erp_to_crm: NOTEID < 100
            """)
        #expect {
            try ConfigLoader.parse(text, file: "tandem.yaml")
        } throws: { error in
            "\(error)"
                == "tandem.yaml:8:5: maps[1].filters_sql.erp_to_crm: set either filters.erp_to_crm (the filter language) or filters_sql.erp_to_crm (raw SQL), not both"
        }
    }

    @Test("An unknown column points at its character in tandem.yaml, in plain, single- and double-quoted scalars")
    func positions() throws {
        for (scalar, column) in [
            ("NOTEID lt 100 and TEXTT eq 'a'", 37), ("'NOTEID lt 1 and TEXT eq ''a'' and TEXTT eq 1'", 54),
            ("\"NOTEID lt 1 and TEXTT eq 'a'\"", 36),
        ] {
            let loaded = try ConfigLoader.parse(
                Self.config("  - name: sample.notes\n    filters:\n      erp_to_crm: \(scalar)"), file: "tandem.yaml")
            let filter = try #require(MapFilter.of(map: Self.notes, settings: loaded.maps[1], toCRM: true))
            do {
                _ = try filter.expression(columns: ["NOTEID", "TEXT"], context: "map sample.notes (erp-to-crm)")
                Issue.record("taken: \(scalar)")
            } catch {
                #expect(
                    error.message.hasPrefix(
                        "tandem.yaml:10:\(column): maps[1].filters.erp_to_crm: the table has no column 'TEXTT'; close names: TEXT"),
                    "\(error.message)")
            }
        }
    }
}
