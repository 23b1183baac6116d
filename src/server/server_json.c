/* detente — server: a capped growing buffer and the JSON it writes.
 *
 * Responses are built by appending; a failure (out of memory, or a body
 * over DT__JB_MAX) is sticky, so handlers append freely and check once at
 * the end instead of after every call. */
#include "server_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int jb_grow(dt__jb *b, size_t add)
{
    if (b->failed)
        return -1;
    if (add > DT__JB_MAX || b->n + add > DT__JB_MAX) {
        b->failed = 1;
        return -1;
    }
    if (b->n + add + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + add + 1)
        cap *= 2;
    char *p = dt_realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void dt__jb_put(dt__jb *b, const char *s, size_t n)
{
    if (jb_grow(b, n) < 0)
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void dt__jb_puts(dt__jb *b, const char *s)
{
    dt__jb_put(b, s, strlen(s));
}

void dt__jb_printf(dt__jb *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)k < sizeof tmp) {
        dt__jb_put(b, tmp, (size_t)k);
        return;
    }
    if (jb_grow(b, (size_t)k) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid (overlong
 * forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        min = 0x10000;
    } else
        return 0;
    if (n < k)
        return 0;
    unsigned cp = c & (0x3Fu >> (k - 1));
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

void dt__jb_strn(dt__jb *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    dt__jb_put(b, "\"", 1);
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t k = c < 0x80 ? 1 : utf8_len(u + i, n - i);
        if (c >= 0x80 && k > 0) {
            i += k;
            continue;
        }
        dt__jb_put(b, s + run, i - run);
        if (c == '"')
            dt__jb_put(b, "\\\"", 2);
        else if (c == '\\')
            dt__jb_put(b, "\\\\", 2);
        else if (c == '\n')
            dt__jb_put(b, "\\n", 2);
        else if (c == '\t')
            dt__jb_put(b, "\\t", 2);
        else if (c == '\r')
            dt__jb_put(b, "\\r", 2);
        else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            dt__jb_put(b, e, 6);
        } else
            dt__jb_put(b, "\xEF\xBF\xBD", 3); /* invalid UTF-8 byte */
        i++;
        run = i;
    }
    dt__jb_put(b, s + run, n - run);
    dt__jb_put(b, "\"", 1);
}

void dt__jb_str(dt__jb *b, const char *s)
{
    dt__jb_strn(b, s ? s : "", s ? strlen(s) : 0);
}

void dt__jb_num(dt__jb *b, double v)
{
    if (!isfinite(v))
        v = 0;
    /* %.17g round-trips but prints 1.9 as 1.8999999999999999; Goldstein
     * weights and sums of them read better with 12 significant digits. */
    char tmp[40];
    int k = snprintf(tmp, sizeof tmp, "%.12g", v);
    if (k > 0)
        dt__jb_put(b, tmp, (size_t)k);
}

void dt__jb_date(dt__jb *b, int32_t d)
{
    if (d <= 0) {
        dt__jb_put(b, "null", 4);
        return;
    }
    dt__jb_printf(b, "\"%04d-%02d-%02d\"", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

void dt__jb_free(dt__jb *b)
{
    dt_free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->failed = 0;
}
