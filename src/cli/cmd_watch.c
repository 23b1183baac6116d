/* detente watch — restraint regimes and tripwires over coded events. */
#include "cli.h"

#include "detente/series.h"
#include "detente/watch.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fputs("Usage: detente watch RULES [EVENTS] [--db SPEC] [--period P] [--from D --to D]\n"
          "                     [--rule NAME]... [--format text|tsv|json] [--follow]\n"
          "\n"
          "Check watch rules (restraint regimes and tripwires; the language is in\n"
          "docs/watch.md) against coded events. Each breach is printed as soon as its\n"
          "event is read, with its evidence; at the end comes the state of every rule\n"
          "in every period (held or broken, breaches, events seen).\n"
          "\n"
          "Events come from EVENTS or --db SPEC: a store (sqlite:PATH, a .db/.sqlite\n"
          "file, postgresql://...), a JSONL file of 'detente code' output, or '-' for\n"
          "stdin (the default), so that it works as a filter:\n"
          "  detente code news.jsonl | detente watch rules.txt\n"
          "\n"
          "Watch options:\n"
          "  --rule NAME        check only this rule (repeatable)\n"
          "  --format F         text (default), tsv (BREACH and STATUS lines) or json\n"
          "                     (the /api/watches document at the end, nothing before)\n"
          "  --max-breaches N   breaches kept for the JSON document (default 10000)\n"
          "  --follow           with a store: keep polling it for new events and print\n"
          "                     their breaches; the status is printed on Ctrl-C/TERM\n"
          "  --interval S       seconds between polls (default 2)\n"
          "  --max-polls N      stop following after N polls (for scripts)\n"
          "  -h, --help         this help\n"
          "--period is the period of the rules that do not set their own; with\n"
          "--from/--to the status covers the whole range. --svg is not supported.\n",
          f);
    dt_cli_analysis_usage(f);
    fputs("\nExit status: 0 when all went well (broken rules included), 1 for bad rules\n"
          "(every error as FILE:LINE: reason), bad options or bad event lines (the\n"
          "good ones are still checked), 2 for internal errors.\n",
          f);
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void print_diag(void *ctx, const dt_error *err)
{
    (void)ctx;
    char buf[1024];
    dt_error_format(err, buf, sizeof buf);
    dt_cli_errorf("%s", buf);
}

static int parse_count(const char *s, long max, long *out)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > max)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

typedef struct run {
    dt_watch_eval *e;
    FILE *out;
    int format;
    int flush; /* after each breach: a live pipeline or --follow */
    int64_t last_id;
    int io_failed;
} run;

static int on_breach(void *ctx, const dt_watch_breach *b)
{
    run *r = ctx;
    if (r->format == DT_WATCH_JSON)
        return 0;
    dt_error err;
    if (dt_watch_write_breach(r->out, r->format, b, &err) < 0) {
        r->io_failed = 1;
        return DT_EIO;
    }
    if (r->flush)
        fflush(r->out);
    return 0;
}

static int on_event(void *ctx, const dt_evrec *ev)
{
    run *r = ctx;
    if (ev->id > r->last_id)
        r->last_id = ev->id;
    return dt_watch_eval_add(r->e, ev, on_breach, r);
}

static int is_store(const char *spec)
{
    size_t n = strlen(spec);
    static const char *const ext[] = {".db", ".sqlite", ".sqlite3"};
    if (!strncmp(spec, "sqlite:", 7) || !strncmp(spec, "postgresql://", 13) ||
        !strncmp(spec, "postgres://", 11))
        return 1;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t k = strlen(ext[i]);
        if (n > k && !strcmp(spec + n - k, ext[i]))
            return 1;
    }
    return 0;
}

static void sleep_seconds(long s)
{
    /* in small steps, so that a signal ends the wait promptly */
    for (long i = 0; i < s * 10 && !stop_flag; i++) {
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
}

int dt_cli_watch(int argc, char **argv)
{
    const char *rules_path = NULL, *events = NULL;
    const char *names[64];
    size_t nnames = 0;
    int format = DT_WATCH_TEXT, follow = 0;
    long interval = 2, max_polls = 0, max_kept = 0;
    dt_cli_analysis ao;
    dt_cli_analysis_init(&ao);
    int status = DT_EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            dt_cli_analysis_free(&ao);
            return DT_EXIT_OK;
        }
        if (!strcmp(a, "--follow")) {
            follow = 1;
            continue;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (!rules_path) {
                rules_path = a;
            } else if (!events) {
                events = a;
            } else {
                dt_cli_errorf("watch: too many arguments ('%s'; see 'detente watch --help')", a);
                goto done;
            }
            continue;
        }
        /* watch's own options first: its --format differs from the shared one */
        if (!strcmp(a, "--format") || !strcmp(a, "--rule") || !strcmp(a, "--interval") ||
            !strcmp(a, "--max-polls") || !strcmp(a, "--max-breaches")) {
            if (!v) {
                dt_cli_errorf("watch: %s needs a value", a);
                goto done;
            }
            i++;
            if (!strcmp(a, "--format")) {
                format = dt_watch_format_from_name(v);
                if (format < 0) {
                    dt_cli_errorf("watch: --format: '%s' is not text, tsv or json", v);
                    goto done;
                }
            } else if (!strcmp(a, "--rule")) {
                if (nnames == sizeof names / sizeof names[0]) {
                    dt_cli_errorf("watch: too many --rule options");
                    goto done;
                }
                names[nnames++] = v;
            } else {
                long *dst = !strcmp(a, "--interval")    ? &interval
                            : !strcmp(a, "--max-polls") ? &max_polls
                                                        : &max_kept;
                if (parse_count(v, 100000000L, dst) < 0 || (dst == &interval && *dst == 0)) {
                    dt_cli_errorf("watch: %s: bad number '%s'", a, v);
                    goto done;
                }
            }
            continue;
        }
        int r = dt_cli_analysis_arg(&ao, "watch", argc, argv, &i);
        if (r < 0)
            goto done;
        if (r == 0) {
            dt_cli_errorf("watch: unknown option '%s' (see 'detente watch --help')", a);
            goto done;
        }
    }
    if (!rules_path) {
        usage(stderr);
        goto done;
    }
    if (ao.svg) {
        dt_cli_errorf("watch: --svg: watch draws no chart");
        goto done;
    }
    if (events)
        ao.db = events;
    dt_evfilter f = ao.filter;
    if (f.from && f.to && f.from > f.to) {
        dt_cli_errorf("watch: --from is after --to");
        goto done;
    }
    if (follow && !is_store(ao.db)) {
        dt_cli_errorf("watch: --follow needs a store (sqlite:PATH or postgresql://...); "
                      "a pipeline on stdin is followed anyway");
        goto done;
    }
    dt_watch_opts o;
    memset(&o, 0, sizeof o);
    o.period = ao.period;
    o.from = f.from;
    o.to = f.to;
    o.rules = names;
    o.nrules = nnames;
    o.max_kept = (size_t)max_kept;

    dt_error err;
    dt_error_clear(&err);
    dt_watchset *ws = NULL;
    int rc = dt_watchset_load(&ws, rules_path, print_diag, NULL, &err);
    if (rc < 0) {
        /* parse errors were printed one by one; others have not been */
        if (rc == DT_EIO || rc == DT_ENOMEM || err.line == 0)
            print_diag(NULL, &err);
        status = rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
        goto done;
    }
    run r;
    memset(&r, 0, sizeof r);
    r.format = format;
    r.flush = follow || !strcmp(ao.db, "-");
    rc = dt_watch_eval_new(&r.e, ws, &o, &err);
    if (rc < 0) {
        dt_cli_errorf("watch: %s", err.msg);
        dt_watchset_free(ws);
        status = rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
        goto done;
    }
    r.out = dt_cli_analysis_open_output(&ao, "watch");
    if (!r.out) {
        dt_watch_eval_free(r.e);
        dt_watchset_free(ws);
        goto done;
    }

    status = DT_EXIT_OK;
    if (follow) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    f.evidence = 1;
    for (long poll = 1;; poll++) {
        f.after_id = r.last_id;
        dt_error_clear(&err);
        rc = dt_evsource_each(ao.db, &f, on_event, &r, &err);
        if (rc < 0 && !r.io_failed) {
            if (rc == DT_ENOMEM && !err.msg[0])
                dt_error_set(&err, DT_ENOMEM, ao.db, 0, UINT64_MAX, NULL);
            status = dt_cli_source_error("watch", rc, &err);
            /* bad JSONL lines were skipped: the good events still count,
             * so the status is printed; anything else ends the run */
            if (rc != DT_EFORMAT)
                break;
        }
        if (r.io_failed)
            break;
        if (!follow || stop_flag || (max_polls && poll >= max_polls))
            break;
        fflush(r.out);
        sleep_seconds(interval);
        if (stop_flag)
            break;
    }
    if (!r.io_failed && (status == DT_EXIT_OK || rc == DT_EFORMAT)) {
        if (format == DT_WATCH_JSON) {
            rc = dt_watch_write_json(r.out, r.e, &err);
        } else {
            if (format == DT_WATCH_TEXT && dt_watch_eval_total(r.e))
                fputc('\n', r.out);
            rc = dt_watch_write_status(r.out, format, r.e, &err);
        }
        if (rc < 0)
            r.io_failed = 1;
    }
    int st = dt_cli_analysis_close_output(&ao, "watch", r.out);
    if (r.io_failed || st != DT_EXIT_OK) {
        if (st == DT_EXIT_OK)
            dt_cli_errorf("watch: cannot write the output");
        status = DT_EXIT_INTERNAL;
    }
    dt_watch_eval_free(r.e);
    dt_watchset_free(ws);
done:
    dt_cli_analysis_free(&ao);
    return status;
}
