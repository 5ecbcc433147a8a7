public import TandemDocuments

/// Where a map of the catalog comes from: a plugin or a map file of the
/// environment. Messages, `tandem maps list` and the history name it, so an
/// admin knows which file to edit.
public enum MapSource: Sendable, CustomStringConvertible {
    /// A loaded plugin's maps document.
    case plugin(LoadedPlugin)
    /// A declarative map file.
    case file(MapFile)

    /// The plugin id, or the map file's name (`maps/loyalty-cards.yaml`):
    /// one short word for a table column.
    public var label: String {
        switch self {
        case .plugin(let plugin): plugin.id
        case .file(let file): file.name
        }
    }

    /// `plugin ID` or `map file PATH`, for messages.
    public var description: String {
        switch self {
        case .plugin(let plugin): "plugin \(plugin.id)"
        case .file(let file): "map file \(file.path)"
        }
    }

    /// The plugin, when the map comes from one.
    public var plugin: LoadedPlugin? {
        if case .plugin(let plugin) = self { plugin } else { nil }
    }

    /// The map file, when the map is declared in one.
    public var file: MapFile? {
        if case .file(let file) = self { file } else { nil }
    }

    /// The plugin's or the file's DDL.
    public var ddl: DDLDocument? {
        switch self {
        case .plugin(let plugin): plugin.ddl
        case .file(let file): file.ddl
        }
    }

    /// The plugin's version, or the map's own for a file (a file is versioned by its map).
    public var version: String {
        switch self {
        case .plugin(let plugin): plugin.version
        case .file(let file): file.map.version
        }
    }

    /// What distinguishes one source from another: a plugin id, or a file path.
    public var identity: String {
        switch self {
        case .plugin(let plugin): "plugin:" + plugin.id
        case .file(let file): "file:" + file.path
        }
    }
}
