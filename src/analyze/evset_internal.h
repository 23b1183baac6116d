/* detente analyze — internals shared by the evset sources (JSONL, SQLite,
 * PostgreSQL) and the series builder. */
#ifndef DT_EVSET_INTERNAL_H
#define DT_EVSET_INTERNAL_H

#include "detente/evset.h"

/* Does r pass everything in f that can be checked on the record itself
 * (dates, actor patterns, code prefixes, quad, after_id; text only when
 * check_text and r->text holds the sentence)? f may be NULL. */
int dt__evfilter_match(const dt_evfilter *f, const dt_evrec *r, int check_text);

/* Check every pattern of f; DT_OK or DT_EINVAL naming the bad one. */
int dt__evfilter_check(const dt_evfilter *f, dt_error *err);

/* Fill root, quad, goldstein (when has_* is 0) and plover from the CAMEO
 * table for r->code. */
void dt__evrec_fill_from_code(dt_evrec *r, int has_root, int has_quad, int has_goldstein);

/* The sources behind dt_evsource_each. */
int dt__evsource_jsonl(const char *path, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                       dt_error *err);
int dt__evsource_sqlite(const char *path, const char *name, const dt_evfilter *f, dt_evrec_fn fn,
                        void *ctx, dt_error *err);
int dt__evsource_pg(const char *conninfo, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                    dt_error *err);

/* One-a-day grouping (for every source; see each_dedup in evset.c):
 * holds the first record of each (date, source, target, code) with its
 * count. */
typedef struct dt__dedup dt__dedup;
int dt__dedup_new(dt__dedup **out);
/* Add r (copied on first sight, counted after). DT_OK or DT_ENOMEM. */
int dt__dedup_add(dt__dedup *d, const dt_evrec *r);
/* Deliver the groups whose first id is > after_id, in order of first
 * appearance, at most limit (0 = all); stops at the first nonzero
 * callback value and returns it. */
int dt__dedup_each(dt__dedup *d, int64_t after_id, size_t limit, dt_evrec_fn fn, void *ctx);
void dt__dedup_free(dt__dedup *d);

#endif
