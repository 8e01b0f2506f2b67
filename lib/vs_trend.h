/* vs_trend.h - whether a series of counts grows, by a stated rule.
 *
 * vmslab --watch asks of each cache whether its objects in use grow: one
 * rise between two samples is noise (dentry +42), a leak is a rise that
 * lasts. The rule, over every sample since the series began:
 *
 *   - fewer than VS_TREND_MIN_INTERVALS intervals: no trend yet (short);
 *   - the least-squares slope of the count against time, and its standard
 *     error from the scatter of the samples about that line, decide: a
 *     slope is beyond noise when it exceeds VS_TREND_SIGMAS standard
 *     errors and the fitted line moves by at least one object over the
 *     series; otherwise the series is flat;
 *   - a slope up beyond noise is "grows" when the count fell in at most a
 *     quarter of the intervals (steady growth, a leak's signature), else
 *     "up"; a slope down beyond noise is "down".
 *
 * The sums are kept as running means and co-moments (Welford), so a long
 * --watch costs the same memory as a short one.
 */
#ifndef VS_TREND_H
#define VS_TREND_H

#include <stdint.h>

#define VS_TREND_MIN_INTERVALS 4	/* intervals before any trend */
#define VS_TREND_SIGMAS 3.0		/* standard errors a slope must pass */

enum vs_trend_kind {
	VS_TREND_SHORT,		/* too few intervals to say */
	VS_TREND_FLAT,		/* no slope beyond noise */
	VS_TREND_GROWS,		/* up beyond noise, falling in <= 1/4 */
	VS_TREND_UP,		/* up beyond noise, with more falls */
	VS_TREND_DOWN,		/* down beyond noise */
};

/* A series of (time, count) samples. */
struct vs_trend {
	unsigned n;		/* samples */
	double t0, y0;		/* the first sample: the origin */
	double mean_t, mean_y;	/* means, relative to the origin */
	double m_tt, m_ty, m_yy;	/* sums of products of deviations */
	double last_t;		/* the last sample's time, relative */
	uint64_t last;		/* the last sample's count */
	unsigned rose, fell;	/* intervals in which the count moved */
};

/* What the rule found. */
struct vs_trend_fit {
	enum vs_trend_kind kind;
	unsigned intervals;	/* samples less one */
	double slope;		/* counts per second; 0 when unknown */
	double slope_var;	/* its variance (the standard error,
				 * squared) */
	int have_slope;		/* slope and slope_se are known (>= 3
				 * samples over some time) */
};

void vs_trend_init(struct vs_trend *t);

/* Add the sample @count at @time (seconds; any origin, increasing). */
void vs_trend_add(struct vs_trend *t, double time, uint64_t count);

/* Apply the rule to the samples so far. */
void vs_trend_fit(const struct vs_trend *t, struct vs_trend_fit *fit);

/* "short", "flat", "grows", "up" or "down". */
const char *vs_trend_name(enum vs_trend_kind k);

#endif
