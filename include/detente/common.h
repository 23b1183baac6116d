/* detente — common types: errors, string views, allocation hooks.
 *
 * Every library function that can fail returns an int: 0 (DT_OK) on
 * success, a negative DT_E* code on failure, and fills a caller-supplied
 * dt_error (which may be NULL) with the file, line, byte offset and reason.
 * The library never prints, never exits and never aborts on input.
 */
#ifndef DETENTE_COMMON_H
#define DETENTE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_VERSION_MAJOR 0
#define DT_VERSION_MINOR 1
#define DT_VERSION_PATCH 0
#define DT_VERSION "0.1.0"

/* One X-macro list generates both the enum and dt_strerror(). */
#define DT_ERRNO_MAP(X)                                                                            \
    X(ENOMEM, -1, "out of memory")                                                                 \
    X(EINVAL, -2, "invalid argument")                                                              \
    X(EIO, -3, "input/output error")                                                               \
    X(EFORMAT, -4, "malformed input")                                                              \
    X(ELIMIT, -5, "input exceeds a limit")                                                         \
    X(ENOENT, -6, "not found")                                                                     \
    X(EUTF8, -7, "invalid UTF-8")                                                                  \
    X(EDATE, -8, "bad date")                                                                       \
    X(EINTERNAL, -9, "internal error")                                                             \
    X(EUNSUPPORTED, -10, "unsupported")

enum {
    DT_OK = 0,
#define DT__ERR_ENUM(name, val, msg) DT_##name = (val),
    DT_ERRNO_MAP(DT__ERR_ENUM)
#undef DT__ERR_ENUM
};

/* Static string for an error code; never NULL. */
const char *dt_strerror(int code);

/* Where and why something failed. `file` is borrowed by nobody: it is a
 * copy. line is 1-based (0 = unknown); offset is a byte offset (UINT64_MAX
 * = unknown). */
typedef struct dt_error {
    int code;
    uint64_t line;
    uint64_t offset;
    char file[256];
    char msg[512];
} dt_error;

/* Fill err (if non-NULL) and return code. printf-style message. */
int dt_error_set(dt_error *err, int code, const char *file, uint64_t line, uint64_t offset,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
void dt_error_clear(dt_error *err);
/* Format "file:line: reason" (or "file: byte N: reason") into buf. */
size_t dt_error_format(const dt_error *err, char *buf, size_t cap);

/* A borrowed (pointer, length) string view. Not NUL-terminated. */
typedef struct dt_str {
    const char *p;
    size_t n;
} dt_str;

#define DT_STR_LIT(s) ((dt_str){(s), sizeof(s) - 1})

/* Allocation. The library calls only these, so that fault injection
 * (DT_FAIL_ALLOC=N in the environment, or dt_alloc_fail_after()) can make
 * the Nth allocation fail. */
void *dt_malloc(size_t n);
void *dt_calloc(size_t count, size_t n);
void *dt_realloc(void *p, size_t n);
void dt_free(void *p);
/* Make the nth allocation from now fail (n >= 1); 0 disables. Thread-safe. */
void dt_alloc_fail_after(uint64_t n);
/* Number of allocations attempted so far (for torture scripts). */
uint64_t dt_alloc_count(void);

#ifdef __cplusplus
}
#endif
#endif
