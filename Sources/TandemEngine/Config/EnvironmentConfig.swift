package import TandemDocuments

/// The contents of an environment's `tandem.yaml`, validated.
///
/// Paths are as written in the file; ``TandemEnvironment`` resolves them
/// against the file's folder.
package struct EnvironmentConfig: Hashable, Sendable {
    /// Format version of the file; 1.
    package var version: Int
    /// A name for the environment, shown by `status`.
    package var name: String
    /// The two sides.
    package var sides: [SideRole: SideConfig]
    /// Tandem's state database.
    package var state: String
    /// Where plugins come from.
    package var plugins: PluginSettings
    /// Engine tuning.
    package var engine: EngineSettings
    /// The enabled maps, in the order written.
    package var maps: [MapSettings]
    /// Activity log retention (`log:`).
    package var log = LogSettings()
    /// Where alert notifications go (`notifications:`), in the order written.
    package var notifications: [NotificationSubscription] = []
    /// Alert rules (`alerts:`).
    package var alerts = AlertSettings()

    /// Creates a config.
    package init(
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
    package func map(_ name: String) -> MapSettings? {
        maps.first { $0.name == name }
    }
}

/// One side: its display name and its endpoint.
package struct SideConfig: Hashable, Sendable {
    /// The endpoints a side can be.
    package enum Endpoint: String, Hashable, Sendable, CaseIterable {
        /// A SQLite database file (`database:`).
        case sqlite
        /// A schema in a PostgreSQL database (`url:`, `schema:`, `password_file:`).
        case postgresql
    }

    /// Display name, e.g. `Finance and Operations`.
    package var name: String
    /// The endpoint driver.
    package var endpoint: Endpoint
    /// The SQLite database file (SQLite sides).
    package var database: String
    /// `postgresql://USER@HOST:PORT/DATABASE`, never with a password (PostgreSQL sides).
    package var url: String?
    /// The schema holding the side's tables (PostgreSQL sides; `public` when nil).
    package var schema: String?
    /// A file whose first line is the password, relative to the environment
    /// (PostgreSQL sides; `PGPASSWORD` when nil).
    package var passwordFile: String?

    /// Creates a SQLite side.
    package init(name: String, database: String) {
        self.name = name
        self.endpoint = .sqlite
        self.database = database
    }

    /// Creates a PostgreSQL side.
    package init(name: String, url: String, schema: String? = nil, passwordFile: String? = nil) {
        self.name = name
        self.endpoint = .postgresql
        self.database = ""
        self.url = url
        self.schema = schema
        self.passwordFile = passwordFile
    }

    /// Where the side is, for messages: the file, or the url and schema (never a password).
    package var location: String {
        switch endpoint {
        case .sqlite: database
        case .postgresql: (url ?? "") + (schema.map { $0 == "public" ? "" : " (schema \($0))" } ?? "")
        }
    }
}

/// Where plugins are loaded from.
package struct PluginSettings: Hashable, Sendable {
    /// Whether the plugins bundled with `tandem` are loaded.
    package var bundled: Bool
    /// More plugin directories, relative to the environment.
    package var directories: [String]
    /// Plugin id → where its transforms run (`plugins.settings`); a plugin not named runs in-process.
    package var isolation: [String: PluginIsolation]

    /// Creates settings.
    package init(bundled: Bool = true, directories: [String] = ["plugins"], isolation: [String: PluginIsolation] = [:]) {
        self.bundled = bundled
        self.directories = directories
        self.isolation = isolation
    }

    /// Whether plugin `id`'s transforms run in the engine's own process (the default).
    package func inProcess(_ id: String) -> Bool { isolation[id]?.mode != .process }
}

/// Engine tuning knobs.
package struct EngineSettings: Hashable, Sendable {
    /// Most changes read and applied in one transaction.
    package var batchSize: Int
    /// How often idle sides are checked for new commits, in milliseconds,
    /// where file notifications (inotify) are not available.
    package var pollIntervalMilliseconds: Int
    /// With file notifications, how often the sides and the state database
    /// are also checked without one, in milliseconds: the bound on a commit
    /// that no notification announced.
    package var fallbackPollMilliseconds: Int
    /// How often consumed changes are pruned from the change logs, in seconds.
    package var pruneIntervalSeconds: Int
    /// How long the engine waits for a side another writer holds, in seconds.
    package var busyTimeoutSeconds: Int
    /// How long a side may keep failing (busy, disk errors) before it shows
    /// in the error list as a transient error, in seconds.
    package var transientErrorAfterSeconds: Int
    /// How long applied changes stay in a source's change log before pruning, in hours,
    /// so that a side restored from a backup can be sent them again; 0 prunes at once.
    package var appliedRetentionHours: Int
    /// At most how many of the last applied change numbers stay; 0 prunes at once.
    package var appliedRetentionChanges: Int
    /// How long a change may wait for its parent row before `tandem errors
    /// list`, `tandem status` and alert rules call it an error, in seconds: a
    /// reference in the wrong case (`'usd'` for `USD`) waits for ever otherwise.
    package var parentWaitSeconds: Int
    /// How many crashes of one plugin within ``pluginCrashWindowSeconds``
    /// fail its maps instead of restarting the engine again (a crash while
    /// narrowing down a crashed batch to its row does not count).
    package var pluginCrashLimit = 5
    /// The window ``pluginCrashLimit`` counts in, in seconds.
    package var pluginCrashWindowSeconds = 600
    /// After how many seconds a plugin call in the engine's process that has
    /// not returned is reported as stuck (`tandem status`, `tandem log`): it
    /// cannot be stopped there, only seen; `isolation: process` stops one.
    package var pluginCallStuckSeconds = 30

    /// Creates settings.
    package init(
        batchSize: Int = 2000, pollIntervalMilliseconds: Int = 1, pruneIntervalSeconds: Int = 5, busyTimeoutSeconds: Int = 30,
        transientErrorAfterSeconds: Int = 60, appliedRetentionHours: Int = 24, appliedRetentionChanges: Int = 1_000_000,
        fallbackPollMilliseconds: Int = 250, parentWaitSeconds: Int = 3600
    ) {
        self.parentWaitSeconds = parentWaitSeconds
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
package enum MapDirection: String, Hashable, Sendable, CaseIterable {
    /// Both ways, as each field allows.
    case both
    /// ERP to CRM only.
    case erpToCrm = "erp-to-crm"
    /// CRM to ERP only.
    case crmToErp = "crm-to-erp"

    /// Whether `direction` is synced.
    package func allows(_ direction: SyncDirection) -> Bool {
        switch self {
        case .both: true
        case .erpToCrm: direction == .erpToCrm
        case .crmToErp: direction == .crmToErp
        }
    }
}

/// An enabled map and the environment's settings for it.
package struct MapSettings: Hashable, Sendable {
    /// The map id, as a plugin provides it.
    package var name: String
    /// Which directions run.
    package var direction: MapDirection
    /// The side that wins initial sync.
    package var master: SideRole
    /// Overrides the plugin's conflict policy.
    package var conflictPolicy: ConflictPolicy?
    /// Overrides the map's filters, per direction, in the filter language
    /// (`filters:`, see ``FilterParser``): the key the console edits.
    package var filters: Filters?
    /// Overrides the map's filters, per direction, in raw SQL
    /// (`filters_sql:`): admin-only, run as written.
    package var filtersSQL: Filters?
    /// Where each `filters.<direction>` text starts in tandem.yaml (keys
    /// `filters.erp_to_crm`, `filters.crm_to_erp`), for errors at its character.
    package var filterMarks: [String: FilterMark] = [:]
    /// With the `merge` policy: who wins a column both sides changed, by
    /// column name (either side's), instead of the ERP side.
    package var fieldPolicies: [String: ConflictPolicy] = [:]
    /// What happens to the other side's row when an update moves a row out
    /// of the filter's scope.
    package var outOfScope: OutOfScope = .report

    /// Creates settings.
    package init(
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

extension EnvironmentConfig {
    /// Every secret the config holds (a webhook URL's path and query, header
    /// values, a command's arguments): what the console's pages and answers
    /// scrub from any text they show (issue 20: no secret reaches the page).
    package var secrets: [String] { notifications.flatMap(\.secrets) }
}
