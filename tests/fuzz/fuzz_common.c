/* detente fuzzing — shared helpers (see fuzz_common.h). */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include "detente/arena.h"
#include "detente/event.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void dt_fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz contract violated: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---------------------------------------------------------------- */
/* Input as a file                                                   */
/* ---------------------------------------------------------------- */

static int input_fd = -1;
static char input_path[64];

const char *dt_fuzz_input_path(const uint8_t *data, size_t size)
{
    if (input_fd < 0) {
        input_fd = memfd_create("dt_fuzz_input", 0);
        if (input_fd < 0) {
            /* No memfd (old kernel, seccomp): an unlinked temporary file
             * reached the same way through /proc/self/fd. */
            const char *tmp = getenv("TMPDIR");
            char tpl[512];
            snprintf(tpl, sizeof tpl, "%s/dt_fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
            input_fd = mkstemp(tpl);
            if (input_fd < 0) {
                fprintf(stderr, "fuzz: cannot make an input file: %s\n", strerror(errno));
                return NULL;
            }
            unlink(tpl);
        }
        snprintf(input_path, sizeof input_path, "/proc/self/fd/%d", input_fd);
    }
    if (ftruncate(input_fd, 0) != 0) {
        fprintf(stderr, "fuzz: ftruncate: %s\n", strerror(errno));
        return NULL;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t k = pwrite(input_fd, data + done, size - done, (off_t)done);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            fprintf(stderr, "fuzz: pwrite: %s\n", strerror(errno));
            return NULL;
        }
        done += (size_t)k;
    }
    return input_path;
}

/* ---------------------------------------------------------------- */
/* jansson's memory                                                  */
/* ---------------------------------------------------------------- */

/* jansson only checks what a target wrote, and a document of a few
 * hundred values costs it as many malloc and free calls; under ASan each
 * of those records a stack trace and goes through the quarantine, which
 * made the check most of the watch target's time. jansson is not the
 * code under test (and not instrumented), so its blocks come from one
 * bump buffer that is rewound when the last of them is freed. A request
 * that does not fit goes to malloc, and the buffer is made big enough for
 * the next document at the next rewind. */
static unsigned char *ja_buf;
static size_t ja_cap, ja_used, ja_live, ja_want;

#define JA_ALIGN 16u
#define JA_MAX ((size_t)64 << 20)

static int ja_owns(const void *p)
{
    return ja_buf && (const unsigned char *)p >= ja_buf &&
           (const unsigned char *)p < ja_buf + ja_cap;
}

static void *ja_malloc(size_t n)
{
    size_t sz = (n + JA_ALIGN - 1) & ~(size_t)(JA_ALIGN - 1);
    if (sz < n)
        return NULL;
    ja_want += sz;
    if (sz > ja_cap - ja_used)
        return malloc(n ? n : 1);
    void *p = ja_buf + ja_used;
    ja_used += sz;
    ja_live++;
    return p;
}

static void ja_free(void *p)
{
    if (!p)
        return;
    if (!ja_owns(p)) {
        free(p);
        return;
    }
    if (--ja_live)
        return;
    ja_used = 0;
    if (ja_want > ja_cap && ja_want <= JA_MAX) {
        /* The last document overflowed: room for one like it. */
        unsigned char *nb = malloc(ja_want);
        if (nb) {
            free(ja_buf);
            ja_buf = nb;
            ja_cap = ja_want;
        }
    }
    ja_want = 0;
}

void dt_fuzz_json_arena(void)
{
    if (ja_buf)
        return;
    ja_cap = (size_t)256 << 10;
    ja_buf = malloc(ja_cap);
    if (!ja_buf) {
        ja_cap = 0;
        return;
    }
    json_set_alloc_funcs(ja_malloc, ja_free);
}

/* ---------------------------------------------------------------- */
/* Tagger, dictionaries, coder                                       */
/* ---------------------------------------------------------------- */

static dt_tagger *tagger;
static int tagger_tried;

const dt_tagger *dt_fuzz_tagger(void)
{
    if (!tagger_tried) {
        tagger_tried = 1;
        dt_error err;
        dt_error_clear(&err);
        if (dt_tagger_new(&tagger, &err) < 0) {
            fprintf(stderr, "fuzz: tagger: %s\n", err.msg);
            tagger = NULL;
        }
    }
    return tagger;
}

/* Written for these tests: a few entries of each kind, using the features
 * the readers support (synsets with and without plurals, multi-word verbs,
 * $ + % ^ markers, NP/PP brackets, compound and null codes, dated actor
 * codes, agent substitutions and plurals, story discards, issue n:/~). */
static const char builtin_verbs[] =
    "&MONEY\n+DOLLAR\n+AID PACKAGE\n\n&PLACE_\n+CAPITAL\n+BORDER\n\n"
    "--- MEET [040] ---\nMEET {MET MEETING MEETS}\n+HOLD_TALKS\n- * WITH + [043]\n"
    "- $ * + IN &PLACE [044]\n- % * [---]\n\n"
    "--- VISIT [042] ---\nVISIT {VISITED VISITING VISITS}\n- * + [042]\n"
    "- + BE * BY $ [042]\n\n"
    "--- GIVE [070] ---\nGIVE {GAVE GIVEN GIVING GIVES}\n- * &MONEY TO + [071]\n"
    "- * ^ TO + [070]\n- * {AN ARMY} TO + [074]\n\n"
    "--- ACCUSE [112] ---\nACCUSE {ACCUSED ACCUSING ACCUSES}\n- * + OF (SPYING) [112]\n"
    "- * + OF_WAR_CRIMES [1122]\n\n"
    "--- SANCTION [163] ---\nSANCTION {SANCTIONED SANCTIONING SANCTIONS}\n"
    "IMPOSE_+SANCTIONS [163]\n- * ON + [163]\n- * + [020:163]\n";
static const char builtin_actors[] =
    "KOREA [KOR]\n+SEOUL\n+SOUTH_KOREA\nNORTH_KOREA [PRK]\n+PYONGYANG\n"
    "CHINA [CHN]\n+BEIJING\nUNITED_STATES [USA]\n+WASHINGTON\n"
    "KIM_JONG_UN\n\t[PRKGOV >20111217]\n\t[PRKELI 19840108-20111217]\n"
    "XI_JINPING [CHNGOV >20121115]\n\t[CHNELI <20121115]\n"
    "MOON_JAE-IN [KORGOV] # president from 2017\n";
static const char builtin_agents[] =
    "!PERSON! = MAN, MEN, WOMAN, WOMEN\n"
    "PRESIDENT [~GOV]\nPOLICE {} [~COP]\nFOREIGN_MINISTER [~GOVFRM]\n"
    "REBEL {REBELS} [REB~]\nARMY [~MIL]\nBUSINESS!PERSON! [~BUS]\n";
static const char builtin_discards[] = "+WORLD CUP\nBASEBALL_\nMONTHS LATER\n";
static const char builtin_issues[] =
    "<ISSUE CATEGORY=\"SECURITY\" TYPE=\"ALL\">\n"
    "n:missile [MISSILES]\nnuclear n:test [NUCLEAR]\n~a nuclear family\n</ISSUE>\n";

const char *dt_fuzz_builtin_dict(int kind, size_t *len)
{
    const char *s = "";
    size_t n = 0;
    switch (kind) {
    case DT_DICT_VERBS:
        s = builtin_verbs;
        n = sizeof builtin_verbs - 1;
        break;
    case DT_DICT_ACTORS:
        s = builtin_actors;
        n = sizeof builtin_actors - 1;
        break;
    case DT_DICT_AGENTS:
        s = builtin_agents;
        n = sizeof builtin_agents - 1;
        break;
    case DT_DICT_DISCARDS:
        s = builtin_discards;
        n = sizeof builtin_discards - 1;
        break;
    case DT_DICT_ISSUES:
        s = builtin_issues;
        n = sizeof builtin_issues - 1;
        break;
    default:
        break;
    }
    *len = n;
    return s;
}

static dt_dicts *dicts;
static dt_coder *coder;
static int coder_tried;

static int readable(const char *path)
{
    return access(path, R_OK) == 0;
}

static void build_coder(void)
{
    coder_tried = 1;
    dt_error err;
    dt_error_clear(&err);
    char dir[1024] = "";
    const char *e = getenv("DT_FUZZ_DICT_DIR");
    if (e && *e)
        snprintf(dir, sizeof dir, "%s", e);
    else if ((e = getenv("DT_SHARED_DATA")) && *e)
        snprintf(dir, sizeof dir, "%s/petrarch2", e);
    static const char *const names[] = {"PETR.Validate.verbs.txt", "PETR.Validate.actors.txt",
                                        "PETR.Validate.agents.txt", "PETR.Validate.discards.txt"};
    char paths[4][1200];
    int have = dir[0] != '\0';
    for (int i = 0; have && i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
        have = readable(paths[i]);
    }
    int rc;
    if (have) {
        const char *actors[1] = {paths[1]};
        dt_dict_files f = {paths[0], actors, 1, paths[2], paths[3], NULL};
        rc = dt_dicts_load_files(&f, NULL, &dicts, &err);
    } else {
        dt_dict_source src[DT_DICT__KIND_COUNT];
        memset(src, 0, sizeof src);
        for (int k = 0; k < DT_DICT__KIND_COUNT; k++) {
            src[k].kind = k;
            src[k].name = dt_dict_kind_name(k);
            src[k].data = dt_fuzz_builtin_dict(k, &src[k].len);
        }
        rc = dt_dicts_load(src, DT_DICT__KIND_COUNT, NULL, &dicts, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "fuzz: dictionaries: %s\n", err.msg);
        dt_dicts_free(dicts);
        dicts = NULL;
        return;
    }
    if (dt_coder_new(dicts, NULL, &coder, &err) < 0) {
        fprintf(stderr, "fuzz: coder: %s\n", err.msg);
        coder = NULL;
    }
}

const dt_coder *dt_fuzz_coder(void)
{
    if (!coder_tried)
        build_coder();
    return coder;
}

const dt_dicts *dt_fuzz_dicts(void)
{
    if (!coder_tried)
        build_coder();
    return dicts;
}

/* ---------------------------------------------------------------- */
/* Invariants                                                        */
/* ---------------------------------------------------------------- */

int dt_fuzz_utf8_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *z = memchr(s + i, '\0', n - i);
        size_t end = z ? (size_t)(z - s) : n;
        size_t bad;
        if (end > i && dt_utf8_validate(s + i, end - i, &bad) != DT_OK)
            return 0;
        i = end + 1;
    }
    return 1;
}

void dt_fuzz_check_doctext(const dt_doctext *d)
{
    DT_FUZZ_CHECK(d->ntok == 0 || d->tok != NULL);
    DT_FUZZ_CHECK(d->nsent == 0 || d->sent != NULL);
    DT_FUZZ_CHECK(d->nchunk == 0 || d->chunk != NULL);
    for (size_t i = 0; i < d->ntok; i++) {
        const dt_token *t = &d->tok[i];
        DT_FUZZ_CHECK((size_t)t->off + t->len <= d->len);
        DT_FUZZ_CHECK(t->norm != NULL);
        DT_FUZZ_CHECK(t->norm[t->norm_len] == '\0');
        DT_FUZZ_CHECK(i == 0 || t->off >= d->tok[i - 1].off);
        DT_FUZZ_CHECK(t->pos < DT_POS__COUNT);
        DT_FUZZ_CHECK(t->chunk < DT_CHUNK__COUNT);
    }
    for (size_t s = 0; s < d->nsent; s++) {
        const dt_sentence *st = &d->sent[s];
        DT_FUZZ_CHECK((size_t)st->off + st->len <= d->len);
        DT_FUZZ_CHECK((size_t)st->tok + st->ntok <= d->ntok);
        DT_FUZZ_CHECK((size_t)st->chunk + st->nchunk <= d->nchunk);
        DT_FUZZ_CHECK(st->main_vp == UINT32_MAX || st->main_vp < d->nchunk);
        for (uint32_t c = 0; c < st->ncons; c++) {
            const dt_constituent *k = &st->cons[c];
            DT_FUZZ_CHECK((size_t)k->first + k->n <= d->ntok);
            DT_FUZZ_CHECK(k->parent >= -1 && k->parent < (int32_t)st->ncons);
            DT_FUZZ_CHECK(memchr(k->label, '\0', sizeof k->label) != NULL);
        }
    }
    for (size_t c = 0; c < d->nchunk; c++) {
        const dt_chunk *ch = &d->chunk[c];
        DT_FUZZ_CHECK(ch->type < DT_CHUNK__COUNT);
        DT_FUZZ_CHECK((size_t)ch->first + ch->n <= d->ntok);
        DT_FUZZ_CHECK(ch->n == 0 || (ch->head >= ch->first && ch->head < ch->first + ch->n));
    }
}

static void check_span(const dt_span *s, size_t len)
{
    DT_FUZZ_CHECK(s->len == 0 || (size_t)s->off + s->len <= len);
}

/* One line of the largest size a writer may produce, plus the NUL. */
static char line_buf[DT_EVENT_MAX_LINE + 1];

void dt_fuzz_code_doc(const dt_coder *c, dt_arena *a, const dt_doctext *d, int32_t date)
{
    dt_code_doc cd;
    memset(&cd, 0, sizeof cd);
    cd.doc_id = DT_STR_LIT("fuzz\"doc\n");
    cd.date = date;
    cd.extra = DT_STR_LIT("{\"title\":\"t\"}");
    dt_event *ev = NULL;
    size_t nev = 0;
    dt_code_counts counts;
    memset(&counts, 0, sizeof counts);
    int status = -1;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_coder_code(c, a, d, &cd, &ev, &nev, &counts, &status, &err);
    if (rc < 0) {
        /* Odd input must not fail the coder; only memory may. */
        if (rc != DT_ENOMEM)
            dt_fuzz_fail("dt_coder_code returned %d (%s): %s", rc, dt_strerror(rc), err.msg);
        return;
    }
    DT_FUZZ_CHECK(nev == 0 || ev != NULL);
    DT_FUZZ_CHECK(counts.events == nev);
    DT_FUZZ_CHECK(counts.sentences <= d->nsent);
    for (size_t i = 0; i < nev; i++) {
        const dt_event *e = &ev[i];
        DT_FUZZ_CHECK(memchr(e->source, '\0', sizeof e->source) != NULL);
        DT_FUZZ_CHECK(memchr(e->target, '\0', sizeof e->target) != NULL);
        DT_FUZZ_CHECK(memchr(e->code, '\0', sizeof e->code) != NULL);
        DT_FUZZ_CHECK(memchr(e->root, '\0', sizeof e->root) != NULL);
        DT_FUZZ_CHECK(e->quad >= 0 && e->quad <= 4);
        DT_FUZZ_CHECK(e->sentence < d->nsent);
        check_span(&e->sent_span, d->len);
        check_span(&e->source_span, d->len);
        check_span(&e->verb_span, d->len);
        check_span(&e->target_span, d->len);
        size_t len = 0;
        rc = dt_event_format_jsonl(e, line_buf, sizeof line_buf, &len);
        if (rc == DT_OK) {
            DT_FUZZ_CHECK(len > 0 && line_buf[len - 1] == '\n' && line_buf[len] == '\0');
            json_error_t je;
            json_t *j = json_loadb(line_buf, len, JSON_ALLOW_NUL, &je);
            if (!j || !json_is_object(j))
                dt_fuzz_fail("event JSONL is not a JSON object (%s): %.300s", je.text, line_buf);
            json_decref(j);
        } else {
            DT_FUZZ_CHECK(rc == DT_ELIMIT);
        }
        rc = dt_event_format_tsv(e, line_buf, sizeof line_buf, &len);
        if (rc == DT_OK) {
            DT_FUZZ_CHECK(len > 0 && line_buf[len - 1] == '\n' && line_buf[len] == '\0');
            /* One record per line: no line break inside the fields. */
            DT_FUZZ_CHECK(memchr(line_buf, '\n', len - 1) == NULL);
        } else {
            DT_FUZZ_CHECK(rc == DT_ELIMIT);
        }
    }
}
