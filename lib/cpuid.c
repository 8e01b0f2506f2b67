/* cpuid.c - this file implements the cpuid sources (the instruction or a
 * recorded dump) and the decoders of AMD's and Intel's TLB leaves. */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_cpuid.h"
#include "vs_text.h"

const char *const vs_tlb_kind_name[] = {
	[VS_TLB_DATA] = "data",
	[VS_TLB_INSTR] = "instruction",
	[VS_TLB_UNIFIED] = "unified",
	[VS_TLB_LOAD] = "load",
	[VS_TLB_STORE] = "store",
};

uint64_t vs_pg_bytes(unsigned pg)
{
	switch (pg) {
	case VS_PG_4K: return 4096;
	case VS_PG_2M: return 2ull << 20;
	case VS_PG_4M: return 4ull << 20;
	case VS_PG_1G: return 1ull << 30;
	}
	return 0;
}

/* ---- sources --------------------------------------------------------- */

struct dump_state {
	struct vs_cpuid *c;
};

static int hex32(const char *t, uint32_t *v)
{
	char *end;
	unsigned long x;

	if (!t || !*t)
		return -1;
	errno = 0;
	x = strtoul(t, &end, 16);
	if (*end || errno || x > 0xffffffffUL)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int dump_line(void *arg, char *line, size_t len,
		     const struct vs_text_pos *pos, struct vs_err *e)
{
	struct dump_state *s = arg;
	struct vs_cpuid_leaf l, *nr;
	char *p = line;
	uint32_t v[6];

	(void)len;
	if (vs_blank(line) || line[0] == '#')
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	for (int i = 0; i < 6; i++)
		if (hex32(vs_tok(&p), &v[i]) < 0)
			return vs_text_bad(e, pos, "not 'LEAF SUBLEAF EAX EBX "
					   "ECX EDX' in hex");
	if (vs_tok(&p))
		return vs_text_bad(e, pos, "more than six values");
	l.leaf = v[0];
	l.sub = v[1];
	l.r.eax = v[2];
	l.r.ebx = v[3];
	l.r.ecx = v[4];
	l.r.edx = v[5];
	nr = realloc(s->c->rec, (s->c->n + 1) * sizeof(*nr));
	if (!nr)
		return vs_err_set(e, ENOMEM, "out of memory");
	s->c->rec = nr;
	nr[s->c->n++] = l;
	return 0;
}

int vs_cpuid_parse(struct vs_cpuid *c, const char *text, size_t len,
		   const char *path, struct vs_err *e)
{
	struct dump_state s = { c };

	memset(c, 0, sizeof(*c));
	return vs_text_parse(text, len, path, dump_line, &s, e);
}

int vs_cpuid_open(const struct vs_root *r, struct vs_cpuid *c,
		  struct vs_err *e)
{
	struct dump_state s = { c };

	memset(c, 0, sizeof(*c));
	if (vs_root_is_live(r)) {
		c->live = true;
		return 0;
	}
	return vs_text_parse_file(r, VS_CPUID_DUMP, dump_line, &s, e);
}

void vs_cpuid_close(struct vs_cpuid *c)
{
	free(c->rec);
	memset(c, 0, sizeof(*c));
}

bool vs_cpuid_get(const struct vs_cpuid *c, uint32_t leaf, uint32_t sub,
		  struct vs_cpuid_regs *out)
{
	if (c->live) {
		unsigned a, b, cc, d;

		if ((leaf & 0xf0000000u) == 0x40000000u) {
			/* The hypervisor's range has no maximum that
			 * __get_cpuid_count knows: only with the
			 * hypervisor bit, and below the signature's EAX. */
			__cpuid(1, a, b, cc, d);
			if (!(cc & (1u << 31)))
				return false;
			__cpuid(leaf & 0xffffff00u, a, b, cc, d);
			if (leaf > a)
				return false;
			__cpuid_count(leaf, sub, a, b, cc, d);
		} else if (!__get_cpuid_count(leaf, sub, &a, &b, &cc, &d)) {
			return false;
		}
		out->eax = a;
		out->ebx = b;
		out->ecx = cc;
		out->edx = d;
		return true;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->rec[i].leaf == leaf && c->rec[i].sub == sub) {
			*out = c->rec[i].r;
			return true;
		}
	return false;
}

/* ---- decoders -------------------------------------------------------- */

static void add(struct vs_tlbinfo *t, unsigned level, enum vs_tlb_kind kind,
		unsigned pages, unsigned entries, int ways, uint32_t leaf)
{
	struct vs_tlb *x;

	if (entries == 0)
		return;
	if (t->n == VS_TLBS_MAX) {
		t->unknown++;
		return;
	}
	x = &t->tlb[t->n++];
	x->level = level;
	x->kind = kind;
	x->pages = pages;
	x->entries = entries;
	x->full = ways < 0;
	x->ways = ways < 0 ? 0 : (unsigned)ways;
	x->leaf = leaf;
}

/* AMD's L1 associativity byte: 0xff fully, else the ways (-1 full, 0
 * reserved). */
static int amd_l1_ways(unsigned v)
{
	return v == 0xff ? -1 : (int)v;
}

/* AMD's 4-bit L2/L3 associativity code: ways, -1 fully associative, -2
 * disabled, 0 not decoded. */
static int amd_l2_ways(unsigned v)
{
	static const int ways[16] = {
		-2, 1, 2, 3, 4, 6, 8, 0, 16, 0, 32, 48, 64, 96, 128, -1,
	};

	return ways[v & 0xf];
}

/* One 32-bit register of L1 (0x80000005) layout: data in the high half. */
static void amd_l1(struct vs_tlbinfo *t, uint32_t reg, unsigned pages,
		   uint32_t leaf)
{
	int dw = amd_l1_ways(reg >> 24), iw = amd_l1_ways((reg >> 8) & 0xff);

	if (dw)
		add(t, 1, VS_TLB_DATA, pages, (reg >> 16) & 0xff, dw, leaf);
	if (iw)
		add(t, 1, VS_TLB_INSTR, pages, reg & 0xff, iw, leaf);
	if (!dw && ((reg >> 16) & 0xff))
		t->unknown++;
	if (!iw && (reg & 0xff))
		t->unknown++;
}

/* One register of L2 (0x80000006) layout: 4-bit ways, 12-bit entries. */
static void amd_l2(struct vs_tlbinfo *t, uint32_t reg, unsigned level,
		   unsigned pages, uint32_t leaf)
{
	int dw = amd_l2_ways(reg >> 28), iw = amd_l2_ways((reg >> 12) & 0xf);
	unsigned de = (reg >> 16) & 0xfff, ie = reg & 0xfff;

	if (dw == 0 && de)
		t->unknown++;
	else if (dw != -2)
		add(t, level, VS_TLB_DATA, pages, de, dw, leaf);
	if (iw == 0 && ie)
		t->unknown++;
	else if (iw != -2)
		add(t, level, VS_TLB_INSTR, pages, ie, iw, leaf);
}

void vs_tlb_decode_amd(const struct vs_cpuid_regs *l5,
		       const struct vs_cpuid_regs *l6,
		       const struct vs_cpuid_regs *l19, struct vs_tlbinfo *out)
{
	/* Entries given for 2M pages; a 4M page takes two of them. */
	if (l5) {
		amd_l1(out, l5->ebx, VS_PG_4K, 0x80000005);
		amd_l1(out, l5->eax, VS_PG_2M | VS_PG_4M, 0x80000005);
	}
	if (l6) {
		amd_l2(out, l6->ebx, 2, VS_PG_4K, 0x80000006);
		amd_l2(out, l6->eax, 2, VS_PG_2M | VS_PG_4M, 0x80000006);
	}
	if (l19) {
		amd_l2(out, l19->eax, 1, VS_PG_1G, 0x80000019);
		amd_l2(out, l19->ebx, 2, VS_PG_1G, 0x80000019);
	}
}

void vs_tlb_decode_intel_18(const struct vs_cpuid_regs *sub, size_t n,
			    struct vs_tlbinfo *out)
{
	static const enum vs_tlb_kind kinds[] = {
		[1] = VS_TLB_DATA, [2] = VS_TLB_INSTR, [3] = VS_TLB_UNIFIED,
		[4] = VS_TLB_LOAD, [5] = VS_TLB_STORE,
	};

	for (size_t i = 0; i < n; i++) {
		unsigned type = sub[i].edx & 0x1f;
		unsigned level = (sub[i].edx >> 5) & 0x7;
		bool full = sub[i].edx & (1u << 8);
		unsigned ways = sub[i].ebx >> 16, sets = sub[i].ecx;
		unsigned pages = sub[i].ebx & 0xf;

		if (type == 0)
			continue;	/* not a TLB: an unused subleaf */
		if (type > 5 || level == 0 || pages == 0) {
			out->unknown++;
			continue;
		}
		add(out, level, kinds[type], pages, ways * sets,
		    full ? -1 : (int)ways, 0x18);
	}
}

/* Intel's leaf 2 TLB descriptors (Intel SDM vol. 2A, CPUID leaf 02H). */
static const struct desc {
	uint8_t code;
	uint8_t level;
	uint8_t kind;
	uint8_t pages;
	uint16_t entries;
	int8_t ways;		/* -1 fully associative, 0 not stated */
} descs[] = {
	{ 0x01, 1, VS_TLB_INSTR, VS_PG_4K, 32, 4 },
	{ 0x02, 1, VS_TLB_INSTR, VS_PG_4M, 2, -1 },
	{ 0x03, 1, VS_TLB_DATA, VS_PG_4K, 64, 4 },
	{ 0x04, 1, VS_TLB_DATA, VS_PG_4M, 8, 4 },
	{ 0x05, 2, VS_TLB_DATA, VS_PG_4M, 32, 4 },
	{ 0x0b, 1, VS_TLB_INSTR, VS_PG_4M, 4, 4 },
	{ 0x4f, 1, VS_TLB_INSTR, VS_PG_4K, 32, 0 },
	{ 0x50, 1, VS_TLB_INSTR, VS_PG_4K | VS_PG_2M | VS_PG_4M, 64, 0 },
	{ 0x51, 1, VS_TLB_INSTR, VS_PG_4K | VS_PG_2M | VS_PG_4M, 128, 0 },
	{ 0x52, 1, VS_TLB_INSTR, VS_PG_4K | VS_PG_2M | VS_PG_4M, 256, 0 },
	{ 0x55, 1, VS_TLB_INSTR, VS_PG_2M | VS_PG_4M, 7, -1 },
	{ 0x56, 1, VS_TLB_LOAD, VS_PG_4M, 16, 4 },
	{ 0x57, 1, VS_TLB_LOAD, VS_PG_4K, 16, 4 },
	{ 0x59, 1, VS_TLB_LOAD, VS_PG_4K, 16, -1 },
	{ 0x5a, 1, VS_TLB_LOAD, VS_PG_2M | VS_PG_4M, 32, 4 },
	{ 0x5b, 1, VS_TLB_DATA, VS_PG_4K | VS_PG_4M, 64, 0 },
	{ 0x5c, 1, VS_TLB_DATA, VS_PG_4K | VS_PG_4M, 128, 0 },
	{ 0x5d, 1, VS_TLB_DATA, VS_PG_4K | VS_PG_4M, 256, 0 },
	{ 0x61, 1, VS_TLB_INSTR, VS_PG_4K, 48, -1 },
	{ 0x63, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 32, 4 },
	{ 0x63, 1, VS_TLB_DATA, VS_PG_1G, 4, 4 },
	{ 0x64, 1, VS_TLB_DATA, VS_PG_4K, 512, 4 },
	{ 0x6a, 1, VS_TLB_LOAD, VS_PG_4K, 64, 8 },
	{ 0x6b, 1, VS_TLB_DATA, VS_PG_4K, 256, 8 },
	{ 0x6c, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 128, 8 },
	{ 0x6d, 1, VS_TLB_DATA, VS_PG_1G, 16, -1 },
	{ 0x76, 1, VS_TLB_INSTR, VS_PG_2M | VS_PG_4M, 8, -1 },
	{ 0xa0, 1, VS_TLB_DATA, VS_PG_4K, 32, -1 },
	{ 0xb0, 1, VS_TLB_INSTR, VS_PG_4K, 128, 4 },
	{ 0xb1, 1, VS_TLB_INSTR, VS_PG_2M, 8, 4 },
	{ 0xb1, 1, VS_TLB_INSTR, VS_PG_4M, 4, 4 },
	{ 0xb2, 1, VS_TLB_INSTR, VS_PG_4K, 64, 4 },
	{ 0xb3, 1, VS_TLB_DATA, VS_PG_4K, 128, 4 },
	{ 0xb4, 2, VS_TLB_DATA, VS_PG_4K, 256, 4 },
	{ 0xb5, 1, VS_TLB_INSTR, VS_PG_4K, 64, 8 },
	{ 0xb6, 1, VS_TLB_INSTR, VS_PG_4K, 128, 8 },
	{ 0xba, 2, VS_TLB_DATA, VS_PG_4K, 64, 4 },
	{ 0xc0, 1, VS_TLB_DATA, VS_PG_4K | VS_PG_4M, 8, 4 },
	{ 0xc1, 2, VS_TLB_UNIFIED, VS_PG_4K | VS_PG_2M, 1024, 8 },
	{ 0xc2, 1, VS_TLB_DATA, VS_PG_4K | VS_PG_2M, 16, 4 },
	{ 0xc3, 2, VS_TLB_UNIFIED, VS_PG_4K | VS_PG_2M, 1536, 6 },
	{ 0xc3, 2, VS_TLB_UNIFIED, VS_PG_1G, 16, 4 },
	{ 0xc4, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 32, 4 },
	{ 0xca, 2, VS_TLB_UNIFIED, VS_PG_4K, 512, 4 },
};

bool vs_tlb_decode_intel_2(const struct vs_cpuid_regs *l2,
			   struct vs_tlbinfo *out)
{
	uint32_t regs[4] = { l2->eax, l2->ebx, l2->ecx, l2->edx };
	bool see18 = false;

	for (int r = 0; r < 4; r++) {
		if (regs[r] & 0x80000000u)
			continue;	/* the register holds no descriptors */
		for (int b = r == 0 ? 1 : 0; b < 4; b++) {
			uint8_t code = (uint8_t)(regs[r] >> (8 * b));

			if (code == 0xff)
				see18 = true;
			for (size_t i = 0; code && i < sizeof(descs) /
			     sizeof(*descs); i++)
				if (descs[i].code == code)
					add(out, descs[i].level,
					    (enum vs_tlb_kind)descs[i].kind,
					    descs[i].pages, descs[i].entries,
					    descs[i].ways, 2);
		}
	}
	return see18;
}

int vs_tlb_read(const struct vs_cpuid *c, struct vs_tlbinfo *out,
		struct vs_err *e)
{
	struct vs_cpuid_regs r0, r1, x0, l5, l6, l19;
	unsigned family, model;
	bool amd, intel;

	memset(out, 0, sizeof(*out));
	if (!vs_cpuid_get(c, 0, 0, &r0) || !vs_cpuid_get(c, 1, 0, &r1))
		return vs_err_set(e, ENOTSUP, "cpuid leaves 0 and 1 are not "
				  "available");
	memcpy(out->vendor, &r0.ebx, 4);
	memcpy(out->vendor + 4, &r0.edx, 4);
	memcpy(out->vendor + 8, &r0.ecx, 4);
	out->vendor[12] = '\0';
	family = (r1.eax >> 8) & 0xf;
	model = (r1.eax >> 4) & 0xf;
	if (family == 0xf)
		family += (r1.eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((r1.eax >> 16) & 0xf) << 4;
	out->family = family;
	out->model = model;
	out->stepping = r1.eax & 0xf;
	amd = !strcmp(out->vendor, "AuthenticAMD") ||
	      !strcmp(out->vendor, "HygonGenuine");
	intel = !strcmp(out->vendor, "GenuineIntel");
	if (!vs_cpuid_get(c, 0x80000000, 0, &x0))
		x0.eax = 0;
	if (amd) {
		bool h5 = x0.eax >= 0x80000005 &&
			  vs_cpuid_get(c, 0x80000005, 0, &l5);
		bool h6 = x0.eax >= 0x80000006 &&
			  vs_cpuid_get(c, 0x80000006, 0, &l6);
		bool h19 = x0.eax >= 0x80000019 &&
			   vs_cpuid_get(c, 0x80000019, 0, &l19);

		if (!h5 && !h6)
			return vs_err_set(e, ENOTSUP, "this %s CPU does not "
					  "describe its TLBs (no cpuid leaf "
					  "0x80000005)", out->vendor);
		vs_tlb_decode_amd(h5 ? &l5 : NULL, h6 ? &l6 : NULL,
				  h19 ? &l19 : NULL, out);
		return 0;
	}
	if (intel) {
		struct vs_cpuid_regs l2, sub[64];
		bool see18 = false;

		if (r0.eax >= 2 && vs_cpuid_get(c, 2, 0, &l2))
			see18 = vs_tlb_decode_intel_2(&l2, out);
		if (r0.eax >= 0x18 && vs_cpuid_get(c, 0x18, 0, &sub[0])) {
			size_t n = sub[0].eax + 1;

			if (n > 64)
				n = 64;
			for (size_t i = 1; i < n; i++)
				if (!vs_cpuid_get(c, 0x18, (uint32_t)i, &sub[i]))
					memset(&sub[i], 0, sizeof(sub[i]));
			/* Leaf 0x18 describes every TLB when present: it
			 * replaces what leaf 2 may have said. */
			out->n = 0;
			vs_tlb_decode_intel_18(sub, n, out);
		} else if (see18) {
			out->unknown++;
		}
		if (out->n == 0)
			return vs_err_set(e, ENOTSUP, "this Intel CPU describes "
					  "no TLB in cpuid leaves 2 and 0x18");
		return 0;
	}
	return vs_err_set(e, ENOTSUP, "no TLB decoder for CPUs of vendor "
			  "'%s'", out->vendor);
}

unsigned vs_tlb_data_entries(const struct vs_tlbinfo *t, unsigned level,
			     unsigned pg)
{
	unsigned sum = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct vs_tlb *x = &t->tlb[i];

		if (x->level != level || !(x->pages & pg) ||
		    (x->kind != VS_TLB_DATA && x->kind != VS_TLB_UNIFIED &&
		     x->kind != VS_TLB_LOAD))
			continue;
		/* AMD gives entries for 2M pages; a 4M page takes two. */
		if (pg == VS_PG_4M && (x->pages & VS_PG_2M) &&
		    x->leaf >= 0x80000000u)
			sum += x->entries / 2;
		else
			sum += x->entries;
	}
	return sum;
}

unsigned vs_tlb_data_levels(const struct vs_tlbinfo *t)
{
	unsigned max = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->tlb[i].kind != VS_TLB_INSTR && t->tlb[i].level > max)
			max = t->tlb[i].level;
	return max;
}

/* ---- the hypervisor -------------------------------------------------- */

const char *vs_hypervisor_name(const char *signature)
{
	/* Signatures as the hypervisors document them. */
	static const struct { const char *sig, *name; } known[] = {
		{ "KVMKVMKVM", "KVM" },
		{ "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" },
		{ "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU TCG" },
		{ "bhyve bhyve ", "bhyve" },
		{ "VBoxVBoxVBox", "VirtualBox" },
		{ "ACRNACRNACRN", "ACRN" },
		{ "Jailhouse", "Jailhouse" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (!strcmp(signature, known[i].sig))
			return known[i].name;
	return NULL;
}

int vs_cpuid_hypervisor(const struct vs_cpuid *c, struct vs_hypervisor *h)
{
	struct vs_cpuid_regs r;

	memset(h, 0, sizeof(*h));
	if (vs_cpuid_get(c, 1, 0, &r))
		h->present = r.ecx & (1u << 31);
	if (h->present && vs_cpuid_get(c, 0x40000000, 0, &r) &&
	    (r.ebx || r.ecx || r.edx)) {
		h->has_leaf = true;
		h->max_leaf = r.eax;
		memcpy(h->signature, &r.ebx, 4);
		memcpy(h->signature + 4, &r.ecx, 4);
		memcpy(h->signature + 8, &r.edx, 4);
		h->signature[12] = '\0';
		/* Unprintable bytes would garble messages and JSON. */
		for (int i = 0; i < 12 && h->signature[i]; i++)
			if (h->signature[i] < 0x20 || h->signature[i] > 0x7e)
				h->signature[i] = '?';
		h->name = vs_hypervisor_name(h->signature);
	}
	return 0;
}

/* The value of the first processor's line @key in /proc/cpuinfo: *value
 * points into *text (the caller frees *text), after the colon. -ENOENT
 * (with a message) when that block has no such line. */
static int cpuinfo_first(const struct vs_root *r, const char *key,
			 char **text, char **value, struct vs_err *e)
{
	char *p, *end, *colon;
	size_t len, klen = strlen(key);
	int ret = vs_root_read_alloc(r, "/proc/cpuinfo", 64u << 20, text,
				     &len, e);

	if (ret < 0)
		return ret;
	/* The first processor's block ends at the first blank line. */
	end = strstr(*text, "\n\n");
	if (end)
		*end = '\0';
	for (p = *text; (p = strchr(p, '\n')); p++) {
		if (strncmp(p + 1, key, klen) || (p[klen + 1] != ' ' &&
		    p[klen + 1] != '\t' && p[klen + 1] != ':'))
			continue;
		end = strchr(p + 1, '\n');
		if (end)
			*end = '\0';
		colon = strchr(p + 1, ':');
		/* A line without a colon has no value: an empty one. */
		*value = colon ? colon + 1 : p + 1 + strlen(p + 1);
		return 0;
	}
	free(*text);
	*text = NULL;
	return vs_err_set(e, ENOENT, "'/proc/cpuinfo' has no '%s'", key);
}

int vs_cpuinfo_flag(const struct vs_root *r, const char *flag,
		    struct vs_err *e)
{
	char *text, *p, *t;
	int ret = cpuinfo_first(r, "flags", &text, &p, e);

	if (ret < 0)
		return ret;
	while ((t = vs_tok(&p)))
		if (!strcmp(t, flag))
			ret = 1;
	free(text);
	return ret;
}

int vs_cpuinfo_tlb_size(const struct vs_root *r, uint64_t *pages,
			struct vs_err *e)
{
	char *text, *q, *t, *unit;
	uint64_t v;
	int ret = cpuinfo_first(r, "TLB size", &text, &q, e);

	if (ret < 0)
		return ret;
	t = vs_tok(&q);
	unit = vs_tok(&q);
	if (t && vs_tok_u64(t, &v) == 0 && unit && !strcmp(unit, "4K"))
		*pages = v;
	else
		ret = vs_err_set(e, EBADMSG, "'/proc/cpuinfo': cannot read "
				 "the 'TLB size' line");
	free(text);
	return ret;
}
