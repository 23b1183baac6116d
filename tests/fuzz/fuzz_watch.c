/* Fuzz target: the watch rule parser (include/detente/watch.h), and what a
 * parsed rule set goes on to do: a few fixed events and one whose sentence
 * is the tail of the input are evaluated (the period chosen by the input's
 * length), and the /api/watches JSON is written and must parse with
 * jansson.
 *
 * Contracts checked: a failed parse returns a documented code with a
 * message and leaves no set; every reported error has a file, a line and a
 * message, and at most DT_WATCH_MAX_ERRORS are reported; a successful
 * parse reports nothing, holds 1..DT_WATCH_MAX_RULES uniquely named rules,
 * each with at least one clause; the output is valid JSON. */
#include "fuzz_common.h"

#include "detente/series.h"
#include "detente/watch.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t ndiag;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The JSON check parses a status row per period of each rule: without
     * this, jansson's mallocs were half of an input's time. */
    dt_fuzz_json_arena();
    return 0;
}

static void on_diag(void *ctx, const dt_error *e)
{
    (void)ctx;
    DT_FUZZ_CHECK(e->msg[0] != '\0');
    DT_FUZZ_CHECK(strcmp(e->file, "fuzz.rules") == 0);
    DT_FUZZ_CHECK(e->code < 0);
    ndiag++;
}

static int on_breach(void *ctx, const dt_watch_breach *b)
{
    size_t *n = ctx;
    DT_FUZZ_CHECK(b->clause >= 1 && b->name && b->name[0] && b->ev && b->start > 0);
    (*n)++;
    return 0;
}

static dt_evrec mk(int32_t date, const char *src, const char *tgt, const char *code, int quad,
                   double gold, const char *text)
{
    dt_evrec r;
    memset(&r, 0, sizeof r);
    r.id = date;
    r.date = date;
    r.source = src;
    r.target = tgt;
    r.code = code;
    r.quad = quad;
    r.goldstein = gold;
    r.plover = "";
    r.doc_id = "fuzz";
    r.text = text;
    r.pattern = "";
    r.dict_file = "";
    r.count = 1;
    return r;
}

static void evaluate(const dt_watchset *ws, const char *tail, int period)
{
    dt_watch_opts o;
    memset(&o, 0, sizeof o);
    o.period = period;
    dt_watch_eval *e = NULL;
    dt_error err;
    int rc = dt_watch_eval_new(&e, ws, &o, &err);
    if (rc == DT_ENOMEM)
        return;
    DT_FUZZ_CHECK(rc == DT_OK && e != NULL);
    dt_evrec r[] = {
        mk(20190725, "PRKMIL", "---", "150", 3, -7.2, "North Korea fired two missiles."),
        mk(20170903, "PRK", "", "1521", 4, -7.2, "Pyongyang conducted a nuclear test."),
        mk(20190805, "USA", "PRK", "150", 3, -7.2, "US-ROK joint military exercises began."),
        mk(20180427, "KORGOV", "PRKGOV", "042", 1, 1.9, "Moon and Kim met at Panmunjom."),
        mk(20190620, "CHNGOV", "PRKGOV", "042", 1, 1.9, tail),
    };
    size_t nb = 0;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        rc = dt_watch_eval_add(e, &r[i], on_breach, &nb);
        DT_FUZZ_CHECK(rc == DT_OK || rc == DT_ENOMEM);
    }
    DT_FUZZ_CHECK(dt_watch_eval_total(e) == nb);
    size_t nr;
    const size_t *idx = dt_watch_eval_rules(e, &nr);
    uint64_t sum = 0;
    for (size_t i = 0; i < nr; i++) {
        dt_watch_status *rows;
        size_t n;
        rc = dt_watch_eval_status(e, idx[i], &rows, &n);
        DT_FUZZ_CHECK(rc == DT_OK || rc == DT_ENOMEM);
        for (size_t k = 0; k < n; k++) {
            DT_FUZZ_CHECK(rows[k].broken == (rows[k].breaches > 0));
            DT_FUZZ_CHECK(rows[k].breaches <= rows[k].events);
            DT_FUZZ_CHECK(k == 0 || rows[k].start > rows[k - 1].start);
            sum += rows[k].breaches;
        }
        dt_free(rows);
    }
    DT_FUZZ_CHECK(sum == nb);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        rc = dt_watch_write_json(f, e, &err);
        fclose(f);
        if (rc == DT_OK) {
            json_error_t je;
            json_t *doc = json_loadb(buf, len, 0, &je);
            if (!doc)
                dt_fuzz_fail("watch JSON does not parse: %s at %d: %.200s", je.text, je.position,
                             buf);
            DT_FUZZ_CHECK(json_array_size(json_object_get(doc, "rules")) == nr);
            json_decref(doc);
        }
        free(buf);
    }
    buf = NULL;
    f = open_memstream(&buf, &len);
    if (f) {
        (void)dt_watch_write_status(f, DT_WATCH_TSV, e, &err);
        for (size_t k = 0; k < dt_watch_eval_nkept(e); k++)
            (void)dt_watch_write_breach(f, DT_WATCH_TEXT, dt_watch_eval_kept(e, k), &err);
        fclose(f);
        free(buf);
    }
    dt_watch_eval_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dt_watchset *ws = NULL;
    dt_error err;
    dt_error_clear(&err);
    ndiag = 0;
    int rc = dt_watchset_parse(&ws, "fuzz.rules", (const char *)data, size, on_diag, NULL, &err);
    if (rc < 0) {
        DT_FUZZ_CHECK(ws == NULL);
        if (rc != DT_EFORMAT && rc != DT_ELIMIT && rc != DT_ENOMEM)
            dt_fuzz_fail("dt_watchset_parse returned %d (%s): %s", rc, dt_strerror(rc), err.msg);
        DT_FUZZ_CHECK(err.msg[0] != '\0');
        DT_FUZZ_CHECK(ndiag <= DT_WATCH_MAX_ERRORS);
        DT_FUZZ_CHECK(rc == DT_ENOMEM || ndiag >= 1);
        return 0;
    }
    DT_FUZZ_CHECK(ws != NULL && ndiag == 0);
    size_t n = dt_watchset_count(ws);
    DT_FUZZ_CHECK(n >= 1 && n <= DT_WATCH_MAX_RULES);
    for (size_t i = 0; i < n; i++) {
        const char *name = dt_watch_rule_name(ws, i);
        DT_FUZZ_CHECK(name[0] != '\0' && strlen(name) <= DT_WATCH_MAX_NAME);
        DT_FUZZ_CHECK(dt_watchset_find(ws, name) == (long)i);
        DT_FUZZ_CHECK(dt_watch_rule_nclauses(ws, i) >= 1);
        DT_FUZZ_CHECK(dt_watch_rule_description(ws, i) != NULL);
        int32_t from, to;
        dt_watch_rule_active(ws, i, &from, &to);
        DT_FUZZ_CHECK(!from || !to || from <= to);
    }
    /* the tail of the input as a sentence: arbitrary bytes for the
     * phrase and regex matchers */
    size_t tl = size < 300 ? size : 300;
    char *tail = malloc(tl + 1);
    if (tail) {
        memcpy(tail, data + size - tl, tl);
        tail[tl] = '\0';
        /* one period per input (a day-by-day status over years of
         * dates is most of the cost, so not all five every time) */
        evaluate(ws, tail, (int)(size % 5));
        free(tail);
    }
    dt_watchset_free(ws);
    return 0;
}
