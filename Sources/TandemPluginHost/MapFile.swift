public import TandemDocuments

/// A declarative map: one map written as a YAML or JSON document in the
/// environment's `maps/` folder, with the same meaning as a map of a
/// plugin's `tandem.maps/1` document and run the same way, with no compiler.
///
/// It lives beside ``LoadedPlugin`` in the catalog, which is why it is a
/// plain value here and read elsewhere: the host library parses no YAML.
public struct MapFile: Hashable, Sendable {
    /// The file, absolute.
    public var path: String
    /// The file as messages and listings name it (`maps/loyalty-cards.yaml`).
    public var name: String
    /// The map.
    public var map: TableMap
    /// Who publishes the map (a team, a partner), for lifecycle management.
    public var publisher: String?
    /// The statements that create the map's tables (its `ddl:` section), for
    /// `tandem capture install --create-tables`.
    public var ddl: DDLDocument?

    /// Creates a map file.
    public init(path: String, name: String, map: TableMap, publisher: String? = nil, ddl: DDLDocument? = nil) {
        self.path = path
        self.name = name
        self.map = map
        self.publisher = publisher
        self.ddl = ddl
    }
}
