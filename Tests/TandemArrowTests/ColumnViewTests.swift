import CTandemPlugin
import Testing
import TandemArrow

/// Exports `batch`, lets `edit` change the C structs, imports them as `schema`.
private func importing(
    _ batch: RecordBatch, as schema: Schema? = nil, _ edit: (inout ArrowArray) -> Void = { _ in }
) throws -> RecordBatch {
    var array = ArrowArray()
    try ArrowCExport.exportBatch(batch, into: &array)
    let release = array.release
    edit(&array)
    defer {
        array.release = release
        array.release?(&array)
    }
    return try ArrowCImport.batch(&array, schema: schema ?? batch.schema)
}

/// Bytes that a binary column carries into an import that reads them as text.
private func textImport(_ values: [[UInt8]?]) throws -> RecordBatch {
    let batch = try RecordBatch([Column(Field("name", .binary), .binary(values))])
    return try importing(batch, as: Schema([Field("name", .utf8)]))
}

@Suite("Columns over Arrow buffers")
struct ColumnViewTests {
    @Test("an imported batch holds views whose cells equal the exported values, type by type")
    func viewsReadTheValues() throws {
        let batch = try everyTypeBatch()
        let imported = try importing(batch)
        for (column, original) in zip(imported.columns, batch.columns) {
            let view = try #require(column.bufferView, "column '\(column.field.name)' was copied into Swift arrays")
            #expect(view.count == original.count)
            for row in 0..<original.count {
                #expect(view[row] == original[row], "column '\(column.field.name)', row \(row)")
            }
        }
        guard case .utf8(let names) = imported.column("name")?.bufferView else {
            Issue.record("'name' is not a utf8 view")
            return
        }
        #expect(names.string(at: 3) == "東京 🚲")
        #expect(names.string(at: 2) == nil)
        #expect(names.isNull(2))
        #expect(names.withBytes(at: 0) { Array($0) } == Array("Ærøskøbing".utf8))
        guard case .decimal128(let amounts) = imported.column("amount")?.bufferView else {
            Issue.record("'amount' is not a decimal128 view")
            return
        }
        #expect(amounts.decimal(at: 1) == ExactDecimal("-0.0000000001"))
        #expect(amounts.unscaled.validity.nullCount == 1)
        guard case .int64(let counts) = imported.column("count")?.bufferView else {
            Issue.record("'count' is not an int64 view")
            return
        }
        #expect(Array(counts) == [Int64.min, 0, nil, Int64.max])
    }

    @Test("exporting an imported column hands its buffers over as they are, without copying")
    func reexportIsZeroCopy() throws {
        let imported = try importing(try everyTypeBatch())
        var array = ArrowArray()
        try ArrowCExport.exportBatch(imported, into: &array)
        defer { array.release?(&array) }
        guard case .utf8(let names) = imported.column("name")?.bufferView else {
            Issue.record("'name' is not a utf8 view")
            return
        }
        let child = array.children[4]!.pointee
        #expect(child.buffers[1] == names.offsets.bytes)
        #expect(child.buffers[2] == names.data.bytes)
        #expect(child.null_count == 1)
    }

    @Test("a column built from a view keeps it; its Swift arrays are made on request and equal")
    func columnFromView() throws {
        let view = ColumnView.utf8(try VariableWidthColumn(["a", nil, "ç"]))
        let column = try Column(Field("v", .utf8), view: view)
        #expect(column.bufferView != nil)
        #expect(column.data == .utf8(["a", nil, "ç"]))
        #expect(column == (try Column(Field("v", .utf8), .utf8(["a", nil, "ç"]))))
        let refused = #expect(throws: ArrowError.self) { try Column(Field("v", .utf8, nullable: false), view: view) }
        #expect(refused?.message == "column 'v' is not nullable but row 1 is null")
        let wrongType = #expect(throws: ArrowError.self) { try Column(Field("v", .int64), view: view) }
        #expect(wrongType?.message == "column 'v' is l but its values are not")
    }
}

@Suite("Import checks each buffer once")
struct ImportBufferCheckTests {
    @Test("invalid UTF-8 after valid rows is refused, naming the row")
    func invalidUTF8Row() throws {
        let error = #expect(throws: ArrowError.self) {
            try textImport([Array("Contoso".utf8), Array("Ærø".utf8), [0x41, 0xFF, 0x42], Array("ok".utf8)])
        }
        #expect(error?.message == "column 'name', row 2 is not valid UTF-8")
    }

    @Test("overlong forms, surrogates and code points past U+10FFFF are not UTF-8")
    func malformedSequences() throws {
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let error = #expect(throws: ArrowError.self, "\(bytes)") { try textImport([Array("fine".utf8), bytes]) }
            #expect(error?.message == "column 'name', row 1 is not valid UTF-8")
        }
    }

    @Test("an offset that cuts a character in two is refused, though the whole buffer is valid UTF-8")
    func offsetCutsCharacter() throws {
        // "é" is C3 A9; rows "xé" and "y" become "x\u{C3}" and "\u{A9}y".
        let batch = try RecordBatch([Column(Field("name", .utf8), .utf8(["xé", "y"]))])
        let error = #expect(throws: ArrowError.self) {
            try importing(batch) { array in
                let offsets = UnsafeMutableRawPointer(mutating: array.children[0]!.pointee.buffers[1]!)
                offsets.storeBytes(of: Int32(2), toByteOffset: 4, as: Int32.self)
            }
        }
        #expect(error?.message == "column 'name', row 0 is not valid UTF-8")
    }

    @Test("the bytes under a null need not be text")
    func bytesUnderNull() throws {
        let batch = try RecordBatch([Column(Field("name", .binary), .binary([Array("a".utf8), [0xFF]]))])
        let imported = try importing(batch, as: Schema([Field("name", .utf8)])) { array in
            // Row 1 becomes null; its invalid byte stays in the value buffer.
            var bits: UInt8 = 0b01
            let bitmap = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 8)
            bitmap.copyMemory(from: &bits, byteCount: 1)
            array.children[0]!.pointee.buffers[0] = UnsafeRawPointer(bitmap)
            array.children[0]!.pointee.null_count = 1
        }
        #expect(imported.columns[0].data == .utf8(["a", nil]))
    }

    @Test("offsets out of range are refused before any value byte is read")
    func offsetsBeforeValues() throws {
        let batch = try RecordBatch([Column(Field("name", .utf8), .utf8(["ab", "cd", "ef"]))])
        let error = #expect(throws: ArrowError.self) {
            try importing(batch) { array in
                let column = array.children[0]!
                let offsets = UnsafeMutableRawPointer(mutating: column.pointee.buffers[1]!)
                offsets.storeBytes(of: Int32(7), toByteOffset: 8, as: Int32.self)
                // A value buffer that faults if touched: reading it would crash the test.
                column.pointee.buffers[2] = UnsafeRawPointer(bitPattern: 0x10)
            }
        }
        #expect(
            error?.message
                == "column 'name', row 1: offset 7 is past the last offset (6); offsets must ascend from 0 to the value buffer's length"
        )
    }

    @Test("a decimal with more digits than its precision is refused on import, naming the row")
    func decimalPrecision() throws {
        let wide = try RecordBatch([
            Column(Field("amount", .decimal128(precision: 10, scale: 2)), .decimal128([ExactDecimal("1.00"), ExactDecimal("1234.56")]))
        ])
        let error = #expect(throws: ArrowError.self) {
            try importing(wide, as: Schema([Field("amount", .decimal128(precision: 5, scale: 2))]))
        }
        #expect(error?.message == "column 'amount', row 1: 1234.56 has more than 5 digits")
        let negative = try RecordBatch([
            Column(Field("amount", .decimal128(precision: 10, scale: 0)), .decimal128([ExactDecimal("-100000")]))
        ])
        let refused = #expect(throws: ArrowError.self) {
            try importing(negative, as: Schema([Field("amount", .decimal128(precision: 5, scale: 0))]))
        }
        #expect(refused?.message == "column 'amount', row 0: -100000 has more than 5 digits")
        let fits = try importing(negative, as: Schema([Field("amount", .decimal128(precision: 6, scale: 0))]))
        #expect(fits.columns[0][0] == .decimal(ExactDecimal("-100000")!))
    }

    @Test("views built from buffers check them once, as import does")
    func publicViewChecks() throws {
        let offsets = ArrowBuffer(count: 12) { bytes in
            for (index, value) in [Int32(0), 2, 9].enumerated() {
                bytes.storeBytes(of: value, toByteOffset: index * 4, as: Int32.self)
            }
        }
        let data = ArrowBuffer(count: 4) { $0.copyBytes(from: Array("abcd".utf8)) }
        let validity = try ValidityBitmap(nil, count: 2)
        let error = #expect(throws: ArrowError.self) {
            try VariableWidthColumn(offsets: offsets, data: data, validity: validity, utf8: true, name: "code")
        }
        #expect(
            error?.message
                == "column 'code', row 1: offset 9 is past the last offset (4); offsets must ascend from 0 to the value buffer's length"
        )
        let short = #expect(throws: ArrowError.self) {
            try FixedWidthColumn<Int64>(values: data, validity: validity)
        }
        #expect(short?.message == "a value buffer of 4 bytes cannot hold 2 values of 8 bytes")
        let bitmap = try ValidityBitmap(ArrowBuffer(count: 1) { $0[0] = 0b101 }, count: 3)
        #expect(bitmap.nullCount == 1)
        #expect(bitmap.firstNull == 1)
    }
}
