import ArgumentParser
import Foundation
import TandemConsole
import TandemEngine
import TandemPluginHost

/// `tandem console`: serves the admin console for an environment.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Serve the admin console: maps, errors, conflicts, dependencies, an API.",
        discussion: """
            Prints the console's URL as its first line, then serves until interrupted.
            Open it in a browser and log in with the token in ENV/console.token (made
            by `tandem init`, or by the first `tandem console` of an older
            environment); scripts send it as `Authorization: Bearer TOKEN`. Changes
            made here are the CLI's own operations, logged with actor console:USER.

            It listens on 127.0.0.1 only: serving other machines needs TLS, which
            the console does not have yet. Reach it from elsewhere through SSH:
              ssh -L 8780:127.0.0.1:8780 HOST
            The API is described by docs/console-openapi.yaml; docs/CONSOLE.md has
            the security model.
            """)

    @OptionGroup var options: EnvironmentOptions

    @Option(help: ArgumentHelp("Where to listen (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = ConsoleAddress.standard.description

    @Flag(help: .hidden)
    var listRoutes = false

    /// What the blocking start-up hands to the server.
    private struct Setup: Sendable {
        var directory: String
        var token: String
        var created: Bool
        var catalog: PluginCatalog
    }

    /// Carries the parsed options to the start-up thread (`@unchecked Sendable`: the caller waits,
    /// suspended, until that thread is done with them, and nothing else touches them meanwhile).
    private struct Handed: @unchecked Sendable {
        let options: EnvironmentOptions
    }

    func run() async throws {
        let address = try ConsoleAddress(parsing: listen)
        let options = self.options
        let handed = Handed(options: options)
        // Loading plugins runs their code and may wait for a trial process: off Swift's cooperative pool.
        let setup = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Setup, any Error>) in
            Thread {
                continuation.resume(
                    with: Result {
                        let environment = try handed.options.loadEnvironment()
                        let (token, created) = try ConsoleToken.load(in: environment.directory)
                        return Setup(
                            directory: environment.directory, token: token, created: created,
                            catalog: handed.options.loadCatalog(environment))
                    })
            }.start()
        }
        let server = ConsoleServer(
            directory: setup.directory, token: setup.token, catalog: setup.catalog,
            logger: options.makeLogger("tandem.console"))
        if listRoutes {
            for route in server.routes { print(route) }
            return
        }
        if setup.created {
            printError(
                "note: made \(ConsoleToken.path(setup.directory)) (mode 0600) for this environment, which was created before the console; log in with the token in it"
            )
        }
        let tokenFile = ConsoleToken.path(setup.directory)
        try await server.run(on: address, logger: options.makeLogger("tandem.console")) { url in
            // The first line of stdout, flushed at once: a script or a test reads the port from it.
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
            printError("console for \(setup.directory) at \(url); log in with the token in \(tokenFile)")
        }
    }
}
