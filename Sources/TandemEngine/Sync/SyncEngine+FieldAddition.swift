import Foundation
import TandemDocuments
import TandemPluginHost

/// `tandem maps add-field` in the engine (see ``FieldAddition``): carried
/// out between two batches by the engine that writes the sides, so that no
/// batch runs on a half-changed map, and the queued values meet every
/// change already waiting in order.
extension SyncEngine {
    /// Adds `field` to map `name` and queues its existing values; the
    /// result says what was done. Running it again for the same field
    /// queues the existing values again (it may have stopped before it did).
    func addField(_ field: FieldAddition, map name: String, actor: String) throws -> OperatorRequest.Result {
        try requireCompiled(name)
        guard let index = maps.firstIndex(where: { $0.name == name }) else {
            throw SyncError(.configuration, "map '\(name)' is not enabled in this environment; `tandem maps list` shows the ones that are")
        }
        let resolved = maps[index]
        let tables = [SideRole.erp: resolved.map.erp, .crm: resolved.map.crm]
        for (role, column) in [(SideRole.erp, field.erp), (.crm, field.crm)] where column.isEmpty {
            throw SyncError(.configuration, "--\(role) needs the column's name in table \(tables[role]!.table)")
        }
        let type = try field.type.map(FieldAddition.checkedType)
        guard resolved.settings.direction.allows(.erpToCrm) && field.flows(from: .erp)
            || resolved.settings.direction.allows(.crmToErp) && field.flows(from: .crm)
        else {
            throw SyncError(
                .configuration,
                "map \(name) syncs \(resolved.settings.direction.rawValue) only (tandem.yaml), so a field syncing \(field.direction.rawValue) would never carry anything; give --direction \(resolved.settings.direction == .erpToCrm ? "->" : "<-")")
        }
        // The field, or a field on one of its columns, may be there already.
        let same = resolved.map.fields.first { $0.erp == .one(field.erp) && $0.crm == .one(field.crm) }
        if same == nil,
            let other = resolved.map.fields.first(where: {
                $0.erp?.columns.contains { $0.lowercased() == field.erp.lowercased() } == true
                    || $0.crm?.columns.contains { $0.lowercased() == field.crm.lowercased() } == true
            })
        {
            throw SyncError(
                .configuration,
                "map \(name) already has a field on \(other.erp?.columns.contains { $0.lowercased() == field.erp.lowercased() } == true ? "ERP column \(field.erp)" : "CRM column \(field.crm)") (\(Self.describe(other))); `tandem maps inspect \(name)` shows its fields. To change that field, edit it under fields.change of the map's override file")
        }
        if let same, same.direction != field.direction || same.transform != nil || same.lookup != nil {
            throw SyncError(
                .configuration,
                "map \(name) already has a field on these columns (\(Self.describe(same))); `tandem maps inspect \(name)` shows it")
        }
        // Which side had the column, before anything changes.
        var had: [SideRole: String] = [:]
        for role in SideRole.allCases {
            let table = tables[role]!.table
            // SQLite matches column names without regard to case; PostgreSQL matches quoted names exactly.
            let caseless = sides[role] is SideDatabase
            if let existing = try sides[role]!.columnTypes(of: table).first(where: {
                caseless ? $0.name.lowercased() == field.column(role).lowercased() : $0.name == field.column(role)
            }) {
                had[role] = existing.type
            }
        }
        let from: SideRole?
        if let chosen = field.from {
            from = chosen
        } else if had.count == 2 {
            from = resolved.settings.direction.allows(SyncDirection(from: resolved.settings.master)) && field.flows(from: resolved.settings.master)
                ? resolved.settings.master : resolved.settings.master.other
        } else {
            from = had.keys.first
        }
        if let chosen = field.from, had[chosen] == nil {
            throw SyncError(
                .configuration,
                "--from \(chosen): the \(chosen) table \(tables[chosen]!.table) has no column \(field.column(chosen)) yet, so it has no values to send; leave --from out")
        }
        if let from {
            guard field.flows(from: from), resolved.settings.direction.allows(SyncDirection(from: from)) else {
                throw SyncError(
                    .configuration,
                    "the existing values cannot go from the \(from) side: the field syncs \(field.direction.rawValue) in a map that syncs \(resolved.settings.direction.rawValue); give --from \(from.other)")
            }
        }

        // 1. The columns a side lacks.
        var done: [String] = []
        for role in SideRole.allCases where had[role] == nil {
            let table = tables[role]!.table
            let declared = type ?? had[role.other].flatMap { $0.isEmpty ? nil : $0 } ?? "TEXT"
            try sides[role]!.addColumn(field.column(role), type: declared, to: table)
            done.append("column \(field.column(role)) \(declared) added to \(role) table \(table)")
        }
        // 2. The field in the map's override file; 3. the map compiled again from its files.
        if same == nil {
            let file = try writeOverride(field, map: name)
            do {
                try reloadMap(name)
            } catch {
                try file.undo()
                throw error
            }
            done.append("field added to \(file.name)")
        } else {
            try reloadMap(name)
            done.append("the map already had the field")
        }
        // 4. The values already there, queued behind every waiting change.
        if let from {
            let sent = try sides[from]!.queueExistingValues(
                of: field.column(from), in: tables[from]!.table, key: tables[from]!.key)
            dirty[from] = true
            done.append("\(sent) existing value(s) queued from the \(from) side")
        } else {
            done.append("no existing values (the column is new on both sides)")
        }
        let summary = "\(Self.describe(field.field)): " + done.joined(separator: "; ")
        try state.log(actor: actor, map: name, event: ActivityEvent.fieldAdded, details: summary)
        logger.notice("map \(name): \(summary)")
        return OperatorRequest.Result(id: name, outcome: "added", detail: summary)
    }

    /// `ERP X <-> CRM y`, for messages.
    static func describe(_ field: FieldMap) -> String {
        "ERP \(field.erp?.columns.joined(separator: ", ") ?? "-") \(field.direction.rawValue) CRM \(field.crm?.columns.joined(separator: ", ") ?? "-")"
    }

    /// An override file as it was before ``writeOverride(_:map:)``, to put back.
    struct OverrideWrite {
        /// The file's path.
        let path: String
        /// `maps/NAME`, for messages.
        let name: String
        /// Its text before, nil when the file is new.
        let before: String?

        /// Puts the file back as it was.
        func undo() throws {
            if let before {
                try before.write(toFile: path, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Adds `field` to map `name`'s override file (made when there is none)
    /// and checks that the file reads back with it.
    func writeOverride(_ field: FieldAddition, map name: String) throws -> OverrideWrite {
        let folder = environment.directory + "/" + MapFileLoader.folder
        let entry = OverrideFileEditor.entry(field)
        let existing = catalog.mapOverrides.first { $0.extends.value == name }
        let path: String
        let before: String?
        let text: String
        if let existing {
            path = existing.path
            before = try String(contentsOfFile: path, encoding: .utf8)
            guard let edited = OverrideFileEditor.adding(entry, to: before!) else {
                throw SyncError(
                    .configuration,
                    "\(existing.name) overrides map \(name) in a layout this command does not edit (flow style); add this line under its fields.add, then run the command again:\n    - \(entry)")
            }
            text = edited
        } else {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var candidate = folder + "/" + name + ".yaml"
            if FileManager.default.fileExists(atPath: candidate) { candidate = folder + "/" + name + ".override.yaml" }
            guard !FileManager.default.fileExists(atPath: candidate) else {
                throw SyncError(.configuration, "\(candidate) exists but does not override map \(name); move it, then run the command again")
            }
            path = candidate
            before = nil
            text = OverrideFileEditor.newFile(map: name, entry: entry)
        }
        let file = OverrideWrite(path: path, name: MapFileLoader.folder + "/" + (path as NSString).lastPathComponent, before: before)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // Read back as every command will read it: the field must be there, and nothing else broken.
        do {
            guard case .override(let override) = try MapFileReader.read(path: path, name: file.name),
                override.added.contains(where: { $0.value.erp == .one(field.erp) && $0.value.crm == .one(field.crm) })
            else {
                throw SyncError(.configuration, "\(file.name) did not read back with the new field; it is left as it was")
            }
        } catch let failure as MapFileReader.Failure {
            try file.undo()
            throw SyncError(.configuration, "\(failure.error.description); \(file.name) is left as it was")
        } catch {
            try file.undo()
            throw error
        }
        return file
    }

    /// Reads the environment's map files again and compiles map `name`
    /// anew from them (capture reinstalled, so its triggers record every
    /// column the tables have now). The other maps run as they were
    /// compiled. The map's files count as read now for `tandem status`.
    func reloadMap(_ name: String) throws {
        guard let index = maps.firstIndex(where: { $0.name == name }) else { return }
        let folder = environment.directory + "/" + MapFileLoader.folder + "/"
        var fresh = catalog
        fresh.mapFiles.removeAll { $0.path.hasPrefix(folder) }
        fresh.mapOverrides.removeAll { $0.path.hasPrefix(folder) }
        fresh.mapFileRefusals.removeAll { $0.file.hasPrefix(folder) }
        MapFileLoader.load(environment: environment.directory, into: &fresh)
        if let refusal = fresh.mapFileRefusal(for: name) { throw SyncError(.configuration, refusal.message) }
        guard let (source, map) = fresh.map(name) else {
            throw SyncError(.configuration, "map \(name) is no longer provided by a plugin or map file")
        }
        var resolved = maps[index]
        resolved.map = map
        resolved.source = source
        var among = maps
        among[index] = resolved
        let compiled = try Self.compile(
            resolved, among: among, environment: environment, sides: sides, locations: locations, catalog: fresh)
        maps = among
        catalog = fresh
        adopt(compiled, for: name)
        let files = fresh.mapOverrides.filter { $0.extends.value == name }.map(\.path)
            + fresh.mapFiles.filter { $0.map.id == name }.map(\.path)
        try state.recordMapFilesRead(files.map { MapFileLoader.folder + "/" + ($0 as NSString).lastPathComponent })
    }
}
