import CTandemPlugin

/// The sizes of the ABI 1.0 structs: the smallest a reader accepts.
///
/// Computed as the end of each struct's last 1.0 field, not as today's
/// `MemoryLayout.size`, so that fields appended in a later minor version do
/// not make a newer host refuse plugins built against 1.0.
enum ABISizes {
    static let descriptor = end(\tandem_plugin_descriptor.transform_provider)
    static let mapProvider = end(\tandem_map_provider.create_mapper)
    static let transformProvider = end(\tandem_transform_provider.create_transform)
    static let processor = end(\tandem_processor.release)

    private static func end<Root, Value>(_ field: KeyPath<Root, Value>) -> Int {
        MemoryLayout<Root>.offset(of: field)! + MemoryLayout<Value>.size
    }
}
