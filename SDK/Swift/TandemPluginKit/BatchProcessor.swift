public import TandemArrow
public import TandemDocuments

/// Something that maps record batches: a configured transform or a batch mapper.
///
/// One instance is used by one thread at a time (the host serialises calls
/// per instance), so a processor may keep state without locks.
public protocol BatchProcessor {
    /// The columns every output batch has.
    var outputSchema: Schema { get }
    /// Maps one batch. A transform returns one row per input row.
    ///
    /// The input's columns hold the Arrow buffers the kit imported, checked
    /// once (offsets, UTF-8, decimal precision): read them in place through
    /// ``Column/bufferView`` (for example ``VariableWidthColumn/withBytes(at:_:)``
    /// on text, no `String` per cell) and return columns made with
    /// ``Column/init(_:view:)`` to send buffers back without conversion.
    /// ``Column/data`` and cell subscripts still work; they make Swift values.
    mutating func process(_ batch: RecordBatch) throws -> RecordBatch
}

/// A named transform: configured once, then maps batches.
public protocol Transform: BatchProcessor {
    /// Name, description, config members and examples; goes into the catalog.
    static var definition: TransformDefinition { get }
    /// Creates an instance for input columns `input`; throws for a config or
    /// input it cannot use, saying what is wrong.
    init(config: JSONValue, input: Schema) throws
}
