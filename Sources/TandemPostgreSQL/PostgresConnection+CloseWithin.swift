import PostgresNIO

extension PostgresConnection {
    /// Closes the connection, waiting at most `limit`; false when the close
    /// did not finish (a connection the server just ended can take that long,
    /// or never end). The caller keeps such a connection referenced, since
    /// postgres-nio traps on releasing a connection that is not closed.
    func close(within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await self.close()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
