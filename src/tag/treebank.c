/* Penn Treebank bracketed trees -> one-sentence dt_doctext.
 *
 * Used for PETRARCH records that carry a gold <Parse>, and by the tagger
 * accuracy test (gold tokens and tags). The parser is iterative with an
 * explicit, bounded stack, so a hostile tree cannot exhaust the C stack.
 * Flat chunks are derived from the tree with the same vocabulary of chunk
 * types and flags as the raw-text chunker, so the coder need not care
 * which path produced them. */
#include "tag_internal.h"

#include <string.h>

/* Hard limits: deeper or larger trees are rejected with DT_ELIMIT. */
#define TB_MAX_DEPTH 512
#define TB_MAX_BYTES ((size_t)4 << 20)

typedef struct tb_node {
    const char *label; /* points into the tree text */
    uint32_t label_len;
    uint32_t first;   /* first token index (sentence-local) */
    int32_t cons;     /* constituent index once known to be phrasal, else -1 */
    const char *word; /* leaf word, when this is a preterminal */
    uint32_t word_len;
    uint32_t nchild; /* bracketed children */
} tb_node;

typedef struct tb_leaf {
    const char *w; /* word in the tree text */
    uint32_t wn;
    uint8_t pos;
    int32_t parent; /* constituent that directly holds the preterminal */
} tb_leaf;

/* PETRARCH's parses mark auxiliaries with TABARI-era tags (AUX, AUXD,
 * AUXP, AUXZ, AUXG, AUXN); they are verbs of the matching Penn form. */
static int aux_pos(const char *s, size_t n)
{
    if (n < 3 || memcmp(s, "AUX", 3) != 0 || n > 4)
        return DT_POS_NONE;
    if (n == 3)
        return DT_POS_VB;
    switch (s[3]) {
    case 'D':
        return DT_POS_VBD;
    case 'P':
        return DT_POS_VBP;
    case 'Z':
        return DT_POS_VBZ;
    case 'G':
        return DT_POS_VBG;
    case 'N':
        return DT_POS_VBN;
    case 'B':
        return DT_POS_VB;
    default:
        return DT_POS_NONE;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Leaf spellings that stand for brackets and quotes in Treebank text. */
static const char *leaf_surface(const char *w, size_t n, size_t *out_n)
{
    static const struct {
        const char *tb, *s;
    } map[] = {{"-LRB-", "("}, {"-RRB-", ")"}, {"-LCB-", "{"}, {"-RCB-", "}"},
               {"-LSB-", "["}, {"-RSB-", "]"}, {"``", "\""},   {"''", "\""}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t k = strlen(map[i].tb);
        if (k == n && memcmp(map[i].tb, w, n) == 0) {
            *out_n = strlen(map[i].s);
            return map[i].s;
        }
    }
    *out_n = n;
    return w;
}

/* Base label without function tags: "NP-SBJ-1" -> "NP"; "-NONE-" stays. */
static size_t base_label_len(const char *l, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (l[i] == '-' || l[i] == '=')
            return i;
    return n;
}

static int label_is(const dt_constituent *c, const char *want)
{
    size_t n = strlen(c->label);
    size_t b = base_label_len(c->label, n);
    return b == strlen(want) && memcmp(c->label, want, b) == 0;
}

static int tb_error(dt_error *err, int code, size_t off, const char *why)
{
    return dt_error_set(err, code, "<parse>", 0, (uint64_t)off, "%s", why);
}

/* The chunk role a token plays, looked up from its nearest constituents. */
static int token_role(const dt_constituent *cons, int32_t p, int pos, int32_t *owner)
{
    if (p < 0) {
        *owner = -1;
        return DT_CHUNK_O;
    }
    /* Modifier phrases inside a noun phrase belong to that noun phrase:
     * (NP (ADJP very large) crowds) is one base NP. */
    int32_t o = p;
    while ((label_is(&cons[o], "QP") || label_is(&cons[o], "ADJP") || label_is(&cons[o], "NX") ||
            label_is(&cons[o], "NML") || label_is(&cons[o], "ADVP")) &&
           cons[o].parent >= 0 && label_is(&cons[cons[o].parent], "NP"))
        o = cons[o].parent;
    *owner = o;
    const dt_constituent *c = &cons[o];
    if (pos == DT_POS_CC || pos == DT_POS_COMMA || pos == DT_POS_COLON || pos == DT_POS_PERIOD ||
        pos == DT_POS_OQUOTE || pos == DT_POS_CQUOTE || pos == DT_POS_LRB || pos == DT_POS_RRB)
        return DT_CHUNK_O;
    if (label_is(c, "NP") || label_is(c, "WHNP") || label_is(c, "NX") || label_is(c, "NML") ||
        label_is(c, "QP") || label_is(c, "NAC")) {
        if (label_is(c, "WHNP") && cons[o].parent >= 0 && label_is(&cons[cons[o].parent], "SBAR"))
            return DT_CHUNK_SBAR;
        return DT_CHUNK_NP;
    }
    if (label_is(c, "VP")) {
        if (dt_pos_is_verb(pos) || pos == DT_POS_MD || pos == DT_POS_TO || pos == DT_POS_RB ||
            pos == DT_POS_RBR || pos == DT_POS_RBS)
            return DT_CHUNK_VP;
        if (pos == DT_POS_RP)
            return DT_CHUNK_PRT;
        return DT_CHUNK_O;
    }
    if (label_is(c, "PP") || label_is(c, "WHPP"))
        return (pos == DT_POS_IN || pos == DT_POS_TO || pos == DT_POS_RB) ? DT_CHUNK_PP
                                                                          : DT_CHUNK_O;
    if (label_is(c, "ADJP"))
        return DT_CHUNK_ADJP;
    if (label_is(c, "ADVP") || label_is(c, "WHADVP")) {
        if (cons[o].parent >= 0 && label_is(&cons[cons[o].parent], "SBAR"))
            return DT_CHUNK_SBAR;
        return DT_CHUNK_ADVP;
    }
    if (label_is(c, "SBAR"))
        return DT_CHUNK_SBAR;
    if (label_is(c, "PRT"))
        return DT_CHUNK_PRT;
    return DT_CHUNK_O;
}

static int is_adverb(int pos)
{
    return pos == DT_POS_RB || pos == DT_POS_RBR || pos == DT_POS_RBS;
}

/* Build flat chunks for sentence s from the leaves' roles. */
static int derive_chunks(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_sentence *s,
                         const tb_leaf *leaf)
{
    uint32_t n = s->ntok;
    dt_chunk *ch = dt_arena_calloc(a, n ? n : 1, sizeof *ch);
    uint8_t *role = dt_arena_alloc(a, n ? n : 1);
    int32_t *owner = dt_arena_alloc(a, (n ? n : 1) * sizeof *owner);
    if (!ch || !role || !owner)
        return DT_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        role[i] = (uint8_t)token_role(s->cons, leaf[i].parent, leaf[i].pos, &owner[i]);
    /* Adverbs inside a VP join the verb group only when a verb follows
     * them within the group ("has not yet signed"); a trailing adverb
     * ("met yesterday") is an ADVP of its own. */
    for (uint32_t i = 0; i < n; i++) {
        if (role[i] != DT_CHUNK_VP || !is_adverb(leaf[i].pos))
            continue;
        uint32_t j = i + 1;
        while (j < n && role[j] == DT_CHUNK_VP && is_adverb(leaf[j].pos))
            j++;
        if (!(j < n && role[j] == DT_CHUNK_VP))
            for (uint32_t k = i; k < j; k++)
                role[k] = DT_CHUNK_ADVP;
    }
    uint32_t nch = 0;
    for (uint32_t i = 0; i < n;) {
        int r = role[i];
        if (r == DT_CHUNK_O) {
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < n && role[j] == r) {
            if (r == DT_CHUNK_NP) {
                /* Two sister NPs are two chunks, except a possessive
                 * ("Gondor 's army"), which the raw chunker keeps whole. */
                if (owner[j] != owner[j - 1] && leaf[j - 1].pos != DT_POS_POS &&
                    leaf[j].pos != DT_POS_POS)
                    break;
            } else if (r == DT_CHUNK_VP) {
                /* "to" opens an infinitive verb group of its own. */
                if (leaf[j].pos == DT_POS_TO)
                    break;
            } else if (owner[j] != owner[j - 1]) {
                break;
            }
            j++;
        }
        dt_chunk *c = &ch[nch++];
        c->type = (uint8_t)r;
        c->first = s->tok + i;
        c->n = j - i;
        c->head = dt__chunk_head(d, r, c->first, c->n);
        i = j;
    }
    /* A flat coordination "(NP Arnor and Gondor)" is split at the
     * conjunction into two NPs, like the raw chunker does; and an NP that
     * follows "NP and|or|," inside the same parent NP is marked COORD. */
    d->chunk = ch;
    s->chunk = 0;
    s->nchunk = nch;
    for (uint32_t k = 0; k < nch; k++) {
        dt_chunk *c = &ch[k];
        for (uint32_t x = c->first; x < c->first + c->n; x++)
            d->tok[x].chunk = c->type;
        if (c->type == DT_CHUNK_VP)
            c->flags = dt__vp_flags(t, d, c->first, c->n, c->head);
        if (c->type == DT_CHUNK_NP && k > 0 && ch[k - 1].type == DT_CHUNK_NP && c->first >= 1) {
            const dt_chunk *p = &ch[k - 1];
            uint32_t gap = c->first - (p->first + p->n);
            int pos = d->tok[c->first - 1].pos;
            if (gap == 1 && (pos == DT_POS_CC || pos == DT_POS_COMMA))
                c->flags |= DT_CH_COORD;
        }
    }
    return DT_OK;
}

int dt_treebank_parse(const dt_tagger *t, dt_arena *a, const char *tree, size_t n, dt_doctext *out,
                      dt_error *err)
{
    if (!a || !out || (!tree && n))
        return dt_error_set(err, DT_EINVAL, "<parse>", 0, UINT64_MAX, "null argument");
    memset(out, 0, sizeof *out);
    if (n > TB_MAX_BYTES)
        return tb_error(err, DT_ELIMIT, 0, "tree is larger than 4 MiB");

    /* Upper bound for nodes, and therefore leaves and constituents. */
    size_t nopen = 0;
    for (size_t i = 0; i < n; i++)
        nopen += tree[i] == '(';
    if (nopen == 0)
        return tb_error(err, DT_EFORMAT, 0, "no bracketed tree");
    tb_node *stack = dt_arena_alloc(a, TB_MAX_DEPTH * sizeof *stack);
    tb_leaf *leaf = dt_arena_alloc(a, nopen * sizeof *leaf);
    dt_constituent *cons = dt_arena_alloc(a, nopen * sizeof *cons);
    if (!stack || !leaf || !cons)
        return DT_ENOMEM;

    size_t depth = 0, nleaf = 0, ncons = 0, text_bytes = 0;
    int done = 0;
    size_t i = 0;
    while (i < n) {
        char c = tree[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        if (done)
            return tb_error(err, DT_EFORMAT, i, "text after the end of the tree");
        if (c == '(') {
            if (depth == TB_MAX_DEPTH)
                return tb_error(err, DT_ELIMIT, i, "tree nested too deeply");
            if (depth > 0) {
                /* The parent has a bracketed child, so it is a phrase. */
                tb_node *par = &stack[depth - 1];
                if (par->word)
                    return tb_error(err, DT_EFORMAT, i, "word and subtree in the same node");
                par->nchild++;
                if (par->cons < 0) {
                    dt_constituent *k = &cons[ncons];
                    size_t ln =
                        par->label_len < sizeof k->label - 1 ? par->label_len : sizeof k->label - 1;
                    memcpy(k->label, par->label, ln);
                    k->label[ln] = '\0';
                    k->first = par->first;
                    k->n = 0;
                    k->parent = depth > 1 ? stack[depth - 2].cons : -1;
                    par->cons = (int32_t)ncons++;
                }
            }
            tb_node *nd = &stack[depth++];
            memset(nd, 0, sizeof *nd);
            nd->cons = -1;
            nd->first = (uint32_t)nleaf;
            i++;
            while (i < n && is_space(tree[i]))
                i++;
            size_t s0 = i;
            while (i < n && !is_space(tree[i]) && tree[i] != '(' && tree[i] != ')')
                i++;
            nd->label = tree + s0;
            nd->label_len = (uint32_t)(i - s0);
            continue;
        }
        if (c == ')') {
            if (depth == 0)
                return tb_error(err, DT_EFORMAT, i, "unbalanced ')'");
            tb_node *nd = &stack[depth - 1];
            if (nd->word) {
                if (nd->label_len == 6 && memcmp(nd->label, "-NONE-", 6) == 0) {
                    /* Empty elements (traces) are not words of the text. */
                } else {
                    if (nleaf >= DT_MAX_SENTENCE_TOKENS)
                        return tb_error(err, DT_ELIMIT, i, "too many words in the tree");
                    int pos = dt_pos_from_name(nd->label, nd->label_len);
                    if (pos == DT_POS_NONE)
                        pos = aux_pos(nd->label, nd->label_len);
                    if (pos == DT_POS_NONE)
                        return tb_error(err, DT_EFORMAT, (size_t)(nd->label - tree),
                                        "unknown part-of-speech tag");
                    tb_leaf *lf = &leaf[nleaf++];
                    lf->w = nd->word;
                    lf->wn = nd->word_len;
                    lf->pos = (uint8_t)pos;
                    lf->parent = depth > 1 ? stack[depth - 2].cons : -1;
                    size_t sn;
                    (void)leaf_surface(lf->w, lf->wn, &sn);
                    text_bytes += sn + 1;
                }
            } else if (nd->nchild == 0) {
                return tb_error(err, DT_EFORMAT, i, "empty node");
            }
            if (nd->cons >= 0)
                cons[nd->cons].n = (uint32_t)nleaf - cons[nd->cons].first;
            depth--;
            if (depth == 0)
                done = 1;
            i++;
            continue;
        }
        /* A word: only allowed as the single leaf of a preterminal. */
        if (depth == 0)
            return tb_error(err, DT_EFORMAT, i, "word outside brackets");
        tb_node *nd = &stack[depth - 1];
        size_t s0 = i;
        while (i < n && !is_space(tree[i]) && tree[i] != '(' && tree[i] != ')')
            i++;
        if (nd->word || nd->nchild || nd->label_len == 0)
            return tb_error(err, DT_EFORMAT, s0, "unexpected word");
        nd->word = tree + s0;
        nd->word_len = (uint32_t)(i - s0);
    }
    if (!done)
        return tb_error(err, DT_EFORMAT, n, "unbalanced '(': tree ends early");
    if (nleaf == 0)
        return tb_error(err, DT_EFORMAT, 0, "tree has no words");

    /* Document text: leaves joined by single spaces. */
    char *text = dt_arena_alloc(a, text_bytes + 1);
    dt_token *tok = dt_arena_calloc(a, nleaf, sizeof *tok);
    dt_sentence *sent = dt_arena_calloc(a, 1, sizeof *sent);
    if (!text || !tok || !sent)
        return DT_ENOMEM;
    size_t off = 0;
    for (size_t k = 0; k < nleaf; k++) {
        size_t sn;
        const char *sw = leaf_surface(leaf[k].w, leaf[k].wn, &sn);
        if (k > 0)
            text[off++] = ' ';
        memcpy(text + off, sw, sn);
        /* Same folding as the tokeniser, so dictionary matching behaves
         * identically on parsed and raw input. */
        size_t ncap = sn * 4 + 8;
        char *norm = dt_arena_alloc(a, ncap);
        if (!norm)
            return DT_ENOMEM;
        size_t nn = dt_text_fold(sw, sn, norm, ncap);
        dt_token *tk = &tok[k];
        tk->off = (uint32_t)off;
        tk->len = (uint32_t)sn;
        tk->norm = norm;
        tk->norm_len = (uint16_t)(nn > UINT16_MAX ? UINT16_MAX : nn);
        tk->flags = dt__surface_flags(sw, sn);
        if (k == 0)
            tk->flags |= DT_TOK_SENT_START;
        else
            tk->flags |= DT_TOK_SPACE_BEFORE;
        if (leaf[k].pos == DT_POS_CD && (tk->flags & DT_TOK_DIGIT))
            tk->flags |= DT_TOK_NUMBER;
        tk->pos = leaf[k].pos;
        tk->chunk = DT_CHUNK_O;
        tk->lemma = t ? dt_tagger_lemma(t, a, norm, nn, tk->pos) : NULL;
        off += sn;
    }
    text[off] = '\0';

    sent->off = 0;
    sent->len = (uint32_t)off;
    sent->tok = 0;
    sent->ntok = (uint32_t)nleaf;
    sent->main_vp = UINT32_MAX;
    sent->cons = cons;
    sent->ncons = (uint32_t)ncons;

    out->text = text;
    out->len = off;
    out->tok = tok;
    out->ntok = nleaf;
    out->sent = sent;
    out->nsent = 1;
    if (t) {
        /* word ids come from the tagger's lexicon; tagging again would
         * overwrite the gold tags, so only the lookup is done here. */
        for (size_t k = 0; k < nleaf; k++)
            tok[k].word_id = dt__word_id(t, tok[k].norm, tok[k].norm_len);
    }
    int rc = derive_chunks(t, a, out, sent, leaf);
    if (rc < 0)
        return dt_error_set(err, rc, "<parse>", 0, UINT64_MAX, "out of memory");
    out->nchunk = sent->nchunk;
    dt__clauses(t, out, sent);
    return DT_OK;
}

uint16_t dt__surface_flags(const char *s, size_t n)
{
    uint16_t f = 0;
    size_t letters = 0, upper = 0, digits = 0, alnum = 0;
    int first_letter_seen = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
        /* bytes >= 0x80 are parts of UTF-8 letters in practice */
        if (up || lo || c >= 0x80) {
            letters++;
            alnum++;
            if (up)
                upper++;
            if (!first_letter_seen) {
                first_letter_seen = 1;
                if (up)
                    f |= DT_TOK_CAP;
            }
        } else if (c >= '0' && c <= '9') {
            digits++;
            alnum++;
        } else if (c == '-' && i > 0 && i + 1 < n) {
            f |= DT_TOK_HYPHEN;
        }
    }
    if (letters)
        f |= DT_TOK_ALPHA;
    if (digits)
        f |= DT_TOK_DIGIT;
    if (!alnum)
        f |= DT_TOK_PUNCT;
    if (letters > 1 && upper == letters)
        f |= DT_TOK_ALLCAPS;
    if (n > 1 && s[n - 1] == '.' && letters)
        f |= DT_TOK_ABBREV;
    if (n >= 2 && n <= 3 && letters && (s[0] == '\'' || (n == 3 && (s[1] == '\''))))
        f |= DT_TOK_CLITIC;
    if (n == 1 && (s[0] == '"' || s[0] == '\''))
        f |= DT_TOK_QUOTE;
    if (digits && (unsigned char)s[0] >= '0' && (unsigned char)s[0] <= '9') {
        size_t i = 0;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ',' || s[i] == '.'))
            i++;
        if (i == n || (i + 1 == n && s[i] == 's'))
            f |= DT_TOK_NUMBER;
    }
    return f;
}
