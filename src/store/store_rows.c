/* detente — the checks of an events row read back from a store (see
 * store_rows.h). What `detente code` writes always passes: a date that is
 * NULL or YYYY-MM-DD, actor and event codes of printable ASCII, a root of
 * 1..20, a quad class of 1..4 and a finite Goldstein score in -10..10 (or
 * NULL: the readers take them from the code), a document that exists and
 * a sentence index of 0 or more. */
#include "store/store_rows.h"

#include "detente/reader.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* s is a whole decimal integer in [lo, hi]. */
static int int_in(const char *s, long long lo, long long hi)
{
    if (!*s)
        return 0;
    const char *p = *s == '-' ? s + 1 : s;
    if (!*p || strlen(p) > 18)
        return 0;
    for (const char *c = p; *c; c++)
        if (*c < '0' || *c > '9')
            return 0;
    long long v = strtoll(s, NULL, 10);
    return v >= lo && v <= hi;
}

/* Printable ASCII, no blank, 1 (or 0 when may_be_empty) to max bytes. */
static int code_ok(const char *s, size_t max, int may_be_empty)
{
    size_t n = strlen(s);
    if ((!n && !may_be_empty) || n > max)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

int dt__store_row_check(const dt__store_row *r, char *why, size_t cap)
{
    if (!r->doc_id) {
        snprintf(why, cap, "its document is not in the documents table");
        return -1;
    }
    if (r->date) {
        size_t n = strlen(r->date);
        if (n != 10 || r->date[4] != '-' || r->date[7] != '-' ||
            dt_date_parse(r->date, n, NULL) < 0) {
            snprintf(why, cap, "bad date \"%.40s\" (want YYYY-MM-DD or NULL)", r->date);
            return -1;
        }
    }
    if (!r->source || !code_ok(r->source, DT__STORE_MAX_ACTOR, 0)) {
        snprintf(why, cap, "bad source \"%.40s\" (want 1 to %d printable ASCII characters)",
                 r->source ? r->source : "", DT__STORE_MAX_ACTOR);
        return -1;
    }
    if (!r->target || !code_ok(r->target, DT__STORE_MAX_ACTOR, 1)) {
        snprintf(why, cap, "bad target \"%.40s\" (want up to %d printable ASCII characters)",
                 r->target ? r->target : "", DT__STORE_MAX_ACTOR);
        return -1;
    }
    if (!r->code || !code_ok(r->code, DT__STORE_MAX_CODE, 0)) {
        snprintf(why, cap, "bad code \"%.40s\" (want 1 to %d printable ASCII characters)",
                 r->code ? r->code : "", DT__STORE_MAX_CODE);
        return -1;
    }
    if (r->root && !int_in(r->root, 1, 20)) {
        snprintf(why, cap, "bad root \"%.40s\" (want 1 to 20 or NULL)", r->root);
        return -1;
    }
    if (r->quad && !int_in(r->quad, 1, 4)) {
        snprintf(why, cap, "bad quad \"%.40s\" (want 1 to 4 or NULL)", r->quad);
        return -1;
    }
    if (r->goldstein) {
        char *end;
        errno = 0;
        double g = strtod(r->goldstein, &end);
        if (end == r->goldstein || *end || !isfinite(g) || g < -10.0 || g > 10.0) {
            snprintf(why, cap, "bad goldstein \"%.40s\" (want a number from -10 to 10 or NULL)",
                     r->goldstein);
            return -1;
        }
    }
    if (!r->sentence || !int_in(r->sentence, 0, INT64_MAX / 2)) {
        snprintf(why, cap, "bad sentence \"%.40s\" (want 0 or more)",
                 r->sentence ? r->sentence : "");
        return -1;
    }
    return 0;
}

const char *dt__store_sqlite_text(sqlite3_stmt *st, int col, int kind)
{
    int t = sqlite3_column_type(st, col);
    if (kind == 1 && t == SQLITE_INTEGER) {
        sqlite3_int64 q = sqlite3_column_int64(st, col);
        if (q >= 1 && q <= 4)
            return "1";
    }
    if (kind == 2 && (t == SQLITE_INTEGER || t == SQLITE_FLOAT)) {
        double g = sqlite3_column_double(st, col);
        if (isfinite(g) && g >= -10.0 && g <= 10.0)
            return "0";
    }
    return (const char *)sqlite3_column_text(st, col);
}
