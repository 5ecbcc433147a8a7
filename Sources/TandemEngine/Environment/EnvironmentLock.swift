#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An exclusive lock on an environment, held by the one engine that syncs it
/// (two engines would apply the same changes twice). The kernel drops it when
/// the process dies, so a `kill -9` never leaves a stale lock.
package final class EnvironmentLock {
    private let descriptor: Int32

    /// Who holds the lock: the engine for as long as it runs, or a command
    /// (`tandem errors retry`, `tandem write`) that does one job while no engine runs.
    package enum Holder: String, Sendable {
        case engine
        case command
    }

    /// Takes the lock for `environment`, or throws naming the holder. An
    /// engine waits up to `wait` for a command holding it to finish its job.
    package init(_ environment: TandemEnvironment, as holder: Holder = .engine, wait: Duration = .seconds(30)) throws(SyncError) {
        let path = environment.directory + "/.engine.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SyncError(.locked, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = ContinuousClock.now + wait
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = pread(descriptor, &buffer, 63, 0)
            let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
            let parts = text.split(whereSeparator: \.isWhitespace)
            let pid = parts.first.map(String.init) ?? "another process"
            if holder == .engine, parts.dropFirst().first == "command", ContinuousClock.now < deadline {
                usleep(20_000)
                continue
            }
            close(descriptor)
            if parts.dropFirst().first == "command" {
                throw SyncError(.locked, "a tandem command (pid \(pid)) is working on environment \(environment.directory); try again in a moment")
            }
            throw SyncError(
                .locked,
                "an engine (pid \(pid)) is already running environment \(environment.directory); stop it first (SIGINT or SIGTERM)")
        }
        let line = Array("\(getpid()) \(holder.rawValue)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, line, line.count, 0)
    }

    /// Whether some process holds the lock of `environment` now.
    package static func isHeld(_ environment: TandemEnvironment) -> Bool {
        let descriptor = open(environment.directory + "/.engine.lock", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
