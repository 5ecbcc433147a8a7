import Foundation
import TandemArrow
import TandemDocuments
import TandemPluginHost

/// One plugin transform as a plan runs it, with the config members that come
/// from tables of the source side.
///
/// A config member written `{"$rows": {"table": T, "columns": {"from": "FROMUNITSYMBOL", …}}}`
/// is replaced by the rows of `T` on the map's source side, each an object
/// with the given member names (`[{"from": "kg", …}, …]`). That is how the
/// unit-conversion transform sees the conversion tables without a database
/// connection of its own. The rows are read again whenever the source side
/// has committed since the last read, and the transform instance is
/// recreated only when they changed, so a new conversion applies to the next
/// batch without an engine restart.
final class TransformInstance {
    /// A config member filled from a table.
    struct Binding {
        let member: String
        let names: [String]
        /// The columns read, in `names`' order; rows are ordered by them.
        let columns: [String]
        let table: String
    }

    let name: String
    let inputSchema: Schema
    /// The instance: in the engine process, or in a plugin host process (`isolation: process`).
    private(set) var processor: any BatchProcessor
    private let plugin: LoadedPlugin
    /// Where the plugin runs.
    private let isolation: PluginIsolation
    /// The id of the plugin that provides it (the crash journal names it).
    var pluginID: String { plugin.id }
    private let baseConfig: JSONValue
    /// The config as the map gives it (with `reverse` for a two-way field's CRM-to-ERP instance).
    var config: JSONValue { baseConfig }
    private let bindings: [Binding]
    /// A read-only connection of its own: a plan may be mapping rows while
    /// the engine holds the source side's main connection (write-through).
    private let reader: (any SideEndpoint)?
    private var lastVersion: Int?
    private var lastRows: [String: JSONValue] = [:]
    private let place: String

    /// The config a field's transform is created with in `direction`: the
    /// CRM-to-ERP instance of a two-way transform runs in reverse. The engine
    /// and `tandem maps validate` both create transforms with it.
    static func config(of field: FieldMap, _ direction: SyncDirection) -> JSONValue {
        var config = field.transform?.config ?? .object([:])
        if direction == .crmToErp, field.direction == .both, case .object(var members) = config {
            members["reverse"] = .bool(true)
            config = .object(members)
        }
        return config
    }

    init(
        name: String, plugin: LoadedPlugin, config: JSONValue, input: Schema, source: (any SideEndpoint)?, sourceColumns: (String) throws -> [String],
        place: String, isolation: PluginIsolation = PluginIsolation()
    ) throws {
        self.name = name
        self.plugin = plugin
        self.isolation = isolation
        self.place = place
        inputSchema = input
        var bindings: [Binding] = []
        if case .object(let members) = config {
            for (member, value) in members.sorted(by: { $0.key < $1.key }) {
                guard let spec = value["$rows"] else { continue }
                bindings.append(try Self.binding(member: member, spec: spec, sourceColumns: sourceColumns, place: place))
            }
        }
        self.bindings = bindings
        baseConfig = config
        if !bindings.isEmpty {
            guard let source else {
                throw SyncError(.configuration, "\(place): transform \(name) reads tables, which needs the source side's database")
            }
            reader = try source.openReader()
        } else {
            reader = nil
        }
        processor = try Self.make(
            name, plugin: plugin, config: config, input: input, place: place, bindings: bindings, rows: [:], isolation: isolation)
        if !bindings.isEmpty { try refresh() }
    }

    private static func binding(
        member: String, spec: JSONValue, sourceColumns: (String) throws -> [String], place: String
    ) throws -> Binding {
        let usage = "config member '\(member)': \"$rows\" takes {\"table\": NAME, \"columns\": {MEMBER: COLUMN, …}}"
        guard let table = spec["table"]?.stringValue, let columns = spec["columns"]?.objectValue, !columns.isEmpty else {
            throw SyncError(.configuration, "\(place): \(usage)")
        }
        let available = try sourceColumns(table)
        guard !available.isEmpty else {
            throw SyncError(.configuration, "\(place): config member '\(member)' reads table \(table), which the source side does not have")
        }
        var names: [String] = []
        var selected: [String] = []
        for (name, column) in columns.sorted(by: { $0.key < $1.key }) {
            guard let column = column.stringValue else { throw SyncError(.configuration, "\(place): \(usage)") }
            guard available.contains(column) else {
                throw SyncError(
                    .configuration,
                    "\(place): config member '\(member)' reads column \(column), which table \(table) does not have (columns: \(available.joined(separator: ", ")))")
            }
            names.append(name)
            selected.append(column)
        }
        return Binding(member: member, names: names, columns: selected, table: table)
    }

    /// Reads the bound tables again if the source side committed since the
    /// last read, and recreates the processor if they changed.
    func refresh() throws {
        guard let reader else { return }
        // The commit token before the rows: a commit in between reads them again next time.
        let version = try reader.commitToken()
        var rows = lastRows
        if version != lastVersion {
            rows = [:]
            for binding in bindings {
                // Ordered by the columns, so that an unchanged table gives an equal config and the instance is kept.
                rows[binding.member] = .array(
                    try reader.tableRows(binding.table, columns: binding.columns).map { row in
                        .object(Dictionary(uniqueKeysWithValues: binding.names.enumerated().map { ($1, Self.json(row[$0])) }))
                    })
            }
        }
        lastVersion = version
        guard rows != lastRows else { return }
        processor = try Self.make(
            name, plugin: plugin, config: baseConfig, input: inputSchema, place: place, bindings: bindings, rows: rows,
            isolation: isolation)
        lastRows = rows
    }

    private static func make(
        _ name: String, plugin: LoadedPlugin, config: JSONValue, input: Schema, place: String, bindings: [Binding], rows: [String: JSONValue],
        isolation: PluginIsolation
    ) throws -> any BatchProcessor {
        var filled = config
        if case .object(var members) = config, !bindings.isEmpty {
            for binding in bindings { members[binding.member] = rows[binding.member] ?? .array([]) }
            filled = .object(members)
        }
        do {
            guard isolation.mode == .process else { return try plugin.makeTransform(name, config: filled, input: input) }
            return try IsolatedProcessor(
                plugin: plugin, transform: name, config: filled, input: input,
                launch: IsolatedProcessor.Launch(
                    executable: hostExecutable, callTimeoutMilliseconds: isolation.callTimeoutMilliseconds))
        } catch {
            let tables = bindings.map(\.table)
            let source = tables.isEmpty ? "" : " (with the rows of \(tables.joined(separator: ", ")))"
            throw SyncError(.plugin, "\(place): transform \(name) refused its config\(source): \(error)")
        }
    }

    /// The `tandem` executable that runs `tandem plugin-host`: this one, as the engine runs in it.
    private static var hostExecutable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    /// Table values as config values. Decimals stored as text stay text, so
    /// they reach the transform exactly; a REAL travels as its shortest exact
    /// decimal text.
    private static func json(_ value: SideValue) -> JSONValue {
        switch value {
        case .null: .null
        case .integer(let number): .integer(number)
        case .real(let number): .string("\(number)")
        case .text(let text): .string(text)
        case .blob(let data): .string(data.base64EncodedString())
        }
    }
}
