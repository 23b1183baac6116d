/* Byte stream: plain, gzip or zstd, from a file or stdin.
 *
 * The codec is chosen from the first raw bytes, never from the file name,
 * so `zcat x | detente code` and `detente code x.gz` and a .gz file renamed
 * to .jsonl all behave the same. A compressed stream that ends before its
 * end-of-frame marker is reported as truncated (DT_EIO) rather than
 * silently treated as a shorter input: the caller keeps every complete
 * record it has already read and then reports one error. */
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define RAW_CAP ((size_t)64 << 10)
#define OUT_CAP ((size_t)64 << 10)
#define PEEK_MIN ((size_t)4 << 10)

struct dt__stream {
    int fd;
    int own_fd;
    int codec;
    int raw_eof;
    int failed; /* sticky DT_EIO */
    dt_error fail_err;
    char name[256];
    unsigned char *raw;
    size_t raw_pos, raw_len;
    unsigned char *out; /* decoded bytes not yet handed out */
    size_t out_pos, out_len;
    uint64_t delivered; /* decoded bytes handed out */
    uint64_t raw_total; /* raw bytes read */
    /* gzip */
    z_stream z;
    int z_init;
    int z_member_done; /* last inflate() hit the end of a member */
    /* zstd */
    ZSTD_DStream *zs;
    int zs_frame_done;
};

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return dt_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    dt_free(p);
}

const char *dt__stream_codec_name(int codec)
{
    switch (codec) {
    case DT__CODEC_GZIP:
        return "gzip";
    case DT__CODEC_ZSTD:
        return "zstd";
    default:
        return "plain";
    }
}

int dt__stream_codec(const dt__stream *s)
{
    return s->codec;
}

uint64_t dt__stream_tell(const dt__stream *s)
{
    return s->delivered;
}

static int fail(dt__stream *s, dt_error *err, const char *what, const char *detail)
{
    if (!s->failed) {
        s->failed = 1;
        dt_error_set(&s->fail_err, DT_EIO, s->name, 0, s->delivered + (s->out_len - s->out_pos),
                     "%s%s", what, detail);
    }
    if (err)
        *err = s->fail_err;
    return DT_EIO;
}

/* Refill raw[] (keeping unconsumed bytes). Returns 0 or DT_EIO. */
static int fill_raw(dt__stream *s, dt_error *err)
{
    if (s->raw_eof)
        return 0;
    if (s->raw_pos > 0) {
        memmove(s->raw, s->raw + s->raw_pos, s->raw_len - s->raw_pos);
        s->raw_len -= s->raw_pos;
        s->raw_pos = 0;
    }
    while (s->raw_len < RAW_CAP) {
        ssize_t k = read(s->fd, s->raw + s->raw_len, RAW_CAP - s->raw_len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return fail(s, err, "read error: ", strerror(errno));
        }
        if (k == 0) {
            s->raw_eof = 1;
            break;
        }
        s->raw_len += (size_t)k;
        s->raw_total += (uint64_t)k;
        /* One successful read is enough; don't block a pipe for more. */
        break;
    }
    return 0;
}

/* Decode more bytes into out[] (which the caller has emptied or compacted).
 * Returns 0 (possibly with nothing new at the very end) or DT_EIO. */
static int decode_more(dt__stream *s, dt_error *err)
{
    for (;;) {
        if (s->raw_pos == s->raw_len) {
            if (s->raw_eof)
                break;
            if (fill_raw(s, err) < 0)
                return DT_EIO;
            if (s->raw_pos == s->raw_len && s->raw_eof)
                break;
        }
        size_t room = OUT_CAP - s->out_len;
        if (room == 0)
            return 0;
        if (s->codec == DT__CODEC_PLAIN) {
            size_t k = s->raw_len - s->raw_pos;
            if (k > room)
                k = room;
            memcpy(s->out + s->out_len, s->raw + s->raw_pos, k);
            s->raw_pos += k;
            s->out_len += k;
            return 0;
        }
        if (s->codec == DT__CODEC_GZIP) {
            if (s->z_member_done) {
                /* Another member follows (concatenated .gz files are valid
                 * gzip); anything else is reported by inflate itself. */
                if (inflateReset(&s->z) != Z_OK)
                    return fail(s, err, "", "gzip: reset failed");
                s->z_member_done = 0;
            }
            s->z.next_in = s->raw + s->raw_pos;
            s->z.avail_in = (uInt)(s->raw_len - s->raw_pos);
            s->z.next_out = s->out + s->out_len;
            s->z.avail_out = (uInt)room;
            int zr = inflate(&s->z, Z_NO_FLUSH);
            s->raw_pos = s->raw_len - s->z.avail_in;
            s->out_len = OUT_CAP - s->z.avail_out;
            if (zr == Z_STREAM_END) {
                s->z_member_done = 1;
            } else if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR) {
                return fail(s, err, "corrupt gzip data: ", s->z.msg ? s->z.msg : "bad data");
            } else if (zr == Z_MEM_ERROR) {
                return fail(s, err, "", "gzip: out of memory");
            }
            if (s->out_len > OUT_CAP - room)
                return 0;
            continue;
        }
        /* zstd */
        ZSTD_inBuffer in = {s->raw + s->raw_pos, s->raw_len - s->raw_pos, 0};
        ZSTD_outBuffer ob = {s->out + s->out_len, room, 0};
        size_t zr = ZSTD_decompressStream(s->zs, &ob, &in);
        s->raw_pos += in.pos;
        s->out_len += ob.pos;
        if (ZSTD_isError(zr))
            return fail(s, err, "corrupt zstd data: ", ZSTD_getErrorName(zr));
        s->zs_frame_done = (zr == 0);
        if (ob.pos > 0)
            return 0;
    }
    /* End of raw input: a compressed stream must have ended cleanly. */
    if (s->codec == DT__CODEC_GZIP && !s->z_member_done)
        return fail(s, err, "", "truncated gzip stream (unexpected end of compressed data)");
    if (s->codec == DT__CODEC_ZSTD && !s->zs_frame_done)
        return fail(s, err, "", "truncated zstd stream (unexpected end of compressed data)");
    return 0;
}

/* Make sure out[] holds at least want bytes, or all that is left. */
static int ensure_out(dt__stream *s, size_t want, dt_error *err)
{
    if (s->out_pos > 0 && s->out_len - s->out_pos < want) {
        memmove(s->out, s->out + s->out_pos, s->out_len - s->out_pos);
        s->out_len -= s->out_pos;
        s->out_pos = 0;
    }
    while (s->out_len - s->out_pos < want) {
        size_t before = s->out_len;
        if (decode_more(s, err) < 0)
            return DT_EIO;
        if (s->out_len == before && s->raw_eof && s->raw_pos == s->raw_len)
            break;
    }
    return 0;
}

int dt__stream_open(dt__stream **out, const char *path, const char *name, dt_error *err)
{
    *out = NULL;
    int use_stdin = (!path || !strcmp(path, "-"));
    if (!name)
        name = use_stdin ? "<stdin>" : path;
    int fd = 0;
    if (!use_stdin) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "cannot open: %s",
                                strerror(errno));
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            return dt_error_set(err, DT_EIO, name, 0, UINT64_MAX, "cannot read: is a directory");
        }
    }
    dt__stream *s = dt_calloc(1, sizeof *s);
    unsigned char *raw = dt_malloc(RAW_CAP);
    unsigned char *ob = dt_malloc(OUT_CAP);
    if (!s || !raw || !ob) {
        dt_free(s);
        dt_free(raw);
        dt_free(ob);
        if (!use_stdin)
            close(fd);
        return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "out of memory");
    }
    s->fd = fd;
    s->own_fd = !use_stdin;
    s->raw = raw;
    s->out = ob;
    size_t nl = strlen(name);
    if (nl >= sizeof s->name)
        nl = sizeof s->name - 1;
    memcpy(s->name, name, nl);
    s->name[nl] = '\0';

    /* Read until the 4 magic bytes are in (pipes may deliver less). */
    while (s->raw_len < 4 && !s->raw_eof) {
        if (fill_raw(s, err) < 0) {
            dt__stream_free(s);
            return DT_EIO;
        }
    }
    const unsigned char *m = s->raw;
    if (s->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        s->codec = DT__CODEC_GZIP;
        s->z.zalloc = z_alloc;
        s->z.zfree = z_free;
        /* 15 + 16: zlib window, gzip wrapper only. */
        if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
            dt__stream_free(s);
            return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "gzip: cannot initialise");
        }
        s->z_init = 1;
    } else if (s->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        s->codec = DT__CODEC_ZSTD;
        s->zs = ZSTD_createDStream();
        if (!s->zs) {
            dt__stream_free(s);
            return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "zstd: cannot initialise");
        }
        ZSTD_initDStream(s->zs);
    }
    *out = s;
    return DT_OK;
}

void dt__stream_free(dt__stream *s)
{
    if (!s)
        return;
    if (s->own_fd)
        close(s->fd);
    if (s->z_init)
        inflateEnd(&s->z);
    if (s->zs)
        ZSTD_freeDStream(s->zs);
    dt_free(s->raw);
    dt_free(s->out);
    dt_free(s);
}

int dt__stream_peek(dt__stream *s, const unsigned char **p, size_t *n, dt_error *err)
{
    /* Decoded bytes delivered before a failure still count: a truncated
     * stream's readable prefix is peeked like any other. */
    if (!s->failed && ensure_out(s, PEEK_MIN, err) < 0 && s->out_len == s->out_pos)
        return DT_EIO;
    *p = s->out + s->out_pos;
    *n = s->out_len - s->out_pos;
    return DT_OK;
}

long dt__stream_read(dt__stream *s, void *buf, size_t n, dt_error *err)
{
    if (n == 0)
        return 0;
    if (s->out_pos == s->out_len) {
        if (s->failed) {
            if (err)
                *err = s->fail_err;
            return DT_EIO;
        }
        s->out_pos = s->out_len = 0;
        if (ensure_out(s, 1, err) < 0 && s->out_len == 0)
            return DT_EIO;
        if (s->out_len == 0)
            return 0;
    }
    size_t k = s->out_len - s->out_pos;
    if (k > n)
        k = n;
    memcpy(buf, s->out + s->out_pos, k);
    s->out_pos += k;
    s->delivered += k;
    return (long)k;
}
