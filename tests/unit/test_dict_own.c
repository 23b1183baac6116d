/* Unit tests for detente's own dictionary format (.dtx,
 * docs/dict-format.md): every construct compiles to the same structures
 * as the PETRARCH text it stands for (compared through a canonical dump
 * of the whole dt_dicts), dated terms, each diagnostic at its FILE:LINE,
 * strict mode, the built-in set (loads with no warning at all) and
 * loading a directory. */
#define _DEFAULT_SOURCE /* mkdtemp, mkstemp, strdup, truncate */
#include "dt_test.h"

#include "detente/dict.h"
#include "dict/dict_impl.h" /* dt__dict_check, dt__dict_cache_checksum */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int load_src(dt_dicts **out, int strict, const dt_dict_source *s, size_t n)
{
    dt_dict_options o;
    memset(&o, 0, sizeof o);
    o.strict = strict;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_dicts_load(s, n, &o, out, &err);
    check_invariants(*out);
    return rc;
}

static dt_dicts *load_own(const char *text, int strict, int want_rc)
{
    dt_dict_source s = {DT_DICT_OWN, NULL, "t.dtx", text, strlen(text)};
    dt_dicts *d = NULL;
    DT_CHECK_INT(load_src(&d, strict, &s, 1), want_rc);
    DT_CHECK(d != NULL);
    return d;
}

static uint32_t wid(const dt_dicts *d, const char *w)
{
    return dt_dict_word_id(d, w, strlen(w));
}

/* Warnings of `kind` at `line` of t.dtx. */
static int warned(const dt_dicts *d, int kind, uint32_t line)
{
    int k = 0;
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        if (w->kind == kind && w->line == line && !strcmp(w->file, "t.dtx"))
            k++;
    }
    return k;
}

static void dump_warnings(const dt_dicts *d)
{
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        fprintf(stderr, "  %s:%u: [%d/%d] %s\n", w->file, w->line, w->severity, w->kind, w->msg);
    }
}

/* Ids of blank-separated words. */
static size_t ids_of(const dt_dicts *d, const char *text, uint32_t *ids, size_t cap)
{
    size_t n = 0;
    const char *p = text;
    while (*p && n < cap) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if (q > p)
            ids[n++] = dt_dict_word_id(d, p, (size_t)(q - p));
        p = q;
    }
    return n;
}

/* Code of the actor the words spell exactly, on a date; NULL if none. */
static const char *actor_code(const dt_dicts *d, const char *words, int32_t date)
{
    uint32_t ids[32];
    size_t n = ids_of(d, words, ids, 32);
    const uint32_t *vals;
    uint32_t nv;
    size_t len = dt_dict_match_longest(dt_dict_actor_phrases(d), ids, n, &vals, &nv);
    if (len != n || !nv)
        return NULL;
    return dt_dict_actor_code_at(d, dt_dict_actor_phrases(d)->phrases[vals[0]].entry, date, NULL);
}

/* ---- canonical dump: everything the coder can see, minus sources ---- */

typedef struct sbuf {
    char **lines;
    size_t n, cap;
} sbuf;

static void add(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void add(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->lines = realloc(b->lines, b->cap * sizeof *b->lines);
    }
    b->lines[b->n++] = strdup(tmp);
}

static void words(const dt_dicts *d, uint32_t off, uint32_t n, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "",
                              dt_dict_word(d, dt_dict_word_ids(d)[off + i]));
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All lines sorted and joined (caller frees). */
static char *dump(const dt_dicts *d)
{
    sbuf b = {0};
    char w[512];
    uint32_t n, nc;
    const dt_dict_phrase_set *as = dt_dict_actor_phrases(d);
    const dt_dict_actor *actors = dt_dict_actors(d, &n);
    const dt_dict_actor_code *codes = dt_dict_actor_codes(d, &nc);
    for (uint32_t i = 0; i < as->nphrases; i++) {
        const dt_dict_phrase *p = &as->phrases[i];
        words(d, p->words, p->nwords, w, sizeof w);
        const dt_dict_actor *a = &actors[p->entry];
        char cs[512] = "";
        size_t o = 0;
        for (uint32_t k = 0; k < a->ncodes; k++) {
            const dt_dict_actor_code *c = &codes[a->first_code + k];
            o += (size_t)snprintf(cs + o, sizeof cs - o, " %s:%d-%d/%u", c->code, c->from, c->to,
                                  c->flags);
        }
        add(&b, "actor %s gaps=%u flags=%u head=%d ->%s", w, p->gaps, p->flags, a->head_phrase == i,
            cs);
    }
    const dt_dict_phrase_set *gs = dt_dict_agent_phrases(d);
    const dt_dict_agent *agents = dt_dict_agents(d, &n);
    for (uint32_t i = 0; i < gs->nphrases; i++) {
        const dt_dict_phrase *p = &gs->phrases[i];
        words(d, p->words, p->nwords, w, sizeof w);
        add(&b, "agent %s flags=%u -> %s prefix=%u", w, p->flags, agents[p->entry].code,
            agents[p->entry].prefix);
    }
    const dt_dict_phrase_set *ds = dt_dict_discard_phrases(d);
    for (uint32_t i = 0; i < ds->nphrases; i++) {
        words(d, ds->phrases[i].words, ds->phrases[i].nwords, w, sizeof w);
        add(&b, "discard %s flags=%u", w, ds->phrases[i].flags);
    }
    const dt_dict_phrase_set *is = dt_dict_issue_phrases(d);
    const dt_dict_issue *issues = dt_dict_issues(d, &n);
    for (uint32_t i = 0; i < is->nphrases; i++) {
        const dt_dict_issue *x = &issues[is->phrases[i].entry];
        words(d, is->phrases[i].words, is->phrases[i].nwords, w, sizeof w);
        add(&b, "issue %s -> %s %s %u", w, x->code ? x->code : "-", x->category, x->type);
    }
    const dt_dict_phrase_set *ss = dt_dict_synset_phrases(d);
    const dt_dict_synset *syn = dt_dict_synsets(d, &n);
    for (uint32_t i = 0; i < ss->nphrases; i++) {
        words(d, ss->phrases[i].words, ss->phrases[i].nwords, w, sizeof w);
        add(&b, "synset %s %s flags=%u", syn[ss->phrases[i].entry].name, w, ss->phrases[i].flags);
    }
    uint32_t nb, nv, np;
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nb);
    const dt_dict_verb *verbs = dt_dict_verbs(d, &nv);
    const dt_dict_pattern *pats = dt_dict_patterns(d, &np);
    const dt_dict_pelem *el = dt_dict_pattern_elems(d);
    for (uint32_t wd = 1; wd < dt_dict_nwords(d); wd++) {
        uint32_t nf;
        const dt_dict_verb_form *f = dt_dict_verb_forms(d, wd, &nf);
        for (uint32_t k = 0; k < nf; k++) {
            char pre[256], post[256];
            words(d, f[k].pre, f[k].npre, pre, sizeof pre);
            words(d, f[k].post, f[k].npost, post, sizeof post);
            const dt_dict_verb *v = &verbs[f[k].verb];
            add(&b, "form %s [%s] %s -> %s %s/%u block %s base=%u", pre, dt_dict_word(d, wd), post,
                dt_dict_word(d, v->word), v->code, v->code_flags, blocks[v->block].name,
                f[k].is_base);
        }
    }
    for (uint32_t i = 0; i < np; i++) {
        const dt_dict_pattern *p = &pats[i];
        char es[1024] = "";
        size_t o = 0;
        for (uint32_t k = 0; k < p->nelem; k++) {
            const dt_dict_pelem *e = &el[p->first_elem + k];
            const char *v = e->kind == DT_PEL_WORD     ? dt_dict_word(d, e->value)
                            : e->kind == DT_PEL_SYNSET ? syn[e->value].name
                                                       : "";
            o += (size_t)snprintf(es + o, sizeof es - o, " %u%s%s", e->kind, e->adj ? "_" : "", v);
        }
        add(&b, "pattern %s:%s -> %s/%u flags=%u verb_pos=%u", blocks[p->block].name, es, p->code,
            p->code_flags, p->flags, p->verb_pos);
    }
    for (uint32_t i = 0; i < nb; i++)
        add(&b, "block %s %s/%u verbs=%u patterns=%u", blocks[i].name, blocks[i].code,
            blocks[i].code_flags, blocks[i].nverbs, blocks[i].npatterns);
    qsort(b.lines, b.n, sizeof *b.lines, cmp_line);
    size_t tot = 1;
    for (size_t i = 0; i < b.n; i++)
        tot += strlen(b.lines[i]) + 1;
    char *out = malloc(tot), *q = out;
    for (size_t i = 0; i < b.n; i++) {
        size_t l = strlen(b.lines[i]);
        memcpy(q, b.lines[i], l);
        q[l] = '\n';
        q += l + 1;
        free(b.lines[i]);
    }
    *q = '\0';
    free(b.lines);
    return out;
}

/* The .dtx text and the PETRARCH files it stands for give equal dumps. */
static void check_same(const char *own_text, int kind, const char *petrarch)
{
    dt_dicts *a = load_own(own_text, 0, DT_OK);
    dt_dict_source s = {kind, NULL, "p.txt", petrarch, strlen(petrarch)};
    dt_dicts *b = NULL;
    DT_CHECK_INT(load_src(&b, 0, &s, 1), DT_OK);
    DT_CHECK_INT((int)dt_dicts_nwarnings(a), 0);
    if (dt_dicts_nwarnings(a))
        dump_warnings(a);
    char *da = dump(a), *db = dump(b);
    DT_CHECK(strlen(da) > 0);
    DT_CHECK_STR(da, db);
    free(da);
    free(db);
    dt_dicts_free(a);
    dt_dicts_free(b);
}

/* ---- constructs ---- */

static void test_actors_same(void)
{
    check_same("[actors]\n"
               "actor USA: United States, U.S.\n"
               "  adjective American\n"
               "  capital Washington\n"
               "actor CHN\n"
               "  name China\n"
               "  adjective Chinese (no plural)\n"
               "person Kim Jong-un\n"
               "  alias Kim Jong Un\n"
               "  term PRKELI 1984-01-08..2011-12-16\n"
               "  term PRKGOV 2011-12-17..\n"
               "  term PRK ..1984-01-07\n"
               "person Erdoğan\n"
               "  term TURGOV\n",
               DT_DICT_ACTORS,
               "UNITED_STATES [USA]\n+U.S.\n+AMERICAN\n+AMERICANS\n+WASHINGTON\n"
               "CHINA [CHN]\n+CHINESE\n"
               "KIM_JONG-UN\n+KIM_JONG_UN\n[PRKELI 19840108-20111216]\n[PRKGOV >20111217]\n"
               "[PRK <19840107]\n"
               "ERDOGAN [TURGOV]\n");
}

static void test_actor_dates(void)
{
    dt_dicts *d = load_own("[actors]\n"
                           "person Moon Jae-in   # a comment\n"
                           "  term KORGOV 2017-05-10..2022-05-09\n"
                           "  term KORELI\n"
                           "actor PRK: North Korea\n"
                           "  capital Pyongyang\n"
                           "  adjective North Korean\n",
                           1, DT_OK);
    DT_CHECK_STR(actor_code(d, "MOON JAE-IN", 20190620), "KORGOV");
    DT_CHECK_STR(actor_code(d, "MOON JAE-IN", 20170510), "KORGOV");
    DT_CHECK_STR(actor_code(d, "MOON JAE-IN", 20220509), "KORGOV");
    DT_CHECK_STR(actor_code(d, "MOON JAE-IN", 20220510), "KORELI");
    DT_CHECK_STR(actor_code(d, "MOON JAE-IN", 0), "KORELI");
    DT_CHECK_STR(actor_code(d, "PYONGYANG", 20190620), "PRK");
    DT_CHECK_STR(actor_code(d, "NORTH KOREANS", 20190620), "PRK");
    DT_CHECK(actor_code(d, "NORTH", 20190620) == NULL);
    /* Evidence names the .dtx line. */
    uint32_t na;
    const dt_dict_actor *a = dt_dict_actors(d, &na);
    DT_CHECK_INT((int)na, 2);
    DT_CHECK_INT((int)a[0].src.line, 2);
    DT_CHECK_INT((int)a[1].src.line, 5);
    uint32_t nc;
    const dt_dict_actor_code *c = dt_dict_actor_codes(d, &nc);
    DT_CHECK_INT((int)nc, 3);
    DT_CHECK_INT((int)c[0].src.line, 3);
    DT_CHECK_INT((int)c[1].src.line, 4);
    DT_CHECK_STR(dt_dict_source_name(d, c[0].src.file), "t.dtx");
    dt_dicts_free(d);
}

static void test_agents_same(void)
{
    check_same("[agents]\n"
               "agent GOV: government, ministry\n"
               "  role spokesman (plural spokesmen)\n"
               "  role attorney general (plural attorneys general; plural attorney generals)\n"
               "  role police (no plural)\n"
               "  adjective governmental\n"
               "agent NGO prefix: aid agency\n"
               "agent ~MIL: army\n"
               "agent REB~: rebel\n",
               DT_DICT_AGENTS,
               "GOVERNMENT [~GOV]\nMINISTRY [~GOV]\nSPOKESMAN {SPOKESMEN} [~GOV]\n"
               "ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]\nATTORNEY_GENERALS {} [~GOV]\n"
               "POLICE {} [~GOV]\nGOVERNMENTAL {} [~GOV]\nAID_AGENCY [NGO~]\n"
               "ARMY [~MIL]\nREBEL [REB~]\n");
}

static void test_verbs_same(void)
{
    check_same("[synsets]\n"
               "synset TALKS (no plural): talks, negotiations\n"
               "synset MONEY\n"
               "  member dollar, yen (no plural)\n"
               "  member hard &TALKS\n"
               "[verbs]\n"
               "block VISIT 042\n"
               "  verb visit, tour\n"
               "  verb go (went, gone, goes, going)\n"
               "  verb pull out, wire *tap code 080\n"
               "  verb break down (broke down, broken down)\n"
               "  pattern 042: $ * +\n"
               "  pattern 043: + * BY_$\n"
               "  pattern null: * to + (for &TALKS)\n"
               "  pattern 030:030: $ * { &MONEY } ^ +\n"
               "block NOCODE\n"
               "  verb sit\n",
               DT_DICT_VERBS,
               "&TALKS_\n+TALKS\n+NEGOTIATIONS\n&MONEY\n+DOLLAR\n+YEN_\n+HARD_&TALKS\n"
               "--- VISIT [042] ---\nVISIT\nTOUR\nGO {WENT GONE GOES GOING}\n"
               "+PULL_OUT [080]\nWIRE_+TAP [080]\n+BREAK_DOWN {+BROKE_DOWN +BROKEN_DOWN}\n"
               "- $ * + [042]\n- + * BY_$ [043]\n- * to + (for &TALKS) [---]\n"
               "- $ * { &MONEY } ^ + [030:030]\n"
               "--- NOCODE ---\nSIT\n");
}

static void test_discards_issues_same(void)
{
    check_same("[discards]\n"
               "sentence: football, world cup, olympic*\n"
               "story: horoscope\n",
               DT_DICT_DISCARDS, "FOOTBALL_\nWORLD_CUP_\nOLYMPIC\n+HOROSCOPE_\n");
    check_same("[issues]\n"
               "category SECURITY\n"
               "  issue NUCLEAR: nuclear weapon (noun), missile test\n"
               "  issue PURGE: ethnic purge (verb)\n"
               "  ignore sentence: nuclear family\n"
               "  ignore story: armenian genocide\n"
               "category ECONOMY\n"
               "  issue TRADE: tariff (noun)\n",
               DT_DICT_ISSUES,
               "<ISSUE CATEGORY=\"SECURITY\" TYPE=\"ALL\">\nnuclear n:weapon [NUCLEAR]\n"
               "missile test [NUCLEAR]\nethnic v:purge [PURGE]\n~nuclear family\n"
               "~~armenian genocide\n</ISSUE>\n<ISSUE CATEGORY=\"ECONOMY\" TYPE=\"ALL\">\n"
               "n:tariff [TRADE]\n</ISSUE>\n");
}

/* One file may mix sections; synsets of one file serve patterns of
 * another (one namespace), whatever the order. */
static void test_mixed_and_cross_file(void)
{
    const char *a = "[verbs]\nblock SAY 010\n  verb say (said, says, saying)\n"
                    "  pattern 012: $ * &NEG +\n[agents]\nagent GOV: government\n";
    const char *b = "[synsets]\nsynset NEG (no plural): not, never\n";
    dt_dict_source s[2] = {{DT_DICT_OWN, NULL, "a.dtx", a, strlen(a)},
                           {DT_DICT_OWN, NULL, "b.dtx", b, strlen(b)}};
    dt_dicts *d = NULL;
    DT_CHECK_INT(load_src(&d, 1, s, 2), DT_OK);
    uint32_t np, ng;
    dt_dict_patterns(d, &np);
    dt_dict_agents(d, &ng);
    DT_CHECK_INT((int)np, 1);
    DT_CHECK_INT((int)ng, 1);
    DT_CHECK(dt_dict_synset_find(d, "NEG", 3) != DT_DICT_NONE);
    DT_CHECK_INT((int)dt_dicts_nwarnings(d), 0);
    dt_dicts_free(d);
}

/* ---- diagnostics ---- */

static void test_diagnostics(void)
{
    const char *txt = "actor USA: America\n"                   /* 1 before a section */
                      "[actors]\n"                             /* 2 */
                      "actor USA: United States\n"             /* 3 */
                      "  colour red\n"                         /* 4 unknown keyword */
                      "  term USAGOV 2019-02-30..\n"           /* 5 bad date */
                      "  term USAGOV 2019-01-01\n"             /* 6 not a range */
                      "  term USAGOV 2020-01-01..2019-01-01\n" /* 7 ends before start */
                      "person Nobody\n"                        /* 8 no term */
                      "  alias Nemo\n"                         /* 9 */
                      "person Somebody\n"                      /* 10 */
                      "  term AAA 2000-01-01..2010-12-31\n"    /* 11 */
                      "  term BBB 2005-01-01..\n"              /* 12 overlap */
                      "  name Some[body\n"                     /* 13 bad char */
                      "  nickname Bod\n"                       /* 14 unknown keyword */
                      "frobnicate X\n"                         /* 15 unknown keyword */
                      "[verbs]\n"                              /* 16 */
                      "  verb lost\n"                          /* 17 outside a block */
                      "block GIVE 070\n"                       /* 18 */
                      "  verb give (gave, given)\n"            /* 19 */
                      "  pattern 071 $ * +\n"                  /* 20 no ':' */
                      "  pattern 071: * &NOPE +\n"             /* 21 undefined synset */
                      "  pattern 072: $ * +\n"                 /* 22 */
                      "  pattern 073: $ * +\n"                 /* 23 unreachable */
                      "  pattern 074: $ +\n"                   /* 24 no '*' */
                      "  verb pull out (pulled)\n"             /* 25 form word count */
                      "[nouns]\n"                              /* 26 unknown section */
                      "whatever\n"                             /* 27 (skipped) */
                      "[agents]\n"                             /* 28 */
                      "agent GOV: official (plural)\n"         /* 29 bad modifier */
                      "agent GOV: minister, Official (plural officials)\n"; /* 30 ok */
    dt_dicts *d = load_own(txt, 0, DT_OK);
    DT_CHECK_INT(warned(d, DT_DICTW_CONTEXT, 1), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 4), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_DATE, 5), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_DATE, 6), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_DATE, 7), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 8), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_DATE_OVERLAP, 12) + warned(d, DT_DICTW_DATE_OVERLAP, 11), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 13), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 14), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 15), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_CONTEXT, 17), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_BAD_CODE, 20), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNDEFINED_SYNSET, 21), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_UNREACHABLE, 23), 1);
    DT_CHECK(warned(d, DT_DICTW_SYNTAX, 24) + warned(d, DT_DICTW_UNKNOWN_MARKER, 24) >= 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 25), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 26), 1);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 27), 0);
    DT_CHECK_INT(warned(d, DT_DICTW_SYNTAX, 29), 1);
    /* The good entries around the bad ones still load. */
    DT_CHECK_STR(actor_code(d, "UNITED STATES", 20190101), "USA");
    DT_CHECK_STR(actor_code(d, "SOMEBODY", 20020101), "AAA");
    DT_CHECK(actor_code(d, "NEMO", 20020101) == NULL);
    DT_CHECK(actor_code(d, "NOBODY", 20020101) == NULL);
    uint32_t np, nag;
    const dt_dict_pattern *p = dt_dict_patterns(d, &np);
    DT_CHECK_INT((int)np, 2);
    DT_CHECK_STR(p[0].code, "072");
    DT_CHECK_INT((int)p[0].src.line, 22);
    dt_dict_agents(d, &nag);
    DT_CHECK_INT((int)nag, 2);
    DT_CHECK(wid(d, "OFFICIALS") != 0);
    /* Every warning names the .dtx file and a real line. */
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        DT_CHECK_STR(w->file, "t.dtx");
        DT_CHECK(w->line >= 1 && w->line <= 30);
    }
    dt_dicts_free(d);
}

/* Actors sharing a name have their codes compared pairwise; at most
 * 10,000,000 such pairs per load, then one LIMIT warning and the shared
 * names are only noted. Before, 40,000 one-term persons sharing the name
 * of one with 40,000 terms (3.3 MB) took 3.6 s, growing with the square;
 * here 3,000 persons against 4,000 terms pass the bound. */
static void test_name_clash_bound(void)
{
    enum { NTERMS = 4000, NPERSONS = 3000 };
    size_t cap = (size_t)(NTERMS + NPERSONS) * 48 + 64, n = 0;
    char *txt = malloc(cap);
    DT_CHECK(txt != NULL);
    if (!txt)
        return;
    n += (size_t)snprintf(txt + n, cap - n, "[actors]\nperson A B\n");
    for (int i = 0; i < NTERMS; i++)
        n += (size_t)snprintf(txt + n, cap - n, "  term T%d %04d-01-01..%04d-06-30\n", i, 1000 + i,
                              1000 + i);
    for (int i = 0; i < NPERSONS; i++)
        n += (size_t)snprintf(txt + n, cap - n, "person A B\n  term T0 1000-01-01..1000-06-30\n");
    dt_dicts *d = load_own(txt, 0, DT_OK);
    free(txt);
    if (!d)
        return;
    /* Person k (from 0) is at line 4003 + 2k; 4,000 pairs each, so the
     * 2,501st (k = 2,500) passes 10,000,000. */
    DT_CHECK_INT(warned(d, DT_DICTW_LIMIT, 4003 + 2 * 2500), 1);
    size_t nlimit = 0;
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++)
        nlimit += dt_dicts_warning(d, i)->kind == DT_DICTW_LIMIT;
    DT_CHECK_INT(nlimit, 1);
    dt_dicts_free(d);
}

/* A name two actors claim: a warning when their codes differ on some
 * day, a note otherwise (same code, or ranges that only touch). */
static void test_name_clash(void)
{
    dt_dicts *d = load_own("[actors]\n"
                           "actor GEO: Georgia\n"                /* 2 */
                           "actor USA: United States\n"          /* 3 */
                           "  name Georgia\n"                    /* 4 clash */
                           "person A B\n"                        /* 5 */
                           "  term AAA 2000-01-01..2005-01-01\n" /* 6 */
                           "person A B\n"                        /* 7 touches only */
                           "  term BBB 2005-01-01..\n"           /* 8 */
                           "actor X: Foo\n"                      /* 9 */
                           "actor X: Foo\n",                     /* 10 same code */
                           0, DT_OK);
    int sev4 = -1, sev7 = -1, sev10 = -1;
    for (size_t i = 0; i < dt_dicts_nwarnings(d); i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        if (w->kind != DT_DICTW_DUPLICATE)
            continue;
        if (w->line == 4)
            sev4 = w->severity;
        else if (w->line == 7)
            sev7 = w->severity;
        else if (w->line == 10)
            sev10 = w->severity;
    }
    DT_CHECK_INT(sev4, DT_DICT_SEV_WARNING);
    DT_CHECK_INT(sev7, DT_DICT_SEV_NOTE);
    DT_CHECK_INT(sev10, DT_DICT_SEV_NOTE);
    dt_dicts_free(d);
}

static void test_strict(void)
{
    const char *overlap = "[actors]\nperson X Y\n  term AAA 2000-01-01..2010-12-31\n"
                          "  term BBB 2005-01-01..\n";
    dt_dicts *d = load_own(overlap, 1, DT_EFORMAT);
    DT_CHECK(dt_dicts_count_severity(d, DT_DICT_SEV_WARNING) >= 1);
    dt_dicts_free(d);
    d = load_own(overlap, 0, DT_OK);
    dt_dicts_free(d);
    /* Notes (a duplicate pattern) never fail a strict load. */
    d = load_own("[verbs]\nblock A 010\n  verb say\n  pattern 010: $ * +\n  pattern 010: $ * +\n",
                 1, DT_OK);
    DT_CHECK_INT((int)dt_dicts_count_severity(d, DT_DICT_SEV_NOTE), 1);
    dt_dicts_free(d);
    /* A file with no section at all is a warning, not silence. */
    d = load_own("# nothing here\n", 1, DT_EFORMAT);
    dt_dicts_free(d);
}

/* ---- the built-in set ---- */

static void test_builtin(void)
{
    DT_CHECK(dt_dict_builtin_count() > 0);
    const char *data;
    size_t len;
    const char *name = dt_dict_builtin_file(0, &data, &len);
    DT_CHECK(name && !strncmp(name, "builtin:dict/", 13) && len > 0);
    DT_CHECK(dt_dict_builtin_file(dt_dict_builtin_count(), NULL, NULL) == NULL);
    dt_dict_options o;
    memset(&o, 0, sizeof o);
    o.strict = 1;
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    DT_CHECK_INT(dt_dicts_load_builtin(&o, &d, &err), DT_OK);
    DT_CHECK(d != NULL);
    if (!d)
        return;
    if (dt_dicts_nwarnings(d))
        dump_warnings(d);
    DT_CHECK_INT((int)dt_dicts_nwarnings(d), 0);
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    DT_CHECK(st.actors > 0 && st.agents > 0 && st.patterns > 0 && st.verbs > 0);
    fprintf(stderr, "builtin: %zu files, %zu bytes, load %.2f ms (cpu %.2f ms)\n",
            dt_dict_builtin_count(), st.bytes_read, st.load_ms, st.load_cpu_ms);
    /* The source tree's dict/ is what was embedded. */
    const char *src = getenv("DT_SOURCE_DIR");
    if (src) {
        dt_dicts *e = NULL;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/dict", src);
        DT_CHECK_INT(dt_dicts_load_dir(dir, NULL, &e, &err), DT_OK);
        if (e) {
            DT_CHECK_STR(dt_dicts_hash_hex(e), dt_dicts_hash_hex(d));
            char *a = dump(d), *b = dump(e);
            DT_CHECK_STR(a, b);
            free(a);
            free(b);
        }
        dt_dicts_free(e);
    }
    dt_dicts_free(d);
}

/* ---- directories ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    DT_CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static void test_load_dir(void)
{
    char dir[] = "/tmp/dt_dict_own_XXXXXX";
    DT_CHECK(mkdtemp(dir) != NULL);
    char p[256], sub[256];
    snprintf(sub, sizeof sub, "%s/actors", dir);
    DT_CHECK_INT(mkdir(sub, 0700), 0);
    snprintf(p, sizeof p, "%s/actors/a.dtx", dir);
    write_file(p, "[actors]\nactor FRA: France\n");
    snprintf(p, sizeof p, "%s/test.verbs.txt", dir);
    write_file(p, "--- GIVE [070] ---\nGIVE\n- $ * + [070]\n");
    snprintf(p, sizeof p, "%s/notes.md", dir);
    write_file(p, "not a dictionary\n");
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    DT_CHECK_INT(dt_dicts_load_dir(dir, NULL, &d, &err), DT_OK);
    if (d) {
        DT_CHECK_STR(actor_code(d, "FRANCE", 0), "FRA");
        uint32_t np;
        dt_dict_patterns(d, &np);
        DT_CHECK_INT((int)np, 1);
    }
    dt_dicts_free(d);
    d = NULL;
    DT_CHECK_INT(dt_dicts_load_dir(sub, NULL, &d, &err), DT_OK);
    dt_dicts_free(d);
    d = NULL;
    snprintf(p, sizeof p, "%s/empty", dir);
    DT_CHECK_INT(mkdir(p, 0700), 0);
    DT_CHECK_INT(dt_dicts_load_dir(p, NULL, &d, &err), DT_ENOENT);
    DT_CHECK(d == NULL);
    DT_CHECK_INT(dt_dicts_load_dir("/nonexistent/dir", NULL, &d, &err), DT_EIO);
    rmdir(p);
    snprintf(p, sizeof p, "%s/actors/a.dtx", dir);
    unlink(p);
    rmdir(sub);
    snprintf(p, sizeof p, "%s/test.verbs.txt", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/notes.md", dir);
    unlink(p);
    rmdir(dir);
}

/* ---- compiled cache ---- */

static dt_dicts *cache_load(const char *path, const dt_dict_source *src, size_t n, int want)
{
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    DT_CHECK_INT(dt_dicts_load_cache(path, src, n, NULL, &d, &err), want);
    if (want != DT_OK) {
        DT_CHECK(d == NULL);
        DT_CHECK(strstr(err.msg, "refused") != NULL);
    }
    return d;
}

/* Save `a` as a cache in a new file named from the template `path`. */
static void save_temp(const dt_dicts *a, char *path)
{
    int fd = mkstemp(path);
    DT_CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    dt_error err;
    dt_error_clear(&err);
    DT_CHECK_INT(dt_dicts_save_cache(a, path, &err), DT_OK);
}

static void flip_byte(const char *path, long at)
{
    FILE *f = fopen(path, "r+b");
    DT_CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, at, SEEK_SET);
    int c = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(c ^ 0x55, f);
    fclose(f);
}

static void test_cache_roundtrip(void)
{
    const char *own = "[actors]\nperson Kim Jong-un\n  term PRKGOV 2011-12-17..\n"
                      "  term PRKELI ..2011-12-16\nactor USA: United States\n"
                      "[agents]\nagent GOV: government, official\n"
                      "[synsets]\nsynset TALKS (no plural): talks\n"
                      "[verbs]\nblock MEET 040\n  verb meet (met, meets, meeting)\n"
                      "  pattern 046: $ * &TALKS with +\n  pattern 040: $ * +\n"
                      "  pattern 040: $ * +\n" /* a note, kept in the cache */
                      "[discards]\nsentence: football\n"
                      "[issues]\ncategory X\n  issue Y: talks\n";
    dt_dict_source s = {DT_DICT_OWN, NULL, "t.dtx", own, strlen(own)};
    dt_dicts *a = NULL;
    DT_CHECK_INT(load_src(&a, 0, &s, 1), DT_OK);
    if (!a)
        return;
    char path[] = "/tmp/dt_dict_cache_XXXXXX";
    save_temp(a, path);
    DT_CHECK_INT(dt_dict_is_cache(path), 1);
    dt_dicts *b = cache_load(path, &s, 1, DT_OK);
    if (b) {
        char *da = dump(a), *db = dump(b);
        DT_CHECK_STR(da, db);
        free(da);
        free(db);
        DT_CHECK_STR(dt_dicts_hash_hex(a), dt_dicts_hash_hex(b));
        DT_CHECK_INT((int)dt_dicts_nwarnings(b), (int)dt_dicts_nwarnings(a));
        DT_CHECK_INT((int)dt_dicts_nwarnings(b), 1);
        DT_CHECK_STR(dt_dicts_warning(b, 0)->msg, dt_dicts_warning(a, 0)->msg);
        DT_CHECK_STR(dt_dicts_warning(b, 0)->file, "t.dtx");
        DT_CHECK_STR(actor_code(b, "KIM JONG-UN", 20190101), "PRKGOV");
        DT_CHECK_STR(actor_code(b, "KIM JONG-UN", 20000101), "PRKELI");
        uint32_t ids[2] = {wid(b, "MET"), 0};
        uint32_t nf;
        DT_CHECK(dt_dict_verb_forms(b, ids[0], &nf) != NULL && nf == 1);
        DT_CHECK(dt_dict_synset_find(b, "TALKS", 5) != DT_DICT_NONE);
        dt_dict_stats st;
        dt_dicts_stats(b, &st);
        DT_CHECK_INT((int)st.patterns, 3);
    }
    dt_dicts_free(b);
    /* Changed sources: refused. */
    const char *own2 = "[actors]\nactor USA: United States\n";
    dt_dict_source s2 = {DT_DICT_OWN, NULL, "t.dtx", own2, strlen(own2)};
    cache_load(path, &s2, 1, DT_EFORMAT);
    /* Memory sources are not recorded anywhere the cache can re-read. */
    cache_load(path, NULL, 0, DT_EFORMAT);
    /* Another version, a damaged byte, a truncated file: refused. */
    flip_byte(path, 8);
    cache_load(path, &s, 1, DT_EFORMAT);
    flip_byte(path, 8);
    b = cache_load(path, &s, 1, DT_OK);
    dt_dicts_free(b);
    flip_byte(path, 600); /* inside the sections */
    cache_load(path, &s, 1, DT_EFORMAT);
    DT_CHECK_INT(truncate(path, 100), 0);
    cache_load(path, &s, 1, DT_EFORMAT);
    unlink(path);
    dt_dicts_free(a);

    /* The built-in set: its sources are recorded by name and re-checked. */
    dt_dicts *bi = NULL;
    dt_error err;
    DT_CHECK_INT(dt_dicts_load_builtin(NULL, &bi, &err), DT_OK);
    char bpath[] = "/tmp/dt_dict_cache_XXXXXX";
    save_temp(bi, bpath);
    dt_dicts *bc = NULL;
    DT_CHECK_INT(dt_dicts_load_dir(bpath, NULL, &bc, &err), DT_OK);
    if (bc && bi) {
        char *da = dump(bi), *db = dump(bc);
        DT_CHECK_STR(da, db);
        free(da);
        free(db);
    }
    dt_dicts_free(bc);
    dt_dicts_free(bi);
    unlink(bpath);
}

/* A cache written to fit its checksum: the header's layout as
 * dict_cache.c writes it (struct hdr: the section offsets at byte 112,
 * their element counts after them, 47 sections) and its checksum. */
enum { C_NSEC = 47, C_OFF = 112, C_COUNT = C_OFF + 8 * C_NSEC, C_HDR = C_COUNT + 8 * C_NSEC };
/* sections (enum in dict_cache.c) */
enum {
    C_WLEN = 2,
    C_WTAB = 4,
    C_POOL = 5,
    C_ACTOR_PH = 9,
    C_ACTORS = 34,
    C_VFSTART = 42,
    C_PATTERNS = 44,
    C_PELEMS = 45
};

static uint64_t get64(const unsigned char *p, size_t at)
{
    uint64_t v;
    memcpy(&v, p + at, 8);
    return v;
}

static void put32(unsigned char *p, size_t at, uint32_t v)
{
    memcpy(p + at, &v, 4);
}

/* Write img (n bytes) to path with the checksum made to fit. */
static void write_forged(const char *path, unsigned char *img, size_t n)
{
    uint64_t sum = dt__dict_cache_checksum(img + C_HDR, n - C_HDR);
    memcpy(img + 24, &sum, 8);
    FILE *f = fopen(path, "wb");
    DT_CHECK(f != NULL);
    if (!f)
        return;
    DT_CHECK(fwrite(img, 1, n, f) == n);
    fclose(f);
}

/* The same, and expect the load refused. */
static void expect_forged_refused(const char *path, unsigned char *img, size_t n,
                                  const dt_dict_source *s, const char *what)
{
    write_forged(path, img, n);
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_dicts_load_cache(path, s, 1, NULL, &d, &err);
    if (rc != DT_EFORMAT || !strstr(err.msg, "refused"))
        fprintf(stderr, "forged cache (%s): rc %d, %s\n", what, rc, err.msg);
    DT_CHECK_INT(rc, DT_EFORMAT);
    DT_CHECK(d == NULL);
    dt_dicts_free(d);
}

static void test_cache_forged(void)
{
    const char *own = "[actors]\nactor USA: United States\n  term USAGOV\n"
                      "[synsets]\nsynset TALKS (no plural): talks\n"
                      "[verbs]\nblock MEET 040\n  verb meet (met, meets, meeting)\n"
                      "  pattern 046: $ * &TALKS with +\n";
    dt_dict_source s = {DT_DICT_OWN, NULL, "t.dtx", own, strlen(own)};
    dt_dicts *a = NULL;
    DT_CHECK_INT(load_src(&a, 0, &s, 1), DT_OK);
    if (!a)
        return;
    char path[] = "/tmp/dt_dict_forged_XXXXXX";
    save_temp(a, path);
    uint32_t nwords = dt_dict_nwords(a);
    dt_dicts_free(a);
    FILE *f = fopen(path, "rb");
    DT_CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *good = malloc(n), *img = malloc(n);
    DT_CHECK(good && img && fread(good, 1, n, f) == n);
    fclose(f);
    /* the layout this test writes to */
    uint32_t nsec;
    memcpy(&nsec, good + 108, 4);
    DT_CHECK_INT(nsec, C_NSEC);
    DT_CHECK_INT(get64(good, 16), n);
    DT_CHECK_INT(get64(good, 24), dt__dict_cache_checksum(good + C_HDR, n - C_HDR));
#define SEC(k) ((size_t)get64(good, C_OFF + 8 * (k)))
#define CNT(k) ((size_t)get64(good, C_COUNT + 8 * (k)))
    DT_CHECK(CNT(C_ACTOR_PH) >= 1 && CNT(C_POOL) >= 1 && CNT(C_PATTERNS) == 1);
    size_t ph = SEC(C_ACTOR_PH), pat = SEC(C_PATTERNS);
    /* the untouched file loads */
    memcpy(img, good, n);
    write_forged(path, img, n);
    dt_dicts *ok = cache_load(path, &s, 1, DT_OK);
    dt_dicts_free(ok);

    struct {
        const char *what;
        size_t at;
        uint32_t val;
        int u16;
    } patch[] = {
        {"a phrase of 33 words", ph + offsetof(dt_dict_phrase, nwords), 33, 1},
        {"a phrase of no words", ph + offsetof(dt_dict_phrase, nwords), 0, 1},
        {"a phrase past the pool", ph + offsetof(dt_dict_phrase, words), (uint32_t)CNT(C_POOL), 0},
        {"a phrase's actor out of range", ph + offsetof(dt_dict_phrase, entry), 7, 0},
        {"a gap bit past the words", ph + offsetof(dt_dict_phrase, gaps), 1u << 20, 0},
        {"a word id out of range", SEC(C_POOL), nwords, 0},
        {"an actor's codes out of range", SEC(C_ACTORS) + offsetof(dt_dict_actor, ncodes), 1000, 0},
        {"a pattern of 65 elements", pat + offsetof(dt_dict_pattern, nelem), 65, 1},
        {"a pattern's verb past its elements", pat + offsetof(dt_dict_pattern, verb_pos), 40, 1},
        {"a pattern's elements past the array", pat + offsetof(dt_dict_pattern, first_elem),
         (uint32_t)CNT(C_PELEMS), 0},
        {"a verb form index out of order", SEC(C_VFSTART) + 4, 1000, 0},
        {"a word table slot past the words", 0, 0, 2},
        {"a synset element out of range", 0, 0, 3},
        {"a word length table shorter than the words", 0, 0, 4},
    };
    for (size_t k = 0; k < sizeof patch / sizeof patch[0]; k++) {
        memcpy(img, good, n);
        if (patch[k].u16 == 1) {
            uint16_t v = (uint16_t)patch[k].val;
            memcpy(img + patch[k].at, &v, 2);
        } else if (patch[k].u16 == 0) {
            put32(img, patch[k].at, patch[k].val);
        } else if (patch[k].u16 == 2) {
            /* the first occupied slot names id nwords */
            size_t t = SEC(C_WTAB), i = 0;
            while (i < CNT(C_WTAB) && get64(img, t + 8 * i) == 0)
                i++;
            DT_CHECK(i < CNT(C_WTAB));
            put32(img, t + 8 * i, nwords);
        } else if (patch[k].u16 == 4) {
            uint64_t c = CNT(C_WLEN) - 1; /* in the header: no checksum needed */
            memcpy(img + C_COUNT + 8 * C_WLEN, &c, 8);
        } else {
            size_t e = SEC(C_PELEMS), i = 0;
            while (i < CNT(C_PELEMS) && img[e + 8 * i] != DT_PEL_SYNSET)
                i++;
            DT_CHECK(i < CNT(C_PELEMS));
            put32(img, e + 8 * i + offsetof(dt_dict_pelem, value), 1000);
        }
        expect_forged_refused(path, img, n, &s, patch[k].what);
    }
#undef SEC
#undef CNT
    free(good);
    free(img);
    unlink(path);
}

int main(void)
{
    DT_RUN(test_actors_same);
    DT_RUN(test_actor_dates);
    DT_RUN(test_agents_same);
    DT_RUN(test_verbs_same);
    DT_RUN(test_discards_issues_same);
    DT_RUN(test_mixed_and_cross_file);
    DT_RUN(test_diagnostics);
    DT_RUN(test_name_clash);
    DT_RUN(test_name_clash_bound);
    DT_RUN(test_strict);
    DT_RUN(test_builtin);
    DT_RUN(test_load_dir);
    DT_RUN(test_cache_roundtrip);
    DT_RUN(test_cache_forged);
    DT_TEST_END();
}
