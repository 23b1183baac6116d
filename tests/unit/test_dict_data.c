/* Loads the real dictionaries from DT_SHARED_DATA: the PETRARCH
 * validation set and the full Phoenix set. Fails (never skips) when the
 * data is missing. Prints counts and load time; no time threshold here
 * (speed belongs to bench/). */
#include "dt_test.h"

#include "detente/dict.h"

#include <stdint.h>

static char g_dir[1024];

static const char *path(const char *name)
{
    static char buf[8][1200];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/petrarch2/%s", g_dir, name);
    return buf[k];
}

static uint32_t wid(const dt_dicts *d, const char *w)
{
    return dt_dict_word_id(d, w, strlen(w));
}

static void print_stats(const char *what, const dt_dicts *d)
{
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    printf("%s: %.1f ms (%.1f ms CPU), %zu bytes read, %zu words, %zu actors (%zu phrases, %zu "
           "codes), "
           "%zu agent phrases, %zu verbs (%zu forms) in %zu blocks, %zu patterns, %zu synsets "
           "(%zu members), %zu discards, %zu issue phrases; warnings %zu "
           "(%zu error, %zu warning, %zu note); memory %zu bytes; hash %s\n",
           what, st.load_ms, st.load_cpu_ms, st.bytes_read, st.words, st.actors, st.actor_phrases,
           st.actor_codes, st.agents, st.verbs, st.verb_forms, st.verb_blocks, st.patterns,
           st.synsets, st.synset_members, st.discards, st.issues, st.warnings,
           dt_dicts_count_severity(d, DT_DICT_SEV_ERROR),
           dt_dicts_count_severity(d, DT_DICT_SEV_WARNING),
           dt_dicts_count_severity(d, DT_DICT_SEV_NOTE), st.memory, dt_dicts_hash_hex(d));
}

/* The code of the actor the words spell, on a date. */
static const char *actor_code(const dt_dicts *d, const char *const *words, size_t n, int32_t date)
{
    uint32_t ids[8];
    for (size_t i = 0; i < n; i++)
        ids[i] = wid(d, words[i]);
    const uint32_t *vals;
    uint32_t nv;
    size_t len = dt_dict_match_longest(dt_dict_actor_phrases(d), ids, n, &vals, &nv);
    if (len != n || nv == 0)
        return NULL;
    uint32_t actor = dt_dict_actor_phrases(d)->phrases[vals[0]].entry;
    return dt_dict_actor_code_at(d, actor, date, NULL);
}

/* Code of the verb block that word `form` belongs to (first form). */
static const char *verb_block_code(const dt_dicts *d, const char *form)
{
    uint32_t n, nv, nb;
    const dt_dict_verb_form *f = dt_dict_verb_forms(d, wid(d, form), &n);
    if (!n)
        return NULL;
    const dt_dict_verb *v = dt_dict_verbs(d, &nv);
    const dt_dict_verb_block *b = dt_dict_verb_blocks(d, &nb);
    for (uint32_t i = 0; i < n; i++)
        if (f[i].npre == 0 && f[i].npost == 0)
            return b[v[f[i].verb].block].code;
    return NULL;
}

static void test_validate_set(void)
{
    dt_dict_files f;
    memset(&f, 0, sizeof f);
    const char *actors[] = {path("PETR.Validate.actors.txt")};
    f.verbs = path("PETR.Validate.verbs.txt");
    f.actors = actors;
    f.nactors = 1;
    f.agents = path("PETR.Validate.agents.txt");
    f.discards = path("PETR.Validate.discards.txt");
    dt_dicts *d = NULL;
    dt_error err;
    int rc = dt_dicts_load_files(&f, NULL, &d, &err);
    DT_CHECK_INT(rc, DT_OK);
    if (!d)
        return;
    print_stats("PETR.Validate", d);
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        printf("  %s:%u: %s\n", w->file, w->line, w->msg);
    }
    /* Facts of the validation dictionaries, read back through the API. */
    const char *gollum[] = {"GOLLUM"};
    DT_CHECK_STR(actor_code(d, gollum, 1, 19900101), "HOB");
    DT_CHECK_STR(actor_code(d, gollum, 1, 19970101), "HOBGOV");
    DT_CHECK_STR(actor_code(d, gollum, 1, 20050101), "HOBREB");
    const char *ent[] = {"ENT"};
    DT_CHECK_STR(actor_code(d, ent, 1, 20050101), "ENT");
    const char *us[] = {"U.S."};
    DT_CHECK_STR(actor_code(d, us, 1, 20050101), "USA");
    const char *interpol[] = {"INTERPOL"};
    DT_CHECK_STR(actor_code(d, interpol, 1, 20050101), "IGOCOPITP");
    DT_CHECK_STR(verb_block_code(d, "ABANDONED"), "345");
    DT_CHECK_STR(verb_block_code(d, "BROKEN"), "1717");
    DT_CHECK(verb_block_code(d, "BREAKS") == NULL); /* {BROKE BROKEN} listed: no BREAKS */
    DT_CHECK(dt_dict_synset_find(d, "&CURRENCY", 9) != DT_DICT_NONE);
    /* PREPOSIT1_ is a no-plural synset, CURRENCY is not. */
    uint32_t ns;
    const dt_dict_synset *s = dt_dict_synsets(d, &ns);
    uint32_t prep = dt_dict_synset_find(d, "PREPOSIT1", 9);
    DT_CHECK(prep != DT_DICT_NONE && s[prep].noplural && s[prep].nmembers == 6);
    /* Agents: suffix, prefix and !PERSON! substitution. */
    uint32_t na;
    const dt_dict_agent *ag = dt_dict_agents(d, &na);
    uint32_t ids[1] = {wid(d, "CONGRESSWOMEN")};
    const uint32_t *vals;
    uint32_t nv;
    DT_CHECK_INT(dt_dict_match_longest(dt_dict_agent_phrases(d), ids, 1, &vals, &nv), 1);
    if (nv)
        DT_CHECK_STR(ag[dt_dict_agent_phrases(d)->phrases[vals[0]].entry].code, "LEG");
    /* Discards: story-level '+'. */
    const char *sent[] = {"THE", "TYPHOON", "STRUCK"};
    uint32_t sid[3];
    for (int i = 0; i < 3; i++)
        sid[i] = wid(d, sent[i]);
    DT_CHECK_INT(dt_dict_discard_check(d, sid, sent, 3, NULL), 2);
    dt_dicts_free(d);

    /* The validation verbs contain deliberately broken entries: strict
     * mode must refuse them. */
    dt_dict_options o;
    memset(&o, 0, sizeof o);
    o.strict = 1;
    d = NULL;
    DT_CHECK_INT(dt_dicts_load_files(&f, &o, &d, &err), DT_EFORMAT);
    dt_dicts_free(d);
}

static void test_phoenix_set(void)
{
    dt_dict_files f;
    memset(&f, 0, sizeof f);
    const char *actors[] = {path("Phoenix.Countries.actors.txt"),
                            path("Phoenix.International.actors.txt"),
                            path("Phoenix.MilNonState.actors.txt")};
    f.verbs = path("CAMEO.verbpatterns.150430.txt");
    f.actors = actors;
    f.nactors = 3;
    f.agents = path("Phoenix.agents.txt");
    f.discards = path("Phoenix.discards.txt");
    dt_dicts *d = NULL;
    dt_error err;
    int rc = dt_dicts_load_files(&f, NULL, &d, &err);
    DT_CHECK_INT(rc, DT_OK);
    if (!d)
        return;
    print_stats("Phoenix (3 actor files + agents + discards + CAMEO verbs)", d);
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    /* The README's sizes: about 27,000 actors and 11,000 patterns. */
    DT_CHECK(st.actors > 20000);
    DT_CHECK(st.patterns > 10000);
    DT_CHECK(st.agents > 1000);
    DT_CHECK(st.synsets > 20);
    const char *usa[] = {"UNITED", "STATES"};
    DT_CHECK_STR(actor_code(d, usa, 2, 20190601), "USA");
    const char *prk[] = {"NORTH", "KOREA"};
    DT_CHECK_STR(actor_code(d, prk, 2, 20190601), "PRK");
    DT_CHECK(verb_block_code(d, "SAID") != NULL);
    DT_CHECK_STR(verb_block_code(d, "TOLD"), "010");
    dt_dicts_free(d);

    /* Issues load on their own too. */
    dt_dict_files fi;
    memset(&fi, 0, sizeof fi);
    fi.issues = path("Phoenix.IssueCoding.txt");
    d = NULL;
    DT_CHECK_INT(dt_dicts_load_files(&fi, NULL, &d, &err), DT_OK);
    if (d) {
        print_stats("Phoenix.IssueCoding", d);
        dt_dicts_stats(d, &st);
        DT_CHECK(st.issues > 1000);
        dt_dicts_free(d);
    }
}

int main(void)
{
    const char *dir = getenv("DT_SHARED_DATA");
    if (!dir || !*dir) {
        fprintf(stderr, "DT_SHARED_DATA is not set: this test needs the shared data\n");
        return 1;
    }
    snprintf(g_dir, sizeof g_dir, "%s", dir);
    FILE *probe = fopen(path("CAMEO.verbpatterns.150430.txt"), "rb");
    if (!probe) {
        fprintf(stderr, "cannot read %s: this test needs the shared data\n",
                path("CAMEO.verbpatterns.150430.txt"));
        return 1;
    }
    fclose(probe);
    DT_RUN(test_validate_set);
    DT_RUN(test_phoenix_set);
    DT_TEST_END();
}
