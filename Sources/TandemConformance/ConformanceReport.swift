/// The result of running the conformance kit on one plugin file.
public struct ConformanceReport: Codable, Hashable, Sendable {
    /// The library file.
    public var file: String
    /// The plugin id, when the plugin loaded.
    public var plugin: String?
    /// Every check, in the order it ran.
    public var checks: [ConformanceCheck]

    /// True when no check failed (warnings allowed).
    public var passed: Bool { !checks.contains { $0.outcome == .fail } }

    /// Creates a report.
    public init(file: String, plugin: String? = nil, checks: [ConformanceCheck] = []) {
        self.file = file
        self.plugin = plugin
        self.checks = checks
    }

    /// The failed checks.
    public var failures: [ConformanceCheck] { checks.filter { $0.outcome == .fail } }
}

/// One check of the conformance kit.
public struct ConformanceCheck: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Pass, fail, or a warning that does not fail the plugin.
    public enum Outcome: String, Codable, Hashable, Sendable {
        case pass, fail, warn
    }

    /// What was checked, e.g. `example 1 of tandem.std.value-map`.
    public var name: String
    /// The outcome.
    public var outcome: Outcome
    /// What was found.
    public var detail: String

    /// Creates a check result.
    public init(_ name: String, _ outcome: Outcome, _ detail: String) {
        self.name = name
        self.outcome = outcome
        self.detail = detail
    }

    /// `PASS name: detail`.
    public var description: String { "\(outcome.rawValue.uppercased()) \(name): \(detail)" }
}
