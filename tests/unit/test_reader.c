/* Readers: dates, JSONL, text, PETRARCH XML, gzip/zstd, and bad input.
 * Every input is written by the test itself into a fresh temp directory. */
#include "dt_test.h"

#include "detente/reader.h"
#include "io/io_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        perror(p);
        exit(1);
    }
    if (n && fwrite(data, 1, n, f) != n)
        exit(1);
    fclose(f);
    return p;
}

static const char *write_str(const char *name, const char *s)
{
    return write_file(name, s, strlen(s));
}

/* One record of a run through a reader: its return code and what we saw. */
typedef struct seen {
    int rc;
    int kind;
    char id[64];
    char text[64];
    int32_t date;
    uint64_t line;
    uint64_t repaired;    /* text: bytes replaced by '?' */
    uint64_t repair_line; /* ... and the line of the first */
    char msg[512];
} seen;

static size_t read_all(const char *path, int fmt, int32_t default_date, seen *out, size_t cap)
{
    dt_reader_opts o = {fmt, default_date, NULL};
    dt_reader *r;
    dt_error e;
    dt_error_clear(&e);
    int rc = dt_reader_open(&r, path, &o, &e);
    if (rc < 0) {
        if (cap) {
            out[0].rc = rc;
            snprintf(out[0].msg, sizeof out[0].msg, "%s", e.msg);
        }
        return 1;
    }
    dt_arena *a = dt_arena_new(0);
    size_t n = 0;
    if (!a) {
        dt_reader_free(r);
        if (cap)
            out[0].rc = DT_ENOMEM;
        return 1;
    }
    for (int guard = 0; guard < 100000; guard++) {
        dt_doc d;
        dt_error_clear(&e);
        rc = dt_reader_next(r, a, &d, &e);
        if (rc == 0)
            break;
        if (n < cap) {
            seen *s = &out[n];
            memset(s, 0, sizeof *s);
            s->rc = rc;
            if (rc == 1) {
                s->kind = d.kind;
                snprintf(s->id, sizeof s->id, "%.*s", (int)d.id.n, d.id.p);
                snprintf(s->text, sizeof s->text, "%.*s", (int)d.text.n, d.text.p);
                s->date = d.date;
                s->line = d.line;
                s->repaired = d.repaired;
                s->repair_line = d.repaired ? d.repair.line : 0;
            } else {
                s->line = e.line;
                snprintf(s->msg, sizeof s->msg, "%s", e.msg);
            }
        }
        n++;
        dt_arena_reset(a);
    }
    dt_arena_free(a);
    dt_reader_free(r);
    return n;
}

static void test_dates(void)
{
    int32_t d = 0;
    DT_CHECK_INT(dt_date_parse("2019-06-20", 10, &d), DT_OK);
    DT_CHECK_INT(d, 20190620);
    DT_CHECK_INT(dt_date_parse("20190620", 8, &d), DT_OK);
    DT_CHECK_INT(d, 20190620);
    DT_CHECK_INT(dt_date_parse("950101", 6, &d), DT_OK);
    DT_CHECK_INT(d, 19950101);
    DT_CHECK_INT(dt_date_parse("190620", 6, &d), DT_OK);
    DT_CHECK_INT(d, 20190620);
    DT_CHECK_INT(dt_date_parse("2000-02-29", 10, &d), DT_OK);
    DT_CHECK_INT(dt_date_parse("2020-02-29", 10, &d), DT_OK);
    DT_CHECK_INT(dt_date_parse("2019-06-20T08:15:00Z", 20, &d), DT_OK);
    DT_CHECK_INT(d, 20190620);
    DT_CHECK_INT(dt_date_parse("1900-02-29", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-02-29", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-02-30", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-13-01", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-04-31", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-00-10", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-01-00", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("yesterday", 9, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019-6-20", 9, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("2019/06/20", 10, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("", 0, &d), DT_EDATE);
    DT_CHECK_INT(dt_date_parse("0000-01-01", 10, &d), DT_EDATE);
    char buf[11];
    dt_date_format(20190620, buf);
    DT_CHECK_STR(buf, "2019-06-20");
    dt_date_format(19950101, buf);
    DT_CHECK_STR(buf, "1995-01-01");
    DT_CHECK_INT(dt__date_in_name("xi-2019-06-20-visit", 19), 20190620);
    DT_CHECK_INT(dt__date_in_name("afp_20190621_x", 14), 20190621);
    DT_CHECK_INT(dt__date_in_name("report-123456789", 16), 0); /* 9 digits: not a date */
    DT_CHECK_INT(dt__date_in_name("v2019-02-30", 11), 0);      /* not a calendar date */
    DT_CHECK_INT(dt__date_in_name("plain", 5), 0);
    DT_CHECK_INT(dt_input_format_from_name("petrarch-xml"), DT_INPUT_PETRARCH_XML);
    DT_CHECK_INT(dt_input_format_from_name("jsonl"), DT_INPUT_JSONL);
    DT_CHECK_INT(dt_input_format_from_name("text"), DT_INPUT_TEXT);
    DT_CHECK_INT(dt_input_format_from_name("yaml"), -1);
}

static const char jsonl_bad[] =
    "{\"id\":\"a1\",\"date\":\"2019-06-20\",\"text\":\"Xi visited Pyongyang.\","
    "\"title\":\"Visit\",\"url\":\"http://x\"}\n"                          /* 1 ok */
    "{\"id\":\"a2\",\"date\":\"2019-06-20\",\"text\":\"bad \xff byte\"}\n" /* 2 utf8 */
    "{\"id\":\"a3\",\"date\":\"2019-06-20\",\"text\":\"unterminated}\n"    /* 3 json */
    "{\"date\":\"2019-06-20\",\"text\":\"no id\"}\n"                       /* 4 */
    "{\"id\":7,\"date\":\"2019-06-20\",\"text\":\"numeric id\"}\n"         /* 5 */
    "{\"id\":\"a6\",\"date\":\"2019-06-20\"}\n"                            /* 6 no text */
    "{\"id\":\"a7\",\"date\":\"2019-02-30\",\"text\":\"x\"}\n"             /* 7 date */
    "{\"id\":\"a8\",\"date\":\"2019-13-01\",\"text\":\"x\"}\n"             /* 8 date */
    "{\"id\":\"a9\",\"date\":\"yesterday\",\"text\":\"x\"}\n"              /* 9 date */
    "\n"                                                                   /* 10 blank */
    "[1,2,3]\n"                                                            /* 11 array */
    "{\"id\":\"a12\",\"text\":\"no date given\"}\r\n"                      /* 12 ok */
    "{\"id\":\"a13\",\"date\":\"20190621\",\"text\":\"last\"}";            /* 13 ok, no \n */

static void test_jsonl_bad_records(void)
{
    const char *p = write_str("bad.jsonl", jsonl_bad);
    seen s[32];
    size_t n = read_all(p, DT_INPUT_AUTO, 20000101, s, 32);
    DT_CHECK_INT(n, 12);
    static const struct {
        int rc;
        uint64_t line;
        const char *id_or_msg;
    } want[] = {
        {1, 1, "a1"},
        {DT_EUTF8, 2, "invalid UTF-8"},
        {DT_EFORMAT, 3, "JSON syntax error"},
        {DT_EFORMAT, 4, "missing \"id\""},
        {DT_EFORMAT, 5, "\"id\" must be a string"},
        {DT_EFORMAT, 6, "missing \"text\""},
        {DT_EDATE, 7, "2019-02-30"},
        {DT_EDATE, 8, "2019-13-01"},
        {DT_EDATE, 9, "yesterday"},
        {DT_EFORMAT, 11, "not a JSON object"},
        {1, 12, "a12"},
        {1, 13, "a13"},
    };
    for (size_t i = 0; i < n && i < sizeof want / sizeof want[0]; i++) {
        DT_CHECK_INT(s[i].rc, want[i].rc);
        DT_CHECK_INT(s[i].line, want[i].line);
        if (want[i].rc == 1)
            DT_CHECK_STR(s[i].id, want[i].id_or_msg);
        else
            DT_CHECK(strstr(s[i].msg, want[i].id_or_msg) != NULL);
    }
    DT_CHECK_INT(s[0].date, 20190620);
    DT_CHECK_INT(s[10].date, 20000101); /* default date */
    DT_CHECK_INT(s[11].date, 20190621);
}

static void test_jsonl_fields(void)
{
    const char *p = write_str(
        "fields.jsonl", "\xEF\xBB\xBF{\"id\":\"k1\",\"date\":\"2019-06-20\",\"text\":\"Caf\\u00e9 "
                        "talks.\",\"title\":\"T\",\"source\":{\"name\":\"W\"}}\n");
    dt_reader *r;
    dt_error e;
    DT_CHECK_INT(dt_reader_open(&r, p, NULL, &e), DT_OK);
    DT_CHECK_INT(dt_reader_format(r), DT_INPUT_JSONL);
    dt_arena *a = dt_arena_new(0);
    dt_doc d;
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK(d.text.n == strlen("Caf\xc3\xa9 talks.") &&
             !memcmp(d.text.p, "Caf\xc3\xa9 talks.", d.text.n));
    DT_CHECK(d.extra.n > 0);
    DT_CHECK_STR(d.extra.p, "{\"title\":\"T\",\"source\":{\"name\":\"W\"}}");
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 0);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 0);
    dt_arena_free(a);
    dt_reader_free(r);
}

static void test_nul_and_empty_and_binary(void)
{
    static const char nul[] = "{\"id\":\"n1\",\"text\":\"ok\"}\n"
                              "{\"id\":\"n2\",\"text\":\"has\0nul\"}\n"
                              "{\"id\":\"n3\",\"text\":\"ok\"}\n";
    const char *p = write_file("nul.jsonl", nul, sizeof nul - 1);
    seen s[8];
    size_t n = read_all(p, DT_INPUT_AUTO, 0, s, 8);
    DT_CHECK_INT(n, 3);
    DT_CHECK_INT(s[0].rc, 1);
    DT_CHECK_INT(s[1].rc, DT_EUTF8);
    DT_CHECK_INT(s[1].line, 2);
    DT_CHECK(strstr(s[1].msg, "NUL") != NULL);
    DT_CHECK_INT(s[2].rc, 1);
    DT_CHECK_STR(s[2].id, "n3");

    p = write_str("empty.jsonl", "");
    n = read_all(p, DT_INPUT_AUTO, 0, s, 8);
    DT_CHECK_INT(n, 1);
    DT_CHECK_INT(s[0].rc, DT_EFORMAT);
    DT_CHECK(strstr(s[0].msg, "empty") != NULL);
    p = write_str("blank.jsonl", "\n  \n\n");
    n = read_all(p, DT_INPUT_JSONL, 0, s, 8);
    DT_CHECK_INT(n, 1);
    DT_CHECK_INT(s[0].rc, DT_EFORMAT);

    unsigned char bin[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof bin; i++) {
        x = x * 1103515245u + 12345u;
        bin[i] = (unsigned char)(x >> 24);
    }
    bin[0] = 0x7f; /* not '{' or '<', and not a compression magic */
    p = write_file("blob.bin", bin, sizeof bin);
    n = read_all(p, DT_INPUT_AUTO, 0, s, 8);
    DT_CHECK_INT(n, 1);
    DT_CHECK(s[0].rc == DT_EUTF8);
}

static void test_long_line(void)
{
    size_t big = DT_MAX_LINE_BYTES + 1000;
    char *buf = malloc(big + 200);
    size_t k = 0;
    const char *l1 = "{\"id\":\"before\",\"text\":\"one\"}\n";
    memcpy(buf, l1, strlen(l1));
    k += strlen(l1);
    memset(buf + k, 'x', big);
    k += big;
    buf[k++] = '\n';
    const char *l3 = "{\"id\":\"after\",\"text\":\"three\"}\n";
    memcpy(buf + k, l3, strlen(l3));
    k += strlen(l3);
    const char *p = write_file("long.jsonl", buf, k);
    free(buf);
    seen s[8];
    size_t n = read_all(p, DT_INPUT_AUTO, 0, s, 8);
    DT_CHECK_INT(n, 3);
    DT_CHECK_STR(s[0].id, "before");
    DT_CHECK_INT(s[1].rc, DT_ELIMIT);
    DT_CHECK_INT(s[1].line, 2);
    DT_CHECK_INT(s[2].rc, 1);
    DT_CHECK_STR(s[2].id, "after");
    DT_CHECK_INT(s[2].line, 3);
}

static size_t make_jsonl(char *buf, size_t cap, int nrec)
{
    size_t k = 0;
    for (int i = 0; i < nrec; i++) {
        int w = snprintf(buf + k, cap - k,
                         "{\"id\":\"d%d\",\"date\":\"2019-06-20\",\"text\":\"Record %d says "
                         "something about the talks in some detail, number %d.\"}\n",
                         i, i, i * 7919);
        k += (size_t)w;
    }
    return k;
}

static size_t gz(const char *in, size_t n, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    DT_CHECK_INT(rc, Z_STREAM_END);
    size_t m = z.total_out;
    deflateEnd(&z);
    return m;
}

static void test_compressed(void)
{
    enum { NREC = 2000 };
    size_t cap = (size_t)NREC * 200;
    char *plain = malloc(cap);
    size_t n = make_jsonl(plain, cap, NREC);
    unsigned char *zbuf = malloc(cap);
    seen *s = calloc(NREC + 8, sizeof *s);

    size_t zn = gz(plain, n, zbuf, cap);
    const char *p = write_file("docs.jsonl.gz", zbuf, zn);
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8), NREC);
    DT_CHECK_STR(s[NREC - 1].id, "d1999");

    /* Two concatenated members are one valid gzip stream. */
    memcpy(zbuf + zn, zbuf, zn);
    p = write_file("twice.jsonl.gz", zbuf, 2 * zn);
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8), 2 * NREC);

    /* Truncated: the complete records before the cut, then one DT_EIO. */
    p = write_file("cut.jsonl.gz", zbuf, zn / 2);
    size_t got = read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8);
    DT_CHECK(got > 10 && got < NREC);
    for (size_t i = 0; i + 1 < got && i < NREC; i++)
        DT_CHECK_INT(s[i].rc, 1);
    if (got > 0 && got <= NREC) {
        DT_CHECK_INT(s[got - 1].rc, DT_EIO);
        DT_CHECK(strstr(s[got - 1].msg, "truncated gzip") != NULL);
    }

    size_t zsn = ZSTD_compress(zbuf, cap, plain, n, 3);
    DT_CHECK(!ZSTD_isError(zsn));
    p = write_file("docs.jsonl.zst", zbuf, zsn);
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8), NREC);
    p = write_file("cut.jsonl.zst", zbuf, zsn * 2 / 3);
    got = read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8);
    DT_CHECK(got > 10 && got < NREC);
    if (got > 0 && got <= NREC) {
        DT_CHECK_INT(s[got - 1].rc, DT_EIO);
        DT_CHECK(strstr(s[got - 1].msg, "truncated zstd") != NULL);
    }
    /* Corrupt body (not just short): one error, no crash. */
    for (size_t i = zsn / 3; i < zsn / 3 + 64; i++)
        zbuf[i] ^= 0x5a;
    p = write_file("bad.jsonl.zst", zbuf, zsn);
    got = read_all(p, DT_INPUT_AUTO, 0, s, NREC + 8);
    DT_CHECK(got >= 1 && got <= NREC);
    if (got >= 1 && got <= NREC)
        DT_CHECK(s[got - 1].rc < 0);
    free(plain);
    free(zbuf);
    free(s);
}

static void test_text(void)
{
    const char *p =
        write_str("2019-06-20-xi-visit.txt", "Xi Jinping arrived in Pyongyang on Thursday.\n"
                                             "He met Kim Jong-un.\n");
    seen s[4];
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 20000101, s, 4), 1);
    DT_CHECK_INT(s[0].rc, 1);
    DT_CHECK_STR(s[0].id, "2019-06-20-xi-visit");
    DT_CHECK_INT(s[0].date, 20190620);
    p = write_str("undated.txt", "Sanctions were extended.");
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 20190701, s, 4), 1);
    DT_CHECK_STR(s[0].id, "undated");
    DT_CHECK_INT(s[0].date, 20190701);
    /* A text that starts with '{' is still text when the format is forced. */
    p = write_str("brace.txt", "{Officials} met in Geneva.");
    DT_CHECK_INT(read_all(p, DT_INPUT_TEXT, 0, s, 4), 1);
    DT_CHECK_INT(s[0].rc, 1);
    /* One stray byte is replaced by '?' (same length, so offsets hold) and
     * reported with its line; the document is kept. */
    p = write_str("badutf.txt", "Line one.\nLine \xc3\x28 two.\n");
    DT_CHECK_INT(read_all(p, DT_INPUT_TEXT, 0, s, 4), 1);
    DT_CHECK_INT(s[0].rc, 1);
    DT_CHECK_STR(s[0].text, "Line one.\nLine ?( two.\n");
    DT_CHECK_INT(s[0].repaired, 1);
    DT_CHECK_INT(s[0].repair_line, 2);
    /* Clean text reports nothing repaired. */
    DT_CHECK_INT(read_all(write_str("clean.txt", "Line one."), DT_INPUT_TEXT, 0, s, 4), 1);
    DT_CHECK_INT(s[0].repaired, 0);
    /* More than 1% bad bytes, or a NUL, is not text: rejected whole. */
    p = write_str("mostlybad.txt", "Line one \xff\xfe\xfd.");
    DT_CHECK_INT(read_all(p, DT_INPUT_TEXT, 0, s, 4), 1);
    DT_CHECK_INT(s[0].rc, DT_EUTF8);
    DT_CHECK_INT(s[0].line, 1);
    static const char nul_text[] = "Line one.\n\xff two\0three.";
    p = write_file("nul.txt", nul_text, sizeof nul_text - 1);
    DT_CHECK_INT(read_all(p, DT_INPUT_TEXT, 0, s, 4), 1);
    DT_CHECK(s[0].rc < 0);
    /* gzip'd text document. */
    unsigned char z[512];
    const char *t = "Kim Jong-un visited Beijing.";
    size_t zn = gz(t, strlen(t), z, sizeof z);
    p = write_file("20190108.txt.gz", z, zn);
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 0, s, 4), 1);
    DT_CHECK_INT(s[0].rc, 1);
    DT_CHECK_STR(s[0].id, "20190108");
    DT_CHECK_INT(s[0].date, 20190108);
    p = tmp_path("does-not-exist.txt");
    DT_CHECK_INT(read_all(p, DT_INPUT_AUTO, 0, s, 4), 1);
    DT_CHECK_INT(s[0].rc, DT_EIO);
}

static const char xml_small[] =
    "<?xml version=\"1.0\"?>\n"
    "<Validation>\n"
    "<!-- a comment with <Sentence> inside it -->\n"
    "<Environment>\n"
    "  <Verbfile>v.txt</Verbfile>\n"
    "  <Actorfile>a1.txt</Actorfile>\n"
    "  <Actorfile>a2.txt</Actorfile>\n"
    "  <Agentfile>ag.txt</Agentfile>\n"
    "  <Discardfile>d.txt</Discardfile>\n"
    "  <Issuefile>i.txt</Issuefile>\n"
    "  <Config option=\"stop_on_error\" value=\"True\"></Config>\n"
    "</Environment>\n"
    "<Sentences>\n"
    "<Sentence date=\"19950101\" id=\"S-1\" category=\"DEMO\">\n"
    "<EventCoding sourcecode=\"ARN\" targetcode=\"GON\" eventcode=\"064\"></EventCoding>\n"
    "<EventCoding sourcecode=\"GON\" targetcode=\"ARN\" eventcode=\"042\"/>\n"
    "<Text>\n Arnor restored ties with Gondor &amp; others.\n</Text>\n"
    "<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>\n"
    "</Sentence>\n"
    "<Config option=\"require_dyad\" value=\"false\"></Config>\n"
    "<Sentence date=\"19950230\" id=\"S-2\"><Text>bad date</Text></Sentence>\n"
    "<Sentence date=\"19950102\"><Text>no id</Text></Sentence>\n"
    "<Sentence date=\"19950102\" id=\"S-4\"><EventCoding noevents=\"True\"/></Sentence>\n"
    "<Sentence date=\"19950103\" id=\"S-5\"><EventCoding noevents = \"True\"/>"
    "<Text>Nothing.</Text></Sentence>\n"
    "<Sentence date=\"19950103\" id=\"S-6\"><EventCoding error=\"storydiscard\"/>"
    "<Text>Discard me.</Text></Sentence>\n"
    "</Sentences>\n"
    "</Validation>\n";

static void test_xml(void)
{
    const char *p = write_str("small.xml", xml_small);
    dt_reader *r;
    dt_error e;
    DT_CHECK_INT(dt_reader_open(&r, p, NULL, &e), DT_OK);
    DT_CHECK_INT(dt_reader_format(r), DT_INPUT_PETRARCH_XML);
    dt_arena *a = dt_arena_new(0);
    dt_doc d;
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK_INT(d.kind, DT_REC_ENV);
    DT_CHECK(d.verbfile.n == 5 && !memcmp(d.verbfile.p, "v.txt", 5));
    DT_CHECK_INT(d.nactorfile, 2);
    DT_CHECK(d.actorfile[1].n == 6 && !memcmp(d.actorfile[1].p, "a2.txt", 6));
    DT_CHECK(d.issuefile.n == 5 && !memcmp(d.issuefile.p, "i.txt", 5));
    DT_CHECK(d.discardfile.n == 5 && d.agentfile.n == 6);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK_INT(d.kind, DT_REC_CONFIG);
    DT_CHECK(d.option.n == 13 && !memcmp(d.option.p, "stop_on_error", 13));
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK_INT(d.kind, DT_REC_DOC);
    DT_CHECK(d.id.n == 3 && !memcmp(d.id.p, "S-1", 3));
    DT_CHECK_INT(d.date, 19950101);
    DT_CHECK_INT(d.line, 14);
    DT_CHECK_INT(d.ngold, 2);
    DT_CHECK(d.gold[0].code.n == 3 && !memcmp(d.gold[0].code.p, "064", 3));
    DT_CHECK(d.gold[1].source.n == 3 && !memcmp(d.gold[1].source.p, "GON", 3));
    DT_CHECK(d.text.n > 0 && !strcmp(d.text.p, "Arnor restored ties with Gondor & others."));
    DT_CHECK(d.parse.n > 0 && !memcmp(d.parse.p, "(ROOT", 5));
    DT_CHECK(d.category.n == 4);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK_INT(d.kind, DT_REC_CONFIG);
    DT_CHECK(d.value.n == 5 && !memcmp(d.value.p, "false", 5));
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), DT_EDATE);
    DT_CHECK_INT(e.line, 23);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), DT_EFORMAT);
    DT_CHECK_INT(e.line, 24);
    DT_CHECK(strstr(e.msg, "id") != NULL);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), DT_EFORMAT);
    DT_CHECK(strstr(e.msg, "<Text>") != NULL);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK(d.noevents == 1 && d.ngold == 0);
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 1);
    DT_CHECK(d.error_expected.n == 12 && !memcmp(d.error_expected.p, "storydiscard", 12));
    DT_CHECK_INT(dt_reader_next(r, a, &d, &e), 0);
    dt_arena_free(a);
    dt_reader_free(r);
}

static void test_xml_truncated(void)
{
    /* Cut inside the <Config> after S-1: S-1 and the first two records come
     * back, then exactly one error, then the end. */
    const char *cut = strstr(xml_small, "<Config option=\"require_dyad\"");
    size_t n = (size_t)(cut - xml_small) + 10;
    const char *p = write_file("cut.xml", xml_small, n);
    seen s[16];
    size_t got = read_all(p, DT_INPUT_AUTO, 0, s, 16);
    DT_CHECK_INT(got, 4);
    DT_CHECK_INT(s[0].kind, DT_REC_ENV);
    DT_CHECK_INT(s[1].kind, DT_REC_CONFIG);
    DT_CHECK_STR(s[2].id, "S-1");
    DT_CHECK_INT(s[3].rc, DT_EFORMAT);
    DT_CHECK(strstr(s[3].msg, "XML") != NULL);
    DT_CHECK(s[3].line > 0);

    /* Not well-formed: mismatched tag. */
    p = write_str("mismatch.xml", "<Sentences><Sentence id=\"a\" date=\"20190101\"><Text>x</Text>"
                                  "</Sentence>\n<Sentence id=\"b\"><Text>y</Txet></Sentence>"
                                  "</Sentences>\n");
    got = read_all(p, DT_INPUT_AUTO, 0, s, 16);
    DT_CHECK_INT(got, 2);
    DT_CHECK_STR(s[0].id, "a");
    DT_CHECK_INT(s[1].rc, DT_EFORMAT);
    DT_CHECK_INT(s[1].line, 2);

    /* A DOCTYPE (the door to entity expansion) is refused outright. */
    p = write_str("doctype.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n"
                                 "<Sentences><Sentence id=\"1\"><Text>&a;</Text></Sentence>"
                                 "</Sentences>\n");
    got = read_all(p, DT_INPUT_AUTO, 0, s, 16);
    DT_CHECK_INT(got, 1);
    DT_CHECK_INT(s[0].rc, DT_EFORMAT);
    DT_CHECK(strstr(s[0].msg, "DOCTYPE") != NULL);

    /* gzip'd XML, truncated in the compressed layer. */
    unsigned char z[4096];
    size_t zn = gz(xml_small, strlen(xml_small), z, sizeof z);
    p = write_file("small.xml.gz", z, zn);
    got = read_all(p, DT_INPUT_AUTO, 0, s, 16);
    DT_CHECK_INT(got, 9);
    p = write_file("cut.xml.gz", z, zn - 12);
    got = read_all(p, DT_INPUT_AUTO, 0, s, 16);
    DT_CHECK(got >= 2 && got <= 10);
    if (got >= 1 && got <= 16)
        DT_CHECK_INT(s[got - 1].rc, DT_EIO);
}

static void test_petrarch_dev(void)
{
    const char *dir = getenv("DT_SHARED_DATA");
    DT_CHECK(dir != NULL);
    if (!dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/petrarch2/PETR.UnitTest.dev.xml", dir);
    dt_reader *r;
    dt_error e;
    int rc = dt_reader_open(&r, path, NULL, &e);
    DT_CHECK_INT(rc, DT_OK);
    if (rc < 0) {
        fprintf(stderr, "cannot read %s: %s\n", path, e.msg);
        return;
    }
    dt_arena *a = dt_arena_new(0);
    size_t ndoc = 0, ncfg = 0, nenv = 0, nerr = 0, ngold = 0, nnoev = 0, nerrexp = 0;
    dt_doc d;
    while ((rc = dt_reader_next(r, a, &d, &e)) != 0) {
        if (rc < 0) {
            fprintf(stderr, "unexpected: %s:%llu: %s\n", e.file, (unsigned long long)e.line, e.msg);
            nerr++;
            continue;
        }
        if (d.kind == DT_REC_DOC) {
            if (ndoc == 0) {
                DT_CHECK(d.id.n == 7 && !memcmp(d.id.p, "DEMO-00", 7));
                DT_CHECK_INT(d.date, 19950101);
                DT_CHECK_INT(d.ngold, 1);
                DT_CHECK(d.gold[0].code.n == 3 && !memcmp(d.gold[0].code.p, "064", 3));
                DT_CHECK(d.text.n > 0 && !memcmp(d.text.p, "Arnor is about", 14));
                DT_CHECK(d.parse.n > 0 && !memcmp(d.parse.p, "(ROOT", 5));
            }
            DT_CHECK(d.date > 19000000);
            ndoc++;
            ngold += d.ngold;
            nnoev += (size_t)d.noevents;
            nerrexp += d.error_expected.n > 0;
        } else if (d.kind == DT_REC_CONFIG) {
            ncfg++;
        } else {
            nenv++;
            DT_CHECK(d.verbfile.n > 0 && !memcmp(d.verbfile.p, "PETR.Validate.verbs.txt", 23));
            DT_CHECK_INT(d.nactorfile, 1);
            DT_CHECK(d.agentfile.n > 0 && d.discardfile.n > 0);
        }
        dt_arena_reset(a);
    }
    /* Counted independently from the file (grep -c '<Sentence ' etc.). */
    DT_CHECK_INT(ndoc, 198);
    DT_CHECK_INT(ncfg, 27);
    DT_CHECK_INT(nenv, 1);
    DT_CHECK_INT(nerr, 0);
    DT_CHECK_INT(nnoev, 12);
    DT_CHECK_INT(nerrexp, 5);
    DT_CHECK_INT(ngold, 233);
    dt_arena_free(a);
    dt_reader_free(r);
}

static void test_alloc_failures(void)
{
    /* Fail each allocation in turn while reading a small JSONL and XML
     * input: every run must end cleanly with DT_ENOMEM or success. */
    /* Texts longer than jansson's initial string buffer, so it grows. */
    static const char t1[] = "Arnor restored full diplomatic ties with Gondor on Monday.";
    static const char t2[] = "Gondor police arrested a group of rebels near the border.";
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"id\":\"t1\",\"text\":\"%s\",\"title\":\"x\"}\n{\"id\":\"t2\",\"text\":\"%s\"}\n",
             t1, t2);
    const char *pj = write_str("torture.jsonl", buf);
    for (uint64_t k = 1; k < 80; k++) {
        dt_alloc_fail_after(k);
        seen s[8];
        size_t n = read_all(pj, DT_INPUT_AUTO, 0, s, 8);
        dt_alloc_fail_after(0);
        DT_CHECK(n <= 3);
        /* Each record is read whole or the run ends in DT_ENOMEM; a crash,
         * a leak (under ASan) or any other code is wrong. */
        for (size_t i = 0; i < n && i < 8; i++)
            DT_CHECK(s[i].rc == 1 || s[i].rc == DT_ENOMEM);
        /* A record that did come back is intact (no byte silently lost). */
        if (n >= 1 && s[0].rc == 1) {
            DT_CHECK_STR(s[0].id, "t1");
            DT_CHECK_STR(s[0].text, t1);
        }
        if (n >= 2 && s[1].rc == 1)
            DT_CHECK_STR(s[1].text, t2);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dt_test_reader_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    DT_RUN(test_dates);
    DT_RUN(test_jsonl_bad_records);
    DT_RUN(test_jsonl_fields);
    DT_RUN(test_nul_and_empty_and_binary);
    DT_RUN(test_long_line);
    DT_RUN(test_compressed);
    DT_RUN(test_text);
    DT_RUN(test_xml);
    DT_RUN(test_xml_truncated);
    DT_RUN(test_petrarch_dev);
    DT_RUN(test_alloc_failures);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    DT_TEST_END();
}
