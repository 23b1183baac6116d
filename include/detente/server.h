/* detente — server: the read-only HTTP JSON API over an event store.
 *
 * `detente serve` is a thin layer over this module, and this module is a
 * thin layer over evset/series (and the analysis modules): it parses a
 * request, checks every parameter, runs the query and writes JSON. The
 * contract of the API is docs/api.md.
 *
 * Two halves:
 *
 *   dt_server_handle()   the whole of request handling (URI parsing,
 *                        limits, routing, parameters, the query, the
 *                        response cache, static files) without sockets,
 *                        so that tests and the fuzzer can drive it;
 *   dt_server_start()    libmicrohttpd on top: a thread pool, connection
 *                        limits and timeouts, one call of
 *                        dt_server_handle() per request.
 *
 * Limits (all requests): URI at most DT_SERVER_MAX_URI bytes (414), at most
 * DT_SERVER_MAX_PARAMS query parameters, none repeated or unknown to the
 * endpoint (400), no request body (413), GET and HEAD only (405 with
 * Allow). Result sizes are bounded per endpoint (limit parameters with a
 * maximum). Errors are JSON: {"error":{"status":400,"message":"..."}}.
 *
 * Thread safety: dt_server_handle() may be called from many threads at
 * once on one dt_server; dt_server_new/start/stop/free are not
 * concurrent with anything else on the same server.
 */
#ifndef DETENTE_SERVER_H
#define DETENTE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DT_SERVER_MAX_URI 4096  /* bytes of request target ("/api/x?...") */
#define DT_SERVER_MAX_PARAMS 24 /* query parameters per request */

typedef struct dt_server dt_server;

/* Configuration. Zero-initialise, then set what you need. Strings are
 * copied by dt_server_new; the caller keeps ownership of its own. */
typedef struct dt_server_opts {
    const char *db;                  /* the event source (an evset spec: sqlite:PATH,
                                        PATH.db, postgresql://..., or a JSONL file) */
    const char *listen;              /* "ADDR:PORT", "[V6ADDR]:PORT" or "PORT";
                                        NULL = "127.0.0.1:8080". Port 0 = any free port
                                        (see dt_server_port). */
    const char *web_root;            /* static files; NULL = none (404) */
    const char *const *region_files; /* stability regions (--region) */
    size_t nregion_files;
    const char *const *watch_files; /* watch rule files (--watch) */
    size_t nwatch_files;
    /* Called with each error found in a region or watch file (err->file
     * and err->line say where), in file order, before dt_server_new fails
     * with the first of them in its err; NULL = none. */
    void (*on_diag)(void *ctx, const dt_error *err);
    void *diag_ctx;
    unsigned threads;         /* worker threads; 0 = 2 */
    unsigned max_connections; /* 0 = 256 */
    unsigned timeout_s;       /* idle connection timeout; 0 = 10 */
    size_t cache_bytes;       /* response cache budget; 0 = 64 MiB */
} dt_server_opts;

/* Check the options and the event source (it must be readable: for a
 * SQLite store this opens it read-only once), load regions and watch
 * rules. Does not bind. Caller owns *out (dt_server_free), NULL on error.
 * Errors: DT_EINVAL (bad option, err says which), DT_EIO (cannot open the
 * store or a file), DT_EFORMAT (a region/watch file or the store is
 * malformed; err has file and line), DT_ENOMEM. */
int dt_server_new(dt_server **out, const dt_server_opts *opts, dt_error *err);

/* Bind and start serving in background threads. Returns DT_OK, DT_EINVAL
 * (unparsable listen address), DT_EIO (cannot bind: port in use,
 * permission). */
int dt_server_start(dt_server *s, dt_error *err);

/* The bound TCP port after dt_server_start (useful with port 0), else 0. */
uint16_t dt_server_port(const dt_server *s);

/* Stop serving: close the listening socket, finish the requests in
 * progress, join the threads. Idempotent. */
void dt_server_stop(dt_server *s);

/* Stop if needed and free everything. NULL is fine. */
void dt_server_free(dt_server *s);

/* One response. body (or fd for a static file) is owned by the response:
 * release with dt_server_response_free. */
typedef struct dt_server_response {
    int status;               /* HTTP status */
    const char *content_type; /* static string */
    const char *allow;        /* "GET, HEAD" for 405, else NULL */
    char *body;               /* dt_malloc'd, len bytes; NULL when fd >= 0 */
    size_t len;
    int fd;            /* a static file opened read-only, or -1 */
    uint64_t fd_size;  /* its size in bytes */
    int cache_control; /* 0: "no-cache" (API), 1: static asset */
} dt_server_response;

/* Handle one request: method ("GET", "HEAD", ...), the raw request
 * target exactly as received (path and query, percent-encoded, not
 * NUL-terminated), and whether the request carries a body. Always fills
 * *out with a complete response (errors are JSON responses with their
 * status) and returns DT_OK; DT_ENOMEM only when not even the error
 * response could be built (then out->status is 500 and body NULL).
 * Thread-safe. */
int dt_server_handle(dt_server *s, const char *method, const char *target, size_t target_len,
                     int has_body, dt_server_response *out);

void dt_server_response_free(dt_server_response *r);

/* Counters since start (for health checks and benchmarks). */
typedef struct dt_server_stats {
    uint64_t requests, cache_hits, cache_misses, errors_4xx, errors_5xx;
} dt_server_stats;
void dt_server_get_stats(const dt_server *s, dt_server_stats *out);

#ifdef __cplusplus
}
#endif
#endif
