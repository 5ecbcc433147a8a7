public import TandemArrow

/// A transform or batch mapper the engine can call, wherever its plugin
/// runs: in the engine process (``PluginProcessor``) or in a child host
/// process (``IsolatedProcessor``, `isolation: process`). The engine sees
/// the same columns and the same batches either way.
package protocol BatchProcessor: AnyObject {
    /// The columns the instance expects.
    var inputSchema: Schema { get }
    /// The columns the instance returns.
    var outputSchema: Schema { get }
    /// Maps one batch through the plugin.
    func process(_ batch: RecordBatch) throws -> RecordBatch
}

extension PluginProcessor: BatchProcessor {}
