import Foundation
import TandemTestSupport

/// A real `tandem console` process for a fixture's environment, spoken to over
/// real HTTP with curl (no client library between the test and the wire:
/// what is checked is exactly what a script or a browser gets).
struct ConsoleProcess: Sendable {
    /// The process.
    let process: Process
    /// The URL it printed as its first line, `http://127.0.0.1:PORT/`.
    let url: String
    /// The environment's console token.
    let token: String
    /// What it wrote on standard error (`console.log` in the environment).
    let log: String

    /// One HTTP answer.
    struct Reply: Sendable, CustomStringConvertible {
        /// The status code.
        var status: Int
        /// The header lines, as sent.
        var headers: [String]
        /// The body.
        var body: String

        /// The body parsed as JSON.
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
        /// The body's `error` and `hint` (an error answer).
        var error: (error: String, hint: String)? {
            guard let object = json as? [String: Any], let error = object["error"] as? String else { return nil }
            return (error, object["hint"] as? String ?? "")
        }
        /// The value of the first header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        /// For failure messages.
        var description: String { "\(status) \(headers.joined(separator: " | ")) \(body)" }
    }

    /// Starts `tandem console --env DIR --listen 127.0.0.1:0` (and `extra`) and waits for its URL.
    static func start(_ fixture: SyncFixture, _ extra: [String] = []) async throws -> ConsoleProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.tandemExecutable)
        process.arguments = ["console", "--env", fixture.directory, "--listen", "127.0.0.1:0"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["TANDEM_BUNDLED_PLUGINS": fixture.bundled]) {
            $1
        }
        let log = fixture.directory + "/console.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The first line is the URL; read on a thread of its own, off the cooperative pool.
        let reader = out.fileHandleForReading
        let line = try await Fixtures.offPool { () -> String in
            var bytes: [UInt8] = []
            while true {
                let chunk = reader.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == 0x0A { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard line.hasPrefix("http://127.0.0.1:") else {
            process.terminate()
            let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw FixtureError("tandem console printed '\(line)' first, not its URL; stderr: \(said)")
        }
        let token = try String(contentsOfFile: fixture.directory + "/console.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ConsoleProcess(process: process, url: line, token: token, log: log)
    }

    /// Stops it with SIGTERM (its graceful shutdown) and returns its exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        return try await process.awaitExit()
    }

    /// `METHOD PATH` with `headers` and `body`; with `bearer`, the token as `Authorization: Bearer`.
    func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil, bearer: Bool = true
    ) async throws -> Reply {
        var arguments = ["-s", "-S", "-i", "-X", method, "--max-time", "120"]
        var all = headers
        if bearer { all["Authorization"] = "Bearer \(token)" }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url + path.dropFirst())
        let result = try await Fixtures.run("/usr/bin/env", ["curl"] + arguments, input: body.map { Data($0.utf8) })
        guard result.status == 0 else { throw FixtureError("curl \(method) \(path) failed: \(result.stderr)") }
        guard let end = result.stdout.range(of: "\r\n\r\n") else {
            throw FixtureError("no HTTP answer: \(result.stdout)")
        }
        let head = result.stdout[..<end.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Reply(status: status, headers: Array(head.dropFirst()), body: String(result.stdout[end.upperBound...]))
    }

    /// Logs in with JSON as `user`; returns the session cookie (`tandem_session=...`) and the CSRF token.
    func login(user: String = "admin") async throws -> (cookie: String, csrf: String, reply: Reply) {
        let reply = try await request(
            "POST", "/login", headers: ["Content-Type": "application/json"],
            body: #"{"token": "\#(token)", "user": "\#(user)"}"#, bearer: false)
        let cookie = reply.header("Set-Cookie")?.split(separator: ";").first.map(String.init) ?? ""
        let csrf = (reply.json as? [String: Any])?["csrfToken"] as? String ?? ""
        return (cookie, csrf, reply)
    }
}
