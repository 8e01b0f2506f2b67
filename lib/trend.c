/* trend.c - whether a series of counts grows: the rule of vs_trend.h. */
#include "vs_trend.h"

void vs_trend_init(struct vs_trend *t)
{
	*t = (struct vs_trend){ 0 };
}

void vs_trend_add(struct vs_trend *t, double time, uint64_t count)
{
	double x, y, dx, dy;

	if (t->n == 0) {
		t->t0 = time;
		t->y0 = (double)count;
	} else if (count > t->last) {
		t->rose++;
	} else if (count < t->last) {
		t->fell++;
	}
	x = time - t->t0;
	y = (double)count - t->y0;
	t->n++;
	dx = x - t->mean_t;
	dy = y - t->mean_y;
	t->mean_t += dx / t->n;
	t->mean_y += dy / t->n;
	t->m_tt += dx * (x - t->mean_t);
	t->m_ty += dx * (y - t->mean_y);
	t->m_yy += dy * (y - t->mean_y);
	t->last_t = x;
	t->last = count;
}

void vs_trend_fit(const struct vs_trend *t, struct vs_trend_fit *fit)
{
	double span, ssr, b, var;

	*fit = (struct vs_trend_fit){ .kind = VS_TREND_SHORT };
	fit->intervals = t->n ? t->n - 1 : 0;
	if (t->n < 3 || t->m_tt <= 0)
		return;
	b = t->m_ty / t->m_tt;
	ssr = t->m_yy - b * t->m_ty;	/* the scatter about the line */
	if (ssr < 0)
		ssr = 0;		/* rounding of a perfect line */
	var = ssr / (t->n - 2) / t->m_tt;	/* the slope's variance */
	fit->slope = b;
	fit->slope_var = var;
	fit->have_slope = 1;
	if (fit->intervals < VS_TREND_MIN_INTERVALS)
		return;
	span = t->last_t;		/* the first sample is time 0 */
	/* |b| beyond VS_TREND_SIGMAS standard errors, in squares (no
	 * libm): b^2 > k^2 var. */
	if (b * b <= VS_TREND_SIGMAS * VS_TREND_SIGMAS * var ||
	    (b < 0 ? -b : b) * span < 1.0)
		fit->kind = VS_TREND_FLAT;
	else if (b < 0)
		fit->kind = VS_TREND_DOWN;
	else if (4 * t->fell <= fit->intervals)
		fit->kind = VS_TREND_GROWS;
	else
		fit->kind = VS_TREND_UP;
}

const char *vs_trend_name(enum vs_trend_kind k)
{
	switch (k) {
	case VS_TREND_SHORT: return "short";
	case VS_TREND_FLAT: return "flat";
	case VS_TREND_GROWS: return "grows";
	case VS_TREND_UP: return "up";
	case VS_TREND_DOWN: return "down";
	}
	return "?";
}
