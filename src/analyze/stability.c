/* Regional stability index, its change points and their drivers. The
 * definition and its rationale are in docs/stability.md; the contract in
 * include/detente/stability.h. */
#include "detente/stability.h"

#include "analyze_json.h"

#include "detente/series.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of one analysis, as the server's answers (docs/api.md). The
 * Bayesian change-point detector is exact, so quadratic in the rows: a
 * store with one event dated 9999-12-31 among the demo's made 7,983
 * yearly rows (12.5 s) or 31,932 quarterly ones (86 s); past this many,
 * the caller is asked for from/to or a longer period. */
#define MAX_PERIODS 20000

/* ---- region files ------------------------------------------------------ */

static char *dup_n(const char *p, size_t n)
{
    char *s = dt_malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

void dt_region_free(dt_region *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nactors; i++)
        dt_free(r->actors[i]);
    dt_free(r->actors);
    dt_free(r->weight);
    dt_free(r->name);
    dt_free(r);
}

int dt_region_actor(const dt_region *r, const char *code)
{
    if (!r || !code || !*code)
        return -1;
    for (size_t i = 0; i < r->nactors; i++)
        if (dt_actor_match(r->actors[i], code))
            return (int)i;
    return -1;
}

/* Words of one line: at most a few per keyword, so a small fixed array;
 * `more` tells that the line had more than fit. */
enum { MAX_WORDS = 64 };
typedef struct words {
    dt_str w[MAX_WORDS];
    size_t n;
    int more;
} words;

static void split_line(const char *p, size_t len, words *out)
{
    out->n = 0;
    out->more = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i >= len || p[i] == '#')
            break;
        size_t s = i;
        while (i < len && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#')
            i++;
        if (out->n == MAX_WORDS) {
            out->more = 1;
            break;
        }
        out->w[out->n++] = (dt_str){p + s, i - s};
    }
}

static int str_is(dt_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int find_actor(const dt_region *r, const char *p, size_t n)
{
    for (size_t i = 0; i < r->nactors; i++)
        if (strlen(r->actors[i]) == n && memcmp(r->actors[i], p, n) == 0)
            return (int)i;
    return -1;
}

/* A finite number >= 0 written as digits with an optional fraction. */
static int parse_weight(dt_str s, double *out)
{
    char buf[64];
    if (s.n == 0 || s.n >= sizeof buf)
        return -1;
    for (size_t i = 0; i < s.n; i++)
        if (!((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '.'))
            return -1;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v) || v < 0.0)
        return -1;
    *out = v;
    return 0;
}

static int region_add_actor(dt_region *r, dt_str a)
{
    char **v = dt_realloc(r->actors, (r->nactors + 1) * sizeof *v);
    if (!v)
        return DT_ENOMEM;
    r->actors = v;
    if (!(v[r->nactors] = dup_n(a.p, a.n)))
        return DT_ENOMEM;
    r->nactors++;
    return DT_OK;
}

/* Weights are set once the actors are known, so keep them as a list of
 * (i, j, w, directed) until the end of the file. */
typedef struct wspec {
    size_t i, j;
    double w;
    int directed;
} wspec;

int dt_region_parse(dt_region **out, const char *text, size_t len, const char *file, dt_error *err)
{
    if (!out || (!text && len))
        return dt_error_set(err, DT_EINVAL, file ? file : "", 0, UINT64_MAX,
                            "region: NULL argument");
    *out = NULL;
    if (!file)
        file = "<region>";
    dt_region *r = dt_calloc(1, sizeof *r);
    wspec *ws = NULL;
    size_t nws = 0;
    int rc = DT_OK;
    if (!r)
        return dt_error_set(err, DT_ENOMEM, file, 0, UINT64_MAX, "out of memory");
    r->period = -1;
    uint64_t lineno = 0, actors_line = 0;
    size_t pos = 0;
    words w;
#define BAD(...)                                                                                   \
    do {                                                                                           \
        rc = dt_error_set(err, DT_EFORMAT, file, lineno, UINT64_MAX, __VA_ARGS__);                 \
        goto fail;                                                                                 \
    } while (0)
#define NOMEM()                                                                                    \
    do {                                                                                           \
        rc = dt_error_set(err, DT_ENOMEM, file, lineno, UINT64_MAX, "out of memory");              \
        goto fail;                                                                                 \
    } while (0)
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        lineno++;
        const char *line = text + pos;
        size_t llen = end - pos;
        pos = end + 1;
        if (memchr(line, '\0', llen))
            BAD("NUL byte in line");
        split_line(line, llen, &w);
        if (w.n == 0)
            continue;
        dt_str kw = w.w[0];
        if (str_is(kw, "region")) {
            if (r->name)
                BAD("a second 'region' line (one region per file)");
            if (w.n != 2)
                BAD("'region' takes one name");
            for (size_t i = 0; i < w.w[1].n; i++) {
                char c = w.w[1].p[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.'))
                    BAD("region name '%.*s': use letters, digits, '_', '-' or '.'", (int)w.w[1].n,
                        w.w[1].p);
            }
            if (!(r->name = dup_n(w.w[1].p, w.w[1].n)))
                NOMEM();
        } else if (str_is(kw, "actors")) {
            if (w.n < 2)
                BAD("'actors' needs at least one actor pattern");
            if (w.more)
                BAD("too many words on one line (at most %d)", MAX_WORDS);
            if (nws)
                BAD("'actors' after a 'weight' line: list the actors first");
            for (size_t k = 1; k < w.n; k++) {
                char pat[128];
                if (w.w[k].n >= sizeof pat)
                    BAD("actor pattern too long");
                memcpy(pat, w.w[k].p, w.w[k].n);
                pat[w.w[k].n] = '\0';
                dt_error perr;
                if (dt_actor_pattern_check(pat, &perr) < 0)
                    BAD("bad actor pattern '%s': %s", pat, perr.msg);
                if (find_actor(r, w.w[k].p, w.w[k].n) >= 0)
                    BAD("actor '%s' listed twice", pat);
                if (region_add_actor(r, w.w[k]))
                    NOMEM();
            }
            actors_line = lineno;
        } else if (str_is(kw, "weight")) {
            if (w.n != 3)
                BAD("'weight' takes a dyad (A-B or A>B) and a number");
            dt_str d = w.w[1];
            size_t sep = 0;
            while (sep < d.n && d.p[sep] != '-' && d.p[sep] != '>')
                sep++;
            if (sep == 0 || sep + 1 >= d.n)
                BAD("dyad '%.*s': write A-B (both directions) or A>B", (int)d.n, d.p);
            int a = find_actor(r, d.p, sep), b = find_actor(r, d.p + sep + 1, d.n - sep - 1);
            if (a < 0)
                BAD("dyad '%.*s': '%.*s' is not a listed actor", (int)d.n, d.p, (int)sep, d.p);
            if (b < 0)
                BAD("dyad '%.*s': '%.*s' is not a listed actor", (int)d.n, d.p,
                    (int)(d.n - sep - 1), d.p + sep + 1);
            if (a == b)
                BAD("dyad '%.*s': an actor with itself is not a dyad", (int)d.n, d.p);
            double v;
            if (parse_weight(w.w[2], &v))
                BAD("weight '%.*s' is not a number >= 0", (int)w.w[2].n, w.w[2].p);
            wspec *nw = dt_realloc(ws, (nws + 1) * sizeof *nw);
            if (!nw)
                NOMEM();
            ws = nw;
            ws[nws++] = (wspec){(size_t)a, (size_t)b, v, d.p[sep] == '>'};
        } else if (str_is(kw, "period")) {
            if (w.n != 2)
                BAD("'period' takes one of day, week, month, quarter, year");
            char pn[16];
            if (w.w[1].n >= sizeof pn)
                BAD("unknown period '%.*s'", (int)w.w[1].n, w.w[1].p);
            memcpy(pn, w.w[1].p, w.w[1].n);
            pn[w.w[1].n] = '\0';
            int p = dt_period_from_name(pn);
            if (p < 0)
                BAD("unknown period '%s' (day, week, month, quarter or year)", pn);
            if (r->period >= 0)
                BAD("a second 'period' line");
            r->period = p;
        } else {
            BAD("unknown keyword '%.*s' (region, actors, weight, period)", (int)kw.n, kw.p);
        }
    }
    lineno = 0;
    if (!r->name)
        BAD("no 'region NAME' line");
    if (r->nactors < 2) {
        lineno = actors_line;
        BAD("a region needs at least two actors");
    }
    size_t na = r->nactors;
    if (!(r->weight = dt_malloc(na * na * sizeof *r->weight)))
        NOMEM();
    for (size_t i = 0; i < na * na; i++)
        r->weight[i] = 1.0;
    for (size_t k = 0; k < nws; k++) {
        r->weight[ws[k].i * na + ws[k].j] = ws[k].w;
        if (!ws[k].directed)
            r->weight[ws[k].j * na + ws[k].i] = ws[k].w;
    }
#undef BAD
#undef NOMEM
    dt_free(ws);
    *out = r;
    return DT_OK;
fail:
    dt_free(ws);
    dt_region_free(r);
    return rc;
}

int dt_region_load(dt_region **out, const char *path, dt_error *err)
{
    if (!out || !path)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "region: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot open: %s", strerror(errno));
    /* Region files are a few lines; a megabyte is far beyond any real one
     * and keeps a wrong path (a store, a corpus) from being slurped. */
    enum { LIMIT = 1 << 20 };
    char *buf = dt_malloc(LIMIT);
    if (!buf) {
        fclose(f);
        return dt_error_set(err, DT_ENOMEM, path, 0, UINT64_MAX, "out of memory");
    }
    size_t n = fread(buf, 1, LIMIT, f);
    int rd = ferror(f), more = !rd && n == LIMIT && fgetc(f) != EOF;
    fclose(f);
    int rc;
    if (rd)
        rc = dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "read error");
    else if (more)
        rc = dt_error_set(err, DT_ELIMIT, path, 0, UINT64_MAX,
                          "larger than 1 MiB: not a region file");
    else
        rc = dt_region_parse(out, buf, n, path, err);
    dt_free(buf);
    return rc;
}

/* ---- the index ---------------------------------------------------------- */

void dt_stability_opts_init(dt_stability_opts *o)
{
    memset(o, 0, sizeof *o);
    o->period = -1;
    o->shrink = 10.0;
    o->vol_window = 3;
    o->w_balance = 0.5;
    o->w_material = 0.25;
    o->w_volatility = 0.25;
    o->min_dyad_events = 10;
    o->window = 6;
    o->max_drivers = 3;
    o->max_event_ids = 5;
}

void dt_stability_free(dt_stability *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nactors; i++)
        dt_free(s->actors[i]);
    dt_free(s->actors);
    dt_free(s->region);
    dt_free(s->rows);
    for (size_t k = 0; k < s->ncps; k++) {
        for (size_t d = 0; d < s->cps[k].ndrivers; d++)
            dt_free(s->cps[k].drivers[d].event_ids);
        dt_free(s->cps[k].drivers);
    }
    dt_free(s->cps);
    dt_free(s->dyad_net);
    dt_free(s->dyad_events);
    dt_free(s);
}

/* One event between two region actors, reduced to what the index needs. */
typedef struct revent {
    int64_t id;
    int32_t pstart; /* first day of its period */
    size_t row;
    size_t src, tgt;
    double g, w; /* Goldstein; dyad weight times count */
    uint32_t count;
    int quad;
} revent;

typedef struct ctx {
    const dt_stability_opts *o;
    dt_stability *s;
    revent *ev;
    size_t nev;
    size_t lo; /* first row with data: detection starts here */
    dt_error *err;
} ctx;

static size_t row_of(const dt_stability *s, int32_t pstart)
{
    size_t a = 0, b = s->nrows;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (s->rows[m].start < pstart)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

static int push_cp(dt_stability *s, size_t *cap, const dt_stability_cp *c)
{
    if (s->ncps == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        dt_stability_cp *v = dt_realloc(s->cps, nc * sizeof *v);
        if (!v)
            return DT_ENOMEM;
        s->cps = v;
        *cap = nc;
    }
    s->cps[s->ncps++] = *c;
    return DT_OK;
}

static int cmp_rank(const void *a, const void *b)
{
    const double *x = a, *y = b; /* [score, tiebreak] pairs */
    if (x[0] != y[0])
        return x[0] < y[0] ? 1 : -1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The events of dyad (i, j) in rows [a, b) that pushed in direction dir,
 * strongest first (ties: lower id first). */
static int driver_events(ctx *c, dt_stability_driver *d, size_t a, size_t b, int dir)
{
    size_t cap = c->o->max_event_ids, m = 0;
    d->event_ids = NULL;
    d->nevent_ids = 0;
    if (!cap)
        return DT_OK;
    double *rank = NULL;
    size_t nrank = 0;
    for (size_t k = 0; k < c->nev; k++) {
        const revent *e = &c->ev[k];
        if (e->src == d->source && e->tgt == d->target && e->row >= a && e->row < b &&
            e->g * dir > 0)
            m++;
    }
    if (!m)
        return DT_OK;
    if (!(rank = dt_malloc(m * 2 * sizeof *rank)))
        return DT_ENOMEM;
    for (size_t k = 0; k < c->nev; k++) {
        const revent *e = &c->ev[k];
        if (e->src == d->source && e->tgt == d->target && e->row >= a && e->row < b &&
            e->g * dir > 0) {
            rank[2 * nrank] = fabs(e->g) * e->w;
            rank[2 * nrank + 1] = (double)e->id;
            nrank++;
        }
    }
    qsort(rank, nrank, 2 * sizeof *rank, cmp_rank);
    if (nrank > cap)
        nrank = cap;
    d->event_ids = dt_malloc(nrank * sizeof *d->event_ids);
    if (!d->event_ids) {
        dt_free(rank);
        return DT_ENOMEM;
    }
    for (size_t k = 0; k < nrank; k++)
        d->event_ids[k] = (int64_t)rank[2 * k + 1];
    d->nevent_ids = nrank;
    dt_free(rank);
    return DT_OK;
}

static double mean_net(const dt_stability *s, size_t i, size_t j, size_t a, size_t b)
{
    if (b <= a)
        return 0.0;
    const double *v = s->dyad_net + (i * s->nactors + j) * s->nrows;
    double sum = 0.0;
    for (size_t t = a; t < b; t++)
        sum += v[t];
    return sum / (double)(b - a);
}

/* Windows around a change at row r of one detector's run, not crossing
 * its neighbouring changes: before [*b0, r), after [r, *a1). */
static void windows(const ctx *c, const dt_changepoint *cps, size_t k, size_t ncp, size_t r,
                    size_t *b0, size_t *a1)
{
    size_t w = c->o->window ? c->o->window : 1;
    size_t prev = k ? cps[k - 1].index + c->lo : c->lo;
    size_t next = k + 1 < ncp ? cps[k + 1].index + c->lo : c->s->nrows;
    *b0 = r >= prev + w ? r - w : prev;
    *a1 = r + w < next ? r + w : next;
}

/* Rank the dyads by how far they moved in the change's direction. */
static int index_drivers(ctx *c, dt_stability_cp *cp, size_t b0, size_t a1)
{
    dt_stability *s = c->s;
    size_t na = s->nactors, m = 0;
    double *rank = dt_malloc(na * na * 2 * sizeof *rank);
    if (!rank)
        return DT_ENOMEM;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            if (i == j)
                continue;
            double delta = mean_net(s, i, j, cp->row, a1) - mean_net(s, i, j, b0, cp->row);
            if (delta * cp->direction > 0) {
                rank[2 * m] = fabs(delta);
                rank[2 * m + 1] = (double)(i * na + j);
                m++;
            }
        }
    qsort(rank, m, 2 * sizeof *rank, cmp_rank);
    if (m > c->o->max_drivers)
        m = c->o->max_drivers;
    cp->drivers = m ? dt_calloc(m, sizeof *cp->drivers) : NULL;
    if (m && !cp->drivers) {
        dt_free(rank);
        return DT_ENOMEM;
    }
    for (size_t k = 0; k < m; k++) {
        size_t ij = (size_t)rank[2 * k + 1];
        dt_stability_driver *d = &cp->drivers[k];
        d->source = ij / na;
        d->target = ij % na;
        d->delta = rank[2 * k] * cp->direction;
        cp->ndrivers = k + 1;
        if (driver_events(c, d, cp->row, a1, cp->direction)) {
            dt_free(rank);
            return DT_ENOMEM;
        }
    }
    dt_free(rank);
    return DT_OK;
}

typedef int (*detector)(const double *, size_t, const dt_cp_opts *, dt_changepoint **, size_t *,
                        dt_error *);

/* Run both detectors on x[c->lo .. nrows) and add their changes. dyad < 0:
 * the index; else the dyad i = dyad / na, j = dyad % na. */
static int detect(ctx *c, const double *x, long dyad, size_t *cap)
{
    static const detector det[2] = {dt_cusum_detect, dt_bocpd_detect};
    dt_stability *s = c->s;
    size_t na = s->nactors;
    if (s->nrows <= c->lo)
        return DT_OK;
    for (size_t m = 0; m < 2; m++) {
        dt_changepoint *cps = NULL;
        size_t ncp = 0;
        int rc = det[m](x + c->lo, s->nrows - c->lo, &c->o->cp, &cps, &ncp, c->err);
        if (rc)
            return rc;
        for (size_t k = 0; k < ncp; k++) {
            dt_stability_cp cp = {0};
            cp.row = cps[k].index + c->lo;
            cp.alarm_row = cps[k].alarm + c->lo;
            cp.method = cps[k].method;
            cp.direction = cps[k].direction;
            cp.magnitude = cps[k].magnitude;
            cp.score = cps[k].score;
            size_t b0, a1;
            windows(c, cps, k, ncp, cp.row, &b0, &a1);
            if (dyad < 0) {
                rc = index_drivers(c, &cp, b0, a1);
            } else {
                cp.is_dyad = 1;
                cp.source = (size_t)dyad / na;
                cp.target = (size_t)dyad % na;
                cp.drivers = dt_calloc(1, sizeof *cp.drivers);
                if (!cp.drivers) {
                    rc = DT_ENOMEM;
                } else {
                    cp.ndrivers = 1;
                    cp.drivers[0].source = cp.source;
                    cp.drivers[0].target = cp.target;
                    cp.drivers[0].delta = cp.magnitude;
                    rc = driver_events(c, &cp.drivers[0], cp.row, a1, cp.direction);
                }
            }
            if (!rc)
                rc = push_cp(s, cap, &cp);
            if (rc) {
                for (size_t d = 0; d < cp.ndrivers; d++)
                    dt_free(cp.drivers[d].event_ids);
                dt_free(cp.drivers);
                dt_free(cps);
                return dt_error_set(c->err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
            }
        }
        dt_free(cps);
    }
    return DT_OK;
}

static int cmp_cp(const void *a, const void *b)
{
    const dt_stability_cp *x = a, *y = b;
    if (x->is_dyad != y->is_dyad)
        return x->is_dyad - y->is_dyad;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->method - y->method;
}

static int check_opts(const dt_stability_opts *o, dt_error *err)
{
    double ws = o->w_balance + o->w_material + o->w_volatility;
    if (o->period < -1 || o->period > DT_PERIOD_YEAR)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: bad period");
    if (!(o->w_balance >= 0) || !(o->w_material >= 0) || !(o->w_volatility >= 0) || !(ws > 0) ||
        !isfinite(ws))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "stability: component weights must be >= 0 with a positive sum");
    if (!(o->shrink >= 0) || !isfinite(o->shrink))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: shrink must be >= 0");
    if (o->vol_window < 1)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "stability: volatility window must be >= 1");
    if (o->from && o->to && o->from > o->to)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: from is after to");
    return DT_OK;
}

static int copy_region(dt_stability *s, const dt_region *reg)
{
    if (!(s->region = dup_n(reg->name, strlen(reg->name))))
        return DT_ENOMEM;
    if (!(s->actors = dt_calloc(reg->nactors, sizeof *s->actors)))
        return DT_ENOMEM;
    for (size_t i = 0; i < reg->nactors; i++) {
        if (!(s->actors[i] = dup_n(reg->actors[i], strlen(reg->actors[i]))))
            return DT_ENOMEM;
        s->nactors = i + 1;
    }
    return DT_OK;
}

/* B, M, V and S per row; empty rows carry B and M forward. */
static void fill_index(dt_stability *s, const double *wsum, const double *wmat,
                       const dt_stability_opts *o)
{
    double prevB = 0.0, prevM = 0.0;
    double wt = o->w_balance + o->w_material + o->w_volatility;
    for (size_t t = 0; t < s->nrows; t++) {
        dt_stability_row *r = &s->rows[t];
        if (r->events) {
            r->balance = (r->coop - r->confl) / (r->coop + r->confl + o->shrink);
            if (!isfinite(r->balance)) /* shrink 0 and only g == 0 events */
                r->balance = 0.0;
            r->material_conflict_share = wsum[t] > 0 ? wmat[t] / wsum[t] : 0.0;
        } else {
            r->balance = prevB;
            r->material_conflict_share = prevM;
        }
        prevB = r->balance;
        prevM = r->material_conflict_share;
        double ss = 0.0;
        size_t k = 0;
        for (size_t u = t; u > 0 && k < o->vol_window; u--, k++) {
            double d = s->rows[u].balance - s->rows[u - 1].balance;
            ss += d * d;
        }
        r->volatility = k ? sqrt(ss / (double)k) / 2.0 : 0.0;
        /* The first period has no change to measure: its volatility is
         * unknown, not 0, so it is left out rather than counted as calm. */
        double wv = k ? o->w_volatility : 0.0, wdiv = wt - o->w_volatility + wv;
        r->index = wdiv > 0 ? (o->w_balance * r->balance +
                               o->w_material * (1.0 - 2.0 * r->material_conflict_share) +
                               wv * (1.0 - 2.0 * r->volatility)) /
                                  wdiv
                            : 0.0;
    }
}

int dt_stability_compute(dt_stability **out, const dt_region *reg, const dt_evrec *r, size_t n,
                         const dt_stability_opts *opts, dt_error *err)
{
    if (!out || !reg || (!r && n))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: NULL argument");
    *out = NULL;
    dt_stability_opts o;
    if (opts)
        o = *opts;
    else
        dt_stability_opts_init(&o);
    int rc = check_opts(&o, err);
    if (rc)
        return rc;
    int period = o.period >= 0 ? o.period : reg->period >= 0 ? reg->period : DT_PERIOD_MONTH;
    size_t na = reg->nactors;

    dt_stability *s = dt_calloc(1, sizeof *s);
    revent *ev = NULL;
    double *wsum = NULL, *wmat = NULL, *x = NULL;
    size_t nev = 0, cap = 0;
    if (!s || copy_region(s, reg))
        goto nomem;
    s->period = period;

    /* Pass 1: the region's events. */
    int32_t lo = 0, hi = 0;
    for (size_t k = 0; k < n; k++) {
        const dt_evrec *e = &r[k];
        if (!e->date || (o.from && e->date < o.from) || (o.to && e->date > o.to))
            continue;
        int i = dt_region_actor(reg, e->source), j = dt_region_actor(reg, e->target);
        if (i < 0 || j < 0 || i == j)
            continue;
        double w = reg->weight[(size_t)i * na + (size_t)j];
        uint32_t cnt = e->count ? e->count : 1;
        int32_t ps = dt_period_start(e->date, period);
        if (w <= 0.0 || !ps || !isfinite(e->goldstein))
            continue;
        if (nev == cap) {
            size_t nc = cap ? 2 * cap : 256;
            revent *v = dt_realloc(ev, nc * sizeof *v);
            if (!v)
                goto nomem;
            ev = v;
            cap = nc;
        }
        ev[nev++] =
            (revent){e->id, ps, 0, (size_t)i, (size_t)j, e->goldstein, w * cnt, cnt, e->quad};
        if (!lo || ps < lo)
            lo = ps;
        if (ps > hi)
            hi = ps;
    }
    int32_t first = o.from ? dt_period_start(o.from, period) : lo;
    int32_t last = o.to ? dt_period_start(o.to, period) : hi;
    if ((o.from && !first) || (o.to && !last)) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: bad from/to date");
        goto fail;
    }
    if (nev && !first)
        first = lo;
    if (nev && !last)
        last = hi;

    /* Dense rows from first to last. */
    if (first && last && first <= last) {
        size_t cnt = 0;
        for (int32_t p = first; p && p <= last; p = dt_period_next(p, period))
            if (++cnt > MAX_PERIODS) {
                rc = dt_error_set(err, DT_ELIMIT, "", 0, UINT64_MAX,
                                  "stability: more than %d periods: set from/to", MAX_PERIODS);
                goto fail;
            }
        s->rows = dt_calloc(cnt, sizeof *s->rows);
        wsum = dt_calloc(cnt, sizeof *wsum);
        wmat = dt_calloc(cnt, sizeof *wmat);
        s->dyad_net = dt_calloc(na * na * cnt, sizeof *s->dyad_net);
        s->dyad_events = dt_calloc(na * na * cnt, sizeof *s->dyad_events);
        if (!s->rows || !wsum || !wmat || !s->dyad_net || !s->dyad_events)
            goto nomem;
        int32_t p = first;
        for (size_t t = 0; t < cnt; t++, p = dt_period_next(p, period))
            s->rows[t].start = p;
        s->nrows = cnt;
    }

    size_t firstdata = s->nrows;
    for (size_t k = 0; k < nev; k++) {
        revent *e = &ev[k];
        if (e->pstart < first || e->pstart > last)
            continue;
        e->row = row_of(s, e->pstart);
        dt_stability_row *row = &s->rows[e->row];
        row->events += e->count;
        if (e->g > 0)
            row->coop += e->w * e->g;
        else
            row->confl += e->w * -e->g;
        wsum[e->row] += e->w;
        if (e->quad == 4)
            wmat[e->row] += e->w;
        size_t d = (e->src * na + e->tgt) * s->nrows + e->row;
        s->dyad_net[d] += e->w * e->g;
        s->dyad_events[d] += e->count;
        if (e->row < firstdata)
            firstdata = e->row;
    }
    fill_index(s, wsum, wmat, &o);

    /* Change points on the index and on each busy dyad. */
    ctx c = {&o, s, ev, nev, firstdata, err};
    size_t cpcap = 0;
    if (s->nrows && !(x = dt_malloc(s->nrows * sizeof *x)))
        goto nomem;
    for (size_t t = 0; t < s->nrows; t++)
        x[t] = s->rows[t].index;
    if ((rc = detect(&c, x, -1, &cpcap)))
        goto fail;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            if (i == j)
                continue;
            const uint32_t *de = s->dyad_events + (i * na + j) * s->nrows;
            uint64_t tot = 0;
            for (size_t t = 0; t < s->nrows; t++)
                tot += de[t];
            if (tot < o.min_dyad_events || !tot)
                continue;
            if ((rc =
                     detect(&c, s->dyad_net + (i * na + j) * s->nrows, (long)(i * na + j), &cpcap)))
                goto fail;
        }
    if (s->ncps)
        qsort(s->cps, s->ncps, sizeof *s->cps, cmp_cp);

    dt_free(ev);
    dt_free(wsum);
    dt_free(wmat);
    dt_free(x);
    *out = s;
    return DT_OK;
nomem:
    rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
fail:
    dt_free(ev);
    dt_free(wsum);
    dt_free(wmat);
    dt_free(x);
    dt_stability_free(s);
    return rc;
}

/* ---- writers ------------------------------------------------------------ */

/* Numbers to 6 significant digits: the index is a judgement, not a
 * measurement to the last bit; and never "-0" or a non-finite value. */
static void put_num(FILE *f, double v)
{
    if (!isfinite(v) || v == 0.0)
        v = 0.0;
    char buf[32];
    snprintf(buf, sizeof buf, "%.6g", v);
    fputs(strcmp(buf, "-0") ? buf : "0", f);
}

/* TSV is for people reading a terminal: fixed decimals line up. */
static void put_fixed(FILE *f, double v, int decimals)
{
    if (!isfinite(v))
        v = 0.0;
    char buf[48];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    /* "-0.000" is 0 */
    int zero = 1;
    for (const char *c = buf; *c; c++)
        if (*c >= '1' && *c <= '9')
            zero = 0;
    fputs(zero && buf[0] == '-' ? buf + 1 : buf, f);
}

static void put_date(FILE *f, int32_t d)
{
    fprintf(f, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

static void put_dyad(FILE *f, const dt_stability *s, size_t i, size_t j, char sep)
{
    fprintf(f, "%s%c%s", s->actors[i], sep, s->actors[j]);
}

static int finish_write(FILE *f, dt_error *err)
{
    if (ferror(f))
        return dt_error_set(err, DT_EIO, "", 0, UINT64_MAX, "write error");
    return DT_OK;
}

static void put_cp_json(FILE *f, const dt_stability *s, const dt_stability_cp *c, int first)
{
    char label[16];
    int32_t st = s->rows[c->row].start;
    fputs(first ? "{\"start\":\"" : ",{\"start\":\"", f);
    put_date(f, st);
    fprintf(f, "\",\"label\":\"%s\",\"series\":", dt_period_label(st, s->period, label));
    if (c->is_dyad) {
        fputc('"', f);
        put_dyad(f, s, c->source, c->target, '-');
        fputc('"', f);
    } else {
        fputs("\"index\"", f);
    }
    fprintf(f, ",\"direction\":\"%s\",\"magnitude\":", c->direction > 0 ? "up" : "down");
    put_num(f, c->magnitude);
    fprintf(f, ",\"method\":\"%s\",\"score\":", dt_cp_method_name(c->method));
    put_num(f, c->score);
    fprintf(f, ",\"decided\":\"%s\",\"drivers\":[",
            dt_period_label(s->rows[c->alarm_row].start, s->period, label));
    for (size_t d = 0; d < c->ndrivers; d++) {
        const dt_stability_driver *dr = &c->drivers[d];
        fputs(d ? ",{\"source\":" : "{\"source\":", f);
        dt__json_put_str(f, s->actors[dr->source]);
        fputs(",\"target\":", f);
        dt__json_put_str(f, s->actors[dr->target]);
        fputs(",\"delta\":", f);
        put_num(f, dr->delta);
        fputs(",\"event_ids\":[", f);
        for (size_t e = 0; e < dr->nevent_ids; e++)
            fprintf(f, e ? ",%lld" : "%lld", (long long)dr->event_ids[e]);
        fputs("]}", f);
    }
    fputs("]}", f);
}

int dt_stability_write_json(FILE *f, const dt_stability *s, dt_error *err)
{
    if (!f || !s)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: NULL argument");
    char label[16];
    fputs("{\"region\":", f);
    dt__json_put_str(f, s->region);
    fprintf(f, ",\"period\":\"%s\",\"actors\":[", dt_period_name(s->period));
    for (size_t i = 0; i < s->nactors; i++) {
        if (i)
            fputc(',', f);
        dt__json_put_str(f, s->actors[i]);
    }
    fputs("],\"rows\":[", f);
    for (size_t t = 0; t < s->nrows; t++) {
        const dt_stability_row *r = &s->rows[t];
        fputs(t ? ",{\"start\":\"" : "{\"start\":\"", f);
        put_date(f, r->start);
        fprintf(f, "\",\"label\":\"%s\",\"index\":", dt_period_label(r->start, s->period, label));
        put_num(f, r->index);
        fputs(",\"balance\":", f);
        put_num(f, r->balance);
        fputs(",\"material_conflict_share\":", f);
        put_num(f, r->material_conflict_share);
        fputs(",\"volatility\":", f);
        put_num(f, r->volatility);
        fputs(",\"coop\":", f);
        put_num(f, r->coop);
        fputs(",\"confl\":", f);
        put_num(f, r->confl);
        fprintf(f, ",\"events\":%u}", (unsigned)r->events);
    }
    /* Changes of the index and of the dyads go in two arrays: a chart of
     * the index marks "change_points" without having to filter. */
    for (int dyads = 0; dyads < 2; dyads++) {
        fputs(dyads ? "],\"dyad_change_points\":[" : "],\"change_points\":[", f);
        int first = 1;
        for (size_t k = 0; k < s->ncps; k++) {
            if (s->cps[k].is_dyad != dyads)
                continue;
            put_cp_json(f, s, &s->cps[k], first);
            first = 0;
        }
    }
    fputs("]}\n", f);
    return finish_write(f, err);
}

int dt_stability_write_tsv(FILE *f, const dt_stability *s, dt_error *err)
{
    if (!f || !s)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "stability: NULL argument");
    char label[16];
    fputs("label\tstart\tevents\tindex\tbalance\tmaterial_conflict_share\tvolatility\tcoop\tconfl"
          "\n",
          f);
    for (size_t t = 0; t < s->nrows; t++) {
        const dt_stability_row *r = &s->rows[t];
        fprintf(f, "%s\t", dt_period_label(r->start, s->period, label));
        put_date(f, r->start);
        fprintf(f, "\t%u\t", (unsigned)r->events);
        put_fixed(f, r->index, 3);
        fputc('\t', f);
        put_fixed(f, r->balance, 3);
        fputc('\t', f);
        put_fixed(f, r->material_conflict_share, 3);
        fputc('\t', f);
        put_fixed(f, r->volatility, 3);
        fputc('\t', f);
        put_fixed(f, r->coop, 1);
        fputc('\t', f);
        put_fixed(f, r->confl, 1);
        fputc('\n', f);
    }
    fputs("\nlabel\tseries\tdirection\tmagnitude\tmethod\tscore\tdecided\tdrivers\n", f);
    for (size_t k = 0; k < s->ncps; k++) {
        const dt_stability_cp *c = &s->cps[k];
        fprintf(f, "%s\t", dt_period_label(s->rows[c->row].start, s->period, label));
        if (c->is_dyad)
            put_dyad(f, s, c->source, c->target, '-');
        else
            fputs("index", f);
        fprintf(f, "\t%s\t", c->direction > 0 ? "up" : "down");
        put_fixed(f, c->magnitude, c->is_dyad ? 1 : 3);
        fprintf(f, "\t%s\t", dt_cp_method_name(c->method));
        put_fixed(f, c->score, 2);
        fprintf(f, "\t%s\t", dt_period_label(s->rows[c->alarm_row].start, s->period, label));
        for (size_t d = 0; d < c->ndrivers; d++) {
            if (d)
                fputc(',', f);
            put_dyad(f, s, c->drivers[d].source, c->drivers[d].target, '>');
            fputc(':', f);
            put_fixed(f, c->drivers[d].delta, 1);
        }
        if (!c->ndrivers)
            fputc('-', f);
        fputc('\n', f);
    }
    return finish_write(f, err);
}
