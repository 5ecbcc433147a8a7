import Foundation
package import TandemDocuments

/// A field to add to a map that may be running (`tandem maps add-field`):
/// a plain copy between one ERP column and one CRM column. The engine
/// that writes the sides carries it out between two batches (or the
/// command itself, holding the environment lock, when none runs):
///
/// 1. each column a side lacks is added to its table (`ALTER TABLE … ADD COLUMN`);
/// 2. the field goes into the map's override file (`ENV/maps/`), made if there is none;
/// 3. the map is compiled again from its files and capture reinstalled,
///    so the triggers record the new column from then on;
/// 4. the rows that already hold a value in the column on the side the
///    values come from are queued as updates of that column alone, behind
///    every change already waiting, so the other side gets them in order,
///    through the same checks, conflicts and error list as any change.
///
/// Changes captured before the column existed hold no value for it and
/// leave it alone on the other side.
package struct FieldAddition: Codable, Sendable, Hashable {
    /// The ERP table's column.
    package var erp: String
    /// The CRM table's column.
    package var crm: String
    /// Which way the field syncs.
    package var direction: FieldDirection
    /// The declared type of a column this adds (nil: the other side's
    /// column's type when it has one, else `TEXT`).
    package var type: String?
    /// The side whose existing values are sent to the other (nil: the side
    /// that had the column before, or the map's master when both had it).
    package var from: SideRole?

    /// Creates an addition.
    package init(erp: String, crm: String, direction: FieldDirection = .both, type: String? = nil, from: SideRole? = nil) {
        self.erp = erp
        self.crm = crm
        self.direction = direction
        self.type = type
        self.from = from
    }

    /// The column on `side`.
    package func column(_ side: SideRole) -> String { side == .erp ? erp : crm }

    /// Whether the field carries values from `side` to the other.
    package func flows(from side: SideRole) -> Bool {
        direction == .both || (direction == .erpToCrm) == (side == .erp)
    }

    /// The field as a map file writes it.
    package var field: FieldMap {
        FieldMap(erp: .one(erp), crm: .one(crm), direction: direction)
    }
}

extension FieldAddition {
    /// `type` when it is a declared column type (`TEXT`, `NUMERIC(32, 10)`,
    /// `DOUBLE PRECISION`): the one piece of text a user gives that enters
    /// a statement as written (DDL takes no bound values), so nothing else passes.
    package static func checkedType(_ type: String) throws(SyncError) -> String {
        let trimmed = type.trimmingCharacters(in: .whitespaces)
        let name = trimmed.prefix { $0 != "(" }
        let rest = trimmed.dropFirst(name.count)
        let nameOK = name.first?.isASCII == true && name.first?.isLetter == true
            && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == " " }
        let sizeOK = rest.isEmpty
            || (rest.hasPrefix("(") && rest.hasSuffix(")") && rest.count > 2
                && rest.dropFirst().dropLast().allSatisfy { $0.isASCII && ($0.isNumber || $0 == "," || $0 == " ") })
        guard nameOK, sizeOK else {
            throw SyncError(
                .configuration,
                "--type '\(type)' is not a column type; give one such as TEXT, INTEGER, NUMERIC(32, 10) or BLOB")
        }
        return trimmed
    }
}
