/* Stability index and region files, on synthetic event streams with known
 * properties (fixed seeds; nothing here depends on the demo corpus). */
#include "dt_test.h"

#include "detente/series.h"
#include "detente/stability.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

/* ---- synthetic streams -------------------------------------------------- */

static uint64_t rng_state;
static void rng_seed(uint64_t s)
{
    rng_state = s * 0x9E3779B97F4A7C15ull + 1;
}
static uint32_t rng_u32(uint32_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

enum { MAXEV = 4000 };
static dt_evrec ev[MAXEV];
static size_t nev;

static void add(int32_t date, const char *src, const char *tgt, double g, int quad)
{
    if (nev == MAXEV)
        return;
    dt_evrec *e = &ev[nev];
    memset(e, 0, sizeof *e);
    e->id = (int64_t)nev + 1;
    e->date = date;
    e->source = src;
    e->target = tgt;
    e->code = "";
    e->goldstein = g;
    e->quad = quad;
    e->plover = "";
    e->doc_id = "";
    e->text = "";
    e->pattern = "";
    e->dict_file = "";
    e->count = 1;
    nev++;
}

static int32_t month_date(int m, int day)
{
    return (2017 + m / 12) * 10000 + (m % 12 + 1) * 100 + day;
}

/* A mixed month: mostly cooperative (regime +1) or mostly conflictual
 * (regime -1) events among the given dyads. */
static void month_events(int m, int regime, int k, const char *const *dy, size_t ndy)
{
    static const double coop_g[] = {1.9, 3.0, 6.0, 4.0, -2.0};
    static const int coop_q[] = {1, 1, 2, 1, 3};
    static const double confl_g[] = {-4.4, -10.0, -5.0, -6.5, 1.9};
    static const int confl_q[] = {3, 4, 3, 4, 1};
    for (int i = 0; i < k; i++) {
        size_t d = rng_u32((uint32_t)ndy);
        uint32_t c = rng_u32(5);
        int day = 1 + (int)rng_u32(28);
        if (regime > 0)
            add(month_date(m, day), dy[2 * d], dy[2 * d + 1], coop_g[c], coop_q[c]);
        else
            add(month_date(m, day), dy[2 * d], dy[2 * d + 1], confl_g[c], confl_q[c]);
    }
}

static const char *const dyads[] = {"USAGOV", "PRKGOV", "PRKGOV", "USAGOV", "CHNGOV", "PRKGOV",
                                    "KORGOV", "PRKGOV", "PRKMIL", "KORMIL", "USA",    "CHN"};
#define NDYADS (sizeof dyads / sizeof dyads[0] / 2)

static const char region_text[] = "# test region\n"
                                  "region test\n"
                                  "actors PRK KOR USA   # the peninsula\n"
                                  "actors CHN\n"
                                  "\n"
                                  "weight USA-PRK 2\n"
                                  "weight CHN>PRK 0.5\n"
                                  "period month\n";

static dt_region *region(void)
{
    dt_region *r = NULL;
    dt_error err;
    int rc = dt_region_parse(&r, region_text, sizeof region_text - 1, "test.txt", &err);
    DT_CHECK_INT(rc, DT_OK);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    return r;
}

static int index_cp_near(const dt_stability *s, int method, size_t row, size_t k, int dir)
{
    for (size_t i = 0; i < s->ncps; i++) {
        const dt_stability_cp *c = &s->cps[i];
        if (!c->is_dyad && c->method == method && c->direction == dir && c->row + k >= row &&
            c->row <= row + k)
            return (int)i;
    }
    return -1;
}

/* ---- region files ------------------------------------------------------- */

static void test_region_parse(void)
{
    dt_region *r = region();
    if (!r)
        return;
    DT_CHECK_STR(r->name, "test");
    DT_CHECK_INT(r->nactors, 4);
    DT_CHECK_STR(r->actors[0], "PRK");
    DT_CHECK_STR(r->actors[3], "CHN");
    DT_CHECK_INT(r->period, DT_PERIOD_MONTH);
    size_t n = r->nactors;
    DT_CHECK(r->weight[2 * n + 0] == 2.0); /* USA->PRK */
    DT_CHECK(r->weight[0 * n + 2] == 2.0); /* PRK->USA: undirected */
    DT_CHECK(r->weight[3 * n + 0] == 0.5); /* CHN->PRK */
    DT_CHECK(r->weight[0 * n + 3] == 1.0); /* PRK->CHN: directed only */
    DT_CHECK(r->weight[1 * n + 2] == 1.0);
    DT_CHECK_INT(dt_region_actor(r, "PRKMIL"), 0);
    DT_CHECK_INT(dt_region_actor(r, "CHNGOV"), 3);
    DT_CHECK_INT(dt_region_actor(r, "FRA"), -1);
    DT_CHECK_INT(dt_region_actor(r, ""), -1);
    dt_region_free(r);
}

static void test_region_errors(void)
{
    static const struct {
        const char *text;
        unsigned line;
        const char *why;
    } bad[] = {
        {"region a\nactors PRK KOR\nfoo bar\n", 3, "unknown keyword 'foo'"},
        {"actors PRK KOR\n", 0, "no 'region NAME' line"},
        {"region a\nregion b\nactors PRK KOR\n", 2, "second 'region'"},
        {"region a b\nactors PRK KOR\n", 1, "one name"},
        {"region a/b\nactors PRK KOR\n", 1, "region name"},
        {"region a\n\nactors PRK\n", 3, "at least two actors"},
        {"region a\nactors PRK KOR PRK\n", 2, "listed twice"},
        {"region a\nactors PRK K*R[\n", 2, "bad actor pattern"},
        {"region a\nactors PRK KOR\nweight PRK-USA 2\n", 3, "'USA' is not a listed actor"},
        {"region a\nactors PRK KOR\nweight PRK-KOR -1\n", 3, "not a number >= 0"},
        {"region a\nactors PRK KOR\nweight PRK-KOR 1e999\n", 3, "not a number >= 0"},
        {"region a\nactors PRK KOR\nweight PRKKOR 1\n", 3, "write A-B"},
        {"region a\nactors PRK KOR\nweight PRK-PRK 1\n", 3, "itself"},
        {"region a\nactors PRK KOR\nweight PRK-KOR 1\nactors USA\n", 4, "list the actors first"},
        {"region a\nactors PRK KOR\nperiod fortnight\n", 3, "unknown period 'fortnight'"},
        {"region a\nactors PRK KOR\nperiod month\nperiod year\n", 4, "second 'period'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dt_region *r = (dt_region *)1;
        dt_error err;
        int rc = dt_region_parse(&r, bad[i].text, strlen(bad[i].text), "bad.txt", &err);
        DT_CHECK_INT(rc, DT_EFORMAT);
        DT_CHECK(r == NULL);
        DT_CHECK_INT(err.line, bad[i].line);
        DT_CHECK_STR(err.file, "bad.txt");
        if (!strstr(err.msg, bad[i].why)) {
            fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err.msg, bad[i].why);
            DT_CHECK(0);
        }
        char buf[600];
        dt_error_format(&err, buf, sizeof buf);
        if (bad[i].line) {
            char pre[32];
            snprintf(pre, sizeof pre, "bad.txt:%u: ", bad[i].line);
            DT_CHECK(strncmp(buf, pre, strlen(pre)) == 0);
        }
    }
}

static void test_region_load(void)
{
    char path[] = "/tmp/dt_region_XXXXXX";
    int fd = mkstemp(path);
    DT_CHECK(fd >= 0);
    if (fd < 0)
        return;
    DT_CHECK(write(fd, region_text, sizeof region_text - 1) == (ssize_t)(sizeof region_text - 1));
    close(fd);
    dt_region *r = NULL;
    dt_error err;
    DT_CHECK_INT(dt_region_load(&r, path, &err), DT_OK);
    DT_CHECK(r && r->nactors == 4);
    dt_region_free(r);
    unlink(path);
    DT_CHECK_INT(dt_region_load(&r, path, &err), DT_EIO);
    DT_CHECK_STR(err.file, path);
}

/* ---- the index ------------------------------------------------------------ */

static void test_conflict_burst_lowers_index(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    rng_seed(11);
    for (int m = 0; m < 30; m++)
        month_events(m, 1, 10, dyads, NDYADS);
    /* Months 12-14: PRK shells KOR, much material conflict. */
    for (int m = 12; m < 15; m++)
        for (int d = 1; d <= 12; d++)
            add(month_date(m, d), "PRKMIL", "KORMIL", -10.0, 4);
    dt_stability *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, NULL, &err), DT_OK);
    if (!s) {
        dt_region_free(reg);
        return;
    }
    DT_CHECK_INT(s->nrows, 30);
    DT_CHECK_INT(s->rows[0].start, 20170101);
    double calm = 0, burst = 0;
    for (size_t t = 3; t < 12; t++)
        calm += s->rows[t].index / 9.0;
    for (size_t t = 12; t < 15; t++) {
        burst += s->rows[t].index / 3.0;
        DT_CHECK(s->rows[t].material_conflict_share > 0.4);
        DT_CHECK(s->rows[t].index >= -1.0 && s->rows[t].index <= 1.0);
    }
    DT_CHECK(calm > 0.3);
    DT_CHECK(burst < calm - 0.4);
    for (size_t t = 0; t < s->nrows; t++)
        DT_CHECK(s->rows[t].balance >= -1.0 && s->rows[t].balance <= 1.0);
    /* Both detectors see the drop, and name PRK->KOR as what drove it,
     * with the shelling events as evidence. */
    int methods[2] = {DT_CP_CUSUM, DT_CP_BOCPD};
    for (int m = 0; m < 2; m++) {
        int i = index_cp_near(s, methods[m], 12, 1, -1);
        DT_CHECK(i >= 0);
        if (i < 0)
            continue;
        const dt_stability_cp *c = &s->cps[i];
        DT_CHECK(c->ndrivers >= 1);
        if (c->ndrivers) {
            DT_CHECK_STR(s->actors[c->drivers[0].source], "PRK");
            DT_CHECK_STR(s->actors[c->drivers[0].target], "KOR");
            DT_CHECK(c->drivers[0].delta < 0);
            DT_CHECK(c->drivers[0].nevent_ids >= 1);
            for (size_t e = 0; e < c->drivers[0].nevent_ids; e++) {
                const dt_evrec *r = &ev[c->drivers[0].event_ids[e] - 1];
                DT_CHECK(r->goldstein < 0);
                DT_CHECK_STR(r->source, "PRKMIL");
            }
        }
    }
    dt_stability_free(s);
    dt_region_free(reg);
}

static void test_step_change_found(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        nev = 0;
        rng_seed(seed);
        for (int m = 0; m < 40; m++)
            month_events(m, m < 20 ? 1 : -1, 12, dyads, NDYADS);
        dt_stability *s = NULL;
        DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, NULL, NULL), DT_OK);
        if (!s)
            continue;
        DT_CHECK(index_cp_near(s, DT_CP_CUSUM, 20, 2, -1) >= 0);
        DT_CHECK(index_cp_near(s, DT_CP_BOCPD, 20, 2, -1) >= 0);
        /* The busiest dyad flips too, and its own series says so. */
        int dyad_found = 0;
        for (size_t i = 0; i < s->ncps; i++)
            if (s->cps[i].is_dyad && s->cps[i].direction < 0 && s->cps[i].row + 3 >= 20 &&
                s->cps[i].row <= 23)
                dyad_found = 1;
        DT_CHECK(dyad_found);
        dt_stability_free(s);
    }
    dt_region_free(reg);
}

static void test_stationary_no_changes(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    rng_seed(2024);
    for (int m = 0; m < 48; m++)
        month_events(m, 1, 12, dyads, NDYADS);
    dt_stability *s = NULL;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, NULL, NULL), DT_OK);
    if (s) {
        for (size_t i = 0; i < s->ncps; i++)
            if (!s->cps[i].is_dyad) {
                fprintf(stderr, "false index change at row %zu (%s)\n", s->cps[i].row,
                        dt_cp_method_name(s->cps[i].method));
                DT_CHECK(0);
            }
    }
    dt_stability_free(s);
    dt_region_free(reg);
}

/* Events spread over more than 20,000 periods (one stray date in a
 * store) are refused with a message instead of feeding a change-point
 * detector whose cost grows with the square of the rows. */
static void test_period_bound(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    add(10000115, "USAGOV", "PRKGOV", 3.0, 1);  /* January 1000 */
    add(27000115, "PRKGOV", "USAGOV", -4.0, 3); /* January 2700: 20,401 months */
    dt_stability_opts o;
    dt_stability_opts_init(&o);
    o.period = DT_PERIOD_MONTH;
    dt_stability *s = NULL;
    dt_error err;
    dt_error_clear(&err);
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, &o, &err), DT_ELIMIT);
    DT_CHECK(s == NULL);
    DT_CHECK(strstr(err.msg, "more than 20000 periods") != NULL);
    dt_stability_free(s);
    dt_region_free(reg);
}

/* Only events between two different region actors count, weighted. */
static void test_region_filter_and_weights(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    add(20190610, "USAGOV", "PRKGOV", 3.0, 1);  /* weight 2 */
    add(20190611, "KORGOV", "KORMIL", -9.0, 4); /* same actor: out */
    add(20190612, "FRA", "PRK", -9.0, 4);       /* not in region: out */
    add(20190613, "PRK", "", -9.0, 4);          /* no target: out */
    add(20190614, "CHN", "PRK", 4.0, 1);        /* weight 0.5 */
    add(20190615, "PRK", "CHN", -1.0, 3);       /* weight 1 (directed) */
    add(0, "USA", "PRK", -9.0, 4);              /* no date: out */
    add(20190901, "KOR", "USA", 1.0, 1);        /* two months later */
    dt_stability_opts o;
    dt_stability_opts_init(&o);
    o.shrink = 0;
    dt_stability *s = NULL;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, &o, NULL), DT_OK);
    if (s) {
        DT_CHECK_INT(s->nrows, 4); /* June to September, dense */
        DT_CHECK_INT(s->rows[0].events, 3);
        DT_CHECK(fabs(s->rows[0].coop - (2 * 3.0 + 0.5 * 4.0)) < 1e-9);
        DT_CHECK(fabs(s->rows[0].confl - 1.0) < 1e-9);
        DT_CHECK(fabs(s->rows[0].balance - 7.0 / 9.0) < 1e-9);
        DT_CHECK(s->rows[0].material_conflict_share == 0.0);
        /* July and August are empty: B and M carried, no events. */
        DT_CHECK_INT(s->rows[1].events, 0);
        DT_CHECK(s->rows[1].balance == s->rows[0].balance);
        DT_CHECK_INT(s->rows[3].events, 1);
        DT_CHECK(s->dyad_net[(2 * 4 + 0) * s->nrows + 0] == 6.0);
        dt_stability_free(s);
    }
    /* A period from the region file, a range from the options. */
    o.period = DT_PERIOD_QUARTER;
    o.from = 20190101;
    o.to = 20191231;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, &o, NULL), DT_OK);
    if (s) {
        DT_CHECK_INT(s->nrows, 4);
        DT_CHECK_INT(s->rows[1].start, 20190401);
        DT_CHECK_INT(s->rows[1].events, 3);
        DT_CHECK_INT(s->rows[0].events, 0);
        dt_stability_free(s);
    }
    o.w_balance = o.w_material = o.w_volatility = 0;
    dt_error err;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, &o, &err), DT_EINVAL);
    DT_CHECK(s == NULL);
    dt_region_free(reg);
}

static void test_writers(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    rng_seed(5);
    for (int m = 0; m < 24; m++)
        month_events(m, m < 12 ? 1 : -1, 10, dyads, NDYADS);
    dt_stability *s = NULL;
    DT_CHECK_INT(dt_stability_compute(&s, reg, ev, nev, NULL, NULL), DT_OK);
    if (!s) {
        dt_region_free(reg);
        return;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_stability_write_json(f, s, NULL), DT_OK);
    fclose(f);
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    DT_CHECK(j != NULL);
    if (j) {
        DT_CHECK_STR(json_string_value(json_object_get(j, "region")), "test");
        DT_CHECK_STR(json_string_value(json_object_get(j, "period")), "month");
        DT_CHECK_INT(json_array_size(json_object_get(j, "actors")), 4);
        json_t *rows = json_object_get(j, "rows");
        DT_CHECK_INT(json_array_size(rows), 24);
        json_t *r0 = json_array_get(rows, 0);
        DT_CHECK_STR(json_string_value(json_object_get(r0, "start")), "2017-01-01");
        DT_CHECK_STR(json_string_value(json_object_get(r0, "label")), "2017-01");
        DT_CHECK(json_is_number(json_object_get(r0, "index")));
        DT_CHECK(json_is_integer(json_object_get(r0, "events")));
        json_t *cps = json_object_get(j, "change_points");
        size_t nidx = 0;
        for (size_t i = 0; i < s->ncps; i++)
            nidx += !s->cps[i].is_dyad;
        DT_CHECK_INT(json_array_size(cps), nidx);
        json_t *dcps = json_object_get(j, "dyad_change_points");
        DT_CHECK_INT(json_array_size(dcps), s->ncps - nidx);
        DT_CHECK(nidx < s->ncps);
        const char *dser = json_string_value(json_object_get(json_array_get(dcps, 0), "series"));
        DT_CHECK(dser && strlen(dser) == 7 && dser[3] == '-');
        DT_CHECK(s->ncps > 0);
        DT_CHECK_STR(json_string_value(json_object_get(json_array_get(cps, 0), "series")), "index");
        /* The regime change at 2018-01 is there, with its drivers. */
        int found = 0;
        for (size_t i = 0; i < json_array_size(cps); i++) {
            json_t *c = json_array_get(cps, i);
            const char *lab = json_string_value(json_object_get(c, "label"));
            const char *dir = json_string_value(json_object_get(c, "direction"));
            const char *ser = json_string_value(json_object_get(c, "series"));
            json_t *drv = json_object_get(c, "drivers");
            if (lab && dir && ser && !strcmp(lab, "2018-01") && !strcmp(dir, "down") &&
                !strcmp(ser, "index") && json_array_size(drv) > 0) {
                found = 1;
                json_t *d0 = json_array_get(drv, 0);
                DT_CHECK(json_is_string(json_object_get(d0, "source")));
                DT_CHECK(json_number_value(json_object_get(d0, "delta")) < 0);
                DT_CHECK(json_is_array(json_object_get(d0, "event_ids")));
            }
        }
        DT_CHECK(found);
        json_decref(j);
    }
    free(buf);
    f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_stability_write_tsv(f, s, NULL), DT_OK);
    fclose(f);
    DT_CHECK(strncmp(buf, "label\tstart\tevents\tindex\t", 25) == 0);
    DT_CHECK(strstr(buf, "\n2017-01\t2017-01-01\t") != NULL);
    DT_CHECK(strstr(buf, "\n\nlabel\tseries\tdirection\t") != NULL);
    free(buf);
    dt_stability_free(s);
    dt_region_free(reg);
}

static void test_alloc_failure(void)
{
    dt_region *reg = region();
    if (!reg)
        return;
    nev = 0;
    rng_seed(8);
    for (int m = 0; m < 24; m++)
        month_events(m, m < 12 ? 1 : -1, 6, dyads, NDYADS);
    for (uint64_t k = 1; k < 400; k++) {
        dt_stability *s = NULL;
        dt_region *r2 = NULL;
        dt_alloc_fail_after(k);
        int rc = dt_stability_compute(&s, reg, ev, nev, NULL, NULL);
        int rc2 = dt_region_parse(&r2, region_text, sizeof region_text - 1, "t", NULL);
        dt_alloc_fail_after(0);
        DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
        DT_CHECK(rc2 == DT_OK || rc2 == DT_ENOMEM);
        DT_CHECK((rc == DT_OK) == (s != NULL));
        dt_stability_free(s);
        dt_region_free(r2);
    }
    dt_region_free(reg);
}

int main(void)
{
    DT_RUN(test_region_parse);
    DT_RUN(test_region_errors);
    DT_RUN(test_region_load);
    DT_RUN(test_conflict_burst_lowers_index);
    DT_RUN(test_step_change_found);
    DT_RUN(test_stationary_no_changes);
    DT_RUN(test_period_bound);
    DT_RUN(test_region_filter_and_weights);
    DT_RUN(test_writers);
    DT_RUN(test_alloc_failure);
    DT_TEST_END();
}
