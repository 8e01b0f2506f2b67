/* ipi.c - why remote TLB flushes may raise no TLB interrupt here.
 *
 * /proc/interrupts' TLB row counts the shootdown IPIs a CPU received.
 * A remote flush needs none when a hypervisor flushes the other vCPUs
 * for its guest (a paravirtual flush by hypercall: PVM for every flush,
 * KVM and Hyper-V for preempted vCPUs), when the CPU broadcasts the
 * invalidation itself (AMD's INVLPGB, which newer kernels use: the
 * cpuinfo flag "invlpgb"), or when there is no other CPU online. vmtlb
 * names the causes it finds, so that a zero is not read as "nothing was
 * flushed"; the tracepoint's flush requests still count the flushes.
 */
#include <stdio.h>
#include <string.h>

#include "vmtlb.h"

void ipi_causes_read(struct vs_root *root, unsigned ncpus,
		     struct ipi_causes *out)
{
	struct vs_hypervisor h = { 0 };
	struct vs_cpuid c;
	bool flag;

	memset(out, 0, sizeof(*out));
	flag = vs_cpuinfo_flag(root, "hypervisor", NULL) == 1;
	if (vs_cpuid_open(root, &c, NULL) == 0) {
		vs_cpuid_hypervisor(&c, &h);
		vs_cpuid_close(&c);
	}
	if (flag || h.present) {
		struct ipi_cause *x = &out->c[out->n++];

		x->cause = "hypervisor";
		x->hypervisor = h.name;
		if (h.has_leaf)
			snprintf(x->signature, sizeof(x->signature), "%s",
				 h.signature);
		if (h.has_leaf)
			snprintf(x->detail, sizeof(x->detail), "a guest of a "
				 "hypervisor (%s; cpuid 0x40000000 in user "
				 "space: '%s', %s), which may flush other "
				 "vCPUs' TLBs for it by hypercall", flag ?
				 "cpuinfo flag 'hypervisor'" : "cpuid leaf 1",
				 h.signature, h.name ? h.name : "unknown");
		else
			snprintf(x->detail, sizeof(x->detail), "a guest of a "
				 "hypervisor (%s), which may flush other "
				 "vCPUs' TLBs for it by hypercall", flag ?
				 "cpuinfo flag 'hypervisor'" : "cpuid leaf 1");
	}
	if (vs_cpuinfo_flag(root, "invlpgb", NULL) == 1) {
		struct ipi_cause *x = &out->c[out->n++];

		x->cause = "invlpgb";
		snprintf(x->detail, sizeof(x->detail), "the CPU broadcasts "
			 "invalidations (cpuinfo flag 'invlpgb'): the kernel "
			 "flushes other CPUs without IPIs");
	}
	if (ncpus == 1) {
		struct ipi_cause *x = &out->c[out->n++];

		x->cause = "one_cpu";
		snprintf(x->detail, sizeof(x->detail), "one online CPU: "
			 "there is no other CPU to shoot down");
	}
}

void ipi_causes_show(const struct opts *o, const struct ipi_causes *c,
		     uint64_t interrupts, bool traced, uint64_t requests)
{
	struct vs_out *out = o->out;

	if (out->fmt == VS_OUT_JSON) {
		struct vs_json *j = &out->json;

		if (traced)
			vs_json_u64(j, "traced_requests", requests);
		else
			vs_json_null(j, "traced_requests");
		vs_json_arr_begin(j, "without_ipis");
		for (unsigned i = 0; i < c->n; i++) {
			const struct ipi_cause *x = &c->c[i];

			vs_json_obj_begin(j, NULL);
			vs_json_str(j, "cause", x->cause);
			if (x->hypervisor)
				vs_json_str(j, "hypervisor", x->hypervisor);
			else
				vs_json_null(j, "hypervisor");
			if (x->signature[0])
				vs_json_str(j, "signature", x->signature);
			else
				vs_json_null(j, "signature");
			vs_json_str(j, "detail", x->detail);
			vs_json_obj_end(j);
		}
		vs_json_arr_end(j);
		return;
	}
	for (unsigned i = 0; i < c->n; i++)
		fprintf(out->f, "%s %s\n", i ? "  and" : "remote flushes may "
			"raise no TLB interrupt here:", c->c[i].detail);
	if (!traced)
		return;
	fprintf(out->f, "the tracepoint saw %llu remote flush requests "
		"(reason 'remote IPI send')", (unsigned long long)requests);
	if (requests && !interrupts)
		fprintf(out->f, ", and no TLB interrupt came: %s\n", c->n ?
			"the flushes went without IPIs" : "for no reason vmtlb "
			"knows");
	else
		fputc('\n', out->f);
}
