/* Fuzz target: the raw-text path of `detente code` on one document:
 * UTF-8 validation, tokenising and sentence splitting, tagging, chunking
 * and coding with the PETRARCH validation dictionaries (or the built-in
 * ones, see dt_fuzz_coder), then formatting every event as JSONL (which
 * must parse as JSON) and TSV.
 *
 * Input byte 0 picks the variant, so the corpus can reach each one:
 * bit 0: one-sentence analysis (PETRARCH records) instead of splitting;
 * bit 1: code with date 0 (undated actor codes) instead of 2019-06-20.
 * Invalid UTF-8 goes only through dt_text_analyse, which promises to
 * treat bad bytes as symbols. */
#include "fuzz_common.h"

#include "detente/arena.h"

#include <string.h>

static dt_arena *arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    arena = dt_arena_new(0);
    (void)dt_fuzz_tagger();
    (void)dt_fuzz_coder();
    return 0;
}

/* The phrase-list debug dump the coder exposes, for the first sentences. */
static void debug_phrases(const dt_coder *c, const dt_doctext *d, int32_t date)
{
    static char buf[4096];
    for (size_t s = 0; s < d->nsent && s < 3; s++) {
        size_t n = dt_coder_debug_phrases(c, arena, d, s, date, buf, sizeof buf);
        (void)n;
        DT_FUZZ_CHECK(memchr(buf, '\0', sizeof buf) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dt_tagger *tg = dt_fuzz_tagger();
    const dt_coder *c = dt_fuzz_coder();
    if (!arena || !tg || !c || size == 0)
        return 0;
    unsigned mode = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    int32_t date = (mode & 2) ? 0 : 20190620;
    dt_arena_reset(arena);
    dt_doctext d;
    memset(&d, 0, sizeof d);
    dt_error err;
    dt_error_clear(&err);
    size_t bad = 0;
    if (dt_utf8_validate(text, len, &bad) != DT_OK) {
        DT_FUZZ_CHECK(bad < len);
        int rc = dt_text_analyse(arena, text, len, &d, &err);
        if (rc == DT_OK)
            dt_fuzz_check_doctext(&d);
        else if (rc != DT_ENOMEM && rc != DT_ELIMIT)
            dt_fuzz_fail("dt_text_analyse on invalid UTF-8 returned %d", rc);
        return 0;
    }
    int rc;
    if (mode & 1) {
        rc = dt_text_analyse_sentence(arena, text, len, &d, &err);
        if (rc == DT_OK)
            rc = dt_tagger_tag(tg, arena, &d, &err);
        if (rc == DT_OK)
            rc = dt_chunk_doc(tg, arena, &d, &err);
    } else {
        rc = dt_analyse(tg, arena, text, len, &d, &err);
    }
    if (rc < 0) {
        if (rc != DT_ENOMEM && rc != DT_ELIMIT)
            dt_fuzz_fail("analysis returned %d (%s): %s", rc, dt_strerror(rc), err.msg);
        return 0;
    }
    DT_FUZZ_CHECK(d.text == text && d.len == len);
    dt_fuzz_check_doctext(&d);
    if (mode & 1)
        DT_FUZZ_CHECK(d.nsent <= 1);
    for (size_t i = 0; i < d.ntok; i++) {
        /* Folding a token's bytes again must stay in bounds. */
        char out[64];
        size_t n = dt_text_fold(text + d.tok[i].off, d.tok[i].len, out, sizeof out);
        DT_FUZZ_CHECK(n < sizeof out && out[n] == '\0');
    }
    dt_fuzz_code_doc(c, arena, &d, date);
    debug_phrases(c, &d, date);
    return 0;
}
