/* detente dict — reader for detente's own dictionary format (.dtx,
 * docs/dict-format.md).
 *
 * Each entry is translated into the PETRARCH line(s) it means and the
 * result goes through the very readers that compile PETRARCH files, so
 * both formats give the same structures by construction and share every
 * check (dates, duplicates, synsets...). A line map records, for each
 * generated line, the .dtx line it came from; the line reader applies it,
 * so every warning and every dt_dict_src names the line the author
 * wrote. Errors in the format itself (keywords, lists, dates) are
 * reported here, before translation. */
#include "dict_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Generated PETRARCH text for one kind, with its line map. */
typedef struct obuf {
    char *p;
    size_t n, cap;
    uint32_t *map;
    size_t nl, capl;
} obuf;

enum { OB_VERBS = 0, OB_ACTORS, OB_AGENTS, OB_DISCARDS, OB_ISSUES, OB_N };

enum {
    SEC_NONE = -1,
    SEC_ACTORS = 0,
    SEC_AGENTS,
    SEC_VERBS,
    SEC_SYNSETS,
    SEC_DISCARDS,
    SEC_ISSUES
};
static const char *const sec_names[] = {"actors",  "agents",   "verbs",
                                        "synsets", "discards", "issues"};

enum {
    BLK_NONE = 0,
    BLK_ACTOR,
    BLK_PERSON,
    BLK_AGENT,
    BLK_VBLOCK,
    BLK_SYNSET,
    BLK_CATEGORY,
    BLK_SKIP
};

/* One generated line being built; over-long lines are refused whole. */
typedef struct lbuf {
    size_t n;
    int over;
    char b[DT_DICT_MAX_LINE];
} lbuf;

typedef struct own {
    dt_dicts *d;
    uint32_t file;
    obuf out[OB_N];
    /* An actor or person is emitted when its block ends: the PETRARCH
     * reader needs the head line first, then synonyms, then codes, and
     * an entry without a code must not be emitted at all (the reader
     * would glue the next entry to it). */
    obuf head, syn, codes;
    int section, block;
    uint32_t block_line;
    char block_name[128];
    char agent_code[80];
    int cat_open;
    uint32_t last_line;
    /* The two line buffers last: they are written before they are read,
     * so only what comes before lb.b is cleared (16 KiB less to clear on
     * every load, most of them a few lines long). */
    lbuf lb;
    char line[DT_DICT_MAX_LINE];
} own;

/* ---- output buffers ---- */

static int ob_line(own *o, obuf *ob, const char *s, size_t n, uint32_t line)
{
    if (dt__dict_vec_reserve((void **)&ob->p, &ob->cap, ob->n, n + 1, 1) ||
        dt__dict_vec_reserve((void **)&ob->map, &ob->capl, ob->nl, 1, sizeof *ob->map))
        return dt__dict_oom(o->d);
    memcpy(ob->p + ob->n, s, n);
    ob->n += n;
    ob->p[ob->n++] = '\n';
    ob->map[ob->nl++] = line;
    return 0;
}

static int ob_append(own *o, obuf *dst, const obuf *src)
{
    if (dt__dict_vec_reserve((void **)&dst->p, &dst->cap, dst->n, src->n, 1) ||
        dt__dict_vec_reserve((void **)&dst->map, &dst->capl, dst->nl, src->nl, sizeof *dst->map))
        return dt__dict_oom(o->d);
    if (src->n)
        memcpy(dst->p + dst->n, src->p, src->n);
    dst->n += src->n;
    if (src->nl)
        memcpy(dst->map + dst->nl, src->map, src->nl * sizeof *src->map);
    dst->nl += src->nl;
    return 0;
}

static void ob_free(obuf *ob)
{
    dt_free(ob->p);
    dt_free(ob->map);
    memset(ob, 0, sizeof *ob);
}

static void lb_reset(lbuf *l)
{
    l->n = 0;
    l->over = 0;
}

static void lb_put(lbuf *l, const char *s, size_t n)
{
    if (l->over || l->n + n >= sizeof l->b) {
        l->over = 1;
        return;
    }
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static void lb_c(lbuf *l, char c)
{
    lb_put(l, &c, 1);
}

static void lb_str(lbuf *l, const char *s)
{
    lb_put(l, s, strlen(s));
}

static void warn(own *o, uint32_t line, int sev, int kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void warn(own *o, uint32_t line, int sev, int kind, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dt__dict_warn(o->d, o->file, line, sev, kind, "%s", msg);
}

/* Emit the line being built into ob (refusing it if it grew too long). */
static void lb_emit(own *o, obuf *ob, uint32_t line)
{
    if (o->lb.over) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT, "entry too long; skipped");
        return;
    }
    (void)ob_line(o, ob, o->lb.b, o->lb.n, line);
}

/* ---- small parsing helpers ---- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_blank(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_blank((*s)[*n - 1]))
        (*n)--;
}

static int eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Next blank-delimited word of [*s, *s+*n), also stopping at ':' when
 * colon is set (a code or name right before the list's ':'). */
static int next_word(const char **s, size_t *n, const char **w, size_t *wn, int colon)
{
    trim(s, n);
    if (!*n)
        return 0;
    size_t i = 0;
    while (i < *n && !is_blank((*s)[i]) && !(colon && (*s)[i] == ':'))
        i++;
    /* A compound code "030:030:" keeps its inner ':'; only a final one
     * (or one followed by a blank) is the list separator. */
    if (colon && i < *n && (*s)[i] == ':' && i + 1 < *n && !is_blank((*s)[i + 1])) {
        size_t j = i + 1;
        while (j < *n && !is_blank((*s)[j]))
            j++;
        if ((*s)[j - 1] == ':' && j - 1 > i)
            i = j - 1;
    }
    *w = *s;
    *wn = i;
    *s += i;
    *n -= i;
    return i > 0;
}

/* Skip a ':' that introduces a list; returns 1 if there was one. */
static int eat_colon(const char **s, size_t *n)
{
    trim(s, n);
    if (*n && **s == ':') {
        (*s)++;
        (*n)--;
        trim(s, n);
        return 1;
    }
    return 0;
}

/* Next comma-separated item (commas inside parentheses do not count). */
static int next_item(const char **s, size_t *n, const char **it, size_t *itn)
{
    if (!*n)
        return 0;
    int depth = 0;
    size_t i = 0;
    for (; i < *n; i++) {
        char c = (*s)[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (c == ',' && depth == 0)
            break;
    }
    *it = *s;
    *itn = i;
    trim(it, itn);
    if (i < *n)
        i++; /* the comma */
    *s += i;
    *n -= i;
    return 1;
}

/* "name (mods)": split off a final parenthesised group. */
static void split_mods(const char *s, size_t n, const char **name, size_t *nn, const char **mod,
                       size_t *mn)
{
    *name = s;
    *nn = n;
    *mod = NULL;
    *mn = 0;
    if (!n || s[n - 1] != ')')
        return;
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (s[i] == ')')
            depth++;
        else if (s[i] == '(' && --depth == 0) {
            *mod = s + i + 1;
            *mn = n - i - 2;
            *nn = i;
            trim(name, nn);
            trim(mod, mn);
            return;
        }
    }
}

/* Check a name written by the author: characters that mean something in
 * the PETRARCH text it becomes are refused (they would silently change
 * its meaning). allow: extra characters allowed ("&" for synset refs). */
static int check_name(own *o, uint32_t line, const char *s, size_t n, const char *what,
                      const char *allow)
{
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "empty %s in list; skipped", what);
        return -1;
    }
    static const char bad[] = "[]{}<>;!_,()#:";
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((strchr(bad, c) && c != '\0') ||
            ((c == '&' || c == '+' || c == '~') && i == 0 && !(allow && strchr(allow, c)))) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "%s '%.*s': character '%c' is not allowed here; skipped", what, (int)n, s, c);
            return -1;
        }
        if (c == '&' && !(allow && strchr(allow, '&'))) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "%s '%.*s': '&' (a synset reference) is not allowed here; skipped", what, (int)n,
                 s);
            return -1;
        }
    }
    if (s[0] == '-') {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "%s '%.*s' may not start with '-'; skipped", what, (int)n, s);
        return -1;
    }
    return 0;
}

static int check_code(own *o, uint32_t line, const char *s, size_t n)
{
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE, "missing code; entry skipped");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '/' || c == ':' || c == '.')) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                 "bad code '%.*s' (letters, digits, '-', '/', ':' and '.' only); entry skipped",
                 (int)n, s);
            return -1;
        }
    }
    return 0;
}

/* Append a name as a PETRARCH phrase: blank runs become '_' (words
 * adjacent), ASCII upper-cased (the interner folds the rest). A word
 * starting with '*' (verb head marker) gets '+' instead when mark_head. */
static void put_phrase(lbuf *l, const char *s, size_t n, int mark_head)
{
    int need_sep = 0;
    size_t i = 0;
    while (i < n) {
        if (is_blank(s[i])) {
            i++;
            continue;
        }
        if (need_sep)
            lb_c(l, '_');
        if (s[i] == '*') {
            if (mark_head)
                lb_c(l, '+');
            i++;
        }
        while (i < n && !is_blank(s[i])) {
            char c = s[i++];
            if (c >= 'a' && c <= 'z')
                c = (char)(c - 'a' + 'A');
            lb_c(l, c);
        }
        need_sep = 1;
    }
}

/* Modifiers of an item: "no plural", "plural X" (repeatable, ';'
 * separated), "noun", "verb". Unknown ones are errors. */
typedef struct mods {
    int noplural, noun, verb;
    const char *pl[8];
    size_t pln[8];
    size_t npl;
} mods;

static int parse_mods(own *o, uint32_t line, const char *m, size_t mn, const char *allowed,
                      mods *out)
{
    memset(out, 0, sizeof *out);
    while (mn) {
        size_t i = 0;
        while (i < mn && m[i] != ';')
            i++;
        const char *t = m;
        size_t tn = i;
        trim(&t, &tn);
        m += i < mn ? i + 1 : i;
        mn -= i < mn ? i + 1 : i;
        if (!tn)
            continue;
        if (eq(t, tn, "no plural") && strchr(allowed, 'p'))
            out->noplural = 1;
        else if (tn > 7 && memcmp(t, "plural ", 7) == 0 && strchr(allowed, 'p')) {
            if (out->npl == 8) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT, "more than 8 plurals; skipped");
                return -1;
            }
            const char *p = t + 7;
            size_t pn = tn - 7;
            trim(&p, &pn);
            if (check_name(o, line, p, pn, "plural", NULL))
                return -1;
            out->pl[out->npl] = p;
            out->pln[out->npl++] = pn;
        } else if (eq(t, tn, "noun") && strchr(allowed, 'n'))
            out->noun = 1;
        else if (eq(t, tn, "verb") && strchr(allowed, 'v'))
            out->verb = 1;
        else {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX, "unknown modifier '(%.*s)'; skipped",
                 (int)tn, t);
            return -1;
        }
    }
    return 0;
}

/* "YYYY-MM-DD" -> "YYYYMMDD" (checked); 0 or -1. */
static int iso_date(own *o, uint32_t line, const char *s, size_t n, char out[9])
{
    int ok = n == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
            ok = 0;
    int32_t v;
    if (ok) {
        memcpy(out, s, 4);
        memcpy(out + 4, s + 5, 2);
        memcpy(out + 6, s + 8, 2);
        out[8] = '\0';
        ok = dt_dict_parse_date(out, 8, &v) == DT_OK;
    }
    if (!ok) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
             "bad date '%.*s' (want YYYY-MM-DD, a real day); term skipped", (int)n, s);
        return -1;
    }
    return 0;
}

/* ---- actors ---- */

static void actor_flush(own *o)
{
    if (o->block == BLK_ACTOR || o->block == BLK_PERSON) {
        const char *what = o->block == BLK_ACTOR ? "actor" : "person";
        if (!o->head.nl)
            warn(o, o->block_line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                 "%s %s has no name; entry skipped", what, o->block_name);
        else if (!o->codes.nl)
            warn(o, o->block_line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                 "%s '%s' has no code (give a 'term'); entry skipped", what, o->block_name);
        else {
            (void)ob_append(o, &o->out[OB_ACTORS], &o->head);
            (void)ob_append(o, &o->out[OB_ACTORS], &o->syn);
            (void)ob_append(o, &o->out[OB_ACTORS], &o->codes);
        }
    }
    o->head.n = o->head.nl = 0;
    o->syn.n = o->syn.nl = 0;
    o->codes.n = o->codes.nl = 0;
}

/* One name of an actor: the head if it has none yet, else a synonym;
 * plus its plural(s) when asked. */
static void actor_name(own *o, uint32_t line, const char *s, size_t n, int auto_plural)
{
    const char *nm, *m;
    size_t nn, mn;
    split_mods(s, n, &nm, &nn, &m, &mn);
    mods md;
    if (check_name(o, line, nm, nn, "name", NULL) || parse_mods(o, line, m, mn, "p", &md))
        return;
    lbuf *l = &o->lb;
    lb_reset(l);
    if (o->head.nl) {
        lb_c(l, '+');
        put_phrase(l, nm, nn, 0);
        lb_emit(o, &o->syn, line);
    } else {
        put_phrase(l, nm, nn, 0);
        lb_emit(o, &o->head, line);
    }
    if (md.npl) {
        for (size_t i = 0; i < md.npl; i++) {
            lb_reset(l);
            lb_c(l, '+');
            put_phrase(l, md.pl[i], md.pln[i], 0);
            lb_emit(o, &o->syn, line);
        }
    } else if (auto_plural && !md.noplural) {
        lb_reset(l);
        lb_c(l, '+');
        put_phrase(l, nm, nn, 0);
        if (!l->over && l->n > 1) {
            /* The plural of the last word, by the rule agents use. */
            size_t w = l->n;
            while (w > 1 && l->b[w - 1] != '_')
                w--;
            char pl[1100];
            size_t wl = l->n - w;
            if (wl < 1024) {
                size_t pn = dt__dict_plural(l->b + w, wl, pl);
                l->n = w;
                lb_put(l, pl, pn);
                lb_emit(o, &o->syn, line);
            }
        }
    }
}

static void actor_names(own *o, uint32_t line, const char *s, size_t n, int auto_plural)
{
    const char *it;
    size_t itn;
    trim(&s, &n);
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "empty list");
        return;
    }
    while (next_item(&s, &n, &it, &itn))
        actor_name(o, line, it, itn, auto_plural);
}

static void actor_term(own *o, uint32_t line, const char *s, size_t n)
{
    const char *code;
    size_t cn;
    if (!next_word(&s, &n, &code, &cn, 0) || check_code(o, line, code, cn))
        return;
    trim(&s, &n);
    lbuf *l = &o->lb;
    lb_reset(l);
    lb_c(l, '[');
    lb_put(l, code, cn);
    if (n) {
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < n; i++)
            if (s[i] == '.' && s[i + 1] == '.') {
                dots = s + i;
                break;
            }
        if (!dots) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
                 "bad range '%.*s' (want FROM..TO, FROM.. or ..TO with YYYY-MM-DD dates); term "
                 "skipped",
                 (int)n, s);
            return;
        }
        const char *a = s, *b = dots + 2;
        size_t an = (size_t)(dots - s), bn = n - an - 2;
        trim(&a, &an);
        trim(&b, &bn);
        char da[9], db[9];
        if (!an && !bn) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
                 "range '..' has no date; write no range for a default code; term skipped");
            return;
        }
        if ((an && iso_date(o, line, a, an, da)) || (bn && iso_date(o, line, b, bn, db)))
            return;
        lb_c(l, ' ');
        if (an && bn) {
            lb_str(l, da);
            lb_c(l, '-');
            lb_str(l, db);
        } else if (an) {
            lb_c(l, '>');
            lb_str(l, da);
        } else {
            lb_c(l, '<');
            lb_str(l, db);
        }
    }
    lb_c(l, ']');
    lb_emit(o, &o->codes, line);
}

static void set_block_name(own *o, const char *s, size_t n)
{
    if (n >= sizeof o->block_name)
        n = sizeof o->block_name - 1;
    memcpy(o->block_name, s, n);
    o->block_name[n] = '\0';
}

static void do_actors(own *o, int indented, const char *kw, size_t kn, const char *s, size_t n,
                      uint32_t line)
{
    if (!indented) {
        actor_flush(o);
        o->block = BLK_NONE;
        if (eq(kw, kn, "actor")) {
            const char *code;
            size_t cn;
            if (!next_word(&s, &n, &code, &cn, 1)) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                     "'actor' needs a code: actor CODE [: names]; entry skipped");
                o->block = BLK_SKIP; /* swallow its indented lines */
                return;
            }
            o->block = BLK_ACTOR;
            o->block_line = line;
            set_block_name(o, code, cn);
            if (check_code(o, line, code, cn)) {
                o->block = BLK_SKIP;
                return;
            }
            lb_reset(&o->lb);
            lb_c(&o->lb, '[');
            lb_put(&o->lb, code, cn);
            lb_c(&o->lb, ']');
            lb_emit(o, &o->codes, line);
            if (eat_colon(&s, &n))
                actor_names(o, line, s, n, 0);
            else if (n)
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                     "text after the code needs a ':' (actor CODE: names); ignored");
        } else if (eq(kw, kn, "person")) {
            trim(&s, &n);
            o->block = BLK_PERSON;
            o->block_line = line;
            set_block_name(o, s, n);
            if (memchr(s, ',', n)) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                     "person takes one name (put others on 'alias' lines); entry skipped");
                o->block = BLK_SKIP;
                return;
            }
            if (n)
                actor_name(o, line, s, n, 0);
        } else {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "unknown keyword '%.*s' in [actors] (want actor or person); line skipped", (int)kn,
                 kw);
            o->block = BLK_SKIP;
        }
        return;
    }
    if (o->block == BLK_SKIP)
        return;
    if (o->block != BLK_ACTOR && o->block != BLK_PERSON) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
             "indented line outside an actor or person entry; skipped");
        return;
    }
    if (eq(kw, kn, "name") || eq(kw, kn, "alias") || eq(kw, kn, "capital"))
        actor_names(o, line, s, n, 0);
    else if (eq(kw, kn, "adjective"))
        actor_names(o, line, s, n, 1);
    else if (eq(kw, kn, "term"))
        actor_term(o, line, s, n);
    else
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in an actor entry (want name, alias, capital, adjective or "
             "term); line skipped",
             (int)kn, kw);
}

/* ---- agents ---- */

static void agent_item(own *o, uint32_t line, const char *s, size_t n, int auto_plural)
{
    const char *nm, *m;
    size_t nn, mn;
    split_mods(s, n, &nm, &nn, &m, &mn);
    mods md;
    if (check_name(o, line, nm, nn, "agent phrase", NULL) || parse_mods(o, line, m, mn, "p", &md))
        return;
    lbuf *l = &o->lb;
    lb_reset(l);
    put_phrase(l, nm, nn, 0);
    if (md.npl) {
        lb_str(l, " {");
        put_phrase(l, md.pl[0], md.pln[0], 0);
        lb_c(l, '}');
    } else if (!auto_plural || md.noplural)
        lb_str(l, " {}");
    lb_str(l, " [");
    lb_str(l, o->agent_code);
    lb_c(l, ']');
    lb_emit(o, &o->out[OB_AGENTS], line);
    for (size_t i = 1; i < md.npl; i++) {
        lb_reset(l);
        put_phrase(l, md.pl[i], md.pln[i], 0);
        lb_str(l, " {} [");
        lb_str(l, o->agent_code);
        lb_c(l, ']');
        lb_emit(o, &o->out[OB_AGENTS], line);
    }
}

static void agent_items(own *o, uint32_t line, const char *s, size_t n, int auto_plural)
{
    const char *it;
    size_t itn;
    trim(&s, &n);
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "empty list");
        return;
    }
    while (next_item(&s, &n, &it, &itn))
        agent_item(o, line, it, itn, auto_plural);
}

static void do_agents(own *o, int indented, const char *kw, size_t kn, const char *s, size_t n,
                      uint32_t line)
{
    if (!indented) {
        o->block = BLK_SKIP;
        if (!eq(kw, kn, "agent")) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "unknown keyword '%.*s' in [agents] (want agent); line skipped", (int)kn, kw);
            return;
        }
        const char *code, *w;
        size_t cn, wn;
        if (!next_word(&s, &n, &code, &cn, 1)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                 "'agent' needs a code: agent CODE [prefix] [: phrases]; entry skipped");
            return;
        }
        int prefix = 0;
        if (cn > 1 && code[0] == '~') {
            code++;
            cn--;
        } else if (cn > 1 && code[cn - 1] == '~') {
            cn--;
            prefix = 1;
        }
        const char *save = s;
        size_t saven = n;
        if (next_word(&s, &n, &w, &wn, 1) && (eq(w, wn, "prefix") || eq(w, wn, "suffix")))
            prefix = eq(w, wn, "prefix");
        else {
            s = save;
            n = saven;
        }
        if (check_code(o, line, code, cn))
            return;
        if (cn + 2 > sizeof o->agent_code) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT, "agent code too long; skipped");
            return;
        }
        size_t k = 0;
        if (!prefix)
            o->agent_code[k++] = '~';
        memcpy(o->agent_code + k, code, cn);
        k += cn;
        if (prefix)
            o->agent_code[k++] = '~';
        o->agent_code[k] = '\0';
        o->block = BLK_AGENT;
        if (eat_colon(&s, &n))
            agent_items(o, line, s, n, 1);
        else if (n)
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "text after the code needs a ':' (agent CODE: phrases); ignored");
        return;
    }
    if (o->block == BLK_SKIP)
        return;
    if (o->block != BLK_AGENT) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
             "indented line outside an agent entry; skipped");
        return;
    }
    if (eq(kw, kn, "role"))
        agent_items(o, line, s, n, 1);
    else if (eq(kw, kn, "adjective"))
        agent_items(o, line, s, n, 0);
    else
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in an agent entry (want role or adjective); line skipped",
             (int)kn, kw);
}

/* ---- verbs ---- */

/* One verb phrase (base or irregular form) as PETRARCH writes it: the
 * head marked with '+' when there are several words. */
static int verb_phrase(own *o, uint32_t line, const char *s, size_t n, size_t *head, size_t *nw)
{
    if (check_name(o, line, s, n, "verb", NULL))
        return -1;
    size_t k = 0, h = 0, nh = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_blank(s[i]) && (i == 0 || is_blank(s[i - 1]))) {
            if (s[i] == '*') {
                h = k;
                nh++;
            }
            k++;
        }
    }
    if (nh > 1) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "verb '%.*s' marks two heads with '*'; skipped", (int)n, s);
        return -1;
    }
    *head = nh ? h : 0;
    *nw = k;
    return 0;
}

static void put_verb(lbuf *l, const char *s, size_t n, size_t head, size_t nw)
{
    if (nw == 1) {
        put_phrase(l, s, n, 0);
        return;
    }
    /* '+' before word `head`; drop any '*' the author wrote. */
    size_t k = 0, i = 0;
    while (i < n) {
        if (is_blank(s[i])) {
            i++;
            continue;
        }
        if (k)
            lb_c(l, '_');
        if (k == head)
            lb_c(l, '+');
        if (s[i] == '*')
            i++;
        while (i < n && !is_blank(s[i])) {
            char c = s[i++];
            if (c >= 'a' && c <= 'z')
                c = (char)(c - 'a' + 'A');
            lb_c(l, c);
        }
        k++;
    }
}

static void verb_item(own *o, uint32_t line, const char *s, size_t n, const char *code, size_t cn)
{
    const char *nm, *m;
    size_t nn, mn;
    split_mods(s, n, &nm, &nn, &m, &mn);
    size_t head, nw;
    if (verb_phrase(o, line, nm, nn, &head, &nw))
        return;
    lbuf *l = &o->lb;
    lb_reset(l);
    put_verb(l, nm, nn, head, nw);
    if (m) {
        lb_str(l, " {");
        const char *f;
        size_t fn;
        int first = 1;
        while (next_item(&m, &mn, &f, &fn)) {
            size_t fh, fw;
            if (!fn)
                continue;
            if (verb_phrase(o, line, f, fn, &fh, &fw))
                return;
            if (fw != nw) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                     "form '%.*s' of '%.*s' must have as many words as the verb; verb skipped",
                     (int)fn, f, (int)nn, nm);
                return;
            }
            if (!first)
                lb_c(l, ' ');
            first = 0;
            put_verb(l, f, fn, head, fw);
        }
        lb_c(l, '}');
    }
    if (code) {
        lb_str(l, " [");
        lb_put(l, code, cn);
        lb_c(l, ']');
    }
    lb_emit(o, &o->out[OB_VERBS], line);
}

static void verb_line(own *o, uint32_t line, const char *s, size_t n)
{
    trim(&s, &n);
    /* A final "code CODE" (outside parentheses) applies to the line. */
    const char *code = NULL;
    size_t cn = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && depth > 0)
            depth--;
        else if (depth == 0 && i + 6 <= n && memcmp(s + i, " code ", 6) == 0) {
            const char *c = s + i + 6;
            size_t k = n - i - 6;
            trim(&c, &k);
            if (k && !memchr(c, ' ', k) && !memchr(c, ',', k) && !memchr(c, ')', k)) {
                code = c;
                cn = k;
                n = i;
                break;
            }
        }
    }
    if (code && check_code(o, line, code, cn))
        return;
    const char *it;
    size_t itn;
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "'verb' with no verb");
        return;
    }
    while (next_item(&s, &n, &it, &itn))
        verb_item(o, line, it, itn, code, cn);
}

static void pattern_line(own *o, uint32_t line, const char *s, size_t n)
{
    const char *code;
    size_t cn;
    if (!next_word(&s, &n, &code, &cn, 1) || !eat_colon(&s, &n)) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
             "pattern must read 'pattern CODE: FIELD' (CODE may be null); skipped");
        return;
    }
    if (eq(code, cn, "null") || eq(code, cn, "---")) {
        code = "---";
        cn = 3;
    } else if (check_code(o, line, code, cn))
        return;
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "pattern with no field; skipped");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '[' || s[i] == ']' || s[i] == ';' || s[i] == '<') {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_UNKNOWN_MARKER,
                 "pattern '%.*s': '%c' is not a pattern marker; skipped", (int)n, s, s[i]);
            return;
        }
    lbuf *l = &o->lb;
    lb_reset(l);
    lb_str(l, "- ");
    lb_put(l, s, n);
    lb_str(l, " [");
    lb_put(l, code, cn);
    lb_c(l, ']');
    lb_emit(o, &o->out[OB_VERBS], line);
}

static void do_verbs(own *o, int indented, const char *kw, size_t kn, const char *s, size_t n,
                     uint32_t line)
{
    if (!indented) {
        o->block = BLK_SKIP;
        if (!eq(kw, kn, "block")) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "unknown keyword '%.*s' in [verbs] (want block; verb and pattern lines are "
                 "indented under it); line skipped",
                 (int)kn, kw);
            return;
        }
        const char *name, *code = NULL;
        size_t nn, cn = 0;
        if (!next_word(&s, &n, &name, &nn, 0)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "'block' needs a name: block NAME [CODE]; block skipped");
            return;
        }
        for (size_t k = 0; k < nn; k++) {
            unsigned char c = (unsigned char)name[k];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-')) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                     "block name '%.*s': letters, digits, '_' and '-' only; block skipped", (int)nn,
                     name);
                return;
            }
        }
        if (next_word(&s, &n, &code, &cn, 0) && check_code(o, line, code, cn))
            return;
        trim(&s, &n);
        if (n) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "block takes a one-word name and a code (block NAME CODE); block skipped");
            return;
        }
        lbuf *l = &o->lb;
        lb_reset(l);
        lb_str(l, "--- ");
        put_phrase(l, name, nn, 0);
        if (code) {
            lb_str(l, " [");
            lb_put(l, code, cn);
            lb_c(l, ']');
        }
        lb_str(l, " ---");
        lb_emit(o, &o->out[OB_VERBS], line);
        o->block = BLK_VBLOCK;
        return;
    }
    if (o->block == BLK_SKIP)
        return;
    if (o->block != BLK_VBLOCK) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
             "indented line outside a verb block; skipped");
        return;
    }
    if (eq(kw, kn, "verb"))
        verb_line(o, line, s, n);
    else if (eq(kw, kn, "pattern"))
        pattern_line(o, line, s, n);
    else
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in a verb block (want verb or pattern); line skipped", (int)kn,
             kw);
}

/* ---- synsets ---- */

static void synset_members(own *o, uint32_t line, const char *s, size_t n)
{
    const char *it, *nm, *m;
    size_t itn, nn, mn;
    trim(&s, &n);
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "empty list");
        return;
    }
    while (next_item(&s, &n, &it, &itn)) {
        split_mods(it, itn, &nm, &nn, &m, &mn);
        mods md;
        if (check_name(o, line, nm, nn, "synset member", "&") ||
            parse_mods(o, line, m, mn, "p", &md))
            continue;
        if (md.npl) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "synset members take '(no plural)' only; member skipped");
            continue;
        }
        lbuf *l = &o->lb;
        lb_reset(l);
        lb_c(l, '+');
        put_phrase(l, nm, nn, 0);
        if (md.noplural)
            lb_c(l, '_');
        lb_emit(o, &o->out[OB_VERBS], line);
    }
}

static void do_synsets(own *o, int indented, const char *kw, size_t kn, const char *s, size_t n,
                       uint32_t line)
{
    if (!indented) {
        o->block = BLK_SKIP;
        if (!eq(kw, kn, "synset")) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "unknown keyword '%.*s' in [synsets] (want synset); line skipped", (int)kn, kw);
            return;
        }
        trim(&s, &n);
        size_t i = 0;
        if (n && s[0] == '&') {
            s++;
            n--;
        }
        while (i < n && !is_blank(s[i]) && s[i] != ':' && s[i] != '(')
            i++;
        const char *name = s;
        size_t nn = i;
        s += i;
        n -= i;
        int ok = nn > 0 && name[nn - 1] != '_';
        for (size_t k = 0; ok && k < nn; k++) {
            unsigned char c = (unsigned char)name[k];
            ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        }
        if (!ok) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "synset name '%.*s': letters, digits, '-' and inner '_' only; synset skipped",
                 (int)nn, name);
            return;
        }
        trim(&s, &n);
        int noplural = 0;
        if (n && s[0] == '(') {
            const char *c = memchr(s, ')', n);
            if (!c || !eq(s + 1, (size_t)(c - s - 1), "no plural")) {
                warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                     "after a synset name only '(no plural)' may follow; synset skipped");
                return;
            }
            noplural = 1;
            n -= (size_t)(c + 1 - s);
            s = c + 1;
        }
        lbuf *l = &o->lb;
        lb_reset(l);
        lb_c(l, '&');
        put_phrase(l, name, nn, 0);
        if (noplural)
            lb_c(l, '_');
        lb_emit(o, &o->out[OB_VERBS], line);
        o->block = BLK_SYNSET;
        if (eat_colon(&s, &n))
            synset_members(o, line, s, n);
        else if (n)
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "text after the synset name needs a ':' (synset NAME: members); ignored");
        return;
    }
    if (o->block == BLK_SKIP)
        return;
    if (o->block != BLK_SYNSET) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
             "indented line outside a synset; skipped");
        return;
    }
    if (eq(kw, kn, "member"))
        synset_members(o, line, s, n);
    else
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in a synset (want member); line skipped", (int)kn, kw);
}

/* ---- discards ---- */

static void do_discards(own *o, const char *kw, size_t kn, const char *s, size_t n, uint32_t line)
{
    int story = eq(kw, kn, "story");
    if (!story && !eq(kw, kn, "sentence")) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in [discards] (want sentence or story); line skipped", (int)kn,
             kw);
        return;
    }
    if (!eat_colon(&s, &n)) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "'%.*s' needs a ':' before its list; line skipped", (int)kn, kw);
        return;
    }
    const char *it;
    size_t itn;
    while (next_item(&s, &n, &it, &itn)) {
        int stem = itn > 1 && it[itn - 1] == '*';
        if (stem)
            itn--;
        if (check_name(o, line, it, itn, "discard phrase", NULL))
            continue;
        if (memchr(it, '*', itn)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "discard '%.*s': '*' only at the end; skipped", (int)itn, it);
            continue;
        }
        lbuf *l = &o->lb;
        lb_reset(l);
        if (story)
            lb_c(l, '+');
        put_phrase(l, it, itn, 0);
        if (!stem)
            lb_c(l, '_');
        lb_emit(o, &o->out[OB_DISCARDS], line);
    }
}

/* ---- issues ---- */

static void issue_items(own *o, uint32_t line, const char *s, size_t n, const char *code, size_t cn,
                        int ignore)
{
    const char *it, *nm, *m;
    size_t itn, nn, mn;
    trim(&s, &n);
    if (!n) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE, "empty list");
        return;
    }
    while (next_item(&s, &n, &it, &itn)) {
        split_mods(it, itn, &nm, &nn, &m, &mn);
        mods md;
        if (check_name(o, line, nm, nn, "issue phrase", NULL) ||
            parse_mods(o, line, m, mn, ignore ? "" : "nv", &md))
            continue;
        if (memchr(nm, '+', nn)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "issue phrase '%.*s': '+' is not allowed; skipped", (int)nn, nm);
            continue;
        }
        lbuf *l = &o->lb;
        lb_reset(l);
        for (int k = 0; k < ignore; k++)
            lb_c(l, '~');
        /* Words blank-separated; the last one carries n:/v:. */
        size_t last = nn;
        while (last > 0 && !is_blank(nm[last - 1]))
            last--;
        size_t i = 0;
        int first = 1;
        while (i < nn) {
            if (is_blank(nm[i])) {
                i++;
                continue;
            }
            if (!first)
                lb_c(l, ' ');
            first = 0;
            if (i == last && (md.noun || md.verb))
                lb_str(l, md.noun ? "n:" : "v:");
            while (i < nn && !is_blank(nm[i])) {
                char c = nm[i++];
                if (c >= 'a' && c <= 'z')
                    c = (char)(c - 'a' + 'A');
                lb_c(l, c);
            }
        }
        if (code) {
            lb_str(l, " [");
            lb_put(l, code, cn);
            lb_c(l, ']');
        }
        lb_emit(o, &o->out[OB_ISSUES], line);
    }
}

static void issue_close(own *o)
{
    if (o->cat_open) {
        (void)ob_line(o, &o->out[OB_ISSUES], "</ISSUE>", 8, o->last_line);
        o->cat_open = 0;
    }
}

static void do_issues(own *o, const char *kw, size_t kn, const char *s, size_t n, uint32_t line)
{
    if (eq(kw, kn, "category")) {
        trim(&s, &n);
        int ok = n > 0;
        for (size_t i = 0; ok && i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        }
        if (!ok) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "category name '%.*s': one word of letters, digits, '_' and '-'; skipped", (int)n,
                 s);
            return;
        }
        issue_close(o);
        lbuf *l = &o->lb;
        lb_reset(l);
        lb_str(l, "<ISSUE CATEGORY=\"");
        lb_put(l, s, n);
        lb_str(l, "\" TYPE=\"ALL\">");
        lb_emit(o, &o->out[OB_ISSUES], line);
        o->cat_open = 1;
    } else if (eq(kw, kn, "issue")) {
        const char *code;
        size_t cn;
        if (!next_word(&s, &n, &code, &cn, 1) || check_code(o, line, code, cn))
            return;
        if (!eat_colon(&s, &n)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "issue must read 'issue CODE: phrases'; skipped");
            return;
        }
        issue_items(o, line, s, n, code, cn, 0);
    } else if (eq(kw, kn, "ignore")) {
        const char *w;
        size_t wn;
        int which = 0;
        if (next_word(&s, &n, &w, &wn, 1))
            which = eq(w, wn, "sentence") ? 1 : eq(w, wn, "story") ? 2 : 0;
        if (!which || !eat_colon(&s, &n)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "ignore must read 'ignore sentence: phrases' or 'ignore story: phrases'; "
                 "skipped");
            return;
        }
        issue_items(o, line, s, n, NULL, 0, which);
    } else
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "unknown keyword '%.*s' in [issues] (want category, issue or ignore); line skipped",
             (int)kn, kw);
}

/* ---- the file ---- */

static void end_section(own *o)
{
    actor_flush(o);
    issue_close(o);
    o->block = BLK_NONE;
}

/* Copy a physical line, cutting a '#' comment (at the start or after a
 * blank, so a '#' inside a word is kept) and trailing blanks. */
static size_t clean_line(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '#' && (i == 0 || is_blank(s[i - 1])))
            break;
        out[o++] = s[i];
    }
    while (o && is_blank(out[o - 1]))
        o--;
    return o;
}

static void one_line(own *o, const char *s, size_t n, uint32_t line)
{
    int indented = is_blank(s[0]);
    trim(&s, &n);
    if (s[0] == '[') {
        size_t k;
        for (k = 0; k < sizeof sec_names / sizeof sec_names[0]; k++)
            if (n == strlen(sec_names[k]) + 2 && s[n - 1] == ']' &&
                memcmp(s + 1, sec_names[k], n - 2) == 0)
                break;
        end_section(o);
        if (k == sizeof sec_names / sizeof sec_names[0]) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                 "unknown section '%.*s' (want [actors], [agents], [verbs], [synsets], [discards] "
                 "or [issues]); its lines are skipped",
                 (int)n, s);
            o->section = SEC_NONE - 1;
            return;
        }
        o->section = (int)k;
        return;
    }
    if (o->section == SEC_NONE - 1)
        return;
    if (o->section == SEC_NONE) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
             "entry before any [section] header; skipped");
        return;
    }
    size_t kn = 0;
    while (kn < n && ((s[kn] >= 'a' && s[kn] <= 'z') || s[kn] == '-'))
        kn++;
    const char *kw = s;
    const char *rest = s + kn;
    size_t rn = n - kn;
    if (kn == 0 || (rn && !is_blank(rest[0]) && rest[0] != ':')) {
        warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
             "line must start with a lower-case keyword; skipped");
        return;
    }
    switch (o->section) {
    case SEC_ACTORS:
        do_actors(o, indented, kw, kn, rest, rn, line);
        break;
    case SEC_AGENTS:
        do_agents(o, indented, kw, kn, rest, rn, line);
        break;
    case SEC_VERBS:
        do_verbs(o, indented, kw, kn, rest, rn, line);
        break;
    case SEC_SYNSETS:
        do_synsets(o, indented, kw, kn, rest, rn, line);
        break;
    case SEC_DISCARDS:
        do_discards(o, kw, kn, rest, rn, line);
        break;
    default:
        do_issues(o, kw, kn, rest, rn, line);
        break;
    }
}

int dt__dict_read_own(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    own *o = dt_malloc(sizeof *o);
    if (!o)
        return dt__dict_oom(d);
    memset(o, 0, offsetof(own, lb) + offsetof(lbuf, b));
    o->d = d;
    o->file = file;
    o->section = SEC_NONE;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    const char *p = data, *end = data + len;
    uint32_t line = 0;
    int any_section = 0;
    while (p < end && !d->oom) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        const char *s = p;
        p = nl ? nl + 1 : end;
        line++;
        o->last_line = line;
        if (n >= DT_DICT_MAX_LINE) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT, "line longer than %d bytes skipped",
                 DT_DICT_MAX_LINE);
            continue;
        }
        if (memchr(s, '\0', n)) {
            warn(o, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX, "NUL byte in line; skipped");
            continue;
        }
        size_t cn = clean_line(s, n, o->line);
        size_t lead = 0;
        while (lead < cn && is_blank(o->line[lead]))
            lead++;
        if (lead == cn)
            continue;
        one_line(o, o->line, cn, line);
        if (o->section != SEC_NONE)
            any_section = 1;
    }
    end_section(o);
    if (!any_section && !d->oom)
        warn(o, 0, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
             "no [section] header: nothing loaded from this file");
    /* Compile each kind through the PETRARCH readers, verbs (and
     * synsets) first as dt_dicts_load_files does. */
    static const int kinds[OB_N] = {DT_DICT_VERBS, DT_DICT_ACTORS, DT_DICT_AGENTS, DT_DICT_DISCARDS,
                                    DT_DICT_ISSUES};
    int rc = d->oom ? DT_ENOMEM : 0;
    for (int k = 0; k < OB_N && !rc; k++) {
        obuf *ob = &o->out[k];
        if (!ob->nl)
            continue;
        d->linemap = ob->map;
        d->nlinemap = ob->nl;
        switch (kinds[k]) {
        case DT_DICT_VERBS:
            rc = dt__dict_read_verbs(d, file, ob->p, ob->n);
            break;
        case DT_DICT_ACTORS:
            rc = dt__dict_read_actors(d, file, ob->p, ob->n);
            break;
        case DT_DICT_AGENTS:
            rc = dt__dict_read_agents(d, file, ob->p, ob->n);
            break;
        case DT_DICT_DISCARDS:
            rc = dt__dict_read_discards(d, file, ob->p, ob->n);
            break;
        default:
            rc = dt__dict_read_issues(d, file, ob->p, ob->n);
            break;
        }
        d->linemap = NULL;
        d->nlinemap = 0;
    }
    for (int k = 0; k < OB_N; k++)
        ob_free(&o->out[k]);
    ob_free(&o->head);
    ob_free(&o->syn);
    ob_free(&o->codes);
    dt_free(o);
    return rc;
}
