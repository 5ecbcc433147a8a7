import CTandemPlugin
import Foundation
import TandemArrow

/// A record batch as a hostile plugin could return it, built from fuzz
/// bytes: formats (valid or not), names, lengths, offsets, null counts,
/// buffer counts and contents, and value offsets that may go backwards or
/// beyond their data. Every buffer is exactly as large as the C Data
/// Interface says it is (from the array's offset plus length, and for
/// strings the last offset), allocated with `malloc`, so that the address
/// sanitizer reports any read the importer makes beyond what the spec lets
/// it rely on.
enum ArrowImportHarness {
    private static let formats = ["n", "b", "l", "g", "u", "z", "tdD", "tsu:UTC", "d:38,10", "d:5,2", "+s", "i", ""]

    static func run(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        var allocations: [UnsafeMutableRawPointer] = []
        defer { for pointer in allocations { free(pointer) } }
        func allocate(_ count: Int) -> UnsafeMutableRawPointer {
            let pointer = malloc(count)!
            allocations.append(pointer)
            return pointer
        }
        func string(_ text: String) -> UnsafePointer<CChar> {
            let pointer = strdup(text)!
            allocations.append(UnsafeMutableRawPointer(pointer))
            return UnsafePointer(pointer)
        }

        let columns = input.below(4)
        let topLength = input.below(16) == 0 ? Int64(input.int32()) : Int64(input.below(40))
        let topOffset = Int64(input.below(4))

        // The schema. A plugin may claim more children than the columns built
        // here: the table then really holds that many entries (the extras
        // NULL), as a pointer table a plugin hands over would; a claim too
        // large for the importer (over 65,536 columns, or negative) must be refused
        // before any entry is read.
        let claimed = input.below(16) == 0 ? Int64(input.int32()) : Int64(columns)
        let entries = (0...65_536).contains(claimed) ? max(Int(claimed), columns) : columns
        var fieldFormats: [String] = []
        let schemaChildren = allocate(max(entries, 1) * MemoryLayout<UnsafeMutablePointer<ArrowSchema>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<ArrowSchema>?.self, capacity: max(entries, 1))
        for index in 0..<entries { schemaChildren[index] = nil }
        for index in 0..<columns {
            let format =
                input.below(8) == 0
                ? String(decoding: input.bytes(input.below(8)).filter { $0 != 0 }, as: UTF8.self)
                : formats[input.below(formats.count)]
            fieldFormats.append(format)
            let child = allocate(MemoryLayout<ArrowSchema>.stride).bindMemory(to: ArrowSchema.self, capacity: 1)
            child.initialize(
                to: ArrowSchema(
                    format: string(format),
                    name: string(["a", "b", "c", ""][input.below(4)] + (input.below(2) == 0 ? "" : "\(index)")),
                    metadata: nil, flags: input.below(2) == 0 ? 0 : Int64(ARROW_FLAG_NULLABLE), n_children: 0,
                    children: nil,
                    dictionary: nil, release: noSchemaRelease, private_data: nil))
            schemaChildren[index] = input.below(32) == 0 ? nil : child
        }
        var schema = ArrowSchema(
            format: string(input.below(16) == 0 ? "+l" : "+s"), name: string(""), metadata: nil, flags: 0,
            n_children: claimed, children: entries == 0 ? nil : schemaChildren,
            dictionary: nil, release: noSchemaRelease, private_data: nil)
        guard let imported = try? ArrowCImport.schema(&schema) else { return }

        // The array: one child per schema field, each with buffers built per its format.
        let arrayChildren = allocate(max(columns, 1) * MemoryLayout<UnsafeMutablePointer<ArrowArray>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<ArrowArray>?.self, capacity: max(columns, 1))
        for index in 0..<columns {
            let format = fieldFormats[index]
            let hostileLength = input.below(16) == 0
            let length = hostileLength ? Int64(input.int32()) : topOffset + max(topLength, 0) + Int64(input.below(3))
            let offset = Int64(input.below(4))
            let elements = Int(clamping: offset + max(length, 0))
            // Lengths this large cannot be given buffers here; the importer must refuse them before reading.
            let buildable = elements <= 4096
            let needed: Int =
                switch format {
                case "n": 0
                case "u", "z": 3
                default: 2
                }
            let bufferCount = input.below(16) == 0 ? input.below(5) : needed
            let table = allocate(max(bufferCount, 1) * MemoryLayout<UnsafeRawPointer?>.stride)
                .bindMemory(to: UnsafeRawPointer?.self, capacity: max(bufferCount, 1))
            for slot in 0..<bufferCount { table[slot] = nil }
            func filled(_ count: Int) -> UnsafeRawPointer {
                let pointer = allocate(count)
                for (offset, byte) in input.bytes(count).enumerated() {
                    pointer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                }
                return UnsafeRawPointer(pointer)
            }
            if buildable, bufferCount >= 1, input.below(2) == 0 { table[0] = filled((elements + 7) / 8) }
            if buildable, bufferCount >= 2 {
                switch format {
                case "b": table[1] = filled((elements + 7) / 8)
                case "l", "g", "tsu:UTC": table[1] = filled(elements * 8)
                case "tdD": table[1] = filled(elements * 4)
                case "d:38,10", "d:5,2": table[1] = filled(elements * 16)
                case "u", "z":
                    let offsets = allocate((elements + 1) * 4).bindMemory(to: Int32.self, capacity: elements + 1)
                    var value: Int32 = 0
                    for position in 0...elements {
                        // Mostly ascending, sometimes anything at all.
                        value = input.below(8) == 0 ? input.int32() : value &+ Int32(input.below(6))
                        offsets[position] = value
                    }
                    table[1] = UnsafeRawPointer(offsets)
                    // The data buffer holds as many bytes as the last offset says.
                    let size = Int(offsets[elements])
                    guard size <= 65_536 else { return }
                    if bufferCount >= 3 { table[2] = filled(max(size, 0)) }
                default: break
                }
            }
            let child = allocate(MemoryLayout<ArrowArray>.stride).bindMemory(to: ArrowArray.self, capacity: 1)
            child.initialize(
                to: ArrowArray(
                    length: length, null_count: [-1, 0, 1, 3][input.below(4)], offset: offset,
                    n_buffers: Int64(bufferCount),
                    n_children: input.below(32) == 0 ? 1 : 0, buffers: table, children: nil, dictionary: nil,
                    release: noArrayRelease, private_data: nil))
            arrayChildren[index] = input.below(32) == 0 ? nil : child
        }
        let topBuffers = allocate(MemoryLayout<UnsafeRawPointer?>.stride).bindMemory(
            to: UnsafeRawPointer?.self, capacity: 1)
        topBuffers[0] = nil
        var array = ArrowArray(
            length: topLength, null_count: 0, offset: topOffset, n_buffers: input.below(16) == 0 ? 2 : 1,
            n_children: input.below(16) == 0 ? Int64(columns + 1) : Int64(columns), buffers: topBuffers,
            children: columns == 0 ? nil : arrayChildren, dictionary: nil, release: noArrayRelease, private_data: nil)
        if array.n_children != Int64(columns) { return }
        _ = try? ArrowCImport.batch(&array, schema: imported)
    }
}

/// Release callbacks that do nothing: the harness frees what it allocated.
private let noSchemaRelease: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { _ in }
private let noArrayRelease: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { _ in }
