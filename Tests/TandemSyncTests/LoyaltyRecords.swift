/// One record per loyalty map, as each side must hold it (see ``RoundTrip``):
/// option sets and booleans are integers on the CRM side, F&O enum names on
/// the ERP side; the currency `USD` comes from ``StandardEnvironment/seed``.
extension RoundTrip {
    static let loyalty: [RoundTrip] = [loyaltyLevel, loyaltyRewardPoint, loyaltyCard]

    /// A loyalty level, by its phrase.
    static let loyaltyLevel = RoundTrip(
        map: "loyalty-levels",
        erp: Record(
            table: "LoyaltyLevelEntity", key: ["LEVELPHRASE"],
            row: ["LEVELPHRASE": "'Gold'", "LEVELDESCRIPTION": "'Top tier, 5 % back'"]),
        crm: Record(
            table: "msdyn_loyaltylevel", key: ["msdyn_levelphrase"],
            row: ["msdyn_levelphrase": "'Gold'", "msdyn_description": "'Top tier, 5 % back'"]),
        update: (["LEVELDESCRIPTION": "'Top tier, 6 % back'"], ["msdyn_description": "'Top tier, 6 % back'"]),
        second: (["LEVELPHRASE": "'Silber'"], ["msdyn_levelphrase": "'Silber'"]))

    /// Amount points in US dollars, redeemable, with expiry and vesting units.
    static let loyaltyRewardPoint = RoundTrip(
        map: "loyalty-reward-points",
        erp: Record(
            table: "RetailLoyaltyRewardPointEntity", key: ["REWARDPOINTID"],
            row: [
                "REWARDPOINTID": "'RP-USD'", "REWARDPOINTTYPE": "'Amount'", "REWARDPOINTCURRENCY": "'USD'",
                "REDEEMABLE": "'Yes'", "REDEEMRANKING": "1", "MAXIMUMLOYALTYREWARDPOINTS": "'100000.50'",
                "EXPIRATIONTIMEUNIT": "'Year'", "EXPIRATIONTIMEVALUE": "2", "VESTINGTIMEUNIT": "'Day'",
                "VESTINGTIMEVALUE": "30",
            ]),
        crm: Record(
            table: "msdyn_loyaltyrewardpoint", key: ["msdyn_rewardpointid"],
            row: [
                "msdyn_rewardpointid": "'RP-USD'", "msdyn_rewardpointtype": "192350001",
                "msdyn_rewardpointcurrency": "'USD'", "msdyn_redeemable": "1", "msdyn_redeemranking": "1",
                "msdyn_maximumloyaltyrewardpoints": "'100000.50'", "msdyn_expirationtimeunit": "806380002",
                "msdyn_expirationtimevalue": "2", "msdyn_vestingtimeunit": "806380000", "msdyn_vestingtimevalue": "30",
            ]),
        update: (
            ["REWARDPOINTTYPE": "'Quantity'", "REDEEMABLE": "'No'", "VESTINGTIMEUNIT": "'Month'"],
            ["msdyn_rewardpointtype": "192350000", "msdyn_redeemable": "0", "msdyn_vestingtimeunit": "806380001"]
        ),
        second: (["REWARDPOINTID": "'RP-CRM'"], ["msdyn_rewardpointid": "'RP-CRM'"]))

    /// A card owned by party 000001 at a store; its replacement number flows F&O to Dataverse only.
    static let loyaltyCard = RoundTrip(
        map: "loyalty-cards",
        erp: Record(
            table: "RetailLoyaltyCardEntity", key: ["CARDNUMBER"],
            row: [
                "CARDNUMBER": "'LC-0001'", "CARDTENDERTYPE": "'AsContactTender'", "PARTYNUMBER": "'000001'",
                "REPLACEMENTCARDNUMBER": "'LC-0002'", "OMOPERATINGUNITNUMBER": "'ST-042'",
                "LOYALTYENROLLMENTDATE": "'2026-03-01'", "LOYALTYENROLLMENTDATELOCAL": "'2026-03-01'",
            ]),
        crm: Record(
            table: "msdyn_loyaltycard", key: ["msdyn_cardnumber"],
            row: [
                "msdyn_cardnumber": "'LC-0001'", "msdyn_cardtendertype": "806380001", "msdyn_partynumber": "'000001'",
                "msdyn_replacementcardnumber": "'LC-0002'", "msdyn_operatingunitnumber": "'ST-042'",
                "msdyn_enrollmentdate": "'2026-03-01'", "msdyn_effectivedate": "'2026-03-01'",
            ]),
        update: (
            ["CARDTENDERTYPE": "'Blocked'", "OMOPERATINGUNITNUMBER": "'ST-043'"],
            ["msdyn_cardtendertype": "806380003", "msdyn_operatingunitnumber": "'ST-043'"]
        ),
        second: (["CARDNUMBER": "'LC-CRM'"], ["msdyn_cardnumber": "'LC-CRM'"]),
        erpOnly: ["REPLACEMENTCARDNUMBER"])
}
