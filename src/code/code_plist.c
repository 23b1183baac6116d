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

int dt__pl_push(dt__plist *l, const char *s, uint32_t id, int32_t tok)
{
    if (l->oom)
        return DT_ENOMEM;
    if (l->n == l->cap) {
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
    }
    l->v[l->n].s = s;
    l->v[l->n].id = id;
    l->v[l->n].tok = tok;
    l->n++;
    return DT_OK;
}

/* ---- the tree ---------------------------------------------------- */

enum { TN_NEC = 1, TN_SBR = 2, TN_CCP = 4 };

typedef struct tnode {
    char label[16];
    int32_t tok; /* token (sentence-local) for a leaf, -1 for a phrase */
    int32_t parent;
    int32_t kid, next;   /* first child, next sibling */
    uint32_t first, end; /* token span [first, end) */
    uint32_t flags;
} tnode;

typedef struct tree {
    tnode *n;
    uint32_t nn, cap;
    int32_t root;
    const dt_doctext *d;
    const dt_sentence *s;
    const dt_dicts *dicts;
    dt_arena *a;
    dt__plist *out;
    uint32_t npindex, vpindex, ncindex;
} tree;

static int32_t tn_new(tree *t, const char *label, int32_t tok, int32_t parent)
{
    if (t->nn == t->cap)
        return -1;
    tnode *x = &t->n[t->nn];
    memset(x, 0, sizeof *x);
    size_t ln = strlen(label);
    if (ln >= sizeof x->label)
        ln = sizeof x->label - 1;
    memcpy(x->label, label, ln);
    x->label[ln] = '\0';
    x->tok = tok;
    x->parent = parent;
    x->kid = x->next = -1;
    return (int32_t)t->nn++;
}

/* Append child c to p, keeping children in token order. */
static void tn_append(tree *t, int32_t p, int32_t c)
{
    t->n[c].parent = p;
    t->n[c].next = -1;
    int32_t *pp = &t->n[p].kid;
    while (*pp >= 0 && t->n[*pp].first <= t->n[c].first)
        pp = &t->n[*pp].next;
    t->n[c].next = *pp;
    *pp = c;
}

static int is_label(const tnode *x, const char *l)
{
    return strcmp(x->label, l) == 0;
}

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Labels are kept whole: PETRARCH only turns a plain "(NP " into an
 * actor phrase, so "NP-TMP" (a time expression) never becomes one. */
static void base_label(const char *l, char out[16])
{
    size_t b = strlen(l);
    if (b > 15)
        b = 15;
    memcpy(out, l, b);
    out[b] = '\0';
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
    t->root = tn_new(t, "S", -1, -1);
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
        char bl[16];
        base_label(k->label, bl);
        int32_t par = k->parent >= 0 && (uint32_t)k->parent < c ? map[k->parent] : -1;
        if (par < 0 && strcmp(bl, "ROOT") == 0) {
            map[c] = t->root; /* ROOT is the top node */
            continue;
        }
        if (par < 0)
            par = t->root;
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
        int32_t x = tn_new(t, dt_pos_name(tk->pos), (int32_t)j, p);
        if (x < 0)
            return DT_ELIMIT;
        t->n[x].first = j;
        t->n[x].end = j + 1;
        tn_append(t, p, x);
    }
    return DT_OK;
}

/* Tree from flat chunks (raw text). Each clause becomes an S; inside it,
 * noun chunks are NPs, a preposition chunk takes the following NP into a
 * PP, and each verb of a verb group opens a VP that runs to the end of the
 * clause, so the lower part of a verb covers its objects as in a parse. */
static int tree_from_chunks(tree *t)
{
    const dt_sentence *s = t->s;
    const dt_doctext *d = t->d;
    uint32_t ntok = s->ntok;
    t->root = tn_new(t, "S", -1, -1);
    t->n[t->root].first = 0;
    t->n[t->root].end = ntok;
    /* chunk index of each token, -1 when outside */
    int32_t *chof = dt_arena_alloc(t->a, (size_t)(ntok + 1) * sizeof *chof);
    if (!chof)
        return DT_ENOMEM;
    for (uint32_t j = 0; j < ntok; j++)
        chof[j] = -1;
    for (uint32_t c = s->chunk; c < s->chunk + s->nchunk && c < d->nchunk; c++) {
        const dt_chunk *ch = &d->chunk[c];
        for (uint32_t j = ch->first; j < ch->first + ch->n; j++)
            if (j >= s->tok && j - s->tok < ntok)
                chof[j - s->tok] = (int32_t)c;
    }
    int32_t clause = t->root; /* current S */
    int32_t cur = t->root;    /* where the next constituent goes */
    int32_t pp = -1;          /* open PP waiting for its NP */
    uint32_t curclause = ntok ? d->tok[s->tok].clause : 0;
    uint32_t j = 0;
    while (j < ntok) {
        const dt_token *tk = &d->tok[s->tok + j];
        if (tk->clause != curclause && j > 0) {
            /* New clause: a sub-clause nests in the current verb phrase when it
             * is introduced by a subordinator; otherwise it is a sibling. */
            curclause = tk->clause;
            int32_t host = t->root;
            int32_t c0 = chof[j];
            if (c0 >= 0 && d->chunk[c0].type == DT_CHUNK_SBAR && cur != t->root)
                host = cur;
            else if (j > 0 && d->tok[s->tok + j - 1].pos != DT_POS_COMMA && cur != t->root &&
                     (d->tok[s->tok + j].pos == DT_POS_WDT || d->tok[s->tok + j].pos == DT_POS_IN))
                host = cur;
            int32_t sb = host == t->root ? -1 : tn_new(t, "SBAR", -1, host);
            int32_t par = host;
            if (sb >= 0) {
                t->n[sb].first = j;
                t->n[sb].end = ntok;
                tn_append(t, host, sb);
                par = sb;
            }
            int32_t sx = tn_new(t, "S", -1, par);
            if (sx < 0)
                return DT_ELIMIT;
            t->n[sx].first = j;
            t->n[sx].end = ntok;
            tn_append(t, par, sx);
            clause = sx;
            cur = sx;
            pp = -1;
        }
        int32_t c = chof[j];
        const dt_chunk *ch = c >= 0 ? &d->chunk[c] : NULL;
        uint32_t cend = ch ? ch->first + ch->n - s->tok : j + 1;
        if (cend > ntok)
            cend = ntok;
        if (ch && ch->type == DT_CHUNK_NP) {
            int32_t host = pp >= 0 ? pp : cur;
            int32_t np = tn_new(t, "NP", -1, host);
            if (np < 0)
                return DT_ELIMIT;
            t->n[np].first = j;
            t->n[np].end = cend;
            tn_append(t, host, np);
            for (uint32_t k = j; k < cend; k++) {
                int32_t x = tn_new(t, dt_pos_name(d->tok[s->tok + k].pos), (int32_t)k, np);
                if (x < 0)
                    return DT_ELIMIT;
                t->n[x].first = k;
                t->n[x].end = k + 1;
                tn_append(t, np, x);
            }
            pp = -1;
            j = cend;
            continue;
        }
        if (ch && ch->type == DT_CHUNK_PP) {
            int32_t p = tn_new(t, "PP", -1, cur);
            if (p < 0)
                return DT_ELIMIT;
            t->n[p].first = j;
            t->n[p].end = ntok;
            tn_append(t, cur, p);
            for (uint32_t k = j; k < cend; k++) {
                int32_t x = tn_new(t, dt_pos_name(d->tok[s->tok + k].pos), (int32_t)k, p);
                if (x < 0)
                    return DT_ELIMIT;
                t->n[x].first = k;
                t->n[x].end = k + 1;
                tn_append(t, p, x);
            }
            pp = p;
            j = cend;
            continue;
        }
        if (ch && ch->type == DT_CHUNK_VP) {
            for (uint32_t k = j; k < cend; k++) {
                int pos = d->tok[s->tok + k].pos;
                if (dt_pos_is_verb(pos)) {
                    int32_t vp = tn_new(t, "VP", -1, cur);
                    if (vp < 0)
                        return DT_ELIMIT;
                    t->n[vp].first = k;
                    t->n[vp].end = ntok;
                    tn_append(t, cur, vp);
                    cur = vp;
                }
                int32_t x = tn_new(t, dt_pos_name(pos), (int32_t)k, cur);
                if (x < 0)
                    return DT_ELIMIT;
                t->n[x].first = k;
                t->n[x].end = k + 1;
                tn_append(t, cur, x);
            }
            pp = -1;
            j = cend;
            continue;
        }
        /* Anything else: a bare token in the current phrase. A comma or
         * coordination between clauses closes the verb phrases. */
        int pos = tk->pos;
        if (pos == DT_POS_COMMA || pos == DT_POS_PERIOD || pos == DT_POS_COLON)
            cur = clause;
        int32_t host = cur;
        int32_t x = tn_new(t, dt_pos_name(pos), (int32_t)j, host);
        if (x < 0)
            return DT_ELIMIT;
        t->n[x].first = j;
        t->n[x].end = j + 1;
        tn_append(t, host, x);
        if (ch && ch->type != DT_CHUNK_PRT && ch->type != DT_CHUNK_ADVP)
            pp = -1;
        j++;
    }
    /* Fix the spans of open-ended phrases to their last descendant. */
    for (int32_t i = (int32_t)t->nn - 1; i >= 0; i--) {
        tnode *x = &t->n[i];
        if (x->tok >= 0)
            continue;
        uint32_t e = x->first;
        for (int32_t k = x->kid; k >= 0; k = t->n[k].next)
            if (t->n[k].end > e)
                e = t->n[k].end;
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
    return x->tok < 0 ? (starts(x->label, "VP") || x->label[0] == 'S')
                      : x->label[0] == 'S'; /* SYM counts, as "(S" does in PETRARCH */
}
static int p_cc(const tnode *x)
{
    return starts(x->label, "CC");
}
static int p_n(const tnode *x)
{
    return x->label[0] == 'N' || (x->flags & TN_NEC);
}
static int p_pos(const tnode *x)
{
    return x->tok >= 0 && is_label(x, "POS");
}
static int p_pp(const tnode *x)
{
    return x->tok < 0 && starts(x->label, "PP");
}
static int p_np_or_nec(const tnode *x)
{
    return x->tok < 0 && (starts(x->label, "NP") || (x->flags & TN_NEC));
}

/* Descendant strictly below x matching pred (x itself excluded). */
static int below_has(const tree *t, int32_t x, int (*pred)(const tnode *))
{
    for (int32_t k = t->n[x].kid; k >= 0; k = t->n[k].next)
        if (subtree_has(t, k, pred))
            return 1;
    return 0;
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
            memcpy(x->label, "CCP", 4);
        } else if (count_pred(t, p, p_cc) > 1) {
            /* several coordinators: not treated as a compound */
        } else if (starts(t->n[p].label, "NP") && p != t->root) {
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
    int np = in_np || starts(n->label, "NP");
    for (int32_t k = n->kid; k >= 0; k = t->n[k].next)
        mark_sbr(t, k, np);
}

/* ---- emission ---------------------------------------------------- */

static const char *word_of(tree *t, int32_t tok, uint32_t *id)
{
    const dt_token *tk = &t->d->tok[t->s->tok + (uint32_t)tok];
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
    *id = t->dicts ? dt_dict_word_id(t->dicts, w, n) : 0;
    return w;
}

static const char *tagstr(tree *t, char open, const char *label, uint32_t idx)
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
    return dt_arena_strndup(t->a, buf, n);
}

static void push(tree *t, const char *s, uint32_t id, int32_t tok)
{
    (void)dt__pl_push(t->out, s, id, tok);
}

static void push_word(tree *t, int32_t tok)
{
    uint32_t id;
    const char *w = word_of(t, tok, &id);
    push(t, w, id, (int32_t)t->s->tok + tok);
}

/* Raw copy with markup (compounds inside an NE, as PETRARCH's get_NE). */
static void emit_raw(tree *t, int32_t x)
{
    tnode *n = &t->n[x];
    if (n->tok >= 0) {
        push(t, tagstr(t, '(', n->label, 0), 0, -1);
        push_word(t, n->tok);
        push(t, tagstr(t, '~', n->label, 0), 0, -1);
        return;
    }
    const char *lab = (n->flags & TN_NEC) ? "NEC" : n->label;
    push(t, tagstr(t, '(', lab, 0), 0, -1);
    for (int32_t k = n->kid; k >= 0; k = t->n[k].next)
        emit_raw(t, k);
    push(t, tagstr(t, '~', lab, 0), 0, -1);
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
    push(t, "(NE", 0, -1);
    push(t, "---", 0, -1);
}

static void ne_close(tree *t)
{
    push(t, "~NE", 0, -1);
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
    int32_t pp = first_pre(t, np, p_pp);
    if (pp < 0)
        return 0;
    int32_t e = t->n[pp].parent;
    if (e < 0 || !starts(t->n[e].label, "NP") || (t->n[e].flags & TN_NEC))
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
    if (first_pre(t, obj, p_pp) >= 0)
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
    return x->tok >= 0 && starts(x->label, "JJ");
}

/* Compounds at the top level: one NE per noun phrase or noun, initial
 * adjectives copied into each (PETRARCH's resolve_compounds). */
static void emit_nec(tree *t, int32_t x)
{
    t->ncindex++;
    push(t, tagstr(t, '(', "NEC", t->ncindex), 0, -1);
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
        if (starts(n->label, "NP") || starts(n->label, "NN") || (n->flags & TN_NEC)) {
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
    for (int i = 0; i < nitems; i++) {
        int32_t k = items[i];
        ne_open(t);
        if (t->n[k].tok >= 0) {
            for (int j = 0; j < nadj; j++)
                push_word(t, t->n[adj[j]].tok);
            push_word(t, t->n[k].tok);
        } else {
            ne_words(t, k, -1);
        }
        ne_close(t);
    }
    push(t, tagstr(t, '~', "NEC", t->ncindex), 0, -1);
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
        push(t, tagstr(t, '(', n->label, 0), 0, -1);
        push_word(t, n->tok);
        push(t, tagstr(t, '~', n->label, 0), 0, -1);
        return;
    }
    if (n->flags & TN_SBR) {
        push(t, "(SBR", 0, -1);
        ne_words(t, x, -1);
        push(t, "~SBR", 0, -1);
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
        if (first_pre(t, x, p_pp) >= 0) {
            if (emit_prep(t, x))
                return;
        } else if (!below_has(t, x, p_np_or_nec)) {
            ne_open(t);
            ne_words(t, x, -1);
            ne_close(t);
            return;
        }
        t->npindex++;
        push(t, tagstr(t, '(', "NP", t->npindex), 0, -1);
        emit_kids(t, x);
        push(t, tagstr(t, '~', "NP", t->npindex), 0, -1);
        return;
    }
    if (is_label(n, "VP")) {
        t->vpindex++;
        uint32_t idx = t->vpindex;
        push(t, tagstr(t, '(', "VP", idx), 0, -1);
        emit_kids(t, x);
        push(t, tagstr(t, '~', "VP", idx), 0, -1);
        return;
    }
    push(t, tagstr(t, '(', n->label, 0), 0, -1);
    emit_kids(t, x);
    push(t, tagstr(t, '~', n->label, 0), 0, -1);
}

int dt__plist_build(const dt_dicts *dicts, dt_arena *a, const dt_doctext *d, size_t si,
                    dt__plist *out)
{
    const dt_sentence *s = &d->sent[si];
    tree t;
    memset(&t, 0, sizeof t);
    t.d = d;
    t.s = s;
    t.dicts = dicts;
    t.a = a;
    t.out = out;
    t.cap = s->ntok * 4 + s->ncons + 16;
    t.n = dt_arena_alloc(a, (size_t)t.cap * sizeof *t.n);
    if (!t.n)
        return DT_ENOMEM;
    int rc = s->cons && s->ncons ? tree_from_cons(&t) : tree_from_chunks(&t);
    if (rc < 0)
        return rc;
    mark_compounds(&t);
    mark_sbr(&t, t.root, 0);
    if (s->cons && s->ncons) {
        /* The parse's top node (S, under ROOT) comes first, as in
         * PETRARCH's ParseList once ROOT is stripped. */
        emit_kids(&t, t.root);
    } else {
        emit(&t, t.root);
    }
    return out->oom ? DT_ENOMEM : DT_OK;
}
