/* vmslab.h - what the parts of vmslab share.
 *
 * main.c parses the options, reads the caches (collect) and prints
 * vmslab's own view: chosen columns, sorting, top-N, growth between
 * samples, per-node figures, JSON. slabtop.c is the slabtop-compatible
 * view (--slabtop, or vmslab run under the name slabtop).
 */
#ifndef VMSLAB_H
#define VMSLAB_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "vs_root.h"
#include "vs_slab.h"

/* One reading of every cache. */
struct snapshot {
	struct vs_slabs s;
	bool slabinfo;		/* /proc/slabinfo was read */
	bool kmod;		/* vmscope.ko was read */
	bool sysfs_listed;	/* /sys/kernel/slab was listed */
	int slabinfo_err;	/* negative errno when slabinfo failed */
	uint32_t denied;	/* sysfs attributes that needed root */
	int partial;		/* VS_EXIT_* of the caches shown without
				 * some figures (a file missing or bad) */
	double time;		/* seconds since the epoch */
};

/* Where the counts should come from (--source). SRC_AUTO: vmscope.ko
 * when it can be read, else slabinfo, else sysfs. */
enum count_source { SRC_AUTO, SRC_SLABINFO, SRC_SYSFS, SRC_KMOD };

/* Read every cache below @root: from the module @km (may be NULL) for
 * SRC_KMOD, or SRC_AUTO when it is open; else slabinfo and/or the sysfs
 * attributes @want. Returns a VS_EXIT_* status (failure to read anything
 * at all, or a malformed file); what could not be read is said once on
 * stderr. */
int snapshot_read(struct vs_root *root, enum count_source src,
		  struct cmd_kmod *km, uint32_t want, struct snapshot *snap);
void snapshot_free(struct snapshot *snap);

/* The slabtop-compatible view: parses slabtop's options from @argc/@argv
 * and runs. Returns the exit status. */
int slabtop_main(int argc, char **argv, struct vs_root **root);

#endif
