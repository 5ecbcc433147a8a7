import Foundation

/// Runs the PostgreSQL endpoint's async calls for the engine's synchronous
/// code, blocking the calling thread until they finish.
///
/// The engine runs on threads of its own (the live loop, housekeeping, the
/// write-through caller) and reaches a side through the synchronous
/// ``SideEndpoint``; `TandemPostgreSQL` is an actor over postgres-nio, whose
/// work runs on Swift's cooperative thread pool and NIO's event loops. The
/// calling thread waits on a semaphore while a detached task does the work.
///
/// That is safe only on a thread that is not one of the cooperative pool's:
/// the pool has as many threads as cores (two on the reference machine), and
/// a pool thread blocked here could be the one the task needs, so two such
/// waits would hang the process. ``run(_:)`` therefore refuses to run inside
/// a Swift concurrency task (a precondition failure naming the cause,
/// rather than a hang); tests call the endpoint from a thread of their own.
package enum BlockingAwait {
    /// The result of `operation`, waited for on this (non-task) thread.
    package static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        refuseInTask()
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        Task.detached {
            do {
                outcome.result = .success(try await operation())
            } catch {
                outcome.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try outcome.result!.get()
    }

    /// Stops with a message naming the cause when called inside a Swift concurrency task: a
    /// blocking wait there could hold the thread the awaited work needs (see above).
    package static func refuseInTask() {
        let inTask = withUnsafeCurrentTask { $0 != nil }
        precondition(
            !inTask,
            "a PostgreSQL side was called synchronously from inside a Swift concurrency task; "
                + "call it from a thread of its own (see BlockingAwait)")
    }

    /// Where the task leaves its result for the waiting thread.
    ///
    /// `@unchecked Sendable`: written once by the task before it signals the
    /// semaphore, read once by the waiting thread after the wait returns; the
    /// semaphore orders the two, so no lock is needed.
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}
