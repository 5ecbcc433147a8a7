/// One Arrow buffer: a block of bytes aligned to 64, immutable once built,
/// freed when the last column that views it goes.
///
/// Columns hold their values in these buffers in Arrow's own layout, so that
/// export hands the buffers over as they are and import copies each buffer
/// once, with `memcpy`, instead of building a Swift value per cell.
public final class ArrowBuffer: @unchecked Sendable {
    // @unchecked: the bytes are written only by the initialiser's `fill`,
    // before the buffer is shared, and never after; readers only read.

    /// The first byte.
    public let bytes: UnsafeRawPointer
    /// Number of bytes.
    public let count: Int

    /// Allocates `count` zeroed bytes and lets `fill` write them. Throws what
    /// `fill` throws, freeing the memory.
    public init<E: Error>(count: Int, fill: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        // One byte at least, so that a buffer is never a NULL pointer.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        do {
            try fill(UnsafeMutableRawBufferPointer(start: memory, count: count))
        } catch {
            memory.deallocate()
            throw error
        }
        bytes = UnsafeRawPointer(memory)
        self.count = count
    }

    /// A copy of `count` bytes at `source`.
    public convenience init(copying source: UnsafeRawPointer, count: Int) {
        self.init(count: count) { (target: UnsafeMutableRawBufferPointer) in
            if count > 0 { target.baseAddress!.copyMemory(from: source, byteCount: count) }
        }
    }

    deinit {
        UnsafeMutableRawPointer(mutating: bytes).deallocate()
    }

    /// Reads the `index`th value of type `T`, counting in strides of `T`.
    @inlinable
    public func load<T: BitwiseCopyable>(_ index: Int, as type: T.Type) -> T {
        bytes.loadUnaligned(fromByteOffset: index &* MemoryLayout<T>.stride, as: T.self)
    }
}
