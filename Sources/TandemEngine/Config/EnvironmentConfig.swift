public import TandemDocuments

/// The contents of an environment's `tandem.yaml`, validated.
///
/// Paths are as written in the file; ``TandemEnvironment`` resolves them
/// against the file's folder.
public struct EnvironmentConfig: Hashable, Sendable {
    /// Format version of the file; 1.
    public var version: Int
    /// A name for the environment, shown by `status`.
    public var name: String
    /// The two sides.
    public var sides: [SideRole: SideConfig]
    /// Tandem's state database.
    public var state: String
    /// Where plugins come from.
    public var plugins: PluginSettings
    /// Engine tuning.
    public var engine: EngineSettings
    /// The enabled maps, in the order written.
    public var maps: [MapSettings]
    /// Activity log retention (`log:`).
    public var log = LogSettings()
    /// Where alert notifications go (`notifications:`), in the order written.
    public var notifications: [NotificationSubscription] = []
    /// Alert rules (`alerts:`).
    public var alerts = AlertSettings()

    /// Creates a config.
    public init(
        version: Int = 1, name: String, sides: [SideRole: SideConfig], state: String = "state.sqlite",
        plugins: PluginSettings = PluginSettings(), engine: EngineSettings = EngineSettings(), maps: [MapSettings] = []
    ) {
        self.version = version
        self.name = name
        self.sides = sides
        self.state = state
        self.plugins = plugins
        self.engine = engine
        self.maps = maps
    }

    /// The settings of the map named `name`.
    public func map(_ name: String) -> MapSettings? {
        maps.first { $0.name == name }
    }
}

/// One side: its display name and its endpoint.
public struct SideConfig: Hashable, Sendable {
    /// Display name, e.g. `Finance and Operations`.
    public var name: String
    /// The endpoint driver; `sqlite` for now.
    public var endpoint: String
    /// The SQLite database file.
    public var database: String

    /// Creates a side.
    public init(name: String, endpoint: String = "sqlite", database: String) {
        self.name = name
        self.endpoint = endpoint
        self.database = database
    }
}

/// Where plugins are loaded from.
public struct PluginSettings: Hashable, Sendable {
    /// Whether the plugins bundled with `tandem` are loaded.
    public var bundled: Bool
    /// More plugin directories, relative to the environment.
    public var directories: [String]

    /// Creates settings.
    public init(bundled: Bool = true, directories: [String] = ["plugins"]) {
        self.bundled = bundled
        self.directories = directories
    }
}

/// Engine tuning knobs.
public struct EngineSettings: Hashable, Sendable {
    /// Most changes read and applied in one transaction.
    public var batchSize: Int
    /// How often idle sides are checked for new commits, in milliseconds,
    /// where file notifications (inotify) are not available.
    public var pollIntervalMilliseconds: Int
    /// With file notifications, how often the sides and the state database
    /// are also checked without one, in milliseconds: the bound on a commit
    /// that no notification announced.
    public var fallbackPollMilliseconds: Int
    /// How often consumed changes are pruned from the change logs, in seconds.
    public var pruneIntervalSeconds: Int
    /// How long the engine waits for a side another writer holds, in seconds.
    public var busyTimeoutSeconds: Int
    /// How long a side may keep failing (busy, disk errors) before it shows
    /// in the error list as a transient error, in seconds.
    public var transientErrorAfterSeconds: Int
    /// How long applied changes stay in a source's change log before pruning, in hours,
    /// so that a side restored from a backup can be sent them again; 0 prunes at once.
    public var appliedRetentionHours: Int
    /// At most how many of the last applied change numbers stay; 0 prunes at once.
    public var appliedRetentionChanges: Int

    /// Creates settings.
    public init(
        batchSize: Int = 2000, pollIntervalMilliseconds: Int = 1, pruneIntervalSeconds: Int = 5, busyTimeoutSeconds: Int = 30,
        transientErrorAfterSeconds: Int = 60, appliedRetentionHours: Int = 24, appliedRetentionChanges: Int = 1_000_000,
        fallbackPollMilliseconds: Int = 250
    ) {
        self.fallbackPollMilliseconds = fallbackPollMilliseconds
        self.appliedRetentionHours = appliedRetentionHours
        self.appliedRetentionChanges = appliedRetentionChanges
        self.batchSize = batchSize
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.pruneIntervalSeconds = pruneIntervalSeconds
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.transientErrorAfterSeconds = transientErrorAfterSeconds
    }
}

/// Which directions a map syncs.
public enum MapDirection: String, Hashable, Sendable, CaseIterable {
    /// Both ways, as each field allows.
    case both
    /// ERP to CRM only.
    case erpToCrm = "erp-to-crm"
    /// CRM to ERP only.
    case crmToErp = "crm-to-erp"

    /// Whether `direction` is synced.
    public func allows(_ direction: SyncDirection) -> Bool {
        switch self {
        case .both: true
        case .erpToCrm: direction == .erpToCrm
        case .crmToErp: direction == .crmToErp
        }
    }
}

/// An enabled map and the environment's settings for it.
public struct MapSettings: Hashable, Sendable {
    /// The map id, as a plugin provides it.
    public var name: String
    /// Which directions run.
    public var direction: MapDirection
    /// The side that wins initial sync.
    public var master: SideRole
    /// Overrides the plugin's conflict policy.
    public var conflictPolicy: ConflictPolicy?
    /// Overrides the plugin's filters, per direction.
    public var filters: Filters?
    /// With the `merge` policy: who wins a column both sides changed, by
    /// column name (either side's), instead of the ERP side.
    public var fieldPolicies: [String: ConflictPolicy] = [:]

    /// Creates settings.
    public init(
        name: String, direction: MapDirection = .both, master: SideRole = .erp, conflictPolicy: ConflictPolicy? = nil,
        filters: Filters? = nil
    ) {
        self.name = name
        self.direction = direction
        self.master = master
        self.conflictPolicy = conflictPolicy
        self.filters = filters
    }
}
