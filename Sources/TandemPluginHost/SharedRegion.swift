#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A block of shared memory that a batch crosses between the engine and a
/// plugin host process (`isolation: process`) without being serialised:
/// each Arrow buffer is copied in whole and the other side reads it where
/// it lies.
///
/// It is an unlinked POSIX shared memory object, so it has no name left
/// for another process to open; the host process gets it as descriptor 4.
/// Its size is reserved, not used: the kernel gives pages as they are
/// touched, so a region of 256 MiB costs what the largest batch wrote.
final class SharedRegion {
    /// The mapping's start.
    let base: UnsafeMutableRawPointer
    /// The mapping's size in bytes.
    let size: Int
    /// The shared memory object's descriptor.
    let descriptor: Int32

    /// Every buffer starts on a multiple of this, as Arrow recommends (and SIMD code in plugins expects).
    static let alignment = 64

    /// Creates a region of `size` bytes.
    convenience init(size: Int) throws(SystemError) {
        let name = "/tandem-batch-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw SystemError(message: "shm_open: \(String(cString: strerror(errno)))") }
        // Unlinked at once: only this process and the host process it starts hold it.
        shm_unlink(name)
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            let error = SystemError(
                message: "ftruncate of the shared batch region: \(String(cString: strerror(errno)))")
            close(descriptor)
            throw error
        }
        try self.init(descriptor: descriptor, size: size)
    }

    /// Maps the region behind `descriptor` (the plugin host process's side).
    init(descriptor: Int32, size: Int) throws(SystemError) {
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), base != MAP_FAILED else {
            throw SystemError(message: "mmap of the shared batch region: \(String(cString: strerror(errno)))")
        }
        self.base = base
        self.size = size
        self.descriptor = descriptor
    }

    /// Maps the region behind `descriptor`, whatever its size.
    convenience init(descriptor: Int32) throws(SystemError) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SystemError(message: "fstat of the shared batch region: \(String(cString: strerror(errno)))")
        }
        try self.init(descriptor: descriptor, size: Int(info.st_size))
    }

    deinit {
        munmap(base, size)
        close(descriptor)
    }

    /// `offset` rounded up to ``alignment``.
    static func aligned(_ offset: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }

    /// Whether `length` bytes at `offset` lie inside the region.
    func contains(offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= size && length <= size - offset
    }

    /// Copies `bytes` in at `offset`; false when they do not fit.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard contains(offset: offset, length: bytes.count) else { return false }
        if let source = bytes.baseAddress, !bytes.isEmpty { memcpy(base + offset, source, bytes.count) }
        return true
    }

    /// The bytes at `offset`, copied out; nil when they are not inside the region.
    func read(offset: Int, length: Int) -> [UInt8]? {
        guard contains(offset: offset, length: length) else { return nil }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }
}
