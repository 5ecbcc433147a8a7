/// Why the host did not load a plugin file: the file and the reason.
///
/// Every check of the loader has its own code, so scripts (and tests) can
/// tell the reasons apart without parsing the message.
public struct PluginRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable name for the reason.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `manifest-missing`.
        public let name: String

        /// The path does not exist or cannot be examined.
        public static let unreadable = Code(name: "unreadable")
        /// A symlink leading outside the plugin directory.
        public static let symlinkEscape = Code(name: "symlink-escape")
        /// Not a regular file.
        public static let notRegularFile = Code(name: "not-regular-file")
        /// Group- or world-writable.
        public static let writableByOthers = Code(name: "writable-by-others")
        /// No manifest next to the library.
        public static let manifestMissing = Code(name: "manifest-missing")
        /// The manifest does not parse or validate, or names another library.
        public static let manifestInvalid = Code(name: "manifest-invalid")
        /// The library's SHA-256 differs from the manifest's.
        public static let hashMismatch = Code(name: "hash-mismatch")
        /// An ABI major version the host does not speak.
        public static let abiMismatch = Code(name: "abi-mismatch")
        /// A Swift plugin built with another toolchain minor version.
        public static let toolchainMismatch = Code(name: "toolchain-mismatch")
        /// `dlopen` failed (not a shared library, missing dependency).
        public static let loadFailed = Code(name: "load-failed")
        /// The entry symbol is missing.
        public static let entryMissing = Code(name: "entry-missing")
        /// The entry returned NULL.
        public static let noDescriptor = Code(name: "no-descriptor")
        /// The descriptor or a provider is too small, incomplete or disagrees with the manifest.
        public static let invalidDescriptor = Code(name: "invalid-descriptor")
        /// A JSON document of the plugin does not parse or validate.
        public static let invalidDocument = Code(name: "invalid-document")
        /// Another plugin already has this id, or provides the same map or transform.
        public static let duplicate = Code(name: "duplicate")
        /// The plugin's `init` failed.
        public static let initFailed = Code(name: "init-failed")
        /// Loading it (its constructors, entry point or `init`) crashed the process that tried it.
        public static let loadCrashed = Code(name: "load-crashed")
        /// Loading it did not finish within the time limit (an `init` that never returns).
        public static let loadTimeout = Code(name: "load-timeout")

        /// The name.
        public var description: String { name }
    }

    /// The library file (as found in the plugin directory).
    public var file: String
    /// Why it was refused.
    public var code: Code
    /// The reason, and what to do about it.
    public var reason: String

    /// Creates a refusal.
    public init(file: String, code: Code, reason: String) {
        self.file = file
        self.code = code
        self.reason = reason
    }

    /// `refused FILE: reason`.
    public var description: String { "refused \(file): \(reason)" }
}
