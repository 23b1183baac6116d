/* detente — tag module internals shared by the tagger, the chunker and the
 * treebank reader. Not part of the public API. */
#ifndef DT_TAG_INTERNAL_H
#define DT_TAG_INTERNAL_H

#include "detente/tag.h"

/* Flags of one VP chunk computed from its tokens (passive, negated, modal,
 * infinitive, say). Shared by the raw-text chunker and the treebank reader
 * so that the coder sees the same flags whichever path built the chunks. */
uint16_t dt__vp_flags(const dt_tagger *t, const dt_doctext *d, uint32_t first, uint32_t n,
                      uint32_t head);

/* Head token of a chunk of the given type (last noun of an NP, last verb
 * of a VP, else the last token). Inline: the chunker asks it for every
 * chunk. */
static inline int dt__is_nounish(int pos)
{
    return dt_pos_is_noun(pos) || pos == DT_POS_PRP || pos == DT_POS_CD || pos == DT_POS_EX ||
           pos == DT_POS_WP;
}

static inline uint32_t dt__chunk_head(const dt_doctext *d, int type, uint32_t first, uint32_t n)
{
    if (n == 0)
        return first;
    uint32_t last = first + n - 1;
    if (type == DT_CHUNK_NP) {
        for (uint32_t i = last + 1; i-- > first;)
            if (dt__is_nounish(d->tok[i].pos))
                return i;
        for (uint32_t i = last + 1; i-- > first;)
            if (d->tok[i].pos != DT_POS_POS)
                return i;
    } else if (type == DT_CHUNK_VP) {
        for (uint32_t i = last + 1; i-- > first;)
            if (dt_pos_is_verb(d->tok[i].pos))
                return i;
        for (uint32_t i = last + 1; i-- > first;)
            if (d->tok[i].pos == DT_POS_MD)
                return i;
    }
    return last;
}

/* Given the chunks of sentence s (already in d->chunk[s->chunk ..]), assign
 * its tokens their chunk types (DT_CHUNK_O outside chunks) and clause
 * indices, CLAUSE_START / RELATIVE / MAIN flags and s->main_vp. Pure
 * function of tokens and chunks. */
void dt__clauses(const dt_tagger *t, dt_doctext *d, dt_sentence *s);

/* Token flags derived from the surface form alone (used where no
 * tokeniser ran, e.g. treebank leaves). */
uint16_t dt__surface_flags(const char *s, size_t n);

/* Is the upper-case word an attribution verb form (SAID, TOLD ...)? */
int dt__is_say_word(const char *norm, size_t n);

/* Lexicon id of an upper-case word (0 = not in the lexicon). */
uint32_t dt__word_id(const dt_tagger *t, const char *norm, size_t n);

/* Word classes the chunker and the tagger's own rules test. */
enum {
    DT__WC_BE = 1u << 0,       /* be, is, was, 's ... */
    DT__WC_GET = 1u << 1,      /* get, got ... (get-passive) */
    DT__WC_HAVE = 1u << 2,     /* has, have, had, 've, having */
    DT__WC_DO = 1u << 3,       /* do, does, did */
    DT__WC_NEG = 1u << 4,      /* not, n't, never ... */
    DT__WC_SAY = 1u << 5,      /* attribution verb forms */
    DT__WC_SUBORD = 1u << 6,   /* may open a subordinate clause */
    DT__WC_CLAUSAL = 1u << 7,  /* always opens a clause (that, whether, if...) */
    DT__WC_PARTICLE = 1u << 8, /* down, up, out, off, away, back */
    DT__WC_THAT = 1u << 9,
    DT__WC_ACCORDING = 1u << 10,
    DT__WC_OF = 1u << 11,
    DT__WC_BECAUSE = 1u << 12,
    DT__WC_TIME = 1u << 13, /* yesterday, today, tomorrow, tonight */
    DT__WC_BY = 1u << 14
};
typedef struct dt__word_class_entry {
    const char *word; /* upper-case */
    uint16_t cls;
} dt__word_class_entry;
/* The lists, ending with {NULL, 0}. */
extern const dt__word_class_entry dt__word_classes[];
uint16_t dt__word_class_slow(const char *norm, size_t n);
/* The first member of struct dt_tagger (tagger.c), declared here so that
 * the word-class test below is inlined where the chunker calls it. */
typedef struct dt__tagger_head {
    const uint16_t *wclass; /* DT__WC_* by lexicon id - 1 */
} dt__tagger_head;
/* Classes of a token: from the tagger's per-word table when t is given
 * (O(1)), else by scanning the lists (treebank path without a tagger). */
static inline uint16_t dt__word_class(const dt_tagger *t, const dt_token *tk)
{
    if (t && tk->word_id)
        return ((const dt__tagger_head *)(const void *)t)->wclass[tk->word_id - 1];
    if (t)
        return 0; /* not in the lexicon, so in none of the lists */
    return dt__word_class_slow(tk->norm, tk->norm_len);
}

#endif
