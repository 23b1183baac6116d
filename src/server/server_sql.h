/* detente — server: SQLite queries behind /api/health, events, actors and
 * dyads (internal). Errors come back as -1 with a message in msg. */
#ifndef DT_SERVER_SQL_H
#define DT_SERVER_SQL_H

#include "server_internal.h"

typedef struct dt__sqlpool dt__sqlpool;

int dt__sqlpool_new(dt__sqlpool **out, const char *path);
void dt__sqlpool_free(dt__sqlpool *p);

/* A checked query. Lists are comma-separated and NULL when absent. */
typedef struct dt__query {
    int64_t after_id;
    int32_t from, to; /* yyyymmdd; 0 = open */
    const char *sources, *targets, *actors, *codes;
    int quad;
    const char *text;
    int dedup;
    size_t limit;
} dt__query;

typedef struct dt__health {
    uint64_t events, documents;
    int32_t from, to;
} dt__health;

int dt__sql_health(dt__sqlpool *p, dt__health *h, char *msg, size_t msgcap);

/* One event row; strings are valid during the callback only. */
typedef struct dt__sql_event {
    int64_t id, sentence, dict_line;
    int32_t date;
    const char *doc_id, *source, *target, *code, *text, *pattern, *dict_file;
    size_t text_len;
    int root, quad;
    double goldstein;
    int64_t span_off[3], span_len[3]; /* source, verb, target, into text */
    int span_ok[3];
} dt__sql_event;

typedef int (*dt__sql_event_fn)(void *ctx, const dt__sql_event *e);
int dt__sql_events(dt__sqlpool *p, const dt__query *q, dt__sql_event_fn fn, void *ctx, char *msg,
                   size_t msgcap);

typedef void (*dt__sql_actor_fn)(void *ctx, const char *code, uint64_t as_source,
                                 uint64_t as_target);
int dt__sql_actors(dt__sqlpool *p, const dt__query *q, dt__sql_actor_fn fn, void *ctx, char *msg,
                   size_t msgcap);

typedef struct dt__sql_dyad {
    const char *source, *target;
    uint64_t events, quad[4];
    double goldstein, coop, confl;
} dt__sql_dyad;
typedef void (*dt__sql_dyad_fn)(void *ctx, const dt__sql_dyad *d);
int dt__sql_dyads(dt__sqlpool *p, const dt__query *q, dt__sql_dyad_fn fn, void *ctx, char *msg,
                  size_t msgcap);

/* ---- aggregation (server_agg.c) ---- */

typedef struct dt__agg {
    char *key; /* "SOURCE\tTARGET" or the actor code */
    uint64_t n, a, b, quad[4];
    double gold, coop, confl;
} dt__agg;

typedef struct dt__aggmap {
    dt__agg *slot;
    size_t cap, n;
    int oom;
} dt__aggmap;

/* Count one event (dyads: by directed dyad, skipping targetless events and
 * those where neither side matches the actors list; else by actor, as
 * source and as target). -1 when out of memory. */
int dt__agg_add(dt__aggmap *m, int dyads, const char *actors, const char *source,
                const char *target, int quad, double goldstein);
/* Call fn for the top `limit` entries: most events first, then by code. */
int dt__agg_emit_actors(dt__aggmap *m, size_t limit, dt__sql_actor_fn fn, void *ctx);
int dt__agg_emit_dyads(dt__aggmap *m, size_t limit, dt__sql_dyad_fn fn, void *ctx);
void dt__agg_free(dt__aggmap *m);

/* ---- the same four for any evset source (server_evset.c) ---- */
int dt__ev_health(const char *db, dt__health *h, char *msg, size_t msgcap);
int dt__ev_events(const char *db, const dt__query *q, dt__sql_event_fn fn, void *ctx, char *msg,
                  size_t msgcap);
int dt__ev_actors(const char *db, const dt__query *q, dt__sql_actor_fn fn, void *ctx, char *msg,
                  size_t msgcap);
int dt__ev_dyads(const char *db, const dt__query *q, dt__sql_dyad_fn fn, void *ctx, char *msg,
                 size_t msgcap);

#endif
