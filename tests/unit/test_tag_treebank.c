/* dt_treebank_parse: tokens, gold tags, constituents, derived chunks,
 * clause flags, and rejection of malformed trees. */
#include "detente/tag.h"
#include "dt_test.h"

static dt_arena *arena;

static int parse(const char *tree, dt_doctext *d, dt_error *err)
{
    dt_arena_reset(arena);
    return dt_treebank_parse(NULL, arena, tree, strlen(tree), d, err);
}

/* Chunk whose first token has this norm (NULL if none). */
static const dt_chunk *chunk_at(const dt_doctext *d, const char *norm)
{
    for (size_t i = 0; i < d->nchunk; i++)
        if (strcmp(d->tok[d->chunk[i].first].norm, norm) == 0)
            return &d->chunk[i];
    return NULL;
}

static const char *main_head(const dt_doctext *d)
{
    uint32_t m = d->sent[0].main_vp;
    if (m == UINT32_MAX)
        return "(none)";
    return d->tok[d->chunk[m].head].norm;
}

static void test_petrarch_tree(void)
{
    const char *tree = "(ROOT (S  \n  (S  \n    (NP (NNP Arnor)\n    )  \n    (VP \n"
                       "      (VBZ is)  \n      (VP \n        (IN about)  (S  \n"
                       "          (VP \n            (TO to)  \n            (VP \n"
                       "              (VB restore)  (NP \n"
                       "                (JJ full) (JJ diplomatic) (NNS ties)\n"
                       "              )  \n              (PP (IN with)  (NP (NNP Gondor)\n"
                       "                )\n              )  ))))))  (. .)\n) )\n";
    dt_doctext d;
    dt_error err;
    DT_CHECK_INT(parse(tree, &d, &err), DT_OK);
    DT_CHECK_INT(d.nsent, 1);
    DT_CHECK_INT(d.ntok, 11);
    DT_CHECK_STR(d.text, "Arnor is about to restore full diplomatic ties with Gondor .");
    DT_CHECK_INT(d.tok[0].pos, DT_POS_NNP);
    DT_CHECK_INT(d.tok[1].pos, DT_POS_VBZ);
    DT_CHECK_INT(d.tok[3].pos, DT_POS_TO);
    DT_CHECK_INT(d.tok[7].pos, DT_POS_NNS);
    DT_CHECK_INT(d.tok[10].pos, DT_POS_PERIOD);
    DT_CHECK_STR(d.tok[4].norm, "RESTORE");
    DT_CHECK_INT(d.tok[4].off, 18);
    DT_CHECK_INT(d.tok[4].len, 7);
    DT_CHECK(d.tok[0].flags & DT_TOK_SENT_START);
    DT_CHECK(d.tok[0].flags & DT_TOK_CAP);
    DT_CHECK(!(d.tok[1].flags & DT_TOK_CAP));
    DT_CHECK(d.tok[10].flags & DT_TOK_PUNCT);
    /* ROOT S S NP VP VP S VP VP NP PP NP */
    DT_CHECK_INT(d.sent[0].ncons, 12);
    DT_CHECK_STR(d.sent[0].cons[0].label, "ROOT");
    DT_CHECK_INT(d.sent[0].cons[0].parent, -1);
    DT_CHECK_INT(d.sent[0].cons[0].n, 11);
    DT_CHECK_STR(d.sent[0].cons[3].label, "NP");
    DT_CHECK_INT(d.sent[0].cons[3].parent, 2);
    DT_CHECK_INT(d.sent[0].cons[3].first, 0);
    DT_CHECK_INT(d.sent[0].cons[3].n, 1);

    const dt_chunk *np = chunk_at(&d, "FULL");
    DT_CHECK(np && np->type == DT_CHUNK_NP && np->n == 3);
    if (np)
        DT_CHECK_STR(d.tok[np->head].norm, "TIES");
    const dt_chunk *inf = chunk_at(&d, "TO");
    DT_CHECK(inf && inf->type == DT_CHUNK_VP && (inf->flags & DT_CH_INFINITIVE) && inf->n == 2);
    const dt_chunk *pp = chunk_at(&d, "WITH");
    DT_CHECK(pp && pp->type == DT_CHUNK_PP && pp->n == 1);
    DT_CHECK_INT(d.tok[9].chunk, DT_CHUNK_NP);
    DT_CHECK_INT(d.tok[10].chunk, DT_CHUNK_O);
    /* A bare copula defers to the infinitive that carries the event. */
    DT_CHECK_STR(main_head(&d), "RESTORE");
}

static void test_brackets_and_quotes(void)
{
    dt_doctext d;
    dt_error err;
    DT_CHECK_INT(
        parse("(ROOT (NP (-LRB- -LRB-) (NNP UN) (-RRB- -RRB-) (`` ``) (NN x) ('' '')))", &d, &err),
        DT_OK);
    DT_CHECK_STR(d.text, "( UN ) \" x \"");
    DT_CHECK_STR(d.tok[0].norm, "(");
    DT_CHECK_INT(d.tok[0].pos, DT_POS_LRB);
    DT_CHECK_INT(d.tok[2].pos, DT_POS_RRB);
    DT_CHECK_INT(d.tok[3].pos, DT_POS_OQUOTE);
    DT_CHECK(d.tok[1].flags & DT_TOK_ALLCAPS);
    /* an unlabelled root, as in the original Treebank files */
    DT_CHECK_INT(parse("( (S (NP (PRP It)) (VP (VBD rained))))", &d, &err), DT_OK);
    DT_CHECK_INT(d.ntok, 2);
    /* traces are not words */
    DT_CHECK_INT(parse("(S (NP-SBJ (-NONE- *T*-1)) (VP (VBD left)))", &d, &err), DT_OK);
    DT_CHECK_INT(d.ntok, 1);
    DT_CHECK_STR(d.text, "left");
}

static void test_coordination(void)
{
    dt_doctext d;
    dt_error err;
    DT_CHECK_INT(parse("(ROOT (S (NP (NNP Arnor) (CC and) (NNP Gondor)) (VP (VBD signed) (NP "
                       "(DT an) (NN agreement))) (. .)))",
                       &d, &err),
                 DT_OK);
    const dt_chunk *a = chunk_at(&d, "ARNOR"), *g = chunk_at(&d, "GONDOR");
    DT_CHECK(a && a->type == DT_CHUNK_NP && a->n == 1 && !(a->flags & DT_CH_COORD));
    DT_CHECK(g && g->type == DT_CHUNK_NP && g->n == 1 && (g->flags & DT_CH_COORD));
    DT_CHECK_STR(main_head(&d), "SIGNED");
    /* Possessives stay inside one NP, as on raw text. */
    DT_CHECK_INT(parse("(ROOT (S (NP (NP (NNP Gondor) (POS 's)) (NN army)) (VP (VBD attacked) "
                       "(NP (NNP Mordor)))))",
                       &d, &err),
                 DT_OK);
    const dt_chunk *p = chunk_at(&d, "GONDOR");
    DT_CHECK(p && p->n == 3);
    if (p)
        DT_CHECK_STR(d.tok[p->head].norm, "ARMY");
}

static void test_say_and_passive(void)
{
    dt_doctext d;
    dt_error err;
    DT_CHECK_INT(parse("(ROOT (S (S (NP (NNP Gondor)) (VP (VBD attacked) (NP (NNP Mordor)))) (, ,) "
                       "(NP (NNS officials)) (VP (VBD said)) (. .)))",
                       &d, &err),
                 DT_OK);
    DT_CHECK_STR(main_head(&d), "ATTACKED");
    const dt_chunk *s = chunk_at(&d, "SAID");
    DT_CHECK(s && (s->flags & DT_CH_SAY) && !(s->flags & DT_CH_MAIN));
    DT_CHECK(d.tok[4].clause != d.tok[1].clause);

    DT_CHECK_INT(parse("(ROOT (S (NP (NNS Officials)) (VP (VBD said) (SBAR (S (NP (NNP Gondor)) "
                       "(VP (VBD attacked) (NP (NNP Mordor)))))) (. .)))",
                       &d, &err),
                 DT_OK);
    DT_CHECK_STR(main_head(&d), "ATTACKED");
    s = chunk_at(&d, "SAID");
    DT_CHECK(s && (s->flags & DT_CH_SAY));

    DT_CHECK_INT(parse("(ROOT (S (NP (NNP Gondor)) (VP (VBD was) (VP (VBN attacked) (PP (IN by) "
                       "(NP (NNP Mordor))))) (. .)))",
                       &d, &err),
                 DT_OK);
    const dt_chunk *v = chunk_at(&d, "WAS");
    DT_CHECK(v && v->n == 2 && (v->flags & DT_CH_PASSIVE) && (v->flags & DT_CH_MAIN));
    const dt_chunk *by = chunk_at(&d, "BY");
    DT_CHECK(by && by->type == DT_CHUNK_PP);

    DT_CHECK_INT(parse("(ROOT (S (NP (NNP Gondor)) (VP (MD will) (RB not) (VP (VB attack) (NP "
                       "(NNP Arnor)))) (. .)))",
                       &d, &err),
                 DT_OK);
    v = chunk_at(&d, "WILL");
    DT_CHECK(v && v->n == 3 && (v->flags & DT_CH_NEGATED) && (v->flags & DT_CH_MODAL) &&
             !(v->flags & DT_CH_PASSIVE));
    if (v)
        DT_CHECK_STR(d.tok[v->head].norm, "ATTACK");
}

static void test_relative_clause(void)
{
    dt_doctext d;
    dt_error err;
    DT_CHECK_INT(parse("(ROOT (S (NP (NP (NNP Gondor)) (, ,) (SBAR (WHNP (WDT which)) (S (VP (VBZ "
                       "borders) (NP (NNP Arnor))))) (, ,)) (VP (VBD attacked) (NP (NNP Mordor))) "
                       "(. .)))",
                       &d, &err),
                 DT_OK);
    const dt_chunk *w = chunk_at(&d, "WHICH");
    DT_CHECK(w && w->type == DT_CHUNK_SBAR && (w->flags & DT_CH_RELATIVE));
    DT_CHECK_STR(main_head(&d), "ATTACKED");
    DT_CHECK(d.tok[3].clause != d.tok[0].clause);
    DT_CHECK_INT(d.tok[6].clause, d.tok[0].clause);
}

static void test_malformed(void)
{
    dt_doctext d;
    dt_error err;
    const char *t1 = "(S (NP (NNP A))";
    DT_CHECK_INT(parse(t1, &d, &err), DT_EFORMAT);
    DT_CHECK_INT(err.offset, strlen(t1));
    DT_CHECK_INT(parse("(S (NP (NNP A))))", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(err.offset, 16);
    DT_CHECK_INT(parse("(S (NP (NNP A)) x)", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(err.offset, 16);
    DT_CHECK_INT(parse("(S (NP (NNP A) B))", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(parse("(S (XYZ A))", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(err.offset, 4);
    DT_CHECK_INT(parse("(S ())", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(parse("", &d, &err), DT_EFORMAT);
    DT_CHECK_INT(parse("(S (NN a)) (S (NN b))", &d, &err), DT_EFORMAT);
    /* depth bound: deep nesting is refused, not recursed into */
    static char deep[4 * 1000 + 64];
    size_t n = 0;
    for (int i = 0; i < 1000; i++) {
        memcpy(deep + n, "(S ", 3);
        n += 3;
    }
    memcpy(deep + n, "(NN a)", 6);
    n += 6;
    for (int i = 0; i < 1000; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    DT_CHECK_INT(parse(deep, &d, &err), DT_ELIMIT);
}

int main(void)
{
    arena = dt_arena_new(0);
    if (!arena)
        return 2;
    DT_RUN(test_petrarch_tree);
    DT_RUN(test_brackets_and_quotes);
    DT_RUN(test_coordination);
    DT_RUN(test_say_and_passive);
    DT_RUN(test_relative_clause);
    DT_RUN(test_malformed);
    dt_arena_free(arena);
    DT_TEST_END();
}
