/* Part-of-speech tagger (Penn tags) and lemmatiser.
 *
 * A transformation-based tagger in Brill's style:
 *   1. every token gets its most frequent tag from the lexicon (Brill's
 *      lexicon, with separate entries for lower-case, Title-case and
 *      ALL-CAPS spellings), or a guess from its shape, its suffix and
 *      WordNet for unknown words;
 *   2. Brill's contextual rules rewrite tags, indexed by the current tag so
 *      a token only looks at the rules that can fire on it;
 *   3. a few rules of our own fix the confusions that matter most to event
 *      coding (noun/verb, "'s", "that").
 * All tables are generated at build time (tools/lexicon/gen.mjs) and linked
 * in; dt_tagger_new only builds the hash index. See docs/tagger.md. */
#include "tag_internal.h"
#include "tag_tables.h"

#include <string.h>

/* Words the tagger's own rules test, resolved to lexicon indices once. */
enum {
    SW_US,
    SW_APOS,
    SW_APOS_S,
    SW_OQ,
    SW_CQ,
    SW_THAT,
    SW_ALL,
    SW_THEY,
    SW_WE,
    SW_I,
    SW_BOTH,
    SW_HALF,
    SW__COUNT
};
static const char *const special_words[SW__COUNT] = {"US",  "'",    "'S", "``", "''",   "THAT",
                                                     "ALL", "THEY", "WE", "I",  "BOTH", "HALF"};

/* Rows of the per-tag tables below, indexed by a neighbour's tag or the
 * edge (DT_POS__COUNT): a power of two, so a row is found by a shift. */
#define NROW 64
_Static_assert(DT_POS__COUNT < NROW, "tags and the edge fit a row");

struct dt_tagger {
    /* First: dt__word_class (tag_internal.h) reads it through this. */
    dt__tagger_head head;
    uint16_t *wclass; /* head.wclass, writable */
    /* Open addressing, {word index + 1 : low 32, full hash : high 32}; 0 is
     * empty. The hash in the slot settles most misses (names, numbers: a
     * large share of news tokens) without reading the word record, so a
     * miss costs one cache line and a hit two. */
    uint64_t *slot;
    uint32_t mask;
    /* Rules grouped by their `from` tag, in original order. */
    const dt__lex_rule **rules;
    uint32_t rule_start[DT_POS__COUNT + 1];
    /* Word arguments of each rule (by original rule index) as lexicon
     * indices: -1 no argument, -2 a word not in the lexicon. */
    int32_t (*rule_wid)[3];
    int32_t sw[SW__COUNT];
    /* Everything the tagger needs about a word in one 24-byte record, so a
     * token costs one hash slot, one record and one string compare. */
    struct winfo *wi;
    void *wi_mem;
    /* Rule index: each rule is filed under one condition that must hold
     * for it to fire (the tag before, the tag after, the current, previous
     * or next word, or none), so a token only tries the few rules whose
     * key matches. Lists hold original rule numbers in ascending order. */
    struct frule *rlist;
    uint32_t *rstart; /* by group(kind, from, value), size NGROUP + 1 */
    /* Which groups hold a rule for a token's tag: kmask_p[tag][tag before]
     * has the RK_ALWAYS, RK_CURW, RK_PREVW and RK_NEXTW bits of the tag and
     * RK_PREVT when that (tag, tag before) group is not empty;
     * kmask_n[tag][tag after] has RK_NEXTT likewise. Their OR, masked by
     * the word bits of the token, is the set of groups to try. */
    uint8_t kmask_p[DT_POS__COUNT][NROW];
    uint8_t kmask_n[DT_POS__COUNT][NROW];
    /* own_rules' rules that can fire given the tag and the tag before
     * (own_p) or after (own_n): bits OR_* (own_tables). */
    uint16_t own_p[DT_POS__COUNT][NROW];
    uint16_t own_n[DT_POS__COUNT][NROW];
    /* The current-word groups are sorted by key word (then rule order),
     * and this table finds the run of one word and tag: open addressing
     * on cw_key, 0 empty. */
    struct cwent *cw;
    uint32_t cw_mask;
};

typedef struct cwent {
    uint32_t key;        /* cw_key(word, from) */
    uint32_t start, end; /* the run in rlist */
} cwent;

static inline uint32_t cw_key(int32_t w, int from)
{
    return ((uint32_t)w << 6 | (uint32_t)from) + 1;
}
static inline uint32_t cw_hash(uint32_t key)
{
    return (key * 2654435761u) >> 7;
}

/* A rule as the index files it: what rule_fires reads, in 20 bytes, so
 * trying a rule reads one record in the group's run and nothing else. */
typedef struct frule {
    uint16_t ord;    /* original rule number + 1 (the learned order) */
    uint8_t cond;    /* DT__R_* */
    uint8_t to;      /* enum dt_pos */
    uint8_t verify;  /* only if the word may take `to` (or is unknown) */
    uint8_t tag[3];  /* tag arguments */
    int32_t word[2]; /* word arguments as lexicon indices (see rule_wid) */
    int32_t key;     /* the word its group is keyed on (RK_*W), else -1 */
} frule;

/* One cache line per word: a lookup of a word of up to 11 bytes and its
 * initial tag and lemma touch only the hash slot and this record. */
#define PREFIX 11
typedef struct winfo {
    uint64_t cand[3];    /* tag sets of the lower-case, Title, ALL-CAPS spellings */
    uint32_t hash;       /* full hash, checked before the string */
    uint32_t off;        /* word in dt__lex_pool */
    uint32_t base[3];    /* pool offset of the noun, verb, adjective lemma; 0 = itself */
    uint16_t wclass;     /* DT__WC_* */
    uint8_t len, wn;     /* length, WordNet bits */
    uint8_t rwf;         /* RWF_*: keys word rules */
    uint8_t first[3];    /* most frequent tag per spelling */
    uint8_t pick;        /* PICK_*: the spelling initial_tag uses, by case */
    char prefix[PREFIX]; /* the word's first bytes, upper-case like token norms */
} winfo;
/* pick: bits 2k..2k+1 the spelling (0 lower, 1 Title, 2 ALL-CAPS) whose
 * tags a token of case class k takes (the first with any tags in the
 * order orders[k]), 3 if none has tags; PICK_LLED: a British doubled-l
 * past form ("travelled": ends in "lled", WordNet knows the verb). */
enum { PICK_NONE = 3, PICK_LLED = 64 };
_Static_assert(sizeof(winfo) == 64, "one lexicon record per cache line");

enum { RK_ALWAYS, RK_PREVT, RK_NEXTT, RK_CURW, RK_PREVW, RK_NEXTW, RK__COUNT };
/* RWF_OWN: a word one of own_rules' word tests looks for at the token
 * itself (all, both, half, particles). */
/* RWF_SPECIAL: one of the words initial_tag treats apart (quotes, US, 's). */
/* RWF_CUR, RWF_PREV, RWF_NEXT: the word keys a rule group of that kind;
 * their values are the bits of those kinds (RK_CURW ...) in apply_brill. */
enum { RWF_OWN = 1, RWF_SPECIAL = 2, RWF_CUR = 8, RWF_PREV = 16, RWF_NEXT = 32 };
/* A token's bits: its word's RWF_* flags; TB_OWN when it is a quote,
 * ends in '"' or '-', or is an RWF_OWN word; TB_BY when it is "by" (the
 * word class DT__WC_BY). A known word's TB_* bits are in its rwf. */
enum { TB_OWN = 4, TB_BY = 64 };
#define NV (DT_POS__COUNT + 1) /* tag values plus the "off the edge" tag */
#define NGROUP ((uint32_t)RK__COUNT * DT_POS__COUNT * NV)

static void own_tables(dt_tagger *t);
static int cw_index(dt_tagger *t);
static int wn_has(const dt_tagger *t, const char *s, size_t n, int bits, int64_t *idx);
/* Which spelling of a word in Brill's lexicon to trust first, by case
 * class: lower-case or sentence-initial, Title-case inside a sentence,
 * ALL-CAPS. */
static const uint8_t spelling_order[3][3] = {{0, 1, 2}, {1, 2, 0}, {2, 1, 0}};

static uint32_t group_of(int kind, int from, int value)
{
    return ((uint32_t)kind * DT_POS__COUNT + (uint32_t)from) * NV + (uint32_t)value;
}

/* The key condition of rule r (word arguments W as lexicon indices):
 * kind, value (a tag) and key word. -1 if the rule can never fire (its
 * word is not in the lexicon, so no token can be that word). */
static int rule_key(const dt__lex_rule *r, const int32_t W[3], int *value, int32_t *kw)
{
    *value = 0;
    *kw = -1;
    int32_t w = -1;
    int kind = RK_ALWAYS;
    switch (r->cond) {
    case DT__R_CURRENTWD:
    case DT__R_WDNEXTTAG:
    case DT__R_WDNEXTWD:
    case DT__R_SURROUNDTAGWD:
    case DT__R_STARTWORD:
        kind = RK_CURW, w = W[0];
        break;
    case DT__R_WDPREVTAG:
    case DT__R_WDPREVWD:
        kind = RK_CURW, w = W[1];
        break;
    case DT__R_PREVWORD:
    case DT__R_PREVWORDPREVTAG:
    case DT__R_PREV2WORDS:
        kind = RK_PREVW, w = W[0];
        break;
    case DT__R_NEXTWD:
        kind = RK_NEXTW, w = W[0];
        break;
    case DT__R_PREVTAG:
    case DT__R_SURROUNDTAG:
        kind = RK_PREVT, *value = r->tag[0];
        break;
    case DT__R_PREV2TAGNEXTTAG:
        kind = RK_PREVT, *value = r->tag[1];
        break;
    case DT__R_NEXTTAG:
    case DT__R_NEXT2TAG:
        kind = RK_NEXTT, *value = r->tag[0];
        break;
    default:
        break;
    }
    if (kind >= RK_CURW) {
        if (w < 0)
            return -1;
        *kw = w;
    }
    for (int k = 0; k < 3; k++)
        if (r->word[k] && W[k] < 0)
            return -1; /* a word argument no token can match */
    return kind;
}

/* Steps run once per token from one place (the tagging loop): inlined,
 * they save a call frame per token. */
#if defined(__GNUC__)
#define HOT inline __attribute__((always_inline))
#define COLD __attribute__((noinline))
#else
#define HOT inline
#define COLD
#endif

typedef uint64_t tagset;
#define TS(p) ((tagset)1 << (p))

static const unsigned char lower_tab[256] = {
#define L4(b) (b), (b) + 1, (b) + 2, (b) + 3
#define L16(b) L4(b), L4((b) + 4), L4((b) + 8), L4((b) + 12)
    L16(0),   L16(16),  L16(32),  L16(48),  64,       97,       98,       99,
    100,      101,      102,      103,      104,      105,      106,      107,
    108,      109,      110,      111,      112,      113,      114,      115,
    116,      117,      118,      119,      120,      121,      122,      91,
    92,       93,       94,       95,       L16(96),  L16(112), L16(128), L16(144),
    L16(160), L16(176), L16(192), L16(208), L16(224), L16(240)
#undef L16
#undef L4
};

/* FNV-1a over the bytes of an upper-case word (token norms are upper-case,
 * so lookups hash the bytes as they are). */
static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t hash_upper(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        h ^= (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
        h *= 16777619u;
    }
    return h;
}

/* Unaligned loads for the word compare below. */
static inline uint64_t ld64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline uint32_t ld32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline uint16_t ld16(const char *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Do s[0..m) and p[0..m) hold the same bytes (1 <= m <= PREFIX)? Two
 * loads that overlap in the middle cover any length in their range, so
 * the compare is two or four loads, never a byte loop, and never reads
 * outside s[0..m) (token norms carry no padding). */
static inline int prefix_eq(const char *s, const char *p, size_t m)
{
    if (m >= 8)
        return ld64(s) == ld64(p) && ld32(s + m - 4) == ld32(p + m - 4);
    if (m >= 4)
        return ld32(s) == ld32(p) && ld32(s + m - 4) == ld32(p + m - 4);
    if (m >= 2)
        return ld16(s) == ld16(p) && ld16(s + m - 2) == ld16(p + m - 2);
    return s[0] == p[0];
}

/* Word index (0-based) of s[0..n) compared case-insensitively, or -1. */
/* Lookup with the hash already computed (see tag_sentence). */
static HOT int64_t lookup_hashed(const dt_tagger *t, const char *s, size_t n, uint32_t full)
{
    if (n == 0 || n > 255)
        return -1;
    uint32_t h = full & t->mask;
    for (;;) {
        uint64_t sv = t->slot[h];
        if (!sv)
            return -1;
        if ((uint32_t)(sv >> 32) != full) {
            h = (h + 1) & t->mask;
            continue;
        }
        uint32_t v = (uint32_t)sv;
        const winfo *wi = &t->wi[v - 1];
        if (wi->len == n) {
            /* The hash has matched: almost always a hit, so compare the
             * prefix bytes inline rather than calling memcmp. */
            size_t m = n < PREFIX ? n : PREFIX;
            if (prefix_eq(s, wi->prefix, m)) {
                size_t i = m;
                const char *p = dt__lex_pool + wi->off;
                while (i < n && lower_tab[(unsigned char)s[i]] == (unsigned char)p[i])
                    i++;
                if (i == n)
                    return v - 1;
            }
        }
        h = (h + 1) & t->mask;
    }
}

static int64_t lookup(const dt_tagger *t, const char *s, size_t n)
{
    return lookup_hashed(t, s, n, hash_bytes(s, n));
}

/* Hint that a lexicon slot will be read soon; lookups of a sentence's
 * tokens are independent, so their cache misses can overlap. */
static inline void prefetch_slot(const dt_tagger *t, uint32_t full)
{
#if defined(__GNUC__)
    __builtin_prefetch(&t->slot[full & t->mask]);
#else
    (void)t;
    (void)full;
#endif
}

int dt_tagger_new(dt_tagger **out, dt_error *err)
{
    if (!out)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "null argument");
    *out = NULL;
    dt_tagger *t = dt_calloc(1, sizeof *t);
    if (!t)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    /* Load factor <= 0.5 keeps probe sequences short. */
    uint32_t cap = 1;
    while (cap * 2u < dt__lex_nwords * 3u) /* load factor <= 2/3 */
        cap <<= 1;
    t->slot = dt_calloc(cap, sizeof *t->slot);
    t->rules = dt_calloc(dt__lex_nrules ? dt__lex_nrules : 1, sizeof *t->rules);
    t->rule_wid = dt_calloc(dt__lex_nrules ? dt__lex_nrules : 1, sizeof *t->rule_wid);
    /* records start on a cache line: over-allocate and align */
    t->wi_mem = dt_calloc((dt__lex_nwords ? dt__lex_nwords : 1) + 1, sizeof *t->wi);
    t->wi = t->wi_mem ? (winfo *)(((uintptr_t)t->wi_mem + 63) & ~(uintptr_t)63) : NULL;
    t->wclass = dt_calloc(dt__lex_nwords ? dt__lex_nwords : 1, sizeof *t->wclass);
    t->head.wclass = t->wclass;
    if (!t->slot || !t->rules || !t->rule_wid || !t->wi || !t->wclass) {
        dt_tagger_free(t);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    t->mask = cap - 1;
    for (uint32_t w = 0; w < dt__lex_nwords; w++) {
        winfo *wi = &t->wi[w];
        wi->off = dt__lex_word[w];
        wi->len = dt__lex_wlen[w];
        wi->hash = hash_upper(dt__lex_pool + wi->off, wi->len);
        for (size_t k = 0; k < wi->len && k < PREFIX; k++) {
            unsigned char ch = (unsigned char)dt__lex_pool[wi->off + k];
            wi->prefix[k] = (char)((ch >= 'a' && ch <= 'z') ? ch - 32 : ch);
        }
        if (dt__lex_tags[w]) {
            const uint8_t *l = dt__lex_taglist + dt__lex_tags[w];
            for (int v = 0; v < 3; v++, l += 1 + l[0]) {
                for (int k = 0; k < l[0]; k++)
                    wi->cand[v] |= TS(l[1 + k]);
                wi->first[v] = l[0] ? l[1] : 0;
            }
        }
        if (dt__lex_exc[w])
            for (const uint32_t *e = dt__lex_exclist + dt__lex_exc[w]; e[0]; e += 2)
                wi->base[e[0] - 1] = e[1];
        wi->wn = dt__lex_wn[w];
        uint32_t h = wi->hash & t->mask;
        while (t->slot[h])
            h = (h + 1) & t->mask;
        t->slot[h] = ((uint64_t)wi->hash << 32) | (w + 1);
    }
    /* Counting sort of the rules by `from`, keeping their order. */
    uint32_t count[DT_POS__COUNT + 1] = {0};
    for (uint32_t r = 0; r < dt__lex_nrules; r++)
        count[dt__lex_rules[r].from]++;
    uint32_t acc = 0;
    for (int p = 0; p < DT_POS__COUNT; p++) {
        t->rule_start[p] = acc;
        acc += count[p];
    }
    t->rule_start[DT_POS__COUNT] = acc;
    uint32_t fill[DT_POS__COUNT];
    memcpy(fill, t->rule_start, sizeof fill);
    for (uint32_t r = 0; r < dt__lex_nrules; r++)
        t->rules[fill[dt__lex_rules[r].from]++] = &dt__lex_rules[r];
    /* Words become integers once, so rules compare indices, not strings. */
    for (uint32_t r = 0; r < dt__lex_nrules; r++)
        for (int k = 0; k < 3; k++) {
            const char *w = dt__lex_rules[r].word[k];
            int64_t x = w ? lookup(t, w, strlen(w)) : -1;
            /* -2, never a token's index (unknown tokens are -1), for a
             * word that is absent or not in the lexicon: word_at relies
             * on it. */
            t->rule_wid[r][k] = x < 0 ? -2 : (int32_t)x;
        }
    for (int k = 0; k < SW__COUNT; k++) {
        int64_t x = lookup(t, special_words[k], strlen(special_words[k]));
        t->sw[k] = x < 0 ? -2 : (int32_t)x;
    }
    /* File each rule under its key (counting sort, stable in rule order). */
    t->rstart = dt_calloc(NGROUP + 1, sizeof *t->rstart);
    t->rlist = dt_calloc(dt__lex_nrules ? dt__lex_nrules : 1, sizeof *t->rlist);
    if (!t->rstart || !t->rlist) {
        dt_tagger_free(t);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    for (uint32_t r = 0; r < dt__lex_nrules; r++) {
        int v;
        int32_t kw;
        int kind = rule_key(&dt__lex_rules[r], t->rule_wid[r], &v, &kw);
        if (kind >= 0)
            t->rstart[group_of(kind, dt__lex_rules[r].from, v) + 1]++;
    }
    for (uint32_t g = 0; g < NGROUP; g++)
        t->rstart[g + 1] += t->rstart[g];
    uint32_t *pos = dt_malloc(NGROUP * sizeof *pos);
    if (!pos) {
        dt_tagger_free(t);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    memcpy(pos, t->rstart, NGROUP * sizeof *pos);
    for (uint32_t r = 0; r < dt__lex_nrules; r++) {
        int v;
        int32_t kw;
        int kind = rule_key(&dt__lex_rules[r], t->rule_wid[r], &v, &kw);
        if (kind < 0)
            continue;
        const dt__lex_rule *lr = &dt__lex_rules[r];
        frule *fr = &t->rlist[pos[group_of(kind, lr->from, v)]++];
        fr->ord = (uint16_t)(r + 1);
        fr->cond = lr->cond;
        fr->to = lr->to;
        fr->verify = lr->verify;
        memcpy(fr->tag, lr->tag, sizeof fr->tag);
        fr->word[0] = t->rule_wid[r][0];
        fr->word[1] = t->rule_wid[r][1];
        fr->key = kw;
        int from = dt__lex_rules[r].from;
        if (kind == RK_PREVT)
            t->kmask_p[from][v] |= 1u << RK_PREVT;
        else if (kind == RK_NEXTT)
            t->kmask_n[from][v] |= 1u << RK_NEXTT;
        else
            for (int u = 0; u <= DT_POS__COUNT; u++)
                t->kmask_p[from][u] |= (uint8_t)(1u << kind);
        if (kind == RK_CURW)
            t->wi[kw].rwf |= RWF_CUR;
        else if (kind == RK_PREVW)
            t->wi[kw].rwf |= RWF_PREV;
        else if (kind == RK_NEXTW)
            t->wi[kw].rwf |= RWF_NEXT;
    }
    dt_free(pos);
    if (cw_index(t) < 0) {
        dt_tagger_free(t);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    for (const dt__word_class_entry *e = dt__word_classes; e->word; e++) {
        int64_t x = lookup(t, e->word, strlen(e->word));
        if (x >= 0)
            t->wi[x].wclass |= e->cls;
    }
    for (uint32_t w = 0; w < dt__lex_nwords; w++) {
        t->wclass[w] = t->wi[w].wclass;
        if (t->wi[w].wclass & DT__WC_PARTICLE)
            t->wi[w].rwf |= RWF_OWN;
    }
    static const int special_sw[] = {SW_OQ, SW_CQ, SW_US, SW_APOS_S};
    for (size_t k = 0; k < sizeof special_sw / sizeof special_sw[0]; k++)
        if (t->sw[special_sw[k]] >= 0)
            t->wi[t->sw[special_sw[k]]].rwf |= RWF_SPECIAL;
    static const int own_sw[] = {SW_ALL, SW_BOTH, SW_HALF};
    for (size_t k = 0; k < sizeof own_sw / sizeof own_sw[0]; k++)
        if (t->sw[own_sw[k]] >= 0)
            t->wi[t->sw[own_sw[k]]].rwf |= RWF_OWN;
    own_tables(t);
    /* initial_tag_full tests a token '"' before the words below */
    int64_t dq = lookup(t, "\"", 1);
    if (dq >= 0)
        t->wi[dq].rwf |= RWF_SPECIAL;
    for (uint32_t w = 0; w < dt__lex_nwords; w++) {
        winfo *wp = &t->wi[w];
        for (int k = 0; k < 3; k++) {
            unsigned v = PICK_NONE;
            for (int j = 0; j < 3 && v == PICK_NONE; j++)
                if (wp->cand[spelling_order[k][j]])
                    v = spelling_order[k][j];
            wp->pick |= (uint8_t)(v << (2 * k));
        }
        const char *pw = dt__lex_pool + wp->off;
        if (wp->len > 6 && lower_tab[(unsigned char)pw[wp->len - 4]] == 'l' &&
            lower_tab[(unsigned char)pw[wp->len - 3]] == 'l' &&
            lower_tab[(unsigned char)pw[wp->len - 2]] == 'e' &&
            lower_tab[(unsigned char)pw[wp->len - 1]] == 'd') {
            char up[256];
            for (size_t k = 0; k < wp->len; k++) {
                unsigned char ch = (unsigned char)pw[k];
                up[k] = (char)((ch >= 'a' && ch <= 'z') ? ch - 32 : ch);
            }
            int64_t vb;
            if (wn_has(t, up, wp->len - 3u, DT__WN_VERB, &vb))
                wp->pick |= PICK_LLED;
        }
    }
    for (uint32_t w = 0; w < dt__lex_nwords; w++) {
        const winfo *wi = &t->wi[w];
        char last = wi->len ? dt__lex_pool[wi->off + wi->len - 1] : 0;
        if ((wi->rwf & RWF_OWN) || last == '"' || last == '-')
            t->wi[w].rwf |= TB_OWN;
        if (wi->wclass & DT__WC_BY)
            t->wi[w].rwf |= TB_BY;
    }
    *out = t;
    return DT_OK;
}

/* Sort each current-word group by key word, stable (so each word's run
 * keeps the learned order), and index the runs in t->cw. */
static int cw_index(dt_tagger *t)
{
    _Static_assert(DT_POS__COUNT <= 64, "tag in cw_key's low 6 bits");
    uint32_t runs = 0;
    for (int from = 0; from < DT_POS__COUNT; from++) {
        uint32_t g = group_of(RK_CURW, from, 0);
        frule *r = t->rlist;
        for (uint32_t a = t->rstart[g] + 1; a < t->rstart[g + 1]; a++) {
            frule x = r[a];
            uint32_t b = a;
            for (; b > t->rstart[g] && r[b - 1].key > x.key; b--)
                r[b] = r[b - 1];
            r[b] = x;
        }
        for (uint32_t a = t->rstart[g]; a < t->rstart[g + 1]; a++)
            runs += a == t->rstart[g] || r[a].key != r[a - 1].key;
    }
    uint32_t cap = 16;
    while (cap < runs * 2)
        cap <<= 1;
    t->cw = dt_calloc(cap, sizeof *t->cw);
    if (!t->cw)
        return -1;
    t->cw_mask = cap - 1;
    for (int from = 0; from < DT_POS__COUNT; from++) {
        uint32_t g = group_of(RK_CURW, from, 0);
        const frule *r = t->rlist;
        for (uint32_t a = t->rstart[g]; a < t->rstart[g + 1];) {
            uint32_t b = a + 1;
            while (b < t->rstart[g + 1] && r[b].key == r[a].key)
                b++;
            uint32_t key = cw_key(r[a].key, from);
            uint32_t h = cw_hash(key) & t->cw_mask;
            while (t->cw[h].key)
                h = (h + 1) & t->cw_mask;
            t->cw[h] = (cwent){key, a, b};
            a = b;
        }
    }
    return 0;
}

void dt_tagger_free(dt_tagger *t)
{
    if (!t)
        return;
    dt_free(t->slot);
    dt_free((void *)t->rules);
    dt_free(t->rule_wid);
    dt_free(t->wi_mem);
    dt_free(t->wclass);
    dt_free(t->rlist);
    dt_free(t->rstart);
    dt_free(t->cw);
    dt_free(t);
}

uint32_t dt__word_id(const dt_tagger *t, const char *norm, size_t n)
{
    int64_t w = t ? lookup(t, norm, n) : -1;
    return w < 0 ? 0 : (uint32_t)w + 1;
}

/* ---- lemmas ------------------------------------------------------------ */

static int wn_has(const dt_tagger *t, const char *s, size_t n, int bits, int64_t *idx)
{
    int64_t w = lookup(t, s, n);
    if (w >= 0 && (t->wi[w].wn & bits)) {
        *idx = w;
        return 1;
    }
    return 0;
}

/* WordNet's detachment rules ("morphy"): strip a suffix, add an ending,
 * and accept the first result that WordNet knows in that word class. */
static int64_t morph_base(const dt_tagger *t, const char *s, size_t n, int cls)
{
    /* suffix, ending, and their lengths */
    typedef struct {
        const char *suf, *add;
        uint8_t k, a;
    } morph_rule;
#define MR(suf, add)                                                                               \
    {                                                                                              \
        suf, add, sizeof suf - 1, sizeof add - 1                                                   \
    }
    static const morph_rule noun[] = {MR("S", ""),      MR("SES", "S"),   MR("XES", "X"),
                                      MR("ZES", "Z"),   MR("CHES", "CH"), MR("SHES", "SH"),
                                      MR("MEN", "MAN"), MR("IES", "Y"),   {NULL, NULL, 0, 0}},
                            verb[] = {MR("S", ""),    MR("IES", "Y"), MR("ES", "E"),
                                      MR("ES", ""),   MR("ED", "E"),  MR("ED", ""),
                                      MR("ING", "E"), MR("ING", ""),  {NULL, NULL, 0, 0}},
                            adj[] = {MR("ER", ""),      MR("EST", ""),  MR("ER", "E"),
                                     MR("EST", "E"),    MR("IER", "Y"), MR("IEST", "Y"),
                                     {NULL, NULL, 0, 0}};
#undef MR
    const int bits = cls == 0 ? DT__WN_NOUN : cls == 1 ? DT__WN_VERB : DT__WN_ADJ;
    const morph_rule *rules = cls == 0 ? noun : cls == 1 ? verb : adj;
    char buf[72];
    if (n >= sizeof buf - 4)
        return -1;
    for (int i = 0; rules[i].suf; i++) {
        size_t k = rules[i].k, a = rules[i].a;
        if (n <= k + 1)
            continue;
        size_t j = 0;
        while (j < k &&
               lower_tab[(unsigned char)s[n - k + j]] == lower_tab[(unsigned char)rules[i].suf[j]])
            j++;
        if (j < k)
            continue;
        memcpy(buf, s, n - k);
        memcpy(buf + n - k, rules[i].add, a);
        int64_t w;
        if (wn_has(t, buf, n - k + a, bits, &w))
            return w;
        /* doubled final consonant: "planned" -> "plan", "hitting" -> "hit" */
        if (cls == 1 && a == 0 && n - k >= 3 && buf[n - k - 1] == buf[n - k - 2] &&
            wn_has(t, buf, n - k - 1, bits, &w))
            return w;
    }
    return -1;
}

/* Irregular base (WordNet exceptions) of word index w in class cls. */

/* An unknown word is its own lemma, in lower case, in the arena (NULL
 * without one). Out of line (see own_rule). */
static COLD const char *lower_copy(dt_arena *a, const char *word, size_t n)
{
    if (!a)
        return NULL;
    char *l = dt_arena_alloc(a, n + 1);
    if (!l)
        return NULL;
    for (size_t i = 0; i < n; i++)
        l[i] = (char)lower_tab[(unsigned char)word[i]];
    l[n] = '\0';
    return l;
}

static HOT const char *lemma_idx(const dt_tagger *t, dt_arena *a, const char *word, size_t n,
                                 int pos, int64_t w)
{
    int cls = -1;
    if (pos == DT_POS_NNS)
        cls = 0;
    else if (dt_pos_is_verb(pos) || pos == DT_POS_MD)
        cls = 1;
    else if (pos == DT_POS_JJR || pos == DT_POS_JJS)
        cls = 2;
    if (cls >= 0) {
        /* a base form that WordNet already knows is its own lemma */
        int bits = cls == 0 ? DT__WN_NOUN : cls == 1 ? DT__WN_VERB : DT__WN_ADJ;
        int plain = pos == DT_POS_VB || pos == DT_POS_VBP || pos == DT_POS_MD;
        if (!(plain && w >= 0 && (t->wi[w].wn & bits))) {
            /* known words: irregular and regular bases were computed at
             * build time; only unknown words need morphology here */
            if (w >= 0) {
                if (t->wi[w].base[cls])
                    return dt__lex_pool + t->wi[w].base[cls];
            } else {
                int64_t m = morph_base(t, word, n, cls);
                if (m >= 0)
                    return dt__lex_pool + t->wi[m].off;
            }
        }
    }
    if (w >= 0)
        return dt__lex_pool + t->wi[w].off;
    return lower_copy(a, word, n);
}

const char *dt_tagger_lemma(const dt_tagger *t, dt_arena *a, const char *word, size_t n, int pos)
{
    if (!t || !word)
        return NULL;
    /* the lexicon is keyed by upper-case forms (token norms) */
    char up[256];
    int64_t w = -1;
    if (n < sizeof up) {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)word[i];
            up[i] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
        }
        w = lookup(t, up, n);
        word = up;
    }
    return lemma_idx(t, a, word, n, pos, w);
}

/* ---- initial tags ------------------------------------------------------ */

/* Does s[0..n) end with the k bytes suf (and have more than them)? */
static inline int ends_with_k(const char *s, size_t n, const char *suf, size_t k)
{
    return n > k && memcmp(s + n - k, suf, k) == 0;
}
#define ends_with(s, n, lit) ends_with_k(s, n, lit, sizeof lit - 1)

/* Tag list of a known word for a spelling variant (0 lower, 1 Title,
 * 2 ALL-CAPS): pointer to count byte, or NULL. */

/* Guess for a word Brill's lexicon does not know: shape, suffix, WordNet. */
static int guess_unknown(const dt_tagger *t, const dt_token *tk, int64_t w, int proper_ok,
                         tagset *cand)
{
    const char *s = tk->norm;
    size_t n = tk->norm_len;
    uint16_t f = tk->flags;
    if (f & DT_TOK_DIGIT) {
        if ((f & DT_TOK_NUMBER) || !(f & DT_TOK_ALPHA)) {
            *cand = TS(DT_POS_CD);
            return DT_POS_CD;
        }
        *cand = TS(DT_POS_NNP) | TS(DT_POS_NN) | TS(DT_POS_JJ) | TS(DT_POS_CD);
        return (f & DT_TOK_CAP) ? DT_POS_NNP : DT_POS_JJ;
    }
    if (!(f & DT_TOK_ALPHA)) {
        *cand = TS(DT_POS_SYM) | TS(DT_POS_COLON);
        if (n >= 2 && (s[0] == '-' || s[0] == '.'))
            return DT_POS_COLON;
        return DT_POS_SYM;
    }
    if (proper_ok) {
        *cand = TS(DT_POS_NNP) | TS(DT_POS_NNPS) | TS(DT_POS_JJ);
        return DT_POS_NNP;
    }
    if (f & DT_TOK_HYPHEN) {
        *cand = TS(DT_POS_JJ) | TS(DT_POS_NN) | TS(DT_POS_NNS);
        if (s[n - 1] == 'S' && !ends_with(s, n, "SS"))
            return DT_POS_NNS;
        return DT_POS_JJ;
    }
    int wn = w >= 0 ? t->wi[w].wn : 0;
    if (ends_with(s, n, "ING") && n > 5) {
        *cand = TS(DT_POS_VBG) | TS(DT_POS_NN) | TS(DT_POS_JJ);
        return DT_POS_VBG;
    }
    if (ends_with(s, n, "ED") && n > 4) {
        *cand = TS(DT_POS_VBN) | TS(DT_POS_VBD) | TS(DT_POS_JJ);
        return DT_POS_VBN;
    }
    if (ends_with(s, n, "LY") && n > 4) {
        *cand = TS(DT_POS_RB) | TS(DT_POS_JJ);
        return DT_POS_RB;
    }
    if (s[n - 1] == 'S' && n > 3 && !ends_with(s, n, "SS") && !ends_with(s, n, "US") &&
        !ends_with(s, n, "IS")) {
        int64_t nb = morph_base(t, s, n, 0), vb = morph_base(t, s, n, 1);
        *cand = TS(DT_POS_NNS) | TS(DT_POS_VBZ);
        if (vb >= 0 && nb < 0)
            return DT_POS_VBZ;
        if (vb >= 0 && (t->wi[vb].wn & DT__WN_VERB_DOMINANT))
            return DT_POS_VBZ;
        return DT_POS_NNS;
    }
    typedef struct {
        const char *s;
        size_t k;
    } suffix;
#define SUF(lit)                                                                                   \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }
    static const suffix noun_suf[] = {
        SUF("TION"), SUF("SION"), SUF("MENT"), SUF("NESS"), SUF("ITY"), SUF("ISM"), SUF("ANCE"),
        SUF("ENCE"), SUF("SHIP"), SUF("HOOD"), SUF("IST"),  SUF("EER"), {NULL, 0}};
    static const suffix adj_suf[] = {SUF("OUS"), SUF("FUL"), SUF("IVE"), SUF("ABLE"), SUF("IBLE"),
                                     SUF("AL"),  SUF("IC"),  SUF("ISH"), SUF("LESS"), SUF("ARY"),
                                     SUF("ESE"), SUF("IAN"), SUF("ERN"), {NULL, 0}};
#undef SUF
    for (int i = 0; noun_suf[i].s; i++)
        if (ends_with_k(s, n, noun_suf[i].s, noun_suf[i].k)) {
            *cand = TS(DT_POS_NN) | TS(DT_POS_JJ);
            return DT_POS_NN;
        }
    for (int i = 0; adj_suf[i].s; i++)
        if (ends_with_k(s, n, adj_suf[i].s, adj_suf[i].k)) {
            *cand = TS(DT_POS_JJ) | TS(DT_POS_NN);
            return DT_POS_JJ;
        }
    if (wn) {
        *cand = 0;
        if (wn & DT__WN_NOUN)
            *cand |= TS(DT_POS_NN);
        if (wn & DT__WN_VERB)
            *cand |= TS(DT_POS_VB) | TS(DT_POS_VBP);
        if (wn & DT__WN_ADJ)
            *cand |= TS(DT_POS_JJ);
        if (wn & DT__WN_ADV)
            *cand |= TS(DT_POS_RB);
        if ((wn & DT__WN_VERB) && ((wn & DT__WN_VERB_DOMINANT) || !(wn & DT__WN_NOUN)) &&
            !(wn & DT__WN_ADJ))
            return DT_POS_VB;
        if (wn & DT__WN_NOUN)
            return DT_POS_NN;
        if (wn & DT__WN_ADJ)
            return DT_POS_JJ;
        if (wn & DT__WN_VERB)
            return DT_POS_VB;
        return DT_POS_RB;
    }
    *cand = TS(DT_POS_NN) | TS(DT_POS_JJ) | TS(DT_POS_NNP);
    return (f & DT_TOK_CAP) ? DT_POS_NNP : DT_POS_NN;
}

/* Initial tag and candidate set of one token. headline: the sentence is
 * set in capitals, so case carries no information. initial_tag below
 * takes the common case (a known word) from the word's record and calls
 * this for the rest. */
static int initial_tag_full(const dt_tagger *t, const dt_token *tk, int64_t w, int headline,
                            tagset *cand)
{
    uint16_t f = tk->flags;
    if (f & DT_TOK_QUOTE) {
        *cand = TS(DT_POS_OQUOTE) | TS(DT_POS_CQUOTE);
        return DT_POS_OQUOTE; /* direction is fixed up afterwards */
    }
    /* One flag says whether w is any of the special words tested here. */
    int special = w >= 0 && (t->wi[w].rwf & RWF_SPECIAL);
    if (special && (w == t->sw[SW_OQ] || w == t->sw[SW_CQ])) {
        int p = w == t->sw[SW_OQ] ? DT_POS_OQUOTE : DT_POS_CQUOTE;
        *cand = TS(p);
        return p;
    }
    if (tk->norm_len == 1 && (tk->norm[0] == '"')) {
        *cand = TS(DT_POS_OQUOTE) | TS(DT_POS_CQUOTE);
        return DT_POS_OQUOTE;
    }
    /* "US" in capitals is the country, not the pronoun; decided before
     * the contextual rules so they see a name. */
    if (special && w == t->sw[SW_US] && (f & DT_TOK_ALLCAPS)) {
        *cand = TS(DT_POS_NNP);
        return DT_POS_NNP;
    }
    if (special && w == t->sw[SW_APOS_S]) {
        *cand = TS(DT_POS_POS) | TS(DT_POS_VBZ);
        return DT_POS_POS;
    }
    int cap = (f & DT_TOK_CAP) && !headline;
    int allcaps = (f & DT_TOK_ALLCAPS) && !headline;
    int start = (f & DT_TOK_SENT_START) != 0;
    /* Which spelling of the word in Brill's lexicon to trust first. */
    const uint8_t *order = spelling_order[allcaps ? 2 : cap && !start ? 1 : 0];
    for (int i = 0; i < 3 && w >= 0; i++) {
        if (!t->wi[w].cand[order[i]])
            continue;
        *cand = t->wi[w].cand[order[i]];
        int p = t->wi[w].first[order[i]];
        /* A capitalised word inside a sentence that the lexicon only knows
         * in lower case is usually part of a name ("Foreign Ministry"). */
        if (cap && !start && order[i] == 0 && p == DT_POS_NN && !(f & DT_TOK_HYPHEN)) {
            *cand |= TS(DT_POS_NNP);
            p = DT_POS_NNP;
        }
        /* British doubled-l past forms ("travelled", "cancelled",
         * "labelled") come first as adjectives in Brill's (American)
         * lexicon; when WordNet knows the single-l verb they are verb
         * forms first, tagged like any regular past form. */
        int64_t vb;
        if (p == DT_POS_JJ && tk->norm_len > 6 && ends_with(tk->norm, tk->norm_len, "LLED") &&
            wn_has(t, tk->norm, tk->norm_len - 3, DT__WN_VERB, &vb)) {
            *cand |= TS(DT_POS_VBN) | TS(DT_POS_VBD);
            p = DT_POS_VBN;
        }
        return p;
    }
    /* Unknown word. A capitalised word that is not the first of the
     * sentence is a name; at the start, only if WordNet does not know it. */
    int proper = 0;
    if ((cap && !start) || allcaps)
        proper = 1;
    else if (cap && start && !(w >= 0 && t->wi[w].wn) && !(f & DT_TOK_HYPHEN))
        proper = morph_base(t, tk->norm, tk->norm_len, 0) < 0 &&
                 morph_base(t, tk->norm, tk->norm_len, 1) < 0;
    else if (headline)
        proper = !(w >= 0 && t->wi[w].wn);
    return guess_unknown(t, tk, w, proper, cand);
}

/* Case class of a token by its CAP, ALLCAPS and SENT_START flags (bits
 * 3-5): the index k of orders[k] in initial_tag_full, plus CC_CAPMID for
 * a capitalised word inside the sentence. In a headline, case says
 * nothing: always class 0. */
enum { CC_CAPMID = 4 };
_Static_assert(DT_TOK_CAP == 8 && DT_TOK_ALLCAPS == 16 && DT_TOK_SENT_START == 32,
               "case flags in bits 3-5");
static const uint8_t case_class[2][8] = {
    /* CAP, ALLCAPS, START: cap && !start -> 1 + CAPMID; allcaps -> 2 */
    {0, 1 | CC_CAPMID, 2, 2 | CC_CAPMID, 0, 0, 2, 2},
    {0, 0, 0, 0, 0, 0, 0, 0}};

/* Initial tag of a token: what initial_tag_full returns, read from the
 * word's record for a known word that is not one of the special ones. */
static HOT int initial_tag(const dt_tagger *t, const dt_token *tk, int64_t w, int headline,
                           tagset *cand)
{
    uint16_t f = tk->flags;
    if (w < 0 || (f & DT_TOK_QUOTE) || (t->wi[w].rwf & RWF_SPECIAL))
        return initial_tag_full(t, tk, w, headline, cand);
    const winfo *wi = &t->wi[w];
    unsigned cc = case_class[headline][(f >> 3) & 7];
    unsigned v = (wi->pick >> (2 * (cc & 3))) & 3;
    if (v == PICK_NONE)
        return initial_tag_full(t, tk, w, headline, cand);
    *cand = wi->cand[v];
    int p = wi->first[v];
    if ((cc & CC_CAPMID) && v == 0 && p == DT_POS_NN && !(f & DT_TOK_HYPHEN)) {
        *cand |= TS(DT_POS_NNP);
        p = DT_POS_NNP;
    }
    if (p == DT_POS_JJ && (wi->pick & PICK_LLED)) {
        *cand |= TS(DT_POS_VBN) | TS(DT_POS_VBD);
        p = DT_POS_VBN;
    }
    return p;
}

/* ---- contextual rules -------------------------------------------------- */

typedef struct tctx {
    const dt_tagger *t;
    const dt_token *tok;
    const int32_t *wid; /* lexicon index per token, -1 unknown; padded */
    /* 16-bit: a store to it cannot alias the tables or pointers the
     * loops keep in registers, as a byte store may */
    uint16_t *tag;
    const tagset *cand;
    uint32_t n;
} tctx;

/* tag and wid have PAD slots on each side holding DT_POS__COUNT and -1,
 * so rules look around without bounds checks. */
#define PAD 3
static int tag_at(const tctx *c, int64_t i)
{
    return c->tag[i];
}

/* w is a lexicon index or -2 (a word no token can be: see the set-up of
 * rule_wid and sw), never -1, so one comparison does. */
static int word_at(const tctx *c, int64_t i, int32_t w)
{
    return c->wid[i] == w;
}

/* Is token i the special word k? */
static int is_sw(const tctx *c, int64_t i, int k)
{
    return word_at(c, i, c->t->sw[k]);
}

static int rule_fires(const tctx *c, const frule *r, uint32_t i)
{
    int64_t k = i;
    const int32_t *W = r->word;
    switch (r->cond) {
    case DT__R_STARTWORD:
        return i == 0 && word_at(c, k, W[0]);
    case DT__R_PREV1OR2TAG:
        return tag_at(c, k - 1) == r->tag[0] || tag_at(c, k - 2) == r->tag[0];
    case DT__R_PREVTAG:
        return tag_at(c, k - 1) == r->tag[0];
    case DT__R_NEXTTAG:
        return tag_at(c, k + 1) == r->tag[0];
    case DT__R_NEXTTAG2:
        return tag_at(c, k + 2) == r->tag[0];
    case DT__R_PREVTAG2:
        return tag_at(c, k - 2) == r->tag[0];
    case DT__R_PREVWORD:
        return word_at(c, k - 1, W[0]);
    case DT__R_PREVWORDPREVTAG:
        return word_at(c, k - 1, W[0]) && tag_at(c, k - 1) == r->tag[1];
    case DT__R_CURRENTWD:
        return word_at(c, k, W[0]);
    case DT__R_WDPREVTAG:
        return word_at(c, k, W[1]) && tag_at(c, k - 1) == r->tag[0];
    case DT__R_WDPREVWD:
        return word_at(c, k, W[1]) && word_at(c, k - 1, W[0]);
    case DT__R_NEXT1OR2OR3TAG:
        return tag_at(c, k + 1) == r->tag[0] || tag_at(c, k + 2) == r->tag[0] ||
               tag_at(c, k + 3) == r->tag[0];
    case DT__R_NEXT2WD:
        return word_at(c, k + 2, W[0]);
    case DT__R_WDNEXTTAG:
        return word_at(c, k, W[0]) && tag_at(c, k + 1) == r->tag[1];
    case DT__R_WDNEXTWD:
        return word_at(c, k, W[0]) && word_at(c, k + 1, W[1]);
    case DT__R_PREV1OR2OR3TAG:
        return tag_at(c, k - 1) == r->tag[0] || tag_at(c, k - 2) == r->tag[0] ||
               tag_at(c, k - 3) == r->tag[0];
    case DT__R_SURROUNDTAG:
        return tag_at(c, k - 1) == r->tag[0] && tag_at(c, k + 1) == r->tag[1];
    case DT__R_SURROUNDTAGWD:
        return word_at(c, k, W[0]) && tag_at(c, k - 1) == r->tag[1] &&
               tag_at(c, k + 1) == r->tag[2];
    case DT__R_NEXTWD:
        return word_at(c, k + 1, W[0]);
    case DT__R_NEXT1OR2TAG:
        return tag_at(c, k + 1) == r->tag[0] || tag_at(c, k + 2) == r->tag[0];
    case DT__R_PREV2TAG:
        /* with one argument (Brill's PREV2TAG): the tag two before */
        if (!r->tag[1])
            return tag_at(c, k - 2) == r->tag[0];
        return tag_at(c, k - 2) == r->tag[0] && tag_at(c, k - 1) == r->tag[1];
    case DT__R_NEXT2TAG:
        return tag_at(c, k + 1) == r->tag[0] && tag_at(c, k + 2) == r->tag[1];
    case DT__R_PREV2TAGNEXTTAG:
        return tag_at(c, k - 2) == r->tag[0] && tag_at(c, k - 1) == r->tag[1] &&
               tag_at(c, k + 1) == r->tag[2];
    case DT__R_NEXT1OR2WD:
        return word_at(c, k + 1, W[0]) || word_at(c, k + 2, W[0]);
    case DT__R_PREV2WD:
        return word_at(c, k - 2, W[0]);
    case DT__R_PREV1OR2WD:
        return word_at(c, k - 1, W[0]) || word_at(c, k - 2, W[0]);
    case DT__R_END:
        return i + 1 == c->n;
    case DT__R_PREV2WORDS:
        return word_at(c, k - 1, W[0]) && word_at(c, k - 2, W[1]);
    default:
        return 0;
    }
}

/* First rule (in learned order, after `after`) in one key group that
 * fires on token i; returns its number + 1, or 0. Stops at `best`. */
/* keyed: the group is keyed on a word (the current, previous or next
 * one, kwid), which every rule in it needs; a rule whose key word is not
 * kwid cannot fire and is passed over before rule_fires. */
static inline uint32_t try_range(const dt_tagger *t, const tctx *c, uint32_t from, uint32_t to,
                                 uint32_t i, uint32_t after, uint32_t best, int keyed, int32_t kwid)
{
    const frule *end = t->rlist + to;
    for (const frule *rule = t->rlist + from; rule < end; rule++) {
        uint32_t ord = rule->ord;
        if (ord <= after)
            continue;
        if (ord >= best)
            break;
        if (keyed && rule->key != kwid)
            continue;
        if (rule->verify && c->cand[i] && !(c->cand[i] & TS(rule->to)))
            continue;
        if (rule_fires(c, rule, i))
            return ord;
    }
    return 0;
}

static inline uint32_t try_group(const dt_tagger *t, const tctx *c, uint32_t g, uint32_t i,
                                 uint32_t after, uint32_t best, int keyed, int32_t kwid)
{
    return try_range(t, c, t->rstart[g], t->rstart[g + 1], i, after, best, keyed, kwid);
}

/* The run of current-word rules for word w and tag `from` (see cw in
 * struct dt_tagger), or NULL. */
static inline const cwent *cw_find(const dt_tagger *t, int32_t w, int from)
{
    uint32_t key = cw_key(w, from);
    for (uint32_t h = cw_hash(key) & t->cw_mask;; h = (h + 1) & t->cw_mask) {
        if (t->cw[h].key == key)
            return &t->cw[h];
        if (!t->cw[h].key)
            return NULL;
    }
}

/* The word-rule flags are the bits of the word kinds, so a token's
 * groups are one mask. */
_Static_assert(RWF_CUR == 1u << RK_CURW && RWF_PREV == 1u << RK_PREVW && RWF_NEXT == 1u << RK_NEXTW,
               "word flags are the word kinds' bits");
#define TAG_KINDS ((1u << RK_ALWAYS) | (1u << RK_PREVT) | (1u << RK_NEXTT))

/* tb: the tokens' bits (their words' RWF_* flags), padded like tag. */
static void apply_brill(const dt_tagger *t, tctx *c, const uint8_t *tb)
{
    for (uint32_t i = 0; i < c->n; i++) {
        /* Rules are tried in their learned order; once one fires, only
         * later rules for the new tag may fire on this token. */
        uint32_t after = 0;
        unsigned words = ((unsigned)tb[i] & RWF_CUR) | ((unsigned)tb[(int64_t)i - 1] & RWF_PREV) |
                         ((unsigned)tb[i + 1] & RWF_NEXT) | TAG_KINDS;
        int tp = c->tag[(int64_t)i - 1], tn = c->tag[i + 1];
        for (;;) {
            int tag = c->tag[i];
            /* two small tables say which groups hold any rule for this
             * tag and its neighbours, so most tokens stop here */
            unsigned m = (t->kmask_p[tag][tp] | t->kmask_n[tag][tn]) & words;
            if (!m)
                break;
            /* any order of groups finds the same first rule: each stops
             * at the best found so far */
            uint32_t best = UINT32_MAX, o;
            if ((m & (1u << RK_ALWAYS)) &&
                (o = try_group(t, c, group_of(RK_ALWAYS, tag, 0), i, after, best, 0, 0)))
                best = o;
            if ((m & (1u << RK_PREVT)) &&
                (o = try_group(t, c, group_of(RK_PREVT, tag, tp), i, after, best, 0, 0)))
                best = o;
            if ((m & (1u << RK_NEXTT)) &&
                (o = try_group(t, c, group_of(RK_NEXTT, tag, tn), i, after, best, 0, 0)))
                best = o;
            const cwent *ce;
            if ((m & (1u << RK_CURW)) && (ce = cw_find(t, c->wid[i], tag)) &&
                (o = try_range(t, c, ce->start, ce->end, i, after, best, 0, 0)))
                best = o;
            if ((m & (1u << RK_PREVW)) && (o = try_group(t, c, group_of(RK_PREVW, tag, 0), i, after,
                                                         best, 1, c->wid[(int64_t)i - 1])))
                best = o;
            if ((m & (1u << RK_NEXTW)) &&
                (o = try_group(t, c, group_of(RK_NEXTW, tag, 0), i, after, best, 1, c->wid[i + 1])))
                best = o;
            if (best == UINT32_MAX)
                break;
            c->tag[i] = dt__lex_rules[best - 1].to;
            after = best;
        }
    }
}

/* Rules of our own, applied after Brill's: they fix confusions that
 * matter to event coding and that Brill's WSJ-trained rules leave. Each
 * is a general pattern; none refers to a particular sentence. */
static int has(const tctx *c, uint32_t i, int pos)
{
    return c->cand[i] == 0 || (c->cand[i] & TS(pos)) != 0;
}

static int is_do_form(const tctx *c, int64_t j)
{
    return c->wid[j] >= 0 && (c->t->wi[c->wid[j]].wclass & DT__WC_DO) != 0;
}

static int is_adverb(int p)
{
    return p == DT_POS_RB || p == DT_POS_RBR || p == DT_POS_RBS;
}

static int is_particle_word(const tctx *c, uint32_t i)
{
    return c->wid[i] >= 0 && (c->t->wi[c->wid[i]].wclass & DT__WC_PARTICLE) != 0;
}

/* own_rules' rules, in the order they are tried (the first that fires
 * wins). Each is a bit in the masks below. */
enum {
    OR_QUOTE,   /* straight quotes alternate */
    OR_REL,     /* a verb after a relative pronoun */
    OR_PREFIX,  /* "anti-" */
    OR_BASE,    /* the base form after a modal, do-support or "to" */
    OR_VBN_SUB, /* a participle after its subject is a past tense */
    OR_VBN_CC,  /* ... and after "and" following a past tense */
    OR_PRES_CC, /* the same for the present tense */
    OR_VBP_SUB, /* a base form after its subject is present tense */
    OR_PDT,     /* "all the" */
    OR_BY,      /* a participle before a "by" agent */
    OR_RAISE,   /* "is said to" */
    OR_PART,    /* particles */
    OR_NOUN,    /* a noun after a determiner, adjective or possessive */
    OR_SUBJV,   /* a verb between a subject and an object */
    OR__COUNT
};
/* The rules that need the token itself to be a quote, to end in '-' or
 * to be one of the RWF_OWN words (TB_OWN in the token's bits). */
#define OR_TOKEN ((1u << OR_QUOTE) | (1u << OR_PREFIX) | (1u << OR_PDT) | (1u << OR_PART))

/* The tags each rule tests at the token, before it and after it (a
 * superset: the rule itself checks the rest), from which dt_tagger_new
 * builds own_p and own_n. */
#define ANY_TAG ((TS(DT_POS__COUNT) << 1) - 1) /* every tag and the edge */
#define VERB_TAGS                                                                                  \
    (TS(DT_POS_VB) | TS(DT_POS_VBD) | TS(DT_POS_VBG) | TS(DT_POS_VBN) | TS(DT_POS_VBP) |           \
     TS(DT_POS_VBZ))
static const struct {
    tagset tag, prev, next;
} own_cond[OR__COUNT] = {
    [OR_QUOTE] = {ANY_TAG, ANY_TAG, ANY_TAG},
    [OR_REL] = {TS(DT_POS_NN) | TS(DT_POS_VBN) | TS(DT_POS_NNS), TS(DT_POS_WP) | TS(DT_POS_WDT),
                ANY_TAG},
    [OR_PREFIX] = {ANY_TAG, ANY_TAG, ANY_TAG},
    /* the tag before is the licensing word's or an adverb's */
    [OR_BASE] = {TS(DT_POS_NN) | TS(DT_POS_VBP) | TS(DT_POS_JJ) | TS(DT_POS_NNP) | TS(DT_POS_VBD),
                 TS(DT_POS_MD) | TS(DT_POS_TO) | VERB_TAGS | TS(DT_POS_RB) | TS(DT_POS_RBR) |
                     TS(DT_POS_RBS),
                 ANY_TAG},
    [OR_VBN_SUB] = {TS(DT_POS_VBN),
                    TS(DT_POS_NNP) | TS(DT_POS_NNPS) | TS(DT_POS_PRP) | TS(DT_POS_NN) |
                        TS(DT_POS_NNS),
                    ANY_TAG},
    [OR_VBN_CC] = {TS(DT_POS_VBN), TS(DT_POS_CC), ANY_TAG},
    [OR_PRES_CC] = {TS(DT_POS_NNS) | TS(DT_POS_NN), TS(DT_POS_CC),
                    TS(DT_POS_DT) | TS(DT_POS_PRPS) | TS(DT_POS_NNP) | TS(DT_POS_PRP) |
                        TS(DT_POS_CD)},
    [OR_VBP_SUB] = {TS(DT_POS_VB),
                    TS(DT_POS_NNS) | TS(DT_POS_NNP) | TS(DT_POS_NNPS) | TS(DT_POS_PRP), ANY_TAG},
    [OR_PDT] = {ANY_TAG, ANY_TAG, TS(DT_POS_DT) | TS(DT_POS_PRPS)},
    [OR_BY] = {TS(DT_POS_JJ) | TS(DT_POS_VBD), ANY_TAG, ANY_TAG},
    [OR_RAISE] = {TS(DT_POS_JJ) | TS(DT_POS_VBD), ANY_TAG, TS(DT_POS_TO)},
    [OR_PART] = {ANY_TAG, VERB_TAGS,
                 TS(DT_POS_IN) | TS(DT_POS_TO) | TS(DT_POS_PERIOD) | TS(DT_POS_COMMA) |
                     TS(DT_POS_CC) | TS(DT_POS_PRPS) | TS(DT_POS__COUNT)},
    [OR_NOUN] = {TS(DT_POS_VBZ) | TS(DT_POS_VBP) | TS(DT_POS_VB),
                 TS(DT_POS_DT) | TS(DT_POS_JJ) | TS(DT_POS_PRPS) | TS(DT_POS_POS) | TS(DT_POS_JJS) |
                     TS(DT_POS_JJR),
                 ANY_TAG},
    [OR_SUBJV] = {TS(DT_POS_NNS) | TS(DT_POS_NN),
                  TS(DT_POS_NNP) | TS(DT_POS_PRP) | TS(DT_POS_NNPS) | TS(DT_POS_NNS) |
                      TS(DT_POS_NN),
                  TS(DT_POS_DT) | TS(DT_POS_PRPS) | TS(DT_POS_NNP) | TS(DT_POS_PRP) |
                      TS(DT_POS_CD) | TS(DT_POS_TO)},
};

static void own_tables(dt_tagger *t)
{
    for (int r = 0; r < OR__COUNT; r++)
        for (int p = 0; p < DT_POS__COUNT; p++) {
            if (!(own_cond[r].tag & TS(p)))
                continue;
            for (int u = 0; u <= DT_POS__COUNT; u++) {
                if (own_cond[r].prev & TS(u))
                    t->own_p[p][u] |= (uint16_t)(1u << r);
                if (own_cond[r].next & TS(u))
                    t->own_n[p][u] |= (uint16_t)(1u << r);
            }
        }
}

static inline int lowest_bit(unsigned m)
{
#if defined(__GNUC__)
    return __builtin_ctz(m);
#else
    int r = 0;
    while (!(m & 1u))
        m >>= 1, r++;
    return r;
#endif
}

/* Rule r at token i: the new tag, or -1 if it does not fire. Out of
 * line (COLD): few tokens get here, and inlined into the tagging loops it
 * took registers the per-token loops need. */
static COLD int own_rule(const dt_tagger *t, tctx *c, uint32_t i, int r, int *open)
{
    const dt_token *tk = &c->tok[i];
    uint32_t n = c->n;
    int tag = c->tag[i];
    /* Off the edges the padding reads DT_POS__COUNT. */
    int prev = c->tag[(int64_t)i - 1];
    int next = c->tag[i + 1];
    switch (r) {
    case OR_QUOTE:
        /* straight quotes alternate between opening and closing */
        if ((tk->flags & DT_TOK_QUOTE) || (tk->norm_len == 1 && tk->norm[0] == '"')) {
            /* ...except a bare apostrophe after a plural: a possessive */
            if (tk->norm_len == 1 && tk->norm[0] == '\'' && i > 0 &&
                (prev == DT_POS_NNS || prev == DT_POS_NNPS) &&
                c->tok[i - 1].norm[c->tok[i - 1].norm_len - 1] == 'S')
                return DT_POS_POS;
            int q = *open ? DT_POS_OQUOTE : DT_POS_CQUOTE;
            *open = !*open;
            return q;
        }
        return -1;
    case OR_REL:
        /* A relative pronoun subject is followed by its verb: "who shot",
         * "which borders". */
        if ((prev == DT_POS_WP || prev == DT_POS_WDT) &&
            (tag == DT_POS_NN || tag == DT_POS_VBN || tag == DT_POS_NNS)) {
            int to = tag == DT_POS_NNS                                 ? DT_POS_VBZ
                     : tag == DT_POS_VBN                               ? DT_POS_VBD
                     : has(c, i, DT_POS_VBD) && !has(c, i, DT_POS_VBP) ? DT_POS_VBD
                                                                       : DT_POS_VBP;
            if (has(c, i, to))
                return to;
        }
        return -1;
    case OR_PREFIX:
        /* A prefix split off before a hyphen ("anti-", "pro-") modifies. */
        if (tk->norm_len > 1 && tk->norm[tk->norm_len - 1] == '-' && (tk->flags & DT_TOK_ALPHA))
            return DT_POS_JJ;
        return -1;
    case OR_BASE:
        /* The base form after a modal, do-support or "to", across adverbs
         * and negation: "can't ever clash", "did not visit", "to visit". */
        if ((tag == DT_POS_NN || tag == DT_POS_VBP || tag == DT_POS_JJ || tag == DT_POS_NNP ||
             tag == DT_POS_VBD) &&
            has(c, i, DT_POS_VB) && !(tag == DT_POS_NNP && (tk->flags & DT_TOK_CAP))) {
            int64_t j = (int64_t)i - 1;
            while (j >= 0 && is_adverb(c->tag[j]))
                j--;
            if (j >= 0 && (c->tag[j] == DT_POS_MD || c->tag[j] == DT_POS_TO ||
                           (is_do_form(c, j) && dt_pos_is_verb(c->tag[j]))))
                return DT_POS_VB;
        }
        return -1;
    case OR_VBN_SUB:
        /* A past participle right after a name or pronoun subject, with no
         * auxiliary, is a past tense: "officials said Gondor attacked
         * Mordor"; after a common noun only when an object follows
         * ("the troops deployed in ..." stays a participle). */
        if (tag == DT_POS_VBN && has(c, i, DT_POS_VBD) && i > 0 &&
            (prev == DT_POS_NNP || prev == DT_POS_NNPS || prev == DT_POS_PRP ||
             ((prev == DT_POS_NN || prev == DT_POS_NNS) &&
              (next == DT_POS_DT || next == DT_POS_NNP || next == DT_POS_PRPS ||
               next == DT_POS_PRP))))
            return DT_POS_VBD;
        return -1;
    case OR_VBN_CC:
        /* A participle right after "and"/"or" whose nearest verb before it
         * is a past tense coordinates with it: "visited Gondor and
         * expressed support", "expelled the envoys and imposed sanctions". */
        if (tag == DT_POS_VBN && prev == DT_POS_CC && has(c, i, DT_POS_VBD) && i >= 2) {
            int64_t j = (int64_t)i - 2;
            while (j >= 0 && j + 24 > (int64_t)i && !dt_pos_is_verb(c->tag[j]) &&
                   c->tag[j] != DT_POS_MD && c->tag[j] != DT_POS_PERIOD &&
                   c->tag[j] != DT_POS_COLON)
                j--;
            if (j >= 0 && c->tag[j] == DT_POS_VBD)
                return DT_POS_VBD;
        }
        return -1;
    case OR_PRES_CC:
        /* The same for the present tense, when an object follows: "condemns
         * the strike and demands an apology" ("the strike and demands of
         * the union" stays a noun). */
        if ((tag == DT_POS_NNS || tag == DT_POS_NN) && prev == DT_POS_CC && i >= 2 &&
            (next == DT_POS_DT || next == DT_POS_PRPS || next == DT_POS_NNP || next == DT_POS_PRP ||
             next == DT_POS_CD)) {
            int to = tag == DT_POS_NNS ? DT_POS_VBZ : DT_POS_VBP;
            int64_t j = (int64_t)i - 2;
            while (j >= 0 && j + 24 > (int64_t)i && !dt_pos_is_verb(c->tag[j]) &&
                   c->tag[j] != DT_POS_MD && c->tag[j] != DT_POS_PERIOD &&
                   c->tag[j] != DT_POS_COLON)
                j--;
            /* a base form under a modal or "to": "would close the border
             * and attack Gondor" */
            if (j >= 0 && tag == DT_POS_NN && c->tag[j] == DT_POS_VB)
                to = DT_POS_VB;
            if (j >= 0 && c->tag[j] == to && has(c, i, to))
                return to;
        }
        return -1;
    case OR_VBP_SUB:
        /* A base form right after its subject, with no modal, "to" or
         * do-support licensing it, is present tense: "France agree". */
        if (tag == DT_POS_VB && has(c, i, DT_POS_VBP) &&
            (prev == DT_POS_NNS || prev == DT_POS_NNP || prev == DT_POS_NNPS ||
             prev == DT_POS_PRP) &&
            !is_sw(c, i - 1, SW_US))
            return DT_POS_VBP;
        return -1;
    case OR_PDT:
        /* "all the", "both his": a predeterminer */
        if ((is_sw(c, i, SW_ALL) || is_sw(c, i, SW_BOTH) || is_sw(c, i, SW_HALF)) &&
            (next == DT_POS_DT || next == DT_POS_PRPS))
            return DT_POS_PDT;
        return -1;
    case OR_BY: {
        /* A participle before a "by" agent: "a ceasefire brokered by
         * Egypt", "troops backed by tanks". */
        int pp = c->tag[(int64_t)i - 2];
        if ((tag == DT_POS_JJ || (tag == DT_POS_VBD && (prev == DT_POS_NN || prev == DT_POS_NNS) &&
                                  (pp == DT_POS_DT || pp == DT_POS_JJ || pp == DT_POS_PRPS))) &&
            i + 1 < n && c->wid[i + 1] >= 0 && (t->wi[c->wid[i + 1]].wclass & DT__WC_BY) &&
            (c->cand[i] & TS(DT_POS_VBN)))
            return DT_POS_VBN;
        return -1;
    }
    case OR_RAISE:
        /* Raising passives: a form of "be" (across adverbs), a word that
         * can be a participle, then "to": "is said to", "are expected to",
         * "was reported to" — a participle, not an adjective. */
        if ((tag == DT_POS_JJ || tag == DT_POS_VBD) && next == DT_POS_TO &&
            (c->cand[i] & TS(DT_POS_VBN))) {
            int64_t j = (int64_t)i - 1;
            while (j >= 0 && is_adverb(c->tag[j]))
                j--;
            if (j >= 0 && c->wid[j] >= 0 && (t->wi[c->wid[j]].wclass & DT__WC_BE))
                return DT_POS_VBN;
        }
        return -1;
    case OR_PART:
        /* Particles: "burned down its embassy", "crack down on". */
        if (is_particle_word(c, i) && dt_pos_is_verb(prev) && has(c, i, DT_POS_RP) &&
            (next == DT_POS_IN || next == DT_POS_TO || next == DT_POS_PERIOD ||
             next == DT_POS_COMMA || next == DT_POS_CC || next == DT_POS_PRPS ||
             next == DT_POS__COUNT))
            return DT_POS_RP;
        return -1;
    case OR_NOUN:
        /* Noun or verb. After a determiner, adjective or possessive, a noun:
         * "the talks", "his visit", "Gondor's attacks". */
        if ((tag == DT_POS_VBZ || tag == DT_POS_VBP || tag == DT_POS_VB) &&
            (prev == DT_POS_DT || prev == DT_POS_JJ || prev == DT_POS_PRPS || prev == DT_POS_POS ||
             prev == DT_POS_JJS || prev == DT_POS_JJR)) {
            int to = tag == DT_POS_VBZ ? DT_POS_NNS : DT_POS_NN;
            if (has(c, i, to) &&
                !(prev == DT_POS_DT && (is_sw(c, i - 1, SW_THAT) || is_sw(c, i - 1, SW_ALL))))
                return to;
        }
        return -1;
    case OR_SUBJV:
        /* After a subject and before an object, a verb: "Arnor talks to",
         * "officials visit Gondor", "he calls the". */
        if ((tag == DT_POS_NNS || tag == DT_POS_NN) && i > 0 &&
            (prev == DT_POS_NNP || prev == DT_POS_PRP || prev == DT_POS_NNPS ||
             prev == DT_POS_NNS || prev == DT_POS_NN) &&
            (next == DT_POS_DT || next == DT_POS_PRPS || next == DT_POS_NNP || next == DT_POS_PRP ||
             next == DT_POS_CD || next == DT_POS_TO)) {
            int to = DT_POS__COUNT;
            if (tag == DT_POS_NNS && has(c, i, DT_POS_VBZ) &&
                (prev == DT_POS_NNP || prev == DT_POS_NN ||
                 (prev == DT_POS_PRP && !is_sw(c, i - 1, SW_THEY) && !is_sw(c, i - 1, SW_WE) &&
                  !is_sw(c, i - 1, SW_I))))
                to = DT_POS_VBZ;
            else if (tag == DT_POS_NN && has(c, i, DT_POS_VBP) &&
                     (prev == DT_POS_NNS || prev == DT_POS_NNPS || is_sw(c, i - 1, SW_THEY) ||
                      is_sw(c, i - 1, SW_WE) || is_sw(c, i - 1, SW_I)))
                to = DT_POS_VBP;
            /* a noun before the candidate makes a compound likelier
             * ("peace talks"), so only a name or pronoun subject counts
             * when the next word is "to" */
            if (to != DT_POS__COUNT && next == DT_POS_TO && prev != DT_POS_NNP &&
                prev != DT_POS_PRP)
                to = DT_POS__COUNT;
            if (to != DT_POS__COUNT)
                return to;
        }
        return -1;
    default:
        return -1;
    }
}

/* tb: the tokens' bits (TB_OWN), padded like tag. */
static void own_rules(const dt_tagger *t, tctx *c, const uint8_t *tb)
{
    int open = 1;
    uint32_t n = c->n;
    for (uint32_t i = 0; i < n; i++) {
        int tag = c->tag[i];
        /* The rules whose tests of this tag and its neighbours' can hold;
         * those that need a particular token only when it is one. */
        unsigned m = t->own_p[tag][c->tag[(int64_t)i - 1]] & t->own_n[tag][c->tag[i + 1]];
        if (!(tb[i] & TB_OWN))
            m &= ~OR_TOKEN;
        if (!(tb[i + 1] & TB_BY))
            m &= ~(1u << OR_BY);
        while (m) {
            int to = own_rule(t, c, i, lowest_bit(m), &open);
            if (to >= 0) {
                c->tag[i] = (uint16_t)to;
                break;
            }
            m &= m - 1;
        }
    }
}

/* ---- driver ------------------------------------------------------------ */

/* The tags lemma_idx reduces to a base form: NNS, verbs, MD, JJR, JJS. */
#define INFLECTED_TAGS                                                                             \
    (TS(DT_POS_NNS) | TS(DT_POS_VB) | TS(DT_POS_VBD) | TS(DT_POS_VBG) | TS(DT_POS_VBN) |           \
     TS(DT_POS_VBP) | TS(DT_POS_VBZ) | TS(DT_POS_MD) | TS(DT_POS_JJR) | TS(DT_POS_JJS))

/* Working arrays of one sentence, sized for the document's longest. */
typedef struct scratch {
    uint16_t *tagp; /* tags (see tctx) */
    tagset *cand;
    int32_t *widp;
    uint8_t *tbp; /* token bits: RWF_* of the word, TB_OWN */
} scratch;

/* By a token's ALPHA and ALLCAPS flags: 1 if alphabetic, plus 1 << 32 if
 * also in capitals (the headline test's two counts in one add). */
#define AC(f)                                                                                      \
    (((f)&DT_TOK_ALPHA ? UINT64_C(1) : 0) +                                                        \
     (((f) & (DT_TOK_ALPHA | DT_TOK_ALLCAPS)) == (DT_TOK_ALPHA | DT_TOK_ALLCAPS)                   \
          ? UINT64_C(1) << 32                                                                      \
          : 0))
static const uint64_t alpha_caps[DT_TOK_ALLCAPS * 2] = {
    AC(0),  AC(1),  AC(2),  AC(3),  AC(4),  AC(5),  AC(6),  AC(7),  AC(8),  AC(9),  AC(10),
    AC(11), AC(12), AC(13), AC(14), AC(15), AC(16), AC(17), AC(18), AC(19), AC(20), AC(21),
    AC(22), AC(23), AC(24), AC(25), AC(26), AC(27), AC(28), AC(29), AC(30), AC(31)};
#undef AC
_Static_assert(DT_TOK_ALPHA < DT_TOK_ALLCAPS && DT_TOK_ALLCAPS == 16,
               "alpha_caps is indexed by the flags' low five bits");

static int tag_sentence(const dt_tagger *t, dt_arena *a, dt_doctext *d, const dt_sentence *s,
                        const scratch *sc)
{
    uint32_t n = s->ntok;
    if (n == 0)
        return DT_OK;
    dt_token *tok = d->tok + s->tok;
    uint16_t *tagp = sc->tagp;
    tagset *cand = sc->cand;
    int32_t *widp = sc->widp;
    uint16_t *tag = tagp + PAD;
    int32_t *widx = widp + PAD;
    uint8_t *tb = sc->tbp + PAD;
    /* the padding after the sentence (dt_tagger_tag sets the one before) */
    for (int k = 0; k < PAD; k++) {
        tagp[n + PAD + (uint32_t)k] = DT_POS__COUNT;
        widp[n + PAD + (uint32_t)k] = -1;
        sc->tbp[n + PAD + (uint32_t)k] = 0;
    }
    /* Headline: most words set in capitals. Hash every token first
     * (counting the capitals on the way) and prefetch its slot, then look
     * up and tag: two short passes let the memory accesses overlap. */
    uint64_t counts = 0; /* alphabetic tokens, and those in capitals << 32 */
    for (uint32_t i = 0; i < n; i++) {
        counts += alpha_caps[tok[i].flags & (DT_TOK_ALPHA | DT_TOK_ALLCAPS)];
        /* The tokeniser hashes most norms as it writes them. */
        uint32_t h = tok[i].norm_hash;
        if (!h)
            h = hash_bytes(tok[i].norm, tok[i].norm_len);
        widx[i] = (int32_t)h; /* the hash, until the lookup below */
        prefetch_slot(t, h);
    }
    uint64_t alpha = (uint32_t)counts, caps = counts >> 32;
    int headline = alpha >= 3 && caps * 4 >= alpha * 3;
    for (uint32_t i = 0; i < n; i++) {
        widx[i] = (int32_t)lookup_hashed(t, tok[i].norm, tok[i].norm_len, (uint32_t)widx[i]);
        tag[i] = (uint16_t)initial_tag(t, &tok[i], widx[i], headline, &cand[i]);
        unsigned b;
        if (widx[i] >= 0) {
            b = t->wi[widx[i]].rwf;
        } else {
            char last = tok[i].norm_len ? tok[i].norm[tok[i].norm_len - 1] : 0;
            b = last == '"' || last == '-' ? TB_OWN : 0;
        }
        if (tok[i].flags & DT_TOK_QUOTE)
            b |= TB_OWN;
        tb[i] = (uint8_t)b;
    }
    tctx c = {t, tok, widx, tag, cand, n};
    apply_brill(t, &c, tb);
    own_rules(t, &c, tb);
    for (uint32_t i = 0; i < n; i++) {
        tok[i].pos = (uint8_t)tag[i];
        tok[i].word_id = (uint32_t)(widx[i] + 1); /* -1 (unknown) is 0 */
        /* A known word in a tag without inflection is its own lemma
         * (what lemma_idx returns for it). */
        if (widx[i] >= 0 && !(INFLECTED_TAGS & TS(tag[i])))
            tok[i].lemma = dt__lex_pool + t->wi[widx[i]].off;
        else
            tok[i].lemma = lemma_idx(t, a, tok[i].norm, tok[i].norm_len, tag[i], widx[i]);
        if (!tok[i].lemma)
            return DT_ENOMEM;
    }
    return DT_OK;
}

int dt_tagger_tag(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err)
{
    if (!t || !a || !d)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "null argument");
    size_t longest = 0;
    for (size_t s = 0; s < d->nsent; s++)
        if (d->sent[s].ntok > longest)
            longest = d->sent[s].ntok;
    scratch sc = {dt_arena_alloc(a, (longest + 2 * PAD) * sizeof(uint16_t)),
                  dt_arena_alloc(a, (longest ? longest : 1) * sizeof(tagset)),
                  dt_arena_alloc(a, (longest + 2 * PAD) * sizeof(int32_t)),
                  dt_arena_alloc(a, longest + 2 * PAD)};
    if (!sc.tagp || !sc.cand || !sc.widp || !sc.tbp)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory while tagging");
    /* The padding before every sentence: the passes write only from PAD
     * on, so once per document. */
    for (int k = 0; k < PAD; k++) {
        sc.tagp[k] = DT_POS__COUNT;
        sc.widp[k] = -1;
        sc.tbp[k] = 0;
    }
    for (size_t s = 0; s < d->nsent; s++) {
        int rc = tag_sentence(t, a, d, &d->sent[s], &sc);
        if (rc < 0)
            return dt_error_set(err, rc, "", 0, d->sent[s].off, "out of memory while tagging");
    }
    return DT_OK;
}
