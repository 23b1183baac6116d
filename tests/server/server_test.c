/* detente — HTTP API tests against a real `detente serve` process.
 *
 * Usage: server_test DETENTE STORE.db WORKDIR GROUP [SOURCE_DIR]
 *
 * Starts the server on 127.0.0.1 with port 0 (the kernel picks a free
 * port, which the server writes to --port-file), talks to it over raw
 * sockets (so that malformed requests reach it exactly as written), checks
 * answers against the store read directly with SQLite, and stops the
 * server with SIGTERM, which must give exit status 0. Every check prints
 * "ok" or "FAIL"; any FAIL makes the exit status 1.
 *
 * Groups: api (every endpoint, good and bad parameters, pagination),
 * http (methods, bodies, limits, malformed requests), static (web root,
 * traversal attempts, symlinks), load (concurrent clients, idle and slow
 * connections), analysis (series, stability, watches and reciprocity with
 * the demo's region and watch files from SOURCE_DIR/examples/korea: each
 * answer must equal, byte for byte, what the CLI command prints for the
 * same store and parameters; bad parameters; bad region and watch files
 * at start-up). */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures, checks;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
static unsigned short port;
static const char *store;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    checks++;
    printf("%s ", ok ? "ok  " : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (!ok)
        failures++;
}

static void die(const char *what)
{
    fprintf(stderr, "server_test: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* ---- a minimal HTTP/1.1 client ---- */

typedef struct resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t len;
} resp;

static void resp_free(resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Read until the peer closes or timeout_ms passes; returns bytes read. */
static char *read_all(int fd, size_t *n, int timeout_ms)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        die("malloc");
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        if (len + 4096 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                die("realloc");
        }
        ssize_t k = recv(fd, buf + len, cap - len - 1, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    *n = len;
    return buf;
}

static void parse_resp(resp *r, char *raw, size_t n)
{
    memset(r, 0, sizeof *r);
    char *sep = strstr(raw, "\r\n\r\n");
    if (!sep || strncmp(raw, "HTTP/1.", 7) != 0) {
        r->status = -1;
        r->head = raw;
        r->body = calloc(1, 1);
        return;
    }
    r->status = atoi(raw + 9);
    size_t hl = (size_t)(sep - raw);
    r->head = malloc(hl + 1);
    memcpy(r->head, raw, hl);
    r->head[hl] = '\0';
    r->len = n - hl - 4;
    r->body = malloc(r->len + 1);
    memcpy(r->body, sep + 4, r->len);
    r->body[r->len] = '\0';
    free(raw);
}

/* Send raw bytes as one request on a fresh connection (Connection: close
 * is the caller's business) and read the whole answer. */
static resp raw_request(const char *req, size_t n)
{
    resp r;
    int fd = connect_server();
    if (fd < 0) {
        memset(&r, 0, sizeof r);
        r.status = -2;
        return r;
    }
    send_all(fd, req, n);
    size_t len;
    char *raw = read_all(fd, &len, 5000);
    close(fd);
    parse_resp(&r, raw, len);
    return r;
}

static resp req(const char *method, const char *target)
{
    size_t n = strlen(target) + strlen(method) + 128;
    char *b = malloc(n);
    int k = snprintf(b, n, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", method,
                     target);
    resp r = raw_request(b, (size_t)k);
    free(b);
    return r;
}

static resp get(const char *target)
{
    return req("GET", target);
}

static const char *header(const resp *r, const char *name)
{
    static __thread char val[512];
    size_t nl = strlen(name);
    for (const char *p = r->head; p && (p = strstr(p, "\r\n")); p += 2) {
        if (!strncasecmp(p + 2, name, nl) && p[2 + nl] == ':') {
            const char *v = p + 3 + nl;
            while (*v == ' ')
                v++;
            size_t k = strcspn(v, "\r\n");
            if (k >= sizeof val)
                k = sizeof val - 1;
            memcpy(val, v, k);
            val[k] = '\0';
            return val;
        }
    }
    return NULL;
}

static json_t *body_json(const resp *r)
{
    return json_loadb(r->body, r->len, 0, NULL);
}

/* A 4xx/5xx with the JSON error shape and that status inside. */
static void expect_error(const char *target, const char *method, int status)
{
    resp r = req(method, target);
    json_t *j = body_json(&r);
    json_t *e = j ? json_object_get(j, "error") : NULL;
    int ok = r.status == status && e &&
             json_integer_value(json_object_get(e, "status")) == status &&
             json_is_string(json_object_get(e, "message"));
    const char *ct = header(&r, "Content-Type");
    ok = ok && ct && !strncmp(ct, "application/json", 16);
    check(ok, "%s %.80s -> %d JSON error (got %d: %.120s)", method, target, status, r.status,
          r.body ? r.body : "");
    json_decref(j);
    resp_free(&r);
}

static json_t *get_json(const char *target, int *status)
{
    resp r = get(target);
    *status = r.status;
    json_t *j = body_json(&r);
    if (!j)
        printf("     (not JSON: %.200s)\n", r.body ? r.body : "");
    resp_free(&r);
    return j;
}

/* ---- the store, read directly ---- */

static long long sql_count(const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "server_test: cannot open %s\n", store);
        exit(2);
    }
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "server_test: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- the server process ---- */

static pid_t server_pid;

static void start_server_args(const char *detente, const char *workdir, const char *const *extra);

static void start_server(const char *detente, const char *workdir, const char *extra1,
                         const char *extra2)
{
    const char *extra[3] = {extra1, extra2, NULL};
    start_server_args(detente, workdir, extra1 ? extra : NULL);
}

/* Start the server with extra arguments (a NULL-terminated list, or NULL). */
static void start_server_args(const char *detente, const char *workdir, const char *const *extra)
{
    char pf[4096];
    snprintf(pf, sizeof pf, "%s/port", workdir);
    unlink(pf);
    server_pid = fork();
    if (server_pid < 0)
        die("fork");
    if (server_pid == 0) {
        const char *argv[32] = {
            detente,       "serve", "--db",      store, "--listen",          "127.0.0.1:0",
            "--port-file", pf,      "--timeout", "2",   "--max-connections", "64",
            "--threads",   "2",     NULL,        NULL};
        int k = 14;
        for (size_t i = 0; extra && extra[i] && k < 31; i++)
            argv[k++] = extra[i];
        execv(detente, (char **)argv);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* 10 s */
        FILE *f = fopen(pf, "r");
        if (f) {
            unsigned p = 0;
            if (fscanf(f, "%u", &p) == 1 && p > 0 && p < 65536)
                port = (unsigned short)p;
            fclose(f);
            if (port)
                return;
        }
        int st;
        if (waitpid(server_pid, &st, WNOHANG) == server_pid) {
            fprintf(stderr, "server_test: the server exited at start (status %d)\n", st);
            exit(1);
        }
        sleep_ms(50);
    }
    fprintf(stderr, "server_test: the server did not start\n");
    kill(server_pid, SIGKILL);
    exit(1);
}

static void stop_server(void)
{
    kill(server_pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 200; i++) {
        if (waitpid(server_pid, &st, WNOHANG) == server_pid) {
            check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "server stops on SIGTERM with status 0 (status %d)", st);
            return;
        }
        sleep_ms(50);
    }
    kill(server_pid, SIGKILL);
    waitpid(server_pid, &st, 0);
    check(0, "server stops on SIGTERM within 10 s");
}

/* ---- groups ---- */

static void walk_events(const char *filter, int limit, long long expect, const char *what)
{
    char target[1024], cursor[64] = "";
    long long n = 0, last = 0, pages = 0;
    int monotonic = 1, ok_status = 1;
    for (;;) {
        snprintf(target, sizeof target, "/api/events?limit=%d%s%s%s", limit, filter,
                 cursor[0] ? "&cursor=" : "", cursor);
        int st;
        json_t *j = get_json(target, &st);
        json_t *ev = j ? json_object_get(j, "events") : NULL;
        if (st != 200 || !json_is_array(ev)) {
            ok_status = 0;
            json_decref(j);
            break;
        }
        pages++;
        size_t i;
        json_t *e;
        json_array_foreach(ev, i, e)
        {
            long long id = json_integer_value(json_object_get(e, "id"));
            if (id <= last)
                monotonic = 0;
            last = id;
            n++;
        }
        if (json_array_size(ev) > (size_t)limit)
            ok_status = 0;
        json_t *nc = json_object_get(j, "next_cursor");
        if (!json_is_string(nc)) {
            json_decref(j);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", json_string_value(nc));
        json_decref(j);
        if (pages > 100000)
            break;
    }
    check(ok_status && monotonic && n == expect,
          "pagination %s (limit %d): %lld events in %lld pages, ids increasing; store has %lld",
          what, limit, n, pages, expect);
}

static void group_api(void)
{
    int st;
    long long nev = sql_count("SELECT count(*) FROM events");
    long long ndoc = sql_count("SELECT count(*) FROM documents");
    check(nev > 50, "the test store has events (%lld)", nev);

    json_t *h = get_json("/api/health", &st);
    check(st == 200 && h && !strcmp(json_string_value(json_object_get(h, "status")), "ok") &&
              json_integer_value(json_object_get(h, "events")) == nev &&
              json_integer_value(json_object_get(h, "documents")) == ndoc &&
              json_is_string(json_object_get(h, "from")) &&
              json_is_string(json_object_get(h, "to")),
          "/api/health counts %lld events and %lld documents", nev, ndoc);
    json_decref(h);

    walk_events("", 1000, nev, "all");
    walk_events("", 7, nev, "all");
    long long nusa = sql_count("SELECT count(*) FROM events WHERE substr(source, 1, 3) = 'USA'");
    walk_events("&source=USA", 5, nusa, "source=USA");
    long long nq4 = sql_count("SELECT count(*) FROM events WHERE quad = 4");
    walk_events("&quad=4", 3, nq4, "quad=4");
    long long nrange = sql_count("SELECT count(*) FROM events WHERE date >= '2019-06-01' AND "
                                 "date <= '2019-06-30'");
    walk_events("&from=2019-06-01&to=2019-06-30", 4, nrange, "June 2019");
    long long n04 = sql_count("SELECT count(*) FROM events WHERE code LIKE '04%'");
    walk_events("&code=04", 9, n04, "code=04");
    long long nexact = sql_count("SELECT count(*) FROM events WHERE target = 'PRKGOV'");
    walk_events("&target=%3DPRKGOV", 9, nexact, "target==PRKGOV");
    long long ntext = sql_count("SELECT count(*) FROM events e JOIN sentences s ON s.document = "
                                "e.document AND s.idx = e.sentence WHERE s.text LIKE "
                                "'%pyongyang%'");
    walk_events("&q=PyongYang", 9, ntext, "q=PyongYang");
    long long ndedup = sql_count("SELECT count(*) FROM events_daily");
    walk_events("&dedup=1", 50, ndedup, "dedup=1");

    /* One event in full against its row. */
    json_t *j = get_json("/api/events?limit=1&q=Pyongyang", &st);
    json_t *e = j ? json_array_get(json_object_get(j, "events"), 0) : NULL;
    int ok = st == 200 && e;
    if (ok) {
        const char *text = json_string_value(json_object_get(e, "text"));
        json_t *sp = json_object_get(json_object_get(e, "spans"), "verb");
        ok =
            text && json_is_array(sp) &&
            json_integer_value(json_array_get(sp, 0)) + json_integer_value(json_array_get(sp, 1)) <=
                (json_int_t)strlen(text) &&
            json_is_string(json_object_get(e, "code")) &&
            json_is_string(json_object_get(e, "date")) &&
            json_is_number(json_object_get(e, "goldstein")) &&
            json_is_string(json_object_get(e, "plover")) &&
            json_is_string(json_object_get(e, "doc_id"));
    }
    check(ok, "an event has text, spans inside it, code, date, goldstein, plover, doc_id");
    json_decref(j);

    /* Actors and dyads against GROUP BY on the store. */
    j = get_json("/api/actors?limit=5", &st);
    json_t *a0 = j ? json_array_get(json_object_get(j, "actors"), 0) : NULL;
    ok = st == 200 && a0 && json_array_size(json_object_get(j, "actors")) <= 5;
    if (ok) {
        char sql[256];
        const char *code = json_string_value(json_object_get(a0, "code"));
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM events WHERE source = '%s') + "
                 "(SELECT count(*) FROM events WHERE target = '%s')",
                 code, code);
        ok = json_integer_value(json_object_get(a0, "events")) == sql_count(sql) &&
             json_integer_value(json_object_get(a0, "events")) ==
                 sql_count("SELECT max(n) FROM (SELECT code, count(*) AS n FROM (SELECT source "
                           "AS code FROM events UNION ALL SELECT target FROM events WHERE "
                           "target NOT IN ('', '---')) GROUP BY code)");
    }
    check(ok, "/api/actors: the top actor's count equals the store's");
    json_decref(j);

    j = get_json("/api/dyads?limit=3&actor=PRK", &st);
    json_t *d0 = j ? json_array_get(json_object_get(j, "dyads"), 0) : NULL;
    ok = st == 200 && d0;
    if (ok) {
        char sql[256];
        const char *s = json_string_value(json_object_get(d0, "source"));
        const char *t = json_string_value(json_object_get(d0, "target"));
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM events WHERE source = '%s' AND target = '%s'", s, t);
        json_t *q = json_object_get(d0, "quad");
        long long qs = 0;
        for (size_t i = 0; i < 4; i++)
            qs += json_integer_value(json_array_get(q, i));
        ok = json_integer_value(json_object_get(d0, "events")) == sql_count(sql) &&
             (!strncmp(s, "PRK", 3) || !strncmp(t, "PRK", 3)) && qs <= sql_count(sql);
    }
    check(ok, "/api/dyads?actor=PRK: the top dyad involves PRK and its count is the store's");
    json_decref(j);

    /* Bad parameters. */
    static const char *const bad[] = {
        "/api/events?from=2019-02-30",
        "/api/events?from=20190601",
        "/api/events?from=2019-07-01&to=2019-06-01",
        "/api/events?limit=0",
        "/api/events?limit=1001",
        "/api/events?limit=-1",
        "/api/events?limit=1e3",
        "/api/events?quad=5",
        "/api/events?source=usa",
        "/api/events?source=USA,,PRK",
        "/api/events?source=:MILITARY",
        "/api/events?code=4x",
        "/api/events?code=12345",
        "/api/events?cursor=zzz",
        "/api/events?cursor=c",
        "/api/events?cursor=cffffffffffffffffff",
        "/api/events?dedup=maybe",
        "/api/events?q=",
        "/api/events?limit=1&limit=2",
        "/api/events?soruce=USA",
        "/api/health?x=1",
        "/api/actors?limit=501",
        "/api/actors?actor=PRK",
        "/api/dyads?limit=abc",
        "/api/dyads?actor=%25",
        "/api/events?source=%ZZ",
        "/api/events?source=%",
        "/api/events?source=A%00B",
        "/api/events?=1",
        "/api/events?source=USA%27--",
        "/api/events?limit=1000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], "GET", 400);
    expect_error("/api/nothing", "GET", 404);
    expect_error("/api/", "GET", 404);
    expect_error("/api", "GET", 404);
    expect_error("/api/events/1", "GET", 404);

    /* Text is bound, never spliced into SQL. */
    json_t *inj = get_json("/api/events?q=%27%3B%20DROP%20TABLE%20events%3B--", &st);
    check(st == 200 && inj && json_array_size(json_object_get(inj, "events")) == 0 &&
              sql_count("SELECT count(*) FROM events") == nev,
          "an SQL-looking q is just text; the store is intact");
    json_decref(inj);

    /* The cache must not mix up requests that differ only in encoding. */
    json_t *x1 = get_json("/api/events?limit=2&source=USA", &st);
    json_t *x2 = get_json("/api/events?source=USA&limit=2", &st);
    json_t *x3 = get_json("/api/events?limit=2&source=PRK", &st);
    check(x1 && x2 && x3 && json_equal(x1, x2) && !json_equal(x1, x3),
          "parameter order does not matter; different values give different answers");
    json_decref(x1);
    json_decref(x2);
    json_decref(x3);
}

static void group_http(void)
{
    expect_error("/api/health", "POST", 405);
    expect_error("/api/health", "DELETE", 405);
    expect_error("/api/health", "PUT", 405);
    resp r = req("OPTIONS", "/api/health");
    const char *allow = header(&r, "Allow");
    check(r.status == 405 && allow && strstr(allow, "GET"), "405 carries Allow: GET (got %s)",
          allow ? allow : "none");
    resp_free(&r);

    r = req("HEAD", "/api/health");
    check(r.status == 200 && r.len == 0, "HEAD gives 200 and no body");
    resp_free(&r);

    r = get("/api/health");
    const char *h = header(&r, "Content-Security-Policy");
    char *csp = h ? strdup(h) : NULL; /* header() reuses its buffer */
    const char *nosniff = header(&r, "X-Content-Type-Options");
    check(csp && strstr(csp, "default-src 'self'") && !strstr(csp, "http") && !strstr(csp, "*") &&
              nosniff && !strcmp(nosniff, "nosniff"),
          "security headers: CSP with no external source, nosniff");
    free(csp);
    resp_free(&r);

    const char body[] = "POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        "Connection: close\r\n\r\nhello";
    r = raw_request(body, sizeof body - 1);
    check(r.status == 405, "POST with a body -> 405 (got %d)", r.status);
    resp_free(&r);
    const char gbody[] = "GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                         "Connection: close\r\n\r\nhello";
    r = raw_request(gbody, sizeof gbody - 1);
    check(r.status == 413, "GET with a body -> 413 (got %d)", r.status);
    resp_free(&r);
    const char chunked[] = "GET /api/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                           "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    r = raw_request(chunked, sizeof chunked - 1);
    check(r.status == 413, "GET with a chunked body -> 413 (got %d)", r.status);
    resp_free(&r);

    /* Long targets: ours up to the connection memory, MHD's beyond. */
    char *t = malloc(40000);
    memcpy(t, "/api/events?q=", 14);
    memset(t + 14, 'a', 5000);
    t[5014] = '\0';
    expect_error(t, "GET", 414);
    memset(t + 14, 'a', 39000);
    t[39014] = '\0';
    r = get(t);
    check(r.status == 414 || r.status == 431 || r.status == 400,
          "a 39 kB target is refused by the HTTP layer (got %d)", r.status);
    resp_free(&r);
    free(t);

    /* Too many parameters. */
    char many[2048] = "/api/events?";
    for (int i = 0; i < 30; i++) {
        char p[32];
        snprintf(p, sizeof p, "%sp%d=1", i ? "&" : "", i);
        strcat(many, p);
    }
    expect_error(many, "GET", 400);

    /* Malformed request lines must not crash anything. */
    static const char *const junk[] = {
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET /api/health HTTP/9.9\r\n\r\n",
        "GET http://evil.example/api/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        r = raw_request(junk[i], strlen(junk[i]));
        check(r.status != 200 && r.status != 500, "junk request %zu refused (status %d)", i,
              r.status);
        resp_free(&r);
    }
    r = get("/api/health");
    check(r.status == 200, "the server still answers after junk");
    resp_free(&r);

    /* Keep-alive: two requests on one connection. */
    int fd = connect_server();
    const char two[] = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/actors?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(fd, two, sizeof two - 1);
    size_t n;
    char *raw = read_all(fd, &n, 5000);
    close(fd);
    int k = 0;
    for (char *p = raw; (p = strstr(p, "HTTP/1.1 200")); p++)
        k++;
    check(k == 2, "two pipelined requests on one connection both answered (%d)", k);
    free(raw);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        die(path);
}

/* With an empty web root nothing outside /api/ exists. */
static void group_no_root(void)
{
    expect_error("/", "GET", 404);
    expect_error("/index.html", "GET", 404);
}

static void group_static_root(void)
{
    resp r = get("/");
    const char *ct = header(&r, "Content-Type");
    check(r.status == 200 && strstr(r.body, "dashboard-index") && ct &&
              !strncmp(ct, "text/html", 9),
          "/ serves index.html as text/html (got %d)", r.status);
    resp_free(&r);
    r = get("/assets/app.js");
    ct = header(&r, "Content-Type");
    check(r.status == 200 && ct && !strncmp(ct, "text/javascript", 15) && strstr(r.body, "console"),
          "/assets/app.js served as text/javascript");
    resp_free(&r);
    r = get("/style.css?v=3");
    ct = header(&r, "Content-Type");
    check(r.status == 200 && ct && !strncmp(ct, "text/css", 8),
          "a query string on a file is ignored");
    resp_free(&r);
    r = get("/assets/");
    check(r.status == 404, "a directory without index.html is 404 (got %d)", r.status);
    resp_free(&r);

    static const struct {
        const char *target;
        int status;
    } T[] = {
        {"/../secret.txt", 400},
        {"/assets/../../secret.txt", 400},
        {"/%2e%2e/secret.txt", 400},
        {"/%2E%2E%2Fsecret.txt", 400},
        {"/assets%2f..%2f..%2fsecret.txt", 400},
        {"/..%5csecret.txt", 400},
        {"/assets/./app.js", 400},
        {"//etc/passwd", 400},
        {"/index.html%00.js", 400},
        {"/escape", 404},
        {"/escape/passwd", 404},
        {"/link-out.txt", 404},
        {"/.hidden", 404},
        {"/nothing.html", 404},
        {"/%ff%fe", 404},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        resp x = get(T[i].target);
        int leaked = x.body && strstr(x.body, "TOP-SECRET") != NULL;
        check(x.status == T[i].status && !leaked, "%s -> %d (got %d%s)", T[i].target, T[i].status,
              x.status, leaked ? ", LEAKED" : "");
        resp_free(&x);
    }
    r = get("/link-in.js");
    check(r.status == 200, "a symlink inside the root is served (got %d)", r.status);
    resp_free(&r);
}

typedef struct worker {
    int n, ok;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    static const char *const t[] = {"/api/health", "/api/events?limit=50", "/api/actors",
                                    "/api/dyads?actor=USA", "/api/events?limit=3&q=missile"};
    for (int i = 0; i < w->n; i++) {
        resp r = get(t[i % 5]);
        json_t *j = body_json(&r);
        if (r.status == 200 && j)
            w->ok++;
        json_decref(j);
        resp_free(&r);
    }
    return NULL;
}

static void group_load(void)
{
    enum { NT = 16, PER = 40 };
    pthread_t th[NT];
    worker w[NT];
    for (int i = 0; i < NT; i++) {
        w[i] = (worker){PER, 0};
        pthread_create(&th[i], NULL, hammer, &w[i]);
    }
    int ok = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        ok += w[i].ok;
    }
    check(ok == NT * PER, "%d concurrent clients x %d requests: %d good answers", NT, PER, ok);

    /* Slowloris: connections that send half a request and stall are cut
     * by the idle timeout (2 s here) and do not block others meanwhile. */
    int slow[8];
    for (int i = 0; i < 8; i++) {
        slow[i] = connect_server();
        send_all(slow[i], "GET /api/health HTTP/1.1\r\nHost: x\r\n", 36);
    }
    resp r = get("/api/health");
    check(r.status == 200, "answers while 8 connections stall mid-headers");
    resp_free(&r);
    int closed = 0;
    for (int i = 0; i < 8; i++) {
        size_t n;
        char *raw = read_all(slow[i], &n, 6000); /* returns when the server closes */
        closed += n == 0 || strncmp(raw, "HTTP/1.1 200", 12) != 0;
        free(raw);
        close(slow[i]);
    }
    check(closed == 8, "stalled connections are closed by the idle timeout (%d of 8)", closed);

    /* More connections than the limit (64): the extra ones are refused or
     * closed, and the server recovers when they go. */
    int many[100], open_n = 0;
    for (int i = 0; i < 100; i++) {
        many[i] = connect_server();
        if (many[i] >= 0)
            open_n++;
    }
    sleep_ms(200);
    for (int i = 0; i < 100; i++)
        if (many[i] >= 0)
            close(many[i]);
    sleep_ms(200);
    r = get("/api/health");
    check(r.status == 200, "answers after 100 idle connections (%d opened) went away", open_n);
    resp_free(&r);
}

/* ---- analysis: the API against the CLI ---- */

static const char *g_detente, *g_workdir, *g_src;

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        die("malloc");
    if (f) {
        size_t k;
        while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
            len += k;
            if (cap - len < 4096) {
                cap *= 2;
                buf = realloc(buf, cap);
                if (!buf)
                    die("realloc");
            }
        }
        fclose(f);
    }
    buf[len] = '\0';
    *n = len;
    return buf;
}

/* Run detente with argv (NULL-terminated, without the program), stdout and
 * stderr to files; returns the exit status (or -1: killed after 60 s). */
static int run_detente(const char *const *args, char **out, size_t *outn, char **err)
{
    char po[4096], pe[4096];
    snprintf(po, sizeof po, "%s/cli.out", g_workdir);
    snprintf(pe, sizeof pe, "%s/cli.err", g_workdir);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        const char *argv[64];
        int k = 0;
        argv[k++] = g_detente;
        for (size_t i = 0; args[i] && k < 63; i++)
            argv[k++] = args[i];
        argv[k] = NULL;
        int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0)
            _exit(126);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(g_detente, (char **)argv);
        _exit(127);
    }
    int st = 0, done = 0;
    for (int i = 0; i < 1200 && !done; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            done = 1;
        else
            sleep_ms(50);
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    size_t n;
    if (out)
        *out = slurp(po, outn);
    if (err)
        *err = slurp(pe, &n);
    return done && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* GET target must answer 200 with exactly what `detente CLI...` prints. */
static void same_as_cli(const char *target, const char *const *cli)
{
    resp r = get(target);
    char *out = NULL, *err = NULL;
    size_t n = 0;
    int rc = run_detente(cli, &out, &n, &err);
    json_t *j = body_json(&r);
    int same = r.status == 200 && rc == 0 && n > 2 && r.len == n && !memcmp(r.body, out, n);
    check(same && j,
          "GET %s == detente %s %s ... (HTTP %d, %zu bytes; CLI exit %d, %zu bytes%s%.200s)",
          target, cli[0], cli[1], r.status, r.len, rc, n, err[0] ? ": " : "", err);
    if (!same && r.status != 200)
        printf("     (answer: %.300s)\n", r.body ? r.body : "");
    json_decref(j);
    free(out);
    free(err);
    resp_free(&r);
}

/* The same query twice, parameters in another order: one cached answer. */
static void same_answer(const char *a, const char *b)
{
    resp x = get(a), y = get(b);
    check(x.status == 200 && y.status == 200 && x.len == y.len && x.len > 0 &&
              !memcmp(x.body, y.body, x.len),
          "GET %s and %s give the same answer", a, b);
    resp_free(&x);
    resp_free(&y);
}

static void concurrent_analysis(void);

static void group_analysis(void)
{
    char region[4096], watches[4096];
    snprintf(region, sizeof region, "%s/examples/korea/region.txt", g_src);
    snprintf(watches, sizeof watches, "%s/examples/korea/watches.txt", g_src);
    const char *S = store;

    /* series */
    same_as_cli("/api/series",
                (const char *const[]){"series", "--db", S, "--format", "json", NULL});
    same_as_cli("/api/series?source=USA&target=PRK",
                (const char *const[]){"series", "--db", S, "--source", "USA", "--target", "PRK",
                                      "--format", "json", NULL});
    same_as_cli("/api/series?source=%3DUSAGOV,CHN&target=PRK&undirected=true&period=quarter"
                "&from=2018-01-01&to=2019-12-31&code=04,05,06&dedup",
                (const char *const[]){"series",      "--db",       S,        "--source",
                                      "=USAGOV,CHN", "--target",   "PRK",    "--undirected",
                                      "--period",    "quarter",    "--from", "2018-01-01",
                                      "--to",        "2019-12-31", "--code", "04,05,06",
                                      "--dedup",     "--format",   "json",   NULL});
    same_as_cli("/api/series?quad=4&period=week&source=PRK",
                (const char *const[]){"series", "--db", S, "--source", "PRK", "--quad", "4",
                                      "--period", "week", "--format", "json", NULL});
    same_as_cli("/api/series?source=ZZZ", (const char *const[]){"series", "--db", S, "--source",
                                                                "ZZZ", "--format", "json", NULL});
    same_answer("/api/series?source=USA&target=PRK&period=year",
                "/api/series?period=year&target=PRK&source=USA");

    /* stability */
    same_as_cli("/api/stability", (const char *const[]){"stability", "--db", S, "--region", region,
                                                        "--format", "json", NULL});
    same_as_cli("/api/stability?region=korea&period=week&from=2018-01-01&to=2019-06-30",
                (const char *const[]){"stability", "--db", S, "--region", region, "--period",
                                      "week", "--from", "2018-01-01", "--to", "2019-06-30",
                                      "--format", "json", NULL});
    same_as_cli("/api/stability?period=quarter",
                (const char *const[]){"stability", "--db", S, "--region", region, "--period",
                                      "quarter", "--format", "json", NULL});

    /* watches */
    same_as_cli("/api/watches?max_breaches=10000",
                (const char *const[]){"watch", watches, "--db", S, "--format", "json", NULL});
    same_as_cli("/api/watches", (const char *const[]){"watch", watches, "--db", S, "--format",
                                                      "json", "--max-breaches", "100", NULL});
    same_as_cli("/api/watches?period=week&rule=armed-clash,summit-track&from=2018-01-01"
                "&to=2019-12-31&max_breaches=3",
                (const char *const[]){"watch", watches, "--db", S, "--period", "week", "--rule",
                                      "armed-clash", "--rule", "summit-track", "--from",
                                      "2018-01-01", "--to", "2019-12-31", "--max-breaches", "3",
                                      "--format", "json", NULL});

    /* reciprocity */
    same_as_cli("/api/reciprocity?dyads=USA-PRK,PRK-USA",
                (const char *const[]){"reciprocity", "--db", S, "--dyads", "USA-PRK,PRK-USA",
                                      "--format", "json", NULL});
    same_as_cli("/api/reciprocity?dyads=USA-PRK,PRK-USA,CHN-PRK&lags=1&criterion=aic&measure=net"
                "&horizon=6&reps=50&level=0.9&seed=7&max_lags=3",
                (const char *const[]){"reciprocity",
                                      "--db",
                                      S,
                                      "--dyads",
                                      "USA-PRK,PRK-USA,CHN-PRK",
                                      "--lags",
                                      "1",
                                      "--criterion",
                                      "aic",
                                      "--measure",
                                      "net",
                                      "--horizon",
                                      "6",
                                      "--reps",
                                      "50",
                                      "--level",
                                      "0.9",
                                      "--seed",
                                      "7",
                                      "--max-lags",
                                      "3",
                                      "--format",
                                      "json",
                                      NULL});

    /* bad parameters: 400 with a JSON error */
    static const char *const bad[] = {
        "/api/series?period=decade",
        "/api/series?source=",
        "/api/series?source=US%25A",
        "/api/series?undirected=maybe",
        "/api/series?soruce=USA",
        "/api/series?from=2019-02-30",
        "/api/series?from=2020-01-01&to=2019-01-01",
        "/api/series?period=day&from=1900-01-01&to=2099-12-31",
        "/api/series?quad=5",
        "/api/series?code=4x",
        "/api/stability?region=nope",
        "/api/stability?period=fortnight",
        "/api/stability?source=USA",
        "/api/watches?rule=no-such-rule",
        "/api/watches?rule=",
        "/api/watches?rule=a,,b",
        "/api/watches?max_breaches=0",
        "/api/watches?max_breaches=10001",
        "/api/watches?period=",
        "/api/reciprocity",
        "/api/reciprocity?dyads=USA-PRK",
        "/api/reciprocity?dyads=USA-PRK,USA-PRK",
        "/api/reciprocity?dyads=USAPRK,PRK-USA",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&lags=0",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&lags=33",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&level=1",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&level=nan",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&level=0.9x",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&reps=2001",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&horizon=61",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&criterion=best",
        "/api/reciprocity?dyads=USA-PRK,PRK-USA&measure=mood",
        "/api/reciprocity?dyads=ZZA-ZZB,ZZB-ZZA",
        ("/api/reciprocity?dyads=A1-B,A2-B,A3-B,A4-B,A5-B,A6-B,A7-B,A8-B,A9-B,B1-A,B2-A,B3-A,"
         "B4-A,B5-A,B6-A,B7-A,B8-A"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], "GET", 400);
    expect_error("/api/series", "POST", 405);
    concurrent_analysis();
    resp h = req("HEAD", "/api/stability");
    check(h.status == 200 && h.len == 0, "HEAD /api/stability -> 200 without a body (got %d)",
          h.status);
    resp_free(&h);
}

/* Many clients at once on the analysis endpoints, each with its own
 * parameters (cache misses: every request reads the store and shares the
 * server's region and watch rules with the others), and all on one query
 * (single flight). Under ThreadSanitizer this is the race check. */
typedef struct aworker {
    int id, n, ok;
    const char *same; /* the shared query's expected answer */
    size_t same_len;
} aworker;

static void *hammer_analysis(void *arg)
{
    aworker *w = arg;
    for (int i = 0; i < w->n; i++) {
        char t[256];
        int month = 1 + (w->id * 7 + i) % 12;
        switch (i % 5) {
        case 0:
            snprintf(t, sizeof t, "/api/series?source=USA&from=2018-%02d-01&period=week", month);
            break;
        case 1:
            snprintf(t, sizeof t, "/api/stability?from=2017-%02d-01&period=week", month);
            break;
        case 2:
            snprintf(t, sizeof t, "/api/watches?from=2018-%02d-01&max_breaches=%d", month,
                     1 + w->id);
            break;
        case 3:
            snprintf(t, sizeof t, "/api/reciprocity?dyads=USA-PRK,PRK-USA&reps=20&seed=%d",
                     w->id * 100 + i);
            break;
        default:
            snprintf(t, sizeof t, "/api/stability?period=quarter");
            break;
        }
        resp r = get(t);
        json_t *j = body_json(&r);
        int good = r.status == 200 && j;
        if (i % 5 == 4)
            good = good && r.len == w->same_len && !memcmp(r.body, w->same, r.len);
        w->ok += good;
        if (!good)
            printf("     (%s: HTTP %d %.200s)\n", t, r.status, r.body ? r.body : "");
        json_decref(j);
        resp_free(&r);
    }
    return NULL;
}

static void concurrent_analysis(void)
{
    enum { NT = 8, PER = 10 };
    resp same = get("/api/stability?period=quarter");
    pthread_t th[NT];
    aworker w[NT];
    for (int i = 0; i < NT; i++) {
        w[i] = (aworker){i, PER, 0, same.body, same.len};
        pthread_create(&th[i], NULL, hammer_analysis, &w[i]);
    }
    int ok = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        ok += w[i].ok;
    }
    check(same.status == 200 && ok == NT * PER,
          "%d concurrent clients x %d analysis requests: %d good answers", NT, PER, ok);
    resp_free(&same);
}

/* A server without --region and --watch: no region (404), no rules. */
static void group_analysis_bare(void)
{
    expect_error("/api/stability", "GET", 404);
    int st;
    json_t *j = get_json("/api/watches?period=quarter", &st);
    json_t *rules = j ? json_object_get(j, "rules") : NULL;
    check(st == 200 && json_is_array(rules) && json_array_size(rules) == 0 &&
              !strcmp(json_string_value(json_object_get(j, "period")), "quarter"),
          "/api/watches without --watch: no rules");
    json_decref(j);
    expect_error("/api/watches?rule=double-freeze", "GET", 400);
}

/* `detente serve` with a bad region or watch file: exit 1 before
 * listening, each error as FILE:LINE: reason. */
static void bad_start(const char *what, const char *const *files, const char *want1,
                      const char *want2)
{
    const char *args[24] = {"serve", "--db", store, "--listen", "127.0.0.1:0"};
    size_t k = 5;
    for (size_t i = 0; files[i] && k < 23; i++)
        args[k++] = files[i];
    args[k] = NULL;
    char *err = NULL;
    int rc = run_detente(args, NULL, NULL, &err);
    check(rc == 1 && strstr(err, want1) && (!want2 || strstr(err, want2)),
          "serve with %s: exit 1 and '%s'%s%s (exit %d: %.300s)", what, want1, want2 ? " and " : "",
          want2 ? want2 : "", rc, err);
    free(err);
}

static void group_startup(void)
{
    char p[8][4096];
    const char *dir = g_workdir;
    snprintf(p[0], sizeof p[0], "%s/one-actor.region", dir);
    write_file(p[0], "# a region needs two actors\nregion solo\nactors PRK\n");
    snprintf(p[1], sizeof p[1], "%s/bad-weight.region", dir);
    write_file(p[1], "region r\nactors PRK USA\n\nweight USA-PRK lots\n");
    snprintf(p[2], sizeof p[2], "%s/korea2.region", dir);
    write_file(p[2], "# the same name again\n\nregion korea\nactors PRK KOR\n");
    snprintf(p[3], sizeof p[3], "%s/bad.watch", dir);
    write_file(p[3], "rule a\n  broken by\n    source PRK\n    colour red\nend\n"
                     "rule b\n  broken by\n    code 1x9\nend\n");
    snprintf(p[4], sizeof p[4], "%s/good.watch", dir);
    write_file(p[4], "rule tests\n  broken by\n    source PRK\n    code 15\nend\n");
    snprintf(p[5], sizeof p[5], "%s/again.watch", dir);
    write_file(p[5], "# the same rule name as good.watch\n\nrule tests\n  broken by\n"
                     "    code 19\nend\n");
    snprintf(p[6], sizeof p[6], "%s/examples/korea/region.txt", g_src);
    snprintf(p[7], sizeof p[7], "%s/no-such-file.txt", dir);

    char want[4300], want2[4300];
    snprintf(want, sizeof want, "%s:3:", p[0]);
    bad_start("a region of one actor", (const char *const[]){"--region", p[0], NULL}, want, NULL);
    snprintf(want, sizeof want, "%s:4:", p[1]);
    bad_start("a bad weight", (const char *const[]){"--region", p[1], NULL}, want, NULL);
    snprintf(want, sizeof want, "%s:3: region 'korea' is already defined", p[2]);
    bad_start("two regions of one name",
              (const char *const[]){"--region", p[6], "--region", p[2], NULL}, want, NULL);
    snprintf(want, sizeof want, "%s:4:", p[3]);
    snprintf(want2, sizeof want2, "%s:8:", p[3]);
    bad_start("a watch file with two errors", (const char *const[]){"--watch", p[3], NULL}, want,
              want2);
    snprintf(want, sizeof want, "%s:3:", p[5]);
    bad_start("two watch files with one rule name",
              (const char *const[]){"--watch", p[4], "--watch", p[5], NULL}, want, NULL);
    snprintf(want, sizeof want, "%s", p[7]);
    bad_start("a missing region file", (const char *const[]){"--region", p[7], NULL}, want, NULL);
    bad_start("a missing watch file", (const char *const[]){"--watch", p[7], NULL}, want, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: server_test DETENTE STORE.db WORKDIR GROUP [SOURCE_DIR]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *detente = argv[1], *workdir = argv[3], *group = argv[4];
    store = argv[2];
    g_detente = detente;
    g_workdir = workdir;
    g_src = argc == 6 ? argv[5] : ".";
    mkdir(workdir, 0755);
    if (!strcmp(group, "static")) {
        char p[4096], q[4096];
        snprintf(p, sizeof p, "%s/www", workdir);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/www/assets", workdir);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/www/index.html", workdir);
        write_file(p, "<!doctype html><title>dashboard-index</title>\n");
        snprintf(p, sizeof p, "%s/www/assets/app.js", workdir);
        write_file(p, "console.log('app');\n");
        snprintf(p, sizeof p, "%s/www/style.css", workdir);
        write_file(p, "body{}\n");
        snprintf(p, sizeof p, "%s/www/.hidden", workdir);
        write_file(p, "TOP-SECRET hidden\n");
        snprintf(p, sizeof p, "%s/secret.txt", workdir);
        write_file(p, "TOP-SECRET outside the root\n");
        snprintf(p, sizeof p, "%s/www/link-out.txt", workdir);
        snprintf(q, sizeof q, "%s/secret.txt", workdir);
        unlink(p);
        if (symlink(q, p) != 0)
            die("symlink");
        snprintf(p, sizeof p, "%s/www/escape", workdir);
        unlink(p);
        if (symlink("/etc", p) != 0)
            die("symlink");
        snprintf(p, sizeof p, "%s/www/link-in.js", workdir);
        unlink(p);
        if (symlink("assets/app.js", p) != 0)
            die("symlink");
        snprintf(p, sizeof p, "%s/www", workdir);
        start_server(detente, workdir, "--web-root", p);
        group_static_root();
        stop_server();
        snprintf(p, sizeof p, "%s/empty", workdir);
        mkdir(p, 0755);
        start_server(detente, workdir, "--web-root", p);
        group_no_root();
    } else if (!strcmp(group, "analysis")) {
        group_startup();
        start_server(detente, workdir, NULL, NULL);
        group_analysis_bare();
        stop_server();
        char region[4096], watches[4096];
        snprintf(region, sizeof region, "%s/examples/korea/region.txt", g_src);
        snprintf(watches, sizeof watches, "%s/examples/korea/watches.txt", g_src);
        start_server_args(detente, workdir,
                          (const char *const[]){"--region", region, "--watch", watches, NULL});
        group_analysis();
    } else {
        start_server(detente, workdir, NULL, NULL);
        if (!strcmp(group, "api"))
            group_api();
        else if (!strcmp(group, "http"))
            group_http();
        else if (!strcmp(group, "load"))
            group_load();
        else {
            fprintf(stderr, "server_test: unknown group '%s'\n", group);
            kill(server_pid, SIGKILL);
            return 2;
        }
    }
    stop_server();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
