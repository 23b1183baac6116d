/* detente analyse (alias: tag) — show how the library sees each sentence:
 * tokens with tag, lemma, chunk (BIO) and clause, then the chunk list with
 * flags and the main verb group. This is the tool a dictionary writer uses
 * to see why a pattern did or did not match, so the plain output is meant
 * to be read by people; --json gives one JSON object per sentence.
 * Exit status: 0 ok, 1 bad input or usage, 2 internal error. */
#include "cli.h"

#include "detente/arena.h"
#include "detente/reader.h"
#include "detente/tag.h"
#include "detente/text.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef struct an_opts {
    int input;
    int32_t date;
    int json;
    int use_parse;
} an_opts;

static void usage(FILE *f)
{
    fputs("Usage: detente analyse [OPTIONS] [FILE...]   (alias: detente tag)\n"
          "\n"
          "Tokenise, tag and chunk documents (FILE..., or standard input) and show, for\n"
          "each sentence, every token with its part of speech, lemma, chunk and clause,\n"
          "then the chunks with their flags and the main verb group.\n"
          "\n"
          "  --input FORMAT     jsonl, text or petrarch-xml (default: detect)\n"
          "  --date YYYY-MM-DD  date for documents that carry none\n"
          "  --use-parse        petrarch-xml: analyse the record's <Parse> tree\n"
          "                     instead of its raw text\n"
          "  --json             one JSON object per sentence\n"
          "  -h, --help         this help\n"
          "\n"
          "Plain output columns: index, token, tag, lemma, chunk (B-/I- BIO), clause.\n"
          "Chunk flags: MAIN main verb group, SAY attribution verb, PASSIVE, NEG,\n"
          "MODAL, INF (to + verb), REL (opens a relative clause), COORD (coordinated\n"
          "NP), CLAUSE (first chunk of a clause).\n",
          f);
}

static const struct {
    unsigned bit;
    const char *name;
} flag_names[] = {{DT_CH_MAIN, "MAIN"},    {DT_CH_SAY, "SAY"},     {DT_CH_PASSIVE, "PASSIVE"},
                  {DT_CH_NEGATED, "NEG"},  {DT_CH_MODAL, "MODAL"}, {DT_CH_INFINITIVE, "INF"},
                  {DT_CH_RELATIVE, "REL"}, {DT_CH_COORD, "COORD"}, {DT_CH_CLAUSE_START, "CLAUSE"}};

static void print_span(FILE *f, const dt_doctext *d, uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < first + n; i++) {
        const dt_token *t = &d->tok[i];
        fprintf(f, "%s%.*s", i > first ? " " : "", (int)t->len, d->text + t->off);
    }
}

static void print_sentence_text(FILE *f, const dt_doctext *d, const dt_sentence *s)
{
    fprintf(f, "%.*s", (int)s->len, d->text + s->off);
}

static void print_plain(FILE *f, const dt_doc *doc, const dt_doctext *d, size_t si)
{
    const dt_sentence *s = &d->sent[si];
    fprintf(f, "# doc %.*s sentence %zu: ", (int)doc->id.n, doc->id.p ? doc->id.p : "", si);
    print_sentence_text(f, d, s);
    fputc('\n', f);
    uint32_t ch = s->chunk, chend = s->chunk + s->nchunk;
    for (uint32_t i = s->tok; i < s->tok + s->ntok; i++) {
        const dt_token *t = &d->tok[i];
        while (ch < chend && d->chunk[ch].first + d->chunk[ch].n <= i)
            ch++;
        char bio[16] = "O";
        if (ch < chend && d->chunk[ch].first <= i) {
            snprintf(bio, sizeof bio, "%s-%s", d->chunk[ch].first == i ? "B" : "I",
                     dt_chunk_name(d->chunk[ch].type));
        }
        fprintf(f, "  %3u  %-20.*s %-5s %-16s %-7s %u\n", i - s->tok, (int)t->len, d->text + t->off,
                dt_pos_name(t->pos), t->lemma ? t->lemma : "-", bio, t->clause);
    }
    fputs("  chunks:\n", f);
    for (uint32_t k = s->chunk; k < chend; k++) {
        const dt_chunk *c = &d->chunk[k];
        fprintf(f, "    %-4s [", dt_chunk_name(c->type));
        print_span(f, d, c->first, c->n);
        fputs("]", f);
        const dt_token *h = &d->tok[c->head];
        fprintf(f, " head=%.*s", (int)h->len, d->text + h->off);
        for (size_t b = 0; b < sizeof flag_names / sizeof flag_names[0]; b++)
            if (c->flags & flag_names[b].bit)
                fprintf(f, " %s", flag_names[b].name);
        fputc('\n', f);
    }
    if (s->main_vp != UINT32_MAX) {
        const dt_chunk *m = &d->chunk[s->main_vp];
        fputs("  main verb group: ", f);
        print_span(f, d, m->first, m->n);
        fputc('\n', f);
    } else {
        fputs("  main verb group: (none)\n", f);
    }
    fputc('\n', f);
}

static json_t *jstr(const char *p, size_t n)
{
    return json_stringn(p ? p : "", p ? n : 0);
}

static int print_json(FILE *f, const dt_doc *doc, const dt_doctext *d, size_t si)
{
    const dt_sentence *s = &d->sent[si];
    json_t *o = json_object(), *toks = json_array(), *chunks = json_array();
    if (!o || !toks || !chunks)
        return -1;
    json_object_set_new(o, "doc_id", jstr(doc->id.p, doc->id.n));
    json_object_set_new(o, "sentence", json_integer((json_int_t)si));
    json_object_set_new(o, "text", jstr(d->text + s->off, s->len));
    for (uint32_t i = s->tok; i < s->tok + s->ntok; i++) {
        const dt_token *t = &d->tok[i];
        json_t *jt = json_object();
        json_object_set_new(jt, "text", jstr(d->text + t->off, t->len));
        json_object_set_new(jt, "norm", jstr(t->norm, t->norm_len));
        json_object_set_new(jt, "pos", json_string(dt_pos_name(t->pos)));
        json_object_set_new(jt, "lemma", t->lemma ? json_string(t->lemma) : json_null());
        json_object_set_new(jt, "chunk", json_string(dt_chunk_name(t->chunk)));
        json_object_set_new(jt, "clause", json_integer(t->clause));
        json_object_set_new(jt, "start", json_integer(t->off));
        json_object_set_new(jt, "end", json_integer((json_int_t)t->off + t->len));
        json_array_append_new(toks, jt);
    }
    for (uint32_t k = s->chunk; k < s->chunk + s->nchunk; k++) {
        const dt_chunk *c = &d->chunk[k];
        json_t *jc = json_object(), *fl = json_array();
        json_object_set_new(jc, "type", json_string(dt_chunk_name(c->type)));
        json_object_set_new(jc, "first", json_integer(c->first - s->tok));
        json_object_set_new(jc, "n", json_integer(c->n));
        json_object_set_new(jc, "head", json_integer(c->head - s->tok));
        for (size_t b = 0; b < sizeof flag_names / sizeof flag_names[0]; b++)
            if (c->flags & flag_names[b].bit)
                json_array_append_new(fl, json_string(flag_names[b].name));
        json_object_set_new(jc, "flags", fl);
        json_array_append_new(chunks, jc);
    }
    json_object_set_new(o, "tokens", toks);
    json_object_set_new(o, "chunks", chunks);
    json_object_set_new(
        o, "main_vp", s->main_vp == UINT32_MAX ? json_null() : json_integer(s->main_vp - s->chunk));
    char *txt = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!txt)
        return -1;
    fputs(txt, f);
    fputc('\n', f);
    free(txt);
    return 0;
}

static int analyse_file(const dt_tagger *tg, const char *path, const an_opts *o, int *rejected)
{
    dt_reader_opts ro = {o->input, o->date, NULL};
    dt_reader *r;
    dt_error err;
    if (dt_reader_open(&r, path, &ro, &err) < 0) {
        char buf[1024];
        dt_error_format(&err, buf, sizeof buf);
        dt_cli_errorf("%s", buf);
        return DT_EXIT_INPUT;
    }
    dt_arena *a = dt_arena_new(0);
    if (!a) {
        dt_reader_free(r);
        dt_cli_errorf("out of memory");
        return DT_EXIT_INTERNAL;
    }
    int status = DT_EXIT_OK;
    for (;;) {
        dt_arena_reset(a);
        dt_doc doc;
        int rc = dt_reader_next(r, a, &doc, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            char buf[1024];
            dt_error_format(&err, buf, sizeof buf);
            dt_cli_errorf("%s", buf);
            if (rc == DT_ENOMEM || rc == DT_EIO || rc == DT_EINTERNAL) {
                status = DT_EXIT_INTERNAL;
                break;
            }
            (*rejected)++;
            continue;
        }
        if (doc.kind != DT_REC_DOC)
            continue;
        if (dt_cli_report_repair(&doc))
            (*rejected)++; /* counted as bad input; its good text is still shown */
        dt_doctext d;
        if (o->use_parse && doc.parse.n)
            rc = dt_treebank_parse(tg, a, doc.parse.p, doc.parse.n, &d, &err);
        else
            rc = dt_analyse(tg, a, doc.text.p, doc.text.n, &d, &err);
        if (rc < 0) {
            dt_cli_errorf("%s:%llu: %s: %s", path ? path : "<stdin>", (unsigned long long)doc.line,
                          dt_strerror(rc), err.msg);
            if (rc == DT_ENOMEM) {
                status = DT_EXIT_INTERNAL;
                break;
            }
            (*rejected)++;
            continue;
        }
        for (size_t si = 0; si < d.nsent; si++) {
            if (o->json) {
                if (print_json(stdout, &doc, &d, si) < 0) {
                    dt_cli_errorf("out of memory");
                    status = DT_EXIT_INTERNAL;
                    break;
                }
            } else {
                print_plain(stdout, &doc, &d, si);
            }
        }
        if (status != DT_EXIT_OK)
            break;
    }
    dt_arena_free(a);
    dt_reader_free(r);
    return status;
}

int dt_cli_analyse(int argc, char **argv)
{
    an_opts o = {DT_INPUT_AUTO, 0, 0, 0};
    const char *files[256];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage(stdout);
            return DT_EXIT_OK;
        } else if (!strcmp(arg, "--json")) {
            o.json = 1;
        } else if (!strcmp(arg, "--use-parse")) {
            o.use_parse = 1;
        } else if (!strcmp(arg, "--input") || !strcmp(arg, "--date")) {
            if (i + 1 >= argc) {
                dt_cli_errorf("%s needs a value", arg);
                return DT_EXIT_INPUT;
            }
            const char *v = argv[++i];
            if (!strcmp(arg, "--input")) {
                o.input = dt_input_format_from_name(v);
                if (o.input < 0) {
                    dt_cli_errorf("--input: unknown format '%s' (jsonl, text, petrarch-xml)", v);
                    return DT_EXIT_INPUT;
                }
            } else if (dt_date_parse(v, strlen(v), &o.date) < 0) {
                dt_cli_errorf("--date: bad date '%s' (want YYYY-MM-DD)", v);
                return DT_EXIT_INPUT;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            dt_cli_errorf("analyse: unknown option '%s' (see --help)", arg);
            return DT_EXIT_INPUT;
        } else {
            if (nfiles == (int)(sizeof files / sizeof files[0])) {
                dt_cli_errorf("too many files (max 256 per run)");
                return DT_EXIT_INPUT;
            }
            files[nfiles++] = arg;
        }
    }
    dt_tagger *tg;
    dt_error err;
    if (dt_tagger_new(&tg, &err) < 0) {
        dt_cli_errorf("cannot build the tagger: %s", err.msg);
        return DT_EXIT_INTERNAL;
    }
    int status = DT_EXIT_OK, rejected = 0;
    if (nfiles == 0) {
        status = analyse_file(tg, NULL, &o, &rejected);
    } else {
        for (int k = 0; k < nfiles && status != DT_EXIT_INTERNAL; k++) {
            int st = analyse_file(tg, files[k], &o, &rejected);
            if (st > status)
                status = st;
        }
    }
    dt_tagger_free(tg);
    if (status == DT_EXIT_OK && rejected)
        status = DT_EXIT_INPUT;
    if (fflush(stdout) != 0) {
        dt_cli_errorf("write error on standard output");
        return DT_EXIT_INTERNAL;
    }
    return status;
}
