/* detente — the event coder: analysed sentences -> CAMEO events.
 *
 * Semantics follow PETRARCH-1 / TABARI (see docs/coder.md):
 *   - each sentence is turned into a linear phrase list like PETRARCH's
 *     ParseList: noun phrases become "NE" units (actor candidates),
 *     coordinated noun phrases become compounds, verb phrases are indexed;
 *     the structure comes from the full parse when the sentence has one
 *     (dt_treebank_parse) and otherwise from the chunker's flat chunks;
 *   - comma-delimited clauses are removed (comma_* options);
 *   - actors and agents are looked up in every NE (actor codes restricted
 *     to the sentence date, agents prefixed or suffixed);
 *   - every verb phrase whose verb is in the verb dictionary (multi-word
 *     verbs included) is matched against its block's patterns, with
 *     synsets and the $ + ^ % markers; the source is the first coded noun
 *     phrase before the verb, the target the first after it (or where the
 *     pattern's markers put them); passive "by" phrases swap them;
 *     compounds give one event per pair; "xxx:yyy" codes give paired
 *     events; null codes "---" suppress; require_dyad drops events with an
 *     empty side; new_actor_length > 0 quotes uncoded noun phrases.
 *   - discard phrases skip the sentence (or, for '+' phrases, the story).
 *
 * A dt_coder is immutable after dt_coder_new except through
 * dt_coder_set_option, which must not run concurrently with coding.
 * dt_coder_code is thread-safe when each thread passes its own arena.
 */
#ifndef DETENTE_CODE_H
#define DETENTE_CODE_H

#include "detente/arena.h"
#include "detente/common.h"
#include "detente/dict.h"
#include "detente/event.h"
#include "detente/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PETRARCH-1 coder options; dt_coder_options_default gives PETRARCH's
 * defaults (shown in brackets). */
typedef struct dt_coder_options {
    int require_dyad;     /* [1] drop events whose source or target is "---" */
    int new_actor_length; /* [0] > 0: an uncoded noun phrase of fewer than this many
                             words becomes a quoted "PHRASE" actor */
    int comma_min;        /* [2] internal comma clause: words min */
    int comma_max;        /* [8] ... max (0 = off) */
    int comma_bmin;       /* [0] initial clause min */
    int comma_bmax;       /* [0] initial clause max (0 = off) */
    int comma_emin;       /* [2] terminal clause min */
    int comma_emax;       /* [8] terminal clause max (0 = off) */
    int code_issues;      /* [1] attach issue codes when an issues dictionary is loaded */
    int source_only;      /* [0] detente: code actions that act on no one (roots 01, 14,
                             15; a pattern without '+'/'%') with an empty target when
                             no coded target is found; kept under require_dyad */
    int modality;         /* [0] detente: raw text, a negated verb group ("did not
                             attack") or one with may/might/could codes nothing */
    int agent_country;    /* [-1] detente: an agent with no country (---GOV) takes the
                             country of the nearest coded actor of the sentence that is
                             not the event's other side; 1 on, 0 off, -1 ("auto") on
                             only when every dictionary source is a .dtx file */
} dt_coder_options;

void dt_coder_options_default(dt_coder_options *o);

/* Set one option by its PETRARCH name ("require_dyad", "new_actor_length",
 * "comma_min", ...) from its text value ("true"/"false" for booleans: any
 * value containing "false", case-insensitively, is false, as PETRARCH;
 * integers for the rest). "stop_on_error" and other PETRARCH run options
 * are accepted and ignored. DT_EINVAL for a bad value, DT_ENOENT for an
 * unknown name; err says which. */
int dt_coder_options_set(dt_coder_options *o, const char *name, const char *value, dt_error *err);

typedef struct dt_coder dt_coder;

/* Build a coder over dicts (borrowed: must outlive the coder) with opts
 * (copied; NULL = defaults). Compiles the verb patterns into matching
 * tries. Caller owns *out (dt_coder_free). DT_ENOMEM, DT_EINVAL. */
int dt_coder_new(const dt_dicts *dicts, const dt_coder_options *opts, dt_coder **out,
                 dt_error *err);
void dt_coder_free(dt_coder *c);

/* Change an option of an existing coder (PETRARCH <Config> records).
 * Not thread-safe with respect to concurrent dt_coder_code calls. */
int dt_coder_set_option(dt_coder *c, const char *name, const char *value, dt_error *err);
/* Replace all options of c with *opts (copied). Same thread rule as
 * dt_coder_set_option. Lets a threaded caller give a worker's coder the
 * options a batch of documents was read under. */
void dt_coder_set_options(dt_coder *c, const dt_coder_options *opts);
const dt_coder_options *dt_coder_get_options(const dt_coder *c);

/* Why a sentence produced no events (counts and per-sentence status). */
enum dt_code_status {
    DT_CODE_OK = 0,           /* coded; may have zero events */
    DT_CODE_DISCARD_SENTENCE, /* a discard phrase matched */
    DT_CODE_DISCARD_STORY,    /* a '+' discard phrase matched: skip the document */
    DT_CODE_EMPTY,            /* nothing to code (no tokens) */
    DT_CODE_TOO_LONG,         /* sentence over DT_CODE_MAX_TOKENS, skipped */
    DT_CODE_BAD_DATE          /* date outside 00010101..99991231: coded without date
                                 restrictions (still coded) */
};

/* Sentences longer than this are not coded (counted as too long). */
#define DT_CODE_MAX_TOKENS 2048

typedef struct dt_code_counts {
    uint64_t sentences; /* sentences seen */
    uint64_t coded;     /* sentences that produced >= 1 event */
    uint64_t no_event;  /* coded, no event */
    uint64_t discarded_sentences;
    uint64_t discarded_stories; /* documents stopped by a story discard */
    uint64_t skipped;           /* empty or too long */
    uint64_t too_long;          /* of skipped, over DT_CODE_MAX_TOKENS */
    uint64_t events;
} dt_code_counts;

/* Per-document inputs beyond the text. */
typedef struct dt_code_doc {
    dt_str doc_id;      /* copied into events (borrowed view) */
    int32_t date;       /* yyyymmdd; 0 = unknown (actor date restrictions then use
                           the undated default codes) */
    dt_str sentence_id; /* PETRARCH sentence id for single-sentence records, or empty */
    dt_str extra;       /* JSON object text passed through to events, or empty */
} dt_code_doc;

/* Code every sentence of d (tokens tagged and chunked by dt_analyse, or a
 * dt_treebank_parse result). Events are appended to an array allocated
 * from arena a: *events / *nevents (NULL / 0 if none). counts (optional)
 * are ADDED to. status (optional) receives the last sentence's
 * dt_code_status (for one-sentence records). Stops at a story discard.
 * Returns DT_OK, or DT_ENOMEM / DT_EINVAL (err filled). Never fails on
 * odd input: empty or huge sentences are skipped and counted. */
int dt_coder_code(const dt_coder *c, dt_arena *a, const dt_doctext *d, const dt_code_doc *doc,
                  dt_event **events, size_t *nevents, dt_code_counts *counts, int *status,
                  dt_error *err);

/* Debug aid: write sentence s of d as the coder's phrase list ("(S (NE ARN
 * ARNOR ~NE (VP1 ...") into buf (NUL-terminated, cut at cap). Returns the
 * length that would have been written. */
size_t dt_coder_debug_phrases(const dt_coder *c, dt_arena *a, const dt_doctext *d, size_t s,
                              int32_t date, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
