package import Foundation

/// Keeps secrets of notification targets out of logs, the activity log and
/// error messages: URLs show only scheme, host and port; known secret texts
/// are replaced by `***` wherever they appear.
package struct SecretRedactor: Sendable {
    /// The texts replaced, longest first (so a secret containing another goes whole).
    let secrets: [String]

    /// A redactor for `secrets`; empty and very short texts (which would mangle
    /// ordinary words) are left out.
    package init(secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= 3 }).sorted { $0.count > $1.count }
    }

    /// `text` with every secret replaced by `***`.
    package func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// `https://hooks.example.com/***`: scheme, host and port only; the rest
    /// (user info, path, query, fragment: where webhook tokens live) is hidden.
    package static func redact(_ url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host
        else {
            return "***"
        }
        var result = "\(components.scheme ?? "http")://\(host)"
        if let port = components.port { result += ":\(port)" }
        let path = components.percentEncodedPath
        let plain =
            (path.isEmpty || path == "/") && components.query == nil && components.user == nil
            && components.fragment == nil
        return result + (plain ? path : "/***")
    }

    /// A URL written in config (perhaps not a valid one), for error messages: redacted as far as it parses.
    static func redact(text: String) -> String {
        if let url = URL(string: text), url.host != nil { return redact(url) }
        return "***"
    }

    /// The parts of `url` that may be secret, as written and percent-decoded.
    static func secrets(of url: URL) -> [String] {
        var result = [url.absoluteString]
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return result }
        result += [
            components.user, components.password, components.percentEncodedUser, components.percentEncodedPassword,
        ]
        .compactMap { $0 }
        let path = components.percentEncodedPath
        if path.count > 1 { result += [path, components.path] }
        if let query = components.percentEncodedQuery { result.append(query) }
        for item in components.queryItems ?? [] { if let value = item.value { result.append(value) } }
        if let fragment = components.fragment { result.append(fragment) }
        return result
    }
}
