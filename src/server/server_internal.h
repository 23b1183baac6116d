/* detente — server internals shared by the files of src/server (not installed). */
#ifndef DT_SERVER_INTERNAL_H
#define DT_SERVER_INTERNAL_H

#include "detente/server.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- growing output buffer with a hard cap (curl's dynbuf) ---- */

#define DT__JB_MAX ((size_t)64 << 20) /* no response body is larger */

typedef struct dt__jb {
    char *p;
    size_t n, cap;
    int failed; /* sticky: out of memory or over DT__JB_MAX */
} dt__jb;

void dt__jb_put(dt__jb *b, const char *s, size_t n);
void dt__jb_puts(dt__jb *b, const char *s);
void dt__jb_printf(dt__jb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string literal with quotes; invalid UTF-8 becomes U+FFFD. */
void dt__jb_str(dt__jb *b, const char *s);
void dt__jb_strn(dt__jb *b, const char *s, size_t n);
/* A finite double as a JSON number (non-finite: 0). */
void dt__jb_num(dt__jb *b, double v);
/* "YYYY-MM-DD" in quotes, or null for 0. */
void dt__jb_date(dt__jb *b, int32_t yyyymmdd);
void dt__jb_free(dt__jb *b);

/* ---- request target parsing (pure; fuzzed) ---- */

typedef struct dt__param {
    const char *key, *val; /* decoded, NUL-terminated, in req.store */
    int used;              /* set when a handler reads it */
} dt__param;

typedef struct dt__req {
    const char *path; /* decoded path, NUL-terminated */
    dt__param param[DT_SERVER_MAX_PARAMS];
    size_t nparam;
    char store[2 * DT_SERVER_MAX_URI + 2 * DT_SERVER_MAX_PARAMS + 8];
} dt__req;

/* Parse a raw request target. On failure returns the HTTP status (400 or
 * 414) and writes a reason into msg; 0 on success. */
int dt__req_parse(dt__req *r, const char *target, size_t n, char *msg, size_t msgcap);

/* The normalised form of a request for the cache: path and parameters
 * sorted by key, re-encoded unambiguously. */
void dt__req_key(const dt__req *r, dt__jb *out);

/* ---- response cache ---- */

typedef struct dt__cache dt__cache;
int dt__cache_new(dt__cache **out, size_t budget);
void dt__cache_free(dt__cache *c);
/* Look key up under data version `version`; on a hit copies the body into
 * a fresh dt_malloc'd buffer (*body, *len, *status) and returns 1. Entries
 * of another version are dropped. */
int dt__cache_get(dt__cache *c, uint64_t version, const char *key, size_t klen, char **body,
                  size_t *len, int *status);
void dt__cache_put(dt__cache *c, uint64_t version, const char *key, size_t klen, const char *body,
                   size_t len, int status);
/* Single flight: 1 on a hit (as dt__cache_get); 0 when the caller now
 * computes the answer for key and must call dt__cache_release after its
 * dt__cache_put (other requests for key wait meanwhile); -1 when it should
 * compute without claiming (out of memory). */
int dt__cache_claim(dt__cache *c, uint64_t version, const char *key, size_t klen, char **body,
                    size_t *len, int *status);
void dt__cache_release(dt__cache *c, const char *key, size_t klen);

/* ---- the server object ---- */

struct dt_server {
    char *db;
    char *listen;
    char *web_root;      /* realpath of the web root, or NULL */
    size_t web_root_len; /* strlen(web_root) */
    unsigned threads, max_connections, timeout_s;
    int is_sqlite; /* db is a SQLite store (stat-based data version) */
    char *db_path; /* the file behind db (SQLite or JSONL), or NULL */
    dt__cache *cache;
    struct dt__sqlpool *pool; /* SQLite stores: read-only connections */
    void *mhd;                /* struct MHD_Daemon * */
    uint16_t port;
    void *analysis; /* regions, watches: server_analysis.c */
    atomic_uint_fast64_t n_req, n_hit, n_miss, n_4xx, n_5xx;
};

/* A number that changes when the store's data changes (file size and
 * mtime of the store and its WAL; a 5-second clock for PostgreSQL). */
uint64_t dt__server_data_version(const dt_server *s);

/* ---- the request time limit ----
 * A request that reads the store for longer than DT__REQUEST_SECONDS is
 * stopped and answered 503. Query functions that return -1 for an error
 * return DT__EXPIRED (-2) for this one. */
#define DT__REQUEST_SECONDS 60
#define DT__EXPIRED (-2)
typedef struct dt__deadline {
    struct timespec t0;
    unsigned n;
    int expired;
} dt__deadline;
void dt__deadline_start(dt__deadline *d);
/* Has the time run out? Reads the clock on every call. */
int dt__deadline_check(dt__deadline *d);
/* The same, reading the clock every 1024th call (for per-event loops). */
int dt__deadline_passed(dt__deadline *d);
/* The 503 answer of an expired request. */
void dt__server_expired(dt_server_response *r);
/* The answer of a store query that failed with qrc (< 0): 503 when it ran
 * out of time (DT__EXPIRED), else 500 with msg. */
void dt__server_query_failed(dt_server_response *r, int qrc, const char *msg);

/* Fill r with a JSON error {"error":{"status":..,"message":..}}. */
void dt__server_error(dt_server_response *r, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define DT__API_MAX_PATTERN 64 /* bytes in one actor pattern */
#define DT__API_MAX_LIST 32    /* patterns or codes in one list parameter */

/* ---- parameters (server_api.c) ----
 * Each dt__param_* reads one parameter, marks it used, and on a bad value
 * fills r with a 400 and returns -1. Absent parameters give the default. */
const char *dt__param_get(dt__req *q, const char *name);
/* 400 unless every parameter is in allowed ("a,b,c"). */
int dt__param_known(dt__req *q, const char *allowed, dt_server_response *r);
int dt__param_date(dt__req *q, const char *name, int32_t *out, dt_server_response *r);
/* from and to, with from <= to. */
int dt__param_range(dt__req *q, int32_t *from, int32_t *to, dt_server_response *r);
int dt__param_uint(dt__req *q, const char *name, unsigned long lo, unsigned long hi,
                   unsigned long dflt, unsigned long *out, dt_server_response *r);
int dt__param_bool(dt__req *q, const char *name, int *out, dt_server_response *r);
/* A checked comma-separated list of actor patterns; *out is the raw value. */
int dt__param_actors(dt__req *q, const char *name, const char **out, dt_server_response *r);
int dt__param_codes(dt__req *q, const char *name, const char **out, dt_server_response *r);
/* period=day|week|month|quarter|year: DT_PERIOD_*, dflt when absent. */
int dt__param_period(dt__req *q, int dflt, int *out, dt_server_response *r);

/* Split a comma-separated list into NUL-terminated items copied to
 * buf[0..cap); at most max items. Returns the count (0 for NULL). */
size_t dt__split_list(const char *v, const char **items, size_t max, char *buf, size_t cap);

/* Set r to a 200 JSON answer holding b's bytes (b is taken), or to 503
 * when b failed. */
void dt__answer_json(dt__jb *b, dt_server_response *r);

/* Route an /api/ request (path starts with "/api/"). Fills r. Sets
 * *cacheable when the response may be cached. */
void dt__api_handle(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable);

/* Serve a static file from the web root. */
void dt__static_handle(dt_server *s, const dt__req *q, dt_server_response *r);

/* Analysis endpoints (series, stability, watches, reciprocity):
 * server_analysis.c. dt__analysis_handle returns 0 when the path is not
 * one of its own. */
int dt__analysis_load(dt_server *s, const dt_server_opts *o, dt_error *err);
void dt__analysis_free(dt_server *s);
int dt__analysis_handle(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable);

#endif
