/* The coder on small inline dictionaries and Treebank-parsed sentences
 * (gold structure, so these tests do not depend on the tagger): simple
 * and passive events, compounds, agents, date-restricted actors, null
 * codes, negation patterns, discards, options and bad input. */
#include "detente/code.h"
#include "detente/dict.h"
#include "detente/tag.h"

#include "dt_test.h"

static const char verbs_txt[] = "&NEGAUX\n"
                                "+DID N'T\n"
                                "+WILL NOT\n"
                                "\n"
                                "--- ATTACK [190] ---\n"
                                "ATTACK\n"
                                "- &NEGAUX * [112]\n"
                                "\n"
                                "--- RESTORE [064] ---\n"
                                "RESTORE\n"
                                "- * TRADE TIES [0632]\n"
                                "\n"
                                "--- MEET [036] ---\n"
                                "MEET {MET MEETING MEETS}\n"
                                "- % * [040:040]\n"
                                "\n"
                                "--- URGE [020] ---\n"
                                "URGE\n"
                                "- $ * + ABOUT [027]\n"
                                "- $ * + [026]\n"
                                "\n"
                                "--- TEST [---] ---\n"
                                "TEST\n"
                                "- * MISSILE OVER + [150]\n"
                                "- * MISSILE [150]\n"
                                "\n"
                                "--- BLOCK [---] ---\n"
                                "BLOCK\n"
                                "\n";

static const char actors_txt[] = "ARNOR [ARN]\n"
                                 "GONDOR [GON]\n"
                                 "MORDOR [MOR]\n"
                                 "BOROMIR [---]\n"
                                 "UNITED_NATIONS [IGOUNO]\n"
                                 "URUK-HAI [MORREB]\n"
                                 "SMEAGOL\n"
                                 "\t[HOB <19950601]\n"
                                 "\t[HOBGOV 19950601-19990815]\n"
                                 "\t[HOBREB >19990816]\n";

static const char agents_txt[] = "GOVERNMENT [~GOV]\n"
                                 "MSF [NGO~]\n"
                                 "SOLDIER [~MIL]\n";

static const char discards_txt[] = "+TYPHOON\n"
                                   "BASEBALL\n";

static const char issues_txt[] = "NUCLEAR [NUCLEAR]\n"
                                 "SANCTIONS [SANCTIONS]\n";

static dt_dicts *g_dicts;
static dt_coder *g_coder;
static dt_arena *g_arena;

static void setup(void)
{
    dt_dict_source src[5] = {
        {DT_DICT_VERBS, NULL, "verbs", verbs_txt, sizeof verbs_txt - 1},
        {DT_DICT_ACTORS, NULL, "actors", actors_txt, sizeof actors_txt - 1},
        {DT_DICT_AGENTS, NULL, "agents", agents_txt, sizeof agents_txt - 1},
        {DT_DICT_DISCARDS, NULL, "discards", discards_txt, sizeof discards_txt - 1},
        {DT_DICT_ISSUES, NULL, "issues", issues_txt, sizeof issues_txt - 1},
    };
    dt_error err;
    int rc = dt_dicts_load(src, 5, NULL, &g_dicts, &err);
    DT_CHECK_INT(rc, DT_OK);
    if (rc < 0) {
        fprintf(stderr, "dict load: %s\n", err.msg);
        exit(1);
    }
    DT_CHECK_INT(dt_coder_new(g_dicts, NULL, &g_coder, &err), DT_OK);
    g_arena = dt_arena_new(0);
    DT_CHECK(g_arena != NULL);
}

typedef struct result {
    dt_event *ev;
    size_t n;
    int status;
    int rc;
    dt_doctext d;
} result;

static result code_tree(const char *tree, int32_t date)
{
    result r;
    memset(&r, 0, sizeof r);
    dt_arena_reset(g_arena);
    dt_error err;
    r.rc = dt_treebank_parse(NULL, g_arena, tree, strlen(tree), &r.d, &err);
    if (r.rc < 0) {
        fprintf(stderr, "treebank: %s\n", err.msg);
        return r;
    }
    dt_code_doc doc;
    memset(&doc, 0, sizeof doc);
    doc.doc_id = DT_STR_LIT("t");
    doc.date = date;
    r.rc = dt_coder_code(g_coder, g_arena, &r.d, &doc, &r.ev, &r.n, NULL, &r.status, &err);
    return r;
}

/* Is (src, tgt, code) among the events? */
static int has(const result *r, const char *s, const char *t, const char *c)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->ev[i].source, s) && !strcmp(r->ev[i].target, t) && !strcmp(r->ev[i].code, c))
            return 1;
    return 0;
}

static int span_is(const result *r, dt_span sp, const char *want)
{
    return sp.len == strlen(want) && sp.off + sp.len <= r->d.len &&
           memcmp(r->d.text + sp.off, want, sp.len) == 0;
}

static void test_simple(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.rc, DT_OK);
    DT_CHECK_INT(r.n, 1);
    DT_CHECK(has(&r, "ARN", "GON", "190"));
    if (r.n == 1) {
        DT_CHECK(span_is(&r, r.ev[0].source_span, "Arnor"));
        DT_CHECK(span_is(&r, r.ev[0].verb_span, "attacked"));
        DT_CHECK(span_is(&r, r.ev[0].target_span, "Gondor"));
        DT_CHECK_STR(r.ev[0].root, "19");
        DT_CHECK_INT(r.ev[0].quad, 4);
        DT_CHECK_INT(r.ev[0].date, 19950101);
        DT_CHECK(r.ev[0].dict_line > 0);
    }
}

static void test_pattern(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD restored) (NP (NN trade) (NNS ties)) "
                         "(PP (IN with) (NP (NNP Gondor)))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.n, 1);
    DT_CHECK(has(&r, "ARN", "GON", "0632"));
    if (r.n == 1)
        DT_CHECK(r.ev[0].pattern.n > 0 && strstr(r.ev[0].pattern.p, "TRADE") != NULL);
    /* the bare verb code when no pattern fits */
    r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD restored) (NP (NNS ties)) "
                  "(PP (IN with) (NP (NNP Gondor)))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "ARN", "GON", "064"));
}

static void test_passive(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Gondor)) (VP (VBD was) (VP (VBN attacked) (PP (IN by) "
                         "(NP (NNP Arnor))))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.n, 1);
    DT_CHECK(has(&r, "ARN", "GON", "190"));
    if (r.n == 1)
        DT_CHECK_INT(r.ev[0].passive, 1);
}

static void test_compound(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Arnor) (CC and) (NNP Gondor)) (VP (VBD attacked) "
                         "(NP (NNP Mordor))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.n, 2);
    DT_CHECK(has(&r, "ARN", "MOR", "190"));
    DT_CHECK(has(&r, "GON", "MOR", "190"));
    /* compound with % and a paired code: both directions */
    r = code_tree("(ROOT (S (NP (NNP Arnor) (CC and) (NNP Gondor)) (VP (VBD met)) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "ARN", "GON", "040"));
    DT_CHECK(has(&r, "GON", "ARN", "040"));
}

static void test_agents(void)
{
    result r = code_tree("(ROOT (S (NP (NP (NNP Gondor) (POS 's)) (NN government)) (VP (VBD "
                         "attacked) (NP (NNP Mordor))) (. .)))",
                         19950101);
    DT_CHECK(has(&r, "GONGOV", "MOR", "190"));
    /* prefix agent */
    r = code_tree(
        "(ROOT (S (NP (NNP MSF) (NNP Arnor)) (VP (VBD attacked) (NP (NNP Mordor))) (. .)))",
        19950101);
    DT_CHECK(has(&r, "NGOARN", "MOR", "190"));
    /* an agent alone: unknown country */
    r = code_tree("(ROOT (S (NP (NNS soldiers)) (VP (VBD attacked) (NP (NNP Mordor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "---MIL", "MOR", "190"));
}

static void test_dates(void)
{
    const char *t = "(ROOT (S (NP (NNP Smeagol)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))";
    result r = code_tree(t, 19940101);
    DT_CHECK(has(&r, "HOB", "GON", "190"));
    r = code_tree(t, 19970101);
    DT_CHECK(has(&r, "HOBGOV", "GON", "190"));
    r = code_tree(t, 20050101);
    DT_CHECK(has(&r, "HOBREB", "GON", "190"));
}

static void test_null_codes(void)
{
    /* a null-coded verb block gives nothing */
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD blocked) (NP (NNP Gondor))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.n, 0);
    /* a null-coded actor leaves an empty side, dropped by require_dyad */
    r = code_tree("(ROOT (S (NP (NNP Boromir)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK_INT(r.n, 0);
    dt_error err;
    DT_CHECK_INT(dt_coder_set_option(g_coder, "require_dyad", "False", &err), DT_OK);
    r = code_tree("(ROOT (S (NP (NNP Boromir)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "---", "GON", "190"));
    DT_CHECK_INT(dt_coder_set_option(g_coder, "require_dyad", "true", &err), DT_OK);
}

static void test_negation(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD did) (RB n't) (VP (VB attack) (NP "
                         "(NNP Gondor)))) (. .)))",
                         19950101);
    DT_CHECK(has(&r, "ARN", "GON", "112"));
    DT_CHECK(!has(&r, "ARN", "GON", "190"));
}

static void test_discards(void)
{
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor)) (PP (IN "
                         "after) (NP (DT the) (NN typhoon)))) (. .)))",
                         19950101);
    DT_CHECK_INT(r.n, 0);
    DT_CHECK_INT(r.status, DT_CODE_DISCARD_STORY);
    r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor)) (PP (IN at) (NP "
                  "(NN baseball)))) (. .)))",
                  19950101);
    DT_CHECK_INT(r.n, 0);
    DT_CHECK_INT(r.status, DT_CODE_DISCARD_SENTENCE);
}

static void test_issues(void)
{
    result r =
        code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor)) (PP (IN over) "
                  "(NP (JJ nuclear) (NNS sanctions)))) (. .)))",
                  19950101);
    DT_CHECK_INT(r.n, 1);
    if (r.n == 1) {
        DT_CHECK(r.ev[0].issues.n > 0);
        DT_CHECK(r.ev[0].issues.n > 0 && strstr(r.ev[0].issues.p, "NUCLEAR 1") != NULL);
        DT_CHECK(r.ev[0].issues.n > 0 && strstr(r.ev[0].issues.p, "SANCTIONS 1") != NULL);
    }
    r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK(r.n == 1 && r.ev[0].issues.n == 0);
}

static void test_options(void)
{
    dt_coder_options o;
    dt_coder_options_default(&o);
    DT_CHECK_INT(o.require_dyad, 1);
    DT_CHECK_INT(o.comma_max, 8);
    DT_CHECK_INT(o.comma_bmax, 0);
    dt_error err;
    DT_CHECK_INT(dt_coder_options_set(&o, "require_dyad", "FALSE", &err), DT_OK);
    DT_CHECK_INT(o.require_dyad, 0);
    DT_CHECK_INT(dt_coder_options_set(&o, "comma_emax", "6", &err), DT_OK);
    DT_CHECK_INT(o.comma_emax, 6);
    DT_CHECK_INT(dt_coder_options_set(&o, "comma_min", "many", &err), DT_EINVAL);
    DT_CHECK_INT(dt_coder_options_set(&o, "no_such_option", "1", &err), DT_ENOENT);
    DT_CHECK_INT(dt_coder_options_set(&o, "stop_on_error", "True", &err), DT_OK);
}

/* source_only: a show of force with no one acted upon codes the source
 * alone; off by default (PETRARCH and the gold set code dyads only). */
static void test_source_only(void)
{
    static const char test[] =
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD tested) (NP (DT a) (NN missile))) (. .)))";
    static const char over[] =
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD tested) (NP (DT a) (NN missile)) "
        "(PP (IN over) (NP (NNP Gondor)))) (. .)))";
    static const char sea[] = "(ROOT (S (NP (NNP Arnor)) (VP (VBD tested) (NP (DT a) (NN missile)) "
                              "(PP (IN over) (NP (DT the) (NN sea)))) (. .)))";
    static const char attack[] =
        "(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (DT a) (NN town))) (. .)))";
    result r = code_tree(test, 19950101);
    DT_CHECK_INT(r.n, 0);
    dt_error err;
    DT_CHECK_INT(dt_coder_set_option(g_coder, "source_only", "true", &err), DT_OK);
    r = code_tree(test, 19950101);
    DT_CHECK_INT(r.n, 1);
    DT_CHECK(has(&r, "ARN", "", "150"));
    if (r.n == 1) {
        DT_CHECK(span_is(&r, r.ev[0].source_span, "Arnor"));
        DT_CHECK_INT(r.ev[0].target_span.len, 0);
    }
    /* a named target still wins */
    r = code_tree(over, 19950101);
    DT_CHECK(has(&r, "ARN", "GON", "150"));
    DT_CHECK(!has(&r, "ARN", "", "150"));
    /* a '+' that finds no coded actor ("over the sea") acts on no one */
    r = code_tree(sea, 19950101);
    DT_CHECK(has(&r, "ARN", "", "150"));
    DT_CHECK_INT(r.n, 1);
    /* an attack acts on someone: no source-only event (root 19) */
    r = code_tree(attack, 19950101);
    DT_CHECK_INT(r.n, 0);
    DT_CHECK_INT(dt_coder_set_option(g_coder, "source_only", "false", &err), DT_OK);
}

/* '$' on a compound subject keeps every conjunct; a marker that bound an
 * uncoded phrase falls back to the ordinary actor search. */
static void test_marker_binding(void)
{
    result r =
        code_tree("(ROOT (S (NP (NP (NNP Arnor)) (CC and) (NP (NNP Gondor))) (VP (VBD urged) "
                  "(NP (NNP Mordor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "ARN", "MOR", "026"));
    DT_CHECK(has(&r, "GON", "MOR", "026"));
    /* '+' binds "it"; the coded actor after the verb is the target */
    r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD urged) (NP (PRP it)) (PP (IN about) (NP (NNP "
                  "Gondor)))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "ARN", "GON", "027"));
}

/* agent_country: an agent alone takes the country of the nearest coded
 * actor that is not the event's other side, else (a domestic event) the
 * other side's when that is a country's police, officials, crowds...;
 * "auto" (the default) is off
 * for these PETRARCH-format dictionaries. */
static void test_agent_country(void)
{
    static const char near[] = "(ROOT (S (NP (DT The) (NN government)) (VP (VBD attacked) (NP (NNP "
                               "Gondor)) (PP (IN near) (NP (NNP Arnor)))) (. .)))";
    static const char alone[] =
        "(ROOT (S (NP (DT The) (NN government)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))";
    result r = code_tree(near, 19950101);
    DT_CHECK(!has(&r, "ARNGOV", "GON", "190"));
    dt_error err;
    DT_CHECK_INT(dt_coder_set_option(g_coder, "agent_country", "true", &err), DT_OK);
    r = code_tree(near, 19950101);
    DT_CHECK(has(&r, "ARNGOV", "GON", "190"));
    /* never the other side's country: Gondor's government did not attack Gondor */
    r = code_tree(alone, 19950101);
    DT_CHECK(!has(&r, "GONGOV", "GON", "190"));
    DT_CHECK(has(&r, "---GOV", "GON", "190"));
    /* a domestic event: facing a country's own agent (its government), a
     * bare agent is of that country; facing its soldiers (who act
     * abroad too), not */
    r = code_tree("(ROOT (S (NP (NNP Gondor) (NN government)) (VP (VBD attacked) (NP (NNS "
                  "soldiers))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "GONGOV", "GONMIL", "190"));
    r = code_tree("(ROOT (S (NP (NNP Gondor) (NNS soldiers)) (VP (VBD attacked) (NP (DT the) (NN "
                  "government))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "GONMIL", "---GOV", "190"));
    /* an organisation's people are the organisation; a role is kept */
    r = code_tree("(ROOT (S (NP (NNP United) (NNP Nations) (NNS soldiers)) (VP (VBD attacked) (NP "
                  "(NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "IGOUNO", "GON", "190"));
    r = code_tree("(ROOT (S (NP (NNP Uruk-hai) (NN government)) (VP (VBD attacked) (NP "
                  "(NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "MORREB", "GON", "190"));
    r = code_tree("(ROOT (S (NP (NNP Uruk-hai) (NNS soldiers)) (VP (VBD attacked) (NP "
                  "(NNP Gondor))) (. .)))",
                  19950101);
    DT_CHECK(has(&r, "MORREBMIL", "GON", "190"));
    DT_CHECK_INT(dt_coder_set_option(g_coder, "agent_country", "auto", &err), DT_OK);
    DT_CHECK_INT(dt_coder_get_options(g_coder)->agent_country, -1);
}

static void test_bad_input(void)
{
    /* an empty document */
    dt_doctext d;
    memset(&d, 0, sizeof d);
    dt_event *ev = NULL;
    size_t n = 7;
    dt_code_counts counts;
    memset(&counts, 0, sizeof counts);
    dt_error err;
    DT_CHECK_INT(dt_coder_code(g_coder, g_arena, &d, NULL, &ev, &n, &counts, NULL, &err), DT_OK);
    DT_CHECK_INT(n, 0);
    /* a date out of range: coded with undated defaults, and flagged */
    result r = code_tree("(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor))) (. .)))",
                         20251399);
    DT_CHECK_INT(r.rc, DT_OK);
    DT_CHECK(has(&r, "ARN", "GON", "190"));
    DT_CHECK_INT(r.status, DT_CODE_BAD_DATE);
    /* a 2,000-token sentence: no crash, still coded */
    size_t cap = 2000 * 16 + 256;
    char *tree = malloc(cap);
    DT_CHECK(tree != NULL);
    if (!tree)
        return;
    size_t k = 0;
    k += (size_t)snprintf(tree + k, cap - k,
                          "(ROOT (S (NP (NNP Arnor)) (VP (VBD attacked) (NP (NNP Gondor)) (NP");
    for (int i = 0; i < 1995; i++)
        k += (size_t)snprintf(tree + k, cap - k, " (NN x)");
    k += (size_t)snprintf(tree + k, cap - k, ")) (. .)))");
    r = code_tree(tree, 19950101);
    DT_CHECK_INT(r.rc, DT_OK);
    DT_CHECK(has(&r, "ARN", "GON", "190"));
    free(tree);
}

int main(void)
{
    setup();
    DT_RUN(test_simple);
    DT_RUN(test_pattern);
    DT_RUN(test_passive);
    DT_RUN(test_compound);
    DT_RUN(test_agents);
    DT_RUN(test_dates);
    DT_RUN(test_null_codes);
    DT_RUN(test_negation);
    DT_RUN(test_discards);
    DT_RUN(test_issues);
    DT_RUN(test_options);
    DT_RUN(test_source_only);
    DT_RUN(test_marker_binding);
    DT_RUN(test_agent_country);
    DT_RUN(test_bad_input);
    dt_coder_free(g_coder);
    dt_dicts_free(g_dicts);
    dt_arena_free(g_arena);
    DT_TEST_END();
}
