/* evset: actor patterns, filters, JSONL read-back (bad lines reported with
 * file:line, the others kept; gzip), and the SQLite store read-back, which
 * must give the same records as the JSONL of the same events for every
 * filter. */
#include "dt_test.h"

#include "detente/evset.h"
#include "detente/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static void test_patterns(void)
{
    struct {
        const char *pat, *code;
        int want;
    } t[] = {
        {"PRK", "PRK", 1},
        {"PRK", "PRKGOV", 1},
        {"PRK", "PRKGOVMIL", 1},
        {"PRK", "KORPRK", 0},
        {"PR", "PRK", 0},
        {"PR", "PR", 1},
        {"PRKGOV", "PRKGOVMIL", 1},
        {"PRKGOV", "PRK", 0},
        {"=PRKGOV", "PRKGOV", 1},
        {"=PRKGOV", "PRKGOVMIL", 0},
        {"=PRK", "PRKGOV", 0},
        {"PRK*GOV*", "PRKGOV", 1},
        {"PRK*GOV*", "PRKMILGOV", 1},
        {"PRK*GOV*", "PRKMIL", 0},
        {"*GOV", "USAGOV", 1},
        {"*GOV", "USAGOVMIL", 0},
        {"US?", "USA", 1},
        {"US?", "USAGOV", 0},
        {":MIL", "PRKMIL", 1},
        {":MIL", "PRKGOVMIL", 1},
        {":MIL", "PMILKR", 0},
        {":MIL", "USAGOV", 0},
        {":GOV", "---GOV", 1},
        {"", "PRK", 0},
        {"*", "", 1},
        {"**A*", "ABA", 1},
        {"*A*B*C", "XAYBZC", 1},
        {"*A*B*C", "XAYBZ", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int got = dt_actor_match(t[i].pat, t[i].code);
        if (got != t[i].want)
            fprintf(stderr, "pattern '%s' code '%s'\n", t[i].pat, t[i].code);
        DT_CHECK_INT(got, t[i].want);
    }
    DT_CHECK_INT(dt_actor_match(NULL, "PRK"), 0);
    dt_error err;
    const char *good[] = {"PRK", "=PRKGOV", "PRK*", ":MIL", "---", "A?C"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        DT_CHECK_INT(dt_actor_pattern_check(good[i], &err), DT_OK);
    const char *bad[] = {"",      "=",     ":",    "prk",   "PRK GOV", "PRK,USA",
                         ":MILX", "=PRK*", ":M*L", "PR[K]", "PRK%",    "A_B"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        DT_CHECK_INT(dt_actor_pattern_check(bad[i], &err), DT_EINVAL);
        DT_CHECK(err.msg[0] != '\0');
    }
    DT_CHECK_INT(dt_actor_pattern_check(NULL, &err), DT_EINVAL);
}

/* ---- a synthetic corpus written both as JSONL and as a store --------- */

static const char *ACT[] = {"USA", "USAGOV", "PRK", "PRKGOV", "PRKMIL", "KOR", "CHNGOV", "RUS"};
static const char *CODES[] = {"042", "190", "163", "051", "1721", "036", "111", "0831"};

#define NDOC 60

static void make_corpus(const char *jsonl, const char *db)
{
    FILE *f = fopen(jsonl, "w");
    DT_CHECK(f != NULL);
    dt_sink *s = NULL;
    dt_error err;
    char spec[320];
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    unlink(db);
    DT_CHECK_INT(dt_sink_open(&s, spec, NULL, &err), DT_OK);
    dt_run_info run = {0};
    DT_CHECK_INT(dt_sink_begin_run(s, &run, &err), DT_OK);
    unsigned seed = 7;
    for (int d = 0; d < NDOC; d++) {
        char id[32], text[256];
        snprintf(id, sizeof id, "doc-%02d", d);
        int n0 = snprintf(text, sizeof text, "Alpha %d met Beta. ", d);
        snprintf(text + n0, sizeof text - (size_t)n0, "Gamma warned Delta about item %d.", d);
        size_t len = strlen(text);
        dt_span sent[2] = {{0, (uint32_t)n0 - 1}, {(uint32_t)n0, (uint32_t)(len - (size_t)n0)}};
        /* Two days a month across 2019-2020; some documents share a day so
         * that one-a-day has work. */
        int32_t date = 20190000 + (d / 4) * 100 + 100 + (d % 2 ? 15 : 3);
        if (date / 100 % 100 > 12)
            date = date + 10000 - 1200;
        dt_event ev[3];
        memset(ev, 0, sizeof ev);
        int nev = 1 + d % 3;
        for (int k = 0; k < nev; k++) {
            dt_event *e = &ev[k];
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 8;
            e->doc_id = (dt_str){id, strlen(id)};
            e->sentence = (uint32_t)(k % 2);
            e->date = date;
            snprintf(e->source, sizeof e->source, "%s", ACT[r % 8]);
            snprintf(e->target, sizeof e->target, "%s", k == 2 ? "" : ACT[(r / 8) % 8]);
            snprintf(e->code, sizeof e->code, "%s", CODES[(r / 64) % 8]);
            e->root[0] = e->code[0];
            e->root[1] = e->code[1];
            e->root[2] = '\0';
            e->text = (dt_str){text + sent[k % 2].off, sent[k % 2].len};
            e->sent_span = sent[k % 2];
            e->source_span = (dt_span){sent[k % 2].off, 5};
            e->verb_span = (dt_span){sent[k % 2].off + 6, 3};
            e->pattern = DT_STR_LIT("* MEET +");
            e->dict_file = DT_STR_LIT("dict/verbs/x.dtx");
            e->dict_line = (uint32_t)(10 + k);
        }
        /* The same event twice in one document: what one-a-day folds. */
        if (nev > 1 && d % 2 == 0) {
            memcpy(ev[1].source, ev[0].source, sizeof ev[1].source);
            memcpy(ev[1].target, ev[0].target, sizeof ev[1].target);
            memcpy(ev[1].code, ev[0].code, sizeof ev[1].code);
            memcpy(ev[1].root, ev[0].root, sizeof ev[1].root);
        }
        /* Quad and Goldstein as the coder gives them (from the code). */
        for (int k = 0; k < nev; k++) {
            const char *c = ev[k].code;
            int root = (c[0] - '0') * 10 + (c[1] - '0');
            ev[k].quad = root <= 5 ? 1 : root <= 8 ? 2 : root <= 13 ? 3 : 4;
            ev[k].goldstein = root <= 8 ? 3.5 : -4.0 - root / 10.0;
        }
        dt_sink_doc doc = {(dt_str){id, strlen(id)}, date, (dt_str){text, len}, sent, 2, 0,
                           (dt_str){NULL, 0}};
        DT_CHECK_INT(dt_sink_document(s, &doc, ev, (size_t)nev, &err), DT_OK);
        for (int k = 0; k < nev; k++)
            DT_CHECK_INT(dt_event_write(f, DT_EVENTS_JSONL, &ev[k], &err), DT_OK);
    }
    dt_run_counts c = {0};
    DT_CHECK_INT(dt_sink_end_run(s, &c, &err), DT_OK);
    dt_sink_close(s);
    fclose(f);
}

static int same_rec(const dt_evrec *a, const dt_evrec *b, int evidence)
{
    int ok = a->date == b->date && !strcmp(a->source, b->source) && !strcmp(a->target, b->target) &&
             !strcmp(a->code, b->code) && a->root == b->root && a->quad == b->quad &&
             a->goldstein == b->goldstein && !strcmp(a->plover, b->plover) &&
             !strcmp(a->doc_id, b->doc_id) && a->sentence == b->sentence && a->count == b->count;
    if (ok && evidence)
        ok = !strcmp(a->text, b->text) && a->source_span.off == b->source_span.off &&
             a->source_span.len == b->source_span.len && a->verb_span.off == b->verb_span.off &&
             !strcmp(a->pattern, b->pattern) && !strcmp(a->dict_file, b->dict_file) &&
             a->dict_line == b->dict_line;
    if (!ok)
        fprintf(stderr, "differ: %d %s %s %s x%u | %d %s %s %s x%u\n", (int)a->date, a->source,
                a->target, a->code, a->count, (int)b->date, b->source, b->target, b->code,
                b->count);
    return ok;
}

static void compare(const char *jsonl, const char *db, const dt_evfilter *f, size_t *nout)
{
    dt_evset *a = NULL, *b = NULL;
    dt_error err;
    DT_CHECK_INT(dt_evset_load(&a, jsonl, f, &err), DT_OK);
    DT_CHECK_INT(dt_evset_load(&b, db, f, &err), DT_OK);
    if (!a || !b) {
        dt_evset_free(a);
        dt_evset_free(b);
        return;
    }
    DT_CHECK_INT(a->n, b->n);
    for (size_t i = 0; i < a->n && i < b->n; i++)
        DT_CHECK(same_rec(&a->rec[i], &b->rec[i], f && f->evidence));
    if (nout)
        *nout = a->n;
    dt_evset_free(a);
    dt_evset_free(b);
}

static void test_jsonl_vs_store(void)
{
    char jsonl[300], db[300];
    snprintf(jsonl, sizeof jsonl, "%s/ev.jsonl", tmpdir);
    snprintf(db, sizeof db, "%s/ev.db", tmpdir);
    make_corpus(jsonl, db);

    size_t all = 0, n = 0;
    compare(jsonl, db, NULL, &all);
    DT_CHECK_INT(all, NDOC / 3 * 6); /* 1+2+3 events per three documents */

    dt_evfilter f;
    memset(&f, 0, sizeof f);
    f.evidence = 1;
    compare(jsonl, db, &f, &n);
    DT_CHECK_INT(n, all);

    const char *usa[] = {"USA"}, *prk[] = {"PRK"}, *mil[] = {":MIL"}, *glob[] = {"*GOV"},
               *exact[] = {"=PRK"};
    size_t fwd = 0, und = 0, nmil = 0;
    memset(&f, 0, sizeof f);
    f.sources = usa;
    f.nsources = 1;
    f.targets = prk;
    f.ntargets = 1;
    compare(jsonl, db, &f, &fwd);
    f.undirected = 1;
    compare(jsonl, db, &f, &und);
    DT_CHECK(fwd > 0 && und > fwd);

    memset(&f, 0, sizeof f);
    f.actors = mil;
    f.nactors = 1;
    compare(jsonl, db, &f, &nmil);
    DT_CHECK(nmil > 0 && nmil < all);
    f.actors = glob;
    compare(jsonl, db, &f, &n);
    DT_CHECK(n > 0 && n < all);
    f.actors = exact;
    compare(jsonl, db, &f, &n);
    DT_CHECK(n > 0 && n < all);

    const char *codes[] = {"04", "163"};
    memset(&f, 0, sizeof f);
    f.codes = codes;
    f.ncodes = 2;
    f.from = 20190301;
    f.to = 20200615;
    compare(jsonl, db, &f, &n);
    DT_CHECK(n > 0 && n < all);

    memset(&f, 0, sizeof f);
    f.quad = 4;
    compare(jsonl, db, &f, &n);
    DT_CHECK(n > 0 && n < all);

    memset(&f, 0, sizeof f);
    f.text = "GAMMA WARNED";
    compare(jsonl, db, &f, &n);
    DT_CHECK(n > 0 && n < all);

    /* One-a-day: fewer records, the same total count. */
    memset(&f, 0, sizeof f);
    f.dedup = 1;
    dt_evset *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_OK);
    if (s) {
        uint64_t sum = 0;
        for (size_t i = 0; i < s->n; i++)
            sum += s->rec[i].count;
        DT_CHECK_INT(sum, all);
        DT_CHECK(s->n < all);
        dt_evset_free(s);
    }
    compare(jsonl, db, &f, &n);
    /* One-a-day pages: a group is never split; the pages add up. */
    size_t groups = n, paged = 0;
    uint64_t paged_sum = 0;
    f.limit = 4;
    for (int page = 0; page < 100; page++) {
        DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_OK);
        if (!s || !s->n) {
            dt_evset_free(s);
            break;
        }
        paged += s->n;
        for (size_t i = 0; i < s->n; i++)
            paged_sum += s->rec[i].count;
        f.after_id = s->rec[s->n - 1].id;
        dt_evset_free(s);
    }
    DT_CHECK_INT(paged, groups);
    DT_CHECK_INT(paged_sum, all);

    /* Paging: limit, then after_id from the last record. */
    memset(&f, 0, sizeof f);
    f.limit = 7;
    DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_OK);
    if (s) {
        DT_CHECK_INT(s->n, 7);
        f.after_id = s->rec[6].id;
        f.limit = 0;
        dt_evset_free(s);
        DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_OK);
        if (s)
            DT_CHECK_INT(s->n, all - 7);
        dt_evset_free(s);
    }

    /* Evidence spans are relative to the sentence. */
    memset(&f, 0, sizeof f);
    f.evidence = 1;
    DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_OK);
    if (s) {
        for (size_t i = 0; i < s->n; i++) {
            DT_CHECK_INT(s->rec[i].source_span.off, 0);
            DT_CHECK_INT(s->rec[i].verb_span.off, 6);
        }
        dt_evset_free(s);
    }

    /* Bad filters. */
    const char *badp[] = {"usa"};
    memset(&f, 0, sizeof f);
    f.sources = badp;
    f.nsources = 1;
    DT_CHECK_INT(dt_evset_load(&s, db, &f, &err), DT_EINVAL);
    DT_CHECK(s == NULL);
    DT_CHECK(strstr(err.msg, "usa") != NULL);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int count_cb(void *ctx, const dt_evrec *r)
{
    (void)r;
    ++*(size_t *)ctx;
    return 0;
}

static int stop_cb(void *ctx, const dt_evrec *r)
{
    (void)r;
    return ++*(size_t *)ctx == 2 ? 42 : 0;
}

static const char GOOD1[] = "{\"doc_id\":\"a\",\"sentence\":0,\"date\":\"2019-06-20\","
                            "\"source\":\"CHNGOV\",\"target\":\"PRKGOV\",\"code\":\"042\","
                            "\"root\":\"04\",\"quad\":1,\"goldstein\":1.9}\n";
static const char GOOD2[] = "{\"doc_id\":\"b\",\"date\":\"20190621\",\"source\":\"USA\","
                            "\"target\":\"PRK\",\"code\":\"163\"}\n";

static void test_jsonl_bad_lines(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/bad.jsonl", tmpdir);
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "\n"                                        /* 2: blank, skipped silently */
             "{\"source\":\"USA\"\n"                     /* 3: not JSON */
             "%s"                                        /* 4 */
             "[1,2]\n"                                   /* 5: not an object */
             "{\"source\":\"USA\",\"target\":\"PRK\"}\n" /* 6: no code */
             "{\"source\":\"USA\",\"code\":\"042\",\"date\":\"2019-02-30\"}\n" /* 7 */
             "%s",                                                             /* 8 */
             GOOD1, GOOD2, GOOD1);
    write_file(path, text);
    dt_evset *s = NULL;
    dt_error err;
    size_t n = 0;
    DT_CHECK_INT(dt_evsource_each(path, NULL, count_cb, &n, &err), DT_EFORMAT);
    DT_CHECK_INT(n, 3);
    DT_CHECK_INT(err.line, 3);
    DT_CHECK(strstr(err.file, "bad.jsonl") != NULL);
    DT_CHECK(strstr(err.msg, "3 more") != NULL);
    char msg[1024];
    dt_error_format(&err, msg, sizeof msg);
    DT_CHECK(strstr(msg, "bad.jsonl:3:") != NULL);
    /* The set is not returned on error, but streaming kept the good ones. */
    DT_CHECK_INT(dt_evset_load(&s, path, NULL, &err), DT_EFORMAT);
    DT_CHECK(s == NULL);

    /* Fields filled from the ontology when absent; id is the line. */
    snprintf(text, sizeof text, "%s%s", GOOD1, GOOD2);
    write_file(path, text);
    DT_CHECK_INT(dt_evset_load(&s, path, NULL, &err), DT_OK);
    if (s && s->n == 2) {
        DT_CHECK_INT(s->rec[1].id, 2);
        DT_CHECK_INT(s->rec[1].date, 20190621);
        DT_CHECK_INT(s->rec[1].root, 16);
        DT_CHECK_INT(s->rec[1].quad, 4);
        DT_CHECK(s->rec[1].goldstein < 0);
        DT_CHECK_STR(s->rec[0].plover, "CONSULT");
        DT_CHECK_STR(s->rec[1].doc_id, "b");
        DT_CHECK_INT(s->rec[0].count, 1);
    } else {
        DT_CHECK(0);
    }
    dt_evset_free(s);

    /* A callback's nonzero value stops the stream and is returned. */
    n = 0;
    DT_CHECK_INT(dt_evsource_each(path, NULL, stop_cb, &n, &err), 42);

    /* gzip is read through the same stream layer. */
    char gz[300];
    snprintf(gz, sizeof gz, "%s/ev.jsonl.gz", tmpdir);
    gzFile z = gzopen(gz, "wb");
    DT_CHECK(z != NULL);
    if (z) {
        gzputs(z, text);
        gzclose(z);
    }
    n = 0;
    DT_CHECK_INT(dt_evsource_each(gz, NULL, count_cb, &n, &err), DT_OK);
    DT_CHECK_INT(n, 2);

    DT_CHECK_INT(dt_evsource_each("/nonexistent/x.jsonl", NULL, count_cb, &n, &err), DT_EIO);
    DT_CHECK_INT(dt_evsource_each("/nonexistent/x.db", NULL, count_cb, &n, &err), DT_EIO);
    /* A SQLite file that is not a store. */
    snprintf(path, sizeof path, "%s/empty.db", tmpdir);
    write_file(path, "");
    DT_CHECK_INT(dt_evsource_each(path, NULL, count_cb, &n, &err), DT_EFORMAT);
}

static void test_set(void)
{
    dt_evset *s = NULL;
    DT_CHECK_INT(dt_evset_new(&s), DT_OK);
    if (!s)
        return;
    char src[8];
    for (int i = 0; i < 5000; i++) {
        dt_evrec r;
        memset(&r, 0, sizeof r);
        snprintf(src, sizeof src, "A%03d", i % 300);
        r.id = i;
        r.date = 20200101 + (4999 - i) % 28;
        r.source = src;
        r.target = "B";
        r.code = "042";
        DT_CHECK_INT(dt_evset_add(s, &r), DT_OK);
    }
    DT_CHECK_INT(s->n, 5000);
    DT_CHECK_STR(s->rec[301].source, "A001");
    DT_CHECK(s->rec[1].source == s->rec[301].source); /* interned */
    DT_CHECK_STR(s->rec[0].plover, "");               /* NULL became "" */
    dt_evset_sort_by_date(s);
    for (size_t i = 1; i < s->n; i++)
        DT_CHECK(s->rec[i - 1].date < s->rec[i].date ||
                 (s->rec[i - 1].date == s->rec[i].date && s->rec[i - 1].id < s->rec[i].id));
    dt_evset_free(s);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dt-evset-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 2;
    DT_RUN(test_patterns);
    DT_RUN(test_set);
    DT_RUN(test_jsonl_bad_lines);
    DT_RUN(test_jsonl_vs_store);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    DT_TEST_END();
}
