/* Penn Treebank tag names and chunk type names. */
#include "detente/text.h"

#include <string.h>

static const char *const pos_names[DT_POS__COUNT] = {
#define DT__POS_NAME(name, str) str,
    DT_POS_MAP(DT__POS_NAME)
#undef DT__POS_NAME
};

const char *dt_pos_name(int pos)
{
    if (pos < 0 || pos >= DT_POS__COUNT)
        return "NONE";
    return pos_names[pos];
}

static int eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m == n && memcmp(s, lit, n) == 0;
}

int dt_pos_from_name(const char *s, size_t n)
{
    if (!s || n == 0)
        return DT_POS_NONE;
    for (int i = 1; i < DT_POS__COUNT; i++)
        if (eq(s, n, pos_names[i]))
            return i;
    /* Bracket spellings differ between treebanks and parsers (CoreNLP
     * writes -LRB-, others "(" or -LSB-/-LCB- for square and curly). */
    if (eq(s, n, "(") || eq(s, n, "-LSB-") || eq(s, n, "-LCB-"))
        return DT_POS_LRB;
    if (eq(s, n, ")") || eq(s, n, "-RSB-") || eq(s, n, "-RCB-"))
        return DT_POS_RRB;
    if (eq(s, n, "PRPS"))
        return DT_POS_PRPS;
    if (eq(s, n, "WPS"))
        return DT_POS_WPS;
    /* -NONE- (empty elements) and anything unknown. */
    return DT_POS_NONE;
}

const char *dt_chunk_name(int type)
{
    static const char *const names[DT_CHUNK__COUNT] = {"O",    "NP",   "VP",   "PP",
                                                       "ADJP", "ADVP", "SBAR", "PRT"};
    if (type < 0 || type >= DT_CHUNK__COUNT)
        return "O";
    return names[type];
}
