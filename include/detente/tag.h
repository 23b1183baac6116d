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

/* Build the tagger from the built-in tables (about 10 ms: hash index and
 * rule index; about 10 MiB). Caller owns *out and frees it with
 * dt_tagger_free. Returns DT_OK or DT_ENOMEM. */
int dt_tagger_new(dt_tagger **out, dt_error *err);
/* Free a tagger (NULL is fine). No other thread may still be using it. */
void dt_tagger_free(dt_tagger *t);

/* Set pos, lemma and word_id on every token of d, sentence by sentence
 * (tags depend only on the sentence). Lemmas point into the tagger's
 * tables or into a (arena), so they live as long as both. Thread-safe: t
 * is only read. Returns DT_OK, DT_EINVAL or DT_ENOMEM (arena exhausted). */
int dt_tagger_tag(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err);

/* Lemma of a word (any case) given its tag: lower-case, pointing into the
 * tagger's tables (static for the tagger's lifetime) or into a. Uses
 * WordNet exceptions (went -> go, children -> child) and WordNet's suffix
 * rules; a word WordNet does not know is its own lemma. NULL only when t
 * or word is NULL or a is exhausted. Thread-safe. */
const char *dt_tagger_lemma(const dt_tagger *t, dt_arena *a, const char *word, size_t n, int pos);

/* Group tagged tokens into chunks (NP, VP, PP, ...) and clauses; set each
 * sentence's main_vp and the VP flags (passive, negated, say, modal).
 * Requires tags (dt_tagger_tag first). d->chunk is allocated from a.
 * Thread-safe; the tagger supplies lexical lists. DT_OK, DT_EINVAL or
 * DT_ENOMEM. See docs/tagger.md for the rules. */
int dt_chunk_doc(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err);

/* Convenience: tokenise (dt_text_analyse), tag and chunk. text must be
 * valid UTF-8 (dt_utf8_validate) and outlive *out. Errors are those of the
 * three stages. Thread-safe with one arena per thread. */
int dt_analyse(const dt_tagger *t, dt_arena *a, const char *text, size_t len, dt_doctext *out,
               dt_error *err);

/* Parse a Penn Treebank bracketed tree "(ROOT (S (NP (NNP Arnor)) ...))"
 * into a one-sentence dt_doctext: tokens with the gold tags, the full
 * constituents, and flat chunks derived from the tree so that the coder
 * sees the same structure as on raw text. The document text is the leaves
 * joined by single spaces (arena-owned); -LRB- etc. become ( ). Lemmas are
 * filled when t is non-NULL (the tags stay the gold ones). PETRARCH's AUX,
 * AUXD, AUXP, AUXZ, AUXG, AUXN tags are read as VB, VBD, VBP, VBZ, VBG,
 * VBN; -NONE- traces are dropped. Limits: 4 MiB of tree, depth 512,
 * DT_MAX_SENTENCE_TOKENS words (DT_ELIMIT). DT_EFORMAT, with err->offset
 * the byte offset in tree, on unbalanced brackets, unknown tags, a word
 * outside a preterminal, or text after the tree. Thread-safe. */
int dt_treebank_parse(const dt_tagger *t, dt_arena *a, const char *tree, size_t n, dt_doctext *out,
                      dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
