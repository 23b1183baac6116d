/* Watch rules: the parser (good rules, every error of a bad file with its
 * line, limits, bounded regexes), matching on synthetic records, the
 * per-period evaluator, and the JSON/TSV writers. */
#include "dt_test.h"

#include "detente/series.h"
#include "detente/watch.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rules_ok =
    "# comment line\n"
    "rule double-freeze\n"
    "  description \"No tests, no \\\"big\\\" drills\"  # trailing comment\n"
    "  period month\n"
    "  broken by\n"
    "    source PRK\n"
    "    code 15x\n"
    "    text missile* \"nuclear test*\" /ICBMs?|SLBM/\n"
    "  broken by\n"
    "    source USA, KOR\n"
    "    target PRK\n"
    "    text \"military exercise*\"\n"
    "end\n"
    "\n"
    "rule hostile\n"
    "  description sharp words, not force\n"
    "  active 2018-04-27 .. 2019-12-31\n"
    "  broken-by\n"
    "    source PRK\n"
    "    goldstein ..-7\n"
    "    not code 15\n"
    "    quad 3 material-conflict\n"
    "end\n";

typedef struct diags {
    int n;
    uint64_t line[32];
    char msg[32][600];
} diags;

static void on_diag(void *ctx, const dt_error *e)
{
    diags *d = ctx;
    if (d->n < 32) {
        d->line[d->n] = e->line;
        snprintf(d->msg[d->n], sizeof d->msg[d->n], "%s", e->msg);
    }
    d->n++;
}

static dt_watchset *parse(const char *text, diags *d, int *rc)
{
    dt_watchset *ws = NULL;
    dt_error err;
    dt_error_clear(&err);
    memset(d, 0, sizeof *d);
    *rc = dt_watchset_parse(&ws, "r.txt", text, strlen(text), on_diag, d, &err);
    return ws;
}

static dt_evrec rec(int32_t date, const char *src, const char *tgt, const char *code, int quad,
                    double gold, const char *text)
{
    dt_evrec r;
    memset(&r, 0, sizeof r);
    r.id = date;
    r.date = date;
    r.source = src;
    r.target = tgt;
    r.code = code;
    r.root = (code[0] - '0') * 10 + (code[1] - '0');
    r.quad = quad;
    r.goldstein = gold;
    r.plover = "";
    r.doc_id = "doc-1";
    r.text = text;
    r.pattern = "";
    r.dict_file = "";
    r.count = 1;
    return r;
}

static void test_parse_ok(void)
{
    diags d;
    int rc;
    dt_watchset *ws = parse(rules_ok, &d, &rc);
    DT_CHECK_INT(rc, DT_OK);
    DT_CHECK_INT(d.n, 0);
    DT_CHECK(ws != NULL);
    if (!ws)
        return;
    DT_CHECK_INT(dt_watchset_count(ws), 2);
    DT_CHECK_STR(dt_watch_rule_name(ws, 0), "double-freeze");
    DT_CHECK_STR(dt_watch_rule_description(ws, 0), "No tests, no \"big\" drills");
    DT_CHECK_STR(dt_watch_rule_description(ws, 1), "sharp words, not force");
    DT_CHECK_INT(dt_watch_rule_period(ws, 0), DT_PERIOD_MONTH);
    DT_CHECK_INT(dt_watch_rule_period(ws, 1), -1);
    DT_CHECK_INT(dt_watch_rule_nclauses(ws, 0), 2);
    DT_CHECK_INT(dt_watch_rule_nclauses(ws, 1), 1);
    int32_t from, to;
    dt_watch_rule_active(ws, 1, &from, &to);
    DT_CHECK_INT(from, 20180427);
    DT_CHECK_INT(to, 20191231);
    DT_CHECK_INT(dt_watchset_find(ws, "hostile"), 1);
    DT_CHECK_INT(dt_watchset_find(ws, "nope"), -1);
    dt_watchset_free(ws);
}

/* Every error of the file is reported, each with its own line. */
static void test_parse_errors(void)
{
    const char *bad = "rule a\n"                  /* 1 */
                      "  period fortnight\n"      /* 2: bad period */
                      "  broken by\n"             /* 3 */
                      "    source PRK\n"          /* 4 */
                      "    code 1\n"              /* 5: one digit */
                      "    quad 5\n"              /* 6: bad quad */
                      "    colour red\n"          /* 7: unknown keyword */
                      "end\n"                     /* 8 */
                      "rule a\n"                  /* 9: duplicate name */
                      "  broken by\n"             /* 10 */
                      "    text \"unterminated\n" /* 11 */
                      "    goldstein 3..-3\n"     /* 12: reversed */
                      "    text /(a{99}){99}/\n"  /* 13: too big */
                      "    text /(x)\\1/\n"       /* 14: back-reference */
                      "end\n"                     /* 15 */
                      "source USA\n"              /* 16: outside a rule */
                      "rule b\n"                  /* 17: no clause */
                      "end\n"                     /* 18 */
                      "rule c\n"                  /* 19: no end */
                      "  broken by\n"
                      "  active 2019-01-01 ..\n"; /* 21: header after clause */
    diags d;
    int rc;
    dt_watchset *ws = parse(bad, &d, &rc);
    DT_CHECK(ws == NULL);
    DT_CHECK(rc == DT_EFORMAT || rc == DT_ELIMIT);
    static const uint64_t want[] = {2, 5, 6, 7, 9, 11, 12, 13, 14, 16, 17, 19, 21};
    /* the order of report is line order except for the end-of-rule
     * checks, which report at the rule's line when the rule closes */
    int seen[sizeof want / sizeof want[0]] = {0};
    for (int i = 0; i < d.n && i < 32; i++)
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
            if (d.line[i] == want[k])
                seen[k]++;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        if (!seen[k])
            fprintf(stderr, "no error reported on line %llu\n", (unsigned long long)want[k]);
        DT_CHECK(seen[k] >= 1);
    }
    DT_CHECK(d.n >= (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < d.n && i < 32; i++)
        DT_CHECK(d.msg[i][0] != '\0');
}

static void test_parse_limits(void)
{
    diags d;
    int rc;
    /* a line over the limit */
    size_t n = DT_WATCH_MAX_LINE + 100;
    char *big = malloc(n + 64);
    memcpy(big, "rule x\nbroken by\ntext ", 22);
    memset(big + 22, 'a', n);
    memcpy(big + 22 + n, "\nend\n", 6);
    dt_watchset *ws = parse(big, &d, &rc);
    DT_CHECK(ws == NULL);
    DT_CHECK_INT(rc, DT_ELIMIT);
    DT_CHECK_INT(d.line[0], 3);
    free(big);

    /* too many rules */
    size_t cap = (DT_WATCH_MAX_RULES + 2) * 48;
    char *many = malloc(cap);
    size_t o = 0;
    for (int i = 0; i < DT_WATCH_MAX_RULES + 1; i++)
        o += (size_t)snprintf(many + o, cap - o, "rule r%d\nbroken by\nsource PRK\nend\n", i);
    ws = parse(many, &d, &rc);
    DT_CHECK(ws == NULL);
    DT_CHECK_INT(rc, DT_ELIMIT);
    DT_CHECK_INT(d.n, 1);
    DT_CHECK_INT(d.line[0], 4 * DT_WATCH_MAX_RULES + 1);
    free(many);

    /* the error flood is capped */
    char *flood = malloc(20000);
    o = 0;
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(flood + o, 20000 - o, "bogus\n");
    ws = parse(flood, &d, &rc);
    DT_CHECK(ws == NULL);
    DT_CHECK_INT(d.n, DT_WATCH_MAX_ERRORS);
    free(flood);

    /* stacked '+': glibc compiles E+ as E E*, so each '+' doubles what is
     * before it; forty of them would take terabytes (F12). A few are fine. */
    ws = parse("rule p\nbroken by\ntext /[a-z]++++++++++++++++++++++++++++++++++++++++{2,5}/\n"
               "end\n",
               &d, &rc);
    DT_CHECK(ws == NULL);
    DT_CHECK_INT(rc, DT_EFORMAT);
    DT_CHECK_INT(d.line[0], 3);
    ws = parse("rule p\nbroken by\ntext /(ab+)+c+{2,5}/\nend\n", &d, &rc);
    DT_CHECK(ws != NULL);
    dt_watchset_free(ws);

    /* A repetition of something that can match empty is refused (F16:
     * glibc's regcomp took seconds on twenty "(n*)*" after an anchor);
     * the same operators on what cannot match empty are fine. */
    {
        static const char *const refused[] = {
            "(n*)*",  "^n**",        "(a|b?)+",   "(a|)*", "x{0,2}*", "(\\b)*",
            "(^|x)*", "((a*)(b?))+", "(a*b*){2}", "x?{3}", "n*+",
        };
        static const char *const accepted[] = {
            "(north|south)?", "(a|b)*",        "^(north|south) korea",
            "\\bkim\\b",      "(ab+)+c+{2,5}", "x{0,3}",
            "(a?b)+",         "(a|b?c)*",      "[*]+",
            "a*b*c*",         "(x|y)?(z|w)*",  "((a)|b)+",
        };
        char buf[256];
        for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
            snprintf(buf, sizeof buf, "rule p\nbroken by\ntext /%s/\nend\n", refused[i]);
            ws = parse(buf, &d, &rc);
            if (ws != NULL || rc != DT_EFORMAT)
                fprintf(stderr, "accepted: %s\n", refused[i]);
            DT_CHECK(ws == NULL && rc == DT_EFORMAT && d.n == 1 && d.line[0] == 3);
            dt_watchset_free(ws);
        }
        for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
            snprintf(buf, sizeof buf, "rule p\nbroken by\ntext /%s/\nend\n", accepted[i]);
            ws = parse(buf, &d, &rc);
            if (ws == NULL)
                fprintf(stderr, "refused: %s\n", accepted[i]);
            DT_CHECK(ws != NULL);
            dt_watchset_free(ws);
        }
    }

    /* The regexes of one file are bounded in all: glibc's compiled form
     * takes about 1 KB per unit of the size estimate, and 4,096 rules of
     * "(a{1,100}){1,40}" (about 4,000 units each, 121 KB) took 27 s and
     * 16 GB. Sixteen fit (65,536 units); the seventeenth and later are
     * refused with FILE:LINE. */
    {
        size_t bcap = 20 * 64, bo = 0;
        char *buf = malloc(bcap);
        for (int i = 0; i < 20; i++) /* the regex of rule i is at line 4i+3 */
            bo += (size_t)snprintf(buf + bo, bcap - bo,
                                   "rule r%d\nbroken by\ntext /(a{1,100}){1,40}/\nend\n", i);
        ws = parse(buf, &d, &rc);
        DT_CHECK(ws == NULL);
        DT_CHECK_INT(rc, DT_ELIMIT);
        DT_CHECK_INT(d.n, 4);
        DT_CHECK_INT(d.line[0], 4 * 16 + 3);
        bo = 0;
        for (int i = 0; i < 16; i++)
            bo += (size_t)snprintf(buf + bo, bcap - bo,
                                   "rule r%d\nbroken by\ntext /(a{1,100}){1,40}/\nend\n", i);
        ws = parse(buf, &d, &rc);
        DT_CHECK(ws != NULL);
        dt_watchset_free(ws);
        free(buf);
    }

    /* empty file, NUL byte */
    ws = parse("# nothing\n", &d, &rc);
    DT_CHECK(ws == NULL && rc == DT_EFORMAT && d.n == 1);
    dt_error err;
    const char nul[] = "rule a\nbroken by\nsource P\0RK\nend\n";
    ws = NULL;
    rc = dt_watchset_parse(&ws, "n", nul, sizeof nul - 1, NULL, NULL, &err);
    DT_CHECK(ws == NULL && rc == DT_EFORMAT);
    DT_CHECK_INT(err.line, 3);
}

static void test_match(void)
{
    diags d;
    int rc;
    dt_watchset *ws = parse(rules_ok, &d, &rc);
    if (!ws) {
        DT_CHECK(ws != NULL);
        return;
    }
    dt_evrec r = rec(20190725, "PRKMIL", "---", "150", 3, -7.2,
                     "North Korea test-fired two short-range ballistic missiles.");
    /* "missile*" is a word prefix */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.text = "North Korea showed off its MISSILE launchers.";
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.text = "North Korea tested an antimissile radar."; /* not at a word start */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 0);
    r.text = "Pyongyang carried out a nuclear-test at Punggye-ri."; /* hyphen = space */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.text = "Pyongyang readied a nuclear tester."; /* prefix: test* */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.text = "It launched new icbms."; /* regex, case-insensitive */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.text = "It launched a satellite.";
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 0);
    r.text = "North Korea fired a missile.";
    r.code = "042"; /* not 15x */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 0);
    r.code = "15";
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 1);
    r.source = "KORMIL"; /* KOR is not PRK */
    DT_CHECK_INT(dt_watch_match(ws, 0, &r), 0);

    /* second clause: source USA or KOR, target PRK */
    dt_evrec x = rec(20190805, "USAMIL", "PRK", "042", 1, 1.9,
                     "The US and South Korea began a joint military exercise aimed at PRK.");
    DT_CHECK_INT(dt_watch_match(ws, 0, &x), 2); /* the phrase inside a longer one */
    x.text = "US forces held military exercises near the DMZ.";
    DT_CHECK_INT(dt_watch_match(ws, 0, &x), 2);
    x.target = "CHN";
    DT_CHECK_INT(dt_watch_match(ws, 0, &x), 0);

    /* hostile: goldstein <= -7, not code 15, quad 3 or 4, active range */
    dt_evrec h = rec(20190101, "PRKGOV", "USA", "1121", 3, -7.0, "denounced");
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 1);
    h.goldstein = -6.9;
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 0);
    h.goldstein = -9;
    h.code = "150";
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 0); /* negated code */
    h.code = "1121";
    h.quad = 2;
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 0);
    h.quad = 4;
    h.date = 20180426; /* before the active range */
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 0);
    h.date = 20200101; /* after */
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 0);
    h.date = 20191231;
    DT_CHECK_INT(dt_watch_match(ws, 1, &h), 1);
    dt_watchset_free(ws);
}

typedef struct seen {
    int n;
    char rule[16][32];
    int clause[16];
    int32_t date[16];
} seen;

static int on_breach(void *ctx, const dt_watch_breach *b)
{
    seen *s = ctx;
    if (s->n < 16) {
        snprintf(s->rule[s->n], sizeof s->rule[s->n], "%s", b->name);
        s->clause[s->n] = b->clause;
        s->date[s->n] = b->ev->date;
    }
    s->n++;
    return 0;
}

static dt_watch_eval *eval_sample(dt_watchset *ws, const dt_watch_opts *o, seen *s)
{
    dt_watch_eval *e = NULL;
    dt_error err;
    if (dt_watch_eval_new(&e, ws, o, &err) < 0)
        return NULL;
    /* out of date order on purpose */
    dt_evrec r[] = {
        rec(20190725, "PRKMIL", "---", "150", 3, -7.2, "North Korea fired two missiles."),
        rec(20190501, "PRKGOV", "CHN", "042", 1, 1.9, "Kim visited Beijing."),
        rec(20190301, "USAGOV", "PRK", "036", 1, 4.0, "Washington offered talks."),
        rec(20190726, "PRK", "---", "150", 3, -7.2, "A second missile test followed."),
        rec(20190815, "USA", "PRK", "150", 3, -7.2, "The allies held military exercises."),
    };
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        DT_CHECK_INT(dt_watch_eval_add(e, &r[i], on_breach, s), DT_OK);
    return e;
}

static void test_eval(void)
{
    diags d;
    int rc;
    dt_watchset *ws = parse(rules_ok, &d, &rc);
    if (!ws) {
        DT_CHECK(ws != NULL);
        return;
    }
    dt_watch_opts o;
    memset(&o, 0, sizeof o);
    o.period = DT_PERIOD_QUARTER; /* double-freeze keeps its own month */
    seen s;
    dt_watch_eval *e = eval_sample(ws, &o, &s);
    DT_CHECK(e != NULL);
    if (!e) {
        dt_watchset_free(ws);
        return;
    }
    DT_CHECK_INT(s.n, 3);
    DT_CHECK_STR(s.rule[0], "double-freeze");
    DT_CHECK_INT(s.clause[0], 1);
    DT_CHECK_INT(s.date[1], 20190726);
    DT_CHECK_INT(s.clause[2], 2);
    DT_CHECK_INT(dt_watch_eval_total(e), 3);
    DT_CHECK_INT(dt_watch_eval_nkept(e), 3);
    DT_CHECK_INT(dt_watch_eval_events(e), 5);
    DT_CHECK_INT(dt_watch_eval_period(e, 0), DT_PERIOD_MONTH);
    DT_CHECK_INT(dt_watch_eval_period(e, 1), DT_PERIOD_QUARTER);

    dt_watch_status *rows;
    size_t n;
    DT_CHECK_INT(dt_watch_eval_status(e, 0, &rows, &n), DT_OK);
    /* March to August, dense */
    DT_CHECK_INT(n, 6);
    if (n == 6) {
        DT_CHECK_INT(rows[0].start, 20190301);
        DT_CHECK_INT(rows[0].broken, 0);
        DT_CHECK_INT(rows[0].events, 1);
        DT_CHECK_INT(rows[1].events, 0); /* April: nothing seen, still held */
        DT_CHECK_INT(rows[1].broken, 0);
        DT_CHECK_INT(rows[4].start, 20190701);
        DT_CHECK_INT(rows[4].breaches, 2);
        DT_CHECK_INT(rows[4].broken, 1);
        DT_CHECK_INT(rows[5].breaches, 1);
    }
    dt_free(rows);
    /* hostile: quarters, clipped to its active range (it starts in 2018
     * but the data starts in 2019-03, so 2019-Q1..Q3) */
    DT_CHECK_INT(dt_watch_eval_status(e, 1, &rows, &n), DT_OK);
    DT_CHECK_INT(n, 3);
    if (n == 3) {
        DT_CHECK_INT(rows[0].start, 20190101);
        DT_CHECK_INT(rows[2].events, 3);
        DT_CHECK_INT(rows[2].broken, 0);
    }
    dt_free(rows);

    /* the JSON document parses and has the API's shape */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dt_error err;
    DT_CHECK_INT(dt_watch_write_json(f, e, &err), DT_OK);
    fclose(f);
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    DT_CHECK(doc != NULL);
    if (doc) {
        DT_CHECK_STR(json_string_value(json_object_get(doc, "period")), "quarter");
        json_t *rules = json_object_get(doc, "rules");
        DT_CHECK_INT(json_array_size(rules), 2);
        json_t *r0 = json_array_get(rules, 0);
        DT_CHECK_STR(json_string_value(json_object_get(r0, "name")), "double-freeze");
        DT_CHECK_STR(json_string_value(json_object_get(r0, "period")), "month");
        json_t *st = json_object_get(r0, "status");
        DT_CHECK_INT(json_array_size(st), 6);
        json_t *jul = json_array_get(st, 4);
        DT_CHECK_STR(json_string_value(json_object_get(jul, "label")), "2019-07");
        DT_CHECK_STR(json_string_value(json_object_get(jul, "state")), "broken");
        DT_CHECK_INT(json_integer_value(json_object_get(jul, "breaches")), 2);
        json_t *br = json_object_get(r0, "breaches");
        DT_CHECK_INT(json_array_size(br), 3);
        json_t *ev = json_object_get(json_array_get(br, 2), "event");
        DT_CHECK_INT(json_integer_value(json_object_get(json_array_get(br, 2), "clause")), 2);
        DT_CHECK_STR(json_string_value(json_object_get(ev, "date")), "2019-08-15");
        DT_CHECK_STR(json_string_value(json_object_get(ev, "source")), "USA");
        DT_CHECK(json_is_object(json_object_get(ev, "spans")));
        json_decref(doc);
    }
    free(buf);

    /* TSV status: one STATUS line per period of each rule */
    buf = NULL;
    f = open_memstream(&buf, &len);
    DT_CHECK_INT(dt_watch_write_status(f, DT_WATCH_TSV, e, &err), DT_OK);
    fclose(f);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    DT_CHECK_INT(lines, 9);
    DT_CHECK(strstr(buf, "STATUS\tdouble-freeze\tmonth\t2019-07-01\t2019-07\tbroken\t2\t2\n") !=
             NULL);
    free(buf);
    dt_watch_eval_free(e);

    /* only one rule, a fixed range, and at most one kept breach */
    const char *only[] = {"double-freeze"};
    o.rules = only;
    o.nrules = 1;
    o.from = 20190701;
    o.to = 20190731;
    o.max_kept = 1;
    e = eval_sample(ws, &o, &s);
    DT_CHECK(e != NULL);
    if (e) {
        size_t nr;
        dt_watch_eval_rules(e, &nr);
        DT_CHECK_INT(nr, 1);
        DT_CHECK_INT(s.n, 2);
        DT_CHECK_INT(dt_watch_eval_nkept(e), 1);
        DT_CHECK_INT(dt_watch_eval_total(e), 2);
        DT_CHECK_INT(dt_watch_eval_status(e, 0, &rows, &n), DT_OK);
        DT_CHECK_INT(n, 1);
        dt_free(rows);
        DT_CHECK_INT(dt_watch_eval_status(e, 1, &rows, &n), DT_EINVAL);
        dt_watch_eval_free(e);
    }
    const char *unknown[] = {"no-such-rule"};
    o.rules = unknown;
    e = NULL;
    DT_CHECK_INT(dt_watch_eval_new(&e, ws, &o, &err), DT_EINVAL);
    DT_CHECK(e == NULL);
    dt_watchset_free(ws);
}

/* Every allocation failure is survived: parse and evaluation fail cleanly
 * (ASan checks for leaks) and succeed once allocations stop failing. */
static void test_alloc_failures(void)
{
    int ok = 0;
    for (uint64_t k = 1; k < 2000 && !ok; k++) {
        dt_alloc_fail_after(k);
        dt_watchset *ws = NULL;
        dt_error err;
        int rc = dt_watchset_parse(&ws, "r", rules_ok, strlen(rules_ok), NULL, NULL, &err);
        if (rc == DT_OK) {
            dt_watch_eval *e = NULL;
            dt_watch_opts o;
            memset(&o, 0, sizeof o);
            o.period = DT_PERIOD_MONTH;
            rc = dt_watch_eval_new(&e, ws, &o, &err);
            if (rc == DT_OK) {
                dt_evrec r = rec(20190725, "PRK", "", "150", 3, -7, "missile test");
                rc = dt_watch_eval_add(e, &r, NULL, NULL);
                if (rc == DT_OK) {
                    dt_watch_status *rows;
                    size_t n;
                    rc = dt_watch_eval_status(e, 0, &rows, &n);
                    if (rc == DT_OK) {
                        ok = dt_watch_eval_total(e) == 1 && n == 1;
                        dt_free(rows);
                    }
                }
                if (rc != DT_OK)
                    DT_CHECK_INT(rc, DT_ENOMEM);
                else if (!ok)
                    DT_CHECK(ok);
                dt_watch_eval_free(e);
            } else {
                DT_CHECK_INT(rc, DT_ENOMEM);
            }
            dt_watchset_free(ws);
        } else {
            DT_CHECK_INT(rc, DT_ENOMEM);
            DT_CHECK(ws == NULL);
        }
        dt_alloc_fail_after(0);
    }
    DT_CHECK(ok);
}

int main(void)
{
    DT_RUN(test_parse_ok);
    DT_RUN(test_parse_errors);
    DT_RUN(test_parse_limits);
    DT_RUN(test_match);
    DT_RUN(test_eval);
    DT_RUN(test_alloc_failures);
    DT_TEST_END();
}
