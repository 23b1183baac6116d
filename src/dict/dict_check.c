/* detente dict — the invariants of a compiled dt_dicts, checked in one
 * linear pass.
 *
 * The matchers and the coder index arrays with counts and indexes taken
 * from the dictionaries (a phrase's words, a pattern's elements, an
 * actor's codes) without checking them again: a phrase of 33 words
 * writes past the trie builder's path (F30), a word id past the interner
 * reads past its arrays. The readers keep these promises entry by entry;
 * a compiled cache is mapped as it was written, and its checksum only
 * catches damage, so the cache loader runs this pass over what it maps
 * (docs/robustness.md, F31) and refuses a file that breaks any of them;
 * the unit tests and the dictionary fuzz targets run it after every load
 * by the readers. It reads every array once: about 2 ms for the Phoenix
 * set. */
#include "dict_impl.h"

#include <stdio.h>
#include <string.h>

typedef struct ck {
    const dt_dicts *d;
    char *why;
    size_t cap;
} ck;

/* Describe the first broken promise; -1. */
static int bad(ck *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int bad(ck *c, const char *fmt, ...)
{
    if (c->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* a + n <= lim without overflow */
static int fits(uint64_t a, uint64_t n, uint64_t lim)
{
    return a <= lim && n <= lim - a;
}

static int check_words(ck *c)
{
    const dt_dicts *d = c->d;
    if (d->nwords == 0)
        return d->wtab ? bad(c, "a word table without words") : 0;
    for (uint32_t i = 1; i < d->nwords; i++) {
        /* the lookups compare wlen bytes of the word: it must hold them */
        if (!d->words[i] || d->wlen[i] == 0 || strlen(d->words[i]) != d->wlen[i])
            return bad(c, "word %u: no text, or not as long as its length says", i);
    }
    if (!d->wtab)
        return 0;
    uint64_t size = (uint64_t)d->wtab_mask + 1;
    if (size & (size - 1))
        return bad(c, "word table size %llu is not a power of two", (unsigned long long)size);
    /* a probe that misses stops at an empty slot: there must be one */
    uint64_t empty = 0;
    for (uint64_t i = 0; i < size; i++) {
        uint64_t s = d->wtab[i];
        if (!s) {
            empty++;
            continue;
        }
        uint32_t id = (uint32_t)s;
        if (id == 0 || id >= d->nwords || (uint32_t)(s >> 32) != d->whash[id])
            return bad(c, "word table slot %llu: id %u out of range or hash not the word's",
                       (unsigned long long)i, id);
    }
    if (!empty)
        return bad(c, "word table without an empty slot");
    return 0;
}

/* Every word id in pool[off .. off+n) is a word (1 .. nwords-1). */
static int check_ids(ck *c, uint64_t off, uint64_t n, const char *what, const char *what2, size_t i)
{
    const dt_dicts *d = c->d;
    if (!fits(off, n, d->pool.n))
        return bad(c, "%s%s %zu: words outside the word pool", what, what2, i);
    for (uint64_t k = 0; k < n; k++) {
        uint32_t w = d->pool.p[off + k];
        if (w == 0 || w >= d->nwords)
            return bad(c, "%s%s %zu: word id %u out of range", what, what2, i, w);
    }
    return 0;
}

static int check_pset(ck *c, const dt__pset *ps, const char *what, size_t nentries)
{
    const dt_dicts *d = c->d;
    size_t np = ps->ph.n;
    for (size_t i = 0; i < np; i++) {
        const dt_dict_phrase *p = &ps->ph.p[i];
        if (p->nwords == 0 || p->nwords > DT_DICT_MAX_PHRASE_WORDS)
            return bad(c, "%s phrase %zu: %u words (1 to %d)", what, i, p->nwords,
                       DT_DICT_MAX_PHRASE_WORDS);
        if (check_ids(c, p->words, p->nwords, what, " phrase", i))
            return -1;
        /* bit k (1 <= k < nwords): a gap before word k */
        uint32_t allowed = p->nwords >= 32 ? 0xFFFFFFFEu : ((1u << p->nwords) - 1) & ~1u;
        if (p->gaps & ~allowed)
            return bad(c, "%s phrase %zu: gap bits past its words", what, i);
        if (p->entry >= nentries)
            return bad(c, "%s phrase %zu: entry %u out of range", what, i, p->entry);
        if (p->src.file >= d->src_names.n)
            return bad(c, "%s phrase %zu: source %u out of range", what, i, p->src.file);
    }
    if (np && (!ps->values || !ps->by_first))
        return bad(c, "%s phrases without their index", what);
    if (ps->nnodes == 0) {
        if (np)
            return bad(c, "%s phrases without a trie", what);
        return 0;
    }
    /* (the edges the nodes name are there: the cache loader checks that
     * against the stored count, a load by the readers made them so) */
    for (uint32_t n = 0; n < ps->nnodes; n++) {
        const dt_dict_trie_node *nd = &ps->nodes[n];
        if (!fits(nd->first_value, nd->nvalues, np))
            return bad(c, "%s trie node %u: values out of range", what, n);
        for (uint32_t k = 0; k < nd->nedges; k++) {
            const dt_dict_trie_edge *e = &ps->edges[nd->first_edge + k];
            /* children come after their parent (the walks then end), and
             * edges go by increasing word (the lookups search them) */
            if (e->child <= n || e->child >= ps->nnodes || e->word == 0 || e->word >= d->nwords ||
                (k && e->word <= ps->edges[nd->first_edge + k - 1].word))
                return bad(c, "%s trie node %u: bad edge %u", what, n, k);
        }
    }
    for (size_t i = 0; i < np; i++)
        if (ps->values[i] >= np || ps->by_first[i] >= np)
            return bad(c, "%s trie: phrase index out of range", what);
    return 0;
}

static int check_str(ck *c, const char *s, const char *what, size_t i)
{
    return s ? 0 : bad(c, "%s %zu: no text", what, i);
}

static int check_patterns(ck *c)
{
    const dt_dicts *d = c->d;
    for (size_t i = 0; i < d->patterns.n; i++) {
        const dt_dict_pattern *p = &d->patterns.p[i];
        if (p->block >= d->blocks.n || p->nelem == 0 || p->nelem > DT_DICT_MAX_PATTERN_ELEMS ||
            !fits(p->first_elem, p->nelem, d->pelems.n) || p->verb_pos >= p->nelem)
            return bad(c, "pattern %zu: block or elements out of range", i);
        if (check_str(c, p->code, "pattern", i) || check_str(c, p->text, "pattern", i) ||
            p->src.file >= d->src_names.n)
            return -1;
        const dt_dict_pelem *el = d->pelems.p + p->first_elem;
        uint32_t nverb = 0;
        for (uint32_t k = 0; k < p->nelem; k++) {
            const dt_dict_pelem *e = &el[k];
            if (e->kind > DT_PEL_PP_CLOSE || (k == 0 && e->adj))
                return bad(c, "pattern %zu: element %u of unknown kind", i, k);
            if (e->kind == DT_PEL_WORD && (e->value == 0 || e->value >= d->nwords))
                return bad(c, "pattern %zu: word id %u out of range", i, e->value);
            if (e->kind == DT_PEL_SYNSET && e->value >= d->synsets.n)
                return bad(c, "pattern %zu: synset %u out of range", i, e->value);
            nverb += e->kind == DT_PEL_VERB;
        }
        if (nverb != 1 || el[p->verb_pos].kind != DT_PEL_VERB)
            return bad(c, "pattern %zu: the verb is not at its position", i);
    }
    return 0;
}

static int check_verbs(ck *c)
{
    const dt_dicts *d = c->d;
    for (size_t i = 0; i < d->blocks.n; i++) {
        const dt_dict_verb_block *b = &d->blocks.p[i];
        if (!fits(b->first_verb, b->nverbs, d->verbs.n) ||
            !fits(b->first_pattern, b->npatterns, d->patterns.n) || !b->name || !b->code)
            return bad(c, "verb block %zu: verbs, patterns or names out of range", i);
    }
    for (size_t i = 0; i < d->verbs.n; i++) {
        const dt_dict_verb *v = &d->verbs.p[i];
        if (v->block >= d->blocks.n || v->word == 0 || v->word >= d->nwords || !v->code ||
            v->src.file >= d->src_names.n)
            return bad(c, "verb %zu: block, word or code out of range", i);
    }
    for (size_t i = 0; i < d->vforms.n; i++) {
        const dt_dict_verb_form *f = &d->vforms.p[i];
        if (f->verb >= d->verbs.n || f->head == 0 || f->head >= d->nwords ||
            (uint64_t)f->npre + f->npost >= DT_DICT_MAX_PHRASE_WORDS)
            return bad(c, "verb form %zu: verb, head or word count out of range", i);
        if (check_ids(c, f->pre, f->npre, "verb form", "", i) ||
            check_ids(c, f->post, f->npost, "verb form", "", i))
            return -1;
    }
    if (d->vf_start) {
        /* forms of word w: vforms[vf_start[w] .. vf_start[w+1]) */
        if (d->vf_start[0] != 0 || d->vf_start[d->nwords] != d->vforms.n)
            return bad(c, "verb form index does not cover the forms");
        for (uint32_t w = 0; w < d->nwords; w++)
            if (d->vf_start[w + 1] < d->vf_start[w])
                return bad(c, "verb form index not in order at word %u", w);
    }
    return check_patterns(c);
}

int dt__dict_check(const dt_dicts *d, char *why, size_t cap)
{
    ck c = {d, why, cap};
    if (cap)
        why[0] = '\0';
    if (check_words(&c))
        return -1;
    for (size_t i = 0; i < d->src_names.n; i++)
        if (check_str(&c, d->src_names.p[i], "source", i))
            return -1;
    for (size_t i = 0; i < d->warns.n; i++) {
        const dt_dict_warning *w = &d->warns.p[i];
        if (!w->file || !w->msg || w->severity < DT_DICT_SEV_NOTE ||
            w->severity > DT_DICT_SEV_ERROR || w->kind < DT_DICTW_SYNTAX || w->kind > DT_DICTW_IO)
            return bad(&c, "warning %zu: no text, or severity or kind out of range", i);
    }
    if (check_pset(&c, &d->actor_set, "actor", d->actors.n) ||
        check_pset(&c, &d->agent_set, "agent", d->agents.n) ||
        check_pset(&c, &d->discard_set, "discard", d->discard_set.ph.n) ||
        check_pset(&c, &d->issue_set, "issue", d->issues.n) ||
        check_pset(&c, &d->syn_set, "synset", d->synsets.n))
        return -1;
    for (size_t i = 0; i < d->actors.n; i++) {
        const dt_dict_actor *a = &d->actors.p[i];
        if (!fits(a->first_code, a->ncodes, d->acodes.n) || a->head_phrase >= d->actor_set.ph.n)
            return bad(&c, "actor %zu: codes or head phrase out of range", i);
    }
    for (size_t i = 0; i < d->acodes.n; i++) {
        const dt_dict_actor_code *a = &d->acodes.p[i];
        if (!a->code || a->from > a->to)
            return bad(&c, "actor code %zu: no code, or its dates end before they start", i);
    }
    for (size_t i = 0; i < d->agents.n; i++)
        if (check_str(&c, d->agents.p[i].code, "agent", i))
            return -1;
    for (size_t i = 0; i < d->issues.n; i++) {
        const dt_dict_issue *is = &d->issues.p[i];
        if (is->type > DT_ISSUE_IGNORE_STORY || (is->type == DT_ISSUE_CODE && !is->code) ||
            !is->category)
            return bad(&c, "issue %zu: type out of range, or no code", i);
    }
    if (d->synnames.n != d->synsets.n)
        return bad(&c, "%zu synset names for %zu synsets", d->synnames.n, d->synsets.n);
    for (size_t i = 0; i < d->synsets.n; i++) {
        const dt_dict_synset *s = &d->synsets.p[i];
        if (!s->name || !fits(s->first_member, s->nmembers, d->syn_set.ph.n))
            return bad(&c, "synset %zu: no name, or members out of range", i);
    }
    for (size_t i = 0; i < d->transforms.n; i++)
        if (check_str(&c, d->transforms.p[i].text, "transform", i))
            return -1;
    return check_verbs(&c);
}
