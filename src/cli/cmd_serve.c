/* detente serve — the HTTP JSON API and the dashboard over an event store. */
#include "cli.h"

#include "detente/server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 32

static void usage(FILE *f)
{
    fputs("Usage: detente serve --db SPEC [--listen ADDR:PORT] [--web-root DIR]\n"
          "                     [--region FILE]... [--watch FILE]... [--threads N]\n"
          "\n"
          "Serve the read-only JSON API (docs/api.md) and the dashboard over an event\n"
          "store, until SIGINT or SIGTERM.\n"
          "\n"
          "  --db SPEC           the events: a SQLite store (sqlite:PATH or PATH.db,\n"
          "                      opened read-only), postgresql://..., or a JSONL file\n"
          "                      of 'detente code' output\n"
          "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; PORT alone means\n"
          "                      127.0.0.1; other interfaces only when named here; port 0\n"
          "                      picks a free port)\n"
          "  --web-root DIR      the dashboard's files (default: the one this build\n"
          "                      bundled, else web/dist if it exists)\n"
          "  --region FILE       a stability region file for /api/stability (repeatable;\n"
          "                      ?region=NAME picks one, the first is the default)\n"
          "  --watch FILE        a watch rule file for /api/watches (repeatable)\n"
          "  --threads N         worker threads (default 2)\n"
          "  --max-connections N open connections at most (default 256)\n"
          "  --timeout S         idle connection timeout in seconds (default 10)\n"
          "  --port-file FILE    write the bound port to FILE once listening\n"
          "  -h, --help          this help\n"
          "\n"
          "Region and watch files are read at start-up: a bad one stops the server before\n"
          "it listens, with each error as FILE:LINE: reason, and exit status 1.\n",
          f);
}

/* Each error of a region or watch file, as FILE:LINE: reason. */
static void print_diag(void *ctx, const dt_error *err)
{
    char buf[1024];
    dt_error_format(err, buf, sizeof buf);
    dt_cli_errorf("%s", buf);
    *(int *)ctx = 1;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > hi)
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int dt_cli_serve(int argc, char **argv)
{
    dt_server_opts o;
    memset(&o, 0, sizeof o);
    const char *regions[MAX_FILES], *watches[MAX_FILES];
    const char *port_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return DT_EXIT_OK;
        }
        static const char *const valued[] = {"--db",      "--listen",    "--web-root",
                                             "--region",  "--watch",     "--threads",
                                             "--timeout", "--port-file", "--max-connections"};
        int known = 0;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
            known |= !strcmp(a, valued[k]);
        if (!known) {
            dt_cli_errorf("serve: unknown option '%s' (see 'detente serve --help')", a);
            return DT_EXIT_INPUT;
        }
        if (i + 1 >= argc) {
            dt_cli_errorf("serve: %s needs a value", a);
            return DT_EXIT_INPUT;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--db")) {
            o.db = v;
        } else if (!strcmp(a, "--listen")) {
            o.listen = v;
        } else if (!strcmp(a, "--web-root")) {
            o.web_root = v;
        } else if (!strcmp(a, "--port-file")) {
            port_file = v;
        } else if (!strcmp(a, "--region") || !strcmp(a, "--watch")) {
            int reg = a[2] == 'r';
            size_t *n = reg ? &o.nregion_files : &o.nwatch_files;
            if (*n == MAX_FILES) {
                dt_cli_errorf("serve: at most %d %s files", MAX_FILES, a + 2);
                return DT_EXIT_INPUT;
            }
            (reg ? regions : watches)[(*n)++] = v;
        } else {
            unsigned *dst = !strcmp(a, "--threads")   ? &o.threads
                            : !strcmp(a, "--timeout") ? &o.timeout_s
                                                      : &o.max_connections;
            unsigned hi = dst == &o.threads ? 256 : dst == &o.timeout_s ? 3600 : 100000;
            if (parse_uint(v, 1, hi, dst) < 0) {
                dt_cli_errorf("serve: %s: want a number from 1 to %u, not '%s'", a, hi, v);
                return DT_EXIT_INPUT;
            }
        }
    }
    if (!o.db) {
        dt_cli_errorf("serve: --db PATH is required (see 'detente serve --help')");
        return DT_EXIT_INPUT;
    }
    o.region_files = regions;
    o.watch_files = watches;
    int reported = 0;
    o.on_diag = print_diag;
    o.diag_ctx = &reported;
    /* The dashboard the build bundled (cmake/web.cmake), else web/dist
     * under the current directory; without either, only /api/ exists. */
    struct stat st;
#ifdef DT_WEB_ROOT_DEFAULT
    if (!o.web_root && stat(DT_WEB_ROOT_DEFAULT, &st) == 0 && S_ISDIR(st.st_mode))
        o.web_root = DT_WEB_ROOT_DEFAULT;
#endif
    if (!o.web_root && stat("web/dist", &st) == 0 && S_ISDIR(st.st_mode))
        o.web_root = "web/dist";

    /* Block the stop signals before any thread exists, so that the
     * workers inherit the mask and only sigwait below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    dt_error err;
    dt_error_clear(&err);
    dt_server *s = NULL;
    int rc = dt_server_new(&s, &o, &err);
    if (rc == DT_OK)
        rc = dt_server_start(s, &err);
    if (rc < 0) {
        char buf[1024];
        dt_error_format(&err, buf, sizeof buf);
        if (!reported) /* else print_diag has said it */
            dt_cli_errorf("serve: %s", buf);
        dt_server_free(s);
        return rc == DT_ENOMEM || rc == DT_EINTERNAL ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
    }
    unsigned port = dt_server_port(s);
    const char *lst = o.listen ? o.listen : "127.0.0.1:8080";
    const char *colon = strrchr(lst, ':');
    int hostlen = colon ? (int)(colon - lst) : 9;
    fprintf(stderr, "detente: serving %s on http://%.*s:%u/%s%s\n", o.db, hostlen,
            colon ? lst : "127.0.0.1", port, o.web_root ? " with the dashboard from " : "",
            o.web_root ? o.web_root : "");
    if (port_file) {
        /* Written whole under another name, then renamed: a test polling
         * for the file never reads half a number. */
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
            dt_cli_errorf("serve: cannot write %s", port_file);
            dt_server_free(s);
            return DT_EXIT_INPUT;
        }
    }
    int sig = 0;
    sigwait(&stop, &sig);
    dt_server_stats stats;
    dt_server_get_stats(s, &stats);
    dt_server_free(s);
    fprintf(stderr,
            "detente: stopped (%s): %llu requests, %llu cache hits, %llu client errors, "
            "%llu server errors\n",
            sig == SIGINT    ? "SIGINT"
            : sig == SIGTERM ? "SIGTERM"
                             : "signal",
            (unsigned long long)stats.requests, (unsigned long long)stats.cache_hits,
            (unsigned long long)stats.errors_4xx, (unsigned long long)stats.errors_5xx);
    return DT_EXIT_OK;
}
