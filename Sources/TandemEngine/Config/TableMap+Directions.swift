package import TandemDocuments

extension TableMap {
    /// The directions this map can sync: those in which every key column of
    /// the target table is written by some field. Released products, units
    /// and legal entities flow only ERP to CRM, as in dual-write, because
    /// their fields are all `->`.
    package var possibleDirections: Set<SyncDirection> {
        Set(SyncDirection.allCases.filter { direction in
            let toCRM = direction == .erpToCrm
            let written = Set(fields.flatMap { field -> [String] in
                let flows = field.direction == .both || (field.direction == .erpToCrm) == toCRM
                return flows ? ((toCRM ? field.crm : field.erp)?.columns ?? []) : []
            })
            return (toCRM ? crm.key : erp.key).allSatisfy(written.contains)
        })
    }

    /// The direction `tandem init` writes for this map: `both`, or the only one it can do.
    package var naturalDirection: MapDirection {
        let possible = possibleDirections
        if possible.count == 1, let only = possible.first { return only == .erpToCrm ? .erpToCrm : .crmToErp }
        return .both
    }
}
