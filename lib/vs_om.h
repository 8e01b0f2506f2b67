/* vs_om.h - a writer of the OpenMetrics text format (Prometheus).
 *
 * A document is metric families, each a "# TYPE", "# UNIT" and "# HELP"
 * line and then its samples, and ends with "# EOF". Families must not
 * interleave: write all of one family's samples before the next family.
 * Counters get the "_total" suffix, and a family with a unit ends with it
 * ("_bytes"). Label values are escaped (\\, \", \n) and made valid UTF-8.
 * node_exporter's textfile collector and Prometheus read it.
 */
#ifndef VS_OM_H
#define VS_OM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vs_om_type { VS_OM_GAUGE, VS_OM_COUNTER };

struct vs_om {
	FILE *f;
	enum vs_om_type type;	/* of the current family */
	char family[128];	/* its name */
	int err;		/* first write error (errno), or 0 */
};

void vs_om_init(struct vs_om *m, FILE *f);

/* Start the family @name ("vmtop_process_rss_bytes": with @unit "bytes"
 * it must end with "_bytes"; NULL for none) of @type with @help. */
void vs_om_family(struct vs_om *m, const char *name, enum vs_om_type type,
		  const char *unit, const char *help);

/* A sample of the current family with @nlabels label pairs
 * (labels[2 * i] is a name, labels[2 * i + 1] its value). */
void vs_om_u64(struct vs_om *m, const char *const *labels, size_t nlabels,
	       uint64_t v);
void vs_om_double(struct vs_om *m, const char *const *labels, size_t nlabels,
		  double v);

/* Write "# EOF" and flush. Returns 0 or a negative errno. */
int vs_om_finish(struct vs_om *m);

/* Escape @s as an OpenMetrics label value into @out (NUL-terminated, cut
 * at @size). Returns the length written. */
size_t vs_om_escape(const char *s, char *out, size_t size);

#endif
