/* detente code — read documents, code them into events, write the events.
 *
 * The driver owns the accounting promised in DESIGN.md: every input
 * document ends up counted as coded (>= 1 event), without events, or
 * rejected with a reason, and a bad record costs exactly one error line
 * ("detente: FILE:LINE: reason") while the records around it go on.
 * Exit status: 0 all good, 1 something was rejected, bad usage or a store
 * that cannot be used (cannot open, read-only, foreign, newer schema), 2
 * internal error (out of memory, a write failure on the output or the store
 * once the run has begun). */
#include "cli.h"
#include "code_shard.h"

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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACTOR_FILES 64
#define MAX_THREADS 256

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
    int threads; /* --threads, >= 1 */
    int threads_given;
    int unordered;               /* write documents as they are done */
    int mpi;                     /* --mpi: this process is one rank of an MPI job */
    int shard_rank, shard_count; /* --shard R/N; count 0 = none */
    /* Coder options from the command line; -1 / AGENT_COUNTRY_UNSET: the
     * coder's default. */
    int source_only, modality, agent_country;
} code_opts;

#define AGENT_COUNTRY_UNSET (-2)

typedef struct tally {
    uint64_t read, coded, no_events, rejected, already_stored, replaced;
    uint64_t sentences, events;
    uint64_t repaired;    /* text documents kept with bad bytes replaced: exit 1 */
    uint64_t too_long;    /* sentences over DT_CODE_MAX_TOKENS, not coded */
    uint64_t by_code[16]; /* rejected, indexed by -DT_E* */
    int internal;         /* an internal error happened: exit 2 */
    int sink_error;       /* the output store failed: stop; exit 1 if it failed before
                             the run began (an unusable store is a usage error) */
    int sink_midrun;      /* it failed after the run began: an I/O failure mid-run,
                             exit 2 like a write error on stdout */
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
          "Coding:\n"
          "  --source-only      also code actions that act on no one (roots 01, 14, 15,\n"
          "                     patterns without a target marker) when no target is found\n"
          "  --modality         a negated verb (\"did not attack\") or one with may, might\n"
          "                     or could codes nothing\n"
          "  --agent-country on|off|auto\n"
          "                     an agent without a country (---GOV) takes the country of\n"
          "                     the nearest other coded actor of the sentence (default\n"
          "                     auto: on when every dictionary is a .dtx file)\n"
          "Speed:\n"
          "  --threads N        coding threads (default: the number of cores); the output\n"
          "                     is the same for every N\n"
          "  --unordered        write documents as they are done, not in input order\n"
          "  --mpi              run as one rank of an MPI job (mpirun -np N detente code\n"
          "                     --mpi ...): the ranks share out the files (and large\n"
          "                     JSONL files by lines); each writes FILE.partNNNN (-o\n"
          "                     FILE) or PATH.partNNNN (sqlite:PATH); rank 0 prints\n"
          "                     the summary of the whole job (docs/scaling.md)\n"
          "  --shard R/N        code only shard R of N, as rank R of an N-rank --mpi job\n"
          "                     would (to re-run a failed rank, without MPI)\n"
          "  -h, --help         this help\n"
          "\n"
          "At the end a summary goes to standard error:\n"
          "  detente: N documents read, N coded, N without events, N rejected; "
          "N sentences, N events\n"
          "Exit status: 0 success, 1 a document was rejected, bad usage or an unusable\n"
          "store, 2 internal error (out of memory; a write failure mid-run).\n",
          f);
}

/* The number of cores this process may run on. */
static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > MAX_THREADS ? MAX_THREADS : (int)n;
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
    o->threads = default_threads();
    o->source_only = -1;
    o->modality = -1;
    o->agent_country = AGENT_COUNTRY_UNSET;
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
        if (!strcmp(a, "--unordered")) {
            o->unordered = 1;
            continue;
        }
        if (!strcmp(a, "--mpi")) {
            o->mpi = 1;
            continue;
        }
        if (!strcmp(a, "--source-only")) {
            o->source_only = 1;
            continue;
        }
        if (!strcmp(a, "--modality")) {
            o->modality = 1;
            continue;
        }
        /* Options with a value: "--opt VALUE" or "--opt=VALUE". */
        static const char *const with_value[] = {
            "--input",    "--date",          "--output", "-o",       "--out",      "--dict",
            "--dict-dir", "--verbs",         "--actors", "--agents", "--discards", "--issues",
            "--threads",  "--agent-country", "--shard"};
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
        } else if (!strcmp(name, "--threads")) {
            char *end = NULL;
            errno = 0;
            long n = strtol(val, &end, 10);
            if (errno || end == val || *end || n < 1 || n > MAX_THREADS) {
                dt_cli_errorf("code: bad --threads '%s' (want 1 to %d)", val, MAX_THREADS);
                goto usage_error;
            }
            o->threads = (int)n;
            o->threads_given = 1;
        } else if (!strcmp(name, "--shard")) {
            char *end = NULL;
            errno = 0;
            long r = strtol(val, &end, 10), n = 0;
            if (!errno && end != val && *end == '/') {
                char *e2 = NULL;
                n = strtol(end + 1, &e2, 10);
                if (errno || e2 == end + 1 || *e2)
                    n = 0;
            }
            if (n < 1 || n > 1000000 || r < 0 || r >= n) {
                dt_cli_errorf("code: bad --shard '%s' (want R/N, 0 <= R < N)", val);
                goto usage_error;
            }
            o->shard_rank = (int)r;
            o->shard_count = (int)n;
        } else if (!strcmp(name, "--agent-country")) {
            if (!strcmp(val, "on"))
                o->agent_country = 1;
            else if (!strcmp(val, "off"))
                o->agent_country = 0;
            else if (!strcmp(val, "auto"))
                o->agent_country = -1;
            else {
                dt_cli_errorf("code: bad --agent-country '%s' (on, off or auto)", val);
                goto usage_error;
            }
        } else if (!strcmp(name, "--actors")) {
            if (o->nactors == MAX_ACTOR_FILES) {
                dt_cli_errorf("code: more than %d --actors files", MAX_ACTOR_FILES);
                goto usage_error;
            }
            o->actors[o->nactors++] = val;
        }
    }
    int kind = dt_sink_kind_from_spec(o->output);
    if (o->mpi && o->shard_count) {
        dt_cli_errorf("code: --mpi and --shard exclude each other (--shard re-runs one rank)");
        goto usage_error;
    }
    if (o->mpi && !o->out_path && kind != DT_SINK_SQLITE && kind != DT_SINK_PG) {
        dt_cli_errorf("code: --mpi needs -o FILE or a store (each rank writes its own part)");
        goto usage_error;
    }
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

/* ---- the pipeline ---------------------------------------------------- */

/* One reader, N workers and one writer, handing batches of documents to
 * each other:
 *
 *   reader (a thread) -> batches -> workers (analyse + code) -> writer (this
 *   thread: messages, accounting, the sink)
 *
 * Everything a run prints or stores goes through the writer, in input
 * order (or in completion order with --unordered), so the output, the
 * error lines and the counts are the same whatever the number of threads.
 * A batch owns one arena: the reader puts the records in it, a worker adds
 * the analysis and the events, the writer resets it and gives the batch
 * back. The number of batches is fixed, which bounds the memory of the
 * reorder buffer: the reader waits when all are in use.
 * With one thread the same three steps run one after the other, batch by
 * batch, without any thread. */

enum { IT_DOC = 0, IT_REJECT, IT_WARN, IT_FILE_END };

#define BATCH_MAX_ITEMS 256
#define BATCH_MAX_TEXT ((size_t)64 << 10)

typedef struct item {
    int kind;
    int rc;    /* IT_REJECT: the reader's code; IT_DOC: analysis/coding code */
    int fatal; /* rc is an internal error (out of memory): stop the run */
    int coded; /* IT_DOC: a worker analysed and coded it */
    int hint;  /* IT_DOC with a store: the lookup at read time, -1 none */
    int one_sentence;
    dt_error *err;    /* in the batch arena, when rc < 0 or for IT_WARN */
    dt_doc *repaired; /* IT_DOC: a text file with bad bytes replaced (reader.h) */
    const char *name;
    dt_str id, text, extra;
    int32_t date;
    uint64_t line, offset, hash;
    uint64_t file_size; /* IT_FILE_END: bytes of a regular file, 0 otherwise */
    size_t nsent;
    uint64_t too_long; /* of them, over DT_CODE_MAX_TOKENS (the coder skipped them) */
    dt_span *spans;
    dt_event *ev;
    size_t nev;
} item;

typedef struct batch {
    struct batch *next;
    uint64_t seq;
    dt_arena *a;
    dt_coder_options opts; /* the coder options for the documents of this batch */
    item items[BATCH_MAX_ITEMS];
    size_t n;
    size_t text_bytes;
} batch;

/* A worker's coder when a batch needs options other than the shared
 * coder's (PETRARCH <Config> records): built on first need. */
typedef struct worker {
    struct pipeline *p;
    dt_arena *scratch; /* the analysis of one document */
    dt_coder *own;
    pthread_t tid;
} worker;

typedef struct pipeline {
    const code_opts *o;
    dt_tagger *tagger;
    dt_dicts *dicts;
    dt_coder *coder; /* shared read-only by the workers */
    dt_coder_options base_opts;
    dt_sink *sink;
    int store;       /* the sink is a store (sqlite, postgresql) */
    int reader_gone; /* EPIPE on a stream output */
    int run_begun;   /* the store holds this run's record: later failures are mid-run */
    const dt_cli_input *inputs;
    int ninputs;
    /* The progress line (terminal only): start, last update, input size
     * (0 = unknown), bytes of finished files, offset in the current one. */
    int progress;
    double t0, last;
    uint64_t in_size, in_done, in_pos;
    tally t;

    /* Threads. nthreads == 1: no thread at all. */
    int nthreads;
    int ordered;
    pthread_mutex_t mu;
    pthread_cond_t cv_free, cv_todo, cv_done;
    batch *pool; /* all batches (array) */
    size_t npool;
    batch *free_list, *todo_head, *todo_tail, *done_list;
    uint64_t submitted, written;
    int reader_done, stop;
    /* The sink is used by one thread at a time: the writer, and the
     * reader's early "already stored?" lookups. */
    pthread_mutex_t sink_mu;
    worker writer_w; /* the writer codes a document itself in one rare case */
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
    if (p->store && err->code != DT_ENOMEM) {
        p->t.sink_error = 1;
        p->t.sink_midrun = p->run_begun;
    } else {
        p->t.internal = 1;
    }
    return -1;
}

static int is_fatal(int rc)
{
    return rc == DT_ENOMEM || rc == DT_EINTERNAL;
}

/* Keep err with the item (in the batch arena). Returns 0, or -1 when even
 * that memory is missing. */
static int item_keep_error(dt_arena *a, item *it, const dt_error *err)
{
    it->err = dt_arena_alloc(a, sizeof *it->err);
    if (!it->err)
        return -1;
    *it->err = *err;
    return 0;
}

/* ---- worker: analyse and code one document ---- */

static const dt_coder *coder_for(worker *w, const batch *b)
{
    pipeline *p = w->p;
    if (!memcmp(&b->opts, &p->base_opts, sizeof b->opts))
        return p->coder;
    if (!w->own) {
        dt_error err;
        if (dt_coder_new(p->dicts, &b->opts, &w->own, &err) < 0)
            return NULL;
    } else {
        dt_coder_set_options(w->own, &b->opts);
    }
    return w->own;
}

/* A copy of s in a unless it already lies in [lo, hi) (the document's
 * text, which lives in the batch). */
static int keep_str(dt_arena *a, dt_str *s, const char *lo, const char *hi)
{
    if (!s->n || (s->p >= lo && s->p + s->n <= hi))
        return 0;
    char *c = dt_arena_strndup(a, s->p, s->n);
    if (!c)
        return -1;
    s->p = c;
    return 0;
}

/* Copy the events into the batch arena. The coder's events borrow the
 * document (doc_id, extra, sentence text: the batch's already) and the
 * dictionaries (pattern, dict_file: shared for the run); the issue list
 * and any sentence text that is not a view of the document are the
 * coder's, in the worker's arena, so they are copied. */
static int keep_events(dt_arena *a, item *it, const dt_event *ev, size_t nev)
{
    it->ev = NULL;
    it->nev = 0;
    if (!nev)
        return 0;
    dt_event *c = dt_arena_alloc(a, nev * sizeof *c);
    if (!c)
        return -1;
    memcpy(c, ev, nev * sizeof *c);
    const char *lo = it->text.p, *hi = it->text.p + it->text.n;
    for (size_t i = 0; i < nev; i++)
        if (keep_str(a, &c[i].issues, NULL, NULL) < 0 || keep_str(a, &c[i].text, lo, hi) < 0)
            return -1;
    it->ev = c;
    it->nev = nev;
    return 0;
}

static void work_item(worker *w, batch *b, item *it)
{
    pipeline *p = w->p;
    dt_arena *a = w->scratch;
    dt_arena_reset(a);
    dt_error err;
    dt_error_clear(&err);
    dt_doctext dtext;
    memset(&dtext, 0, sizeof dtext);
    int rc;
    it->coded = 1;
    const dt_coder *coder = coder_for(w, b);
    if (!coder) {
        dt_error_set(&err, DT_ENOMEM, it->name, it->line, it->offset, "out of memory");
        rc = DT_ENOMEM;
        goto failed;
    }
    /* A PETRARCH record is one sentence by definition; don't let the
     * splitter cut it at an abbreviation. */
    if (it->one_sentence) {
        rc = dt_text_analyse_sentence(a, it->text.p, it->text.n, &dtext, &err);
        if (rc == DT_OK)
            rc = dt_tagger_tag(p->tagger, a, &dtext, &err);
        if (rc == DT_OK)
            rc = dt_chunk_doc(p->tagger, a, &dtext, &err);
    } else {
        rc = dt_analyse(p->tagger, a, it->text.p, it->text.n, &dtext, &err);
    }
    if (rc < 0) {
        if (!err.file[0]) {
            /* The analysis stages know nothing of files: say where. */
            dt_error where = err;
            dt_error_set(&err, rc, it->name, it->line, it->offset, "%s", where.msg);
        }
        goto failed;
    }
    it->nsent = dtext.nsent;
    dt_code_doc cdoc;
    memset(&cdoc, 0, sizeof cdoc);
    cdoc.doc_id = it->id;
    cdoc.date = it->date;
    cdoc.extra = it->extra;
    if (it->one_sentence)
        cdoc.sentence_id = it->id;
    dt_event *ev = NULL;
    size_t nev = 0;
    dt_code_counts cc;
    memset(&cc, 0, sizeof cc);
    rc = dt_coder_code(coder, a, &dtext, &cdoc, &ev, &nev, &cc, NULL, &err);
    if (rc < 0)
        goto failed_coding;
    it->too_long = cc.too_long;
    /* What the writer needs moves to the batch; the analysis stays in the
     * worker's arena, which the next document reuses. */
    it->spans = dtext.nsent ? dt_arena_alloc(b->a, dtext.nsent * sizeof *it->spans) : NULL;
    if ((dtext.nsent && !it->spans) || keep_events(b->a, it, ev, nev) < 0) {
        rc = dt_error_set(&err, DT_ENOMEM, it->name, it->line, it->offset, "out of memory");
        goto failed_coding;
    }
    for (size_t i = 0; i < dtext.nsent; i++)
        it->spans[i] = (dt_span){dtext.sent[i].off, dtext.sent[i].len};
    it->rc = 0;
    return;
failed:
    /* Analysis rejects the document for bad input; memory is fatal. */
    it->fatal = is_fatal(rc);
    goto keep;
failed_coding:
    /* Coding never fails on input: whatever it returns is internal. */
    it->fatal = 1;
keep:
    it->rc = rc;
    if (item_keep_error(b->a, it, &err) < 0) {
        it->rc = DT_ENOMEM;
        it->fatal = 1;
    }
}

static void work_batch(worker *w, batch *b)
{
    int skip_stored = w->p->store && !w->p->o->replace;
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->items[i];
        if (it->kind != IT_DOC || (skip_stored && it->hint == DT_SINK_STORED))
            continue;
        work_item(w, b, it);
    }
}

/* ---- writer: messages, accounting, the sink, in order ---- */

static void progress(pipeline *p, int final);

/* Returns 0, or -1: stop the run. */
static int emit_item(pipeline *p, batch *b, item *it)
{
    dt_error err;
    dt_error_clear(&err);
    int rc;
    switch (it->kind) {
    case IT_WARN:
        if (!p->o->quiet)
            dt_cli_errorf("%s", it->err->msg);
        return 0;
    case IT_FILE_END:
        p->in_done += it->file_size;
        p->in_pos = 0;
        return 0;
    case IT_REJECT:
        if (it->fatal) {
            if (it->err)
                report(it->err);
            else
                dt_cli_errorf("out of memory");
            p->t.internal = 1;
            return -1;
        }
        reject(p, it->err, it->rc);
        return 0;
    default:
        break;
    }
    if (it->repaired) {
        /* Its good text is coded, but the input was bad: say so, exit 1. */
        dt_cli_report_repair(it->repaired);
        p->t.repaired++;
    }
    int changed = 0;
    if (p->store) {
        /* A store already holding this document (same id, same text) has
         * nothing to learn from coding it again: that is how an
         * interrupted run resumes. This lookup decides; the reader's
         * earlier one only saved the workers the coding. */
        rc = dt_sink_lookup(p->sink, it->id, it->hash, &err);
        if (rc < 0)
            return sink_failed(p, &err);
        if (rc == DT_SINK_STORED && !p->o->replace) {
            p->t.read++;
            p->t.already_stored++;
            return 0;
        }
        changed = rc != DT_SINK_NEW;
        /* Stored when read, replaced since by an earlier document of this
         * run with the same id: code it now. */
        if (!it->coded)
            work_item(&p->writer_w, b, it);
    }
    if (it->rc < 0) {
        if (it->fatal || !it->err) {
            if (it->err)
                report(it->err);
            else
                dt_cli_errorf("out of memory");
            p->t.internal = 1;
            return -1;
        }
        reject(p, it->err, it->rc);
        return 0;
    }
    p->t.read++;
    p->t.sentences += it->nsent;
    p->t.too_long += it->too_long;
    dt_sink_doc sdoc;
    memset(&sdoc, 0, sizeof sdoc);
    sdoc.id = it->id;
    sdoc.date = it->date;
    sdoc.text = it->text;
    sdoc.sent = it->spans;
    sdoc.nsent = it->nsent;
    sdoc.content_hash = it->hash;
    sdoc.extra = it->extra;
    errno = 0;
    rc = dt_sink_document(p->sink, &sdoc, it->ev, it->nev, &err);
    if (rc == DT_ELIMIT && !p->store) {
        /* One over-long event line is that event's problem only. */
        report(&err);
    } else if (rc < 0) {
        return sink_failed(p, &err);
    }
    if (changed)
        p->t.replaced++;
    p->t.events += it->nev;
    if (it->nev > 0)
        p->t.coded++;
    else
        p->t.no_events++;
    p->in_pos = it->offset;
    progress(p, 0);
    return 0;
}

/* Returns 0, or -1: stop the run (nothing more is written). */
static int emit_batch(pipeline *p, batch *b)
{
    int rc = 0;
    if (p->nthreads > 1)
        pthread_mutex_lock(&p->sink_mu);
    for (size_t i = 0; i < b->n; i++) {
        if (p->t.internal || p->t.sink_error || p->reader_gone) {
            rc = -1;
            break;
        }
        if (emit_item(p, b, &b->items[i]) < 0) {
            rc = -1;
            break;
        }
    }
    if (p->t.internal || p->t.sink_error || p->reader_gone)
        rc = -1;
    if (p->nthreads > 1)
        pthread_mutex_unlock(&p->sink_mu);
    return rc;
}

/* ---- the hand-over between threads ---- */

static void batch_recycle(batch *b)
{
    dt_arena_reset(b->a);
    b->n = 0;
    b->text_bytes = 0;
}

/* The reader's next empty batch, or NULL when the run stops. */
static batch *get_free(pipeline *p)
{
    batch *b = NULL;
    if (p->nthreads == 1)
        return p->stop ? NULL : p->free_list;
    pthread_mutex_lock(&p->mu);
    while (!p->free_list && !p->stop)
        pthread_cond_wait(&p->cv_free, &p->mu);
    if (!p->stop) {
        b = p->free_list;
        p->free_list = b->next;
    }
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void submit(pipeline *p, batch *b)
{
    if (p->nthreads == 1) {
        /* One thread: work, write, reuse. */
        work_batch(&p->writer_w, b);
        if (emit_batch(p, b) < 0)
            p->stop = 1;
        batch_recycle(b);
        return;
    }
    pthread_mutex_lock(&p->mu);
    b->seq = p->submitted++;
    b->next = NULL;
    if (p->todo_tail)
        p->todo_tail->next = b;
    else
        p->todo_head = b;
    p->todo_tail = b;
    pthread_cond_signal(&p->cv_todo);
    pthread_mutex_unlock(&p->mu);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pipeline *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->todo_head && !p->reader_done)
            pthread_cond_wait(&p->cv_todo, &p->mu);
        batch *b = p->todo_head;
        if (!b) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->todo_head = b->next;
        if (!p->todo_head)
            p->todo_tail = NULL;
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (!stop)
            work_batch(w, b);
        pthread_mutex_lock(&p->mu);
        b->next = p->done_list;
        p->done_list = b;
        pthread_cond_signal(&p->cv_done);
        pthread_mutex_unlock(&p->mu);
    }
}

/* The writer's loop (calling thread): take finished batches in order (or
 * as they come with --unordered), write them, give them back. */
static void writer_loop(pipeline *p)
{
    for (;;) {
        pthread_mutex_lock(&p->mu);
        batch *b = NULL, **pp;
        for (;;) {
            for (pp = &p->done_list; *pp; pp = &(*pp)->next)
                if (!p->ordered || (*pp)->seq == p->written)
                    break;
            if (*pp) {
                b = *pp;
                *pp = b->next;
                break;
            }
            if (p->reader_done && p->written == p->submitted)
                break;
            pthread_cond_wait(&p->cv_done, &p->mu);
        }
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (!b)
            return;
        if (!stop && emit_batch(p, b) < 0)
            stop = 1;
        batch_recycle(b);
        pthread_mutex_lock(&p->mu);
        p->written++;
        if (stop && !p->stop) {
            p->stop = 1;
            pthread_cond_broadcast(&p->cv_free);
        }
        b->next = p->free_list;
        p->free_list = b;
        pthread_cond_signal(&p->cv_free);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ---- reader ---- */

/* The batch being filled; submitted when full or when the coder options
 * change. */
typedef struct rstate {
    pipeline *p;
    batch *b;
    dt_coder_options opts; /* as PETRARCH <Config> records left them */
    int opts_touched;
    int stopped;
} rstate;

static void flush(rstate *rs)
{
    if (rs->b && rs->b->n) {
        submit(rs->p, rs->b);
        rs->b = NULL;
    }
}

/* A slot for the next item, or NULL when the run stops. */
static item *next_slot(rstate *rs)
{
    if (rs->b && (rs->b->n == BATCH_MAX_ITEMS || rs->b->text_bytes >= BATCH_MAX_TEXT))
        flush(rs);
    if (!rs->b) {
        rs->b = get_free(rs->p);
        if (!rs->b) {
            rs->stopped = 1;
            return NULL;
        }
        rs->b->opts = rs->opts;
    }
    item *it = &rs->b->items[rs->b->n];
    memset(it, 0, sizeof *it);
    it->hint = -1;
    return it;
}

/* The record in the slot is complete. */
static void commit_slot(rstate *rs)
{
    rs->b->n++;
}

/* Put a rejection (reader or open error) in the stream; fatal ones end
 * the reading. */
static void add_reject(rstate *rs, const char *name, const dt_error *err, int rc)
{
    item *it = next_slot(rs);
    if (!it)
        return;
    it->kind = IT_REJECT;
    it->rc = rc;
    it->fatal = is_fatal(rc);
    it->name = name;
    if (item_keep_error(rs->b->a, it, err) < 0)
        it->fatal = 1;
    commit_slot(rs);
    if (it->fatal)
        rs->stopped = 1;
}

static void set_options(rstate *rs, const dt_coder_options *o)
{
    if (!memcmp(o, &rs->opts, sizeof *o))
        return;
    flush(rs); /* a batch is coded with one set of options */
    rs->opts = *o;
    if (rs->b) /* still empty: it was not flushed */
        rs->b->opts = *o;
}

/* A byte range of a file (a shard): line numbers and offsets as in the
 * whole file, so messages and stores say what a run over it would. */
static void shift_error(const dt_cli_input *in, dt_error *err)
{
    if (!in->range)
        return;
    if (err->line)
        err->line += in->first_line - 1;
    if (err->offset != UINT64_MAX)
        err->offset += in->lo;
}

static void read_file(rstate *rs, const dt_cli_input *in)
{
    pipeline *p = rs->p;
    const char *path = in->path;
    const char *name = path ? path : "<stdin>";
    /* PETRARCH <Config> options hold "from that point on" in their file;
     * the next file starts again from the command line's. */
    if (rs->opts_touched) {
        set_options(rs, &p->base_opts);
        rs->opts_touched = 0;
    }
    dt_reader_opts ro = {p->o->input, p->o->date, NULL};
    dt_reader *r = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc;
    dt_cli_feeder *feeder = NULL;
    if (in->range) {
        /* The reader reads a pipe that a thread fills with the range. */
        int fd;
        char dev[32];
        if (dt_cli_range_open(in, &fd, &feeder) < 0) {
            rc = dt_error_set(&err, errno == ENOMEM ? DT_ENOMEM : DT_EIO, name, 0, UINT64_MAX,
                              "cannot read bytes %llu-%llu: %s", (unsigned long long)in->lo,
                              (unsigned long long)in->hi, strerror(errno));
            add_reject(rs, name, &err, rc);
            return;
        }
        snprintf(dev, sizeof dev, "/dev/fd/%d", fd);
        ro.format = DT_INPUT_JSONL;
        ro.display_name = name;
        rc = dt_reader_open(&r, dev, &ro, &err);
        close(fd);
    } else {
        rc = dt_reader_open(&r, path, &ro, &err);
    }
    if (rc < 0) {
        dt_cli_range_close(feeder);
        shift_error(in, &err);
        add_reject(rs, name, &err, rc); /* an unreadable file is one lost document */
        return;
    }
    int one_sentence = dt_reader_format(r) == DT_INPUT_PETRARCH_XML;
    int hints = p->store && !p->o->replace;
    while (!rs->stopped) {
        item *it = next_slot(rs);
        if (!it)
            break;
        dt_doc doc;
        dt_error_clear(&err);
        rc = dt_reader_next(r, rs->b->a, &doc, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            shift_error(in, &err);
            add_reject(rs, name, &err, rc);
            continue;
        }
        if (in->range) {
            doc.line += in->first_line - 1;
            doc.offset += in->lo;
        }
        if (doc.kind == DT_REC_CONFIG) {
            /* PETRARCH <Config> changes coder options from here on. */
            char opt[128], val[128];
            snprintf(opt, sizeof opt, "%.*s", (int)doc.option.n, doc.option.p);
            snprintf(val, sizeof val, "%.*s", (int)doc.value.n, doc.value.p);
            dt_coder_options o = rs->opts;
            rc = dt_coder_options_set(&o, opt, val, &err);
            rs->opts_touched = 1;
            set_options(rs, &o);
            if (rc < 0) {
                dt_error w;
                dt_error_clear(&w);
                snprintf(w.msg, sizeof w.msg,
                         "%.150s:%llu: warning: <Config option=\"%s\">: %.150s", name,
                         (unsigned long long)doc.line, opt, err.msg);
                it = next_slot(rs);
                if (!it)
                    break;
                it->kind = IT_WARN;
                if (item_keep_error(rs->b->a, it, &w) < 0) {
                    it->kind = IT_REJECT;
                    it->rc = DT_ENOMEM;
                    it->fatal = 1;
                    rs->stopped = 1;
                }
                commit_slot(rs);
            }
            continue;
        }
        if (doc.kind != DT_REC_DOC)
            continue; /* <Environment> names dictionaries for 'validate' */
        it->kind = IT_DOC;
        it->name = name;
        it->one_sentence = one_sentence;
        it->id = doc.id;
        it->text = doc.text;
        it->extra = doc.extra;
        it->date = doc.date;
        it->line = doc.line;
        it->offset = doc.offset;
        it->repaired = NULL;
        if (doc.repaired) {
            it->repaired = dt_arena_alloc(rs->b->a, sizeof *it->repaired);
            if (!it->repaired) {
                /* Without its report the run would look clean: stop. */
                it->kind = IT_REJECT;
                it->rc = DT_ENOMEM;
                it->fatal = 1;
                it->err = NULL;
                rs->stopped = 1;
                commit_slot(rs);
                break;
            }
            *it->repaired = doc;
        }
        if (p->store)
            it->hash = dt_sink_content_hash(doc.text.p, doc.text.n);
        if (hints) {
            /* Skip the coding of what is surely stored; errors here are
             * left to the writer's lookup, which decides. */
            dt_error lerr;
            if (p->nthreads > 1)
                pthread_mutex_lock(&p->sink_mu);
            it->hint = dt_sink_lookup(p->sink, doc.id, it->hash, &lerr);
            if (p->nthreads > 1)
                pthread_mutex_unlock(&p->sink_mu);
        }
        rs->b->text_bytes += doc.text.n;
        commit_slot(rs);
    }
    dt_reader_free(r);
    dt_cli_range_close(feeder);
    if (rs->stopped)
        return;
    item *it = next_slot(rs);
    if (!it)
        return;
    it->kind = IT_FILE_END;
    struct stat st;
    if (in->range)
        it->file_size = in->hi - in->lo;
    else if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        it->file_size = (uint64_t)st.st_size;
    commit_slot(rs);
}

static void read_all(pipeline *p)
{
    rstate rs;
    memset(&rs, 0, sizeof rs);
    rs.p = p;
    rs.opts = p->base_opts;
    for (int i = 0; i < p->ninputs && !rs.stopped; i++)
        read_file(&rs, &p->inputs[i]);
    if (rs.b) {
        if (rs.b->n) {
            submit(p, rs.b);
        } else if (p->nthreads > 1) {
            pthread_mutex_lock(&p->mu);
            rs.b->next = p->free_list;
            p->free_list = rs.b;
            pthread_mutex_unlock(&p->mu);
        }
    }
    if (p->nthreads > 1) {
        pthread_mutex_lock(&p->mu);
        p->reader_done = 1;
        pthread_cond_broadcast(&p->cv_todo);
        pthread_cond_broadcast(&p->cv_done);
        pthread_mutex_unlock(&p->mu);
    }
}

static void *reader_main(void *arg)
{
    read_all(arg);
    return NULL;
}

/* Run the whole input through the pipeline. Returns 0, or -1 when the
 * threads or their memory could not be had (nothing was read then). */
static int run_pipeline(pipeline *p)
{
    /* Enough batches for every worker to hold one while the writer holds
     * one and the reader fills one, plus slack for uneven documents. */
    p->npool = p->nthreads == 1 ? 1 : (size_t)p->nthreads * 2 + 2;
    p->pool = calloc(p->npool, sizeof *p->pool);
    worker *ws = p->nthreads > 1 ? calloc((size_t)p->nthreads, sizeof *ws) : NULL;
    int rc = -1;
    size_t nb = 0;
    if (!p->pool || (p->nthreads > 1 && !ws))
        goto out;
    for (nb = 0; nb < p->npool; nb++) {
        p->pool[nb].a = dt_arena_new(0);
        if (!p->pool[nb].a)
            goto out;
        p->pool[nb].next = p->free_list;
        p->free_list = &p->pool[nb];
    }
    p->writer_w.p = p;
    if (!(p->writer_w.scratch = dt_arena_new(0)))
        goto out;
    for (int i = 0; p->nthreads > 1 && i < p->nthreads; i++)
        if (!(ws[i].scratch = dt_arena_new(0)))
            goto out;
    if (p->nthreads == 1) {
        read_all(p);
        rc = 0;
        goto out;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->sink_mu, NULL);
    pthread_cond_init(&p->cv_free, NULL);
    pthread_cond_init(&p->cv_todo, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    int started = 0;
    for (; started < p->nthreads; started++) {
        ws[started].p = p;
        if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
            break;
    }
    pthread_t rt;
    int reader_started = started > 0 && pthread_create(&rt, NULL, reader_main, p) == 0;
    if (reader_started) {
        writer_loop(p);
        pthread_join(rt, NULL);
        rc = 0;
    } else {
        pthread_mutex_lock(&p->mu);
        p->reader_done = 1;
        pthread_cond_broadcast(&p->cv_todo);
        pthread_mutex_unlock(&p->mu);
    }
    for (int i = 0; i < started; i++)
        pthread_join(ws[i].tid, NULL);
    pthread_cond_destroy(&p->cv_free);
    pthread_cond_destroy(&p->cv_todo);
    pthread_cond_destroy(&p->cv_done);
    pthread_mutex_destroy(&p->sink_mu);
    pthread_mutex_destroy(&p->mu);
out:
    dt_coder_free(p->writer_w.own);
    dt_arena_free(p->writer_w.scratch);
    for (int i = 0; ws && i < p->nthreads; i++) {
        dt_coder_free(ws[i].own);
        dt_arena_free(ws[i].scratch);
    }
    for (size_t i = 0; i < nb; i++)
        dt_arena_free(p->pool[i].a);
    free(p->pool);
    free(ws);
    return rc;
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

static void summary(const tally *t)
{
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
    if (t->too_long)
        fprintf(stderr,
                "detente: %llu sentence%s of more than %d tokens not coded (a text without "
                "sentence ends?)\n",
                (unsigned long long)t->too_long, t->too_long == 1 ? "" : "s", DT_CODE_MAX_TOKENS);
    if (t->repaired)
        fprintf(stderr, "detente: %llu document%s kept with bytes that were not UTF-8 replaced\n",
                (unsigned long long)t->repaired, t->repaired == 1 ? "" : "s");
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

/* Outputs of a sharded run: FILE.partNNNN, sqlite:PATH.partNNNN; a
 * PostgreSQL store is shared by all. Heap strings in *out_path / *output
 * (NULL when unchanged); 0 or -1 (out of memory). */
static int part_names(const code_opts *o, int rank, char **out_path, char **output)
{
    *out_path = *output = NULL;
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".part%04d", rank);
    if (o->out_path) {
        size_t n = strlen(o->out_path) + strlen(suffix) + 1;
        if (!(*out_path = malloc(n)))
            return -1;
        snprintf(*out_path, n, "%s%s", o->out_path, suffix);
    }
    if (dt_sink_kind_from_spec(o->output) == DT_SINK_SQLITE) {
        size_t n = strlen(o->output) + strlen(suffix) + 1;
        if (!(*output = malloc(n)))
            return -1;
        snprintf(*output, n, "%s%s", o->output, suffix);
    }
    return 0;
}

/* One run over inputs: dictionaries, coder, sink, pipeline. Fills *t;
 * *want_summary says whether the run completed (got as far as a summary).
 * Returns the exit status. */
static int code_run(const code_opts *o, int argc, char **argv, const dt_cli_input *inputs,
                    int ninputs, const char *shard, tally *t, int *want_summary)
{
    pipeline p;
    memset(&p, 0, sizeof p);
    p.o = o;
    p.inputs = inputs;
    p.ninputs = ninputs;
    p.nthreads = o->threads;
    p.ordered = !o->unordered;
    int exit_code = DT_EXIT_OK;
    *want_summary = 0;

    dt_error err;
    dt_error_clear(&err);
    const char *dict_what = "";
    int rc = load_dicts(o, &p.dicts, &dict_what);
    if (rc)
        return rc;
    dt_coder_options_default(&p.base_opts);
    if (o->source_only >= 0)
        p.base_opts.source_only = o->source_only;
    if (o->modality >= 0)
        p.base_opts.modality = o->modality;
    if (o->agent_country != AGENT_COUNTRY_UNSET)
        p.base_opts.agent_country = o->agent_country;
    if (dt_coder_new(p.dicts, &p.base_opts, &p.coder, &err) < 0) {
        report(&err);
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    if (dt_tagger_new(&p.tagger, &err) < 0) {
        if (!err.msg[0])
            dt_error_set(&err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        report(&err);
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    /* The output: a stream (jsonl/tsv/csv, stdout or -o FILE) or a store. */
    FILE *out = stdout;
    const char *out_name = "<stdout>";
    if (o->out_path) {
        out = fopen(o->out_path, "w");
        if (!out) {
            dt_cli_errorf("%s: cannot write: %s", o->out_path, strerror(errno));
            exit_code = DT_EXIT_INPUT;
            goto done;
        }
        out_name = o->out_path;
    }
    dt_sink_opts so;
    memset(&so, 0, sizeof so);
    so.out = out;
    so.out_name = out_name;
    so.replace = o->replace;
    rc = dt_sink_open(&p.sink, o->output, &so, &err);
    if (rc < 0) {
        report(&err);
        exit_code = rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
        goto close_out;
    }
    p.store = dt_sink_kind(p.sink) == DT_SINK_SQLITE || dt_sink_kind(p.sink) == DT_SINK_PG;
    char *cmdline = join_args(argc, argv);
    char optbuf[320];
    /* The thread count is left out: it does not change what is stored. */
    snprintf(optbuf, sizeof optbuf,
             "input=%s date=%ld replace=%d source_only=%d modality=%d agent_country=%d%s%s",
             dt_input_format_name(o->input), (long)o->date, o->replace, p.base_opts.source_only,
             p.base_opts.modality, p.base_opts.agent_country, shard ? " shard=" : "",
             shard ? shard : "");
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
    else
        p.run_begun = 1;

    /* Progress only for a person watching stderr, and not when the events
     * themselves go to that terminal. */
    p.progress = !o->quiet && !o->mpi && isatty(2) && !(!p.store && out == stdout && isatty(1));
    p.t0 = p.last = now_s();
    for (int i = 0; p.progress && i < ninputs; i++) {
        struct stat st;
        if (inputs[i].range) {
            p.in_size += inputs[i].hi - inputs[i].lo;
            continue;
        }
        if (!inputs[i].path || !strcmp(inputs[i].path, "-") || stat(inputs[i].path, &st) != 0 ||
            !S_ISREG(st.st_mode)) {
            p.in_size = 0; /* a pipe: no ETA */
            break;
        }
        p.in_size += (uint64_t)st.st_size;
    }
    if (!p.t.internal && !p.t.sink_error && !p.reader_gone && run_pipeline(&p) < 0) {
        dt_cli_errorf("cannot start the coding threads: out of memory");
        p.t.internal = 1;
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
    if (o->out_path && fclose(out) != 0 && !p.t.internal && !p.t.sink_error && exit_code == 0) {
        dt_cli_errorf("%s: write error: %s", o->out_path, strerror(errno));
        p.t.internal = 1;
    }
    if (exit_code)
        goto done;
    if (p.reader_gone) {
        /* Nobody is reading: no summary of a run cut short. */
        exit_code = p.t.internal ? DT_EXIT_INTERNAL : DT_EXIT_OK;
        goto done;
    }
    *want_summary = 1; /* the run completed */
    exit_code = p.t.internal || p.t.sink_midrun                  ? DT_EXIT_INTERNAL
                : p.t.sink_error || p.t.rejected || p.t.repaired ? DT_EXIT_INPUT
                                                                 : DT_EXIT_OK;
done:
    *t = p.t;
    dt_coder_free(p.coder);
    dt_dicts_free(p.dicts);
    dt_tagger_free(p.tagger);
    return exit_code;
}

/* The tally as one vector of counters, for MPI_Reduce. */
enum { TALLY_WORDS = 8 + 16 + 5 };

static void tally_pack(const tally *t, uint64_t *v)
{
    const uint64_t head[8] = {t->read,           t->coded,    t->no_events, t->rejected,
                              t->already_stored, t->replaced, t->sentences, t->events};
    memcpy(v, head, sizeof head);
    memcpy(v + 8, t->by_code, sizeof t->by_code);
    v[24] = (uint64_t)t->internal;
    v[25] = (uint64_t)t->sink_error;
    v[26] = t->repaired;
    v[27] = (uint64_t)t->sink_midrun;
    v[28] = t->too_long;
}

static void tally_unpack(const uint64_t *v, tally *t)
{
    t->read = v[0];
    t->coded = v[1];
    t->no_events = v[2];
    t->rejected = v[3];
    t->already_stored = v[4];
    t->replaced = v[5];
    t->sentences = v[6];
    t->events = v[7];
    memcpy(t->by_code, v + 8, sizeof t->by_code);
    t->internal = v[24] != 0;
    t->sink_error = v[25] != 0;
    t->repaired = v[26];
    t->sink_midrun = v[27] != 0;
    t->too_long = v[28];
}

/* Rank 0 of an MPI job: name each rank that failed, with its shard and
 * the command that re-runs it alone. */
static void report_failed_ranks(const code_opts *o, char **files, int nfiles, const int *status,
                                int size)
{
    for (int r = 0; r < size; r++) {
        if (!(status[r] & 256))
            continue;
        dt_cli_input *in = NULL;
        int n = 0;
        char why[300], desc[1200];
        if (dt_cli_shard_plan(files, nfiles, o->input, r, size, &in, &n, why, sizeof why) < 0)
            snprintf(desc, sizeof desc, "(unknown: %s)", why);
        else
            dt_cli_shard_describe(in, n, desc, sizeof desc);
        free(in);
        dt_cli_errorf("rank %d of %d failed (exit %d); its shard: %s; re-run it alone with the "
                      "same options and --shard %d/%d instead of --mpi",
                      r, size, status[r] & 255, desc, r, size);
    }
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

    int rank = 0, size = 1, local = 1;
    if (o.mpi) {
        if (dt_cli_mpi_init(&rank, &size, &local) < 0) {
            dt_cli_errorf("code: --mpi: %s", dt_cli_mpi_available()
                                                 ? "MPI could not be initialised"
                                                 : "this detente was built without MPI (DT_MPI)");
            free(files);
            return DT_EXIT_INPUT;
        }
        /* Ranks on one machine share its cores. */
        if (!o.threads_given) {
            o.threads = o.threads / (local > 0 ? local : 1);
            if (o.threads < 1)
                o.threads = 1;
        }
    } else if (o.shard_count) {
        rank = o.shard_rank;
        size = o.shard_count;
    }

    dt_cli_input *inputs = NULL;
    int ninputs = 0, exit_code = DT_EXIT_OK;
    char *part_out = NULL, *part_spec = NULL, shard[48] = "";
    tally t;
    memset(&t, 0, sizeof t);
    int want_summary = 0;
    if (o.mpi || o.shard_count) {
        char why[400];
        snprintf(shard, sizeof shard, "%d/%d", rank, size);
        if (dt_cli_shard_plan(files, nfiles, o.input, rank, size, &inputs, &ninputs, why,
                              sizeof why) < 0) {
            dt_cli_errorf("code: shard %s: %s", shard, why);
            exit_code = DT_EXIT_INPUT;
        } else if (part_names(&o, rank, &part_out, &part_spec) < 0) {
            dt_cli_errorf("out of memory");
            exit_code = DT_EXIT_INTERNAL;
        } else {
            if (part_out)
                o.out_path = part_out;
            if (part_spec)
                o.output = part_spec;
        }
    } else {
        inputs = calloc(nfiles ? (size_t)nfiles : 1, sizeof *inputs);
        if (!inputs) {
            dt_cli_errorf("out of memory");
            exit_code = DT_EXIT_INTERNAL;
        }
        for (int i = 0; inputs && i < (nfiles ? nfiles : 1); i++)
            inputs[ninputs++] = (dt_cli_input){nfiles ? files[i] : NULL, 0, 0, 0, 1};
    }
    if (exit_code == DT_EXIT_OK)
        exit_code =
            code_run(&o, argc, argv, inputs, ninputs, shard[0] ? shard : NULL, &t, &want_summary);

    if (o.mpi) {
        /* Every rank gets here, whatever happened to it, so the job's
         * counts add up and a failure is named with its shard. */
        uint64_t v[TALLY_WORDS], sum[TALLY_WORDS];
        tally_pack(&t, v);
        int *status = rank == 0 ? calloc((size_t)size, sizeof *status) : NULL;
        dt_cli_mpi_sum(v, sum, TALLY_WORDS);
        /* exit status, plus 256 for a rank that did not complete its
         * shard (internal error, store failure, no plan) */
        int failed_here = !want_summary || t.internal || t.sink_error;
        dt_cli_mpi_gather(exit_code | (failed_here ? 256 : 0), status);
        if (rank == 0) {
            tally all;
            memset(&all, 0, sizeof all);
            tally_unpack(sum, &all);
            int worst = DT_EXIT_OK, failed = 0;
            for (int r = 0; status && r < size; r++) {
                if (status[r] & 256)
                    failed = 1;
                if ((status[r] & 255) > worst)
                    worst = status[r] & 255;
            }
            if (!o.quiet)
                summary(&all);
            if (failed && status)
                report_failed_ranks(&o, files, nfiles, status, size);
            exit_code = worst;
        }
        free(status);
        dt_cli_mpi_finalize();
    } else if (want_summary && !o.quiet) {
        summary(&t);
    }
    free(inputs);
    free(part_out);
    free(part_spec);
    free(files);
    return exit_code;
}
