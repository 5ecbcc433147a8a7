public import TandemDocuments

/// An override of a loaded map: a map file with `extends: NAME` that gives
/// only the differences from the map it extends (fields added, removed or
/// changed; a filter, dependencies, the conflict policy).
///
/// Each difference keeps the line and column it was written at, so that
/// `tandem maps inspect` can say where every line of the effective map came
/// from and `tandem maps validate` can point at a difference the base map no
/// longer allows (its plugin was upgraded and the field is gone). The
/// effective map is ``EffectiveMap``; it replaces the base under the base's
/// name, so an override is never a second map. It is a plain value here and
/// read elsewhere, as ``MapFile`` is: the host library parses no YAML.
public struct MapOverride: Hashable, Sendable {
    /// One difference, with where the file says it.
    public struct Edit<Value: Hashable & Sendable>: Hashable, Sendable {
        /// What the file says.
        public var value: Value
        /// The setting, as errors name it (`fields.change.ONHOLD`).
        public var setting: String
        /// The 1-based line of the setting in the file.
        public var line: Int
        /// The 1-based column of the setting in the file.
        public var column: Int

        /// Creates a difference at `line`:`column`.
        public init(_ value: Value, setting: String, line: Int, column: Int) {
            self.value = value
            self.setting = setting
            self.line = line
            self.column = column
        }
    }

    /// A change to one field of the base map, found by a column name.
    public struct FieldChange: Hashable, Sendable {
        /// The field's ERP column, or its CRM column when it has none on the ERP side.
        public var field: String
        /// A new direction.
        public var direction: FieldDirection?
        /// A new transform name (another transform in place of the base's).
        public var transformName: String?
        /// Members of the transform's config to set, each replacing the
        /// base's member of that name whole; a null removes the member. One
        /// level deep on purpose: `map:` replaces the whole value map, so an
        /// entry the admin leaves out is gone rather than kept from the base.
        public var transformConfig: [String: JSONValue]?
        /// The field loses its transform (`transform: ~`).
        public var removesTransform: Bool
        /// A new default, for a field with a column on one side only.
        public var defaultValue: JSONValue?
        /// A new lookup, replacing the base's whole.
        public var lookup: Lookup?

        /// Creates a change of the field `field`.
        public init(
            field: String, direction: FieldDirection? = nil, transformName: String? = nil,
            transformConfig: [String: JSONValue]? = nil, removesTransform: Bool = false,
            defaultValue: JSONValue? = nil, lookup: Lookup? = nil
        ) {
            self.field = field
            self.direction = direction
            self.transformName = transformName
            self.transformConfig = transformConfig
            self.removesTransform = removesTransform
            self.defaultValue = defaultValue
            self.lookup = lookup
        }
    }

    /// The file, absolute.
    public var path: String
    /// The file as messages and listings name it (`maps/customers.yaml`).
    public var name: String
    /// The map it extends, with the place of `extends:`.
    public var extends: Edit<String>
    /// The override's own version, for lifecycle management; the effective
    /// map keeps its base's version, which names what the plugin shipped.
    public var version: String?
    /// Who publishes the override.
    public var publisher: String?
    /// A new description.
    public var description: Edit<String>?
    /// Fields added (`fields.add`).
    public var added: [Edit<FieldMap>]
    /// Fields removed (`fields.remove`), by column name.
    public var removed: [Edit<String>]
    /// Fields changed (`fields.change`).
    public var changed: [Edit<FieldChange>]
    /// A filter of ERP rows, which narrows the base's: both must hold.
    public var filterERPToCRM: Edit<String>?
    /// A filter of CRM rows, which narrows the base's: both must hold.
    public var filterCRMToERP: Edit<String>?
    /// Maps to run first, besides the base's.
    public var dependsOn: Edit<[String]>?
    /// A conflict policy in place of the base's.
    public var conflictPolicy: Edit<ConflictPolicy>?

    /// Creates an override of the map `extends`.
    public init(
        path: String, name: String, extends: Edit<String>, version: String? = nil, publisher: String? = nil,
        description: Edit<String>? = nil, added: [Edit<FieldMap>] = [], removed: [Edit<String>] = [],
        changed: [Edit<FieldChange>] = [], filterERPToCRM: Edit<String>? = nil, filterCRMToERP: Edit<String>? = nil,
        dependsOn: Edit<[String]>? = nil, conflictPolicy: Edit<ConflictPolicy>? = nil
    ) {
        self.path = path
        self.name = name
        self.extends = extends
        self.version = version
        self.publisher = publisher
        self.description = description
        self.added = added
        self.removed = removed
        self.changed = changed
        self.filterERPToCRM = filterERPToCRM
        self.filterCRMToERP = filterCRMToERP
        self.dependsOn = dependsOn
        self.conflictPolicy = conflictPolicy
    }

    /// `FILE:LINE:COLUMN` of a difference, as errors start.
    public func place<Value>(_ edit: Edit<Value>) -> String { "\(path):\(edit.line):\(edit.column)" }

    /// `maps/NAME.yaml:LINE` of a difference, as `tandem maps inspect` names an origin.
    public func origin<Value>(_ edit: Edit<Value>) -> String { "\(name):\(edit.line)" }
}
