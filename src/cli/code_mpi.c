/* MPI for `detente code --mpi` (code_shard.h). Only the main thread of a
 * rank calls MPI; the coding threads never do. */
#include "code_shard.h"

#ifdef DT_HAVE_MPI
#include <mpi.h>

int dt_cli_mpi_available(void)
{
    return 1;
}

int dt_cli_mpi_init(int *rank, int *size, int *local_size)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return -1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    /* The ranks sharing this machine's memory, to share its cores. */
    MPI_Comm node;
    *local_size = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, local_size);
        MPI_Comm_free(&node);
    }
    return 0;
}

void dt_cli_mpi_sum(const uint64_t *v, uint64_t *sum, size_t n)
{
    MPI_Reduce(v, sum, (int)n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
}

void dt_cli_mpi_gather(int v, int *all)
{
    MPI_Gather(&v, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD);
}

void dt_cli_mpi_finalize(void)
{
    MPI_Finalize();
}

#else

int dt_cli_mpi_available(void)
{
    return 0;
}

int dt_cli_mpi_init(int *rank, int *size, int *local_size)
{
    *rank = 0;
    *size = 1;
    *local_size = 1;
    return -1;
}

void dt_cli_mpi_sum(const uint64_t *v, uint64_t *sum, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sum[i] = v[i];
}

void dt_cli_mpi_gather(int v, int *all)
{
    if (all)
        all[0] = v;
}

void dt_cli_mpi_finalize(void) {}

#endif
