/* detente report — a short summary of an event store. */
#include "cli.h"

#include "detente/reader.h"
#include "detente/report.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: detente report --db PATH [--from YYYY-MM-DD --to YYYY-MM-DD] [--top N]\n"
          "\n"
          "Summarise a SQLite event store written by 'detente code --output sqlite:PATH':\n"
          "totals, the top directed dyads, events by quad class per quarter, and, with\n"
          "--from/--to, every event of that window with its evidence (the sentence and\n"
          "the source, verb and target spans, and the dictionary entry that fired).\n"
          "\n"
          "  --db PATH         the store (also accepted as sqlite:PATH)\n"
          "  --from, --to D    the evidence window (inclusive)\n"
          "  --top N           how many dyads to list (default 10)\n"
          "  --max-events N    events listed in the window (default 40)\n"
          "  -h, --help        this help\n",
          f);
}

static int parse_count(const char *s, int *out)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 1000000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = (int)v;
    return 0;
}

int dt_cli_report(int argc, char **argv)
{
    const char *db = NULL;
    dt_report_opts o = {0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return DT_EXIT_OK;
        }
        int needs = !strcmp(a, "--db") || !strcmp(a, "--from") || !strcmp(a, "--to") ||
                    !strcmp(a, "--top") || !strcmp(a, "--max-events");
        if (!needs) {
            dt_cli_errorf("report: unknown option '%s' (see 'detente report --help')", a);
            return DT_EXIT_INPUT;
        }
        if (!v) {
            dt_cli_errorf("report: %s needs a value", a);
            return DT_EXIT_INPUT;
        }
        i++;
        if (!strcmp(a, "--db")) {
            db = strncmp(v, "sqlite:", 7) == 0 ? v + 7 : v;
        } else if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
            int32_t d;
            if (dt_date_parse(v, strlen(v), &d) < 0) {
                dt_cli_errorf("report: %s: bad date '%s'", a, v);
                return DT_EXIT_INPUT;
            }
            if (a[2] == 'f')
                o.from = d;
            else
                o.to = d;
        } else if (parse_count(v, !strcmp(a, "--top") ? &o.top_dyads : &o.max_evidence) < 0) {
            dt_cli_errorf("report: %s: bad number '%s'", a, v);
            return DT_EXIT_INPUT;
        }
    }
    if (!db) {
        dt_cli_errorf("report: --db PATH is required");
        usage(stderr);
        return DT_EXIT_INPUT;
    }
    if ((o.from != 0) != (o.to != 0)) {
        dt_cli_errorf("report: --from and --to go together");
        return DT_EXIT_INPUT;
    }
    dt_error err;
    dt_error_clear(&err);
    if (dt_report_write(db, &o, stdout, &err) < 0) {
        char buf[1024];
        dt_error_format(&err, buf, sizeof buf);
        dt_cli_errorf("%s", buf);
        return DT_EXIT_INPUT;
    }
    return DT_EXIT_OK;
}
