/*
 * warehouses.c: a Tandem plugin template in plain C11.
 *
 * It shows the two plugin kinds a library can provide:
 *
 *   - a table map ("example.warehouses") between the ERP table InventWarehouse and the
 *     CRM table msdyn_warehouse, with the SQLite DDL for both tables, and
 *   - a transform ("com.example.uppercase") that upper-cases ASCII letters of
 *     one utf8 column, to show how record batches cross the ABI as Arrow C
 *     Data Interface struct arrays.
 *
 * Build (nothing but a C compiler and the header):
 *
 *   cc -std=c11 -shared -fPIC -O2 -Wall -Wextra -Werror -I SDK/include \
 *      -o libwarehouses.so SDK/examples/c-template/warehouses.c
 *
 * The contract is SDK/include/tandem_plugin.h; the JSON formats are in
 * SDK/docs/plugin-abi.md. Copy this file, rename the ids and keep the
 * ownership rules: everything this plugin hands to the host (errors, schemas,
 * arrays, processors) carries its own release callback, and everything the
 * host hands to the plugin (input arrays and schemas, config JSON) is only
 * borrowed for the duration of the call.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem_plugin.h"

/* ------------------------------------------------------------------------- */
/* Identity                                                                  */
/* ------------------------------------------------------------------------- */

/* These must match tandem-plugin.json: the host refuses a plugin whose
 * descriptor disagrees with its manifest. */
#define PLUGIN_ID "com.example.warehouses"
#define PLUGIN_VERSION "1.0.0"
#define PLUGIN_NAME "Warehouses (C template)"

#define UPPERCASE_TRANSFORM "com.example.uppercase"

/* The oldest host minor version this plugin works with. It only uses fields
 * of ABI 1.0, so any 1.x host will do. A plugin that reads a field appended in
 * 1.N would raise this to N (and still check TANDEM_HAS_FIELD). */
static const uint32_t required_host_abi_minor = 0;

/* ------------------------------------------------------------------------- */
/* Host access                                                               */
/* ------------------------------------------------------------------------- */

/*
 * The host vtable given to init. It is the only mutable global: it is written
 * once, by init, which the header guarantees runs on one thread before any
 * function that reads it, and the host keeps the vtable valid until process
 * exit. Everything else this plugin needs lives in the objects it hands out,
 * so concurrent create_transform calls and distinct processors on different
 * threads never share state.
 */
static const tandem_host *g_host = NULL;

/* Logs through the host when it offers a log function; silent otherwise.
 * Host functions may be called from any thread, so this may be too. */
static void log_message(int32_t level, const char *message) {
    const tandem_host *host = g_host;
    /* `log` is a 1.0 field, but checking costs nothing and keeps a host that
     * passed a truncated struct from sending us through garbage. */
    if (TANDEM_HAS_FIELD(host, tandem_host, log) && host->log != NULL) {
        host->log(host, level, message);
    }
}

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

/* Release for errors filled by set_error. private_data is the malloc'ed
 * message, or NULL when the message is the static out-of-memory fallback. */
static void error_release(tandem_error *error) {
    free(error->private_data);
    error->private_data = NULL;
    error->message = NULL;
    error->release = NULL;
}

/*
 * Fills `error` (if the host passed one) with `code` and a printf-formatted
 * message, and returns `code` so callers can write `return set_error(...)`.
 * The message is allocated with malloc because it must outlive this call:
 * the host reads it after we return and frees it through `release`.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static tandem_status set_error(tandem_error *error, tandem_status code, const char *format, ...) {
    if (!TANDEM_HAS_FIELD(error, tandem_error, private_data)) {
        return code;
    }
    va_list args;
    va_start(args, format);
    int length = vsnprintf(NULL, 0, format, args);
    va_end(args);

    char *message = NULL;
    if (length >= 0) {
        message = malloc((size_t)length + 1);
        if (message != NULL) {
            va_start(args, format);
            vsnprintf(message, (size_t)length + 1, format, args);
            va_end(args);
        }
    }
    error->code = code;
    /* If we cannot allocate the message we still owe the host a valid string;
     * a static one works because error_release frees private_data, not it. */
    error->message = message != NULL ? message : "out of memory while reporting an error";
    error->private_data = message;
    error->release = error_release;
    return code;
}

/* A C11 strdup (strdup is POSIX, not ISO C). NULL in gives "" out, because a
 * column name we export should always be a string. */
static char *copy_string(const char *text) {
    if (text == NULL) {
        text = "";
    }
    size_t size = strlen(text) + 1;
    char *copy = malloc(size);
    if (copy != NULL) {
        memcpy(copy, text, size);
    }
    return copy;
}

/* ------------------------------------------------------------------------- */
/* Table map provider                                                        */
/* ------------------------------------------------------------------------- */

/*
 * The documents are static strings: the header lets the host keep the pointer
 * until process exit and call the getter from any thread, and a literal
 * satisfies both for free.
 *
 * The map is modelled on the Dynamics 365 warehouse entity. ISACTIVE is the
 * ERP's 'yes'/'no' enum as text and msdyn_isactive the CRM's 0/1 as text, so
 * the field goes through the host's standard value-map transform (the host
 * adds "reverse": true for the CRM-to-ERP instance). msdyn_source has no ERP
 * counterpart and is written as the constant "ERP" on rows going to the CRM.
 */
static const char MAPS_JSON[] =
    "{\n"
    "  \"format\": \"tandem.maps/1\",\n"
    "  \"maps\": [\n"
    "    {\n"
    "      \"id\": \"example.warehouses\",\n"
    "      \"version\": \"1.0.0\",\n"
    "      \"description\": \"Warehouses per company (D365 InventWarehouse to msdyn_warehouse)\",\n"
    "      \"erp\": { \"table\": \"InventWarehouse\", \"key\": [\"DATAAREAID\", \"WAREHOUSEID\"] },\n"
    "      \"crm\": { \"table\": \"msdyn_warehouse\", \"key\": [\"cdm_companycode\", \"msdyn_warehouseidentifier\"] },\n"
    "      \"fields\": [\n"
    "        { \"erp\": \"DATAAREAID\", \"crm\": \"cdm_companycode\", \"direction\": \"<->\" },\n"
    "        { \"erp\": \"WAREHOUSEID\", \"crm\": \"msdyn_warehouseidentifier\", \"direction\": \"<->\" },\n"
    "        { \"erp\": \"NAME\", \"crm\": \"msdyn_name\", \"direction\": \"<->\" },\n"
    "        { \"erp\": \"ISACTIVE\", \"crm\": \"msdyn_isactive\", \"direction\": \"<->\",\n"
    "          \"transform\": { \"name\": \"tandem.std.value-map\", \"config\": { \"map\": { \"no\": \"0\", \"yes\": \"1\" } } } },\n"
    "        { \"crm\": \"msdyn_source\", \"direction\": \"->\", \"default\": \"ERP\" }\n"
    "      ],\n"
    "      \"depends_on\": [],\n"
    "      \"conflict_policy\": \"erp-wins\",\n"
    "      \"mapper\": false\n"
    "    }\n"
    "  ]\n"
    "}\n";

/* The key columns are the primary key on each side, so the company column is
 * part of it as the maps document requires for company-specific tables. */
static const char DDL_JSON[] =
    "{\n"
    "  \"format\": \"tandem.ddl/1\",\n"
    "  \"dialect\": \"sqlite\",\n"
    "  \"erp\": [\n"
    "    \"CREATE TABLE IF NOT EXISTS InventWarehouse (DATAAREAID TEXT NOT NULL, WAREHOUSEID TEXT NOT NULL, "
    "NAME TEXT, ISACTIVE TEXT, PRIMARY KEY (DATAAREAID, WAREHOUSEID))\"\n"
    "  ],\n"
    "  \"crm\": [\n"
    "    \"CREATE TABLE IF NOT EXISTS msdyn_warehouse (cdm_companycode TEXT NOT NULL, "
    "msdyn_warehouseidentifier TEXT NOT NULL, msdyn_name TEXT, msdyn_isactive TEXT, msdyn_source TEXT, "
    "PRIMARY KEY (cdm_companycode, msdyn_warehouseidentifier))\"\n"
    "  ]\n"
    "}\n";

static const char *warehouses_maps_json(void) { return MAPS_JSON; }

static const char *warehouses_ddl_json(void) { return DDL_JSON; }

static const tandem_map_provider map_provider = {
    .struct_size = sizeof(tandem_map_provider),
    .maps_json = warehouses_maps_json,
    .ddl_json = warehouses_ddl_json,
    /* The field maps describe the whole mapping, so no batch mapper. */
    .create_mapper = NULL,
};

/* ------------------------------------------------------------------------- */
/* Transform catalog                                                         */
/* ------------------------------------------------------------------------- */

/* The conformance kit (`tandem plugins validate`) runs the example and
 * compares the output, so it doubles as a test. "\\u00e5" is the JSON escape
 * for U+00E5 (a with ring above), written as an escape to keep this file
 * ASCII; it shows that non-ASCII letters pass through unchanged. */
static const char TRANSFORMS_JSON[] =
    "{\n"
    "  \"format\": \"tandem.transforms/1\",\n"
    "  \"transforms\": [\n"
    "    {\n"
    "      \"name\": \"" UPPERCASE_TRANSFORM "\",\n"
    "      \"description\": \"Upper-cases the ASCII letters a-z of one utf8 column; other characters "
    "(including non-ASCII letters) are kept as they are and nulls stay null. The output column keeps "
    "the input column's name.\",\n"
    "      \"inputs\": 1,\n"
    "      \"outputs\": 1,\n"
    "      \"config\": {},\n"
    "      \"examples\": [\n"
    "        {\n"
    "          \"config\": {},\n"
    "          \"input\": { \"columns\": [{ \"name\": \"v\", \"format\": \"u\" }],\n"
    "                     \"rows\": [[\"Main street\"], [\"\\u00e5bc\"], [null]] },\n"
    "          \"output\": { \"columns\": [{ \"name\": \"v\", \"format\": \"u\" }],\n"
    "                      \"rows\": [[\"MAIN STREET\"], [\"\\u00e5BC\"], [null]] }\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static const char *warehouses_transforms_json(void) { return TRANSFORMS_JSON; }

/* ------------------------------------------------------------------------- */
/* Output schema: "+s" with one nullable "u" child                           */
/* ------------------------------------------------------------------------- */

/*
 * The Arrow release rules shape this layout. The host may move the child out
 * of the parent (copy the struct and mark the original released), so the
 * child's own allocation (its name) is freed by the child's release, never by
 * the parent's. The parent's release frees only the parent's block, after
 * releasing the child if it is still there.
 */
typedef struct schema_block {
    struct ArrowSchema child;
    struct ArrowSchema *children[1];
} schema_block;

static void release_child_schema(struct ArrowSchema *schema) {
    free(schema->private_data); /* the copied column name */
    schema->private_data = NULL;
    schema->release = NULL;
}

static void release_struct_schema(struct ArrowSchema *schema) {
    schema_block *block = schema->private_data;
    struct ArrowSchema *child = block->children[0];
    if (child->release != NULL) {
        child->release(child);
    }
    free(block);
    schema->private_data = NULL;
    schema->release = NULL;
}

/* Exports the schema into `out`. Format strings are literals (nothing to
 * free); the name is copied because the processor may be released before the
 * host releases the schema. Returns false only when out of memory. */
static bool export_utf8_struct_schema(const char *column_name, struct ArrowSchema *out) {
    schema_block *block = malloc(sizeof *block);
    char *name = copy_string(column_name);
    if (block == NULL || name == NULL) {
        free(block);
        free(name);
        return false;
    }
    block->child = (struct ArrowSchema){
        .format = "u",
        .name = name,
        .metadata = NULL,
        .flags = ARROW_FLAG_NULLABLE,
        .n_children = 0,
        .children = NULL,
        .dictionary = NULL,
        .release = release_child_schema,
        .private_data = name,
    };
    block->children[0] = &block->child;
    *out = (struct ArrowSchema){
        .format = "+s",
        .name = "",
        .metadata = NULL,
        .flags = 0,
        .n_children = 1,
        .children = block->children,
        .dictionary = NULL,
        .release = release_struct_schema,
        .private_data = block,
    };
    return true;
}

/* ------------------------------------------------------------------------- */
/* Output array: struct array with one utf8 child                            */
/* ------------------------------------------------------------------------- */

/* Same split as the schema: the child owns its buffers, the parent owns only
 * its own block, so either can be released independently after a move. */
typedef struct utf8_column {
    const void *buffers[3]; /* validity (may be NULL), int32 offsets, data */
    uint8_t *validity;
    int32_t *offsets;
    char *data;
} utf8_column;

typedef struct array_block {
    struct ArrowArray child;
    struct ArrowArray *children[1];
    const void *buffers[1]; /* the struct's validity: always NULL, no null rows */
} array_block;

static void free_utf8_column(utf8_column *column) {
    if (column != NULL) {
        free(column->validity);
        free(column->offsets);
        free(column->data);
        free(column);
    }
}

static void release_child_array(struct ArrowArray *array) {
    free_utf8_column(array->private_data);
    array->private_data = NULL;
    array->release = NULL;
}

static void release_struct_array(struct ArrowArray *array) {
    array_block *block = array->private_data;
    struct ArrowArray *child = block->children[0];
    if (child->release != NULL) {
        child->release(child);
    }
    free(block);
    array->private_data = NULL;
    array->release = NULL;
}

/* Bit `index` of an Arrow validity bitmap (LSB first); NULL means all valid. */
static bool bit_is_set(const uint8_t *bitmap, int64_t index) {
    return bitmap == NULL || ((bitmap[index >> 3] >> (index & 7)) & 1u) != 0;
}

/* ------------------------------------------------------------------------- */
/* The uppercase processor                                                   */
/* ------------------------------------------------------------------------- */

/* Instance state: only the input column's name, copied at creation because
 * the input schema is borrowed for the duration of create_transform only. */
typedef struct uppercase_state {
    char *column_name;
} uppercase_state;

static tandem_status uppercase_get_output_schema(tandem_processor *self, struct ArrowSchema *out,
                                                 tandem_error *error) {
    if (out == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         UPPERCASE_TRANSFORM ": get_output_schema was given a NULL schema to fill");
    }
    const uppercase_state *state = self->private_data;
    if (!export_utf8_struct_schema(state->column_name, out)) {
        return set_error(error, TANDEM_ERROR_INTERNAL,
                         UPPERCASE_TRANSFORM ": out of memory exporting the output schema");
    }
    return TANDEM_OK;
}

/*
 * Maps one batch. The input is borrowed: we read it, never release or keep
 * it. Row i of the input struct array is element (input->offset + i) of its
 * child, which itself starts at column->offset, so every index into the
 * child's buffers is column->offset + input->offset + i. A row is null when
 * either the struct row or the column value is null.
 */
static tandem_status uppercase_process(tandem_processor *self, const struct ArrowArray *input,
                                       struct ArrowArray *out, tandem_error *error) {
    const uppercase_state *state = self->private_data;

    if (input == NULL || out == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         UPPERCASE_TRANSFORM ": process was given a NULL %s", input == NULL ? "input" : "output");
    }
    if (input->release == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         UPPERCASE_TRANSFORM ": the input array was already released");
    }
    /* Check the shape promised by the input schema before trusting any
     * pointer: a wrong batch must become an error, not a crash. */
    if (input->n_children != 1 || input->children == NULL || input->children[0] == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA,
                         UPPERCASE_TRANSFORM ": expected a struct array with 1 column, found %lld columns",
                         (long long)input->n_children);
    }
    const struct ArrowArray *column = input->children[0];
    if (input->length < 0 || input->offset < 0 || column->offset < 0 || column->n_buffers != 3 ||
        column->buffers == NULL || column->length < input->offset + input->length) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA,
                         UPPERCASE_TRANSFORM ": the utf8 input column is malformed (n_buffers %lld, length %lld, "
                         "needed at least %lld rows)",
                         (long long)column->n_buffers, (long long)column->length,
                         (long long)(input->offset + input->length));
    }

    const int64_t rows = input->length;
    const uint8_t *row_validity = input->n_buffers >= 1 && input->buffers != NULL ? input->buffers[0] : NULL;
    const uint8_t *in_validity = column->buffers[0];
    const int32_t *in_offsets = column->buffers[1];
    const char *in_data = column->buffers[2];
    const int64_t first = column->offset + input->offset;

    if (rows > 0 && in_offsets == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA,
                         UPPERCASE_TRANSFORM ": the utf8 input column has no offsets buffer");
    }
    if ((uint64_t)rows >= SIZE_MAX / sizeof(int32_t) - 1) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA,
                         UPPERCASE_TRANSFORM ": batch of %lld rows is too large", (long long)rows);
    }

    /* First pass: count nulls and output bytes, so each buffer is allocated
     * once and the validity bitmap only when there is a null to record. */
    int64_t null_count = 0;
    int64_t total_bytes = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!bit_is_set(row_validity, input->offset + i) || !bit_is_set(in_validity, first + i)) {
            null_count++;
            continue;
        }
        int32_t start = in_offsets[first + i];
        int32_t end = in_offsets[first + i + 1];
        if (start < 0 || end < start || (end > start && in_data == NULL)) {
            return set_error(error, TANDEM_ERROR_INVALID_DATA,
                             UPPERCASE_TRANSFORM ": row %lld of column '%s' has invalid offsets %d..%d",
                             (long long)i, state->column_name, (int)start, (int)end);
        }
        total_bytes += end - start;
        /* Checked per row so the sum itself can never overflow. */
        if (total_bytes > INT32_MAX) {
            return set_error(error, TANDEM_ERROR_INVALID_DATA,
                             UPPERCASE_TRANSFORM ": more than %d bytes of text do not fit a utf8 column (int32 offsets)",
                             (int)INT32_MAX);
        }
    }

    utf8_column *result = calloc(1, sizeof *result);
    array_block *block = malloc(sizeof *block);
    if (result != NULL) {
        result->offsets = malloc(((size_t)rows + 1) * sizeof(int32_t));
        /* At least one byte: the host refuses NULL data buffers, even empty. */
        result->data = malloc(total_bytes > 0 ? (size_t)total_bytes : 1);
        if (null_count > 0) {
            result->validity = calloc(((size_t)rows + 7) / 8, 1);
        }
    }
    if (block == NULL || result == NULL || result->offsets == NULL || result->data == NULL ||
        (null_count > 0 && result->validity == NULL)) {
        free(block);
        free_utf8_column(result);
        return set_error(error, TANDEM_ERROR_INTERNAL,
                         UPPERCASE_TRANSFORM ": out of memory for a batch of %lld rows", (long long)rows);
    }

    /* Second pass: copy and upper-case. Only bytes 'a'..'z' change. Every byte
     * of a multi-byte UTF-8 sequence is >= 0x80, so valid UTF-8 in gives valid
     * UTF-8 out; we deliberately avoid toupper(), whose result depends on the
     * process locale. */
    int32_t out_position = 0;
    result->offsets[0] = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!bit_is_set(row_validity, input->offset + i) || !bit_is_set(in_validity, first + i)) {
            result->offsets[i + 1] = out_position; /* a null occupies no bytes */
            continue;
        }
        if (result->validity != NULL) {
            result->validity[i >> 3] |= (uint8_t)(1u << (i & 7));
        }
        int32_t start = in_offsets[first + i];
        int32_t end = in_offsets[first + i + 1];
        for (int32_t k = start; k < end; k++) {
            char c = in_data[k];
            result->data[out_position++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        }
        result->offsets[i + 1] = out_position;
    }

    result->buffers[0] = result->validity;
    result->buffers[1] = result->offsets;
    result->buffers[2] = result->data;

    block->child = (struct ArrowArray){
        .length = rows,
        .null_count = null_count,
        .offset = 0,
        .n_buffers = 3,
        .n_children = 0,
        .buffers = result->buffers,
        .children = NULL,
        .dictionary = NULL,
        .release = release_child_array,
        .private_data = result,
    };
    block->children[0] = &block->child;
    block->buffers[0] = NULL;
    /* Ownership moves to the host with this assignment; from here on only
     * the host may release it. */
    *out = (struct ArrowArray){
        .length = rows,
        .null_count = 0,
        .offset = 0,
        .n_buffers = 1,
        .n_children = 1,
        .buffers = block->buffers,
        .children = block->children,
        .dictionary = NULL,
        .release = release_struct_array,
        .private_data = block,
    };
    return TANDEM_OK;
}

static void uppercase_release(tandem_processor *self) {
    uppercase_state *state = self->private_data;
    free(state->column_name);
    free(state);
    free(self);
}

/* ------------------------------------------------------------------------- */
/* Transform provider                                                        */
/* ------------------------------------------------------------------------- */

/* A schema's format for error messages; a NULL format is itself a finding. */
static const char *format_or_null(const char *format) { return format != NULL ? format : "(null)"; }

/*
 * Creates an uppercase instance. It may be called from any thread at once, so
 * it touches no global state. The config is ignored: the transform has no
 * settings, and the "reverse": true the host adds for the CRM-to-ERP side of
 * a "<->" field does not change what upper-casing does.
 */
static tandem_status warehouses_create_transform(const char *name, const char *config_json,
                                                 const struct ArrowSchema *input_schema, tandem_processor **out,
                                                 tandem_error *error) {
    (void)config_json;

    if (name == NULL || strcmp(name, UPPERCASE_TRANSFORM) != 0) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         "unknown transform '%s' (this plugin provides " UPPERCASE_TRANSFORM ")",
                         name != NULL ? name : "(null)");
    }
    if (out == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         UPPERCASE_TRANSFORM ": create_transform was given NULL for the new processor");
    }
    if (input_schema == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_CONFIG,
                         UPPERCASE_TRANSFORM ": expected an input schema '+s' with one 'u' (utf8) column, found none");
    }
    if (input_schema->format == NULL || strcmp(input_schema->format, "+s") != 0) {
        return set_error(error, TANDEM_ERROR_INVALID_CONFIG,
                         UPPERCASE_TRANSFORM ": expected an input schema '+s' (struct) with one 'u' (utf8) column, "
                         "found format '%s'",
                         format_or_null(input_schema->format));
    }
    if (input_schema->n_children != 1 || input_schema->children == NULL || input_schema->children[0] == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_CONFIG,
                         UPPERCASE_TRANSFORM ": expected exactly 1 input column of format 'u' (utf8), found %lld columns",
                         (long long)input_schema->n_children);
    }
    const struct ArrowSchema *column = input_schema->children[0];
    if (column->format == NULL || strcmp(column->format, "u") != 0 || column->dictionary != NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_CONFIG,
                         UPPERCASE_TRANSFORM ": expected input column '%s' to have format 'u' (utf8), found '%s'%s",
                         column->name != NULL ? column->name : "", format_or_null(column->format),
                         column->dictionary != NULL ? " (dictionary-encoded)" : "");
    }

    tandem_processor *processor = malloc(sizeof *processor);
    uppercase_state *state = malloc(sizeof *state);
    char *column_name = copy_string(column->name);
    if (processor == NULL || state == NULL || column_name == NULL) {
        free(processor);
        free(state);
        free(column_name);
        return set_error(error, TANDEM_ERROR_INTERNAL, UPPERCASE_TRANSFORM ": out of memory creating an instance");
    }
    state->column_name = column_name;
    *processor = (tandem_processor){
        .struct_size = sizeof(tandem_processor),
        .private_data = state,
        .get_output_schema = uppercase_get_output_schema,
        .process = uppercase_process,
        .release = uppercase_release,
    };
    *out = processor;
    return TANDEM_OK;
}

static const tandem_transform_provider transform_provider = {
    .struct_size = sizeof(tandem_transform_provider),
    .transforms_json = warehouses_transforms_json,
    .create_transform = warehouses_create_transform,
};

/* ------------------------------------------------------------------------- */
/* Descriptor and entry point                                                */
/* ------------------------------------------------------------------------- */

/* init keeps the host vtable (valid until process exit) and says hello. The
 * plugin has no settings, so config_json is ignored. */
static tandem_status warehouses_init(const tandem_host *host, const char *config_json, tandem_error *error) {
    (void)config_json;
    if (host == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT, PLUGIN_ID ": init was given no host");
    }
    g_host = host;
    log_message(TANDEM_LOG_INFO, "warehouses plugin ready");
    return TANDEM_OK;
}

/* No extensions: the hook is here to show where they would go. */
static const void *warehouses_get_extension(const char *extension_id) {
    (void)extension_id;
    return NULL;
}

static const tandem_plugin_descriptor descriptor = {
    .struct_size = sizeof(tandem_plugin_descriptor),
    .abi_major = TANDEM_ABI_MAJOR,
    .abi_minor = TANDEM_ABI_MINOR,
    .id = PLUGIN_ID,
    .version = PLUGIN_VERSION,
    .name = PLUGIN_NAME,
    .description = "Template plugin: a warehouse table map and an ASCII upper-case transform.",
    .kinds = TANDEM_KIND_TABLE_MAP | TANDEM_KIND_TRANSFORM,
    .init = warehouses_init,
    /* Nothing to tear down: processors free themselves, the rest is static. */
    .shutdown = NULL,
    .get_extension = warehouses_get_extension,
    .map_provider = &map_provider,
    .transform_provider = &transform_provider,
};

/* The descriptor is static and constant, so calling this more than once or
 * from another thread is harmless even though the host calls it once. */
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry_v1(uint32_t host_abi_major,
                                                                     uint32_t host_abi_minor) {
    /* The structs this file uses are those of major 1; a host that speaks
     * another major, or a 1.x older than we need, gets NULL. */
    if (host_abi_major != TANDEM_ABI_MAJOR || host_abi_minor < required_host_abi_minor) {
        return NULL;
    }
    return &descriptor;
}
