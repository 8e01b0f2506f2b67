/* vs_cpuid.h - the CPU's TLBs, decoded from cpuid.
 *
 * AMD describes its TLBs in leaves 0x80000005 (L1, 4K and 2M/4M pages),
 * 0x80000006 (L2) and 0x80000019 (1G pages). Intel uses leaf 0x18
 * (deterministic address translation parameters, one subleaf per TLB) and,
 * on older CPUs, the one-byte descriptors of leaf 2 (0xff there means
 * "see leaf 0x18"). The decoders take register values, so that unit tests
 * run them on values recorded from real CPUs; the reader takes them from
 * the cpuid instruction, or from a dump recorded with a fixture tree
 * (ROOT/vmscope/cpuid: "LEAF SUBLEAF EAX EBX ECX EDX" in hex per line).
 * It also tells whether the CPU is a hypervisor's, and whose.
 */
#ifndef VS_CPUID_H
#define VS_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"

struct vs_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Where leaves come from. */
struct vs_cpuid {
	bool live;		/* the cpuid instruction */
	size_t n;		/* recorded leaves otherwise */
	struct vs_cpuid_leaf {
		uint32_t leaf, sub;
		struct vs_cpuid_regs r;
	} *rec;
};

/* The recorded dump below a fixture root. */
#define VS_CPUID_DUMP "/vmscope/cpuid"

/* Open the cpuid source of @r: the instruction when @r is live, else the
 * dump (-ENOENT when the tree has none). */
int vs_cpuid_open(const struct vs_root *r, struct vs_cpuid *c,
		  struct vs_err *e);

/* Parse a dump's text into @c. Returns 0 or -EBADMSG. */
int vs_cpuid_parse(struct vs_cpuid *c, const char *text, size_t len,
		   const char *path, struct vs_err *e);

void vs_cpuid_close(struct vs_cpuid *c);

/* Leaf @leaf, subleaf @sub: false when the CPU (or the dump) lacks it. */
bool vs_cpuid_get(const struct vs_cpuid *c, uint32_t leaf, uint32_t sub,
		  struct vs_cpuid_regs *out);

/* ---- TLB geometry ---------------------------------------------------- */

enum vs_tlb_kind { VS_TLB_DATA, VS_TLB_INSTR, VS_TLB_UNIFIED,
		   VS_TLB_LOAD, VS_TLB_STORE };

extern const char *const vs_tlb_kind_name[];	/* "data", "instruction" */

/* Page sizes a TLB holds (bits). */
#define VS_PG_4K 0x1u
#define VS_PG_2M 0x2u
#define VS_PG_4M 0x4u
#define VS_PG_1G 0x8u

/* Bytes of the page size bit @pg. */
uint64_t vs_pg_bytes(unsigned pg);

/* One TLB (or one page-size part of one). */
struct vs_tlb {
	unsigned level;		/* 1, 2, ... */
	enum vs_tlb_kind kind;
	unsigned pages;		/* VS_PG_* it holds */
	unsigned entries;	/* translations */
	unsigned ways;		/* associativity; 0 when fully associative */
	bool full;		/* fully associative */
	uint32_t leaf;		/* the cpuid leaf it was decoded from */
};

#define VS_TLBS_MAX 48

struct vs_tlbinfo {
	char vendor[13];	/* "AuthenticAMD", "GenuineIntel" */
	unsigned family, model, stepping;
	size_t n;
	struct vs_tlb tlb[VS_TLBS_MAX];
	unsigned unknown;	/* descriptors or encodings not decoded */
};

/* AMD: @l5, @l6 (leaves 0x80000005 and 0x80000006) and @l19 (0x80000019,
 * NULL when the CPU lacks it) into @out (appended). */
void vs_tlb_decode_amd(const struct vs_cpuid_regs *l5,
		       const struct vs_cpuid_regs *l6,
		       const struct vs_cpuid_regs *l19, struct vs_tlbinfo *out);

/* Intel leaf 0x18: @n subleaves. */
void vs_tlb_decode_intel_18(const struct vs_cpuid_regs *sub, size_t n,
			    struct vs_tlbinfo *out);

/* Intel leaf 2: the TLB descriptors. Returns true when a descriptor 0xff
 * says to read leaf 0x18 instead. */
bool vs_tlb_decode_intel_2(const struct vs_cpuid_regs *l2,
			   struct vs_tlbinfo *out);

/* Identify the CPU and decode its TLBs as its vendor describes them.
 * -ENOTSUP for a vendor without a decoder (the message names it). */
int vs_tlb_read(const struct vs_cpuid *c, struct vs_tlbinfo *out,
		struct vs_err *e);

/* The translations the data TLBs of level @level hold for page size @pg
 * (unified TLBs count), or 0. */
unsigned vs_tlb_data_entries(const struct vs_tlbinfo *t, unsigned level,
			     unsigned pg);

/* The highest level with a data (or unified) TLB. */
unsigned vs_tlb_data_levels(const struct vs_tlbinfo *t);

/* ---- the hypervisor ---------------------------------------------------- */

/* What cpuid says of a hypervisor: the "hypervisor present" bit (leaf 1,
 * ECX bit 31) and the vendor signature of leaf 0x40000000 (EBX, ECX, EDX).
 * The cpuid of user space may show another layer than the kernel's: a
 * paravirtual guest kernel (PVM) runs its user space on the outer
 * hypervisor's CPU. */
struct vs_hypervisor {
	bool present;		/* leaf 1 ECX bit 31 */
	bool has_leaf;		/* leaf 0x40000000 was read */
	uint32_t max_leaf;	/* its EAX */
	char signature[13];	/* "KVMKVMKVM", "Microsoft Hv", ... */
	const char *name;	/* "KVM", "Hyper-V", ...; NULL if unknown */
};

/* Fill @h from @c. Returns 0; the leaves a dump lacks leave fields unset. */
int vs_cpuid_hypervisor(const struct vs_cpuid *c, struct vs_hypervisor *h);

/* The name of a leaf 0x40000000 signature, or NULL when unknown. */
const char *vs_hypervisor_name(const char *signature);

/* Whether the first CPU of /proc/cpuinfo has "flags" @flag: 1 or 0, or a
 * negative errno (-ENOENT: no flags line). */
int vs_cpuinfo_flag(const struct vs_root *r, const char *flag,
		    struct vs_err *e);

/* /proc/cpuinfo's "TLB size" for the first CPU ("2560 4K pages" is 2560),
 * -ENOENT when the kernel does not print it. */
int vs_cpuinfo_tlb_size(const struct vs_root *r, uint64_t *pages,
			struct vs_err *e);

#endif
