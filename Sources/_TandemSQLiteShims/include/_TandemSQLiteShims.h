// SQLite calls that Swift cannot make itself: sqlite3_db_config is variadic,
// and Swift imports no C variadic function.

#ifndef TANDEM_SQLITE_SHIMS_H
#define TANDEM_SQLITE_SHIMS_H

/// Turns the triggers of the main and attached schemas of `connection` (a
/// `sqlite3 *`) off (`enabled` 0) or on (`enabled` 1) through
/// `SQLITE_DBCONFIG_ENABLE_TRIGGER`. Only that connection is affected; SQLite
/// expires its prepared statements, which are prepared again on their next
/// use. Returns SQLite's result code. Threading: like any call on the
/// connection, from the thread that uses it, with no statement running.
int _tandem_sqlite_enable_triggers(void *connection, int enabled);

/// Registers initial sync's SQL functions on `connection` (a `sqlite3 *`):
/// `tandem_rescale(text, scale)`, the decimal text at `scale` places exactly
/// as the bundled currency-precision transform writes it, or NULL where it
/// refuses the value; `tandem_refuse(value)`, NULL for NULL and otherwise
/// an SQLITE_CONSTRAINT error that fails the statement; and the lookup cache
/// `tandem_known(slot, values...)`, `tandem_learn(slot, values...)` and
/// `tandem_forget()` (see checks.c); `tandem_valid_text(values...)`, 1 when
/// every TEXT argument is valid UTF-8 (utf8.c).
/// Returns SQLite's result code. Threading: as for any call on the connection.
int _tandem_sqlite_register_functions(void *connection);

#endif
