/* irq.c - this file implements the parser of /proc/interrupts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vs_irq.h"
#include "vs_text.h"

struct irq_state {
	struct vs_irqs *q;
	const char *only;
	bool header;
};

static int header_line(struct vs_irqs *q, char *p,
		       const struct vs_text_pos *pos, struct vs_err *e)
{
	char *t;

	while ((t = vs_tok(&p))) {
		uint64_t v;
		int *nc;

		if (strncmp(t, "CPU", 3) || vs_tok_u64(t + 3, &v) < 0 ||
		    v > 1u << 20)
			return vs_text_bad(e, pos, "not a CPU header");
		nc = realloc(q->cpu, (q->ncpus + 1) * sizeof(*nc));
		if (!nc)
			return vs_err_set(e, ENOMEM, "out of memory");
		q->cpu = nc;
		q->cpu[q->ncpus++] = (int)v;
	}
	if (q->ncpus == 0)
		return vs_text_bad(e, pos, "no CPUs in the header");
	return 0;
}

static int irq_line(void *arg, char *line, size_t len,
		    const struct vs_text_pos *pos, struct vs_err *e)
{
	struct irq_state *s = arg;
	struct vs_irqs *q = s->q;
	struct vs_irq_row *row, *nr;
	char *p = line, *name, *colon;
	size_t nlen;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (!s->header) {
		s->header = true;
		return header_line(q, line, pos, e);
	}
	name = vs_tok(&p);
	colon = strchr(name, ':');
	if (!colon || colon[1] != '\0')
		return vs_text_bad(e, pos, "not 'NAME: counts'");
	*colon = '\0';
	nlen = strlen(name);
	if (nlen == 0 || nlen >= sizeof(row->name))
		return vs_text_bad(e, pos, "no interrupt name");
	if (s->only && strcmp(name, s->only))
		return 0;
	nr = realloc(q->rows, (q->nrows + 1) * sizeof(*nr));
	if (!nr)
		return vs_err_set(e, ENOMEM, "out of memory");
	q->rows = nr;
	row = &q->rows[q->nrows];
	memset(row, 0, sizeof(*row));
	memcpy(row->name, name, nlen + 1);
	row->counts = calloc(q->ncpus, sizeof(*row->counts));
	if (!row->counts)
		return vs_err_set(e, ENOMEM, "out of memory");
	q->nrows++;
	/* Counts, then the description: the first token that is not a
	 * number, or the (q->ncpus + 1)-th token. */
	for (;;) {
		char *save = p, *t = vs_tok(&p);
		uint64_t v;
		int r;

		if (!t)
			break;
		r = vs_tok_u64(t, &v);
		if (r == -ERANGE)
			return vs_text_bad(e, pos, "a count past 64 bits");
		if (r < 0 || row->n == q->ncpus) {
			/* Put the token back: the rest is the description. */
			size_t tl = strlen(t);

			if (p > t + tl)
				t[tl] = ' ';
			p = save;
			break;
		}
		row->counts[row->n++] = v;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	row->desc = strdup(p);
	if (!row->desc)
		return vs_err_set(e, ENOMEM, "out of memory");
	if (row->n == 0)
		return vs_text_bad(e, pos, "no counts");
	return 0;
}

int vs_interrupts_parse(const char *text, size_t len, const char *path,
			const char *only, struct vs_irqs *out,
			struct vs_err *e)
{
	struct irq_state s = { out, only, false };

	memset(out, 0, sizeof(*out));
	return vs_text_parse(text, len, path, irq_line, &s, e);
}

int vs_interrupts_read(const struct vs_root *r, const char *only,
		       struct vs_irqs *out, struct vs_err *e)
{
	struct irq_state s = { out, only, false };

	memset(out, 0, sizeof(*out));
	return vs_text_parse_file(r, "/proc/interrupts", irq_line, &s, e);
}

const struct vs_irq_row *vs_irqs_row(const struct vs_irqs *q, const char *name)
{
	for (size_t i = 0; i < q->nrows; i++)
		if (!strcmp(q->rows[i].name, name))
			return &q->rows[i];
	return NULL;
}

void vs_irqs_free(struct vs_irqs *q)
{
	for (size_t i = 0; i < q->nrows; i++) {
		free(q->rows[i].counts);
		free(q->rows[i].desc);
	}
	free(q->rows);
	free(q->cpu);
	memset(q, 0, sizeof(*q));
}
