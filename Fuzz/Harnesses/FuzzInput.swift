/// Reads a fuzzer's bytes as a stream of small decisions: how many columns,
/// which format, how long. Past the end every read gives zero, so any input,
/// the empty one included, describes some case.
struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    var isAtEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(byte()) % bound
    }

    /// Four bytes as a signed 32-bit number (little-endian): offsets a plugin may lie about.
    mutating func int32() -> Int32 {
        Int32(bitPattern: UInt32(byte()) | UInt32(byte()) << 8 | UInt32(byte()) << 16 | UInt32(byte()) << 24)
    }

    /// `count` bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in byte() }
    }

    /// Whatever is left.
    mutating func rest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}
