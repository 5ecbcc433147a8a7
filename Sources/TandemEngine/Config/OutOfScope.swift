/// What a map does when an update moves a row out of its filter's scope
/// (`out_of_scope:` of a map in `tandem.yaml`): a customer moved to a group
/// the filter leaves out, whose row on the other side was carried while it
/// was in scope. Without a choice that row went stale silently.
package enum OutOfScope: String, Hashable, Sendable, CaseIterable, Codable {
    /// The other side's row stays as it was, and the activity log says so
    /// (`row left filter`), with the key and the filter: the default, since
    /// neither keeping a stale row nor deleting data should go unseen.
    case report
    /// The other side's row is deleted (as Tandem's own write, never sent
    /// back), and the activity log says so.
    case delete
    /// The other side's row stays as it was, and nothing is logged: for a
    /// filter that only decides which rows are created on the other side.
    case keep
}
