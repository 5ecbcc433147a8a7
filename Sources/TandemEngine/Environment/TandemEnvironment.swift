import Foundation
import GRDB
import Logging
package import TandemDocuments
import TandemPostgreSQL
package import TandemPluginHost

/// An environment folder: `tandem.yaml`, the state database and the two side
/// databases.
package struct TandemEnvironment: Sendable {
    /// The config file name inside an environment folder.
    package static let configFileName = "tandem.yaml"

    /// The folder.
    package let directory: String
    /// The config, validated.
    package let config: EnvironmentConfig

    /// Loads the environment in `directory`.
    package init(directory: String) throws(ConfigError) {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let file = absolute + "/" + Self.configFileName
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigError(
                file: file, path: "",
                reason: "no environment here; `tandem init \(directory)` creates one, or pass --env DIR")
        }
        self.directory = absolute
        config = try ConfigLoader.load(path: file)
    }

    /// The config file.
    package var configPath: String { directory + "/" + Self.configFileName }

    /// `relative` resolved against the environment folder.
    package func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : directory + "/" + relative
    }

    /// Where `role`'s side is, as tandem.yaml gives it (paths resolved
    /// against the environment folder).
    package func location(_ role: SideRole) throws -> SideLocation {
        let side = config.sides[role]!
        switch side.endpoint {
        case .sqlite:
            return .sqlite(path: path(side.database))
        case .postgresql:
            do {
                return .postgresql(
                    try PostgreSQLSideConfig(
                        url: side.url ?? "", schema: side.schema ?? "public", passwordFile: side.passwordFile.map(path)))
            } catch {
                throw SyncError(.configuration, "\(configPath): sides.\(role): \(error.message)")
            }
        }
    }

    /// Both sides' locations, checked: two sides that are one database
    /// (one file however it is spelled, or one server schema) are refused.
    package func locations() throws -> [SideRole: SideLocation] {
        let erp = try location(.erp)
        let crm = try location(.crm)
        switch (erp, crm) {
        case (.sqlite(let erpPath), .sqlite(let crmPath)):
            // One file for both sides would sync a database into itself: refuse it however it is spelled
            // (a symlink, `./`, another relative path), by what the kernel says the file is.
            if let identity = FileIdentity(path: erpPath), identity == FileIdentity(path: crmPath) {
                throw SyncError(
                    .configuration,
                    "\(configPath): sides.erp.database (\(erpPath)) and sides.crm.database (\(crmPath)) are the same file (\(identity)); each side needs its own database: fix one of them"
                )
            }
        case (.postgresql(let erpConfig), .postgresql(let crmConfig)):
            if erpConfig.host == crmConfig.host, erpConfig.port == crmConfig.port,
                erpConfig.database == crmConfig.database, erpConfig.schema == crmConfig.schema
            {
                throw SyncError(
                    .configuration,
                    "\(configPath): sides.erp and sides.crm are the same schema (\(erpConfig)); each side needs its own database or schema: set schema: on one of them"
                )
            }
        default: break
        }
        return [.erp: erp, .crm: crm]
    }

    /// Opens both sides as the engine reaches them, whatever their endpoint.
    func openEndpoints(logger: Logger = Logger(label: "tandem.side")) throws -> [SideRole: any SideEndpoint] {
        var result: [SideRole: any SideEndpoint] = [:]
        for (role, location) in try locations() {
            result[role] = try location.open(role: role, busyTimeout: config.engine.busyTimeoutSeconds, logger: logger)
        }
        return result
    }

    /// Opens both sides' SQLite databases, for what reaches a side's file
    /// directly (`operation`, named when a side is not SQLite).
    package func openSides(for operation: String = "this command") throws -> [SideRole: SideDatabase] {
        var result: [SideRole: SideDatabase] = [:]
        for (role, location) in try locations() {
            guard case .sqlite(let path) = location else { throw PostgreSQLSide.unsupported(operation) }
            result[role] = try SideDatabase(role: role, path: path, busyTimeout: config.engine.busyTimeoutSeconds)
        }
        return result
    }

    /// Throws, naming the enabled maps, unless `name` is one of them.
    package func requireMap(_ name: String) throws(SyncError) {
        let enabled = config.maps.map(\.name)
        guard enabled.contains(name) else {
            throw SyncError(
                .configuration,
                "map '\(name)' is not enabled in this environment (enabled: \(enabled.joined(separator: ", "))); add it to tandem.yaml")
        }
    }

    /// Maps among `names` never started nor initial-synced whose master side
    /// has rows that live sync will not carry (``UncarriedRows``), with that count.
    package func neverSynced(_ names: [String], maps: [ResolvedMap]) throws -> [(map: String, rows: Int)] {
        // Only a note: a side that cannot be read now (a server down) leaves it out.
        guard let sides = try? openEndpoints() else { return [] }
        var result: [(String, Int)] = []
        for name in names {
            guard let map = maps.first(where: { $0.name == name }) else { continue }
            let master = map.settings.master
            let other = sides[master.other]!
            let started =
                try other.initialProgress(map: name) != nil
                || other.storedCheckpoints().keys.contains { $0.map == name }
            guard !started else { continue }
            let rows = try UncarriedRows.count(map, master: master, master: sides[master]!, other: other)
            if rows > 0 { result.append((name, rows)) }
        }
        return result
    }

    /// Opens the state database.
    package func openState() throws -> StateStore {
        try StateStore(path: path(config.state))
    }

    /// The environment's own plugin folder, where `tandem init` makes
    /// `plugins/` and the SDK walkthrough packs plugins.
    package static let ownPluginFolder = "plugins"

    /// The plugin directories to load: `bundled` (if the config allows it),
    /// the environment's own `plugins/` folder (always, listed in the config
    /// or not: it is where the docs tell authors to pack plugins), then the
    /// config's other folders. Missing folders are left out.
    package func pluginDirectories(bundled: String?) -> [PluginDirectory] {
        var result: [PluginDirectory] = []
        if config.plugins.bundled, let bundled, FileManager.default.fileExists(atPath: bundled) {
            result.append(PluginDirectory(bundled, origin: .bundled))
        }
        var seen: Set<String> = []
        for directory in [Self.ownPluginFolder] + config.plugins.directories {
            let full = URL(fileURLWithPath: path(directory)).standardizedFileURL.path
            guard seen.insert(full).inserted, FileManager.default.fileExists(atPath: full) else { continue }
            result.append(PluginDirectory(full, origin: .config))
        }
        return result
    }

    /// The enabled maps with the plugin that provides each, checked: every
    /// map is provided and every dependency is enabled.
    package func resolveMaps(_ catalog: PluginCatalog) throws(SyncError) -> [ResolvedMap] {
        let resolution = try resolveMapsSkippingUnprovided(catalog)
        // The refused files are already warned about on standard error, one per line.
        if let first = resolution.unprovided.first { throw unprovided(first.name, catalog, namingRefusals: false) }
        return resolution.maps
    }

    /// The error of map `name`, which no plugin in `catalog` provides.
    private func unprovided(_ name: String, _ catalog: PluginCatalog, namingRefusals: Bool) -> SyncError {
        // A map file that declares it but was refused (it does not validate, or clashes) is the whole story.
        if let refusal = catalog.mapFileRefusal(for: name) {
            return SyncError(.configuration, "map '\(name)' is not loaded: \(refusal.message)")
        }
        let known = catalog.mapIDs
        // A map file that could not be read far enough to know its maps may be the one that declares it.
        let refused = namingRefusals ? catalog.refusals.map(\.description) : []
        let unreadable = catalog.mapFileRefusals.filter(\.mapIDs.isEmpty).map(\.message)
        return SyncError(
            .configuration,
            "\(configPath): map '\(name)' is not provided by any loaded plugin (loaded maps: \(known.isEmpty ? "none" : known.joined(separator: ", "))\((refused + unreadable).isEmpty ? "" : "; " + (refused + unreadable).joined(separator: "; "))); `tandem plugins list --env \(directory)` shows what loaded and what was refused")
    }

    /// Like ``resolveMaps(_:)``, but a map that no loaded plugin provides
    /// (its plugin refused or missing) is returned apart, with the error
    /// ``resolveMaps(_:)`` would throw, instead of failing every map: the
    /// engine fails that map alone and `tandem status` still reports. The
    /// error names the refused plugin files too.
    package func resolveMapsSkippingUnprovided(
        _ catalog: PluginCatalog
    ) throws(SyncError) -> (maps: [ResolvedMap], unprovided: [(name: String, error: SyncError)]) {
        var result: [ResolvedMap] = []
        var unprovided: [(name: String, error: SyncError)] = []
        let enabled = Set(config.maps.map(\.name))
        for settings in config.maps {
            guard let (source, map) = catalog.map(settings.name) else {
                // Where it is shown alone (state reason, status), the refused files are why.
                unprovided.append((settings.name, self.unprovided(settings.name, catalog, namingRefusals: true)))
                continue
            }
            if (map.dependsOn ?? []).contains(where: { !enabled.contains($0) }) {
                try requireDependencies(catalog: catalog)
            }
            var effective = settings
            let possible = map.possibleDirections
            switch settings.direction {
            case .both where possible.count == 1:
                // A one-way map (every field `->`, like released products) syncs the only way it can.
                effective.direction = possible.first == .erpToCrm ? .erpToCrm : .crmToErp
            case .both where possible.isEmpty:
                throw SyncError(
                    .configuration,
                    "map '\(settings.name)' cannot sync either way: some key columns of \(map.erp.table) or \(map.crm.table) are written by no field; fix the map in \(source)")
            case .erpToCrm where !possible.contains(.erpToCrm), .crmToErp where !possible.contains(.crmToErp):
                let only = possible.map(\.rawValue).sorted().joined(separator: ", ")
                throw SyncError(
                    .configuration,
                    "\(configPath): map '\(settings.name)' cannot sync \(settings.direction.rawValue): its key columns flow only \(only.isEmpty ? "nowhere" : only); set direction: \(only.isEmpty ? "both" : only)")
            default: break
            }
            result.append(ResolvedMap(settings: effective, map: map, source: source))
        }
        return (result, unprovided)
    }

    /// Throws naming, at once, every map that the enabled ones depend on,
    /// directly or not, and that is not enabled (parents first), or that no
    /// loaded plugin provides (a misspelt `depends_on`: enabling it would not help).
    private func requireDependencies(catalog: PluginCatalog) throws(SyncError) {
        let names = config.maps.map(\.name)
        let selection = MapSelection(names, catalog: catalog)
        do {
            try selection.requireProvided(catalog: catalog)
        } catch {
            throw SyncError(.configuration, "\(configPath): \(error.message)")
        }
        guard !selection.dependencies.isEmpty else { return }
        let missing = Set(selection.dependencies)
        let needing = names.filter { !MapSelection([$0], catalog: catalog).dependencies.filter(missing.contains).isEmpty }
        throw SyncError(
            .configuration,
            "\(configPath): \(needing.joined(separator: ", ")) \(needing.count == 1 ? "depends" : "depend") on maps that are not enabled: \(selection.dependencies.joined(separator: ", ")) (parents first); add them to maps")
    }

    /// Creates an environment in `directory`: the config (with `maps`
    /// enabled), the state database, both side databases with the enabled
    /// maps' tables (from their plugins' DDL) and capture installed; then
    /// `body` (the caller's own first steps, such as recording history).
    /// `pluginDirectories` (absolute) are listed in the config, so that every
    /// later command loads the plugins `init` found there. `sides`: where
    /// the sides are (nil: `erp.sqlite` and `crm.sqlite` in the folder); a
    /// PostgreSQL side's database and schema must exist.
    /// Checks first that every map and every map they depend on is provided
    /// and named, naming all that are not at once. Whatever fails leaves the
    /// folder as it was: what this call made is removed, and nothing that
    /// was there before is touched (a retry would otherwise meet
    /// `tandem.yaml already exists`).
    package static func create(
        at directory: String, maps: [String], catalog: PluginCatalog, actor: String = "cli",
        pluginDirectories: [String] = [], sides: [SideRole: SideConfig]? = nil,
        then body: (TandemEnvironment, [ResolvedMap]) throws -> Void = { _, _ in }
    ) throws -> TandemEnvironment {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let file = absolute + "/" + configFileName
        guard !FileManager.default.fileExists(atPath: file) else {
            throw SyncError(.configuration, "\(file) already exists; pick another folder or delete it first")
        }
        let selection = MapSelection(maps, catalog: catalog)
        try selection.requireProvided(catalog: catalog)
        if !selection.dependencies.isEmpty {
            let missing = Set(selection.dependencies)
            let needing = maps.filter { !MapSelection([$0], catalog: catalog).dependencies.filter(missing.contains).isEmpty }
            throw SyncError(
                .configuration,
                "\(needing.joined(separator: ", ")) \(needing.count == 1 ? "depends" : "depend") on maps that are not listed: \(selection.dependencies.joined(separator: ", ")) (parents first); add each with --map, or pass --with-dependencies to add them all. Nothing was created"
            )
        }
        let undo = CreationUndo(directory: absolute)
        // Server sides this init claimed: the folder's undo does not reach them.
        var claimed: [any SideEndpoint] = []
        do {
            try FileManager.default.createDirectory(atPath: absolute + "/plugins", withIntermediateDirectories: true)
            let name = URL(fileURLWithPath: absolute).lastPathComponent
            let directions = selection.ordered.map { (name: $0, direction: catalog.map($0)?.map.naturalDirection ?? .both) }
            try ConfigTemplate.render(name: name, maps: directions, pluginDirectories: pluginDirectories, sides: sides ?? ConfigTemplate.defaultSides).write(toFile: file, atomically: true, encoding: .utf8)
            let environment = try TandemEnvironment(directory: absolute)
            let resolved = try environment.resolveMaps(catalog)
            let state = try environment.openState()
            for (role, location) in try environment.locations() where location.file != nil {
                _ = try location.open(role: role, create: true)
            }
            let endpoints = try environment.openEndpoints()
            try SideIdentity.establish(sides: endpoints, state: state, actor: actor)
            claimed = try environment.locations().filter { $0.value.file == nil }.map { endpoints[$0.key]! }
            try environment.createTables(resolved)
            try environment.installCapture(resolved)
            // The admin console's token (issue 20), in the folder the undo removes on failure.
            try ConsoleToken.create(in: absolute)
            try body(environment, resolved)
            return environment
        } catch {
            undo.run()
            // Capture and the identity go; tables the plugins' DDL created on a server stay (they may
            // have been there before, and a table is not Tandem's to drop).
            for side in claimed {
                try? side.removeCapture()
                try? side.removeIdentity()
            }
            throw error
        }
    }

    /// Installs capture for every enabled map's tables on both sides; idempotent.
    package func installCapture(_ maps: [ResolvedMap]) throws {
        let sides = try openEndpoints()
        for role in SideRole.allCases {
            var tables: [String: [String]] = [:]
            var sources: [String: MapSource] = [:]
            for map in maps {
                let table = role == .erp ? map.map.erp : map.map.crm
                tables[table.table] = table.key
                sources[table.table] = map.source
            }
            let side = sides[role]!
            for table in tables.keys.sorted() where try !side.hasTable(table) {
                // --create-tables may have run already: then the plugin's DDL is what lacks the table.
                let source: String
                if let file = sources[table]?.file {
                    source = "the ddl section of its map file \(file.path)"
                } else {
                    let library = sources[table]?.plugin?.file ?? "PLUGIN"
                    source = "its plugin's DDL (`tandem plugins validate \(library)` shows whether that DDL creates it)"
                }
                throw SyncError(
                    .missingTable,
                    "table '\(table)' does not exist in the \(role) database \(side.location); create it, or run `tandem capture install --create-tables` to create it from \(source)")
            }
            try side.installCapture(tables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// Removes every trigger and table Tandem installed, from both sides.
    package func removeCapture() throws {
        for side in try openEndpoints().values { try side.removeCapture() }
    }

    /// Removes the capture triggers of `table` from the sides that have them
    /// (for a schema change SQLite refuses while they name a column); the
    /// change logs, checkpoints and queues stay. Returns those sides; throws
    /// when neither side captures the table.
    package func removeCaptureTriggers(table: String) throws -> [SideRole] {
        let sides = try openEndpoints().sorted { $0.key.rawValue < $1.key.rawValue }
        var removed: [SideRole] = []
        for (role, side) in sides where try side.removeCaptureTriggers(table: table) {
            removed.append(role)
        }
        guard !removed.isEmpty else {
            let captured = try sides.map { role, side in
                "\(role): " + (try side.capturedColumns().keys.sorted().joined(separator: ", "))
            }
            throw SyncError(.configuration, "table '\(table)' has no capture triggers on either side (captured: \(captured.joined(separator: "; ")))")
        }
        return removed
    }

    /// Creates the enabled maps' tables from their plugins' or map files' DDL where missing.
    package func createTables(_ maps: [ResolvedMap]) throws {
        let sides = try openEndpoints()
        for role in SideRole.allCases {
            var done: Set<String> = []
            var statements: [String] = []
            // A plugin's DDL covers all its maps: run it once, however many of them are enabled.
            for map in maps where done.insert(map.source.identity).inserted {
                statements += (role == .erp ? map.source.ddl?.erp : map.source.ddl?.crm) ?? []
            }
            try sides[role]!.executeDDL(statements)
        }
    }
}

/// An enabled map, its settings and the plugin or map file that provides it.
package struct ResolvedMap: Sendable {
    /// The environment's settings for it.
    package var settings: MapSettings
    /// The map as its plugin or map file describes it.
    package var map: TableMap
    /// The plugin or map file.
    package var source: MapSource

    /// The map id.
    package var name: String { settings.name }
}
