public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Parties and the global address book: parties, postal addresses with
/// their date-effective history, the parties' addresses with roles,
/// electronic addresses and contacts for party (`docs/MAPS.md`).
enum PartyGAB: TandemPlugin {
    static let id = "tandem.std.party"
    static let version = "1.0.0"
    static let name = "Party and global address book"
    static let summary =
        "Parties, postal addresses (date-effective), party addresses with roles, electronic addresses and contacts for party"

    /// In the reference's party/GAB run order.
    static var maps: MapsDocument? {
        MapsDocument(maps: [
            parties, postalAddressLocations, postalAddresses, partyPostalAddresses, electronicAddresses,
            contactsForParty,
        ])
    }

    static let months = OptionValues([
        "None": 0, "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7, "August": 8,
        "September": 9, "October": 10, "November": 11, "December": 12,
    ])

    /// Party columns copied as they are, ERP name to Dataverse name, in the reference's order.
    static let partyText: KeyValuePairs = [
        "ORGANIZATIONNAME": "msdyn_organizationname", "NAMEALIAS": "msdyn_namealias", "KNOWNAS": "msdyn_nickname",
        "PERSONFIRSTNAME": "msdyn_firstname", "PERSONMIDDLENAME": "msdyn_middlename",
        "PERSONLASTNAME": "msdyn_lastname",
        "PERSONLASTNAMEPREFIX": "msdyn_lastnameprefix", "PERSONPROFESSIONALTITLE": "msdyn_professionaltitle",
        "PERSONPROFESSIONALSUFFIX": "msdyn_professionalsuffix", "PERSONINITIALS": "msdyn_initials",
        "ORGANIZATIONNUMBER": "msdyn_organizationnumber", "ORGANIZATIONPHONETICNAME": "msdyn_organizationphoneticname",
        "PERSONPHONETICFIRSTNAME": "msdyn_phoneticfirstname", "PERSONPHONETICMIDDLENAME": "msdyn_phoneticmiddlename",
        "PERSONPHONETICLASTNAME": "msdyn_phoneticlastname", "PERSONHOBBIES": "msdyn_hobbies",
        "PERSONCHILDRENNAMES": "msdyn_childrennames",
    ]

    /// Party columns holding whole numbers.
    static let partyNumbers: KeyValuePairs = [
        "PERSONBIRTHDAY": "msdyn_birthday", "PERSONBIRTHYEAR": "msdyn_birthyear",
        "PERSONANNIVERSARYDAY": "msdyn_anniversaryday", "PERSONANNIVERSARYYEAR": "msdyn_anniversaryyear",
        "ORGANIZATIONNUMOFEMPLOYEES": "msdyn_numberofemployees",
    ]

    /// Party columns through value maps.
    static let partyOptions: [(erp: String, crm: String, values: OptionValues)] = [
        (
            "PARTYTYPE", "msdyn_partytype",
            OptionValues([
                "None": 192_350_000, "Person": 192_350_001, "Organization": 192_350_002, "LegalEntity": 192_350_003,
                "Team": 192_350_004, "OperatingUnit": 192_350_005,
            ])
        ),
        ("LANGUAGEID", "msdyn_language", .language),
        // The reference spells the third value non-Specific; F&O's enum name is NonSpecific.
        (
            "PERSONGENDER", "msdyn_gender",
            OptionValues(["Male": 1, "Female": 2, "NonSpecific": 192_350_000, "Unknown": 192_350_001])
        ),
        (
            "PERSONMARITALSTATUS", "msdyn_maritalstatus",
            OptionValues(["Single": 1, "Married": 2, "Divorced": 3, "Widowhood": 4, "None": 192_350_000])
        ),
        (
            "ORGANIZATIONABCCODE", "msdyn_organizationabccode",
            OptionValues(["A": 192_350_000, "B": 192_350_001, "C": 192_350_002, "None": 192_350_003])
        ),
        ("PERSONBIRTHMONTH", "msdyn_birthmonth", months),
        ("PERSONANNIVERSARYMONTH", "msdyn_anniversarymonth", months),
    ]

    /// CDS Parties → msdyn_parties (#220): persons and organisations, as the
    /// F&O entity itself selects.
    static let parties = TableMap(
        id: "parties", version: "1.0.0",
        description:
            "Parties (DirPartyCDSEntity), persons and organisations, to msdyn_party: names, language, gender, marital status",
        erp: TableReference(table: "DirPartyCDSEntity", key: ["PARTYNUMBER"]),
        crm: TableReference(table: "msdyn_party", key: ["msdyn_partynumber"]),
        fields: [StandardFields.both("PARTYNUMBER", "msdyn_partynumber")]
            + partyOptions.map { StandardFields.options($0.erp, $0.crm, $0.values) }
            + StandardFields.copies(partyText) + StandardFields.copies(partyNumbers),
        filters: Filters(erpToCrm: "PARTYTYPE IN ('Person', 'Organization')"))

    static let location = Lookup(map: "postal-address-locations", erp: "LOCATIONID", crm: "msdyn_location")

    /// CDS postal address locations → msdyn_postaladdresscollections (#234):
    /// the location that the dated versions of one address belong to.
    static let postalAddressLocations = TableMap(
        id: "postal-address-locations", version: "1.0.0",
        description:
            "Postal address locations (LogisticsPostalAddressLocationCDSEntity) to msdyn_postaladdresscollection",
        erp: TableReference(table: "LogisticsPostalAddressLocationCDSEntity", key: ["LOCATIONID"]),
        crm: TableReference(table: "msdyn_postaladdresscollection", key: ["msdyn_location"]),
        fields: StandardFields.copies(["LOCATIONID": "msdyn_location", "DESCRIPTION": "msdyn_description"]),
        dependsOn: ["parties"])

    /// The address columns copied as they are, in the reference's order.
    static let addressText: KeyValuePairs = [
        "DESCRIPTION": "msdyn_name", "STREET": "msdyn_street", "STREETNUMBER": "msdyn_streetnumber",
        "CITY": "msdyn_city",
        "STATE": "msdyn_state", "COUNTY": "msdyn_county", "DISTRICTNAME": "msdyn_district",
        "COUNTRYREGIONID": "msdyn_countryregionid", "ZIPCODE": "msdyn_zipcode", "POSTBOX": "msdyn_postbox",
        "BUILDINGCOMPLIMENT": "msdyn_buildingcompliment",
    ]

    /// CDS postal address history V2 → msdyn_postaladdresses (#235). The key
    /// holds the valid-from date, so the past, current and future versions of
    /// one address are separate rows on both sides (dual-write keeps only the
    /// current one: Dataverse has no date effectivity).
    static let postalAddresses = TableMap(
        id: "postal-addresses", version: "1.0.0",
        description:
            "Postal address history (LogisticsPostalAddressHistoryV2CDSEntity): every dated version of an address, past, current and future",
        erp: TableReference(table: "LogisticsPostalAddressHistoryV2CDSEntity", key: ["LOCATIONID", "VALIDFROM"]),
        crm: TableReference(table: "msdyn_postaladdress", key: ["msdyn_postaladdresscollectionid", "msdyn_validfrom"]),
        fields: [
            StandardFields.both("LOCATIONID", "msdyn_postaladdresscollectionid", lookup: location),
            // F&O writes an open end as 2154-12-31, Dataverse leaves it empty. Valid-from is in the key, so the
            // transform keeps it as it is (its default; `empty_from` would turn 1900-01-01 into a NULL key).
            FieldMap(
                erp: .many(["VALIDFROM", "VALIDTO"]), crm: .many(["msdyn_validfrom", "msdyn_validto"]),
                direction: .both,
                transform: TransformReference(name: "tandem.std.date-effectivity", config: .object([:]))),
        ] + StandardFields.copies(addressText),
        dependsOn: ["postal-address-locations"])

    /// CDS party postal address locations → msdyn_partypostaladdresses
    /// (#233): which party uses which address, in which roles (several, as
    /// `Invoice;Delivery`), and which is primary.
    static let partyPostalAddresses = TableMap(
        id: "party-postal-addresses", version: "1.0.0",
        description:
            "Party postal addresses (DirPartyPostalAddressLocationCDSEntity): party and location, roles (purpose), primary flag",
        erp: TableReference(table: "DirPartyPostalAddressLocationCDSEntity", key: ["PARTYNUMBER", "LOCATIONID"]),
        crm: TableReference(
            table: "msdyn_partypostaladdress", key: ["msdyn_partyid", "msdyn_postaladdresscollectionid"]),
        fields: [
            StandardFields.both("PARTYNUMBER", "msdyn_partyid", lookup: .party),
            StandardFields.both("LOCATIONID", "msdyn_postaladdresscollectionid", lookup: location),
            StandardFields.both("PURPOSE", "msdyn_postaladdresspurposenames"),
            StandardFields.yesNo("ISPRIMARY", "msdyn_isprimary"),
            StandardFields.yesNo("ISLOCATIONOWNER", "msdyn_islocationowner", .erpToCrm),
        ],
        dependsOn: ["parties", "postal-address-locations", "postal-addresses"])

    /// Party contacts V3 → msdyn_partyelectronicaddresses (#236).
    static let electronicAddresses = TableMap(
        id: "electronic-addresses", version: "1.0.0",
        description:
            "Party electronic addresses (DirPartyContactV3Entity): phone, email, URL and others, with primary, private and mobile flags",
        erp: TableReference(table: "DirPartyContactV3Entity", key: ["ELECTRONICADDRESSID"]),
        crm: TableReference(table: "msdyn_partyelectronicaddress", key: ["msdyn_electronicaddressnumber"]),
        fields: [
            StandardFields.both("ELECTRONICADDRESSID", "msdyn_electronicaddressnumber"),
            StandardFields.both("PARTYNUMBER", "msdyn_partyid", lookup: .party),
            // URL and LinkedIn keep F&O's own capitals (the reference writes url, linkedin).
            StandardFields.options(
                "TYPE", "msdyn_type",
                OptionValues([
                    "Phone": 192_350_001, "Email": 192_350_002, "URL": 192_350_003, "Telex": 192_350_004,
                    "Fax": 192_350_005,
                    "Facebook": 192_350_006, "Twitter": 192_350_007, "LinkedIn": 192_350_008,
                ])),
        ]
            + StandardFields.copies([
                "LOCATOR": "msdyn_locator", "LOCATOREXTENSION": "msdyn_locatorextension",
                "COUNTRYREGIONCODE": "msdyn_internationalcallingcode", "DESCRIPTION": "msdyn_description",
                "PURPOSE": "msdyn_purpose",
            ])
            + StandardFields.flags([
                "ISPRIMARY": "msdyn_isprimary", "ISPRIVATE": "msdyn_isprivate", "ISMOBILEPHONE": "msdyn_ismobile",
                "ISINSTANTMESSAGE": "msdyn_isinstantmessage",
            ]),
        dependsOn: ["parties", "party-postal-addresses"])

    /// Contact-for-party columns copied as they are, in the reference's order.
    static let contactText: KeyValuePairs = [
        "CONTACTPERSONRESPONSIBLEPERSONNELNUMBER": "msdyn_employeeresponsible", "EMPLOYMENTJOBTITLE": "msdyn_jobtitle",
        "PRIMARYSALUTATIONPHRASE": "msdyn_primarysalutationphrase",
        "PRIMARYCOMPLIMENTARYCLOSINGPHRASE": "msdyn_primarycomplimentaryclosingphrase",
        "DECISIONMAKINGROLECODE": "msdyn_decisionmakingrole", "LOYALTYLEVELPHRASE": "msdyn_loyaltylevelphrase",
        "PERSONALCHARACTERTYPECODE": "msdyn_personalcharactertypecode",
        "EMPLOYMENTDEPARTMENT": "msdyn_employmentdepartment", "EMPLOYMENTPROFESSION": "msdyn_employmentprofession",
        "NOTES": "msdyn_notes", "SPOUSENAME": "msdyn_spousename",
    ]

    /// Contact-for-party flags.
    static let contactFlags: KeyValuePairs = [
        "ISVIP": "msdyn_isvip", "ISRECEIVINGDIRECTMAIL": "msdyn_isreceivingdirectmail",
        "HASREQUESTEDINTERNETACCESS": "msdyn_hasrequestedinternetaccess",
    ]

    /// Contacts V2 → msdyn_contactforparties (#221): a person as the contact
    /// of a customer's or vendor's party, per company.
    static let contactsForParty = TableMap(
        id: "contacts-for-party", version: "1.0.0",
        description:
            "Contact persons (smmContactPersonV2Entity) to contacts for party, per company: the person, the party they are a contact of, their manager",
        erp: TableReference(table: "smmContactPersonV2Entity", key: ["DATAAREAID", "CONTACTPERSONID"]),
        crm: TableReference(
            table: "msdyn_contactforparty", key: ["msdyn_associatedcompanyid", "msdyn_contactforpartynumber"]),
        fields: [
            // This table's company column has its own Dataverse name.
            StandardFields.both("DATAAREAID", "msdyn_associatedcompanyid", lookup: .company),
            StandardFields.both("CONTACTPERSONID", "msdyn_contactforpartynumber"),
            StandardFields.both("CONTACTPERSONPARTYNUMBER", "msdyn_contactpartyid", lookup: .party),
            StandardFields.both("ASSOCIATEDPARTYNUMBER", "msdyn_associatedpartyid", lookup: .party),
            StandardFields.both(
                "MANAGERCONTACTPERSONID", "msdyn_parentcontactforpartyid",
                lookup: Lookup(map: "contacts-for-party", erp: "CONTACTPERSONID", crm: "msdyn_contactforpartynumber")),
            StandardFields.options(
                "CONTACTACTIVITYSENSITIVITYLEVEL", "msdyn_contactactivitysensitivitylevel",
                OptionValues([
                    "Normal": 192_350_000, "Personal": 192_350_001, "Private": 192_350_002, "Confidential": 192_350_003,
                ])),
            StandardFields.options("CONTACTINFORMATIONLANGUAGEID", "msdyn_nativelanguage", .language),
            // Seconds since midnight on both sides.
            StandardFields.both("AVAILABLEFROMTIME", "msdyn_availablefromtime"),
            StandardFields.both("AVAILABLETOTIME", "msdyn_availabletotime"),
        ] + StandardFields.copies(contactText) + StandardFields.flags(contactFlags),
        dependsOn: ["companies", "parties"])

    static var ddl: DDLDocument? {
        let addressColumns = (
            erp: SQLiteTable.columns(addressText, .erp, "TEXT"), crm: SQLiteTable.columns(addressText, .crm, "TEXT")
        )
        return DDLDocument(
            erp: [
                SQLiteTable.create(
                    "DirPartyCDSEntity", key: ["PARTYNUMBER"],
                    ["PARTYNUMBER TEXT"] + partyOptions.map { "\($0.erp) TEXT" }
                        + SQLiteTable.columns(partyText, .erp, "TEXT")
                        + SQLiteTable.columns(partyNumbers, .erp, "INTEGER")),
                SQLiteTable.create(
                    "LogisticsPostalAddressLocationCDSEntity", key: ["LOCATIONID"],
                    ["LOCATIONID TEXT", "DESCRIPTION TEXT"]),
                SQLiteTable.create(
                    "LogisticsPostalAddressHistoryV2CDSEntity", key: ["LOCATIONID", "VALIDFROM"],
                    ["LOCATIONID TEXT", "VALIDFROM TEXT", "VALIDTO TEXT"] + addressColumns.erp),
                SQLiteTable.create(
                    "DirPartyPostalAddressLocationCDSEntity", key: ["PARTYNUMBER", "LOCATIONID"],
                    ["PARTYNUMBER TEXT", "LOCATIONID TEXT", "PURPOSE TEXT", "ISPRIMARY TEXT", "ISLOCATIONOWNER TEXT"]),
                SQLiteTable.create(
                    "DirPartyContactV3Entity", key: ["ELECTRONICADDRESSID"],
                    [
                        "ELECTRONICADDRESSID TEXT", "PARTYNUMBER TEXT", "TYPE TEXT", "LOCATOR TEXT",
                        "LOCATOREXTENSION TEXT",
                        "COUNTRYREGIONCODE TEXT", "DESCRIPTION TEXT", "PURPOSE TEXT", "ISPRIMARY TEXT",
                        "ISPRIVATE TEXT",
                        "ISMOBILEPHONE TEXT", "ISINSTANTMESSAGE TEXT",
                    ]),
                SQLiteTable.create(
                    "smmContactPersonV2Entity", key: ["DATAAREAID", "CONTACTPERSONID"],
                    [
                        "DATAAREAID TEXT", "CONTACTPERSONID TEXT", "CONTACTPERSONPARTYNUMBER TEXT",
                        "ASSOCIATEDPARTYNUMBER TEXT",
                        "MANAGERCONTACTPERSONID TEXT", "CONTACTACTIVITYSENSITIVITYLEVEL TEXT",
                        "CONTACTINFORMATIONLANGUAGEID TEXT",
                        "AVAILABLEFROMTIME INTEGER", "AVAILABLETOTIME INTEGER",
                    ] + SQLiteTable.columns(contactText, .erp, "TEXT") + SQLiteTable.columns(contactFlags, .erp, "TEXT")
                ),
            ],
            crm: [
                SQLiteTable.create(
                    "msdyn_party", key: ["msdyn_partynumber"],
                    ["msdyn_partynumber TEXT"] + partyOptions.map { "\($0.crm) INTEGER" }
                        + SQLiteTable.columns(partyText, .crm, "TEXT")
                        + SQLiteTable.columns(partyNumbers, .crm, "INTEGER")),
                SQLiteTable.create(
                    "msdyn_postaladdresscollection", key: ["msdyn_location"],
                    ["msdyn_location TEXT", "msdyn_description TEXT"]),
                SQLiteTable.create(
                    "msdyn_postaladdress", key: ["msdyn_postaladdresscollectionid", "msdyn_validfrom"],
                    ["msdyn_postaladdresscollectionid TEXT", "msdyn_validfrom TEXT", "msdyn_validto TEXT"]
                        + addressColumns.crm),
                SQLiteTable.create(
                    "msdyn_partypostaladdress", key: ["msdyn_partyid", "msdyn_postaladdresscollectionid"],
                    [
                        "msdyn_partyid TEXT", "msdyn_postaladdresscollectionid TEXT",
                        "msdyn_postaladdresspurposenames TEXT",
                        "msdyn_isprimary INTEGER", "msdyn_islocationowner INTEGER",
                    ]),
                SQLiteTable.create(
                    "msdyn_partyelectronicaddress", key: ["msdyn_electronicaddressnumber"],
                    [
                        "msdyn_electronicaddressnumber TEXT", "msdyn_partyid TEXT", "msdyn_type INTEGER",
                        "msdyn_locator TEXT",
                        "msdyn_locatorextension TEXT", "msdyn_internationalcallingcode TEXT", "msdyn_description TEXT",
                        "msdyn_purpose TEXT", "msdyn_isprimary INTEGER", "msdyn_isprivate INTEGER",
                        "msdyn_ismobile INTEGER",
                        "msdyn_isinstantmessage INTEGER",
                    ]),
                SQLiteTable.create(
                    "msdyn_contactforparty", key: ["msdyn_associatedcompanyid", "msdyn_contactforpartynumber"],
                    [
                        "msdyn_associatedcompanyid TEXT", "msdyn_contactforpartynumber TEXT",
                        "msdyn_contactpartyid TEXT",
                        "msdyn_associatedpartyid TEXT", "msdyn_parentcontactforpartyid TEXT",
                        "msdyn_contactactivitysensitivitylevel INTEGER", "msdyn_nativelanguage INTEGER",
                        "msdyn_availablefromtime INTEGER", "msdyn_availabletotime INTEGER",
                    ] + SQLiteTable.columns(contactText, .crm, "TEXT")
                        + SQLiteTable.columns(contactFlags, .crm, "INTEGER")),
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: PartyGAB.self, hostMajor: major, hostMinor: minor)
}
