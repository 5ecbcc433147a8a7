import CTandemPlugin
import TandemArrow
@testable import TandemPluginHost
import Testing

/// The shared-memory transport of `isolation: process` (issue 17 §3): a
/// batch's buffers go through whole, and a layout that the other process
/// got wrong (or made up) is refused before anything is read through it.
@Suite("Batches in shared memory")
struct SharedArrowArrayTests {
    static let schema = Schema([Field("NAME", .utf8), Field("N", .int64), Field("D", .decimal128(precision: 38, scale: 10))])

    static func batch() throws -> RecordBatch {
        try RecordBatch([
            Column(Field("NAME", .utf8), .utf8(["a", nil, "", "déjà"])),
            Column(Field("N", .int64), .int64([1, nil, -3, Int64.max])),
            Column(
                Field("D", .decimal128(precision: 38, scale: 10)),
                .decimal128([ExactDecimal(unscaled: 12_345, scale: 10), nil, nil, ExactDecimal(unscaled: -1, scale: 10)])),
        ])
    }

    /// Writes `batch()` into `region`; returns its layout.
    static func written(_ region: SharedRegion) throws -> [Int64] {
        var array = ArrowArray()
        try ArrowCExport.exportBatch(try batch(), into: &array)
        defer { array.release?(&array) }
        return try SharedArrowArray.write(&array, schema: schema, into: region, at: 0).layout
    }

    @Test("A batch written into the region reads back equal, each buffer aligned to 64 bytes")
    func roundTrip() throws {
        let region = try SharedRegion(size: 1 << 16)
        let layout = try Self.written(region)
        var rebuilt = ArrowArray()
        try SharedArrowArray.read(layout, schema: Self.schema, from: region, into: &rebuilt)
        defer { rebuilt.release?(&rebuilt) }
        #expect(try ArrowCImport.batch(&rebuilt, schema: Self.schema) == (try Self.batch()))
        #expect(layout.count == 5 + 2 + 3 * 5 + 2 * 3 + 2 * 2 * 2)
    }

    @Test("A buffer outside the region, one shorter than its values need, and a cut-short layout are refused")
    func refused() throws {
        let region = try SharedRegion(size: 1 << 16)
        let layout = try Self.written(region)
        // NAME's layout starts after the batch's 5 numbers and its validity pair: 5 numbers, then 3 buffer pairs.
        let nameData = 7 + 5 + 2 * 2
        var outside = layout
        outside[nameData] = Int64(region.size)
        var short = layout
        short[nameData + 1] = 2
        for (bad, message) in [
            (outside, "buffer 2 of column 'NAME' lies outside the shared memory"),
            (short, "buffer 2 of column 'NAME' has 2 bytes; 4 values need 7"),
            (Array(layout.dropLast(3)), "the layout of column 'D' is cut short"),
        ] {
            var rebuilt = ArrowArray()
            let error = #expect(throws: SharedArrowArray.Failure.self) {
                try SharedArrowArray.read(bad, schema: Self.schema, from: region, into: &rebuilt)
            }
            #expect(error?.message == message)
            #expect(rebuilt.release == nil, "a refused layout leaves nothing to release")
        }
    }
}
