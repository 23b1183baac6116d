/* detente — ontology: CAMEO event codes and actor role codes.
 *
 * Immutable tables compiled into the library from data/cameo.tsv and
 * data/roles.tsv at build time; nothing is read at run time. Every pointer
 * returned here points into static, read-only storage: the caller borrows
 * it, never frees it, and may keep it for the life of the program. All
 * functions are pure and thread-safe, and none allocates.
 *
 * The event coder uses dt_cameo_lookup() to fill each event's root, quad
 * class and Goldstein weight; analysis stages use the same entries (and the
 * PLOVER fields) to aggregate. See docs/ontology.md for the columns and the
 * choice of Goldstein scale.
 */
#ifndef DETENTE_ONTOLOGY_H
#define DETENTE_ONTOLOGY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Quad classes: the four-way CAMEO aggregation by root. */
enum {
    DT_QUAD_VERBAL_COOP = 1,      /* roots 01-05 */
    DT_QUAD_MATERIAL_COOP = 2,    /* roots 06-08 */
    DT_QUAD_VERBAL_CONFLICT = 3,  /* roots 09-13 */
    DT_QUAD_MATERIAL_CONFLICT = 4 /* roots 14-20 */
};

/* One CAMEO 1.1b3 code. All strings are NUL-terminated and static; a field
 * with no value is "" (never NULL). */
typedef struct dt_cameo_entry {
    const char *code;           /* canonical code: "04", "042", "0241" */
    const char *label;          /* short English label */
    const char *plover_type;    /* PLOVER event type ("AGREE", ...), "" for roots 01/02 */
    const char *plover_mode;    /* PLOVER mode, "" if none */
    const char *plover_context; /* PLOVER context(s), joined by "; ", "" if none */
    double goldstein;           /* Goldstein weight, GDELT scale, -10.0 .. +10.0 */
    uint8_t root;               /* 1 .. 20 */
    uint8_t quad;               /* DT_QUAD_*, 1 .. 4 */
    uint8_t digits;             /* 2 (a root), 3 or 4 */
} dt_cameo_entry;

/* How dt_cameo_lookup_ex() got from the input to the entry (bit set). */
enum {
    DT_CAMEO_EXACT = 0,         /* the input was a table code as it stands */
    DT_CAMEO_COMPOUND = 1 << 0, /* "xxx:yyy": only the part before ':' was used */
    DT_CAMEO_SUFFIX = 1 << 1,   /* letters after the digits were dropped ("075A") */
    DT_CAMEO_PARENT = 1 << 2    /* unknown 4-digit code, its 3-digit parent used */
};

/* Look up a CAMEO code given as (code, n) bytes; code need not be
 * NUL-terminated and may be NULL when n == 0. Surrounding ASCII blanks are
 * ignored. Accepted forms:
 *   - a table code: 2 digits (root), 3 or 4 digits            "042"
 *   - digits followed by letters: the numeric prefix is used  "075A" -> 075
 *   - a compound "a:b": only a is looked up                    "042:043"
 *   - an unknown 4-digit code falls back to its 3-digit parent "1214" -> 121
 * Returns NULL (not found) for the null code "---", the empty string, other
 * lengths, non-digit codes and codes outside CAMEO. */
const dt_cameo_entry *dt_cameo_lookup(const char *code, size_t n);

/* As dt_cameo_lookup(); when how is non-NULL it receives DT_CAMEO_* bits
 * saying which fallbacks were applied (0 for an exact match; unchanged when
 * NULL is returned). Strict callers reject any non-zero *how. */
const dt_cameo_entry *dt_cameo_lookup_ex(const char *code, size_t n, unsigned *how);

/* The root entry ("01" .. "20") for root 1..20, or NULL. */
const dt_cameo_entry *dt_cameo_root(int root);

/* Number of entries (312) and the i-th entry in CAMEO order (i < count),
 * or NULL when i is out of range. For iteration by analysis and tests. */
size_t dt_cameo_count(void);
const dt_cameo_entry *dt_cameo_at(size_t i);

/* Quad class of a root (1..20), or 0 when root is out of range. */
int dt_cameo_quad_of_root(int root);

/* Static name of a quad class ("verbal cooperation", ...), or "" when quad
 * is not 1..4. Never NULL. */
const char *dt_quad_name(int quad);

/* Kinds of actor role. */
typedef enum dt_role_kind {
    DT_ROLE_STATE = 1,    /* organs of a state: GOV, MIL, COP, JUD, LEG, SPY */
    DT_ROLE_DISSENT = 2,  /* organised challengers: OPP, REB, INS, SEP, UAF, ... */
    DT_ROLE_SOCIETY = 3,  /* domestic sectors: BUS, MED, CVL, EDU, LAB, ... */
    DT_ROLE_RELIGION = 4, /* religious communities: MUS, CHR, JEW, ... */
    DT_ROLE_INTL = 5,     /* international bodies: IGO, NGO, UNO, PKO, ... */
    DT_ROLE_UNKNOWN = 6   /* unidentified actors: UIS */
} dt_role_kind;

/* One actor role code. Strings are static and NUL-terminated. */
typedef struct dt_role_entry {
    const char *code;  /* three upper-case letters: "GOV" */
    const char *label; /* short English description */
    dt_role_kind kind;
} dt_role_entry;

/* Look up a role code given as (code, n) bytes: exactly three ASCII
 * letters, matched case-insensitively ("gov" finds GOV). Returns NULL when
 * unknown or malformed. */
const dt_role_entry *dt_role_lookup(const char *code, size_t n);

/* Number of role entries and the i-th (in table order), or NULL. */
size_t dt_role_count(void);
const dt_role_entry *dt_role_at(size_t i);

/* Static name of a role kind ("state", "dissent", ...), "" if unknown. */
const char *dt_role_kind_name(dt_role_kind kind);

#ifdef __cplusplus
}
#endif
#endif
