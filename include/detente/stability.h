/* detente — stability: a regional stability index and its regime shifts.
 *
 * A region is a set of actors (actor patterns, evset.h) with optional
 * weights on their dyads, read from a region file (docs/stability.md):
 *
 *   # the six parties of the Korean Peninsula talks
 *   region korea
 *   actors PRK KOR USA CHN JPN RUS
 *   weight USA-PRK 2        # both directions
 *   weight CHN>PRK 1.5      # CHN -> PRK only
 *   period month
 *
 * Only events between two different region actors count (an event's
 * source and target are each given to the first actor pattern they
 * match). Per period the index combines
 *
 *   balance   B = sum(w g) / (sum(w |g|) + shrink)           in [-1, 1]
 *   material conflict share M = sum(w, quad 4) / sum(w)       in [0, 1]
 *   volatility V = rms change of B over the last window / 2   in [0, 1]
 *   index     S = (a B + b (1 - 2M) + c (1 - 2V)) / (a + b + c)  in [-1, 1]
 *
 * with w = the dyad weight times the record's count and g its Goldstein
 * weight; +1 is a calm, cooperative region, -1 one of steady, swinging
 * material conflict. A period with no region events carries the previous
 * period's B and M forward (no news is not evidence of change). The first
 * period has no volatility (V is reported as 0) and its index leaves the
 * V term out (c = 0).
 *
 * Change points (changepoint.h) are looked for on the index and on every
 * directed dyad's net cooperation series (weighted Goldstein sum per
 * period); each change of the index names the dyads that moved most in
 * its direction, with the events behind them.
 *
 * Thread safety: all functions are reentrant; a dt_region and a
 * dt_stability are immutable after they are built and may be read from
 * many threads.
 */
#ifndef DETENTE_STABILITY_H
#define DETENTE_STABILITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detente/changepoint.h"
#include "detente/common.h"
#include "detente/evset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- region files ------------------------------------------------------ */

typedef struct dt_region {
    char *name;     /* the `region` line: letters, digits, '_', '-', '.' */
    char **actors;  /* actor patterns in file order (checked) */
    size_t nactors; /* >= 2 */
    double *weight; /* nactors * nactors; weight[i * nactors + j] for events
                       from actor i to actor j; 1 unless the file says */
    int period;     /* DT_PERIOD_* from the `period` line, -1 if none */
} dt_region;

/* Parse a region file held in text[0..len). `file` names it in errors.
 * On success *out is a new region (free with dt_region_free). DT_EFORMAT
 * for a bad file, with err->file, err->line and the reason (unknown
 * keyword, missing or repeated `region`, fewer than two actors, a repeated
 * actor, a bad actor pattern, a weight on an actor not listed (actors must
 * come before weights), a weight that is not a finite number >= 0, an
 * unknown period); DT_ENOMEM. *out is NULL on error. */
int dt_region_parse(dt_region **out, const char *text, size_t len, const char *file, dt_error *err);
/* Read and parse the file at path. Also DT_EIO (err names the file). */
int dt_region_load(dt_region **out, const char *path, dt_error *err);
void dt_region_free(dt_region *r);
/* Index of the first actor pattern that matches code, -1 if none. */
int dt_region_actor(const dt_region *r, const char *code);

/* ---- the index ---------------------------------------------------------- */

typedef struct dt_stability_opts {
    int period;        /* DT_PERIOD_* (series.h); -1 = the region's, or
                          month when it names none */
    int32_t from, to;  /* yyyymmdd, inclusive; 0 = the data's range */
    double shrink;     /* Goldstein mass that pulls B towards 0 when a
                          period has few events (default 10: one event
                          of the strongest weight) */
    size_t vol_window; /* changes of B in the volatility window (3) */
    double w_balance;  /* a, b, c above: 0.5, 0.25, 0.25 */
    double w_material;
    double w_volatility;
    dt_cp_opts cp;          /* detector tuning; zeros = its defaults */
    size_t min_dyad_events; /* dyads with fewer events in the range get no
                               change detection (default 10) */
    size_t window;          /* periods either side of a change used to rank
                               its drivers (default 6) */
    size_t max_drivers;     /* per change of the index (default 3) */
    size_t max_event_ids;   /* per driver (default 5) */
} dt_stability_opts;

/* The defaults above. */
void dt_stability_opts_init(dt_stability_opts *o);

typedef struct dt_stability_row {
    int32_t start;                  /* first day of the period */
    uint32_t events;                /* region events in the period (records' counts) */
    double coop;                    /* sum(w g) over g > 0 */
    double confl;                   /* sum(w |g|) over g < 0 */
    double balance;                 /* B */
    double material_conflict_share; /* M */
    double volatility;              /* V */
    double index;                   /* S */
} dt_stability_row;

/* A dyad that drove a change of the index. */
typedef struct dt_stability_driver {
    size_t source, target; /* region actor indexes */
    double delta;          /* mean weighted net Goldstein per period after
                              the change minus before (signed) */
    int64_t *event_ids;    /* the events after the change that pushed most
                              in its direction, strongest first */
    size_t nevent_ids;
} dt_stability_driver;

typedef struct dt_stability_cp {
    size_t row;       /* rows[row] is the first period of the new regime */
    size_t alarm_row; /* the period at which the detector decided */
    int method;       /* DT_CP_CUSUM or DT_CP_BOCPD */
    int direction;    /* +1 up (more stable / more cooperative), -1 down */
    double magnitude; /* index units, or net Goldstein for a dyad */
    double score;     /* as in dt_changepoint */
    int is_dyad;      /* 0: a change of the index; 1: of dyad source->target */
    size_t source, target;
    dt_stability_driver *drivers; /* the index: up to max_drivers; a dyad:
                                     the dyad itself */
    size_t ndrivers;
} dt_stability_cp;

typedef struct dt_stability {
    char *region; /* copies of the region's name and actors */
    char **actors;
    size_t nactors;
    int period;
    dt_stability_row *rows; /* dense: every period from the first to the last */
    size_t nrows;
    dt_stability_cp *cps; /* index changes first (by row, cusum before
                             bocpd), then dyad changes (by dyad, row) */
    size_t ncps;
    double *dyad_net;      /* [(i * nactors + j) * nrows + t]: weighted net
                              Goldstein of dyad i->j in period t */
    uint32_t *dyad_events; /* same layout: event counts */
} dt_stability;

/* Compute the index of region reg over the records r[0..n) (any order;
 * records with date 0 or outside from/to are ignored). opts NULL = the
 * defaults. On success *out is new (free with dt_stability_free); with no
 * region event and no from/to it has no rows. DT_EINVAL (bad options:
 * err says which), DT_ELIMIT (more than 100000 periods: set from/to),
 * DT_ENOMEM. */
int dt_stability_compute(dt_stability **out, const dt_region *reg, const dt_evrec *r, size_t n,
                         const dt_stability_opts *opts, dt_error *err);
void dt_stability_free(dt_stability *s);

/* Writers. JSON is the /api/stability shape (docs/api.md), followed by
 * '\n':
 *   {"region":"korea","period":"month","actors":["PRK",..],
 *    "rows":[{"start":"2019-06-01","label":"2019-06","index":0.31,
 *             "balance":..,"material_conflict_share":..,"volatility":..,
 *             "coop":..,"confl":..,"events":N}],
 *    "change_points":[{"start":..,"label":..,"series":"index"|"USA-PRK",
 *             "direction":"up"|"down","magnitude":..,"method":"cusum"|"bocpd",
 *             "score":..,"decided":"2019-09",
 *             "drivers":[{"source":"CHN","target":"PRK","delta":12.5,
 *                         "event_ids":[..]}]}],
 *    "dyad_change_points":[..same shape, "series":"CHN-PRK"..]}
 * ("change_points" holds the changes of the index only, so that a chart of
 * the index can mark them all; a dyad's series name is "SRC-TGT",
 * directed).
 * TSV: a header line and one line per period (label start events index
 * balance material_conflict_share volatility coop confl), then an empty
 * line and a second table with a header line and one line per change
 * point (label series direction magnitude method score decided drivers),
 * drivers as "SRC>TGT:delta" separated by commas. TSV numbers have fixed
 * decimals (3 for the index and its parts), JSON 6 significant digits.
 * DT_OK, or DT_EIO when the stream has an error. */
int dt_stability_write_json(FILE *f, const dt_stability *s, dt_error *err);
int dt_stability_write_tsv(FILE *f, const dt_stability *s, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
