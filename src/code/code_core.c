/* The coder proper: comma clauses, actor/agent codes for noun phrases,
 * verbs and patterns, source/target choice, event assembly.
 *
 * This follows PETRARCH-1's coding loop (petrarch.py: check_commas,
 * assign_NEcodes, check_verbs, verb_pattern_match, make_event_strings),
 * re-derived in C over the phrase list built by code_plist.c. Where
 * PETRARCH's behaviour is an accident of its string handling we keep the
 * visible rule and say so in a comment. */
#include "code_internal.h"

#include "detente/ontology.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ----------------------------------------------- */

static int is_markup(const char *s)
{
    return s[0] == '(' || s[0] == '~';
}

/* The phrase-list items are short strings compared millions of times;
 * most comparisons fail on the first three bytes (a close tag against
 * another close tag: "~NN" / "~VP3", "(VBD" / "(VBN"), which need no
 * library call. */
static inline int streq(const char *a, const char *b)
{
    if (a[0] != b[0])
        return 0;
    if (a[0] == '\0')
        return 1;
    if (a[1] != b[1])
        return 0;
    if (a[1] == '\0')
        return 1;
    return a[2] == b[2] && strcmp(a + 2, b + 2) == 0;
}

/* strstr(s, pat) != NULL, for the short items and tags the coder tests:
 * a plain loop beats the library's vectorised search at these lengths. */
static inline int has_sub(const char *s, const char *pat)
{
    char c0 = pat[0];
    for (; *s; s++) {
        if (*s != c0)
            continue;
        size_t k = 1;
        while (pat[k] && s[k] == pat[k])
            k++;
        if (!pat[k])
            return 1;
    }
    return c0 == '\0';
}

/* Exact tests for the tags the coder looks for most, inline (a strcmp
 * call costs more than the whole test). */
/* strncmp(s, p, strlen(p)) == 0, inline (p is a short literal). */
static inline int starts_with(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (*s != *p)
            return 0;
    return 1;
}

/* has_sub(it->s, pat) for a tag pattern (pat[0] is '(' or '~'): an item
 * without '(' or '~' after its first byte holds pat only as a prefix. */
static inline int item_has_tag(const dt__pl *it, const char *pat)
{
    if (!(it->f & (pat[0] == '(' ? DT__PL_OPEN : DT__PL_TILDE)))
        return 0;
    if (!(it->f & DT__PL_LATER))
        return starts_with(it->s, pat);
    return has_sub(it->s, pat);
}

static inline int is_ne_open(const char *s)
{
    return s[0] == '(' && s[1] == 'N' && s[2] == 'E' && s[3] == '\0';
}

static inline int is_ne_close(const char *s)
{
    return s[0] == '~' && s[1] == 'N' && s[2] == 'E' && s[3] == '\0';
}

/* PETRARCH's substring tests on a phrase-list item ("~," in item, "NEC"
 * in item, "~NE" in item; words too): made once per item (dt__pl.f). */
enum { SUB_TCOMMA = DT__PL_TCOMMA, SUB_NEC = DT__PL_NEC, SUB_TNE = DT__PL_TNE };

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return m <= n && memcmp(s + n - m, suf, m) == 0;
}

/* PETRARCH's skip_item: markup, function words, number words and
 * integers are passed over when matching patterns and multi-word verbs. */
static int skip_item(const char *s)
{
    static const char *const stop[] = {"THE", "A",   "AN",   "IT",   "HE",  "THEY", "HER",
                                       "HAS", "HAD", "HAVE", "SOME", "FEW", "THAT", NULL};
    static const char *const nums[] = {
        "HUNDRED", "THOUSAND", "MILLION", "BILLION", "TRILLION", "DOZEN", "ONE",  "TWO",
        "THREE",   "FOUR",     "FIVE",    "SIX",     "SEVEN",    "EIGHT", "NINE", NULL};
    if (is_markup(s))
        return 1;
    /* a word starting with none of the lists' first letters is in none */
    unsigned c0 = (unsigned char)s[0] - 'A';
    const unsigned first = 1u << ('A' - 'A') | 1u << ('B' - 'A') | 1u << ('D' - 'A') |
                           1u << ('E' - 'A') | 1u << ('F' - 'A') | 1u << ('H' - 'A') |
                           1u << ('I' - 'A') | 1u << ('M' - 'A') | 1u << ('N' - 'A') |
                           1u << ('O' - 'A') | 1u << ('S' - 'A') | 1u << ('T' - 'A');
    if (c0 < 26 && !(first & (1u << c0)))
        return 0;
    for (int i = 0; stop[i]; i++)
        if (streq(s, stop[i]))
            return 2;
    for (int i = 0; nums[i]; i++)
        if (streq(s, nums[i]))
            return 3;
    if (streq(s, "DOLLAR") || streq(s, "DUCAT"))
        return 5;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p) {
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '\0')
            return 4;
    }
    return 0;
}

/* ---- per-sentence state ------------------------------------------ */

typedef struct ev {
    const char *src, *tgt, *code;
    int32_t src_ne, tgt_ne; /* phrase-list index of the NE, -1 unknown */
    int32_t vfirst, vlast;  /* verb tokens */
    uint32_t pattern;       /* dict pattern index, UINT32_MAX none */
    int passive;
    int monadic; /* the action may have no target: code the source alone */
} ev;

typedef struct sctx {
    const dt_coder *c;
    const dt_dicts *d;
    dt_arena *a;
    dt__plist pl;
    int32_t date;
    ev *evs;
    uint32_t nev, capev;
    int parse_error;
    uint32_t *ids;         /* dictionary word id of each token of the sentence */
    const dt_doctext *doc; /* the sentence being coded (chunk flags) */
    uint32_t will_id;      /* dictionary word id of WILL (intent forms) */
    const dt_sentence *sent;
    /* Buffers reused by every verb of a sentence, so that memory stays
     * linear in the sentence length however many verbs it has. */
    struct sq *upbuf, *lobuf;
    uint32_t seqcap;
    uint32_t *lo_ids, *up_ids;
    uint8_t *lo_in_ne, *up_in_ne;
    int32_t *lo_actor;
    uint32_t matchcap;
    uint32_t *memo;               /* pattern-match failure stamps, reused across verbs */
    size_t memo_cap, memo_zeroed; /* memo[0..memo_zeroed) initialised */
    uint32_t stamp;
    /* Synsets found after / before the current verb: syn_lo[s] ==
     * synstamp when synset s occurs in the lower sequence (likewise
     * syn_up), so no clearing between verbs. */
    uint32_t *syn_lo, *syn_up;
    uint32_t nsyn, synstamp;
    /* the synsets marked for the current verb, listed (each once) */
    uint32_t *synl_lo, *synl_up;
    uint32_t nsynl_lo, nsynl_up;
    uint64_t *cand;  /* candidate patterns of an indexed block, a bit each */
    uint32_t *w2buf; /* candidate actor/agent phrases (ne_cands) */
    /* Second references: the first and last words of the people named
     * so far in the document, with their codes, most recent last. */
    uint32_t ref_word[64];
    const char *ref_code[64];
    uint32_t nref;
    int korea; /* a Korean state was named in the document so far */
} sctx;

/* What an item adds to dt__plist.bal. */
static inline int32_t pl_bal(unsigned f)
{
    return (f & DT__PL_MOPEN) ? 1 : (f & DT__PL_MCLOSE) ? -1 : 0;
}

static int pl_remove(dt__plist *l, uint32_t from, uint32_t to)
{
    /* remove [from, to) */
    if (to > l->n)
        to = l->n;
    if (from >= to)
        return 0;
    for (uint32_t i = from; i < to; i++)
        l->bal -= pl_bal(l->v[i].f);
    memmove(l->v + from, l->v + to, (size_t)(l->n - to) * sizeof *l->v);
    l->n -= to - from;
    return 0;
}

/* The first "(," item in [from, to), or -1. */
static int32_t pl_comma(const dt__plist *l, uint32_t from, uint32_t to)
{
    if (to > l->n)
        to = l->n;
    for (uint32_t i = from; i < to; i++)
        if (l->v[i].f & DT__PL_COMMA)
            return (int32_t)i;
    return -1;
}

static int32_t pl_index(const dt__plist *l, const char *s, uint32_t from, uint32_t to)
{
    if (to > l->n)
        to = l->n;
    for (uint32_t i = from; i < to; i++)
        if (streq(l->v[i].s, s))
            return (int32_t)i;
    return -1;
}

/* ---- comma-delimited clauses (check_commas) ----------------------- */

static int count_word(const dt__plist *l, uint32_t lo, uint32_t hi)
{
    int n = 0;
    uint32_t k = lo;
    if (hi > l->n)
        hi = l->n;
    while (k < hi) {
        if (is_ne_open(l->v[k].s)) {
            k += 2;
        } else {
            /* isalpha in the C locale (detente sets none): ASCII letters */
            if (!(l->v[k].f & (DT__PL_MOPEN | DT__PL_MCLOSE)) &&
                (unsigned)(((unsigned char)l->v[k].s[0] | 0x20) - 'a') < 26)
                n++;
            k++;
        }
    }
    return n;
}

static uint32_t find_end(const dt__plist *l)
{
    int32_t k = (int32_t)l->n - 1;
    while (k >= 2 && (l->v[k].f & DT__PL_MCLOSE))
        k--;
    return k >= 1 ? (uint32_t)(k - 1) : 0;
}

/* Remove the complete phrases inside [lo, hi). */
static void delete_phrases(dt__plist *l, uint32_t lo, uint32_t hi)
{
    const char *stack[512];
    int sp = 0;
    if (hi > l->n)
        hi = l->n;
    for (int32_t k = (int32_t)hi - 1; k >= (int32_t)lo; k--) {
        const char *s = l->v[k].s;
        if (s[0] == '~') {
            if (sp < 512)
                stack[sp++] = s + 1;
        } else if (sp > 0 && s[0] == '(' && streq(s + 1, stack[sp - 1])) {
            char targ[40];
            size_t ln = strlen(s + 1);
            if (ln > 38)
                ln = 38;
            targ[0] = '~';
            memcpy(targ + 1, s + 1, ln);
            targ[ln + 1] = '\0';
            int32_t e = pl_index(l, targ, (uint32_t)k + 1, l->n);
            if (e >= 0)
                pl_remove(l, (uint32_t)k, (uint32_t)e + 1);
            sp--;
        }
    }
}

/* Are the tags balanced? dt__plist.bal counts them as items come and
 * go, so this is not a pass over the list. */
static int check_balance(const dt__plist *l)
{
#ifndef NDEBUG
    int32_t open = 0;
    for (uint32_t i = 0; i < l->n; i++)
        open += pl_bal(l->v[i].f);
    assert(open == l->bal);
#endif
    return l->bal == 0;
}

static void check_commas(sctx *x)
{
    dt__plist *l = &x->pl;
    const dt_coder_options *o = &x->c->opt;
    int32_t first = pl_comma(l, 0, l->n);
    if (first < 0)
        return;
    uint32_t n0 = l->n; /* removals only shorten the list */
    if (o->comma_bmax != 0) {
        int k = count_word(l, 2, (uint32_t)first);
        if (k >= o->comma_bmin && k <= o->comma_bmax)
            delete_phrases(l, 2, (uint32_t)first);
    }
    if (o->comma_emax != 0) {
        uint32_t kend = find_end(l);
        int32_t ka = (int32_t)kend - 1;
        while (ka >= 2 && !(l->v[ka].f & DT__PL_COMMA))
            ka--;
        if (ka >= 0 && (l->v[ka].f & DT__PL_COMMA)) {
            int k = count_word(l, (uint32_t)ka, l->n);
            if (k >= o->comma_emin && k <= o->comma_emax)
                delete_phrases(l, (uint32_t)ka + 3, kend);
        }
    }
    /* the first comma again, unless a deletion changed the list */
    if (o->comma_max != 0) {
        int32_t ka = l->n == n0 ? first : pl_comma(l, 0, l->n);
        while (ka >= 0) {
            int32_t kb = pl_comma(l, (uint32_t)ka + 1, l->n);
            if (kb < 0)
                break;
            int k = count_word(l, (uint32_t)ka + 2, (uint32_t)kb);
            if (k >= o->comma_min && k <= o->comma_max)
                delete_phrases(l, (uint32_t)ka, (uint32_t)kb);
            /* PETRARCH continues from the old position of the second comma
             * even though the deletion shifted the list. */
            ka = kb;
        }
    }
    /* dangling initial or final comma */
    int32_t ka = l->n == n0 ? first : pl_comma(l, 0, l->n);
    if (ka >= 0 && count_word(l, 2, (uint32_t)ka) == 0)
        pl_remove(l, (uint32_t)ka, (uint32_t)ka + 3);
    uint32_t kend = find_end(l);
    ka = (int32_t)kend - 1;
    while (ka >= 2 && !(l->v[ka].f & DT__PL_COMMA))
        ka--;
    if (ka >= 0 && (l->v[ka].f & DT__PL_COMMA) && count_word(l, (uint32_t)ka + 1, kend) == 0)
        pl_remove(l, (uint32_t)ka, (uint32_t)ka + 3);
    if (!check_balance(l))
        x->parse_error = 1;
}

/* ---- actors and agents (assign_NEcodes / check_NEphrase) --------- */

/* dt_dict_phrases_by_first, with its direct index read inline (the
 * actor and agent loops ask it for every word of every NE). */
static inline const uint32_t *phrases_by_first(const dt_dict_phrase_set *s, uint32_t word,
                                               uint32_t *n)
{
    if (!s || !s->first_start)
        return dt_dict_phrases_by_first(s, word, n);
    *n = 0;
    if (!s->nphrases || !word || word >= s->nfirst)
        return NULL;
    uint32_t a = s->first_start[word];
    *n = s->first_start[word + 1] - a;
    return *n ? s->by_first + a : NULL;
}

/* Match phrase ph against items it[0..n) (it[0] is known to be the
 * phrase's first word); returns the number of items spanned, 0 if none.
 * Words may intervene where the dictionary had a blank. */
static uint32_t phrase_match(const uint32_t *pool, const dt_dict_phrase *ph,
                             const dt__pl *const *it, uint32_t n)
{
    const uint32_t *w = pool + ph->words;
    uint32_t kf = 1;
    for (uint32_t kp = 1; kp < ph->nwords; kp++) {
        for (;;) {
            if (kf >= n)
                return 0;
            if (it[kf]->id != 0 && it[kf]->id == w[kp]) {
                kf++;
                break;
            }
            if (!(ph->gaps & (1u << kp)))
                return 0;
            kf++;
        }
    }
    return kf;
}

static const char *astrcat(dt_arena *a, const char *x, const char *y)
{
    size_t n = strlen(x), m = strlen(y);
    char *r = dt_arena_alloc(a, n + m + 1);
    if (!r)
        return NULL;
    memcpy(r, x, n);
    memcpy(r + n, y, m);
    r[n + m] = '\0';
    return r;
}

/* May an actor whose own code is `actor` take the suffix agent `agc`?
 * An organisation's people are the organisation ("EU leaders", "UN
 * investigators" are IGOEUREEC, IGOUNO, not IGOEUREECGOV), and the head
 * of an actor that already has a role keeps that role ("Hezbollah leader
 * Hassan Nasrallah" is LBNREB, "Hamas officials" PSEREB): a government
 * role (GOV) is added only to a state or to a code without a role. */
static int role_takes_agent(const char *actor, const char *agc)
{
    static const char *const roles[] = {"REB", "MIL", "OPP", "SPY", "COP", "JUD", "LEG", "CVL",
                                        "MED", "BUS", "EDU", "REL", "HLH", "LAB", "REF", NULL};
    if (strncmp(actor, "IGO", 3) == 0)
        return 0;
    if (strcmp(agc, "GOV") != 0 || strlen(actor) < 6)
        return 1;
    for (int i = 0; roles[i]; i++)
        if (strncmp(actor + 3, roles[i], 3) == 0)
            return 0;
    return 1;
}

/* Second references ("Xi Jinping arrived in Pyongyang ... Kim welcomed
 * Xi"): news names a person in full once, then by one part of the name,
 * which alone may be ambiguous ("Kim"; the dictionaries list a bare
 * surname only when it means one person). A person actor (one with dated
 * codes) matched by a name of several words leaves its first word (the
 * family name in Korean and Chinese names) and its last word (in Western
 * ones) with its code; a later noun phrase with no actor of its own that
 * holds one of them, capitalised, takes the code of the most recent such
 * person in the document. Own-format dictionaries only, like the other
 * news conventions. */
static void remember_person(sctx *x, const dt_dict_phrase *ph, const char *code)
{
    if (ph->nwords < 2)
        return;
    uint32_t na = 0;
    const dt_dict_actor *act = dt_dict_actors(x->d, &na);
    if (!act || ph->entry >= na)
        return;
    uint32_t nc = 0;
    const dt_dict_actor_code *codes = dt_dict_actor_codes(x->d, &nc);
    int dated = 0;
    for (uint32_t i = 0; i < act[ph->entry].ncodes && !dated; i++) {
        uint32_t ci = act[ph->entry].first_code + i;
        dated = ci < nc && (codes[ci].flags & (DT_AC_BEFORE | DT_AC_AFTER | DT_AC_RANGE));
    }
    if (!dated)
        return;
    const uint32_t *pool = dt_dict_word_ids(x->d);
    const dt_dict_phrase_set *gs = dt_dict_agent_phrases(x->d);
    uint32_t w[2] = {pool[ph->words], pool[ph->words + ph->nwords - 1]};
    for (int i = 0; i < 2; i++) {
        /* a title is not a name: "King Abdullah", "Ayatollah Khamenei" */
        uint32_t ng = 0;
        if (gs)
            (void)phrases_by_first(gs, w[i], &ng);
        if (ng || w[i] == dt_dict_word_id(x->d, "AYATOLLAH", 9) ||
            w[i] == dt_dict_word_id(x->d, "SHEIKH", 6))
            continue;
        if (x->nref == 64) {
            memmove(x->ref_word, x->ref_word + 1, 63 * sizeof *x->ref_word);
            memmove(x->ref_code, x->ref_code + 1, 63 * sizeof *x->ref_code);
            x->nref--;
        }
        x->ref_word[x->nref] = w[i];
        x->ref_code[x->nref] = code;
        x->nref++;
    }
}

static const char *second_reference(sctx *x, const dt__pl *const *it, uint32_t n, uint32_t *a0,
                                    uint32_t *a1)
{
    for (uint32_t r = x->nref; r-- > 0;)
        for (uint32_t k = 0; k < n; k++) {
            if (!it[k]->id || it[k]->id != x->ref_word[r] || it[k]->tok < 0 || !x->doc ||
                (size_t)it[k]->tok >= x->doc->ntok || !(x->doc->tok[it[k]->tok].flags & DT_TOK_CAP))
                continue;
            *a0 = k;
            *a1 = k + 1;
            return x->ref_code[r];
        }
    return NULL;
}

/* "the North", "the South" in a document about the Koreas: Korean and
 * wire copy names the states so once one of them was named ("in a show
 * of force directed at the North", "the North's rocket launch"). The word
 * must be capitalised, follow "the" and not start a longer name ("the
 * North Atlantic"). */
static const char *korean_side(sctx *x, const dt__pl *const *it, uint32_t n, uint32_t *a0,
                               uint32_t *a1)
{
    for (uint32_t k = 1; k < n; k++) {
        int north = streq(it[k]->s, "NORTH"), south = streq(it[k]->s, "SOUTH");
        if ((!north && !south) || !streq(it[k - 1]->s, "THE") || it[k]->tok < 0 || !x->doc ||
            (size_t)it[k]->tok >= x->doc->ntok || !(x->doc->tok[it[k]->tok].flags & DT_TOK_CAP))
            continue;
        if (k + 1 < n && it[k + 1]->tok >= 0 && (size_t)it[k + 1]->tok < x->doc->ntok &&
            (x->doc->tok[it[k + 1]->tok].flags & DT_TOK_CAP))
            continue;
        *a0 = k;
        *a1 = k + 1;
        return north ? "PRK" : "KOR";
    }
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The phrases of first word w (indexed in ix) that can match in a noun
 * phrase of words it[0..n): those whose second word is one of its words,
 * and the one-word phrases, as positions in w's candidate list, ascending
 * (the list's order) in x->w2buf. Returns how many, or -1 without memory. */
static int32_t ne_cands(sctx *x, const dt__w2index *ix, uint32_t w, const dt__pl *const *it,
                        uint32_t n)
{
    if (!x->w2buf) {
        uint32_t cap = x->c->order.actw2.maxlist > x->c->order.agw2.maxlist
                           ? x->c->order.actw2.maxlist
                           : x->c->order.agw2.maxlist;
        x->w2buf = dt_arena_alloc(x->a, ((size_t)cap + 1) * sizeof *x->w2buf);
        if (!x->w2buf)
            return -1;
    }
    uint32_t m = 0, nr = 0;
    const uint32_t *run = dt__w2_probe(ix, w, 0, &nr);
    for (uint32_t q = 0; run && q < nr; q++)
        x->w2buf[m++] = run[q];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = it[i]->id;
        if (!id)
            continue;
        uint32_t p = 0;
        while (p < i && it[p]->id != id)
            p++;
        if (p < i)
            continue; /* probed already */
        run = dt__w2_probe(ix, w, id, &nr);
        for (uint32_t q = 0; run && q < nr; q++)
            x->w2buf[m++] = run[q];
    }
    if (m <= 24) {
        for (uint32_t i = 1; i < m; i++) {
            uint32_t v = x->w2buf[i], j = i;
            for (; j > 0 && x->w2buf[j - 1] > v; j--)
                x->w2buf[j] = x->w2buf[j - 1];
            x->w2buf[j] = v;
        }
    } else {
        qsort(x->w2buf, m, sizeof *x->w2buf, cmp_u32);
    }
    return (int32_t)m;
}

/* Whether the phrase at position pos of set s's first-word lists can
 * match, as far as the Bloom set of the noun phrase's words tells: its
 * second word (if it has one) must be among them. */
static inline int ne_maybe(const dt_dict_phrase_set *s, size_t pos, const uint64_t bloom[4])
{
    if (!s->by_first_w2)
        return 1;
    uint32_t w2 = s->by_first_w2[pos];
    return w2 == 0 || (bloom[(w2 >> 6) & 3] & (1ull << (w2 & 63))) != 0;
}

/* The first phrase of set s, in its list order, that matches the noun
 * phrase's words from it[k] (of n): a long candidate list is read through
 * the (first, second word) index ix, a short one through the Bloom set.
 * Returns its length in words and the phrase in *out, or 0. */
static inline uint32_t ne_match_at(sctx *x, const dt_dict_phrase_set *s, const dt__w2index *ix,
                                   const uint64_t bloom[4], const uint32_t *pool,
                                   const dt__pl *const *it, uint32_t k, uint32_t n,
                                   const dt_dict_phrase **out)
{
    uint32_t np = 0;
    const uint32_t *cand = phrases_by_first(s, it[k]->id, &np);
    size_t base = cand ? (size_t)(cand - s->by_first) : 0;
    const uint32_t *sel = NULL;
    if (cand && ix->big && it[k]->id < ix->nfirst && ix->big[it[k]->id]) {
        int32_t m = ne_cands(x, ix, it[k]->id, it, n);
        if (m >= 0) { /* else (no memory) the whole list, as below */
            sel = x->w2buf;
            np = (uint32_t)m;
        }
    }
    for (uint32_t q = 0; q < np; q++) {
        uint32_t j = sel ? sel[q] : q;
        if (!sel && !ne_maybe(s, base + j, bloom))
            continue;
        const dt_dict_phrase *ph = &s->phrases[cand[j]];
        uint32_t len = phrase_match(pool, ph, it + k, n - k);
        if (len) {
            *out = ph;
            return len;
        }
    }
    return 0;
}

/* Code of a noun phrase's words: the first actor found, with every agent
 * found elsewhere in the phrase prefixed or suffixed. NULL when neither. */
static const char *ne_code(sctx *x, const dt__pl *const *it, uint32_t n)
{
    const dt_dicts *d = x->d;
    const dt_dict_phrase_set *as = dt_dict_actor_phrases(d);
    const dt_dict_phrase_set *gs = dt_dict_agent_phrases(d);
    const char *actor = NULL;
    const uint32_t *pool = dt_dict_word_ids(d);
    uint32_t a0 = 0, a1 = 0;
    /* The phrase's words, as a Bloom set: a candidate whose second word
     * is not among them cannot match, and is passed over without reading
     * its phrase record (the candidate lists of common first words are
     * long, and the records are scattered over megabytes). */
    uint64_t bloom[4] = {0, 0, 0, 0};
    for (uint32_t k = 0; k < n; k++)
        bloom[(it[k]->id >> 6) & 3] |= 1ull << (it[k]->id & 63);
    for (uint32_t k = 0; k < n && !actor && as; k++) {
        if (!it[k]->id)
            continue;
        const dt_dict_phrase *ph = NULL;
        uint32_t len = ne_match_at(x, as, &x->c->order.actw2, bloom, pool, it, k, n, &ph);
        if (len) {
            const char *code = dt_dict_actor_code_at(d, ph->entry, x->date, NULL);
            actor = code ? code : "---";
            a0 = k;
            a1 = k + len;
            if (code && x->c->own_format)
                remember_person(x, ph, code);
        }
    }
    if (!actor && x->c->own_format)
        actor = second_reference(x, it, n, &a0, &a1);
    if (!actor && x->c->own_format && x->korea)
        actor = korean_side(x, it, n, &a0, &a1);
    if (actor && (!strncmp(actor, "PRK", 3) || !strncmp(actor, "KOR", 3)))
        x->korea = 1;
    if (actor && x->c->own_format && as) {
        /* people named after the phrase's actor ("North Korean leader Kim
         * Jong-un": the actor is North Korea) are remembered too */
        for (uint32_t k = a1; k < n; k++) {
            if (!it[k]->id)
                continue;
            uint32_t np = 0;
            const uint32_t *cand = phrases_by_first(as, it[k]->id, &np);
            for (uint32_t j = 0; j < np; j++) {
                const dt_dict_phrase *ph = &as->phrases[cand[j]];
                if (ph->nwords < 2 || !phrase_match(pool, ph, it + k, n - k))
                    continue;
                const char *code = dt_dict_actor_code_at(d, ph->entry, x->date, NULL);
                if (code)
                    remember_person(x, ph, code);
                break;
            }
        }
    }
    /* agents anywhere outside the actor's words */
    const dt_dict_agent *agents = NULL;
    uint32_t nag = 0;
    if (gs)
        agents = dt_dict_agents(d, &nag);
    uint32_t found[16];
    uint32_t nfound = 0;
    for (uint32_t k = 0; k < n && gs; k++) {
        if (k >= a0 && k < a1)
            continue;
        if (!it[k]->id)
            continue;
        const dt_dict_phrase *ph = NULL;
        uint32_t len = ne_match_at(x, gs, &x->c->order.agw2, bloom, pool, it, k, n, &ph);
        if (len) {
            if (nfound < 16 && ph->entry < nag)
                found[nfound++] = ph->entry;
            k += len - 1;
        }
    }
    /* "the Palestinians", "the Japanese people": with the definite
     * article the plural names the nation, not its civilians ("pledged
     * aid to the Palestinians" targets PSE; "thousands of Palestinians"
     * stay PSECVL) */
    if (actor && x->c->own_format && a0 == 1 && streq(it[0]->s, "THE") &&
        ((a1 == n && strlen(actor) == 6 && !strcmp(actor + 3, "CVL")) ||
         (a1 + 1 == n && strlen(actor) == 3 && streq(it[n - 1]->s, "PEOPLE"))) &&
        strncmp(actor, "---", 3) != 0)
        return dt_arena_strndup(x->a, actor, 3);
    if (nfound == 0)
        return actor;
    const char *code = actor ? actor : "---";
    /* TABARI's conversion rule: "former" officials are elites (ELI),
     * whatever role the other agents name. */
    for (uint32_t k = 0; k < n; k++)
        if (streq(it[k]->s, "FORMER")) {
            const char *nc = astrcat(x->a, code, "ELI");
            return nc ? nc : code;
        }
    for (uint32_t i = 0; i < nfound; i++) {
        const dt_dict_agent *ag = &agents[found[i]];
        const char *agc = ag->code;
        size_t al = strlen(agc), cl = strlen(code);
        if (actor && !ag->prefix && !role_takes_agent(actor, agc))
            continue;
        int dup = 0;
        /* PETRARCH checks in 3-letter steps so codes do not match across
         * block boundaries; a repeated agent ends the composition. */
        for (size_t ka = 0; al > 0 && ka + al <= cl; ka += 3)
            if (memcmp(code + ka, agc, al) == 0) {
                dup = 1;
                break;
            }
        if (dup)
            break;
        const char *nc = ag->prefix ? astrcat(x->a, agc, code) : astrcat(x->a, code, agc);
        if (nc)
            code = nc;
    }
    return code;
}

/* Replace an NE holding a compound by one NE per member, each with the
 * NE's other words (PETRARCH's expand_compound_NEPhrase). */
static int expand_compound_ne(sctx *x, uint32_t kstart, uint32_t kend)
{
    dt__plist *l = &x->pl;
    int32_t ncs = pl_index(l, "(NEC", kstart, kend);
    int32_t nce = ncs >= 0 ? pl_index(l, "~NEC", (uint32_t)ncs, kend) : -1;
    if (ncs < 0 || nce < 0)
        return -1;
    /* PETRARCH's pre-list runs from the code slot to the word before the
     * last one preceding the compound; we keep all words before it. */
    uint32_t pre0 = kstart + 2, pre1 = (uint32_t)ncs;
    uint32_t post0 = (uint32_t)nce + 1, post1 = kend;
    dt__plist nl = {NULL, 0, 0, x->a, 0, 0};
    dt__pl_push(&nl, "(NEC", 0, -1);
    uint32_t ka = (uint32_t)ncs + 1;
    while (ka + 1 < (uint32_t)nce) {
        const char *s = l->v[ka].s;
        if (s[0] == '(' && has_sub(s, "(N")) {
            char endtag[40];
            size_t ln = strlen(s + 1);
            if (ln > 38)
                ln = 38;
            endtag[0] = '~';
            memcpy(endtag + 1, s + 1, ln);
            endtag[ln + 1] = '\0';
            dt__pl_push(&nl, "(NE", 0, -1);
            dt__pl_push(&nl, "---", 0, -1);
            for (uint32_t j = pre0; j < pre1; j++)
                dt__pl_push_f(&nl, l->v[j].s, l->v[j].id, l->v[j].tok, l->v[j].f);
            ka++;
            while (ka < (uint32_t)nce && !streq(l->v[ka].s, endtag)) {
                dt__pl_push_f(&nl, l->v[ka].s, l->v[ka].id, l->v[ka].tok, l->v[ka].f);
                ka++;
            }
            for (uint32_t j = post0; j < post1; j++)
                dt__pl_push_f(&nl, l->v[j].s, l->v[j].id, l->v[j].tok, l->v[j].f);
            dt__pl_push(&nl, "~NE", 0, -1);
        }
        ka++;
    }
    dt__pl_push(&nl, "~NEC", 0, -1);
    if (nl.oom)
        return DT_ENOMEM;
    /* splice: l[kstart .. kend] -> nl */
    uint32_t tail = l->n - (kend + 1);
    uint32_t newn = kstart + nl.n + tail;
    dt__pl *v = dt_arena_alloc(x->a, (size_t)(newn + 1) * sizeof *v);
    if (!v)
        return DT_ENOMEM;
    memcpy(v, l->v, (size_t)kstart * sizeof *v);
    memcpy(v + kstart, nl.v, (size_t)nl.n * sizeof *v);
    memcpy(v + kstart + nl.n, l->v + kend + 1, (size_t)tail * sizeof *v);
    for (uint32_t i = kstart; i <= kend; i++)
        l->bal -= pl_bal(l->v[i].f);
    l->bal += nl.bal;
    l->v = v;
    l->n = newn;
    l->cap = newn + 1;
    return 0;
}

static int assign_ne_codes(sctx *x)
{
    dt__plist *l = &x->pl;
    uint32_t guard = 0;
    const dt__pl **it = NULL;
    uint32_t itcap = 0;
    for (uint32_t k = 1; k < l->n; k++) {
        if (!is_ne_open(l->v[k].s))
            continue;
        uint32_t kstart = k, kcode = k + 1;
        uint32_t j = k + 2;
        /* one item buffer for all NEs (it grows only when a compound
         * expansion lengthened the list), so memory stays linear */
        if (l->n + 1 > itcap) {
            itcap = (l->n + 1) * 2;
            it = dt_arena_alloc(x->a, (size_t)itcap * sizeof *it);
            if (!it)
                return DT_ENOMEM;
        }
        uint32_t n = 0;
        int has_nec = 0;
        while (j < l->n && !is_ne_close(l->v[j].s)) {
            const char *s = l->v[j].s;
            /* POS markup of the nouns is not part of the phrase */
            if (!(s[0] && s[1] == 'N' && s[2] == 'N'))
                it[n++] = &l->v[j];
            if (streq(s, "(NEC"))
                has_nec = 1;
            j++;
        }
        if (j >= l->n) {
            x->parse_error = 1;
            return 0;
        }
        if (has_nec && guard++ < 64) {
            int rc = expand_compound_ne(x, kstart, j);
            if (rc == DT_ENOMEM)
                return rc;
            if (rc == 0) {
                k = kstart - 1;
                continue;
            }
        }
        const char *code = ne_code(x, it, n);
        if (code) {
            unsigned f = dt__pl_flags(code);
            l->bal += pl_bal(f) - pl_bal(l->v[kcode].f);
            l->v[kcode].s = code;
            l->v[kcode].f = (uint16_t)f;
        }
        k = j;
    }
    return 0;
}

/* ---- sequences around a verb ------------------------------------- */

enum { SQ_WORD = 0, SQ_NE, SQ_NEC_OPEN, SQ_NEC_CLOSE, SQ_NE_CLOSE };

typedef struct sq {
    const char *s; /* word, or the NE's code */
    uint32_t id;
    int32_t pl; /* phrase-list index */
    uint8_t kind;
} sq;

typedef struct seq {
    sq *v;
    uint32_t n;
    /* lower sequence: a subordinate clause ("... as their agreement took
     * effect") starts at wall (n if none) and is opened by the
     * conjunction at gate: pattern words and actors after the verb stay
     * before the wall unless the pattern names the conjunction itself */
    uint32_t wall, gate;
} seq;

/* Before the verb, nearest first; stops at a comma or the sentence start. */
static int seq_buffers(sctx *x)
{
    uint32_t need = x->pl.n + 1;
    if (need <= x->seqcap)
        return 0;
    uint32_t cap = need * 2;
    x->upbuf = dt_arena_alloc(x->a, (size_t)cap * sizeof *x->upbuf);
    x->lobuf = dt_arena_alloc(x->a, (size_t)cap * sizeof *x->lobuf);
    if (!x->upbuf || !x->lobuf) {
        x->seqcap = 0;
        return DT_ENOMEM;
    }
    x->seqcap = cap;
    return 0;
}

/* Does the clause opened at k start with a noun phrase (its own subject),
 * rather than a verb ("... and met Zelensky": a shared subject)? */
static int clause_has_subject(const dt__plist *l, uint32_t k)
{
    while (k < l->n && streq(l->v[k].s, "(S"))
        k++;
    return k < l->n && (starts_with(l->v[k].s, "(NE") || starts_with(l->v[k].s, "(NP"));
}

static int upper_seq(sctx *x, int32_t k, seq *out)
{
    dt__plist *l = &x->pl;
    if (seq_buffers(x) < 0)
        return DT_ENOMEM;
    out->v = x->upbuf;
    out->n = 0;
    for (; k >= 1; k--) {
        const char *s = l->v[k].s;
        unsigned f = l->v[k].f;
        if (f & SUB_TCOMMA)
            break;
        /* a clause coordinated with the one before ("... and South Korea
         * expressed concern"; the coordinator is "~CC", or "~CCP" when
         * relabelled) has its own subject: the earlier clause's actors are
         * not this verb's */
        if (streq(s, "(S") && k >= 1 && starts_with(l->v[k - 1].s, "~CC") &&
            clause_has_subject(l, (uint32_t)k))
            break;
        sq *q = &out->v[out->n];
        if (is_ne_open(s)) {
            const char *code = k + 1 < (int32_t)l->n ? l->v[k + 1].s : "---";
            /* the code slot was pushed as a word just before: replace it */
            if (out->n > 0 && out->v[out->n - 1].kind == SQ_WORD && out->v[out->n - 1].pl == k + 1)
                out->n--;
            q = &out->v[out->n];
            q->s = code;
            q->id = 0;
            q->pl = k;
            q->kind = SQ_NE;
            out->n++;
        } else if (f & SUB_NEC) {
            q->s = s;
            q->id = 0;
            q->pl = k;
            q->kind = s[0] == '(' ? SQ_NEC_OPEN : SQ_NEC_CLOSE;
            out->n++;
        } else if (f & SUB_TNE) {
            q->s = s;
            q->id = 0;
            q->pl = k;
            q->kind = SQ_NE_CLOSE;
            out->n++;
        } else if (!(f & (DT__PL_MOPEN | DT__PL_MCLOSE))) {
            q->s = s;
            q->id = l->v[k].id;
            q->pl = k;
            q->kind = SQ_WORD;
            out->n++;
        }
    }
    return 0;
}

/* Conjunctions that open a subordinate (adverbial) clause, and the
 * relative pronouns that open a relative one: what follows is another
 * clause, with its own actors and verb. "that" is left out: it opens the
 * complement of a verb of saying, which patterns read on purpose. */
static int subordinator(const char *w)
{
    static const char *const sub[] = {"AS",      "WHILE", "WHILST",   "AFTER",   "BEFORE",
                                      "BECAUSE", "WHEN",  "ALTHOUGH", "THOUGH",  "SINCE",
                                      "IF",      "UNTIL", "TILL",     "WHEREAS", "UNLESS",
                                      "WHICH",   "WHO",   "WHOM",     "WHOSE",   "WHERE"};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
        if (streq(w, sub[i]))
            return 1;
    return 0;
}

/* The plist index of the conjunction or relative pronoun that opens the
 * SBAR at k (before its first verb), or -1 for a complement clause. */
static int32_t sbar_gate(const dt__plist *l, uint32_t k)
{
    for (uint32_t j = k + 1; j < l->n; j++) {
        const char *s = l->v[j].s;
        if (streq(s, "~SBAR") || starts_with(s, "(VP") || starts_with(s, "(VB") ||
            starts_with(s, "(MD"))
            return -1;
        if (!is_markup(s) && j > 0 &&
            (streq(l->v[j - 1].s, "(IN") || starts_with(l->v[j - 1].s, "(W")) && subordinator(s))
            return (int32_t)j;
    }
    return -1;
}

/* After the verb, up to the end of its verb phrase. */
static int lower_seq(sctx *x, uint32_t k, const char *endtag, seq *out)
{
    dt__plist *l = &x->pl;
    if (seq_buffers(x) < 0)
        return DT_ENOMEM;
    out->v = x->lobuf;
    out->n = 0;
    out->wall = out->gate = UINT32_MAX;
    int32_t gate_pl = -1;
    /* PETRARCH tests "endtag in item", a substring test: "~VP1" also
     * ends at "~VP12". Kept: it bounds the lower part the same way. */
    while (k < l->n && !item_has_tag(&l->v[k], endtag)) {
        const char *s = l->v[k].s;
        unsigned f = l->v[k].f;
        sq *q = &out->v[out->n];
        if (!(f & (DT__PL_MOPEN | DT__PL_MCLOSE | SUB_NEC | SUB_TNE)) && (int32_t)k != gate_pl) {
            /* a plain word (the common case; the tests below agree) */
            q->s = s;
            q->id = l->v[k].id;
            q->pl = (int32_t)k;
            q->kind = SQ_WORD;
            out->n++;
            k++;
            continue;
        }
        if (out->wall == UINT32_MAX && starts_with(s, "(SBAR")) {
            gate_pl = sbar_gate(l, k);
            if (gate_pl >= 0)
                out->wall = out->n;
        }
        if ((int32_t)k == gate_pl)
            out->gate = out->n;
        if (is_ne_open(s)) {
            q->s = k + 1 < l->n ? l->v[k + 1].s : "---";
            q->id = 0;
            q->pl = (int32_t)k;
            q->kind = SQ_NE;
            out->n++;
            k++;
        } else if (f & SUB_NEC) {
            q->s = s;
            q->id = 0;
            q->pl = (int32_t)k;
            q->kind = s[0] == '(' ? SQ_NEC_OPEN : SQ_NEC_CLOSE;
            out->n++;
        } else if (f & SUB_TNE) {
            q->s = s;
            q->id = 0;
            q->pl = (int32_t)k;
            q->kind = SQ_NE_CLOSE;
            out->n++;
        } else if (!(f & (DT__PL_MOPEN | DT__PL_MCLOSE))) {
            q->s = s;
            q->id = l->v[k].id;
            q->pl = (int32_t)k;
            q->kind = SQ_WORD;
            out->n++;
        }
        k++;
    }
    if (k >= l->n)
        x->parse_error = 1;
    if (out->wall == UINT32_MAX || out->gate == UINT32_MAX)
        out->wall = out->gate = out->n;
    return 0;
}

/* ---- pattern matching -------------------------------------------- */

#define LOC_NONE (-1)

/* One pattern against the sequences around a verb. Elements after the
 * verb are matched left to right in the lower sequence, elements before
 * it right to left (nearest the verb first) in the upper sequence. Words
 * may intervene unless the element was joined with '_' to its neighbour
 * towards the verb; markup never counts as an intervening word. */
typedef struct pm {
    sctx *x;
    const seq *up, *lo;
    const uint32_t *lo_ids, *up_ids_text;
    const uint8_t *lo_in_ne, *up_in_ne;
    const int32_t *lo_actor;
    const dt_dict_pelem *el;
    uint32_t nel, vp;
    uint32_t *memo; /* failure stamps: [(k * (n+1) + i) * 2 + gap] */
    uint32_t stamp;
    int32_t lsrc, ltgt, usrc, utgt;
    int crossed; /* an element named the conjunction at lo->gate */
} pm;

static uint32_t *memo_slot(pm *m, uint32_t k, uint32_t i, int gap, uint32_t n)
{
    return &m->memo[((size_t)k * (n + 1) + i) * 2 + (gap ? 1 : 0)];
}

static uint32_t next_kind(const seq *s, uint32_t i, int kind)
{
    while (i < s->n && s->v[i].kind != kind)
        i++;
    return i;
}

static int lo_match(pm *m, uint32_t k, uint32_t i, int gap)
{
    if (k >= m->nel)
        return 1;
    const seq *s = m->lo;
    if (i >= s->n)
        return 0;
    const dt_dict_pelem *e = &m->el[k];
    if (e->adj && gap)
        return 0;
    if (i >= s->wall && !m->crossed) {
        /* the subordinate clause is open to a pattern only through its
         * conjunction, named as a word ("$ * AFTER +") */
        if (i > s->gate || e->kind != DT_PEL_WORD || (e->adj && i < s->gate))
            return 0;
        const sq *g = &s->v[s->gate];
        if (g->kind != SQ_WORD || !g->id || g->id != e->value)
            return 0;
        m->crossed = 1;
        if (lo_match(m, k + 1, s->gate + 1, 0))
            return 1;
        m->crossed = 0;
        return 0;
    }
    uint32_t *slot = memo_slot(m, k - m->vp - 1, i, gap, s->n);
    if (*slot == m->stamp)
        return 0;
    const sq *q = &s->v[i];
    switch (e->kind) {
    case DT_PEL_WORD:
        if (q->kind == SQ_WORD && q->id && q->id == e->value && lo_match(m, k + 1, i + 1, 0))
            return 1;
        break;
    case DT_PEL_SYNSET:
        if (q->kind == SQ_WORD && q->id) {
            size_t n = dt_dict_synset_match(m->x->d, e->value, m->lo_ids + i, s->n - i);
            if (n > 0 && lo_match(m, k + 1, i + (uint32_t)n, 0))
                return 1;
        }
        break;
    case DT_PEL_SOURCE:
    case DT_PEL_TARGET: {
        int32_t at = q->kind == SQ_NE                         ? (int32_t)i
                     : (q->kind == SQ_WORD && m->lo_in_ne[i]) ? m->lo_actor[i]
                                                              : LOC_NONE;
        if (at != LOC_NONE) {
            int32_t *b = e->kind == DT_PEL_SOURCE ? &m->lsrc : &m->ltgt;
            int32_t save = *b;
            *b = at;
            if (lo_match(m, k + 1, q->kind == SQ_NE ? i + 1 : i, 0))
                return 1;
            *b = save;
        }
        break;
    }
    case DT_PEL_SKIP:
        if (q->kind == SQ_NE || (q->kind == SQ_WORD && m->lo_in_ne[i])) {
            uint32_t j = next_kind(s, i, SQ_NE_CLOSE);
            if (j < s->n && lo_match(m, k + 1, j + 1, 0))
                return 1;
        }
        break;
    case DT_PEL_COMPOUND:
        /* a compound after the verb is the target */
        if (q->kind == SQ_NEC_OPEN) {
            uint32_t j = next_kind(s, i, SQ_NEC_CLOSE);
            int32_t save = m->ltgt;
            m->ltgt = (int32_t)i;
            if (lo_match(m, k + 1, j + 1, 0))
                return 1;
            m->ltgt = save;
        }
        break;
    default:
        break;
    }
    if (lo_match(m, k, i + 1, q->kind == SQ_WORD ? 1 : gap))
        return 1;
    *slot = m->stamp;
    return 0;
}

/* k counts upper elements matched so far; the element is el[vp-1-k]. */
static int up_match(pm *m, uint32_t k, uint32_t i, int gap)
{
    if (k >= m->vp)
        return 1;
    const seq *s = m->up;
    if (i >= s->n)
        return 0;
    uint32_t ei = m->vp - 1 - k;
    const dt_dict_pelem *e = &m->el[ei];
    if (m->el[ei + 1].adj && gap)
        return 0;
    uint32_t *slot = memo_slot(m, k, i, gap, s->n);
    if (*slot == m->stamp)
        return 0;
    const sq *q = &s->v[i];
    switch (e->kind) {
    case DT_PEL_WORD:
        if (q->kind == SQ_WORD && q->id && q->id == e->value && up_match(m, k + 1, i + 1, 0))
            return 1;
        break;
    case DT_PEL_SYNSET:
        if (q->kind == SQ_WORD && q->id) {
            size_t n = dt_dict_synset_match_back(m->x->d, e->value, m->up_ids_text, s->n - i);
            if (n > 0 && up_match(m, k + 1, i + (uint32_t)n, 0))
                return 1;
        }
        break;
    case DT_PEL_SOURCE:
    case DT_PEL_TARGET:
    case DT_PEL_SKIP:
        if (q->kind == SQ_NE_CLOSE || q->kind == SQ_NE || (q->kind == SQ_WORD && m->up_in_ne[i])) {
            uint32_t j = next_kind(s, i, SQ_NE);
            if (j < s->n) {
                int32_t *b = e->kind == DT_PEL_SOURCE   ? &m->usrc
                             : e->kind == DT_PEL_TARGET ? &m->utgt
                                                        : NULL;
                int32_t save = b ? *b : 0;
                if (b)
                    *b = (int32_t)j;
                if (up_match(m, k + 1, j + 1, 0))
                    return 1;
                if (b)
                    *b = save;
            }
        }
        break;
    case DT_PEL_COMPOUND:
        /* A compound before the verb acts on itself ("X and Y have
         * delayed": X->Y and Y->X) unless the pattern binds a target after
         * the verb. */
        if (q->kind == SQ_NEC_CLOSE) {
            uint32_t j = next_kind(s, i, SQ_NEC_OPEN);
            if (j < s->n) {
                int32_t s1 = m->usrc, s2 = m->utgt;
                m->usrc = m->utgt = (int32_t)j;
                if (up_match(m, k + 1, j + 1, 0))
                    return 1;
                m->usrc = s1;
                m->utgt = s2;
            }
        }
        break;
    default:
        break;
    }
    if (up_match(m, k, i + 1, q->kind == SQ_WORD ? 1 : gap))
        return 1;
    *slot = m->stamp;
    return 0;
}

/* ---- events ------------------------------------------------------ */

typedef struct loc {
    int up;      /* 1: in the upper sequence */
    int32_t idx; /* index in that sequence, LOC_NONE if none */
} loc;

typedef struct codeitem {
    const char *code;
    int32_t ne; /* phrase-list index of the NE */
} codeitem;

static const char *ne_text(sctx *x, int32_t ne)
{
    dt__plist *l = &x->pl;
    char buf[1024];
    size_t n = 0;
    buf[n++] = '"';
    for (uint32_t k = (uint32_t)ne + 2; k < l->n && l->v[k].s[0] != '~'; k++) {
        const char *s = l->v[k].s;
        if (s[0] == '(')
            break;
        size_t m = strlen(s);
        if (n + m + 3 >= sizeof buf)
            break;
        if (n > 1)
            buf[n++] = ' ';
        memcpy(buf + n, s, m);
        n += m;
    }
    buf[n++] = '"';
    return dt_arena_strndup(x->a, buf, n);
}

static int count_spaces(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

static void add_code(sctx *x, const sq *q, codeitem *out, uint32_t *n, uint32_t cap)
{
    const char *code = q->s;
    if (*n >= cap)
        return;
    if (!streq(code, "---")) {
        out[(*n)++] = (codeitem){code, q->pl};
    } else if (x->c->opt.new_actor_length > 0) {
        const char *ph = ne_text(x, q->pl);
        if (ph && count_spaces(ph) < x->c->opt.new_actor_length)
            out[(*n)++] = (codeitem){ph, q->pl};
        else
            out[(*n)++] = (codeitem){"---", q->pl};
    }
}

/* Codes at a location: each member of a compound, or the single NE;
 * "xxx/yyy" codes are split. */
static uint32_t loc_codes(sctx *x, const seq *up, const seq *lo, loc L, codeitem *out, uint32_t cap)
{
    uint32_t n = 0;
    const seq *sqs = L.up ? up : lo;
    if (L.idx < 0 || (uint32_t)L.idx >= sqs->n)
        return 0;
    const sq *q = &sqs->v[L.idx];
    if (q->kind == SQ_NEC_OPEN) {
        if (L.up) {
            for (int32_t k = L.idx - 1; k >= 0 && sqs->v[k].kind != SQ_NEC_CLOSE; k--)
                if (sqs->v[k].kind == SQ_NE)
                    add_code(x, &sqs->v[k], out, &n, cap);
        } else {
            for (uint32_t k = (uint32_t)L.idx + 1; k < sqs->n && sqs->v[k].kind != SQ_NEC_CLOSE;
                 k++)
                if (sqs->v[k].kind == SQ_NE)
                    add_code(x, &sqs->v[k], out, &n, cap);
        }
    } else if (q->kind == SQ_NE) {
        add_code(x, q, out, &n, cap);
    } else {
        return 0;
    }
    if (n == 0)
        out[n++] = (codeitem){"---", q->pl};
    /* expand compound codes XXX/YYY */
    codeitem tmp[64];
    uint32_t m = 0;
    for (uint32_t i = 0; i < n && m < 64; i++) {
        const char *c = out[i].code;
        if (c[0] != '"' && strchr(c, '/')) {
            const char *p = c;
            while (*p && m < 64) {
                const char *e = strchr(p, '/');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                const char *part = dt_arena_strndup(x->a, p, len);
                if (part)
                    tmp[m++] = (codeitem){part, out[i].ne};
                p = e ? e + 1 : p + len;
            }
        } else {
            tmp[m++] = out[i];
        }
    }
    if (m > cap)
        m = cap;
    memcpy(out, tmp, (size_t)m * sizeof *out);
    return m;
}

static int push_ev(sctx *x, const ev *e)
{
    if (x->nev == x->capev) {
        uint32_t nc = x->capev ? x->capev * 2 : 16;
        ev *nv = dt_arena_alloc(x->a, (size_t)nc * sizeof *nv);
        if (!nv)
            return DT_ENOMEM;
        if (x->nev)
            memcpy(nv, x->evs, (size_t)x->nev * sizeof *nv);
        x->evs = nv;
        x->capev = nc;
    }
    x->evs[x->nev++] = *e;
    return 0;
}

/* The country part of an actor code ("CHN" of "CHNGOV"), or NULL: quoted
 * new actors, "---" and multinational prefixes give none. */
static int has_country(const char *c)
{
    for (int i = 0; i < 3; i++)
        if (c[i] < 'A' || c[i] > 'Z')
            return 0;
    return strncmp(c, "IGO", 3) != 0 && strncmp(c, "NGO", 3) != 0 && strncmp(c, "IMG", 3) != 0;
}

/* Option agent_country: an agent with no country ("the foreign ministry",
 * ---GOV) takes the country of the nearest coded actor of the sentence,
 * other than the event's other side ("The foreign ministry criticised
 * Japan" is not Japan's ministry). Unchanged when there is none. */
static const char *agent_country(sctx *x, const char *code, int32_t ne, const char *other)
{
    int on = x->c->opt.agent_country > 0 || (x->c->opt.agent_country < 0 && x->c->own_format);
    if (!on || strncmp(code, "---", 3) != 0 || !code[3] || ne < 0)
        return code;
    const dt__plist *l = &x->pl;
    uint32_t best = UINT32_MAX;
    const char *bc = NULL;
    for (uint32_t k = 0; k + 1 < l->n; k++) {
        if (!streq(l->v[k].s, "(NE"))
            continue;
        const char *c = l->v[k + 1].s;
        if (!has_country(c) || (other && has_country(other) && strncmp(c, other, 3) == 0))
            continue;
        uint32_t d = k > (uint32_t)ne ? k - (uint32_t)ne : (uint32_t)ne - k;
        if (d < best) {
            best = d;
            bc = c;
        }
    }
    /* Domestic events: when the other side is itself a country's agent
     * (police, authorities, protesters: KENCOP, KAZCVL), not a state acting
     * abroad, a bare agent facing it is of the same country ("Kenyan police
     * fired on protesters", "Protesters in Kazakhstan stormed government
     * buildings"; rebels fight at home: "Boko Haram militants abducted
     * schoolgirls"). Armed forces and spies act abroad as often, so they
     * give nothing ("Israeli troops opened fire on crowds"). */
    if (!bc && other && has_country(other) && strlen(other) >= 6 &&
        strncmp(other + 3, "MIL", 3) != 0 && strncmp(other + 3, "SPY", 3) != 0)
        bc = other;
    if (!bc)
        return code;
    size_t n = strlen(code);
    char *out = dt_arena_alloc(x->a, n + 1);
    if (!out)
        return code;
    memcpy(out, bc, 3);
    memcpy(out + 3, code + 3, n - 3 + 1);
    return out;
}

/* A state's own organ acting on its whole nation in a way that only
 * passes between parties (cooperation, demands, disapproval, rejection,
 * threats, shows of force, cutting relations: roots 03-08, 10-13, 15,
 * 16): "Mattis warned that any threat to the United States ..." is not
 * USAGOV -> USA 138, and "Ri said Trump had declared war on North Korea"
 * not PRKGOV -> PRK. A nation's domestic acts (protest, repression,
 * violence, a state of emergency) keep such a dyad. Built-in
 * dictionaries only. */
static int self_dyad(const sctx *x, const char *src, const char *tgt, const char *code)
{
    if (!x->c->own_format || strlen(tgt) != 3 || strlen(src) <= 3 || strncmp(src, tgt, 3) ||
        streq(tgt, "---"))
        return 0;
    const dt_cameo_entry *ce = dt__cameo(&x->c->order, code);
    if (!ce)
        return 0;
    int r = ce->root;
    return (r >= 3 && r <= 8) || (r >= 10 && r <= 13) || r == 15 || r == 16;
}

static void make_events(sctx *x, const codeitem *s, uint32_t ns, const codeitem *t, uint32_t nt,
                        const char *code, const ev *proto)
{
    for (uint32_t i = 0; i < ns; i++)
        for (uint32_t j = 0; j < nt; j++) {
            if (streq(s[i].code, t[j].code))
                continue; /* no self-reference */
            ev e = *proto;
            e.code = code;
            if (proto->passive) {
                e.src = t[j].code;
                e.src_ne = t[j].ne;
                e.tgt = s[i].code;
                e.tgt_ne = s[i].ne;
            } else {
                e.src = s[i].code;
                e.src_ne = s[i].ne;
                e.tgt = t[j].code;
                e.tgt_ne = t[j].ne;
            }
            const char *s0 = e.src, *t0 = e.tgt;
            e.src = agent_country(x, s0, e.src_ne, t0);
            e.tgt = agent_country(x, t0, e.tgt_ne, s0);
            if (streq(e.src, e.tgt) || self_dyad(x, e.src, e.tgt, code))
                continue;
            (void)push_ev(x, &e);
        }
}

static void make_event_strings(sctx *x, const seq *up, const seq *lo, loc S, loc T,
                               const char *code, const ev *proto)
{
    codeitem sc[64], tc[64];
    uint32_t ns = loc_codes(x, up, lo, S, sc, 64);
    uint32_t nt = loc_codes(x, up, lo, T, tc, 64);
    if (nt == 0 && proto->monadic)
        tc[nt++] = (codeitem){"---", -1};
    if (ns == 0 || nt == 0)
        return;
    const char *colon = strchr(code, ':');
    if (colon) {
        if (streq(sc[0].code, "---") || streq(tc[0].code, "---")) {
            if (streq(tc[0].code, "---")) {
                memcpy(tc, sc, (size_t)ns * sizeof *sc);
                nt = ns;
            } else {
                memcpy(sc, tc, (size_t)nt * sizeof *tc);
                ns = nt;
            }
        }
        const char *c1 = dt_arena_strndup(x->a, code, (size_t)(colon - code));
        const char *c2 = colon + 1;
        if (c1) {
            make_events(x, sc, ns, tc, nt, c1, proto);
            make_events(x, tc, nt, sc, ns, c2, proto);
        }
    } else {
        make_events(x, sc, ns, tc, nt, code, proto);
    }
    /* A source-only action (a test, a drill, a protest): an uncoded or
     * missing target is no target at all, written empty, which
     * require_dyad (aimed at a side the coder failed to identify) keeps. */
    if (proto->monadic)
        for (uint32_t i = 0; i < x->nev; i++)
            if (x->evs[i].monadic && streq(x->evs[i].tgt, "---") && !streq(x->evs[i].src, "---")) {
                x->evs[i].tgt = "";
                x->evs[i].tgt_ne = -1;
            }
    if (x->c->opt.require_dyad) {
        uint32_t w = 0;
        for (uint32_t i = 0; i < x->nev; i++)
            if (!streq(x->evs[i].src, "---") && !streq(x->evs[i].tgt, "---"))
                x->evs[w++] = x->evs[i];
        x->nev = w;
    }
    /* remove duplicates, keeping the first */
    uint32_t w = 0;
    for (uint32_t i = 0; i < x->nev; i++) {
        int dup = 0;
        for (uint32_t j = 0; j < w && !dup; j++)
            dup = streq(x->evs[j].src, x->evs[i].src) && streq(x->evs[j].tgt, x->evs[i].tgt) &&
                  streq(x->evs[j].code, x->evs[i].code);
        if (!dup)
            x->evs[w++] = x->evs[i];
    }
    x->nev = w;
}

/* The first coded NE or compound after the verb. With the project's own
 * dictionaries (as for agent_country), a place named by "in" ("rallied in
 * Seoul to demand the resignation of President Park") only when no other
 * coded actor follows the verb; PETRARCH's own files (DEMO-17) want the
 * first one whatever it is. */
static loc find_target(const sctx *x, const seq *lo)
{
    for (int pass = x->c->own_format ? 0 : 1; pass < 2; pass++)
        for (uint32_t k = 0; k < lo->n; k++)
            if ((lo->v[k].kind == SQ_NEC_OPEN ||
                 (lo->v[k].kind == SQ_NE && !streq(lo->v[k].s, "---"))) &&
                (pass || k == 0 || lo->v[k - 1].kind != SQ_WORD || !streq(lo->v[k - 1].s, "IN")))
                return (loc){0, (int32_t)k};
    for (uint32_t k = 0; k < lo->n; k++)
        if (lo->v[k].kind == SQ_NE)
            return (loc){0, (int32_t)k};
    return (loc){0, LOC_NONE};
}

/* The first coded NE or compound before the verb, in sentence order,
 * whose code is not the target's; failing that, any NE. (PETRARCH-1's
 * unit tests want the subject's head actor, not the nearest actor: "X's
 * envoy to Y called on Z" has source X.) */
static loc find_source(const seq *up, const seq *lo, loc T)
{
    const char *tcode = NULL;
    if (T.idx >= 0) {
        const seq *ts = T.up ? up : lo;
        const sq *q = &ts->v[T.idx];
        /* a null-coded target excludes nothing */
        if (q->kind == SQ_NE && !streq(q->s, "---"))
            tcode = q->s;
    }
    /* In sentence order: the upper sequence runs from the verb back. */
    for (uint32_t k = up->n; k-- > 0;) {
        const sq *q = &up->v[k];
        if (q->kind == SQ_NEC_OPEN)
            return (loc){1, (int32_t)k};
        if (q->kind == SQ_NE && !streq(q->s, "---") && !(tcode && ends_with(q->s, tcode)))
            return (loc){1, (int32_t)k};
    }
    for (uint32_t k = up->n; k-- > 0;) {
        const sq *q = &up->v[k];
        if (q->kind == SQ_NE && !(tcode && ends_with(q->s, tcode)))
            return (loc){1, (int32_t)k};
    }
    return (loc){1, LOC_NONE};
}

/* Passive: "was VBN ... by" inside the verb phrase; returns the index of
 * the past participle, 0 if not passive (PETRARCH's check_passive). */
static uint32_t check_passive(sctx *x, uint32_t kitem, uint32_t endtag_at)
{
    dt__plist *l = &x->pl;
    int32_t vbn = pl_index(l, "(VBN", kitem + 3, endtag_at);
    if (vbn < 0)
        return 0;
    int32_t pp = pl_index(l, "~VBN", kitem + 3, l->n);
    if (pp < 0)
        return 0;
    int32_t by = pl_index(l, "BY", (uint32_t)pp + 3, endtag_at);
    if (by < 0)
        return 0;
    /* "has been rejected by": the participle is the last one before BY,
     * not the auxiliary "been" (PETRARCH-1 took the first and missed
     * these). */
    for (;;) {
        int32_t nx = pl_index(l, "~VBN", (uint32_t)pp + 1, (uint32_t)by);
        if (nx < 0)
            break;
        pp = nx;
    }
    for (int32_t ka = pp - 3; ka > (int32_t)kitem; ka--) {
        if (item_has_tag(&l->v[ka], "~VB")) {
            const char *w = l->v[ka - 1].s;
            if (streq(w, "WAS") || streq(w, "IS") || streq(w, "BEEN") || streq(w, "WERE") ||
                streq(w, "ARE"))
                return (uint32_t)pp - 1;
        }
    }
    return 0;
}

/* An adverb between a form's words before the verb and the verb itself
 * ("would totally destroy", "will soon impose"): passed over like markup.
 * Negation is not ("will not attack" is the NEGATED form, not "will
 * attack"). */
static int skip_adverb(const sctx *x, uint32_t k)
{
    int32_t t = x->pl.v[k].tok;
    if (t < 0 || !x->doc || (size_t)t >= x->doc->ntok)
        return 0;
    const dt_token *tk = &x->doc->tok[t];
    if (tk->pos != DT_POS_RB && tk->pos != DT_POS_RBR && tk->pos != DT_POS_RBS)
        return 0;
    const char *w = x->pl.v[k].s;
    return !(streq(w, "NOT") || streq(w, "N'T") || streq(w, "NT") || streq(w, "NEVER"));
}

/* Tag of the token at phrase-list index k, DT_POS_NONE if none. */
static int verb_pos(const sctx *x, uint32_t k)
{
    int32_t t = x->pl.v[k].tok;
    if (t < 0 || !x->doc || (size_t)t >= x->doc->ntok)
        return DT_POS_NONE;
    return x->doc->tok[t].pos;
}

/* Is the "to" at phrase-list index b the infinitive marker of a verb of
 * expectation or intent ("is expected to", "likely to", "preparing to",
 * "plans to")? Then what follows is announced, not done, as after "will".
 * Sets *before to the index before that verb. */
static int intent_to(const sctx *x, int32_t b, int32_t *before)
{
    static const char *const cat[] = {
        "EXPECTED", "EXPECTS",  "EXPECT",    "LIKELY",  "PREPARING", "PREPARES",
        "PREPARED", "PLANS",    "PLANNING",  "PLANNED", "PLAN",      "INTENDS",
        "INTEND",   "INTENDED", "INTENDING", "POISED",  "SET",       "READY",
        "GOING",    "DUE",      "AIMS",      "AIMING",  "WANTS",     "WANT",
        "WANTED",   "HOPES",    "HOPING",    "HOPE",    "VOWED",     "VOWS",
        "VOWING",   "PROMISED", "PROMISES",  "PLEDGED", "PLEDGES",   NULL};
    const dt__plist *l = &x->pl;
    if (b < 0 || !streq(l->v[b].s, "TO"))
        return 0;
    int32_t k = b - 1;
    while (k >= 0 && (is_markup(l->v[k].s) || skip_adverb(x, (uint32_t)k)))
        k--;
    if (k < 0)
        return 0;
    for (int i = 0; cat[i]; i++)
        if (streq(l->v[k].s, cat[i])) {
            *before = k - 1;
            return 1;
        }
    return 0;
}

/* Does the multi-word form f fit around the verb at index kv? Sets the
 * first and last phrase-list index of the verb. */
static int form_fits(sctx *x, const dt_dict_verb_form *f, uint32_t kv, uint32_t kvp,
                     uint32_t *vstart, uint32_t *vend)
{
    dt__plist *l = &x->pl;
    const uint32_t *w = dt_dict_word_ids(x->d);
    uint32_t k = kv + 1;
    for (uint32_t j = 0; j < f->npost; j++) {
        /* the code slot after "(NE" is no word: "held talks" when "talks"
         * opens the object noun phrase; a skippable word the form itself
         * names is taken, not skipped ("declared a truce", "paid a visit") */
        while (k < l->n && l->v[k].id != w[f->post + j] &&
               (skip_item(l->v[k].s) || streq(l->v[k - 1].s, "(NE")))
            k++;
        if (k >= l->n || l->v[k].id != w[f->post + j])
            return 0;
        *vend = k;
        k++;
    }
    int32_t b = (int32_t)kvp - 1;
    for (uint32_t j = f->npre; j-- > 0;) {
        while (b >= 0 && l->v[b].id != w[f->pre + j] &&
               (skip_item(l->v[b].s) || (b > 0 && streq(l->v[b - 1].s, "(NE")) ||
                skip_adverb(x, (uint32_t)b)))
            b--;
        /* "would restore the measures and deploy weapons", "did not attack
         * Gondor and seize its ports": a base form after "and"/"or" shares
         * the modal or negation of the verb it is coordinated with (no
         * finite verb in between). */
        if (f->npre == 1 && b >= 0 && l->v[b].id != w[f->pre + j] &&
            (streq(l->v[b].s, "AND") || streq(l->v[b].s, "OR")) && verb_pos(x, kv) == DT_POS_VB) {
            int32_t m = b - 1;
            for (; m >= 0 && m + 40 > b && l->v[m].id != w[f->pre + j]; m--) {
                int p = verb_pos(x, (uint32_t)m);
                if (p == DT_POS_VBD || p == DT_POS_VBZ || p == DT_POS_VBP || p == DT_POS_MD ||
                    p == DT_POS_PERIOD) {
                    m = -1;
                    break;
                }
            }
            if (m >= 0 && m + 40 > b && l->v[m].id == w[f->pre + j]) {
                *vstart = (uint32_t)m;
                b = m - 1;
                continue;
            }
        }
        /* "is expected to attack" is coded as "will attack" */
        int32_t nb;
        if (f->npre == 1 && x->will_id && w[f->pre + j] == x->will_id && intent_to(x, b, &nb)) {
            *vstart = (uint32_t)b;
            b = nb;
            continue;
        }
        if (b < 0 || l->v[b].id != w[f->pre + j])
            return 0;
        *vstart = (uint32_t)b;
        b--;
    }
    return 1;
}

static void tok_span(sctx *x, uint32_t a, uint32_t b, int32_t *first, int32_t *last)
{
    *first = *last = -1;
    for (uint32_t k = a; k <= b && k < x->pl.n; k++) {
        int32_t t = x->pl.v[k].tok;
        if (t < 0)
            continue;
        if (*first < 0 || t < *first)
            *first = t;
        if (t > *last)
            *last = t;
    }
}

/* Mark the synsets that occur (consecutively, as the matcher would take
 * them) in the lower and upper word ids; 0 or DT_ENOMEM. */
static int synsets_present(sctx *x, const uint32_t *lo, uint32_t nlo, const uint32_t *up,
                           uint32_t nup)
{
    const dt_dict_phrase_set *ss = dt_dict_synset_phrases(x->d);
    if (!x->syn_lo) {
        uint32_t nsyn = 0;
        (void)dt_dict_synsets(x->d, &nsyn);
        x->nsyn = nsyn;
        x->syn_lo = dt_arena_calloc(x->a, (size_t)nsyn + 1, sizeof *x->syn_lo);
        x->syn_up = dt_arena_calloc(x->a, (size_t)nsyn + 1, sizeof *x->syn_up);
        x->synl_lo = dt_arena_alloc(x->a, ((size_t)nsyn + 1) * sizeof *x->synl_lo);
        x->synl_up = dt_arena_alloc(x->a, ((size_t)nsyn + 1) * sizeof *x->synl_up);
        if (!x->syn_lo || !x->syn_up || !x->synl_lo || !x->synl_up) {
            x->syn_lo = x->syn_up = NULL;
            return DT_ENOMEM;
        }
    }
    uint32_t st = ++x->synstamp;
    x->nsynl_lo = x->nsynl_up = 0;
    const dt__order *o = &x->c->order;
    for (int side = 0; side < 2; side++) {
        const uint32_t *ids = side ? up : lo;
        uint32_t n = side ? nup : nlo;
        uint32_t *mark = side ? x->syn_up : x->syn_lo;
        uint32_t *list = side ? x->synl_up : x->synl_lo;
        uint32_t *nlist = side ? &x->nsynl_up : &x->nsynl_lo;
        for (uint32_t i = 0; i < n; i++) {
            /* most words start no synset phrase: one bit says so */
            if (ids[i] >= o->nsynfirst || !(o->synfirst[ids[i] >> 6] & (1ull << (ids[i] & 63))))
                continue;
            uint32_t node = 0;
            for (uint32_t j = i; j < n; j++) {
                node = dt_dict_trie_step(ss, node, ids[j]);
                if (node == DT_DICT_NONE)
                    break;
                const dt_dict_trie_node *nd = &ss->nodes[node];
                for (uint32_t v = 0; v < nd->nvalues; v++) {
                    uint32_t syn = ss->phrases[ss->values[nd->first_value + v]].entry;
                    if (syn < x->nsyn && mark[syn] != st) {
                        mark[syn] = st;
                        list[(*nlist)++] = syn;
                    }
                }
            }
        }
    }
    return 0;
}

/* Can every literal word and synset a pattern lists be found on its side
 * of the verb? A no means the pattern cannot match; a yes (words go
 * through a Bloom filter) means it has to be tried. */
static int needs_present(const sctx *x, const uint32_t *rq, uint32_t n, uint64_t bloom[2][4])
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = rq[i] & DT__RQ_VALUE;
        int upper = (rq[i] & DT__RQ_UPPER) != 0;
        if (rq[i] & DT__RQ_SYNSET) {
            const uint32_t *mark = upper ? x->syn_up : x->syn_lo;
            if (v < x->nsyn && mark[v] != x->synstamp)
                return 0;
        } else if (!(bloom[upper][(v >> 6) & 3] & (1ull << (v & 63)))) {
            return 0;
        }
    }
    return 1;
}

/* Try idx position r: 1 (and the pattern index and any source/target
 * its markers bound) if it matches. */
static int try_pattern(sctx *x, pm *m, uint32_t r, const dt_dict_pattern *pats,
                       const dt_dict_pelem *el, uint64_t bloom[2][4], uint32_t *patidx, loc *S,
                       loc *T, int *crossed)
{
    const dt__order *o = &x->c->order;
    if (!needs_present(x, o->rq + o->rfirst[r], o->rfirst[r + 1] - o->rfirst[r], bloom))
        return 0;
    const dt_dict_pattern *p = &pats[o->idx[r]];
    m->el = el + p->first_elem;
    m->nel = p->nelem;
    m->vp = p->verb_pos;
    m->lsrc = m->ltgt = m->usrc = m->utgt = LOC_NONE;
    m->crossed = 0;
    m->stamp++;
    if (!lo_match(m, m->vp + 1, 0, 0))
        return 0;
    m->stamp++;
    if (!up_match(m, 0, 0, 0))
        return 0;
    x->stamp = m->stamp;
    *patidx = o->idx[r];
    *crossed = m->crossed;
    if (m->lsrc != LOC_NONE)
        *S = (loc){0, m->lsrc};
    else if (m->usrc != LOC_NONE)
        *S = (loc){1, m->usrc};
    if (m->ltgt != LOC_NONE)
        *T = (loc){0, m->ltgt};
    else if (m->utgt != LOC_NONE)
        *T = (loc){1, m->utgt};
    return 1;
}

/* Try the block's patterns, most specific first; the first that fits
 * gives the pattern index and any source/target its markers bound. */
static int match_block(sctx *x, uint32_t block, const seq *up, const seq *lo, uint32_t *patidx,
                       loc *S, loc *T, int *crossed)
{
    *crossed = 0;
    const dt__order *o = &x->c->order;
    *patidx = UINT32_MAX;
    if (block >= o->nblocks || o->first[block] == o->first[block + 1])
        return 0;
    uint32_t np = 0;
    const dt_dict_pattern *pats = dt_dict_patterns(x->d, &np);
    const dt_dict_pelem *el = dt_dict_pattern_elems(x->d);
    uint32_t nlo = lo->n, nup = up->n;
    uint32_t need = (nlo > nup ? nlo : nup) + 1;
    if (need > x->matchcap) {
        uint32_t cap = need * 2;
        x->lo_ids = dt_arena_alloc(x->a, (size_t)cap * sizeof *x->lo_ids);
        x->up_ids = dt_arena_alloc(x->a, (size_t)cap * sizeof *x->up_ids);
        x->lo_in_ne = dt_arena_alloc(x->a, cap);
        x->up_in_ne = dt_arena_alloc(x->a, cap);
        x->lo_actor = dt_arena_alloc(x->a, (size_t)cap * sizeof *x->lo_actor);
        x->matchcap = cap;
    }
    uint32_t *lo_ids = x->lo_ids, *up_ids = x->up_ids;
    uint8_t *lo_in_ne = x->lo_in_ne, *up_in_ne = x->up_in_ne;
    int32_t *lo_actor = x->lo_actor;
    uint32_t nmax = (nlo > nup ? nlo : nup) + 1;
    size_t mneed = ((size_t)o->maxel[block] + 1) * nmax * 2;
    if (mneed > x->memo_cap) {
        /* stamps only grow within a call, so old contents never need
         * clearing; a fresh buffer restarts nothing */
        size_t cap = mneed * 2;
        uint32_t *nm = dt_arena_alloc(x->a, cap * sizeof *nm);
        if (!nm)
            return DT_ENOMEM;
        x->memo = nm;
        x->memo_cap = cap;
        x->memo_zeroed = 0;
    }
    if (mneed > x->memo_zeroed) {
        /* zeroed only as far as a verb has reached: most never need the
         * doubled capacity */
        memset(x->memo + x->memo_zeroed, 0, (mneed - x->memo_zeroed) * sizeof *x->memo);
        x->memo_zeroed = mneed;
    }
    if (!lo_ids || !up_ids || !lo_in_ne || !up_in_ne || !lo_actor) {
        x->matchcap = 0;
        return DT_ENOMEM;
    }
    uint64_t bloom[2][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}}; /* [0] lower, [1] upper words */
    int in_ne = 0;
    int32_t actor = LOC_NONE;
    for (uint32_t i = 0; i < nlo; i++) {
        const sq *q = &lo->v[i];
        if (q->kind == SQ_NE) {
            in_ne = 1;
            actor = (int32_t)i;
        } else if (q->kind == SQ_NE_CLOSE) {
            in_ne = 0;
        }
        lo_in_ne[i] = (uint8_t)in_ne;
        lo_actor[i] = actor;
        lo_ids[i] = q->kind == SQ_WORD ? q->id : 0;
        bloom[0][(lo_ids[i] >> 6) & 3] |= 1ull << (lo_ids[i] & 63);
    }
    in_ne = 0;
    for (uint32_t i = 0; i < nup; i++) {
        const sq *q = &up->v[i];
        if (q->kind == SQ_NE_CLOSE)
            in_ne = 1;
        up_in_ne[i] = (uint8_t)in_ne;
        if (q->kind == SQ_NE)
            in_ne = 0;
        up_ids[nup - 1 - i] = q->kind == SQ_WORD ? q->id : 0;
        bloom[1][(up_ids[nup - 1 - i] >> 6) & 3] |= 1ull << (up_ids[nup - 1 - i] & 63);
    }
    if (synsets_present(x, lo_ids, nlo, up_ids, nup) < 0)
        return DT_ENOMEM;
    pm m;
    memset(&m, 0, sizeof m);
    m.x = x;
    m.up = up;
    m.lo = lo;
    m.lo_ids = lo_ids;
    m.up_ids_text = up_ids;
    m.lo_in_ne = lo_in_ne;
    m.up_in_ne = up_in_ne;
    m.lo_actor = lo_actor;
    m.memo = x->memo;
    m.stamp = x->stamp;
    uint32_t r0 = o->first[block], r1 = o->first[block + 1];
    if (!(o->big && o->big[block])) {
        for (uint32_t r = r0; r < r1; r++)
            if (try_pattern(x, &m, r, pats, el, bloom, patidx, S, T, crossed))
                return 0;
        x->stamp = m.stamp;
        return 0;
    }
    /* Indexed block: only the patterns whose first (rarest) requirement
     * is near the verb, and those without one, in their order. */
    if (!x->cand) {
        x->cand = dt_arena_alloc(x->a, ((size_t)o->maxblock / 64 + 1) * sizeof *x->cand);
        if (!x->cand)
            return DT_ENOMEM;
    }
    uint64_t *cand = x->cand;
    uint32_t nw = (r1 - r0 + 63) / 64;
    memset(cand, 0, (size_t)nw * sizeof *cand);
    const uint32_t *run;
    uint32_t nrun = o->ffirst[block + 1] - o->ffirst[block];
    run = o->kidx + o->ffirst[block];
    for (uint32_t q = 0; q < nrun; q++)
        cand[(run[q] - r0) >> 6] |= 1ull << ((run[q] - r0) & 63);
    for (int side = 0; side < 2; side++) {
        const uint32_t *ids = side ? up_ids : lo_ids;
        uint32_t nids = side ? nup : nlo;
        const uint32_t *syl = side ? x->synl_up : x->synl_lo;
        uint32_t nsyl = side ? x->nsynl_up : x->nsynl_lo;
        uint32_t up_bit = side ? DT__RQ_UPPER : 0;
        for (uint32_t i = 0; i < nids + nsyl; i++) {
            uint32_t key;
            if (i < nids) {
                if (ids[i] == 0 || ids[i] > DT__RQ_VALUE)
                    continue;
                key = ids[i] | up_bit;
            } else {
                key = syl[i - nids] | DT__RQ_SYNSET | up_bit;
            }
            run = dt__order_probe(o, block, key, &nrun);
            for (uint32_t q = 0; run && q < nrun; q++)
                cand[(run[q] - r0) >> 6] |= 1ull << ((run[q] - r0) & 63);
        }
    }
    for (uint32_t w = 0; w < nw; w++) {
        for (uint64_t bits = cand[w]; bits; bits &= bits - 1) {
            uint32_t r = r0 + w * 64 + (uint32_t)__builtin_ctzll(bits);
            if (try_pattern(x, &m, r, pats, el, bloom, patidx, S, T, crossed))
                return 0;
        }
    }
    x->stamp = m.stamp;
    return 0;
}

/* A marker bound one conjunct of a compound ("China and Russia urged":
 * '$' takes the NE nearest the verb, "Russia"); the actor is the whole
 * compound, so widen to it. In the upper sequence (verb backwards) the
 * compound's opening lies further from the verb; in the lower, before. */
static loc widen_to_compound(const seq *up, const seq *lo, loc L)
{
    if (L.idx < 0)
        return L;
    const seq *q = L.up ? up : lo;
    if ((uint32_t)L.idx >= q->n || q->v[L.idx].kind != SQ_NE)
        return L;
    if (L.up) {
        for (uint32_t k = (uint32_t)L.idx + 1; k < q->n; k++) {
            if (q->v[k].kind == SQ_NEC_CLOSE)
                return L;
            if (q->v[k].kind == SQ_NEC_OPEN)
                return (loc){1, (int32_t)k};
        }
    } else {
        for (int32_t k = L.idx - 1; k >= 0; k--) {
            if (q->v[k].kind == SQ_NEC_CLOSE)
                return L;
            if (q->v[k].kind == SQ_NEC_OPEN)
                return (loc){0, k};
        }
    }
    return L;
}

/* Does L name an actor: a compound, or an NE with a code? */
static int loc_coded(const seq *up, const seq *lo, loc L)
{
    const seq *q = L.up ? up : lo;
    if (L.idx < 0 || (uint32_t)L.idx >= q->n)
        return 0;
    const sq *e = &q->v[L.idx];
    return e->kind == SQ_NEC_OPEN || (e->kind == SQ_NE && !streq(e->s, "---"));
}

/* May this match code its source alone (option source_only)? CAMEO codes
 * some actions with no one acted upon: public statements (01), protests
 * (14) and shows of force (15: tests, exercises, mobilisation). Only when
 * the pattern does not itself ask for a target (no '+' or '%'): "$ *
 * &MISSILE over +" names one, "$ * &MISSILE" does not. */
static int source_only_code(const sctx *x, const char *code, uint32_t patidx)
{
    const dt_cameo_entry *ce = dt__cameo(&x->c->order, code);
    if (!ce || (ce->root != 1 && ce->root != 14 && ce->root != 15))
        return 0;
    uint32_t np = 0;
    const dt_dict_pattern *pats = dt_dict_patterns(x->d, &np);
    if (patidx >= np)
        return 1; /* the verb's own code */
    const dt_dict_pelem *el = dt_dict_pattern_elems(x->d) + pats[patidx].first_elem;
    for (uint16_t i = 0; i < pats[patidx].nelem; i++)
        if (el[i].kind == DT_PEL_TARGET || el[i].kind == DT_PEL_COMPOUND)
            return 0;
    return 1;
}

/* Option modality: does the verb group holding token tok report no act?
 * Negated ("did not attack") or a modal of mere possibility ("may
 * impose"). From the chunker's flags, so raw text only (a Treebank parse
 * has no chunks). */
static int unreal_verb(const sctx *x, int32_t tok)
{
    if (!x->c->opt.modality || tok < 0 || !x->doc || !x->sent || !x->doc->chunk)
        return 0;
    const dt_doctext *d = x->doc;
    for (uint32_t c = x->sent->chunk; c < x->sent->chunk + x->sent->nchunk && c < d->nchunk; c++) {
        const dt_chunk *ch = &d->chunk[c];
        if (ch->type != DT_CHUNK_VP || (uint32_t)tok < ch->first ||
            (uint32_t)tok >= ch->first + ch->n)
            continue;
        if (ch->flags & DT_CH_NEGATED)
            return 1;
        if (ch->flags & DT_CH_MODAL)
            for (uint32_t k = ch->first; k < ch->first + ch->n && k < d->ntok; k++) {
                const char *w = d->tok[k].norm;
                if (w && (streq(w, "MAY") || streq(w, "MIGHT") || streq(w, "COULD")))
                    return 1;
            }
        return 0;
    }
    return 0;
}

static int check_verbs(sctx *x)
{
    dt__plist *l = &x->pl;
    const dt_dicts *d = x->d;
    uint32_t nverbs = 0, nblocks = 0, npats = 0;
    const dt_dict_verb *verbs = dt_dict_verbs(d, &nverbs);
    const dt_dict_verb_block *blocks = dt_dict_verb_blocks(d, &nblocks);
    const dt_dict_pattern *pats = dt_dict_patterns(d, &npats);
    for (uint32_t kitem = 1; kitem + 2 < l->n; kitem++) {
        if (!item_has_tag(&l->v[kitem], "(VP") || !item_has_tag(&l->v[kitem + 1], "(VB"))
            continue;
        uint32_t vpstart = kitem;
        char endtag[40];
        {
            const char *s = l->v[vpstart].s;
            size_t ln = strlen(s + 1);
            if (ln > 38)
                ln = 38;
            endtag[0] = '~';
            memcpy(endtag + 1, s + 1, ln);
            endtag[ln + 1] = '\0';
        }
        int32_t endat = pl_index(l, endtag, 0, l->n);
        if (endat < 0)
            continue;
        uint32_t pv = check_passive(x, kitem, (uint32_t)endat);
        int passive = pv > 0;
        uint32_t kv = passive ? pv : kitem + 2;
        uint32_t kvp = passive ? pv - 2 : kitem; /* where the pre-verb words end */
        if (passive)
            kitem = pv - 2;
        uint32_t nf = 0;
        const dt_dict_verb_form *forms =
            l->v[kv].id ? dt_dict_verb_forms(d, l->v[kv].id, &nf) : NULL;
        if (!forms || nf == 0)
            continue;
        uint32_t vstart = kv, vend = kv;
        const dt_dict_verb_form *form = NULL;
        for (uint32_t i = 0; i < nf && !form; i++) {
            uint32_t s0 = kv, e0 = kv;
            if (form_fits(x, &forms[i], kv, kvp, &s0, &e0)) {
                form = &forms[i];
                vstart = s0;
                vend = e0;
            }
        }
        if (!form || form->verb >= nverbs)
            continue;
        const dt_dict_verb *vb = &verbs[form->verb];
        if (vb->block >= nblocks)
            continue;
        const dt_dict_verb_block *blk = &blocks[vb->block];
        const char *verbcode = dt__code_usable(vb->code) ? vb->code : "---";

        seq up, lo;
        if (upper_seq(x, (int32_t)vstart - 1, &up) < 0 || lower_seq(x, vend + 1, endtag, &lo) < 0)
            return DT_ENOMEM;
        if (x->parse_error)
            return 0;
        const char *code = NULL;
        uint32_t patidx = UINT32_MAX;
        loc S = {1, LOC_NONE}, T = {0, LOC_NONE};
        int crossed = 0;
        int rc = match_block(x, vb->block, &up, &lo, &patidx, &S, &T, &crossed);
        if (rc < 0)
            return rc;
        /* the verb's actors are in its own clause: a subordinate clause
         * after it is read only by a pattern that named its conjunction
         * (built-in dictionaries; PETRARCH's unit tests, COMMA-05, take an
         * unknown object's place from the clause after it) */
        if (!crossed && x->c->own_format && lo.wall < lo.n) {
            uint32_t full = lo.n;
            lo.n = lo.wall;
            /* a condition names the other party of an offer or a demand
             * ("agreed to dismantle it if the United States took
             * reciprocal steps"): its actor is the target when the verb's
             * own clause has none */
            const char *g = lo.v[lo.gate].s;
            if ((streq(g, "IF") || streq(g, "UNLESS")) && T.idx == LOC_NONE &&
                !loc_coded(&up, &lo, find_target(x, &lo)))
                lo.n = full;
        }
        if (patidx != UINT32_MAX)
            code = pats[patidx].code;
        else {
            /* the bare verb: PETRARCH uses the block's head verb code */
            const char *hc = blk->nverbs ? verbs[blk->first_verb].code : blk->code;
            code = dt__code_usable(hc) ? hc : "---";
        }
        int hasmatch = code != NULL;
        if (hasmatch && streq(code, "---"))
            hasmatch = 0;
        if (!hasmatch && !streq(verbcode, "---")) {
            code = verbcode;
            patidx = UINT32_MAX;
            hasmatch = 1;
        }
        if (hasmatch && x->c->opt.modality) {
            int32_t f0, l0;
            tok_span(x, vstart, vend, &f0, &l0);
            /* no act reported: like an uncoded verb, so a clause inside
             * its phrase ("did not deny that X attacked Y") is still read */
            if (unreal_verb(x, f0))
                hasmatch = 0;
        }
        if (hasmatch) {
            int monadic = x->c->opt.source_only && source_only_code(x, code, patidx);
            S = widen_to_compound(&up, &lo, S);
            /* "Lula visited Beijing and signed 15 agreements with Xi": a
             * verb right after a coordinator shares the clause's subject,
             * so '$' nearest the verb (the first verb's object) is not the
             * source; the subject is (built-in dictionaries) */
            if (x->c->own_format && S.up && S.idx != LOC_NONE && up.n > 0 &&
                up.v[0].kind == SQ_WORD &&
                (streq(up.v[0].s, "AND") || streq(up.v[0].s, "OR") || streq(up.v[0].s, "BUT"))) {
                loc s2 = find_source(&up, &lo, T);
                if (loc_coded(&up, &lo, s2))
                    S = s2;
            }
            /* A marker that bound an uncoded phrase ("it", "two ...", "the
             * measure") says where the actor should be, not who it is:
             * fall back to the ordinary search rather than lose the event. */
            if (T.idx != LOC_NONE && !loc_coded(&up, &lo, T)) {
                loc t2 = find_target(x, &lo);
                if (loc_coded(&up, &lo, t2))
                    T = t2;
            }
            if (T.idx == LOC_NONE)
                T = find_target(x, &lo);
            /* a '+' that found no coded actor ("fired a missile into the
             * sea off its east coast"): an act on no one, like a pattern
             * without '+' */
            if (!monadic && x->c->opt.source_only && !loc_coded(&up, &lo, T) &&
                source_only_code(x, code, UINT32_MAX))
                monadic = 1;
            if (T.idx != LOC_NONE || monadic) {
                if (S.idx != LOC_NONE && !loc_coded(&up, &lo, S)) {
                    loc s2 = find_source(&up, &lo, T);
                    if (loc_coded(&up, &lo, s2))
                        S = s2;
                }
                if (S.idx == LOC_NONE)
                    S = find_source(&up, &lo, T);
                if (S.idx != LOC_NONE) {
                    ev proto;
                    memset(&proto, 0, sizeof proto);
                    proto.passive = passive;
                    proto.monadic = monadic && !passive;
                    proto.pattern = patidx;
                    tok_span(x, vstart, vend, &proto.vfirst, &proto.vlast);
                    if (patidx == UINT32_MAX)
                        proto.pattern = UINT32_MAX - 2 - form->verb; /* verb entry */
                    make_event_strings(x, &up, &lo, S, T, code, &proto);
                }
            }
            /* resume after this verb phrase */
            while (kitem < l->n && !item_has_tag(&l->v[kitem], endtag))
                kitem++;
        }
    }
    return 0;
}

/* ---- public entry points ----------------------------------------- */

int dt_coder_new(const dt_dicts *dicts, const dt_coder_options *opts, dt_coder **out, dt_error *err)
{
    if (!dicts || !out)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "dt_coder_new: null argument");
    *out = NULL;
    dt_coder *c = dt_calloc(1, sizeof *c);
    if (!c)
        return dt_error_set(err, DT_ENOMEM, NULL, 0, UINT64_MAX, "out of memory");
    c->d = dicts;
    if (opts)
        c->opt = *opts;
    else
        dt_coder_options_default(&c->opt);
    /* detente's own dictionaries (.dtx, the built-in set) get detente's
     * rules by default; PETRARCH .txt sets keep PETRARCH's (agent_country
     * "auto"). Source names end at the first out-of-range index ("?"). */
    {
        uint32_t ndtx = 0, nother = 0;
        for (uint32_t f = 0; f < 100000; f++) {
            const char *nm = dt_dict_source_name(dicts, f);
            if (!nm || streq(nm, "?"))
                break;
            size_t n = strlen(nm);
            if (n >= 4 && !strcmp(nm + n - 4, ".dtx"))
                ndtx++;
            else
                nother++;
        }
        c->own_format = ndtx > 0 && nother == 0;
    }
    int rc = dt__order_build(dicts, &c->order);
    if (rc < 0) {
        dt_coder_free(c);
        return dt_error_set(err, rc, NULL, 0, UINT64_MAX, "building the verb pattern tries");
    }
    *out = c;
    return DT_OK;
}

void dt_coder_free(dt_coder *c)
{
    if (!c)
        return;
    dt__order_free(&c->order);
    dt_free(c);
}

int dt_coder_set_option(dt_coder *c, const char *name, const char *value, dt_error *err)
{
    if (!c)
        return DT_EINVAL;
    return dt_coder_options_set(&c->opt, name, value, err);
}

void dt_coder_set_options(dt_coder *c, const dt_coder_options *opts)
{
    if (c && opts)
        c->opt = *opts;
}

const dt_coder_options *dt_coder_get_options(const dt_coder *c)
{
    return c ? &c->opt : NULL;
}

static void fill_event(sctx *x, const dt_doctext *d, size_t si, const dt_code_doc *doc, const ev *e,
                       dt_event *out)
{
    const dt_dicts *dd = x->d;
    memset(out, 0, sizeof *out);
    const dt_sentence *s = &d->sent[si];
    if (doc) {
        out->doc_id = doc->doc_id;
        out->sentence_id = doc->sentence_id;
        out->extra = doc->extra;
    }
    out->sentence = (uint32_t)si;
    out->date = x->date;
    size_t n;
    n = strlen(e->src);
    if (n >= sizeof out->source)
        n = sizeof out->source - 1;
    memcpy(out->source, e->src, n);
    n = strlen(e->tgt);
    if (n >= sizeof out->target)
        n = sizeof out->target - 1;
    memcpy(out->target, e->tgt, n);
    n = strlen(e->code);
    if (n >= sizeof out->code)
        n = sizeof out->code - 1;
    memcpy(out->code, e->code, n);
    const dt_cameo_entry *ce = dt__cameo(&x->c->order, e->code);
    if (ce) {
        out->root[0] = (char)('0' + ce->root / 10);
        out->root[1] = (char)('0' + ce->root % 10);
        out->root[2] = '\0';
        out->quad = ce->quad;
        out->goldstein = ce->goldstein;
    }
    out->sent_span = (dt_span){s->off, s->len};
    if ((size_t)s->off + s->len <= d->len)
        out->text = (dt_str){d->text + s->off, s->len};
    int32_t f, l;
    if (e->vfirst >= 0) {
        const dt_token *a = &d->tok[e->vfirst], *b = &d->tok[e->vlast];
        out->verb_span = (dt_span){a->off, b->off + b->len - a->off};
    }
    if (e->src_ne >= 0) {
        uint32_t k = (uint32_t)e->src_ne;
        uint32_t end = k;
        while (end < x->pl.n && !streq(x->pl.v[end].s, "~NE"))
            end++;
        tok_span(x, k, end, &f, &l);
        if (f >= 0)
            out->source_span =
                (dt_span){d->tok[f].off, d->tok[l].off + d->tok[l].len - d->tok[f].off};
    }
    if (e->tgt_ne >= 0) {
        uint32_t k = (uint32_t)e->tgt_ne;
        uint32_t end = k;
        while (end < x->pl.n && !streq(x->pl.v[end].s, "~NE"))
            end++;
        tok_span(x, k, end, &f, &l);
        if (f >= 0)
            out->target_span =
                (dt_span){d->tok[f].off, d->tok[l].off + d->tok[l].len - d->tok[f].off};
    }
    out->passive = e->passive;
    uint32_t np = 0, nv = 0;
    const dt_dict_pattern *pats = dt_dict_patterns(dd, &np);
    const dt_dict_verb *verbs = dt_dict_verbs(dd, &nv);
    if (e->pattern < np) {
        const dt_dict_pattern *p = &pats[e->pattern];
        out->pattern = (dt_str){p->text, p->text ? strlen(p->text) : 0};
        const char *fn = dt_dict_source_name(dd, p->src.file);
        out->dict_file = (dt_str){fn, fn ? strlen(fn) : 0};
        out->dict_line = p->src.line;
    } else if (e->pattern != UINT32_MAX && UINT32_MAX - 2 - e->pattern < nv) {
        const dt_dict_verb *v = &verbs[UINT32_MAX - 2 - e->pattern];
        const char *w = dt_dict_word(dd, v->word);
        out->pattern = (dt_str){w, strlen(w)};
        const char *fn = dt_dict_source_name(dd, v->src.file);
        out->dict_file = (dt_str){fn, fn ? strlen(fn) : 0};
        out->dict_line = v->src.line;
    }
}

/* Issues of a sentence ("NUCLEAR 2, SANCTIONS 1"): each issue phrase
 * found counts once per occurrence; an ignore phrase cancels them all, as
 * in PETRARCH's get_issues. Empty when there is no issue dictionary. */
static dt_str sentence_issues(sctx *x, const dt_doctext *d, const dt_sentence *s)
{
    dt_str none = {NULL, 0};
    const dt_dict_phrase_set *set = dt_dict_issue_phrases(x->d);
    uint32_t nis = 0;
    const dt_dict_issue *is = dt_dict_issues(x->d, &nis);
    if (!set || set->nphrases == 0 || !is)
        return none;
    (void)d;
    const uint32_t *ids = x->ids;
    const char *codes[32];
    uint32_t counts[32], nc = 0;
    for (uint32_t k = 0; k < s->ntok;) {
        const uint32_t *vals = NULL;
        uint32_t nv = 0;
        /* a word that starts no issue phrase matches none (one bit) */
        const dt__order *o = &x->c->order;
        size_t len =
            ids[k] && ids[k] < o->nissfirst && (o->issfirst[ids[k] >> 6] & (1ull << (ids[k] & 63)))
                ? dt_dict_match_longest(set, ids + k, s->ntok - k, &vals, &nv)
                : 0;
        if (len == 0 || nv == 0) {
            k++;
            continue;
        }
        uint32_t entry = set->phrases[vals[0]].entry;
        if (entry < nis) {
            if (is[entry].type != DT_ISSUE_CODE)
                return none;
            uint32_t j = 0;
            while (j < nc && strcmp(codes[j], is[entry].code) != 0)
                j++;
            if (j == nc && nc < 32) {
                codes[nc] = is[entry].code;
                counts[nc++] = 0;
            }
            if (j < nc)
                counts[j]++;
        }
        k += (uint32_t)len;
    }
    if (nc == 0)
        return none;
    char buf[1024];
    size_t n = 0;
    for (uint32_t j = 0; j < nc; j++) {
        /* "%s%s %u" of (j ? ", " : "", code, count), whole or not at all,
         * without snprintf */
        char num[12];
        size_t k = sizeof num;
        uint32_t v = counts[j];
        do {
            num[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        size_t lc = strlen(codes[j]), sep = j ? 2 : 0;
        size_t w = sep + lc + 1 + (sizeof num - k);
        if (w >= sizeof buf - n)
            break;
        memcpy(buf + n, ", ", sep);
        memcpy(buf + n + sep, codes[j], lc);
        buf[n + sep + lc] = ' ';
        memcpy(buf + n + sep + lc + 1, num + k, sizeof num - k);
        n += w;
    }
    const char *r = dt_arena_strndup(x->a, buf, n);
    return r ? (dt_str){r, n} : none;
}

/* Sentence discards use the dictionary's own matcher over the tokens. */
/* Word ids of the sentence's tokens, looked up once and shared by the
 * discard check, the phrase list and the issues. */
static int sentence_ids(sctx *x, const dt_doctext *d, const dt_sentence *s)
{
    x->doc = d;
    x->sent = s;
    x->ids = dt_arena_alloc(x->a, (size_t)(s->ntok + 1) * sizeof *x->ids);
    if (!x->ids)
        return DT_ENOMEM;
    /* the tokeniser's norm_hash is the dictionaries' word hash */
    dt_dict_token_word_ids(x->d, d->tok + s->tok, s->ntok, x->ids);
    return 0;
}

/* Sentence discards use the dictionary's own matcher over the tokens. */
static int discard_check(sctx *x, const dt_doctext *d, const dt_sentence *s)
{
    const dt_dict_phrase_set *ds = dt_dict_discard_phrases(x->d);
    if (!ds || ds->nphrases == 0)
        return 0;
    return dt_dict_discard_check_tokens(x->d, x->ids, d->tok + s->tok, s->ntok, NULL);
}

static int code_sentence(sctx *x, const dt_doctext *d, size_t si)
{
    x->nev = 0;
    x->parse_error = 0;
    memset(&x->pl, 0, sizeof x->pl);
    x->pl.a = x->a;
    int rc =
        dt__plist_build(x->d, x->a, d, si, x->ids, x->c->order.wflags, x->c->order.nwflags, &x->pl);
    if (rc < 0)
        return rc;
    if (!check_balance(&x->pl))
        return 0;
    check_commas(x);
    if (x->parse_error)
        return 0;
    rc = assign_ne_codes(x);
    if (rc < 0)
        return rc;
    if (x->parse_error)
        return 0;
    rc = check_verbs(x);
    if (rc < 0)
        return rc;
    if (x->parse_error)
        x->nev = 0;
    return 0;
}

int dt_coder_code(const dt_coder *c, dt_arena *a, const dt_doctext *d, const dt_code_doc *doc,
                  dt_event **events, size_t *nevents, dt_code_counts *counts, int *status,
                  dt_error *err)
{
    if (events)
        *events = NULL;
    if (nevents)
        *nevents = 0;
    if (!c || !a || !d || !events || !nevents)
        return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX, "dt_coder_code: null argument");
    sctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.d = c->d;
    x.will_id = dt_dict_word_id(c->d, "WILL", 4);
    x.a = a;
    int32_t date = doc ? doc->date : 0;
    int st = DT_CODE_OK;
    if (date != 0 && (date < 10101 || date > 99991231 || (date / 100) % 100 < 1 ||
                      (date / 100) % 100 > 12 || date % 100 < 1 || date % 100 > 31)) {
        /* An impossible date cannot select dated actor codes: code with
         * the undated defaults instead of guessing. */
        date = 0;
        st = DT_CODE_BAD_DATE;
    }
    x.date = date;
    dt_event *out = NULL;
    size_t nout = 0, capout = 0;
    int last_status = DT_CODE_EMPTY;
    for (size_t si = 0; si < d->nsent; si++) {
        const dt_sentence *s = &d->sent[si];
        if (counts)
            counts->sentences++;
        if (s->ntok == 0) {
            last_status = DT_CODE_EMPTY;
            if (counts)
                counts->skipped++;
            continue;
        }
        if (s->ntok > DT_CODE_MAX_TOKENS) {
            last_status = DT_CODE_TOO_LONG;
            if (counts) {
                counts->skipped++;
                counts->too_long++;
            }
            continue;
        }
        if (sentence_ids(&x, d, s) < 0)
            return dt_error_set(err, DT_ENOMEM, NULL, 0, s->off, "out of memory");
        int disc = discard_check(&x, d, s);
        if (disc == 2) {
            last_status = DT_CODE_DISCARD_STORY;
            if (counts)
                counts->discarded_stories++;
            break;
        }
        if (disc == 1) {
            last_status = DT_CODE_DISCARD_SENTENCE;
            if (counts)
                counts->discarded_sentences++;
            continue;
        }
        int rc = code_sentence(&x, d, si);
        if (rc < 0)
            return dt_error_set(err, rc, NULL, 0, s->off, "coding sentence %zu: %s", si,
                                dt_strerror(rc));
        last_status = st;
        if (counts) {
            if (x.nev)
                counts->coded++;
            else
                counts->no_event++;
            counts->events += x.nev;
        }
        if (x.nev == 0)
            continue;
        if (nout + x.nev > capout) {
            size_t nc = capout ? capout * 2 : 8;
            while (nc < nout + x.nev)
                nc *= 2;
            dt_event *nv = dt_arena_alloc(a, nc * sizeof *nv);
            if (!nv)
                return dt_error_set(err, DT_ENOMEM, NULL, 0, s->off, "out of memory");
            if (nout)
                memcpy(nv, out, nout * sizeof *nv);
            out = nv;
            capout = nc;
        }
        dt_str issues = {NULL, 0};
        if (c->opt.code_issues)
            issues = sentence_issues(&x, d, s);
        for (uint32_t i = 0; i < x.nev; i++) {
            fill_event(&x, d, si, doc, &x.evs[i], &out[nout]);
            out[nout++].issues = issues;
        }
    }
    *events = out;
    *nevents = nout;
    if (status)
        *status = last_status;
    return DT_OK;
}

size_t dt_coder_debug_phrases(const dt_coder *c, dt_arena *a, const dt_doctext *d, size_t si,
                              int32_t date, char *buf, size_t cap)
{
    if (!c || !a || !d || si >= d->nsent || !buf || cap == 0)
        return 0;
    sctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.d = c->d;
    x.will_id = dt_dict_word_id(c->d, "WILL", 4);
    x.a = a;
    x.date = date;
    x.pl.a = a;
    if (sentence_ids(&x, d, &d->sent[si]) < 0 ||
        dt__plist_build(x.d, a, d, si, x.ids, c->order.wflags, c->order.nwflags, &x.pl) < 0)
        return 0;
    check_commas(&x);
    (void)assign_ne_codes(&x);
    size_t n = 0;
    for (uint32_t k = 0; k < x.pl.n; k++) {
        const char *s = x.pl.v[k].s;
        size_t m = strlen(s);
        for (size_t j = 0; j <= m; j++) {
            char ch = j < m ? s[j] : ' ';
            if (n + 1 < cap)
                buf[n] = ch;
            n++;
        }
    }
    buf[n + 1 < cap ? n : cap - 1] = '\0';
    return n;
}
