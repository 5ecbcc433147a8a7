import Foundation
package import GRDB

/// The SQLite endpoint's bridge between the engine's values and GRDB's:
/// ``SideValue``'s cases are SQLite's storage classes, one for one, so the
/// conversion is exact both ways. Only code under `Endpoints/SQLite/` and
/// the state database should need it.
extension SideValue: DatabaseValueConvertible {
    /// The GRDB value of the same storage class.
    package var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        }
    }

    /// The value of a GRDB value, of the same storage class (never nil).
    package static func fromDatabaseValue(_ value: DatabaseValue) -> SideValue? { SideValue(value) }

    /// The value of a GRDB value, of the same storage class.
    package init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }
}
