/* openmetrics.c - this file implements the OpenMetrics text writer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "vs_fmt.h"
#include "vs_om.h"

void vs_om_init(struct vs_om *m, FILE *f)
{
	memset(m, 0, sizeof(*m));
	m->f = f;
}

static void put(struct vs_om *m, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, m->f) != n && !m->err)
		m->err = errno ? errno : EIO;
}

static void puts_(struct vs_om *m, const char *s)
{
	put(m, s, strlen(s));
}

size_t vs_om_escape(const char *str, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), o = 0;

	if (!size)
		return 0;
	for (size_t i = 0; i < n;) {
		char esc[4] = { 0 };
		const char *add = esc;
		size_t alen, len = vs_utf8_len(s + i, n - i);

		if (s[i] == '\\' || s[i] == '"') {
			esc[0] = '\\';
			esc[1] = (char)s[i];
			alen = 2;
			len = 1;
		} else if (s[i] == '\n') {
			add = "\\n";
			alen = 2;
			len = 1;
		} else if (len == 0) {
			add = "\xef\xbf\xbd";	/* U+FFFD */
			alen = 3;
			len = 1;
		} else {
			add = str + i;
			alen = len;
		}
		if (o + alen >= size)
			break;
		memcpy(out + o, add, alen);
		o += alen;
		i += len;
	}
	out[o] = '\0';
	return o;
}

void vs_om_family(struct vs_om *m, const char *name, enum vs_om_type type,
		  const char *unit, const char *help)
{
	snprintf(m->family, sizeof(m->family), "%s", name);
	m->type = type;
	puts_(m, "# TYPE ");
	puts_(m, name);
	puts_(m, type == VS_OM_COUNTER ? " counter\n" : " gauge\n");
	if (unit) {
		puts_(m, "# UNIT ");
		puts_(m, name);
		puts_(m, " ");
		puts_(m, unit);
		puts_(m, "\n");
	}
	puts_(m, "# HELP ");
	puts_(m, name);
	puts_(m, " ");
	/* Help text escapes backslashes and newlines. */
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			puts_(m, "\\\\");
		else if (*p == '\n')
			puts_(m, "\\n");
		else
			put(m, p, 1);
	}
	puts_(m, "\n");
}

static void sample_head(struct vs_om *m, const char *const *labels,
			size_t nlabels)
{
	puts_(m, m->family);
	if (m->type == VS_OM_COUNTER)
		puts_(m, "_total");
	if (nlabels) {
		char buf[1024];

		puts_(m, "{");
		for (size_t i = 0; i < nlabels; i++) {
			if (i)
				puts_(m, ",");
			puts_(m, labels[2 * i]);
			puts_(m, "=\"");
			put(m, buf, vs_om_escape(labels[2 * i + 1] ?
						 labels[2 * i + 1] : "",
						 buf, sizeof(buf)));
			puts_(m, "\"");
		}
		puts_(m, "}");
	}
	puts_(m, " ");
}

void vs_om_u64(struct vs_om *m, const char *const *labels, size_t nlabels,
	       uint64_t v)
{
	char buf[32];

	sample_head(m, labels, nlabels);
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	puts_(m, buf);
}

void vs_om_double(struct vs_om *m, const char *const *labels, size_t nlabels,
		  double v)
{
	char buf[64];

	sample_head(m, labels, nlabels);
	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN\n");
	else
		snprintf(buf, sizeof(buf), "%.17g\n", v);
	puts_(m, buf);
}

int vs_om_finish(struct vs_om *m)
{
	puts_(m, "# EOF\n");
	if (fflush(m->f) != 0 && !m->err)
		m->err = errno ? errno : EIO;
	return -m->err;
}
