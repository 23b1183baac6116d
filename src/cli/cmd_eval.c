/* detente eval — score the coder against a gold set.
 *
 * Each gold record {"id","date","text","events":[{source,target,code}...]}
 * is coded as its own document (with its own date, so date-restricted
 * actors resolve as they would in production) and the multiset of coded
 * (source, target, code) triples is compared with the gold multiset.
 * Scores are micro-averaged over the whole set at two levels: full triples,
 * and (source country, target country, CAMEO root) where the country part
 * follows docs/actor-codes.md. docs/evaluation.md explains the figures.
 *
 * --predicted FILE scores a file of already coded events (detente code's
 * JSONL, matched to the gold by doc_id) instead of running the coder; that
 * lets other coders be scored and lets the arithmetic be tested with
 * hand-made predictions. */
#include "cli.h"

#include "detente/arena.h"
#include "detente/code.h"
#include "detente/common.h"
#include "detente/dict.h"
#include "detente/event.h"
#include "detente/reader.h"
#include "detente/tag.h"
#include "detente/text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ACTOR_FILES 64
#define CODE_MAX DT_ACTOR_CODE_MAX

typedef struct triple {
    char src[CODE_MAX], tgt[CODE_MAX], code[DT_EVENT_CODE_MAX];
} triple;

typedef struct record {
    char *id, *text;
    int32_t date;
    triple *gold, *pred;
    size_t ngold, npred, cap_pred;
    unsigned long line;
} record;

typedef struct counts {
    unsigned long tp, fp, fn;
} counts;

typedef struct eval_opts {
    const char *gold;
    const char *predicted;
    const char *dict_dir;
    const char *verbs, *agents, *discards, *issues;
    const char *actors[MAX_ACTOR_FILES];
    size_t nactors;
    int by_root, json, verbose;
} eval_opts;

static void usage(FILE *f)
{
    fputs("Usage: detente eval [OPTIONS] GOLD.jsonl\n"
          "\n"
          "Code each gold sentence and compare the coded (source, target, code)\n"
          "triples with the gold ones. Reports micro-averaged precision, recall and\n"
          "F1 on full triples and on (source country, target country, CAMEO root).\n"
          "A gold record is {\"id\", \"date\", \"text\", \"events\": [{\"source\",\n"
          "\"target\", \"code\"}, ...]} on one line (docs/evaluation.md).\n"
          "\n"
          "  --by-root          also print P/R/F1 for each CAMEO root\n"
          "  --json             print the figures as one JSON object\n"
          "  --verbose          list every miss and false alarm with its sentence\n"
          "  --predicted FILE   score these coded events (detente code JSONL, joined\n"
          "                     to the gold by doc_id) instead of coding\n"
          "Dictionaries (default: the built-in set), as for 'detente code':\n"
          "  --dict DIR|CACHE, --verbs FILE, --actors FILE (repeatable),\n"
          "  --agents FILE, --discards FILE, --issues FILE\n"
          "  -h, --help         this help\n"
          "\n"
          "Exit status: 0 success, 1 bad input or usage, 2 internal error.\n",
          f);
}

static int parse_args(int argc, char **argv, eval_opts *o, int *stop)
{
    memset(o, 0, sizeof *o);
    *stop = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            if (o->gold) {
                dt_cli_errorf("eval: one gold file only ('%s' and '%s')", o->gold, a);
                *stop = 1;
                return DT_EXIT_INPUT;
            }
            o->gold = a;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            *stop = 1;
            return DT_EXIT_OK;
        }
        if (!strcmp(a, "--by-root")) {
            o->by_root = 1;
            continue;
        }
        if (!strcmp(a, "--json")) {
            o->json = 1;
            continue;
        }
        if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            o->verbose = 1;
            continue;
        }
        static const char *const with_value[] = {"--dict",   "--dict-dir", "--verbs",
                                                 "--actors", "--agents",   "--discards",
                                                 "--issues", "--predicted"};
        const char *name = NULL, *val = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t n = strlen(with_value[k]);
            if (!strncmp(a, with_value[k], n) && (a[n] == '\0' || a[n] == '=')) {
                name = with_value[k];
                if (a[n] == '=')
                    val = a + n + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                break;
            }
        }
        if (!name) {
            dt_cli_errorf("eval: unknown option '%s' (see 'detente eval --help')", a);
            *stop = 1;
            return DT_EXIT_INPUT;
        }
        if (!val) {
            dt_cli_errorf("eval: option %s needs a value", name);
            *stop = 1;
            return DT_EXIT_INPUT;
        }
        if (!strcmp(name, "--dict") || !strcmp(name, "--dict-dir"))
            o->dict_dir = val;
        else if (!strcmp(name, "--verbs"))
            o->verbs = val;
        else if (!strcmp(name, "--agents"))
            o->agents = val;
        else if (!strcmp(name, "--discards"))
            o->discards = val;
        else if (!strcmp(name, "--issues"))
            o->issues = val;
        else if (!strcmp(name, "--predicted"))
            o->predicted = val;
        else if (!strcmp(name, "--actors")) {
            if (o->nactors == MAX_ACTOR_FILES) {
                dt_cli_errorf("eval: more than %d --actors files", MAX_ACTOR_FILES);
                *stop = 1;
                return DT_EXIT_INPUT;
            }
            o->actors[o->nactors++] = val;
        }
    }
    if (!o->gold) {
        usage(stderr);
        *stop = 1;
        return DT_EXIT_INPUT;
    }
    return 0;
}

/* ---- reading ---------------------------------------------------------- */

static int set_field(char *dst, size_t cap, json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !s[0] || strlen(s) >= cap)
        return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int push_triple(triple **arr, size_t *n, size_t *cap, const triple *t)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        triple *na = realloc(*arr, nc * sizeof *na);
        if (!na)
            return -1;
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = *t;
    return 0;
}

/* An event object {source, target, code} into *t; -1 if a field is
 * missing or not a string. */
static int parse_triple(json_t *e, triple *t)
{
    memset(t, 0, sizeof *t);
    if (!json_is_object(e))
        return -1;
    if (set_field(t->src, sizeof t->src, json_object_get(e, "source")) < 0 ||
        set_field(t->tgt, sizeof t->tgt, json_object_get(e, "target")) < 0 ||
        set_field(t->code, sizeof t->code, json_object_get(e, "code")) < 0)
        return -1;
    return 0;
}

static void records_free(record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].id);
        free(r[i].text);
        free(r[i].gold);
        free(r[i].pred);
    }
    free(r);
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Every bad record is reported (file:line: reason) and makes the run fail
 * with status 1: a gold set with a broken record would silently score a
 * different set. Returns 0, DT_EXIT_INPUT or DT_EXIT_INTERNAL. */
static int read_gold(const char *path, record **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        dt_cli_errorf("%s: cannot open gold file", path);
        return DT_EXIT_INPUT;
    }
    record *recs = NULL;
    size_t n = 0, cap = 0;
    int status = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        size_t k = 0;
        while (k < (size_t)len &&
               (line[k] == ' ' || line[k] == '\t' || line[k] == '\r' || line[k] == '\n'))
            k++;
        if (k == (size_t)len)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)len, 0, &jerr);
        if (!o || !json_is_object(o)) {
            dt_cli_errorf("%s:%lu: not a JSON object: %s", path, lineno, o ? "" : jerr.text);
            json_decref(o);
            status = DT_EXIT_INPUT;
            continue;
        }
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *text = json_string_value(json_object_get(o, "text"));
        const char *date = json_string_value(json_object_get(o, "date"));
        json_t *evs = json_object_get(o, "events");
        int32_t d = 0;
        const char *why = NULL;
        if (!id || !id[0])
            why = "missing \"id\"";
        else if (!text)
            why = "missing \"text\"";
        else if (!date || dt_date_parse(date, strlen(date), &d) < 0)
            why = "missing or bad \"date\" (want YYYY-MM-DD)";
        else if (!json_is_array(evs))
            why = "\"events\" must be an array ([] when nothing is coded)";
        for (size_t i = 0; i < n && !why; i++)
            if (!strcmp(recs[i].id, id))
                why = "duplicate \"id\"";
        if (why) {
            dt_cli_errorf("%s:%lu: %s", path, lineno, why);
            json_decref(o);
            status = DT_EXIT_INPUT;
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            record *nr = realloc(recs, nc * sizeof *nr);
            if (!nr)
                goto nomem;
            recs = nr;
            cap = nc;
        }
        record *r = &recs[n];
        memset(r, 0, sizeof *r);
        n++;
        r->line = lineno;
        r->date = d;
        r->id = xstrdup(id);
        r->text = xstrdup(text);
        if (!r->id || !r->text)
            goto nomem;
        size_t gcap = 0;
        for (size_t i = 0; i < json_array_size(evs); i++) {
            triple t;
            if (parse_triple(json_array_get(evs, i), &t) < 0) {
                dt_cli_errorf("%s:%lu: event %zu needs string \"source\", \"target\" and "
                              "\"code\"",
                              path, lineno, i + 1);
                status = DT_EXIT_INPUT;
                continue;
            }
            if (push_triple(&r->gold, &r->ngold, &gcap, &t) < 0)
                goto nomem;
        }
        json_decref(o);
        continue;
    nomem:
        json_decref(o);
        dt_cli_errorf("%s: out of memory", path);
        status = DT_EXIT_INTERNAL;
        break;
    }
    free(line);
    fclose(f);
    *out = recs;
    *nout = n;
    return status;
}

/* Coded events from a detente code JSONL file, joined by doc_id. Events
 * whose doc_id is not in the gold are an error: they would otherwise be
 * dropped without a trace. */
static int read_predicted(const char *path, record *recs, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dt_cli_errorf("%s: cannot open predicted events", path);
        return DT_EXIT_INPUT;
    }
    int status = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)len, 0, &jerr);
        triple t;
        const char *id = o ? json_string_value(json_object_get(o, "doc_id")) : NULL;
        if (!o || !id || parse_triple(o, &t) < 0) {
            dt_cli_errorf("%s:%lu: want an event with doc_id, source, target, code", path, lineno);
            json_decref(o);
            status = DT_EXIT_INPUT;
            continue;
        }
        size_t i = 0;
        while (i < n && strcmp(recs[i].id, id))
            i++;
        if (i == n) {
            dt_cli_errorf("%s:%lu: doc_id '%s' is not in the gold set", path, lineno, id);
            status = DT_EXIT_INPUT;
        } else if (push_triple(&recs[i].pred, &recs[i].npred, &recs[i].cap_pred, &t) < 0) {
            json_decref(o);
            status = DT_EXIT_INTERNAL;
            break;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return status;
}

/* ---- coding ----------------------------------------------------------- */

static int load_dicts(const eval_opts *o, dt_dicts **out)
{
    dt_error err;
    dt_error_clear(&err);
    int rc;
    int named = o->verbs || o->agents || o->discards || o->issues || o->nactors;
    if (named) {
        dt_dict_files files;
        memset(&files, 0, sizeof files);
        files.verbs = o->verbs;
        files.agents = o->agents;
        files.discards = o->discards;
        files.issues = o->issues;
        files.actors = o->actors;
        files.nactors = o->nactors;
        rc = dt_dicts_load_files(&files, NULL, out, &err);
    } else if (o->dict_dir) {
        rc = dt_dicts_load_dir(o->dict_dir, NULL, out, &err);
    } else {
        rc = dt_dicts_load_builtin(NULL, out, &err);
    }
    if (rc < 0) {
        char buf[900];
        dt_error_format(&err, buf, sizeof buf);
        dt_cli_errorf("%s", buf);
        dt_dicts_free(*out);
        *out = NULL;
        return rc == DT_ENOMEM ? DT_EXIT_INTERNAL : DT_EXIT_INPUT;
    }
    return 0;
}

/* *refused counts the sentences the analyser rejected: they score as
 * coding nothing, and the run ends with status 1 so that a gold sentence
 * the product cannot read is never a silent miss. */
static int code_all(const eval_opts *o, record *recs, size_t n, size_t *refused)
{
    *refused = 0;
    dt_dicts *dicts = NULL;
    int status = load_dicts(o, &dicts);
    if (status)
        return status;
    dt_error err;
    dt_error_clear(&err);
    dt_tagger *tagger = NULL;
    dt_coder *coder = NULL;
    dt_arena *a = dt_arena_new(0);
    if (!a || dt_tagger_new(&tagger, &err) < 0 || dt_coder_new(dicts, NULL, &coder, &err) < 0) {
        dt_cli_errorf("eval: cannot set up the coder: %s", err.msg[0] ? err.msg : "out of memory");
        status = DT_EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < n && !status; i++) {
        record *r = &recs[i];
        dt_arena_reset(a);
        dt_error_clear(&err);
        dt_doctext dtext;
        memset(&dtext, 0, sizeof dtext);
        int rc = dt_analyse(tagger, a, r->text, strlen(r->text), &dtext, &err);
        if (rc < 0) {
            (*refused)++;
            dt_cli_errorf("%s:%lu: %s: %s", o->gold, r->line, r->id,
                          err.msg[0] ? err.msg : dt_strerror(rc));
            if (rc == DT_ENOMEM || rc == DT_EINTERNAL)
                status = DT_EXIT_INTERNAL;
            continue;
        }
        dt_code_doc cdoc;
        memset(&cdoc, 0, sizeof cdoc);
        cdoc.doc_id = (dt_str){r->id, strlen(r->id)};
        cdoc.date = r->date;
        dt_event *ev = NULL;
        size_t nev = 0;
        rc = dt_coder_code(coder, a, &dtext, &cdoc, &ev, &nev, NULL, NULL, &err);
        if (rc < 0) {
            dt_cli_errorf("%s:%lu: %s: %s", o->gold, r->line, r->id,
                          err.msg[0] ? err.msg : dt_strerror(rc));
            status = DT_EXIT_INTERNAL;
            break;
        }
        for (size_t k = 0; k < nev; k++) {
            triple t;
            memset(&t, 0, sizeof t);
            snprintf(t.src, sizeof t.src, "%s", ev[k].source);
            snprintf(t.tgt, sizeof t.tgt, "%s", ev[k].target);
            snprintf(t.code, sizeof t.code, "%s", ev[k].code);
            if (push_triple(&r->pred, &r->npred, &r->cap_pred, &t) < 0) {
                status = DT_EXIT_INTERNAL;
                break;
            }
        }
    }
done:
    dt_coder_free(coder);
    dt_tagger_free(tagger);
    dt_arena_free(a);
    dt_dicts_free(dicts);
    return status;
}

/* ---- scoring ---------------------------------------------------------- */

/* The country part of an actor code (docs/actor-codes.md): the first six
 * letters of IGO/NGO/IMG codes, otherwise the first three. */
static size_t country_len(const char *code)
{
    size_t n = strlen(code);
    size_t k =
        (!strncmp(code, "IGO", 3) || !strncmp(code, "NGO", 3) || !strncmp(code, "IMG", 3)) ? 6 : 3;
    return n < k ? n : k;
}

static int same_prefix(const char *a, const char *b, size_t (*part)(const char *))
{
    size_t n = part(a), m = part(b);
    return n == m && !memcmp(a, b, n);
}

static size_t root_len(const char *code)
{
    size_t n = strlen(code);
    return n < 2 ? n : 2;
}

static int triple_eq(const triple *a, const triple *b, int coarse)
{
    if (!coarse)
        return !strcmp(a->src, b->src) && !strcmp(a->tgt, b->tgt) && !strcmp(a->code, b->code);
    return same_prefix(a->src, b->src, country_len) && same_prefix(a->tgt, b->tgt, country_len) &&
           same_prefix(a->code, b->code, root_len);
}

static int root_index(const char *code)
{
    if (code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9')
        return 0;
    int r = (code[0] - '0') * 10 + (code[1] - '0');
    return r >= 1 && r <= 20 ? r : 0; /* 0: not a CAMEO root */
}

typedef struct scores {
    counts full, coarse;
    counts root_full[21], root_coarse[21];
} scores;

/* Multiset matching inside one sentence: each gold triple can be matched
 * by at most one predicted triple. Greedy matching is exact here because
 * equality is an equivalence relation at both levels. matched_g/matched_p
 * receive the flags (sized ngold / npred). */
static void match(const record *r, int coarse, char *mg, char *mp)
{
    memset(mg, 0, r->ngold);
    memset(mp, 0, r->npred);
    for (size_t p = 0; p < r->npred; p++)
        for (size_t g = 0; g < r->ngold; g++)
            if (!mg[g] && triple_eq(&r->pred[p], &r->gold[g], coarse)) {
                mg[g] = 1;
                mp[p] = 1;
                break;
            }
}

static void print_triple(FILE *f, const triple *t)
{
    fprintf(f, "%s %s %s", t->src, t->tgt, t->code);
}

static int score(const eval_opts *o, const record *recs, size_t n, scores *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        const record *r = &recs[i];
        char *mg = malloc(r->ngold + 1), *mp = malloc(r->npred + 1);
        if (!mg || !mp) {
            free(mg);
            free(mp);
            return DT_EXIT_INTERNAL;
        }
        for (int coarse = 0; coarse < 2; coarse++) {
            match(r, coarse, mg, mp);
            counts *tot = coarse ? &s->coarse : &s->full;
            counts *byr = coarse ? s->root_coarse : s->root_full;
            for (size_t g = 0; g < r->ngold; g++) {
                if (mg[g])
                    tot->tp++, byr[root_index(r->gold[g].code)].tp++;
                else
                    tot->fn++, byr[root_index(r->gold[g].code)].fn++;
            }
            for (size_t p = 0; p < r->npred; p++)
                if (!mp[p])
                    tot->fp++, byr[root_index(r->pred[p].code)].fp++;
            if (o->verbose && !coarse) {
                for (size_t g = 0; g < r->ngold; g++)
                    if (!mg[g]) {
                        fprintf(stdout, "MISS  %s: ", r->id);
                        print_triple(stdout, &r->gold[g]);
                        fprintf(stdout, "\t%s\n", r->text);
                    }
                for (size_t p = 0; p < r->npred; p++)
                    if (!mp[p]) {
                        fprintf(stdout, "FALSE %s: ", r->id);
                        print_triple(stdout, &r->pred[p]);
                        fprintf(stdout, "\t%s\n", r->text);
                    }
            }
        }
        free(mg);
        free(mp);
    }
    return 0;
}

/* Precision is 1 when nothing was predicted and recall 1 when nothing was
 * expected (no error made); F1 is 0 when both P and R are 0. */
static void prf(const counts *c, double *p, double *r, double *f)
{
    *p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 1.0;
    *r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 1.0;
    *f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

static void print_line(const char *label, const counts *c)
{
    double p, r, f;
    prf(c, &p, &r, &f);
    printf("%-22s P %.3f  R %.3f  F1 %.3f  (tp %lu, fp %lu, fn %lu)\n", label, p, r, f, c->tp,
           c->fp, c->fn);
}

static void json_counts(const char *key, const counts *c, int comma)
{
    double p, r, f;
    prf(c, &p, &r, &f);
    printf("\"%s\":{\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f,\"tp\":%lu,\"fp\":%lu,"
           "\"fn\":%lu}%s",
           key, p, r, f, c->tp, c->fp, c->fn, comma ? "," : "");
}

static void report(const eval_opts *o, const record *recs, size_t n, const scores *s)
{
    size_t ngold = 0, npred = 0, nempty = 0;
    for (size_t i = 0; i < n; i++) {
        ngold += recs[i].ngold;
        npred += recs[i].npred;
        nempty += recs[i].ngold == 0;
    }
    if (o->json) {
        printf("{\"sentences\":%zu,\"sentences_without_events\":%zu,\"gold_events\":%zu,"
               "\"coded_events\":%zu,",
               n, nempty, ngold, npred);
        json_counts("full", &s->full, 1);
        json_counts("country_root", &s->coarse, o->by_root);
        if (o->by_root) {
            printf("\"by_root\":{");
            int first = 1;
            for (int k = 0; k <= 20; k++) {
                const counts *cf = &s->root_full[k], *cc = &s->root_coarse[k];
                if (!cf->tp && !cf->fp && !cf->fn && !cc->tp && !cc->fp && !cc->fn)
                    continue;
                char key[8];
                if (k)
                    snprintf(key, sizeof key, "%02d", k);
                else
                    snprintf(key, sizeof key, "other");
                printf("%s\"%s\":{", first ? "" : ",", key);
                json_counts("full", cf, 1);
                json_counts("country_root", cc, 0);
                printf("}");
                first = 0;
            }
            printf("}");
        }
        printf("}\n");
        return;
    }
    printf("detente eval: %zu sentences (%zu without events), %zu gold events, %zu coded\n", n,
           nempty, ngold, npred);
    print_line("full triples", &s->full);
    print_line("country+country+root", &s->coarse);
    if (o->by_root) {
        printf("\nroot  gold  coded   full: P     R     F1    country+root: P     R     F1\n");
        for (int k = 0; k <= 20; k++) {
            const counts *cf = &s->root_full[k], *cc = &s->root_coarse[k];
            if (!cf->tp && !cf->fp && !cf->fn)
                continue;
            double p1, r1, f1, p2, r2, f2;
            prf(cf, &p1, &r1, &f1);
            prf(cc, &p2, &r2, &f2);
            char key[8];
            if (k)
                snprintf(key, sizeof key, "%02d", k);
            else
                snprintf(key, sizeof key, "??");
            printf("%-4s %5lu %6lu        %.3f %.3f %.3f               %.3f %.3f %.3f\n", key,
                   cf->tp + cf->fn, cf->tp + cf->fp, p1, r1, f1, p2, r2, f2);
        }
    }
}

int dt_cli_eval(int argc, char **argv)
{
    eval_opts o;
    int stop;
    int rc = parse_args(argc, argv, &o, &stop);
    if (stop)
        return rc;
    record *recs = NULL;
    size_t n = 0, refused = 0;
    int status = read_gold(o.gold, &recs, &n);
    if (status) {
        records_free(recs, n);
        return status;
    }
    if (o.predicted)
        status = read_predicted(o.predicted, recs, n);
    else
        status = code_all(&o, recs, n, &refused);
    if (status) {
        records_free(recs, n);
        return status;
    }
    scores s;
    status = score(&o, recs, n, &s);
    if (!status)
        report(&o, recs, n, &s);
    records_free(recs, n);
    if (fflush(stdout) != 0)
        return DT_EXIT_INTERNAL;
    if (!status && refused) {
        dt_cli_errorf("eval: %zu gold %s could not be analysed (scored as coding nothing)", refused,
                      refused == 1 ? "sentence" : "sentences");
        return DT_EXIT_INPUT;
    }
    return status;
}
