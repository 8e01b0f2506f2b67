/* vmmap.h - what the parts of vmmap share.
 *
 * main.c parses options and walks the PIDs; pipeline.c reads one process's
 * mappings once and feeds them, in file or sorted order, to a view; pmap.c
 * holds the pmap-compatible views (default, -x, -d, -X/-XX and the rc
 * file); views.c the new ones (-J, -o, --summary).
 */
#ifndef VMMAP_H
#define VMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "vs_maps.h"
#include "vs_out.h"
#include "vs_proc.h"
#include "vs_region.h"
#include "vs_root.h"

enum vmmap_mode {
	MODE_DEFAULT,	/* pmap: maps, one line each */
	MODE_EXTENDED,	/* pmap -x */
	MODE_DEVICE,	/* pmap -d */
	MODE_SMAPS,	/* pmap -X, -XX, -c/-C */
	MODE_COLUMNS,	/* -o */
	MODE_SUMMARY,	/* --summary */
	MODE_JSON,	/* -J with none of -o, --summary: every field */
	MODE_BACKING,	/* -B: what physically backs each mapping */
};

#define RC_FIELDS_MAX 64

/* The fields an rc file (-c, -C) enables. */
struct rc_config {
	int nfields;
	char field[RC_FIELDS_MAX][48];
	bool showpath;		/* ShowPath toggled (odd number of times) */
};

struct opts {
	enum vmmap_mode mode;
	int xlevel;		/* 1 for -X, 2 for -XX */
	bool rc;		/* -X view driven by the rc file */
	struct rc_config rcconf;
	bool quiet;		/* -q: no header, no footer */
	bool showpath;		/* -p */
	uint64_t lo, hi;	/* -A range (inclusive) */
	bool json;		/* -J */
	struct vs_out *out;	/* format for -o, --summary, -J */
	int cols[128];		/* -o selection */
	size_t ncols;
	int sort_col;		/* --sort column, or -1 */
	bool reverse;		/* --reverse */
	bool utf8;		/* locale codeset */
	struct vs_shmdev shm;	/* device of SysV/memfd/shared anon */
	struct vs_root *root;	/* where /proc is read (for -B) */
};

/* One process being shown. */
struct target {
	pid_t pid;		/* as given */
	pid_t tgid;		/* its thread group */
	pid_t mmpid;		/* whose files show the address space: the
				 * group, or a live thread of a zombie
				 * leader (target_mm()) */
	struct vs_stat st;
	char cmdline[128 * 1024];
	bool kthread;
};

/* Sums over the mappings a view showed. */
struct totals {
	uint64_t count;			/* mappings */
	uint64_t size;			/* bytes */
	uint64_t shared, priv_w, priv_ro;	/* bytes, for pmap footers */
	uint64_t have;			/* slots seen at least once */
	uint64_t sum[VS_KEYS_MAX];	/* additive slots, raw units */
	uint64_t max[VS_KEYS_MAX];	/* largest value per slot */
	int vmflags_width;		/* longest VmFlags text */
	int w_start, w_perms, w_offset, w_dev, w_inode;	/* -X widths */
	bool any_vmflags;
};

void totals_add(struct totals *t, const struct vs_vma *v);

/* A view: called once per process. */
struct view {
	enum vs_maps_file file;	/* what it reads */
	bool two_pass;		/* needs every row before the first */
	/* After the header line, before the rows. */
	int (*begin)(const struct opts *, const struct target *, void **state);
	/* Optional: every row has been measured into the totals (two-pass
	 * views and --sort); called before the first row. */
	int (*ready)(const struct opts *, void *state,
		     const struct totals *t, const struct vs_keyset *ks);
	/* One mapping (in the order to show). */
	int (*row)(const struct opts *, const struct target *, void *state,
		   const struct vs_vma *v);
	/* After the last row; @t sums exactly the rows shown. @ks is the
	 * file's key set. @err is 0 or the error that ended the rows early. */
	int (*end)(const struct opts *, const struct target *, void *state,
		   const struct totals *t, const struct vs_keyset *ks,
		   int err);
};

extern const struct view view_default, view_extended, view_device,
	view_smaps, view_columns, view_summary, view_json;
extern const struct view view_backing;

/* Columns of -B (backing.c): built by backing_cols_init(), which adds a
 * NODEn column per NUMA node of @nnodes. */
extern const struct vs_col *backing_cols;
extern size_t backing_ncols;
void backing_cols_init(struct vs_root *root);
int backing_col_default(int *sel, size_t max);

/* Read and show one process. Returns a VS_EXIT_* status. */
int show_process(const struct opts *o, struct vs_root *root,
		 struct target *t);

/* Columns of a mapping row (-o, --sort). */
extern const struct vs_col *map_cols;
extern size_t map_ncols;
void map_cols_init(void);
int map_col_default(int *sel, size_t max);

/* The value of column @col for @v: a number or a string. */
struct colval {
	bool null;		/* not available */
	bool is_str;
	uint64_t u;
	const char *s;
	size_t n;
};
void map_col_value(const struct opts *o, const struct target *t,
		   const struct vs_vma *v, int col, struct colval *out,
		   char *scratch, size_t scratch_size);

/* pmap's name for a mapping (default, -x and -d): escaped basename, the
 * path with -p, "[ anon ]", "[ stack ]" or "[ shmid=0x... ]". */
const char *pmap_name(const struct opts *o, const struct target *t,
		      const struct vs_vma *v, char *buf, size_t size);

/* rc files (-c, -C, -n, -N). */
int rc_read(const char *path, struct rc_config *rc);
int rc_create(const char *path);
char *rc_default_path(bool for_create);

#endif
