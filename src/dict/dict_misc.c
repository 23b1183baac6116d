/* detente dict — the discard list and the issue coding file. */
#include "dict/dict_impl.h"

#include <string.h>

/* ---- discards ---- */

int dt__dict_read_discards(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    dt__lines *L = dt_malloc(sizeof *L);
    if (!L)
        return dt__dict_oom(d);
    dt__dict_lines_init(L, d, file, data, len, 0);
    const char *s;
    size_t n;
    uint32_t line;
    while (!d->oom && dt__dict_lines_next(L, &s, &n, &line)) {
        dt__dict_trim(&s, &n);
        uint32_t flags = 0;
        if (s[0] == '+') {
            flags |= DT_PH_STORY;
            s++;
            n--;
            dt__dict_trim(&s, &n);
        }
        /* A final '_' asks for a word boundary; otherwise the last word is
         * a stem, as in PETRARCH's substring match. */
        if (n && s[n - 1] == '_')
            n--;
        else
            flags |= DT_PH_STEM;
        uint32_t off, nw, gaps;
        int rc = dt__dict_phrase_words(d, s, n, &off, &nw, &gaps);
        if (rc == DT_ELIMIT) {
            dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                          "discard phrase with more than %d words; skipped",
                          DT_DICT_MAX_PHRASE_WORDS);
            continue;
        }
        if (rc)
            break;
        if (nw == 0) {
            dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                          "empty discard phrase; skipped");
            continue;
        }
        dt_dict_src src = {file, line};
        (void)dt__dict_pset_add(d, &d->discard_set, off, nw, 0, flags,
                                (uint32_t)d->discard_set.ph.n, src);
    }
    dt_free(L);
    return d->oom ? DT_ENOMEM : 0;
}

/* ---- issues ---- */

#define MAX_ISSUE_EXPANSION 1024
#define MAX_SLOTS 32
#define MAX_ALTS 8
#define ALT_LEN 128

/* A phrase template: each slot has alternative spellings; between slot i
 * and i+1 the joiner is a blank, or (after '+') either a blank or '-'. */
typedef struct tmpl {
    char alt[MAX_SLOTS][MAX_ALTS][ALT_LEN];
    size_t altlen[MAX_SLOTS][MAX_ALTS];
    size_t nalt[MAX_SLOTS];
    int plus_after[MAX_SLOTS];
    size_t nslots;
    /* Each alternative's words, interned once per entry: a form is made
     * of them, so its words are not folded and looked up again for each
     * of up to 1,024 forms. ncount is dt__dict_phrase_count of the
     * alternative alone; nid its interned words, once memo is set. */
    uint32_t ncount[MAX_SLOTS][MAX_ALTS];
    uint32_t id[MAX_SLOTS][MAX_ALTS][DT_DICT_MAX_PHRASE_WORDS];
    uint32_t nid[MAX_SLOTS][MAX_ALTS];
    unsigned char memo[MAX_SLOTS][MAX_ALTS];
} tmpl;

typedef struct istate {
    dt_dicts *d;
    uint32_t file;
    const char *category;
    uint32_t open_line; /* line of the open <ISSUE>, 0 if none */
    tmpl *t;
    size_t count;
    int limited;
    /* The form being made: each slot's alternative, where it starts in
     * the text, and whether it is joined to the slot before by '-'. */
    size_t cur[MAX_SLOTS], pos[MAX_SLOTS];
    unsigned char hyphen[MAX_SLOTS];
} istate;

static void upper(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)(s[i] - 'a' + 'A');
}

/* Fill slot alternatives for one part ("n:crime", "v:purge", "school"). */
static int add_part(tmpl *t, const char *p, size_t n)
{
    if (t->nslots == MAX_SLOTS)
        return -1;
    size_t k = t->nslots++;
    int kind = 0;
    if (n > 2 && p[1] == ':' && (p[0] == 'n' || p[0] == 'N')) {
        kind = 'n';
        p += 2;
        n -= 2;
    } else if (n > 2 && p[1] == ':' && (p[0] == 'v' || p[0] == 'V')) {
        kind = 'v';
        p += 2;
        n -= 2;
    }
    if (n + 5 > ALT_LEN)
        return -1;
    char w[ALT_LEN];
    memcpy(w, p, n);
    upper(w, n);
    memcpy(t->alt[k][0], w, n);
    t->altlen[k][0] = n;
    t->nalt[k] = 1;
    if (kind == 'n') {
        t->altlen[k][1] = dt__dict_plural(w, n, t->alt[k][1]);
        t->nalt[k] = 2;
    } else if (kind == 'v') {
        t->altlen[k][1] = dt__dict_verb_s(w, n, t->alt[k][1]);
        t->altlen[k][2] = dt__dict_verb_ed(w, n, t->alt[k][2]);
        t->altlen[k][3] = dt__dict_verb_ing(w, n, t->alt[k][3]);
        t->nalt[k] = 4;
    }
    t->plus_after[k] = 0;
    for (size_t a = 0; a < t->nalt[k]; a++) {
        t->ncount[k][a] = dt__dict_phrase_count(t->alt[k][a], t->altlen[k][a]);
        t->memo[k][a] = 0;
    }
    return 0;
}

/* The words of the form in buf[0..len), pushed to the pool as
 * dt__dict_phrase_words(buf) would push them, and interned in the same
 * order: left to right, each word the first time a form holds it. A slot
 * standing alone (blanks around it) gives its alternative's words, interned
 * with the first form that holds them alone and reused after; slots joined
 * by '-' make words across their boundary and are split as text. A form
 * that may be over the word limit is split whole, so that what is interned
 * before the limit is reported stays the same too. */
static int form_words(istate *is, const char *buf, size_t len, uint32_t *off, uint32_t *nw)
{
    dt_dicts *d = is->d;
    tmpl *t = is->t;
    uint32_t count = 0;
    for (size_t k = 0, e; k < t->nslots; k = e) {
        for (e = k + 1; e < t->nslots && is->hyphen[e]; e++)
            ;
        if (e == k + 1)
            count += t->ncount[k][is->cur[k]];
        else {
            size_t end = is->pos[e - 1] + t->altlen[e - 1][is->cur[e - 1]];
            count += dt__dict_phrase_count(buf + is->pos[k], end - is->pos[k]);
        }
    }
    uint32_t gaps;
    if (count > DT_DICT_MAX_PHRASE_WORDS)
        return dt__dict_phrase_words(d, buf, len, off, nw, &gaps);
    size_t start = d->pool.n;
    for (size_t k = 0, e; k < t->nslots; k = e) {
        for (e = k + 1; e < t->nslots && is->hyphen[e]; e++)
            ;
        uint32_t o, n;
        if (e > k + 1) {
            size_t end = is->pos[e - 1] + t->altlen[e - 1][is->cur[e - 1]];
            int rc = dt__dict_phrase_words(d, buf + is->pos[k], end - is->pos[k], &o, &n, &gaps);
            if (rc) {
                d->pool.n = start;
                return rc;
            }
            continue;
        }
        size_t a = is->cur[k];
        if (!t->memo[k][a]) {
            int rc = dt__dict_phrase_words(d, t->alt[k][a], t->altlen[k][a], &o, &n, &gaps);
            if (rc) {
                d->pool.n = start;
                return rc;
            }
            if (n) /* (a pool not yet allocated has no address to add 0 to) */
                memcpy(t->id[k][a], d->pool.p + o, n * sizeof(uint32_t));
            t->nid[k][a] = n;
            t->memo[k][a] = 1;
            continue; /* its words are in the pool already */
        }
        for (uint32_t w = 0; w < t->nid[k][a]; w++)
            if (DT__VEC_PUSH(d, d->pool, t->id[k][a][w])) {
                d->pool.n = start;
                return DT_ENOMEM;
            }
    }
    *off = (uint32_t)start;
    *nw = (uint32_t)(d->pool.n - start);
    if (*nw == 0)
        d->pool.n = start;
    return 0;
}

/* Expands the template depth first. The walk stops at the first form over
 * MAX_ISSUE_EXPANSION: the number of forms grows as the product of the
 * slots' alternatives (4 for a "v:" part, twice that after a '+'), so a
 * walk that went on to the end after the limit would not end in practice
 * (16 "v:" parts are 4^16 leaves). */
static int emit(istate *is, uint32_t issue, uint32_t line, char *buf, size_t len, size_t slot)
{
    dt_dicts *d = is->d;
    tmpl *t = is->t;
    if (is->limited)
        return 0;
    if (slot == t->nslots) {
        if (++is->count > MAX_ISSUE_EXPANSION) {
            if (!is->limited)
                dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                              "issue phrase expands to more than %d forms; rest skipped",
                              MAX_ISSUE_EXPANSION);
            is->limited = 1;
            return 0;
        }
        if (is->count > 1 && dt__dict_generate(d, is->file, line)) {
            is->limited = 1;
            return 0;
        }
        uint32_t off, nw;
        int rc = form_words(is, buf, len, &off, &nw);
        if (rc == DT_ELIMIT) {
            dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                          "issue phrase with more than %d words; skipped",
                          DT_DICT_MAX_PHRASE_WORDS);
            return 0;
        }
        if (rc || nw == 0)
            return rc;
        dt_dict_src src = {is->file, line};
        return dt__dict_pset_add(d, &d->issue_set, off, nw, 0, is->count > 1 ? DT_PH_GENERATED : 0,
                                 issue, src);
    }
    for (size_t a = 0; a < t->nalt[slot]; a++) {
        size_t l = len;
        if (slot > 0) {
            /* After '+' both "PRE SCHOOL" and "PRE-SCHOOL" are produced. */
            int njoin = t->plus_after[slot - 1] ? 2 : 1;
            for (int j = 0; j < njoin; j++) {
                size_t l2 = len;
                buf[l2++] = j ? '-' : ' ';
                is->cur[slot] = a;
                is->pos[slot] = l2;
                is->hyphen[slot] = (unsigned char)j;
                memcpy(buf + l2, t->alt[slot][a], t->altlen[slot][a]);
                int rc = emit(is, issue, line, buf, l2 + t->altlen[slot][a], slot + 1);
                if (rc || is->limited)
                    return rc;
            }
            continue;
        }
        is->cur[slot] = a;
        is->pos[slot] = l;
        is->hyphen[slot] = 0;
        memcpy(buf + l, t->alt[slot][a], t->altlen[slot][a]);
        l += t->altlen[slot][a];
        int rc = emit(is, issue, line, buf, l, slot + 1);
        if (rc || is->limited)
            return rc;
    }
    return 0;
}

static void issue_tag(istate *is, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = is->d;
    if (n >= 2 && s[1] == '/') {
        if (!is->open_line)
            dt__dict_warn(d, is->file, line, DT_DICT_SEV_WARNING, DT_DICTW_UNBALANCED,
                          "'%.*s' without an open <ISSUE> section", (int)n, s);
        is->open_line = 0;
        is->category = "";
        return;
    }
    if (n < 6 || memcmp(s, "<ISSUE", 6) != 0) {
        dt__dict_warn(d, is->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                      "unknown tag '%.*s' ignored", (int)n, s);
        return;
    }
    if (is->open_line)
        dt__dict_warn(d, is->file, line, DT_DICT_SEV_WARNING, DT_DICTW_UNBALANCED,
                      "<ISSUE> section opened at line %u was not closed", is->open_line);
    is->open_line = line;
    is->category = "";
    const char *a = NULL;
    for (size_t i = 0; i + 9 <= n; i++)
        if (memcmp(s + i, "CATEGORY=", 9) == 0) {
            a = s + i + 9;
            break;
        }
    if (a && a < s + n && *a == '"') {
        const char *e = memchr(a + 1, '"', (size_t)(s + n - a - 1));
        if (e)
            is->category = dt__dict_strdup(d, a + 1, (size_t)(e - a - 1));
    }
}

static void read_issue(istate *is, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = is->d;
    dt_dict_issue iss;
    memset(&iss, 0, sizeof iss);
    iss.category = is->category;
    iss.src.file = is->file;
    iss.src.line = line;
    const char *ph = s;
    size_t pn = n;
    if (n >= 2 && s[0] == '~' && s[1] == '~') {
        iss.type = DT_ISSUE_IGNORE_STORY;
        ph += 2;
        pn -= 2;
    } else if (s[0] == '~') {
        iss.type = DT_ISSUE_IGNORE_SENT;
        ph++;
        pn--;
    } else {
        const char *o = memchr(s, '[', n);
        const char *c = o ? memchr(o, ']', n - (size_t)(o - s)) : NULL;
        if (!o) {
            dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                          "issue phrase without an [ISSUE_CODE]; skipped");
            return;
        }
        if (!c) {
            dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                          "unbalanced '[' ']' in issue entry; skipped");
            return;
        }
        const char *code = o + 1;
        size_t cn = (size_t)(c - o - 1);
        dt__dict_trim(&code, &cn);
        if (!cn) {
            dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                          "empty issue code; skipped");
            return;
        }
        iss.code = dt__dict_codestr(d, code, cn);
        pn = (size_t)(o - s);
    }
    dt__dict_trim(&ph, &pn);
    if (pn == 0) {
        dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "empty issue phrase; skipped");
        return;
    }
    tmpl *t = is->t;
    t->nslots = 0;
    size_t i = 0;
    while (i < pn) {
        if (dt__dict_isspace((unsigned char)ph[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < pn && !dt__dict_isspace((unsigned char)ph[j]))
            j++;
        /* One blank-separated token; '+' splits it into joined parts. */
        size_t p = i;
        while (p <= j) {
            size_t q = p;
            while (q < j && ph[q] != '+')
                q++;
            if (q > p && add_part(t, ph + p, q - p) != 0) {
                dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                              "issue phrase too long or too many words; skipped");
                return;
            }
            if (q < j && t->nslots)
                t->plus_after[t->nslots - 1] = 1;
            p = q + 1;
        }
        i = j;
    }
    if (t->nslots == 0) {
        dt__dict_warn(d, is->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "empty issue phrase; skipped");
        return;
    }
    if (DT__VEC_PUSH(d, d->issues, iss))
        return;
    uint32_t ii = (uint32_t)(d->issues.n - 1);
    char buf[MAX_SLOTS * (ALT_LEN + 1) + 1];
    is->count = 0;
    is->limited = 0;
    size_t before = d->issue_set.ph.n;
    /* A joined part ("PRE-SCHOOL") or a form over the word limit is read
     * as text in each form it is in: through the intern memo. */
    d->imemo_on = 1;
    (void)emit(is, ii, line, buf, 0, 0);
    d->imemo_on = 0;
    if (d->issue_set.ph.n == before)
        d->issues.n--;
}

int dt__dict_read_issues(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    dt__lines *L = dt_malloc(sizeof *L);
    tmpl *t = dt_malloc(sizeof *t);
    if (!L || !t) {
        dt_free(L);
        dt_free(t);
        return dt__dict_oom(d);
    }
    dt__dict_lines_init(L, d, file, data, len, 0);
    istate is;
    memset(&is, 0, sizeof is);
    is.d = d;
    is.file = file;
    is.category = "";
    is.t = t;
    const char *s;
    size_t n;
    uint32_t line;
    while (!d->oom && dt__dict_lines_next(L, &s, &n, &line)) {
        dt__dict_trim(&s, &n);
        if (s[0] == '<')
            issue_tag(&is, s, n, line);
        else
            read_issue(&is, s, n, line);
    }
    if (is.open_line)
        dt__dict_warn(d, file, is.open_line, DT_DICT_SEV_WARNING, DT_DICTW_UNBALANCED,
                      "<ISSUE> section never closed");
    dt_free(t);
    dt_free(L);
    return d->oom ? DT_ENOMEM : 0;
}
