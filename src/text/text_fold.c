/* Normalisation of token text for dictionary matching. */
#include "text/text_internal.h"

#include <string.h>

#include <utf8proc.h>

/* Compatibility decomposition (ligatures, full-width forms, "…"), case
 * folding (so "ß" becomes "ss" before upper-casing), and removal of marks
 * and default-ignorable characters (soft hyphen, zero-width joiners). The
 * canonical decomposition done here lets STRIPMARK take the accent off "é";
 * COMPOSE then rebuilds what is left (Hangul syllables). */
#define FOLD_OPTS                                                                                  \
    (UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

#define RUN_CAP 64

typedef struct {
    char *out;
    size_t o, lim;
    int full; /* output limit reached: stop everything */
} sink;

static void put_ascii(sink *k, const char *a)
{
    for (; *a; a++) {
        if (k->o >= k->lim) {
            k->full = 1;
            return;
        }
        k->out[k->o++] = (char)dt__text_fold_ascii[(unsigned char)*a];
    }
}

static void put_cp(sink *k, int32_t cp)
{
    if (cp < 0x80) {
        if (k->o >= k->lim) {
            k->full = 1;
            return;
        }
        k->out[k->o++] = (char)dt__text_fold_ascii[cp];
        return;
    }
    const char *sp = dt__text_special(cp);
    if (sp) {
        put_ascii(k, sp);
        return;
    }
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t el = utf8proc_encode_char(utf8proc_toupper(cp), tmp);
    if (el <= 0)
        return;
    /* Never emit half a character: the output must stay valid UTF-8. */
    if (k->o + (size_t)el > k->lim) {
        k->full = 1;
        return;
    }
    memcpy(k->out + k->o, tmp, (size_t)el);
    k->o += (size_t)el;
}

static void flush_run(sink *k, int32_t *run, size_t *nrun)
{
    if (!*nrun)
        return;
    utf8proc_ssize_t m = utf8proc_normalize_utf32(run, (utf8proc_ssize_t)*nrun, FOLD_OPTS);
    for (utf8proc_ssize_t j = 0; j < m && !k->full; j++)
        put_cp(k, run[j]);
    *nrun = 0;
}

/* Not inlined: its buffers would come back into every call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t
fold_rest(const unsigned char *s, size_t n, size_t i, char *out, size_t cap);

size_t dt_text_fold(const char *str, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)str;
    /* Leading ASCII (all of most words, and of every dictionary word the
     * loaders intern) through the table alone: what fold_rest does for
     * it, with one test a byte instead of four, and without its buffers
     * (which ASan sets up on every call). */
    size_t lim = cap - 1, i = 0, ascii_end = n < lim ? n : lim;
    while (i < ascii_end && s[i] < 0x80) {
        out[i] = (char)dt__text_fold_ascii[s[i]];
        i++;
    }
    if (i == n) {
        out[i] = '\0';
        return i;
    }
    return fold_rest(s, n, i, out, cap);
}

/* dt_text_fold from s[i] on, out[0..i) being written already. */
static size_t fold_rest(const unsigned char *s, size_t n, size_t i, char *out, size_t cap)
{
    sink k = {out, i, cap - 1, 0};
    int32_t run[RUN_CAP];
    size_t nrun = 0;
    while (i < n && !k.full) {
        unsigned c = s[i];
        if (c < 0x80) {
            /* The fast path: a table lookup, no utf8proc call. */
            if (nrun)
                flush_run(&k, run, &nrun);
            if (k.o >= k.lim) {
                k.full = 1;
                break;
            }
            out[k.o++] = (char)dt__text_fold_ascii[c];
            i++;
            continue;
        }
        int32_t cp;
        i += dt__utf8_decode(s + i, n - i, &cp);
        if (cp < 0) {
            flush_run(&k, run, &nrun);
            put_cp(&k, 0xFFFD);
            continue;
        }
        const char *sp = dt__text_special(cp);
        if (sp) {
            flush_run(&k, run, &nrun);
            put_ascii(&k, sp);
            continue;
        }
        int bound = 0;
        utf8proc_ssize_t r = utf8proc_decompose_char(
            cp, run + nrun, (utf8proc_ssize_t)(RUN_CAP - nrun), FOLD_OPTS, &bound);
        if (r > (utf8proc_ssize_t)(RUN_CAP - nrun)) {
            flush_run(&k, run, &nrun);
            bound = 0;
            r = utf8proc_decompose_char(cp, run, RUN_CAP, FOLD_OPTS, &bound);
        }
        if (r < 0 || r > RUN_CAP) {
            put_cp(&k, 0xFFFD);
            continue;
        }
        nrun += (size_t)r;
    }
    if (!k.full)
        flush_run(&k, run, &nrun);
    out[k.o] = '\0';
    return k.o;
}
