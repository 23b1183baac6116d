/* detente analyze — SVG line and stacked-bar charts (chart.h).
 *
 * Written straight to the stream with fprintf: an SVG chart is a few
 * hundred elements, and a DOM library would add nothing but a dependency.
 * The one thing that needs care is text: every label goes through
 * put_text, which escapes XML and repairs what XML 1.0 cannot hold. */
#include "detente/chart.h"

#include "detente/series.h"

#include <math.h>
#include <string.h>

static const char *const PALETTE[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
#define NPAL (sizeof PALETTE / sizeof PALETTE[0])
#define MAX_SERIES 32

/* Escape s for XML text and attributes. Invalid UTF-8 bytes become '?';
 * C0 controls other than tab/newline are dropped (XML 1.0 forbids them). */
static void put_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char c = *p;
        if (c < 0x80) {
            switch (c) {
            case '&':
                fputs("&amp;", f);
                break;
            case '<':
                fputs("&lt;", f);
                break;
            case '>':
                fputs("&gt;", f);
                break;
            case '"':
                fputs("&quot;", f);
                break;
            case '\'':
                fputs("&apos;", f);
                break;
            default:
                if (c >= 0x20 || c == '\t' || c == '\n')
                    fputc(c, f);
            }
            p++;
            continue;
        }
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        size_t k = 1;
        while (len && k < len && (p[k] & 0xC0) == 0x80)
            k++;
        int ok = len && k == len;
        /* No overlong forms, no surrogates, nothing above U+10FFFF. */
        if (ok && len == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
            ok = 0;
        if (ok && len == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
            ok = 0;
        if (ok) {
            fwrite(p, 1, len, f);
            p += len;
        } else {
            fputc('?', f);
            p++;
        }
    }
}

void dt_chart_ticks(double lo, double hi, int max_ticks, double *first, double *step, int *count)
{
    if (max_ticks < 2)
        max_ticks = 2;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.5 : 1.0;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / max_ticks;
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    double s = norm <= 1.0 ? 1.0 : norm <= 2.0 ? 2.0 : norm <= 5.0 ? 5.0 : 10.0;
    s *= mag;
    double f0 = floor(lo / s) * s;
    int n = (int)ceil((hi - f0) / s - 1e-9) + 1;
    if (n < 2)
        n = 2;
    *first = f0;
    *step = s;
    *count = n;
}

/* The frame shared by both kinds: scales and the drawing of axes. */
typedef struct frame {
    FILE *f;
    int w, h;
    double left, right, top, bottom; /* plot area edges in pixels */
    double x0, x1;                   /* day numbers at the edges */
    double y0, y1;                   /* values at the edges (bottom, top) */
    double ystep;
    int yticks;
} frame;

static double day_number(int32_t d)
{
    if (d >= 0 && d < 10000) /* DT_CHART_X_INDEX: a plain index, not a date */
        return d;
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    y -= m <= 2;
    double era = floor(y / 400.0);
    double yoe = y - era * 400;
    double doy = floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5.0) + dd - 1;
    double doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
}

static double px(const frame *fr, double day)
{
    if (fr->x1 == fr->x0)
        return (fr->left + fr->right) / 2;
    return fr->left + (day - fr->x0) / (fr->x1 - fr->x0) * (fr->right - fr->left);
}

static double py(const frame *fr, double v)
{
    return fr->bottom - (v - fr->y0) / (fr->y1 - fr->y0) * (fr->bottom - fr->top);
}

static void fmt_tick(char *buf, size_t cap, double v, double step)
{
    if (fabs(v) < step * 1e-9)
        v = 0.0;
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 6)
        dec = 6;
    snprintf(buf, cap, "%.*f", dec, v);
}

static void begin(frame *fr, int legend_rows, const char *title)
{
    FILE *f = fr->f;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
            fr->w, fr->h, fr->w, fr->h, fr->w, fr->h);
    if (title && *title) {
        fprintf(f,
                "<text class=\"title\" x=\"%d\" y=\"20\" text-anchor=\"middle\" "
                "font-size=\"15\" font-weight=\"bold\">",
                fr->w / 2);
        put_text(f, title);
        fputs("</text>\n", f);
    }
    fr->left = 70;
    fr->right = fr->w - 20;
    fr->top = 34 + 18.0 * legend_rows;
    fr->bottom = fr->h - 48;
}

static void legend(frame *fr, const char *const *labels, const char *const *colors, size_t n,
                   int per_row)
{
    FILE *f = fr->f;
    fputs("<g class=\"legend\">\n", f);
    double colw = (fr->right - fr->left) / per_row;
    for (size_t i = 0; i < n; i++) {
        double x = fr->left + colw * (double)(i % (size_t)per_row);
        double y = 32 + 18.0 * (double)(i / (size_t)per_row);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>", x, y - 9,
                colors[i]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x + 16, y);
        put_text(f, labels[i]);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
}

static void axes(frame *fr, const int32_t *x, size_t n, int period, const char *xlabel,
                 const char *ylabel)
{
    FILE *f = fr->f;
    fputs("<g class=\"axis\" stroke=\"#333333\">\n", f);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr->left, fr->bottom,
            fr->right, fr->bottom);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", fr->left, fr->top,
            fr->left, fr->bottom);
    fputs("</g>\n", f);
    /* y ticks with light grid lines; the zero line darker, since the sign
     * is what a reader of net cooperation looks for. */
    for (int i = 0; i < fr->yticks; i++) {
        double v = fr->y0 + fr->ystep * i;
        double y = py(fr, v);
        char lab[32];
        fmt_tick(lab, sizeof lab, v, fr->ystep);
        int zero = fabs(v) < fr->ystep * 1e-9;
        fprintf(f,
                "<g class=\"tick\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text></g>\n",
                fr->left, y, fr->right, y, zero ? "#888888" : "#e5e5e5", fr->left - 6, y + 4, lab);
    }
    /* x ticks: at most ~8 period labels, evenly picked. */
    if (n) {
        double avail = fr->right - fr->left;
        size_t maxt = (size_t)(avail / 90);
        if (maxt < 2)
            maxt = 2;
        size_t every = (n + maxt - 1) / maxt;
        if (every < 1)
            every = 1;
        for (size_t i = 0; i < n; i += every) {
            char lab[16];
            double xx = px(fr, day_number(x[i]));
            fprintf(f,
                    "<g class=\"tick\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#333333\"/><text x=\"%.1f\" y=\"%.1f\" "
                    "text-anchor=\"middle\">%s</text></g>\n",
                    xx, fr->bottom, xx, fr->bottom + 5, xx, fr->bottom + 18,
                    period == DT_CHART_X_INDEX ? (snprintf(lab, sizeof lab, "%d", (int)x[i]), lab)
                                               : dt_period_label(x[i], period, lab));
        }
    }
    if (xlabel && *xlabel) {
        fprintf(f, "<text class=\"axis-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                (fr->left + fr->right) / 2, fr->h - 8);
        put_text(f, xlabel);
        fputs("</text>\n", f);
    }
    if (ylabel && *ylabel) {
        double cy = (fr->top + fr->bottom) / 2;
        fprintf(f,
                "<text class=\"axis-label\" x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                "transform=\"rotate(-90 16 %.1f)\">",
                cy, cy);
        put_text(f, ylabel);
        fputs("</text>\n", f);
    }
}

static int check_common(const int32_t *x, size_t n, int w, int h, dt_error *err)
{
    if (n && !x)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "chart: no x values");
    if ((w && w < 200) || (h && h < 120))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "chart: %d x %d is below the smallest size (200 x 120)", w, h);
    for (size_t i = 1; i < n; i++)
        if (x[i] <= x[i - 1])
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                                "chart: dates are not ascending at point %zu", i);
    return DT_OK;
}

static void no_data(frame *fr)
{
    fprintf(fr->f,
            "<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
            "fill=\"#888888\">no data</text>\n",
            (fr->left + fr->right) / 2, (fr->top + fr->bottom) / 2);
}

static int end(frame *fr, dt_error *err)
{
    fputs("</svg>\n", fr->f);
    if (ferror(fr->f))
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "chart: write error");
    return DT_OK;
}

static void set_x_range(frame *fr, const int32_t *x, size_t n)
{
    fr->x0 = n ? day_number(x[0]) : 0;
    fr->x1 = n ? day_number(x[n - 1]) : 1;
}

static void set_y_range(frame *fr, double lo, double hi)
{
    double first, step;
    int count;
    dt_chart_ticks(lo, hi, 6, &first, &step, &count);
    fr->y0 = first;
    fr->ystep = step;
    fr->yticks = count;
    fr->y1 = first + step * (count - 1);
}

int dt_chart_line_svg(FILE *f, const dt_chart *c, dt_error *err)
{
    int rc = check_common(c->x, c->n, c->width, c->height, err);
    if (rc < 0)
        return rc;
    if (c->nlines > MAX_SERIES)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "chart: more than %d lines",
                            MAX_SERIES);
    for (size_t k = 0; k < c->nlines; k++)
        if (c->n && !c->lines[k].y)
            return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "chart: line %zu has no y", k);
    frame fr;
    memset(&fr, 0, sizeof fr);
    fr.f = f;
    fr.w = c->width ? c->width : 800;
    fr.h = c->height ? c->height : 400;
    const char *labels[MAX_SERIES], *colors[MAX_SERIES];
    for (size_t k = 0; k < c->nlines; k++) {
        labels[k] = c->lines[k].label ? c->lines[k].label : "";
        colors[k] = c->lines[k].color ? c->lines[k].color : PALETTE[k % NPAL];
    }
    int per_row = fr.w >= 600 ? 4 : 2;
    int rows = c->nlines ? (int)((c->nlines + (size_t)per_row - 1) / (size_t)per_row) : 0;
    begin(&fr, rows, c->title);
    legend(&fr, labels, colors, c->nlines, per_row);

    double lo = 0, hi = 0; /* zero always shows: the sign matters */
    for (size_t k = 0; k < c->nlines; k++)
        for (size_t i = 0; i < c->n; i++) {
            const double *arr[3] = {c->lines[k].y,
                                    c->lines[k].lo && c->lines[k].hi ? c->lines[k].lo : NULL,
                                    c->lines[k].lo && c->lines[k].hi ? c->lines[k].hi : NULL};
            for (int a = 0; a < 3; a++)
                if (arr[a] && isfinite(arr[a][i])) {
                    lo = fmin(lo, arr[a][i]);
                    hi = fmax(hi, arr[a][i]);
                }
        }
    set_x_range(&fr, c->x, c->n);
    set_y_range(&fr, lo, hi);
    axes(&fr, c->x, c->n, c->period, c->xlabel, c->ylabel);
    if (!c->n)
        no_data(&fr);

    for (size_t k = 0; k < c->nlines && c->n; k++) {
        const dt_chart_line *l = &c->lines[k];
        if (!l->lo || !l->hi)
            continue;
        /* A band is one closed path per run of finite points. */
        size_t i = 0;
        while (i < c->n) {
            while (i < c->n && !(isfinite(l->lo[i]) && isfinite(l->hi[i])))
                i++;
            size_t j = i;
            while (j < c->n && isfinite(l->lo[j]) && isfinite(l->hi[j]))
                j++;
            if (j > i) {
                fprintf(
                    f,
                    "<path class=\"band\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" d=\"",
                    colors[k]);
                for (size_t m = i; m < j; m++)
                    fprintf(f, "%s%.2f %.2f ", m == i ? "M" : "L", px(&fr, day_number(c->x[m])),
                            py(&fr, l->hi[m]));
                for (size_t m = j; m-- > i;)
                    fprintf(f, "L%.2f %.2f ", px(&fr, day_number(c->x[m])), py(&fr, l->lo[m]));
                fputs("Z\"/>\n", f);
            }
            i = j;
        }
    }
    for (size_t k = 0; k < c->nlines && c->n; k++) {
        const dt_chart_line *l = &c->lines[k];
        fprintf(f, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
                colors[k]);
        int pen = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (!isfinite(l->y[i])) {
                pen = 0;
                continue;
            }
            fprintf(f, "%s%.2f %.2f ", pen ? "L" : "M", px(&fr, day_number(c->x[i])),
                    py(&fr, l->y[i]));
            pen = 1;
        }
        fputs("\"><title>", f);
        put_text(f, labels[k]);
        fputs("</title></path>\n", f);
        if (c->n <= 200)
            for (size_t i = 0; i < c->n; i++)
                if (isfinite(l->y[i]))
                    fprintf(
                        f,
                        "<circle class=\"point\" cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>\n",
                        px(&fr, day_number(c->x[i])), py(&fr, l->y[i]), colors[k]);
    }
    for (size_t m = 0; m < c->nmarkers && c->n; m++) {
        const dt_chart_marker *mk = &c->markers[m];
        if (!mk->date || mk->date < c->x[0] || mk->date > c->x[c->n - 1])
            continue;
        double xx = px(&fr, day_number(mk->date));
        fprintf(f,
                "<g class=\"marker\"><line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
                "stroke=\"#555555\" stroke-dasharray=\"4 3\"/>",
                xx, fr.top, xx, fr.bottom);
        fprintf(f, "<text x=\"%.2f\" y=\"%.1f\" font-size=\"11\" fill=\"#555555\">", xx + 3,
                fr.top + 12 + 12.0 * (double)(m % 3));
        put_text(f, mk->label);
        fputs("</text></g>\n", f);
    }
    return end(&fr, err);
}

int dt_chart_bars_svg(FILE *f, const dt_chart_bars *c, dt_error *err)
{
    int rc = check_common(c->x, c->n, c->width, c->height, err);
    if (rc < 0)
        return rc;
    if (c->nstack > MAX_SERIES || (c->n && (!c->values || !c->nstack)))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "chart: stacked bars need 1 to %d parts and values", MAX_SERIES);
    frame fr;
    memset(&fr, 0, sizeof fr);
    fr.f = f;
    fr.w = c->width ? c->width : 800;
    fr.h = c->height ? c->height : 400;
    const char *labels[MAX_SERIES], *colors[MAX_SERIES];
    /* Quad classes read best as blue/green for cooperation and
     * orange/red for conflict; other stacks take the palette. */
    static const char *const QUAD[] = {"#4c78a8", "#54a24b", "#f58518", "#e45756"};
    for (size_t k = 0; k < c->nstack; k++) {
        labels[k] = c->stack_labels && c->stack_labels[k] ? c->stack_labels[k] : "";
        colors[k] = c->colors && c->colors[k] ? c->colors[k]
                    : c->nstack == 4          ? QUAD[k]
                                              : PALETTE[k % NPAL];
    }
    int per_row = fr.w >= 600 ? 4 : 2;
    int rows = c->nstack ? (int)((c->nstack + (size_t)per_row - 1) / (size_t)per_row) : 0;
    begin(&fr, rows, c->title);
    legend(&fr, labels, colors, c->nstack, per_row);
    double hi = 0;
    for (size_t i = 0; i < c->n; i++) {
        double sum = 0;
        for (size_t k = 0; k < c->nstack; k++) {
            double v = c->values[i * c->nstack + k];
            if (isfinite(v) && v > 0)
                sum += v;
        }
        hi = fmax(hi, sum);
    }
    if (hi == 0)
        hi = 1;
    /* Bars are centred on their period's date; half a slot of room on
     * each side keeps the first and last bars inside the plot. */
    double slot = c->n ? (fr.right - fr.left) / (double)c->n : 1;
    set_y_range(&fr, 0, hi);
    fr.x0 = c->n ? day_number(c->x[0]) : 0;
    fr.x1 = c->n ? day_number(c->x[c->n - 1]) : 1;
    double inner_l = fr.left + slot / 2, inner_r = fr.right - slot / 2;
    frame plot = fr;
    plot.left = inner_l;
    plot.right = inner_r;
    axes(&plot, c->x, c->n, c->period, c->xlabel, c->ylabel);
    if (!c->n)
        no_data(&fr);
    double bw = slot * 0.8;
    for (size_t i = 0; i < c->n; i++) {
        double xc = c->n == 1 ? (fr.left + fr.right) / 2 : px(&plot, day_number(c->x[i]));
        double base = 0;
        for (size_t k = 0; k < c->nstack; k++) {
            double v = c->values[i * c->nstack + k];
            if (!isfinite(v) || v <= 0)
                continue;
            double ytop = py(&fr, base + v), ybot = py(&fr, base);
            fprintf(f,
                    "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                    "fill=\"%s\"><title>",
                    xc - bw / 2, ytop, bw, ybot - ytop, colors[k]);
            put_text(f, labels[k]);
            fprintf(f, ": %g</title></rect>\n", v);
            base += v;
        }
    }
    return end(&fr, err);
}
