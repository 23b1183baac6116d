/* detente code — read documents, code them into events, write the events.
 *
 * The driver owns the accounting promised in DESIGN.md: every input
 * document ends up counted as coded (>= 1 event), without events, or
 * rejected with a reason, and a bad record costs exactly one error line
 * ("detente: FILE:LINE: reason") while the records around it go on.
 * Exit status: 0 all good, 1 something was rejected (or bad usage),
 * 2 internal error (out of memory, write failure). */
#include "cli.h"

#include "detente/arena.h"
#include "detente/code.h"
#include "detente/common.h"
#include "detente/dict.h"
#include "detente/event.h"
#include "detente/reader.h"
#include "detente/store.h"
#include "detente/tag.h"
#include "detente/text.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACTOR_FILES 64

typedef struct code_opts {
    int input;          /* dt_input_format */
    int32_t date;       /* --date, yyyymmdd, 0 = none */
    const char *output; /* sink spec: jsonl, tsv, csv, sqlite:PATH, postgresql://... */
    const char *out_path;
    int replace; /* stores: re-code documents already stored */
    int quiet;
    const char *dict_dir;
    const char *verbs, *agents, *discards, *issues;
    const char *actors[MAX_ACTOR_FILES];
    size_t nactors;
} code_opts;

typedef struct tally {
    uint64_t read, coded, no_events, rejected, already_stored, replaced;
    uint64_t sentences, events;
    uint64_t by_code[16]; /* rejected, indexed by -DT_E* */
    int internal;         /* an internal error happened: exit 2 */
    int sink_error;       /* the output store failed: exit 1, stop */
} tally;

static void usage(FILE *f)
{
    fputs("Usage: detente code [OPTIONS] [FILE...]\n"
          "\n"
          "Read news documents (FILE..., or standard input) and write the political\n"
          "events they report (source, CAMEO action, target, date) with their evidence.\n"
          "Input may be gzip- or zstd-compressed; that is detected automatically.\n"
          "\n"
          "Input:\n"
          "  --input FORMAT     jsonl, text or petrarch-xml (default: detect from the\n"
          "                     first byte: '{' JSONL, '<' XML, otherwise text)\n"
          "  --date YYYY-MM-DD  date for documents that carry none (text files without a\n"
          "                     date in their name, JSONL records without \"date\")\n"
          "Output:\n"
          "  --output SPEC      jsonl (default), tsv, csv, sqlite:PATH or\n"
          "                     postgresql://... (a store: documents already stored\n"
          "                     with the same text are skipped, so a re-run resumes)\n"
          "  -o, --out FILE     write jsonl/tsv/csv to FILE instead of standard output\n"
          "  --replace          stores: re-code and replace documents already stored\n"
          "  -q, --quiet        no summary or progress line (errors are still printed)\n"
          "Dictionaries (default: the built-in set, dict/ in the sources):\n"
          "  --dict DIR         load the set in DIR: every *.dtx file under it\n"
          "                     (docs/dict-format.md) and its PETRARCH .txt files whose\n"
          "                     names contain verb, actor (any number), agent, discard\n"
          "                     or issue\n"
          "  --verbs FILE       verb patterns\n"
          "  --actors FILE      actors (repeatable)\n"
          "  --agents FILE      agents\n"
          "  --discards FILE    discard phrases\n"
          "  --issues FILE      issue phrases\n"
          "  -h, --help         this help\n"
          "\n"
          "At the end a summary goes to standard error:\n"
          "  detente: N documents read, N coded, N without events, N rejected; "
          "N sentences, N events\n"
          "Exit status: 0 success, 1 a document was rejected or bad usage, 2 internal error.\n",
          f);
}

static int32_t parse_date_opt(const char *s)
{
    int32_t d;
    if (dt_date_parse(s, strlen(s), &d) < 0)
        return -1;
    return d;
}

/* Returns 0 to go on, or an exit status (usage error, or 0 after --help)
 * via *stop. */
static int parse_args(int argc, char **argv, code_opts *o, char ***files, int *nfiles, int *stop)
{
    memset(o, 0, sizeof *o);
    o->input = DT_INPUT_AUTO;
    o->output = "jsonl";
    *stop = 0;
    char **f = calloc((size_t)argc + 1, sizeof *f);
    if (!f) {
        dt_cli_errorf("out of memory");
        *stop = 1;
        return DT_EXIT_INTERNAL;
    }
    int nf = 0, only_files = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_files || a[0] != '-' || !strcmp(a, "-")) {
            f[nf++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_files = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(f);
            *stop = 1;
            return DT_EXIT_OK;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
            continue;
        }
        if (!strcmp(a, "--replace")) {
            o->replace = 1;
            continue;
        }
        /* Options with a value: "--opt VALUE" or "--opt=VALUE". */
        static const char *const with_value[] = {"--input",  "--date",   "--output",   "-o",
                                                 "--out",    "--dict",   "--dict-dir", "--verbs",
                                                 "--actors", "--agents", "--discards", "--issues"};
        const char *name = NULL, *val = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t n = strlen(with_value[k]);
            if (!strncmp(a, with_value[k], n) && (a[n] == '\0' || a[n] == '=')) {
                name = with_value[k];
                if (a[n] == '=') {
                    val = a + n + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                } else {
                    dt_cli_errorf("code: option %s needs a value", name);
                    goto usage_error;
                }
                break;
            }
        }
        if (!name) {
            dt_cli_errorf("code: unknown option '%s' (see 'detente code --help')", a);
            goto usage_error;
        }
        if (!strcmp(name, "--input")) {
            o->input = dt_input_format_from_name(val);
            if (o->input < 0) {
                dt_cli_errorf("code: unknown input format '%s' (jsonl, text, petrarch-xml)", val);
                goto usage_error;
            }
        } else if (!strcmp(name, "--date")) {
            o->date = parse_date_opt(val);
            if (o->date < 0) {
                dt_cli_errorf("code: bad --date '%s' (want a real date, YYYY-MM-DD)", val);
                goto usage_error;
            }
        } else if (!strcmp(name, "--output")) {
            if (dt_sink_kind_from_spec(val) < 0) {
                dt_cli_errorf("code: unsupported output '%s' (jsonl, tsv, csv, sqlite:PATH, "
                              "postgresql://...)",
                              val);
                goto usage_error;
            }
            o->output = val;
        } else if (!strcmp(name, "-o") || !strcmp(name, "--out")) {
            o->out_path = val;
        } else if (!strcmp(name, "--dict") || !strcmp(name, "--dict-dir")) {
            o->dict_dir = val;
        } else if (!strcmp(name, "--verbs")) {
            o->verbs = val;
        } else if (!strcmp(name, "--agents")) {
            o->agents = val;
        } else if (!strcmp(name, "--discards")) {
            o->discards = val;
        } else if (!strcmp(name, "--issues")) {
            o->issues = val;
        } else if (!strcmp(name, "--actors")) {
            if (o->nactors == MAX_ACTOR_FILES) {
                dt_cli_errorf("code: more than %d --actors files", MAX_ACTOR_FILES);
                goto usage_error;
            }
            o->actors[o->nactors++] = val;
        }
    }
    int kind = dt_sink_kind_from_spec(o->output);
    if (o->out_path && (kind == DT_SINK_SQLITE || kind == DT_SINK_PG)) {
        dt_cli_errorf("code: -o FILE is for jsonl/tsv/csv; a store names itself in --output");
        goto usage_error;
    }
    *files = f;
    *nfiles = nf;
    return 0;
usage_error:
    free(f);
    *stop = 1;
    return DT_EXIT_INPUT;
}

/* ---- dictionaries --------------------------------------------------- */

/* Paths found in --dict DIR, classified by file name. The strings are
 * heap copies owned by this struct. */
typedef struct dict_set {
    char *verbs, *agents, *discards, *issues;
    char *actors[MAX_ACTOR_FILES];
    size_t nactors;
} dict_set;

static void dict_set_free(dict_set *s)
{
    free(s->verbs);
    free(s->agents);
    free(s->discards);
    free(s->issues);
    for (size_t i = 0; i < s->nactors; i++)
        free(s->actors[i]);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* A dictionary directory holds one .txt file per kind, recognised by its
 * name containing (case-insensitively, first match wins) "verb", "actor"
 * (any number of these), "agent", "discard" or "issue" — the naming
 * PETRARCH's own sets use. Entries are taken in sorted order so a run does
 * not depend on readdir order. */
static int scan_dict_dir(const char *dir, dict_set *s)
{
    memset(s, 0, sizeof *s);
    DIR *d = opendir(dir);
    if (!d) {
        dt_cli_errorf("%s: cannot open dictionary directory: %s", dir, strerror(errno));
        return DT_EXIT_INPUT;
    }
    size_t n = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    /* insertion sort: directories are small */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const char *nm = names[i];
        char **slot = NULL;
        if (!ends_with(nm, ".txt"))
            continue;
        int kind = dt_dict_kind_from_filename(nm);
        if (kind == DT_DICT_VERBS)
            slot = &s->verbs;
        else if (kind == DT_DICT_ACTORS) {
            if (s->nactors < MAX_ACTOR_FILES)
                s->actors[s->nactors++] = join_path(dir, nm);
            continue;
        } else if (kind == DT_DICT_AGENTS)
            slot = &s->agents;
        else if (kind == DT_DICT_DISCARDS)
            slot = &s->discards;
        else if (kind == DT_DICT_ISSUES)
            slot = &s->issues;
        if (!slot)
            continue;
        if (*slot) {
            dt_cli_errorf("%s: two files of one kind (%s and %s); use --verbs etc. to choose", dir,
                          *slot, nm);
            rc = DT_EXIT_INPUT;
            continue;
        }
        *slot = join_path(dir, nm);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static void report_dict_error(const dt_error *err)
{
    char buf[900];
    dt_error_format(err, buf, sizeof buf);
    if (err->code == DT_ENOMEM && !strstr(buf, "out of memory"))
        dt_cli_errorf("%s: out of memory", buf);
    else
        dt_cli_errorf("%s", buf);
}

/* Which dictionaries: named files (with --dict DIR supplying the kinds
 * not named), else the whole of --dict DIR (its .dtx files and PETRARCH
 * files, dt_dicts_load_dir), else the built-in set. *what describes the
 * choice for the run record. */
static int load_dicts(const code_opts *o, dt_dicts **out, const char **what)
{
    *out = NULL;
    dt_error err;
    dt_error_clear(&err);
    dt_dicts *d = NULL;
    int rc;
    int named = o->verbs || o->agents || o->discards || o->issues || o->nactors;
    if (!named) {
        if (o->dict_dir) {
            *what = o->dict_dir;
            rc = dt_dicts_load_dir(o->dict_dir, NULL, &d, &err);
        } else {
            *what = "built-in";
            rc = dt_dicts_load_builtin(NULL, &d, &err);
        }
    } else {
        *what = "named files";
        dict_set ds;
        memset(&ds, 0, sizeof ds);
        if (o->dict_dir) {
            rc = scan_dict_dir(o->dict_dir, &ds);
            if (rc) {
                dict_set_free(&ds);
                return rc;
            }
        }
        /* Named files override the directory's file of the same kind. */
        dt_dict_files files;
        memset(&files, 0, sizeof files);
        files.verbs = o->verbs ? o->verbs : ds.verbs;
        files.agents = o->agents ? o->agents : ds.agents;
        files.discards = o->discards ? o->discards : ds.discards;
        files.issues = o->issues ? o->issues : ds.issues;
        if (o->nactors) {
            files.actors = o->actors;
            files.nactors = o->nactors;
        } else {
            files.actors = (const char *const *)ds.actors;
            files.nactors = ds.nactors;
        }
        rc = dt_dicts_load_files(&files, NULL, &d, &err);
        dict_set_free(&ds);
    }
    if (rc < 0) {
        report_dict_error(&err);
        dt_dicts_free(d);
        return rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
    }
    if (!o->quiet) {
        size_t nerr = dt_dicts_count_severity(d, DT_DICT_SEV_ERROR);
        if (nerr)
            fprintf(stderr,
                    "detente: dictionaries: %zu malformed %s skipped "
                    "(see 'detente dict check')\n",
                    nerr, nerr == 1 ? "entry" : "entries");
    }
    *out = d;
    return 0;
}

/* ---- the per-document pipeline -------------------------------------- */

typedef struct pipeline {
    const code_opts *o;
    dt_tagger *tagger;
    dt_dicts *dicts;
    dt_coder *coder;
    dt_sink *sink;
    int store;          /* the sink is a store (sqlite, postgresql) */
    int reader_gone;    /* EPIPE on a stream output */
    int config_touched; /* a <Config> record changed coder options */
    /* The progress line (terminal only): start, last update, input size
     * (0 = unknown), bytes of finished files, offset in the current one. */
    int progress;
    double t0, last;
    uint64_t in_size, in_done, in_pos;
    tally t;
} pipeline;

static void report(const dt_error *err)
{
    char buf[900];
    if (err->file[0])
        dt_error_format(err, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s", err->msg[0] ? err->msg : dt_strerror(err->code));
    /* Say "out of memory" whatever the stage called it, so a memory failure
     * is never mistaken for bad input. */
    if (err->code == DT_ENOMEM && !strstr(buf, "out of memory"))
        dt_cli_errorf("%s: out of memory", buf);
    else
        dt_cli_errorf("%s", buf);
}

static int sink_failed(pipeline *p, const dt_error *err);

static void reject(pipeline *p, const dt_error *err, int code)
{
    report(err);
    p->t.read++;
    p->t.rejected++;
    if (p->store && !p->t.internal && !p->t.sink_error) {
        /* The store keeps the rejections with the run, for auditing. */
        char where[400];
        if (err->line)
            snprintf(where, sizeof where, "%s:%llu", err->file, (unsigned long long)err->line);
        else if (err->offset != UINT64_MAX)
            snprintf(where, sizeof where, "%s: byte %llu", err->file,
                     (unsigned long long)err->offset);
        else
            snprintf(where, sizeof where, "%s", err->file);
        dt_error serr;
        dt_error_clear(&serr);
        if (dt_sink_reject(p->sink, where, code, err->msg, &serr) < 0)
            sink_failed(p, &serr);
    }
    size_t k = (size_t)(code < 0 ? -code : 0);
    if (k < sizeof p->t.by_code / sizeof p->t.by_code[0])
        p->t.by_code[k]++;
}

/* A sink call failed: stop. A reader that went away (EPIPE on a stream)
 * ends the run quietly; a stream write error is an internal error (2); a
 * store that cannot take the data (full, read-only, schema) is a problem
 * with the named output (1). Returns -1. */
static int sink_failed(pipeline *p, const dt_error *err)
{
    if (!p->store && err->code == DT_EIO && (errno == EPIPE || strstr(err->msg, "Broken pipe"))) {
        p->reader_gone = 1;
        return -1;
    }
    report(err);
    if (p->store && err->code != DT_ENOMEM)
        p->t.sink_error = 1;
    else
        p->t.internal = 1;
    return -1;
}

/* Returns 0, or -1 on an internal error (stop everything). */
static int code_doc(pipeline *p, const char *name, dt_reader *r, dt_arena *a, const dt_doc *doc)
{
    dt_error err;
    dt_error_clear(&err);
    dt_doctext dtext;
    memset(&dtext, 0, sizeof dtext);
    int rc;
    uint64_t hash = 0;
    int changed = 0;
    if (p->store) {
        /* A store already holding this document (same id, same text) has
         * nothing to learn from coding it again: that is how an
         * interrupted run resumes. */
        hash = dt_sink_content_hash(doc->text.p, doc->text.n);
        rc = dt_sink_lookup(p->sink, doc->id, hash, &err);
        if (rc < 0)
            return sink_failed(p, &err);
        if (rc == DT_SINK_STORED && !p->o->replace) {
            p->t.read++;
            p->t.already_stored++;
            return 0;
        }
        changed = rc != DT_SINK_NEW;
    }
    /* A PETRARCH record is one sentence by definition; don't let the
     * splitter cut it at an abbreviation. */
    int one_sentence = dt_reader_format(r) == DT_INPUT_PETRARCH_XML;
    if (one_sentence) {
        rc = dt_text_analyse_sentence(a, doc->text.p, doc->text.n, &dtext, &err);
        if (rc == DT_OK)
            rc = dt_tagger_tag(p->tagger, a, &dtext, &err);
        if (rc == DT_OK)
            rc = dt_chunk_doc(p->tagger, a, &dtext, &err);
    } else {
        rc = dt_analyse(p->tagger, a, doc->text.p, doc->text.n, &dtext, &err);
    }
    if (rc < 0) {
        if (!err.file[0]) {
            /* The analysis stages know nothing of files: say where. */
            dt_error where = err;
            dt_error_set(&err, rc, name, doc->line, doc->offset, "%s", where.msg);
        }
        if (rc == DT_ENOMEM || rc == DT_EINTERNAL) {
            report(&err);
            p->t.internal = 1;
            return -1;
        }
        reject(p, &err, rc);
        return 0;
    }
    p->t.read++;
    p->t.sentences += dtext.nsent;

    dt_code_doc cdoc;
    memset(&cdoc, 0, sizeof cdoc);
    cdoc.doc_id = doc->id;
    cdoc.date = doc->date;
    cdoc.extra = doc->extra;
    if (one_sentence)
        cdoc.sentence_id = doc->id;
    dt_event *ev = NULL;
    size_t nev = 0;
    rc = dt_coder_code(p->coder, a, &dtext, &cdoc, &ev, &nev, NULL, NULL, &err);
    if (rc < 0) {
        report(&err);
        p->t.internal = 1;
        return -1;
    }
    dt_span *spans = dtext.nsent ? dt_arena_alloc(a, dtext.nsent * sizeof *spans) : NULL;
    if (dtext.nsent && !spans) {
        dt_error_set(&err, DT_ENOMEM, name, doc->line, doc->offset, "out of memory");
        report(&err);
        p->t.internal = 1;
        return -1;
    }
    for (size_t i = 0; i < dtext.nsent; i++)
        spans[i] = (dt_span){dtext.sent[i].off, dtext.sent[i].len};
    dt_sink_doc sdoc;
    memset(&sdoc, 0, sizeof sdoc);
    sdoc.id = doc->id;
    sdoc.date = doc->date;
    sdoc.text = doc->text;
    sdoc.sent = spans;
    sdoc.nsent = dtext.nsent;
    sdoc.content_hash = hash;
    sdoc.extra = doc->extra;
    errno = 0;
    rc = dt_sink_document(p->sink, &sdoc, ev, nev, &err);
    if (rc == DT_ELIMIT && !p->store) {
        /* One over-long event line is that event's problem only. */
        report(&err);
    } else if (rc < 0) {
        return sink_failed(p, &err);
    }
    if (changed)
        p->t.replaced++;
    p->t.events += nev;
    if (nev > 0)
        p->t.coded++;
    else
        p->t.no_events++;
    return 0;
}

/* PETRARCH <Config> options hold "from that point on" in their file; the
 * next file starts again from the defaults. */
static void reset_coder_options(pipeline *p)
{
    dt_coder_options d;
    dt_coder_options_default(&d);
    const struct {
        const char *name;
        int value;
    } opts[] = {{"require_dyad", d.require_dyad}, {"new_actor_length", d.new_actor_length},
                {"comma_min", d.comma_min},       {"comma_max", d.comma_max},
                {"comma_bmin", d.comma_bmin},     {"comma_bmax", d.comma_bmax},
                {"comma_emin", d.comma_emin},     {"comma_emax", d.comma_emax}};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        char v[24];
        if (!strcmp(opts[i].name, "require_dyad"))
            snprintf(v, sizeof v, "%s", opts[i].value ? "true" : "false");
        else
            snprintf(v, sizeof v, "%d", opts[i].value);
        dt_error err;
        dt_coder_set_option(p->coder, opts[i].name, v, &err);
    }
    p->config_touched = 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line: at most 4 updates a second, rewritten in place. The
 * ETA needs the input size, known for regular files; for compressed files
 * the offsets are decoded bytes, so the ETA is only shown while it makes
 * sense (offset within the file size). */
static void progress(pipeline *p, int final)
{
    if (!p->progress)
        return;
    double t = now_s();
    if (!final && t - p->last < 0.25)
        return;
    p->last = t;
    double el = t - p->t0 > 1e-6 ? t - p->t0 : 1e-6;
    char eta[64] = "";
    uint64_t done = p->in_done + p->in_pos;
    if (!final && p->in_size && done > 0 && done <= p->in_size)
        snprintf(eta, sizeof eta, ", %.0f%%, ETA %.0f s", 100.0 * (double)done / (double)p->in_size,
                 el * (double)(p->in_size - done) / (double)done);
    fprintf(stderr, "\rdetente: %llu documents, %.0f documents/s, %llu events%s\033[K",
            (unsigned long long)p->t.read, (double)p->t.read / el, (unsigned long long)p->t.events,
            eta);
    if (final)
        fputc('\n', stderr);
}

/* Read one input to the end. Returns -1 on an internal error. */
static int run_file(pipeline *p, const char *path, dt_arena *a)
{
    if (p->config_touched)
        reset_coder_options(p);
    dt_reader_opts ro = {p->o->input, p->o->date, NULL};
    dt_reader *r = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_reader_open(&r, path, &ro, &err);
    if (rc < 0) {
        if (rc == DT_ENOMEM) {
            report(&err);
            p->t.internal = 1;
            return -1;
        }
        reject(p, &err, rc); /* an unreadable file is one lost document */
        return 0;
    }
    int status = 0;
    for (;;) {
        dt_doc doc;
        dt_arena_reset(a);
        dt_error_clear(&err);
        rc = dt_reader_next(r, a, &doc, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (rc == DT_ENOMEM || rc == DT_EINTERNAL) {
                report(&err);
                p->t.internal = 1;
                status = -1;
                break;
            }
            reject(p, &err, rc);
            continue;
        }
        if (doc.kind == DT_REC_CONFIG) {
            /* PETRARCH <Config> changes coder options from here on. */
            char opt[128], val[128];
            snprintf(opt, sizeof opt, "%.*s", (int)doc.option.n, doc.option.p);
            snprintf(val, sizeof val, "%.*s", (int)doc.value.n, doc.value.p);
            rc = dt_coder_set_option(p->coder, opt, val, &err);
            p->config_touched = 1;
            if (rc < 0 && !p->o->quiet) {
                dt_cli_errorf("%s:%llu: warning: <Config option=\"%s\">: %s",
                              path ? path : "<stdin>", (unsigned long long)doc.line, opt, err.msg);
            }
            continue;
        }
        if (doc.kind != DT_REC_DOC)
            continue; /* <Environment> names dictionaries for 'validate' */
        if (code_doc(p, path ? path : "<stdin>", r, a, &doc) < 0) {
            status = -1;
            break;
        }
        p->in_pos = doc.offset;
        progress(p, 0);
    }
    dt_reader_free(r);
    p->in_pos = 0;
    struct stat st;
    if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        p->in_done += (uint64_t)st.st_size;
    return status;
}

static void summary(const pipeline *p)
{
    const tally *t = &p->t;
    /* Stores add what a resumed run skipped or replaced; the counts still
     * add up: read = coded + without events + rejected + already stored. */
    char more[96] = "";
    if (t->already_stored || t->replaced)
        snprintf(more, sizeof more, ", %llu already stored, %llu replaced",
                 (unsigned long long)t->already_stored, (unsigned long long)t->replaced);
    fprintf(stderr,
            "detente: %llu documents read, %llu coded, %llu without events, %llu rejected%s; "
            "%llu sentences, %llu events\n",
            (unsigned long long)t->read, (unsigned long long)t->coded,
            (unsigned long long)t->no_events, (unsigned long long)t->rejected, more,
            (unsigned long long)t->sentences, (unsigned long long)t->events);
    if (t->rejected) {
        fputs("detente: rejected:", stderr);
        const char *sep = " ";
        for (size_t k = 1; k < sizeof t->by_code / sizeof t->by_code[0]; k++) {
            if (!t->by_code[k])
                continue;
            fprintf(stderr, "%s%llu %s", sep, (unsigned long long)t->by_code[k],
                    dt_strerror(-(int)k));
            sep = ", ";
        }
        fputc('\n', stderr);
    }
}

/* "detente code ARGS..." for the run record; heap string, may be NULL. */
static char *join_args(int argc, char **argv)
{
    size_t n = sizeof "detente";
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    size_t k = 0;
    memcpy(s, "detente", 7);
    k = 7;
    for (int i = 0; i < argc; i++) {
        size_t m = strlen(argv[i]);
        s[k++] = ' ';
        memcpy(s + k, argv[i], m);
        k += m;
    }
    s[k] = '\0';
    return s;
}

int dt_cli_code(int argc, char **argv)
{
    /* A file size limit must end in a "write error" and exit 2, not in
     * death by SIGXFSZ with no word said. */
    signal(SIGXFSZ, SIG_IGN);
    code_opts o;
    char **files = NULL;
    int nfiles = 0, stop = 0;
    int rc = parse_args(argc, argv, &o, &files, &nfiles, &stop);
    if (stop)
        return rc;

    pipeline p;
    memset(&p, 0, sizeof p);
    p.o = &o;
    dt_arena *a = NULL;
    int exit_code = DT_EXIT_OK;

    dt_error err;
    dt_error_clear(&err);
    const char *dict_what = "";
    rc = load_dicts(&o, &p.dicts, &dict_what);
    if (rc) {
        free(files);
        return rc;
    }
    if (dt_coder_new(p.dicts, NULL, &p.coder, &err) < 0) {
        report(&err);
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    if (dt_tagger_new(&p.tagger, &err) < 0 || !(a = dt_arena_new(0))) {
        if (!err.msg[0])
            dt_error_set(&err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        report(&err);
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    /* The output: a stream (jsonl/tsv/csv, stdout or -o FILE) or a store. */
    FILE *out = stdout;
    const char *out_name = "<stdout>";
    if (o.out_path) {
        out = fopen(o.out_path, "w");
        if (!out) {
            dt_cli_errorf("%s: cannot write: %s", o.out_path, strerror(errno));
            exit_code = DT_EXIT_INPUT;
            goto done;
        }
        out_name = o.out_path;
    }
    dt_sink_opts so;
    memset(&so, 0, sizeof so);
    so.out = out;
    so.out_name = out_name;
    so.replace = o.replace;
    rc = dt_sink_open(&p.sink, o.output, &so, &err);
    if (rc < 0) {
        report(&err);
        exit_code = rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
        goto close_out;
    }
    p.store = dt_sink_kind(p.sink) == DT_SINK_SQLITE || dt_sink_kind(p.sink) == DT_SINK_PG;
    char *cmdline = join_args(argc, argv);
    char optbuf[256];
    snprintf(optbuf, sizeof optbuf, "input=%s date=%ld replace=%d", dt_input_format_name(o.input),
             (long)o.date, o.replace);
    dt_run_info run;
    memset(&run, 0, sizeof run);
    run.command_line = cmdline;
    run.dict_version = dict_what;
    run.dict_hash = dt_dicts_hash_hex(p.dicts);
    run.dict_files = dict_what;
    run.options = optbuf;
    errno = 0;
    rc = dt_sink_begin_run(p.sink, &run, &err);
    free(cmdline);
    if (rc < 0)
        sink_failed(&p, &err);

    /* Progress only for a person watching stderr, and not when the events
     * themselves go to that terminal. */
    p.progress = !o.quiet && isatty(2) && !(!p.store && out == stdout && isatty(1));
    p.t0 = p.last = now_s();
    for (int i = 0; p.progress && i < nfiles; i++) {
        struct stat st;
        if (!strcmp(files[i], "-") || stat(files[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            p.in_size = 0; /* a pipe: no ETA */
            break;
        }
        p.in_size += (uint64_t)st.st_size;
    }
    for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
        if (p.t.internal || p.t.sink_error || p.reader_gone)
            break;
        run_file(&p, nfiles ? files[i] : NULL, a);
    }
    progress(&p, 1);
    if (!p.t.internal && !p.t.sink_error && !p.reader_gone) {
        dt_run_counts c;
        memset(&c, 0, sizeof c);
        c.read = p.t.read;
        c.coded = p.t.coded;
        c.no_events = p.t.no_events;
        c.rejected = p.t.rejected;
        c.already_stored = p.t.already_stored;
        c.replaced = p.t.replaced;
        c.sentences = p.t.sentences;
        c.events = p.t.events;
        errno = 0;
        if (dt_sink_end_run(p.sink, &c, &err) < 0)
            sink_failed(&p, &err);
    }
    dt_sink_close(p.sink);
close_out:
    if (o.out_path && fclose(out) != 0 && !p.t.internal && !p.t.sink_error && exit_code == 0) {
        dt_cli_errorf("%s: write error: %s", o.out_path, strerror(errno));
        p.t.internal = 1;
    }
    if (exit_code)
        goto done;
    if (p.reader_gone) {
        /* Nobody is reading: no summary of a run cut short. */
        exit_code = p.t.internal ? DT_EXIT_INTERNAL : DT_EXIT_OK;
        goto done;
    }
    if (!o.quiet)
        summary(&p);
    exit_code = p.t.internal                     ? DT_EXIT_INTERNAL
                : p.t.sink_error || p.t.rejected ? DT_EXIT_INPUT
                                                 : DT_EXIT_OK;
done:
    dt_arena_free(a);
    dt_coder_free(p.coder);
    dt_dicts_free(p.dicts);
    dt_tagger_free(p.tagger);
    free(files);
    return exit_code;
}
