/* fuzz_kmod.c - libFuzzer harness: vmscope.ko's replies into the
 * decoders of lib/kmod.c (INFO, BUDDY, SLAB, TLB, WALK), through a fake
 * device that answers each ioctl from the input (kmod_stream.h says how),
 * then the decoded snapshots into the views' converters
 * (vs_buddy_from_kmod, vs_slabs_from_kmod) and the page-table records
 * through the bit decoder. */
#include "fuzz.h"
#include "kmod_stream.h"
#include "vs_buddy.h"
#include "vs_kmod.h"
#include "vs_slab.h"

struct stream {
	const uint8_t *p;
	size_t n;
};

/* The next @len bytes into @out; zeros past the end. */
static void take(struct stream *s, void *out, size_t len)
{
	size_t k = len < s->n ? len : s->n;

	memcpy(out, s->p, k);
	memset((char *)out + k, 0, len - k);
	s->p += k;
	s->n -= k;
}

/* Records: only what the input holds, the rest of the buffer left as the
 * library gave it (a reply of 2^24 records must not cost a 512 MB memset
 * per request; the module too writes only the records it sends). */
static void take_records(struct stream *s, void *out, size_t len)
{
	size_t k = len < s->n ? len : s->n;

	memcpy(out, s->p, k);
	s->p += k;
	s->n -= k;
}

static uint32_t take_u32(struct stream *s)
{
	uint32_t v;

	take(s, &v, sizeof(v));
	return v;
}

static int status(struct stream *s)
{
	uint8_t b;

	take(s, &b, 1);
	return -kmod_errs[b % KMOD_NERRS];
}

static int serve_list(struct stream *s, struct vs_kmod_query *q)
{
	uint32_t n;

	q->count = take_u32(s);
	q->total = take_u32(s);
	q->aux_done = take_u32(s);
	q->aux_total = take_u32(s);
	n = q->count < q->buf_count ? q->count : q->buf_count;
	take_records(s, (void *)(uintptr_t)q->buf, (size_t)n * q->rec_size);
	n = q->aux_done < q->aux_count ? q->aux_done : q->aux_count;
	if (q->aux)
		take_records(s, (void *)(uintptr_t)q->aux,
			     (size_t)n * q->aux_size);
	return 0;
}

static int serve_walk(struct stream *s, struct vs_kmod_walk *w)
{
	uint32_t n;

	take(s, (char *)w + KMOD_WALK_OUT_FIRST,
	     KMOD_WALK_OUT_END - KMOD_WALK_OUT_FIRST);
	n = w->count < w->buf_count ? w->count : w->buf_count;
	take_records(s, (void *)(uintptr_t)w->buf, (size_t)n * w->rec_size);
	return 0;
}

static int fake_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct stream *s = ctx;
	int err = status(s);

	switch (req) {
	case VS_KMOD_IOC_INFO:
		take(s, arg, sizeof(struct vs_kmod_info));
		return err;
	case VS_KMOD_IOC_BUDDY:
	case VS_KMOD_IOC_SLAB:
	case VS_KMOD_IOC_TLB:
		return err ? err : serve_list(s, arg);
	case VS_KMOD_IOC_WALK:
		/* A refused walk still says why (detail). */
		serve_walk(s, arg);
		return err;
	}
	abort();	/* the library asked something the module lacks */
}

static const struct vs_kmod_ops fake_ops = { .ioctl = fake_ioctl };

static int on_leaf(const struct vs_pt_entry *d, void *arg)
{
	char buf[256];

	(void)arg;
	if (!vs_pt_level_name(d->level) || !vs_pt_kind_name(d->kind))
		abort();	/* a leaf the decoder let through is named */
	for (int l = 0; l < VS_PT_LEVELS; l++)
		if (d->have[l])
			fuzz_use(vs_pt_bits_str(&d->bits[l], buf, sizeof(buf)),
				 1);
	return 0;
}

static void views(struct vs_kmod *k, unsigned which, uint64_t start,
		  uint64_t end)
{
	struct vs_err e;
	int r;

	if (which & KMOD_VIEW_BUDDY) {
		struct vs_km_buddy *km;
		struct vs_buddy b;

		fuzz_err_init(&e);
		r = vs_kmod_buddy(k, &km, &e);
		fuzz_err_check(r, &e);
		if (r == 0) {
			vs_buddy_init(&b);
			fuzz_err_init(&e);
			fuzz_err_check(vs_buddy_from_kmod(&b, km, &e), &e);
			vs_buddy_free(&b);
			vs_km_buddy_free(km);
		}
	}
	if (which & KMOD_VIEW_SLAB) {
		struct vs_km_slab *km;
		struct vs_slabs s;

		fuzz_err_init(&e);
		r = vs_kmod_slab(k, &km, &e);
		fuzz_err_check(r, &e);
		if (r == 0) {
			vs_slabs_init(&s);
			fuzz_err_init(&e);
			fuzz_err_check(vs_slabs_from_kmod(&s, km, &e), &e);
			vs_slabs_free(&s);
			vs_km_slab_free(km);
		}
	}
	if (which & KMOD_VIEW_TLB) {
		struct vs_km_tlb *km;

		fuzz_err_init(&e);
		r = vs_kmod_tlb(k, &km, &e);
		fuzz_err_check(r, &e);
		if (r == 0)
			vs_km_tlb_free(km);
	}
	if (which & KMOD_VIEW_WALK) {
		struct vs_pt_stats st;

		fuzz_err_init(&e);
		r = vs_kmod_walk(k, 42, start, end, on_leaf, NULL, &st, &e);
		fuzz_err_check(r, &e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s = { data, size };
	uint64_t start, end;
	struct vs_kmod *k;
	struct vs_err e;
	uint8_t which, batch;
	int r;

	take(&s, &which, 1);
	take(&s, &batch, 1);
	take(&s, &start, sizeof(start));
	take(&s, &end, sizeof(end));
	fuzz_err_init(&e);
	r = vs_kmod_open_ops(&fake_ops, &s, &k, &e);
	fuzz_err_check(r, &e);
	if (r < 0)
		return 0;
	vs_kmod_set_batch(k, batch % 16);
	views(k, which, start, end);
	vs_kmod_close(k);
	return 0;
}
