import Foundation
import Testing
import TandemFuzzing
import TandemTestSupport

/// Every saved fuzz input (the seeds, and each input that once crashed a
/// reader, kept under `Fuzz/regressions/`) runs through its harness in the
/// test run: a reader that crashes, traps or hangs on one of them fails here,
/// with no fuzzer needed.
@Suite("Saved fuzz inputs run through their harnesses")
struct FuzzCorpusTests {
    @Test("each seed and each past crash of every harness is read without crashing", arguments: FuzzTarget.allCases)
    func corpus(_ target: FuzzTarget) throws {
        var files: [String] = []
        for folder in ["Fuzz/corpus", "Fuzz/regressions"] {
            let directory = Fixtures.repositoryRoot + "/" + folder + "/" + target.rawValue
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            files += names.sorted().map { directory + "/" + $0 }
        }
        #expect(files.count >= 3, "too few saved inputs for \(target.rawValue): \(files)")
        for file in files {
            let data = try #require(FileManager.default.contents(atPath: file))
            target.run([UInt8](data))
        }
    }
}
