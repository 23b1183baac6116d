#include "dt_test.h"

#include "detente/arena.h"

#include <stdint.h>

static void test_alloc_align_reset(void)
{
    dt_arena *a = dt_arena_new(256);
    DT_CHECK(a != NULL);
    char *p = dt_arena_alloc(a, 3);
    char *q = dt_arena_alloc(a, 5);
    DT_CHECK(((uintptr_t)p & 15) == 0);
    DT_CHECK(((uintptr_t)q & 15) == 0);
    DT_CHECK(q != p);
    /* larger than a block */
    char *big = dt_arena_alloc(a, 10000);
    DT_CHECK(big != NULL);
    memset(big, 1, 10000);
    DT_CHECK(dt_arena_used(a) >= 10000);
    dt_arena_reset(a);
    DT_CHECK_INT(dt_arena_used(a), 0);
    DT_CHECK(dt_arena_reserved(a) >= 10000); /* largest block kept */
    char *s = dt_arena_strndup(a, "hello world", 5);
    DT_CHECK_STR(s, "hello");
    dt_arena_free(a);
}

static void test_grow(void)
{
    dt_arena *a = dt_arena_new(1024);
    int *v = dt_arena_alloc(a, 4 * sizeof(int));
    for (int i = 0; i < 4; i++)
        v[i] = i;
    int *w = dt_arena_grow(a, v, 4 * sizeof(int), 64 * sizeof(int));
    DT_CHECK(w == v); /* in place: it was the last allocation */
    int *x = dt_arena_grow(a, w, 64 * sizeof(int), 4096 * sizeof(int));
    DT_CHECK(x != NULL);
    DT_CHECK_INT(x[3], 3);
    DT_CHECK(dt_arena_alloc(a, DT_ARENA_MAX_ALLOC + 1) == NULL);
    dt_arena_free(a);
}

static void test_fault_injection(void)
{
    dt_alloc_fail_after(1);
    dt_arena *a = dt_arena_new(0);
    DT_CHECK(a == NULL);
    dt_alloc_fail_after(0);
    a = dt_arena_new(0);
    DT_CHECK(a != NULL);
    dt_arena_free(a);
}

static void test_errors(void)
{
    dt_error e;
    dt_error_clear(&e);
    int rc = dt_error_set(&e, DT_EFORMAT, "x.jsonl", 7, UINT64_MAX, "bad %s", "thing");
    DT_CHECK_INT(rc, DT_EFORMAT);
    char buf[128];
    dt_error_format(&e, buf, sizeof buf);
    DT_CHECK_STR(buf, "x.jsonl:7: bad thing");
    DT_CHECK_STR(dt_strerror(DT_EUTF8), "invalid UTF-8");
}

int main(void)
{
    DT_RUN(test_alloc_align_reset);
    DT_RUN(test_grow);
    DT_RUN(test_fault_injection);
    DT_RUN(test_errors);
    DT_TEST_END();
}
