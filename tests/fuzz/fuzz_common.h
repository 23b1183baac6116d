/* detente fuzzing — helpers shared by the libFuzzer targets and the replay
 * driver (tests/fuzz/replay_main.c).
 *
 * Every target defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize). The same object file is linked either with
 * libFuzzer (-fsanitize=fuzzer, DT_FUZZ=ON) or with replay_main.c, which
 * runs each file of a corpus through it once; so the normal test suite,
 * and its ASan+UBSan build, replay every corpus.
 *
 * A broken contract (not just a crash) is reported with dt_fuzz_fail(),
 * which prints the reason and aborts, so libFuzzer records the input.
 */
#ifndef DT_FUZZ_COMMON_H
#define DT_FUZZ_COMMON_H

#include "detente/code.h"
#include "detente/common.h"
#include "detente/dict.h"
#include "detente/tag.h"
#include "detente/text.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Print "fuzz contract violated: ..." to stderr and abort(). */
void dt_fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

#define DT_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            dt_fuzz_fail("%s:%d: %s", __FILE__, __LINE__, #cond);                                  \
    } while (0)

/* The document readers only read paths (or stdin), so the input is put in
 * an in-memory file (memfd_create; a deleted temporary file if memfd is not
 * available) that is rewritten for each input and opened again through
 * /proc/self/fd/N. Returns that path (static storage), or NULL (message
 * printed) if no such file can be made. */
const char *dt_fuzz_input_path(const uint8_t *data, size_t size);

/* Serve jansson's allocations from one buffer that is rewound when the
 * last of them is freed (instead of one ASan-tracked malloc each); call
 * once, before the first jansson call. */
void dt_fuzz_json_arena(void);

/* The process-wide tagger (built once; NULL if it cannot be built). */
const dt_tagger *dt_fuzz_tagger(void);

/* Small dictionaries written for these tests (nothing copied from other
 * projects), one per kind, for the kinds that are not being fuzzed. */
const char *dt_fuzz_builtin_dict(int kind, size_t *len);

/* The process-wide dictionaries and coder for the text and treebank
 * targets: the PETRARCH validation dictionaries when
 * $DT_FUZZ_DICT_DIR (or $DT_SHARED_DATA/petrarch2) holds them, otherwise
 * the built-in ones above. Built once; NULL if loading fails. */
const dt_coder *dt_fuzz_coder(void);
const dt_dicts *dt_fuzz_dicts(void);

/* Check the structural invariants of an analysed document (spans inside
 * the text, token/sentence/chunk ranges consistent, norms terminated);
 * dt_fuzz_fail() on a violation. */
void dt_fuzz_check_doctext(const dt_doctext *d);

/* Code d with c, format every event as JSONL and TSV and check the
 * result; dt_fuzz_fail() on a contract violation. */
void dt_fuzz_code_doc(const dt_coder *c, dt_arena *a, const dt_doctext *d, int32_t date);

/* Check that s[0..n) is valid UTF-8 apart from NUL bytes (which JSON
 * "\u0000" can legitimately produce). */
int dt_fuzz_utf8_ok(const char *s, size_t n);

#endif
