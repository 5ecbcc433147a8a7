import CTandemPlugin
import TandemArrow

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Moves an Arrow C Data struct array (a batch) through a ``SharedRegion``
/// with its buffers kept whole: ``write(_:schema:into:at:)`` copies each
/// buffer in and returns a small layout (lengths, counts, where each buffer
/// lies); ``read(_:schema:from:into:)`` rebuilds an `ArrowArray` whose
/// buffers point into the region. No value is looked at on the way, except
/// the last offset of a string column, which says how long its data is.
///
/// The layout is a flat list of integers, one node after another in
/// depth-first order: length, null count, offset, buffer count, child
/// count, then an (offset in the region, byte length) pair per buffer
/// (offset -1 for a NULL buffer). Both sides know the schema, so the
/// layout carries no types. The reader trusts nothing in it: every buffer
/// must lie inside the region and be as long as its type and length need.
enum SharedArrowArray {
    /// Why a batch could not cross: it does not fit the region, or its layout is not one the schema allows.
    struct Failure: Error, CustomStringConvertible {
        /// What is wrong, naming the column.
        var message: String
        /// The message.
        var description: String { message }
    }

    /// Largest length or offset accepted (32-bit offsets cap Arrow's utf8 anyway).
    private static let maxRows = Int64(Int32.max)

    /// Copies the struct array `array` of `schema` into `region` from `start`;
    /// returns its layout and the offset after the last byte written.
    static func write(
        _ array: UnsafePointer<ArrowArray>, schema: Schema, into region: SharedRegion, at start: Int
    ) throws(Failure) -> (layout: [Int64], end: Int) {
        var layout: [Int64] = []
        var cursor = start
        try writeNode(array.pointee, type: nil, fields: schema.fields, name: "the batch", region, &cursor, &layout)
        return (layout, cursor)
    }

    private static func writeNode(
        _ array: ArrowArray, type: ArrowType?, fields: [Field], name: String, _ region: SharedRegion,
        _ cursor: inout Int,
        _ layout: inout [Int64]
    ) throws(Failure) {
        guard (0...maxRows).contains(array.length), (0...maxRows).contains(array.offset) else {
            throw Failure(
                message:
                    "\(name) has length \(array.length) and offset \(array.offset); each must be within 0...\(maxRows)")
        }
        let expectedBuffers = type?.bufferCount ?? 1
        guard array.n_buffers == expectedBuffers, array.n_children == fields.count else {
            throw Failure(
                message: "\(name) has \(array.n_buffers) buffers and \(array.n_children) children; "
                    + "its type needs \(expectedBuffers) and \(fields.count)")
        }
        guard array.dictionary == nil else { throw Failure(message: "\(name) has a dictionary; Tandem carries none") }
        layout += [array.length, array.null_count, array.offset, array.n_buffers, array.n_children]
        let slots = Int(array.offset + array.length)
        for index in 0..<expectedBuffers {
            guard let buffer = array.buffers?[index] else {
                layout += [-1, 0]
                continue
            }
            let length = try byteLength(index, of: type, slots: slots, name: name) { byte in
                array.buffers?[1].map { Int($0.load(fromByteOffset: byte, as: Int32.self)) } ?? 0
            }
            let offset = SharedRegion.aligned(cursor)
            guard region.write(UnsafeRawBufferPointer(start: buffer, count: length), at: offset) else {
                throw Failure(
                    message:
                        "the batch needs more than the \(region.size >> 20) MiB of shared memory of a plugin host process"
                )
            }
            layout += [Int64(offset), Int64(length)]
            cursor = offset + length
        }
        for (index, field) in fields.enumerated() {
            guard let child = array.children?[index] else { throw Failure(message: "column '\(field.name)' is NULL") }
            try writeNode(
                child.pointee, type: field.type, fields: [], name: "column '\(field.name)'", region, &cursor, &layout)
        }
    }

    /// The bytes buffer `index` of an array of `type` (nil: the batch's
    /// struct array) with `slots` values needs; `offsetAt` reads the offsets
    /// buffer of a string column, which must already be known to be long enough.
    private static func byteLength(
        _ index: Int, of type: ArrowType?, slots: Int, name: String, offsetAt: (Int) -> Int
    ) throws(Failure) -> Int {
        let bits = (slots + 7) / 8
        guard index > 0, let type else { return bits }
        switch (type, index) {
        case (.bool, _): return bits
        case (.int64, _), (.float64, _), (.timestamp, _): return slots * 8
        case (.date32, _): return slots * 4
        case (.decimal128, _): return slots * 16
        case (.utf8, 1), (.binary, 1): return (slots + 1) * 4
        case (.utf8, _), (.binary, _):
            let last = offsetAt(slots * 4)
            guard last >= 0 else { throw Failure(message: "\(name) has a negative last offset (\(last))") }
            return last
        default: return 0
        }
    }

    /// Rebuilds in `out` the struct array of `schema` that `layout` describes in
    /// `region`; its release frees what this allocated, never the region.
    static func read(
        _ layout: [Int64], schema: Schema, from region: SharedRegion, into out: UnsafeMutablePointer<ArrowArray>
    ) throws(Failure) {
        var position = 0
        try readNode(layout, &position, type: nil, fields: schema.fields, name: "the batch", region, out)
        guard position == layout.count else {
            out.pointee.release?(out)
            throw Failure(message: "the batch layout has \(layout.count - position) numbers too many")
        }
    }

    private static func readNode(
        _ layout: [Int64], _ position: inout Int, type: ArrowType?, fields: [Field], name: String,
        _ region: SharedRegion,
        _ out: UnsafeMutablePointer<ArrowArray>
    ) throws(Failure) {
        out.initialize(to: ArrowArray())
        func next() throws(Failure) -> Int64 {
            guard position < layout.count else { throw Failure(message: "the layout of \(name) is cut short") }
            defer { position += 1 }
            return layout[position]
        }
        let length = try next(), nullCount = try next(), offset = try next(), bufferCount = try next(),
            childCount = try next()
        let expectedBuffers = type?.bufferCount ?? 1
        guard (0...maxRows).contains(length), (0...maxRows).contains(offset), bufferCount == expectedBuffers,
            childCount == fields.count
        else {
            throw Failure(
                message: "the layout of \(name) does not fit its type (\(bufferCount) buffers, \(childCount) children)")
        }
        let slots = Int(offset + length)
        let buffers = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: max(expectedBuffers, 1))
        buffers.initialize(repeating: nil, count: max(expectedBuffers, 1))
        let children = UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>.allocate(capacity: max(fields.count, 1))
        children.initialize(repeating: nil, count: max(fields.count, 1))
        out.pointee.length = length
        out.pointee.null_count = nullCount
        out.pointee.offset = offset
        out.pointee.n_buffers = bufferCount
        out.pointee.n_children = childCount
        out.pointee.buffers = buffers
        out.pointee.children = children
        out.pointee.release = releaseShared
        do throws(Failure) {
            for index in 0..<expectedBuffers {
                let at = Int(try next()), count = Int(try next())
                guard at >= 0 else { continue }
                guard region.contains(offset: at, length: count) else {
                    throw Failure(message: "buffer \(index) of \(name) lies outside the shared memory")
                }
                let start = region.base + at
                // A string column's offsets were checked just before (buffer 1 precedes 2).
                let needed = try byteLength(index, of: type, slots: slots, name: name) { byte in
                    buffers[1].map { Int($0.load(fromByteOffset: byte, as: Int32.self)) } ?? 0
                }
                guard count >= needed else {
                    throw Failure(
                        message: "buffer \(index) of \(name) has \(count) bytes; \(slots) values need \(needed)")
                }
                buffers[index] = UnsafeRawPointer(start)
            }
            for (index, field) in fields.enumerated() {
                let child = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
                children[index] = child
                try readNode(
                    layout, &position, type: field.type, fields: [], name: "column '\(field.name)'", region, child)
            }
        } catch {
            releaseShared(out)
            throw error
        }
    }
}

/// Release callback of an array rebuilt over shared memory: frees the
/// tables and children this process allocated; the buffers are the region's.
private func releaseShared(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, array.pointee.release != nil else { return }
    if let children = array.pointee.children {
        for index in 0..<max(Int(array.pointee.n_children), 0) {
            guard let child = children[index] else { continue }
            child.pointee.release?(child)
            child.deallocate()
        }
        children.deallocate()
    }
    array.pointee.buffers?.deallocate()
    array.pointee.release = nil
}
