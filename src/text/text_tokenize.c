/* Sentence splitting and Penn-Treebank-style tokenisation of raw text.
 *
 * One left-to-right pass over the bytes. Each token is classified as it is
 * produced, and the sentence boundary in front of it is decided right then
 * from a small "pending" state left by the previous tokens (a full stop, an
 * ellipsis, an abbreviation that may end a sentence). So no token is ever
 * moved, and the only lookahead is the next token itself.
 *
 * Memory: three areas carved from one arena allocation (see analyse()).
 * Tokens and sentences that outgrow it are copied to a larger arena array
 * (geometric growth). Normalised strings are packed into chunks that are
 * never moved, so a token's norm pointer stays valid as chunks are added.
 */
#include "text/text_internal.h"

#include <string.h>

enum kind {
    K_WORD,
    K_ABBR_END,   /* abbreviation that may end a sentence: U.S. Inc. */
    K_ABBR_TITLE, /* abbreviation that never does: Mr. Gen. No. 5 */
    K_TERM,       /* . ? ! ?! */
    K_ELLIPSIS,   /* ... … . . . */
    K_OQUOTE,
    K_CQUOTE,
    K_OPEN,  /* ( [ { */
    K_CLOSE, /* ) ] } */
    K_PUNCT,
    K_CLITIC
};

enum pend {
    P_NONE,
    P_TERM,     /* after . ? ! (and any closing quotes/brackets since) */
    P_ELLIPSIS, /* after an ellipsis */
    P_ABBREV,   /* after an abbreviation that may end the sentence */
    P_PARA = 8  /* flag: a blank line before the next token */
};

/* The pending state a token of each kind leaves behind. */
static const unsigned char pend_of_kind[K_CLITIC + 1] = {
    [K_TERM] = P_TERM, [K_ELLIPSIS] = P_ELLIPSIS, [K_ABBR_END] = P_ABBREV};

#define CL(c) (dt__text_class[(unsigned char)(c)])

/* The word scanner's merged table: a byte's class (dt__text_class) in the
 * low byte and its ASCII fold (dt__text_fold_ascii) in the high byte, so
 * one load per byte gives both; WT_MORE marks the bytes after which a word
 * may go on (any byte >= 0x80 and - ' . , : / &), so a word that ends at
 * anything else (space, most punctuation) skips those tests. Written as
 * constant expressions of the byte; dt__text_word_table_ok() checks it
 * against the two tables (unit test). */
#define WT_MORE 0x80u
#define WT_CLASS(c)                                                                                \
    ((c) == 0                     ? 0x00u                                                          \
     : (c) <= 0x20 || (c) == 0x7F ? (unsigned)DT__CL_SPACE                                         \
     : (c) >= 0x80                ? (unsigned)DT__CL_HI                                            \
     : (c) >= '0' && (c) <= '9'   ? (unsigned)(DT__CL_DIGIT | DT__CL_WORD)                         \
     : (c) >= 'A' && (c) <= 'Z'   ? (unsigned)(DT__CL_UPPER | DT__CL_WORD)                         \
     : (c) >= 'a' && (c) <= 'z'   ? (unsigned)(DT__CL_LOWER | DT__CL_WORD)                         \
     : (c) == '_'                 ? (unsigned)DT__CL_WORD                                          \
                                  : (unsigned)DT__CL_PUNCT)
#define WT_FOLD(c)                                                                                 \
    ((c) < 0x20 || (c) == 0x7F  ? 0x20u                                                            \
     : (c) >= 'a' && (c) <= 'z' ? (unsigned)(c)-0x20u                                              \
                                : (unsigned)(c))
#define WT_IS_MORE(c)                                                                              \
    ((c) >= 0x80 || (c) == '-' || (c) == '\'' || (c) == '.' || (c) == ',' || (c) == ':' ||         \
     (c) == '/' || (c) == '&')
#define WT(c) (uint16_t)(WT_CLASS(c) | (WT_IS_MORE(c) ? WT_MORE : 0u) | WT_FOLD(c) << 8)
#define WT4(c) WT(c), WT((c) + 1), WT((c) + 2), WT((c) + 3)
#define WT16(c) WT4(c), WT4((c) + 4), WT4((c) + 8), WT4((c) + 12)
#define WT64(c) WT16(c), WT16((c) + 16), WT16((c) + 32), WT16((c) + 48)
static const uint16_t word_tab[256] = {WT64(0), WT64(64), WT64(128), WT64(192)};

int dt__text_word_table_ok(void)
{
    for (unsigned c = 0; c < 256; c++) {
        unsigned v = word_tab[c];
        if ((v & 0x7Fu) != dt__text_class[c] || (v >> 8) != dt__text_fold_ascii[c])
            return 0;
        int more = c >= 0x80 || c == '-' || c == '\'' || c == '.' || c == ',' || c == ':' ||
                   c == '/' || c == '&';
        if (!(v & WT_MORE) != !more)
            return 0;
    }
    return 1;
}
/* FNV-1a, 32 bits, over the bytes of a norm: dt_token.norm_hash. */
#define FNV_BASIS 2166136261u
#define FNV_STEP(h, c) (((h) ^ (uint32_t)(unsigned char)(c)) * 16777619u)

/* The per-token steps are small and run for every token: inlining them
 * into the scanners saves a call frame each (about a fifth of the time). */
#if defined(__GNUC__)
#define DT__HOT inline __attribute__((always_inline))
#else
#define DT__HOT inline
#endif

#define REPLACEMENT "\xEF\xBF\xBD"

typedef struct tz {
    dt_arena *a;
    const unsigned char *s;
    size_t n;
    dt_token *tok;
    size_t ntok, captok;
    size_t toklim; /* min(captok, first + DT_MAX_SENTENCE_TOKENS): push's one test */
    dt_sentence *sent;
    size_t nsent, capsent;
    char *nbp;       /* next free byte of the current chunk of normalised strings */
    char *nbend;     /* end of that chunk */
    size_t nbcap;    /* its size */
    size_t first;    /* first token of the open sentence */
    int pend;        /* enum pend, with P_PARA after a blank line: 0 = nothing pending */
    size_t pend_tok; /* token that set pend (only meaningful while pend is set) */
    int split;       /* 0: the whole text is one sentence (except the token limit) */
    unsigned pre;    /* flags of the next token known before it: DT_TOK_SPACE_BEFORE,
                        DT_TOK_SENT_START */
    int dq_open;     /* a double quotation is open (for ambiguous quotes) */
    int sq_open;     /* a single quotation is open */
    int nomem;
} tz;

/* ---- storage ---------------------------------------------------------- */

/* A new chunk, not a move: norms already handed out stay put. Returns 0
 * (and sets nomem) without one. */
static int norm_grow(tz *t, size_t need)
{
    size_t cap = t->nbcap > need ? t->nbcap : need;
    if (cap < 4096)
        cap = 4096;
    char *p = dt_arena_alloc(t->a, cap);
    if (!p) {
        t->nomem = 1;
        return 0;
    }
    t->nbp = p;
    t->nbend = p + cap;
    t->nbcap = cap;
    return 1;
}

/* Room for need bytes at the free end of the norm chunk, or NULL. */
static char *norm_space(tz *t, size_t need)
{
    if ((size_t)(t->nbend - t->nbp) < need && !norm_grow(t, need))
        return NULL;
    return t->nbp;
}

static void set_toklim(tz *t)
{
    size_t m = t->first + DT_MAX_SENTENCE_TOKENS;
    t->toklim = m < t->captok ? m : t->captok;
}

static void close_sentence(tz *t, uint32_t truncated)
{
    if (t->ntok == t->first)
        return;
    if (t->nsent == t->capsent) {
        size_t cap = t->capsent * 2;
        dt_sentence *p = dt_arena_grow(t->a, t->sent, t->capsent * sizeof *p, cap * sizeof *p);
        if (!p) {
            t->nomem = 1;
            return;
        }
        t->sent = p;
        t->capsent = cap;
    }
    const dt_token *a = &t->tok[t->first];
    const dt_token *z = &t->tok[t->ntok - 1];
    dt_sentence *st = &t->sent[t->nsent++];
    st->off = a->off;
    st->len = z->off + z->len - a->off;
    st->tok = (uint32_t)t->first;
    st->ntok = (uint32_t)(t->ntok - t->first);
    st->chunk = 0;
    st->nchunk = 0;
    st->main_vp = UINT32_MAX;
    st->cons = NULL;
    st->ncons = 0;
    st->truncated = truncated;
    t->first = t->ntok;
    t->pre |= DT_TOK_SENT_START;
    set_toklim(t);
}

/* The rare side of push(): a sentence at the token limit, or a full token
 * array. Returns 0 when no token can be pushed. */
static int push_room(tz *t)
{
    if (t->ntok - t->first >= DT_MAX_SENTENCE_TOKENS)
        close_sentence(t, 1);
    if (t->ntok == t->captok) {
        size_t cap = t->captok * 2;
        dt_token *p = dt_arena_grow(t->a, t->tok, t->captok * sizeof *p, cap * sizeof *p);
        if (!p) {
            t->nomem = 1;
            return 0;
        }
        t->tok = p;
        t->captok = cap;
        set_toklim(t);
    }
    return !t->nomem;
}

static DT__HOT dt_token *push(tz *t, size_t off, size_t len, unsigned flags, const char *norm,
                              size_t nlen, uint32_t hash)
{
    /* Callers have checked nomem (finish(), insert_period()). */
    if (t->ntok >= t->toklim && !push_room(t))
        return NULL;
    flags |= t->pre;
    t->pre = 0;
    dt_token *k = &t->tok[t->ntok++];
    k->off = (uint32_t)off;
    k->len = (uint32_t)len;
    k->norm = norm;
    k->norm_len = (uint16_t)nlen;
    k->flags = (uint16_t)flags;
    k->pos = DT_POS_NONE;
    k->chunk = DT_CHUNK_O;
    k->clause = 0;
    k->lemma = NULL;
    k->word_id = 0;
    k->norm_hash = hash;
    return k;
}

/* PTB writes a sentence-final abbreviation as "U.S." followed by ".": the
 * extra token shares the abbreviation's last byte. */
static void insert_period(tz *t)
{
    const dt_token *ab = &t->tok[t->ntok - 1];
    size_t off = ab->off + ab->len - 1;
    char *d = norm_space(t, 2);
    if (!d || t->nomem)
        return;
    d[0] = '.';
    d[1] = '\0';
    t->nbp += 2;
    push(t, off, 1, DT_TOK_PUNCT, d, 1, FNV_STEP(FNV_BASIS, '.'));
}

/* ---- sentence boundaries ---------------------------------------------- */

static int is_closer(int kind)
{
    return kind == K_CQUOTE || kind == K_CLOSE;
}

/* Is the pending abbreviation (the last token) "a.m." or "p.m."? */
static int is_clock_abbrev(const tz *t)
{
    if (t->ntok == 0 || t->pend_tok != t->ntok - 1)
        return 0;
    const dt_token *k = &t->tok[t->ntok - 1];
    return k->norm_len == 4 && (k->norm[0] == 'A' || k->norm[0] == 'P') &&
           memcmp(k->norm + 1, ".M.", 3) == 0;
}

/* Decide whether a sentence ends in front of the token about to be pushed
 * (its kind, flags and norm given), then update the pending state. Only
 * called with something pending (t->pend != 0): with nothing pending and
 * no blank line no boundary can fall here, and finish() sets the new
 * state itself. */
static DT__HOT void decide(tz *t, int kind, unsigned flags, const char *norm, size_t nlen,
                           int starts_lower)
{
    int para = t->pend & P_PARA;
    t->pend &= ~P_PARA;
    if (t->ntok > t->first && t->pend != P_NONE && is_closer(kind) && !para)
        return; /* '."' and '.)' stay with the sentence they close */
    int brk = 0;
    if (t->ntok > t->first) {
        if (para) {
            brk = 1;
        } else {
            switch (t->pend) {
            case P_TERM:
                /* A full stop ends the sentence unless what follows
                 * plainly continues it: a lower-case word ('"Why?" he
                 * asked'), more punctuation, or a clitic. */
                brk = !(starts_lower || kind == K_TERM || kind == K_ELLIPSIS || kind == K_CLITIC ||
                        (kind == K_PUNCT && nlen >= 1 &&
                         (norm[0] == ',' || norm[0] == ';' || norm[0] == ':' || norm[0] == '-')));
                break;
            case P_ELLIPSIS:
                /* "... since 2018... Analysts said": a capitalised word
                 * after an ellipsis starts a sentence, except inside a
                 * quotation, where ellipses mark elisions ("we will ...
                 * Israel must"). */
                brk = kind == K_WORD && (flags & DT_TOK_CAP) &&
                      (!t->dq_open || dt__is_opener(norm, nlen));
                break;
            case P_ABBREV:
                /* Names follow abbreviations far more often than new
                 * sentences do ("U.S. President"): openers only. */
                brk = kind == K_WORD && (flags & DT_TOK_CAP) && dt__is_opener(norm, nlen);
                /* "... at 6:50 p.m. Mrs. Yilmaz said": a clock time ends
                 * phrases, and an honorific after it starts a new
                 * sentence. Only after a.m./p.m.: "U.S. Gen. Smith" keeps
                 * the title with the name. */
                if (kind == K_ABBR_TITLE && (flags & DT_TOK_CAP) && is_clock_abbrev(t))
                    brk = 1;
                break;
            default:
                break;
            }
        }
    }
    if (brk && t->split) {
        if (t->pend == P_ABBREV && t->pend_tok == t->ntok - 1)
            insert_period(t);
        close_sentence(t, 0);
        /* A stray opening ' would otherwise turn every later "states'"
         * into a closing quote; single quotations rarely span sentences
         * (double ones often do, so dq_open stays). */
        t->sq_open = 0;
    }
    t->pend = pend_of_kind[kind];
    t->pend_tok = t->ntok;
}

/* ---- tokens ----------------------------------------------------------- */

static int is_word_class(int u)
{
    return u == DT__U_UPPER || u == DT__U_LOWER || u == DT__U_LETTER || u == DT__U_DIGIT ||
           u == DT__U_NUMBER || u == DT__U_FORMAT;
}

/* Is there a word character (letter, digit, '_') at s[j]? */
static int word_at(const tz *t, size_t j)
{
    if (j >= t->n)
        return 0;
    unsigned cl = CL(t->s[j]);
    if (cl & DT__CL_WORD)
        return 1;
    if (!(cl & DT__CL_HI))
        return 0;
    int32_t cp;
    dt__utf8_decode(t->s + j, t->n - j, &cp);
    return cp >= 0 && is_word_class(dt__text_uclass(cp));
}

static int alpha_at(const tz *t, size_t j)
{
    if (j >= t->n)
        return 0;
    unsigned cl = CL(t->s[j]);
    if (cl & DT__CL_ALPHA)
        return 1;
    if (!(cl & DT__CL_HI))
        return 0;
    int32_t cp;
    dt__utf8_decode(t->s + j, t->n - j, &cp);
    if (cp < 0)
        return 0;
    int u = dt__text_uclass(cp);
    return u == DT__U_UPPER || u == DT__U_LOWER || u == DT__U_LETTER;
}

static int has_hi(const unsigned char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] >= 0x80)
            return 1;
    return 0;
}

/* Numbers: "1,000" "3.5" "10:30" "1/2" "1990s" "'90s" ".5". */
static int is_number(const char *norm, size_t n)
{
    size_t i = 0;
    if (i < n && (norm[i] == '\'' || norm[i] == '.'))
        i++;
    if (i >= n || norm[i] < '0' || norm[i] > '9')
        return 0;
    for (; i < n; i++) {
        char c = norm[i];
        if ((c >= '0' && c <= '9') || c == ',' || c == '.' || c == ':' || c == '/')
            continue;
        if (c == 'S' && i == n - 1 && norm[i - 1] >= '0' && norm[i - 1] <= '9')
            continue;
        return 0;
    }
    return 1;
}

/* Append a token whose norm d[0..nlen) was just written at the free end
 * of the norm chunk: terminate and keep the norm, settle the sentence
 * boundary in front of the token, and push it. */
static DT__HOT void finish(tz *t, size_t off, size_t len, int kind, unsigned flags, char *d,
                           size_t nlen, int lower0, uint32_t hash)
{
    d[nlen] = '\0';
    t->nbp = d + nlen + 1;
    if ((flags & DT_TOK_DIGIT) && is_number(d, nlen))
        flags |= DT_TOK_NUMBER;
    if (t->pend) {
        decide(t, kind, flags, d, nlen, lower0);
        if (t->nomem)
            return;
    } else if (pend_of_kind[kind]) {
        /* The common case, a token after a word: no boundary can fall
         * here, only the new state (none after a word). */
        t->pend = pend_of_kind[kind];
        t->pend_tok = t->ntok;
    }
    push(t, off, len, flags, d, nlen, hash);
}

/* Produce one token: normalise it, compute its flags, settle the sentence
 * boundary before it, and append it. ov, when set, is its norm. */
static void emit(tz *t, size_t off, size_t len, int kind, unsigned xf, const char *ov, int nonascii)
{
    if (t->nomem)
        return;
    size_t ovlen = ov ? strlen(ov) : 0;
    /* Worst case of NFKC growth is about 11 bytes out per byte in (U+FDFA);
     * norm_len is 16 bits, and dt_text_fold truncates at its cap. */
    size_t need = ov ? ovlen + 1 : nonascii ? len * 12 + 16 : len + 1;
    if (need > UINT16_MAX)
        need = UINT16_MAX;
    char *d = norm_space(t, need);
    if (!d)
        return;
    const unsigned char *src = t->s + off;
    size_t nalpha = 0, nupper = 0, nlen;
    int cap = 0, digit = 0, lower0 = 0;
    if (ov) {
        /* Fixed norms are only given to punctuation (quotes, ellipses,
         * dashes, bad bytes), so there is nothing to classify. */
        memcpy(d, ov, ovlen);
        finish(t, off, len, kind, xf | DT_TOK_PUNCT, d, ovlen, 0, 0);
        return;
    }
    if (!nonascii) {
        /* Classify and fold each byte through the tables, with no branch
         * per byte. */
        unsigned seen = 0;
        for (size_t k = 0; k < len; k++) {
            unsigned c = src[k], cl = CL(c);
            seen |= cl;
            nupper += (cl >> 1) & 1u; /* DT__CL_UPPER */
            d[k] = (char)dt__text_fold_ascii[c];
        }
        nlen = len;
        digit = (seen & DT__CL_DIGIT) != 0;
        if (seen & DT__CL_ALPHA) {
            /* ASCII: "all letters upper-case" is "no lower-case letter". */
            nalpha = (seen & DT__CL_LOWER) ? nupper + 1 : nupper;
            size_t k = 0;
            while (!(CL(src[k]) & DT__CL_ALPHA))
                k++;
            cap = (CL(src[k]) & DT__CL_UPPER) != 0;
        }
        lower0 = len > 0 && (CL(src[0]) & DT__CL_LOWER);
    } else {
        for (size_t k = 0; k < len;) {
            int32_t cp;
            size_t at = k;
            k += dt__utf8_decode(src + k, len - k, &cp);
            if (cp < 0)
                continue;
            int u;
            if (cp < 0x80) {
                unsigned cl = CL(cp);
                u = (cl & DT__CL_UPPER)   ? DT__U_UPPER
                    : (cl & DT__CL_LOWER) ? DT__U_LOWER
                    : (cl & DT__CL_DIGIT) ? DT__U_DIGIT
                                          : DT__U_OTHER;
            } else {
                u = dt__text_uclass(cp);
            }
            int letter = u == DT__U_UPPER || u == DT__U_LOWER || u == DT__U_LETTER;
            if (letter && nalpha == 0)
                cap = u == DT__U_UPPER;
            if (at == 0)
                lower0 = u == DT__U_LOWER;
            nalpha += (size_t)letter;
            nupper += u == DT__U_UPPER;
            digit |= u == DT__U_DIGIT;
        }
        nlen = dt_text_fold((const char *)src, len, d, need);
        /* A token of nothing but marks or invisible format characters
         * folds to nothing; keep its own (valid) bytes so no norm is
         * empty. */
        if (nlen == 0) {
            nlen = len;
            memcpy(d, src, len);
        }
    }
    unsigned flags = xf;
    if (nalpha)
        flags |= DT_TOK_ALPHA;
    if (digit)
        flags |= DT_TOK_DIGIT;
    if (!nalpha && !digit)
        flags |= DT_TOK_PUNCT;
    if (cap)
        flags |= DT_TOK_CAP;
    if (nalpha > 1 && nupper == nalpha)
        flags |= DT_TOK_ALLCAPS;
    finish(t, off, len, kind, flags, d, nlen, lower0, 0);
}

/* Is s[0..6) "cannot" in any case? */
static int is_cannot(const unsigned char *s)
{
    static const char cannot[] = "cannot";
    for (size_t k = 0; k < 6; k++)
        if ((s[k] | 0x20) != (unsigned char)cannot[k])
            return 0;
    return 1;
}

/* Where a clitic starts inside word s[i..j), or 0: "did|n't", "ca|n't",
 * "Gondor|'s", "they|'re", "can|not". */
static size_t clitic_split(const unsigned char *s, size_t i, size_t j)
{
    size_t len = j - i;
    if (len >= 4 && (s[j - 1] | 0x20) == 't') {
        if (s[j - 2] == '\'' && (s[j - 3] | 0x20) == 'n' && j - 3 > i)
            return j - 3;
        if (len >= 6 && s[j - 2] == 0x99 && s[j - 3] == 0x80 && s[j - 4] == 0xE2 &&
            (s[j - 5] | 0x20) == 'n' && j - 5 > i)
            return j - 5;
    }
    for (size_t k = j; k > i; k--) {
        size_t a = k - 1, alen = 0; /* apostrophe at [a, a+alen) */
        if (s[a] == '\'')
            alen = 1;
        else if (s[a] == 0x99 && a >= i + 2 && s[a - 1] == 0x80 && s[a - 2] == 0xE2)
            a -= 2, alen = 3;
        else if (s[a] == 0xBC && a >= i + 1 && s[a - 1] == 0xCA)
            a -= 1, alen = 2;
        if (!alen)
            continue;
        if (a == i)
            return 0;
        size_t b = a + alen, m = j - b;
        char x = m >= 1 ? (char)(s[b] | 0x20) : 0, y = m >= 2 ? (char)(s[b + 1] | 0x20) : 0;
        if ((m == 1 && (x == 's' || x == 'm' || x == 'd')) ||
            (m == 2 &&
             ((x == 'r' && y == 'e') || (x == 'v' && y == 'e') || (x == 'l' && y == 'l'))))
            return a;
        return 0;
    }
    if (len == 6 && is_cannot(s + i))
        return i + 3;
    return 0;
}

/* Whether s[i..j) holds two or more ASCII upper-case letters. */
static int upper_at_least_2(const unsigned char *s, size_t i, size_t j)
{
    int nu = 0;
    for (size_t k = i; k < j; k++)
        if ((CL(s[k]) & DT__CL_UPPER) && ++nu > 1)
            return 1;
    return 0;
}

/* scan_word_in's state bits beside DT_TOK_HYPHEN and DT_TOK_ABBREV. */
enum {
    WF_APOS = 1u << 16,     /* an apostrophe inside: a clitic may split off */
    WF_NONASCII = 1u << 17, /* non-ASCII bytes: emit() redoes the norm */
    WF_END = 1u << 18,      /* the abbreviation may end a sentence */
    WF_DOT = 1u << 19       /* a '.' inside (or a prefix given): may be dotted */
};

/* Append the ASCII word s[i..j) whose norm d the word scanner has written
 * (seen: the union of its bytes' classes; h: the norm's hash), with the
 * flags xf, as a token of the given kind. */
static DT__HOT void finish_ascii(tz *t, size_t i, size_t j, int kind, unsigned xf, unsigned seen,
                                 char *d, uint32_t h)
{
    const unsigned char *s = t->s;
    /* ALPHA, DIGIT, or PUNCT for neither, by the UPPER, LOWER and
     * DIGIT bits of the classes seen. */
    static const uint8_t seen_flags[8] = {DT_TOK_PUNCT,
                                          DT_TOK_ALPHA,
                                          DT_TOK_ALPHA,
                                          DT_TOK_ALPHA,
                                          DT_TOK_DIGIT,
                                          DT_TOK_ALPHA | DT_TOK_DIGIT,
                                          DT_TOK_ALPHA | DT_TOK_DIGIT,
                                          DT_TOK_ALPHA | DT_TOK_DIGIT};
    _Static_assert(DT__CL_UPPER == 2 && DT__CL_LOWER == 4 && DT__CL_DIGIT == 8,
                   "seen_flags is indexed by these three class bits");
    _Static_assert(DT_TOK_CAP == DT__CL_UPPER << 2, "CAP is the UPPER class bit shifted");
    unsigned flags = xf | seen_flags[(seen >> 1) & 7u];
    size_t len = j - i;
    unsigned cl0 = CL(s[i]);
    /* the case of the first letter (almost always the first byte) */
    if (cl0 & DT__CL_ALPHA) {
        flags |= (cl0 & DT__CL_UPPER) << 2;
    } else if (seen & DT__CL_ALPHA) {
        unsigned cla = cl0;
        for (size_t k = i; !(cla & DT__CL_ALPHA);)
            cla = CL(s[++k]);
        flags |= (cla & DT__CL_UPPER) << 2;
    }
    /* ASCII: "all letters upper-case" is "no lower-case letter". */
    if ((seen & DT__CL_ALPHA) == DT__CL_UPPER && upper_at_least_2(s, i, j))
        flags |= DT_TOK_ALLCAPS;
    finish(t, i, len, kind, flags, d, len, (cl0 & DT__CL_LOWER) != 0, h);
}

/* A word: letters, digits and the punctuation that lives inside words
 * (cease-fire, U.S, 3.5, 1,000, 10:30, AT&T, O'Brien, didn't). s[i..j) is
 * already part of it (j == i when s[i] is an ASCII letter, digit or '_':
 * the run loop takes it). Returns where scanning resumes.
 *
 * The common case, an ASCII word without a clitic, is folded and
 * classified in the same loop that finds its end, straight into the norm
 * chunk; anything else goes through emit(). */
static DT__HOT size_t scan_word_in(tz *t, size_t i, size_t j, int nonascii)
{
    const unsigned char *s = t->s;
    size_t n = t->n;
    /* The word's state in one register: DT_TOK_HYPHEN, DT_TOK_ABBREV and
     * the WF_ bits. */
    unsigned wf = (nonascii ? WF_NONASCII : 0u) | (j > i ? WF_DOT : 0u);
    /* Words longer than the limit are cut; the rest is the next token. */
    size_t lim = n - i > DT_MAX_TOKEN_BYTES ? i + DT_MAX_TOKEN_BYTES : n;
    /* Room for the longest ASCII norm this word can have, plus its NUL. */
    if ((size_t)(t->nbend - t->nbp) < lim - i + 2 && !norm_grow(t, lim - i + 2))
        return n;
    char *d = t->nbp;
    /* Only the union of the classes is gathered per byte; the rare
     * all-capitals test counts upper-case letters afterwards. (seen also
     * collects word_tab's other bits; only class bits are tested.) */
    unsigned seen = 0;
    /* The norm's hash, built as its bytes are written (used when the
     * norm is d as written: the ASCII path without a clitic cut). */
    uint32_t h = FNV_BASIS;
    for (size_t k = i; k < j; k++) {
        unsigned v = word_tab[s[k]];
        seen |= v;
        d[k - i] = (char)(v >> 8);
        h = FNV_STEP(h, v >> 8);
    }
again:
    while (j < n) {
        unsigned c, cl, v;
        /* The run of letters and digits: eight bytes a step without the
         * bound test while eight remain, then byte by byte. */
#define WORD_STEP(o)                                                                               \
    v = word_tab[s[j + (o)]];                                                                      \
    if (!(v & DT__CL_WORD)) {                                                                      \
        j += (o);                                                                                  \
        goto run_end;                                                                              \
    }                                                                                              \
    seen |= v;                                                                                     \
    d[j + (o)-i] = (char)(v >> 8);                                                                 \
    h = FNV_STEP(h, v >> 8);
        while (lim - j >= 8) {
            WORD_STEP(0)
            WORD_STEP(1)
            WORD_STEP(2)
            WORD_STEP(3)
            WORD_STEP(4)
            WORD_STEP(5)
            WORD_STEP(6)
            WORD_STEP(7)
            j += 8;
        }
#undef WORD_STEP
        while (j < lim && ((v = word_tab[s[j]]) & DT__CL_WORD)) {
            seen |= v;
            d[j - i] = (char)(v >> 8);
            h = FNV_STEP(h, v >> 8);
            j++;
        }
    run_end:
        if (j >= lim)
            break;
        /* Space and most punctuation end the word outright: no
         * continuation, and no abbreviation (that needs a '.'). */
        if (!(v & WT_MORE))
            goto word_end;
        c = s[j];
        cl = v & 0x7Fu;
        if (cl & DT__CL_HI) {
            /* From here on the norm is redone by emit() via dt_text_fold. */
            int32_t cp;
            size_t l = dt__utf8_decode(s + j, n - j, &cp);
            if (cp < 0 || j + l > lim)
                break;
            if (is_word_class(dt__text_uclass(cp))) {
                j += l;
                wf |= WF_NONASCII;
                continue;
            }
            if ((cp == 0x2019 || cp == 0x02BC) && alpha_at(t, j + l)) {
                j += l;
                wf |= WF_NONASCII | WF_APOS;
                continue;
            }
            if ((cp == 0x2010 || cp == 0x2011 || cp == 0x2013 || cp == 0x2212) &&
                word_at(t, j + l)) {
                j += l;
                wf |= WF_NONASCII | DT_TOK_HYPHEN;
                continue;
            }
            break;
        }
        if (j + 1 >= lim)
            break;
        unsigned nx = CL(s[j + 1]), pv = CL(s[j - 1]);
        int take = 0;
        switch (c) {
        case '-':
            take = (nx & DT__CL_WORD) || ((nx & DT__CL_HI) && word_at(t, j + 1));
            if (take)
                wf |= DT_TOK_HYPHEN;
            break;
        case '\'':
            take = (nx & DT__CL_ALPHA) || ((nx & DT__CL_HI) && alpha_at(t, j + 1));
            if (take)
                wf |= WF_APOS;
            break;
        case '.':
            take = (nx & DT__CL_WORD) != 0;
            if (take)
                wf |= WF_DOT;
            break;
        case ',':
        case ':':
            take = (pv & DT__CL_DIGIT) && (nx & DT__CL_DIGIT);
            break;
        case '/':
            take = (pv & DT__CL_WORD) && (nx & DT__CL_WORD);
            break;
        case '&':
            take = (pv & DT__CL_UPPER) && (nx & DT__CL_UPPER);
            break;
        default:
            break;
        }
        if (!take)
            break;
        d[j - i] = (char)c; /* punctuation folds to itself */
        h = FNV_STEP(h, c);
        j++;
    }

    /* A word followed by one period (not an ellipsis): an abbreviation? */
    if (j < lim && s[j] == '.' && !(j + 1 < n && s[j + 1] == '.') &&
        dt__abbrev_possible(s + i, j - i, (wf & WF_DOT) != 0)) {
        int ac = dt__abbrev_class((const char *)s + i, j - i);
        if (ac == DT__AB_NUMERIC) {
            size_t k = j + 1;
            while (k < n && (s[k] == ' ' || s[k] == '\t'))
                k++;
            ac = k < n && (CL(s[k]) & DT__CL_DIGIT) ? DT__AB_TITLE : DT__AB_NONE;
        }
        if (ac != DT__AB_NONE) {
            d[j - i] = '.';
            h = FNV_STEP(h, '.');
            j++;
            wf |= WF_DOT;
            /* "U.S.-led" is one hyphenated word. */
            if (j + 1 < lim && s[j] == '-' && word_at(t, j + 1)) {
                d[j - i] = '-';
                h = FNV_STEP(h, '-');
                j++;
                wf |= DT_TOK_HYPHEN;
                goto again;
            }
            wf |= DT_TOK_ABBREV | (ac == DT__AB_END ? WF_END : 0u);
        }
    }
word_end:
    /* The common case, one test of the state: an ASCII word that is no
     * abbreviation and has no apostrophe inside (and is not "cannot");
     * its kind is known here, so finish() needs no pending-state lookup. */
    if (!(wf & (DT_TOK_ABBREV | WF_APOS | WF_NONASCII)) && !(j - i == 6 && is_cannot(s + i))) {
        finish_ascii(t, i, j, K_WORD, wf & DT_TOK_HYPHEN, seen, d, h);
        return j;
    }
    size_t cut = 0;
    /* Without an apostrophe inside the word, "cannot" is the only split
     * clitic_split can make. */
    int kind = !(wf & DT_TOK_ABBREV) ? K_WORD : (wf & WF_END) ? K_ABBR_END : K_ABBR_TITLE;
    unsigned xf = wf & (DT_TOK_ABBREV | DT_TOK_HYPHEN);
    if (kind == K_WORD && (wf & WF_APOS))
        cut = clitic_split(s, i, j);
    else if (kind == K_WORD && j - i == 6 && is_cannot(s + i))
        cut = i + 3;
    if (cut) {
        emit(t, i, cut - i, K_WORD, wf & DT_TOK_HYPHEN, NULL,
             (wf & WF_NONASCII) && has_hi(s, i, cut));
        emit(t, cut, j - cut, K_CLITIC, DT_TOK_CLITIC, NULL, has_hi(s, cut, j));
    } else if (wf & WF_NONASCII) {
        emit(t, i, j - i, kind, xf, NULL, 1);
    } else {
        /* d already holds the norm */
        finish_ascii(t, i, j, kind, xf, seen, d, h);
    }
    return j;
}

/* The out-of-line copy for the rarer callers (quotes, '90s, .5, non-ASCII
 * words); analyse() inlines scan_word_in for words that start with an
 * ASCII letter or digit, the bulk of the text. */
static size_t scan_word(tz *t, size_t i, size_t j, int nonascii)
{
    return scan_word_in(t, i, j, nonascii);
}

/* Is the context at s[j] "closing": end, space, or punctuation that
 * follows a closing quote? */
static int closing_ctx_after(const tz *t, size_t j)
{
    if (j >= t->n)
        return 1;
    unsigned c = t->s[j], cl = CL(c);
    if (cl & DT__CL_SPACE)
        return 1;
    if (cl & DT__CL_HI) {
        int32_t cp;
        dt__utf8_decode(t->s + j, t->n - j, &cp);
        if (cp < 0)
            return 0;
        int u = dt__text_uclass(cp);
        if (u == DT__U_SPACE || u == DT__U_NEWLINE || u == DT__U_PARA)
            return 1;
        const char *sp = dt__text_special(cp);
        return sp && sp[0] != ' ' && sp[0] != '\'';
    }
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
           c == ']' || c == '}' || c == '-' || c == '"' || c == '\'';
}

static int opening_ctx_before(const tz *t, size_t i)
{
    if (i == 0 || (t->pre & DT_TOK_SPACE_BEFORE) || t->ntok == 0)
        return 1;
    unsigned c = t->s[i - 1];
    if (c == '(' || c == '[' || c == '{' || c == '-')
        return 1;
    /* after a dash or opening quote written as a non-ASCII character */
    const dt_token *pv = &t->tok[t->ntok - 1];
    return pv->norm_len >= 1 && (pv->norm[0] == '-' || strcmp(pv->norm, "``") == 0);
}

/* Double quotes in any form: opening or closing by context (white space or
 * punctuation on one side only), else by alternation. */
static size_t dquote(tz *t, size_t i, size_t l)
{
    int before = opening_ctx_before(t, i);
    int after = closing_ctx_after(t, i + l);
    int open = before && !after ? 1 : !before && after ? 0 : !t->dq_open;
    t->dq_open = open;
    emit(t, i, l, open ? K_OQUOTE : K_CQUOTE, DT_TOK_QUOTE, open ? "``" : "''", l > 1);
    return i + l;
}

/* An apostrophe or single quote (' ’ ‘ ...) not inside a word. */
static size_t apostrophe(tz *t, size_t i, size_t l)
{
    const unsigned char *s = t->s;
    size_t n = t->n, j = i + l;
    int hi = l > 1;
    int attached = !(t->pre & DT_TOK_SPACE_BEFORE) && t->ntok > 0 &&
                   (size_t)t->tok[t->ntok - 1].off + t->tok[t->ntok - 1].len == i;
    /* A clitic: "U.S.'s" (the word scanner has taken the period), or text
     * that is already tokenised ("Gondor 's", "we 're"). */
    size_t k = j;
    while (k < n && k - j < 3 && (CL(s[k]) & DT__CL_ALPHA))
        k++;
    if (k > j && !word_at(t, k)) {
        char x = (char)(s[j] | 0x20), y = k - j >= 2 ? (char)(s[j + 1] | 0x20) : 0;
        size_t m = k - j;
        if ((m == 1 && (x == 's' || x == 'm' || x == 'd')) ||
            (m == 2 &&
             ((x == 'r' && y == 'e') || (x == 'v' && y == 'e') || (x == 'l' && y == 'l')))) {
            emit(t, i, k - i, K_CLITIC, DT_TOK_CLITIC, NULL, hi);
            return k;
        }
    }
    if (attached) {
        const dt_token *pv = &t->tok[t->ntok - 1];
        /* "states'" -> "states" "'" (possessive), unless a single
         * quotation is open, when it more likely closes it. */
        if (!word_at(t, j) && (s[i - 1] == 's' || s[i - 1] == 'S') && (pv->flags & DT_TOK_ALPHA) &&
            !t->sq_open) {
            emit(t, i, l, K_CLITIC, DT_TOK_CLITIC, "'", hi);
            return j;
        }
        t->sq_open = 0;
        emit(t, i, l, K_CQUOTE, DT_TOK_QUOTE, "'", hi);
        return j;
    }
    if (j < n && (CL(s[j]) & DT__CL_DIGIT))
        return scan_word(t, i, j, hi); /* '90s */
    if (word_at(t, j)) {
        t->sq_open = 1;
        emit(t, i, l, K_OQUOTE, DT_TOK_QUOTE, "`", hi);
        return j;
    }
    emit(t, i, l, K_CQUOTE, DT_TOK_QUOTE, "'", hi);
    return j;
}

/* A one-byte ASCII punctuation token: its norm is itself. */
static DT__HOT void punct1(tz *t, size_t i, int kind)
{
    char *d = norm_space(t, 2);
    if (!d)
        return;
    d[0] = (char)t->s[i];
    finish(t, i, 1, kind, DT_TOK_PUNCT, d, 1, 0, FNV_STEP(FNV_BASIS, t->s[i]));
}

/* One token (or a word with its clitic) starting at s[i], not white space. */
static size_t scan_token(tz *t, size_t i)
{
    const unsigned char *s = t->s;
    size_t n = t->n;
    unsigned c = s[i], cl = CL(c);
    if (cl & DT__CL_WORD)
        return scan_word(t, i, i + 1, 0);
    if (cl & DT__CL_HI) {
        int32_t cp;
        size_t l = dt__utf8_decode(s + i, n - i, &cp);
        if (cp < 0) {
            /* Invalid UTF-8 that the caller did not reject: a symbol. */
            emit(t, i, 1, K_PUNCT, 0, REPLACEMENT, 0);
            return i + 1;
        }
        if (is_word_class(dt__text_uclass(cp)))
            return scan_word(t, i, i + l, 1);
        switch (cp) {
        case 0x201C:
        case 0x201D:
        case 0x201E:
        case 0x201F:
        case 0x2033:
        case 0x00AB:
        case 0x00BB:
            return dquote(t, i, l);
        case 0x2018:
        case 0x2019:
        case 0x201A:
        case 0x201B:
        case 0x2032:
        case 0x02BC:
        case 0x00B4:
            return apostrophe(t, i, l);
        case 0x2026:
            emit(t, i, l, K_ELLIPSIS, 0, NULL, 1);
            return i + l;
        default:
            emit(t, i, l, K_PUNCT, 0, NULL, 1);
            return i + l;
        }
    }
    size_t j;
    switch (c) {
    case '"':
        return dquote(t, i, 1);
    case '`':
        if (i + 1 < n && s[i + 1] == '`') {
            t->dq_open = 1;
            emit(t, i, 2, K_OQUOTE, DT_TOK_QUOTE, "``", 0);
            return i + 2;
        }
        t->sq_open = 1;
        emit(t, i, 1, K_OQUOTE, DT_TOK_QUOTE, "`", 0);
        return i + 1;
    case '\'':
        if (i + 1 < n && s[i + 1] == '\'') {
            t->dq_open = 0;
            emit(t, i, 2, K_CQUOTE, DT_TOK_QUOTE, "''", 0);
            return i + 2;
        }
        return apostrophe(t, i, 1);
    case '.':
        j = i;
        while (j < n && s[j] == '.' && j - i < DT_MAX_TOKEN_BYTES)
            j++;
        if (j - i >= 2) {
            emit(t, i, j - i, K_ELLIPSIS, 0, "...", 0);
            return j;
        }
        if (i + 4 < n && s[i + 1] == ' ' && s[i + 2] == '.' && s[i + 3] == ' ' && s[i + 4] == '.') {
            emit(t, i, 5, K_ELLIPSIS, 0, "...", 0);
            return i + 5;
        }
        if (i + 1 < n && (CL(s[i + 1]) & DT__CL_DIGIT) && opening_ctx_before(t, i))
            return scan_word(t, i, i + 1, 0); /* .5 */
        punct1(t, i, K_TERM);
        return i + 1;
    case '?':
    case '!':
        j = i;
        while (j < n && (s[j] == '?' || s[j] == '!') && j - i < DT_MAX_TOKEN_BYTES)
            j++;
        emit(t, i, j - i, K_TERM, 0, NULL, 0);
        return j;
    case '-':
        j = i;
        while (j < n && s[j] == '-' && j - i < DT_MAX_TOKEN_BYTES)
            j++;
        emit(t, i, j - i, K_PUNCT, 0, j - i >= 2 ? "--" : NULL, 0);
        return j;
    case '(':
    case '[':
    case '{':
        punct1(t, i, K_OPEN);
        return i + 1;
    case ')':
    case ']':
    case '}':
        punct1(t, i, K_CLOSE);
        return i + 1;
    case '\0':
        emit(t, i, 1, K_PUNCT, 0, REPLACEMENT, 0);
        return i + 1;
    default:
        punct1(t, i, K_PUNCT);
        return i + 1;
    }
}

/* ---- driver ----------------------------------------------------------- */

/* A blank line: a sentence boundary before the next token, and a new
 * paragraph reopens its quotations with a new mark. The quotation state is
 * reset here, before the next token is scanned, because a quote token
 * records its own direction as it is scanned. */
static void new_paragraph(tz *t)
{
    t->pend |= P_PARA;
    t->dq_open = 0;
    t->sq_open = 0;
}

static int analyse(dt_arena *a, const char *text, size_t len, dt_doctext *out, dt_error *err,
                   int split)
{
    if (!out)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no output document");
    memset(out, 0, sizeof *out);
    if (!a || (!text && len))
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no arena or no text");
    if (len > DT_MAX_DOC_BYTES)
        return dt_error_set(err, DT_ELIMIT, NULL, 0, DT_MAX_DOC_BYTES,
                            "text of %zu bytes is over the %zu-byte document limit", len,
                            DT_MAX_DOC_BYTES);
    out->text = text;
    out->len = len;

    tz t;
    memset(&t, 0, sizeof t);
    t.a = a;
    t.s = (const unsigned char *)text;
    t.n = len;
    t.split = split;
    t.pre = DT_TOK_SENT_START;
    /* English news runs about 6 bytes per token and 150 per sentence, so
     * these first guesses rarely need to grow. All three areas come from
     * ONE allocation: after dt_arena_reset the arena keeps only its largest
     * block, and a single request of the same size fits it again, so a
     * stream of similar documents allocates and page-faults nothing. The
     * norm area is first because it is never passed to dt_arena_grow
     * (growing the base of the block in place would overrun the others);
     * tokens and sentences that outgrow their guess are copied out. */
    t.nbcap = (len + len / 4 + 64 + 15) & ~(size_t)15;
    t.capsent = split ? len / 64 + 4 : 4;
    t.captok = len / 4 + 32;
    set_toklim(&t);
    size_t sent_bytes = (t.capsent * sizeof *t.sent + 15) & ~(size_t)15;
    char *base = dt_arena_alloc(a, t.nbcap + sent_bytes + t.captok * sizeof *t.tok);
    if (!base)
        goto nomem;
    t.nbp = base;
    t.nbend = base + t.nbcap;
    t.sent = (dt_sentence *)(void *)(base + t.nbcap);
    t.tok = (dt_token *)(void *)(base + t.nbcap + sent_bytes);

    const unsigned char *s = t.s;
    size_t n = len, i = 0;
    size_t nl = 0; /* newlines in the white space since the last token */
    /* One dispatch per byte of white space or token start: a plain space
     * first (about every other one), then words, then the rest. */
    while (i < n) {
        unsigned c = s[i], cl;
        if (c == ' ') {
            t.pre |= DT_TOK_SPACE_BEFORE;
            i++;
            continue;
        }
        cl = CL(c);
        if (cl & DT__CL_WORD) {
            i = scan_word_in(&t, i, i, 0);
            nl = 0;
            if (t.nomem)
                goto nomem;
            continue;
        }
        if (cl & DT__CL_SPACE) {
            /* "\n", "\r\n" and a lone "\r" each count as one newline. */
            if ((c == '\n' || (c == '\r' && !(i + 1 < n && s[i + 1] == '\n'))) && ++nl >= 2)
                new_paragraph(&t);
            t.pre |= DT_TOK_SPACE_BEFORE;
            i++;
            continue;
        }
        if (cl & DT__CL_HI) {
            int32_t cp;
            size_t l = dt__utf8_decode(s + i, n - i, &cp);
            if (cp >= 0) {
                int u = dt__text_uclass(cp);
                if (u == DT__U_SPACE || u == DT__U_NEWLINE || u == DT__U_PARA) {
                    if ((u == DT__U_NEWLINE && ++nl >= 2) || u == DT__U_PARA)
                        new_paragraph(&t);
                    t.pre |= DT_TOK_SPACE_BEFORE;
                    i += l;
                    continue;
                }
            }
        }
        i = scan_token(&t, i);
        nl = 0;
        if (t.nomem)
            goto nomem;
    }
    /* A document that ends on "U.S." gets its full stop, as mid-text. */
    if ((t.pend & ~P_PARA) == P_ABBREV && t.ntok > t.first && t.pend_tok == t.ntok - 1)
        insert_period(&t);
    close_sentence(&t, 0);
    if (t.nomem)
        goto nomem;

    out->tok = t.tok;
    out->ntok = t.ntok;
    out->sent = t.sent;
    out->nsent = t.nsent;
    return DT_OK;

nomem:
    memset(out, 0, sizeof *out);
    return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX,
                        "out of memory tokenising %zu bytes of text", len);
}

int dt_text_analyse(dt_arena *a, const char *text, size_t len, dt_doctext *out, dt_error *err)
{
    return analyse(a, text, len, out, err, 1);
}

int dt_text_analyse_sentence(dt_arena *a, const char *text, size_t len, dt_doctext *out,
                             dt_error *err)
{
    return analyse(a, text, len, out, err, 0);
}
