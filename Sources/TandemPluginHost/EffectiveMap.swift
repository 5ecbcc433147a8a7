public import TandemDocuments

/// A map as the engine runs it: its base (a plugin's or a map file's map)
/// with an override's differences applied (``MapOverride``), and for each
/// line where it came from, for `tandem maps inspect`.
///
/// A difference the base no longer allows (a field it changes is gone after
/// the plugin was upgraded) is never dropped without a word: it is a
/// ``Finding`` naming the override's line and the field, which
/// `tandem maps validate` reports and every command warns of. The rest of the
/// override still applies, so an upgrade does not undo the admin's changes.
public struct EffectiveMap: Sendable {
    /// A difference the base map does not allow as written.
    public struct Finding: Hashable, Sendable {
        /// `FILE:LINE:COLUMN: setting: what is wrong` and what to do.
        public var message: String
        /// Whether the map should not start with it: the override asks for
        /// something it does not get (a change of a field that is gone). A
        /// removal of a field that is already gone gets what it asked and
        /// is only a warning.
        public var blocking: Bool
    }

    /// A field of the base map that the override removed.
    public struct Removed: Sendable {
        /// The base's field.
        public var field: FieldMap
        /// Where the override removes it (`maps/NAME.yaml:LINE`).
        public var origin: String
    }

    /// The map the engine runs, under the base's id.
    public var map: TableMap
    /// Where each of ``map``'s fields comes from, in the same order: the
    /// base's origin, or the override's `maps/NAME.yaml:LINE`.
    public var fieldOrigins: [String]
    /// The base's fields the override removed.
    public var removed: [Removed]
    /// Where the other members come from, by name (`erp`, `crm`,
    /// `description`, `filters.erp_to_crm`, `filters.crm_to_erp`,
    /// `depends_on`, `conflict_policy`); a member absent here is absent from the map.
    public var origins: [String: String]
    /// Differences the base does not allow, in file order.
    public var findings: [Finding]
    /// The override, when there is one.
    public var override: MapOverride?

    /// Applies `override` (if any) to `base`, whose lines come from `origin`
    /// (`plugin tandem.std.customers 1.0.0`, `maps/loyalty-cards.yaml`).
    public init(base: TableMap, origin: String, override: MapOverride?) {
        map = base
        fieldOrigins = base.fields.map { _ in origin }
        removed = []
        findings = []
        self.override = override
        origins = ["erp": origin, "crm": origin]
        if base.description != nil { origins["description"] = origin }
        if base.filters?.erpToCrm != nil { origins["filters.erp_to_crm"] = origin }
        if base.filters?.crmToErp != nil { origins["filters.crm_to_erp"] = origin }
        if base.dependsOn?.isEmpty == false { origins["depends_on"] = origin }
        if base.conflictPolicy != nil { origins["conflict_policy"] = origin }
        guard let override else { return }
        let baseName = "map \(base.id) (\(origin))"

        func problem<Value>(_ edit: MapOverride.Edit<Value>, _ reason: String, blocking: Bool) {
            findings.append(
                Finding(message: "\(override.place(edit)): \(edit.setting): \(reason)", blocking: blocking))
        }
        /// The field `name` names, or a finding and nil.
        func index<Value>(of name: String, _ edit: MapOverride.Edit<Value>, missing: String, blocking: Bool) -> Int? {
            let found = map.fields.indices.filter { Self.names(map.fields[$0], name) }
            if found.count > 1 {
                problem(
                    edit,
                    "'\(name)' names \(found.count) fields of \(baseName) (\(found.map { Self.label(map.fields[$0]) }.joined(separator: "; "))); name a column only one of them has",
                    blocking: true)
                return nil
            }
            guard let first = found.first else {
                // A typo gets the column it was meant to be; otherwise the fields there are.
                let columns = map.fields.flatMap { ($0.erp?.columns ?? []) + ($0.crm?.columns ?? []) }
                let hint =
                    StrictJSON.closest(name, in: columns).map { "did you mean '\($0)'?" }
                    ?? "its fields: " + map.fields.map { Self.label($0) }.joined(separator: ", ")
                problem(edit, "field '\(name)' is not in \(baseName)\(missing) (\(hint))", blocking: blocking)
                return nil
            }
            return first
        }

        for edit in override.removed {
            guard
                let at = index(
                    of: edit.value, edit,
                    missing: "; there is nothing to remove (was it dropped by an upgrade?): delete this entry",
                    blocking: false)
            else { continue }
            removed.append(Removed(field: map.fields.remove(at: at), origin: override.origin(edit)))
            fieldOrigins.remove(at: at)
        }
        for edit in override.changed {
            let change = edit.value
            guard
                let at = index(
                    of: change.field, edit,
                    missing:
                        ", so this change applies to nothing (was it dropped by an upgrade?): remove the change, or add the field under fields.add",
                    blocking: true)
            else { continue }
            var field = map.fields[at]
            if let direction = change.direction { field.direction = direction }
            if change.removesTransform { field.transform = nil }
            if let name = change.transformName {
                field.transform = TransformReference(name: name, config: field.transform?.config)
            }
            if let config = change.transformConfig {
                guard var transform = field.transform else {
                    problem(
                        edit,
                        "field '\(change.field)' of \(baseName) has no transform whose config could change; give transform.name too",
                        blocking: true)
                    continue
                }
                var members: [String: JSONValue] = [:]
                if case .object(let object) = transform.config { members = object }
                for (key, value) in config {
                    if case .null = value { members[key] = nil } else { members[key] = value }
                }
                transform.config = .object(members)
                field.transform = transform
            }
            if let value = change.defaultValue { field.defaultValue = value }
            if let lookup = change.lookup { field.lookup = lookup }
            map.fields[at] = field
            fieldOrigins[at] = override.origin(edit)
        }
        for edit in override.added {
            let field = edit.value
            // A field the base has gained since (its plugin was upgraded): the admin's version stays, said aloud.
            let same = map.fields.indices.filter { at in
                let other = map.fields[at]
                return !Set(other.erp?.columns ?? []).isDisjoint(with: field.erp?.columns ?? [])
                    || !Set(other.crm?.columns ?? []).isDisjoint(with: field.crm?.columns ?? [])
            }
            for at in same.reversed() {
                problem(
                    edit,
                    "\(baseName) has a field on these columns too (\(Self.label(map.fields[at]))); this entry replaces it: remove the entry to take the base's, or move it under fields.change",
                    blocking: false)
                map.fields.remove(at: at)
                fieldOrigins.remove(at: at)
            }
            map.fields.append(field)
            fieldOrigins.append(override.origin(edit))
        }
        if let description = override.description {
            map.description = description.value
            origins["description"] = override.origin(description)
        }
        for (edit, toCRM) in [(override.filterERPToCRM, true), (override.filterCRMToERP, false)] {
            guard let edit else { continue }
            let key = toCRM ? "filters.erp_to_crm" : "filters.crm_to_erp"
            var filters = map.filters ?? Filters()
            let old = toCRM ? filters.erpToCrm : filters.crmToErp
            // It narrows the base's filter: the base's split (organisations to accounts, persons to contacts) holds.
            let new = old.map { "(\($0)) AND (\(edit.value))" } ?? edit.value
            if toCRM { filters.erpToCrm = new } else { filters.crmToErp = new }
            map.filters = filters
            origins[key] = origins[key].map { "\($0) and \(override.origin(edit))" } ?? override.origin(edit)
        }
        if let edit = override.dependsOn {
            var maps = map.dependsOn ?? []
            for name in edit.value where !maps.contains(name) { maps.append(name) }
            map.dependsOn = maps
            origins["depends_on"] =
                origins["depends_on"].map { "\($0) and \(override.origin(edit))" } ?? override.origin(edit)
        }
        if let edit = override.conflictPolicy {
            map.conflictPolicy = edit.value
            origins["conflict_policy"] = override.origin(edit)
        }
        do {
            try MapsDocument(maps: [map]).validate(document: override.path)
        } catch {
            var setting = String(error.path.dropFirst("maps[0]".count))
            if setting.hasPrefix(".") { setting.removeFirst() }
            problem(override.extends, "the map it makes is not valid: \(setting): \(error.reason)", blocking: true)
        }
    }

    /// Whether `name` is one of the field's columns, on either side.
    static func names(_ field: FieldMap, _ name: String) -> Bool {
        (field.erp?.columns ?? []).contains(name) || (field.crm?.columns ?? []).contains(name)
    }

    /// `ERP <-> CRM` of a field, for messages and `tandem maps inspect`.
    public static func label(_ field: FieldMap) -> String {
        let erp = field.erp.map { $0.columns.joined(separator: "+") } ?? "-"
        let crm = field.crm.map { $0.columns.joined(separator: "+") } ?? "-"
        return "\(erp) \(field.direction.rawValue) \(crm)"
    }
}
