/* kmod.c - the module client's core: opening /dev/vmscope, checking what
 * the module says it is, and the list requests that BUDDY, SLAB and TLB
 * share. The views are in kmod_buddy.c, kmod_slab.c, kmod_tlb.c and
 * kmod_walk.c; each checks every record the module sends before it
 * becomes a figure. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kmod_int.h"

/* The layout both sides were written for (kmod/main.c asserts the same). */
_Static_assert(sizeof(struct vs_kmod_info) == 240, "vs_kmod_info");
_Static_assert(sizeof(struct vs_kmod_query) == 88, "vs_kmod_query");
_Static_assert(sizeof(struct vs_kmod_zone) == 1408, "vs_kmod_zone");
_Static_assert(sizeof(struct vs_kmod_pcp) == 32, "vs_kmod_pcp");
_Static_assert(sizeof(struct vs_kmod_cache) == 264, "vs_kmod_cache");
_Static_assert(sizeof(struct vs_kmod_slab_node) == 56, "vs_kmod_slab_node");
_Static_assert(sizeof(struct vs_kmod_cpu) == 208, "vs_kmod_cpu");
_Static_assert(sizeof(struct vs_kmod_pte) == 80, "vs_kmod_pte");
_Static_assert(sizeof(struct vs_kmod_walk) == 224, "vs_kmod_walk");

/* ---- opening -------------------------------------------------------- */

static int fd_ioctl(void *ctx, unsigned long req, void *arg)
{
	int fd = (int)(intptr_t)ctx;

	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static void fd_close(void *ctx)
{
	close((int)(intptr_t)ctx);
}

/* The WALK's access check: the caller opens the target's pagemap, as a
 * reader of pagemap would (procfs checks ptrace access at open). These are
 * the live system's files: the module serves no other. */
static int fd_pagemap(void *ctx, pid_t pid, unsigned nth)
{
	char path[96];
	int fd;

	(void)ctx;
	if (nth == 0) {
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	} else {
		struct dirent *d;
		unsigned i = 0;
		DIR *dir;

		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		dir = opendir(path);
		if (!dir)
			return -errno;
		while ((d = readdir(dir)) && (d->d_name[0] == '.' || ++i < nth))
			;
		if (!d) {
			closedir(dir);
			return -ENOENT;
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/pagemap",
			 (int)pid, d->d_name);
		closedir(dir);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static const struct vs_kmod_ops fd_ops = {
	.ioctl = fd_ioctl,
	.close = fd_close,
	.pagemap = fd_pagemap,
};

/* The module's sysfs directory is there (the live system). */
static bool module_in_sysfs(void)
{
	return access("/sys/module/" VS_KMOD_NAME, F_OK) == 0;
}

/* Check INFO as the module sent it. */
static int check_info(struct vs_kmod_info *in, struct vs_err *e)
{
	if (in->abi_version != VS_KMOD_ABI_VERSION) {
		vs_err_set(e, EPROTO, "vmscope.ko speaks ABI version %u, this "
			   "vmscope speaks version %u", in->abi_version,
			   VS_KMOD_ABI_VERSION);
		if (in->abi_version < VS_KMOD_ABI_VERSION)
			vs_err_hint(e, "rebuild and reload the module from "
				    "this vmscope's sources ('make kmod'; see "
				    "vmscope(4))");
		else
			vs_err_hint(e, "update vmscope to the module's version");
		return -EPROTO;
	}
	if (in->info_size != sizeof(*in) ||
	    in->zone_size != sizeof(struct vs_kmod_zone) ||
	    in->pcp_size != sizeof(struct vs_kmod_pcp) ||
	    in->cache_size != sizeof(struct vs_kmod_cache) ||
	    in->slab_node_size != sizeof(struct vs_kmod_slab_node) ||
	    in->cpu_size != sizeof(struct vs_kmod_cpu) ||
	    in->pte_size != sizeof(struct vs_kmod_pte)) {
		vs_err_set(e, EPROTO, "vmscope.ko's records differ in size "
			   "from this vmscope's, at the same ABI version %u",
			   VS_KMOD_ABI_VERSION);
		vs_err_hint(e, "rebuild the module and vmscope from the same "
			    "sources");
		return -EPROTO;
	}
	if (!kmod_has_nul(in->release, sizeof(in->release)) ||
	    !kmod_has_nul(in->module_version, sizeof(in->module_version)) ||
	    in->page_shift != 12 || in->max_order < 1 ||
	    in->max_order > VS_KMOD_ORDERS ||
	    (in->pgtable_levels != 4 && in->pgtable_levels != 5) ||
	    in->nr_cpu_ids < 1 || in->nr_cpu_ids > KMOD_MAX_CPUS ||
	    in->online_cpus > in->nr_cpu_ids || in->nr_node_ids < 1 ||
	    in->online_nodes > in->nr_node_ids ||
	    (in->mtypes >> VS_MT__COUNT))
		return vs_err_set(e, EBADMSG, "vmscope.ko describes itself "
				  "inconsistently (page shift %u, %u orders, "
				  "%u levels, %u CPU ids)", in->page_shift,
				  in->max_order, in->pgtable_levels,
				  in->nr_cpu_ids);
	return 0;
}

int vs_kmod_open_ops(const struct vs_kmod_ops *ops, void *ctx,
		     struct vs_kmod **out, struct vs_err *e)
{
	struct vs_kmod *k;
	char sbuf[128];
	int err;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k) {
		if (ops->close)
			ops->close(ctx);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	k->ops = *ops;
	k->ctx = ctx;
	k->batch = KMOD_WALK_BATCH;
	err = ops->ioctl(ctx, VS_KMOD_IOC_INFO, &k->info);
	if (err == -ENOTTY || err == -EINVAL) {
		vs_err_set(e, ENODEV, "'%s' does not answer vmscope's requests",
			   VS_KMOD_DEVICE);
		vs_err_hint(e, "is it vmscope.ko's? rebuild and reload the "
			    "module ('make kmod'; see vmscope(4))");
		err = -ENODEV;
	} else if (err) {
		vs_err_set(e, err, "cannot ask vmscope.ko what it is: %s",
			   vs_strerror(err, sbuf, sizeof(sbuf)));
	} else {
		err = check_info(&k->info, e);
	}
	if (err) {
		vs_kmod_close(k);
		return err;
	}
	*out = k;
	return 0;
}

int vs_kmod_open(struct vs_root *r, struct vs_kmod **out, struct vs_err *e)
{
	int fd, err;

	*out = NULL;
	if (r && !vs_root_is_live(r)) {
		vs_err_set(e, ENODEV, "vmscope.ko's views are not available "
			   "with --sysroot");
		vs_err_hint(e, "they come from the running kernel");
		return -ENODEV;
	}
	fd = open(VS_KMOD_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV) {
			if (module_in_sysfs()) {
				vs_err_sys(e, ENOENT, "open", VS_KMOD_DEVICE);
				vs_err_hint(e, "vmscope.ko is loaded but its "
					    "device is missing: is devtmpfs "
					    "mounted on /dev?");
			} else {
				vs_err_set(e, ENOENT, "the vmscope kernel "
					   "module is not loaded");
				vs_err_hint(e, "load it with 'modprobe vmscope' "
					    "(or 'insmod kmod/vmscope.ko' in a "
					    "build tree); it supports "
					    VS_KMOD_KERNELS " only; see "
					    "vmscope(4)");
			}
			return -ENOENT;
		}
		vs_err_sys(e, err, "open", VS_KMOD_DEVICE);
		if (err == EACCES || err == EPERM)
			vs_err_hint(e, "vmscope.ko's views need root "
				    "(CAP_SYS_ADMIN)");
		return -err;
	}
	return vs_kmod_open_ops(&fd_ops, (void *)(intptr_t)fd, out, e);
}

void vs_kmod_close(struct vs_kmod *k)
{
	if (!k)
		return;
	if (k->ops.close)
		k->ops.close(k->ctx);
	free(k);
}

const struct vs_kmod_info *vs_kmod_info(const struct vs_kmod *k)
{
	return &k->info;
}

void vs_kmod_want(struct vs_kmod *k, unsigned want)
{
	k->want = want & (VS_KMOD_WANT_PHYS | VS_KMOD_WANT_ALL_CPUS |
			  VS_KMOD_WANT_SLAB_UNBOUNDED);
}

const char *vs_kmod_adds(enum vs_kmod_view view)
{
	switch (view) {
	case VS_KMOD_VIEW_BUDDY:
		return "loading vmscope.ko adds the free blocks of every "
		       "migrate type without pagetypeinfo's 100,000 cap, one "
		       "snapshot per order, and the per-CPU page lists";
	case VS_KMOD_VIEW_SLAB:
		return "loading vmscope.ko adds each cache's partial slabs "
		       "and objects per node, its per-CPU slabs and its "
		       "flags, in one pass";
	case VS_KMOD_VIEW_TLB:
		return "loading vmscope.ko adds each CPU's loaded address "
		       "space, PCID and lazy mode, and TLB flushes counted "
		       "by reason";
	case VS_KMOD_VIEW_WALK:
		return "loading vmscope.ko adds the entry of every "
		       "page-table level, PGD to PTE, with its hardware bits";
	}
	return "loading vmscope.ko adds more";
}

/* ---- list requests -------------------------------------------------- */

/* Say what a failed list request means. */
static int list_error(int err, const char *what, struct vs_err *e)
{
	char sbuf[128];

	if (err == -EOPNOTSUPP) {
		vs_err_set(e, EOPNOTSUPP, "vmscope.ko cannot show %s on this "
			   "kernel", what);
		vs_err_hint(e, "see vmscope(4) for what each view needs");
		return err;
	}
	if (err == -EPROTO) {
		vs_err_set(e, EPROTO, "vmscope.ko refused the %s request: "
			   "ABI version mismatch", what);
		return err;
	}
	if (err == -EPERM) {
		vs_err_set(e, EPERM, "the kernel is locked down "
			   "(confidentiality): vmscope.ko does not show %s "
			   "with physical addresses", what);
		vs_err_hint(e, "ask without them (the default)");
		return err;
	}
	return vs_err_set(e, err, "cannot read %s from vmscope.ko: %s", what,
			  vs_strerror(err, sbuf, sizeof(sbuf)));
}

int kmod_list_query(struct vs_kmod *k, unsigned long req, const char *what,
		    unsigned flags, size_t rec_size, size_t aux_size,
		    size_t guess, size_t aux_guess, size_t max, size_t aux_max,
		    struct list_reply *out, struct vs_err *e)
{
	size_t cap = guess ? guess : 1, aux_cap = aux_size ? aux_guess : 0;
	void *buf = NULL, *aux = NULL;
	int tries, err;

	memset(out, 0, sizeof(*out));
	/* A guess from INFO's counts: no more than a reply may hold. */
	if (cap > max)
		cap = max;
	if (aux_cap > aux_max)
		aux_cap = aux_max;
	for (tries = 0; tries < KMOD_TRIES; tries++) {
		struct vs_kmod_query q;

		free(buf);
		free(aux);
		buf = calloc(cap, rec_size);
		aux = aux_cap ? calloc(aux_cap, aux_size) : NULL;
		if (!buf || (aux_cap && !aux)) {
			err = vs_err_set(e, ENOMEM, "out of memory");
			goto fail;
		}
		memset(&q, 0, sizeof(q));
		q.abi_version = VS_KMOD_ABI_VERSION;
		q.flags = flags;
		q.rec_size = (uint32_t)rec_size;
		q.aux_size = (uint32_t)aux_size;
		q.buf = (uint64_t)(uintptr_t)buf;
		q.buf_count = (uint32_t)cap;
		if (aux_cap) {
			q.aux = (uint64_t)(uintptr_t)aux;
			q.aux_count = (uint32_t)aux_cap;
		}
		err = k->ops.ioctl(k->ctx, req, &q);
		if (err) {
			list_error(err, what, e);
			goto fail;
		}
		if (q.count > cap || q.count > q.total ||
		    q.aux_done > aux_cap || q.aux_done > q.aux_total ||
		    (q.count < q.total && q.count < cap) ||
		    (q.aux_done < q.aux_total && q.aux_done < aux_cap)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko's reply to "
					 "the %s request is inconsistent: %u "
					 "of %u records, %u of %u more, room "
					 "for %zu and %zu", what, q.count,
					 q.total, q.aux_done, q.aux_total,
					 cap, aux_cap);
			goto fail;
		}
		if (q.total > max || q.aux_total > aux_max) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko reports %u "
					 "and %u records for %s, more than it "
					 "can have", q.total, q.aux_total,
					 what);
			goto fail;
		}
		if (q.count == q.total && q.aux_done == q.aux_total) {
			k->max_hold_ns = q.max_hold_ns;
			out->buf = buf;
			out->n = q.count;
			out->aux = aux;
			out->naux = q.aux_done;
			return 0;
		}
		/* Too small: grow with room for some growth, and ask for a
		 * new snapshot. */
		cap = (size_t)q.total + q.total / 8 + 4;
		if (aux_size)
			aux_cap = (size_t)q.aux_total + q.aux_total / 8 + 4;
	}
	err = vs_err_set(e, EAGAIN, "the %s records kept growing while being "
			 "read", what);
fail:
	free(buf);
	free(aux);
	return err;
}

