/* Lookups over the ontology tables that cmake/ontology.cmake generates from
 * data/cameo.tsv and data/roles.tsv (ontology_tables.c in the build tree).
 * The tables are const and never change, so every function here is
 * thread-safe without locks and allocates nothing. */
#include "detente/ontology.h"

#include <string.h>

/* Defined in the generated ontology_tables.c. The generator guarantees the
 * CAMEO table is in strictly increasing byte order of code. */
extern const dt_cameo_entry dt__cameo_table[];
extern const size_t dt__cameo_table_len;
extern const dt_role_entry dt__role_table[];
extern const size_t dt__role_table_len;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Compare the view (p, n) with the NUL-terminated s, bytewise, the way
 * strcmp orders them. One pass, no strlen: codes are at most 4 bytes. */
static int view_cmp(const char *p, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)p[i], b = (unsigned char)s[i];
        if (b == 0)
            return 1;
        if (a != b)
            return a < b ? -1 : 1;
    }
    return s[n] != '\0' ? -1 : 0;
}

/* Binary search for an exact all-digit code of 2..4 bytes. */
static const dt_cameo_entry *find_exact(const char *p, size_t n)
{
    size_t lo = 0, hi = dt__cameo_table_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = view_cmp(p, n, dt__cameo_table[mid].code);
        if (c == 0)
            return &dt__cameo_table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const dt_cameo_entry *dt_cameo_lookup_ex(const char *code, size_t n, unsigned *how)
{
    unsigned flags = DT_CAMEO_EXACT;
    if (code == NULL || n == 0)
        return NULL;
    while (n > 0 && is_blank(code[0])) {
        code++;
        n--;
    }
    while (n > 0 && is_blank(code[n - 1]))
        n--;

    /* Dictionaries write paired events as "a:b"; the first code is the one
     * that describes what the source did. */
    const char *colon = memchr(code, ':', n);
    if (colon != NULL) {
        n = (size_t)(colon - code);
        flags |= DT_CAMEO_COMPOUND;
    }

    size_t nd = 0;
    while (nd < n && is_digit(code[nd]))
        nd++;
    if (nd < n) {
        /* Only trailing letters may be dropped ("075A"); anything else
         * ("---", "04x2", "12 3") is not a code. */
        for (size_t i = nd; i < n; i++)
            if (!is_alpha(code[i]))
                return NULL;
        flags |= DT_CAMEO_SUFFIX;
    }
    if (nd < 2 || nd > 4)
        return NULL;

    const dt_cameo_entry *e = find_exact(code, nd);
    if (e == NULL && nd == 4) {
        /* Coders and mappings use 4-digit codes that CAMEO 1.1b3 lacks
         * (e.g. "1214"); the parent still carries the right root, quad and
         * a close Goldstein weight. */
        e = find_exact(code, 3);
        if (e != NULL)
            flags |= DT_CAMEO_PARENT;
    }
    if (e != NULL && how != NULL)
        *how = flags;
    return e;
}

const dt_cameo_entry *dt_cameo_lookup(const char *code, size_t n)
{
    return dt_cameo_lookup_ex(code, n, NULL);
}

const dt_cameo_entry *dt_cameo_root(int root)
{
    if (root < 1 || root > 20)
        return NULL;
    char buf[2] = {(char)('0' + root / 10), (char)('0' + root % 10)};
    return find_exact(buf, 2);
}

size_t dt_cameo_count(void)
{
    return dt__cameo_table_len;
}

const dt_cameo_entry *dt_cameo_at(size_t i)
{
    return i < dt__cameo_table_len ? &dt__cameo_table[i] : NULL;
}

int dt_cameo_quad_of_root(int root)
{
    if (root < 1 || root > 20)
        return 0;
    if (root <= 5)
        return DT_QUAD_VERBAL_COOP;
    if (root <= 8)
        return DT_QUAD_MATERIAL_COOP;
    if (root <= 13)
        return DT_QUAD_VERBAL_CONFLICT;
    return DT_QUAD_MATERIAL_CONFLICT;
}

const char *dt_quad_name(int quad)
{
    switch (quad) {
    case DT_QUAD_VERBAL_COOP:
        return "verbal cooperation";
    case DT_QUAD_MATERIAL_COOP:
        return "material cooperation";
    case DT_QUAD_VERBAL_CONFLICT:
        return "verbal conflict";
    case DT_QUAD_MATERIAL_CONFLICT:
        return "material conflict";
    default:
        return "";
    }
}

static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

const dt_role_entry *dt_role_lookup(const char *code, size_t n)
{
    if (code == NULL || n != 3)
        return NULL;
    char up[3];
    for (size_t i = 0; i < 3; i++) {
        if (!is_alpha(code[i]))
            return NULL;
        up[i] = ascii_upper(code[i]);
    }
    /* About sixty rows: a linear scan is as fast as anything cleverer, and
     * actor codes are resolved once per dictionary entry, not per token. */
    for (size_t i = 0; i < dt__role_table_len; i++)
        if (memcmp(dt__role_table[i].code, up, 3) == 0)
            return &dt__role_table[i];
    return NULL;
}

size_t dt_role_count(void)
{
    return dt__role_table_len;
}

const dt_role_entry *dt_role_at(size_t i)
{
    return i < dt__role_table_len ? &dt__role_table[i] : NULL;
}

const char *dt_role_kind_name(dt_role_kind kind)
{
    switch (kind) {
    case DT_ROLE_STATE:
        return "state";
    case DT_ROLE_DISSENT:
        return "dissent";
    case DT_ROLE_SOCIETY:
        return "society";
    case DT_ROLE_RELIGION:
        return "religion";
    case DT_ROLE_INTL:
        return "intl";
    case DT_ROLE_UNKNOWN:
        return "unknown";
    }
    return "";
}
