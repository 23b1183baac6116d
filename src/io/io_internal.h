/* detente io — internal interfaces shared by the readers.
 *
 * Layering inside src/io:
 *   stream.c  bytes from a file or stdin, transparently gunzipped or
 *             un-zstd'ed (detected from the magic bytes)
 *   lines.c   bounded line splitting over a stream (JSONL)
 *   reader*.c the format readers, and reader.c which dispatches
 * Every reader pulls its bytes through one dt__stream, so compression is
 * handled once, for every format, on files and on stdin alike.
 */
#ifndef DT_IO_INTERNAL_H
#define DT_IO_INTERNAL_H

#include "detente/reader.h"

#include <stddef.h>
#include <stdint.h>

/* ---- byte stream ---------------------------------------------------- */

enum dt__stream_codec { DT__CODEC_PLAIN = 0, DT__CODEC_GZIP, DT__CODEC_ZSTD };

typedef struct dt__stream dt__stream;

/* Open path (NULL or "-" = stdin) and detect the codec. name is used in
 * error messages. DT_EIO if the file cannot be opened or read. */
int dt__stream_open(dt__stream **out, const char *path, const char *name, dt_error *err);
void dt__stream_free(dt__stream *s);

/* Read up to n decoded bytes into buf. Returns the count (> 0), 0 at a
 * clean end, or DT_EIO (read error, corrupt or truncated compressed data;
 * err has the decoded byte offset). Once it has failed it keeps failing. */
long dt__stream_read(dt__stream *s, void *buf, size_t n, dt_error *err);

/* The first decoded bytes, without consuming them (up to a few KiB, fewer
 * only at the end of the input). For format detection. */
int dt__stream_peek(dt__stream *s, const unsigned char **p, size_t *n, dt_error *err);

int dt__stream_codec(const dt__stream *s);
const char *dt__stream_codec_name(int codec);
/* Decoded bytes handed out so far. */
uint64_t dt__stream_tell(const dt__stream *s);

/* ---- lines ---------------------------------------------------------- */

typedef struct dt__lines {
    dt__stream *s;
    const char *name;
    char *buf;
    size_t cap, start, end, scan;
    uint64_t lineno; /* number of the next line, 1-based */
    uint64_t offset; /* decoded offset of buf[start] */
    int eof;
} dt__lines;

void dt__lines_init(dt__lines *l, dt__stream *s, const char *name);
void dt__lines_free(dt__lines *l);

/* Next line without its "\n" (or "\r\n"). *p is valid until the next call.
 * Returns 1 (line), 0 (end), DT_ELIMIT (a line longer than
 * DT_MAX_LINE_BYTES was skipped up to its newline without being stored;
 * err names its line), DT_EIO (stream failure; an unfinished last line
 * is dropped), DT_ENOMEM. */
int dt__lines_next(dt__lines *l, const char **p, size_t *n, uint64_t *lineno, uint64_t *offset,
                   dt_error *err);

/* ---- helpers -------------------------------------------------------- */

/* Validate UTF-8 and turn a failure into a record error naming the line
 * (counted from base_line at s[0]) and the byte. */
int dt__check_utf8(const char *s, size_t n, const char *name, uint64_t base_line,
                   uint64_t base_offset, const char *what, dt_error *err);

/* Find a date (YYYY-MM-DD or YYYYMMDD, not inside a longer digit run) in a
 * file name; 0 if none. */
int32_t dt__date_in_name(const char *s, size_t n);

/* ---- format readers (each keeps its state in dt_reader) -------------- */

typedef struct dt__xml dt__xml;
int dt__xml_open(dt__xml **out, dt__stream *s, const char *name, int32_t default_date,
                 dt_error *err);
void dt__xml_free(dt__xml *x);
int dt__xml_next(dt__xml *x, dt_arena *a, dt_doc *doc, dt_error *err);

/* One JSONL line: the one-pass scanner, and jansson for every line the
 * scanner leaves undecided (see reader_jsonl.c). */
int dt__jsonl_parse(const char *line, size_t n, uint64_t lineno, uint64_t offset, const char *name,
                    int32_t default_date, dt_arena *a, dt_doc *doc, dt_error *err);
/* The two halves on their own, for the differential test: jansson alone
 * (the reference: every line, every message), and the scanner alone (1:
 * accepted, doc filled; 0: undecided, including every invalid line;
 * DT_ENOMEM). */
int dt__jsonl_parse_jansson(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                            const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                            dt_error *err);
int dt__jsonl_parse_fast(const char *line, size_t n, uint64_t lineno, uint64_t offset,
                         const char *name, int32_t default_date, dt_arena *a, dt_doc *doc,
                         dt_error *err);

#endif
