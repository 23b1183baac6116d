/* detente — text: UTF-8 validation, normalisation, sentence splitting and
 * Penn-Treebank-style tokenisation.
 *
 * The analysed document (dt_doctext) is the one data structure that flows
 * from the text stage through the tagger and chunker to the coder. Tokens
 * keep byte spans into the ORIGINAL document text, so every event can point
 * back to its evidence, and carry a normalised form used for matching:
 * typographic quotes and dashes folded to ASCII, accents stripped
 * ("Détente" -> "DETENTE"), upper-cased.
 *
 * All memory is taken from a caller-supplied arena (per document).
 * Functions here are thread-safe as long as each thread uses its own arena.
 */
#ifndef DETENTE_TEXT_H
#define DETENTE_TEXT_H

#include "detente/arena.h"
#include "detente/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (inputs over them are rejected with DT_ELIMIT). */
#define DT_MAX_DOC_BYTES ((size_t)64 << 20) /* one document's text */
#define DT_MAX_TOKEN_BYTES 1024             /* longer "words" are split */
#define DT_MAX_SENTENCE_TOKENS 4096         /* longer sentences are cut */

/* Token flags. */
enum {
    DT_TOK_ALPHA = 1u << 0,        /* has a letter */
    DT_TOK_DIGIT = 1u << 1,        /* has a digit */
    DT_TOK_PUNCT = 1u << 2,        /* punctuation only */
    DT_TOK_CAP = 1u << 3,          /* first letter upper-case in the original */
    DT_TOK_ALLCAPS = 1u << 4,      /* all letters upper-case, >1 letter */
    DT_TOK_SENT_START = 1u << 5,   /* first token of its sentence */
    DT_TOK_HYPHEN = 1u << 6,       /* contains an inner hyphen */
    DT_TOK_ABBREV = 1u << 7,       /* ends with a period kept in the token (Mr., U.S.) */
    DT_TOK_CLITIC = 1u << 8,       /* split-off clitic: 's, n't, 're, 'll ... */
    DT_TOK_NUMBER = 1u << 9,       /* a number (1,000 3.5 1990s) */
    DT_TOK_QUOTE = 1u << 10,       /* a quotation mark */
    DT_TOK_SPACE_BEFORE = 1u << 11 /* white space precedes it in the original */
};

/* Part-of-speech tags (Penn Treebank). DT_POS_NONE = not tagged yet. */
/* Kept out of clang-format, which re-wraps this macro differently on each
 * pass. */
/* clang-format off */
#define DT_POS_MAP(X) \
    X(NONE, "NONE") X(CC, "CC") X(CD, "CD") X(DT, "DT") X(EX, "EX") X(FW, "FW") \
    X(IN, "IN") X(JJ, "JJ") X(JJR, "JJR") X(JJS, "JJS") X(LS, "LS") X(MD, "MD") \
    X(NN, "NN") X(NNS, "NNS") X(NNP, "NNP") X(NNPS, "NNPS") X(PDT, "PDT") X(POS, "POS") \
    X(PRP, "PRP") X(PRPS, "PRP$") X(RB, "RB") X(RBR, "RBR") X(RBS, "RBS") X(RP, "RP") \
    X(SYM, "SYM") X(TO, "TO") X(UH, "UH") X(VB, "VB") X(VBD, "VBD") X(VBG, "VBG") \
    X(VBN, "VBN") X(VBP, "VBP") X(VBZ, "VBZ") X(WDT, "WDT") X(WP, "WP") X(WPS, "WP$") \
    X(WRB, "WRB") X(HASH, "#") X(DOLLAR, "$") X(OQUOTE, "``") X(CQUOTE, "''") X(LRB, "-LRB-") \
    X(RRB, "-RRB-") X(COMMA, ",") X(PERIOD, ".") X(COLON, ":")
/* clang-format on */

enum dt_pos {
#define DT__POS_ENUM(name, str) DT_POS_##name,
    DT_POS_MAP(DT__POS_ENUM)
#undef DT__POS_ENUM
        DT_POS__COUNT
};

/* Penn name of a tag ("NNP", "PRP$", ...); "NONE" for out of range. */
const char *dt_pos_name(int pos);
/* Tag from its Penn name; also accepts "(" ")" "-LCB-" style variants.
 * Returns DT_POS_NONE when unknown. */
int dt_pos_from_name(const char *s, size_t n);

static inline int dt_pos_is_verb(int p)
{
    return p >= DT_POS_VB && p <= DT_POS_VBZ;
}
static inline int dt_pos_is_noun(int p)
{
    return p >= DT_POS_NN && p <= DT_POS_NNPS;
}
static inline int dt_pos_is_adj(int p)
{
    return p >= DT_POS_JJ && p <= DT_POS_JJS;
}

/* Chunk types (flat, non-recursive), set by the chunker. */
enum dt_chunk_type {
    DT_CHUNK_O = 0, /* outside any chunk (punctuation, conjunctions...) */
    DT_CHUNK_NP,    /* base noun phrase */
    DT_CHUNK_VP,    /* verb group: auxiliaries, adverbs, negation, main verb */
    DT_CHUNK_PP,    /* preposition (the NP that follows is its object) */
    DT_CHUNK_ADJP,
    DT_CHUNK_ADVP,
    DT_CHUNK_SBAR, /* subordinator / relative pronoun opening a clause */
    DT_CHUNK_PRT,  /* verb particle */
    DT_CHUNK__COUNT
};
const char *dt_chunk_name(int type);

/* Chunk flags. */
enum {
    DT_CH_PASSIVE = 1u << 0,      /* VP: passive voice (be/get + VBN) */
    DT_CH_NEGATED = 1u << 1,      /* VP: not / n't / never */
    DT_CH_MAIN = 1u << 2,         /* VP: main verb group of the sentence */
    DT_CH_SAY = 1u << 3,          /* VP: an attribution verb (said, told...) */
    DT_CH_CLAUSE_START = 1u << 4, /* first chunk of a clause */
    DT_CH_MODAL = 1u << 5,        /* VP: contains a modal (may, will...) */
    DT_CH_INFINITIVE = 1u << 6,   /* VP: "to" + VB */
    DT_CH_RELATIVE = 1u << 7,     /* chunk starts a relative clause */
    DT_CH_COORD = 1u << 8         /* NP: coordinated with the previous NP */
};

typedef struct dt_token {
    uint32_t off;       /* byte offset of the token in the original text */
    uint32_t len;       /* byte length in the original text */
    const char *norm;   /* normalised form: ASCII-folded, UPPER-CASE, NUL-terminated
                           (arena). E.g. "Détente" -> "DETENTE", "’s" -> "'S" */
    uint16_t norm_len;  /* strlen(norm) modulo 65536 (so never more than it) */
    uint16_t flags;     /* DT_TOK_* */
    uint8_t pos;        /* enum dt_pos, set by the tagger */
    uint8_t chunk;      /* enum dt_chunk_type of the chunk holding it */
    uint16_t clause;    /* clause index within the sentence (set by chunker) */
    const char *lemma;  /* lower-case lemma, NUL-terminated (tagger; static or arena) */
    uint32_t word_id;   /* lexicon id of norm, 0 = unknown (tagger) */
    uint32_t norm_hash; /* FNV-1a (32-bit) of norm[0..norm_len) when the tokeniser
                           computed it on the way, else 0 (users hash norm then) */
} dt_token;

typedef struct dt_chunk {
    uint8_t type; /* enum dt_chunk_type */
    uint8_t pad;
    uint16_t flags; /* DT_CH_* */
    uint32_t first; /* index of the first token (document-wide) */
    uint32_t n;     /* number of tokens */
    uint32_t head;  /* index of the head token (document-wide) */
} dt_chunk;

/* A constituent of a full parse tree, when one is available (only from
 * dt_treebank_parse; the raw-text pipeline leaves ncons = 0). */
typedef struct dt_constituent {
    char label[12]; /* "NP", "VP", "S", "SBAR", "PP", ... */
    uint32_t first; /* first token (document-wide) */
    uint32_t n;     /* number of tokens covered */
    int32_t parent; /* index into the sentence's constituents, -1 = root */
} dt_constituent;

typedef struct dt_sentence {
    uint32_t off, len;      /* byte span in the original text */
    uint32_t tok, ntok;     /* tokens [tok, tok+ntok) */
    uint32_t chunk, nchunk; /* chunks [chunk, chunk+nchunk) (chunker) */
    uint32_t main_vp;       /* index of the main VP chunk, UINT32_MAX if none */
    dt_constituent *cons;   /* optional full parse (arena), NULL if none */
    uint32_t ncons;
    uint32_t truncated; /* 1 if cut at DT_MAX_SENTENCE_TOKENS */
} dt_sentence;

typedef struct dt_doctext {
    const char *text; /* the original text (borrowed; must outlive this) */
    size_t len;
    dt_token *tok;
    size_t ntok;
    dt_sentence *sent;
    size_t nsent;
    dt_chunk *chunk;
    size_t nchunk;
} dt_doctext;

/* Check that s[0..n) is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF, no truncated sequence, no NUL). Returns DT_OK, or
 * DT_EUTF8 with *bad_offset (if non-NULL) set to the offset of the first
 * byte of the first bad sequence. Pure function: thread-safe. */
int dt_utf8_validate(const char *s, size_t n, size_t *bad_offset);

/* Normalise one token's bytes for matching: NFKC-ish folding via utf8proc,
 * quotes/dashes/spaces to ASCII, accents stripped, upper-cased. Writes at
 * most cap-1 bytes plus NUL to out (caller-owned) and returns the length;
 * the output is valid UTF-8, never cut inside a character, and bad input
 * bytes become U+FFFD. cap == 0 writes nothing. Pure function: thread-safe.
 * The rules are listed in docs/text.md. */
size_t dt_text_fold(const char *s, size_t n, char *out, size_t cap);

/* Split and tokenise text[0..len) into out (tokens, sentences; no tags,
 * no chunks). text should be valid UTF-8 (call dt_utf8_validate first);
 * invalid bytes and NULs become one-byte symbol tokens with norm U+FFFD.
 * Token spans never overlap, except that a sentence-final abbreviation
 * ("U.S.") is followed, PTB-style, by a "." token whose one-byte span is
 * the abbreviation's own final period. out's arrays and norms are owned by
 * the arena; text is borrowed and must outlive out. Returns DT_OK,
 * DT_ENOMEM (out zeroed), DT_EINVAL (no arena, no out, or NULL text with
 * len > 0) or DT_ELIMIT (len > DT_MAX_DOC_BYTES). Rules: docs/text.md. */
int dt_text_analyse(dt_arena *a, const char *text, size_t len, dt_doctext *out, dt_error *err);

/* Tokenise text as a single sentence (no sentence splitting, except that
 * DT_MAX_SENTENCE_TOKENS still cuts). Used for PETRARCH records, where each
 * record is one sentence. Same contract as dt_text_analyse. */
int dt_text_analyse_sentence(dt_arena *a, const char *text, size_t len, dt_doctext *out,
                             dt_error *err);

#ifdef __cplusplus
}
#endif
#endif
