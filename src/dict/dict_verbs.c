/* detente dict — the PETRARCH-1 verb dictionary: synsets, verb blocks,
 * verb forms and patterns. */
#include "dict/dict_impl.h"

#include <stdlib.h>
#include <string.h>

/* Expansion of nested synsets is a cartesian product; past this many
 * phrases per synset something is wrong with the file. */
#define MAX_SYN_EXPANSION 100000
/* Combinations of synset members looked at in one load, kept or not. A
 * combination over DT_DICT_MAX_PHRASE_WORDS words, or one through a synset
 * with no members, is not kept and so does not count towards
 * MAX_SYN_EXPANSION; without this bound "+&S &S ... &S" over such members
 * walks |S|^n of them. The Phoenix verbs look at 797. */
#define MAX_SYN_VISITS 1000000
/* Synsets inside synsets, counted from the one being expanded. Each level
 * is a recursion of about 1.3 KB of stack: a chain of 10,000 synsets, each
 * made of the next (150 KB of file), overflowed the 8 MB stack. The CAMEO
 * verbs do not nest synsets; PETRARCH's validation verbs nest two deep. */
#define MAX_SYN_DEPTH 64

typedef struct vstate {
    dt_dicts *d;
    uint32_t file;
    uint32_t block;  /* current verb block, DT_DICT_NONE before the first */
    uint32_t synset; /* synset taking '+' members, DT_DICT_NONE if none */
} vstate;

static void upcase(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)(s[i] - 'a' + 'A');
}

/* The synset called buf, or UINT32_MAX. A hash index over the names:
 * looking through every synset for each reference took 2.9 s for 40,000
 * synsets (600 KB), growing with the square. Of two synsets of one name
 * (never made here) the first is found, as by the search it replaced. */
static uint32_t syn_find(dt_dicts *d, const char *buf)
{
    size_t ns = d->synsets.n;
    if (ns * 2 >= d->syn_tabcap) {
        size_t cap = d->syn_tabcap ? d->syn_tabcap : 64;
        while (ns * 2 >= cap)
            cap *= 2;
        uint32_t *t = dt_malloc(cap * sizeof *t);
        if (!t) {
            dt__dict_oom(d);
            return UINT32_MAX;
        }
        dt_free(d->syn_tab);
        d->syn_tab = t;
        d->syn_tabcap = cap;
        d->syn_tabn = 0;
        memset(t, 0xff, cap * sizeof *t);
    }
    size_t mask = d->syn_tabcap - 1;
    for (; d->syn_tabn < ns; d->syn_tabn++) {
        const char *name = d->synsets.p[d->syn_tabn].name;
        size_t h = dt__dict_hash_bytes(name, strlen(name)) & mask;
        for (;;) {
            uint32_t j = d->syn_tab[h];
            if (j == UINT32_MAX) {
                d->syn_tab[h] = (uint32_t)d->syn_tabn;
                break;
            }
            if (strcmp(d->synsets.p[j].name, name) == 0)
                break; /* the first of that name stays */
            h = (h + 1) & mask;
        }
    }
    for (size_t h = dt__dict_hash_bytes(buf, strlen(buf)) & mask;; h = (h + 1) & mask) {
        uint32_t j = d->syn_tab[h];
        if (j == UINT32_MAX || strcmp(d->synsets.p[j].name, buf) == 0)
            return j;
    }
}

/* Synset index for NAME (no '&', no trailing '_'), created on first use. */
static uint32_t syn_get(dt_dicts *d, const char *name, size_t n, uint32_t file, uint32_t line)
{
    char buf[256];
    if (n >= sizeof buf - 1)
        n = sizeof buf - 2;
    buf[0] = '&';
    memcpy(buf + 1, name, n);
    upcase(buf + 1, n);
    buf[n + 1] = '\0';
    uint32_t found = syn_find(d, buf);
    if (found != UINT32_MAX)
        return found;
    if (d->oom)
        return DT_DICT_NONE;
    dt_dict_synset s;
    memset(&s, 0, sizeof s);
    s.name = dt__dict_strdup(d, buf, n + 1);
    s.src.file = file;
    s.src.line = line;
    dt__synname sn = {0, line, file};
    if (DT__VEC_PUSH(d, d->synsets, s) || DT__VEC_PUSH(d, d->synnames, sn))
        return DT_DICT_NONE;
    return (uint32_t)(d->synsets.n - 1);
}

static int is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* Parse the inside of [...] as a code. Returns 0, or -1 (warned). */
static int parse_code(dt_dicts *d, uint32_t file, uint32_t line, const char *s, size_t n,
                      const char **code, uint32_t *flags)
{
    dt__dict_trim(&s, &n);
    if (n == 0) {
        dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE, "empty code '[]'");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (dt__dict_isspace((unsigned char)s[i])) {
            dt__dict_warn(d, file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                          "code '%.*s' contains a blank", (int)n, s);
            return -1;
        }
    }
    *code = dt__dict_codestr(d, s, n);
    *flags = 0;
    if (n == 3 && memcmp(s, "---", 3) == 0)
        *flags |= DT_CODE_NULL;
    if (memchr(s, ':', n))
        *flags |= DT_CODE_COMPOUND;
    return 0;
}

/* Find "[...]" in s; returns 1 found (inner view set), 0 none, -1 unbalanced. */
static int find_bracket(const char *s, size_t n, size_t from, size_t *open, size_t *close)
{
    const char *o = from < n ? memchr(s + from, '[', n - from) : NULL;
    const char *c = from < n ? memchr(s + from, ']', n - from) : NULL;
    if (!o && !c)
        return 0;
    if (!o || !c || c < o)
        return -1;
    const char *o2 = memchr(o + 1, '[', (size_t)(c - o - 1));
    if (o2)
        return -1;
    *open = (size_t)(o - s);
    *close = (size_t)(c - s);
    return 1;
}

/* ---- block header ---- */

static void read_block(vstate *v, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = v->d;
    size_t i = 0;
    while (i < n && s[i] == '-')
        i++;
    size_t o, c;
    int br = find_bracket(s, n, i, &o, &c);
    dt_dict_verb_block b;
    memset(&b, 0, sizeof b);
    b.code = "---";
    b.code_flags = DT_CODE_NULL | DT_CODE_MISSING;
    b.src.file = v->file;
    b.src.line = line;
    const char *name = s + i;
    size_t nn = (br == 1 ? o : n) - i;
    /* The name runs up to the code or the closing dashes. */
    while (nn && (name[nn - 1] == '-' || dt__dict_isspace((unsigned char)name[nn - 1])))
        nn--;
    dt__dict_trim(&name, &nn);
    b.name = dt__dict_strdup(d, name, nn);
    if (br < 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '[' ']' in verb block header; block has no code");
    } else if (br == 1) {
        const char *code;
        uint32_t fl;
        if (parse_code(d, v->file, line, s + o + 1, c - o - 1, &code, &fl) == 0) {
            b.code = code;
            b.code_flags = fl;
        }
        size_t o2, c2;
        if (find_bracket(s, n, c + 1, &o2, &c2) != 0)
            dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_BAD_CODE,
                          "verb block '%s' has more than one code; only [%s] is used", b.name,
                          b.code);
    }
    if (nn == 0)
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                      "verb block header without a name");
    b.first_verb = (uint32_t)d->verbs.n;
    b.first_pattern = (uint32_t)d->patterns.n;
    if (DT__VEC_PUSH(d, d->blocks, b))
        return;
    v->block = (uint32_t)(d->blocks.n - 1);
    v->synset = DT_DICT_NONE;
}

/* ---- verbs ---- */

typedef struct vwords {
    const char *w[DT_DICT_MAX_PHRASE_WORDS];
    size_t n[DT_DICT_MAX_PHRASE_WORDS];
    size_t count;
    size_t head; /* index of the '+' word, or SIZE_MAX */
    int plus_count;
} vwords;

/* Split a verb (form) on '_' and blanks; the word starting with '+' is the
 * head. Returns 0, or -1 if over the word limit. */
static int split_verb(const char *s, size_t n, vwords *out)
{
    out->count = 0;
    out->head = SIZE_MAX;
    out->plus_count = 0;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '_' || dt__dict_isspace((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != '_' && !dt__dict_isspace((unsigned char)s[j]))
            j++;
        if (out->count == DT_DICT_MAX_PHRASE_WORDS)
            return -1;
        const char *w = s + i;
        size_t wn = j - i;
        while (wn && w[wn - 1] == '+')
            wn--; /* "BLOWING_UP+": a misplaced marker, not part of the word */
        if (wn && w[0] == '+') {
            out->plus_count++;
            out->head = out->count;
            w++;
            wn--;
        }
        if (wn) {
            out->w[out->count] = w;
            out->n[out->count] = wn;
            out->count++;
        }
        i = j;
    }
    if (out->count == 1 && out->head == SIZE_MAX)
        out->head = 0;
    return 0;
}

static int add_form(dt_dicts *d, uint32_t verb, const vwords *vw, const char *head, size_t hn,
                    uint32_t is_base)
{
    dt_dict_verb_form f;
    memset(&f, 0, sizeof f);
    f.verb = verb;
    f.is_base = is_base;
    f.head = dt__dict_intern(d, head, hn);
    if (!f.head)
        return d->oom ? DT_ENOMEM : 0;
    f.pre = (uint32_t)d->pool.n;
    for (size_t k = 0; k < vw->head; k++) {
        uint32_t id = dt__dict_intern(d, vw->w[k], vw->n[k]);
        if (id && DT__VEC_PUSH(d, d->pool, id))
            return DT_ENOMEM;
    }
    f.npre = (uint32_t)d->pool.n - f.pre;
    f.post = (uint32_t)d->pool.n;
    for (size_t k = vw->head + 1; k < vw->count; k++) {
        uint32_t id = dt__dict_intern(d, vw->w[k], vw->n[k]);
        if (id && DT__VEC_PUSH(d, d->pool, id))
            return DT_ENOMEM;
    }
    f.npost = (uint32_t)d->pool.n - f.post;
    return DT__VEC_PUSH(d, d->vforms, f);
}

static int vowel(char c)
{
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

/* Ends in consonant-vowel-consonant, the last not W, X or Y: the shape
 * whose final consonant English doubles before -ED/-ING when stressed. */
static int is_cvc(const char *w, size_t n)
{
    char c = w[n - 1];
    if (c < 'A' || c > 'Z' || vowel(c) || c == 'W' || c == 'X' || c == 'Y')
        return 0;
    if (!vowel(w[n - 2]))
        return 0;
    char b = w[n - 3];
    return b >= 'A' && b <= 'Z' && !vowel(b);
}

static void read_verb(vstate *v, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = v->d;
    if (v->block == DT_DICT_NONE) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
                      "verb '%.*s' before any '--- NAME [CODE] ---' block header; skipped", (int)n,
                      s);
        return;
    }
    const dt_dict_verb_block *b = &d->blocks.p[v->block];
    const char *lb = memchr(s, '{', n), *rb = memchr(s, '}', n);
    if ((lb == NULL) != (rb == NULL) || (lb && rb < lb)) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '{' '}' in verb line; skipped");
        return;
    }
    /* The code may stand before or after the {forms}; look for it with
     * the braces blanked out. */
    char tmp[DT_DICT_MAX_LINE];
    memcpy(tmp, s, n);
    if (lb)
        memset(tmp + (lb - s), ' ', (size_t)(rb - lb) + 1);
    size_t o = 0, c = 0;
    int br = find_bracket(tmp, n, 0, &o, &c);
    size_t o2, c2;
    if (br < 0 || (br == 0 && (memchr(tmp, '[', n) || memchr(tmp, ']', n))) ||
        (br == 1 && find_bracket(tmp, n, c + 1, &o2, &c2) != 0)) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced or repeated '[' ']' in verb line; skipped");
        return;
    }
    size_t vend = n;
    if (lb)
        vend = (size_t)(lb - s);
    if (br == 1 && o < vend)
        vend = o;
    const char *vs = s;
    size_t vn = vend;
    dt__dict_trim(&vs, &vn);
    if (vn == 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "verb line without a verb; skipped");
        return;
    }
    dt_dict_verb vb;
    memset(&vb, 0, sizeof vb);
    vb.block = v->block;
    vb.code = b->code;
    vb.code_flags = b->code_flags;
    vb.src.file = v->file;
    vb.src.line = line;
    if (br == 1) {
        const char *code;
        uint32_t fl;
        if (parse_code(d, v->file, line, s + o + 1, c - o - 1, &code, &fl) != 0)
            return;
        vb.code = code;
        vb.code_flags = fl;
    }
    vwords vw;
    if (split_verb(vs, vn, &vw) != 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "verb with more than %d words; skipped", DT_DICT_MAX_PHRASE_WORDS);
        return;
    }
    if (vw.count == 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "verb line without a verb; skipped");
        return;
    }
    if (vw.plus_count > 1) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                      "multi-word verb '%.*s' marks more than one word with '+'; skipped", (int)vn,
                      vs);
        return;
    }
    if (vw.head == SIZE_MAX) {
        /* TABARI wrote the verb first ("LASH OUT"); PETRARCH-1 also keyed
         * such a line on its first word. */
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                      "multi-word verb '%.*s' has no '+' on its verb word; taking '%.*s'", (int)vn,
                      vs, (int)vw.n[0], vw.w[0]);
        vw.head = 0;
    }
    vb.word = dt__dict_intern(d, vw.w[vw.head], vw.n[vw.head]);
    if (!vb.word)
        return;
    if (DT__VEC_PUSH(d, d->verbs, vb))
        return;
    uint32_t vi = (uint32_t)(d->verbs.n - 1);
    if (add_form(d, vi, &vw, vw.w[vw.head], vw.n[vw.head], 1))
        return;
    if (lb) {
        /* Irregular forms: exactly the listed ones (PETRARCH generates
         * nothing when {...} is present, even if it is empty). */
        const char *p = lb + 1;
        while (p < rb) {
            while (p < rb && dt__dict_isspace((unsigned char)*p))
                p++;
            const char *q = p;
            while (q < rb && !dt__dict_isspace((unsigned char)*q))
                q++;
            if (q > p) {
                vwords fw;
                if (split_verb(p, (size_t)(q - p), &fw) != 0 || fw.count == 0) {
                    dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                                  "verb form too long; skipped");
                } else if (fw.plus_count > 1 || (fw.head == SIZE_MAX && vw.head != 0)) {
                    dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                                  "form '%.*s' of a multi-word verb must mark its verb word with "
                                  "'+'; skipped",
                                  (int)(q - p), p);
                } else {
                    if (fw.head == SIZE_MAX)
                        fw.head = 0; /* same convention as the base form */
                    if (add_form(d, vi, &fw, fw.w[fw.head], fw.n[fw.head], 0))
                        return;
                }
            }
            p = q;
        }
        return;
    }
    /* Regular forms of the head word, the other words unchanged. */
    char root[DT_DICT_MAX_LINE / 4];
    size_t rn = vw.n[vw.head];
    if (rn + 5 > sizeof root)
        return;
    memcpy(root, vw.w[vw.head], rn);
    upcase(root, rn);
    char form[sizeof root + 8];
    size_t fn = dt__dict_verb_s(root, rn, form);
    if (add_form(d, vi, &vw, form, fn, 0))
        return;
    fn = dt__dict_verb_ed(root, rn, form);
    if (add_form(d, vi, &vw, form, fn, 0))
        return;
    fn = dt__dict_verb_ing(root, rn, form);
    if (add_form(d, vi, &vw, form, fn, 0))
        return;
    /* Consonant doubling (COMMIT -> COMMITTED, BAN -> BANNED) depends on
     * stress, which we cannot know, so the doubled forms are added next to
     * the plain ones: the wrong one of the pair never occurs in text. */
    if (rn >= 3 && rn + 4 < sizeof root && is_cvc(root, rn)) {
        root[rn] = root[rn - 1];
        fn = dt__dict_verb_ed(root, rn + 1, form);
        if (add_form(d, vi, &vw, form, fn, 0))
            return;
        fn = dt__dict_verb_ing(root, rn + 1, form);
        (void)add_form(d, vi, &vw, form, fn, 0);
    }
}

/* ---- synsets ---- */

static void read_synset_def(vstate *v, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = v->d;
    size_t i = 1;
    while (i < n && !dt__dict_isspace((unsigned char)s[i]))
        i++;
    const char *name = s + 1;
    size_t nn = i - 1;
    uint32_t noplural = 0;
    if (nn && name[nn - 1] == '_') {
        noplural = 1;
        nn--;
    }
    const char *rest = s + i;
    size_t rn = n - i;
    dt__dict_trim(&rest, &rn);
    v->synset = DT_DICT_NONE;
    if (nn == 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                      "'&' without a synset name; its members are skipped");
        return;
    }
    for (size_t k = 0; k < nn; k++) {
        if (!is_name_char(name[k])) {
            dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                          "bad character '%c' in synset name; its members are skipped", name[k]);
            return;
        }
    }
    if (rn)
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                      "text after synset name '&%.*s' ignored", (int)nn, name);
    uint32_t si = syn_get(d, name, nn, v->file, line);
    if (si == DT_DICT_NONE)
        return;
    dt__synname *sn = &d->synnames.p[si];
    dt_dict_synset *sy = &d->synsets.p[si];
    if (sn->defined) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_DUPLICATE,
                      "synset %s defined again (first at line %u); members are merged", sy->name,
                      sy->src.line);
    } else {
        sn->defined = 1;
        sy->src.file = v->file;
        sy->src.line = line;
        sy->noplural = noplural;
    }
    v->synset = si;
}

static void read_synset_member(vstate *v, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = v->d;
    const char *m = s + 1;
    size_t mn = n - 1;
    dt__dict_trim(&m, &mn);
    if (mn == 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "empty synset member; skipped");
        return;
    }
    int trailing_us = m[mn - 1] == '_';
    size_t start = d->tmp_elems.n;
    size_t i = 0;
    int last_is_word = 0;
    uint32_t count = 0;
    while (i < mn) {
        if (m[i] == '_' || dt__dict_isspace((unsigned char)m[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < mn && m[j] != '_' && !dt__dict_isspace((unsigned char)m[j]))
            j++;
        const char *w = m + i;
        size_t wn = j - i;
        uint32_t el;
        if (w[0] == '&') {
            if (wn == 1) {
                dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                              "'&' without a synset name in member; skipped");
                d->tmp_elems.n = start;
                return;
            }
            /* A '_' ends the name; "&X_" in a member means "&X". */
            uint32_t r = syn_get(d, w + 1, wn - 1, v->file, line);
            if (r == DT_DICT_NONE)
                return;
            el = r | DT__SYNREF;
            last_is_word = 0;
        } else if (wn == 1 && strchr("$+%^*{}()", w[0])) {
            dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNKNOWN_MARKER,
                          "pattern marker '%c' is not allowed in a synset member; skipped", w[0]);
            d->tmp_elems.n = start;
            return;
        } else {
            uint32_t off, nw, gaps;
            int rc = dt__dict_phrase_words(d, w, wn, &off, &nw, &gaps);
            if (rc || nw == 0) {
                d->tmp_elems.n = start;
                return;
            }
            for (uint32_t k = 0; k < nw; k++)
                if (DT__VEC_PUSH(d, d->tmp_elems, d->pool.p[off + k]))
                    return;
            d->pool.n = off; /* words are re-pooled when the synset is expanded */
            count += nw;
            i = j;
            last_is_word = 1;
            continue;
        }
        if (DT__VEC_PUSH(d, d->tmp_elems, el))
            return;
        count++;
        i = j;
    }
    if (count == 0) {
        /* Only separators ("+_"): a member of no words would become a
         * phrase of no words, which the phrase tries cannot hold. */
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_EMPTY_PHRASE,
                      "synset member with no words; skipped");
        return;
    }
    if (count > DT_DICT_MAX_PHRASE_WORDS) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "synset member with more than %d words; skipped", DT_DICT_MAX_PHRASE_WORDS);
        d->tmp_elems.n = start;
        return;
    }
    dt__rawmember rm;
    rm.syn = v->synset;
    rm.off = (uint32_t)start;
    rm.n = (uint32_t)(d->tmp_elems.n - start);
    rm.plural = !d->synsets.p[v->synset].noplural && !trailing_us && last_is_word;
    rm.src.file = v->file;
    rm.src.line = line;
    (void)DT__VEC_PUSH(d, d->rawmembers, rm);
}

/* ---- patterns ---- */

static int is_marker_char(char c)
{
    return c == '*' || c == '$' || c == '+' || c == '%' || c == '^';
}

static void read_pattern(vstate *v, const char *s, size_t n, uint32_t line)
{
    dt_dicts *d = v->d;
    if (v->block == DT_DICT_NONE) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_CONTEXT,
                      "pattern before any verb block; skipped");
        return;
    }
    size_t o, c;
    int br = find_bracket(s, n, 1, &o, &c);
    if (br < 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '[' ']' in pattern; skipped");
        return;
    }
    if (br == 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_BAD_CODE,
                      "pattern without a [CODE]; skipped");
        return;
    }
    dt_dict_pattern p;
    memset(&p, 0, sizeof p);
    if (parse_code(d, v->file, line, s + o + 1, c - o - 1, &p.code, &p.code_flags) != 0)
        return;
    for (size_t k = c + 1; k < n; k++) {
        if (!dt__dict_isspace((unsigned char)s[k])) {
            dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                          "text after the pattern's [%s] ignored: '%.*s'", p.code, (int)(n - k),
                          s + k);
            break;
        }
    }
    size_t skip = 1;
    while (skip < o && s[skip] == '-')
        skip++;
    if (skip > 1)
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_WARNING, DT_DICTW_SYNTAX,
                      "pattern starts with '%.*s'; read as '-'", (int)skip, s);
    const char *body = s + skip;
    size_t bn = o - skip;
    dt__dict_trim(&body, &bn);
    p.block = v->block;
    p.src.file = v->file;
    p.src.line = line;
    p.text = dt__dict_strdup(d, body, bn);

    dt_dict_pelem el[DT_DICT_MAX_PATTERN_ELEMS];
    size_t ne = 0, nverb = 0;
    int depth_np = 0, depth_pp = 0;
    size_t i = 0;
    int sep_seen = 0, sep_space = 0;
    while (i < bn) {
        char ch = body[i];
        if (ch == '_' || dt__dict_isspace((unsigned char)ch)) {
            sep_seen = 1;
            if (ch != '_')
                sep_space = 1;
            i++;
            continue;
        }
        dt_dict_pelem e;
        memset(&e, 0, sizeof e);
        /* '_' alone joins; any blank (even "_ ", PETRARCH's rule) is a gap.
         * Elements written with nothing between them are adjacent. */
        e.adj = ne > 0 && !(sep_seen && sep_space);
        sep_seen = sep_space = 0;
        size_t j = i + 1;
        if (ch == '{' || ch == '}' || ch == '(' || ch == ')') {
            e.kind = ch == '{'   ? DT_PEL_NP_OPEN
                     : ch == '}' ? DT_PEL_NP_CLOSE
                     : ch == '(' ? DT_PEL_PP_OPEN
                                 : DT_PEL_PP_CLOSE;
            if (ch == '{')
                depth_np++;
            else if (ch == '}' && --depth_np < 0)
                break;
            else if (ch == '(')
                depth_pp++;
            else if (ch == ')' && --depth_pp < 0)
                break;
        } else {
            while (j < bn && body[j] != '_' && !dt__dict_isspace((unsigned char)body[j]) &&
                   !strchr("{}()", body[j]))
                j++;
            const char *w = body + i;
            size_t wn = j - i;
            if ((wn == 1 && is_marker_char(w[0])) || (wn == 2 && w[0] == '*' && w[1] == '*')) {
                switch (w[0]) {
                case '*':
                    e.kind = DT_PEL_VERB;
                    nverb++;
                    break;
                case '$':
                    e.kind = DT_PEL_SOURCE;
                    break;
                case '+':
                    e.kind = DT_PEL_TARGET;
                    break;
                case '%':
                    e.kind = DT_PEL_COMPOUND;
                    break;
                default:
                    e.kind = DT_PEL_SKIP;
                    break;
                }
            } else if (w[0] == '&') {
                size_t k = 1;
                while (k < wn && is_name_char(w[k]))
                    k++;
                if (k == 1 || k != wn) {
                    dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                                  "bad synset reference '%.*s' in pattern; skipped", (int)wn, w);
                    return;
                }
                size_t nn = wn - 1;
                while (nn && w[nn] == '_')
                    nn--;
                uint32_t si = syn_get(d, w + 1, nn, v->file, line);
                if (si == DT_DICT_NONE)
                    return;
                e.kind = DT_PEL_SYNSET;
                e.value = si;
                p.nwords++;
            } else if (is_marker_char(w[0]) ||
                       !((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z') ||
                         (w[0] >= '0' && w[0] <= '9') || w[0] == '\'' ||
                         (unsigned char)w[0] >= 0x80)) {
                dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNKNOWN_MARKER,
                              "unknown marker '%.*s' in pattern; skipped", (int)wn, w);
                return;
            } else {
                uint32_t off, nw, gaps;
                int rc = dt__dict_phrase_words(d, w, wn, &off, &nw, &gaps);
                if (rc == DT_ENOMEM)
                    return;
                d->pool.n = off;
                if (ne + nw > DT_DICT_MAX_PATTERN_ELEMS) {
                    ne = DT_DICT_MAX_PATTERN_ELEMS + 1;
                    break;
                }
                /* A clitic split ("X'S") gives adjacent words. */
                for (uint32_t k = 0; k < nw; k++) {
                    el[ne] = e;
                    el[ne].kind = DT_PEL_WORD;
                    el[ne].value = d->pool.p[off + k];
                    if (k)
                        el[ne].adj = 1;
                    ne++;
                    p.nwords++;
                }
                i = j;
                continue;
            }
        }
        if (ne >= DT_DICT_MAX_PATTERN_ELEMS) {
            ne = DT_DICT_MAX_PATTERN_ELEMS + 1;
            break;
        }
        el[ne++] = e;
        i = j;
    }
    if (ne > DT_DICT_MAX_PATTERN_ELEMS) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "pattern with more than %d elements; skipped", DT_DICT_MAX_PATTERN_ELEMS);
        return;
    }
    if (depth_np != 0 || depth_pp != 0) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_UNBALANCED,
                      "unbalanced '{' '}' or '(' ')' in pattern; skipped");
        return;
    }
    if (nverb != 1) {
        dt__dict_warn(d, v->file, line, DT_DICT_SEV_ERROR, DT_DICTW_SYNTAX,
                      nverb ? "pattern has more than one '*'; skipped"
                            : "pattern has no '*' (verb position); skipped");
        return;
    }
    p.first_elem = (uint32_t)d->pelems.n;
    p.nelem = (uint16_t)ne;
    for (size_t k = 0; k < ne; k++) {
        if (el[k].kind == DT_PEL_VERB)
            p.verb_pos = (uint16_t)k;
        if (DT__VEC_PUSH(d, d->pelems, el[k]))
            return;
    }
    (void)DT__VEC_PUSH(d, d->patterns, p);
}

int dt__dict_read_verbs(dt_dicts *d, uint32_t file, const char *data, size_t len)
{
    dt__lines *L = dt_malloc(sizeof *L);
    if (!L)
        return dt__dict_oom(d);
    dt__dict_lines_init(L, d, file, data, len, 1);
    vstate v = {d, file, DT_DICT_NONE, DT_DICT_NONE};
    const char *s;
    size_t n;
    uint32_t line;
    while (!d->oom && dt__dict_lines_next(L, &s, &n, &line)) {
        dt__dict_trim(&s, &n);
        if (s[0] == '+' && v.synset != DT_DICT_NONE) {
            read_synset_member(&v, s, n, line);
            continue;
        }
        v.synset = DT_DICT_NONE;
        if (n >= 3 && s[0] == '-' && s[1] == '-' && s[2] == '-')
            read_block(&v, s, n, line);
        else if (s[0] == '-')
            read_pattern(&v, s, n, line);
        else if (s[0] == '&')
            read_synset_def(&v, s, n, line);
        else if (s[0] == '~') {
            dt_dict_transform t = {dt__dict_strdup(d, s, n), {file, line}};
            (void)DT__VEC_PUSH(d, d->transforms, t);
        } else
            read_verb(&v, s, n, line);
    }
    dt_free(L);
    return d->oom ? DT_ENOMEM : 0;
}

/* ------------------------------------------------------------------ */
/* Finishing: synset expansion, pattern checks, the verb-form index    */
/* ------------------------------------------------------------------ */

typedef struct xmem {
    uint32_t off, n, flags;
    dt_dict_src src;
} xmem;

typedef DT__VEC(xmem) xvec;

typedef struct xctx {
    dt_dicts *d;
    xvec *out;       /* expanded members per synset */
    uint8_t *state;  /* 0 new, 1 expanding, 2 done */
    uint32_t *first; /* raw members of synset s: order[first[s] .. first[s+1]) */
    uint32_t *order;
    uint32_t *minlen; /* fewest words of a phrase of synset s, once expanded */
    size_t visits;    /* combinations looked at, against MAX_SYN_VISITS */
    uint32_t depth;   /* synsets being expanded, against MAX_SYN_DEPTH */
} xctx;

static int expand(xctx *x, uint32_t s);

/* Append every combination of the member's elements to x->out[s]. */
static int expand_member(xctx *x, uint32_t s, const dt__rawmember *rm)
{
    dt_dicts *d = x->d;
    const uint32_t *el = d->tmp_elems.p + rm->off;
    /* Alternatives per element: a word, or the members of a synset. */
    for (uint32_t k = 0; k < rm->n; k++) {
        if (!(el[k] & DT__SYNREF))
            continue;
        uint32_t r = el[k] & ~DT__SYNREF;
        if (!d->synnames.p[r].defined) {
            dt__dict_warn(d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR,
                          DT_DICTW_UNDEFINED_SYNSET,
                          "synset %s used in %s is not defined; member skipped",
                          d->synsets.p[r].name, d->synsets.p[s].name);
            return 0;
        }
        if (x->state[r] == 1) {
            dt__dict_warn(d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR,
                          DT_DICTW_RECURSIVE_SYNSET,
                          "synset %s includes itself (through %s); member skipped",
                          d->synsets.p[s].name, d->synsets.p[r].name);
            return 0;
        }
        if (x->state[r] == 0 && x->depth >= MAX_SYN_DEPTH) {
            dt__dict_warn(d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                          "synset %s nests synsets more than %d deep (through %s); member skipped",
                          d->synsets.p[s].name, MAX_SYN_DEPTH, d->synsets.p[r].name);
            return 0;
        }
        int rc = expand(x, r);
        if (rc)
            return rc;
    }
    /* A synset with no members leaves no combination. */
    for (uint32_t k = 0; k < rm->n; k++)
        if ((el[k] & DT__SYNREF) && x->out[el[k] & ~DT__SYNREF].n == 0)
            return 0;
    /* Fewest words the elements from k on can add. A prefix that leaves
     * no room for them is over the phrase-word limit whatever follows, so
     * the odometer moves past all its completions at once; before, a
     * member whose every combination was too long (fourteen references
     * to a synset of three-word members) walked to the visit bound, a
     * million combinations, none kept. */
    uint32_t minrest[DT_DICT_MAX_PHRASE_WORDS + 1];
    minrest[rm->n] = 0;
    for (uint32_t k = rm->n; k-- > 0;) {
        uint32_t m = (el[k] & DT__SYNREF) ? x->minlen[el[k] & ~DT__SYNREF] : 1;
        minrest[k] = minrest[k + 1] + m; /* at most 32 x 32 */
    }
    if (minrest[0] > DT_DICT_MAX_PHRASE_WORDS) {
        dt__dict_warn(d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                      "member of %s makes only phrases of more than %d words; skipped",
                      d->synsets.p[s].name, DT_DICT_MAX_PHRASE_WORDS);
        return 0;
    }
    /* Odometer over the alternatives. */
    uint32_t idx[DT_DICT_MAX_PHRASE_WORDS];
    memset(idx, 0, sizeof idx);
    for (;;) {
        if (x->visits++ == MAX_SYN_VISITS)
            dt__dict_warn(
                d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                "synset expansion looks at more than %d combinations in all; the rest of %s "
                "and of later synsets skipped",
                MAX_SYN_VISITS, d->synsets.p[s].name);
        if (x->visits > MAX_SYN_VISITS)
            return 0;
        uint32_t off = (uint32_t)d->pool.n, nw = 0;
        int over = -1; /* the synset reference to move on, when over the limit */
        for (uint32_t k = 0; k < rm->n; k++) {
            if (!(el[k] & DT__SYNREF)) {
                if (DT__VEC_PUSH(d, d->pool, el[k]))
                    return DT_ENOMEM;
                nw++;
                continue;
            }
            const xmem *m = &x->out[el[k] & ~DT__SYNREF].p[idx[k]];
            if (nw + m->n + minrest[k + 1] > DT_DICT_MAX_PHRASE_WORDS) {
                over = (int)k;
                break;
            }
            for (uint32_t t = 0; t < m->n; t++)
                if (DT__VEC_PUSH(d, d->pool, d->pool.p[m->off + t]))
                    return DT_ENOMEM;
            nw += m->n;
        }
        if (over >= 0) {
            d->pool.n = off;
        } else {
            if (x->out[s].n >= MAX_SYN_EXPANSION) {
                dt__dict_warn(d, rm->src.file, rm->src.line, DT_DICT_SEV_ERROR, DT_DICTW_LIMIT,
                              "synset %s expands to more than %d phrases; rest skipped",
                              d->synsets.p[s].name, MAX_SYN_EXPANSION);
                d->pool.n = off;
                return 0;
            }
            xmem xm = {off, nw, DT_PH_GENERATED * (rm->n != nw), rm->src};
            for (uint32_t k = 0; k < rm->n; k++)
                if (el[k] & DT__SYNREF)
                    xm.flags = DT_PH_GENERATED;
            /* A combination through a synset is made by expansion and
             * counts for the whole load; a plain member does not. */
            if (xm.flags && dt__dict_generate(d, rm->src.file, rm->src.line)) {
                d->pool.n = off;
                return 0;
            }
            if (DT__VEC_PUSH(d, x->out[s], xm))
                return DT_ENOMEM;
            if (rm->plural && nw) {
                /* Plural of the last word, PETRARCH's rule for noun synsets. */
                uint32_t last = d->pool.p[off + nw - 1];
                const char *w = d->words[last];
                size_t wn = d->wlen[last];
                char buf[DT_MAX_TOKEN_BYTES + 8];
                if (wn + 4 < sizeof buf) {
                    size_t pn = dt__dict_plural(w, wn, buf);
                    uint32_t pid = dt__dict_intern(d, buf, pn);
                    if (pid) {
                        uint32_t poff = (uint32_t)d->pool.n;
                        for (uint32_t t = 0; t + 1 < nw; t++)
                            if (DT__VEC_PUSH(d, d->pool, d->pool.p[off + t]))
                                return DT_ENOMEM;
                        if (DT__VEC_PUSH(d, d->pool, pid))
                            return DT_ENOMEM;
                        xmem pm = {poff, nw, xm.flags | DT_PH_PLURAL, rm->src};
                        if (DT__VEC_PUSH(d, x->out[s], pm))
                            return DT_ENOMEM;
                    }
                }
            }
        }
        /* Next combination: the rightmost synset reference varies
         * fastest; past a prefix over the limit, from the reference where
         * it went over (those after it back to their first member). */
        int k = (int)rm->n - 1;
        if (over >= 0) {
            for (int t = over + 1; t < (int)rm->n; t++)
                idx[t] = 0;
            k = over;
        }
        for (; k >= 0; k--) {
            if (!(el[k] & DT__SYNREF))
                continue;
            const xvec *alt = &x->out[el[k] & ~DT__SYNREF];
            if (++idx[k] < alt->n)
                break;
            idx[k] = 0;
        }
        if (k < 0)
            return 0;
    }
}

static int expand(xctx *x, uint32_t s)
{
    if (x->state[s] != 0)
        return 0;
    x->state[s] = 1;
    x->depth++;
    for (uint32_t i = x->first[s]; i < x->first[s + 1]; i++) {
        int rc = expand_member(x, s, &x->d->rawmembers.p[x->order[i]]);
        if (rc)
            return rc;
    }
    x->depth--;
    x->state[s] = 2;
    uint32_t m = UINT32_MAX;
    for (size_t i = 0; i < x->out[s].n; i++)
        if (x->out[s].p[i].n < m)
            m = x->out[s].p[i].n;
    x->minlen[s] = m;
    return 0;
}

static int resolve_synsets(dt_dicts *d)
{
    size_t ns = d->synsets.n;
    if (ns == 0)
        return 0;
    xctx x;
    x.d = d;
    x.visits = 0;
    x.depth = 0;
    x.out = dt_calloc(ns, sizeof *x.out);
    x.state = dt_calloc(ns, 1);
    x.minlen = dt_calloc(ns, sizeof *x.minlen);
    x.first = dt_calloc(ns + 1, sizeof *x.first);
    x.order = dt_malloc((d->rawmembers.n + 1) * sizeof *x.order);
    int rc = 0;
    if (!x.out || !x.state || !x.minlen || !x.first || !x.order) {
        rc = dt__dict_oom(d);
        goto done;
    }
    for (size_t i = 0; i < d->rawmembers.n; i++)
        x.first[d->rawmembers.p[i].syn + 1]++;
    for (size_t s = 0; s < ns; s++)
        x.first[s + 1] += x.first[s];
    {
        uint32_t *fill = dt_calloc(ns, sizeof *fill);
        if (!fill) {
            rc = dt__dict_oom(d);
            goto done;
        }
        for (size_t i = 0; i < d->rawmembers.n; i++) {
            uint32_t s = d->rawmembers.p[i].syn;
            x.order[x.first[s] + fill[s]++] = (uint32_t)i;
        }
        dt_free(fill);
    }
    for (uint32_t s = 0; s < ns && !rc; s++)
        rc = expand(&x, s);
    for (uint32_t s = 0; s < ns && !rc; s++) {
        dt_dict_synset *sy = &d->synsets.p[s];
        sy->first_member = (uint32_t)d->syn_set.ph.n;
        sy->nmembers = (uint32_t)x.out[s].n;
        for (size_t k = 0; k < x.out[s].n && !rc; k++) {
            const xmem *m = &x.out[s].p[k];
            rc = dt__dict_pset_add(d, &d->syn_set, m->off, m->n, 0, m->flags, s, m->src);
        }
    }
done:
    if (x.out)
        for (size_t s = 0; s < ns; s++)
            DT__VEC_FREE(x.out[s]);
    dt_free(x.out);
    dt_free(x.state);
    dt_free(x.minlen);
    dt_free(x.first);
    dt_free(x.order);
    return rc;
}

static uint64_t pattern_hash(const dt_dicts *d, const dt_dict_pattern *p)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ p->block;
    const dt_dict_pelem *e = d->pelems.p + p->first_elem;
    for (uint32_t k = 0; k < p->nelem; k++) {
        uint64_t v = ((uint64_t)e[k].kind << 40) ^ ((uint64_t)e[k].adj << 36) ^ e[k].value;
        h = (h ^ v) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    return h;
}

static int same_pattern(const dt_dicts *d, const dt_dict_pattern *a, const dt_dict_pattern *b)
{
    if (a->block != b->block || a->nelem != b->nelem)
        return 0;
    const dt_dict_pelem *x = d->pelems.p + a->first_elem, *y = d->pelems.p + b->first_elem;
    for (uint32_t k = 0; k < a->nelem; k++)
        if (x[k].kind != y[k].kind || x[k].adj != y[k].adj || x[k].value != y[k].value)
            return 0;
    return 1;
}

static int check_patterns(dt_dicts *d)
{
    /* Drop patterns that use an undefined synset (PETRARCH ignores them). */
    size_t w = 0;
    for (size_t i = 0; i < d->patterns.n; i++) {
        dt_dict_pattern *p = &d->patterns.p[i];
        const dt_dict_pelem *e = d->pelems.p + p->first_elem;
        int ok = 1;
        for (uint32_t k = 0; k < p->nelem && ok; k++) {
            if (e[k].kind == DT_PEL_SYNSET && !d->synnames.p[e[k].value].defined) {
                dt__dict_warn(
                    d, p->src.file, p->src.line, DT_DICT_SEV_ERROR, DT_DICTW_UNDEFINED_SYNSET,
                    "synset %s is not defined; pattern skipped", d->synsets.p[e[k].value].name);
                ok = 0;
            }
        }
        if (ok)
            d->patterns.p[w++] = *p;
    }
    d->patterns.n = w;
    /* Block ranges (patterns and verbs were appended block by block). */
    for (size_t b = 0; b < d->blocks.n; b++) {
        d->blocks.p[b].npatterns = 0;
        d->blocks.p[b].nverbs = 0;
        d->blocks.p[b].first_pattern = UINT32_MAX;
        d->blocks.p[b].first_verb = UINT32_MAX;
    }
    for (size_t i = 0; i < d->patterns.n; i++) {
        dt_dict_verb_block *b = &d->blocks.p[d->patterns.p[i].block];
        if (b->first_pattern == UINT32_MAX)
            b->first_pattern = (uint32_t)i;
        b->npatterns++;
    }
    for (size_t i = 0; i < d->verbs.n; i++) {
        dt_dict_verb_block *b = &d->blocks.p[d->verbs.p[i].block];
        if (b->first_verb == UINT32_MAX)
            b->first_verb = (uint32_t)i;
        b->nverbs++;
    }
    for (size_t b = 0; b < d->blocks.n; b++) {
        if (d->blocks.p[b].first_pattern == UINT32_MAX)
            d->blocks.p[b].first_pattern = (uint32_t)d->patterns.n;
        if (d->blocks.p[b].first_verb == UINT32_MAX)
            d->blocks.p[b].first_verb = (uint32_t)d->verbs.n;
        if (d->blocks.p[b].nverbs == 0)
            dt__dict_warn(d, d->blocks.p[b].src.file, d->blocks.p[b].src.line, DT_DICT_SEV_WARNING,
                          DT_DICTW_CONTEXT, "verb block '%s' has no verbs; its patterns never fire",
                          d->blocks.p[b].name);
    }
    /* Identical patterns within a block. */
    size_t np = d->patterns.n;
    size_t cap = 64;
    while (cap < np * 2)
        cap *= 2;
    uint32_t *tab = dt_malloc(cap * sizeof *tab);
    if (!tab)
        return dt__dict_oom(d);
    memset(tab, 0xff, cap * sizeof *tab);
    for (size_t i = 0; i < np; i++) {
        dt_dict_pattern *p = &d->patterns.p[i];
        size_t h = (size_t)pattern_hash(d, p) & (cap - 1);
        for (;;) {
            uint32_t j = tab[h];
            if (j == UINT32_MAX) {
                tab[h] = (uint32_t)i;
                break;
            }
            const dt_dict_pattern *q = &d->patterns.p[j];
            if (same_pattern(d, p, q)) {
                p->flags |= DT_PAT_DUPLICATE;
                if (strcmp(p->code, q->code) == 0)
                    dt__dict_warn(d, p->src.file, p->src.line, DT_DICT_SEV_NOTE, DT_DICTW_DUPLICATE,
                                  "duplicate pattern '%s' [%s] (same as line %u)", p->text, p->code,
                                  q->src.line);
                else
                    dt__dict_warn(d, p->src.file, p->src.line, DT_DICT_SEV_NOTE,
                                  DT_DICTW_UNREACHABLE,
                                  "unreachable pattern '%s' [%s]: identical to line %u [%s]",
                                  p->text, p->code, q->src.line, q->code);
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    dt_free(tab);
    return 0;
}

static int cmp_form(const void *a, const void *b)
{
    const dt_dict_verb_form *x = a, *y = b;
    if (x->head != y->head)
        return x->head < y->head ? -1 : 1;
    uint32_t lx = x->npre + x->npost, ly = y->npre + y->npost;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    /* Later definitions first: PETRARCH-1 let a later entry overwrite. */
    if (x->verb != y->verb)
        return x->verb > y->verb ? -1 : 1;
    return 0;
}

/* One verb form as a sort key: identical forms become neighbours. */
typedef struct formkey {
    const uint32_t *pre, *post;
    uint32_t head, npre, npost;
    uint32_t pos; /* index in d->vforms */
} formkey;

static int cmp_formkey(const void *a, const void *b)
{
    const formkey *x = a, *y = b;
    if (x->head != y->head)
        return x->head < y->head ? -1 : 1;
    if (x->npre != y->npre)
        return x->npre < y->npre ? -1 : 1;
    if (x->npost != y->npost)
        return x->npost < y->npost ? -1 : 1;
    for (uint32_t k = 0; k < x->npre; k++)
        if (x->pre[k] != y->pre[k])
            return x->pre[k] < y->pre[k] ? -1 : 1;
    for (uint32_t k = 0; k < x->npost; k++)
        if (x->post[k] != y->post[k])
            return x->post[k] < y->post[k] ? -1 : 1;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return 0;
}

static int same_key(const formkey *x, const formkey *y)
{
    return x->head == y->head && x->npre == y->npre && x->npost == y->npost &&
           (x->npre == 0 || memcmp(x->pre, y->pre, x->npre * sizeof *x->pre) == 0) &&
           (x->npost == 0 || memcmp(x->post, y->post, x->npost * sizeof *x->post) == 0);
}

/* Same form defined by two verbs: only worth a note (it is legal). Form i
 * (in index order) is noted against the first later form j that is the
 * same, of another verb, with i or j a base form. Comparing each form with
 * every later one of its head took 21 s for 40,000 forms of one head (a
 * 390 KB file); the forms are sorted into groups of identical ones
 * instead. In a group (index order) the verbs descend (cmp_form), so the
 * forms of one verb are a run and j lies in a later run: the first form of
 * the next run for a base form i, else the first base form from there. */
static int note_same_forms(dt_dicts *d)
{
    size_t nf = d->vforms.n;
    if (nf < 2)
        return 0;
    formkey *key = dt_malloc(nf * sizeof *key);
    uint32_t *partner = dt_malloc(nf * sizeof *partner);
    uint32_t *base_from = dt_malloc((nf + 1) * sizeof *base_from);
    if (!key || !partner || !base_from) {
        dt_free(key);
        dt_free(partner);
        dt_free(base_from);
        return dt__dict_oom(d);
    }
    for (size_t i = 0; i < nf; i++) {
        const dt_dict_verb_form *f = &d->vforms.p[i];
        key[i].pre = f->npre ? d->pool.p + f->pre : NULL;
        key[i].post = f->npost ? d->pool.p + f->post : NULL;
        key[i].head = f->head;
        key[i].npre = f->npre;
        key[i].npost = f->npost;
        key[i].pos = (uint32_t)i;
        partner[i] = UINT32_MAX;
    }
    qsort(key, nf, sizeof *key, cmp_formkey);
    for (size_t g0 = 0, g1; g0 < nf; g0 = g1) {
        for (g1 = g0 + 1; g1 < nf && same_key(&key[g0], &key[g1]); g1++)
            ;
        if (g1 - g0 < 2)
            continue;
        /* base_from[k]: the first base form at or after key[k] in the group. */
        base_from[g1] = (uint32_t)g1;
        for (size_t k = g1; k-- > g0;)
            base_from[k] = d->vforms.p[key[k].pos].is_base ? (uint32_t)k : base_from[k + 1];
        size_t next_run = g1;
        for (size_t k = g1; k-- > g0;) {
            const dt_dict_verb_form *f = &d->vforms.p[key[k].pos];
            if (k + 1 < g1 && d->vforms.p[key[k + 1].pos].verb != f->verb)
                next_run = k + 1;
            size_t m = f->is_base ? next_run : base_from[next_run];
            if (m < g1)
                partner[key[k].pos] = key[m].pos;
        }
    }
    for (size_t i = 0; i < nf; i++) {
        if (partner[i] == UINT32_MAX)
            continue;
        const dt_dict_verb_form *f = &d->vforms.p[i], *g = &d->vforms.p[partner[i]];
        const dt_dict_verb *vf = &d->verbs.p[f->verb], *vg = &d->verbs.p[g->verb];
        dt__dict_warn(d, vf->src.file, vf->src.line, DT_DICT_SEV_NOTE, DT_DICTW_DUPLICATE,
                      "verb form '%s' also defined at line %u (block '%s'); this later one "
                      "is used",
                      d->words[f->head], vg->src.line, d->blocks.p[vg->block].name);
    }
    dt_free(key);
    dt_free(partner);
    dt_free(base_from);
    return 0;
}

static int index_forms(dt_dicts *d)
{
    size_t nf = d->vforms.n;
    /* qsort is not stable, but the key includes the verb index. */
    if (nf)
        qsort(d->vforms.p, nf, sizeof *d->vforms.p, cmp_form);
    d->vf_start = dt_calloc((size_t)d->nwords + 1, sizeof *d->vf_start);
    if (!d->vf_start)
        return dt__dict_oom(d);
    for (size_t i = 0; i < nf; i++)
        d->vf_start[d->vforms.p[i].head + 1]++;
    if (nf) /* else all zero */
        for (uint32_t w = 0; w < d->nwords; w++)
            d->vf_start[w + 1] += d->vf_start[w];
    return note_same_forms(d);
}

int dt__dict_verbs_finish(dt_dicts *d)
{
    dt_free(d->syn_tab);
    d->syn_tab = NULL;
    d->syn_tabcap = d->syn_tabn = 0;
    int rc = resolve_synsets(d);
    if (!rc)
        rc = check_patterns(d);
    if (!rc)
        rc = index_forms(d);
    return rc ? rc : (d->oom ? DT_ENOMEM : 0);
}
