/* chart: the SVG is parsed back with libxml2 and its structure checked
 * (paths, points, bands, markers, bars, legend entries, escaped labels),
 * plus the nice-tick rule and the input checks. */
#include "dt_test.h"

#include "detente/chart.h"
#include "detente/series.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static xmlDocPtr render_line(const dt_chart *c, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dt_error err;
    *rc = dt_chart_line_svg(f, c, &err);
    fclose(f);
    xmlDocPtr d = xmlReadMemory(buf, (int)len, "chart.svg", NULL, XML_PARSE_NONET);
    free(buf);
    return d;
}

static xmlDocPtr render_bars(const dt_chart_bars *c, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dt_error err;
    *rc = dt_chart_bars_svg(f, c, &err);
    fclose(f);
    xmlDocPtr d = xmlReadMemory(buf, (int)len, "bars.svg", NULL, XML_PARSE_NONET);
    free(buf);
    return d;
}

static double xpath_num(xmlDocPtr d, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    double v = o ? xmlXPathCastToNumber(o) : NAN;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

static char *xpath_str(xmlDocPtr d, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    char *v = o ? (char *)xmlXPathCastToString(o) : NULL;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

/* Number of "M" and "L" commands in a path's d. */
static int path_points(xmlDocPtr d, int k)
{
    char expr[128];
    snprintf(expr, sizeof expr, "string((//s:path[@class='series'])[%d]/@d)", k);
    char *s = xpath_str(d, expr);
    int n = 0;
    for (char *p = s; p && *p; p++)
        n += *p == 'M' || *p == 'L';
    xmlFree(s);
    return n;
}

static void test_ticks(void)
{
    double first, step;
    int n;
    dt_chart_ticks(-23.5, 41, 6, &first, &step, &n);
    DT_CHECK(fabs(step - 20) < 1e-9);
    DT_CHECK(fabs(first + 40) < 1e-9);
    DT_CHECK_INT(n, 6); /* -40 -20 0 20 40 60 */
    DT_CHECK(first + step * (n - 1) >= 41 - 1e-9);
    dt_chart_ticks(0, 0.37, 5, &first, &step, &n);
    DT_CHECK(fabs(step - 0.1) < 1e-12);
    DT_CHECK(first + step * (n - 1) >= 0.37 - 1e-9);
    dt_chart_ticks(5, 5, 5, &first, &step, &n);
    DT_CHECK(n >= 2 && first <= 5 && first + step * (n - 1) >= 5);
    for (double hi = 0.7; hi < 1e6; hi *= 3.3) {
        dt_chart_ticks(0, hi, 6, &first, &step, &n);
        double m = step / pow(10, floor(log10(step) + 1e-12));
        DT_CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
        DT_CHECK(first <= 0 && first + step * (n - 1) >= hi - 1e-9);
        DT_CHECK(n <= 8);
    }
}

static void test_lines(void)
{
    int32_t x[12];
    double a[12], b[12], lo[12], hi[12];
    int32_t d = 20190101;
    for (int i = 0; i < 12; i++) {
        x[i] = d;
        d = dt_period_next(d, DT_PERIOD_MONTH);
        a[i] = sin(i) * 10;
        b[i] = i * 2.5 - 7;
        lo[i] = a[i] - 2;
        hi[i] = a[i] + 2;
    }
    b[5] = NAN; /* a gap: the second path has 11 points in two runs */
    dt_chart_line lines[2] = {{"net <coop> & \"conflict\"", a, lo, hi, NULL},
                              {"PRK\xff->USA", b, NULL, NULL, "#000000"}};
    dt_chart_marker mk[3] = {{20190615, "change \xe2\x86\x91 up"},
                             {20190301, "another"},
                             {20210101, "outside the range"}};
    dt_chart c;
    memset(&c, 0, sizeof c);
    c.title = "Korea & <friends>";
    c.ylabel = "Goldstein";
    c.xlabel = "month";
    c.x = x;
    c.n = 12;
    c.period = DT_PERIOD_MONTH;
    c.lines = lines;
    c.nlines = 2;
    c.markers = mk;
    c.nmarkers = 3;
    int rc;
    xmlDocPtr doc = render_line(&c, &rc);
    DT_CHECK_INT(rc, DT_OK);
    DT_CHECK(doc != NULL); /* well-formed despite the labels */
    if (!doc)
        return;
    DT_CHECK_INT((int)xpath_num(doc, "count(/s:svg)"), 1);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:path[@class='series'])"), 2);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:path[@class='band'])"), 1);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:circle[@class='point'])"), 23);
    DT_CHECK_INT(path_points(doc, 1), 12);
    DT_CHECK_INT(path_points(doc, 2), 11);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:g[@class='marker'])"), 2);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:g[@class='legend']/s:text)"), 2);
    char *t = xpath_str(doc, "string(//s:text[@class='title'])");
    DT_CHECK_STR(t, "Korea & <friends>");
    xmlFree(t);
    t = xpath_str(doc, "string(//s:g[@class='legend']/s:text[1])");
    DT_CHECK_STR(t, "net <coop> & \"conflict\"");
    xmlFree(t);
    t = xpath_str(doc, "string(//s:g[@class='legend']/s:text[2])");
    DT_CHECK_STR(t, "PRK?->USA");
    xmlFree(t);
    t = xpath_str(doc, "string(//s:g[@class='marker'][1]/s:text)");
    DT_CHECK_STR(t, "change \xe2\x86\x91 up");
    xmlFree(t);
    /* Ticks: a zero line, labels of months. */
    DT_CHECK((int)xpath_num(doc, "count(//s:g[@class='tick']/s:text[.='0'])") == 1);
    DT_CHECK((int)xpath_num(doc, "count(//s:g[@class='tick']/s:text[.='2019-01'])") == 1);
    /* Every point lies inside the drawing. */
    DT_CHECK(xpath_num(doc, "count(//s:circle[@cx < 0 or @cx > 800 or @cy < 0 or @cy > 400])") ==
             0);
    xmlFreeDoc(doc);

    /* No data: still a document, with the message. */
    c.n = 0;
    doc = render_line(&c, &rc);
    DT_CHECK_INT(rc, DT_OK);
    DT_CHECK(doc && xpath_num(doc, "count(//s:text[@class='no-data'])") == 1);
    xmlFreeDoc(doc);

    /* Input checks. */
    c.n = 12;
    x[3] = x[2];
    dt_error err;
    FILE *f = fopen("/dev/null", "w");
    DT_CHECK_INT(dt_chart_line_svg(f, &c, &err), DT_EINVAL);
    x[3] = 20190401;
    c.width = 50;
    DT_CHECK_INT(dt_chart_line_svg(f, &c, &err), DT_EINVAL);
    fclose(f);
}

static void test_bars(void)
{
    int32_t x[6];
    double v[6 * 4];
    int nonzero = 0;
    for (int i = 0; i < 6; i++) {
        x[i] = 20180101 + i * 10000;
        for (int k = 0; k < 4; k++) {
            v[i * 4 + k] = (i + k) % 3 ? i * k + 1 : 0;
            nonzero += v[i * 4 + k] > 0;
        }
    }
    v[5] = -3; /* negative counts as nothing */
    nonzero -= 1;
    const char *names[] = {"verbal cooperation", "material cooperation", "verbal conflict",
                           "material <conflict>"};
    dt_chart_bars c;
    memset(&c, 0, sizeof c);
    c.title = "quads";
    c.x = x;
    c.n = 6;
    c.period = DT_PERIOD_YEAR;
    c.stack_labels = names;
    c.nstack = 4;
    c.values = v;
    int rc;
    xmlDocPtr doc = render_bars(&c, &rc);
    DT_CHECK_INT(rc, DT_OK);
    DT_CHECK(doc != NULL);
    if (!doc)
        return;
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:rect[@class='bar'])"), nonzero);
    DT_CHECK_INT((int)xpath_num(doc, "count(//s:g[@class='legend']/s:rect)"), 4);
    DT_CHECK(xpath_num(doc, "count(//s:rect[@class='bar'][@height < 0])") == 0);
    DT_CHECK(xpath_num(doc, "count(//s:rect[@class='bar'][@x < 0 or @x > 800])") == 0);
    DT_CHECK((int)xpath_num(doc, "count(//s:g[@class='tick']/s:text[.='2018'])") == 1);
    xmlFreeDoc(doc);
}

int main(void)
{
    DT_RUN(test_ticks);
    DT_RUN(test_lines);
    DT_RUN(test_bars);
    xmlCleanupParser();
    DT_TEST_END();
}
