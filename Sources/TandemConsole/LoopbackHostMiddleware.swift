import Hummingbird

/// Refuses a request whose `Host` is not this machine's loopback name. The
/// console listens on loopback only, but a web page elsewhere could point a
/// name of its own at 127.0.0.1 (DNS rebinding) and have the browser talk
/// to the console as a same-origin site: the Host header still carries that
/// name, and is refused here before anything else runs.
struct LoopbackHostMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Passes requests addressed to a loopback host on to `next`; answers 421 to the others.
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let authority = request.head.authority, ConsoleAddress.isLoopback(Self.host(of: authority)) else {
            return ConsoleAPI.failure(
                ConsoleError(
                    .misdirected,
                    "the request is addressed to '\(request.head.authority ?? "")', not to this machine's loopback address",
                    hint:
                        "open the console as http://127.0.0.1:PORT/ (or localhost), the address `tandem console` printed"
                ))
        }
        return try await next(request, context)
    }

    /// The host of `HOST:PORT` or `[IPV6]:PORT`.
    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
    }
}
