import Foundation
import TandemDocuments
import TandemTestSupport

/// Runs the built `tandem` executable as a real process.
enum TandemCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as JSON.
        func json() throws -> JSONValue {
            try JSONValue.parse(stdout, document: "tandem output")
        }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        // No bundled plugins unless a test asks: results must not depend on a staged build.
        let environment = ["TANDEM_BUNDLED_PLUGINS": "/nonexistent", "TANDEM_PLUGIN_PATH": ""].merging(environment) { $1 }
        let result = try Fixtures.run(Fixtures.tandemExecutable, arguments, environment: environment)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
