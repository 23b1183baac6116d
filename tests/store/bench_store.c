/* Store write throughput by batch size (documents per transaction), on
 * synthetic documents, so that the cost of the store is measured apart
 * from coding. Not a test: prints figures.
 *   dt_store_bench SPEC-PREFIX [NDOCS [BATCH]]
 * Wall and client CPU time are printed.
 * e.g. dt_store_bench sqlite:/tmp/b 20000  (one file per batch size),
 *      dt_store_bench 'postgresql:///db?host=/tmp/x' 20000 */
#include "detente/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dt_store_bench SPEC-PREFIX [NDOCS [BATCH]]\n");
        return 2;
    }
    long ndocs = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
    if (ndocs <= 0)
        ndocs = 20000;
    int pg = strncmp(argv[1], "postgres", 8) == 0;
    static size_t batches[] = {1, 100, 2000};
    size_t nb = sizeof batches / sizeof batches[0];
    if (argc > 3) { /* one batch size only */
        batches[0] = (size_t)strtoul(argv[3], NULL, 10);
        nb = batches[0] ? 1 : nb;
    }
    const char *text = "North Korean leader Kim Jong-un met Chinese President Xi Jinping in "
                       "Pyongyang on Thursday. The two leaders discussed the nuclear talks.";
    size_t tl = strlen(text);
    dt_span sent[2] = {{0, 91}, {92, (uint32_t)(tl - 92)}};
    for (size_t b = 0; b < nb; b++) {
        char spec[512];
        if (pg) {
            snprintf(spec, sizeof spec, "%s", argv[1]);
        } else {
            snprintf(spec, sizeof spec, "%s-%zu.db", argv[1], batches[b]);
            unlink(spec + 7);
            char aux[560];
            snprintf(aux, sizeof aux, "%s-wal", spec + 7);
            unlink(aux);
            snprintf(aux, sizeof aux, "%s-shm", spec + 7);
            unlink(aux);
        }
        long n = batches[b] == 1 && argc <= 3 ? (ndocs < 2000 ? ndocs : 2000) : ndocs;
        dt_sink_opts o;
        memset(&o, 0, sizeof o);
        o.batch_docs = batches[b];
        o.replace = 1;
        dt_sink *s = NULL;
        dt_error err;
        if (dt_sink_open(&s, spec, &o, &err) < 0 || dt_sink_begin_run(s, NULL, &err) < 0) {
            fprintf(stderr, "%s: %s\n", err.file, err.msg);
            dt_sink_close(s);
            return 1;
        }
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        for (long i = 0; i < n; i++) {
            char id[48];
            snprintf(id, sizeof id, "bench-%zu-%ld", batches[b], i);
            dt_event ev[3];
            memset(ev, 0, sizeof ev);
            static const char *const tg[3] = {"CHNGOV", "USA", "KOR"};
            for (int k = 0; k < 3; k++) {
                ev[k].doc_id = (dt_str){id, strlen(id)};
                ev[k].sentence = (uint32_t)(k / 2);
                ev[k].date = 20190620 + (int32_t)(i % 9);
                snprintf(ev[k].source, sizeof ev[k].source, "PRKGOV");
                snprintf(ev[k].target, sizeof ev[k].target, "%s", tg[k]);
                snprintf(ev[k].code, sizeof ev[k].code, "042");
                snprintf(ev[k].root, sizeof ev[k].root, "04");
                ev[k].quad = 1;
                ev[k].goldstein = 1.9;
                ev[k].text = (dt_str){text + sent[k / 2].off, sent[k / 2].len};
                ev[k].pattern = (dt_str){"* MEET [042]", 12};
            }
            dt_sink_doc d = {{id, strlen(id)}, 20190620, {text, tl}, sent, 2, 0, {NULL, 0}};
            if (dt_sink_lookup(s, d.id, dt_sink_content_hash(text, tl), &err) < 0 ||
                dt_sink_document(s, &d, ev, 3, &err) < 0) {
                fprintf(stderr, "%s: %s\n", err.file, err.msg);
                dt_sink_close(s);
                return 1;
            }
        }
        if (dt_sink_end_run(s, NULL, &err) < 0) {
            fprintf(stderr, "%s: %s\n", err.file, err.msg);
            dt_sink_close(s);
            return 1;
        }
        double el = clock_s(CLOCK_MONOTONIC) - t0;
        double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        dt_sink_close(s);
        /* Both clocks: on a shared machine the wall clock includes other
         * processes' time; the CPU clock leaves out fsync waits and the
         * server's work. */
        printf("%-10s batch %5zu: %6ld docs x 3 events: wall %6.2f s = %7.0f docs/s; "
               "client CPU %5.2f s = %7.0f docs/s\n",
               pg ? "postgresql" : "sqlite", batches[b], n, el, (double)n / el, cpu,
               (double)n / (cpu > 1e-9 ? cpu : 1e-9));
        fflush(stdout);
    }
    return 0;
}
