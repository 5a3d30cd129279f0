/* wordcount.c - count the words of a text into partial tables that travel to the parent and merge. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hash.h"
#include "../plugin.h"

#define MAX_WORDS 10000000000ULL
#define MAX_VOCAB 100000000ULL /* 26^6 > 3e8: every word fits WORD_MAX letters */
#define WORD_MAX 8
#define MIN_LETTERS 3

/*
 * The text is made here, deterministically, rather than read from the
 * grep corpus: word i is the spelling of rank(i) = splitmix64(i) mod
 * --vocab, so --vocab sets how many distinct words there are (and how big
 * every partial table grows) at a fixed text length. A unit is --block
 * consecutive words.
 *
 * A task counts its words into a hash table of spelled words and emits it
 * serialised: per entry one length byte, the letters, an 8-byte count.
 * Threads leave those bytes in shared memory; processes send them through
 * the pipe (--ipc pipe) or write them into MAP_SHARED slots (--ipc shm).
 * reduce merges every partial table into one, sorts it by word and
 * checksums the (word, count) pairs. The reference counts by rank in a
 * plain array, with no hash table and no serialising.
 *
 * --table shared: every task merges its partial table into ONE table under
 * ONE lock instead, and emits only how many words it counted. The table
 * and its lock (a robust, process-shared mutex: a worker that dies holding
 * it cannot hang the others) live in anonymous MAP_SHARED memory made by
 * prepare, so threads and forked processes alike merge in place and
 * nothing travels; reduce only sorts. A task run twice (a worker killed
 * after its merge, before its result came back, then --retry) counts its
 * words twice: the verification reports that run as a wrong answer.
 * A worker waiting for the lock releases the simulated GIL, as CPython
 * releases it in a blocking Lock.acquire().
 */
struct shared_table; /* below */

struct wordcount {
	uint64_t words, vocab, block;
	bool shared;                /* --table shared */
	struct shared_table *table; /* --table shared: MAP_SHARED */
	size_t table_size;          /* bytes of that mapping */
	uint64_t last_bytes, last_distinct; /* of the last run (reduce) */
};

static const struct tvp_opt wordcount_opts[] = {
	{"words", TVP_OPT_U64, "N", "2000000", "words in the text"},
	{"vocab", TVP_OPT_U64, "V", "1000", "distinct words the text draws from (the size of each partial table)"},
	{"block", TVP_OPT_U64, "N", "50000", "words per unit"},
	{"table", TVP_OPT_TEXT, "private|shared", "private",
	 "private: partial tables travel to the parent and merge there; shared: tasks merge into one table under one lock"},
	{NULL},
};

/* One table entry: a word and its count. */
struct entry {
	char word[WORD_MAX];
	uint8_t len;
	uint64_t count;
};

/* An open-addressing hash table of words. */
struct table {
	struct entry *slots;
	size_t mask, used;
};

/* The rank of word number i of the text. */
static uint64_t rank_of(const struct wordcount *wc, uint64_t i)
{
	return tvp_splitmix64_at(i) % wc->vocab;
}

/* The letters of rank (base 26, at least MIN_LETTERS); returns the length. */
static uint8_t spell(uint64_t rank, char out[WORD_MAX])
{
	uint8_t len = 0;
	do {
		out[len++] = (char)('a' + rank % 26);
		rank /= 26;
	} while (rank > 0 || len < MIN_LETTERS);
	return len;
}

static uint64_t hash_word(const char *word, uint8_t len)
{
	return tvp_fnv1a(TVP_FNV_OFFSET, word, len);
}

/* Slots for at least `entries` words at half load (a power of two). */
static size_t table_slots(uint64_t entries)
{
	size_t size = 16;
	while (size < 2 * entries)
		size *= 2;
	return size;
}

/* A table with room for at least `entries` words at half load. */
static void table_init(struct table *t, uint64_t entries)
{
	size_t size = table_slots(entries);
	t->slots = tvp_xcalloc(size, sizeof *t->slots);
	t->mask = size - 1;
	t->used = 0;
}

/* Add count to word's entry (made when new). The table never fills: its
 * size is twice the most distinct words it can see. */
static void table_add(struct table *t, const char *word, uint8_t len, uint64_t count)
{
	size_t i = (size_t)hash_word(word, len) & t->mask;
	for (;; i = (i + 1) & t->mask) {
		struct entry *e = &t->slots[i];
		if (e->len == 0) {
			memcpy(e->word, word, len);
			e->len = len;
			e->count = count;
			t->used++;
			return;
		}
		if (e->len == len && memcmp(e->word, word, len) == 0) {
			e->count += count;
			return;
		}
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* --table shared: the one table and its lock in one MAP_SHARED mapping
 * (the slots follow the header). */
struct shared_table {
	pthread_mutex_t lock; /* robust and process-shared */
	bool poisoned;        /* a worker died holding the lock: the table may be torn */
	struct table table;   /* .slots points into this mapping */
};

/* Make the shared table for wc (sized for its vocabulary); 0 or TVP_ERUNTIME. */
static int shared_table_open(struct wordcount *wc)
{
	size_t slots = table_slots(min_u64(wc->vocab, wc->words));
	wc->table_size = sizeof(struct shared_table) + slots * sizeof(struct entry);
	struct shared_table *st = tvp_shared_alloc(wc->table_size);
	if (!st)
		return tvp_syserr(TVP_ERUNTIME, "wordcount: a shared table of %zu MiB", wc->table_size >> 20);
	wc->table = st;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&st->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	if (rc)
		return errno = rc, tvp_syserr(TVP_ERUNTIME, "wordcount: the shared table's lock");
	st->table.slots = (struct entry *)(st + 1);
	st->table.mask = slots - 1;
	return 0;
}

/* Take the shared table's lock, the simulated GIL released while waiting.
 * A lock whose holder died is taken, and the table marked poisoned. */
static void shared_lock(struct tvp_worker *worker, struct shared_table *st)
{
	if (worker->gil)
		tvp_gil_block_begin(worker->gil);
	if (pthread_mutex_lock(&st->lock) == EOWNERDEAD) {
		st->poisoned = true;
		pthread_mutex_consistent(&st->lock);
	}
	if (worker->gil)
		tvp_gil_block_end(worker->gil);
}

/* Merge the task's table t into the shared one, under its lock. */
static void shared_merge(struct tvp_worker *worker, struct shared_table *st, const struct table *t)
{
	shared_lock(worker, st);
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].len) {
			table_add(&st->table, t->slots[i].word, t->slots[i].len, t->slots[i].count);
			tvp_tick(worker);
		}
	pthread_mutex_unlock(&st->lock);
}

static int wordcount_prepare(struct tvp_job *job)
{
	struct wordcount *wc = tvp_xcalloc(1, sizeof *wc);
	job->state = wc;
	wc->words = tvp_param_u64(job, "words");
	wc->vocab = tvp_param_u64(job, "vocab");
	wc->block = tvp_param_u64(job, "block");
	if (wc->words == 0 || wc->words > MAX_WORDS)
		return tvp_err(TVP_EUSAGE, "wordcount: --words must be 1 to %llu", MAX_WORDS);
	if (wc->vocab == 0 || wc->vocab > MAX_VOCAB)
		return tvp_err(TVP_EUSAGE, "wordcount: --vocab must be 1 to %llu", MAX_VOCAB);
	if (wc->block == 0)
		return tvp_err(TVP_EUSAGE, "wordcount: --block must be at least 1");
	const char *table = tvp_param_text(job, "table");
	if (strcmp(table, "private") != 0 && strcmp(table, "shared") != 0)
		return tvp_err(TVP_EUSAGE, "wordcount: --table must be private or shared, not '%s'", table);
	wc->shared = strcmp(table, "shared") == 0;
	if (wc->shared && job->ranks) /* its table is MAP_SHARED memory, made here: forks inherit it */
		return tvp_err(TVP_EUSAGE, "wordcount: --table shared needs workers that share tvp's memory "
			       "(threads, or processes forked from it), not separate programs (ranks)");
	job->units = (size_t)((wc->words + wc->block - 1) / wc->block);
	job->default_chunk = 1;
	return wc->shared ? shared_table_open(wc) : 0;
}

/* Words [first, end) of the task. */
static void task_words(const struct wordcount *wc, struct tvp_task task, uint64_t *first, uint64_t *end)
{
	*first = task.first * wc->block;
	*end = min_u64(wc->words, (task.first + task.count) * wc->block);
}

static void wordcount_kernel(struct tvp_worker *worker, struct tvp_task task,
			     const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct wordcount *wc = worker->job->state;
	uint64_t first, end;
	task_words(wc, task, &first, &end);
	struct table t;
	table_init(&t, min_u64(wc->vocab, end - first));
	char word[WORD_MAX];
	for (uint64_t i = first; i < end; i++) {
		uint8_t len = spell(rank_of(wc, i), word);
		table_add(&t, word, len, 1);
		tvp_tick(worker);
	}
	if (wc->shared) { /* merge in place; only the number of words travels */
		shared_merge(worker, wc->table, &t);
		uint64_t counted = end - first;
		tvp_emit(worker, &counted, sizeof counted);
		free(t.slots);
		return;
	}
	/* Serialise: one length byte, the letters, the count. */
	for (size_t i = 0; i <= t.mask; i++) {
		const struct entry *e = &t.slots[i];
		if (e->len == 0)
			continue;
		tvp_emit(worker, &e->len, 1);
		tvp_emit(worker, e->word, e->len);
		tvp_emit(worker, &e->count, sizeof e->count);
	}
	free(t.slots);
}

static size_t wordcount_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	const struct wordcount *wc = job->state;
	uint64_t first, end;
	task_words(wc, task, &first, &end);
	if (wc->shared)
		return sizeof(uint64_t);
	return (size_t)min_u64(wc->vocab, end - first) * (1 + WORD_MAX + sizeof(uint64_t));
}

static int by_word(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	uint8_t len = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->word, y->word, len);
	return c ? c : (int)x->len - (int)y->len;
}

/* Sort count entries by word and checksum "word count\n" lines (FNV-1a). */
static void answer_of(struct entry *entries, size_t count, char answer[TVP_ANSWER_MAX])
{
	qsort(entries, count, sizeof *entries, by_word);
	uint64_t h = TVP_FNV_OFFSET, total = 0;
	for (size_t i = 0; i < count; i++) {
		char line[64];
		int n = snprintf(line, sizeof line, "%.*s %llu\n", entries[i].len, entries[i].word,
				 (unsigned long long)entries[i].count);
		h = tvp_fnv1a(h, line, (size_t)n);
		total += entries[i].count;
	}
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)h);
}

/* The entries of t (count of them in *n), in a new array; t's slots zeroed when clear. */
static struct entry *entries_of(struct table *t, size_t *n, bool clear)
{
	struct entry *entries = tvp_xmalloc((t->used ? t->used : 1) * sizeof *entries);
	*n = 0;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].len) {
			entries[(*n)++] = t->slots[i];
			if (clear)
				t->slots[i] = (struct entry){0};
		}
	if (clear)
		t->used = 0;
	return entries;
}

/* --table shared: check every task counted its words, sort and checksum the
 * shared table, and empty it for the next run. */
static int shared_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
			 size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	struct wordcount *wc = job->state;
	struct shared_table *st = wc->table;
	uint64_t counted;
	int status = tvp_sum_u64("wordcount", ordered, ntasks, &counted);
	if (status)
		return status;
	if (counted != wc->words)
		return tvp_err(TVP_ERUNTIME, "wordcount: the tasks say they counted %llu words, not %llu",
			       (unsigned long long)counted, (unsigned long long)wc->words);
	if (st->poisoned)
		return tvp_err(TVP_ERUNTIME, "wordcount: a worker died holding the shared table's lock");
	size_t n;
	struct entry *entries = entries_of(&st->table, &n, true);
	answer_of(entries, n, answer);
	free(entries);
	wc->last_bytes = 0;
	wc->last_distinct = n;
	return 0;
}

static int wordcount_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
			    size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	struct wordcount *wc = job->state;
	if (wc->shared)
		return shared_reduce(job, ordered, ntasks, answer);
	struct table merged;
	table_init(&merged, wc->vocab);
	uint64_t bytes = 0;
	for (size_t k = 0; k < ntasks; k++) {
		const unsigned char *p = ordered[k]->buf.data, *end = p + ordered[k]->buf.len;
		bytes += ordered[k]->buf.len;
		while (p < end) {
			uint8_t len = *p;
			uint64_t count;
			if (len == 0 || len > WORD_MAX || (size_t)(end - p) < 1 + len + sizeof count) {
				free(merged.slots);
				return tvp_err(TVP_ERUNTIME, "wordcount: a garbled table from the task at unit %zu",
					       ordered[k]->first);
			}
			memcpy(&count, p + 1 + len, sizeof count);
			table_add(&merged, (const char *)p + 1, len, count);
			p += 1 + len + sizeof count;
		}
	}
	size_t n;
	struct entry *entries = entries_of(&merged, &n, false);
	free(merged.slots);
	answer_of(entries, n, answer);
	free(entries);
	wc->last_bytes = bytes;
	wc->last_distinct = n;
	return 0;
}

/* The reference: a plain array of counts by rank, then the same sorted checksum. */
static int wordcount_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct wordcount *wc = job->state;
	uint64_t *counts = tvp_xcalloc(wc->vocab, sizeof *counts);
	for (uint64_t i = 0; i < wc->words; i++)
		counts[rank_of(wc, i)]++;
	struct entry *entries = tvp_xmalloc(wc->vocab * sizeof *entries);
	size_t n = 0;
	for (uint64_t r = 0; r < wc->vocab; r++)
		if (counts[r]) {
			entries[n].len = spell(r, entries[n].word);
			entries[n].count = counts[r];
			n++;
		}
	free(counts);
	answer_of(entries, n, answer);
	free(entries);
	return 0;
}

/* After the last run: what moved from the workers to the parent. */
static int wordcount_finish(struct tvp_job *job, const struct tvp_result *const *ordered, size_t ntasks)
{
	(void)ordered;
	const struct wordcount *wc = job->state;
	fprintf(stderr, "wordcount: %llu distinct words; %llu bytes of partial tables from %zu tasks in the last run%s\n",
		(unsigned long long)wc->last_distinct, (unsigned long long)wc->last_bytes, ntasks,
		wc->shared ? " (--table shared: merged in place under one lock)" : "");
	return 0;
}

static void wordcount_release(struct tvp_job *job)
{
	struct wordcount *wc = job->state;
	if (wc && wc->table) {
		pthread_mutex_destroy(&wc->table->lock);
		tvp_shared_free(wc->table, wc->table_size);
	}
	tvp_release_state(job);
}

const struct tvp_workload tvp_workload_wordcount = {
	.name = "wordcount",
	.summary = "count words into partial tables that must travel and merge (threads win as --vocab grows)",
	.reference = "a serial count by rank in a plain array, sorted and checksummed",
	.opts = wordcount_opts,
	.prepare = wordcount_prepare,
	.reference_answer = wordcount_reference,
	.kernel = wordcount_kernel,
	.result_bound = wordcount_result_bound,
	.reduce = wordcount_reduce,
	.finish = wordcount_finish,
	.release = wordcount_release,
};
