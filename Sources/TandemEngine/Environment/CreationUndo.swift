import Foundation

/// What `tandem init` must remove when it fails part-way: the folder and
/// the missing folders above it when it made them, else only the entries it
/// added to the folder. Taken before anything is written, so that what was
/// there before (a `plugins/` folder with a packed plugin, a side database
/// copied in) is never deleted.
struct CreationUndo {
    /// The environment folder.
    let directory: String
    /// The outermost folder that did not exist yet (the folder itself, or one above it), if any.
    private let outermostNew: String?
    /// The folder's entries before, when it existed.
    private let existing: Set<String>

    /// Notes what exists at `directory` now.
    init(directory: String) {
        self.directory = directory
        var outermost: String?
        var path = URL(fileURLWithPath: directory)
        while path.path != "/", !FileManager.default.fileExists(atPath: path.path) {
            outermost = path.path
            path = path.deletingLastPathComponent()
        }
        outermostNew = outermost
        existing = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }

    /// Removes what was made since. Best effort: a failure to remove must
    /// not hide the error that made `init` fail.
    func run() {
        if let outermostNew {
            try? FileManager.default.removeItem(atPath: outermostNew)
            return
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !existing.contains(entry) {
            try? FileManager.default.removeItem(atPath: directory + "/" + entry)
        }
    }
}
