import Foundation
import Synchronization

/// The browser sessions opened by `POST /login`, in memory: a restart of
/// `tandem console` logs everyone out, which is the safe direction. Each has
/// a CSRF token that the page carries and sends back on changes; a cookie
/// alone (which a browser attaches by itself) never changes anything.
final class ConsoleSessions: Sendable {
    /// One session.
    struct Session: Sendable {
        /// Who logged in (`console:USER` in the activity log).
        var user: String
        /// What a change made with this session's cookie must send in `X-CSRF-Token`.
        var csrf: String
        /// When it ends.
        var expires: ContinuousClock.Instant
    }

    /// How long a session lasts: a working day, so that a forgotten tab does not stay logged in for ever.
    static let lifetime: Duration = .seconds(12 * 3600)

    /// The sessions by cookie value.
    private let sessions = Mutex<[String: Session]>([:])

    /// Opens a session for `user`; returns the cookie value and the CSRF token.
    func open(user: String) -> (id: String, session: Session) {
        let session = Session(user: user, csrf: Self.random(), expires: .now + Self.lifetime)
        let id = Self.random()
        sessions.withLock { $0[id] = session }
        return (id, session)
    }

    /// The live session with cookie value `id`, if any (an expired one is dropped).
    func session(_ id: String) -> Session? {
        sessions.withLock { all in
            guard let session = all[id] else { return nil }
            guard session.expires > .now else {
                all[id] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session `id`.
    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// 32 random bytes as hex: session ids and CSRF tokens cannot be guessed.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
