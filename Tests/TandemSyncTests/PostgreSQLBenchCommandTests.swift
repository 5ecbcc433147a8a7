import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// `tandem bench sync|write|idle|initial --erp URL --crm URL`: the benchmarks run
/// their phases against PostgreSQL sides on the real server, with tiny
/// sizes (these check that every phase runs and is reported, not the
/// figures, which belong in docs/BENCHMARKS.md).
@Suite(
    "tandem bench with PostgreSQL sides", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLBenchCommandTests {
    /// `tandem ARGS` with the bundled plugins staged (the benchmarks need map sample.notes).
    private func bench(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = try Fixtures.temporaryDirectory("bench-pg")
        let result = try Fixtures.run(
            Fixtures.tandemExecutable, ["bench"] + arguments + ["--dir", directory + "/runs"],
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
        return (result.status, result.stdout, result.stderr)
    }

    /// A schema prefix of the test's own; the schemas the benchmark made under it are dropped after `body`.
    private func withPrefix(_ body: (String, String) throws -> Void) throws {
        let url = try PostgreSQLTestServer.requireURL()
        let prefix = "bench_" + UUID().uuidString.prefix(8).lowercased()
        defer {
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                let admin = PostgreSQLEndpoint(config: try! PostgreSQLSideConfig(url: url), readerName: "bench-test")
                if let session = try? await admin.openSession() {
                    let names = (try? await session.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE '\(prefix)%'")) ?? []
                    for name in names.compactMap({ $0.first ?? nil }) {
                        _ = try? await session.query("DROP SCHEMA \"\(name)\" CASCADE")
                    }
                    _ = await session.close()
                }
                await admin.close()
                done.signal()
            }
            done.wait()
        }
        try body(url, prefix)
    }

    @Test("bench sync between two PostgreSQL sides names every phase and the writer-alone limit")
    func syncBetweenPostgreSQLSides() throws {
        try withPrefix { url, prefix in
            let result = try bench([
                "sync", "--erp", url, "--crm", url, "--schema", prefix, "--flood", "200", "--rows-per-commit", "10",
                "--rate", "200", "--seconds", "0.2", "--paced-rate", "200", "--paced-seconds", "0.2",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            for line in [
                "sides: ERP PostgreSQL, CRM PostgreSQL", "writer alone, 1 row/commit:", "writer alone, 10 rows/commit:",
                "fixed 200/s, 40 changes:", "drain 200 queued changes:", "× writer alone", "paced 200/s",
                "flood 200 changes:",
            ] {
                #expect(result.stdout.contains(line), "no '\(line)' in \(result.stdout)")
            }
            // The refusing trigger of the poisoned drain is SQLite's: not run with a PostgreSQL CRM side.
            #expect(!result.stdout.contains("poison"))
        }
    }

    @Test("bench write with the ERP side on PostgreSQL measures direct writes and write-through")
    func writeMixed() throws {
        try withPrefix { url, prefix in
            let result = try bench(["write", "--erp", url, "--schema", prefix, "--writes", "20"])
            #expect(result.status == 0, "\(result.stderr)")
            for line in ["sides: ERP PostgreSQL, CRM SQLite", "direct on both sides:", "through Tandem:", "ratio (mean):"] {
                #expect(result.stdout.contains(line), "no '\(line)' in \(result.stdout)")
            }
        }
    }

    @Test("bench idle with PostgreSQL sides measures the idle CPU and the wake latency")
    func idleBetweenPostgreSQLSides() throws {
        try withPrefix { url, prefix in
            let result = try bench([
                "idle", "--erp", url, "--crm", url, "--schema", prefix, "--seconds", "1", "--changes", "5",
                "--spacing-ms", "20",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            for line in ["sides: ERP PostgreSQL, CRM PostgreSQL", "% of a core", "wake, 5 changes 20 ms apart:"] {
                #expect(result.stdout.contains(line), "no '\(line)' in \(result.stdout)")
            }
            // The floor's loop polls SQLite's data_version: left out here.
            #expect(!result.stdout.contains("floor"))
        }
    }

    @Test("bench initial between two PostgreSQL sides measures initial sync's bulk path against a psql COPY pipe")
    func initialBetweenPostgreSQLSides() throws {
        try withPrefix { url, prefix in
            let result = try bench(["initial", "--erp", url, "--crm", url, "--schema", prefix, "--rows", "3000", "--chunk", "1000"])
            #expect(result.status == 0, "\(result.stderr)")
            for line in [
                "initial sync, sample.notes (narrow rows), 3000 rows", "raw copy (psql COPY | psql COPY):",
                "initial sync, bulk path:", "× raw), peak",
            ] {
                #expect(result.stdout.contains(line), "no '\(line)' in \(result.stdout)")
            }
            #expect(!result.stdout.contains("row path (forced)"))
            // One side on SQLite: no COPY pipe to compare with, said so.
            let mixed = try bench(["initial", "--erp", url, "--schema", prefix, "--rows", "100"])
            #expect(mixed.status != 0)
            #expect(
                mixed.stderr.contains(
                    "bench initial compares with a COPY pipe between two PostgreSQL databases: give both --erp URL and --crm URL"),
                "\(mixed.stderr)")
        }
    }

    @Test("a side url that is not PostgreSQL's is refused, naming the option")
    func badURL() throws {
        let result = try bench(["sync", "--erp", "mysql://tandem@db/erp"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("--erp mysql://tandem@db/erp: give a PostgreSQL url, postgresql://USER@HOST:PORT/DATABASE"),
            "\(result.stderr)")
        let schema = try bench(["idle", "--schema", "x"])
        #expect(schema.status != 0)
        #expect(
            schema.stderr.contains("--schema and --password-file are for a PostgreSQL side: add --erp URL or --crm URL"),
            "\(schema.stderr)")
    }
}
