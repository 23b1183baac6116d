/* detente — server: the response cache.
 *
 * Aggregates (series, dyads, actors, health) cost a scan of the store; the
 * same dashboard asks for the same ones again and again. Responses are kept
 * by normalised request (dt__req_key) together with the store's data
 * version; the first request that sees a new version empties the cache, so
 * a store that `detente code` is still writing never serves stale numbers
 * for long. Memory is bounded by a byte budget: when a new entry would go
 * over it, the cache is emptied first (cheap, and the working set of a
 * dashboard is small). Readers share a read lock; a hit costs one hash
 * lookup and one copy of the body. */
#include "server_internal.h"

#include <string.h>

#define NBUCKETS 4096

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    char *key;
    size_t klen;
    char *body;
    size_t len;
    int status;
} entry;

/* A key being computed by some thread (single flight). */
typedef struct pending {
    struct pending *next;
    uint64_t hash;
    char *key;
    size_t klen;
} pending;

struct dt__cache {
    pthread_rwlock_t lock;
    pthread_mutex_t pmu; /* guards pend */
    pthread_cond_t pcv;  /* a pending computation finished */
    pending *pend;
    entry *bucket[NBUCKETS];
    uint64_t version;
    size_t bytes, budget;
};

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

int dt__cache_new(dt__cache **out, size_t budget)
{
    dt__cache *c = dt_calloc(1, sizeof *c);
    if (!c)
        return DT_ENOMEM;
    if (pthread_rwlock_init(&c->lock, NULL) != 0) {
        dt_free(c);
        return DT_ENOMEM;
    }
    if (pthread_mutex_init(&c->pmu, NULL) != 0) {
        pthread_rwlock_destroy(&c->lock);
        dt_free(c);
        return DT_ENOMEM;
    }
    if (pthread_cond_init(&c->pcv, NULL) != 0) {
        pthread_mutex_destroy(&c->pmu);
        pthread_rwlock_destroy(&c->lock);
        dt_free(c);
        return DT_ENOMEM;
    }
    c->budget = budget;
    *out = c;
    return DT_OK;
}

static void flush(dt__cache *c)
{
    for (size_t i = 0; i < NBUCKETS; i++) {
        entry *e = c->bucket[i];
        while (e) {
            entry *nx = e->next;
            dt_free(e->key);
            dt_free(e->body);
            dt_free(e);
            e = nx;
        }
        c->bucket[i] = NULL;
    }
    c->bytes = 0;
}

void dt__cache_free(dt__cache *c)
{
    if (!c)
        return;
    flush(c);
    pthread_cond_destroy(&c->pcv);
    pthread_mutex_destroy(&c->pmu);
    pthread_rwlock_destroy(&c->lock);
    dt_free(c);
}

static entry *find(dt__cache *c, uint64_t h, const char *key, size_t klen)
{
    for (entry *e = c->bucket[h % NBUCKETS]; e; e = e->next)
        if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
            return e;
    return NULL;
}

static pending *pending_find(dt__cache *c, uint64_t h, const char *key, size_t klen)
{
    for (pending *p = c->pend; p; p = p->next)
        if (p->hash == h && p->klen == klen && !memcmp(p->key, key, klen))
            return p;
    return NULL;
}

int dt__cache_claim(dt__cache *c, uint64_t version, const char *key, size_t klen, char **body,
                    size_t *len, int *status)
{
    uint64_t h = fnv(key, klen);
    for (;;) {
        if (dt__cache_get(c, version, key, klen, body, len, status))
            return 1;
        pthread_mutex_lock(&c->pmu);
        if (!pending_find(c, h, key, klen)) {
            pending *p = dt_malloc(sizeof *p);
            char *k = dt_malloc(klen + 1);
            if (p && k) {
                memcpy(k, key, klen);
                k[klen] = '\0';
                *p = (pending){c->pend, h, k, klen};
                c->pend = p;
                pthread_mutex_unlock(&c->pmu);
                return 0;
            }
            dt_free(p);
            dt_free(k);
            pthread_mutex_unlock(&c->pmu);
            return -1; /* compute without claiming */
        }
        /* Another request computes this answer: wait for it instead of
         * running the same scan again (a cold cache under load would
         * otherwise start one scan per connection). */
        while (pending_find(c, h, key, klen))
            pthread_cond_wait(&c->pcv, &c->pmu);
        pthread_mutex_unlock(&c->pmu);
    }
}

void dt__cache_release(dt__cache *c, const char *key, size_t klen)
{
    uint64_t h = fnv(key, klen);
    pthread_mutex_lock(&c->pmu);
    for (pending **pp = &c->pend; *pp; pp = &(*pp)->next) {
        pending *p = *pp;
        if (p->hash == h && p->klen == klen && !memcmp(p->key, key, klen)) {
            *pp = p->next;
            dt_free(p->key);
            dt_free(p);
            break;
        }
    }
    pthread_cond_broadcast(&c->pcv);
    pthread_mutex_unlock(&c->pmu);
}

int dt__cache_get(dt__cache *c, uint64_t version, const char *key, size_t klen, char **body,
                  size_t *len, int *status)
{
    uint64_t h = fnv(key, klen);
    int hit = 0;
    pthread_rwlock_rdlock(&c->lock);
    if (c->version == version) {
        entry *e = find(c, h, key, klen);
        if (e) {
            char *b = dt_malloc(e->len + 1);
            if (b) {
                memcpy(b, e->body, e->len);
                b[e->len] = '\0';
                *body = b;
                *len = e->len;
                *status = e->status;
                hit = 1;
            }
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

void dt__cache_put(dt__cache *c, uint64_t version, const char *key, size_t klen, const char *body,
                   size_t len, int status)
{
    size_t cost = klen + len + sizeof(entry);
    if (cost > c->budget / 4) /* one huge answer must not evict everything */
        return;
    entry *e = dt_calloc(1, sizeof *e);
    char *k = dt_malloc(klen + 1), *b = dt_malloc(len + 1);
    if (!e || !k || !b) {
        dt_free(e);
        dt_free(k);
        dt_free(b);
        return;
    }
    memcpy(k, key, klen);
    k[klen] = '\0';
    memcpy(b, body, len);
    b[len] = '\0';
    *e = (entry){
        .hash = fnv(key, klen), .key = k, .klen = klen, .body = b, .len = len, .status = status};
    pthread_rwlock_wrlock(&c->lock);
    if (c->version != version) {
        flush(c);
        c->version = version;
    }
    if (find(c, e->hash, key, klen)) { /* another thread was first */
        pthread_rwlock_unlock(&c->lock);
        dt_free(k);
        dt_free(b);
        dt_free(e);
        return;
    }
    if (c->bytes + cost > c->budget)
        flush(c);
    entry **slot = &c->bucket[e->hash % NBUCKETS];
    e->next = *slot;
    *slot = e;
    c->bytes += cost;
    pthread_rwlock_unlock(&c->lock);
}
