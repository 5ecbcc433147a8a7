/// Where `tandem console` listens: `HOST:PORT` (`[::1]:PORT` for IPv6; port
/// 0 picks a free one). Only loopback addresses are served: the console
/// changes maps, and without TLS its token and cookie would cross the network
/// in clear.
package struct ConsoleAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or IP address to bind.
    package var host: String
    /// The TCP port; 0 lets the system pick a free one.
    package var port: Int

    /// The default: this machine only, a fixed port an admin can bookmark.
    package static let standard = ConsoleAddress(host: "127.0.0.1", port: 8780)

    /// Creates an address.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` and refuses a host that is not loopback; the error
    /// says what is wrong and what to write instead.
    package init(parsing text: String) throws(ConsoleError) {
        func bad(_ reason: String) -> ConsoleError {
            ConsoleError(
                .badRequest, "--listen '\(text)': \(reason)",
                hint: "give HOST:PORT, e.g. --listen 127.0.0.1:8780 (port 0 picks a free port)")
        }
        guard let colon = text.lastIndex(of: ":") else { throw bad("no port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad("no host") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw bad("the port '\(portText)' is not a number from 0 to 65535")
        }
        guard Self.isLoopback(host) else {
            // TLS is issue 20's later step; until then the only safe answer is no.
            throw ConsoleError(
                .badRequest,
                "--listen '\(text)': \(host) is not a loopback address, and the console serves other machines only over TLS, which it does not support yet",
                hint:
                    "listen on 127.0.0.1 (or [::1]) and reach it from elsewhere through SSH: ssh -L 8780:127.0.0.1:8780 HOST"
            )
        }
        self.host = host
        self.port = port
    }

    /// Whether `host` names this machine only: `localhost`, 127.0.0.0/8 or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" || lower == "0:0:0:0:0:0:0:1" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
