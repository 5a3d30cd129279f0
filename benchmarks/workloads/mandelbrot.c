/* mandelbrot.c - escape-time Mandelbrot iteration counts, one unit per image row (the Edinburgh talk). */
#define _GNU_SOURCE
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../hash.h"
#include "../outfile.h"
#include "../plugin.h"

#define MAX_SIDE 100000            /* --width and --height at most this */
#define MAX_PIXELS 100000000ULL    /* and width x height at most this */
#define MAX_ITERATIONS 1000000000ULL
/* A tick every this many iterations of the escape loop, counted across
 * pixels: one iteration is a few nanoseconds (a chain of dependent
 * multiplies and adds), so 5 of them are ~14 ns, as long as CPython 2.7
 * runs between two of its ticks in _calc_point. Measured with the
 * semaphore probe: CPython 2.7.18 took its lock 0.62-0.74 million times a
 * second of serial work, tvp 0.67-0.70 million (0.43 million at 8
 * iterations a tick). Coarser ticks (256: ~0.7 us) made --gil legacy
 * release the lock too rarely to reproduce CPython 2's convoy (2 threads:
 * 1.06x serial instead of ~1.7x). */
#define TICK_EVERY 5

struct mandelbrot {
	size_t width, height;
	uint32_t iterations;
	double centre_re, centre_im;
	double step;        /* complex-plane distance between pixel centres */
	size_t count_bytes; /* 1, 2 or 4: the smallest that holds --iterations */
	const char *image;  /* --image FILE, or NULL */
	struct tvp_outfile image_out; /* open from prepare to finish */
};

static const struct tvp_opt mandelbrot_opts[] = {
	{"width", TVP_OPT_U64, "W", "800", "image width in pixels"},
	{"height", TVP_OPT_U64, "H", "600", "image height in pixels: one unit of work per row"},
	{"iterations", TVP_OPT_U64, "I", "256", "most iterations per pixel (the talk: 256 and 20000)"},
	{"centre-re", TVP_OPT_DOUBLE, "X", "-0.5", "real part of the image centre"},
	{"centre-im", TVP_OPT_DOUBLE, "Y", "0", "imaginary part of the image centre"},
	{"span", TVP_OPT_DOUBLE, "S", "3", "width of the view on the real axis (pixels are square)"},
	{"image", TVP_OPT_TEXT, "FILE", NULL, "write the counts: FILE.png in colour, any other name PGM"},
	{NULL},
};

/* The escape-time loop of the talk's C _calc_point: the number of
 * iterations of z = z*z + c, from z = 0 and c = x0 + i*y0, before |z|
 * reaches 2; max_iterations if it never does (the talk returned -1 there).
 * Ticks the worker every TICK_EVERY iterations, counted down in *countdown
 * across calls so that short pixels add up too. */
static uint32_t calc_point(double x0, double y0, uint32_t max_iterations,
			   struct tvp_worker *worker, uint32_t *countdown)
{
	double x_temp;
	double x = 0.0;
	double y = 0.0;
	for (uint32_t i = 0; i < max_iterations; i++) {
		if (x * x + y * y >= 4.0)
			return i;
		x_temp = x * x - y * y + x0;
		y = 2 * x * y + y0;
		x = x_temp;
		if (--*countdown == 0) {
			*countdown = TICK_EVERY;
			tvp_tick(worker);
		}
	}
	return max_iterations;
}

/* The complex coordinates of the centre of pixel (col, row); row 0 is the
 * top of the image, so the imaginary part falls as row grows. */
static double pixel_re(const struct mandelbrot *m, size_t col)
{
	return m->centre_re + ((double)col - (double)(m->width - 1) / 2) * m->step;
}

static double pixel_im(const struct mandelbrot *m, size_t row)
{
	return m->centre_im + ((double)(m->height - 1) / 2 - (double)row) * m->step;
}

/* Store and load one count at index i of an array of counts of size bytes
 * each, in the machine's byte order (results never leave the machine). */
static void put_count(unsigned char *counts, size_t i, size_t bytes, uint32_t value)
{
	if (bytes == 1) {
		counts[i] = (unsigned char)value;
	} else if (bytes == 2) {
		uint16_t v = (uint16_t)value;
		memcpy(counts + 2 * i, &v, 2);
	} else {
		memcpy(counts + 4 * i, &value, 4);
	}
}

static uint32_t get_count(const unsigned char *counts, size_t i, size_t bytes)
{
	if (bytes == 1)
		return counts[i];
	if (bytes == 2) {
		uint16_t v;
		memcpy(&v, counts + 2 * i, 2);
		return v;
	}
	uint32_t v;
	memcpy(&v, counts + 4 * i, 4);
	return v;
}

/* The checksum of the answer: FNV-1a (64 bit) over every count as four
 * little-endian bytes, in raster order, so it does not depend on how
 * counts are stored or on how rows were shared out. */
static uint64_t checksum_add(uint64_t hash, uint32_t count)
{
	const unsigned char little_endian[4] = {(unsigned char)count, (unsigned char)(count >> 8),
						(unsigned char)(count >> 16), (unsigned char)(count >> 24)};
	return tvp_fnv1a(hash, little_endian, sizeof little_endian);
}

static void checksum_format(uint64_t hash, char answer[TVP_ANSWER_MAX])
{
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)hash);
}

static int mandelbrot_prepare(struct tvp_job *job)
{
	struct mandelbrot *m = tvp_xcalloc(1, sizeof *m);
	job->state = m;
	uint64_t width = tvp_param_u64(job, "width");
	uint64_t height = tvp_param_u64(job, "height");
	uint64_t iterations = tvp_param_u64(job, "iterations");
	double span = tvp_param_double(job, "span");
	m->centre_re = tvp_param_double(job, "centre-re");
	m->centre_im = tvp_param_double(job, "centre-im");
	m->image = tvp_param_text(job, "image");

	if (width == 0 || height == 0)
		return tvp_err(TVP_EUSAGE, "mandelbrot: the image has no pixels (--width %llu --height %llu)",
			       (unsigned long long)width, (unsigned long long)height);
	if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS)
		return tvp_err(TVP_EUSAGE, "mandelbrot: %llux%llu is too large (each side at most %d, "
			       "at most %llu pixels)", (unsigned long long)width,
			       (unsigned long long)height, MAX_SIDE, MAX_PIXELS);
	if (iterations == 0 || iterations > MAX_ITERATIONS)
		return tvp_err(TVP_EUSAGE, "mandelbrot: --iterations must be from 1 to %llu, not %llu",
			       MAX_ITERATIONS, (unsigned long long)iterations);
	if (!(span > 0))
		return tvp_err(TVP_EUSAGE, "mandelbrot: --span %g leaves a region with no pixels "
			       "(it must be above 0)", span);
	m->width = (size_t)width;
	m->height = (size_t)height;
	m->iterations = (uint32_t)iterations;
	m->step = span / (double)width;
	/* The corners must be finite, and neighbouring pixels distinct numbers
	 * at both edges: a view narrower than double precision resolves has no
	 * pixels either. */
	double half_w = span / 2, half_h = m->step * (double)height / 2;
	double corners[] = {m->centre_re - half_w, m->centre_re + half_w,
			    m->centre_im - half_h, m->centre_im + half_h};
	for (size_t i = 0; i < 4; i++)
		if (!isfinite(corners[i]))
			return tvp_err(TVP_EUSAGE, "mandelbrot: the region (centre %g%+gi, span %g) "
				       "is beyond the range of double", m->centre_re, m->centre_im, span);
	size_t w = m->width, h = m->height;
	if ((w > 1 && (pixel_re(m, 0) == pixel_re(m, 1) || pixel_re(m, w - 2) == pixel_re(m, w - 1))) ||
	    (h > 1 && (pixel_im(m, 0) == pixel_im(m, 1) || pixel_im(m, h - 2) == pixel_im(m, h - 1))))
		return tvp_err(TVP_EUSAGE, "mandelbrot: --span %g is too small at centre %g%+gi: "
			       "neighbouring pixels are the same double", span, m->centre_re,
			       m->centre_im);
	m->count_bytes = iterations <= UINT8_MAX ? 1 : iterations <= UINT16_MAX ? 2 : 4;
	/* Opened now, so a bad name is bad input before any work is done;
	 * named only when the image is complete (outfile.h). */
	if (m->image && tvp_outfile_open(&m->image_out, m->image, "--image"))
		return TVP_EUSAGE;

	job->units = m->height;
	job->default_chunk = 1; /* dynamic and random: row by row, as the talk's "line" plotters */
	return 0;
}

/* The rows of task, each emitted as width counts of count_bytes each. */
static void mandelbrot_kernel(struct tvp_worker *worker, struct tvp_task task,
			      const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct mandelbrot *m = worker->job->state;
	unsigned char *counts = tvp_xmalloc(m->width * m->count_bytes);
	uint32_t countdown = TICK_EVERY;
	for (size_t row = task.first; row < task.first + task.count; row++) {
		double y0 = pixel_im(m, row);
		for (size_t col = 0; col < m->width; col++) {
			uint32_t n = calc_point(pixel_re(m, col), y0, m->iterations, worker, &countdown);
			put_count(counts, col, m->count_bytes, n);
		}
		tvp_emit(worker, counts, m->width * m->count_bytes);
	}
	free(counts);
}

static size_t mandelbrot_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	const struct mandelbrot *m = job->state;
	return task.count * m->width * m->count_bytes;
}

/* 0 when every result holds exactly its rows; else one line, TVP_ERUNTIME. */
static int check_results(const struct mandelbrot *m, const struct tvp_result *const *ordered,
			 size_t ntasks)
{
	size_t next_row = 0;
	for (size_t k = 0; k < ntasks; k++) {
		const struct tvp_result *r = ordered[k];
		size_t want = r->count * m->width * m->count_bytes;
		if (r->first != next_row || r->buf.len != want)
			return tvp_err(TVP_ERUNTIME, "mandelbrot: task at row %zu returned %zu bytes "
				       "for %zu rows, not %zu", r->first, r->buf.len, r->count, want);
		next_row += r->count;
	}
	if (next_row != m->height)
		return tvp_err(TVP_ERUNTIME, "mandelbrot: results cover %zu rows, not %zu", next_row,
			       m->height);
	return 0;
}

static int mandelbrot_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
			     size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	const struct mandelbrot *m = job->state;
	int status = check_results(m, ordered, ntasks);
	if (status)
		return status;
	uint64_t hash = TVP_FNV_OFFSET;
	for (size_t k = 0; k < ntasks; k++) {
		size_t pixels = ordered[k]->count * m->width;
		for (size_t i = 0; i < pixels; i++)
			hash = checksum_add(hash, get_count(ordered[k]->buf.data, i, m->count_bytes));
	}
	checksum_format(hash, answer);
	return 0;
}

/* The reference: one plain loop over every pixel of the image, in raster
 * order, straight into the checksum: no tasks, no buffers, no reduce. */
static int mandelbrot_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct mandelbrot *m = job->state;
	struct tvp_worker quiet = {.job = job}; /* no GIL: the ticks do nothing */
	uint32_t countdown = TICK_EVERY;
	uint64_t hash = TVP_FNV_OFFSET;
	for (size_t row = 0; row < m->height; row++)
		for (size_t col = 0; col < m->width; col++)
			hash = checksum_add(hash, calc_point(pixel_re(m, col), pixel_im(m, row),
							     m->iterations, &quiet, &countdown));
	checksum_format(hash, answer);
	return 0;
}

/* ---- Writing the image after the last repeat. */

/* Binary PGM (P5) of the raw counts: maxval is --iterations (scaled down to
 * 65535 when larger), so the set itself, at the most iterations, is white. */
static bool write_pgm(FILE *out, const struct mandelbrot *m,
		      const struct tvp_result *const *ordered, size_t ntasks)
{
	uint32_t maxval = m->iterations <= UINT16_MAX ? m->iterations : UINT16_MAX;
	fprintf(out, "P5\n%zu %zu\n%u\n", m->width, m->height, (unsigned)maxval);
	for (size_t k = 0; k < ntasks; k++) {
		size_t pixels = ordered[k]->count * m->width;
		for (size_t i = 0; i < pixels; i++) {
			uint64_t v = get_count(ordered[k]->buf.data, i, m->count_bytes);
			if (m->iterations > UINT16_MAX)
				v = v * UINT16_MAX / m->iterations;
			if (maxval > UINT8_MAX)
				putc((int)(v >> 8), out); /* PGM's two-byte samples are big-endian */
			putc((int)(v & 0xff), out);
		}
	}
	return !ferror(out);
}

/* The colour of a count: the set black; outside it a gradient from dark
 * blue through white to orange, by log(count) / log(iterations). */
static void colour_of(uint32_t count, uint32_t iterations, png_byte rgb[3])
{
	static const png_byte stops[][3] = {
		{0, 7, 100}, {32, 107, 203}, {237, 255, 255}, {255, 170, 0}, {80, 20, 0},
	};
	enum { NSTOPS = sizeof stops / sizeof *stops };
	if (count >= iterations) {
		rgb[0] = rgb[1] = rgb[2] = 0;
		return;
	}
	double t = count <= 1 || iterations <= 2 ? 0 : log((double)count) / log((double)iterations);
	double at = t * (NSTOPS - 1);
	size_t lo = (size_t)at;
	if (lo >= NSTOPS - 1)
		lo = NSTOPS - 2;
	double frac = at - (double)lo;
	for (int c = 0; c < 3; c++)
		rgb[c] = (png_byte)lround(stops[lo][c] + frac * (stops[lo + 1][c] - stops[lo][c]));
}

/* PNG, 8-bit RGB, through libpng; its errors longjmp back here. */
static bool write_png(FILE *out, const struct mandelbrot *m,
		      const struct tvp_result *const *ordered, size_t ntasks)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_bytep row = tvp_xmalloc(3 * m->width);
	volatile bool ok = png && info;
	if (ok && setjmp(png_jmpbuf(png)) == 0) {
		png_init_io(png, out);
		png_set_IHDR(png, info, (png_uint_32)m->width, (png_uint_32)m->height, 8,
			     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
			     PNG_FILTER_TYPE_DEFAULT);
		png_write_info(png, info);
		for (size_t k = 0; k < ntasks; k++)
			for (size_t r = 0; r < ordered[k]->count; r++) {
				for (size_t col = 0; col < m->width; col++)
					colour_of(get_count(ordered[k]->buf.data, r * m->width + col,
							    m->count_bytes),
						  m->iterations, row + 3 * col);
				png_write_row(png, row);
			}
		png_write_end(png, NULL);
	} else {
		ok = false;
	}
	png_destroy_write_struct(&png, &info);
	free(row);
	return ok && !ferror(out);
}

static bool is_png_name(const char *path)
{
	size_t len = strlen(path);
	return len >= 4 && strcasecmp(path + len - 4, ".png") == 0;
}

static int mandelbrot_finish(struct tvp_job *job, const struct tvp_result *const *ordered,
			     size_t ntasks)
{
	struct mandelbrot *m = job->state;
	if (!m->image)
		return 0;
	int status = check_results(m, ordered, ntasks);
	if (status)
		return status;
	tvp_activity_set("writing --image %s", m->image);
	bool ok = is_png_name(m->image) ? write_png(m->image_out.file, m, ordered, ntasks)
					: write_pgm(m->image_out.file, m, ordered, ntasks);
	if (!ok) {
		tvp_syserr(TVP_ERUNTIME, "mandelbrot: cannot write the image to %s", m->image);
		tvp_outfile_discard(&m->image_out);
		return TVP_ERUNTIME;
	}
	return tvp_outfile_commit(&m->image_out);
}

static void mandelbrot_release(struct tvp_job *job)
{
	struct mandelbrot *m = job->state;
	if (m)
		tvp_outfile_discard(&m->image_out);
	tvp_release_state(job);
}

const struct tvp_workload tvp_workload_mandelbrot = {
	.name = "mandelbrot",
	.summary = "escape-time Mandelbrot, one unit per row: uneven rows (the Edinburgh talk)",
	.reference = "checksum of a plain serial loop over every pixel",
	.opts = mandelbrot_opts,
	.prepare = mandelbrot_prepare,
	.reference_answer = mandelbrot_reference,
	.kernel = mandelbrot_kernel,
	.result_bound = mandelbrot_result_bound,
	.reduce = mandelbrot_reduce,
	.finish = mandelbrot_finish,
	.release = mandelbrot_release,
};
