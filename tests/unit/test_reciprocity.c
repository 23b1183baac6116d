/* reciprocity.h: dyad series built from a synthetic event stream whose
 * monthly Goldstein sums follow a known VAR(1), then the VAR's verdict on
 * who responds to whom, the JSON shape of /api/reciprocity, and errors. */
#include "dt_test.h"

#include "detente/reciprocity.h"
#include "detente/series.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>

#define T 240 /* months: 2000-01 .. 2019-12 */
#define K 3

/* The truth: PRK->USA answers USA->PRK a month later (0.6); USA->PRK does
 * not answer PRK->USA; CHN->PRK is on its own. */
static double truth[T][K];

static uint64_t rs = 88172645463325252ULL;
static double unif(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return ((double)(rs >> 11) + 0.5) * 0x1.0p-53;
}
static double gauss(void)
{
    double u = unif(), v = unif();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static const char *const SRC[K] = {"USAGOV", "PRKGOV", "CHNGOV"};
static const char *const TGT[K] = {"PRKGOV", "USA", "PRKMIL"};

static void add(dt_evset *s, int32_t date, const char *src, const char *tgt, double g)
{
    static int64_t id;
    dt_evrec r;
    memset(&r, 0, sizeof r);
    r.id = ++id;
    r.date = date;
    r.source = src;
    r.target = tgt;
    r.code = g >= 0 ? "042" : "112";
    r.root = g >= 0 ? 4 : 11;
    r.quad = g >= 0 ? 1 : 3;
    r.goldstein = g;
    r.plover = "";
    r.doc_id = "synthetic";
    r.count = 1;
    r.text = r.pattern = r.dict_file = "";
    DT_CHECK_INT(dt_evset_add(s, &r), DT_OK);
}

static dt_evset *make_events(void)
{
    double prev[K] = {0, 0, 0};
    for (int t = -50; t < T; t++) {
        double cur[K];
        cur[0] = 0.5 * prev[0] + 3 * gauss();
        cur[1] = 0.6 * prev[0] + 0.2 * prev[1] + 3 * gauss();
        cur[2] = 0.4 * prev[2] + 3 * gauss();
        for (int i = 0; i < K; i++) {
            prev[i] = cur[i];
            if (t >= 0)
                truth[t][i] = cur[i];
        }
    }
    dt_evset *s = NULL;
    DT_CHECK_INT(dt_evset_new(&s), DT_OK);
    if (!s)
        return NULL;
    /* Each month's value is split over two events on different days, so
     * the series must sum within the month to recover it. */
    for (int t = 0; t < T; t++) {
        int32_t month = (2000 + t / 12) * 10000 + (t % 12 + 1) * 100;
        for (int i = 0; i < K; i++) {
            add(s, month + 3, SRC[i], TGT[i], truth[t][i] * 0.25);
            add(s, month + 17, SRC[i], TGT[i], truth[t][i] * 0.75);
        }
        /* noise the dyads must not pick up: other dyads, reversed ones */
        add(s, month + 9, "JPNGOV", "USA", 5.0 * (t % 3));
        add(s, month + 9, "PRKMIL", "CHN", -2.0 * (t % 5));
    }
    add(s, 0, "USAGOV", "PRKGOV", 100); /* undated: ignored */
    return s;
}

static const char *DYADS = "USA-PRK,PRK-USA,CHN-PRK";

static void test_run(const dt_evset *s)
{
    dt_recip *res = NULL;
    dt_error err;
    dt_recip_opts o;
    dt_recip_opts_init(&o);
    o.reps = 200;
    int rc = dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err);
    DT_CHECK_INT(rc, DT_OK);
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    DT_CHECK_INT(res->k, K);
    DT_CHECK_STR(res->dyad[1], "PRK-USA");
    DT_CHECK_STR(res->source[2], "CHN");
    DT_CHECK_STR(res->target[2], "PRK");
    DT_CHECK_INT(res->t, T);
    DT_CHECK_INT(res->start[0], 20000101);
    DT_CHECK_INT(res->start[T - 1], 20191201);
    int exact = 1;
    for (int t = 0; t < T; t++)
        for (int i = 0; i < K; i++) {
            exact &= fabs(res->y[t * K + i] - truth[t][i]) < 1e-9;
            exact &= res->events[t * K + i] == 2;
        }
    DT_CHECK(exact);
    DT_CHECK_INT(res->chosen_by, DT_VAR_BIC);
    DT_CHECK_INT(res->opts.lags, 1);
    DT_CHECK(res->var->stable);
    DT_CHECK(fabs(dt_var_a(res->var, 1, 1, 0) - 0.6) < 0.15);
    DT_CHECK_INT(res->ngranger, K * (K - 1));
    /* at the 0.1 % level: the one true link, and none of the others */
    for (size_t g = 0; g < res->ngranger; g++) {
        const dt_granger *gr = &res->granger[g];
        if (gr->cause == 0 && gr->effect == 1)
            DT_CHECK(gr->p_value < 0.001);
        else
            DT_CHECK(gr->p_value > 0.001);
    }
    /* PRK->USA rises after a USA->PRK shock: band above 0 at horizon 1 */
    size_t c = (1 * K + 1) * K + 0;
    DT_CHECK(res->irf.value[c] > 0 && res->irf.lo[c] > 0);
    /* nothing flows from CHN-PRK to USA-PRK: band covers 0 at h >= 1 */
    for (size_t h = 1; h <= res->irf.horizon; h++) {
        size_t d = (h * K + 0) * K + 2;
        DT_CHECK(res->irf.lo[d] <= 0 && res->irf.hi[d] >= 0);
    }

    /* JSON: the /api/reciprocity shape */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    DT_CHECK(f != NULL);
    if (!f) {
        dt_reciprocity_free(res);
        return;
    }
    DT_CHECK_INT(dt_reciprocity_write_json(f, res, &err), DT_OK);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    DT_CHECK(j != NULL);
    if (j) {
        DT_CHECK_STR(json_string_value(json_object_get(j, "period")), "month");
        DT_CHECK_STR(json_string_value(json_object_get(j, "from")), "2000-01-01");
        DT_CHECK_STR(json_string_value(json_object_get(j, "to")), "2019-12-01");
        DT_CHECK_INT(json_integer_value(json_object_get(j, "lags")), 1);
        DT_CHECK_INT(json_array_size(json_object_get(j, "dyads")), K);
        json_t *sel = json_object_get(j, "selection");
        DT_CHECK_STR(json_string_value(json_object_get(sel, "chosen")), "bic");
        DT_CHECK_INT(json_array_size(json_object_get(sel, "aic")), 4);
        DT_CHECK_INT(json_array_size(json_object_get(sel, "bic")), 4);
        json_t *gr = json_object_get(j, "granger");
        DT_CHECK_INT(json_array_size(gr), 6);
        json_t *g0 = json_array_get(gr, 0);
        DT_CHECK_STR(json_string_value(json_object_get(g0, "cause")), "USA-PRK");
        DT_CHECK_STR(json_string_value(json_object_get(g0, "effect")), "PRK-USA");
        DT_CHECK(json_real_value(json_object_get(g0, "p")) < 0.001);
        DT_CHECK_INT(json_integer_value(json_object_get(g0, "df1")), 1);
        json_t *irf = json_object_get(j, "irf");
        DT_CHECK_INT(json_array_size(irf), K * K);
        json_t *i1 = json_array_get(irf, 1); /* impulse 0 -> response 1 */
        DT_CHECK_STR(json_string_value(json_object_get(i1, "impulse")), "USA-PRK");
        DT_CHECK_STR(json_string_value(json_object_get(i1, "response")), "PRK-USA");
        DT_CHECK_INT(json_array_size(json_object_get(i1, "horizon")), 13);
        DT_CHECK_INT(json_array_size(json_object_get(i1, "value")), 13);
        DT_CHECK_INT(json_array_size(json_object_get(i1, "lo")), 13);
        DT_CHECK(fabs(json_number_value(json_array_get(json_object_get(i1, "value"), 1)) -
                      res->irf.value[c]) < 1e-4 * (1 + fabs(res->irf.value[c])));
        json_decref(j);
    }
    free(buf);

    /* text and TSV reports name the dyads */
    buf = NULL;
    f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_reciprocity_write_text(f, res, &err), DT_OK);
    DT_CHECK_INT(dt_reciprocity_write_tsv(f, res, &err), DT_OK);
    fclose(f);
    DT_CHECK(strstr(buf, "Granger") != NULL);
    DT_CHECK(strstr(buf, "cause\teffect\tf\tdf1\tdf2\tp\nUSA-PRK\tPRK-USA\t") != NULL);
    DT_CHECK(strstr(buf, "using 1 lags (by BIC)") != NULL);
    free(buf);
    dt_reciprocity_free(res);

    /* fixed lags, another criterion, quarterly */
    o.lags = 2;
    o.reps = 0;
    o.period = DT_PERIOD_QUARTER;
    DT_CHECK_INT(dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err), DT_OK);
    if (res) {
        DT_CHECK_INT(res->t, T / 3);
        DT_CHECK_INT(res->chosen_by, -1);
        DT_CHECK_INT(res->var->p, 2);
        DT_CHECK(fabs(res->y[0] - (truth[0][0] + truth[1][0] + truth[2][0])) < 1e-9);
    }
    dt_reciprocity_free(res);
}

static void test_errors(const dt_evset *s)
{
    dt_recip *res = NULL;
    dt_error err;
    dt_recip_opts o;
    dt_recip_opts_init(&o);
    o.reps = 0;
    const struct {
        const char *dyads;
        const char *msg;
    } bad[] = {
        {"USA-PRK", "at least 2"},
        {"USA-PRK,", "empty dyad"},
        {"USA-PRK,USAPRK", "not SOURCE-TARGET"},
        {"USA-PRK,-PRK", "not SOURCE-TARGET"},
        {"USA-PRK, USA-PRK ", "twice"},
        {"RUS-JPN,JPN-RUS", "no events"},
        {"USA-PRK,KOR-JPN", "KOR-JPN is constant"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = dt_reciprocity_run(&res, s->rec, s->n, bad[i].dyads, &o, &err);
        DT_CHECK_INT(rc, DT_EINVAL);
        DT_CHECK(res == NULL);
        if (!strstr(err.msg, bad[i].msg)) {
            fprintf(stderr, "  %s: message '%s' lacks '%s'\n", bad[i].dyads, err.msg, bad[i].msg);
            DT_CHECK(0);
        }
    }
    /* six months cannot hold a VAR in three series */
    o.from = 20050101;
    o.to = 20050630;
    DT_CHECK_INT(dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err), DT_EINVAL);
    DT_CHECK(strstr(err.msg, "too few periods") != NULL);
    o.from = 20050101;
    o.to = 20040101;
    DT_CHECK_INT(dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err), DT_EINVAL);
    dt_recip_opts_init(&o);
    o.max_lags = 0;
    DT_CHECK_INT(dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err), DT_EINVAL);
    DT_CHECK(res == NULL);
}

static void test_alloc_failure(const dt_evset *s)
{
    dt_recip_opts o;
    dt_recip_opts_init(&o);
    o.reps = 5;
    o.horizon = 3;
    for (uint64_t n = 1; n < 200; n += 3) {
        dt_recip *res = NULL;
        dt_error err;
        dt_alloc_fail_after(n);
        int rc = dt_reciprocity_run(&res, s->rec, s->n, DYADS, &o, &err);
        dt_alloc_fail_after(0);
        DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
        DT_CHECK((rc == DT_OK) == (res != NULL));
        dt_reciprocity_free(res);
    }
}

int main(void)
{
    dt_evset *s = make_events();
    if (!s)
        return 1;
    dt_test_current = "test_run";
    test_run(s);
    dt_test_current = "test_errors";
    test_errors(s);
    dt_test_current = "test_alloc_failure";
    test_alloc_failure(s);
    dt_evset_free(s);
    DT_TEST_END();
}
