import Foundation
public import TandemDocuments

/// Packs a built library into a plugin directory with its manifest.
///
/// The manifest is the source manifest (`tandem-plugin.json`) plus the
/// library's file name and SHA-256, so that the loader can check what it is
/// about to load without running it.
public enum PluginPackager {
    /// Copies `library` into `directory` (created if needed), writes
    /// `<name>.manifest.json` next to it and returns the manifest.
    /// Both files get mode 0644/0755 so that the loader's checks pass.
    @discardableResult
    public static func pack(library: String, sourceManifest: String, into directory: String) throws -> PluginManifest {
        let source: PluginManifest
        do {
            source = try PluginManifest.decode(
                Data(contentsOf: URL(fileURLWithPath: sourceManifest)), document: "source manifest \(sourceManifest)")
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError(document: "source manifest \(sourceManifest)", reason: "cannot read it: \(error.localizedDescription)")
        }
        return try pack(library: library, manifest: source, into: directory)
    }

    /// Like ``pack(library:sourceManifest:into:)`` with the source manifest as a value.
    @discardableResult
    public static func pack(library: String, manifest source: PluginManifest, into directory: String) throws
        -> PluginManifest
    {
        let files = FileManager.default
        guard files.fileExists(atPath: library) else {
            throw DocumentError(document: "library \(library)", reason: "does not exist; build it first")
        }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = (library as NSString).lastPathComponent
        let target = (directory as NSString).appendingPathComponent(name)
        let temporary = target + ".packing"
        try? files.removeItem(atPath: temporary)
        try files.copyItem(atPath: library, toPath: temporary)
        if case .failure(let error) = SystemCalls.setMode(temporary, 0o755) {
            throw DocumentError(document: "library \(target)", reason: "cannot set its mode: \(error)")
        }
        var manifest = source
        manifest.library = name
        manifest.sha256 = try FileHash.sha256(of: temporary)
        let manifestPath = target + PluginManifest.fileSuffix
        try Data(manifest.encodedJSON().utf8).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        if case .failure(let error) = SystemCalls.setMode(manifestPath, 0o644) {
            throw DocumentError(document: "manifest \(manifestPath)", reason: "cannot set its mode: \(error)")
        }
        // Rename last, so that a reader never sees a library without its manifest.
        if files.fileExists(atPath: target) { try files.removeItem(atPath: target) }
        try files.moveItem(atPath: temporary, toPath: target)
        return manifest
    }
}
