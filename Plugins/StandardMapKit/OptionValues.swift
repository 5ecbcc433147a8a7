package import TandemDocuments

/// The value map between an F&O enum (text on the ERP side) and a Dataverse
/// option set or boolean (an integer on the CRM side).
///
/// ERP values are F&O enum names as data entities export them: the
/// reference's spelling with a capital first letter (`no` → `No`,
/// `currentMth` → `CurrentMth`); the map is matched exactly, so a value of
/// another spelling is an error on its row rather than a silent NULL.
package struct OptionValues: Sendable {
    /// ERP value and CRM value, in the reference's order.
    package let pairs: [(erp: String, crm: Int64)]

    /// A value map from ERP text to CRM integer; it must be one-to-one, since
    /// the CRM-to-ERP direction uses it inverted.
    package init(_ pairs: KeyValuePairs<String, Int64>) {
        self.pairs = pairs.map { ($0.key, $0.value) }
    }

    /// The `tandem.std.value-map` reference: ERP text to a CRM integer (`l`),
    /// and back to text when the host runs it in reverse.
    package var transform: TransformReference {
        TransformReference(
            name: "tandem.std.value-map",
            config: .object([
                "map": .object(Dictionary(uniqueKeysWithValues: pairs.map { ($0.erp, JSONValue.string(String($0.crm))) })),
                "output": .string("l"),
            ]))
    }

    /// `NoYes` ↔ boolean (Dataverse booleans are 0/1 integers).
    package static let yesNo = OptionValues(["No": 0, "Yes": 1])

    /// `CustVendorBlocked` (on-hold status), shared by customers and vendors.
    package static let onHold = OptionValues([
        "No": 806_380_000, "Invoice": 806_380_001, "All": 806_380_002, "Payment": 806_380_003,
        "Requisition": 806_380_004, "Never": 806_380_005,
    ])

    /// How a unit conversion rounds, shared by the general and product-specific conversions.
    package static let rounding = OptionValues(["Nearest": 192_350_000, "Up": 192_350_001, "Down": 192_350_002])

    /// Language codes, as the reference lists them for parties, contacts for
    /// party, quotes and orders: `192350000` + the code's position. Codes stay
    /// lower case: they are language tags, not enum names.
    package static let language: OptionValues = {
        let codes = [
            "ar", "ar-ae", "cs", "da", "de", "de-at", "de-ch", "en-au", "en-ca", "en-gb",
            "en-ie", "en-in", "en-my", "en-nz", "en-sg", "en-us", "en-za", "es", "es-mx", "et",
            "fi", "fr", "fr-be", "fr-ca", "fr-ch", "hu", "is", "it", "it-ch", "ja",
            "lt", "lv", "nb-no", "nl", "nl-be", "pl", "pt-br", "ru", "sv", "th", "tr", "zh-hans",
        ]
        return OptionValues(pairs: codes.enumerated().map { ($0.element, 192_350_000 + Int64($0.offset)) })
    }()

    private init(pairs: [(erp: String, crm: Int64)]) {
        self.pairs = pairs
    }
}
