#!/usr/bin/python3
"""tlb_check.py CHECK ... - hold vmtlb's JSON against independent readings.

  interrupts BEFORE AFTER JSON   /proc/interrupts copies read before and
                                 after vmtlb -J -d: per CPU, the tracepoint's
                                 remote shootdowns <= vmtlb's interrupt delta
                                 <= the delta of the two copies, and vmtlb's
                                 counts lie between the copies.
  boot BEFORE AFTER JSON         vmtlb -J (no -d): per CPU count between the
                                 two copies.
  storm JSON PID                 the shootdown fixture PID asked for remote
                                 flushes and its events add up per reason,
                                 CPU and process.
  storm-irqs BEFORE AFTER JSON CPUINFO DUMP
                                 the storm's requests came as TLB interrupts;
                                 exit 3 (skip, with the reason) when they did
                                 not and the machine has a cause to flush
                                 without them.
  causes JSON CPUINFO INTERRUPTS DUMP
                                 vmtlb's without_ipis are the causes read
                                 independently: cpuinfo's flags hypervisor
                                 and invlpgb, the CPUs of /proc/interrupts,
                                 the cpuid dump's leaf 0x40000000 signature.
  smaps JSON PID                 the process table and the page-size rows
                                 equal sums over /proc/PID/smaps, and the
                                 reach follows from the cpu's TLBs.
  geometry JSON CPUINFO          L2 4K data + instruction entries = the
                                 kernel's "TLB size" (AMD), reach = entries x
                                 page size.
"""
import json
import sys


class Fail(Exception):
    pass


def tlb_row(path):
    with open(path) as f:
        lines = f.read().splitlines()
    cpus = [int(t[3:]) for t in lines[0].split()]
    for line in lines[1:]:
        t = line.split()
        if t and t[0] == "TLB:":
            return dict(zip(cpus, (int(x) for x in t[1:1 + len(cpus)])))
    raise Fail("no TLB row")


def load(path):
    with open(path) as f:
        return json.load(f)["vmtlb"]


def check_interrupts(before, after, doc):
    a, b = tlb_row(before), tlb_row(after)
    d = load(doc)
    sd = d["shootdowns"]
    for c in sd["cpus"]:
        cpu = c["cpu"]
        if not a[cpu] <= c["count"] <= b[cpu]:
            raise Fail(f"cpu {cpu}: count {c['count']} not within {a[cpu]}..{b[cpu]}")
        if c["delta"] > b[cpu] - a[cpu]:
            raise Fail(f"cpu {cpu}: delta {c['delta']} > {b[cpu] - a[cpu]}")
        if c["traced_remote"] is not None and c["traced_remote"] > c["delta"]:
            raise Fail(f"cpu {cpu}: {c['traced_remote']} remote shootdowns traced, "
                       f"{c['delta']} TLB interrupts")
    if sd["delta"] != sum(c["delta"] for c in sd["cpus"]):
        raise Fail("total delta is not the sum of the CPUs'")
    print(f"cpus {[(c['cpu'], c['delta'], c['traced_remote']) for c in sd['cpus']]}")


def check_boot(before, after, doc):
    a, b = tlb_row(before), tlb_row(after)
    sd = load(doc)["shootdowns"]
    for c in sd["cpus"]:
        if not a[c["cpu"]] <= c["count"] <= b[c["cpu"]]:
            raise Fail(f"cpu {c['cpu']}: {c['count']} not within {a[c['cpu']]}..{b[c['cpu']]}")
    if sd["count"] != sum(c["count"] for c in sd["cpus"]):
        raise Fail("total is not the sum")


def check_storm(doc, pid):
    d = load(doc)
    tf = d["tlb_flush"]
    if tf is None:
        raise Fail(f"not traced: {d.get('tlb_flush_error')}")
    reasons = {r["code"]: r["events"] for r in tf["reasons"] if r["code"] is not None}
    keys = ["task_switch", "remote_shootdown", "local_shootdown",
            "local_mm_shootdown", "remote_ipi_send", "remote_wrong_cpu"]
    for code, key in enumerate(keys):
        per_cpu = sum(c[key] for c in tf["cpus"])
        if reasons.get(code, 0) != per_cpu:
            raise Fail(f"{key}: {reasons.get(code)} events, CPUs add up to {per_cpu}")
    procs = {p["pid"]: p for p in tf["processes"]}
    if pid not in procs:
        raise Fail(f"the fixture {pid} is not among {list(procs)}")
    p = procs[pid]
    if p["remote_ipi_send"] < 100:
        raise Fail(f"the fixture sent {p['remote_ipi_send']} shootdown IPIs")
    if p["events"] != sum(p[k] for k in keys + ["reason_6", "other"]):
        raise Fail("a process's events are not the sum of its reasons")
    if tf["lost"] not in (0, None):
        print(f"note: {tf['lost']} events lost")
    print(f"fixture: {p['remote_ipi_send']} IPIs sent; remote shootdowns {reasons.get(1)}")


class Skip(Exception):
    pass


def check_storm_irqs(before, after, doc, cpuinfo, dump):
    """The storm's flush requests arrived as TLB interrupts, unless the
    machine, read independently, has a reason to flush without them."""
    a, b = tlb_row(before), tlb_row(after)
    total = sum(b[c] - a[c] for c in b)
    req = load(doc)["shootdowns"]["traced_requests"]
    if total >= 100:
        print(f"{total} TLB interrupts, {req} traced flush requests")
        return
    why = [x[2] for x in independent_causes(cpuinfo, after, dump)]
    if why:
        raise Skip(f"{total} TLB interrupts for {req} traced flush requests: "
                   f"this machine flushes without IPIs ({'; '.join(why)})")
    raise Fail(f"only {total} TLB interrupts during the storm, and no known reason")


# Signatures of cpuid leaf 0x40000000, from the hypervisors' documents.
HYPERVISORS = {"KVMKVMKVM": "KVM", "Microsoft Hv": "Hyper-V",
               "VMwareVMware": "VMware", "XenVMMXenVMM": "Xen",
               "TCGTCGTCGTCG": "QEMU TCG", "bhyve bhyve ": "bhyve",
               "VBoxVBoxVBox": "VirtualBox", "ACRNACRNACRN": "ACRN"}


def cpuinfo_flags(path):
    with open(path) as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def independent_causes(cpuinfo, interrupts, dump):
    """(cause, signature, reason) from /proc/cpuinfo's flags, the CPUs of
    /proc/interrupts and a cpuid dump (cpuid_dump's lines), sharing no
    code with vmtlb."""
    flags = cpuinfo_flags(cpuinfo)
    leaves = {}
    with open(dump) as f:
        for line in f:
            t = line.split()
            if len(t) == 6 and not line.startswith("#"):
                leaves[int(t[0], 16)] = [int(x, 16) for x in t[2:]]
    hvbit = 1 in leaves and leaves[1][2] >> 31 & 1
    sig = None
    if hvbit and 0x40000000 in leaves and any(leaves[0x40000000][1:]):
        sig = b"".join(r.to_bytes(4, "little") for r in leaves[0x40000000][1:])
        sig = sig.split(b"\0")[0].decode("ascii", "replace")
    out = []
    if "hypervisor" in flags or hvbit:
        out.append(("hypervisor", sig, f"a hypervisor's guest (signature {sig!r})"))
    if "invlpgb" in flags:
        out.append(("invlpgb", None, "INVLPGB broadcasts"))
    with open(interrupts) as f:
        ncpus = len(f.readline().split())
    if ncpus == 1:
        out.append(("one_cpu", None, "one online CPU"))
    return out


def check_causes(doc, cpuinfo, interrupts, dump):
    sd = load(doc)["shootdowns"]
    got = [(c["cause"], c["signature"]) for c in sd["without_ipis"]]
    want = [x[:2] for x in independent_causes(cpuinfo, interrupts, dump)]
    if got != want:
        raise Fail(f"vmtlb names {got}, the machine read independently {want}")
    for c in sd["without_ipis"]:
        if c["signature"] in HYPERVISORS and c["hypervisor"] != HYPERVISORS[c["signature"]]:
            raise Fail(f"{c['signature']!r} named {c['hypervisor']}")
    print(f"causes {got}")


def smaps(pid):
    rows, cur = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            t = line.split()
            if "-" in t[0] and ":" not in t[0]:
                cur = {}
                rows.append(cur)
            elif t[0].endswith(":") and len(t) >= 2 and t[1].isdigit():
                cur[t[0][:-1]] = int(t[1]) * (1024 if t[-1] == "kB" else 1)
    return rows


def check_smaps(doc, pid):
    d = load(doc)
    rows = smaps(pid)
    p = [x for x in d["processes"] if x["pid"] == pid][0]
    rss = sum(r.get("Rss", 0) for r in rows)
    huge = sum(r.get("Shared_Hugetlb", 0) + r.get("Private_Hugetlb", 0) for r in rows)
    pmd = sum(r.get("AnonHugePages", 0) + r.get("ShmemPmdMapped", 0) + r.get("FilePmdMapped", 0) for r in rows)
    elig = sum(r.get("Anonymous", 0) for r in rows if r.get("THPeligible") == 1)
    elig_huge = sum(r.get("AnonHugePages", 0) for r in rows if r.get("THPeligible") == 1)
    want = {"rss": rss, "hugetlb": huge, "pmd_mapped": pmd,
            "thp_eligible_anon": elig, "thp_backed_anon": elig_huge,
            "thp_unbacked_anon": elig - elig_huge,
            "translations_4k": (rss - pmd) // 4096, "translations_2m": pmd // (2 << 20)}
    for k, v in want.items():
        if p[k] != v:
            raise Fail(f"{k}: vmtlb {p[k]}, smaps {v}")
    sizes = [x for x in d["pagesizes"] if x["pid"] == pid]
    if sum(x["rss"] for x in sizes) != rss or sum(x["mappings"] for x in sizes) != len(rows):
        raise Fail("page-size rows do not add up to smaps")
    if d["cpu"]:
        lvl = d["cpu"]["data_reach"]["level"]
        e4k = sum(t["entries"] for t in d["cpu"]["tlbs"] if t["level"] == lvl
                  and t["type"] != "instruction" and "4K" in t["page_sizes"].split("/"))
        e2m = sum(t["entries"] for t in d["cpu"]["tlbs"] if t["level"] == lvl
                  and t["type"] != "instruction" and "2M" in t["page_sizes"].split("/"))
        reach = min(want["translations_4k"], e4k) * 4096 + min(want["translations_2m"], e2m) * (2 << 20)
        if p["dtlb_reach"] != reach:
            raise Fail(f"dtlb_reach {p['dtlb_reach']}, want {reach}")
    print(f"rss {rss}, pmd {pmd}, eligible {elig}, unbacked {elig - elig_huge}")


def check_geometry(doc, cpuinfo):
    c = load(doc)["cpu"]
    size = None
    with open(cpuinfo) as f:
        for line in f:
            if line.startswith("TLB size"):
                size = int(line.split(":")[1].split()[0])
                break
    if c["cpuinfo_tlb_size"] != size:
        raise Fail(f"cpuinfo_tlb_size {c['cpuinfo_tlb_size']}, /proc/cpuinfo {size}")
    if c["vendor"] in ("AuthenticAMD", "HygonGenuine") and size is not None:
        l2 = sum(t["entries"] for t in c["tlbs"] if t["level"] == 2 and t["page_sizes"] == "4K")
        if l2 != size:
            raise Fail(f"L2 4K entries {l2}, the kernel's TLB size {size}")
    page = {"4K": 4096, "2M": 2 << 20, "4M": 2 << 20, "1G": 1 << 30}
    for t in c["tlbs"]:
        smallest = t["page_sizes"].split("/")[0]
        if t["reach"] != t["entries"] * page[smallest]:
            raise Fail(f"reach of {t}")


def main():
    check, args = sys.argv[1], sys.argv[2:]
    {"interrupts": check_interrupts, "boot": check_boot,
     "storm": lambda d, p: check_storm(d, int(p)),
     "smaps": lambda d, p: check_smaps(d, int(p)),
     "geometry": check_geometry, "causes": check_causes,
     "storm-irqs": check_storm_irqs}[check](*args)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        print(e)
        sys.exit(1)
    except Skip as e:
        print(e)
        sys.exit(3)
