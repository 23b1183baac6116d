/* detente — report: a short plain-text summary of an event store.
 *
 * Reads a SQLite store written by `detente code --output sqlite:PATH`
 * (include/detente/store.h) and writes, to a caller-supplied stream:
 * the store's totals, the top directed dyads, events by quad class per
 * quarter, and the events of a date window with their evidence (the
 * sentence with the source, verb and target spans marked).
 *
 * Thread-safe: each call opens its own read-only connection.
 */
#ifndef DETENTE_REPORT_H
#define DETENTE_REPORT_H

#include <stdio.h>

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dt_report_opts {
    int top_dyads;    /* how many dyads to list (0 = 10) */
    int32_t from, to; /* evidence window, yyyymmdd inclusive; 0 = none */
    int max_evidence; /* events listed in the window (0 = 40) */
} dt_report_opts;

/* Write the report for the store at db_path to out. Returns DT_OK,
 * DT_EIO (the store can't be opened or read; err names it), or DT_EFORMAT
 * (not a detente store). The store is opened read-only. */
int dt_report_write(const char *db_path, const dt_report_opts *opts, FILE *out, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
