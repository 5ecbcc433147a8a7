#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An exclusive lock on an environment, held by the one engine that syncs it
/// (two engines would apply the same changes twice). The kernel drops it when
/// the process dies, so a `kill -9` never leaves a stale lock.
public final class EnvironmentLock {
    private let descriptor: Int32

    /// Takes the lock for `environment`, or throws naming the holder.
    public init(_ environment: TandemEnvironment) throws(SyncError) {
        let path = environment.directory + "/.engine.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SyncError(.locked, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, 31, 0)
            let holder = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingSpaces : "another process"
            close(descriptor)
            throw SyncError(
                .locked,
                "an engine (pid \(holder)) is already running environment \(environment.directory); stop it first (SIGINT or SIGTERM)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    /// Whether some process holds the lock of `environment` now.
    public static func isHeld(_ environment: TandemEnvironment) -> Bool {
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

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.filter { !$0.isWhitespace })
    }
}
