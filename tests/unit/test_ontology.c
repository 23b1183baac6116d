/* Unit tests of the ontology lookups: exact codes, the documented fallbacks,
 * rejections, iteration, and the internal consistency of the compiled
 * tables (root/quad/digits agree with the code, Goldstein in range). */
#include "dt_test.h"

#include "detente/ontology.h"

#include <math.h>

static const dt_cameo_entry *lk(const char *s)
{
    return dt_cameo_lookup(s, strlen(s));
}

static const dt_cameo_entry *lkx(const char *s, unsigned *how)
{
    return dt_cameo_lookup_ex(s, strlen(s), how);
}

static void test_exact_codes(void)
{
    const dt_cameo_entry *e = lk("042");
    DT_CHECK(e != NULL);
    if (e) {
        DT_CHECK_STR(e->code, "042");
        DT_CHECK_INT(e->root, 4);
        DT_CHECK_INT(e->quad, DT_QUAD_VERBAL_COOP);
        DT_CHECK_INT(e->digits, 3);
        DT_CHECK(fabs(e->goldstein - 1.9) < 1e-9);
        DT_CHECK_STR(e->plover_type, "CONSULT");
        DT_CHECK_STR(e->plover_mode, "visit");
        DT_CHECK(e->label[0] != '\0');
    }
    e = lk("163");
    DT_CHECK(e != NULL);
    if (e) {
        DT_CHECK_INT(e->root, 16);
        DT_CHECK_INT(e->quad, DT_QUAD_MATERIAL_CONFLICT);
        DT_CHECK(fabs(e->goldstein - -8.0) < 1e-9);
        DT_CHECK_STR(e->plover_type, "COERCE");
    }
    e = lk("0241");
    DT_CHECK(e != NULL);
    if (e) {
        DT_CHECK_INT(e->digits, 4);
        DT_CHECK_INT(e->root, 2);
        DT_CHECK_STR(e->plover_type, ""); /* PLOVER drops appeals */
    }
    e = lk("2042");
    DT_CHECK(e != NULL && e->root == 20 && fabs(e->goldstein + 10.0) < 1e-9);
    e = lk("1124");
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->plover_context, "military; legal");
    /* Roots are entries of their own. */
    e = lk("19");
    DT_CHECK(e != NULL && e->digits == 2 && e->root == 19 && e->quad == 4);
    e = lk("01");
    DT_CHECK(e != NULL && e->digits == 2 && e->quad == 1);
    /* Boundaries of the sorted table. */
    DT_CHECK(lk("01") == dt_cameo_at(0));
    DT_CHECK(lk("2042") == dt_cameo_at(dt_cameo_count() - 1));
}

static void test_fallbacks(void)
{
    unsigned how = 99;
    const dt_cameo_entry *e = lkx("042", &how);
    DT_CHECK(e != NULL);
    DT_CHECK_INT(how, DT_CAMEO_EXACT);

    how = 99;
    e = lkx("075A", &how);
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "075");
    DT_CHECK_INT(how, DT_CAMEO_SUFFIX);

    how = 99;
    e = lkx("042:043", &how);
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "042");
    DT_CHECK_INT(how, DT_CAMEO_COMPOUND);

    how = 99;
    e = lkx("1214", &how); /* not CAMEO 1.1b3; parent 121 */
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "121");
    DT_CHECK_INT(how, DT_CAMEO_PARENT);

    how = 99;
    e = lkx("1215b:0874", &how);
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "121");
    DT_CHECK_INT(how, DT_CAMEO_PARENT | DT_CAMEO_SUFFIX | DT_CAMEO_COMPOUND);

    e = lk("  0874\n");
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "0874");

    /* Only the n bytes given count: "0421" cut to 3 is "042". */
    e = dt_cameo_lookup("0421", 3);
    DT_CHECK(e != NULL);
    if (e)
        DT_CHECK_STR(e->code, "042");
}

static void test_rejections(void)
{
    unsigned how = 77;
    DT_CHECK(lkx("---", &how) == NULL);
    DT_CHECK_INT(how, 77); /* untouched on failure */
    DT_CHECK(lk("") == NULL);
    DT_CHECK(dt_cameo_lookup(NULL, 0) == NULL);
    DT_CHECK(lk("0") == NULL);
    DT_CHECK(lk("00") == NULL);
    DT_CHECK(lk("21") == NULL);
    DT_CHECK(lk("099") == NULL);
    DT_CHECK(lk("9999") == NULL);  /* no parent either */
    DT_CHECK(lk("04211") == NULL); /* five digits are not truncated */
    DT_CHECK(lk("04x2") == NULL);
    DT_CHECK(lk("12 3") == NULL);
    DT_CHECK(lk("-042") == NULL);
    DT_CHECK(lk(":042") == NULL);
    DT_CHECK(lk("A") == NULL);
}

static void test_roots_and_quads(void)
{
    DT_CHECK(dt_cameo_root(0) == NULL);
    DT_CHECK(dt_cameo_root(21) == NULL);
    for (int r = 1; r <= 20; r++) {
        const dt_cameo_entry *e = dt_cameo_root(r);
        DT_CHECK(e != NULL);
        if (!e)
            continue;
        DT_CHECK_INT(e->root, r);
        DT_CHECK_INT(e->digits, 2);
        DT_CHECK_INT(e->quad, dt_cameo_quad_of_root(r));
    }
    DT_CHECK_INT(dt_cameo_quad_of_root(5), 1);
    DT_CHECK_INT(dt_cameo_quad_of_root(6), 2);
    DT_CHECK_INT(dt_cameo_quad_of_root(8), 2);
    DT_CHECK_INT(dt_cameo_quad_of_root(9), 3);
    DT_CHECK_INT(dt_cameo_quad_of_root(13), 3);
    DT_CHECK_INT(dt_cameo_quad_of_root(14), 4);
    DT_CHECK_INT(dt_cameo_quad_of_root(0), 0);
    DT_CHECK_STR(dt_quad_name(1), "verbal cooperation");
    DT_CHECK_STR(dt_quad_name(4), "material conflict");
    DT_CHECK_STR(dt_quad_name(5), "");
}

/* Every row agrees with itself: code digits, root prefix, quad from root,
 * range of Goldstein, parent presence, strict order, and each row is what
 * a lookup of its own code returns. */
static void test_table_consistency(void)
{
    size_t n = dt_cameo_count();
    DT_CHECK_INT(n, 312);
    DT_CHECK(dt_cameo_at(n) == NULL);
    size_t per_digits[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const dt_cameo_entry *e = dt_cameo_at(i);
        DT_CHECK(e != NULL);
        if (!e)
            continue;
        size_t len = strlen(e->code);
        DT_CHECK_INT(len, e->digits);
        if (len >= 2 && len <= 4)
            per_digits[len]++;
        int root = (e->code[0] - '0') * 10 + (e->code[1] - '0');
        DT_CHECK_INT(e->root, root);
        DT_CHECK_INT(e->quad, dt_cameo_quad_of_root(root));
        DT_CHECK(e->goldstein >= -10.0 && e->goldstein <= 10.0);
        DT_CHECK(e->label != NULL && e->label[0] != '\0');
        DT_CHECK(e->plover_type != NULL && e->plover_mode != NULL && e->plover_context != NULL);
        /* PLOVER has no counterpart for comments (01) and appeals (02). */
        DT_CHECK((root <= 2) == (e->plover_type[0] == '\0'));
        unsigned how = 99;
        DT_CHECK(dt_cameo_lookup_ex(e->code, len, &how) == e);
        DT_CHECK_INT(how, DT_CAMEO_EXACT);
        if (len > 2)
            DT_CHECK(dt_cameo_lookup(e->code, len - 1) != NULL);
        if (i > 0)
            DT_CHECK(strcmp(dt_cameo_at(i - 1)->code, e->code) < 0);
    }
    DT_CHECK_INT(per_digits[2], 20);
    DT_CHECK_INT(per_digits[2] + per_digits[3] + per_digits[4], n);
}

static void test_roles(void)
{
    const dt_role_entry *r = dt_role_lookup("GOV", 3);
    DT_CHECK(r != NULL);
    if (r) {
        DT_CHECK_STR(r->code, "GOV");
        DT_CHECK_INT(r->kind, DT_ROLE_STATE);
        DT_CHECK_STR(dt_role_kind_name(r->kind), "state");
    }
    r = dt_role_lookup("reb", 3);
    DT_CHECK(r != NULL && r->kind == DT_ROLE_DISSENT);
    r = dt_role_lookup("IGO", 3);
    DT_CHECK(r != NULL && r->kind == DT_ROLE_INTL);
    r = dt_role_lookup("MILX", 3); /* only the first n bytes count */
    DT_CHECK(r != NULL && strcmp(r->code, "MIL") == 0);
    DT_CHECK(dt_role_lookup("GOVT", 4) == NULL);
    DT_CHECK(dt_role_lookup("GO", 2) == NULL);
    DT_CHECK(dt_role_lookup("G0V", 3) == NULL);
    DT_CHECK(dt_role_lookup("XYZ", 3) == NULL);
    DT_CHECK(dt_role_lookup(NULL, 0) == NULL);
    DT_CHECK_STR(dt_role_kind_name((dt_role_kind)0), "");

    const char *required[] = {"GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "SPY", "BUS", "MED",
                              "CVL", "IGO", "NGO", "EDU", "REL", "HLH", "ELI", "LAB", "AGR", "REF",
                              "CRM", "UAF", "INS", "SEP", "MOD", "RAD", "IMG", "ENV"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        r = dt_role_lookup(required[i], 3);
        DT_CHECK(r != NULL);
        if (!r)
            fprintf(stderr, "  missing role %s\n", required[i]);
    }
    size_t n = dt_role_count();
    DT_CHECK(n >= sizeof required / sizeof required[0]);
    DT_CHECK(dt_role_at(n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const dt_role_entry *a = dt_role_at(i);
        DT_CHECK(a != NULL && strlen(a->code) == 3 && a->label[0] != '\0');
        DT_CHECK(dt_role_kind_name(a->kind)[0] != '\0');
        DT_CHECK(dt_role_lookup(a->code, 3) == a); /* also: no duplicates */
    }
}

/* Every string of up to 4 bytes over an alphabet of digits, a letter, ':',
 * '-' and blank: lookups never read past n (ASan builds check this), and a
 * hit is always a table code that the input's leading digits start with. */
static void test_exhaustive_short_inputs(void)
{
    static const char alphabet[] = "0124789A:- ";
    const size_t k = sizeof alphabet - 1;
    size_t hits = 0;
    for (size_t len = 0; len <= 4; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= k;
        for (size_t v = 0; v < total; v++) {
            char buf[4];
            size_t x = v;
            for (size_t i = 0; i < len; i++) {
                buf[i] = alphabet[x % k];
                x /= k;
            }
            /* An exact-size heap copy, so that ASan flags any read past n. */
            char *heap = len ? malloc(len) : NULL;
            if (len && heap == NULL)
                continue;
            if (len)
                memcpy(heap, buf, len);
            unsigned how = 99;
            const dt_cameo_entry *e = dt_cameo_lookup_ex(heap, len, &how);
            free(heap);
            if (e == NULL)
                continue;
            hits++;
            size_t start = 0;
            while (start < len && buf[start] == ' ')
                start++;
            size_t cl = strlen(e->code);
            DT_CHECK(start + cl <= len && memcmp(buf + start, e->code, cl) == 0);
            DT_CHECK(how <= (DT_CAMEO_COMPOUND | DT_CAMEO_SUFFIX | DT_CAMEO_PARENT));
        }
    }
    DT_CHECK(hits > 0);
}

int main(void)
{
    DT_RUN(test_exact_codes);
    DT_RUN(test_fallbacks);
    DT_RUN(test_rejections);
    DT_RUN(test_roots_and_quads);
    DT_RUN(test_table_consistency);
    DT_RUN(test_roles);
    DT_RUN(test_exhaustive_short_inputs);
    DT_TEST_END();
}
