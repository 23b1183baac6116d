/* Bump-pointer arena. Blocks form a singly linked list; reset keeps the
 * largest block so a steady stream of similar documents allocates nothing
 * after warm-up. */
#include "detente/arena.h"

#include <string.h>

#define ARENA_ALIGN 16u

typedef struct block {
    struct block *next;
    size_t cap;
    size_t used;
    /* payload follows, aligned */
} block;

struct dt_arena {
    block *head;
    size_t block_size;
    size_t used_total; /* bytes in blocks other than head */
    void *last;        /* most recent allocation, for dt_arena_grow */
};

#define HDR ((sizeof(block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static inline unsigned char *payload(block *b)
{
    return (unsigned char *)b + HDR;
}

dt_arena *dt_arena_new(size_t block_size)
{
    dt_arena *a = dt_malloc(sizeof *a);
    if (!a)
        return NULL;
    a->head = NULL;
    a->block_size = block_size ? block_size : (size_t)64 << 10;
    a->used_total = 0;
    a->last = NULL;
    return a;
}

void dt_arena_free(dt_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *n = b->next;
        dt_free(b);
        b = n;
    }
    dt_free(a);
}

void dt_arena_reset(dt_arena *a)
{
    block *keep = NULL;
    for (block *b = a->head; b; b = b->next)
        if (!keep || b->cap > keep->cap)
            keep = b;
    block *b = a->head;
    while (b) {
        block *n = b->next;
        if (b != keep)
            dt_free(b);
        b = n;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->used_total = 0;
    a->last = NULL;
}

void *dt_arena_alloc(dt_arena *a, size_t n)
{
    if (n > DT_ARENA_MAX_ALLOC)
        return NULL;
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = a->block_size;
        if (cap < n)
            cap = n;
        block *nb = dt_malloc(HDR + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->used = 0;
        if (b)
            a->used_total += b->used;
        nb->next = b;
        a->head = b = nb;
    }
    void *p = payload(b) + b->used;
    b->used += n;
    a->last = p;
    return p;
}

void *dt_arena_calloc(dt_arena *a, size_t count, size_t n)
{
    if (n && count > DT_ARENA_MAX_ALLOC / n)
        return NULL;
    void *p = dt_arena_alloc(a, count * n);
    if (p)
        memset(p, 0, count * n);
    return p;
}

char *dt_arena_strndup(dt_arena *a, const char *s, size_t n)
{
    char *p = dt_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *dt_arena_grow(dt_arena *a, void *p, size_t old_n, size_t new_n)
{
    if (new_n > DT_ARENA_MAX_ALLOC)
        return NULL;
    block *b = a->head;
    if (p && p == a->last && b) {
        size_t start = (size_t)((unsigned char *)p - payload(b));
        size_t need = (new_n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
        if (start + need <= b->cap) {
            b->used = start + need;
            return p;
        }
    }
    void *q = dt_arena_alloc(a, new_n);
    if (q && p && old_n)
        memcpy(q, p, old_n < new_n ? old_n : new_n);
    return q;
}

size_t dt_arena_used(const dt_arena *a)
{
    return a->used_total + (a->head ? a->head->used : 0);
}

size_t dt_arena_reserved(const dt_arena *a)
{
    size_t n = 0;
    for (const block *b = a->head; b; b = b->next)
        n += b->cap;
    return n;
}
