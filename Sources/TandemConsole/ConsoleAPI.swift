import Foundation
import Hummingbird
import TandemEngine

/// The JSON REST API under `/api/v1`, described by docs/console-openapi.yaml
/// (a test holds the two equal). Every route checks credentials first, then
/// the request, then the thing it names, and changes nothing when any check
/// fails; errors are `{"error": ..., "hint": ...}` with a status that says
/// whose fault it is.
struct ConsoleAPI: Sendable {
    /// What the routes do.
    let operations: ConsoleOperations
    /// Who may call them.
    let auth: ConsoleAuth

    /// The largest body read: the API takes small JSON objects only.
    static let maxBody = 64 * 1024

    /// Adds the routes to `router`.
    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/maps") { request, _ in
            await Self.answer {
                _ = try auth.user(of: request, changing: false)
                return try await OffPool.run { [operations] in try operations.maps() }
            }
        }
        for action in MapLifecycle.Action.allCases {
            router.post(RouterPath("/api/v1/maps/{name}/\(action.rawValue)")) { request, context in
                await Self.answer {
                    let user = try auth.user(of: request, changing: true)
                    let options = try await Self.options(of: request, allowed: ["withDependents", "withDependencies"])
                    let name = context.parameters.get("name") ?? ""
                    return try await OffPool.run { [operations] in
                        try operations.lifecycle(
                            action, map: name, withDependents: options["withDependents"] ?? false,
                            withDependencies: options["withDependencies"] ?? false, actor: "console:\(user)")
                    }
                }
            }
        }
        router.get("/api/v1/errors") { request, _ in
            await Self.answer {
                _ = try auth.user(of: request, changing: false)
                let map = request.uri.queryParameters.get("map")
                let errorClass = request.uri.queryParameters.get("class")
                return try await OffPool.run { [operations] in try operations.errors(map: map, errorClass: errorClass) }
            }
        }
        for action in [OperatorRequest.Action.retry, .discard] {
            router.post(RouterPath("/api/v1/errors/{id}/\(action.rawValue)")) { request, context in
                await Self.answer {
                    let user = try auth.user(of: request, changing: true)
                    _ = try await Self.options(of: request, allowed: [])
                    let id = context.parameters.get("id") ?? ""
                    return try await OffPool.run { [operations] in
                        try operations.resolveError(action, id: id, actor: "console:\(user)")
                    }
                }
            }
        }
        router.get("/api/v1/conflicts") { request, _ in
            await Self.answer {
                _ = try auth.user(of: request, changing: false)
                let map = request.uri.queryParameters.get("map")
                let openOnly = try Self.flag(request, "open")
                return try await OffPool.run { [operations] in try operations.conflicts(map: map, openOnly: openOnly) }
            }
        }
        router.post("/api/v1/conflicts/{id}/resolve") { request, context in
            await Self.answer {
                let user = try auth.user(of: request, changing: true)
                let take = try await Self.take(of: request)
                let id = context.parameters.get("id") ?? ""
                return try await OffPool.run { [operations] in
                    try operations.resolveConflict(id: id, take: take, actor: "console:\(user)")
                }
            }
        }
        router.get("/api/v1/dependencies") { request, _ in
            await Self.answer {
                _ = try auth.user(of: request, changing: false)
                return try await OffPool.run { [operations] in try operations.dependencies() }
            }
        }
        router.get("/api/v1/log") { request, _ in
            await Self.answer {
                _ = try auth.user(of: request, changing: false)
                let (filter, limit, before) = try Self.logQuery(request)
                return try await OffPool.run { [operations] in try operations.log(filter, limit: limit, before: before)
                }
            }
        }
    }

    /// `GET /api/v1/log`'s query: `map`, `side`, `kind`, `key`, `since` and
    /// `until` (ms since the epoch), as `tandem log` filters; `limit` (1 to
    /// 1000, default 100) and `before` (a cursor) page.
    private static func logQuery(_ request: Request) throws(ConsoleError) -> (LogFilter, Int, String?) {
        let query = request.uri.queryParameters
        var filter = LogFilter()
        if let map = query.get("map") { filter.maps = [map] }
        if let side = query.get("side") {
            guard let role = SideRole(rawValue: side) else {
                throw ConsoleError(
                    .badRequest, "side '\(side)' is neither erp nor crm", hint: "pass side=erp or side=crm")
            }
            filter.side = role
        }
        if let kind = query.get("kind") {
            guard let parsed = LogEntry.Kind(rawValue: kind) else {
                throw ConsoleError(
                    .badRequest, "kind '\(kind)' is not a log entry kind",
                    hint: "pass one of \(LogEntry.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kinds = [parsed]
        }
        filter.key = query.get("key")
        /// The time `name`, in ms since the epoch, when given.
        func time(_ name: String) throws(ConsoleError) -> Double? {
            guard let text = query.get(name) else { return nil }
            guard let value = Double(text), value >= 0 else {
                throw ConsoleError(
                    .badRequest, "\(name) '\(text)' is not a time", hint: "pass milliseconds since the epoch")
            }
            return value
        }
        filter.since = try time("since")
        filter.until = try time("until")
        var limit = 100
        if let text = query.get("limit") {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw ConsoleError(
                    .badRequest, "limit '\(text)' is not a number from 1 to 1000", hint: "pass limit=100, say")
            }
            limit = value
        }
        return (filter, limit, query.get("before"))
    }

    /// The query parameter `name` as a boolean: absent or `false` is false, `true` is true.
    private static func flag(_ request: Request, _ name: String) throws(ConsoleError) -> Bool {
        switch request.uri.queryParameters.get(name) {
        case nil, "false"?: return false
        case "true"?: return true
        case let text?:
            throw ConsoleError(.badRequest, "\(name) '\(text)' is neither true nor false", hint: "pass \(name)=true")
        }
    }

    /// The request's body as a JSON object with keys among `allowed`; an
    /// empty body is `{}`. Throws 400 naming what is wrong, with `example`
    /// (what to send) as the hint.
    private static func object(
        of request: Request, allowed: Set<String>, example: String
    ) async throws -> (object: [String: Any], data: Data) {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBody) } catch {
            throw ConsoleError(
                .badRequest, "the body is larger than \(maxBody) bytes", hint: "send a small JSON object")
        }
        let data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return ([:], Data("{}".utf8)) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConsoleError(.badRequest, "the body is not a JSON object", hint: example)
        }
        for key in object.keys where !allowed.contains(key) {
            throw ConsoleError(
                .badRequest, "the body's key '\(key)' is not known here",
                hint: allowed.isEmpty
                    ? "send no body, or {}" : "known keys: \(allowed.sorted().joined(separator: ", "))")
        }
        return (object, data)
    }

    /// The request's body as a JSON object of booleans with keys among
    /// `allowed`; an empty body is `{}`. Throws 400 naming what is wrong.
    static func options(of request: Request, allowed: Set<String>) async throws -> [String: Bool] {
        let example =
            allowed.isEmpty ? "send no body, or {}" : "send a JSON object such as {\"\(allowed.sorted()[0])\": true}"
        let (_, data) = try await Self.object(of: request, allowed: allowed, example: example)
        // Decoded as Bool by JSONDecoder, which takes true and false only (a 1 does not pass for true).
        guard let result = try? JSONDecoder().decode([String: Bool].self, from: data) else {
            throw ConsoleError(.badRequest, "the body's values are not all true or false", hint: example)
        }
        return result
    }

    /// `POST /api/v1/conflicts/{id}/resolve`'s body, `{"take": "erp"|"crm"|"merged"}`: its `take`.
    /// Throws 400 naming what is wrong, in the words of `tandem conflicts resolve --take`.
    static func take(of request: Request) async throws -> String {
        let example = #"send {"take": "erp"}, "crm" or "merged""#
        let (body, _) = try await Self.object(of: request, allowed: ["take"], example: example)
        guard let value = body["take"] else {
            throw ConsoleError(.badRequest, "the body has no 'take'", hint: example)
        }
        guard let take = value as? String, ConsoleOperations.takes.contains(take) else {
            throw ConsoleError(.badRequest, "take must be erp, crm or merged, not '\(value)'", hint: example)
        }
        return take
    }

    /// `body`'s value as JSON (200), or its error as `{"error", "hint"}` with the error's status.
    static func answer<T: Encodable & Sendable>(_ body: () async throws -> T) async -> Response {
        do {
            return json(try await body())
        } catch {
            return failure(error)
        }
    }

    /// `value` as a 200 JSON answer.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(value)
            return Response(
                status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return failure(
                ConsoleError(.failed, "the answer could not be encoded: \(error)", hint: "report this as a bug"))
        }
    }

    /// `error` as `{"error": ..., "hint": ...}`: the console's own errors as they are, the
    /// engine's by their code (a state that does not allow the action is a 409).
    static func failure(_ error: any Error) -> Response {
        let console: ConsoleError
        switch error {
        case let error as ConsoleError:
            console = error
        case let error as SyncError:
            switch error.code {
            case .state, .configuration, .locked:
                console = ConsoleError(
                    .conflict, error.message, hint: "GET /api/v1/maps shows each map's state; nothing was changed")
            default:
                console = ConsoleError(
                    .failed, error.message, hint: "`tandem status` and `tandem log` on the machine say more")
            }
        default:
            console = ConsoleError(
                .failed, "\(error)", hint: "`tandem status` and `tandem log` on the machine say more")
        }
        return Response(
            status: HTTPResponse.Status(code: console.kind.status),
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: console.body)))
    }
}
