/* Abbreviations and sentence openers: the one place that lists them.
 *
 * How they are used (see docs/text.md): a word directly followed by "." is
 * looked up here. TITLE abbreviations keep their period and never end a
 * sentence (the next word is a name). END abbreviations keep their period
 * too, but the sentence ends after one when the next word is capitalised
 * AND is a typical sentence opener ("... talks in the U.S. The president
 * said" splits; "the U.S. State Department" does not). NUMERIC ones are
 * abbreviations only before a number ("No. 5"); "No." elsewhere is a word
 * and a full stop. */
#include "text/text_internal.h"

#include <string.h>

typedef struct {
    const char *s; /* without the final period, in its usual spelling */
    unsigned char len;
    unsigned char cls;
} abbrev;

/* T: title (never ends a sentence), E: may end one, N: only before a
 * number. */
#define T(s)                                                                                       \
    {                                                                                              \
        s, sizeof(s) - 1, DT__AB_TITLE                                                             \
    }
#define E(s)                                                                                       \
    {                                                                                              \
        s, sizeof(s) - 1, DT__AB_END                                                               \
    }
#define N(s)                                                                                       \
    {                                                                                              \
        s, sizeof(s) - 1, DT__AB_NUMERIC                                                           \
    }

/* Sorted by upper-case spelling (then by exact spelling), for the binary
 * search in dt__abbrev_class; dt__abbrev_table_sorted() checks the order. */
static const abbrev abbrevs[] = {
    T("Adm"),  E("al"),    E("Ala"),  T("Amb"),  E("approx"), E("Apr"),    E("Ariz"),  E("Ark"),
    N("Art"),  E("Assn"),  T("Atty"), E("Aug"),  E("Ave"),    E("Blvd"),   T("Brig"),  E("Bros"),
    E("ca"),   E("Calif"), T("Capt"), T("Cdr"),  E("cf"),     N("Ch"),     T("Cmdr"),  E("Co"),
    T("Col"),  E("Colo"),  E("Conn"), E("Corp"), E("Cos"),    T("Cpl"),    T("Cpt"),   E("Dec"),
    E("Del"),  E("Dept"),  T("Det"),  T("Dr"),   E("est"),    E("etc"),    E("Feb"),   N("Fig"),
    N("fig"),  E("Fla"),   T("Fr"),   E("Fri"),  T("Ft"),     E("Ga"),     T("Gen"),   T("Gens"),
    T("Gov"),  E("Govt"),  E("govt"), T("Hon"),  E("Ill"),    E("Inc"),    T("Insp"),  E("Jan"),
    E("Jr"),   E("Jul"),   E("Jun"),  E("Kan"),  E("Ky"),     E("La"),     T("Lieut"), T("Lt"),
    E("Ltd"),  T("Maj"),   E("Mar"),  E("Mass"), E("Md"),     T("Messrs"), E("Mich"),  E("Minn"),
    E("Miss"), T("Mlle"),  T("Mme"),  T("Mmes"), E("Mon"),    E("Mont"),   T("Mr"),    T("Mrs"),
    T("Ms"),   T("Mt"),    E("Neb"),  E("Nev"),  N("No"),     N("Nos"),    E("Nov"),   E("Oct"),
    E("Okla"), E("Ore"),   N("p"),    E("Pa"),   E("Ph"),     E("Plc"),    N("pp"),    T("Pres"),
    T("Prof"), T("Pvt"),   E("Rd"),   T("Rep"),  T("Reps"),   T("Rev"),    E("Sat"),   N("Sec"),
    T("Sen"),  T("Sens"),  E("Sep"),  E("Sept"), T("Sgt"),    E("Sr"),     E("St"),    T("Supt"),
    E("Tenn"), E("Tex"),   E("Thu"),  E("Thur"), E("Thurs"),  E("Tue"),    E("Tues"),  E("Univ"),
    E("Va"),   N("Vol"),   N("vol"),  E("vs"),   E("Vt"),     E("Wash"),   E("Wed"),   E("Wis"),
    E("Wyo"),
};

#undef T
#undef E
#undef N

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}
static int is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}
static int is_alpha(unsigned char c)
{
    return is_upper(c) || is_lower(c);
}
static unsigned char to_upper(unsigned char c)
{
    return is_lower(c) ? (unsigned char)(c - 32) : c;
}

/* Does word w (n bytes) spell entry e: exactly, in all capitals ("GEN"),
 * or capitalised when the entry is lower-case ("Etc")? Mixed forms such
 * as "iLl" are not abbreviations. */
static int matches(const abbrev *e, const unsigned char *w, size_t n)
{
    if (e->len != n)
        return 0;
    if (memcmp(e->s, w, n) == 0)
        return 1;
    int all_caps = 1;
    for (size_t i = 0; i < n; i++)
        if (!is_upper(w[i]))
            all_caps = 0;
    const unsigned char *es = (const unsigned char *)e->s;
    if (all_caps && n > 1) {
        for (size_t i = 0; i < n; i++)
            if (to_upper(es[i]) != w[i])
                return 0;
        return 1;
    }
    if (is_lower(es[0]) && is_upper(w[0]) && to_upper(es[0]) == w[0])
        return memcmp(es + 1, w + 1, n - 1) == 0;
    return 0;
}

/* "U.S", "e.g", "Ph.D", "a.m", "U.S.S.R": letters in groups of one or two
 * separated by single periods, at least two groups. */
static int dotted(const unsigned char *w, size_t n)
{
    size_t groups = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_alpha(w[i])) {
            if (++run > 2)
                return 0;
        } else if (w[i] == '.') {
            if (run == 0)
                return 0;
            groups++;
            run = 0;
        } else {
            return 0;
        }
    }
    if (run == 0)
        return 0;
    return groups + 1 >= 2;
}

#define NABBREV (sizeof abbrevs / sizeof abbrevs[0])

/* Where the entries of each upper-case first letter start in abbrevs
 * (A..Z, then the end): a lookup scans only its letter's few entries.
 * dt__abbrev_table_sorted() checks these against the table. */
static const unsigned char letter_start[27] = {0,   13,  16,  31,  36,  38,  45,  51,  52,
                                               55,  59,  61,  65,  82,  87,  90,  98,  98,
                                               102, 112, 119, 120, 125, 129, 129, 129, 129};

/* Bit n set when the letter has an entry of n bytes: any entry (for a
 * word with a capital first letter, which may match in capitals or
 * capitalised), or one spelled lower-case (a lower-case word matches only
 * an entry it equals). Most words before a full stop have no entry of
 * their length and skip the scan. dt__abbrev_table_sorted() checks
 * these against the table. */
const unsigned char dt__abbrev_len_any[26] = {0x5c, 0x10, 0x3c, 0x1c, 0x08, 0x0c, 0x1c, 0x08, 0x18,
                                              0x0c, 0x0c, 0x2c, 0x5c, 0x0c, 0x18, 0x1e, 0x00, 0x1c,
                                              0x1c, 0x38, 0x10, 0x0c, 0x18, 0x00, 0x00, 0x00};
const unsigned char dt__abbrev_len_lower[26] = {
    0x44, 0x00, 0x04, 0x00, 0x08, 0x08, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00};

/* Compare an entry with a word by their upper-case spellings. */
static int cmp_upper(const abbrev *e, const unsigned char *w, size_t n)
{
    size_t m = e->len < n ? e->len : n;
    for (size_t i = 0; i < m; i++) {
        unsigned char a = to_upper((unsigned char)e->s[i]), b = to_upper(w[i]);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return e->len < n ? -1 : e->len > n ? 1 : 0;
}

int dt__abbrev_class(const char *s, size_t n)
{
    const unsigned char *w = (const unsigned char *)s;
    if (n == 0)
        return DT__AB_NONE;
    /* An initial: "George W. Bush", "J. R. R. Tolkien". */
    if (n == 1 && is_upper(w[0]))
        return DT__AB_END;
    if (n <= DT__ABBREV_MAX_LEN && is_alpha(w[0])) {
        /* The first entry (in table order) that matches is the answer, as
         * with a search: entries differing only in case ("Vol", "vol")
         * sit together, and matches() tests the length first. No entry of
         * the word's length (and case, see dt__abbrev_len_lower): nothing to scan. */
        unsigned l = (unsigned)(to_upper(w[0]) - 'A');
        unsigned lens = is_lower(w[0]) ? dt__abbrev_len_lower[l] : dt__abbrev_len_any[l];
        for (size_t i = (lens >> n) & 1u ? letter_start[l] : letter_start[l + 1];
             i < letter_start[l + 1]; i++)
            if (abbrevs[i].len == n && cmp_upper(&abbrevs[i], w, n) == 0 &&
                matches(&abbrevs[i], w, n))
                return abbrevs[i].cls;
    }
    if (dotted(w, n))
        return DT__AB_END;
    return DT__AB_NONE;
}

int dt__abbrev_table_sorted(void)
{
    /* letter_start: every entry starts with a letter, and sits in its
     * letter's range. */
    if (letter_start[26] != NABBREV)
        return 0;
    for (size_t i = 0; i < NABBREV; i++)
        if (abbrevs[i].len > DT__ABBREV_MAX_LEN)
            return 0;
    for (size_t l = 0; l < 26; l++)
        for (size_t i = letter_start[l]; i < letter_start[l + 1]; i++)
            if (to_upper((unsigned char)abbrevs[i].s[0]) != 'A' + l)
                return 0;
    for (size_t l = 0; l < 26; l++) {
        unsigned any = 0, lower = 0;
        for (size_t i = letter_start[l]; i < letter_start[l + 1]; i++) {
            any |= 1u << abbrevs[i].len;
            if (is_lower((unsigned char)abbrevs[i].s[0]))
                lower |= 1u << abbrevs[i].len;
        }
        if (any != dt__abbrev_len_any[l] || lower != dt__abbrev_len_lower[l])
            return 0;
    }
    for (size_t i = 1; i < NABBREV; i++) {
        const abbrev *e = &abbrevs[i];
        int c = cmp_upper(&abbrevs[i - 1], (const unsigned char *)e->s, e->len);
        if (c > 0 || (c == 0 && strcmp(abbrevs[i - 1].s, e->s) >= 0))
            return 0;
    }
    return 1;
}

/* Words that typically open a sentence, in upper case. Deliberately short
 * and made of function words: a capitalised NAME after "U.S." is far more
 * often part of the same sentence ("the U.S. State Department"). Each
 * with its length: a word is compared only with the openers of its length
 * and first letter (no strlen per entry). */
typedef struct {
    const char *s;
    unsigned char len;
} opener;

#define O(s)                                                                                       \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }
static const opener openers[] = {
    O("A"),       O("AN"),        O("THE"),       O("HE"),        O("SHE"),      O("IT"),
    O("THEY"),    O("WE"),        O("I"),         O("YOU"),       O("THIS"),     O("THAT"),
    O("THESE"),   O("THOSE"),     O("THERE"),     O("HIS"),       O("HER"),      O("ITS"),
    O("THEIR"),   O("OUR"),       O("MY"),        O("IN"),        O("ON"),       O("AT"),
    O("BUT"),     O("AND"),       O("OR"),        O("SO"),        O("YET"),      O("IF"),
    O("AS"),      O("FOR"),       O("WITH"),      O("AFTER"),     O("BEFORE"),   O("WHEN"),
    O("WHILE"),   O("SINCE"),     O("ALTHOUGH"),  O("THOUGH"),    O("HOWEVER"),  O("MEANWHILE"),
    O("ALSO"),    O("SOME"),      O("MANY"),      O("MOST"),      O("ALL"),      O("BOTH"),
    O("EACH"),    O("NO"),        O("NOT"),       O("NEITHER"),   O("EVEN"),     O("STILL"),
    O("THEN"),    O("NOW"),       O("TODAY"),     O("YESTERDAY"), O("EARLIER"),  O("LATER"),
    O("LAST"),    O("ACCORDING"), O("DURING"),    O("UNDER"),     O("BY"),       O("FROM"),
    O("AMONG"),   O("OTHER"),     O("WHAT"),      O("WHO"),       O("WHY"),      O("HOW"),
    O("WHERE"),   O("ONE"),       O("OFFICIALS"), O("THUS"),      O("MOREOVER"), O("FURTHERMORE"),
    O("BECAUSE"),
};
#undef O

int dt__is_opener(const char *norm, size_t n)
{
    if (n == 0 || n > 11)
        return 0;
    for (size_t i = 0; i < sizeof openers / sizeof openers[0]; i++)
        if (openers[i].len == n && openers[i].s[0] == norm[0] && memcmp(openers[i].s, norm, n) == 0)
            return 1;
    return 0;
}
