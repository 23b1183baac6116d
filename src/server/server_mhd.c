/* detente — server: the libmicrohttpd daemon.
 *
 * MHD owns the sockets, the worker threads (a thread pool, each thread
 * with its own epoll set), the connection limit and the idle timeout. The
 * URI log callback hands us the raw request target before MHD unescapes
 * it, and everything else is dt_server_handle(). */
#include "server_internal.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The dashboard is bundled (no CDN): nothing external may load. Inline
 * styles are allowed because chart libraries set style attributes. */
#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                    \
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "         \
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

typedef struct reqctx {
    size_t n;    /* bytes of the target (capped at DT_SERVER_MAX_URI + 1) */
    int started; /* the access handler has seen this request */
    int has_body;
    char target[];
} reqctx;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    size_t n = uri ? strlen(uri) : 0;
    /* Keep one byte more than the limit: enough for the parser to answer
     * 414, without copying a 30 kB target. */
    if (n > DT_SERVER_MAX_URI + 1)
        n = DT_SERVER_MAX_URI + 1;
    reqctx *x = dt_malloc(sizeof *x + n + 1);
    if (!x)
        return NULL;
    x->n = n;
    x->started = 0;
    x->has_body = 0;
    if (n)
        memcpy(x->target, uri, n);
    x->target[n] = '\0';
    return x;
}

static void on_done(void *cls, struct MHD_Connection *c, void **req_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    dt_free(*req_cls);
    *req_cls = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)url;
    (void)version;
    (void)upload_data;
    dt_server *s = cls;
    reqctx *x = *req_cls;
    if (!x)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    if (!x->started) {
        x->started = 1;
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *te =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        x->has_body = (cl && strcmp(cl, "0") != 0) || te != NULL;
        /* Without a body, answer in the second call: a response queued in
         * the first one makes MHD close the connection (it cannot know
         * there is no body to skip), which would cost keep-alive. With a
         * body, answer 413 now and let MHD close. */
        if (!x->has_body)
            return MHD_YES;
    } else if (*upload_data_size) {
        *upload_data_size = 0; /* not reached: a body is refused above */
        return MHD_YES;
    }
    int has_body = x->has_body;

    dt_server_response r;
    dt_server_handle(s, method, x->target, x->n, has_body, &r);
    struct MHD_Response *mr;
    if (r.fd >= 0) {
        mr = MHD_create_response_from_fd64(r.fd_size, r.fd);
        if (!mr)
            dt_server_response_free(&r);
        r.fd = -1; /* owned by the response now */
    } else if (r.body) {
        mr = MHD_create_response_from_buffer_with_free_callback(r.len, r.body, dt_free);
        if (!mr)
            dt_free(r.body);
        r.body = NULL;
    } else {
        mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!mr)
        return MHD_NO;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r.content_type ? r.content_type : "application/octet-stream");
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "Content-Security-Policy", CSP);
    MHD_add_response_header(mr, "X-Frame-Options", "DENY");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r.cache_control ? "public, max-age=31536000, immutable" : "no-cache");
    if (r.allow)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, r.allow);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* "PORT", "ADDR:PORT", "[V6ADDR]:PORT"; "localhost" is 127.0.0.1. */
static int parse_listen(const char *spec, struct sockaddr_storage *sa, int *v6, dt_error *err)
{
    char host[128] = "127.0.0.1";
    const char *port = spec;
    const char *colon = strrchr(spec, ':');
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
            goto bad;
        memcpy(host, spec + 1, (size_t)(rb - spec - 1));
        host[rb - spec - 1] = '\0';
        port = rb + 2;
    } else if (colon) {
        if ((size_t)(colon - spec) >= sizeof host)
            goto bad;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        port = colon + 1;
    }
    if (!strcmp(host, "localhost"))
        memcpy(host, "127.0.0.1", 10);
    unsigned long p = 0;
    size_t i = 0;
    for (; port[i] >= '0' && port[i] <= '9' && i < 6; i++)
        p = p * 10 + (unsigned long)(port[i] - '0');
    if (i == 0 || port[i] || p > 65535)
        goto bad;
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *v6 = 0;
        return DT_OK;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *v6 = 1;
        return DT_OK;
    }
bad:
    return dt_error_set(err, DT_EINVAL, NULL, 0, UINT64_MAX,
                        "bad listen address '%s' (want PORT, ADDR:PORT or [ADDR]:PORT with a "
                        "numeric address)",
                        spec);
}

int dt_server_start(dt_server *s, dt_error *err)
{
    if (s->mhd)
        return DT_OK;
    struct sockaddr_storage sa;
    int v6 = 0;
    int rc = parse_listen(s->listen, &sa, &v6, err);
    if (rc < 0)
        return rc;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO;
    if (v6)
        flags |= MHD_USE_IPv6;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)s->max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)s->timeout_s, NULL},
        /* Request line and headers must fit in 16 kB; more is MHD's own
         * 414/431. Targets over DT_SERVER_MAX_URI get our JSON 414. */
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(32 * 1024), NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
        {s->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)s->threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY,
                                            opts, MHD_OPTION_END);
    if (!d)
        return dt_error_set(err, DT_EIO, NULL, 0, UINT64_MAX,
                            "cannot listen on %s (address in use, or not allowed?)", s->listen);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    s->mhd = d;
    return DT_OK;
}

uint16_t dt_server_port(const dt_server *s)
{
    return s->mhd ? s->port : 0;
}

void dt_server_stop(dt_server *s)
{
    if (s && s->mhd) {
        MHD_stop_daemon(s->mhd);
        s->mhd = NULL;
    }
}
