import Foundation
import TandemDocuments

/// Every plugin document type decoded from the same bytes: the strict reader
/// first, then Foundation's decoder and each document's own validation.
enum DocumentsHarness {
    static func run(_ bytes: [UInt8]) {
        let data = Data(bytes)
        _ = try? MapsDocument.decode(data, document: "fuzz")
        _ = try? PluginManifest.decode(data, document: "fuzz")
        _ = try? TransformCatalog.decode(data, document: "fuzz")
        _ = try? DDLDocument.decode(data, document: "fuzz")
        // The member check on its own, with a description the grammar pass would not reach.
        _ = try? StrictJSON.check(bytes, members: MapsDocument.members)
    }
}
