/* Flat chunker over tagged tokens: NP, VP (verb groups), PP, ADJP, ADVP,
 * SBAR and PRT, in one left-to-right pass per sentence; then clauses and
 * the main verb group (clause.c), shared with the treebank path.
 *
 * The chunker is deterministic and looks at most a few tokens ahead, so it
 * costs about as much as tagging. It never allocates per token: one array
 * of chunks per document comes from the arena. */
#include "tag_internal.h"

#include <string.h>

/* What the chunker asks of a tag, one table load per question. */
enum {
    PC_NOUN = 1u << 0,
    PC_VERB = 1u << 1, /* VB..VBZ */
    PC_ADJ = 1u << 2,
    PC_ADV = 1u << 3,
    PC_NOMINAL = 1u << 4, /* noun, CD, PRP, EX */
    PC_NPMOD = 1u << 5,   /* words of a noun phrase before its head */
    PC_VERBMD = 1u << 6,  /* verb or modal */
    PC_WP = 1u << 7,      /* "who": nounish as a chunk head (dt__is_nounish) */
    PC_NCD = 1u << 8      /* noun or CD: what a noun phrase's head run is made of */
};
#define PC_N (PC_NOUN | PC_NOMINAL | PC_NCD)
#define PC_V (PC_VERB | PC_VERBMD)
#define PC_J (PC_ADJ | PC_NPMOD)
static const uint16_t pclass[DT_POS__COUNT + 1] = {[DT_POS_NN] = PC_N,
                                                   [DT_POS_NNS] = PC_N,
                                                   [DT_POS_NNP] = PC_N,
                                                   [DT_POS_NNPS] = PC_N,
                                                   [DT_POS_CD] = PC_NOMINAL | PC_NPMOD | PC_NCD,
                                                   [DT_POS_PRP] = PC_NOMINAL,
                                                   [DT_POS_EX] = PC_NOMINAL,
                                                   [DT_POS_VB] = PC_V,
                                                   [DT_POS_VBD] = PC_V,
                                                   [DT_POS_VBG] = PC_V,
                                                   [DT_POS_VBN] = PC_V,
                                                   [DT_POS_VBP] = PC_V,
                                                   [DT_POS_VBZ] = PC_V,
                                                   [DT_POS_MD] = PC_VERBMD,
                                                   [DT_POS_JJ] = PC_J,
                                                   [DT_POS_JJR] = PC_J,
                                                   [DT_POS_JJS] = PC_J,
                                                   [DT_POS_RB] = PC_ADV,
                                                   [DT_POS_RBR] = PC_ADV,
                                                   [DT_POS_RBS] = PC_ADV,
                                                   [DT_POS_DT] = PC_NPMOD,
                                                   [DT_POS_PDT] = PC_NPMOD,
                                                   [DT_POS_PRPS] = PC_NPMOD,
                                                   [DT_POS_DOLLAR] = PC_NPMOD,
                                                   [DT_POS_HASH] = PC_NPMOD,
                                                   [DT_POS_WP] = PC_WP};
#undef PC_N
#undef PC_V
#undef PC_J

static int pc(int p, unsigned cls)
{
    return (pclass[p] & cls) != 0;
}

static int is_adv(int p)
{
    return pc(p, PC_ADV);
}

static int is_nominal(int p)
{
    return pc(p, PC_NOMINAL);
}

/* Words of a noun phrase before its head. */
static int is_np_modifier(int p)
{
    return pc(p, PC_NPMOD);
}

static int is_noun(int p)
{
    return pc(p, PC_NOUN);
}

static int is_verb(int p)
{
    return pc(p, PC_VERB);
}

static int is_adj(int p)
{
    return pc(p, PC_ADJ);
}

/* Tags padded after the sentence's last token (tag_at reads up to three
 * past it: the deepest lookahead is two tokens after a position at n). */
#define TAG_PAD 4

/* The phrase scanners run at most chunk starts of every sentence, from
 * few call sites: inlined, they share the chunk loop's registers instead
 * of a call frame each. */
#if defined(__GNUC__)
#define HOT inline __attribute__((always_inline))
#else
#define HOT inline
#endif

typedef struct cx {
    const dt_tagger *t;
    const dt_token *tok; /* sentence tokens */
    const uint8_t *tg;   /* their tags, then TAG_PAD x DT_POS_NONE */
    uint32_t n;
    /* The last np_end / vp_end computed by chunk_sentence: the SBAR
     * lookahead and the VP-or-NP test ask for the same position again
     * (both are pure functions of the tags), so each position is scanned
     * once instead of up to three times. */
    uint32_t np_at, np_val, vp_at, vp_val;
    /* np_end's walks (see there): the scan from any position in
     * [fw_from, fw_end) past the phrase's start ends at fw_end, with a
     * trailing drop; no token in [bk_lo, bk_end) is nominal or a
     * possessive. */
    uint32_t fw_from, fw_end, bk_end, bk_lo;
} cx;

static uint16_t wc(const cx *c, uint32_t i)
{
    return dt__word_class(c->t, &c->tok[i]);
}

static int is_aux(const cx *c, uint32_t i)
{
    return (wc(c, i) & (DT__WC_BE | DT__WC_GET | DT__WC_HAVE)) != 0;
}

/* Auxiliaries, modals and do-support let a further verb join the group. */
static int takes_more_verbs(const cx *c, uint32_t i)
{
    return c->tok[i].pos == DT_POS_MD ||
           (wc(c, i) & (DT__WC_BE | DT__WC_GET | DT__WC_HAVE | DT__WC_DO)) != 0;
}

static int tag_at(const cx *c, uint32_t i)
{
    return c->tg[i];
}

/* Is the token at cc a coordinator whose nearest verb before it is a
 * participle or past tense? Then a participle after it is a second verb
 * group: "has visited Gondor and expressed support". */
static int after_coordinated_verb(const cx *c, uint32_t cc)
{
    if (c->tg[cc] != DT_POS_CC)
        return 0;
    for (uint32_t j = cc; j-- > 0 && j + 24 > cc;) {
        int p = c->tg[j];
        if (p == DT_POS_VBN || p == DT_POS_VBD)
            return 1;
        if (is_verb(p) || p == DT_POS_MD || p == DT_POS_PERIOD || p == DT_POS_COLON)
            return 0;
    }
    return 0;
}

/* End (exclusive) of a noun phrase starting at i, or i if none starts.
 *
 * Once the scan is past i, where it goes depends only on the position
 * (each test is on tags, or on j > i, now true), and the trailing drop only
 * walks back over what is not nominal. A scan that dropped back is
 * remembered in c (both walks, which covered the same tokens): a run of
 * determiners ("the the the ...", or '@' or '$' tokens) scanned to
 * its end and dropped back to the start at every token, which was
 * quadratic in the run: a 1 MB line of "@" took 4 s, 16 MB 64 s. The
 * chunks are the same. */
static HOT uint32_t np_end(cx *c, uint32_t i)
{
    uint32_t j = i;
    int p = tag_at(c, j);
    if (p == DT_POS_PRP || p == DT_POS_EX)
        return i + 1;
    /* "almost five years", "very senior officials" */
    if (is_adv(p) && (tag_at(c, j + 1) == DT_POS_CD ||
                      (is_adj(tag_at(c, j + 1)) && is_nominal(tag_at(c, j + 2)))))
        j++;
    /* a participle opening an NP: "abandon improved relations", unless an
     * auxiliary precedes ("has improved relations" is a verb group) */
    if ((tag_at(c, j) == DT_POS_VBN || tag_at(c, j) == DT_POS_VBG) && j == i &&
        (is_adj(tag_at(c, j + 1)) || is_noun(tag_at(c, j + 1))) &&
        !(i > 0 && (is_aux(c, i - 1) || c->tg[i - 1] == DT_POS_MD || c->tg[i - 1] == DT_POS_TO ||
                    is_adv(c->tg[i - 1]) || is_nominal(c->tg[i - 1]) ||
                    (c->tg[i] == DT_POS_VBN && after_coordinated_verb(c, i - 1)))))
        j++;
    /* The first position past i (after a modifier at i, which the loop
     * would step over) may have been passed by an earlier scan that
     * dropped back: then the scan ends where that one did. */
    uint32_t first = j == i && !pc(c->tg[i], PC_NCD) && is_np_modifier(c->tg[i]) ? i + 1 : j;
    if (first > i && first >= c->fw_from && first < c->fw_end) {
        j = c->fw_end;
        goto drop;
    }
    /* No bound test: the padding after the sentence ends the phrase. */
    for (;;) {
        int q = c->tg[j];
        if (pc(q, PC_NCD)) {
            /* The nouns and numbers up to the head. The phrase ends on
             * one of them, so the trailing drop below has nothing to do. */
            j++;
            for (;;) {
                q = c->tg[j];
                if (pc(q, PC_NCD)) {
                    /* "in Beijing yesterday": a time word after a noun is
                     * an NP of its own (an adverbial), not part of the name */
                    if (wc(c, j) & DT__WC_TIME)
                        return j;
                    j++;
                } else if (q == DT_POS_POS) {
                    /* "Gondor 's army": the possessor stays in the phrase,
                     * and modifiers of the possessed noun may follow */
                    j++;
                    break;
                } else {
                    /* a determiner or adjective after a noun starts a new NP */
                    return j;
                }
            }
            continue;
        }
        if (q == DT_POS_POS && j > i) {
            j++;
            continue;
        }
        if (is_np_modifier(q)) {
            j++;
            continue;
        }
        if ((q == DT_POS_VBN || q == DT_POS_VBG) && j > i &&
            (is_noun(tag_at(c, j + 1)) || is_adj(tag_at(c, j + 1))))
            j++;
        else if (is_adv(q) && j > i && is_adj(tag_at(c, j + 1)))
            j++; /* "a very senior official" */
        else
            break;
    }
drop:;
    /* Drop a trailing modifier without a head ("that" alone, "the" before
     * a verb): a lone determiner or adjective is handled elsewhere. The
     * tokens from bk_lo up to bk_end are known not to be nominal. */
    uint32_t end = j;
    if (end == c->bk_end && c->bk_lo < j)
        j = c->bk_lo > i + 1 ? c->bk_lo : i + 1;
    while (j > i && !is_nominal(c->tg[j - 1]) && c->tg[j - 1] != DT_POS_POS) {
        int q = c->tg[j - 1];
        /* a demonstrative or quantifier can be a whole NP ("that", "all") */
        if ((q == DT_POS_DT || q == DT_POS_CD) && j - 1 == i)
            break;
        j--;
    }
    if (j < end) {
        /* Every token of [j, end) is neither a noun nor a possessive, so
         * each was a step of the scan (the noun loop takes only nouns and
         * a possessive), and from each past i the scan ends at end. */
        c->bk_end = end;
        c->bk_lo = j;
        c->fw_from = j > i + 1 ? j : i + 1;
        c->fw_end = end;
    }
    return j;
}

/* End of a verb group starting at i (modal, verbs, "to", with adverbs and negation
 * inside), or i if none starts. */
static HOT uint32_t vp_end(const cx *c, uint32_t i)
{
    uint32_t j = i;
    int p = tag_at(c, j);
    if (p == DT_POS_TO) {
        /* "to", adverbs, then a verb: the group runs on as the verb's
         * own would (the scan below starts on that verb). */
        uint32_t k = j + 1;
        while (is_adv(tag_at(c, k)))
            k++;
        if (!is_verb(tag_at(c, k)))
            return i;
        j = k;
    }
    /* leading adverbs join only if a verb follows them */
    uint32_t k = j;
    while (is_adv(tag_at(c, k)))
        k++;
    if (!(is_verb(tag_at(c, k)) || tag_at(c, k) == DT_POS_MD))
        return i;
    j = k;
    uint32_t last_verb = j;
    for (;;) { /* the padding after the sentence ends the group */
        int q = c->tg[j];
        if (is_verb(q) || q == DT_POS_MD) {
            /* a main verb after a full (non-auxiliary) verb is a new group,
             * except right after do-support and modals */
            if (j > last_verb && !takes_more_verbs(c, last_verb))
                break;
            last_verb = j;
            j++;
            continue;
        }
        if (is_adv(q)) {
            uint32_t m = j;
            while (is_adv(tag_at(c, m)))
                m++;
            if (is_verb(tag_at(c, m)) && takes_more_verbs(c, last_verb)) {
                j = m;
                continue;
            }
            break;
        }
        break;
    }
    return last_verb + 1;
}

static HOT uint32_t np_end_m(cx *c, uint32_t i)
{
    /* No noun phrase starts on a tag np_end cannot begin with. */
    int p = c->tg[i];
    if (!pc(p, PC_NOMINAL | PC_NPMOD | PC_ADV) && p != DT_POS_VBN && p != DT_POS_VBG)
        return i;
    if (c->np_at != i) {
        c->np_val = np_end(c, i);
        c->np_at = i;
    }
    return c->np_val;
}

static HOT uint32_t vp_end_m(cx *c, uint32_t i)
{
    /* A verb group starts with "to", an adverb, a verb or a modal. */
    int p = c->tg[i];
    if (!pc(p, PC_ADV | PC_VERBMD) && p != DT_POS_TO)
        return i;
    if (c->vp_at != i) {
        c->vp_val = vp_end(c, i);
        c->vp_at = i;
    }
    return c->vp_val;
}

/* dt__chunk_head on the sentence's tag bytes (same rule): the last
 * nounish token of an NP, else its last token that is not a possessive
 * ending; the last verb of a VP, else its last modal; else the last
 * token. Relative to the sentence; the chunk [i, end) is not empty. */
static HOT uint32_t head_of(const uint8_t *tg, int type, uint32_t i, uint32_t end)
{
    uint32_t h;
    if (type == DT_CHUNK_NP) {
        for (h = end; h-- > i;)
            if (pc(tg[h], PC_NOMINAL | PC_WP))
                return h;
        for (h = end; h-- > i;)
            if (tg[h] != DT_POS_POS)
                return h;
    } else if (type == DT_CHUNK_VP) {
        for (h = end; h-- > i;)
            if (pc(tg[h], PC_VERB))
                return h;
        for (h = end; h-- > i;)
            if (tg[h] == DT_POS_MD)
                return h;
    }
    return end - 1;
}

static int chunk_sentence(const dt_tagger *t, dt_doctext *d, dt_sentence *s, dt_chunk *out,
                          uint8_t *tg)
{
    cx c = {t, d->tok + s->tok, tg, s->ntok, UINT32_MAX, 0, UINT32_MAX, 0, 0, 0, UINT32_MAX, 0};
    for (uint32_t k = 0; k < c.n; k++)
        tg[k] = c.tok[k].pos;
    memset(tg + c.n, DT_POS_NONE, TAG_PAD);
    uint32_t nch = 0;
    uint32_t i = 0;
    while (i < c.n) {
        int p = c.tg[i];
        int type = DT_CHUNK_O;
        uint32_t end = i + 1;
        uint32_t e;
        /* One dispatch on the tag: the tags that decide by themselves
         * (wh-words, prepositions, "to", "according to") first, the rest
         * through the verb group, noun phrase, ADJP, ADVP and PRT tests. */
        switch (p) {
        case DT_POS_WDT:
        case DT_POS_WP:
        case DT_POS_WPS:
        case DT_POS_WRB:
            type = DT_CHUNK_SBAR;
            break;
        case DT_POS_IN: {
            uint16_t w = wc(&c, i);
            type = DT_CHUNK_PP;
            if (w & DT__WC_SUBORD) {
                /* a clause follows (NP then verb) -> SBAR, else a PP */
                if ((w & DT__WC_BECAUSE) && i + 1 < c.n && (wc(&c, i + 1) & DT__WC_OF)) {
                    end = i + 2;
                } else {
                    uint32_t ne;
                    if ((w & DT__WC_CLAUSAL) ||
                        ((ne = np_end_m(&c, i + 1)) > i + 1 && vp_end_m(&c, ne) > ne))
                        type = DT_CHUNK_SBAR;
                }
            }
            break;
        }
        case DT_POS_TO:
            if ((e = vp_end_m(&c, i)) > i) {
                type = DT_CHUNK_VP;
                end = e;
            } else {
                type = DT_CHUNK_PP;
            }
            break;
        case DT_POS_VBG:
            if ((wc(&c, i) & DT__WC_ACCORDING) && c.tg[i + 1] == DT_POS_TO) {
                type = DT_CHUNK_PP; /* "according to" */
                end = i + 2;
                break;
            }
            /* fall through */
        default:
            if ((e = vp_end_m(&c, i)) > i && !(p == DT_POS_VBN && np_end_m(&c, i) > i + 1)) {
                type = DT_CHUNK_VP;
                end = e;
            } else if ((e = np_end_m(&c, i)) > i) {
                type = DT_CHUNK_NP;
                end = e;
            } else if (is_adj(p) || (is_adv(p) && is_adj(c.tg[i + 1]))) {
                /* the padding after the sentence is no adjective or adverb */
                type = DT_CHUNK_ADJP;
                while (is_adj(c.tg[end]))
                    end++;
            } else if (is_adv(p)) {
                type = DT_CHUNK_ADVP;
                while (is_adv(c.tg[end]))
                    end++;
            } else if (p == DT_POS_RP) {
                type = DT_CHUNK_PRT;
            }
            break;
        }
        if (type != DT_CHUNK_O) {
            dt_chunk *ch = &out[nch++];
            *ch = (dt_chunk){(uint8_t)type, 0,       0,
                             s->tok + i,    end - i, s->tok + head_of(c.tg, type, i, end)};
            if (type == DT_CHUNK_VP)
                ch->flags = dt__vp_flags(t, d, ch->first, ch->n, ch->head);
        }
        i = end; /* the tokens' chunk types are stored by dt__clauses */
    }
    /* Coordinated NPs: "Arnor and Gondor", "Arnor, Gondor and Rohan". */
    for (uint32_t k = 1; k < nch; k++) {
        dt_chunk *a = &out[k - 1], *b = &out[k];
        if (a->type != DT_CHUNK_NP || b->type != DT_CHUNK_NP || b->first != a->first + a->n + 1)
            continue;
        const dt_token *sep = &d->tok[b->first - 1];
        if (sep->pos == DT_POS_CC) {
            b->flags |= DT_CH_COORD;
        } else if (sep->pos == DT_POS_COMMA && k + 1 < nch) {
            /* a comma coordinates only inside a list that ends in and/or */
            const dt_chunk *nx = &out[k + 1];
            uint32_t after = b->first + b->n;
            if (nx->type == DT_CHUNK_NP && after < d->ntok &&
                (d->tok[after].pos == DT_POS_CC || d->tok[after].pos == DT_POS_COMMA) &&
                (d->tok[after].pos == DT_POS_CC ||
                 (after + 1 < d->ntok && d->tok[after + 1].pos == DT_POS_CC)))
                b->flags |= DT_CH_COORD;
        }
    }
    s->nchunk = nch;
    return DT_OK;
}

int dt_chunk_doc(const dt_tagger *t, dt_arena *a, dt_doctext *d, dt_error *err)
{
    if (!a || !d)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "null argument");
    dt_chunk *ch = dt_arena_alloc(a, (d->ntok ? d->ntok : 1) * sizeof *ch);
    if (!ch)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory while chunking");
    d->chunk = ch;
    /* One tag buffer for the longest sentence, padded (see tag_at). */
    uint32_t longest = 0;
    for (size_t si = 0; si < d->nsent; si++)
        if (d->sent[si].ntok > longest)
            longest = d->sent[si].ntok;
    uint8_t *tg = dt_arena_alloc(a, (size_t)longest + TAG_PAD);
    if (!tg)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory while chunking");
    uint32_t used = 0;
    for (size_t si = 0; si < d->nsent; si++) {
        dt_sentence *s = &d->sent[si];
        s->chunk = used;
        chunk_sentence(t, d, s, ch + used, tg);
        used += s->nchunk;
        dt__clauses(t, d, s);
    }
    d->nchunk = used;
    return DT_OK;
}

int dt_analyse(const dt_tagger *t, dt_arena *a, const char *text, size_t len, dt_doctext *out,
               dt_error *err)
{
    if (!t || !a || !out || (!text && len))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "null argument");
    int rc = dt_text_analyse(a, text, len, out, err);
    if (rc < 0)
        return rc;
    rc = dt_tagger_tag(t, a, out, err);
    if (rc < 0)
        return rc;
    return dt_chunk_doc(t, a, out, err);
}
