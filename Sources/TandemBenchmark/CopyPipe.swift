import Foundation
import TandemEngine

/// The physical limit of a copy between two PostgreSQL databases: two `psql`
/// processes, the first's `COPY … TO STDOUT` piped into the second's `COPY
/// … FROM STDIN`, as a DBA would move a table. No Tandem code runs in it.
struct CopyPipe {
    /// The `psql` binary.
    let psql: String
    /// A file whose first line is the password (`PGPASSWORD` is used when nil).
    let passwordFile: String?
    /// The source database and its `COPY … TO STDOUT`.
    let from: (url: String, sql: String)
    /// The target database and its `COPY … FROM STDIN`.
    let to: (url: String, sql: String)

    /// `psql` from `PG_BIN_DIR` (set by scripts/with-postgres.sh), `PATH`, or Debian's
    /// `/usr/lib/postgresql/*/bin`, newest first.
    static func psql() throws -> String {
        var candidates: [String] = []
        if let dir = ProcessInfo.processInfo.environment["PG_BIN_DIR"] { candidates.append(dir + "/psql") }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/psql") }
        let debian = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in debian.sorted(by: { $0.compare($1, options: .numeric) == .orderedDescending }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin/psql")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw SyncError(
                .configuration,
                "psql not found (PG_BIN_DIR, PATH, /usr/lib/postgresql/*/bin): the raw COPY pipe needs it; install "
                    + "PostgreSQL's client or set PG_BIN_DIR")
        }
        return found
    }

    /// Runs the pipe to its end; throws with `psql`'s own words when either side fails.
    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let passwordFile {
            let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            environment["PGPASSWORD"] = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        let pipe = Pipe()
        func process(_ url: String, _ sql: String) -> (Process, Pipe) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: psql)
            process.arguments = ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
            process.environment = environment
            let errors = Pipe()
            process.standardError = errors
            return (process, errors)
        }
        let (reader, readerErrors) = process(from.url, from.sql)
        let (writer, writerErrors) = process(to.url, to.sql)
        reader.standardOutput = pipe
        writer.standardInput = pipe
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        try reader.run()
        // This process's copies of the pipe's ends: the writer sees the end of its input once the reader exits.
        try pipe.fileHandleForReading.close()
        try pipe.fileHandleForWriting.close()
        let readerText = readerErrors.fileHandleForReading.readDataToEndOfFile()
        let writerText = writerErrors.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        writer.waitUntilExit()
        for (process, text, side) in [(reader, readerText, "COPY TO STDOUT"), (writer, writerText, "COPY FROM STDIN")]
        where process.terminationStatus != 0 {
            throw SyncError(
                .database, "the raw pipe's \(side) failed: \(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
