/* detente — arena allocator for per-document memory.
 *
 * All per-document data (tokens, sentences, chunks, normalised strings,
 * events) is carved from an arena that is reset after each document, so
 * the hot path never calls malloc per token. An arena belongs to one
 * thread at a time.
 */
#ifndef DETENTE_ARENA_H
#define DETENTE_ARENA_H

#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dt_arena dt_arena;

/* New arena whose blocks are at least block_size bytes (0 = 64 KiB).
 * Caller owns the arena; free it with dt_arena_free. NULL on ENOMEM. */
dt_arena *dt_arena_new(size_t block_size);
void dt_arena_free(dt_arena *a);

/* Drop everything allocated since creation, keeping the largest block
 * for reuse. Pointers into the arena become invalid. */
void dt_arena_reset(dt_arena *a);

/* n bytes, 16-byte aligned, uninitialised; NULL on ENOMEM or if n is over
 * DT_ARENA_MAX_ALLOC. The arena owns the memory. */
#define DT_ARENA_MAX_ALLOC ((size_t)1 << 31)
void *dt_arena_alloc(dt_arena *a, size_t n);
void *dt_arena_calloc(dt_arena *a, size_t count, size_t n);
/* Copy of s[0..n) plus a NUL; arena-owned. */
char *dt_arena_strndup(dt_arena *a, const char *s, size_t n);
/* Grow the most recent allocation p (old_n bytes) to new_n bytes, in place
 * when possible; returns the new pointer or NULL. */
void *dt_arena_grow(dt_arena *a, void *p, size_t old_n, size_t new_n);

/* Bytes currently handed out, and the total reserved (for stats). */
size_t dt_arena_used(const dt_arena *a);
size_t dt_arena_reserved(const dt_arena *a);

#ifdef __cplusplus
}
#endif
#endif
