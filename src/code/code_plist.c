/* Sentence -> phrase list (PETRARCH's "ParseList").
 *
 * PETRARCH-1 linearises the parse tree and rewrites noun phrases into
 * flat "NE" units that actors are looked up in. We do the same on a small
 * tree built either from the sentence's full parse (dt_treebank_parse) or,
 * for raw text, from the chunker's flat chunks and clauses:
 *   - coordinated noun phrases become compounds "(NEC (NE ..) (NE ..))";
 *   - a relative clause inside a noun phrase is flattened to words;
 *   - a noun phrase with a possessive, a simple "NP of NP" structure, or
 *     no inner noun phrase becomes one NE of its words;
 *   - verb phrases and other noun phrases keep an indexed tag "(VP3".
 */
#include "code_internal.h"

#include <string.h>

static unsigned word_scan(const char *w, int *sep);

int dt__pl_push(dt__plist *l, const char *s, uint32_t id, int32_t tok)
{
    return dt__pl_push_f(l, s, id, tok, dt__pl_flags(s));
}

int dt__pl_grow(dt__plist *l)
{
    /* after a failure l->n stays at l->cap, so every later push ends here */
    if (l->oom)
        return DT_ENOMEM;
    uint32_t nc = l->cap ? l->cap * 2 : 256;
    dt__pl *nv = dt_arena_alloc(l->a, (size_t)nc * sizeof *nv);
    if (!nv) {
        l->oom = 1;
        return DT_ENOMEM;
    }
    if (l->n)
        memcpy(nv, l->v, (size_t)l->n * sizeof *nv);
    l->v = nv;
    l->cap = nc;
    return DT_OK;
}

/* ---- the tree ---------------------------------------------------- */

/* TN_DIST: a coordination of modifiers sharing the last conjunct's head
 * noun ("Chinese and Russian warships"), set by the raw-text parser. */
enum { TN_NEC = 1, TN_SBR = 2, TN_CCP = 4, TN_DIST = 8 };

/* A node label with its phrase-list tags, made once: "NP", "(NP", "~NP".
 * Labels are static (POS tags, the phrase labels below) or, for a parse's
 * uncommon labels, arena copies. */
typedef struct tlabel {
    const char *name, *open, *close;
    uint16_t fopen, fclose; /* dt__pl_flags of open and close */
    uint8_t lb;             /* LB_* */
} tlabel;

/* What emission asks of labels: the name is "POS", or starts with "PP",
 * or with "NP". */
enum { LB_POS = 1, LB_PP = 2, LB_NP = 4 };

/* No POS name holds '(', '~' or "NEC"; the comma's close tag is "~,". */
/* clang-format off */
#define DT__POS_LABEL(name, str) {str, "(" str, "~" str, \
    DT__PL_OPEN | DT__PL_MOPEN | (DT_POS_##name == DT_POS_COMMA ? DT__PL_COMMA : 0), \
    DT__PL_TILDE | DT__PL_MCLOSE | (DT_POS_##name == DT_POS_COMMA ? DT__PL_TCOMMA : 0), \
    DT_POS_##name == DT_POS_POS ? LB_POS : 0},
static const tlabel pos_lab[DT_POS__COUNT] = {DT_POS_MAP(DT__POS_LABEL)};
#undef DT__POS_LABEL
/* clang-format on */

#define DT__PH(n, lb)                                                                              \
    {                                                                                              \
        n, "(" n, "~" n, DT__PL_OPEN | DT__PL_MOPEN, DT__PL_TILDE | DT__PL_MCLOSE, lb              \
    }
static const tlabel L_S = DT__PH("S", 0), L_NP = DT__PH("NP", LB_NP), L_VP = DT__PH("VP", 0),
                    L_PP = DT__PH("PP", LB_PP), L_SBAR = DT__PH("SBAR", 0),
                    L_ADJP = DT__PH("ADJP", 0), L_NPTMP = DT__PH("NP-TMP", LB_NP),
                    L_CCP = DT__PH("CCP", 0),
                    L_NEC = {"NEC",
                             "(NEC",
                             "~NEC",
                             DT__PL_OPEN | DT__PL_MOPEN | DT__PL_NEC,
                             DT__PL_TILDE | DT__PL_MCLOSE | DT__PL_TNE | DT__PL_NEC,
                             0};
#undef DT__PH

typedef struct tnode {
    const tlabel *lab;
    int32_t tok; /* token (sentence-local) for a leaf, -1 for a phrase */
    int32_t parent;
    int32_t kid, next;   /* first child, next sibling */
    int32_t last;        /* last child, -1 if none (appends in order are O(1)) */
    uint32_t first, end; /* token span [first, end) */
    uint8_t flags;       /* TN_* */
    uint8_t below;       /* B_* of the nodes strictly below (calc_below) */
} tnode;

typedef struct tree {
    tnode *n;
    uint32_t nn, cap;
    int32_t root;
    const dt_doctext *d;
    const dt_sentence *s;
    const dt_token *tok0; /* the sentence's first token */
    const dt_dicts *dicts;
    dt_arena *a;
    dt__plist *out;
    const uint32_t *ids;    /* per sentence token, or NULL */
    const uint16_t *wflags; /* dt__pl_word_flags by word id (< nwflags), or NULL */
    uint32_t nwflags;
    const tlabel **relabel; /* per sentence token: tag override, or NULL */
    int raw;                /* built from chunks (no parse) */
    uint32_t npindex, vpindex, ncindex;
} tree;

static int32_t tn_new(tree *t, const tlabel *label, int32_t tok, int32_t parent)
{
    if (t->nn == t->cap)
        return -1;
    tnode *x = &t->n[t->nn];
    x->lab = label;
    x->tok = tok;
    x->parent = parent;
    x->kid = x->next = x->last = -1;
    x->first = x->end = 0;
    x->flags = 0;
    x->below = 0;
    return (int32_t)t->nn++;
}

static const tlabel *pos_label(int pos)
{
    return &pos_lab[pos >= 0 && pos < DT_POS__COUNT ? pos : DT_POS_NONE];
}

/* Append child c to p, keeping children in token order. */
static void tn_append(tree *t, int32_t p, int32_t c)
{
    t->n[c].parent = p;
    t->n[c].next = -1;
    int32_t last = t->n[p].last;
    /* children are kept sorted, so one at or after the last goes last */
    if (last < 0 || t->n[last].first <= t->n[c].first) {
        if (last < 0)
            t->n[p].kid = c;
        else
            t->n[last].next = c;
        t->n[p].last = c;
        return;
    }
    int32_t *pp = &t->n[p].kid;
    while (*pp >= 0 && t->n[*pp].first <= t->n[c].first)
        pp = &t->n[*pp].next;
    t->n[c].next = *pp;
    *pp = c;
}

/* strcmp(a, b) == 0 for the short words and labels tested here: most
 * differ in the first byte, which needs no library call. */
static inline int streq(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static int is_label(const tnode *x, const char *l)
{
    return streq(x->lab->name, l);
}

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static const char *tagstr(dt_arena *a, char open, const char *label, uint32_t idx);

/* A parse's label (cut to 15 bytes). Labels are kept whole: PETRARCH only
 * turns a plain "(NP " into an actor phrase, so "NP-TMP" (a time
 * expression) never becomes one. NULL when out of memory. */
static const tlabel *cons_label(tree *t, const char *l)
{
    static const tlabel *const known[] = {&L_S, &L_NP, &L_VP, &L_PP, &L_SBAR, &L_ADJP, &L_NPTMP};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i]->name, l) == 0)
            return known[i];
    size_t b = strlen(l);
    if (b > 15)
        b = 15;
    tlabel *x = dt_arena_alloc(t->a, sizeof *x);
    if (!x)
        return NULL;
    x->name = dt_arena_strndup(t->a, l, b);
    x->open = x->name ? tagstr(t->a, '(', x->name, 0) : NULL;
    x->close = x->name ? tagstr(t->a, '~', x->name, 0) : NULL;
    if (!x->name || !x->open || !x->close)
        return NULL;
    x->fopen = (uint16_t)dt__pl_flags(x->open);
    x->fclose = (uint16_t)dt__pl_flags(x->close);
    x->lb = (uint8_t)((strcmp(x->name, "POS") == 0 ? LB_POS : 0) |
                      (strncmp(x->name, "PP", 2) == 0 ? LB_PP : 0) |
                      (strncmp(x->name, "NP", 2) == 0 ? LB_NP : 0));
    return x;
}

/* Tree from the full parse. */
static int tree_from_cons(tree *t)
{
    const dt_sentence *s = t->s;
    uint32_t ntok = s->ntok;
    int32_t *owner = dt_arena_alloc(t->a, (size_t)(ntok + 1) * sizeof *owner);
    int32_t *map = dt_arena_alloc(t->a, (size_t)(s->ncons + 1) * sizeof *map);
    if (!owner || !map)
        return DT_ENOMEM;
    for (uint32_t k = 0; k < ntok; k++)
        owner[k] = -1;
    t->root = tn_new(t, &L_S, -1, -1);
    t->n[t->root].first = 0;
    t->n[t->root].end = ntok;
    for (uint32_t c = 0; c < s->ncons; c++) {
        const dt_constituent *k = &s->cons[c];
        map[c] = -1;
        if (k->n == 0)
            continue;
        uint32_t f = k->first >= s->tok ? k->first - s->tok : k->first;
        if (f >= ntok)
            continue;
        int32_t par = k->parent >= 0 && (uint32_t)k->parent < c ? map[k->parent] : -1;
        if (par < 0 && strncmp(k->label, "ROOT", 15) == 0) {
            map[c] = t->root; /* ROOT is the top node */
            continue;
        }
        if (par < 0)
            par = t->root;
        const tlabel *bl = cons_label(t, k->label);
        if (!bl)
            return DT_ENOMEM;
        int32_t x = tn_new(t, bl, -1, par);
        if (x < 0)
            return DT_ELIMIT;
        t->n[x].first = f;
        t->n[x].end = f + k->n > ntok ? ntok : f + k->n;
        tn_append(t, par, x);
        map[c] = x;
        /* Constituents come parent first, so a later one holding a token
         * is deeper: it becomes the token's owner. */
        for (uint32_t j = t->n[x].first; j < t->n[x].end; j++)
            owner[j] = x;
    }
    for (uint32_t j = 0; j < ntok; j++) {
        const dt_token *tk = &t->d->tok[s->tok + j];
        int32_t p = owner[j] >= 0 ? owner[j] : t->root;
        int32_t x = tn_new(t, pos_label(tk->pos), (int32_t)j, p);
        if (x < 0)
            return DT_ELIMIT;
        t->n[x].first = j;
        t->n[x].end = j + 1;
        tn_append(t, p, x);
    }
    return DT_OK;
}

/* Tree from flat chunks (raw text): a small deterministic parser over the
 * chunker's units that rebuilds the noun phrase structure PETRARCH relies
 * on, as a Treebank parser would give it:
 *   - "X 's Y" is one NP (possessives absorb the following NP);
 *   - "NP of NP" nests the PP in the NP (before the main verb, any
 *     preposition: "Soldiers from Gondor", "Lawmakers in Fornost");
 *   - "NP , NP and NP" is one coordinated NP (a compound);
 *   - "Subject , ... , verb": the parenthetical joins the subject NP;
 *   - each clause is an S; each verb opens a VP that runs to the end of
 *     its clause, nested like auxiliaries in a parse; a complement clause
 *     without a comma before it nests in the open VP;
 *   - a comma, or a conjunction before another verb group, closes the
 *     verb phrases of the clause. */
typedef struct unit {
    uint8_t type; /* dt_chunk_type, DT_CHUNK_O for a single token */
    uint32_t first, end;
} unit;

typedef struct cbuild {
    tree *t;
    unit *u;
    uint32_t nu;
    int of_obj; /* building the object of an "of" after the verb */
    /* ccnext[i]: the first unit at or after i that is a coordinator token
     * (unit_is_tok(b, k, DT_POS_CC)), nu if none; [0, nu] */
    uint32_t *ccnext;
} cbuild;

/* Tag overrides for tokens the chunk parser re-reads as verbs (NULL =
 * the tagger's tag); set per sentence by tree_from_chunks. */
static const tlabel *leaf_label(const tree *t, uint32_t j);

static const dt_token *ctok(const tree *t, uint32_t j)
{
    return &t->tok0[j];
}

static int32_t leaf(tree *t, uint32_t j, int32_t parent)
{
    int32_t x = tn_new(t, leaf_label(t, j), (int32_t)j, parent);
    if (x < 0)
        return -1;
    t->n[x].first = j;
    t->n[x].end = j + 1;
    tn_append(t, parent, x);
    return x;
}

static int32_t phrase(tree *t, const tlabel *label, uint32_t first, uint32_t end, int32_t parent)
{
    int32_t x = tn_new(t, label, -1, parent);
    if (x < 0)
        return -1;
    t->n[x].first = first;
    t->n[x].end = end;
    tn_append(t, parent, x);
    return x;
}

static int unit_is_tok(const cbuild *b, uint32_t i, int pos)
{
    return i < b->nu && b->u[i].type == DT_CHUNK_O && ctok(b->t, b->u[i].first)->pos == pos;
}

static int unit_is(const cbuild *b, uint32_t i, int type)
{
    return i < b->nu && b->u[i].type == type;
}

/* Do the units from i on open a clause: noun phrases (a compound subject
 * with its coordinators; no commas: "attacked A and B, officials said")
 * and then a finite verb group? "to"
 * and participles do not ("urged A and B to resume talks"). */
static int coord_clause(const cbuild *b, uint32_t i)
{
    if (!unit_is(b, i, DT_CHUNK_NP))
        return 0;
    /* a subject is a name, a pronoun or a determined noun phrase; a bare
     * noun is more likely a mis-tagged object ("and asset freezes on") */
    int p0 = ctok(b->t, b->u[i].first)->pos;
    if (p0 != DT_POS_NNP && p0 != DT_POS_NNPS && p0 != DT_POS_PRP && p0 != DT_POS_DT &&
        p0 != DT_POS_PRPS)
        return 0;
    uint32_t k = i;
    while (k < b->nu && k < i + 8 && (b->u[k].type == DT_CHUNK_NP || unit_is_tok(b, k, DT_POS_CC)))
        k++;
    if (!unit_is(b, k, DT_CHUNK_VP))
        return 0;
    for (uint32_t j = b->u[k].first; j < b->u[k].end; j++) {
        int pos = ctok(b->t, j)->pos;
        if (pos == DT_POS_VBD || pos == DT_POS_VBZ || pos == DT_POS_VBP || pos == DT_POS_MD)
            return 1;
        /* the tagger often reads a past tense after a name as a participle
         * ("and South Korea criticized"); after a determiner it is more
         * likely a reduced relative ("the missiles launched from ...") */
        if (pos == DT_POS_VBN && p0 != DT_POS_DT)
            return 1;
        if (pos != DT_POS_RB)
            return 0;
    }
    return 0;
}

static int is_prep(const cbuild *b, uint32_t i, const char *w)
{
    if (!unit_is(b, i, DT_CHUNK_PP) || b->u[i].end != b->u[i].first + 1)
        return 0;
    const dt_token *tk = ctok(b->t, b->u[i].first);
    return tk->norm && streq(tk->norm, w);
}

static int is_of(const cbuild *b, uint32_t i)
{
    if (!unit_is(b, i, DT_CHUNK_PP))
        return 0;
    const dt_token *tk = ctok(b->t, b->u[i].first);
    return tk->norm && streq(tk->norm, "OF");
}

/* Move node x (already appended somewhere) under parent p. */
static void reparent(tree *t, int32_t x, int32_t p)
{
    int32_t op = t->n[x].parent;
    if (op >= 0) {
        int32_t *pp = &t->n[op].kid, prev = -1;
        while (*pp >= 0 && *pp != x) {
            prev = *pp;
            pp = &t->n[*pp].next;
        }
        if (*pp == x) {
            *pp = t->n[x].next;
            if (t->n[op].last == x)
                t->n[op].last = prev;
        }
    }
    tn_append(t, p, x);
}

static int32_t build_np(cbuild *b, uint32_t *ui, int32_t parent, int before_verb, int coord);

/* ---- shared heads: "Chinese and Russian warships" ----------------- */

static int is_compass(const tree *t, uint32_t j)
{
    static const char *const compass[] = {"NORTH", "SOUTH", "EAST", "WEST", NULL};
    const char *w = ctok(t, j)->norm;
    for (int i = 0; w && compass[i]; i++)
        if (streq(w, compass[i]))
            return 1;
    return 0;
}

/* A token that can modify a shared head in a coordination of proper
 * modifiers: a capitalised adjective or name ("Chinese", "South Korean",
 * "US"), or a compass word ("North and South Korea"). */
static int dist_mod_tok(const tree *t, uint32_t j)
{
    const dt_token *tk = ctok(t, j);
    if (!(tk->flags & DT_TOK_CAP) || !(tk->flags & DT_TOK_ALPHA))
        return 0;
    return dt_pos_is_adj(tk->pos) || tk->pos == DT_POS_NNP || tk->pos == DT_POS_NNPS ||
           is_compass(t, j);
}

/* Does unit i hold only such modifiers? */
static int dist_mod_unit(const cbuild *b, uint32_t i)
{
    if (i >= b->nu || b->u[i].type == DT_CHUNK_VP || b->u[i].type == DT_CHUNK_PP ||
        b->u[i].type == DT_CHUNK_SBAR)
        return 0;
    for (uint32_t j = b->u[i].first; j < b->u[i].end; j++)
        if (!dist_mod_tok(b->t, j))
            return 0;
    return b->u[i].end > b->u[i].first;
}

/* Is unit i a noun chunk that starts with a proper modifier and ends in
 * a common noun ("Russian warships", "American delegations"), or (after
 * a compass word, `compass`) in a name ("North and South Korea")? Two
 * names ("Damascus and Bashar al-Assad") share nothing. */
static int dist_head_unit(const cbuild *b, uint32_t i, int compass)
{
    if (!unit_is(b, i, DT_CHUNK_NP) || b->u[i].end - b->u[i].first < 2 ||
        !dist_mod_tok(b->t, b->u[i].first))
        return 0;
    int p = ctok(b->t, b->u[i].end - 1)->pos;
    if (p == DT_POS_NNP || p == DT_POS_NNPS)
        return compass;
    return dt_pos_is_noun(p);
}

/* Do units i.. hold "[the] MOD... and/or MOD... NOUN"? *cc is the
 * coordinator's unit. A determiner alone before the modifiers ("between
 * the Iranian and American delegations") belongs to the first conjunct. */
static int dist_at_slow(const cbuild *b, uint32_t i, uint32_t *cc)
{
    if (unit_is(b, i, DT_CHUNK_NP) && b->u[i].end == b->u[i].first + 1 &&
        ctok(b->t, b->u[i].first)->pos == DT_POS_DT)
        i++;
    if (!dist_mod_unit(b, i))
        return 0;
    uint32_t k = i;
    while (k < b->nu && k < i + 3 && dist_mod_unit(b, k))
        k++;
    int compass = k == i + 1 && b->u[i].end == b->u[i].first + 1 && is_compass(b->t, b->u[i].first);
    if (!unit_is_tok(b, k, DT_POS_CC) || !dist_head_unit(b, k + 1, compass))
        return 0;
    const char *w = ctok(b->t, b->u[k].first)->norm;
    if (!w || (!streq(w, "AND") && !streq(w, "OR")))
        return 0;
    *cc = k;
    return 1;
}

/* dist_at, with its cheap test inline: the coordinator can only be one of
 * units i+1 .. i+4, and most units have none there (no call then). */
static inline int dist_at(const cbuild *b, uint32_t i, uint32_t *cc)
{
    if (i >= b->nu || b->ccnext[i + 1] > i + 4)
        return 0;
    return dist_at_slow(b, i, cc);
}

/* The compound for units [*ui, cc + 1] (dist_at): NP(NP(modifiers) CC
 * NP(head chunk)), flagged TN_DIST so that emit_nec gives the first
 * conjunct the second's head noun. */
static int32_t build_dist(cbuild *b, uint32_t *ui, uint32_t cc, int32_t parent)
{
    tree *t = b->t;
    uint32_t first = b->u[*ui].first;
    int32_t co = phrase(t, &L_NP, first, b->u[cc + 1].end, parent);
    int32_t m = co >= 0 ? phrase(t, &L_NP, first, b->u[cc - 1].end, co) : -1;
    if (m < 0)
        return -1;
    for (uint32_t j = first; j < b->u[cc - 1].end; j++)
        if (leaf(t, j, m) < 0)
            return -1;
    if (leaf(t, b->u[cc].first, co) < 0)
        return -1;
    int32_t h = phrase(t, &L_NP, b->u[cc + 1].first, b->u[cc + 1].end, co);
    if (h < 0)
        return -1;
    for (uint32_t j = b->u[cc + 1].first; j < b->u[cc + 1].end; j++)
        if (leaf(t, j, h) < 0)
            return -1;
    t->n[co].flags |= TN_DIST;
    *ui = cc + 2;
    return co;
}

/* Does the NP chunk at unit i start a new noun phrase (determiner,
 * pronoun, number) rather than continue a name ("the Gondor | main
 * opposition group" split by the chunker)? */
static int np_starts_new(const cbuild *b, uint32_t i)
{
    int p = ctok(b->t, b->u[i].first)->pos;
    return p == DT_POS_DT || p == DT_POS_PRP || p == DT_POS_PRPS || p == DT_POS_WP ||
           p == DT_POS_CD || p == DT_POS_EX || p == DT_POS_PDT;
}

/* A flat NP over units [i, ...): possessives absorb the possessed NP
 * (adjectives between them go in an ADJP, so their coordinator does not
 * make a compound), and a name continues into an adjacent NP chunk. */
static int32_t flat_np(cbuild *b, uint32_t *ui, int32_t parent)
{
    tree *t = b->t;
    uint32_t i = *ui;
    uint32_t first = b->u[i].first, end = b->u[i].end;
    uint32_t adj0 = 0, adj1 = 0; /* token range of absorbed adjectives */
    i++;
    for (;;) {
        int pos_end = ctok(t, end - 1)->pos == DT_POS_POS;
        if (!pos_end && unit_is_tok(b, i, DT_POS_POS)) {
            end = b->u[i].end;
            i++;
            pos_end = 1;
        }
        if (!pos_end) {
            /* "an anti- Gondor parade": a prefix glued to a hyphen modifies
             * the next noun chunk */
            if (i + 2 < b->nu && b->u[i].end == b->u[i].first + 1 &&
                b->u[i + 1].type == DT_CHUNK_O && b->u[i + 1].end == b->u[i + 1].first + 1 &&
                ctok(t, b->u[i + 1].first)->norm &&
                strcmp(ctok(t, b->u[i + 1].first)->norm, "-") == 0 &&
                !(ctok(t, b->u[i + 1].first)->flags & DT_TOK_SPACE_BEFORE) &&
                (ctok(t, b->u[i].first)->flags & DT_TOK_ALPHA) && unit_is(b, i + 2, DT_CHUNK_NP)) {
                end = b->u[i + 2].end;
                i += 3;
                continue;
            }
            const dt_token *lt = ctok(t, end - 1);
            int last = lt->pos;
            int name = last == DT_POS_NNP || last == DT_POS_NNPS ||
                       ((lt->flags & DT_TOK_CAP) && dt_pos_is_noun(last));
            if (name && unit_is(b, i, DT_CHUNK_NP) && !np_starts_new(b, i)) {
                end = b->u[i].end;
                i++;
                continue;
            }
            /* A capitalised word inside a sentence right after a name or a
             * determiner is part of the name, whatever its tag ("Michel
             * Delving", "the AU"). */
            if ((name || last == DT_POS_DT) && i < b->nu && b->u[i].end == b->u[i].first + 1 &&
                b->u[i].type != DT_CHUNK_PP && b->u[i].type != DT_CHUNK_SBAR) {
                const dt_token *nt = ctok(t, b->u[i].first);
                int p = nt->pos;
                if ((nt->flags & DT_TOK_CAP) && !(nt->flags & DT_TOK_SENT_START) &&
                    (nt->flags & DT_TOK_ALPHA) &&
                    (dt_pos_is_verb(p) || p == DT_POS_FW || dt_pos_is_adj(p) ||
                     dt_pos_is_noun(p))) {
                    end = b->u[i].end;
                    i++;
                    continue;
                }
            }
            break;
        }
        uint32_t k = i;
        while (k < b->nu &&
               (b->u[k].type == DT_CHUNK_ADJP ||
                (b->u[k].type == DT_CHUNK_O && (dt_pos_is_adj(ctok(t, b->u[k].first)->pos) ||
                                                ctok(t, b->u[k].first)->pos == DT_POS_CC))))
            k++;
        if (!unit_is(b, k, DT_CHUNK_NP))
            break;
        if (k > i && adj0 == adj1) {
            adj0 = b->u[i].first;
            adj1 = b->u[k - 1].end;
        }
        end = b->u[k].end;
        i = k + 1;
    }
    int32_t np = phrase(t, &L_NP, first, end, parent);
    if (np < 0)
        return -1;
    for (uint32_t j = first; j < end; j++) {
        if (j == adj0 && adj1 > adj0) {
            int32_t ap = phrase(t, &L_ADJP, adj0, adj1, np);
            if (ap < 0)
                return -1;
            for (; j < adj1; j++)
                if (leaf(t, j, ap) < 0)
                    return -1;
            j--;
            continue;
        }
        if (leaf(t, j, np) < 0)
            return -1;
    }
    *ui = i;
    return np;
}

static int32_t build_np(cbuild *b, uint32_t *ui, int32_t parent, int before_verb, int coord)
{
    tree *t = b->t;
    uint32_t i = *ui;
    int32_t np = flat_np(b, &i, parent);
    if (np < 0)
        return -1;
    /* "the parliament of Gondor in Eriador": after the verb, the object
     * of "of" keeps a following "in" phrase (where it is), as a parse
     * attaches it; the outer phrase is then no simple "NP of NP" and its
     * head and the "of" object become separate actor phrases */
    int of_obj = b->of_obj;
    b->of_obj = 0;
    /* NP-internal prepositional phrase */
    if ((is_of(b, i) || ((before_verb || of_obj) && unit_is(b, i, DT_CHUNK_PP) &&
                         (before_verb || is_prep(b, i, "IN")))) &&
        unit_is(b, i + 1, DT_CHUNK_NP)) {
        int32_t outer = phrase(t, &L_NP, t->n[np].first, t->n[np].end, parent);
        if (outer < 0)
            return -1;
        reparent(t, np, outer);
        int32_t pp = phrase(t, &L_PP, b->u[i].first, b->u[i].end, outer);
        if (pp < 0)
            return -1;
        for (uint32_t j = b->u[i].first; j < b->u[i].end; j++)
            if (leaf(t, j, pp) < 0)
                return -1;
        b->of_obj = !before_verb && is_of(b, i);
        i++;
        int32_t obj = build_np(b, &i, pp, before_verb, 1);
        b->of_obj = 0;
        if (obj < 0)
            return -1;
        t->n[pp].end = t->n[obj].end;
        t->n[outer].end = t->n[obj].end;
        np = outer;
    }
    /* coordination: NP (, NP)* [,] CC NP */
    if (coord) {
        uint32_t k = i;
        while (unit_is_tok(b, k, DT_POS_COMMA) && unit_is(b, k + 1, DT_CHUNK_NP))
            k += 2;
        if (unit_is_tok(b, k, DT_POS_COMMA) && unit_is_tok(b, k + 1, DT_POS_CC))
            k++;
        if (unit_is_tok(b, k, DT_POS_CC) && unit_is(b, k + 1, DT_CHUNK_NP) &&
            (before_verb || !coord_clause(b, k + 1))) {
            int32_t co = phrase(t, &L_NP, t->n[np].first, t->n[np].end, parent);
            if (co < 0)
                return -1;
            reparent(t, np, co);
            int32_t last = np;
            while (i <= k) {
                if (b->u[i].type == DT_CHUNK_O) {
                    if (leaf(t, b->u[i].first, co) < 0)
                        return -1;
                    i++;
                } else {
                    last = build_np(b, &i, co, before_verb, 0);
                    if (last < 0)
                        return -1;
                }
            }
            /* A member can run past the coordinator and take the last NP
             * with it (a name continued, "anti- X"); then that member was
             * the last, and the unit after it (maybe the sentence's end)
             * is no part of the compound. */
            if (i == k + 1) {
                last = build_np(b, &i, co, before_verb, 0);
                if (last < 0)
                    return -1;
            }
            t->n[co].end = t->n[last].end;
            np = co;
        }
    }
    *ui = i;
    return np;
}

static const tlabel *leaf_label(const tree *t, uint32_t j)
{
    if (t->relabel && t->relabel[j])
        return t->relabel[j];
    return pos_label(ctok(t, j)->pos);
}

/* Is token j a form of a dictionary verb? */
static int dict_verb(const tree *t, uint32_t j)
{
    uint32_t id = t->ids ? t->ids[j] : 0;
    uint32_t n = 0;
    return id && t->dicts && dt_dict_verb_forms(t->dicts, id, &n) && n > 0;
}

static int is_be(const dt_token *tk)
{
    static const char *const be[] = {"IS", "WAS", "ARE", "WERE", "BE", "BEEN", NULL};
    const char *w = tk->norm ? tk->norm : "";
    for (int k = 0; be[k]; k++)
        if (streq(w, be[k]))
            return 1;
    return 0;
}

static int word_is(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (streq(w, *list))
            return 1;
    return 0;
}

/* "today", "Monday", "last week": a noun chunk made only of a time word,
 * optionally after last/next/this. */
static int is_time_np(const cbuild *b, uint32_t i)
{
    static const char *const when[] = {"TODAY",   "YESTERDAY", "TOMORROW", "TONIGHT",   "MONDAY",
                                       "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",    "SATURDAY",
                                       "SUNDAY",  "WEEK",      "MONTH",    "YEAR",      "WEEKEND",
                                       "MORNING", "EVENING",   "NIGHT",    "AFTERNOON", NULL};
    static const char *const mod[] = {"LAST", "NEXT", "THIS", "EARLY", "LATE", NULL};
    const unit *u = &b->u[i];
    uint32_t n = u->end - u->first;
    if (n == 0 || n > 2)
        return 0;
    const dt_token *a = ctok(b->t, u->first), *z = ctok(b->t, u->end - 1);
    if (!a->norm || !z->norm)
        return 0;
    /* the first letters of the words in when[] (most nouns have none) */
    unsigned c0 = (unsigned char)z->norm[0] - 'A';
    const unsigned first = 1u << ('A' - 'A') | 1u << ('E' - 'A') | 1u << ('F' - 'A') |
                           1u << ('M' - 'A') | 1u << ('N' - 'A') | 1u << ('S' - 'A') |
                           1u << ('T' - 'A') | 1u << ('W' - 'A') | 1u << ('Y' - 'A');
    if (c0 >= 26 || !(first & (1u << c0)) || !word_is(z->norm, when))
        return 0;
    return n == 1 || word_is(a->norm, mod);
}

static int tree_from_chunks(tree *t)
{
    const dt_sentence *s = t->s;
    const dt_doctext *d = t->d;
    uint32_t ntok = s->ntok;
    t->root = tn_new(t, &L_S, -1, -1);
    t->n[t->root].first = 0;
    t->n[t->root].end = ntok;
    cbuild b;
    b.t = t;
    b.u = dt_arena_alloc(t->a, (size_t)(ntok + 1) * sizeof *b.u);
    b.nu = 0;
    b.of_obj = 0;
    b.ccnext = NULL;
    if (!b.u)
        return DT_ENOMEM;
    {
        uint32_t j = 0, c = s->chunk, cend = s->chunk + s->nchunk;
        if (cend > d->nchunk)
            cend = (uint32_t)d->nchunk;
        while (j < ntok) {
            while (c < cend && d->chunk[c].first + d->chunk[c].n <= s->tok + j)
                c++;
            if (c < cend && d->chunk[c].first == s->tok + j && d->chunk[c].n > 0 &&
                d->chunk[c].type != DT_CHUNK_O) {
                uint32_t e = d->chunk[c].first + d->chunk[c].n - s->tok;
                if (e > ntok)
                    e = ntok;
                b.u[b.nu++] = (unit){d->chunk[c].type, j, e};
                j = e;
            } else {
                b.u[b.nu++] = (unit){DT_CHUNK_O, j, j + 1};
                j++;
            }
        }
    }
    /* Tagging repairs, for dictionary verbs only: "is said to" (a
     * participle tagged as an adjective after BE), and a sentence with no
     * verb group whose subject chunk ends in a lower-case verb ("Ethiopia
     * act on ..."). */
    t->relabel = dt_arena_calloc(t->a, ntok + 1, sizeof *t->relabel);
    if (!t->relabel)
        return DT_ENOMEM;
    for (uint32_t k = 0; k < b.nu; k++) {
        uint32_t j = b.u[k].first;
        if (b.u[k].end == j + 1 && j > 0 && dt_pos_is_adj(ctok(t, j)->pos) &&
            is_be(ctok(t, j - 1)) && dict_verb(t, j)) {
            b.u[k].type = DT_CHUNK_VP;
            t->relabel[j] = &pos_lab[DT_POS_VBN];
        }
    }
    for (uint32_t k = 0; k < b.nu; k++) {
        uint32_t e = b.u[k].end;
        if (b.u[k].type != DT_CHUNK_NP || e - b.u[k].first < 2)
            continue;
        const dt_token *lt = ctok(t, e - 1);
        if ((lt->flags & DT_TOK_CAP) || !(lt->flags & DT_TOK_ALPHA) || !dict_verb(t, e - 1))
            continue;
        /* only in a clause without any verb group */
        uint32_t cl = ctok(t, b.u[k].first)->clause;
        int clause_vp = 0;
        for (uint32_t m = 0; m < b.nu && !clause_vp; m++)
            clause_vp = b.u[m].type == DT_CHUNK_VP && ctok(t, b.u[m].first)->clause == cl;
        if (clause_vp)
            continue;
        if (b.nu + 1 > ntok + 1)
            break;
        memmove(&b.u[k + 2], &b.u[k + 1], (size_t)(b.nu - k - 1) * sizeof *b.u);
        b.nu++;
        b.u[k].end = e - 1;
        b.u[k + 1] = (unit){DT_CHUNK_VP, e - 1, e};
        t->relabel[e - 1] = &pos_lab[DT_POS_VBP];
        break;
    }
    b.ccnext = dt_arena_alloc(t->a, (size_t)(b.nu + 1) * sizeof *b.ccnext);
    if (!b.ccnext)
        return DT_ENOMEM;
    b.ccnext[b.nu] = b.nu;
    for (uint32_t k = b.nu; k-- > 0;)
        b.ccnext[k] = unit_is_tok(&b, k, DT_POS_CC) ? k : b.ccnext[k + 1];
    int32_t clause = t->root, cur = t->root;
    int before_verb = 1;
    uint32_t curclause = ntok ? ctok(t, 0)->clause : 0;
    uint32_t i = 0;
    while (i < b.nu) {
        const unit *u = &b.u[i];
        const dt_token *tk = ctok(t, u->first);
        if (tk->clause != curclause && u->first > 0) {
            curclause = tk->clause;
            int prev_comma = ctok(t, u->first - 1)->pos == DT_POS_COMMA;
            /* after a comma a new clause is the sentence's ("..., officials
             * said"); otherwise it complements the open verb phrase */
            int32_t host = prev_comma ? t->root : (cur != clause ? cur : clause);
            if (u->type == DT_CHUNK_SBAR && cur != clause)
                host = cur;
            int32_t par = host;
            if (host != t->root && host != clause) {
                par = phrase(t, &L_SBAR, u->first, ntok, host);
                if (par < 0)
                    return DT_ELIMIT;
            }
            int32_t sx = phrase(t, &L_S, u->first, ntok, par);
            if (sx < 0)
                return DT_ELIMIT;
            clause = cur = sx;
            before_verb = 1;
        }
        uint32_t cc = 0;
        if (dist_at(&b, i, &cc)) {
            /* "Chinese and Russian warships" */
            if (build_dist(&b, &i, cc, cur) < 0)
                return DT_ELIMIT;
            continue;
        }
        switch (u->type) {
        case DT_CHUNK_NP: {
            if (is_time_np(&b, i)) {
                /* a bare time expression ("said today") is not an actor
                 * phrase: a parser labels it NP-TMP */
                int32_t np = phrase(t, &L_NPTMP, u->first, u->end, cur);
                if (np < 0)
                    return DT_ELIMIT;
                for (uint32_t j = u->first; j < u->end; j++)
                    if (leaf(t, j, np) < 0)
                        return DT_ELIMIT;
                i++;
                continue;
            }
            int32_t np = build_np(&b, &i, cur, before_verb, 1);
            if (np < 0)
                return DT_ELIMIT;
            /* "Subject , parenthetical , verb": the parenthetical joins
             * the subject, as in a parse. */
            if (before_verb && cur == clause && unit_is_tok(&b, i, DT_POS_COMMA)) {
                uint32_t k = i + 1;
                while (k < b.nu && k < i + 16 && !unit_is_tok(&b, k, DT_POS_COMMA))
                    k++;
                if (unit_is_tok(&b, k, DT_POS_COMMA) &&
                    (unit_is(&b, k + 1, DT_CHUNK_VP) ||
                     (unit_is(&b, k + 1, DT_CHUNK_ADVP) && unit_is(&b, k + 2, DT_CHUNK_VP)))) {
                    int32_t w = phrase(t, &L_NP, t->n[np].first, b.u[k].end, cur);
                    if (w < 0)
                        return DT_ELIMIT;
                    reparent(t, np, w);
                    while (i <= k) {
                        if (b.u[i].type == DT_CHUNK_NP) {
                            if (flat_np(&b, &i, w) < 0)
                                return DT_ELIMIT;
                        } else {
                            for (uint32_t j = b.u[i].first; j < b.u[i].end; j++)
                                if (leaf(t, j, w) < 0)
                                    return DT_ELIMIT;
                            i++;
                        }
                    }
                }
            }
            continue;
        }
        case DT_CHUNK_PP: {
            int32_t pp = phrase(t, &L_PP, u->first, u->end, cur);
            if (pp < 0)
                return DT_ELIMIT;
            for (uint32_t j = u->first; j < u->end; j++)
                if (leaf(t, j, pp) < 0)
                    return DT_ELIMIT;
            i++;
            if (dist_at(&b, i, &cc)) {
                int32_t obj = build_dist(&b, &i, cc, pp);
                if (obj < 0)
                    return DT_ELIMIT;
                t->n[pp].end = t->n[obj].end;
            } else if (unit_is(&b, i, DT_CHUNK_NP)) {
                int32_t obj = build_np(&b, &i, pp, before_verb, 1);
                if (obj < 0)
                    return DT_ELIMIT;
                t->n[pp].end = t->n[obj].end;
            }
            continue;
        }
        case DT_CHUNK_VP:
            for (uint32_t j = u->first; j < u->end; j++) {
                int pos = ctok(t, j)->pos;
                if (dt_pos_is_verb(pos) || t->relabel[j]) {
                    int32_t vp = phrase(t, &L_VP, j, ntok, cur);
                    if (vp < 0)
                        return DT_ELIMIT;
                    cur = vp;
                    before_verb = 0;
                }
                if (leaf(t, j, cur) < 0)
                    return DT_ELIMIT;
            }
            i++;
            continue;
        default: {
            int pos = tk->pos;
            /* "complete, full diplomatic ties": an adjective series before a
             * noun chunk is one noun phrase, comma included, as in a parse. */
            if ((dt_pos_is_adj(pos) || u->type == DT_CHUNK_ADJP) &&
                unit_is_tok(&b, i + 1, DT_POS_COMMA) && unit_is(&b, i + 2, DT_CHUNK_NP)) {
                uint32_t e = b.u[i + 2].end;
                int32_t np = phrase(t, &L_NP, u->first, e, cur);
                if (np < 0)
                    return DT_ELIMIT;
                for (uint32_t j = u->first; j < e; j++)
                    if (leaf(t, j, np) < 0)
                        return DT_ELIMIT;
                i += 3;
                continue;
            }
            if (pos == DT_POS_COMMA) {
                /* A comma ends the verb phrases only before a new clause or a
                 * coordinator; an adjective series ("complete, full ties") or
                 * an adverbial ("..., five years after ...") stays inside. */
                int prev_adj = u->first > 0 && dt_pos_is_adj(ctok(t, u->first - 1)->pos);
                int newcl = unit_is(&b, i + 1, DT_CHUNK_VP) || unit_is(&b, i + 1, DT_CHUNK_SBAR) ||
                            unit_is_tok(&b, i + 1, DT_POS_CC) ||
                            unit_is_tok(&b, i + 1, DT_POS_WDT) ||
                            unit_is_tok(&b, i + 1, DT_POS_WP) ||
                            (i + 1 < b.nu && ctok(t, b.u[i + 1].first)->clause != tk->clause);
                if (!prev_adj && newcl)
                    cur = clause;
                /* before a new clause the comma belongs to the sentence, so
                 * that comma-clause deletion sees the clause as complete */
                if (!prev_adj && i + 1 < b.nu && ctok(t, b.u[i + 1].first)->clause != tk->clause &&
                    !unit_is(&b, i + 1, DT_CHUNK_SBAR)) {
                    if (leaf(t, u->first, t->root) < 0)
                        return DT_ELIMIT;
                    cur = clause;
                    i++;
                    continue;
                }
            } else if (pos == DT_POS_PERIOD || pos == DT_POS_COLON ||
                       (pos == DT_POS_CC && unit_is(&b, i + 1, DT_CHUNK_VP))) {
                cur = clause;
            } else if (pos == DT_POS_CC && !before_verb && coord_clause(&b, i + 1)) {
                /* "Japan condemned the launch and South Korea expressed
                 * concern": the second clause has its own subject and verb,
                 * so it is a sibling clause, not part of the first verb's
                 * object (whose target would otherwise run into it). */
                if (leaf(t, u->first, t->root) < 0)
                    return DT_ELIMIT;
                int32_t sx = phrase(t, &L_S, b.u[i + 1].first, ntok, t->root);
                if (sx < 0)
                    return DT_ELIMIT;
                clause = cur = sx;
                before_verb = 1;
                i++;
                continue;
            }
            for (uint32_t j = u->first; j < u->end; j++)
                if (leaf(t, j, cur) < 0)
                    return DT_ELIMIT;
            i++;
            continue;
        }
        }
    }
    /* Spans of open-ended phrases end at their last descendant. */
    for (int32_t k = (int32_t)t->nn - 1; k >= 0; k--) {
        tnode *x = &t->n[k];
        if (x->tok >= 0)
            continue;
        uint32_t e = x->first;
        for (int32_t c = x->kid; c >= 0; c = t->n[c].next)
            if (t->n[c].end > e)
                e = t->n[c].end;
        x->end = e;
    }
    return DT_OK;
}

/* ---- analyses on the tree ---------------------------------------- */

static int subtree_has(const tree *t, int32_t x, int (*pred)(const tnode *))
{
    if (pred(&t->n[x]))
        return 1;
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next)
        if (subtree_has(t, k, pred))
            return 1;
    return 0;
}

static int count_pred(const tree *t, int32_t x, int (*pred)(const tnode *))
{
    int c = pred(&t->n[x]);
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next)
        c += count_pred(t, k, pred);
    return c;
}

static int p_vp_or_s(const tnode *x)
{
    return x->tok < 0 ? (starts(x->lab->name, "VP") || x->lab->name[0] == 'S')
                      : x->lab->name[0] == 'S'; /* SYM counts, as "(S" does in PETRARCH */
}
static int p_cc(const tnode *x)
{
    return starts(x->lab->name, "CC");
}
static int p_n(const tnode *x)
{
    return x->lab->name[0] == 'N' || (x->flags & TN_NEC);
}
static int p_pos(const tnode *x)
{
    return x->tok >= 0 && (x->lab->lb & LB_POS);
}
static int p_pp(const tnode *x)
{
    return x->tok < 0 && (x->lab->lb & LB_PP);
}
static int p_np_or_nec(const tnode *x)
{
    return x->tok < 0 && ((x->lab->lb & LB_NP) || (x->flags & TN_NEC));
}

/* Which of p_pos, p_pp, p_np_or_nec hold somewhere strictly below each
 * node, in one pass before emission (the tree no longer changes), so
 * that emission's searches run only where they will find something. */
enum { B_POS = 1, B_PP = 2, B_NPN = 4 };

static uint8_t calc_below(tree *t, int32_t x)
{
    uint8_t b = 0;
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next) {
        const tnode *c = &t->n[k];
        b |=
            (uint8_t)((p_pos(c) ? B_POS : 0) | (p_pp(c) ? B_PP : 0) | (p_np_or_nec(c) ? B_NPN : 0));
        if (c->tok < 0)
            b |= calc_below(t, k);
    }
    t->n[x].below = b;
    return b;
}

/* PETRARCH's compound marking: a CC whose phrase holds no verb phrase or
 * clause and only one coordinator, in a noun phrase with several nouns,
 * makes that noun phrase a compound. */
static void mark_compounds(tree *t)
{
    for (uint32_t i = 0; i < t->nn; i++) {
        tnode *x = &t->n[i];
        if (x->tok < 0 || !is_label(x, "CC"))
            continue;
        int32_t p = x->parent;
        if (p < 0)
            continue;
        if (subtree_has(t, p, p_vp_or_s)) {
            x->flags |= TN_CCP;
            x->lab = &L_CCP;
        } else if (count_pred(t, p, p_cc) > 1) {
            /* several coordinators: not treated as a compound */
        } else if (starts(t->n[p].lab->name, "NP") && p != t->root) {
            if (count_pred(t, p, p_n) >= 3)
                t->n[p].flags |= TN_NEC;
        }
    }
}

/* Relative clauses inside noun phrases become flat word lists. */
static void mark_sbr(tree *t, int32_t x, int in_np)
{
    tnode *n = &t->n[x];
    if (n->tok >= 0)
        return;
    if (in_np && is_label(n, "SBAR")) {
        n->flags |= TN_SBR;
        return;
    }
    int np = in_np || starts(n->lab->name, "NP");
    for (int32_t k = n->kid; k >= 0; k = t->n[k].next)
        mark_sbr(t, k, np);
}

/* ---- emission ---------------------------------------------------- */

static const char *word_of(tree *t, int32_t tok, uint32_t *id)
{
    const dt_token *tk = &t->tok0[tok];
    const char *w = tk->norm ? tk->norm : "";
    size_t n = tk->norm ? tk->norm_len : 0;
    /* Markup characters would be read as tags. */
    if (n > 0 && (w[0] == '(' || w[0] == '[' || w[0] == '{'))
        w = "-LRB-", n = 5;
    else if (n > 0 && (w[0] == ')' || w[0] == ']' || w[0] == '}'))
        w = "-RRB-", n = 5;
    else if (n > 0 && w[0] == '~')
        w = "-TILDA-", n = 7;
    else if (n == 0)
        w = "-EMPTY-", n = 7;
    else if (t->ids) {
        *id = t->ids[tok];
        return w;
    }
    *id = t->dicts ? dt_dict_word_id(t->dicts, w, n) : 0;
    return w;
}

static const char *tagstr(dt_arena *a, char open, const char *label, uint32_t idx)
{
    char buf[32];
    size_t ln = strlen(label);
    if (ln > 15)
        ln = 15;
    buf[0] = open;
    memcpy(buf + 1, label, ln);
    size_t n = ln + 1;
    if (idx) {
        char num[12];
        size_t k = 0;
        uint32_t v = idx;
        while (v) {
            num[k++] = (char)('0' + v % 10);
            v /= 10;
        }
        while (k)
            buf[n++] = num[--k];
    }
    return dt_arena_strndup(a, buf, n);
}

/* The numbered tags of the first 99 NPs, VPs and compounds of a sentence
 * as static strings ("(NP1" ... "~VP99"), so that most sentences make
 * none in the arena. */
#define DT__T1(p, n) p #n
#define DT__T10(p, d)                                                                              \
    DT__T1(p, d##0), DT__T1(p, d##1), DT__T1(p, d##2), DT__T1(p, d##3), DT__T1(p, d##4),           \
        DT__T1(p, d##5), DT__T1(p, d##6), DT__T1(p, d##7), DT__T1(p, d##8), DT__T1(p, d##9)
#define DT__TAGS(p)                                                                                \
    {                                                                                              \
        NULL, DT__T1(p, 1), DT__T1(p, 2), DT__T1(p, 3), DT__T1(p, 4), DT__T1(p, 5), DT__T1(p, 6),  \
            DT__T1(p, 7), DT__T1(p, 8), DT__T1(p, 9), DT__T10(p, 1), DT__T10(p, 2), DT__T10(p, 3), \
            DT__T10(p, 4), DT__T10(p, 5), DT__T10(p, 6), DT__T10(p, 7), DT__T10(p, 8),             \
            DT__T10(p, 9)                                                                          \
    }
static const char *const np_open[100] = DT__TAGS("(NP"), *const np_close[100] = DT__TAGS("~NP"),
                         *const vp_open[100] = DT__TAGS("(VP"),
                         *const vp_close[100] = DT__TAGS("~VP"),
                         *const nc_open[100] = DT__TAGS("(NEC"),
                         *const nc_close[100] = DT__TAGS("~NEC");
#undef DT__TAGS
#undef DT__T10
#undef DT__T1

/* tagstr(a, open, label, idx) for idx >= 1, from tab while it lasts */
static const char *numtag(dt_arena *a, const char *const tab[100], char open, const char *label,
                          uint32_t idx)
{
    return idx >= 1 && idx < 100 ? tab[idx] : tagstr(a, open, label, idx);
}

/* Push a tag (or the code slot) with its known flags. */
static void push_tag(tree *t, const char *s, unsigned f)
{
    (void)dt__pl_push_f(t->out, s, 0, -1, f);
}

/* The item flags of word w (dt__pl_flags) in one pass, and in *sep
 * whether an underscore or blank comes after its first byte (1), first
 * (-1), or nowhere (0): strpbrk(w, "_ ") > w. */
static unsigned word_scan(const char *w, int *sep)
{
    static const uint8_t cls[256] = {
        [0] = 1, ['~'] = 2, ['('] = 3, ['N'] = 4, ['_'] = 5, [' '] = 5};
    unsigned f = 0;
    *sep = 0;
    for (const char *p = w;; p++) {
        unsigned k = cls[(unsigned char)*p];
        if (!k)
            continue;
        if (k == 1)
            break;
        if (k == 2) {
            f |= DT__PL_TILDE | (p != w ? DT__PL_LATER : 0);
            if (p[1] == ',')
                f |= DT__PL_TCOMMA;
            else if (p[1] == 'N' && p[2] == 'E')
                f |= DT__PL_TNE;
        } else if (k == 3) {
            f |= DT__PL_OPEN | (p != w ? DT__PL_LATER : 0);
        } else if (k == 4) {
            if (p[1] == 'E' && p[2] == 'C')
                f |= DT__PL_NEC;
        } else if (!*sep) {
            *sep = p == w ? -1 : 1;
        }
    }
    if (w[0] == '(')
        f |= DT__PL_MOPEN | (w[1] == ',' && w[2] == '\0' ? DT__PL_COMMA : 0);
    else if (w[0] == '~')
        f |= DT__PL_MCLOSE;
    return f;
}

unsigned dt__pl_flags(const char *s)
{
    int sep;
    return word_scan(s, &sep);
}

unsigned dt__pl_word_flags(const char *w)
{
    int sep;
    unsigned f = word_scan(w, &sep);
    /* word_of's replacements, and push_word's split */
    if (!w[0] || w[0] == '(' || w[0] == '[' || w[0] == '{' || w[0] == ')' || w[0] == ']' ||
        w[0] == '}' || w[0] == '~' || (sep > 0 && w[0] != '-'))
        f |= DT__PL_WSLOW;
    return f;
}

static void push_word(tree *t, int32_t tok)
{
    /* A dictionary word: its flags were made with the coder. The token's
     * norm is the word itself when the NUL ends it where norm_len says
     * (a norm of 64 KiB or more wraps norm_len). */
    if (t->ids && t->ids[tok] && t->ids[tok] < t->nwflags) {
        uint32_t id = t->ids[tok];
        unsigned wf = t->wflags[id];
        const dt_token *tk = &t->tok0[tok];
        if (!(wf & DT__PL_WSLOW) && tk->norm && tk->norm[tk->norm_len] == '\0') {
            (void)dt__pl_push_f(t->out, tk->norm, id, (int32_t)t->s->tok + tok, wf);
            return;
        }
    }
    uint32_t id;
    const char *w = word_of(t, tok, &id);
    int sep;
    unsigned f = word_scan(w, &sep);
    if (sep > 0 && w[0] != '-') {
        /* "Dol_Amroth": an underscore joins words, as in the dictionaries */
        const char *p = w;
        while (*p) {
            size_t n = strcspn(p, "_ ");
            if (n) {
                const char *part = dt_arena_strndup(t->a, p, n);
                if (part)
                    (void)dt__pl_push(t->out, part,
                                      t->dicts ? dt_dict_word_id(t->dicts, part, n) : 0,
                                      (int32_t)t->s->tok + tok);
            }
            p += n;
            while (*p == '_' || *p == ' ')
                p++;
        }
        return;
    }
    (void)dt__pl_push_f(t->out, w, id, (int32_t)t->s->tok + tok, f);
}

/* Raw copy with markup (compounds inside an NE, as PETRARCH's get_NE). */
static void emit_raw(tree *t, int32_t x)
{
    tnode *n = &t->n[x];
    if (n->tok >= 0) {
        push_tag(t, n->lab->open, n->lab->fopen);
        push_word(t, n->tok);
        push_tag(t, n->lab->close, n->lab->fclose);
        return;
    }
    const tlabel *lab = (n->flags & TN_NEC) ? &L_NEC : n->lab;
    push_tag(t, lab->open, lab->fopen);
    for (int32_t k = n->kid; k >= 0; k = t->n[k].next)
        emit_raw(t, k);
    push_tag(t, lab->close, lab->fclose);
}

/* Words of a subtree for an NE; compounds are kept with their markup. */
static void ne_words(tree *t, int32_t x, int32_t skip_tok)
{
    tnode *n = &t->n[x];
    if (n->tok >= 0) {
        if (n->tok != skip_tok)
            push_word(t, n->tok);
        return;
    }
    if (n->flags & TN_NEC) {
        emit_raw(t, x);
        return;
    }
    for (int32_t k = n->kid; k >= 0; k = t->n[k].next)
        ne_words(t, k, skip_tok);
}

static void ne_open(tree *t)
{
    push_tag(t, "(NE", DT__PL_OPEN | DT__PL_MOPEN);
    push_tag(t, "---", 0);
}

static void ne_close(tree *t)
{
    push_tag(t, "~NE", DT__PL_TILDE | DT__PL_MCLOSE | DT__PL_TNE);
}

static int32_t first_pre(const tree *t, int32_t x, int (*pred)(const tnode *))
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next) {
        if (pred(&t->n[k]))
            return k;
        int32_t r = first_pre(t, k, pred);
        if (r >= 0)
            return r;
    }
    return -1;
}

static int32_t first_pos_tok(const tree *t, int32_t x)
{
    if (!(t->n[x].below & B_POS))
        return -1;
    int32_t k = first_pre(t, x, p_pos);
    return k >= 0 ? t->n[k].tok : -1;
}

/* Leaves of x in order (helper for the preposition rule). */
static int32_t find_leaf_after(const tree *t, int32_t x, uint32_t after, const char *label)
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next) {
        if (t->n[k].tok >= 0) {
            if ((uint32_t)t->n[k].tok >= after && is_label(&t->n[k], label))
                return k;
        } else if (t->n[k].end > after) {
            int32_t r = find_leaf_after(t, k, after, label);
            if (r >= 0)
                return r;
        }
    }
    return -1;
}

static int32_t find_np_after(const tree *t, int32_t x, uint32_t after)
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next) {
        if (t->n[k].tok >= 0)
            continue;
        if (t->n[k].first >= after && p_np_or_nec(&t->n[k]))
            return k;
        if (t->n[k].end > after) {
            int32_t r = find_np_after(t, k, after);
            if (r >= 0)
                return r;
        }
    }
    return -1;
}

static int32_t find_sbr_after(const tree *t, int32_t x, uint32_t after)
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next) {
        if (t->n[k].tok >= 0)
            continue;
        if ((t->n[k].flags & TN_SBR) && t->n[k].first >= after)
            return k;
        if (t->n[k].end > after) {
            int32_t r = find_sbr_after(t, k, after);
            if (r >= 0)
                return r;
        }
    }
    return -1;
}

/* PETRARCH's process_preposition: "(NP (NP head) (PP of (NP obj)))" is
 * one NE of the head, the preposition and the object. Returns 1 if
 * emitted. */
static int emit_prep(tree *t, int32_t np)
{
    int32_t pp = (t->n[np].below & B_PP) ? first_pre(t, np, p_pp) : -1;
    if (pp < 0)
        return 0;
    int32_t e = t->n[pp].parent;
    if (e < 0 || !starts(t->n[e].lab->name, "NP") || (t->n[e].flags & TN_NEC))
        return 0;
    int32_t inner = t->n[e].kid;
    if (inner < 0 || t->n[inner].tok >= 0 || !p_np_or_nec(&t->n[inner]))
        return 0;
    int32_t in = find_leaf_after(t, e, t->n[inner].end, "IN");
    if (in < 0)
        return 0;
    int32_t obj = find_np_after(t, e, (uint32_t)t->n[in].tok + 1);
    if (obj < 0)
        return 0;
    if (t->n[obj].below & B_PP) /* first_pre(t, obj, p_pp) >= 0 */
        return 0;
    int32_t sbr = find_sbr_after(t, t->root, t->n[obj].end);
    ne_open(t);
    if (t->n[inner].flags & TN_NEC)
        emit_raw(t, inner);
    else
        ne_words(t, inner, -1);
    push_word(t, t->n[in].tok);
    if (t->n[obj].flags & TN_NEC)
        emit_raw(t, obj);
    else
        ne_words(t, obj, -1);
    if (sbr >= 0)
        ne_words(t, sbr, -1);
    ne_close(t);
    return 1;
}

static int p_jj(const tnode *x)
{
    return x->tok >= 0 && starts(x->lab->name, "JJ");
}

/* Compounds at the top level: one NE per noun phrase or noun, initial
 * adjectives copied into each (PETRARCH's resolve_compounds). */
static void emit_nec(tree *t, int32_t x)
{
    t->ncindex++;
    push_tag(t, numtag(t->a, nc_open, '(', "NEC", t->ncindex),
             DT__PL_OPEN | DT__PL_MOPEN | DT__PL_NEC);
    /* adjectives before the first noun phrase / noun */
    int32_t adj[8];
    int nadj = 0;
    int32_t stack[64];
    int sp = 0;
    /* preorder walk collecting the top-most N* nodes */
    int32_t items[256];
    int nitems = 0, seen_noun = 0;
    for (int32_t k = t->n[x].kid; k >= 0 && sp < 63; k = t->n[k].next)
        stack[sp++] = k;
    /* reverse so that we pop in order */
    for (int i = 0; i < sp / 2; i++) {
        int32_t tmp = stack[i];
        stack[i] = stack[sp - 1 - i];
        stack[sp - 1 - i] = tmp;
    }
    while (sp > 0) {
        int32_t k = stack[--sp];
        tnode *n = &t->n[k];
        if (starts(n->lab->name, "NP") || starts(n->lab->name, "NN") || (n->flags & TN_NEC)) {
            seen_noun = 1;
            if (nitems < 256)
                items[nitems++] = k;
            continue;
        }
        if (!seen_noun && p_jj(n) && nadj < 8)
            adj[nadj++] = k;
        if (n->tok < 0) {
            int32_t tmp[64];
            int m = 0;
            for (int32_t c = n->kid; c >= 0 && m < 64; c = t->n[c].next)
                tmp[m++] = c;
            while (m > 0 && sp < 63)
                stack[sp++] = tmp[--m];
        }
    }
    /* Raw text only: in "Danish media and government" (no determiner)
     * the first conjunct's modifiers scope over bare-noun conjuncts too, as
     * a parser's flat NP gives it; chunks split the NP at the conjunction. */
    int32_t shared[8];
    int nshared = 0;
    if (t->raw && nitems > 1 && t->n[items[0]].tok < 0) {
        int32_t c = t->n[items[0]].kid;
        if (c >= 0 && t->n[c].tok >= 0 && !is_label(&t->n[c], "DT") &&
            !is_label(&t->n[c], "PRP$")) {
            for (; c >= 0 && t->n[c].next >= 0 && nshared < 8; c = t->n[c].next) {
                if (t->n[c].tok < 0 ||
                    !(starts(t->n[c].lab->name, "JJ") || is_label(&t->n[c], "NNP")))
                    break;
                shared[nshared++] = c;
            }
            if (c < 0 || t->n[c].next >= 0)
                nshared = 0; /* the modifiers must lead straight to the head */
        }
    }
    /* TN_DIST: the head words of the last conjunct (after its leading
     * modifiers; for a name, after its first word: "North and South
     * Korea") complete the modifier conjuncts */
    int32_t head0 = -1, head1 = -1;
    if ((t->n[x].flags & TN_DIST) && nitems > 1 && t->n[items[nitems - 1]].tok < 0) {
        const tnode *last = &t->n[items[nitems - 1]];
        uint32_t j = last->first;
        while (j < last->end && dist_mod_tok(t, j))
            j++;
        if (j >= last->end)
            j = last->first + 1;
        head0 = (int32_t)j;
        head1 = (int32_t)last->end;
    }
    for (int i = 0; i < nitems; i++) {
        int32_t k = items[i];
        ne_open(t);
        if (t->n[k].tok >= 0) {
            for (int j = 0; j < nadj; j++)
                push_word(t, t->n[adj[j]].tok);
            if (i > 0 && nadj == 0 &&
                dt_pos_is_noun(t->d->tok[t->s->tok + (uint32_t)t->n[k].tok].pos))
                for (int j = 0; j < nshared; j++)
                    push_word(t, t->n[shared[j]].tok);
            push_word(t, t->n[k].tok);
        } else {
            int32_t only = t->n[k].kid;
            if (i > 0 && only >= 0 && t->n[only].next < 0 && t->n[only].tok >= 0 &&
                starts(t->n[only].lab->name, "NN") && !is_label(&t->n[only], "NNP"))
                for (int j = 0; j < nshared; j++)
                    push_word(t, t->n[shared[j]].tok);
            ne_words(t, k, -1);
            if (head0 >= 0 && i < nitems - 1)
                for (int32_t j = head0; j < head1; j++)
                    push_word(t, j);
        }
        ne_close(t);
    }
    push_tag(t, numtag(t->a, nc_close, '~', "NEC", t->ncindex),
             DT__PL_TILDE | DT__PL_MCLOSE | DT__PL_TNE | DT__PL_NEC);
}

static void emit(tree *t, int32_t x);

static void emit_kids(tree *t, int32_t x)
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next)
        emit(t, k);
}

static void emit(tree *t, int32_t x)
{
    tnode *n = &t->n[x];
    if (n->tok >= 0) {
        push_tag(t, n->lab->open, n->lab->fopen);
        push_word(t, n->tok);
        push_tag(t, n->lab->close, n->lab->fclose);
        return;
    }
    if (n->flags & TN_SBR) {
        push_tag(t, "(SBR", DT__PL_OPEN | DT__PL_MOPEN);
        ne_words(t, x, -1);
        push_tag(t, "~SBR", DT__PL_TILDE | DT__PL_MCLOSE);
        return;
    }
    if (n->flags & TN_NEC) {
        emit_nec(t, x);
        return;
    }
    if (is_label(n, "NP")) {
        int32_t pos = first_pos_tok(t, x);
        if (pos >= 0) {
            ne_open(t);
            ne_words(t, x, pos);
            ne_close(t);
            return;
        }
        if (t->n[x].below & B_PP) { /* first_pre(t, x, p_pp) >= 0 */
            if (emit_prep(t, x))
                return;
        } else if (!(t->n[x].below & B_NPN)) { /* no NP or compound below */
            ne_open(t);
            ne_words(t, x, -1);
            ne_close(t);
            return;
        }
        t->npindex++;
        push_tag(t, numtag(t->a, np_open, '(', "NP", t->npindex), DT__PL_OPEN | DT__PL_MOPEN);
        emit_kids(t, x);
        push_tag(t, numtag(t->a, np_close, '~', "NP", t->npindex), DT__PL_TILDE | DT__PL_MCLOSE);
        return;
    }
    if (is_label(n, "VP")) {
        t->vpindex++;
        uint32_t idx = t->vpindex;
        push_tag(t, numtag(t->a, vp_open, '(', "VP", idx), DT__PL_OPEN | DT__PL_MOPEN);
        emit_kids(t, x);
        push_tag(t, numtag(t->a, vp_close, '~', "VP", idx), DT__PL_TILDE | DT__PL_MCLOSE);
        return;
    }
    push_tag(t, n->lab->open, n->lab->fopen);
    emit_kids(t, x);
    push_tag(t, n->lab->close, n->lab->fclose);
}

int dt__plist_build(const dt_dicts *dicts, dt_arena *a, const dt_doctext *d, size_t si,
                    const uint32_t *ids, const uint16_t *wflags, uint32_t nwflags, dt__plist *out)
{
    const dt_sentence *s = &d->sent[si];
    tree t;
    memset(&t, 0, sizeof t);
    t.d = d;
    t.s = s;
    t.tok0 = d->tok ? d->tok + s->tok : NULL;
    t.dicts = dicts;
    t.a = a;
    t.out = out;
    t.ids = ids;
    t.wflags = wflags;
    t.nwflags = wflags ? nwflags : 0;
    t.cap = s->ntok * 4 + s->ncons + 16;
    t.n = dt_arena_alloc(a, (size_t)t.cap * sizeof *t.n);
    if (!t.n)
        return DT_ENOMEM;
    t.raw = !(s->cons && s->ncons);
    int rc = t.raw ? tree_from_chunks(&t) : tree_from_cons(&t);
    if (rc < 0)
        return rc;
    mark_compounds(&t);
    mark_sbr(&t, t.root, 0);
    (void)calc_below(&t, t.root);
    if (s->cons && s->ncons) {
        /* The parse's top node (S, under ROOT) comes first, as in
         * PETRARCH's ParseList once ROOT is stripped. */
        emit_kids(&t, t.root);
    } else {
        emit(&t, t.root);
    }
    return out->oom ? DT_ENOMEM : DT_OK;
}
