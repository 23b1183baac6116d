/* detente — text stage internals shared by the files of src/text.
 * Not a public header: nothing outside src/text includes it. */
#ifndef DETENTE_TEXT_INTERNAL_H
#define DETENTE_TEXT_INTERNAL_H

#include "detente/text.h"

#include <stddef.h>
#include <stdint.h>

/* Character classes of single bytes; bytes >= 0x80 are DT__CL_HI and the
 * caller decodes them. NUL has no class at all: it is never valid text. */
enum {
    DT__CL_SPACE = 1u << 0, /* ASCII white space and C0 controls (not NUL), DEL */
    DT__CL_UPPER = 1u << 1,
    DT__CL_LOWER = 1u << 2,
    DT__CL_DIGIT = 1u << 3,
    DT__CL_WORD = 1u << 4,  /* letter, digit or '_' */
    DT__CL_PUNCT = 1u << 5, /* any other printable ASCII */
    DT__CL_HI = 1u << 6     /* first or continuation byte of a multi-byte sequence */
};
#define DT__CL_ALPHA (DT__CL_UPPER | DT__CL_LOWER)

extern const unsigned char dt__text_class[256];
/* ASCII fold: a-z -> A-Z, C0 controls and DEL -> ' ', other ASCII itself.
 * Bytes >= 0x80 map to themselves (never used on them). */
extern const unsigned char dt__text_fold_ascii[256];

/* Decode one code point at s[0..n) (n >= 1) leniently: on any malformed,
 * overlong, surrogate or out-of-range sequence, *cp = -1 and 1 is returned
 * so the caller can treat the single bad byte as a symbol. */
static inline size_t dt__utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80) {
            *cp = (int32_t)(((c & 0x1Fu) << 6) | (s[1] & 0x3Fu));
            return 2;
        }
    } else if (c >= 0xE0 && c <= 0xEF) {
        if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            uint32_t v = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
            /* overlong (< U+0800) and UTF-16 surrogates are not characters */
            if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
                *cp = (int32_t)v;
                return 3;
            }
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        if (n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
            uint32_t v = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
                         (s[3] & 0x3Fu);
            if (v >= 0x10000 && v <= 0x10FFFF) {
                *cp = (int32_t)v;
                return 4;
            }
        }
    }
    *cp = -1;
    return 1;
}

/* ASCII replacement for typographic punctuation and Unicode spaces that
 * should match their ASCII forms ("’" -> "'", "—" -> "--", NBSP -> " ",
 * "…" -> "..."); NULL when cp has none. Static strings. */
const char *dt__text_special(int32_t cp);

/* Non-ASCII code point classes the tokeniser needs. */
enum {
    DT__U_OTHER = 0, /* symbol or punctuation: a token on its own */
    DT__U_SPACE,     /* white space, or an invisible format character between tokens */
    DT__U_NEWLINE,   /* line separator U+2028, NEL U+0085 */
    DT__U_PARA,      /* paragraph separator U+2029 */
    DT__U_UPPER,     /* upper/title-case letter */
    DT__U_LOWER,     /* lower-case letter */
    DT__U_LETTER,    /* other letter (no case), mark */
    DT__U_DIGIT,     /* decimal digit */
    DT__U_NUMBER,    /* other number: part of words */
    DT__U_FORMAT     /* format char (soft hyphen, ZWJ): inside a word, invisible */
};
int dt__text_uclass(int32_t cp);

/* Abbreviation classes (dt__abbrev_class). */
enum {
    DT__AB_NONE = 0,
    DT__AB_TITLE,  /* precedes a name, never ends a sentence: Mr. Gen. Sen. */
    DT__AB_END,    /* may end a sentence: U.S. Inc. etc. Jan. and initials */
    DT__AB_NUMERIC /* an abbreviation only before a number: No. 5, Art. 51 */
};
/* Class of the word s[0..n) (without its period) when followed by '.'.
 * Matches the table exactly, in all capitals, or capitalised for lower-case
 * entries; also recognises initials ("J") and dotted forms ("U.S", "e.g"). */
int dt__abbrev_class(const char *s, size_t n);
/* The longest table entry: a longer word is an abbreviation only when
 * dotted, which needs a '.' inside it. */
#define DT__ABBREV_MAX_LEN 6
/* By upper-case first letter (A..Z): bit n set when the table has an
 * entry of n bytes starting with it (any), or one spelled lower-case
 * (lower; a lower-case word matches only such an entry). */
extern const unsigned char dt__abbrev_len_any[26], dt__abbrev_len_lower[26];
/* 0 when dt__abbrev_class(w, n) is surely DT__AB_NONE for a word with no
 * '.' inside (dot == 0): no initial, and no table entry of its first
 * letter and length; 1 when it may be something else. */
static inline int dt__abbrev_possible(const unsigned char *w, size_t n, int dot)
{
    if (dot || n == 1)
        return 1;
    unsigned c = w[0];
    if (n > DT__ABBREV_MAX_LEN || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        return 0;
    unsigned lens = c >= 'a' ? dt__abbrev_len_lower[c - 'a'] : dt__abbrev_len_any[c - 'A'];
    return (lens >> n) & 1u;
}
/* 1 if the abbreviation table is in the order the lookup needs (tests). */
int dt__abbrev_table_sorted(void);
/* 1 if the tokeniser's merged class/fold table agrees with dt__text_class
 * and dt__text_fold_ascii (tests). */
int dt__text_word_table_ok(void);

/* Whether the upper-case word norm[0..n) is a typical sentence opener
 * ("THE", "HE", "IN" ...): used to decide whether a sentence ends after an
 * abbreviation or an ellipsis. */
int dt__is_opener(const char *norm, size_t n);

#endif
