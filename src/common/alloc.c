/* Allocation hooks with fault injection (curl "torture" style): the
 * library never calls malloc directly, so one counter can make the Nth
 * allocation fail and a script can step N through a real run. */
#include "detente/common.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_uint_fast64_t alloc_count;
static atomic_uint_fast64_t fail_at; /* absolute allocation number; 0 = never */
static atomic_int env_checked;

static void check_env(void)
{
    if (atomic_exchange(&env_checked, 1))
        return;
    const char *s = getenv("DT_FAIL_ALLOC");
    if (!s || !*s)
        return;
    uint64_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        n = n * 10 + (uint64_t)(*s - '0');
    if (n)
        atomic_store(&fail_at, atomic_load(&alloc_count) + n);
}

static int should_fail(void)
{
    check_env();
    uint64_t k = atomic_fetch_add(&alloc_count, 1) + 1;
    uint64_t f = atomic_load(&fail_at);
    return f != 0 && k == f;
}

void dt_alloc_fail_after(uint64_t n)
{
    atomic_store(&env_checked, 1);
    atomic_store(&fail_at, n ? atomic_load(&alloc_count) + n : 0);
}

uint64_t dt_alloc_count(void)
{
    return atomic_load(&alloc_count);
}

void *dt_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *dt_calloc(size_t count, size_t n)
{
    return should_fail() ? NULL : calloc(count ? count : 1, n ? n : 1);
}

void *dt_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void dt_free(void *p)
{
    free(p);
}
