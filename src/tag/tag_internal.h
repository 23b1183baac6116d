/* detente — tag module internals shared by the tagger, the chunker and the
 * treebank reader. Not part of the public API. */
#ifndef DT_TAG_INTERNAL_H
#define DT_TAG_INTERNAL_H

#include "detente/tag.h"

/* Flags of one VP chunk computed from its tokens (passive, negated, modal,
 * infinitive, say). Shared by the raw-text chunker and the treebank reader
 * so that the coder sees the same flags whichever path built the chunks. */
uint16_t dt__vp_flags(const dt_doctext *d, uint32_t first, uint32_t n, uint32_t head);

/* Head token of a chunk of the given type (last noun of an NP, last verb
 * of a VP, else the last token). */
uint32_t dt__chunk_head(const dt_doctext *d, int type, uint32_t first, uint32_t n);

/* Given the chunks of sentence s (already in d->chunk[s->chunk ..]), assign
 * clause indices to its tokens, CLAUSE_START / RELATIVE / MAIN flags and
 * s->main_vp. Pure function of tokens and chunks. */
void dt__clauses(dt_doctext *d, dt_sentence *s);

/* Token flags derived from the surface form alone (used where no
 * tokeniser ran, e.g. treebank leaves). */
uint16_t dt__surface_flags(const char *s, size_t n);

/* Is the upper-case word an attribution verb form (SAID, TOLD ...)? */
int dt__is_say_word(const char *norm, size_t n);

/* Lexicon id of an upper-case word (0 = not in the lexicon). */
uint32_t dt__word_id(const dt_tagger *t, const char *norm, size_t n);

/* Lemma-relevant classes of upper-case words used by the chunker. */
int dt__is_be_form(const char *norm, size_t n);
int dt__is_get_form(const char *norm, size_t n);
int dt__is_negation(const char *norm, size_t n);

#endif
