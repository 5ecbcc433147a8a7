/// A problem in `tandem.yaml`, with where it is and what to do.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The config file.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The setting, e.g. `maps[0].direction`.
    public var path: String
    /// What is wrong and how to fix it.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, path: String, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.reason = reason
    }

    /// `tandem.yaml:12:5: maps[0].direction: ...`, the form editors jump to.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if line != nil, let column { place += ":\(column)" }
        return path.isEmpty ? "\(place): \(reason)" : "\(place): \(path): \(reason)"
    }
}
