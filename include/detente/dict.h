/* detente — dictionaries: PETRARCH-1 format readers, detente's own .dtx
 * format (docs/dict-format.md: translated entry by entry into the
 * PETRARCH forms and compiled by the same readers), the built-in set
 * embedded from dict/, a memory-mappable compiled cache, and the
 * compiled, immutable structures the coder matches against.
 *
 * Five kinds of file are read (docs/dictionaries.md has the formats):
 * verbs (synsets, verb blocks, patterns), actors (phrases with dated
 * codes), agents (role phrases with prefix/suffix codes), discards
 * (sentence/story kill phrases) and issues (phrase -> issue code).
 *
 * Everything is compiled once into a dt_dicts: all dictionary words are
 * interned into dense uint32_t ids (0 = unknown word), so the coder maps
 * each token once with dt_dict_word_id() and then compares integers.
 * Phrase sets (actors, agents, discards, issues, synset members) are held
 * as tries over word ids plus flat phrase records; verb forms map a word
 * id to the verbs it is an inflection of; each verb block owns its
 * patterns, stored as element sequences with the verb position marked.
 *
 * Ownership and threads: dt_dicts_load* returns a dt_dicts the caller
 * owns and frees with dt_dicts_free. After loading it is never modified,
 * so any number of threads may read it concurrently without locking.
 * Every pointer handed out by the accessors below (and every pointer
 * inside the public structs) is borrowed from the dt_dicts and stays
 * valid until dt_dicts_free.
 *
 * Bad entries never fail a load: each one produces a dt_dict_warning
 * ("FILE:LINE: reason"), is skipped, and loading goes on. With
 * options.strict, any warning of severity DT_DICT_SEV_WARNING or above
 * makes the load fail with DT_EFORMAT (the warnings are still returned).
 */
#ifndef DETENTE_DICT_H
#define DETENTE_DICT_H

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "No such node / index" in the compiled structures. */
#define DT_DICT_NONE UINT32_MAX

/* Phrase lengths are capped (entries over it are skipped with a warning)
 * so gap bit masks fit in 32 bits and match loops stay bounded. */
#define DT_DICT_MAX_PHRASE_WORDS 32
/* A verb pattern has at most this many elements (markers included). */
#define DT_DICT_MAX_PATTERN_ELEMS 64
/* Longest dictionary line accepted; longer lines are skipped. */
#define DT_DICT_MAX_LINE 8192
/* Phrases one load may make by expansion (synset combinations, issue
 * forms from n:, v: and '+', agent substitution sets), over all files. A
 * 20-byte line can make thousands, so without a bound for the whole load a
 * 1 MB file took gigabytes. The Phoenix set makes 3,413; past the bound
 * the rest are skipped with an error. */
#define DT_DICT_MAX_GENERATED 262144

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

typedef enum dt_dict_kind {
    DT_DICT_VERBS = 0,
    DT_DICT_ACTORS,
    DT_DICT_AGENTS,
    DT_DICT_DISCARDS,
    DT_DICT_ISSUES,
    DT_DICT__KIND_COUNT, /* number of PETRARCH-format kinds */
    /* detente's own format (.dtx, docs/dict-format.md): one file may hold
     * any kinds in [sections]. Kept out of the PETRARCH count above so
     * code that loops over the PETRARCH kinds is unchanged. */
    DT_DICT_OWN = 8
} dt_dict_kind;

/* "verbs", "actors", ...; "?" when out of range. */
const char *dt_dict_kind_name(int kind);

/* The PETRARCH kind a file name stands for, by the words in its base name
 * ("PETR.Validate.verbs.txt" -> DT_DICT_VERBS; also actor, agent, discard,
 * issue, case-insensitive); -1 when none. The one naming rule shared by
 * --dict DIR and 'detente dict'. */
int dt_dict_kind_from_filename(const char *name);

/* One input. If data is non-NULL it is read from memory (len bytes, need
 * not be NUL-terminated; `name` is used in messages, "<memory>" if NULL);
 * otherwise the file at `path` is read and `name` defaults to the path.
 * Several sources of any kind may be given (typically several ACTORS);
 * several verbs files share one synset namespace. */
typedef struct dt_dict_source {
    int kind; /* dt_dict_kind */
    const char *path;
    const char *name;
    const char *data;
    size_t len;
} dt_dict_source;

/* Convenience form: explicit file paths, NULL = not loaded. */
typedef struct dt_dict_files {
    const char *verbs;
    const char *const *actors; /* nactors paths */
    size_t nactors;
    const char *agents;
    const char *discards;
    const char *issues;
} dt_dict_files;

typedef enum dt_dict_severity {
    DT_DICT_SEV_NOTE = 0,    /* lint: duplicates, unreachable patterns; loaded as-is */
    DT_DICT_SEV_WARNING = 1, /* suspicious but loaded (overlapping dates, extra codes) */
    DT_DICT_SEV_ERROR = 2    /* malformed: the entry (or part of it) was skipped */
} dt_dict_severity;

/* What a warning is about (stable, for tests and tooling). */
typedef enum dt_dict_wkind {
    DT_DICTW_SYNTAX = 0,       /* generic malformed line */
    DT_DICTW_EMPTY_PHRASE,     /* phrase with no words */
    DT_DICTW_UNBALANCED,       /* unbalanced [] {} () or unterminated <!-- */
    DT_DICTW_UNDEFINED_SYNSET, /* &NAME used but never defined */
    DT_DICTW_RECURSIVE_SYNSET, /* synset that contains itself */
    DT_DICTW_UNKNOWN_MARKER,   /* a symbol that is not a pattern marker */
    DT_DICTW_BAD_CODE,         /* missing / malformed [CODE] */
    DT_DICTW_BAD_DATE,         /* unreadable or impossible date restriction */
    DT_DICTW_DATE_OVERLAP,     /* two date ranges of one actor overlap */
    DT_DICTW_DUPLICATE,        /* same phrase/pattern defined again */
    DT_DICTW_UNREACHABLE,      /* pattern that can never fire (identical earlier one) */
    DT_DICTW_LIMIT,            /* over a DT_DICT_MAX_* limit */
    DT_DICTW_CONTEXT,          /* line outside any block (pattern before a verb...) */
    DT_DICTW_SUBST,            /* agent !MARKER! problem */
    DT_DICTW_IO                /* unreadable file (load fails regardless of strict) */
} dt_dict_wkind;

typedef struct dt_dict_warning {
    int severity;     /* dt_dict_severity */
    int kind;         /* dt_dict_wkind */
    const char *file; /* source name, borrowed from the dt_dicts */
    uint32_t line;    /* 1-based, 0 = whole file */
    const char *msg;  /* reason, NUL-terminated, borrowed */
} dt_dict_warning;

typedef struct dt_dict_options {
    int strict; /* 1: warnings of severity >= WARNING fail the load */
    /* Optional: called for every warning as it is found (during the
     * load, on the loading thread). The warning is borrowed for the
     * call only. */
    void (*on_warning)(void *ud, const dt_dict_warning *w);
    void *ud;
    /* Warnings kept on the dicts object (0 = default 100000); further
     * ones are counted but only passed to on_warning. */
    uint32_t max_warnings;
    /* Phrases one load may make by expansion (0 = DT_DICT_MAX_GENERATED,
     * which is also the most allowed). A lower bound makes the load of an
     * untrusted dictionary cheaper: the fuzz harnesses use 4,096. */
    uint32_t max_generated;
} dt_dict_options;

typedef struct dt_dicts dt_dicts;

/* Load and compile. opt may be NULL (defaults). On success returns DT_OK
 * and *out is a new dt_dicts (caller frees). On failure returns a
 * negative code (DT_EIO unreadable file, DT_ENOMEM, DT_EINVAL bad
 * arguments, DT_EFORMAT strict mode with warnings) and fills err; if the
 * failure is DT_EFORMAT or DT_EIO, *out is STILL set to the partially
 * loaded dicts so the caller can list the warnings (caller frees it);
 * otherwise *out is NULL. */
int dt_dicts_load(const dt_dict_source *src, size_t nsrc, const dt_dict_options *opt,
                  dt_dicts **out, dt_error *err);
int dt_dicts_load_files(const dt_dict_files *files, const dt_dict_options *opt, dt_dicts **out,
                        dt_error *err);
void dt_dicts_free(dt_dicts *d);

/* The built-in set: the project's own dictionaries (dict/ in the source
 * tree), embedded into the library at build time and compiled here.
 * Same contract as dt_dicts_load (opt may be NULL). Source names are
 * "builtin:dict/PATH". Thread-safe (each call builds a new dt_dicts). */
int dt_dicts_load_builtin(const dt_dict_options *opt, dt_dicts **out, dt_error *err);
/* Number of embedded files and the name/content of file i (borrowed,
 * static); NULL if i is out of range. */
size_t dt_dict_builtin_count(void);
const char *dt_dict_builtin_file(size_t i, const char **data, size_t *len);

/* Load a dictionary directory: every *.dtx file under dir (recursively,
 * in path order) plus the PETRARCH files directly in dir recognised by
 * name (*verb*, *actor*, *agent*, *discard*, *issue* with a .txt
 * extension; see docs/dictionaries.md). DT_EIO (err names dir) if the
 * directory cannot be read, DT_ENOENT if it holds no dictionary. Otherwise
 * as dt_dicts_load. If dir is a compiled cache file (dt_dicts_save_cache)
 * it is loaded with dt_dicts_load_cache(dir, NULL, 0, ...). */
int dt_dicts_load_dir(const char *dir, const dt_dict_options *opt, dt_dicts **out, dt_error *err);

/* Compiled cache: a memory-mappable image of a loaded dt_dicts (every
 * array in one file, strings as offsets), with a header holding a magic
 * string, DT_DICT_CACHE_VERSION, the build's struct layout and the
 * dt_dicts_hash() of the sources plus their kinds and names.
 *
 * dt_dicts_save_cache writes d to path (through a temporary file renamed
 * into place). DT_EIO on a write error.
 *
 * dt_dicts_load_cache maps path and returns a dt_dicts that behaves like
 * the one saved (the caller frees it with dt_dicts_free; warnings of the
 * original load are kept). The sources are always checked: with src/nsrc
 * given, their content hash must equal the cache's; with nsrc == 0, the
 * sources recorded in the cache (file paths, or "builtin:" names of the
 * embedded set) are read and hashed again. A mismatch, an unreadable
 * source, another version or layout, or a truncated or corrupt file is
 * DT_EFORMAT with err saying which; *out is then NULL. opt->strict fails
 * the load (DT_EFORMAT, dicts returned) if the cached load had warnings,
 * as dt_dicts_load would. */
#define DT_DICT_CACHE_VERSION 1
int dt_dicts_save_cache(const dt_dicts *d, const char *path, dt_error *err);
int dt_dicts_load_cache(const char *path, const dt_dict_source *src, size_t nsrc,
                        const dt_dict_options *opt, dt_dicts **out, dt_error *err);
/* 1 if the file at path starts with the cache magic, else 0. */
int dt_dict_is_cache(const char *path);

/* Warnings collected during the load (at most max_warnings). */
size_t dt_dicts_nwarnings(const dt_dicts *d);
const dt_dict_warning *dt_dicts_warning(const dt_dicts *d, size_t i);
/* Count of warnings at each severity (including those not kept). */
size_t dt_dicts_count_severity(const dt_dicts *d, int severity);

typedef struct dt_dict_stats {
    size_t words;         /* interned distinct words */
    size_t actors;        /* actor entries (head + synonyms share one) */
    size_t actor_phrases; /* phrases leading to actors */
    size_t actor_codes;   /* code/date-range records */
    size_t agents;        /* agent phrases (plurals, substitutions expanded) */
    size_t verbs;         /* verb lines */
    size_t verb_forms;    /* inflected forms indexed */
    size_t verb_blocks;
    size_t patterns;
    size_t synsets;
    size_t synset_members; /* phrases after plural/nesting expansion */
    size_t discards;
    size_t issues;      /* issue phrases after n:/v:/+ expansion */
    size_t transforms;  /* '~' lines kept (not applied) */
    size_t warnings;    /* all severities */
    size_t bytes_read;  /* source bytes */
    size_t memory;      /* bytes held by the compiled dicts */
    double load_ms;     /* wall time of the load, milliseconds */
    double load_cpu_ms; /* CPU time of the loading thread, ms (robust on a
                           busy machine, unlike load_ms) */
} dt_dict_stats;

void dt_dicts_stats(const dt_dicts *d, dt_dict_stats *st);

/* 64-bit FNV-1a over every source's kind, length and bytes (not its
 * name), in load order; and the same as 16 hex digits. Identical
 * dictionary contents give identical hashes, for run records. */
uint64_t dt_dicts_hash(const dt_dicts *d);
const char *dt_dicts_hash_hex(const dt_dicts *d);

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

/* Id of a normalised (ASCII-folded, UPPER-CASE) word, e.g. a token's
 * `norm`; 0 if the word occurs in no dictionary. Thread-safe, O(1). */
uint32_t dt_dict_word_id(const dt_dicts *d, const char *norm, size_t n);
/* The same, given the word's FNV-1a 32-bit hash (a token's norm_hash), so
 * that it is not computed twice; 0 = not known (the word is hashed). */
uint32_t dt_dict_word_id_fnv(const dt_dicts *d, const char *norm, size_t n, uint32_t fnv1a);
/* ids[i] = dt_dict_word_id_fnv(d, tok[i].norm, tok[i].norm_len,
 * tok[i].norm_hash) for i < n (0 where norm is NULL): one call per
 * sentence instead of one per token (struct dt_token, detente/text.h). */
struct dt_token;
void dt_dict_token_word_ids(const dt_dicts *d, const struct dt_token *tok, size_t n, uint32_t *ids);
/* The word of an id (NUL-terminated), "" for 0 or out of range. */
const char *dt_dict_word(const dt_dicts *d, uint32_t id);
/* Number of ids: valid ids are 1 .. dt_dict_nwords()-1. */
uint32_t dt_dict_nwords(const dt_dicts *d);

/* ------------------------------------------------------------------ */
/* Evidence                                                            */
/* ------------------------------------------------------------------ */

/* Where an entry came from: source index (see dt_dict_source_name) and
 * 1-based line. */
typedef struct dt_dict_src {
    uint32_t file;
    uint32_t line;
} dt_dict_src;

const char *dt_dict_source_name(const dt_dicts *d, uint32_t file);

/* ------------------------------------------------------------------ */
/* Phrase sets (actors, agents, discards, issues, synset members)      */
/* ------------------------------------------------------------------ */

enum {
    /* Phrase flags. */
    DT_PH_STEM = 1u << 0,     /* discards: last word is a stem (prefix match); the
                                 file's phrase did NOT end in '_' */
    DT_PH_STORY = 1u << 1,    /* discards: '+' = discard the whole story */
    DT_PH_PLURAL = 1u << 2,   /* generated plural (agents, synsets, issues n:) */
    DT_PH_SYNONYM = 1u << 3,  /* actors: a '+' synonym of the head phrase */
    DT_PH_GENERATED = 1u << 4 /* produced by expansion (!SUBST!, v:, +, nesting) */
};

typedef struct dt_dict_phrase {
    uint32_t words;  /* offset of the first word id in dt_dict_word_ids() */
    uint16_t nwords; /* >= 1 */
    uint16_t flags;  /* DT_PH_* */
    uint32_t gaps;   /* bit i (i >= 1): other words may occur between word i-1
                        and word i (a blank in the file); clear = '_' (adjacent).
                        Discards, issues and synset members are always 0. */
    uint32_t entry;  /* index of what the phrase leads to: actor, agent,
                        discard, issue, or synset member's synset */
    dt_dict_src src;
} dt_dict_phrase;

/* The pool all phrases' (and pattern elements') word ids live in. */
const uint32_t *dt_dict_word_ids(const dt_dicts *d);

/* Trie node: children are edges[first_edge .. first_edge+nedges), sorted
 * by word id; phrases ending here are values[first_value ..
 * first_value+nvalues) (phrase indices, longest-registered first is not
 * implied: all end at this node, so they have the same words). Node 0 is
 * the root. */
typedef struct dt_dict_trie_node {
    uint32_t first_edge, nedges;
    uint32_t first_value, nvalues;
} dt_dict_trie_node;

typedef struct dt_dict_trie_edge {
    uint32_t word;
    uint32_t child;
} dt_dict_trie_edge;

/* A compiled phrase set. The trie is over the phrase words taken as
 * CONSECUTIVE (gaps ignored): it answers "which phrases spell exactly
 * these words". For gap-aware matching use the per-phrase `gaps` mask
 * with dt_dict_phrases_by_first(). */
typedef struct dt_dict_phrase_set {
    const dt_dict_phrase *phrases;
    uint32_t nphrases;
    const dt_dict_trie_node *nodes;
    uint32_t nnodes;
    const dt_dict_trie_edge *edges;
    const uint32_t *values;
    /* Phrase indices sorted by (first word, nwords descending, index). */
    const uint32_t *by_first;
    /* The word-id pool phrases index into (== dt_dict_word_ids()). */
    const uint32_t *pool;
    /* Direct index over by_first, built at load: the phrases whose first
     * word is w are by_first[first_start[w] .. first_start[w+1]) for
     * w < nfirst. NULL in a hand-made set (the lookup then searches). */
    const uint32_t *first_start;
    uint32_t nfirst;
    /* Parallel to by_first (built at load, NULL in a hand-made set): the
     * second word of phrase by_first[i], 0 for a one-word phrase, so a
     * matcher can reject candidates without reading the phrases. */
    const uint32_t *by_first_w2;
    /* Built at load for the issue and synset tries (NULL otherwise): the
     * root's child along word w, DT_DICT_NONE if none, for w < nroot, so
     * that a match's first step is no search of the root's edges. */
    const uint32_t *root_child;
    uint32_t nroot;
} dt_dict_phrase_set;

/* Child of `node` along `word`, or DT_DICT_NONE. O(log edges). */
uint32_t dt_dict_trie_step(const dt_dict_phrase_set *s, uint32_t node, uint32_t word);

/* Longest consecutive match of a phrase at ids[0..n): returns the number
 * of words matched (0 = none) and sets *vals / *nvals to the phrase
 * indices ending there. ids may contain 0 (unknown words never match). */
size_t dt_dict_match_longest(const dt_dict_phrase_set *s, const uint32_t *ids, size_t n,
                             const uint32_t **vals, uint32_t *nvals);

/* Phrase indices whose first word is `word`, longest first (*n set).
 * O(1) on a loaded set (first_start), else a binary search. */
const uint32_t *dt_dict_phrases_by_first(const dt_dict_phrase_set *s, uint32_t word, uint32_t *n);

/* ------------------------------------------------------------------ */
/* Actors                                                              */
/* ------------------------------------------------------------------ */

/* One code of an actor, valid on dates from..to inclusive (yyyymmdd;
 * from = 0 means "since ever", to = 99999999 "for ever"). A plain
 * [CODE] (default) has DT_AC_DEFAULT set and the full range. */
enum {
    DT_AC_DEFAULT = 1u << 0,
    DT_AC_BEFORE = 1u << 1,
    DT_AC_AFTER = 1u << 2,
    DT_AC_RANGE = 1u << 3
};

typedef struct dt_dict_actor_code {
    const char *code; /* verbatim, e.g. "USAGOV", "---", "ELR/GAL" */
    int32_t from, to;
    uint32_t flags; /* DT_AC_* */
    dt_dict_src src;
} dt_dict_actor_code;

typedef struct dt_dict_actor {
    uint32_t first_code, ncodes; /* into actor_codes, in file order */
    uint32_t head_phrase;        /* phrase index of the head (root) phrase */
    dt_dict_src src;
} dt_dict_actor;

/* Actor phrases: phrase.entry is the actor index. */
const dt_dict_phrase_set *dt_dict_actor_phrases(const dt_dicts *d);
const dt_dict_actor *dt_dict_actors(const dt_dicts *d, uint32_t *n);
const dt_dict_actor_code *dt_dict_actor_codes(const dt_dicts *d, uint32_t *n);

/* The code of actor `actor` on date yyyymmdd, PETRARCH semantics: the
 * first dated restriction (in file order) that contains the date wins;
 * otherwise the first default code; otherwise NULL (no code). date 0 =
 * unknown date: only defaults apply. *which (if non-NULL) receives the
 * index into dt_dict_actor_codes() (DT_DICT_NONE if NULL returned). */
const char *dt_dict_actor_code_at(const dt_dicts *d, uint32_t actor, int32_t yyyymmdd,
                                  uint32_t *which);

/* ------------------------------------------------------------------ */
/* Agents                                                              */
/* ------------------------------------------------------------------ */

typedef struct dt_dict_agent {
    const char *code; /* without the '~', e.g. "GOV" */
    uint32_t prefix;  /* 1: [CODE~] goes BEFORE the actor code; 0: [~CODE] after */
    dt_dict_src src;
} dt_dict_agent;

/* Agent phrases: phrase.entry is the agent index. The phrases of one
 * line (singular, plural(s), !SUBST! expansions) share one agent. */
const dt_dict_phrase_set *dt_dict_agent_phrases(const dt_dicts *d);
const dt_dict_agent *dt_dict_agents(const dt_dicts *d, uint32_t *n);

/* ------------------------------------------------------------------ */
/* Discards                                                            */
/* ------------------------------------------------------------------ */

/* Discard phrases: phrase.entry is the phrase's own index; flags carry
 * DT_PH_STORY and DT_PH_STEM. */
const dt_dict_phrase_set *dt_dict_discard_phrases(const dt_dicts *d);

/* Check a sentence for discards. ids[i] = dt_dict_word_id of token i and
 * norms[i] its normalised text (NUL-terminated; needed for stem phrases,
 * whose last word matches any token it prefixes). Returns 0 (no discard),
 * 1 (discard the sentence) or 2 (discard the story; wins over 1); *phrase
 * (if non-NULL) receives the phrase that fired, DT_DICT_NONE if none.
 * Thread-safe. */
int dt_dict_discard_check(const dt_dicts *d, const uint32_t *ids, const char *const *norms,
                          size_t n, uint32_t *phrase);
/* The same over tokens: tok[i].norm (NULL reads as "") and its length
 * norm_len stand for norms[i] (struct dt_token, detente/text.h); norm_len
 * is trusted where the NUL is, so it must not exceed strlen(norm), as the
 * tokeniser's (a 16-bit wrap of a longer norm) never does. */
struct dt_token;
int dt_dict_discard_check_tokens(const dt_dicts *d, const uint32_t *ids, const struct dt_token *tok,
                                 size_t n, uint32_t *phrase);

/* ------------------------------------------------------------------ */
/* Issues                                                              */
/* ------------------------------------------------------------------ */

enum {
    DT_ISSUE_CODE = 0,        /* phrase -> issue code */
    DT_ISSUE_IGNORE_SENT = 1, /* '~phrase': no issues from this sentence */
    DT_ISSUE_IGNORE_STORY = 2 /* '~~phrase': no issues from this story */
};

typedef struct dt_dict_issue {
    const char *code;     /* e.g. "TEACHERS"; NULL for ignore phrases */
    const char *category; /* <ISSUE CATEGORY="..."> section, "" outside any */
    uint32_t type;        /* DT_ISSUE_* */
    dt_dict_src src;
} dt_dict_issue;

/* Issue phrases (always consecutive): phrase.entry is the issue index. */
const dt_dict_phrase_set *dt_dict_issue_phrases(const dt_dicts *d);
const dt_dict_issue *dt_dict_issues(const dt_dicts *d, uint32_t *n);

/* Issue phrases in a sentence (ids[i] = dt_dict_word_id of token i).
 * Every occurrence of every issue phrase is one hit: its issue index is
 * written to hits[] (at most cap; *nhits gets the total count, which may
 * exceed cap). If an ignore phrase occurs, PETRARCH's rule applies: no
 * issue is coded from the sentence, *nhits is 0, and the return value is
 * DT_ISSUE_IGNORE_SENT or DT_ISSUE_IGNORE_STORY ('~~' wins; the caller
 * drops the rest of the story for the latter). Otherwise returns 0.
 * Thread-safe. */
int dt_dict_issue_scan(const dt_dicts *d, const uint32_t *ids, size_t n, uint32_t *hits, size_t cap,
                       size_t *nhits);

/* ------------------------------------------------------------------ */
/* Verbs, synsets, patterns                                            */
/* ------------------------------------------------------------------ */

/* Code flags (on verbs, blocks and patterns). */
enum {
    DT_CODE_NULL = 1u << 0,     /* "---": matched, but suppresses the event */
    DT_CODE_COMPOUND = 1u << 1, /* "xxx:yyy" (PETRARCH compound/paired code) */
    DT_CODE_MISSING = 1u << 2   /* no code given; `code` is "---" */
};

typedef struct dt_dict_synset {
    const char *name;      /* with the '&', e.g. "&CURRENCY" */
    uint32_t first_member; /* phrase indices into dt_dict_synset_phrases() */
    uint32_t nmembers;     /* after plural generation and nested expansion */
    uint32_t noplural;     /* name ended in '_' */
    dt_dict_src src;
} dt_dict_synset;

/* All synset members in one set: phrase.entry is the synset index;
 * members of synset s are phrases [first_member, first_member+nmembers). */
const dt_dict_phrase_set *dt_dict_synset_phrases(const dt_dicts *d);
const dt_dict_synset *dt_dict_synsets(const dt_dicts *d, uint32_t *n);
/* Synset index by name (with or without '&'), DT_DICT_NONE if none. */
uint32_t dt_dict_synset_find(const dt_dicts *d, const char *name, size_t n);
/* Longest member of synset `syn` matching ids[0..n) consecutively:
 * number of words (0 = none). */
size_t dt_dict_synset_match(const dt_dicts *d, uint32_t syn, const uint32_t *ids, size_t n);
/* Longest member of synset `syn` ENDING at ids[n-1] (for matching
 * leftwards from the verb): number of words (0 = none). */
size_t dt_dict_synset_match_back(const dt_dicts *d, uint32_t syn, const uint32_t *ids, size_t n);

/* A verb line of a block ("ABANDON", "GIVE {GAVE GIVEN}", "+CLEAR_UP"). */
typedef struct dt_dict_verb {
    uint32_t block;   /* index into blocks */
    uint32_t word;    /* word id of the base form of the head verb */
    const char *code; /* own [CODE] if given, else the block's code */
    uint32_t code_flags;
    dt_dict_src src;
} dt_dict_verb;

/* One inflected form. A form of a multi-word verb ("CLEARED UP",
 * "KLM NOP RST") is keyed on its head word (the one marked '+' in the
 * file) with the words that must stand right before / after it. */
typedef struct dt_dict_verb_form {
    uint32_t verb;        /* index into verbs */
    uint32_t head;        /* word id of this form's head word */
    uint32_t pre, npre;   /* word ids before the head (dt_dict_word_ids), in text order */
    uint32_t post, npost; /* word ids after the head */
    uint32_t is_base;     /* 1 for the base form as written in the file */
} dt_dict_verb_form;

/* Forms whose head word is `word`, multi-word ones (most words) first;
 * *n set (0 if `word` is not a verb form). */
const dt_dict_verb_form *dt_dict_verb_forms(const dt_dicts *d, uint32_t word, uint32_t *n);
const dt_dict_verb *dt_dict_verbs(const dt_dicts *d, uint32_t *n);

/* Pattern element kinds. */
typedef enum dt_pel_kind {
    DT_PEL_WORD = 0, /* value = word id */
    DT_PEL_SYNSET,   /* value = synset index */
    DT_PEL_VERB,     /* '*': the verb itself; exactly one per pattern */
    DT_PEL_SOURCE,   /* '$' */
    DT_PEL_TARGET,   /* '+' */
    DT_PEL_COMPOUND, /* '%': compound (source and target) actor */
    DT_PEL_SKIP,     /* '^': skip a noun phrase */
    DT_PEL_NP_OPEN,  /* '{' noun phrase begins */
    DT_PEL_NP_CLOSE, /* '}' */
    DT_PEL_PP_OPEN,  /* '(' prepositional phrase begins */
    DT_PEL_PP_CLOSE  /* ')' */
} dt_pel_kind;

typedef struct dt_dict_pelem {
    uint8_t kind; /* dt_pel_kind */
    uint8_t adj;  /* 1: joined to the PREVIOUS element with '_' (must be
                     adjacent in the text); 0: a blank (words may intervene).
                     Always 0 on the first element. */
    uint16_t pad;
    uint32_t value;
} dt_dict_pelem;

enum {
    /* Same elements as an EARLIER pattern of the block: with first-match-
     * wins it can never fire (PETRARCH-1's tree kept the LAST one). Kept
     * so the coder can choose; `detente dict check` reports it. */
    DT_PAT_DUPLICATE = 1u << 0
};

typedef struct dt_dict_pattern {
    uint32_t block;      /* owning verb block */
    uint32_t first_elem; /* into dt_dict_pattern_elems() */
    uint16_t nelem;      /* elements in text order, the verb included */
    uint16_t verb_pos;   /* index (0-based, within the pattern) of the '*' */
    uint16_t nwords;     /* WORD + SYNSET elements: a specificity measure */
    uint16_t flags;      /* DT_PAT_* */
    const char *code;    /* verbatim: "075A", "030:030", "---" */
    uint32_t code_flags; /* DT_CODE_* */
    const char *text;    /* the pattern as written (after '-', comment removed) */
    dt_dict_src src;
} dt_dict_pattern;

/* A verb block "--- NAME [CODE] ---": its verbs and its patterns (which
 * apply to every verb of the block). */
typedef struct dt_dict_verb_block {
    const char *name;
    const char *code; /* "---" when absent */
    uint32_t code_flags;
    uint32_t first_verb, nverbs;
    uint32_t first_pattern, npatterns; /* in file order */
    dt_dict_src src;
} dt_dict_verb_block;

const dt_dict_verb_block *dt_dict_verb_blocks(const dt_dicts *d, uint32_t *n);
const dt_dict_pattern *dt_dict_patterns(const dt_dicts *d, uint32_t *n);
const dt_dict_pelem *dt_dict_pattern_elems(const dt_dicts *d);

/* '~' transformation lines of the verb file, kept verbatim (not applied
 * by the dictionary module). */
typedef struct dt_dict_transform {
    const char *text;
    dt_dict_src src;
} dt_dict_transform;
const dt_dict_transform *dt_dict_transforms(const dt_dicts *d, uint32_t *n);

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Parse "yymmdd" or "yyyymmdd" (two-digit years: 00-30 -> 20yy, else
 * 19yy, as PETRARCH) into yyyymmdd; checks month and day (leap years).
 * Returns DT_OK or DT_EDATE. */
int dt_dict_parse_date(const char *s, size_t n, int32_t *yyyymmdd);

#ifdef __cplusplus
}
#endif
#endif
