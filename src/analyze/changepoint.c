/* Change-point detection: self-starting CUSUM and Bayesian online
 * change-point detection. See include/detente/changepoint.h. */
#include "detente/changepoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CP_K 1.0
#define CP_H 5.0
#define CP_WARMUP 5
#define CP_HAZARD 0.01
#define CP_THRESHOLD 0.7
#define CP_LAG 3
#define CP_MIN_SHIFT 1.0
#define CP_PI 3.14159265358979323846

/* Normal-Gamma prior on the standardised series (noise sigma 1, centred on
 * the median): E[variance] = beta/(alpha-1) = 1, and kappa 0.25 keeps the
 * mean vague (prior predictive sd about 1.6) so that a new segment far from
 * the median is not penalised for where it lies. */
#define NG_MU0 0.0
#define NG_KAPPA0 0.25
#define NG_ALPHA0 2.0
#define NG_BETA0 1.0

const char *dt_cp_method_name(int method)
{
    switch (method) {
    case DT_CP_CUSUM:
        return "cusum";
    case DT_CP_BOCPD:
        return "bocpd";
    default:
        return NULL;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n), n >= 1; sorts v. */
static double median_sorted(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int robust_sigma(const double *x, size_t n, double *out)
{
    *out = 0.0;
    if (!x || n < 2)
        return DT_OK;
    size_t m = n - 1;
    double first = fabs(x[1] - x[0]);
    double *d = dt_malloc(m * sizeof *d);
    if (!d)
        return DT_ENOMEM;
    double mean = 0.0;
    for (size_t i = 0; i < m; i++) {
        d[i] = x[i + 1] - x[i];
        mean += d[i];
    }
    mean /= (double)m;
    double ss = 0.0;
    for (size_t i = 0; i < m; i++)
        ss += (d[i] - mean) * (d[i] - mean);
    double med = median_sorted(d, m);
    for (size_t i = 0; i < m; i++)
        d[i] = fabs(d[i] - med);
    double mad = median_sorted(d, m);
    dt_free(d);
    if (mad > 0.0) {
        *out = 1.4826 * mad / sqrt(2.0);
        return DT_OK;
    }
    /* Sparse series (mostly equal values): the MAD is 0 although the series
     * moves; the plain deviation is the only scale left. */
    double sd = m > 1 ? sqrt(ss / (double)(m - 1)) : first;
    *out = sd / sqrt(2.0);
    return DT_OK;
}

double dt_cp_robust_sigma(const double *x, size_t n)
{
    double s;
    return robust_sigma(x, n, &s) == DT_OK ? s : 0.0;
}

static int check_input(const double *x, size_t n, dt_changepoint **out, size_t *nout, dt_error *err)
{
    if (!out || !nout || (!x && n))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "changepoint: NULL argument");
    *out = NULL;
    *nout = 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                                "changepoint: value %zu is not finite", i);
    return DT_OK;
}

static dt_cp_opts resolve(const dt_cp_opts *o)
{
    dt_cp_opts r = o ? *o : (dt_cp_opts){0};
    if (r.cusum_k == 0.0)
        r.cusum_k = CP_K;
    if (r.cusum_h == 0.0)
        r.cusum_h = CP_H;
    if (r.cusum_warmup == 0)
        r.cusum_warmup = CP_WARMUP;
    if (r.hazard == 0.0)
        r.hazard = CP_HAZARD;
    if (r.threshold == 0.0)
        r.threshold = CP_THRESHOLD;
    if (r.lag == 0)
        r.lag = CP_LAG;
    if (r.min_shift == 0.0)
        r.min_shift = CP_MIN_SHIFT;
    return r;
}

static int opts_invalid(const dt_cp_opts *o, dt_error *err)
{
    if (!(o->cusum_k >= 0.0) || !(o->cusum_h > 0.0) || !(o->hazard > 0.0 && o->hazard < 1.0) ||
        !(o->threshold > 0.0 && o->threshold <= 1.0) || !(o->min_shift >= 0.0))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "changepoint: option out of range (k >= 0, h > 0, 0 < hazard < 1, "
                            "0 < threshold <= 1)");
    return DT_OK;
}

/* A growing list of change points. */
typedef struct cplist {
    dt_changepoint *v;
    size_t n, cap;
} cplist;

static int cplist_push(cplist *l, const dt_changepoint *c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        dt_changepoint *v = dt_realloc(l->v, cap * sizeof *v);
        if (!v)
            return DT_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *c;
    return DT_OK;
}

/* Fill magnitude and direction from the segment means between consecutive
 * change points; drop a change that moves the level by less than min_mag
 * (within the noise: no regime shift, whatever the detector saw). */
static void finish(const double *x, size_t n, double min_mag, cplist *l)
{
    size_t w = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t a = w ? l->v[w - 1].index : 0;
        size_t b = l->v[i].index;
        size_t e = i + 1 < l->n ? l->v[i + 1].index : n;
        double before = 0.0, after = 0.0;
        for (size_t j = a; j < b; j++)
            before += x[j];
        for (size_t j = b; j < e; j++)
            after += x[j];
        before /= (double)(b - a);
        after /= (double)(e - b);
        double mag = after - before;
        if (!(fabs(mag) >= min_mag) || mag == 0.0)
            continue;
        l->v[w] = l->v[i];
        l->v[w].magnitude = mag;
        l->v[w].direction = mag > 0 ? 1 : -1;
        w++;
    }
    l->n = w;
}

static int deliver(const double *x, size_t n, double min_mag, cplist *l, dt_changepoint **out,
                   size_t *nout)
{
    finish(x, n, min_mag, l);
    if (l->n == 0) {
        dt_free(l->v);
        return DT_OK;
    }
    *out = l->v;
    *nout = l->n;
    return DT_OK;
}

/* What both detectors do first: check the arguments and options, and
 * scale the series. Returns a negative code, 1 when there is nothing to
 * detect (fewer than 4 values, or a constant series), or 0. */
static int prepare(const double *x, size_t n, const dt_cp_opts *opts, dt_changepoint **out,
                   size_t *nout, dt_cp_opts *o, double *sigma, dt_error *err)
{
    int rc = check_input(x, n, out, nout, err);
    if (rc)
        return rc;
    *o = resolve(opts);
    if ((rc = opts_invalid(o, err)))
        return rc;
    if (robust_sigma(x, n, sigma))
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    return n < 4 || !(*sigma > 0.0) ? 1 : 0;
}

int dt_cusum_detect(const double *x, size_t n, const dt_cp_opts *opts, dt_changepoint **out,
                    size_t *nout, dt_error *err)
{
    dt_cp_opts o;
    double sigma;
    int rc = prepare(x, n, opts, out, nout, &o, &sigma, err);
    if (rc)
        return rc < 0 ? rc : DT_OK;

    cplist l = {0};
    size_t seg = 0;
    while (seg < n) {
        double sum = 0.0, sp = 0.0, sm = 0.0;
        size_t cnt = 0, zp = seg + o.cusum_warmup, zm = zp;
        int alarmed = 0;
        for (size_t t = seg; t < n; t++) {
            if (cnt < o.cusum_warmup) {
                sum += x[t];
                cnt++;
                continue;
            }
            /* The segment mean is itself an estimate from cnt values: scale
             * by its extra variance so early alarms are not just noise in
             * the mean (the self-starting CUSUM of Hawkins 1987). */
            double z = (x[t] - sum / (double)cnt) / (sigma * sqrt(1.0 + 1.0 / (double)cnt));
            sp = fmax(0.0, sp + z - o.cusum_k);
            sm = fmax(0.0, sm - z - o.cusum_k);
            if (sp == 0.0)
                zp = t + 1;
            if (sm == 0.0)
                zm = t + 1;
            if (sp > o.cusum_h || sm > o.cusum_h) {
                /* The shift began just after the sum last stood at zero:
                 * Page's estimate of the change time. */
                dt_changepoint c = {.index = sp > o.cusum_h ? zp : zm,
                                    .method = DT_CP_CUSUM,
                                    .score = fmax(sp, sm) / o.cusum_h,
                                    .alarm = t};
                if (cplist_push(&l, &c)) {
                    dt_free(l.v);
                    return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
                }
                seg = c.index;
                alarmed = 1;
                break;
            }
            /* Self-starting: the segment's mean keeps learning from the
             * observations that did not alarm. */
            sum += x[t];
            cnt++;
        }
        if (!alarmed)
            break;
    }
    return deliver(x, n, o.min_shift * sigma, &l, out, nout);
}

typedef struct ngstat {
    double mu, kappa, alpha, beta;
    size_t m; /* observations in the posterior: alpha = NG_ALPHA0 + m/2 */
} ngstat;

/* log density of the Student-t predictive of a Normal-Gamma posterior.
 * lgd = lgamma(alpha + 1/2) - lgamma(alpha), from a table: lgamma()
 * writes the global signgam, which would break thread safety. */
static double log_pred(const ngstat *s, double lgd, double v)
{
    double nu = 2.0 * s->alpha;
    double s2 = s->beta * (s->kappa + 1.0) / (s->alpha * s->kappa);
    double d = v - s->mu;
    return lgd - 0.5 * log(nu * CP_PI * s2) - 0.5 * (nu + 1.0) * log1p(d * d / (nu * s2));
}

static ngstat ng_update(ngstat s, double v)
{
    ngstat r;
    r.mu = (s.kappa * s.mu + v) / (s.kappa + 1.0);
    r.kappa = s.kappa + 1.0;
    r.alpha = s.alpha + 0.5;
    r.beta = s.beta + s.kappa * (v - s.mu) * (v - s.mu) / (2.0 * (s.kappa + 1.0));
    r.m = s.m + 1;
    return r;
}

int dt_bocpd_detect(const double *x, size_t n, const dt_cp_opts *opts, dt_changepoint **out,
                    size_t *nout, dt_error *err)
{
    dt_cp_opts o;
    double sigma;
    int rc = prepare(x, n, opts, out, nout, &o, &sigma, err);
    if (rc)
        return rc < 0 ? rc : DT_OK;

    /* P[s]: posterior that the current segment started at observation s,
     * with st[s] the Normal-Gamma posterior of x[s..t]. q[s] is the mass
     * within one period of s once s has been judged; p1[s] the mass on s
     * alone (to place the change inside a cluster of candidates). */
    double *z = dt_malloc(n * sizeof *z), *P = dt_malloc(n * sizeof *P);
    double *lw = dt_malloc(n * sizeof *lw), *q = dt_calloc(n, sizeof *q);
    double *p1 = dt_calloc(n, sizeof *p1);
    size_t *judged = dt_calloc(n, sizeof *judged);
    ngstat *st = dt_malloc(n * sizeof *st);
    double *lgd = dt_malloc((n + 1) * sizeof *lgd);
    cplist l = {0};
    if (!z || !P || !lw || !q || !p1 || !judged || !st || !lgd) {
        rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
        goto done;
    }
    memcpy(z, x, n * sizeof *z);
    double med = median_sorted(z, n);
    for (size_t i = 0; i < n; i++)
        z[i] = (x[i] - med) / sigma;

    const ngstat prior = {NG_MU0, NG_KAPPA0, NG_ALPHA0, NG_BETA0, 0};
    /* D(a) = lgamma(a + 1/2) - lgamma(a) for a = alpha0 + m/2, by
     * D(a + 1/2) = log(a) - D(a); D(2) = log Gamma(5/2) = log(3 sqrt(pi) / 4). */
    lgd[0] = log(0.75 * sqrt(CP_PI));
    for (size_t m = 1; m <= n; m++)
        lgd[m] = log(NG_ALPHA0 + 0.5 * (double)(m - 1)) - lgd[m - 1];
    const double lh = log(o.hazard), l1h = log1p(-o.hazard);
    P[0] = 1.0;
    st[0] = ng_update(prior, z[0]);
    for (size_t t = 1; t < n; t++) {
        double mx = -INFINITY;
        for (size_t s = 0; s < t; s++) {
            lw[s] = P[s] > 0.0 ? log(P[s]) + l1h + log_pred(&st[s], lgd[st[s].m], z[t]) : -INFINITY;
            mx = fmax(mx, lw[s]);
        }
        /* A change just before t: t is predicted by the prior, whatever
         * segment was running (the P[s] sum to 1). */
        lw[t] = lh + log_pred(&prior, lgd[0], z[t]);
        mx = fmax(mx, lw[t]);
        double tot = 0.0;
        for (size_t s = 0; s <= t; s++) {
            P[s] = isfinite(lw[s]) ? exp(lw[s] - mx) : 0.0;
            tot += P[s];
        }
        for (size_t s = 0; s <= t; s++)
            P[s] /= tot;
        for (size_t s = 0; s < t; s++)
            if (P[s] > 0.0)
                st[s] = ng_update(st[s], z[t]);
        st[t] = ng_update(prior, z[t]);

        /* Judge s = t - lag: the posterior has seen x[s..t]. A change in
         * the last lag periods is not judged (too little evidence). P[0] is
         * "no change yet", not a change at 0. */
        if (t > o.lag) {
            size_t s = t - o.lag;
            q[s] = (s >= 2 ? P[s - 1] : 0.0) + P[s] + P[s + 1];
            p1[s] = P[s];
            judged[s] = t;
        }
    }
    /* Clusters of neighbouring candidates are one change: report the
     * start the posterior favours most. */
    for (size_t s = 1; s + 1 < n;) {
        if (!judged[s] || q[s] < o.threshold) {
            s++;
            continue;
        }
        size_t best = s, e = s;
        while (e + 1 < n && judged[e + 1] && q[e + 1] >= o.threshold && e + 1 - s <= 2 * o.lag) {
            e++;
            if (p1[e] > p1[best])
                best = e;
        }
        double score = 0.0;
        for (size_t j = s; j <= e; j++)
            score = fmax(score, q[j]);
        dt_changepoint c = {.index = best,
                            .method = DT_CP_BOCPD,
                            .score = score > 1.0 ? 1.0 : score,
                            .alarm = judged[best]};
        if (cplist_push(&l, &c)) {
            rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
            goto done;
        }
        s = e + 1;
    }
    rc = deliver(x, n, o.min_shift * sigma, &l, out, nout);
    l.v = NULL;
done:
    dt_free(l.v);
    dt_free(z);
    dt_free(P);
    dt_free(lw);
    dt_free(q);
    dt_free(p1);
    dt_free(judged);
    dt_free(st);
    dt_free(lgd);
    return rc;
}
