import Foundation
import TandemFuzzing

/// The harness libFuzzer drives, chosen by `TANDEM_FUZZ_TARGET` (read once).
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TANDEM_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("tandem-fuzz: set TANDEM_FUZZ_TARGET to one of: \(known)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point: one input, one run of the chosen harness.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
    /// Without libFuzzer: `tandem-fuzz TARGET FILE|DIR...` runs saved inputs
    /// (seeds, past crashes) through a harness, one line per file.
    @main
    struct FuzzRunner {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
                let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
                print("usage: tandem-fuzz \(known) FILE|DIR...\n(scripts/fuzz.sh builds it with libFuzzer and fuzzes)")
                exit(2)
            }
            var files: [String] = []
            for path in arguments.dropFirst() {
                if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
                    files += names.sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("cannot read \(file)")
                    exit(1)
                }
                target.run([UInt8](data))
                print("ok \(file)")
            }
        }
    }
#endif
