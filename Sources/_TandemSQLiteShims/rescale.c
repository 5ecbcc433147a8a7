#include "functions.h"

// tandem_rescale(text, scale): what the currency-precision transform writes
// for the decimal text (TandemArrow's ExactDecimal parse, rescale to `scale`
// places with at most 38 significant digits, and description), or NULL when
// that transform would refuse the value. Written in C because initial sync's
// bulk path calls it for every row: through GRDB's Swift function wrapper it
// cost more than the copy itself (measured with `tandem bench initial --table
// customers`). `swift test --filter bundledTransformsOnBothPaths` checks it
// against the plugin on edge values.
static void tandem_rescale(sqlite3_context *context, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        sqlite3_result_null(context);
        return;
    }
    const unsigned char *text = sqlite3_value_text(argv[0]);
    int length = sqlite3_value_bytes(argv[0]);
    int scale = sqlite3_value_int(argv[1]);
    if (text == 0 || scale < 0 || scale > 38) {
        sqlite3_result_null(context);
        return;
    }
    int i = 0;
    int negative = 0;
    if (i < length && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        i++;
    }
    // The unscaled integer's digits, leading zeros left out (as ExactDecimal counts them).
    char digits[80];
    int count = 0;
    int fraction = 0;
    int point = 0;
    int digit = 0;
    for (; i < length; i++) {
        unsigned char c = text[i];
        if (c == '.') {
            if (point) goto refuse;
            point = 1;
            continue;
        }
        if (c < '0' || c > '9') goto refuse;
        digit = 1;
        if (count > 0 || c != '0') {
            if (count >= 38) goto refuse;
            digits[count++] = (char)c;
        }
        if (point) fraction++;
    }
    if (!digit || fraction > 38) goto refuse;
    if (scale > fraction) {
        if (count > 0) {
            if (count + (scale - fraction) > 38) goto refuse;
            for (int k = fraction; k < scale; k++) digits[count++] = '0';
        }
    } else if (scale < fraction) {
        // Digits beyond `scale` may only be zeros: dropping others would be a rounding.
        for (int k = 0; k < fraction - scale; k++) {
            if (count == 0) break;
            if (digits[count - 1] != '0') goto refuse;
            count--;
        }
    }
    char out[96];
    int n = 0;
    if (negative && count > 0) out[n++] = '-';
    if (count <= scale) {
        out[n++] = '0';
        if (scale > 0) {
            out[n++] = '.';
            for (int k = count; k < scale; k++) out[n++] = '0';
            for (int k = 0; k < count; k++) out[n++] = digits[k];
        }
    } else {
        for (int k = 0; k < count - scale; k++) out[n++] = digits[k];
        if (scale > 0) {
            out[n++] = '.';
            for (int k = count - scale; k < count; k++) out[n++] = digits[k];
        }
    }
    sqlite3_result_text(context, out, n, SQLITE_TRANSIENT);
    return;
refuse:
    sqlite3_result_null(context);
}

int _tandem_register_rescale(sqlite3 *db) {
    return sqlite3_create_function_v2(db, "tandem_rescale", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0, tandem_rescale, 0, 0, 0);
}
