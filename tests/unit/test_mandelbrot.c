/* test_mandelbrot.c - the Mandelbrot kernel: known pixels, count widths, and reduce against the reference. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../benchmarks/plugin.h"

extern const struct tvp_workload tvp_workload_mandelbrot;
static const struct tvp_workload *const wl = &tvp_workload_mandelbrot;

/* The option values of a job, as text, in the order of the workload's table. */
struct image_args {
	const char *width, *height, *iterations, *centre_re, *centre_im, *span;
};

#define NPARAMS 7

/* A job as the CLI would make it (no --image). */
static void make_job(struct tvp_job *job, struct tvp_param *params, struct image_args a)
{
	const char *values[NPARAMS] = {a.width, a.height, a.iterations, a.centre_re, a.centre_im,
				       a.span, NULL};
	memset(job, 0, sizeof *job);
	job->workload = wl;
	job->params = params;
	job->nparams = NPARAMS;
	for (size_t i = 0; i < NPARAMS; i++) {
		const struct tvp_opt *opt = &wl->opts[i];
		cr_assert_not_null(opt->name);
		params[i] = (struct tvp_param){.opt = opt, .text = values[i], .given = values[i] != NULL};
		if (opt->kind == TVP_OPT_U64)
			cr_assert_eq(tvp_parse_u64(values[i], &params[i].u64), 0);
		else if (opt->kind == TVP_OPT_DOUBLE)
			cr_assert_eq(tvp_parse_double(values[i], &params[i].real), 0);
	}
	cr_assert_null(wl->opts[NPARAMS].name, "the option table changed: update the test");
}

/* The counts of rows [first, first + count), as the kernel emits them. */
static struct tvp_buf run_rows(struct tvp_job *job, size_t first, size_t count)
{
	struct tvp_buf out = {0};
	struct tvp_worker worker = {.job = job, .out = &out};
	wl->kernel(&worker, (struct tvp_task){first, count}, NULL, 0);
	cr_assert_eq(out.len, wl->result_bound(job, (struct tvp_task){first, count}));
	return out;
}

/* The iteration count of the one pixel of a 1x1 image centred on c. */
static uint32_t count_at(const char *re, const char *im, const char *iterations)
{
	struct tvp_job job;
	struct tvp_param params[NPARAMS];
	make_job(&job, params, (struct image_args){"1", "1", iterations, re, im, "0.01"});
	cr_assert_eq(wl->prepare(&job), 0);
	struct tvp_buf out = run_rows(&job, 0, 1);
	uint32_t count = 0;
	if (out.len == 1) {
		count = out.data[0];
	} else if (out.len == 2) {
		uint16_t v;
		memcpy(&v, out.data, 2);
		count = v;
	} else {
		cr_assert_eq(out.len, 4);
		memcpy(&count, out.data, 4);
	}
	tvp_buf_free(&out);
	wl->release(&job);
	return count;
}

Test(mandelbrot, points_inside_the_set_reach_the_most_iterations)
{
	cr_assert_eq(count_at("0", "0", "1000"), 1000);
	cr_assert_eq(count_at("-1", "0", "1000"), 1000);     /* the period-2 bulb */
	cr_assert_eq(count_at("-0.1", "0.1", "1000"), 1000); /* the main cardioid */
	cr_assert_eq(count_at("0", "1", "1000"), 1000);      /* i: a preperiodic point */
	cr_assert_eq(count_at("0.25", "0", "70000"), 70000); /* the cusp, with 4-byte counts */
}

Test(mandelbrot, points_far_outside_escape_at_once)
{
	/* z1 = c is already outside the circle |z| = 2: escape at iteration 1. */
	cr_assert_eq(count_at("2", "2", "1000"), 1);
	cr_assert_eq(count_at("3", "0", "1000"), 1);
	cr_assert_eq(count_at("-2", "0", "1000"), 1); /* |z1| = 2 counts as out, as in the talk */
	cr_assert_eq(count_at("-50", "-50", "20000"), 1);
}

Test(mandelbrot, points_near_the_edge_match_counts_worked_out_by_hand)
{
	/* c = 0.5: z = 0.5, 0.75, 1.0625, 1.63, 3.15: |z|^2 >= 4 first at i = 5. */
	cr_assert_eq(count_at("0.5", "0", "1000"), 5);
	cr_assert_eq(count_at("1", "0", "1000"), 2);
	cr_assert_eq(count_at("0.26", "0", "1000"), 30);
	cr_assert_eq(count_at("-0.75", "0.1", "1000"), 33);
	/* fewer iterations than the escape needs: the count stops at the most */
	cr_assert_eq(count_at("0.26", "0", "20"), 20);
}

Test(mandelbrot, counts_use_the_smallest_integer_that_holds_the_iterations)
{
	const char *iterations[] = {"255", "256", "65535", "65536", "20000"};
	size_t bytes[] = {1, 2, 2, 4, 2};
	for (size_t i = 0; i < 5; i++) {
		struct tvp_job job;
		struct tvp_param params[NPARAMS];
		make_job(&job, params, (struct image_args){"10", "4", iterations[i], "-0.5", "0", "3"});
		cr_assert_eq(wl->prepare(&job), 0);
		cr_assert_eq(job.units, 4, "units are rows");
		size_t bound = wl->result_bound(&job, (struct tvp_task){1, 3});
		cr_assert_eq(bound, 3 * 10 * bytes[i], "--iterations %s: %zu bytes for 3 rows of 10",
			     iterations[i], bound);
		wl->release(&job);
	}
}

Test(mandelbrot, an_image_centred_on_the_real_axis_is_symmetric)
{
	struct tvp_job job;
	struct tvp_param params[NPARAMS];
	make_job(&job, params, (struct image_args){"61", "40", "500", "-0.5", "0", "3"});
	cr_assert_eq(wl->prepare(&job), 0);
	struct tvp_buf image = run_rows(&job, 0, 40);
	size_t row_bytes = 61 * 2;
	for (size_t r = 0; r < 20; r++)
		cr_assert_eq(memcmp(image.data + r * row_bytes, image.data + (39 - r) * row_bytes,
				    row_bytes), 0, "row %zu differs from row %zu", r, 39 - r);
	tvp_buf_free(&image);
	wl->release(&job);
}

/* Split the image into tasks of chunk rows, run each, reduce in order. */
static void reduce_in_chunks(struct tvp_job *job, size_t chunk, char answer[TVP_ANSWER_MAX])
{
	size_t ntasks = (job->units + chunk - 1) / chunk;
	/* results are cache-line aligned: calloc would not do */
	struct tvp_result *results = aligned_alloc(TVP_CACHE_LINE, ntasks * sizeof *results);
	memset(results, 0, ntasks * sizeof *results);
	const struct tvp_result **ordered = calloc(ntasks, sizeof *ordered);
	for (size_t k = 0; k < ntasks; k++) {
		size_t first = k * chunk;
		size_t count = first + chunk <= job->units ? chunk : job->units - first;
		results[k].first = first;
		results[k].count = count;
		results[k].buf = run_rows(job, first, count);
		ordered[k] = &results[k];
	}
	cr_assert_eq(wl->reduce(job, ordered, ntasks, answer), 0);
	for (size_t k = 0; k < ntasks; k++)
		tvp_buf_free(&results[k].buf);
	free(results);
	free(ordered);
}

Test(mandelbrot, reduce_of_any_chunking_equals_the_serial_reference)
{
	const char *iterations[] = {"100", "300", "70000"};
	for (size_t i = 0; i < 3; i++) {
		struct tvp_job job;
		struct tvp_param params[NPARAMS];
		make_job(&job, params, (struct image_args){"37", "23", iterations[i], "-0.7", "0.2", "2.5"});
		cr_assert_eq(wl->prepare(&job), 0);
		char reference[TVP_ANSWER_MAX], answer[TVP_ANSWER_MAX];
		cr_assert_eq(wl->reference_answer(&job, reference), 0);
		cr_assert_eq(strlen(reference), 16, "a 64-bit checksum in hex: %s", reference);
		size_t chunks[] = {1, 2, 5, 22, 23, 100};
		for (size_t c = 0; c < 6; c++) {
			reduce_in_chunks(&job, chunks[c], answer);
			cr_assert_str_eq(answer, reference, "iterations %s, chunk %zu", iterations[i],
					 chunks[c]);
		}
		wl->release(&job);
	}
}

Test(mandelbrot, the_checksum_sees_a_changed_pixel_and_a_short_result)
{
	struct tvp_job job;
	struct tvp_param params[NPARAMS];
	make_job(&job, params, (struct image_args){"16", "8", "200", "-0.5", "0", "3"});
	cr_assert_eq(wl->prepare(&job), 0);
	char reference[TVP_ANSWER_MAX], answer[TVP_ANSWER_MAX];
	cr_assert_eq(wl->reference_answer(&job, reference), 0);
	struct tvp_result result = {.first = 0, .count = 8, .buf = run_rows(&job, 0, 8)};
	const struct tvp_result *ordered[] = {&result};
	result.buf.data[37] ^= 1;
	cr_assert_eq(wl->reduce(&job, ordered, 1, answer), 0);
	cr_assert_str_neq(answer, reference);
	result.buf.len -= 1;
	cr_assert_eq(wl->reduce(&job, ordered, 1, answer), TVP_ERUNTIME);
	tvp_buf_free(&result.buf);
	wl->release(&job);
}

Test(mandelbrot, bad_sizes_and_regions_are_usage_errors)
{
	struct image_args bad[] = {
		{"0", "10", "100", "0", "0", "3"},           /* no columns */
		{"10", "0", "100", "0", "0", "3"},           /* no rows */
		{"200000", "1", "100", "0", "0", "3"},       /* a side too long */
		{"50000", "50000", "100", "0", "0", "3"},    /* too many pixels */
		{"10", "10", "0", "0", "0", "3"},            /* no iterations */
		{"10", "10", "5000000000", "0", "0", "3"},   /* beyond 32-bit counts */
		{"10", "10", "100", "0", "0", "0"},          /* a region with no area */
		{"10", "10", "100", "0", "0", "-2"},
		{"10", "10", "100", "1", "0", "1e-300"},     /* pixels closer than doubles resolve */
		{"10", "10", "100", "1.7e308", "0", "1e308"}, /* corners beyond double */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct tvp_job job;
		struct tvp_param params[NPARAMS];
		make_job(&job, params, bad[i]);
		cr_assert_eq(wl->prepare(&job), TVP_EUSAGE, "case %zu: %sx%s, %s iterations, span %s",
			     i, bad[i].width, bad[i].height, bad[i].iterations, bad[i].span);
		wl->release(&job);
	}
}
