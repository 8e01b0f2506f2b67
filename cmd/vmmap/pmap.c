/* pmap.c - the views vmmap shares with procps-ng pmap 4.0.2.
 *
 * Default, -x, -d, -X, -XX and the rc-file view print the bytes pmap
 * prints for the same snapshot. Where pmap is wrong vmmap differs, and
 * vmmap(1), COMPATIBILITY, lists each case; the comments below mark them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "vmmap.h"
#include "vs_fmt.h"

/* pmap's five-letter mode: "r-x--", "rw-s-". */
static void mode5(const struct vs_vma *v, char out[6])
{
	memcpy(out, v->perms, 4);
	if (out[3] == 'p')
		out[3] = '-';
	out[4] = '-';
	out[5] = '\0';
}

const char *pmap_name(const struct opts *o, const struct target *t,
		      const struct vs_vma *v, char *buf, size_t size)
{
	const char *slash;
	size_t n;

	if (vs_vma_is_sysv(v, &o->shm)) {
		snprintf(buf, size, "  [ shmid=0x%llx ]",
			 (unsigned long long)v->inode);
		return buf;
	}
	/* Unprintable bytes become '?', as pmap does to the whole line. */
	n = v->name_len < size - 1 ? v->name_len : size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v->name[i];

		buf[i] = isprint(c) ? (char)c : '?';
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash) {
		if (o->showpath)
			return strchr(buf, '/');
		return slash[1] ? slash + 1 : slash;
	}
	if (t->st.startstack >= v->start && t->st.startstack <= v->end)
		return "  [ stack ]";
	return "  [ anon ]";
}

/* What every pmap view keeps while it prints one process. */
struct pmap_state {
	struct vs_line line;		/* the row being built */
	char name[8192];		/* scratch for pmap_name() */
	/* -X only: */
	bool header_done;
	int w_start, w_perms, w_offset, w_dev, w_inode, w_flags;
	bool perm, offset, device, inode, mapping, vmflags;
	int ncols;
	unsigned slot[VS_KEYS_MAX];	/* shown value columns, file order */
	int width[VS_KEYS_MAX];
	bool additive[VS_KEYS_MAX];
};

static int state_new(void **state)
{
	*state = calloc(1, sizeof(struct pmap_state));
	return *state ? 0 : -ENOMEM;
}

static int state_free(struct pmap_state *s)
{
	int err = s->line.err;

	vs_line_free(&s->line);
	free(s);
	return err;
}

/* Write the row built in @s. */
static int emit(struct pmap_state *s)
{
	if (s->line.err)
		return s->line.err;
	return vs_line_flush(&s->line, stdout) ? -(errno ? errno : EIO) : 0;
}

static int plain_begin(const struct opts *o, const struct target *t,
		       void **state)
{
	(void)o;
	(void)t;
	return state_new(state);
}

/* ---- default: one line per mapping, from maps ------------------------ */

static int default_row(const struct opts *o, const struct target *t,
		       void *state, const struct vs_vma *v)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	char mode[6];

	mode5(v, mode);
	vs_line_hex(l, v->start, 16);
	vs_line_putc(l, ' ');
	vs_line_u64(l, (v->end - v->start) >> 10, 6);
	vs_line_putn(l, "K ", 2);
	vs_line_putn(l, mode, 5);
	vs_line_putc(l, ' ');
	vs_line_str(l, pmap_name(o, t, v, s->name, sizeof(s->name)), 0, 0);
	vs_line_putc(l, '\n');
	return emit(s);
}

static int default_end(const struct opts *o, const struct target *t,
		       void *state, const struct totals *tot,
		       const struct vs_keyset *ks, int err)
{
	(void)t;
	(void)ks;
	if (!o->quiet && !err)
		printf(" total %16lluK\n", (unsigned long long)(tot->size >> 10));
	return state_free(state);
}

const struct view view_default = {
	.file = VS_FILE_MAPS,
	.begin = plain_begin,
	.row = default_row,
	.end = default_end,
};

/* ---- -x: size, RSS and dirty, from smaps ----------------------------- */

static int extended_begin(const struct opts *o, const struct target *t,
			  void **state)
{
	(void)t;
	if (!o->quiet)
		fputs("Address           Kbytes     RSS   Dirty Mode  Mapping\n",
		      stdout);
	return state_new(state);
}

/* Shared_Dirty + Private_Dirty in kB; false when neither is there. */
static bool dirty_of(const struct vs_vma *v, uint64_t *dirty)
{
	uint64_t sd = 0, pd = 0;
	bool hs = vs_vma_get(v, VS_KEY_SHARED_DIRTY, &sd);
	bool hp = vs_vma_get(v, VS_KEY_PRIVATE_DIRTY, &pd);

	*dirty = sd + pd;
	return hs || hp;
}

/* A number right-aligned in @width, or "-" when @have is false: pmap
 * prints 0 for a field the kernel did not give, which is not the same. */
static void put_num(struct vs_line *l, uint64_t v, bool have, int width)
{
	if (have)
		vs_line_u64(l, v, width);
	else
		vs_line_str(l, "-", width, 1);
}

static int extended_row(const struct opts *o, const struct target *t,
			void *state, const struct vs_vma *v)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	char mode[6];
	uint64_t rss = 0, dirty;
	bool hr = vs_vma_get(v, VS_KEY_RSS, &rss), hd = dirty_of(v, &dirty);

	mode5(v, mode);
	vs_line_hex(l, v->start, 16);
	vs_line_putc(l, ' ');
	vs_line_u64(l, (v->end - v->start) >> 10, 7);
	vs_line_putc(l, ' ');
	put_num(l, rss, hr, 7);
	vs_line_putc(l, ' ');
	put_num(l, dirty, hd, 7);
	vs_line_putc(l, ' ');
	vs_line_putn(l, mode, 5);
	vs_line_putc(l, ' ');
	vs_line_str(l, pmap_name(o, t, v, s->name, sizeof(s->name)), 0, 0);
	vs_line_putc(l, '\n');
	return emit(s);
}

/* The total of a known key over the rows, if any row had it. */
static bool total_of(const struct totals *tot, const struct vs_keyset *ks,
		     enum vs_key k, uint64_t *out)
{
	int slot = ks->slot_of[k];

	if (slot < 0 || !(tot->have & (1ull << slot))) {
		*out = 0;
		return false;
	}
	*out = tot->sum[slot];
	return true;
}

static int extended_end(const struct opts *o, const struct target *t,
			void *state, const struct totals *tot,
			const struct vs_keyset *ks, int err)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	uint64_t rss, sd, pd;
	bool hr, hs, hp, none = tot->count == 0;

	(void)t;
	if (o->quiet || err)
		return state_free(s);
	/* pmap adds up Rss and Dirty of every mapping it read, also those
	 * outside an -A range; these are the sums of the rows shown. */
	hr = total_of(tot, ks, VS_KEY_RSS, &rss);
	hs = total_of(tot, ks, VS_KEY_SHARED_DIRTY, &sd);
	hp = total_of(tot, ks, VS_KEY_PRIVATE_DIRTY, &pd);
	vs_line_str(l, "---------------- ------- ------- ------- \n"
		       "total kB         ", 0, 0);
	put_num(l, tot->size >> 10, true, 7);
	vs_line_putc(l, ' ');
	put_num(l, rss, hr || none, 7);
	vs_line_putc(l, ' ');
	put_num(l, sd + pd, hs || hp || none, 7);
	vs_line_putc(l, '\n');
	emit(s);
	return state_free(s);
}

const struct view view_extended = {
	.file = VS_FILE_SMAPS,
	.begin = extended_begin,
	.row = extended_row,
	.end = extended_end,
};

/* ---- -d: offsets and devices, from maps ------------------------------ */

static int device_begin(const struct opts *o, const struct target *t,
			void **state)
{
	(void)t;
	if (!o->quiet)
		fputs("Address           Kbytes Mode  Offset           Device    "
		      "Mapping\n", stdout);
	return state_new(state);
}

static int device_row(const struct opts *o, const struct target *t,
		      void *state, const struct vs_vma *v)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	char mode[6];

	mode5(v, mode);
	vs_line_hex(l, v->start, 16);
	vs_line_putc(l, ' ');
	vs_line_u64(l, (v->end - v->start) >> 10, 7);
	vs_line_putc(l, ' ');
	vs_line_putn(l, mode, 5);
	vs_line_putc(l, ' ');
	vs_line_hex(l, v->offset, 16);
	vs_line_putc(l, ' ');
	vs_line_hex(l, v->dev_major, 3);
	vs_line_putc(l, ':');
	vs_line_hex(l, v->dev_minor, 5);
	vs_line_putc(l, ' ');
	vs_line_str(l, pmap_name(o, t, v, s->name, sizeof(s->name)), 0, 0);
	vs_line_putc(l, '\n');
	return emit(s);
}

static int device_end(const struct opts *o, const struct target *t,
		      void *state, const struct totals *tot,
		      const struct vs_keyset *ks, int err)
{
	(void)t;
	(void)ks;
	if (!o->quiet && !err)
		printf("mapped: %lluK    writeable/private: %lluK    shared: %lluK\n",
		       (unsigned long long)(tot->size >> 10),
		       (unsigned long long)(tot->priv_w >> 10),
		       (unsigned long long)(tot->shared >> 10));
	return state_free(state);
}

const struct view view_device = {
	.file = VS_FILE_MAPS,
	.begin = device_begin,
	.row = device_row,
	.end = device_end,
};

/* ---- -X, -XX and the rc file: every smaps field ---------------------- */

/* Fields -X leaves out (pmap's "unimportant" ones). */
static bool unimportant(const char *name)
{
	static const char *const list[] = {
		"AnonHugePages", "KernelPageSize", "MMUPageSize",
		"Shared_Dirty", "Private_Dirty", "Shared_Clean",
		"Private_Clean", "VmFlags",
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(*list); i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

static bool enabled(const struct opts *o, const char *name)
{
	if (o->rc) {
		for (int i = 0; i < o->rcconf.nfields; i++)
			if (!strcmp(o->rcconf.field[i], name))
				return true;
		return false;
	}
	if (o->xlevel == 1)
		return !unimportant(name);
	return true;
}

static int smaps_begin(const struct opts *o, const struct target *t,
		       void **state)
{
	struct pmap_state *s;

	(void)t;
	if (state_new(state) < 0)
		return -ENOMEM;
	s = *state;
	s->perm = enabled(o, "Perm");
	s->offset = enabled(o, "Offset");
	s->device = enabled(o, "Device");
	s->inode = enabled(o, "Inode");
	s->mapping = enabled(o, "Mapping");
	return 0;
}

static int maxi(int a, int b)
{
	return a > b ? a : b;
}

/* Text width of slot @i's widest value (or its total). */
static int value_width(const struct totals *tot, const struct vs_keyset *ks,
		       unsigned i, bool use_total)
{
	if (ks->slot[i].flags & VS_KF_TEXT)
		return 0;
	return vs_u64_width(use_total ? tot->sum[i] : tot->max[i]);
}

/* Work out the columns once every row has been measured. */
static int smaps_ready(const struct opts *o, void *state,
		       const struct totals *tot, const struct vs_keyset *ks)
{
	struct pmap_state *s = state;
	bool q = o->quiet;

	s->w_start = maxi(tot->w_start, q ? 0 : 7);
	s->w_perms = maxi(tot->w_perms, q ? 0 : 4);
	s->w_offset = maxi(tot->w_offset, q ? 0 : 6);
	s->w_dev = maxi(tot->w_dev, q ? 0 : 6);
	s->w_inode = maxi(tot->w_inode, q ? 0 : 5);
	s->ncols = 0;
	for (unsigned i = 0; i < ks->n; i++) {
		const struct vs_keyslot *k = &ks->slot[i];
		int w;

		if (k->known == VS_KEY_VM_FLAGS || !enabled(o, k->name) ||
		    !(tot->have & (1ull << i)))
			continue;
		/* pmap totals every column, page sizes and THPeligible too;
		 * only sums that mean something are printed here. */
		s->additive[s->ncols] = k->flags & VS_KF_ADD;
		if (q)
			w = value_width(tot, ks, i, false);
		else
			w = maxi((int)strlen(k->name),
				 value_width(tot, ks, i, s->additive[s->ncols]));
		s->slot[s->ncols] = i;
		s->width[s->ncols] = w;
		s->ncols++;
	}
	s->vmflags = tot->any_vmflags && enabled(o, "VmFlags");
	s->w_flags = maxi(tot->vmflags_width, q ? 0 : 7);
	return 0;
}

static void smaps_header(struct pmap_state *s, const struct vs_keyset *ks)
{
	struct vs_line *l = &s->line;

	vs_line_str(l, "Address", s->w_start, 1);
	vs_line_putc(l, ' ');
	if (s->perm) {
		vs_line_str(l, "Perm", s->w_perms, 1);
		vs_line_putc(l, ' ');
	}
	if (s->offset) {
		vs_line_str(l, "Offset", s->w_offset, 1);
		vs_line_putc(l, ' ');
	}
	if (s->device) {
		vs_line_str(l, "Device", s->w_dev, 1);
		vs_line_putc(l, ' ');
	}
	if (s->inode) {
		vs_line_str(l, "Inode", s->w_inode, 1);
		vs_line_putc(l, ' ');
	}
	for (int c = 0; c < s->ncols; c++) {
		vs_line_str(l, ks->slot[s->slot[c]].name, s->width[c], 1);
		vs_line_putc(l, ' ');
	}
	if (s->vmflags) {
		vs_line_str(l, "VmFlags", s->w_flags, 1);
		vs_line_putc(l, ' ');
	}
	vs_line_str(l, s->mapping ? "Mapping\n" : "\n", 0, 0);
}

static int smaps_row(const struct opts *o, const struct target *t,
		     void *state, const struct vs_vma *v)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	const struct vs_keyset *ks = v->keys;
	char buf[VS_U64_BUF];

	(void)t;
	if (!s->header_done) {
		s->header_done = true;
		if (!o->quiet)
			smaps_header(s, ks);
	}
	vs_line_str(l, vs_u64_hex(buf, v->start, 8), s->w_start, 1);
	if (s->perm) {
		vs_line_putc(l, ' ');
		vs_line_pad(l, v->perms, 4, s->w_perms, 1);
	}
	if (s->offset) {
		vs_line_putc(l, ' ');
		vs_line_str(l, vs_u64_hex(buf, v->offset, 8), s->w_offset, 1);
	}
	if (s->device) {
		char major[VS_U64_BUF], minor[VS_U64_BUF];
		const char *ma = vs_u64_hex(major, v->dev_major, 2);
		const char *mi = vs_u64_hex(minor, v->dev_minor, 2);

		vs_line_putc(l, ' ');
		vs_line_fill(l, ' ', s->w_dev - (int)(strlen(ma) + 1 + strlen(mi)));
		vs_line_str(l, ma, 0, 0);
		vs_line_putc(l, ':');
		vs_line_str(l, mi, 0, 0);
	}
	if (s->inode) {
		vs_line_putc(l, ' ');
		vs_line_u64(l, v->inode, s->w_inode);
	}
	for (int c = 0; c < s->ncols; c++) {
		unsigned i = s->slot[c];

		vs_line_putc(l, ' ');
		if (!(v->have & (1ull << i)))
			vs_line_str(l, "-", s->width[c], 1);
		else if (ks->slot[i].flags & VS_KF_TEXT)
			vs_line_str(l, vs_vma_text(v, i, NULL), s->width[c], 1);
		else
			vs_line_u64(l, v->val[i], s->width[c]);
	}
	if (s->vmflags) {
		int slot = ks->slot_of[VS_KEY_VM_FLAGS];
		const char *fl = slot >= 0 ? vs_vma_text(v, (unsigned)slot, NULL)
					   : NULL;

		vs_line_putc(l, ' ');
		vs_line_str(l, fl ? fl : "", s->w_flags, 1);
	}
	if (s->mapping) {
		/* The name as the kernel printed it (pmap -X cuts it at 127
		 * bytes; vmmap does not). */
		const char *name = v->name;
		const char *slash = strrchr(name, '/');
		bool showpath = o->showpath != (o->rc && o->rcconf.showpath);

		if (!showpath && slash)
			name = slash + 1;
		vs_line_putc(l, ' ');
		vs_line_str(l, name, 0, 0);
	}
	vs_line_putc(l, '\n');
	return emit(s);
}

static int smaps_end(const struct opts *o, const struct target *t,
		     void *state, const struct totals *tot,
		     const struct vs_keyset *ks, int err)
{
	struct pmap_state *s = state;
	struct vs_line *l = &s->line;
	char buf[VS_U64_BUF];
	int gap;

	(void)t;
	(void)ks;
	if (o->quiet || err || s->ncols == 0 || tot->count == 0)
		return state_free(s);
	gap = s->w_start + 1;
	if (s->perm)
		gap += s->w_perms + 1;
	if (s->offset)
		gap += s->w_offset + 1;
	if (s->device)
		gap += s->w_dev + 1;
	if (s->inode)
		gap += s->w_inode + 1;
	vs_line_fill(l, ' ', gap);
	for (int c = 0; c < s->ncols; c++) {
		vs_line_fill(l, s->additive[c] ? '=' : ' ', s->width[c]);
		vs_line_putc(l, ' ');
	}
	vs_line_putc(l, '\n');
	vs_line_fill(l, ' ', gap);
	for (int c = 0; c < s->ncols; c++) {
		vs_line_str(l, s->additive[c] ?
			    vs_u64_dec(buf, tot->sum[s->slot[c]]) : "",
			    s->width[c], 1);
		vs_line_putc(l, ' ');
	}
	vs_line_str(l, "KB \n", 0, 0);
	emit(s);
	return state_free(s);
}

const struct view view_smaps = {
	.file = VS_FILE_SMAPS,
	.two_pass = true,
	.begin = smaps_begin,
	.ready = smaps_ready,
	.row = smaps_row,
	.end = smaps_end,
};

/* ---- rc files -------------------------------------------------------- */

char *rc_default_path(bool for_create)
{
	const char *home = getenv("HOME");
	char *path = NULL;

	if (!home || !*home) {
		cmd_warn("HOME is not set: cannot find the rc file");
		return NULL;
	}
	if (asprintf(&path, "%s/.%src", home, cmd_name()) < 0)
		return NULL;
	/* Reading: a pmap user's ~/.pmaprc serves when there is no
	 * ~/.vmmaprc. */
	if (!for_create && access(path, F_OK) != 0) {
		char *alt = NULL;

		if (asprintf(&alt, "%s/.pmaprc", home) >= 0 &&
		    access(alt, F_OK) == 0) {
			free(path);
			return alt;
		}
		free(alt);
	}
	return path;
}

enum { SEC_NONE, SEC_UNSUPPORTED, SEC_FIELDS, SEC_MAPPING };

/* One rc line after its section header (if any) was taken off. */
static void rc_entry(struct rc_config *rc, int section, char *text,
		     const char *path, int lineno)
{
	char *save = NULL, *tok, *tail;

	switch (section) {
	case SEC_FIELDS:
	case SEC_MAPPING:
		tok = strtok_r(text, " \t", &save);
		if (!tok)
			return;
		tail = strtok_r(NULL, " \t", &save);
		if (tail && *tail != '#')
			cmd_warn("%s:%d: syntax error", path, lineno);
		if (section == SEC_MAPPING) {
			if (!strcmp(tok, "ShowPath"))
				rc->showpath = !rc->showpath;
		} else if (rc->nfields < RC_FIELDS_MAX) {
			snprintf(rc->field[rc->nfields++],
				 sizeof(rc->field[0]), "%s", tok);
		}
		return;
	case SEC_UNSUPPORTED:
		return;
	default:
		cmd_warn("%s:%d: syntax error (no section)", path, lineno);
	}
}

int rc_read(const char *path, struct rc_config *rc)
{
	char line[1026];
	int lineno = 0, section = SEC_NONE;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	memset(rc, 0, sizeof(*rc));
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *p = line;

		lineno++;
		if (len && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (!feof(f)) {
			int c;

			cmd_warn("%s:%d: line too long; the rest is ignored",
				 path, lineno);
			while ((c = getc(f)) != EOF && c != '\n')
				;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\0')
			continue;
		if (*p == '[') {
			if (!strncmp(p, "[Fields Display]", 16)) {
				p += 16;
				section = SEC_FIELDS;
			} else if (!strncmp(p, "[Mapping]", 9)) {
				p += 9;
				section = SEC_MAPPING;
			} else {
				char *close = strchr(p, ']');

				if (close) {
					cmd_warn("%s:%d: unsupported section "
						 "ignored", path, lineno);
					section = SEC_UNSUPPORTED;
					p = close + 1;
				} else {
					cmd_warn("%s:%d: syntax error", path,
						 lineno);
					p += strlen(p);
				}
			}
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '#' || *p == '\0')
				continue;
			/* Text after a section header: pmap warns and then
			 * reads it as an entry of the new section. */
			cmd_warn("%s:%d: syntax error", path, lineno);
		}
		rc_entry(rc, section, p, path, lineno);
	}
	fclose(f);
	return 0;
}

/* The smaps keys of this kernel, from our own smaps. */
static int own_keys(const struct vs_keyset **ks, struct vs_maps **m)
{
	struct vs_root *root;
	const struct vs_vma *v;
	int r;

	r = vs_root_new(NULL, &root, NULL);
	if (r < 0)
		return r;
	r = vs_maps_open(root, getpid(), VS_FILE_SMAPS, m, NULL);
	vs_root_unref(root);
	if (r < 0)
		return r;
	r = vs_maps_next(*m, &v, NULL);
	if (r <= 0) {
		vs_maps_close(*m);
		return r < 0 ? r : -ENODATA;
	}
	*ks = vs_maps_keys(*m);
	return 0;
}

int rc_create(const char *path)
{
	static const char *const head[] = { "Perm", "Offset", "Device",
					    "Inode" };
	const struct vs_keyset *ks = NULL;
	struct vs_maps *m = NULL;
	FILE *f;

	if (access(path, F_OK) == 0)
		return -EEXIST;
	f = fopen(path, "wx");
	if (!f)
		return -errno;
	fprintf(f, "# %s configuration file, in pmap's rc format\n"
		   "#\n"
		   "# Entries are case sensitive; unknown ones are ignored.\n"
		   "# 'Address' is always shown.\n\n"
		   "[Fields Display]\n\n"
		   "# Uncomment a field to show it (smaps fields as this "
		   "kernel names them):\n\n", cmd_name());
	for (size_t i = 0; i < sizeof(head) / sizeof(*head); i++)
		fprintf(f, "#%s\n", head[i]);
	if (own_keys(&ks, &m) == 0) {
		for (unsigned i = 0; i < ks->n; i++)
			fprintf(f, "#%s\n", ks->slot[i].name);
		vs_maps_close(m);
	} else {
		for (int k = 0; k < VS_KEY__COUNT; k++)
			fprintf(f, "#%s\n", vs_keyinfo[k].name);
	}
	fprintf(f, "#Mapping\n\n\n[Mapping]\n\n"
		   "# Uncomment to show whole paths in the mapping column:\n"
		   "#ShowPath\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
