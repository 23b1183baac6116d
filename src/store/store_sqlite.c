/* detente — the SQLite event store (sqlite:PATH).
 *
 * One connection, WAL mode, one write transaction spanning many documents
 * (batch_docs), so a run costs one fsync per batch, not per document. A
 * document's rows (documents, sentences, events) are written inside the
 * batch transaction, so a killed process loses at most the uncommitted
 * batch and never leaves half a document. */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Schema migrations: MIGRATIONS[i] takes user_version i to i+1. Never edit
 * a released step; append a new one and bump DT_STORE_SCHEMA_VERSION. */
static const char *const MIGRATIONS[DT_STORE_SCHEMA_VERSION] = {
    "CREATE TABLE dictionaries(\n"
    "  hash TEXT PRIMARY KEY,\n"
    "  version TEXT,\n"
    "  files TEXT,\n"
    "  first_used TEXT NOT NULL);\n"
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  started TEXT NOT NULL,\n"
    "  finished TEXT,\n"
    "  status TEXT NOT NULL DEFAULT 'running',\n"
    "  program_version TEXT,\n"
    "  command_line TEXT,\n"
    "  options TEXT,\n"
    "  dict_hash TEXT REFERENCES dictionaries(hash),\n"
    "  docs_read INTEGER, docs_coded INTEGER, docs_no_events INTEGER,\n"
    "  docs_rejected INTEGER, docs_already_stored INTEGER, docs_replaced INTEGER,\n"
    "  sentences INTEGER, events INTEGER);\n"
    "CREATE TABLE documents(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  doc_id TEXT NOT NULL UNIQUE,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  date TEXT,\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
    "  length INTEGER NOT NULL,\n"
    "  nsentences INTEGER NOT NULL,\n"
    "  nevents INTEGER NOT NULL,\n"
    "  extra TEXT);\n"
    "CREATE INDEX documents_date ON documents(date);\n"
    "CREATE TABLE sentences(\n"
    "  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  off INTEGER NOT NULL,\n"
    "  len INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  PRIMARY KEY(document, idx)) WITHOUT ROWID;\n"
    "CREATE TABLE events(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
    "  sentence INTEGER NOT NULL,\n"
    "  sentence_id TEXT,\n"
    "  date TEXT,\n"
    "  source TEXT NOT NULL,\n"
    "  target TEXT NOT NULL,\n"
    "  code TEXT NOT NULL,\n"
    "  root TEXT,\n"
    "  quad INTEGER,\n"
    "  goldstein REAL,\n"
    "  passive INTEGER NOT NULL DEFAULT 0,\n"
    "  issues TEXT,\n"
    "  source_off INTEGER, source_len INTEGER,\n"
    "  verb_off INTEGER, verb_len INTEGER,\n"
    "  target_off INTEGER, target_len INTEGER,\n"
    "  pattern TEXT,\n"
    "  dict_file TEXT,\n"
    "  dict_line INTEGER);\n"
    "CREATE INDEX events_date ON events(date);\n"
    "CREATE INDEX events_dyad ON events(source, target, date);\n"
    "CREATE INDEX events_code ON events(code, date);\n"
    "CREATE INDEX events_document ON events(document);\n"
    "CREATE TABLE actors(\n"
    "  code TEXT PRIMARY KEY,\n"
    "  country TEXT,\n"
    "  first_date TEXT,\n"
    "  last_date TEXT);\n"
    "CREATE TABLE rejections(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),\n"
    "  location TEXT,\n"
    "  code INTEGER,\n"
    "  reason TEXT);\n"
    /* One-a-day filter: the raw events stay; this view counts each
     * (day, source, target, code) once and says how many it folded. */
    "CREATE VIEW events_daily AS\n"
    "  SELECT date, source, target, code, min(root) AS root, min(quad) AS quad,\n"
    "         min(goldstein) AS goldstein, count(*) AS n, count(*) - 1 AS duplicates,\n"
    "         min(id) AS first_event\n"
    "  FROM events GROUP BY date, source, target, code;\n"
    "CREATE VIEW events_dedup_summary AS\n"
    "  SELECT sum(n) AS raw_events, count(*) AS daily_events,\n"
    "         sum(duplicates) AS duplicates FROM events_daily;\n",
};

typedef struct sq {
    sqlite3 *db;
    char name[256];
    dt_sink_opts o;
    int64_t run_id;
    int in_txn;
    size_t pending; /* documents written in the open transaction */
    dt__sbuf key;
    sqlite3_stmt *st_lookup, *st_del_ev, *st_del_sent, *st_del_doc, *st_ins_doc, *st_ins_sent,
        *st_ins_ev, *st_actor, *st_reject;
} sq;

static int sq_err(sq *s, int rc, const char *what, dt_error *err)
{
    const char *m = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    /* "disk I/O error" alone hides the cause (disk full, file too large,
     * permission): add the system's word for it. */
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    int ext = s->db ? sqlite3_extended_errcode(s->db) : rc;
    if (!sys &&
        (ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC || ext == SQLITE_IOERR_TRUNCATE))
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX,
                            "%s: %s (writing the file failed: disk full or file too large?)", what,
                            m);
    if (sys)
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "%s: %s (%s)", what, m,
                            strerror(sys));
    return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "%s: %s", what, m);
}

static int exec(sq *s, const char *sql, const char *what, dt_error *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_err(s, rc, what, err);
    return DT_OK;
}

static void rollback(sq *s)
{
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
    s->pending = 0;
}

static int prep(sq *s, sqlite3_stmt **st, const char *sql, dt_error *err)
{
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK)
        return sq_err(s, rc, "prepare", err);
    return DT_OK;
}

static int user_version(sq *s, int *v, dt_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return sq_err(s, rc, "cannot read the schema version", err);
    }
    *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return DT_OK;
}

/* Check the version and migrate, all in one write transaction: a newer
 * schema is refused before anything is written (not even WAL mode). */
static int migrate(sq *s, dt_error *err)
{
    int rc = exec(s, "BEGIN IMMEDIATE", "cannot lock the database", err);
    if (rc < 0)
        return rc;
    int v = 0;
    rc = user_version(s, &v, err);
    if (rc < 0)
        goto fail;
    if (v > DT_STORE_SCHEMA_VERSION) {
        rc = dt_error_set(err, DT_EUNSUPPORTED, NULL, 0, UINT64_MAX,
                          "schema version %d is newer than this program knows (%d); "
                          "use a newer detente",
                          v, DT_STORE_SCHEMA_VERSION);
        goto fail;
    }
    if (v == 0) {
        /* Version 0 with tables in it is somebody else's database. */
        sqlite3_stmt *st = NULL;
        int n = 0;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (n > 0) {
            rc = dt_error_set(err, DT_EFORMAT, NULL, 0, UINT64_MAX,
                              "not a detente store (has tables but no schema version)");
            goto fail;
        }
    }
    for (int i = v; i < DT_STORE_SCHEMA_VERSION; i++) {
        rc = exec(s, MIGRATIONS[i], "cannot create the schema", err);
        if (rc < 0)
            goto fail;
    }
    if (v < DT_STORE_SCHEMA_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DT_STORE_SCHEMA_VERSION);
        rc = exec(s, sql, "cannot set the schema version", err);
        if (rc < 0)
            goto fail;
    }
    rc = exec(s, "COMMIT", "cannot commit the schema", err);
    if (rc < 0)
        goto fail;
    return DT_OK;
fail:
    rollback(s);
    return rc;
}

static void sq_close(void *self)
{
    sq *s = self;
    if (!s)
        return;
    rollback(s);
    sqlite3_stmt *all[] = {s->st_lookup,  s->st_del_ev,  s->st_del_sent,
                           s->st_del_doc, s->st_ins_doc, s->st_ins_sent,
                           s->st_ins_ev,  s->st_actor,   s->st_reject};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close_v2(s->db);
    dt__sbuf_free(&s->key);
    dt_free(s);
}

static void bind_text(sqlite3_stmt *st, int i, const char *p, size_t n)
{
    if (!p || !n)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, p, (int)n, SQLITE_TRANSIENT);
}

static void bind_cstr(sqlite3_stmt *st, int i, const char *p)
{
    bind_text(st, i, p, p ? strlen(p) : 0);
}

static void bind_date(sqlite3_stmt *st, int i, int32_t d)
{
    char b[11];
    dt__store_date(d, b);
    bind_cstr(st, i, b);
}

/* Run a bound statement that returns no rows, then reset it. */
static int step_done(sq *s, sqlite3_stmt *st, const char *what, dt_error *err)
{
    int rc = sqlite3_step(st);
    int r = DT_OK;
    if (rc != SQLITE_DONE)
        r = sq_err(s, rc, what, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

static int sq_begin_run(void *self, const dt_run_info *run, dt_error *err)
{
    sq *s = self;
    char now[24];
    dt__store_now(now);
    int rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = NULL;
    if (run->dict_hash && run->dict_hash[0]) {
        rc = prep(s, &st,
                  "INSERT INTO dictionaries(hash, version, files, first_used) VALUES(?1,?2,?3,?4) "
                  "ON CONFLICT(hash) DO NOTHING",
                  err);
        if (rc < 0)
            goto fail;
        bind_cstr(st, 1, run->dict_hash);
        bind_cstr(st, 2, run->dict_version);
        bind_cstr(st, 3, run->dict_files);
        bind_cstr(st, 4, now);
        rc = step_done(s, st, "cannot record the dictionary set", err);
        sqlite3_finalize(st);
        st = NULL;
        if (rc < 0)
            goto fail;
    }
    rc = prep(s, &st,
              "INSERT INTO runs(started, status, program_version, command_line, options, "
              "dict_hash) VALUES(?1,'running',?2,?3,?4,?5)",
              err);
    if (rc < 0)
        goto fail;
    bind_cstr(st, 1, now);
    bind_cstr(st, 2, run->program_version);
    bind_cstr(st, 3, run->command_line);
    bind_cstr(st, 4, run->options);
    bind_cstr(st, 5, run->dict_hash && run->dict_hash[0] ? run->dict_hash : NULL);
    rc = step_done(s, st, "cannot record the run", err);
    sqlite3_finalize(st);
    if (rc < 0)
        goto fail;
    s->run_id = sqlite3_last_insert_rowid(s->db);
    /* The run row is committed at once: a killed run leaves its record,
     * status 'running', which says it did not finish. */
    rc = exec(s, "COMMIT", "cannot commit the run record", err);
    if (rc < 0)
        goto fail;
    return DT_OK;
fail:
    rollback(s);
    return rc;
}

/* Returns 1 and *rowid/hash if the key is stored, 0 if not. */
static int find_doc(sq *s, const char *key, size_t klen, int64_t *rowid, char hash[17],
                    dt_error *err)
{
    sqlite3_stmt *st = s->st_lookup;
    sqlite3_bind_text(st, 1, key, (int)klen, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        found = 1;
        *rowid = sqlite3_column_int64(st, 0);
        const unsigned char *h = sqlite3_column_text(st, 1);
        snprintf(hash, 17, "%s", h ? (const char *)h : "");
    } else if (rc != SQLITE_DONE) {
        found = sq_err(s, rc, "cannot look up a document", err);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return found;
}

static int sq_lookup(void *self, dt_str id, uint64_t hash, dt_error *err)
{
    sq *s = self;
    dt__store_doc_key(id, hash, &s->key);
    if (s->key.oom)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    int64_t rowid = 0;
    char h[17], want[17];
    int rc = find_doc(s, s->key.p, s->key.n, &rowid, h, err);
    if (rc <= 0)
        return rc == 0 ? DT_SINK_NEW : rc;
    dt__store_hex64(hash, want);
    return strcmp(h, want) == 0 ? DT_SINK_STORED : DT_SINK_CHANGED;
}

static int commit_batch(sq *s, dt_error *err)
{
    if (!s->in_txn)
        return DT_OK;
    int rc = exec(s, "COMMIT", "cannot commit", err);
    if (rc < 0)
        return rc;
    s->in_txn = 0;
    s->pending = 0;
    return DT_OK;
}

static int actor(sq *s, const char *code, int32_t date, dt_error *err)
{
    if (!code[0])
        return DT_OK;
    sqlite3_stmt *st = s->st_actor;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    /* The country is the first three letters when they are a code block. */
    size_t n = strlen(code);
    if (n >= 3 && code[0] != '"' && code[0] != '-')
        sqlite3_bind_text(st, 2, code, 3, SQLITE_STATIC);
    bind_date(st, 3, date);
    return step_done(s, st, "cannot record an actor", err);
}

static int sq_document(void *self, const dt_sink_doc *doc, uint64_t hash, const dt_event *ev,
                       size_t nev, dt_error *err)
{
    sq *s = self;
    int rc;
    if (!s->in_txn) {
        rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
        if (rc < 0)
            return rc;
        s->in_txn = 1;
    }
    dt__store_doc_key(doc->id, hash, &s->key);
    if (s->key.oom) {
        rc = dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
        goto fail;
    }
    int64_t old = 0;
    char h[17];
    rc = find_doc(s, s->key.p, s->key.n, &old, h, err);
    if (rc < 0)
        goto fail;
    if (rc == 1) {
        /* Replace: the old rows go in the same transaction as the new. */
        sqlite3_stmt *del[] = {s->st_del_ev, s->st_del_sent, s->st_del_doc};
        for (size_t i = 0; i < 3; i++) {
            sqlite3_bind_int64(del[i], 1, old);
            rc = step_done(s, del[i], "cannot delete the stored document", err);
            if (rc < 0)
                goto fail;
        }
    }
    /* Sentence rows: the splitter's, or else those the events name. */
    size_t nsent = doc->nsent;
    if (!doc->sent || !nsent) {
        nsent = 0;
        for (size_t i = 0; i < nev; i++)
            if (!dt__store_sentence_seen(ev, i))
                nsent++;
    }
    char hex[17];
    dt__store_hex64(hash, hex);
    sqlite3_stmt *st = s->st_ins_doc;
    sqlite3_bind_text(st, 1, s->key.p, (int)s->key.n, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hex, 16, SQLITE_STATIC);
    bind_date(st, 3, doc->date);
    sqlite3_bind_int64(st, 4, s->run_id);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)doc->text.n);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)nsent);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)nev);
    bind_text(st, 8, doc->extra.p, doc->extra.n);
    rc = step_done(s, st, "cannot store a document", err);
    if (rc < 0)
        goto fail;
    int64_t docrow = sqlite3_last_insert_rowid(s->db);

    st = s->st_ins_sent;
    if (doc->sent && doc->nsent) {
        for (size_t i = 0; i < doc->nsent; i++) {
            dt_span sp = doc->sent[i];
            if ((size_t)sp.off + sp.len > doc->text.n)
                sp.len = sp.off > doc->text.n ? 0 : (uint32_t)(doc->text.n - sp.off);
            sqlite3_bind_int64(st, 1, docrow);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
            sqlite3_bind_int64(st, 3, sp.off);
            sqlite3_bind_int64(st, 4, sp.len);
            sqlite3_bind_text(st, 5, sp.len ? doc->text.p + sp.off : "", (int)sp.len,
                              SQLITE_STATIC);
            rc = step_done(s, st, "cannot store a sentence", err);
            if (rc < 0)
                goto fail;
        }
    } else {
        for (size_t i = 0; i < nev; i++) {
            if (dt__store_sentence_seen(ev, i))
                continue;
            sqlite3_bind_int64(st, 1, docrow);
            sqlite3_bind_int64(st, 2, ev[i].sentence);
            sqlite3_bind_int64(st, 3, ev[i].sent_span.off);
            sqlite3_bind_int64(st, 4, ev[i].sent_span.len);
            sqlite3_bind_text(st, 5, ev[i].text.p ? ev[i].text.p : "", (int)ev[i].text.n,
                              SQLITE_STATIC);
            rc = step_done(s, st, "cannot store a sentence", err);
            if (rc < 0)
                goto fail;
        }
    }

    st = s->st_ins_ev;
    for (size_t i = 0; i < nev; i++) {
        const dt_event *e = &ev[i];
        sqlite3_bind_int64(st, 1, docrow);
        sqlite3_bind_int64(st, 2, s->run_id);
        sqlite3_bind_int64(st, 3, e->sentence);
        bind_text(st, 4, e->sentence_id.p, e->sentence_id.n);
        bind_date(st, 5, e->date);
        sqlite3_bind_text(st, 6, e->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, e->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, e->code, -1, SQLITE_STATIC);
        bind_cstr(st, 9, e->root);
        if (e->quad > 0)
            sqlite3_bind_int(st, 10, e->quad);
        sqlite3_bind_double(st, 11, e->goldstein);
        sqlite3_bind_int(st, 12, e->passive ? 1 : 0);
        bind_text(st, 13, e->issues.p, e->issues.n);
        const dt_span *sp[3] = {&e->source_span, &e->verb_span, &e->target_span};
        for (int k = 0; k < 3; k++)
            if (sp[k]->len) {
                sqlite3_bind_int64(st, 14 + 2 * k, sp[k]->off);
                sqlite3_bind_int64(st, 15 + 2 * k, sp[k]->len);
            }
        bind_text(st, 20, e->pattern.p, e->pattern.n);
        bind_text(st, 21, e->dict_file.p, e->dict_file.n);
        if (e->dict_line)
            sqlite3_bind_int64(st, 22, e->dict_line);
        rc = step_done(s, st, "cannot store an event", err);
        if (rc < 0)
            goto fail;
        rc = actor(s, e->source, e->date, err);
        if (rc == DT_OK)
            rc = actor(s, e->target, e->date, err);
        if (rc < 0)
            goto fail;
    }
    if (++s->pending >= s->o.batch_docs) {
        rc = commit_batch(s, err);
        if (rc < 0)
            goto fail;
    }
    return DT_OK;
fail:
    rollback(s);
    return rc;
}

static int sq_reject(void *self, const char *where, int code, const char *reason, dt_error *err)
{
    sq *s = self;
    int rc;
    if (!s->in_txn) {
        rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
        if (rc < 0)
            return rc;
        s->in_txn = 1;
    }
    sqlite3_stmt *st = s->st_reject;
    sqlite3_bind_int64(st, 1, s->run_id);
    bind_cstr(st, 2, where);
    sqlite3_bind_int(st, 3, code);
    bind_cstr(st, 4, reason);
    rc = step_done(s, st, "cannot record a rejection", err);
    if (rc < 0)
        rollback(s);
    return rc;
}

static int sq_end_run(void *self, const dt_run_counts *c, dt_error *err)
{
    sq *s = self;
    int rc;
    if (!s->in_txn) {
        rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
        if (rc < 0)
            return rc;
        s->in_txn = 1;
    }
    sqlite3_stmt *st = NULL;
    rc = prep(s, &st,
              "UPDATE runs SET finished=?1, status='complete', docs_read=?2, docs_coded=?3, "
              "docs_no_events=?4, docs_rejected=?5, docs_already_stored=?6, docs_replaced=?7, "
              "sentences=?8, events=?9 WHERE id=?10",
              err);
    if (rc < 0)
        goto fail;
    char now[24];
    dt__store_now(now);
    bind_cstr(st, 1, now);
    const uint64_t v[8] = {c->read,           c->coded,    c->no_events, c->rejected,
                           c->already_stored, c->replaced, c->sentences, c->events};
    for (int i = 0; i < 8; i++)
        sqlite3_bind_int64(st, 2 + i, (sqlite3_int64)v[i]);
    sqlite3_bind_int64(st, 10, s->run_id);
    rc = step_done(s, st, "cannot record the run's counts", err);
    sqlite3_finalize(st);
    if (rc < 0)
        goto fail;
    rc = commit_batch(s, err);
    if (rc < 0)
        goto fail;
    return DT_OK;
fail:
    rollback(s);
    return rc;
}

static const dt__sink_ops SQ_OPS = {sq_begin_run, sq_lookup,  sq_document,
                                    sq_reject,    sq_end_run, sq_close};

int dt__sqlite_open(void **self, const dt__sink_ops **ops, const char *path, const dt_sink_opts *o,
                    const char *name, dt_error *err)
{
    *self = NULL;
    *ops = &SQ_OPS;
    sq *s = dt_calloc(1, sizeof *s);
    if (!s)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    s->o = *o;
    snprintf(s->name, sizeof s->name, "%s", name);
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        rc = dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "cannot open: %s",
                          s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        rc = dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX, "cannot write: read-only database");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* Another process may hold the write lock for a moment (a reader
     * checkpointing): wait rather than fail at once. */
    sqlite3_busy_timeout(s->db, 10000);
    rc = migrate(s, err);
    if (rc < 0)
        goto fail;
    /* WAL: readers (the API server, analysts) don't block the writer.
     * synchronous=NORMAL is durable across process death, which is what a
     * killed run needs; only a power cut may lose the last batch. */
    rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
              "cannot switch to WAL mode", err);
    if (rc < 0)
        goto fail;
    if ((rc = prep(s, &s->st_lookup, "SELECT id, content_hash FROM documents WHERE doc_id=?1",
                   err)) < 0 ||
        (rc = prep(s, &s->st_del_ev, "DELETE FROM events WHERE document=?1", err)) < 0 ||
        (rc = prep(s, &s->st_del_sent, "DELETE FROM sentences WHERE document=?1", err)) < 0 ||
        (rc = prep(s, &s->st_del_doc, "DELETE FROM documents WHERE id=?1", err)) < 0 ||
        (rc = prep(s, &s->st_ins_doc,
                   "INSERT INTO documents(doc_id, content_hash, date, run_id, length, nsentences, "
                   "nevents, extra) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                   err)) < 0 ||
        (rc = prep(s, &s->st_ins_sent,
                   "INSERT INTO sentences(document, idx, off, len, text) VALUES(?1,?2,?3,?4,?5)",
                   err)) < 0 ||
        (rc = prep(s, &s->st_ins_ev,
                   "INSERT INTO events(document, run_id, sentence, sentence_id, date, source, "
                   "target, code, root, quad, goldstein, passive, issues, source_off, source_len, "
                   "verb_off, verb_len, target_off, target_len, pattern, dict_file, dict_line) "
                   "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,"
                   "?20,?21,?22)",
                   err)) < 0 ||
        (rc = prep(s, &s->st_actor,
                   "INSERT INTO actors(code, country, first_date, last_date) VALUES(?1,?2,?3,?3) "
                   "ON CONFLICT(code) DO UPDATE SET "
                   "first_date = CASE WHEN excluded.first_date IS NOT NULL AND (first_date IS NULL "
                   "OR excluded.first_date < first_date) THEN excluded.first_date ELSE first_date "
                   "END, "
                   "last_date = CASE WHEN excluded.last_date IS NOT NULL AND (last_date IS NULL OR "
                   "excluded.last_date > last_date) THEN excluded.last_date ELSE last_date END",
                   err)) < 0 ||
        (rc = prep(s, &s->st_reject,
                   "INSERT INTO rejections(run_id, location, code, reason) VALUES(?1,?2,?3,?4)",
                   err)) < 0)
        goto fail;
    *self = s;
    return DT_OK;
fail:
    sq_close(s);
    return rc;
}
