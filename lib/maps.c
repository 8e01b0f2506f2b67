/* maps.c - this file implements the maps/smaps/smaps_rollup parser. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_lines.h"
#include "vs_maps.h"

#define KB VS_KF_KB
#define ADD VS_KF_ADD

const struct vs_keyinfo vs_keyinfo[VS_KEY__COUNT] = {
	[VS_KEY_SIZE] = { "Size", "size", KB | ADD,
		"virtual size of the mapping" },
	[VS_KEY_KERNEL_PAGE_SIZE] = { "KernelPageSize", "kernel_page_size", KB,
		"page size the kernel uses for the mapping" },
	[VS_KEY_MMU_PAGE_SIZE] = { "MMUPageSize", "mmu_page_size", KB,
		"page size the MMU uses for the mapping" },
	[VS_KEY_RSS] = { "Rss", "rss", KB | ADD,
		"resident memory" },
	[VS_KEY_PSS] = { "Pss", "pss", KB | ADD,
		"proportional set size: resident, shared pages divided among their users" },
	[VS_KEY_PSS_DIRTY] = { "Pss_Dirty", "pss_dirty", KB | ADD,
		"dirty part of the PSS" },
	[VS_KEY_PSS_ANON] = { "Pss_Anon", "pss_anon", KB | ADD,
		"anonymous part of the PSS (smaps_rollup)" },
	[VS_KEY_PSS_FILE] = { "Pss_File", "pss_file", KB | ADD,
		"file-backed part of the PSS (smaps_rollup)" },
	[VS_KEY_PSS_SHMEM] = { "Pss_Shmem", "pss_shmem", KB | ADD,
		"shared-memory part of the PSS (smaps_rollup)" },
	[VS_KEY_SHARED_CLEAN] = { "Shared_Clean", "shared_clean", KB | ADD,
		"clean pages also mapped by other processes" },
	[VS_KEY_SHARED_DIRTY] = { "Shared_Dirty", "shared_dirty", KB | ADD,
		"dirty pages also mapped by other processes" },
	[VS_KEY_PRIVATE_CLEAN] = { "Private_Clean", "private_clean", KB | ADD,
		"clean pages mapped by this process only" },
	[VS_KEY_PRIVATE_DIRTY] = { "Private_Dirty", "private_dirty", KB | ADD,
		"dirty pages mapped by this process only" },
	[VS_KEY_REFERENCED] = { "Referenced", "referenced", KB | ADD,
		"pages marked referenced or accessed" },
	[VS_KEY_ANONYMOUS] = { "Anonymous", "anonymous", KB | ADD,
		"pages that belong to no file" },
	[VS_KEY_KSM] = { "KSM", "ksm", KB | ADD,
		"pages merged by kernel samepage merging" },
	[VS_KEY_LAZY_FREE] = { "LazyFree", "lazy_free", KB | ADD,
		"pages freed with MADV_FREE, not yet reclaimed" },
	[VS_KEY_ANON_HUGE_PAGES] = { "AnonHugePages", "anon_huge_pages", KB | ADD,
		"anonymous memory backed by transparent huge pages" },
	[VS_KEY_SHMEM_PMD_MAPPED] = { "ShmemPmdMapped", "shmem_pmd_mapped", KB | ADD,
		"shared memory mapped with huge pages" },
	[VS_KEY_FILE_PMD_MAPPED] = { "FilePmdMapped", "file_pmd_mapped", KB | ADD,
		"file pages mapped with huge pages" },
	[VS_KEY_SHARED_HUGETLB] = { "Shared_Hugetlb", "shared_hugetlb", KB | ADD,
		"hugetlbfs pages also mapped by other processes" },
	[VS_KEY_PRIVATE_HUGETLB] = { "Private_Hugetlb", "private_hugetlb", KB | ADD,
		"hugetlbfs pages mapped by this process only" },
	[VS_KEY_SWAP] = { "Swap", "swap", KB | ADD,
		"anonymous memory swapped out" },
	[VS_KEY_SWAP_PSS] = { "SwapPss", "swap_pss", KB | ADD,
		"proportional share of the swapped memory" },
	[VS_KEY_LOCKED] = { "Locked", "locked", KB | ADD,
		"pages locked in memory (mlock)" },
	[VS_KEY_THP_ELIGIBLE] = { "THPeligible", "thp_eligible", VS_KF_BOOL,
		"whether the mapping may use transparent huge pages" },
	[VS_KEY_PROTECTION_KEY] = { "ProtectionKey", "protection_key", 0,
		"memory protection key of the mapping" },
	[VS_KEY_VM_FLAGS] = { "VmFlags", "vm_flags", VS_KF_TEXT,
		"kernel flags of the mapping (two-letter codes)" },
};

#undef KB
#undef ADD

int vs_key_lookup(const char *name, size_t len)
{
	for (int k = 0; k < VS_KEY__COUNT; k++)
		if (strlen(vs_keyinfo[k].name) == len &&
		    memcmp(vs_keyinfo[k].name, name, len) == 0)
			return k;
	return -1;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

void vs_key_snake(const char *name, char *out, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return;
	for (size_t i = 0; name[i] && o + 2 < size; i++) {
		char c = name[i];
		char prev = i ? name[i - 1] : '\0';
		char next = name[i + 1];

		if (is_upper(c)) {
			/* A word starts at "aB", "1B", or the "C" of "ABCd". */
			if (i && o && out[o - 1] != '_' &&
			    (is_lower(prev) || is_digit(prev) ||
			     (is_upper(prev) && is_lower(next))))
				out[o++] = '_';
			out[o++] = (char)(c - 'A' + 'a');
		} else if (is_lower(c) || is_digit(c)) {
			out[o++] = c;
		} else if (o && out[o - 1] != '_') {
			out[o++] = '_';
		}
	}
	out[o] = '\0';
}

/* ---- the iterator ---------------------------------------------------- */

struct vs_maps {
	struct vs_lines lines;
	enum vs_maps_file which;
	char path[512];			/* for messages */
	struct vs_keyset keys;
	struct vs_vma vma[2];		/* the one handed out, the next one */
	int cur;			/* index of the one being filled */
	int pending;			/* vma[cur] holds a parsed header */
	int done;
};

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t ncap;
	char *nb;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(*buf, ncap);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Value of each byte as a hex digit, or 0xff. */
static const unsigned char hexval[256] = {
	['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5,
	['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
	['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
	['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15,
};

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Parse 1 to 16 hex digits at *@p. Returns 0 or -1. */
static int parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p, *start = s;
	uint64_t v = 0;

	while (s < end && is_hex((unsigned char)*s))
		v = v << 4 | hexval[(unsigned char)*s++];
	if (s == start || s - start > 16)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/* Parse a decimal u64 at *@p, refusing overflow. Returns 0 or -1. */
static int parse_dec(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p, *start = s;
	uint64_t v = 0;

	while (s < end) {
		unsigned d = (unsigned)(unsigned char)*s - '0';

		if (d > 9)
			break;
		v = v * 10 + d;	/* may wrap past 19 digits: checked below */
		s++;
	}
	if (s == start)
		return -1;
	/* Nineteen digits always fit in 64 bits; twenty fit up to
	 * 18446744073709551615 (a leading zero aside). */
	if (s - start >= 20) {
		const char *q = start;

		while (q < s - 1 && *q == '0')
			q++;
		if (s - q > 20 || (s - q == 20 &&
				   memcmp(q, "18446744073709551615", 20) > 0))
			return -1;
	}
	*p = s;
	*out = v;
	return 0;
}

static int expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

int vs_vma_parse_header(struct vs_vma *v, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	uint64_t major, minor;

	if (parse_hex(&p, end, &v->start) || expect(&p, end, '-') ||
	    parse_hex(&p, end, &v->end) || expect(&p, end, ' '))
		return -EBADMSG;
	if (end - p < 5 || (p[0] != 'r' && p[0] != '-') ||
	    (p[1] != 'w' && p[1] != '-') || (p[2] != 'x' && p[2] != '-') ||
	    (p[3] != 's' && p[3] != 'p') || p[4] != ' ')
		return -EBADMSG;
	memcpy(v->perms, p, 4);
	v->perms[4] = '\0';
	p += 5;
	if (parse_hex(&p, end, &v->offset) || expect(&p, end, ' ') ||
	    parse_hex(&p, end, &major) || expect(&p, end, ':') ||
	    parse_hex(&p, end, &minor) || expect(&p, end, ' ') ||
	    parse_dec(&p, end, &v->inode))
		return -EBADMSG;
	if (major > 0xffffffffu || minor > 0xffffffffu || v->start > v->end)
		return -EBADMSG;
	v->dev_major = (unsigned)major;
	v->dev_minor = (unsigned)minor;
	if (p < end && *p != ' ')
		return -EBADMSG;
	while (p < end && *p == ' ')
		p++;
	if (grow(&v->name, &v->name_cap, (size_t)(end - p) + 1))
		return -ENOMEM;
	v->name_len = (size_t)(end - p);
	memcpy(v->name, p, v->name_len);
	v->name[v->name_len] = '\0';
	v->have = 0;
	v->text_len = 0;
	return 0;
}

void vs_vma_release(struct vs_vma *v)
{
	free(v->name);
	free(v->text);
	v->name = v->text = NULL;
	v->name_cap = v->text_cap = 0;
}

int vs_vma_copy(struct vs_vma *dst, const struct vs_vma *src)
{
	char *name = dst->name, *text = dst->text;
	size_t ncap = dst->name_cap, tcap = dst->text_cap;

	if (grow(&name, &ncap, src->name_len + 1) ||
	    grow(&text, &tcap, src->text_len + 1)) {
		dst->name = name;
		dst->name_cap = ncap;
		dst->text = text;
		dst->text_cap = tcap;
		return -ENOMEM;
	}
	*dst = *src;
	dst->name = name;
	dst->name_cap = ncap;
	dst->text = text;
	dst->text_cap = tcap;
	memcpy(dst->name, src->name, src->name_len + 1);
	if (src->text_len)
		memcpy(dst->text, src->text, src->text_len);
	return 0;
}

int vs_maps_open_fd(int fd, const char *path, enum vs_maps_file which,
		    struct vs_maps **out, struct vs_err *e)
{
	struct vs_maps *m;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	/* 256 KiB reads: few syscalls; lines may grow to 1 MiB (a path can be
	 * 4 KiB, and four times that once the kernel has escaped it). */
	if (vs_lines_init(&m->lines, fd, 256 * 1024, 1024 * 1024)) {
		vs_lines_release(&m->lines);
		free(m);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	m->which = which;
	snprintf(m->path, sizeof(m->path), "%s", path);
	memset(m->keys.slot_of, -1, sizeof(m->keys.slot_of));
	m->vma[0].keys = m->vma[1].keys = &m->keys;
	*out = m;
	return 0;
}

int vs_maps_open(struct vs_root *r, pid_t pid, enum vs_maps_file which,
		 struct vs_maps **out, struct vs_err *e)
{
	static const char *const file[] = {
		[VS_FILE_MAPS] = "maps",
		[VS_FILE_SMAPS] = "smaps",
		[VS_FILE_SMAPS_ROLLUP] = "smaps_rollup",
	};
	char path[64], full[600];
	int fd;

	*out = NULL;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file[which]);
	fd = vs_root_open(r, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	return vs_maps_open_fd(fd, vs_root_path(r, path, full, sizeof(full)),
			       which, out, e);
}

void vs_maps_close(struct vs_maps *m)
{
	if (!m)
		return;
	vs_lines_release(&m->lines);
	vs_vma_release(&m->vma[0]);
	vs_vma_release(&m->vma[1]);
	free(m);
}

const struct vs_keyset *vs_maps_keys(const struct vs_maps *m)
{
	return &m->keys;
}

unsigned long long vs_maps_bytes(const struct vs_maps *m)
{
	return m->lines.consumed;
}

static int bad_line(struct vs_maps *m, struct vs_err *e, const char *why,
		    const char *line)
{
	return vs_err_set(e, EBADMSG, "unexpected content in '%s' line %lu "
			  "(%s): '%.80s'", m->path, m->lines.lineno, why, line);
}

/* Skip spaces and tabs; the kernel pads values with a dozen or more, so
 * look at eight bytes at a time. */
static const char *skip_blanks(const char *p, const char *end)
{
	while (end - p >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ull;	/* spaces become zero bytes */
		if (w) {
			p += __builtin_ctzll(w) / 8;	/* little-endian */
			break;
		}
		p += 8;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Find or add the slot for key @name of @len bytes; @pos is the number of
 * keys already seen in this VMA, the likely slot. Returns the slot or -1. */
static int key_slot(struct vs_keyset *ks, const char *name, size_t len,
		    unsigned pos, unsigned flags_seen)
{
	struct vs_keyslot *s;
	int known;

	if (pos < ks->n && ks->slot[pos].len == len &&
	    memcmp(ks->slot[pos].name, name, len) == 0)
		return (int)pos;
	for (unsigned i = 0; i < ks->n; i++)
		if (ks->slot[i].len == len &&
		    memcmp(ks->slot[i].name, name, len) == 0)
			return (int)i;
	if (ks->n == VS_KEYS_MAX || len >= VS_KEY_NAME_MAX)
		return -1;
	s = &ks->slot[ks->n];
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->len = (unsigned char)len;
	if (len + 1 <= 16) {
		unsigned char bytes[16] = { 0 }, m[16] = { 0 };

		memcpy(bytes, name, len);
		bytes[len] = ':';
		memset(m, 0xff, len + 1);
		memcpy(s->w, bytes, 16);
		memcpy(s->mask, m, 16);
	}
	known = vs_key_lookup(name, len);
	s->known = known;
	if (known >= 0) {
		s->flags = vs_keyinfo[known].flags;
		snprintf(s->json, sizeof(s->json), "%s", vs_keyinfo[known].json);
		ks->slot_of[known] = (signed char)ks->n;
	} else {
		/* Unknown key: trust what the line shows; a kB size adds up. */
		s->flags = flags_seen;
		if (flags_seen & VS_KF_KB)
			s->flags |= VS_KF_ADD;
		vs_key_snake(s->name, s->json, sizeof(s->json));
	}
	if (s->flags & VS_KF_ADD)
		ks->add_mask |= 1ull << ks->n;
	if (s->flags & VS_KF_TEXT)
		ks->text_mask |= 1ull << ks->n;
	return (int)ks->n++;
}

/* Parse one "Key: value [kB]" line into @v. */
static int parse_key_line(struct vs_maps *m, struct vs_vma *v, char *line,
			  size_t len, unsigned pos, struct vs_err *e)
{
	const char *p = line, *end = line + len, *colon;
	const char *val, *vend;
	bool fast;
	unsigned flags_seen = 0;
	uint64_t num = 0;
	int slot;

	/* Fast path: the key the previous VMA had at this position. */
	if (pos < m->keys.n && len > m->keys.slot[pos].len &&
	    line[m->keys.slot[pos].len] == ':' &&
	    memcmp(line, m->keys.slot[pos].name, m->keys.slot[pos].len) == 0) {
		colon = line + m->keys.slot[pos].len;
		fast = true;
	} else {
		fast = false;
		if (!is_upper(*p) && !is_lower(*p))
			return bad_line(m, e, "not a mapping or a key", line);
		colon = p + 1;
		while (colon < end && (is_upper(*colon) || is_lower(*colon) ||
				       is_digit(*colon) || *colon == '_'))
			colon++;
		if (colon == end || *colon != ':')
			return bad_line(m, e, "no ':' after the key", line);
	}
	val = skip_blanks(colon + 1, end);
	vend = end;
	while (vend > val && (vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	/* A number, optionally followed by " kB"; anything else is text. */
	{
		const char *q = val;

		if (q < vend && is_digit(*q)) {
			if (parse_dec(&q, vend, &num))
				return bad_line(m, e, "value out of range", line);
			if (q == vend) {
				flags_seen = 0;
			} else if (vend - q == 3 && memcmp(q, " kB", 3) == 0) {
				flags_seen = VS_KF_KB;
				if (num > UINT64_MAX / 1024)
					return bad_line(m, e, "value out of range",
							line);
			} else {
				flags_seen = VS_KF_TEXT;
			}
		} else {
			flags_seen = VS_KF_TEXT;
		}
	}
	slot = fast ? (int)pos :
		key_slot(&m->keys, p, (size_t)(colon - p), pos, flags_seen);
	if (slot < 0)
		return bad_line(m, e, "too many distinct keys", line);
	{
		const struct vs_keyslot *s = &m->keys.slot[slot];
		unsigned want = s->flags & (VS_KF_KB | VS_KF_TEXT);

		if (v->have & (1ull << slot))
			return bad_line(m, e, "key repeated", line);
		if (want != flags_seen)
			return bad_line(m, e, (s->flags & VS_KF_KB) ?
					"expected a value in kB" :
					(s->flags & VS_KF_TEXT) ? "expected text" :
					"expected a plain number", line);
	}
	if (flags_seen & VS_KF_TEXT) {
		size_t n = (size_t)(vend - val);

		if (grow(&v->text, &v->text_cap, v->text_len + n + 1))
			return vs_err_set(e, ENOMEM, "out of memory");
		memcpy(v->text + v->text_len, val, n);
		v->text[v->text_len + n] = '\0';
		v->val[slot] = (uint64_t)v->text_len << 32 | n;
		v->text_len += n + 1;
	} else {
		v->val[slot] = num;
	}
	v->have |= 1ull << slot;
	return 0;
}

/* The common case, straight from the read buffer: the key the previous
 * VMA had at this position, blanks, a number of at most 19 digits, " kB"
 * if the key has it, and the newline. Anything else (the end of the
 * buffer, a new key, text, a malformed line) returns false and the line
 * goes through parse_key_line(), which knows every case. */
static bool fast_key_line(struct vs_maps *m, struct vs_vma *v, unsigned pos)
{
	const struct vs_keyslot *k;
	const char *p, *q, *end, *digits;
	uint64_t w[2], num = 0;
	size_t avail;

	if (pos >= m->keys.n)
		return false;
	k = &m->keys.slot[pos];
	if ((k->flags & VS_KF_TEXT) || !k->mask[0] || (v->have & (1ull << pos)))
		return false;
	p = vs_lines_peek(&m->lines, &avail);
	if (avail < 48)
		return false;
	memcpy(w, p, 16);
	if (((w[0] & k->mask[0]) != k->w[0]) || ((w[1] & k->mask[1]) != k->w[1]))
		return false;
	end = p + avail;
	q = skip_blanks(p + k->len + 1, end);
	digits = q;
	while (q < end && (unsigned)(unsigned char)*q - '0' <= 9)
		num = num * 10 + (unsigned)(*q++ - '0');
	if (q == digits || q - digits > 19)
		return false;
	if (k->flags & VS_KF_KB) {
		if (end - q < 4 || memcmp(q, " kB\n", 4) != 0 ||
		    num > UINT64_MAX / 1024)
			return false;
		q += 4;
	} else {
		if (q == end || *q != '\n')
			return false;
		q++;
	}
	v->val[pos] = num;
	v->have |= 1ull << pos;
	vs_lines_skip(&m->lines, (size_t)(q - p));
	return true;
}

static int read_line(struct vs_maps *m, char **line, size_t *len,
		     struct vs_err *e)
{
	int r = vs_lines_next(&m->lines, line, len);

	if (r == -EOVERFLOW)
		return vs_err_set(e, EBADMSG, "line %lu of '%s' is longer "
				  "than %zu bytes", m->lines.lineno + 1, m->path,
				  m->lines.max);
	if (r < 0)
		return vs_err_sys(e, -r, "read", m->path);
	return r;
}

int vs_maps_next(struct vs_maps *m, const struct vs_vma **vma,
		 struct vs_err *e)
{
	struct vs_vma *v;
	unsigned pos = 0;
	char *line;
	size_t len;
	int r;

	if (m->done)
		return 0;
	/* Get a header into vma[cur], unless the last call read it already. */
	v = &m->vma[m->cur];
	if (!m->pending) {
		for (;;) {
			r = read_line(m, &line, &len, e);
			if (r <= 0) {
				m->done = 1;
				return r;
			}
			if (len == 0)
				continue;
			r = vs_vma_parse_header(v, line, len);
			if (r == -ENOMEM)
				return vs_err_set(e, ENOMEM, "out of memory");
			if (r < 0)
				return bad_line(m, e, "not a mapping line", line);
			break;
		}
	}
	m->pending = 0;
	if (m->which == VS_FILE_MAPS) {
		*vma = v;
		return 1;
	}
	/* smaps: key lines until the next header or the end. */
	for (;;) {
		if (fast_key_line(m, v, pos)) {
			pos++;
			continue;
		}
		r = read_line(m, &line, &len, e);
		if (r < 0)
			return r;
		if (r == 0) {
			m->done = 1;
			break;
		}
		if (len == 0)
			continue;
		if (is_digit(line[0]) || (line[0] >= 'a' && line[0] <= 'f')) {
			struct vs_vma *next = &m->vma[!m->cur];

			r = vs_vma_parse_header(next, line, len);
			if (r == -ENOMEM)
				return vs_err_set(e, ENOMEM, "out of memory");
			if (r == 0) {
				m->pending = 1;
				break;
			}
		}
		r = parse_key_line(m, v, line, len, pos, e);
		if (r < 0)
			return r;
		pos++;
	}
	*vma = v;
	if (m->pending)
		m->cur = !m->cur;
	return 1;
}

bool vs_vma_get(const struct vs_vma *v, enum vs_key k, uint64_t *out)
{
	int slot;

	if (!v->keys || (slot = v->keys->slot_of[k]) < 0 ||
	    !(v->have & (1ull << slot)))
		return false;
	*out = v->val[slot];
	return true;
}

bool vs_vma_bytes(const struct vs_vma *v, enum vs_key k, uint64_t *out)
{
	if (!vs_vma_get(v, k, out))
		return false;
	if (vs_keyinfo[k].flags & VS_KF_KB)
		*out *= 1024;
	return true;
}

const char *vs_vma_text(const struct vs_vma *v, unsigned slot, size_t *len)
{
	uint64_t x;

	if (slot >= VS_KEYS_MAX || !(v->have & (1ull << slot)) ||
	    !(v->keys->slot[slot].flags & VS_KF_TEXT))
		return NULL;
	x = v->val[slot];
	if (len)
		*len = (size_t)(x & 0xffffffffu);
	return v->text + (x >> 32);
}

/* ---- spool records --------------------------------------------------- */

void vs_vma_encode(const struct vs_vma *v, struct vs_buf *b)
{
	uint8_t *p;

	/* Room for the worst case, then write without checks. */
	if (!vs_buf_reserve(b, 10 * (8 + VS_KEYS_MAX) + 4 + v->name_len +
			    v->text_len))
		return;
	p = b->p + b->len;
	p = vs_varint_at(p, v->start);
	p = vs_varint_at(p, v->end - v->start);
	p = vs_varint_at(p, v->offset);
	p = vs_varint_at(p, v->inode);
	p = vs_varint_at(p, v->dev_major);
	p = vs_varint_at(p, v->dev_minor);
	memcpy(p, v->perms, 4);
	p += 4;
	p = vs_varint_at(p, v->name_len);
	memcpy(p, v->name, v->name_len);
	p += v->name_len;
	p = vs_varint_at(p, v->have);
	for (uint64_t bits = v->have; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctzll(bits);

		if (v->keys->slot[i].flags & VS_KF_TEXT) {
			size_t n = 0;
			const char *t = vs_vma_text(v, i, &n);

			p = vs_varint_at(p, n);
			memcpy(p, t, n);
			p += n;
		} else {
			p = vs_varint_at(p, v->val[i]);
		}
	}
	b->len = (size_t)(p - b->p);
}

int vs_vma_decode(struct vs_vma *v, const struct vs_keyset *ks,
		  const void *rec, size_t len)
{
	const uint8_t *p = rec, *end = p + len;
	uint64_t x[7];

	for (int i = 0; i < 6; i++)
		if (vs_varint_next(&p, end, &x[i]))
			return -EBADMSG;
	v->start = x[0];
	v->end = x[0] + x[1];
	v->offset = x[2];
	v->inode = x[3];
	v->dev_major = (unsigned)x[4];
	v->dev_minor = (unsigned)x[5];
	if (end - p < 4)
		return -EBADMSG;
	memcpy(v->perms, p, 4);
	v->perms[4] = '\0';
	p += 4;
	if (vs_get_varint(&p, end, &x[6]) || x[6] > (uint64_t)(end - p))
		return -EBADMSG;
	if (grow(&v->name, &v->name_cap, (size_t)x[6] + 1))
		return -ENOMEM;
	memcpy(v->name, p, (size_t)x[6]);
	v->name[x[6]] = '\0';
	v->name_len = (size_t)x[6];
	p += x[6];
	v->keys = ks;
	v->text_len = 0;
	if (vs_get_varint(&p, end, &v->have))
		return -EBADMSG;
	for (uint64_t bits = v->have; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctzll(bits);
		uint64_t n;

		if (i >= ks->n || vs_varint_next(&p, end, &n))
			return -EBADMSG;
		if (!(ks->slot[i].flags & VS_KF_TEXT)) {
			v->val[i] = n;
			continue;
		}
		if (n > (uint64_t)(end - p))
			return -EBADMSG;
		if (grow(&v->text, &v->text_cap, v->text_len + (size_t)n + 1))
			return -ENOMEM;
		memcpy(v->text + v->text_len, p, (size_t)n);
		v->text[v->text_len + n] = '\0';
		v->val[i] = (uint64_t)v->text_len << 32 | n;
		v->text_len += (size_t)n + 1;
		p += n;
	}
	return p == end ? 0 : -EBADMSG;
}
