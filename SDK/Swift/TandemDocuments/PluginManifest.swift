/// The plugin's manifest (`tandem.manifest/1`): what the host reads before it
/// runs any plugin code, written next to the library as
/// `<library file name>.manifest.json`.
///
/// A source manifest (`tandem-plugin.json` in the plugin's source folder)
/// has the same members without `library` and `sha256`; `tandem plugins pack`
/// fills those in from the built library.
public struct PluginManifest: JSONDocument, Hashable {
    /// `tandem.manifest/1`.
    public static let formatName = "tandem.manifest/1"
    /// The suffix appended to a library's file name to find its manifest.
    public static let fileSuffix = ".manifest.json"

    /// The document format.
    public var format: String
    /// Unique reverse-DNS id; must equal the descriptor's.
    public var id: String
    /// Semantic version; must equal the descriptor's.
    public var version: String
    /// Display name.
    public var name: String?
    /// ABI major version the plugin was built against.
    public var abiMajor: UInt32
    /// ABI minor version the plugin was built against.
    public var abiMinor: UInt32
    /// What the plugin provides.
    public var kinds: [PluginKind]
    /// `c`, `c++`, `rust` or `swift-MAJOR.MINOR`.
    public var toolchain: String
    /// The library's file name (set by packing).
    public var library: String?
    /// Lower-case hex SHA-256 of the library (set by packing).
    public var sha256: String?

    /// The manifest's members.
    public static var members: StrictJSON.Members? { memberNames(CodingKeys.self) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, id, version, name, kinds, toolchain, library, sha256
        case abiMajor = "abi_major"
        case abiMinor = "abi_minor"
    }

    /// Creates a manifest.
    public init(
        id: String, version: String, name: String? = nil, abiMajor: UInt32 = 1, abiMinor: UInt32 = 0,
        kinds: [PluginKind], toolchain: String, library: String? = nil, sha256: String? = nil
    ) {
        self.format = Self.formatName
        self.id = id
        self.version = version
        self.name = name
        self.abiMajor = abiMajor
        self.abiMinor = abiMinor
        self.kinds = kinds
        self.toolchain = toolchain
        self.library = library
        self.sha256 = sha256
    }

    /// Checks the id, version, kinds and hash shape.
    public func validate(document: String) throws(DocumentError) {
        guard PluginManifest.isValidID(id) else {
            throw DocumentError(
                document: document, path: "id",
                reason: "'\(id)' is not a plugin id; use reverse-DNS letters, digits, '.', '-' and '_' (com.example.warehouses)")
        }
        guard !version.isEmpty else {
            throw DocumentError(document: document, path: "version", reason: "the version is empty")
        }
        guard !kinds.isEmpty else {
            throw DocumentError(document: document, path: "kinds", reason: "name at least one kind: table-map, transform")
        }
        guard !toolchain.isEmpty else {
            throw DocumentError(document: document, path: "toolchain", reason: "the toolchain is empty (c, c++, rust, swift-6.3)")
        }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw DocumentError(document: document, path: "sha256", reason: "'\(sha256)' is not 64 hex digits")
        }
    }

    /// Whether `id` is a well-formed plugin id.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 200
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}

/// What a plugin provides.
public enum PluginKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// Table maps, their DDL and optional batch mappers.
    case tableMap = "table-map"
    /// Named transforms.
    case transform

    /// Decodes a kind; anything else names the two.
    public init(from decoder: any Decoder) throws { self = try decodeChoice(decoder) }
}
