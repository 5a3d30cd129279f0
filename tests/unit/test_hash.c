/* test_hash.c - the one FNV-1a and the generators give the published streams (answers depend on them). */
#include <criterion/criterion.h>

#include "../../benchmarks/hash.h"

Test(hash, fnv1a_matches_the_published_vectors)
{
	cr_assert_eq(tvp_fnv1a(TVP_FNV_OFFSET, "", 0), 0xcbf29ce484222325ULL);
	cr_assert_eq(tvp_fnv1a(TVP_FNV_OFFSET, "a", 1), 0xaf63dc4c8601ec8cULL);
	cr_assert_eq(tvp_fnv1a(TVP_FNV_OFFSET, "foobar", 6), 0x85944171f73967e8ULL);
}

Test(hash, fnv1a_continued_over_pieces_is_the_hash_of_the_whole)
{
	uint64_t pieces = tvp_fnv1a(tvp_fnv1a(TVP_FNV_OFFSET, "foo", 3), "bar", 3);
	cr_assert_eq(pieces, tvp_fnv1a(TVP_FNV_OFFSET, "foobar", 6));
}

/* The first draws of next from seed are want[0 .. count). */
static void expect_stream(const char *name, uint64_t (*next)(uint64_t *), uint64_t seed,
			  const uint64_t *want, size_t count)
{
	uint64_t state = seed;
	for (size_t i = 0; i < count; i++) {
		uint64_t got = next(&state);
		cr_assert_eq(got, want[i], "%s seeded %llu, draw %zu: %016llx, not %016llx", name,
			     (unsigned long long)seed, i, (unsigned long long)got,
			     (unsigned long long)want[i]);
	}
}

Test(hash, generators_match_the_reference_streams)
{
	/* splitmix64 seeded 0: Vigna's splitmix64.c; the rest computed in Python. */
	static const uint64_t splitmix_0[] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
					      0x06c45d188009454fULL};
	static const uint64_t splitmix_1234567[] = {0x599ed017fb08fc85ULL, 0x2c73f08458540fa5ULL,
						    0x883ebce5a3f27c77ULL};
	static const uint64_t xorshift_star_1[] = {0x47e4ce4b896cdd1dULL, 0xabcfa6a8e079651dULL,
						   0xb9d10d8feb731f57ULL};
	static const uint64_t xorshift_1[] = {0x40822041ULL, 0x100041060c011441ULL,
					      0x9b1e842f6e862629ULL};
	expect_stream("splitmix64", tvp_splitmix64, 0, splitmix_0, 3);
	expect_stream("splitmix64", tvp_splitmix64, 1234567, splitmix_1234567, 3);
	expect_stream("xorshift64*", tvp_xorshift64s, 1, xorshift_star_1, 3);
	expect_stream("xorshift64", tvp_xorshift64, 1, xorshift_1, 3);
}

Test(hash, splitmix64_at_is_the_first_draw_of_a_stream)
{
	cr_assert_eq(tvp_splitmix64_at(1234567), 0x599ed017fb08fc85ULL);
	cr_assert_eq(tvp_splitmix64_at(1234567 + TVP_SPLITMIX64_STEP), 0x2c73f08458540fa5ULL);
}
