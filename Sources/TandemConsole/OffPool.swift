import Foundation

/// Runs the engine's blocking calls (SQLite with a busy timeout, a
/// PostgreSQL side's waits, a retry waiting for the running engine) on a
/// thread of their own: Swift's cooperative pool has one thread per core,
/// and a request handler blocked on one of them would stall the server, or
/// deadlock it when the blocked call waits for async work on that pool.
enum OffPool {
    /// `body`'s result, computed on a new thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "tandem-console-work"
            // As much stack as the main thread: the engine and plugins were written for it.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
