/// An operator's request about parked changes (`tandem errors retry` and
/// `discard`, `tandem conflicts resolve`), queued in the state database for the one engine that may write
/// the sides, which handles it between batches.
public struct OperatorRequest: Codable, Sendable, Hashable {
    /// What to do.
    public enum Action: String, Codable, Sendable {
        /// Apply the parked change again (with the later changes of its key).
        case retry
        /// Drop the parked change (logged with its content); the later changes of its key go on.
        case discard
        /// Decide an open conflict (`take`: `erp`, `crm` or `merged`).
        case resolve
        /// A synchronous write through Tandem (`write`).
        case write
    }

    /// The rows of a `write` request.
    public struct WriteSpec: Codable, Sendable, Hashable {
        /// The side written first.
        public var side: SideRole
        /// The table there.
        public var table: String
        /// Upsert or delete.
        public var operation: WriteRequest.Operation
        /// The rows as JSON (see ``WriteRequest/parseRows(_:)``).
        public var rows: String

        /// Creates a spec.
        public init(side: SideRole, table: String, operation: WriteRequest.Operation, rows: String) {
            self.side = side
            self.table = table
            self.operation = operation
            self.rows = rows
        }
    }

    /// What happened to one entry.
    public struct Result: Codable, Sendable, Hashable {
        /// The entry (`crm-12`).
        public var id: String
        /// `applied`, `superseded`, `failed`, `discarded` or `refused`.
        public var outcome: String
        /// Why it failed or was refused, or what superseded it.
        public var detail: String?

        /// Creates a result.
        public init(id: String, outcome: String, detail: String? = nil) {
            self.id = id
            self.outcome = outcome
            self.detail = detail
        }
    }

    /// What to do.
    public var action: Action
    /// The entries (`crm-12`); empty with `all`.
    public var ids: [String]
    /// Every error entry (with `map`: of that map).
    public var all: Bool
    /// Restricts `all` to one map.
    public var map: String?
    /// For `resolve`: `erp`, `crm` or `merged`.
    public var take: String?
    /// For `write`: the rows.
    public var write: WriteSpec?
    /// The process that asked and waits for the result (`tandem write`).
    /// A write whose asker is gone is not carried out later: the asker was
    /// told nothing, and may have written the row since.
    public var submitter: Int32?

    /// Creates a request.
    public init(
        action: Action, ids: [String], all: Bool = false, map: String? = nil, take: String? = nil, write: WriteSpec? = nil,
        submitter: Int32? = nil
    ) {
        self.write = write
        self.submitter = submitter
        self.take = take
        self.action = action
        self.ids = ids
        self.all = all
        self.map = map
    }
}
