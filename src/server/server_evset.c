/* detente — server: health, events, actors and dyads for stores that are
 * not SQLite files (PostgreSQL, JSONL), read through evset.
 *
 * SQLite stores get pooled read-only connections and their own SQL
 * (server_sql.c); everything else streams dt_evsource_each, which opens
 * the source per request. Same answers, same limits. */
#include "server_sql.h"

#include "detente/evset.h"

#include <stdio.h>
#include <string.h>

typedef struct lists {
    const char *src[DT__API_MAX_LIST], *tgt[DT__API_MAX_LIST], *act[DT__API_MAX_LIST],
        *code[DT__API_MAX_LIST];
    char buf[4][DT__API_MAX_LIST * (DT__API_MAX_PATTERN + 1)];
} lists;

static void to_filter(const dt__query *q, lists *l, dt_evfilter *f)
{
    memset(f, 0, sizeof *f);
    f->from = q->from;
    f->to = q->to;
    f->nsources = dt__split_list(q->sources, l->src, DT__API_MAX_LIST, l->buf[0], sizeof l->buf[0]);
    f->sources = l->src;
    f->ntargets = dt__split_list(q->targets, l->tgt, DT__API_MAX_LIST, l->buf[1], sizeof l->buf[1]);
    f->targets = l->tgt;
    f->nactors = dt__split_list(q->actors, l->act, DT__API_MAX_LIST, l->buf[2], sizeof l->buf[2]);
    f->actors = l->act;
    f->ncodes = dt__split_list(q->codes, l->code, DT__API_MAX_LIST, l->buf[3], sizeof l->buf[3]);
    f->codes = l->code;
    f->quad = q->quad;
    f->text = q->text;
    f->dedup = q->dedup;
    f->after_id = q->after_id;
}

static int fail(int rc, const dt_error *err, char *msg, size_t msgcap)
{
    if (rc == 1 && err->code == DT__EXPIRED) { /* set by the callbacks below */
        snprintf(msg, msgcap, "the request took longer than %d s", DT__REQUEST_SECONDS);
        return DT__EXPIRED;
    }
    snprintf(msg, msgcap, "cannot read the store: %s", err->msg[0] ? err->msg : dt_strerror(rc));
    return -1;
}

/* Every callback checks the request's time limit; when it has passed it
 * stops the stream with 1 and err->code = DT__EXPIRED, which fail() turns
 * into DT__EXPIRED. */
static int expired(dt__deadline *d, dt_error *err)
{
    if (!dt__deadline_passed(d))
        return 0;
    err->code = DT__EXPIRED;
    return 1;
}

typedef struct hctx {
    dt__health *h;
    dt__aggmap docs;
    dt__deadline dl;
    dt_error *err;
} hctx;

static int on_health(void *ctx, const dt_evrec *r)
{
    hctx *c = ctx;
    if (expired(&c->dl, c->err))
        return 1;
    c->h->events += r->count ? r->count : 1;
    if (r->date && (!c->h->from || r->date < c->h->from))
        c->h->from = r->date;
    if (r->date > c->h->to)
        c->h->to = r->date;
    return dt__agg_add(&c->docs, 0, NULL, r->doc_id, "", 0, 0) < 0;
}

int dt__ev_health(const char *db, dt__health *h, char *msg, size_t msgcap)
{
    dt_error err;
    dt_error_clear(&err);
    hctx c = {.h = h, .err = &err};
    dt__deadline_start(&c.dl);
    memset(h, 0, sizeof *h);
    int rc = dt_evsource_each(db, NULL, on_health, &c, &err);
    h->documents = c.docs.n; /* documents with at least one event */
    dt__agg_free(&c.docs);
    if (rc > 0 && err.code != DT__EXPIRED) {
        snprintf(msg, msgcap, "out of memory");
        return -1;
    }
    return rc != 0 ? fail(rc, &err, msg, msgcap) : 0;
}

typedef struct ectx {
    dt__sql_event_fn fn;
    void *ctx;
    dt__deadline dl;
    dt_error *err;
} ectx;

static int on_event(void *ctx, const dt_evrec *r)
{
    ectx *c = ctx;
    if (expired(&c->dl, c->err))
        return 1;
    dt__sql_event e;
    memset(&e, 0, sizeof e);
    e.id = r->id;
    e.sentence = r->sentence;
    e.dict_line = r->dict_line;
    e.date = r->date;
    e.doc_id = r->doc_id;
    e.source = r->source;
    e.target = r->target;
    e.code = r->code;
    e.text = r->text;
    e.text_len = strlen(r->text);
    e.pattern = r->pattern;
    e.dict_file = r->dict_file;
    e.root = r->root;
    e.quad = r->quad;
    e.goldstein = r->goldstein;
    const dt_span *sp[3] = {&r->source_span, &r->verb_span, &r->target_span};
    for (int k = 0; k < 3; k++) {
        e.span_off[k] = sp[k]->off;
        e.span_len[k] = sp[k]->len;
        e.span_ok[k] = sp[k]->len > 0 && (size_t)sp[k]->off + sp[k]->len <= e.text_len;
    }
    return c->fn(c->ctx, &e) ? 1 : 0;
}

int dt__ev_events(const char *db, const dt__query *q, dt__sql_event_fn fn, void *ctx, char *msg,
                  size_t msgcap)
{
    lists l;
    dt_evfilter f;
    to_filter(q, &l, &f);
    f.evidence = 1;
    f.limit = q->limit;
    dt_error err;
    dt_error_clear(&err);
    ectx c = {.fn = fn, .ctx = ctx, .err = &err};
    dt__deadline_start(&c.dl);
    int rc = dt_evsource_each(db, &f, on_event, &c, &err);
    return rc < 0 || err.code == DT__EXPIRED ? fail(rc, &err, msg, msgcap) : 0;
}

typedef struct actx {
    dt__aggmap m;
    int dyads;
    const char *actors;
    dt__deadline dl;
    dt_error *err;
} actx;

static int on_agg(void *ctx, const dt_evrec *r)
{
    actx *c = ctx;
    if (expired(&c->dl, c->err))
        return 1;
    uint32_t n = r->count ? r->count : 1;
    for (uint32_t i = 0; i < n; i++)
        if (dt__agg_add(&c->m, c->dyads, c->actors, r->source, r->target, r->quad, r->goldstein) <
            0)
            return 1;
    return 0;
}

static int aggregate(const char *db, const dt__query *q, int dyads, actx *c, char *msg,
                     size_t msgcap)
{
    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = q->from;
    f.to = q->to;
    memset(c, 0, sizeof *c);
    c->dyads = dyads;
    c->actors = q->actors;
    dt_error err;
    dt_error_clear(&err);
    c->err = &err;
    dt__deadline_start(&c->dl);
    int rc = dt_evsource_each(db, &f, on_agg, c, &err);
    if (rc > 0 && err.code != DT__EXPIRED) {
        snprintf(msg, msgcap, "out of memory");
        return -1;
    }
    return rc != 0 ? fail(rc, &err, msg, msgcap) : 0;
}

int dt__ev_actors(const char *db, const dt__query *q, dt__sql_actor_fn fn, void *ctx, char *msg,
                  size_t msgcap)
{
    actx c;
    int rc = aggregate(db, q, 0, &c, msg, msgcap);
    if (rc == 0 && dt__agg_emit_actors(&c.m, q->limit, fn, ctx) < 0) {
        snprintf(msg, msgcap, "out of memory");
        rc = -1;
    }
    dt__agg_free(&c.m);
    return rc;
}

int dt__ev_dyads(const char *db, const dt__query *q, dt__sql_dyad_fn fn, void *ctx, char *msg,
                 size_t msgcap)
{
    actx c;
    int rc = aggregate(db, q, 1, &c, msg, msgcap);
    if (rc == 0 && dt__agg_emit_dyads(&c.m, q->limit, fn, ctx) < 0) {
        snprintf(msg, msgcap, "out of memory");
        rc = -1;
    }
    dt__agg_free(&c.m);
    return rc;
}
