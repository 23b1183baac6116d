/* serve_gen_store — a synthetic SQLite event store for the server benchmark.
 *
 * Usage: serve_gen_store OUT.db NEVENTS [SEED]
 *
 * Writes NEVENTS events (five per document, one sentence each) through the
 * public sink API (store.h), exactly as `detente code --output sqlite:`
 * does, so the server reads a real store. Content is generated, not
 * copied: actors are country codes with role blocks drawn with a skewed
 * distribution (a few big players, a long tail), event codes are drawn from
 * the CAMEO table of the library (dt_cameo_at) weighted towards the common
 * roots, and dates spread over 2017-2020. Deterministic for a given seed. */
#include "detente/ontology.h"
#include "detente/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* 0..n-1, skewed towards 0 (minimum of two uniforms, squared again). */
static size_t skewed(size_t n)
{
    size_t a = (size_t)(next() % n), b = (size_t)(next() % n), c = (size_t)(next() % n);
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static const char *const COUNTRY[] = {
    "USA", "CHN", "PRK", "KOR", "JPN", "RUS", "GBR", "FRA", "DEU", "IND", "PAK", "IRN",
    "ISR", "SYR", "TUR", "UKR", "EGY", "SAU", "UNO", "EUR", "AUS", "CAN", "BRA", "MEX",
    "IDN", "PHL", "VNM", "THA", "MMR", "AFG", "IRQ", "LBN", "JOR", "QAT", "ARE", "NGA",
    "ETH", "KEN", "ZAF", "VEN", "COL", "CUB", "POL", "ITA", "ESP", "NLD", "SWE", "NOR"};
static const char *const ROLE[] = {"",    "GOV", "MIL",    "GOV", "",    "COP", "BUS", "MED",
                                   "OPP", "CVL", "GOVMIL", "LEG", "JUD", "REB", "NGO"};
static const char *const VERB[] = {"met",
                                   "criticized",
                                   "praised",
                                   "warned",
                                   "accused",
                                   "visited",
                                   "rejected",
                                   "urged",
                                   "welcomed",
                                   "threatened",
                                   "signed an agreement with",
                                   "sanctioned"};

static void actor(char *out, size_t cap)
{
    const char *c = COUNTRY[skewed(sizeof COUNTRY / sizeof COUNTRY[0])];
    const char *r = ROLE[skewed(sizeof ROLE / sizeof ROLE[0])];
    snprintf(out, cap, "%s%s", c, r);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: serve_gen_store OUT.db NEVENTS [SEED]\n");
        return 1;
    }
    long long nev = atoll(argv[2]);
    if (nev <= 0) {
        fprintf(stderr, "serve_gen_store: bad NEVENTS\n");
        return 1;
    }
    if (argc == 4)
        rng ^= (uint64_t)atoll(argv[3]) * 0x9E3779B97F4A7C15ull;
    /* Codes weighted to the common roots: 01-05 make most news. */
    size_t ncodes = dt_cameo_count();
    const dt_cameo_entry **codes = malloc(ncodes * sizeof *codes);
    size_t nc = 0;
    for (size_t i = 0; i < ncodes; i++) {
        const dt_cameo_entry *e = dt_cameo_at(i);
        if (e && e->digits == 3)
            codes[nc++] = e;
    }
    if (!nc) {
        fprintf(stderr, "serve_gen_store: no CAMEO codes\n");
        return 2;
    }
    char spec[4096];
    snprintf(spec, sizeof spec, "sqlite:%s", argv[1]);
    dt_sink *s = NULL;
    dt_sink_opts o;
    memset(&o, 0, sizeof o);
    o.batch_docs = 20000;
    dt_error err;
    dt_run_info run;
    memset(&run, 0, sizeof run);
    run.command_line = "serve_gen_store";
    run.dict_version = "synthetic";
    if (dt_sink_open(&s, spec, &o, &err) < 0 || dt_sink_begin_run(s, &run, &err) < 0) {
        fprintf(stderr, "serve_gen_store: %s\n", err.msg);
        dt_sink_close(s);
        return 2;
    }
    enum { PER_DOC = 5 };
    char text[PER_DOC * 160];
    dt_span sent[PER_DOC];
    dt_event ev[PER_DOC];
    char docid[32];
    long long ndoc = (nev + PER_DOC - 1) / PER_DOC, done = 0;
    dt_run_counts counts;
    memset(&counts, 0, sizeof counts);
    for (long long d = 0; d < ndoc; d++) {
        /* Days from 2017-01-01 over four years, later years a bit busier. */
        int day = (int)(next() % 1461);
        if (next() % 4 == 0 && day < 730)
            day += 730;
        int y = 2017, m = 1, dd = 1 + day;
        static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        for (;;) {
            int ylen = (y % 4 == 0) ? 366 : 365;
            if (dd <= ylen)
                break;
            dd -= ylen;
            y++;
        }
        for (; m <= 12; m++) {
            int ml = mdays[m - 1] + (m == 2 && y % 4 == 0);
            if (dd <= ml)
                break;
            dd -= ml;
        }
        int32_t date = y * 10000 + m * 100 + dd;
        snprintf(docid, sizeof docid, "gen-%08lld", d);
        size_t tl = 0;
        size_t k = 0;
        for (; k < PER_DOC && done < nev; k++, done++) {
            dt_event *e = &ev[k];
            memset(e, 0, sizeof *e);
            actor(e->source, sizeof e->source);
            do
                actor(e->target, sizeof e->target);
            while (!strncmp(e->source, e->target, 3));
            const dt_cameo_entry *c = codes[skewed(nc)];
            snprintf(e->code, sizeof e->code, "%s", c->code);
            snprintf(e->root, sizeof e->root, "%02u", (unsigned)c->root);
            e->quad = c->quad;
            e->goldstein = c->goldstein;
            e->date = date;
            e->doc_id = (dt_str){docid, strlen(docid)};
            e->sentence = (uint32_t)k;
            const char *verb = VERB[next() % (sizeof VERB / sizeof VERB[0])];
            size_t off = tl;
            int w = snprintf(text + tl, sizeof text - tl, "Officials of %s %s %s on %s. ",
                             e->source, verb, e->target, c->label);
            if (w < 0 || (size_t)w >= sizeof text - tl)
                w = 0;
            size_t slen = w > 0 ? (size_t)w - 1 : 0; /* without the space */
            sent[k] = (dt_span){(uint32_t)off, (uint32_t)slen};
            e->sent_span = sent[k];
            e->text = (dt_str){text + off, slen};
            e->source_span = (dt_span){(uint32_t)(off + 13), (uint32_t)strlen(e->source)};
            e->verb_span =
                (dt_span){(uint32_t)(off + 14 + strlen(e->source)), (uint32_t)strlen(verb)};
            e->target_span =
                (dt_span){e->verb_span.off + e->verb_span.len + 1, (uint32_t)strlen(e->target)};
            e->pattern = DT_STR_LIT("* synthetic +");
            e->dict_file = DT_STR_LIT("synthetic");
            e->dict_line = (uint32_t)c->root;
            tl += (size_t)w;
        }
        dt_sink_doc doc;
        memset(&doc, 0, sizeof doc);
        doc.id = (dt_str){docid, strlen(docid)};
        doc.date = date;
        doc.text = (dt_str){text, tl};
        doc.sent = sent;
        doc.nsent = k;
        if (dt_sink_document(s, &doc, ev, k, &err) < 0) {
            fprintf(stderr, "serve_gen_store: %s\n", err.msg);
            dt_sink_close(s);
            return 2;
        }
        counts.read++;
        counts.coded++;
        counts.sentences += k;
        counts.events += k;
    }
    if (dt_sink_end_run(s, &counts, &err) < 0) {
        fprintf(stderr, "serve_gen_store: %s\n", err.msg);
        dt_sink_close(s);
        return 2;
    }
    dt_sink_close(s);
    free(codes);
    fprintf(stderr, "serve_gen_store: %lld events in %lld documents -> %s\n", done, ndoc, argv[1]);
    return 0;
}
