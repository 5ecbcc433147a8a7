/// One finding of the map health check (`tandem maps validate`), coded like
/// dual-write's map errors so that an admin can look a code up, with the fix.
package struct MapFinding: Sendable, Codable, Hashable {
    /// Whether the map may start with it.
    package enum Severity: String, Sendable, Codable {
        /// The map does not start until it is fixed.
        case blocking
        /// The map starts; the finding is worth a look.
        case warning
    }

    /// The finding's kind.
    package enum Code: String, Sendable, Codable, CaseIterable {
        /// A NOT NULL target column without default that no field writes.
        case mandatoryUnmapped = "TW001"
        /// A target key column that no field writes in a direction the map syncs.
        case keyUnmapped = "TW002"
        /// A copied column whose declared types disagree (text into a number, say).
        case typeMismatch = "TW003"
        /// A field writes a generated (read-only) column.
        case readOnlyTarget = "TW004"
        /// Two fields write the same target column, or read the same source column.
        case duplicateColumn = "TW005"
        /// A two-way value map with two sources for one target value.
        case duplicateValueMapEntry = "TW006"
        /// A filter that does not parse or names a column the table lacks.
        case badFilter = "TW007"
        /// A transform no loaded plugin provides, or whose config it refuses.
        case unknownTransform = "TW008"
        /// A dependency (or a lookup's map) that is not enabled.
        case dependencyMissing = "TW009"
        /// A table or column the map names that the side does not have.
        case missingColumn = "TW010"
        /// Rows a filter leaves out with NULL in a column it reads, or with a
        /// value that misses one of its literals by case or blanks only.
        case filterMisses = "TW011"
        /// An override's difference that the map it extends does not allow
        /// (a field it changes or removes is gone, a field it adds is there).
        case overrideConflict = "TW012"
        /// A `plugins.settings` entry of tandem.yaml for a plugin id that no
        /// loaded plugin has: its settings (such as `isolation: process`) apply to nothing.
        case unknownPluginSetting = "TW013"
    }

    /// The map, or for a finding about tandem.yaml's plugin settings, the setting's path.
    package var map: String
    /// The code, e.g. `TW002`.
    package var code: Code
    /// Blocking or a warning.
    package var severity: Severity
    /// The direction it concerns, when it concerns one.
    package var direction: SyncDirection?
    /// What is wrong, naming the table, column or transform.
    package var message: String
    /// What to do about it.
    package var fix: String
}

extension MapFinding {
    /// The findings as `maps validate` prints them, one with its fix per
    /// entry: shared by the CLI and the console so that both say it alike.
    package static func render(_ findings: [MapFinding]) -> String {
        findings.map { finding in
            "\(finding.code.rawValue) \(finding.severity.rawValue) \(finding.map)\(finding.direction.map { " (\($0))" } ?? ""): \(finding.message)\n      fix: \(finding.fix)"
        }.joined(separator: "\n")
    }
}
