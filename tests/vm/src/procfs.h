/* procfs.h - the VM suite's own readers of procfs and sysfs.
 *
 * The guest programs (kmodcheck.c, cmdcheck.c) compare vmscope's figures
 * with what the kernel's files say, read here by code that shares nothing
 * with the library: sscanf and strtoull on the files' documented formats.
 */
#ifndef VM_PROCFS_H
#define VM_PROCFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The whole of a small file, NUL-terminated (malloc'd), or NULL. */
static inline char *slurp(const char *path)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

static inline bool cpuinfo_has(const char *flag)
{
	char *s = slurp("/proc/cpuinfo"), *p;
	bool found = false;
	size_t n = strlen(flag);

	for (p = s; p && (p = strstr(p, flag)); p += n) {
		if ((p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\n')) {
			found = true;
			break;
		}
	}
	free(s);
	return found;
}

#define MAXZ 64
#define PROC_ORDERS 16	/* orders a row holds (the kernel has 11) */

struct zrow {
	int node;
	char zone[16];
	int n;
	uint64_t v[PROC_ORDERS];
};

/* /proc/buddyinfo: "Node 0, zone      DMA      1      0 ...". */
static inline int read_buddyinfo(struct zrow *rows)
{
	char *s = slurp("/proc/buddyinfo"), *line, *save = NULL;
	int n = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line && n < MAXZ;
	     line = strtok_r(NULL, "\n", &save)) {
		struct zrow *r = &rows[n];
		int off;
		char *p;

		if (sscanf(line, "Node %d, zone %15s%n", &r->node, r->zone,
			   &off) != 2)
			continue;
		r->n = 0;
		for (p = line + off; r->n < PROC_ORDERS;) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			r->v[r->n++] = v;
			p = end;
		}
		n++;
	}
	free(s);
	return n;
}

static inline bool same_rows(const struct zrow *a, int na,
			     const struct zrow *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i].node != b[i].node || strcmp(a[i].zone, b[i].zone) ||
		    a[i].n != b[i].n ||
		    memcmp(a[i].v, b[i].v, sizeof(a[i].v[0]) * a[i].n))
			return false;
	return true;
}

/* /proc/pagetypeinfo's free counts: one row per zone and type (each node
 * has its own section, followed by its pageblock counts, whose rows have
 * no ", type"); a value over the kernel's cap is stored with bit 63 set
 * ("at least"). */
#define PT_OVER (1ull << 63)
struct ptrow {
	int node;
	char zone[16];
	char type[16];
	int n;
	uint64_t v[PROC_ORDERS];
};

static inline int read_pagetypeinfo(struct ptrow *rows, int max)
{
	char *s = slurp("/proc/pagetypeinfo"), *line, *save = NULL;
	int n = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ptrow *r = &rows[n];
		char *p;
		int off;

		if (sscanf(line, "Node %d, zone %15[^,], type %15s%n", &r->node,
			   r->zone, r->type, &off) != 3)
			continue;
		/* "zone      DMA": the name is right-aligned. */
		memmove(r->zone, r->zone + strspn(r->zone, " "),
			strlen(r->zone + strspn(r->zone, " ")) + 1);
		r->n = 0;
		for (p = line + off; r->n < PROC_ORDERS;) {
			bool over;
			char *end;
			unsigned long long v;

			p += strspn(p, " ");
			over = *p == '>';
			if (over)
				p++;
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			r->v[r->n++] = v | (over ? PT_OVER : 0);
			p = end;
		}
		n++;
	}
	free(s);
	return n;
}

static inline bool same_pt(const struct ptrow *a, int na,
			   const struct ptrow *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (a[i].node != b[i].node || strcmp(a[i].zone, b[i].zone) ||
		    strcmp(a[i].type, b[i].type) || a[i].n != b[i].n ||
		    memcmp(a[i].v, b[i].v, sizeof(a[i].v[0]) * a[i].n))
			return false;
	return true;
}

/* /proc/zoneinfo: the figures the BUDDY view repeats. */
struct zinfo {
	int node;
	char zone[16];
	uint64_t free, boost, min, low, high, spanned, present, managed;
	int ncpu;
	int cpu[64];
	long count[64], phigh[64], batch[64];
};

static inline int read_zoneinfo(struct zinfo *zi, int max)
{
	char *s = slurp("/proc/zoneinfo"), *line, *save = NULL;
	struct zinfo *z = NULL;
	int n = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v;
		long lv;
		int node;
		char name[16];

		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			z = n < max ? &zi[n++] : NULL;
			if (z) {
				memset(z, 0, sizeof(*z));
				z->node = node;
				snprintf(z->zone, sizeof(z->zone), "%s", name);
			}
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, " pages free %llu", &v) == 1)
			z->free = v;
		else if (sscanf(line, " boost %llu", &v) == 1)
			z->boost = v;
		else if (sscanf(line, " min %llu", &v) == 1)
			z->min = v;
		else if (sscanf(line, " low %llu", &v) == 1)
			z->low = v;
		else if (sscanf(line, " high %llu", &v) == 1)
			z->high = v;
		else if (sscanf(line, " spanned %llu", &v) == 1)
			z->spanned = v;
		else if (sscanf(line, " present %llu", &v) == 1)
			z->present = v;
		else if (sscanf(line, " managed %llu", &v) == 1)
			z->managed = v;
		else if (sscanf(line, " cpu: %d", &node) == 1 && z->ncpu < 64)
			z->cpu[z->ncpu++] = node;
		else if (z->ncpu && sscanf(line, " count: %ld", &lv) == 1)
			z->count[z->ncpu - 1] = lv;
		else if (z->ncpu && sscanf(line, " high: %ld", &lv) == 1)
			z->phigh[z->ncpu - 1] = lv;
		else if (z->ncpu && sscanf(line, " batch: %ld", &lv) == 1)
			z->batch[z->ncpu - 1] = lv;
	}
	free(s);
	return n;
}

struct srow {
	char name[64];
	unsigned long active, num, objsize, perslab, pages, slabs;
};

static inline int read_slabinfo(struct srow *rows, int max)
{
	char *s = slurp("/proc/slabinfo"), *line, *save = NULL;
	int n = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		struct srow *r = &rows[n];
		unsigned long active_slabs;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %*u %*u "
			   "%*u : slabdata %lu %lu", r->name, &r->active,
			   &r->num, &r->objsize, &r->perslab, &r->pages,
			   &active_slabs, &r->slabs) == 8)
			n++;
	}
	free(s);
	return n;
}

static inline const struct srow *find_srow(const struct srow *rows, int n,
					   const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

static inline bool srow_eq(const struct srow *a, const struct srow *b)
{
	return a && b && a->active == b->active && a->num == b->num &&
	       a->objsize == b->objsize && a->perslab == b->perslab &&
	       a->pages == b->pages && a->slabs == b->slabs;
}

/* A sysfs file of cache @c: its first number and per-node values. */
static inline bool sysfs_nodes(const char *cache, const char *file,
			       uint64_t *total, uint64_t *nodes, int max)
{
	char path[256], *s, *p;
	bool ok;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%.100s/%.100s", cache,
		 file);
	s = slurp(path);
	if (!s)
		return false;
	memset(nodes, 0, sizeof(*nodes) * (size_t)max);
	*total = strtoull(s, &p, 10);
	ok = p != s;
	while (ok && *p == ' ') {
		char *end;
		long node = strtol(p + 2, &end, 10);

		ok = p[1] == 'N' && *end == '=' && node >= 0 && node < max;
		if (ok)
			nodes[node] = strtoull(end + 1, &p, 10);
	}
	free(s);
	return ok;
}

static inline long sysfs_num(const char *cache, const char *file)
{
	char path[256], *s;
	long v;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%.100s/%.100s", cache,
		 file);
	s = slurp(path);
	if (!s)
		return -1;
	v = strtol(s, NULL, 10);
	free(s);
	return v;
}

struct vma {
	uint64_t start, end;
	char name[128];
};

static inline int read_maps(pid_t pid, struct vma *v, int max)
{
	char path[64], *s, *line, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	s = slurp(path);
	for (line = s ? strtok_r(s, "\n", &save) : NULL; line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long a, b;
		int off = 0;

		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s%n", &a, &b,
			   &off) < 2)
			continue;
		v[n].start = a;
		v[n].end = b;
		snprintf(v[n].name, sizeof(v[n].name), "%s",
			 line + off + strspn(line + off, " "));
		n++;
	}
	free(s);
	return n;
}

#define PM_PRESENT	(1ull << 63)
#define PM_SWAP		(1ull << 62)
#define PM_PFN_MASK	((1ull << 55) - 1)

#endif
