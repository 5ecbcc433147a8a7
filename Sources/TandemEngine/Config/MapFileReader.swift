import Foundation
import TandemDocuments
package import TandemPluginHost
import Yams

/// Reads one declarative map file (`<env>/maps/NAME.yaml`, `.yml` or `.json`)
/// into the ``TableMap`` a plugin's `tandem.maps/1` document would hold, so
/// that the engine runs it the same way.
///
/// A file is one map: the members of a map in `tandem.maps/1` (`id`,
/// `version`, `erp`, `crm`, `fields`, `filters`, `depends_on`,
/// `conflict_policy`, `description`) plus `publisher`, an optional `ddl:`
/// section and an optional `format: tandem.map/1`. JSON is YAML, so a JSON
/// file reads the same. Every error is a ``ConfigError``
/// (`FILE:LINE:COLUMN: setting: what is wrong`), made by the reader that
/// checks `tandem.yaml` (``YAMLReader``): one machinery, one form of message.
package struct MapFileReader {
    /// The `format` a map file may declare.
    package static let formatName = "tandem.map/1"

    /// A file that did not read: the error, and the map ids the file
    /// declares as far as they could be read (so that the map it meant
    /// fails alone, with this error).
    package struct Failure: Error {
        /// `FILE:LINE:COLUMN: setting: what is wrong`.
        package var error: ConfigError
        /// The top-level `id`, when the file got that far.
        package var mapIDs: [String]
    }

    /// The file, absolute.
    let path: String
    /// The file as messages name it.
    let name: String
    /// The tandem.yaml reader, which makes every error of this file.
    let reader: YAMLReader
    /// Each setting's node, by its path (`fields[2].direction`): the decoder
    /// and the map's own checks name a path, the admin needs a line.
    var nodes: [String: Node] = [:]

    /// What a map file holds: a map of its own, or an override of a loaded map (`extends:`).
    package enum Document {
        /// A map; the function makes an error about its `id` at its line (a clash the loader finds).
        case map(MapFile, idError: (String) -> ConfigError)
        /// An override of the map it extends.
        case override(MapOverride)
    }

    private init(path: String, name: String) {
        self.path = path
        self.name = name
        reader = YAMLReader(file: path)
    }

    /// Reads the file at `path` (absolute); `name` is how listings show it (`maps/NAME.yaml`).
    package static func read(path: String, name: String) throws(Failure) -> Document {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(
                error: ConfigError(
                    file: path, path: "",
                    reason:
                        "cannot read the map file (\(error.localizedDescription)); it must be UTF-8 text readable by tandem"
                ),
                mapIDs: [])
        }
        return try parse(text, path: path, name: name)
    }

    /// Parses map file text; `path` names it in errors.
    package static func parse(_ text: String, path: String, name: String) throws(Failure) -> Document {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ConfigError(
                    file: path, path: "", reason: "the map file is empty; docs/MAPS.md shows a complete one")
            }
            root = composed
        } catch let error as ConfigError {
            throw Failure(error: error, mapIDs: [])
        } catch let error as YamlError {
            throw Failure(error: ConfigLoader.yamlError(error, file: path), mapIDs: [])
        } catch {
            throw Failure(error: ConfigError(file: path, path: "", reason: "not valid YAML: \(error)"), mapIDs: [])
        }
        // The id first, however broken the rest: the error then fails that map, named, and no other.
        var mapIDs: [String] = []
        if case .mapping(let mapping) = root, let id = mapping["id"]?.scalar?.string, !id.isEmpty { mapIDs = [id] }
        // An override that does not read fails the map it extends: running the base unchanged is not what the admin wrote.
        if case .mapping(let mapping) = root, let base = mapping["extends"]?.scalar?.string, !base.isEmpty {
            mapIDs = [base]
        }
        var reader = MapFileReader(path: path, name: name)
        do {
            if case .mapping(let mapping) = root, mapping["extends"] != nil {
                return .override(try reader.mapOverride(root))
            }
            let file = try reader.mapFile(root)
            let reader = reader
            return .map(file, idError: { reason in reader.error(at: "id", path: "id", reason) })
        } catch {
            throw Failure(error: error, mapIDs: mapIDs)
        }
    }

    /// The members of one map in `tandem.maps/1`, from the SDK's own
    /// description of the document: the two formats cannot drift apart.
    static var mapMembers: [String: StrictJSON.Members] {
        guard case .object(let document) = MapsDocument.members, case .list(let map) = document["maps"],
            case .object(let members) = map
        else { return [:] }
        return members
    }

    private mutating func mapFile(_ root: Node) throws(ConfigError) -> MapFile {
        var members = Self.mapMembers
        members["publisher"] = .any
        members["format"] = .any
        members["ddl"] = .any
        guard case .mapping = root else {
            throw reader.error(
                root, "",
                "expected the settings of one map (id: …, erp: …, crm: …, fields: …), found \(reader.describe(root))")
        }
        var publisher: String?
        var ddl: DDLDocument?
        var mapNode: [(String, Node)] = []
        for (key, node, keyNode) in try reader.mapping(root, "", allowed: members.keys.sorted()) {
            switch key {
            case "format":
                try Self.checkFormat(reader, node, key)
            case "publisher":
                publisher = try reader.string(node, key)
            case "ddl":
                ddl = try self.ddl(node)
            case "mapper":
                throw reader.error(
                    keyNode, key,
                    "a batch mapper is code, which only a plugin provides; remove mapper, or write the map as a plugin (SDK/README.md)"
                )
            default:
                mapNode.append((key, node))
            }
        }
        nodes[""] = root
        var object: [String: JSONValue] = [:]
        for (key, node) in mapNode {
            object[key] = try value(node, key, members: members[key], free: false)
        }
        let map: TableMap
        do {
            map = try JSONDecoder().decode(TableMap.self, from: Data(JSONValue.object(object).jsonText.utf8))
        } catch let error as DecodingError {
            throw decodingError(error)
        } catch {
            throw reader.error(root, "", "\(error)")
        }
        do {
            try MapsDocument(maps: [map]).validate(document: path)
        } catch {
            // The SDK's checks name `maps[0].…`: in a file of one map, that is the top.
            var setting = String(error.path.dropFirst("maps[0]".count))
            if setting.hasPrefix(".") { setting.removeFirst() }
            throw self.error(at: setting, path: setting, error.reason)
        }
        return MapFile(path: path, name: name, map: map, publisher: publisher, ddl: ddl)
    }

    /// The `ddl:` section: per side, one SQL text or a list of statements.
    private mutating func ddl(_ node: Node) throws(ConfigError) -> DDLDocument {
        var dialect = "sqlite"
        var statements: [String: [String]] = [:]
        for (key, value, _) in try reader.mapping(node, "ddl", allowed: ["dialect", "erp", "crm"]) {
            let place = "ddl.\(key)"
            nodes[place] = value
            if key == "dialect" {
                dialect = try reader.string(value, place)
            } else if case .scalar = value {
                statements[key] = [try reader.string(value, place)]
            } else {
                statements[key] = try reader.sequence(value, place).enumerated().map {
                    (index, item) throws(ConfigError) in
                    nodes["\(place)[\(index)]"] = item
                    return try reader.string(item, "\(place)[\(index)]")
                }
            }
        }
        let document = DDLDocument(dialect: dialect, erp: statements["erp"] ?? [], crm: statements["crm"] ?? [])
        do {
            try document.validate(document: path)
        } catch {
            throw self.error(at: "ddl." + error.path, path: "ddl." + error.path, error.reason)
        }
        return document
    }

    /// The node as JSON, its members checked against `members` with the
    /// reader that checks tandem.yaml (unknown settings get a "did you mean").
    /// Outside a transform's `config` and a field's `default` every scalar is
    /// text, as every member of a map is: `version: 1.0` stays `1.0`, not a
    /// number. Inside them (`free`), scalars keep their YAML type, because a
    /// transform reads numbers and booleans there (`scale: 2`).
    mutating func value(
        _ node: Node, _ path: String, members: StrictJSON.Members?, free: Bool
    ) throws(ConfigError)
        -> JSONValue
    {
        nodes[path] = node
        switch node {
        case .alias:
            throw reader.error(node, path, "anchors and aliases (*NAME) are not read in map files; write the value out")
        case .scalar(let scalar):
            return free ? Self.typed(scalar) : Self.text(scalar)
        case .mapping(let mapping):
            if case .object(let known) = members {
                var object: [String: JSONValue] = [:]
                for (key, child, _) in try reader.mapping(node, path, allowed: known.keys.sorted()) {
                    let place = path.isEmpty ? key : "\(path).\(key)"
                    object[key] = try value(
                        child, place, members: known[key], free: free || key == "config" || key == "default")
                }
                return .object(object)
            }
            if case .list = members {
                throw reader.error(node, path, "expected a list (lines starting with '- '), found a mapping")
            }
            // A free mapping (a transform's config, a lookup's column pairs): any names, each once.
            var object: [String: JSONValue] = [:]
            for (keyNode, child) in mapping {
                guard case .scalar(let key) = keyNode else { throw reader.error(keyNode, path, "names must be text") }
                let place = path.isEmpty ? key.string : "\(path).\(key.string)"
                guard object[key.string] == nil else {
                    throw reader.error(keyNode, place, "'\(key.string)' is set twice")
                }
                object[key.string] = try value(child, place, members: nil, free: free)
            }
            return .object(object)
        case .sequence(let sequence):
            if case .object = members {
                throw reader.error(node, path, "expected a mapping of settings (key: value), found a list")
            }
            let element: StrictJSON.Members? = if case .list(let inner) = members { inner } else { nil }
            return .array(
                try sequence.enumerated().map { (index, item) throws(ConfigError) in
                    try value(item, "\(path)[\(index)]", members: element, free: free)
                })
        }
    }

    /// Refuses a `format:` other than ``formatName`` (a map file and an override alike).
    static func checkFormat(_ reader: YAMLReader, _ node: Node, _ key: String) throws(ConfigError) {
        let format = try reader.string(node, key)
        guard format == formatName else {
            throw reader.error(node, key, "format '\(format)' is not supported; this Tandem reads \(formatName)")
        }
    }

    /// A scalar of the map's own members: text, or null when nothing is written (`erp: ~`).
    private static func text(_ scalar: Node.Scalar) -> JSONValue {
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null }
        return .string(scalar.string)
    }

    /// A scalar inside a transform's config or a default, typed as YAML's
    /// core schema types it: quoted text stays text (`"806380000"`), plain
    /// `true`, `12`, `1.5` and `null` are what they look like.
    private static func typed(_ scalar: Node.Scalar) -> JSONValue {
        guard scalar.style == .plain else { return .string(scalar.string) }
        let text = scalar.string
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }), let integer = Int64(text) {
            return .integer(integer)
        }
        if text.contains(where: \.isNumber), text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }),
            let number = Double(text)
        {
            return .number(number)
        }
        return .string(text)
    }

    /// A Foundation decoding error as a ``ConfigError`` at the setting's line.
    /// `prefix`: the setting of the decoded value, when it is not the whole map (`fields.add[0]`).
    func decodingError(_ error: DecodingError, prefix: String = "") -> ConfigError {
        func place(_ keys: [any CodingKey]) -> String {
            let inner = codingPathText(keys)
            if prefix.isEmpty || inner.isEmpty { return prefix + inner }
            return inner.hasPrefix("[") ? prefix + inner : prefix + "." + inner
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = place(context.codingPath)
            let setting = parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)"
            let example = Self.examples[key.stringValue].map { " (for example \(key.stringValue): \($0))" } ?? ""
            return self.error(at: parent, path: setting, "this setting is missing; add it\(example)")
        case .typeMismatch(let type, let context):
            let setting = place(context.codingPath)
            let found = nodes[setting].map(reader.describe) ?? "another kind of value"
            return self.error(at: setting, path: setting, "expected \(Self.kind(type, setting)), found \(found)")
        case .valueNotFound(let type, let context):
            let setting = place(context.codingPath)
            return self.error(at: setting, path: setting, "expected \(Self.kind(type, setting)), found nothing")
        case .dataCorrupted(let context):
            let setting = place(context.codingPath)
            return self.error(at: setting, path: setting, context.debugDescription)
        @unknown default:
            return self.error(at: "", path: "", "\(error)")
        }
    }

    /// What a missing member could say, for the message.
    private static let examples = [
        "id": "contoso.loyalty-cards", "version": "1.0.0", "table": "RetailLoyaltyCard",
        "key": "[DATAAREAID, CARDNUMBER]",
        "direction": "<->", "name": "tandem.std.value-map", "map": "sample.customers", "erp": "CARDNUMBER",
        "crm": "msdyn_cardnumber",
        "fields": "a list of '- erp: COLUMN' entries",
    ]

    /// The YAML kind the decoder expected, in the admin's words.
    private static func kind(_ type: Any.Type, _ setting: String) -> String {
        if setting.hasSuffix(".erp") || setting.hasSuffix(".crm"), setting.contains("fields[") {
            return "a column name or a list of column names"
        }
        switch type {
        case is String.Type: return "text"
        case is Bool.Type: return "true or false"
        default: return String(describing: type).hasPrefix("Array") ? "a list" : "a mapping of settings (key: value)"
        }
    }

    /// An error about the setting `named`, at the line of `setting` (or of
    /// the nearest enclosing setting the file has).
    func error(at setting: String, path named: String, _ reason: String) -> ConfigError {
        var probe = setting
        while nodes[probe] == nil, !probe.isEmpty {
            if probe.hasSuffix("]"), let open = probe.lastIndex(of: "[") {
                probe = String(probe[..<open])
            } else if let dot = probe.lastIndex(of: ".") {
                probe = String(probe[..<dot])
            } else {
                probe = ""
            }
        }
        let mark = nodes[probe]?.mark
        return ConfigError(file: path, line: mark?.line, column: mark?.column, path: named, reason: reason)
    }
}
