import TandemDocuments

/// How one conflict is decided: the same key changed on both sides since
/// they were last in step, the source side's change arriving while the
/// target's applications' edits have not travelled back yet.
struct ConflictDecision {
    /// What happens to the incoming change.
    enum Resolution: Equatable {
        /// It is applied; the target's pending edits are superseded.
        case source
        /// It is dropped; the target's edits travel back.
        case target
        /// These target columns take the incoming values; the rest keep the
        /// target's, and the merged row travels back.
        case merge(Set<String>)
        /// It waits, parked, for an operator.
        case manual
    }

    let resolution: Resolution
    /// `erp`, `crm`, `merged` or `none` (manual), for the conflict record.
    let winner: String
    /// What was decided and why, for operators.
    let outcome: String
    /// The target columns the incoming update changed; nil for an insert or delete.
    let sourceColumns: Set<String>?

    /// Decides by `policy`. Clock rule for `newest-wins`: the changes'
    /// statement times on their own sides (`at`, ms); a tie goes to the ERP side.
    init(
        policy: ConflictPolicy, direction: SyncDirection, change: Change, sourceColumns: Set<String>?, local: LocalEdits,
        fieldPolicies: [String: ConflictPolicy] = [:]
    ) {
        self.sourceColumns = sourceColumns
        let source = direction.source
        let target = direction.target
        func bySide(_ winner: SideRole, _ why: String) -> (Resolution, String, String) {
            (winner == source ? .source : .target, winner.rawValue, "\(winner.rawValue) wins: \(why)")
        }
        let decided: (Resolution, String, String)
        switch policy {
        case .erpWins:
            decided = bySide(.erp, "side priority (erp-wins)")
        case .crmWins:
            decided = bySide(.crm, "side priority (crm-wins)")
        case .newestWins:
            let sourceNewer = change.at > local.at || (change.at == local.at && source == .erp)
            decided = bySide(
                sourceNewer ? source : target,
                "newest-wins: \(source) changed it at \(change.at), \(target) at \(local.at) (ms, each side's clock; a tie goes to erp)")
        case .merge:
            if let sourceColumns, !local.wholeRow {
                let overlap = sourceColumns.intersection(local.columns)
                // Columns both sides changed: the field's policy decides, the ERP side by default.
                func sourceWins(_ column: String) -> Bool {
                    switch fieldPolicies[column] ?? .erpWins {
                    case .crmWins: source == .crm
                    case .newestWins: change.at > local.at || (change.at == local.at && source == .erp)
                    default: source == .erp
                    }
                }
                let kept = overlap.filter { !sourceWins($0) }
                let written = sourceColumns.subtracting(kept)
                var text = "merged: \(source) changed \(Self.list(sourceColumns)); \(target) changed \(Self.list(local.columns))"
                if !overlap.isEmpty {
                    text += "; both changed " + overlap.sorted().map { "\($0) (\(kept.contains($0) ? target : source)'s value kept)" }.joined(separator: ", ")
                }
                decided = (written.isEmpty ? .target : .merge(written), "merged", text)
            } else {
                decided = bySide(.erp, "merge needs two updates (an insert or delete on one side), so side priority decides")
            }
        case .manual:
            decided = (.manual, "none", "waits for an operator (manual)")
        }
        (resolution, winner, outcome) = decided
    }

    private static func list(_ columns: Set<String>) -> String {
        columns.isEmpty ? "nothing" : columns.sorted().joined(separator: ", ")
    }
}
