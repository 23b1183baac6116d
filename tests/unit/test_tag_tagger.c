/* POS tagger and lemmatiser on raw text: the ambiguities that matter for
 * event coding (noun/verb, "'s", "that", "to", "said"), capitalisation,
 * headlines, unknown names, and lemmas. */
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

/* Tag name of the first token whose original spelling is w. */
static const char *tag_of(const char *w)
{
    for (size_t i = 0; i < doc.ntok; i++) {
        const dt_token *t = &doc.tok[i];
        if (t->len == strlen(w) && memcmp(doc.text + t->off, w, t->len) == 0)
            return dt_pos_name(t->pos);
    }
    return "(missing)";
}

static const char *lemma_of(const char *w)
{
    for (size_t i = 0; i < doc.ntok; i++) {
        const dt_token *t = &doc.tok[i];
        if (t->len == strlen(w) && memcmp(doc.text + t->off, w, t->len) == 0)
            return t->lemma;
    }
    return "(missing)";
}

static void test_noun_or_verb(void)
{
    analyse("The talks collapsed on Monday.");
    DT_CHECK_STR(tag_of("talks"), "NNS");
    analyse("Arnor talks to Gondor every week.");
    DT_CHECK_STR(tag_of("talks"), "VBZ");
    analyse("Gondor will visit Arnor next month.");
    DT_CHECK_STR(tag_of("visit"), "VB");
    analyse("His visit to Arnor ended early.");
    DT_CHECK_STR(tag_of("visit"), "NN");
    analyse("The president wants to visit Gondor.");
    DT_CHECK_STR(tag_of("visit"), "VB");
    analyse("Mordor attacks Gondor.");
    DT_CHECK_STR(tag_of("attacks"), "VBZ");
    analyse("The attacks on Gondor continued.");
    DT_CHECK_STR(tag_of("attacks"), "NNS");
    analyse("Arnor plans a new offensive.");
    DT_CHECK_STR(tag_of("plans"), "VBZ");
    analyse("The plans were abandoned.");
    DT_CHECK_STR(tag_of("plans"), "NNS");
    analyse("Gondor calls for an end to the fighting.");
    DT_CHECK_STR(tag_of("calls"), "VBZ");
    analyse("Repeated calls for calm went unheeded.");
    DT_CHECK_STR(tag_of("calls"), "NNS");
    analyse("Officials said Gondor attacked Mordor.");
    DT_CHECK_STR(tag_of("said"), "VBD");
    DT_CHECK_STR(tag_of("attacked"), "VBD");
    analyse("Rohan did not attack Arnor.");
    DT_CHECK_STR(tag_of("attack"), "VB");
    analyse("The woman who shot at the officers was arrested.");
    DT_CHECK_STR(tag_of("shot"), "VBD");
    analyse("Gondor and Rohan agree that the war must end.");
    DT_CHECK_STR(tag_of("agree"), "VBP");
    analyse("A US attorney said the case was closed.");
    DT_CHECK_STR(tag_of("US"), "NNP");
    DT_CHECK_STR(tag_of("attorney"), "NN");
    DT_CHECK_STR(tag_of("said"), "VBD");
}

static void test_function_words(void)
{
    analyse("Gondor's army entered Arnor.");
    DT_CHECK_STR(tag_of("'s"), "POS");
    analyse("It's a serious crisis, he said.");
    DT_CHECK_STR(tag_of("'s"), "VBZ");
    analyse("He said that the talks had failed.");
    DT_CHECK_STR(tag_of("that"), "IN");
    analyse("The troops that attacked the village withdrew.");
    DT_CHECK_STR(tag_of("that"), "WDT");
    analyse("Arnor rejected that proposal.");
    DT_CHECK_STR(tag_of("that"), "DT");
    analyse("Police were present in all the polling stations.");
    DT_CHECK_STR(tag_of("all"), "PDT");
    analyse("Arnor agreed to talks with Gondor.");
    DT_CHECK_STR(tag_of("to"), "TO");
}

static void test_case_and_names(void)
{
    analyse("Arnor and Gondor accused Mordor of aggression.");
    DT_CHECK_STR(tag_of("Arnor"), "NNP");
    DT_CHECK_STR(tag_of("Gondor"), "NNP");
    DT_CHECK_STR(tag_of("Mordor"), "NNP");
    /* a sentence-initial common word is not a name */
    analyse("Talks between the two sides resumed.");
    DT_CHECK_STR(tag_of("Talks"), "NNS");
    /* headline in capitals: case says nothing, the lexicon decides */
    analyse("GONDOR ATTACKS MORDOR AFTER TALKS FAIL");
    DT_CHECK_STR(tag_of("GONDOR"), "NNP");
    DT_CHECK_STR(tag_of("ATTACKS"), "VBZ");
    DT_CHECK_STR(tag_of("AFTER"), "IN");
    analyse("The US imposed sanctions on Mordor.");
    DT_CHECK_STR(tag_of("US"), "NNP");
    analyse("They told us nothing.");
    DT_CHECK_STR(tag_of("us"), "PRP");
}

static void test_unknown_words(void)
{
    analyse("The Calenardhon envoy was re-elected after fifteen glorpings.");
    DT_CHECK_STR(tag_of("re-elected"), "VBN");
    DT_CHECK_STR(tag_of("fifteen"), "CD");
    DT_CHECK_STR(tag_of("glorpings"), "NNS");
    analyse("In 1995 the army seized 3,000 rifles.");
    DT_CHECK_STR(tag_of("1995"), "CD");
    DT_CHECK_STR(tag_of("3,000"), "CD");
}

static void test_lemmas(void)
{
    analyse("The children went home after the soldiers attacked the villages.");
    DT_CHECK_STR(lemma_of("children"), "child");
    DT_CHECK_STR(lemma_of("went"), "go");
    DT_CHECK_STR(lemma_of("attacked"), "attack");
    DT_CHECK_STR(lemma_of("villages"), "village");
    DT_CHECK_STR(lemma_of("soldiers"), "soldier");
    analyse("Gondor has planned talks and is hitting back.");
    DT_CHECK_STR(lemma_of("planned"), "plan");
    DT_CHECK_STR(lemma_of("hitting"), "hit");
    DT_CHECK_STR(lemma_of("has"), "have");
    DT_CHECK_STR(lemma_of("is"), "be");
    DT_CHECK_STR(dt_tagger_lemma(tagger, arena, "BETTER", 6, DT_POS_JJR), "good");
    DT_CHECK_STR(dt_tagger_lemma(tagger, arena, "TALKS", 5, DT_POS_VBZ), "talk");
    /* unknown words keep their own (lower-case) form */
    DT_CHECK_STR(dt_tagger_lemma(tagger, arena, "GONDOR", 6, DT_POS_NNP), "gondor");
}

/* British doubled-l past forms and a participle coordinated with a past
 * tense are verbs, not adjectives or noun modifiers. */
static void test_past_forms(void)
{
    analyse("Xi Jinping travelled to Pyongyang on Thursday.");
    DT_CHECK_STR(tag_of("travelled"), "VBD");
    DT_CHECK_STR(lemma_of("travelled"), "travel");
    analyse("Arnor cancelled the talks.");
    DT_CHECK_STR(tag_of("cancelled"), "VBD");
    DT_CHECK_STR(lemma_of("cancelled"), "cancel");
    analyse("Gondor expelled the diplomats and imposed sanctions on Arnor.");
    DT_CHECK_STR(tag_of("imposed"), "VBD");
    analyse("Rohan began a truce and exchanged prisoners with Gondor.");
    DT_CHECK_STR(tag_of("exchanged"), "VBD");
    analyse("Gondor condemns the raid and demands an apology from Arnor.");
    DT_CHECK_STR(tag_of("demands"), "VBZ");
    analyse("The union rejects the cuts and demands of the government.");
    DT_CHECK_STR(tag_of("demands"), "NNS");
    /* a participle after a perfect stays a participle */
    analyse("Gondor has visited Arnor and expressed support.");
    DT_CHECK_STR(tag_of("expressed"), "VBN");
}

static void test_word_ids(void)
{
    analyse("Gondor attacked the city.");
    DT_CHECK(doc.tok[1].word_id != 0);                  /* "attacked" is known */
    DT_CHECK(doc.tok[1].word_id != doc.tok[3].word_id); /* distinct words */
    DT_CHECK_INT(doc.tok[0].word_id, 0);                /* "Gondor" is not */
}

int main(void)
{
    dt_error err;
    arena = dt_arena_new(0);
    if (!arena || dt_tagger_new(&tagger, &err) != DT_OK) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    DT_RUN(test_noun_or_verb);
    DT_RUN(test_function_words);
    DT_RUN(test_case_and_names);
    DT_RUN(test_unknown_words);
    DT_RUN(test_lemmas);
    DT_RUN(test_past_forms);
    DT_RUN(test_word_ids);
    dt_tagger_free(tagger);
    dt_arena_free(arena);
    DT_TEST_END();
}
