// tandem-postgres-bench: the Swift half of scripts/bench-postgres-capture.sh.
// It installs and removes capture through the real endpoint (so the benchmark
// measures the triggers Tandem installs, not a copy of them), and reads a
// change log to the end to time the reader, and times commit-to-read
// latency and an idle reader's CPU. pgbench does the bulk writing.
import Foundation
import Logging
import PostgresNIO
import Synchronization
import TandemPostgreSQL

let usage = """
    usage: tandem-postgres-bench install SCHEMA TABLE
           tandem-postgres-bench remove SCHEMA TABLE
           tandem-postgres-bench read SCHEMA
           tandem-postgres-bench latency SCHEMA COUNT RATE
           tandem-postgres-bench idle SCHEMA SECONDS
           tandem-postgres-bench follow SCHEMA SECONDS
    The server is TANDEM_TEST_POSTGRES_URL, the password PGPASSWORD.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let url = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES_URL"], arguments.count >= 2 else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

let endpoint = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: url, schema: arguments[1]))
var status: Int32 = 0
do {
    switch (arguments[0], arguments.count) {
    case ("install", 3):
        try await endpoint.installCapture(table: arguments[2])
    case ("remove", 3):
        try await endpoint.removeCapture(table: arguments[2])
    case ("read", 2):
        // Reads the whole log in batches of 1,000, as a reader catching up would.
        let clock = ContinuousClock()
        let start = clock.now
        var through: Int64 = 0
        var count = 0
        while true {
            let batch = try await endpoint.changes(after: through, limit: 1_000)
            count += batch.changes.count + batch.echoes.count
            if batch.through == through { break }
            through = batch.through
        }
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18
            + Double((clock.now - start).components.seconds)
        print("read \(count) changes in \(String(format: "%.2f", seconds)) s: \(Int(Double(count) / seconds)) changes/s")
    case ("latency", 4):
        try await latency(schema: arguments[1], count: Int(arguments[2]) ?? 5_000, rate: Int(arguments[3]) ?? 1_000)
    case ("follow", 3):
        // A live reader, as the engine runs it: wait for a commit, read to the horizon, again.
        let seconds = Int(arguments[2]) ?? 15
        let clock = ContinuousClock()
        let start = clock.now
        var through = try await endpoint.head() ?? 0
        var read = 0
        var waits = 0
        while clock.now - start < .seconds(seconds) {
            waits += 1
            if try await !endpoint.waitForCommit(after: through, timeout: .seconds(1)) { continue }
            let batch = try await endpoint.changes(after: through, limit: 10_000)
            read += batch.changes.count
            through = batch.through
        }
        print("follower: read \(read) changes in \(seconds) s with \(waits) waits")
    case ("idle", 3):
        // A reader waiting for commits that never come: the CPU it uses (the wait's cost).
        let seconds = Int(arguments[2]) ?? 10
        try await endpoint.install()
        let before = cpuSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            _ = try await endpoint.waitForCommit(after: Int64.max - 1, timeout: .seconds(seconds))
        }
        let used = cpuSeconds() - before
        print(String(format: "idle reader: %.3f s of CPU in %d s: %.2f %% of a core", used, seconds, used * 100 / Double(seconds)))
    default:
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        status = 64
    }
} catch {
    FileHandle.standardError.write(Data("tandem-postgres-bench: \(error)\n".utf8))
    status = 1
}
await endpoint.close()
exit(status)

/// User + system CPU seconds of this process.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// One application connection inserts COUNT rows, one transaction each, paced at RATE a second;
/// a reader waits for commits (LISTEN/NOTIFY) and reads the log. Latency: from the writer's
/// COMMIT returning to the reader holding the change.
func latency(schema: String, count: Int, rate: Int) async throws {
    let config = try PostgreSQLSideConfig(url: url, schema: schema)
    let setup = PostgreSQLEndpoint(config: config, readerName: "setup")
    try await setup.install()
    await setup.close()
    var configuration = PostgresConnection.Configuration(
        host: config.host, port: config.port, username: config.user,
        password: ProcessInfo.processInfo.environment["PGPASSWORD"], database: config.database, tls: .disable)
    configuration.options.additionalStartupParameters = [("application_name", "bench-writer")]
    let logger = Logger(label: "bench")
    let writer = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    let reader = PostgreSQLEndpoint(config: config, readerName: "latency")
    do {
        try await writer.query(
            PostgresQuery(unsafeSQL: "CREATE TABLE \"\(schema)\".lat (id bigint PRIMARY KEY)"), logger: logger)
        try await reader.installCapture(table: "lat")
        let latencies = try await measureLatency(
            writer: writer, reader: reader, schema: schema, count: count, rate: rate, logger: logger)
        try await writer.close()
        await reader.close()
        let sorted = latencies.sorted()
        func ms(_ q: Double) -> String {
            let d = sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
            return String(format: "%.2f", Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
        }
        print("latency, commit to read, \(count) changes at \(rate)/s: p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, max \(ms(1.0)) ms")
    } catch {
        try? await writer.close()
        await reader.close()
        throw error
    }
}

func measureLatency(
    writer: PostgresConnection, reader: PostgreSQLEndpoint, schema: String, count: Int, rate: Int, logger: Logger
) async throws -> [Duration] {
    let start = try await reader.changes(after: 0).through
    let clock = ContinuousClock()
    let committed = CommitTimes(count: count)
    var latencies: [Duration] = []
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            let begin = clock.now
            for id in 0..<count {
                try await clock.sleep(until: begin.advanced(by: .seconds(1) * id / rate))
                try await writer.query(
                    PostgresQuery(unsafeSQL: "INSERT INTO \"\(schema)\".lat VALUES (\(id))"), logger: logger)
                let now = clock.now
                committed.times.withLock { $0[id] = now }
            }
        }
        var through = start
        var seen = 0
        while seen < count {
            if try await !reader.waitForCommit(after: through, timeout: .seconds(10)) { continue }
            let batch = try await reader.changes(after: through, limit: 10_000)
            let now = clock.now
            for change in batch.changes {
                guard case .integer(let id) = change.key["id"] else { continue }
                // The writer notes its instant just after COMMIT returns; the reader can be first.
                let at = committed.times.withLock { $0[Int(id)] } ?? now
                latencies.append(max(now - at, .zero))
            }
            seen += batch.changes.count
            through = batch.through
        }
        try await group.waitForAll()
    }
    return latencies
}

/// When each row's COMMIT returned, shared by the writer task and the reader.
final class CommitTimes: Sendable {
    let times: Mutex<[ContinuousClock.Instant?]>

    init(count: Int) {
        times = Mutex([ContinuousClock.Instant?](repeating: nil, count: count))
    }
}
