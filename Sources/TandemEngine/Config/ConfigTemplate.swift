import Foundation

/// The documented `tandem.yaml` that `tandem init` writes.
package enum ConfigTemplate {
    /// Two SQLite files next to tandem.yaml.
    package static let defaultSides: [SideRole: SideConfig] = [
        .erp: SideConfig(name: "Finance and Operations", database: "erp.sqlite"),
        .crm: SideConfig(name: "Customer Engagement", database: "crm.sqlite"),
    ]

    /// `role`'s lines under `sides:` (indented for the template's literal).
    private static func side(_ role: SideRole, _ side: SideConfig) -> String {
        var lines = ["  \(role):", "    name: \(quoted(side.name))", "    endpoint: \(side.endpoint.rawValue)"]
        switch side.endpoint {
        case .sqlite: lines.append("    database: \(quoted(side.database))")
        case .postgresql:
            lines.append("    url: \(quoted(side.url ?? ""))")
            lines.append("    schema: \(quoted(side.schema ?? "public"))")
            if let file = side.passwordFile { lines.append("    password_file: \(quoted(file))") }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` as a YAML scalar: plain where YAML reads it back as it is (as
    /// an admin would write it), else a JSON string, which is a YAML
    /// double-quoted one, so any text survives.
    private static func quoted(_ text: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._/:@+-")
        if let first = text.first, first.isLetter || first.isNumber || first == "/" || first == ".",
            text.last != " ", text.allSatisfy(plain.contains), !text.contains(": "), !text.hasSuffix(":"),
            !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased()), Double(text) == nil
        {
            return text
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail.
        return String(decoding: try! encoder.encode(text), as: UTF8.self)
    }

    /// The config of environment `name` with `maps` enabled; `pluginDirectories`
    /// (absolute) are listed after the environment's own `plugins` folder.
    static func render(
        name: String, maps: [(name: String, direction: MapDirection)], pluginDirectories: [String] = [],
        sides: [SideRole: SideConfig] = defaultSides
    ) -> String {
        // A JSON string is a YAML double-quoted scalar: any path survives, commas and colons included.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding a String cannot fail.
        let quoted = pluginDirectories.map { String(decoding: try! encoder.encode($0), as: UTF8.self) }
        let directories = (["plugins"] + quoted).joined(separator: ", ")
        let mapLines = maps.isEmpty
            ? "maps: []\n  # - name: sample.customers    # a map id from `tandem plugins list`\n"
            : "maps:\n" + maps.map { map in
                let oneWay = map.direction == .both ? "" : "    # one way: the map's fields flow only this way\n"
                return "  - name: \(map.name)\n    direction: \(map.direction.rawValue)\n\(oneWay)    master: \(map.direction == .crmToErp ? "crm" : "erp")\n"
            }.joined()
        return """
            # Tandem environment. Every path is relative to this file.
            # `tandem run` in this folder (or `tandem run --env DIR`) syncs it;
            # `tandem status` shows what it is doing. Errors in this file are
            # reported as FILE:LINE:COLUMN: setting: what is wrong.
            version: 1
            name: \(name)

            # The two sides. endpoint: sqlite (database: FILE) or postgresql
            # (url: postgresql://USER@HOST:PORT/DB, schema: default public,
            # password_file: FILE whose first line is the password, or the
            # PGPASSWORD environment variable; never a password in this file).
            sides:
            \(side(.erp, sides[.erp]!))
            \(side(.crm, sides[.crm]!))

            # Tandem's own state: map states, statistics, activity.
            state: state.sqlite

            # Plugins: the bundled ones (next to tandem), plugins/ here (always) and these folders.
            plugins:
              bundled: true
              directories: [\(directories)]

            # Engine tuning.
            engine:
              batch_size: 2000        # most changes applied in one transaction
              fallback_poll_ms: 250   # new commits wake the engine (inotify); this often it also looks without one
              poll_interval_ms: 1     # without inotify: how often sides are checked (every 5 ms after 1 s idle)
              prune_interval_s: 5     # how often consumed changes leave the change logs
              busy_timeout_s: 30      # how long to wait for a side an application holds locked
              transient_error_after_s: 60   # a side failing this long shows in `tandem errors list`
              parent_wait_s: 3600           # a change waiting this long for its parent row is an error
              plugin_crash_limit: 5         # a plugin crashing the engine this often within
              plugin_crash_window_s: 600    # this window fails its maps (docs/OPERATIONS.md)
              plugin_call_stuck_s: 30       # an in-process plugin call this long is reported stuck
              applied_retention_h: 24       # applied changes stay this long in the source's change log,
              applied_retention_changes: 1000000   # and at most this many: what `maps recover --resend` can re-send

            # How long `tandem log` history is kept (the running engine prunes older entries);
            # parked changes and open conflicts are never pruned.
            # log:
            #   retention_days: 30            # activity entries
            #   conflict_retention_days: 30   # resolved conflicts (default: retention_days)

            # Enabled maps. Per map:
            #   name:             the map id a plugin provides
            #   direction:        both | erp-to-crm | crm-to-erp
            #   master:           erp | crm: the side that wins initial sync
            #   conflict_policy:  erp-wins | crm-wins | newest-wins | merge | manual (default: the plugin's)
            #   field_policies:   with merge, who wins a column both sides changed (default: erp), e.g.
            #                     {creditlimit: crm-wins}; either side's column name
            #   filters:          erp_to_crm / crm_to_erp: the filter language over the
            #                     source table's columns (docs/MAPS.md), e.g.
            #                     "DATAAREAID eq 'usmf' and CUSTGROUP in ('10', '20')"
            #                     eq ne gt ge lt le, and or not, in (...), like,
            #                     is [not] null, startswith(), contains(), lower(),
            #                     upper(), 'text', 42, 12.50, 2024-01-31, true
            #   filters_sql:      erp_to_crm / crm_to_erp: raw SQLite SQL instead,
            #                     run as written: admin-only (never from the console)
            #   out_of_scope:     report | delete | keep: an update that moves a row out of the filter's
            #                     scope leaves the other side's row as it was and logs it (report,
            #                     the default), deletes it there and logs it (delete), or keeps it (keep)
            \(mapLines)
            """
    }
}
