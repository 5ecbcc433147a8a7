import Foundation
import Hummingbird
package import Logging
package import TandemPluginHost

/// `tandem console`: the admin console's HTTP server (issue 20), on
/// Hummingbird. It serves the pages and the `/api/v1` API for one
/// environment, beside a running engine or without one (a change then waits
/// for `tandem run`, as the CLI's does), and runs until SIGINT or SIGTERM.
package struct ConsoleServer: Sendable {
    /// The environment folder.
    let directory: String
    /// The environment's console token.
    let token: String
    /// What the API does.
    let operations: ConsoleOperations

    /// A server for the environment at `directory`, with its `token` and the plugins of `catalog`.
    package init(directory: String, token: String, catalog: PluginCatalog, logger: Logger) {
        self.directory = directory
        self.token = token
        operations = ConsoleOperations(directory: directory, catalog: catalog, logger: logger)
    }

    /// The router: the loopback check first, then the pages and the API.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LoopbackHostMiddleware())
        let auth = ConsoleAuth(token: token, sessions: ConsoleSessions())
        ConsolePages(auth: auth, environment: directory, operations: operations).register(on: router)
        ConsoleAPI(operations: operations, auth: auth).register(on: router)
        return router
    }

    /// Every route as `METHOD PATH`, sorted: what `tandem console --list-routes` prints for the test
    /// that holds docs/console-openapi.yaml equal to the server.
    package var routes: [String] {
        router().routes.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// Serves on `address` until SIGINT or SIGTERM; `listening` gets the URL once the socket is bound
    /// (with the port the system chose, for port 0).
    package func run(
        on address: ConsoleAddress, logger: Logger, listening: @escaping @Sendable (String) -> Void
    ) async throws {
        // Hummingbird logs each request at info; outside --verbose only what is critical.
        var serverLogger = logger
        if serverLogger.logLevel > .debug { serverLogger.logLevel = .critical }
        let app = Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "tandem-console"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                var bound = address
                bound.port = port
                listening("http://\(bound)/")
            },
            logger: serverLogger)
        try await app.runService()
    }
}
