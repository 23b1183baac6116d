/* detente stability: the regional stability index, its change points and
 * the dyads and events that drove them (docs/stability.md). */
#include "cli.h"

#include "detente/chart.h"
#include "detente/evset.h"
#include "detente/series.h"
#include "detente/stability.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: detente stability --region FILE [--db SPEC] [--period P] [--from D] [--to D]\n"
          "                         [--format tsv|json] [--svg FILE] [-o FILE]\n"
          "\n"
          "Per period, the stability index of the region's actors (-1 unstable .. +1 stable)\n"
          "with its parts (Goldstein balance, material conflict share, volatility), then\n"
          "the change points of the index and of each dyad (CUSUM and Bayesian online\n"
          "detection) with the dyads and event ids that drove them. See docs/stability.md.\n"
          "\n"
          "  --region FILE      the region: name, actors, dyad weights, period (required)\n",
          f);
    dt_cli_analysis_usage(f);
}

/* Collect the stream into a set, so that the good records are kept when
 * a JSONL line is bad (it is reported, and the exit status is 1). */
static int collect(void *ctx, const dt_evrec *r)
{
    return dt_evset_add(ctx, r) ? DT_ENOMEM : 0;
}

static int write_svg(const char *path, const dt_stability *s)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        dt_cli_errorf("stability: %s: cannot write: %s", path, strerror(errno));
        return DT_EXIT_INPUT;
    }
    size_t n = s->nrows;
    int32_t *x = malloc((n ? n : 1) * sizeof *x);
    double *y = malloc((n ? n : 1) * sizeof *y);
    double *b = malloc((n ? n : 1) * sizeof *b);
    dt_chart_marker *mk = malloc((s->ncps ? s->ncps : 1) * sizeof *mk);
    char(*labels)[48] = malloc((s->ncps ? s->ncps : 1) * sizeof *labels);
    int rc = DT_EXIT_OK;
    if (!x || !y || !b || !mk || !labels) {
        dt_cli_errorf("stability: out of memory");
        rc = DT_EXIT_INTERNAL;
        goto done;
    }
    for (size_t t = 0; t < n; t++) {
        x[t] = s->rows[t].start;
        y[t] = s->rows[t].index;
        b[t] = s->rows[t].balance;
    }
    size_t nm = 0;
    for (size_t k = 0; k < s->ncps; k++) {
        const dt_stability_cp *c = &s->cps[k];
        if (c->is_dyad)
            continue;
        snprintf(labels[nm], sizeof labels[nm], "%s %s", c->direction > 0 ? "up" : "down",
                 dt_cp_method_name(c->method));
        mk[nm].date = s->rows[c->row].start;
        mk[nm].label = labels[nm];
        nm++;
    }
    char title[160];
    snprintf(title, sizeof title, "Stability index: %s (%s)", s->region, dt_period_name(s->period));
    dt_chart_line lines[2] = {{"index", y, NULL, NULL, NULL}, {"balance", b, NULL, NULL, NULL}};
    dt_chart c = {.title = title,
                  .ylabel = "-1 unstable .. +1 stable",
                  .x = x,
                  .n = n,
                  .period = s->period,
                  .lines = lines,
                  .nlines = 2,
                  .markers = mk,
                  .nmarkers = nm};
    dt_error err;
    if (dt_chart_line_svg(f, &c, &err) < 0) {
        char msg[1024];
        dt_error_format(&err, msg, sizeof msg);
        dt_cli_errorf("stability: %s: %s", path, msg);
        rc = DT_EXIT_INPUT;
    }
done:
    if (fclose(f) != 0 && rc == DT_EXIT_OK) {
        dt_cli_errorf("stability: %s: write error: %s", path, strerror(errno));
        rc = DT_EXIT_INPUT;
    }
    free(x);
    free(y);
    free(b);
    free(mk);
    free(labels);
    return rc;
}

int dt_cli_stability(int argc, char **argv)
{
    dt_cli_analysis o;
    dt_cli_analysis_init(&o);
    const char *region_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            dt_cli_analysis_free(&o);
            return DT_EXIT_OK;
        }
        int r = dt_cli_analysis_arg(&o, "stability", argc, argv, &i);
        if (r < 0) {
            dt_cli_analysis_free(&o);
            return DT_EXIT_INPUT;
        }
        if (r > 0)
            continue;
        if (!strcmp(a, "--region") || !strncmp(a, "--region=", 9)) {
            if (a[8] == '=')
                region_path = a + 9;
            else if (i + 1 < argc)
                region_path = argv[++i];
            else {
                dt_cli_errorf("stability: --region needs a file");
                dt_cli_analysis_free(&o);
                return DT_EXIT_INPUT;
            }
            continue;
        }
        dt_cli_errorf("stability: unknown option '%s' (see 'detente stability --help')", a);
        dt_cli_analysis_free(&o);
        return DT_EXIT_INPUT;
    }
    if (!region_path || !*region_path) {
        dt_cli_errorf("stability: --region FILE is required (see 'detente stability --help')");
        dt_cli_analysis_free(&o);
        return DT_EXIT_INPUT;
    }
    if (o.format == DT_CLI_FMT_CSV) {
        dt_cli_errorf("stability: --format: csv is not offered (tsv or json)");
        dt_cli_analysis_free(&o);
        return DT_EXIT_INPUT;
    }

    dt_error err;
    dt_region *reg = NULL;
    dt_evset *set = NULL;
    dt_stability *st = NULL;
    int exit = DT_EXIT_OK, rc;
    if ((rc = dt_region_load(&reg, region_path, &err)) < 0) {
        exit = dt_cli_source_error("stability", rc, &err);
        goto done;
    }
    if (dt_evset_new(&set) < 0) {
        dt_cli_errorf("stability: out of memory");
        exit = DT_EXIT_INTERNAL;
        goto done;
    }
    rc = dt_evsource_each(o.db, &o.filter, collect, set, &err);
    if (rc == DT_EFORMAT && set->n) {
        /* Bad JSONL lines: say where, keep the good events, exit 1. */
        exit = dt_cli_source_error("stability", rc, &err);
    } else if (rc) {
        exit = dt_cli_source_error("stability", rc < 0 ? rc : DT_ENOMEM, &err);
        goto done;
    }
    dt_stability_opts so;
    dt_stability_opts_init(&so);
    so.period = o.period_set ? o.period : -1;
    so.from = o.filter.from;
    so.to = o.filter.to;
    if ((rc = dt_stability_compute(&st, reg, set->rec, set->n, &so, &err)) < 0) {
        int e = dt_cli_source_error("stability", rc, &err);
        exit = exit > e ? exit : e;
        goto done;
    }
    FILE *out = dt_cli_analysis_open_output(&o, "stability");
    if (!out) {
        exit = DT_EXIT_INPUT;
        goto done;
    }
    rc = o.format == DT_CLI_FMT_JSON ? dt_stability_write_json(out, st, &err)
                                     : dt_stability_write_tsv(out, st, &err);
    int ce = dt_cli_analysis_close_output(&o, "stability", out);
    if (ce && !exit)
        exit = ce;
    if (o.svg) {
        int se = write_svg(o.svg, st);
        if (se > exit)
            exit = se;
    }
done:
    dt_stability_free(st);
    dt_evset_free(set);
    dt_region_free(reg);
    dt_cli_analysis_free(&o);
    return exit;
}
