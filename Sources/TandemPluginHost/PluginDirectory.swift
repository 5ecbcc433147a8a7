/// A directory the host scans for plugins, and where it came from.
public struct PluginDirectory: Hashable, Sendable, CustomStringConvertible {
    /// Where the directory was configured.
    public enum Origin: String, Hashable, Sendable {
        /// Next to the `tandem` executable: the bundled plugins.
        case bundled
        /// The environment's config file.
        case config
        /// `--plugins DIR` on the command line.
        case commandLine = "command-line"
    }

    /// The directory's path.
    public var path: String
    /// Where it was configured.
    public var origin: Origin

    /// Creates a directory entry.
    public init(_ path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// `path (origin)`.
    public var description: String { "\(path) (\(origin.rawValue))" }
}
