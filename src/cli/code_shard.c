/* Shards of the inputs of `detente code` (code_shard.h). */
#include "code_shard.h"

#include "detente/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCAN_BUF (1u << 16)

typedef struct finfo {
    uint64_t start, size;
    int splittable;
} finfo;

/* Only an uncompressed JSONL file can be cut between lines: a compressed
 * stream has no seekable line starts, and an XML or text file is one
 * parse. */
static int is_splittable(int fd, int format)
{
    unsigned char b[4096];
    ssize_t n = pread(fd, b, sizeof b, 0);
    if (n < 4)
        return 0;
    if ((b[0] == 0x1f && b[1] == 0x8b) ||
        (b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd))
        return 0;
    if (format == DT_INPUT_JSONL)
        return 1;
    if (format != DT_INPUT_AUTO)
        return 0;
    ssize_t i = 0;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    return i < n && b[i] == '{';
}

/* The first line start at or after x (0 < x < size): x itself when byte
 * x-1 ends a line, else just past the next newline, else size. */
static int next_line_start(int fd, uint64_t x, uint64_t size, uint64_t *out)
{
    unsigned char buf[SCAN_BUF];
    uint64_t pos = x - 1;
    while (pos < size) {
        ssize_t n = pread(fd, buf, sizeof buf, (off_t)pos);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        unsigned char *nl = memchr(buf, '\n', (size_t)n);
        if (nl) {
            *out = pos + (uint64_t)(nl - buf) + 1;
            return 0;
        }
        pos += (uint64_t)n;
    }
    *out = size;
    return 0;
}

/* 1 + the newlines in [0, lo): the line number of the range's start, so
 * that messages name the same line as a run over the whole file. */
static int count_lines(int fd, uint64_t lo, uint64_t *out)
{
    unsigned char buf[SCAN_BUF];
    uint64_t pos = 0, lines = 1;
    while (pos < lo) {
        size_t want = lo - pos < SCAN_BUF ? (size_t)(lo - pos) : SCAN_BUF;
        ssize_t n = pread(fd, buf, want, (off_t)pos);
        if (n <= 0)
            return -1;
        for (unsigned char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
            lines++;
        pos += (uint64_t)n;
    }
    *out = lines;
    return 0;
}

int dt_cli_shard_plan(char **files, int nfiles, int format, int rank, int count, dt_cli_input **out,
                      int *nout, char *why, size_t whylen)
{
    *out = NULL;
    *nout = 0;
    if (nfiles < 1) {
        snprintf(why, whylen, "name the input files (standard input cannot be shared out)");
        return -1;
    }
    finfo *fi = calloc((size_t)nfiles, sizeof *fi);
    uint64_t *cut = calloc((size_t)count + 1, sizeof *cut);
    dt_cli_input *in = calloc((size_t)nfiles, sizeof *in);
    int *fds = malloc((size_t)nfiles * sizeof *fds);
    int rc = -1, n = 0;
    if (!fi || !cut || !in || !fds) {
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    for (int i = 0; i < nfiles; i++)
        fds[i] = -1;
    uint64_t total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (!strcmp(files[i], "-")) {
            snprintf(why, whylen, "standard input cannot be shared out: name the files");
            goto done;
        }
        fds[i] = open(files[i], O_RDONLY);
        if (fds[i] < 0 || fstat(fds[i], &st) != 0) {
            snprintf(why, whylen, "%s: %s", files[i], strerror(errno));
            goto done;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(why, whylen, "%s: not a regular file (it cannot be shared out)", files[i]);
            goto done;
        }
        fi[i].start = total;
        fi[i].size = (uint64_t)st.st_size;
        fi[i].splittable = is_splittable(fds[i], format);
        total += fi[i].size;
    }
    /* Cuts at equal byte shares, each moved forward to a place where a
     * shard may start. Moving forward keeps them in order. */
    for (int r = 0; r <= count; r++) {
        uint64_t c = total / (uint64_t)count * (uint64_t)r +
                     total % (uint64_t)count * (uint64_t)r / (uint64_t)count;
        if (r == count)
            c = total;
        for (int i = 0; i < nfiles && r < count; i++) {
            uint64_t s = fi[i].start, e = s + fi[i].size;
            if (c <= s || c >= e)
                continue;
            if (!fi[i].splittable) {
                c = e;
            } else {
                uint64_t x;
                if (next_line_start(fds[i], c - s, fi[i].size, &x) < 0) {
                    snprintf(why, whylen, "%s: %s", files[i], strerror(errno));
                    goto done;
                }
                c = s + x;
            }
            break;
        }
        if (r > 0 && c < cut[r - 1])
            c = cut[r - 1];
        cut[r] = c;
    }
    uint64_t lo = cut[rank], hi = cut[rank + 1];
    for (int i = 0; i < nfiles; i++) {
        uint64_t s = fi[i].start, e = s + fi[i].size;
        if (fi[i].size == 0) {
            /* An empty file goes where its place falls (it is a rejected
             * document, counted once). */
            if ((s >= lo && s < hi) || (s == total && rank == count - 1))
                in[n++] = (dt_cli_input){files[i], 0, 0, 0, 1};
            continue;
        }
        uint64_t a = s > lo ? s : lo, b = e < hi ? e : hi;
        if (a >= b)
            continue;
        if (a == s && b == e) {
            in[n++] = (dt_cli_input){files[i], 0, 0, 0, 1};
            continue;
        }
        dt_cli_input *p = &in[n];
        *p = (dt_cli_input){files[i], 1, a - s, b - s, 1};
        if (count_lines(fds[i], p->lo, &p->first_line) < 0) {
            snprintf(why, whylen, "%s: cannot read", files[i]);
            goto done;
        }
        n++;
    }
    rc = 0;
    *out = in;
    *nout = n;
    in = NULL;
done:
    for (int i = 0; fds && i < nfiles; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    free(fi);
    free(cut);
    free(in);
    return rc;
}

void dt_cli_shard_describe(const dt_cli_input *in, int n, char *buf, size_t cap)
{
    size_t k = 0;
    if (cap)
        buf[0] = '\0';
    for (int i = 0; i < n && k < cap; i++) {
        int w;
        if (in[i].range)
            w = snprintf(buf + k, cap - k, "%s%s bytes %llu-%llu", i ? ", " : "", in[i].path,
                         (unsigned long long)in[i].lo, (unsigned long long)in[i].hi);
        else
            w = snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", in[i].path);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (n == 0 && cap)
        snprintf(buf, cap, "(nothing)");
}

struct dt_cli_feeder {
    pthread_t tid;
    int src, dst; /* the file, the pipe's write end */
    uint64_t lo, hi;
};

static void *feed(void *arg)
{
    dt_cli_feeder *f = arg;
    /* A reader that stops early closes the pipe: that must be an EPIPE
     * here, not a SIGPIPE for the process. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char buf[SCAN_BUF];
    uint64_t pos = f->lo;
    while (pos < f->hi) {
        size_t want = f->hi - pos < SCAN_BUF ? (size_t)(f->hi - pos) : SCAN_BUF;
        ssize_t n = pread(f->src, buf, want, (off_t)pos);
        if (n <= 0)
            break; /* the reader sees a short input */
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(f->dst, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                goto out;
            off += w;
        }
        pos += (uint64_t)n;
    }
out:
    close(f->dst);
    return NULL;
}

int dt_cli_range_open(const dt_cli_input *in, int *fd, dt_cli_feeder **feeder)
{
    *fd = -1;
    *feeder = NULL;
    dt_cli_feeder *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    int p[2];
    f->src = open(in->path, O_RDONLY);
    if (f->src < 0) {
        free(f);
        return -1;
    }
    if (pipe(p) != 0) {
        close(f->src);
        free(f);
        return -1;
    }
    f->dst = p[1];
    f->lo = in->lo;
    f->hi = in->hi;
    if (pthread_create(&f->tid, NULL, feed, f) != 0) {
        close(p[0]);
        close(p[1]);
        close(f->src);
        free(f);
        errno = EAGAIN;
        return -1;
    }
    *fd = p[0];
    *feeder = f;
    return 0;
}

void dt_cli_range_close(dt_cli_feeder *f)
{
    if (!f)
        return;
    pthread_join(f->tid, NULL);
    close(f->src);
    free(f);
}
