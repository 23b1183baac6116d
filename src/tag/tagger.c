/* Part-of-speech tagger: placeholder until the generated tables land. */
#include "tag_internal.h"

#include <string.h>

struct dt_tagger {
    int unused;
};

int dt_tagger_new(dt_tagger **out, dt_error *err)
{
    dt_tagger *t = dt_calloc(1, sizeof *t);
    if (!t)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    *out = t;
    return DT_OK;
}

void dt_tagger_free(dt_tagger *t)
{
    dt_free(t);
}

uint32_t dt__word_id(const dt_tagger *t, const char *norm, size_t n)
{
    (void)t;
    (void)norm;
    (void)n;
    return 0;
}

const char *dt_tagger_lemma(const dt_tagger *t, dt_arena *a, const char *word, size_t n, int pos)
{
    (void)t;
    (void)pos;
    char *l = dt_arena_alloc(a, n + 1);
    if (!l)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)word[i];
        l[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    l[n] = '\0';
    return l;
}
