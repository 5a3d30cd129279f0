/* mpi_probe.c - a tiny MPI program for the two-host cluster test: sum, wait or pingpong. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_SECONDS 600
#define PINGPONG_WARMUP 100

/* sum: every rank adds its rank (MPI_Allreduce) and prints "rank R of N on HOST sum S";
 * returns 1 when S is not N(N-1)/2 (checked by every rank). */
static int sum(int rank, int size, const char *host)
{
	int total = 0;
	MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	printf("rank %d of %d on %s sum %d\n", rank, size, host, total);
	return total == size * (size - 1) / 2 ? 0 : 1;
}

/* wait: every rank prints "ready rank R pid P host H" once all are up, then rank 0
 * waits for a message that the other ranks send only after WAIT_SECONDS: the run
 * is mid-flight until someone kills a rank or the launcher. */
static int wait_forever(int rank, int size, const char *host)
{
	MPI_Barrier(MPI_COMM_WORLD);
	printf("ready rank %d pid %ld host %s\n", rank, (long)getpid(), host);
	fflush(stdout);
	int token = 0;
	if (rank == 0) {
		for (int from = 1; from < size; from++)
			MPI_Recv(&token, 1, MPI_INT, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	} else {
		sleep(WAIT_SECONDS);
		MPI_Send(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD);
	}
	return 0;
}

/* compare_doubles: qsort's order of two doubles, ascending. */
static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* pingpong: ranks 0 and 1 bounce one byte `rounds` times after a warm-up; rank 0
 * prints "roundtrip_us median M min N mean A from HOST to HOST" (each round trip
 * timed: on a loaded machine the mean is the descheduled outliers'). Other ranks
 * wait. Returns 2 with fewer than 2 ranks, 1 when out of memory. */
static int pingpong(int rank, int size, const char *host, long rounds)
{
	char byte = 0, peer_host[MPI_MAX_PROCESSOR_NAME] = "";
	if (size < 2) {
		fprintf(stderr, "mpi_probe: pingpong needs 2 ranks\n");
		return 2;
	}
	double *times = calloc((size_t)rounds, sizeof *times);
	if (times == NULL)
		return 1;
	if (rank == 1)
		MPI_Send(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0, 1, MPI_COMM_WORLD);
	if (rank == 0)
		MPI_Recv(peer_host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	double total = 0;
	for (long i = 0; i < PINGPONG_WARMUP + rounds && rank < 2; i++) {
		double start = MPI_Wtime();
		if (rank == 0) {
			MPI_Send(&byte, 1, MPI_CHAR, 1, 0, MPI_COMM_WORLD);
			MPI_Recv(&byte, 1, MPI_CHAR, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(&byte, 1, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			MPI_Send(&byte, 1, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
		}
		if (i >= PINGPONG_WARMUP) {
			times[i - PINGPONG_WARMUP] = MPI_Wtime() - start;
			total += times[i - PINGPONG_WARMUP];
		}
	}
	if (rank == 0) {
		qsort(times, (size_t)rounds, sizeof *times, compare_doubles);
		printf("roundtrip_us median %.2f min %.2f mean %.2f from %s to %s\n", times[rounds / 2] * 1e6,
		       times[0] * 1e6, total / rounds * 1e6, host, peer_host);
	}
	free(times);
	MPI_Barrier(MPI_COMM_WORLD);
	return 0;
}

int main(int argc, char **argv)
{
	int rank, size, length, status = 2;
	char host[MPI_MAX_PROCESSOR_NAME];
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Get_processor_name(host, &length);
	const char *mode = argc > 1 ? argv[1] : "sum";
	if (strcmp(mode, "sum") == 0)
		status = sum(rank, size, host);
	else if (strcmp(mode, "wait") == 0)
		status = wait_forever(rank, size, host);
	else if (strcmp(mode, "pingpong") == 0 && argc > 2 && atol(argv[2]) > 0)
		status = pingpong(rank, size, host, atol(argv[2]));
	else if (rank == 0)
		fprintf(stderr, "usage: mpi_probe [sum | wait | pingpong ROUNDS]\n");
	MPI_Finalize();
	return status;
}
