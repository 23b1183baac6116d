/* detente — server: top actors and dyads, aggregated in an
 * open-addressing hash table from a stream of (source, target, quad,
 * goldstein) rows.
 *
 * GROUP BY in SQLite sorts through a temporary b-tree, or walks an index
 * and fetches each row's Goldstein weight and quad class at random: both
 * cost seconds on a million events. One sequential scan of the four
 * columns into this table is several times faster, and the same code
 * serves stores read through evset (PostgreSQL, JSONL). */
#include "server_sql.h"

#include "detente/evset.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static dt__agg *agg_find(dt__aggmap *m, const char *k, size_t kn)
{
    if (m->oom)
        return NULL;
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        dt__agg *ns = dt_calloc(cap, sizeof *ns);
        if (!ns) {
            m->oom = 1;
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i].key) {
                size_t j = hash_str(m->slot[i].key, strlen(m->slot[i].key)) & (cap - 1);
                while (ns[j].key)
                    j = (j + 1) & (cap - 1);
                ns[j] = m->slot[i];
            }
        dt_free(m->slot);
        m->slot = ns;
        m->cap = cap;
    }
    size_t j = hash_str(k, kn) & (m->cap - 1);
    while (m->slot[j].key) {
        if (!strncmp(m->slot[j].key, k, kn) && m->slot[j].key[kn] == '\0')
            return &m->slot[j];
        j = (j + 1) & (m->cap - 1);
    }
    char *key = dt_malloc(kn + 1);
    if (!key) {
        m->oom = 1;
        return NULL;
    }
    memcpy(key, k, kn);
    key[kn] = '\0';
    memset(&m->slot[j], 0, sizeof m->slot[j]);
    m->slot[j].key = key;
    m->n++;
    return &m->slot[j];
}

void dt__agg_free(dt__aggmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        dt_free(m->slot[i].key);
    dt_free(m->slot);
}

/* Most events first, then by key: a stable, documented order. */
static int agg_cmp(const void *x, const void *y)
{
    const dt__agg *a = *(const dt__agg *const *)x, *b = *(const dt__agg *const *)y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The top `limit` entries, sorted; caller frees the array (not the keys). */
static dt__agg **agg_top(dt__aggmap *m, size_t limit, size_t *count)
{
    dt__agg **v = dt_malloc((m->n ? m->n : 1) * sizeof *v);
    *count = 0;
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slot[i].key)
            v[k++] = &m->slot[i];
    qsort(v, k, sizeof *v, agg_cmp);
    *count = k < limit ? k : limit;
    return v;
}

static int actor_list_match(const char *list, const char *code)
{
    char pat[DT__API_MAX_PATTERN + 1];
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n > 0 && n <= DT__API_MAX_PATTERN) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            if (dt_actor_match(pat, code))
                return 1;
        }
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

static int empty_target(const char *t)
{
    return !*t || !strcmp(t, "---");
}

/* Scan source, target, quad, goldstein of the events in q's date range
 * into m; dyads: keys are dyads, else actors. */
int dt__agg_add(dt__aggmap *m, int dyads, const char *actors, const char *s, const char *t,
                int quad, double gs)
{
    size_t sn = strlen(s), tn = strlen(t);
    char key[2 * 128 + 2];
    if (!*s || sn > 128 || tn > 128)
        return 0;
    if (dyads) {
        if (empty_target(t))
            return 0;
        if (actors && !actor_list_match(actors, s) && !actor_list_match(actors, t))
            return 0;
        memcpy(key, s, sn);
        key[sn] = '\t';
        memcpy(key + sn + 1, t, tn);
        dt__agg *g = agg_find(m, key, sn + 1 + tn);
        if (!g)
            return -1;
        g->n++;
        g->gold += gs;
        if (quad == 1 || quad == 2)
            g->coop += gs;
        else if (quad == 3 || quad == 4)
            g->confl += gs < 0 ? -gs : gs;
        if (quad >= 1 && quad <= 4)
            g->quad[quad - 1]++;
        return 0;
    }
    dt__agg *g = agg_find(m, s, sn);
    if (!g)
        return -1;
    g->n++;
    g->a++;
    if (!empty_target(t)) { /* an actor acting on itself counts twice */
        g = agg_find(m, t, tn);
        if (!g)
            return -1;
        g->n++;
        g->b++;
    }
    return 0;
}

int dt__agg_emit_actors(dt__aggmap *m, size_t limit, dt__sql_actor_fn fn, void *ctx)
{
    size_t n = 0;
    dt__agg **top = agg_top(m, limit, &n);
    if (!top)
        return -1;
    for (size_t i = 0; i < n; i++)
        fn(ctx, top[i]->key, top[i]->a, top[i]->b);
    dt_free(top);
    return 0;
}

int dt__agg_emit_dyads(dt__aggmap *m, size_t limit, dt__sql_dyad_fn fn, void *ctx)
{
    size_t n = 0;
    dt__agg **top = agg_top(m, limit, &n);
    if (!top)
        return -1;
    for (size_t i = 0; i < n; i++) {
        dt__agg *g = top[i];
        char *tab = strchr(g->key, '\t');
        *tab = '\0';
        dt__sql_dyad d;
        d.source = g->key;
        d.target = tab + 1;
        d.events = g->n;
        d.goldstein = g->gold;
        d.coop = g->coop;
        d.confl = g->confl;
        memcpy(d.quad, g->quad, sizeof d.quad);
        fn(ctx, &d);
        *tab = '\t';
    }
    dt_free(top);
    return 0;
}
