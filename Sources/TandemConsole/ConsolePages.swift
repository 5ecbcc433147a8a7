import Foundation
import Hummingbird
import TandemEngine

/// The console's pages: login, maps, errors, conflicts and dependencies,
/// rendered here as plain HTML that `/console.js` fills from the API (the
/// dependency graph is drawn here, as SVG). A page is served to a live
/// session only (else it redirects to `/login`) and carries the session's
/// CSRF token in a meta tag, which is how the script proves a change comes
/// from the console's own page.
struct ConsolePages: Sendable {
    /// Who may see them.
    let auth: ConsoleAuth
    /// The environment folder, named in the page title (the path, not a secret, and what an admin with
    /// two consoles open needs to tell them apart).
    let environment: String
    /// What the dependencies page draws from.
    let operations: ConsoleOperations

    /// Headers of every page: no inline script or style, no framing (clickjacking), no caching of a
    /// page that carries a CSRF token.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-store",
    ]

    /// Adds the page routes, `/login` and `/logout` to `router`.
    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.redirect("/maps") }
        router.get("/console.js") { _, _ in
            Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/console.css") { _, _ in Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8") }
        router.get("/login") { _, _ in Self.page(Self.loginPage(error: nil), status: .ok) }
        router.post("/login") { request, _ in await login(request) }
        router.post("/logout") { request, _ in
            await ConsoleAPI.answer {
                _ = try auth.user(of: request, changing: true)
                if let id = request.cookies[ConsoleAuth.cookie]?.value { auth.sessions.close(id) }
                return ["loggedOut": true]
            }
        }
        router.get("/maps") { request, _ in
            guard let session = auth.session(of: request) else { return Self.redirect("/login") }
            return Self.page(mapsPage(session), status: .ok)
        }
        router.get("/errors") { request, _ in
            guard let session = auth.session(of: request) else { return Self.redirect("/login") }
            return Self.page(errorsPage(session), status: .ok)
        }
        router.get("/conflicts") { request, _ in
            guard let session = auth.session(of: request) else { return Self.redirect("/login") }
            return Self.page(conflictsPage(session), status: .ok)
        }
        router.get("/dependencies") { request, _ in
            guard let session = auth.session(of: request) else { return Self.redirect("/login") }
            do {
                let graph = try await OffPool.run { [operations] in try operations.dependencies() }
                return Self.page(dependenciesPage(session, graph: graph), status: .ok)
            } catch {
                // The page says why in its message line, in the API's words.
                let console =
                    (error as? ConsoleError)
                    ?? ConsoleError(.failed, "\(error)", hint: "`tandem maps validate` says more")
                return Self.page(
                    Self.document(
                        title: "Tandem console: dependencies", page: "dependencies-failed", csrf: session.csrf,
                        body: header(session)
                            + "\n<p class=\"error\" id=\"graph-error\">\(Self.escape(console.description))</p>"
                            + "\n<script src=\"/console.js\"></script>"),
                    status: .init(code: console.kind.status))
            }
        }
    }

    /// `POST /login`: the token (and a user name, default `admin`) as a form
    /// (the login page) or as JSON `{"token", "user"}` (scripts and tests).
    /// Sets the session cookie (HttpOnly: no script reads it; SameSite=Strict:
    /// no other site's page sends it) and answers the CSRF token as JSON, or
    /// for the form redirects to the maps page.
    private func login(_ request: Request) async -> Response {
        let form = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
        do {
            var request = request
            let buffer = try await request.collectBody(upTo: ConsoleAPI.maxBody)
            let data = Data(buffer.readableBytesView)
            let fields: [String: String]
            if form {
                fields = Self.formFields(String(decoding: data, as: UTF8.self))
            } else {
                guard let object = try? JSONDecoder().decode([String: String].self, from: data) else {
                    throw ConsoleError(
                        .badRequest, "the login body is not a JSON object of strings",
                        hint: "send {\"token\": \"...\", \"user\": \"NAME\"} or the login form")
                }
                fields = object
            }
            guard let token = fields["token"], ConsoleAuth.same(token, auth.token) else {
                throw ConsoleError(
                    .unauthorized, "that is not this console's token",
                    hint: "copy it from ENV/console.token on the machine that runs `tandem console`")
            }
            let user = try ConsoleAuth.validUser(fields["user"].flatMap { $0.isEmpty ? nil : $0 } ?? "admin")
            let (id, session) = auth.sessions.open(user: user)
            var response =
                form ? Self.redirect("/maps") : ConsoleAPI.json(["user": user, "csrfToken": session.csrf])
            response.setCookie(
                Cookie(name: ConsoleAuth.cookie, value: id, path: "/", httpOnly: true, sameSite: .strict))
            return response
        } catch let error as ConsoleError where form {
            return Self.page(
                Self.loginPage(error: "\(error.message); \(error.hint)"), status: .init(code: error.kind.status))
        } catch {
            return ConsoleAPI.failure(error)
        }
    }

    /// The fields of an `application/x-www-form-urlencoded` body.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// A 303 to `path`.
    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// A static file's answer.
    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML page's answer.
    static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: pageHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// `text` safe inside HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The document around `body`; `csrf` goes into the meta tag the script reads.
    static func document(title: String, page: String, csrf: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="csrf-token" content="\(escape(csrf))">
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body data-page="\(page)">
        \(body)
        </body>
        </html>
        """
    }

    /// The login form; `error` says why the last try failed.
    static func loginPage(error: String?) -> String {
        document(
            title: "Tandem console: log in", page: "login", csrf: "",
            body: """
                <h1>Tandem console</h1>
                \(error.map { "<p class=\"error\" id=\"login-error\">\(escape($0))</p>" } ?? "")
                <form class="login" method="post" action="/login">
                <label>Token (in the environment's console.token)
                <input type="password" name="token" id="token" autocomplete="off" required></label>
                <label>Your name, for the activity log
                <input type="text" name="user" id="user" value="admin"></label>
                <button type="submit" id="login">Log in</button>
                </form>
                """)
    }

    /// The page header with the navigation, the user and the logout button.
    private func header(_ session: ConsoleSessions.Session) -> String {
        """
        <header>
        <h1>Tandem console</h1>
        <nav><a href="/maps">Maps</a><a href="/errors">Errors</a><a href="/conflicts">Conflicts</a>\
        <a href="/dependencies">Dependencies</a></nav>
        <span>\(Self.escape(URL(fileURLWithPath: environment).lastPathComponent)) · console:\(Self.escape(session.user))</span>
        <button type="button" id="logout">Log out</button>
        </header>
        <p id="message"></p>
        """
    }

    /// One line per map: state, queue per direction, lag, parked, last error, and the buttons.
    private func mapsPage(_ session: ConsoleSessions.Session) -> String {
        Self.document(
            title: "Tandem console: maps", page: "maps", csrf: session.csrf,
            body: header(session) + """

                <p id="engine"></p>
                <p id="sides"></p>
                <table id="maps">
                <thead><tr><th>Map</th><th>State</th><th>Queued ERP → CRM</th><th>Queued CRM → ERP</th><th>Lag</th>
                <th>Parked</th><th>Last error</th><th></th></tr></thead>
                <tbody></tbody>
                </table>
                <script src="/console.js"></script>
                """)
    }

    /// The parked changes with Retry and Discard.
    private func errorsPage(_ session: ConsoleSessions.Session) -> String {
        Self.document(
            title: "Tandem console: errors", page: "errors", csrf: session.csrf,
            body: header(session) + """

                <p id="count"></p>
                <table id="errors">
                <thead><tr><th>ID</th><th>Map</th><th>Direction</th><th>Key</th><th>Class</th><th>Tries</th>
                <th>Reason</th><th></th></tr></thead>
                <tbody></tbody>
                </table>
                <script src="/console.js"></script>
                """)
    }

    /// The recorded conflicts, open ones first: both versions side by side, the fields each side
    /// changed highlighted, and for an open one the buttons that decide it.
    private func conflictsPage(_ session: ConsoleSessions.Session) -> String {
        Self.document(
            title: "Tandem console: conflicts", page: "conflicts", csrf: session.csrf,
            body: header(session) + """

                <p id="count"></p>
                <p id="sides"></p>
                <div id="conflicts"></div>
                <script src="/console.js"></script>
                """)
    }

    /// The maps as a graph, drawn here, with the run order; the script recolours the nodes as
    /// the maps' states change.
    private func dependenciesPage(_ session: ConsoleSessions.Session, graph: DependencyGraph) -> String {
        let states = MapState.allCases.map(\.rawValue).map {
            "<li class=\"\(DependencyGraph.stateClass($0))\">\(Self.escape($0))</li>"
        }
        let order = graph.levels.map { group in
            "<li>\(group.map(Self.escape).joined(separator: ", "))</li>"
        }
        return Self.document(
            title: "Tandem console: dependencies", page: "dependencies", csrf: session.csrf,
            body: header(session) + """

                <p>Each map runs after the maps it depends on (solid arrows); a dashed arrow is a lookup
                that is not also a dependency. Colours show the maps' states.</p>
                <ul id="legend">\(states.joined())</ul>
                <div class="graph">
                \(graph.svg())
                </div>
                <h2>Run order</h2>
                <p>A map of one step needs only maps of earlier steps.</p>
                <ol id="order">\(order.joined(separator: "\n"))</ol>
                <script src="/console.js"></script>
                """)
    }
}
