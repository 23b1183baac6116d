/* detente — tagging: part-of-speech tags, lemmas, chunks and clauses.
 *
 * The tagger is built from tables compiled into the library at build time
 * (a lexicon of word -> possible tags, ordered by frequency, contextual
 * rules, and WordNet morphology). It needs no model file at run time.
 *
 * A dt_tagger is immutable after dt_tagger_new and may be shared by any
 * number of threads. Per-document output goes into the dt_doctext and the
 * caller's arena.
 */
#ifndef DETENTE_TAG_H
#define DETENTE_TAG_H

#include "detente/text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dt_tagger dt_tagger;

/* Build the tagger from the built-in tables. Caller owns *out. */
int dt_tagger_new(dt_tagger **out, dt_error *err);
void dt_tagger_free(dt_tagger *t);

/* Set pos, lemma and word_id on every token of d. Thread-safe. */
int dt_tagger_tag(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err);

/* Lemma of a word given its tag (lower-case result, arena or static).
 * Uses WordNet exceptions (went -> go, children -> child) and rules. */
const char *dt_tagger_lemma(const dt_tagger *t, dt_arena *a, const char *word, size_t n,
                            int pos);

/* Group tagged tokens into chunks (NP, VP, PP, ...) and clauses; set each
 * sentence's main_vp and the VP flags (passive, negated, say, modal).
 * Requires tags. Thread-safe; the tagger supplies lexical lists. */
int dt_chunk_doc(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err);

/* Convenience: tokenise (dt_text_analyse), tag and chunk. */
int dt_analyse(const dt_tagger *t, dt_arena *a, const char *text, size_t len, dt_doctext *out,
               dt_error *err);

/* Parse a Penn Treebank bracketed tree "(ROOT (S (NP (NNP Arnor)) ...))"
 * into a one-sentence dt_doctext: tokens with the gold tags, the full
 * constituents, and flat chunks derived from the tree so that the coder
 * sees the same structure as on raw text. The document text is the leaves
 * joined by single spaces (arena-owned); -LRB- etc. become ( ). Lemmas are
 * filled when t is non-NULL. DT_EFORMAT on unbalanced brackets. */
int dt_treebank_parse(const dt_tagger *t, dt_arena *a, const char *tree, size_t n,
                      dt_doctext *out, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
