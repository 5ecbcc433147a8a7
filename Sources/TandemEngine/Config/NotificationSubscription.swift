package import Foundation

/// One named entry of `tandem.yaml`'s `notifications:` section: where alert
/// notifications go, and how delivery is retried.
///
/// Its URL and header values may hold secrets: ``description`` and every log
/// line show them redacted (see ``SecretRedactor``).
package struct NotificationSubscription: Hashable, Sendable, CustomStringConvertible {
    /// Where notifications go.
    package enum Target: Hashable, Sendable {
        /// An HTTP POST of the JSON body to the URL, with extra headers (e.g. `Authorization`).
        case webhook(url: URL, headers: [String: String])
        /// A program (argv) run with the JSON body on its standard input; a non-zero exit is a failure.
        case command([String])
        /// A file the JSON body is appended to as one line (relative paths: to the environment).
        case file(String)
    }

    /// Bounded retries with exponential backoff.
    package struct RetryPolicy: Hashable, Sendable {
        /// Most delivery attempts, the first included.
        package var attempts: Int
        /// Wait after the first failure, in milliseconds; doubles after each further failure.
        package var backoffMilliseconds: Int
        /// Longest wait between two attempts, in seconds.
        package var maxBackoffSeconds: Int

        /// Creates a policy.
        package init(attempts: Int = 8, backoffMilliseconds: Int = 1000, maxBackoffSeconds: Int = 300) {
            self.attempts = attempts
            self.backoffMilliseconds = backoffMilliseconds
            self.maxBackoffSeconds = maxBackoffSeconds
        }

        /// The wait before attempt `failed + 1`, after `failed` failures (1 or more), in milliseconds.
        package func delay(afterFailures failed: Int) -> Double {
            let doubled = Double(backoffMilliseconds) * pow(2, Double(max(0, failed - 1)))
            return min(doubled, Double(maxBackoffSeconds) * 1000)
        }
    }

    /// The name rules use in `notify:`.
    package var name: String
    /// Where notifications go.
    package var target: Target
    /// Retries.
    package var retry: RetryPolicy
    /// How long one webhook call or command may take, in seconds.
    package var timeoutSeconds: Int

    /// Creates a subscription.
    package init(name: String, target: Target, retry: RetryPolicy = RetryPolicy(), timeoutSeconds: Int = 10) {
        self.name = name
        self.target = target
        self.retry = retry
        self.timeoutSeconds = timeoutSeconds
    }

    /// `ops (webhook https://hooks.example.com/***)`: the kind and the place, secrets redacted.
    package var description: String {
        switch target {
        case .webhook(let url, _): "\(name) (webhook \(SecretRedactor.redact(url)))"
        case .command(let argv): "\(name) (command \(argv.first ?? ""))"
        case .file(let path): "\(name) (file \(path))"
        }
    }

    /// The texts that must never appear in a log: the URL's path, query and
    /// user info, header values, a command's arguments.
    var secrets: [String] {
        switch target {
        case .webhook(let url, let headers):
            // A header value and its words: `Bearer abc123` hides `abc123` too.
            let words = headers.values.flatMap { $0.split(separator: " ").map(String.init).filter { $0.count >= 6 } }
            return SecretRedactor.secrets(of: url) + Array(headers.values) + words
        case .command(let argv):
            return Array(argv.dropFirst())
        case .file:
            return []
        }
    }
}
