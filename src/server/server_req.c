/* detente — server: parsing the request target (path and query).
 *
 * libmicrohttpd would split and unescape the query itself, but then the
 * rules that matter for safety (what counts as a duplicate, what an
 * encoded slash or NUL does) would be its rules, spread over callbacks.
 * The daemon hands us the raw target instead and this one cursor-based
 * parser decides, so the fuzzer sees exactly what a socket client gets. */
#include "server_internal.h"

#include <stdio.h>
#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[0..n) into out (NUL-terminated). plus: '+' is a space (query).
 * path: encoded '/', '.', '\' are refused, since they are how traversal
 * hides from a path check. Returns 0 or -1 with msg set. */
static int decode(const char *s, size_t n, char *out, size_t *outn, int plus, int path, char *msg,
                  size_t msgcap, const char *what)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n) {
                snprintf(msg, msgcap, "%s: truncated percent-encoding", what);
                return -1;
            }
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) {
                snprintf(msg, msgcap, "%s: bad percent-encoding", what);
                return -1;
            }
            int h = hi * 16 + lo;
            if (h == 0) {
                snprintf(msg, msgcap, "%s: encoded NUL byte", what);
                return -1;
            }
            if (path && (h == '/' || h == '.' || h == '\\')) {
                snprintf(msg, msgcap, "path: encoded '%c' is not allowed", h);
                return -1;
            }
            if (h < 0x20 || h == 0x7F) {
                snprintf(msg, msgcap, "%s: encoded control character", what);
                return -1;
            }
            out[k++] = (char)h;
            i += 2;
        } else if (c == '+' && plus) {
            out[k++] = ' ';
        } else {
            out[k++] = (char)c;
        }
    }
    out[k] = '\0';
    *outn = k;
    return 0;
}

int dt__req_parse(dt__req *r, const char *target, size_t n, char *msg, size_t msgcap)
{
    memset(r, 0, offsetof(dt__req, store));
    msg[0] = '\0';
    if (n > DT_SERVER_MAX_URI) {
        snprintf(msg, msgcap, "request target longer than %d bytes", DT_SERVER_MAX_URI);
        return 414;
    }
    if (n == 0 || target[0] != '/') {
        snprintf(msg, msgcap, "request target must start with '/'");
        return 400;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c <= 0x20 || c == 0x7F || c == '#' || c == '\\') {
            snprintf(msg, msgcap, "request target: byte %zu (0x%02x) is not allowed", i, c);
            return 400;
        }
    }
    const char *q = memchr(target, '?', n);
    size_t pathn = q ? (size_t)(q - target) : n;
    char *w = r->store;
    size_t k;
    if (decode(target, pathn, w, &k, 0, 1, msg, msgcap, "path") < 0)
        return 400;
    r->path = w;
    /* Dot segments and empty segments: refused rather than normalised, so
     * that one resource has one spelling (and one cache key). */
    for (const char *p = w; *p;) {
        const char *seg = p + 1;
        const char *e = strchr(seg, '/');
        size_t sl = e ? (size_t)(e - seg) : strlen(seg);
        if ((sl == 1 && seg[0] == '.') || (sl == 2 && seg[0] == '.' && seg[1] == '.')) {
            snprintf(msg, msgcap, "path: '.' and '..' segments are not allowed");
            return 400;
        }
        if (sl == 0 && e) {
            snprintf(msg, msgcap, "path: empty segment ('//')");
            return 400;
        }
        if (!e)
            break;
        p = e;
    }
    w += k + 1;
    if (!q)
        return 0;
    const char *p = q + 1, *end = target + n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        if (pe > p) {
            if (r->nparam == DT_SERVER_MAX_PARAMS) {
                snprintf(msg, msgcap, "more than %d query parameters", DT_SERVER_MAX_PARAMS);
                return 400;
            }
            const char *eq = memchr(p, '=', (size_t)(pe - p));
            const char *ke = eq ? eq : pe;
            dt__param *pr = &r->param[r->nparam];
            if (decode(p, (size_t)(ke - p), w, &k, 1, 0, msg, msgcap, "query") < 0)
                return 400;
            if (k == 0) {
                snprintf(msg, msgcap, "query: empty parameter name");
                return 400;
            }
            pr->key = w;
            w += k + 1;
            if (eq) {
                if (decode(eq + 1, (size_t)(pe - eq - 1), w, &k, 1, 0, msg, msgcap, "query") < 0)
                    return 400;
            } else {
                w[0] = '\0';
                k = 0;
            }
            pr->val = w;
            w += k + 1;
            for (size_t i = 0; i < r->nparam; i++)
                if (!strcmp(r->param[i].key, pr->key)) {
                    snprintf(msg, msgcap, "parameter '%.64s' given more than once", pr->key);
                    return 400;
                }
            r->nparam++;
        }
        p = pe + 1;
    }
    return 0;
}

/* Bytes that stand for themselves in a key; everything else is %XX, so
 * '&' and '=' inside values cannot make two requests share a key. */
static int keep(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ',' || c == ':' || c == '*' || c == '=';
}

static void put_enc(dt__jb *b, const char *s, int eq_ok)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (keep(*u) && (eq_ok || *u != '=')) {
            dt__jb_put(b, (const char *)u, 1);
        } else {
            char e[3] = {'%', hex[*u >> 4], hex[*u & 15]};
            dt__jb_put(b, e, 3);
        }
    }
}

void dt__req_key(const dt__req *r, dt__jb *out)
{
    size_t ord[DT_SERVER_MAX_PARAMS];
    for (size_t i = 0; i < r->nparam; i++)
        ord[i] = i;
    for (size_t i = 1; i < r->nparam; i++) /* insertion sort: n <= 24 */
        for (size_t j = i; j > 0 && strcmp(r->param[ord[j - 1]].key, r->param[ord[j]].key) > 0;
             j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    put_enc(out, r->path, 1);
    for (size_t i = 0; i < r->nparam; i++) {
        dt__jb_put(out, i ? "&" : "?", 1);
        put_enc(out, r->param[ord[i]].key, 0);
        dt__jb_put(out, "=", 1);
        put_enc(out, r->param[ord[i]].val, 0);
    }
}
