import Foundation

/// The JSON every subscription receives when a rule fires or clears: a webhook
/// as the POST body, a command on its standard input, a file as one line.
struct AlertNotice: Codable, Sendable {
    /// `fired`, or `cleared` when the condition no longer holds.
    var event: String
    /// The environment's name (`name:` in tandem.yaml).
    var environment: String
    /// The rule's name.
    var rule: String
    /// The map it fired on.
    var map: String
    /// What the rule watches: errors, lag-seconds, lag-changes, queue-depth, conflicts, left-running.
    var condition: String
    /// The condition in words, e.g. `application errors >= 10 within 15m`.
    var conditionText: String
    /// For errors: the class counted (`any` for all).
    var errorClass: String?
    /// For errors and conflicts: the window, in seconds.
    var windowSeconds: Int?
    /// For lag and queue depth: the direction measured (the worst one).
    var direction: String?
    /// The measured value (when it cleared: the value then).
    var value: Double
    /// The threshold it reached.
    var threshold: Int
    /// What the rule does: `notify NAME`, `pause`, `stop` (when it cleared: the notifications only;
    /// a paused or stopped map stays so until an operator resumes it).
    var actions: [String]
    /// When it fired or cleared, ISO 8601 UTC.
    var time: String
    /// One line for people.
    var summary: String

    /// The body as compact JSON with sorted keys.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
