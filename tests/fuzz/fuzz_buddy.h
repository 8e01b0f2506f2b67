/* fuzz_buddy.h - the body of the buddyinfo, pagetypeinfo and zoneinfo
 * harnesses: parse, then read every zone back as vmfrag does (the
 * indexes of each order from its free blocks). */
#ifndef VS_FUZZ_BUDDY_H
#define VS_FUZZ_BUDDY_H

#include "fuzz.h"
#include "vs_buddy.h"

typedef int (*fuzz_buddy_fn)(struct vs_buddy *b, const char *text,
			     size_t len, const char *path, struct vs_err *e);

static void fuzz_kvlist_check(const struct vs_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		fuzz_use(l->kv[i].name, strlen(l->kv[i].name));
		if (vs_kvlist_get(l, l->kv[i].name) == NULL)
			abort();	/* a counter read is found */
	}
}

static void fuzz_buddy_check(struct vs_buddy *b)
{
	char buf[32];

	if (b->ntypes > VS_MTYPES_MAX)
		abort();
	for (unsigned t = 0; t < b->ntypes; t++)
		if (!memchr(b->types[t], '\0', VS_NAME_MAX))
			abort();
	for (unsigned i = 0; i < b->nzones; i++) {
		struct vs_zone *z = &b->zones[i];

		if (!memchr(z->name, '\0', sizeof(z->name)) ||
		    z->norders > VS_ORDERS_MAX ||
		    z->types_norders > VS_ORDERS_MAX ||
		    z->nprotection > 8)
			abort();
		if (vs_buddy_zone(b, z->node, z->name) == NULL)
			abort();	/* a zone read is found */
		for (unsigned o = 0; o < z->norders; o++) {
			struct vs_contig c;

			vs_contig_fill(z->nr_free, z->norders, o, &c);
			vs_index_kernel_fmt(vs_unusable_index(o, &c), buf,
					    sizeof(buf));
			vs_index_kernel_fmt(vs_fragmentation_index(o, &c),
					    buf, sizeof(buf));
		}
		fuzz_kvlist_check(&z->stats);
		fuzz_kvlist_check(&z->node_stats);
		fuzz_use(z->pcp, z->npcp * sizeof(*z->pcp));
	}
}

static int fuzz_buddy(const uint8_t *data, size_t size, fuzz_buddy_fn fn)
{
	struct vs_buddy b;
	struct vs_err e;
	int r;

	vs_buddy_init(&b);
	fuzz_err_init(&e);
	r = fn(&b, (const char *)data, size, "/proc/fuzz", &e);
	fuzz_err_check(r, &e);
	fuzz_buddy_check(&b);	/* also after a failure: what was filled */
	vs_buddy_free(&b);
	return 0;
}

#endif
