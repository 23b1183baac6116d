/* detente analyze — events read back from the SQLite and PostgreSQL
 * stores written by `detente code` (schema: src/store/store_sqlite.c and
 * store_pg.c, docs/store.md).
 *
 * The filter becomes one SQL statement with bound parameters, ordered by
 * event id, so paging (after_id) is keyset paging on the primary key. The
 * statement is streamed: SQLite steps it, PostgreSQL sends it in
 * single-row mode, so neither side holds the result. Actor patterns are
 * translated exactly where SQL can say them (=CODE, prefixes, globs) and as
 * a superset where it cannot (:ROLE at a block boundary); every row is
 * checked again with dt_actor_match, and the limit is applied after that
 * check. One-a-day (dedup) is done over this stream by evset.c. */
#include "evset_internal.h"

#include "detente/reader.h"
#include "detente/store.h"
#include "store/store_rows.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SQL text ------------------------------------------------------- */

enum { D_SQLITE, D_PG };

typedef struct param {
    int is_int;
    int64_t i;
    char s[128];
} param;

typedef struct qbuf {
    char *p;
    size_t n, cap;
    int oom;
    int dialect;
    param *par;
    size_t npar, parcap;
} qbuf;

static void put(qbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *np = dt_realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n + 1);
    b->n += n;
}

/* Append a placeholder for a new parameter, with the PostgreSQL cast. */
static void put_param(qbuf *b, int is_int, int64_t i, const char *s, const char *pgcast)
{
    if (b->oom)
        return;
    if (b->npar == b->parcap) {
        size_t nc = b->parcap ? b->parcap * 2 : 16;
        param *np = dt_realloc(b->par, nc * sizeof *np);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->par = np;
        b->parcap = nc;
    }
    param *p = &b->par[b->npar++];
    p->is_int = is_int;
    p->i = i;
    if (is_int)
        snprintf(p->s, sizeof p->s, "%lld", (long long)i);
    else
        snprintf(p->s, sizeof p->s, "%s", s);
    char ph[32];
    if (b->dialect == D_PG)
        snprintf(ph, sizeof ph, "$%zu%s", b->npar, pgcast ? pgcast : "");
    else
        snprintf(ph, sizeof ph, "?%zu", b->npar);
    put(b, ph);
}

static void put_date(qbuf *b, int32_t d)
{
    char s[11];
    dt_date_format(d, s);
    put_param(b, 0, 0, s, "::date");
}

/* col matches pattern pat: exact where SQL can say it, else a superset. */
static void put_pattern(qbuf *b, const char *col, const char *pat)
{
    char buf[128];
    size_t n = strlen(pat);
    put(b, col);
    if (pat[0] == '=') {
        put(b, " = ");
        put_param(b, 0, 0, pat + 1, NULL);
        return;
    }
    if (pat[0] == ':') {
        put(b, b->dialect == D_PG ? " LIKE " : " GLOB ");
        snprintf(buf, sizeof buf, b->dialect == D_PG ? "%%%s%%" : "*%s*", pat + 1);
        put_param(b, 0, 0, buf, NULL);
        return;
    }
    int glob = strpbrk(pat, "*?") != NULL;
    if (!glob && n % 3 != 0) {
        put(b, " = ");
        put_param(b, 0, 0, pat, NULL);
        return;
    }
    size_t k = 0;
    for (const char *c = pat; *c && k + 2 < sizeof buf; c++) {
        char ch = *c;
        if (b->dialect == D_PG)
            ch = ch == '*' ? '%' : ch == '?' ? '_' : ch;
        buf[k++] = ch;
    }
    if (!glob)
        buf[k++] = b->dialect == D_PG ? '%' : '*';
    buf[k] = '\0';
    put(b, b->dialect == D_PG ? " LIKE " : " GLOB ");
    put_param(b, 0, 0, buf, NULL);
}

static void put_any(qbuf *b, const char *col, const char *const *pats, size_t n)
{
    put(b, "(");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(b, " OR ");
        put_pattern(b, col, pats[i]);
    }
    put(b, ")");
}

static void put_where(qbuf *b, const dt_evfilter *f)
{
    put(b, " WHERE 1=1");
    if (!f)
        return;
    if (f->after_id) {
        put(b, " AND e.id > ");
        put_param(b, 1, f->after_id, NULL, "::bigint");
    }
    if (f->from) {
        put(b, " AND e.date >= ");
        put_date(b, f->from);
    }
    if (f->to) {
        put(b, " AND e.date <= ");
        put_date(b, f->to);
    }
    if (f->quad) {
        put(b, " AND e.quad = ");
        put_param(b, 1, f->quad, NULL, "::smallint");
    }
    if (f->ncodes) {
        put(b, " AND (");
        for (size_t i = 0; i < f->ncodes; i++) {
            char pre[48];
            if (i)
                put(b, " OR ");
            snprintf(pre, sizeof pre, "substr(e.code, 1, %zu) = ", strlen(f->codes[i]));
            put(b, pre);
            put_param(b, 0, 0, f->codes[i], NULL);
        }
        put(b, ")");
    }
    if (f->nsources || f->ntargets) {
        put(b, " AND ((");
        if (f->nsources)
            put_any(b, "e.source", f->sources, f->nsources);
        else
            put(b, "1=1");
        put(b, " AND ");
        if (f->ntargets)
            put_any(b, "e.target", f->targets, f->ntargets);
        else
            put(b, "1=1");
        put(b, ")");
        if (f->undirected) {
            put(b, " OR (");
            if (f->nsources)
                put_any(b, "e.target", f->sources, f->nsources);
            else
                put(b, "1=1");
            put(b, " AND ");
            if (f->ntargets)
                put_any(b, "e.source", f->targets, f->ntargets);
            else
                put(b, "1=1");
            put(b, ")");
        }
        put(b, ")");
    }
    if (f->nactors) {
        put(b, " AND (");
        put_any(b, "e.source", f->actors, f->nactors);
        put(b, " OR ");
        put_any(b, "e.target", f->actors, f->nactors);
        put(b, ")");
    }
    if (f->text && *f->text) {
        put(b, b->dialect == D_PG ? " AND strpos(lower(s.text), lower("
                                  : " AND instr(lower(s.text), lower(");
        put_param(b, 0, 0, f->text, NULL);
        put(b, ")) > 0");
    }
}

/* Column order of every query (see row_to_rec). */
enum {
    C_ID,
    C_DATE,
    C_SRC,
    C_TGT,
    C_CODE,
    C_ROOT,
    C_QUAD,
    C_GOLD,
    C_DOC,
    C_SENT,
    C_N,
    C_TEXT,
    C_SOFF,
    C_SO,
    C_SL,
    C_VO,
    C_VL,
    C_TO,
    C_TL,
    C_PAT,
    C_DFILE,
    C_DLINE
};

static int build_query(qbuf *b, const dt_evfilter *f)
{
    int ev = f && f->evidence;
    int text = f && f->text && *f->text;
    const char *date = b->dialect == D_PG ? "to_char(e.date, 'YYYY-MM-DD')" : "e.date";
    put(b, "SELECT e.id, ");
    put(b, date);
    put(b, ", e.source, e.target, e.code, e.root, e.quad, e.goldstein, d.doc_id, e.sentence, ");
    put(b, "1");
    if (ev)
        put(b, ", s.text, s.off, e.source_off, e.source_len, e.verb_off, e.verb_len, "
               "e.target_off, e.target_len, e.pattern, e.dict_file, e.dict_line");
    put(b, " FROM events e LEFT JOIN documents d ON d.id = e.document");
    if (ev || text)
        put(b, " LEFT JOIN sentences s ON s.document = e.document AND s.idx = e.sentence");
    put_where(b, f);
    put(b, " ORDER BY e.id");
    return b->oom ? DT_ENOMEM : DT_OK;
}

static void qbuf_free(qbuf *b)
{
    dt_free(b->p);
    dt_free(b->par);
}

/* ---- rows ----------------------------------------------------------- */

typedef struct rowsrc {
    const char *(*text)(void *self, int col); /* NULL for SQL NULL */
    void *self;
} rowsrc;

static int64_t to_i64(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The row as a record; -1 with why when it breaks what the readers
 * assume of a row (store/store_rows.h). */
static int row_to_rec(const rowsrc *rs, int evidence, dt_evrec *r, char *why, size_t cap)
{
    dt__store_row chk = {
        rs->text(rs->self, C_DATE), rs->text(rs->self, C_SRC),  rs->text(rs->self, C_TGT),
        rs->text(rs->self, C_CODE), rs->text(rs->self, C_ROOT), rs->text(rs->self, C_QUAD),
        rs->text(rs->self, C_GOLD), rs->text(rs->self, C_DOC),  rs->text(rs->self, C_SENT)};
    memset(r, 0, sizeof *r);
    r->id = to_i64(rs->text(rs->self, C_ID));
    if (dt__store_row_check(&chk, why, cap) < 0)
        return -1;
    if (evidence && !rs->text(rs->self, C_SOFF)) {
        snprintf(why, cap, "its sentence %.40s is not in the sentences table", chk.sentence);
        return -1;
    }
    const char *d = rs->text(rs->self, C_DATE);
    if (d && dt_date_parse(d, strlen(d), &r->date) < 0)
        r->date = 0;
    r->source = nz(rs->text(rs->self, C_SRC));
    r->target = nz(rs->text(rs->self, C_TGT));
    r->code = nz(rs->text(rs->self, C_CODE));
    const char *root = rs->text(rs->self, C_ROOT);
    const char *quad = rs->text(rs->self, C_QUAD);
    const char *gold = rs->text(rs->self, C_GOLD);
    r->root = (int)to_i64(root);
    r->quad = (int)to_i64(quad);
    r->goldstein = gold ? strtod(gold, NULL) : 0.0;
    dt__evrec_fill_from_code(r, root != NULL, quad != NULL, gold != NULL);
    r->doc_id = nz(rs->text(rs->self, C_DOC));
    r->sentence = to_i64(rs->text(rs->self, C_SENT));
    int64_t n = to_i64(rs->text(rs->self, C_N));
    r->count = n > 0 && n <= UINT32_MAX ? (uint32_t)n : 1;
    r->text = r->pattern = r->dict_file = "";
    if (!evidence)
        return 0;
    r->text = nz(rs->text(rs->self, C_TEXT));
    int64_t base = to_i64(rs->text(rs->self, C_SOFF));
    int64_t tlen = (int64_t)strlen(r->text);
    dt_span *sp[3] = {&r->source_span, &r->verb_span, &r->target_span};
    /* A span is kept only when it lies inside the sentence's text. Offsets
     * into a document are never negative, so off - base cannot overflow. */
    for (int i = 0; i < 3; i++) {
        const char *o = rs->text(rs->self, C_SO + 2 * i);
        const char *l = rs->text(rs->self, C_SL + 2 * i);
        int64_t oi = to_i64(o), len = to_i64(l);
        if (!o || !l || oi < 0 || base < 0)
            continue;
        int64_t off = oi - base;
        if (off >= 0 && len > 0 && off <= tlen && len <= tlen - off)
            *sp[i] = (dt_span){(uint32_t)off, (uint32_t)len};
    }
    r->pattern = nz(rs->text(rs->self, C_PAT));
    r->dict_file = nz(rs->text(rs->self, C_DFILE));
    int64_t dl = to_i64(rs->text(rs->self, C_DLINE));
    r->dict_line = dl > 0 && dl <= UINT32_MAX ? (uint32_t)dl : 0;
    return 0;
}

/* Bad rows are skipped and counted; the first is reported after every
 * good row has been delivered, as the JSONL reader does with bad lines. */
typedef struct badrows {
    uint64_t n;
    dt_error first;
} badrows;

static void note_bad(badrows *b, const char *name, int64_t id, const char *why)
{
    if (!b->n++)
        dt_error_set(&b->first, DT_EFORMAT, name, 0, UINT64_MAX, "events row %lld: %s",
                     (long long)id, why);
}

static int bad_result(const badrows *b, int rc, dt_error *err)
{
    if (rc != DT_OK || !b->n)
        return rc;
    if (err) {
        *err = b->first;
        if (b->n > 1) {
            size_t l = strlen(err->msg);
            snprintf(err->msg + l, sizeof err->msg - l, " (and %llu more bad rows)",
                     (unsigned long long)(b->n - 1));
        }
    }
    return DT_EFORMAT;
}

/* ---- SQLite --------------------------------------------------------- */

static const char *sq_text(void *self, int col)
{
    return (const char *)sqlite3_column_text(self, col);
}

int dt__evsource_sqlite(const char *path, const char *name, const dt_evfilter *f, dt_evrec_fn fn,
                        void *ctx, dt_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    qbuf q = {0};
    q.dialect = D_SQLITE;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "cannot open the store: %s",
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        rc = dt_error_set(err, DT_EFORMAT, name, 0, UINT64_MAX, "not a SQLite database: %s",
                          sqlite3_errmsg(db));
        goto done;
    }
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (v == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, 0, UINT64_MAX,
                          "not a detente store (no schema version; was it written by "
                          "'detente code --output sqlite:...'?)");
        goto done;
    }
    if (v > DT_STORE_SCHEMA_VERSION) {
        rc = dt_error_set(err, DT_EUNSUPPORTED, name, 0, UINT64_MAX,
                          "schema version %d is newer than this program knows (%d)", v,
                          DT_STORE_SCHEMA_VERSION);
        goto done;
    }
    if (build_query(&q, f) < 0) {
        rc = dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "out of memory");
        goto done;
    }
    rc = sqlite3_prepare_v2(db, q.p, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rc = dt_error_set(err, DT_EFORMAT, name, 0, UINT64_MAX, "cannot query the store: %s",
                          sqlite3_errmsg(db));
        goto done;
    }
    for (size_t i = 0; i < q.npar; i++) {
        if (q.par[i].is_int)
            sqlite3_bind_int64(st, (int)i + 1, q.par[i].i);
        else
            sqlite3_bind_text(st, (int)i + 1, q.par[i].s, -1, SQLITE_STATIC);
    }
    rowsrc rs = {sq_text, st};
    size_t delivered = 0;
    badrows bad = {0};
    rc = DT_OK;
    for (;;) {
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE)
            break;
        if (s != SQLITE_ROW) {
            rc = dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "reading the store: %s",
                              sqlite3_errmsg(db));
            break;
        }
        dt_evrec r;
        char why[200];
        if (row_to_rec(&rs, f && f->evidence, &r, why, sizeof why) < 0) {
            note_bad(&bad, name, r.id, why);
            continue;
        }
        if (!dt__evfilter_match(f, &r, 0))
            continue;
        int cr = fn(ctx, &r);
        if (cr) {
            rc = cr;
            break;
        }
        if (f && f->limit && ++delivered >= f->limit)
            break;
    }
    rc = bad_result(&bad, rc, err);
done:
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    qbuf_free(&q);
    return rc;
}

/* ---- PostgreSQL ----------------------------------------------------- */

/* The URI as it may be shown: the password replaced by "***". */
static void redact(const char *uri, char *out, size_t cap)
{
    snprintf(out, cap, "%s", uri);
    char *scheme = strstr(out, "://");
    if (!scheme)
        return;
    char *auth = scheme + 3;
    char *at = strchr(auth, '@');
    char *colon = strchr(auth, ':');
    if (at && colon && colon < at) {
        size_t tail = strlen(at);
        if ((size_t)(colon + 1 - out) + 3 + tail + 1 <= cap) {
            memmove(colon + 4, at, tail + 1);
            memcpy(colon + 1, "***", 3);
        }
    }
}

static const char *pg_text(void *self, int col)
{
    PGresult *r = self;
    return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

static char *trim_nl(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
    return s;
}

int dt__evsource_pg(const char *conninfo, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                    dt_error *err)
{
    char name[256];
    redact(conninfo, name, sizeof name);
    qbuf q = {0};
    q.dialect = D_PG;
    const char **vals = NULL;
    int rc = DT_OK;
    PGconn *c = PQconnectdb(conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char m[400];
        snprintf(m, sizeof m, "%s", c ? PQerrorMessage(c) : "out of memory");
        rc = dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "cannot connect: %s", trim_nl(m));
        goto done;
    }
    PGresult *r = PQexec(c, "SELECT value FROM detente_meta WHERE key = 'schema_version'");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        rc = dt_error_set(err, DT_EFORMAT, name, 0, UINT64_MAX,
                          "not a detente store (no detente_meta schema version)");
        goto done;
    }
    long v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (v <= 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, 0, UINT64_MAX,
                          "not a detente store (empty schema)");
        goto done;
    }
    if (v > DT_STORE_SCHEMA_VERSION) {
        rc = dt_error_set(err, DT_EUNSUPPORTED, name, 0, UINT64_MAX,
                          "schema version %ld is newer than this program knows (%d)", v,
                          DT_STORE_SCHEMA_VERSION);
        goto done;
    }
    if (build_query(&q, f) < 0 || !(vals = dt_calloc(q.npar + 1, sizeof *vals))) {
        rc = dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < q.npar; i++)
        vals[i] = q.par[i].s;
    if (!PQsendQueryParams(c, q.p, (int)q.npar, NULL, vals, NULL, NULL, 0) ||
        !PQsetSingleRowMode(c)) {
        char m[400];
        snprintf(m, sizeof m, "%s", PQerrorMessage(c));
        rc = dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "query: %s", trim_nl(m));
        goto done;
    }
    size_t delivered = 0;
    int stopped = 0;
    badrows bad = {0};
    while ((r = PQgetResult(c)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE && !stopped && rc == DT_OK) {
            rowsrc rs = {pg_text, r};
            dt_evrec e;
            char why[200];
            if (row_to_rec(&rs, f && f->evidence, &e, why, sizeof why) < 0)
                note_bad(&bad, name, e.id, why);
            else if (dt__evfilter_match(f, &e, 0)) {
                int cr = fn(ctx, &e);
                if (cr) {
                    rc = cr;
                    stopped = 1;
                } else if (f && f->limit && ++delivered >= f->limit) {
                    stopped = 1;
                }
            }
        } else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && rc == DT_OK) {
            char m[400];
            snprintf(m, sizeof m, "%s", PQresultErrorMessage(r));
            rc = dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "query: %s", trim_nl(m));
        }
        PQclear(r);
        if (stopped) {
            /* Closing the connection abandons the rest of the result
             * faster than reading it. */
            break;
        }
    }
    rc = bad_result(&bad, rc, err);
done:
    PQfinish(c);
    dt_free(vals);
    qbuf_free(&q);
    return rc;
}
