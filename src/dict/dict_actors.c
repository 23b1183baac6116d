/* detente dict — actor dictionaries (phrases with dated codes) and the
 * agent dictionary (role phrases with prefix/suffix codes). */
#include "dict/dict_impl.h"

#include <stdio.h>
#include <string.h>

#define DATE_MIN 0
#define DATE_MAX 99999999

/* ---- actors ---- */

/* Date-overlap warnings listed per actor, and pairs of date ranges
 * compared per load (see finish_actor). */
#define MAX_OVERLAP_WARNINGS 100
#define MAX_OVERLAP_PAIRS 10000000

typedef struct astate {
    dt_dicts *d;
    uint32_t file;
    uint32_t actor; /* current actor, DT_DICT_NONE before the first */
    int skipping;   /* the current entry was rejected: ignore its '+' and code lines */
} astate;

static void finish_actor(astate *a)
{
    dt_dicts *d = a->d;
    if (a->actor == DT_DICT_NONE)
        return;
    const dt_dict_actor *ac = &d->actors.p[a->actor];
    if (ac->ncodes == 0) {
        const dt_dict_phrase *h = &d->actor_set.ph.p[ac->head_phrase];
        char buf[160];
        dt__dict_phrase_text(d, h->words, h->nwords, buf, sizeof buf);
        dt__dict_warn(d, ac->src.file, ac->src.line, DT_DICT_SEV_WARNING, DT_DICTW_BAD_CODE,
                      "actor '%s' has no code (it matches but codes as nothing)", buf);
        return;
    }
    /* Two different codes valid on the same day make the answer depend on
     * file order. Ranges that only share their boundary day are the
     * files' convention for "until / from then" and are not reported.
     * Every pair of an actor's codes is compared, and n codes that all
     * overlap make n^2/2 warnings: 4,000 codes of one actor (75 KB) took
     * 3.2 s and printed 8 million lines. At most MAX_OVERLAP_WARNINGS are
     * given per actor and MAX_OVERLAP_PAIRS pairs compared per load; past
     * either, one warning says the list stops (the entries all load). */
    uint32_t nwarn = 0;
    for (uint32_t i = 0; i < ac->ncodes; i++) {
        const dt_dict_actor_code *x = &d->acodes.p[ac->first_code + i];
        if (x->flags & DT_AC_DEFAULT)
            continue;
        for (uint32_t j = i + 1; j < ac->ncodes; j++) {
            if (d->overlap_pairs++ == MAX_OVERLAP_PAIRS)
                dt__dict_warn(d, ac->src.file, ac->src.line, DT_DICT_SEV_WARNING, DT_DICTW_LIMIT,
                              "more than %d pairs of date ranges compared in all; overlaps of "
                              "this and later actors not checked",
                              MAX_OVERLAP_PAIRS);
            if (d->overlap_pairs > MAX_OVERLAP_PAIRS)
                return;
            const dt_dict_actor_code *y = &d->acodes.p[ac->first_code + j];
            if (y->flags & DT_AC_DEFAULT || strcmp(x->code, y->code) == 0)
                continue;
            int32_t lo = x->from > y->from ? x->from : y->from;
            int32_t hi = x->to < y->to ? x->to : y->to;
            if (lo >= hi)
                continue;
            if (nwarn++ == MAX_OVERLAP_WARNINGS) {
                dt__dict_warn(d, ac->src.file, ac->src.line, DT_DICT_SEV_WARNING, DT_DICTW_LIMIT,
                              "more than %d overlapping date ranges in this actor; the rest "
                              "are not listed",
                              MAX_OVERLAP_WARNINGS);
                return;
            }
            dt__dict_warn(d, y->src.file, y->src.line, DT_DICT_SEV_WARNING, DT_DICTW_DATE_OVERLAP,
                          "date range of [%s] overlaps [%s] (line %u) from %d to %d; the earlier "
                          "line wins",
                          y->code, x->code, x->src.line, (int)lo, (int)hi);
        }
    }
}

static int looks_like_date(const char *s, size_t n)
{
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] != '-' && s[i] != '<' && s[i] != '>')
            return 0;
    }
    return digits >= 6;
}

/* Parse the inside of one [...] of an actor: "CODE", "CODE <date",
 * "CODE >date", "CODE date-date". Adds it to the current actor. */
static void actor_code(astate *a, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = a->d;
    dt__dict_trim(&s, &n);
    size_t i = 0;
    while (i < n && !dt__dict_isspace((unsigned char)s[i]) && s[i] != '<' && s[i] != '>')
        i++;
    const char *code = s;
    size_t cn = i;
    const char *rest = s + i;
    size_t rn = n - i;
    dt__dict_trim(&rest, &rn);
    if (cn == 0 || looks_like_date(code, cn)) {
        dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                      "missing actor code in '[%.*s]'; skipped", (int)n, s);
        return;
    }
    /* A code glued to a date ("AAA950601-990815") is a typo for a
     * restriction, not a code. */
    for (size_t k = 0; k + 5 < cn; k++) {
        int run = 0;
        while (k + (size_t)run < cn && code[k + (size_t)run] >= '0' && code[k + (size_t)run] <= '9')
            run++;
        if (run >= 6) {
            dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                          "code '%.*s' has a date glued to it; skipped", (int)cn, code);
            return;
        }
    }
    dt_dict_actor_code c;
    memset(&c, 0, sizeof c);
    c.code = dt__dict_codestr(d, code, cn);
    c.src.file = a->file;
    c.src.line = line;
    c.from = DATE_MIN;
    c.to = DATE_MAX;
    if (rn == 0) {
        c.flags = DT_AC_DEFAULT;
    } else if (rest[0] == '<' || rest[0] == '>') {
        int32_t dt;
        if (dt_dict_parse_date(rest + 1, rn - 1, &dt) != DT_OK) {
            dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
                          "bad date in '[%.*s]' (want yymmdd or yyyymmdd); skipped", (int)n, s);
            return;
        }
        if (rest[0] == '<') {
            c.flags = DT_AC_BEFORE;
            c.to = dt;
        } else {
            c.flags = DT_AC_AFTER;
            c.from = dt;
        }
    } else {
        const char *dash = memchr(rest, '-', rn);
        int32_t d1, d2;
        if (!dash || dt_dict_parse_date(rest, (size_t)(dash - rest), &d1) != DT_OK ||
            dt_dict_parse_date(dash + 1, rn - (size_t)(dash - rest) - 1, &d2) != DT_OK) {
            dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
                          "bad date restriction in '[%.*s]' (want <date, >date or date-date); "
                          "skipped",
                          (int)n, s);
            return;
        }
        if (d2 < d1) {
            dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_DATE,
                          "date range in '[%.*s]' ends before it starts; skipped", (int)n, s);
            return;
        }
        c.flags = DT_AC_RANGE;
        c.from = d1;
        c.to = d2;
    }
    if (DT__VEC_PUSH(d, d->acodes, c))
        return;
    d->actors.p[a->actor].ncodes++;
}

/* Each [...] on the line, from byte `from`. Returns 0, or -1 if unbalanced. */
static int each_bracket(astate *a, const char *s, size_t n, size_t from, uint32_t line, int apply)
{
    size_t i = from;
    while (i < n) {
        const char *o = memchr(s + i, '[', n - i);
        const char *c = memchr(s + i, ']', n - i);
        if (!o && !c)
            return 0;
        if (!o || !c || c < o || memchr(o + 1, '[', (size_t)(c - o - 1))) {
            dt__dict_warn(a->d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                          "unbalanced '[' ']' in actor entry; rest of line skipped");
            return -1;
        }
        if (apply)
            actor_code(a, o + 1, (size_t)(c - o - 1), line);
        i = (size_t)(c - s) + 1;
    }
    return 0;
}

/* PETRARCH stops reading an actors file at a "---STOP---" line. */
static int is_stop(const char *s, size_t n)
{
    const char *e = s + n;
    while (s + 10 <= e) {
        const char *c = memchr(s, '-', (size_t)(e - s) - 9);
        if (!c)
            return 0;
        if (memcmp(c, "---STOP---", 10) == 0)
            return 1;
        s = c + 1;
    }
    return 0;
}

static void actor_phrase(astate *a, const char *s, size_t n, uint32_t line, uint32_t flags)
{
    dt_dicts *d = a->d;
    dt__dict_trim(&s, &n);
    uint32_t off, nw, gaps;
    int rc = dt__dict_phrase_words(d, s, n, &off, &nw, &gaps);
    if (rc == DT_ELIMIT) {
        dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "actor phrase with more than %d words; skipped", DT_DICT_MAX_PHRASE_WORDS);
        return;
    }
    if (rc)
        return;
    if (nw == 0) {
        dt__dict_warn(d, a->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "empty actor phrase; skipped");
        return;
    }
    dt_dict_src src = {a->file, line};
    (void)dt__dict_pset_add(d, &d->actor_set, off, nw, gaps, flags, a->actor, src);
}

int dt__dict_read_actors(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    dt__lines *L = dt_malloc(sizeof *L);
    if (!L)
        return dt__dict_oom(d);
    dt__dict_lines_init(L, d, file, data, len, 1);
    astate a = {d, file, DT_DICT_NONE, 0};
    const char *s;
    size_t n;
    uint32_t line;
    while (!d->oom && dt__dict_lines_next(L, &s, &n, &line)) {
        if (is_stop(s, n))
            break;
        dt__dict_trim(&s, &n);
        if (a.skipping && (s[0] == '[' || s[0] == '+'))
            continue;
        a.skipping = 0;
        if (s[0] == '[') {
            /* A date restriction (TABARI/PETRARCH put them on tab-indented
             * lines) or a bare default code for the current actor. */
            if (a.actor == DT_DICT_NONE) {
                dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
                              "code line before any actor; skipped");
                continue;
            }
            (void)each_bracket(&a, s, n, 0, line, 1);
            continue;
        }
        const char *br = memchr(s, '[', n);
        const char *cl = memchr(s, ']', n);
        size_t pn = br ? (size_t)(br - s) : cl ? (size_t)(cl - s) : n;
        if (s[0] == '+') {
            if (a.actor == DT_DICT_NONE) {
                dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
                              "synonym before any actor; skipped");
                continue;
            }
            actor_phrase(&a, s + 1, pn - 1, line, DT_PH_SYNONYM);
            if (br || cl)
                dt__dict_warn(
                    d, file, line, DT_DICT_SEV_WARNING, DT_DICTW_BAD_CODE,
                    "'[' or ']' on a '+' synonym line: ignored from there (codes go on the "
                    "head line or on indented lines)");
            continue;
        }
        /* A head phrase starts a new actor -- unless the current one has
         * no code yet: PETRARCH-1 then gives both phrases the codes that
         * follow, and the Phoenix files rely on it (a run of names, then
         * the dated codes they share). */
        if (a.actor != DT_DICT_NONE && d->actors.p[a.actor].ncodes == 0) {
            actor_phrase(&a, s, pn, line, DT_PH_SYNONYM);
            (void)each_bracket(&a, s, n, pn, line, 1);
            continue;
        }
        finish_actor(&a);
        dt_dict_actor ac;
        memset(&ac, 0, sizeof ac);
        ac.first_code = (uint32_t)d->acodes.n;
        ac.head_phrase = (uint32_t)d->actor_set.ph.n;
        ac.src.file = file;
        ac.src.line = line;
        const char *ps = s;
        size_t psn = pn;
        dt__dict_trim(&ps, &psn);
        if (psn == 0) {
            dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                          "actor entry without a phrase; skipped");
            a.actor = DT_DICT_NONE;
            a.skipping = 1;
            continue;
        }
        size_t before = d->actor_set.ph.n;
        if (DT__VEC_PUSH(d, d->actors, ac))
            break;
        a.actor = (uint32_t)(d->actors.n - 1);
        actor_phrase(&a, ps, psn, line, 0);
        if (d->actor_set.ph.n == before) {
            /* The phrase was rejected: drop the actor so that synonyms and
             * codes that follow do not attach to a headless entry. */
            d->actors.n--;
            a.actor = DT_DICT_NONE;
            a.skipping = 1;
            continue;
        }
        (void)each_bracket(&a, s, n, pn, line, 1);
    }
    finish_actor(&a);
    dt_free(L);
    return d->oom ? DT_ENOMEM : 0;
}

/* ---- agents ---- */

#define MAX_MARKERS 256
#define MAX_MARKER_ITEMS 64
#define MAX_SUBST_EXPANSION 4096
#define MAX_SUBST_DEPTH 8

typedef struct marker {
    const char *name;
    size_t nlen;
    const char *item[MAX_MARKER_ITEMS];
    size_t ilen[MAX_MARKER_ITEMS];
    size_t nitems;
} marker;

typedef struct gstate {
    dt_dicts *d;
    uint32_t file;
    /* Grown as sets are defined: all MAX_MARKERS at once are 262 KB, which
     * ASan's allocator maps and unmaps for every agents file, most of
     * which define a set or two. */
    marker *mk;
    size_t nmk, capmk;
} gstate;

/* "!NAME! = A, B, C" */
static void define_marker(gstate *g, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = g->d;
    const char *b1 = memchr(s, '!', n);
    const char *b2 = b1 ? memchr(b1 + 1, '!', n - (size_t)(b1 + 1 - s)) : NULL;
    const char *eq = b2 ? memchr(b2, '=', n - (size_t)(b2 - s)) : NULL;
    if (!b1 || !b2 || !eq || b2 == b1 + 1) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SUBST,
                      "substitution set must read '!NAME! = A, B, ...'; skipped");
        return;
    }
    if (g->nmk == MAX_MARKERS) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "more than %d substitution sets; skipped", MAX_MARKERS);
        return;
    }
    marker m;
    memset(&m, 0, sizeof m);
    m.name = dt__dict_strdup(d, b1 + 1, (size_t)(b2 - b1 - 1));
    m.nlen = (size_t)(b2 - b1 - 1);
    const char *p = eq + 1, *e = s + n;
    while (p < e) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        const char *ie = c ? c : e;
        const char *it = p;
        size_t in = (size_t)(ie - p);
        dt__dict_trim(&it, &in);
        if (in && memchr(it, '!', in)) {
            /* Sets do not nest (PETRARCH inserts items verbatim); an item
             * naming a set is almost surely a mistake such as !Q! = !Q!. */
            dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SUBST,
                          "item '%.*s' of !%.*s! contains '!': substitution sets cannot nest; "
                          "item skipped",
                          (int)in, it, (int)m.nlen, m.name);
        } else if (in) {
            if (m.nitems == MAX_MARKER_ITEMS) {
                dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                              "substitution set with more than %d items; rest ignored",
                              MAX_MARKER_ITEMS);
                break;
            }
            m.item[m.nitems] = dt__dict_strdup(d, it, in);
            m.ilen[m.nitems] = in;
            m.nitems++;
        }
        p = c ? c + 1 : e;
    }
    if (m.nitems == 0) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SUBST,
                      "substitution set !%.*s! is empty; skipped", (int)m.nlen, m.name);
        return;
    }
    for (size_t i = 0; i < g->nmk; i++) {
        if (g->mk[i].nlen == m.nlen && memcmp(g->mk[i].name, m.name, m.nlen) == 0) {
            dt__dict_warn(d, g->file, line, DT_DICT_SEV_WARNING, DT_DICTW_DUPLICATE,
                          "substitution set !%.*s! redefined; the new list replaces the old",
                          (int)m.nlen, m.name);
            g->mk[i] = m;
            return;
        }
    }
    if (g->nmk == g->capmk) {
        size_t nc = g->capmk ? g->capmk * 2 : 4;
        marker *nm = dt_realloc(g->mk, (nc < MAX_MARKERS ? nc : MAX_MARKERS) * sizeof *nm);
        if (!nm) {
            dt__dict_oom(d);
            return;
        }
        g->mk = nm;
        g->capmk = nc < MAX_MARKERS ? nc : MAX_MARKERS;
    }
    g->mk[g->nmk++] = m;
}

/* Enter a phrase whose words were split already (rc, nw, gaps as
 * dt__dict_phrase_words gave them, the ids at off in the pool). */
static int agent_phrase_split(gstate *g, int rc, uint32_t off, uint32_t nw, uint32_t gaps,
                              uint32_t line, uint32_t flags, uint32_t agent)
{
    dt_dicts *d = g->d;
    if (rc == DT_ELIMIT) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "agent phrase with more than %d words; skipped", DT_DICT_MAX_PHRASE_WORDS);
        return 0;
    }
    if (rc)
        return rc;
    if (nw == 0) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "empty agent phrase; skipped");
        return 0;
    }
    dt_dict_src src = {g->file, line};
    return dt__dict_pset_add(d, &d->agent_set, off, nw, gaps, flags, agent, src);
}

static int agent_phrase(gstate *g, const char *s, size_t n, uint32_t line, uint32_t flags,
                        uint32_t agent)
{
    uint32_t off, nw, gaps;
    int rc = dt__dict_phrase_words(g->d, s, n, &off, &nw, &gaps);
    return agent_phrase_split(g, rc, off, nw, gaps, line, flags, agent);
}

/* One phrase's expansion: forms made so far, kept or not, and whether a
 * form too long for a line was reported. Every form shares with the text
 * at each depth of the walk the bytes before that depth's marker, so the
 * words wholly before it are split once (snap[k], made when the first
 * form below needs it) and each form splits only the rest: the same
 * words, interned in the same order, as splitting each form whole. */
typedef struct subst_walk {
    size_t count;
    int too_long;
    const char *text[MAX_SUBST_DEPTH]; /* the text at depth k, its marker at mark[k] */
    size_t mark[MAX_SUBST_DEPTH];
    int valid[MAX_SUBST_DEPTH];
    dt__pw_state snap[MAX_SUBST_DEPTH];
} subst_walk;

/* A form at depth `depth` (no marker left): its words, from the deepest
 * snapshot, made first where missing. */
static int subst_form(gstate *g, subst_walk *w, const char *s, size_t n, int depth, uint32_t line,
                      uint32_t agent)
{
    dt_dicts *d = g->d;
    static const dt__pw_state empty;
    for (int k = 0; k < depth; k++) {
        if (w->valid[k])
            continue;
        w->snap[k] = k ? w->snap[k - 1] : empty;
        (void)dt__dict_phrase_resume(d, w->text[k], w->mark[k] + 1, w->mark[k], &w->snap[k]);
        w->valid[k] = 1;
    }
    dt__pw_state st = depth ? w->snap[depth - 1] : empty;
    uint32_t off = 0;
    int rc = dt__dict_phrase_resume(d, s, n, n, &st);
    if (rc == 0 && dt__dict_phrase_push(d, &st, &off))
        return DT_ENOMEM;
    return agent_phrase_split(g, rc, off, st.nw, st.gaps, line, DT_PH_GENERATED, agent);
}

/* Counts one form, kept or not, against MAX_SUBST_EXPANSION; 1 (reported)
 * past it. A form that is not kept must count too: markers before one whose
 * every item makes the phrase too long for a line would otherwise be walked
 * through all their combinations (64^7 of them) with nothing counted. */
static int subst_count(gstate *g, subst_walk *w, uint32_t line)
{
    if (++w->count > MAX_SUBST_EXPANSION) {
        dt__dict_warn(g->d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "substitution expands to more than %d phrases; rest skipped",
                      MAX_SUBST_EXPANSION);
        return 1;
    }
    return 0;
}

/* Expand every !NAME! of s from byte `from` on, left to right. An item
 * is inserted verbatim and scanning resumes after it, so a '!' inside an
 * item is never expanded again and a set cannot feed itself. Returns 0,
 * 1 to stop (a limit was hit and reported), or DT_ENOMEM. */
static int expand_subst(gstate *g, const char *s, size_t n, size_t from, uint32_t line,
                        uint32_t agent, subst_walk *w, int depth)
{
    const char *b1 = from < n ? memchr(s + from, '!', n - from) : NULL;
    if (!b1) {
        if (subst_count(g, w, line) || dt__dict_generate(g->d, g->file, line))
            return 1;
        return subst_form(g, w, s, n, depth, line, agent);
    }
    const char *b2 = memchr(b1 + 1, '!', n - (size_t)(b1 + 1 - s));
    if (!b2) {
        dt__dict_warn(g->d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SUBST,
                      "unpaired '!' in agent phrase; skipped");
        return 1;
    }
    if (depth >= MAX_SUBST_DEPTH) {
        dt__dict_warn(g->d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "more than %d substitution markers in one phrase; skipped", MAX_SUBST_DEPTH);
        return 1;
    }
    const marker *m = NULL;
    for (size_t i = 0; i < g->nmk; i++)
        if (g->mk[i].nlen == (size_t)(b2 - b1 - 1) &&
            memcmp(g->mk[i].name, b1 + 1, g->mk[i].nlen) == 0)
            m = &g->mk[i];
    if (!m) {
        dt__dict_warn(g->d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SUBST,
                      "substitution set !%.*s! is not defined (define it before use); skipped",
                      (int)(b2 - b1 - 1), b1 + 1);
        return 1;
    }
    char buf[DT_DICT_MAX_LINE];
    size_t pre = (size_t)(b1 - s), post = n - (size_t)(b2 + 1 - s);
    w->text[depth] = s;
    w->mark[depth] = pre;
    w->valid[depth] = 0;
    for (size_t i = 0; i < m->nitems; i++) {
        if (pre + m->ilen[i] + post >= sizeof buf) {
            if (subst_count(g, w, line))
                return 1;
            if (!w->too_long)
                dt__dict_warn(g->d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                              "substitution makes a phrase of %d bytes or more; that form skipped",
                              DT_DICT_MAX_LINE);
            w->too_long = 1;
            continue;
        }
        memcpy(buf, s, pre);
        memcpy(buf + pre, m->item[i], m->ilen[i]);
        memcpy(buf + pre + m->ilen[i], b2 + 1, post);
        int rc = expand_subst(g, buf, pre + m->ilen[i] + post, pre + m->ilen[i], line, agent, w,
                              depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

static void read_agent(gstate *g, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = g->d;
    const char *o = memchr(s, '[', n);
    const char *c = o ? memchr(o, ']', n - (size_t)(o - s)) : NULL;
    if (!o) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                      "agent without a [~CODE] or [CODE~]; skipped");
        return;
    }
    if (!c) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '[' ']' in agent entry; skipped");
        return;
    }
    const char *code = o + 1;
    size_t cn = (size_t)(c - o - 1);
    dt__dict_trim(&code, &cn);
    dt_dict_agent ag;
    memset(&ag, 0, sizeof ag);
    ag.src.file = g->file;
    ag.src.line = line;
    if (cn && code[0] == '~') {
        code++;
        cn--;
    } else if (cn && code[cn - 1] == '~') {
        ag.prefix = 1;
        cn--;
    } else if (cn) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_WARNING, DT_DICTW_BAD_CODE,
                      "agent code [%.*s] has no '~'; taken as a suffix [~%.*s]", (int)cn, code,
                      (int)cn, code);
    }
    dt__dict_trim(&code, &cn);
    if (cn == 0 || memchr(code, '~', cn)) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                      "bad agent code '[%.*s]'; skipped", (int)(c - o - 1), o + 1);
        return;
    }
    ag.code = dt__dict_codestr(d, code, cn);
    const char *ph = s;
    size_t pn = (size_t)(o - s);
    const char *lb = memchr(ph, '{', pn);
    const char *rb = memchr(ph, '}', pn);
    if ((lb == NULL) != (rb == NULL) || (lb && rb < lb)) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '{' '}' in agent entry; skipped");
        return;
    }
    const char *plural = NULL;
    size_t pln = 0;
    if (lb) {
        plural = lb + 1;
        pln = (size_t)(rb - lb - 1);
        dt__dict_trim(&plural, &pln);
        pn = (size_t)(lb - s);
    }
    dt__dict_trim(&ph, &pn);
    if (pn == 0) {
        dt__dict_warn(d, g->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "agent entry without a phrase; skipped");
        return;
    }
    if (DT__VEC_PUSH(d, d->agents, ag))
        return;
    uint32_t ai = (uint32_t)(d->agents.n - 1);
    size_t before = d->agent_set.ph.n;
    if (memchr(ph, '!', pn)) {
        /* Substitutions replace the plural rule: every listed form is
         * spelled out in the set (MAN, MEN, ...). */
        subst_walk w;
        w.count = 0;
        w.too_long = 0;
        d->imemo_on = 1;
        (void)expand_subst(g, ph, pn, 0, line, ai, &w, 0);
        d->imemo_on = 0;
    } else {
        if (agent_phrase(g, ph, pn, line, 0, ai))
            return;
        if (lb) {
            if (pln && agent_phrase(g, plural, pln, line, DT_PH_PLURAL, ai))
                return;
        } else if (d->agent_set.ph.n > before) {
            /* Automatic plural of the last word. */
            const dt_dict_phrase *p = &d->agent_set.ph.p[d->agent_set.ph.n - 1];
            uint32_t last = d->pool.p[p->words + p->nwords - 1];
            char buf[DT_MAX_TOKEN_BYTES + 8];
            size_t wn = d->wlen[last];
            if (wn + 4 < sizeof buf) {
                size_t bn = dt__dict_plural(d->words[last], wn, buf);
                uint32_t pid = dt__dict_intern(d, buf, bn);
                if (pid) {
                    dt_dict_phrase q = *p;
                    uint32_t off = (uint32_t)d->pool.n;
                    for (uint32_t k = 0; k + 1 < q.nwords; k++)
                        if (DT__VEC_PUSH(d, d->pool, d->pool.p[q.words + k]))
                            return;
                    if (DT__VEC_PUSH(d, d->pool, pid))
                        return;
                    (void)dt__dict_pset_add(d, &d->agent_set, off, q.nwords, q.gaps, DT_PH_PLURAL,
                                            ai, q.src);
                }
            }
        }
    }
    if (d->agent_set.ph.n == before)
        d->agents.n--; /* nothing usable came out of the line */
}

int dt__dict_read_agents(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    dt__lines *L = dt_malloc(sizeof *L);
    if (!L)
        return dt__dict_oom(d);
    dt__dict_lines_init(L, d, file, data, len, 0);
    gstate g = {d, file, NULL, 0, 0};
    const char *s;
    size_t n;
    uint32_t line;
    while (!d->oom && dt__dict_lines_next(L, &s, &n, &line)) {
        dt__dict_trim(&s, &n);
        if (memchr(s, '!', n) && memchr(s, '=', n) && !memchr(s, '[', n))
            define_marker(&g, s, n, line);
        else
            read_agent(&g, s, n, line);
    }
    dt_free(g.mk);
    dt_free(L);
    return d->oom ? DT_ENOMEM : 0;
}

/* Phrases spelled the same for two actors (or agents): legal, but the
 * match is ambiguous, so `dict check` lists them. */
/* Two actors that would give one name different codes on some day: the
 * first pair of such codes, or 0. Ranges that only share their boundary
 * day (the files' "until / from then") do not count, as for one actor. */
static int actors_clash(const dt_dicts *d, uint32_t a, uint32_t b, const dt_dict_actor_code **ca,
                        const dt_dict_actor_code **cb)
{
    const dt_dict_actor *x = &d->actors.p[a], *y = &d->actors.p[b];
    for (uint32_t i = 0; i < x->ncodes; i++)
        for (uint32_t j = 0; j < y->ncodes; j++) {
            const dt_dict_actor_code *p = &d->acodes.p[x->first_code + i];
            const dt_dict_actor_code *q = &d->acodes.p[y->first_code + j];
            int32_t lo = p->from > q->from ? p->from : q->from;
            int32_t hi = p->to < q->to ? p->to : q->to;
            if (lo < hi && strcmp(p->code, q->code) != 0) {
                *ca = p;
                *cb = q;
                return 1;
            }
        }
    return 0;
}

static int from_own(const dt_dicts *d, uint32_t file)
{
    return file < d->src_kinds.n && d->src_kinds.p[file] == DT_DICT_OWN;
}

/* actors_clash compares every code of one actor with every code of the
 * other, and a name that many actors claim is compared with the first of
 * them each time: 40,000 one-code persons sharing the name of one with
 * 40,000 terms (3.3 MB) took 3.6 s. At most MAX_OVERLAP_PAIRS such pairs
 * per load (counted apart from finish_actor's); past them one warning is
 * given and a shared name is only noted. */
static int clash_budget(dt_dicts *d, uint32_t a, uint32_t b, dt_dict_src src)
{
    if (d->clash_pairs > MAX_OVERLAP_PAIRS)
        return 0;
    d->clash_pairs += (size_t)d->actors.p[a].ncodes * d->actors.p[b].ncodes;
    if (d->clash_pairs <= MAX_OVERLAP_PAIRS)
        return 1;
    dt__dict_warn(d, src.file, src.line, DT_DICT_SEV_WARNING, DT_DICTW_LIMIT,
                  "more than %d pairs of date ranges compared in all; names that actors share "
                  "from here on are only noted, not checked for different codes",
                  MAX_OVERLAP_PAIRS);
    return 0;
}

static void lint_set(dt_dicts *d, const dt__pset *ps, const char *what)
{
    for (uint32_t n = 0; n < ps->nnodes; n++) {
        const dt_dict_trie_node *nd = &ps->nodes[n];
        if (nd->nvalues < 2)
            continue;
        const dt_dict_phrase *first = &ps->ph.p[ps->values[nd->first_value]];
        for (uint32_t k = 1; k < nd->nvalues; k++) {
            const dt_dict_phrase *p = &ps->ph.p[ps->values[nd->first_value + k]];
            if (p->entry == first->entry)
                continue;
            char buf[160];
            dt__dict_phrase_text(d, p->words, p->nwords, buf, sizeof buf);
            /* In detente's own dictionaries a name that two actors claim
             * with different codes on the same dates is a warning: the
             * coder would silently pick one. (The PETRARCH files keep
             * PETRARCH's behaviour, a note: Phoenix has hundreds.) */
            const dt_dict_actor_code *ca, *cb;
            if (ps == &d->actor_set && (from_own(d, p->src.file) || from_own(d, first->src.file)) &&
                clash_budget(d, first->entry, p->entry, p->src) &&
                actors_clash(d, first->entry, p->entry, &ca, &cb)) {
                dt__dict_warn(d, p->src.file, p->src.line, DT_DICT_SEV_WARNING, DT_DICTW_DUPLICATE,
                              "actor name '%s' also claimed at %s:%u with another code on the "
                              "same dates (%s here, %s there)",
                              buf, dt_dict_source_name(d, first->src.file), first->src.line,
                              cb->code, ca->code);
                continue;
            }
            dt__dict_warn(d, p->src.file, p->src.line, DT_DICT_SEV_NOTE, DT_DICTW_DUPLICATE,
                          "%s phrase '%s' also defined at %s:%u", what, buf,
                          dt_dict_source_name(d, first->src.file), first->src.line);
        }
    }
}

void dt__dict_actors_lint(dt_dicts *d)
{
    lint_set(d, &d->actor_set, "actor");
    lint_set(d, &d->agent_set, "agent");
}
