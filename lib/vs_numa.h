/* vs_numa.h - which NUMA node a physical frame is on.
 *
 * Memory is hot-pluggable in blocks of /sys/devices/system/memory/
 * block_size_bytes; /sys/devices/system/node/nodeN/memoryM says that block
 * M belongs to node N. The map keeps one entry per run of blocks of one
 * node, so it stays small whatever the size of memory.
 */
#ifndef VS_NUMA_H
#define VS_NUMA_H

#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"

#define VS_NUMA_NODES_MAX 1024	/* node numbers accepted: 0..1023 */

struct vs_numa;

/* Read the block size and every node's blocks below @r. @page_size turns
 * blocks into PFNs. Returns 0 and the map in *@out; -ENOENT (with @e) when
 * the kernel shows no memory blocks (no CONFIG_MEMORY_HOTPLUG or no NUMA
 * directory); -EBADMSG for a malformed file. */
int vs_numa_open(struct vs_root *r, size_t page_size, struct vs_numa **out,
		 struct vs_err *e);
void vs_numa_close(struct vs_numa *n);

/* The node of frame @pfn, or -1 when no block holds it. Remembers the
 * last block found, so a walk through neighbouring frames is cheap. */
int vs_numa_node(struct vs_numa *n, uint64_t pfn);

/* One more than the highest node number seen (0 when none). */
int vs_numa_nodes(const struct vs_numa *n);

/* Whether node @node has any memory block. */
int vs_numa_has_node(const struct vs_numa *n, int node);

/* Frames per memory block. */
uint64_t vs_numa_block_pages(const struct vs_numa *n);

#endif
