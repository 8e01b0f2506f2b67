/* test_trend.c - the rule that calls a series of counts a trend
 * (vs_trend.h), on synthetic series. */
#include "unit.h"
#include "vs_trend.h"

/* The kind the rule gives @n counts sampled every @dt seconds. */
static enum vs_trend_kind kind_of(const uint64_t *y, size_t n, double dt,
				  struct vs_trend_fit *fit)
{
	struct vs_trend t;
	struct vs_trend_fit f;

	vs_trend_init(&t);
	for (size_t i = 0; i < n; i++)
		vs_trend_add(&t, 1.8e9 + (double)i * dt, y[i]);
	vs_trend_fit(&t, &f);
	if (fit)
		*fit = f;
	return f.kind;
}

#define KIND(arr, dt) kind_of(arr, sizeof(arr) / sizeof(*(arr)), dt, NULL)

/* One interval (the dentry +42 of the issue), or three, is no trend. */
static void test_trend_short(void **state)
{
	static const uint64_t one[] = { 120000, 120042 };
	static const uint64_t three[] = { 100, 200, 300, 400 };
	static const uint64_t none[] = { 7 };

	assert_int_equal(KIND(one, 2.0), VS_TREND_SHORT);
	assert_int_equal(KIND(three, 2.0), VS_TREND_SHORT);
	assert_int_equal(KIND(none, 2.0), VS_TREND_SHORT);
	assert_int_equal(kind_of(NULL, 0, 2.0, NULL), VS_TREND_SHORT);
	assert_string_equal(vs_trend_name(VS_TREND_SHORT), "short");
}

/* Steady growth, exact or with noise well under the slope. */
static void test_trend_grows(void **state)
{
	static const uint64_t line[] = { 1000, 1100, 1200, 1300, 1400 };
	static const uint64_t noisy[] = { 1000, 1090, 1230, 1290, 1420, 1480,
					  1610, 1690 };
	static const uint64_t one_dip[] = { 1000, 1100, 1090, 1300, 1400,
					    1500, 1600, 1700, 1800 };
	struct vs_trend_fit f;

	assert_int_equal(kind_of(line, 5, 0.5, &f), VS_TREND_GROWS);
	assert_true(f.have_slope);
	assert_true(f.slope > 199.99 && f.slope < 200.01);	/* 100 / 0.5 s */
	assert_true(f.slope_var < 1e-9);
	assert_int_equal(f.intervals, 4);
	assert_int_equal(KIND(noisy, 1.0), VS_TREND_GROWS);
	/* One fall in eight intervals: still steady. */
	assert_int_equal(KIND(one_dip, 1.0), VS_TREND_GROWS);
}

/* Up beyond noise, but falling in more than a quarter of the intervals. */
static void test_trend_up(void **state)
{
	static const uint64_t saw[] = { 1000, 1300, 1200, 1500, 1400, 1700,
					1600, 1900, 1800 };

	assert_int_equal(KIND(saw, 1.0), VS_TREND_UP);
}

static void test_trend_down(void **state)
{
	static const uint64_t fall[] = { 5000, 4800, 4650, 4400, 4210, 4000 };

	assert_int_equal(KIND(fall, 2.0), VS_TREND_DOWN);
}

/* Noise, a constant, one step, and a slope too small to move one object:
 * no trend. */
static void test_trend_flat(void **state)
{
	static const uint64_t constant[] = { 500, 500, 500, 500, 500, 500 };
	static const uint64_t jitter[] = { 500, 542, 470, 530, 480, 520, 490 };
	static const uint64_t step[] = { 100, 100, 100, 100, 101 };
	static const uint64_t big[] = { UINT64_MAX - 4, UINT64_MAX - 4,
					UINT64_MAX - 4, UINT64_MAX - 4,
					UINT64_MAX - 4 };

	assert_int_equal(KIND(constant, 1.0), VS_TREND_FLAT);
	assert_int_equal(KIND(jitter, 1.0), VS_TREND_FLAT);
	assert_int_equal(KIND(step, 1.0), VS_TREND_FLAT);
	assert_int_equal(KIND(big, 1.0), VS_TREND_FLAT);
}

/* A series that rises once and stays: beyond noise only once the rise is
 * no longer explained by the scatter; a long flat run after it is flat
 * again, not "grows" for ever. */
static void test_trend_step_then_flat(void **state)
{
	uint64_t y[40];

	for (size_t i = 0; i < 40; i++)
		y[i] = i < 2 ? 1000 : 1042;
	assert_int_equal(kind_of(y, 40, 1.0, NULL), VS_TREND_FLAT);
}

/* The running sums agree with a two-pass least-squares fit. */
static void test_trend_matches_two_pass(void **state)
{
	uint64_t y[200];
	double mt = 0, my = 0, stt = 0, sty = 0, b;
	struct vs_trend_fit f;

	for (size_t i = 0; i < 200; i++)
		y[i] = 3000000 + 7 * i + (i * 7919 % 13);
	for (size_t i = 0; i < 200; i++) {
		mt += (double)i * 0.25 / 200;
		my += (double)y[i] / 200;
	}
	for (size_t i = 0; i < 200; i++) {
		stt += ((double)i * 0.25 - mt) * ((double)i * 0.25 - mt);
		sty += ((double)i * 0.25 - mt) * ((double)y[i] - my);
	}
	b = sty / stt;
	assert_int_equal(kind_of(y, 200, 0.25, &f), VS_TREND_GROWS);
	assert_true(f.slope > b - 1e-6 && f.slope < b + 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trend_short),
		cmocka_unit_test(test_trend_grows),
		cmocka_unit_test(test_trend_up),
		cmocka_unit_test(test_trend_down),
		cmocka_unit_test(test_trend_flat),
		cmocka_unit_test(test_trend_step_then_flat),
		cmocka_unit_test(test_trend_matches_two_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
