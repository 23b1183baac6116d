/* detente — the PostgreSQL event store (postgresql://...).
 *
 * Documents are buffered per batch as COPY text for three session-local
 * staging tables. A flush is one transaction: COPY the batch into the
 * staging tables (PQputCopyData), delete stored documents the batch
 * replaces, and move the rows into the real tables with INSERT ... SELECT.
 * So a batch of thousands of documents costs a handful of round trips, and
 * a killed client loses only its open transaction, never half a document. */
#include "store_internal.h"

#include "detente/text.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const PG_MIGRATIONS[DT_STORE_SCHEMA_VERSION] = {
    "CREATE TABLE dictionaries(\n"
    "  hash text PRIMARY KEY, version text, files text,\n"
    "  first_used timestamptz NOT NULL DEFAULT now());\n"
    "CREATE TABLE runs(\n"
    "  id bigserial PRIMARY KEY,\n"
    "  started timestamptz NOT NULL DEFAULT now(), finished timestamptz,\n"
    "  status text NOT NULL DEFAULT 'running',\n"
    "  program_version text, command_line text, options text,\n"
    "  dict_hash text REFERENCES dictionaries(hash),\n"
    "  docs_read bigint, docs_coded bigint, docs_no_events bigint, docs_rejected bigint,\n"
    "  docs_already_stored bigint, docs_replaced bigint, sentences bigint, events bigint);\n"
    "CREATE TABLE documents(\n"
    "  id bigserial PRIMARY KEY,\n"
    "  doc_id text NOT NULL UNIQUE,\n"
    "  content_hash text NOT NULL,\n"
    "  date date,\n"
    "  run_id bigint NOT NULL REFERENCES runs(id),\n"
    "  length bigint NOT NULL, nsentences integer NOT NULL, nevents integer NOT NULL,\n"
    "  extra text);\n"
    "CREATE INDEX documents_date ON documents(date);\n"
    "CREATE TABLE sentences(\n"
    "  document bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  idx integer NOT NULL, off integer NOT NULL, len integer NOT NULL,\n"
    "  text text NOT NULL,\n"
    "  PRIMARY KEY(document, idx));\n"
    "CREATE TABLE events(\n"
    "  id bigserial PRIMARY KEY,\n"
    "  document bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  run_id bigint NOT NULL REFERENCES runs(id),\n"
    "  sentence integer NOT NULL, sentence_id text, date date,\n"
    "  source text NOT NULL, target text NOT NULL, code text NOT NULL,\n"
    "  root text, quad smallint, goldstein double precision,\n"
    "  passive boolean NOT NULL DEFAULT false, issues text,\n"
    "  source_off integer, source_len integer, verb_off integer, verb_len integer,\n"
    "  target_off integer, target_len integer,\n"
    "  pattern text, dict_file text, dict_line integer);\n"
    "CREATE INDEX events_date ON events(date);\n"
    "CREATE INDEX events_dyad ON events(source, target, date);\n"
    "CREATE INDEX events_code ON events(code, date);\n"
    "CREATE INDEX events_document ON events(document);\n"
    "CREATE TABLE actors(\n"
    "  code text PRIMARY KEY, country text, first_date date, last_date date);\n"
    "CREATE TABLE rejections(\n"
    "  id bigserial PRIMARY KEY,\n"
    "  run_id bigint NOT NULL REFERENCES runs(id),\n"
    "  location text, code integer, reason text);\n"
    "CREATE VIEW events_daily AS\n"
    "  SELECT date, source, target, code, min(root) AS root, min(quad) AS quad,\n"
    "         min(goldstein) AS goldstein, count(*) AS n, count(*) - 1 AS duplicates,\n"
    "         min(id) AS first_event\n"
    "  FROM events GROUP BY date, source, target, code;\n"
    "CREATE VIEW events_dedup_summary AS\n"
    "  SELECT sum(n) AS raw_events, count(*) AS daily_events,\n"
    "         sum(duplicates) AS duplicates FROM events_daily;\n",
};

/* Session-local staging tables, emptied by every commit. */
static const char STAGING[] =
    "CREATE TEMP TABLE stage_docs(doc_id text, content_hash text, date date, length bigint,\n"
    "  nsentences integer, nevents integer, extra text) ON COMMIT DELETE ROWS;\n"
    "CREATE TEMP TABLE stage_sent(doc_id text, idx integer, off integer, len integer,\n"
    "  text text) ON COMMIT DELETE ROWS;\n"
    "CREATE TEMP TABLE stage_events(doc_id text, sentence integer, sentence_id text,\n"
    "  date date, source text, target text, code text, root text, quad smallint,\n"
    "  goldstein double precision, passive boolean, issues text, source_off integer,\n"
    "  source_len integer, verb_off integer, verb_len integer, target_off integer,\n"
    "  target_len integer, pattern text, dict_file text, dict_line integer)\n"
    "  ON COMMIT DELETE ROWS;\n";

typedef struct pg {
    PGconn *c;
    dt_sink_opts o;
    long long run_id;
    dt__sbuf docs, sents, evs, rejs, key;
    size_t pending; /* documents in the buffers */
    uint64_t *set;  /* open-addressing set of key hashes in the batch */
    size_t setcap;
    /* A store that was empty when the run began can answer "new" for any
     * key this run has not written, without a round trip: that makes a
     * first load as fast as the COPY. `seen` holds the key hashes written
     * by this run (grows; NULL and seen_off when memory runs short). */
    int empty_at_start, seen_off;
    uint64_t *seen;
    size_t seen_n, seen_cap;
} pg;

static int pg_fail(pg *s, const char *what, PGresult *r, dt_error *err)
{
    char msg[400];
    const char *m = r ? PQresultErrorMessage(r) : "";
    if (!m || !m[0])
        m = PQerrorMessage(s->c);
    snprintf(msg, sizeof msg, "%s", m && m[0] ? m : "error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    /* One error line: libpq's hints come on lines of their own. */
    for (size_t i = 0; i < n; i++)
        if (msg[i] == '\n' || msg[i] == '\t')
            msg[i] = ' ';
    if (r)
        PQclear(r);
    return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "%s: %s", what, msg);
}

static int pg_exec(pg *s, const char *sql, const char *what, dt_error *err)
{
    PGresult *r = PQexec(s->c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return pg_fail(s, what, r, err);
    PQclear(r);
    return DT_OK;
}

static void pg_rollback(pg *s)
{
    if (s->c && PQtransactionStatus(s->c) != PQTRANS_IDLE) {
        PGresult *r = PQexec(s->c, "ROLLBACK");
        PQclear(r);
    }
}

static void reset_batch(pg *s)
{
    s->docs.n = s->sents.n = s->evs.n = s->rejs.n = 0;
    s->pending = 0;
    if (s->set)
        memset(s->set, 0, s->setcap * sizeof *s->set);
}

static void cp_escaped(dt__sbuf *b, const char *p, size_t n);

/* COPY text format field: backslash escapes, \N for NULL. PostgreSQL
 * refuses invalid UTF-8 and NUL, and one refused byte would fail the whole
 * batch: such bytes (possible in dictionary-supplied strings; document
 * text is validated by the reader) become U+FFFD. */
static void cp_text(dt__sbuf *b, const char *p, size_t n, int null_if_empty)
{
    if (!p || (!n && null_if_empty)) {
        dt__sbuf_puts(b, "\\N");
        return;
    }
    size_t bad = 0;
    while (n && dt_utf8_validate(p, n, &bad) != DT_OK && bad < n) {
        cp_escaped(b, p, bad);
        dt__sbuf_puts(b, "\xEF\xBF\xBD");
        p += bad + 1;
        n -= bad + 1;
    }
    cp_escaped(b, p, n);
}

static void cp_escaped(dt__sbuf *b, const char *p, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i], e = 0;
        switch (c) {
        case '\\':
            e = '\\';
            break;
        case '\t':
            e = 't';
            break;
        case '\n':
            e = 'n';
            break;
        case '\r':
            e = 'r';
            break;
        default:
            break;
        }
        if (e) {
            dt__sbuf_putn(b, p + start, i - start);
            char esc[2] = {'\\', e};
            dt__sbuf_putn(b, esc, 2);
            start = i + 1;
        }
    }
    dt__sbuf_putn(b, p + start, n - start);
}

static void cp_cstr(dt__sbuf *b, const char *p)
{
    cp_text(b, p, p ? strlen(p) : 0, 1);
}

static void cp_int(dt__sbuf *b, long long v)
{
    char t[32];
    int k = snprintf(t, sizeof t, "%lld", v);
    dt__sbuf_putn(b, t, (size_t)k);
}

static void cp_date(dt__sbuf *b, int32_t d)
{
    char t[11];
    dt__store_date(d, t);
    cp_cstr(b, t);
}

static void cp_span(dt__sbuf *b, dt_span sp)
{
    if (!sp.len) {
        dt__sbuf_puts(b, "\\N\t\\N");
        return;
    }
    cp_int(b, sp.off);
    dt__sbuf_putc(b, '\t');
    cp_int(b, sp.len);
}

static int copy_in(pg *s, const char *sql, const dt__sbuf *data, dt_error *err)
{
    if (!data->n)
        return DT_OK;
    PGresult *r = PQexec(s->c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        return pg_fail(s, "cannot start COPY", r, err);
    PQclear(r);
    /* Send in pieces: libpq copies each into its output buffer. */
    size_t off = 0;
    while (off < data->n) {
        size_t k = data->n - off > (1u << 20) ? (1u << 20) : data->n - off;
        if (PQputCopyData(s->c, data->p + off, (int)k) != 1) {
            PQputCopyEnd(s->c, "client error");
            while ((r = PQgetResult(s->c)) != NULL)
                PQclear(r);
            return pg_fail(s, "COPY failed", NULL, err);
        }
        off += k;
    }
    if (PQputCopyEnd(s->c, NULL) != 1)
        return pg_fail(s, "COPY failed", NULL, err);
    int rc = DT_OK;
    while ((r = PQgetResult(s->c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == DT_OK)
            rc = pg_fail(s, "COPY failed", r, err);
        else
            PQclear(r);
    }
    return rc;
}

static int flush(pg *s, dt_error *err)
{
    if (!s->pending && !s->rejs.n)
        return DT_OK;
    if (s->docs.oom || s->sents.oom || s->evs.oom || s->rejs.oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    char run[32];
    snprintf(run, sizeof run, "%lld", s->run_id);
    char sql[2048];
    int rc = pg_exec(s, "BEGIN", "cannot start a transaction", err);
    if (rc < 0)
        return rc;
    if ((rc = copy_in(s, "COPY stage_docs FROM STDIN", &s->docs, err)) < 0 ||
        (rc = copy_in(s, "COPY stage_sent FROM STDIN", &s->sents, err)) < 0 ||
        (rc = copy_in(s, "COPY stage_events FROM STDIN", &s->evs, err)) < 0 ||
        (rc = copy_in(s, "COPY rejections(run_id, location, code, reason) FROM STDIN", &s->rejs,
                      err)) < 0)
        goto fail;
    if ((rc = pg_exec(s, "DELETE FROM documents d USING stage_docs s WHERE d.doc_id = s.doc_id",
                      "cannot delete replaced documents", err)) < 0)
        goto fail;
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(doc_id, content_hash, date, run_id, length, nsentences, "
             "nevents, extra) SELECT doc_id, content_hash, date, %s, length, nsentences, nevents, "
             "extra FROM stage_docs",
             run);
    if ((rc = pg_exec(s, sql, "cannot store documents", err)) < 0)
        goto fail;
    if ((rc = pg_exec(s,
                      "INSERT INTO sentences(document, idx, off, len, text) SELECT d.id, s.idx, "
                      "s.off, s.len, s.text FROM stage_sent s JOIN documents d USING (doc_id)",
                      "cannot store sentences", err)) < 0)
        goto fail;
    snprintf(sql, sizeof sql,
             "INSERT INTO events(document, run_id, sentence, sentence_id, date, source, target, "
             "code, root, quad, goldstein, passive, issues, source_off, source_len, verb_off, "
             "verb_len, target_off, target_len, pattern, dict_file, dict_line) "
             "SELECT d.id, %s, e.sentence, e.sentence_id, e.date, e.source, e.target, e.code, "
             "e.root, e.quad, e.goldstein, e.passive, e.issues, e.source_off, e.source_len, "
             "e.verb_off, e.verb_len, e.target_off, e.target_len, e.pattern, e.dict_file, "
             "e.dict_line FROM stage_events e JOIN documents d USING (doc_id)",
             run);
    if ((rc = pg_exec(s, sql, "cannot store events", err)) < 0)
        goto fail;
    if ((rc = pg_exec(
             s,
             "INSERT INTO actors(code, country, first_date, last_date) "
             "SELECT code, CASE WHEN length(code) >= 3 AND left(code, 1) NOT IN ('\"', '-') "
             "THEN left(code, 3) END, min(date), max(date) FROM "
             "(SELECT source AS code, date FROM stage_events UNION ALL "
             " SELECT target, date FROM stage_events) a WHERE code <> '' GROUP BY code "
             "ON CONFLICT (code) DO UPDATE SET "
             "first_date = LEAST(actors.first_date, excluded.first_date), "
             "last_date = GREATEST(actors.last_date, excluded.last_date)",
             "cannot record actors", err)) < 0)
        goto fail;
    if ((rc = pg_exec(s, "COMMIT", "cannot commit", err)) < 0)
        goto fail;
    reset_batch(s);
    return DT_OK;
fail:
    pg_rollback(s);
    return rc;
}

static uint64_t key_hash(const char *p, size_t n)
{
    return dt_sink_content_hash(p, n); /* never 0: 0 marks a free slot */
}

static int set_has(const pg *s, uint64_t h)
{
    for (size_t i = (size_t)(h % s->setcap);; i = (i + 1) % s->setcap) {
        if (s->set[i] == 0)
            return 0;
        if (s->set[i] == h)
            return 1;
    }
}

static void set_add(pg *s, uint64_t h)
{
    size_t i = (size_t)(h % s->setcap);
    while (s->set[i] != 0 && s->set[i] != h)
        i = (i + 1) % s->setcap;
    s->set[i] = h;
}

static int seen_has(const pg *s, uint64_t h)
{
    if (!s->seen)
        return 0;
    for (size_t i = (size_t)(h & (s->seen_cap - 1));; i = (i + 1) & (s->seen_cap - 1)) {
        if (s->seen[i] == 0)
            return 0;
        if (s->seen[i] == h)
            return 1;
    }
}

static void seen_add(pg *s, uint64_t h)
{
    if (s->seen_off)
        return;
    if ((s->seen_n + 1) * 2 > s->seen_cap) {
        size_t cap = s->seen_cap ? s->seen_cap * 2 : 4096;
        uint64_t *t = dt_calloc(cap, sizeof *t);
        if (!t) {
            /* No memory for the shortcut: ask the server from now on. */
            s->seen_off = 1;
            return;
        }
        for (size_t k = 0; k < s->seen_cap; k++) {
            uint64_t v = s->seen[k];
            if (!v)
                continue;
            size_t i = (size_t)(v & (cap - 1));
            while (t[i])
                i = (i + 1) & (cap - 1);
            t[i] = v;
        }
        dt_free(s->seen);
        s->seen = t;
        s->seen_cap = cap;
    }
    size_t i = (size_t)(h & (s->seen_cap - 1));
    while (s->seen[i] != 0 && s->seen[i] != h)
        i = (i + 1) & (s->seen_cap - 1);
    if (s->seen[i] == 0) {
        s->seen[i] = h;
        s->seen_n++;
    }
}

static int pg_lookup(void *self, dt_str id, uint64_t hash, dt_error *err)
{
    pg *s = self;
    dt__store_doc_key(id, hash, &s->key);
    if (s->key.oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    uint64_t kh = key_hash(s->key.p, s->key.n);
    if (s->empty_at_start && !s->seen_off && !seen_has(s, kh))
        return DT_SINK_NEW;
    /* The same id twice in one batch: flush so the database can answer. */
    if (set_has(s, kh)) {
        int rc = flush(s, err);
        if (rc < 0)
            return rc;
    }
    const char *vals[1] = {s->key.p};
    int lens[1] = {(int)s->key.n}, fmts[1] = {1};
    PGresult *r = PQexecParams(s->c, "SELECT content_hash FROM documents WHERE doc_id = $1::text",
                               1, NULL, vals, lens, fmts, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return pg_fail(s, "cannot look up a document", r, err);
    int ans = DT_SINK_NEW;
    if (PQntuples(r) > 0) {
        char want[17];
        dt__store_hex64(hash, want);
        ans = strcmp(PQgetvalue(r, 0, 0), want) == 0 ? DT_SINK_STORED : DT_SINK_CHANGED;
    }
    PQclear(r);
    return ans;
}

static int pg_document(void *self, const dt_sink_doc *doc, uint64_t hash, const dt_event *ev,
                       size_t nev, dt_error *err)
{
    pg *s = self;
    int rc;
    dt__store_doc_key(doc->id, hash, &s->key);
    if (s->key.oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    uint64_t kh = key_hash(s->key.p, s->key.n);
    if (set_has(s, kh) && (rc = flush(s, err)) < 0)
        return rc;
    set_add(s, kh);
    seen_add(s, kh);
    size_t nsent = doc->nsent;
    if (!doc->sent || !nsent) {
        nsent = 0;
        for (size_t i = 0; i < nev; i++)
            if (!dt__store_sentence_seen(ev, i))
                nsent++;
    }
    char hex[17];
    dt__store_hex64(hash, hex);
    dt__sbuf *b = &s->docs;
    cp_text(b, s->key.p, s->key.n, 0);
    dt__sbuf_putc(b, '\t');
    dt__sbuf_puts(b, hex);
    dt__sbuf_putc(b, '\t');
    cp_date(b, doc->date);
    dt__sbuf_putc(b, '\t');
    cp_int(b, (long long)doc->text.n);
    dt__sbuf_putc(b, '\t');
    cp_int(b, (long long)nsent);
    dt__sbuf_putc(b, '\t');
    cp_int(b, (long long)nev);
    dt__sbuf_putc(b, '\t');
    cp_text(b, doc->extra.p, doc->extra.n, 1);
    dt__sbuf_putc(b, '\n');

    b = &s->sents;
    if (doc->sent && doc->nsent) {
        for (size_t i = 0; i < doc->nsent; i++) {
            dt_span sp = doc->sent[i];
            if ((size_t)sp.off + sp.len > doc->text.n)
                sp.len = sp.off > doc->text.n ? 0 : (uint32_t)(doc->text.n - sp.off);
            cp_text(b, s->key.p, s->key.n, 0);
            dt__sbuf_putc(b, '\t');
            cp_int(b, (long long)i);
            dt__sbuf_putc(b, '\t');
            cp_int(b, sp.off);
            dt__sbuf_putc(b, '\t');
            cp_int(b, sp.len);
            dt__sbuf_putc(b, '\t');
            cp_text(b, sp.len ? doc->text.p + sp.off : "", sp.len, 0);
            dt__sbuf_putc(b, '\n');
        }
    } else {
        for (size_t i = 0; i < nev; i++) {
            if (dt__store_sentence_seen(ev, i))
                continue;
            cp_text(b, s->key.p, s->key.n, 0);
            dt__sbuf_putc(b, '\t');
            cp_int(b, ev[i].sentence);
            dt__sbuf_putc(b, '\t');
            cp_int(b, ev[i].sent_span.off);
            dt__sbuf_putc(b, '\t');
            cp_int(b, ev[i].sent_span.len);
            dt__sbuf_putc(b, '\t');
            cp_text(b, ev[i].text.p ? ev[i].text.p : "", ev[i].text.n, 0);
            dt__sbuf_putc(b, '\n');
        }
    }

    b = &s->evs;
    for (size_t i = 0; i < nev; i++) {
        const dt_event *e = &ev[i];
        cp_text(b, s->key.p, s->key.n, 0);
        dt__sbuf_putc(b, '\t');
        cp_int(b, e->sentence);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->sentence_id.p, e->sentence_id.n, 1);
        dt__sbuf_putc(b, '\t');
        cp_date(b, e->date);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->source, strlen(e->source), 0);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->target, strlen(e->target), 0);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->code, strlen(e->code), 0);
        dt__sbuf_putc(b, '\t');
        cp_cstr(b, e->root);
        dt__sbuf_putc(b, '\t');
        if (e->quad > 0)
            cp_int(b, e->quad);
        else
            dt__sbuf_puts(b, "\\N");
        dt__sbuf_putc(b, '\t');
        {
            char g[32];
            int k = snprintf(g, sizeof g, "%.17g", e->goldstein);
            dt__sbuf_putn(b, g, (size_t)k);
        }
        dt__sbuf_putc(b, '\t');
        dt__sbuf_puts(b, e->passive ? "t" : "f");
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->issues.p, e->issues.n, 1);
        dt__sbuf_putc(b, '\t');
        cp_span(b, e->source_span);
        dt__sbuf_putc(b, '\t');
        cp_span(b, e->verb_span);
        dt__sbuf_putc(b, '\t');
        cp_span(b, e->target_span);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->pattern.p, e->pattern.n, 1);
        dt__sbuf_putc(b, '\t');
        cp_text(b, e->dict_file.p, e->dict_file.n, 1);
        dt__sbuf_putc(b, '\t');
        if (e->dict_line)
            cp_int(b, e->dict_line);
        else
            dt__sbuf_puts(b, "\\N");
        dt__sbuf_putc(b, '\n');
    }
    if (s->docs.oom || s->sents.oom || s->evs.oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    /* Keep the set at most half full. */
    if (++s->pending >= s->o.batch_docs || s->pending * 2 >= s->setcap)
        return flush(s, err);
    return DT_OK;
}

static int pg_reject(void *self, const char *where, int code, const char *reason, dt_error *err)
{
    pg *s = self;
    dt__sbuf *b = &s->rejs;
    cp_int(b, s->run_id);
    dt__sbuf_putc(b, '\t');
    cp_cstr(b, where);
    dt__sbuf_putc(b, '\t');
    cp_int(b, code);
    dt__sbuf_putc(b, '\t');
    cp_cstr(b, reason);
    dt__sbuf_putc(b, '\n');
    if (b->oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    return DT_OK;
}

static int pg_begin_run(void *self, const dt_run_info *run, dt_error *err)
{
    pg *s = self;
    int rc = pg_exec(s, "BEGIN", "cannot start a transaction", err);
    if (rc < 0)
        return rc;
    PGresult *r;
    if (run->dict_hash && run->dict_hash[0]) {
        const char *v[3] = {run->dict_hash, run->dict_version, run->dict_files};
        r = PQexecParams(s->c,
                         "INSERT INTO dictionaries(hash, version, files) VALUES($1,$2,$3) "
                         "ON CONFLICT (hash) DO NOTHING",
                         3, NULL, v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            rc = pg_fail(s, "cannot record the dictionary set", r, err);
            goto fail;
        }
        PQclear(r);
    }
    const char *v[4] = {run->program_version, run->command_line, run->options,
                        run->dict_hash && run->dict_hash[0] ? run->dict_hash : NULL};
    r = PQexecParams(s->c,
                     "INSERT INTO runs(program_version, command_line, options, dict_hash) "
                     "VALUES($1,$2,$3,$4) RETURNING id",
                     4, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        rc = pg_fail(s, "cannot record the run", r, err);
        goto fail;
    }
    s->run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    r = PQexec(s->c, "SELECT NOT EXISTS (SELECT 1 FROM documents)");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = pg_fail(s, "cannot read the documents table", r, err);
        goto fail;
    }
    s->empty_at_start = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    rc = pg_exec(s, "COMMIT", "cannot commit the run record", err);
    if (rc < 0)
        goto fail;
    return DT_OK;
fail:
    pg_rollback(s);
    return rc;
}

static int pg_end_run(void *self, const dt_run_counts *c, dt_error *err)
{
    pg *s = self;
    int rc = flush(s, err);
    if (rc < 0)
        return rc;
    char vals[9][24];
    const char *v[9];
    const uint64_t n[9] = {c->read,      c->coded,          c->no_events,
                           c->rejected,  c->already_stored, c->replaced,
                           c->sentences, c->events,         (uint64_t)s->run_id};
    for (int i = 0; i < 9; i++) {
        snprintf(vals[i], sizeof vals[i], "%llu", (unsigned long long)n[i]);
        v[i] = vals[i];
    }
    PGresult *r = PQexecParams(
        s->c,
        "UPDATE runs SET finished=now(), status='complete', docs_read=$1, docs_coded=$2, "
        "docs_no_events=$3, docs_rejected=$4, docs_already_stored=$5, docs_replaced=$6, "
        "sentences=$7, events=$8 WHERE id=$9",
        9, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        return pg_fail(s, "cannot record the run's counts", r, err);
    PQclear(r);
    return DT_OK;
}

static void pg_close(void *self)
{
    pg *s = self;
    if (!s)
        return;
    if (s->c) {
        pg_rollback(s);
        PQfinish(s->c);
    }
    dt__sbuf_free(&s->docs);
    dt__sbuf_free(&s->sents);
    dt__sbuf_free(&s->evs);
    dt__sbuf_free(&s->rejs);
    dt__sbuf_free(&s->key);
    dt_free(s->set);
    dt_free(s->seen);
    dt_free(s);
}

/* Check the version and create the schema in one transaction, under an
 * advisory lock so two first runs don't both create it. */
static int pg_migrate(pg *s, dt_error *err)
{
    int rc = pg_exec(s, "BEGIN", "cannot start a transaction", err);
    if (rc < 0)
        return rc;
    if ((rc = pg_exec(s, "SELECT pg_advisory_xact_lock(4242000001)", "cannot lock the schema",
                      err)) < 0)
        goto fail;
    PGresult *r = PQexec(s->c, "SELECT to_regclass('detente_meta') IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = pg_fail(s, "cannot read the schema", r, err);
        goto fail;
    }
    int have = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    long v = 0;
    if (have) {
        r = PQexec(s->c, "SELECT value FROM detente_meta WHERE key = 'schema_version'");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = pg_fail(s, "cannot read the schema version", r, err);
            goto fail;
        }
        v = PQntuples(r) ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
        PQclear(r);
    } else {
        rc = pg_exec(s,
                     "CREATE TABLE detente_meta(key text PRIMARY KEY, value text NOT NULL);"
                     "INSERT INTO detente_meta VALUES ('schema_version', '0')",
                     "cannot create the schema", err);
        if (rc < 0)
            goto fail;
    }
    if (v > DT_STORE_SCHEMA_VERSION) {
        rc = dt_error_set(err, DT_EUNSUPPORTED, NULL, 0, UINT64_MAX,
                          "schema version %ld is newer than this program knows (%d); "
                          "use a newer detente",
                          v, DT_STORE_SCHEMA_VERSION);
        goto fail;
    }
    for (long i = v; i < DT_STORE_SCHEMA_VERSION; i++)
        if ((rc = pg_exec(s, PG_MIGRATIONS[i], "cannot create the schema", err)) < 0)
            goto fail;
    if (v < DT_STORE_SCHEMA_VERSION) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "UPDATE detente_meta SET value = '%d' WHERE key = 'schema_version'",
                 DT_STORE_SCHEMA_VERSION);
        if ((rc = pg_exec(s, sql, "cannot set the schema version", err)) < 0)
            goto fail;
    }
    return pg_exec(s, "COMMIT", "cannot commit the schema", err);
fail:
    pg_rollback(s);
    return rc;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* the library never prints */
}

static const dt__sink_ops PG_OPS = {pg_begin_run, pg_lookup,  pg_document,
                                    pg_reject,    pg_end_run, pg_close};

int dt__pg_open(void **self, const dt__sink_ops **ops, const char *conninfo, const dt_sink_opts *o,
                const char *name, dt_error *err)
{
    (void)name;
    *self = NULL;
    *ops = &PG_OPS;
    pg *s = dt_calloc(1, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    s->o = *o;
    s->setcap = 2 * s->o.batch_docs + 64;
    s->set = dt_calloc(s->setcap, sizeof *s->set);
    if (!s->set) {
        dt_free(s);
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    }
    int rc;
    s->c = PQconnectdb(conninfo);
    if (!s->c) {
        rc = dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        goto fail;
    }
    if (PQstatus(s->c) != CONNECTION_OK) {
        rc = pg_fail(s, "cannot connect", NULL, err);
        goto fail;
    }
    PQsetNoticeProcessor(s->c, quiet_notices, NULL);
    if ((rc = pg_migrate(s, err)) < 0)
        goto fail;
    if ((rc = pg_exec(s, STAGING, "cannot create staging tables", err)) < 0)
        goto fail;
    *self = s;
    return DT_OK;
fail:
    pg_close(s);
    return rc;
}
