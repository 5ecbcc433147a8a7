/// One record per standard map, with every column the map writes set, as
/// each side must hold it (see ``RoundTrip``). Parents come from
/// ``StandardEnvironment/seed``. F&O enums are text, Dataverse booleans and
/// option sets integers, money exact text with ten decimals.
extension RoundTrip {
    // MARK: Reference data

    static let companies = RoundTrip(
        map: "companies",
        erp: Record(
            table: "OMLegalEntity", key: ["LEGALENTITYID"], row: ["LEGALENTITYID": "'gbsi'", "NAME": "'Contoso UK'"]),
        crm: Record(
            table: "cdm_company", key: ["cdm_companycode"],
            row: ["cdm_companycode": "'gbsi'", "cdm_name": "'Contoso UK'"]),
        update: (["NAME": "'Contoso Europe Ltd'"], ["cdm_name": "'Contoso Europe Ltd'"]))

    static let currencies = RoundTrip(
        map: "currencies",
        erp: Record(
            table: "CurrencyEntity", key: ["CURRENCYCODE"],
            row: ["CURRENCYCODE": "'GBP'", "NAME": "'Pound sterling'", "SYMBOL": "'£'", "DECIMALPLACES": "2"]),
        crm: Record(
            table: "transactioncurrency", key: ["isocurrencycode"],
            row: [
                "isocurrencycode": "'GBP'", "currencyname": "'Pound sterling'", "currencysymbol": "'£'",
                "currencyprecision": "2",
                "exchangerate": "'1.0000000000'",
            ]),
        update: (
            ["NAME": "'British pound'", "DECIMALPLACES": "4"],
            ["currencyname": "'British pound'", "currencyprecision": "4"]
        ),
        second: (["CURRENCYCODE": "'JPY'"], ["isocurrencycode": "'JPY'"]))

    static let paymentTerms = RoundTrip(
        map: "payment-terms",
        erp: Record(
            table: "PaymentTermEntity", key: ["DATAAREAID", "NAME"],
            row: [
                "DATAAREAID": "'usmf'", "NAME": "'Net45'", "DESCRIPTION": "'Net 45 days'", "NUMBEROFDAYS": "45",
                "NUMBEROFMONTHS": "0", "CUTOFFDAYOFMONTH": "15", "ISCASHPAYMENT": "'No'",
                "ISCERTIFIEDCOMPANYCHECK": "'Yes'",
                "ISDEFAULTPAYMENTTERM": "'No'", "CREDITCARDPAYMENTTYPE": "'CreditCard'",
                "CREDITCARDCREDITCHECKTYPE": "'ByPass'",
                "PAYMENTMETHODTYPE": "'CurrentMth'", "PAYMENTDAYNAME": "'Fri'", "PAYMENTSCHEDULENAME": "'3x'",
            ]),
        crm: Record(
            table: "msdyn_paymentterm", key: ["msdyn_company", "msdyn_name"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_name": "'Net45'", "msdyn_description": "'Net 45 days'",
                "msdyn_days": "45",
                "msdyn_numberofmonth": "0", "msdyn_cutoffdayofmonth": "15", "msdyn_iscashpayment": "0",
                "msdyn_iscertifiedcompanycheck": "1", "msdyn_isdefaultpaymentterm": "0",
                "msdyn_creditcardpaymenttype": "806380999",
                "msdyn_creditcardcreditchecktype": "806380001", "msdyn_paymentmethodtype": "806380992",
                "msdyn_paymentdayname": "'Fri'", "msdyn_paymentschedulename": "'3x'",
            ]),
        update: (
            ["PAYMENTMETHODTYPE": "'Cod'", "ISCASHPAYMENT": "'Yes'", "CREDITCARDPAYMENTTYPE": "'Na'"],
            [
                "msdyn_paymentmethodtype": "806380996", "msdyn_iscashpayment": "1",
                "msdyn_creditcardpaymenttype": "806380998",
            ]
        ),
        second: (["NAME": "'Net60'"], ["msdyn_name": "'Net60'"]))

    static let customerGroups = RoundTrip(
        map: "customer-groups",
        erp: Record(
            table: "CustCustomerGroupEntity", key: ["DATAAREAID", "CUSTOMERGROUPID"],
            row: [
                "DATAAREAID": "'usmf'", "CUSTOMERGROUPID": "'20'", "DESCRIPTION": "'Retail'",
                "ISSALESTAXINCLUDEDINPRICE": "'Yes'",
                "PAYMENTTERMID": "'Net30'", "CLEARINGPERIODPAYMENTTERMNAME": "'Net10'",
            ]),
        crm: Record(
            table: "msdyn_customergroup", key: ["msdyn_company", "msdyn_groupid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_groupid": "'20'", "msdyn_description": "'Retail'",
                "msdyn_issalestaxincludedinprice": "1", "msdyn_paymenttermid": "'Net30'",
                "msdyn_clearingperiodpaymenttermname": "'Net10'",
            ]),
        update: (
            ["DESCRIPTION": "'Retail, online'", "PAYMENTTERMID": "'Net10'"],
            ["msdyn_description": "'Retail, online'", "msdyn_paymenttermid": "'Net10'"]
        ),
        second: (["CUSTOMERGROUPID": "'30'"], ["msdyn_groupid": "'30'"]))

    static let vendorGroups = RoundTrip(
        map: "vendor-groups",
        erp: Record(
            table: "VendVendorGroupEntity", key: ["DATAAREAID", "VENDORGROUPID"],
            row: [
                "DATAAREAID": "'usmf'", "VENDORGROUPID": "'20'", "DESCRIPTION": "'Services'",
                "DEFAULTPAYMENTTERMNAME": "'Net30'",
                "CLEARINGPERIODPAYMENTTERMNAME": "'Net10'",
            ]),
        crm: Record(
            table: "msdyn_vendorgroup", key: ["msdyn_company", "msdyn_vendorgroup"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_vendorgroup": "'20'", "msdyn_description": "'Services'",
                "msdyn_paymentterms": "'Net30'",
                "msdyn_clearingperiodpaymentpermname": "'Net10'",
            ]),
        update: (["DESCRIPTION": "'Services and parts'"], ["msdyn_description": "'Services and parts'"]),
        second: (["VENDORGROUPID": "'30'"], ["msdyn_vendorgroup": "'30'"]))

    static let unitClasses = RoundTrip(
        map: "unit-classes",
        erp: Record(
            table: "UnitOfMeasureClassEntity", key: ["UNITCLASS"],
            row: ["UNITCLASS": "'Length'", "DESCRIPTION": "'Length'", "BASEUNITSYMBOL": "'m'"]),
        crm: Record(
            table: "uomschedule", key: ["name"],
            row: [
                "name": "'Length'", "description": "'Length'", "baseuomname": "'m'", "msdyn_externallymaintained": "1",
            ]),
        update: (["DESCRIPTION": "'Distance'"], ["description": "'Distance'"]))

    static let units = RoundTrip(
        map: "units",
        erp: Record(
            table: "UnitOfMeasureEntity", key: ["UNITSYMBOL"],
            row: [
                "UNITSYMBOL": "'lb'", "UNITCLASS": "'Mass'", "UNITDESCRIPTION": "'Pound'", "DECIMALPRECISION": "3",
                "ISBASEUNIT": "'No'",
                "ISSYSTEMUNIT": "'Yes'", "SYSTEMOFUNITS": "'Us'",
            ]),
        crm: Record(
            table: "uom", key: ["msdyn_symbol"],
            row: [
                "msdyn_symbol": "'lb'", "name": "'lb'", "msdyn_externalunitclassname": "'Mass'",
                "msdyn_description": "'Pound'",
                "msdyn_decimalprecision": "3", "msdyn_isbaseunit": "0", "msdyn_issystemunit": "1",
                "msdyn_systemofunits": "192350002",
            ]),
        update: (
            ["UNITDESCRIPTION": "'Pound (avoirdupois)'", "SYSTEMOFUNITS": "'Metric'"],
            ["msdyn_description": "'Pound (avoirdupois)'", "msdyn_systemofunits": "192350001"]
        ))

    static let unitConversions = RoundTrip(
        map: "unit-conversions",
        erp: Record(
            table: "UnitOfMeasureConversionEntity", key: ["FROMUNITSYMBOL", "TOUNITSYMBOL"],
            row: [
                "FROMUNITSYMBOL": "'kg'", "TOUNITSYMBOL": "'g'", "FACTOR": "'1000'", "NUMERATOR": "1",
                "DENOMINATOR": "1",
                "INNEROFFSET": "'0'", "OUTEROFFSET": "'0.0000000001'", "ROUNDING": "'Nearest'",
            ]),
        crm: Record(
            table: "msdyn_unitofmeasureconversion", key: ["msdyn_fromunit", "msdyn_tounit"],
            row: [
                "msdyn_fromunit": "'kg'", "msdyn_tounit": "'g'", "msdyn_factor": "'1000'", "msdyn_numerator": "1",
                "msdyn_denominator": "1", "msdyn_inneroffset": "'0'", "msdyn_outeroffset": "'0.0000000001'",
                "msdyn_rounding": "192350000",
            ]),
        update: (
            ["FACTOR": "'999.9999999999'", "ROUNDING": "'Up'", "NUMERATOR": "9", "DENOMINATOR": "5"],
            [
                "msdyn_factor": "'999.9999999999'", "msdyn_rounding": "192350001", "msdyn_numerator": "9",
                "msdyn_denominator": "5",
            ]
        ),
        second: (
            ["FROMUNITSYMBOL": "'ea'", "TOUNITSYMBOL": "'pcs'"], ["msdyn_fromunit": "'ea'", "msdyn_tounit": "'pcs'"]
        ))

    static let referenceData = [
        companies, currencies, paymentTerms, customerGroups, vendorGroups, unitClasses, units, unitConversions,
    ]

    // MARK: Customers

    static let customersAccounts = RoundTrip(
        map: "customers-accounts",
        erp: Record(
            table: "CustCustomerV3Entity", key: ["DATAAREAID", "CUSTOMERACCOUNT"],
            row: [
                "DATAAREAID": "'usmf'", "CUSTOMERACCOUNT": "'US-001'", "PARTYTYPE": "'Organization'",
                "PARTYNUMBER": "'000001'",
                "CUSTOMERGROUPID": "'10'", "SALESCURRENCYCODE": "'USD'", "PAYMENTTERMS": "'Net30'",
                "PAYMENTDAY": "'Fri'",
                "PAYMENTSCHEDULE": "'3x'", "PAYMENTMETHOD": "'CHQ'", "SALESTAXGROUP": "'CA'",
                "CONTACTPERSONID": "'CP-000'",
                "IDENTIFICATIONNUMBER": "'ID-1'", "PARTYCOUNTRY": "'USA'", "PARTYSTATE": "'CA'",
                "SALESMEMO": "'Key account'",
                "ORGANIZATIONNAME": "'Contoso Retail San Diego'", "CREDITLIMIT": "'25000.1234567891'",
                "CREDITLIMITISMANDATORY": "'Yes'",
                "CREDITRATING": "'AA'", "INVOICEACCOUNT": "'US-000'", "ISONETIMECUSTOMER": "'No'",
                "ONHOLDSTATUS": "'Invoice'",
                "PAYMENTTERMSBASEDAYS": "30", "TAXEXEMPTNUMBER": "'TX-1'", "VENDORACCOUNT": "'V-000'",
            ]),
        crm: Record(
            table: "account", key: ["msdyn_company", "accountnumber"],
            row: [
                "msdyn_company": "'usmf'", "accountnumber": "'US-001'", "customertypecode": "3",
                "msdyn_partyid": "'000001'",
                "msdyn_customergroupid": "'10'", "transactioncurrencyid": "'USD'", "msdyn_paymentterm": "'Net30'",
                "msdyn_paymentday": "'Fri'", "msdyn_paymentschedule": "'3x'", "msdyn_customerpaymentmethod": "'CHQ'",
                "msdyn_salestaxgroup": "'CA'", "msdyn_primarycontact": "'CP-000'",
                "msdyn_identificationnumber": "'ID-1'",
                "msdyn_partycountry": "'USA'", "msdyn_partystateprovince": "'CA'", "description": "'Key account'",
                "name": "'Contoso Retail San Diego'", "creditlimit": "'25000.1234567891'",
                "msdyn_creditlimitismandatory": "1",
                "msdyn_creditrating": "'AA'", "msdyn_billingaccount": "'US-000'", "msdyn_onetimecustomer": "0",
                "msdyn_onholdstatus": "806380001", "msdyn_paymenttermsbasedays": "30",
                "msdyn_taxexemptnumber": "'TX-1'",
                "msdyn_vendor": "'V-000'",
            ]),
        update: (
            ["ONHOLDSTATUS": "'All'", "CREDITLIMIT": "'0.0000000001'", "ISONETIMECUSTOMER": "'Yes'"],
            ["msdyn_onholdstatus": "806380002", "creditlimit": "'0.0000000001'", "msdyn_onetimecustomer": "1"]
        ),
        second: (["CUSTOMERACCOUNT": "'US-002'"], ["accountnumber": "'US-002'"]))

    static let customersContacts = RoundTrip(
        map: "customers-contacts",
        erp: Record(
            table: "CustCustomerV3Entity", key: ["DATAAREAID", "CUSTOMERACCOUNT"],
            row: [
                "DATAAREAID": "'usmf'", "CUSTOMERACCOUNT": "'US-101'", "PARTYTYPE": "'Person'",
                "PARTYNUMBER": "'000002'",
                "CUSTOMERGROUPID": "'10'", "SALESCURRENCYCODE": "'EUR'", "PAYMENTTERMS": "'Net10'",
                "PAYMENTDAY": "'Mon'",
                "PAYMENTSCHEDULE": "'2x'", "PAYMENTMETHOD": "'CARD'", "SALESTAXGROUP": "'NY'",
                "CONTACTPERSONID": "'CP-000'",
                "IDENTIFICATIONNUMBER": "'ID-2'", "PARTYCOUNTRY": "'DNK'", "PARTYSTATE": "'84'",
                "SALESMEMO": "'Private buyer'",
                "PERSONFIRSTNAME": "'Søren'", "PERSONLASTNAME": "'Kierkegaard'",
            ]),
        crm: Record(
            table: "contact", key: ["msdyn_company", "msdyn_contactpersonid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_contactpersonid": "'US-101'", "msdyn_sellable": "1",
                "msdyn_partyid": "'000002'",
                "msdyn_customergroupid": "'10'", "transactioncurrencyid": "'EUR'", "msdyn_paymentterms": "'Net10'",
                "msdyn_paymentday": "'Mon'", "msdyn_paymentschedule": "'2x'", "msdyn_customerpaymentmethod": "'CARD'",
                "msdyn_salestaxgroup": "'NY'", "msdyn_primarycontact": "'CP-000'",
                "msdyn_identificationnumber": "'ID-2'",
                "msdyn_partycountry": "'DNK'", "msdyn_partystateprovince": "'84'", "description": "'Private buyer'",
                "firstname": "'Søren'", "lastname": "'Kierkegaard'",
            ]),
        update: (
            ["PERSONLASTNAME": "'Kierkegaard Jr.'", "PAYMENTTERMS": "'Net30'"],
            ["lastname": "'Kierkegaard Jr.'", "msdyn_paymentterms": "'Net30'"]
        ),
        second: (["CUSTOMERACCOUNT": "'US-102'"], ["msdyn_contactpersonid": "'US-102'"]))

    // MARK: Vendors

    static let vendors = RoundTrip(
        map: "vendors",
        erp: Record(
            table: "VendVendorV2Entity", key: ["DATAAREAID", "VENDORACCOUNTNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "VENDORACCOUNTNUMBER": "'V-001'", "VENDORPARTYNUMBER": "'000001'",
                "VENDORPARTYTYPE": "'Organization'", "VENDORGROUPID": "'10'", "CREDITLIMIT": "'99999.9999999999'",
                "CURRENCYCODE": "'USD'", "DEFAULTPAYMENTTERMSNAME": "'Net30'", "INVOICEVENDORACCOUNTNUMBER": "'V-000'",
                "AREPRICESINCLUDINGSALESTAX": "'No'", "ONHOLDSTATUS": "'Payment'", "ORGANIZATIONEMPLOYEEAMOUNT": "250",
                "DEFAULTPAYMENTDAYNAME": "'Mon'", "DEFAULTPAYMENTSCHEDULENAME": "'2x'",
                "DEFAULTVENDORPAYMENTMETHODNAME": "'ACH'",
                "SALESTAXGROUPCODE": "'WA'", "VENDORHOLDRELEASEDATE": "'2026-12-31'",
                "PRIMARYCONTACTPERSONID": "'CP-000'",
                "CREDITRATING": "'B'", "DUNSNUMBER": "'123456789'", "ETHNICORIGINID": "'E1'",
                "OURACCOUNTNUMBER": "'OUR-1'",
                "PAYMENTID": "'PID-7'", "PRIMARYURL": "'https://fabrikam.example'",
                "VENDORORGANIZATIONNAME": "'Fabrikam Supplier'",
                "ISFOREIGNENTITY": "'Yes'", "ISONETIMEVENDOR": "'No'", "HASONLYTAKENBIDS": "'Yes'",
                "ISMINORITYOWNED": "'No'",
                "ISVENDORLOCALLYOWNED": "'Yes'", "ISSERVICEVETERANOWNED": "'No'", "ISOWNERDISABLED": "'Yes'",
                "ISWOMANOWNER": "'No'",
                "ISVENDORLOCATEDINHUBZONE": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_vendor", key: ["msdyn_company", "msdyn_vendoraccountnumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_vendoraccountnumber": "'V-001'", "msdyn_partyid": "'000001'",
                "msdyn_isperson": "0",
                "msdyn_vendorgroupid": "'10'", "msdyn_vendorcreditlimit": "'99999.9999999999'",
                "msdyn_currencycode": "'USD'",
                "msdyn_paymentterms": "'Net30'", "msdyn_invoicevendoraccountnumber": "'V-000'",
                "msdyn_priceincludessalestax": "0",
                "msdyn_onholdstatus": "806380003", "msdyn_numberofemployees": "250",
                "msdyn_defaultpaymentdayname": "'Mon'",
                "msdyn_paymentschedule": "'2x'", "msdyn_vendorpaymentmethod": "'ACH'", "msdyn_taxgroup": "'WA'",
                "msdyn_vendoronholdreleasedate": "'2026-12-31'", "msdyn_primarycontact": "'CP-000'",
                "msdyn_creditrating": "'B'",
                "msdyn_dunsnumber": "'123456789'", "msdyn_ethnicorigin": "'E1'",
                "msdyn_ourvendoraccountnumber": "'OUR-1'",
                "msdyn_paymentid": "'PID-7'", "msdyn_primarycontacturl": "'https://fabrikam.example'",
                "msdyn_name": "'Fabrikam Supplier'", "msdyn_isforeignentity": "1", "msdyn_isonetimevendor": "0",
                "msdyn_hasonlytakenbids": "1", "msdyn_isminorityowned": "0", "msdyn_isvendorlocallyowned": "1",
                "msdyn_isserviceveteranowned": "0", "msdyn_ownerisdisabled": "1", "msdyn_womanowner": "0",
                "msdyn_isvendorlocatedinhubzone": "1",
            ]),
        update: (
            [
                "VENDORPARTYTYPE": "'Person'", "VENDORPARTYNUMBER": "'000002'", "ONHOLDSTATUS": "'Never'",
                "ISWOMANOWNER": "'Yes'",
            ],
            [
                "msdyn_isperson": "1", "msdyn_partyid": "'000002'", "msdyn_onholdstatus": "806380005",
                "msdyn_womanowner": "1",
            ]
        ),
        second: (["VENDORACCOUNTNUMBER": "'V-002'"], ["msdyn_vendoraccountnumber": "'V-002'"]))

    // MARK: Party and global address book

    static let parties = RoundTrip(
        map: "parties",
        erp: Record(
            table: "DirPartyCDSEntity", key: ["PARTYNUMBER"],
            row: [
                "PARTYNUMBER": "'000100'", "PARTYTYPE": "'Person'", "LANGUAGEID": "'zh-hans'",
                "PERSONGENDER": "'NonSpecific'",
                "PERSONMARITALSTATUS": "'Widowhood'", "ORGANIZATIONABCCODE": "'None'", "PERSONBIRTHMONTH": "'December'",
                "PERSONANNIVERSARYMONTH": "'None'", "ORGANIZATIONNAME": "'-'", "NAMEALIAS": "'Misaki'",
                "KNOWNAS": "'Mi'",
                "PERSONFIRSTNAME": "'美咲'", "PERSONMIDDLENAME": "'M'", "PERSONLASTNAME": "'佐藤'",
                "PERSONLASTNAMEPREFIX": "'van'",
                "PERSONPROFESSIONALTITLE": "'Dr.'", "PERSONPROFESSIONALSUFFIX": "'PhD'", "PERSONINITIALS": "'MS'",
                "ORGANIZATIONNUMBER": "'ORG-9'", "ORGANIZATIONPHONETICNAME": "'-'",
                "PERSONPHONETICFIRSTNAME": "'Misaki'",
                "PERSONPHONETICMIDDLENAME": "'Em'", "PERSONPHONETICLASTNAME": "'Satō'", "PERSONHOBBIES": "'Go'",
                "PERSONCHILDRENNAMES": "'Hana'", "PERSONBIRTHDAY": "24", "PERSONBIRTHYEAR": "1990",
                "PERSONANNIVERSARYDAY": "1",
                "PERSONANNIVERSARYYEAR": "2015", "ORGANIZATIONNUMOFEMPLOYEES": "0",
            ]),
        crm: Record(
            table: "msdyn_party", key: ["msdyn_partynumber"],
            row: [
                "msdyn_partynumber": "'000100'", "msdyn_partytype": "192350001", "msdyn_language": "192350041",
                "msdyn_gender": "192350000", "msdyn_maritalstatus": "4", "msdyn_organizationabccode": "192350003",
                "msdyn_birthmonth": "12", "msdyn_anniversarymonth": "0", "msdyn_organizationname": "'-'",
                "msdyn_namealias": "'Misaki'",
                "msdyn_nickname": "'Mi'", "msdyn_firstname": "'美咲'", "msdyn_middlename": "'M'",
                "msdyn_lastname": "'佐藤'",
                "msdyn_lastnameprefix": "'van'", "msdyn_professionaltitle": "'Dr.'",
                "msdyn_professionalsuffix": "'PhD'",
                "msdyn_initials": "'MS'", "msdyn_organizationnumber": "'ORG-9'",
                "msdyn_organizationphoneticname": "'-'",
                "msdyn_phoneticfirstname": "'Misaki'", "msdyn_phoneticmiddlename": "'Em'",
                "msdyn_phoneticlastname": "'Satō'",
                "msdyn_hobbies": "'Go'", "msdyn_childrennames": "'Hana'", "msdyn_birthday": "24",
                "msdyn_birthyear": "1990",
                "msdyn_anniversaryday": "1", "msdyn_anniversaryyear": "2015", "msdyn_numberofemployees": "0",
            ]),
        update: (
            [
                "LANGUAGEID": "'en-us'", "PERSONGENDER": "'Female'", "PERSONMARITALSTATUS": "'Married'",
                "PERSONANNIVERSARYMONTH": "'June'",
            ],
            [
                "msdyn_language": "192350015", "msdyn_gender": "2", "msdyn_maritalstatus": "2",
                "msdyn_anniversarymonth": "6",
            ]
        ),
        second: (["PARTYNUMBER": "'000101'"], ["msdyn_partynumber": "'000101'"]))

    static let postalAddressLocations = RoundTrip(
        map: "postal-address-locations",
        erp: Record(
            table: "LogisticsPostalAddressLocationCDSEntity", key: ["LOCATIONID"],
            row: ["LOCATIONID": "'L100'", "DESCRIPTION": "'Head office'"]),
        crm: Record(
            table: "msdyn_postaladdresscollection", key: ["msdyn_location"],
            row: ["msdyn_location": "'L100'", "msdyn_description": "'Head office'"]),
        update: (["DESCRIPTION": "'Head office (old)'"], ["msdyn_description": "'Head office (old)'"]),
        second: (["LOCATIONID": "'L101'"], ["msdyn_location": "'L101'"]))

    /// Valid until further notice: F&O's 2154-12-31 is an empty valid-to in Dataverse.
    static let postalAddresses = RoundTrip(
        map: "postal-addresses",
        erp: Record(
            table: "LogisticsPostalAddressHistoryV2CDSEntity", key: ["LOCATIONID", "VALIDFROM"],
            row: [
                "LOCATIONID": "'L0'", "VALIDFROM": "'2024-01-01T00:00:00'", "VALIDTO": "'2154-12-31T23:59:59'",
                "DESCRIPTION": "'HQ'",
                "STREET": "'Main Street'", "STREETNUMBER": "'1'", "CITY": "'Redmond'", "STATE": "'WA'",
                "COUNTY": "'King'",
                "DISTRICTNAME": "'Overlake'", "COUNTRYREGIONID": "'USA'", "ZIPCODE": "'98052'", "POSTBOX": "'PO 12'",
                "BUILDINGCOMPLIMENT": "'Building 4'",
            ]),
        crm: Record(
            table: "msdyn_postaladdress", key: ["msdyn_postaladdresscollectionid", "msdyn_validfrom"],
            row: [
                "msdyn_postaladdresscollectionid": "'L0'", "msdyn_validfrom": "'2024-01-01T00:00:00'",
                "msdyn_name": "'HQ'",
                "msdyn_street": "'Main Street'", "msdyn_streetnumber": "'1'", "msdyn_city": "'Redmond'",
                "msdyn_state": "'WA'",
                "msdyn_county": "'King'", "msdyn_district": "'Overlake'", "msdyn_countryregionid": "'USA'",
                "msdyn_zipcode": "'98052'",
                "msdyn_postbox": "'PO 12'", "msdyn_buildingcompliment": "'Building 4'",
            ]),
        update: (
            ["STREET": "'Microsoft Way'", "VALIDTO": "'2031-06-30T23:59:59'"],
            ["msdyn_street": "'Microsoft Way'", "msdyn_validto": "'2031-06-30T23:59:59'"]
        ),
        second: (["VALIDFROM": "'2030-01-01T00:00:00'"], ["msdyn_validfrom": "'2030-01-01T00:00:00'"]))

    static let partyPostalAddresses = RoundTrip(
        map: "party-postal-addresses",
        erp: Record(
            table: "DirPartyPostalAddressLocationCDSEntity", key: ["PARTYNUMBER", "LOCATIONID"],
            row: [
                "PARTYNUMBER": "'000001'", "LOCATIONID": "'L0'", "PURPOSE": "'Invoice;Delivery'", "ISPRIMARY": "'Yes'",
                "ISLOCATIONOWNER": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_partypostaladdress", key: ["msdyn_partyid", "msdyn_postaladdresscollectionid"],
            row: [
                "msdyn_partyid": "'000001'", "msdyn_postaladdresscollectionid": "'L0'",
                "msdyn_postaladdresspurposenames": "'Invoice;Delivery'", "msdyn_isprimary": "1",
                "msdyn_islocationowner": "1",
            ]),
        update: (
            ["PURPOSE": "'Business'", "ISPRIMARY": "'No'"],
            ["msdyn_postaladdresspurposenames": "'Business'", "msdyn_isprimary": "0"]
        ),
        second: (["PARTYNUMBER": "'000002'"], ["msdyn_partyid": "'000002'"]),
        erpOnly: ["ISLOCATIONOWNER"])

    static let electronicAddresses = RoundTrip(
        map: "electronic-addresses",
        erp: Record(
            table: "DirPartyContactV3Entity", key: ["ELECTRONICADDRESSID"],
            row: [
                "ELECTRONICADDRESSID": "'E-001'", "PARTYNUMBER": "'000001'", "TYPE": "'URL'",
                "LOCATOR": "'https://contoso.example'",
                "LOCATOREXTENSION": "'x12'", "COUNTRYREGIONCODE": "'+1'", "DESCRIPTION": "'Web'",
                "PURPOSE": "'Business'",
                "ISPRIMARY": "'Yes'", "ISPRIVATE": "'No'", "ISMOBILEPHONE": "'No'", "ISINSTANTMESSAGE": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_partyelectronicaddress", key: ["msdyn_electronicaddressnumber"],
            row: [
                "msdyn_electronicaddressnumber": "'E-001'", "msdyn_partyid": "'000001'", "msdyn_type": "192350003",
                "msdyn_locator": "'https://contoso.example'", "msdyn_locatorextension": "'x12'",
                "msdyn_internationalcallingcode": "'+1'", "msdyn_description": "'Web'", "msdyn_purpose": "'Business'",
                "msdyn_isprimary": "1", "msdyn_isprivate": "0", "msdyn_ismobile": "0", "msdyn_isinstantmessage": "1",
            ]),
        update: (
            ["TYPE": "'LinkedIn'", "LOCATOR": "'linkedin.com/company/contoso'"],
            ["msdyn_type": "192350008", "msdyn_locator": "'linkedin.com/company/contoso'"]
        ),
        second: (["ELECTRONICADDRESSID": "'E-002'"], ["msdyn_electronicaddressnumber": "'E-002'"]))

    static let contactsForParty = RoundTrip(
        map: "contacts-for-party",
        erp: Record(
            table: "smmContactPersonV2Entity", key: ["DATAAREAID", "CONTACTPERSONID"],
            row: [
                "DATAAREAID": "'usmf'", "CONTACTPERSONID": "'CP-100'", "CONTACTPERSONPARTYNUMBER": "'000002'",
                "ASSOCIATEDPARTYNUMBER": "'000001'", "MANAGERCONTACTPERSONID": "'CP-000'",
                "CONTACTACTIVITYSENSITIVITYLEVEL": "'Confidential'", "CONTACTINFORMATIONLANGUAGEID": "'nb-no'",
                "AVAILABLEFROMTIME": "28800", "AVAILABLETOTIME": "61200",
                "CONTACTPERSONRESPONSIBLEPERSONNELNUMBER": "'000123'",
                "EMPLOYMENTJOBTITLE": "'Buyer'", "PRIMARYSALUTATIONPHRASE": "'Dear'",
                "PRIMARYCOMPLIMENTARYCLOSINGPHRASE": "'Regards'",
                "DECISIONMAKINGROLECODE": "'Approver'", "LOYALTYLEVELPHRASE": "'Gold'",
                "PERSONALCHARACTERTYPECODE": "'Analytic'",
                "EMPLOYMENTDEPARTMENT": "'Purchasing'", "EMPLOYMENTPROFESSION": "'Engineer'",
                "NOTES": "'Prefers email'",
                "SPOUSENAME": "'Bo'", "ISVIP": "'Yes'", "ISRECEIVINGDIRECTMAIL": "'No'",
                "HASREQUESTEDINTERNETACCESS": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_contactforparty", key: ["msdyn_associatedcompanyid", "msdyn_contactforpartynumber"],
            row: [
                "msdyn_associatedcompanyid": "'usmf'", "msdyn_contactforpartynumber": "'CP-100'",
                "msdyn_contactpartyid": "'000002'",
                "msdyn_associatedpartyid": "'000001'", "msdyn_parentcontactforpartyid": "'CP-000'",
                "msdyn_contactactivitysensitivitylevel": "192350003", "msdyn_nativelanguage": "192350032",
                "msdyn_availablefromtime": "28800", "msdyn_availabletotime": "61200",
                "msdyn_employeeresponsible": "'000123'",
                "msdyn_jobtitle": "'Buyer'", "msdyn_primarysalutationphrase": "'Dear'",
                "msdyn_primarycomplimentaryclosingphrase": "'Regards'", "msdyn_decisionmakingrole": "'Approver'",
                "msdyn_loyaltylevelphrase": "'Gold'", "msdyn_personalcharactertypecode": "'Analytic'",
                "msdyn_employmentdepartment": "'Purchasing'", "msdyn_employmentprofession": "'Engineer'",
                "msdyn_notes": "'Prefers email'", "msdyn_spousename": "'Bo'", "msdyn_isvip": "1",
                "msdyn_isreceivingdirectmail": "0",
                "msdyn_hasrequestedinternetaccess": "1",
            ]),
        update: (
            ["CONTACTACTIVITYSENSITIVITYLEVEL": "'Normal'", "CONTACTINFORMATIONLANGUAGEID": "'ar'", "ISVIP": "'No'"],
            [
                "msdyn_contactactivitysensitivitylevel": "192350000", "msdyn_nativelanguage": "192350000",
                "msdyn_isvip": "0",
            ]
        ),
        second: (["CONTACTPERSONID": "'CP-101'"], ["msdyn_contactforpartynumber": "'CP-101'"]))

    static let partyGAB = [
        parties, postalAddressLocations, postalAddresses, partyPostalAddresses, electronicAddresses, contactsForParty,
    ]

    // MARK: Products

    /// 24 each in the inventory unit is 2 boxes in the sales unit (12 each to the box, the seed's conversion, inverted).
    static let products = RoundTrip(
        map: "products",
        erp: Record(
            table: "EcoResReleasedDistinctProductCDSEntity", key: ["DATAAREAID", "PRODUCTNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "PRODUCTNUMBER": "'D0001'", "ITEMNUMBER": "'D0001'",
                "PRODUCTNAME": "'Car audio speaker'",
                "PRODUCTDESCRIPTION": "'Coaxial, 6.5 in'", "CURRENCYCODE": "'USD'", "SALESUNITSYMBOL": "'box'",
                "INVENTORYUNITSYMBOL": "'ea'", "SALESPRICE": "'199.99'", "UNITCOST": "'87.1234567891'",
                "PRODUCTTYPE": "'Item'",
                "SALESUNITDECIMALPRECISION": "2", "ISCATCHWEIGHTPRODUCT": "'No'", "ISSTOCKEDPRODUCT": "'Yes'",
                "FIELDSERVICEPRODUCTTYPE": "'Inventory'", "PRODUCTCOLORID": "'Black'", "PRODUCTSIZEID": "'L'",
                "PRODUCTSTYLEID": "'Classic'", "PRODUCTCONFIGURATIONID": "'C1'", "STANDARDORDERQUANTITY": "'24'",
            ]),
        crm: Record(
            table: "product", key: ["msdyn_company", "msdyn_productnumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_productnumber": "'D0001'", "productnumber": "'usmf-D0001'",
                "msdyn_itemnumber": "'D0001'", "name": "'Car audio speaker'", "description": "'Coaxial, 6.5 in'",
                "transactioncurrencyid": "'USD'", "defaultuomid": "'box'", "price": "'199.9900000000'",
                "currentcost": "'87.1234567891'", "producttypecode": "1", "quantitydecimal": "2",
                "msdyn_iscatchweight": "0",
                "msdyn_isstockedproduct": "1", "msdyn_fieldserviceproducttype": "690970000",
                "msdyn_productcolor": "'Black'",
                "msdyn_productsize": "'L'", "msdyn_productstyle": "'Classic'", "msdyn_productconfiguration": "'C1'",
                "msdyn_standardorderquantity": "'2.0000000000'",
            ]),
        update: (
            [
                "PRODUCTTYPE": "'Service'", "FIELDSERVICEPRODUCTTYPE": "'NonInventory'", "STANDARDORDERQUANTITY": "'6'",
                "SALESPRICE": "'0.0000000001'",
            ],
            [
                "producttypecode": "3", "msdyn_fieldserviceproducttype": "690970001",
                "msdyn_standardorderquantity": "'0.5000000000'",
                "price": "'0.0000000001'",
            ]
        ))

    static let productUnitConversions = RoundTrip(
        map: "product-unit-conversions",
        erp: Record(
            table: "EcoResProductSpecificUnitConversionEntity",
            key: ["PRODUCTNUMBER", "FROMUNITSYMBOL", "TOUNITSYMBOL"],
            row: [
                "PRODUCTNUMBER": "'D0000'", "FROMUNITSYMBOL": "'box'", "TOUNITSYMBOL": "'ea'", "FACTOR": "'10'",
                "NUMERATOR": "1",
                "DENOMINATOR": "1", "INNEROFFSET": "'0'", "OUTEROFFSET": "'0'", "ROUNDING": "'Down'",
            ]),
        crm: Record(
            table: "msdyn_productspecificunitofmeasureconversion",
            key: ["msdyn_globalproduct", "msdyn_fromunit", "msdyn_tounit"],
            row: [
                "msdyn_globalproduct": "'D0000'", "msdyn_fromunit": "'box'", "msdyn_tounit": "'ea'",
                "msdyn_factor": "'10'",
                "msdyn_numerator": "1", "msdyn_denominator": "1", "msdyn_inneroffset": "'0'",
                "msdyn_outeroffset": "'0'",
                "msdyn_rounding": "192350002",
            ]),
        update: (["FACTOR": "'6'", "ROUNDING": "'Nearest'"], ["msdyn_factor": "'6'", "msdyn_rounding": "192350000"]),
        second: (["TOUNITSYMBOL": "'pcs'"], ["msdyn_tounit": "'pcs'"]))
}
