/* detente dict — internals shared by the dictionary readers (src/dict/).
 * Not a public header: the coder uses include/detente/dict.h only. */
#ifndef DT_DICT_IMPL_H
#define DT_DICT_IMPL_H

#include "detente/arena.h"
#include "detente/text.h"
#include "detente/dict.h"

#include <stdarg.h>

/* A growable array. Grown by doubling through dt_realloc, so loading
 * does one allocation per array per doubling, not one per entry. */
#define DT__VEC(T)                                                                                 \
    struct {                                                                                       \
        T *p;                                                                                      \
        size_t n, cap;                                                                             \
    }

/* Make room for `need` more elements; 0 or DT_ENOMEM. */
int dt__dict_vec_reserve(void **p, size_t *cap, size_t n, size_t need, size_t elsize);
/* The room test inline: a call per pushed element was 5% of a load of
 * synset combinations (27 million word ids). */
#define DT__VEC_PUSH(d, v, val)                                                                    \
    (((v).n < (v).cap ||                                                                           \
      dt__dict_vec_reserve((void **)&(v).p, &(v).cap, (v).n, 1, sizeof *(v).p) == 0)               \
         ? ((v).p[(v).n++] = (val), 0)                                                             \
         : dt__dict_oom(d))
#define DT__VEC_FREE(v) (dt_free((v).p), (v).p = NULL, (v).n = (v).cap = 0)

/* A phrase set under construction, and its compiled form. */
typedef struct dt__pset {
    DT__VEC(dt_dict_phrase) ph;
    dt_dict_trie_node *nodes;
    uint32_t nnodes;
    dt_dict_trie_edge *edges;
    uint32_t *values;
    uint32_t *by_first;
    uint32_t *first_start; /* derived at load (dt__dict_derive), never cached */
    uint32_t *by_first_w2; /* likewise */
    uint32_t *root_child;  /* likewise (issue and synset sets only) */
    dt_dict_phrase_set view;
} dt__pset;

/* A synset member before nesting is resolved: elements are word ids, or
 * synset indices with the top bit set. */
#define DT__SYNREF 0x80000000u
typedef struct dt__rawmember {
    uint32_t syn;
    uint32_t off, n; /* into d->tmp_elems */
    uint32_t plural; /* generate the plural of the last word */
    dt_dict_src src;
} dt__rawmember;

typedef struct dt__synname {
    uint32_t defined; /* 1 once "&NAME" has been seen as a definition */
    uint32_t first_use_line, first_use_file;
} dt__synname;

/* Pattern-level synset references are resolved after the whole verb file
 * is read, because synsets may be defined after their first use. */

struct dt_dicts {
    dt_arena *arena; /* every string: words, codes, names, messages */

    /* Interner: ids 1..nwords-1; wtab is open addressing, each slot the
     * word's hash (high half) and id (low half), so a probe that misses
     * never touches the word arrays. */
    const char **words;
    uint32_t *wlen;
    uint32_t *whash;
    uint32_t nwords, capwords;
    uint64_t *wtab;
    uint32_t wtab_mask;

    /* Code strings ("USAGOV", "---"): stored once each. */
    const char **ctab;
    uint32_t ctab_mask, ncodes_uniq;
    DT__VEC(uint32_t) pool; /* word ids of all phrases and verb forms */
    DT__VEC(const char *) src_names;
    DT__VEC(uint32_t) src_kinds; /* dt_dict_kind of each source (cache checks) */

    DT__VEC(dt_dict_warning) warns;
    size_t sev_count[3];
    size_t nwarn_total;
    dt_dict_options opt;
    int oom; /* an allocation failed somewhere: the load fails */

    dt__pset actor_set, agent_set, discard_set, issue_set, syn_set;
    DT__VEC(dt_dict_actor) actors;
    DT__VEC(dt_dict_actor_code) acodes;
    DT__VEC(dt_dict_agent) agents;
    DT__VEC(dt_dict_issue) issues;
    DT__VEC(dt_dict_synset) synsets;
    DT__VEC(dt__synname) synnames;
    DT__VEC(dt__rawmember) rawmembers;
    /* While reading: synset index by name (open addressing, UINT32_MAX
     * empty), covering synsets[0 .. syn_tabn); freed when verbs finish. */
    uint32_t *syn_tab;
    size_t syn_tabcap, syn_tabn;
    size_t overlap_pairs; /* date ranges of one actor compared, against a bound */
    size_t clash_pairs;   /* codes of actors sharing a name compared, the same */
    size_t generated;     /* phrases made by expansion, against opt.max_generated */
    /* While an agent's substitution sets or an issue's forms are
     * expanded (imemo_on): the last word interned at each slot by its raw
     * bytes (dt__dict_intern), so the words every form of the expansion
     * repeats are folded and looked up once. Load-time only, never in a
     * cache. */
    struct dt__imemo *imemo;
    struct dt__imemo_long *imemo_long; /* the same for longer words */
    int imemo_on;
    DT__VEC(uint32_t) tmp_elems;
    DT__VEC(dt_dict_verb) verbs;
    DT__VEC(dt_dict_verb_form) vforms;
    uint32_t *vf_start; /* CSR over word ids: forms of word w are
                           vforms[vf_start[w] .. vf_start[w+1]) */
    DT__VEC(dt_dict_verb_block) blocks;
    DT__VEC(dt_dict_pattern) patterns;
    DT__VEC(dt_dict_pelem) pelems;
    DT__VEC(dt_dict_transform) transforms;

    /* While an own-format (.dtx) file is being compiled: line i+1 of the
     * PETRARCH text it was translated into came from line linemap[i] of
     * the .dtx file, so every warning and every dt_dict_src names the
     * line the author wrote. NULL otherwise. */
    const uint32_t *linemap;
    size_t nlinemap;

    /* A dicts loaded from a compiled cache (dict_cache.c): every array
     * above points into this private writable mapping, nothing is
     * dt_free'd but the dicts itself and its arena. */
    void *map;
    size_t maplen;

    /* Derived at the end of every load (dt__dict_derive), from the
     * compiled arrays, so the cache format does not carry them: bit L
     * (L < 63) is set when some one-word stem discard has L bytes, bit 63
     * when one has 63 or more. A token's proper prefix can only match a
     * stem of its own length, so the discard check looks up no other. */
    uint64_t stem_lens;
    /* Bit (interner hash & 4095) of every one-word stem discard: most
     * prefixes of a stem length are not stems, and this settles them
     * without probing the word table. */
    uint64_t stem_bloom[64];
    /* stem_short: some stem has a single byte (stem_lens2 below is then
     * not used). */
    int stem_short;

    uint64_t hash;
    char hash_hex[17];
    size_t bytes_read;
    double load_ms;
    double load_cpu_ms;

    /* The stem_lens bits of the one-word stem discards of two or more
     * bytes, by their first two bytes (DT__STEM2 of them; letters and
     * digits each get a slot of their own): a token's proper prefixes
     * can only be stems of these lengths, and a token whose first two
     * bytes start no stem needs no prefix hashes. Read only when such a
     * stem exists, and only then cleared (dt__dict_derive): it is 32 KiB,
     * most of the struct, and most loads have no stem discards. Keep it
     * last (dt__dicts_new clears everything before it). */
    uint64_t stem_lens2[4096];
};

/* A dt_dicts with every member zero but stem_lens2 (uninitialised); NULL
 * when out of memory. */
dt_dicts *dt__dicts_new(void);

/* FNV-1a 64 of one source as dt_dicts_hash() chains it (seed: the
 * running hash, 0xcbf29ce484222325 for the first). */
uint64_t dt__dict_hash_source(uint64_t h, uint32_t kind, const char *data, size_t len);
/* The interner's hash of n bytes (FNV-1a, 32 bits), for the readers' own name tables. */
uint32_t dt__dict_hash_bytes(const char *s, size_t n);
/* Read a whole file into a dt_malloc'd buffer (caller frees). */
int dt__dict_read_file(const char *path, char **out, size_t *len, dt_error *err);

void dt__dict_cache_unmap(void *map, size_t len);
/* The compiled cache's checksum of the bytes after its header. */
uint64_t dt__dict_cache_checksum(const unsigned char *p, size_t n);

/* Build the lookup indexes that are pure functions of the compiled
 * arrays (first-word ranges, stem lengths); called by both load paths
 * once the arrays are final. 0 or DT_ENOMEM. */
int dt__dict_derive(dt_dicts *d);
/* Free what dt__dict_derive allocated (both load paths). */
void dt__dict_derive_free(dt_dicts *d);

/* Check the invariants the matchers and the coder rely on (word ids and
 * word counts of phrases, forms and patterns, every index between the
 * arrays; docs/dict-format.md, "Compiled cache", lists them) in one pass: 0, or -1 with the first
 * broken one described in why (cap bytes). The arrays must be there as
 * their counts say; a trie's edges must be as many as its nodes name. */
int dt__dict_check(const dt_dicts *d, char *why, size_t cap);

/* Errors. */
int dt__dict_oom(dt_dicts *d);
/* Count one phrase about to be made by expansion (issue forms, agent
 * substitutions) against the load's bound (opt.max_generated, at most
 * DT_DICT_MAX_GENERATED) for the whole load: 0 to
 * go on, 1 past the bound (reported once, at file:line). */
int dt__dict_generate(dt_dicts *d, uint32_t file, uint32_t line);
/* Record a warning at file:line (severity, kind, printf message). */
void dt__dict_warn(dt_dicts *d, uint32_t file, uint32_t line, int sev, int kind, const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Strings. */
const char *dt__dict_strdup(dt_dicts *d, const char *s, size_t n);
/* Like dt__dict_strdup, but equal strings share one copy (codes repeat
 * tens of thousands of times in actor files). */
const char *dt__dict_codestr(dt_dicts *d, const char *s, size_t n);
/* Intern a word: fold to the tokens' normal form (ASCII upper case,
 * accents stripped) and return its id; 0 on ENOMEM or empty word. */
uint32_t dt__dict_intern(dt_dicts *d, const char *s, size_t n);
/* Free the intern memos (dt_dicts_free; also safe on a dicts without). */
void dt__dict_imemo_free(dt_dicts *d);
/* h[L-1] = the interner's hash of the prefix s[0..L), for L = 1..n. */
void dt__dict_prefix_hashes(const char *s, size_t n, uint32_t *h);
/* dt_dict_word_id with the hash already known (from the above). */
/* The stem_lens2 slot of a word starting with bytes b0, b1. */
#define DT__STEM2(b0, b1) ((((unsigned)(unsigned char)(b0)&63u) << 6) | ((unsigned char)(b1)&63u))

uint32_t dt__dict_word_id_hashed(const dt_dicts *d, const char *s, size_t n, uint32_t h);

/* Line reader: hands out lines with comments removed. */
typedef struct dt__lines {
    dt_dicts *d;
    uint32_t file;
    const char *p, *end;
    uint32_t lineno;
    int semicolon;       /* ';' starts a comment (TABARI legacy) */
    const uint32_t *map; /* d->linemap at init (see there) */
    size_t nmap;
    char buf[DT_DICT_MAX_LINE];
} dt__lines;
void dt__dict_lines_init(dt__lines *L, dt_dicts *d, uint32_t file, const char *data, size_t len,
                         int semicolon);
/* Next non-blank line (comments stripped, trailing blanks trimmed,
 * leading blanks KEPT); 1 with s, n and line set, 0 at the end. */
int dt__dict_lines_next(dt__lines *L, const char **s, size_t *n, uint32_t *line);

/* Small string-view helpers. */
int dt__dict_isspace(int c);
void dt__dict_trim(const char **s, size_t *n);

/* English inflection, as the readers use it. out must hold n+4 bytes;
 * returns the new length. */
size_t dt__dict_plural(const char *w, size_t n, char *out);
size_t dt__dict_verb_s(const char *w, size_t n, char *out);
size_t dt__dict_verb_ed(const char *w, size_t n, char *out);
size_t dt__dict_verb_ing(const char *w, size_t n, char *out);

/* Phrase sets. */
/* Split a phrase on blanks and '_' into interned words appended to the
 * pool; sets off, nw and the gap mask (bit i: blank before word i).
 * Returns 0, or a negative DT_E* (DT_ELIMIT: too many words). */
int dt__dict_phrase_words(dt_dicts *d, const char *s, size_t n, uint32_t *off, uint32_t *nw,
                          uint32_t *gaps);
/* dt__dict_phrase_words in steps, for texts that share a prefix (the
 * forms of an agent's substitution sets): the scan's state after some
 * whole words, kept to go on from in any text with the same bytes up to
 * where the next word starts. */
typedef struct dt__pw_state {
    size_t i; /* where the scan goes on (the end of the last word taken) */
    int gap;  /* a blank was seen since the last word pushed */
    int rc;   /* 0, or DT_ELIMIT / DT_ENOMEM: the phrase ends so */
    uint32_t nw, gaps;
    uint32_t id[DT_DICT_MAX_PHRASE_WORDS];
} dt__pw_state;
/* Take the words of s[0..n) from st->i on, as dt__dict_phrase_words
 * does, but only those that end before byte `stop` (stop >= n: all of
 * them); the word ids go to st->id, not to the pool. Returns st->rc. */
int dt__dict_phrase_resume(dt_dicts *d, const char *s, size_t n, size_t stop, dt__pw_state *st);
/* Append a finished scan's word ids to the pool (*off: where); 0 or
 * DT_ENOMEM (the pool as it was). */
int dt__dict_phrase_push(dt_dicts *d, const dt__pw_state *st, uint32_t *off);
/* How many words dt__dict_phrase_words would push for s, interning
 * nothing: the same split (blanks, '_', clitics), so exact, except that a
 * word folding to nothing is counted though it is not pushed. */
uint32_t dt__dict_phrase_count(const char *s, size_t n);
/* The words of a phrase, blank-separated, into buf (truncated). */
size_t dt__dict_phrase_text(const dt_dicts *d, uint32_t off, uint32_t nw, char *buf, size_t cap);
int dt__dict_pset_add(dt_dicts *d, dt__pset *ps, uint32_t off, uint32_t nw, uint32_t gaps,
                      uint32_t flags, uint32_t entry, dt_dict_src src);
int dt__dict_pset_compile(dt_dicts *d, dt__pset *ps);
void dt__dict_pset_free(dt__pset *ps);

/* Readers: each parses one source into d; they only return an error for
 * out-of-memory (bad entries are warnings). */
int dt__dict_read_verbs(dt_dicts *d, uint32_t file, const char *data, size_t len);
int dt__dict_read_actors(dt_dicts *d, uint32_t file, const char *data, size_t len);
int dt__dict_read_agents(dt_dicts *d, uint32_t file, const char *data, size_t len);
int dt__dict_read_discards(dt_dicts *d, uint32_t file, const char *data, size_t len);
int dt__dict_read_issues(dt_dicts *d, uint32_t file, const char *data, size_t len);
/* detente's own format (dict_own.c): translated section by section into
 * PETRARCH text that the readers above compile, with d->linemap set. */
int dt__dict_read_own(dt_dicts *d, uint32_t file, const char *data, size_t len);

/* The embedded built-in set (generated at build time by cmake/dict.cmake). */
typedef struct dt__dict_embedded {
    const char *name;
    const char *data;
    size_t len;
} dt__dict_embedded;
extern const dt__dict_embedded dt__dict_builtin_files[];
extern const size_t dt__dict_builtin_nfiles;
/* After all sources: resolve synsets, drop patterns with undefined ones,
 * index verb forms. */
int dt__dict_verbs_finish(dt_dicts *d);
/* After compiling: notes for phrases shared by two actors / agents. */
void dt__dict_actors_lint(dt_dicts *d);

#endif
