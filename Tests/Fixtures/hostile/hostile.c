/*
 * hostile.c: one plugin source, many ways to break the Tandem plugin ABI.
 *
 * The host's tests compile this file once per mode and check that the host
 * refuses the result with a clear message (and does not crash):
 *
 *   cc -std=c11 -shared -fPIC -I SDK/include -D<MODE> -o X.so hostile.c
 *
 * Without a mode macro the plugin is well-formed: id "test.hostile", version
 * "1.0.0", kinds TANDEM_KIND_TRANSFORM, one transform "test.hostile.echo"
 * that copies a single int64 ("l") column (output "+s" with one "l" child
 * named like the input column). The id is the same in every mode, so a test
 * can reuse one manifest.
 *
 * Modes (define at most one):
 *
 *   HOSTILE_NO_ENTRY              does not export tandem_plugin_entry_v1; it
 *                                 exports tandem_plugin_entry (no _v1) instead.
 *   HOSTILE_WRONG_MAJOR           descriptor abi_major = 2.
 *   HOSTILE_SMALL_STRUCT          descriptor struct_size = 8.
 *   HOSTILE_NULL_DESCRIPTOR       the entry function returns NULL.
 *   HOSTILE_INIT_ERROR            init fails with TANDEM_ERROR_INVALID_CONFIG,
 *                                 "hostile init refused: setting 'token' is missing".
 *   HOSTILE_PROCESS_ERROR         process fails with TANDEM_ERROR_INVALID_DATA,
 *                                 "hostile process refused row 2: value 'x' is not a number".
 *   HOSTILE_WRONG_LENGTH          process returns a struct array of the input's
 *                                 length whose column child has length 1 (when
 *                                 the input has more than one row).
 *   HOSTILE_WRONG_FORMAT          get_output_schema returns a child with format
 *                                 "q", which is not an Arrow format.
 *   HOSTILE_MISSING_RELEASE       process returns an output array whose release
 *                                 is NULL (its memory leaks; that is the point).
 *   HOSTILE_NO_INIT               descriptor init = NULL.
 *   HOSTILE_DOUBLE_RELEASE_INPUT  process releases its borrowed input array
 *                                 (which sets input->release to NULL).
 *
 * Everything that is not the deliberate fault follows the header's rules, so
 * each variant exercises exactly one check of the host. The file builds
 * cleanly with -Wall -Wextra -Werror in every mode.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tandem_plugin.h"

#define HOSTILE_ID "test.hostile"
#define HOSTILE_VERSION "1.0.0"
#define ECHO_TRANSFORM "test.hostile.echo"

/* The mode's name, for the descriptor's description (handy in host logs). */
#if defined(HOSTILE_NO_ENTRY)
#define HOSTILE_MODE "HOSTILE_NO_ENTRY"
#elif defined(HOSTILE_WRONG_MAJOR)
#define HOSTILE_MODE "HOSTILE_WRONG_MAJOR"
#elif defined(HOSTILE_SMALL_STRUCT)
#define HOSTILE_MODE "HOSTILE_SMALL_STRUCT"
#elif defined(HOSTILE_NULL_DESCRIPTOR)
#define HOSTILE_MODE "HOSTILE_NULL_DESCRIPTOR"
#elif defined(HOSTILE_INIT_ERROR)
#define HOSTILE_MODE "HOSTILE_INIT_ERROR"
#elif defined(HOSTILE_PROCESS_ERROR)
#define HOSTILE_MODE "HOSTILE_PROCESS_ERROR"
#elif defined(HOSTILE_WRONG_LENGTH)
#define HOSTILE_MODE "HOSTILE_WRONG_LENGTH"
#elif defined(HOSTILE_WRONG_FORMAT)
#define HOSTILE_MODE "HOSTILE_WRONG_FORMAT"
#elif defined(HOSTILE_MISSING_RELEASE)
#define HOSTILE_MODE "HOSTILE_MISSING_RELEASE"
#elif defined(HOSTILE_NO_INIT)
#define HOSTILE_MODE "HOSTILE_NO_INIT"
#elif defined(HOSTILE_DOUBLE_RELEASE_INPUT)
#define HOSTILE_MODE "HOSTILE_DOUBLE_RELEASE_INPUT"
#else
#define HOSTILE_MODE "well-formed"
#endif

/* ------------------------------------------------------------------------- */
/* Errors                                                                    */
/* ------------------------------------------------------------------------- */

static void error_release(tandem_error *error) {
    free(error->private_data);
    error->private_data = NULL;
    error->message = NULL;
    error->release = NULL;
}

/* Fills `error` with a malloc'ed copy of `message` and returns `code`. */
static tandem_status set_error(tandem_error *error, tandem_status code, const char *message) {
    if (!TANDEM_HAS_FIELD(error, tandem_error, private_data)) {
        return code;
    }
    size_t size = strlen(message) + 1;
    char *copy = malloc(size);
    if (copy != NULL) {
        memcpy(copy, message, size);
    }
    error->code = code;
    error->message = copy != NULL ? copy : "hostile: out of memory";
    error->private_data = copy;
    error->release = error_release;
    return code;
}

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
/* Catalog                                                                   */
/* ------------------------------------------------------------------------- */

/* The example has more than one row so that HOSTILE_WRONG_LENGTH misbehaves
 * when the conformance kit runs it, and a null so validity is exercised. */
static const char TRANSFORMS_JSON[] =
    "{\"format\":\"tandem.transforms/1\",\"transforms\":[{"
    "\"name\":\"" ECHO_TRANSFORM "\","
    "\"description\":\"Copies one int64 column unchanged (test fixture, mode " HOSTILE_MODE ").\","
    "\"inputs\":1,\"outputs\":1,\"config\":{},"
    "\"examples\":[{\"config\":{},"
    "\"input\":{\"columns\":[{\"name\":\"n\",\"format\":\"l\"}],\"rows\":[[1],[null],[3]]},"
    "\"output\":{\"columns\":[{\"name\":\"n\",\"format\":\"l\"}],\"rows\":[[1],[null],[3]]}"
    "}]}]}";

static const char *hostile_transforms_json(void) { return TRANSFORMS_JSON; }

/* ------------------------------------------------------------------------- */
/* Output schema                                                             */
/* ------------------------------------------------------------------------- */

typedef struct schema_block {
    struct ArrowSchema child;
    struct ArrowSchema *children[1];
} schema_block;

static void release_child_schema(struct ArrowSchema *schema) {
    free(schema->private_data);
    schema->private_data = NULL;
    schema->release = NULL;
}

static void release_struct_schema(struct ArrowSchema *schema) {
    schema_block *block = schema->private_data;
    if (block->child.release != NULL) {
        block->child.release(&block->child);
    }
    free(block);
    schema->private_data = NULL;
    schema->release = NULL;
}

/* ------------------------------------------------------------------------- */
/* Output array                                                              */
/* ------------------------------------------------------------------------- */

typedef struct int64_column {
    const void *buffers[2]; /* validity (may be NULL), values */
    uint8_t *validity;
    int64_t *values;
} int64_column;

typedef struct array_block {
    struct ArrowArray child;
    struct ArrowArray *children[1];
    const void *buffers[1];
} array_block;

static void release_child_array(struct ArrowArray *array) {
    int64_column *column = array->private_data;
    free(column->validity);
    free(column->values);
    free(column);
    array->private_data = NULL;
    array->release = NULL;
}

static void release_struct_array(struct ArrowArray *array) {
    array_block *block = array->private_data;
    if (block->child.release != NULL) {
        block->child.release(&block->child);
    }
    free(block);
    array->private_data = NULL;
    array->release = NULL;
}

static bool bit_is_set(const uint8_t *bitmap, int64_t index) {
    return bitmap == NULL || ((bitmap[index >> 3] >> (index & 7)) & 1u) != 0;
}

/* ------------------------------------------------------------------------- */
/* The echo processor                                                        */
/* ------------------------------------------------------------------------- */

typedef struct echo_state {
    char *column_name;
} echo_state;

static tandem_status echo_get_output_schema(tandem_processor *self, struct ArrowSchema *out, tandem_error *error) {
    const echo_state *state = self->private_data;
    schema_block *block = malloc(sizeof *block);
    char *name = copy_string(state->column_name);
    if (block == NULL || name == NULL) {
        free(block);
        free(name);
        return set_error(error, TANDEM_ERROR_INTERNAL, ECHO_TRANSFORM ": out of memory");
    }
#if defined(HOSTILE_WRONG_FORMAT)
    const char *child_format = "q"; /* not an Arrow format */
#else
    const char *child_format = "l";
#endif
    block->child = (struct ArrowSchema){
        .format = child_format,
        .name = name,
        .flags = ARROW_FLAG_NULLABLE,
        .release = release_child_schema,
        .private_data = name,
    };
    block->children[0] = &block->child;
    *out = (struct ArrowSchema){
        .format = "+s",
        .name = "",
        .n_children = 1,
        .children = block->children,
        .release = release_struct_schema,
        .private_data = block,
    };
    return TANDEM_OK;
}

/* Copies the column, honouring both the struct's and the column's offset and
 * validity (see the C template for the index arithmetic). */
static tandem_status echo_process(tandem_processor *self, const struct ArrowArray *input, struct ArrowArray *out,
                                  tandem_error *error) {
    (void)self;
#if defined(HOSTILE_PROCESS_ERROR)
    /* Fails every batch; the code below stays compiled so every mode builds
     * warning-free with the same helpers. */
    return set_error(error, TANDEM_ERROR_INVALID_DATA, "hostile process refused row 2: value 'x' is not a number");
#endif
    if (input == NULL || out == NULL || input->release == NULL || input->n_children != 1 ||
        input->children == NULL || input->children[0] == NULL || input->length < 0 || input->offset < 0) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA, ECHO_TRANSFORM ": malformed input struct array");
    }
    const struct ArrowArray *column = input->children[0];
    if (column->n_buffers != 2 || column->buffers == NULL || column->offset < 0 ||
        column->length < input->offset + input->length || (input->length > 0 && column->buffers[1] == NULL)) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA, ECHO_TRANSFORM ": malformed int64 input column");
    }
    const int64_t rows = input->length;
    if ((uint64_t)rows >= SIZE_MAX / sizeof(int64_t)) {
        return set_error(error, TANDEM_ERROR_INVALID_DATA, ECHO_TRANSFORM ": batch too large");
    }
    const uint8_t *row_validity = input->n_buffers >= 1 && input->buffers != NULL ? input->buffers[0] : NULL;
    const uint8_t *in_validity = column->buffers[0];
    const int64_t *in_values = column->buffers[1];
    const int64_t first = column->offset + input->offset;

    int64_t null_count = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!bit_is_set(row_validity, input->offset + i) || !bit_is_set(in_validity, first + i)) {
            null_count++;
        }
    }

    int64_column *result = calloc(1, sizeof *result);
    array_block *block = malloc(sizeof *block);
    if (result != NULL) {
        result->values = calloc(rows > 0 ? (size_t)rows : 1, sizeof(int64_t));
        if (null_count > 0) {
            result->validity = calloc(((size_t)rows + 7) / 8, 1);
        }
    }
    if (block == NULL || result == NULL || result->values == NULL || (null_count > 0 && result->validity == NULL)) {
        free(block);
        if (result != NULL) {
            free(result->values);
            free(result->validity);
            free(result);
        }
        return set_error(error, TANDEM_ERROR_INTERNAL, ECHO_TRANSFORM ": out of memory");
    }
    for (int64_t i = 0; i < rows; i++) {
        if (!bit_is_set(row_validity, input->offset + i) || !bit_is_set(in_validity, first + i)) {
            continue; /* value slot stays 0, validity bit stays clear */
        }
        result->values[i] = in_values[first + i];
        if (result->validity != NULL) {
            result->validity[i >> 3] |= (uint8_t)(1u << (i & 7));
        }
    }
    result->buffers[0] = result->validity;
    result->buffers[1] = result->values;

#if defined(HOSTILE_WRONG_LENGTH)
    /* The buffers still hold every row, so a host that trusts the parent's
     * length reads garbage values but not unmapped memory. */
    const int64_t child_length = rows > 1 ? 1 : rows;
    int64_t child_nulls = 0;
    for (int64_t i = 0; i < child_length; i++) {
        child_nulls += bit_is_set(result->validity, i) ? 0 : 1;
    }
#else
    const int64_t child_length = rows;
    const int64_t child_nulls = null_count;
#endif

    block->child = (struct ArrowArray){
        .length = child_length,
        .null_count = child_nulls,
        .n_buffers = 2,
        .buffers = result->buffers,
        .release = release_child_array,
        .private_data = result,
    };
    block->children[0] = &block->child;
    block->buffers[0] = NULL;
    *out = (struct ArrowArray){
        .length = rows,
        .null_count = 0,
        .n_buffers = 1,
        .n_children = 1,
        .buffers = block->buffers,
        .children = block->children,
        .release = release_struct_array,
        .private_data = block,
    };

#if defined(HOSTILE_MISSING_RELEASE)
    /* Hands the host an array it cannot free: the memory leaks by design. */
    out->release = NULL;
#endif

#if defined(HOSTILE_DOUBLE_RELEASE_INPUT)
    /* Breaks the borrow rule: the host owns the input and will find it
     * released (release == NULL) when the call returns. */
    struct ArrowArray *stolen = (struct ArrowArray *)input;
    stolen->release(stolen);
#endif
    return TANDEM_OK;
}

static void echo_release(tandem_processor *self) {
    echo_state *state = self->private_data;
    free(state->column_name);
    free(state);
    free(self);
}

static tandem_status hostile_create_transform(const char *name, const char *config_json,
                                              const struct ArrowSchema *input_schema, tandem_processor **out,
                                              tandem_error *error) {
    (void)config_json;
    if (name == NULL || strcmp(name, ECHO_TRANSFORM) != 0) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT,
                         "unknown transform (this plugin provides " ECHO_TRANSFORM ")");
    }
    if (out == NULL || input_schema == NULL) {
        return set_error(error, TANDEM_ERROR_INVALID_ARGUMENT, ECHO_TRANSFORM ": NULL argument");
    }
    if (input_schema->format == NULL || strcmp(input_schema->format, "+s") != 0 || input_schema->n_children != 1 ||
        input_schema->children == NULL || input_schema->children[0] == NULL ||
        input_schema->children[0]->format == NULL || strcmp(input_schema->children[0]->format, "l") != 0) {
        return set_error(error, TANDEM_ERROR_INVALID_CONFIG,
                         ECHO_TRANSFORM ": expected an input schema '+s' with exactly one 'l' (int64) column");
    }
    tandem_processor *processor = malloc(sizeof *processor);
    echo_state *state = malloc(sizeof *state);
    char *column_name = copy_string(input_schema->children[0]->name);
    if (processor == NULL || state == NULL || column_name == NULL) {
        free(processor);
        free(state);
        free(column_name);
        return set_error(error, TANDEM_ERROR_INTERNAL, ECHO_TRANSFORM ": out of memory");
    }
    state->column_name = column_name;
    *processor = (tandem_processor){
        .struct_size = sizeof(tandem_processor),
        .private_data = state,
        .get_output_schema = echo_get_output_schema,
        .process = echo_process,
        .release = echo_release,
    };
    *out = processor;
    return TANDEM_OK;
}

static const tandem_transform_provider transform_provider = {
    .struct_size = sizeof(tandem_transform_provider),
    .transforms_json = hostile_transforms_json,
    .create_transform = hostile_create_transform,
};

/* ------------------------------------------------------------------------- */
/* Descriptor and entry point                                                */
/* ------------------------------------------------------------------------- */

#if !defined(HOSTILE_NO_INIT)
static tandem_status hostile_init(const tandem_host *host, const char *config_json, tandem_error *error) {
    (void)host;
    (void)config_json;
#if defined(HOSTILE_INIT_ERROR)
    return set_error(error, TANDEM_ERROR_INVALID_CONFIG, "hostile init refused: setting 'token' is missing");
#else
    (void)error;
    return TANDEM_OK;
#endif
}
#endif

static const tandem_plugin_descriptor descriptor = {
#if defined(HOSTILE_SMALL_STRUCT)
    .struct_size = 8,
#else
    .struct_size = sizeof(tandem_plugin_descriptor),
#endif
#if defined(HOSTILE_WRONG_MAJOR)
    .abi_major = 2,
#else
    .abi_major = TANDEM_ABI_MAJOR,
#endif
    .abi_minor = TANDEM_ABI_MINOR,
    .id = HOSTILE_ID,
    .version = HOSTILE_VERSION,
    .name = "Hostile test plugin",
    .description = "Test fixture for the host's plugin checks (mode " HOSTILE_MODE ").",
    .kinds = TANDEM_KIND_TRANSFORM,
#if defined(HOSTILE_NO_INIT)
    .init = NULL,
#else
    .init = hostile_init,
#endif
    .shutdown = NULL,
    .get_extension = NULL,
    .map_provider = NULL,
    .transform_provider = &transform_provider,
};

static const tandem_plugin_descriptor *hostile_descriptor(uint32_t host_abi_major, uint32_t host_abi_minor) {
    (void)host_abi_major;
    (void)host_abi_minor;
#if defined(HOSTILE_NULL_DESCRIPTOR)
    (void)descriptor;
    return NULL;
#else
    return &descriptor;
#endif
}

#if defined(HOSTILE_NO_ENTRY)
/* A plausible mistake: the entry point without its major version suffix.
 * The host looks up tandem_plugin_entry_v1 only, and must not find it. */
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor);
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
    return hostile_descriptor(host_abi_major, host_abi_minor);
}
#else
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry_v1(uint32_t host_abi_major,
                                                                     uint32_t host_abi_minor) {
    return hostile_descriptor(host_abi_major, host_abi_minor);
}
#endif
