/* detente — the sink front: spec parsing, stream sinks (JSONL, TSV, CSV)
 * and dispatch to the store backends. */
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct dt_sink {
    int kind;
    char name[256];
    /* stream sinks */
    FILE *out;
    int failed; /* a store error happened: only close is allowed */
    /* stores */
    void *self;
    const dt__sink_ops *ops;
};

/* ---- small shared helpers ------------------------------------------- */

void dt__sbuf_putn(dt__sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = dt_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void dt__sbuf_puts(dt__sbuf *b, const char *s)
{
    dt__sbuf_putn(b, s, strlen(s));
}

void dt__sbuf_putc(dt__sbuf *b, char c)
{
    dt__sbuf_putn(b, &c, 1);
}

void dt__sbuf_free(dt__sbuf *b)
{
    dt_free(b->p);
    memset(b, 0, sizeof *b);
}

void dt__store_date(int32_t d, char out[11])
{
    if (d <= 0) {
        out[0] = '\0';
        return;
    }
    /* Digits by hand: yyyymmdd was checked by the reader; keep 4+2+2. */
    int v[3] = {(int)(d / 10000 % 10000), (int)(d / 100 % 100), (int)(d % 100)};
    out[0] = (char)('0' + v[0] / 1000);
    out[1] = (char)('0' + v[0] / 100 % 10);
    out[2] = (char)('0' + v[0] / 10 % 10);
    out[3] = (char)('0' + v[0] % 10);
    out[4] = '-';
    out[5] = (char)('0' + v[1] / 10);
    out[6] = (char)('0' + v[1] % 10);
    out[7] = '-';
    out[8] = (char)('0' + v[2] / 10);
    out[9] = (char)('0' + v[2] % 10);
    out[10] = '\0';
}

void dt__store_hex64(uint64_t v, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[v & 15];
        v >>= 4;
    }
    out[16] = '\0';
}

void dt__store_doc_key(dt_str id, uint64_t hash, dt__sbuf *b)
{
    b->n = 0;
    if (id.n) {
        dt__sbuf_putn(b, id.p, id.n);
        return;
    }
    /* Documents without an id (plain text on stdin) are known by content. */
    char h[17];
    dt__store_hex64(hash, h);
    dt__sbuf_putc(b, '#');
    dt__sbuf_puts(b, h);
}

void dt__store_now(char out[24])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        out[0] = '\0';
        return;
    }
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int dt__store_sentence_seen(const dt_event *ev, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (ev[j].sentence == ev[i].sentence)
            return 1;
    return 0;
}

uint64_t dt_sink_content_hash(const char *text, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* ---- CSV -------------------------------------------------------------- */

typedef struct cbuf {
    char *p;
    size_t n, cap;
    int over;
} cbuf;

static void cb_putn(cbuf *b, const char *s, size_t n)
{
    if (b->over || b->n + n + 1 > b->cap) {
        b->over = 1;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void cb_puts(cbuf *b, const char *s)
{
    cb_putn(b, s, strlen(s));
}

/* One RFC 4180 field: quoted only when it must be, so plain codes stay
 * plain for tools that split on commas naively. */
static void csv_field(cbuf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
            quote = 1;
            break;
        }
    /* A leading space or tab survives only inside quotes in some readers. */
    if (n && (s[0] == ' ' || s[n - 1] == ' '))
        quote = 1;
    if (!quote) {
        cb_putn(b, s, n);
        return;
    }
    cb_putn(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            cb_putn(b, s + start, i + 1 - start);
            cb_putn(b, "\"", 1);
            start = i + 1;
        }
    cb_putn(b, s + start, n - start);
    cb_putn(b, "\"", 1);
}

static void csv_u64(cbuf *b, unsigned long long v)
{
    char t[24];
    int k = snprintf(t, sizeof t, "%llu", v);
    cb_putn(b, t, (size_t)k);
}

const char *dt_event_csv_header(void)
{
    return "date,source,target,code,root,quad,goldstein,doc_id,sentence,sentence_id,passive,"
           "issues,pattern,dict,text\r\n";
}

int dt_event_format_csv(const dt_event *e, char *buf, size_t cap, size_t *len)
{
    if (!e || !buf || !cap)
        return DT_EINVAL;
    cbuf b = {buf, 0, cap, 0};
    if (e->date > 0) {
        char d[16];
        int k = snprintf(d, sizeof d, "%08ld", (long)e->date);
        cb_putn(&b, d, (size_t)k);
    }
    cb_puts(&b, ",");
    csv_field(&b, e->source, strlen(e->source));
    cb_puts(&b, ",");
    csv_field(&b, e->target, strlen(e->target));
    cb_puts(&b, ",");
    csv_field(&b, e->code, strlen(e->code));
    cb_puts(&b, ",");
    csv_field(&b, e->root, strlen(e->root));
    cb_puts(&b, ",");
    csv_u64(&b, (unsigned long long)(e->quad < 0 ? 0 : e->quad));
    cb_puts(&b, ",");
    {
        char g[32];
        int k = snprintf(g, sizeof g, "%.10g", e->goldstein);
        cb_putn(&b, g, (size_t)k);
    }
    cb_puts(&b, ",");
    csv_field(&b, e->doc_id.p ? e->doc_id.p : "", e->doc_id.n);
    cb_puts(&b, ",");
    csv_u64(&b, e->sentence);
    cb_puts(&b, ",");
    csv_field(&b, e->sentence_id.p ? e->sentence_id.p : "", e->sentence_id.n);
    cb_puts(&b, ",");
    cb_puts(&b, e->passive ? "1" : "0");
    cb_puts(&b, ",");
    csv_field(&b, e->issues.p ? e->issues.p : "", e->issues.n);
    cb_puts(&b, ",");
    csv_field(&b, e->pattern.p ? e->pattern.p : "", e->pattern.n);
    cb_puts(&b, ",");
    if (e->dict_file.n) {
        char d[512];
        int k = snprintf(d, sizeof d, "%.*s:%u", (int)(e->dict_file.n > 400 ? 400 : e->dict_file.n),
                         e->dict_file.p, (unsigned)e->dict_line);
        csv_field(&b, d, (size_t)k);
    }
    cb_puts(&b, ",");
    csv_field(&b, e->text.p ? e->text.p : "", e->text.n);
    cb_puts(&b, "\r\n");
    if (b.over)
        return DT_ELIMIT;
    buf[b.n] = '\0';
    if (len)
        *len = b.n;
    return DT_OK;
}

static int write_csv(FILE *f, const dt_event *e, dt_error *err)
{
    return dt_event_write_with(f, dt_event_format_csv, e, err);
}

/* ---- front ------------------------------------------------------------ */

int dt_sink_kind_from_spec(const char *spec)
{
    if (!spec)
        return -1;
    if (!strcmp(spec, "jsonl") || !strcmp(spec, "json"))
        return DT_SINK_JSONL;
    if (!strcmp(spec, "tsv"))
        return DT_SINK_TSV;
    if (!strcmp(spec, "csv"))
        return DT_SINK_CSV;
    if (!strncmp(spec, "sqlite:", 7) && spec[7])
        return DT_SINK_SQLITE;
    if (!strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11))
        return DT_SINK_PG;
    return -1;
}

/* The URI for messages, with any password replaced by "***" so that error
 * lines and run records never leak it. */
static void display_uri(const char *spec, char *out, size_t cap)
{
    const char *scheme_end = strstr(spec, "://");
    const char *at = strchr(spec, '@');
    const char *colon = NULL;
    if (scheme_end && at) {
        for (const char *p = scheme_end + 3; p < at; p++)
            if (*p == ':') {
                colon = p;
                break;
            }
    }
    if (colon)
        snprintf(out, cap, "%.*s:***%s", (int)(colon - spec), spec, at);
    else
        snprintf(out, cap, "%s", spec);
    /* also a password=... parameter in the query string */
    char *pw = strstr(out, "password=");
    if (pw) {
        char *end = pw + 9;
        while (*end && *end != '&')
            end++;
        size_t rest = strlen(end);
        if ((size_t)(pw + 12 - out) + rest + 1 <= cap) {
            memmove(pw + 12, end, rest + 1);
            memcpy(pw + 9, "***", 3);
        }
    }
}

static int fail(dt_sink *s, int rc, dt_error *err)
{
    /* Backends fill reason only; the sink's name goes in file. */
    if (err) {
        err->code = rc;
        snprintf(err->file, sizeof err->file, "%s", s->name);
        err->line = 0;
        err->offset = UINT64_MAX;
    }
    if (s->ops)
        s->failed = 1;
    return rc;
}

int dt_sink_open(dt_sink **out, const char *spec, const dt_sink_opts *opts, dt_error *err)
{
    if (!out)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no output pointer");
    *out = NULL;
    int kind = dt_sink_kind_from_spec(spec);
    if (kind < 0)
        return dt_error_set(err, DT_EINVAL, spec ? spec : "", 0, UINT64_MAX,
                            "unknown output (jsonl, tsv, csv, sqlite:PATH, postgresql://...)");
    dt_sink_opts o;
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    if (!o.batch_docs)
        o.batch_docs = 2000;
    dt_sink *s = dt_calloc(1, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, spec, 0, UINT64_MAX, "out of memory");
    s->kind = kind;
    int rc = DT_OK;
    switch (kind) {
    case DT_SINK_JSONL:
    case DT_SINK_TSV:
    case DT_SINK_CSV:
        s->out = o.out ? o.out : stdout;
        snprintf(s->name, sizeof s->name, "%s", o.out_name ? o.out_name : "<stdout>");
        break;
    case DT_SINK_SQLITE:
        snprintf(s->name, sizeof s->name, "%s", spec);
        rc = dt__sqlite_open(&s->self, &s->ops, spec + 7, &o, s->name, err);
        break;
    case DT_SINK_PG:
        display_uri(spec, s->name, sizeof s->name);
        rc = dt__pg_open(&s->self, &s->ops, spec, &o, s->name, err);
        break;
    }
    if (rc < 0) {
        fail(s, rc, err);
        dt_free(s);
        return rc;
    }
    *out = s;
    return DT_OK;
}

const char *dt_sink_name(const dt_sink *s)
{
    return s ? s->name : "";
}

int dt_sink_kind(const dt_sink *s)
{
    return s ? s->kind : -1;
}

static int check_usable(dt_sink *s, dt_error *err)
{
    if (!s)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "no sink");
    if (s->failed)
        return dt_error_set(err, DT_EINVAL, s->name, 0, UINT64_MAX,
                            "sink unusable after an earlier error");
    return DT_OK;
}

static int stream_io(dt_sink *s, dt_error *err)
{
    int e = errno;
    dt_error_set(err, DT_EIO, s->name, 0, UINT64_MAX, "write error: %s",
                 e ? strerror(e) : "I/O error");
    errno = e;
    return DT_EIO;
}

int dt_sink_begin_run(dt_sink *s, const dt_run_info *run, dt_error *err)
{
    int rc = check_usable(s, err);
    if (rc < 0)
        return rc;
    dt_run_info r;
    memset(&r, 0, sizeof r);
    if (run)
        r = *run;
    if (!r.program_version)
        r.program_version = DT_VERSION;
    if (s->ops) {
        rc = s->ops->begin_run(s->self, &r, err);
        return rc < 0 ? fail(s, rc, err) : rc;
    }
    const char *hdr = s->kind == DT_SINK_TSV   ? dt_event_tsv_header()
                      : s->kind == DT_SINK_CSV ? dt_event_csv_header()
                                               : NULL;
    errno = 0;
    if (hdr && fputs(hdr, s->out) == EOF)
        return stream_io(s, err);
    return DT_OK;
}

int dt_sink_lookup(dt_sink *s, dt_str id, uint64_t content_hash, dt_error *err)
{
    int rc = check_usable(s, err);
    if (rc < 0)
        return rc;
    if (!s->ops)
        return DT_SINK_NEW;
    rc = s->ops->lookup(s->self, id, content_hash ? content_hash : 1, err);
    return rc < 0 ? fail(s, rc, err) : rc;
}

int dt_sink_document(dt_sink *s, const dt_sink_doc *doc, const dt_event *ev, size_t nev,
                     dt_error *err)
{
    int rc = check_usable(s, err);
    if (rc < 0)
        return rc;
    if (!doc || (nev && !ev))
        return dt_error_set(err, DT_EINVAL, s->name, 0, UINT64_MAX, "no document");
    if (s->ops) {
        uint64_t h = doc->content_hash
                         ? doc->content_hash
                         : dt_sink_content_hash(doc->text.p ? doc->text.p : "", doc->text.n);
        rc = s->ops->document(s->self, doc, h, ev, nev, err);
        return rc < 0 ? fail(s, rc, err) : rc;
    }
    /* An over-long event is that event's problem only: the others are
     * still written, and DT_ELIMIT (the first one's error) is returned at
     * the end. A write error stops at once. */
    int limit = DT_OK;
    dt_error first;
    dt_error_clear(&first);
    for (size_t i = 0; i < nev; i++) {
        errno = 0;
        if (s->kind == DT_SINK_CSV)
            rc = write_csv(s->out, &ev[i], err);
        else
            rc = dt_event_write(s->out, s->kind == DT_SINK_TSV ? DT_EVENTS_TSV : DT_EVENTS_JSONL,
                                &ev[i], err);
        if (rc == DT_ELIMIT) {
            if (limit == DT_OK && err)
                first = *err;
            limit = DT_ELIMIT;
            continue;
        }
        if (rc == DT_EIO)
            return stream_io(s, err);
        if (rc < 0)
            return rc;
    }
    if (limit < 0 && err)
        *err = first;
    return limit;
}

int dt_sink_reject(dt_sink *s, const char *where, int code, const char *reason, dt_error *err)
{
    int rc = check_usable(s, err);
    if (rc < 0)
        return rc;
    if (!s->ops)
        return DT_OK;
    rc = s->ops->reject(s->self, where ? where : "", code, reason ? reason : "", err);
    return rc < 0 ? fail(s, rc, err) : rc;
}

int dt_sink_end_run(dt_sink *s, const dt_run_counts *counts, dt_error *err)
{
    int rc = check_usable(s, err);
    if (rc < 0)
        return rc;
    dt_run_counts c;
    memset(&c, 0, sizeof c);
    if (counts)
        c = *counts;
    if (s->ops) {
        rc = s->ops->end_run(s->self, &c, err);
        return rc < 0 ? fail(s, rc, err) : rc;
    }
    errno = 0;
    if (fflush(s->out) != 0 || ferror(s->out))
        return stream_io(s, err);
    return DT_OK;
}

void dt_sink_close(dt_sink *s)
{
    if (!s)
        return;
    if (s->ops)
        s->ops->close(s->self);
    dt_free(s);
}
