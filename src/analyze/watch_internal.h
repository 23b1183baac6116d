/* detente — watch internals shared by the parser (watch.c), the evaluator
 * (watch_eval.c) and the writers (watch_out.c). Not a public API. */
#ifndef DT_WATCH_INTERNAL_H
#define DT_WATCH_INTERNAL_H

#include "detente/watch.h"

#include <regex.h>

enum wcond_kind { WC_SOURCE, WC_TARGET, WC_ACTOR, WC_CODE, WC_QUAD, WC_GOLD, WC_TEXT };

/* One text value: a phrase (lower-cased ASCII, single spaces between
 * words; prefix = the last word may go on, from a trailing '*') or a
 * compiled POSIX extended regex. */
typedef struct wtext {
    char *s; /* the phrase, or the regex source (for messages) */
    size_t n;
    int prefix;
    int is_regex;
    int re_ok; /* re was compiled and must be regfree'd */
    regex_t re;
} wtext;

typedef struct wcond {
    int kind;
    int negate;
    char **val; /* actor patterns or code prefixes */
    size_t nval;
    wtext *text; /* WC_TEXT */
    size_t ntext;
    unsigned quadmask; /* WC_QUAD: bit q for quad class q */
    double lo, hi;     /* WC_GOLD, inclusive */
} wcond;

typedef struct wclause {
    wcond *cond;
    size_t n;
    uint64_t line;
} wclause;

typedef struct wrule {
    char *name;
    char *desc;
    int period; /* -1 = none */
    int32_t from, to;
    wclause *cl;
    size_t ncl;
    uint64_t line;
} wrule;

struct dt_watchset {
    wrule *rule;
    size_t n;
};

/* Does phrase t occur in s[0..n) at word boundaries (case-insensitive)? */
int dt__watch_phrase_in(const wtext *t, const char *s, size_t n);

#endif
