/// What one database's SQL spells its own way in a compiled filter
/// (``FilterSQL``): names, placeholders, how a literal binds, and the few
/// functions whose meaning must be made the same on every side.
///
/// Each dialect folds case by ASCII letters only and compares text exactly,
/// because SQLite does and a filter must select the same rows wherever it
/// runs (live sync, initial sync, compare, either side's database).
package protocol FilterDialect {
    /// What a bound value is for this database's driver.
    associatedtype Parameter

    /// `name` quoted as an identifier.
    func identifier(_ name: String) -> String
    /// The placeholder of the `number`th parameter (1-based) of the statement.
    func placeholder(_ number: Int) -> String
    /// `literal` as the driver binds it.
    func parameter(_ literal: FilterLiteral) -> Parameter
    /// `sql` with ASCII letters in lower case.
    func lower(_ sql: String) -> String
    /// `sql` with ASCII letters in upper case.
    func upper(_ sql: String) -> String
    /// Whether text `sql` starts with `prefix`, exactly.
    func startsWith(_ sql: String, _ prefix: String) -> String
    /// Whether text `sql` contains `part`, exactly.
    func contains(_ sql: String, _ part: String) -> String
    /// `sql LIKE pattern` with `\` as escape and ASCII letters of either case alike.
    func like(_ sql: String, _ pattern: String, negated: Bool) -> String
}
