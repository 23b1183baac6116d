/* detente CLI — shared declarations. The CLI is a thin layer over the
 * public library API (include/detente/); it may print and exit, the
 * library may not. Exit status: 0 success, 1 bad input or usage, 2 internal
 * error (DESIGN.md). */
#ifndef DT_CLI_H
#define DT_CLI_H

#include <stdio.h>

#include "detente/common.h"
#include "detente/evset.h"

enum { DT_EXIT_OK = 0, DT_EXIT_INPUT = 1, DT_EXIT_INTERNAL = 2 };

/* One function per sub-command; argv[0] is the command name. */
int dt_cli_code(int argc, char **argv);
int dt_cli_analyse(int argc, char **argv);
int dt_cli_validate(int argc, char **argv);
int dt_cli_dict(int argc, char **argv);
int dt_cli_eval(int argc, char **argv);
int dt_cli_report(int argc, char **argv);
int dt_cli_series(int argc, char **argv);
int dt_cli_stability(int argc, char **argv);
int dt_cli_watch(int argc, char **argv);
int dt_cli_reciprocity(int argc, char **argv);
int dt_cli_serve(int argc, char **argv);

struct dt_doc;
/* A text document whose bad bytes the reader replaced (dt_doc.repaired):
 * print where and how many, and return 1 (the run then exits 1: its input
 * was bad, though nothing good was lost); 0 for a clean document. */
int dt_cli_report_repair(const struct dt_doc *doc);

/* Print "detente: " + message to stderr. */
void dt_cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- options shared by the analysis commands (cli_analyze.c) ------------
 * series, stability, watch and reciprocity read events the same way:
 *
 *   dt_cli_analysis o;
 *   dt_cli_analysis_init(&o);
 *   for (int i = 1; i < argc; i++) {
 *       int r = dt_cli_analysis_arg(&o, "series", argc, argv, &i);
 *       if (r < 0) { dt_cli_analysis_free(&o); return DT_EXIT_INPUT; }
 *       if (r > 0) continue;
 *       ... the command's own options ...
 *   }
 *   rc = dt_evsource_each(o.db, &o.filter, ...);
 *   if (rc < 0) exit = dt_cli_source_error("series", rc, &err);
 *   dt_cli_analysis_free(&o);
 */
enum { DT_CLI_FMT_TSV = 0, DT_CLI_FMT_CSV, DT_CLI_FMT_JSON };

typedef struct dt_cli_analysis {
    const char *db;     /* --db SPEC; default "-" (JSONL on stdin) */
    dt_evfilter filter; /* --from --to --source --target --actor --code --quad --text
                           --dedup; the lists are owned by this struct */
    int period;         /* --period NAME: DT_PERIOD_* (series.h); default month */
    int period_set;     /* 1 if --period was given */
    int format;         /* --format tsv|csv|json: DT_CLI_FMT_*; default tsv */
    int format_set;
    const char *svg;    /* --svg FILE, NULL if not given */
    const char *output; /* -o/--output FILE, NULL = stdout */
    char *owned[16];    /* private: copies of the split lists */
    size_t nowned;
} dt_cli_analysis;

void dt_cli_analysis_init(dt_cli_analysis *o);
/* Try argv[*i] as one of the shared options ("--opt VALUE" or
 * "--opt=VALUE"). Returns 1 if it was one (then *i is on its last word),
 * 0 if it is not a shared option, -1 after printing a usage error that
 * names cmd (the caller exits 1). Patterns, dates, codes, the quad, the
 * period and the format are checked here. */
int dt_cli_analysis_arg(dt_cli_analysis *o, const char *cmd, int argc, char **argv, int *i);
/* The shared options' help lines, for the commands' --help. */
void dt_cli_analysis_usage(FILE *f);
/* Open -o (or return stdout). NULL after printing an error. */
FILE *dt_cli_analysis_open_output(const dt_cli_analysis *o, const char *cmd);
/* Flush and close what dt_cli_analysis_open_output gave; returns the
 * exit status (DT_EXIT_OK, or DT_EXIT_INPUT after printing a write error). */
int dt_cli_analysis_close_output(const dt_cli_analysis *o, const char *cmd, FILE *f);
void dt_cli_analysis_free(dt_cli_analysis *o);
/* Print "detente: CMD: FILE:LINE: reason" for a library error and return
 * the exit status it calls for (1 for bad input, 2 for ENOMEM/EINTERNAL). */
int dt_cli_source_error(const char *cmd, int rc, const dt_error *err);

#endif
