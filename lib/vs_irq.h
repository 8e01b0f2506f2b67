/* vs_irq.h - /proc/interrupts: counts per CPU of each interrupt source.
 *
 * vmtlb reads the "TLB" row (TLB shootdown IPIs received, per CPU). The
 * parser keeps every row it is asked for, with the CPU numbers of the
 * header (offline CPUs leave gaps), the counts and the description.
 */
#ifndef VS_IRQ_H
#define VS_IRQ_H

#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"

struct vs_irq_row {
	char name[32];		/* "TLB", "LOC", "24" (without the colon) */
	unsigned n;		/* counts given: ncpus, or 1 (ERR, MIS) */
	uint64_t *counts;	/* per CPU, in header order */
	char *desc;		/* "TLB shootdowns"; "" if none */
};

struct vs_irqs {
	unsigned ncpus;		/* CPUs in the header */
	int *cpu;		/* their numbers ("CPU3" is 3) */
	struct vs_irq_row *rows;
	size_t nrows;
};

/* Parse the text of /proc/interrupts into @out: every row, or only the
 * one named @only (NULL for all). A row with more counts than CPUs, a
 * count past 64 bits, a truncated line: -EBADMSG. */
int vs_interrupts_parse(const char *text, size_t len, const char *path,
			const char *only, struct vs_irqs *out,
			struct vs_err *e);
int vs_interrupts_read(const struct vs_root *r, const char *only,
		       struct vs_irqs *out, struct vs_err *e);

/* The row named @name, or NULL. */
const struct vs_irq_row *vs_irqs_row(const struct vs_irqs *q,
				     const char *name);

void vs_irqs_free(struct vs_irqs *q);

#endif
