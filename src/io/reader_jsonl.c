/* JSONL documents: one JSON object a line, {"id","date","text",...}.
 *
 * Each line is checked in order of cheapness and of usefulness to the
 * person fixing the file: UTF-8 first (so the message names the byte, not a
 * confused JSON error), then JSON syntax, then the fields. Any failure
 * rejects that line only. */
#include "io_internal.h"

#include <jansson.h>
#include <string.h>

/* jansson allocates with its default malloc, deliberately not through
 * dt_malloc: its lexer ignores a failed append (lex_save), so an
 * allocation failure injected there would silently drop a byte of the
 * text instead of failing the record. Real out-of-memory inside jansson is
 * as rare as anywhere else; injected failures must not corrupt data. */

static int field_str(json_t *root, const char *key, json_t **out)
{
    json_t *v = json_object_get(root, key);
    *out = v;
    if (!v)
        return 0;
    return json_is_string(v) ? 1 : -1;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

int dt__jsonl_parse(const char *line, size_t n, uint64_t lineno, uint64_t offset, const char *name,
                    int32_t default_date, dt_arena *a, dt_doc *doc, dt_error *err)
{
    int rc = dt__check_utf8(line, n, name, lineno, offset, "JSON line", err);
    if (rc < 0)
        return rc;

    /* jansson leaves parts of the error unset on some allocation
     * failures, and json_error_code() reads one of them. */
    json_error_t je;
    memset(&je, 0, sizeof je);
    json_t *root = json_loadb(line, n, 0, &je);
    if (!root) {
        /* jansson reports allocation failures as parse errors; some come
         * back with no code or text at all. */
        if (json_error_code(&je) == json_error_out_of_memory || je.text[0] == '\0')
            return dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
        /* Same reason as a raw NUL byte, whatever jansson calls it. */
        if (strstr(je.text, "\\u0000"))
            return dt_error_set(err, DT_EUTF8, name, lineno, offset,
                                "NUL byte (\\u0000) in JSON line (column %d)", je.column);
        return dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                            "JSON syntax error at column %d: %s", je.column, je.text);
    }
    rc = DT_OK;
    json_t *jid, *jtext, *jdate;
    if (!json_is_object(root)) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                          "not a JSON object (got %s); each line must be one document",
                          type_name(root));
        goto out;
    }
    int k = field_str(root, "id", &jid);
    if (k == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "missing \"id\"");
        goto out;
    }
    if (k < 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "\"id\" must be a string, not %s",
                          type_name(jid));
        goto out;
    }
    if (json_string_length(jid) == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "empty \"id\"");
        goto out;
    }
    k = field_str(root, "text", &jtext);
    if (k == 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset, "missing \"text\"");
        goto out;
    }
    if (k < 0) {
        rc = dt_error_set(err, DT_EFORMAT, name, lineno, offset,
                          "\"text\" must be a string, not %s", type_name(jtext));
        goto out;
    }
    int32_t date = default_date;
    k = field_str(root, "date", &jdate);
    if (k < 0 && !json_is_null(jdate)) {
        rc = dt_error_set(err, DT_EDATE, name, lineno, offset,
                          "\"date\" must be a string (YYYY-MM-DD or YYYYMMDD), not %s",
                          type_name(jdate));
        goto out;
    }
    if (k > 0) {
        const char *ds = json_string_value(jdate);
        size_t dn = json_string_length(jdate);
        if (dt_date_parse(ds, dn, &date) < 0) {
            rc = dt_error_set(err, DT_EDATE, name, lineno, offset,
                              "bad date \"%.*s\" (want a real calendar date, YYYY-MM-DD or "
                              "YYYYMMDD)",
                              (int)(dn > 40 ? 40 : dn), ds);
            goto out;
        }
    }
    /* jansson decodes \u escapes; it rejects \u0000 unless asked, but the
     * decoded text is checked against the same rule as raw text anyway. */
    const char *ts = json_string_value(jtext);
    size_t tn = json_string_length(jtext);
    rc = dt__check_utf8(ts, tn, name, lineno, offset, "\"text\"", err);
    if (rc < 0) {
        err->line = lineno; /* the text's own newlines are not file lines */
        goto out;
    }

    memset(doc, 0, sizeof *doc);
    doc->kind = DT_REC_DOC;
    doc->line = lineno;
    doc->offset = offset;
    doc->date = date;
    char *id = dt_arena_strndup(a, json_string_value(jid), json_string_length(jid));
    char *text = dt_arena_strndup(a, ts, tn);
    if (!id || !text) {
        rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
        goto out;
    }
    doc->id = (dt_str){id, json_string_length(jid)};
    doc->text = (dt_str){text, tn};

    /* Everything else passes through untouched, as one JSON object. */
    if (json_object_size(root) > (size_t)(1 + 1 + (jdate ? 1 : 0))) {
        json_t *extra = json_object();
        const char *key;
        json_t *val;
        if (!extra) {
            rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
            goto out;
        }
        json_object_foreach(root, key, val)
        {
            if (!strcmp(key, "id") || !strcmp(key, "text") || !strcmp(key, "date"))
                continue;
            if (json_object_set(extra, key, val) < 0) {
                json_decref(extra);
                rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
                goto out;
            }
        }
        size_t flags = JSON_COMPACT;
        size_t need = json_dumpb(extra, NULL, 0, flags);
        char *buf = need ? dt_arena_alloc(a, need + 1) : NULL;
        if (!buf || json_dumpb(extra, buf, need, flags) != need) {
            json_decref(extra);
            rc = dt_error_set(err, DT_ENOMEM, name, lineno, offset, "out of memory");
            goto out;
        }
        buf[need] = '\0';
        doc->extra = (dt_str){buf, need};
        json_decref(extra);
    }
out:
    json_decref(root);
    return rc;
}
