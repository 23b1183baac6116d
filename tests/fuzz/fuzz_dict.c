/* Fuzz target: one dictionary format, read from memory
 * (dt_dict_source.data). Built once per kind with DT_FUZZ_DICT set to
 * DT_DICT_VERBS, _ACTORS, _AGENTS, _DISCARDS, _ISSUES (fuzz_verbs ...
 * fuzz_issues) or DT_DICT_OWN (fuzz_own: detente's .dtx format). A load
 * that succeeds may also be compiled into a coder and used on one of a
 * few fixed sentences: a fuzzed dictionary must not break the coder either.
 *
 * Input byte 0: bit 0 sets strict mode (warnings fail the load); bit 1
 * loads the built-in dictionaries of the other kinds beside the input
 * (without it the input is loaded alone, which is several times faster);
 * bits 2-3 (value 1, 2 or 3) build the coder and code fixed sentence 1, 2
 * or 3 with it, and 0 stops after the load. Building the coder and coding
 * all three sentences took half of an input's time; the sentences are
 * coded independently, so letting the input choose one keeps every
 * (dictionary, sentence) pair reachable. */
#include "fuzz_common.h"

#include "detente/arena.h"
#include "dict/dict_impl.h" /* dt__dict_check */

#include <string.h>

#ifndef DT_FUZZ_DICT
#define DT_FUZZ_DICT DT_DICT_VERBS
#endif

static dt_arena *arena;
static dt_arena *keep; /* the fixed sentences, for the whole run */
static dt_doctext sents[3];
static const char *const sent_text[3] = {
    ("Kim Jong-un met Xi Jinping in Pyongyang on Thursday, and the Chinese president "
     "gave an aid package to North Korea."),
    "South Korean police accused rebels of spying, the foreign minister said.",
    "The United States imposed sanctions on North Korea after a nuclear missile test."};
static int nwarn_seen;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The sentences are analysed once, into an arena that lives for the
     * whole run; the coder takes a second one per input. */
    keep = dt_arena_new(0);
    arena = dt_arena_new(0);
    dt_fuzz_json_arena(); /* each event's JSONL is parsed back */
    const dt_tagger *tg = dt_fuzz_tagger();
    if (!keep || !arena || !tg)
        return 0;
    for (int i = 0; i < 3; i++) {
        dt_error err;
        if (dt_analyse(tg, keep, sent_text[i], strlen(sent_text[i]), &sents[i], &err) < 0)
            memset(&sents[i], 0, sizeof sents[i]);
    }
    return 0;
}

static void on_warning(void *ud, const dt_dict_warning *w)
{
    (void)ud;
    DT_FUZZ_CHECK(w->msg != NULL && w->file != NULL);
    DT_FUZZ_CHECK(w->severity >= DT_DICT_SEV_NOTE && w->severity <= DT_DICT_SEV_ERROR);
    DT_FUZZ_CHECK(w->kind >= DT_DICTW_SYNTAX && w->kind <= DT_DICTW_IO);
    nwarn_seen++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!arena || size == 0)
        return 0;
    /* The input alone by default: loading and compiling the other kinds
     * costs more than parsing a short input, so doing it for every input
     * would cut the rate several times over. Bit 1 of byte 0 adds the
     * built-in dictionaries of the other PETRARCH kinds, so the corpus
     * also holds inputs that code the fixed sentences with actors, agents
     * and verbs. */
    dt_dict_source src[DT_DICT__KIND_COUNT + 1];
    memset(src, 0, sizeof src);
    size_t n = 0;
    src[n].kind = DT_FUZZ_DICT;
    src[n].name = "fuzz-input";
    src[n].data = (const char *)data + 1;
    src[n].len = size - 1;
    n++;
    for (int k = 0; (data[0] & 2) && k < DT_DICT__KIND_COUNT; k++) {
        if (k == DT_FUZZ_DICT)
            continue;
        src[n].kind = k;
        src[n].name = dt_dict_kind_name(k);
        src[n].data = dt_fuzz_builtin_dict(k, &src[n].len);
        n++;
    }
    dt_dict_options opt;
    memset(&opt, 0, sizeof opt);
    opt.strict = data[0] & 1;
    opt.on_warning = on_warning;
    opt.max_warnings = 64;
    /* Expansion is bounded at 4,096 phrases a load, not the default
     * 262,144: the same code and the same error at the bound, but an input
     * that reaches it (a few synsets combined, a line of v: parts) costs
     * a few milliseconds instead of a second under the sanitizers, and the
     * corpora filled with such inputs (docs/robustness.md). The default
     * bound is tested by unit.test_dict (test_generated_bound). */
    opt.max_generated = 4096;
    nwarn_seen = 0;
    dt_dicts *d = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_dicts_load(src, n, &opt, &d, &err);
    /* What the matchers and the coder rely on (word counts, word ids,
     * every index between the arrays) holds for whatever was loaded, the
     * dicts a strict load hands back included. */
    char why[200];
    if (d && dt__dict_check(d, why, sizeof why))
        dt_fuzz_fail("loaded dictionaries break an invariant: %s", why);
    if (rc < 0) {
        if (rc != DT_EFORMAT && rc != DT_ENOMEM && rc != DT_ELIMIT)
            dt_fuzz_fail("dt_dicts_load returned %d (%s): %s", rc, dt_strerror(rc), err.msg);
        if (err.msg[0] == '\0')
            dt_fuzz_fail("dt_dicts_load returned %d with no message", rc);
        if (rc == DT_EFORMAT)
            DT_FUZZ_CHECK(opt.strict && d != NULL);
        dt_dicts_free(d);
        return 0;
    }
    DT_FUZZ_CHECK(d != NULL);
    size_t nw = dt_dicts_nwarnings(d);
    DT_FUZZ_CHECK(nw <= opt.max_warnings && nw <= (size_t)nwarn_seen);
    for (size_t i = 0; i < nw; i++) {
        const dt_dict_warning *w = dt_dicts_warning(d, i);
        DT_FUZZ_CHECK(w != NULL && w->msg != NULL);
    }
    dt_dict_stats st;
    dt_dicts_stats(d, &st);
    DT_FUZZ_CHECK(st.warnings == (size_t)nwarn_seen);
    (void)dt_dicts_hash_hex(d);
    /* Every interned word maps back to its id. */
    uint32_t nwords = dt_dict_nwords(d);
    for (uint32_t id = 1; id < nwords && id < 4096; id++) {
        const char *w = dt_dict_word(d, id);
        DT_FUZZ_CHECK(dt_dict_word_id(d, w, strlen(w)) == id);
    }
    int sent = (data[0] >> 2) & 3; /* 0: no coder; else the sentence, from 1 */
    dt_coder *c = NULL;
    rc = sent ? dt_coder_new(d, NULL, &c, &err) : DT_OK;
    if (rc < 0) {
        if (rc != DT_ENOMEM)
            dt_fuzz_fail("dt_coder_new returned %d (%s): %s", rc, dt_strerror(rc), err.msg);
    } else if (c) {
        int i = sent - 1;
        if (sents[i].ntok) {
            dt_arena_reset(arena);
            dt_fuzz_code_doc(c, arena, &sents[i], i == 2 ? 0 : 20190620);
        }
        dt_coder_free(c);
    }
    dt_dicts_free(d);
    return 0;
}
