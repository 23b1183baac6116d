/* detente — watch: restraint regimes and tripwires over an event stream.
 *
 * A watch rule names a regime ("double-freeze") and the events that break
 * it. The rule language is line-based (full grammar in docs/watch.md):
 *
 *   # the double freeze: no tests by the North, no big drills by the allies
 *   rule double-freeze
 *     description "No PRK nuclear or missile tests; no large US-ROK exercises"
 *     active 2018-03-01 ..
 *     period month
 *     broken by
 *       source PRK
 *       code 15
 *       text missile* "nuclear test*" /ICBMs?|SLBM/
 *     broken by
 *       source USA KOR
 *       target PRK
 *       text "military exercise*" "joint drill*"
 *   end
 *
 * A rule is broken in a period when at least one event of the period
 * satisfies one of its "broken by" clauses (clauses are ORed); a clause is
 * a conjunction of conditions (source, target, actor, code, quad,
 * goldstein, text, each optionally negated with "not"); the values of one
 * condition are ORed.
 *
 * Two objects:
 *   dt_watchset     compiled rules; immutable after parsing, so one set may
 *                   be shared by many threads (the server does).
 *   dt_watch_eval   one evaluation: feed it events one at a time with
 *                   dt_watch_eval_add (breaches are reported as soon as
 *                   their event arrives), then read the per-period status.
 *                   Belongs to one thread at a time.
 *
 * Memory comes from dt_malloc (fault injection applies), except what the
 * C library's regcomp allocates for /regex/ values.
 */
#ifndef DETENTE_WATCH_H
#define DETENTE_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detente/common.h"
#include "detente/evset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard limits of the rule language. A file over them is rejected with
 * DT_ELIMIT (line too long, file too big) or a FILE:LINE error. */
#define DT_WATCH_MAX_FILE ((size_t)1 << 20) /* bytes in one rule file */
#define DT_WATCH_MAX_LINE 1024              /* bytes in one line */
#define DT_WATCH_MAX_RULES 256              /* rules in one file */
#define DT_WATCH_MAX_CLAUSES 64             /* "broken by" clauses per rule */
#define DT_WATCH_MAX_CONDS 32               /* conditions per clause */
#define DT_WATCH_MAX_VALUES 64              /* values in one condition */
#define DT_WATCH_MAX_NAME 64                /* bytes in a rule name */
#define DT_WATCH_MAX_REGEX 256              /* bytes in one /regex/ */
#define DT_WATCH_MAX_ERRORS 100             /* errors reported per file */

typedef struct dt_watchset dt_watchset;

/* Called once per error found while parsing, in line order; err->file is
 * the name given to the parser, err->line the 1-based line. */
typedef void (*dt_watch_diag_fn)(void *ctx, const dt_error *err);

/* Parse rule text text[0..len) (need not be NUL-terminated); name is used
 * in error messages (a file name). The whole text is checked, and every
 * error (up to DT_WATCH_MAX_ERRORS) is passed to on_diag (may be NULL).
 * Returns DT_OK and *out (caller owns; dt_watchset_free), or DT_EFORMAT
 * (syntax or semantic errors; err = the first one), DT_ELIMIT (text over
 * DT_WATCH_MAX_FILE, or a line over DT_WATCH_MAX_LINE, reported with its
 * line like any other error), DT_ENOMEM. On error *out is NULL. A text
 * with no rule at all is an error ("no rule"). Reentrant. */
int dt_watchset_parse(dt_watchset **out, const char *name, const char *text, size_t len,
                      dt_watch_diag_fn on_diag, void *ctx, dt_error *err);

/* Read the file at path (at most DT_WATCH_MAX_FILE bytes) and parse it,
 * with path as the name. DT_EIO if it cannot be read; else as above. */
int dt_watchset_load(dt_watchset **out, const char *path, dt_watch_diag_fn on_diag, void *ctx,
                     dt_error *err);

void dt_watchset_free(dt_watchset *ws);

/* Rules in file order. The strings are borrowed from ws. */
size_t dt_watchset_count(const dt_watchset *ws);
const char *dt_watch_rule_name(const dt_watchset *ws, size_t rule);
const char *dt_watch_rule_description(const dt_watchset *ws, size_t rule); /* "" if none */
/* The rule's own period (DT_PERIOD_* of series.h), or -1 if it has none. */
int dt_watch_rule_period(const dt_watchset *ws, size_t rule);
/* Active range, yyyymmdd inclusive; 0 = open. */
void dt_watch_rule_active(const dt_watchset *ws, size_t rule, int32_t *from, int32_t *to);
size_t dt_watch_rule_nclauses(const dt_watchset *ws, size_t rule);
/* Index of the rule named name, or -1. */
long dt_watchset_find(const dt_watchset *ws, const char *name);

/* Does event r break rule `rule`? Returns the 1-based number of the first
 * clause it satisfies, or 0. The active range counts (an event outside
 * it, or with date 0 when the rule has a range, breaks nothing). Text
 * conditions look at r->text, so records need the evidence fields
 * (dt_evfilter.evidence). Pure; thread-safe on a shared ws. */
int dt_watch_match(const dt_watchset *ws, size_t rule, const dt_evrec *r);

/* ---- Evaluation ---- */

typedef struct dt_watch_opts {
    int period;               /* DT_PERIOD_* for rules without their own; default
                                 (zero-initialised) is DT_PERIOD_DAY, so set it */
    int32_t from, to;         /* yyyymmdd; events outside are ignored, and status
                                 rows cover this range when set; 0 = the data's */
    const char *const *rules; /* evaluate only these rule names; n == 0: all */
    size_t nrules;
    size_t max_kept; /* breaches kept for the report (0 = 10000); more are
                        still counted and passed to the callback */
} dt_watch_opts;

typedef struct dt_watch_eval dt_watch_eval;

/* One breach. ev and its strings are borrowed: from the caller's record
 * during the callback, from the evaluator's copy afterwards. */
typedef struct dt_watch_breach {
    size_t rule;      /* index in the watchset */
    const char *name; /* the rule's name */
    int clause;       /* 1-based "broken by" clause */
    int period;       /* the period used for this rule */
    int32_t start;    /* first day of the breach's period */
    const dt_evrec *ev;
} dt_watch_breach;

/* Called for each breach when its event is added; return nonzero to stop
 * (dt_watch_eval_add then returns that value). */
typedef int (*dt_watch_breach_fn)(void *ctx, const dt_watch_breach *b);

/* A new evaluator of ws (borrowed; must outlive it) under opts (copied;
 * NULL = monthly, all rules). DT_EINVAL if opts names an unknown rule or
 * period (err says which), DT_ENOMEM. Caller owns *out. */
int dt_watch_eval_new(dt_watch_eval **out, const dt_watchset *ws, const dt_watch_opts *opts,
                      dt_error *err);
void dt_watch_eval_free(dt_watch_eval *e);

/* Feed one event (any date order). Each breach is passed to fn (may be
 * NULL) and kept, with a copy of r, up to max_kept. Returns DT_OK, fn's
 * nonzero value, or DT_ENOMEM (the event is then not counted). */
int dt_watch_eval_add(dt_watch_eval *e, const dt_evrec *r, dt_watch_breach_fn fn, void *ctx);

/* Stream every event of spec (see dt_evsource_each; evidence is loaded)
 * within opts' from/to into e. Same returns as dt_evsource_each. */
int dt_watch_eval_source(dt_watch_eval *e, const char *spec, dt_watch_breach_fn fn, void *ctx,
                         dt_error *err);

/* One period of one rule. Periods run densely from the first to the last
 * period of the evaluated range (opts from/to when set, else the dates of
 * the events seen), clipped to the rule's active range. */
typedef struct dt_watch_status {
    int32_t start;     /* first day of the period */
    int broken;        /* 1 when breaches > 0 */
    uint32_t breaches; /* events that broke the rule in this period */
    uint32_t events;   /* events seen in this period (how much was watched) */
} dt_watch_status;

/* Indices of the evaluated rules, in file order (borrowed; *n of them). */
const size_t *dt_watch_eval_rules(const dt_watch_eval *e, size_t *n);
/* The period used for rule (its own, else opts.period). */
int dt_watch_eval_period(const dt_watch_eval *e, size_t rule);

/* Status rows of rule into *rows (caller frees with dt_free; NULL when
 * *n == 0). DT_OK, DT_EINVAL (rule not evaluated), DT_ENOMEM. */
int dt_watch_eval_status(const dt_watch_eval *e, size_t rule, dt_watch_status **rows, size_t *n);

/* Breaches kept so far, in arrival order, and the total seen (which is
 * larger when more than max_kept happened). Borrowed until e is freed. */
size_t dt_watch_eval_nkept(const dt_watch_eval *e);
const dt_watch_breach *dt_watch_eval_kept(const dt_watch_eval *e, size_t i);
uint64_t dt_watch_eval_total(const dt_watch_eval *e);
/* Events added (whether or not they broke anything). */
uint64_t dt_watch_eval_events(const dt_watch_eval *e);

/* ---- Output ---- */

enum dt_watch_format { DT_WATCH_TEXT = 0, DT_WATCH_TSV, DT_WATCH_JSON };
/* "text", "tsv", "json"; -1 if unknown. */
int dt_watch_format_from_name(const char *name);

/* One breach as a line: text
 *   BREACH double-freeze clause 1 2019-07-25 PRKMIL>---- 150 "North Korea fired ..."
 * TSV (columns: kind rule clause period date source target code quad
 * goldstein doc_id sentence text), or JSON (one object per line, the
 * "breaches" element of the API with "period" added). DT_OK, DT_EIO. */
int dt_watch_write_breach(FILE *f, int format, const dt_watch_breach *b, dt_error *err);

/* The per-period status of every evaluated rule, text or TSV (columns:
 * kind=STATUS rule period start label state breaches events); JSON is not
 * accepted here (use dt_watch_write_json). DT_OK, DT_EIO, DT_ENOMEM,
 * DT_EINVAL. */
int dt_watch_write_status(FILE *f, int format, const dt_watch_eval *e, dt_error *err);

/* The /api/watches document (docs/api.md): {"period":..., "rules":[{name,
 * description, period, active, status:[...], breaches:[...kept...],
 * breaches_total}]}, with each breach's event in the /api/events shape.
 * Strings are JSON-escaped; invalid UTF-8 becomes U+FFFD. DT_OK, DT_EIO,
 * DT_ENOMEM. */
int dt_watch_write_json(FILE *f, const dt_watch_eval *e, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
