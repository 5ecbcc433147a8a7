import Foundation

/// What a plugin said about itself the last time this machine loaded it:
/// its descriptor's name, description and ABI, and its maps, DDL and
/// transform catalog as the JSON text it returned.
///
/// Why: commands that only read state (`tandem status`, `tandem maps list`)
/// need a plugin's maps, not its code (issue 17 §1). Describing a plugin from
/// this record runs nothing of it, so a plugin whose `init` aborts, hangs or
/// has side effects on a later call cannot end or stall them.
///
/// Entries live in `$XDG_CACHE_HOME/tandem/plugin-descriptions` (else
/// `~/.cache/…`), one per library build: the name is the library's SHA-256,
/// which the file checks verify against the manifest before the entry is
/// read, and the host ABI. A rebuilt library has a new hash, so an entry is
/// never stale; an entry that does not decode is ignored (the plugin is then
/// loaded). The folder is trusted as the plugin folders are: whoever can
/// write it could as well replace a plugin.
package enum PluginDescriptionCache {
    /// One plugin's record.
    package struct Entry: Codable, Sendable, Equatable {
        /// The descriptor's display name.
        package var name: String
        /// The descriptor's description.
        package var summary: String
        /// The ABI version from the descriptor (`1.0`).
        package var abiVersion: String
        /// The maps document as the plugin returned it, nil without maps.
        package var mapsJSON: String?
        /// The DDL document, nil without one.
        package var ddlJSON: String?
        /// The transform catalog, nil without transforms.
        package var transformsJSON: String?
    }

    /// The folder of entries, nil when neither `XDG_CACHE_HOME` nor `HOME` is set.
    static var directory: String? {
        let environment = ProcessInfo.processInfo.environment
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/tandem/plugin-descriptions" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/tandem/plugin-descriptions" }
        return nil
    }

    /// The entry file of the library with hash `sha256`, for this host's ABI.
    private static func path(sha256: String) -> String? {
        guard !sha256.isEmpty, sha256.allSatisfy(\.isHexDigit), let directory else { return nil }
        return "\(directory)/\(sha256)-abi\(HostABI.major).\(HostABI.minor).json"
    }

    /// The record of the library with hash `sha256`, nil when there is none or it does not decode.
    package static func read(sha256: String) -> Entry? {
        guard let path = path(sha256: sha256), let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    /// Records `entry` for the library with hash `sha256`. Best effort: a
    /// cache that cannot be written only means the next read-only command
    /// loads the plugin, as it did before.
    package static func store(_ entry: Entry, sha256: String) {
        guard let path = path(sha256: sha256), read(sha256: sha256) != entry,
            let data = try? JSONEncoder().encode(entry)
        else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Written aside and renamed: a reader never sees half an entry.
        let temporary = "\(path).\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
