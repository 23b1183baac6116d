/* detente — server: the /api/ endpoints (docs/api.md).
 *
 * Every endpoint declares the parameters it takes; anything else is a 400,
 * so a misspelt filter ("soruce=USA") is an error instead of a silently
 * unfiltered answer. Values are checked before any query runs. */
#include "server_sql.h"

#include "detente/evset.h"
#include "detente/ontology.h"
#include "detente/reader.h"
#include "detente/series.h"

#include <stdio.h>
#include <string.h>

#define JSON_TYPE "application/json; charset=utf-8"
#define MAX_TEXT_QUERY 256 /* bytes of q */

/* ---- parameters ---- */

const char *dt__param_get(dt__req *q, const char *name)
{
    for (size_t i = 0; i < q->nparam; i++)
        if (!strcmp(q->param[i].key, name)) {
            q->param[i].used = 1;
            return q->param[i].val;
        }
    return NULL;
}

/* Refuse parameters the endpoint does not take. allowed: "a,b,c". */
int dt__param_known(dt__req *q, const char *allowed, dt_server_response *r)
{
    for (size_t i = 0; i < q->nparam; i++) {
        const char *k = q->param[i].key;
        size_t kn = strlen(k);
        int ok = 0;
        for (const char *p = allowed; *p && !ok;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            ok = n == kn && !memcmp(p, k, n);
            p = c ? c + 1 : p + n;
        }
        if (!ok) {
            if (*allowed)
                dt__server_error(r, 400, "unknown parameter '%.64s' (this endpoint takes: %s)", k,
                                 allowed);
            else
                dt__server_error(r, 400, "unknown parameter '%.64s' (this endpoint takes none)", k);
            return -1;
        }
    }
    return 0;
}

int dt__param_date(dt__req *q, const char *name, int32_t *out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    *out = 0;
    if (!v)
        return 0;
    int32_t d = 0;
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || dt_date_parse(v, 10, &d) != DT_OK ||
        d <= 0) {
        dt__server_error(r, 400, "bad parameter '%s': not a date (YYYY-MM-DD)", name);
        return -1;
    }
    *out = d;
    return 0;
}

int dt__param_range(dt__req *q, int32_t *from, int32_t *to, dt_server_response *r)
{
    if (dt__param_date(q, "from", from, r) < 0 || dt__param_date(q, "to", to, r) < 0)
        return -1;
    if (*from && *to && *from > *to) {
        dt__server_error(r, 400, "bad parameters: 'from' is after 'to'");
        return -1;
    }
    return 0;
}

int dt__param_uint(dt__req *q, const char *name, unsigned long lo, unsigned long hi,
                   unsigned long dflt, unsigned long *out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    *out = dflt;
    if (!v)
        return 0;
    unsigned long n = 0;
    size_t i = 0;
    for (; v[i] >= '0' && v[i] <= '9' && i < 10; i++)
        n = n * 10 + (unsigned long)(v[i] - '0');
    if (i == 0 || v[i] || n < lo || n > hi) {
        dt__server_error(r, 400, "bad parameter '%s': not a whole number from %lu to %lu", name, lo,
                         hi);
        return -1;
    }
    *out = n;
    return 0;
}

int dt__param_bool(dt__req *q, const char *name, int *out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    *out = 0;
    if (!v)
        return 0;
    if (!*v || !strcmp(v, "1") || !strcmp(v, "true")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "0") || !strcmp(v, "false"))
        return 0;
    dt__server_error(r, 400, "bad parameter '%s': not true/false/1/0", name);
    return -1;
}

/* A comma-separated list of actor patterns (evset.h syntax). */
int dt__param_actors(dt__req *q, const char *name, const char **out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    *out = NULL;
    if (!v)
        return 0;
    size_t count = 0;
    char pat[DT__API_MAX_PATTERN + 1];
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0 || n > DT__API_MAX_PATTERN || ++count > DT__API_MAX_LIST) {
            dt__server_error(r, 400,
                             "bad parameter '%s': a comma-separated list of at most %d actor "
                             "patterns of 1 to %d bytes",
                             name, DT__API_MAX_LIST, DT__API_MAX_PATTERN);
            return -1;
        }
        memcpy(pat, p, n);
        pat[n] = '\0';
        dt_error e;
        dt_error_clear(&e);
        if (dt_actor_pattern_check(pat, &e) != DT_OK) {
            if (e.msg[0]) /* the reason names the pattern */
                dt__server_error(r, 400, "bad parameter '%s': %s", name, e.msg);
            else
                dt__server_error(r, 400, "bad parameter '%s': actor pattern '%s' is malformed",
                                 name, pat);
            return -1;
        }
        if (!c)
            break;
        p = c + 1;
    }
    *out = v;
    return 0;
}

/* A comma-separated list of CAMEO code prefixes: 2 to 4 digits, or a
 * 3-4 character code with a letter suffix as coded ("174L"). */
int dt__param_codes(dt__req *q, const char *name, const char **out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    *out = NULL;
    if (!v)
        return 0;
    size_t count = 0;
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        int ok = n >= 1 && n <= 4 && ++count <= DT__API_MAX_LIST;
        for (size_t i = 0; ok && i < n; i++)
            ok = (p[i] >= '0' && p[i] <= '9') || (i >= 2 && p[i] >= 'A' && p[i] <= 'Z');
        if (!ok) {
            dt__server_error(r, 400,
                             "bad parameter '%s': a comma-separated list of CAMEO codes or "
                             "prefixes (\"04\", \"042\", \"1721\")",
                             name);
            return -1;
        }
        if (!c)
            break;
        p = c + 1;
    }
    *out = v;
    return 0;
}

int dt__param_period(dt__req *q, int dflt, int *out, dt_server_response *r)
{
    const char *v = dt__param_get(q, "period");
    *out = dflt;
    if (!v)
        return 0;
    int p = dt_period_from_name(v);
    if (p < 0) {
        dt__server_error(r, 400, "bad parameter 'period': one of day, week, month, quarter, year");
        return -1;
    }
    *out = p;
    return 0;
}

size_t dt__split_list(const char *v, const char **items, size_t max, char *buf, size_t cap)
{
    size_t n = 0, used = 0;
    if (!v)
        return 0;
    for (const char *p = v; n < max;) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (used + k + 1 > cap)
            break;
        memcpy(buf + used, p, k);
        buf[used + k] = '\0';
        items[n++] = buf + used;
        used += k + 1;
        if (!c)
            break;
        p = c + 1;
    }
    return n;
}

/* ---- endpoints ---- */

void dt__answer_json(dt__jb *b, dt_server_response *r)
{
    if (b->failed) {
        dt__jb_free(b);
        dt__server_error(r, 503, "response too large or out of memory");
        return;
    }
    r->status = 200;
    r->content_type = JSON_TYPE;
    r->body = b->p;
    r->len = b->n;
}

static void api_health(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q, "", r) < 0)
        return;
    dt__health h = {0};
    char msg[256];
    int qrc;
    if ((qrc = s->pool ? dt__sql_health(s->pool, &h, msg, sizeof msg)
                       : dt__ev_health(s->db, &h, msg, sizeof msg)) < 0) {
        dt__server_query_failed(r, qrc, msg);
        return;
    }
    dt__jb b = {0};
    dt__jb_printf(&b,
                  "{\"status\":\"ok\",\"version\":\"%s\",\"events\":%llu,\"documents\":%llu,"
                  "\"from\":",
                  DT_VERSION, (unsigned long long)h.events, (unsigned long long)h.documents);
    dt__jb_date(&b, h.from);
    dt__jb_puts(&b, ",\"to\":");
    dt__jb_date(&b, h.to);
    dt__jb_puts(&b, "}\n");
    dt__answer_json(&b, r);
    *cacheable = 1;
}

typedef struct evctx {
    dt__jb *b;
    size_t n, limit;
    int64_t last_id;
    int more;
} evctx;

static void span(dt__jb *b, const char *name, const dt__sql_event *e, int k)
{
    dt__jb_printf(b, "%s\"%s\":", k ? "," : "", name);
    if (e->span_ok[k])
        dt__jb_printf(b, "[%lld,%lld]", (long long)e->span_off[k], (long long)e->span_len[k]);
    else
        dt__jb_puts(b, "null");
}

static int on_event(void *ctx, const dt__sql_event *e)
{
    evctx *c = ctx;
    if (c->n == c->limit) { /* the extra row: there is a next page */
        c->more = 1;
        return 1;
    }
    dt__jb *b = c->b;
    const dt_cameo_entry *ce = dt_cameo_lookup(e->code, strlen(e->code));
    dt__jb_printf(b, "%s{\"id\":%lld,\"date\":", c->n ? "," : "", (long long)e->id);
    dt__jb_date(b, e->date);
    dt__jb_puts(b, ",\"doc_id\":");
    dt__jb_str(b, e->doc_id);
    dt__jb_printf(b, ",\"sentence\":%lld,\"source\":", (long long)e->sentence);
    dt__jb_str(b, e->source);
    dt__jb_puts(b, ",\"target\":");
    dt__jb_str(b, e->target);
    dt__jb_puts(b, ",\"code\":");
    dt__jb_str(b, e->code);
    dt__jb_printf(b, ",\"root\":%d,\"quad\":%d,\"goldstein\":", e->root, e->quad);
    dt__jb_num(b, e->goldstein);
    dt__jb_puts(b, ",\"plover\":");
    dt__jb_str(b, ce ? ce->plover_type : "");
    dt__jb_puts(b, ",\"text\":");
    dt__jb_strn(b, e->text, e->text_len);
    dt__jb_puts(b, ",\"spans\":{");
    span(b, "source", e, 0);
    span(b, "verb", e, 1);
    span(b, "target", e, 2);
    dt__jb_puts(b, "},\"pattern\":");
    dt__jb_str(b, e->pattern);
    dt__jb_puts(b, ",\"dict\":");
    if (e->dict_file[0]) {
        char loc[512];
        int k = snprintf(loc, sizeof loc, "%s:%lld", e->dict_file, (long long)e->dict_line);
        dt__jb_strn(b, loc, k < 0 ? 0 : (size_t)k < sizeof loc ? (size_t)k : sizeof loc - 1);
    } else {
        dt__jb_puts(b, "null");
    }
    dt__jb_puts(b, "}");
    c->n++;
    c->last_id = e->id;
    return b->failed;
}

static void api_events(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q, "from,to,source,target,actor,code,quad,q,dedup,limit,cursor", r) < 0)
        return;
    dt__query f = {0};
    unsigned long limit, quad;
    if (dt__param_range(q, &f.from, &f.to, r) < 0 ||
        dt__param_actors(q, "source", &f.sources, r) < 0 ||
        dt__param_actors(q, "target", &f.targets, r) < 0 ||
        dt__param_actors(q, "actor", &f.actors, r) < 0 ||
        dt__param_codes(q, "code", &f.codes, r) < 0 ||
        dt__param_uint(q, "quad", 1, 4, 0, &quad, r) < 0 ||
        dt__param_bool(q, "dedup", &f.dedup, r) < 0 ||
        dt__param_uint(q, "limit", 1, 1000, 100, &limit, r) < 0)
        return;
    f.quad = (int)quad;
    const char *text = dt__param_get(q, "q");
    if (text) {
        size_t n = strlen(text);
        if (n == 0 || n > MAX_TEXT_QUERY) {
            dt__server_error(r, 400, "bad parameter 'q': 1 to %d bytes of text", MAX_TEXT_QUERY);
            return;
        }
        f.text = text;
    }
    const char *cur = dt__param_get(q, "cursor");
    if (cur) {
        /* The cursor is "c" and the last id in hex: opaque to clients,
         * checked strictly here. */
        uint64_t id = 0;
        size_t i = 1, n = strlen(cur);
        int ok = n >= 2 && n <= 17 && cur[0] == 'c';
        for (; ok && i < n; i++) {
            char ch = cur[i];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            ok = d >= 0;
            id = id * 16 + (uint64_t)(d < 0 ? 0 : d);
        }
        if (!ok || id > (uint64_t)INT64_MAX) {
            dt__server_error(r, 400, "bad parameter 'cursor': not a cursor from a previous page");
            return;
        }
        f.after_id = (int64_t)id;
    }
    f.limit = limit + 1;
    dt__jb b = {0};
    dt__jb_puts(&b, "{\"events\":[");
    evctx c = {.b = &b, .limit = limit};
    char msg[256];
    int qrc;
    if ((qrc = s->pool ? dt__sql_events(s->pool, &f, on_event, &c, msg, sizeof msg)
                       : dt__ev_events(s->db, &f, on_event, &c, msg, sizeof msg)) < 0) {
        dt__jb_free(&b);
        dt__server_query_failed(r, qrc, msg);
        return;
    }
    dt__jb_puts(&b, "],\"next_cursor\":");
    if (c.more)
        dt__jb_printf(&b, "\"c%llx\"", (unsigned long long)c.last_id);
    else
        dt__jb_puts(&b, "null");
    dt__jb_puts(&b, "}\n");
    dt__answer_json(&b, r);
    *cacheable = 1;
}

typedef struct listctx {
    dt__jb *b;
    size_t n;
} listctx;

static void on_actor(void *ctx, const char *code, uint64_t as_source, uint64_t as_target)
{
    listctx *c = ctx;
    dt__jb_puts(c->b, c->n++ ? ",{\"code\":" : "{\"code\":");
    dt__jb_str(c->b, code);
    dt__jb_printf(c->b, ",\"events\":%llu,\"as_source\":%llu,\"as_target\":%llu}",
                  (unsigned long long)(as_source + as_target), (unsigned long long)as_source,
                  (unsigned long long)as_target);
}

static void api_actors(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q, "from,to,limit", r) < 0)
        return;
    dt__query f = {0};
    unsigned long limit;
    if (dt__param_range(q, &f.from, &f.to, r) < 0 ||
        dt__param_uint(q, "limit", 1, 500, 50, &limit, r) < 0)
        return;
    f.limit = limit;
    dt__jb b = {0};
    dt__jb_puts(&b, "{\"actors\":[");
    listctx c = {.b = &b};
    char msg[256];
    int qrc;
    if ((qrc = s->pool ? dt__sql_actors(s->pool, &f, on_actor, &c, msg, sizeof msg)
                       : dt__ev_actors(s->db, &f, on_actor, &c, msg, sizeof msg)) < 0) {
        dt__jb_free(&b);
        dt__server_query_failed(r, qrc, msg);
        return;
    }
    dt__jb_puts(&b, "]}\n");
    dt__answer_json(&b, r);
    *cacheable = 1;
}

static void on_dyad(void *ctx, const dt__sql_dyad *d)
{
    listctx *c = ctx;
    dt__jb *b = c->b;
    dt__jb_puts(b, c->n++ ? ",{\"source\":" : "{\"source\":");
    dt__jb_str(b, d->source);
    dt__jb_puts(b, ",\"target\":");
    dt__jb_str(b, d->target);
    dt__jb_printf(b, ",\"events\":%llu,\"goldstein\":", (unsigned long long)d->events);
    dt__jb_num(b, d->goldstein);
    dt__jb_puts(b, ",\"coop\":");
    dt__jb_num(b, d->coop);
    dt__jb_puts(b, ",\"confl\":");
    dt__jb_num(b, d->confl);
    dt__jb_printf(b, ",\"quad\":[%llu,%llu,%llu,%llu]}", (unsigned long long)d->quad[0],
                  (unsigned long long)d->quad[1], (unsigned long long)d->quad[2],
                  (unsigned long long)d->quad[3]);
}

static void api_dyads(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q, "from,to,actor,limit", r) < 0)
        return;
    dt__query f = {0};
    unsigned long limit;
    if (dt__param_range(q, &f.from, &f.to, r) < 0 ||
        dt__param_actors(q, "actor", &f.actors, r) < 0 ||
        dt__param_uint(q, "limit", 1, 500, 50, &limit, r) < 0)
        return;
    f.limit = limit;
    dt__jb b = {0};
    dt__jb_puts(&b, "{\"dyads\":[");
    listctx c = {.b = &b};
    char msg[256];
    int qrc;
    if ((qrc = s->pool ? dt__sql_dyads(s->pool, &f, on_dyad, &c, msg, sizeof msg)
                       : dt__ev_dyads(s->db, &f, on_dyad, &c, msg, sizeof msg)) < 0) {
        dt__jb_free(&b);
        dt__server_query_failed(r, qrc, msg);
        return;
    }
    dt__jb_puts(&b, "]}\n");
    dt__answer_json(&b, r);
    *cacheable = 1;
}

typedef void (*api_fn)(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable);

static const struct {
    const char *path;
    api_fn fn;
} ROUTES[] = {
    {"/api/health", api_health},
    {"/api/events", api_events},
    {"/api/actors", api_actors},
    {"/api/dyads", api_dyads},
};

void dt__api_handle(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    *cacheable = 0;
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++)
        if (!strcmp(q->path, ROUTES[i].path)) {
            ROUTES[i].fn(s, q, r, cacheable);
            return;
        }
    if (dt__analysis_handle(s, q, r, cacheable))
        return;
    dt__server_error(r, 404, "no such endpoint: %.200s", q->path);
}
