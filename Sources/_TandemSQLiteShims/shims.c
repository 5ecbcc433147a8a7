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
    return _tandem_register_checks((sqlite3 *)connection);
}
