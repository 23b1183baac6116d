/* detente dict — the built-in set (dict/ embedded at build time by
 * cmake/dict.cmake) and loading a dictionary directory. */
#define _DEFAULT_SOURCE /* DT_DIR / d_type */
#include "dict_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

size_t dt_dict_builtin_count(void)
{
    return dt__dict_builtin_nfiles;
}

const char *dt_dict_builtin_file(size_t i, const char **data, size_t *len)
{
    if (i >= dt__dict_builtin_nfiles)
        return NULL;
    if (data)
        *data = dt__dict_builtin_files[i].data;
    if (len)
        *len = dt__dict_builtin_files[i].len;
    return dt__dict_builtin_files[i].name;
}

int dt_dicts_load_builtin(const dt_dict_options *opt, dt_dicts **out, dt_error *err)
{
    size_t n = dt__dict_builtin_nfiles;
    dt_dict_source *src = dt_calloc(n ? n : 1, sizeof *src);
    if (!src)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    for (size_t i = 0; i < n; i++) {
        src[i].kind = DT_DICT_OWN;
        src[i].name = dt__dict_builtin_files[i].name;
        src[i].data = dt__dict_builtin_files[i].data;
        src[i].len = dt__dict_builtin_files[i].len;
    }
    int rc = dt_dicts_load(src, n, opt, out, err);
    dt_free(src);
    return rc;
}

/* ---- directories ---- */

typedef struct pathlist {
    char **p;
    size_t n, cap;
} pathlist;

static int pl_add(pathlist *pl, const char *dir, const char *name)
{
    size_t dn = strlen(dir), nn = strlen(name);
    char *s = dt_malloc(dn + nn + 2);
    if (!s)
        return DT_ENOMEM;
    memcpy(s, dir, dn);
    s[dn] = '/';
    memcpy(s + dn + 1, name, nn + 1);
    if (dt__dict_vec_reserve((void **)&pl->p, &pl->cap, pl->n, 1, sizeof *pl->p)) {
        dt_free(s);
        return DT_ENOMEM;
    }
    pl->p[pl->n++] = s;
    return 0;
}

static void pl_free(pathlist *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        dt_free(pl->p[i]);
    dt_free(pl->p);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int contains_ci(const char *s, const char *pat)
{
    size_t n = strlen(pat);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (pat[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

int dt_dict_kind_from_filename(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    static const struct {
        const char *word;
        int kind;
    } words[] = {{"verb", DT_DICT_VERBS},
                 {"actor", DT_DICT_ACTORS},
                 {"agent", DT_DICT_AGENTS},
                 {"discard", DT_DICT_DISCARDS},
                 {"issue", DT_DICT_ISSUES}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_ci(base, words[i].word))
            return words[i].kind;
    return -1;
}

/* PETRARCH kind of a file name (same rule as the CLIs); -1 if none. */
static int petrarch_kind(const char *name)
{
    return ends_with(name, ".txt") ? dt_dict_kind_from_filename(name) : -1;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* .dtx files under dir (depth-limited: a symlink loop must not hang). */
static int scan(const char *dir, int depth, pathlist *own, pathlist *pet, int *kinds,
                size_t *nkinds, dt_error *err)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return dt_error_set(err, DT_EIO, dir, 0, UINT64_MAX, "cannot open dictionary directory: %s",
                            strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(dh)) != NULL) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        if (ends_with(nm, ".dtx")) {
            rc = pl_add(own, dir, nm);
            continue;
        }
        int k = depth == 0 ? petrarch_kind(nm) : -1;
        if (k >= 0) {
            rc = pl_add(pet, dir, nm);
            if (!rc)
                kinds[(*nkinds)++] = k;
            if (*nkinds >= 64)
                break;
            continue;
        }
        if (depth < 8) {
            size_t dn = strlen(dir), nn = strlen(nm);
            char *sub = dt_malloc(dn + nn + 2);
            if (!sub) {
                rc = DT_ENOMEM;
                break;
            }
            memcpy(sub, dir, dn);
            sub[dn] = '/';
            memcpy(sub + dn + 1, nm, nn + 1);
            if (is_dir(sub))
                rc = scan(sub, depth + 1, own, pet, kinds, nkinds, err);
            dt_free(sub);
        }
    }
    closedir(dh);
    if (rc == DT_ENOMEM)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dt_dicts_load_dir(const char *dir, const dt_dict_options *opt, dt_dicts **out, dt_error *err)
{
    if (!dir || !out)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "dt_dicts_load_dir: bad arguments");
    *out = NULL;
    /* A compiled cache named where a directory is expected is loaded as
     * such (its recorded sources are checked). */
    if (!is_dir(dir) && dt_dict_is_cache(dir))
        return dt_dicts_load_cache(dir, NULL, 0, opt, out, err);
    pathlist own = {0}, pet = {0};
    int kinds[64];
    size_t nkinds = 0;
    int rc = scan(dir, 0, &own, &pet, kinds, &nkinds, err);
    if (!rc && own.n == 0 && pet.n == 0)
        rc = dt_error_set(err, DT_ENOENT, dir, 0, UINT64_MAX,
                          "no dictionary found (*.dtx, or PETRARCH *verb*.txt, *actor*.txt...)");
    if (rc) {
        pl_free(&own);
        pl_free(&pet);
        return rc;
    }
    if (own.n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(own.p, own.n, sizeof *own.p, cmp_str);
    dt_dict_source *src = dt_calloc(own.n + pet.n, sizeof *src);
    if (!src) {
        pl_free(&own);
        pl_free(&pet);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    size_t n = 0;
    /* PETRARCH verbs first (as dt_dicts_load_files), then the rest in
     * a fixed order, then the own files in path order: the same
     * directory always gives the same hash. */
    for (int k = 0; k < DT_DICT__KIND_COUNT; k++) {
        size_t idx[64], m = 0;
        for (size_t i = 0; i < pet.n; i++)
            if (kinds[i] == k)
                idx[m++] = i;
        for (size_t a = 1; a < m; a++)
            for (size_t b = a; b > 0 && strcmp(pet.p[idx[b - 1]], pet.p[idx[b]]) > 0; b--) {
                size_t t = idx[b];
                idx[b] = idx[b - 1];
                idx[b - 1] = t;
            }
        for (size_t i = 0; i < m; i++)
            src[n++] = (dt_dict_source){k, pet.p[idx[i]], NULL, NULL, 0};
    }
    for (size_t i = 0; i < own.n; i++)
        src[n++] = (dt_dict_source){DT_DICT_OWN, own.p[i], NULL, NULL, 0};
    rc = dt_dicts_load(src, n, opt, out, err);
    dt_free(src);
    pl_free(&own);
    pl_free(&pet);
    return rc;
}
