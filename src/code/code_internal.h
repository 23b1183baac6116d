/* Coder internals shared by the src/code/ files. */
#ifndef DT_CODE_INTERNAL_H
#define DT_CODE_INTERNAL_H

#include "detente/code.h"

/* One item of the phrase list (PETRARCH's ParseList): an opening tag
 * "(NP1", a closing tag "~NP1", a word, or the code slot that follows
 * "(NE". Strings are arena-owned or static. */
typedef struct dt__pl {
    const char *s;
    uint32_t id; /* dictionary word id of a word, 0 otherwise */
    int32_t tok; /* document token index of a word, -1 otherwise */
} dt__pl;

typedef struct dt__plist {
    dt__pl *v;
    uint32_t n, cap;
    dt_arena *a;
    int oom;
} dt__plist;

int dt__pl_push(dt__plist *l, const char *s, uint32_t id, int32_t tok);

/* Build the phrase list of sentence si (see code_plist.c). Returns DT_OK,
 * DT_ENOMEM, or DT_EFORMAT when the structure is unusable. */
int dt__plist_build(const dt_dicts *dicts, dt_arena *a, const dt_doctext *d, size_t si,
                    dt__plist *out);

/* Pattern tries (code_trie.c). Lower part: elements after the verb in
 * text order; then an END edge; then the upper part: elements before the
 * verb, nearest to the verb first; a node reached by the upper part's END
 * edge holds the pattern. */
enum {
    DT__K_WORD = 0,
    DT__K_SYNSET,
    DT__K_TARGET,
    DT__K_SOURCE,
    DT__K_SKIPNE,
    DT__K_COMPOUND,
    DT__K_END
};

/* Pattern slot of the implicit empty pattern that carries the block's
 * head verb code (PETRARCH stores the bare verb as a pattern). */
#define DT__PAT_DEFAULT (UINT32_MAX - 1)

typedef struct dt__tedge {
    uint8_t kind;
    uint32_t value;
    uint32_t child;
    uint32_t next; /* next edge of the same node, UINT32_MAX = none */
} dt__tedge;

typedef struct dt__tnode {
    uint32_t first, last; /* edge list, UINT32_MAX = empty */
    uint32_t pattern;     /* pattern index at a final node, UINT32_MAX = none */
} dt__tnode;

typedef struct dt__tries {
    dt__tnode *nodes;
    uint32_t nnodes, capnodes;
    dt__tedge *edges;
    uint32_t nedges, capedges;
    uint32_t *block_root;  /* per verb block */
    uint32_t *block_nodes; /* nodes in each block's trie (for memo sizing) */
    uint32_t *block_first_node;
    uint32_t nblocks;
} dt__tries;

int dt__tries_build(const dt_dicts *d, dt__tries *t);
void dt__tries_free(dt__tries *t);
uint32_t dt__tries_child(const dt__tries *t, uint32_t node, int kind, uint32_t value);

struct dt_coder {
    const dt_dicts *d;
    dt_coder_options opt;
    dt__tries tries;
};

#endif
