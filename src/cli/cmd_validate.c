/* detente validate FILE.xml --dict-dir DIR [--use-parse] [--verbose]
 *
 * Runs a PETRARCH validation file: <Environment> names the dictionaries
 * (looked up in DIR), <Config> records change coder options from that
 * point on, and each <Sentence> is coded (from its raw <Text>, or with
 * --use-parse from its <Parse> tree) and compared with its gold codings.
 * One line per record, then "N passed, N failed". */
#include "cli.h"

#include "detente/code.h"
#include "detente/dict.h"
#include "detente/event.h"
#include "detente/reader.h"
#include "detente/tag.h"
#include "detente/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct triple {
    char s[DT_ACTOR_CODE_MAX], t[DT_ACTOR_CODE_MAX], c[DT_EVENT_CODE_MAX + 8];
} triple;

static void copy_view(char *dst, size_t cap, const char *p, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
}

static int triple_cmp(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    int r = strcmp(x->s, y->s);
    if (!r)
        r = strcmp(x->t, y->t);
    if (!r)
        r = strcmp(x->c, y->c);
    return r;
}

/* Sort and drop duplicates: the comparison is between sets. */
static size_t triple_set(triple *v, size_t n)
{
    if (n < 2)
        return n;
    qsort(v, n, sizeof *v, triple_cmp);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (triple_cmp(&v[w - 1], &v[i]) != 0)
            v[w++] = v[i];
    return w;
}

static void print_set(FILE *f, const char *label, const triple *v, size_t n, const char *err)
{
    fprintf(f, " %s=[", label);
    if (err && *err) {
        fprintf(f, "error:%s", err);
    } else {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%s/%s/%s", i ? "," : "", v[i].s, v[i].t, v[i].c);
    }
    fputc(']', f);
}

static void usage(FILE *f)
{
    fputs("Usage: detente validate FILE.xml --dict-dir DIR [--use-parse] [--verbose]\n"
          "\n"
          "Run a PETRARCH validation file. <Environment> names the dictionaries, which\n"
          "are read from DIR; <Config> records set coder options from that point on.\n"
          "Each record is coded from its raw <Text> (default) or, with --use-parse,\n"
          "from its Treebank <Parse>, and compared with its gold <EventCoding> set.\n"
          "Prints 'ID PASS|FAIL expected=[...] got=[...]' per record and ends with\n"
          "'N passed, N failed'. Exit status 0 when the file was run (whatever the\n"
          "pass rate), 1 on usage or unreadable input, 2 on an internal error.\n",
          f);
}

typedef struct vstate {
    const char *dict_dir;
    dt_dicts *dicts;
    dt_coder *coder;
    dt_coder_options opt;
    int verbose;
} vstate;

static int join_path(char *out, size_t cap, const char *dir, const char *p, size_t n)
{
    int k = snprintf(out, cap, "%s/%.*s", dir, (int)n, p);
    return k < 0 || (size_t)k >= cap ? -1 : 0;
}

static void on_warning(void *ud, const dt_dict_warning *w)
{
    vstate *v = ud;
    if (v->verbose && w->severity >= DT_DICT_SEV_WARNING)
        fprintf(stderr, "detente: %s:%u: %s\n", w->file ? w->file : "?", (unsigned)w->line,
                w->msg ? w->msg : "");
}

/* Load the dictionaries an <Environment> names; replaces earlier ones. */
static int load_env(vstate *v, const dt_doc *doc)
{
    char verbs[4096], agents[4096], discards[4096], issues[4096];
    char actors_buf[8][4096];
    const char *actors[8];
    dt_dict_files files;
    memset(&files, 0, sizeof files);
    if (doc->verbfile.n) {
        if (join_path(verbs, sizeof verbs, v->dict_dir, doc->verbfile.p, doc->verbfile.n) < 0)
            return -1;
        files.verbs = verbs;
    }
    for (size_t i = 0; i < doc->nactorfile && i < 8; i++) {
        if (join_path(actors_buf[i], sizeof actors_buf[i], v->dict_dir, doc->actorfile[i].p,
                      doc->actorfile[i].n) < 0)
            return -1;
        actors[i] = actors_buf[i];
        files.nactors = i + 1;
    }
    files.actors = files.nactors ? actors : NULL;
    if (doc->agentfile.n) {
        if (join_path(agents, sizeof agents, v->dict_dir, doc->agentfile.p, doc->agentfile.n) < 0)
            return -1;
        files.agents = agents;
    }
    if (doc->discardfile.n) {
        if (join_path(discards, sizeof discards, v->dict_dir, doc->discardfile.p,
                      doc->discardfile.n) < 0)
            return -1;
        files.discards = discards;
    }
    if (doc->issuefile.n) {
        if (join_path(issues, sizeof issues, v->dict_dir, doc->issuefile.p, doc->issuefile.n) < 0)
            return -1;
        files.issues = issues;
    }
    dt_dict_options dopt;
    memset(&dopt, 0, sizeof dopt);
    dopt.on_warning = on_warning;
    dopt.ud = v;
    dt_dicts *nd = NULL;
    dt_error err;
    dt_error_clear(&err);
    int rc = dt_dicts_load_files(&files, &dopt, &nd, &err);
    if (rc < 0) {
        char msg[1024];
        dt_error_format(&err, msg, sizeof msg);
        dt_cli_errorf("loading dictionaries: %s", msg);
        dt_dicts_free(nd);
        /* running out of memory is an internal error, not bad input */
        return rc == DT_ENOMEM ? -2 : -1;
    }
    dt_coder *nc = NULL;
    rc = dt_coder_new(nd, &v->opt, &nc, &err);
    if (rc < 0) {
        dt_cli_errorf("creating the coder: %s", dt_strerror(rc));
        dt_dicts_free(nd);
        return -2;
    }
    dt_coder_free(v->coder);
    dt_dicts_free(v->dicts);
    v->dicts = nd;
    v->coder = nc;
    return 0;
}

int dt_cli_validate(int argc, char **argv)
{
    const char *file = NULL;
    vstate v;
    memset(&v, 0, sizeof v);
    int use_parse = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return DT_EXIT_OK;
        } else if (!strcmp(a, "--dict-dir") && i + 1 < argc) {
            v.dict_dir = argv[++i];
        } else if (!strncmp(a, "--dict-dir=", 11)) {
            v.dict_dir = a + 11;
        } else if (!strcmp(a, "--use-parse")) {
            use_parse = 1;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            v.verbose = 1;
        } else if (a[0] == '-' && a[1]) {
            dt_cli_errorf("validate: unknown option '%s'", a);
            usage(stderr);
            return DT_EXIT_INPUT;
        } else if (!file) {
            file = a;
        } else {
            dt_cli_errorf("validate: only one FILE.xml");
            return DT_EXIT_INPUT;
        }
    }
    if (!file || !v.dict_dir) {
        usage(stderr);
        return DT_EXIT_INPUT;
    }
    dt_coder_options_default(&v.opt);

    dt_error err;
    dt_error_clear(&err);
    dt_reader_opts ropt;
    memset(&ropt, 0, sizeof ropt);
    ropt.format = DT_INPUT_PETRARCH_XML;
    dt_reader *r = NULL;
    int orc = dt_reader_open(&r, file, &ropt, &err);
    if (orc < 0) {
        if (orc == DT_ENOMEM) {
            dt_cli_errorf("%s: out of memory", file);
            return DT_EXIT_INTERNAL;
        }
        char msg[1024];
        dt_error_format(&err, msg, sizeof msg);
        dt_cli_errorf("%s", msg);
        return DT_EXIT_INPUT;
    }
    dt_tagger *tagger = NULL;
    dt_arena *a = NULL, *ca = NULL;
    triple *gold = NULL, *got = NULL;
    size_t capgot = 64;
    unsigned long passed = 0, failed = 0;
    int exit_code = DT_EXIT_OK;
    int trc = dt_tagger_new(&tagger, &err);
    if (trc < 0) {
        dt_cli_errorf("cannot build the tagger: %s", dt_strerror(trc));
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    a = dt_arena_new(0);
    ca = dt_arena_new(0);
    gold = calloc(DT_MAX_GOLD, sizeof *gold);
    got = calloc(capgot, sizeof *got);
    if (!a || !ca || !gold || !got) {
        dt_cli_errorf("out of memory");
        exit_code = DT_EXIT_INTERNAL;
        goto done;
    }
    for (;;) {
        dt_arena_reset(a);
        dt_arena_reset(ca);
        dt_doc doc;
        dt_error_clear(&err);
        int rc = dt_reader_next(r, a, &doc, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            char msg[1024];
            dt_error_format(&err, msg, sizeof msg);
            if (rc == DT_ENOMEM) {
                dt_cli_errorf("%s: out of memory", file);
                exit_code = DT_EXIT_INTERNAL;
                break;
            }
            if (rc == DT_EIO) {
                dt_cli_errorf("%s", msg);
                exit_code = DT_EXIT_INPUT;
                break;
            }
            /* one rejected record: it counts as failed, the rest go on */
            printf("line-%llu FAIL rejected: %s\n", (unsigned long long)err.line, msg);
            failed++;
            continue;
        }
        if (doc.kind == DT_REC_ENV) {
            int lr = load_env(&v, &doc);
            if (lr < 0) {
                exit_code = lr == -2 ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
                break;
            }
            continue;
        }
        if (doc.kind == DT_REC_CONFIG) {
            char name[128], value[128];
            copy_view(name, sizeof name, doc.option.p, doc.option.n);
            copy_view(value, sizeof value, doc.value.p, doc.value.n);
            dt_error e2;
            dt_error_clear(&e2);
            if (dt_coder_options_set(&v.opt, name, value, &e2) < 0)
                fprintf(stderr, "detente: %s:%llu: <Config>: %s (ignored)\n", file,
                        (unsigned long long)doc.line, e2.msg);
            else if (v.coder)
                (void)dt_coder_set_option(v.coder, name, value, NULL);
            continue;
        }
        char id[256];
        copy_view(id, sizeof id, doc.id.p, doc.id.n);
        if (!id[0])
            snprintf(id, sizeof id, "line-%llu", (unsigned long long)doc.line);
        /* expected */
        char experr[64];
        copy_view(experr, sizeof experr, doc.error_expected.p, doc.error_expected.n);
        size_t ngold = 0;
        for (size_t i = 0; i < doc.ngold && i < DT_MAX_GOLD; i++) {
            copy_view(gold[ngold].s, sizeof gold[ngold].s, doc.gold[i].source.p,
                      doc.gold[i].source.n);
            copy_view(gold[ngold].t, sizeof gold[ngold].t, doc.gold[i].target.p,
                      doc.gold[i].target.n);
            copy_view(gold[ngold].c, sizeof gold[ngold].c, doc.gold[i].code.p, doc.gold[i].code.n);
            ngold++;
        }
        if (doc.noevents)
            ngold = 0;
        ngold = triple_set(gold, ngold);

        /* code */
        char goterr[64] = "";
        size_t ngot = 0;
        if (!v.coder) {
            snprintf(goterr, sizeof goterr, "no-environment");
        } else {
            dt_doctext dtext;
            dt_error e2;
            dt_error_clear(&e2);
            int ar;
            if (use_parse) {
                ar = dt_treebank_parse(tagger, ca, doc.parse.p, doc.parse.n, &dtext, &e2);
                if (ar < 0)
                    snprintf(goterr, sizeof goterr, "bad_input_parse");
            } else {
                /* The raw text is coded, but a record whose <Parse> is
                 * malformed is still a malformed record: reject it as
                 * PETRARCH does, whichever analysis we code from. */
                if (doc.parse.n > 0) {
                    dt_doctext scratch;
                    ar = dt_treebank_parse(NULL, ca, doc.parse.p, doc.parse.n, &scratch, &e2);
                    if (ar == DT_ENOMEM) {
                        dt_cli_errorf("%s: record %s: out of memory", file, id);
                        exit_code = DT_EXIT_INTERNAL;
                        break;
                    }
                    if (ar < 0) {
                        snprintf(goterr, sizeof goterr, "bad_input_parse");
                        goto judged;
                    }
                }
                ar = dt_text_analyse_sentence(ca, doc.text.p, doc.text.n, &dtext, &e2);
                if (ar >= 0)
                    ar = dt_tagger_tag(tagger, ca, &dtext, &e2);
                if (ar >= 0)
                    ar = dt_chunk_doc(tagger, ca, &dtext, &e2);
                if (ar < 0)
                    snprintf(goterr, sizeof goterr, "bad_input_text");
            }
            if (ar == DT_ENOMEM) {
                /* never report a memory failure as a failed record */
                dt_cli_errorf("%s: record %s: out of memory", file, id);
                exit_code = DT_EXIT_INTERNAL;
                break;
            }
            if (ar >= 0) {
                dt_code_doc cd;
                memset(&cd, 0, sizeof cd);
                cd.doc_id = doc.id;
                cd.sentence_id = doc.id;
                cd.date = doc.date;
                dt_event *ev = NULL;
                size_t nev = 0;
                int status = 0;
                int cr = dt_coder_code(v.coder, ca, &dtext, &cd, &ev, &nev, NULL, &status, &e2);
                if (cr == DT_ENOMEM) {
                    dt_cli_errorf("%s: record %s: out of memory", file, id);
                    exit_code = DT_EXIT_INTERNAL;
                    break;
                }
                if (cr < 0) {
                    snprintf(goterr, sizeof goterr, "coder:%s", dt_strerror(cr));
                } else if (status == DT_CODE_DISCARD_SENTENCE) {
                    snprintf(goterr, sizeof goterr, "sentencediscard");
                } else if (status == DT_CODE_DISCARD_STORY) {
                    snprintf(goterr, sizeof goterr, "storydiscard");
                } else {
                    if (nev > capgot) {
                        triple *ng = realloc(got, nev * sizeof *got);
                        if (!ng) {
                            dt_cli_errorf("out of memory");
                            exit_code = DT_EXIT_INTERNAL;
                            break;
                        }
                        got = ng;
                        capgot = nev;
                    }
                    for (size_t i = 0; i < nev; i++) {
                        copy_view(got[ngot].s, sizeof got[ngot].s, ev[i].source,
                                  strlen(ev[i].source));
                        copy_view(got[ngot].t, sizeof got[ngot].t, ev[i].target,
                                  strlen(ev[i].target));
                        copy_view(got[ngot].c, sizeof got[ngot].c, ev[i].code, strlen(ev[i].code));
                        ngot++;
                    }
                    ngot = triple_set(got, ngot);
                }
                if (v.verbose) {
                    char buf[8192];
                    for (size_t si = 0; si < dtext.nsent; si++) {
                        dt_coder_debug_phrases(v.coder, ca, &dtext, si, doc.date, buf, sizeof buf);
                        printf("# %s\n", buf);
                    }
                }
            }
        }
    judged:;
        int pass;
        if (experr[0])
            pass = strcmp(experr, goterr) == 0;
        else if (goterr[0])
            pass = 0;
        else if (ngold != ngot)
            pass = 0;
        else {
            pass = 1;
            for (size_t i = 0; i < ngold && pass; i++)
                pass = triple_cmp(&gold[i], &got[i]) == 0;
        }
        printf("%s %s", id, pass ? "PASS" : "FAIL");
        print_set(stdout, "expected", gold, ngold, experr);
        print_set(stdout, "got", got, ngot, goterr);
        putchar('\n');
        if (pass)
            passed++;
        else
            failed++;
    }
    if (exit_code != DT_EXIT_INTERNAL)
        printf("%lu passed, %lu failed\n", passed, failed);
done:
    free(gold);
    free(got);
    dt_arena_free(a);
    dt_arena_free(ca);
    dt_coder_free(v.coder);
    dt_dicts_free(v.dicts);
    dt_tagger_free(tagger);
    dt_reader_free(r);
    return exit_code;
}
