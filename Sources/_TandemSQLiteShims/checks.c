#include "functions.h"
#include <stdlib.h>
#include <string.h>

// tandem_refuse(value): NULL when `value` is NULL; otherwise the statement
// fails with SQLITE_CONSTRAINT. Initial sync's strict copy uses it where a
// row needs the row path (a lookup's parent missing, a value a bundled
// transform cannot map), so that each check runs once per row inside the
// copy: a chunk with such a row fails as a whole (its savepoint undoes it)
// and is copied again the checked way.
static void tandem_refuse(sqlite3_context *context, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_error(context, "tandem_refuse: a row of the chunk needs the checked path", -1);
    sqlite3_result_error_code(context, SQLITE_CONSTRAINT);
}

// The lookup cache: initial sync's strict copy probes each row's parents
// (customer group, currency, company, ...) in SQL, a B-tree search per lookup
// per row, and that was most of what the copy cost beyond a raw copy. The
// parents' values repeat from row to row, so each lookup keeps the last values
// whose parent it found, and a row with one of them skips the probe:
//
//   CASE WHEN x IS NULL THEN 0 WHEN tandem_known(k, x, ...) THEN 0
//        WHEN <probe says missing> THEN 1 ELSE tandem_learn(k, x, ...) END
//
// A value is learnt only after a probe found its parent, and the cache is
// emptied (tandem_forget()) before each statement, so it only ever answers
// what a probe in the same statement answered: within one statement no
// parent goes away (the statement inserts into the map's own table only).
// Values are compared by storage class and bytes, as the probe saw them.

enum { SLOTS = 64, ENTRIES = 32, KEY_BYTES = 256 };

typedef struct {
    int count;
    int length[ENTRIES];
    unsigned char *key[ENTRIES];
} Slot;

typedef struct {
    Slot slots[SLOTS];
} LookupCache;

static void forget_all(LookupCache *cache) {
    for (int s = 0; s < SLOTS; s++) {
        for (int e = 0; e < cache->slots[s].count; e++) free(cache->slots[s].key[e]);
        cache->slots[s].count = 0;
    }
}

static void destroy(void *pointer) {
    forget_all((LookupCache *)pointer);
    free(pointer);
}

// The values argv[1...] as one key (storage class, length, bytes each);
// returns its length, or -1 when it does not fit.
static int encode(int argc, sqlite3_value **argv, unsigned char *out) {
    int n = 0;
    for (int i = 1; i < argc; i++) {
        int type = sqlite3_value_type(argv[i]);
        const void *bytes = 0;
        int length = 0;
        sqlite3_int64 integer;
        double real;
        switch (type) {
        case SQLITE_INTEGER:
            integer = sqlite3_value_int64(argv[i]);
            bytes = &integer;
            length = sizeof integer;
            break;
        case SQLITE_FLOAT:
            real = sqlite3_value_double(argv[i]);
            bytes = &real;
            length = sizeof real;
            break;
        case SQLITE_TEXT:
            bytes = sqlite3_value_text(argv[i]);
            length = sqlite3_value_bytes(argv[i]);
            break;
        case SQLITE_BLOB:
            bytes = sqlite3_value_blob(argv[i]);
            length = sqlite3_value_bytes(argv[i]);
            break;
        default:
            break;
        }
        if (n + 1 + (int)sizeof length + length > KEY_BYTES) return -1;
        out[n++] = (unsigned char)type;
        memcpy(out + n, &length, sizeof length);
        n += sizeof length;
        if (length > 0) memcpy(out + n, bytes, (size_t)length);
        n += length;
    }
    return n;
}

static Slot *slot_of(sqlite3_context *context, sqlite3_value *number) {
    int s = sqlite3_value_int(number);
    if (s < 0 || s >= SLOTS) return 0;
    return &((LookupCache *)sqlite3_user_data(context))->slots[s];
}

// tandem_known(slot, values...): 1 when the values were learnt in this slot.
static void tandem_known(sqlite3_context *context, int argc, sqlite3_value **argv) {
    Slot *slot = slot_of(context, argv[0]);
    unsigned char key[KEY_BYTES];
    int length = slot && slot->count > 0 ? encode(argc, argv, key) : -1;
    if (length >= 0) {
        for (int e = 0; e < slot->count; e++) {
            if (slot->length[e] == length && memcmp(slot->key[e], key, (size_t)length) == 0) {
                sqlite3_result_int(context, 1);
                return;
            }
        }
    }
    sqlite3_result_int(context, 0);
}

// tandem_learn(slot, values...): remembers the values (while the slot has
// room); 0, which the CASE above turns into "parent present".
static void tandem_learn(sqlite3_context *context, int argc, sqlite3_value **argv) {
    Slot *slot = slot_of(context, argv[0]);
    unsigned char key[KEY_BYTES];
    int length = slot && slot->count < ENTRIES ? encode(argc, argv, key) : -1;
    if (length >= 0) {
        unsigned char *copy = malloc(length > 0 ? (size_t)length : 1);
        if (copy) {
            memcpy(copy, key, (size_t)length);
            slot->key[slot->count] = copy;
            slot->length[slot->count] = length;
            slot->count++;
        }
    }
    sqlite3_result_int(context, 0);
}

// tandem_forget(): empties every slot; 0.
static void tandem_forget(sqlite3_context *context, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    forget_all((LookupCache *)sqlite3_user_data(context));
    sqlite3_result_int(context, 0);
}

int _tandem_register_checks(sqlite3 *db) {
    int code = sqlite3_create_function_v2(db, "tandem_refuse", 1, SQLITE_UTF8, 0, tandem_refuse, 0, 0, 0);
    if (code != SQLITE_OK) return code;
    LookupCache *cache = calloc(1, sizeof *cache);
    if (!cache) return SQLITE_NOMEM;
    // The cache lives as long as the functions: tandem_forget owns it (its destructor frees it).
    code = sqlite3_create_function_v2(db, "tandem_forget", 0, SQLITE_UTF8, cache, tandem_forget, 0, 0, destroy);
    if (code != SQLITE_OK) return code;
    code = sqlite3_create_function_v2(db, "tandem_known", -1, SQLITE_UTF8, cache, tandem_known, 0, 0, 0);
    if (code != SQLITE_OK) return code;
    return sqlite3_create_function_v2(db, "tandem_learn", -1, SQLITE_UTF8, cache, tandem_learn, 0, 0, 0);
}
