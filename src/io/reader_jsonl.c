/* JSONL documents: one JSON object a line, {"id","date","text",...}.
 *
 * Each line is checked in order of cheapness and of usefulness to the
 * person fixing the file: UTF-8 first (so the message names the byte, not a
 * confused JSON error), then JSON syntax, then the fields. Any failure
 * rejects that line only.
 *
 * Reading goes through a one-pass scanner first (below) and through a
 * jansson tree only for the lines the scanner cannot vouch for. */
#include "io_internal.h"

#include "detente/text.h"

#include <errno.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* jansson allocates with its default malloc, deliberately not through
 * dt_malloc: its lexer ignores a failed append (lex_save), so an
 * allocation failure injected there would silently drop a byte of the
 * text instead of failing the record. Real out-of-memory inside jansson is
 * as rare as anywhere else; injected failures must not corrupt data. */

static int field_str(json_t *root, const char *key, json_t **out)
{
    json_t *v = json_object_get(root, key);
    *out = v;
    if (!v)
        return 0;
    return json_is_string(v) ? 1 : -1;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* The reference reader: a jansson tree for the line (already checked as
 * UTF-8). It decides every line the scanner below leaves undecided, and
 * all of its messages are the ones users see. */
static int parse_tree(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                      const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                      dt_error *err)
{
    int rc;
    /* jansson leaves parts of the error unset on some allocation
     * failures, and json_error_code() reads one of them. */
    json_error_t je;
    memset(&je, 0, sizeof je);
    json_t *root = json_loadb(line, n, 0, &je);
    if (!root) {
        /* jansson reports allocation failures as parse errors; some come
         * back with no code or text at all. */
        if (json_error_code(&je) == json_error_out_of_memory || je.text[0] == '\0')
            return dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
        /* Same reason as a raw NUL byte, whatever jansson calls it. */
        if (strstr(je.text, "\\u0000"))
            return dt_error_set(err, DT_EUTF8, name, lineno, offset,
                                "NUL byte (\\u0000) in JSON line (column %d)", je.column);
        return dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                            "JSON syntax error at column %d: %s", je.column, je.text);
    }
    rc = DT_OK;
    json_t *jid, *jtext, *jdate;
    if (!json_is_object(root)) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                          "not a JSON object (got %s); each line must be one document",
                          type_name(root));
        goto out;
    }
    int k = field_str(root, "id", &jid);
    if (k == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "missing \"id\"");
        goto out;
    }
    if (k < 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "\"id\" must be a string, not %s",
                          type_name(jid));
        goto out;
    }
    if (json_string_length(jid) == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "empty \"id\"");
        goto out;
    }
    k = field_str(root, "text", &jtext);
    if (k == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "missing \"text\"");
        goto out;
    }
    if (k < 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                          "\"text\" must be a string, not %s", type_name(jtext));
        goto out;
    }
    int32_t date = default_date;
    k = field_str(root, "date", &jdate);
    if (k < 0 && !json_is_null(jdate)) {
        rc = dt_error_set(err, DT_EDATE, name, lineno, offset,
                          "\"date\" must be a string (YYYY-MM-DD or YYYYMMDD), not %s",
                          type_name(jdate));
        goto out;
    }
    if (k > 0) {
        const char *ds = json_string_value(jdate);
        size_t dn = json_string_length(jdate);
        if (dt_date_parse(ds, dn, &date) < 0) {
            rc = dt_error_set(err, DT_EDATE, name, lineno, offset,
                              "bad date \"%.*s\" (want a real calendar date, YYYY-MM-DD or "
                              "YYYYMMDD)",
                              (int)(dn > 40 ? 40 : dn), ds);
            goto out;
        }
    }
    /* jansson decodes \u escapes; it rejects \u0000 unless asked, but the
     * decoded text is checked against the same rule as raw text anyway. */
    const char *ts = json_string_value(jtext);
    size_t tn = json_string_length(jtext);
    rc = dt__check_utf8(ts, tn, name, lineno, offset, "\"text\"", err);
    if (rc < 0) {
        err->line = lineno; /* the text's own newlines are not file lines */
        goto out;
    }

    memset(doc, 0, sizeof *doc);
    doc->kind = DT_REC_DOC;
    doc->line = lineno;
    doc->offset = offset;
    doc->date = date;
    char *id = dt_arena_strndup(a, json_string_value(jid), json_string_length(jid));
    char *text = dt_arena_strndup(a, ts, tn);
    if (!id || !text) {
        rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
        goto out;
    }
    doc->id = (dt_str){id, json_string_length(jid)};
    doc->text = (dt_str){text, tn};

    /* Everything else passes through untouched, as one JSON object. */
    if (json_object_size(root) > (size_t)(1 + 1 + (jdate ? 1 : 0))) {
        json_t *extra = json_object();
        const char *key;
        json_t *val;
        if (!extra) {
            rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
            goto out;
        }
        json_object_foreach(root, key, val)
        {
            if (!strcmp(key, "id") || !strcmp(key, "text") || !strcmp(key, "date"))
                continue;
            if (json_object_set(extra, key, val) < 0) {
                json_decref(extra);
                rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
                goto out;
            }
        }
        size_t flags = JSON_COMPACT;
        size_t need = json_dumpb(extra, NULL, 0, flags);
        char *buf = need ? dt_arena_alloc(a, need + 1) : NULL;
        if (!buf || json_dumpb(extra, buf, need, flags) != need) {
            json_decref(extra);
            rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
            goto out;
        }
        buf[need] = '\0';
        doc->extra = (dt_str){buf, need};
        json_decref(extra);
    }
out:
    json_decref(root);
    return rc;
}

/* ---- the one-pass scanner ----------------------------------------------
 *
 * Most lines are plain documents: an object of strings and numbers, maybe
 * an array or object of them passed through. For those the scanner checks
 * the JSON grammar, finds id, date and text, and writes the other members
 * in the form jansson's compact dump would give them, without building a
 * tree. It only ever accepts: anything it does not fully understand (a
 * syntax error, a duplicate key, an escaped key, an integer that may not
 * fit, a real strtod calls out of range, deep nesting, a bad field) leaves
 * the line undecided, and parse_tree decides it, with the same messages as
 * always. tests/unit/test_reader_jsonl.c holds the two to the same output,
 * line by line. */

enum { FV_STR, FV_INT, FV_REAL, FV_LIT, FV_NULL, FV_OBJ, FV_ARR };

/* Members per object the scanner keeps track of (duplicates are looked for
 * pairwise), and the nesting it follows; beyond either, parse_tree. */
#define FAST_MEMBERS 16
#define FAST_DEPTH 32
/* Room for a real number's text: %.17g is at most 24 bytes, and ".0". */
#define REAL_TEXT_MAX 40

typedef struct fmember {
    const char *key; /* after the opening quote; no escapes */
    size_t keyn;
    const char *val, *vend; /* the value's text */
    int type, esc;          /* esc: a string value with escapes */
} fmember;

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return 0;
        x = x << 4 | (unsigned)h;
    }
    *v = x;
    return 1;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* A byte in v that is '"', '\\' or below 0x20 (exact: no misses). */
static int special8(uint64_t v)
{
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGHS ? 1 : 0;
}

/* The body of a string starting after its opening quote: the closing
 * quote, or NULL for anything jansson would reject (a control character,
 * a bad escape, \u0000, a lone surrogate) or the end of the line. */
static const char *scan_string(const char *p, const char *end, int *esc)
{
    for (;;) {
#if defined(__SSE2__) && defined(__GNUC__)
        /* Sixteen bytes a step, straight to the first that matters. */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                      ctl = _mm_set1_epi8(0x1F);
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m) {
                p += __builtin_ctz(m);
                break;
            }
            p += 16;
        }
#endif
        while (end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            if (special8(v))
                break;
            p += 8;
        }
        if (p >= end)
            return NULL;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p;
        if (c < 0x20)
            return NULL;
        if (c != '\\') {
            p++;
            continue;
        }
        *esc = 1;
        if (end - p < 2)
            return NULL;
        switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p += 2;
            continue;
        case 'u': {
            unsigned cp, lo;
            if (end - p < 6 || !hex4(p + 2, &cp) || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
                return NULL;
            p += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return NULL;
                p += 6;
            }
            continue;
        }
        default:
            return NULL;
        }
    }
}

/* A number: an integer jansson keeps as an integer (no fraction, no
 * exponent) that surely fits its 64 bits, or a real (*real set) whose
 * canonical text real_text can give; NULL otherwise. */
static int real_value(const char *p, size_t n, double *out);

static const char *scan_number(const char *p, const char *end, int *real)
{
    const char *s = p;
    if (p < end && *p == '-')
        p++;
    const char *d = p;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    size_t digits = (size_t)(p - d);
    *real = 0;
    if (p < end && *p == '.') {
        *real = 1;
        if (++p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *real = 1;
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (!*real)
        return digits > 18 ? NULL : p;
    return real_value(s, (size_t)(p - s), NULL) < 0 ? NULL : p;
}

static int same_key(const fmember *m, size_t k, const char *key, size_t keyn)
{
    for (size_t i = 0; i < k; i++)
        if (m[i].keyn == keyn && memcmp(m[i].key, key, keyn) == 0)
            return 1;
    return 0;
}

static const char *scan_value(const char *p, const char *end, int depth, int *type, int *esc,
                              size_t *nreal);

/* An object's members after its '{' into m (up to FAST_MEMBERS, distinct
 * unescaped keys); the byte after its '}', or NULL. */
static const char *scan_members(const char *p, const char *end, int depth, fmember *m, size_t *nm,
                                size_t *nreal)
{
    size_t k = 0;
    p = skip_ws(p, end);
    if (p < end && *p == '}') {
        *nm = 0;
        return p + 1;
    }
    for (;;) {
        if (p >= end || *p != '"' || k == FAST_MEMBERS)
            return NULL;
        int kesc = 0;
        const char *q = scan_string(p + 1, end, &kesc);
        if (!q || kesc || same_key(m, k, p + 1, (size_t)(q - p - 1)))
            return NULL;
        m[k].key = p + 1;
        m[k].keyn = (size_t)(q - p - 1);
        p = skip_ws(q + 1, end);
        if (p >= end || *p != ':')
            return NULL;
        p = skip_ws(p + 1, end);
        m[k].val = p;
        m[k].esc = 0;
        p = scan_value(p, end, depth, &m[k].type, &m[k].esc, nreal);
        if (!p)
            return NULL;
        m[k].vend = p;
        k++;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') {
            *nm = k;
            return p + 1;
        }
        return NULL;
    }
}

static const char *scan_value(const char *p, const char *end, int depth, int *type, int *esc,
                              size_t *nreal)
{
    if (p >= end)
        return NULL;
    switch (*p) {
    case '"': {
        *type = FV_STR;
        const char *q = scan_string(p + 1, end, esc);
        return q ? q + 1 : NULL;
    }
    case '{': {
        fmember m[FAST_MEMBERS];
        size_t nm;
        *type = FV_OBJ;
        return depth < FAST_DEPTH ? scan_members(p + 1, end, depth + 1, m, &nm, nreal) : NULL;
    }
    case '[': {
        *type = FV_ARR;
        if (depth >= FAST_DEPTH)
            return NULL;
        p = skip_ws(p + 1, end);
        if (p < end && *p == ']')
            return p + 1;
        for (;;) {
            int t, e = 0;
            p = scan_value(p, end, depth + 1, &t, &e, nreal);
            if (!p)
                return NULL;
            p = skip_ws(p, end);
            if (p < end && *p == ',') {
                p = skip_ws(p + 1, end);
                continue;
            }
            return p < end && *p == ']' ? p + 1 : NULL;
        }
    }
    case 't':
        *type = FV_LIT;
        return end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        *type = FV_LIT;
        return end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        *type = FV_NULL;
        return end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default: {
        int real = 0;
        const char *q = scan_number(p, end, &real);
        *type = real ? FV_REAL : FV_INT;
        *nreal += (size_t)real;
        return q;
    }
    }
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* One escape of a string scan_string accepted, at p (the backslash): its
 * code point, and p moves past it. */
static unsigned unescape(const char **pp)
{
    const char *p = *pp;
    unsigned cp = 0, lo = 0;
    switch (p[1]) {
    case 'b':
        cp = '\b';
        break;
    case 'f':
        cp = '\f';
        break;
    case 'n':
        cp = '\n';
        break;
    case 'r':
        cp = '\r';
        break;
    case 't':
        cp = '\t';
        break;
    case 'u':
        hex4(p + 2, &cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            hex4(p + 8, &lo);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            *pp = p + 12;
            return cp;
        }
        *pp = p + 6;
        return cp;
    default: /* '"', '\\', '/' */
        cp = (unsigned char)p[1];
    }
    *pp = p + 2;
    return cp;
}

/* The decoded text of a string body scan_string accepted; o has room for
 * n bytes (decoding never lengthens). Returns the end of the output. */
static char *decode(char *o, const char *p, size_t n)
{
    const char *end = p + n;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t k = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(o, p, k);
        o += k;
        p += k;
        if (p < end)
            o = put_utf8(o, unescape(&p));
    }
    return o;
}

/* A string body as jansson's dump writes it: '"' and '\\' escaped, control
 * characters as \b \f \n \r \t or \u00XX, everything else as is. */
static char *canon_string(char *o, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *end = p + n;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t k = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(o, p, k);
        o += k;
        p += k;
        if (p >= end)
            break;
        unsigned cp = unescape(&p);
        if (cp == '"' || cp == '\\') {
            *o++ = '\\';
            *o++ = (char)cp;
        } else if (cp < 0x20) {
            *o++ = '\\';
            switch (cp) {
            case '\b':
                *o++ = 'b';
                break;
            case '\f':
                *o++ = 'f';
                break;
            case '\n':
                *o++ = 'n';
                break;
            case '\r':
                *o++ = 'r';
                break;
            case '\t':
                *o++ = 't';
                break;
            default:
                memcpy(o, "u00", 3);
                o[3] = hex[cp >> 4];
                o[4] = hex[cp & 15];
                o += 5;
            }
        } else {
            o = put_utf8(o, cp);
        }
    }
    return o;
}

/* A real number's value as jansson reads it: strtod. -1 (leave the line
 * to jansson) when the text is too long, strtod reports a range error
 * (jansson rejects an overflow) or the locale's decimal point is not
 * '.'. */
static int real_value(const char *p, size_t n, double *out)
{
    char buf[64];
    const struct lconv *lc = localeconv();
    if (n >= sizeof buf || !lc || strcmp(lc->decimal_point, ".") != 0)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    errno = 0;
    char *stop;
    double v = strtod(buf, &stop);
    if (errno == ERANGE || stop != buf + n)
        return -1;
    if (out)
        *out = v;
    return 0;
}

/* A real number scan_number accepted, as jansson writes it back: %.17g,
 * ".0" added when that looks like an integer, and the exponent without
 * '+' or leading zeros. out has REAL_TEXT_MAX bytes. */
static int real_text(const char *p, size_t n, char *out)
{
    double v = 0;
    real_value(p, n, &v);
    int len = snprintf(out, REAL_TEXT_MAX, "%.17g", v);
    /* At most 24 bytes for a finite double ("-2.2250738585072014e-308");
     * the clamp only keeps the buffer arithmetic safe. */
    if (len < 0)
        len = 0;
    if (len > REAL_TEXT_MAX - 3)
        len = REAL_TEXT_MAX - 3;
    if (!memchr(out, '.', (size_t)len) && !memchr(out, 'e', (size_t)len)) {
        out[len++] = '.';
        out[len++] = '0';
        out[len] = '\0';
    }
    char *e = memchr(out, 'e', (size_t)len);
    if (e) {
        char *start = e + 1, *q = e + 2;
        if (*start == '-')
            start++;
        while (*q == '0')
            q++;
        if (q != start) {
            memmove(start, q, (size_t)(out + len - q) + 1);
            len -= (int)(q - start);
        }
    }
    return len;
}

/* The compact text of an accepted value (or "key":value run) [p, end):
 * white space outside strings dropped, strings canonical, "-0" as "0"
 * (jansson keeps it as the integer 0), reals as real_text gives them.
 * Never longer than the input plus REAL_TEXT_MAX a real. */
static char *canon_json(char *o, const char *p, const char *end)
{
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            p++;
        } else if (c == '"') {
            int esc = 0;
            const char *q = scan_string(p + 1, end, &esc);
            *o++ = '"';
            if (esc) {
                o = canon_string(o, p + 1, (size_t)(q - p - 1));
            } else {
                memcpy(o, p + 1, (size_t)(q - p - 1));
                o += q - p - 1;
            }
            *o++ = '"';
            p = q + 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const char *q = p + 1;
            int real = 0;
            while (q < end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
                               *q == '+' || *q == '-')) {
                real |= *q == '.' || *q == 'e' || *q == 'E';
                q++;
            }
            if (real) {
                o += real_text(p, (size_t)(q - p), o);
            } else if (q - p == 2 && p[0] == '-' && p[1] == '0') {
                *o++ = '0';
            } else {
                memcpy(o, p, (size_t)(q - p));
                o += q - p;
            }
            p = q;
        } else {
            *o++ = c;
            p++;
        }
    }
    return o;
}

static int key_is(const fmember *m, const char *k, size_t n)
{
    return m->keyn == n && memcmp(m->key, k, n) == 0;
}

/* 1: the line is a good document and doc holds it; 0: undecided (ask
 * parse_tree); DT_ENOMEM. The line is valid UTF-8. */
static int parse_fast(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                      const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                      dt_error *err)
{
    const char *end = line + n;
    const char *p = skip_ws(line, end);
    fmember m[FAST_MEMBERS];
    size_t nm = 0, nreal = 0;
    if (p >= end || *p != '{')
        return 0;
    p = scan_members(p + 1, end, 1, m, &nm, &nreal);
    if (!p || skip_ws(p, end) != end)
        return 0;

    const fmember *mid = NULL, *mtext = NULL, *mdate = NULL;
    size_t extra_bytes = 0, nextra = 0;
    for (size_t i = 0; i < nm; i++) {
        if (key_is(&m[i], "id", 2)) {
            mid = &m[i];
        } else if (key_is(&m[i], "text", 4)) {
            mtext = &m[i];
        } else if (key_is(&m[i], "date", 4)) {
            mdate = &m[i];
        } else {
            nextra++;
            extra_bytes += m[i].keyn + 4 + (size_t)(m[i].vend - m[i].val);
        }
    }
    /* An empty raw id is the only way to an empty decoded one: \u0000 is
     * never accepted. */
    if (!mid || mid->type != FV_STR || mid->vend - mid->val == 2 || !mtext || mtext->type != FV_STR)
        return 0;
    int32_t date = default_date;
    if (mdate && mdate->type != FV_NULL) {
        char ds[64];
        size_t dn = (size_t)(mdate->vend - mdate->val) - 2;
        if (mdate->type != FV_STR || dn > sizeof ds)
            return 0;
        dn = (size_t)(decode(ds, mdate->val + 1, dn) - ds);
        if (dt_date_parse(ds, dn, &date) < 0)
            return 0;
    }

    /* Allocation in the order parse_tree does it: id, text, extra. */
    size_t idn = (size_t)(mid->vend - mid->val) - 2;
    size_t tn = (size_t)(mtext->vend - mtext->val) - 2;
    char *id = dt_arena_alloc(a, idn + 1);
    char *text = id ? dt_arena_alloc(a, tn + 1) : NULL;
    if (!id || !text)
        return dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
    idn = (size_t)(decode(id, mid->val + 1, idn) - id);
    id[idn] = '\0';
    tn = (size_t)(decode(text, mtext->val + 1, tn) - text);
    text[tn] = '\0';
    /* Decoded escapes are valid UTF-8 by construction; checked anyway, as
     * parse_tree does, so that the two can never disagree. */
    if (mtext->esc && dt_utf8_validate(text, tn, NULL) != DT_OK)
        return 0;

    memset(doc, 0, sizeof *doc);
    doc->kind = DT_REC_DOC;
    doc->line = lineno;
    doc->offset = offset;
    doc->date = date;
    doc->id = (dt_str){id, idn};
    doc->text = (dt_str){text, tn};
    if (nextra) {
        char *buf = dt_arena_alloc(a, extra_bytes + 2 + 1 + nreal * REAL_TEXT_MAX);
        if (!buf)
            return dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
        char *o = buf;
        *o++ = '{';
        for (size_t i = 0; i < nm; i++) {
            if (&m[i] == mid || &m[i] == mtext || &m[i] == mdate)
                continue;
            if (o > buf + 1)
                *o++ = ',';
            *o++ = '"';
            memcpy(o, m[i].key, m[i].keyn);
            o += m[i].keyn;
            *o++ = '"';
            *o++ = ':';
            o = canon_json(o, m[i].val, m[i].vend);
        }
        *o++ = '}';
        *o = '\0';
        doc->extra = (dt_str){buf, (size_t)(o - buf)};
    }
    return 1;
}

int dt__jsonl_parse_jansson(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                            const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                            dt_error *err)
{
    int rc = dt__check_utf8(line, n, name, lineno, offset, "JSON line", err);
    if (rc < 0)
        return rc;
    return parse_tree(line, n, lineno, offset, name, default_date, a, doc, err);
}

int dt__jsonl_parse_fast(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                         const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                         dt_error *err)
{
    if (dt_utf8_validate(line, n, NULL) != DT_OK)
        return 0;
    return parse_fast(line, n, lineno, offset, name, default_date, a, doc, err);
}

int dt__jsonl_parse(const char *line, size_t n, uint64_t lineno, uint64_t offset, const char *name,
                    int32_t default_date, dt_arena *a, dt_doc *doc, dt_error *err)
{
    int rc = dt__check_utf8(line, n, name, lineno, offset, "JSON line", err);
    if (rc < 0)
        return rc;
    rc = parse_fast(line, n, lineno, offset, name, default_date, a, doc, err);
    if (rc != 0)
        return rc < 0 ? rc : DT_OK;
    return parse_tree(line, n, lineno, offset, name, default_date, a, doc, err);
}
