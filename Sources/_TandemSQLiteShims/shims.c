#include "_TandemSQLiteShims.h"
#include "functions.h"
#include <sqlite3.h>

int _tandem_sqlite_enable_triggers(void *connection, int enabled) {
    int now = -1;
    return sqlite3_db_config((sqlite3 *)connection, SQLITE_DBCONFIG_ENABLE_TRIGGER, enabled, &now);
}

int _tandem_sqlite_register_functions(void *connection) {
    int code = _tandem_register_rescale((sqlite3 *)connection);
    if (code != SQLITE_OK) return code;
    code = _tandem_register_utf8((sqlite3 *)connection);
    if (code != SQLITE_OK) return code;
    return _tandem_register_checks((sqlite3 *)connection);
}

/// Runs when the program loads, before any connection exists (SQLite accepts
/// `sqlite3_config` only before it initialises). With memory statistics on
/// (SQLite's default), every allocation of every connection takes one global
/// mutex to count itself; an application writing one side while the engine
/// applies to the other then waits on that mutex, not on its database.
/// Tandem reads no SQLite memory statistics and sets no soft heap limit.
__attribute__((constructor)) static void _tandem_sqlite_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
