import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Delivers one notification body to one subscription, synchronously (on the
/// notifier's thread). Returns nil on success, else what went wrong; the
/// caller redacts it before it goes anywhere.
enum NotificationSender {
    /// One session for every webhook: no cookies, no cache, no credential store.
    private static let session = URLSession(configuration: .ephemeral)

    static func deliver(
        _ body: String, to subscription: NotificationSubscription, environmentDirectory: String
    ) -> String? {
        switch subscription.target {
        case .webhook(let url, let headers):
            return post(body, to: url, headers: headers, timeout: subscription.timeoutSeconds)
        case .command(let argv):
            return run(argv, input: body, timeout: subscription.timeoutSeconds, directory: environmentDirectory)
        case .file(let path):
            return append(body, to: path.hasPrefix("/") ? path : environmentDirectory + "/" + path)
        }
    }

    private static func post(_ body: String, to url: URL, headers: [String: String], timeout: Int) -> String? {
        var request = URLRequest(
            url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: TimeInterval(timeout))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("tandem", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                // The error's description carries the URL; its code and reason do not need to.
                let code = (error as? URLError)?.code.rawValue ?? -1
                let reason = (error as NSError).userInfo[NSLocalizedDescriptionKey] as? String ?? "no response"
                outcome.set("the request failed (URL error \(code): \(reason))")
            } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                outcome.set("the server answered HTTP \(status)")
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + .seconds(timeout + 5)) == .timedOut {
            task.cancel()
            return "no answer within \(timeout) s"
        }
        return outcome.get()
    }

    private static func run(_ argv: [String], input: String, timeout: Int, directory: String) -> String? {
        // The body goes in through a file and errors come out through one: no pipe
        // a command that does not read its input could break (SIGPIPE) or fill.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tandem-notify-\(UUID().uuidString)")
        let inputFile = scratch.appendingPathExtension("json")
        let errorFile = scratch.appendingPathExtension("err")
        defer {
            try? FileManager.default.removeItem(at: inputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        let process = Process()
        do {
            try Data(input.utf8).write(to: inputFile)
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
            process.standardError = try FileHandle(forWritingTo: errorFile)
        } catch {
            return "cannot prepare the command's input: \(error.localizedDescription)"
        }
        process.standardOutput = FileHandle.nullDevice
        // A bare program name is looked up on PATH, as a shell would.
        if argv[0].contains("/") {
            process.executableURL = URL(fileURLWithPath: argv[0], relativeTo: URL(fileURLWithPath: directory + "/"))
            process.arguments = Array(argv.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        do {
            try process.run()
        } catch {
            return "cannot start \(argv[0]): \(error.localizedDescription)"
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            // A command that ignores SIGTERM must not hold up every later notification.
            let grace = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < grace { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return "\(argv[0]) did not finish within \(timeout) s"
        }
        guard process.terminationStatus != 0 || process.terminationReason != .exit else { return nil }
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        let last = errors.split(whereSeparator: \.isNewline).last.map { ": \($0.prefix(300))" } ?? ""
        let how = process.terminationReason == .exit ? "exited with status" : "was killed by signal"
        return "\(argv[0]) \(how) \(process.terminationStatus)\(last)"
    }

    private static func append(_ body: String, to path: String) -> String? {
        // O_APPEND: each line lands whole at the end, also with other writers.
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return "cannot open \(path): \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        let line = Array((body + "\n").utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { return "cannot append to \(path): \(String(cString: strerror(errno)))" }
        return nil
    }

    /// The callback's verdict, handed across threads.
    private final class Outcome: @unchecked Sendable {
        // Written once by the session's queue before the semaphore is signalled, read after the wait.
        private var message: String?
        func set(_ text: String) { message = text }
        func get() -> String? { message }
    }
}
