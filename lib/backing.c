/* backing.c - this file implements the walk that adds up what backs a
 * range of virtual memory: pagemap, then kpageflags, kpagecount and the
 * NUMA node of each frame. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vs_backing.h"
#include "vs_fmt.h"

struct vs_backing_ctx {
	struct vs_pagemap *pm;
	struct vs_kpage *kp;		/* NULL: no flags or counts */
	struct vs_numa *numa;		/* NULL: no nodes */
	size_t page_size;
	size_t huge_pages;
	uint64_t *ent;			/* VS_PAGEMAP_BATCH pagemap entries */
	uint64_t *pfn;			/* their PFNs, 0 when unknown */
	uint64_t *flags;		/* their kpageflags */
	uint64_t *count;		/* their kpagecount */
	uint64_t *cpfn;			/* the PFNs whose count is read */
	uint64_t *tmp;			/* those PFNs packed, then counts */
};

bool vs_backing_known(const struct vs_backing *b, enum vs_backing_need need)
{
	switch (need) {
	case VS_NEED_PAGEMAP:
		return true;
	case VS_NEED_PFN:
		return b->pfn_unknown == 0;
	case VS_NEED_NODE:
		return b->pfn_unknown == 0 && b->node_unknown == 0;
	case VS_NEED_FLAGS:
		return b->pfn_unknown == 0 && b->flags_unknown == 0;
	case VS_NEED_COUNT:
		return b->pfn_unknown == 0 && b->flags_unknown == 0 &&
		       b->count_unknown == 0;
	}
	return false;
}

void vs_backing_add(struct vs_backing *s, const struct vs_backing *b)
{
	uint64_t max = s->max_run > b->max_run ? s->max_run : b->max_run;
	uint64_t *d = (uint64_t *)s;
	const uint64_t *a = (const uint64_t *)b;

	/* Every member is a uint64_t counter. */
	for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		d[i] += a[i];
	s->max_run = max;
}

int vs_backing_new(struct vs_pagemap *pm, struct vs_kpage *kp,
		   struct vs_numa *numa, size_t page_size, size_t huge_pages,
		   struct vs_backing_ctx **out, struct vs_err *e)
{
	struct vs_backing_ctx *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return vs_err_set(e, ENOMEM, "out of memory");
	c->pm = pm;
	c->kp = kp;
	c->numa = numa;
	c->page_size = page_size;
	c->huge_pages = huge_pages ? huge_pages : 1;
	c->ent = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	c->pfn = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	c->flags = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	c->count = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	c->cpfn = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	c->tmp = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	if (!c->ent || !c->pfn || !c->flags || !c->count || !c->cpfn ||
	    !c->tmp) {
		vs_backing_free(c);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	*out = c;
	return 0;
}

void vs_backing_free(struct vs_backing_ctx *c)
{
	if (!c)
		return;
	free(c->ent);
	free(c->pfn);
	free(c->flags);
	free(c->count);
	free(c->cpfn);
	free(c->tmp);
	free(c);
}

/* State carried from one batch to the next within a range. */
struct walk {
	uint64_t prev_pfn;	/* PFN of the previous page, 0 if none */
	uint64_t run;		/* pages in the current run */
	uint64_t huge_pfn;	/* first PFN of a THP being matched, or 0 */
	uint64_t huge_n;	/* its pages matched so far */
};

static void end_run(struct walk *w, struct vs_backing *b)
{
	if (w->run && w->run > b->max_run)
		b->max_run = w->run;
	w->run = 0;
	w->prev_pfn = 0;
}

/* Figures that need the frame: node, runs, flags, counts. */
static void frame(struct vs_backing_ctx *c, struct walk *w,
		  struct vs_backing *b, uint64_t vpn, uint64_t ent,
		  uint64_t pfn, uint64_t f, uint64_t cnt)
{
	const uint64_t thp_head = VS_KPF(THP) | VS_KPF(COMPOUND_HEAD);
	const uint64_t thp_tail = VS_KPF(THP) | VS_KPF(COMPOUND_TAIL);
	bool zero, huge, rss;

	if (c->numa) {
		int node = vs_numa_node(c->numa, pfn);

		if (node < 0)
			b->node_unknown++;
		else if (node < VS_BACKING_NODES)
			b->node[node]++;
		else
			b->node_other++;
	} else {
		b->node_unknown++;
	}
	if (w->prev_pfn && pfn == w->prev_pfn + 1) {
		w->run++;
	} else {
		end_run(w, b);
		b->runs++;
		w->run = 1;
	}
	w->prev_pfn = pfn;

	if (f == VS_KPAGE_UNKNOWN) {
		b->flags_unknown++;
		w->huge_pfn = 0;
		return;
	}
	zero = f & VS_KPF(ZERO_PAGE);
	huge = f & VS_KPF(HUGE);
	if (f & VS_KPF(ANON))
		b->anon++;
	if (f & VS_KPF(DIRTY))
		b->dirty++;
	if ((f & VS_KPF(THP)) && !zero)
		b->thp++;
	if (huge)
		b->hugetlb++;
	if (f & VS_KPF(KSM))
		b->ksm++;
	if (zero)
		b->zero++;

	/* A whole PMD-sized THP: its head at an aligned address and frame,
	 * then every tail in order. */
	if ((f & thp_head) == thp_head && !zero &&
	    vpn % c->huge_pages == 0 && pfn % c->huge_pages == 0) {
		w->huge_pfn = pfn;
		w->huge_n = 1;
	} else if (w->huge_pfn && (f & thp_tail) == thp_tail &&
		   pfn == w->huge_pfn + w->huge_n) {
		w->huge_n++;
	} else {
		w->huge_pfn = 0;
	}
	if (w->huge_pfn && w->huge_n == c->huge_pages) {
		b->thp_huge++;
		w->huge_pfn = 0;
	}

	/* What smaps counts in Rss: normal pages, anonymous or file. */
	rss = !zero && !huge && ((f & VS_KPF(ANON)) || (ent & VS_PM_FILE));
	if (!rss)
		return;
	b->rss++;
	if (cnt == VS_KPAGE_UNKNOWN) {
		b->count_unknown++;
	} else if (cnt >= 2) {
		b->shared++;
		b->pss_fp += ((uint64_t)c->page_size << VS_PSS_SHIFT) / cnt;
	} else {
		b->uss++;
		b->pss_fp += (uint64_t)c->page_size << VS_PSS_SHIFT;
	}
}

/* Read the map counts of the frames in cpfn[] into count[], leaving the
 * other entries of count[] as they are. */
static int kpage_counts(struct vs_backing_ctx *c, size_t n, struct vs_err *e)
{
	size_t m = 0;
	int r;

	/* Pack the wanted PFNs, so that runs are not broken by the pages
	 * skipped, look them up in place, then scatter the counts back. */
	for (size_t i = 0; i < n; i++)
		if (c->cpfn[i])
			c->tmp[m++] = c->cpfn[i];
	r = vs_kpage_lookup(c->kp, c->tmp, m, NULL, c->tmp, e);
	if (r < 0)
		return r;
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (c->cpfn[i])
			c->count[i] = c->tmp[m++];
	return 0;
}

int vs_backing_walk(struct vs_backing_ctx *c, uint64_t start, uint64_t end,
		    struct vs_backing *b, struct vs_err *e)
{
	uint64_t vpn = start / c->page_size, last = end / c->page_size;
	unsigned has = c->kp ? vs_kpage_has(c->kp) : 0;
	struct walk w = { 0 };

	while (vpn < last) {
		size_t want = last - vpn < VS_PAGEMAP_BATCH ?
			      (size_t)(last - vpn) : VS_PAGEMAP_BATCH;
		size_t nframes = 0, ncounts = 0;
		ssize_t n = vs_pagemap_read(c->pm, vpn, want, c->ent, e);

		if (n < 0)
			return (int)n;
		for (size_t i = 0; i < (size_t)n; i++) {
			uint64_t ent = c->ent[i];

			c->pfn[i] = 0;
			c->cpfn[i] = 0;
			if (ent & VS_PM_SOFT_DIRTY)
				b->soft_dirty++;
			if (ent & VS_PM_UFFD_WP)
				b->uffd_wp++;
			if (ent & VS_PM_GUARD) {
				b->guard++;
				continue;
			}
			if (ent & VS_PM_PRESENT) {
				b->present++;
				if (ent & VS_PM_FILE)
					b->file++;
				if (ent & VS_PM_EXCLUSIVE)
					b->exclusive++;
				c->pfn[i] = vs_pm_pfn(ent);
				if (!c->pfn[i]) {
					b->pfn_unknown++;
					continue;
				}
				nframes++;
				/* Bit 56 says the map count is 1: the
				 * kernel computes both from the same
				 * count, so only the others are read. */
				if (ent & VS_PM_EXCLUSIVE) {
					c->count[i] = 1;
				} else {
					c->cpfn[i] = c->pfn[i];
					ncounts++;
				}
			} else if (ent & VS_PM_SWAP) {
				b->swapped++;
			}
		}
		b->pages += (uint64_t)n;
		if (nframes && (has & VS_KPAGE_FLAGS)) {
			int r = vs_kpage_lookup(c->kp, c->pfn, (size_t)n,
						c->flags, NULL, e);

			if (r < 0)
				return r;
		} else if (nframes) {
			memset(c->flags, 0xff, (size_t)n * sizeof(uint64_t));
		}
		if (ncounts && (has & VS_KPAGE_COUNT)) {
			int r = kpage_counts(c, (size_t)n, e);

			if (r < 0)
				return r;
		} else if (ncounts) {
			for (size_t i = 0; i < (size_t)n; i++)
				if (c->cpfn[i])
					c->count[i] = VS_KPAGE_UNKNOWN;
		}
		for (size_t i = 0; i < (size_t)n; i++) {
			if (!c->pfn[i]) {
				end_run(&w, b);
				w.huge_pfn = 0;
				continue;
			}
			frame(c, &w, b, vpn + i, c->ent[i], c->pfn[i],
			      c->flags[i], c->count[i]);
		}
		vpn += (uint64_t)n;
		if ((size_t)n < want)
			break;		/* the end of the address space */
	}
	end_run(&w, b);
	return 0;
}

size_t vs_huge_pages(struct vs_root *r, size_t page_size)
{
	char buf[64];
	uint64_t v;
	size_t len;

	if (vs_root_read(r, "/sys/kernel/mm/transparent_hugepage/"
			 "hpage_pmd_size", buf, sizeof(buf), &len, NULL) == 0) {
		while (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (vs_parse_u64(buf, 10, &v) == 0 && v >= page_size &&
		    v % page_size == 0)
			return (size_t)(v / page_size);
	}
	return (size_t)((2u << 20) / page_size);
}
