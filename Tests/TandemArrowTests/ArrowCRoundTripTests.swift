import CTandemPlugin
import Testing
import TandemArrow

/// A batch with every type, nulls, Unicode, empty values and extreme decimals.
func everyTypeBatch() throws -> RecordBatch {
    try RecordBatch([
        Column(Field("nothing", .null), .null(count: 4)),
        Column(Field("flag", .bool), .bool([true, nil, false, true])),
        Column(Field("count", .int64), .int64([Int64.min, 0, nil, Int64.max])),
        Column(Field("ratio", .float64), .float64([0.5, nil, -1e300, 3])),
        Column(Field("name", .utf8), .utf8(["Ærøskøbing", "", nil, "東京 🚲"])),
        Column(Field("blob", .binary), .binary([[0, 255, 0], nil, [], [1]])),
        Column(Field("amount", .decimal128(precision: 38, scale: 10)), .decimal128([
            ExactDecimal("1234567890123456789012345678.1234567890"), ExactDecimal("-0.0000000001"), nil,
            ExactDecimal("0"),
        ])),
        Column(Field("day", .date32), .date32([0, -719_162, nil, 2_932_896])),
        Column(Field("at", .timestamp(unit: .microsecond, timeZone: "UTC")), .timestamp([1, nil, -1, 1_764_000_000_000_000])),
        Column(Field("key", .utf8, nullable: false), .utf8(["a", "b", "c", "d"])),
    ])
}

@Suite("Arrow C Data Interface export and import")
struct ArrowCRoundTripTests {
    @Test("a batch of every type survives export and import exactly")
    func everyType() throws {
        let batch = try everyTypeBatch()
        var schema = ArrowSchema()
        var array = ArrowArray()
        ArrowCExport.exportSchema(batch.schema, into: &schema)
        try ArrowCExport.exportBatch(batch, into: &array)
        defer {
            schema.release?(&schema)
            array.release?(&array)
        }
        let importedSchema = try ArrowCImport.schema(&schema)
        #expect(importedSchema == batch.schema)
        let imported = try ArrowCImport.batch(&array, schema: importedSchema)
        #expect(imported == batch)
    }

    @Test("release frees the array and marks it released; children may be moved out first")
    func release() throws {
        var array = ArrowArray()
        try ArrowCExport.exportBatch(try everyTypeBatch(), into: &array)
        #expect(array.n_children == 10)
        // Move the 'name' child out, as a consumer may, then release the parent.
        var moved = array.children[4]!.pointee
        array.children[4]!.pointee.release = nil
        array.release?(&array)
        #expect(array.release == nil)
        #expect(moved.release != nil)
        moved.release?(&moved)
        #expect(moved.release == nil)
    }

    @Test("offsets on the struct and on the children are honoured")
    func offsets() throws {
        let batch = try everyTypeBatch()
        var array = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &array)
        defer { array.release?(&array) }
        array.offset = 1
        array.length = 2
        let imported = try ArrowCImport.batch(&array, schema: batch.schema)
        #expect(imported.rowCount == 2)
        #expect(imported.row(0) == batch.row(1))
        #expect(imported.row(1) == batch.row(2))
    }

    @Test("an empty batch and a batch without columns cross too")
    func empty() throws {
        for batch in [try RecordBatch([Column(Field("v", .utf8), .utf8([]))]), try RecordBatch([], rowCount: 3)] {
            var array = ArrowArray()
            try ArrowCExport.exportBatch(batch, into: &array)
            defer { array.release?(&array) }
            #expect(try ArrowCImport.batch(&array, schema: batch.schema) == batch)
        }
    }

    @Test("a decimal with more places than its column is refused, exporting nothing")
    func decimalTooPrecise() throws {
        let batch = try RecordBatch([
            Column(Field("CREDITLIMIT", .decimal128(precision: 20, scale: 2)), .decimal128([ExactDecimal("1.25"), ExactDecimal("1.255")]))
        ])
        var array = ArrowArray()
        let error = #expect(throws: ArrowError.self) { try ArrowCExport.exportBatch(batch, into: &array) }
        #expect(error?.message == "column 'CREDITLIMIT', row 1: 1.255 has more than 2 decimal places; rescaling would lose digits")
        #expect(array.release == nil)
    }
}

@Suite("Arrow C Data Interface import checks")
struct ArrowCImportCheckTests {
    private func exported(_ body: (inout ArrowArray) -> Void) throws -> ArrowError? {
        let batch = try everyTypeBatch()
        var array = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &array)
        let release = array.release
        body(&array)
        defer {
            array.release = release
            array.release?(&array)
        }
        return #expect(throws: ArrowError.self) { try ArrowCImport.batch(&array, schema: batch.schema) }
    }

    @Test("a column shorter than the batch")
    func shortColumn() throws {
        let error = try exported { $0.children[2]!.pointee.length = 1 }
        #expect(error?.message == "column 'count' has 1 values but the batch needs 4 (4 rows at offset 0)")
    }

    @Test("lengths and offsets a plugin lies about give an error, not an overflow trap")
    func hugeOffset() throws {
        let error = try exported { $0.offset = Int64.max }
        #expect(error?.message == "the array has length 4 and offset 9223372036854775807; each must be within 0...2147483647")
        let child = try exported { $0.children[1]!.pointee.offset = Int64.max - 2 }
        #expect(child?.message == "column 'flag' has 4 values but the batch needs 4 (4 rows at offset 0)")
    }

    @Test("a schema with a repeated column name")
    func repeatedName() throws {
        var schema = ArrowSchema()
        ArrowCExport.exportSchema(Schema([Field("a", .utf8), Field("a", .int64)]), into: &schema)
        defer { schema.release?(&schema) }
        let error = #expect(throws: ArrowError.self) { try ArrowCImport.schema(&schema) }
        #expect(error?.message == "column a of the schema has an empty or repeated name")
    }

    @Test("a released array")
    func released() throws {
        let error = try exported { $0.release = nil }
        #expect(error?.message == "the array has no release callback: it was already released or never set up")
    }

    @Test("buffer count that does not match the format")
    func bufferCount() throws {
        let error = try exported { $0.children[4]!.pointee.n_buffers = 2 }
        #expect(error?.message == "column 'name' has 2 buffers but format 'u' needs 3")
    }

    @Test("column count that does not match the schema")
    func columnCount() throws {
        let error = try exported { $0.n_children = 3 }
        #expect(error?.message == "the array has 3 columns but its schema has 10")
    }

    @Test("text holding NUL bytes keeps every byte through export and import (utf8 carries lengths, not terminators)")
    func nulBytes() throws {
        let values: [String?] = ["K\u{0}evil", "\u{0}", "before\u{0}after\u{0}", "K"]
        let batch = try RecordBatch([Column(Field("key", .utf8), .utf8(values))])
        var array = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &array)
        defer { array.release?(&array) }
        let imported = try ArrowCImport.batch(&array, schema: batch.schema)
        guard case .utf8(let strings) = imported.columns[0].data else {
            Issue.record("not a utf8 column: \(imported.columns[0].data)")
            return
        }
        #expect(strings.map { $0.map { Array($0.utf8) } } == values.map { $0.map { Array($0.utf8) } })
    }

    @Test("invalid UTF-8 in a text column")
    func invalidUTF8() throws {
        let batch = try RecordBatch([Column(Field("name", .binary), .binary([[0xC3, 0x28]]))])
        var array = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &array)
        defer { array.release?(&array) }
        let error = #expect(throws: ArrowError.self) {
            try ArrowCImport.batch(&array, schema: Schema([Field("name", .utf8)]))
        }
        #expect(error?.message == "column 'name', row 0 is not valid UTF-8")
    }

    @Test("value offsets past the last offset, or going back, are refused before any value is read (found by fuzzing)")
    func lyingOffsets() throws {
        func refusal(_ edit: (UnsafeMutablePointer<Int32>) -> Void) throws -> ArrowError? {
            let batch = try RecordBatch([Column(Field("name", .utf8), .utf8(["ab", "cd", "ef"]))])
            var array = ArrowArray()
            try ArrowCExport.exportBatch(batch, into: &array)
            defer { array.release?(&array) }
            // offsets [0, 2, 4, 6]; the value buffer holds the last one's 6 bytes.
            edit(UnsafeMutableRawPointer(mutating: array.children[0]!.pointee.buffers[1]!).assumingMemoryBound(to: Int32.self))
            return #expect(throws: ArrowError.self) { try ArrowCImport.batch(&array, schema: batch.schema) }
        }
        // Row 0 claimed 1,000 bytes of a 6-byte buffer: the importer copied them before it saw row 1's offsets.
        #expect(
            try refusal { $0[1] = 1000 }?.message
                == "column 'name', row 0: offset 1000 is past the last offset (6); offsets must ascend from 0 to the value buffer's length")
        #expect(
            try refusal { $0[2] = 1 }?.message
                == "column 'name', row 1: offset 1 is below the one before it (2); offsets must ascend from 0 to the value buffer's length")
        #expect(try refusal { $0[3] = -4 }?.message == "column 'name' has a negative last offset (-4)")
        #expect(
            try refusal { $0[0] = -1 }?.message
                == "column 'name', row 0: offset -1 is below the one before it (0); offsets must ascend from 0 to the value buffer's length")
    }

    @Test("a null in a column declared not nullable")
    func nullInNotNullable() throws {
        let batch = try RecordBatch([Column(Field("key", .utf8), .utf8([nil]))])
        var array = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &array)
        defer { array.release?(&array) }
        let error = #expect(throws: ArrowError.self) {
            try ArrowCImport.batch(&array, schema: Schema([Field("key", .utf8, nullable: false)]))
        }
        #expect(error?.message == "column 'key' is not nullable but row 0 is null")
    }
}
