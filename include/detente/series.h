/* detente — series: events aggregated per period, per dyad or group.
 *
 * The common currency of the analysis layer: `detente series` prints it,
 * the stability index, reciprocity VAR and the server build on it.
 *
 * Periods are calendar periods identified by their first day (yyyymmdd):
 * a day, an ISO week (Monday), a month, a quarter or a year. Series are
 * dense: every period from the first to the last is present, empty ones
 * with zero counts, so that consumers can treat a series as a regular
 * time series.
 *
 * Pure computation over dt_evrec arrays or streams (evset.h); every
 * function is reentrant, and a dt_series or dt_series_acc belongs to one
 * thread at a time.
 */
#ifndef DETENTE_SERIES_H
#define DETENTE_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detente/common.h"
#include "detente/evset.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dt_period {
    DT_PERIOD_DAY = 0,
    DT_PERIOD_WEEK,
    DT_PERIOD_MONTH,
    DT_PERIOD_QUARTER,
    DT_PERIOD_YEAR
};

/* "day", "week", "month", "quarter", "year"; -1 if unknown. */
int dt_period_from_name(const char *name);
const char *dt_period_name(int period);
/* First day of the period holding date (yyyymmdd); 0 for an invalid date. */
int32_t dt_period_start(int32_t date, int period);
/* First day of the next period, given a period's first day. */
int32_t dt_period_next(int32_t start, int period);
/* Label: "2019-06-17" (day), "2019-W25" (ISO week), "2019-06", "2019-Q2",
 * "2019". Writes at most 16 bytes with the NUL; returns out. */
char *dt_period_label(int32_t start, int period, char out[16]);

#define DT_PLOVER_MAX 24 /* PLOVER event types, indexed by dt_plover_index */
/* Index of a PLOVER type name in 0..dt_plover_count()-1, -1 if unknown. */
int dt_plover_index(const char *type);
size_t dt_plover_count(void);
const char *dt_plover_name(size_t i);

/* One period of one series. Each matching record counts once (so that a
 * one-a-day stream counts each (day, source, target, code) once), or
 * r->count times with dt_series_spec.weigh. */
typedef struct dt_series_row {
    int32_t start;     /* first day of the period */
    uint32_t events;   /* all events */
    uint32_t quad[5];  /* [1..4] by quad class; [0] unknown */
    double gold_sum;   /* sum of Goldstein weights */
    double gold_mean;  /* gold_sum / events, 0 when empty */
    double coop;       /* sum of Goldstein over quad 1-2 events */
    double confl;      /* sum of |Goldstein| over quad 3-4 events */
    double net;        /* coop - confl: net cooperation */
    uint32_t root[21]; /* [1..20] by CAMEO root; [0] unknown */
    uint32_t plover[DT_PLOVER_MAX];
} dt_series_row;

/* What to aggregate. Zero-initialised = all events, monthly, directed. */
typedef struct dt_series_spec {
    int period;                 /* DT_PERIOD_* */
    const char *const *sources; /* actor patterns (evset.h); n == 0: any */
    size_t nsources;
    const char *const *targets;
    size_t ntargets;
    int undirected;   /* A->B and B->A both count */
    int32_t from, to; /* range to cover (yyyymmdd); 0 = the data's */
    int weigh;        /* count each record r->count times (records that stand
                         for several events: synthetic streams, or the raw
                         totals behind a one-a-day stream) */
} dt_series_spec;

typedef struct dt_series {
    dt_series_row *row;
    size_t n;
    int period;
} dt_series;

/* Aggregate the records r[0..n) that match spec into *out (caller frees
 * with dt_series_free). spec NULL = all events, monthly. Records with
 * date 0 are skipped. A record matches when its date is in [from, to] and
 * (source matches sources and target matches targets) or, undirected,
 * the other way round; it counts once, or r->count times (1 when 0) with
 * spec->weigh. DT_OK, DT_EINVAL
 * (bad period, date or actor pattern; err says which), DT_ELIMIT (the
 * dates span more than 400000 periods: set from/to), DT_ENOMEM. A spec
 * matching nothing gives n == 0 unless from/to are set (then all-zero
 * rows). */
int dt_series_build(dt_series **out, const dt_evrec *r, size_t n, const dt_series_spec *spec,
                    dt_error *err);
void dt_series_free(dt_series *s);

/* Incremental form of dt_series_build, for streams: records may come in
 * any order. spec (and its pattern arrays) is borrowed and must outlive
 * the accumulator. new: DT_OK, DT_EINVAL, DT_ENOMEM (*out NULL on error).
 * add: DT_OK, DT_ELIMIT, DT_ENOMEM. finish: moves the rows into *out
 * (caller frees with dt_series_free); the accumulator is then empty and
 * must still be freed. */
typedef struct dt_series_acc dt_series_acc;
int dt_series_acc_new(dt_series_acc **out, const dt_series_spec *spec, dt_error *err);
/* 1 if r counts for this series (the test dt_series_acc_add applies). */
int dt_series_acc_matches(const dt_series_acc *a, const dt_evrec *r);
int dt_series_acc_add(dt_series_acc *a, const dt_evrec *r, dt_error *err);
int dt_series_acc_finish(dt_series_acc *a, dt_series **out, dt_error *err);
void dt_series_acc_free(dt_series_acc *a);

/* Stream the events of source db passing f (NULL = all; evidence is never
 * read) into a series: memory is the rows, not the events. Put the same
 * patterns in f as in spec to let a store select them in SQL. Returns
 * what dt_evsource_each or dt_series_acc_* return. For DT_EFORMAT with
 * err->line > 0 (bad JSONL lines, skipped) *out holds the series of the
 * good lines all the same; on every other error *out is NULL. */
int dt_series_from_source(dt_series **out, const char *db, const dt_evfilter *f,
                          const dt_series_spec *spec, dt_error *err);

/* Writers. JSON is the /api/series shape (docs/api.md):
 *   {"period":"month","source":[..],"target":[..],"undirected":false,
 *    "rows":[{"start":"2019-06-01","label":"2019-06","events":12,
 *             "quad":[q1,q2,q3,q4],"goldstein":..,"gold_mean":..,"coop":..,
 *             "confl":..,"net":..,"roots":{"04":2},"plover":{"CONSULT":2}}]}
 * ("roots" and "plover" list only non-zero counts) followed by '\n'; spec
 * may be NULL (empty lists). TSV (LF) and CSV (CRLF) have a header line
 * and one line a row: start label events quad1..quad4 goldstein gold_mean
 * coop confl net root01..root20 and one column per PLOVER type. Numbers
 * are written with up to 10 significant digits (sums of one-decimal
 * weights come out as 0.2, not 0.199999999999999). DT_OK or DT_EIO when the
 * stream has an error. */
int dt_series_write_json(FILE *f, const dt_series *s, const dt_series_spec *spec, dt_error *err);
int dt_series_write_tsv(FILE *f, const dt_series *s, dt_error *err);
int dt_series_write_csv(FILE *f, const dt_series *s, dt_error *err);
/* One row as a JSON object (no newline), for writers that embed rows. */
void dt_series_write_json_row(FILE *f, const dt_series_row *r, int period);

#ifdef __cplusplus
}
#endif
#endif
