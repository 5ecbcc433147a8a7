import ArgumentParser

/// `tandem bench`: benchmarks whose results go into docs/BENCHMARKS.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Tandem on this machine (results belong in docs/BENCHMARKS.md).",
        subcommands: [BenchABI.self, BenchSync.self, BenchWrite.self, BenchInitial.self]
    )
}
