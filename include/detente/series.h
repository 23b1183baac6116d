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
 * Pure computation over dt_evrec arrays (evset.h); reentrant.
 */
#ifndef DETENTE_SERIES_H
#define DETENTE_SERIES_H

#include <stddef.h>
#include <stdint.h>

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

/* One period of one series. Counts weigh each record by its count field. */
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
} dt_series_spec;

typedef struct dt_series {
    dt_series_row *row;
    size_t n;
    int period;
} dt_series;

/* Aggregate the records r[0..n) that match spec into *out (caller frees
 * with dt_series_free). Records with date 0 are skipped. DT_OK, DT_EINVAL
 * (bad period or actor pattern; err says which), DT_ENOMEM. A spec
 * matching nothing gives n == 0 unless from/to are set (then all-zero
 * rows). */
int dt_series_build(dt_series **out, const dt_evrec *r, size_t n, const dt_series_spec *spec,
                    dt_error *err);
void dt_series_free(dt_series *s);

#ifdef __cplusplus
}
#endif
#endif
