/* Change-point detectors on synthetic series with known changes (a fixed
 * seed makes every run identical). */
#include "dt_test.h"

#include "detente/changepoint.h"

#include <math.h>
#include <stdint.h>

/* xorshift64* and Box-Muller: a reproducible Gaussian stream. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
    rng_state = s * 0x9E3779B97F4A7C15ull + 1;
}

static double rng_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t v = rng_state * 2685821657736338717ull;
    return ((double)(v >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_gauss(void)
{
    double u = rng_uniform(), v = rng_uniform();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

typedef int (*detector)(const double *, size_t, const dt_cp_opts *, dt_changepoint **, size_t *,
                        dt_error *);

static const detector detectors[] = {dt_cusum_detect, dt_bocpd_detect};
static const char *const names[] = {"cusum", "bocpd"};

/* Series of n values: level a before `at`, level b from it, noise sd 1. */
static void step_series(double *x, size_t n, size_t at, double a, double b, uint64_t seed)
{
    rng_seed(seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (i < at ? a : b) + rng_gauss();
}

static void test_step_found_within_k(void)
{
    enum { N = 60, AT = 30, K = 2 };
    double x[N];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        for (int dir = -1; dir <= 1; dir += 2) {
            step_series(x, N, AT, 0.0, 3.0 * dir, seed);
            for (size_t d = 0; d < 2; d++) {
                dt_changepoint *cp = NULL;
                size_t n = 0;
                DT_CHECK_INT(detectors[d](x, N, NULL, &cp, &n, NULL), DT_OK);
                if (n != 1)
                    fprintf(stderr, "%s seed %d dir %d: %zu change points\n", names[d], (int)seed,
                            dir, n);
                DT_CHECK_INT(n, 1);
                if (n >= 1) {
                    long off = (long)cp[0].index - AT;
                    DT_CHECK(off >= -K && off <= K);
                    DT_CHECK_INT(cp[0].direction, dir);
                    DT_CHECK(fabs(cp[0].magnitude - 3.0 * dir) < 1.0);
                    DT_CHECK_STR(dt_cp_method_name(cp[0].method), names[d]);
                    DT_CHECK(cp[0].alarm >= cp[0].index);
                    /* Found quickly, not only at the end of the series. */
                    DT_CHECK(cp[0].alarm <= AT + 8);
                }
                dt_free(cp);
            }
        }
    }
}

/* Over many seeds: detection power for 3- and 2-sigma steps, the delay of
 * the alarm, and the share of stationary runs with any alarm: the
 * properties the defaults were chosen for (docs/stability.md prints these
 * figures). */
static void test_rates_over_seeds(void)
{
    enum { N = 60, RUNS = 400 };
    double x[N];
    for (size_t d = 0; d < 2; d++) {
        int hits[2] = {0, 0}, alarmed = 0;
        double delay = 0;
        for (uint64_t seed = 1; seed <= RUNS; seed++) {
            for (int sh = 0; sh < 2; sh++) {
                dt_changepoint *cp = NULL;
                size_t n = 0;
                step_series(x, N, N / 2, 0.0, sh ? 2.0 : 3.0, seed);
                DT_CHECK_INT(detectors[d](x, N, NULL, &cp, &n, NULL), DT_OK);
                for (size_t i = 0; i < n; i++)
                    if (cp[i].index + 2 >= N / 2 && cp[i].index <= N / 2 + 2 &&
                        cp[i].direction > 0) {
                        hits[sh]++;
                        if (!sh)
                            delay += (double)cp[i].alarm - N / 2;
                        break;
                    }
                dt_free(cp);
            }
            dt_changepoint *cp = NULL;
            size_t n = 0;
            step_series(x, N, N, 0.0, 0.0, seed + 100000);
            DT_CHECK_INT(detectors[d](x, N, NULL, &cp, &n, NULL), DT_OK);
            alarmed += n > 0;
            dt_free(cp);
        }
        fprintf(stderr,
                "%s (n=%d, %d runs): 3-sigma step found within 2 periods %.1f%% (mean delay "
                "%.1f), 2-sigma %.1f%%; stationary runs with an alarm %.1f%%\n",
                names[d], N, RUNS, 100.0 * hits[0] / RUNS, hits[0] ? delay / hits[0] : 0.0,
                100.0 * hits[1] / RUNS, 100.0 * alarmed / RUNS);
        DT_CHECK(hits[0] >= RUNS * 9 / 10);
        DT_CHECK(hits[1] >= RUNS / 2);
        DT_CHECK(alarmed <= RUNS / 20);
    }
}

static void test_two_changes(void)
{
    enum { N = 80 };
    double x[N];
    rng_seed(42);
    for (size_t i = 0; i < N; i++)
        x[i] = (i >= 25 && i < 55 ? -4.0 : 0.0) + rng_gauss();
    for (size_t d = 0; d < 2; d++) {
        dt_changepoint *cp = NULL;
        size_t n = 0;
        DT_CHECK_INT(detectors[d](x, N, NULL, &cp, &n, NULL), DT_OK);
        DT_CHECK_INT(n, 2);
        if (n == 2) {
            DT_CHECK(cp[0].index >= 23 && cp[0].index <= 27);
            DT_CHECK_INT(cp[0].direction, -1);
            DT_CHECK(cp[1].index >= 53 && cp[1].index <= 57);
            DT_CHECK_INT(cp[1].direction, 1);
        }
        dt_free(cp);
    }
}

static void test_stationary_has_none(void)
{
    enum { N = 120 };
    double x[N];
    for (uint64_t seed = 100; seed < 110; seed++) {
        rng_seed(seed);
        for (size_t i = 0; i < N; i++)
            x[i] = 5.0 + 2.0 * rng_gauss();
        for (size_t d = 0; d < 2; d++) {
            dt_changepoint *cp = NULL;
            size_t n = 0;
            DT_CHECK_INT(detectors[d](x, N, NULL, &cp, &n, NULL), DT_OK);
            if (n)
                fprintf(stderr, "%s seed %d: false alarm at %zu\n", names[d], (int)seed,
                        cp[0].index);
            DT_CHECK_INT(n, 0);
            dt_free(cp);
        }
    }
}

/* A smaller threshold h makes CUSUM more eager: the option is used. */
static void test_cusum_threshold_matters(void)
{
    enum { N = 60 };
    double x[N];
    step_series(x, N, 30, 0.0, 1.0, 7);
    dt_changepoint *cp = NULL;
    size_t strict = 0, eager = 0;
    dt_cp_opts o = {.cusum_h = 50.0};
    DT_CHECK_INT(dt_cusum_detect(x, N, &o, &cp, &strict, NULL), DT_OK);
    dt_free(cp);
    o.cusum_h = 1.0;
    DT_CHECK_INT(dt_cusum_detect(x, N, &o, &cp, &eager, NULL), DT_OK);
    dt_free(cp);
    DT_CHECK_INT(strict, 0);
    DT_CHECK(eager > 0);
}

static void test_degenerate_inputs(void)
{
    double flat[20];
    for (size_t i = 0; i < 20; i++)
        flat[i] = 2.5;
    double bad[6] = {1, 2, NAN, 3, 4, 5};
    for (size_t d = 0; d < 2; d++) {
        dt_changepoint *cp = (dt_changepoint *)1;
        size_t n = 99;
        DT_CHECK_INT(detectors[d](flat, 20, NULL, &cp, &n, NULL), DT_OK);
        DT_CHECK_INT(n, 0);
        DT_CHECK(cp == NULL);
        DT_CHECK_INT(detectors[d](flat, 0, NULL, &cp, &n, NULL), DT_OK);
        DT_CHECK_INT(n, 0);
        dt_error err;
        DT_CHECK_INT(detectors[d](bad, 6, NULL, &cp, &n, &err), DT_EINVAL);
        DT_CHECK(strstr(err.msg, "value 2") != NULL);
        dt_cp_opts o = {.hazard = 1.5};
        DT_CHECK_INT(detectors[d](flat, 20, &o, &cp, &n, NULL), DT_EINVAL);
    }
    DT_CHECK(dt_cp_robust_sigma(flat, 20) == 0.0);
    DT_CHECK(dt_cp_robust_sigma(flat, 1) == 0.0);
}

/* The noise scale ignores a level shift: a 10-sigma step barely moves it. */
static void test_robust_sigma(void)
{
    enum { N = 200 };
    double x[N];
    step_series(x, N, 100, 0.0, 10.0, 3);
    double s = dt_cp_robust_sigma(x, N);
    DT_CHECK(s > 0.8 && s < 1.25);
    /* Sparse series (mostly zeros): still a positive scale. */
    double sp[40] = {0};
    sp[10] = 5;
    sp[30] = -3;
    DT_CHECK(dt_cp_robust_sigma(sp, 40) > 0.0);
}

static void test_alloc_failure(void)
{
    enum { N = 60 };
    double x[N];
    step_series(x, N, 30, 0.0, 3.0, 9);
    for (size_t d = 0; d < 2; d++) {
        for (uint64_t k = 1; k < 12; k++) {
            dt_changepoint *cp = NULL;
            size_t n = 0;
            dt_alloc_fail_after(k);
            int rc = detectors[d](x, N, NULL, &cp, &n, NULL);
            dt_alloc_fail_after(0);
            DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
            if (rc == DT_ENOMEM)
                DT_CHECK(cp == NULL && n == 0);
            dt_free(cp);
        }
    }
}

int main(void)
{
    DT_RUN(test_step_found_within_k);
    DT_RUN(test_rates_over_seeds);
    DT_RUN(test_two_changes);
    DT_RUN(test_stationary_has_none);
    DT_RUN(test_cusum_threshold_matters);
    DT_RUN(test_degenerate_inputs);
    DT_RUN(test_robust_sigma);
    DT_RUN(test_alloc_failure);
    DT_TEST_END();
}
