// Registration of initial sync's SQL functions, one per C file; shims.c
// registers them all (_tandem_sqlite_register_functions).
#ifndef TANDEM_FUNCTIONS_H
#define TANDEM_FUNCTIONS_H
#include <sqlite3.h>

/// tandem_rescale (rescale.c).
int _tandem_register_rescale(sqlite3 *db);
/// tandem_refuse, tandem_known, tandem_learn, tandem_forget (checks.c).
int _tandem_register_checks(sqlite3 *db);
/// tandem_valid_text (utf8.c).
int _tandem_register_utf8(sqlite3 *db);

#endif
