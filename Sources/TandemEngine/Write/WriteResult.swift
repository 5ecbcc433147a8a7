/// What a write-through did: the rows written on the first side, those that
/// reached the other side, and those a map's filter kept on the first side.
package struct WriteResult: Codable, Sendable, Hashable {
    /// Rows a map's filter left out: written on the first side only, as far
    /// as that map goes, with the filter named.
    package struct LeftOut: Codable, Sendable, Hashable {
        /// The map whose filter left them out.
        package var map: String
        /// The table they did not reach, `crm.account`.
        package var target: String
        /// The filter's expression, as SQL over the source table's columns.
        package var filter: String
        /// Where the filter is set: `filters.erp_to_crm in tandem.yaml`, or `… of plugin P`.
        package var filterOrigin: String
        /// The rows' keys, as the change log writes them (`150`, `'usmf','C1'`).
        package var keys: [String]
        /// Whether no other map carried them either: they are on the first side only.
        package var onlyOrigin: Bool
    }

    /// Rows written on the first side.
    package var rows: Int
    /// `erp.Notes`, the side and table written first.
    package var origin: String
    /// Rows that reached the other side through at least one map.
    package var carried: Int
    /// The tables written on the other side, `crm.annotation`, with their maps.
    package var targets: [String]
    /// The maps that carried the rows.
    package var maps: [String]
    /// Rows a map's filter left out (empty when every row went through).
    package var leftOut: [LeftOut]
    /// Time from the first statement to the second commit, milliseconds.
    package var milliseconds: Double
}
