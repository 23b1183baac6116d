/* detente — vector autoregression by OLS on LAPACK (contract in var.h). */
#include "detente/var.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Relative size under which a QR pivot or a residual variance counts as
 * zero: far above rounding noise (~1e-16) and far below any real signal. */
#define VAR_SINGULAR_TOL 1e-10

static lapack_int li(size_t n)
{
    return (lapack_int)n;
}

int dt_var_ic_from_name(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "aic"))
        return DT_VAR_AIC;
    if (!strcmp(name, "bic") || !strcmp(name, "sc"))
        return DT_VAR_BIC;
    if (!strcmp(name, "hq"))
        return DT_VAR_HQ;
    return -1;
}

const char *dt_var_ic_name(int ic)
{
    switch (ic) {
    case DT_VAR_AIC:
        return "aic";
    case DT_VAR_BIC:
        return "bic";
    case DT_VAR_HQ:
        return "hq";
    default:
        return "?";
    }
}

double dt_var_a(const dt_var *v, size_t lag, size_t i, size_t j)
{
    return v->coef[i * v->ncoef + 1 + (lag - 1) * v->k + j];
}

/* ---- special functions ------------------------------------------------ */

double dt_lngamma(double x)
{
    if (!(x > 0) || isinf(x))
        return NAN;
    /* Shift up to x >= 10 with ln Gamma(x) = ln Gamma(x + 1) - ln x, where
     * the Stirling series below is accurate to ~1e-15. */
    double shift = 0;
    while (x < 10) {
        shift += log(x);
        x += 1;
    }
    double r = 1 / x, r2 = r * r;
    double s =
        r *
        (1.0 / 12 -
         r2 * (1.0 / 360 -
               r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188 - r2 * (691.0 / 360360))))));
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 /* ln sqrt(2 pi) */ + s - shift;
}

/* The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8),
 * evaluated forwards with the modified Lentz method so that no partial
 * numerator or denominator is ever formed; converges fast for
 * x < (a + 1) / (a + b + 2), which the caller guarantees. */
static double betai_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 20000; m++) {
        double m2 = 2.0 * m;
        /* even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)) */
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        /* odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) */
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double step = d * c;
        h *= step;
        if (fabs(step - 1) < eps)
            break;
    }
    return h;
}

double dt_betai(double a, double b, double x)
{
    if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1) || isinf(a) || isinf(b))
        return NAN;
    if (x == 0)
        return 0;
    if (x == 1)
        return 1;
    /* x^a (1-x)^b / B(a, b), in logs so that large a, b do not overflow */
    double front =
        exp(a * log(x) + b * log1p(-x) - dt_lngamma(a) - dt_lngamma(b) + dt_lngamma(a + b));
    /* The fraction converges quickly only left of the mean; use the
     * symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the right. */
    if (x < (a + 1) / (a + b + 2))
        return front * betai_cf(a, b, x) / a;
    double r = 1 - front * betai_cf(b, a, 1 - x) / b;
    return r < 0 ? 0 : r;
}

double dt_f_sf(double f, double df1, double df2)
{
    if (!(df1 > 0) || !(df2 > 0) || isnan(f))
        return NAN;
    if (f <= 0)
        return 1;
    if (isinf(f))
        return 0;
    /* P(F > f) = I_{df2 / (df2 + df1 f)}(df2 / 2, df1 / 2) */
    return dt_betai(df2 / 2, df1 / 2, df2 / (df2 + df1 * f));
}

/* ---- least squares ------------------------------------------------------ */

/* The regressor matrix of a VAR(p) for dependent rows t0..t0+n-1 of y,
 * column-major n x (1 + k p), optionally without the lags of series
 * `drop` (drop >= k keeps all). */
static void build_x(double *x, const double *y, size_t k, size_t p, size_t t0, size_t n,
                    size_t drop)
{
    size_t col = 0;
    for (size_t s = 0; s < n; s++)
        x[s] = 1;
    col++;
    for (size_t l = 1; l <= p; l++)
        for (size_t j = 0; j < k; j++) {
            if (j == drop)
                continue;
            for (size_t s = 0; s < n; s++)
                x[col * n + s] = y[(t0 + s - l) * k + j];
            col++;
        }
}

/* Solve min ||X B - Y|| by Householder QR (X: n x m column-major,
 * Y: n x nrhs column-major, n > m). Writes B (m x nrhs column-major),
 * the residuals E = Y - X B (n x nrhs column-major) and, if xtx_inv is
 * not NULL, (X'X)^-1 (m x m) from R via dpotri (X'X = R'R). On a
 * numerically dependent column returns DT_EINVAL with *bad_col set. */
static int ols(const double *x, const double *yy, size_t n, size_t m, size_t nrhs, double *b,
               double *e, double *xtx_inv, size_t *bad_col)
{
    int rc = DT_ENOMEM;
    double *qr = dt_malloc(n * m * sizeof *qr);
    double *tau = dt_malloc(m * sizeof *tau);
    double *c = dt_malloc(n * nrhs * sizeof *c);
    if (!qr || !tau || !c)
        goto out;
    memcpy(qr, x, n * m * sizeof *qr);
    memcpy(c, yy, n * nrhs * sizeof *c);
    rc = DT_EINTERNAL;
    if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, li(n), li(m), qr, li(n), tau) != 0)
        goto out;
    /* |R_jj| is the part of column j not explained by columns 0..j-1:
     * compare it with the column's own norm to detect collinearity. */
    for (size_t j = 0; j < m; j++) {
        double norm = 0;
        for (size_t s = 0; s < n; s++)
            norm += x[j * n + s] * x[j * n + s];
        norm = sqrt(norm);
        if (norm == 0 || fabs(qr[j * n + j]) <= VAR_SINGULAR_TOL * norm) {
            *bad_col = j;
            rc = DT_EINVAL;
            goto out;
        }
    }
    if (LAPACKE_dormqr(LAPACK_COL_MAJOR, 'L', 'T', li(n), li(nrhs), li(m), qr, li(n), tau, c,
                       li(n)) != 0)
        goto out;
    if (LAPACKE_dtrtrs(LAPACK_COL_MAJOR, 'U', 'N', 'N', li(m), li(nrhs), qr, li(n), c, li(n)) != 0)
        goto out;
    for (size_t r = 0; r < nrhs; r++)
        for (size_t j = 0; j < m; j++)
            b[r * m + j] = c[r * n + j];
    for (size_t r = 0; r < nrhs; r++)
        for (size_t s = 0; s < n; s++) {
            double fit = 0;
            for (size_t j = 0; j < m; j++)
                fit += x[j * n + s] * b[r * m + j];
            e[r * n + s] = yy[r * n + s] - fit;
        }
    if (xtx_inv) {
        for (size_t j = 0; j < m; j++)
            for (size_t i = 0; i < m; i++)
                xtx_inv[j * m + i] = i <= j ? qr[j * n + i] : 0;
        if (LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', li(m), xtx_inv, li(m)) != 0)
            goto out;
        for (size_t j = 0; j < m; j++)
            for (size_t i = j + 1; i < m; i++)
                xtx_inv[j * m + i] = xtx_inv[i * m + j];
    }
    rc = DT_OK;
out:
    dt_free(qr);
    dt_free(tau);
    dt_free(c);
    return rc;
}

/* ln det of a symmetric positive definite k x k matrix (overwritten by its
 * Cholesky factor); DT_EINVAL if it is not positive definite. */
static int chol_logdet(double *a, size_t k, double *logdet)
{
    if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', li(k), a, li(k)) != 0)
        return DT_EINVAL;
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        if (!(a[i * k + i] > 0))
            return DT_EINVAL;
        s += 2 * log(a[i * k + i]);
    }
    *logdet = s;
    return DT_OK;
}

static const char *series_name(const char *const *names, size_t j, char buf[32])
{
    if (names && names[j])
        return names[j];
    buf[0] = '#';
    size_t n = 1;
    char tmp[24];
    size_t d = 0;
    do {
        tmp[d++] = (char)('0' + j % 10);
        j /= 10;
    } while (j && d < sizeof tmp);
    while (d)
        buf[n++] = tmp[--d];
    buf[n] = 0;
    return buf;
}

static int check_dims(size_t t, size_t k, size_t p, size_t t0, dt_error *err)
{
    if (k < 1 || k > DT_VAR_MAX_SERIES)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "a VAR needs 1 to %d series, not %zu", DT_VAR_MAX_SERIES, k);
    if (p < 1 || p > DT_VAR_MAX_LAG)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "lags must be 1..%d, not %zu",
                            DT_VAR_MAX_LAG, p);
    if (t > DT_VAR_MAX_PERIODS)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "%zu periods: more than the %d a VAR accepts", t, DT_VAR_MAX_PERIODS);
    /* n - (1 + k p) >= k: enough residual degrees of freedom for a full
     * rank k x k residual covariance. */
    size_t need = t0 + 1 + k * p + k;
    if (t < need)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "too few periods: %zu, but a VAR(%zu) in %zu series needs at "
                            "least %zu",
                            t, p, k, need);
    return DT_OK;
}

static int check_constant(const double *y, size_t t, size_t k, const char *const *names,
                          dt_error *err)
{
    char nb[32];
    for (size_t j = 0; j < k; j++) {
        int varies = 0;
        for (size_t s = 0; s < t; s++) {
            if (!isfinite(y[s * k + j]))
                return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                                    "series %s: value at period %zu is not a finite number",
                                    series_name(names, j, nb), s + 1);
            varies |= y[s * k + j] != y[j];
        }
        if (!varies)
            return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                                "series %s is constant (%g in all %zu periods): a VAR needs "
                                "variation in every series",
                                series_name(names, j, nb), y[j], t);
    }
    return DT_OK;
}

enum { FIT_FULL = 0, FIT_QUICK = 1 }; /* quick: no standard errors, no eigenvalues */

/* Fit a VAR(p) on dependent rows t0..t-1 (t0 >= p). */
static int var_fit_at(dt_var **out, const double *y, size_t t, size_t k, size_t p, size_t t0,
                      int mode, const char *const *names, dt_error *err)
{
    *out = NULL;
    int rc = check_dims(t, k, p, t0, err);
    if (rc < 0)
        return rc;
    size_t n = t - t0, m = 1 + k * p;
    dt_var *v = dt_calloc(1, sizeof *v);
    double *x = dt_malloc(n * m * sizeof *x);
    double *yy = dt_malloc(n * k * sizeof *yy);
    double *b = dt_malloc(m * k * sizeof *b);
    double *e = dt_malloc(n * k * sizeof *e);
    double *xi = mode == FIT_FULL ? dt_malloc(m * m * sizeof *xi) : NULL;
    double *chol = dt_malloc(k * k * sizeof *chol);
    rc = DT_ENOMEM;
    if (!v || !x || !yy || !b || !e || (mode == FIT_FULL && !xi) || !chol)
        goto fail;
    v->k = k;
    v->p = p;
    v->nobs = n;
    v->ncoef = m;
    v->t_ = t;
    v->t0_ = t0;
    v->coef = dt_malloc(k * m * sizeof *v->coef);
    v->se = dt_calloc(k * m, sizeof *v->se);
    v->sigma = dt_malloc(k * k * sizeof *v->sigma);
    v->resid = dt_malloc(n * k * sizeof *v->resid);
    v->eig_re = dt_calloc(k * p, sizeof *v->eig_re);
    v->eig_im = dt_calloc(k * p, sizeof *v->eig_im);
    v->y_ = dt_malloc(t * k * sizeof *v->y_);
    if (!v->coef || !v->se || !v->sigma || !v->resid || !v->eig_re || !v->eig_im || !v->y_)
        goto fail;
    memcpy(v->y_, y, t * k * sizeof *y);

    build_x(x, y, k, p, t0, n, k);
    for (size_t i = 0; i < k; i++)
        for (size_t s = 0; s < n; s++)
            yy[i * n + s] = y[(t0 + s) * k + i];
    size_t bad = 0;
    rc = ols(x, yy, n, m, k, b, e, xi, &bad);
    if (rc == DT_EINVAL) {
        char nb[32];
        if (bad == 0)
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                              "the constant is collinear with the regressors");
        else
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                              "series %s at lag %zu is collinear with the other regressors "
                              "(constant over the sample, or a linear combination of other "
                              "series)",
                              series_name(names, (bad - 1) % k, nb), (bad - 1) / k + 1);
        goto fail;
    }
    if (rc < 0) {
        dt_error_set(err, rc, "", 0, UINT64_MAX, "LAPACK failed in the least-squares fit");
        goto fail;
    }
    for (size_t i = 0; i < k; i++) {
        memcpy(v->coef + i * m, b + i * m, m * sizeof *b);
        for (size_t s = 0; s < n; s++)
            v->resid[s * k + i] = e[i * n + s];
    }
    size_t df = n - m;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double acc = 0;
            for (size_t s = 0; s < n; s++)
                acc += e[i * n + s] * e[j * n + s];
            v->sigma[i * k + j] = acc / (double)df;
            chol[i * k + j] = acc / (double)n;
        }
    /* A series the lags explain exactly leaves a zero residual variance,
     * and with it a singular Sigma: report it by name. */
    for (size_t i = 0; i < k; i++) {
        double mean = 0, var = 0;
        for (size_t s = 0; s < n; s++)
            mean += yy[i * n + s];
        mean /= (double)n;
        for (size_t s = 0; s < n; s++)
            var += (yy[i * n + s] - mean) * (yy[i * n + s] - mean);
        var /= (double)n;
        if (!(chol[i * k + i] > VAR_SINGULAR_TOL * var)) {
            char nb[32];
            rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                              "series %s is fitted exactly by the lags (zero residual "
                              "variance): the residual covariance is singular",
                              series_name(names, i, nb));
            goto fail;
        }
    }
    if (chol_logdet(chol, k, &v->logdet) < 0) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                          "the residual covariance is singular: the series are linearly "
                          "dependent");
        goto fail;
    }
    double pk2 = (double)(p * k * k), dn = (double)n;
    v->aic = v->logdet + 2 * pk2 / dn;
    v->bic = v->logdet + log(dn) * pk2 / dn;
    v->hq = v->logdet + 2 * log(log(dn)) * pk2 / dn;

    if (mode == FIT_FULL) {
        for (size_t i = 0; i < k; i++)
            for (size_t r = 0; r < m; r++)
                v->se[i * m + r] = sqrt(v->sigma[i * k + i] * xi[r * m + r]);
        /* Companion matrix (column-major kp x kp): [A_1 .. A_p] on top, an
         * identity shifted one block down below. */
        size_t kp = k * p;
        double *comp = dt_calloc(kp * kp, sizeof *comp);
        if (!comp) {
            rc = DT_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < k; i++)
            for (size_t c = 0; c < kp; c++)
                comp[c * kp + i] = v->coef[i * m + 1 + c];
        for (size_t r = k; r < kp; r++)
            comp[(r - k) * kp + r] = 1;
        lapack_int info = LAPACKE_dgeev(LAPACK_COL_MAJOR, 'N', 'N', li(kp), comp, li(kp), v->eig_re,
                                        v->eig_im, NULL, 1, NULL, 1);
        dt_free(comp);
        if (info != 0) {
            rc = dt_error_set(err, DT_EINTERNAL, "", 0, UINT64_MAX,
                              "LAPACK dgeev failed on the companion matrix (info %d)", (int)info);
            goto fail;
        }
        v->max_modulus = 0;
        for (size_t i = 0; i < kp; i++) {
            double mod = hypot(v->eig_re[i], v->eig_im[i]);
            if (mod > v->max_modulus)
                v->max_modulus = mod;
        }
        v->stable = v->max_modulus < 1;
    }
    rc = DT_OK;
    *out = v;
    v = NULL;
fail:
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory fitting a VAR");
    dt_var_free(v);
    dt_free(x);
    dt_free(yy);
    dt_free(b);
    dt_free(e);
    dt_free(xi);
    dt_free(chol);
    return rc;
}

int dt_var_fit(dt_var **out, const double *y, size_t t, size_t k, size_t p,
               const char *const *names, dt_error *err)
{
    if (!out || !y)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dt_var_fit: NULL argument");
    *out = NULL;
    int rc = check_dims(t, k, p, p, err);
    if (rc < 0)
        return rc;
    rc = check_constant(y, t, k, names, err);
    if (rc < 0)
        return rc;
    return var_fit_at(out, y, t, k, p, p, FIT_FULL, names, err);
}

void dt_var_free(dt_var *v)
{
    if (!v)
        return;
    dt_free(v->coef);
    dt_free(v->se);
    dt_free(v->sigma);
    dt_free(v->resid);
    dt_free(v->eig_re);
    dt_free(v->eig_im);
    dt_free(v->y_);
    dt_free(v);
}

int dt_var_select(dt_var_selection *out, const double *y, size_t t, size_t k, size_t max_lag,
                  const char *const *names, dt_error *err)
{
    if (!out || !y)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dt_var_select: NULL argument");
    memset(out, 0, sizeof *out);
    if (max_lag < 1 || max_lag > DT_VAR_MAX_LAG)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "maximum lag must be 1..%d, not %zu",
                            DT_VAR_MAX_LAG, max_lag);
    /* Lower max_lag until the largest model fits on the common sample:
     * T - max >= 1 + k max + k. */
    while (max_lag > 1 && t < max_lag + 1 + k * max_lag + k)
        max_lag--;
    int rc = check_dims(t, k, max_lag, max_lag, err);
    if (rc < 0)
        return rc;
    rc = check_constant(y, t, k, names, err);
    if (rc < 0)
        return rc;
    out->max_lag = max_lag;
    out->nobs = t - max_lag;
    for (size_t p = 1; p <= max_lag; p++) {
        dt_var *v = NULL;
        rc = var_fit_at(&v, y, t, k, p, max_lag, FIT_QUICK, names, err);
        if (rc < 0)
            return rc;
        out->aic[p - 1] = v->aic;
        out->bic[p - 1] = v->bic;
        out->hq[p - 1] = v->hq;
        dt_var_free(v);
    }
    out->best_aic = out->best_bic = out->best_hq = 1;
    for (size_t p = 2; p <= max_lag; p++) {
        if (out->aic[p - 1] < out->aic[out->best_aic - 1])
            out->best_aic = p;
        if (out->bic[p - 1] < out->bic[out->best_bic - 1])
            out->best_bic = p;
        if (out->hq[p - 1] < out->hq[out->best_hq - 1])
            out->best_hq = p;
    }
    return DT_OK;
}

int dt_var_granger(const dt_var *v, size_t cause, size_t effect, dt_granger *out, dt_error *err)
{
    if (!v || !out || cause >= v->k || effect >= v->k || cause == effect)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "Granger test needs two different series of the VAR");
    size_t k = v->k, p = v->p, n = v->nobs, m = v->ncoef, mr = m - p;
    if (mr < 1 || n <= mr)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "too few observations for the restricted regression");
    double *x = dt_malloc(n * mr * sizeof *x);
    double *yy = dt_malloc(n * sizeof *yy);
    double *e = dt_malloc(n * sizeof *e);
    double *b = dt_malloc(mr * sizeof *b);
    int rc = DT_ENOMEM;
    if (!x || !yy || !e || !b) {
        dt_error_set(err, rc, "", 0, UINT64_MAX, "out of memory in a Granger test");
        goto out;
    }
    build_x(x, v->y_, k, p, v->t0_, n, cause);
    for (size_t s = 0; s < n; s++)
        yy[s] = v->y_[(v->t0_ + s) * k + effect];
    size_t bad = 0;
    rc = ols(x, yy, n, mr, 1, b, e, NULL, &bad);
    if (rc < 0) {
        dt_error_set(err, rc, "", 0, UINT64_MAX,
                     "the restricted regression of the Granger test failed");
        goto out;
    }
    double rss_r = 0, rss_u = 0;
    for (size_t s = 0; s < n; s++) {
        rss_r += e[s] * e[s];
        rss_u += v->resid[s * k + effect] * v->resid[s * k + effect];
    }
    size_t df2 = n - m;
    out->cause = cause;
    out->effect = effect;
    out->df1 = (unsigned)p;
    out->df2 = (unsigned)df2;
    /* Dropping regressors can only raise the RSS; a tiny negative
     * difference is rounding. */
    double f = ((rss_r - rss_u) / (double)p) / (rss_u / (double)df2);
    out->f = f > 0 ? f : 0;
    out->p_value = dt_f_sf(out->f, (double)p, (double)df2);
    rc = DT_OK;
out:
    dt_free(x);
    dt_free(yy);
    dt_free(e);
    dt_free(b);
    return rc;
}

/* ---- impulse responses -------------------------------------------------- */

/* Orthogonalised IRF of v into theta ((h+1) k k), using phi as scratch of
 * the same size. DT_EINVAL if Sigma is not positive definite. */
static int irf_point(const dt_var *v, size_t horizon, double *theta, double *phi)
{
    size_t k = v->k, kk = k * k;
    double pl[DT_VAR_MAX_SERIES * DT_VAR_MAX_SERIES];
    memcpy(pl, v->sigma, kk * sizeof *pl);
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', li(k), pl, li(k)) != 0)
        return DT_EINVAL;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            pl[i * k + j] = 0;
    memset(phi, 0, (horizon + 1) * kk * sizeof *phi);
    for (size_t i = 0; i < k; i++)
        phi[i * k + i] = 1;
    for (size_t h = 1; h <= horizon; h++) {
        double *ph = phi + h * kk;
        for (size_t l = 1; l <= v->p && l <= h; l++) {
            const double *prev = phi + (h - l) * kk;
            for (size_t i = 0; i < k; i++)
                for (size_t j = 0; j < k; j++) {
                    double acc = 0;
                    for (size_t q = 0; q < k; q++)
                        acc += prev[i * k + q] * dt_var_a(v, l, q, j);
                    ph[i * k + j] += acc;
                }
        }
    }
    for (size_t h = 0; h <= horizon; h++)
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++) {
                double acc = 0;
                for (size_t q = j; q < k; q++)
                    acc += phi[h * kk + i * k + q] * pl[q * k + j];
                theta[h * kk + i * k + j] = acc;
            }
    return DT_OK;
}

/* splitmix64: a small, well-mixed generator; own state, so reentrant. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t rng_index(uint64_t *s, size_t n)
{
    double u = (double)(rng_next(s) >> 11) * 0x1.0p-53;
    size_t i = (size_t)(u * (double)n);
    return i < n ? i : n - 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile_sorted(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo >= n - 1)
        return v[n - 1];
    double f = pos - (double)lo;
    return v[lo] + f * (v[lo + 1] - v[lo]);
}

void dt_var_irf_free(dt_var_irf *irf)
{
    if (!irf)
        return;
    dt_free(irf->value);
    dt_free(irf->lo);
    dt_free(irf->hi);
    irf->value = irf->lo = irf->hi = NULL;
}

int dt_var_irf_compute(dt_var_irf *out, const dt_var *v, const dt_var_irf_opts *o, dt_error *err)
{
    if (!out || !v || !o)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dt_var_irf_compute: NULL");
    memset(out, 0, sizeof *out);
    double level = o->level == 0 ? 0.95 : o->level;
    if (!(level > 0 && level < 1))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "band level must be in (0, 1), not %g", level);
    size_t k = v->k, kk = k * k, cells = (o->horizon + 1) * kk;
    /* the bootstrap keeps every replicate: bound its memory (~400 MB) */
    if (o->horizon > 1000 || o->reps > 100000 || (double)o->reps * (double)cells > 5e7)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "horizon %zu with %zu replicates is too large (horizon <= 1000, "
                            "replicates x (horizon + 1) x k^2 <= 5e7)",
                            o->horizon, o->reps);
    out->k = k;
    out->horizon = o->horizon;
    out->level = level;
    out->reps = o->reps;
    int rc = DT_ENOMEM;
    double *phi = dt_malloc(cells * sizeof *phi);
    double *draws = NULL, *ystar = NULL, *ures = NULL, *col = NULL;
    out->value = dt_malloc(cells * sizeof *out->value);
    out->lo = dt_malloc(cells * sizeof *out->lo);
    out->hi = dt_malloc(cells * sizeof *out->hi);
    if (!phi || !out->value || !out->lo || !out->hi)
        goto fail;
    if (irf_point(v, o->horizon, out->value, phi) < 0) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                          "residual covariance is not positive definite");
        goto fail;
    }
    memcpy(out->lo, out->value, cells * sizeof *out->lo);
    memcpy(out->hi, out->value, cells * sizeof *out->hi);
    if (o->reps == 0) {
        dt_free(phi);
        return DT_OK;
    }

    size_t t = v->t_, t0 = v->t0_, n = v->nobs, p = v->p;
    draws = dt_malloc(o->reps * cells * sizeof *draws);
    ystar = dt_malloc(t * k * sizeof *ystar);
    ures = dt_malloc(n * k * sizeof *ures);
    col = dt_malloc(o->reps * sizeof *col);
    if (!draws || !ystar || !ures || !col)
        goto fail;
    /* centre the residuals so the resampled shocks have mean zero */
    for (size_t i = 0; i < k; i++) {
        double mean = 0;
        for (size_t s = 0; s < n; s++)
            mean += v->resid[s * k + i];
        mean /= (double)n;
        for (size_t s = 0; s < n; s++)
            ures[s * k + i] = v->resid[s * k + i] - mean;
    }
    uint64_t state = o->seed;
    size_t ok = 0;
    for (size_t r = 0; r < o->reps; r++) {
        memcpy(ystar, v->y_, t0 * k * sizeof *ystar);
        for (size_t tt = t0; tt < t; tt++) {
            const double *u = ures + rng_index(&state, n) * k;
            for (size_t i = 0; i < k; i++) {
                double acc = v->coef[i * v->ncoef] + u[i];
                for (size_t l = 1; l <= p; l++)
                    for (size_t j = 0; j < k; j++)
                        acc += dt_var_a(v, l, i, j) * ystar[(tt - l) * k + j];
                ystar[tt * k + i] = acc;
            }
        }
        dt_var *bv = NULL;
        if (var_fit_at(&bv, ystar, t, k, p, t0, FIT_QUICK, NULL, NULL) < 0) {
            out->reps_failed++;
            continue;
        }
        int prc = irf_point(bv, o->horizon, draws + ok * cells, phi);
        dt_var_free(bv);
        if (prc < 0) {
            out->reps_failed++;
            continue;
        }
        ok++;
    }
    if (ok * 2 < o->reps) {
        rc = dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                          "bootstrap: %zu of %zu replicates could not be fitted (degenerate "
                          "data)",
                          out->reps_failed, o->reps);
        goto fail;
    }
    double a = (1 - level) / 2;
    for (size_t c = 0; c < cells; c++) {
        for (size_t r = 0; r < ok; r++)
            col[r] = draws[r * cells + c];
        qsort(col, ok, sizeof *col, cmp_double);
        out->lo[c] = quantile_sorted(col, ok, a);
        out->hi[c] = quantile_sorted(col, ok, 1 - a);
    }
    rc = DT_OK;
fail:
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory computing the IRF");
    if (rc < 0)
        dt_var_irf_free(out);
    dt_free(phi);
    dt_free(draws);
    dt_free(ystar);
    dt_free(ures);
    dt_free(col);
    return rc;
}
