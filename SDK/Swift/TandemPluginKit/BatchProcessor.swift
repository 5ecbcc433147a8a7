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
