/* series: calendar periods (ISO weeks at year ends), dense rows, directed
 * and undirected dyads, groups, one-a-day weights, and the writers (the
 * JSON is parsed back with jansson). */
#include "dt_test.h"

#include "detente/ontology.h"
#include "detente/series.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_periods(void)
{
    char l[16];
    DT_CHECK_INT(dt_period_from_name("week"), DT_PERIOD_WEEK);
    DT_CHECK_INT(dt_period_from_name("fortnight"), -1);
    DT_CHECK_STR(dt_period_name(DT_PERIOD_QUARTER), "quarter");
    /* ISO weeks: Monday start, the week belongs to its Thursday's year. */
    DT_CHECK_INT(dt_period_start(20190620, DT_PERIOD_WEEK), 20190617);
    DT_CHECK_STR(dt_period_label(20190617, DT_PERIOD_WEEK, l), "2019-W25");
    DT_CHECK_INT(dt_period_start(20200101, DT_PERIOD_WEEK), 20191230);
    DT_CHECK_STR(dt_period_label(20191230, DT_PERIOD_WEEK, l), "2020-W01");
    DT_CHECK_INT(dt_period_start(20210103, DT_PERIOD_WEEK), 20201228);
    DT_CHECK_STR(dt_period_label(20201228, DT_PERIOD_WEEK, l), "2020-W53");
    DT_CHECK_INT(dt_period_start(20190617, DT_PERIOD_WEEK), 20190617); /* a Monday */
    DT_CHECK_INT(dt_period_start(20190623, DT_PERIOD_WEEK), 20190617); /* its Sunday */
    DT_CHECK_INT(dt_period_next(20191230, DT_PERIOD_WEEK), 20200106);
    DT_CHECK_INT(dt_period_start(20190620, DT_PERIOD_MONTH), 20190601);
    DT_CHECK_INT(dt_period_start(20191120, DT_PERIOD_QUARTER), 20191001);
    DT_CHECK_STR(dt_period_label(20191001, DT_PERIOD_QUARTER, l), "2019-Q4");
    DT_CHECK_INT(dt_period_next(20191001, DT_PERIOD_QUARTER), 20200101);
    DT_CHECK_INT(dt_period_next(20191201, DT_PERIOD_MONTH), 20200101);
    DT_CHECK_INT(dt_period_next(20200228, DT_PERIOD_DAY), 20200229);
    DT_CHECK_INT(dt_period_next(20190228, DT_PERIOD_DAY), 20190301);
    DT_CHECK_STR(dt_period_label(20190601, DT_PERIOD_MONTH, l), "2019-06");
    DT_CHECK_STR(dt_period_label(20190101, DT_PERIOD_YEAR, l), "2019");
    DT_CHECK_STR(dt_period_label(20190617, DT_PERIOD_DAY, l), "2019-06-17");
    /* Labels are written digit by digit; printf's formats are the
     * reference, also for starts that are not dates or before year 0. */
    static const int32_t odd[] = {1, 99, 10101, 99991231,  214748364,  2147483647,
                                  0, -1, -5,    -20190617, -2147483647};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        int32_t st = odd[i];
        int y = st / 10000 % 10000, m = st / 100 % 100, dd = st % 100;
        char want[32];
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
        DT_CHECK_STR(dt_period_label(st, DT_PERIOD_DAY, l), want);
        snprintf(want, sizeof want, "%04d-%02d", y, m);
        DT_CHECK_STR(dt_period_label(st, DT_PERIOD_MONTH, l), want);
        snprintf(want, sizeof want, "%04d-Q%d", y, ((m - 1) / 3 + 1) % 10);
        DT_CHECK_STR(dt_period_label(st, DT_PERIOD_QUARTER, l), want);
        snprintf(want, sizeof want, "%04d", y);
        DT_CHECK_STR(dt_period_label(st, DT_PERIOD_YEAR, l), want);
    }
    DT_CHECK_STR(dt_period_label(10101, DT_PERIOD_WEEK, l), "0001-W01");
    DT_CHECK_INT(dt_period_start(20190230, DT_PERIOD_MONTH), 0);
    DT_CHECK_INT(dt_period_start(0, DT_PERIOD_DAY), 0);
    /* Walking weeks day by day: every start is a Monday 7 days apart. */
    int32_t prev = dt_period_start(20150101, DT_PERIOD_WEEK), d = 20150101;
    int weeks = 0;
    for (int i = 0; i < 3000; i++, d = dt_period_next(d, DT_PERIOD_DAY)) {
        int32_t w = dt_period_start(d, DT_PERIOD_WEEK);
        if (w != prev) {
            DT_CHECK_INT(w, dt_period_next(prev, DT_PERIOD_WEEK));
            prev = w;
            weeks++;
        }
    }
    DT_CHECK(weeks == 428 || weeks == 429);
}

static void test_plover(void)
{
    size_t n = dt_plover_count();
    DT_CHECK(n > 10 && n <= DT_PLOVER_MAX);
    DT_CHECK(dt_plover_index("CONSULT") >= 0);
    DT_CHECK_STR(dt_plover_name((size_t)dt_plover_index("ASSAULT")), "ASSAULT");
    DT_CHECK_INT(dt_plover_index("NOPE"), -1);
    DT_CHECK_INT(dt_plover_index(""), -1);
    /* Every type in the ontology has an index. */
    for (size_t i = 0; i < dt_cameo_count(); i++) {
        const char *t = dt_cameo_at(i)->plover_type;
        if (*t)
            DT_CHECK(dt_plover_index(t) >= 0);
    }
}

static dt_evrec ev(int32_t date, const char *s, const char *t, const char *code, int quad, double g,
                   uint32_t count)
{
    dt_evrec r;
    memset(&r, 0, sizeof r);
    r.date = date;
    r.source = s;
    r.target = t;
    r.code = code;
    r.root = (code[0] - '0') * 10 + code[1] - '0';
    r.quad = quad;
    r.goldstein = g;
    const dt_cameo_entry *e = dt_cameo_lookup(code, strlen(code));
    r.plover = e ? e->plover_type : "";
    r.count = count;
    r.text = r.doc_id = r.pattern = r.dict_file = "";
    return r;
}

static void test_build(void)
{
    dt_evrec r[] = {
        ev(20190620, "CHNGOV", "PRKGOV", "042", 1, 1.9, 1),
        ev(20190605, "USA", "PRK", "163", 4, -8.0, 1),
        ev(20190910, "USAGOV", "PRKGOV", "190", 4, -10.0, 2),
        ev(20190911, "PRK", "USA", "111", 3, -2.0, 1),
        ev(20190912, "PRK", "USA", "057", 1, 8.0, 1),
        ev(0, "USA", "PRK", "042", 1, 1.9, 1),
    };
    size_t n = sizeof r / sizeof r[0];
    dt_series *s = NULL;
    dt_error err;
    const char *usa[] = {"USA"}, *prk[] = {"PRK"};
    dt_series_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.period = DT_PERIOD_MONTH;
    spec.sources = usa;
    spec.nsources = 1;
    spec.targets = prk;
    spec.ntargets = 1;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 4); /* June..September, dense */
        DT_CHECK_INT(s->row[0].start, 20190601);
        DT_CHECK_INT(s->row[0].events, 1);
        DT_CHECK_INT(s->row[1].events, 0);
        DT_CHECK_INT(s->row[2].start, 20190801);
        DT_CHECK_INT(s->row[3].events, 1); /* a one-a-day record counts once */
        DT_CHECK(fabs(s->row[3].confl - 10.0) < 1e-9);
        dt_series_free(s);
    }
    spec.weigh = 1; /* ... or as the 2 events it stands for */
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->row[3].events, 2);
        DT_CHECK_INT(s->row[3].quad[4], 2);
        DT_CHECK_INT(s->row[3].root[19], 2);
        DT_CHECK(fabs(s->row[3].confl - 20.0) < 1e-9);
        DT_CHECK(fabs(s->row[3].net + 20.0) < 1e-9);
        DT_CHECK(fabs(s->row[3].gold_mean + 10.0) < 1e-9);
        DT_CHECK_INT(s->row[3].plover[dt_plover_index("ASSAULT")], 2);
        dt_series_free(s);
    }
    spec.undirected = 1;
    spec.weigh = 1;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 4);
        DT_CHECK_INT(s->row[3].events, 4);
        DT_CHECK(fabs(s->row[3].coop - 8.0) < 1e-9);
        DT_CHECK(fabs(s->row[3].confl - 22.0) < 1e-9);
        DT_CHECK(fabs(s->row[3].net - (8.0 - 22.0)) < 1e-9);
        DT_CHECK(fabs(s->row[3].gold_sum - (-20.0 - 2.0 + 8.0)) < 1e-9);
        dt_series_free(s);
    }
    /* A group of sources, weekly, a fixed range wider than the data. */
    const char *grp[] = {"CHN", "=USA"};
    memset(&spec, 0, sizeof spec);
    spec.period = DT_PERIOD_WEEK;
    spec.sources = grp;
    spec.nsources = 2;
    spec.from = 20190601;
    spec.to = 20190630;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 5); /* weeks of May 27, Jun 3, 10, 17, 24 */
        DT_CHECK_INT(s->row[0].start, 20190527);
        uint32_t tot = 0;
        for (size_t i = 0; i < s->n; i++)
            tot += s->row[i].events;
        DT_CHECK_INT(tot, 2); /* USAGOV is not =USA; September is outside */
        DT_CHECK_INT(s->row[1].events, 1);
        DT_CHECK_INT(s->row[3].events, 1);
        dt_series_free(s);
    }
    /* Nothing matches: empty without from/to. */
    const char *none[] = {"XYZ"};
    memset(&spec, 0, sizeof spec);
    spec.sources = none;
    spec.nsources = 1;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 0);
        dt_series_free(s);
    }
    /* Bad spec. */
    const char *bad[] = {"usa"};
    spec.sources = bad;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_EINVAL);
    DT_CHECK(s == NULL);
    memset(&spec, 0, sizeof spec);
    spec.period = 9;
    DT_CHECK_INT(dt_series_build(&s, r, n, &spec, &err), DT_EINVAL);
    /* Records out of order and a far date: dense and capped. */
    dt_evrec far[] = {ev(20200101, "A", "B", "042", 1, 1, 1),
                      ev(19000101, "A", "B", "042", 1, 1, 1)};
    memset(&spec, 0, sizeof spec);
    spec.period = DT_PERIOD_YEAR;
    DT_CHECK_INT(dt_series_build(&s, far, 2, &spec, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 121);
        DT_CHECK_INT(s->row[0].start, 19000101);
        DT_CHECK_INT(s->row[120].events, 1);
        dt_series_free(s);
    }
    far[1].date = 10101;
    spec.period = DT_PERIOD_DAY;
    DT_CHECK_INT(dt_series_build(&s, far, 2, &spec, &err), DT_ELIMIT);
}

static void test_writers(void)
{
    dt_evrec r[] = {ev(20190620, "CHNGOV", "PRKGOV", "042", 1, 1.9, 1),
                    ev(20190805, "CHN", "PRK", "190", 4, -10.0, 3)};
    dt_series *s = NULL;
    dt_error err;
    dt_series_spec w;
    memset(&w, 0, sizeof w);
    w.period = DT_PERIOD_MONTH;
    w.weigh = 1;
    DT_CHECK_INT(dt_series_build(&s, r, 2, &w, &err), DT_OK);
    if (!s)
        return;
    const char *src[] = {"CHN\"x"};
    dt_series_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.sources = src;
    spec.nsources = 1;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_series_write_json(f, s, &spec, &err), DT_OK);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    DT_CHECK(j != NULL);
    if (j) {
        DT_CHECK_STR(json_string_value(json_object_get(j, "period")), "month");
        DT_CHECK_STR(json_string_value(json_array_get(json_object_get(j, "source"), 0)), "CHN\"x");
        json_t *rows = json_object_get(j, "rows");
        DT_CHECK_INT(json_array_size(rows), 3);
        json_t *aug = json_array_get(rows, 2);
        DT_CHECK_STR(json_string_value(json_object_get(aug, "label")), "2019-08");
        DT_CHECK_STR(json_string_value(json_object_get(aug, "start")), "2019-08-01");
        DT_CHECK_INT(json_integer_value(json_object_get(aug, "events")), 3);
        DT_CHECK_INT(json_integer_value(json_array_get(json_object_get(aug, "quad"), 3)), 3);
        DT_CHECK(fabs(json_number_value(json_object_get(aug, "net")) + 30.0) < 1e-9);
        DT_CHECK_INT(json_integer_value(json_object_get(json_object_get(aug, "roots"), "19")), 3);
        DT_CHECK_INT(json_object_size(json_object_get(json_array_get(rows, 1), "roots")), 0);
        DT_CHECK_INT(json_integer_value(json_object_get(json_object_get(aug, "plover"), "ASSAULT")),
                     3);
        json_decref(j);
    }
    free(buf);
    f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_series_write_tsv(f, s, &err), DT_OK);
    fclose(f);
    /* Header + 3 rows; every line has the same number of columns. */
    int lines = 0, cols = -1, ok = 1;
    for (char *p = buf; *p;) {
        char *nl = strchr(p, '\n');
        int c = 1;
        for (char *q = p; q < nl; q++)
            c += *q == '\t';
        if (cols < 0)
            cols = c;
        ok &= c == cols;
        lines++;
        p = nl + 1;
    }
    DT_CHECK_INT(lines, 4);
    DT_CHECK(ok);
    DT_CHECK_INT(cols, 12 + 20 + (int)dt_plover_count());
    DT_CHECK(strncmp(buf, "start\tlabel\tevents\tquad1", 24) == 0);
    DT_CHECK(strstr(buf, "\n2019-08-01\t2019-08\t3\t0\t0\t0\t3\t-30\t-10\t0\t30\t-30\t") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_series_write_csv(f, s, &err), DT_OK);
    fclose(f);
    DT_CHECK(strstr(buf, "\r\n2019-07-01,2019-07,0,") != NULL);
    free(buf);
    dt_series_free(s);
}

int main(void)
{
    DT_RUN(test_periods);
    DT_RUN(test_plover);
    DT_RUN(test_build);
    DT_RUN(test_writers);
    DT_TEST_END();
}
