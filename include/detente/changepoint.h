/* detente — changepoint: when did a time series shift to a new level?
 *
 * Two detectors over a regular series x[0..n) (one value per period; the
 * stability index, or a dyad's net cooperation):
 *
 *   CUSUM (Page 1954): two-sided tabular CUSUM on the series scaled by a
 *   robust noise estimate (dt_cp_robust_sigma). The reference mean is the
 *   running mean of the current segment (self-starting), so no baseline has
 *   to be given. An alarm is raised when either sum exceeds h; the change is
 *   dated at the first period after the sum last stood at zero, and the
 *   scan restarts there.
 *
 *   BOCPD (Adams & MacKay 2007, "Bayesian Online Changepoint Detection"):
 *   the posterior over the start of the current segment, with a constant
 *   hazard and a Gaussian model of unknown mean and variance (Normal-Gamma
 *   prior, Student-t predictive) on the robustly standardised series. A
 *   change at s is reported when, `lag` periods later, the posterior puts
 *   at least `threshold` of its mass on a segment starting within one
 *   period of s.
 *
 * Both report each change as the index of the first observation of the new
 * regime, with its direction and magnitude (mean of the new segment minus
 * mean of the previous one, in the units of x).
 *
 * Pure computation; reentrant and thread-safe.
 */
#ifndef DETENTE_CHANGEPOINT_H
#define DETENTE_CHANGEPOINT_H

#include <stddef.h>

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dt_cp_method { DT_CP_CUSUM = 1, DT_CP_BOCPD = 2 };

/* "cusum", "bocpd"; NULL for anything else. */
const char *dt_cp_method_name(int method);

/* Tuning. Zero-initialise for the documented defaults (docs/stability.md
 * explains the choices); any field left 0 takes its default. */
typedef struct dt_cp_opts {
    double cusum_k;      /* allowance, in noise sigmas (default 1: tuned to a
                            shift of two sigmas) */
    double cusum_h;      /* decision threshold, in sigmas (default 5: with k = 1,
                            about 1.5% false alarms in 60 stationary periods) */
    size_t cusum_warmup; /* observations that fix a new segment's mean before
                            it can alarm (default 5) */
    double hazard;       /* BOCPD prior probability of a change per period
                            (default 0.01) */
    double threshold;    /* BOCPD posterior mass to report a change (default 0.7) */
    size_t lag;          /* BOCPD observations after a change before it is
                            judged (default 3); changes in the last lag
                            periods are not reported */
    double min_shift;    /* both: drop a change whose segment means differ by
                            less than this many sigmas (default 1) */
} dt_cp_opts;

/* One detected change. */
typedef struct dt_changepoint {
    size_t index;     /* first observation of the new regime (>= 1) */
    int method;       /* DT_CP_CUSUM or DT_CP_BOCPD */
    int direction;    /* +1 the level went up, -1 down */
    double magnitude; /* mean(new segment) - mean(previous segment), units of x */
    double score;     /* CUSUM: the sum at the alarm divided by h (>= 1);
                         BOCPD: the posterior mass (threshold..1) */
    size_t alarm;     /* index of the observation at which it was decided
                         (detection delay = alarm - index) */
} dt_changepoint;

/* Noise scale of x that a level shift does not inflate: the median absolute
 * deviation of the first differences, scaled to a Gaussian sigma
 * (1.4826 * MAD / sqrt 2). Falls back to the standard deviation of the
 * differences / sqrt 2 when the MAD is 0 (sparse series); 0 for a constant
 * series, n < 2 or no memory. Non-finite values must not occur in x. */
double dt_cp_robust_sigma(const double *x, size_t n);

/* Run CUSUM / BOCPD on x[0..n). On success *out holds *nout change points
 * in increasing index order (caller frees *out with dt_free; NULL when
 * *nout is 0) and DT_OK is returned. A constant series, or n < 4, has no
 * change points. DT_EINVAL: NULL arguments, a non-finite value in x (err
 * names its index) or out-of-range options (k < 0, h <= 0, hazard not in
 * (0,1), threshold not in (0,1]); DT_ENOMEM. BOCPD takes O(n^2) time and
 * O(n) memory. */
int dt_cusum_detect(const double *x, size_t n, const dt_cp_opts *opts, dt_changepoint **out,
                    size_t *nout, dt_error *err);
int dt_bocpd_detect(const double *x, size_t n, const dt_cp_opts *opts, dt_changepoint **out,
                    size_t *nout, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
