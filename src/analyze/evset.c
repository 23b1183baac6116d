/* detente analyze — the event set: actor patterns, filters, the in-memory
 * set and the dispatch of dt_evsource_each to its sources. */
#include "evset_internal.h"

#include "detente/ontology.h"

#include <stdlib.h>
#include <string.h>

/* ---- actor patterns ------------------------------------------------- */

static int glob_match(const char *p, const char *s)
{
    /* Iterative with one backtrack point: linear enough for actor codes
     * and never recursive, so a pattern of many stars cannot blow up. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '?' || (*p && *p != '*' && *p == *s)) {
            p++;
            s++;
        } else if (*p == '*') {
            star = p++;
            resume = s;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

int dt_actor_match(const char *pattern, const char *code)
{
    if (!pattern || !*pattern || !code)
        return 0;
    size_t cn = strlen(code);
    if (pattern[0] == '=')
        return strcmp(pattern + 1, code) == 0;
    if (pattern[0] == ':') {
        size_t rn = strlen(pattern + 1);
        if (rn != 3)
            return 0;
        for (size_t i = 0; i + 3 <= cn; i += 3)
            if (!memcmp(code + i, pattern + 1, 3))
                return 1;
        return 0;
    }
    if (strpbrk(pattern, "*?"))
        return glob_match(pattern, code);
    size_t pn = strlen(pattern);
    if (pn > cn || memcmp(pattern, code, pn) != 0)
        return 0;
    /* A prefix counts only up to a block boundary: "PRK" is the PRK
     * country block, but "PR" must not take in PRK and PRY. */
    return pn == cn || pn % 3 == 0;
}

int dt_actor_pattern_check(const char *pattern, dt_error *err)
{
    if (!pattern || !*pattern)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "empty actor pattern");
    const char *body = pattern;
    if (*body == '=' || *body == ':')
        body++;
    if (!*body)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "actor pattern '%s': nothing after '%c'", pattern, pattern[0]);
    for (const char *c = body; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u >= 'a' && u <= 'z')
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                "actor pattern '%s': actor codes are upper case", pattern);
        if (u <= ' ' || u == ',' || u == '[' || u == ']' || u == '=' || u == ':' || u == '\\' ||
            u == '%' || u == '_' || u == '\'' || u >= 0x7f)
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                "actor pattern '%s': character '%c' not allowed", pattern,
                                u < 0x7f && u > ' ' ? (char)u : '?');
        if ((*c == '*' || *c == '?') && pattern != body)
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                "actor pattern '%s': '%c' cannot be combined with '%c'", pattern,
                                *c, pattern[0]);
    }
    if (pattern[0] == ':' && strlen(body) != 3)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "actor pattern '%s': a role block has three letters (:MIL)", pattern);
    return DT_OK;
}

/* ---- filters -------------------------------------------------------- */

static int any_match(const char *const *pats, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (dt_actor_match(pats[i], code))
            return 1;
    return 0;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t nn = strlen(needle);
    if (!nn)
        return 1;
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < nn && h[i] &&
               ascii_lower((unsigned char)h[i]) == ascii_lower((unsigned char)needle[i]))
            i++;
        if (i == nn)
            return 1;
    }
    return 0;
}

int dt__evfilter_match(const dt_evfilter *f, const dt_evrec *r, int check_text)
{
    if (!f)
        return 1;
    if (f->after_id && r->id <= f->after_id)
        return 0;
    if (f->from && (!r->date || r->date < f->from))
        return 0;
    if (f->to && (!r->date || r->date > f->to))
        return 0;
    if (f->quad && r->quad != f->quad)
        return 0;
    if (f->ncodes) {
        size_t i;
        for (i = 0; i < f->ncodes; i++)
            if (f->codes[i] && !strncmp(r->code, f->codes[i], strlen(f->codes[i])))
                break;
        if (i == f->ncodes)
            return 0;
    }
    if (f->nsources || f->ntargets) {
        int fwd = (!f->nsources || any_match(f->sources, f->nsources, r->source)) &&
                  (!f->ntargets || any_match(f->targets, f->ntargets, r->target));
        int back = f->undirected &&
                   (!f->nsources || any_match(f->sources, f->nsources, r->target)) &&
                   (!f->ntargets || any_match(f->targets, f->ntargets, r->source));
        if (!fwd && !back)
            return 0;
    }
    if (f->nactors && !any_match(f->actors, f->nactors, r->source) &&
        !any_match(f->actors, f->nactors, r->target))
        return 0;
    if (check_text && f->text && *f->text && !contains_ci(r->text ? r->text : "", f->text))
        return 0;
    return 1;
}

static int check_list(const char *const *p, size_t n, const char *what, dt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = dt_actor_pattern_check(p[i], err);
        if (rc < 0) {
            char m[sizeof err->msg];
            if (err) {
                memcpy(m, err->msg, sizeof m);
                dt_error_set(err, rc, NULL, 0, UINT64_MAX, "%s: %s", what, m);
            }
            return rc;
        }
    }
    return DT_OK;
}

int dt__evfilter_check(const dt_evfilter *f, dt_error *err)
{
    if (!f)
        return DT_OK;
    int rc = check_list(f->sources, f->nsources, "source", err);
    if (rc == DT_OK)
        rc = check_list(f->targets, f->ntargets, "target", err);
    if (rc == DT_OK)
        rc = check_list(f->actors, f->nactors, "actor", err);
    if (rc < 0)
        return rc;
    if (f->quad < 0 || f->quad > 4)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "quad %d is not 1..4", f->quad);
    if (f->from && f->to && f->from > f->to)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "from %d is after to %d",
                            (int)f->from, (int)f->to);
    for (size_t i = 0; i < f->ncodes; i++) {
        const char *c = f->codes[i];
        if (!c || !*c || strlen(c) > 4)
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                "event code prefix '%s' is not 1 to 4 characters", c ? c : "");
        for (const char *q = c; *q; q++)
            if (!((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z')))
                return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                    "event code prefix '%s': digits only", c);
    }
    return DT_OK;
}

void dt__evrec_fill_from_code(dt_evrec *r, int has_root, int has_quad, int has_goldstein)
{
    const dt_cameo_entry *e = r->code ? dt_cameo_lookup(r->code, strlen(r->code)) : NULL;
    r->plover = e ? e->plover_type : "";
    if (!e)
        return;
    if (!has_root || r->root < 1 || r->root > 20)
        r->root = e->root;
    if (!has_quad || r->quad < 1 || r->quad > 4)
        r->quad = e->quad;
    if (!has_goldstein)
        r->goldstein = e->goldstein;
}

/* ---- the in-memory set ---------------------------------------------- */

/* Strings live in chunks; the short ones that repeat (actor codes, event
 * codes, PLOVER types, dictionary files, patterns) are interned so that a
 * million events cost a million pointers, not a million copies. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct dt__evset_mem {
    chunk *chunks;
    size_t cap;          /* capacity of rec */
    const char **intern; /* open addressing, power of two */
    size_t icap, in;
};

static char *mem_alloc(struct dt__evset_mem *m, size_t n)
{
    if (!m->chunks || m->chunks->cap - m->chunks->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        chunk *c = dt_malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = m->chunks;
        c->used = 0;
        c->cap = cap;
        m->chunks = c;
    }
    char *p = m->chunks->data + m->chunks->used;
    m->chunks->used += n;
    return p;
}

static const char *mem_strdup(struct dt__evset_mem *m, const char *s)
{
    if (!s || !*s)
        return "";
    size_t n = strlen(s) + 1;
    char *p = mem_alloc(m, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static const char *mem_intern(struct dt__evset_mem *m, const char *s)
{
    if (!s || !*s)
        return "";
    if (m->in * 2 >= m->icap) {
        size_t ncap = m->icap ? m->icap * 2 : 256;
        const char **nt = dt_calloc(ncap, sizeof *nt);
        if (!nt)
            return NULL;
        for (size_t i = 0; i < m->icap; i++)
            if (m->intern[i]) {
                size_t j = (size_t)hash_str(m->intern[i]) & (ncap - 1);
                while (nt[j])
                    j = (j + 1) & (ncap - 1);
                nt[j] = m->intern[i];
            }
        dt_free(m->intern);
        m->intern = nt;
        m->icap = ncap;
    }
    size_t j = (size_t)hash_str(s) & (m->icap - 1);
    while (m->intern[j]) {
        if (!strcmp(m->intern[j], s))
            return m->intern[j];
        j = (j + 1) & (m->icap - 1);
    }
    const char *p = mem_strdup(m, s);
    if (!p)
        return NULL;
    m->intern[j] = p;
    m->in++;
    return p;
}

int dt_evset_new(dt_evset **out)
{
    *out = NULL;
    dt_evset *s = dt_calloc(1, sizeof *s);
    if (!s)
        return DT_ENOMEM;
    s->mem = dt_calloc(1, sizeof *s->mem);
    if (!s->mem) {
        dt_free(s);
        return DT_ENOMEM;
    }
    *out = s;
    return DT_OK;
}

void dt_evset_free(dt_evset *s)
{
    if (!s)
        return;
    if (s->mem) {
        chunk *c = s->mem->chunks;
        while (c) {
            chunk *n = c->next;
            dt_free(c);
            c = n;
        }
        dt_free(s->mem->intern);
        dt_free(s->mem);
    }
    dt_free(s->rec);
    dt_free(s);
}

int dt_evset_add(dt_evset *s, const dt_evrec *r)
{
    struct dt__evset_mem *m = s->mem;
    if (s->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 1024;
        dt_evrec *nr = dt_realloc(s->rec, ncap * sizeof *nr);
        if (!nr)
            return DT_ENOMEM;
        s->rec = nr;
        m->cap = ncap;
    }
    dt_evrec c = *r;
    c.source = mem_intern(m, r->source);
    c.target = mem_intern(m, r->target);
    c.code = mem_intern(m, r->code);
    c.plover = mem_intern(m, r->plover);
    c.doc_id = mem_intern(m, r->doc_id);
    c.text = mem_strdup(m, r->text);
    c.pattern = mem_intern(m, r->pattern);
    c.dict_file = mem_intern(m, r->dict_file);
    if (!c.source || !c.target || !c.code || !c.plover || !c.doc_id || !c.text || !c.pattern ||
        !c.dict_file)
        return DT_ENOMEM;
    s->rec[s->n++] = c;
    return DT_OK;
}

static int cmp_date_id(const void *a, const void *b)
{
    const dt_evrec *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return 0;
}

void dt_evset_sort_by_date(dt_evset *s)
{
    /* Ids are unique within a source, so (date, id) is a total order and
     * qsort's instability cannot show. */
    if (s && s->n > 1)
        qsort(s->rec, s->n, sizeof *s->rec, cmp_date_id);
}

static int add_cb(void *ctx, const dt_evrec *r)
{
    return dt_evset_add(ctx, r) < 0 ? DT_ENOMEM : 0;
}

int dt_evset_load(dt_evset **out, const char *spec, const dt_evfilter *f, dt_error *err)
{
    *out = NULL;
    dt_evset *s;
    if (dt_evset_new(&s) < 0)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    int rc = dt_evsource_each(spec, f, add_cb, s, err);
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, spec, 0, UINT64_MAX, "out of memory loading events");
    if (rc != DT_OK) {
        dt_evset_free(s);
        return rc < 0 ? rc : DT_EINTERNAL;
    }
    *out = s;
    return DT_OK;
}

/* ---- one-a-day grouping --------------------------------------------- */

struct dt__dedup {
    dt_evset *set;
    size_t *slot; /* open addressing over indexes into set->rec, +1 */
    size_t cap;
};

static uint64_t key_hash(const dt_evrec *r)
{
    uint64_t h = hash_str(r->source) * 31 + hash_str(r->target);
    h = h * 31 + hash_str(r->code);
    return h * 31 + (uint64_t)(uint32_t)r->date;
}

static int key_eq(const dt_evrec *a, const dt_evrec *b)
{
    return a->date == b->date && !strcmp(a->source, b->source) && !strcmp(a->target, b->target) &&
           !strcmp(a->code, b->code);
}

int dt__dedup_new(dt__dedup **out)
{
    *out = NULL;
    dt__dedup *d = dt_calloc(1, sizeof *d);
    if (!d || dt_evset_new(&d->set) < 0) {
        dt_free(d);
        return DT_ENOMEM;
    }
    *out = d;
    return DT_OK;
}

int dt__dedup_add(dt__dedup *d, const dt_evrec *r)
{
    if ((d->set->n + 1) * 2 > d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 1024;
        size_t *ns = dt_calloc(ncap, sizeof *ns);
        if (!ns)
            return DT_ENOMEM;
        for (size_t i = 0; i < d->set->n; i++) {
            size_t j = (size_t)key_hash(&d->set->rec[i]) & (ncap - 1);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = i + 1;
        }
        dt_free(d->slot);
        d->slot = ns;
        d->cap = ncap;
    }
    size_t j = (size_t)key_hash(r) & (d->cap - 1);
    while (d->slot[j]) {
        dt_evrec *g = &d->set->rec[d->slot[j] - 1];
        if (key_eq(g, r)) {
            g->count += r->count ? r->count : 1;
            return DT_OK;
        }
        j = (j + 1) & (d->cap - 1);
    }
    dt_evrec c = *r;
    if (!c.count)
        c.count = 1;
    int rc = dt_evset_add(d->set, &c);
    if (rc < 0)
        return rc;
    d->slot[j] = d->set->n;
    return DT_OK;
}

int dt__dedup_each(dt__dedup *d, int64_t after_id, size_t limit, dt_evrec_fn fn, void *ctx)
{
    size_t sent = 0;
    for (size_t i = 0; i < d->set->n && (!limit || sent < limit); i++) {
        if (d->set->rec[i].id <= after_id)
            continue;
        int rc = fn(ctx, &d->set->rec[i]);
        if (rc)
            return rc;
        sent++;
    }
    return 0;
}

void dt__dedup_free(dt__dedup *d)
{
    if (!d)
        return;
    dt_evset_free(d->set);
    dt_free(d->slot);
    dt_free(d);
}

/* ---- dispatch ------------------------------------------------------- */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static int dedup_cb(void *ctx, const dt_evrec *r)
{
    return dt__dedup_add(ctx, r) < 0 ? DT_ENOMEM : 0;
}

static int each_raw(const char *spec, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                    dt_error *err);

/* One-a-day is done here for every source, in one pass over the raw
 * events in id order: the first event of each (date, source, target,
 * code) stands for the group, as in the store's events_daily view. A
 * SQL GROUP BY gave the same records at five times the CPU (a temporary
 * B-tree over four text columns, on 1M events). The cursor (after_id)
 * applies to the groups' first ids, so a group is never split across
 * pages. */
static int each_dedup(const char *spec, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                      dt_error *err)
{
    dt__dedup *d;
    if (dt__dedup_new(&d) < 0)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    dt_evfilter raw = *f;
    raw.dedup = 0;
    raw.after_id = 0;
    raw.limit = 0;
    int rc = each_raw(spec, &raw, dedup_cb, d, err);
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    /* Bad JSONL lines (DT_EFORMAT with a line) leave the others good. */
    if (rc == DT_OK || (rc == DT_EFORMAT && err && err->line > 0)) {
        int cr = dt__dedup_each(d, f->after_id, f->limit, fn, ctx);
        if (cr)
            rc = cr;
    }
    dt__dedup_free(d);
    return rc;
}

int dt_evsource_each(const char *spec, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                     dt_error *err)
{
    dt_error_clear(err);
    if (!spec || !*spec)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no event source given");
    int rc = dt__evfilter_check(f, err);
    if (rc < 0)
        return rc;
    if (f && f->dedup)
        return each_dedup(spec, f, fn, ctx, err);
    return each_raw(spec, f, fn, ctx, err);
}

static int each_raw(const char *spec, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                    dt_error *err)
{
    if (!strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11))
        return dt__evsource_pg(spec, f, fn, ctx, err);
    if (!strncmp(spec, "sqlite:", 7))
        return dt__evsource_sqlite(spec + 7, spec, f, fn, ctx, err);
    if (ends_with(spec, ".db") || ends_with(spec, ".sqlite") || ends_with(spec, ".sqlite3"))
        return dt__evsource_sqlite(spec, spec, f, fn, ctx, err);
    return dt__evsource_jsonl(spec, f, fn, ctx, err);
}
