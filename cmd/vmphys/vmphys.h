/* vmphys.h - what the parts of vmphys share.
 *
 * main.c parses the options and shows pages (PID mode), frames (--pfn) and
 * the summary by flags (--summary) from pagemap and kpageflags. walk.c is
 * --walk: each page-table entry above each page, through vmscope.ko.
 */
#ifndef VMPHYS_H
#define VMPHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_kmod.h"
#include "vs_out.h"
#include "vs_root.h"

/* The columns of --walk. */
extern const struct vs_col walk_cols[];
extern const size_t walk_ncols;

/* The default columns of --walk into @sel (room for walk_ncols); returns
 * their number. */
size_t walk_default_cols(bool json, int *sel);

/* Open vmscope.ko for --walk, or say why it cannot be (not loaded, not
 * root, another ABI) and return NULL with *@status set. */
struct vs_kmod *walk_open(struct vs_root *root, int *status);

/* The entries of the page tables of @pid over @ranges ([start, end)
 * pairs; none: the whole user address space) as the table "entries", then
 * the process's page-table figures ("page_tables"), into the open
 * document of @out. Returns a VS_EXIT_* status. */
int walk_run(struct vs_kmod *k, struct vs_out *out, struct vs_root *root,
	     pid_t pid, const uint64_t (*ranges)[2], size_t nranges,
	     const int *sel, size_t nsel);

#endif
