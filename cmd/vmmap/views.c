/* views.c - the views vmmap adds to pmap's: -J (every smaps field of every
 * mapping), -o (chosen columns) and --summary (sums per kind of region). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmmap.h"
#include "vs_fmt.h"

/* ---- the columns of a mapping ---------------------------------------- */

/* Columns before and after the smaps keys; the keys themselves come from
 * vs_keyinfo, so their names are written down once, in the library. */
enum {
	COL_ADDRESS, COL_END, COL_SIZE, COL_PERMS, COL_OFFSET, COL_DEVICE,
	COL_INODE, COL_KIND, COL_DELETED,
	COL__KEYS,				/* VS_KEY__COUNT columns */
	COL_USS = COL__KEYS + VS_KEY__COUNT,
	COL_DIRTY, COL_MAPPING, COL_NAME,
	COL__COUNT
};

static struct vs_col cols[COL__COUNT] = {
	[COL_ADDRESS] = { "ADDRESS", "start", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"start address" },
	[COL_END] = { "END", "end", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"end address (one past the last byte)" },
	[COL_SIZE] = { "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"virtual size" },
	[COL_PERMS] = { "PERMS", "perms", VS_COL_STR, 0, 0,
		"permissions: read, write, execute, shared or private" },
	[COL_OFFSET] = { "OFFSET", "offset", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"offset in the file" },
	[COL_DEVICE] = { "DEVICE", "device", VS_COL_STR, 0, 0,
		"device of the file (major:minor, hex)" },
	[COL_INODE] = { "INODE", "inode", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"inode of the file (the shmid for SysV shared memory)" },
	[COL_KIND] = { "KIND", "kind", VS_COL_STR, 0, 0,
		"kind of region: text, data, file, heap, stack, anon, shm, vdso" },
	[COL_DELETED] = { "DELETED", "deleted", VS_COL_BOOL, 0, 0,
		"the file was deleted" },
	[COL_USS] = { "USS", "uss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"unique set size: Private_Clean + Private_Dirty" },
	[COL_DIRTY] = { "DIRTY", "dirty", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"dirty pages: Shared_Dirty + Private_Dirty (pmap -x Dirty)" },
	[COL_MAPPING] = { "MAPPING", "mapping", VS_COL_STR, 0, VS_COLF_TRUNC,
		"name as pmap shows it" },
	[COL_NAME] = { "NAME", "name", VS_COL_STR, 0, VS_COLF_TRUNC,
		"name as the kernel shows it (path, [heap], [anon:...])" },
};

static char key_colname[VS_KEY__COUNT][VS_KEY_NAME_MAX + 8];

const struct vs_col *map_cols = cols;
size_t map_ncols = COL__COUNT;

void map_cols_init(void)
{
	for (int k = 0; k < VS_KEY__COUNT; k++) {
		const struct vs_keyinfo *ki = &vs_keyinfo[k];
		struct vs_col *c = &cols[COL__KEYS + k];
		size_t i;

		for (i = 0; ki->json[i] && i + 1 < sizeof(key_colname[k]); i++)
			key_colname[k][i] = (char)(ki->json[i] >= 'a' &&
						   ki->json[i] <= 'z' ?
						   ki->json[i] - 32 : ki->json[i]);
		key_colname[k][i] = '\0';
		c->name = key_colname[k];
		c->json = ki->json;
		c->help = ki->help;
		c->flags = VS_COLF_RIGHT;
		if (ki->flags & VS_KF_KB)
			c->type = VS_COL_SIZE;
		else if (ki->flags & VS_KF_BOOL)
			c->type = VS_COL_BOOL;
		else if (ki->flags & VS_KF_TEXT) {
			c->type = VS_COL_STR;
			c->flags = 0;
		} else
			c->type = VS_COL_NUM;
	}
	/* "SIZE" is both a header field and a smaps key: keep the first. */
	cols[COL__KEYS + VS_KEY_SIZE].name = "SMAPS_SIZE";
	cols[COL__KEYS + VS_KEY_SIZE].json = "smaps_size";
}

int map_col_default(int *sel, size_t max)
{
	static const int def[] = {
		COL_ADDRESS, COL_SIZE, COL__KEYS + VS_KEY_RSS,
		COL__KEYS + VS_KEY_PSS, COL_DIRTY, COL__KEYS + VS_KEY_SWAP,
		COL_PERMS, COL_KIND, COL_NAME,
	};
	size_t n = sizeof(def) / sizeof(*def);

	if (n > max)
		n = max;
	memcpy(sel, def, n * sizeof(int));
	return (int)n;
}

static void cv_num(struct colval *out, bool have, uint64_t u)
{
	out->null = !have;
	out->is_str = false;
	out->u = u;
}

static void cv_str(struct colval *out, const char *s, size_t n)
{
	out->null = s == NULL;
	out->is_str = true;
	out->s = s;
	out->n = n;
}

void map_col_value(const struct opts *o, const struct target *t,
		   const struct vs_vma *v, int col, struct colval *out,
		   char *scratch, size_t scratch_size)
{
	uint64_t a, b;
	bool ha, hb;

	memset(out, 0, sizeof(*out));
	if (col >= COL__KEYS && col < COL__KEYS + VS_KEY__COUNT) {
		enum vs_key k = (enum vs_key)(col - COL__KEYS);
		int slot = v->keys ? v->keys->slot_of[k] : -1;

		if (vs_keyinfo[k].flags & VS_KF_TEXT) {
			size_t n = 0;
			const char *s = slot >= 0 ?
				vs_vma_text(v, (unsigned)slot, &n) : NULL;

			cv_str(out, s, n);
			return;
		}
		ha = vs_vma_bytes(v, k, &a);
		cv_num(out, ha, a);
		return;
	}
	switch (col) {
	case COL_ADDRESS: cv_num(out, true, v->start); return;
	case COL_END: cv_num(out, true, v->end); return;
	case COL_SIZE: cv_num(out, true, v->end - v->start); return;
	case COL_PERMS: cv_str(out, v->perms, 4); return;
	case COL_OFFSET: cv_num(out, true, v->offset); return;
	case COL_INODE: cv_num(out, true, v->inode); return;
	case COL_DELETED: cv_num(out, true, vs_vma_deleted(v)); return;
	case COL_DEVICE:
		snprintf(scratch, scratch_size, "%02x:%02x", v->dev_major,
			 v->dev_minor);
		cv_str(out, scratch, strlen(scratch));
		return;
	case COL_KIND: {
		const char *k = vs_region_name[vs_vma_region(v, &o->shm)];

		cv_str(out, k, strlen(k));
		return;
	}
	case COL_USS:
		ha = vs_vma_bytes(v, VS_KEY_PRIVATE_CLEAN, &a);
		hb = vs_vma_bytes(v, VS_KEY_PRIVATE_DIRTY, &b);
		cv_num(out, ha || hb, (ha ? a : 0) + (hb ? b : 0));
		return;
	case COL_DIRTY:
		ha = vs_vma_bytes(v, VS_KEY_SHARED_DIRTY, &a);
		hb = vs_vma_bytes(v, VS_KEY_PRIVATE_DIRTY, &b);
		cv_num(out, ha || hb, (ha ? a : 0) + (hb ? b : 0));
		return;
	case COL_MAPPING: {
		const char *s = pmap_name(o, t, v, scratch, scratch_size);

		cv_str(out, s, strlen(s));
		return;
	}
	case COL_NAME:
		cv_str(out, v->name, v->name_len);
		return;
	}
	out->null = true;
}

/* ---- -o: chosen columns ---------------------------------------------- */

struct columns_state {
	struct vs_table *t;
};

static int columns_begin(const struct opts *o, const struct target *t,
			 void **state)
{
	struct columns_state *s = calloc(1, sizeof(*s));
	struct vs_err e;

	(void)t;
	if (!s)
		return -ENOMEM;
	if (vs_table_new(o->out, "mappings", cols, COL__COUNT, o->cols,
			 o->ncols, &s->t, &e) < 0) {
		cmd_warn_err(&e);
		free(s);
		return -ENOMEM;
	}
	*state = s;
	return 0;
}

static int columns_row(const struct opts *o, const struct target *t,
		       void *state, const struct vs_vma *v)
{
	struct columns_state *s = state;
	char scratch[8192];

	vs_table_row(s->t);
	for (size_t i = 0; i < o->ncols; i++) {
		struct colval cv;
		int c = o->cols[i];

		map_col_value(o, t, v, c, &cv, scratch, sizeof(scratch));
		if (cv.null)
			vs_table_null(s->t, c);
		else if (cv.is_str)
			vs_table_strn(s->t, c, cv.s, cv.n);
		else
			vs_table_u64(s->t, c, cv.u);
	}
	return 0;
}

static int columns_end(const struct opts *o, const struct target *t,
		       void *state, const struct totals *tot,
		       const struct vs_keyset *ks, int err)
{
	struct columns_state *s = state;
	int r;

	(void)o;
	(void)t;
	(void)tot;
	(void)ks;
	(void)err;
	r = vs_table_end(s->t);
	free(s);
	return r;
}

const struct view view_columns = {
	.file = VS_FILE_SMAPS,
	.begin = columns_begin,
	.row = columns_row,
	.end = columns_end,
};

/* ---- -J: every field of every mapping -------------------------------- */

/* Write slot @i of @v under its JSON name: sizes in bytes, THPeligible as
 * a boolean, VmFlags as an array of its two-letter codes. */
static void json_slot(struct vs_json *j, const struct vs_vma *v, unsigned i)
{
	const struct vs_keyslot *k = &v->keys->slot[i];

	if (k->flags & VS_KF_TEXT) {
		size_t n;
		const char *s = vs_vma_text(v, i, &n);

		if (k->known != VS_KEY_VM_FLAGS) {
			vs_json_strn(j, k->json, s, n);
			return;
		}
		vs_json_arr_begin(j, k->json);
		for (size_t p = 0; p < n;) {
			size_t q = p;

			while (q < n && s[q] != ' ')
				q++;
			if (q > p)
				vs_json_strn(j, NULL, s + p, q - p);
			p = q + 1;
		}
		vs_json_arr_end(j);
	} else if (k->flags & VS_KF_BOOL) {
		vs_json_bool(j, k->json, v->val[i] != 0);
	} else {
		vs_json_u64(j, k->json, (k->flags & VS_KF_KB) ?
			    v->val[i] * 1024 : v->val[i]);
	}
}

static int json_begin(const struct opts *o, const struct target *t,
		      void **state)
{
	(void)t;
	*state = NULL;
	vs_json_arr_begin(&o->out->json, "mappings");
	return 0;
}

static int json_row(const struct opts *o, const struct target *t,
		    void *state, const struct vs_vma *v)
{
	struct vs_json *j = &o->out->json;
	char dev[32];
	int size_slot = v->keys->slot_of[VS_KEY_SIZE];

	(void)t;
	(void)state;
	vs_json_obj_begin(j, NULL);
	vs_json_u64(j, "start", v->start);
	vs_json_u64(j, "end", v->end);
	vs_json_u64(j, "size", v->end - v->start);
	vs_json_str(j, "perms", v->perms);
	vs_json_u64(j, "offset", v->offset);
	snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
	vs_json_str(j, "device", dev);
	vs_json_u64(j, "inode", v->inode);
	if (v->name_len)
		vs_json_strn(j, "name", v->name, v->name_len);
	else
		vs_json_null(j, "name");
	vs_json_str(j, "kind", vs_region_name[vs_vma_region(v, &o->shm)]);
	vs_json_bool(j, "deleted", vs_vma_deleted(v));
	if (vs_vma_is_sysv(v, &o->shm))
		vs_json_u64(j, "shmid", v->inode);
	for (unsigned i = 0; i < v->keys->n; i++) {
		/* smaps' Size is "size" above, from the header line. */
		if ((int)i == size_slot || !(v->have & (1ull << i)))
			continue;
		json_slot(j, v, i);
	}
	vs_json_obj_end(j);
	return 0;
}

static int json_end(const struct opts *o, const struct target *t,
		    void *state, const struct totals *tot,
		    const struct vs_keyset *ks, int err)
{
	struct vs_json *j = &o->out->json;

	(void)t;
	(void)state;
	(void)err;
	vs_json_arr_end(j);
	vs_json_obj_begin(j, "totals");
	vs_json_u64(j, "mappings", tot->count);
	vs_json_u64(j, "size", tot->size);
	for (unsigned i = 0; i < ks->n; i++) {
		const struct vs_keyslot *k = &ks->slot[i];

		if (!(k->flags & VS_KF_ADD) || k->known == VS_KEY_SIZE ||
		    !(tot->have & (1ull << i)))
			continue;
		vs_json_u64(j, k->json, (k->flags & VS_KF_KB) ?
			    tot->sum[i] * 1024 : tot->sum[i]);
	}
	vs_json_obj_end(j);
	return 0;
}

const struct view view_json = {
	.file = VS_FILE_SMAPS,
	.begin = json_begin,
	.row = json_row,
	.end = json_end,
};

/* ---- --summary: sums per kind of region ------------------------------ */

enum {
	S_KIND, S_MAPPINGS, S_SIZE, S_RSS, S_PSS, S_USS, S_DIRTY, S_SWAP,
	S_SWAP_PSS, S_ANON_HUGE, S_LOCKED, S__COUNT
};

static const struct vs_col sum_cols[S__COUNT] = {
	[S_KIND] = { "KIND", "kind", VS_COL_STR, 0, 0, "kind of region" },
	[S_MAPPINGS] = { "MAPPINGS", "mappings", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"number of mappings" },
	[S_SIZE] = { "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"virtual size" },
	[S_RSS] = { "RSS", "rss", VS_COL_SIZE, 0, VS_COLF_RIGHT, "resident" },
	[S_PSS] = { "PSS", "pss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"proportional set size" },
	[S_USS] = { "USS", "uss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"private: Private_Clean + Private_Dirty" },
	[S_DIRTY] = { "DIRTY", "dirty", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"dirty: Shared_Dirty + Private_Dirty" },
	[S_SWAP] = { "SWAP", "swap", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"swapped out" },
	[S_SWAP_PSS] = { "SWAP_PSS", "swap_pss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"proportional share of the swapped memory" },
	[S_ANON_HUGE] = { "ANON_HUGE", "anon_huge_pages", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "anonymous memory in transparent huge pages" },
	[S_LOCKED] = { "LOCKED", "locked", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"locked in memory" },
};

/* The smaps key behind each summed column (USS and DIRTY add two). */
static const struct {
	int col;
	enum vs_key k1, k2;
} ssums[] = {
	{ S_RSS, VS_KEY_RSS, VS_KEY__COUNT },
	{ S_PSS, VS_KEY_PSS, VS_KEY__COUNT },
	{ S_USS, VS_KEY_PRIVATE_CLEAN, VS_KEY_PRIVATE_DIRTY },
	{ S_DIRTY, VS_KEY_SHARED_DIRTY, VS_KEY_PRIVATE_DIRTY },
	{ S_SWAP, VS_KEY_SWAP, VS_KEY__COUNT },
	{ S_SWAP_PSS, VS_KEY_SWAP_PSS, VS_KEY__COUNT },
	{ S_ANON_HUGE, VS_KEY_ANON_HUGE_PAGES, VS_KEY__COUNT },
	{ S_LOCKED, VS_KEY_LOCKED, VS_KEY__COUNT },
};
#define NSUMS (sizeof(ssums) / sizeof(*ssums))

struct kindsum {
	uint64_t mappings, size;
	uint64_t sum[NSUMS];
	bool have[NSUMS];
};

struct summary_state {
	struct kindsum kind[VS_REGION__COUNT];
};

static int summary_begin(const struct opts *o, const struct target *t,
			 void **state)
{
	(void)o;
	(void)t;
	*state = calloc(1, sizeof(struct summary_state));
	return *state ? 0 : -ENOMEM;
}

static int summary_row(const struct opts *o, const struct target *t,
		       void *state, const struct vs_vma *v)
{
	struct summary_state *s = state;
	struct kindsum *k = &s->kind[vs_vma_region(v, &o->shm)];

	(void)t;
	k->mappings++;
	k->size += v->end - v->start;
	for (size_t i = 0; i < NSUMS; i++) {
		uint64_t a;

		if (vs_vma_bytes(v, ssums[i].k1, &a)) {
			k->sum[i] += a;
			k->have[i] = true;
		}
		if (ssums[i].k2 != VS_KEY__COUNT &&
		    vs_vma_bytes(v, ssums[i].k2, &a)) {
			k->sum[i] += a;
			k->have[i] = true;
		}
	}
	return 0;
}

static void summary_cells(struct vs_table *tb, const char *name,
			  const struct kindsum *k)
{
	vs_table_str(tb, S_KIND, name);
	vs_table_u64(tb, S_MAPPINGS, k->mappings);
	vs_table_u64(tb, S_SIZE, k->size);
	for (size_t i = 0; i < NSUMS; i++) {
		/* A kind with no mappings has nothing unknown: 0. */
		if (k->have[i] || k->mappings == 0)
			vs_table_u64(tb, ssums[i].col, k->sum[i]);
		else
			vs_table_null(tb, ssums[i].col);
	}
}

static int summary_end(const struct opts *o, const struct target *t,
		       void *state, const struct totals *tot,
		       const struct vs_keyset *ks, int err)
{
	struct summary_state *s = state;
	struct kindsum all = { 0 };
	struct vs_table *tb;
	struct vs_err e;
	int sel[S__COUNT], r;

	(void)t;
	(void)tot;
	(void)ks;
	(void)err;
	for (int i = 0; i < S__COUNT; i++)
		sel[i] = i;
	r = vs_table_new(o->out, "summary", sum_cols, S__COUNT, sel, S__COUNT,
			 &tb, &e);
	if (r < 0) {
		cmd_warn_err(&e);
		free(s);
		return r;
	}
	for (int k = 0; k < VS_REGION__COUNT; k++) {
		const struct kindsum *ks_ = &s->kind[k];

		vs_table_row(tb);
		summary_cells(tb, vs_region_name[k], ks_);
		all.mappings += ks_->mappings;
		all.size += ks_->size;
		for (size_t i = 0; i < NSUMS; i++) {
			all.sum[i] += ks_->sum[i];
			all.have[i] |= ks_->have[i];
		}
	}
	vs_table_footer(tb, "totals");
	summary_cells(tb, "total", &all);
	free(s);
	return vs_table_end(tb);
}

const struct view view_summary = {
	.file = VS_FILE_SMAPS,
	.begin = summary_begin,
	.row = summary_row,
	.end = summary_end,
};
