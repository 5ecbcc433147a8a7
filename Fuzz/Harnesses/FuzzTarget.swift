/// The fuzz harnesses: each takes arbitrary bytes and drives one reader that
/// faces input Tandem does not control. A harness returns normally whatever
/// the input (a refusal is an error the reader throws and the harness
/// swallows); a crash, a trap or a sanitizer report is a bug.
///
/// `scripts/fuzz.sh` runs them under libFuzzer; `tandem-fuzz TARGET FILE...`
/// and the regression suite run saved inputs (seeds and past crashes)
/// through them without it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The plugin JSON documents (manifest, maps, transform catalog, DDL),
    /// read strictly and decoded, as the loader reads what a plugin returns.
    case documents
    /// The Arrow C Data Interface import of a record batch a plugin returns:
    /// schema and array structs built from the bytes, with hostile lengths,
    /// offsets and formats, and buffers exactly as large as the spec says.
    case arrowImport = "arrow-import"
    /// `tandem.yaml`, through the config loader.
    case config
    /// A change-log key or row (`quote()` literals), through the parser the
    /// engine reads every change with.
    case changeLog = "change-log"

    /// Runs the harness on `bytes`.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .documents: DocumentsHarness.run(bytes)
        case .arrowImport: ArrowImportHarness.run(bytes)
        case .config: ConfigHarness.run(bytes)
        case .changeLog: ChangeLogHarness.run(bytes)
        }
    }
}
