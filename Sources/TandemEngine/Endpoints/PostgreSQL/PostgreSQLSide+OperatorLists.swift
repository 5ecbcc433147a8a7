import Foundation

/// What `tandem errors` and `tandem conflicts` read of a PostgreSQL side:
/// its parked changes and its conflicts, as stored (the same tables and
/// columns as on SQLite sides).
extension PostgreSQLSide {
    func conflicts(id: Int64?, map: String?, since: Double?, openOnly: Bool) throws -> [StoredConflict] {
        try queryInstalled(
            """
            SELECT id, map, key, policy, winner, source, source_seq, source_row, target_seq, target_row, status,
                outcome, source_changed, target_changed, source_table, target_table, parked_id, resolved_by,
                at::text, resolved_at::text
            FROM \(name("_tandem_conflicts"))
            WHERE ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR map = $2)
                AND ($3::double precision IS NULL OR at >= $3) AND (NOT $4::boolean OR status = 'open')
            ORDER BY at, id
            """, [id.map(String.init), map, since.map { String($0) }, openOnly ? "true" : "false"]
        ).map { row in
            StoredConflict(
                id: row[0].flatMap(Int64.init) ?? 0,
                record: ConflictRecord(
                    map: row[1] ?? "", key: row[2] ?? "", policy: row[3] ?? "", winner: row[4] ?? "", source: row[5] ?? "",
                    sourceSeq: row[6].flatMap(Int64.init) ?? 0, sourceRow: row[7], targetSeq: row[8].flatMap(Int64.init) ?? 0,
                    targetRow: row[9], status: row[10] ?? "", outcome: row[11] ?? "", sourceChanged: row[12],
                    targetChanged: row[13], sourceTable: row[14] ?? "", targetTable: row[15] ?? ""),
                parkedID: row[16].flatMap(Int64.init), resolvedBy: row[17], at: row[18].flatMap(Double.init) ?? 0,
                resolvedAt: row[19].flatMap(Double.init))
        }
    }

    func parkedRecords(id: Int64?, filter: ErrorList.Filter) throws -> [ParkedRecord] {
        let parked = name("_tandem_parked")
        let conditions =
            id != nil
            ? "p.id = $1"
            : """
            ($2::boolean OR p.kind <> 'behind') AND ($3::text IS NULL OR p.map = $3)
            AND ($4::double precision IS NULL OR p.parked_at >= $4)
            AND ($5::text IS NULL OR (p.error_class = $5 AND p.kind <> 'behind'))
            """
        let parameters: [String?] =
            id != nil
            ? [String(id!)]
            : [
                nil, filter.includeBehind ? "true" : "false", filter.map, filter.since.map { String($0) },
                filter.errorClass?.rawValue,
            ]
        // $1 unused in the filtered form: PostgreSQL numbers parameters by position.
        let sql = """
            SELECT p.id, p.map, p.source, p.kind, p.error_class, p.reason, p.attempts, p.parked_at::text, p.seq, p.tbl,
                p.op, p.key, p.row,
                (SELECT count(*) FROM \(parked) b
                 WHERE b.map = p.map AND b.source = p.source AND b.key = p.key AND b.id <> p.id
                   AND (b.seq > p.seq OR (b.seq = p.seq AND b.id > p.id)))
            FROM \(parked) p WHERE \(id != nil ? conditions : "($1::text IS NULL) AND " + conditions)
            ORDER BY p.parked_at, p.id
            """
        return try queryInstalled(sql, parameters).map { row in
            ParkedRecord(
                id: row[0].flatMap(Int64.init) ?? 0, map: row[1] ?? "", source: row[2] ?? "", kind: row[3] ?? "",
                errorClass: row[4].flatMap(ErrorClass.init(rawValue:)) ?? .application, reason: row[5] ?? "",
                attempts: row[6].flatMap(Int.init) ?? 1, parkedAt: row[7].flatMap(Double.init) ?? 0,
                seq: row[8].flatMap(Int64.init) ?? 0, table: row[9] ?? "", operation: row[10] ?? "", key: row[11] ?? "",
                row: row[12], waiting: row[13].flatMap(Int.init) ?? 0)
        }
    }

    func parkedBehind(_ record: ParkedRecord) throws -> [Int64] {
        try queryInstalled(
            """
            SELECT id FROM \(name("_tandem_parked")) WHERE map = $1 AND source = $2 AND key = $3 AND id <> $4
            AND (seq > $5 OR (seq = $5 AND id > $4)) ORDER BY seq, id
            """, [record.map, record.source, record.key, String(record.id), String(record.seq)]
        ).compactMap { $0[0].flatMap(Int64.init) }
    }
}
