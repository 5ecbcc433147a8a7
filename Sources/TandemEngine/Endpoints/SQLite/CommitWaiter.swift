#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Waits, at no cost, until another connection may have committed to one of
/// a set of SQLite databases: on Linux, inotify on the folders that hold
/// them, filtered to each database's `-wal` file (and, for a database not in
/// WAL mode, the main file and its `-journal`).
///
/// Why the folder and not the files: a `-wal` file comes and goes (SQLite
/// deletes it when the last connection closes, an application may open a
/// side before or after the engine, a side may be replaced by a rename), and
/// a watch on a file follows its inode, not its name. A folder watch sees
/// every file of that name, whenever it is created.
///
/// What a notification means: some process wrote the file. A commit in WAL
/// mode writes its frames with `write(2)` and only then publishes them in the
/// `-shm` index (through `mmap`, which notifies nobody), so a reader woken by
/// the last frame can still miss the commit for a few microseconds. The
/// caller therefore looks again shortly (``settleDelay``) after a wake whose
/// pass found nothing. Writes through `mmap` are not seen at all: SQLite never
/// writes the WAL or (by default) the main file that way.
///
/// Where inotify is not available (not Linux, or the per-user limit of
/// inotify instances reached), ``isWatching`` is false and ``wait(until:)``
/// simply sleeps until the deadline: the caller polls as before.
///
/// Commits that no file announces (a PostgreSQL side) ring the waiter's
/// ``Doorbell`` from the thread that watches them; a ring ends a wait as a
/// notification does.
///
/// Not thread-safe: one thread (the engine's) drains and waits; any thread
/// may ring the doorbell.
final class CommitWaiter {
    /// Why ``wait(until:)`` returned.
    enum Wake: Equatable {
        /// A watched file was written, created, replaced or deleted.
        case notified
        /// The deadline passed with no notification.
        case timedOut
    }

    /// How long after a notified pass that found nothing the caller looks
    /// again: covers the gap between a commit's last `write(2)` and its
    /// publication in the `-shm` index (microseconds, unless the writer is
    /// descheduled in between).
    static let settleDelay = Duration.milliseconds(2)

    /// The inotify descriptor; -1 when not watching.
    private var descriptor: Int32 = -1
    /// Watch descriptor → the file names in that folder that count.
    private var names: [Int32: Set<String>] = [:]
    /// Why watching is off (for the log), nil while watching.
    private(set) var unavailable: String?
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    /// The doorbell's pipe: read end (polled with the inotify descriptor), write end.
    private let bell: (read: Int32, write: Int32)

    /// Ends the waiter's current or next wait as a notification; safe from any thread.
    struct Doorbell: Sendable {
        fileprivate let descriptor: Int32

        /// Rings: one byte into the pipe. A full pipe (64 KiB of rings not
        /// drained yet) drops it, which loses nothing: the waiter will wake.
        func ring() {
            var byte: UInt8 = 1
            _ = write(descriptor, &byte, 1)
        }
    }

    /// The doorbell of this waiter; valid while the waiter lives.
    var doorbell: Doorbell { Doorbell(descriptor: bell.write) }

    /// Whether commits are notified; false: ``wait(until:)`` sleeps to its deadline.
    var isWatching: Bool { descriptor >= 0 }

    /// Watches the folders of `databases` (paths of SQLite main files, which
    /// need not exist yet).
    init(databases: [String]) {
        var pipeEnds: [Int32] = [-1, -1]
        if pipe(&pipeEnds) == 0 {
            for end in pipeEnds {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        } else {
            pipeEnds = [-1, -1]
        }
        bell = (pipeEnds[0], pipeEnds[1])
        #if os(Linux)
            let fd = inotify_init1(Int32(O_NONBLOCK | O_CLOEXEC))
            guard fd >= 0 else {
                unavailable = "inotify_init1: \(String(cString: strerror(errno)))"
                return
            }
            var byFolder: [String: Set<String>] = [:]
            for database in databases {
                // SQLite puts the -wal next to the file a symlink names.
                let path = Self.resolved(database)
                let slash = path.lastIndex(of: "/")
                let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
                let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
                byFolder[folder, default: []].formUnion([base, base + "-wal", base + "-journal"])
            }
            let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE)
            for (folder, files) in byFolder {
                let watch = inotify_add_watch(fd, folder, mask)
                guard watch >= 0 else {
                    unavailable = "inotify_add_watch \(folder): \(String(cString: strerror(errno)))"
                    close(fd)
                    return
                }
                names[watch, default: []].formUnion(files)
            }
            descriptor = fd
        #else
            unavailable = "no inotify on this system"
        #endif
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if bell.read >= 0 { close(bell.read) }
        if bell.write >= 0 { close(bell.write) }
    }

    /// Empties the doorbell's pipe; true when it had been rung.
    private func drainBell() -> Bool {
        guard bell.read >= 0 else { return false }
        var rung = false
        var bytes = [UInt8](repeating: 0, count: 256)
        while bytes.withUnsafeMutableBytes({ read(bell.read, $0.baseAddress, $0.count) }) > 0 { rung = true }
        return rung
    }

    /// Consumes the notifications so far; returns whether any of them
    /// counts. Call it before a pass, not after: what is written during the
    /// pass then stays queued and ends the next wait at once.
    @discardableResult
    func drain() -> Bool {
        var relevant = drainBell()
        guard isWatching else { return relevant }
        while let batch = readEvents() {
            relevant = relevant || batch
        }
        return relevant
    }

    /// Blocks until a watched file changes or `deadline` passes.
    func wait(until deadline: ContinuousClock.Instant) -> Wake {
        guard isWatching else {
            let left = deadline - .now
            if left > .zero { Self.nap(left) }
            return .timedOut
        }
        while true {
            let left = deadline - .now
            guard left > .zero else { return .timedOut }
            var entries = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: bell.read, events: Int16(POLLIN), revents: 0),
            ]
            // Rounded up: a deadline 0.3 ms away must not turn into a busy loop of 0 ms polls.
            let milliseconds = Int32(clamping: (left.components.seconds * 1000) + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            let ready = poll(&entries, bell.read >= 0 ? 2 : 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                // Not expected with a valid descriptor; waiting as a sleep keeps the caller's cadence.
                Self.nap(left)
                return .timedOut
            }
            guard ready > 0 else { continue }
            // Other files in the folders (logs, other databases) wake the thread but not the caller.
            if drain() { return .notified }
        }
    }

    /// Reads one buffer of events; nil when none are queued. True when one
    /// of them names a watched file, or when the kernel dropped events
    /// (queue overflow) or a watched folder went away: either may hide a commit.
    private func readEvents() -> Bool? {
        #if os(Linux)
            guard isWatching else { return nil }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            var relevant = false
            var offset = 0
            // struct inotify_event: wd (int32), mask, cookie, len (uint32), then len bytes of NUL-padded name.
            let header = 16
            while offset + header <= count {
                let (watch, mask, length) = buffer.withUnsafeBytes { bytes in
                    (
                        bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    relevant = true
                } else if mask & UInt32(IN_IGNORED) != 0 {
                    // The folder was removed or unmounted: no more notifications will come for it.
                    relevant = true
                    stopWatching("a watched folder was removed")
                } else if length > 0, let files = names[watch] {
                    let start = offset + header
                    let end = buffer[start..<min(start + length, count)].firstIndex(of: 0) ?? min(start + length, count)
                    if files.contains(String(decoding: buffer[start..<end], as: UTF8.self)) { relevant = true }
                }
                offset += header + length
            }
            return relevant
        #else
            return nil
        #endif
    }

    /// From now on ``wait(until:)`` sleeps to its deadline (the caller polls).
    private func stopWatching(_ reason: String) {
        unavailable = reason
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        names = [:]
    }

    private static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    private static func nap(_ duration: Duration) {
        var time = timespec(
            tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var left = timespec()
        while nanosleep(&time, &left) != 0, errno == EINTR { time = left }
    }
}
