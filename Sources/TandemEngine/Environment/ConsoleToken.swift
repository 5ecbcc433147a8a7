import Foundation

/// The admin console's access token: `<env>/console.token`, 32 random bytes
/// as hex, readable by the environment's owner alone (0600). Whoever can read
/// the file may change the maps, as whoever can write `tandem.yaml` may; the
/// file's mode is the whole of that rule, so it is checked, not assumed.
package enum ConsoleToken {
    /// The file's name in the environment folder.
    package static let fileName = "console.token"

    /// The token file of `environment`.
    package static func path(_ environment: String) -> String {
        environment + "/" + fileName
    }

    /// Writes a new token into `environment` (made 0600 before a byte is
    /// written, so it is never readable by others, not even for a moment);
    /// refuses to replace one that exists.
    @discardableResult
    package static func create(in environment: String) throws(SyncError) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let file = path(environment)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SyncError(
                .database, "cannot create \(file): \(String(cString: strerror(errno))); check the folder's permissions")
        }
        defer { close(descriptor) }
        let line = Array((token + "\n").utf8)
        guard line.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == line.count else {
            unlink(file)
            throw SyncError(.database, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        return token
    }

    /// The token of `environment`, created when the environment was made
    /// before the console existed (`created` says so, for the console to
    /// tell). Throws when the file is readable by others: a token anyone
    /// on the machine can read protects nothing.
    package static func load(in environment: String) throws(SyncError) -> (token: String, created: Bool) {
        let file = path(environment)
        guard FileManager.default.fileExists(atPath: file) else { return (try create(in: environment), true) }
        var status = stat()
        guard stat(file, &status) == 0 else {
            throw SyncError(.database, "cannot read \(file): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw SyncError(
                .configuration,
                "\(file) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); `chmod 600 \(file)`, or delete it and a new token is made"
            )
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            case let token = text.trimmingCharacters(in: .whitespacesAndNewlines), token.count >= 16
        else {
            throw SyncError(
                .configuration, "\(file) holds no token (16 characters or more); delete it and a new token is made")
        }
        return (token, false)
    }
}
