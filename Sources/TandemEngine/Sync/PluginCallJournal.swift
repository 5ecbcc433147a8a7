import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The plugin call in progress, in a small file of the environment
/// (`.plugin-calls` for `tandem run`'s engine, `.initial-sync-calls` for
/// `tandem maps initial-sync`), so that the process started after a crash
/// knows which batch of which map the plugin crashed on (issue 17 §2). The
/// two never share a file: both may run at once, on different maps.
///
/// One record per batch handed to a transform, never per row: before the
/// call the record is written at the start of a free slot (`C` and a JSON
/// line; each call in progress has its own slot, so that two threads in
/// plugins at the moment of a crash are both named), after it one byte (`I`)
/// marks it returned. Both are a `pwrite` into the page cache
/// with no `fsync`: the record has to outlive the engine process (a crash,
/// a `kill -9`), which the kernel's page cache does, not the machine (a power
/// loss is not a plugin crash). Two small syscalls per transform call
/// cost about 2 µs; a 2,000-change batch takes milliseconds.
package final class PluginCallJournal: Sendable {
    /// One recorded call.
    package struct Entry: Codable, Hashable, Sendable {
        /// The plugin's id.
        package var plugin: String
        /// The transform called.
        package var transform: String
        /// The map whose rows it was given.
        package var map: String
        /// The direction, as ``SyncDirection``'s raw value.
        package var direction: String
        /// The source keys of the rows in the batch, as `'usmf','G1'`.
        package var keys: [String]
        /// Whether the call re-ran part of a batch that crashed before: a
        /// crash in it narrows the search for the row, and is not one more
        /// crash towards the plugin's crash limit.
        package var narrowing: Bool
        /// When the call began (ms since the epoch; set by ``PluginCallJournal/begin(_:)``): a call
        /// in progress for long is stuck, which `tandem status` shows and the watchdog logs.
        package var startedAt: Double?

        /// Creates an entry.
        package init(
            plugin: String, transform: String, map: String, direction: String, keys: [String], narrowing: Bool,
            startedAt: Double? = nil
        ) {
            self.plugin = plugin
            self.transform = transform
            self.map = map
            self.direction = direction
            self.keys = keys
            self.narrowing = narrowing
            self.startedAt = startedAt
        }
    }

    /// The open journal file and the slots in use, with their calls.
    private struct Slots {
        var descriptor: Int32
        var busy: [Int: Entry] = [:]
    }
    /// The mutex keeps two threads' records (the engine's loop and a
    /// write-through) from taking one slot.
    private let state: Mutex<Slots>

    /// The file name of `tandem run`'s journal.
    package static let engineFile = ".plugin-calls"
    /// The file name of `tandem maps initial-sync`'s journal.
    package static let initialSyncFile = ".initial-sync-calls"

    /// The environment's folder.
    package let directory: String
    /// This journal's file name in it.
    package let file: String

    /// The journal file `file` of the environment in `directory`.
    package static func path(_ directory: String, file: String = engineFile) -> String { directory + "/" + file }

    /// Opens (or creates) the journal `file` of the environment in `directory`.
    package init(directory: String, file: String = engineFile) throws(SyncError) {
        self.directory = directory
        self.file = file
        let path = Self.path(directory, file: file)
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw SyncError(.configuration, "cannot open the plugin call journal \(path): \(String(cString: strerror(errno)))")
        }
        state = Mutex(Slots(descriptor: opened))
    }

    deinit {
        state.withLock { _ = close($0.descriptor) }
    }

    /// How many calls may be recorded at once: the engine's loop and the
    /// write-throughs it serves each hold one while in a plugin. A ninth
    /// concurrent call shares the last slot (the record is then a guess).
    static let slotCount = 8
    /// Bytes per slot: the file is sparse, so a slot costs only what its
    /// record holds; a batch's keys fit many times over.
    static let slotSize: Int64 = 1 << 26

    /// A call in progress: the slot its record is in (see ``begin(_:)``).
    package struct Call: Sendable {
        fileprivate let slot: Int
    }

    /// Records `entry` as a call in progress, before the plugin is called;
    /// ``end(_:)`` marks it returned. Each call in progress has a slot of its
    /// own, so that a crash while two threads are in plugins names both.
    package func begin(_ entry: Entry) -> Call {
        var entry = entry
        entry.startedAt = Date().timeIntervalSince1970 * 1000
        var bytes = Array("C".utf8)
        bytes += (try? JSONEncoder().encode(entry)).map(Array.init) ?? []
        bytes.append(UInt8(ascii: "\n"))
        return state.withLock { state in
            let slot = (0..<Self.slotCount).first { state.busy[$0] == nil } ?? Self.slotCount - 1
            state.busy[slot] = entry
            _ = pwrite(state.descriptor, bytes, min(bytes.count, Int(Self.slotSize)), off_t(Int64(slot) * Self.slotSize))
            return Call(slot: slot)
        }
    }

    /// Marks the call returned.
    package func end(_ call: Call) {
        let idle: [UInt8] = [UInt8(ascii: "I")]
        state.withLock { state in
            _ = pwrite(state.descriptor, idle, 1, off_t(Int64(call.slot) * Self.slotSize))
            state.busy[call.slot] = nil
        }
    }

    /// The calls in progress now in this process, by slot (what ``PluginCallWatchdog`` watches).
    package func inProgress() -> [Int: Entry] {
        state.withLock { $0.busy }
    }

    /// Forgets every record: the process after a crash has read them.
    package func clear() {
        state.withLock { _ = ftruncate($0.descriptor, 0) }
    }

    /// The file that remembers the last call forgiven a SIGKILL (see ``forgiveKill(_:in:)``).
    static func killedPath(_ directory: String, file: String) -> String { directory + "/" + file + "-killed" }

    /// Whether a SIGKILL during `entry` is forgiven: the first one is (and
    /// remembered), a second on the same batch is not. A plugin never sends
    /// itself SIGKILL by a fault of its own: it comes from outside (`kill
    /// -9`, the kernel's out-of-memory killer), so blaming the row the
    /// plugin held would park a good row. But a transform that eats all
    /// memory on one row is killed on that row every time; so the same
    /// batch (same plugin, transform, map, direction and first key: the
    /// batch starts where the checkpoint is) killed twice is a crash.
    package static func forgiveKill(_ entry: Entry, in directory: String, file: String = engineFile) -> Bool {
        let path = killedPath(directory, file: file)
        let same = { (other: Entry) in
            other.plugin == entry.plugin && other.transform == entry.transform && other.map == entry.map
                && other.direction == entry.direction && other.keys.first == entry.keys.first
        }
        if let data = FileManager.default.contents(atPath: path),
            let before = try? JSONDecoder().decode(Entry.self, from: data), same(before)
        {
            try? FileManager.default.removeItem(atPath: path)
            return false
        }
        if let data = try? JSONEncoder().encode(entry) { _ = FileManager.default.createFile(atPath: path, contents: data) }
        return true
    }

    /// The calls that were in progress when the last process journaling in
    /// `file` of the environment in `directory` ended, in slot order; empty
    /// when none was (it ended between calls).
    package static func unfinished(in directory: String, file: String = engineFile) -> [Entry] {
        let descriptor = open(path(directory, file: file), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var entries: [Entry] = []
        for slot in 0..<slotCount {
            let start = off_t(Int64(slot) * slotSize)
            var line: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            // Read up to the record's newline (a record is far smaller than its slot).
            while line.count < Int(slotSize) {
                let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, start + off_t(line.count)) }
                guard count > 0 else { break }
                if let end = chunk[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                    line += chunk[..<end]
                    break
                }
                line += chunk[..<count]
            }
            guard line.first == UInt8(ascii: "C"), let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.dropFirst()))
            else { continue }
            entries.append(entry)
        }
        return entries
    }
}
