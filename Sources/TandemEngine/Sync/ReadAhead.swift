import Foundation
import Synchronization

/// One read running on a thread of its own while the caller works, taken
/// with ``take()``: initial sync's bulk path reads a side's next chunk while
/// the current one is mapped and copied into the other side, so that the
/// source server's work and the engine's overlap instead of taking turns.
///
/// A thread, not a task: the sides' synchronous calls block their thread
/// (``BlockingAwait`` refuses to run inside a Swift concurrency task), and
/// a read blocking one of the cooperative pool's two threads could starve
/// the very task it waits for.
final class ReadAhead<Value: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Value, any Error>?>(nil)

    /// Starts `read` at once on a new thread named `name`.
    init(name: String, _ read: @escaping @Sendable () throws -> Value) {
        // The thread keeps this object alive until it has left the result.
        let thread = Thread { [self] in
            let result = Result { try read() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits for the read and returns its value, or throws its error. Call it
    /// once: it waits for the thread's one signal.
    func take() throws -> Value {
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
