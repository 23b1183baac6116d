/* detente — watch rule parser (grammar in docs/watch.md).
 *
 * The language is line-based so that every error has a line, and the
 * parser goes on after an error (it resynchronises at the next line) so
 * that one run reports all the mistakes of a file, not just the first. */
#include "watch_internal.h"

#include "detente/reader.h"
#include "detente/series.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { T_WORD, T_STR, T_RE };

typedef struct tok {
    int kind;
    const char *p; /* in the parser's scratch buffer (unescaped) */
    size_t n;
    size_t raw; /* offset of the token in the line */
} tok;

#define MAX_TOKS (DT_WATCH_MAX_LINE / 2 + 1)

/* Bounds on /regex/ values beyond their length: glibc's regcomp copies a
 * sub-expression once per repetition count, so x{100}{100} is 10,000 copies,
 * and E+ is compiled as E E*, two copies, so x++++ (each '+' applying to
 * the whole of what is before it) is 16 and forty '+' are 2^40 (F12); the
 * estimate below keeps compiled size and regexec time small. */
#define RE_MAX_DUP 100
#define RE_MAX_COST 4096
#define RE_MAX_DEPTH 16
/* The same estimate summed over a file's regexes. Each is bounded, but
 * glibc's compiled form takes about 1 KB per unit of it: 4,096 copies of
 * "(a{1,100}){1,40}" (121 KB of rules) took 27 s and 16 GB, and a 1 MiB
 * file would have taken several times that. 16 of the largest regexes,
 * or some 20,000 of a few letters, stay under it (about 64 MB). */
#define RE_MAX_FILE_COST 65536

typedef struct parser {
    const char *name;
    dt_watch_diag_fn on_diag;
    void *ctx;
    dt_error *err;
    int first_code;
    size_t nerr;
    uint64_t line;

    dt_watchset *ws;
    wrule *cur;     /* open rule, or NULL */
    wclause *cl;    /* open clause of cur, or NULL */
    int cur_broken; /* cur has a problem: its clauses are not checked further */
    int skipping;   /* over the rule limit: the rest is ignored */
    double re_cost; /* regex_bounds estimates so far, against RE_MAX_FILE_COST */

    char scratch[DT_WATCH_MAX_LINE + 1];
    tok t[MAX_TOKS];
    size_t nt;
} parser;

static void perr(parser *p, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void perr(parser *p, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->nerr++;
    if (p->nerr == 1) {
        p->first_code = code;
        dt_error_set(p->err, code, p->name, p->line, UINT64_MAX, "%s", msg);
    }
    if (p->nerr <= DT_WATCH_MAX_ERRORS && p->on_diag) {
        dt_error e;
        dt_error_set(&e, code, p->name, p->line, UINT64_MAX, "%s", msg);
        p->on_diag(p->ctx, &e);
    }
}

static char *dupn(const char *s, size_t n)
{
    char *d = dt_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Printable form of a token for messages: at most 40 bytes. */
static int tshow(const tok *t)
{
    return t->n > 40 ? 40 : (int)t->n;
}

static int tis(const tok *t, const char *w)
{
    size_t n = strlen(w);
    return t->kind == T_WORD && t->n == n && memcmp(t->p, w, n) == 0;
}

/* ---- freeing ---- */

static void free_cond(wcond *c)
{
    for (size_t i = 0; i < c->nval; i++)
        dt_free(c->val[i]);
    dt_free(c->val);
    for (size_t i = 0; i < c->ntext; i++) {
        if (c->text[i].re_ok)
            regfree(&c->text[i].re);
        dt_free(c->text[i].s);
    }
    dt_free(c->text);
}

static void free_rule(wrule *r)
{
    for (size_t i = 0; i < r->ncl; i++) {
        for (size_t j = 0; j < r->cl[i].n; j++)
            free_cond(&r->cl[i].cond[j]);
        dt_free(r->cl[i].cond);
    }
    dt_free(r->cl);
    dt_free(r->name);
    dt_free(r->desc);
}

void dt_watchset_free(dt_watchset *ws)
{
    if (!ws)
        return;
    for (size_t i = 0; i < ws->n; i++)
        free_rule(&ws->rule[i]);
    dt_free(ws->rule);
    dt_free(ws);
}

/* ---- tokens ---- */

/* Split line[0..n) into tokens: words (separated by blanks or commas),
 * "quoted strings" (\" and \\ escapes) and /regexes/ (\/ escape). '#'
 * outside quotes starts a comment. Returns 0, or -1 after reporting. */
static int tokenize(parser *p, const char *line, size_t n)
{
    size_t i = 0, o = 0;
    p->nt = 0;
    while (i < n) {
        unsigned char c = (unsigned char)line[i];
        if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '#')
            break;
        if (c == '\0') {
            perr(p, DT_EFORMAT, "NUL byte in the rule text");
            return -1;
        }
        if (p->nt == MAX_TOKS) {
            perr(p, DT_ELIMIT, "too many tokens on one line");
            return -1;
        }
        tok *t = &p->t[p->nt];
        t->raw = i;
        t->p = p->scratch + o;
        if (c == '"' || c == '/') {
            char close = (char)c;
            t->kind = c == '"' ? T_STR : T_RE;
            i++;
            int closed = 0;
            while (i < n) {
                char d = line[i];
                if (d == '\\' && i + 1 < n && (line[i + 1] == close || line[i + 1] == '\\')) {
                    /* a regex keeps "\\" (it is its own escape); a string
                     * unescapes it */
                    if (t->kind == T_RE && line[i + 1] == '\\')
                        p->scratch[o++] = '\\';
                    p->scratch[o++] = line[i + 1];
                    i += 2;
                    continue;
                }
                if (d == close) {
                    closed = 1;
                    i++;
                    break;
                }
                if (d == '\0') {
                    perr(p, DT_EFORMAT, "NUL byte in the rule text");
                    return -1;
                }
                p->scratch[o++] = d;
                i++;
            }
            if (!closed) {
                perr(p, DT_EFORMAT, "unterminated %s", t->kind == T_STR ? "string" : "regex");
                return -1;
            }
        } else {
            t->kind = T_WORD;
            while (i < n) {
                char d = line[i];
                if (d == ' ' || d == '\t' || d == ',' || d == '#' || d == '\r' || d == '\f' ||
                    d == '\v' || d == '"')
                    break;
                if (d == '\0') {
                    perr(p, DT_EFORMAT, "NUL byte in the rule text");
                    return -1;
                }
                p->scratch[o++] = d;
                i++;
            }
        }
        t->n = (size_t)(p->scratch + o - t->p);
        p->scratch[o++] = '\0';
        p->nt++;
    }
    return 0;
}

/* ---- values ---- */

static int parse_num(const char *s, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    size_t d0 = i;
    double v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 6)
        v = v * 10 + (s[i++] - '0');
    if (i == d0)
        return -1;
    if (i < n && s[i] == '.') {
        i++;
        double scale = 0.1;
        size_t f0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - f0 < 6) {
            v += (s[i++] - '0') * scale;
            scale /= 10;
        }
        if (i == f0)
            return -1;
    }
    if (i != n)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* The condition's values joined without separators ("-10", "..", "-5" or
 * "-10..-5"), then split at the first "..": lo and hi views; -1 if there
 * is no "..". */
static int split_range(parser *p, size_t first, char *buf, size_t cap, dt_str *lo, dt_str *hi)
{
    size_t o = 0;
    for (size_t i = first; i < p->nt; i++) {
        if (p->t[i].kind != T_WORD || o + p->t[i].n >= cap)
            return -1;
        memcpy(buf + o, p->t[i].p, p->t[i].n);
        o += p->t[i].n;
    }
    buf[o] = '\0';
    const char *dd = strstr(buf, "..");
    if (!dd)
        return -1;
    lo->p = buf;
    lo->n = (size_t)(dd - buf);
    hi->p = dd + 2;
    hi->n = o - lo->n - 2;
    return 0;
}

/* Bounded-cost check of an ERE (see RE_MAX_*). Returns NULL or a reason.
 *
 * Besides the size, a repetition ('*', '+', '?', '{m,n}') of something that
 * can match the empty string is refused: "(n*)*", "n**", "(a|b?)+". POSIX
 * leaves adjacent repetitions undefined, they add nothing a rule needs,
 * and glibc's regcomp spends time exponential in their number computing
 * epsilon closures once an anchor is in play: "^" then twenty "(n*)*"
 * took 1.3 s, "^n" then eighty '*' 1.1 s (F16). What can match empty is
 * followed per group: a sequence is empty-matching while all its items are,
 * a group when one of its branches is. */
static const char *regex_bounds(const char *s, size_t n, double *cost)
{
    struct level {
        double cur;      /* cost of the enclosing sequence before the group */
        int seq_null;    /* that sequence could match empty */
        int branch_null; /* a finished branch of this group could */
    } stack[RE_MAX_DEPTH];
    int depth = 0;
    double cur = 0, last = 0;
    /* seq_null: the current sequence (branch) so far can match empty;
     * before_last: it could before its last item; last_null: that item can;
     * branch_null: an earlier branch of the current group could. */
    int seq_null = 1, before_last = 1, last_null = 0, branch_null = 0, have_last = 0;
#define RE_ITEM(nullable)                                                                          \
    do {                                                                                           \
        before_last = seq_null;                                                                    \
        last_null = (nullable);                                                                    \
        seq_null = seq_null && last_null;                                                          \
        have_last = 1;                                                                             \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int repeat = 0, makes_null = 0;
        if (c == '\\') {
            if (i + 1 < n && s[i + 1] >= '1' && s[i + 1] <= '9')
                return "back-references are not allowed in a regex";
            i++;
            last = 1;
            cur += 1;
            /* glibc's word-boundary and buffer anchors match empty */
            char e = i < n ? s[i] : 0;
            RE_ITEM(e == 'b' || e == 'B' || e == '<' || e == '>' || e == '`' || e == '\'');
        } else if (c == '[') {
            i++;
            if (i < n && s[i] == '^')
                i++;
            if (i < n && s[i] == ']')
                i++;
            while (i < n && s[i] != ']') {
                if (s[i] == '[' && i + 1 < n &&
                    (s[i + 1] == ':' || s[i + 1] == '.' || s[i + 1] == '=')) {
                    char k = s[i + 1];
                    i += 2;
                    while (i + 1 < n && !(s[i] == k && s[i + 1] == ']'))
                        i++;
                    i++;
                }
                i++;
            }
            last = 1;
            cur += 1;
            RE_ITEM(0);
        } else if (c == '(') {
            if (depth == RE_MAX_DEPTH)
                return "regex groups nested too deeply";
            stack[depth].cur = cur;
            stack[depth].seq_null = seq_null;
            stack[depth].branch_null = branch_null;
            depth++;
            cur = 0;
            last = 0;
            seq_null = 1;
            branch_null = 0;
            have_last = 0;
        } else if (c == ')') {
            if (depth == 0)
                return "unbalanced ')' in regex";
            double g = cur < 1 ? 1 : cur;
            int gnull = branch_null || seq_null;
            depth--;
            cur = stack[depth].cur + g;
            last = g;
            seq_null = stack[depth].seq_null;
            branch_null = stack[depth].branch_null;
            RE_ITEM(gnull);
        } else if (c == '|') {
            cur += 1;
            branch_null = branch_null || seq_null;
            seq_null = 1;
            have_last = 0;
        } else if (c == '{') {
            double m = 0, k = 0;
            size_t j = i + 1;
            int digits = 0;
            while (j < n && s[j] >= '0' && s[j] <= '9' && m <= RE_MAX_DUP) {
                m = m * 10 + (s[j++] - '0');
                digits++;
            }
            k = m;
            if (j < n && s[j] == ',') {
                j++;
                k = m + 1;
                if (j < n && s[j] >= '0' && s[j] <= '9') {
                    k = 0;
                    while (j < n && s[j] >= '0' && s[j] <= '9' && k <= RE_MAX_DUP)
                        k = k * 10 + (s[j++] - '0');
                }
            }
            if (!digits && !(j < n && s[j] == '}'))
                return "bad repetition count in regex";
            if (m > RE_MAX_DUP || k > RE_MAX_DUP)
                return "regex repetition count over 100";
            if (k < 1)
                k = 1;
            cur += last * (k - 1);
            last *= k;
            while (j < n && s[j] != '}')
                j++;
            i = j;
            repeat = 1;
            makes_null = m == 0;
        } else if (c == '+') {
            cur += last; /* E+ is E E*: one more copy of E */
            last *= 2;
            repeat = 1;
        } else if (c == '*' || c == '?') {
            cur += 1;
            repeat = 1;
            makes_null = 1;
        } else if (c == '^' || c == '$') {
            cur += 1;
            RE_ITEM(1);
        } else {
            last = 1;
            cur += 1;
            RE_ITEM(0);
        }
        if (repeat && have_last) {
            if (last_null)
                return "repetition of something that can match nothing in a regex "
                       "(as in (a*)* or a**): drop one of the two";
            if (makes_null) {
                last_null = 1;
                seq_null = before_last;
            }
        }
        if (cur > RE_MAX_COST || last > RE_MAX_COST)
            return "regex too large once its repetitions are expanded";
    }
#undef RE_ITEM
    if (depth)
        return "unbalanced '(' in regex";
    *cost = cur;
    return NULL;
}

/* Phrase value: lower-cased, runs of blanks and hyphens as one space, a
 * trailing '*' as the prefix flag. */
static int make_phrase(parser *p, const tok *t, wtext *out)
{
    char *s = dt_malloc(t->n + 1);
    if (!s)
        return DT_ENOMEM;
    size_t o = 0;
    int prefix = 0;
    for (size_t i = 0; i < t->n; i++) {
        unsigned char c = (unsigned char)t->p[i];
        if (c == '*' && i + 1 == t->n) {
            prefix = 1;
            break;
        }
        if (c == '*' || c == '?') {
            dt_free(s);
            perr(p, DT_EFORMAT, "'%c' inside a phrase (only a trailing '*' is allowed)", c);
            return DT_EFORMAT;
        }
        if (c == ' ' || c == '\t' || c == '-') {
            if (o && s[o - 1] != ' ')
                s[o++] = ' ';
            continue;
        }
        s[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    while (o && s[o - 1] == ' ')
        o--;
    s[o] = '\0';
    if (!o) {
        dt_free(s);
        perr(p, DT_EFORMAT, "empty text phrase");
        return DT_EFORMAT;
    }
    out->s = s;
    out->n = o;
    out->prefix = prefix;
    return DT_OK;
}

static int make_regex(parser *p, const tok *t, wtext *out)
{
    if (t->n == 0) {
        perr(p, DT_EFORMAT, "empty regex");
        return DT_EFORMAT;
    }
    if (t->n > DT_WATCH_MAX_REGEX) {
        perr(p, DT_ELIMIT, "regex longer than %d bytes", DT_WATCH_MAX_REGEX);
        return DT_ELIMIT;
    }
    double cost = 0;
    const char *why = regex_bounds(t->p, t->n, &cost);
    if (why) {
        perr(p, DT_EFORMAT, "/%.*s/: %s", tshow(t), t->p, why);
        return DT_EFORMAT;
    }
    if (p->re_cost + cost > RE_MAX_FILE_COST) {
        perr(p, DT_ELIMIT,
             "/%.*s/: the file's regexes are too large in all once their repetitions are "
             "expanded",
             tshow(t), t->p);
        return DT_ELIMIT;
    }
    p->re_cost += cost;
    char *s = dupn(t->p, t->n);
    if (!s)
        return DT_ENOMEM;
    int rc = regcomp(&out->re, s, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc != 0) {
        char buf[128];
        regerror(rc, &out->re, buf, sizeof buf);
        dt_free(s);
        if (rc == REG_ESPACE)
            return DT_ENOMEM;
        perr(p, DT_EFORMAT, "/%.*s/: %s", tshow(t), t->p, buf);
        return DT_EFORMAT;
    }
    out->s = s;
    out->n = t->n;
    out->is_regex = 1;
    out->re_ok = 1;
    return DT_OK;
}

static int quad_value(const tok *t)
{
    static const char *const names[] = {"verbal-coop", "material-coop", "verbal-conflict",
                                        "material-conflict"};
    if (t->n == 1 && t->p[0] >= '1' && t->p[0] <= '4')
        return t->p[0] - '0';
    for (int q = 0; q < 4; q++)
        if (tis(t, names[q]))
            return q + 1;
    return 0;
}

/* A CAMEO code prefix: 2 to 4 digits; a trailing x or * (15x, 15*) is
 * the same as the bare prefix. */
static int code_value(const tok *t, size_t *len)
{
    size_t n = t->n;
    if (n > 2 && (t->p[n - 1] == 'x' || t->p[n - 1] == 'X' || t->p[n - 1] == '*'))
        n--;
    if (n < 2 || n > 4)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (t->p[i] < '0' || t->p[i] > '9')
            return -1;
    *len = n;
    return 0;
}

static const struct {
    const char *word;
    int kind;
} cond_words[] = {{"source", WC_SOURCE}, {"target", WC_TARGET}, {"actor", WC_ACTOR},
                  {"code", WC_CODE},     {"quad", WC_QUAD},     {"goldstein", WC_GOLD},
                  {"text", WC_TEXT}};

static int cond_kind(const tok *t)
{
    for (size_t i = 0; i < sizeof cond_words / sizeof cond_words[0]; i++)
        if (tis(t, cond_words[i].word))
            return cond_words[i].kind;
    return -1;
}

/* Parse the condition starting at token k (the keyword) into the open
 * clause. Returns DT_OK, DT_ENOMEM, or a reported error code. */
static int parse_cond(parser *p, size_t k, int negate)
{
    const tok *kw = &p->t[k];
    int kind = cond_kind(kw);
    if (!p->cl) {
        perr(p, DT_EFORMAT, "condition '%.*s' outside a 'broken by' clause", tshow(kw), kw->p);
        return DT_EFORMAT;
    }
    if (p->cl->n == DT_WATCH_MAX_CONDS) {
        perr(p, DT_ELIMIT, "more than %d conditions in one clause", DT_WATCH_MAX_CONDS);
        return DT_ELIMIT;
    }
    size_t nv = p->nt - k - 1;
    if (nv == 0) {
        perr(p, DT_EFORMAT, "'%.*s' needs a value", tshow(kw), kw->p);
        return DT_EFORMAT;
    }
    if (nv > DT_WATCH_MAX_VALUES) {
        perr(p, DT_ELIMIT, "more than %d values in one condition", DT_WATCH_MAX_VALUES);
        return DT_ELIMIT;
    }
    wcond c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.negate = negate;
    int rc = DT_OK;
    if (kind == WC_GOLD) {
        char buf[DT_WATCH_MAX_LINE + 1];
        dt_str lo, hi;
        c.lo = -10;
        c.hi = 10;
        if (split_range(p, k + 1, buf, sizeof buf, &lo, &hi) < 0 || (!lo.n && !hi.n) ||
            (lo.n && parse_num(lo.p, lo.n, &c.lo) < 0) ||
            (hi.n && parse_num(hi.p, hi.n, &c.hi) < 0)) {
            perr(p, DT_EFORMAT, "goldstein needs a range LO..HI, LO.. or ..HI (numbers)");
            return DT_EFORMAT;
        }
        if (c.lo < -10 || c.hi > 10 || c.lo > c.hi) {
            perr(p, DT_EFORMAT, "goldstein range %g..%g is not within -10..10 in order", c.lo,
                 c.hi);
            return DT_EFORMAT;
        }
    } else if (kind == WC_QUAD) {
        for (size_t i = k + 1; i < p->nt; i++) {
            int q = p->t[i].kind == T_WORD ? quad_value(&p->t[i]) : 0;
            if (!q) {
                perr(p, DT_EFORMAT,
                     "bad quad class '%.*s' (1-4, verbal-coop, material-coop, "
                     "verbal-conflict, material-conflict)",
                     tshow(&p->t[i]), p->t[i].p);
                rc = DT_EFORMAT;
                continue;
            }
            c.quadmask |= 1u << q;
        }
    } else if (kind == WC_TEXT) {
        c.text = dt_calloc(nv, sizeof *c.text);
        if (!c.text)
            return DT_ENOMEM;
        for (size_t i = k + 1; i < p->nt; i++) {
            const tok *t = &p->t[i];
            int r = t->kind == T_RE ? make_regex(p, t, &c.text[c.ntext])
                                    : make_phrase(p, t, &c.text[c.ntext]);
            if (r == DT_OK)
                c.ntext++;
            else if (rc == DT_OK || r == DT_ENOMEM)
                rc = r;
        }
    } else {
        c.val = dt_calloc(nv, sizeof *c.val);
        if (!c.val)
            return DT_ENOMEM;
        for (size_t i = k + 1; i < p->nt; i++) {
            const tok *t = &p->t[i];
            size_t len = t->n;
            if (t->kind != T_WORD) {
                perr(p, DT_EFORMAT, "'%.*s' takes plain words, not quoted strings or regexes",
                     tshow(kw), kw->p);
                rc = DT_EFORMAT;
                continue;
            }
            if (kind == WC_CODE) {
                if (code_value(t, &len) < 0) {
                    perr(p, DT_EFORMAT,
                         "bad CAMEO code prefix '%.*s' (2 to 4 digits, e.g. 15, 15x, 042, 1721)",
                         tshow(t), t->p);
                    rc = DT_EFORMAT;
                    continue;
                }
            } else {
                dt_error pe;
                dt_error_clear(&pe);
                if (dt_actor_pattern_check(t->p, &pe) < 0) {
                    perr(p, DT_EFORMAT, "bad actor pattern '%.*s': %s", tshow(t), t->p,
                         pe.msg[0] ? pe.msg : "malformed");
                    rc = DT_EFORMAT;
                    continue;
                }
            }
            char *v = dupn(t->p, len);
            if (!v) {
                rc = DT_ENOMEM;
                break;
            }
            c.val[c.nval++] = v;
        }
    }
    if (rc != DT_OK) {
        free_cond(&c);
        return rc;
    }
    wcond *nc = dt_realloc(p->cl->cond, (p->cl->n + 1) * sizeof *nc);
    if (!nc) {
        free_cond(&c);
        return DT_ENOMEM;
    }
    p->cl->cond = nc;
    nc[p->cl->n++] = c;
    return DT_OK;
}

/* ---- rule structure ---- */

static void close_clause(parser *p)
{
    if (p->cl && p->cl->n == 0 && !p->cur_broken) {
        uint64_t save = p->line;
        p->line = p->cl->line;
        perr(p, DT_EFORMAT, "'broken by' clause has no condition");
        p->line = save;
    }
    p->cl = NULL;
}

static void close_rule(parser *p, int explicit_end)
{
    if (!p->cur)
        return;
    close_clause(p);
    uint64_t save = p->line;
    p->line = p->cur->line;
    if (!explicit_end)
        perr(p, DT_EFORMAT, "rule '%s' has no 'end'", p->cur->name);
    else if (p->cur->ncl == 0 && !p->cur_broken)
        perr(p, DT_EFORMAT, "rule '%s' has no 'broken by' clause", p->cur->name);
    p->line = save;
    p->cur = NULL;
    p->cur_broken = 0;
}

static int valid_name(const tok *t)
{
    if (t->kind != T_WORD || t->n == 0 || t->n > DT_WATCH_MAX_NAME)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        unsigned char c = (unsigned char)t->p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static int start_rule(parser *p)
{
    if (p->cur) {
        /* report the missing end, then carry on with the new rule */
        close_rule(p, 0);
    }
    if (p->nt != 2 || !valid_name(&p->t[1])) {
        perr(p, DT_EFORMAT,
             "'rule' needs one name (letters, digits, '-', '_', '.'; at most %d bytes)",
             DT_WATCH_MAX_NAME);
        /* still open an anonymous rule so that its body is checked, not
         * reported line by line as "outside a rule" */
    } else {
        for (size_t i = 0; i < p->ws->n; i++) {
            wrule *r = &p->ws->rule[i];
            if (strlen(r->name) == p->t[1].n && !memcmp(r->name, p->t[1].p, p->t[1].n)) {
                perr(p, DT_EFORMAT, "rule '%s' is already defined on line %llu", r->name,
                     (unsigned long long)r->line);
                break;
            }
        }
    }
    if (p->ws->n == DT_WATCH_MAX_RULES) {
        /* once: the rest of the file is skipped, not reported line by line */
        if (!p->skipping)
            perr(p, DT_ELIMIT, "more than %d rules", DT_WATCH_MAX_RULES);
        p->skipping = 1;
        return DT_ELIMIT;
    }
    wrule *nr = dt_realloc(p->ws->rule, (p->ws->n + 1) * sizeof *nr);
    if (!nr)
        return DT_ENOMEM;
    p->ws->rule = nr;
    wrule *r = &nr[p->ws->n];
    memset(r, 0, sizeof *r);
    r->period = -1;
    r->line = p->line;
    r->name = p->nt >= 2
                  ? dupn(p->t[1].p, p->t[1].n > DT_WATCH_MAX_NAME ? DT_WATCH_MAX_NAME : p->t[1].n)
                  : dupn("?", 1);
    r->desc = dupn("", 0);
    if (!r->name || !r->desc) {
        free_rule(r);
        return DT_ENOMEM;
    }
    p->ws->n++;
    p->cur = r;
    p->cl = NULL;
    return DT_OK;
}

static int start_clause(parser *p)
{
    close_clause(p);
    if (p->cur->ncl == DT_WATCH_MAX_CLAUSES) {
        perr(p, DT_ELIMIT, "more than %d 'broken by' clauses in rule '%s'", DT_WATCH_MAX_CLAUSES,
             p->cur->name);
        return DT_ELIMIT;
    }
    wclause *nc = dt_realloc(p->cur->cl, (p->cur->ncl + 1) * sizeof *nc);
    if (!nc)
        return DT_ENOMEM;
    p->cur->cl = nc;
    p->cl = &nc[p->cur->ncl++];
    memset(p->cl, 0, sizeof *p->cl);
    p->cl->line = p->line;
    return DT_OK;
}

static int set_description(parser *p, const char *line, size_t n)
{
    const char *s;
    size_t len;
    if (p->nt < 2) {
        perr(p, DT_EFORMAT, "'description' needs a text");
        return DT_EFORMAT;
    }
    if (p->t[1].kind == T_STR) {
        if (p->nt != 2) {
            perr(p, DT_EFORMAT, "text after the quoted description");
            return DT_EFORMAT;
        }
        s = p->t[1].p;
        len = p->t[1].n;
    } else {
        /* the rest of the line as written, up to a comment */
        s = line + p->t[1].raw;
        const char *hash = memchr(s, '#', n - p->t[1].raw);
        len = (size_t)((hash ? hash : line + n) - s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
            len--;
    }
    char *d = dupn(s, len);
    if (!d)
        return DT_ENOMEM;
    dt_free(p->cur->desc);
    p->cur->desc = d;
    return DT_OK;
}

static int set_active(parser *p)
{
    char buf[DT_WATCH_MAX_LINE + 1];
    dt_str lo, hi;
    int32_t from = 0, to = 0;
    if (p->nt < 2 || split_range(p, 1, buf, sizeof buf, &lo, &hi) < 0 || (!lo.n && !hi.n)) {
        perr(p, DT_EFORMAT, "'active' needs FROM .. TO, FROM .. or .. TO (YYYY-MM-DD)");
        return DT_EFORMAT;
    }
    if ((lo.n && dt_date_parse(lo.p, lo.n, &from) < 0) ||
        (hi.n && dt_date_parse(hi.p, hi.n, &to) < 0)) {
        perr(p, DT_EFORMAT, "'active': bad date (YYYY-MM-DD)");
        return DT_EFORMAT;
    }
    if (from && to && from > to) {
        perr(p, DT_EFORMAT, "'active': the range ends before it starts");
        return DT_EFORMAT;
    }
    p->cur->from = from;
    p->cur->to = to;
    return DT_OK;
}

static int set_period(parser *p)
{
    int per = p->nt == 2 && p->t[1].kind == T_WORD ? dt_period_from_name(p->t[1].p) : -1;
    if (per < 0) {
        perr(p, DT_EFORMAT, "'period' needs one of day, week, month, quarter, year");
        return DT_EFORMAT;
    }
    p->cur->period = per;
    return DT_OK;
}

static int parse_line(parser *p, const char *line, size_t n)
{
    if (n > DT_WATCH_MAX_LINE) {
        perr(p, DT_ELIMIT, "line longer than %d bytes", DT_WATCH_MAX_LINE);
        return DT_ELIMIT;
    }
    if (tokenize(p, line, n) < 0)
        return DT_EFORMAT;
    if (p->nt == 0)
        return DT_OK;
    const tok *t0 = &p->t[0];
    if (t0->kind != T_WORD) {
        perr(p, DT_EFORMAT, "a line starts with a keyword, not a quoted string or regex");
        return DT_EFORMAT;
    }
    if (tis(t0, "rule"))
        return start_rule(p);
    if (p->skipping)
        return DT_OK;
    if (!p->cur) {
        if (tis(t0, "end"))
            perr(p, DT_EFORMAT, "'end' without a rule");
        else
            perr(p, DT_EFORMAT, "'%.*s' outside a rule (a rule starts with 'rule NAME')", tshow(t0),
                 t0->p);
        return DT_EFORMAT;
    }
    if (tis(t0, "end")) {
        if (p->nt != 1) {
            perr(p, DT_EFORMAT, "text after 'end'");
        }
        close_rule(p, 1);
        return DT_OK;
    }
    if (tis(t0, "broken-by") || (tis(t0, "broken") && p->nt >= 2 && tis(&p->t[1], "by"))) {
        size_t used = tis(t0, "broken-by") ? 1 : 2;
        if (p->nt != used) {
            perr(p, DT_EFORMAT, "'broken by' stands on its own line; conditions follow it");
            return DT_EFORMAT;
        }
        return start_clause(p);
    }
    int rc;
    if (tis(t0, "description"))
        rc = set_description(p, line, n);
    else if (tis(t0, "active"))
        rc = set_active(p);
    else if (tis(t0, "period"))
        rc = set_period(p);
    else {
        size_t k = 0;
        int negate = 0;
        if (tis(t0, "not") && p->nt >= 2) {
            negate = 1;
            k = 1;
        }
        if (cond_kind(&p->t[k]) < 0) {
            perr(p, DT_EFORMAT, "unknown keyword '%.*s'", tshow(&p->t[k]), p->t[k].p);
            return DT_EFORMAT;
        }
        return parse_cond(p, k, negate);
    }
    if (rc == DT_OK && p->cl) {
        /* header lines after the first clause would read as if they
         * belonged to the clause */
        perr(p, DT_EFORMAT, "'%.*s' must come before the first 'broken by'", tshow(t0), t0->p);
        return DT_EFORMAT;
    }
    return rc;
}

int dt_watchset_parse(dt_watchset **out, const char *name, const char *text, size_t len,
                      dt_watch_diag_fn on_diag, void *ctx, dt_error *err)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return dt_error_set(err, DT_EINVAL, name, 0, UINT64_MAX, "no rule text");
    if (!name)
        name = "<rules>";
    if (len > DT_WATCH_MAX_FILE)
        return dt_error_set(err, DT_ELIMIT, name, 0, UINT64_MAX, "rule file larger than %zu bytes",
                            DT_WATCH_MAX_FILE);
    parser *p = dt_calloc(1, sizeof *p);
    if (!p)
        return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, NULL);
    p->name = name;
    p->on_diag = on_diag;
    p->ctx = ctx;
    p->err = err;
    p->ws = dt_calloc(1, sizeof *p->ws);
    int rc = DT_OK;
    if (!p->ws)
        rc = DT_ENOMEM;
    size_t i = 0;
    while (rc == DT_OK && i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        p->line++;
        int r = parse_line(p, text + i, end - i);
        if (r == DT_ENOMEM)
            rc = r;
        else if (r != DT_OK && p->cur)
            /* errors inside a rule make its emptiness checks moot */
            p->cur_broken = 1;
        i = end + 1;
    }
    if (rc == DT_OK) {
        close_rule(p, 0);
        if (p->ws->n == 0 && p->nerr == 0) {
            p->line = 0;
            perr(p, DT_EFORMAT, "no rule in the file");
        }
        if (p->nerr)
            rc = p->first_code;
    }
    if (rc == DT_ENOMEM)
        dt_error_set(err, DT_ENOMEM, name, p->line, UINT64_MAX, NULL);
    if (rc == DT_OK)
        *out = p->ws;
    else
        dt_watchset_free(p->ws);
    dt_free(p);
    return rc;
}

int dt_watchset_load(dt_watchset **out, const char *path, dt_watch_diag_fn on_diag, void *ctx,
                     dt_error *err)
{
    if (out)
        *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot open: %s", strerror(errno));
    char *buf = dt_malloc(DT_WATCH_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return dt_error_set(err, DT_ENOMEM, path, 0, UINT64_MAX, NULL);
    }
    size_t n = fread(buf, 1, DT_WATCH_MAX_FILE + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "read error");
    else if (n > DT_WATCH_MAX_FILE)
        rc = dt_error_set(err, DT_ELIMIT, path, 0, UINT64_MAX, "rule file larger than %zu bytes",
                          DT_WATCH_MAX_FILE);
    else
        rc = dt_watchset_parse(out, path, buf, n, on_diag, ctx, err);
    dt_free(buf);
    return rc;
}

size_t dt_watchset_count(const dt_watchset *ws)
{
    return ws ? ws->n : 0;
}

const char *dt_watch_rule_name(const dt_watchset *ws, size_t rule)
{
    return ws->rule[rule].name;
}

const char *dt_watch_rule_description(const dt_watchset *ws, size_t rule)
{
    return ws->rule[rule].desc;
}

int dt_watch_rule_period(const dt_watchset *ws, size_t rule)
{
    return ws->rule[rule].period;
}

void dt_watch_rule_active(const dt_watchset *ws, size_t rule, int32_t *from, int32_t *to)
{
    if (from)
        *from = ws->rule[rule].from;
    if (to)
        *to = ws->rule[rule].to;
}

size_t dt_watch_rule_nclauses(const dt_watchset *ws, size_t rule)
{
    return ws->rule[rule].ncl;
}

long dt_watchset_find(const dt_watchset *ws, const char *name)
{
    for (size_t i = 0; ws && name && i < ws->n; i++)
        if (!strcmp(ws->rule[i].name, name))
            return (long)i;
    return -1;
}
