/* Fuzz target: HTTP request handling without sockets (dt_server_handle):
 * target parsing (percent-decoding, dot segments, parameters), routing,
 * parameter checks, the queries on a small SQLite store, the response
 * cache and static files from a small web root.
 *
 * Input: byte 0 picks the method (bits 0-2) and whether the request claims
 * a body (bit 3); the rest is the raw request target. Contract checked:
 * the status is one the API documents, every API answer and every error is
 * well-formed JSON (errors with the same status inside), a 405 carries
 * Allow, and a static file never comes from outside the web root. */
#define _XOPEN_SOURCE 700
#include "fuzz_common.h"

#include "detente/server.h"
#include "detente/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static dt_server *server;
static char dir[256];

static void put_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void cleanup(void)
{
    static const char *const files[] = {"www/assets/app.js", "www/index.html", "secret.txt",
                                        "events.db",         "events.db-wal",  "events.db-shm"};
    char p[512];
    dt_server_free(server);
    server = NULL;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/www/up", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/www/assets", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/www", dir);
    rmdir(p);
    rmdir(dir);
}

static void add_event(dt_event *e, const char *src, const char *tgt, const char *code, int root,
                      int quad, double g, uint32_t sentence)
{
    memset(e, 0, sizeof *e);
    e->doc_id = DT_STR_LIT("fz-1");
    e->sentence = sentence;
    e->date = 20190620 + (int32_t)sentence;
    snprintf(e->source, sizeof e->source, "%s", src);
    snprintf(e->target, sizeof e->target, "%s", tgt);
    snprintf(e->code, sizeof e->code, "%s", code);
    snprintf(e->root, sizeof e->root, "%02d", root);
    e->quad = quad;
    e->goldstein = g;
    e->verb_span = (dt_span){8, 7};
    e->source_span = (dt_span){0, 7};
    e->pattern = DT_STR_LIT("* visit +");
    e->dict_file = DT_STR_LIT("fuzz.dtx");
    e->dict_line = 3;
}

/* A store of a few events written through the public sink API. */
static int make_store(const char *path)
{
    static const char text[] = "Beijing visited Pyongyang. Seoul protested. Washington warned.";
    dt_span sent[3] = {{0, 26}, {27, 15}, {43, 19}};
    dt_event ev[3];
    add_event(&ev[0], "CHNGOV", "PRKGOV", "042", 4, 1, 1.9, 0);
    add_event(&ev[1], "KOR", "CHN", "111", 11, 3, -2.0, 1);
    add_event(&ev[2], "USAGOV", "PRK", "1721", 17, 4, -5.0, 2);
    for (int i = 0; i < 3; i++) {
        ev[i].text = (dt_str){text + sent[i].off, sent[i].len};
        ev[i].sent_span = sent[i];
        ev[i].verb_span.off += sent[i].off;
        ev[i].source_span.off += sent[i].off;
    }
    char spec[600];
    snprintf(spec, sizeof spec, "sqlite:%s", path);
    dt_sink *s = NULL;
    dt_sink_opts o;
    memset(&o, 0, sizeof o);
    dt_run_info run;
    memset(&run, 0, sizeof run);
    dt_sink_doc doc;
    memset(&doc, 0, sizeof doc);
    doc.id = DT_STR_LIT("fz-1");
    doc.date = 20190620;
    doc.text = (dt_str){text, sizeof text - 1};
    doc.sent = sent;
    doc.nsent = 3;
    dt_run_counts counts;
    memset(&counts, 0, sizeof counts);
    counts.read = counts.coded = 1;
    counts.sentences = counts.events = 3;
    dt_error err;
    int rc = dt_sink_open(&s, spec, &o, &err);
    if (rc == DT_OK)
        rc = dt_sink_begin_run(s, &run, &err);
    if (rc == DT_OK)
        rc = dt_sink_document(s, &doc, ev, 3, &err);
    if (rc == DT_OK)
        rc = dt_sink_end_run(s, &counts, &err);
    dt_sink_close(s);
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/dt-fuzz-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 0;
    atexit(cleanup);
    char p[512], db[512];
    snprintf(p, sizeof p, "%s/www", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/www/assets", dir);
    mkdir(p, 0700);
    put_file("www/index.html", "<!doctype html><title>x</title>\n");
    put_file("www/assets/app.js", "console.log(1);\n");
    put_file("secret.txt", "SECRET-OUTSIDE-ROOT\n");
    snprintf(p, sizeof p, "%s/www/up", dir);
    if (symlink("..", p) != 0)
        return 0;
    snprintf(db, sizeof db, "%s/events.db", dir);
    if (make_store(db) != DT_OK)
        return 0;
    snprintf(p, sizeof p, "%s/www", dir);
    dt_server_opts o;
    memset(&o, 0, sizeof o);
    o.db = db;
    o.web_root = p;
    o.cache_bytes = (size_t)1 << 20;
    dt_error err;
    if (dt_server_new(&server, &o, &err) != DT_OK)
        server = NULL;
    return 0;
}

/* An RFC 8259 syntax check that allocates nothing, for the bodies of 200
 * answers. A series over a long range is megabytes of JSON, and jansson
 * building and freeing its tree under ASan took three quarters of the
 * time of such an input (perf; docs/robustness.md). It accepts what
 * json_loadb(..., 0, ...) accepts: an object or array at the top, strings
 * of valid UTF-8 without raw control bytes or \u0000, surrogate escapes in
 * pairs, and nothing but white space after the value. Bodies up to
 * JV_BOTH bytes go through both, which must agree, so the fuzzer keeps
 * testing this check against jansson too. */
enum { JV_MAX_DEPTH = 2048, JV_BOTH = 1 << 16 };

typedef struct {
    const unsigned char *p, *end;
} jv_cur;

static void jv_ws(jv_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int jv_hex4(jv_cur *c, unsigned *out)
{
    if (c->end - c->p < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned ch = c->p[i], d;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
            d = (ch | 0x20) - 'a' + 10;
        else
            return 0;
        v = v << 4 | d;
    }
    c->p += 4;
    *out = v;
    return 1;
}

/* One UTF-8 sequence of two to four bytes at c->p (its lead byte >= 0x80). */
static int jv_utf8(jv_cur *c)
{
    unsigned b0 = *c->p, n, cp;
    if (b0 >= 0xc2 && b0 <= 0xdf)
        n = 1, cp = b0 & 0x1f;
    else if (b0 >= 0xe0 && b0 <= 0xef)
        n = 2, cp = b0 & 0x0f;
    else if (b0 >= 0xf0 && b0 <= 0xf4)
        n = 3, cp = b0 & 0x07;
    else
        return 0;
    if ((size_t)(c->end - c->p) <= n)
        return 0;
    for (unsigned i = 1; i <= n; i++) {
        if ((c->p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (c->p[i] & 0x3f);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    c->p += n + 1;
    return 1;
}

static int jv_string(jv_cur *c)
{
    c->p++; /* the opening quote */
    while (c->p < c->end) {
        unsigned ch = *c->p;
        if (ch == '"') {
            c->p++;
            return 1;
        }
        if (ch < 0x20)
            return 0;
        if (ch >= 0x80) {
            if (!jv_utf8(c))
                return 0;
            continue;
        }
        c->p++;
        if (ch != '\\')
            continue;
        if (c->p == c->end)
            return 0;
        ch = *c->p++;
        if (ch != 'u') {
            if (!strchr("\"\\/bfnrt", (int)ch) || ch == 0)
                return 0;
            continue;
        }
        unsigned u, lo;
        if (!jv_hex4(c, &u) || u == 0 || (u >= 0xdc00 && u <= 0xdfff))
            return 0;
        if (u >= 0xd800 && u <= 0xdbff) {
            if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
                return 0;
            c->p += 2;
            if (!jv_hex4(c, &lo) || lo < 0xdc00 || lo > 0xdfff)
                return 0;
        }
    }
    return 0;
}

static int jv_digits(jv_cur *c)
{
    const unsigned char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > start;
}

static int jv_number(jv_cur *c)
{
    if (*c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (c->p == c->end || *c->p < '1' || *c->p > '9' || !jv_digits(c))
        return 0;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!jv_digits(c))
            return 0;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!jv_digits(c))
            return 0;
    }
    return 1;
}

static int jv_word(jv_cur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
        return 0;
    c->p += n;
    return 1;
}

static int jv_value(jv_cur *c, int depth)
{
    jv_ws(c);
    if (c->p == c->end)
        return 0;
    switch (*c->p) {
    case '"':
        return jv_string(c);
    case 't':
        return jv_word(c, "true");
    case 'f':
        return jv_word(c, "false");
    case 'n':
        return jv_word(c, "null");
    case '{':
    case '[': {
        int obj = *c->p == '{';
        char close = obj ? '}' : ']';
        if (depth >= JV_MAX_DEPTH)
            return 0;
        c->p++;
        jv_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return 1;
        }
        for (;;) {
            if (obj) {
                jv_ws(c);
                if (c->p == c->end || *c->p != '"' || !jv_string(c))
                    return 0;
                jv_ws(c);
                if (c->p == c->end || *c->p++ != ':')
                    return 0;
            }
            if (!jv_value(c, depth + 1))
                return 0;
            jv_ws(c);
            if (c->p == c->end)
                return 0;
            if (*c->p == close) {
                c->p++;
                return 1;
            }
            if (*c->p++ != ',')
                return 0;
        }
    }
    default:
        return jv_number(c);
    }
}

static int jv_valid(const char *text, size_t len)
{
    jv_cur c = {(const unsigned char *)text, (const unsigned char *)text + len};
    jv_ws(&c);
    if (c.p == c.end || (*c.p != '{' && *c.p != '['))
        return 0;
    if (!jv_value(&c, 0))
        return 0;
    jv_ws(&c);
    return c.p == c.end;
}

/* jv_valid() against a table, and the table against jansson, once per
 * process: the server's answers are all valid, so the fuzzer alone would
 * never see the check refuse anything. */
static void jv_selftest(void)
{
    static const struct {
        const char *text;
        int valid;
    } cases[] = {
        {"{}", 1},
        {" [ ] ", 1},
        {"{\"a\":[1,-0.5e+3,true,false,null,\"x\\u00e9\\ud83d\\ude00\\n\"]}", 1},
        {"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 1},
        {"[0,10,1.25,2E9]", 1},
        {"", 0},
        {"1", 0},
        {"\"top\"", 0},
        {"{", 0},
        {"[1,]", 0},
        {"[1 2]", 0},
        {"{\"a\" 1}", 0},
        {"{1:2}", 0},
        {"[01]", 0},
        {"[1.]", 0},
        {"[.5]", 0},
        {"[1e]", 0},
        {"[-]", 0},
        {"[tru]", 0},
        {"[nul]", 0},
        {"[\"a\tb\"]", 0},
        {"[\"\\x\"]", 0},
        {"[\"\\u12\"]", 0},
        {"[\"\\u0000\"]", 0},
        {"[\"\\udc00\"]", 0},
        {"[\"\\ud800x\"]", 0},
        {"[\"\xc0\xaf\"]", 0},
        {"[\"\xed\xa0\x80\"]", 0},
        {"[\"\xf5\x80\x80\x80\"]", 0},
        {"[\"\xe2\x82\"]", 0},
        {"[\"open]", 0},
        {"[] []", 0},
        {"[]x", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        json_error_t je;
        json_t *j = json_loadb(t, strlen(t), 0, &je);
        if ((j != NULL) != cases[i].valid)
            dt_fuzz_fail("jv_selftest: jansson and the table differ on case %zu", i);
        json_decref(j);
        if (jv_valid(t, strlen(t)) != cases[i].valid)
            dt_fuzz_fail("jv_selftest: jv_valid() wrong on case %zu", i);
    }
}

static const char *const METHODS[8] = {"GET",  "GET",    "HEAD",  "GET",
                                       "POST", "DELETE", "PATCH", "OPTIONS"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!server) {
        static int init;
        if (!init++)
            LLVMFuzzerInitialize(NULL, NULL);
        if (!server)
            dt_fuzz_fail("fuzz_http: cannot set up the server");
    }
    static int selftested;
    if (!selftested++)
        jv_selftest();
    if (size == 0)
        return 0;
    const char *method = METHODS[data[0] & 7];
    int has_body = (data[0] >> 3) & 1;
    dt_server_response r;
    int rc = dt_server_handle(server, method, (const char *)data + 1, size - 1, has_body, &r);
    if (rc != DT_OK) { /* only out of memory, which the fuzzer does not inject */
        dt_server_response_free(&r);
        dt_fuzz_fail("dt_server_handle returned %d", rc);
    }
    static const int ok_status[] = {200, 400, 403, 404, 405, 413, 414, 500, 501, 503};
    int known = 0;
    for (size_t i = 0; i < sizeof ok_status / sizeof ok_status[0]; i++)
        known |= r.status == ok_status[i];
    DT_FUZZ_CHECK(known);
    DT_FUZZ_CHECK(r.status != 500); /* the store is fine: no internal errors */
    DT_FUZZ_CHECK(r.content_type != NULL);
    if (r.status == 405)
        DT_FUZZ_CHECK(r.allow != NULL);
    if (r.fd >= 0) {
        DT_FUZZ_CHECK(r.status == 200 && r.body == NULL);
        char buf[64];
        ssize_t k = pread(r.fd, buf, sizeof buf - 1, 0);
        DT_FUZZ_CHECK(k >= 0);
        buf[k < 0 ? 0 : k] = '\0';
        DT_FUZZ_CHECK(strstr(buf, "SECRET") == NULL);
    } else {
        DT_FUZZ_CHECK(r.body != NULL);
        DT_FUZZ_CHECK(!strncmp(r.content_type, "application/json", 16));
        int valid = jv_valid(r.body, r.len);
        if (r.status == 200 && r.len > JV_BOTH) {
            if (!valid)
                dt_fuzz_fail("not JSON (%zu bytes): %.200s", r.len, r.body);
        } else {
            json_error_t je;
            json_t *j = json_loadb(r.body, r.len, 0, &je);
            if (!j)
                dt_fuzz_fail("not JSON (%s): %.200s", je.text, r.body);
            if (!valid)
                dt_fuzz_fail("jansson accepts what jv_valid() refuses: %.200s", r.body);
            if (r.status != 200) {
                json_t *e = json_object_get(j, "error");
                DT_FUZZ_CHECK(e && json_integer_value(json_object_get(e, "status")) == r.status);
                DT_FUZZ_CHECK(json_is_string(json_object_get(e, "message")));
            }
            json_decref(j);
        }
    }
    dt_server_response_free(&r);
    return 0;
}
