/* Minimal test harness: each test file defines test functions and lists
 * them in main() with DT_RUN. A failed check prints file:line and the
 * expression, and the process exits 1. */
#ifndef DT_TEST_H
#define DT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dt_test_failures;
static const char *dt_test_current;

#define DT_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, dt_test_current,  \
                    #cond);                                                                        \
            dt_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define DT_CHECK_INT(a, b)                                                                         \
    do {                                                                                           \
        long long dt__a = (long long)(a), dt__b = (long long)(b);                                  \
        if (dt__a != dt__b) {                                                                      \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__, __LINE__,          \
                    dt_test_current, #a, dt__a, dt__b);                                            \
            dt_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define DT_CHECK_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *dt__a = (a), *dt__b = (b);                                                     \
        if (!dt__a || !dt__b || strcmp(dt__a, dt__b) != 0) {                                       \
            fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__,      \
                    dt_test_current, #a, dt__a ? dt__a : "(null)", dt__b ? dt__b : "(null)");      \
            dt_test_failures++;                                                                    \
        }                                                                                          \
    } while (0)

#define DT_RUN(fn)                                                                                 \
    do {                                                                                           \
        dt_test_current = #fn;                                                                     \
        fn();                                                                                      \
    } while (0)

#define DT_TEST_END()                                                                              \
    do {                                                                                           \
        if (dt_test_failures) {                                                                    \
            fprintf(stderr, "%d check(s) failed\n", dt_test_failures);                             \
            return 1;                                                                              \
        }                                                                                          \
        return 0;                                                                                  \
    } while (0)

#endif
