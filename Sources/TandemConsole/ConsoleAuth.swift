import Foundation
import Hummingbird

/// Who may use the console, checked on every API request: the token of
/// `<env>/console.token` as `Authorization: Bearer TOKEN` (scripts), or the
/// session cookie that `POST /login` sets (the pages). A change made with the
/// cookie must also carry the session's CSRF token in `X-CSRF-Token`: a
/// browser attaches the cookie to any request by itself, but only the
/// console's own page knows that token.
struct ConsoleAuth: Sendable {
    /// The environment's console token.
    let token: String
    /// The open browser sessions.
    let sessions: ConsoleSessions

    /// The session cookie's name.
    static let cookie = "tandem_session"
    /// The header a cookie-authenticated change carries its CSRF token in.
    static let csrfHeader = "X-CSRF-Token"
    /// The header a token-authenticated script may name its user in (default `admin`).
    static let userHeader = "X-Tandem-User"

    /// The value of the header `name` (compared without case, as HTTP does).
    static func header(_ name: String, of request: Request) -> String? {
        let lower = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lower }?.value
    }

    /// Who made `request` (the USER of `console:USER`); throws 401 without
    /// valid credentials and 403 for a cookie-authenticated change without
    /// its CSRF token.
    func user(of request: Request, changing: Bool) throws(ConsoleError) -> String {
        if let authorization = request.headers[.authorization] {
            let prefix = "Bearer "
            guard authorization.hasPrefix(prefix), Self.same(String(authorization.dropFirst(prefix.count)), token)
            else {
                throw ConsoleError(
                    .unauthorized, "the Authorization header does not carry this console's token",
                    hint: "send Authorization: Bearer TOKEN with the token in ENV/console.token")
            }
            return try Self.validUser(Self.header(Self.userHeader, of: request) ?? "admin")
        }
        guard let id = request.cookies[Self.cookie]?.value, let session = sessions.session(id) else {
            throw ConsoleError(
                .unauthorized, "no credentials, or the session has ended",
                hint: "send Authorization: Bearer TOKEN (the token is in ENV/console.token), or log in at /login")
        }
        if changing {
            guard let csrf = Self.header(Self.csrfHeader, of: request), Self.same(csrf, session.csrf) else {
                throw ConsoleError(
                    .forbidden,
                    "this change came with the session cookie but without the session's CSRF token (X-CSRF-Token)",
                    hint: "make changes from the console's pages (which send it), or with Authorization: Bearer TOKEN")
            }
        }
        return session.user
    }

    /// The session of a page request, if its cookie names a live one.
    func session(of request: Request) -> ConsoleSessions.Session? {
        request.cookies[Self.cookie].flatMap { sessions.session($0.value) }
    }

    /// `name` when it may stand in `console:USER`: letters, digits, `.`, `_`, `-`, `@`, 1 to 64 of them
    /// (the activity log is read by people and scripts; no spaces, quotes or control characters in it).
    static func validUser(_ name: String) throws(ConsoleError) -> String {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x40
        }
        guard allowed, (1...64).contains(name.utf8.count) else {
            throw ConsoleError(
                .badRequest, "'\(name.prefix(80))' is not a user name the activity log can record",
                hint: "use 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        return name
    }

    /// Compares in time that does not depend on where the texts differ, so that the token cannot be
    /// guessed a character at a time from answer times.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
