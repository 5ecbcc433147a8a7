/// A problem in `tandem.yaml`, with where it is and what to do.
package struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The config file.
    package var file: String
    /// 1-based line, when known.
    package var line: Int?
    /// 1-based column, when known.
    package var column: Int?
    /// The setting, e.g. `maps[0].direction`.
    package var path: String
    /// What is wrong and how to fix it.
    package var reason: String

    /// Creates an error.
    package init(file: String, line: Int? = nil, column: Int? = nil, path: String, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.reason = reason
    }

    /// `tandem.yaml:12:5: maps[0].direction: ...`, the form editors jump to.
    package var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if line != nil, let column { place += ":\(column)" }
        return path.isEmpty ? "\(place): \(reason)" : "\(place): \(path): \(reason)"
    }
}
