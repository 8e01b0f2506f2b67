/* pipeline.c - reads one process's mappings once and hands them to a view.
 *
 * Rows go straight from the parser to the view, or, when the view must see
 * them all first (pmap -X widths) or --sort orders them, through a
 * vs_spool. Either way the file is read once, so totals always add up the
 * rows that were shown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmmap.h"
#include "vs_fmt.h"
#include "vs_spool.h"

void totals_add(struct totals *t, const struct vs_vma *v)
{
	uint64_t size = v->end - v->start;
	const struct vs_keyset *ks = v->keys;

	t->count++;
	t->size += size;
	if (v->perms[3] == 's')
		t->shared += size;
	else if (v->perms[1] == 'w')
		t->priv_w += size;
	else
		t->priv_ro += size;
	if (!ks)
		return;
	t->have |= v->have;
	if (v->have & ks->text_mask) {
		int slot = ks->slot_of[VS_KEY_VM_FLAGS];
		size_t n;

		if (slot >= 0 && vs_vma_text(v, (unsigned)slot, &n)) {
			if ((int)n > t->vmflags_width)
				t->vmflags_width = (int)n;
			t->any_vmflags = true;
		}
	}
	for (uint64_t bits = v->have & ~ks->text_mask; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctzll(bits);

		/* Sums saturate rather than wrap: a hostile file cannot
		 * make a total smaller than one of its rows. */
		if (t->sum[i] > UINT64_MAX - v->val[i])
			t->sum[i] = UINT64_MAX;
		else
			t->sum[i] += v->val[i];
		if (v->val[i] > t->max[i])
			t->max[i] = v->val[i];
	}
}

/* -X column widths of the fields pmap prints from the header line, as the
 * kernel formats them (start and offset at least 8 hex digits, device
 * "%02x:%02x", inode decimal). */
static int hex_width(uint64_t v, int min)
{
	int w = v ? (64 - __builtin_clzll(v) + 3) / 4 : 1;

	return w > min ? w : min;
}

static void measure(struct totals *t, const struct vs_vma *v)
{
	int w;

	w = hex_width(v->start, 8);
	if (w > t->w_start)
		t->w_start = w;
	t->w_perms = 4;
	w = hex_width(v->offset, 8);
	if (w > t->w_offset)
		t->w_offset = w;
	w = hex_width(v->dev_major, 2) + 1 + hex_width(v->dev_minor, 2);
	if (w > t->w_dev)
		t->w_dev = w;
	w = vs_u64_width(v->inode);
	if (w > t->w_inode)
		t->w_inode = w;
}

/* A row to sort: its place in the spool and its key. */
struct sortent {
	uint64_t off;
	uint64_t seq;
	uint64_t u;
	char *s;
	bool null;
	bool is_str;
};

static bool sort_descending(enum vs_coltype type)
{
	return type == VS_COL_NUM || type == VS_COL_SIZE ||
	       type == VS_COL_BOOL || type == VS_COL_FLOAT ||
	       type == VS_COL_INT;
}

static bool sort_desc_flag;

static int sort_cmp(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;
	int c = 0;

	if (x->null != y->null)
		return x->null ? 1 : -1;	/* unknown values last */
	if (!x->null) {
		if (x->is_str)
			c = strcmp(x->s, y->s);
		else
			c = x->u < y->u ? -1 : x->u > y->u;
		if (sort_desc_flag)
			c = -c;
	}
	if (c == 0)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

static bool in_range(const struct opts *o, const struct vs_vma *v)
{
	return v->end - 1 >= o->lo && v->start <= o->hi;
}

static const struct view *choose_view(const struct opts *o)
{
	switch (o->mode) {
	case MODE_EXTENDED: return &view_extended;
	case MODE_DEVICE: return &view_device;
	case MODE_SMAPS: return &view_smaps;
	case MODE_COLUMNS: return &view_columns;
	case MODE_SUMMARY: return &view_summary;
	case MODE_JSON: return &view_json;
	case MODE_BACKING: return &view_backing;
	case MODE_DEFAULT: break;
	}
	return &view_default;
}

/* Status for a failure to open or read the process's files: 42 only when
 * the process is gone; a missing file of a live one is 3. */
static int fail_status(struct vs_root *root, const struct target *t, int err)
{
	if (err == -ESRCH || !vs_root_pid_alive(root, t->mmpid))
		return VS_EXIT_NOTFOUND;
	return cmd_status_of_errno(err);
}

static void header(const struct opts *o, const struct target *t)
{
	struct vs_json *j = &o->out->json;

	if (o->out->fmt == VS_OUT_JSON) {
		vs_json_obj_begin(j, NULL);
		vs_json_i64(j, "pid", t->pid);
		vs_json_i64(j, "tgid", t->tgid);
		vs_json_str(j, "cmdline", t->cmdline);
		vs_json_bool(j, "kernel_thread", t->kthread);
		return;
	}
	printf("%d:   %s\n", (int)t->tgid, t->cmdline);
}

/* Rows through the spool: collect, then hand over in order. */
static int spooled(const struct opts *o, const struct view *view,
		   const struct target *t, void *state, struct vs_maps *m,
		   struct totals *tot, struct vs_err *e)
{
	struct vs_spool *sp = NULL;
	struct sortent *ents = NULL;
	size_t nents = 0, cap = 0;
	struct vs_buf buf = { 0 };
	struct vs_vma dec = { 0 };
	const struct vs_vma *v;
	char scratch[512];
	int r;

	/* 4 MiB in memory holds about 50,000 mappings; more go to a file, so
	 * that peak RSS stays under 8 MiB whatever the process. */
	r = vs_spool_new(4 * 1024 * 1024, &sp, e);
	if (r < 0)
		return r;
	while ((r = vs_maps_next(m, &v, e)) > 0) {
		uint64_t off;

		if (!in_range(o, v))
			continue;
		totals_add(tot, v);
		measure(tot, v);
		vs_buf_reset(&buf);
		vs_vma_encode(v, &buf);
		if (buf.err) {
			r = vs_err_set(e, ENOMEM, "out of memory");
			break;
		}
		r = vs_spool_put(sp, buf.p, buf.len, &off, e);
		if (r < 0)
			break;
		if (o->sort_col >= 0) {
			struct colval cv;

			if (nents == cap) {
				size_t ncap = cap ? cap * 2 : 1024;
				struct sortent *ne = realloc(ents,
							     ncap * sizeof(*ne));

				if (!ne) {
					r = vs_err_set(e, ENOMEM,
						       "out of memory");
					break;
				}
				ents = ne;
				cap = ncap;
			}
			map_col_value(o, t, v, o->sort_col, &cv, scratch,
				      sizeof(scratch));
			ents[nents] = (struct sortent){
				.off = off, .seq = nents, .u = cv.u,
				.null = cv.null, .is_str = cv.is_str,
			};
			if (cv.is_str && !cv.null) {
				ents[nents].s = strndup(cv.s, cv.n);
				if (!ents[nents].s) {
					r = vs_err_set(e, ENOMEM,
						       "out of memory");
					break;
				}
			}
			nents++;
		}
	}
	if (r < 0)
		goto out;
	if (view->ready) {
		r = view->ready(o, state, tot, vs_maps_keys(m));
		if (r < 0)
			goto out;
	}
	if (o->sort_col >= 0) {
		sort_desc_flag = sort_descending(map_cols[o->sort_col].type) !=
				 o->reverse;
		qsort(ents, nents, sizeof(*ents), sort_cmp);
	}
	{
		uint64_t off = 0, next;
		size_t i = 0;

		for (;;) {
			const void *rec;
			size_t len;

			if (o->sort_col >= 0) {
				if (i == nents)
					break;
				off = ents[i++].off;
			}
			r = vs_spool_get(sp, off, &rec, &len, &next, e);
			if (r <= 0)
				break;
			off = next;
			r = vs_vma_decode(&dec, vs_maps_keys(m), rec, len);
			if (r < 0) {
				r = vs_err_set(e, -r, "corrupt spool record");
				break;
			}
			r = view->row(o, t, state, &dec);
			if (r < 0)
				break;
		}
	}
out:
	for (size_t i = 0; i < nents; i++)
		free(ents[i].s);
	free(ents);
	vs_vma_release(&dec);
	vs_buf_free(&buf);
	vs_spool_free(sp);
	return r < 0 ? r : 0;
}

int show_process(const struct opts *o, struct vs_root *root, struct target *t)
{
	const struct view *view = choose_view(o);
	struct vs_maps *m = NULL;
	struct totals tot;
	struct vs_err e;
	void *state = NULL;
	int r, status = VS_EXIT_OK;

	memset(&tot, 0, sizeof(tot));
	vs_err_clear(&e);
	r = vs_maps_open(root, t->mmpid, view->file, &m, &e);
	if (r < 0) {
		status = fail_status(root, t, r);
		if (status == VS_EXIT_NOTFOUND)
			cmd_warn("process %d not found", (int)t->pid);
		else
			cmd_warn_err(&e);
		return status;
	}
	header(o, t);
	r = view->begin(o, t, &state);
	if (r < 0) {
		/* begin has said why; close the process's JSON object. */
		if (o->out->fmt == VS_OUT_JSON) {
			vs_json_str(&o->out->json, "error", "cannot read");
			vs_json_obj_end(&o->out->json);
		}
		vs_maps_close(m);
		return fail_status(root, t, r);
	}
	if (view->two_pass || o->sort_col >= 0) {
		r = spooled(o, view, t, state, m, &tot, &e);
	} else {
		const struct vs_vma *v;

		while ((r = vs_maps_next(m, &v, &e)) > 0) {
			if (v->start > o->hi)
				break;		/* maps are in address order */
			if (!in_range(o, v))
				continue;
			totals_add(&tot, v);
			r = view->row(o, t, state, v);
			if (r < 0)
				break;
		}
	}
	if (r == -EPIPE)
		cmd_exit_closed_pipe();
	if (r < 0 && !e.code) {
		char buf[128];

		vs_err_set(&e, -r, "write error: %s", vs_strerror(r, buf,
								 sizeof(buf)));
	}
	if (r < 0)
		status = fail_status(root, t, r);
	r = view->end(o, t, state, &tot, vs_maps_keys(m), r < 0 ? r : 0);
	if (r == -EPIPE)
		cmd_exit_closed_pipe();
	if (r < 0 && status == VS_EXIT_OK)
		status = VS_EXIT_FAILURE;
	if (o->out->fmt == VS_OUT_JSON) {
		if (status != VS_EXIT_OK)
			vs_json_str(&o->out->json, "error",
				    e.msg[0] ? e.msg : "read failed");
		vs_json_obj_end(&o->out->json);
	}
	vs_maps_close(m);
	if (status == VS_EXIT_NOTFOUND)
		cmd_warn("process %d exited while it was being read; "
			 "what was shown may be incomplete", (int)t->pid);
	else if (status != VS_EXIT_OK)
		cmd_warn_err(&e);
	else if (!vs_root_pid_alive(root, t->mmpid)) {
		/* The kernel ends the file early when the process goes. */
		cmd_warn("process %d exited while it was being read; "
			 "what was shown may be incomplete", (int)t->pid);
		status = VS_EXIT_NOTFOUND;
	}
	return status;
}
