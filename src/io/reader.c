/* dt_reader: opens the byte stream, detects the format, and hands records
 * from the JSONL, text or PETRARCH XML reader to the caller. */
#include "io_internal.h"

#include "detente/text.h"

#include <string.h>

struct dt_reader {
    int format;
    int32_t default_date;
    char name[256];
    dt__stream *s;
    dt__lines lines;
    dt__xml *xml;
    int done;
    int empty; /* the whole input is blank: one error, then the end */
    int bom;   /* skip a UTF-8 byte order mark at the start */
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int dt_reader_open(dt_reader **out, const char *path, const dt_reader_opts *opts, dt_error *err)
{
    *out = NULL;
    dt_reader_opts dflt = {0};
    if (!opts)
        opts = &dflt;
    if (opts->format < DT_INPUT_AUTO || opts->format > DT_INPUT_PETRARCH_XML)
        return dt_error_set(err, DT_EINVAL, path, 0, UINT64_MAX, "unknown input format %d",
                            opts->format);
    int use_stdin = (!path || !strcmp(path, "-"));
    const char *name = opts->display_name ? opts->display_name : use_stdin ? "<stdin>" : path;

    dt_reader *r = dt_calloc(1, sizeof *r);
    if (!r)
        return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "out of memory");
    size_t nl = strlen(name);
    if (nl >= sizeof r->name)
        nl = sizeof r->name - 1;
    memcpy(r->name, name, nl);
    r->name[nl] = '\0';
    r->default_date = opts->default_date;

    int rc = dt__stream_open(&r->s, use_stdin ? NULL : path, r->name, err);
    if (rc < 0) {
        dt_free(r);
        return rc;
    }
    const unsigned char *p;
    size_t n;
    rc = dt__stream_peek(r->s, &p, &n, err);
    if (rc < 0) {
        dt_reader_free(r);
        return rc;
    }
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        r->bom = 1;
        i = 3;
    }
    while (i < n && is_space(p[i]))
        i++;
    /* peek returns fewer than its minimum only at the end of the input, so
     * a short all-blank peek means the whole input is blank. */
    if (i == n && n < 4096)
        r->empty = 1;
    r->format = opts->format;
    if (r->format == DT_INPUT_AUTO)
        r->format = (i < n && p[i] == '{')   ? DT_INPUT_JSONL
                    : (i < n && p[i] == '<') ? DT_INPUT_PETRARCH_XML
                                             : DT_INPUT_TEXT;
    if (r->format == DT_INPUT_JSONL)
        dt__lines_init(&r->lines, r->s, r->name);
    if (r->format == DT_INPUT_PETRARCH_XML && !r->empty) {
        rc = dt__xml_open(&r->xml, r->s, r->name, r->default_date, err);
        if (rc < 0) {
            dt_reader_free(r);
            return rc;
        }
    }
    *out = r;
    return DT_OK;
}

void dt_reader_free(dt_reader *r)
{
    if (!r)
        return;
    dt__xml_free(r->xml);
    if (r->format == DT_INPUT_JSONL)
        dt__lines_free(&r->lines);
    dt__stream_free(r->s);
    dt_free(r);
}

int dt_reader_format(const dt_reader *r)
{
    return r->format;
}

static int next_jsonl(dt_reader *r, dt_arena *a, dt_doc *doc, dt_error *err)
{
    for (;;) {
        const char *line;
        size_t n;
        uint64_t lineno, off;
        int rc = dt__lines_next(&r->lines, &line, &n, &lineno, &off, err);
        if (rc == DT_EIO || rc == DT_ENOMEM)
            r->done = 1;
        if (rc <= 0)
            return rc;
        if (lineno == 1 && r->bom && n >= 3) {
            line += 3;
            n -= 3;
            off += 3;
        }
        size_t i = 0;
        while (i < n && is_space((unsigned char)line[i]))
            i++;
        if (i == n)
            continue; /* blank lines separate nothing and are not records */
        rc = dt__jsonl_parse(line, n, lineno, off, r->name, r->default_date, a, doc, err);
        if (rc == DT_ENOMEM)
            r->done = 1;
        return rc < 0 ? rc : 1;
    }
}

/* The document id of a text file: its base name without the compression
 * suffix and the extension ("news/2019-06-20-xi.txt.gz" -> "2019-06-20-xi"),
 * because that is what people call the document. */
static dt_str text_id(const char *path)
{
    if (!path || !strcmp(path, "-") || !strcmp(path, "<stdin>"))
        return DT_STR_LIT("stdin");
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    static const char *const zs[] = {".gz", ".zst", ".zstd"};
    for (size_t k = 0; k < 3; k++) {
        size_t zl = strlen(zs[k]);
        if (n > zl && !memcmp(b + n - zl, zs[k], zl)) {
            n -= zl;
            break;
        }
    }
    for (size_t k = n; k > 1; k--) {
        if (b[k - 1] == '.') {
            n = k - 1;
            break;
        }
    }
    return (dt_str){b, n};
}

/* A text file is one document, so one stray byte (a Latin-1 quote pasted
 * into a UTF-8 file) must not lose the whole file. Bytes that are not UTF-8
 * are replaced in place by '?', one for one, so that evidence offsets still
 * point at the file's bytes; *first describes the first of them and the
 * caller reports it. A NUL byte, or more bad bytes than DT_TEXT_MAX_REPAIR
 * per thousand, means the file is not text: it is rejected as before. */
#define DT_TEXT_MAX_REPAIR 10
static int repair_text(char *t, size_t len, const char *name, uint64_t base, dt_error *first,
                       uint64_t *nbad)
{
    int rc = dt__check_utf8(t, len, name, 1, base, "text", first);
    if (rc == DT_OK)
        return DT_OK;
    uint64_t limit = (uint64_t)len * DT_TEXT_MAX_REPAIR / 1000 + 1;
    size_t at = 0, bad = 0;
    while (dt_utf8_validate(t + at, len - at, &bad) != DT_OK) {
        at += bad;
        if (at >= len || t[at] == '\0' || ++*nbad > limit)
            return rc;
        t[at++] = '?';
    }
    return DT_OK;
}

static int next_text(dt_reader *r, dt_arena *a, dt_doc *doc, dt_error *err)
{
    r->done = 1;
    size_t cap = 64 << 10, len = 0;
    char *buf = dt_arena_alloc(a, cap);
    if (!buf)
        return dt_error_set(err, DT_ENOMEM, r->name, 0, UINT64_MAX, "out of memory");
    for (;;) {
        if (len == cap) {
            /* The buffer stops at one byte over the limit: enough to know
             * the document is too large without reading the rest. */
            if (cap > DT_MAX_DOC_BYTES)
                return dt_error_set(err, DT_ELIMIT, r->name, 0, (uint64_t)DT_MAX_DOC_BYTES,
                                    "document larger than %zu bytes", (size_t)DT_MAX_DOC_BYTES);
            size_t ncap = cap * 2;
            if (ncap > DT_MAX_DOC_BYTES + 1)
                ncap = DT_MAX_DOC_BYTES + 1;
            char *nb = dt_arena_grow(a, buf, cap, ncap);
            if (!nb)
                return dt_error_set(err, DT_ENOMEM, r->name, 0, UINT64_MAX, "out of memory");
            buf = nb;
            cap = ncap;
        }
        long k = dt__stream_read(r->s, buf + len, cap - len, err);
        if (k < 0)
            return (int)k;
        if (k == 0)
            break;
        len += (size_t)k;
    }
    if (len > DT_MAX_DOC_BYTES)
        return dt_error_set(err, DT_ELIMIT, r->name, 0, (uint64_t)DT_MAX_DOC_BYTES,
                            "document larger than %zu bytes", (size_t)DT_MAX_DOC_BYTES);
    char *t = buf;
    if (r->bom && len >= 3) {
        t += 3;
        len -= 3;
    }
    dt_error first;
    dt_error_clear(&first);
    uint64_t nbad = 0;
    int rc = repair_text(t, len, r->name, r->bom ? 3 : 0, &first, &nbad);
    if (rc < 0) {
        if (err)
            *err = first;
        return rc;
    }
    size_t i = 0;
    while (i < len && is_space((unsigned char)t[i]))
        i++;
    if (i == len)
        return dt_error_set(err, DT_EFORMAT, r->name, 1, 0, "empty document");
    memset(doc, 0, sizeof *doc);
    doc->kind = DT_REC_DOC;
    doc->line = 1;
    doc->offset = 0;
    dt_str id = text_id(r->name);
    char *idc = dt_arena_strndup(a, id.p, id.n);
    /* The text must be NUL-free (checked) and NUL-terminated for callers
     * that want a C string; buf has room only if len < cap. */
    char *tc = (t == buf && len < cap) ? buf : dt_arena_strndup(a, t, len);
    if (!idc || !tc)
        return dt_error_set(err, DT_ENOMEM, r->name, 0, UINT64_MAX, "out of memory");
    tc[len] = '\0';
    doc->id = (dt_str){idc, id.n};
    doc->text = (dt_str){tc, len};
    doc->repaired = nbad;
    if (nbad)
        doc->repair = first;
    int32_t d = dt__date_in_name(id.p, id.n);
    doc->date = d ? d : r->default_date;
    return 1;
}

int dt_reader_next(dt_reader *r, dt_arena *a, dt_doc *doc, dt_error *err)
{
    if (r->done)
        return 0;
    if (r->empty) {
        r->done = 1;
        return dt_error_set(err, DT_EFORMAT, r->name, 1, 0, "empty input (no documents)");
    }
    switch (r->format) {
    case DT_INPUT_JSONL:
        return next_jsonl(r, a, doc, err);
    case DT_INPUT_TEXT:
        return next_text(r, a, doc, err);
    default: {
        int rc = dt__xml_next(r->xml, a, doc, err);
        if (rc == DT_EIO || rc == DT_ENOMEM)
            r->done = 1;
        return rc;
    }
    }
}
