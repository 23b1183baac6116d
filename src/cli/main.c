/* detente — command dispatch, --help and --version. */
#include "cli.h"

#include "detente/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    const char *alias;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"code", NULL, dt_cli_code, "code documents into events"},
    {"analyse", "tag", dt_cli_analyse, "show tokens, tags, lemmas and chunks of each sentence"},
    {"validate", NULL, dt_cli_validate, "run a PETRARCH validation file and report pass/fail"},
    {"dict", NULL, dt_cli_dict, "check, compile or describe dictionaries"},
    {"report", NULL, dt_cli_report, "summarise an event store (dyads, quarters, evidence)"},
    {"eval", NULL, dt_cli_eval, "score the coder against a gold set (precision, recall, F1)"},
    {"series", NULL, dt_cli_series,
     "events per period for a dyad or group (quads, net cooperation)"},
    {"stability", NULL, dt_cli_stability,
     "a region's stability index, its change points and what drove them"},
    {"watch", NULL, dt_cli_watch, "check restraint regimes and tripwires (held/broken per period)"},
    {"reciprocity", NULL, dt_cli_reciprocity,
     "VAR of dyad series: who responds to whom (Granger tests, impulse responses)"},
    {"serve", NULL, dt_cli_serve, "serve the JSON API and the dashboard over an event store"},
};

void dt_cli_errorf(const char *fmt, ...)
{
    /* One write per line: the lines of MPI ranks (or of threads) that
     * share a stderr must not interleave mid-line. */
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof buf) {
        fprintf(stderr, "detente: %s\n", buf);
        return;
    }
    fputs("detente: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *f)
{
    fputs("Usage: detente [--help] [--version] COMMAND [ARGS...]\n"
          "\n"
          "Code political events from news text (who did what to whom, when).\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'detente COMMAND --help' for a command's options.\n"
          "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DT_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return DT_EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("detente %s\n", DT_VERSION);
        return DT_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const command *c = &commands[i];
        if (!strcmp(cmd, c->name) || (c->alias && !strcmp(cmd, c->alias)))
            return c->run(argc - 1, argv + 1);
    }
    dt_cli_errorf("unknown command '%s' (see 'detente --help')", cmd);
    return DT_EXIT_INPUT;
}
