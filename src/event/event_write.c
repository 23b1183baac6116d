/* Event writers: JSONL and TSV lines in bounded buffers. */
#include "detente/event.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A bounded output cursor: writes past cap set `over` instead of
 * overflowing, so callers check once at the end. */
typedef struct outbuf {
    char *p;
    size_t n, cap;
    int over;
} outbuf;

static void ob_putn(outbuf *o, const char *s, size_t n)
{
    if (o->over || n > o->cap - o->n) {
        o->over = 1;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void ob_puts(outbuf *o, const char *s)
{
    ob_putn(o, s, strlen(s));
}

static void ob_putc(outbuf *o, char c)
{
    ob_putn(o, &c, 1);
}

/* Decimal digits of v, written backwards from end; returns the start.
 * (snprintf was a tenth of the writer's instructions.) */
static char *u64_digits(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void ob_printf_u64(outbuf *o, unsigned long long v)
{
    char tmp[24];
    char *p = u64_digits(tmp + sizeof tmp, v);
    ob_putn(o, p, (size_t)(tmp + sizeof tmp - p));
}

static void ob_printf_dbl(outbuf *o, double v)
{
    char tmp[32];
    /* Goldstein weights have one decimal (-9.5, 3.4, 0): for those, the
     * digits directly. They are what %.10g prints, since the double nearest
     * k/10 rounds back to k/10 at ten significant digits when |k| < 1e9. */
    if (v > -1e8 && v < 1e8 && !(v == 0 && signbit(v))) {
        long long k = (long long)(v * 10 + (v < 0 ? -0.5 : 0.5));
        if ((double)k / 10 == v) {
            unsigned long long u = (unsigned long long)(k < 0 ? -k : k);
            char *end = tmp + sizeof tmp, *p = end;
            if (u % 10) {
                *--p = (char)('0' + u % 10);
                *--p = '.';
            }
            p = u64_digits(p, u / 10);
            if (k < 0)
                *--p = '-';
            ob_putn(o, p, (size_t)(end - p));
            return;
        }
    }
    /* %.10g keeps weights like -9.5 or 3.4 exact and never prints "nan"
     * for the finite values the ontology holds. */
    int k = snprintf(tmp, sizeof tmp, "%.10g", v);
    ob_putn(o, tmp, (size_t)k);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any byte of v needs more than a copy in a JSON string: '"',
 * '\\', below 0x20, DEL or non-ASCII. Exact: no byte that does is missed. */
static int special8(uint64_t v)
{
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\'), d = v ^ (ONES * 0x7F);
    return ((v | ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((d - ONES) & ~d) |
             ((v - ONES * 0x20) & ~v)) &
            HIGHS) != 0;
}

/* Bytes copied into a JSON string as they are: printable ASCII other than
 * '"' and '\\' (32 bytes a row). */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The escaped body of a JSON string, without the quotes. */
static void json_body(outbuf *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    /* Most strings need no escape at all (codes, ids, sentences of ASCII
     * text): test them whole, eight bytes at a time, the last eight
     * overlapping the ones before, and copy them in one piece. */
    if (n >= 8) {
        size_t j = 0;
        uint64_t v;
        for (; j + 8 <= n; j += 8) {
            memcpy(&v, s + j, 8);
            if (special8(v))
                break;
        }
        if (j + 8 > n) {
            memcpy(&v, s + n - 8, 8);
            if (!special8(v)) {
                ob_putn(o, s, n);
                return;
            }
        }
    }
    size_t i = 0;
    while (i < n) {
        /* A run of printable ASCII other than '"' and '\\' is copied as is,
         * in one piece. */
        size_t j = i;
        while (n - j >= 8) {
            uint64_t v;
            memcpy(&v, s + j, 8);
            if (special8(v))
                break;
            j += 8;
        }
        while (j < n && plain[(unsigned char)s[j]])
            j++;
        if (j > i) {
            ob_putn(o, s + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            ob_putn(o, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n':
                ob_puts(o, "\\n");
                break;
            case '\r':
                ob_puts(o, "\\r");
                break;
            case '\t':
                ob_puts(o, "\\t");
                break;
            default: {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                ob_putn(o, esc, 6);
            }
            }
            i++;
        } else if (c < 0x80) {
            ob_putc(o, (char)c);
            i++;
        } else {
            size_t k = utf8_seq((const unsigned char *)s + i, n - i);
            if (k == 0) {
                /* The library validates input text, but events can be built
                 * by hand; never emit invalid UTF-8 in JSON. */
                ob_puts(o, "\\ufffd");
                i++;
            } else {
                /* U+2028/2029 are valid JSON but break JavaScript line
                 * parsers that consume JSONL; escape them. */
                if (k == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
                    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
                    ob_puts(o, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
                else
                    ob_putn(o, s + i, k);
                i += k;
            }
        }
    }
}

static void json_str(outbuf *o, const char *s, size_t n)
{
    ob_putc(o, '"');
    json_body(o, s, n);
    ob_putc(o, '"');
}

static void json_cstr(outbuf *o, const char *s)
{
    json_str(o, s, strlen(s));
}

/* ,"k": (or "k": first) with the length known at compile time: k is
 * always a string literal. */
#define json_key(o, k, first)                                                                      \
    ((first) ? ob_putn((o), "\"" k "\":", sizeof(k) + 2)                                           \
             : ob_putn((o), ",\"" k "\":", sizeof(k) + 3))

static void json_span(outbuf *o, dt_span sp)
{
    if (sp.len == 0) {
        ob_puts(o, "null");
        return;
    }
    ob_putc(o, '[');
    ob_printf_u64(o, sp.off);
    ob_putc(o, ',');
    ob_printf_u64(o, sp.len);
    ob_putc(o, ']');
}

/* yyyymmdd -> "YYYY-MM-DD" digit by digit (each field reduced to its
 * width, so the output is always 10 characters). */
static void date_iso(int32_t d, char out[11])
{
    unsigned v = d < 0 ? 0u : (unsigned)d;
    unsigned y = (v / 10000u) % 10000u, m = (v / 100u) % 100u, day = v % 100u;
    out[0] = (char)('0' + y / 1000u);
    out[1] = (char)('0' + (y / 100u) % 10u);
    out[2] = (char)('0' + (y / 10u) % 10u);
    out[3] = (char)('0' + y % 10u);
    out[4] = '-';
    out[5] = (char)('0' + m / 10u);
    out[6] = (char)('0' + m % 10u);
    out[7] = '-';
    out[8] = (char)('0' + day / 10u);
    out[9] = (char)('0' + day % 10u);
    out[10] = '\0';
}

static int finish(outbuf *o, size_t *len)
{
    ob_putc(o, '\n');
    ob_putc(o, '\0');
    if (o->over)
        return DT_ELIMIT;
    if (len)
        *len = o->n - 1;
    return DT_OK;
}

int dt_event_format_jsonl(const dt_event *e, char *buf, size_t cap, size_t *len)
{
    if (!e || !buf)
        return DT_EINVAL;
    outbuf o = {buf, 0, cap, 0};
    ob_putc(&o, '{');
    json_key(&o, "doc_id", 1);
    json_str(&o, e->doc_id.p ? e->doc_id.p : "", e->doc_id.n);
    json_key(&o, "sentence", 0);
    ob_printf_u64(&o, e->sentence);
    if (e->sentence_id.n) {
        json_key(&o, "sentence_id", 0);
        json_str(&o, e->sentence_id.p, e->sentence_id.n);
    }
    json_key(&o, "date", 0);
    if (e->date > 0) {
        char d[11];
        date_iso(e->date, d);
        json_cstr(&o, d);
    } else {
        ob_puts(&o, "null");
    }
    json_key(&o, "source", 0);
    json_cstr(&o, e->source);
    json_key(&o, "target", 0);
    json_cstr(&o, e->target);
    json_key(&o, "code", 0);
    json_cstr(&o, e->code);
    json_key(&o, "root", 0);
    json_cstr(&o, e->root);
    json_key(&o, "quad", 0);
    ob_printf_u64(&o, (unsigned long long)(e->quad < 0 ? 0 : e->quad));
    json_key(&o, "goldstein", 0);
    ob_printf_dbl(&o, e->goldstein);
    json_key(&o, "passive", 0);
    ob_puts(&o, e->passive ? "true" : "false");
    if (e->issues.n) {
        json_key(&o, "issues", 0);
        json_str(&o, e->issues.p, e->issues.n);
    }
    json_key(&o, "evidence", 0);
    ob_putc(&o, '{');
    json_key(&o, "text", 1);
    json_str(&o, e->text.p ? e->text.p : "", e->text.n);
    json_key(&o, "sentence_span", 0);
    json_span(&o, e->sent_span);
    json_key(&o, "source_span", 0);
    json_span(&o, e->source_span);
    json_key(&o, "verb_span", 0);
    json_span(&o, e->verb_span);
    json_key(&o, "target_span", 0);
    json_span(&o, e->target_span);
    json_key(&o, "pattern", 0);
    json_str(&o, e->pattern.p ? e->pattern.p : "", e->pattern.n);
    json_key(&o, "dict", 0);
    ob_putc(&o, '"');
    json_body(&o, e->dict_file.p ? e->dict_file.p : "", e->dict_file.n);
    if (e->dict_line) {
        ob_putc(&o, ':');
        ob_printf_u64(&o, e->dict_line);
    }
    ob_putc(&o, '"');
    ob_putc(&o, '}');
    /* The input's extra top-level members go under "doc", never beside the
     * event's own fields: a document member named "source" or "code" would
     * otherwise shadow the event's (JSON readers keep the last duplicate). */
    if (e->extra.n >= 2 && e->extra.p[0] == '{' && e->extra.p[e->extra.n - 1] == '}') {
        size_t a = 1, b = e->extra.n - 1;
        while (a < b && (e->extra.p[a] == ' ' || e->extra.p[a] == '\t' || e->extra.p[a] == '\n' ||
                         e->extra.p[a] == '\r'))
            a++;
        if (a < b) {
            json_key(&o, "doc", 0);
            ob_putn(&o, e->extra.p, e->extra.n);
        }
    }
    ob_putc(&o, '}');
    return finish(&o, len);
}

/* TSV field: tabs and newlines would break the columns. */
static void tsv_str(outbuf *o, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\t' && s[j] != '\n' && s[j] != '\r')
            j++;
        ob_putn(o, s + i, j - i);
        if (j < n) {
            ob_putc(o, ' ');
            j++;
        }
        i = j;
    }
}

int dt_event_format_tsv(const dt_event *e, char *buf, size_t cap, size_t *len)
{
    if (!e || !buf)
        return DT_EINVAL;
    outbuf o = {buf, 0, cap, 0};
    if (e->date > 0) {
        char d[11];
        date_iso(e->date, d);
        /* TSV keeps PETRARCH's compact YYYYMMDD */
        char c[9] = {d[0], d[1], d[2], d[3], d[5], d[6], d[8], d[9], '\0'};
        ob_puts(&o, c);
    }
    ob_putc(&o, '\t');
    tsv_str(&o, e->source, strlen(e->source));
    ob_putc(&o, '\t');
    tsv_str(&o, e->target, strlen(e->target));
    ob_putc(&o, '\t');
    tsv_str(&o, e->code, strlen(e->code));
    ob_putc(&o, '\t');
    tsv_str(&o, e->root, strlen(e->root));
    ob_putc(&o, '\t');
    ob_printf_u64(&o, (unsigned long long)(e->quad < 0 ? 0 : e->quad));
    ob_putc(&o, '\t');
    ob_printf_dbl(&o, e->goldstein);
    ob_putc(&o, '\t');
    tsv_str(&o, e->doc_id.p ? e->doc_id.p : "", e->doc_id.n);
    ob_putc(&o, '\t');
    if (e->sentence_id.n)
        tsv_str(&o, e->sentence_id.p, e->sentence_id.n);
    else
        ob_printf_u64(&o, e->sentence);
    ob_putc(&o, '\t');
    tsv_str(&o, e->issues.p ? e->issues.p : "", e->issues.n);
    ob_putc(&o, '\t');
    tsv_str(&o, e->pattern.p ? e->pattern.p : "", e->pattern.n);
    ob_putc(&o, '\t');
    tsv_str(&o, e->text.p ? e->text.p : "", e->text.n);
    return finish(&o, len);
}

const char *dt_event_tsv_header(void)
{
    return "date\tsource\ttarget\tcode\troot\tquad\tgoldstein\tdoc_id\tsentence\tissues\tpattern\t"
           "text\n";
}

int dt_event_format_from_name(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "jsonl") || !strcmp(s, "json"))
        return DT_EVENTS_JSONL;
    if (!strcmp(s, "tsv"))
        return DT_EVENTS_TSV;
    return -1;
}

int dt_event_write_with(FILE *f, dt_event_formatter fmt, const dt_event *e, dt_error *err)
{
    if (!f || !e || !fmt)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "bad event writer arguments");
    char stackbuf[4096];
    char *buf = stackbuf;
    size_t cap = sizeof stackbuf, len = 0;
    int rc;
    for (;;) {
        rc = fmt(e, buf, cap, &len);
        if (rc != DT_ELIMIT || cap >= DT_EVENT_MAX_LINE)
            break;
        cap *= 4;
        if (cap > DT_EVENT_MAX_LINE)
            cap = DT_EVENT_MAX_LINE;
        if (buf != stackbuf)
            dt_free(buf);
        buf = dt_malloc(cap);
        if (!buf)
            return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    }
    errno = 0;
    if (rc == DT_OK && fwrite(buf, 1, len, f) != len)
        rc = DT_EIO;
    if (buf != stackbuf)
        dt_free(buf);
    if (rc == DT_ELIMIT)
        return dt_error_set(err, rc, NULL, 0, UINT64_MAX, "event line longer than %zu bytes",
                            (size_t)DT_EVENT_MAX_LINE);
    if (rc == DT_EIO)
        return dt_error_set(err, rc, NULL, 0, UINT64_MAX, "cannot write event: %s",
                            errno ? strerror(errno) : "I/O error");
    return rc;
}

int dt_event_write(FILE *f, int format, const dt_event *e, dt_error *err)
{
    if (format != DT_EVENTS_JSONL && format != DT_EVENTS_TSV)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "bad event writer arguments");
    return dt_event_write_with(
        f, format == DT_EVENTS_JSONL ? dt_event_format_jsonl : dt_event_format_tsv, e, err);
}
