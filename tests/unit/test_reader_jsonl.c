/* JSONL reader: the one-pass scanner against jansson, line by line.
 *
 * dt__jsonl_parse reads most lines with a hand scanner and hands the rest
 * to a jansson tree (src/io/reader_jsonl.c). This test reads every line of
 * a corpus three ways, jansson alone (the reference), the scanner alone and
 * the reader as shipped, and fails on the first difference in the outcome,
 * the error (code, line, offset, message) or the document (id, date, text,
 * the passed-through members). The scanner may leave a good line undecided
 * but must never accept a line jansson rejects, nor read one differently.
 *
 * The corpus: the tricky lines below, every line of the fuzz seed corpus
 * tests/fuzz/corpus/jsonl, tests/gold/dev.jsonl and the Korea example,
 * every one-byte edit (cut, delete, replace, insert) of the short lines
 * among them, and lines from a seeded random generator of near-JSON. */
#include "dt_test.h"

#include "detente/arena.h"
#include "detente/reader.h"
#include "io/io_internal.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>

static dt_arena *arena_ref, *arena_new, *arena_fast;
static long n_lines, n_good, n_fast, n_fail;

static int same_str(dt_str a, dt_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int same_doc(const dt_doc *a, const dt_doc *b)
{
    return a->kind == b->kind && a->date == b->date && a->line == b->line &&
           a->offset == b->offset && same_str(a->id, b->id) && same_str(a->text, b->text) &&
           same_str(a->extra, b->extra) && a->id.p[a->id.n] == '\0' && b->id.p[b->id.n] == '\0' &&
           b->text.p[b->text.n] == '\0' && (b->extra.n == 0 || b->extra.p[b->extra.n] == '\0');
}

static int same_err(const dt_error *a, const dt_error *b)
{
    return a->code == b->code && a->line == b->line && a->offset == b->offset &&
           strcmp(a->file, b->file) == 0 && strcmp(a->msg, b->msg) == 0;
}

static void show(const char *what, const char *line, size_t n)
{
    if (n_fail >= 20)
        return;
    fprintf(stderr, "%s: ", what);
    for (size_t i = 0; i < n && i < 300; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7F)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

static void check_line_exact(const char *line, size_t n);

/* Each line is read from a buffer of exactly its size, so that a read
 * past the end is an error under the sanitizers. */
static void check_line(const char *line, size_t n)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        exit(1);
    memcpy(copy, line, n);
    check_line_exact(copy, n);
    free(copy);
}

static void check_line_exact(const char *line, size_t n)
{
    dt_doc ref, full, fast;
    dt_error eref, efull, efast;
    memset(&eref, 0, sizeof eref);
    memset(&efull, 0, sizeof efull);
    memset(&efast, 0, sizeof efast);
    dt_arena_reset(arena_ref);
    dt_arena_reset(arena_new);
    dt_arena_reset(arena_fast);
    n_lines++;
    int rref =
        dt__jsonl_parse_jansson(line, n, 7, 100, "in.jsonl", 20190620, arena_ref, &ref, &eref);
    int rfull = dt__jsonl_parse(line, n, 7, 100, "in.jsonl", 20190620, arena_new, &full, &efull);
    int rfast =
        dt__jsonl_parse_fast(line, n, 7, 100, "in.jsonl", 20190620, arena_fast, &fast, &efast);
    int ok = 1;
    if (rref != rfull || (rref < 0 && !same_err(&eref, &efull)) ||
        (rref == DT_OK && !same_doc(&ref, &full))) {
        show("reader differs from jansson", line, n);
        if (n_fail < 20)
            fprintf(stderr, "  jansson: %d %s\n  reader:  %d %s\n", rref,
                    rref < 0      ? eref.msg
                    : ref.extra.n ? ref.extra.p
                                  : "",
                    rfull,
                    rfull < 0      ? efull.msg
                    : full.extra.n ? full.extra.p
                                   : "");
        ok = 0;
    }
    if (rref == DT_OK)
        n_good++;
    if (rfast == 1) {
        n_fast++;
        if (rref != DT_OK || !same_doc(&ref, &fast)) {
            show("scanner accepts differently", line, n);
            ok = 0;
        }
    } else if (rfast != 0) {
        show("scanner failed", line, n);
        ok = 0;
    }
    if (!ok)
        n_fail++;
    DT_CHECK(ok);
}

/* Each line of a buffer (the final one need not end in a newline). */
static void check_lines(const char *buf, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(buf + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (buf + i)) : n - i;
        check_line(buf + i, len);
        i += len + 1;
    }
}

/* One-byte edits of a line: every cut, deletion, and every replacement
 * and insertion of the bytes JSON's grammar turns on. */
static void check_edits(const char *line, size_t n)
{
    static const char alphabet[] = "\"\\{}[]:, \t0-1.eE+uUtfn/bd\x01\x1f\x7f\xc3\xa9\xed\xa0\x80";
    size_t na = sizeof alphabet - 1;
    char *b = malloc(n + 2);
    if (!b)
        exit(1);
    for (size_t i = 0; i <= n; i++) {
        check_line(line, i);
        if (i == n)
            break;
        memcpy(b, line, i);
        memcpy(b + i, line + i + 1, n - i - 1);
        check_line(b, n - 1);
        for (size_t k = 0; k < na; k++) {
            memcpy(b, line, n);
            b[i] = alphabet[k];
            check_line(b, n);
            memcpy(b, line, i);
            b[i] = alphabet[k];
            memcpy(b + i + 1, line + i, n - i);
            check_line(b, n + 1);
        }
    }
    free(b);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf)
        exit(1);
    *n = len;
    return buf;
}

static const char *source_dir(void)
{
    const char *src = getenv("DT_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "DT_SOURCE_DIR is not set\n");
        exit(1);
    }
    return src;
}

/* Lines written to trip a hand-written JSON reader, each one a rule of
 * RFC 8259 or of jansson that the scanner has to get right or leave to
 * jansson. */
static const char *const tricky[] = {
    "{\"id\":\"a\",\"text\":\"plain\"}",
    "  {\"id\" : \"a\" ,\t\"text\" :\"x\" , \"date\": \"2019-06-20\" }  \r",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":null}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":\"20190620\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":\"190620\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":\"2019-06-20T08:15:00Z\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":\"2019-02-30\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":\"2019\\u002d06-20\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":20190620}",
    "{\"id\":\"a\",\"text\":\"x\",\"date\":[]}",
    "{\"id\":\"\",\"text\":\"x\"}",
    "{\"id\":\"\\u0041\",\"text\":\"x\"}",
    "{\"id\":1,\"text\":\"x\"}",
    "{\"id\":\"a\",\"text\":null}",
    "{\"id\":\"a\"}",
    "{\"text\":\"x\"}",
    "{}",
    "[]",
    "[{\"id\":\"a\",\"text\":\"x\"}]",
    "\"a\"",
    "1",
    "null",
    "",
    "   ",
    "{\"id\":\"a\",\"text\":\"x\"} {}",
    "{\"id\":\"a\",\"text\":\"x\"}}",
    "{\"id\":\"a\",\"text\":\"x\",}",
    "{\"id\":\"a\",,\"text\":\"x\"}",
    "{\"id\" \"a\",\"text\":\"x\"}",
    "{'id':'a','text':'x'}",
    "{id:\"a\",\"text\":\"x\"}",
    "{\"id\":\"a\",\"id\":\"b\",\"text\":\"x\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"text\":\"y\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"k\":1,\"k\":2}",
    "{\"\\u0069d\":\"a\",\"text\":\"x\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"k\\n\":1}",
    "{\"id\":\"a\",\"text\":\"x\",\"\":1}",
    "{\"id\":\"a\",\"text\":\"x\",\"a\\u0000\":1}",
    "{\"id\":\"a\",\"text\":\"say \\\"hi\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}",
    "{\"id\":\"a\",\"text\":\"\\u00e9\\u00E9 \\u2019 \\u2028 \\ud83d\\ude00 \\uFFFF\"}",
    "{\"id\":\"a\",\"text\":\"\\u0000\"}",
    "{\"id\":\"a\",\"text\":\"\\u001f\"}",
    "{\"id\":\"a\",\"text\":\"\\ud83d\"}",
    "{\"id\":\"a\",\"text\":\"\\ud83dx\"}",
    "{\"id\":\"a\",\"text\":\"\\ud83d\\u0041\"}",
    "{\"id\":\"a\",\"text\":\"\\ude00\"}",
    "{\"id\":\"a\",\"text\":\"\\u12\"}",
    "{\"id\":\"a\",\"text\":\"\\u12g4\"}",
    "{\"id\":\"a\",\"text\":\"\\x41\"}",
    "{\"id\":\"a\",\"text\":\"\\'\"}",
    "{\"id\":\"a\",\"text\":\"tab\there\"}",
    "{\"id\":\"a\",\"text\":\"del\x7f ok\"}",
    "{\"id\":\"a\",\"text\":\"caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80\"}",
    "{\"id\":\"a\",\"text\":\"bad \xc3\"}",
    "{\"id\":\"a\",\"text\":\"overlong \xc0\xaf\"}",
    "{\"id\":\"a\",\"text\":\"surrogate \xed\xa0\x80\"}",
    "{\"id\":\"a\",\"text\":\"too high \xf4\x90\x80\x80\"}",
    "{\"id\":\"a\",\"text\":\"x\\",
    "{\"id\":\"a\",\"text\":\"x",
    "{\"id\":\"a\",\"text\":\"x\"",
    "{\"id\":\"a\",\"text\":\"x\",",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":0,\"m\":-0,\"k\":-12,\"j\":123456789012345678}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":9223372036854775807}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":9223372036854775808}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":-9223372036854775808}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":-9223372036854775809}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":1.5,\"m\":0.1,\"k\":1e5,\"j\":-2.5E-3}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":1e400}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":0.1,\"a\":[0.1],\"o\":{\"k\": 0.1 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e22,\"a\":[1e22],\"o\":{\"k\": 1e22 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1E5,\"a\":[1E5],\"o\":{\"k\": 1E5 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":-0.0,\"a\":[-0.0],\"o\":{\"k\": -0.0 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":0.0,\"a\":[0.0],\"o\":{\"k\": 0.0 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":5e-324,\"a\":[5e-324],\"o\":{\"k\": 5e-324 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":2.2250738585072014e-308,\"a\":[2.2250738585072014e-308],"
    "\"o\":{\"k\": 2.2250738585072014e-308 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e-400,\"a\":[1e-400],\"o\":{\"k\": 1e-400 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":0.1e1,\"a\":[0.1e1],\"o\":{\"k\": 0.1e1 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":123456789012345678901234.5,\"a\":[123456789012345678901234."
    "5],\"o\":{\"k\": 123456789012345678901234.5 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e-7,\"a\":[1e-7],\"o\":{\"k\": 1e-7 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":-1.5E+300,\"a\":[-1.5E+300],\"o\":{\"k\": -1.5E+300 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e308,\"a\":[1e308],\"o\":{\"k\": 1e308 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1.7976931348623157e308,\"a\":[1.7976931348623157e308],"
    "\"o\":{\"k\": 1.7976931348623157e308 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e309,\"a\":[1e309],\"o\":{\"k\": 1e309 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":-1e-309,\"a\":[-1e-309],\"o\":{\"k\": -1e-309 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":100,\"a\":[100],\"o\":{\"k\": 100 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1.0,\"a\":[1.0],\"o\":{\"k\": 1.0 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":3.14159265358979323846264338327950288,\"a\":[3."
    "14159265358979323846264338327950288],\"o\":{\"k\": 3.14159265358979323846264338327950288 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e+05,\"a\":[1e+05],\"o\":{\"k\": 1e+05 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":1e-05,\"a\":[1e-05],\"o\":{\"k\": 1e-05 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":12345678901234567890.0,\"a\":[12345678901234567890.0],"
    "\"o\":{\"k\": 12345678901234567890.0 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":0.000001,\"a\":[0.000001],\"o\":{\"k\": 0.000001 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"r\":9007199254740993.0,\"a\":[9007199254740993.0],\"o\":{\"k\":"
    " 9007199254740993.0 }}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":01}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":-}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":+1}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":1.}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":.5}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":1e}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":0x10}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":NaN}",
    "{\"id\":\"a\",\"text\":\"x\",\"n\":Infinity}",
    "{\"id\":\"a\",\"text\":\"x\",\"b\":true,\"c\":false,\"d\":null}",
    "{\"id\":\"a\",\"text\":\"x\",\"b\":tru}",
    "{\"id\":\"a\",\"text\":\"x\",\"b\":True}",
    "{\"id\":\"a\",\"text\":\"x\",\"b\":nul}",
    "{\"id\":\"a\",\"text\":\"x\",\"b\":truex}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[],\"o\":{},\"s\":\"\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[ 1 , \"two\" , [ 3 ] , { \"f\" : -0 } ]}",
    "{\"id\":\"a\",\"text\":\"x\",\"o\":{\"k\":1,\"k\":2}}",
    "{\"id\":\"a\",\"text\":\"x\",\"o\":{\"k\":1,\"l\":{\"k\":2}}}",
    "{\"id\":\"a\",\"text\":\"x\",\"o\":{\"\\u006b\":1}}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[1,]}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[,1]}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[1 2]}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":[}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":{\"k\"}}",
    "{\"id\":\"a\",\"text\":\"x\",\"e\":{1:2}}",
    "{\"id\":\"a\",\"text\":\"x\",\"t\":\"\\\"q\\\" \\/ \\u001F\\u007f\\u00e9 \\ud83d\\ude00\\t\"}",
    "{\"title\":\"first\",\"id\":\"a\",\"z\":1,\"text\":\"x\",\"date\":\"2019-06-20\",\"y\":[true]"
    "}",
    "{\"id\":\"a\",\"text\":\"x\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
    "\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14}",
    "{\"id\":\"a\",\"text\":\"x\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
    "\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15}",
    "{\"id\":\"a\",\"text\":\"x\",\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
    "\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k1\":0}",
    "\xef\xbb\xbf{\"id\":\"a\",\"text\":\"x\"}",
    "{\"id\":\"a\",\"text\":\"x\"}\x0c",
    "{\"id\":\"a\",\"text\":\"x\"}\xc2\xa0",
    "{\"id\":\"a\",\"text\":\"line\\nbreak\",\"date\":\"2019-06-20\"}",
};

static void test_tricky(void)
{
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
        check_line(tricky[i], strlen(tricky[i]));
    /* Bytes a C string literal cannot hold. */
    static const char nul_raw[] = "{\"id\":\"a\",\"text\":\"x\0y\"}";
    check_line(nul_raw, sizeof nul_raw - 1);
    static const char nul_out[] = "{\"id\":\"a\",\"text\":\"x\"}\0";
    check_line(nul_out, sizeof nul_out - 1);
}

/* Nesting around the scanner's depth limit and far past jansson's. */
static void test_depth(void)
{
    static const int depths[] = {1, 30, 31, 32, 33, 100, 2047, 2048, 2049, 3000};
    for (size_t d = 0; d < sizeof depths / sizeof *depths; d++) {
        for (int obj = 0; obj < 2; obj++) {
            int k = depths[d];
            size_t cap = 64 + (size_t)k * 8;
            char *b = malloc(cap), *o = b;
            if (!b)
                exit(1);
            o += sprintf(o, "{\"id\":\"a\",\"text\":\"x\",\"deep\":");
            for (int i = 0; i < k; i++)
                o += sprintf(o, "%s", obj ? "{\"k\":" : "[");
            *o++ = '1';
            for (int i = 0; i < k; i++)
                *o++ = obj ? '}' : ']';
            *o++ = '}';
            check_line(b, (size_t)(o - b));
            free(b);
        }
    }
}

static void test_fuzz_corpus(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/jsonl", source_dir());
    DIR *d = opendir(dir);
    DT_CHECK(d != NULL);
    if (!d)
        return;
    long files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = 0;
        char *buf = slurp(path, &n);
        if (!buf)
            continue;
        files++;
        check_lines(buf, n);
        /* Short lines get every one-byte edit too. */
        size_t i = 0;
        while (i < n) {
            const char *nl = memchr(buf + i, '\n', n - i);
            size_t len = nl ? (size_t)(nl - (buf + i)) : n - i;
            if (len <= 160)
                check_edits(buf + i, len);
            i += len + 1;
        }
        free(buf);
    }
    closedir(d);
    DT_CHECK(files >= 10);
}

/* Every line of a file the scanner must read by itself: the shapes real
 * input has (strings, integers, arrays and objects of them). */
static void test_file_all_fast(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", source_dir(), rel);
    size_t n = 0;
    char *buf = slurp(path, &n);
    DT_CHECK(buf != NULL);
    if (!buf)
        return;
    long lines0 = n_lines, fast0 = n_fast;
    check_lines(buf, n);
    long lines = n_lines - lines0, fast = n_fast - fast0;
    if (fast != lines)
        fprintf(stderr, "%s: the scanner read %ld of %ld lines\n", rel, fast, lines);
    DT_CHECK(lines > 10 && fast == lines);
    /* Edits of the first lines (they are long: a few only). */
    size_t i = 0;
    for (int k = 0; k < 2 && i < n; k++) {
        const char *nl = memchr(buf + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (buf + i)) : n - i;
        check_edits(buf + i, len < 400 ? len : 400);
        i += len + 1;
    }
    free(buf);
}

static void test_gold(void)
{
    test_file_all_fast("tests/gold/dev.jsonl");
}

static void test_example(void)
{
    test_file_all_fast("examples/korea/news.jsonl");
}

/* A seeded generator of near-JSON documents: mostly valid, with one
 * random corruption in some. */
static uint64_t rng = 20190620;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void gen_string(char **o)
{
    static const char *const parts[] = {"a",          "Kim",
                                        " ",          "\\\"",
                                        "\\\\",       "\\/",
                                        "\\n",        "\\t",
                                        "\\r",        "\\b",
                                        "\\f",        "\\u0041",
                                        "\\u00e9",    "\\u001f",
                                        "\\u2019",    "\\ud83d\\ude00",
                                        "\xc3\xa9",   "\xe2\x80\x99",
                                        "\x7f",       "-0",
                                        "2019-06-20", "{",
                                        "}",          "[",
                                        ",",          ":",
                                        "\\u0000",    "\\ud800"};
    int k = (int)rnd(6);
    *(*o)++ = '"';
    for (int i = 0; i < k; i++) {
        const char *p = parts[rnd(sizeof parts / sizeof *parts)];
        size_t n = strlen(p);
        memcpy(*o, p, n);
        *o += n;
    }
    *(*o)++ = '"';
}

static void gen_value(char **o, int depth)
{
    static const char *const scalars[] = {"0",
                                          "-0",
                                          "7",
                                          "-12",
                                          "123456789012345678",
                                          "1234567890123456789",
                                          "true",
                                          "false",
                                          "null",
                                          "1.5",
                                          "2e3",
                                          "0.1",
                                          "-1E-7",
                                          "1e400",
                                          "-0.0",
                                          "1e+22"};
    unsigned r = rnd(depth > 3 ? 3 : 5);
    if (r == 0) {
        gen_string(o);
    } else if (r <= 2) {
        const char *p = scalars[rnd(sizeof scalars / sizeof *scalars)];
        size_t n = strlen(p);
        memcpy(*o, p, n);
        *o += n;
    } else if (r == 3) {
        *(*o)++ = '[';
        int k = (int)rnd(4);
        for (int i = 0; i < k; i++) {
            if (i)
                *(*o)++ = rnd(8) ? ',' : ' ';
            gen_value(o, depth + 1);
        }
        *(*o)++ = ']';
    } else {
        *(*o)++ = '{';
        int k = (int)rnd(4);
        for (int i = 0; i < k; i++) {
            if (i)
                *(*o)++ = ',';
            *o += sprintf(*o, "\"%c\":", "abcab"[rnd(5)]);
            gen_value(o, depth + 1);
        }
        *(*o)++ = '}';
    }
}

static void test_generated(void)
{
    static const char *const keys[] = {"id", "text", "date", "title", "n", "id", "text"};
    char buf[65536];
    for (int t = 0; t < 40000; t++) {
        char *o = buf;
        *o++ = '{';
        int k = 1 + (int)rnd(6);
        for (int i = 0; i < k; i++) {
            if (i)
                *o++ = ',';
            if (rnd(4) == 0)
                *o++ = ' ';
            const char *key = i < 2 && rnd(4) ? (i ? "text" : "id") : keys[rnd(7)];
            o += sprintf(o, "\"%s\":", key);
            if (!strcmp(key, "date") && rnd(3))
                o += sprintf(o, "%s", rnd(4) ? "\"2019-06-20\"" : "null");
            else if (rnd(2) && strcmp(key, "n"))
                gen_string(&o);
            else
                gen_value(&o, 0);
        }
        *o++ = '}';
        size_t n = (size_t)(o - buf);
        if (rnd(3) == 0) { /* one corruption */
            size_t at = rnd((unsigned)n);
            buf[at] = "\"\\{}[],: -x\x01\xff"[rnd(14)];
        }
        check_line(buf, n);
    }
}

int main(void)
{
    arena_ref = dt_arena_new(0);
    arena_new = dt_arena_new(0);
    arena_fast = dt_arena_new(0);
    if (!arena_ref || !arena_new || !arena_fast)
        return 1;
    DT_RUN(test_tricky);
    DT_RUN(test_depth);
    DT_RUN(test_fuzz_corpus);
    DT_RUN(test_gold);
    DT_RUN(test_example);
    DT_RUN(test_generated);
    printf("test_reader_jsonl: %ld lines, %ld good by jansson, %ld read by the scanner, %ld "
           "differences\n",
           n_lines, n_good, n_fast, n_fail);
    /* The scanner has to carry most good lines, or it is not doing its
     * job (and the comparison above would be empty). */
    DT_CHECK(n_fast * 2 > n_good);
    dt_arena_free(arena_ref);
    dt_arena_free(arena_new);
    dt_arena_free(arena_fast);
    DT_TEST_END();
}
