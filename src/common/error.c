/* Error codes and messages. */
#include "detente/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *dt_strerror(int code)
{
    switch (code) {
    case DT_OK:
        return "success";
#define DT__ERR_CASE(name, val, msg)                                                               \
    case DT_##name:                                                                                \
        return msg;
        DT_ERRNO_MAP(DT__ERR_CASE)
#undef DT__ERR_CASE
    default:
        return "unknown error";
    }
}

void dt_error_clear(dt_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->line = 0;
    err->offset = UINT64_MAX;
    err->file[0] = '\0';
    err->msg[0] = '\0';
}

int dt_error_set(dt_error *err, int code, const char *file, uint64_t line, uint64_t offset,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->offset = offset;
    if (file) {
        size_t n = strlen(file);
        if (n >= sizeof err->file)
            n = sizeof err->file - 1;
        memcpy(err->file, file, n);
        err->file[n] = '\0';
    } else {
        err->file[0] = '\0';
    }
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->msg, sizeof err->msg, "%s", dt_strerror(code));
    }
    return code;
}

size_t dt_error_format(const dt_error *err, char *buf, size_t cap)
{
    int n;
    const char *file = err->file[0] ? err->file : "<input>";
    if (err->line)
        n = snprintf(buf, cap, "%s:%llu: %s", file, (unsigned long long)err->line, err->msg);
    else if (err->offset != UINT64_MAX)
        n = snprintf(buf, cap, "%s: byte %llu: %s", file, (unsigned long long)err->offset,
                     err->msg);
    else
        n = snprintf(buf, cap, "%s: %s", file, err->msg);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : (cap ? cap - 1 : 0);
}
