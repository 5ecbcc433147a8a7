import Foundation
import TandemTestSupport
import Testing

/// One record of a map as each side holds it, and the round trip it must
/// survive: written by an application on one side, it arrives on the other
/// as exactly the other side's record (every column compared, each one the
/// map does not write NULL); then it is edited and deleted there too. For
/// maps that sync both ways the same happens starting on the CRM side.
///
/// Values are SQL literals as SQLite's `quote()` prints them (`'usmf'`, `42`),
/// so that the comparison sees storage classes and every digit.
struct RoundTrip: CustomStringConvertible, Sendable {
    /// One side's table, its key columns and the record.
    struct Record: Sendable {
        var table: String
        var key: [String]
        var row: [String: String]
    }

    var map: String
    var erp: Record
    var crm: Record
    /// An edit of non-key columns, as each side holds it.
    var update: (erp: [String: String], crm: [String: String])
    /// Key values of a second record, created on the CRM side; nil for maps that only sync ERP to CRM.
    var second: (erp: [String: String], crm: [String: String])?
    /// ERP columns that only flow ERP to CRM: NULL on the ERP side when the record comes from the CRM.
    var erpOnly: Set<String> = []

    var description: String { map }

    /// Runs the round trip in a scenario suite's shared environment, then
    /// checks that every map is back in step with nothing parked.
    func runInStep(_ fixture: SyncFixture) async throws {
        try await run(fixture)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    /// Runs the round trip against a running engine.
    func run(_ fixture: SyncFixture) async throws {
        try SideReader.execute(fixture.erp, Self.insert(erp.table, erp.row))
        try await Self.expect(fixture.crm, crm, crm.row, "\(map): inserted on the ERP side")
        try SideReader.execute(fixture.erp, Self.update(erp, erp.row, update.erp))
        try await Self.expect(fixture.crm, crm, crm.row.merging(update.crm) { $1 }, "\(map): edited on the ERP side")
        try SideReader.execute(fixture.erp, Self.delete(erp, erp.row))
        try await Self.expect(fixture.crm, crm, crm.row, nil, "\(map): deleted on the ERP side")
        guard let second else { return }

        let crmRow = crm.row.merging(second.crm) { $1 }
        let erpRow = erp.row.merging(second.erp) { $1 }.filter { !erpOnly.contains($0.key) }
        try SideReader.execute(fixture.crm, Self.insert(crm.table, crmRow))
        try await Self.expect(fixture.erp, erp, erpRow, "\(map): inserted on the CRM side")
        try SideReader.execute(fixture.crm, Self.update(crm, crmRow, update.crm))
        try await Self.expect(fixture.erp, erp, erpRow.merging(update.erp) { $1 }, "\(map): edited on the CRM side")
        try SideReader.execute(fixture.crm, Self.delete(crm, crmRow))
        try await Self.expect(fixture.erp, erp, erpRow, nil, "\(map): deleted on the CRM side")
    }

    static func insert(_ table: String, _ row: [String: String]) -> String {
        let columns = row.keys.sorted()
        return
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { row[$0]! }.joined(separator: ", ")))"
    }

    static func update(_ record: Record, _ row: [String: String], _ values: [String: String]) -> String {
        "UPDATE \(record.table) SET \(values.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")) WHERE \(condition(record, row))"
    }

    static func delete(_ record: Record, _ row: [String: String]) -> String {
        "DELETE FROM \(record.table) WHERE \(condition(record, row))"
    }

    static func condition(_ record: Record, _ row: [String: String]) -> String {
        record.key.map { "\($0) = \(row[$0]!)" }.joined(separator: " AND ")
    }

    static func expect(_ path: String, _ record: Record, _ expected: [String: String], _ what: String) async throws {
        try await expect(path, record, expected, expected, what)
    }

    /// Waits until the row with `keyRow`'s key holds exactly `expected` (every
    /// other column NULL), or is gone when `expected` is nil; records the
    /// differing columns after 90 s (an engine with every standard map, among
    /// a dozen at once on 2 cores, took more than 30 s in a CI run).
    static func expect(
        _ path: String, _ record: Record, _ keyRow: [String: String], _ expected: [String: String]?, _ what: String
    ) async throws {
        var found: [[String: String]] = []
        let arrived = try await Fixtures.poll(timeout: .seconds(90), every: .milliseconds(50)) {
            found = try SideReader.records(path, record.table, where: condition(record, keyRow))
            guard let expected else { return found.isEmpty }
            return found.count == 1
                && found[0] == found[0].mapValues({ _ in "NULL" }).merging(expected, uniquingKeysWith: { $1 })
        }
        if arrived { return }
        guard let expected, let actual = found.first else {
            Issue.record(
                "\(what): \(record.table) holds \(found.count) row(s) with key \(condition(record, keyRow)), expected \(expected == nil ? 0 : 1)"
            )
            return
        }
        let full = actual.mapValues { _ in "NULL" }.merging(expected) { $1 }
        let differing = full.keys.sorted().filter { full[$0] != actual[$0] }.map {
            "\($0): \(actual[$0] ?? "no such column") instead of \(full[$0]!)"
        }
        Issue.record("\(what): \(record.table) differs in \(differing.joined(separator: "; "))")
    }
}
