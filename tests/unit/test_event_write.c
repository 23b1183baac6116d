/* Event writers: JSONL escaping and validity (checked by parsing the line
 * back with jansson), TSV column order and sanitising, bounded buffers. */
#include "detente/event.h"

#include "dt_test.h"

#include <jansson.h>

static dt_event sample(void)
{
    dt_event e;
    memset(&e, 0, sizeof e);
    e.doc_id = DT_STR_LIT("doc-\"1\"");
    e.sentence = 3;
    e.date = 20190620;
    memcpy(e.source, "CHNGOV", 7);
    memcpy(e.target, "PRK", 4);
    memcpy(e.code, "042", 4);
    memcpy(e.root, "04", 3);
    e.quad = 1;
    e.goldstein = 1.9;
    /* quote, backslash, newline, tab, a control byte, an invalid UTF-8
     * byte and a valid multi-byte character */
    static const char text[] = "Xi \"visits\" \\ Pyongyang\n\tnow\x01 \xff caf\xc3\xa9";
    e.text = (dt_str){text, sizeof text - 1};
    e.sent_span = (dt_span){10, (uint32_t)(sizeof text - 1)};
    e.source_span = (dt_span){10, 2};
    e.verb_span = (dt_span){13, 8};
    e.target_span = (dt_span){0, 0};
    e.pattern = DT_STR_LIT("- * VISIT [042]");
    e.dict_file = DT_STR_LIT("verbs.txt");
    e.dict_line = 42;
    /* "source" and "code" clash with event fields: they must not shadow them */
    e.extra = DT_STR_LIT("{\"url\": \"http://x\", \"source\": \"wire\", \"code\": \"x\"}");
    return e;
}

static void test_jsonl_roundtrip(void)
{
    dt_event e = sample();
    char buf[4096];
    size_t len = 0;
    DT_CHECK_INT(dt_event_format_jsonl(&e, buf, sizeof buf, &len), DT_OK);
    DT_CHECK(len > 0 && buf[len - 1] == '\n');
    DT_CHECK_INT(strlen(buf), len);
    /* exactly one line: no raw newline inside */
    DT_CHECK(memchr(buf, '\n', len - 1) == NULL);
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    DT_CHECK(j != NULL);
    if (!j) {
        fprintf(stderr, "json error: %s\n%s", jerr.text, buf);
        return;
    }
    DT_CHECK_STR(json_string_value(json_object_get(j, "doc_id")), "doc-\"1\"");
    DT_CHECK_INT(json_integer_value(json_object_get(j, "sentence")), 3);
    DT_CHECK_STR(json_string_value(json_object_get(j, "date")), "2019-06-20");
    DT_CHECK_STR(json_string_value(json_object_get(j, "source")), "CHNGOV");
    DT_CHECK_STR(json_string_value(json_object_get(j, "target")), "PRK");
    DT_CHECK_STR(json_string_value(json_object_get(j, "code")), "042");
    DT_CHECK_STR(json_string_value(json_object_get(j, "root")), "04");
    DT_CHECK_INT(json_integer_value(json_object_get(j, "quad")), 1);
    DT_CHECK(json_real_value(json_object_get(j, "goldstein")) > 1.89 &&
             json_real_value(json_object_get(j, "goldstein")) < 1.91);
    json_t *doc = json_object_get(j, "doc");
    DT_CHECK(json_is_object(doc));
    DT_CHECK_STR(json_string_value(json_object_get(doc, "url")), "http://x");
    DT_CHECK_STR(json_string_value(json_object_get(doc, "source")), "wire");
    DT_CHECK_STR(json_string_value(json_object_get(doc, "code")), "x");
    DT_CHECK(json_object_get(j, "url") == NULL);
    /* the document's "source" must not appear beside the event's: with
     * duplicate keys JSON readers keep the last one */
    DT_CHECK(json_object_get(j, "code") != NULL &&
             strcmp(json_string_value(json_object_get(j, "code")), "042") == 0);
    json_t *ev = json_object_get(j, "evidence");
    DT_CHECK(json_is_object(ev));
    const char *t = json_string_value(json_object_get(ev, "text"));
    DT_CHECK(t != NULL);
    if (t) {
        DT_CHECK(strstr(t, "\"visits\" \\ Pyongyang\n\tnow\x01") != NULL);
        DT_CHECK(strstr(t, "\xef\xbf\xbd") != NULL); /* U+FFFD for the bad byte */
        DT_CHECK(strstr(t, "caf\xc3\xa9") != NULL);
    }
    json_t *ss = json_object_get(ev, "source_span");
    DT_CHECK(json_is_array(ss) && json_array_size(ss) == 2);
    DT_CHECK_INT(json_integer_value(json_array_get(ss, 0)), 10);
    DT_CHECK(json_is_null(json_object_get(ev, "target_span")));
    DT_CHECK_STR(json_string_value(json_object_get(ev, "pattern")), "- * VISIT [042]");
    DT_CHECK_STR(json_string_value(json_object_get(ev, "dict")), "verbs.txt:42");
    json_decref(j);
}

static void test_jsonl_limits(void)
{
    dt_event e = sample();
    char small[64];
    size_t len = 0;
    DT_CHECK_INT(dt_event_format_jsonl(&e, small, sizeof small, &len), DT_ELIMIT);
    DT_CHECK_INT(dt_event_format_jsonl(NULL, small, sizeof small, &len), DT_EINVAL);
    /* a date of 0 is written as null */
    e.date = 0;
    char buf[4096];
    DT_CHECK_INT(dt_event_format_jsonl(&e, buf, sizeof buf, &len), DT_OK);
    DT_CHECK(strstr(buf, "\"date\":null") != NULL);
}

static void test_tsv(void)
{
    dt_event e = sample();
    char buf[4096];
    size_t len = 0;
    DT_CHECK_INT(dt_event_format_tsv(&e, buf, sizeof buf, &len), DT_OK);
    DT_CHECK(len > 0 && buf[len - 1] == '\n');
    /* 12 columns: 11 tabs, none from the text's own tab */
    int tabs = 0;
    for (size_t i = 0; i < len; i++)
        tabs += buf[i] == '\t';
    DT_CHECK_INT(tabs, 11);
    DT_CHECK(memchr(buf, '\n', len - 1) == NULL);
    static const char head[] = "20190620\tCHNGOV\tPRK\t042\t04\t1\t1.9\tdoc-\"1\"\t3\t";
    DT_CHECK(strncmp(buf, head, sizeof head - 1) == 0);
    int htabs = 0;
    for (const char *h = dt_event_tsv_header(); *h; h++)
        htabs += *h == '\t';
    DT_CHECK_INT(htabs, 11);
    char small[16];
    DT_CHECK_INT(dt_event_format_tsv(&e, small, sizeof small, &len), DT_ELIMIT);
}

/* The writers print numbers without printf; each must read exactly as
 * printf would have printed it: the Goldstein weight as %.10g, the
 * sentence and quad as %u, in the TSV columns 6, 7 and 9. */
static void tsv_column(const char *line, int col, char *out, size_t cap)
{
    for (int c = 0; c < col; c++)
        line = strchr(line, '\t') + 1;
    size_t n = strcspn(line, "\t\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, line, n);
    out[n] = '\0';
}

static void test_numbers(void)
{
    double w[600];
    size_t nw = 0;
    for (int k = -105; k <= 105; k++)
        w[nw++] = k / 10.0;
    static const double odd[] = {-0.0,          0.25,
                                 -0.05,         1.0 / 3,
                                 0.1 + 0.2,     2.675,
                                 99999999.9,    -99999999.9,
                                 1e8,           1e8 + 0.5,
                                 123456789.5,   1e20,
                                 12345678901.5, -1e9 - 0.5,
                                 -1e-5,         1e-300,
                                 4.35,          -7.65,
                                 1234567.8,     12345678.9,
                                 0.5,           -0.5,
                                 9.999999999,   10.00000001,
                                 5e-324,        1.7976931348623157e308};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
        w[nw++] = odd[i];
    uint64_t r = 88172645463325252ull;
    while (nw < sizeof w / sizeof *w) { /* random weights with 1-3 decimals */
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        w[nw++] = (double)(int64_t)(r % 2000001 - 1000000) / (double)(10 * (1 + r % 3 * 45));
    }
    static const uint32_t sent[] = {0, 7, 9, 10, 99, 100, 65535, 4294967295u};
    dt_event e = sample();
    char buf[4096], got[64], want[64];
    size_t len = 0;
    for (size_t i = 0; i < nw; i++) {
        e.goldstein = w[i];
        e.sentence = sent[i % 8];
        e.quad = (int)(i % 5);
        DT_CHECK_INT(dt_event_format_tsv(&e, buf, sizeof buf, &len), DT_OK);
        tsv_column(buf, 6, got, sizeof got);
        snprintf(want, sizeof want, "%.10g", w[i]);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "goldstein %.17g\n", w[i]);
        DT_CHECK_STR(got, want);
        tsv_column(buf, 5, got, sizeof got);
        snprintf(want, sizeof want, "%u", (unsigned)(i % 5));
        DT_CHECK_STR(got, want);
        tsv_column(buf, 8, got, sizeof got);
        snprintf(want, sizeof want, "%u", (unsigned)sent[i % 8]);
        DT_CHECK_STR(got, want);
    }
    /* The dictionary line in JSONL: "file:line", no line when 0. */
    e.dict_line = 4294967295u;
    DT_CHECK_INT(dt_event_format_jsonl(&e, buf, sizeof buf, &len), DT_OK);
    DT_CHECK(strstr(buf, "\"dict\":\"verbs.txt:4294967295\"") != NULL);
    e.dict_line = 0;
    DT_CHECK_INT(dt_event_format_jsonl(&e, buf, sizeof buf, &len), DT_OK);
    DT_CHECK(strstr(buf, "\"dict\":\"verbs.txt\"") != NULL);
}

/* Escaping at every position of a plain run, in strings of every length
 * up to 20 plain bytes: the writer tests and copies plain bytes eight at
 * a time (the last eight overlapping the ones before), so a byte needing
 * an escape must be seen wherever it falls in the words and in short
 * strings that fill no word. */
static void test_escape_positions(void)
{
    static const char *const raw[] = {"\"",   "\\",       "\n",   "\x01",
                                      "\x7f", "\xc3\xa9", "\xff", "\xe2\x80\xa8"};
    static const char *const esc[] = {"\\\"",    "\\\\",     "\\n",     "\\u0001",
                                      "\\u007f", "\xc3\xa9", "\\ufffd", "\\u2028"};
    dt_event e = sample();
    char text[64], want[96], buf[4096];
    size_t len = 0;
    for (size_t k = 0; k < sizeof raw / sizeof *raw; k++) {
        for (size_t tot = 0; tot <= 20; tot++) {
            for (size_t i = 0; i <= tot; i++) {
                size_t rn = strlen(raw[k]);
                memset(text, 'a', i);
                memcpy(text + i, raw[k], rn);
                memset(text + i + rn, 'b', tot - i);
                e.text = (dt_str){text, tot + rn};
                DT_CHECK_INT(dt_event_format_jsonl(&e, buf, sizeof buf, &len), DT_OK);
                snprintf(want, sizeof want, "\"evidence\":{\"text\":\"%.*s%s%.*s\"", (int)i,
                         "aaaaaaaaaaaaaaaaaaaa", esc[k], (int)(tot - i), "bbbbbbbbbbbbbbbbbbbb");
                if (!strstr(buf, want))
                    fprintf(stderr, "escape %zu at %zu of %zu: %s\n", k, i, tot, buf);
                DT_CHECK(strstr(buf, want) != NULL);
            }
        }
    }
}

static void test_write_file(void)
{
    dt_event e = sample();
    FILE *f = tmpfile();
    DT_CHECK(f != NULL);
    if (!f)
        return;
    dt_error err;
    DT_CHECK_INT(dt_event_write(f, DT_EVENTS_JSONL, &e, &err), DT_OK);
    DT_CHECK_INT(dt_event_write(f, DT_EVENTS_TSV, &e, &err), DT_OK);
    DT_CHECK_INT(dt_event_write(f, 99, &e, &err), DT_EINVAL);
    /* a long sentence goes past the stack buffer and must still be written */
    size_t big = 100000;
    char *text = malloc(big);
    DT_CHECK(text != NULL);
    if (text) {
        memset(text, 'a', big);
        e.text = (dt_str){text, big};
        DT_CHECK_INT(dt_event_write(f, DT_EVENTS_JSONL, &e, &err), DT_OK);
    }
    long size = ftell(f);
    DT_CHECK(size > (long)big);
    fclose(f);
    free(text);
    DT_CHECK_INT(dt_event_format_from_name("jsonl"), DT_EVENTS_JSONL);
    DT_CHECK_INT(dt_event_format_from_name("tsv"), DT_EVENTS_TSV);
    DT_CHECK_INT(dt_event_format_from_name("xml"), -1);
}

int main(void)
{
    DT_RUN(test_jsonl_roundtrip);
    DT_RUN(test_jsonl_limits);
    DT_RUN(test_tsv);
    DT_RUN(test_numbers);
    DT_RUN(test_escape_positions);
    DT_RUN(test_write_file);
    DT_TEST_END();
}
