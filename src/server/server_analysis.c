/* detente — server: the analysis endpoints (series, stability, watches,
 * reciprocity), each a thin wrapper over its module's JSON writer.
 *
 * Each endpoint checks its parameters the way the other endpoints do (400
 * with a JSON error), turns them into the options the matching CLI command
 * builds from its flags, streams the store's events through a callback
 * that also enforces the request's time limit (DT__REQUEST_SECONDS), and writes the module's
 * JSON into the response through a capped in-memory stream. So an answer
 * is byte for byte what `detente series|stability|watch|reciprocity
 * --format json` prints for the same store and parameters
 * (tests/server/server_test.c checks that).
 *
 * Regions (--region) and watch rules (--watch) are parsed once, in
 * dt_server_new, and are immutable afterwards: every worker thread reads
 * them without a lock. */
#define _GNU_SOURCE /* fopencookie */
#include "server_internal.h"

#include "detente/reciprocity.h"
#include "detente/series.h"
#include "detente/stability.h"
#include "detente/watch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PERIODS 20000    /* rows of one answer (from/to and period) */
#define MAX_DYADS 16         /* /api/reciprocity dyads */
#define MAX_REPS 2000        /* bootstrap replicates */
#define MAX_HORIZON 60       /* impulse response horizon */
#define MAX_BREACHES 10000   /* breaches kept per /api/watches answer */
#define DEFAULT_BREACHES 100 /* ... unless max_breaches says */
#define MAX_RULE_NAMES 32    /* rule=a,b,... */

typedef struct analysis {
    dt_region **region; /* in --region order; the first is the default */
    char **region_file;
    size_t nregion;
    dt_watchset *ws; /* every --watch file's rules, NULL without one */
} analysis;

/* ---- loading ---------------------------------------------------------- */

static void diag(const dt_server_opts *o, const dt_error *err)
{
    if (o->on_diag)
        o->on_diag(o->diag_ctx, err);
}

/* Read a whole file of at most max bytes into a NUL-terminated buffer. */
static int read_text(const char *path, size_t max, char **out, size_t *len, dt_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot read the file");
    char *buf = dt_malloc(max + 2);
    if (!buf) {
        fclose(f);
        return dt_error_set(err, DT_ENOMEM, path, 0, UINT64_MAX, "out of memory");
    }
    size_t n = fread(buf, 1, max + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        dt_free(buf);
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "read error");
    }
    if (n > max) {
        dt_free(buf);
        return dt_error_set(err, DT_ELIMIT, path, 0, UINT64_MAX, "larger than %zu bytes", max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return DT_OK;
}

/* The line of the first `keyword ...` line of path (1-based), 0 if none:
 * where a problem found after parsing (a repeated name) is reported. */
static uint64_t keyword_line(const char *path, const char *keyword, const char *name)
{
    char *text = NULL;
    size_t len = 0;
    dt_error e;
    if (read_text(path, (size_t)1 << 20, &text, &len, &e) < 0)
        return 0;
    uint64_t line = 1, found = 0;
    size_t kn = strlen(keyword), nn = strlen(name);
    for (const char *p = text; *p && !found; line++) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, keyword, kn) && (p[kn] == ' ' || p[kn] == '\t')) {
            const char *v = p + kn;
            while (*v == ' ' || *v == '\t')
                v++;
            if (!strncmp(v, name, nn))
                found = line;
        }
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
    dt_free(text);
    return found;
}

static int load_regions(analysis *a, const dt_server_opts *o, dt_error *err)
{
    size_t n = o->nregion_files;
    a->region = dt_calloc(n, sizeof *a->region);
    a->region_file = dt_calloc(n, sizeof *a->region_file);
    if (!a->region || !a->region_file)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *path = o->region_files[i];
        dt_region *reg = NULL;
        int rc = dt_region_load(&reg, path, err);
        if (rc < 0) {
            if (!err->file[0])
                snprintf(err->file, sizeof err->file, "%s", path);
            diag(o, err);
            return rc;
        }
        a->region[a->nregion] = reg;
        size_t pl = strlen(path);
        a->region_file[a->nregion] = dt_malloc(pl + 1);
        if (!a->region_file[a->nregion])
            return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        memcpy(a->region_file[a->nregion], path, pl + 1);
        a->nregion++;
        for (size_t j = 0; j + 1 < a->nregion; j++)
            if (!strcmp(a->region[j]->name, reg->name)) {
                /* ?region=NAME must name one region. */
                dt_error_set(err, DT_EFORMAT, path, keyword_line(path, "region", reg->name),
                             UINT64_MAX, "region '%s' is already defined in %s", reg->name,
                             a->region_file[j]);
                diag(o, err);
                return DT_EFORMAT;
            }
    }
    return DT_OK;
}

/* Errors of the concatenated watch files, mapped back to file and line. */
typedef struct watchmap {
    const dt_server_opts *o;
    const uint64_t *start; /* first line of each file in the concatenation */
    size_t n;
    int reported;
} watchmap;

static void map_watch_error(const watchmap *m, dt_error *e)
{
    if (!e->line)
        return;
    size_t i = 0;
    while (i + 1 < m->n && e->line >= m->start[i + 1])
        i++;
    snprintf(e->file, sizeof e->file, "%s", m->o->watch_files[i]);
    e->line -= m->start[i] - 1;
}

static void on_watch_diag(void *ctx, const dt_error *err)
{
    watchmap *m = ctx;
    dt_error e = *err;
    map_watch_error(m, &e);
    diag(m->o, &e);
    m->reported = 1;
}

static void on_file_diag(void *ctx, const dt_error *err)
{
    watchmap *m = ctx;
    diag(m->o, err);
    m->reported = 1;
}

/* Every file is parsed on its own first (so that each error names its own
 * file and line, and every error of every file is reported); then, with
 * several files, their texts are parsed as one rule set, which catches a
 * rule name given in two files. */
static int load_watches(analysis *a, const dt_server_opts *o, dt_error *err)
{
    size_t n = o->nwatch_files;
    int first_rc = DT_OK;
    dt_error first;
    dt_error_clear(&first);
    watchmap m = {o, NULL, 0, 0};
    for (size_t i = 0; i < n; i++) {
        dt_watchset *ws = NULL;
        dt_error e;
        dt_error_clear(&e);
        m.reported = 0;
        int rc = dt_watchset_load(&ws, o->watch_files[i], on_file_diag, &m, &e);
        if (rc < 0) {
            if (!e.file[0])
                snprintf(e.file, sizeof e.file, "%s", o->watch_files[i]);
            if (!m.reported)
                diag(o, &e);
            if (first_rc == DT_OK) {
                first_rc = rc;
                first = e;
            }
            continue;
        }
        if (n == 1)
            a->ws = ws;
        else
            dt_watchset_free(ws);
    }
    if (first_rc < 0) {
        *err = first;
        return first_rc;
    }
    if (n < 2)
        return DT_OK;

    char **text = dt_calloc(n, sizeof *text);
    size_t *len = dt_calloc(n, sizeof *len);
    uint64_t *start = dt_calloc(n, sizeof *start);
    char *all = NULL;
    int rc = DT_OK;
    if (!text || !len || !start) {
        rc = dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        goto done;
    }
    size_t total = 0;
    uint64_t line = 1;
    for (size_t i = 0; i < n; i++) {
        if ((rc = read_text(o->watch_files[i], DT_WATCH_MAX_FILE, &text[i], &len[i], err)) < 0)
            goto done;
        start[i] = line;
        for (size_t k = 0; k < len[i]; k++)
            line += text[i][k] == '\n';
        if (len[i] && text[i][len[i] - 1] != '\n')
            line++;
        total += len[i] + 1;
    }
    if (total > DT_WATCH_MAX_FILE) {
        rc = dt_error_set(err, DT_ELIMIT, o->watch_files[n - 1], 0, UINT64_MAX,
                          "the watch files together are larger than %zu bytes",
                          (size_t)DT_WATCH_MAX_FILE);
        diag(o, err);
        goto done;
    }
    all = dt_malloc(total + 1);
    if (!all) {
        rc = dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(all + k, text[i], len[i]);
        k += len[i];
        if (len[i] && text[i][len[i] - 1] != '\n')
            all[k++] = '\n';
    }
    m.start = start;
    m.n = n;
    m.reported = 0;
    rc = dt_watchset_parse(&a->ws, "watch files", all, k, on_watch_diag, &m, err);
    if (rc < 0) {
        map_watch_error(&m, err);
        if (!m.reported)
            diag(o, err);
    }
done:
    for (size_t i = 0; text && i < n; i++)
        dt_free(text[i]);
    dt_free(text);
    dt_free(len);
    dt_free(start);
    dt_free(all);
    return rc;
}

int dt__analysis_load(dt_server *s, const dt_server_opts *o, dt_error *err)
{
    analysis *a = dt_calloc(1, sizeof *a);
    if (!a)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    s->analysis = a;
    int rc = load_regions(a, o, err);
    if (rc == DT_OK)
        rc = load_watches(a, o, err);
    return rc; /* on error dt_server_free frees what was loaded */
}

void dt__analysis_free(dt_server *s)
{
    analysis *a = s->analysis;
    if (!a)
        return;
    for (size_t i = 0; i < a->nregion; i++) {
        dt_region_free(a->region[i]);
        dt_free(a->region_file[i]);
    }
    dt_free(a->region);
    dt_free(a->region_file);
    dt_watchset_free(a->ws);
    dt_free(a);
    s->analysis = NULL;
}

/* ---- request plumbing ------------------------------------------------- */

/* An error while streaming the store. */
static void stream_error(dt_server_response *r, int rc, const dt_error *err, const dt__deadline *d)
{
    if (d->expired)
        dt__server_expired(r);
    else if (rc == DT_ENOMEM || rc > 0)
        dt__server_error(r, 503, "out of memory");
    else
        dt__server_error(r, 500, "cannot read the store: %s",
                         err->msg[0] ? err->msg : dt_strerror(rc));
}

/* A stdio stream that appends to a capped response buffer, so the
 * modules' FILE writers produce the body directly and a body over
 * DT__JB_MAX fails the write instead of growing without bound. */
static ssize_t jb_cookie_write(void *cookie, const char *buf, size_t n)
{
    dt__jb *b = cookie;
    dt__jb_put(b, buf, n);
    return b->failed ? -1 : (ssize_t)n;
}

static FILE *jb_open(dt__jb *b)
{
    cookie_io_functions_t io = {NULL, jb_cookie_write, NULL, NULL};
    return fopencookie(b, "w", io);
}

/* Close the stream and answer with what was written (wrc: the writer's
 * return). */
static void jb_answer(FILE *f, dt__jb *b, int wrc, dt_server_response *r, int *cacheable)
{
    int crc = fclose(f);
    if (wrc < 0 || crc != 0)
        b->failed = 1;
    dt__answer_json(b, r);
    if (r->status == 200)
        *cacheable = 1;
}

/* 400 when from..to holds more than MAX_PERIODS periods. */
static int check_periods(int32_t from, int32_t to, int period, dt_server_response *r)
{
    if (!from || !to || period < 0)
        return 0;
    size_t n = 0;
    for (int32_t p = dt_period_start(from, period); p && p <= to && n <= MAX_PERIODS;
         p = dt_period_next(p, period))
        n++;
    if (n > MAX_PERIODS) {
        dt__server_error(r, 400,
                         "bad parameters: more than %d periods from 'from' to 'to'; ask for a "
                         "longer period or a shorter range",
                         MAX_PERIODS);
        return -1;
    }
    return 0;
}

/* An actor-pattern list parameter split into items (already checked). */
typedef struct patlist {
    const char *item[DT__API_MAX_LIST];
    size_t n;
    char buf[DT__API_MAX_LIST * (DT__API_MAX_PATTERN + 1)];
} patlist;

static void split_patterns(const char *v, patlist *l)
{
    l->n = dt__split_list(v, l->item, DT__API_MAX_LIST, l->buf, sizeof l->buf);
}

/* ---- /api/series ---------------------------------------------------------
 * What `detente series --format json` does with --source, --target,
 * --undirected, --code, --quad, --dedup, --period, --from and --to. */

typedef struct series_ctx {
    dt_series_acc *acc;
    dt__deadline d;
    dt_error err;
    int rc;
} series_ctx;

static int on_series(void *ctx, const dt_evrec *r)
{
    series_ctx *c = ctx;
    if (dt__deadline_passed(&c->d))
        return 1;
    c->rc = dt_series_acc_add(c->acc, r, &c->err);
    return c->rc < 0;
}

static void api_series(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q, "from,to,source,target,undirected,code,quad,dedup,period", r) < 0)
        return;
    int32_t from, to;
    const char *src, *tgt, *codes;
    unsigned long quad;
    int undirected, dedup, period;
    if (dt__param_range(q, &from, &to, r) < 0 || dt__param_actors(q, "source", &src, r) < 0 ||
        dt__param_actors(q, "target", &tgt, r) < 0 ||
        dt__param_bool(q, "undirected", &undirected, r) < 0 ||
        dt__param_codes(q, "code", &codes, r) < 0 ||
        dt__param_uint(q, "quad", 1, 4, 0, &quad, r) < 0 ||
        dt__param_bool(q, "dedup", &dedup, r) < 0 ||
        dt__param_period(q, DT_PERIOD_MONTH, &period, r) < 0 ||
        check_periods(from, to, period, r) < 0)
        return;
    patlist ls, lt, lc;
    split_patterns(src, &ls);
    split_patterns(tgt, &lt);
    split_patterns(codes, &lc);

    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = from;
    f.to = to;
    f.sources = ls.item;
    f.nsources = ls.n;
    f.targets = lt.item;
    f.ntargets = lt.n;
    f.undirected = undirected;
    f.codes = lc.item;
    f.ncodes = lc.n;
    f.quad = (int)quad;
    f.dedup = dedup;
    dt_series_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.period = period;
    spec.sources = ls.item;
    spec.nsources = ls.n;
    spec.targets = lt.item;
    spec.ntargets = lt.n;
    spec.undirected = undirected;
    spec.from = from;
    spec.to = to;

    series_ctx c;
    memset(&c, 0, sizeof c);
    dt__deadline_start(&c.d);
    dt_error_clear(&c.err);
    if (dt_series_acc_new(&c.acc, &spec, &c.err) < 0) {
        dt__server_error(r, 400, "%s", c.err.msg);
        return;
    }
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_evsource_each(s->db, &f, on_series, &c, &err);
    dt_series *ser = NULL;
    if (rc == 1 && c.rc == DT_ELIMIT) {
        dt__server_error(r, 400, "%s", c.err.msg);
    } else if (rc == 1 && c.rc < 0) {
        stream_error(r, c.rc, &c.err, &c.d);
    } else if (rc != 0) {
        stream_error(r, rc, &err, &c.d);
    } else if ((rc = dt_series_acc_finish(c.acc, &ser, &err)) < 0) {
        stream_error(r, rc, &err, &c.d);
    } else {
        dt__jb b = {0};
        FILE *out = jb_open(&b);
        if (!out) {
            dt__server_error(r, 503, "out of memory");
        } else {
            int wrc = dt_series_write_json(out, ser, &spec, &err);
            jb_answer(out, &b, wrc, r, cacheable);
        }
    }
    dt_series_free(ser);
    dt_series_acc_free(c.acc);
}

/* ---- events in memory (stability, reciprocity) ----------------------- */

typedef struct collect_ctx {
    dt_evset *set;
    dt__deadline d;
    int oom;
} collect_ctx;

static int on_collect(void *ctx, const dt_evrec *r)
{
    collect_ctx *c = ctx;
    if (dt__deadline_passed(&c->d))
        return 1;
    if (dt_evset_add(c->set, r) < 0) {
        c->oom = 1;
        return 1;
    }
    return 0;
}

/* Load the events of f into a new set, or answer with the error. */
static dt_evset *collect(dt_server *s, const dt_evfilter *f, dt_server_response *r)
{
    collect_ctx c;
    memset(&c, 0, sizeof c);
    dt__deadline_start(&c.d);
    if (dt_evset_new(&c.set) < 0) {
        dt__server_error(r, 503, "out of memory");
        return NULL;
    }
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_evsource_each(s->db, f, on_collect, &c, &err);
    if (rc != 0) {
        stream_error(r, c.oom ? DT_ENOMEM : rc, &err, &c.d);
        dt_evset_free(c.set);
        return NULL;
    }
    return c.set;
}

/* ---- /api/stability --------------------------------------------------------
 * `detente stability --region FILE --format json` with --period, --from
 * and --to; region=NAME picks one of the --region files (default: the
 * first). Only events between two region actors count, so only events
 * whose source and target both match a region actor are loaded. */

static void api_stability(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    analysis *a = s->analysis;
    if (dt__param_known(q, "region,period,from,to", r) < 0)
        return;
    int32_t from, to;
    int period;
    if (dt__param_range(q, &from, &to, r) < 0 || dt__param_period(q, -1, &period, r) < 0)
        return;
    const char *name = dt__param_get(q, "region");
    if (!a->nregion) {
        dt__server_error(r, 404, "no region loaded: start the server with --region FILE");
        return;
    }
    const dt_region *reg = a->region[0];
    if (name) {
        reg = NULL;
        for (size_t i = 0; i < a->nregion && !reg; i++)
            if (!strcmp(a->region[i]->name, name))
                reg = a->region[i];
        if (!reg) {
            char names[256];
            size_t k = 0;
            names[0] = '\0';
            for (size_t i = 0; i < a->nregion && k + 2 < sizeof names; i++) {
                int w = snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "",
                                 a->region[i]->name);
                if (w < 0)
                    break;
                k += (size_t)w;
            }
            dt__server_error(r, 400, "bad parameter 'region': no region '%.64s' (loaded: %s)", name,
                             names);
            return;
        }
    }
    int eff = period >= 0 ? period : reg->period >= 0 ? reg->period : DT_PERIOD_MONTH;
    if (check_periods(from, to, eff, r) < 0)
        return;

    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = from;
    f.to = to;
    f.sources = (const char *const *)reg->actors;
    f.nsources = reg->nactors;
    f.targets = (const char *const *)reg->actors;
    f.ntargets = reg->nactors;
    dt_evset *set = collect(s, &f, r);
    if (!set)
        return;
    dt_stability_opts so;
    dt_stability_opts_init(&so);
    so.period = period;
    so.from = from;
    so.to = to;
    dt_stability *st = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_stability_compute(&st, reg, set->rec, set->n, &so, &err);
    dt_evset_free(set);
    if (rc < 0) {
        if (rc == DT_ENOMEM)
            dt__server_error(r, 503, "out of memory");
        else
            dt__server_error(r, 400, "%s", err.msg);
        return;
    }
    dt__jb b = {0};
    FILE *out = jb_open(&b);
    if (!out) {
        dt__server_error(r, 503, "out of memory");
    } else {
        int wrc = dt_stability_write_json(out, st, &err);
        jb_answer(out, &b, wrc, r, cacheable);
    }
    dt_stability_free(st);
}

/* ---- /api/watches -----------------------------------------------------------
 * `detente watch FILE --format json` with --period (the rules that set
 * none), --from, --to, --rule (rule=a,b) and --max-breaches
 * (max_breaches, default here 100). Without --watch files: no rules. */

typedef struct watch_ctx {
    dt_watch_eval *e;
    dt__deadline d;
    int rc;
} watch_ctx;

static int on_watch_event(void *ctx, const dt_evrec *r)
{
    watch_ctx *c = ctx;
    if (dt__deadline_passed(&c->d))
        return 1;
    c->rc = dt_watch_eval_add(c->e, r, NULL, NULL);
    return c->rc != 0;
}

static void api_watches(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    analysis *a = s->analysis;
    if (dt__param_known(q, "period,from,to,rule,max_breaches", r) < 0)
        return;
    int32_t from, to;
    int period;
    unsigned long max_kept;
    if (dt__param_range(q, &from, &to, r) < 0 ||
        dt__param_period(q, DT_PERIOD_MONTH, &period, r) < 0 ||
        dt__param_uint(q, "max_breaches", 1, MAX_BREACHES, DEFAULT_BREACHES, &max_kept, r) < 0 ||
        check_periods(from, to, DT_PERIOD_DAY, r) < 0)
        return;
    const char *rules = dt__param_get(q, "rule");
    const char *names[MAX_RULE_NAMES];
    char buf[MAX_RULE_NAMES * (DT_WATCH_MAX_NAME + 1)];
    size_t nnames = 0;
    if (rules) {
        size_t count = 1;
        for (const char *p = rules; *p; p++)
            count += *p == ',';
        nnames = dt__split_list(rules, names, MAX_RULE_NAMES, buf, sizeof buf);
        int ok = count <= MAX_RULE_NAMES && nnames == count;
        for (size_t i = 0; ok && i < nnames; i++)
            ok = names[i][0] && strlen(names[i]) <= DT_WATCH_MAX_NAME;
        if (!ok) {
            dt__server_error(r, 400,
                             "bad parameter 'rule': a comma-separated list of at most %d rule "
                             "names",
                             MAX_RULE_NAMES);
            return;
        }
    }
    if (!a->ws) {
        if (nnames) {
            dt__server_error(r, 400, "bad parameter 'rule': no watch rules are loaded");
            return;
        }
        dt__jb b = {0};
        dt__jb_printf(&b, "{\"period\":\"%s\",\"events\":0,\"rules\":[]}\n",
                      dt_period_name(period));
        dt__answer_json(&b, r);
        *cacheable = 1;
        return;
    }
    dt_watch_opts o;
    memset(&o, 0, sizeof o);
    o.period = period;
    o.from = from;
    o.to = to;
    o.rules = names;
    o.nrules = nnames;
    o.max_kept = max_kept;
    watch_ctx c;
    memset(&c, 0, sizeof c);
    dt__deadline_start(&c.d);
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_watch_eval_new(&c.e, a->ws, &o, &err);
    if (rc < 0) {
        if (rc == DT_ENOMEM)
            dt__server_error(r, 503, "out of memory");
        else
            dt__server_error(r, 400, "bad parameter: %s", err.msg);
        return;
    }
    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = from;
    f.to = to;
    f.evidence = 1; /* text conditions read the sentence */
    rc = dt_evsource_each(s->db, &f, on_watch_event, &c, &err);
    if (rc != 0) {
        stream_error(r, c.rc ? c.rc : rc, &err, &c.d);
    } else {
        dt__jb b = {0};
        FILE *out = jb_open(&b);
        if (!out) {
            dt__server_error(r, 503, "out of memory");
        } else {
            int wrc = dt_watch_write_json(out, c.e, &err);
            jb_answer(out, &b, wrc, r, cacheable);
        }
    }
    dt_watch_eval_free(c.e);
}

/* ---- /api/reciprocity ---------------------------------------------------------
 * `detente reciprocity --dyads LIST --format json` with --lags, --max-lags,
 * --criterion, --measure, --horizon, --reps, --level, --seed, --period,
 * --from and --to. */

static int param_name(dt__req *q, const char *name, int (*from_name)(const char *),
                      const char *choices, int *out, dt_server_response *r)
{
    const char *v = dt__param_get(q, name);
    if (!v)
        return 0;
    int k = from_name(v);
    if (k < 0) {
        dt__server_error(r, 400, "bad parameter '%s': one of %s", name, choices);
        return -1;
    }
    *out = k;
    return 0;
}

static void api_reciprocity(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    if (dt__param_known(q,
                        "dyads,lags,max_lags,criterion,measure,horizon,reps,level,seed,period,"
                        "from,to",
                        r) < 0)
        return;
    dt_recip_opts ro;
    dt_recip_opts_init(&ro);
    int32_t from, to;
    unsigned long max_lags, horizon, reps, seed;
    if (dt__param_range(q, &from, &to, r) < 0 ||
        dt__param_period(q, DT_PERIOD_MONTH, &ro.period, r) < 0 ||
        check_periods(from, to, ro.period, r) < 0 ||
        dt__param_uint(q, "max_lags", 1, DT_VAR_MAX_LAG, ro.max_lags, &max_lags, r) < 0 ||
        dt__param_uint(q, "horizon", 0, MAX_HORIZON, ro.horizon, &horizon, r) < 0 ||
        dt__param_uint(q, "reps", 0, MAX_REPS, ro.reps, &reps, r) < 0 ||
        dt__param_uint(q, "seed", 0, 4294967295ul, ro.seed, &seed, r) < 0 ||
        param_name(q, "criterion", dt_var_ic_from_name, "aic, bic, hq", &ro.criterion, r) < 0 ||
        param_name(q, "measure", dt_recip_measure_from_name, "goldstein, net, mean, events",
                   &ro.measure, r) < 0)
        return;
    const char *lags = dt__param_get(q, "lags");
    if (lags && strcmp(lags, "auto")) {
        unsigned long n = 0;
        size_t i = 0;
        for (; lags[i] >= '0' && lags[i] <= '9' && i < 3; i++)
            n = n * 10 + (unsigned long)(lags[i] - '0');
        if (i == 0 || lags[i] || n < 1 || n > DT_VAR_MAX_LAG) {
            dt__server_error(r, 400, "bad parameter 'lags': 'auto' or a whole number from 1 to %d",
                             DT_VAR_MAX_LAG);
            return;
        }
        ro.lags = n;
    }
    const char *level = dt__param_get(q, "level");
    if (level) {
        /* digits and one point only: no "nan", "1e-1", " 0.9" */
        int ok = level[0] == '0' && level[1] == '.' && level[2];
        for (size_t i = 2; ok && level[i]; i++)
            ok = level[i] >= '0' && level[i] <= '9' && i < 12;
        double v = ok ? strtod(level, NULL) : 0.0;
        if (!ok || !(v > 0 && v < 1)) {
            dt__server_error(r, 400, "bad parameter 'level': a number between 0 and 1 (0.95)");
            return;
        }
        ro.level = v;
    }
    ro.max_lags = max_lags;
    ro.horizon = horizon;
    ro.reps = reps;
    ro.seed = seed;
    ro.from = from;
    ro.to = to;
    if (ro.lags > ro.max_lags)
        ro.max_lags = ro.lags;
    const char *dyads = dt__param_get(q, "dyads");
    if (!dyads) {
        dt__server_error(r, 400, "missing parameter 'dyads' (e.g. dyads=USA-PRK,PRK-USA)");
        return;
    }
    char **lab = NULL, **src = NULL, **tgt = NULL;
    size_t nd = 0;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_recip_parse_dyads(dyads, &lab, &src, &tgt, &nd, &err);
    if (rc < 0) {
        if (rc == DT_ENOMEM)
            dt__server_error(r, 503, "out of memory");
        else
            dt__server_error(r, 400, "bad parameter 'dyads': %s", err.msg);
        return;
    }
    dt_recip *res = NULL;
    dt_evset *set = NULL;
    if (nd > MAX_DYADS) {
        dt__server_error(r, 400, "bad parameter 'dyads': at most %d dyads", MAX_DYADS);
        goto done;
    }
    /* Only what some dyad can match, as the CLI loads. */
    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.from = from;
    f.to = to;
    f.sources = (const char *const *)src;
    f.nsources = nd;
    f.targets = (const char *const *)tgt;
    f.ntargets = nd;
    if (!(set = collect(s, &f, r)))
        goto done;
    rc = dt_reciprocity_run(&res, set->rec, set->n, dyads, &ro, &err);
    if (rc < 0) {
        if (rc == DT_ENOMEM)
            dt__server_error(r, 503, "out of memory");
        else
            dt__server_error(r, 400, "%s", err.msg);
        goto done;
    }
    dt__jb b = {0};
    FILE *out = jb_open(&b);
    if (!out) {
        dt__server_error(r, 503, "out of memory");
    } else {
        int wrc = dt_reciprocity_write_json(out, res, &err);
        jb_answer(out, &b, wrc, r, cacheable);
    }
done:
    dt_reciprocity_free(res);
    dt_evset_free(set);
    dt_recip_dyads_free(lab, src, tgt, nd);
}

int dt__analysis_handle(dt_server *s, dt__req *q, dt_server_response *r, int *cacheable)
{
    static const struct {
        const char *path;
        void (*fn)(dt_server *, dt__req *, dt_server_response *, int *);
    } routes[] = {
        {"/api/series", api_series},
        {"/api/stability", api_stability},
        {"/api/watches", api_watches},
        {"/api/reciprocity", api_reciprocity},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (!strcmp(q->path, routes[i].path)) {
            routes[i].fn(s, q, r, cacheable);
            return 1;
        }
    return 0;
}
