/* detente — chart: SVG charts of time series for reports and the CLI.
 *
 * Two kinds, both with dates on the x axis (one point or bar per period,
 * see series.h), labelled axes with "nice" ticks (1, 2, 5 x 10^k), a title
 * and a legend:
 *
 *   dt_chart_line_svg   several lines, optional shaded bands (confidence
 *                       intervals) and vertical markers with labels
 *                       (change points)
 *   dt_chart_bars_svg   stacked bars (quad classes per period)
 *
 * The output is a standalone SVG 1.1 document (UTF-8). Every text is
 * XML-escaped; invalid UTF-8 bytes become '?' and control characters are
 * dropped, so any label gives well-formed XML. Elements carry classes for
 * styling and tests: "series" (a line's path), "point" (its circles, drawn
 * when n <= 200), "band", "marker" (a group of line and label), "bar",
 * "legend", "title", "axis", "tick".
 *
 * All functions are pure apart from writing to f; reentrant. Inputs are
 * borrowed for the duration of the call.
 */
#ifndef DETENTE_CHART_H
#define DETENTE_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One line: y[0..n) aligned with the chart's x. A NaN or infinite y is a
 * gap (the path is broken there). lo/hi, when both non-NULL, are the
 * lower and upper edges of a shaded band drawn under the line (the same
 * gaps rule). color NULL = the next colour of the built-in palette. */
typedef struct dt_chart_line {
    const char *label;
    const double *y;
    const double *lo, *hi;
    const char *color; /* CSS colour ("#1f77b4"); NULL = palette */
} dt_chart_line;

/* A vertical line at a date with a label (e.g. a change point). Markers
 * outside the x range are left out. */
typedef struct dt_chart_marker {
    int32_t date; /* yyyymmdd */
    const char *label;
} dt_chart_marker;

/* dt_chart.period for an x axis of plain indices 0..9999 (e.g. the
 * horizons of impulse responses) instead of dates; ticks show the numbers. */
#define DT_CHART_X_INDEX (-1)

typedef struct dt_chart {
    const char *title, *xlabel, *ylabel; /* NULL = none */
    const int32_t *x;                    /* n dates (yyyymmdd), ascending */
    size_t n;
    int period; /* DT_PERIOD_* (series.h) for the tick labels */
    const dt_chart_line *lines;
    size_t nlines;
    const dt_chart_marker *markers;
    size_t nmarkers;
    int width, height; /* pixels; 0 = 800 x 400 */
} dt_chart;

/* Stacked bars: values[i * nstack + k] is part k of bar i (negative values
 * count as 0). */
typedef struct dt_chart_bars {
    const char *title, *xlabel, *ylabel;
    const int32_t *x;
    size_t n;
    int period;
    const char *const *stack_labels; /* nstack legend labels */
    size_t nstack;
    const double *values;
    const char *const *colors; /* nstack CSS colours; NULL = palette */
    int width, height;
} dt_chart_bars;

/* Write the chart as SVG to f. n == 0 gives an empty plot with the title
 * and "no data". Returns DT_OK, DT_EINVAL (NULL x or y with n > 0, nlines
 * or nstack above 32, a size below 200 x 120, or x not ascending; err
 * says which) or DT_EIO (f has an error after writing). */
int dt_chart_line_svg(FILE *f, const dt_chart *c, dt_error *err);
int dt_chart_bars_svg(FILE *f, const dt_chart_bars *c, dt_error *err);

/* Nice axis ticks covering [lo, hi]: *step is 1, 2 or 5 x 10^k, *first
 * the first multiple of step <= lo, *count the number of ticks (at most
 * max_ticks + 1; max_ticks >= 2). Pure. For lo == hi a range around the
 * value is used. */
void dt_chart_ticks(double lo, double hi, int max_ticks, double *first, double *step, int *count);

#ifdef __cplusplus
}
#endif
#endif
