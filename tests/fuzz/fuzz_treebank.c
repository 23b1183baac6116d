/* Fuzz target: dt_treebank_parse (Penn Treebank brackets, as in PETRARCH
 * <Parse> elements and `detente validate --use-parse`), then, when it
 * parses, the structural invariants and coding of the tree as the
 * validate command does. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dt_tagger *tg = dt_fuzz_tagger();
    const dt_coder *c = dt_fuzz_coder();
    if (!arena || !tg || !c)
        return 0;
    const char *tree = (const char *)data;
    dt_arena_reset(arena);
    dt_doctext d;
    memset(&d, 0, sizeof d);
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_treebank_parse(tg, arena, tree, size, &d, &err);
    if (rc < 0) {
        if (rc != DT_EFORMAT && rc != DT_ENOMEM && rc != DT_ELIMIT && rc != DT_EUTF8)
            dt_fuzz_fail("dt_treebank_parse returned %d (%s)", rc, dt_strerror(rc));
        if (err.msg[0] == '\0')
            dt_fuzz_fail("dt_treebank_parse returned %d with no message", rc);
        return 0;
    }
    DT_FUZZ_CHECK(d.nsent <= 1);
    DT_FUZZ_CHECK(d.text != NULL || d.len == 0);
    dt_fuzz_check_doctext(&d);
    /* The coder works on what the reader would have validated. */
    if (dt_fuzz_utf8_ok(tree, size))
        dt_fuzz_code_doc(c, arena, &d, 20190620);
    return 0;
}
