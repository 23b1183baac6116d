/* detente analyze — events read back from JSONL as `detente code` writes
 * it (plain, gzip or zstd; a file or stdin).
 *
 * The bytes come through the io module's stream and line splitter, so the
 * compression detection and the line limit are the readers' own. A line
 * that is not an event is skipped and counted; the first one is reported
 * (file:line: reason) after every good line has been delivered, so a bad
 * line never costs the good ones around it. */
#include "evset_internal.h"
#include "io/io_internal.h"

#include <jansson.h>
#include <string.h>

typedef struct jstate {
    const dt_evfilter *f;
    dt_evrec_fn fn;
    void *ctx;
    size_t delivered;
    uint64_t bad;
    dt_error first_bad;
} jstate;

static const char *str_or_empty(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static dt_span span_of(json_t *ev, const char *key, uint32_t base)
{
    dt_span s = {0, 0};
    json_t *a = json_object_get(ev, key);
    if (json_is_array(a) && json_array_size(a) == 2 && json_is_integer(json_array_get(a, 0)) &&
        json_is_integer(json_array_get(a, 1))) {
        json_int_t off = json_integer_value(json_array_get(a, 0));
        json_int_t len = json_integer_value(json_array_get(a, 1));
        if (off >= (json_int_t)base && len >= 0 && off - base <= UINT32_MAX && len <= UINT32_MAX) {
            s.off = (uint32_t)(off - (json_int_t)base);
            s.len = (uint32_t)len;
        }
    }
    return s;
}

/* Parse one line into r (strings borrowed from root). DT_OK or DT_EFORMAT
 * with a reason in why. */
static int parse_event(json_t *root, dt_evrec *r, char *why, size_t cap, char *dictbuf,
                       size_t dictcap)
{
    if (!json_is_object(root)) {
        snprintf(why, cap, "not a JSON object");
        return DT_EFORMAT;
    }
    json_t *src = json_object_get(root, "source"), *tgt = json_object_get(root, "target"),
           *code = json_object_get(root, "code");
    if (!json_is_string(src) || !json_is_string(code)) {
        snprintf(why, cap, "not an event: \"%s\" missing or not a string",
                 !json_is_string(src) ? "source" : "code");
        return DT_EFORMAT;
    }
    if (tgt && !json_is_string(tgt) && !json_is_null(tgt)) {
        snprintf(why, cap, "\"target\" is not a string");
        return DT_EFORMAT;
    }
    if (!*json_string_value(code)) {
        snprintf(why, cap, "empty \"code\"");
        return DT_EFORMAT;
    }
    r->source = json_string_value(src);
    r->target = json_is_string(tgt) ? json_string_value(tgt) : "";
    r->code = json_string_value(code);

    json_t *d = json_object_get(root, "date");
    if (json_is_string(d)) {
        const char *ds = json_string_value(d);
        if (*ds && dt_date_parse(ds, strlen(ds), &r->date) < 0) {
            snprintf(why, cap, "bad date \"%.40s\"", ds);
            return DT_EFORMAT;
        }
    } else if (d && !json_is_null(d)) {
        snprintf(why, cap, "\"date\" is not a string");
        return DT_EFORMAT;
    }

    int has_root = 0, has_quad = 0, has_gold = 0;
    json_t *v = json_object_get(root, "root");
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        int x = 0;
        for (; *s >= '0' && *s <= '9' && x < 100; s++)
            x = x * 10 + (*s - '0');
        r->root = x;
        has_root = 1;
    } else if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        r->root = x >= 0 && x <= 20 ? (int)x : 0;
        has_root = 1;
    }
    v = json_object_get(root, "quad");
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        r->quad = x >= 0 && x <= 4 ? (int)x : 0;
        has_quad = 1;
    }
    v = json_object_get(root, "goldstein");
    if (json_is_number(v)) {
        r->goldstein = json_number_value(v);
        has_gold = 1;
    }
    dt__evrec_fill_from_code(r, has_root, has_quad, has_gold);
    const char *pl = str_or_empty(root, "plover");
    if (*pl)
        r->plover = pl;

    r->doc_id = str_or_empty(root, "doc_id");
    v = json_object_get(root, "sentence");
    r->sentence = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
    json_t *id = json_object_get(root, "id");
    if (json_is_integer(id) && json_integer_value(id) > 0)
        r->id = (int64_t)json_integer_value(id);

    json_t *ev = json_object_get(root, "evidence");
    if (json_is_object(ev)) {
        r->text = str_or_empty(ev, "text");
        json_t *ss = json_object_get(ev, "sentence_span");
        uint32_t base = 0;
        if (json_is_array(ss) && json_is_integer(json_array_get(ss, 0))) {
            json_int_t b = json_integer_value(json_array_get(ss, 0));
            base = b >= 0 && b <= UINT32_MAX ? (uint32_t)b : 0;
        }
        r->source_span = span_of(ev, "source_span", base);
        r->verb_span = span_of(ev, "verb_span", base);
        r->target_span = span_of(ev, "target_span", base);
        r->pattern = str_or_empty(ev, "pattern");
        const char *dict = str_or_empty(ev, "dict");
        const char *colon = strrchr(dict, ':');
        size_t dn = colon ? (size_t)(colon - dict) : strlen(dict);
        if (dn >= dictcap)
            dn = dictcap - 1;
        memcpy(dictbuf, dict, dn);
        dictbuf[dn] = '\0';
        r->dict_file = dictbuf;
        uint32_t line = 0;
        if (colon)
            for (const char *c = colon + 1; *c >= '0' && *c <= '9' && line < 100000000u; c++)
                line = line * 10 + (uint32_t)(*c - '0');
        r->dict_line = line;
    }
    return DT_OK;
}

static void clear_evidence(dt_evrec *r)
{
    r->text = r->pattern = r->dict_file = "";
    r->source_span = r->verb_span = r->target_span = (dt_span){0, 0};
    r->dict_line = 0;
}

static void note_bad(jstate *st, const char *name, uint64_t line, uint64_t off, int code,
                     const char *why)
{
    if (!st->bad++)
        dt_error_set(&st->first_bad, code, name, line, off, "%s", why);
}

int dt__evsource_jsonl(const char *path, const dt_evfilter *f, dt_evrec_fn fn, void *ctx,
                       dt_error *err)
{
    const char *name = (!path || !strcmp(path, "-")) ? "<stdin>" : path;
    dt__stream *s = NULL;
    int rc = dt__stream_open(&s, (!path || !strcmp(path, "-")) ? NULL : path, name, err);
    if (rc < 0)
        return rc;
    jstate st;
    memset(&st, 0, sizeof st);
    st.f = f;
    st.fn = fn;
    st.ctx = ctx;
    dt__lines lines;
    dt__lines_init(&lines, s, name);
    int stop = 0, fatal = 0;
    dt_error lerr;
    char dictbuf[512];
    for (;;) {
        const char *p;
        size_t n;
        uint64_t lineno, off;
        dt_error_clear(&lerr);
        int lr = dt__lines_next(&lines, &p, &n, &lineno, &off, &lerr);
        if (lr == 0)
            break;
        if (lr == DT_ELIMIT) {
            note_bad(&st, name, lerr.line, lerr.offset, DT_EFORMAT, lerr.msg);
            continue;
        }
        if (lr < 0) {
            fatal = lr;
            if (err)
                *err = lerr;
            break;
        }
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k == n)
            continue;
        json_error_t je;
        json_t *root = json_loadb(p, n, JSON_ALLOW_NUL, &je);
        if (!root) {
            char why[300];
            snprintf(why, sizeof why, "not JSON: %s", je.text);
            note_bad(&st, name, lineno, off, DT_EFORMAT, why);
            continue;
        }
        dt_evrec r;
        memset(&r, 0, sizeof r);
        r.id = (int64_t)lineno;
        r.count = 1;
        r.source = r.target = r.code = r.plover = r.doc_id = "";
        clear_evidence(&r);
        char why[300];
        if (parse_event(root, &r, why, sizeof why, dictbuf, sizeof dictbuf) < 0) {
            note_bad(&st, name, lineno, off, DT_EFORMAT, why);
            json_decref(root);
            continue;
        }
        int keep = dt__evfilter_match(f, &r, 1);
        if (keep && !(f && f->evidence))
            clear_evidence(&r);
        int cr = 0;
        if (keep) {
            cr = fn(ctx, &r);
            st.delivered++;
        }
        json_decref(root);
        if (cr) {
            stop = cr;
            break;
        }
        if (f && f->limit && st.delivered >= f->limit)
            break;
    }
    dt__lines_free(&lines);
    dt__stream_free(s);
    if (fatal)
        return fatal;
    if (stop)
        return stop;
    if (st.bad) {
        if (err) {
            *err = st.first_bad;
            if (st.bad > 1) {
                size_t l = strlen(err->msg);
                snprintf(err->msg + l, sizeof err->msg - l, " (and %llu more bad lines)",
                         (unsigned long long)(st.bad - 1));
            }
        }
        return DT_EFORMAT;
    }
    return DT_OK;
}
