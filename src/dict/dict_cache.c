/* detente dict — compiled cache: a dt_dicts written as one file that is
 * memory-mapped back (docs/dict-format.md, "Compiled cache").
 *
 * Every array of the compiled dicts is stored as it is in memory, 8-byte
 * aligned, at an offset the header lists; strings go to one string table
 * and the pointer fields that name them hold offset+1 in the file. Loading
 * maps the file privately (copy-on-write) and turns those offsets back
 * into pointers, touching only the arrays that hold strings: there is no
 * parsing, interning or trie building. The header's layout word (struct
 * sizes) and version refuse a cache from another build; its checksum
 * refuses a truncated or damaged file; a pass over every count and index
 * (dt__dict_check) refuses one written to fit its checksum; the content
 * hash of the sources refuses a cache that is stale. */
#define _DEFAULT_SOURCE
#include "dict_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char MAGIC[8] = {'D', 'T', 'D', 'I', 'C', 'T', 'C', '\0'};

/* Sections, in file order. The five phrase sets have five arrays each. */
enum {
    S_STR = 0,
    S_WORDS,
    S_WLEN,
    S_WHASH,
    S_WTAB,
    S_POOL,
    S_SRCNAMES,
    S_SRCKINDS,
    S_WARNS,
    S_PSET, /* 5 sets x (phrases, nodes, edges, values, by_first) */
    S_ACTORS = S_PSET + 25,
    S_ACODES,
    S_AGENTS,
    S_ISSUES,
    S_SYNSETS,
    S_SYNNAMES,
    S_VERBS,
    S_VFORMS,
    S_VFSTART,
    S_BLOCKS,
    S_PATTERNS,
    S_PELEMS,
    S_TRANSFORMS,
    S_N
};

typedef struct hdr {
    char magic[8];
    uint32_t version;
    uint32_t layout;
    uint64_t total;    /* file size */
    uint64_t checksum; /* of everything after the header */
    uint64_t src_hash; /* dt_dicts_hash() of the sources */
    uint64_t bytes_read, nwarn_total, sev[3];
    uint32_t nwords, wtab_mask;
    uint32_t nnodes[5];
    uint32_t nsec;
    uint64_t off[S_N], count[S_N];
} hdr;

/* Sizes of everything stored raw: a cache from a build where any of them
 * differs is refused. */
static uint32_t layout_word(void)
{
    const size_t sz[] = {sizeof(hdr),
                         sizeof(void *),
                         sizeof(dt_dict_warning),
                         sizeof(dt_dict_phrase),
                         sizeof(dt_dict_trie_node),
                         sizeof(dt_dict_trie_edge),
                         sizeof(dt_dict_actor),
                         sizeof(dt_dict_actor_code),
                         sizeof(dt_dict_agent),
                         sizeof(dt_dict_issue),
                         sizeof(dt_dict_synset),
                         sizeof(dt__synname),
                         sizeof(dt_dict_verb),
                         sizeof(dt_dict_verb_form),
                         sizeof(dt_dict_verb_block),
                         sizeof(dt_dict_pattern),
                         sizeof(dt_dict_pelem),
                         sizeof(dt_dict_transform)};
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
        h ^= (uint32_t)sz[i];
        h *= 16777619u;
    }
    return h;
}

/* A word-at-a-time FNV variant: fast enough to check 15 MB in a few ms,
 * and it catches truncation and damaged bytes (not tampering). */
uint64_t dt__dict_cache_checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/* ---- writing ---- */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} wbuf;

static size_t wb_put(wbuf *b, const void *s, size_t n, size_t align)
{
    size_t pad = (align - b->n % align) % align;
    if (b->oom || dt__dict_vec_reserve((void **)&b->p, &b->cap, b->n, pad + n, 1)) {
        b->oom = 1;
        return 0;
    }
    memset(b->p + b->n, 0, pad);
    b->n += pad;
    size_t at = b->n;
    if (n)
        memcpy(b->p + at, s, n);
    b->n += n;
    return at;
}

typedef struct writer {
    wbuf blob, str;
    hdr h;
} writer;

/* A string's code in the file: offset+1 into the string table, 0 = NULL. */
static uint64_t wstr(writer *w, const char *s)
{
    if (!s)
        return 0;
    return (uint64_t)wb_put(&w->str, s, strlen(s) + 1, 1) + 1;
}

static const char *enc(uint64_t o)
{
    return (const char *)(uintptr_t)o;
}

/* Store an array; returns a pointer to the stored copy (for patching
 * string fields), valid until the next put. */
static void *put(writer *w, int sec, const void *arr, size_t count, size_t elsize)
{
    size_t at = wb_put(&w->blob, arr, count * elsize, 8);
    w->h.off[sec] = at;
    w->h.count[sec] = count;
    return w->blob.oom ? NULL : w->blob.p + at;
}

static uint32_t pset_nedges(const dt__pset *ps)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < ps->nnodes; i++)
        if (ps->nodes[i].first_edge + ps->nodes[i].nedges > m)
            m = ps->nodes[i].first_edge + ps->nodes[i].nedges;
    return m;
}

int dt_dicts_save_cache(const dt_dicts *d, const char *path, dt_error *err)
{
    if (!d || !path)
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "dt_dicts_save_cache: bad arguments");
    writer *w = dt_calloc(1, sizeof *w);
    if (!w)
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    hdr *h = &w->h;
    (void)wb_put(&w->blob, h, sizeof *h, 8); /* placeholder */
    (void)wb_put(&w->str, "", 1, 1);         /* offset 0: never a string */
    /* Words: offsets instead of pointers. */
    uint64_t *wo = dt_malloc(((size_t)d->nwords + 1) * sizeof *wo);
    if (!wo)
        w->blob.oom = 1;
    /* Id 0 (unknown word) has no string: its slot is never set. */
    for (uint32_t i = 0; wo && i < d->nwords; i++)
        wo[i] = i ? wstr(w, d->words[i]) : 0;
    put(w, S_WORDS, wo, wo ? d->nwords : 0, sizeof *wo);
    dt_free(wo);
    put(w, S_WLEN, d->wlen, d->wlen ? d->nwords : 0, sizeof *d->wlen);
    put(w, S_WHASH, d->whash, d->whash ? d->nwords : 0, sizeof *d->whash);
    put(w, S_WTAB, d->wtab, d->wtab ? (size_t)d->wtab_mask + 1 : 0, sizeof *d->wtab);
    put(w, S_POOL, d->pool.p, d->pool.n, sizeof *d->pool.p);
    const char **sn = put(w, S_SRCNAMES, d->src_names.p, d->src_names.n, sizeof *d->src_names.p);
    for (size_t i = 0; sn && i < d->src_names.n; i++)
        sn[i] = enc(wstr(w, d->src_names.p[i]));
    put(w, S_SRCKINDS, d->src_kinds.p, d->src_kinds.n, sizeof *d->src_kinds.p);
    dt_dict_warning *wa = put(w, S_WARNS, d->warns.p, d->warns.n, sizeof *d->warns.p);
    for (size_t i = 0; wa && i < d->warns.n; i++) {
        wa[i].file = enc(wstr(w, d->warns.p[i].file));
        wa[i].msg = enc(wstr(w, d->warns.p[i].msg));
    }
    const dt__pset *sets[5] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set,
                               &d->syn_set};
    for (int k = 0; k < 5; k++) {
        const dt__pset *ps = sets[k];
        int s0 = S_PSET + 5 * k;
        h->nnodes[k] = ps->nnodes;
        put(w, s0, ps->ph.p, ps->ph.n, sizeof *ps->ph.p);
        put(w, s0 + 1, ps->nodes, ps->nnodes, sizeof *ps->nodes);
        put(w, s0 + 2, ps->edges, pset_nedges(ps), sizeof *ps->edges);
        put(w, s0 + 3, ps->values, ps->values ? ps->ph.n : 0, sizeof *ps->values);
        put(w, s0 + 4, ps->by_first, ps->by_first ? ps->ph.n : 0, sizeof *ps->by_first);
    }
    put(w, S_ACTORS, d->actors.p, d->actors.n, sizeof *d->actors.p);
    dt_dict_actor_code *ac = put(w, S_ACODES, d->acodes.p, d->acodes.n, sizeof *d->acodes.p);
    for (size_t i = 0; ac && i < d->acodes.n; i++)
        ac[i].code = enc(wstr(w, d->acodes.p[i].code));
    dt_dict_agent *ag = put(w, S_AGENTS, d->agents.p, d->agents.n, sizeof *d->agents.p);
    for (size_t i = 0; ag && i < d->agents.n; i++)
        ag[i].code = enc(wstr(w, d->agents.p[i].code));
    dt_dict_issue *is = put(w, S_ISSUES, d->issues.p, d->issues.n, sizeof *d->issues.p);
    for (size_t i = 0; is && i < d->issues.n; i++) {
        is[i].code = enc(wstr(w, d->issues.p[i].code));
        is[i].category = enc(wstr(w, d->issues.p[i].category));
    }
    dt_dict_synset *sy = put(w, S_SYNSETS, d->synsets.p, d->synsets.n, sizeof *d->synsets.p);
    for (size_t i = 0; sy && i < d->synsets.n; i++)
        sy[i].name = enc(wstr(w, d->synsets.p[i].name));
    put(w, S_SYNNAMES, d->synnames.p, d->synnames.n, sizeof *d->synnames.p);
    dt_dict_verb *vb = put(w, S_VERBS, d->verbs.p, d->verbs.n, sizeof *d->verbs.p);
    for (size_t i = 0; vb && i < d->verbs.n; i++)
        vb[i].code = enc(wstr(w, d->verbs.p[i].code));
    put(w, S_VFORMS, d->vforms.p, d->vforms.n, sizeof *d->vforms.p);
    put(w, S_VFSTART, d->vf_start, d->vf_start ? (size_t)d->nwords + 1 : 0, sizeof *d->vf_start);
    dt_dict_verb_block *bl = put(w, S_BLOCKS, d->blocks.p, d->blocks.n, sizeof *d->blocks.p);
    for (size_t i = 0; bl && i < d->blocks.n; i++) {
        bl[i].name = enc(wstr(w, d->blocks.p[i].name));
        bl[i].code = enc(wstr(w, d->blocks.p[i].code));
    }
    dt_dict_pattern *pa = put(w, S_PATTERNS, d->patterns.p, d->patterns.n, sizeof *d->patterns.p);
    for (size_t i = 0; pa && i < d->patterns.n; i++) {
        pa[i].code = enc(wstr(w, d->patterns.p[i].code));
        pa[i].text = enc(wstr(w, d->patterns.p[i].text));
    }
    put(w, S_PELEMS, d->pelems.p, d->pelems.n, sizeof *d->pelems.p);
    dt_dict_transform *tr =
        put(w, S_TRANSFORMS, d->transforms.p, d->transforms.n, sizeof *d->transforms.p);
    for (size_t i = 0; tr && i < d->transforms.n; i++)
        tr[i].text = enc(wstr(w, d->transforms.p[i].text));
    if (w->str.oom)
        w->blob.oom = 1;
    put(w, S_STR, w->str.p, w->str.n, 1);
    wb_put(&w->blob, NULL, 0, 8);
    if (w->blob.oom) {
        dt_free(w->blob.p);
        dt_free(w->str.p);
        dt_free(w);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    memcpy(h->magic, MAGIC, sizeof MAGIC);
    h->version = DT_DICT_CACHE_VERSION;
    h->layout = layout_word();
    h->total = w->blob.n;
    h->src_hash = d->hash;
    h->bytes_read = d->bytes_read;
    h->nwarn_total = d->nwarn_total;
    for (int i = 0; i < 3; i++)
        h->sev[i] = d->sev_count[i];
    h->nwords = d->nwords;
    h->wtab_mask = d->wtab_mask;
    h->nsec = S_N;
    h->checksum = dt__dict_cache_checksum(w->blob.p + sizeof *h, w->blob.n - sizeof *h);
    memcpy(w->blob.p, h, sizeof *h);

    /* Write next to the target and rename: a reader never maps a
     * half-written cache. */
    size_t pl = strlen(path);
    char *tmp = dt_malloc(pl + 8);
    int rc = 0;
    if (!tmp)
        rc = dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    else {
        memcpy(tmp, path, pl);
        memcpy(tmp + pl, ".tmpXXX", 8);
        FILE *f = fopen(tmp, "wb");
        if (!f)
            rc =
                dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot write: %s", strerror(errno));
        else {
            size_t wr = fwrite(w->blob.p, 1, w->blob.n, f);
            int bad = wr != w->blob.n || ferror(f);
            if (fclose(f) != 0)
                bad = 1;
            if (bad || rename(tmp, path) != 0) {
                rc = dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot write: %s",
                                  strerror(errno));
                remove(tmp);
            }
        }
    }
    dt_free(tmp);
    dt_free(w->blob.p);
    dt_free(w->str.p);
    dt_free(w);
    return rc;
}

/* ---- reading ---- */

void dt__dict_cache_unmap(void *map, size_t len)
{
    munmap(map, len);
}

int dt_dict_is_cache(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char m[8];
    ssize_t r = read(fd, m, sizeof m);
    close(fd);
    return r == (ssize_t)sizeof m && memcmp(m, MAGIC, sizeof m) == 0;
}

static double now_ms(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Hash of explicit sources, as dt_dicts_load computes it. */
static int hash_sources(const dt_dict_source *src, size_t n, uint64_t *out, dt_error *err)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        char *buf = NULL;
        const char *data = src[i].data;
        size_t len = src[i].len;
        if (!data) {
            if (!src[i].path)
                return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX, "source without data");
            int rc = dt__dict_read_file(src[i].path, &buf, &len, err);
            if (rc)
                return rc;
            data = buf;
        }
        h = dt__dict_hash_source(h, (uint32_t)src[i].kind, data, len);
        dt_free(buf);
    }
    *out = h;
    return 0;
}

/* Hash of the sources the cache records (paths, or builtin: names). */
static int hash_recorded(const char *const *names, const uint32_t *kinds, size_t n, uint64_t *out,
                         dt_error *err)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        const char *nm = names[i];
        if (!strncmp(nm, "builtin:", 8)) {
            size_t k = 0;
            while (k < dt__dict_builtin_nfiles && strcmp(dt__dict_builtin_files[k].name, nm))
                k++;
            if (k == dt__dict_builtin_nfiles)
                return dt_error_set(
                    err, DT_EFORMAT, nm, 0, UINT64_MAX,
                    "dictionary cache refused: its source is not in this build's built-in set");
            h = dt__dict_hash_source(h, kinds[i], dt__dict_builtin_files[k].data,
                                     dt__dict_builtin_files[k].len);
            continue;
        }
        char *buf = NULL;
        size_t len = 0;
        dt_error e;
        dt_error_clear(&e);
        if (dt__dict_read_file(nm, &buf, &len, &e))
            return dt_error_set(
                err, DT_EFORMAT, nm, 0, UINT64_MAX,
                "dictionary cache refused: its source cannot be read (%s); name the "
                "sources or recompile the cache",
                e.msg);
        h = dt__dict_hash_source(h, kinds[i], buf, len);
        dt_free(buf);
    }
    *out = h;
    return 0;
}

static const char *dec(const char *strtab, uint64_t nstr, const char *p, int *bad)
{
    uint64_t o = (uint64_t)(uintptr_t)p;
    if (!o)
        return NULL;
    if (o - 1 >= nstr) {
        *bad = 1;
        return "";
    }
    return strtab + (o - 1);
}

static int refuse(const char *path, dt_error *err, const char *why)
{
    return dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX,
                        "dictionary cache refused: %s (recompile it with 'detente dict compile')",
                        why);
}

int dt_dicts_load_cache(const char *path, const dt_dict_source *src, size_t nsrc,
                        const dt_dict_options *opt, dt_dicts **out, dt_error *err)
{
    if (!path || !out || (nsrc && !src))
        return dt_error_set(err, DT_EINVAL, "", 0, UINT64_MAX,
                            "dt_dicts_load_cache: bad arguments");
    *out = NULL;
    double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(hdr)) {
        close(fd);
        return refuse(path, err, "not a dictionary cache (too short)");
    }
    size_t size = (size_t)st.st_size;
    /* MAP_POPULATE: every page is read (checksum) anyway; one populate
     * call costs far less than thousands of separate page faults. */
    void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return dt_error_set(err, DT_EIO, path, 0, UINT64_MAX, "cannot map: %s", strerror(errno));
    unsigned char *base = map;
    hdr h;
    memcpy(&h, base, sizeof h);
    const char *why = NULL;
    if (memcmp(h.magic, MAGIC, sizeof MAGIC) != 0)
        why = "not a dictionary cache (bad magic)";
    else if (h.version != DT_DICT_CACHE_VERSION)
        why = "written by another version of the cache format";
    else if (h.layout != layout_word() || h.nsec != S_N)
        why = "written by a build with another data layout";
    else if (h.total != size)
        why = "truncated or extended file";
    else if (dt__dict_cache_checksum(base + sizeof h, size - sizeof h) != h.checksum)
        why = "damaged file (checksum)";
    static const size_t elsize[S_N] = {
        [S_STR] = 1,
        [S_WORDS] = sizeof(uint64_t),
        [S_WLEN] = sizeof(uint32_t),
        [S_WHASH] = sizeof(uint32_t),
        [S_WTAB] = sizeof(uint64_t),
        [S_POOL] = sizeof(uint32_t),
        [S_SRCNAMES] = sizeof(char *),
        [S_SRCKINDS] = sizeof(uint32_t),
        [S_WARNS] = sizeof(dt_dict_warning),
        [S_ACTORS] = sizeof(dt_dict_actor),
        [S_ACODES] = sizeof(dt_dict_actor_code),
        [S_AGENTS] = sizeof(dt_dict_agent),
        [S_ISSUES] = sizeof(dt_dict_issue),
        [S_SYNSETS] = sizeof(dt_dict_synset),
        [S_SYNNAMES] = sizeof(dt__synname),
        [S_VERBS] = sizeof(dt_dict_verb),
        [S_VFORMS] = sizeof(dt_dict_verb_form),
        [S_VFSTART] = sizeof(uint32_t),
        [S_BLOCKS] = sizeof(dt_dict_verb_block),
        [S_PATTERNS] = sizeof(dt_dict_pattern),
        [S_PELEMS] = sizeof(dt_dict_pelem),
        [S_TRANSFORMS] = sizeof(dt_dict_transform),
    };
    size_t es[S_N];
    memcpy(es, elsize, sizeof es);
    for (int k = 0; k < 5; k++) {
        es[S_PSET + 5 * k] = sizeof(dt_dict_phrase);
        es[S_PSET + 5 * k + 1] = sizeof(dt_dict_trie_node);
        es[S_PSET + 5 * k + 2] = sizeof(dt_dict_trie_edge);
        es[S_PSET + 5 * k + 3] = sizeof(uint32_t);
        es[S_PSET + 5 * k + 4] = sizeof(uint32_t);
    }
    for (int s = 0; !why && s < S_N; s++) {
        if (h.off[s] % 8 || h.off[s] < sizeof h || h.off[s] > size ||
            h.count[s] > (size - h.off[s]) / es[s])
            why = "section out of bounds";
    }
    /* (a load that interned no word has nwords 1 and no word arrays) */
    uint64_t nwl = h.nwords > 1 ? h.nwords : h.count[S_WLEN];
    if (!why && (h.count[S_WORDS] != h.nwords || h.count[S_SRCNAMES] != h.count[S_SRCKINDS] ||
                 h.count[S_WLEN] != nwl || h.count[S_WHASH] != nwl || h.count[S_STR] == 0 ||
                 base[h.off[S_STR] + h.count[S_STR] - 1] != '\0' ||
                 (h.count[S_WTAB] && h.count[S_WTAB] != (uint64_t)h.wtab_mask + 1)))
        why = "inconsistent sections";
    if (why) {
        munmap(map, size);
        return refuse(path, err, why);
    }
#define SEC(s) ((void *)(base + h.off[s]))
    const char *strtab = SEC(S_STR);
    uint64_t nstr = h.count[S_STR];
    int bad = 0;
    /* Sources: the content must be what the cache was compiled from. */
    const char **names = SEC(S_SRCNAMES);
    size_t nnames = (size_t)h.count[S_SRCNAMES];
    for (size_t i = 0; i < nnames; i++)
        names[i] = dec(strtab, nstr, names[i], &bad);
    uint64_t want = 0;
    int rc = bad    ? refuse(path, err, "bad source names")
             : nsrc ? hash_sources(src, nsrc, &want, err)
                    : hash_recorded(names, SEC(S_SRCKINDS), nnames, &want, err);
    if (!rc && want != h.src_hash) {
        char why2[160];
        snprintf(why2, sizeof why2,
                 "the dictionary sources changed (hash %016llx, cache built from %016llx)",
                 (unsigned long long)want, (unsigned long long)h.src_hash);
        rc = refuse(path, err, why2);
    }
    if (rc) {
        munmap(map, size);
        return rc;
    }
    dt_dicts *d = dt__dicts_new();
    if (!d || !(d->arena = dt_arena_new(1024))) {
        dt_free(d);
        munmap(map, size);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    d->map = map;
    d->maplen = size;
    if (opt)
        d->opt = *opt;
    /* Words: offsets become pointers in place (a uint64 slot holds a
     * pointer on the 64-bit builds the layout word admits). */
    unsigned char *wo = SEC(S_WORDS);
    const char **words = (const char **)(void *)wo;
    for (uint32_t i = 0; i < h.nwords; i++) {
        uint64_t o;
        memcpy(&o, wo + (size_t)i * 8, 8);
        const char *p = dec(strtab, nstr, enc(o), &bad);
        memcpy(wo + (size_t)i * 8, &p, sizeof p);
    }
    d->words = words;
    d->nwords = h.nwords;
    d->wlen = SEC(S_WLEN);
    d->whash = SEC(S_WHASH);
    d->wtab = h.count[S_WTAB] ? SEC(S_WTAB) : NULL;
    d->wtab_mask = h.wtab_mask;
    d->pool.p = SEC(S_POOL);
    d->pool.n = (size_t)h.count[S_POOL];
    d->src_names.p = names;
    d->src_names.n = nnames;
    d->src_kinds.p = SEC(S_SRCKINDS);
    d->src_kinds.n = nnames;
    d->warns.p = SEC(S_WARNS);
    d->warns.n = (size_t)h.count[S_WARNS];
    for (size_t i = 0; i < d->warns.n; i++) {
        d->warns.p[i].file = dec(strtab, nstr, d->warns.p[i].file, &bad);
        d->warns.p[i].msg = dec(strtab, nstr, d->warns.p[i].msg, &bad);
    }
    dt__pset *sets[5] = {&d->actor_set, &d->agent_set, &d->discard_set, &d->issue_set, &d->syn_set};
    for (int k = 0; k < 5; k++) {
        dt__pset *ps = sets[k];
        int s0 = S_PSET + 5 * k;
        ps->ph.p = SEC(s0);
        ps->ph.n = (size_t)h.count[s0];
        ps->nodes = SEC(s0 + 1);
        ps->nnodes = (uint32_t)h.count[s0 + 1];
        ps->edges = SEC(s0 + 2);
        ps->values = SEC(s0 + 3);
        ps->by_first = SEC(s0 + 4);
        ps->view.phrases = ps->ph.p;
        ps->view.nphrases = (uint32_t)ps->ph.n;
        ps->view.nodes = ps->nodes;
        ps->view.nnodes = ps->nnodes;
        ps->view.edges = ps->edges;
        ps->view.values = ps->values;
        ps->view.by_first = ps->by_first;
        ps->view.pool = d->pool.p;
    }
#define VEC(v, s) ((v).p = SEC(s), (v).n = (size_t)h.count[s])
    VEC(d->actors, S_ACTORS);
    VEC(d->acodes, S_ACODES);
    for (size_t i = 0; i < d->acodes.n; i++)
        d->acodes.p[i].code = dec(strtab, nstr, d->acodes.p[i].code, &bad);
    VEC(d->agents, S_AGENTS);
    for (size_t i = 0; i < d->agents.n; i++)
        d->agents.p[i].code = dec(strtab, nstr, d->agents.p[i].code, &bad);
    VEC(d->issues, S_ISSUES);
    for (size_t i = 0; i < d->issues.n; i++) {
        d->issues.p[i].code = dec(strtab, nstr, d->issues.p[i].code, &bad);
        d->issues.p[i].category = dec(strtab, nstr, d->issues.p[i].category, &bad);
    }
    VEC(d->synsets, S_SYNSETS);
    for (size_t i = 0; i < d->synsets.n; i++)
        d->synsets.p[i].name = dec(strtab, nstr, d->synsets.p[i].name, &bad);
    VEC(d->synnames, S_SYNNAMES);
    VEC(d->verbs, S_VERBS);
    for (size_t i = 0; i < d->verbs.n; i++)
        d->verbs.p[i].code = dec(strtab, nstr, d->verbs.p[i].code, &bad);
    VEC(d->vforms, S_VFORMS);
    d->vf_start = h.count[S_VFSTART] ? SEC(S_VFSTART) : NULL;
    VEC(d->blocks, S_BLOCKS);
    for (size_t i = 0; i < d->blocks.n; i++) {
        d->blocks.p[i].name = dec(strtab, nstr, d->blocks.p[i].name, &bad);
        d->blocks.p[i].code = dec(strtab, nstr, d->blocks.p[i].code, &bad);
    }
    VEC(d->patterns, S_PATTERNS);
    for (size_t i = 0; i < d->patterns.n; i++) {
        d->patterns.p[i].code = dec(strtab, nstr, d->patterns.p[i].code, &bad);
        d->patterns.p[i].text = dec(strtab, nstr, d->patterns.p[i].text, &bad);
    }
    VEC(d->pelems, S_PELEMS);
    VEC(d->transforms, S_TRANSFORMS);
    for (size_t i = 0; i < d->transforms.n; i++)
        d->transforms.p[i].text = dec(strtab, nstr, d->transforms.p[i].text, &bad);
#undef VEC
#undef SEC
    if (bad || (d->vf_start && h.count[S_VFSTART] != (uint64_t)h.nwords + 1)) {
        dt_dicts_free(d);
        return refuse(path, err, "bad string or index offsets");
    }
    /* The checksum catches damage, not a file written to fit it: every
     * count and index the matchers follow is checked before any is used
     * (F31). First that each trie's arrays are as long as it needs. */
    for (int k = 0; k < 5; k++) {
        const dt__pset *ps = sets[k];
        int s0 = S_PSET + 5 * k;
        uint64_t nedges = 0;
        for (uint32_t i = 0; i < ps->nnodes; i++) {
            uint64_t e = (uint64_t)ps->nodes[i].first_edge + ps->nodes[i].nedges;
            if (e > nedges)
                nedges = e;
        }
        if (nedges > h.count[s0 + 2] || h.count[s0 + 3] != ps->ph.n ||
            h.count[s0 + 4] != ps->ph.n) {
            dt_dicts_free(d);
            return refuse(path, err, "a phrase trie's arrays do not match its phrases");
        }
    }
    char why3[200];
    if (dt__dict_check(d, why3, sizeof why3)) {
        char msg[240];
        snprintf(msg, sizeof msg, "bad contents: %s", why3);
        dt_dicts_free(d);
        return refuse(path, err, msg);
    }
    if (dt__dict_derive(d)) {
        dt_dicts_free(d);
        return dt_error_set(err, DT_ENOMEM, "", 0, UINT64_MAX, "out of memory");
    }
    d->hash = h.src_hash;
    snprintf(d->hash_hex, sizeof d->hash_hex, "%016llx", (unsigned long long)d->hash);
    d->bytes_read = (size_t)h.bytes_read;
    d->nwarn_total = (size_t)h.nwarn_total;
    for (int i = 0; i < 3; i++)
        d->sev_count[i] = (size_t)h.sev[i];
    if (opt && opt->on_warning)
        for (size_t i = 0; i < d->warns.n; i++)
            opt->on_warning(opt->ud, &d->warns.p[i]);
    d->load_ms = now_ms(CLOCK_MONOTONIC) - t0;
    d->load_cpu_ms = now_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
    *out = d;
    size_t nbad = d->sev_count[DT_DICT_SEV_WARNING] + d->sev_count[DT_DICT_SEV_ERROR];
    if (opt && opt->strict && nbad)
        return dt_error_set(err, DT_EFORMAT, path, 0, UINT64_MAX,
                            "%zu dictionary warning(s) in strict mode", nbad);
    return DT_OK;
}
