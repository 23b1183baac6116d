/* Sinks and the SQLite store through the library API: CSV quoting, spec
 * parsing, batching and rollback, idempotent lookups, replacement,
 * schema version checks, the one-a-day view. */
#include "dt_test.h"

#include "detente/store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];

static void path_in_tmp(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static long long q1(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    long long v = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

static dt_event mk_event(const char *doc, uint32_t sent, const char *src, const char *tgt,
                         const char *code, int32_t date, const char *text)
{
    dt_event e;
    memset(&e, 0, sizeof e);
    e.doc_id = (dt_str){doc, strlen(doc)};
    e.sentence = sent;
    e.date = date;
    snprintf(e.source, sizeof e.source, "%s", src);
    snprintf(e.target, sizeof e.target, "%s", tgt);
    snprintf(e.code, sizeof e.code, "%s", code);
    snprintf(e.root, sizeof e.root, "%.2s", code);
    e.quad = 1;
    e.goldstein = 1.5;
    e.text = (dt_str){text, strlen(text)};
    e.sent_span = (dt_span){0, (uint32_t)strlen(text)};
    e.source_span = (dt_span){0, 2};
    e.verb_span = (dt_span){3, 4};
    e.pattern = DT_STR_LIT("- * VISIT [042]");
    return e;
}

static void test_spec(void)
{
    DT_CHECK_INT(dt_sink_kind_from_spec("jsonl"), DT_SINK_JSONL);
    DT_CHECK_INT(dt_sink_kind_from_spec("tsv"), DT_SINK_TSV);
    DT_CHECK_INT(dt_sink_kind_from_spec("csv"), DT_SINK_CSV);
    DT_CHECK_INT(dt_sink_kind_from_spec("sqlite:x.db"), DT_SINK_SQLITE);
    DT_CHECK_INT(dt_sink_kind_from_spec("sqlite:"), -1);
    DT_CHECK_INT(dt_sink_kind_from_spec("postgresql://h/db"), DT_SINK_PG);
    DT_CHECK_INT(dt_sink_kind_from_spec("postgres://h/db"), DT_SINK_PG);
    DT_CHECK_INT(dt_sink_kind_from_spec("mysql://h"), -1);
    DT_CHECK_INT(dt_sink_kind_from_spec(NULL), -1);
    dt_sink *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_sink_open(&s, "xml", NULL, &err), DT_EINVAL);
    DT_CHECK(s == NULL);
    /* A password never reaches messages. */
    DT_CHECK(dt_sink_open(&s, "postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=3", NULL,
                          &err) < 0);
    DT_CHECK(strstr(err.file, "hunter2") == NULL && strstr(err.msg, "hunter2") == NULL);
    DT_CHECK(strstr(err.file, "u:***@127.0.0.1:1/db") != NULL);
}

static void test_csv(void)
{
    const char *text = "He said \"yes\", then left\nquickly.";
    dt_event e = mk_event("d,1", 2, "USAGOV", "CHN", "042", 20190620, text);
    e.dict_file = DT_STR_LIT("verbs.txt");
    e.dict_line = 12;
    char buf[1024];
    size_t n = 0;
    DT_CHECK_INT(dt_event_format_csv(&e, buf, sizeof buf, &n), DT_OK);
    DT_CHECK_STR(buf, "20190620,USAGOV,CHN,042,04,1,1.5,\"d,1\",2,,0,,- * VISIT [042],verbs.txt:12,"
                      "\"He said \"\"yes\"\", then left\nquickly.\"\r\n");
    DT_CHECK_INT(n, strlen(buf));
    DT_CHECK_INT(dt_event_format_csv(&e, buf, 20, &n), DT_ELIMIT);
    /* Header and rows have the same number of columns. */
    const char *h = dt_event_csv_header();
    size_t commas = 0;
    for (const char *p = h; *p; p++)
        commas += *p == ',';
    DT_CHECK_INT(commas, 14);
    DT_CHECK(strcmp(h + strlen(h) - 2, "\r\n") == 0);

    /* Through a stream sink: header at begin_run, one record per event. */
    FILE *f = tmpfile();
    DT_CHECK(f != NULL);
    if (!f)
        return;
    dt_sink_opts o;
    memset(&o, 0, sizeof o);
    o.out = f;
    dt_sink *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_sink_open(&s, "csv", &o, &err), DT_OK);
    DT_CHECK_INT(dt_sink_begin_run(s, NULL, &err), DT_OK);
    dt_sink_doc d = {DT_STR_LIT("d,1"), 20190620, {text, strlen(text)}, NULL, 0, 0, {NULL, 0}};
    DT_CHECK_INT(dt_sink_lookup(s, d.id, 1, &err), DT_SINK_NEW);
    DT_CHECK_INT(dt_sink_document(s, &d, &e, 1, &err), DT_OK);
    DT_CHECK_INT(dt_sink_end_run(s, NULL, &err), DT_OK);
    dt_sink_close(s);
    rewind(f);
    char all[2048];
    size_t got = fread(all, 1, sizeof all - 1, f);
    all[got] = '\0';
    fclose(f);
    DT_CHECK(strncmp(all, h, strlen(h)) == 0);
    DT_CHECK(strstr(all + strlen(h), "20190620,USAGOV,CHN,042") == all + strlen(h));
}

/* Store n documents doc0..doc<n-1>, each with one sentence and k events. */
static int put_docs(dt_sink *s, int from, int n, int k, const char *text)
{
    for (int i = from; i < from + n; i++) {
        char id[32];
        snprintf(id, sizeof id, "doc%d", i);
        dt_event ev[4];
        for (int j = 0; j < k && j < 4; j++)
            ev[j] = mk_event(id, 0, "PRK", j % 2 ? "KOR" : "USA", "042", 20190620, text);
        dt_span sp = {0, (uint32_t)strlen(text)};
        dt_sink_doc d = {{id, strlen(id)}, 20190620, {text, strlen(text)}, &sp, 1, 0, {NULL, 0}};
        dt_error err;
        if (dt_sink_document(s, &d, ev, (size_t)k, &err) < 0)
            return -1;
    }
    return 0;
}

static void test_sqlite_batches(void)
{
    char db[300], spec[320];
    path_in_tmp(db, sizeof db, "batch.db");
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    dt_sink_opts o;
    memset(&o, 0, sizeof o);
    o.batch_docs = 3;
    dt_sink *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_sink_open(&s, spec, &o, &err), DT_OK);
    if (!s)
        return;
    DT_CHECK_STR(dt_sink_name(s), spec);
    dt_run_info run = {"detente code test", "test set", "00112233aabbccdd", "verbs.txt", "", NULL};
    DT_CHECK_INT(dt_sink_begin_run(s, &run, &err), DT_OK);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 1);
    DT_CHECK_INT(put_docs(s, 0, 7, 2, "Kim met Xi."), 0);
    /* Two batches of three are committed; the seventh is not yet. */
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM documents"), 6);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM events"), 12);
    /* Closing without end_run is a crash as far as the store knows. */
    dt_sink_close(s);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM documents"), 6);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM sentences"), 6);
    DT_CHECK_INT(q1(db, "PRAGMA user_version"), DT_STORE_SCHEMA_VERSION);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM dictionaries WHERE hash = '00112233aabbccdd'"), 1);

    /* A re-run: stored documents are known by id and content. */
    s = NULL;
    DT_CHECK_INT(dt_sink_open(&s, spec, &o, &err), DT_OK);
    if (!s)
        return;
    DT_CHECK_INT(dt_sink_begin_run(s, &run, &err), DT_OK);
    const char *text = "Kim met Xi.";
    uint64_t h = dt_sink_content_hash(text, strlen(text));
    DT_CHECK_INT(dt_sink_lookup(s, DT_STR_LIT("doc0"), h, &err), DT_SINK_STORED);
    DT_CHECK_INT(dt_sink_lookup(s, DT_STR_LIT("doc0"), h + 1, &err), DT_SINK_CHANGED);
    DT_CHECK_INT(dt_sink_lookup(s, DT_STR_LIT("doc6"), h, &err), DT_SINK_NEW);
    DT_CHECK_INT(put_docs(s, 6, 1, 2, text), 0);
    /* Replacing doc0 with one event: old rows go, in the same batch. */
    DT_CHECK_INT(put_docs(s, 0, 1, 1, "Kim met Xi again."), 0);
    dt_run_counts c = {2, 2, 0, 0, 6, 1, 2, 3};
    DT_CHECK_INT(dt_sink_reject(s, "in.jsonl:9", DT_EUTF8, "invalid UTF-8", &err), DT_OK);
    DT_CHECK_INT(dt_sink_end_run(s, &c, &err), DT_OK);
    dt_sink_close(s);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM documents"), 7);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM events"), 6 * 2 + 1);
    DT_CHECK_INT(q1(db, "SELECT nevents FROM documents WHERE doc_id = 'doc0'"), 1);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM sentences s JOIN documents d ON d.id = s.document "
                        "WHERE d.doc_id = 'doc0'"),
                 1);
    DT_CHECK_INT(q1(db, "SELECT docs_already_stored FROM runs WHERE id = 2"), 6);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 1);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM rejections WHERE run_id = 2 AND code = -7"), 1);
    /* One a day: 13 raw events on one day, two dyads (PRK-USA, PRK-KOR). */
    DT_CHECK_INT(q1(db, "SELECT raw_events FROM events_dedup_summary"), 13);
    DT_CHECK_INT(q1(db, "SELECT daily_events FROM events_dedup_summary"), 2);
    DT_CHECK_INT(q1(db, "SELECT duplicates FROM events_dedup_summary"), 11);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM actors"), 3);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM actors WHERE code = 'PRK' AND country = 'PRK' AND "
                        "first_date = '2019-06-20'"),
                 1);
}

static void test_sqlite_versions(void)
{
    char db[300], spec[320];
    path_in_tmp(db, sizeof db, "future.db");
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    sqlite3 *h = NULL;
    DT_CHECK(sqlite3_open(db, &h) == SQLITE_OK);
    sqlite3_exec(h, "CREATE TABLE x(y); PRAGMA user_version = 7;", NULL, NULL, NULL);
    sqlite3_close(h);
    dt_sink *s = NULL;
    dt_error err;
    DT_CHECK_INT(dt_sink_open(&s, spec, NULL, &err), DT_EUNSUPPORTED);
    DT_CHECK(s == NULL);
    DT_CHECK(strstr(err.msg, "schema version 7 is newer") != NULL);
    DT_CHECK_STR(err.file, spec);
    DT_CHECK_INT(q1(db, "PRAGMA user_version"), 7);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM sqlite_schema"), 1);

    /* A document without an id is known by its content. */
    path_in_tmp(db, sizeof db, "noid.db");
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    DT_CHECK_INT(dt_sink_open(&s, spec, NULL, &err), DT_OK);
    if (!s)
        return;
    DT_CHECK_INT(dt_sink_begin_run(s, NULL, &err), DT_OK);
    const char *text = "No id here.";
    dt_sink_doc d = {{NULL, 0}, 0, {text, strlen(text)}, NULL, 0, 0, {NULL, 0}};
    DT_CHECK_INT(dt_sink_document(s, &d, NULL, 0, &err), DT_OK);
    DT_CHECK_INT(
        dt_sink_lookup(s, (dt_str){NULL, 0}, dt_sink_content_hash(text, strlen(text)), &err),
        DT_SINK_STORED);
    DT_CHECK_INT(dt_sink_end_run(s, NULL, &err), DT_OK);
    dt_sink_close(s);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM documents WHERE doc_id LIKE '#%'"), 1);
}

static void test_alloc_failures(void)
{
    /* Every allocation failing in turn: an error or success, never a
     * crash, and the store stays openable afterwards. */
    char db[300], spec[320];
    path_in_tmp(db, sizeof db, "torture.db");
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    for (uint64_t n = 1; n < 40; n++) {
        dt_alloc_fail_after(n);
        dt_sink *s = NULL;
        dt_error err;
        if (dt_sink_open(&s, spec, NULL, &err) == DT_OK) {
            if (dt_sink_begin_run(s, NULL, &err) == DT_OK && put_docs(s, 0, 3, 2, "A met B.") == 0)
                dt_sink_end_run(s, NULL, &err);
            dt_sink_close(s);
        }
        dt_alloc_fail_after(0);
    }
    DT_CHECK(q1(db, "SELECT count(*) FROM documents") >= 0);
    DT_CHECK_INT(q1(db, "SELECT count(*) FROM documents d WHERE nevents <> (SELECT count(*) FROM "
                        "events e WHERE e.document = d.id)"),
                 0);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dt_test_store.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    DT_RUN(test_spec);
    DT_RUN(test_csv);
    DT_RUN(test_sqlite_batches);
    DT_RUN(test_sqlite_versions);
    DT_RUN(test_alloc_failures);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    DT_TEST_END();
}
