/* Chunk flags, heads, clauses and the main verb group of a sentence.
 *
 * Shared by the raw-text chunker (chunk.c) and the treebank reader
 * (treebank.c): both produce flat chunks, and everything from here on is a
 * function of tokens and chunks only, so the coder sees the same clause
 * structure on either path. */
#include "tag_internal.h"

#include <string.h>

#define BE DT__WC_BE
#define SAY DT__WC_SAY
#define SUB DT__WC_SUBORD
#define CLA (DT__WC_SUBORD | DT__WC_CLAUSAL)
/* One table for every word list of the tag module. Attribution verbs:
 * the reported clause, not the act of saying, usually carries the event
 * ("Gondor attacked Mordor, officials said"); verbs that are events in
 * their own right in CAMEO (deny, accuse, warn, threaten...) are
 * deliberately not SAY. */
const dt__word_class_entry dt__word_classes[] = {{"BE", BE},
                                                 {"IS", BE},
                                                 {"ARE", BE},
                                                 {"WAS", BE},
                                                 {"WERE", BE},
                                                 {"BEEN", BE},
                                                 {"BEING", BE},
                                                 {"AM", BE},
                                                 {"'S", BE},
                                                 {"'RE", BE},
                                                 {"'M", BE},
                                                 {"GET", DT__WC_GET},
                                                 {"GETS", DT__WC_GET},
                                                 {"GOT", DT__WC_GET},
                                                 {"GOTTEN", DT__WC_GET},
                                                 {"GETTING", DT__WC_GET},
                                                 {"HAS", DT__WC_HAVE},
                                                 {"HAVE", DT__WC_HAVE},
                                                 {"HAD", DT__WC_HAVE},
                                                 {"'VE", DT__WC_HAVE},
                                                 {"HAVING", DT__WC_HAVE},
                                                 {"DO", DT__WC_DO},
                                                 {"DOES", DT__WC_DO},
                                                 {"DID", DT__WC_DO},
                                                 {"NOT", DT__WC_NEG},
                                                 {"N'T", DT__WC_NEG},
                                                 {"NEVER", DT__WC_NEG},
                                                 {"CANNOT", DT__WC_NEG},
                                                 {"CAN'T", DT__WC_NEG},
                                                 {"WON'T", DT__WC_NEG},
                                                 {"NT", DT__WC_NEG},
                                                 {"SAY", SAY},
                                                 {"SAYS", SAY},
                                                 {"SAID", SAY},
                                                 {"SAYING", SAY},
                                                 {"TELL", SAY},
                                                 {"TELLS", SAY},
                                                 {"TOLD", SAY},
                                                 {"TELLING", SAY},
                                                 {"STATE", SAY},
                                                 {"STATES", SAY},
                                                 {"STATED", SAY},
                                                 {"STATING", SAY},
                                                 {"ANNOUNCE", SAY},
                                                 {"ANNOUNCES", SAY},
                                                 {"ANNOUNCED", SAY},
                                                 {"ANNOUNCING", SAY},
                                                 {"REPORT", SAY},
                                                 {"REPORTS", SAY},
                                                 {"REPORTED", SAY},
                                                 {"REPORTING", SAY},
                                                 {"CLAIM", SAY},
                                                 {"CLAIMS", SAY},
                                                 {"CLAIMED", SAY},
                                                 {"ADD", SAY},
                                                 {"ADDS", SAY},
                                                 {"ADDED", SAY},
                                                 {"DECLARE", SAY},
                                                 {"DECLARES", SAY},
                                                 {"DECLARED", SAY},
                                                 {"INSIST", SAY},
                                                 {"INSISTS", SAY},
                                                 {"INSISTED", SAY},
                                                 {"NOTE", SAY},
                                                 {"NOTES", SAY},
                                                 {"NOTED", SAY},
                                                 {"EXPLAIN", SAY},
                                                 {"EXPLAINS", SAY},
                                                 {"EXPLAINED", SAY},
                                                 {"ASSERT", SAY},
                                                 {"ASSERTS", SAY},
                                                 {"ASSERTED", SAY},
                                                 {"QUOTED", SAY},
                                                 {"REMARKED", SAY},
                                                 {"WROTE", SAY},
                                                 {"WRITES", SAY},
                                                 {"ADMITTED", SAY},
                                                 {"BELIEVES", SAY},
                                                 {"BELIEVED", SAY},
                                                 {"THINKS", SAY},
                                                 {"THOUGHT", SAY},
                                                 {"CONFIRMED", SAY},
                                                 {"CONFIRMS", SAY},
                                                 {"REITERATED", SAY},
                                                 {"STRESSED", SAY},
                                                 {"EMPHASIZED", SAY},
                                                 {"BECAUSE", CLA | DT__WC_BECAUSE},
                                                 {"WHILE", CLA},
                                                 {"IF", CLA},
                                                 {"ALTHOUGH", CLA},
                                                 {"THOUGH", CLA},
                                                 {"WHETHER", CLA},
                                                 {"UNLESS", CLA},
                                                 {"WHEREAS", CLA},
                                                 {"THAT", CLA | DT__WC_THAT},
                                                 {"SINCE", SUB},
                                                 {"AFTER", SUB},
                                                 {"BEFORE", SUB},
                                                 {"UNTIL", SUB},
                                                 {"AS", SUB},
                                                 {"ONCE", SUB},
                                                 {"WHEN", SUB},
                                                 {"DOWN", DT__WC_PARTICLE},
                                                 {"UP", DT__WC_PARTICLE},
                                                 {"OUT", DT__WC_PARTICLE},
                                                 {"OFF", DT__WC_PARTICLE},
                                                 {"AWAY", DT__WC_PARTICLE},
                                                 {"BACK", DT__WC_PARTICLE},
                                                 {"YESTERDAY", DT__WC_TIME},
                                                 {"TODAY", DT__WC_TIME},
                                                 {"TOMORROW", DT__WC_TIME},
                                                 {"TONIGHT", DT__WC_TIME},
                                                 {"BY", DT__WC_BY},
                                                 {"ACCORDING", DT__WC_ACCORDING},
                                                 {"OF", DT__WC_OF},
                                                 {NULL, 0}};
#undef BE
#undef SAY
#undef SUB
#undef CLA

uint16_t dt__word_class_slow(const char *norm, size_t n)
{
    uint16_t c = 0;
    for (const dt__word_class_entry *e = dt__word_classes; e->word; e++)
        if (strlen(e->word) == n && memcmp(e->word, norm, n) == 0)
            c |= e->cls;
    return c;
}

int dt__is_say_word(const char *norm, size_t n)
{
    return (dt__word_class_slow(norm, n) & DT__WC_SAY) != 0;
}

/* The body of dt__vp_flags, inlined twice below so that each copy knows
 * whether there is a tagger (one table load per word class) or not (the
 * treebank path's list scan), instead of testing it per token. */
#if defined(__GNUC__)
#define HOT inline __attribute__((always_inline))
#else
#define HOT inline
#endif

static HOT uint16_t vp_flags(const dt_tagger *tg, const dt_doctext *d, uint32_t first, uint32_t n,
                             uint32_t head)
{
    uint16_t f = 0;
    int passive_aux = 0;
    for (uint32_t i = first; i < first + n; i++) {
        const dt_token *t = &d->tok[i];
        if (t->pos == DT_POS_MD)
            f |= DT_CH_MODAL;
        uint16_t wc = dt__word_class(tg, t);
        if (wc & DT__WC_NEG)
            f |= DT_CH_NEGATED;
        /* be/get before the head, and a past participle head: "was
         * attacked", "has been attacked", "got arrested". */
        if (i < head && (wc & (DT__WC_BE | DT__WC_GET)) && t->pos != DT_POS_POS)
            passive_aux = 1;
    }
    if (n > 0 && d->tok[first].pos == DT_POS_TO)
        f |= DT_CH_INFINITIVE;
    if (passive_aux && d->tok[head].pos == DT_POS_VBN)
        f |= DT_CH_PASSIVE;
    if (dt__word_class(tg, &d->tok[head]) & DT__WC_SAY)
        f |= DT_CH_SAY;
    return f;
}

uint16_t dt__vp_flags(const dt_tagger *tg, const dt_doctext *d, uint32_t first, uint32_t n,
                      uint32_t head)
{
    if (tg)
        return vp_flags(tg, d, first, n, head);
    return vp_flags(NULL, d, first, n, head);
}

enum { K_MAIN, K_SUB, K_REL, K_REPORTED, K_ATTRIB };

static int is_relative_word(const dt_token *t)
{
    return t->pos == DT_POS_WDT || t->pos == DT_POS_WP || t->pos == DT_POS_WPS;
}

/* Does a VP chunk come before the next clause boundary, starting at chunk
 * index k (sentence chunk array ch[0..nch))? */
static int vp_follows(const dt_doctext *d, const dt_chunk *ch, uint32_t k, uint32_t nch)
{
    for (uint32_t j = k; j < nch; j++) {
        if (ch[j].type == DT_CHUNK_VP && j == k && k > 0)
            for (uint32_t t = ch[k - 1].first + ch[k - 1].n; t < ch[k].first; t++)
                if (d->tok[t].pos == DT_POS_CC)
                    return 0;
        if (ch[j].type == DT_CHUNK_VP)
            return (int)j + 1;
        if (ch[j].type == DT_CHUNK_SBAR)
            return 0;
        /* a comma between the NP and the verb ends the search, except
         * in an appositive we cannot see; keep it simple and stop. A
         * coordinator right before the verb group makes it a verb
         * coordinated with an earlier one ("called the launch a grave
         * threat and lodged a protest"), not this noun phrase's verb. */
        if (j + 1 < nch) {
            uint32_t end = ch[j].first + ch[j].n;
            for (uint32_t t = end; t < ch[j + 1].first; t++)
                if (d->tok[t].pos == DT_POS_COMMA || d->tok[t].pos == DT_POS_COLON ||
                    (d->tok[t].pos == DT_POS_CC && ch[j + 1].type == DT_CHUNK_VP))
                    return 0;
        }
    }
    return 0;
}

void dt__clauses(const dt_tagger *tg, dt_doctext *d, dt_sentence *s)
{
    s->main_vp = UINT32_MAX;
    dt_chunk *ch = d->chunk ? d->chunk + s->chunk : NULL;
    uint32_t nch = s->nchunk;
    /* Clause kinds: at most one clause per chunk plus the first. */
    enum { MAXK = 256 };
    uint8_t kind[MAXK];
    uint32_t nclause = 1, cur = 0;
    kind[0] = K_MAIN;
    int pop_at_comma = 0;
    uint32_t saved = 0;
    int after_comma = 0, after_cc = 0;
    int has_vp = 0, saved_has_vp = -1; /* the current clause has its verb */
    int prev_chunk_say = 0;
    int clause_say = 0;               /* the current clause's verb is an attribution verb */
    uint32_t rel_parent = UINT32_MAX; /* clause enclosing an open relative clause */
    /* Main verb group: the first finite, non-attribution verb group of a
     * main or reported clause; attribution and subordinate clauses only
     * when nothing better exists. A clause's kind never changes once it
     * is opened, so the candidates are picked in the same walk. */
    uint32_t best = UINT32_MAX, say = UINT32_MAX, any = UINT32_MAX, inf = UINT32_MAX;
    /* One step per chunk: the tokens between chunks (commas and
     * coordinators end or open clauses there), then the chunk's start,
     * then its tokens, which all take the clause current at its start. */
    dt_token *const tok = d->tok;
    dt_token *t = tok + s->tok;
    const uint32_t tok_end = s->tok + s->ntok;
    for (uint32_t k = 0;; k++) {
        dt_token *gap_end = tok + (k < nch ? ch[k].first : tok_end);
        for (; t < gap_end; t++) {
            t->chunk = DT_CHUNK_O;
            t->clause = (uint16_t)cur;
            if (t->pos == DT_POS_COMMA || t->pos == DT_POS_COLON) {
                if (pop_at_comma) {
                    cur = saved;
                    pop_at_comma = 0;
                    has_vp = saved_has_vp > 0;
                    saved_has_vp = -1;
                }
                after_comma = 1;
                prev_chunk_say = 0;
            } else if (t->pos == DT_POS_CC) {
                after_cc = 1;
            }
        }
        if (k >= nch)
            break;
        dt_chunk *c = &ch[k];
        const uint32_t i = c->first;
        int open = 0;
        uint8_t open_kind = K_MAIN;
        switch (c->type) {
        case DT_CHUNK_SBAR: {
            /* "that" after an attribution verb (and its addressee:
             * "told reporters that") opens the reported clause; after
             * any other noun phrase, a relative clause */
            int is_that = (dt__word_class(tg, &tok[i]) & DT__WC_THAT) != 0;
            int reported = prev_chunk_say || (is_that && clause_say);
            int rel = (is_relative_word(&tok[i]) && !(is_that && reported)) ||
                      (k > 0 && ch[k - 1].type == DT_CHUNK_NP &&
                       ch[k - 1].first + ch[k - 1].n == i && is_that && !reported);
            if (rel)
                open_kind = K_REL;
            else if (reported)
                open_kind = K_REPORTED;
            else
                open_kind = K_SUB;
            if (rel)
                c->flags |= DT_CH_RELATIVE;
            /* ", which ...," and a sentence-initial "When ..., " end at
             * the next comma and return to the enclosing clause. */
            if (rel && !after_comma)
                rel_parent = cur;
            if ((rel && after_comma) || (open_kind == K_SUB && i == s->tok)) {
                saved = cur;
                pop_at_comma = 1;
            }
            open = 1;
            break;
        }
        case DT_CHUNK_NP:
            if (k > 0 && prev_chunk_say && ch[k - 1].first + ch[k - 1].n == i &&
                vp_follows(d, ch, k + 1, nch)) {
                /* "Officials said Gondor attacked Mordor": a bare reported
                 * clause right after the attribution verb. */
                open = 1;
                open_kind = K_REPORTED;
            } else if ((after_comma || (after_cc && has_vp)) && k > 0) {
                /* (after "and", only once the clause has its verb: before
                 * it, "Arnor and Gondor signed" is one coordinated subject) */
                /* ", officials said" or "and Gondor retaliated": a new
                 * subject with its own verb. */
                int j = vp_follows(d, ch, k + 1, nch) - 1;
                if (j < 0)
                    break;
                open = 1;
                open_kind = (ch[j].flags & DT_CH_SAY) && after_comma ? K_ATTRIB : K_MAIN;
                /* ", it seems," / ", analysts believe,": a bare subject and
                 * verb closed by the next comma is a parenthetical aside,
                 * not the clause that carries the event. */
                uint32_t vend = ch[j].first + ch[j].n;
                if (after_comma && (uint32_t)j == k + 1 && vend < tok_end &&
                    tok[vend].pos == DT_POS_COMMA)
                    open_kind = K_ATTRIB;
                if (kind[cur] == K_REPORTED && open_kind == K_MAIN)
                    open_kind = K_REPORTED;
            }
            break;
        case DT_CHUNK_VP:
            if (after_cc && !(c->flags & DT_CH_INFINITIVE)) {
                /* Coordinated verb groups share the subject and the kind of
                 * clause they coordinate with. */
                open = 1;
                open_kind = kind[cur];
            }
            break;
        default:
            break;
        }
        if (open && nclause < MAXK) {
            kind[nclause] = open_kind;
            cur = nclause++;
            c->flags |= DT_CH_CLAUSE_START;
            if (pop_at_comma && saved_has_vp < 0)
                saved_has_vp = has_vp;
            has_vp = 0;
            clause_say = 0;
        } else if (k == 0) {
            c->flags |= DT_CH_CLAUSE_START;
        }
        prev_chunk_say = 0;
        if (c->type == DT_CHUNK_VP) {
            if (!open && has_vp && !after_cc && rel_parent != UINT32_MAX && cur < MAXK &&
                kind[cur] == K_REL) {
                /* "the troops that attacked Gondor withdrew": a relative
                 * clause without commas ends where a second verb group
                 * starts; that verb belongs to the enclosing clause */
                cur = rel_parent;
                rel_parent = UINT32_MAX;
            }
            has_vp = 1;
            clause_say = prev_chunk_say = (c->flags & DT_CH_SAY) != 0;
            /* main verb group candidates (see above) */
            if (any == UINT32_MAX)
                any = k;
            int kd = (uint16_t)cur < MAXK ? kind[(uint16_t)cur] : K_SUB;
            if (kd != K_MAIN && kd != K_REPORTED) {
                if (kd == K_ATTRIB && say == UINT32_MAX)
                    say = k;
            } else if (c->flags & DT_CH_SAY) {
                if (say == UINT32_MAX)
                    say = k;
            } else if (c->flags & DT_CH_INFINITIVE) {
                if (inf == UINT32_MAX)
                    inf = k;
            } else if (best == UINT32_MAX) {
                best = k;
            }
        }
        after_comma = after_cc = 0;
        /* the chunk's tokens: its type (stored here rather than in a pass
         * of the chunker's own) and the clause */
        uint16_t cl = (uint16_t)cur;
        uint8_t ty = c->type;
        for (dt_token *e = t + c->n; t < e; t++) {
            t->chunk = ty;
            t->clause = cl;
        }
    }

    /* "Arnor is about to restore ties": a bare copula followed by an
     * infinitive in the same clause defers to the infinitive. */
    if (best != UINT32_MAX && inf != UINT32_MAX && inf > best) {
        const dt_chunk *c = &ch[best];
        const dt_token *h = &d->tok[c->head];
        if (!(c->flags & DT_CH_PASSIVE) && (dt__word_class(tg, h) & DT__WC_BE) &&
            d->tok[ch[inf].first].clause == d->tok[c->first].clause)
            best = inf;
    }
    if (best == UINT32_MAX)
        best = inf != UINT32_MAX ? inf : say != UINT32_MAX ? say : any;
    /* "is said to be about to restore": an infinitive copula defers to
     * the next infinitive of its clause in the same way. */
    while (best != UINT32_MAX && (ch[best].flags & DT_CH_INFINITIVE) &&
           !(ch[best].flags & DT_CH_PASSIVE) &&
           (dt__word_class(tg, &d->tok[ch[best].head]) & DT__WC_BE)) {
        uint32_t nx = UINT32_MAX;
        for (uint32_t j = best + 1; j < nch && nx == UINT32_MAX; j++)
            if (ch[j].type == DT_CHUNK_VP) {
                nx = j;
                if (!(ch[j].flags & DT_CH_INFINITIVE) ||
                    d->tok[ch[j].first].clause != d->tok[ch[best].first].clause)
                    nx = UINT32_MAX - 1;
            }
        if (nx >= UINT32_MAX - 1)
            break;
        best = nx;
    }
    if (best != UINT32_MAX) {
        ch[best].flags |= DT_CH_MAIN;
        s->main_vp = s->chunk + best;
    }
}
