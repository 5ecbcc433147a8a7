#include "functions.h"

// tandem_valid_text(values...): 1 when every TEXT argument is valid UTF-8
// (no overlong form, no surrogate, nothing above U+10FFFF: what Swift, Arrow
// and PostgreSQL accept), 0 otherwise; other storage classes are not looked
// at. Initial sync's bulk copy uses it so that a row holding such text takes
// the row path and is parked there with the column and the byte, as live sync
// parks it, instead of being copied byte for byte. Plain ASCII, nearly all
// data, costs one comparison a byte.
static int valid_utf8(const unsigned char *bytes, int count) {
    int index = 0;
    while (index < count) {
        unsigned char lead = bytes[index];
        if (lead < 0x80) {
            index++;
            continue;
        }
        int length;
        unsigned char low = 0x80, high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead == 0xE0) {
            length = 3;
            low = 0xA0;
        } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
            length = 3;
        } else if (lead == 0xED) {
            length = 3;
            high = 0x9F;
        } else if (lead == 0xF0) {
            length = 4;
            low = 0x90;
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            length = 4;
        } else if (lead == 0xF4) {
            length = 4;
            high = 0x8F;
        } else {
            return 0;
        }
        if (index + length > count) return 0;
        for (int position = 1; position < length; position++) {
            unsigned char byte = bytes[index + position];
            unsigned char min = position == 1 ? low : 0x80, max = position == 1 ? high : 0xBF;
            if (byte < min || byte > max) return 0;
        }
        index += length;
    }
    return 1;
}

static void tandem_valid_text(sqlite3_context *context, int argc, sqlite3_value **argv) {
    for (int index = 0; index < argc; index++) {
        if (sqlite3_value_type(argv[index]) != SQLITE_TEXT) continue;
        const unsigned char *bytes = sqlite3_value_text(argv[index]);
        if (bytes && !valid_utf8(bytes, sqlite3_value_bytes(argv[index]))) {
            sqlite3_result_int(context, 0);
            return;
        }
    }
    sqlite3_result_int(context, 1);
}

int _tandem_register_utf8(sqlite3 *db) {
    return sqlite3_create_function_v2(
        db, "tandem_valid_text", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, 0, tandem_valid_text, 0, 0, 0);
}
