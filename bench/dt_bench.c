/* dt_bench — single-threaded timing driver for the detente pipeline.
 *
 * Reads a JSONL corpus (see gen_corpus.c) into memory, then times each
 * requested stage over all documents, one arena reset per document:
 *
 *   tokenise  UTF-8 check + dt_text_analyse (split and tokenise)
 *   tag       tokenise + dt_tagger_tag
 *   full      tokenise + dt_tagger_tag + dt_chunk_doc (raw text -> chunks)
 *   code      full + dt_coder_code with the full-size PETRARCH dictionaries
 *             (only when built with DT_BENCH_HAVE_CODER; the dictionary
 *             load and coder construction are its load time)
 *
 * File reading and JSON parsing happen before any timing and are reported
 * on their own line, so the stage figures are pure pipeline work. Each
 * stage is run --repeat times; the fastest pass is reported (the others
 * differ only by noise from the machine), with the median alongside.
 * Rates per core use the thread's CPU time; wall time is shown too.
 *
 * To add a stage (for example coding with dictionaries), write an open
 * function that loads what the stage needs (its time is reported as the
 * stage's load time), a per-document function, and a close function, and
 * add a row to `stages` below.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "detente/arena.h"
#include "detente/common.h"
#include "detente/tag.h"
#include "detente/text.h"
#ifndef DT_BENCH_HAVE_CODER
#define DT_BENCH_HAVE_CODER 0
#endif
#ifndef DT_BENCH_DICT_DIR
#define DT_BENCH_DICT_DIR "../shared/data/petrarch2"
#endif
#if DT_BENCH_HAVE_CODER
#include "detente/code.h"
#include "detente/dict.h"
#endif

/* ------------------------------------------------------------------------ */
/* Clocks. */

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set size of the process so far, in MiB. */
static double peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

/* ------------------------------------------------------------------------ */
/* The corpus, held in memory: all texts in one buffer, so that the timed
 * passes read memory in document order like a streaming reader would. */

typedef struct bench_doc {
    size_t off, len;  /* into corpus.text */
    uint32_t nominal; /* n_sent from the generator, 0 if absent */
    int32_t date;     /* yyyymmdd from "date", 0 if absent or unreadable */
} bench_doc;

typedef struct corpus {
    char *text;
    size_t text_len, text_cap;
    bench_doc *doc;
    size_t ndoc, doc_cap;
    uint64_t nominal_sent;
    size_t rejected;
} corpus;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("dt_bench: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

/* "YYYY-MM-DD" or "YYYYMMDD" -> yyyymmdd; 0 when it is neither. The
 * calendar is not checked: the date only steers actor date restrictions. */
static int32_t parse_date(const char *s)
{
    int32_t v = 0;
    int digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            v = v * 10 + (*s - '0');
            if (++digits > 8)
                return 0;
        } else if (*s != '-') {
            return 0;
        }
    }
    return digits == 8 ? v : 0;
}

static void corpus_add(corpus *c, const char *s, size_t n, uint32_t nominal, int32_t date)
{
    if (c->text_len + n + 1 > c->text_cap) {
        size_t cap = c->text_cap ? c->text_cap : (size_t)1 << 24;
        while (cap < c->text_len + n + 1)
            cap *= 2;
        c->text = xrealloc(c->text, cap);
        c->text_cap = cap;
    }
    if (c->ndoc == c->doc_cap) {
        c->doc_cap = c->doc_cap ? c->doc_cap * 2 : 4096;
        c->doc = xrealloc(c->doc, c->doc_cap * sizeof *c->doc);
    }
    memcpy(c->text + c->text_len, s, n);
    c->doc[c->ndoc].off = c->text_len;
    c->doc[c->ndoc].len = n;
    c->doc[c->ndoc].nominal = nominal;
    c->doc[c->ndoc].date = date;
    c->ndoc++;
    c->text_len += n;
    /* A NUL after each text costs nothing and helps anyone debugging. */
    c->text[c->text_len++] = '\0';
    c->nominal_sent += nominal;
}

/* Read path line by line with jansson. Lines that are not a JSON object
 * with a string "text" are counted as rejected, like the product would. */
static int corpus_load(corpus *c, const char *path, size_t limit)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "dt_bench: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t k;
    uint64_t lineno = 0;
    while ((limit == 0 || c->ndoc < limit) && (k = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (k == 0 || (k == 1 && line[0] == '\n'))
            continue;
        json_error_t jerr;
        json_t *root = json_loadb(line, (size_t)k, 0, &jerr);
        json_t *text = root ? json_object_get(root, "text") : NULL;
        if (!json_is_string(text)) {
            if (c->rejected++ < 5)
                fprintf(stderr, "dt_bench: %s:%" PRIu64 ": rejected: %s\n", path, lineno,
                        root ? "no string \"text\"" : jerr.text);
            json_decref(root);
            continue;
        }
        json_t *ns = json_object_get(root, "n_sent");
        json_int_t nominal = json_is_integer(ns) ? json_integer_value(ns) : 0;
        if (nominal < 0 || nominal > (json_int_t)UINT32_MAX)
            nominal = 0;
        json_t *date = json_object_get(root, "date");
        corpus_add(c, json_string_value(text), json_string_length(text), (uint32_t)nominal,
                   json_is_string(date) ? parse_date(json_string_value(date)) : 0);
        json_decref(root);
    }
    int bad = ferror(f);
    free(line);
    fclose(f);
    if (bad) {
        fprintf(stderr, "dt_bench: read error on %s\n", path);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Stages. */

typedef struct bench_env {
    dt_tagger *tagger;
    int validate;         /* run dt_utf8_validate first, as the reader does */
    const char *dict_dir; /* full-size dictionaries for the code stage */
    int32_t date;         /* the current document's date */
    uint64_t events;      /* events coded in the current pass */
    size_t show_split;    /* documents to print where the splitter disagrees */
#if DT_BENCH_HAVE_CODER
    dt_dicts *dicts;
    dt_coder *coder;
#endif
} bench_env;

typedef struct bench_counts {
    uint64_t sent, tok, chunk, errors, events;
} bench_counts;

typedef struct bench_stage {
    const char *name;
    const char *what;
    /* Load what the stage needs; NULL if nothing. Returns DT_OK or < 0. */
    int (*open)(bench_env *env, dt_error *err);
    /* Process one document into d. Returns DT_OK or < 0. */
    int (*doc)(bench_env *env, dt_arena *a, const char *text, size_t len, dt_doctext *d,
               dt_error *err);
    void (*close)(bench_env *env);
    /* What check_doc may expect afterwards: 0 tokens, 1 + tags, 2 + chunks. */
    int level;
    /* The step this stage adds to the one before it in `stages`. */
    const char *step;
} bench_stage;

static int tokenise_doc(bench_env *env, dt_arena *a, const char *text, size_t len, dt_doctext *d,
                        dt_error *err)
{
    if (env->validate) {
        size_t bad;
        int rc = dt_utf8_validate(text, len, &bad);
        if (rc < 0)
            return dt_error_set(err, rc, "", 0, bad, "invalid UTF-8");
    }
    return dt_text_analyse(a, text, len, d, err);
}

static int tagger_open(bench_env *env, dt_error *err)
{
    if (env->tagger)
        return DT_OK;
    return dt_tagger_new(&env->tagger, err);
}

static int tag_doc(bench_env *env, dt_arena *a, const char *text, size_t len, dt_doctext *d,
                   dt_error *err)
{
    int rc = tokenise_doc(env, a, text, len, d, err);
    if (rc < 0)
        return rc;
    return dt_tagger_tag(env->tagger, a, d, err);
}

static int full_doc(bench_env *env, dt_arena *a, const char *text, size_t len, dt_doctext *d,
                    dt_error *err)
{
    int rc = tag_doc(env, a, text, len, d, err);
    if (rc < 0)
        return rc;
    return dt_chunk_doc(env->tagger, a, d, err);
}

#if DT_BENCH_HAVE_CODER
static void collect_warning(void *ud, const dt_dict_warning *w)
{
    (void)w;
    ++*(size_t *)ud;
}

static size_t dict_warnings;

/* Load the full-size dictionaries named in the data README (PETRARCH-1
 * verb patterns, the three Phoenix actor files, agents, discards, issues),
 * and build the coder. */
static int coder_open(bench_env *env, dt_error *err)
{
    int rc = tagger_open(env, err);
    if (rc < 0 || env->coder)
        return rc;
    char verbs[4096], a1[4096], a2[4096], a3[4096], agents[4096], discards[4096], issues[4096];
    const char *dir = env->dict_dir;
    snprintf(verbs, sizeof verbs, "%s/CAMEO.verbpatterns.150430.txt", dir);
    snprintf(a1, sizeof a1, "%s/Phoenix.Countries.actors.txt", dir);
    snprintf(a2, sizeof a2, "%s/Phoenix.International.actors.txt", dir);
    snprintf(a3, sizeof a3, "%s/Phoenix.MilNonState.actors.txt", dir);
    snprintf(agents, sizeof agents, "%s/Phoenix.agents.txt", dir);
    snprintf(discards, sizeof discards, "%s/Phoenix.discards.txt", dir);
    snprintf(issues, sizeof issues, "%s/Phoenix.IssueCoding.txt", dir);
    const char *actors[3] = {a1, a2, a3};
    /* Field by field, so that new members of dt_dict_files start zeroed. */
    dt_dict_files files;
    memset(&files, 0, sizeof files);
    files.verbs = verbs;
    files.actors = actors;
    files.nactors = 3;
    files.agents = agents;
    files.discards = discards;
    files.issues = issues;
    dt_dict_options opt;
    memset(&opt, 0, sizeof opt);
    opt.on_warning = collect_warning;
    opt.ud = &dict_warnings;
    rc = dt_dicts_load_files(&files, &opt, &env->dicts, err);
    if (rc < 0)
        return rc;
    return dt_coder_new(env->dicts, NULL, &env->coder, err);
}

static int code_doc(bench_env *env, dt_arena *a, const char *text, size_t len, dt_doctext *d,
                    dt_error *err)
{
    int rc = full_doc(env, a, text, len, d, err);
    if (rc < 0)
        return rc;
    dt_code_doc cd;
    memset(&cd, 0, sizeof cd);
    cd.date = env->date;
    dt_event *ev = NULL;
    size_t nev = 0;
    rc = dt_coder_code(env->coder, a, d, &cd, &ev, &nev, NULL, NULL, err);
    env->events += nev;
    return rc;
}
#endif

static const bench_stage stages[] = {
    {"tokenise", "UTF-8 check + split + tokenise", NULL, tokenise_doc, NULL, 0, "tokenise"},
    {"tag", "tokenise + POS tags and lemmas", tagger_open, tag_doc, NULL, 1, "tag"},
    {"full", "tokenise + tag + chunk (raw text -> chunks)", tagger_open, full_doc, NULL, 2,
     "chunk"},
#if DT_BENCH_HAVE_CODER
    {"code", "full + coding with the full-size dictionaries", coder_open, code_doc, NULL, 2,
     "code"},
#endif
};
#define NSTAGES (sizeof stages / sizeof stages[0])

/* ------------------------------------------------------------------------ */
/* Checks, run outside the timed passes, so that a stub which returns
 * nothing (or garbage) cannot pass for a fast pipeline. Returns the number
 * of problems found and prints the first few. */

static size_t check_doc(const dt_doctext *d, const char *text, size_t len, int level, size_t docno,
                        size_t *printed)
{
    size_t bad = 0;
#define BAD(...)                                                                                   \
    do {                                                                                           \
        bad++;                                                                                     \
        if ((*printed)++ < 10) {                                                                   \
            fprintf(stderr, "dt_bench: check: doc %zu: ", docno);                                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)
    int has_word = 0;
    for (size_t i = 0; i < len && !has_word; i++)
        has_word = (unsigned char)text[i] > ' ';
    if (has_word && (d->ntok == 0 || d->nsent == 0))
        BAD("no tokens or sentences for a non-empty text");
    if (d->text != text || d->len != len)
        BAD("doctext does not point at the input text");
    uint32_t prev_end = 0;
    for (size_t i = 0; i < d->ntok; i++) {
        const dt_token *t = &d->tok[i];
        if ((size_t)t->off + t->len > len || t->len == 0)
            BAD("token %zu span [%" PRIu32 ",+%" PRIu32 ") out of the text", i, t->off, t->len);
        else if (t->off < prev_end &&
                 !(t->len == 1 && text[t->off] == '.' && t->off + 1 == prev_end))
            /* The one overlap allowed: a sentence-final "." that shares the
             * period of an abbreviation ("at 9 p.m." -> "p.m." "."), as
             * Penn Treebank tokenisation does. */
            BAD("token %zu '%.*s' at %" PRIu32 " overlaps the previous one '%.*s' at %" PRIu32, i,
                (int)t->len, text + t->off, t->off, (int)d->tok[i - 1].len,
                text + d->tok[i - 1].off, d->tok[i - 1].off);
        else
            prev_end = t->off + t->len;
        if (!t->norm || t->norm_len == 0)
            BAD("token %zu has no normalised form", i);
        if (level >= 1 && (t->pos == DT_POS_NONE || t->pos >= DT_POS__COUNT))
            BAD("token %zu has no POS tag", i);
        if (level >= 1 && !t->lemma)
            BAD("token %zu has no lemma", i);
    }
    size_t next_tok = 0;
    for (size_t s = 0; s < d->nsent; s++) {
        const dt_sentence *st = &d->sent[s];
        if (st->tok != next_tok || (size_t)st->tok + st->ntok > d->ntok)
            BAD("sentence %zu token range [%" PRIu32 ",+%" PRIu32 ") is not contiguous", s, st->tok,
                st->ntok);
        next_tok = (size_t)st->tok + st->ntok;
        if (level >= 2 && (size_t)st->chunk + st->nchunk > d->nchunk)
            BAD("sentence %zu chunk range out of bounds", s);
    }
    if (next_tok != d->ntok)
        BAD("sentences cover %zu of %zu tokens", next_tok, d->ntok);
    if (level >= 2) {
        if (d->ntok && d->nchunk == 0)
            BAD("no chunks");
        for (size_t i = 0; i < d->nchunk; i++) {
            const dt_chunk *c = &d->chunk[i];
            if (c->type >= DT_CHUNK__COUNT || c->n == 0 || (size_t)c->first + c->n > d->ntok ||
                c->head < c->first || c->head >= c->first + c->n)
                BAD("chunk %zu is malformed", i);
        }
    }
#undef BAD
    return bad;
}

/* FNV-1a over what the stage produced, so that two runs (or two commits)
 * can be compared for identical output at a glance. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001B3ull;
    }
    return h;
}

static uint64_t digest_doc(uint64_t h, const dt_doctext *d, int level)
{
    for (size_t i = 0; i < d->ntok; i++) {
        const dt_token *t = &d->tok[i];
        uint32_t v[4] = {t->off, t->len, level >= 1 ? t->pos : 0u, level >= 2 ? t->chunk : 0u};
        h = fnv(h, v, sizeof v);
        if (t->norm)
            h = fnv(h, t->norm, t->norm_len);
    }
    for (size_t s = 0; s < d->nsent; s++)
        h = fnv(h, &d->sent[s].ntok, sizeof d->sent[s].ntok);
    for (size_t i = 0; level >= 2 && i < d->nchunk; i++) {
        const dt_chunk *c = &d->chunk[i];
        uint32_t v[5] = {c->type, c->flags, c->first, c->n, c->head};
        h = fnv(h, v, sizeof v);
    }
    return h;
}

/* ------------------------------------------------------------------------ */

typedef struct pass_result {
    double wall, cpu;
    bench_counts n;
} pass_result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stage_result {
    const bench_stage *st;
    int ran;
    double load_s;
    pass_result best;
    double median_cpu;
    double rss_after;
    size_t arena_peak;
    size_t check_bad;
    uint64_t digest;
    size_t agree_docs; /* docs whose sentence count equals the nominal one */
    size_t shown_split;
    dt_error first_err;
    size_t first_err_doc;
} stage_result;

static int run_stage(const bench_stage *st, bench_env *env, const corpus *c, int repeat,
                     size_t check_docs, stage_result *r)
{
    dt_error err;
    dt_error_clear(&err);
    memset(r, 0, sizeof *r);
    r->st = st;
    double t0 = now_wall();
    if (st->open && st->open(env, &err) < 0) {
        char msg[1024];
        dt_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "dt_bench: %s: cannot load: %s\n", st->name, msg);
        return -1;
    }
    r->load_s = now_wall() - t0;

    dt_arena *a = dt_arena_new(0);
    if (!a) {
        fputs("dt_bench: out of memory\n", stderr);
        return -1;
    }

    /* Untimed checking pass over the first documents: correctness of the
     * output shape, a digest, and agreement with the nominal sentence
     * counts. It also warms caches and the arena, like a first pass would. */
    size_t printed = 0;
    uint64_t h = 0xCBF29CE484222325ull;
    size_t ncheck = check_docs < c->ndoc ? check_docs : c->ndoc;
    for (size_t i = 0; i < ncheck; i++) {
        const bench_doc *bd = &c->doc[i];
        dt_doctext d;
        memset(&d, 0, sizeof d);
        env->date = bd->date;
        uint64_t ev_before = env->events;
        int rc = st->doc(env, a, c->text + bd->off, bd->len, &d, &err);
        if (rc >= 0) {
            r->check_bad += check_doc(&d, c->text + bd->off, bd->len, st->level, i, &printed);
            h = digest_doc(h, &d, st->level);
            /* Stages that code add their event count per document. */
            uint64_t ev = env->events - ev_before;
            if (ev)
                h = fnv(h, &ev, sizeof ev);
            if (bd->nominal && d.nsent == bd->nominal)
                r->agree_docs++;
            else if (bd->nominal && r->shown_split < env->show_split) {
                /* Print the splitter's sentences, one a line, for a look
                 * at why it disagrees with the generator. */
                r->shown_split++;
                printf("split    %s doc %zu: generator %" PRIu32 ", splitter %zu\n", st->name, i,
                       bd->nominal, d.nsent);
                for (size_t k = 0; k < d.nsent; k++)
                    printf("  [%zu] %.*s\n", k, (int)d.sent[k].len,
                           c->text + bd->off + d.sent[k].off);
            }
        }
        dt_arena_reset(a);
    }
    r->digest = h;

    double *cpus = calloc((size_t)repeat, sizeof *cpus);
    if (!cpus) {
        dt_arena_free(a);
        return -1;
    }
    for (int p = 0; p < repeat; p++) {
        pass_result pr;
        memset(&pr, 0, sizeof pr);
        env->events = 0;
        double w0 = now_wall(), c0 = now_cpu();
        for (size_t i = 0; i < c->ndoc; i++) {
            const bench_doc *bd = &c->doc[i];
            dt_doctext d;
            memset(&d, 0, sizeof d);
            env->date = bd->date;
            int rc = st->doc(env, a, c->text + bd->off, bd->len, &d, &err);
            if (rc < 0) {
                if (pr.n.errors++ == 0 && p == 0) {
                    r->first_err = err;
                    r->first_err_doc = i;
                }
            } else {
                pr.n.sent += d.nsent;
                pr.n.tok += d.ntok;
                pr.n.chunk += d.nchunk;
            }
            /* Sample the arena before the reset: this is what one document
             * needed at most. */
            size_t res = dt_arena_reserved(a);
            if (res > r->arena_peak)
                r->arena_peak = res;
            dt_arena_reset(a);
        }
        pr.cpu = now_cpu() - c0;
        pr.wall = now_wall() - w0;
        pr.n.events = env->events;
        cpus[p] = pr.cpu;
        if (p == 0 || pr.cpu < r->best.cpu)
            r->best = pr;
    }
    qsort(cpus, (size_t)repeat, sizeof *cpus, cmp_double);
    r->median_cpu = cpus[repeat / 2];
    free(cpus);
    dt_arena_free(a);
    r->rss_after = peak_rss_mib();
    r->ran = 1;
    return 0;
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: dt_bench [options] CORPUS.jsonl\n"
          "  --stages LIST  comma-separated, from: tokenise,tag,full"
#if DT_BENCH_HAVE_CODER
          ",code"
#endif
          " (default all)\n"
          "  --dict-dir DIR full-size dictionaries for the code stage\n"
          "                 (default " DT_BENCH_DICT_DIR ")\n"
          "  --repeat N     timed passes per stage, best reported (default 3)\n"
          "  --limit N      use only the first N documents\n"
          "  --check N      documents checked for well-formed output, untimed\n"
          "                 (default 2000; 0 disables)\n"
          "  --no-validate  skip dt_utf8_validate (the reader has done it)\n"
          "  --show-split N print N checked documents whose sentence count differs\n"
          "                 from the generator's, split as the splitter did\n"
          "  --json FILE    also write the figures as JSON\n",
          f);
}

static long parse_long(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0) {
        fprintf(stderr, "dt_bench: bad %s: %s\n", what, s);
        exit(1);
    }
    return v;
}

static int want_stage(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == n && memcmp(p, name, n) == 0)
            return 1;
        p += k + (e ? 1 : 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *list = "tokenise,tag,full"
#if DT_BENCH_HAVE_CODER
                       ",code"
#endif
        ;
    const char *path = NULL, *json_path = NULL;
    int repeat = 3;
    size_t limit = 0, check_docs = 2000;
    bench_env env;
    memset(&env, 0, sizeof env);
    env.validate = 1;
    env.dict_dir = DT_BENCH_DICT_DIR;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--stages") && i + 1 < argc)
            list = argv[++i];
        else if (!strcmp(o, "--repeat") && i + 1 < argc)
            repeat = (int)parse_long(argv[++i], "--repeat");
        else if (!strcmp(o, "--limit") && i + 1 < argc)
            limit = (size_t)parse_long(argv[++i], "--limit");
        else if (!strcmp(o, "--check") && i + 1 < argc)
            check_docs = (size_t)parse_long(argv[++i], "--check");
        else if (!strcmp(o, "--dict-dir") && i + 1 < argc)
            env.dict_dir = argv[++i];
        else if (!strcmp(o, "--show-split") && i + 1 < argc)
            env.show_split = (size_t)parse_long(argv[++i], "--show-split");
        else if (!strcmp(o, "--no-validate"))
            env.validate = 0;
        else if (!strcmp(o, "--json") && i + 1 < argc)
            json_path = argv[++i];
        else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            usage(stdout);
            return 0;
        } else if (o[0] == '-' || path) {
            usage(stderr);
            return 1;
        } else
            path = o;
    }
    if (!path || repeat < 1) {
        usage(stderr);
        return 1;
    }
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        int known = 0;
        for (size_t s = 0; s < NSTAGES; s++)
            known |= strlen(stages[s].name) == k && memcmp(stages[s].name, p, k) == 0;
        if (!known) {
            fprintf(stderr, "dt_bench: unknown stage '%.*s'\n", (int)k, p);
            return 1;
        }
        p += k + (e ? 1 : 0);
    }

    corpus c;
    memset(&c, 0, sizeof c);
    double rss0 = peak_rss_mib();
    double w0 = now_wall();
    if (corpus_load(&c, path, limit) < 0)
        return 1;
    double load_s = now_wall() - w0;
    double rss_loaded = peak_rss_mib();
    double mb = (double)(c.text_len - c.ndoc) / 1e6;

    printf("corpus   %s: %zu documents, %" PRIu64 " sentences (generator count), %.1f MB of "
           "text, %zu rejected lines\n",
           path, c.ndoc, c.nominal_sent, mb, c.rejected);
    printf("reading  JSONL read + parse (jansson), not timed below: %.2f s, %.1f MB/s\n", load_s,
           load_s > 0 ? mb / load_s : 0.0);
    printf("passes   %d per stage, best by CPU time reported; %s UTF-8 validation\n\n", repeat,
           env.validate ? "with" : "without");
    printf("%-9s %8s %8s %8s %13s %8s %12s %12s %10s %10s\n", "stage", "load s", "cpu s", "wall s",
           "sent/s/core", "MB/s", "tokens/s", "sentences", "tokens", "chunks");

    stage_result res[NSTAGES];
    memset(res, 0, sizeof res);
    int failed = 0;
    for (size_t s = 0; s < NSTAGES; s++) {
        if (!want_stage(list, stages[s].name))
            continue;
        if (run_stage(&stages[s], &env, &c, repeat, check_docs, &res[s]) < 0) {
            failed = 1;
            continue;
        }
        const stage_result *r = &res[s];
        double cpu = r->best.cpu > 0 ? r->best.cpu : 1e-9;
        /* Sentences per second use the generator's count, so that a
         * splitter which over- or under-splits does not change the rate. */
        uint64_t nsent = c.nominal_sent ? c.nominal_sent : r->best.n.sent;
        printf("%-9s %8.3f %8.3f %8.3f %13.0f %8.1f %12.0f %12" PRIu64 " %10" PRIu64 " %10" PRIu64
               "\n",
               r->st->name, r->load_s, r->best.cpu, r->best.wall, (double)nsent / cpu, mb / cpu,
               (double)r->best.n.tok / cpu, r->best.n.sent, r->best.n.tok, r->best.n.chunk);
        fflush(stdout);
    }
    printf("\n");
    for (size_t s = 0; s < NSTAGES; s++) {
        const stage_result *r = &res[s];
        if (!r->ran)
            continue;
        size_t ncheck = check_docs < c.ndoc ? check_docs : c.ndoc;
        printf("%-9s median cpu %.3f s; arena peak %.0f KiB; peak RSS %.1f MiB", r->st->name,
               r->median_cpu, (double)r->arena_peak / 1024.0, r->rss_after);
        if (ncheck)
            printf("; digest %016" PRIx64 " over %zu docs; %zu check problems; splitter = "
                   "generator on %.1f%% of docs",
                   r->digest, ncheck, r->check_bad, 100.0 * (double)r->agree_docs / (double)ncheck);
        printf("\n");
        if (r->best.n.events)
            printf("%-9s %" PRIu64 " events\n", r->st->name, r->best.n.events);
        if (r->best.n.errors) {
            char msg[1024];
            dt_error_format(&r->first_err, msg, sizeof msg);
            printf("%-9s %" PRIu64 " documents failed; first: doc %zu: %s\n", r->st->name,
                   r->best.n.errors, r->first_err_doc, msg);
        }
        if (r->check_bad)
            failed = 1;
    }
    const stage_result *tk = &res[0];
    for (size_t s = 2; s < NSTAGES; s++)
        if (tk->ran && res[s].ran && tk->best.cpu > 0)
            printf("ratio    %s / tokenise CPU time: %.2f\n", res[s].st->name,
                   res[s].best.cpu / tk->best.cpu);
    /* Each stage is the previous one plus one step, so the differences are
     * what each step costs; shown per token, the unit that does not depend
     * on sentence length. */
    if (tk->ran && tk->best.n.tok)
        printf("step     %-8s  %.3f s CPU, %.1f ns per token\n", tk->st->step, tk->best.cpu,
               1e9 * tk->best.cpu / (double)tk->best.n.tok);
    for (size_t s = 1; s < NSTAGES; s++)
        if (res[s - 1].ran && res[s].ran && res[s].best.n.tok)
            printf("step     %-8s +%.3f s CPU, %.1f ns per token\n", res[s].st->step,
                   res[s].best.cpu - res[s - 1].best.cpu,
                   1e9 * (res[s].best.cpu - res[s - 1].best.cpu) / (double)res[s].best.n.tok);
#if DT_BENCH_HAVE_CODER
    if (env.dicts) {
        dt_dict_stats ds;
        dt_dicts_stats(env.dicts, &ds);
        printf("dicts    %s: %zu verb patterns, %zu actors, %zu agents, %zu words; %zu "
               "warnings; loaded in %.0f ms, %.1f MiB compiled\n",
               env.dict_dir, ds.patterns, ds.actors, ds.agents, ds.words, dict_warnings, ds.load_ms,
               (double)ds.memory / 1048576.0);
    }
#endif
    printf("memory   peak RSS: %.1f MiB at start, %.1f MiB after loading the corpus, %.1f MiB "
           "at the end (the preloaded corpus is included)\n",
           rss0, rss_loaded, peak_rss_mib());

    if (json_path) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:f, s:f, s:f, s:i}", "corpus", path, "documents",
                              (json_int_t)c.ndoc, "sentences", (json_int_t)c.nominal_sent, "mb", mb,
                              "read_s", load_s, "rss_loaded_mib", rss_loaded, "repeat", repeat);
        json_t *arr = json_array();
        for (size_t s = 0; o && arr && s < NSTAGES; s++) {
            const stage_result *r = &res[s];
            if (!r->ran)
                continue;
            double cpu = r->best.cpu > 0 ? r->best.cpu : 1e-9;
            uint64_t nsent = c.nominal_sent ? c.nominal_sent : r->best.n.sent;
            char dg[17];
            snprintf(dg, sizeof dg, "%016" PRIx64, r->digest);
            json_array_append_new(
                arr,
                json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:I, "
                          "s:I, s:f, s:s, s:I}",
                          "stage", r->st->name, "load_s", r->load_s, "cpu_s", r->best.cpu, "wall_s",
                          r->best.wall, "median_cpu_s", r->median_cpu, "sent_per_s_core",
                          (double)nsent / cpu, "mb_per_s", mb / cpu, "tokens_per_s",
                          (double)r->best.n.tok / cpu, "splitter_sentences",
                          (json_int_t)r->best.n.sent, "tokens", (json_int_t)r->best.n.tok, "chunks",
                          (json_int_t)r->best.n.chunk, "events", (json_int_t)r->best.n.events,
                          "errors", (json_int_t)r->best.n.errors, "peak_rss_mib", r->rss_after,
                          "digest", dg, "check_problems", (json_int_t)r->check_bad));
        }
        if (o && arr) {
            json_object_set_new(o, "stages", arr);
            json_object_set_new(o, "peak_rss_mib", json_real(peak_rss_mib()));
            if (json_dump_file(o, json_path, JSON_INDENT(2)) != 0) {
                fprintf(stderr, "dt_bench: cannot write %s\n", json_path);
                failed = 1;
            }
        }
        json_decref(o);
    }

#if DT_BENCH_HAVE_CODER
    dt_coder_free(env.coder);
    dt_dicts_free(env.dicts);
#endif
    if (env.tagger)
        dt_tagger_free(env.tagger);
    free(c.text);
    free(c.doc);
    return failed ? 2 : 0;
}
