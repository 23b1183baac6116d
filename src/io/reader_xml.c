/* PETRARCH validation XML: <Sentence>, <Config> and <Environment> records.
 *
 * libxml2's SAX2 push parser is fed small chunks from the shared
 * dt__stream (so compressed input works the same as for JSONL), and each
 * record is assembled from the SAX events and queued the moment its end
 * tag is seen. That is what makes damage cheap: a well-formedness error
 * stops the parser (XML cannot resynchronise), but every record completed
 * before it is already in the queue and is still returned, followed by one
 * error. (xmlTextReader cannot do this: once its parser has failed, even
 * subtrees it had fully read can no longer be expanded.)
 *
 * Safety: no network (XML_PARSE_NONET), no DTD loading, and no entity
 * declarations are recorded, so only the five predefined entities are ever
 * expanded; libxml2's default limits stay on (no XML_PARSE_HUGE), and each
 * captured text is capped at DT_MAX_DOC_BYTES. libxml2's messages go to
 * the structured error handler and never to stderr.
 *
 * A record that is well-formed but wrong (bad date, no id, no <Text>) is
 * rejected alone and reading goes on. */
#include "io_internal.h"

#include "detente/text.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FEED_BYTES ((size_t)16 << 10)
#define MAX_ENV_CONFIG 32

typedef struct span {
    size_t off, n;
    int set;
} span;

enum {
    F_ID,
    F_DATE,
    F_CATEGORY,
    F_TEXT,
    F_PARSE,
    F_OPTION,
    F_VALUE,
    F_ERROR,
    F_VERB,
    F_AGENT,
    F_DISCARD,
    F_ISSUE,
    F__COUNT
};

/* A record being assembled, or queued. Strings live in buf as spans so
 * that appending never invalidates them. */
typedef struct xrec {
    int kind;
    int rc; /* 0, or the negative code of a rejected record (err says why) */
    dt_error err;
    uint64_t line;
    char *buf;
    size_t len, cap;
    span f[F__COUNT];
    span gold[DT_MAX_GOLD][3];
    size_t ngold;
    int noevents;
    span actor[8];
    size_t nactor;
    span cfg_opt[MAX_ENV_CONFIG], cfg_val[MAX_ENV_CONFIG];
    uint64_t cfg_line[MAX_ENV_CONFIG];
    size_t ncfg;
} xrec;

struct dt__xml {
    dt__stream *s;
    const char *name;
    int32_t default_date;
    xmlParserCtxtPtr ctxt;
    char *chunk;
    int ended;    /* no more input will be fed */
    int reported; /* the final error has been returned */
    int have_err, have_fatal;
    dt_error xerr;
    int stream_failed;
    dt_error serr;
    int oom;
    /* SAX state */
    int depth;
    char open_name[32][24]; /* names of the open elements, for messages */
    xrec *cur;              /* record being built, or NULL */
    int cur_depth;          /* depth of its element */
    int capture;            /* F_* receiving character data, -1 = none */
    int capture_actor;      /* capturing actor[k] when >= 0 */
    int capture_depth;
    /* queue of finished records (FIFO) */
    xrec **q;
    size_t qhead, qlen, qcap;
};

static void rec_free(xrec *r)
{
    if (r) {
        dt_free(r->buf);
        dt_free(r);
    }
}

static int rec_append(dt__xml *x, xrec *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 256;
        while (nc < r->len + n + 1)
            nc *= 2;
        char *nb = dt_realloc(r->buf, nc);
        if (!nb) {
            x->oom = 1;
            return -1;
        }
        r->buf = nb;
        r->cap = nc;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    return 0;
}

static int rec_span(dt__xml *x, xrec *r, span *sp, const char *s, size_t n)
{
    sp->off = r->len;
    sp->n = n;
    sp->set = 1;
    return rec_append(x, r, s, n);
}

static void reject(xrec *r, int code, const char *name, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void reject(xrec *r, int code, const char *name, uint64_t line, const char *fmt, ...)
{
    if (r->rc < 0)
        return; /* keep the first reason */
    char msg[sizeof r->err.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->rc = code;
    dt_error_set(&r->err, code, name, line, UINT64_MAX, "%s", msg);
}

static uint64_t cur_line(dt__xml *x)
{
    int l = xmlSAX2GetLineNumber(x->ctxt);
    return l > 0 ? (uint64_t)l : 0;
}

static int queue_push(dt__xml *x, xrec *r)
{
    if (x->qhead + x->qlen == x->qcap) {
        if (x->qhead > 0) {
            memmove(x->q, x->q + x->qhead, x->qlen * sizeof *x->q);
            x->qhead = 0;
        } else {
            size_t nc = x->qcap ? x->qcap * 2 : 16;
            xrec **nq = dt_realloc(x->q, nc * sizeof *nq);
            if (!nq) {
                x->oom = 1;
                rec_free(r);
                return -1;
            }
            x->q = nq;
            x->qcap = nc;
        }
    }
    x->q[x->qhead + x->qlen++] = r;
    return 0;
}

/* Value of attribute key among SAX2's (localname, prefix, URI, value,
 * end) quintuples; NULL if absent. */
static const char *sax_attr(int nb, const xmlChar **at, const char *key, size_t *n)
{
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = at + 5 * i;
        if (!strcmp((const char *)a[0], key)) {
            *n = (size_t)(a[4] - a[3]);
            return (const char *)a[3];
        }
    }
    return NULL;
}

static void take_attr(dt__xml *x, xrec *r, int field, int nb, const xmlChar **at, const char *key)
{
    size_t n;
    const char *v = sax_attr(nb, at, key, &n);
    if (v)
        rec_span(x, r, &r->f[field], v, n);
}

static int is_true(const char *v, size_t n)
{
    return n == 4 && (v[0] | 0x20) == 't' && (v[1] | 0x20) == 'r' && (v[2] | 0x20) == 'u' &&
           (v[3] | 0x20) == 'e';
}

static void start_capture(dt__xml *x, int field, int actor)
{
    xrec *r = x->cur;
    span *sp = actor >= 0 ? &r->actor[actor] : &r->f[field];
    sp->off = r->len;
    sp->n = 0;
    sp->set = 1;
    x->capture = field;
    x->capture_actor = actor;
    x->capture_depth = x->depth;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)URI;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    dt__xml *x = ctx;
    const char *nm = (const char *)localname;
    x->depth++;
    if (x->depth <= 32) {
        snprintf(x->open_name[x->depth - 1], sizeof x->open_name[0], "%s", nm);
    }
    if (x->oom)
        return;
    if (x->capture >= 0)
        return; /* markup inside <Text>: its characters are kept, tags ignored */
    xrec *r = x->cur;
    if (!r) {
        int kind = !strcmp(nm, "Sentence")      ? DT_REC_DOC
                   : !strcmp(nm, "Config")      ? DT_REC_CONFIG
                   : !strcmp(nm, "Environment") ? DT_REC_ENV
                                                : -1;
        if (kind < 0)
            return;
        r = dt_calloc(1, sizeof *r);
        if (!r) {
            x->oom = 1;
            return;
        }
        r->kind = kind;
        r->line = cur_line(x);
        x->cur = r;
        x->cur_depth = x->depth;
        if (kind == DT_REC_DOC) {
            take_attr(x, r, F_ID, nb_attributes, attributes, "id");
            take_attr(x, r, F_DATE, nb_attributes, attributes, "date");
            take_attr(x, r, F_CATEGORY, nb_attributes, attributes, "category");
        } else if (kind == DT_REC_CONFIG) {
            take_attr(x, r, F_OPTION, nb_attributes, attributes, "option");
            take_attr(x, r, F_VALUE, nb_attributes, attributes, "value");
        }
        return;
    }
    if (r->kind == DT_REC_DOC) {
        if (!strcmp(nm, "EventCoding")) {
            size_t n;
            const char *v = sax_attr(nb_attributes, attributes, "noevents", &n);
            if (v && is_true(v, n))
                r->noevents = 1;
            take_attr(x, r, F_ERROR, nb_attributes, attributes, "error");
            static const char *const keys[3] = {"sourcecode", "targetcode", "eventcode"};
            int any = 0;
            for (int k = 0; k < 3; k++)
                any |= sax_attr(nb_attributes, attributes, keys[k], &n) != NULL;
            if (!any)
                return;
            if (r->ngold == DT_MAX_GOLD) {
                reject(r, DT_ELIMIT, x->name, cur_line(x),
                       "more than %d <EventCoding> in one record", DT_MAX_GOLD);
                return;
            }
            for (int k = 0; k < 3; k++) {
                v = sax_attr(nb_attributes, attributes, keys[k], &n);
                rec_span(x, r, &r->gold[r->ngold][k], v ? v : "", v ? n : 0);
            }
            r->ngold++;
        } else if (!strcmp(nm, "Text") && !r->f[F_TEXT].set) {
            start_capture(x, F_TEXT, -1);
        } else if (!strcmp(nm, "Parse") && !r->f[F_PARSE].set) {
            start_capture(x, F_PARSE, -1);
        }
    } else if (r->kind == DT_REC_ENV) {
        if (!strcmp(nm, "Verbfile")) {
            start_capture(x, F_VERB, -1);
        } else if (!strcmp(nm, "Agentfile")) {
            start_capture(x, F_AGENT, -1);
        } else if (!strcmp(nm, "Discardfile")) {
            start_capture(x, F_DISCARD, -1);
        } else if (!strcmp(nm, "Issuefile")) {
            start_capture(x, F_ISSUE, -1);
        } else if (!strcmp(nm, "Actorfile")) {
            if (r->nactor == sizeof r->actor / sizeof r->actor[0]) {
                reject(r, DT_ELIMIT, x->name, cur_line(x),
                       "more than 8 <Actorfile> in <Environment>");
                return;
            }
            start_capture(x, 0, (int)r->nactor++);
        } else if (!strcmp(nm, "Config")) {
            if (r->ncfg == MAX_ENV_CONFIG) {
                reject(r, DT_ELIMIT, x->name, cur_line(x), "more than %d <Config> in <Environment>",
                       MAX_ENV_CONFIG);
                return;
            }
            size_t k = r->ncfg++, n;
            const char *v = sax_attr(nb_attributes, attributes, "option", &n);
            rec_span(x, r, &r->cfg_opt[k], v ? v : "", v ? n : 0);
            v = sax_attr(nb_attributes, attributes, "value", &n);
            rec_span(x, r, &r->cfg_val[k], v ? v : "", v ? n : 0);
            r->cfg_line[k] = cur_line(x);
        }
    }
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    dt__xml *x = ctx;
    if (x->capture < 0 || !x->cur || x->oom || len <= 0)
        return;
    xrec *r = x->cur;
    span *sp = x->capture_actor >= 0 ? &r->actor[x->capture_actor] : &r->f[x->capture];
    if (sp->n + (size_t)len > DT_MAX_DOC_BYTES) {
        reject(r, DT_ELIMIT, x->name, r->line, "<Text> or <Parse> larger than %zu bytes",
               (size_t)DT_MAX_DOC_BYTES);
        return;
    }
    if (rec_append(x, r, (const char *)ch, (size_t)len) == 0)
        sp->n += (size_t)len;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void trim(const xrec *r, span *sp)
{
    while (sp->n > 0 && is_ws(r->buf[sp->off + sp->n - 1]))
        sp->n--;
    while (sp->n > 0 && is_ws(r->buf[sp->off])) {
        sp->off++;
        sp->n--;
    }
}

static void finish_record(dt__xml *x, xrec *r)
{
    if (r->kind == DT_REC_DOC) {
        char idbuf[100];
        size_t idn = r->f[F_ID].n < 80 ? r->f[F_ID].n : 80;
        memcpy(idbuf, r->buf ? r->buf + r->f[F_ID].off : "", idn);
        idbuf[idn] = '\0';
        if (r->f[F_ID].n == 0) {
            reject(r, DT_EFORMAT, x->name, r->line, "<Sentence> without an id attribute");
        } else if (r->f[F_DATE].n > 0 &&
                   dt_date_parse(r->buf + r->f[F_DATE].off, r->f[F_DATE].n, NULL) < 0) {
            char dbuf[48];
            size_t dn = r->f[F_DATE].n < 40 ? r->f[F_DATE].n : 40;
            memcpy(dbuf, r->buf + r->f[F_DATE].off, dn);
            dbuf[dn] = '\0';
            reject(r, DT_EDATE, x->name, r->line,
                   "bad date \"%s\" in <Sentence id=\"%s\"> (want YYYYMMDD)", dbuf, idbuf);
        } else if (!r->f[F_TEXT].set) {
            reject(r, DT_EFORMAT, x->name, r->line, "<Sentence id=\"%s\"> has no <Text>", idbuf);
        }
        trim(r, &r->f[F_TEXT]);
        trim(r, &r->f[F_PARSE]);
        if (r->rc == 0 && r->f[F_TEXT].n > 0) {
            dt_error e;
            if (dt__check_utf8(r->buf + r->f[F_TEXT].off, r->f[F_TEXT].n, x->name, r->line, 0,
                               "<Text>", &e) < 0) {
                e.offset = UINT64_MAX;
                r->rc = e.code;
                r->err = e;
            }
        }
    } else if (r->kind == DT_REC_CONFIG) {
        if (r->f[F_OPTION].n == 0)
            reject(r, DT_EFORMAT, x->name, r->line, "<Config> without an option attribute");
    } else {
        static const int ff[4] = {F_VERB, F_AGENT, F_DISCARD, F_ISSUE};
        for (int k = 0; k < 4; k++)
            trim(r, &r->f[ff[k]]);
        for (size_t k = 0; k < r->nactor; k++)
            trim(r, &r->actor[k]);
    }
    if (queue_push(x, r) < 0)
        return;
    /* Configs named inside <Environment> come right after it. */
    if (r->kind == DT_REC_ENV) {
        for (size_t k = 0; k < r->ncfg; k++) {
            xrec *c = dt_calloc(1, sizeof *c);
            if (!c) {
                x->oom = 1;
                return;
            }
            c->kind = DT_REC_CONFIG;
            c->line = r->cfg_line[k];
            if (rec_span(x, c, &c->f[F_OPTION], r->buf + r->cfg_opt[k].off, r->cfg_opt[k].n) ||
                rec_span(x, c, &c->f[F_VALUE], r->buf + r->cfg_val[k].off, r->cfg_val[k].n)) {
                rec_free(c);
                return;
            }
            if (c->f[F_OPTION].n == 0)
                reject(c, DT_EFORMAT, x->name, c->line, "<Config> without an option attribute");
            if (queue_push(x, c) < 0)
                return;
        }
    }
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI)
{
    (void)localname;
    (void)prefix;
    (void)URI;
    dt__xml *x = ctx;
    if (x->capture >= 0 && x->depth == x->capture_depth)
        x->capture = -1;
    if (x->cur && x->depth == x->cur_depth) {
        xrec *r = x->cur;
        x->cur = NULL;
        x->capture = -1;
        if (x->oom)
            rec_free(r);
        else
            finish_record(x, r);
    }
    x->depth--;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    dt__xml *x = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    int fatal = e->level == XML_ERR_FATAL;
    /* Keep the first fatal error: later ones are usually consequences. */
    if (x->have_fatal || (x->have_err && !fatal))
        return;
    const char *msg = e->message ? e->message : "parse error";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    /* One error, one line: libxml2 appends "\nBytes: 0x.." to some. */
    char flat[400];
    if (n >= sizeof flat)
        n = sizeof flat - 1;
    for (size_t i = 0; i < n; i++)
        flat[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
    flat[n] = '\0';
    dt_error_set(&x->xerr, DT_EFORMAT, x->name, e->line > 0 ? (uint64_t)e->line : 0, UINT64_MAX,
                 "XML error: %s", flat);
    x->have_err = 1;
    x->have_fatal = fatal;
}

/* PETRARCH files never have a DOCTYPE, and refusing it outright means no
 * entity declaration (billion laughs, external entities) is ever seen. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    dt__xml *x = ctx;
    if (!x->have_fatal) {
        dt_error_set(&x->xerr, DT_EFORMAT, x->name, cur_line(x), UINT64_MAX,
                     "XML error: <!DOCTYPE> is not allowed in PETRARCH XML");
        x->have_err = x->have_fatal = 1;
    }
    xmlStopParser(x->ctxt);
}

/* libxml2's encoding layer reports a failed conversion through the
 * generic error function, not the parser's structured handler, and that
 * prints to stderr without file or line; the parser's own return code
 * reports the same failure below. So the generic function is silenced
 * around each chunk (it is per thread in libxml2) and restored after. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void feed(dt__xml *x, const char *p, size_t n, int terminate)
{
    int had_err = x->have_err;
    xmlGenericErrorFunc old = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    int rc = xmlParseChunk(x->ctxt, p, (int)n, terminate);
    xmlSetGenericErrorFunc(old_ctx, old);
    /* Failing only when told the input is over, with elements still open,
     * means the file was cut short; libxml2's own message for that
     * ("Extra content at the end of the document", "AttValue: ' expected")
     * depends on where the cut fell and rarely says so. */
    if (terminate && !had_err && x->have_err && x->depth > 0) {
        const char *open = x->open_name[(x->depth <= 32 ? x->depth : 32) - 1];
        dt_error_set(&x->xerr, DT_EFORMAT, x->name, cur_line(x), UINT64_MAX,
                     "XML error: input ends inside <%s> (truncated document?)", open);
    }
    if (rc == XML_ERR_INVALID_ENCODING && !x->have_err) {
        dt_error_set(&x->xerr, DT_EFORMAT, x->name, cur_line(x), UINT64_MAX,
                     "XML error: bytes that are not in the document's declared encoding");
        x->have_err = 1;
    }
    if (rc != 0 && !x->have_err) {
        dt_error_set(&x->xerr, DT_EFORMAT, x->name, cur_line(x), UINT64_MAX,
                     "XML error: malformed document (code %d)", rc);
        x->have_err = 1;
    }
    if (rc != 0 || x->have_fatal || terminate)
        x->ended = 1;
}

/* libxml2 must be initialised once before threads use it concurrently. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_setup(void)
{
    xmlInitParser();
}

int dt__xml_open(dt__xml **out, dt__stream *s, const char *name, int32_t default_date,
                 dt_error *err)
{
    *out = NULL;
    pthread_once(&xml_once, xml_setup);
    dt__xml *x = dt_calloc(1, sizeof *x);
    char *chunk = dt_malloc(FEED_BYTES);
    if (!x || !chunk) {
        dt_free(x);
        dt_free(chunk);
        return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "out of memory");
    }
    x->s = s;
    x->name = name;
    x->default_date = default_date;
    x->chunk = chunk;
    x->capture = -1;
    x->capture_actor = -1;

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_chars;
    sax.cdataBlock = on_chars;
    sax.serror = on_error;
    sax.internalSubset = on_internal_subset;
    x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, name);
    if (!x->ctxt) {
        dt_free(chunk);
        dt_free(x);
        return dt_error_set(err, DT_ENOMEM, name, 0, UINT64_MAX, "cannot create the XML parser");
    }
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    *out = x;
    return DT_OK;
}

void dt__xml_free(dt__xml *x)
{
    if (!x)
        return;
    if (x->ctxt) {
        if (x->ctxt->myDoc)
            xmlFreeDoc(x->ctxt->myDoc);
        xmlFreeParserCtxt(x->ctxt);
    }
    rec_free(x->cur);
    for (size_t i = 0; i < x->qlen; i++)
        rec_free(x->q[x->qhead + i]);
    dt_free(x->q);
    dt_free(x->chunk);
    dt_free(x);
}

static dt_str to_arena(dt_arena *a, const xrec *r, span sp, int *oom)
{
    if (!sp.set || sp.n == 0)
        return (dt_str){"", 0};
    char *c = dt_arena_strndup(a, r->buf + sp.off, sp.n);
    if (!c) {
        *oom = 1;
        return (dt_str){"", 0};
    }
    return (dt_str){c, sp.n};
}

static int emit(dt__xml *x, xrec *r, dt_arena *a, dt_doc *doc, dt_error *err)
{
    if (r->rc < 0) {
        int rc = r->rc;
        if (err)
            *err = r->err;
        rec_free(r);
        return rc;
    }
    int oom = 0;
    memset(doc, 0, sizeof *doc);
    doc->kind = r->kind;
    doc->line = r->line;
    doc->offset = UINT64_MAX;
    doc->id = to_arena(a, r, r->f[F_ID], &oom);
    doc->date = x->default_date;
    if (r->f[F_DATE].n > 0)
        dt_date_parse(r->buf + r->f[F_DATE].off, r->f[F_DATE].n, &doc->date);
    doc->text = to_arena(a, r, r->f[F_TEXT], &oom);
    doc->parse = to_arena(a, r, r->f[F_PARSE], &oom);
    doc->category = to_arena(a, r, r->f[F_CATEGORY], &oom);
    doc->error_expected = to_arena(a, r, r->f[F_ERROR], &oom);
    doc->noevents = r->noevents;
    for (size_t k = 0; k < r->ngold; k++) {
        doc->gold[k].source = to_arena(a, r, r->gold[k][0], &oom);
        doc->gold[k].target = to_arena(a, r, r->gold[k][1], &oom);
        doc->gold[k].code = to_arena(a, r, r->gold[k][2], &oom);
    }
    doc->ngold = r->ngold;
    doc->option = to_arena(a, r, r->f[F_OPTION], &oom);
    doc->value = to_arena(a, r, r->f[F_VALUE], &oom);
    doc->verbfile = to_arena(a, r, r->f[F_VERB], &oom);
    doc->agentfile = to_arena(a, r, r->f[F_AGENT], &oom);
    doc->discardfile = to_arena(a, r, r->f[F_DISCARD], &oom);
    doc->issuefile = to_arena(a, r, r->f[F_ISSUE], &oom);
    for (size_t k = 0; k < r->nactor; k++)
        doc->actorfile[k] = to_arena(a, r, r->actor[k], &oom);
    doc->nactorfile = r->nactor;
    uint64_t line = r->line;
    rec_free(r);
    if (oom)
        return dt_error_set(err, DT_ENOMEM, x->name, line, UINT64_MAX, "out of memory");
    return 1;
}

int dt__xml_next(dt__xml *x, dt_arena *a, dt_doc *doc, dt_error *err)
{
    while (x->qlen == 0 && !x->ended && !x->oom) {
        long k = dt__stream_read(x->s, x->chunk, FEED_BYTES, &x->serr);
        if (k < 0) {
            x->stream_failed = 1;
            x->ended = 1;
        } else {
            feed(x, x->chunk, (size_t)k, k == 0);
        }
    }
    if (x->qlen > 0) {
        xrec *r = x->q[x->qhead++];
        x->qlen--;
        if (x->qlen == 0)
            x->qhead = 0;
        return emit(x, r, a, doc, err);
    }
    if (x->reported)
        return 0;
    x->reported = 1;
    if (x->oom)
        return dt_error_set(err, DT_ENOMEM, x->name, cur_line(x), UINT64_MAX, "out of memory");
    if (x->stream_failed) {
        if (err)
            *err = x->serr;
        return DT_EIO;
    }
    if (x->have_err) {
        if (err)
            *err = x->xerr;
        return DT_EFORMAT;
    }
    return 0;
}
