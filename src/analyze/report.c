/* Plain-text store report (the README demo's summary). Every query is
 * read-only; the store's schema is the one in src/store/store_sqlite.c. */
#include "detente/report.h"
#include "store/store_rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static int fail(dt_error *err, int code, const char *path, sqlite3 *db, const char *what)
{
    return dt_error_set(err, code, path, 0, UINT64_MAX, "%s: %s", what,
                        db ? sqlite3_errmsg(db) : "cannot open");
}

static void date_text(int32_t d, char out[11])
{
    int y = d / 10000, m = d / 100 % 100, day = d % 100;
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = '\0';
}

/* Print the span [off, off+len) of the document, given the sentence that
 * holds it (text of tlen bytes starting at document offset soff, slen
 * long by the store); "-" when out of it. Offsets into a document are
 * never negative, so off - soff cannot overflow. */
static void put_span(FILE *out, const char *label, const unsigned char *stext, int64_t tlen,
                     int64_t soff, int64_t slen, int64_t off, int64_t len)
{
    if (tlen > slen)
        tlen = slen;
    if (!stext || soff < 0 || off < soff || len <= 0 || off - soff > tlen ||
        len > tlen - (off - soff)) {
        fprintf(out, "  %s: -", label);
        return;
    }
    fprintf(out, "  %s: \"%.*s\"", label, (int)len, (const char *)stext + (off - soff));
}

/* Every events row checked as the other readers check them
 * (store/store_rows.h): DT_OK, or DT_EFORMAT naming the first bad row. */
static int check_rows(sqlite3 *db, const char *path, dt_error *err)
{
    sqlite3_stmt *st;
    const char *q = "SELECT e.id, e.date, e.source, e.target, e.code, e.root, e.quad, e.goldstein,"
                    " d.doc_id, e.sentence FROM events e"
                    " LEFT JOIN documents d ON d.id = e.document ORDER BY e.id";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return fail(err, DT_EIO, path, db, "cannot read the store");
    uint64_t nbad = 0;
    long long first = 0;
    char why[200] = "", first_why[200] = "";
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        dt__store_row r;
        const char **f[9] = {&r.date, &r.source,    &r.target, &r.code,    &r.root,
                             &r.quad, &r.goldstein, &r.doc_id, &r.sentence};
        for (int i = 0; i < 9; i++)
            *f[i] = dt__store_sqlite_text(st, i + 1, i == 5 ? 1 : i == 6 ? 2 : 0);
        if (dt__store_row_check(&r, why, sizeof why) < 0 && !nbad++) {
            first = (long long)sqlite3_column_int64(st, 0);
            snprintf(first_why, sizeof first_why, "%s", why);
        }
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return fail(err, DT_EIO, path, db, "cannot read the store");
    if (!nbad)
        return DT_OK;
    if (nbad == 1)
        return dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX, "events row %lld: %s", first,
                            first_why);
    return dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX,
                        "events row %lld: %s (and %llu more bad rows)", first, first_why,
                        (unsigned long long)(nbad - 1));
}

static int totals(sqlite3 *db, FILE *out)
{
    sqlite3_stmt *st;
    const char *q = "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sentences),"
                    " (SELECT count(*) FROM events), (SELECT min(date) FROM events),"
                    " (SELECT max(date) FROM events), (SELECT count(*) FROM runs)";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *lo = sqlite3_column_text(st, 3), *hi = sqlite3_column_text(st, 4);
        fprintf(out,
                "Store: %lld documents, %lld sentences, %lld events from %s to %s (%lld run%s)\n",
                (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
                (long long)sqlite3_column_int64(st, 2), lo ? (const char *)lo : "-",
                hi ? (const char *)hi : "-", (long long)sqlite3_column_int64(st, 5),
                sqlite3_column_int64(st, 5) == 1 ? "" : "s");
    }
    return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int top_dyads(sqlite3 *db, FILE *out, int n)
{
    sqlite3_stmt *st;
    const char *q = "SELECT source, target, count(*) AS n, sum(goldstein), "
                    " sum(quad IN (1,2)), sum(quad IN (3,4))"
                    " FROM events WHERE source <> '' AND target <> '' AND target <> '---'"
                    " GROUP BY source, target ORDER BY n DESC, source, target LIMIT ?";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int(st, 1, n);
    fprintf(out, "\nTop directed dyads (events, Goldstein sum, cooperative/conflictual):\n");
    fprintf(out, "  %-12s %-12s %6s %9s %6s %6s\n", "source", "target", "events", "goldstein",
            "coop", "confl");
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(out, "  %-12s %-12s %6lld %9.1f %6lld %6lld\n",
                (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (long long)sqlite3_column_int64(st, 2), sqlite3_column_double(st, 3),
                (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5));
    return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int quads_by_quarter(sqlite3 *db, FILE *out)
{
    sqlite3_stmt *st;
    const char *q =
        "SELECT substr(date,1,4) || '-Q' || ((CAST(substr(date,6,2) AS INTEGER) + 2) / 3) AS qtr,"
        " sum(quad = 1), sum(quad = 2), sum(quad = 3), sum(quad = 4), sum(goldstein)"
        " FROM events WHERE date IS NOT NULL AND length(date) = 10 GROUP BY qtr ORDER BY qtr";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return -1;
    fprintf(out, "\nEvents by quad class per quarter:\n");
    fprintf(out, "  %-8s %8s %8s %8s %8s %10s\n", "quarter", "verb-co", "mat-co", "verb-cf",
            "mat-cf", "goldstein");
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(out, "  %-8s %8lld %8lld %8lld %8lld %10.1f\n",
                (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
                (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
                (long long)sqlite3_column_int64(st, 4), sqlite3_column_double(st, 5));
    return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int window(sqlite3 *db, FILE *out, int32_t from, int32_t to, int max)
{
    char lo[11], hi[11];
    date_text(from, lo);
    date_text(to, hi);
    sqlite3_stmt *st;
    const char *q = "SELECT e.date, d.doc_id, e.sentence, e.source, e.target, e.code, e.goldstein,"
                    " s.text, s.off, s.len, e.source_off, e.source_len, e.verb_off, e.verb_len,"
                    " e.target_off, e.target_len, e.dict_file, e.dict_line"
                    " FROM events e JOIN documents d ON d.id = e.document"
                    " LEFT JOIN sentences s ON s.document = e.document AND s.idx = e.sentence"
                    " WHERE e.date BETWEEN ? AND ? ORDER BY e.date, d.doc_id, e.sentence, e.id"
                    " LIMIT ?";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, max);
    fprintf(out, "\nEvents from %s to %s, with their evidence:\n", lo, hi);
    int any = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        any = 1;
        const unsigned char *stext = sqlite3_column_text(st, 7);
        int64_t soff = sqlite3_column_int64(st, 8), slen = sqlite3_column_int64(st, 9);
        const unsigned char *file = sqlite3_column_text(st, 16);
        fprintf(out, "\n  %s %s#%lld  %s -> %s  %s (goldstein %.1f)\n",
                (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (long long)sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
                (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
                sqlite3_column_double(st, 6));
        if (stext)
            fprintf(out, "    \"%s\"\n", (const char *)stext);
        int64_t tlen = stext ? sqlite3_column_bytes(st, 7) : 0;
        fputs("  ", out);
        put_span(out, "source", stext, tlen, soff, slen, sqlite3_column_int64(st, 10),
                 sqlite3_column_int64(st, 11));
        put_span(out, "verb", stext, tlen, soff, slen, sqlite3_column_int64(st, 12),
                 sqlite3_column_int64(st, 13));
        put_span(out, "target", stext, tlen, soff, slen, sqlite3_column_int64(st, 14),
                 sqlite3_column_int64(st, 15));
        if (file)
            fprintf(out, "  [%s:%lld]", (const char *)file,
                    (long long)sqlite3_column_int64(st, 17));
        fputc('\n', out);
    }
    if (!any)
        fprintf(out, "  (none)\n");
    return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

int dt_report_write(const char *db_path, const dt_report_opts *opts, FILE *out, dt_error *err)
{
    dt_report_opts o = {0, 0, 0, 0};
    if (opts)
        o = *opts;
    if (o.top_dyads <= 0)
        o.top_dyads = 10;
    if (o.max_evidence <= 0)
        o.max_evidence = 40;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = fail(err, DT_EIO, db_path, db, "cannot open the store");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    int is_store = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE name IN ('events',"
                           "'documents','sentences','runs')",
                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            is_store = sqlite3_column_int(st, 0) == 4;
        sqlite3_finalize(st);
    } else {
        int rc = fail(err, DT_EIO, db_path, db, "cannot read the store");
        sqlite3_close(db);
        return rc;
    }
    if (!is_store) {
        sqlite3_close(db);
        return dt_error_set(err, DT_EFORMAT, db_path, 0, UINT64_MAX, "not a detente store");
    }
    int rc = check_rows(db, db_path, err);
    if (rc < 0) {
        sqlite3_close(db);
        return rc;
    }
    int bad = totals(db, out) || top_dyads(db, out, o.top_dyads) || quads_by_quarter(db, out);
    if (!bad && o.from && o.to)
        bad = window(db, out, o.from, o.to, o.max_evidence);
    rc = bad ? fail(err, DT_EIO, db_path, db, "query failed") : DT_OK;
    sqlite3_close(db);
    return rc;
}
