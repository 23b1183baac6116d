/* detente — server: configuration, request dispatch and the data version.
 *
 * dt_server_handle() is the one entry point for a request, shared by the
 * libmicrohttpd daemon (server_mhd.c), the tests and the fuzzer: method
 * and body checks, target parsing, then either the API (through the cache)
 * or a static file. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "server_sql.h"

#include "detente/store.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = dt_malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

/* Is the SQLite file a detente store we can read? Opened read-only, so a
 * server can never change the store, even by accident. */
static int check_sqlite(const char *path, dt_error *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot open the store: %s",
                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return DT_EIO;
    }
    sqlite3_stmt *st = NULL;
    int v = -1;
    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    else
        rc = dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX, "not a SQLite database: %s",
                          sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (v < 0)
        return rc;
    if (v == 0)
        return dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX,
                            "not a detente store (no schema version)");
    if (v > DT_STORE_SCHEMA_VERSION)
        return dt_error_set(err, DT_EUNSUPPORTED, path, 0, UINT64_MAX,
                            "schema version %d is newer than this program knows (%d)", v,
                            DT_STORE_SCHEMA_VERSION);
    return DT_OK;
}

int dt_server_new(dt_server **out, const dt_server_opts *o, dt_error *err)
{
    *out = NULL;
    if (!o || !o->db || !*o->db)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no event store given (--db)");
    if (!strcmp(o->db, "-"))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "the server cannot read events from standard input; give a store");
    dt_server *s = dt_calloc(1, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    int rc = DT_ENOMEM;
    s->threads = o->threads ? o->threads : 2;
    s->max_connections = o->max_connections ? o->max_connections : 256;
    s->timeout_s = o->timeout_s ? o->timeout_s : 10;
    if (s->threads > 256) {
        rc = dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "too many threads (at most 256)");
        goto fail;
    }
    s->db = dup_str(o->db);
    s->listen = dup_str(o->listen ? o->listen : "127.0.0.1:8080");
    if (!s->db || !s->listen)
        goto fail;
    if (!strncmp(o->db, "postgresql://", 13) || !strncmp(o->db, "postgres://", 11)) {
        s->db_path = NULL;
    } else {
        const char *path = o->db;
        if (!strncmp(path, "sqlite:", 7)) {
            path += 7;
            s->is_sqlite = 1;
        } else if (ends_with(path, ".db") || ends_with(path, ".sqlite") ||
                   ends_with(path, ".sqlite3")) {
            s->is_sqlite = 1;
        }
        s->db_path = dup_str(path);
        if (!s->db_path)
            goto fail;
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            rc = dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot read the event store");
            goto fail;
        }
        if (s->is_sqlite && (rc = check_sqlite(path, err)) < 0)
            goto fail;
        if (s->is_sqlite && (rc = dt__sqlpool_new(&s->pool, path)) < 0)
            goto fail;
    }
    if (o->web_root) {
        char buf[PATH_MAX];
        struct stat st;
        if (!realpath(o->web_root, buf) || stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = dt_error_set(err, DT_EIO, o->web_root, 0, UINT64_MAX,
                              "the web root is not a readable directory");
            goto fail;
        }
        s->web_root = dup_str(buf);
        if (!s->web_root)
            goto fail;
        s->web_root_len = strlen(buf);
    }
    if (dt__cache_new(&s->cache, o->cache_bytes ? o->cache_bytes : (size_t)64 << 20) < 0)
        goto fail;
    if ((rc = dt__analysis_load(s, o, err)) < 0)
        goto fail;
    *out = s;
    return DT_OK;
fail:
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    dt_server_free(s);
    return rc;
}

void dt_server_free(dt_server *s)
{
    if (!s)
        return;
    dt_server_stop(s);
    dt__analysis_free(s);
    dt__cache_free(s->cache);
    dt__sqlpool_free(s->pool);
    dt_free(s->db);
    dt_free(s->listen);
    dt_free(s->web_root);
    dt_free(s->db_path);
    dt_free(s);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t file_version(uint64_t h, const char *path)
{
    struct stat st;
    /* A missing and an empty file are the same version: readers create an
     * empty -wal when they open a store in WAL mode, which changes nothing. */
    if (stat(path, &st) != 0 || st.st_size == 0)
        return mix(h, 1);
    h = mix(h, (uint64_t)st.st_size);
    h = mix(h, (uint64_t)st.st_mtim.tv_sec);
    h = mix(h, (uint64_t)st.st_mtim.tv_nsec);
    return mix(h, (uint64_t)st.st_ino);
}

uint64_t dt__server_data_version(const dt_server *s)
{
    if (!s->db_path) /* PostgreSQL: nothing to stat; trust answers 5 s */
        return (uint64_t)time(NULL) / 5;
    uint64_t h = file_version(7, s->db_path);
    if (s->is_sqlite) {
        /* Writers in WAL mode change the -wal file, not the database,
         * until a checkpoint. */
        char wal[PATH_MAX];
        int k = snprintf(wal, sizeof wal, "%s-wal", s->db_path);
        if (k > 0 && (size_t)k < sizeof wal)
            h = file_version(h, wal);
    }
    return h;
}

void dt__deadline_start(dt__deadline *d)
{
    memset(d, 0, sizeof *d);
    clock_gettime(CLOCK_MONOTONIC, &d->t0);
}

int dt__deadline_check(dt__deadline *d)
{
    if (!d->expired) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double t =
            (double)(now.tv_sec - d->t0.tv_sec) + (double)(now.tv_nsec - d->t0.tv_nsec) / 1e9;
        d->expired = t >= DT__REQUEST_SECONDS;
    }
    return d->expired;
}

int dt__deadline_passed(dt__deadline *d)
{
    if (d->expired)
        return 1;
    return ++d->n & 1023 ? 0 : dt__deadline_check(d);
}

void dt__server_expired(dt_server_response *r)
{
    dt__server_error(r, 503,
                     "the request took longer than %d s and was stopped: ask for less (a "
                     "shorter from/to range, a narrower filter)",
                     DT__REQUEST_SECONDS);
}

void dt__server_query_failed(dt_server_response *r, int qrc, const char *msg)
{
    if (qrc == DT__EXPIRED)
        dt__server_expired(r);
    else
        dt__server_error(r, 500, "%s", msg);
}

void dt__server_error(dt_server_response *r, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dt_free(r->body);
    dt__jb b = {0};
    dt__jb_printf(&b, "{\"error\":{\"status\":%d,\"message\":", status);
    dt__jb_str(&b, msg);
    dt__jb_puts(&b, "}}\n");
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    if (b.failed) {
        dt__jb_free(&b);
        r->body = NULL;
        r->len = 0;
        return;
    }
    r->body = b.p;
    r->len = b.n;
}

int dt_server_handle(dt_server *s, const char *method, const char *target, size_t n, int has_body,
                     dt_server_response *r)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    atomic_fetch_add(&s->n_req, 1);
    dt__req *q = NULL;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        dt__server_error(r, 405, "method %.32s not allowed (the API is read-only)", method);
        r->allow = "GET, HEAD";
        goto done;
    }
    if (has_body) {
        dt__server_error(r, 413, "requests must not have a body");
        goto done;
    }
    q = dt_malloc(sizeof *q);
    if (!q) {
        dt__server_error(r, 503, "out of memory");
        goto done;
    }
    char msg[256];
    int st = dt__req_parse(q, target, n, msg, sizeof msg);
    if (st) {
        dt__server_error(r, st, "%s", msg);
        goto done;
    }
    if (strncmp(q->path, "/api/", 5) && strcmp(q->path, "/api")) {
        dt__static_handle(s, q, r);
        goto done;
    }
    dt__jb key = {0};
    dt__req_key(q, &key);
    uint64_t ver = dt__server_data_version(s);
    int claim = key.failed
                    ? -1
                    : dt__cache_claim(s->cache, ver, key.p, key.n, &r->body, &r->len, &r->status);
    if (claim == 1) {
        atomic_fetch_add(&s->n_hit, 1);
        r->content_type = "application/json; charset=utf-8";
    } else {
        int cacheable = 0;
        atomic_fetch_add(&s->n_miss, 1);
        dt__api_handle(s, q, r, &cacheable);
        if (cacheable && r->status == 200 && r->body && !key.failed)
            dt__cache_put(s->cache, ver, key.p, key.n, r->body, r->len, r->status);
        if (claim == 0)
            dt__cache_release(s->cache, key.p, key.n);
    }
    dt__jb_free(&key);
done:
    dt_free(q);
    if (r->status >= 500)
        atomic_fetch_add(&s->n_5xx, 1);
    else if (r->status >= 400)
        atomic_fetch_add(&s->n_4xx, 1);
    if (!r->body && r->fd < 0 && r->status != 304) {
        r->status = 500;
        return DT_ENOMEM;
    }
    return DT_OK;
}

void dt_server_response_free(dt_server_response *r)
{
    if (!r)
        return;
    dt_free(r->body);
    r->body = NULL;
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

void dt_server_get_stats(const dt_server *s, dt_server_stats *o)
{
    dt_server *m = (dt_server *)s; /* atomics are read, not changed */
    o->requests = atomic_load(&m->n_req);
    o->cache_hits = atomic_load(&m->n_hit);
    o->cache_misses = atomic_load(&m->n_miss);
    o->errors_4xx = atomic_load(&m->n_4xx);
    o->errors_5xx = atomic_load(&m->n_5xx);
}
