/* Dates and format names for the readers.
 *
 * Dates are kept as yyyymmdd ints because that is what the actor
 * dictionaries' date restrictions compare against, and the calendar is
 * checked here once so that "2019-02-30" is rejected at the door instead of
 * silently matching the wrong actor period downstream. */
#include "io_internal.h"

#include "detente/text.h"

#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int dt_date_parse(const char *s, size_t n, int32_t *out)
{
    int y, m, d;
    if (!s)
        return DT_EDATE;
    /* An ISO 8601 timestamp ("2019-06-20T08:15:00Z") carries a date; the
     * time of day is not used by the coder. */
    if (n > 10 && (s[10] == 'T' || s[10] == ' ') && s[4] == '-' && s[7] == '-')
        n = 10;
    if (n == 10 && s[4] == '-' && s[7] == '-') {
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return DT_EDATE;
    } else if (n == 8) {
        if (digits(s, 4, &y) || digits(s + 4, 2, &m) || digits(s + 6, 2, &d))
            return DT_EDATE;
    } else if (n == 6) {
        /* TABARI/PETRARCH two-digit years: the archives they were written
         * for start in the late 1970s, so 00-29 are 20xx and 30-99 19xx. */
        if (digits(s, 2, &y) || digits(s + 2, 2, &m) || digits(s + 4, 2, &d))
            return DT_EDATE;
        y += y < 30 ? 2000 : 1900;
    } else {
        return DT_EDATE;
    }
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return DT_EDATE;
    if (out)
        *out = (int32_t)(y * 10000 + m * 100 + d);
    return DT_OK;
}

void dt_date_format(int32_t d, char buf[11])
{
    if (d <= 0 || d > 99991231) {
        memcpy(buf, "0000-00-00", 11);
        return;
    }
    int y = (int)(d / 10000), m = (int)(d / 100 % 100), dd = (int)(d % 100);
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + dd / 10);
    buf[9] = (char)('0' + dd % 10);
    buf[10] = '\0';
}

int32_t dt__date_in_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1])))
            continue;
        size_t run = 0;
        while (i + run < n && is_digit(s[i + run]))
            run++;
        int32_t d;
        if (run == 8 && dt_date_parse(s + i, 8, &d) == DT_OK)
            return d;
        if (run == 4 && i + 10 <= n && s[i + 4] == '-' && s[i + 7] == '-' &&
            (i + 10 == n || !is_digit(s[i + 10])) && dt_date_parse(s + i, 10, &d) == DT_OK)
            return d;
        i += run - 1;
    }
    return 0;
}

int dt_input_format_from_name(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "auto"))
        return DT_INPUT_AUTO;
    if (!strcmp(s, "jsonl") || !strcmp(s, "json"))
        return DT_INPUT_JSONL;
    if (!strcmp(s, "text") || !strcmp(s, "txt"))
        return DT_INPUT_TEXT;
    if (!strcmp(s, "petrarch-xml") || !strcmp(s, "xml") || !strcmp(s, "petrarch"))
        return DT_INPUT_PETRARCH_XML;
    return -1;
}

const char *dt_input_format_name(int fmt)
{
    switch (fmt) {
    case DT_INPUT_AUTO:
        return "auto";
    case DT_INPUT_JSONL:
        return "jsonl";
    case DT_INPUT_TEXT:
        return "text";
    case DT_INPUT_PETRARCH_XML:
        return "petrarch-xml";
    default:
        return "unknown";
    }
}

int dt__check_utf8(const char *s, size_t n, const char *name, uint64_t base_line,
                   uint64_t base_offset, const char *what, dt_error *err)
{
    size_t bad = 0;
    if (dt_utf8_validate(s, n, &bad) == DT_OK)
        return DT_OK;
    if (bad > n)
        bad = n;
    uint64_t line = base_line;
    if (line) {
        for (size_t i = 0; i < bad; i++)
            line += (s[i] == '\n');
    }
    size_t col = bad;
    if (line != base_line) {
        const char *nl = s + bad;
        while (nl > s && nl[-1] != '\n')
            nl--;
        col = (size_t)(s + bad - nl);
    }
    if (bad < n && s[bad] == '\0')
        return dt_error_set(err, DT_EUTF8, name, line, base_offset + bad,
                            "NUL byte in %s (column %zu)", what, col + 1);
    return dt_error_set(err, DT_EUTF8, name, line, base_offset + bad,
                        "invalid UTF-8 in %s (byte 0x%02x at column %zu)", what,
                        bad < n ? (unsigned)(unsigned char)s[bad] : 0u, col + 1);
}
