/* detente — server: queries on a SQLite store.
 *
 * Each worker takes a connection from a small pool instead of opening the
 * store per request (opening parses the schema: ~100 us). Connections are
 * read-only (SQLITE_OPEN_READONLY and PRAGMA query_only), so no request can
 * change the store whatever its parameters. Statements are built from
 * fixed SQL fragments chosen by which filters are present (never from
 * request text: values are always bound), and kept prepared per connection
 * by that choice. Actor patterns are evaluated by dt_actor_match (evset.h)
 * registered as an SQL function, so the API matches exactly as the CLI
 * does. */
#include "server_sql.h"

#include "detente/evset.h"
#include "store/store_rows.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTMT 512 /* one prepared statement per filter combination */

typedef struct conn {
    sqlite3 *db;
    dt__deadline dl; /* of the request holding the connection */
    sqlite3_stmt *ev[NSTMT];
    sqlite3_stmt *misc[8]; /* [0] health, [1..4] the actor/dyad scans */
} conn;

struct dt__sqlpool {
    char *path;
    pthread_mutex_t mu;
    conn **free;
    size_t nfree, cap;
};

/* dt_amatch(list, code): does code match any pattern of the
 * comma-separated list? The list was checked by the API layer. */
static void fn_amatch(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *code = (const char *)sqlite3_value_text(argv[1]);
    if (!list || !code) {
        sqlite3_result_int(cx, 0);
        return;
    }
    char pat[DT__API_MAX_PATTERN + 1];
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n > 0 && n <= DT__API_MAX_PATTERN) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            if (dt_actor_match(pat, code)) {
                sqlite3_result_int(cx, 1);
                return;
            }
        }
        if (!c)
            break;
        p = c + 1;
    }
    sqlite3_result_int(cx, 0);
}

/* dt_cprefix(list, code): is any comma-separated entry a prefix of code? */
static void fn_cprefix(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *code = (const char *)sqlite3_value_text(argv[1]);
    int hit = 0;
    if (list && code) {
        size_t cn = strlen(code);
        for (const char *p = list; *p && !hit;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            hit = n > 0 && n <= cn && !memcmp(p, code, n);
            if (!c)
                break;
            p = c + 1;
        }
    }
    sqlite3_result_int(cx, hit);
}

int dt__sqlpool_new(dt__sqlpool **out, const char *path)
{
    dt__sqlpool *p = dt_calloc(1, sizeof *p);
    if (!p)
        return DT_ENOMEM;
    size_t n = strlen(path);
    p->path = dt_malloc(n + 1);
    if (!p->path || pthread_mutex_init(&p->mu, NULL) != 0) {
        dt_free(p->path);
        dt_free(p);
        return DT_ENOMEM;
    }
    memcpy(p->path, path, n + 1);
    *out = p;
    return DT_OK;
}

static void conn_close(conn *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NSTMT; i++)
        sqlite3_finalize(c->ev[i]);
    for (size_t i = 0; i < sizeof c->misc / sizeof c->misc[0]; i++)
        sqlite3_finalize(c->misc[i]);
    sqlite3_close(c->db);
    dt_free(c);
}

void dt__sqlpool_free(dt__sqlpool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nfree; i++)
        conn_close(p->free[i]);
    dt_free(p->free);
    pthread_mutex_destroy(&p->mu);
    dt_free(p->path);
    dt_free(p);
}

/* SQLite calls this every few thousand VM steps of a query: a nonzero
 * return interrupts it (SQLITE_INTERRUPT), which ends a request that has
 * run out of time however long its query would take. */
static int on_progress(void *ctx)
{
    conn *c = ctx;
    return dt__deadline_check(&c->dl);
}

/* The failure of a step: DT__EXPIRED when the time limit stopped it. */
static int step_failed(conn *c, char *msg, size_t msgcap)
{
    if (c->dl.expired) {
        snprintf(msg, msgcap, "the request took longer than %d s", DT__REQUEST_SECONDS);
        return DT__EXPIRED;
    }
    snprintf(msg, msgcap, "query failed: %s", sqlite3_errmsg(c->db));
    return -1;
}

static conn *conn_get(dt__sqlpool *p, char *msg, size_t msgcap)
{
    conn *c = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->nfree)
        c = p->free[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    if (c) {
        dt__deadline_start(&c->dl);
        return c;
    }
    c = dt_calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, msgcap, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(p->path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(c->db, "dt_amatch", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     NULL, fn_amatch, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(c->db, "dt_cprefix", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     NULL, fn_cprefix, NULL, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 2000);
        sqlite3_progress_handler(c->db, 20000, on_progress, c);
        dt__deadline_start(&c->dl);
    }
    if (rc != SQLITE_OK) {
        snprintf(msg, msgcap, "cannot open the store: %s",
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        conn_close(c);
        return NULL;
    }
    return c;
}

static void conn_put(dt__sqlpool *p, conn *c, int broken)
{
    if (!c)
        return;
    pthread_mutex_lock(&p->mu);
    if (!broken && p->nfree < 64) {
        if (p->nfree == p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 8;
            conn **f = dt_realloc(p->free, cap * sizeof *f);
            if (f) {
                p->free = f;
                p->cap = cap;
            }
        }
        if (p->nfree < p->cap) {
            p->free[p->nfree++] = c;
            c = NULL;
        }
    }
    pthread_mutex_unlock(&p->mu);
    conn_close(c);
}

static sqlite3_stmt *prepare(conn *c, sqlite3_stmt **slot, const char *sql, char *msg,
                             size_t msgcap)
{
    if (!*slot &&
        sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        snprintf(msg, msgcap, "query failed: %s", sqlite3_errmsg(c->db));
        sqlite3_finalize(*slot);
        *slot = NULL;
        return NULL;
    }
    sqlite3_reset(*slot);
    sqlite3_clear_bindings(*slot);
    return *slot;
}

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* "YYYY-MM-DD" for a bound date, NULL for open. */
static void bind_date(sqlite3_stmt *st, int i, int32_t d)
{
    char b[16];
    snprintf(b, sizeof b, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
    sqlite3_bind_text(st, i, b, -1, SQLITE_TRANSIENT);
}

static int32_t col_date(sqlite3_stmt *st, int i)
{
    const char *t = text(st, i);
    if (strlen(t) != 10)
        return 0;
    int32_t v = 0;
    for (int k = 0; k < 10; k++) {
        if (k == 4 || k == 7)
            continue;
        if (t[k] < '0' || t[k] > '9')
            return 0;
        v = v * 10 + (t[k] - '0');
    }
    return v;
}

/* The row's columns at these indexes checked as every reader checks them
 * (store/store_rows.h): 0, or -1 with msg naming the row. */
static int row_bad(sqlite3_stmt *st, const int col[10], char *msg, size_t msgcap)
{
    dt__store_row r;
    const char **f[9] = {&r.date, &r.source,    &r.target, &r.code,    &r.root,
                         &r.quad, &r.goldstein, &r.doc_id, &r.sentence};
    /* What a column the query does not read (index -1) is taken to be: a
     * value that passes. */
    static const char *const unread[9] = {NULL, "X", "", "0", NULL, NULL, NULL, "", "0"};
    for (int i = 0; i < 9; i++)
        *f[i] = col[i + 1] < 0 ? unread[i]
                               : dt__store_sqlite_text(st, col[i + 1],
                                                       i == 5   ? 1
                                                       : i == 6 ? 2
                                                                : 0);
    char why[200];
    if (dt__store_row_check(&r, why, sizeof why) == 0)
        return 0;
    snprintf(msg, msgcap, "the store has a bad row: events row %lld: %s",
             (long long)sqlite3_column_int64(st, col[0]), why);
    return -1;
}

int dt__sql_health(dt__sqlpool *p, dt__health *h, char *msg, size_t msgcap)
{
    conn *c = conn_get(p, msg, msgcap);
    if (!c)
        return -1;
    sqlite3_stmt *st = prepare(c, &c->misc[0],
                               "SELECT (SELECT count(*) FROM events),"
                               " (SELECT count(*) FROM documents),"
                               " (SELECT min(date) FROM events WHERE date > ''),"
                               " (SELECT max(date) FROM events)",
                               msg, msgcap);
    int rc = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        h->events = (uint64_t)sqlite3_column_int64(st, 0);
        h->documents = (uint64_t)sqlite3_column_int64(st, 1);
        h->from = col_date(st, 2);
        h->to = col_date(st, 3);
        rc = 0;
    } else if (st) {
        rc = step_failed(c, msg, msgcap);
    }
    if (st)
        sqlite3_reset(st);
    conn_put(p, c, rc == -1);
    return rc;
}

enum {
    F_FROM = 1,
    F_TO = 2,
    F_SRC = 4,
    F_TGT = 8,
    F_ACT = 16,
    F_CODE = 32,
    F_QUAD = 64,
    F_TEXT = 128,
    F_DEDUP = 256
};

static void where(dt__jb *b, unsigned m, const char *e)
{
    /* Numbered parameters: ?1 after_id, ?2 from, ?3 to, ?4 sources,
     * ?5 targets, ?6 actors, ?7 codes, ?8 quad, ?9 text, ?10 limit. */
    if (m & F_FROM)
        dt__jb_printf(b, " AND %s.date >= ?2", e);
    if (m & F_TO)
        dt__jb_printf(b, " AND %s.date <= ?3", e);
    if (m & F_SRC)
        dt__jb_printf(b, " AND dt_amatch(?4, %s.source)", e);
    if (m & F_TGT)
        dt__jb_printf(b, " AND dt_amatch(?5, %s.target)", e);
    if (m & F_ACT)
        dt__jb_printf(b, " AND (dt_amatch(?6, %s.source) OR dt_amatch(?6, %s.target))", e, e);
    if (m & F_CODE)
        dt__jb_printf(b, " AND dt_cprefix(?7, %s.code)", e);
    if (m & F_QUAD)
        dt__jb_printf(b, " AND %s.quad = ?8", e);
}

static unsigned mask_of(const dt__query *q)
{
    unsigned m = 0;
    if (q->from)
        m |= F_FROM;
    if (q->to)
        m |= F_TO;
    if (q->sources)
        m |= F_SRC;
    if (q->targets)
        m |= F_TGT;
    if (q->actors)
        m |= F_ACT;
    if (q->codes)
        m |= F_CODE;
    if (q->quad)
        m |= F_QUAD;
    if (q->text)
        m |= F_TEXT;
    if (q->dedup)
        m |= F_DEDUP;
    return m;
}

static void bind_query(sqlite3_stmt *st, const dt__query *q, unsigned m)
{
    sqlite3_bind_int64(st, 1, q->after_id);
    if (m & F_FROM)
        bind_date(st, 2, q->from);
    if (m & F_TO)
        bind_date(st, 3, q->to);
    if (m & F_SRC)
        sqlite3_bind_text(st, 4, q->sources, -1, SQLITE_STATIC);
    if (m & F_TGT)
        sqlite3_bind_text(st, 5, q->targets, -1, SQLITE_STATIC);
    if (m & F_ACT)
        sqlite3_bind_text(st, 6, q->actors, -1, SQLITE_STATIC);
    if (m & F_CODE)
        sqlite3_bind_text(st, 7, q->codes, -1, SQLITE_STATIC);
    if (m & F_QUAD)
        sqlite3_bind_int(st, 8, q->quad);
    if (m & F_TEXT)
        sqlite3_bind_text(st, 9, q->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)q->limit);
}

int dt__sql_events(dt__sqlpool *p, const dt__query *q, dt__sql_event_fn fn, void *ctx, char *msg,
                   size_t msgcap)
{
    conn *c = conn_get(p, msg, msgcap);
    if (!c)
        return -1;
    unsigned m = mask_of(q);
    sqlite3_stmt *st = c->ev[m];
    if (!st) {
        dt__jb sql = {0};
        dt__jb_puts(&sql, "SELECT e.id, e.date, d.doc_id, e.sentence, e.source, e.target, e.code,"
                          " e.root, e.quad, e.goldstein, s.text, s.off,"
                          " e.source_off, e.source_len, e.verb_off, e.verb_len,"
                          " e.target_off, e.target_len, e.pattern, e.dict_file, e.dict_line"
                          " FROM events e LEFT JOIN documents d ON d.id = e.document"
                          " LEFT JOIN sentences s ON s.document = e.document AND s.idx = e.sentence"
                          " WHERE e.id > ?1");
        where(&sql, m, "e");
        if (m & F_TEXT) /* ASCII case folding, as SQLite's lower() does */
            dt__jb_puts(&sql, " AND instr(lower(s.text), lower(?9)) > 0");
        if (m & F_DEDUP) /* one-a-day: the first event of its (day, dyad, code) */
            dt__jb_puts(&sql, " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.source = e.source"
                              " AND x.target = e.target AND x.date IS e.date AND x.code = e.code"
                              " AND x.id < e.id)");
        dt__jb_puts(&sql, " ORDER BY e.id LIMIT ?10");
        if (sql.failed) {
            dt__jb_free(&sql);
            snprintf(msg, msgcap, "out of memory");
            conn_put(p, c, 0);
            return -1;
        }
        st = prepare(c, &c->ev[m], sql.p, msg, msgcap);
        dt__jb_free(&sql);
        if (!st) {
            conn_put(p, c, 1);
            return -1;
        }
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    bind_query(st, q, m);
    int rc, rowrc = 0;
    static const int cols[10] = {0, 1, 4, 5, 6, 7, 8, 9, 2, 3};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rowrc = row_bad(st, cols, msg, msgcap)) < 0)
            break;
        if (sqlite3_column_type(st, 11) == SQLITE_NULL) {
            snprintf(msg, msgcap,
                     "the store has a bad row: events row %lld: its sentence %lld is not in the "
                     "sentences table",
                     (long long)sqlite3_column_int64(st, 0),
                     (long long)sqlite3_column_int64(st, 3));
            rowrc = -1;
            break;
        }
        dt__sql_event ev;
        memset(&ev, 0, sizeof ev);
        ev.id = sqlite3_column_int64(st, 0);
        ev.date = col_date(st, 1);
        ev.doc_id = text(st, 2);
        ev.sentence = sqlite3_column_int64(st, 3);
        ev.source = text(st, 4);
        ev.target = text(st, 5);
        ev.code = text(st, 6);
        ev.root = sqlite3_column_int(st, 7);
        ev.quad = sqlite3_column_int(st, 8);
        ev.goldstein = sqlite3_column_double(st, 9);
        ev.text = text(st, 10);
        ev.text_len = (size_t)sqlite3_column_bytes(st, 10);
        int64_t soff = sqlite3_column_int64(st, 11);
        for (int k = 0; k < 3; k++) {
            /* Offsets into a document are never negative; then the
             * difference cannot overflow. */
            int64_t o = sqlite3_column_int64(st, 12 + 2 * k);
            ev.span_ok[k] =
                sqlite3_column_type(st, 12 + 2 * k) != SQLITE_NULL && o >= 0 && soff >= 0;
            ev.span_off[k] = ev.span_ok[k] ? o - soff : -1;
            ev.span_len[k] = sqlite3_column_int64(st, 13 + 2 * k);
            /* Spans are stored into the document; the API gives them into
             * the sentence, and only when they lie inside it. */
            if (ev.span_off[k] < 0 || ev.span_len[k] <= 0 ||
                (uint64_t)ev.span_off[k] > ev.text_len ||
                (uint64_t)ev.span_len[k] > ev.text_len - (uint64_t)ev.span_off[k])
                ev.span_ok[k] = 0;
        }
        ev.pattern = text(st, 18);
        ev.dict_file = text(st, 19);
        ev.dict_line = sqlite3_column_int64(st, 20);
        if (fn(ctx, &ev))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE ? step_failed(c, msg, msgcap) : 0;
    sqlite3_reset(st);
    conn_put(p, c, bad == -1);
    return bad ? bad : rowrc;
}

static int scan(dt__sqlpool *p, const dt__query *q, int dyads, dt__aggmap *m, char *msg,
                size_t msgcap)
{
    conn *c = conn_get(p, msg, msgcap);
    if (!c)
        return -1;
    unsigned mk = mask_of(q) & (F_FROM | F_TO);
#define SCAN_COLS                                                                                  \
    "SELECT e.source, e.target, e.quad, e.goldstein, e.id, e.date FROM events e WHERE ?1 = ?1"
    static const char *const sql[4] = {
        SCAN_COLS,
        SCAN_COLS " AND e.date >= ?2",
        SCAN_COLS " AND e.date <= ?3",
        SCAN_COLS " AND e.date >= ?2 AND e.date <= ?3",
    };
#undef SCAN_COLS
    /* The actor and dyad counts check the columns they read (and the date
     * their range is on), as they read no document, code or sentence. */
    static const int cols[10] = {4, 5, 0, 1, -1, -1, 2, 3, -1, -1};
    sqlite3_stmt *st = prepare(c, &c->misc[1 + mk], sql[mk], msg, msgcap);
    if (!st) {
        conn_put(p, c, 1);
        return -1;
    }
    bind_query(st, q, mk);
    int rc, rowrc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((rowrc = row_bad(st, cols, msg, msgcap)) < 0 ||
            dt__agg_add(m, dyads, q->actors, text(st, 0), text(st, 1), sqlite3_column_int(st, 2),
                        sqlite3_column_double(st, 3)) < 0)
            break;
    int bad = rc != SQLITE_DONE && rc != SQLITE_ROW ? step_failed(c, msg, msgcap) : rowrc;
    if (!bad && m->oom) {
        snprintf(msg, msgcap, "out of memory");
        bad = -1;
    }
    sqlite3_reset(st);
    conn_put(p, c, bad == -1 && !m->oom && !rowrc);
    return bad;
}

int dt__sql_actors(dt__sqlpool *p, const dt__query *q, dt__sql_actor_fn fn, void *ctx, char *msg,
                   size_t msgcap)
{
    dt__aggmap m = {0};
    int rc = scan(p, q, 0, &m, msg, msgcap);
    if (rc == 0 && dt__agg_emit_actors(&m, q->limit, fn, ctx) < 0) {
        snprintf(msg, msgcap, "out of memory");
        rc = -1;
    }
    dt__agg_free(&m);
    return rc;
}

int dt__sql_dyads(dt__sqlpool *p, const dt__query *q, dt__sql_dyad_fn fn, void *ctx, char *msg,
                  size_t msgcap)
{
    dt__aggmap m = {0};
    int rc = scan(p, q, 1, &m, msg, msgcap);
    if (rc == 0 && dt__agg_emit_dyads(&m, q->limit, fn, ctx) < 0) {
        snprintf(msg, msgcap, "out of memory");
        rc = -1;
    }
    dt__agg_free(&m);
    return rc;
}
