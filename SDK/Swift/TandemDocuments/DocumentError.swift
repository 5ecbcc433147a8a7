/// A JSON document (manifest, maps, transform catalog, DDL) that does not
/// parse or does not validate.
///
/// The message names the document, the place inside it (`maps[2].fields[0]`)
/// and what is wrong.
public struct DocumentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which document: "manifest /plugins/libx.so.manifest.json", "maps document of plugin com.example.x".
    public var document: String
    /// Where inside the document, as a path (`maps[0].fields[3].direction`); empty for the whole document.
    public var path: String
    /// What is wrong, and when it helps, what to write instead.
    public var reason: String

    /// Creates an error.
    public init(document: String, path: String = "", reason: String) {
        self.document = document
        self.path = path
        self.reason = reason
    }

    /// `document: path: reason`.
    public var description: String {
        path.isEmpty ? "\(document): \(reason)" : "\(document): \(path): \(reason)"
    }
}
