/* Per verb block, the order in which patterns are tried: the most
 * specific first (more words and synsets, then more literal words, then
 * more elements after the verb), file order among equals. The first
 * pattern that matches wins, so "- * DIPLOMATIC TIES" beats "- * TIES"
 * and "- INCHING &SYN *" beats "- TO *" wherever both fit. */
#include "code_internal.h"

#include <stdlib.h>
#include <string.h>

static int literal_words(const dt_dict_pattern *p, const dt_dict_pelem *el)
{
    int n = 0;
    for (uint32_t j = 0; j < p->nelem; j++)
        n += el[p->first_elem + j].kind == DT_PEL_WORD;
    return n;
}

/* Sort record: the keys are computed once, so the comparison needs no
 * global state (coders may be built concurrently). */
typedef struct okey {
    int nwords, literal, after;
    uint32_t idx;
} okey;

static int cmp_key(const void *a, const void *b)
{
    const okey *p = a, *q = b;
    if (p->nwords != q->nwords)
        return p->nwords > q->nwords ? -1 : 1;
    if (p->literal != q->literal)
        return p->literal > q->literal ? -1 : 1;
    if (p->after != q->after)
        return p->after > q->after ? -1 : 1;
    return p->idx < q->idx ? -1 : p->idx > q->idx ? 1 : 0;
}

/* Patterns PETRARCH-1 cannot use: TABARI phrase brackets, and codes that
 * are not CAMEO codes ("+++" complex coding, "###" discard, letters). */
static int usable(const dt_dict_pattern *p, const dt_dict_pelem *el)
{
    for (uint32_t j = 0; j < p->nelem; j++) {
        int k = el[p->first_elem + j].kind;
        if (k == DT_PEL_NP_OPEN || k == DT_PEL_NP_CLOSE || k == DT_PEL_PP_OPEN ||
            k == DT_PEL_PP_CLOSE)
            return 0;
    }
    if (p->verb_pos >= p->nelem)
        return 0;
    return dt__code_usable(p->code);
}

/* The matcher gives up on a pattern at its first requirement that is
 * absent, so test the likeliest absent one first. Requirements shared by
 * many patterns ("TO", "WITH", &COUNTRY...) are the common words of
 * news, present in most sentences; each pattern's list is sorted by how
 * many patterns share the requirement, fewest first. Only the order of
 * the tests changes, never their outcome. */
typedef struct rqkey {
    uint32_t count, v;
} rqkey;

static int cmp_rq(const void *a, const void *b)
{
    const rqkey *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

static int order_requirements(dt__order *o, uint32_t n)
{
    uint32_t nrq = o->rfirst[n];
    if (nrq == 0)
        return DT_OK;
    /* counts per word id and per synset (either side of the verb) */
    uint32_t wmax = 0, smax = 0;
    for (uint32_t i = 0; i < nrq; i++) {
        uint32_t v = o->rq[i] & DT__RQ_VALUE;
        if (o->rq[i] & DT__RQ_SYNSET)
            smax = v > smax ? v : smax;
        else
            wmax = v > wmax ? v : wmax;
    }
    rqkey *k = dt_malloc((size_t)nrq * sizeof *k);
    uint32_t *wcnt = dt_calloc((size_t)wmax + 1, sizeof *wcnt);
    uint32_t *scnt = dt_calloc((size_t)smax + 1, sizeof *scnt);
    if (!k || !wcnt || !scnt) {
        dt_free(k);
        dt_free(wcnt);
        dt_free(scnt);
        return DT_ENOMEM;
    }
#define RQ_COUNT(q) (*((q)&DT__RQ_SYNSET ? &scnt[(q)&DT__RQ_VALUE] : &wcnt[(q)&DT__RQ_VALUE]))
    for (uint32_t i = 0; i < nrq; i++)
        RQ_COUNT(o->rq[i])++;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t a = o->rfirst[r], b = o->rfirst[r + 1];
        for (uint32_t i = a; i < b; i++)
            k[i - a] = (rqkey){RQ_COUNT(o->rq[i]), o->rq[i]};
        if (b - a > 1)
            qsort(k, b - a, sizeof *k, cmp_rq);
        for (uint32_t i = a; i < b; i++)
            o->rq[i] = k[i - a].v;
    }
#undef RQ_COUNT
    dt_free(wcnt);
    dt_free(scnt);
    dt_free(k);
    return DT_OK;
}

static int build_index(const dt_dicts *d, dt__order *o);

static int build_w2(const dt_dict_phrase_set *s, dt__w2index *x);

/* Bit w of *bits set when word id w is a child of the phrase trie's root
 * (starts some phrase of the set), for w < *n; NULL and 0 when the set
 * has no phrase. */
static int root_bits(const dt_dict_phrase_set *ss, uint64_t **bits, uint32_t *n)
{
    *bits = NULL;
    *n = 0;
    if (!ss || ss->nnodes == 0 || ss->nodes[0].nedges == 0)
        return DT_OK;
    const dt_dict_trie_node *root = &ss->nodes[0];
    /* edges are sorted by word: the last is the largest */
    uint32_t wmax = ss->edges[root->first_edge + root->nedges - 1].word;
    *bits = dt_calloc((size_t)wmax / 64 + 1, sizeof **bits);
    if (!*bits)
        return DT_ENOMEM;
    *n = wmax + 1;
    for (uint32_t k = 0; k < root->nedges; k++) {
        uint32_t w = ss->edges[root->first_edge + k].word;
        (*bits)[w >> 6] |= 1ull << (w & 63);
    }
    return DT_OK;
}

static void ctab_add(dt__order *o, const char *code)
{
    if (!code)
        return;
    uint32_t i = dt__code_hash(code) & o->cmask;
    for (; o->ctab[i].code; i = (i + 1) & o->cmask)
        if (strcmp(o->ctab[i].code, code) == 0)
            return;
    o->ctab[i].code = code;
    o->ctab[i].entry = dt_cameo_lookup(code, strlen(code));
}

/* The CAMEO entries of the dictionaries' codes (dt__order.ctab). */
static int build_ctab(const dt_dicts *d, dt__order *o)
{
    uint32_t np = 0, nv = 0, nb = 0;
    const dt_dict_pattern *pats = dt_dict_patterns(d, &np);
    const dt_dict_verb *verbs = dt_dict_verbs(d, &nv);
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nb);
    uint64_t n = (uint64_t)np + nv + nb;
    uint32_t cap = 16;
    while (cap < n * 2 && cap < (1u << 30))
        cap *= 2;
    o->ctab = dt_calloc(cap, sizeof *o->ctab);
    if (!o->ctab)
        return DT_ENOMEM;
    o->cmask = cap - 1;
    for (uint32_t i = 0; i < np; i++)
        ctab_add(o, pats[i].code);
    for (uint32_t i = 0; i < nv; i++)
        ctab_add(o, verbs[i].code);
    for (uint32_t i = 0; i < nb; i++)
        ctab_add(o, blocks[i].code);
    return DT_OK;
}

int dt__order_build(const dt_dicts *d, dt__order *o)
{
    memset(o, 0, sizeof *o);
    uint32_t nb = 0, np = 0;
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nb);
    const dt_dict_pattern *pats = dt_dict_patterns(d, &np);
    const dt_dict_pelem *el = dt_dict_pattern_elems(d);
    o->nblocks = nb;
    /* first-word bit sets, wanted even without verb patterns (issues) */
    if (root_bits(dt_dict_synset_phrases(d), &o->synfirst, &o->nsynfirst) < 0 ||
        root_bits(dt_dict_issue_phrases(d), &o->issfirst, &o->nissfirst) < 0)
        return DT_ENOMEM;
    if (build_ctab(d, o) < 0)
        return DT_ENOMEM;
    uint32_t nw = dt_dict_nwords(d);
    if (nw > 0) {
        o->wflags = dt_calloc(nw, sizeof *o->wflags);
        if (!o->wflags)
            return DT_ENOMEM;
        o->nwflags = nw;
        for (uint32_t w = 1; w < nw; w++)
            o->wflags[w] = (uint16_t)dt__pl_word_flags(dt_dict_word(d, w));
    }
    if (build_w2(dt_dict_actor_phrases(d), &o->actw2) < 0 ||
        build_w2(dt_dict_agent_phrases(d), &o->agw2) < 0)
        return DT_ENOMEM;
    if (nb == 0)
        return DT_OK;
    o->first = dt_calloc(nb + 1, sizeof *o->first);
    o->idx = dt_calloc(np + 1, sizeof *o->idx);
    o->rfirst = dt_calloc(np + 1, sizeof *o->rfirst);
    o->maxel = dt_calloc(nb + 1, sizeof *o->maxel);
    size_t nel = 0;
    for (uint32_t i = 0; i < np; i++)
        nel += pats[i].nelem;
    o->rq = dt_calloc(nel + 1, sizeof *o->rq);
    if (!o->first || !o->idx || !o->rfirst || !o->maxel || !o->rq)
        return DT_ENOMEM;
    uint32_t nrq = 0;
    uint32_t n = 0;
    for (uint32_t b = 0; b < nb; b++) {
        o->first[b] = n;
        uint32_t start = n;
        for (uint32_t k = 0; k < blocks[b].npatterns; k++) {
            uint32_t pi = blocks[b].first_pattern + k;
            if (pi < np && usable(&pats[pi], el))
                o->idx[n++] = pi;
        }
        if (n - start > 1) {
            okey *keys = dt_malloc((size_t)(n - start) * sizeof *keys);
            if (!keys)
                return DT_ENOMEM;
            for (uint32_t r = start; r < n; r++) {
                const dt_dict_pattern *p = &pats[o->idx[r]];
                keys[r - start] =
                    (okey){p->nwords, literal_words(p, el), p->nelem - p->verb_pos, o->idx[r]};
            }
            qsort(keys, n - start, sizeof *keys, cmp_key);
            for (uint32_t r = start; r < n; r++)
                o->idx[r] = keys[r - start].idx;
            dt_free(keys);
        }
        /* Every literal word and synset of a pattern must be found on its
         * side of the verb for the pattern to match; listing them lets
         * the matcher skip patterns whose words are not near the verb at
         * all. Values too large for the encoding are left out (the
         * pattern is then simply tried). */
        for (uint32_t r = start; r < n; r++) {
            const dt_dict_pattern *p = &pats[o->idx[r]];
            if (p->nelem > o->maxel[b])
                o->maxel[b] = p->nelem;
            o->rfirst[r] = nrq;
            for (uint32_t j = 0; j < p->nelem; j++) {
                const dt_dict_pelem *e = &el[p->first_elem + j];
                if ((e->kind != DT_PEL_WORD && e->kind != DT_PEL_SYNSET) ||
                    e->value > DT__RQ_VALUE || j == p->verb_pos)
                    continue;
                uint32_t v = e->value;
                if (e->kind == DT_PEL_SYNSET)
                    v |= DT__RQ_SYNSET;
                if (j < p->verb_pos)
                    v |= DT__RQ_UPPER;
                o->rq[nrq++] = v;
            }
        }
    }
    o->first[nb] = n;
    o->rfirst[n] = nrq;
    int rc = order_requirements(o, n);
    if (rc < 0)
        return rc;
    return build_index(d, o);
}

/* Index blocks with at least this many usable patterns: below it the
 * probes cost more than walking the block. */
#define DT__ORDER_BIG 8

typedef struct kent {
    uint32_t block, key, r;
} kent;

static int cmp_kent(const void *a, const void *b)
{
    const kent *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->r < y->r ? -1 : x->r > y->r;
}

static int build_index(const dt_dicts *d, dt__order *o)
{
    uint32_t nb = o->nblocks, n = o->first[nb];
    uint32_t nsyn = 0;
    (void)dt_dict_synsets(d, &nsyn);
    o->big = dt_calloc(nb + 1, 1);
    o->ffirst = dt_calloc(nb + 1, sizeof *o->ffirst);
    o->kidx = dt_calloc(n + 1, sizeof *o->kidx);
    kent *e = dt_malloc((size_t)(n + 1) * sizeof *e);
    if (!o->big || !o->ffirst || !o->kidx || !e) {
        dt_free(e);
        return DT_ENOMEM;
    }
    /* free patterns first (per block, ascending), then the keyed ones */
    uint32_t nk = 0, nf = 0;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t sz = o->first[b + 1] - o->first[b];
        if (sz > o->maxblock)
            o->maxblock = sz;
        o->ffirst[b] = nf;
        if (sz < DT__ORDER_BIG)
            continue;
        o->big[b] = 1;
        for (uint32_t r = o->first[b]; r < o->first[b + 1]; r++) {
            uint32_t key = o->rfirst[r] < o->rfirst[r + 1] ? o->rq[o->rfirst[r]] : UINT32_MAX;
            /* the matcher does not reject a synset it has no mark for, and
             * word id 0 (no word) is never probed */
            if (key != UINT32_MAX && (key & DT__RQ_SYNSET) && (key & DT__RQ_VALUE) >= nsyn)
                key = UINT32_MAX;
            if (key != UINT32_MAX && !(key & DT__RQ_SYNSET) && (key & DT__RQ_VALUE) == 0)
                key = UINT32_MAX;
            if (key == UINT32_MAX)
                o->kidx[nf++] = r;
            else
                e[nk++] = (kent){b, key, r};
        }
    }
    o->ffirst[nb] = nf;
    o->kbloom = dt_calloc(1024, sizeof *o->kbloom);
    if (!o->kbloom) {
        dt_free(e);
        return DT_ENOMEM;
    }
    for (uint32_t i = 0; i < nk; i++) {
        uint32_t f = dt__okey_hash(e[i].block, e[i].key) >> 16;
        o->kbloom[f >> 6] |= 1ull << (f & 63);
    }
    if (nk > 1)
        qsort(e, nk, sizeof *e, cmp_kent);
    uint32_t cap = 16;
    while (cap < nk * 2 + 2)
        cap *= 2;
    o->ktab = dt_malloc((size_t)cap * sizeof *o->ktab);
    if (!o->ktab) {
        dt_free(e);
        return DT_ENOMEM;
    }
    for (uint32_t i = 0; i < cap; i++)
        o->ktab[i].block = UINT32_MAX;
    o->kmask = cap - 1;
    for (uint32_t i = 0; i < nk;) {
        uint32_t j = i;
        while (j < nk && e[j].block == e[i].block && e[j].key == e[i].key) {
            o->kidx[nf + j] = e[j].r;
            j++;
        }
        uint32_t h = dt__okey_hash(e[i].block, e[i].key) & o->kmask;
        while (o->ktab[h].block != UINT32_MAX)
            h = (h + 1) & o->kmask;
        o->ktab[h] = (struct dt__okey){e[i].block, e[i].key, nf + i, j - i};
        i = j;
    }
    dt_free(e);
    return DT_OK;
}

/* Index first words with at least this many candidate phrases. */
#define DT__W2_BIG 48

static uint32_t w2_hash(uint32_t w, uint32_t w2)
{
    uint64_t h = ((uint64_t)w << 32 | w2) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32);
}

static int build_w2(const dt_dict_phrase_set *s, dt__w2index *x)
{
    memset(x, 0, sizeof *x);
    if (!s || !s->first_start || !s->by_first_w2 || s->nfirst == 0)
        return DT_OK;
    size_t ne = 0;
    for (uint32_t w = 0; w < s->nfirst; w++) {
        uint32_t len = s->first_start[w + 1] - s->first_start[w];
        if (len >= DT__W2_BIG)
            ne += len;
    }
    if (ne == 0)
        return DT_OK;
    x->big = dt_calloc(s->nfirst, 1);
    x->kpos = dt_malloc(ne * sizeof *x->kpos);
    kent *e = dt_malloc(ne * sizeof *e);
    if (!x->big || !x->kpos || !e) {
        dt_free(e);
        return DT_ENOMEM;
    }
    x->nfirst = s->nfirst;
    size_t k = 0;
    for (uint32_t w = 0; w < s->nfirst; w++) {
        uint32_t a = s->first_start[w], len = s->first_start[w + 1] - a;
        if (len < DT__W2_BIG)
            continue;
        x->big[w] = 1;
        if (len > x->maxlist)
            x->maxlist = len;
        for (uint32_t j = 0; j < len; j++)
            e[k++] = (kent){w, s->by_first_w2[a + j], j};
    }
    qsort(e, ne, sizeof *e, cmp_kent);
    uint32_t cap = 16;
    while (cap < ne * 2 + 2)
        cap *= 2;
    x->tab = dt_malloc((size_t)cap * sizeof *x->tab);
    if (!x->tab) {
        dt_free(e);
        return DT_ENOMEM;
    }
    for (uint32_t i = 0; i < cap; i++)
        x->tab[i].w = UINT32_MAX;
    x->mask = cap - 1;
    for (size_t i = 0; i < ne;) {
        size_t j = i;
        while (j < ne && e[j].block == e[i].block && e[j].key == e[i].key) {
            x->kpos[j] = e[j].r;
            j++;
        }
        uint32_t h = w2_hash(e[i].block, e[i].key) & x->mask;
        while (x->tab[h].w != UINT32_MAX)
            h = (h + 1) & x->mask;
        x->tab[h] = (struct dt__w2slot){e[i].block, e[i].key, (uint32_t)i, (uint32_t)(j - i)};
        i = j;
    }
    dt_free(e);
    return DT_OK;
}

const uint32_t *dt__w2_probe(const dt__w2index *x, uint32_t w, uint32_t w2, uint32_t *n)
{
    if (!x->tab)
        return NULL;
    for (uint32_t h = w2_hash(w, w2) & x->mask;; h = (h + 1) & x->mask) {
        const struct dt__w2slot *t = &x->tab[h];
        if (t->w == UINT32_MAX)
            return NULL;
        if (t->w == w && t->w2 == w2) {
            *n = t->n;
            return x->kpos + t->start;
        }
    }
}

static void free_w2(dt__w2index *x)
{
    dt_free(x->tab);
    dt_free(x->kpos);
    dt_free(x->big);
    memset(x, 0, sizeof *x);
}

void dt__order_free(dt__order *o)
{
    free_w2(&o->actw2);
    free_w2(&o->agw2);
    dt_free(o->synfirst);
    dt_free(o->issfirst);
    dt_free(o->wflags);
    dt_free(o->ctab);
    dt_free(o->ktab);
    dt_free(o->kbloom);
    dt_free(o->kidx);
    dt_free(o->ffirst);
    dt_free(o->big);
    dt_free(o->first);
    dt_free(o->idx);
    dt_free(o->rfirst);
    dt_free(o->rq);
    dt_free(o->maxel);
    memset(o, 0, sizeof *o);
}
