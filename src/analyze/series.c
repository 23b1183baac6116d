/* detente analyze — per-period aggregates of events (series.h).
 *
 * Rows live in an array indexed by the period's ordinal (days, ISO weeks,
 * months, quarters or years since a fixed origin), grown at either end as
 * records arrive in any order, so a series is built in one pass over a
 * stream without sorting and comes out dense. */
#include "detente/series.h"

#include "analyze_json.h"

#include "detente/ontology.h"
#include "detente/reader.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- calendar ------------------------------------------------------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_date(int32_t d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    if (d <= 0 || y < 1 || y > 9999 || m < 1 || m > 12 || dd < 1)
        return 0;
    return dd <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the usual era
 * arithmetic: 400-year eras of 146097 days, years starting in March). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int32_t civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    return (int32_t)(y * 10000 + m * 100 + d);
}

static int64_t days_of(int32_t d)
{
    return days_from_civil(d / 10000, d / 100 % 100, d % 100);
}

/* 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static const char *const PERIOD_NAMES[] = {"day", "week", "month", "quarter", "year"};

int dt_period_from_name(const char *name)
{
    for (int i = 0; name && i < 5; i++)
        if (!strcmp(name, PERIOD_NAMES[i]))
            return i;
    return -1;
}

const char *dt_period_name(int period)
{
    return period >= 0 && period < 5 ? PERIOD_NAMES[period] : "";
}

int32_t dt_period_start(int32_t date, int period)
{
    if (!valid_date(date))
        return 0;
    int y = date / 10000, m = date / 100 % 100;
    switch (period) {
    case DT_PERIOD_DAY:
        return date;
    case DT_PERIOD_WEEK: {
        int64_t days = days_of(date);
        int32_t mon = civil_from_days(days - weekday(days));
        return valid_date(mon) ? mon : 0;
    }
    case DT_PERIOD_MONTH:
        return y * 10000 + m * 100 + 1;
    case DT_PERIOD_QUARTER:
        return y * 10000 + ((m - 1) / 3 * 3 + 1) * 100 + 1;
    case DT_PERIOD_YEAR:
        return y * 10000 + 101;
    default:
        return 0;
    }
}

int32_t dt_period_next(int32_t start, int period)
{
    int y = start / 10000, m = start / 100 % 100;
    switch (period) {
    case DT_PERIOD_DAY:
        return civil_from_days(days_of(start) + 1);
    case DT_PERIOD_WEEK:
        return civil_from_days(days_of(start) + 7);
    case DT_PERIOD_MONTH:
        return m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
    case DT_PERIOD_QUARTER:
        return m >= 10 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 3) * 100 + 1;
    case DT_PERIOD_YEAR:
        return (y + 1) * 10000 + 101;
    default:
        return 0;
    }
}

/* The period's position on a line with no gaps. */
static int64_t period_ordinal(int32_t start, int period)
{
    int y = start / 10000, m = start / 100 % 100;
    switch (period) {
    case DT_PERIOD_DAY:
        return days_of(start);
    case DT_PERIOD_WEEK: {
        int64_t d = days_of(start) + 3; /* Mondays: days + 3 is a multiple of 7 */
        return d >= 0 ? d / 7 : -((-d + 6) / 7);
    }
    case DT_PERIOD_MONTH:
        return (int64_t)y * 12 + m - 1;
    case DT_PERIOD_QUARTER:
        return (int64_t)y * 4 + (m - 1) / 3;
    default:
        return y;
    }
}

/* n (0..9999) as width digits with leading zeros, at *p. */
static char *put_digits(char *p, int n, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + n % 10);
        n /= 10;
    }
    return p + width;
}

char *dt_period_label(int32_t start, int period, char out[16])
{
    int y = start / 10000, m = start / 100 % 100, d = start % 100;
    if (period == DT_PERIOD_WEEK) {
        /* The ISO week belongs to the year of its Thursday. */
        int32_t thu = civil_from_days(days_of(start) + 3);
        int iy = thu / 10000;
        int64_t jan4 = days_from_civil(iy, 1, 4);
        int64_t week1 = jan4 - weekday(jan4);
        y = iy;
        m = (int)((days_of(start) - week1) / 7) + 1; /* the week */
    } else if (period == DT_PERIOD_QUARTER) {
        m = (m - 1) / 3 + 1; /* the quarter */
    }
    y %= 10000;
    m %= period == DT_PERIOD_QUARTER ? 10 : 100;
    d %= 100;
    if (y < 0 || m < 0 || d < 0) {
        /* Only for dates before year 0: printf's minus signs. */
        switch (period) {
        case DT_PERIOD_WEEK:
            snprintf(out, 16, "%04d-W%02d", y, m);
            break;
        case DT_PERIOD_MONTH:
            snprintf(out, 16, "%04d-%02d", y, m);
            break;
        case DT_PERIOD_QUARTER:
            snprintf(out, 16, "%04d-Q%d", y, m);
            break;
        case DT_PERIOD_YEAR:
            snprintf(out, 16, "%04d", y);
            break;
        default:
            snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
            break;
        }
        return out;
    }
    /* The same text written digit by digit: the status writers label
     * every row of every rule, and snprintf was most of their time. */
    char *p = put_digits(out, y, 4);
    switch (period) {
    case DT_PERIOD_WEEK:
        *p++ = '-';
        *p++ = 'W';
        p = put_digits(p, m, 2);
        break;
    case DT_PERIOD_MONTH:
        *p++ = '-';
        p = put_digits(p, m, 2);
        break;
    case DT_PERIOD_QUARTER:
        *p++ = '-';
        *p++ = 'Q';
        p = put_digits(p, m, 1);
        break;
    case DT_PERIOD_YEAR:
        break;
    default:
        *p++ = '-';
        p = put_digits(p, m, 2);
        *p++ = '-';
        p = put_digits(p, d, 2);
        break;
    }
    *p = '\0';
    return out;
}

/* ---- PLOVER types --------------------------------------------------- */

static const char *plover_names[DT_PLOVER_MAX];
static size_t plover_n;
static pthread_once_t plover_once = PTHREAD_ONCE_INIT;

/* The distinct plover_type values of the ontology, in CAMEO order: the
 * table is the single source of truth, so a type added there shows up
 * here without a second list to keep in step. */
static void plover_init(void)
{
    for (size_t i = 0; i < dt_cameo_count(); i++) {
        const char *t = dt_cameo_at(i)->plover_type;
        if (!t || !*t)
            continue;
        size_t j;
        for (j = 0; j < plover_n; j++)
            if (!strcmp(plover_names[j], t))
                break;
        if (j == plover_n && plover_n < DT_PLOVER_MAX)
            plover_names[plover_n++] = t;
    }
}

int dt_plover_index(const char *type)
{
    pthread_once(&plover_once, plover_init);
    if (!type || !*type)
        return -1;
    for (size_t i = 0; i < plover_n; i++)
        if (!strcmp(plover_names[i], type))
            return (int)i;
    return -1;
}

size_t dt_plover_count(void)
{
    pthread_once(&plover_once, plover_init);
    return plover_n;
}

const char *dt_plover_name(size_t i)
{
    pthread_once(&plover_once, plover_init);
    return i < plover_n ? plover_names[i] : "";
}

/* ---- aggregation ---------------------------------------------------- */

/* A series may not span more periods than this (a stray year-1 date in
 * daily rows would otherwise ask for three million of them). */
#define MAX_ROWS ((size_t)400000)

struct dt_series_acc {
    dt_series_spec spec;
    dt_series_row *row;
    size_t n, cap;
    int64_t first; /* ordinal of row[0] */
    int32_t first_start;
};

static int check_spec(const dt_series_spec *spec, dt_error *err)
{
    if (spec->period < 0 || spec->period > DT_PERIOD_YEAR)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "unknown period %d", spec->period);
    for (size_t i = 0; i < spec->nsources + spec->ntargets; i++) {
        const char *p = i < spec->nsources ? spec->sources[i] : spec->targets[i - spec->nsources];
        int rc = dt_actor_pattern_check(p, err);
        if (rc < 0)
            return rc;
    }
    if (spec->from && !valid_date(spec->from))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "from: %d is not a date",
                            (int)spec->from);
    if (spec->to && !valid_date(spec->to))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "to: %d is not a date",
                            (int)spec->to);
    if (spec->from && spec->to && spec->from > spec->to)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "from is after to");
    return DT_OK;
}

/* Make the row for ordinal ord exist; its index in *idx. */
static int acc_slot(dt_series_acc *a, int64_t ord, int32_t start, size_t *idx, dt_error *err)
{
    if (!a->n) {
        a->first = ord;
        a->first_start = start;
    }
    int64_t lo = a->n ? (ord < a->first ? ord : a->first) : ord;
    int64_t hi =
        a->n ? (ord > a->first + (int64_t)a->n - 1 ? ord : a->first + (int64_t)a->n - 1) : ord;
    size_t need = (size_t)(hi - lo + 1);
    if (need > MAX_ROWS)
        return dt_error_set(err, DT_ELIMIT, NULL, 0, UINT64_MAX,
                            "the dates span %zu %s periods (at most %zu); set from/to or a "
                            "longer period",
                            need, dt_period_name(a->spec.period), MAX_ROWS);
    if (need > a->cap) {
        size_t nc = a->cap ? a->cap : 64;
        while (nc < need)
            nc *= 2;
        dt_series_row *nr = dt_realloc(a->row, nc * sizeof *nr);
        if (!nr)
            return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        a->row = nr;
        a->cap = nc;
    }
    if (a->n && lo < a->first) {
        size_t shift = (size_t)(a->first - lo);
        memmove(a->row + shift, a->row, a->n * sizeof *a->row);
        memset(a->row, 0, shift * sizeof *a->row);
        a->n += shift;
        a->first = lo;
        a->first_start = start;
    }
    if (need > a->n) {
        memset(a->row + a->n, 0, (need - a->n) * sizeof *a->row);
        a->n = need;
    }
    *idx = (size_t)(ord - a->first);
    return DT_OK;
}

int dt_series_acc_new(dt_series_acc **out, const dt_series_spec *spec, dt_error *err)
{
    *out = NULL;
    dt_series_spec zero;
    memset(&zero, 0, sizeof zero);
    zero.period = DT_PERIOD_MONTH;
    if (!spec)
        spec = &zero;
    int rc = check_spec(spec, err);
    if (rc < 0)
        return rc;
    dt_series_acc *a = dt_calloc(1, sizeof *a);
    if (!a)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    a->spec = *spec;
    size_t idx;
    /* from/to make the range fixed, whatever the data. */
    if (spec->from)
        rc = acc_slot(a, period_ordinal(dt_period_start(spec->from, spec->period), spec->period),
                      dt_period_start(spec->from, spec->period), &idx, err);
    if (rc == DT_OK && spec->to)
        rc = acc_slot(a, period_ordinal(dt_period_start(spec->to, spec->period), spec->period),
                      dt_period_start(spec->to, spec->period), &idx, err);
    if (rc < 0) {
        dt_series_acc_free(a);
        return rc;
    }
    *out = a;
    return DT_OK;
}

static int any_match(const char *const *p, size_t n, const char *code)
{
    if (!n)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (dt_actor_match(p[i], code))
            return 1;
    return 0;
}

int dt_series_acc_matches(const dt_series_acc *a, const dt_evrec *r)
{
    const dt_series_spec *s = &a->spec;
    if (!r->date || (s->from && r->date < s->from) || (s->to && r->date > s->to))
        return 0;
    if (any_match(s->sources, s->nsources, r->source) &&
        any_match(s->targets, s->ntargets, r->target))
        return 1;
    return s->undirected && any_match(s->sources, s->nsources, r->target) &&
           any_match(s->targets, s->ntargets, r->source);
}

int dt_series_acc_add(dt_series_acc *a, const dt_evrec *r, dt_error *err)
{
    if (!dt_series_acc_matches(a, r))
        return DT_OK;
    int32_t start = dt_period_start(r->date, a->spec.period);
    if (!start)
        return DT_OK;
    size_t idx;
    int rc = acc_slot(a, period_ordinal(start, a->spec.period), start, &idx, err);
    if (rc < 0)
        return rc;
    dt_series_row *row = &a->row[idx];
    uint32_t w = a->spec.weigh && r->count ? r->count : 1;
    double g = r->goldstein * w;
    row->events += w;
    row->quad[r->quad >= 1 && r->quad <= 4 ? r->quad : 0] += w;
    row->gold_sum += g;
    if (r->quad == 1 || r->quad == 2)
        row->coop += g;
    else if (r->quad == 3 || r->quad == 4)
        row->confl += fabs(g);
    row->root[r->root >= 1 && r->root <= 20 ? r->root : 0] += w;
    int pi = dt_plover_index(r->plover);
    if (pi >= 0)
        row->plover[pi] += w;
    return DT_OK;
}

int dt_series_acc_finish(dt_series_acc *a, dt_series **out, dt_error *err)
{
    *out = NULL;
    dt_series *s = dt_calloc(1, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    s->period = a->spec.period;
    s->n = a->n;
    s->row = a->row;
    a->row = NULL;
    a->n = a->cap = 0;
    int32_t start = a->first_start;
    for (size_t i = 0; i < s->n; i++) {
        dt_series_row *r = &s->row[i];
        r->start = start;
        r->gold_mean = r->events ? r->gold_sum / r->events : 0.0;
        r->net = r->coop - r->confl;
        start = dt_period_next(start, s->period);
    }
    *out = s;
    return DT_OK;
}

void dt_series_acc_free(dt_series_acc *a)
{
    if (!a)
        return;
    dt_free(a->row);
    dt_free(a);
}

int dt_series_build(dt_series **out, const dt_evrec *r, size_t n, const dt_series_spec *spec,
                    dt_error *err)
{
    *out = NULL;
    dt_series_acc *a;
    int rc = dt_series_acc_new(&a, spec, err);
    for (size_t i = 0; rc == DT_OK && i < n; i++)
        rc = dt_series_acc_add(a, &r[i], err);
    if (rc == DT_OK)
        rc = dt_series_acc_finish(a, out, err);
    dt_series_acc_free(a);
    return rc;
}

typedef struct src_ctx {
    dt_series_acc *a;
    dt_error *err;
    int rc;
} src_ctx;

static int src_cb(void *ctx, const dt_evrec *r)
{
    src_ctx *c = ctx;
    c->rc = dt_series_acc_add(c->a, r, c->err);
    return c->rc < 0 ? 1 : 0;
}

int dt_series_from_source(dt_series **out, const char *db, const dt_evfilter *f,
                          const dt_series_spec *spec, dt_error *err)
{
    *out = NULL;
    src_ctx c = {NULL, err, DT_OK};
    int rc = dt_series_acc_new(&c.a, spec, err);
    if (rc < 0)
        return rc;
    /* Evidence is never needed for counting; don't pay for its join. */
    dt_evfilter ff;
    if (f) {
        ff = *f;
        ff.evidence = 0;
    }
    rc = dt_evsource_each(db, f ? &ff : NULL, src_cb, &c, err);
    if (rc == 1 && c.rc < 0)
        rc = c.rc;
    /* Bad JSONL lines were skipped and the good ones counted: the series
     * is still worth having, next to the error that names the first. */
    int lines_bad = rc == DT_EFORMAT && err && err->line > 0;
    if (rc == DT_OK || lines_bad) {
        dt_error ferr;
        int frc = dt_series_acc_finish(c.a, out, &ferr);
        if (frc < 0) {
            if (err)
                *err = ferr;
            rc = frc;
        }
    }
    dt_series_acc_free(c.a);
    return rc;
}

void dt_series_free(dt_series *s)
{
    if (!s)
        return;
    dt_free(s->row);
    dt_free(s);
}

/* ---- writers -------------------------------------------------------- */

static void put_num(FILE *f, double v)
{
    if (!isfinite(v))
        v = 0.0;
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    fprintf(f, "%.10g", v);
}

static void put_json_list(FILE *f, const char *const *p, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        dt__json_put_str(f, p[i]);
    }
    fputc(']', f);
}

static int finish_write(FILE *f, dt_error *err)
{
    if (ferror(f))
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "write error");
    return DT_OK;
}

void dt_series_write_json_row(FILE *f, const dt_series_row *r, int period)
{
    char date[11], label[16];
    dt_date_format(r->start, date);
    fprintf(f, "{\"start\":\"%s\",\"label\":\"%s\",\"events\":%u,\"quad\":[%u,%u,%u,%u],", date,
            dt_period_label(r->start, period, label), r->events, r->quad[1], r->quad[2], r->quad[3],
            r->quad[4]);
    fputs("\"goldstein\":", f);
    put_num(f, r->gold_sum);
    fputs(",\"gold_mean\":", f);
    put_num(f, r->gold_mean);
    fputs(",\"coop\":", f);
    put_num(f, r->coop);
    fputs(",\"confl\":", f);
    put_num(f, r->confl);
    fputs(",\"net\":", f);
    put_num(f, r->net);
    fputs(",\"roots\":{", f);
    int first = 1;
    for (int k = 1; k <= 20; k++)
        if (r->root[k]) {
            fprintf(f, "%s\"%02d\":%u", first ? "" : ",", k, r->root[k]);
            first = 0;
        }
    fputs("},\"plover\":{", f);
    first = 1;
    for (size_t k = 0; k < dt_plover_count(); k++)
        if (r->plover[k]) {
            fprintf(f, "%s\"%s\":%u", first ? "" : ",", dt_plover_name(k), r->plover[k]);
            first = 0;
        }
    fputs("}}", f);
}

int dt_series_write_json(FILE *f, const dt_series *s, const dt_series_spec *spec, dt_error *err)
{
    fprintf(f, "{\"period\":\"%s\",\"source\":", dt_period_name(s->period));
    put_json_list(f, spec ? spec->sources : NULL, spec ? spec->nsources : 0);
    fputs(",\"target\":", f);
    put_json_list(f, spec ? spec->targets : NULL, spec ? spec->ntargets : 0);
    fprintf(f, ",\"undirected\":%s,\"rows\":[", spec && spec->undirected ? "true" : "false");
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            fputc(',', f);
        dt_series_write_json_row(f, &s->row[i], s->period);
    }
    fputs("]}\n", f);
    return finish_write(f, err);
}

static int write_sep(FILE *f, const dt_series *s, char sep, const char *eol, dt_error *err)
{
    fprintf(f,
            "start%clabel%cevents%cquad1%cquad2%cquad3%cquad4%cgoldstein%cgold_mean%ccoop%c"
            "confl%cnet",
            sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
    for (int k = 1; k <= 20; k++)
        fprintf(f, "%croot%02d", sep, k);
    for (size_t k = 0; k < dt_plover_count(); k++)
        fprintf(f, "%c%s", sep, dt_plover_name(k));
    fputs(eol, f);
    for (size_t i = 0; i < s->n; i++) {
        const dt_series_row *r = &s->row[i];
        char date[11], label[16];
        dt_date_format(r->start, date);
        fprintf(f, "%s%c%s%c%u%c%u%c%u%c%u%c%u", date, sep,
                dt_period_label(r->start, s->period, label), sep, r->events, sep, r->quad[1], sep,
                r->quad[2], sep, r->quad[3], sep, r->quad[4]);
        double v[5] = {r->gold_sum, r->gold_mean, r->coop, r->confl, r->net};
        for (int k = 0; k < 5; k++) {
            fputc(sep, f);
            put_num(f, v[k]);
        }
        for (int k = 1; k <= 20; k++)
            fprintf(f, "%c%u", sep, r->root[k]);
        for (size_t k = 0; k < dt_plover_count(); k++)
            fprintf(f, "%c%u", sep, r->plover[k]);
        fputs(eol, f);
    }
    return finish_write(f, err);
}

int dt_series_write_tsv(FILE *f, const dt_series *s, dt_error *err)
{
    return write_sep(f, s, '\t', "\n", err);
}

int dt_series_write_csv(FILE *f, const dt_series *s, dt_error *err)
{
    return write_sep(f, s, ',', "\r\n", err);
}
