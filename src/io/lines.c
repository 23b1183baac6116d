/* Bounded line splitting over a dt__stream.
 *
 * The buffer never grows past DT_MAX_LINE_BYTES plus one read chunk: a
 * longer line is skipped chunk by chunk up to its newline, so a 50 MB line
 * (or a binary file with no newline at all) costs a fixed amount of memory
 * and yields exactly one DT_ELIMIT for its line. */
#include "io_internal.h"

#include <string.h>

#define CHUNK ((size_t)64 << 10)
#define CAP_MAX (DT_MAX_LINE_BYTES + CHUNK + 1)

void dt__lines_init(dt__lines *l, dt__stream *s, const char *name)
{
    memset(l, 0, sizeof *l);
    l->s = s;
    l->name = name;
    l->lineno = 1;
}

void dt__lines_free(dt__lines *l)
{
    dt_free(l->buf);
    l->buf = NULL;
    l->cap = 0;
}

/* Make room for at least one more chunk after end. */
static int make_room(dt__lines *l, dt_error *err)
{
    if (l->start > 0 && l->cap - l->end < CHUNK) {
        memmove(l->buf, l->buf + l->start, l->end - l->start);
        l->end -= l->start;
        l->scan -= l->start;
        l->start = 0;
    }
    if (l->cap - l->end >= CHUNK)
        return 0;
    size_t ncap = l->cap ? l->cap * 2 : 4 * CHUNK;
    if (ncap > CAP_MAX)
        ncap = CAP_MAX;
    if (ncap <= l->cap)
        return 0; /* full: the caller's overlong check fires first */
    char *nb = dt_realloc(l->buf, ncap);
    if (!nb)
        return dt_error_set(err, DT_ENOMEM, l->name, l->lineno, l->offset, "out of memory");
    l->buf = nb;
    l->cap = ncap;
    return 0;
}

/* Discard the current over-long line through its newline. */
static int skip_long_line(dt__lines *l, dt_error *err)
{
    uint64_t line = l->lineno, off = l->offset;
    uint64_t total = l->end - l->start;
    l->start = l->end = l->scan = 0;
    for (;;) {
        long k = dt__stream_read(l->s, l->buf, l->cap, err);
        if (k < 0) {
            l->eof = 1;
            return (int)k;
        }
        if (k == 0) {
            l->eof = 1;
            break;
        }
        char *nl = memchr(l->buf, '\n', (size_t)k);
        if (nl) {
            size_t used = (size_t)(nl - l->buf) + 1;
            total += used - 1;
            l->start = l->scan = used;
            l->end = (size_t)k;
            break;
        }
        total += (uint64_t)k;
    }
    l->lineno++;
    l->offset = off + total + 1;
    return dt_error_set(err, DT_ELIMIT, l->name, line, off,
                        "line too long (%llu bytes, limit %zu); skipped", (unsigned long long)total,
                        DT_MAX_LINE_BYTES);
}

int dt__lines_next(dt__lines *l, const char **p, size_t *n, uint64_t *lineno, uint64_t *offset,
                   dt_error *err)
{
    for (;;) {
        char *nl = l->end > l->scan ? memchr(l->buf + l->scan, '\n', l->end - l->scan) : NULL;
        if (nl || (l->eof && l->start < l->end)) {
            size_t len = nl ? (size_t)(nl - (l->buf + l->start)) : l->end - l->start;
            size_t used = nl ? len + 1 : len;
            const char *line = l->buf + l->start;
            uint64_t ln = l->lineno, off = l->offset;
            l->lineno++;
            l->offset += used;
            l->start += used;
            l->scan = l->start;
            if (len > DT_MAX_LINE_BYTES)
                return dt_error_set(err, DT_ELIMIT, l->name, ln, off,
                                    "line too long (%zu bytes, limit %zu); skipped", len,
                                    DT_MAX_LINE_BYTES);
            if (len > 0 && line[len - 1] == '\r')
                len--;
            *p = line;
            *n = len;
            *lineno = ln;
            *offset = off;
            return 1;
        }
        l->scan = l->end;
        if (l->eof)
            return 0;
        if (l->end - l->start > DT_MAX_LINE_BYTES)
            return skip_long_line(l, err);
        int rc = make_room(l, err);
        if (rc < 0)
            return rc;
        long k = dt__stream_read(l->s, l->buf + l->end, l->cap - l->end, err);
        if (k < 0) {
            /* The unfinished line before the damage is dropped: it is not
             * a complete record. */
            l->eof = 1;
            l->start = l->end = l->scan = 0;
            return (int)k;
        }
        if (k == 0)
            l->eof = 1;
        l->end += (size_t)k;
    }
}
