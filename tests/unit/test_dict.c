/* Unit tests for the dictionary module, on small dictionaries written
 * inline: every pattern marker, synset nesting/recursion, plurals,
 * irregular forms, dated actor codes, agents, discards, issues, and bad
 * lines giving FILE:LINE warnings while the rest still loads. */
#include "dt_test.h"

#include "detente/dict.h"
#include "dict/dict_impl.h" /* dt__dict_check */
#include "detente/text.h"

#include <pthread.h>
#include <stdint.h>

/* ---- helpers ---- */

/* Every load keeps the promises the matchers rely on (dict_check.c). */
static void check_invariants(const dt_dicts *d)
{
    char why[200];
    if (d && dt__dict_check(d, why, sizeof why)) {
        fprintf(stderr, "%s: invariant broken: %s\n", dt_test_current, why);
        DT_CHECK(0);
    }
}

static int load_mem(dt_dicts **out, int strict, int kind, const char *text)
{
    dt_dict_source s = {kind, NULL, "mem.txt", text, strlen(text)};
    dt_dict_options o;
    memset(&o, 0, sizeof o);
    o.strict = strict;
    dt_error err;
    int rc = dt_dicts_load(&s, 1, &o, out, &err);
    check_invariants(*out);
    return rc;
}

static dt_dicts *load1(int kind, const char *text)
{
    dt_dicts *d = NULL;
    int rc = load_mem(&d, 0, kind, text);
    DT_CHECK_INT(rc, DT_OK);
    DT_CHECK(d != NULL);
    return d;
}

static uint32_t wid(const dt_dicts *d, const char *w)
{
    return dt_dict_word_id(d, w, strlen(w));
}

/* Number of warnings of `kind` reported at `line`. */
static int warned(const dt_dicts *d, int kind, uint32_t line)
{
    int n = 0;
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        if (w->kind == kind && (line == 0 || w->line == line))
            n++;
    }
    return n;
}

/* Warnings whose message contains `part`. */
static int warned_msg(const dt_dicts *d, const char *part)
{
    int n = 0;
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++)
        if (strstr(dt_dicts_warning(d, i)->msg, part))
            n++;
    return n;
}

/* Is there a verb form `form` (single word) belonging to a verb whose base
 * word is `base`? */
static int has_form(const dt_dicts *d, const char *form, const char *base)
{
    uint32_t n, nv;
    const dt_dict_verb_form *f = dt_dict_verb_forms(d, wid(d, form), &n);
    const dt_dict_verb *v = dt_dict_verbs(d, &nv);
    for (uint32_t i = 0; i < n; i++)
        if (f[i].npre == 0 && f[i].npost == 0 && v[f[i].verb].word == wid(d, base))
            return 1;
    return 0;
}

/* Phrase p's words, blank-separated, into a static buffer. */
static const char *ptext(const dt_dicts *d, const dt_dict_phrase *p)
{
    static char buf[256];
    size_t o = 0;
    buf[0] = '\0';
    const uint32_t *pool = dt_dict_word_ids(d);
    for (uint32_t k = 0; k < p->nwords; k++) {
        const char *w = dt_dict_word(d, pool[p->words + k]);
        size_t n = strlen(w);
        if (o + n + 2 >= sizeof buf)
            break;
        if (k)
            buf[o++] = ' ';
        memcpy(buf + o, w, n);
        o += n;
        buf[o] = '\0';
    }
    return buf;
}

/* Does synset `name` have member `text`? */
static int syn_has(const dt_dicts *d, const char *name, const char *text)
{
    uint32_t si = dt_dict_synset_find(d, name, strlen(name));
    if (si == DT_DICT_NONE)
        return 0;
    uint32_t ns;
    const dt_dict_synset *s = dt_dict_synsets(d, &ns);
    const dt_dict_phrase_set *ps = dt_dict_synset_phrases(d);
    for (uint32_t m = 0; m < s[si].nmembers; m++)
        if (strcmp(ptext(d, &ps->phrases[s[si].first_member + m]), text) == 0)
            return 1;
    return 0;
}

/* The pattern of block `block` (by name) whose text is `text`. */
static const dt_dict_pattern *find_pattern(const dt_dicts *d, const char *text)
{
    uint32_t np;
    const dt_dict_pattern *p = dt_dict_patterns(d, &np);
    for (uint32_t i = 0; i < np; i++)
        if (strcmp(p[i].text, text) == 0)
            return &p[i];
    return NULL;
}

/* ---- verbs ---- */

static const char *VERBS = "<!-- a test verbs file -->\n"             /* 1 */
                           "&CURR\n"                                  /* 2 */
                           "+DOLLAR\n"                                /* 3 */
                           "+SWISS FRANC   # comment\n"               /* 4 */
                           "+YEN_\n"                                  /* 5 */
                           "&AUX_\n"                                  /* 6 */
                           "+HAVE\n"                                  /* 7 */
                           "+HAS\n"                                   /* 8 */
                           "&OUTER\n"                                 /* 9 */
                           "+&CURR\n"                                 /* 10 */
                           "+GOLD\n"                                  /* 11 */
                           "\n"                                       /* 12 */
                           "--- GRANT  [070] ---\n"                   /* 13 */
                           "GRANT\n"                                  /* 14 */
                           "GIVE {GAVE GIVEN GIVING}  # jw\n"         /* 15 */
                           "CARRY\n"                                  /* 16 */
                           "PUSH [071]\n"                             /* 17 */
                           "+CLEAR_UP\n"                              /* 18 */
                           "KLM_NOP_+RST [002]\n"                     /* 19 */
                           "+BREAK_DOWN {+BROKE_DOWN +BROKEN_DOWN}\n" /* 20 */
                           "- * &CURR [903]  # money\n"               /* 21 */
                           "- $ * + [010]\n"                          /* 22 */
                           "- % * ^ TALKS [030:030]\n"                /* 23 */
                           "- IN_* [075]\n"                           /* 24 */
                           "- IN_ * [075A]\n"                         /* 25 */
                           "- * {NEW TIES} (WITH +) [---]\n"          /* 26 */
                           "- &AUX * &OUTER [050]\n"                  /* 27 */
                           "~ a transformation line\n"                /* 28 */
                           "\n"                                       /* 29 */
                           "--- MAKE [---] ---\n"                     /* 30 */
                           "MAKE\n"                                   /* 31 */
                           "DIE\n"                                    /* 32 */
                           "AGREE\n"                                  /* 33 */
                           "COMMIT\n";                                /* 34 */

static void test_verb_forms(void)
{
    dt_dicts *d = load1(DT_DICT_VERBS, VERBS);
    if (!d)
        return;
    /* Regular forms with the usual spelling rules. */
    DT_CHECK(has_form(d, "GRANT", "GRANT"));
    DT_CHECK(has_form(d, "GRANTS", "GRANT"));
    DT_CHECK(has_form(d, "GRANTED", "GRANT"));
    DT_CHECK(has_form(d, "GRANTING", "GRANT"));
    DT_CHECK(has_form(d, "CARRIES", "CARRY"));
    DT_CHECK(has_form(d, "CARRIED", "CARRY"));
    DT_CHECK(has_form(d, "CARRYING", "CARRY"));
    DT_CHECK(has_form(d, "PUSHES", "PUSH"));
    DT_CHECK(!has_form(d, "PUSHHED", "PUSH")); /* no doubling after two consonants */
    DT_CHECK(has_form(d, "GRANTED", "GRANT"));
    DT_CHECK(!has_form(d, "GRANTTED", "GRANT"));
    DT_CHECK(has_form(d, "COMMITTED", "COMMIT")); /* doubling, next to the plain form */
    DT_CHECK(has_form(d, "COMMITTING", "COMMIT"));
    DT_CHECK(has_form(d, "COMMITED", "COMMIT"));
    DT_CHECK(has_form(d, "COMMITS", "COMMIT"));
    DT_CHECK(has_form(d, "MAKES", "MAKE"));
    DT_CHECK(has_form(d, "MAKED", "MAKE"));     /* PETRARCH's "E" + "D" */
    DT_CHECK(has_form(d, "MADE", "MAKE") == 0); /* irregular: not guessed */
    DT_CHECK(has_form(d, "MAKING", "MAKE"));
    DT_CHECK(has_form(d, "DYING", "DIE"));
    DT_CHECK(has_form(d, "AGREEING", "AGREE"));
    /* Irregular forms: exactly the listed ones. */
    DT_CHECK(has_form(d, "GAVE", "GIVE"));
    DT_CHECK(has_form(d, "GIVEN", "GIVE"));
    DT_CHECK(has_form(d, "GIVE", "GIVE"));
    DT_CHECK(!has_form(d, "GIVES", "GIVE"));
    DT_CHECK(!has_form(d, "GIVED", "GIVE"));

    /* Verb codes: own or the block's. */
    uint32_t nv;
    const dt_dict_verb *v = dt_dict_verbs(d, &nv);
    DT_CHECK_INT(nv, 11);
    for (uint32_t i = 0; i < nv; i++) {
        const char *w = dt_dict_word(d, v[i].word);
        if (!strcmp(w, "PUSH"))
            DT_CHECK_STR(v[i].code, "071");
        if (!strcmp(w, "GRANT"))
            DT_CHECK_STR(v[i].code, "070");
        if (!strcmp(w, "MAKE"))
            DT_CHECK(v[i].code_flags & DT_CODE_NULL);
    }
    /* Multi-word verbs: '+' marks the head, other words before/after. */
    uint32_t n;
    const dt_dict_verb_form *f = dt_dict_verb_forms(d, wid(d, "CLEARED"), &n);
    DT_CHECK_INT(n, 1);
    if (n == 1) {
        DT_CHECK_INT(f[0].npre, 0);
        DT_CHECK_INT(f[0].npost, 1);
        DT_CHECK_STR(dt_dict_word(d, dt_dict_word_ids(d)[f[0].post]), "UP");
        DT_CHECK_STR(dt_dict_word(d, v[f[0].verb].word), "CLEAR");
    }
    f = dt_dict_verb_forms(d, wid(d, "RSTING"), &n);
    DT_CHECK_INT(n, 1);
    if (n == 1) {
        DT_CHECK_INT(f[0].npre, 2);
        DT_CHECK_STR(dt_dict_word(d, dt_dict_word_ids(d)[f[0].pre]), "KLM");
        DT_CHECK_STR(dt_dict_word(d, dt_dict_word_ids(d)[f[0].pre + 1]), "NOP");
        DT_CHECK_STR(v[f[0].verb].code, "002");
    }
    f = dt_dict_verb_forms(d, wid(d, "BROKE"), &n);
    DT_CHECK_INT(n, 1);
    DT_CHECK(dt_dict_verb_forms(d, wid(d, "BREAKS"), &n) == NULL);
    /* Blocks. */
    uint32_t nb;
    const dt_dict_verb_block *b = dt_dict_verb_blocks(d, &nb);
    DT_CHECK_INT(nb, 2);
    DT_CHECK_STR(b[0].name, "GRANT");
    DT_CHECK_STR(b[0].code, "070");
    DT_CHECK_INT(b[0].nverbs, 7);
    DT_CHECK_INT(b[1].nverbs, 4);
    DT_CHECK_INT(b[1].npatterns, 0);
    uint32_t nt;
    const dt_dict_transform *t = dt_dict_transforms(d, &nt);
    DT_CHECK_INT(nt, 1);
    if (nt)
        DT_CHECK_INT(t[0].src.line, 28);
    dt_dicts_free(d);
}

static void test_pattern_markers(void)
{
    dt_dicts *d = load1(DT_DICT_VERBS, VERBS);
    if (!d)
        return;
    const dt_dict_pelem *E = dt_dict_pattern_elems(d);
    const dt_dict_pattern *p = find_pattern(d, "$ * +");
    DT_CHECK(p != NULL);
    if (p) {
        DT_CHECK_INT(p->nelem, 3);
        DT_CHECK_INT(p->verb_pos, 1);
        DT_CHECK_INT(E[p->first_elem].kind, DT_PEL_SOURCE);
        DT_CHECK_INT(E[p->first_elem + 1].kind, DT_PEL_VERB);
        DT_CHECK_INT(E[p->first_elem + 2].kind, DT_PEL_TARGET);
        DT_CHECK_STR(p->code, "010");
        DT_CHECK_INT(p->src.line, 22);
        DT_CHECK_STR(dt_dict_source_name(d, p->src.file), "mem.txt");
    }
    p = find_pattern(d, "% * ^ TALKS");
    DT_CHECK(p != NULL);
    if (p) {
        DT_CHECK_INT(E[p->first_elem].kind, DT_PEL_COMPOUND);
        DT_CHECK_INT(E[p->first_elem + 2].kind, DT_PEL_SKIP);
        DT_CHECK_INT(E[p->first_elem + 3].kind, DT_PEL_WORD);
        DT_CHECK_INT(E[p->first_elem + 3].value, wid(d, "TALKS"));
        DT_CHECK_STR(p->code, "030:030");
        DT_CHECK(p->code_flags & DT_CODE_COMPOUND);
        DT_CHECK_INT(p->nwords, 1);
    }
    /* '_' joins; "_ " is a blank (PETRARCH's rule). */
    p = find_pattern(d, "IN_*");
    DT_CHECK(p != NULL);
    if (p) {
        DT_CHECK_INT(E[p->first_elem + 1].kind, DT_PEL_VERB);
        DT_CHECK_INT(E[p->first_elem + 1].adj, 1);
        DT_CHECK(!(p->flags & DT_PAT_DUPLICATE));
    }
    p = find_pattern(d, "IN_ *");
    DT_CHECK(p != NULL);
    if (p) {
        DT_CHECK_INT(E[p->first_elem + 1].adj, 0);
        DT_CHECK_STR(p->code, "075A"); /* letters kept verbatim */
    }
    p = find_pattern(d, "* {NEW TIES} (WITH +)");
    DT_CHECK(p != NULL);
    if (p) {
        static const int kinds[] = {DT_PEL_VERB, DT_PEL_NP_OPEN,  DT_PEL_WORD,
                                    DT_PEL_WORD, DT_PEL_NP_CLOSE, DT_PEL_PP_OPEN,
                                    DT_PEL_WORD, DT_PEL_TARGET,   DT_PEL_PP_CLOSE};
        DT_CHECK_INT(p->nelem, 9);
        for (int k = 0; k < 9 && k < p->nelem; k++)
            DT_CHECK_INT(E[p->first_elem + (uint32_t)k].kind, kinds[k]);
        DT_CHECK(p->code_flags & DT_CODE_NULL);
    }
    p = find_pattern(d, "* &CURR");
    DT_CHECK(p != NULL);
    if (p) {
        DT_CHECK_INT(E[p->first_elem + 1].kind, DT_PEL_SYNSET);
        DT_CHECK_INT(E[p->first_elem + 1].value, dt_dict_synset_find(d, "&CURR", 5));
    }
    dt_dicts_free(d);
}

static void test_synsets(void)
{
    dt_dicts *d = load1(DT_DICT_VERBS, VERBS);
    if (!d)
        return;
    /* Plurals of noun synsets; none after a final '_' on the member or
     * on the synset name. */
    DT_CHECK(syn_has(d, "&CURR", "DOLLAR"));
    DT_CHECK(syn_has(d, "&CURR", "DOLLARS"));
    DT_CHECK(syn_has(d, "&CURR", "SWISS FRANC"));
    DT_CHECK(syn_has(d, "&CURR", "SWISS FRANCS"));
    DT_CHECK(syn_has(d, "&CURR", "YEN"));
    DT_CHECK(!syn_has(d, "&CURR", "YENS"));
    DT_CHECK(syn_has(d, "AUX", "HAS"));
    DT_CHECK(!syn_has(d, "AUX", "HASES"));
    DT_CHECK(!syn_has(d, "AUX", "HAVES"));
    /* Nesting: &OUTER holds &CURR's members (with their plurals) + GOLD. */
    DT_CHECK(syn_has(d, "&OUTER", "SWISS FRANCS"));
    DT_CHECK(syn_has(d, "&OUTER", "YEN"));
    DT_CHECK(syn_has(d, "&OUTER", "GOLDS"));
    /* Matching helpers. */
    uint32_t ids[3] = {wid(d, "SWISS"), wid(d, "FRANCS"), wid(d, "GOLD")};
    uint32_t outer = dt_dict_synset_find(d, "OUTER", 5);
    DT_CHECK_INT(dt_dict_synset_match(d, outer, ids, 3), 2);
    DT_CHECK_INT(dt_dict_synset_match(d, outer, ids + 1, 2), 0);
    DT_CHECK_INT(dt_dict_synset_match_back(d, outer, ids, 2), 2);
    DT_CHECK_INT(dt_dict_synset_match_back(d, outer, ids, 3), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNDEFINED_SYNSET, 0), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_RECURSIVE_SYNSET, 0), 0);
    /* Identical pattern (after "_ " -> " "): none here. */
    DT_CHECK_INT(warned(d, DT_DICTW_UNREACHABLE, 0), 0);
    dt_dicts_free(d);
}

static void test_synset_errors(void)
{
    const char *txt = "&LOOP1\n"                /* 1 */
                      "+&LOOP2\n"               /* 2 */
                      "+RING\n"                 /* 3 */
                      "&LOOP2\n"                /* 4 */
                      "+&LOOP1\n"               /* 5 */
                      "+CIRCLE\n"               /* 6 */
                      "--- SEE [020] ---\n"     /* 7 */
                      "SEE {SAW SEEN}\n"        /* 8 */
                      "- * &NOWHERE [021]\n"    /* 9 */
                      "- * &LATER [022]\n"      /* 10 */
                      "- * &LOOP1 [023]\n"      /* 11 */
                      "- * @ THING [024]\n"     /* 12 */
                      "- * THING [025\n"        /* 13 */
                      "- THING [026]\n"         /* 14 */
                      "- * THING [025]\n"       /* 15 */
                      "- * THING [027]\n"       /* 16 */
                      "&LATER\n"                /* 17 */
                      "+SIGHT\n"                /* 18 */
                      "--- TAIL [030] ---\n"    /* 19 */
                      "TAIL\n"                  /* 20 */
                      "- * EXTRA [031] junk\n"; /* 21 */
    dt_dicts *d = load1(DT_DICT_VERBS, txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_UNDEFINED_SYNSET, 9), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_RECURSIVE_SYNSET, 0), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNKNOWN_MARKER, 12), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNBALANCED, 13), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 14), 1);      /* no '*' */
    DT_CHECK_INT(warned(d, DT_DICTW_UNREACHABLE, 16), 1); /* same as 15, other code */
    DT_CHECK(find_pattern(d, "* &NOWHERE") == NULL);      /* dropped */
    DT_CHECK(find_pattern(d, "* &LATER") != NULL);        /* defined after use: fine */
    const dt_dict_pattern *p = find_pattern(d, "* THING");
    DT_CHECK(p && !(p->flags & DT_PAT_DUPLICATE) && !strcmp(p->code, "025"));
    /* The recursion is cut, not the whole synset. */
    DT_CHECK(syn_has(d, "LOOP1", "RING"));
    DT_CHECK(syn_has(d, "LOOP1", "CIRCLE"));
    DT_CHECK(syn_has(d, "LOOP2", "CIRCLE"));
    DT_CHECK(has_form(d, "SAW", "SEE"));
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    DT_CHECK_INT(st.patterns, 5);                    /* 10, 11, 15, 16, 21 */
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 21), 1); /* text after the code */
    DT_CHECK_INT(st.synsets, 3);
    dt_dicts_free(d);
}

/* Members that combine synsets are bounded by what is looked at, not only
 * by what is kept: combinations over the phrase-word limit, or through a
 * synset with no members, are not kept, and before the bound fourteen
 * references to a ten-member synset of three-word members (10^14
 * combinations, none kept) or nine references beside an empty synset
 * (10^9) did not end. The first is now refused before any is looked at
 * (no combination can be short enough), the second has none to look at;
 * the end of this test reaches the bound with combinations that are each
 * looked at. */
static void test_synset_combination_bound(void)
{
    char txt[1024];
    size_t n = (size_t)snprintf(txt, sizeof txt, "&SYN\n");
    for (int i = 0; i < 10; i++) /* lines 2-11 */
        n += (size_t)snprintf(txt + n, sizeof txt - n, "+W%dA W%dB W%dC\n", i, i, i);
    n += (size_t)snprintf(txt + n, sizeof txt - n, "&EMPTY\n&NONE\n+"); /* 12-14 */
    for (int i = 0; i < 9; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "&SYN ");
    n += (size_t)snprintf(txt + n, sizeof txt - n, "&EMPTY\n&BIG\n+"); /* 14-16 */
    for (int i = 0; i < 14; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "&SYN ");
    snprintf(txt + n, sizeof txt - n,
             "\n+FLAG\n"                          /* 17 */
             "--- GO [010] ---\nGO\n"             /* 18-19 */
             "- * &BIG [011]\n- * &SYN [012]\n"); /* 20-21 */
    dt_dicts *d = load1(DT_DICT_VERBS, txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 16), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 0), 1);
    DT_CHECK(syn_has(d, "&SYN", "W3A W3B W3C"));
    DT_CHECK(!syn_has(d, "&NONE", "W3A W3B W3C"));
    DT_CHECK(find_pattern(d, "* &SYN") != NULL);
    DT_CHECK(has_form(d, "GO", "GO"));
    dt_dicts_free(d);

    /* Six references to ten one-word members, then one to a member of one
     * word and twenty of 27: 10^6 prefixes of six words, after each of
     * which one combination fits and twenty do not (6 + 27 > 32). */
    static char big[8192];
    n = (size_t)snprintf(big, sizeof big,
                         "&A\n+A0\n+A1\n+A2\n+A3\n+A4\n+A5\n+A6\n+A7\n+A8\n+A9\n"
                         "&B\n+B\n"); /* lines 1-13 */
    for (int i = 0; i < 20; i++) {    /* lines 14-33 */
        n += (size_t)snprintf(big + n, sizeof big - n, "+");
        for (int j = 0; j < 27; j++)
            n += (size_t)snprintf(big + n, sizeof big - n, "L%dW%d ", i, j);
        n += (size_t)snprintf(big + n, sizeof big - n, "\n");
    }
    snprintf(big + n, sizeof big - n, "&C\n+&A &A &A &A &A &A &B\n"); /* lines 34-35 */
    d = load1(DT_DICT_VERBS, big);
    if (!d)
        return;
    DT_CHECK_INT(warned_msg(d, "combinations in all"), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 35), 1);
    DT_CHECK(syn_has(d, "&C", "A0 A0 A0 A0 A0 A0 B"));
    DT_CHECK(!syn_has(d, "&C", "A9 A9 A9 A9 A9 A9 B"));
    dt_dicts_free(d);
}

/* A combination is kept only if all of it fits in DT_DICT_MAX_PHRASE_WORDS,
 * words after the last synset reference included. Before, only the words
 * up to each reference were counted: "&S W0 ... W30" over a three-word
 * member made a 34-word phrase, and the trie builder wrote past its
 * 33-entry path (UBSan: index 33 out of bounds, F30). A prefix that no
 * completion can fit is passed over whole; what is kept, and its order,
 * are as when every combination was looked at. */
static void test_synset_long_members(void)
{
    char txt[1024];
    size_t n = (size_t)snprintf(txt, sizeof txt, "&S\n+A1 A2 A3\n&B\n+&S"); /* 1-4 */
    for (int i = 0; i < 31; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, " W%d", i);
    n += (size_t)snprintf(txt + n, sizeof txt - n, "\n&M\n+A\n+B1 B2 B3\n&N\n+&M"); /* 5-9 */
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, " W%d", i);
    n += (size_t)snprintf(txt + n, sizeof txt - n, "\n&X\n+X1\n+"); /* 10-12 */
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "XL%d ", i);
    n += (size_t)snprintf(txt + n, sizeof txt - n, "\n&Y\n+Y1\n+"); /* 13-15 */
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "YL%d ", i);
    snprintf(txt + n, sizeof txt - n, "\n&Z\n+&X &Y &X\n"); /* 16-17 */
    dt_dicts *d = load1(DT_DICT_VERBS, txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 4), 1); /* every form is 34 words */
    DT_CHECK_INT(warned_msg(d, "makes only phrases"), 1);
    uint32_t ns;
    const dt_dict_synset *sy = dt_dict_synsets(d, &ns);
    const dt_dict_phrase_set *ps = dt_dict_synset_phrases(d);
    uint32_t b = dt_dict_synset_find(d, "&B", 2);
    DT_CHECK(b != DT_DICT_NONE && sy[b].nmembers == 0);
    /* &N: "A W0 ... W29" (31 words) fits, "B1 B2 B3 W0 ... W29" (33) does not */
    DT_CHECK(syn_has(d, "&N",
                     "A W0 W1 W2 W3 W4 W5 W6 W7 W8 W9 W10 W11 W12 W13 W14 W15 W16 W17 "
                     "W18 W19 W20 W21 W22 W23 W24 W25 W26 W27 W28 W29"));
    uint32_t nn = dt_dict_synset_find(d, "&N", 2);
    DT_CHECK(nn != DT_DICT_NONE);
    for (uint32_t m = 0; nn != DT_DICT_NONE && m < sy[nn].nmembers; m++) {
        const dt_dict_phrase *ph = &ps->phrases[sy[nn].first_member + m];
        DT_CHECK(ph->nwords <= DT_DICT_MAX_PHRASE_WORDS);
        DT_CHECK(dt_dict_word_ids(d)[ph->words] != dt_dict_word_id(d, "B1", 2));
    }
    /* &Z: of the eight (X, Y, X) combinations, the four of at most 32
     * words, in the order of the odometer (the last reference fastest);
     * each may be followed by its plural. */
    const char *want[4] = {"X1 Y1 X1", "X1 Y1 XL0", "X1 YL0", "XL0"};
    uint32_t z = dt_dict_synset_find(d, "&Z", 2);
    DT_CHECK(z != DT_DICT_NONE);
    int next = 0;
    for (uint32_t m = 0; z != DT_DICT_NONE && m < sy[z].nmembers; m++) {
        const dt_dict_phrase *ph = &ps->phrases[sy[z].first_member + m];
        const char *t = ptext(d, ph);
        DT_CHECK(ph->nwords <= DT_DICT_MAX_PHRASE_WORDS);
        if (next < 4 && strncmp(t, want[next], strlen(want[next])) == 0 &&
            !(ph->flags & DT_PH_PLURAL))
            next++;
    }
    DT_CHECK_INT(next, 4);
    dt_dicts_free(d);
}

/* Synsets nest at most 64 deep. Before, a chain of 20,000 synsets, each
 * made of the next, recursed once per link and overflowed the stack
 * (from about 6,000 links in the Release build). */
static void test_synset_depth_bound(void)
{
    enum { NSYN = 20000 };
    size_t cap = (size_t)NSYN * 24 + 64, n = 0;
    char *txt = malloc(cap);
    DT_CHECK(txt != NULL);
    if (!txt)
        return;
    for (int i = 0; i + 1 < NSYN; i++) /* lines 2i+1, 2i+2 */
        n += (size_t)snprintf(txt + n, cap - n, "&S%d\n+&S%d\n", i, i + 1);
    n += (size_t)snprintf(txt + n, cap - n, "&S%d\n+W0\n", NSYN - 1);
    snprintf(txt + n, cap - n, "--- GO [010] ---\nGO\n- * &S0 [011]\n");
    dt_dicts *d = load1(DT_DICT_VERBS, txt);
    free(txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 128), 1); /* &S63 +&S64 */
    DT_CHECK(syn_has(d, "&S19999", "W0"));
    DT_CHECK(syn_has(d, "&S19990", "W0"));
    DT_CHECK(has_form(d, "GO", "GO"));
    dt_dicts_free(d);
}

/* Synsets are found by name through a hash index while the file is read;
 * the search through every synset it replaced took 2.9 s for 40,000
 * synsets (600 KB) and grew with the square. References before the
 * definition, in lower case, and a synset defined twice still resolve. */
static void test_synset_many(void)
{
    enum { NSYN = 30000 };
    size_t cap = (size_t)NSYN * 48 + 128, n = 0;
    char *txt = malloc(cap);
    DT_CHECK(txt != NULL);
    if (!txt)
        return;
    for (int i = 0; i + 1 < NSYN; i++) /* lines 3i+1 .. 3i+3 */
        n += (size_t)snprintf(txt + n, cap - n, "&S%d\n+W%d\n+X%d &s%d\n", i, i, i, (i + NSYN) / 2);
    n += (size_t)snprintf(txt + n, cap - n, "&S%d\n+W%d\n&S17\n+EXTRA\n", NSYN - 1, NSYN - 1);
    snprintf(txt + n, cap - n, "--- GO [010] ---\nGO\n- * &S%d [011]\n- * &s5 [012]\n", NSYN - 1);
    dt_dicts *d = load1(DT_DICT_VERBS, txt);
    free(txt);
    if (!d)
        return;
    uint32_t ns;
    (void)dt_dict_synsets(d, &ns);
    DT_CHECK_INT(ns, NSYN);
    DT_CHECK_INT(warned(d, DT_DICTW_UNDEFINED_SYNSET, 0), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_RECURSIVE_SYNSET, 0), 0);
    DT_CHECK(syn_has(d, "&S17", "W17"));
    DT_CHECK(syn_has(d, "&S17", "EXTRA"));
    DT_CHECK(syn_has(d, "&S0", "X0 W15000"));
    DT_CHECK(syn_has(d, "&S29998", "X29998 W29999"));
    dt_dicts_free(d);
}

/* A verb form given by two verbs is noted at the later one, naming the
 * earlier; forms of one verb are not compared with each other. Before,
 * every form was compared with every later form of its head: 160,000
 * two-word forms of one head (a 1.6 MB file) took over five minutes, and
 * they load in a fraction of a second now. */
static void test_verb_form_notes(void)
{
    dt_dicts *d = load1(DT_DICT_VERBS, "--- A [010] ---\n" /* 1 */
                                       "GO {WENT GONE}\n"  /* 2 */
                                       "--- B [020] ---\n" /* 3 */
                                       "GO\n"              /* 4 */
                                       "WENT\n"            /* 5 */
                                       "--- C [030] ---\n" /* 6 */
                                       "SAY {SAID}\n"      /* 7 */
                                       "SAY {SAID}\n"      /* 8 */
                                       "TELL {TOLD}\n"     /* 9 */
                                       "- * X [031]\n");   /* 10 */
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 2), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 4), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 5), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 7), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 8), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 9), 0);
    dt_dicts_free(d);

    enum { NFORMS = 160000 };
    size_t cap = 32 + (size_t)NFORMS * 12, n = 0;
    char *txt = malloc(cap);
    DT_CHECK(txt != NULL);
    if (!txt)
        return;
    n += (size_t)snprintf(txt + n, cap - n, "--- GO [010] ---\n");
    for (int i = 0; i < NFORMS; i++)
        n += (size_t)snprintf(txt + n, cap - n, "GO X%d\n", i);
    snprintf(txt + n, cap - n, "- * Y [011]\n");
    d = load1(DT_DICT_VERBS, txt);
    free(txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 0), 0);
    uint32_t nforms = 0;
    (void)dt_dict_verb_forms(d, wid(d, "GO"), &nforms);
    DT_CHECK(nforms >= NFORMS);
    dt_dicts_free(d);
}

/* Bad lines are skipped with FILE:LINE and the rest loads; strict fails. */
static void test_broken_lines_and_strict(void)
{
    const char *txt = "--- OK [010] ---\n"  /* 1 */
                      "FIRST\n"             /* 2 */
                      "- * GOOD [011]\n"    /* 3 */
                      "- * BAD [012\n"      /* 4 */
                      "<!-- never closed\n" /* 5 */
                      "- * HIDDEN [013]\n"; /* 6 */
    dt_dicts *d = NULL;
    int rc = load_mem(&d, 0, DT_DICT_VERBS, txt);
    DT_CHECK_INT(rc, DT_OK);
    if (d) {
        DT_CHECK(find_pattern(d, "* GOOD") != NULL);
        DT_CHECK(find_pattern(d, "* BAD") == NULL);
        DT_CHECK(find_pattern(d, "* HIDDEN") == NULL);
        DT_CHECK_INT(warned(d, DT_DICTW_UNBALANCED, 4), 1);
        DT_CHECK_INT(warned(d, DT_DICTW_UNBALANCED, 5), 1);
        const dt_dict_warning *w = dt_dicts_warning(d, 0);
        DT_CHECK(w != NULL);
        if (w) {
            DT_CHECK_STR(w->file, "mem.txt");
            DT_CHECK_INT(w->line, 4);
            DT_CHECK_INT(w->severity, DT_DICT_SEV_ERROR);
        }
        dt_dicts_free(d);
    }
    d = NULL;
    rc = load_mem(&d, 1, DT_DICT_VERBS, txt);
    DT_CHECK_INT(rc, DT_EFORMAT);
    DT_CHECK(d != NULL); /* still returned, so the warnings can be listed */
    if (d) {
        DT_CHECK(dt_dicts_nwarnings(d) >= 2);
        dt_dicts_free(d);
    }
    /* A byte-order mark does not hide the first line. */
    d = NULL;
    rc = load_mem(&d, 1, DT_DICT_VERBS, "\xEF\xBB\xBF<!-- c -->\n--- A [010] ---\nA\n");
    DT_CHECK_INT(rc, DT_OK);
    dt_dicts_free(d);
    /* Notes alone (a duplicate pattern) do not fail strict mode. */
    d = NULL;
    rc = load_mem(&d, 1, DT_DICT_VERBS, "--- A [010] ---\nA\n- * X [011]\n- * X [011]\n");
    DT_CHECK_INT(rc, DT_OK);
    if (d) {
        DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 4), 1);
        dt_dicts_free(d);
    }
}

/* ---- actors ---- */

static const char *ACTORS = "GOLLUM  # pas\n"                    /* 1 */
                            "+SMEAGOL\n"                         /* 2 */
                            "\t[HOB < 950601]\n"                 /* 3 */
                            "\t[HOBGOV 19950601 - 19990815]\n"   /* 4 */
                            "\t[HOBREB > 990816]\n"              /* 5 */
                            "UNITED_STATES  [USA]\n"             /* 6 */
                            "+U.S.\n"                            /* 7 */
                            "+UNITED STATES OF_AMERICA\n"        /* 8 */
                            "SAM_GAMGEE [HOB]\n"                 /* 9 */
                            "\t[HOBCIV <20080120]\n"             /* 10 */
                            "\t[ORCHOB 20100109-20100112]\n"     /* 11 */
                            "\t[HOBMIL 20080120-20121109]\n"     /* 12 */
                            "\t[HOBELI >20130119]\n"             /* 13 */
                            "IVO_JOSIPOVIC_\n"                   /* 14 */
                            "PRESIDENT_JOSIPOVIC_\n"             /* 15 */
                            "\t[HRVGOV >20120219]\n"             /* 16 */
                            "BAD_DATE [XXX 20100231-20110101]\n" /* 17 */
                            "\t[YYY 19991301-20000101]\n"        /* 18 */
                            "NOCODE\n"                           /* 19 */
                            "+ZZZ\n"                             /* 20 */
                            "\t[950601-990815]\n"                /* 21 */
                            "AFTER_BAD [ABC]\n"                  /* 22 */
                            "LASTNOCODE\n";                      /* 23 */

static uint32_t actor_of(const dt_dicts *d, const char *w1, const char *w2)
{
    uint32_t ids[2] = {wid(d, w1), w2 ? wid(d, w2) : 0};
    const uint32_t *vals;
    uint32_t nv;
    size_t len = dt_dict_match_longest(dt_dict_actor_phrases(d), ids, w2 ? 2 : 1, &vals, &nv);
    if (!len || !nv)
        return DT_DICT_NONE;
    return dt_dict_actor_phrases(d)->phrases[vals[0]].entry;
}

/* At most 100 date-overlap warnings per actor, and at most 10,000,000
 * pairs of date ranges compared per load. Before, n codes of one actor
 * that all overlap gave n^2/2 warnings (here 44,850; 4,000 codes, 75 KB,
 * took 3.2 s and printed 8 million lines). */
static void test_actor_overlap_bounds(void)
{
    enum { NCODES = 300, NSAME = 5000 };
    size_t cap = (size_t)(NCODES + NSAME) * 24 + 64, n = 0;
    char *txt = malloc(cap);
    DT_CHECK(txt != NULL);
    if (!txt)
        return;
    n += (size_t)snprintf(txt + n, cap - n, "GOLLUM_\n"); /* line 1 */
    for (int i = 0; i < NCODES; i++)
        n += (size_t)snprintf(txt + n, cap - n, "\t[C%d >20000101]\n", i);
    n += (size_t)snprintf(txt + n, cap - n, "SMEAGOL_\n"); /* line NCODES + 2 */
    for (int i = 0; i < NSAME; i++)
        n += (size_t)snprintf(txt + n, cap - n, "\t[HOB >20000101]\n");
    snprintf(txt + n, cap - n, "DEAGOL_ [HOB]\n");
    dt_dicts *d = load1(DT_DICT_ACTORS, txt);
    free(txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_DATE_OVERLAP, 0), 100);
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 1), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, NCODES + 2), 1);
    DT_CHECK(actor_of(d, "DEAGOL", NULL) != DT_DICT_NONE);
    dt_dicts_free(d);
}

static void test_actors(void)
{
    dt_dicts *d = load1(DT_DICT_ACTORS, ACTORS);
    if (!d)
        return;
    uint32_t g = actor_of(d, "GOLLUM", NULL);
    DT_CHECK(g != DT_DICT_NONE);
    DT_CHECK_INT(actor_of(d, "SMEAGOL", NULL), g); /* synonym shares the codes */
    DT_CHECK_STR(dt_dict_actor_code_at(d, g, 19900101, NULL), "HOB");
    DT_CHECK_STR(dt_dict_actor_code_at(d, g, 19950601, NULL), "HOB"); /* "or equal": first wins */
    DT_CHECK_STR(dt_dict_actor_code_at(d, g, 19970101, NULL), "HOBGOV");
    DT_CHECK_STR(dt_dict_actor_code_at(d, g, 19990816, NULL), "HOBREB");
    DT_CHECK(dt_dict_actor_code_at(d, g, 0, NULL) == NULL); /* no default, no date */
    uint32_t na;
    const dt_dict_actor_code *c = dt_dict_actor_codes(d, &na);
    const dt_dict_actor *A = dt_dict_actors(d, &na);
    DT_CHECK_INT(A[g].ncodes, 3);
    DT_CHECK_INT(c[A[g].first_code].to, 19950601); /* yymmdd, 95 -> 1995 */
    DT_CHECK_INT(c[A[g].first_code].from, 0);
    DT_CHECK_INT(c[A[g].first_code + 2].from, 19990816);

    uint32_t us = actor_of(d, "UNITED", "STATES");
    DT_CHECK(us != DT_DICT_NONE);
    DT_CHECK_STR(dt_dict_actor_code_at(d, us, 20200101, NULL), "USA");
    DT_CHECK_INT(actor_of(d, "U.S.", NULL), us);
    /* "UNITED STATES OF_AMERICA": blanks allow gaps, '_' does not. */
    uint32_t n;
    const uint32_t *byf = dt_dict_phrases_by_first(dt_dict_actor_phrases(d), wid(d, "UNITED"), &n);
    DT_CHECK_INT(n, 2);
    if (n == 2) {
        const dt_dict_phrase *p = &dt_dict_actor_phrases(d)->phrases[byf[0]];
        DT_CHECK_INT(p->nwords, 4); /* longest first */
        DT_CHECK_INT(p->gaps, (1u << 1) | (1u << 2));
        DT_CHECK(p->flags & DT_PH_SYNONYM);
    }

    uint32_t s = actor_of(d, "SAM", "GAMGEE");
    DT_CHECK_STR(dt_dict_actor_code_at(d, s, 20100110, NULL), "ORCHOB"); /* file order */
    DT_CHECK_STR(dt_dict_actor_code_at(d, s, 20100201, NULL), "HOBMIL");
    DT_CHECK_STR(dt_dict_actor_code_at(d, s, 20121201, NULL), "HOB"); /* gap: default */
    DT_CHECK_STR(dt_dict_actor_code_at(d, s, 0, NULL), "HOB");
    DT_CHECK_INT(warned(d, DT_DICTW_DATE_OVERLAP, 12), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_DATE_OVERLAP, 0), 1); /* boundary days are not overlaps */

    /* A code-less head followed by another head: both get the codes. */
    uint32_t ivo = actor_of(d, "IVO", "JOSIPOVIC");
    DT_CHECK(ivo != DT_DICT_NONE);
    DT_CHECK_INT(actor_of(d, "PRESIDENT", "JOSIPOVIC"), ivo);
    DT_CHECK_STR(dt_dict_actor_code_at(d, ivo, 20130101, NULL), "HRVGOV");

    DT_CHECK_INT(warned(d, DT_DICTW_BAD_DATE, 17), 1); /* Feb 31 */
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_DATE, 18), 1); /* month 13 */
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 21), 1); /* a date, no code */
    /* NOCODE's only code line was bad, so the next head joins it (as in
     * PETRARCH-1) and both get [ABC]; the last entry has no code at all. */
    uint32_t after = actor_of(d, "AFTER", "BAD");
    DT_CHECK(after != DT_DICT_NONE);
    DT_CHECK_INT(actor_of(d, "NOCODE", NULL), after);
    DT_CHECK_STR(dt_dict_actor_code_at(d, after, 20000101, NULL), "ABC");
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 19), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 23), 1);
    dt_dicts_free(d);
}

static void test_dates(void)
{
    int32_t v = 0;
    DT_CHECK_INT(dt_dict_parse_date("950601", 6, &v), DT_OK);
    DT_CHECK_INT(v, 19950601);
    DT_CHECK_INT(dt_dict_parse_date("070723", 6, &v), DT_OK);
    DT_CHECK_INT(v, 20070723);
    DT_CHECK_INT(dt_dict_parse_date("300101", 6, &v), DT_OK);
    DT_CHECK_INT(v, 20300101);
    DT_CHECK_INT(dt_dict_parse_date("310101", 6, &v), DT_OK);
    DT_CHECK_INT(v, 19310101);
    DT_CHECK_INT(dt_dict_parse_date("18970101", 8, &v), DT_OK);
    DT_CHECK_INT(v, 18970101);
    DT_CHECK_INT(dt_dict_parse_date("20120229", 8, &v), DT_OK);
    DT_CHECK_INT(dt_dict_parse_date("20100229", 8, &v), DT_EDATE);
    DT_CHECK_INT(dt_dict_parse_date("19000229", 8, &v), DT_EDATE);
    DT_CHECK_INT(dt_dict_parse_date("20000229", 8, &v), DT_OK);
    DT_CHECK_INT(dt_dict_parse_date("20100931", 8, &v), DT_EDATE);
    DT_CHECK_INT(dt_dict_parse_date("9008223", 7, &v), DT_EDATE);
    DT_CHECK_INT(dt_dict_parse_date("2010050", 7, &v), DT_EDATE);
    DT_CHECK_INT(dt_dict_parse_date("20x00101", 8, &v), DT_EDATE);
}

/* ---- agents ---- */

static const char *AGENTS = "!PERSON! = MAN, MEN, WOMAN\n"                  /* 1 */
                            "PRESIDENT [~GOV] # x\n"                        /* 2 */
                            "MINISTRY [~GOV]\n"                             /* 3 */
                            "CONGRESS [~LEG]\n"                             /* 4 */
                            "ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~JUD]\n" /* 5 */
                            "POLICE {} [ ~COP]\n"                           /* 6 */
                            "HUMAN_RIGHTS_BODY [NGO~]\n"                    /* 7 */
                            "CONGRESS!PERSON! [~LEG]\n"                     /* 8 */
                            "SECURITY SERVICE [~SPY]\n"                     /* 9 */
                            "NOCODE_AGENT\n"                                /* 10 */
                            "X!NOPE! [~ABC]\n"                              /* 11 */
                            "BROKEN {PLURAL [~GOV]\n";                      /* 12 */

static const dt_dict_agent *agent_of(const dt_dicts *d, const char *phrase)
{
    uint32_t ids[4];
    size_t n = 0;
    const char *p = phrase;
    while (*p && n < 4) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ids[n++] = dt_dict_word_id(d, p, len);
        p += len;
        while (*p == ' ')
            p++;
    }
    const uint32_t *vals;
    uint32_t nv;
    size_t len = dt_dict_match_longest(dt_dict_agent_phrases(d), ids, n, &vals, &nv);
    if (len != n || !nv)
        return NULL;
    uint32_t na;
    const dt_dict_agent *a = dt_dict_agents(d, &na);
    return &a[dt_dict_agent_phrases(d)->phrases[vals[0]].entry];
}

/* Substitution sets do not nest: an item naming a set is an error (and
 * never expanded, which once overflowed the stack), and a phrase with too
 * many markers is refused. */
static void test_agent_subst_loops(void)
{
    dt_dicts *d = load1(DT_DICT_AGENTS, "!A! = X!A!, Y\n"
                                        "!C! = M, N\n"
                                        "P!A!Q [~GOV]\n"
                                        "!C!!C!!C!!C!!C!!C!!C!!C!!C! [~GOV]\n"
                                        "!C!!C! [~MIL]\n");
    if (!d)
        return;
    const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d);
    DT_CHECK_INT(ps->nphrases, 5); /* PYQ, MM, MN, NM, NN */
    if (ps->nphrases == 5) {
        DT_CHECK_STR(ptext(d, &ps->phrases[0]), "PYQ");
        DT_CHECK_STR(ptext(d, &ps->phrases[4]), "NN");
    }
    DT_CHECK_INT(warned(d, DT_DICTW_SUBST, 1), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 4), 1); /* nine markers in one phrase */
    dt_dicts_free(d);
}

/* A form too long for a line counts towards the expansion limit like a
 * kept one. Before, seven markers of 64 items in front of one whose only
 * item makes every form too long walked 64^7 combinations, counting none
 * (five took 31 s), and said nothing of the forms it dropped. */
static void test_agent_subst_long_forms(void)
{
    static char txt[2 * DT_DICT_MAX_LINE];
    size_t n = (size_t)snprintf(txt, sizeof txt, "!A! = "); /* line 1 */
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "%sA%d", i ? ", " : "", i);
    n += (size_t)snprintf(txt + n, sizeof txt - n, "\n!Z! = "); /* line 2 */
    for (int i = 0; i < DT_DICT_MAX_LINE - 40; i++)
        txt[n++] = 'Z';
    n += (size_t)snprintf(txt + n, sizeof txt - n, "\n"); /* line 3 */
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "PAD%02d ", i);
    for (int i = 0; i < 7; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "!A!");
    snprintf(txt + n, sizeof txt - n, "!Z! [~GOV]\n!A! POLICE [~COP]\n"); /* lines 3-4 */
    dt_dicts *d = load1(DT_DICT_AGENTS, txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 3), 2); /* too long, then too many */
    DT_CHECK(agent_of(d, "A63 POLICE") != NULL);
    DT_CHECK_INT(dt_dict_agent_phrases(d)->nphrases, 64);
    dt_dicts_free(d);
}

/* Two words of n bytes, fill except their first two letters, that fall in
 * the same slot of a memo of `slots` slots. */
static int memo_pair(char *w1, char *w2, size_t n, char fill, uint32_t slots)
{
    static uint32_t seen[26 * 26];
    memset(w1, fill, n);
    w1[n] = '\0';
    for (int i = 0; i < 26 * 26; i++) {
        w1[0] = (char)('A' + i / 26);
        w1[1] = (char)('A' + i % 26);
        seen[i] = dt__dict_hash_bytes(w1, n) & (slots - 1); /* the memos' slot hash */
        for (int j = 0; j < i; j++)
            if (seen[j] == seen[i]) {
                memcpy(w2, w1, n + 1);
                w2[0] = (char)('A' + j / 26);
                w2[1] = (char)('A' + j % 26);
                return 0;
            }
    }
    return -1;
}

/* The words of an expansion's forms go through the intern memos, direct
 * mapped (512 slots for words of up to 55 bytes, 64 for longer ones):
 * items of one length that share a slot, short, long and over 1,024
 * bytes, each in every form, must keep their own words. */
static void test_agent_subst_memo(void)
{
    enum { LONG = 70, HUGE = 1500 };
    static char txt[4 * HUGE + 512];
    char s1[3], s2[3], l1[LONG + 1], l2[LONG + 1];
    static char h1[HUGE + 1], h2[HUGE + 1];
    DT_CHECK_INT(memo_pair(s1, s2, 2, 'K', 512), 0);
    DT_CHECK_INT(memo_pair(l1, l2, LONG, 'L', 64), 0);
    DT_CHECK_INT(memo_pair(h1, h2, HUGE, 'H', 64), 0);
    snprintf(txt, sizeof txt,
             "!S! = %s, %s\n!L! = %s, %s\n!H! = %s, %s\n"
             "!S! !L! [~GOV]\nX !H! [~MIL]\n",
             s1, s2, l1, l2, h1, h2);
    dt_dicts *d = load1(DT_DICT_AGENTS, txt);
    if (!d)
        return;
    DT_CHECK_INT(dt_dict_agent_phrases(d)->nphrases, 6);
    const char *sh[2] = {s1, s2}, *lo[2] = {l1, l2};
    char ph[LONG + 8];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            snprintf(ph, sizeof ph, "%s %s", sh[i], lo[j]);
            DT_CHECK(agent_of(d, ph) != NULL);
        }
    DT_CHECK(dt_dict_word_id(d, s1, 2) != dt_dict_word_id(d, s2, 2));
    DT_CHECK(dt_dict_word_id(d, l1, LONG) != dt_dict_word_id(d, l2, LONG));
    /* Words over 1,024 bytes are cut when folded (the two differ in their
     * first two bytes): X's two phrases end in two different words, each
     * starting as its item does. */
    const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d);
    uint32_t x = dt_dict_word_id(d, "X", 1), last[2] = {0, 0};
    int nx = 0;
    for (uint32_t i = 0; i < ps->nphrases; i++) {
        const dt_dict_phrase *p = &ps->phrases[i];
        const uint32_t *w = dt_dict_word_ids(d) + p->words;
        if (p->nwords == 2 && w[0] == x && nx < 2)
            last[nx++] = w[1];
    }
    DT_CHECK_INT(nx, 2);
    DT_CHECK(last[0] && last[1] && last[0] != last[1]);
    for (int i = 0; i < nx; i++) {
        const char *t = dt_dict_word(d, last[i]);
        DT_CHECK(t && strncmp(t, i ? h2 : h1, 2) == 0);
    }
    dt_dicts_free(d);
}

/* Does d2 hold a phrase of the agents set with p's words and gaps (p
 * from d1; the two loads intern in different orders, so by text)? */
static int has_split(const dt_dicts *d1, const dt_dict_phrase *p, const dt_dicts *d2)
{
    const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d2);
    const uint32_t *w1 = dt_dict_word_ids(d1) + p->words;
    for (uint32_t i = 0; i < ps->nphrases; i++) {
        const dt_dict_phrase *q = &ps->phrases[i];
        if (q->nwords != p->nwords || q->gaps != p->gaps || (q->flags & DT_PH_PLURAL))
            continue;
        const uint32_t *w2 = dt_dict_word_ids(d2) + q->words;
        uint32_t k = 0;
        while (k < p->nwords && strcmp(dt_dict_word(d1, w1[k]), dt_dict_word(d2, w2[k])) == 0)
            k++;
        if (k == p->nwords)
            return 1;
    }
    return 0;
}

/* An expansion splits each form into words as the same text written out
 * would be split: items glued to the words beside a marker, '_' and
 * blanks (the gap mask) on either side, an item that folds to nothing (a
 * byte order mark), and forms over the 32-word limit. (The forms share
 * the split of the text before each marker, made once.) */
static void test_agent_subst_split(void)
{
    static const char *const item[4] = {"X", "Y_Z", "\xEF\xBB\xBF", "W V"};
    static char t1[4096], t2[8192];
    size_t n1 = (size_t)snprintf(t1, sizeof t1, "!S! = X, Y_Z, \xEF\xBB\xBF, W V\n");
    n1 += (size_t)snprintf(t1 + n1, sizeof t1 - n1, "A_B !S!C D_!S! E [~GOV]\n");
    n1 += (size_t)snprintf(t1 + n1, sizeof t1 - n1, "!S!!S! [~MIL]\n");
    /* 30 words, then two markers: 32 words and more */
    for (int i = 0; i < 30; i++)
        n1 += (size_t)snprintf(t1 + n1, sizeof t1 - n1, "P%d ", i);
    n1 += (size_t)snprintf(t1 + n1, sizeof t1 - n1, "!S! Q !S! [~COP]\n");
    /* a word glued to the marker; a blank, a word folding to nothing and
     * '_' before it (the blank still makes the gap) */
    snprintf(t1 + n1, sizeof t1 - n1, "A K!S! [~SPY]\nA \xEF\xBB\xBF_!S! [~BUS]\n");
    size_t n2 = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            n2 += (size_t)snprintf(t2 + n2, sizeof t2 - n2, "A_B %sC D_%s E [~GOV]\n", item[a],
                                   item[b]);
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            n2 += (size_t)snprintf(t2 + n2, sizeof t2 - n2, "%s%s [~MIL]\n", item[a], item[b]);
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
            for (int i = 0; i < 30; i++)
                n2 += (size_t)snprintf(t2 + n2, sizeof t2 - n2, "P%d ", i);
            n2 += (size_t)snprintf(t2 + n2, sizeof t2 - n2, "%s Q %s [~COP]\n", item[a], item[b]);
        }
    for (int a = 0; a < 4; a++)
        n2 += (size_t)snprintf(t2 + n2, sizeof t2 - n2, "A K%s [~SPY]\nA \xEF\xBB\xBF_%s [~BUS]\n",
                               item[a], item[a]);
    dt_dicts *d1 = load1(DT_DICT_AGENTS, t1), *d2 = load1(DT_DICT_AGENTS, t2);
    if (d1 && d2) {
        const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d1);
        uint32_t found = 0;
        for (uint32_t i = 0; i < ps->nphrases; i++)
            found += (uint32_t)has_split(d1, &ps->phrases[i], d2);
        DT_CHECK(ps->nphrases > 20);
        DT_CHECK_INT(found, ps->nphrases);
        /* the same forms over the limit and the same empty ones */
        DT_CHECK(warned(d1, DT_DICTW_LIMIT, 0) > 0);
        DT_CHECK_INT(warned(d1, DT_DICTW_LIMIT, 0), warned(d2, DT_DICTW_LIMIT, 0));
        DT_CHECK_INT(warned(d1, DT_DICTW_EMPTY_PHRASE, 0), warned(d2, DT_DICTW_EMPTY_PHRASE, 0));
    }
    dt_dicts_free(d1);
    dt_dicts_free(d2);
}

/* A phrase one word over DT_DICT_MAX_PHRASE_WORDS is refused with a
 * LIMIT error and the lines around it load. Before, the blank before the
 * extra word shifted a 32-bit gap mask by 32 (UBSan, F19). */
static void test_phrase_word_limit(void)
{
    char txt[512];
    size_t n = (size_t)snprintf(txt, sizeof txt, "PRESIDENT [~GOV]\n");
    for (int i = 0; i <= DT_DICT_MAX_PHRASE_WORDS; i++)
        n += (size_t)snprintf(txt + n, sizeof txt - n, "W%d ", i);
    snprintf(txt + n, sizeof txt - n, "[~MIL]\nPOLICE [~COP]\n");
    dt_dicts *d = load1(DT_DICT_AGENTS, txt);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 2), 1);
    DT_CHECK(agent_of(d, "PRESIDENT") != NULL);
    DT_CHECK(agent_of(d, "POLICE") != NULL);
    dt_dicts_free(d);
}

/* A token that folds to nothing (a byte order mark, a lone combining
 * accent) adds no word, but its blank set the gap bit of the word it
 * would have been: after the last word, a bit past the phrase (F32, found
 * by the invariant check over the agents corpus). Between two words the
 * blank still separates them. */
static void test_phrase_gap_bits(void)
{
    const char *txt = "CHAIRMAN \xef\xbb\xbf [~GOV]\n"
                      "DEPUTY \xcc\x81_MINISTER [~GOV]\n"
                      "VICE_\xef\xbb\xbf PREMIER [~GOV]\n"
                      "SPEAKER_OF \xcc\x81 [~LEG]\n";
    dt_dicts *d = load1(DT_DICT_AGENTS, txt);
    if (!d)
        return;
    const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d);
    int seen = 0;
    for (uint32_t i = 0; i < ps->nphrases; i++) {
        const dt_dict_phrase *p = &ps->phrases[i];
        const char *t = ptext(d, p);
        uint32_t allowed = p->nwords >= 32 ? 0xFFFFFFFEu : ((1u << p->nwords) - 1) & ~1u;
        if (p->gaps & ~allowed)
            fprintf(stderr, "'%s': gaps %#x past its %u words\n", t, p->gaps, p->nwords);
        DT_CHECK_INT(p->gaps & ~allowed, 0);
        if (!strcmp(t, "CHAIRMAN") || !strcmp(t, "SPEAKER OF")) {
            DT_CHECK_INT(p->gaps, 0);
            seen++;
        } else if (!strcmp(t, "DEPUTY MINISTER") || !strcmp(t, "VICE PREMIER")) {
            DT_CHECK_INT(p->gaps, 2); /* the blank is kept */
            seen++;
        }
    }
    DT_CHECK_INT(seen, 4);
    dt_dicts_free(d);
}

static void test_agents(void)
{
    dt_dicts *d = load1(DT_DICT_AGENTS, AGENTS);
    if (!d)
        return;
    const dt_dict_agent *a = agent_of(d, "PRESIDENT");
    DT_CHECK(a && !strcmp(a->code, "GOV") && !a->prefix);
    DT_CHECK(agent_of(d, "PRESIDENTS") == a);
    DT_CHECK(agent_of(d, "MINISTRIES") != NULL);
    DT_CHECK(agent_of(d, "CONGRESSES") != NULL);
    a = agent_of(d, "ATTORNEYS GENERAL");
    DT_CHECK(a && !strcmp(a->code, "JUD"));
    DT_CHECK(agent_of(d, "ATTORNEY GENERALS") == NULL); /* explicit plural only */
    a = agent_of(d, "POLICE");
    DT_CHECK(a && !strcmp(a->code, "COP"));
    DT_CHECK(agent_of(d, "POLICES") == NULL); /* {} = no plural */
    a = agent_of(d, "HUMAN RIGHTS BODY");
    DT_CHECK(a && !strcmp(a->code, "NGO") && a->prefix);
    /* Substitution: every item, no plural. */
    DT_CHECK(agent_of(d, "CONGRESSMAN") != NULL);
    DT_CHECK(agent_of(d, "CONGRESSMEN") != NULL);
    DT_CHECK(agent_of(d, "CONGRESSWOMAN") != NULL);
    DT_CHECK(agent_of(d, "CONGRESSWOMANS") == NULL);
    DT_CHECK(agent_of(d, "CONGRESS!PERSON!") == NULL);
    /* A blank is a gap in the agent phrase. */
    uint32_t n;
    const uint32_t *byf =
        dt_dict_phrases_by_first(dt_dict_agent_phrases(d), wid(d, "SECURITY"), &n);
    DT_CHECK_INT(n, 2);
    if (n)
        DT_CHECK_INT(dt_dict_agent_phrases(d)->phrases[byf[0]].gaps, 1u << 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 10), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SUBST, 11), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNBALANCED, 12), 1);
    dt_dicts_free(d);
}

/* ---- discards ---- */

static void test_discards(void)
{
    const char *txt = "# comment\n"
                      "+TYPHOON   # story, stem\n"
                      "BASEBALL_\n"
                      "AFRICAN NATIONS CUP\n"
                      "+ASIAN WINTER GAMES_\n";
    dt_dicts *d = load1(DT_DICT_DISCARDS, txt);
    if (!d)
        return;
    DT_CHECK_INT(dt_dict_discard_phrases(d)->nphrases, 4);
    const char *s1[] = {"THE", "TYPHOONS", "HIT"};
    const char *s2[] = {"BASEBALLS", "ARE", "ROUND"};
    const char *s3[] = {"A", "BASEBALL", "GAME"};
    const char *s4[] = {"THE", "AFRICAN", "NATIONS", "CUPS"};
    const char *s5[] = {"ASIAN", "WINTER", "GAMESMANSHIP"};
    const char *s6[] = {"ASIAN", "WINTER", "GAMES", "BASEBALL"};
    const char **ss[] = {s1, s2, s3, s4, s5, s6};
    size_t lens[] = {3, 3, 3, 4, 3, 4};
    int want[] = {2, 0, 1, 1, 0, 2};
    for (int k = 0; k < 6; k++) {
        uint32_t ids[4];
        for (size_t i = 0; i < lens[k]; i++)
            ids[i] = wid(d, ss[k][i]);
        uint32_t ph;
        int r = dt_dict_discard_check(d, ids, ss[k], lens[k], &ph);
        if (r != want[k])
            fprintf(stderr, "discard case %d: got %d\n", k, r);
        DT_CHECK_INT(r, want[k]);
        DT_CHECK(r == 0 ? ph == DT_DICT_NONE : ph != DT_DICT_NONE);
        /* the same over tokens: norm_len as the tokeniser sets it, then
         * one shorter than the text (as a 16-bit wrap of a long norm
         * leaves it), which the check must not believe */
        for (int bad = 0; bad < 2; bad++) {
            dt_token tk[4];
            memset(tk, 0, sizeof tk);
            for (size_t i = 0; i < lens[k]; i++) {
                size_t len = strlen(ss[k][i]);
                tk[i].norm = ss[k][i];
                tk[i].norm_len = (uint16_t)(bad && len > 0 ? len - 1 : len);
            }
            uint32_t ph2;
            DT_CHECK_INT(dt_dict_discard_check_tokens(d, ids, tk, lens[k], &ph2), want[k]);
            DT_CHECK(ph2 == ph);
        }
    }
    /* a token without a normalised form reads as "" */
    {
        dt_token tk[2];
        memset(tk, 0, sizeof tk);
        tk[1].norm = "TYPHOONS";
        tk[1].norm_len = 8;
        uint32_t ids[2] = {0, wid(d, "TYPHOONS")};
        DT_CHECK_INT(dt_dict_discard_check_tokens(d, ids, tk, 2, NULL), 2);
        DT_CHECK_INT(dt_dict_discard_check_tokens(d, ids, tk, 1, NULL), 0);
    }
    dt_dicts_free(d);
}

/* Stem discards against tokens around the 64-byte mark, where the check
 * changes method (a bit set of stem lengths up to 64 bytes, one length at
 * a time beyond), and stems of 63 bytes and more (one bit for them all). */
static void test_discard_long_tokens(void)
{
    char stem63[64], stem70[71], txt[256];
    memset(stem63, 'Q', 63);
    stem63[63] = '\0';
    memset(stem70, 'Z', 70);
    stem70[70] = '\0';
    snprintf(txt, sizeof txt, "TYPHOON\n%s\n%s\n", stem63, stem70);
    dt_dicts *d = load1(DT_DICT_DISCARDS, txt);
    if (!d)
        return;
    static const size_t lens[] = {7, 8, 62, 63, 64, 65, 66, 70, 71, 100};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        char tok[3][128];
        /* "TYPHOON" + 'S' padding; stem63 + 'R' padding; stem70 + 'R' */
        memcpy(tok[0], "TYPHOON", 7);
        memset(tok[0] + 7, 'S', lens[k] > 7 ? lens[k] - 7 : 0);
        tok[0][lens[k]] = '\0';
        memset(tok[1], 'Q', 63);
        memset(tok[1] + 63, 'R', lens[k] > 63 ? lens[k] - 63 : 0);
        tok[1][lens[k] > 63 ? lens[k] : 63] = '\0';
        memset(tok[2], 'Z', 70);
        memset(tok[2] + 70, 'R', lens[k] > 70 ? lens[k] - 70 : 0);
        tok[2][lens[k] > 70 ? lens[k] : 70] = '\0';
        for (int w = 0; w < 3; w++) {
            const char *s[] = {"THE", tok[w], "HIT"};
            uint32_t ids[3] = {wid(d, s[0]), wid(d, s[1]), wid(d, s[2])};
            int r = dt_dict_discard_check(d, ids, s, 3, NULL);
            if (r != 1)
                fprintf(stderr, "long discard: stem %d, token of %zu bytes: got %d\n", w,
                        strlen(tok[w]), r);
            DT_CHECK_INT(r, 1);
        }
        /* one byte off the stem: no match */
        tok[1][10] = 'X';
        const char *s[] = {"THE", tok[1], "HIT"};
        uint32_t ids[3] = {wid(d, s[0]), wid(d, s[1]), wid(d, s[2])};
        DT_CHECK_INT(dt_dict_discard_check(d, ids, s, 3, NULL), 0);
    }
    dt_dicts_free(d);
}

/* ---- issues ---- */

static int issue_has(const dt_dicts *d, const char *text, const char *code)
{
    const dt_dict_phrase_set *ps = dt_dict_issue_phrases(d);
    uint32_t ni;
    const dt_dict_issue *is = dt_dict_issues(d, &ni);
    for (uint32_t i = 0; i < ps->nphrases; i++) {
        if (strcmp(ptext(d, &ps->phrases[i]), text) != 0)
            continue;
        const dt_dict_issue *x = &is[ps->phrases[i].entry];
        if (code ? (x->code && !strcmp(x->code, code)) : x->code == NULL)
            return 1;
    }
    return 0;
}

static void test_issues(void)
{
    const char *txt = "<ISSUE CATEGORY=\"EDUCATION\" TYPE=\"ALL\">\n"
                      "n:school [SCHOOLS]\n"
                      "pre+n:school [EARLY]\n"
                      "ethnic v:purge [ATROCITY]\n"
                      "~a head start\n"
                      "~~Armenian genocide # history\n"
                      "no code here\n"
                      "</ISSUE>\n"
                      "</ISSUE>\n";
    dt_dicts *d = load1(DT_DICT_ISSUES, txt);
    if (!d)
        return;
    DT_CHECK(issue_has(d, "SCHOOL", "SCHOOLS"));
    DT_CHECK(issue_has(d, "SCHOOLS", "SCHOOLS"));
    DT_CHECK(issue_has(d, "PRE SCHOOL", "EARLY"));
    DT_CHECK(issue_has(d, "PRE-SCHOOL", "EARLY"));
    DT_CHECK(issue_has(d, "PRE-SCHOOLS", "EARLY"));
    DT_CHECK(issue_has(d, "ETHNIC PURGED", "ATROCITY"));
    DT_CHECK(issue_has(d, "ETHNIC PURGING", "ATROCITY"));
    DT_CHECK(issue_has(d, "ETHNIC PURGES", "ATROCITY"));
    DT_CHECK(issue_has(d, "A HEAD START", NULL));
    uint32_t ni;
    const dt_dict_issue *is = dt_dict_issues(d, &ni);
    DT_CHECK_INT(ni, 5);
    int story = 0;
    for (uint32_t i = 0; i < ni; i++) {
        DT_CHECK_STR(is[i].category, "EDUCATION");
        if (is[i].type == DT_ISSUE_IGNORE_STORY)
            story++;
    }
    DT_CHECK_INT(story, 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 7), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNBALANCED, 9), 1);
    /* Scanning a sentence: every occurrence counts; an ignore phrase
     * cancels the sentence. */
    const char *s1[] = {"NEW", "SCHOOLS", "AND", "PRE-SCHOOL", "SCHOOL"};
    uint32_t ids[5], hits[8];
    for (int i = 0; i < 5; i++)
        ids[i] = dt_dict_word_id(d, s1[i], strlen(s1[i]));
    size_t nh = 99;
    DT_CHECK_INT(dt_dict_issue_scan(d, ids, 5, hits, 8, &nh), 0);
    DT_CHECK_INT(nh, 3);
    if (nh == 3) {
        DT_CHECK_STR(is[hits[0]].code, "SCHOOLS");
        DT_CHECK_STR(is[hits[1]].code, "EARLY");
        DT_CHECK_STR(is[hits[2]].code, "SCHOOLS");
    }
    DT_CHECK_INT(dt_dict_issue_scan(d, ids, 5, hits, 1, &nh), 0);
    DT_CHECK_INT(nh, 3); /* the count, even past cap */
    const char *s2[] = {"A", "HEAD", "START", "AT", "SCHOOL"};
    for (int i = 0; i < 5; i++)
        ids[i] = dt_dict_word_id(d, s2[i], strlen(s2[i]));
    DT_CHECK_INT(dt_dict_issue_scan(d, ids, 5, hits, 8, &nh), DT_ISSUE_IGNORE_SENT);
    DT_CHECK_INT(nh, 0);
    const char *s3[] = {"ARMENIAN", "GENOCIDE", "A", "HEAD", "START"};
    for (int i = 0; i < 5; i++)
        ids[i] = dt_dict_word_id(d, s3[i], strlen(s3[i]));
    DT_CHECK_INT(dt_dict_issue_scan(d, ids, 5, hits, 8, &nh), DT_ISSUE_IGNORE_STORY);
    dt_dicts_free(d);

    /* Thirty-two "v:" parts are 4^32 forms: the expansion stops at its
     * limit with one error (before, the walk went on over every form after
     * the limit and did not end), and the entries around it load. */
    char big[512];
    size_t n = (size_t)snprintf(big, sizeof big, "<ISSUE CATEGORY=\"X\">\nn:school [SCHOOLS]\n");
    for (int i = 0; i < 32; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "v:go ");
    snprintf(big + n, sizeof big - n, "[GO]\nethnic v:purge [ATROCITY]\n</ISSUE>\n");
    d = load1(DT_DICT_ISSUES, big);
    if (!d)
        return;
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 3), 1);
    DT_CHECK_INT((int)dt_dicts_nwarnings(d), 1);
    DT_CHECK(issue_has(d, "SCHOOLS", "SCHOOLS"));
    DT_CHECK(issue_has(d, "ETHNIC PURGING", "ATROCITY"));
    dt_dict_issues(d, &ni);
    DT_CHECK_INT(ni, 3);
    dt_dicts_free(d);
}

/* Expansion is bounded for the whole load, not only per entry: each line
 * below is 26 bytes and makes 1,024 forms, so 1.1 MB of them made 41
 * million phrases (4.4 GB, F28); agents lines of 64 x 64 substitutions
 * did the same (F29), and nested synsets made a million. Past
 * DT_DICT_MAX_GENERATED one error is given, each later entry keeps only
 * its own first form, and plain entries after it still load, in the same
 * file or the next. */
static void test_generated_bound(void)
{
    enum { LINES = 300 };
    static char iss[LINES * 40 + 64];
    size_t n = (size_t)snprintf(iss, sizeof iss, "<ISSUE CATEGORY=\"X\">\n");
    for (int i = 0; i < LINES; i++) /* lines 2 .. LINES+1 */
        n += (size_t)snprintf(iss + n, sizeof iss - n, "v:a%d+v:b+v:c+v:d+v:e [X]\n", i);
    snprintf(iss + n, sizeof iss - n, "plain words [P]\n</ISSUE>\n");
    static char ag[64 * 8 + LINES * 24 + 64];
    n = (size_t)snprintf(ag, sizeof ag, "!A! = ");
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(ag + n, sizeof ag - n, "%sW%d", i ? ", " : "", i);
    n += (size_t)snprintf(ag + n, sizeof ag - n, "\n");
    for (int i = 0; i < LINES; i++)
        n += (size_t)snprintf(ag + n, sizeof ag - n, "X%d!A!!A! [~GOV]\n", i);
    snprintf(ag + n, sizeof ag - n, "PLAIN AGENT [~COP]\n");

    dt_dicts *d = load1(DT_DICT_ISSUES, iss);
    if (!d)
        return;
    DT_CHECK_INT(warned_msg(d, "in all"), 1);
    /* Every entry keeps its first form; the generated ones stop at the bound. */
    DT_CHECK_INT(dt_dict_issue_phrases(d)->nphrases, DT_DICT_MAX_GENERATED + LINES + 1);
    DT_CHECK(issue_has(d, "PLAIN WORDS", "P"));
    dt_dicts_free(d);

    d = load1(DT_DICT_AGENTS, ag);
    if (!d)
        return;
    DT_CHECK_INT(warned_msg(d, "in all"), 1);
    /* PLAIN AGENT and its plural PLAIN AGENTS */
    DT_CHECK_INT(dt_dict_agent_phrases(d)->nphrases, DT_DICT_MAX_GENERATED + 2);
    DT_CHECK(agent_of(d, "PLAIN AGENT") != NULL);
    dt_dicts_free(d);

    /* Both in one load share the bound: the issues use it up, and the
     * agents' substitutions are skipped from their first form on. */
    dt_dict_source src[2] = {{DT_DICT_ISSUES, NULL, "i.txt", iss, strlen(iss)},
                             {DT_DICT_AGENTS, NULL, "a.txt", ag, strlen(ag)}};
    dt_dict_options o;
    memset(&o, 0, sizeof o);
    dt_error err;
    d = NULL;
    DT_CHECK_INT(dt_dicts_load(src, 2, &o, &d, &err), DT_OK);
    if (!d)
        return;
    DT_CHECK_INT(warned_msg(d, "in all"), 1);
    DT_CHECK_INT(dt_dict_agent_phrases(d)->nphrases, 2);
    DT_CHECK(agent_of(d, "PLAIN AGENT") != NULL);
    dt_dicts_free(d);

    /* Synsets count too: a 2 KB verbs file of synsets built from synsets
     * made a million phrases. Here &B makes 64 x 64 and each &Cn 4,096 x
     * 16 (under the 100,000 of one synset); &C4 stops at the bound, &C5
     * makes nothing, the plain &D after them loads. */
    static char vb[80 * 8 + 512];
    n = (size_t)snprintf(vb, sizeof vb, "&A\n");
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(vb + n, sizeof vb - n, "+W%d\n", i);
    n += (size_t)snprintf(vb + n, sizeof vb - n, "&Q\n");
    for (int i = 0; i < 16; i++)
        n += (size_t)snprintf(vb + n, sizeof vb - n, "+Q%d\n", i);
    n += (size_t)snprintf(vb + n, sizeof vb - n, "&B\n+&A &A\n");
    for (int i = 1; i <= 5; i++)
        n += (size_t)snprintf(vb + n, sizeof vb - n, "&C%d\n+&B &Q\n", i);
    snprintf(vb + n, sizeof vb - n,
             "&D\n+PLAIN\n--- GO [010] ---\nGO\n- * &C1 [011]\n- * &D [012]\n");
    d = load1(DT_DICT_VERBS, vb);
    if (!d)
        return;
    DT_CHECK_INT(warned_msg(d, "in all"), 1);
    /* the plain members of &A, &Q and &D with their plurals, then the bound */
    DT_CHECK_INT(dt_dict_synset_phrases(d)->nphrases, 2 * (64 + 16 + 1) + DT_DICT_MAX_GENERATED);
    DT_CHECK(syn_has(d, "&D", "PLAIN"));
    DT_CHECK(syn_has(d, "&B", "W63 W63"));
    dt_dicts_free(d);

    /* A caller may set a lower bound (the fuzz harnesses do); one above
     * DT_DICT_MAX_GENERATED is lowered to it. */
    const uint32_t bounds[3] = {1000, 1, DT_DICT_MAX_GENERATED + 5u};
    const size_t want[3] = {1000, 1, DT_DICT_MAX_GENERATED};
    for (int b = 0; b < 3; b++) {
        o.max_generated = bounds[b];
        d = NULL;
        DT_CHECK_INT(dt_dicts_load(src, 1, &o, &d, &err), DT_OK);
        if (!d)
            return;
        char msg[64];
        snprintf(msg, sizeof msg, "more than %zu phrases in all", want[b]);
        DT_CHECK_INT(warned_msg(d, msg), 1);
        DT_CHECK_INT(dt_dict_issue_phrases(d)->nphrases, want[b] + LINES + 1);
        DT_CHECK(issue_has(d, "PLAIN WORDS", "P"));
        dt_dicts_free(d);
    }
}

/* ---- words, tries, hashing, several sources ---- */

static void test_words_and_hash(void)
{
    const char *v = "--- A [010] ---\nabandon\n- * plan [011]\n";
    dt_dicts *d1 = load1(DT_DICT_VERBS, v);
    dt_dicts *d2 = load1(DT_DICT_VERBS, v);
    dt_dicts *d3 = load1(DT_DICT_VERBS, "--- A [010] ---\nabandon\n- * plan [012]\n");
    if (!d1 || !d2 || !d3)
        goto out;
    /* Lower-case dictionary text is folded like tokens' norm. */
    DT_CHECK(wid(d1, "ABANDON") != 0);
    DT_CHECK(wid(d1, "ABANDONED") != 0);
    DT_CHECK_INT(wid(d1, "abandon"), 0);
    DT_CHECK_INT(wid(d1, "UNKNOWNWORD"), 0);
    DT_CHECK_INT(dt_dict_word_id(d1, "", 0), 0);
    DT_CHECK_STR(dt_dict_word(d1, wid(d1, "PLAN")), "PLAN");
    DT_CHECK_STR(dt_dict_word(d1, 0), "");
    DT_CHECK(dt_dicts_hash(d1) == dt_dicts_hash(d2));
    DT_CHECK(dt_dicts_hash(d1) != dt_dicts_hash(d3));
    DT_CHECK_INT(strlen(dt_dicts_hash_hex(d1)), 16);
out:
    dt_dicts_free(d1);
    dt_dicts_free(d2);
    dt_dicts_free(d3);

    /* Clitics are split as the tokeniser splits them. */
    d1 = load1(DT_DICT_AGENTS, "JOURNALISTS'_UNION [~MED]\nVALENTINE'S_DAY_CROWD {} [~CVL]\n");
    if (d1) {
        const dt_dict_phrase_set *ps = dt_dict_agent_phrases(d1);
        DT_CHECK_INT(ps->nphrases, 3);
        if (ps->nphrases == 3) {
            DT_CHECK_STR(ptext(d1, &ps->phrases[0]), "JOURNALISTS ' UNION");
            DT_CHECK_STR(ptext(d1, &ps->phrases[2]), "VALENTINE 'S DAY CROWD");
        }
        dt_dicts_free(d1);
    }
    /* Several sources in one load share one word space. */
    dt_dict_source src[3] = {
        {DT_DICT_VERBS, NULL, "v.txt", "--- A [010] ---\nMEET\n- * ISRAEL [011]\n", 0},
        {DT_DICT_ACTORS, NULL, "a1.txt", "ISRAEL [ISR]\n", 0},
        {DT_DICT_ACTORS, NULL, "a2.txt", "ISRAELI_TROOPS [ISRMIL]\nISRAEL [ISR2]\n", 0}};
    for (int i = 0; i < 3; i++)
        src[i].len = strlen(src[i].data);
    dt_dicts *d = NULL;
    dt_error err;
    DT_CHECK_INT(dt_dicts_load(src, 3, NULL, &d, &err), DT_OK);
    if (!d)
        return;
    const dt_dict_pattern *p = find_pattern(d, "* ISRAEL");
    DT_CHECK(p && dt_dict_pattern_elems(d)[p->first_elem + 1].value == wid(d, "ISRAEL"));
    uint32_t ids[3] = {wid(d, "ISRAELI"), wid(d, "TROOPS"), wid(d, "ISRAEL")};
    const uint32_t *vals;
    uint32_t nv;
    DT_CHECK_INT(dt_dict_match_longest(dt_dict_actor_phrases(d), ids, 3, &vals, &nv), 2);
    DT_CHECK_INT(dt_dict_match_longest(dt_dict_actor_phrases(d), ids + 2, 1, &vals, &nv), 1);
    DT_CHECK_INT(nv, 2); /* ISRAEL in both files */
    DT_CHECK_INT(warned(d, DT_DICTW_DUPLICATE, 2), 1);
    DT_CHECK_STR(dt_dict_source_name(d, 2), "a2.txt");
    DT_CHECK_INT(dt_dict_trie_step(dt_dict_actor_phrases(d), 0, 0), DT_DICT_NONE);
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    DT_CHECK_INT(st.actors, 3);
    DT_CHECK_INT(st.verbs, 1);
    dt_dicts_free(d);
}

static void test_bad_arguments_and_io(void)
{
    dt_dicts *d = NULL;
    dt_error err;
    dt_dict_source bad = {99, NULL, NULL, "x", 1};
    DT_CHECK_INT(dt_dicts_load(&bad, 1, NULL, &d, &err), DT_EINVAL);
    DT_CHECK(d == NULL);
    dt_dict_files f;
    memset(&f, 0, sizeof f);
    f.verbs = "/nonexistent/dir/x.verbs.txt";
    DT_CHECK_INT(dt_dicts_load_files(&f, NULL, &d, &err), DT_EIO);
    DT_CHECK(d != NULL);
    DT_CHECK_INT(warned(d, DT_DICTW_IO, 0), 1);
    dt_dicts_free(d);
    /* Empty input loads to empty dictionaries. */
    d = NULL;
    DT_CHECK_INT(dt_dicts_load(NULL, 0, NULL, &d, &err), DT_OK);
    if (d) {
        uint32_t n;
        DT_CHECK(dt_dict_verb_forms(d, 1, &n) == NULL);
        DT_CHECK_INT(dt_dict_discard_check(d, NULL, NULL, 0, NULL), 0);
        dt_dicts_free(d);
    }
}

/* Every allocation failing in turn: a clean DT_ENOMEM, never a crash or
 * a leak (run under ASan in the sanitizer build). */
static void test_alloc_failures(void)
{
    dt_dict_source src[3] = {{DT_DICT_VERBS, NULL, "v", VERBS, 0},
                             {DT_DICT_ACTORS, NULL, "a", ACTORS, 0},
                             {DT_DICT_AGENTS, NULL, "g", AGENTS, 0}};
    for (int i = 0; i < 3; i++)
        src[i].len = strlen(src[i].data);
    uint64_t before = dt_alloc_count();
    dt_dicts *d = NULL;
    dt_error err;
    DT_CHECK_INT(dt_dicts_load(src, 3, NULL, &d, &err), DT_OK);
    dt_dicts_free(d);
    uint64_t total = dt_alloc_count() - before;
    DT_CHECK(total > 10);
    int ok = 0, nomem = 0;
    for (uint64_t k = 1; k <= total; k++) {
        d = NULL;
        dt_alloc_fail_after(k);
        int rc = dt_dicts_load(src, 3, NULL, &d, &err);
        dt_alloc_fail_after(0);
        if (rc == DT_OK)
            ok++;
        else if (rc == DT_ENOMEM)
            nomem++;
        else
            DT_CHECK_INT(rc, DT_ENOMEM);
        if (rc == DT_ENOMEM)
            DT_CHECK(d == NULL);
        dt_dicts_free(d);
    }
    DT_CHECK(nomem > 0);
}

/* The compiled dictionaries are read by many threads at once: every
 * thread must see exactly what a single thread sees (run under TSan in
 * the DT_TSAN build to catch any hidden mutation). */
typedef struct reader_job {
    const dt_dicts *d;
    uint64_t sum;
} reader_job;

static uint64_t read_all(const dt_dicts *d)
{
    static const char *const words[] = {"GOLLUM", "SMEAGOL", "SAM",       "GAMGEE", "UNITED",
                                        "STATES", "U.S.",    "PRESIDENT", "MEN",    "CONGRESSMEN"};
    uint64_t sum = 0;
    for (int rep = 0; rep < 200; rep++) {
        uint32_t ids[10];
        for (int i = 0; i < 10; i++)
            ids[i] = dt_dict_word_id(d, words[i], strlen(words[i]));
        for (int i = 0; i < 10; i++) {
            const uint32_t *vals;
            uint32_t nv;
            size_t len = dt_dict_match_longest(dt_dict_actor_phrases(d), ids + i, (size_t)(10 - i),
                                               &vals, &nv);
            sum = sum * 31 + len + nv;
            if (nv) {
                uint32_t a = dt_dict_actor_phrases(d)->phrases[vals[0]].entry;
                const char *c = dt_dict_actor_code_at(d, a, 19900101 + rep * 1000, NULL);
                sum = sum * 31 + (c ? (uint64_t)strlen(c) + (unsigned char)c[0] : 7);
            }
            len = dt_dict_match_longest(dt_dict_agent_phrases(d), ids + i, (size_t)(10 - i), &vals,
                                        &nv);
            sum = sum * 31 + len + nv;
        }
        sum = sum * 31 + (uint64_t)dt_dict_discard_check(d, ids, words, 10, NULL);
    }
    return sum;
}

static void *reader_main(void *arg)
{
    reader_job *j = arg;
    j->sum = read_all(j->d);
    return NULL;
}

static void test_concurrent_readers(void)
{
    dt_dict_source src[2] = {{DT_DICT_ACTORS, NULL, "a", ACTORS, 0},
                             {DT_DICT_AGENTS, NULL, "g", AGENTS, 0}};
    for (int i = 0; i < 2; i++)
        src[i].len = strlen(src[i].data);
    dt_dicts *d = NULL;
    dt_error err;
    DT_CHECK_INT(dt_dicts_load(src, 2, NULL, &d, &err), DT_OK);
    if (!d)
        return;
    uint64_t want = read_all(d);
    pthread_t th[4];
    reader_job jobs[4];
    int started = 0;
    for (int i = 0; i < 4; i++) {
        jobs[i].d = d;
        jobs[i].sum = 0;
        if (pthread_create(&th[i], NULL, reader_main, &jobs[i]) == 0)
            started++;
        else
            break;
    }
    DT_CHECK_INT(started, 4);
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        DT_CHECK(jobs[i].sum == want);
    }
    dt_dicts_free(d);
}

int main(void)
{
    DT_RUN(test_verb_forms);
    DT_RUN(test_pattern_markers);
    DT_RUN(test_synsets);
    DT_RUN(test_synset_errors);
    DT_RUN(test_synset_combination_bound);
    DT_RUN(test_synset_long_members);
    DT_RUN(test_verb_form_notes);
    DT_RUN(test_synset_depth_bound);
    DT_RUN(test_synset_many);
    DT_RUN(test_broken_lines_and_strict);
    DT_RUN(test_actors);
    DT_RUN(test_actor_overlap_bounds);
    DT_RUN(test_dates);
    DT_RUN(test_agents);
    DT_RUN(test_phrase_word_limit);
    DT_RUN(test_phrase_gap_bits);
    DT_RUN(test_agent_subst_loops);
    DT_RUN(test_agent_subst_long_forms);
    DT_RUN(test_agent_subst_memo);
    DT_RUN(test_agent_subst_split);
    DT_RUN(test_discards);
    DT_RUN(test_discard_long_tokens);
    DT_RUN(test_issues);
    DT_RUN(test_generated_bound);
    DT_RUN(test_words_and_hash);
    DT_RUN(test_bad_arguments_and_io);
    DT_RUN(test_alloc_failures);
    DT_RUN(test_concurrent_readers);
    DT_TEST_END();
}
