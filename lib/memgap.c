/* memgap.c - this file implements the check of vs_memgap.h: meminfo's
 * free and total memory against the zones' own counts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vs_fmt.h"
#include "vs_json.h"
#include "vs_memgap.h"

/* ---- /proc/meminfo ---------------------------------------------------- */

static int meminfo_line(void *arg, char *line, size_t len,
			const struct vs_text_pos *pos, struct vs_err *e)
{
	struct vs_kvlist *l = arg;
	char *colon, *p, *num, *unit;
	uint64_t v;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	colon = strchr(line, ':');
	if (!colon || colon == line)
		return vs_text_bad(e, pos, "not 'Name: value'");
	*colon = '\0';
	p = colon + 1;
	num = vs_tok(&p);
	unit = vs_tok(&p);
	if (!num || vs_tok(&p))
		return vs_text_bad(e, pos, "not 'Name: value'");
	if (vs_tok_u64(num, &v) < 0)
		return vs_text_bad(e, pos, "not a number below 2^64");
	if (unit) {
		if (strcmp(unit, "kB"))
			return vs_text_bad(e, pos, "unit other than kB");
		if (v > UINT64_MAX / 1024)
			return vs_text_bad(e, pos, "size past 2^64 bytes");
		v *= 1024;
	}
	if (vs_kvlist_add(l, line, v) < 0)
		return vs_err_set(e, ENOMEM, "out of memory");
	return 0;
}

int vs_meminfo_parse(const char *text, size_t len, const char *path,
		     struct vs_kvlist *l, struct vs_err *e)
{
	vs_kvlist_free(l);
	return vs_text_parse(text, len, path, meminfo_line, l, e);
}

int vs_meminfo_read(const struct vs_root *r, struct vs_kvlist *l,
		    struct vs_err *e)
{
	vs_kvlist_free(l);
	return vs_text_parse_file(r, "/proc/meminfo", meminfo_line, l, e);
}

/* ---- the check -------------------------------------------------------- */

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

void vs_memgap_check(const struct vs_kvlist *meminfo, const struct vs_buddy *b,
		     const struct vs_kvlist *vmstat, uint64_t page_size,
		     const char *virtio_balloon, struct vs_memgap *g)
{
	const struct vs_kv *total = vs_kvlist_get(meminfo, "MemTotal");
	const struct vs_kv *free = vs_kvlist_get(meminfo, "MemFree");
	const struct vs_kv *balloon = vs_kvlist_get(meminfo, "Balloon");
	const struct vs_kv *nr_free = vmstat ?
		vs_kvlist_get(vmstat, "nr_free_pages") : NULL;
	bool zones_ok = b->nzones > 0, buddy_ok = false;
	uint64_t most = 0, lo, hi;

	memset(g, 0, sizeof(*g));
	g->zone_node = -1;
	for (unsigned i = 0; i < b->nzones; i++) {
		const struct vs_zone *z = &b->zones[i];
		uint64_t present, managed;

		if (!vs_zone_has(z, VS_ZI_FREE) ||
		    !vs_zone_has(z, VS_ZI_MANAGED) ||
		    !vs_zone_has(z, VS_ZI_PRESENT)) {
			zones_ok = false;
			continue;
		}
		present = z->info[VS_ZI_PRESENT];
		managed = z->info[VS_ZI_MANAGED];
		g->zones_free += z->info[VS_ZI_FREE] * page_size;
		g->zones_managed += managed * page_size;
		g->zones_present += present * page_size;
		if (present > managed && present - managed > most) {
			most = present - managed;
			g->zone_node = z->node;
			snprintf(g->zone, sizeof(g->zone), "%s", z->name);
			g->zone_present = present;
			g->zone_managed = managed;
		}
		if (z->free_src != VS_SRC_NONE) {
			buddy_ok = true;
			for (unsigned o = 0; o < z->norders; o++)
				g->buddy_free += (z->nr_free[o] << o) *
						 page_size;
		}
	}
	g->have_buddy_free = buddy_ok;
	if (nr_free) {
		g->have_vmstat_free = true;
		g->vmstat_free = nr_free->value * page_size;
	}
	if (balloon) {
		g->have_balloon = true;
		g->balloon = balloon->value;
	}
	if (virtio_balloon && *virtio_balloon)
		snprintf(g->virtio_balloon, sizeof(g->virtio_balloon), "%s",
			 virtio_balloon);
	if (!total || !free || !zones_ok)
		return;
	g->known = true;
	g->mem_total = total->value;
	g->mem_free = free->value;
	g->free_gap = (int64_t)(g->mem_free - g->zones_free);
	g->total_gap = (int64_t)(g->mem_total - g->zones_managed);
	g->threshold = g->mem_total / 100 * VS_MEMGAP_PERCENT;
	if (g->threshold < VS_MEMGAP_MIN_BYTES)
		g->threshold = VS_MEMGAP_MIN_BYTES;

	/* The zones' three counts of their free pages, against each other:
	 * they differ by the per-CPU counter drift only. */
	lo = hi = g->zones_free;
	if (g->have_vmstat_free) {
		lo = g->vmstat_free < lo ? g->vmstat_free : lo;
		hi = g->vmstat_free > hi ? g->vmstat_free : hi;
	}
	if (g->have_buddy_free) {
		lo = g->buddy_free < lo ? g->buddy_free : lo;
		hi = g->buddy_free > hi ? g->buddy_free : hi;
	}
	if (hi - lo > g->threshold)
		g->reasons |= VS_MEMGAP_ZONES_DISAGREE;
	g->flagged = absdiff(g->mem_free, g->zones_free) > g->threshold ||
		     (g->reasons & VS_MEMGAP_ZONES_DISAGREE);
	if (!g->flagged)
		return;
	if (g->mem_total > g->zones_managed &&
	    g->mem_total - g->zones_managed > g->threshold) {
		g->reasons |= VS_MEMGAP_UNMANAGED;
		if (absdiff((uint64_t)g->total_gap, (uint64_t)g->free_gap) <=
		    g->threshold && g->free_gap > 0)
			g->reasons |= VS_MEMGAP_SAME;
	}
	if (g->have_balloon && g->balloon > 0)
		g->reasons |= VS_MEMGAP_BALLOON;
	if (g->virtio_balloon[0])
		g->reasons |= VS_MEMGAP_VIRTIO_BALLOON;
}

void vs_memgap_virtio_balloon(const struct vs_root *r, char *dev, size_t size)
{
	int fd = vs_root_open(r, "/sys/bus/virtio/drivers/virtio_balloon",
			      O_RDONLY | O_DIRECTORY, NULL);
	struct dirent *d;
	DIR *dir;

	if (size)
		dev[0] = '\0';
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "virtio", 6) && d->d_name[6] >= '0' &&
		    d->d_name[6] <= '9') {
			snprintf(dev, size, "%s", d->d_name);
			break;
		}
	closedir(dir);
}

int vs_memgap_read(const struct vs_root *r, uint64_t page_size,
		   struct vs_memgap *g, struct vs_err *e)
{
	struct vs_kvlist mi = { 0 }, vm = { 0 };
	struct vs_buddy b;
	char dev[64];
	int ret;

	memset(g, 0, sizeof(*g));
	vs_buddy_init(&b);
	ret = vs_meminfo_read(r, &mi, e);
	if (ret == 0)
		ret = vs_zoneinfo_read(&b, r, e);
	if (ret == 0) {
		/* Optional: the other two counts of the zones' free pages. */
		if (vs_buddyinfo_read(&b, r, NULL) < 0)
			for (unsigned i = 0; i < b.nzones; i++)
				b.zones[i].free_src = VS_SRC_NONE;
		vs_memgap_virtio_balloon(r, dev, sizeof(dev));
		vs_memgap_check(&mi, &b, vs_vmstat_read(r, &vm, NULL) == 0 ?
				&vm : NULL, page_size, dev, g);
	}
	vs_kvlist_free(&mi);
	vs_kvlist_free(&vm);
	vs_buddy_free(&b);
	return ret;
}

const char *vs_memgap_why(const struct vs_memgap *g, char *buf, size_t size)
{
	char a[16], c[16], d[16];
	size_t len = 0;

#define PUT(...) do { \
		if (len < size) \
			len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__); \
	} while (0)
	buf[0] = '\0';
	if (g->reasons & VS_MEMGAP_UNMANAGED) {
		vs_size_human(a, sizeof(a), (uint64_t)g->total_gap);
		PUT("MemTotal is %s above the zones' managed pages%s", a,
		    g->reasons & VS_MEMGAP_SAME ? ", as much as the gap: "
		    "memory meminfo counts as free that no zone manages" : "");
		if (g->zone[0])
			PUT(" (zone %s of node %d: %llu pages present, %llu "
			    "managed)", g->zone, g->zone_node,
			    (unsigned long long)g->zone_present,
			    (unsigned long long)g->zone_managed);
		PUT("; pages the buddy allocator does not manage are held "
		    "outside it (by the hypervisor or a balloon)");
	}
	if (g->reasons & VS_MEMGAP_BALLOON) {
		vs_size_human(c, sizeof(c), g->balloon);
		PUT("%sa balloon driver holds %s (meminfo Balloon)",
		    len ? "; " : "", c);
	}
	if (g->reasons & VS_MEMGAP_VIRTIO_BALLOON)
		PUT("%sa virtio_balloon device is bound (%s)%s", len ? "; " : "",
		    g->virtio_balloon, g->have_balloon && !g->balloon ?
		    ", though meminfo's Balloon is 0" : "");
	if (g->reasons & VS_MEMGAP_ZONES_DISAGREE) {
		vs_size_human(a, sizeof(a), g->zones_free);
		vs_size_human(c, sizeof(c), g->vmstat_free);
		vs_size_human(d, sizeof(d), g->buddy_free);
		PUT("%sthe zones' own counts differ: zoneinfo %s, vmstat %s, "
		    "buddyinfo %s", len ? "; " : "", a,
		    g->have_vmstat_free ? c : "-", g->have_buddy_free ? d : "-");
	}
	if (!len)
		PUT("no file read says why");
#undef PUT
	return buf;
}

const char *vs_memgap_reason_name(uint32_t bit)
{
	switch (bit) {
	case VS_MEMGAP_UNMANAGED: return "unmanaged";
	case VS_MEMGAP_SAME: return "same_as_gap";
	case VS_MEMGAP_BALLOON: return "balloon";
	case VS_MEMGAP_VIRTIO_BALLOON: return "virtio_balloon";
	case VS_MEMGAP_ZONES_DISAGREE: return "zones_disagree";
	}
	return NULL;
}

static void json_u64_or_null(struct vs_json *j, const char *key, bool have,
			     uint64_t v)
{
	if (have)
		vs_json_u64(j, key, v);
	else
		vs_json_null(j, key);
}

void vs_memgap_put(struct vs_out *o, const char *key, const struct vs_memgap *g)
{
	char a[16], b[16], c[16], d[16], t[16], why[1024];

	if (o->fmt == VS_OUT_JSON) {
		struct vs_json *j = &o->json;

		if (!g->known) {
			vs_json_null(j, key);
			return;
		}
		vs_json_obj_begin(j, key);
		vs_json_bool(j, "flagged", g->flagged);
		vs_json_u64(j, "threshold", g->threshold);
		vs_json_u64(j, "mem_total", g->mem_total);
		vs_json_u64(j, "mem_free", g->mem_free);
		vs_json_u64(j, "zones_free", g->zones_free);
		vs_json_u64(j, "zones_managed", g->zones_managed);
		vs_json_u64(j, "zones_present", g->zones_present);
		json_u64_or_null(j, "vmstat_free", g->have_vmstat_free,
				 g->vmstat_free);
		json_u64_or_null(j, "buddy_free", g->have_buddy_free,
				 g->buddy_free);
		vs_json_i64(j, "free_gap", g->free_gap);
		vs_json_i64(j, "total_gap", g->total_gap);
		json_u64_or_null(j, "balloon", g->have_balloon, g->balloon);
		if (g->virtio_balloon[0])
			vs_json_str(j, "virtio_balloon", g->virtio_balloon);
		else
			vs_json_null(j, "virtio_balloon");
		vs_json_arr_begin(j, "reasons");
		for (uint32_t bit = 1; bit <= VS_MEMGAP_ZONES_DISAGREE; bit <<= 1)
			if (g->reasons & bit)
				vs_json_str(j, NULL, vs_memgap_reason_name(bit));
		vs_json_arr_end(j);
		if (g->zone[0]) {
			vs_json_obj_begin(j, "zone");
			vs_json_u64(j, "node", (uint64_t)g->zone_node);
			vs_json_str(j, "name", g->zone);
			vs_json_u64(j, "present_pages", g->zone_present);
			vs_json_u64(j, "managed_pages", g->zone_managed);
			vs_json_obj_end(j);
		} else {
			vs_json_null(j, "zone");
		}
		vs_json_obj_end(j);
		return;
	}
	if (!g->known || !g->flagged)
		return;
	vs_size_human(a, sizeof(a), g->mem_free);
	vs_size_human(b, sizeof(b), g->zones_free);
	vs_size_human(c, sizeof(c), g->vmstat_free);
	vs_size_human(d, sizeof(d), g->buddy_free);
	vs_size_human(t, sizeof(t), g->threshold);
	fprintf(o->f, "note: meminfo's MemFree (%s) and the zones' free pages "
		"(%s in zoneinfo; vmstat nr_free_pages %s, buddyinfo %s) "
		"differ by more than %s (%d%% of MemTotal, at least %lluM)\n",
		a, b, g->have_vmstat_free ? c : "-",
		g->have_buddy_free ? d : "-", t, VS_MEMGAP_PERCENT,
		VS_MEMGAP_MIN_BYTES >> 20);
	fprintf(o->f, "why: %s\n", vs_memgap_why(g, why, sizeof(why)));
}
