/* detente — watch output: breaches as they happen (text, TSV, JSON lines)
 * and the per-period status (text, TSV, and the /api/watches JSON). */
#include "watch_internal.h"

#include "detente/reader.h"
#include "detente/series.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

const dt_watchset *dt__watch_eval_set(const dt_watch_eval *e);

int dt_watch_format_from_name(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "text"))
        return DT_WATCH_TEXT;
    if (!strcmp(name, "tsv"))
        return DT_WATCH_TSV;
    if (!strcmp(name, "json"))
        return DT_WATCH_JSON;
    return -1;
}

static int io_result(FILE *f, dt_error *err)
{
    if (ferror(f))
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "write error: %s", strerror(errno));
    return DT_OK;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min, cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The escaped body of a JSON string, without its quotes. */
static void json_body(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c == '\n') {
            fputs("\\n", f);
            i++;
        } else if (c == '\t') {
            fputs("\\t", f);
            i++;
        } else if (c == '\r') {
            fputs("\\r", f);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else {
            size_t len = utf8_len(s + i, n - i);
            if (len == 0) {
                fputs("\\ufffd", f);
                i++;
            } else {
                fwrite(s + i, 1, len, f);
                i += len;
            }
        }
    }
}

static void json_str(FILE *f, const char *str)
{
    fputc('"', f);
    json_body(f, str);
    fputc('"', f);
}

static void json_span(FILE *f, dt_span sp)
{
    if (sp.len == 0)
        fputs("null", f);
    else
        fprintf(f, "[%" PRIu32 ",%" PRIu32 "]", sp.off, sp.len);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

static void json_date(FILE *f, int32_t d)
{
    char buf[11];
    if (!d) {
        fputs("null", f);
        return;
    }
    dt_date_format(d, buf);
    fprintf(f, "\"%s\"", buf);
}

/* The event as /api/events has it. */
static void json_event(FILE *f, const dt_evrec *r)
{
    fprintf(f, "{\"id\":%" PRId64 ",\"date\":", r->id);
    json_date(f, r->date);
    fputs(",\"doc_id\":", f);
    json_str(f, r->doc_id);
    fprintf(f, ",\"sentence\":%" PRId64 ",\"source\":", r->sentence);
    json_str(f, r->source);
    fputs(",\"target\":", f);
    json_str(f, r->target);
    fputs(",\"code\":", f);
    json_str(f, r->code);
    fprintf(f, ",\"root\":%d,\"quad\":%d,\"goldstein\":", r->root, r->quad);
    json_num(f, r->goldstein);
    fputs(",\"plover\":", f);
    json_str(f, r->plover);
    fputs(",\"text\":", f);
    json_str(f, r->text);
    fputs(",\"spans\":{\"source\":", f);
    json_span(f, r->source_span);
    fputs(",\"verb\":", f);
    json_span(f, r->verb_span);
    fputs(",\"target\":", f);
    json_span(f, r->target_span);
    fputs("},\"pattern\":", f);
    json_str(f, r->pattern);
    fputs(",\"dict\":", f);
    if (r->dict_file && r->dict_file[0]) {
        fputc('"', f);
        json_body(f, r->dict_file);
        fprintf(f, ":%" PRIu32 "\"", r->dict_line);
    } else {
        fputs("null", f);
    }
    fputc('}', f);
}

static void json_breach(FILE *f, const dt_watch_breach *b, int with_period)
{
    char label[16];
    fputs("{\"rule\":", f);
    json_str(f, b->name);
    fprintf(f, ",\"clause\":%d", b->clause);
    if (with_period) {
        fprintf(f, ",\"period\":\"%s\",\"label\":\"%s\"", dt_period_name(b->period),
                dt_period_label(b->start, b->period, label));
    }
    fputs(",\"event\":", f);
    json_event(f, b->ev);
    fputc('}', f);
}

/* Row builders for the status writers, which write one row per period of
 * every rule: a row is put together in a buffer and written once, where
 * a printf per row with a label from snprintf cost several times more.
 * Each returns the new end. */
static char *cat(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *cat_u32(char *p, uint32_t v)
{
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* Tabs and newlines inside a TSV field become spaces. */
static void tsv_field(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int dt_watch_write_breach(FILE *f, int format, const dt_watch_breach *b, dt_error *err)
{
    const dt_evrec *r = b->ev;
    char date[11] = "----------", label[16];
    if (r->date)
        dt_date_format(r->date, date);
    dt_period_label(b->start, b->period, label);
    switch (format) {
    case DT_WATCH_TEXT:
        fprintf(f, "%s  %s broken (clause %d): %s -> %s %s (%.1f)  [%s #%" PRId64 "]\n    \"", date,
                b->name, b->clause, r->source, r->target[0] ? r->target : "---", r->code,
                r->goldstein, r->doc_id, r->sentence);
        tsv_field(f, r->text);
        fputs("\"\n", f);
        break;
    case DT_WATCH_TSV:
        fprintf(f, "BREACH\t%s\t%d\t%s\t%s\t", b->name, b->clause, label, date);
        tsv_field(f, r->source);
        fputc('\t', f);
        tsv_field(f, r->target);
        fputc('\t', f);
        tsv_field(f, r->code);
        fprintf(f, "\t%d\t%.1f\t", r->quad, r->goldstein);
        tsv_field(f, r->doc_id);
        fprintf(f, "\t%" PRId64 "\t", r->sentence);
        tsv_field(f, r->text);
        fputc('\n', f);
        break;
    case DT_WATCH_JSON:
        json_breach(f, b, 1);
        fputc('\n', f);
        break;
    default:
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "unknown watch format %d", format);
    }
    return io_result(f, err);
}

int dt_watch_write_status(FILE *f, int format, const dt_watch_eval *e, dt_error *err)
{
    if (format != DT_WATCH_TEXT && format != DT_WATCH_TSV)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                            "status is written as text or TSV");
    const dt_watchset *ws = dt__watch_eval_set(e);
    size_t nr;
    const size_t *idx = dt_watch_eval_rules(e, &nr);
    for (size_t i = 0; i < nr; i++) {
        size_t rule = idx[i];
        int per = dt_watch_eval_period(e, rule);
        dt_watch_status *rows;
        size_t n;
        int rc = dt_watch_eval_status(e, rule, &rows, &n);
        if (rc < 0)
            return dt_error_set(err, rc, NULL, 0, UINT64_MAX, "watch status: %s", dt_strerror(rc));
        size_t nbroken = 0;
        for (size_t k = 0; k < n; k++)
            nbroken += rows[k].broken != 0;
        if (format == DT_WATCH_TEXT) {
            fprintf(f, "%s: %zu of %zu %s%s broken", ws->rule[rule].name, nbroken, n,
                    dt_period_name(per), n == 1 ? "" : "s");
            if (ws->rule[rule].desc[0])
                fprintf(f, " -- %s", ws->rule[rule].desc);
            fputc('\n', f);
        }
        for (size_t k = 0; k < n; k++) {
            char label[16], start[11];
            dt_period_label(rows[k].start, per, label);
            dt_date_format(rows[k].start, start);
            if (format == DT_WATCH_TEXT) {
                fprintf(f, "  %-10s %-6s %6" PRIu32 " breaches %7" PRIu32 " events\n", label,
                        rows[k].broken ? "BROKEN" : "held", rows[k].breaches, rows[k].events);
                continue;
            }
            /* STATUS, name, period, start, label, state, breaches, events */
            char row[96], *p = row;
            fputs("STATUS\t", f);
            fputs(ws->rule[rule].name, f);
            *p++ = '\t';
            p = cat(p, dt_period_name(per));
            *p++ = '\t';
            p = cat(p, start);
            *p++ = '\t';
            p = cat(p, label);
            *p++ = '\t';
            p = cat(p, rows[k].broken ? "broken" : "held");
            *p++ = '\t';
            p = cat_u32(p, rows[k].breaches);
            *p++ = '\t';
            p = cat_u32(p, rows[k].events);
            *p++ = '\n';
            fwrite(row, 1, (size_t)(p - row), f);
        }
        dt_free(rows);
    }
    return io_result(f, err);
}

int dt_watch_write_json(FILE *f, const dt_watch_eval *e, dt_error *err)
{
    const dt_watchset *ws = dt__watch_eval_set(e);
    size_t nr;
    const size_t *idx = dt_watch_eval_rules(e, &nr);
    /* the document's period is the evaluation's default; a rule with its
     * own period says so in its "period" member */
    fprintf(f, "{\"period\":\"%s\",\"events\":%" PRIu64 ",\"rules\":[",
            dt_period_name(dt_watch_eval_period(e, (size_t)-1)), dt_watch_eval_events(e));
    for (size_t i = 0; i < nr; i++) {
        size_t rule = idx[i];
        const wrule *w = &ws->rule[rule];
        int per = dt_watch_eval_period(e, rule);
        dt_watch_status *rows;
        size_t n;
        int rc = dt_watch_eval_status(e, rule, &rows, &n);
        if (rc < 0)
            return dt_error_set(err, rc, NULL, 0, UINT64_MAX, "watch status: %s", dt_strerror(rc));
        uint64_t total = 0;
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, w->name);
        fputs(",\"description\":", f);
        json_str(f, w->desc);
        fprintf(f, ",\"period\":\"%s\",\"active\":{\"from\":", dt_period_name(per));
        json_date(f, w->from);
        fputs(",\"to\":", f);
        json_date(f, w->to);
        fputs("},\"status\":[", f);
        for (size_t k = 0; k < n; k++) {
            /* what json_date and a printf of the rest wrote, in one go */
            char label[16], row[128], *p = row;
            p = cat(p, k ? ",{\"start\":" : "{\"start\":");
            if (rows[k].start) {
                *p++ = '"';
                dt_date_format(rows[k].start, p);
                p += 10;
                *p++ = '"';
            } else {
                p = cat(p, "null");
            }
            p = cat(p, ",\"label\":\"");
            p = cat(p, dt_period_label(rows[k].start, per, label));
            p = cat(p, "\",\"state\":\"");
            p = cat(p, rows[k].broken ? "broken" : "held");
            p = cat(p, "\",\"breaches\":");
            p = cat_u32(p, rows[k].breaches);
            p = cat(p, ",\"events\":");
            p = cat_u32(p, rows[k].events);
            *p++ = '}';
            fwrite(row, 1, (size_t)(p - row), f);
            total += rows[k].breaches;
        }
        dt_free(rows);
        fputs("],\"breaches\":[", f);
        int first = 1;
        for (size_t k = 0; k < dt_watch_eval_nkept(e); k++) {
            const dt_watch_breach *b = dt_watch_eval_kept(e, k);
            if (b->rule != rule)
                continue;
            if (!first)
                fputc(',', f);
            first = 0;
            json_breach(f, b, 0);
        }
        /* more than the kept ones when the evaluation hit max_kept */
        fprintf(f, "],\"breaches_total\":%" PRIu64 "}", total);
    }
    fputs("]}\n", f);
    return io_result(f, err);
}
