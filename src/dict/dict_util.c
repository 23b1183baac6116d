/* detente dict — shared machinery: growable arrays, warnings, the word
 * interner, the comment-stripping line reader and English inflection. */
#include "dict/dict_impl.h"

#include "detente/text.h"

#include <stdio.h>
#include <string.h>

int dt__dict_vec_reserve(void **p, size_t *cap, size_t n, size_t need, size_t elsize)
{
    if (n + need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < n + need) {
        if (nc > ((size_t)-1 / 2) / elsize)
            return DT_ENOMEM;
        nc *= 2;
    }
    void *q = dt_realloc(*p, nc * elsize);
    if (!q)
        return DT_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

int dt__dict_oom(dt_dicts *d)
{
    d->oom = 1;
    return DT_ENOMEM;
}

int dt__dict_generate(dt_dicts *d, uint32_t file, uint32_t line)
{
    size_t max = d->opt.max_generated && d->opt.max_generated < DT_DICT_MAX_GENERATED
                     ? d->opt.max_generated
                     : DT_DICT_MAX_GENERATED;
    if (d->generated++ == max)
        dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "expansion makes more than %zu phrases in all; the rest of this and "
                      "later expanded entries skipped",
                      max);
    if (d->generated > max) {
        d->generated = max + 1; /* no wrap */
        return 1;
    }
    return 0;
}

const char *dt__dict_strdup(dt_dicts *d, const char *s, size_t n)
{
    char *r = dt_arena_strndup(d->arena, s, n);
    if (!r) {
        dt__dict_oom(d);
        return "";
    }
    return r;
}

static uint32_t hash_bytes(const char *s, size_t n);

const char *dt__dict_codestr(dt_dicts *d, const char *s, size_t n)
{
    if (!d->ctab || (d->ncodes_uniq + 1) * 2 > d->ctab_mask + 1) {
        uint32_t ncap = d->ctab ? (d->ctab_mask + 1) * 2 : 1u << 10;
        const char **t = dt_calloc(ncap, sizeof *t);
        if (!t) {
            dt__dict_oom(d);
            return "";
        }
        for (uint32_t i = 0; d->ctab && i <= d->ctab_mask; i++) {
            if (!d->ctab[i])
                continue;
            uint32_t j = hash_bytes(d->ctab[i], strlen(d->ctab[i])) & (ncap - 1);
            while (t[j])
                j = (j + 1) & (ncap - 1);
            t[j] = d->ctab[i];
        }
        dt_free(d->ctab);
        d->ctab = t;
        d->ctab_mask = ncap - 1;
    }
    uint32_t i = hash_bytes(s, n) & d->ctab_mask;
    while (d->ctab[i]) {
        if (strncmp(d->ctab[i], s, n) == 0 && d->ctab[i][n] == '\0')
            return d->ctab[i];
        i = (i + 1) & d->ctab_mask;
    }
    const char *c = dt_arena_strndup(d->arena, s, n);
    if (!c) {
        dt__dict_oom(d);
        return "";
    }
    d->ctab[i] = c;
    d->ncodes_uniq++;
    return c;
}

void dt__dict_warn(dt_dicts *d, uint32_t file, uint32_t line, int sev, int kind, const char *fmt,
                   ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev < 0 || sev > 2)
        sev = DT_DICT_SEV_ERROR;
    d->sev_count[sev]++;
    d->nwarn_total++;
    dt_dict_warning w;
    memset(&w, 0, sizeof w); /* the padding goes into compiled caches */
    w.severity = sev;
    w.kind = kind;
    w.file = file < d->src_names.n ? d->src_names.p[file] : "?";
    w.line = line;
    w.msg = msg;
    if (d->opt.on_warning)
        d->opt.on_warning(d->opt.ud, &w);
    uint32_t cap = d->opt.max_warnings ? d->opt.max_warnings : 100000;
    if (d->warns.n >= cap)
        return;
    w.msg = dt__dict_strdup(d, msg, strlen(msg));
    (void)DT__VEC_PUSH(d, d->warns, w);
}

/* ---- interner ---- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    /* FNV-1a: words are short, so a simple byte hash is as fast as any. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

uint32_t dt__dict_hash_bytes(const char *s, size_t n)
{
    return hash_bytes(s, n);
}

static int wtab_grow(dt_dicts *d)
{
    uint32_t ncap = d->wtab ? (d->wtab_mask + 1) * 2 : 1u << 10;
    uint64_t *t = dt_calloc(ncap, sizeof *t);
    if (!t)
        return dt__dict_oom(d);
    uint32_t mask = ncap - 1;
    for (uint32_t id = 1; id < d->nwords; id++) {
        uint32_t i = d->whash[id] & mask;
        while (t[i])
            i = (i + 1) & mask;
        t[i] = (uint64_t)d->whash[id] << 32 | id;
    }
    dt_free(d->wtab);
    d->wtab = t;
    d->wtab_mask = mask;
    return 0;
}

static uint32_t lookup(const dt_dicts *d, const char *s, size_t n, uint32_t h)
{
    if (!d->wtab)
        return 0;
    uint32_t i = h & d->wtab_mask;
    for (;;) {
        uint64_t slot = d->wtab[i];
        if (!slot)
            return 0;
        uint32_t id = (uint32_t)slot;
        if ((uint32_t)(slot >> 32) == h && d->wlen[id] == n && memcmp(d->words[id], s, n) == 0)
            return id;
        i = (i + 1) & d->wtab_mask;
    }
}

uint32_t dt_dict_word_id(const dt_dicts *d, const char *norm, size_t n)
{
    if (!d || !norm || n == 0)
        return 0;
    return lookup(d, norm, n, hash_bytes(norm, n));
}

void dt__dict_prefix_hashes(const char *s, size_t n, uint32_t *h)
{
    /* FNV-1a reads the bytes in order, so its state after L bytes is the
     * hash of the L-byte prefix. */
    uint32_t x = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        x ^= (unsigned char)s[i];
        x *= 16777619u;
        h[i] = x;
    }
}

uint32_t dt_dict_word_id_fnv(const dt_dicts *d, const char *norm, size_t n, uint32_t fnv1a)
{
    if (!d || !norm || n == 0)
        return 0;
    return lookup(d, norm, n, fnv1a ? fnv1a : hash_bytes(norm, n));
}

/* memcmp(a, b, n) == 0 for the short words the table holds, without a
 * library call: eight bytes a step and the last eight overlapping, or
 * (shorter words) the first and last four or two bytes overlapping. */
static inline int bytes_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    uint16_t p, q;
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return 0;
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    if (n >= 2) {
        memcpy(&p, a, 2);
        memcpy(&q, b, 2);
        if (p != q)
            return 0;
        memcpy(&p, a + n - 2, 2);
        memcpy(&q, b + n - 2, 2);
        return p == q;
    }
    return n == 0 || a[0] == b[0];
}

void dt_dict_token_word_ids(const dt_dicts *d, const dt_token *tok, size_t n, uint32_t *ids)
{
    if (!d || !d->wtab) {
        for (size_t i = 0; i < n; i++)
            ids[i] = 0;
        return;
    }
    /* lookup() inline, with the table read once for the sentence */
    const uint64_t *tab = d->wtab;
    const uint32_t mask = d->wtab_mask, *wlen = d->wlen;
    const char *const *words = d->words;
    for (size_t i = 0; i < n; i++) {
        const char *s = tok[i].norm;
        size_t m = s ? tok[i].norm_len : 0;
        uint32_t id = 0;
        if (m) {
            uint32_t h = tok[i].norm_hash ? tok[i].norm_hash : hash_bytes(s, m);
            for (uint32_t j = h & mask;; j = (j + 1) & mask) {
                uint64_t slot = tab[j];
                if (!slot)
                    break;
                uint32_t c = (uint32_t)slot;
                if ((uint32_t)(slot >> 32) == h && wlen[c] == m && bytes_eq(words[c], s, m)) {
                    id = c;
                    break;
                }
            }
        }
        ids[i] = id;
    }
}

uint32_t dt__dict_word_id_hashed(const dt_dicts *d, const char *s, size_t n, uint32_t h)
{
    if (!d || !s || n == 0)
        return 0;
    return lookup(d, s, n, h);
}

/* The intern memo: direct-mapped by the FNV-1a hash of a word's raw
 * bytes, words of up to IMEMO_BYTES bytes. An agent entry with
 * substitution sets is re-read in each of its up to 4,096 forms (a
 * marker's item may join the word before it, so the forms are text, not
 * word lists), and folding every word of every form again was 42% of the
 * instructions of the agents fuzz corpus; issue forms re-read their
 * joined parts the same way. Only on during those expansions:
 * over plain files the hits are too few to pay for the raw hash (on for
 * every word, the Phoenix load took 1.6% more instructions). An id never
 * changes once given, so a hit is exact. */
#define IMEMO_SLOTS 512
#define IMEMO_BYTES 55
struct dt__imemo {
    uint32_t h, id;
    uint8_t n;
    char s[IMEMO_BYTES];
};
/* Longer words (up to IMEMO_LONG_MAX bytes) in a second, smaller memo
 * whose keys live on the heap: rare in real dictionaries, but an expansion
 * repeats them too, and folding them again was a fifth of the agents
 * corpus' instructions after the memo above. */
#define IMEMO_LONG_SLOTS 64
#define IMEMO_LONG_MAX 4096
struct dt__imemo_long {
    uint32_t h, id, n, cap;
    char *s;
};

/* The interning itself (n > 0): fold, look up, add. */
static inline uint32_t intern_fold(dt_dicts *d, const char *s, size_t n)
{
    char buf[DT_MAX_TOKEN_BYTES + 8];
    /* Dictionary words take exactly the form tokens' `norm` takes, so the
     * coder can compare ids; dt_text_fold is the one definition of it. */
    size_t m = dt_text_fold(s, n, buf, sizeof buf);
    if (m == 0)
        return 0;
    uint32_t h = hash_bytes(buf, m);
    uint32_t id = lookup(d, buf, m, h);
    if (id)
        return id;
    if (d->nwords + 1 >= d->capwords) {
        uint32_t nc = d->capwords ? d->capwords * 2 : 512;
        const char **w = dt_realloc(d->words, nc * sizeof *w);
        if (!w) {
            dt__dict_oom(d);
            return 0;
        }
        d->words = w;
        uint32_t *l = dt_realloc(d->wlen, nc * sizeof *l);
        if (!l) {
            dt__dict_oom(d);
            return 0;
        }
        d->wlen = l;
        uint32_t *hh = dt_realloc(d->whash, nc * sizeof *hh);
        if (!hh) {
            dt__dict_oom(d);
            return 0;
        }
        d->whash = hh;
        if (!d->capwords) { /* id 0, the unknown word, is never interned */
            d->words[0] = NULL;
            d->wlen[0] = 0;
            d->whash[0] = 0;
        }
        d->capwords = nc;
    }
    if (!d->wtab || (d->nwords + 1) * 2 > d->wtab_mask + 1) {
        if (wtab_grow(d))
            return 0;
    }
    const char *copy = dt_arena_strndup(d->arena, buf, m);
    if (!copy) {
        dt__dict_oom(d);
        return 0;
    }
    id = d->nwords++;
    d->words[id] = copy;
    d->wlen[id] = (uint32_t)m;
    d->whash[id] = h;
    uint32_t i = h & d->wtab_mask;
    while (d->wtab[i])
        i = (i + 1) & d->wtab_mask;
    d->wtab[i] = (uint64_t)h << 32 | id;
    return id;
}

/* A word of 1 to IMEMO_BYTES bytes while the memo is on. Kept out of
 * line: in dt__dict_intern itself it cost every plain word a longer
 * prologue (Phoenix load +1.4% instructions). */
static __attribute__((noinline)) uint32_t intern_memo(dt_dicts *d, const char *s, size_t n)
{
    if (!d->imemo) {
        d->imemo = dt_calloc(IMEMO_SLOTS, sizeof *d->imemo);
        if (!d->imemo)
            return intern_fold(d, s, n);
    }
    uint32_t h = hash_bytes(s, n);
    struct dt__imemo *e = &d->imemo[h & (IMEMO_SLOTS - 1)];
    if (e->n == n && e->h == h && memcmp(e->s, s, n) == 0)
        return e->id;
    uint32_t id = intern_fold(d, s, n);
    if (!d->oom) {
        e->h = h;
        e->id = id;
        e->n = (uint8_t)n;
        memcpy(e->s, s, n);
    }
    return id;
}

/* The same for a word of IMEMO_BYTES + 1 to IMEMO_LONG_MAX bytes. A key
 * buffer that cannot grow leaves its slot as it was: the memo is optional. */
static __attribute__((noinline)) uint32_t intern_memo_long(dt_dicts *d, const char *s, size_t n)
{
    if (!d->imemo_long) {
        d->imemo_long = dt_calloc(IMEMO_LONG_SLOTS, sizeof *d->imemo_long);
        if (!d->imemo_long)
            return intern_fold(d, s, n);
    }
    uint32_t h = hash_bytes(s, n);
    struct dt__imemo_long *e = &d->imemo_long[h & (IMEMO_LONG_SLOTS - 1)];
    if (e->n == n && e->h == h && memcmp(e->s, s, n) == 0)
        return e->id;
    uint32_t id = intern_fold(d, s, n);
    if (d->oom)
        return id;
    if (e->cap < n) {
        char *b = dt_realloc(e->s, n);
        if (!b)
            return id;
        e->s = b;
        e->cap = (uint32_t)n;
    }
    e->h = h;
    e->id = id;
    e->n = (uint32_t)n;
    memcpy(e->s, s, n);
    return id;
}

void dt__dict_imemo_free(dt_dicts *d)
{
    if (d->imemo_long)
        for (size_t i = 0; i < IMEMO_LONG_SLOTS; i++)
            dt_free(d->imemo_long[i].s);
    dt_free(d->imemo_long);
    dt_free(d->imemo);
    d->imemo_long = NULL;
    d->imemo = NULL;
}

uint32_t dt__dict_intern(dt_dicts *d, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (d->imemo_on && n <= IMEMO_BYTES)
        return intern_memo(d, s, n);
    if (d->imemo_on && n <= IMEMO_LONG_MAX)
        return intern_memo_long(d, s, n);
    return intern_fold(d, s, n);
}

const char *dt_dict_word(const dt_dicts *d, uint32_t id)
{
    if (!d || id == 0 || id >= d->nwords)
        return "";
    return d->words[id];
}

uint32_t dt_dict_nwords(const dt_dicts *d)
{
    return d ? d->nwords : 0;
}

/* ---- strings ---- */

int dt__dict_isspace(int c)
{
    /* A table: one load instead of up to six tests (each of which the
     * fuzzers' comparison tracing calls out for). */
    static const unsigned char space[256] = {
        [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['\f'] = 1, ['\v'] = 1};
    return (unsigned)c < 256u && space[c];
}

void dt__dict_trim(const char **s, size_t *n)
{
    while (*n && dt__dict_isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && dt__dict_isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* ---- line reader ---- */

void dt__dict_lines_init(dt__lines *L, dt_dicts *d, uint32_t file, const char *data, size_t len,
                         int semicolon)
{
    /* A UTF-8 byte-order mark would hide a first "<!--" or "&NAME". */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    L->d = d;
    L->file = file;
    L->p = data;
    L->end = data + len;
    L->lineno = 0;
    L->semicolon = semicolon;
    L->map = d->linemap;
    L->nmap = d->nlinemap;
}

/* First occurrence of pat[0..pn) in [s, e): memchr on the first byte
 * keeps the per-line scan at memchr speed. */
static const char *find2(const char *s, const char *e, const char *pat, size_t pn)
{
    while (s + pn <= e) {
        const char *c = memchr(s, pat[0], (size_t)(e - s) - pn + 1);
        if (!c)
            return NULL;
        if (memcmp(c, pat, pn) == 0)
            return c;
        s = c + 1;
    }
    return NULL;
}

int dt__dict_lines_next(dt__lines *L, const char **out, size_t *outn, uint32_t *line)
{
    while (L->p < L->end) {
        const char *s = L->p;
        const char *nl = memchr(s, '\n', (size_t)(L->end - s));
        const char *e = nl ? nl : L->end;
        L->p = nl ? nl + 1 : L->end;
        L->lineno++;
        uint32_t here = L->lineno;
        if (L->map)
            here = here <= L->nmap ? L->map[here - 1] : 0;
        size_t n = (size_t)(e - s);
        if (n >= DT_DICT_MAX_LINE) {
            dt__dict_warn(L->d, L->file, here, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                          "line longer than %d bytes skipped", DT_DICT_MAX_LINE);
            continue;
        }
        /* Copy so that comments can be cut out of the middle of a line. */
        size_t o = 0;
        const char *q = s;
        /* PETRARCH skips any line that starts with "<!" (also the
         * malformed "<! -- ... -->" the validation actors file has). */
        const char *t = s;
        while (t < e && dt__dict_isspace((unsigned char)*t))
            t++;
        if (t + 1 < e && t[0] == '<' && t[1] == '!' && !(t + 3 < e && t[2] == '-' && t[3] == '-'))
            continue;
        while (q < e) {
            const char *open = find2(q, e, "<!--", 4);
            const char *stop = open ? open : e;
            size_t take = (size_t)(stop - q);
            if (o + take >= DT_DICT_MAX_LINE)
                take = DT_DICT_MAX_LINE - 1 - o; /* only after a multi-line comment */
            memcpy(L->buf + o, q, take);
            o += take;
            if (!open)
                break;
            const char *close = find2(open + 4, e, "-->", 3);
            if (close) {
                q = close + 3;
                continue;
            }
            /* A comment running over several lines: skip to its end. */
            for (;;) {
                if (L->p >= L->end) {
                    dt__dict_warn(L->d, L->file, here, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                                  "'<!--' comment never closed");
                    q = e;
                    break;
                }
                const char *s2 = L->p;
                const char *nl2 = memchr(s2, '\n', (size_t)(L->end - s2));
                const char *e2 = nl2 ? nl2 : L->end;
                L->p = nl2 ? nl2 + 1 : L->end;
                L->lineno++;
                const char *c2 = find2(s2, e2, "-->", 3);
                if (c2) {
                    q = c2 + 3;
                    e = e2;
                    break;
                }
            }
        }
        /* '#' comments (and ';' in the TABARI-derived files), found by
         * memchr rather than a test of every byte. */
        const char *hash = memchr(L->buf, '#', o);
        if (hash)
            o = (size_t)(hash - L->buf);
        const char *semi = L->semicolon ? memchr(L->buf, ';', o) : NULL;
        if (semi)
            o = (size_t)(semi - L->buf);
        while (o && dt__dict_isspace((unsigned char)L->buf[o - 1]))
            o--;
        size_t lead = 0;
        while (lead < o && dt__dict_isspace((unsigned char)L->buf[lead]))
            lead++;
        if (lead == o)
            continue;
        L->buf[o] = '\0';
        *out = L->buf;
        *outn = o;
        *line = here;
        return 1;
    }
    return 0;
}

/* ---- inflection ---- */

static int is_vowel(char c)
{
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

static int ends_sibilant(const char *w, size_t n)
{
    char c = w[n - 1];
    if (c == 'S' || c == 'X' || c == 'Z')
        return 1;
    return n >= 2 && w[n - 1] == 'H' && (w[n - 2] == 'C' || w[n - 2] == 'S');
}

size_t dt__dict_plural(const char *w, size_t n, char *out)
{
    memcpy(out, w, n);
    if (n == 0)
        return 0;
    if (ends_sibilant(w, n)) {
        memcpy(out + n, "ES", 2);
        return n + 2;
    }
    if (w[n - 1] == 'Y' && n >= 2 && !is_vowel(w[n - 2])) {
        memcpy(out + n - 1, "IES", 3);
        return n + 2;
    }
    out[n] = 'S';
    return n + 1;
}

size_t dt__dict_verb_s(const char *w, size_t n, char *out)
{
    return dt__dict_plural(w, n, out);
}

size_t dt__dict_verb_ed(const char *w, size_t n, char *out)
{
    memcpy(out, w, n);
    if (n == 0)
        return 0;
    if (w[n - 1] == 'E') {
        out[n] = 'D';
        return n + 1;
    }
    if (w[n - 1] == 'Y' && n >= 2 && !is_vowel(w[n - 2])) {
        memcpy(out + n - 1, "IED", 3);
        return n + 2;
    }
    memcpy(out + n, "ED", 2);
    return n + 2;
}

size_t dt__dict_verb_ing(const char *w, size_t n, char *out)
{
    memcpy(out, w, n);
    if (n == 0)
        return 0;
    if (n >= 3 && w[n - 1] == 'E' && w[n - 2] == 'I') { /* DIE -> DYING */
        memcpy(out + n - 2, "YING", 4);
        return n + 2;
    }
    /* Drop a silent E (MAKE -> MAKING) but not in AGREE, SEE, DYE. */
    if (n >= 3 && w[n - 1] == 'E' && w[n - 2] != 'E' && w[n - 2] != 'Y' && w[n - 2] != 'O') {
        memcpy(out + n - 1, "ING", 3);
        return n + 2;
    }
    memcpy(out + n, "ING", 3);
    return n + 3;
}

int dt_dict_parse_date(const char *s, size_t n, int32_t *out)
{
    while (n && dt__dict_isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && dt__dict_isspace((unsigned char)s[n - 1]))
        n--;
    if (n != 6 && n != 8)
        return DT_EDATE;
    int v[8];
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return DT_EDATE;
        v[i] = s[i] - '0';
    }
    int year, k;
    if (n == 8) {
        year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
        k = 4;
    } else {
        /* Two-digit years as KEDS/TABARI/PETRARCH read them. */
        year = v[0] * 10 + v[1];
        year += year <= 30 ? 2000 : 1900;
        k = 2;
    }
    int month = v[k] * 10 + v[k + 1];
    int day = v[k + 2] * 10 + v[k + 3];
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
        return DT_EDATE;
    if (month == 2 && day == 29) {
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (!leap)
            return DT_EDATE;
    }
    if (out)
        *out = (int32_t)(year * 10000 + month * 100 + day);
    return DT_OK;
}
