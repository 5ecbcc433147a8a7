import Foundation
import NIOCore
import NIOPosix

/// Why a connection to the server could not be made, in the words an admin
/// reads: "connection refused", "host name db.example not found", not the
/// nested dump of NIO's connection errors (`Connection errors:
/// SingleConnectionFailure(target: [IPv4]…, error: connection reset (error
/// set): …) (errno: 111))`) that a side's error used to carry.
enum PostgreSQLConnectFailure {
    /// The cause of `error`, raised while connecting, in plain words.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "host name \(error.host) not found"
            }
            // One line per address tried would repeat itself (IPv4 and IPv6 refuse alike).
            var causes: [String] = []
            for failure in error.connectionErrors {
                let cause = describe(failure.error)
                if !causes.contains(cause) { causes.append(cause) }
            }
            return causes.isEmpty ? "no address found for \(error.host)" : causes.joined(separator: "; ")
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as ChannelError:
            if case .connectTimeout(let limit) = error {
                return "no answer within \(limit.nanoseconds / 1_000_000_000) s"
            }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}
