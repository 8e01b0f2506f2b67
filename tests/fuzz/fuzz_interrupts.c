/* fuzz_interrupts.c - libFuzzer harness: /proc/interrupts text into
 * vs_interrupts_parse, every row and only the TLB row (as vmtlb asks). */
#include "fuzz.h"
#include "vs_irq.h"

static void parse(const uint8_t *data, size_t size, const char *only)
{
	struct vs_irqs q;
	struct vs_err e;
	int r;

	memset(&q, 0, sizeof(q));
	fuzz_err_init(&e);
	r = vs_interrupts_parse((const char *)data, size, "/proc/interrupts",
				only, &q, &e);
	fuzz_err_check(r, &e);
	if (r == 0) {
		fuzz_use(q.cpu, q.ncpus * sizeof(*q.cpu));
		for (size_t i = 0; i < q.nrows; i++) {
			const struct vs_irq_row *row = &q.rows[i];

			if (!memchr(row->name, '\0', sizeof(row->name)) ||
			    row->n > q.ncpus + 1)
				abort();
			fuzz_use(row->counts, row->n * sizeof(*row->counts));
			fuzz_use(row->desc, strlen(row->desc));
			if (vs_irqs_row(&q, row->name) == NULL)
				abort();
		}
	}
	vs_irqs_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size, NULL);
	parse(data, size, "TLB");
	return 0;
}
