/* hash.h - the one FNV-1a hash and the generators (splitmix64, xorshift64, xorshift64*) every part of tvp uses. */
#ifndef TVP_HASH_H
#define TVP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bit: the checksum of every answer made of bytes. Start from
 * TVP_FNV_OFFSET; a hash continued over two pieces equals the hash of the
 * two pieces joined. */
#define TVP_FNV_OFFSET 0xcbf29ce484222325ULL
#define TVP_FNV_PRIME 0x100000001b3ULL

/* hash continued over len bytes. */
static inline uint64_t tvp_fnv1a(uint64_t hash, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ p[i]) * TVP_FNV_PRIME;
	return hash;
}

/* splitmix64 (Steele, Lea and Flood): a fast, well-mixed generator whose
 * stream is the same on every machine. The golden-ratio step between
 * states: */
#define TVP_SPLITMIX64_STEP 0x9e3779b97f4a7c15ULL

/* The next draw of the stream whose state is *state (advanced). A stream
 * seeded S draws tvp_splitmix64_at(S), then tvp_splitmix64_at(S + STEP)... */
static inline uint64_t tvp_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += TVP_SPLITMIX64_STEP);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The first draw of the stream seeded seed: a hash of one number. */
static inline uint64_t tvp_splitmix64_at(uint64_t seed)
{
	return tvp_splitmix64(&seed);
}

/* xorshift64 (Marsaglia, shifts 13, 7, 17): the next state after *state
 * (stored and returned; 0 stays 0). fill's byte pattern; the schedules
 * draw from the better-mixed xorshift64* below. */
static inline uint64_t tvp_xorshift64(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* xorshift64* (Vigna): the next draw of the stream whose state is *state
 * (advanced; a state of 0 stays 0, so seed with anything else). */
static inline uint64_t tvp_xorshift64s(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif
