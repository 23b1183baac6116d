/* detente — evset: events read back for analysis.
 *
 * The analysis commands (series, stability, watch, reciprocity) and the
 * server read events that `detente code` wrote, from one of three places:
 *
 *   "sqlite:PATH" or a PATH ending in .db/.sqlite/.sqlite3   a SQLite store
 *   "postgresql://..." / "postgres://..."                    a PostgreSQL store
 *   "-" (stdin) or any other PATH                            JSONL events
 *                                                            (gz/zst allowed)
 *
 * dt_evsource_each() streams the matching events to a callback, one at a
 * time, in store order (event id; input order for JSONL), so memory stays
 * bounded whatever the store's size. dt_evset_load() collects them into an
 * in-memory set for the algorithms that need them all.
 *
 * Actor patterns (used by filters, series groups, region files and watch
 * rules; see dt_actor_match):
 *   PRK        the country block: PRK, PRKGOV, PRKMIL, PRKGOVMIL ...
 *   =PRKGOV    exactly this code
 *   PRK*GOV*   glob: '*' any run of characters, '?' one character
 *   :MIL       any code that has the role block MIL (at a 3-letter boundary)
 *
 * Thread safety: every function is reentrant; a dt_evset is immutable after
 * loading and may be read from many threads.
 */
#ifndef DETENTE_EVSET_H
#define DETENTE_EVSET_H

#include <stddef.h>
#include <stdint.h>

#include "detente/common.h"
#include "detente/event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One event as the analysis layer sees it. All strings are NUL-terminated,
 * never NULL ("" when absent). In a dt_evset they live as long as the set;
 * in a dt_evsource_each callback only for the duration of the call. */
typedef struct dt_evrec {
    int64_t id;         /* store event id; for JSONL the 1-based input line */
    int32_t date;       /* yyyymmdd, 0 = unknown */
    const char *source; /* actor codes as coded: "PRKGOV" */
    const char *target; /* "" or "---" when the event has no target */
    const char *code;   /* CAMEO code as coded: "042", "1721" */
    int root;           /* 1..20, 0 unknown */
    int quad;           /* 1..4, 0 unknown */
    double goldstein;
    const char *plover; /* PLOVER event type from the ontology, "" if none */
    const char *doc_id;
    int64_t sentence; /* sentence index in the document */
    uint32_t count;   /* raw events this record stands for: 1, or n after
                         the one-a-day filter (dt_evfilter.dedup) */
    /* Evidence; filled only with dt_evfilter.evidence, else ""/0. Spans are
     * byte offsets into text (the sentence), not into the document. */
    const char *text;
    dt_span source_span, verb_span, target_span;
    const char *pattern;
    const char *dict_file;
    uint32_t dict_line;
} dt_evrec;

/* Which events. Zero-initialise, then set what you need. A list that is
 * empty (n == 0) does not filter. */
typedef struct dt_evfilter {
    int32_t from, to; /* yyyymmdd, inclusive; 0 = open */
    const char *const *sources;
    size_t nsources; /* source matches any of these actor patterns */
    const char *const *targets;
    size_t ntargets; /* target matches any of these */
    const char *const *actors;
    size_t nactors; /* source or target matches any of these */
    int undirected; /* sources/targets: either direction counts */
    const char *const *codes;
    size_t ncodes;    /* CAMEO code prefixes: "19", "042", "1721" */
    int quad;         /* 1..4; 0 = any */
    const char *text; /* case-insensitive substring of the sentence; NULL = any */
    int dedup;        /* one-a-day: one record per (date, source, target,
                         code), count = how many it stands for */
    int evidence;     /* fill the evidence fields (costs a join in stores) */
    int64_t after_id; /* only events with id > after_id (cursor paging) */
    size_t limit;     /* stop after this many records; 0 = no limit */
} dt_evfilter;

/* Does actor code `code` match `pattern` (syntax above)? Pure. A NULL or
 * empty pattern matches nothing. */
int dt_actor_match(const char *pattern, const char *code);

/* Is pattern well-formed? DT_OK, or DT_EINVAL with a reason in err. */
int dt_actor_pattern_check(const char *pattern, dt_error *err);

/* Called once per matching event; return nonzero to stop early (the
 * value is then returned by dt_evsource_each). */
typedef int (*dt_evrec_fn)(void *ctx, const dt_evrec *r);

/* Stream the events of `spec` that pass f (NULL = all) to fn.
 * Returns DT_OK, the callback's nonzero value, or: DT_EIO (cannot open or
 * read; err names the source), DT_EFORMAT (not a detente store, or a JSONL
 * line that is not an event: err has file and line; for JSONL such lines
 * are skipped, counted, and the first one reported after the others were
 * delivered), DT_EUNSUPPORTED (store schema newer than this program),
 * DT_EINVAL (bad filter), DT_ENOMEM. */
int dt_evsource_each(const char *spec, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                     dt_error *err);

/* Events in memory, in source order. Owned by the caller of
 * dt_evset_load/dt_evset_new; free with dt_evset_free. */
typedef struct dt_evset {
    dt_evrec *rec;
    size_t n;
    struct dt__evset_mem *mem; /* private: string storage */
} dt_evset;

/* Load every event of spec passing f. Same errors as dt_evsource_each;
 * on error *out is NULL. */
int dt_evset_load(dt_evset **out, const char *spec, const dt_evfilter *f, dt_error *err);

/* An empty set, for building synthetic streams (tests, simulations). */
int dt_evset_new(dt_evset **out);

/* Append a copy of r (its strings are copied). DT_OK or DT_ENOMEM. */
int dt_evset_add(dt_evset *s, const dt_evrec *r);

/* Sort by (date, id), stable. */
void dt_evset_sort_by_date(dt_evset *s);

void dt_evset_free(dt_evset *s);

#ifdef __cplusplus
}
#endif
#endif
