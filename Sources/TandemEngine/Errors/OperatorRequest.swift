/// An operator's request about parked changes (`tandem errors retry` and
/// `discard`, `tandem conflicts resolve`), queued in the state database for the one engine that may write
/// the sides, which handles it between batches.
package struct OperatorRequest: Codable, Sendable, Hashable {
    /// What to do.
    package enum Action: String, Codable, Sendable {
        /// Apply the parked change again (with the later changes of its key).
        case retry
        /// Drop the parked change (logged with its content); the later changes of its key go on.
        case discard
        /// Decide an open conflict (`take`: `erp`, `crm` or `merged`).
        case resolve
        /// A synchronous write through Tandem (`write`).
        case write
        /// A field added to a map (`maps add-field`), with its columns and existing values.
        case addField
    }

    /// The rows of a `write` request.
    package struct WriteSpec: Codable, Sendable, Hashable {
        /// The side written first.
        package var side: SideRole
        /// The table there.
        package var table: String
        /// Upsert or delete.
        package var operation: WriteRequest.Operation
        /// The rows as JSON (see ``WriteRequest/parseRows(_:)``).
        package var rows: String

        /// Creates a spec.
        package init(side: SideRole, table: String, operation: WriteRequest.Operation, rows: String) {
            self.side = side
            self.table = table
            self.operation = operation
            self.rows = rows
        }
    }

    /// What happened to one entry.
    package struct Result: Codable, Sendable, Hashable {
        /// The entry (`crm-12`).
        package var id: String
        /// `applied`, `superseded`, `failed`, `discarded` or `refused`.
        package var outcome: String
        /// Why it failed or was refused, or what superseded it.
        package var detail: String?

        /// Creates a result.
        package init(id: String, outcome: String, detail: String? = nil) {
            self.id = id
            self.outcome = outcome
            self.detail = detail
        }
    }

    /// What to do.
    package var action: Action
    /// The entries (`crm-12`); empty with `all`.
    package var ids: [String]
    /// Every error entry (with `map`: of that map).
    package var all: Bool
    /// Restricts `all` to one map.
    package var map: String?
    /// For `resolve`: `erp`, `crm` or `merged`.
    package var take: String?
    /// For `write`: the rows.
    package var write: WriteSpec?
    /// For `addField`: the field.
    package var field: FieldAddition?
    /// The process that asked and waits for the result (`tandem write`).
    /// A write whose asker is gone is not carried out later: the asker was
    /// told nothing, and may have written the row since.
    package var submitter: Int32?

    /// Creates a request.
    package init(
        action: Action, ids: [String], all: Bool = false, map: String? = nil, take: String? = nil, write: WriteSpec? = nil,
        field: FieldAddition? = nil, submitter: Int32? = nil
    ) {
        self.write = write
        self.field = field
        self.submitter = submitter
        self.take = take
        self.action = action
        self.ids = ids
        self.all = all
        self.map = map
    }
}
