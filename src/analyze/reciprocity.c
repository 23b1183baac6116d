/* detente — reciprocity: VAR over dyad series (contract in reciprocity.h). */
#include "detente/reciprocity.h"

#include "analyze_json.h"

#include "detente/series.h"

#include <math.h>
#include <string.h>

int dt_recip_measure_from_name(const char *name)
{
    static const char *const names[] = {"goldstein", "net", "mean", "events"};
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *dt_recip_measure_name(int measure)
{
    switch (measure) {
    case DT_RECIP_GOLDSTEIN:
        return "goldstein";
    case DT_RECIP_NET:
        return "net";
    case DT_RECIP_MEAN:
        return "mean";
    case DT_RECIP_EVENTS:
        return "events";
    default:
        return "?";
    }
}

void dt_recip_opts_init(dt_recip_opts *o)
{
    memset(o, 0, sizeof *o);
    o->period = DT_PERIOD_MONTH;
    o->lags = 0;
    o->max_lags = 4;
    o->criterion = DT_VAR_BIC;
    o->measure = DT_RECIP_GOLDSTEIN;
    o->horizon = 12;
    o->reps = 500;
    o->level = 0.95;
    o->seed = 1;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = dt_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void dt_recip_dyads_free(char **labels, char **sources, char **targets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (labels)
            dt_free(labels[i]);
        if (sources)
            dt_free(sources[i]);
        if (targets)
            dt_free(targets[i]);
    }
    dt_free(labels);
    dt_free(sources);
    dt_free(targets);
}

int dt_recip_parse_dyads(const char *list, char ***labels, char ***sources, char ***targets,
                         size_t *n, dt_error *err)
{
    *labels = *sources = *targets = NULL;
    *n = 0;
    if (!list)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "no dyads given");
    size_t cap = 1;
    for (const char *c = list; *c; c++)
        cap += *c == ',';
    if (cap > DT_VAR_MAX_SERIES)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "%zu dyads: at most %d fit in one VAR", cap, DT_VAR_MAX_SERIES);
    char **lab = dt_calloc(cap, sizeof *lab), **src = dt_calloc(cap, sizeof *src),
         **tgt = dt_calloc(cap, sizeof *tgt);
    size_t k = 0;
    int rc = DT_ENOMEM;
    if (!lab || !src || !tgt)
        goto fail;
    for (const char *p = list;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        size_t len = (size_t)(b - a);
        if (len == 0) {
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                              "empty dyad in the list (item %zu): write SOURCE-TARGET, e.g. "
                              "USA-PRK",
                              k + 1);
            goto fail;
        }
        const char *dash = memchr(a, '-', len);
        if (!dash || dash == a || dash == b - 1) {
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                              "dyad '%.*s' is not SOURCE-TARGET (e.g. USA-PRK)", (int)len, a);
            goto fail;
        }
        lab[k] = dup_n(a, len);
        src[k] = dup_n(a, (size_t)(dash - a));
        tgt[k] = dup_n(dash + 1, (size_t)(b - dash - 1));
        if (!lab[k] || !src[k] || !tgt[k]) {
            k++;
            rc = DT_ENOMEM;
            goto fail;
        }
        k++;
        dt_error perr;
        if (dt_actor_pattern_check(src[k - 1], &perr) < 0 ||
            dt_actor_pattern_check(tgt[k - 1], &perr) < 0) {
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dyad '%s': %s", lab[k - 1],
                              perr.msg);
            goto fail;
        }
        for (size_t j = 0; j + 1 < k; j++)
            if (!strcmp(src[j], src[k - 1]) && !strcmp(tgt[j], tgt[k - 1])) {
                rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dyad '%s' is listed twice",
                                  lab[k - 1]);
                goto fail;
            }
        if (!*end)
            break;
        p = end + 1;
    }
    if (k < 2) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                          "reciprocity needs at least 2 dyads (e.g. USA-PRK,PRK-USA)");
        goto fail;
    }
    *labels = lab;
    *sources = src;
    *targets = tgt;
    *n = k;
    return DT_OK;
fail:
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory parsing dyads");
    dt_recip_dyads_free(lab, src, tgt, k);
    return rc;
}

void dt_reciprocity_free(dt_recip *res)
{
    if (!res)
        return;
    dt_recip_dyads_free(res->dyad, res->source, res->target, res->k);
    dt_free(res->start);
    dt_free(res->y);
    dt_free(res->events);
    dt_var_free(res->var);
    dt_free(res->granger);
    dt_var_irf_free(&res->irf);
    dt_free(res);
}

static double row_value(const dt_series_row *row, int measure)
{
    switch (measure) {
    case DT_RECIP_NET:
        return row->net;
    case DT_RECIP_MEAN:
        return row->events ? row->gold_sum / row->events : 0;
    case DT_RECIP_EVENTS:
        return row->events;
    default:
        return row->gold_sum;
    }
}

static int check_opts(const dt_recip_opts *o, dt_error *err)
{
    if (!dt_period_name(o->period) || o->period < DT_PERIOD_DAY || o->period > DT_PERIOD_YEAR)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "unknown period %d", o->period);
    if (o->max_lags < 1 || o->max_lags > DT_VAR_MAX_LAG)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "maximum lag must be 1..%d, not %zu",
                            DT_VAR_MAX_LAG, o->max_lags);
    if (o->lags > DT_VAR_MAX_LAG)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "lags must be 1..%d, not %zu",
                            DT_VAR_MAX_LAG, o->lags);
    if (o->criterion < DT_VAR_AIC || o->criterion > DT_VAR_HQ)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "unknown lag criterion %d",
                            o->criterion);
    if (o->measure < DT_RECIP_GOLDSTEIN || o->measure > DT_RECIP_EVENTS)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "unknown measure %d", o->measure);
    if (o->from && o->to && o->from > o->to)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "the range is empty: from %d is after to %d", (int)o->from, (int)o->to);
    return DT_OK;
}

int dt_reciprocity_run(dt_recip **out, const dt_evrec *r, size_t n, const char *dyads,
                       const dt_recip_opts *o, dt_error *err)
{
    *out = NULL;
    dt_recip_opts def;
    if (!o) {
        dt_recip_opts_init(&def);
        o = &def;
    }
    int rc = check_opts(o, err);
    if (rc < 0)
        return rc;
    dt_recip *res = dt_calloc(1, sizeof *res);
    if (!res)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    res->opts = *o;
    res->chosen_by = -1;
    rc = dt_recip_parse_dyads(dyads, &res->dyad, &res->source, &res->target, &res->k, err);
    if (rc < 0)
        goto fail;
    size_t k = res->k;

    /* One calendar for all dyads: each series must cover the same periods,
     * so the range is fixed before any series is built. */
    int32_t lo = 0, hi = 0;
    for (size_t e = 0; e < n; e++) {
        int32_t d = r[e].date;
        if (d == 0 || (o->from && d < o->from) || (o->to && d > o->to))
            continue;
        int hit = 0;
        for (size_t i = 0; i < k && !hit; i++)
            hit = dt_actor_match(res->source[i], r[e].source) &&
                  dt_actor_match(res->target[i], r[e].target);
        if (!hit)
            continue;
        if (!lo || d < lo)
            lo = d;
        if (d > hi)
            hi = d;
    }
    if (!lo) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                          "no events match any of the dyads %s in the range", dyads);
        goto fail;
    }
    if (o->from)
        lo = o->from;
    if (o->to)
        hi = o->to;

    for (size_t i = 0; i < k; i++) {
        const char *src[1] = {res->source[i]}, *tgt[1] = {res->target[i]};
        dt_series_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.period = o->period;
        spec.sources = src;
        spec.nsources = 1;
        spec.targets = tgt;
        spec.ntargets = 1;
        spec.from = lo;
        spec.to = hi;
        dt_series *s = NULL;
        rc = dt_series_build(&s, r, n, &spec, err);
        if (rc < 0)
            goto fail;
        if (i == 0) {
            res->t = s->n;
            res->start = dt_malloc((s->n ? s->n : 1) * sizeof *res->start);
            res->y = dt_malloc((s->n ? s->n : 1) * k * sizeof *res->y);
            res->events = dt_malloc((s->n ? s->n : 1) * k * sizeof *res->events);
            if (!res->start || !res->y || !res->events) {
                dt_series_free(s);
                rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
                goto fail;
            }
            for (size_t p = 0; p < s->n; p++)
                res->start[p] = s->row[p].start;
        }
        if (s->n != res->t || (s->n && s->row[0].start != res->start[0])) {
            dt_series_free(s);
            rc = dt_error_set(err, DT_EINTERNAL, "", 0, UINT64_MAX,
                              "dyad series do not share one calendar");
            goto fail;
        }
        for (size_t p = 0; p < s->n; p++) {
            res->y[p * k + i] = row_value(&s->row[p], o->measure);
            res->events[p * k + i] = s->row[p].events;
        }
        dt_series_free(s);
    }

    const char *const *names = (const char *const *)res->dyad;
    rc = dt_var_select(&res->sel, res->y, res->t, k, o->max_lags, names, err);
    if (rc < 0)
        goto fail;
    if (o->lags == 0) {
        res->chosen_by = o->criterion;
        res->opts.lags = o->criterion == DT_VAR_AIC  ? res->sel.best_aic
                         : o->criterion == DT_VAR_HQ ? res->sel.best_hq
                                                     : res->sel.best_bic;
    }
    rc = dt_var_fit(&res->var, res->y, res->t, k, res->opts.lags, names, err);
    if (rc < 0)
        goto fail;
    res->granger = dt_malloc(k * (k - 1) * sizeof *res->granger);
    if (!res->granger) {
        rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
        goto fail;
    }
    for (size_t c = 0; c < k; c++)
        for (size_t e = 0; e < k; e++) {
            if (c == e)
                continue;
            rc = dt_var_granger(res->var, c, e, &res->granger[res->ngranger], err);
            if (rc < 0)
                goto fail;
            res->ngranger++;
        }
    dt_var_irf_opts io = {o->horizon, o->reps, o->level, o->seed};
    rc = dt_var_irf_compute(&res->irf, res->var, &io, err);
    if (rc < 0)
        goto fail;
    *out = res;
    return DT_OK;
fail:
    dt_reciprocity_free(res);
    return rc;
}

/* ---- output --------------------------------------------------------------- */

static void put_date(FILE *f, int32_t d)
{
    fprintf(f, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

/* JSON has no NaN or infinity; the VAR never produces them, but a null is
 * the safe rendering should one slip through. */
static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static void put_nums(FILE *f, const double *v, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        put_num(f, v[i]);
    }
    fputc(']', f);
}

static int finish(FILE *f, dt_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return dt_error_set(err, DT_EIO, "", 0, UINT64_MAX, "write error");
    return DT_OK;
}

int dt_reciprocity_write_json(FILE *f, const dt_recip *res, dt_error *err)
{
    size_t k = res->k, hz = res->irf.horizon;
    fputs("{\"period\":", f);
    dt__json_put_str(f, dt_period_name(res->opts.period));
    fputs(",\"measure\":", f);
    dt__json_put_str(f, dt_recip_measure_name(res->opts.measure));
    fputs(",\"from\":\"", f);
    put_date(f, res->start[0]);
    fputs("\",\"to\":\"", f);
    put_date(f, res->start[res->t - 1]);
    fprintf(f, "\",\"periods\":%zu,\"nobs\":%zu,\"dyads\":[", res->t, res->var->nobs);
    for (size_t i = 0; i < k; i++) {
        if (i)
            fputc(',', f);
        dt__json_put_str(f, res->dyad[i]);
    }
    fprintf(f,
            "],\"lags\":%zu,\"selection\":{\"max_lag\":%zu,\"nobs\":%zu,\"aic\":", res->opts.lags,
            res->sel.max_lag, res->sel.nobs);
    put_nums(f, res->sel.aic, res->sel.max_lag);
    fputs(",\"bic\":", f);
    put_nums(f, res->sel.bic, res->sel.max_lag);
    fputs(",\"hq\":", f);
    put_nums(f, res->sel.hq, res->sel.max_lag);
    fprintf(f, ",\"best\":{\"aic\":%zu,\"bic\":%zu,\"hq\":%zu},\"chosen\":\"%s\"}",
            res->sel.best_aic, res->sel.best_bic, res->sel.best_hq,
            res->chosen_by < 0 ? "fixed" : dt_var_ic_name(res->chosen_by));
    fprintf(f, ",\"stable\":%s,\"max_modulus\":", res->var->stable ? "true" : "false");
    put_num(f, res->var->max_modulus);
    fputs(",\"granger\":[", f);
    for (size_t g = 0; g < res->ngranger; g++) {
        const dt_granger *gr = &res->granger[g];
        fputs(g ? ",{\"cause\":" : "{\"cause\":", f);
        dt__json_put_str(f, res->dyad[gr->cause]);
        fputs(",\"effect\":", f);
        dt__json_put_str(f, res->dyad[gr->effect]);
        fputs(",\"f\":", f);
        put_num(f, gr->f);
        fprintf(f, ",\"df1\":%u,\"df2\":%u,\"p\":", gr->df1, gr->df2);
        put_num(f, gr->p_value);
        fputc('}', f);
    }
    fputs("],\"level\":", f);
    put_num(f, res->irf.level);
    fprintf(f, ",\"reps\":%zu,\"reps_failed\":%zu,\"irf\":[", res->irf.reps, res->irf.reps_failed);
    double *buf = dt_malloc((hz + 1) * sizeof *buf);
    if (!buf)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    int first = 1;
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < k; i++) {
            fputs(first ? "{\"impulse\":" : ",{\"impulse\":", f);
            first = 0;
            dt__json_put_str(f, res->dyad[j]);
            fputs(",\"response\":", f);
            dt__json_put_str(f, res->dyad[i]);
            fputs(",\"horizon\":[", f);
            for (size_t h = 0; h <= hz; h++)
                fprintf(f, h ? ",%zu" : "%zu", h);
            const double *src[3] = {res->irf.value, res->irf.lo, res->irf.hi};
            const char *key[3] = {"],\"value\":", ",\"lo\":", ",\"hi\":"};
            for (int s = 0; s < 3; s++) {
                for (size_t h = 0; h <= hz; h++)
                    buf[h] = src[s][(h * k + i) * k + j];
                fputs(key[s], f);
                put_nums(f, buf, hz + 1);
            }
            fputc('}', f);
        }
    dt_free(buf);
    fputs("]}\n", f);
    return finish(f, err);
}

int dt_reciprocity_write_tsv(FILE *f, const dt_recip *res, dt_error *err)
{
    fputs("cause\teffect\tf\tdf1\tdf2\tp\n", f);
    for (size_t g = 0; g < res->ngranger; g++) {
        const dt_granger *gr = &res->granger[g];
        fprintf(f, "%s\t%s\t%.6g\t%u\t%u\t%.6g\n", res->dyad[gr->cause], res->dyad[gr->effect],
                gr->f, gr->df1, gr->df2, gr->p_value);
    }
    return finish(f, err);
}

static const char *stars(double p)
{
    return p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

int dt_reciprocity_write_text(FILE *f, const dt_recip *res, dt_error *err)
{
    size_t k = res->k, hz = res->irf.horizon;
    char l0[16], l1[16];
    fprintf(f, "Reciprocity: VAR(%zu) on the %s series per %s, %s .. %s (%zu periods, %zu used)\n",
            res->opts.lags, dt_recip_measure_name(res->opts.measure),
            dt_period_name(res->opts.period), dt_period_label(res->start[0], res->opts.period, l0),
            dt_period_label(res->start[res->t - 1], res->opts.period, l1), res->t, res->var->nobs);
    size_t w = 7;
    for (size_t i = 0; i < k; i++)
        if (strlen(res->dyad[i]) > w)
            w = strlen(res->dyad[i]);
    int iw = (int)w;
    fputs("\nDyads, in the Cholesky order of the impulse responses:\n", f);
    fprintf(f, "   #  %-*s  %8s  %9s  %9s\n", iw, "dyad", "events", "mean", "s.d.");
    for (size_t i = 0; i < k; i++) {
        double m = 0, v = 0;
        unsigned long ev = 0;
        for (size_t p = 0; p < res->t; p++) {
            m += res->y[p * k + i];
            ev += res->events[p * k + i];
        }
        m /= (double)res->t;
        for (size_t p = 0; p < res->t; p++)
            v += (res->y[p * k + i] - m) * (res->y[p * k + i] - m);
        v = res->t > 1 ? v / (double)(res->t - 1) : 0;
        fprintf(f, "  %2zu  %-*s  %8lu  %9.3f  %9.3f\n", i + 1, iw, res->dyad[i], ev, m, sqrt(v));
    }
    fprintf(f, "\nLag selection (common sample of %zu periods; * = minimum):\n", res->sel.nobs);
    fputs("  lags        AIC          BIC          HQ\n", f);
    for (size_t p = 1; p <= res->sel.max_lag; p++)
        fprintf(f, "  %4zu  %10.4f%s  %10.4f%s  %10.4f%s\n", p, res->sel.aic[p - 1],
                p == res->sel.best_aic ? "*" : " ", res->sel.bic[p - 1],
                p == res->sel.best_bic ? "*" : " ", res->sel.hq[p - 1],
                p == res->sel.best_hq ? "*" : " ");
    if (res->chosen_by < 0)
        fprintf(f, "  using %zu lags (given)\n", res->opts.lags);
    else
        fprintf(f, "  using %zu lags (by %s)\n", res->opts.lags,
                res->chosen_by == DT_VAR_AIC  ? "AIC"
                : res->chosen_by == DT_VAR_HQ ? "HQ"
                                              : "BIC");
    fprintf(f, "\nStability: largest companion eigenvalue modulus %.3f: %s\n",
            res->var->max_modulus,
            res->var->stable ? "stable (stationary)"
                             : "NOT stable: responses do not die out; read with care");
    fputs("\nGranger causality (F test: do the cause's lags help predict the effect?)\n", f);
    fprintf(f, "  %-*s  %-*s  %8s  %7s  %8s\n", iw, "cause", iw, "effect", "F", "df", "p");
    for (size_t g = 0; g < res->ngranger; g++) {
        const dt_granger *gr = &res->granger[g];
        char df[24];
        snprintf(df, sizeof df, "%u,%u", gr->df1, gr->df2);
        fprintf(f, "  %-*s  %-*s  %8.3f  %7s  %8.4f %s\n", iw, res->dyad[gr->cause], iw,
                res->dyad[gr->effect], gr->f, df, gr->p_value, stars(gr->p_value));
    }
    fputs("  * p < 0.05, ** p < 0.01 (each test on its own; with many pairs expect some\n"
          "  false positives at 5 %)\n",
          f);
    if (res->irf.reps)
        fprintf(f,
                "\nImpulse responses (one-s.d. orthogonalised shock, horizons 0..%zu; %.0f %% "
                "band from %zu bootstrap replicates%s)\n",
                hz, res->irf.level * 100, res->irf.reps - res->irf.reps_failed,
                res->irf.reps_failed ? ", some failed" : "");
    else
        fprintf(f,
                "\nImpulse responses (one-s.d. orthogonalised shock, horizons 0..%zu; no "
                "bands)\n",
                hz);
    fprintf(f, "  %-*s  %-*s  %8s  %4s  %s\n", iw, "impulse", iw, "response", "peak", "at",
            "band excludes 0 at");
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < k; i++) {
            if (i == j)
                continue;
            size_t at = 0;
            double peak = 0;
            for (size_t h = 0; h <= hz; h++) {
                double v = res->irf.value[(h * k + i) * k + j];
                if (fabs(v) > fabs(peak)) {
                    peak = v;
                    at = h;
                }
            }
            fprintf(f, "  %-*s  %-*s  %+8.3f  %4zu  ", iw, res->dyad[j], iw, res->dyad[i], peak,
                    at);
            int any = 0;
            if (res->irf.reps)
                for (size_t h = 0; h <= hz; h++) {
                    size_t c = (h * k + i) * k + j;
                    if (res->irf.lo[c] > 0 || res->irf.hi[c] < 0) {
                        fprintf(f, any ? ",%zu" : "%zu", h);
                        any = 1;
                    }
                }
            fputs(any ? "\n" : "-\n", f);
        }
    return finish(f, err);
}
