/* kpage.c - this file implements the readers of /proc/kpageflags and
 * /proc/kpagecount, with batching of consecutive PFNs, and the names of
 * the page flags. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_kpage.h"

const struct vs_bitname vs_kpf_bits[] = {
	{ 0, 'L', "locked", "locked for exclusive access (I/O in flight)" },
	{ 1, 'E', "error", "an I/O error happened on the page" },
	{ 2, 'R', "referenced", "referenced since the last LRU scan" },
	{ 3, 'U', "uptodate", "the page holds valid data" },
	{ 4, 'D', "dirty", "written, not yet written back" },
	{ 5, 'l', "lru", "on an LRU list" },
	{ 6, 'A', "active", "on the active LRU list" },
	{ 7, 'S', "slab", "owned by the slab allocator" },
	{ 8, 'W', "writeback", "being written back" },
	{ 9, 'I', "reclaim", "to be reclaimed after writeback" },
	{ 10, 'B', "buddy", "a free block of the buddy allocator" },
	{ 11, 'M', "mmap", "mapped into a process" },
	{ 12, 'a', "anon", "anonymous memory" },
	{ 13, 's', "swapcache", "in the swap cache" },
	{ 14, 'b', "swapbacked", "backed by swap (anonymous or shmem)" },
	{ 15, 'H', "compound_head", "first page of a compound page" },
	{ 16, 'T', "compound_tail", "other page of a compound page" },
	{ 17, 'G', "huge", "part of a hugetlb page" },
	{ 18, 'u', "unevictable", "on the unevictable list (mlocked, ...)" },
	{ 19, 'X', "hwpoison", "hardware memory corruption" },
	{ 20, 'n', "nopage", "no page frame at this PFN" },
	{ 21, 'x', "ksm", "merged by KSM" },
	{ 22, 't', "thp", "part of a transparent huge page" },
	{ 23, 'o', "offline", "logically offline" },
	{ 24, 'z', "zero_page", "the zero page (or the huge zero page)" },
	{ 25, 'i', "idle", "not accessed since marked idle" },
	{ 26, 'g', "pgtable", "a page table" },
	{ 32, 'r', "reserved", "reserved (raw)" },
	{ 33, 'm', "mlocked", "mlocked (raw)" },
	{ 34, 'd', "mappedtodisk", "has blocks on disk, or owner_2 (raw)" },
	{ 35, 'P', "private", "has private data (raw)" },
	{ 36, 'p', "private_2", "private_2 (raw)" },
	{ 37, 'O', "owner_private", "owner private (raw)" },
	{ 38, 'h', "arch", "architecture-specific (raw)" },
	{ 39, 'c', "uncached", "uncached (raw)" },
	{ 40, 'f', "softdirty", "soft-dirty page (raw)" },
	{ 41, '2', "arch_2", "architecture-specific 2 (raw)" },
	{ 42, '3', "arch_3", "architecture-specific 3 (raw)" },
};
const size_t vs_kpf_nbits = sizeof(vs_kpf_bits) / sizeof(vs_kpf_bits[0]);

char *vs_kpf_short(uint64_t flags, bool raw, char *buf, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; i < vs_kpf_nbits && j + 1 < size; i++) {
		if (!raw && vs_kpf_bits[i].bit >= 32)
			break;
		buf[j++] = (flags >> vs_kpf_bits[i].bit) & 1 ?
			   vs_kpf_bits[i].letter : '_';
	}
	if (size)
		buf[j] = '\0';
	return buf;
}

char *vs_kpf_long(uint64_t flags, char *buf, size_t size)
{
	size_t n = 0, k = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		char tmp[16];
		const char *name;
		int w;

		if (!((flags >> bit) & 1))
			continue;
		while (k < vs_kpf_nbits && vs_kpf_bits[k].bit < bit)
			k++;
		if (bit == VS_KPF_MAPPEDTODISK && (flags & VS_KPF(ANON))) {
			/* The kernel reuses the bit on anonymous pages. */
			name = "anon_exclusive";
		} else if (k < vs_kpf_nbits && vs_kpf_bits[k].bit == bit) {
			name = vs_kpf_bits[k].name;
		} else {
			snprintf(tmp, sizeof(tmp), "bit%u", bit);
			name = tmp;
		}
		w = snprintf(buf + n, size > n ? size - n : 0, "%s%s",
			     n ? "," : "", name);
		if (w < 0 || (size_t)w >= size - n) {
			buf[n] = '\0';		/* whole names only */
			break;
		}
		n += (size_t)w;
	}
	return buf;
}

uint64_t vs_kpf_well_known(uint64_t flags)
{
	const uint64_t compound = VS_KPF(COMPOUND_HEAD) | VS_KPF(COMPOUND_TAIL);

	flags &= ~VS_KPF_HACKER_BITS;
	if ((flags & compound) && !(flags & VS_KPF(HUGE)))
		flags &= ~compound;
	return flags;
}

/* The longest run read in one pread, and the largest gap between two
 * wanted PFNs that is read through rather than split: reading a few
 * unwanted entries costs less than a system call. */
#define RUN_MAX	8192
#define GAP_MAX	32

struct kfile {
	int fd;			/* -1 when not open */
	char path[256];		/* as the user sees it */
	struct vs_err why;	/* why it is not open */
};

struct vs_kpage {
	struct kfile f[2];	/* [0] kpageflags, [1] kpagecount */
	uint64_t *scratch;	/* RUN_MAX entries, for lookups */
	uint64_t reads;		/* preads issued */
};

int vs_kpage_open(struct vs_root *r, unsigned what, struct vs_kpage **out,
		  struct vs_err *e)
{
	static const char *const paths[2] = { "/proc/kpageflags",
					      "/proc/kpagecount" };
	struct vs_kpage *kp = calloc(1, sizeof(*kp));

	*out = NULL;
	if (kp)
		kp->scratch = malloc(RUN_MAX * sizeof(uint64_t));
	if (!kp || !kp->scratch) {
		free(kp);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	for (int i = 0; i < 2; i++) {
		struct kfile *f = &kp->f[i];

		f->fd = -1;
		vs_root_path(r, paths[i], f->path, sizeof(f->path));
		if (!(what & (1u << i))) {
			vs_err_set(&f->why, ENOENT, "'%s' was not asked for",
				   f->path);
			continue;
		}
		f->fd = vs_root_open(r, paths[i], O_RDONLY, &f->why);
		if (f->fd >= 0)
			continue;
		if (f->why.code == ENOENT)
			vs_err_set(&f->why, ENOENT, "'%s' does not exist: "
				   "this kernel lacks it", f->path);
		else if (f->why.code == EACCES || f->why.code == EPERM)
			vs_err_hint(&f->why, "reading '%s' needs root",
				    f->path);
	}
	*out = kp;
	return 0;
}

void vs_kpage_close(struct vs_kpage *kp)
{
	if (!kp)
		return;
	for (int i = 0; i < 2; i++)
		if (kp->f[i].fd >= 0)
			close(kp->f[i].fd);
	free(kp->scratch);
	free(kp);
}

unsigned vs_kpage_has(const struct vs_kpage *kp)
{
	return (kp->f[0].fd >= 0 ? VS_KPAGE_FLAGS : 0) |
	       (kp->f[1].fd >= 0 ? VS_KPAGE_COUNT : 0);
}

int vs_kpage_why(const struct vs_kpage *kp, unsigned which,
		 const struct vs_err **e)
{
	const struct kfile *f = &kp->f[which == VS_KPAGE_COUNT];

	*e = &f->why;
	return f->fd >= 0 ? 0 : f->why.code;
}

uint64_t vs_kpage_reads(const struct vs_kpage *kp)
{
	return kp->reads;
}

/* Read entries [@pfn, @pfn + @n) of file @f into @out; entries past the
 * end of the file become VS_KPAGE_UNKNOWN. Returns the count read. */
static ssize_t kread(struct vs_kpage *kp, struct kfile *f, uint64_t pfn,
		     size_t n, uint64_t *out, struct vs_err *e)
{
	size_t done = 0;

	if (pfn > (UINT64_MAX >> 4))
		goto tail;
	while (done < n) {
		off_t off = (off_t)((pfn + done) * sizeof(uint64_t));
		ssize_t r = pread(f->fd, (char *)(out + done),
				  (n - done) * sizeof(uint64_t), off);

		kp->reads++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* Past the last frame the kernel may say EINVAL. */
			if (errno == EINVAL)
				break;
			return vs_err_sys(e, errno, "read", f->path);
		}
		if (r == 0)
			break;
		if (r % sizeof(uint64_t))
			return vs_err_set(e, EBADMSG, "cannot read '%s': a "
					  "read ended inside an entry",
					  f->path);
		done += (size_t)r / sizeof(uint64_t);
	}
tail:
	for (size_t i = done; i < n; i++)
		out[i] = VS_KPAGE_UNKNOWN;
	return (ssize_t)done;
}

ssize_t vs_kpage_read(struct vs_kpage *kp, uint64_t pfn, size_t n,
		      uint64_t *flags, uint64_t *count, struct vs_err *e)
{
	uint64_t *outs[2] = { flags, count };
	ssize_t most = 0;

	for (int i = 0; i < 2; i++) {
		ssize_t r;

		if (!outs[i])
			continue;
		if (kp->f[i].fd < 0) {
			for (size_t k = 0; k < n; k++)
				outs[i][k] = VS_KPAGE_UNKNOWN;
			continue;
		}
		r = kread(kp, &kp->f[i], pfn, n, outs[i], e);
		if (r < 0)
			return r;
		if (r > most)
			most = r;
	}
	return most;
}

int vs_kpage_lookup(struct vs_kpage *kp, const uint64_t *pfns, size_t n,
		    uint64_t *flags, uint64_t *count, struct vs_err *e)
{
	uint64_t *outs[2] = { flags, count };

	for (int f = 0; f < 2; f++) {
		uint64_t *out = outs[f];
		size_t i = 0;

		if (!out)
			continue;
		if (kp->f[f].fd < 0) {
			for (size_t k = 0; k < n; k++)
				out[k] = VS_KPAGE_UNKNOWN;
			continue;
		}
		while (i < n) {
			uint64_t lo = pfns[i], hi;
			size_t j;
			ssize_t r;

			if (lo == 0) {
				out[i++] = VS_KPAGE_UNKNOWN;
				continue;
			}
			/* Extend while the PFNs ascend with small gaps. */
			hi = lo;
			for (j = i + 1; j < n; j++) {
				uint64_t p = pfns[j];

				if (p < hi || p - hi > GAP_MAX ||
				    p - lo >= RUN_MAX)
					break;
				hi = p;
			}
			r = kread(kp, &kp->f[f], lo, (size_t)(hi - lo + 1),
				  kp->scratch, e);
			if (r < 0)
				return (int)r;
			for (size_t k = i; k < j; k++)
				out[k] = kp->scratch[pfns[k] - lo];
			i = j;
		}
	}
	return 0;
}
