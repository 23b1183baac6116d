/* detente — event sinks and the event store.
 *
 * A sink is where `detente code` puts what it found. One API covers the
 * stream formats (JSONL, TSV, CSV: one event a line) and the stores
 * (SQLite, PostgreSQL: runs, documents, sentences, events, actors,
 * dictionaries, rejections in a real schema; see docs/store.md).
 *
 * Life cycle, one thread at a time per sink:
 *
 *   dt_sink_open(&s, "sqlite:events.db", &opts, &err);
 *   dt_sink_begin_run(s, &run, &err);
 *   for each document:
 *       if (dt_sink_lookup(s, id, hash, &err) == DT_SINK_STORED) skip;
 *       ... code it ...
 *       dt_sink_document(s, &doc, events, nevents, &err);
 *   (bad records: dt_sink_reject(s, where, code, reason, &err))
 *   dt_sink_end_run(s, &counts, &err);
 *   dt_sink_close(s);
 *
 * Stores write in transactions that span many documents (opts.batch_docs);
 * a document is either wholly stored (document row, all its sentences and
 * events) or not at all, also when the process is killed. Re-running the
 * same input completes an interrupted run: documents already stored with
 * the same content hash are skipped; with opts.replace they are re-coded
 * and their sentences and events replaced atomically.
 *
 * Errors: every function returns DT_OK or a negative DT_E* code and fills
 * err with the sink's name ("sqlite:PATH", the URI without its password)
 * and the reason. After an error from a store the open transaction has
 * been rolled back; the sink accepts only dt_sink_close.
 */
#ifndef DETENTE_STORE_H
#define DETENTE_STORE_H

#include <stdio.h>

#include "detente/common.h"
#include "detente/event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this program writes (PRAGMA user_version in SQLite,
 * detente_meta.schema_version in PostgreSQL). A store with a newer version
 * is refused with DT_EUNSUPPORTED and left untouched. */
#define DT_STORE_SCHEMA_VERSION 1

enum dt_sink_kind { DT_SINK_JSONL = 0, DT_SINK_TSV, DT_SINK_CSV, DT_SINK_SQLITE, DT_SINK_PG };

typedef struct dt_sink dt_sink;

typedef struct dt_sink_opts {
    /* Stream sinks: where to write (borrowed, not closed); NULL = stdout. */
    FILE *out;
    const char *out_name; /* for messages; default "<stdout>" */
    /* Stores: re-code already stored documents and replace their rows. */
    int replace;
    /* Stores: documents per transaction; 0 = 2000. */
    size_t batch_docs;
} dt_sink_opts;

/* What a run was (recorded in the runs table by stores; ignored by
 * stream sinks). All strings are borrowed for the duration of the call
 * and may be NULL. */
typedef struct dt_run_info {
    const char *command_line;
    const char *dict_version;    /* e.g. "PETRARCH-1 files" or a set name */
    const char *dict_hash;       /* dt_dicts_hash_hex() */
    const char *dict_files;      /* the files of the set, free text */
    const char *options;         /* the run's options, free text */
    const char *program_version; /* default DT_VERSION */
} dt_run_info;

/* A run's accounting (DESIGN.md: every document is counted). */
typedef struct dt_run_counts {
    uint64_t read, coded, no_events, rejected, already_stored, replaced;
    uint64_t sentences, events;
} dt_run_counts;

/* One coded document. Views are borrowed for the call. sent[] are byte
 * spans of the sentences in text (may be NULL/0: then no sentence rows
 * except those implied by events). content_hash 0 = computed here from
 * text with dt_sink_content_hash. */
typedef struct dt_sink_doc {
    dt_str id;
    int32_t date; /* yyyymmdd, 0 = unknown */
    dt_str text;
    const dt_span *sent;
    size_t nsent;
    uint64_t content_hash;
    dt_str extra; /* JSON object text passed through, or empty */
} dt_sink_doc;

/* 64-bit FNV-1a of the text: the "content hash" that, with the document
 * id, decides whether a document is already stored. Pure. Never 0. */
uint64_t dt_sink_content_hash(const char *text, size_t n);

/* Parse spec: "jsonl" (also "json"), "tsv", "csv", "sqlite:PATH",
 * "postgresql://..." or "postgres://..." (a libpq URI). Returns the
 * dt_sink_kind or -1. Pure. */
int dt_sink_kind_from_spec(const char *spec);

/* Open a sink. For stores this connects, checks/creates/migrates the
 * schema (inside one transaction) and switches SQLite to WAL mode.
 * Caller owns *out (free with dt_sink_close), NULL on failure.
 * Errors: DT_EINVAL unknown spec; DT_EIO cannot open/connect/write;
 * DT_EUNSUPPORTED schema newer than DT_STORE_SCHEMA_VERSION; DT_ENOMEM. */
int dt_sink_open(dt_sink **out, const char *spec, const dt_sink_opts *opts, dt_error *err);

/* The sink's display name ("sqlite:PATH", "jsonl", URI without password);
 * borrowed, valid until close. */
const char *dt_sink_name(const dt_sink *s);
int dt_sink_kind(const dt_sink *s);

/* Record the start of a run. Stream sinks write their header here (TSV,
 * CSV). Stores insert a runs row (committed at once, status "running")
 * and the dictionary set into dictionaries. */
int dt_sink_begin_run(dt_sink *s, const dt_run_info *run, dt_error *err);

enum { DT_SINK_NEW = 0, DT_SINK_STORED = 1, DT_SINK_CHANGED = 2 };
/* Is the document (id, content_hash) already in the store? Returns
 * DT_SINK_NEW (not stored: code it), DT_SINK_STORED (same id and hash:
 * skip it unless opts.replace), DT_SINK_CHANGED (same id, other content:
 * code it, it replaces the old one), or a negative code. Stream sinks
 * always answer DT_SINK_NEW. */
int dt_sink_lookup(dt_sink *s, dt_str id, uint64_t content_hash, dt_error *err);

/* Store one document with its events (the events' own doc_id/date are
 * written as they are). A document with the same id already in the store
 * is replaced (its sentences and events deleted) in the same transaction.
 * May commit a batch. Stream sinks write the events, one a line; an
 * event longer than DT_EVENT_MAX_LINE is left out, the others are still
 * written, and DT_ELIMIT is returned with err describing the first one
 * (err->file as the event writer left it). A stream write error returns
 * DT_EIO with errno preserved (EPIPE: the reader went away). */
int dt_sink_document(dt_sink *s, const dt_sink_doc *doc, const dt_event *ev, size_t nev,
                     dt_error *err);

/* Record a rejected input record (stores: table rejections; stream sinks:
 * nothing). where is "FILE:LINE" or similar; reason the message. */
int dt_sink_reject(dt_sink *s, const char *where, int code, const char *reason, dt_error *err);

/* Commit what is pending, record the counts and status "complete" in the
 * run row. Stream sinks flush. */
int dt_sink_end_run(dt_sink *s, const dt_run_counts *counts, dt_error *err);

/* Roll back anything not committed and free the sink. NULL is fine. */
void dt_sink_close(dt_sink *s);

/* Format e as one CSV record (RFC 4180: fields with comma, quote, CR or
 * LF are quoted, quotes doubled; CRLF line end) in the column order of
 * dt_event_csv_header(). Same contract as dt_event_format_tsv. */
int dt_event_format_csv(const dt_event *e, char *buf, size_t cap, size_t *len);
/* The CSV header record (with CRLF); static string. */
const char *dt_event_csv_header(void);

#ifdef __cplusplus
}
#endif
#endif
