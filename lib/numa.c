/* numa.c - this file implements the map from physical frames to NUMA nodes,
 * read from the memory blocks of /sys/devices/system/node. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_fmt.h"
#include "vs_numa.h"

/* Blocks [first, last] are on node @node. */
struct span {
	uint64_t first, last;
	int node;
};

struct vs_numa {
	uint64_t block_pages;	/* frames per memory block */
	struct span *spans;	/* sorted by first, not overlapping */
	size_t n, cap;
	int nodes;		/* highest node number + 1 */
	unsigned char has[VS_NUMA_NODES_MAX];	/* node has a block */
	size_t last;		/* span of the last lookup */
};

static int add_block(struct vs_numa *m, uint64_t block, int node)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct span *s = realloc(m->spans, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		m->spans = s;
		m->cap = cap;
	}
	m->spans[m->n++] = (struct span){ block, block, node };
	if (node + 1 > m->nodes)
		m->nodes = node + 1;
	m->has[node] = 1;
	return 0;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Parse "nodeN" or "memoryN" names: the number after @prefix. */
static int name_num(const char *name, const char *prefix, uint64_t *v)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) || name[n] < '0' || name[n] > '9')
		return -1;
	return vs_parse_u64(name + n, 10, v);
}

int vs_numa_open(struct vs_root *r, size_t page_size, struct vs_numa **out,
		 struct vs_err *e)
{
	char buf[64], path[4096];
	struct vs_numa *m;
	uint64_t bs;
	size_t len;
	DIR *d;
	struct dirent *de;
	int fd, ret = 0;

	*out = NULL;
	ret = vs_root_read(r, "/sys/devices/system/memory/block_size_bytes",
			   buf, sizeof(buf), &len, e);
	if (ret < 0)
		return ret;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (vs_parse_u64(buf, 16, &bs) < 0 || bs < page_size ||
	    bs % page_size)
		return vs_err_set(e, EBADMSG, "'%s': not a block size: '%s'",
				  vs_root_path(r, "/sys/devices/system/memory/"
					       "block_size_bytes", path,
					       sizeof(path)), buf);
	m = calloc(1, sizeof(*m));
	if (!m)
		return vs_err_set(e, ENOMEM, "out of memory");
	m->block_pages = bs / page_size;

	fd = vs_root_open(r, "/sys/devices/system/node", O_RDONLY | O_DIRECTORY,
			  e);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		free(m);
		return fd < 0 ? fd : vs_err_set(e, ENOMEM, "out of memory");
	}
	while ((de = readdir(d))) {
		char sub[320];
		uint64_t node;
		struct dirent *be;
		DIR *nd;
		int nfd;

		if (name_num(de->d_name, "node", &node) < 0)
			continue;
		if (node >= VS_NUMA_NODES_MAX) {
			ret = vs_err_set(e, ERANGE, "node number %llu is above "
					 "%d", (unsigned long long)node,
					 VS_NUMA_NODES_MAX - 1);
			break;
		}
		snprintf(sub, sizeof(sub), "/sys/devices/system/node/%s",
			 de->d_name);
		nfd = vs_root_open(r, sub, O_RDONLY | O_DIRECTORY, e);
		if (nfd < 0) {
			ret = nfd;
			break;
		}
		nd = fdopendir(nfd);
		if (!nd) {
			close(nfd);
			ret = vs_err_set(e, ENOMEM, "out of memory");
			break;
		}
		while ((be = readdir(nd))) {
			uint64_t block;

			if (name_num(be->d_name, "memory", &block) < 0)
				continue;
			if (block > UINT64_MAX / m->block_pages) {
				ret = vs_err_set(e, ERANGE, "memory block %llu "
						 "out of range",
						 (unsigned long long)block);
				break;
			}
			if (add_block(m, block, (int)node) < 0) {
				ret = vs_err_set(e, ENOMEM, "out of memory");
				break;
			}
		}
		closedir(nd);
		if (ret < 0)
			break;
	}
	closedir(d);
	if (ret == 0 && m->n == 0)
		ret = vs_err_set(e, ENOENT, "'%s' lists no memory blocks",
				 vs_root_path(r, "/sys/devices/system/node",
					      path, sizeof(path)));
	if (ret < 0) {
		free(m->spans);
		free(m);
		return ret;
	}
	/* Sort, then merge neighbouring blocks of one node. */
	qsort(m->spans, m->n, sizeof(*m->spans), cmp_span);
	len = 0;
	for (size_t i = 0; i < m->n; i++) {
		struct span *s = &m->spans[i];

		if (len && m->spans[len - 1].node == s->node &&
		    m->spans[len - 1].last + 1 == s->first)
			m->spans[len - 1].last = s->last;
		else if (len && m->spans[len - 1].last >= s->first)
			continue;	/* a block listed twice: keep one */
		else
			m->spans[len++] = *s;
	}
	m->n = len;
	*out = m;
	return 0;
}

void vs_numa_close(struct vs_numa *m)
{
	if (!m)
		return;
	free(m->spans);
	free(m);
}

int vs_numa_node(struct vs_numa *m, uint64_t pfn)
{
	uint64_t block = pfn / m->block_pages;
	size_t lo = 0, hi = m->n;

	if (m->last < m->n && m->spans[m->last].first <= block &&
	    block <= m->spans[m->last].last)
		return m->spans[m->last].node;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->spans[mid].last < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->spans[lo].first <= block) {
		m->last = lo;
		return m->spans[lo].node;
	}
	return -1;
}

int vs_numa_nodes(const struct vs_numa *m)
{
	return m->nodes;
}

int vs_numa_has_node(const struct vs_numa *m, int node)
{
	return node >= 0 && node < m->nodes && m->has[node];
}

uint64_t vs_numa_block_pages(const struct vs_numa *m)
{
	return m->block_pages;
}
