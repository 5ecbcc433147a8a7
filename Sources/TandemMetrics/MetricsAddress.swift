/// Where `tandem run --metrics` listens: `HOST:PORT`, e.g. `127.0.0.1:9464`
/// (`[::1]:9464` for IPv6; port 0 picks a free port).
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or IP address to bind.
    public var host: String
    /// The TCP port; 0 lets the system pick a free one.
    public var port: Int

    /// Parses `HOST:PORT`; the error says what is wrong and shows the expected form.
    public init(parsing text: String) throws(MetricsServerError) {
        func bad(_ reason: String) -> MetricsServerError {
            MetricsServerError(
                "--metrics '\(text)': \(reason); give HOST:PORT, e.g. --metrics 127.0.0.1:9464 (port 0 picks a free port)"
            )
        }
        guard let colon = text.lastIndex(of: ":") else { throw bad("no port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad("no host") }
        guard !host.contains(where: { $0 == " " || $0 == "/" }), host.contains(":") == text.hasPrefix("[") else {
            throw bad("'\(host)' is not a host name or IP address (write an IPv6 address in brackets: [::1]:9464)")
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port)
        else {
            throw bad("the port '\(portText)' is not a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
