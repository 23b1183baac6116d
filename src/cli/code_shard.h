/* detente CLI — splitting the inputs of `detente code` into shards (one
 * per MPI rank, or one named by --shard R/N) and reading a byte range of
 * a JSONL file.
 *
 * Every process computes the same plan from the same file list, so the
 * ranks need not talk to each other to agree on who reads what, and a
 * failed shard can be re-run alone with --shard. The concatenated inputs
 * are cut into N byte ranges of about equal size; a cut inside an
 * uncompressed JSONL file moves forward to the next line start, a cut
 * inside any other file moves to that file's end (a whole file goes to
 * the shard where it starts). Shard r's output followed by shard r+1's,
 * and so on, is the output of one process over all the inputs.
 */
#ifndef DT_CLI_CODE_SHARD_H
#define DT_CLI_CODE_SHARD_H

#include <stddef.h>
#include <stdint.h>

/* One input of a run: a whole file (or stdin), or lines [lo, hi) of an
 * uncompressed JSONL file whose first line is line first_line. */
typedef struct dt_cli_input {
    const char *path; /* borrowed from argv; NULL = stdin */
    int range;        /* 1: only bytes [lo, hi), read as JSONL */
    uint64_t lo, hi;
    uint64_t first_line;
} dt_cli_input;

/* Shard `rank` of `count` of the files (count >= 1, 0 <= rank < count).
 * *out (malloc'd, caller frees) receives the shard's inputs in order;
 * *nout may be 0 (a shard with nothing to read). format is the --input
 * choice (dt_input_format): only JSONL files (by that choice or their
 * first byte) are split. Returns 0, or -1 with a reason in why (a file
 * that is not a regular file, cannot be read, or out of memory). */
int dt_cli_shard_plan(char **files, int nfiles, int format, int rank, int count, dt_cli_input **out,
                      int *nout, char *why, size_t whylen);

/* "FILE", "FILE bytes LO-HI" joined by ", " into buf (cut at cap). */
void dt_cli_shard_describe(const dt_cli_input *in, int n, char *buf, size_t cap);

/* A reading end for a byte range: a pipe fed by a thread with the bytes
 * [in->lo, in->hi) of in->path. *fd is the read end (caller closes it
 * once the reader has opened "/dev/fd/FD" or after reading); *feeder the
 * thread handle to pass to dt_cli_range_close. Returns 0 or -1 (errno). */
typedef struct dt_cli_feeder dt_cli_feeder;
int dt_cli_range_open(const dt_cli_input *in, int *fd, dt_cli_feeder **feeder);
/* Wait for the feeding thread (the read end must be closed first, so
 * that a feeder blocked on a full pipe stops) and free it. */
void dt_cli_range_close(dt_cli_feeder *f);

/* ---- MPI (code_mpi.c; without DT_HAVE_MPI these say "not built") ---- */

/* 1 if this detente was built with MPI. */
int dt_cli_mpi_available(void);
/* MPI_Init_thread (funneled: only the calling thread talks to MPI): this
 * process's rank, the job's size, and the number of ranks on this
 * machine. Returns 0 or -1. */
int dt_cli_mpi_init(int *rank, int *size, int *local_size);
/* MPI_Reduce(SUM) of v[0..n) to rank 0's sum[] (others: sum untouched). */
void dt_cli_mpi_sum(const uint64_t *v, uint64_t *sum, size_t n);
/* MPI_Gather of one int to rank 0's all[size]. */
void dt_cli_mpi_gather(int v, int *all);
void dt_cli_mpi_finalize(void);

#endif
