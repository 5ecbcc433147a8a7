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
/// call the record is written at offset 0 (`C` and a JSON line), after it
/// one byte (`I`) marks it returned. Both are a `pwrite` into the page cache
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

        /// Creates an entry.
        package init(plugin: String, transform: String, map: String, direction: String, keys: [String], narrowing: Bool) {
            self.plugin = plugin
            self.transform = transform
            self.map = map
            self.direction = direction
            self.keys = keys
            self.narrowing = narrowing
        }
    }

    /// The open journal file; the mutex keeps two threads' records (the
    /// engine's loop and a write-through) from interleaving.
    private let descriptor: Mutex<Int32>

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
        descriptor = Mutex(opened)
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    /// Records `entry` as the call in progress, before the plugin is called.
    package func begin(_ entry: Entry) {
        var bytes = Array("C".utf8)
        bytes += (try? JSONEncoder().encode(entry)).map(Array.init) ?? []
        bytes.append(UInt8(ascii: "\n"))
        descriptor.withLock { _ = pwrite($0, bytes, bytes.count, 0) }
    }

    /// Marks the recorded call returned.
    package func end() {
        let idle: [UInt8] = [UInt8(ascii: "I")]
        descriptor.withLock { _ = pwrite($0, idle, 1, 0) }
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
        if let data = try? JSONEncoder().encode(entry) { FileManager.default.createFile(atPath: path, contents: data) }
        return true
    }

    /// The call that was in progress when the last process journaling in
    /// `file` of the environment in `directory` ended, or nil when none was
    /// (it ended between calls).
    package static func unfinished(in directory: String, file: String = engineFile) -> Entry? {
        guard let data = FileManager.default.contents(atPath: path(directory, file: file)), data.first == UInt8(ascii: "C"),
            let end = data.firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data[data.index(after: data.startIndex)..<end])
    }
}
