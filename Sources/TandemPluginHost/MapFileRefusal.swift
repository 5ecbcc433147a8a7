/// A map file that was not loaded: it does not parse or validate, or it
/// names a map that a plugin or another file already provides.
///
/// A refusal that names the maps the file declares (``mapIDs``) makes those
/// maps provided by nothing: an enabled one fails alone with this message,
/// rather than run a version the admin did not write (the plugin's, when
/// the file clashes with it).
public struct MapFileRefusal: Hashable, Sendable, CustomStringConvertible {
    /// The file, absolute.
    public var file: String
    /// The map ids the file declares, as far as they could be read (none
    /// when the file is not even valid YAML).
    public var mapIDs: [String]
    /// `FILE:LINE:COLUMN: setting: what is wrong` and what to do.
    public var message: String

    /// Creates a refusal.
    public init(file: String, mapIDs: [String], message: String) {
        self.file = file
        self.mapIDs = mapIDs
        self.message = message
    }

    /// The message, which starts with the file and the place in it.
    public var description: String { message }
}
