/* detente reciprocity — a VAR over dyad Goldstein series: lag selection,
 * Granger tests and impulse responses (reciprocity.h, var.h). */
#include "cli.h"

#include "detente/chart.h"
#include "detente/evset.h"
#include "detente/reciprocity.h"
#include "detente/series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FMT_TEXT = 0, FMT_JSON, FMT_TSV };

static void usage(FILE *f)
{
    fputs("Usage: detente reciprocity --dyads SRC-TGT,SRC-TGT,... [options]\n"
          "\n"
          "Who responds to whom: a vector autoregression over the per-period Goldstein\n"
          "series of directed dyads (Goldstein & Freeman's 'three-way street'), with lag\n"
          "selection (AIC, BIC, HQ), Granger-causality F tests and orthogonalised impulse\n"
          "responses with residual-bootstrap bands. See docs/reciprocity.md.\n"
          "\n"
          "  --dyads LIST       comma-separated SOURCE-TARGET actor patterns, at least 2;\n"
          "                     the order is the Cholesky order of the impulse responses\n"
          "                     (e.g. USA-CHN,CHN-USA,CHN-PRK,PRK-CHN,USA-PRK,PRK-USA)\n"
          "  --lags N|auto      VAR order (default auto: chosen by --criterion)\n"
          "  --max-lags N       largest order tried (default 4)\n"
          "  --criterion C      aic, bic or hq (default bic)\n"
          "  --measure M        goldstein (sum, default), net, mean or events\n"
          "  --horizon N        impulse responses for 0..N periods (default 12)\n"
          "  --reps N           bootstrap replicates for the bands (default 500; 0 = none)\n"
          "  --level X          band coverage (default 0.95)\n"
          "  --seed N           bootstrap seed (default 1)\n"
          "  --format FMT       text (default), json (the /api/reciprocity object) or tsv\n"
          "                     (the Granger table)\n"
          "  --svg FILE         chart the responses to one impulse with their bands\n"
          "  --impulse DYAD     the impulse charted by --svg (default the first dyad)\n"
          "  -h, --help         this help\n"
          "\n",
          f);
    dt_cli_analysis_usage(f);
}

static int parse_size(const char *s, size_t max, size_t *out)
{
    size_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

static int parse_level(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!*s || !end || *end || !(v > 0 && v < 1))
        return -1;
    *out = v;
    return 0;
}

/* The responses of every dyad to one impulse, each with its band. */
static int write_svg(const char *path, const dt_recip *res, size_t impulse)
{
    size_t k = res->k, hz = res->irf.horizon, n = hz + 1;
    int32_t *x = malloc(n * sizeof *x);
    double *buf = malloc(3 * k * n * sizeof *buf);
    dt_chart_line *lines = calloc(k, sizeof *lines);
    int rc = DT_EXIT_INTERNAL;
    FILE *f = NULL;
    if (!x || !buf || !lines) {
        dt_cli_errorf("reciprocity: out of memory");
        goto out;
    }
    for (size_t h = 0; h < n; h++)
        x[h] = (int32_t)h;
    for (size_t i = 0; i < k; i++) {
        double *v = buf + 3 * i * n, *lo = v + n, *hi = lo + n;
        for (size_t h = 0; h < n; h++) {
            size_t c = (h * k + i) * k + impulse;
            v[h] = res->irf.value[c];
            lo[h] = res->irf.lo[c];
            hi[h] = res->irf.hi[c];
        }
        lines[i].label = res->dyad[i];
        lines[i].y = v;
        if (res->irf.reps) {
            lines[i].lo = lo;
            lines[i].hi = hi;
        }
    }
    char title[256];
    snprintf(title, sizeof title, "Responses to a one-s.d. shock in %s (VAR(%zu), %.0f%% bands)",
             res->dyad[impulse], res->opts.lags, res->irf.level * 100);
    dt_chart c;
    memset(&c, 0, sizeof c);
    c.title = title;
    c.xlabel = "periods after the shock";
    c.ylabel = dt_recip_measure_name(res->opts.measure);
    c.x = x;
    c.n = n;
    c.period = DT_CHART_X_INDEX;
    c.lines = lines;
    c.nlines = k;
    f = fopen(path, "w");
    if (!f) {
        dt_cli_errorf("reciprocity: %s: cannot write", path);
        rc = DT_EXIT_INPUT;
        goto out;
    }
    dt_error err;
    int r = dt_chart_line_svg(f, &c, &err);
    if (fclose(f) != 0 && r == DT_OK)
        r = DT_EIO;
    if (r < 0) {
        dt_cli_errorf("reciprocity: %s: %s", path, r == DT_EIO ? "write error" : err.msg);
        rc = r == DT_EIO ? DT_EXIT_INPUT : DT_EXIT_INTERNAL;
        goto out;
    }
    rc = DT_EXIT_OK;
out:
    free(x);
    free(buf);
    free(lines);
    return rc;
}

/* Errors of the analysis itself name no file: print just the reason. */
static int run_error(int rc, const dt_error *err)
{
    if (err->file[0])
        return dt_cli_source_error("reciprocity", rc, err);
    dt_cli_errorf("reciprocity: %s", err->msg[0] ? err->msg : dt_strerror(rc));
    return rc == DT_ENOMEM || rc == DT_EINTERNAL ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
}

int dt_cli_reciprocity(int argc, char **argv)
{
    const char *cmd = "reciprocity";
    dt_cli_analysis o;
    dt_cli_analysis_init(&o);
    dt_recip_opts ro;
    dt_recip_opts_init(&ro);
    const char *dyads = NULL, *impulse = NULL;
    int format = FMT_TEXT;
    int exit_code = DT_EXIT_INPUT;
    dt_evset *set = NULL;
    dt_recip *res = NULL;
    char **lab = NULL, **src = NULL, **tgt = NULL;
    size_t nd = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            dt_cli_analysis_free(&o);
            return DT_EXIT_OK;
        }
        static const char *const own[] = {"--dyads",   "--lags",    "--max-lags", "--criterion",
                                          "--measure", "--horizon", "--reps",     "--level",
                                          "--seed",    "--format",  "--impulse"};
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        size_t w = 0;
        for (; w < sizeof own / sizeof own[0]; w++)
            if (strlen(own[w]) == nlen && !strncmp(a, own[w], nlen))
                break;
        if (w == sizeof own / sizeof own[0]) {
            int r = dt_cli_analysis_arg(&o, cmd, argc, argv, &i);
            if (r < 0)
                goto done;
            if (r == 0) {
                dt_cli_errorf("%s: unknown option '%s' (see 'detente reciprocity --help')", cmd, a);
                goto done;
            }
            continue;
        }
        const char *name = own[w], *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            dt_cli_errorf("%s: %s needs a value", cmd, name);
            goto done;
        }
        int bad = 0;
        if (!strcmp(name, "--dyads")) {
            dyads = v;
        } else if (!strcmp(name, "--impulse")) {
            impulse = v;
        } else if (!strcmp(name, "--lags")) {
            if (!strcmp(v, "auto"))
                ro.lags = 0;
            else
                bad = parse_size(v, DT_VAR_MAX_LAG, &ro.lags) < 0 || ro.lags == 0;
        } else if (!strcmp(name, "--max-lags")) {
            bad = parse_size(v, DT_VAR_MAX_LAG, &ro.max_lags) < 0 || ro.max_lags == 0;
        } else if (!strcmp(name, "--criterion")) {
            ro.criterion = dt_var_ic_from_name(v);
            bad = ro.criterion < 0;
        } else if (!strcmp(name, "--measure")) {
            ro.measure = dt_recip_measure_from_name(v);
            bad = ro.measure < 0;
        } else if (!strcmp(name, "--horizon")) {
            bad = parse_size(v, 1000, &ro.horizon) < 0;
        } else if (!strcmp(name, "--reps")) {
            bad = parse_size(v, 100000, &ro.reps) < 0;
        } else if (!strcmp(name, "--level")) {
            bad = parse_level(v, &ro.level) < 0;
        } else if (!strcmp(name, "--seed")) {
            size_t s = 0;
            bad = parse_size(v, SIZE_MAX / 10, &s) < 0;
            ro.seed = s;
        } else if (!strcmp(v, "text")) {
            format = FMT_TEXT;
        } else if (!strcmp(v, "json")) {
            format = FMT_JSON;
        } else if (!strcmp(v, "tsv")) {
            format = FMT_TSV;
        } else {
            bad = 1;
        }
        if (bad) {
            dt_cli_errorf("%s: %s: bad value '%s' (see 'detente reciprocity --help')", cmd, name,
                          v);
            goto done;
        }
    }
    if (!dyads) {
        dt_cli_errorf("%s: --dyads is required (e.g. --dyads USA-PRK,PRK-USA)", cmd);
        goto done;
    }
    if (ro.lags > ro.max_lags)
        ro.max_lags = ro.lags;
    dt_error err;
    int rc = dt_recip_parse_dyads(dyads, &lab, &src, &tgt, &nd, &err);
    if (rc < 0) {
        exit_code = run_error(rc, &err);
        goto done;
    }
    size_t imp = 0;
    if (impulse) {
        for (imp = 0; imp < nd && strcmp(lab[imp], impulse); imp++)
            ;
        if (imp == nd) {
            dt_cli_errorf("%s: --impulse: '%s' is not one of the --dyads", cmd, impulse);
            goto done;
        }
    }
    ro.period = o.period;
    ro.from = o.filter.from;
    ro.to = o.filter.to;

    /* Load only what some dyad can match: a source of one dyad and a
     * target of one (a superset; the series pair them exactly). */
    dt_evfilter f = o.filter;
    if (!f.nsources && !f.ntargets && !f.nactors && !f.undirected) {
        f.sources = (const char *const *)src;
        f.nsources = nd;
        f.targets = (const char *const *)tgt;
        f.ntargets = nd;
    }
    rc = dt_evset_load(&set, o.db, &f, &err);
    if (rc < 0) {
        exit_code = dt_cli_source_error(cmd, rc, &err);
        goto done;
    }
    rc = dt_reciprocity_run(&res, set->rec, set->n, dyads, &ro, &err);
    if (rc < 0) {
        exit_code = run_error(rc, &err);
        goto done;
    }
    FILE *out = dt_cli_analysis_open_output(&o, cmd);
    if (!out)
        goto done;
    rc = format == FMT_JSON  ? dt_reciprocity_write_json(out, res, &err)
         : format == FMT_TSV ? dt_reciprocity_write_tsv(out, res, &err)
                             : dt_reciprocity_write_text(out, res, &err);
    exit_code = dt_cli_analysis_close_output(&o, cmd, out);
    if (exit_code == DT_EXIT_OK && o.svg)
        exit_code = write_svg(o.svg, res, imp);
done:
    dt_recip_dyads_free(lab, src, tgt, nd);
    dt_reciprocity_free(res);
    dt_evset_free(set);
    dt_cli_analysis_free(&o);
    return exit_code;
}
