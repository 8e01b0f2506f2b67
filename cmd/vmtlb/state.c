/* state.c - vmtlb's view of each CPU's TLB state, from vmscope.ko: the
 * address space the CPU has loaded and who owns it, the PCID and ASID, lazy
 * TLB mode, and the tlb:tlb_flush events the module counts per CPU and
 * reason while it is loaded (since it was loaded, or over the interval of
 * -d and --watch).
 *
 * The module is the only source of these figures: without it the JSON
 * member "cpu_state" is null and the text says nothing (the note on
 * stderr says what loading it adds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmtlb.h"
#include "vs_source.h"

/* The module's reasons (VS_TLB_*), keyed as the trace's (measure.c) so
 * that the two counts of one event compare by name. */
static const char *const reason_key[VS_KMOD_TLB_REASONS] = {
	[VS_TLB_TASK_SWITCH] = "task_switch",
	[VS_TLB_REMOTE_SHOOTDOWN] = "remote_shootdown",
	[VS_TLB_LOCAL_SHOOTDOWN] = "local_shootdown",
	[VS_TLB_LOCAL_MM_SHOOTDOWN] = "local_mm_shootdown",
	[VS_TLB_REMOTE_SEND_IPI] = "remote_ipi_send",
	[VS_TLB_OTHER] = "other",
};
static const char *const reason_col[VS_KMOD_TLB_REASONS] = {
	"TASK_SWITCH", "REMOTE", "LOCAL", "LOCAL_MM", "SEND_IPI", "OTHER",
};

enum {
	SC_CPU, SC_ONLINE, SC_STATE, SC_PID, SC_TGID, SC_COMM, SC_MM,
	SC_OWNER, SC_LAZY, SC_KERNEL_MM, SC_MM_LOADED, SC_PCID, SC_ASID,
	SC_CR3, SC_MM_TLB_GEN, SC_FLUSHES, SC_FULL, SC_PAGES,
	SC__REASONS,		/* one column per reason from here */
	SC__COUNT = SC__REASONS + VS_KMOD_TLB_REASONS
};

static struct vs_col cols[SC__COUNT] = {
	[SC_CPU] = { "CPU", "cpu", VS_COL_NUM, 0, VS_COLF_RIGHT, "CPU" },
	[SC_ONLINE] = { "ONLINE", "online", VS_COL_BOOL, 0, 0,
		"online: the state below was read on it" },
	[SC_STATE] = { "STATE", "state", VS_COL_STR, 0, 0,
		"what it runs: user (a task with its own mm), kthread, idle" },
	[SC_PID] = { "PID", "task_pid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"the running thread (null when idle)" },
	[SC_TGID] = { "TGID", "task_tgid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"its process" },
	[SC_COMM] = { "COMM", "comm", VS_COL_STR, 0, VS_COLF_TRUNC,
		"its name" },
	[SC_MM] = { "MM", "mm_id", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"context id of the address space loaded (1: the kernel's "
		"init_mm; never reused)" },
	[SC_OWNER] = { "OWNER", "owner_pid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"the process that owns that address space (mm->owner)" },
	[SC_LAZY] = { "LAZY", "lazy", VS_COL_BOOL, 0, 0,
		"lazy TLB mode: a task without an mm of its own runs on "
		"another's page tables" },
	[SC_KERNEL_MM] = { "KERNEL_MM", "kernel_mm", VS_COL_BOOL, 0, 0,
		"the loaded address space is the kernel's (init_mm)" },
	[SC_MM_LOADED] = { "MM_LOADED", "mm_loaded", VS_COL_BOOL, 0, 0,
		"CR3 holds that address space's page tables" },
	[SC_PCID] = { "PCID", "pcid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"process-context id in CR3 (null: PCIDs are off)" },
	[SC_ASID] = { "ASID", "asid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"the kernel's dynamic ASID slot: PCID - 1" },
	[SC_CR3] = { "CR3", "cr3", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw CR3 (hex in text)" },
	[SC_MM_TLB_GEN] = { "MM_TLB_GEN", "mm_tlb_gen", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "flush generation of the loaded address space" },
	[SC_FLUSHES] = { "FLUSHES", "flushes", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"tlb:tlb_flush events on the CPU, all reasons" },
	[SC_FULL] = { "FULL", "full_flushes", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"of them, flushes of the whole TLB" },
	[SC_PAGES] = { "PAGES", "flushed_pages", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"pages the others flushed one by one" },
};

static void init_reason_cols(void)
{
	for (int r = 0; r < VS_KMOD_TLB_REASONS; r++)
		cols[SC__REASONS + r] = (struct vs_col){ reason_col[r],
			reason_key[r], VS_COL_NUM, 0, VS_COLF_RIGHT,
			"tlb:tlb_flush events of this reason" };
}

struct vs_km_tlb *state_read(const struct opts *o)
{
	struct vs_km_tlb *t = NULL;
	struct vs_err e;

	if (!o->km->k)
		return NULL;
	if (vs_kmod_tlb(o->km->k, &t, &e) < 0) {
		cmd_kmod_failed(o->km, &e);
		return NULL;
	}
	o->km->used = true;
	return t;
}

/* Flush counts of @c since @was (the same CPU earlier), or since load. */
static void counts(const struct vs_km_tlb_cpu *c, const struct vs_km_tlb_cpu *was,
		   uint64_t *n, uint64_t *all, uint64_t *pages)
{
	for (int r = 0; r < VS_KMOD_TLB_REASONS; r++) {
		n[r] = c->flushes[r] - (was ? was->flushes[r] : 0);
		all[r] = c->flush_all[r] - (was ? was->flush_all[r] : 0);
		pages[r] = c->flush_pages[r] - (was ? was->flush_pages[r] : 0);
	}
}

static const char *cpu_state(const struct vs_km_tlb_cpu *c)
{
	if (c->idle)
		return "idle";
	if (c->kthread)
		return "kthread";
	return "user";
}

void state_show(const struct opts *o, const struct vs_km_tlb *now,
		const struct vs_km_tlb *before, double secs)
{
	static const int text_sel[] = {
		SC_CPU, SC_STATE, SC_PID, SC_COMM, SC_MM, SC_OWNER, SC_LAZY,
		SC_PCID, SC_ASID, SC_FLUSHES, SC__REASONS + 0,
		SC__REASONS + 1, SC__REASONS + 2, SC__REASONS + 3,
		SC__REASONS + 4,
	};
	int json_sel[SC__COUNT];
	struct vs_out *out = o->out;
	bool json = out->fmt == VS_OUT_JSON;
	struct vs_table *t;
	struct vs_err e;

	if (!now) {
		if (json)
			vs_json_null(&out->json, "cpu_state");
		return;
	}
	init_reason_cols();
	for (int c = 0; c < SC__COUNT; c++)
		json_sel[c] = c;
	if (json) {
		vs_json_obj_begin(&out->json, "cpu_state");
		vs_json_str(&out->json, "source", VS_KMOD_SOURCE);
		vs_json_bool(&out->json, "counting", now->counting);
		vs_json_double(&out->json, "counting_since",
			       (double)now->since_ns / 1e9, 3);
		if (before)
			vs_json_double(&out->json, "interval", secs, 3);
		else
			vs_json_null(&out->json, "interval");
	} else {
		fprintf(out->f, "\nTLB state per CPU (vmscope.ko); tlb_flush "
			"events %s", !now->counting ? "not counted (the module "
			"found no tlb:tlb_flush tracepoint)" : "");
		if (now->counting && before)
			fprintf(out->f, "over %.2f s", secs);
		else if (now->counting)
			fprintf(out->f, "since the module was loaded (%.0f s "
				"after boot)", (double)now->since_ns / 1e9);
		fputc('\n', out->f);
	}
	if (vs_table_new(out, "cpus", cols, SC__COUNT, json ? json_sel :
			 text_sel, json ? SC__COUNT : sizeof(text_sel) /
			 sizeof(*text_sel), &t, &e) < 0) {
		cmd_warn_err(&e);
		if (json)
			vs_json_obj_end(&out->json);
		return;
	}
	for (size_t i = 0; i < now->ncpus; i++) {
		const struct vs_km_tlb_cpu *c = &now->cpus[i], *was = NULL;
		uint64_t n[VS_KMOD_TLB_REASONS], all[VS_KMOD_TLB_REASONS];
		uint64_t pages[VS_KMOD_TLB_REASONS], sum = 0, fsum = 0, psum = 0;

		for (size_t k = 0; before && k < before->ncpus; k++)
			if (before->cpus[k].cpu == c->cpu)
				was = &before->cpus[k];
		vs_table_row(t);
		vs_table_u64(t, SC_CPU, (uint64_t)c->cpu);
		vs_table_bool(t, SC_ONLINE, c->online);
		if (c->online) {
			vs_table_str(t, SC_STATE, cpu_state(c));
			if (c->idle) {
				vs_table_null(t, SC_PID);
				vs_table_null(t, SC_TGID);
			} else {
				vs_table_u64(t, SC_PID, (uint64_t)c->task_pid);
				vs_table_u64(t, SC_TGID, (uint64_t)c->task_tgid);
			}
			vs_table_str(t, SC_COMM, c->comm);
			vs_table_u64(t, SC_MM, c->mm_id);
			if (c->owner_known && c->owner_tgid > 0)
				vs_table_u64(t, SC_OWNER, (uint64_t)c->owner_tgid);
			else
				vs_table_null(t, SC_OWNER);
			vs_table_bool(t, SC_LAZY, c->lazy);
			vs_table_bool(t, SC_KERNEL_MM, c->kernel_mm);
			vs_table_bool(t, SC_MM_LOADED, c->mm_loaded);
			if (c->pcid_on) {
				vs_table_u64(t, SC_PCID, c->pcid);
				vs_table_u64(t, SC_ASID, c->asid);
			} else {
				vs_table_null(t, SC_PCID);
				vs_table_null(t, SC_ASID);
			}
			/* Hidden unless asked for (vmscope(4)). */
			if (c->cr3_known)
				vs_table_u64(t, SC_CR3, c->cr3);
			else
				vs_table_null(t, SC_CR3);
			vs_table_u64(t, SC_MM_TLB_GEN, c->mm_tlb_gen);
		} else {
			for (int col = SC_STATE; col <= SC_MM_TLB_GEN; col++)
				vs_table_null(t, col);
		}
		if (!now->counting) {
			for (int col = SC_FLUSHES; col < SC__COUNT; col++)
				vs_table_null(t, col);
			continue;
		}
		counts(c, was, n, all, pages);
		for (int r = 0; r < VS_KMOD_TLB_REASONS; r++) {
			vs_table_u64(t, SC__REASONS + r, n[r]);
			sum += n[r];
			fsum += all[r];
			psum += pages[r];
		}
		vs_table_u64(t, SC_FLUSHES, sum);
		vs_table_u64(t, SC_FULL, fsum);
		vs_table_u64(t, SC_PAGES, psum);
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
	if (json)
		vs_json_obj_end(&out->json);
}
