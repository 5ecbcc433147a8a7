extension PostgreSQLEndpoint {
    /// Runs `body` on a session of an endpoint made for it alone, then
    /// closes both, whether `body` returns or throws.
    ///
    /// For commands that run a few statements once (the demo making its
    /// schemas, the bench's DDL and row counts): postgres-nio requires every
    /// connection closed before release, so a path that forgets one traps.
    public static func withOneOffSession<T: Sendable>(
        config: PostgreSQLSideConfig, readerName: String = "reader",
        _ body: (PostgreSQLSession) async throws -> T
    ) async throws -> T {
        let endpoint = PostgreSQLEndpoint(config: config, readerName: readerName)
        let result: Result<T, any Error>
        do {
            let session = try await endpoint.openSession()
            do {
                result = .success(try await body(session))
            } catch {
                result = .failure(error)
            }
            _ = await session.close()
        } catch {
            result = .failure(error)
        }
        await endpoint.close()
        return try result.get()
    }
}
