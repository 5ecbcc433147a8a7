import Crypto
import Foundation

/// SHA-256 of a file, streamed so that a large library is not read into memory at once.
enum FileHash {
    /// Lower-case hex SHA-256 of the file at `path`.
    static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SystemError(message: "cannot open \(path) for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
