public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Customer loyalty: Commerce loyalty cards, loyalty reward points and the
/// loyalty levels that contacts name, from part F of
/// `shared/reference/dualwrite-transactional-maps.md` (`docs/MAPS.md`).
/// The reference gives the Dataverse tables and every field, not the F&O
/// entities' names: those are Tandem's choice, written down in MAPS.md.
/// Cards and reward points are shared across legal entities in Commerce,
/// so none of the three tables carries a company. A card names its owner by
/// the party number as plain text, not a lookup, as the reference does.
enum Loyalty: TandemPlugin {
    static let id = "tandem.std.loyalty"
    static let version = "1.0.0"
    static let name = "Customer loyalty"
    static let summary = "Commerce loyalty cards, loyalty reward points and loyalty levels to Dataverse, both ways"

    static var maps: MapsDocument? {
        MapsDocument(maps: [loyaltyLevels, rewardPoints, cards])
    }

    // MARK: Value maps

    /// `CARDTENDERTYPE` (F.1).
    static let tenderType = OptionValues([
        "AsCardTender": 806_380_000, "AsContactTender": 806_380_001, "NoTender": 806_380_002, "Blocked": 806_380_003,
    ])

    /// Expiration and vesting time units (F.2).
    static let timeUnit = OptionValues(["Day": 806_380_000, "Month": 806_380_001, "Year": 806_380_002])

    /// `REWARDPOINTTYPE` (F.2).
    static let rewardPointType = OptionValues(["Quantity": 192_350_000, "Amount": 192_350_001])

    // MARK: The maps

    /// Loyalty levels → msdyn_loyaltylevel (#226): a party reference table,
    /// looked up by its phrase.
    static let loyaltyLevels = TableMap(
        id: "loyalty-levels", version: "1.0.0",
        description: "Loyalty levels (LoyaltyLevelEntity) to msdyn_loyaltylevel, both ways",
        erp: TableReference(table: "LoyaltyLevelEntity", key: ["LEVELPHRASE"]),
        crm: TableReference(table: "msdyn_loyaltylevel", key: ["msdyn_levelphrase"]),
        fields: StandardFields.copies(["LEVELPHRASE": "msdyn_levelphrase", "LEVELDESCRIPTION": "msdyn_description"]))

    /// Loyalty reward points → msdyn_loyaltyrewardpoint (#150); the
    /// currency is a lookup to the currencies map.
    static let rewardPoints = TableMap(
        id: "loyalty-reward-points", version: "1.0.0",
        description: "Loyalty reward points (RetailLoyaltyRewardPointEntity) to msdyn_loyaltyrewardpoint, both ways",
        erp: TableReference(table: "RetailLoyaltyRewardPointEntity", key: ["REWARDPOINTID"]),
        crm: TableReference(table: "msdyn_loyaltyrewardpoint", key: ["msdyn_rewardpointid"]),
        fields: [
            StandardFields.both("REWARDPOINTID", "msdyn_rewardpointid"),
            StandardFields.options("REWARDPOINTTYPE", "msdyn_rewardpointtype", rewardPointType),
            StandardFields.both("REWARDPOINTCURRENCY", "msdyn_rewardpointcurrency", lookup: .currency),
            StandardFields.yesNo("REDEEMABLE", "msdyn_redeemable"),
            StandardFields.both("REDEEMRANKING", "msdyn_redeemranking"),
            StandardFields.both("MAXIMUMLOYALTYREWARDPOINTS", "msdyn_maximumloyaltyrewardpoints"),
            StandardFields.options("EXPIRATIONTIMEUNIT", "msdyn_expirationtimeunit", timeUnit),
            StandardFields.both("EXPIRATIONTIMEVALUE", "msdyn_expirationtimevalue"),
            StandardFields.options("VESTINGTIMEUNIT", "msdyn_vestingtimeunit", timeUnit),
            StandardFields.both("VESTINGTIMEVALUE", "msdyn_vestingtimevalue"),
        ],
        dependsOn: ["currencies"])

    /// Loyalty card → msdyn_loyaltycard (#149): both ways but the
    /// replacement card number, which only F&O issues.
    static let cards = TableMap(
        id: "loyalty-cards", version: "1.0.0",
        description:
            "Loyalty cards (RetailLoyaltyCardEntity) to msdyn_loyaltycard, both ways; the replacement card number F&O to Dataverse only",
        erp: TableReference(table: "RetailLoyaltyCardEntity", key: ["CARDNUMBER"]),
        crm: TableReference(table: "msdyn_loyaltycard", key: ["msdyn_cardnumber"]),
        fields: [
            StandardFields.both("CARDNUMBER", "msdyn_cardnumber"),
            StandardFields.options("CARDTENDERTYPE", "msdyn_cardtendertype", tenderType),
            StandardFields.both("PARTYNUMBER", "msdyn_partynumber"),
            StandardFields.toCRM("REPLACEMENTCARDNUMBER", "msdyn_replacementcardnumber"),
            StandardFields.both("OMOPERATINGUNITNUMBER", "msdyn_operatingunitnumber"),
            StandardFields.both("LOYALTYENROLLMENTDATE", "msdyn_enrollmentdate"),
            StandardFields.both("LOYALTYENROLLMENTDATELOCAL", "msdyn_effectivedate"),
        ])

    // MARK: DDL

    /// Column types other than TEXT: option sets, booleans and counts are
    /// integers; the point maximum is a decimal kept as text (exact).
    static let types: [String: String] = [
        "msdyn_cardtendertype": "INTEGER", "msdyn_rewardpointtype": "INTEGER", "msdyn_redeemable": "INTEGER",
        "msdyn_expirationtimeunit": "INTEGER", "msdyn_vestingtimeunit": "INTEGER", "REDEEMRANKING": "INTEGER",
        "msdyn_redeemranking": "INTEGER", "EXPIRATIONTIMEVALUE": "INTEGER", "msdyn_expirationtimevalue": "INTEGER",
        "VESTINGTIMEVALUE": "INTEGER", "msdyn_vestingtimevalue": "INTEGER",
    ]

    /// Each map's tables, with the map's own columns (key first), so the DDL cannot disagree with the maps.
    static var ddl: DDLDocument? {
        let all = maps?.maps ?? []
        return DDLDocument(
            erp: all.map { SQLiteTable.create($0.erp.table, key: $0.erp.key, SQLiteTable.columns(of: [$0], .erp, types: types)) },
            crm: all.map { SQLiteTable.create($0.crm.table, key: $0.crm.key, SQLiteTable.columns(of: [$0], .crm, types: types)) })
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Loyalty.self, hostMajor: major, hostMinor: minor)
}
