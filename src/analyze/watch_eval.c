/* detente — watch rule evaluation: matching one event against a rule, and
 * the per-period status of the rules over a stream of events.
 *
 * State per rule is one slot per period that saw an event, kept sorted by
 * period start; the stream may come in any date order (JSONL from several
 * coder threads does), and the number of periods is small (days over
 * decades at most), so a sorted array with binary search is enough. */
#include "watch_internal.h"

#include "detente/series.h"

#include <math.h>
#include <string.h>

/* ---- matching ---- */

static int is_word(unsigned char c)
{
    /* bytes of multi-byte UTF-8 count as letters, so a phrase never
     * matches half of a non-ASCII word */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int is_gap(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-';
}

int dt__watch_phrase_in(const wtext *t, const char *s, size_t n)
{
    const unsigned char *ph = (const unsigned char *)t->s;
    const unsigned char *u = (const unsigned char *)s;
    int word_start = is_word(ph[0]);
    int word_end = !t->prefix && is_word(ph[t->n - 1]);
    for (size_t i = 0; i < n; i++) {
        if (word_start && i > 0 && is_word(u[i - 1]))
            continue;
        size_t j = 0, k = i;
        while (j < t->n) {
            if (ph[j] == ' ') {
                if (k >= n || !is_gap(u[k]))
                    break;
                while (k < n && is_gap(u[k]))
                    k++;
                j++;
                continue;
            }
            if (k >= n)
                break;
            unsigned char c = u[k];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (c != ph[j])
                break;
            j++;
            k++;
        }
        if (j < t->n)
            continue;
        if (word_end && k < n && is_word(u[k]))
            continue;
        return 1;
    }
    return 0;
}

static int any_actor(const wcond *c, const char *code)
{
    for (size_t i = 0; i < c->nval; i++)
        if (dt_actor_match(c->val[i], code))
            return 1;
    return 0;
}

static int cond_match(const wcond *c, const dt_evrec *r)
{
    int m = 0;
    switch (c->kind) {
    case WC_SOURCE:
        m = any_actor(c, r->source);
        break;
    case WC_TARGET:
        m = any_actor(c, r->target);
        break;
    case WC_ACTOR:
        m = any_actor(c, r->source) || any_actor(c, r->target);
        break;
    case WC_CODE:
        for (size_t i = 0; i < c->nval && !m; i++)
            m = strncmp(r->code, c->val[i], strlen(c->val[i])) == 0;
        break;
    case WC_QUAD:
        m = r->quad >= 1 && r->quad <= 4 && (c->quadmask & (1u << r->quad));
        break;
    case WC_GOLD:
        m = !isnan(r->goldstein) && r->goldstein >= c->lo && r->goldstein <= c->hi;
        break;
    case WC_TEXT: {
        size_t n = strlen(r->text);
        for (size_t i = 0; i < c->ntext && !m; i++) {
            const wtext *t = &c->text[i];
            m = t->is_regex ? regexec(&t->re, r->text, 0, NULL, 0) == 0
                            : dt__watch_phrase_in(t, r->text, n);
        }
        break;
    }
    default:
        break;
    }
    return c->negate ? !m : m;
}

int dt_watch_match(const dt_watchset *ws, size_t rule, const dt_evrec *r)
{
    const wrule *w = &ws->rule[rule];
    if ((w->from && r->date < w->from) || (w->to && (r->date > w->to || r->date == 0)))
        return 0;
    for (size_t i = 0; i < w->ncl; i++) {
        const wclause *cl = &w->cl[i];
        size_t j = 0;
        while (j < cl->n && cond_match(&cl->cond[j], r))
            j++;
        if (j == cl->n)
            return (int)i + 1;
    }
    return 0;
}

/* ---- evaluation ---- */

#define DEFAULT_KEPT 10000
#define MAX_STATUS_ROWS ((size_t)1 << 20)

typedef struct slot {
    int32_t start;
    uint32_t breaches;
    uint32_t events;
} slot;

typedef struct rstate {
    size_t rule;
    int period;
    slot *s;
    size_t n, cap;
} rstate;

struct dt_watch_eval {
    const dt_watchset *ws;
    int period;
    int32_t from, to;
    size_t max_kept;
    rstate *rs;
    size_t *idx; /* rule index of each rs */
    size_t nrs;
    int32_t dmin, dmax;
    dt_watch_breach *kept;
    size_t nkept, capkept;
    dt_evrec **rec; /* owned copies of the kept breaches' events */
    size_t nrec, caprec;
    uint64_t total, events;
};

void dt_watch_eval_free(dt_watch_eval *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nrs; i++)
        dt_free(e->rs[i].s);
    dt_free(e->rs);
    dt_free(e->idx);
    for (size_t i = 0; i < e->nrec; i++)
        dt_free(e->rec[i]);
    dt_free(e->rec);
    dt_free(e->kept);
    dt_free(e);
}

int dt_watch_eval_new(dt_watch_eval **out, const dt_watchset *ws, const dt_watch_opts *opts,
                      dt_error *err)
{
    *out = NULL;
    dt_watch_opts o;
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    else
        o.period = DT_PERIOD_MONTH;
    if (!ws || !dt_period_name(o.period) || o.period < DT_PERIOD_DAY || o.period > DT_PERIOD_YEAR)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "watch: bad period %d", o.period);
    dt_watch_eval *e = dt_calloc(1, sizeof *e);
    if (!e)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, NULL);
    e->ws = ws;
    e->period = o.period;
    e->from = o.from;
    e->to = o.to;
    e->max_kept = o.max_kept ? o.max_kept : DEFAULT_KEPT;
    e->rs = dt_calloc(ws->n ? ws->n : 1, sizeof *e->rs);
    e->idx = dt_calloc(ws->n ? ws->n : 1, sizeof *e->idx);
    if (!e->rs || !e->idx) {
        dt_watch_eval_free(e);
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, NULL);
    }
    for (size_t i = 0; i < o.nrules; i++) {
        if (dt_watchset_find(ws, o.rules[i]) < 0) {
            dt_watch_eval_free(e);
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no watch rule named '%s'",
                                o.rules[i] ? o.rules[i] : "");
        }
    }
    for (size_t r = 0; r < ws->n; r++) {
        int want = o.nrules == 0;
        for (size_t i = 0; i < o.nrules && !want; i++)
            want = !strcmp(o.rules[i], ws->rule[r].name);
        if (!want)
            continue;
        e->idx[e->nrs] = r;
        e->rs[e->nrs].rule = r;
        e->rs[e->nrs].period = ws->rule[r].period >= 0 ? ws->rule[r].period : o.period;
        e->nrs++;
    }
    *out = e;
    return DT_OK;
}

/* The slot of period start st in rs, inserted (zeroed) if missing. */
static slot *find_slot(rstate *rs, int32_t st, int insert)
{
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rs->s[mid].start < st)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < rs->n && rs->s[lo].start == st)
        return &rs->s[lo];
    if (!insert)
        return NULL;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        slot *ns = dt_realloc(rs->s, cap * sizeof *ns);
        if (!ns)
            return NULL;
        rs->s = ns;
        rs->cap = cap;
    }
    memmove(&rs->s[lo + 1], &rs->s[lo], (rs->n - lo) * sizeof *rs->s);
    rs->n++;
    memset(&rs->s[lo], 0, sizeof rs->s[lo]);
    rs->s[lo].start = st;
    return &rs->s[lo];
}

/* A copy of r in one block (the record, then its strings). */
static dt_evrec *copy_rec(const dt_evrec *r)
{
    const char *strs[8] = {r->source, r->target, r->code,    r->plover,
                           r->doc_id, r->text,   r->pattern, r->dict_file};
    size_t len[8], total = sizeof *r;
    for (int i = 0; i < 8; i++) {
        len[i] = strs[i] ? strlen(strs[i]) : 0;
        total += len[i] + 1;
    }
    dt_evrec *c = dt_malloc(total);
    if (!c)
        return NULL;
    *c = *r;
    char *p = (char *)(c + 1);
    const char **dst[8] = {&c->source, &c->target, &c->code,    &c->plover,
                           &c->doc_id, &c->text,   &c->pattern, &c->dict_file};
    for (int i = 0; i < 8; i++) {
        if (len[i])
            memcpy(p, strs[i], len[i]);
        p[len[i]] = '\0';
        *dst[i] = p;
        p += len[i] + 1;
    }
    return c;
}

int dt_watch_eval_add(dt_watch_eval *e, const dt_evrec *r, dt_watch_breach_fn fn, void *ctx)
{
    /* without a calendar date an event belongs to no period */
    if (dt_period_start(r->date, DT_PERIOD_DAY) == 0 || (e->from && r->date < e->from) ||
        (e->to && r->date > e->to))
        return DT_OK;
    /* Match first (pure), then make room for everything, then count: so
     * that running out of memory leaves the event uncounted everywhere
     * rather than counted for some rules. */
    int clause[DT_WATCH_MAX_RULES];
    size_t nbreach = 0;
    for (size_t i = 0; i < e->nrs; i++) {
        rstate *rs = &e->rs[i];
        const wrule *w = &e->ws->rule[rs->rule];
        clause[i] = -1; /* outside the rule's active range */
        if ((w->from && r->date < w->from) || (w->to && r->date > w->to))
            continue;
        clause[i] = dt_watch_match(e->ws, rs->rule, r);
        if (clause[i] > 0)
            nbreach++;
        if (!find_slot(rs, dt_period_start(r->date, rs->period), 1))
            return DT_ENOMEM;
    }
    dt_evrec *copy = NULL;
    if (nbreach && e->nkept < e->max_kept) {
        size_t need = e->nkept + nbreach;
        if (need > e->capkept) {
            size_t cap = e->capkept ? e->capkept : 64;
            while (cap < need)
                cap *= 2;
            dt_watch_breach *nk = dt_realloc(e->kept, cap * sizeof *nk);
            if (!nk)
                return DT_ENOMEM;
            e->kept = nk;
            e->capkept = cap;
        }
        if (e->nrec == e->caprec) {
            size_t cap = e->caprec ? e->caprec * 2 : 64;
            dt_evrec **nr = dt_realloc(e->rec, cap * sizeof *nr);
            if (!nr)
                return DT_ENOMEM;
            e->rec = nr;
            e->caprec = cap;
        }
        copy = copy_rec(r);
        if (!copy)
            return DT_ENOMEM;
        e->rec[e->nrec++] = copy;
    }
    if (e->events == 0 || r->date < e->dmin)
        e->dmin = r->date;
    if (e->events == 0 || r->date > e->dmax)
        e->dmax = r->date;
    e->events++;
    for (size_t i = 0; i < e->nrs; i++) {
        if (clause[i] < 0)
            continue;
        rstate *rs = &e->rs[i];
        slot *sl = find_slot(rs, dt_period_start(r->date, rs->period), 0);
        sl->events++;
        if (clause[i] == 0)
            continue;
        sl->breaches++;
        e->total++;
        dt_watch_breach b;
        b.rule = rs->rule;
        b.name = e->ws->rule[rs->rule].name;
        b.clause = clause[i];
        b.period = rs->period;
        b.start = sl->start;
        b.ev = r;
        if (copy && e->nkept < e->max_kept) {
            e->kept[e->nkept] = b;
            e->kept[e->nkept].ev = copy;
            e->nkept++;
        }
    }
    if (fn && nbreach) {
        /* callbacks last: a callback that stops the stream must not leave
         * the counts half done */
        for (size_t i = 0; i < e->nrs; i++) {
            if (clause[i] <= 0)
                continue;
            rstate *rs = &e->rs[i];
            dt_watch_breach b;
            b.rule = rs->rule;
            b.name = e->ws->rule[rs->rule].name;
            b.clause = clause[i];
            b.period = rs->period;
            b.start = dt_period_start(r->date, rs->period);
            b.ev = r;
            int stop = fn(ctx, &b);
            if (stop)
                return stop;
        }
    }
    return DT_OK;
}

typedef struct src_ctx {
    dt_watch_eval *e;
    dt_watch_breach_fn fn;
    void *ctx;
} src_ctx;

static int src_cb(void *ctx, const dt_evrec *r)
{
    src_ctx *c = ctx;
    return dt_watch_eval_add(c->e, r, c->fn, c->ctx);
}

int dt_watch_eval_source(dt_watch_eval *e, const char *spec, dt_watch_breach_fn fn, void *ctx,
                         dt_error *err)
{
    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = e->from;
    f.to = e->to;
    f.evidence = 1;
    src_ctx c = {e, fn, ctx};
    int rc = dt_evsource_each(spec, &f, src_cb, &c, err);
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, spec, 0, UINT64_MAX, NULL);
    return rc;
}

const size_t *dt_watch_eval_rules(const dt_watch_eval *e, size_t *n)
{
    *n = e->nrs;
    return e->idx;
}

static const rstate *find_rs(const dt_watch_eval *e, size_t rule)
{
    for (size_t i = 0; i < e->nrs; i++)
        if (e->rs[i].rule == rule)
            return &e->rs[i];
    return NULL;
}

int dt_watch_eval_period(const dt_watch_eval *e, size_t rule)
{
    const rstate *rs = find_rs(e, rule);
    return rs ? rs->period : e->period;
}

int dt_watch_eval_status(const dt_watch_eval *e, size_t rule, dt_watch_status **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    const rstate *rs = find_rs(e, rule);
    if (!rs)
        return DT_EINVAL;
    const wrule *w = &e->ws->rule[rule];
    int32_t lo = e->from ? e->from : e->dmin;
    int32_t hi = e->to ? e->to : e->dmax;
    if (!lo || !hi) /* no events and no range given */
        return DT_OK;
    if (w->from && w->from > lo)
        lo = w->from;
    if (w->to && w->to < hi)
        hi = w->to;
    if (lo > hi)
        return DT_OK;
    int32_t st = dt_period_start(lo, rs->period);
    size_t cap = 0, k = 0;
    dt_watch_status *out = NULL;
    for (; st && st <= hi; st = dt_period_next(st, rs->period)) {
        if (k == MAX_STATUS_ROWS) {
            dt_free(out);
            return DT_ELIMIT;
        }
        if (k == cap) {
            cap = cap ? cap * 2 : 64;
            dt_watch_status *no = dt_realloc(out, cap * sizeof *no);
            if (!no) {
                dt_free(out);
                return DT_ENOMEM;
            }
            out = no;
        }
        const slot *s = find_slot((rstate *)rs, st, 0);
        out[k].start = st;
        out[k].breaches = s ? s->breaches : 0;
        out[k].events = s ? s->events : 0;
        out[k].broken = out[k].breaches > 0;
        k++;
    }
    *rows = out;
    *n = k;
    return DT_OK;
}

size_t dt_watch_eval_nkept(const dt_watch_eval *e)
{
    return e->nkept;
}

const dt_watch_breach *dt_watch_eval_kept(const dt_watch_eval *e, size_t i)
{
    return i < e->nkept ? &e->kept[i] : NULL;
}

uint64_t dt_watch_eval_total(const dt_watch_eval *e)
{
    return e->total;
}

uint64_t dt_watch_eval_events(const dt_watch_eval *e)
{
    return e->events;
}

const dt_watchset *dt__watch_eval_set(const dt_watch_eval *e);
const dt_watchset *dt__watch_eval_set(const dt_watch_eval *e)
{
    return e->ws;
}
