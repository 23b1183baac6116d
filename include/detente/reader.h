/* detente — document readers: JSONL, plain text and PETRARCH XML, each
 * optionally gzip- or zstd-compressed (detected from the magic bytes).
 *
 * A reader yields one record at a time. A bad record is reported through
 * dt_error (file, line or byte offset, reason) and skipped; reading goes on
 * with the next record, so good records around a bad one are never lost.
 * A reader is used by one thread at a time.
 */
#ifndef DETENTE_READER_H
#define DETENTE_READER_H

#include "detente/arena.h"
#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dt_input_format { DT_INPUT_AUTO = 0, DT_INPUT_JSONL, DT_INPUT_TEXT, DT_INPUT_PETRARCH_XML };
/* "jsonl", "text", "petrarch-xml" (also "xml"); -1 if unknown. */
int dt_input_format_from_name(const char *s);
const char *dt_input_format_name(int fmt);

/* Limits. */
#define DT_MAX_LINE_BYTES ((size_t)16 << 20) /* one JSONL line */
#define DT_MAX_GOLD 64                       /* gold codings per XML record */

/* Record kinds. */
enum dt_record_kind {
    DT_REC_DOC = 0, /* a document (or a PETRARCH sentence) */
    DT_REC_CONFIG,  /* PETRARCH <Config option= value=> between records */
    DT_REC_ENV      /* PETRARCH <Environment> (dictionary file names) */
};

typedef struct dt_gold {
    dt_str source, target, code; /* "ARN", "GON", "064" */
} dt_gold;

/* One record. All views point into the reader's arena and are valid until
 * the arena is reset. Dates are normalised to yyyymmdd ints. */
typedef struct dt_doc {
    int kind; /* enum dt_record_kind */
    dt_str id;
    int32_t date;    /* yyyymmdd, 0 if none */
    dt_str text;     /* UTF-8 validated */
    dt_str extra;    /* JSONL: the other top-level fields, as a JSON object
                        text ("{...}"), empty if none; passed through */
    uint64_t line;   /* line of the record's start in its file */
    uint64_t offset; /* byte offset of the record's start */
    /* Text files only: bytes that were not UTF-8 and were replaced by '?'
     * (one for one, offsets unchanged); repair says where the first was and
     * why. The document is still returned; the caller should report it as
     * bad input. A file with a NUL or over 1% bad bytes is rejected. */
    uint64_t repaired;
    dt_error repair;
    /* PETRARCH XML only */
    dt_str parse; /* <Parse> tree text */
    dt_str category;
    dt_gold gold[DT_MAX_GOLD];
    size_t ngold;
    int noevents;          /* noevents="True" */
    dt_str error_expected; /* error= attribute, empty if none */
    /* DT_REC_CONFIG */
    dt_str option, value;
    /* DT_REC_ENV */
    dt_str verbfile, agentfile, discardfile, issuefile;
    dt_str actorfile[8];
    size_t nactorfile;
} dt_doc;

/* Formats (docs/formats.md has the details):
 *   JSONL: one object a line; "id" and "text" strings required, "date"
 *     optional (YYYY-MM-DD, YYYYMMDD or an ISO 8601 timestamp); every other
 *     member goes to dt_doc.extra. Blank lines are skipped.
 *   text: the whole input is one document; id = base name without the
 *     .gz/.zst suffix and the extension ("stdin" for standard input); date =
 *     the first valid YYYY-MM-DD / YYYYMMDD in that name, else default_date.
 *   PETRARCH XML: <Sentence>, <Config> and <Environment> records, streamed
 *     (SAX); a <!DOCTYPE> is refused.
 * AUTO picks JSONL for a first non-space byte '{', XML for '<', else text.
 * gzip and zstd input is recognised by its magic bytes, on stdin too. */
typedef struct dt_reader_opts {
    int format;               /* enum dt_input_format; AUTO detects */
    int32_t default_date;     /* for text files without a date (yyyymmdd), 0 = none */
    const char *display_name; /* name for messages (default: path or "<stdin>") */
} dt_reader_opts;

typedef struct dt_reader dt_reader;

/* Open path (NULL or "-" = stdin). Caller owns *out. Errors opening or
 * detecting the format are returned here (DT_EIO, DT_EFORMAT). */
int dt_reader_open(dt_reader **out, const char *path, const dt_reader_opts *opts, dt_error *err);
void dt_reader_free(dt_reader *r);

/* Next record into *doc, allocating from a (reset by the caller between
 * records as it likes). Returns 1 for a record, 0 at the end, or a negative
 * code: DT_EFORMAT/DT_EUTF8/DT_EDATE/DT_ELIMIT mean that one record was
 * rejected (err says where and why) and the caller may call again;
 * DT_EIO (truncated or unreadable stream) and DT_ENOMEM are fatal for this
 * reader (later calls return 0). In PETRARCH XML a well-formedness error
 * (truncated or mismatched markup, invalid UTF-8, a DOCTYPE) is also final:
 * the records completed before it are returned first, then one DT_EFORMAT,
 * then 0. A blank input (no bytes, or only white space) yields one
 * DT_EFORMAT "empty input". err->line is the record's 1-based line; for
 * stream errors it is 0 and err->offset is the decoded byte offset. */
int dt_reader_next(dt_reader *r, dt_arena *a, dt_doc *doc, dt_error *err);

/* The format in use (after auto-detection). */
int dt_reader_format(const dt_reader *r);

/* Parse a date "YYYY-MM-DD", "YYYYMMDD" or "YYMMDD" (PETRARCH) into a
 * yyyymmdd int, checking the calendar. DT_EDATE if invalid. */
int dt_date_parse(const char *s, size_t n, int32_t *out);
/* Format yyyymmdd as "YYYY-MM-DD" into buf[11]. */
void dt_date_format(int32_t d, char buf[11]);

#ifdef __cplusplus
}
#endif
#endif
