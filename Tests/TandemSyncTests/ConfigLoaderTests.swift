import TandemEngine
import Testing

let validConfig = """
        version: 1
        name: test
        sides:
          erp: {database: erp.sqlite}
          crm:
            name: CE
            database: crm.sqlite
        maps:
          - name: sample.customers
            direction: erp-to-crm
            conflict_policy: newest-wins
            filters:
              erp_to_crm: "DATAAREAID eq 'usmf'"
          - sample.groups
        """

let badConfigCases: [(String, String)] = [
            (validConfig.replacingOccurrences(of: "direction: erp-to-crm", with: "direction: sideways"),
             "tandem.yaml:10:16: maps[0].direction: 'sideways' is not one of both, erp-to-crm, crm-to-erp"),
            (validConfig.replacingOccurrences(of: "conflict_policy: newest-wins", with: "conflict_policy: newest-wins\n    out_of_scope: remove"),
             "tandem.yaml:12:19: maps[0].out_of_scope: 'remove' is not one of report, delete, keep"),
            (validConfig.replacingOccurrences(of: "conflict_policy", with: "conflict_polcy"),
             "tandem.yaml:11:5: maps[0].conflict_polcy: unknown setting 'conflict_polcy' (did you mean 'conflict_policy'?)"),
            (validConfig.replacingOccurrences(of: "version: 1", with: "version: 2"), "tandem.yaml:1:10: version: 2 is out of range; use 1...1"),
            (validConfig.replacingOccurrences(of: "  erp: {database: erp.sqlite}\n", with: ""), "sides: side 'erp' is missing"),
            (validConfig.replacingOccurrences(of: "  - sample.groups", with: "  - sample.customers"),
             "tandem.yaml:14:5: maps[1].name: map 'sample.customers' is enabled twice"),
            (validConfig.replacingOccurrences(of: "name: test", with: "name: [unclosed"), "tandem.yaml:3:6: not valid YAML: while parsing a flow sequence: did not find expected ',' or ']'"),
            ("", "the file is empty"),
            (validConfig.replacingOccurrences(of: "conflict_policy: newest-wins", with: "conflict_policy: newest-wins\n    field_policies: {NAME: crm-wins}"),
             "maps[0].field_policies: decide columns within a merge; set conflict_policy: merge"),
            (validConfig.replacingOccurrences(of: "conflict_policy: newest-wins", with: "conflict_policy: merge\n    field_policies: {NAME: manual}"),
             "maps[0].field_policies.NAME: a column is won by erp-wins, crm-wins or newest-wins, not manual"),
            (validConfig + "\nengine:\n  applied_retention_h: 9000\n",
             "tandem.yaml:16:24: engine.applied_retention_h: 9000 is out of range; use 0...8760"),
            (validConfig + "\nengine:\n  applied_retention_changes: -1\n",
             "tandem.yaml:16:30: engine.applied_retention_changes: -1 is out of range; use 0...1000000000"),
]

@Suite("tandem.yaml")
struct ConfigLoaderTests {
    static let valid = validConfig
    @Test("A valid file loads with its settings")
    func valid() throws {
        let config = try ConfigLoader.parse(Self.valid, file: "tandem.yaml")
        #expect(config.name == "test")
        #expect(config.sides[.crm]?.name == "CE")
        #expect(config.sides[.erp]?.database == "erp.sqlite")
        #expect(config.maps.map(\.name) == ["sample.customers", "sample.groups"])
        #expect(config.maps[0].direction == .erpToCrm)
        #expect(config.maps[0].conflictPolicy == .newestWins)
        #expect(config.maps[0].filters?.erpToCrm == "DATAAREAID eq 'usmf'")
        #expect(config.engine.batchSize == 2000)
    }

    @Test("A map's out_of_scope is report unless set; delete and keep are taken")
    func outOfScope() throws {
        #expect(try ConfigLoader.parse(Self.valid, file: "tandem.yaml").maps.map(\.outOfScope) == [.report, .report])
        for choice in ["delete", "keep"] {
            let text = Self.valid.replacingOccurrences(
                of: "conflict_policy: newest-wins", with: "conflict_policy: newest-wins\n    out_of_scope: \(choice)")
            #expect(try ConfigLoader.parse(text, file: "tandem.yaml").maps[0].outOfScope.rawValue == choice)
        }
    }

    @Test(
        "Errors name file, line, column, the setting and what is wrong",
        arguments: badConfigCases)
    func errors(_ text: String, _ expected: String) {
        #expect {
            try ConfigLoader.parse(text, file: "tandem.yaml")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}

@Suite("Change-log literals")
struct SQLLiteralTests {
    @Test("quote() lists parse back to the same values")
    func parse() throws {
        let values = try SQLLiteral.parseList("NULL,42,-7,3.00000000000000044408e-01,'it''s, ok','',X'00FF',Inf")
        #expect(values.count == 8)
        #expect(values[0].isNull)
        #expect(values[1] == .integer(42))
        #expect(values[3] == .real(0.1 + 0.2))
        #expect(values[4] == .text("it's, ok"))
        #expect(values[5] == .text(""))
        #expect(values[6] == .blob(Data([0, 255])))
        #expect(values[7] == .real(.infinity))
        #expect(SQLLiteral.quoteList(Array(values[0...2]) + [values[4], values[6]]) == "NULL,42,-7,'it''s, ok',X'00FF'")
    }

    @Test("A malformed list is an error that shows it", arguments: ["'open", "X'0", "1,", "abc"])
    func malformed(_ text: String) {
        #expect {
            try SQLLiteral.parseList(text)
        } throws: { error in
            "\(error)".contains("does not parse: \(text)")
        }
    }
}
import Foundation
import GRDB
