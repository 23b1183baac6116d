/* detente — reciprocity: who responds to whom, by a VAR over dyad series.
 *
 * The design of Goldstein & Freeman ("Three-Way Street", 1990): take the
 * directed Goldstein series of a set of dyads (USA->CHN, CHN->USA,
 * CHN->PRK, PRK->CHN, USA->PRK, PRK->USA), fit a vector autoregression and
 * ask whether one actor's behaviour towards another helps predict a third
 * party's behaviour (Granger tests) and how a shock to one dyad propagates
 * to the others (impulse responses). The VAR itself is var.h; this module
 * builds the series from events (series.h), runs it and reports.
 *
 * A dyad is written "SOURCE-TARGET" with actor patterns of evset.h on each
 * side: "USA-PRK", "PRK*-=USAGOV", ":MIL-KOR". A list is comma-separated.
 * The order of the list is the Cholesky ordering of the impulse responses
 * (earlier dyads may move later ones within the period, not the reverse).
 *
 * Thread safety: reentrant; a dt_recip result is immutable.
 */
#ifndef DETENTE_RECIPROCITY_H
#define DETENTE_RECIPROCITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detente/common.h"
#include "detente/evset.h"
#include "detente/var.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which per-period value of a dyad enters the VAR. */
enum dt_recip_measure {
    DT_RECIP_GOLDSTEIN = 0, /* sum of Goldstein weights (the classic choice) */
    DT_RECIP_NET,           /* cooperation minus conflict (series.h net) */
    DT_RECIP_MEAN,          /* mean Goldstein weight per event, 0 if none */
    DT_RECIP_EVENTS         /* event count */
};

/* "goldstein", "net", "mean", "events"; -1 if unknown. */
int dt_recip_measure_from_name(const char *name);
const char *dt_recip_measure_name(int measure);

typedef struct dt_recip_opts {
    int period;       /* DT_PERIOD_* (series.h) */
    int32_t from, to; /* yyyymmdd, 0 = the first/last date of the dyads' events */
    size_t lags;      /* VAR order; 0 = choose by `criterion` */
    size_t max_lags;  /* largest order tried (1..DT_VAR_MAX_LAG) */
    int criterion;    /* DT_VAR_AIC, DT_VAR_BIC or DT_VAR_HQ */
    int measure;      /* DT_RECIP_* */
    size_t horizon;   /* impulse responses for horizons 0..horizon */
    size_t reps;      /* bootstrap replicates for the bands; 0 = none */
    double level;     /* band coverage in (0, 1) */
    uint64_t seed;    /* bootstrap seed: equal inputs give equal bands */
} dt_recip_opts;

/* Defaults: monthly, lags by BIC up to 4, Goldstein sums, horizon 12,
 * 500 replicates, 95 % bands, seed 1. */
void dt_recip_opts_init(dt_recip_opts *o);

/* The result. Owned by the caller of dt_reciprocity_run; free with
 * dt_reciprocity_free. */
typedef struct dt_recip {
    dt_recip_opts opts; /* as run (defaults filled in) */
    size_t k;           /* dyads */
    char **dyad;        /* k labels as given, "USA-PRK" */
    char **source;      /* k source patterns, "USA" */
    char **target;      /* k target patterns, "PRK" */
    size_t t;           /* periods */
    int32_t *start;     /* t period starts (yyyymmdd) */
    double *y;          /* t x k values, row-major: y[p * k + i] */
    uint32_t *events;   /* t x k event counts, same layout */
    int chosen_by;      /* -1: lags given; else the DT_VAR_* criterion used */
    dt_var_selection sel;
    dt_var *var;         /* the fitted VAR(opts.lags) */
    dt_granger *granger; /* every ordered pair cause != effect ... */
    size_t ngranger;     /* ... k (k - 1) of them, by cause then effect */
    dt_var_irf irf;      /* orthogonalised IRF with bootstrap bands */
} dt_recip;

/* Parse a comma-separated dyad list ("USA-CHN,CHN-USA") and check each
 * side's pattern. On success *n is the count and sources/targets/labels
 * (arrays of *n strings, each array and string owned by the caller: free
 * with dt_recip_dyads_free) are filled. DT_EINVAL with a reason naming the
 * offending item for: an empty list or item, an item without '-', a bad
 * pattern, a repeated dyad, fewer than 2 or more than DT_VAR_MAX_SERIES
 * dyads. DT_ENOMEM. */
int dt_recip_parse_dyads(const char *list, char ***labels, char ***sources, char ***targets,
                         size_t *n, dt_error *err);
void dt_recip_dyads_free(char **labels, char **sources, char **targets, size_t n);

/* Build the dyad series from r[0..n) (any order; records with date 0 are
 * ignored), fit the VAR and compute tests and responses. `o` NULL means
 * the defaults. DT_EINVAL for a bad dyad list or option, no matching
 * events, or data the VAR cannot fit (too few periods for the lags, a
 * dyad with no variation, collinear dyads: the message names the dyad
 * and, for too few periods, the number needed); DT_ENOMEM. On error *out
 * is NULL. */
int dt_reciprocity_run(dt_recip **out, const dt_evrec *r, size_t n, const char *dyads,
                       const dt_recip_opts *o, dt_error *err);
void dt_reciprocity_free(dt_recip *res);

/* The JSON object of GET /api/reciprocity (docs/api.md), one line plus
 * '\n':
 *   {"period":"month","measure":"goldstein","from":"2017-01-01",
 *    "to":"2020-12-01","periods":48,"nobs":46,"dyads":["USA-CHN",...],
 *    "lags":2,"selection":{"max_lag":4,"aic":[..],"bic":[..],"hq":[..],
 *    "chosen":"bic"|"fixed"},"stable":true,"max_modulus":0.61,
 *    "granger":[{"cause":"CHN-PRK","effect":"USA-PRK","f":3.1,"df1":2,
 *    "df2":40,"p":0.05}],"level":0.95,"reps":500,
 *    "irf":[{"impulse":"CHN-PRK","response":"USA-PRK","horizon":[0,1,..],
 *    "value":[..],"lo":[..],"hi":[..]}]}
 * "from"/"to" are the first days of the first and last periods. DT_OK or
 * DT_EIO (write error). */
int dt_reciprocity_write_json(FILE *f, const dt_recip *res, dt_error *err);

/* A readable report: sample, lag selection table, stability, Granger
 * tests (marked at 5 % and 1 %), and for each impulse -> response pair
 * the peak response and the horizons where the band excludes zero.
 * DT_OK or DT_EIO. */
int dt_reciprocity_write_text(FILE *f, const dt_recip *res, dt_error *err);

/* The Granger tests as TSV with a header line:
 *   cause effect f df1 df2 p
 * DT_OK or DT_EIO. */
int dt_reciprocity_write_tsv(FILE *f, const dt_recip *res, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
