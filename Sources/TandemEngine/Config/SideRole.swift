/// The two sides of an environment: the ERP ("finance and operations") and
/// the CRM ("customer engagement").
package enum SideRole: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The ERP side.
    case erp
    /// The CRM side.
    case crm

    /// The other side.
    package var other: SideRole { self == .erp ? .crm : .erp }

    /// `erp` or `crm`.
    package var description: String { rawValue }
}

/// One direction of sync: from a source side to the other.
package enum SyncDirection: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// ERP to CRM.
    case erpToCrm = "erp-to-crm"
    /// CRM to ERP.
    case crmToErp = "crm-to-erp"

    /// The direction whose changes come from `source`.
    package init(from source: SideRole) {
        self = source == .erp ? .erpToCrm : .crmToErp
    }

    /// Where changes are read.
    package var source: SideRole { self == .erpToCrm ? .erp : .crm }
    /// Where changes are applied.
    package var target: SideRole { source.other }

    /// `erp-to-crm` or `crm-to-erp`.
    package var description: String { rawValue }
}
