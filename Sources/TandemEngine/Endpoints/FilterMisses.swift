/// What a map's filter leaves out of a source table that looks like a slip
/// in the data rather than the filter's intent, for `tandem maps validate`:
/// rows whose filter column is NULL, and values that miss one of the
/// filter's text literals only by case or surrounding blanks
/// (`'organization'` against `PARTYTYPE = 'Organization'`). Such rows are
/// never synced and raise no error, so the check names them before a user
/// wonders where they went.
struct FilterMisses {
    /// Rows that miss a literal of the filter by case or blanks only.
    struct NearMiss {
        /// The filter's column.
        var column: String
        /// The value the rows hold.
        var value: String
        /// The literal of the filter it resembles.
        var literal: String
        /// How many rows the filter leaves out with that value.
        var rows: Int
    }

    /// The table's columns the filter reads, in the order it names them,
    /// with how many rows it leaves out holding NULL there (0 included).
    var nulls: [(column: String, rows: Int)] = []
    /// Values in the wrong case (or with blanks), most frequent first.
    var nearMisses: [NearMiss] = []
}
