/* Coder internals shared by the src/code/ files. */
#ifndef DT_CODE_INTERNAL_H
#define DT_CODE_INTERNAL_H

#include "detente/code.h"
#include "detente/ontology.h"

#include <string.h>

/* One item of the phrase list (PETRARCH's ParseList): an opening tag
 * "(NP1", a closing tag "~NP1", a word, or the code slot that follows
 * "(NE". Strings are arena-owned or static. */
typedef struct dt__pl {
    const char *s;
    uint32_t id; /* dictionary word id of a word, 0 otherwise */
    int32_t tok; /* document token index of a word, -1 otherwise */
    uint16_t f;  /* DT__PL_* flags of s (dt__pl_flags) */
} dt__pl;

/* What PETRARCH's substring tests on an item would find, computed once
 * when the item is made so that the coder's loops need not rescan it. */
enum {
    DT__PL_TCOMMA = 1,   /* "~," in s */
    DT__PL_NEC = 2,      /* "NEC" in s */
    DT__PL_TNE = 4,      /* "~NE" in s */
    DT__PL_OPEN = 8,     /* '(' in s */
    DT__PL_TILDE = 16,   /* '~' in s */
    DT__PL_COMMA = 32,   /* s is "(," */
    DT__PL_MOPEN = 64,   /* s starts with '(' */
    DT__PL_MCLOSE = 128, /* s starts with '~' */
    DT__PL_LATER = 256   /* '(' or '~' after the first byte of s */
};

unsigned dt__pl_flags(const char *s);

/* What push_word (code_plist.c) makes of a token whose norm is w: its
 * item flags (dt__pl_flags(w)), with DT__PL_WSLOW added when the word
 * needs more than a push (a first byte that reads as markup, or an
 * underscore or blank after the first byte that splits it). */
#define DT__PL_WSLOW 0x8000u
unsigned dt__pl_word_flags(const char *w);

typedef struct dt__plist {
    dt__pl *v;
    uint32_t n, cap;
    dt_arena *a;
    int oom;
    /* opening minus closing tags (DT__PL_MOPEN, DT__PL_MCLOSE) in v[0..n),
     * kept by dt__pl_push_f and by every removal or splice */
    int32_t bal;
} dt__plist;

/* Append an item; dt__pl_push_f takes its flags (which must equal
 * dt__pl_flags(s)), dt__pl_push computes them. */
int dt__pl_push(dt__plist *l, const char *s, uint32_t id, int32_t tok);

/* Make room for one more item (l->n == l->cap): DT_OK or DT_ENOMEM
 * (and l->oom set). */
int dt__pl_grow(dt__plist *l);

/* Inline: the phrase list's builders push every item through it. */
static inline int dt__pl_push_f(dt__plist *l, const char *s, uint32_t id, int32_t tok, unsigned f)
{
    if (l->n == l->cap && dt__pl_grow(l) < 0)
        return DT_ENOMEM;
    l->v[l->n].s = s;
    l->v[l->n].id = id;
    l->v[l->n].tok = tok;
    l->v[l->n].f = (uint16_t)f;
    l->n++;
    l->bal += (f & DT__PL_MOPEN) ? 1 : (f & DT__PL_MCLOSE) ? -1 : 0;
    return DT_OK;
}

/* Build the phrase list of sentence si (see code_plist.c); ids (may be
 * NULL) are the tokens' dictionary word ids. Returns DT_OK,
 * DT_ENOMEM, or DT_EFORMAT when the structure is unusable. */
int dt__plist_build(const dt_dicts *dicts, dt_arena *a, const dt_doctext *d, size_t si,
                    const uint32_t *ids, const uint16_t *wflags, uint32_t nwflags, dt__plist *out);

/* Actor or agent candidates by first and second word (code_order.c): a
 * phrase of two or more words can only match a noun phrase holding its
 * second word. For first words with many phrases (big[w]), the positions
 * (relative to first_start[w]) of the phrases whose second word is w2,
 * ascending, are kpos[start .. start + n) of the hash slot (w, w2); w2 = 0
 * holds the one-word phrases. */
typedef struct dt__w2index {
    struct dt__w2slot {
        uint32_t w, w2, start, n;
    } * tab;
    uint32_t mask;
    uint32_t *kpos;
    uint8_t *big;
    uint32_t nfirst;
    uint32_t maxlist; /* longest candidate list of a big first word */
} dt__w2index;

/* The run for (w, w2), or NULL. */
const uint32_t *dt__w2_probe(const dt__w2index *x, uint32_t w, uint32_t w2, uint32_t *n);

/* Pattern order per verb block (code_order.c): block b's usable patterns
 * are idx[first[b] .. first[b+1]), most specific first. */
typedef struct dt__order {
    uint32_t *first;
    uint32_t *idx;
    /* What each pattern needs near the verb, so the matcher can skip
     * patterns that cannot fit before trying them: idx entry r needs
     * rq[rfirst[r] .. rfirst[r+1]), each a word id or synset index
     * (DT__RQ_VALUE bits) with DT__RQ_SYNSET set for a synset and
     * DT__RQ_UPPER set for an element before the verb. */
    uint32_t *rfirst;
    uint32_t *rq;
    uint32_t *maxel; /* per block: most elements in one of its patterns */
    uint32_t nblocks;
    /* Candidate index for blocks with many patterns (big[b]): a pattern
     * can only match if its first requirement (the rarest) is present, so
     * the matcher probes (block, word or synset near the verb) and tries
     * only the patterns found plus those without requirements. Hash
     * slots ktab[] map (block, first requirement) to the ascending run
     * kidx[kstart .. kstart + kn) of idx positions; block b's patterns
     * without a usable first requirement are kidx[ffirst[b] .. ffirst[b+1]). */
    struct dt__okey {
        uint32_t block, key, start, n;
    } * ktab;
    uint32_t kmask;
    uint32_t *kidx;
    uint32_t *ffirst;
    uint8_t *big;
    uint32_t maxblock; /* most usable patterns in one block */
    /* A Bloom set of the (block, first requirement) keys of ktab, by the
     * high 16 bits of their hash: most probes find no bit and stop there. */
    uint64_t *kbloom;
    /* Bit w set when word id w starts some synset phrase (a child of the
     * synset trie's root), for w < nsynfirst; NULL when there are none. */
    uint64_t *synfirst;
    uint32_t nsynfirst;
    /* The same for the issue phrases (issfirst, nissfirst). */
    uint64_t *issfirst;
    uint32_t nissfirst;
    dt__w2index actw2, agw2; /* actor and agent phrases */
    /* dt__pl_word_flags of each dictionary word, by id (< nwflags), so
     * that the phrase list does not rescan the words it pushes */
    uint16_t *wflags;
    uint32_t nwflags;
    /* dt_cameo_lookup of every pattern, verb and block code of the
     * dictionaries (NULL results included), by FNV-1a of the code; open
     * addressing, a NULL code is an empty slot (dt__cameo) */
    struct dt__cslot {
        const char *code;
        const dt_cameo_entry *entry;
    } * ctab;
    uint32_t cmask;
} dt__order;

static inline uint32_t dt__okey_hash(uint32_t b, uint32_t key)
{
    uint64_t x = ((uint64_t)b << 32 | key) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

/* The run of idx positions of block b whose first requirement is key
 * (DT__RQ_* bits as in rq); NULL if none. */
static inline const uint32_t *dt__order_probe(const dt__order *o, uint32_t b, uint32_t key,
                                              uint32_t *n)
{
    if (!o->ktab)
        return NULL;
    uint32_t h = dt__okey_hash(b, key), f = h >> 16;
    if (!(o->kbloom[f >> 6] & (1ull << (f & 63))))
        return NULL;
    for (h &= o->kmask;; h = (h + 1) & o->kmask) {
        const struct dt__okey *s = &o->ktab[h];
        if (s->block == UINT32_MAX)
            return NULL;
        if (s->block == b && s->key == key) {
            *n = s->n;
            return o->kidx + s->start;
        }
    }
}

#define DT__RQ_UPPER 0x80000000u
#define DT__RQ_SYNSET 0x40000000u
#define DT__RQ_VALUE 0x3fffffffu

static inline uint32_t dt__code_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* dt_cameo_lookup(code, strlen(code)), from o->ctab when the code is a
 * dictionary's (the same pointer, mostly, or the same text). */
static inline const dt_cameo_entry *dt__cameo(const dt__order *o, const char *code)
{
    if (o->ctab) {
        for (uint32_t i = dt__code_hash(code) & o->cmask;; i = (i + 1) & o->cmask) {
            const struct dt__cslot *sl = &o->ctab[i];
            if (!sl->code)
                break;
            if (sl->code == code || strcmp(sl->code, code) == 0)
                return sl->entry;
        }
    }
    return dt_cameo_lookup(code, strlen(code));
}

int dt__order_build(const dt_dicts *d, dt__order *o);
void dt__order_free(dt__order *o);
/* 1 if a pattern or verb code can produce or suppress events: "---" or a
 * code starting with a digit (not TABARI's "+++" or "###"). Inline: the
 * verb loop asks it for every verb. */
static inline int dt__code_usable(const char *code)
{
    if (!code || !code[0])
        return 0;
    if (code[0] == '-' && code[1] == '-' && code[2] == '-' && code[3] == '\0')
        return 1;
    return code[0] >= '0' && code[0] <= '9';
}

struct dt_coder {
    const dt_dicts *d;
    dt_coder_options opt;
    dt__order order;
    int own_format; /* every dictionary source is a .dtx file */
};

#endif
