/* detente series — events per period for a dyad, a group or everything. */
#include "cli.h"

#include "detente/chart.h"
#include "detente/series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: detente series [--db SPEC] [--source PAT,...] [--target PAT,...]\n"
          "                      [--undirected] [--period NAME] [OPTIONS]\n"
          "\n"
          "Count events per calendar period (ISO weeks, months, ...) with their quad\n"
          "classes, Goldstein sums, cooperation, conflict and net cooperation, CAMEO roots\n"
          "and PLOVER types. Every period between the first and the last is listed (or\n"
          "between --from and --to), empty ones with zeros. Actor patterns: PRK (the\n"
          "country block: PRK, PRKGOV, ...), =PRKGOV (exactly), PRK*GOV (glob), :MIL (a\n"
          "role block). Several patterns separated by commas form a group.\n"
          "\n"
          "  --undirected       count target->source events too\n"
          "  --chart KIND       what --svg draws: lines (cooperation, conflict and net,\n"
          "                     default), quads (stacked quad classes) or events\n"
          "  --title TEXT       the chart's title\n"
          "  -h, --help         this help\n"
          "\n",
          f);
    dt_cli_analysis_usage(f);
    fputs("\nColumns (tsv/csv): start label events quad1..quad4 goldstein gold_mean coop\n"
          "confl net root01..root20 and one per PLOVER type; docs/series.md defines them.\n"
          "Example: detente series --db sqlite:korea.db --source USA --target PRK --period "
          "quarter\n",
          f);
}

static void join(char *out, size_t cap, const char *const *p, size_t n, const char *none)
{
    size_t k = 0;
    out[0] = '\0';
    if (!n) {
        snprintf(out, cap, "%s", none);
        return;
    }
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        int w = snprintf(out + k, cap - k, "%s%s", i ? "," : "", p[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

static int write_svg(const dt_cli_analysis *o, const dt_series *s, const dt_series_spec *spec,
                     const char *kind, const char *title)
{
    char src[200], tgt[200], t[480];
    join(src, sizeof src, spec->sources, spec->nsources, "all");
    join(tgt, sizeof tgt, spec->targets, spec->ntargets, "all");
    if (!title) {
        snprintf(t, sizeof t, "%s %s %s, by %s", src, spec->undirected ? "<->" : "->", tgt,
                 dt_period_name(s->period));
        title = t;
    }
    FILE *f = fopen(o->svg, "w");
    if (!f) {
        dt_cli_errorf("series: %s: cannot write", o->svg);
        return DT_EXIT_INPUT;
    }
    int32_t *x = malloc((s->n ? s->n : 1) * sizeof *x);
    double *y = malloc((s->n ? s->n : 1) * 4 * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        fclose(f);
        dt_cli_errorf("series: out of memory");
        return DT_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < s->n; i++)
        x[i] = s->row[i].start;
    dt_error err;
    int rc;
    if (!strcmp(kind, "quads")) {
        for (size_t i = 0; i < s->n; i++)
            for (int q = 0; q < 4; q++)
                y[i * 4 + (size_t)q] = s->row[i].quad[q + 1];
        static const char *const names[] = {"verbal cooperation", "material cooperation",
                                            "verbal conflict", "material conflict"};
        dt_chart_bars c;
        memset(&c, 0, sizeof c);
        c.title = title;
        c.ylabel = "events";
        c.x = x;
        c.n = s->n;
        c.period = s->period;
        c.stack_labels = names;
        c.nstack = 4;
        c.values = y;
        rc = dt_chart_bars_svg(f, &c, &err);
    } else {
        dt_chart_line lines[3];
        memset(lines, 0, sizeof lines);
        size_t nl;
        double *a = y, *b = y + s->n, *c3 = y + 2 * s->n;
        if (!strcmp(kind, "events")) {
            for (size_t i = 0; i < s->n; i++)
                a[i] = s->row[i].events;
            lines[0].label = "events";
            lines[0].y = a;
            nl = 1;
        } else {
            for (size_t i = 0; i < s->n; i++) {
                a[i] = s->row[i].coop;
                b[i] = s->row[i].confl;
                c3[i] = s->row[i].net;
            }
            lines[0].label = "cooperation";
            lines[0].y = a;
            lines[1].label = "conflict";
            lines[1].y = b;
            lines[2].label = "net cooperation";
            lines[2].y = c3;
            nl = 3;
        }
        dt_chart c;
        memset(&c, 0, sizeof c);
        c.title = title;
        c.ylabel = !strcmp(kind, "events") ? "events" : "Goldstein sum";
        c.x = x;
        c.n = s->n;
        c.period = s->period;
        c.lines = lines;
        c.nlines = nl;
        rc = dt_chart_line_svg(f, &c, &err);
    }
    free(x);
    free(y);
    if (fclose(f) != 0 && rc == DT_OK)
        rc = DT_EIO;
    if (rc < 0) {
        dt_cli_errorf("series: %s: %s", o->svg, rc == DT_EIO ? "write error" : err.msg);
        return rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
    }
    return DT_EXIT_OK;
}

int dt_cli_series(int argc, char **argv)
{
    dt_cli_analysis o;
    dt_cli_analysis_init(&o);
    int undirected = 0;
    const char *kind = "lines", *title = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = dt_cli_analysis_arg(&o, "series", argc, argv, &i);
        if (r < 0) {
            dt_cli_analysis_free(&o);
            return DT_EXIT_INPUT;
        }
        if (r > 0)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            dt_cli_analysis_free(&o);
            return DT_EXIT_OK;
        } else if (!strcmp(a, "--undirected")) {
            undirected = 1;
        } else if ((!strcmp(a, "--chart") || !strcmp(a, "--title")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--title")) {
                title = v;
            } else if (!strcmp(v, "lines") || !strcmp(v, "quads") || !strcmp(v, "events")) {
                kind = v;
            } else {
                dt_cli_errorf("series: --chart: '%s' is not one of lines, quads, events", v);
                dt_cli_analysis_free(&o);
                return DT_EXIT_INPUT;
            }
        } else {
            if (!strcmp(a, "--chart") || !strcmp(a, "--title"))
                dt_cli_errorf("series: %s needs a value", a);
            else
                dt_cli_errorf("series: unknown argument '%s' (see 'detente series --help')", a);
            dt_cli_analysis_free(&o);
            return DT_EXIT_INPUT;
        }
    }
    o.filter.undirected = undirected;
    dt_series_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.period = o.period;
    spec.sources = o.filter.sources;
    spec.nsources = o.filter.nsources;
    spec.targets = o.filter.targets;
    spec.ntargets = o.filter.ntargets;
    spec.undirected = undirected;
    spec.from = o.filter.from;
    spec.to = o.filter.to;

    dt_series *s = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_series_from_source(&s, o.db, &o.filter, &spec, &err);
    int status = DT_EXIT_OK;
    if (s) {
        FILE *out = dt_cli_analysis_open_output(&o, "series");
        if (!out) {
            status = DT_EXIT_INPUT;
        } else {
            dt_error werr;
            if (o.format == DT_CLI_FMT_JSON)
                dt_series_write_json(out, s, &spec, &werr);
            else if (o.format == DT_CLI_FMT_CSV)
                dt_series_write_csv(out, s, &werr);
            else
                dt_series_write_tsv(out, s, &werr);
            status = dt_cli_analysis_close_output(&o, "series", out);
        }
        if (status == DT_EXIT_OK && o.svg)
            status = write_svg(&o, s, &spec, kind, title);
    }
    if (rc < 0) {
        int st = dt_cli_source_error("series", rc, &err);
        if (st > status)
            status = st;
    }
    dt_series_free(s);
    dt_cli_analysis_free(&o);
    return status;
}
