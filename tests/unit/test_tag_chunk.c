/* Chunker on raw text: NP / VP / PP / ADJP / ADVP / SBAR / PRT chunks,
 * VP flags, coordination, clauses and the main verb group. */
#include "detente/tag.h"
#include "dt_test.h"

static dt_arena *arena;
static dt_tagger *tagger;
static dt_doctext doc;

static void analyse(const char *text)
{
    dt_error err;
    dt_arena_reset(arena);
    int rc = dt_analyse(tagger, arena, text, strlen(text), &doc, &err);
    if (rc != DT_OK)
        fprintf(stderr, "dt_analyse(%s): %s\n", text, err.msg);
    DT_CHECK_INT(rc, DT_OK);
}

/* Token index of the first token spelled w (or SIZE_MAX). */
static size_t tok_index(const char *w)
{
    for (size_t i = 0; i < doc.ntok; i++)
        if (doc.tok[i].len == strlen(w) &&
            memcmp(doc.text + doc.tok[i].off, w, doc.tok[i].len) == 0)
            return i;
    return SIZE_MAX;
}

/* The chunk that starts at the token spelled w, or NULL. */
static const dt_chunk *chunk_at(const char *w)
{
    size_t t = tok_index(w);
    for (size_t k = 0; k < doc.nchunk; k++)
        if (doc.chunk[k].first == t)
            return &doc.chunk[k];
    return NULL;
}

/* Text of a chunk, space-joined, into a static buffer. */
static const char *chunk_text(const dt_chunk *c)
{
    static char buf[256];
    size_t o = 0;
    if (!c)
        return "(none)";
    for (uint32_t i = c->first; i < c->first + c->n && o + 40 < sizeof buf; i++) {
        if (i > c->first)
            buf[o++] = ' ';
        memcpy(buf + o, doc.text + doc.tok[i].off, doc.tok[i].len);
        o += doc.tok[i].len;
    }
    buf[o] = '\0';
    return buf;
}

static const char *main_vp(size_t s)
{
    if (doc.sent[s].main_vp == UINT32_MAX)
        return "(none)";
    return chunk_text(&doc.chunk[doc.sent[s].main_vp]);
}

static void test_np(void)
{
    analyse("The new Gondor government rejected Arnor's latest peace offer.");
    const dt_chunk *c = chunk_at("The");
    DT_CHECK(c && c->type == DT_CHUNK_NP);
    DT_CHECK_STR(chunk_text(c), "The new Gondor government");
    if (c)
        DT_CHECK_STR(doc.tok[c->head].norm, "GOVERNMENT");
    c = chunk_at("Arnor");
    DT_CHECK_STR(chunk_text(c), "Arnor 's latest peace offer");
    if (c)
        DT_CHECK_STR(doc.tok[c->head].norm, "OFFER");
    analyse("Arnor and Gondor signed a treaty.");
    c = chunk_at("Arnor");
    DT_CHECK(c && c->type == DT_CHUNK_NP && c->n == 1 && !(c->flags & DT_CH_COORD));
    c = chunk_at("Gondor");
    DT_CHECK(c && c->type == DT_CHUNK_NP && c->n == 1 && (c->flags & DT_CH_COORD));
    DT_CHECK_INT(doc.tok[tok_index("and")].chunk, DT_CHUNK_O);
    analyse("Almost five years later, they met.");
    DT_CHECK_STR(chunk_text(chunk_at("Almost")), "Almost five years");
    DT_CHECK_STR(chunk_text(chunk_at("they")), "they");
}

/* A run of determiners before a noun is one NP, before a verb or the end
 * a one-token NP each. Each of those used to scan the rest of the run and
 * drop back, so a run took time in its length squared (a 1 MB line of '@'
 * 4 s); the scan is now remembered and the chunks are the same. */
static void test_determiner_runs(void)
{
    enum { RUN = 2000 };
    char *text = malloc(RUN * 8 + 64);
    DT_CHECK(text != NULL);
    if (!text)
        return;
    size_t o = 0;
    for (int i = 0; i < RUN; i++)
        o += (size_t)sprintf(text + o, "the ");
    o += (size_t)sprintf(text + o, "officials met");
    for (int i = 0; i < RUN; i++)
        o += (size_t)sprintf(text + o, " the");
    sprintf(text + o, " .");
    analyse(text);
    free(text);
    DT_CHECK_INT(doc.nsent, 1);
    DT_CHECK_INT(doc.nchunk, RUN + 2);
    if (doc.nchunk != RUN + 2)
        return;
    DT_CHECK_INT(doc.chunk[0].type, DT_CHUNK_NP);
    DT_CHECK_INT(doc.chunk[0].n, RUN + 1);
    DT_CHECK_INT(doc.chunk[1].type, DT_CHUNK_VP);
    int ones = 1;
    for (size_t k = 2; k < doc.nchunk; k++)
        ones = ones && doc.chunk[k].type == DT_CHUNK_NP && doc.chunk[k].n == 1 &&
               doc.chunk[k].first == RUN + 2 + (k - 2);
    DT_CHECK(ones);
}

static void test_vp_flags(void)
{
    analyse("Gondor was attacked by Mordor.");
    const dt_chunk *c = chunk_at("was");
    DT_CHECK_STR(chunk_text(c), "was attacked");
    DT_CHECK(c && (c->flags & DT_CH_PASSIVE));
    DT_CHECK(chunk_at("by") && chunk_at("by")->type == DT_CHUNK_PP);

    analyse("Gondor has attacked Mordor.");
    c = chunk_at("has");
    DT_CHECK_STR(chunk_text(c), "has attacked");
    DT_CHECK(c && !(c->flags & DT_CH_PASSIVE));

    analyse("Arnor will not immediately recognise Gondor.");
    c = chunk_at("will");
    DT_CHECK_STR(chunk_text(c), "will not immediately recognise");
    DT_CHECK(c && (c->flags & DT_CH_NEGATED) && (c->flags & DT_CH_MODAL));
    if (c)
        DT_CHECK_STR(doc.tok[c->head].norm, "RECOGNISE");

    analyse("Rohan didn't sign the accord.");
    c = chunk_at("did");
    DT_CHECK(c && (c->flags & DT_CH_NEGATED) && !(c->flags & DT_CH_MODAL));

    analyse("Gondor plans to visit Arnor.");
    c = chunk_at("to");
    DT_CHECK_STR(chunk_text(c), "to visit");
    DT_CHECK(c && (c->flags & DT_CH_INFINITIVE));
    DT_CHECK_STR(main_vp(0), "plans");

    /* the second of two coordinated verbs is a verb group, not the noun
     * phrase "expressed support" */
    analyse("Gondor has visited Arnor and expressed support for the talks.");
    c = chunk_at("expressed");
    DT_CHECK_STR(chunk_text(c), "expressed");
    DT_CHECK(c && c->type == DT_CHUNK_VP);
    analyse("Gondor expelled the envoys and imposed sanctions.");
    c = chunk_at("imposed");
    DT_CHECK(c && c->type == DT_CHUNK_VP);

    /* a noun phrase right before "and" + verb is not that verb's
     * subject: "lodged" shares the subject of "called" */
    analyse("Gondor called the raid an unprecedented and grave threat and lodged a protest.");
    c = chunk_at("lodged");
    DT_CHECK(c && c->type == DT_CHUNK_VP);
    c = chunk_at("grave");
    DT_CHECK(c && !(c->flags & DT_CH_CLAUSE_START));

    /* "down its embassy" is a particle; "down the street" stays a
     * preposition (a determiner after it is left ambiguous on purpose) */
    analyse("Crowds burned down its embassy.");
    c = chunk_at("down");
    DT_CHECK(c && c->type == DT_CHUNK_PRT);
    analyse("Police cracked down on protesters.");
    c = chunk_at("down");
    DT_CHECK(c && c->type == DT_CHUNK_PRT);
}

static void test_other_chunks(void)
{
    analyse("The army is very loyal to Sauron.");
    const dt_chunk *c = chunk_at("very");
    DT_CHECK(c && c->type == DT_CHUNK_ADJP);
    DT_CHECK_STR(chunk_text(c), "very loyal");
    analyse("Arnor responded quickly.");
    c = chunk_at("quickly");
    DT_CHECK(c && c->type == DT_CHUNK_ADVP);
    analyse("Gondor withdrew because Mordor threatened it.");
    c = chunk_at("because");
    DT_CHECK(c && c->type == DT_CHUNK_SBAR);
    analyse("Gondor withdrew after the attack.");
    c = chunk_at("after");
    DT_CHECK(c && c->type == DT_CHUNK_PP);
    analyse("According to officials, Mordor attacked Gondor.");
    c = chunk_at("According");
    DT_CHECK(c && c->type == DT_CHUNK_PP && c->n == 2);
}

static void test_main_vp_and_clauses(void)
{
    analyse("Gondor attacked Mordor, officials said.");
    DT_CHECK_STR(main_vp(0), "attacked");
    const dt_chunk *c = chunk_at("said");
    DT_CHECK(c && (c->flags & DT_CH_SAY) && !(c->flags & DT_CH_MAIN));
    DT_CHECK(doc.tok[tok_index("officials")].clause != doc.tok[tok_index("Gondor")].clause);

    analyse("Officials said Gondor attacked Mordor.");
    DT_CHECK_STR(main_vp(0), "attacked");
    c = chunk_at("said");
    DT_CHECK(c && (c->flags & DT_CH_SAY));

    analyse("Arnor said that Gondor had violated the truce.");
    DT_CHECK_STR(main_vp(0), "had violated");

    analyse("The army, which is loyal to Sauron, was attacked by rebels.");
    DT_CHECK_STR(main_vp(0), "was attacked");
    c = chunk_at("which");
    DT_CHECK(c && c->type == DT_CHUNK_SBAR && (c->flags & DT_CH_RELATIVE));
    DT_CHECK(doc.tok[tok_index("loyal")].clause != doc.tok[tok_index("army")].clause);
    DT_CHECK_INT(doc.tok[tok_index("attacked")].clause, doc.tok[tok_index("army")].clause);

    analyse("After Mordor shelled the city, Gondor recalled its ambassador.");
    DT_CHECK_STR(main_vp(0), "recalled");

    analyse("Gondor attacked Mordor and seized the capital.");
    c = chunk_at("seized");
    DT_CHECK(c && (c->flags & DT_CH_CLAUSE_START));
    DT_CHECK_STR(main_vp(0), "attacked");

    /* a relative clause without commas ends at the next verb group */
    analyse("The troops that attacked Gondor withdrew.");
    DT_CHECK_STR(main_vp(0), "withdrew");
    DT_CHECK(doc.tok[tok_index("withdrew")].clause == doc.tok[tok_index("troops")].clause);
    /* "that" after an attribution verb and its addressee is not relative */
    analyse("Officials told reporters that the troops that attacked Gondor withdrew.");
    DT_CHECK_STR(main_vp(0), "withdrew");
    analyse("Officials said by phone that Gondor attacked.");
    DT_CHECK_STR(main_vp(0), "attacked");
    c = chunk_at("that");
    DT_CHECK(c && c->type == DT_CHUNK_SBAR && !(c->flags & DT_CH_RELATIVE));
    /* a time word after a name is not part of it; "brokered by" is a verb */
    analyse("The minister arrived in Beijing yesterday.");
    DT_CHECK_STR(chunk_text(chunk_at("Beijing")), "Beijing");
    analyse("They agreed to a ceasefire brokered by Egypt.");
    c = chunk_at("brokered");
    DT_CHECK(c && c->type == DT_CHUNK_VP);

    /* two sentences: each gets its own main verb group */
    analyse("Arnor met Gondor. Rohan will host the talks.");
    DT_CHECK_INT(doc.nsent, 2);
    DT_CHECK_STR(main_vp(0), "met");
    DT_CHECK_STR(main_vp(1), "will host");
}

int main(void)
{
    dt_error err;
    arena = dt_arena_new(0);
    if (!arena || dt_tagger_new(&tagger, &err) != DT_OK) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    DT_RUN(test_np);
    DT_RUN(test_determiner_runs);
    DT_RUN(test_vp_flags);
    DT_RUN(test_other_chunks);
    DT_RUN(test_main_vp_and_clauses);
    dt_tagger_free(tagger);
    dt_arena_free(arena);
    DT_TEST_END();
}
