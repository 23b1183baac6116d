/* detente — options shared by the analysis commands (series, stability,
 * watch, reciprocity): where the events come from, which of them, and how
 * the result is written. Declared in cli.h. */
#include "cli.h"

#include "detente/reader.h"
#include "detente/series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void dt_cli_analysis_init(dt_cli_analysis *o)
{
    memset(o, 0, sizeof *o);
    o->db = "-";
    o->period = DT_PERIOD_MONTH;
    o->format = DT_CLI_FMT_TSV;
}

void dt_cli_analysis_free(dt_cli_analysis *o)
{
    for (size_t i = 0; i < o->nowned; i++)
        free(o->owned[i]);
    free((void *)o->filter.sources);
    free((void *)o->filter.targets);
    free((void *)o->filter.actors);
    free((void *)o->filter.codes);
    memset(&o->filter, 0, sizeof o->filter);
    o->nowned = 0;
}

/* Split "A,B,C" into a NULL-free array of pointers into a private copy.
 * A repeated option adds to the list. -1 after an error message. */
static int add_list(dt_cli_analysis *o, const char *cmd, const char *opt, const char *v,
                    const char *const **list, size_t *n, int patterns)
{
    if (o->nowned == sizeof o->owned / sizeof o->owned[0]) {
        dt_cli_errorf("%s: %s given too many times", cmd, opt);
        return -1;
    }
    char *copy = strdup(v);
    if (!copy) {
        dt_cli_errorf("%s: out of memory", cmd);
        return -1;
    }
    o->owned[o->nowned++] = copy;
    size_t parts = 1;
    for (const char *c = v; *c; c++)
        parts += *c == ',';
    const char **arr = realloc((void *)*list, (*n + parts) * sizeof *arr);
    if (!arr) {
        dt_cli_errorf("%s: out of memory", cmd);
        return -1;
    }
    *list = arr;
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (patterns) {
            dt_error err;
            if (dt_actor_pattern_check(p, &err) < 0) {
                dt_cli_errorf("%s: %s: bad actor pattern: %s", cmd, opt, err.msg);
                return -1;
            }
        } else if (!*p) {
            dt_cli_errorf("%s: %s: empty item in '%s'", cmd, opt, v);
            return -1;
        }
        arr[(*n)++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static int parse_date_arg(const char *cmd, const char *opt, const char *v, int32_t *out)
{
    size_t n = strlen(v);
    if ((n != 8 && n != 10) || dt_date_parse(v, n, out) < 0) {
        dt_cli_errorf("%s: %s: '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", cmd, opt, v);
        return -1;
    }
    return 0;
}

static const char *const WITH_VALUE[] = {"--db",     "--from", "--to",     "--source", "--target",
                                         "--actor",  "--code", "--quad",   "--text",   "--period",
                                         "--format", "--svg",  "--output", "-o"};

int dt_cli_analysis_arg(dt_cli_analysis *o, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--dedup")) {
        o->filter.dedup = 1;
        return 1;
    }
    char name[32];
    const char *v = NULL;
    const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
    size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
    if (nlen >= sizeof name)
        return 0;
    memcpy(name, a, nlen);
    name[nlen] = '\0';
    size_t k;
    for (k = 0; k < sizeof WITH_VALUE / sizeof WITH_VALUE[0]; k++)
        if (!strcmp(name, WITH_VALUE[k]))
            break;
    if (k == sizeof WITH_VALUE / sizeof WITH_VALUE[0])
        return 0;
    if (eq) {
        v = eq + 1;
    } else {
        if (*i + 1 >= argc) {
            dt_cli_errorf("%s: %s needs a value", cmd, name);
            return -1;
        }
        v = argv[++*i];
    }
    dt_evfilter *f = &o->filter;
    if (!strcmp(name, "--db")) {
        if (!*v) {
            dt_cli_errorf("%s: --db: empty value", cmd);
            return -1;
        }
        o->db = v;
    } else if (!strcmp(name, "--from")) {
        return parse_date_arg(cmd, name, v, &f->from) < 0 ? -1 : 1;
    } else if (!strcmp(name, "--to")) {
        return parse_date_arg(cmd, name, v, &f->to) < 0 ? -1 : 1;
    } else if (!strcmp(name, "--source")) {
        return add_list(o, cmd, name, v, &f->sources, &f->nsources, 1) < 0 ? -1 : 1;
    } else if (!strcmp(name, "--target")) {
        return add_list(o, cmd, name, v, &f->targets, &f->ntargets, 1) < 0 ? -1 : 1;
    } else if (!strcmp(name, "--actor")) {
        return add_list(o, cmd, name, v, &f->actors, &f->nactors, 1) < 0 ? -1 : 1;
    } else if (!strcmp(name, "--code")) {
        if (add_list(o, cmd, name, v, &f->codes, &f->ncodes, 0) < 0)
            return -1;
        for (size_t j = 0; j < f->ncodes; j++) {
            const char *c = f->codes[j];
            size_t n = strlen(c);
            int ok = n >= 1 && n <= 4;
            for (size_t m = 0; ok && m < n; m++)
                ok = c[m] >= '0' && c[m] <= '9';
            if (!ok) {
                dt_cli_errorf("%s: --code: '%s' is not a CAMEO code prefix (1-4 digits)", cmd, c);
                return -1;
            }
        }
    } else if (!strcmp(name, "--quad")) {
        if (strlen(v) != 1 || v[0] < '1' || v[0] > '4') {
            dt_cli_errorf("%s: --quad: '%s' is not a quad class 1..4", cmd, v);
            return -1;
        }
        f->quad = v[0] - '0';
    } else if (!strcmp(name, "--text")) {
        f->text = v;
    } else if (!strcmp(name, "--period")) {
        int p = dt_period_from_name(v);
        if (p < 0) {
            dt_cli_errorf("%s: --period: '%s' is not one of day, week, month, quarter, year", cmd,
                          v);
            return -1;
        }
        o->period = p;
        o->period_set = 1;
    } else if (!strcmp(name, "--format")) {
        if (!strcmp(v, "tsv"))
            o->format = DT_CLI_FMT_TSV;
        else if (!strcmp(v, "csv"))
            o->format = DT_CLI_FMT_CSV;
        else if (!strcmp(v, "json"))
            o->format = DT_CLI_FMT_JSON;
        else {
            dt_cli_errorf("%s: --format: '%s' is not one of tsv, csv, json", cmd, v);
            return -1;
        }
        o->format_set = 1;
    } else if (!strcmp(name, "--svg")) {
        if (!*v) {
            dt_cli_errorf("%s: --svg: empty file name", cmd);
            return -1;
        }
        o->svg = v;
    } else {
        if (!*v) {
            dt_cli_errorf("%s: %s: empty file name", cmd, name);
            return -1;
        }
        o->output = v;
    }
    return 1;
}

void dt_cli_analysis_usage(FILE *f)
{
    fputs("Events (all optional):\n"
          "  --db SPEC          where the events are: sqlite:PATH (or PATH.db/.sqlite),\n"
          "                     postgresql://..., or a JSONL file from 'detente code'\n"
          "                     (gz/zst allowed); default '-' = JSONL on stdin\n"
          "  --from, --to DATE  date range, inclusive (YYYY-MM-DD or YYYYMMDD)\n"
          "  --source PAT,...   source actor patterns (PRK, =PRKGOV, PRK*GOV, :MIL)\n"
          "  --target PAT,...   target actor patterns\n"
          "  --actor PAT,...    source or target matches\n"
          "  --code PREFIX,...  CAMEO code prefixes (19, 042, 1721)\n"
          "  --quad N           quad class 1..4 only\n"
          "  --text STR         sentence contains STR (ASCII case-insensitive)\n"
          "  --dedup            one-a-day: one event per (day, source, target, code)\n"
          "Output:\n"
          "  --period NAME      day, week (ISO), month, quarter or year (default month)\n"
          "  --format FMT       tsv, csv or json (default tsv)\n"
          "  --svg FILE         also draw a chart as SVG\n"
          "  -o, --output FILE  write to FILE instead of standard output\n",
          f);
}

FILE *dt_cli_analysis_open_output(const dt_cli_analysis *o, const char *cmd)
{
    if (!o->output || !strcmp(o->output, "-"))
        return stdout;
    FILE *f = fopen(o->output, "w");
    if (!f)
        dt_cli_errorf("%s: %s: cannot write: %s", cmd, o->output, strerror(errno));
    return f;
}

int dt_cli_analysis_close_output(const dt_cli_analysis *o, const char *cmd, FILE *f)
{
    int bad = fflush(f) != 0 || ferror(f);
    int e = errno;
    if (f != stdout && fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        dt_cli_errorf("%s: %s: write error: %s", cmd,
                      o->output && strcmp(o->output, "-") ? o->output : "<stdout>", strerror(e));
        return DT_EXIT_INPUT;
    }
    return DT_EXIT_OK;
}

int dt_cli_source_error(const char *cmd, int rc, const dt_error *err)
{
    char msg[1024];
    if (err && (err->msg[0] || err->file[0]))
        dt_error_format(err, msg, sizeof msg);
    else
        snprintf(msg, sizeof msg, "%s", dt_strerror(rc));
    dt_cli_errorf("%s: %s", cmd, msg);
    return rc == DT_ENOMEM || rc == DT_EINTERNAL ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
}
