/*
 * warehouses.c: custom tables for Tandem, in plain C11.
 *
 * A table-map plugin and nothing else: two custom table pairs, sites and the
 * warehouses in them, with the SQLite DDL that creates them on both sides.
 * It has no transform of its own (the warehouse type goes through the bundled
 * tandem.std.value-map) and so no Arrow code: the host applies the field maps.
 * SDK/README.md walks through building, installing and syncing it; copy this
 * folder to start your own tables.
 *
 * Build with nothing but a C compiler and the SDK's header:
 *
 *   cc -std=c11 -shared -fPIC -O2 -Wall -Wextra -Werror -I SDK/include \
 *      -o libwarehouses.so SDK/examples/warehouses/warehouses.c
 */
#include <stddef.h>
#include <stdint.h>

#include "tandem_plugin.h"

/* These must match tandem-plugin.json: the host refuses a plugin whose
 * descriptor and manifest disagree on id or version. */
#define PLUGIN_ID "com.contoso.warehouses"
#define PLUGIN_VERSION "1.0.0"

/*
 * JSON(...) turns the JSON written between its parentheses into a C string
 * literal, so the documents below stay plain JSON that you edit as such: the
 * preprocessor escapes the quotes inside the string values for you. Keep each
 * document valid JSON (no trailing commas); C comments in it are dropped
 * before it becomes a string. Runs of spaces and line breaks between JSON
 * values become one space, which JSON does not mind; inside a string value
 * they are kept as written.
 */
#define JSON(...) #__VA_ARGS__

/*
 * The maps document (tandem.maps/1, SDK/docs/plugin-abi.md). Each map links
 * one table on each side by a key that includes the company, and lists field
 * maps with their direction: "<->" both ways, "->" ERP to CRM only, "<-" CRM
 * to ERP only.
 *
 * contoso.warehouses depends on contoso.sites: a warehouse names its site,
 * and the lookup makes a warehouse whose site has not arrived on the other
 * side yet wait for it instead of failing. WAREHOUSETYPE is the ERP's enum
 * name and msdyn_warehousetype the CRM's option-set number, so the field goes
 * through the bundled value map (the host runs it in reverse for CRM to ERP).
 * msdyn_source has no ERP column: rows written to the CRM get "ERP".
 */
static const char MAPS_JSON[] = JSON({
    "format": "tandem.maps/1",
    "maps": [
        {
            "id": "contoso.sites",
            "version": "1.0.0",
            "description": "Operational sites per company (InventSite to msdyn_operationalsite)",
            "erp": { "table": "InventSite", "key": ["DATAAREAID", "SITEID"] },
            "crm": { "table": "msdyn_operationalsite", "key": ["cdm_companycode", "msdyn_siteid"] },
            "fields": [
                { "erp": "DATAAREAID", "crm": "cdm_companycode", "direction": "<->" },
                { "erp": "SITEID", "crm": "msdyn_siteid", "direction": "<->" },
                { "erp": "NAME", "crm": "msdyn_name", "direction": "<->" }
            ],
            "conflict_policy": "erp-wins"
        },
        {
            "id": "contoso.warehouses",
            "version": "1.0.0",
            "description": "Warehouses per company and site (InventWarehouse to msdyn_warehouse)",
            "erp": { "table": "InventWarehouse", "key": ["DATAAREAID", "WAREHOUSEID"] },
            "crm": { "table": "msdyn_warehouse", "key": ["cdm_companycode", "msdyn_warehouseidentifier"] },
            "fields": [
                { "erp": "DATAAREAID", "crm": "cdm_companycode", "direction": "<->" },
                { "erp": "WAREHOUSEID", "crm": "msdyn_warehouseidentifier", "direction": "<->" },
                { "erp": "NAME", "crm": "msdyn_name", "direction": "<->" },
                { "erp": "INVENTSITEID", "crm": "msdyn_operationalsiteid", "direction": "<->",
                  "lookup": { "map": "contoso.sites", "erp": "SITEID", "crm": "msdyn_siteid" } },
                { "erp": "WAREHOUSETYPE", "crm": "msdyn_warehousetype", "direction": "<->",
                  "transform": { "name": "tandem.std.value-map",
                                 "config": { "map": { "Standard": "192350000", "Quarantine": "192350001",
                                                      "Transit": "192350002" },
                                             "output": "l" } } },
                { "erp": "MAXPALLETS", "crm": "msdyn_maxpallets", "direction": "<->" },
                { "crm": "msdyn_source", "direction": "->", "default": "ERP" }
            ],
            "depends_on": ["contoso.sites"],
            "conflict_policy": "erp-wins"
        }
    ]
});

/*
 * The DDL document (tandem.ddl/1): what `tandem capture install
 * --create-tables` runs on each side. IF NOT EXISTS because it also runs
 * against databases where the application already made its tables. The key
 * columns are each table's primary key. MAXPALLETS is TEXT so that a decimal
 * quantity keeps every digit (SQLite would make a REAL of it otherwise).
 */
static const char DDL_JSON[] = JSON({
    "format": "tandem.ddl/1",
    "dialect": "sqlite",
    "erp": [
        "CREATE TABLE IF NOT EXISTS InventSite (DATAAREAID TEXT NOT NULL, SITEID TEXT NOT NULL, NAME TEXT, PRIMARY KEY (DATAAREAID, SITEID))",
        "CREATE TABLE IF NOT EXISTS InventWarehouse (DATAAREAID TEXT NOT NULL, WAREHOUSEID TEXT NOT NULL, NAME TEXT, INVENTSITEID TEXT, WAREHOUSETYPE TEXT, MAXPALLETS TEXT, PRIMARY KEY (DATAAREAID, WAREHOUSEID))"
    ],
    "crm": [
        "CREATE TABLE IF NOT EXISTS msdyn_operationalsite (cdm_companycode TEXT NOT NULL, msdyn_siteid TEXT NOT NULL, msdyn_name TEXT, PRIMARY KEY (cdm_companycode, msdyn_siteid))",
        "CREATE TABLE IF NOT EXISTS msdyn_warehouse (cdm_companycode TEXT NOT NULL, msdyn_warehouseidentifier TEXT NOT NULL, msdyn_name TEXT, msdyn_operationalsiteid TEXT, msdyn_warehousetype INTEGER, msdyn_maxpallets TEXT, msdyn_source TEXT, PRIMARY KEY (cdm_companycode, msdyn_warehouseidentifier))"
    ]
});

/* The documents are static: the host may keep the pointers until process
 * exit and call the getters from any thread, which a literal allows. */
static const char *warehouses_maps_json(void) { return MAPS_JSON; }

static const char *warehouses_ddl_json(void) { return DDL_JSON; }

static const tandem_map_provider map_provider = {
    .struct_size = sizeof(tandem_map_provider),
    .maps_json = warehouses_maps_json,
    .ddl_json = warehouses_ddl_json,
    /* The field maps say everything, so no batch mapper. */
    .create_mapper = NULL,
};

/* init is required even when there is nothing to set up. Keeping no host
 * pointer and no other global state is what lets any thread call the
 * getters above. */
static tandem_status warehouses_init(const tandem_host *host, const char *config_json, tandem_error *error) {
    (void)host;
    (void)config_json;
    (void)error;
    return TANDEM_OK;
}

static const tandem_plugin_descriptor descriptor = {
    .struct_size = sizeof(tandem_plugin_descriptor),
    .abi_major = TANDEM_ABI_MAJOR,
    .abi_minor = TANDEM_ABI_MINOR,
    .id = PLUGIN_ID,
    .version = PLUGIN_VERSION,
    .name = "Contoso warehouses",
    .description = "Custom tables: operational sites and warehouses, both ways.",
    .kinds = TANDEM_KIND_TABLE_MAP,
    .init = warehouses_init,
    .shutdown = NULL,
    .get_extension = NULL,
    .map_provider = &map_provider,
    /* Must stay NULL: the plugin does not claim the transform kind. */
    .transform_provider = NULL,
};

/* The one exported symbol. Only ABI 1.0 fields are used, so any 1.x host
 * will do; another major gets NULL and the host says so. */
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry_v1(uint32_t host_abi_major,
                                                                     uint32_t host_abi_minor) {
    (void)host_abi_minor;
    return host_abi_major == TANDEM_ABI_MAJOR ? &descriptor : NULL;
}
