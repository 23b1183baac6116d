/* var.h: the VAR estimator checked against series simulated from a known
 * VAR(2), the F distribution against closed forms, and degenerate inputs. */
#include "dt_test.h"

#include "detente/var.h"

#include <math.h>
#include <stdint.h>

#define K 3
#define P 2

/* The true model. Series 1 is isolated (no link in either direction);
 * series 2 drives series 0 (A1[0][2] = 0.4) and 0 drives 2 (A1[2][0]). */
static const double A1[K][K] = {{0.5, 0.0, 0.4}, {0.0, 0.4, 0.0}, {0.3, 0.0, 0.3}};
static const double A2[K][K] = {{-0.3, 0.0, 0.0}, {0.0, -0.3, 0.0}, {0.0, 0.0, -0.25}};
static const double C0[K] = {1.0, -0.5, 0.25};
/* Sigma = L L' with L lower triangular: var 1, 1.09, 1.25; cov(0,1) = 0.3 */
static const double L[K][K] = {{1.0, 0.0, 0.0}, {0.3, 1.0, 0.0}, {0.0, 0.0, 1.118033988749895}};

/* xorshift64* and Box-Muller: the test's own generator, independent of
 * the library's bootstrap generator. */
static uint64_t rs = 0x2545F4914F6CDD1DULL;
static double unif(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    uint64_t x = rs * 0x2545F4914F6CDD1DULL;
    return ((double)(x >> 11) + 0.5) * 0x1.0p-53; /* in (0, 1) */
}
static double gauss(void)
{
    static int have;
    static double spare;
    if (have) {
        have = 0;
        return spare;
    }
    double u = unif(), v = unif();
    double r = sqrt(-2 * log(u)), th = 6.283185307179586 * v;
    spare = r * sin(th);
    have = 1;
    return r * cos(th);
}

/* Simulate T periods after a burn-in of 200, row-major T x K. */
static void simulate(double *y, size_t t)
{
    double hist[P][K] = {{0}};
    for (size_t s = 0; s < t + 200; s++) {
        double e[K], u[K], cur[K];
        for (int i = 0; i < K; i++)
            e[i] = gauss();
        for (int i = 0; i < K; i++) {
            u[i] = 0;
            for (int j = 0; j <= i; j++)
                u[i] += L[i][j] * e[j];
        }
        for (int i = 0; i < K; i++) {
            cur[i] = C0[i] + u[i];
            for (int j = 0; j < K; j++)
                cur[i] += A1[i][j] * hist[0][j] + A2[i][j] * hist[1][j];
        }
        for (int i = 0; i < K; i++) {
            hist[1][i] = hist[0][i];
            hist[0][i] = cur[i];
            if (s >= 200)
                y[(s - 200) * K + (size_t)i] = cur[i];
        }
    }
}

#define TT 2000
static double ysim[TT * K];

static void test_estimates(void)
{
    dt_var *v = NULL;
    dt_error err;
    DT_CHECK_INT(dt_var_fit(&v, ysim, TT, K, P, NULL, &err), DT_OK);
    if (!v)
        return;
    DT_CHECK_INT(v->nobs, TT - P);
    DT_CHECK_INT(v->ncoef, 1 + K * P);
    /* With n = 2000 the standard errors are ~0.02: 0.1 is ~5 s.e. */
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            DT_CHECK(fabs(dt_var_a(v, 1, (size_t)i, (size_t)j) - A1[i][j]) < 0.1);
            DT_CHECK(fabs(dt_var_a(v, 2, (size_t)i, (size_t)j) - A2[i][j]) < 0.1);
        }
    /* the true value lies within 4 estimated standard errors */
    for (int i = 0; i < K; i++)
        for (int l = 1; l <= P; l++)
            for (int j = 0; j < K; j++) {
                double truth = l == 1 ? A1[i][j] : A2[i][j];
                size_t r = 1 + (size_t)(l - 1) * K + (size_t)j;
                double se = v->se[(size_t)i * v->ncoef + r];
                DT_CHECK(se > 0.005 && se < 0.05);
                DT_CHECK(fabs(dt_var_a(v, (size_t)l, (size_t)i, (size_t)j) - truth) < 4 * se);
            }
    /* Sigma near L L' */
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double s = 0;
            for (int q = 0; q < K; q++)
                s += L[i][q] * L[j][q];
            DT_CHECK(fabs(v->sigma[i * K + j] - s) < 0.12);
        }
    DT_CHECK(v->stable);
    DT_CHECK(v->max_modulus > 0.3 && v->max_modulus < 1);
    dt_var_free(v);
}

static void test_lag_selection(void)
{
    dt_var_selection sel;
    dt_error err;
    DT_CHECK_INT(dt_var_select(&sel, ysim, TT, K, 8, NULL, &err), DT_OK);
    DT_CHECK_INT(sel.max_lag, 8);
    DT_CHECK_INT(sel.nobs, TT - 8);
    DT_CHECK_INT(sel.best_bic, 2);
    DT_CHECK_INT(sel.best_hq, 2);
    DT_CHECK(sel.best_aic >= 2); /* AIC is known to overfit, never underfit here */
    /* the criteria penalise: BIC >= AIC once ln n > 2 */
    for (size_t p = 1; p <= sel.max_lag; p++)
        DT_CHECK(sel.bic[p - 1] > sel.aic[p - 1]);

    /* Asked for more lags than 20 periods allow: max lowered, still works */
    DT_CHECK_INT(dt_var_select(&sel, ysim, 20, K, 8, NULL, &err), DT_OK);
    DT_CHECK(sel.max_lag >= 1 && sel.max_lag < 8);
    DT_CHECK(20 >= sel.max_lag + 1 + K * sel.max_lag + K);
}

static void test_granger(void)
{
    dt_var *v = NULL;
    dt_error err;
    DT_CHECK_INT(dt_var_fit(&v, ysim, TT, K, P, NULL, &err), DT_OK);
    if (!v)
        return;
    dt_granger g;
    /* Level 0.001: the true links are found, the absent ones not. */
    DT_CHECK_INT(dt_var_granger(v, 2, 0, &g, &err), DT_OK);
    DT_CHECK(g.p_value < 0.001);
    DT_CHECK_INT(g.df1, P);
    DT_CHECK_INT(g.df2, TT - P - (1 + K * P));
    DT_CHECK_INT(dt_var_granger(v, 0, 2, &g, &err), DT_OK);
    DT_CHECK(g.p_value < 0.001);
    const size_t absent[4][2] = {{1, 0}, {0, 1}, {1, 2}, {2, 1}};
    for (int a = 0; a < 4; a++) {
        DT_CHECK_INT(dt_var_granger(v, absent[a][0], absent[a][1], &g, &err), DT_OK);
        DT_CHECK(g.p_value > 0.001);
        DT_CHECK(g.f >= 0 && g.f < 8);
    }
    DT_CHECK_INT(dt_var_granger(v, 1, 1, &g, &err), DT_EINVAL);
    DT_CHECK_INT(dt_var_granger(v, 0, 3, &g, &err), DT_EINVAL);
    dt_var_free(v);
}

/* Cholesky of a 3x3 by the textbook formulas, to check the library's
 * LAPACK-based one independently. */
static void chol3(const double *s, double l[K][K])
{
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            l[i][j] = 0;
    for (int j = 0; j < K; j++) {
        double d = s[j * K + j];
        for (int q = 0; q < j; q++)
            d -= l[j][q] * l[j][q];
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < K; i++) {
            double x = s[i * K + j];
            for (int q = 0; q < j; q++)
                x -= l[i][q] * l[j][q];
            l[i][j] = x / l[j][j];
        }
    }
}

static void test_irf(void)
{
    dt_var *v = NULL;
    dt_error err;
    DT_CHECK_INT(dt_var_fit(&v, ysim, TT, K, P, NULL, &err), DT_OK);
    if (!v)
        return;
    dt_var_irf irf;
    dt_var_irf_opts o = {6, 300, 0.95, 42};
    DT_CHECK_INT(dt_var_irf_compute(&irf, v, &o, &err), DT_OK);
    DT_CHECK_INT(irf.horizon, 6);
    DT_CHECK_INT(irf.reps_failed, 0);
    double pl[K][K];
    chol3(v->sigma, pl);
    /* horizon 0: P; horizon 1: A_1 P; horizon 2: (A_1^2 + A_2) P -- all
     * from the estimated coefficients, to rounding. */
    double phi2[K][K];
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            phi2[i][j] = dt_var_a(v, 2, (size_t)i, (size_t)j);
            for (int q = 0; q < K; q++)
                phi2[i][j] +=
                    dt_var_a(v, 1, (size_t)i, (size_t)q) * dt_var_a(v, 1, (size_t)q, (size_t)j);
        }
    int outside = 0;
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double h1 = 0, h2 = 0, t1 = 0;
            for (int q = 0; q < K; q++) {
                h1 += dt_var_a(v, 1, (size_t)i, (size_t)q) * pl[q][j];
                h2 += phi2[i][q] * pl[q][j];
                t1 += A1[i][q] * L[q][j];
            }
            DT_CHECK(fabs(irf.value[(0 * K + i) * K + j] - pl[i][j]) < 1e-10);
            DT_CHECK(fabs(irf.value[(1 * K + i) * K + j] - h1) < 1e-10);
            DT_CHECK(fabs(irf.value[(2 * K + i) * K + j] - h2) < 1e-10);
            /* and near the truth */
            DT_CHECK(fabs(irf.value[(0 * K + i) * K + j] - L[i][j]) < 0.1);
            DT_CHECK(fabs(irf.value[(1 * K + i) * K + j] - t1) < 0.1);
            for (int h = 0; h <= 6; h++) {
                size_t c = ((size_t)h * K + (size_t)i) * K + (size_t)j;
                /* with n = 2000 the bootstrap distribution is centred on
                 * the estimate: the estimate lies inside its own band */
                DT_CHECK(irf.lo[c] <= irf.value[c] && irf.value[c] <= irf.hi[c]);
            }
            size_t c1 = (1 * K + (size_t)i) * K + (size_t)j;
            outside += t1 < irf.lo[c1] || t1 > irf.hi[c1];
        }
    /* 9 cells at 95 %: the truth falls outside at most 2 (P ~ 0.008 of 3+
     * under correct coverage) */
    DT_CHECK(outside <= 2);
    /* a shock to the isolated series 1 does not move series 0 at h >= 1:
     * the band covers zero */
    for (int h = 1; h <= 6; h++) {
        size_t c = ((size_t)h * K + 0) * K + 1;
        DT_CHECK(irf.lo[c] <= 0 && irf.hi[c] >= 0);
    }
    /* the fixed seed reproduces the bands; another seed changes them */
    dt_var_irf again, other;
    DT_CHECK_INT(dt_var_irf_compute(&again, v, &o, &err), DT_OK);
    o.seed = 7;
    DT_CHECK_INT(dt_var_irf_compute(&other, v, &o, &err), DT_OK);
    size_t cells = 7 * K * K, diff = 0;
    for (size_t c = 0; c < cells; c++) {
        DT_CHECK(again.lo[c] == irf.lo[c] && again.hi[c] == irf.hi[c]);
        diff += other.lo[c] != irf.lo[c];
    }
    DT_CHECK(diff > 0);
    /* reps 0: no bands */
    dt_var_irf nob;
    o.reps = 0;
    DT_CHECK_INT(dt_var_irf_compute(&nob, v, &o, &err), DT_OK);
    DT_CHECK(nob.lo[5] == nob.value[5] && nob.hi[5] == nob.value[5]);
    dt_var_irf_free(&nob);
    o.level = 1.5;
    DT_CHECK_INT(dt_var_irf_compute(&nob, v, &o, &err), DT_EINVAL);
    dt_var_irf_free(&nob);
    dt_var_irf_free(&irf);
    dt_var_irf_free(&again);
    dt_var_irf_free(&other);
    dt_var_free(v);
}

static void test_degenerate(void)
{
    dt_var *v = NULL;
    dt_error err;
    const char *names[K] = {"USA-CHN", "CHN-PRK", "USA-PRK"};
    /* too few periods: a VAR(2) in 3 series needs 2 + 7 + 3 = 12 */
    DT_CHECK_INT(dt_var_fit(&v, ysim, 11, K, P, names, &err), DT_EINVAL);
    DT_CHECK(v == NULL);
    DT_CHECK(strstr(err.msg, "too few periods") != NULL);
    DT_CHECK_INT(dt_var_fit(&v, ysim, 12, K, P, names, &err), DT_OK);
    dt_var_free(v);
    v = NULL;

    static double y[60 * K];
    memcpy(y, ysim, sizeof y);
    for (int s = 0; s < 60; s++)
        y[s * K + 1] = 3.0;
    DT_CHECK_INT(dt_var_fit(&v, y, 60, K, P, names, &err), DT_EINVAL);
    DT_CHECK(v == NULL);
    DT_CHECK(strstr(err.msg, "CHN-PRK") != NULL && strstr(err.msg, "constant") != NULL);
    dt_var_selection sel;
    DT_CHECK_INT(dt_var_select(&sel, y, 60, K, 4, names, &err), DT_EINVAL);

    /* series 2 = series 0 + series 1 exactly: the regressors are
     * collinear */
    memcpy(y, ysim, sizeof y);
    for (int s = 0; s < 60; s++)
        y[s * K + 2] = y[s * K] + y[s * K + 1];
    DT_CHECK_INT(dt_var_fit(&v, y, 60, K, P, names, &err), DT_EINVAL);
    DT_CHECK(v == NULL);
    DT_CHECK(strstr(err.msg, "collinear") != NULL);

    /* a NaN in the data */
    memcpy(y, ysim, sizeof y);
    y[10 * K] = NAN;
    DT_CHECK_INT(dt_var_fit(&v, y, 60, K, P, names, &err), DT_EINVAL);
    DT_CHECK(strstr(err.msg, "finite") != NULL);

    /* bad arguments */
    DT_CHECK_INT(dt_var_fit(&v, ysim, 100, K, 0, NULL, &err), DT_EINVAL);
    DT_CHECK_INT(dt_var_fit(&v, ysim, 100, 0, 1, NULL, &err), DT_EINVAL);
    DT_CHECK_INT(dt_var_select(&sel, ysim, 100, K, 0, NULL, &err), DT_EINVAL);
}

/* Random small problems, many of them degenerate (near-constant columns,
 * copies, integer counts with many zeros like sparse event series):
 * every call either fails with DT_EINVAL or gives finite numbers. */
static void test_random_small(void)
{
    static double y[60 * 5];
    int fitted = 0, refused = 0;
    for (int trial = 0; trial < 400; trial++) {
        size_t t = 2 + (size_t)(unif() * 58), k = 1 + (size_t)(unif() * 4);
        size_t p = 1 + (size_t)(unif() * 3);
        int kind = trial % 4;
        for (size_t s = 0; s < t; s++)
            for (size_t i = 0; i < k; i++) {
                double g = gauss();
                double v = kind == 0   ? g
                           : kind == 1 ? (g > 1.2 ? floor(3 * g) : 0) /* sparse counts */
                           : kind == 2 ? (i == k - 1 && k > 1 ? y[s * k] * 2 : g)
                                       : 1e6 + 1e-9 * g; /* almost constant */
                y[s * k + i] = v;
            }
        dt_var *v = NULL;
        dt_error err;
        int rc = dt_var_fit(&v, y, t, k, p, NULL, &err);
        DT_CHECK(rc == DT_OK || rc == DT_EINVAL);
        if (rc != DT_OK) {
            DT_CHECK(v == NULL && err.msg[0]);
            refused++;
            continue;
        }
        fitted++;
        int finite = isfinite(v->logdet) && isfinite(v->max_modulus);
        for (size_t c = 0; c < k * v->ncoef; c++)
            finite &= isfinite(v->coef[c]) && isfinite(v->se[c]);
        for (size_t c = 0; c < k * k; c++)
            finite &= isfinite(v->sigma[c]);
        DT_CHECK(finite);
        for (size_t c = 0; c < k; c++)
            for (size_t e = 0; e < k; e++) {
                dt_granger g;
                if (c == e)
                    continue;
                DT_CHECK_INT(dt_var_granger(v, c, e, &g, &err), DT_OK);
                DT_CHECK(g.p_value >= 0 && g.p_value <= 1 && isfinite(g.f));
            }
        dt_var_irf irf;
        dt_var_irf_opts o = {5, 30, 0.9, (uint64_t)trial};
        rc = dt_var_irf_compute(&irf, v, &o, &err);
        DT_CHECK(rc == DT_OK || rc == DT_EINVAL);
        if (rc == DT_OK) {
            int ok = 1;
            for (size_t c = 0; c < 6 * k * k; c++)
                ok &= isfinite(irf.value[c]) && isfinite(irf.lo[c]) && isfinite(irf.hi[c]);
            DT_CHECK(ok);
        }
        dt_var_irf_free(&irf);
        dt_var_free(v);
    }
    /* both branches were exercised */
    DT_CHECK(fitted > 50 && refused > 50);
}

/* Failing allocations give DT_ENOMEM and leak nothing (ASan checks). */
static void test_alloc_failure(void)
{
    for (uint64_t n = 1; n < 40; n++) {
        dt_var *v = NULL;
        dt_error err;
        dt_alloc_fail_after(n);
        int rc = dt_var_fit(&v, ysim, 100, K, P, NULL, &err);
        dt_alloc_fail_after(0);
        DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
        DT_CHECK((rc == DT_OK) == (v != NULL));
        if (v) {
            dt_var_irf irf;
            dt_var_irf_opts o = {4, 20, 0.9, 1};
            dt_alloc_fail_after(n);
            rc = dt_var_irf_compute(&irf, v, &o, &err);
            dt_alloc_fail_after(0);
            DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
            dt_var_irf_free(&irf);
        }
        dt_var_free(v);
    }
}

static double binom(int n, int k)
{
    double r = 1;
    for (int i = 1; i <= k; i++)
        r = r * (n - k + i) / i;
    return r;
}

static void test_betai(void)
{
    const double xs[] = {0.001, 0.05, 0.2, 0.37, 0.5, 0.63, 0.9, 0.999};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        DT_CHECK(fabs(dt_betai(1, 1, x) - x) < 1e-13);
        DT_CHECK(fabs(dt_betai(2.5, 1, x) - pow(x, 2.5)) < 1e-13);
        DT_CHECK(fabs(dt_betai(1, 3.5, x) - (1 - pow(1 - x, 3.5))) < 1e-13);
        DT_CHECK(fabs(dt_betai(0.5, 0.5, x) - 2 / 3.141592653589793 * asin(sqrt(x))) < 1e-12);
        /* integer a, b: a binomial tail */
        double s = 0;
        for (int j = 3; j <= 6; j++)
            s += binom(6, j) * pow(x, j) * pow(1 - x, 6 - j);
        DT_CHECK(fabs(dt_betai(3, 4, x) - s) < 1e-13);
        /* the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) */
        DT_CHECK(fabs(dt_betai(7.3, 2.1, x) + dt_betai(2.1, 7.3, 1 - x) - 1) < 1e-12);
    }
    DT_CHECK(fabs(dt_betai(3.7, 3.7, 0.5) - 0.5) < 1e-13);
    DT_CHECK(fabs(dt_betai(500, 500, 0.5) - 0.5) < 1e-11);
    DT_CHECK(dt_betai(2, 3, 0) == 0 && dt_betai(2, 3, 1) == 1);
    DT_CHECK(isnan(dt_betai(0, 3, 0.5)) && isnan(dt_betai(2, 3, 1.5)));
    DT_CHECK(isnan(dt_betai(2, 3, NAN)));

    /* lngamma against closed forms and against libm (single-threaded) */
    DT_CHECK(fabs(dt_lngamma(1)) < 1e-14 && fabs(dt_lngamma(2)) < 1e-14);
    DT_CHECK(fabs(dt_lngamma(0.5) - 0.5 * log(3.141592653589793)) < 1e-14);
    DT_CHECK(fabs(dt_lngamma(10) - log(362880.0)) < 1e-12);
    for (double x = 0.01; x < 300; x *= 1.37)
        DT_CHECK(fabs(dt_lngamma(x) - lgamma(x)) < 1e-12 * (1 + fabs(lgamma(x))));
    DT_CHECK(isnan(dt_lngamma(0)) && isnan(dt_lngamma(-1)));

    /* F distribution: df1 = 2 has the closed form (1 + 2f/d2)^(-d2/2) */
    for (double f = 0.1; f < 20; f *= 1.7)
        DT_CHECK(fabs(dt_f_sf(f, 2, 17) - pow(1 + 2 * f / 17, -8.5)) < 1e-13);
    /* F(1, 1) is a squared Cauchy: P(F > t^2) = 1 - (2/pi) atan(t) */
    for (double t = 0.1; t < 50; t *= 2.1)
        DT_CHECK(fabs(dt_f_sf(t * t, 1, 1) - (1 - 2 / 3.141592653589793 * atan(t))) < 1e-12);
    /* printed tables: the 5 % point of F(3, 20) is 3.098, the 1 % point
     * of F(5, 40) is 3.514 */
    DT_CHECK(fabs(dt_f_sf(3.098, 3, 20) - 0.05) < 2e-4);
    DT_CHECK(fabs(dt_f_sf(3.514, 5, 40) - 0.01) < 1e-4);
    DT_CHECK(dt_f_sf(0, 3, 20) == 1 && dt_f_sf(-1, 3, 20) == 1);
    DT_CHECK(dt_f_sf(1e9, 3, 20) < 1e-12);
}

int main(void)
{
    simulate(ysim, TT);
    DT_RUN(test_betai);
    DT_RUN(test_estimates);
    DT_RUN(test_lag_selection);
    DT_RUN(test_granger);
    DT_RUN(test_irf);
    DT_RUN(test_degenerate);
    DT_RUN(test_random_small);
    DT_RUN(test_alloc_failure);
    DT_TEST_END();
}
