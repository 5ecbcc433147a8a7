import Foundation
@testable import TandemEngine
import TandemTestSupport
import Testing

/// The plugin call journal on a real file: each call in progress has a slot
/// of its own, so that a crash while the engine's loop and a write-through
/// are both in plugins names both batches, not whichever wrote last.
@Suite("The plugin call journal keeps every call in progress")
struct PluginCallJournalTests {
    static func entry(_ map: String, keys: [String]) -> PluginCallJournal.Entry {
        PluginCallJournal.Entry(
            plugin: "com.example.p", transform: "com.example.t", map: map, direction: "erp-to-crm", keys: keys,
            narrowing: false)
    }

    /// The calls `unfinished` reads back, without their start times (checked on their own in ``startTimes()``).
    static func unfinished(in directory: String, file: String = PluginCallJournal.engineFile) -> [PluginCallJournal.Entry] {
        PluginCallJournal.unfinished(in: directory, file: file).map { entry in
            var entry = entry
            entry.startedAt = nil
            return entry
        }
    }

    @Test("Each call records when it began, within the time it was begun; the watchdog reads it back in this process")
    func startTimes() throws {
        let directory = try Fixtures.temporaryDirectory("journal-times")
        let journal = try PluginCallJournal(directory: directory)
        let before = Date().timeIntervalSince1970 * 1000
        let call = journal.begin(Self.entry("a", keys: ["'usmf','1'"]))
        let after = Date().timeIntervalSince1970 * 1000
        let started = try #require(PluginCallJournal.unfinished(in: directory).first?.startedAt)
        #expect(started >= before && started <= after, "\(before) ≤ \(started) ≤ \(after)")
        #expect(journal.inProgress().values.map(\.startedAt) == [started])
        journal.end(call)
        #expect(journal.inProgress().isEmpty)
    }

    @Test("Two calls in progress are both read back; one that returned is not; a cleared journal holds none")
    func slots() throws {
        let directory = try Fixtures.temporaryDirectory("journal")
        #expect(PluginCallJournal.unfinished(in: directory).isEmpty, "no file yet")
        let journal = try PluginCallJournal(directory: directory)
        let loop = journal.begin(Self.entry("a", keys: ["'usmf','1'", "'usmf','2'"]))
        // A batch of 2,000 long keys still fits its slot, whole.
        let long = (1...2000).map { "'usmf','\(String(repeating: "k", count: 200))-\($0)'" }
        let writeThrough = journal.begin(Self.entry("b", keys: long))
        #expect(Self.unfinished(in: directory) == [Self.entry("a", keys: ["'usmf','1'", "'usmf','2'"]), Self.entry("b", keys: long)])

        journal.end(loop)
        #expect(Self.unfinished(in: directory) == [Self.entry("b", keys: long)])
        // The freed slot is taken again; the other call is still in progress.
        let next = journal.begin(Self.entry("c", keys: ["'usmf','3'"]))
        #expect(Self.unfinished(in: directory) == [Self.entry("c", keys: ["'usmf','3'"]), Self.entry("b", keys: long)])
        journal.end(writeThrough)
        journal.end(next)
        #expect(PluginCallJournal.unfinished(in: directory).isEmpty)

        _ = journal.begin(Self.entry("d", keys: ["'usmf','4'"]))
        journal.clear()
        #expect(PluginCallJournal.unfinished(in: directory).isEmpty)
        // Another environment's journal file (initial sync's) is apart.
        let initial = try PluginCallJournal(directory: directory, file: PluginCallJournal.initialSyncFile)
        _ = initial.begin(Self.entry("e", keys: ["'usmf','5'"]))
        #expect(PluginCallJournal.unfinished(in: directory).isEmpty)
        #expect(
            Self.unfinished(in: directory, file: PluginCallJournal.initialSyncFile) == [
                Self.entry("e", keys: ["'usmf','5'"])
            ])
    }

    @Test("The slots are sparse: a journal with a call in its second slot takes kilobytes on disk, not its 64 MiB offset")
    func sparse() throws {
        let directory = try Fixtures.temporaryDirectory("journal")
        let journal = try PluginCallJournal(directory: directory)
        _ = journal.begin(Self.entry("a", keys: ["'usmf','1'"]))
        _ = journal.begin(Self.entry("b", keys: ["'usmf','2'"]))
        var info = stat()
        #expect(stat(PluginCallJournal.path(directory), &info) == 0)
        #expect(Int64(info.st_size) > PluginCallJournal.slotSize)
        #expect(Int64(info.st_blocks) * 512 < 1 << 20, "\(info.st_blocks) blocks")
    }
}
