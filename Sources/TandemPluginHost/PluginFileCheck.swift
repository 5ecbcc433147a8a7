import Foundation
import TandemDocuments

/// The checks made before `dlopen`, which already runs a library's
/// constructors: so nothing of the plugin runs until they pass.
///
/// A file passes when it is a regular file whose real path is inside its
/// plugin directory, is neither group- nor world-writable, and has a valid
/// manifest (equally protected) whose ABI major, toolchain and SHA-256 match.
enum PluginFileCheck {
    /// What the checks learnt about a file that passed.
    struct Passed {
        /// The manifest, parsed and validated.
        var manifest: PluginManifest
        /// The library's real path (symlinks resolved), which `dlopen` gets.
        var realPath: String
    }

    /// Checks `file` (a path inside `directory`). Throws the first refusal.
    static func check(file: String, directory: String) throws(PluginRefusal) -> Passed {
        func refuse(_ code: PluginRefusal.Code, _ reason: String) -> PluginRefusal {
            PluginRefusal(file: file, code: code, reason: reason)
        }
        let realDirectory: String
        switch SystemCalls.realPath(directory) {
        case .success(let path): realDirectory = path
        case .failure(let error): throw refuse(.unreadable, "plugin directory \(directory) cannot be read: \(error)")
        }
        if case .success(let status) = SystemCalls.status(realDirectory, followSymlinks: true), status.mode & 0o022 != 0 {
            throw refuse(
                .writableByOthers,
                "its plugin directory \(realDirectory) is group- or world-writable (mode \(String(status.mode, radix: 8))), so anyone could drop a library into it; run `chmod go-w \(realDirectory)`")
        }
        let linkStatus: SystemCalls.FileStatus
        switch SystemCalls.status(file, followSymlinks: false) {
        case .success(let status): linkStatus = status
        case .failure(let error): throw refuse(.unreadable, "cannot examine the file: \(error)")
        }
        let realPath: String
        switch SystemCalls.realPath(file) {
        case .success(let path): realPath = path
        case .failure(let error):
            throw refuse(.unreadable, linkStatus.isSymlink ? "is a dangling symlink: \(error)" : "cannot resolve the path: \(error)")
        }
        guard realPath.hasPrefix(realDirectory + "/") else {
            throw refuse(
                .symlinkEscape,
                "is a symlink to \(realPath), outside the plugin directory \(realDirectory); copy the library into the directory instead")
        }
        try checkProtected(realPath, what: "the library", refuse: refuse)

        let manifestPath = file + PluginManifest.fileSuffix
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw refuse(
                .manifestMissing,
                "has no manifest (expected \(manifestPath)); create it with `tandem plugins pack \(file) --manifest tandem-plugin.json --into \(directory)`")
        }
        try checkProtected(manifestPath, what: "its manifest", refuse: refuse)
        let manifest: PluginManifest
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
            manifest = try PluginManifest.decode(data, document: "manifest \(manifestPath)")
        } catch let error as DocumentError {
            throw refuse(.manifestInvalid, error.description)
        } catch {
            throw refuse(.manifestInvalid, "cannot read manifest \(manifestPath): \(error)")
        }
        let fileName = (file as NSString).lastPathComponent
        if let library = manifest.library, library != fileName {
            throw refuse(.manifestInvalid, "manifest \(manifestPath) describes library '\(library)', not '\(fileName)'")
        }
        guard manifest.abiMajor == HostABI.major else {
            throw refuse(
                .abiMismatch,
                "manifest says ABI major \(manifest.abiMajor), but this Tandem speaks ABI major \(HostABI.major); rebuild the plugin against SDK/include/tandem_plugin.h of this Tandem")
        }
        if let reason = HostToolchain.incompatibility(of: manifest.toolchain) {
            throw refuse(.toolchainMismatch, reason)
        }
        guard let expected = manifest.sha256 else {
            throw refuse(.manifestInvalid, "manifest \(manifestPath) has no sha256; pack the plugin with `tandem plugins pack`")
        }
        let actual: String
        do {
            actual = try FileHash.sha256(of: realPath)
        } catch {
            throw refuse(.unreadable, "cannot read the library to hash it: \(error)")
        }
        guard actual == expected.lowercased() else {
            throw refuse(
                .hashMismatch,
                "SHA-256 of the library is \(actual) but its manifest says \(expected.lowercased()): the file changed after it was packed; repack it with `tandem plugins pack` if the change is yours")
        }
        return Passed(manifest: manifest, realPath: realPath)
    }

    private static func checkProtected(
        _ path: String, what: String, refuse: (PluginRefusal.Code, String) -> PluginRefusal
    ) throws(PluginRefusal) {
        let status: SystemCalls.FileStatus
        switch SystemCalls.status(path, followSymlinks: true) {
        case .success(let value): status = value
        case .failure(let error): throw refuse(.unreadable, "cannot examine \(what): \(error)")
        }
        guard status.isRegular else {
            throw refuse(.notRegularFile, "\(what) is not a regular file")
        }
        // Anyone who can write the file can make the host run their code.
        let user = SystemCalls.effectiveUserID()
        guard status.owner == 0 || status.owner == user else {
            throw refuse(
                .writableByOthers,
                "\(what) belongs to user \(status.owner), neither root nor the user running tandem (\(user)); run `chown \(user) \(path)` if you trust it")
        }
        if status.mode & 0o022 != 0 {
            throw refuse(
                .writableByOthers,
                "\(what) is group- or world-writable (mode \(String(status.mode, radix: 8))); run `chmod go-w \(path)`")
        }
    }
}
