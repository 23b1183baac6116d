/* Sentence splitting after a clock time: "p.m." may end a sentence, and an
 * honorific after it starts the next one; other abbreviations keep a
 * following title with its name. */
#include "dt_test.h"

#include "detente/arena.h"
#include "detente/text.h"

#include <stdint.h>

static dt_arena *arena;

/* The norms of sentence s joined by single spaces (static buffer). */
static const char *norms(const dt_doctext *d, size_t s)
{
    static char buf[2048];
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

static dt_doctext doc(const char *text)
{
    dt_doctext d;
    dt_error e;
    dt_error_clear(&e);
    int rc = dt_text_analyse(arena, text, strlen(text), &d, &e);
    DT_CHECK_INT(rc, DT_OK);
    if (rc != DT_OK)
        memset(&d, 0, sizeof d);
    return d;
}

static void test_pm_then_honorific(void)
{
    dt_doctext d = doc("The blast came at 6:50 p.m. Mrs. Yilmaz was at home.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 0), "THE BLAST CAME AT 6:50 P.M. .");
    DT_CHECK_STR(norms(&d, 1), "MRS. YILMAZ WAS AT HOME .");
    dt_arena_reset(arena);
    d = doc("They left at 9 a.m. Dr. Lee stayed.");
    DT_CHECK_INT(d.nsent, 2);
    DT_CHECK_STR(norms(&d, 1), "DR. LEE STAYED .");
    dt_arena_reset(arena);
}

static void test_other_abbrev_keeps_title(void)
{
    /* Not a clock time: the title stays with the name. */
    dt_doctext d = doc("The U.S. Gen. Smith arrived.");
    DT_CHECK_INT(d.nsent, 1);
    dt_arena_reset(arena);
    /* A clock time followed by a name, not a title: one sentence, as
     * before ("p.m. Monday", "p.m. GMT"). */
    d = doc("It began at 6:50 p.m. Monday and ended later.");
    DT_CHECK_INT(d.nsent, 1);
    dt_arena_reset(arena);
}

int main(void)
{
    arena = dt_arena_new(0);
    DT_CHECK(arena != NULL);
    if (!arena)
        return 1;
    DT_RUN(test_pm_then_honorific);
    DT_RUN(test_other_abbrev_keeps_title);
    dt_arena_free(arena);
    DT_TEST_END();
}
