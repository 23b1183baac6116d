/* detente — what a reader of the store may assume of an events row.
 *
 * Users edit stores (docs/store.md), and the schema guards little (NOT
 * NULL, the primary keys, doc_id UNIQUE). Every reader (analysis,
 * report, server) checks each events row it uses with dt__store_row_check
 * before it believes it; a row that fails is bad input, named by its id. */
#ifndef DETENTE_STORE_ROWS_H
#define DETENTE_STORE_ROWS_H

#include <stddef.h>

/* The columns as text, NULL for SQL NULL (what sqlite3_column_text and
 * PQgetvalue give). doc_id is NULL when the row's document is missing. */
typedef struct dt__store_row {
    const char *date, *source, *target, *code, *root, *quad, *goldstein, *doc_id, *sentence;
} dt__store_row;

/* Longest actor and event code a row may hold (the server's aggregates
 * hold codes of up to 128 bytes). */
#define DT__STORE_MAX_ACTOR 128
#define DT__STORE_MAX_CODE 16

/* 0 when the row holds what the readers assume, else -1 with the first
 * broken assumption in why ("bad date \"2019-02-30\""). */
int dt__store_row_check(const dt__store_row *r, char *why, size_t cap);

/* A column of a SQLite row as dt__store_row wants it, without making
 * text of a number that is already good: kind 1 (quad) gives "1" for an
 * INTEGER in 1..4, kind 2 (goldstein) "0" for a finite number in -10..10
 * (the check passes either; the reader takes the value itself), kind 0 the
 * column's text. Converting every REAL to text made the server's scans
 * 2.5 times slower. */
struct sqlite3_stmt;
const char *dt__store_sqlite_text(struct sqlite3_stmt *st, int col, int kind);

#endif
