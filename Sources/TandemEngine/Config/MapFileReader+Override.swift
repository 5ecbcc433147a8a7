import Foundation
import TandemDocuments
import TandemPluginHost
import Yams

/// An override file (`extends: NAME`): only the differences from a loaded
/// map, read with the same machinery and the same `FILE:LINE:COLUMN` errors
/// as a whole map file. Each difference keeps its line, for
/// `tandem maps inspect` and for the `tandem maps validate` finding when the
/// base no longer allows it.
extension MapFileReader {
    /// The members an override may have.
    static let overrideMembers = [
        "format", "extends", "version", "publisher", "description", "fields", "filters", "depends_on",
        "conflict_policy",
    ]

    /// Members of a whole map that an override cannot have, with why and what instead.
    static let notInOverride = [
        "id":
            "an override keeps the name of the map it extends (extends: NAME); remove id, or remove extends to write a map of your own",
        "erp":
            "an override keeps the tables and keys of the map it extends; to map other tables, write a map of your own (no extends)",
        "crm":
            "an override keeps the tables and keys of the map it extends; to map other tables, write a map of your own (no extends)",
        "ddl":
            "an override uses the tables of the map it extends, created by its plugin's DDL; `tandem maps add-field` adds a new column to both tables, this file and capture in one step",
        "mapper": "a batch mapper is code, which only a plugin provides",
    ]

    /// Reads an override from the root of its file.
    mutating func mapOverride(_ root: Node) throws(ConfigError) -> MapOverride {
        nodes[""] = root
        var extends: MapOverride.Edit<String>?
        var override = MapOverride(path: path, name: name, extends: .init("", setting: "extends", line: 1, column: 1))
        // A whole map's members get their own answer, before "unknown setting" would list the others.
        if case .mapping(let mapping) = root {
            for (keyNode, _) in mapping {
                if let key = keyNode.string, let why = Self.notInOverride[key] { throw reader.error(keyNode, key, why) }
            }
        }
        for (key, node, _) in try reader.mapping(root, "", allowed: Self.overrideMembers.sorted()) {
            switch key {
            case "format":
                try Self.checkFormat(reader, node, key)
            case "extends": extends = try edit(reader.string(node, key), key, node)
            case "version": override.version = try reader.string(node, key)
            case "publisher": override.publisher = try reader.string(node, key)
            case "description": override.description = try edit(reader.string(node, key), key, node)
            case "fields": try fields(node, into: &override)
            case "filters":
                for (direction, value, keyNode) in try reader.mapping(
                    node, key, allowed: ["erp_to_crm", "crm_to_erp"])
                {
                    let place = "filters.\(direction)"
                    let filter = try edit(reader.string(value, place), place, keyNode)
                    if direction == "erp_to_crm" {
                        override.filterERPToCRM = filter
                    } else {
                        override.filterCRMToERP = filter
                    }
                }
            case "depends_on":
                let maps = try reader.sequence(node, key).enumerated().map { (index, item) throws(ConfigError) in
                    try reader.string(item, "depends_on[\(index)]")
                }
                override.dependsOn = edit(maps, key, node)
            case "conflict_policy":
                override.conflictPolicy = try edit(reader.choice(node, key, ConflictPolicy.self), key, node)
            default:
                break
            }
        }
        guard let extends else { throw reader.error(root, "extends", "this setting is missing") }
        override.extends = extends
        return override
    }

    /// `fields:` of an override: `add` (fields as a map writes them),
    /// `remove` (column names) and `change` (by column name, the members to change).
    private mutating func fields(_ node: Node, into override: inout MapOverride) throws(ConfigError) {
        guard case .mapping = node else {
            throw reader.error(
                node, "fields",
                "an override lists its differences: fields: { add: [...], remove: [COLUMN], change: { COLUMN: {...} } }, found \(reader.describe(node))"
            )
        }
        let fieldMembers: StrictJSON.Members? =
            if case .list(let inner) = Self.mapMembers["fields"] { inner } else { nil }
        for (key, value, _) in try reader.mapping(node, "fields", allowed: ["add", "remove", "change"]) {
            let place = "fields.\(key)"
            switch key {
            case "add":
                for (index, item) in try reader.sequence(value, place).enumerated() {
                    let setting = "\(place)[\(index)]"
                    let json = try self.value(item, setting, members: fieldMembers, free: false)
                    let field: FieldMap = try decode(json, setting)
                    override.added.append(edit(field, setting, item))
                }
            case "remove":
                for (index, item) in try reader.sequence(value, place).enumerated() {
                    try override.removed.append(
                        edit(reader.string(item, "\(place)[\(index)]"), "\(place)[\(index)]", item))
                }
            default:
                guard case .mapping(let changes) = value else {
                    throw reader.error(
                        value, place,
                        "expected the fields to change by column name (ONHOLD: { direction: -> }), found \(reader.describe(value))"
                    )
                }
                for (nameNode, change) in changes {
                    guard let column = nameNode.string, !column.isEmpty else {
                        throw reader.error(nameNode, place, "a field to change is named by one of its columns")
                    }
                    let setting = "\(place).\(column)"
                    try override.changed.append(edit(fieldChange(column, change, setting), setting, nameNode))
                }
            }
        }
    }

    /// One entry of `fields.change`.
    private mutating func fieldChange(
        _ column: String, _ node: Node, _ setting: String
    ) throws(ConfigError) -> MapOverride.FieldChange {
        var change = MapOverride.FieldChange(field: column)
        let members = try reader.mapping(node, setting, allowed: ["default", "direction", "lookup", "transform"])
        guard !members.isEmpty else {
            throw reader.error(node, setting, "say what changes: direction, transform, default or lookup")
        }
        for (key, value, _) in members {
            let place = "\(setting).\(key)"
            switch key {
            case "direction": change.direction = try reader.choice(value, place, FieldDirection.self)
            case "default": change.defaultValue = try self.value(value, place, members: nil, free: true)
            case "lookup":
                let lookupMembers: StrictJSON.Members? =
                    if case .list(.object(let field)) = Self.mapMembers["fields"] { field["lookup"] } else { nil }
                change.lookup = try decode(try self.value(value, place, members: lookupMembers, free: false), place)
            default:
                if case .scalar(let scalar) = value, ["", "~", "null"].contains(scalar.string) {
                    change.removesTransform = true
                    continue
                }
                for (member, item, _) in try reader.mapping(value, place, allowed: ["config", "name"]) {
                    if member == "name" {
                        change.transformName = try reader.string(item, "\(place).name")
                        continue
                    }
                    guard case .mapping(let config) = item else {
                        throw reader.error(
                            item, "\(place).config",
                            "expected the config members to change (scale: 4), found \(reader.describe(item))")
                    }
                    var members: [String: JSONValue] = [:]
                    for (keyNode, entry) in config {
                        guard let name = keyNode.string else {
                            throw reader.error(keyNode, "\(place).config", "names must be text")
                        }
                        members[name] = try self.value(entry, "\(place).config.\(name)", members: nil, free: true)
                    }
                    change.transformConfig = members
                }
            }
        }
        return change
    }

    /// Decodes a part of the file read as JSON, with its errors at the part's lines.
    private func decode<Value: Decodable>(_ json: JSONValue, _ setting: String) throws(ConfigError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(json.jsonText.utf8))
        } catch let error as DecodingError {
            throw decodingError(error, prefix: setting)
        } catch {
            throw self.error(at: setting, path: setting, "\(error)")
        }
    }

    /// A difference at the line and column of `node`.
    private func edit<Value>(_ value: Value, _ setting: String, _ node: Node) -> MapOverride.Edit<Value> {
        MapOverride.Edit(value, setting: setting, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }
}
