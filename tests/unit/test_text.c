/* Unit tests for the text stage: validation, folding, tokenisation and
 * sentence splitting. */
#include "dt_test.h"

#include "detente/arena.h"
#include "detente/text.h"
#include "text/text_internal.h"

#include <stdint.h>

static dt_arena *arena;

/* Analyse text (split = sentence splitting on) and check the invariants
 * every result must keep, whatever the text. */
static dt_doctext run(const char *text, size_t len, int split)
{
    dt_doctext d;
    dt_error e;
    dt_error_clear(&e);
    int rc = split ? dt_text_analyse(arena, text, len, &d, &e)
                   : dt_text_analyse_sentence(arena, text, len, &d, &e);
    DT_CHECK_INT(rc, DT_OK);
    if (rc != DT_OK) {
        memset(&d, 0, sizeof d);
        return d;
    }
    size_t next = 0;
    for (size_t s = 0; s < d.nsent; s++) {
        const dt_sentence *st = &d.sent[s];
        DT_CHECK_INT(st->tok, next);
        DT_CHECK(st->ntok > 0 && st->ntok <= DT_MAX_SENTENCE_TOKENS);
        DT_CHECK_INT(st->nchunk, 0);
        DT_CHECK(st->cons == NULL);
        next = st->tok + st->ntok;
        const dt_token *a = &d.tok[st->tok], *z = &d.tok[next - 1];
        DT_CHECK_INT(st->off, a->off);
        DT_CHECK_INT(st->off + st->len, z->off + z->len);
        for (size_t i = st->tok; i < next; i++)
            DT_CHECK_INT(!!(d.tok[i].flags & DT_TOK_SENT_START), i == st->tok);
    }
    DT_CHECK_INT(next, d.ntok);
    for (size_t i = 0; i < d.ntok; i++) {
        const dt_token *t = &d.tok[i];
        DT_CHECK(t->len > 0 && t->len <= DT_MAX_TOKEN_BYTES);
        DT_CHECK((size_t)t->off + t->len <= len);
        DT_CHECK(t->norm != NULL);
        if (t->norm) {
            DT_CHECK_INT(strlen(t->norm), t->norm_len);
            DT_CHECK(t->norm_len > 0);
            /* A hash the tokeniser left must be FNV-1a of the norm. */
            uint32_t h = 2166136261u;
            for (size_t k = 0; k < t->norm_len; k++)
                h = (h ^ (unsigned char)t->norm[k]) * 16777619u;
            if (t->norm_hash)
                DT_CHECK_INT(t->norm_hash, h);
        }
        DT_CHECK_INT(t->pos, DT_POS_NONE);
        if (i > 0) {
            /* In order; only the full stop after a final abbreviation
             * shares a byte with the token before it. */
            const dt_token *p = &d.tok[i - 1];
            if (t->off < p->off + p->len)
                DT_CHECK(t->len == 1 && t->off == p->off + p->len - 1 &&
                         (p->flags & DT_TOK_ABBREV) && strcmp(t->norm, ".") == 0);
        }
    }
    return d;
}

/* The norms of sentence s joined by single spaces (static buffer). */
static const char *norms(const dt_doctext *d, size_t s)
{
    static char buf[8192];
    size_t o = 0;
    buf[0] = '\0';
    if (s >= d->nsent)
        return "(no such sentence)";
    for (uint32_t i = d->sent[s].tok; i < d->sent[s].tok + d->sent[s].ntok; i++) {
        size_t m = d->tok[i].norm_len;
        if (o + m + 2 >= sizeof buf)
            break;
        if (o)
            buf[o++] = ' ';
        memcpy(buf + o, d->tok[i].norm, m);
        o += m;
        buf[o] = '\0';
    }
    return buf;
}

/* The original bytes of token i, NUL-terminated (static buffer). */
static const char *orig(const dt_doctext *d, size_t i)
{
    static char buf[2048];
    size_t m = d->tok[i].len < sizeof buf - 1 ? d->tok[i].len : sizeof buf - 1;
    memcpy(buf, d->text + d->tok[i].off, m);
    buf[m] = '\0';
    return buf;
}

static dt_doctext doc(const char *text)
{
    return run(text, strlen(text), 1);
}

static void test_titles(void)
{
    dt_doctext d = doc("Mr. Smith met Dr. Jones and Gen. Lee. They talked with Sen. Ford.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "MR. SMITH MET DR. JONES AND GEN. LEE .");
    DT_CHECK_STR(norms(&d, 1), "THEY TALKED WITH SEN. FORD .");
    DT_CHECK(d.tok[0].flags & DT_TOK_ABBREV);
    DT_CHECK(d.tok[0].flags & DT_TOK_CAP);
    DT_CHECK_STR(orig(&d, 0), "Mr.");
    dt_arena_reset(arena);
}

static void test_initials(void)
{
    dt_doctext d = doc("George W. Bush met J. R. R. Tolkien in 1950. Nothing happened.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "GEORGE W. BUSH MET J. R. R. TOLKIEN IN 1950 .");
    dt_arena_reset(arena);
}

static void test_us_mid_and_end(void)
{
    dt_doctext d = doc("The U.S. government said the U.S. State Department would act.");
    DT_CHECK_INT(d.nsent, 1);
    DT_CHECK_STR(norms(&d, 0), "THE U.S. GOVERNMENT SAID THE U.S. STATE DEPARTMENT WOULD ACT .");
    DT_CHECK(d.tok[1].flags & DT_TOK_ABBREV);
    DT_CHECK(d.tok[1].flags & DT_TOK_ALLCAPS);
    dt_arena_reset(arena);

    const char *t = "He flew to the U.S. The talks began in the U.K. on Monday.";
    d = doc(t);
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "HE FLEW TO THE U.S. .");
    DT_CHECK_STR(norms(&d, 1), "THE TALKS BEGAN IN THE U.K. ON MONDAY .");
    /* the extra full stop points at the abbreviation's own period */
    DT_CHECK_INT(d.tok[5].off, strchr(t, 'T') - t - 2);
    DT_CHECK_INT(d.tok[5].len, 1);
    DT_CHECK_INT(d.sent[0].len, strlen("He flew to the U.S."));
    dt_arena_reset(arena);

    d = doc("He lives in the U.S.");
    DT_CHECK_INT(d.nsent, 1);
    DT_CHECK_STR(norms(&d, 0), "HE LIVES IN THE U.S. .");
    dt_arena_reset(arena);

    d = doc("Apple Inc. said it would pay. Acme Corp. The end etc. and more.");
    DT_CHECK_INT(d.nsent, 3);
    DT_CHECK_STR(norms(&d, 0), "APPLE INC. SAID IT WOULD PAY .");
    DT_CHECK_STR(norms(&d, 1), "ACME CORP. .");
    DT_CHECK_STR(norms(&d, 2), "THE END ETC. AND MORE .");
    dt_arena_reset(arena);

    d = doc("U.S.-led forces and the E.U. met. The U.S.S.R. fell.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "U.S.-LED FORCES AND THE E.U. MET .");
    DT_CHECK(d.tok[0].flags & DT_TOK_HYPHEN);
    DT_CHECK_STR(norms(&d, 1), "THE U.S.S.R. FELL .");
    dt_arena_reset(arena);
}

static void test_numeric_abbrev(void)
{
    dt_doctext d = doc("Resolution No. 1441 passed. No. The vote was close.");
    DT_CHECK_INT(d.nsent, 3);
    DT_CHECK_STR(norms(&d, 0), "RESOLUTION NO. 1441 PASSED .");
    DT_CHECK_STR(norms(&d, 1), "NO .");
    dt_arena_reset(arena);
}

static void test_decimals_numbers(void)
{
    dt_doctext d = doc("Growth was 3.5 percent, or $5.2 billion and 1,000 troops (12%) in the "
                       "1990s. Prices rose.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "GROWTH WAS 3.5 PERCENT , OR $ 5.2 BILLION AND 1,000 TROOPS ( 12 % "
                               ") IN THE 1990S .");
    const dt_token *tk = d.tok;
    DT_CHECK(tk[2].flags & DT_TOK_NUMBER);
    DT_CHECK(tk[2].flags & DT_TOK_DIGIT);
    DT_CHECK(!(tk[2].flags & DT_TOK_ALPHA));
    DT_CHECK(tk[6].flags & DT_TOK_PUNCT);   /* $ */
    DT_CHECK(tk[7].flags & DT_TOK_NUMBER);  /* 5.2 */
    DT_CHECK(tk[10].flags & DT_TOK_NUMBER); /* 1,000 */
    DT_CHECK(tk[18].flags & DT_TOK_NUMBER); /* 1990s */
    DT_CHECK(!(tk[0].flags & DT_TOK_NUMBER));
    dt_arena_reset(arena);
}

static void test_quotes(void)
{
    dt_doctext d = doc("\"We will fight.\" The minister left. \"Why?\" he asked.");
    DT_CHECK_INT(d.nsent, 3);
    DT_CHECK_STR(norms(&d, 0), "`` WE WILL FIGHT . ''");
    DT_CHECK_STR(norms(&d, 1), "THE MINISTER LEFT .");
    DT_CHECK_STR(norms(&d, 2), "`` WHY ? '' HE ASKED .");
    DT_CHECK(d.tok[0].flags & DT_TOK_QUOTE);
    DT_CHECK(d.tok[5].flags & DT_TOK_QUOTE);
    dt_arena_reset(arena);

    /* typographic quotes, and the period inside them */
    d = doc("He said: \xE2\x80\x9CIt\xE2\x80\x99s over.\xE2\x80\x9D Then he left.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "HE SAID : `` IT 'S OVER . ''");
    DT_CHECK_INT(d.tok[3].len, 3);
    dt_arena_reset(arena);

    /* quotes mid-sentence, decided by the space before or after */
    d = doc("The \"peace plan\" failed, officials said.");
    DT_CHECK_STR(norms(&d, 0), "THE `` PEACE PLAN '' FAILED , OFFICIALS SAID .");
    dt_arena_reset(arena);

    /* already tokenised PTB text */
    d = doc("`` Yes , '' he said .");
    DT_CHECK_STR(norms(&d, 0), "`` YES , '' HE SAID .");
    dt_arena_reset(arena);
}

static void test_parens(void)
{
    dt_doctext d = doc("The United Nations (UN) met [again] today. (Reuters) More.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "THE UNITED NATIONS ( UN ) MET [ AGAIN ] TODAY .");
    DT_CHECK_STR(norms(&d, 1), "( REUTERS ) MORE .");
    dt_arena_reset(arena);
}

static void test_ellipses(void)
{
    dt_doctext d = doc("He waited... Then he left. He said ... that it was over. So\xE2\x80\xA6 "
                       "The end. . . for now.");
    DT_CHECK_INT(d.nsent, 5);
    DT_CHECK_STR(norms(&d, 0), "HE WAITED ...");
    DT_CHECK_STR(norms(&d, 1), "THEN HE LEFT .");
    DT_CHECK_STR(norms(&d, 2), "HE SAID ... THAT IT WAS OVER .");
    DT_CHECK_STR(norms(&d, 3), "SO ...");
    DT_CHECK_STR(norms(&d, 4), "THE END ... FOR NOW .");
    dt_arena_reset(arena);

    /* a quotation opening a paragraph is still open for the ellipsis rule */
    d = doc("Intro.\n\n\"We will ... Israel must,\" he said.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 1), "`` WE WILL ... ISRAEL MUST , '' HE SAID .");
    dt_arena_reset(arena);

    /* any capitalised word after an ellipsis, but inside a quotation only
     * an opener */
    d = doc("Kim went there in 2018... Analysts doubt it. \"We will ... Israel must,\" he said.");
    DT_CHECK_INT(d.nsent, 3);
    DT_CHECK_STR(norms(&d, 1), "ANALYSTS DOUBT IT .");
    DT_CHECK_STR(norms(&d, 2), "`` WE WILL ... ISRAEL MUST , '' HE SAID .");
    dt_arena_reset(arena);
}

static void test_clitics(void)
{
    dt_doctext d = doc("They didn't and can't, we won't; you're, we've, I'll, he'd, I'm "
                       "DON'T cannot.");
    DT_CHECK_STR(norms(&d, 0), "THEY DID N'T AND CA N'T , WE WO N'T ; YOU 'RE , WE 'VE , I 'LL , "
                               "HE 'D , I 'M DO N'T CAN NOT .");
    DT_CHECK(d.tok[2].flags & DT_TOK_CLITIC);
    DT_CHECK(!(d.tok[2].flags & DT_TOK_SPACE_BEFORE));
    DT_CHECK(!(d.tok[1].flags & DT_TOK_CLITIC));
    DT_CHECK_STR(orig(&d, 4), "ca");
    dt_arena_reset(arena);

    /* typographic apostrophes fold to ASCII in the clitic */
    d = doc("Gondor\xE2\x80\x99s army didn\xE2\x80\x99t move.");
    DT_CHECK_STR(norms(&d, 0), "GONDOR 'S ARMY DID N'T MOVE .");
    DT_CHECK_INT(d.tok[1].len, 4);
    DT_CHECK(d.tok[1].flags & DT_TOK_CLITIC);
    dt_arena_reset(arena);

    /* after an abbreviation, and after a closing bracket */
    d = doc("The U.S.'s allies and the UN's (new)'s envoy.");
    DT_CHECK_STR(norms(&d, 0), "THE U.S. 'S ALLIES AND THE UN 'S ( NEW ) 'S ENVOY .");
    DT_CHECK(d.tok[2].flags & DT_TOK_CLITIC);
    dt_arena_reset(arena);

    /* names with apostrophes stay whole */
    d = doc("O'Brien's aide met d'Estaing.");
    DT_CHECK_STR(norms(&d, 0), "O'BRIEN 'S AIDE MET D'ESTAING .");
    dt_arena_reset(arena);
}

static void test_possessives(void)
{
    dt_doctext d = doc("Gondor's army defended the states' rights and Arnor's.");
    DT_CHECK_STR(norms(&d, 0), "GONDOR 'S ARMY DEFENDED THE STATES ' RIGHTS AND ARNOR 'S .");
    DT_CHECK(d.tok[6].flags & DT_TOK_CLITIC);
    DT_CHECK(d.tok[1].flags & DT_TOK_CLITIC);
    dt_arena_reset(arena);

    /* a stray opening quote does not outlive its sentence */
    d = doc("It was 'odd. The states' rights won.");
    DT_CHECK_STR(norms(&d, 1), "THE STATES ' RIGHTS WON .");
    DT_CHECK(d.tok[7].flags & DT_TOK_CLITIC);
    dt_arena_reset(arena);

    /* a single quotation closes instead */
    d = doc("He called it 'the states' and left.");
    DT_CHECK_STR(norms(&d, 0), "HE CALLED IT ` THE STATES ' AND LEFT .");
    DT_CHECK(d.tok[6].flags & DT_TOK_QUOTE);
    dt_arena_reset(arena);
}

static void test_hyphens_dashes(void)
{
    dt_doctext d =
        doc("A cease-fire and long-range missiles--not war\xE2\x80\x94peace \xE2\x80\x93 "
            "in 1990\xE2\x80\x93"
            "95 - maybe.");
    DT_CHECK_STR(norms(&d, 0),
                 "A CEASE-FIRE AND LONG-RANGE MISSILES -- NOT WAR -- PEACE - IN 1990-95 - MAYBE .");
    DT_CHECK(d.tok[1].flags & DT_TOK_HYPHEN);
    DT_CHECK(d.tok[3].flags & DT_TOK_HYPHEN);
    DT_CHECK(!(d.tok[0].flags & DT_TOK_HYPHEN));
    DT_CHECK(d.tok[5].flags & DT_TOK_PUNCT);
    DT_CHECK(d.tok[12].flags & DT_TOK_HYPHEN);
    dt_arena_reset(arena);
}

static void test_accents_offsets(void)
{
    const char *t = "La D\xC3\xA9tente en C\xC3\xB4te d'Ivoire.";
    dt_doctext d = doc(t);
    DT_CHECK_STR(norms(&d, 0), "LA DETENTE EN COTE D'IVOIRE .");
    DT_CHECK_INT(d.tok[1].off, 3);
    DT_CHECK_INT(d.tok[1].len, 8); /* "Détente": é is two bytes */
    DT_CHECK_STR(orig(&d, 1), "D\xC3\xA9tente");
    DT_CHECK(d.tok[1].flags & DT_TOK_CAP);
    DT_CHECK_INT(d.tok[3].off, 15);
    DT_CHECK_STR(orig(&d, 4), "d'Ivoire");
    dt_arena_reset(arena);

    /* decomposed input (e + combining acute) folds the same way */
    d = doc("De\xCC\x81tente");
    DT_CHECK_STR(norms(&d, 0), "DETENTE");
    DT_CHECK_INT(d.ntok, 1);
    dt_arena_reset(arena);
}

static void test_fold(void)
{
    char out[64];
    struct {
        const char *in, *want;
    } cases[] = {
        {"D\xC3\xA9tente", "DETENTE"},
        {"C\xC3\xB4te d\xE2\x80\x99Ivoire", "COTE D'IVOIRE"},
        {"\xE2\x80\x9Chi\xE2\x80\x9D \xC2\xABno\xC2\xBB", "\"HI\" \"NO\""},
        {"\xE2\x80\x98x\xE2\x80\x99", "'X'"},
        {"a\xE2\x80\x94"
         "b\xE2\x80\x93"
         "c\xE2\x88\x92"
         "d",
         "A--B-C-D"},
        {"a\xC2\xA0"
         "b\xE2\x80\x89"
         "c",
         "A B C"},
        {"wait\xE2\x80\xA6", "WAIT..."},
        {"stra\xC3\x9F"
         "e",
         "STRASSE"},
        {"\xEF\xAC\x81nal", "FINAL"},       /* ﬁ ligature */
        {"\xEF\xBC\xA1\xEF\xBC\xA2", "AB"}, /* full-width */
        {"cease\xC2\xAD"
         "fire",
         "CEASEFIRE"}, /* soft hyphen */
        {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
         "\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90"},
        {"Ko\xC5\x9F"
         "tunica",
         "KOSTUNICA"},
        {"plain ASCII 123", "PLAIN ASCII 123"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = dt_text_fold(cases[i].in, strlen(cases[i].in), out, sizeof out);
        DT_CHECK_STR(out, cases[i].want);
        DT_CHECK_INT(n, strlen(cases[i].want));
    }
    /* the output limit is kept, and never splits a character */
    size_t n = dt_text_fold("abcdef", 6, out, 4);
    DT_CHECK_STR(out, "ABC");
    DT_CHECK_INT(n, 3);
    n = dt_text_fold("ab\xD0\x9C", 4, out, 4);
    DT_CHECK_STR(out, "AB");
    DT_CHECK_INT(dt_text_fold("x", 1, out, 0), 0);
    /* bad bytes become U+FFFD, not a crash */
    n = dt_text_fold("a\xFF", 2, out, sizeof out);
    DT_CHECK_STR(out, "A\xEF\xBF\xBD");
}

static void test_nbsp_and_spaces(void)
{
    dt_doctext d = doc("Kim\xC2\xA0Jong-un\xE2\x80\x89met\xE3\x80\x80Xi.");
    DT_CHECK_STR(norms(&d, 0), "KIM JONG-UN MET XI .");
    DT_CHECK(d.tok[1].flags & DT_TOK_SPACE_BEFORE);
    DT_CHECK_INT(d.tok[1].off, 5);
    DT_CHECK(!(d.tok[4].flags & DT_TOK_SPACE_BEFORE));
    dt_arena_reset(arena);
}

static void test_flags(void)
{
    dt_doctext d = doc("NATO and the UN said I saw iPhone X1 3M.");
    const dt_token *t = d.tok;
    DT_CHECK(t[0].flags & DT_TOK_ALLCAPS);
    DT_CHECK(t[0].flags & DT_TOK_CAP);
    DT_CHECK(t[0].flags & DT_TOK_SENT_START);
    DT_CHECK(!(t[0].flags & DT_TOK_SPACE_BEFORE));
    DT_CHECK(t[1].flags & DT_TOK_SPACE_BEFORE);
    DT_CHECK(!(t[1].flags & (DT_TOK_CAP | DT_TOK_ALLCAPS)));
    DT_CHECK(t[3].flags & DT_TOK_ALLCAPS);
    DT_CHECK(!(t[5].flags & DT_TOK_ALLCAPS)); /* "I": one letter */
    DT_CHECK(t[5].flags & DT_TOK_CAP);
    DT_CHECK(!(t[7].flags & DT_TOK_CAP)); /* iPhone */
    DT_CHECK((t[8].flags & (DT_TOK_ALPHA | DT_TOK_DIGIT)) == (DT_TOK_ALPHA | DT_TOK_DIGIT));
    DT_CHECK(!(t[8].flags & DT_TOK_NUMBER));
    DT_CHECK(t[9].flags & DT_TOK_CAP); /* 3M: first letter */
    DT_CHECK(t[10].flags & DT_TOK_PUNCT);
    DT_CHECK(!(t[10].flags & DT_TOK_SPACE_BEFORE));
    dt_arena_reset(arena);
}

static void test_paragraphs(void)
{
    dt_doctext d = doc("Korea talks resume\n\nSeoul, June 20 (Reuters) - The talks\nresumed "
                       "today.\r\n\r\nMr.\n\nSmith");
    DT_CHECK_INT(d.nsent, 4);
    DT_CHECK_STR(norms(&d, 0), "KOREA TALKS RESUME");
    DT_CHECK_STR(norms(&d, 1), "SEOUL , JUNE 20 ( REUTERS ) - THE TALKS RESUMED TODAY .");
    DT_CHECK_STR(norms(&d, 2), "MR.");
    DT_CHECK_STR(norms(&d, 3), "SMITH");
    dt_arena_reset(arena);

    /* old Mac line ends */
    d = doc("Headline\r\rBody text\rwrapped here.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 1), "BODY TEXT WRAPPED HERE .");
    dt_arena_reset(arena);

    /* one sentence per record: no splitting at all */
    const char *t = "He left. She stayed.\n\nThe end.";
    d = run(t, strlen(t), 0);
    DT_CHECK_INT(d.nsent, 1);
    DT_CHECK_STR(norms(&d, 0), "HE LEFT . SHE STAYED . THE END .");
    dt_arena_reset(arena);
}

static void test_validate(void)
{
    size_t off = 12345;
    const char ok[] = "plain ASCII text, then D\xC3\xA9tente \xE2\x80\x94 \xF0\x9F\x98\x80 end";
    DT_CHECK_INT(dt_utf8_validate(ok, sizeof ok - 1, &off), DT_OK);
    DT_CHECK_INT(dt_utf8_validate("", 0, &off), DT_OK);
    struct {
        const char *s;
        size_t n, bad;
    } bad[] = {
        {"abc\xC0\x80", 5, 3},           /* overlong NUL */
        {"abcdefgh\xE0\x80\xAF", 11, 8}, /* overlong 3-byte */
        {"\xF0\x82\x82\xAC", 4, 0},      /* overlong 4-byte */
        {"ab\xED\xA0\x80", 5, 2},        /* surrogate */
        {"\xF4\x90\x80\x80", 4, 0},      /* above U+10FFFF */
        {"\xF5\x80\x80\x80", 4, 0},      /* never a lead byte */
        {"abcdefghij\xE2\x82", 12, 10},  /* truncated at the end */
        {"abcdefghij\xE2\x82x", 13, 10}, /* truncated mid-text */
        {"x\x80y", 3, 1},                /* stray continuation */
        {"abcdefghijkl\0mnop", 17, 12},  /* NUL in the fast path */
        {"\0", 1, 0},
        {"D\xC3\xA9tente\xFF", 9, 8},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        off = 12345;
        DT_CHECK_INT(dt_utf8_validate(bad[i].s, bad[i].n, &off), DT_EUTF8);
        DT_CHECK_INT(off, bad[i].bad);
    }
    /* far from the start, past many 8-byte steps */
    char big[1000];
    memset(big, 'a', sizeof big);
    big[777] = '\xC3';
    DT_CHECK_INT(dt_utf8_validate(big, sizeof big, &off), DT_EUTF8);
    DT_CHECK_INT(off, 777);
    big[778] = '\xA9';
    DT_CHECK_INT(dt_utf8_validate(big, sizeof big, &off), DT_OK);
}

static void test_invalid_bytes_in_analyse(void)
{
    const char t[] = "Bad \xFF\xC0 bytes\0and \xE2\x82 a NUL.";
    dt_doctext d = run(t, sizeof t - 1, 1);
    DT_CHECK_STR(norms(&d, 0), "BAD \xEF\xBF\xBD \xEF\xBF\xBD BYTES \xEF\xBF\xBD AND \xEF\xBF\xBD "
                               "\xEF\xBF\xBD A NUL .");
    DT_CHECK_INT(d.tok[1].len, 1);
    DT_CHECK(d.tok[1].flags & DT_TOK_PUNCT);
    dt_arena_reset(arena);
}

/* Found by fuzzing: tokens that fold to nothing (a lone combining accent,
 * soft hyphen or zero-width joiner) must still get a non-empty norm; run()
 * checks norm_len > 0 for every token. */
static void test_invisible_tokens(void)
{
    const char *t = "a \xCC\x81 b \xC2\xAD c \xE2\x80\x8D d";
    dt_doctext d = doc(t);
    DT_CHECK_INT(d.ntok, 7);
    DT_CHECK_STR(d.tok[1].norm, "\xCC\x81");
    DT_CHECK_STR(d.tok[6].norm, "D");
    dt_arena_reset(arena);
}

static void test_long_token(void)
{
    size_t n = 3000;
    char *t = malloc(n + 3);
    memset(t, 'a', n);
    memcpy(t + n, " b", 3);
    dt_doctext d = run(t, n + 2, 1);
    DT_CHECK_INT(d.ntok, 4);
    DT_CHECK_INT(d.tok[0].len, DT_MAX_TOKEN_BYTES);
    DT_CHECK_INT(d.tok[1].off, DT_MAX_TOKEN_BYTES);
    DT_CHECK_INT(d.tok[1].len, DT_MAX_TOKEN_BYTES);
    DT_CHECK_INT(d.tok[2].len, n - 2 * DT_MAX_TOKEN_BYTES);
    DT_CHECK(!(d.tok[1].flags & DT_TOK_SPACE_BEFORE));
    dt_arena_reset(arena);
    /* multi-byte letters: cut on a character boundary */
    for (size_t i = 0; i + 1 < n; i += 2)
        memcpy(t + i, "\xC3\xA9", 2);
    d = run(t, n, 1);
    DT_CHECK(d.ntok >= 3);
    for (size_t i = 0; i < d.ntok; i++)
        DT_CHECK(d.tok[i].off % 2 == 0 && d.tok[i].len % 2 == 0);
    dt_arena_reset(arena);
    free(t);
}

static void test_long_sentence(void)
{
    size_t words = 5000;
    char *t = malloc(words * 2 + 2);
    for (size_t i = 0; i < words; i++)
        memcpy(t + 2 * i, "a ", 2);
    t[words * 2 - 1] = '.';
    dt_doctext d = run(t, words * 2, 1);
    DT_CHECK_INT(d.ntok, words + 1);
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_INT(d.sent[0].ntok, DT_MAX_SENTENCE_TOKENS);
    DT_CHECK_INT(d.sent[0].truncated, 1);
    DT_CHECK_INT(d.sent[1].ntok, words + 1 - DT_MAX_SENTENCE_TOKENS);
    DT_CHECK_INT(d.sent[1].truncated, 0);
    dt_arena_reset(arena);
    /* the same limit holds without sentence splitting */
    d = run(t, words * 2, 0);
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_INT(d.sent[0].truncated, 1);
    dt_arena_reset(arena);
    free(t);
}

static void test_empty(void)
{
    dt_doctext d = run("", 0, 1);
    DT_CHECK_INT(d.nsent, 0);
    DT_CHECK_INT(d.ntok, 0);
    d = run(NULL, 0, 1);
    DT_CHECK_INT(d.nsent, 0);
    const char *ws = " \t\r\n\n \xC2\xA0\xE2\x80\x83 ";
    d = run(ws, strlen(ws), 1);
    DT_CHECK_INT(d.nsent, 0);
    DT_CHECK_INT(d.ntok, 0);
    d = run("   ", 3, 0);
    DT_CHECK_INT(d.nsent, 0);
    dt_arena_reset(arena);
}

static void test_errors(void)
{
    dt_doctext d;
    dt_error e;
    dt_error_clear(&e);
    /* the length is checked before any byte is read */
    DT_CHECK_INT(dt_text_analyse(arena, "x", DT_MAX_DOC_BYTES + 1, &d, &e), DT_ELIMIT);
    DT_CHECK_INT(e.code, DT_ELIMIT);
    DT_CHECK_INT(d.ntok, 0);
    DT_CHECK_INT(dt_text_analyse(NULL, "x", 1, &d, NULL), DT_EINVAL);
    DT_CHECK_INT(dt_text_analyse(arena, "x", 1, NULL, NULL), DT_EINVAL);

    /* every allocation failing in turn: ENOMEM, never a crash */
    const char *t = "Mr. Smith didn't visit the U.S. The talks, \"peace\" etc., failed.";
    int saw_nomem = 0, saw_ok = 0;
    for (uint64_t k = 1; k <= 6; k++) {
        dt_arena *a = dt_arena_new(256);
        DT_CHECK(a != NULL);
        dt_alloc_fail_after(k);
        int rc = dt_text_analyse(a, t, strlen(t), &d, &e);
        dt_alloc_fail_after(0);
        DT_CHECK(rc == DT_OK || rc == DT_ENOMEM);
        if (rc == DT_ENOMEM) {
            saw_nomem = 1;
            DT_CHECK_INT(e.code, DT_ENOMEM);
            DT_CHECK_INT(d.ntok, 0);
        } else {
            saw_ok = 1;
            DT_CHECK_INT(d.nsent, 2);
        }
        dt_arena_free(a);
    }
    DT_CHECK(saw_nomem);
    DT_CHECK(saw_ok);
}

/* After dt_arena_reset the arena keeps only its largest block; analysing
 * a document of the same size again must fit in it, so a stream of similar
 * documents allocates nothing new. (Sentences of news length: much shorter
 * ones outgrow the first guess and cost one allocation per document.) */
static void test_arena_reuse(void)
{
    size_t n = 200000;
    char *t = malloc(n);
    for (size_t i = 0; i < n; i++)
        t[i] = "Mr. Smith said on Monday that the U.S. talks with the other side had failed "
               "again after a long week. "[i % 101];
    dt_arena *a = dt_arena_new(0);
    dt_doctext d;
    DT_CHECK_INT(dt_text_analyse(a, t, n, &d, NULL), DT_OK);
    size_t ntok = d.ntok;
    DT_CHECK(ntok > 36000);
    /* ASCII words and punctuation come with their norm's hash. */
    size_t nhash = 0;
    for (size_t i = 0; i < ntok; i++)
        nhash += d.tok[i].norm_hash != 0;
    DT_CHECK_INT(nhash, ntok);
    dt_arena_reset(a);
    size_t reserved = dt_arena_reserved(a);
    uint64_t allocs = dt_alloc_count();
    for (int k = 0; k < 3; k++) {
        DT_CHECK_INT(dt_text_analyse(a, t, n, &d, NULL), DT_OK);
        DT_CHECK_INT(d.ntok, ntok);
        dt_arena_reset(a);
    }
    DT_CHECK_INT(dt_arena_reserved(a), reserved);
    DT_CHECK_INT(dt_alloc_count(), allocs);
    dt_arena_free(a);
    free(t);
}

static void test_pos_names(void)
{
    for (int p = 0; p < DT_POS__COUNT; p++) {
        const char *nm = dt_pos_name(p);
        DT_CHECK_INT(dt_pos_from_name(nm, strlen(nm)), p);
    }
    DT_CHECK_STR(dt_pos_name(DT_POS_PRPS), "PRP$");
    DT_CHECK_STR(dt_pos_name(DT_POS_NNP), "NNP");
    DT_CHECK_STR(dt_pos_name(-1), "NONE");
    DT_CHECK_STR(dt_pos_name(DT_POS__COUNT), "NONE");
    struct {
        const char *s;
        int p;
    } names[] = {
        {"PRP$", DT_POS_PRPS}, {"WP$", DT_POS_WPS},     {"-LRB-", DT_POS_LRB},
        {"(", DT_POS_LRB},     {"-RRB-", DT_POS_RRB},   {")", DT_POS_RRB},
        {"``", DT_POS_OQUOTE}, {"''", DT_POS_CQUOTE},   {",", DT_POS_COMMA},
        {".", DT_POS_PERIOD},  {":", DT_POS_COLON},     {"#", DT_POS_HASH},
        {"$", DT_POS_DOLLAR},  {"-NONE-", DT_POS_NONE}, {"XYZ", DT_POS_NONE},
        {"VBZ", DT_POS_VBZ},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        DT_CHECK_INT(dt_pos_from_name(names[i].s, strlen(names[i].s)), names[i].p);
    /* length, not NUL, ends the name */
    DT_CHECK_INT(dt_pos_from_name("NNPS", 3), DT_POS_NNP);
    DT_CHECK_INT(dt_pos_from_name(NULL, 0), DT_POS_NONE);
    DT_CHECK_STR(dt_chunk_name(DT_CHUNK_NP), "NP");
    DT_CHECK_STR(dt_chunk_name(DT_CHUNK_SBAR), "SBAR");
    DT_CHECK_STR(dt_chunk_name(DT_CHUNK_O), "O");
    DT_CHECK_STR(dt_chunk_name(99), "O");
}

static void test_abbrev_table(void)
{
    DT_CHECK(dt__abbrev_table_sorted());
    DT_CHECK(dt__text_word_table_ok());
    DT_CHECK_INT(dt__abbrev_class("Mr", 2), DT__AB_TITLE);
    DT_CHECK_INT(dt__abbrev_class("MR", 2), DT__AB_TITLE);
    DT_CHECK_INT(dt__abbrev_class("mr", 2), DT__AB_NONE);
    DT_CHECK_INT(dt__abbrev_class("etc", 3), DT__AB_END);
    DT_CHECK_INT(dt__abbrev_class("Etc", 3), DT__AB_END);
    DT_CHECK_INT(dt__abbrev_class("vol", 3), DT__AB_NUMERIC);
    DT_CHECK_INT(dt__abbrev_class("Vol", 3), DT__AB_NUMERIC);
    DT_CHECK_INT(dt__abbrev_class("ill", 3), DT__AB_NONE); /* "he was ill." */
    DT_CHECK_INT(dt__abbrev_class("U.S", 3), DT__AB_END);
    DT_CHECK_INT(dt__abbrev_class("a.m", 3), DT__AB_END);
    DT_CHECK_INT(dt__abbrev_class("www.un.org", 10), DT__AB_NONE);
    DT_CHECK_INT(dt__abbrev_class("J", 1), DT__AB_END);
    DT_CHECK_INT(dt__abbrev_class("talks", 5), DT__AB_NONE);
    DT_CHECK(dt__is_opener("THE", 3));
    DT_CHECK(!dt__is_opener("STATE", 5));
}

/* Every record text of the PETRARCH development set tokenises with the
 * invariants kept, as one sentence and as a document. */
static void test_petrarch_texts(void)
{
    const char *dir = getenv("DT_SHARED_DATA");
    DT_CHECK(dir != NULL);
    if (!dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/petrarch2/PETR.UnitTest.dev.xml", dir);
    FILE *f = fopen(path, "rb");
    DT_CHECK(f != NULL);
    if (!f)
        return;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    size_t off = 0;
    DT_CHECK_INT(dt_utf8_validate(buf, n, &off), DT_OK);
    int texts = 0;
    size_t tokens = 0;
    const char *p = buf, *end = buf + n;
    while ((p = strstr(p, "<Text>")) != NULL && p < end) {
        p += 6;
        const char *q = strstr(p, "</Text>");
        if (!q)
            break;
        dt_doctext d = run(p, (size_t)(q - p), 0);
        DT_CHECK(d.nsent >= 1);
        DT_CHECK(d.ntok >= 3);
        tokens += d.ntok;
        dt_arena_reset(arena);
        d = run(p, (size_t)(q - p), 1);
        DT_CHECK(d.nsent >= 1);
        dt_arena_reset(arena);
        texts++;
        p = q;
    }
    DT_CHECK(texts >= 150);
    DT_CHECK(tokens >= (size_t)texts * 5);
    /* the whole file as one document */
    run(buf, n, 1);
    dt_arena_reset(arena);
    free(buf);
}

int main(void)
{
    arena = dt_arena_new(0);
    DT_RUN(test_titles);
    DT_RUN(test_initials);
    DT_RUN(test_us_mid_and_end);
    DT_RUN(test_numeric_abbrev);
    DT_RUN(test_decimals_numbers);
    DT_RUN(test_quotes);
    DT_RUN(test_parens);
    DT_RUN(test_ellipses);
    DT_RUN(test_clitics);
    DT_RUN(test_possessives);
    DT_RUN(test_hyphens_dashes);
    DT_RUN(test_accents_offsets);
    DT_RUN(test_fold);
    DT_RUN(test_nbsp_and_spaces);
    DT_RUN(test_flags);
    DT_RUN(test_paragraphs);
    DT_RUN(test_validate);
    DT_RUN(test_invalid_bytes_in_analyse);
    DT_RUN(test_invisible_tokens);
    DT_RUN(test_long_token);
    DT_RUN(test_long_sentence);
    DT_RUN(test_empty);
    DT_RUN(test_errors);
    DT_RUN(test_arena_reuse);
    DT_RUN(test_pos_names);
    DT_RUN(test_abbrev_table);
    DT_RUN(test_petrarch_texts);
    dt_arena_free(arena);
    DT_TEST_END();
}
