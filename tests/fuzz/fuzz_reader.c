/* Fuzz target: the document readers (src/io/) through dt_reader_open /
 * dt_reader_next, on a file holding the input (see dt_fuzz_input_path).
 * Built three times with DT_FUZZ_FORMAT set to DT_INPUT_JSONL (fuzz_jsonl),
 * DT_INPUT_PETRARCH_XML (fuzz_xml) and DT_INPUT_AUTO (fuzz_stream: format
 * detection and the gzip/zstd decoders, whose magic bytes the seeds hold).
 *
 * Besides crashes it checks the reader contract of reader.h: every record
 * is valid UTF-8 text with a calendar date or none, every rejection fills
 * the error, a fatal error ends the stream, and the stream ends. */
#include "fuzz_common.h"

#include "detente/arena.h"
#include "detente/reader.h"

#include <string.h>

#ifndef DT_FUZZ_FORMAT
#define DT_FUZZ_FORMAT DT_INPUT_AUTO
#endif

/* Far more records than any input within -max_len can hold: a reader
 * still yielding after this many calls is looping. */
#define MAX_CALLS 1000000

static dt_arena *arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    arena = dt_arena_new(0);
    return 0;
}

static void check_str(dt_str s)
{
    DT_FUZZ_CHECK(s.n == 0 || s.p != NULL);
}

static void check_date(int32_t d)
{
    if (d == 0)
        return;
    int32_t m = d / 100 % 100, day = d % 100;
    DT_FUZZ_CHECK(d > 0 && d <= 99991231);
    DT_FUZZ_CHECK(m >= 1 && m <= 12 && day >= 1 && day <= 31);
    char buf[11];
    dt_date_format(d, buf);
    int32_t back = 0;
    DT_FUZZ_CHECK(dt_date_parse(buf, 10, &back) == DT_OK && back == d);
}

static void check_doc(const dt_doc *doc)
{
    DT_FUZZ_CHECK(doc->kind >= DT_REC_DOC && doc->kind <= DT_REC_ENV);
    check_str(doc->id);
    check_str(doc->text);
    check_str(doc->extra);
    check_str(doc->parse);
    check_date(doc->date);
    DT_FUZZ_CHECK(doc->ngold <= DT_MAX_GOLD);
    DT_FUZZ_CHECK(doc->nactorfile <= 8);
    if (doc->kind == DT_REC_DOC) {
        if (!dt_fuzz_utf8_ok(doc->text.p, doc->text.n))
            dt_fuzz_fail("record text is not valid UTF-8 (line %llu)",
                         (unsigned long long)doc->line);
        DT_FUZZ_CHECK(dt_fuzz_utf8_ok(doc->id.p, doc->id.n));
    }
    if (doc->extra.n)
        DT_FUZZ_CHECK(doc->extra.p[0] == '{' && doc->extra.p[doc->extra.n - 1] == '}');
    for (size_t i = 0; i < doc->ngold; i++) {
        check_str(doc->gold[i].source);
        check_str(doc->gold[i].target);
        check_str(doc->gold[i].code);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = dt_fuzz_input_path(data, size);
    if (!path || !arena)
        return 0;
    dt_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.format = DT_FUZZ_FORMAT;
    opts.default_date = 20190620;
    opts.display_name = "fuzz-input";
    dt_reader *r = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_reader_open(&r, path, &opts, &err);
    if (rc < 0) {
        DT_FUZZ_CHECK(r == NULL);
        DT_FUZZ_CHECK(err.msg[0] != '\0');
        return 0;
    }
    DT_FUZZ_CHECK(r != NULL);
    int fmt = dt_reader_format(r);
    DT_FUZZ_CHECK(fmt >= DT_INPUT_JSONL && fmt <= DT_INPUT_PETRARCH_XML);
    DT_FUZZ_CHECK(DT_FUZZ_FORMAT == DT_INPUT_AUTO || fmt == DT_FUZZ_FORMAT);
    int fatal = 0;
    for (long calls = 0;; calls++) {
        if (calls >= MAX_CALLS)
            dt_fuzz_fail("reader still yielding after %d calls", MAX_CALLS);
        dt_arena_reset(arena);
        dt_doc doc;
        memset(&doc, 0, sizeof doc);
        dt_error_clear(&err);
        rc = dt_reader_next(r, arena, &doc, &err);
        if (fatal && rc != 0)
            dt_fuzz_fail("dt_reader_next returned %d after a fatal error", rc);
        if (rc == 0)
            break;
        if (rc == 1) {
            check_doc(&doc);
            continue;
        }
        if (rc != DT_EFORMAT && rc != DT_EUTF8 && rc != DT_EDATE && rc != DT_ELIMIT &&
            rc != DT_EIO && rc != DT_ENOMEM)
            dt_fuzz_fail("dt_reader_next returned %d (%s)", rc, dt_strerror(rc));
        if (err.msg[0] == '\0')
            dt_fuzz_fail("dt_reader_next returned %d with no message", rc);
        DT_FUZZ_CHECK(err.code == rc);
        char line[1024];
        dt_error_format(&err, line, sizeof line);
        if (rc == DT_EIO || rc == DT_ENOMEM)
            fatal = 1;
    }
    dt_reader_free(r);
    return 0;
}
