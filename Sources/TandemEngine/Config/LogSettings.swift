import Yams

/// The `log:` section of `tandem.yaml`: how long the activity log and the
/// history of resolved conflicts are kept.
///
/// Parked changes and open conflicts are never pruned, whatever their age:
/// they are data waiting for an operator, not history.
package struct LogSettings: Hashable, Sendable {
    /// Activity entries (and finished operator requests, cleared transient
    /// incidents) older than this many days are pruned.
    package var retentionDays: Int
    /// Resolved conflicts whose resolution is older than this many days are pruned.
    package var conflictRetentionDays: Int

    /// Creates settings; conflicts are kept as long as activity unless told otherwise.
    package init(retentionDays: Int = 30, conflictRetentionDays: Int? = nil) {
        self.retentionDays = retentionDays
        self.conflictRetentionDays = conflictRetentionDays ?? retentionDays
    }

    /// The longest retention accepted, about a hundred years.
    static let maximumDays = 36_500

    /// Reads the `log:` mapping at `node`.
    static func parse(_ node: Node, _ reader: YAMLReader) throws(ConfigError) -> LogSettings {
        var settings = LogSettings()
        var conflicts: Int?
        for (setting, value, _) in try reader.mapping(
            node, "log", allowed: ["retention_days", "conflict_retention_days"])
        {
            let place = "log.\(setting)"
            let days = try reader.integer(value, place, range: 1...maximumDays)
            if setting == "retention_days" { settings.retentionDays = days } else { conflicts = days }
        }
        settings.conflictRetentionDays = conflicts ?? settings.retentionDays
        return settings
    }
}
