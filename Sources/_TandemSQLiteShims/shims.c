#include "_TandemSQLiteShims.h"
#include <sqlite3.h>

int _tandem_sqlite_enable_triggers(void *connection, int enabled) {
    int now = -1;
    return sqlite3_db_config((sqlite3 *)connection, SQLITE_DBCONFIG_ENABLE_TRIGGER, enabled, &now);
}
