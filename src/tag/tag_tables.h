/* detente — layout of the tagger tables generated at build time by
 * tools/lexicon/gen.mjs (see docs/tagger.md). Internal. */
#ifndef DT_TAG_TABLES_H
#define DT_TAG_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "detente/text.h"

/* WordNet part-of-speech bits of a base form. */
enum {
    DT__WN_NOUN = 1,
    DT__WN_VERB = 2,
    DT__WN_ADJ = 4,
    DT__WN_ADV = 8,
    DT__WN_VERB_DOMINANT = 16 /* more verb senses than noun senses */
};

/* Brill's contextual rule conditions (names from Brill's rule files). */
enum {
    DT__R_STARTWORD,
    DT__R_PREV1OR2TAG,
    DT__R_PREVTAG,
    DT__R_NEXTTAG,
    DT__R_NEXTTAG2,
    DT__R_PREVTAG2,
    DT__R_PREVWORD,
    DT__R_PREVWORDPREVTAG,
    DT__R_CURRENTWD,
    DT__R_WDPREVTAG,
    DT__R_WDPREVWD,
    DT__R_NEXT1OR2OR3TAG,
    DT__R_NEXTBIGRAM,
    DT__R_NEXT2WD,
    DT__R_WDNEXTTAG,
    DT__R_WDNEXTWD,
    DT__R_PREV1OR2OR3TAG,
    DT__R_SURROUNDTAG,
    DT__R_SURROUNDTAGWD,
    DT__R_NEXTWD,
    DT__R_NEXT1OR2TAG,
    DT__R_PREV2TAG,
    DT__R_NEXT2TAG,
    DT__R_PREV2TAGNEXTTAG,
    DT__R_NEXT1OR2WD,
    DT__R_PREV2WD,
    DT__R_RBIGRAM,
    DT__R_PREV1OR2WD,
    DT__R_END,
    DT__R_PREV2WORDS
};

typedef struct dt__lex_rule {
    uint8_t cond;        /* DT__R_* */
    uint8_t from, to;    /* enum dt_pos */
    uint8_t verify;      /* only if the word may take `to` (or is unknown) */
    uint8_t second_run;  /* Brill's "second run only" marker (unused) */
    uint8_t tag[3];      /* tag arguments, enum dt_pos */
    const char *word[3]; /* word arguments, upper-case, or NULL */
} dt__lex_rule;

/* String pool: lower-case words, NUL-terminated, sorted. */
extern const char dt__lex_pool[];
extern const uint32_t dt__lex_pool_len;
extern const uint32_t dt__lex_nwords;
extern const uint32_t dt__lex_word[]; /* pool offset */
extern const uint8_t dt__lex_wlen[];  /* byte length */
extern const uint8_t dt__lex_wn[];    /* DT__WN_* bits */
/* Offset into dt__lex_taglist (0 = not in Brill's lexicon). At that offset:
 * three lists (lower-case, Title-case, ALL-CAPS spelling), each a count
 * followed by that many enum dt_pos, most frequent first. */
extern const uint32_t dt__lex_tags[];
extern const uint8_t dt__lex_taglist[];
/* Offset into dt__lex_exclist (0 = none): pairs (class+1, pool offset of
 * base), class 0 noun, 1 verb, 2 adjective; ends with (0, 0). */
extern const uint32_t dt__lex_exc[];
extern const uint32_t dt__lex_exclist[];
extern const dt__lex_rule dt__lex_rules[];
extern const uint32_t dt__lex_nrules;

#endif
