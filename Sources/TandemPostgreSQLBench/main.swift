// tandem-postgres-bench: the Swift half of scripts/bench-postgres-capture.sh.
// It installs and removes capture through the real endpoint (so the benchmark
// measures the triggers Tandem installs, not a copy of them), and reads a
// change log to the end to time the reader. pgbench does the writing.
import Foundation
import TandemPostgreSQL

let usage = """
    usage: tandem-postgres-bench install SCHEMA TABLE
           tandem-postgres-bench remove SCHEMA TABLE
           tandem-postgres-bench read SCHEMA
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
