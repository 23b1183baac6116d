/* detente dict — loading driver, phrase-set compilation (tries), and the
 * read-only accessors the coder uses. */
#include "dict/dict_impl.h"
#include "detente/text.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *dt_dict_kind_name(int kind)
{
    static const char *const names[] = {"verbs", "actors", "agents", "discards", "issues"};
    if (kind == DT_DICT_OWN)
        return "own";
    if (kind < 0 || kind >= DT_DICT__KIND_COUNT)
        return "?";
    return names[kind];
}

/* ------------------------------------------------------------------ */
/* Phrases                                                             */
/* ------------------------------------------------------------------ */

static int is_sep(char c)
{
    /* a table, as dt__dict_isspace: one load a byte of every phrase */
    static const unsigned char sep[256] = {[' '] = 1, ['\t'] = 1, ['_'] = 1};
    return sep[(unsigned char)c];
}

/* Where a word of n bytes is cut in two (the clitic's start), or n. */
static size_t clitic_cut(const char *w, size_t wn)
{
    if (wn > 2 && w[wn - 2] == '\'' && (w[wn - 1] == 'S' || w[wn - 1] == 's'))
        return wn - 2;
    if (wn > 2 && w[wn - 1] == '\'' && (w[wn - 2] == 'S' || w[wn - 2] == 's'))
        return wn - 1;
    if (wn > 3 && (w[wn - 3] == 'N' || w[wn - 3] == 'n') && w[wn - 2] == '\'' &&
        (w[wn - 1] == 'T' || w[wn - 1] == 't'))
        return wn - 3;
    return wn;
}

/* The next blank- or '_'-separated token of s[0..n) from *i: its start
 * and length (0 at the end), *i moved past it; *gap set when a blank (not
 * '_') came before it. The one split both functions below make. */
static size_t next_token(const char *s, size_t n, size_t *i, int *gap, const char **w)
{
    while (*i < n && is_sep(s[*i])) {
        if (s[*i] != '_')
            *gap = 1;
        (*i)++;
    }
    size_t j = *i;
    while (j < n && !is_sep(s[j]))
        j++;
    *w = s + *i;
    size_t wn = j - *i;
    *i = j;
    return wn;
}

uint32_t dt__dict_phrase_count(const char *s, size_t n)
{
    uint32_t c = 0;
    size_t i = 0, wn;
    int gap = 0;
    const char *w;
    while ((wn = next_token(s, n, &i, &gap, &w)) > 0)
        c += clitic_cut(w, wn) < wn ? 2 : 1;
    return c;
}

int dt__dict_phrase_words(dt_dicts *d, const char *s, size_t n, uint32_t *off, uint32_t *nw,
                          uint32_t *gaps)
{
    *off = (uint32_t)d->pool.n;
    *nw = 0;
    *gaps = 0;
    dt__pw_state st; /* the scalars only: id[] is written as it fills */
    st.i = 0;
    st.gap = 0;
    st.rc = 0;
    st.nw = 0;
    st.gaps = 0;
    int rc = dt__dict_phrase_resume(d, s, n, n, &st);
    if (rc == 0)
        rc = dt__dict_phrase_push(d, &st, off);
    if (rc)
        return rc;
    *nw = st.nw;
    *gaps = st.gaps;
    return 0;
}

int dt__dict_phrase_push(dt_dicts *d, const dt__pw_state *st, uint32_t *off)
{
    size_t start = d->pool.n;
    *off = (uint32_t)start;
    for (uint32_t k = 0; k < st->nw; k++)
        if (DT__VEC_PUSH(d, d->pool, st->id[k])) {
            d->pool.n = start;
            return DT_ENOMEM;
        }
    return 0;
}

/* Intern a word and add it to the scan's words; 0, or DT_ELIMIT past
 * DT_DICT_MAX_PHRASE_WORDS, or DT_ENOMEM. */
static int push_state(dt_dicts *d, const char *w, size_t n, dt__pw_state *st)
{
    uint32_t id = dt__dict_intern(d, w, n);
    if (!id)
        return d->oom ? DT_ENOMEM : 0;
    if (st->nw >= DT_DICT_MAX_PHRASE_WORDS)
        return DT_ELIMIT;
    st->id[st->nw++] = id;
    return 0;
}

int dt__dict_phrase_resume(dt_dicts *d, const char *s, size_t n, size_t stop, dt__pw_state *st)
{
    while (!st->rc) {
        size_t i = st->i;
        int gap = st->gap;
        const char *w;
        size_t wn = next_token(s, n, &i, &gap, &w);
        if (wn == 0)
            break;
        size_t end = (size_t)(w - s) + wn;
        if (stop < n && end >= stop)
            break; /* not a whole word before `stop`: left for the text that goes on */
        /* Split clitics the way the tokeniser does (Penn Treebank), so a
         * dictionary "DIDN'T", "VALENTINE'S" or "JOURNALISTS'" can meet
         * the tokens. */
        size_t cut = clitic_cut(w, wn);
        uint32_t at = st->nw;
        int rc = push_state(d, w, cut, st);
        if (rc == 0 && cut < wn)
            rc = push_state(d, w + cut, wn - cut, st);
        if (rc) {
            st->rc = rc;
            break;
        }
        /* The gap goes on the word that was pushed (at < 32 then, F19). A
         * token that folds to nothing (a lone combining accent, a byte
         * order mark) pushes none: its blank waits for the next word, and
         * no bit is set past the phrase's last word (F32). */
        if (st->nw > at) {
            if (at > 0 && gap)
                st->gaps |= 1u << at;
            gap = 0;
        }
        st->i = end;
        st->gap = gap;
    }
    return st->rc;
}

size_t dt__dict_phrase_text(const dt_dicts *d, uint32_t off, uint32_t nw, char *buf, size_t cap)
{
    size_t o = 0;
    if (!cap)
        return 0;
    buf[0] = '\0';
    for (uint32_t w = 0; w < nw; w++) {
        const char *ws = d->words[d->pool.p[off + w]];
        size_t wn = strlen(ws);
        if (o + wn + 2 > cap)
            break;
        if (w)
            buf[o++] = ' ';
        memcpy(buf + o, ws, wn);
        o += wn;
        buf[o] = '\0';
    }
    return o;
}

int dt__dict_pset_add(dt_dicts *d, dt__pset *ps, uint32_t off, uint32_t nw, uint32_t gaps,
                      uint32_t flags, uint32_t entry, dt_dict_src src)
{
    dt_dict_phrase p;
    p.words = off;
    p.nwords = (uint16_t)nw;
    p.flags = (uint16_t)flags;
    p.gaps = gaps;
    p.entry = entry;
    p.src = src;
    return DT__VEC_PUSH(d, ps->ph, p);
}

/* Sort keys for trie building: a phrase's words, compared as sequences. */
typedef struct seq_key {
    const uint32_t *w;
    uint32_t n, idx;
} seq_key;

static int cmp_seq(const void *a, const void *b)
{
    const seq_key *x = a, *y = b;
    uint32_t m = x->n < y->n ? x->n : y->n;
    for (uint32_t i = 0; i < m; i++)
        if (x->w[i] != y->w[i])
            return x->w[i] < y->w[i] ? -1 : 1;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Longest first, then file order: the order dt_dict_phrases_by_first
 * promises. */
static int cmp_len_desc(const void *a, const void *b)
{
    const seq_key *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Sort each run of keys with the same first word (the keys being grouped
 * by first word): one pass over the keys rather than over every word id. */
static void sort_runs(seq_key *key, size_t np, int (*cmp)(const void *, const void *))
{
    for (size_t lo = 0, hi; lo < np; lo = hi) {
        for (hi = lo + 1; hi < np && key[hi].w[0] == key[lo].w[0]; hi++)
            ;
        if (hi - lo > 1)
            qsort(key + lo, hi - lo, sizeof *key, cmp);
    }
}

typedef struct tedge {
    uint32_t parent, word, child;
} tedge;

/* Build the trie from the phrases sorted as word sequences: a phrase
 * shares the path of its longest common prefix with the previous one, and
 * every node's children come out in increasing word order, so no hash
 * map and no per-node sort is needed. The sort itself is a counting sort
 * on the first word (ids are dense) and small sorts inside each bucket. */
int dt__dict_pset_compile(dt_dicts *d, dt__pset *ps)
{
    size_t np = ps->ph.n;
    size_t total = 1;
    int any_empty = 0;
    for (size_t i = 0; i < np; i++) {
        total += ps->ph.p[i].nwords;
        any_empty |= ps->ph.p[i].nwords == 0;
    }
    uint32_t nw = d->nwords;
    /* A set much smaller than the vocabulary (a few test lines beside a
     * few hundred words, or the discards of a full set) is sorted whole
     * with cmp_seq, which orders by the first word first: the same order
     * as the counting sort, without its pass over every word id.
     * (cmp_seq would put a phrase of no words first, the counting sort by
     * the word after it, so a set holding one stays on the counting sort.) */
    size_t lg = 1;
    while ((np >> lg) != 0)
        lg++;
    int small = !any_empty && np * lg * 2 <= nw;
    /* The four work arrays in one block (key first, for its pointer's
     * alignment): one allocation instead of four, for each of the five
     * sets of every load. An empty set (most sets of a small dictionary)
     * needs none of them, nor the passes over every word id. */
    size_t nk = np ? np : 1;
    size_t key_sz = nk * sizeof(seq_key), te_sz = total * sizeof(tedge);
    size_t start_sz = ((size_t)nw + 1) * sizeof(uint32_t);
    unsigned char *work = NULL;
    uint32_t *start = NULL, *vnode = NULL;
    seq_key *key = NULL;
    tedge *te = NULL;
    uint32_t nnodes = 1, nte = 0;
    if (np) {
        work = dt_malloc(key_sz + te_sz + start_sz + nk * sizeof(uint32_t));
        if (!work)
            goto oom;
        key = (seq_key *)(void *)work;
        te = (tedge *)(void *)(work + key_sz);
        start = (uint32_t *)(void *)(work + key_sz + te_sz);
        vnode = (uint32_t *)(void *)(work + key_sz + te_sz + start_sz);
        const uint32_t *pool = d->pool.p;
        if (small) {
            for (size_t i = 0; i < np; i++) {
                const dt_dict_phrase *p = &ps->ph.p[i];
                key[i].w = pool + p->words;
                key[i].n = p->nwords;
                key[i].idx = (uint32_t)i;
            }
            qsort(key, np, sizeof *key, cmp_seq);
        } else {
            memset(start, 0, start_sz);
            for (size_t i = 0; i < np; i++)
                start[pool[ps->ph.p[i].words] + 1]++;
            for (uint32_t w = 0; w < nw; w++)
                start[w + 1] += start[w];
            for (size_t i = 0; i < np; i++) {
                const dt_dict_phrase *p = &ps->ph.p[i];
                seq_key *k = &key[start[pool[p->words]]++];
                k->w = pool + p->words;
                k->n = p->nwords;
                k->idx = (uint32_t)i;
            }
            /* the buckets are the runs of equal first words */
            sort_runs(key, np, cmp_seq);
        }
        uint32_t path[DT_DICT_MAX_PHRASE_WORDS + 1];
        path[0] = 0;
        const seq_key *prev = NULL;
        for (size_t i = 0; i < np; i++) {
            const seq_key *k = &key[i];
            uint32_t lcp = 0;
            if (prev) {
                uint32_t m = prev->n < k->n ? prev->n : k->n;
                while (lcp < m && prev->w[lcp] == k->w[lcp])
                    lcp++;
            }
            for (uint32_t j = lcp; j < k->n; j++) {
                te[nte].parent = path[j];
                te[nte].word = k->w[j];
                te[nte].child = nnodes;
                nte++;
                path[j + 1] = nnodes++;
            }
            vnode[k->idx] = path[k->n];
            prev = k;
        }
    }
    ps->nodes = dt_calloc(nnodes, sizeof *ps->nodes);
    ps->edges = dt_malloc((nte ? nte : 1) * sizeof *ps->edges);
    ps->values = dt_malloc((np ? np : 1) * sizeof *ps->values);
    ps->by_first = dt_malloc((np ? np : 1) * sizeof *ps->by_first);
    if (!ps->nodes || !ps->edges || !ps->values || !ps->by_first)
        goto oom;
    ps->nnodes = nnodes;
    for (uint32_t i = 0; i < nte; i++)
        ps->nodes[te[i].parent].nedges++;
    uint32_t acc = 0;
    for (uint32_t n = 0; n < nnodes; n++) {
        ps->nodes[n].first_edge = acc;
        acc += ps->nodes[n].nedges;
        ps->nodes[n].nedges = 0;
    }
    for (uint32_t i = 0; i < nte; i++) {
        dt_dict_trie_node *nd = &ps->nodes[te[i].parent];
        dt_dict_trie_edge *e = &ps->edges[nd->first_edge + nd->nedges++];
        e->word = te[i].word;
        e->child = te[i].child;
    }
    for (size_t i = 0; i < np; i++)
        ps->nodes[vnode[i]].nvalues++;
    acc = 0;
    for (uint32_t n = 0; n < nnodes; n++) {
        ps->nodes[n].first_value = acc;
        acc += ps->nodes[n].nvalues;
        ps->nodes[n].nvalues = 0;
    }
    for (size_t i = 0; i < np; i++) {
        dt_dict_trie_node *nd = &ps->nodes[vnode[i]];
        ps->values[nd->first_value + nd->nvalues++] = (uint32_t)i;
    }
    sort_runs(key, np, cmp_len_desc);
    for (size_t i = 0; i < np; i++)
        ps->by_first[i] = key[i].idx;
    dt_free(work);
    ps->view.phrases = ps->ph.p;
    ps->view.nphrases = (uint32_t)np;
    ps->view.nodes = ps->nodes;
    ps->view.nnodes = nnodes;
    ps->view.edges = ps->edges;
    ps->view.values = ps->values;
    ps->view.by_first = ps->by_first;
    ps->view.pool = d->pool.p;
    return 0;
oom:
    dt_free(work);
    return dt__dict_oom(d);
}

/* by_first is grouped by first word in increasing id order (the counting
 * sort in dt__dict_pset_compile), so the groups' starts are a prefix sum. */
static int pset_index_first(dt_dicts *d, dt__pset *ps)
{
    uint32_t nw = d->nwords;
    dt_free(ps->first_start);
    ps->first_start = dt_calloc((size_t)nw + 1, sizeof *ps->first_start);
    if (!ps->first_start)
        return DT_ENOMEM;
    const uint32_t *pool = d->pool.p;
    for (size_t i = 0; i < ps->ph.n; i++) {
        uint32_t w = pool[ps->ph.p[i].words];
        if (w < nw)
            ps->first_start[w + 1]++;
    }
    if (ps->ph.n) /* else all zero */
        for (uint32_t w = 0; w < nw; w++)
            ps->first_start[w + 1] += ps->first_start[w];
    ps->view.first_start = ps->first_start;
    ps->view.nfirst = nw;
    dt_free(ps->by_first_w2);
    ps->by_first_w2 = dt_malloc((ps->ph.n ? ps->ph.n : 1) * sizeof *ps->by_first_w2);
    if (!ps->by_first_w2)
        return DT_ENOMEM;
    for (size_t i = 0; i < ps->ph.n; i++) {
        const dt_dict_phrase *p = &ps->ph.p[ps->by_first[i]];
        ps->by_first_w2[i] = p->nwords > 1 ? pool[p->words + 1] : 0;
    }
    ps->view.by_first_w2 = ps->by_first_w2;
    return 0;
}

/* The trie root's children by word (dt_dict_phrase_set.root_child). */
static int pset_index_root(dt_dicts *d, dt__pset *ps)
{
    dt_free(ps->root_child);
    ps->root_child = NULL;
    ps->view.root_child = NULL;
    ps->view.nroot = 0;
    if (!ps->view.nodes || ps->view.nnodes == 0 || !d->nwords)
        return 0;
    uint32_t nw = d->nwords;
    ps->root_child = dt_malloc((size_t)nw * sizeof *ps->root_child);
    if (!ps->root_child)
        return DT_ENOMEM;
    memset(ps->root_child, 0xFF, (size_t)nw * sizeof *ps->root_child); /* DT_DICT_NONE */
    const dt_dict_trie_node *root = &ps->view.nodes[0];
    for (uint32_t k = 0; k < root->nedges; k++) {
        const dt_dict_trie_edge *e = &ps->view.edges[root->first_edge + k];
        if (e->word != 0 && e->word < nw)
            ps->root_child[e->word] = e->child;
    }
    ps->view.root_child = ps->root_child;
    ps->view.nroot = nw;
    return 0;
}

int dt__dict_derive(dt_dicts *d)
{
    dt__pset *sets[] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set, &d->syn_set};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        if (sets[i]->by_first && pset_index_first(d, sets[i]))
            return DT_ENOMEM;
    if (pset_index_root(d, &d->issue_set) || pset_index_root(d, &d->syn_set))
        return DT_ENOMEM;
    d->stem_lens = 0;
    memset(d->stem_bloom, 0, sizeof d->stem_bloom);
    d->stem_short = 0;
    int lens2_clear = 0;
    const dt__pset *ds = &d->discard_set;
    for (size_t i = 0; i < ds->ph.n; i++) {
        const dt_dict_phrase *p = &ds->ph.p[i];
        if (p->nwords != 1 || !(p->flags & DT_PH_STEM))
            continue;
        uint32_t w = d->pool.p[p->words];
        uint32_t len = d->wlen[w];
        d->stem_lens |= 1ull << (len < 63 ? len : 63);
        d->stem_bloom[(d->whash[w] >> 6) & 63] |= 1ull << (d->whash[w] & 63);
        if (len < 2) {
            d->stem_short = 1;
        } else {
            uint64_t bit = 1ull << (len < 63 ? len : 63);
            if (!lens2_clear) {
                memset(d->stem_lens2, 0, sizeof d->stem_lens2);
                lens2_clear = 1;
            }
            d->stem_lens2[DT__STEM2(d->words[w][0], d->words[w][1])] |= bit;
        }
    }
    return 0;
}

void dt__dict_derive_free(dt_dicts *d)
{
    dt__pset *sets[] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set, &d->syn_set};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        dt_free(sets[i]->first_start);
        dt_free(sets[i]->by_first_w2);
        sets[i]->first_start = NULL;
        sets[i]->by_first_w2 = NULL;
        sets[i]->view.first_start = NULL;
        sets[i]->view.by_first_w2 = NULL;
        dt_free(sets[i]->root_child);
        sets[i]->root_child = NULL;
        sets[i]->view.root_child = NULL;
        sets[i]->view.nroot = 0;
        sets[i]->view.nfirst = 0;
    }
}

void dt__dict_pset_free(dt__pset *ps)
{
    DT__VEC_FREE(ps->ph);
    dt_free(ps->nodes);
    dt_free(ps->edges);
    dt_free(ps->values);
    dt_free(ps->by_first);
    memset(ps, 0, sizeof *ps);
}

uint32_t dt_dict_trie_step(const dt_dict_phrase_set *s, uint32_t node, uint32_t word)
{
    if (!s || node >= s->nnodes || word == 0)
        return DT_DICT_NONE;
    if (node == 0 && s->root_child)
        return word < s->nroot ? s->root_child[word] : DT_DICT_NONE;
    const dt_dict_trie_node *nd = &s->nodes[node];
    uint32_t lo = nd->first_edge, hi = nd->first_edge + nd->nedges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t w = s->edges[mid].word;
        if (w == word)
            return s->edges[mid].child;
        if (w < word)
            lo = mid + 1;
        else
            hi = mid;
    }
    return DT_DICT_NONE;
}

size_t dt_dict_match_longest(const dt_dict_phrase_set *s, const uint32_t *ids, size_t n,
                             const uint32_t **vals, uint32_t *nvals)
{
    size_t best = 0;
    uint32_t best_node = DT_DICT_NONE;
    uint32_t node = 0;
    for (size_t i = 0; s && i < n; i++) {
        node = dt_dict_trie_step(s, node, ids[i]);
        if (node == DT_DICT_NONE)
            break;
        if (s->nodes[node].nvalues) {
            best = i + 1;
            best_node = node;
        }
    }
    if (vals)
        *vals = best ? s->values + s->nodes[best_node].first_value : NULL;
    if (nvals)
        *nvals = best ? s->nodes[best_node].nvalues : 0;
    return best;
}

const uint32_t *dt_dict_phrases_by_first(const dt_dict_phrase_set *s, uint32_t word, uint32_t *n)
{
    *n = 0;
    if (!s || !s->nphrases || !word)
        return NULL;
    if (s->first_start) {
        if (word >= s->nfirst)
            return NULL;
        uint32_t a = s->first_start[word];
        *n = s->first_start[word + 1] - a;
        return *n ? s->by_first + a : NULL;
    }
    uint32_t lo = 0, hi = s->nphrases;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->pool[s->phrases[s->by_first[mid]].words] < word)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t e = lo;
    while (e < s->nphrases && s->pool[s->phrases[s->by_first[e]].words] == word)
        e++;
    *n = e - lo;
    return *n ? s->by_first + lo : NULL;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

int dt__dict_read_file(const char *path, char **out, size_t *len, dt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot open: %s", strerror(errno));
    /* Size the buffer from the file when we can, so a 1.5 MB actors file
     * is read with one allocation and no copying. */
    size_t cap = 1 << 16, n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > 0 && (unsigned long)sz < ((size_t)1 << 30))
            cap = (size_t)sz + 1;
        rewind(f);
    }
    char *buf = dt_malloc(cap);
    if (!buf) {
        fclose(f);
        return dt_error_set(err, DT_ENOMEM, path, 0, UINT64_MAX, "out of memory");
    }
    for (;;) {
        if (n == cap) {
            if (cap >= ((size_t)1 << 30)) {
                dt_free(buf);
                fclose(f);
                return dt_error_set(err, DT_ELIMIT, path, 0, UINT64_MAX,
                                    "dictionary file over 1 GiB");
            }
            char *nb = dt_realloc(buf, cap * 2);
            if (!nb) {
                dt_free(buf);
                fclose(f);
                return dt_error_set(err, DT_ENOMEM, path, 0, UINT64_MAX, "out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        dt_free(buf);
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "read error");
    }
    *out = buf;
    *len = n;
    return 0;
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i = 0;
    /* Eight bytes a round (the same hash): the whole of every source goes
     * through here, and the loop test is a call under the fuzzers'
     * comparison tracing. */
    for (; i + 8 <= n; i += 8) {
        h = (h ^ s[i]) * 0x100000001b3ULL;
        h = (h ^ s[i + 1]) * 0x100000001b3ULL;
        h = (h ^ s[i + 2]) * 0x100000001b3ULL;
        h = (h ^ s[i + 3]) * 0x100000001b3ULL;
        h = (h ^ s[i + 4]) * 0x100000001b3ULL;
        h = (h ^ s[i + 5]) * 0x100000001b3ULL;
        h = (h ^ s[i + 6]) * 0x100000001b3ULL;
        h = (h ^ s[i + 7]) * 0x100000001b3ULL;
    }
    for (; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t dt__dict_hash_source(uint64_t h, uint32_t kind, const char *data, size_t len)
{
    uint64_t l64 = len;
    h = fnv64(h, &kind, sizeof kind);
    h = fnv64(h, &l64, sizeof l64);
    return fnv64(h, data, len);
}

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

dt_dicts *dt__dicts_new(void)
{
    dt_dicts *d = dt_malloc(sizeof *d);
    if (d)
        memset(d, 0, offsetof(dt_dicts, stem_lens2));
    return d;
}

int dt_dicts_load(const dt_dict_source *src, size_t nsrc, const dt_dict_options *opt,
                  dt_dicts **out, dt_error *err)
{
    if (!out || (nsrc && !src))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dt_dicts_load: bad arguments");
    *out = NULL;
    for (size_t i = 0; i < nsrc; i++) {
        int k = src[i].kind;
        if (((k < 0 || k >= DT_DICT__KIND_COUNT) && k != DT_DICT_OWN) ||
            (!src[i].data && !src[i].path))
            return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                                "dictionary source %zu: bad kind or no path/data", i);
    }
    double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
    dt_dicts *d = dt__dicts_new();
    if (!d)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    if (opt)
        d->opt = *opt;
    d->arena = dt_arena_new((size_t)32 << 10);
    if (!d->arena) {
        dt_free(d);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    d->nwords = 1; /* id 0 = unknown */
    d->hash = 0xcbf29ce484222325ULL;
    int rc = 0;
    dt_error ferr;
    dt_error_clear(&ferr);
    int io_failed = 0;
    for (size_t i = 0; i < nsrc && !rc; i++) {
        const dt_dict_source *s = &src[i];
        const char *name = s->name ? s->name : s->data ? "<memory>" : s->path;
        const char *nm = dt__dict_strdup(d, name, strlen(name));
        if (DT__VEC_PUSH(d, d->src_names, nm) || DT__VEC_PUSH(d, d->src_kinds, (uint32_t)s->kind)) {
            rc = DT_ENOMEM;
            break;
        }
        uint32_t file = (uint32_t)(d->src_names.n - 1);
        char *buf = NULL;
        const char *data = s->data;
        size_t len = s->len;
        if (!data) {
            dt_error e1;
            dt_error_clear(&e1);
            int r = dt__dict_read_file(s->path, &buf, &len, &e1);
            if (r == DT_ENOMEM) {
                rc = r;
                break;
            }
            if (r) {
                dt__dict_warn(d, file, 0, DT_DICT_SEV_ERROR, DT_DICTW_IO, "%s", e1.msg);
                if (!io_failed)
                    ferr = e1;
                io_failed = 1;
                continue;
            }
            data = buf;
        }
        d->hash = dt__dict_hash_source(d->hash, (uint32_t)s->kind, data, len);
        d->bytes_read += len;
        switch (s->kind) {
        case DT_DICT_VERBS:
            rc = dt__dict_read_verbs(d, file, data, len);
            break;
        case DT_DICT_ACTORS:
            rc = dt__dict_read_actors(d, file, data, len);
            break;
        case DT_DICT_AGENTS:
            rc = dt__dict_read_agents(d, file, data, len);
            break;
        case DT_DICT_DISCARDS:
            rc = dt__dict_read_discards(d, file, data, len);
            break;
        case DT_DICT_OWN:
            rc = dt__dict_read_own(d, file, data, len);
            break;
        default:
            rc = dt__dict_read_issues(d, file, data, len);
            break;
        }
        dt_free(buf);
    }
    if (!rc)
        rc = dt__dict_verbs_finish(d);
    dt__pset *sets[] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set, &d->syn_set};
    for (size_t i = 0; !rc && i < sizeof sets / sizeof sets[0]; i++)
        rc = dt__dict_pset_compile(d, sets[i]);
    if (!rc && d->oom)
        rc = DT_ENOMEM;
    if (rc) {
        dt_dicts_free(d);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX,
                            "out of memory loading dictionaries");
    }
    dt__dict_actors_lint(d);
    /* Phrase views point into the pool, which may have moved while later
     * files were read; fix them now that it is final. */
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        sets[i]->view.pool = d->pool.p;
    if (dt__dict_derive(d)) {
        dt_dicts_free(d);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX,
                            "out of memory loading dictionaries");
    }
    snprintf(d->hash_hex, sizeof d->hash_hex, "%016llx", (unsigned long long)d->hash);
    d->load_ms = clock_ms(CLOCK_MONOTONIC) - t0;
    d->load_cpu_ms = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
    *out = d;
    if (io_failed) {
        if (err)
            *err = ferr;
        return DT_EIO;
    }
    size_t bad = d->sev_count[DT_DICT_SEV_WARNING] + d->sev_count[DT_DICT_SEV_ERROR];
    if (d->opt.strict && bad) {
        const dt_dict_warning *w = NULL;
        for (size_t i = 0; i < d->warns.n; i++)
            if (d->warns.p[i].severity >= DT_DICT_SEV_WARNING) {
                w = &d->warns.p[i];
                break;
            }
        if (w)
            return dt_error_set(err, DT_EFORMAT, w->file, w->line, UINT64_MAX,
                                "%zu dictionary warning(s) in strict mode; first: %s", bad, w->msg);
        return dt_error_set(err, DT_EFORMAT, "", 0, UINT64_MAX,
                            "%zu dictionary warning(s) in strict mode", bad);
    }
    return DT_OK;
}

int dt_dicts_load_files(const dt_dict_files *files, const dt_dict_options *opt, dt_dicts **out,
                        dt_error *err)
{
    if (!files || !out || (files->nactors && !files->actors))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "dt_dicts_load_files: bad arguments");
    size_t n = 0, cap = 4 + files->nactors;
    dt_dict_source *s = dt_calloc(cap, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    /* Verbs first: synsets then exist before anything else is indexed,
     * and warnings come out in a predictable order. */
    if (files->verbs)
        s[n++] = (dt_dict_source){DT_DICT_VERBS, files->verbs, NULL, NULL, 0};
    for (size_t i = 0; i < files->nactors; i++)
        if (files->actors[i])
            s[n++] = (dt_dict_source){DT_DICT_ACTORS, files->actors[i], NULL, NULL, 0};
    if (files->agents)
        s[n++] = (dt_dict_source){DT_DICT_AGENTS, files->agents, NULL, NULL, 0};
    if (files->discards)
        s[n++] = (dt_dict_source){DT_DICT_DISCARDS, files->discards, NULL, NULL, 0};
    if (files->issues)
        s[n++] = (dt_dict_source){DT_DICT_ISSUES, files->issues, NULL, NULL, 0};
    int rc = dt_dicts_load(s, n, opt, out, err);
    dt_free(s);
    return rc;
}

void dt_dicts_free(dt_dicts *d)
{
    if (!d)
        return;
    dt__dict_derive_free(d);
    if (d->map) {
        /* Loaded from a compiled cache: the arrays live in the mapping. */
        dt__dict_cache_unmap(d->map, d->maplen);
        dt_arena_free(d->arena);
        dt_free(d);
        return;
    }
    DT__VEC_FREE(d->src_kinds);
    dt__dict_imemo_free(d);
    dt__dict_pset_free(&d->actor_set);
    dt__dict_pset_free(&d->agent_set);
    dt__dict_pset_free(&d->discard_set);
    dt__dict_pset_free(&d->issue_set);
    dt__dict_pset_free(&d->syn_set);
    DT__VEC_FREE(d->pool);
    DT__VEC_FREE(d->src_names);
    DT__VEC_FREE(d->warns);
    DT__VEC_FREE(d->actors);
    DT__VEC_FREE(d->acodes);
    DT__VEC_FREE(d->agents);
    DT__VEC_FREE(d->issues);
    DT__VEC_FREE(d->synsets);
    DT__VEC_FREE(d->synnames);
    DT__VEC_FREE(d->rawmembers);
    dt_free(d->syn_tab);
    DT__VEC_FREE(d->tmp_elems);
    DT__VEC_FREE(d->verbs);
    DT__VEC_FREE(d->vforms);
    DT__VEC_FREE(d->blocks);
    DT__VEC_FREE(d->patterns);
    DT__VEC_FREE(d->pelems);
    DT__VEC_FREE(d->transforms);
    dt_free(d->vf_start);
    dt_free(d->words);
    dt_free(d->wlen);
    dt_free(d->whash);
    dt_free(d->wtab);
    dt_free(d->ctab);
    dt_arena_free(d->arena);
    dt_free(d);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */

size_t dt_dicts_nwarnings(const dt_dicts *d)
{
    return d ? d->warns.n : 0;
}

const dt_dict_warning *dt_dicts_warning(const dt_dicts *d, size_t i)
{
    return d && i < d->warns.n ? &d->warns.p[i] : NULL;
}

size_t dt_dicts_count_severity(const dt_dicts *d, int severity)
{
    if (!d || severity < 0 || severity > 2)
        return 0;
    return d->sev_count[severity];
}

static size_t vec_bytes(size_t cap, size_t el)
{
    return cap * el;
}

void dt_dicts_stats(const dt_dicts *d, dt_dict_stats *st)
{
    memset(st, 0, sizeof *st);
    if (!d)
        return;
    st->words = d->nwords ? d->nwords - 1 : 0;
    st->actors = d->actors.n;
    st->actor_phrases = d->actor_set.ph.n;
    st->actor_codes = d->acodes.n;
    st->agents = d->agent_set.ph.n;
    st->verbs = d->verbs.n;
    st->verb_forms = d->vforms.n;
    st->verb_blocks = d->blocks.n;
    st->patterns = d->patterns.n;
    for (size_t i = 0; i < d->synsets.n; i++)
        if (d->synnames.p[i].defined)
            st->synsets++;
    st->synset_members = d->syn_set.ph.n;
    st->discards = d->discard_set.ph.n;
    st->issues = d->issue_set.ph.n;
    st->transforms = d->transforms.n;
    st->warnings = d->nwarn_total;
    st->bytes_read = d->bytes_read;
    size_t m = dt_arena_reserved(d->arena);
    m += vec_bytes(d->capwords, sizeof(char *) + 2 * sizeof(uint32_t));
    m += ((size_t)d->wtab_mask + 1) * sizeof(uint64_t);
    m += ((size_t)d->ctab_mask + 1) * sizeof(char *);
    m += vec_bytes(d->pool.cap, sizeof(uint32_t));
    const dt__pset *sets[] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set,
                              &d->syn_set};
    for (size_t i = 0; i < 5; i++) {
        const dt__pset *ps = sets[i];
        m += vec_bytes(ps->ph.cap, sizeof(dt_dict_phrase));
        m += ps->nnodes * sizeof(dt_dict_trie_node);
        m += ps->nnodes * sizeof(dt_dict_trie_edge);
        m += ps->ph.n * 2 * sizeof(uint32_t);
    }
    m += vec_bytes(d->actors.cap, sizeof(dt_dict_actor));
    m += vec_bytes(d->acodes.cap, sizeof(dt_dict_actor_code));
    m += vec_bytes(d->agents.cap, sizeof(dt_dict_agent));
    m += vec_bytes(d->issues.cap, sizeof(dt_dict_issue));
    m += vec_bytes(d->verbs.cap, sizeof(dt_dict_verb));
    m += vec_bytes(d->vforms.cap, sizeof(dt_dict_verb_form));
    m += vec_bytes(d->blocks.cap, sizeof(dt_dict_verb_block));
    m += vec_bytes(d->patterns.cap, sizeof(dt_dict_pattern));
    m += vec_bytes(d->pelems.cap, sizeof(dt_dict_pelem));
    m += (size_t)d->nwords * sizeof(uint32_t);
    st->memory = d->map ? d->maplen : m;
    st->load_ms = d->load_ms;
    st->load_cpu_ms = d->load_cpu_ms;
}

uint64_t dt_dicts_hash(const dt_dicts *d)
{
    return d ? d->hash : 0;
}

const char *dt_dicts_hash_hex(const dt_dicts *d)
{
    return d ? d->hash_hex : "";
}

const char *dt_dict_source_name(const dt_dicts *d, uint32_t file)
{
    if (!d || file >= d->src_names.n)
        return "?";
    return d->src_names.p[file];
}

const uint32_t *dt_dict_word_ids(const dt_dicts *d)
{
    return d ? d->pool.p : NULL;
}

const dt_dict_phrase_set *dt_dict_actor_phrases(const dt_dicts *d)
{
    return &d->actor_set.view;
}

const dt_dict_actor *dt_dict_actors(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->actors.n;
    return d->actors.p;
}

const dt_dict_actor_code *dt_dict_actor_codes(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->acodes.n;
    return d->acodes.p;
}

const char *dt_dict_actor_code_at(const dt_dicts *d, uint32_t actor, int32_t date, uint32_t *which)
{
    if (which)
        *which = DT_DICT_NONE;
    if (!d || actor >= d->actors.n)
        return NULL;
    const dt_dict_actor *a = &d->actors.p[actor];
    if (date > 0) {
        for (uint32_t i = 0; i < a->ncodes; i++) {
            const dt_dict_actor_code *c = &d->acodes.p[a->first_code + i];
            if (c->flags & DT_AC_DEFAULT)
                continue;
            if (date >= c->from && date <= c->to) {
                if (which)
                    *which = a->first_code + i;
                return c->code;
            }
        }
    }
    for (uint32_t i = 0; i < a->ncodes; i++) {
        const dt_dict_actor_code *c = &d->acodes.p[a->first_code + i];
        if (c->flags & DT_AC_DEFAULT) {
            if (which)
                *which = a->first_code + i;
            return c->code;
        }
    }
    return NULL;
}

const dt_dict_phrase_set *dt_dict_agent_phrases(const dt_dicts *d)
{
    return &d->agent_set.view;
}

const dt_dict_agent *dt_dict_agents(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->agents.n;
    return d->agents.p;
}

const dt_dict_phrase_set *dt_dict_discard_phrases(const dt_dicts *d)
{
    return &d->discard_set.view;
}

/* Token i's normalised text for the discard check: from norms, or from
 * tok (one of them is NULL; each caller below passes a constant NULL, so
 * the inlined check is specialised). */
static inline const char *dnorm(const char *const *norms, const dt_token *tok, size_t i)
{
    if (tok)
        return tok[i].norm ? tok[i].norm : "";
    return norms ? norms[i] : NULL;
}

/* strlen of dnorm(), without the pass where the token knows it (norm_len
 * is 16 bits: trusted where the NUL is) */
static inline size_t dnorm_len(const char *const *norms, const dt_token *tok, size_t i)
{
    if (tok) {
        const char *s = tok[i].norm;
        return !s ? 0 : s[tok[i].norm_len] == '\0' ? tok[i].norm_len : strlen(s);
    }
    return norms && norms[i] ? strlen(norms[i]) : 0;
}

/* Does discard phrase p match at tokens [i, ...)? The first word has
 * already matched (exactly, or as a stem when the phrase is one word). */
static inline int discard_rest(const dt_dicts *d, const dt_dict_phrase *p, const uint32_t *ids,
                               const char *const *norms, const dt_token *tok, size_t n, size_t i)
{
    if (i + p->nwords > n)
        return 0;
    for (uint32_t k = 1; k < p->nwords; k++) {
        uint32_t w = d->pool.p[p->words + k];
        if (ids[i + k] == w)
            continue;
        const char *nk;
        if (k + 1 == p->nwords && (p->flags & DT_PH_STEM) && (nk = dnorm(norms, tok, i + k))) {
            const char *ws = d->words[w];
            if (strncmp(nk, ws, d->wlen[w]) == 0)
                continue;
        }
        return 0;
    }
    return 1;
}

static inline __attribute__((always_inline)) int
discard_check(const dt_dicts *d, const uint32_t *ids, const char *const *norms, const dt_token *tok,
              size_t n, uint32_t *phrase)
{
    if (phrase)
        *phrase = DT_DICT_NONE;
    if (!d || !ids)
        return 0;
    const dt_dict_phrase_set *s = &d->discard_set.view;
    int found = 0;
    uint32_t ph[64];
    for (size_t i = 0; i < n && found < 2; i++) {
        size_t len = dnorm_len(norms, tok, i);
        const char *ni = dnorm(norms, tok, i);
        /* The prefixes' hashes in one pass over the token, not one pass
         * per prefix (long tokens, rare, hash each prefix). */
        int hashed = len > 1 && len <= sizeof ph / sizeof ph[0];
        /* Proper prefix lengths some stem has, as a bit set walked from
         * the longest down (bit 63 stands for every length from 63 up);
         * tokens of more than 64 bytes, rare, try each length. */
        uint64_t lens = 0;
        if (len > 1 && len <= 64)
            lens = d->stem_lens & (len == 64 ? ~0ull : (1ull << len) - 1) & ~1ull;
        if (lens && !d->stem_short)
            lens &= d->stem_lens2[DT__STEM2(ni[0], ni[1])];
        /* Nothing to try (most tokens): no stem length is left, and the
         * whole token starts no discard phrase, so the loop below would
         * find no candidate. */
        if (!lens && len <= 64 && s->first_start &&
            (ids[i] == 0 || ids[i] >= s->nfirst ||
             s->first_start[ids[i]] == s->first_start[ids[i] + 1]))
            continue;
        if (hashed && lens)
            dt__dict_prefix_hashes(ni, len - 1, ph);
        /* Try the whole token, then (for stems) each proper prefix of a
         * length some stem has. */
        for (size_t L = len ? len : 1; L >= 1 && found < 2;) {
            uint32_t id = L == len || !len ? ids[i]
                          : hashed         ? dt__dict_word_id_hashed(d, ni, L, ph[L - 1])
                                           : dt_dict_word_id(d, ni, L);
            if (id) {
                uint32_t nc = 0;
                const uint32_t *cand = NULL;
                if (s->first_start) {
                    /* dt_dict_phrases_by_first, inline (no call for the
                     * many tokens that start no discard phrase) */
                    if (id < s->nfirst) {
                        cand = s->by_first + s->first_start[id];
                        nc = s->first_start[id + 1] - s->first_start[id];
                    }
                } else {
                    cand = dt_dict_phrases_by_first(s, id, &nc);
                }
                for (uint32_t c = 0; c < nc; c++) {
                    const dt_dict_phrase *p = &s->phrases[cand[c]];
                    int exact = L == len || !len;
                    if (!exact && !(p->nwords == 1 && (p->flags & DT_PH_STEM)))
                        continue;
                    if (!discard_rest(d, p, ids, norms, tok, n, i))
                        continue;
                    int lvl = (p->flags & DT_PH_STORY) ? 2 : 1;
                    if (lvl > found) {
                        found = lvl;
                        if (phrase)
                            *phrase = cand[c];
                    }
                }
            }
            if (!len)
                break;
            /* the next shorter length worth a look-up */
            if (len <= 64) {
                L = 0;
                while (lens) {
                    size_t b = (size_t)(63 - __builtin_clzll(lens));
                    lens &= ~(1ull << b);
                    if (hashed &&
                        !(d->stem_bloom[(ph[b - 1] >> 6) & 63] & (1ull << (ph[b - 1] & 63))))
                        continue;
                    L = b;
                    break;
                }
            } else {
                for (L--; L >= 1 && !(d->stem_lens & (1ull << (L < 63 ? L : 63))); L--)
                    ;
            }
        }
    }
    return found;
}

int dt_dict_discard_check(const dt_dicts *d, const uint32_t *ids, const char *const *norms,
                          size_t n, uint32_t *phrase)
{
    return discard_check(d, ids, norms, NULL, n, phrase);
}

int dt_dict_discard_check_tokens(const dt_dicts *d, const uint32_t *ids, const dt_token *tok,
                                 size_t n, uint32_t *phrase)
{
    return discard_check(d, ids, NULL, tok, n, phrase);
}

const dt_dict_phrase_set *dt_dict_issue_phrases(const dt_dicts *d)
{
    return &d->issue_set.view;
}

const dt_dict_issue *dt_dict_issues(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->issues.n;
    return d->issues.p;
}

int dt_dict_issue_scan(const dt_dicts *d, const uint32_t *ids, size_t n, uint32_t *hits, size_t cap,
                       size_t *nhits)
{
    size_t count = 0;
    int ignore = 0;
    if (nhits)
        *nhits = 0;
    if (!d || !ids)
        return 0;
    const dt_dict_phrase_set *s = &d->issue_set.view;
    for (size_t i = 0; i < n; i++) {
        uint32_t node = 0;
        for (size_t j = i; j < n; j++) {
            node = dt_dict_trie_step(s, node, ids[j]);
            if (node == DT_DICT_NONE)
                break;
            const dt_dict_trie_node *nd = &s->nodes[node];
            for (uint32_t v = 0; v < nd->nvalues; v++) {
                uint32_t issue = s->phrases[s->values[nd->first_value + v]].entry;
                uint32_t type = d->issues.p[issue].type;
                if (type == DT_ISSUE_IGNORE_STORY)
                    ignore = DT_ISSUE_IGNORE_STORY;
                else if (type == DT_ISSUE_IGNORE_SENT && !ignore)
                    ignore = DT_ISSUE_IGNORE_SENT;
                else if (type == DT_ISSUE_CODE) {
                    if (hits && count < cap)
                        hits[count] = issue;
                    count++;
                }
            }
        }
    }
    if (ignore)
        return ignore;
    if (nhits)
        *nhits = count;
    return 0;
}

const dt_dict_phrase_set *dt_dict_synset_phrases(const dt_dicts *d)
{
    return &d->syn_set.view;
}

const dt_dict_synset *dt_dict_synsets(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->synsets.n;
    return d->synsets.p;
}

uint32_t dt_dict_synset_find(const dt_dicts *d, const char *name, size_t n)
{
    if (!d || !name)
        return DT_DICT_NONE;
    if (n && name[0] == '&') {
        name++;
        n--;
    }
    for (size_t i = 0; i < d->synsets.n; i++) {
        const char *s = d->synsets.p[i].name + 1;
        if (strlen(s) == n && memcmp(s, name, n) == 0)
            return (uint32_t)i;
    }
    return DT_DICT_NONE;
}

size_t dt_dict_synset_match(const dt_dicts *d, uint32_t syn, const uint32_t *ids, size_t n)
{
    if (!d || syn >= d->synsets.n)
        return 0;
    const dt_dict_synset *s = &d->synsets.p[syn];
    /* Walk the trie of all members along ids: every node passed spells a
     * prefix of ids, so the deepest one holding a member of this synset
     * (a phrase index in its range) is the longest match. The walk
     * usually stops at the first word, where a scan of the members would
     * compare each of them. */
    const dt_dict_phrase_set *ps = &d->syn_set.view;
    uint32_t lo = s->first_member, hi = s->first_member + s->nmembers;
    size_t best = 0;
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        node = dt_dict_trie_step(ps, node, ids[i]);
        if (node == DT_DICT_NONE)
            break;
        const dt_dict_trie_node *nd = &ps->nodes[node];
        for (uint32_t v = 0; v < nd->nvalues; v++) {
            uint32_t ph = ps->values[nd->first_value + v];
            if (ph >= lo && ph < hi) {
                best = i + 1;
                break;
            }
        }
    }
    return best;
}

size_t dt_dict_synset_match_back(const dt_dicts *d, uint32_t syn, const uint32_t *ids, size_t n)
{
    if (!d || syn >= d->synsets.n)
        return 0;
    const dt_dict_synset *s = &d->synsets.p[syn];
    size_t best = 0;
    for (uint32_t m = 0; m < s->nmembers; m++) {
        const dt_dict_phrase *p = &d->syn_set.ph.p[s->first_member + m];
        if (p->nwords > n || p->nwords <= best)
            continue;
        /* Compare from the last word: most members fail there, without a
         * memcmp call. */
        const uint32_t *w = d->pool.p + p->words;
        const uint32_t *t = ids + n - p->nwords;
        uint32_t k = p->nwords;
        while (k > 0 && t[k - 1] == w[k - 1])
            k--;
        if (k == 0)
            best = p->nwords;
    }
    return best;
}

const dt_dict_verb_form *dt_dict_verb_forms(const dt_dicts *d, uint32_t word, uint32_t *n)
{
    *n = 0;
    if (!d || !d->vf_start || word == 0 || word >= d->nwords)
        return NULL;
    uint32_t a = d->vf_start[word], b = d->vf_start[word + 1];
    *n = b - a;
    return *n ? d->vforms.p + a : NULL;
}

const dt_dict_verb *dt_dict_verbs(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->verbs.n;
    return d->verbs.p;
}

const dt_dict_verb_block *dt_dict_verb_blocks(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->blocks.n;
    return d->blocks.p;
}

const dt_dict_pattern *dt_dict_patterns(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->patterns.n;
    return d->patterns.p;
}

const dt_dict_pelem *dt_dict_pattern_elems(const dt_dicts *d)
{
    return d->pelems.p;
}

const dt_dict_transform *dt_dict_transforms(const dt_dicts *d, uint32_t *n)
{
    *n = (uint32_t)d->transforms.n;
    return d->transforms.p;
}
