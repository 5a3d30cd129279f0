/* race.c - exercise 08: threads race to find the primes below a limit; TSan finds the data races. */
/*
 * usage: race [LIMIT [THREADS]]
 * THREADS threads (default 4) test the numbers below LIMIT (default 2000000)
 * for primality by trial division by the small primes, taking blocks of
 * BLOCK numbers in turn (thread t takes blocks t, t + THREADS, ...), and put
 * every prime they find into one shared list. main then sorts the list and
 * checks it, number by number, against a sieve of Eratosthenes. Exit status
 * 1 if the list is wrong.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
#define BLOCK 1000
#define SMALL_LIMIT 65536 /* trial divisors: primes below this, enough for LIMIT < 2^32 */

static uint32_t small_primes[SMALL_LIMIT]; /* the primes below SMALL_LIMIT, in order */
static int small_prime_count;
/* BEGIN SOLUTION */
static pthread_once_t small_primes_once = PTHREAD_ONCE_INIT;
/* BEGIN STARTER */
//| static int small_primes_ready; /* set once the table is full */
/* END SOLUTION */

static uint32_t *found; /* the primes found so far, in any order */
static long found_count;
/* BEGIN SOLUTION */
static pthread_mutex_t found_lock = PTHREAD_MUTEX_INITIALIZER;
/* END SOLUTION */

static uint32_t limit;
static int thread_count;

/* BEGIN SOLUTION */
/* Fill small_primes by trial division. Run once, by pthread_once: the first
 * thread to get here fills the table and every other one waits for it. */
/* BEGIN STARTER */
//| /* Fill small_primes by trial division, the first time it is called. */
/* END SOLUTION */
static void fill_small_primes(void)
{
	/* BEGIN SOLUTION */
	/* BEGIN STARTER */
	//| if (small_primes_ready)
		//| return;
	/* END SOLUTION */
	for (uint32_t n = 2; n < SMALL_LIMIT; n++) {
		int prime = 1;
		for (int i = 0; i < small_prime_count && small_primes[i] * small_primes[i] <= n; i++)
			if (n % small_primes[i] == 0) {
				prime = 0;
				break;
			}
		if (prime)
			small_primes[small_prime_count++] = n;
	}
	/* BEGIN SOLUTION */
	/* BEGIN STARTER */
	//| small_primes_ready = 1;
	/* END SOLUTION */
}

/* Is n prime? Trial division by the small primes up to sqrt(n). */
static int is_prime(uint32_t n)
{
	if (n < 2)
		return 0;
	for (int i = 0; i < small_prime_count; i++) {
		uint64_t p = small_primes[i];
		if (p * p > n)
			break;
		if (n % p == 0)
			return 0;
	}
	return 1;
}

/* BEGIN SOLUTION */
/* Append the primes of one block to the shared list, under its lock: one
 * lock per block, not per prime, so the threads rarely wait. */
static void add_block(const uint32_t *primes, long count)
/* BEGIN STARTER */
//| /* Append one prime to the shared list. */
//| static void add_prime(uint32_t prime)
/* END SOLUTION */
{
	/* BEGIN SOLUTION */
	pthread_mutex_lock(&found_lock);
	memcpy(found + found_count, primes, (size_t)count * sizeof *primes);
	found_count += count;
	pthread_mutex_unlock(&found_lock);
	/* BEGIN STARTER */
	//| found[found_count] = prime;
	//| found_count++;
	/* END SOLUTION */
}

/* One thread: blocks id, id + thread_count, ... of [0, limit). */
static void *search(void *arg)
{
	long id = (long)arg;
	/* BEGIN SOLUTION */
	pthread_once(&small_primes_once, fill_small_primes);
	uint32_t block_primes[BLOCK];
	/* BEGIN STARTER */
	//| fill_small_primes();
	/* END SOLUTION */
	for (uint64_t start = (uint64_t)id * BLOCK; start < limit;
	     start += (uint64_t)thread_count * BLOCK) {
		/* BEGIN SOLUTION */
		long count = 0;
		/* END SOLUTION */
		for (uint64_t n = start; n < start + BLOCK && n < limit; n++)
			if (is_prime((uint32_t)n))
				/* BEGIN SOLUTION */
				block_primes[count++] = (uint32_t)n;
		add_block(block_primes, count);
				/* BEGIN STARTER */
				//| add_prime((uint32_t)n);
				/* END SOLUTION */
	}
	return NULL;
}

/* qsort comparison of two uint32_t: negative, zero or positive. */
static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Check found[0 .. found_count) (sorted) against a sieve; print the verdict;
 * return 1 if it is right. */
static int check_found(void)
{
	char *composite = calloc(limit + 1, 1);
	if (!composite) {
		fprintf(stderr, "race: out of memory\n");
		exit(1);
	}
	long want = 0, at = 0, first_wrong = -1;
	uint64_t want_sum = 0, got_sum = 0;
	for (uint64_t n = 2; n < limit; n++) {
		if (composite[n])
			continue;
		for (uint64_t m = n * n; m < limit; m += n)
			composite[m] = 1;
		if (first_wrong < 0 && (at >= found_count || found[at] != n))
			first_wrong = (long)n;
		at++;
		want++;
		want_sum += n;
	}
	for (long i = 0; i < found_count; i++)
		got_sum += found[i];
	free(composite);
	printf("found %ld primes below %u, sum %llu\n", found_count, limit,
	       (unsigned long long)got_sum);
	if (found_count == want && first_wrong < 0) {
		printf("check: OK, the same primes as the sieve of Eratosthenes\n");
		return 1;
	}
	printf("check: WRONG: the sieve finds %ld primes, sum %llu", want,
	       (unsigned long long)want_sum);
	if (first_wrong >= 0)
		printf("; the first prime missing or out of place is %ld", first_wrong);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	long limit_arg = argc > 1 ? atol(argv[1]) : 2000000;
	thread_count = argc > 2 ? atoi(argv[2]) : 4;
	if (argc > 3 || limit_arg < 2 || limit_arg > 1L << 31 || thread_count < 1 ||
	    thread_count > MAX_THREADS) {
		fprintf(stderr, "usage: race [LIMIT 2..2^31 [THREADS 1..%d]]\n", MAX_THREADS);
		return 2;
	}
	limit = (uint32_t)limit_arg;
	found = malloc(((size_t)limit / 2 + 2) * sizeof *found); /* room for every prime */
	if (!found) {
		fprintf(stderr, "race: out of memory\n");
		return 1;
	}
	pthread_t threads[MAX_THREADS];
	for (long id = 0; id < thread_count; id++)
		if (pthread_create(&threads[id], NULL, search, (void *)id) != 0) {
			fprintf(stderr, "race: pthread_create failed\n");
			return 1;
		}
	for (int id = 0; id < thread_count; id++)
		pthread_join(threads[id], NULL);
	qsort(found, (size_t)found_count, sizeof *found, compare_u32);
	int right = check_found();
	free(found);
	return right ? 0 : 1;
}
