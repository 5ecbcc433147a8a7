import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM turned into a flag that a long-running command polls
/// (`tandem run`, `tandem log --follow`), so that it ends its loop and
/// cleans up instead of dying mid-write.
final class StopSignals {
    /// Set from the signal handlers' queue, read by the command's loop.
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    /// Starts catching both signals (their default action is ignored while this lives).
    init() {
        var sources: [any DispatchSourceSignal] = []
        let flag = flag
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { flag.value.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether either signal arrived.
    var received: Bool { flag.value.load(ordering: .relaxed) }

    /// Stops catching them.
    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
