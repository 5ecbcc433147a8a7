import ArgumentParser
import Foundation
import TandemPluginHost

/// `tandem bench`: benchmarks whose results go into docs/BENCHMARKS.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Tandem on this machine (results belong in docs/BENCHMARKS.md).",
        subcommands: [BenchABI.self, BenchSync.self, BenchWrite.self, BenchInitial.self, BenchIdle.self]
    )
}

extension PluginOptions {
    /// The catalog with the bundled map `sample.notes`, which the sync, write and initial-sync benchmarks use.
    func loadSampleCatalog(needing map: String = "sample.notes") throws -> PluginCatalog {
        let catalog = loadCatalog()
        guard catalog.map(map) != nil else {
            throw CLIError("map \(map) is not provided by any loaded plugin; run through ./tandem (which stages the bundled plugins) or pass --plugins DIR")
        }
        return catalog
    }
}

/// Where a benchmark puts its throwaway environments: `dir`, or a new temp folder.
func benchDirectory(_ dir: String?) -> String {
    dir ?? NSTemporaryDirectory() + "tandem-bench-\(UUID().uuidString.prefix(8))"
}
