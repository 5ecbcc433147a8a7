import Foundation
import TandemDocuments
import Testing

/// The help text as `tandem` prints it.
@Suite("Help text")
struct HelpTextTests {
    /// Every command's discussion, from the built executable's own help dump.
    static func discussions() throws -> [(command: String, text: String)] {
        let dump = try TandemCLI.run(["--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump.stderr)")
        var result: [(String, String)] = []
        func walk(_ command: JSONValue, _ path: String) {
            if case .string(let text)? = command["discussion"] { result.append((path, text)) }
            if case .array(let subcommands)? = command["subcommands"] {
                for sub in subcommands {
                    if case .string(let name)? = sub["commandName"] { walk(sub, path + " " + name) }
                }
            }
        }
        let root = try dump.json()
        if let command = root["command"] { walk(command, "tandem") }
        return result
    }

    @Test("No discussion line is wider than help prints (79 columns: a wider one breaks mid-sentence)")
    func linesFitTheHelpWidth() throws {
        let discussions = try Self.discussions()
        #expect(discussions.count > 20, "only \(discussions.count) commands have a discussion")
        for (command, text) in discussions {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.count > 79 {
                Issue.record("`\(command) --help`: a \(line.count)-column line: \(line)")
            }
        }
    }
}
