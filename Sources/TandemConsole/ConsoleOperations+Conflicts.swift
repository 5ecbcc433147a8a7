import Foundation
import TandemEngine
import TandemPluginHost

/// The conflicts: listed as `tandem conflicts list` reads them
/// (``ConflictList``), and resolved as `tandem conflicts resolve` does, by
/// an operator request through ``RequestSubmission``, which the running
/// engine (or, without one, this process holding the environment lock)
/// carries out: one way to decide a conflict.
extension ConsoleOperations {
    /// `GET /api/v1/conflicts`'s answer.
    struct ConflictsAnswer: Encodable, Sendable {
        /// The conflicts: the open ones first, oldest first (the order they wait in), then the
        /// decided ones, the latest decided first.
        var conflicts: [ConflictView]
        /// Sides that could not be read now, with why: their conflicts are missing from the list.
        var unreadable: [SideLine]
    }

    /// What `take` may be: the side whose version the row keeps, or `merged`.
    static let takes = ["erp", "crm", "merged"]

    /// The recorded conflicts, of `map` only when given, the open ones only when `openOnly`.
    func conflicts(map: String?, openOnly: Bool) throws -> ConflictsAnswer {
        let environment = try environment()
        if let map { try requireMap(map, environment) }
        let (entries, unreadable) = try ConflictList.readableEntries(environment, map: map, openOnly: openOnly)
        let open = entries.filter { $0.status == "open" }
        let decided = entries.filter { $0.status != "open" }.sorted {
            ($0.resolvedAt ?? $0.at, $0.id) > ($1.resolvedAt ?? $1.at, $1.id)
        }
        return ConflictsAnswer(
            conflicts: (open + decided).map { entry in
                var entry = entry
                // The outcome quotes actors and policies; scrubbed like every text that could quote the config.
                entry.outcome = scrub(entry.outcome, environment)
                return ConflictView(entry, map: catalog.map(entry.map)?.map)
            },
            unreadable: unreadable.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                SideLine(side: $0.key.rawValue, error: scrub($0.value, environment) ?? "")
            })
    }

    /// Decides the open conflict `id` as `actor`, keeping `take`'s version of the row (`erp`, `crm`
    /// or `merged`), the way `tandem conflicts resolve ID --take TAKE` does. An id that names no
    /// conflict is a 404 and queues nothing; a conflict the engine refuses to decide (decided
    /// already, its map paused, a merge of a column both sides changed) is a 409 with the
    /// engine's words, and the engine changed nothing.
    func resolveConflict(id text: String, take: String, actor: String) throws -> [OperatorRequest.Result] {
        let environment = try environment()
        let id: ErrorID
        do { id = try ErrorID(parsing: text, conflict: true) } catch {
            throw ConsoleError(
                .badRequest, error.message, hint: "GET /api/v1/conflicts lists the conflicts and their ids (crm-3)")
        }
        do { _ = try ConflictList.entry(environment, id: id) } catch let error as SyncError where error.code == .state {
            throw ConsoleError(
                .notFound, "there is no conflict \(id)", hint: "GET /api/v1/conflicts lists the recorded ones")
        }
        let results = try RequestSubmission.submit(
            OperatorRequest(action: .resolve, ids: [id.description], take: take), environment: environment,
            actor: actor, catalog: { catalog }, logger: logger)
        if let refused = results.first(where: { $0.outcome == "refused" }) {
            throw ConsoleError(
                .conflict, scrub(refused.detail, environment) ?? "conflict \(id) was not decided",
                hint: "GET /api/v1/conflicts shows the conflict as it is; nothing was changed")
        }
        return results
    }
}
