/* fuzz_maps.h - the body of the maps, smaps and smaps_rollup harnesses.
 *
 * The maps iterator reads a descriptor, not a string: the input goes into
 * a memfd, which the iterator takes over. Each mapping is read back
 * through vs_vma_get, vs_vma_bytes and vs_vma_text, and encoded for a
 * spool and decoded again: the decoded mapping must equal the one read. */
#ifndef VS_FUZZ_MAPS_H
#define VS_FUZZ_MAPS_H

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "vs_maps.h"

static void fuzz_vma_check(const struct vs_vma *v)
{
	struct vs_buf b = { 0 };
	struct vs_vma d;
	uint64_t x;
	size_t len;

	fuzz_use(v->name, v->name_len + 1);
	fuzz_use(v->perms, strlen(v->perms));
	for (int k = 0; k < VS_KEY__COUNT; k++) {
		if (vs_vma_get(v, (enum vs_key)k, &x))
			FUZZ_USE(x);
		if (vs_vma_bytes(v, (enum vs_key)k, &x))
			FUZZ_USE(x);
	}
	if (v->keys)
		for (unsigned s = 0; s < v->keys->n; s++) {
			const char *t = vs_vma_text(v, s, &len);

			if (t)
				fuzz_use(t, len);
		}
	if (!v->keys)
		return;
	vs_vma_encode(v, &b);
	if (b.err) {
		vs_buf_free(&b);
		return;
	}
	memset(&d, 0, sizeof(d));
	if (vs_vma_decode(&d, v->keys, b.p, b.len) != 0)
		abort();	/* a record we wrote must decode */
	if (d.start != v->start || d.end != v->end ||
	    d.offset != v->offset || d.inode != v->inode ||
	    d.have != v->have || d.name_len != v->name_len ||
	    memcmp(d.name, v->name, v->name_len) != 0)
		abort();	/* and decode to what was encoded */
	vs_vma_release(&d);
	vs_buf_free(&b);
}

static int fuzz_maps(const uint8_t *data, size_t size, enum vs_maps_file which)
{
	const struct vs_vma *v;
	struct vs_maps *m;
	struct vs_err e;
	int fd, r;

	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	fuzz_err_init(&e);
	r = vs_maps_open_fd(fd, "fuzz", which, &m, &e);
	fuzz_err_check(r, &e);
	if (r < 0)
		return 0;
	while ((r = vs_maps_next(m, &v, &e)) > 0)
		fuzz_vma_check(v);
	fuzz_err_check(r, &e);
	fuzz_use(vs_maps_keys(m), sizeof(struct vs_keyset));
	vs_maps_close(m);
	return 0;
}

#endif
