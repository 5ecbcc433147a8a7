public import TandemArrow
public import TandemDocuments

/// A Tandem plugin written in Swift.
///
/// Conform a type to this protocol, describe what it provides with Swift
/// values, and export it with one function whose signature the compiler checks
/// against `tandem_plugin.h`:
///
/// ```swift
/// public import CTandemPlugin
/// import TandemPluginKit
///
/// @c @implementation
/// public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
///     PluginExport.descriptor(for: MyPlugin.self, hostMajor: major, hostMinor: minor)
/// }
/// ```
///
/// The kit does the C side: the descriptor, Arrow import and export, error
/// bridging and the release callbacks.
public protocol TandemPlugin {
    /// Unique reverse-DNS id; must equal the manifest's.
    static var id: String { get }
    /// Semantic version; must equal the manifest's.
    static var version: String { get }
    /// Display name.
    static var name: String { get }
    /// One-line description.
    static var summary: String { get }

    /// The table maps this plugin provides, or nil.
    static var maps: MapsDocument? { get }
    /// The DDL for the maps' tables, or nil.
    static var ddl: DDLDocument? { get }
    /// The transforms this plugin provides.
    static var transforms: [any Transform.Type] { get }

    /// Called once when the host initialises the plugin.
    static func initialize(host: PluginHost, config: JSONValue) throws

    /// A batch mapper for a map whose document says `"mapper": true`.
    static func makeMapper(mapID: String, direction: MapDirection, config: JSONValue, input: Schema) throws
        -> any BatchProcessor
}

extension TandemPlugin {
    /// No maps.
    public static var maps: MapsDocument? { nil }
    /// No DDL.
    public static var ddl: DDLDocument? { nil }
    /// No transforms.
    public static var transforms: [any Transform.Type] { [] }
    /// Nothing to initialise.
    public static func initialize(host: PluginHost, config: JSONValue) throws {}
    /// No batch mappers.
    public static func makeMapper(mapID: String, direction: MapDirection, config: JSONValue, input: Schema) throws
        -> any BatchProcessor
    {
        throw PluginError(.unsupported, "plugin \(id) has no batch mapper for map '\(mapID)'")
    }
}

/// Which way a batch mapper maps rows.
public enum MapDirection: Int32, Sendable {
    /// From the ERP side to the CRM side.
    case erpToCrm = 1
    /// From the CRM side to the ERP side.
    case crmToErp = 2
}
