/* Verb pattern tries: each verb block's patterns compiled into one trie,
 * as PETRARCH-1 does, so that matching explores the patterns in the same
 * order (word before synset before markers before skipping a word). */
#include "code_internal.h"

#include <string.h>

static uint32_t new_node(dt__tries *t)
{
    if (t->nnodes == t->capnodes) {
        uint32_t nc = t->capnodes ? t->capnodes * 2 : 1024;
        dt__tnode *nn = dt_realloc(t->nodes, (size_t)nc * sizeof *nn);
        if (!nn)
            return UINT32_MAX;
        t->nodes = nn;
        t->capnodes = nc;
    }
    dt__tnode *n = &t->nodes[t->nnodes];
    n->first = n->last = UINT32_MAX;
    n->pattern = UINT32_MAX;
    return t->nnodes++;
}

uint32_t dt__tries_child(const dt__tries *t, uint32_t node, int kind, uint32_t value)
{
    for (uint32_t e = t->nodes[node].first; e != UINT32_MAX; e = t->edges[e].next)
        if (t->edges[e].kind == kind && t->edges[e].value == value)
            return t->edges[e].child;
    return UINT32_MAX;
}

/* Child along (kind, value), created (appended, keeping insertion order)
 * when missing. */
static uint32_t step(dt__tries *t, uint32_t node, int kind, uint32_t value)
{
    uint32_t c = dt__tries_child(t, node, kind, value);
    if (c != UINT32_MAX)
        return c;
    c = new_node(t);
    if (c == UINT32_MAX)
        return c;
    if (t->nedges == t->capedges) {
        uint32_t nc = t->capedges ? t->capedges * 2 : 1024;
        dt__tedge *ne = dt_realloc(t->edges, (size_t)nc * sizeof *ne);
        if (!ne)
            return UINT32_MAX;
        t->edges = ne;
        t->capedges = nc;
    }
    uint32_t e = t->nedges++;
    t->edges[e].kind = (uint8_t)kind;
    t->edges[e].value = value;
    t->edges[e].child = c;
    t->edges[e].next = UINT32_MAX;
    dt__tnode *n = &t->nodes[node];
    if (n->last == UINT32_MAX)
        n->first = e;
    else
        t->edges[n->last].next = e;
    n->last = e;
    return c;
}

/* Map a dictionary element to a trie key; -1 for elements PETRARCH-1
 * cannot match ({ } ( ) phrase brackets: such patterns are skipped, as
 * PETRARCH-1 skips TABARI disjunction patterns). */
static int elem_key(const dt_dict_pelem *e, uint32_t *value)
{
    *value = e->value;
    switch (e->kind) {
    case DT_PEL_WORD:
        return DT__K_WORD;
    case DT_PEL_SYNSET:
        return DT__K_SYNSET;
    case DT_PEL_TARGET:
        *value = 0;
        return DT__K_TARGET;
    case DT_PEL_SOURCE:
        *value = 0;
        return DT__K_SOURCE;
    case DT_PEL_SKIP:
        *value = 0;
        return DT__K_SKIPNE;
    case DT_PEL_COMPOUND:
        *value = 0;
        return DT__K_COMPOUND;
    default:
        return -1;
    }
}

int dt__tries_build(const dt_dicts *d, dt__tries *t)
{
    memset(t, 0, sizeof *t);
    uint32_t nb = 0, np = 0;
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nb);
    const dt_dict_pattern *pats = dt_dict_patterns(d, &np);
    const dt_dict_pelem *el = dt_dict_pattern_elems(d);
    t->nblocks = nb;
    if (nb == 0)
        return DT_OK;
    t->block_root = dt_calloc(nb, sizeof *t->block_root);
    t->block_nodes = dt_calloc(nb, sizeof *t->block_nodes);
    t->block_first_node = dt_calloc(nb, sizeof *t->block_first_node);
    if (!t->block_root || !t->block_nodes || !t->block_first_node)
        return DT_ENOMEM;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t root = new_node(t);
        if (root == UINT32_MAX)
            return DT_ENOMEM;
        t->block_root[b] = root;
        t->block_first_node[b] = root;
        {
            /* the bare verb: empty lower and upper parts */
            uint32_t e1 = step(t, root, DT__K_END, 0);
            uint32_t e2 = e1 == UINT32_MAX ? e1 : step(t, e1, DT__K_END, 0);
            if (e2 == UINT32_MAX)
                return DT_ENOMEM;
            t->nodes[e2].pattern = DT__PAT_DEFAULT;
        }
        for (uint32_t k = 0; k < blocks[b].npatterns; k++) {
            uint32_t pi = blocks[b].first_pattern + k;
            if (pi >= np)
                break;
            const dt_dict_pattern *p = &pats[pi];
            const dt_dict_pelem *pe = el + p->first_elem;
            int ok = 1;
            for (uint32_t j = 0; j < p->nelem && ok; j++) {
                uint32_t v;
                if (j != p->verb_pos && elem_key(&pe[j], &v) < 0)
                    ok = 0;
            }
            if (!ok || p->verb_pos >= p->nelem)
                continue;
            uint32_t node = root;
            for (uint32_t j = (uint32_t)p->verb_pos + 1; j < p->nelem && node != UINT32_MAX; j++) {
                uint32_t v;
                int kk = elem_key(&pe[j], &v);
                node = step(t, node, kk, v);
            }
            if (node != UINT32_MAX)
                node = step(t, node, DT__K_END, 0);
            for (uint32_t j = p->verb_pos; j-- > 0 && node != UINT32_MAX;) {
                uint32_t v;
                int kk = elem_key(&pe[j], &v);
                node = step(t, node, kk, v);
            }
            if (node != UINT32_MAX)
                node = step(t, node, DT__K_END, 0);
            if (node == UINT32_MAX)
                return DT_ENOMEM;
            /* A later identical pattern replaces an earlier one, as in
             * PETRARCH's dictionary tree. */
            t->nodes[node].pattern = pi;
        }
        t->block_nodes[b] = t->nnodes - root;
    }
    return DT_OK;
}

void dt__tries_free(dt__tries *t)
{
    dt_free(t->nodes);
    dt_free(t->edges);
    dt_free(t->block_root);
    dt_free(t->block_nodes);
    dt_free(t->block_first_node);
    memset(t, 0, sizeof *t);
}
