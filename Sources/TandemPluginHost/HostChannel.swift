import TandemArrow

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The control channel between the engine and a plugin host process: a
/// `SOCK_SEQPACKET` socket pair, so each message arrives whole. A message is
/// one byte of kind and where its payload lies in the ``SharedRegion``
/// (offset, length): what crosses here is a few bytes per call, whatever the
/// batch; the batch itself is in shared memory.
struct HostChannel {
    /// What a message says.
    enum Kind: UInt8 {
        /// Engine → host: create the transform; the payload is a ``HostRequest`` as JSON.
        case create = 0x43
        /// Engine → host: process the batch whose ``SharedArrowArray`` layout is the payload.
        case process = 0x50
        /// Host → engine: created; the payload is the output schema as JSON.
        case created = 0x53
        /// Host → engine: the output batch's layout is the payload.
        case output = 0x4F
        /// Host → engine: the call failed; the payload is a ``HostFailure`` as JSON.
        case failure = 0x45
    }

    /// One message.
    struct Message {
        var kind: Kind
        var offset: Int
        var length: Int
    }

    /// The socket.
    let descriptor: Int32

    /// A connected pair (engine's end, host's end), closed on exec except where the spawn moves it.
    static func pair() throws(SystemError) -> (HostChannel, HostChannel) {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw SystemError(message: "socketpair: \(String(cString: strerror(errno)))")
        }
        return (HostChannel(descriptor: ends[0]), HostChannel(descriptor: ends[1]))
    }

    /// Sends `message`; false when the other end is gone (no SIGPIPE).
    @discardableResult
    func send(_ message: Message) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 17)
        bytes[0] = message.kind.rawValue
        withUnsafeBytes(of: Int64(message.offset).littleEndian) { bytes.replaceSubrange(1..<9, with: $0) }
        withUnsafeBytes(of: Int64(message.length).littleEndian) { bytes.replaceSubrange(9..<17, with: $0) }
        while true {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, 17, Int32(MSG_NOSIGNAL)) }
            if sent == 17 { return true }
            if sent < 0, errno == EINTR { continue }
            return false
        }
    }

    /// What waiting for a message gave.
    enum Received {
        case message(Message)
        /// The other end closed (its process ended) or sent something unreadable.
        case closed
        /// Nothing within the time limit.
        case timedOut
    }

    /// Waits for the next message, at most `milliseconds` (nil: for ever).
    func receive(within milliseconds: Int?) -> Received {
        let deadline = milliseconds.map { ContinuousClock.now + .milliseconds($0) }
        while true {
            var wait: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                let components = left.components
                let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
                if ms <= 0, left <= .zero { return .timedOut }
                wait = Int32(clamping: max(ms, 1))
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                return .closed
            }
            if ready == 0 {
                if deadline != nil, ContinuousClock.now >= deadline! { return .timedOut }
                continue
            }
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, 32, 0) }
            if count < 0, errno == EINTR { continue }
            guard count == 17, let kind = Kind(rawValue: bytes[0]) else { return .closed }
            func integer(_ from: Int) -> Int {
                Int(Int64(littleEndian: bytes[from..<from + 8].withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
            }
            return .message(Message(kind: kind, offset: integer(1), length: integer(9)))
        }
    }

    /// Closes this end.
    func close() {
        _ = Glibc.close(descriptor)
    }
}

extension HostChannel {
    /// A column as it crosses in JSON: Arrow's format string for the type.
    struct Column: Codable {
        var name: String
        var format: String
        var nullable: Bool
    }

    /// What the host process is asked to create.
    struct CreateRequest: Codable {
        /// The transform's name.
        var transform: String
        /// Its config, as JSON text.
        var config: String
        /// Its input columns.
        var input: [Column]
    }

    /// A call that failed in the host process, as ``PluginCallError`` says it.
    struct Failure: Codable {
        var operation: String
        var kind: String
        var status: Int32
        var message: String
    }

    /// `schema` as JSON columns.
    static func columns(_ schema: Schema) -> [Column] {
        schema.fields.map { Column(name: $0.name, format: $0.type.format, nullable: $0.nullable) }
    }

    /// JSON columns as a schema.
    static func schema(_ columns: [Column]) throws(ArrowError) -> Schema {
        var fields: [Field] = []
        for column in columns {
            fields.append(
                Field(column.name, try ArrowType(format: column.format, field: column.name), nullable: column.nullable))
        }
        return Schema(fields)
    }
}
