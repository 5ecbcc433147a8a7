import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import TandemEngine

/// `tandem run`: the engine, until SIGINT or SIGTERM.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the sync engine for an environment until SIGINT or SIGTERM.",
        discussion: """
            Installs capture (idempotent), then applies every running map's changes both ways.
            Steer it while it runs with `tandem maps pause|resume|stop|run NAME` and watch it with
            `tandem status --watch`. One engine per environment: a second one is refused.
            """)

    @OptionGroup var options: EnvironmentOptions

    func run() throws {
        let environment = try options.loadEnvironment()
        let lock = try EnvironmentLock(environment)
        let catalog = options.loadCatalog(environment)
        let engine = try SyncEngine(environment: environment, catalog: catalog, logger: options.makeLogger("tandem.engine"))
        let stop = Atomic<Bool>(false)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        printError("engine running for \(environment.directory) (pid \(getpid())); Ctrl-C or SIGTERM stops it")
        try engine.run { stop.load(ordering: .relaxed) }
        sources.forEach { $0.cancel() }
        withExtendedLifetime(lock) {}
        printError("engine stopped cleanly")
    }
}
