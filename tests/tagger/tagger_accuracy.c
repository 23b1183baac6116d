/* Tagger accuracy against the gold Penn tags of the PETRARCH unit-test
 * parses: each <Parse> is read with dt_treebank_parse, its tags are
 * cleared, the same tokens are re-tagged with dt_tagger_tag, and token
 * accuracy and the most frequent confusions are printed.
 *
 * usage: tagger_accuracy FILE.xml [--floor PERCENT] [--errors]
 * Exit 0 when accuracy >= floor, 1 below it or on any error (a missing
 * file is an error, not a skip). */
#include "detente/tag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    *n = len;
    return buf;
}

/* Decode the five XML entities in place; returns the new length. */
static size_t xml_unescape(char *s, size_t n)
{
    static const struct {
        const char *e;
        char c;
    } ent[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        int done = 0;
        if (s[i] == '&')
            for (size_t k = 0; k < sizeof ent / sizeof ent[0]; k++) {
                size_t el = strlen(ent[k].e);
                if (i + el <= n && memcmp(s + i, ent[k].e, el) == 0) {
                    s[o++] = ent[k].c;
                    i += el;
                    done = 1;
                    break;
                }
            }
        if (!done)
            s[o++] = s[i++];
    }
    return o;
}

static const char *pos_name(int p)
{
    static const char *const names[] = {
#define NAME(name, str) str,
        DT_POS_MAP(NAME)
#undef NAME
    };
    return p >= 0 && p < DT_POS__COUNT ? names[p] : "?";
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    double floor_pct = 0;
    int show_errors = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--floor") == 0 && i + 1 < argc)
            floor_pct = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--errors") == 0)
            show_errors = 1;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: tagger_accuracy FILE.xml [--floor PERCENT] [--errors]\n");
        return 1;
    }
    size_t n;
    char *xml = read_all(path, &n);
    if (!xml) {
        fprintf(stderr, "tagger_accuracy: cannot read %s (set DT_SHARED_DATA)\n", path);
        return 1;
    }
    dt_tagger *tg;
    dt_error err;
    if (dt_tagger_new(&tg, &err) < 0) {
        fprintf(stderr, "tagger_accuracy: dt_tagger_new: %s\n", err.msg);
        return 1;
    }
    dt_arena *a = dt_arena_new(0);
    static unsigned long conf[DT_POS__COUNT][DT_POS__COUNT];
    unsigned long total = 0, right = 0, trees = 0, rejected = 0;
    uint8_t *gold = malloc(DT_MAX_SENTENCE_TOKENS);
    const char *p = xml, *end = xml + n;
    int bad = 0;
    while ((p = strstr(p, "<Parse>")) != NULL) {
        p += 7;
        const char *q = strstr(p, "</Parse>");
        if (!q)
            break;
        size_t len = (size_t)(q - p);
        char *tree = malloc(len + 1);
        memcpy(tree, p, len);
        len = xml_unescape(tree, len);
        tree[len] = '\0';
        dt_arena_reset(a);
        dt_doctext d;
        int rc = dt_treebank_parse(NULL, a, tree, len, &d, &err);
        if (rc < 0) {
            /* The suite includes deliberately broken records; report them,
             * they are simply not part of the accuracy count. */
            fprintf(stderr, "%s: byte %zu: parse rejected: %s\n", path,
                    (size_t)(p - xml) + (size_t)err.offset, err.msg);
            rejected++;
            free(tree);
            p = q;
            continue;
        }
        trees++;
        for (size_t i = 0; i < d.ntok; i++) {
            gold[i] = d.tok[i].pos;
            d.tok[i].pos = DT_POS_NONE;
        }
        if (dt_tagger_tag(tg, a, &d, &err) < 0) {
            fprintf(stderr, "tagger_accuracy: dt_tagger_tag: %s\n", err.msg);
            bad = 1;
        }
        int shown = 0;
        for (size_t i = 0; i < d.ntok; i++) {
            total++;
            conf[gold[i]][d.tok[i].pos]++;
            if (gold[i] == d.tok[i].pos) {
                right++;
            } else if (show_errors) {
                if (!shown++)
                    printf("\n%s\n", d.text);
                printf("   %-16s gold %-5s got %s\n", d.tok[i].norm, pos_name(gold[i]),
                       pos_name(d.tok[i].pos));
            }
        }
        free(tree);
        p = q;
    }
    (void)end;
    double acc = total ? 100.0 * (double)right / (double)total : 0;
    printf("tagger accuracy: %lu/%lu tokens = %.2f%% over %lu trees, %lu rejected (floor "
           "%.2f%%)\n",
           right, total, acc, trees, rejected, floor_pct);
    /* top confusions */
    printf("top confusions (gold -> tagged):\n");
    for (int k = 0; k < 12; k++) {
        unsigned long best = 0;
        int bg = 0, bt = 0;
        for (int g = 0; g < DT_POS__COUNT; g++)
            for (int t = 0; t < DT_POS__COUNT; t++)
                if (g != t && conf[g][t] > best) {
                    best = conf[g][t];
                    bg = g;
                    bt = t;
                }
        if (!best)
            break;
        printf("  %5lu  %-5s -> %s\n", best, pos_name(bg), pos_name(bt));
        conf[bg][bt] = 0;
    }
    free(gold);
    free(xml);
    dt_arena_free(a);
    dt_tagger_free(tg);
    if (trees == 0) {
        fprintf(stderr, "tagger_accuracy: no <Parse> in %s\n", path);
        return 1;
    }
    if (bad || acc < floor_pct) {
        fprintf(stderr, "tagger_accuracy: FAIL (%.2f%% < floor %.2f%% or errors)\n", acc,
                floor_pct);
        return 1;
    }
    return 0;
}
