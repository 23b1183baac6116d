/* detente — events: the coder's output record and its writers.
 *
 * A dt_event is one "who did what to whom, when" triple plus the evidence
 * that produced it: the sentence, byte spans of the source, verb and target
 * in the ORIGINAL document text, and the dictionary pattern that fired.
 *
 * Events are produced by dt_coder_code (code.h) into a caller's arena; all
 * pointers inside an event are borrowed from that arena or from the
 * document text and stay valid until the arena is reset.
 *
 * Writers format one event per line (JSONL or TSV) into a bounded buffer;
 * they are thread-safe (no shared state).
 */
#ifndef DETENTE_EVENT_H
#define DETENTE_EVENT_H

#include <stdio.h>

#include "detente/arena.h"
#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A byte span into the original document text; len == 0 means "none". */
typedef struct dt_span {
    uint32_t off;
    uint32_t len;
} dt_span;

/* Actor and event code buffer sizes (NUL included). Actor codes are
 * concatenations of 3-letter blocks (CHNGOVMIL...) or, with
 * new_actor_length > 0, a quoted noun phrase; longer codes are cut. */
#define DT_ACTOR_CODE_MAX 96
#define DT_EVENT_CODE_MAX 8

typedef struct dt_event {
    dt_str doc_id;      /* borrowed; may be empty */
    uint32_t sentence;  /* 0-based sentence index in the document */
    dt_str sentence_id; /* PETRARCH sentence id when known, else empty */
    int32_t date;       /* yyyymmdd, 0 = unknown */

    char source[DT_ACTOR_CODE_MAX]; /* "ARN", "USAGOV", "---GOV", "\"THE MINISTRY\"" */
    char target[DT_ACTOR_CODE_MAX];
    char code[DT_EVENT_CODE_MAX]; /* CAMEO code as written, "042", "1721", "174L" */
    char root[4];                 /* two-digit CAMEO root ("04"), "" if unknown */
    int quad;                     /* quad class 1-4, 0 if unknown */
    double goldstein;             /* Goldstein weight (0 if unknown) */

    /* Evidence. */
    dt_span sent_span;   /* the sentence in the document text */
    dt_str text;         /* the sentence text (borrowed view of the document) */
    dt_span source_span; /* the source noun phrase */
    dt_span verb_span;   /* the verb (including multi-word verb parts) */
    dt_span target_span; /* the target noun phrase */
    dt_str pattern;      /* the verb pattern that fired, e.g. "- * DIPLOMATIC TIES [064]";
                            or the verb entry when the bare verb code was used */
    dt_str dict_file;    /* dictionary file of the pattern (may be empty) */
    uint32_t dict_line;  /* its 1-based line, 0 if unknown */
    int passive;         /* 1 if coded from a passive construction */
    dt_str issues;       /* "ISSUE 1, OTHER 2" when issue coding is on, else empty */
    dt_str extra;        /* JSON object text passed through from the input, or empty */
} dt_event;

/* Output formats for the writers. */
enum dt_event_format { DT_EVENTS_JSONL = 0, DT_EVENTS_TSV };
/* "jsonl", "tsv"; -1 if unknown. */
int dt_event_format_from_name(const char *s);

/* The longest line a writer produces; longer lines fail with DT_ELIMIT
 * (the sentence text is what makes lines long). */
#define DT_EVENT_MAX_LINE ((size_t)1 << 20)

/* Format e as one JSON object followed by '\n' into buf[0..cap).
 * Fields: doc_id, sentence, sentence_id (if any), date (YYYY-MM-DD or null),
 * source, target, code, root, quad, goldstein, passive, issues (if any),
 * evidence {text, sentence_span, source_span, verb_span, target_span
 * ([off,len] or null), pattern, dict ("file:line")}, then "doc": the
 * object e->extra verbatim (absent when empty), nested so that a document
 * member named like an event field ("source") cannot shadow it. Strings are JSON-escaped (control
 * characters as \uXXXX, invalid UTF-8 bytes replaced by U+FFFD). On success writes a NUL after the
 * line, sets *len (without the NUL) and returns DT_OK; DT_ELIMIT if cap is too small (buf contents
 * are then unspecified). */
int dt_event_format_jsonl(const dt_event *e, char *buf, size_t cap, size_t *len);

/* Format e as one TSV line (Phoenix/PETRARCH column order):
 *   date(YYYYMMDD) source target code root quad goldstein doc_id sentence
 *   issues pattern text
 * Tabs, CR and LF inside fields become single spaces. Same return
 * contract as dt_event_format_jsonl. */
int dt_event_format_tsv(const dt_event *e, char *buf, size_t cap, size_t *len);

/* The TSV header line (with '\n'); static string. */
const char *dt_event_tsv_header(void);

/* Format e in `format` and write it to f, using a buffer that grows up to
 * DT_EVENT_MAX_LINE. DT_EIO on a write error, DT_ELIMIT, DT_ENOMEM,
 * DT_EINVAL for an unknown format. */
int dt_event_write(FILE *f, int format, const dt_event *e, dt_error *err);

/* A formatter with the contract of dt_event_format_jsonl. */
typedef int (*dt_event_formatter)(const dt_event *e, char *buf, size_t cap, size_t *len);

/* dt_event_write with any formatter (the CSV sink uses it); same returns.
 * DT_EIO's message names the system error when there is one. */
int dt_event_write_with(FILE *f, dt_event_formatter fmt, const dt_event *e, dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
