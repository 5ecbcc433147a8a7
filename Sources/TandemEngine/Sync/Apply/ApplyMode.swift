/// Why a batch is applied, which decides what a change that cannot be
/// applied does. One value replaces the separate switches the engine had
/// (operator retry, write-through, initial sync), which could be combined in
/// ways nothing used.
enum ApplyMode: Equatable, Sendable {
    /// Captured changes: live sync, catch-up, the one-way guard and the
    /// engine's own retries of changes waiting for a parent. A change that
    /// fails is parked with the reason, and the later changes of its key wait
    /// behind it.
    case live
    /// An operator's `tandem errors retry`: a change that fails again does
    /// not hold back the later changes of its key; when one of those applies,
    /// it carries the newer row and the failed ones are superseded (removed,
    /// and logged by the caller).
    case operatorRetry
    /// A synchronous write: nothing is parked. The first change the target
    /// refuses, or that meets unsynced edits of its key, throws, and each
    /// applied change leaves a written-marker so that capture does not apply
    /// it a second time.
    case writeThrough
    /// Initial sync: the writes carry initial sync's origin, which capture
    /// does not record (no echoes), and a reference into the map's own table
    /// that is not there yet is left empty for the second pass.
    case initialSync
}
