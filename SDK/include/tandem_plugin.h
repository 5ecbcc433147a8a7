/*
 * tandem_plugin.h: the Tandem plugin ABI, major version 1.
 *
 * This header is the single source of truth for the boundary between the
 * Tandem host and a plugin (a shared library loaded with dlopen). It is C11
 * and usable from C++. Only the types declared here cross the boundary: no
 * Swift object, C++ exception or Rust panic may pass through any function.
 *
 * Compatibility rules
 * -------------------
 * - The one exported symbol carries the major version in its name
 *   (tandem_plugin_entry_v1). A new major version is a new symbol.
 * - Every struct starts with `struct_size`, set by whoever allocates it to
 *   sizeof(the struct as that party compiled it). Structs only ever grow at the
 *   end. A reader checks TANDEM_HAS_FIELD before touching any field that was
 *   added after minor version 0.
 * - Optional features are extensions looked up by a string id (reverse-DNS,
 *   e.g. "org.tandem.example/1"), on the host and on the plugin.
 *
 * Ownership and threading
 * -----------------------
 * Every function below states who owns what it takes and returns, and on which
 * thread it may be called. "Any thread" means the function may be called
 * concurrently from several threads and must be thread-safe. "Serialised"
 * means the host never calls it concurrently with another serialised call on
 * the same object, though successive calls may come from different threads.
 *
 * Rows cross as Arrow C Data Interface record batches
 * (https://arrow.apache.org/docs/format/CDataInterface.html): a struct array
 * ("+s") whose children are the columns. Supported column formats in ABI 1.0:
 * "n" null, "b" bool, "l" int64, "g" float64, "u" utf8, "z" binary,
 * "d:P,S" decimal128 (precision P <= 38, scale S), "tdD" date32, and
 * "tss:", "tsm:", "tsu:", "tsn:" timestamps (optionally with a time zone
 * after the colon). Money and quantities are decimal128 with the column's
 * scale; they never pass through a binary floating point type.
 *
 * A batch's top-level struct array has no nulls (its validity buffer is
 * NULL) and may have a non-zero offset, as may its children: readers honour
 * both. Column names are non-empty and unique within a schema. Buffers of an
 * empty array may be NULL. A producer sets ARROW_FLAG_NULLABLE on columns
 * that may hold nulls.
 *
 * Every fallible function returns TANDEM_OK or an error code equal to the
 * `code` it stored in the error struct; on failure its out-parameters are left
 * untouched (an ArrowArray or ArrowSchema out-parameter keeps release NULL).
 *
 * JSON documents (UTF-8) describe maps, transforms and DDL; their formats are
 * documented in SDK/docs/plugin-abi.md and are versioned by a "format" member.
 */
#ifndef TANDEM_PLUGIN_H
#define TANDEM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Versions                                                                  */
/* ------------------------------------------------------------------------- */

/** ABI major version. Changes only with a new entry symbol. */
#define TANDEM_ABI_MAJOR 1
/** ABI minor version. Grows when fields or functions are appended. */
#define TANDEM_ABI_MINOR 0

/** Name of the entry symbol for ABI major 1, for dlsym. */
#define TANDEM_PLUGIN_ENTRY_V1_SYMBOL "tandem_plugin_entry_v1"

#if defined(_WIN32)
#define TANDEM_EXPORT __declspec(dllexport)
#else
#define TANDEM_EXPORT __attribute__((visibility("default")))
#endif

/**
 * True when the struct behind `ptr`, of type `type`, is large enough to hold
 * `field`. Use it before reading any field appended after ABI 1.0, and to
 * check `struct_size` against the fields a reader needs.
 */
#define TANDEM_HAS_FIELD(ptr, type, field)                                                      \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ------------------------------------------------------------------------- */
/* Arrow C Data Interface (verbatim from the Arrow specification)            */
/* ------------------------------------------------------------------------- */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    /* Array type description */
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;

    /* Release callback */
    void (*release)(struct ArrowSchema *);
    /* Opaque producer-specific data */
    void *private_data;
};

struct ArrowArray {
    /* Array data description */
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;

    /* Release callback */
    void (*release)(struct ArrowArray *);
    /* Opaque producer-specific data */
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* ------------------------------------------------------------------------- */
/* Status codes and errors                                                   */
/* ------------------------------------------------------------------------- */

/** Result of every fallible call. TANDEM_OK or one of the error codes below. */
typedef int32_t tandem_status;

/** Success. */
#define TANDEM_OK 0
/** A caller-supplied argument is wrong (unknown name, NULL where not allowed). */
#define TANDEM_ERROR_INVALID_ARGUMENT 1
/** A configuration document is wrong (missing member, bad value). */
#define TANDEM_ERROR_INVALID_CONFIG 2
/** A row value cannot be processed (bad text, digits that would be lost). */
#define TANDEM_ERROR_INVALID_DATA 3
/** The plugin does not implement what was asked (kind, type, version). */
#define TANDEM_ERROR_UNSUPPORTED 4
/** The plugin failed for a reason of its own (allocation, internal bug). */
#define TANDEM_ERROR_INTERNAL 5

/**
 * An error reported by a plugin.
 *
 * Ownership: the host allocates the struct, zeroes it, sets `struct_size` and
 * passes a pointer to a fallible call. On failure the plugin sets `code`,
 * `message` and `release`; the message is plugin-owned UTF-8 and stays valid
 * until the host calls `release`, which the host does exactly once, from any
 * thread. `release` must free what the plugin allocated for the message and
 * set `release` to NULL. On success the plugin leaves the struct untouched.
 */
typedef struct tandem_error {
    /** sizeof(tandem_error) as the host compiled it. */
    size_t struct_size;
    /** One of the TANDEM_ERROR_* codes. */
    tandem_status code;
    /** Human-readable UTF-8 message, naming the thing and the cause; plugin-owned. */
    const char *message;
    /** Frees the message; sets `release` to NULL. Called once by the host. */
    void (*release)(struct tandem_error *error);
    /** Plugin-owned data for `release`. */
    void *private_data;
} tandem_error;

/* ------------------------------------------------------------------------- */
/* Host vtable                                                               */
/* ------------------------------------------------------------------------- */

/** Log levels for tandem_host.log. */
#define TANDEM_LOG_TRACE 0
#define TANDEM_LOG_DEBUG 1
#define TANDEM_LOG_INFO 2
#define TANDEM_LOG_WARNING 3
#define TANDEM_LOG_ERROR 4

/**
 * What the host offers a plugin. Append-only, like SQLite's host routines.
 *
 * Ownership: host-owned. Each plugin gets its own instance (so the host knows
 * who logs), passed to `init`; it stays valid until the process exits. Every
 * function may be called from any thread, concurrently.
 */
typedef struct tandem_host {
    /** sizeof(tandem_host) as the host compiled it. */
    size_t struct_size;
    /** ABI version the host implements. */
    uint32_t abi_major;
    uint32_t abi_minor;
    /** Host name and version, UTF-8, host-owned ("tandem", "0.1.0"). */
    const char *host_name;
    const char *host_version;
    /** Opaque host data; plugins pass the host pointer back, never this. */
    void *host_data;

    /**
     * Writes a UTF-8 message to the host's log, attributed to this plugin.
     * `message` is borrowed for the duration of the call. Any thread.
     */
    void (*log)(const struct tandem_host *host, int32_t level, const char *message);

    /**
     * Allocates `size` bytes aligned for any type, or returns NULL. The memory
     * belongs to the caller and is returned with `free`. Any thread.
     */
    void *(*allocate)(const struct tandem_host *host, size_t size);

    /** Frees memory from `allocate`; NULL is ignored. Any thread. */
    void (*free)(const struct tandem_host *host, void *pointer);

    /**
     * Looks up a host extension by id ("org.tandem.xxx/1"). Returns a
     * host-owned pointer to the extension's struct (valid until process exit)
     * or NULL when the host does not offer it. Any thread.
     */
    const void *(*get_extension)(const struct tandem_host *host, const char *extension_id);
} tandem_host;

/* ------------------------------------------------------------------------- */
/* Processors: one configured instance that maps record batches              */
/* ------------------------------------------------------------------------- */

/**
 * One configured instance of a transform or a batch mapper. The input schema
 * was given once, when the instance was created; the output schema is asked
 * for once; then batches flow through `process`.
 *
 * Ownership: allocated by the plugin (which sets `struct_size`), owned by the
 * host from creation until it calls `release`, exactly once.
 * Threading: all three functions are serialised per instance. Distinct
 * instances may be used concurrently from different threads.
 */
typedef struct tandem_processor {
    /** sizeof(tandem_processor) as the plugin compiled it. */
    size_t struct_size;
    /** Plugin-owned instance state. */
    void *private_data;

    /**
     * Exports the output schema (a "+s" struct schema, one child per output
     * column) into `out`, which the host allocated. Ownership of the schema
     * moves to the host, which calls its `release`. Serialised.
     */
    tandem_status (*get_output_schema)(struct tandem_processor *self, struct ArrowSchema *out,
                                       tandem_error *error);

    /**
     * Maps one record batch. `input` is a struct array matching the input
     * schema; it is borrowed: the host keeps ownership and releases it after
     * the call, so the plugin must neither release nor keep it. On success the
     * plugin moves a struct array matching the output schema into `out`
     * (host-allocated), with a non-NULL `release` that the host calls once.
     * Transforms return exactly one output row per input row. Serialised.
     */
    tandem_status (*process)(struct tandem_processor *self, const struct ArrowArray *input,
                             struct ArrowArray *out, tandem_error *error);

    /** Frees the instance. Called once by the host; the struct is gone afterwards. */
    void (*release)(struct tandem_processor *self);
} tandem_processor;

/* ------------------------------------------------------------------------- */
/* Plugin kinds                                                              */
/* ------------------------------------------------------------------------- */

/** The plugin provides table maps (and optionally DDL and batch mappers). */
#define TANDEM_KIND_TABLE_MAP 1u
/** The plugin provides named transforms. */
#define TANDEM_KIND_TRANSFORM 2u

/** Direction of a batch mapper, from the ERP ("finance and operations") side's point of view. */
#define TANDEM_DIRECTION_ERP_TO_CRM 1
#define TANDEM_DIRECTION_CRM_TO_ERP 2

/**
 * What a table-map plugin provides.
 *
 * Ownership: plugin-owned, static; valid until process exit.
 */
typedef struct tandem_map_provider {
    /** sizeof(tandem_map_provider) as the plugin compiled it. */
    size_t struct_size;

    /**
     * Returns the maps document: UTF-8 JSON, format "tandem.maps/1" (see
     * SDK/docs/plugin-abi.md). Plugin-owned; valid until process exit.
     * Required. Any thread.
     */
    const char *(*maps_json)(void);

    /**
     * Returns the DDL document, format "tandem.ddl/1": the statements that
     * create this plugin's tables on each side. Plugin-owned; valid until
     * process exit. May be NULL (function pointer) when the plugin has none.
     * Any thread.
     */
    const char *(*ddl_json)(void);

    /**
     * Creates a batch mapper for `map_id` in `direction`, for maps whose field
     * maps are not enough ("mapper": true in the maps document). `config_json`
     * is borrowed UTF-8 JSON ("{}" when empty); `input_schema` is borrowed for
     * the duration of the call (copy what you keep) and describes the source
     * rows. On success stores a new processor in `*out`.
     * May be NULL when no map uses a mapper. Any thread.
     */
    tandem_status (*create_mapper)(const char *map_id, int32_t direction, const char *config_json,
                                   const struct ArrowSchema *input_schema, tandem_processor **out,
                                   tandem_error *error);
} tandem_map_provider;

/**
 * What a transform plugin provides.
 *
 * Ownership: plugin-owned, static; valid until process exit.
 */
typedef struct tandem_transform_provider {
    /** sizeof(tandem_transform_provider) as the plugin compiled it. */
    size_t struct_size;

    /**
     * Returns the transform catalog: UTF-8 JSON, format "tandem.transforms/1",
     * naming each transform with its config, inputs, outputs and an example.
     * Plugin-owned; valid until process exit. Required. Any thread.
     */
    const char *(*transforms_json)(void);

    /**
     * Creates an instance of the transform `name` with `config_json`
     * (borrowed UTF-8 JSON, "{}" when empty) for input columns described by
     * `input_schema` (borrowed for the duration of the call: copy what you
     * keep). Unknown config members are ignored, so that the host may add
     * some (it adds "reverse": true for the CRM-to-ERP instance of a `<->`
     * field). On success stores a new processor in `*out`.
     * Fails with TANDEM_ERROR_INVALID_ARGUMENT for an unknown name and
     * TANDEM_ERROR_INVALID_CONFIG for a config or input schema it cannot
     * use. Required. Any thread.
     */
    tandem_status (*create_transform)(const char *name, const char *config_json,
                                      const struct ArrowSchema *input_schema, tandem_processor **out,
                                      tandem_error *error);
} tandem_transform_provider;

/* ------------------------------------------------------------------------- */
/* The plugin descriptor and the entry point                                 */
/* ------------------------------------------------------------------------- */

/**
 * Describes one plugin. Returned by the entry function.
 *
 * Ownership: plugin-owned, static; valid until process exit (the host never
 * unloads a plugin). All strings are UTF-8.
 */
typedef struct tandem_plugin_descriptor {
    /** sizeof(tandem_plugin_descriptor) as the plugin compiled it. */
    size_t struct_size;
    /** ABI version the plugin was built against (TANDEM_ABI_MAJOR/MINOR). */
    uint32_t abi_major;
    uint32_t abi_minor;
    /** Unique reverse-DNS id, e.g. "com.example.warehouses". Must match the manifest. */
    const char *id;
    /** Semantic version, e.g. "1.2.0". Must match the manifest. */
    const char *version;
    /** Display name and one-line description. */
    const char *name;
    const char *description;
    /** Bit set of TANDEM_KIND_* values. */
    uint32_t kinds;

    /**
     * Called once, before any other function except the provider JSON
     * getters, on one thread; the host makes its effects visible to every
     * thread that later calls into the plugin. `host` is host-owned and valid until process
     * exit (the plugin may keep it). `config_json` is borrowed UTF-8 JSON
     * ("{}" when empty). On failure the host refuses the plugin and calls no
     * other function of it. Required.
     */
    tandem_status (*init)(const tandem_host *host, const char *config_json, tandem_error *error);

    /**
     * Called once at host shutdown, after every processor and every array and
     * schema the plugin exported were released, on one thread. The library
     * stays mapped (it is never dlclose'd). May be NULL.
     */
    void (*shutdown)(void);

    /**
     * Looks up a plugin extension by id. Returns a plugin-owned pointer valid
     * until process exit, or NULL. May be NULL (function pointer). Any thread.
     */
    const void *(*get_extension)(const char *extension_id);

    /** Non-NULL exactly when `kinds` has TANDEM_KIND_TABLE_MAP. Plugin-owned, static. */
    const tandem_map_provider *map_provider;
    /** Non-NULL exactly when `kinds` has TANDEM_KIND_TRANSFORM. Plugin-owned, static. */
    const tandem_transform_provider *transform_provider;
} tandem_plugin_descriptor;

/** Type of the entry function, for dlsym. */
typedef const tandem_plugin_descriptor *(*tandem_plugin_entry_v1_fn)(uint32_t host_abi_major,
                                                                     uint32_t host_abi_minor);

/**
 * The plugin's only exported symbol. The host passes the ABI version it
 * implements (host_abi_major is always 1 for this symbol: a host of a later
 * major that still loads version 1 plugins calls it as a version 1 host); the plugin returns its descriptor, or NULL when it cannot work
 * with that host (for example, it needs a newer minor version). Called once
 * per process, before `init`, on one thread. The descriptor is plugin-owned
 * and static.
 */
TANDEM_EXPORT const tandem_plugin_descriptor *tandem_plugin_entry_v1(uint32_t host_abi_major,
                                                                     uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_PLUGIN_H */
