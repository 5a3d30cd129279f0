/* overhead_mpi.c - tvp overhead's MPI rows: ping-pong and bandwidth between 2 ranks (OSU's pattern). */
#define _GNU_SOURCE
#include <mpi.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure.h"
#include "models/mpirun.h"
#include "registry.h"
#include "util.h"

#define TAG 7
#define WINDOW 64               /* messages in flight per bandwidth step, as osu_bw */
#define ROUND_TRIP_REPEAT 5000  /* as the pipe round trip */
#define BANDWIDTH_REPEAT 10     /* as pipe_bytes */
#define MAX_REPEAT 1000000
#define MAX_BYTES (4096ull << 20)

/* Rank 0 prints "NAME BYTES REPEAT t1 t2 ...": one timed step per number. */
static void print_times(const char *name, uint64_t bytes, const double *seconds, uint64_t repeat)
{
	printf("%s %llu %llu", name, (unsigned long long)bytes, (unsigned long long)repeat);
	for (uint64_t i = 0; i < repeat; i++)
		printf(" %.9f", seconds[i]);
	putchar('\n');
}

/* osu_latency's loop, timed per round trip: rank 0 sends one byte, rank 1
 * sends it back. Then osu_bw's: rank 0 sends WINDOW messages that together
 * make bytes, rank 1 answers with one byte when all have arrived. */
static void ping_pong(int rank, uint64_t round_trips, uint64_t windows, uint64_t bytes)
{
	char byte = 0;
	double *seconds = tvp_xcalloc(round_trips > windows ? round_trips : windows, sizeof *seconds);
	for (uint64_t i = 0; i < round_trips + 1; i++) { /* the first one warms up */
		double start = tvp_now();
		if (rank == 0) {
			MPI_Send(&byte, 1, MPI_CHAR, 1, TAG, MPI_COMM_WORLD);
			MPI_Recv(&byte, 1, MPI_CHAR, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(&byte, 1, MPI_CHAR, 0, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			MPI_Send(&byte, 1, MPI_CHAR, 0, TAG, MPI_COMM_WORLD);
		}
		if (i)
			seconds[i - 1] = tvp_now() - start;
	}
	if (rank == 0)
		print_times("round_trip", 0, seconds, round_trips);

	int each = (int)(bytes / WINDOW);
	unsigned char *buffer = tvp_xcalloc((size_t)each * WINDOW, 1);
	MPI_Request requests[WINDOW];
	for (uint64_t i = 0; i < windows + 1; i++) {
		double start = tvp_now();
		for (int m = 0; m < WINDOW; m++) {
			unsigned char *part = buffer + (size_t)m * (size_t)each;
			if (rank == 0)
				MPI_Isend(part, each, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, &requests[m]);
			else
				MPI_Irecv(part, each, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, &requests[m]);
		}
		MPI_Waitall(WINDOW, requests, MPI_STATUSES_IGNORE);
		if (rank == 0)
			MPI_Recv(&byte, 1, MPI_CHAR, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		else
			MPI_Send(&byte, 1, MPI_CHAR, 0, TAG, MPI_COMM_WORLD);
		if (i)
			seconds[i - 1] = tvp_now() - start;
	}
	if (rank == 0)
		print_times("bytes", (uint64_t)each * WINDOW, seconds, windows);
	free(buffer);
	free(seconds);
}

/* mpi-pingpong's options, in this order. */
enum { OPT_ROUND_TRIPS, OPT_WINDOWS, OPT_BYTES };
#define STR_(x) #x
#define STR(x) STR_(x)
static const struct tvp_opt pingpong_opts[] = {
	{"round-trips", TVP_OPT_U64, "N", STR(ROUND_TRIP_REPEAT), "one-byte round trips (osu_latency)"},
	{"windows", TVP_OPT_U64, "N", STR(BANDWIDTH_REPEAT),
	 "windows of " STR(WINDOW) " messages in flight (osu_bw)"},
	{"bytes", TVP_OPT_U64, "B", "67108864", "bytes one window moves"},
	{NULL},
};

/* `mpirun -np 2 tvp mpi-pingpong [--round-trips N] [--windows N] [--bytes B]`. */
static int pingpong_run(const struct tvp_param *params)
{
	if (tvp_opt_range("mpi-pingpong", &params[OPT_ROUND_TRIPS], 1, MAX_REPEAT) ||
	    tvp_opt_range("mpi-pingpong", &params[OPT_WINDOWS], 1, MAX_REPEAT) ||
	    tvp_opt_range("mpi-pingpong", &params[OPT_BYTES], WINDOW, MAX_BYTES))
		return TVP_EUSAGE;
	uint64_t round_trips = params[OPT_ROUND_TRIPS].u64, windows = params[OPT_WINDOWS].u64,
		 bytes = params[OPT_BYTES].u64;
	tvp_mpi_prepare_rank();
	MPI_Init(NULL, NULL);
	int rank, size;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	int status = 0;
	if (size != 2) {
		if (rank == 0)
			status = tvp_err(TVP_EUSAGE, "mpi-pingpong runs as 2 ranks (mpirun -np 2), not %d",
					 size);
		status = TVP_EUSAGE;
	} else {
		ping_pong(rank, round_trips, windows, bytes);
	}
	MPI_Finalize();
	return status;
}

const struct tvp_command tvp_command_mpi_pingpong = {
	.name = "mpi-pingpong",
	.summary = "MPI round trip and bandwidth between 2 ranks (run it under mpirun -np 2)",
	.synopsis = "[options] (under mpirun -np 2 [--hostfile H])",
	.description = "OSU's osu_latency and osu_bw between ranks 0 and 1: one-byte round trips, then\n"
		       "windows of messages in flight that make --bytes each. Rank 0 prints each timed\n"
		       "step: NAME BYTES COUNT SECONDS...",
	.opts = pingpong_opts,
	.run = pingpong_run,
};

/* Run the ping-pong under mpirun with btl (shared memory or TCP), reading
 * rank 0's lines into rows. Returns the rows filled (0 after one line). */
static size_t run_pingpong(const char *btl, const char *how, struct tvp_overhead_row *rows,
			   uint64_t repeat, uint64_t transfer_bytes)
{
	char mpirun[PATH_MAX], self[PATH_MAX];
	if (tvp_mpirun_find(mpirun, self, "overhead's MPI rows"))
		return 0;
	char trips[32], windows[32], bytes[32];
	snprintf(trips, sizeof trips, "%llu", (unsigned long long)(repeat ? repeat : ROUND_TRIP_REPEAT));
	snprintf(windows, sizeof windows, "%llu", (unsigned long long)(repeat ? repeat : BANDWIDTH_REPEAT));
	snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)transfer_bytes);
	char *args[] = {"mpirun", "-np", "2", "--bind-to", "none", "--mca", "btl", (char *)btl, self,
			"mpi-pingpong", "--round-trips", trips, "--windows", windows, "--bytes", bytes,
			NULL};
	int out;
	pid_t pid = tvp_mpirun_spawn(mpirun, args, STDOUT_FILENO, &out);
	if (pid < 0)
		return 0;
	FILE *in = fdopen(out, "r");
	char *line = NULL;
	size_t cap = 0, filled = 0;
	while (in && filled < 2 && getline(&line, &cap, in) > 0) {
		struct tvp_overhead_row *row = &rows[filled];
		char name[32];
		unsigned long long moved, count;
		int used;
		if (sscanf(line, "%31s %llu %llu%n", name, &moved, &count, &used) != 3 || !count ||
		    count > MAX_REPEAT)
			continue;
		row->seconds = tvp_xcalloc(count, sizeof *row->seconds);
		char *at = line + used;
		for (row->repeat = 0; row->repeat < count; row->repeat++) {
			char *end;
			row->seconds[row->repeat] = strtod(at, &end);
			if (end == at)
				break;
			at = end;
		}
		row->bytes_per_op = moved;
		bool trip = !strcmp(name, "round_trip");
		snprintf(row->name, sizeof row->name, "mpi_%s_%s", how, trip ? "round_trip" : "bytes");
		if (trip)
			snprintf(row->description, sizeof row->description,
				 "MPI over %s: one byte to a rank and back", btl[5] == 'v' ? "shm" : "tcp");
		else
			snprintf(row->description, sizeof row->description, "MPI over %s: move %llu MiB, "
				 "rank 0 to rank 1", btl[5] == 'v' ? "shm" : "tcp", moved >> 20);
		filled++;
	}
	free(line);
	if (in)
		fclose(in);
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		continue;
	if (filled < 2 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		tvp_err(TVP_ERUNTIME, "overhead: the MPI ping-pong over %s failed (mpirun wait status %d)",
			how, wstatus);
		for (size_t i = 0; i < filled; i++)
			free(rows[i].seconds);
		return 0;
	}
	return filled;
}

/* Over shared memory (btl vader) and over TCP on the loopback (btl tcp). */
static size_t measure_mpi(struct tvp_overhead_row *rows, size_t max, uint64_t repeat,
			  uint64_t transfer_bytes)
{
	if (max < 4)
		return 0;
	size_t filled = run_pingpong("self,vader", "shm", rows, repeat, transfer_bytes);
	if (filled == 2)
		filled += run_pingpong("self,tcp", "tcp", rows + 2, repeat, transfer_bytes);
	return filled;
}

const struct tvp_overhead_source tvp_overhead_mpi = {
	.name = "mpi",
	.measure = measure_mpi,
};
