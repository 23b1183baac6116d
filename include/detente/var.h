/* detente — var: vector autoregression (VAR) by least squares.
 *
 * A VAR(p) in k series with a constant:
 *
 *   y_t = c + A_1 y_{t-1} + ... + A_p y_{t-p} + u_t,   u_t ~ (0, Sigma)
 *
 * Each equation is estimated by OLS (equivalent to GLS for a VAR because
 * every equation has the same regressors); the linear algebra is LAPACK's
 * (QR by dgeqrf/dormqr/dtrtrs, (X'X)^-1 by dpotri, Cholesky by dpotrf,
 * eigenvalues by dgeev). The reciprocity module (reciprocity.h) runs it on
 * dyad Goldstein series, but nothing here knows about events: input is a
 * plain T x k matrix.
 *
 * Conventions (Lutkepohl 2005, "New Introduction to Multiple Time Series
 * Analysis"):
 *   - data y is row-major: y[t * k + i] is series i at time t, t = 0..T-1;
 *   - a VAR(p) uses n = T - p observations (t = p..T-1);
 *   - Sigma is the residual covariance with the degrees-of-freedom
 *     correction U'U / (n - 1 - k p); the information criteria use the ML
 *     estimate U'U / n;
 *   - lag selection fits every p = 1..max on the same sample (the last
 *     T - max observations) so the criteria compare like with like.
 *
 * Errors: functions return DT_OK or a negative DT_E* code and fill err:
 * DT_EINVAL for bad arguments and for data a VAR cannot be fitted to (too
 * few periods for the lags asked, a constant series, exactly collinear
 * series: the message names the series when names were given), DT_ENOMEM,
 * DT_EINTERNAL if LAPACK fails on a well-formed problem. No function ever
 * returns NaN or infinite estimates on success.
 *
 * Thread safety: every function is reentrant; a fitted dt_var is immutable
 * and may be read from many threads. The bootstrap uses its own generator
 * seeded from the options, so results are reproducible.
 */
#ifndef DETENTE_VAR_H
#define DETENTE_VAR_H

#include <stddef.h>
#include <stdint.h>

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dt_var_ic { DT_VAR_AIC = 0, DT_VAR_BIC, DT_VAR_HQ };

/* "aic", "bic", "hq"; -1 if unknown. */
int dt_var_ic_from_name(const char *name);
const char *dt_var_ic_name(int ic);

/* A fitted VAR. Owned by the caller of dt_var_fit; free with dt_var_free.
 * Matrices are row-major. */
typedef struct dt_var {
    size_t k;     /* series */
    size_t p;     /* lags */
    size_t nobs;  /* observations used: T - p */
    size_t ncoef; /* regressors per equation: 1 + k p */
    /* coef[i * ncoef + r]: equation i (the response series), regressor r:
     * r = 0 the constant, r = 1 + (l - 1) k + j the coefficient of series j
     * at lag l (A_l[i][j]). se: their OLS standard errors, same layout. */
    double *coef;
    double *se;
    double *sigma; /* k x k residual covariance (df-corrected) */
    double *resid; /* nobs x k residuals, resid[s * k + i] for t = p + s */
    double logdet; /* ln det of the ML residual covariance U'U / nobs */
    double aic, bic, hq;
    /* Stationarity: eigenvalues of the kp x kp companion matrix. The VAR
     * is stable (stationary) when every modulus is < 1. */
    double *eig_re, *eig_im; /* k p each */
    double max_modulus;
    int stable;
    /* private: a copy of the data for Granger tests and the bootstrap */
    double *y_;
    size_t t_, t0_;
} dt_var;

/* Coefficient A_lag[i][j] (lag 1..p): the effect of series j at t-lag on
 * series i at t. Pure; arguments must be in range. */
double dt_var_a(const dt_var *v, size_t lag, size_t i, size_t j);

/* Fit a VAR(p) to y (T x k, row-major). names (may be NULL) label the
 * series in error messages only; they are not kept. Needs k >= 1, p >= 1,
 * k <= DT_VAR_MAX_SERIES, T <= DT_VAR_MAX_PERIODS, p <= DT_VAR_MAX_LAG,
 * and n - 1 - k p >= k (n = T - p) so that Sigma can be full rank; fails
 * with DT_EINVAL and a message stating the periods needed otherwise. A
 * constant series, or series that are exactly collinear (X'X or Sigma
 * singular), are DT_EINVAL. On success *out is the fit (caller frees);
 * on error *out is NULL. */
int dt_var_fit(dt_var **out, const double *y, size_t t, size_t k, size_t p,
               const char *const *names, dt_error *err);

void dt_var_free(dt_var *v);

#define DT_VAR_MAX_LAG 32
#define DT_VAR_MAX_SERIES 64
#define DT_VAR_MAX_PERIODS 1000000

/* Lag selection. aic/bic/hq[p - 1] for p = 1..max_lag. */
typedef struct dt_var_selection {
    size_t max_lag; /* the max actually used: min(asked, what T allows) */
    size_t nobs;    /* the common sample: T - max_lag */
    double aic[DT_VAR_MAX_LAG], bic[DT_VAR_MAX_LAG], hq[DT_VAR_MAX_LAG];
    size_t best_aic, best_bic, best_hq; /* argmin, in 1..max_lag */
} dt_var_selection;

/* Fit p = 1..max_lag on the common sample t = max_lag..T-1 and fill *out:
 *   AIC = ln det Sigma_ML + 2 p k^2 / n
 *   BIC = ln det Sigma_ML + ln(n) p k^2 / n          (Schwarz)
 *   HQ  = ln det Sigma_ML + 2 ln(ln n) p k^2 / n     (Hannan-Quinn)
 * with n = T - max_lag. max_lag (1..DT_VAR_MAX_LAG) is lowered to the
 * largest lag the data can fit (out->max_lag says which was used); if not
 * even p = 1 fits, or a fit fails (constant or collinear series), the
 * error of dt_var_fit is returned. */
int dt_var_select(dt_var_selection *out, const double *y, size_t t, size_t k, size_t max_lag,
                  const char *const *names, dt_error *err);

/* Granger causality of series `cause` on series `effect` (cause != effect):
 * H0: A_l[effect][cause] = 0 for every lag l. The effect equation is
 * refitted without the cause's lags on the same sample, and
 *   F = ((RSS_r - RSS_u) / p) / (RSS_u / (n - 1 - k p))
 * with df1 = p, df2 = n - 1 - k p; p_value = P(F(df1, df2) > F). */
typedef struct dt_granger {
    size_t cause, effect;
    double f;
    unsigned df1, df2;
    double p_value;
} dt_granger;

int dt_var_granger(const dt_var *v, size_t cause, size_t effect, dt_granger *out, dt_error *err);

/* Orthogonalised impulse responses: Theta_h = Phi_h P with P the lower
 * Cholesky factor of Sigma (so the shock is one standard deviation of the
 * impulse series, and a series ordered earlier may move a later one in the
 * same period but not the reverse: the ordering matters, as with any
 * Cholesky identification). Phi_0 = I, Phi_h = sum_{l=1..min(h,p)}
 * Phi_{h-l} A_l.
 *
 * Bands: residual bootstrap (Runkle 1987; Lutkepohl 2005, appendix D):
 * centred residuals are drawn with replacement by whole rows (keeping the
 * contemporaneous correlation), a series is rebuilt from the first p
 * observations with the fitted coefficients, the VAR(p) refitted and its
 * IRF computed; lo/hi are the Efron percentile interval of `level`
 * (e.g. 0.95 -> 2.5 % and 97.5 %). reps == 0 gives no bands (lo = hi =
 * value). Replicates whose refit fails (degenerate resample) are skipped
 * and counted in reps_failed; more than half failing is DT_EINVAL. */
typedef struct dt_var_irf {
    size_t k, horizon; /* horizons 0..horizon */
    /* value[(h * k + i) * k + j]: response of series i at horizon h to a
     * one-s.d. orthogonal shock in series j at 0. lo/hi: the band. */
    double *value, *lo, *hi;
    size_t reps, reps_failed;
    double level;
} dt_var_irf;

typedef struct dt_var_irf_opts {
    size_t horizon; /* >= 0; 0 still gives the impact response */
    size_t reps;    /* bootstrap replicates; 0 = no bands */
    double level;   /* in (0, 1); 0 = 0.95 */
    uint64_t seed;  /* generator seed (any value, 0 included) */
} dt_var_irf_opts;

/* Compute the IRF of v into *out (caller frees with dt_var_irf_free).
 * DT_EINVAL (bad options, Sigma not positive definite, too many failed
 * replicates), DT_ENOMEM. */
int dt_var_irf_compute(dt_var_irf *out, const dt_var *v, const dt_var_irf_opts *o, dt_error *err);
void dt_var_irf_free(dt_var_irf *irf);

/* Regularised incomplete beta I_x(a, b) for a, b > 0, 0 <= x <= 1
 * (continued fraction, relative accuracy ~1e-13); NaN for arguments out
 * of range. Pure. */
double dt_betai(double a, double b, double x);

/* ln Gamma(x) for x > 0 (NaN otherwise). Pure and thread-safe, unlike
 * lgamma(), which may write the global signgam. */
double dt_lngamma(double x);

/* Upper tail P(F > f) of the F(df1, df2) distribution; 1 for f <= 0. */
double dt_f_sf(double f, double df1, double df2);

#ifdef __cplusplus
}
#endif
#endif
