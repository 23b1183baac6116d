/* detente — store internals: the backend table behind dt_sink and a small
 * growable byte buffer shared by the SQLite and PostgreSQL backends. */
#ifndef DETENTE_STORE_INTERNAL_H
#define DETENTE_STORE_INTERNAL_H

#include "detente/store.h"

/* A backend implements these; `self` is its own state. Each returns DT_OK
 * or a negative code with err filled (the name is added by sink.c). */
typedef struct dt__sink_ops {
    int (*begin_run)(void *self, const dt_run_info *run, dt_error *err);
    int (*lookup)(void *self, dt_str id, uint64_t hash, dt_error *err);
    int (*document)(void *self, const dt_sink_doc *doc, uint64_t hash, const dt_event *ev,
                    size_t nev, dt_error *err);
    int (*reject)(void *self, const char *where, int code, const char *reason, dt_error *err);
    int (*end_run)(void *self, const dt_run_counts *c, dt_error *err);
    void (*close)(void *self);
} dt__sink_ops;

/* Backends' constructors: *self is theirs, freed by ops->close. `name` is
 * the display name for messages. */
int dt__sqlite_open(void **self, const dt__sink_ops **ops, const char *path, const dt_sink_opts *o,
                    const char *name, dt_error *err);
int dt__pg_open(void **self, const dt__sink_ops **ops, const char *conninfo, const dt_sink_opts *o,
                const char *name, dt_error *err);

/* Growable buffer (dt_malloc'd). A failed append sets oom and later
 * appends do nothing, so callers check once at the end. */
typedef struct dt__sbuf {
    char *p;
    size_t n, cap;
    int oom;
} dt__sbuf;
void dt__sbuf_putn(dt__sbuf *b, const char *s, size_t n);
void dt__sbuf_puts(dt__sbuf *b, const char *s);
void dt__sbuf_putc(dt__sbuf *b, char c);
void dt__sbuf_free(dt__sbuf *b);

/* "YYYY-MM-DD" of a yyyymmdd int into out[11]; "" when d <= 0. */
void dt__store_date(int32_t d, char out[11]);
/* The document key: its id, or "#<hash hex>" when the id is empty. */
void dt__store_doc_key(dt_str id, uint64_t hash, dt__sbuf *b);
/* 16 lower-case hex digits + NUL. */
void dt__store_hex64(uint64_t v, char out[17]);
/* 1 if ev[i]'s sentence was already named by ev[0..i) (events need not
 * be sorted by sentence). */
int dt__store_sentence_seen(const dt_event *ev, size_t i);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void dt__store_now(char out[24]);

#endif
