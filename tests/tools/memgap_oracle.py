#!/usr/bin/env python3
"""The check of MemFree against the zones, again, from the files' text.

memgap_oracle.py ROOT JSON KEY [--live]

Reads ROOT/proc/{meminfo,zoneinfo,vmstat,buddyinfo} (ROOT "/" for the live
system) and ROOT/sys/bus/virtio/drivers/virtio_balloon, computes the sums,
the gap and the threshold of vs_memgap.h (5% of MemTotal, at least 64 MiB),
and compares them with the object KEY ("memory_gap") found in the JSON
document JSON (a file; its one top-level key holds the sample). A captured
tree is compared exactly. --live: the files were read a moment after the
tool, so free and managed pages may have moved: they are compared within
1% of MemTotal, and the flag is judged only when the gap is not within 10%
of the threshold. Exits 1 with a message on a difference.
"""
import json
import os
import re
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def read(root, rel):
    with open(os.path.join(root, rel.lstrip("/"))) as f:
        return f.read()


def oracle(root):
    mem = {}
    for line in read(root, "/proc/meminfo").splitlines():
        name, rest = line.split(":", 1)
        parts = rest.split()
        mem[name] = int(parts[0]) * (1024 if len(parts) > 1 else 1)
    zi = read(root, "/proc/zoneinfo")
    o = {
        "mem_total": mem["MemTotal"],
        "mem_free": mem["MemFree"],
        "balloon": mem.get("Balloon"),
        "zones_free": PAGE * sum(int(x) for x in re.findall(r"^\s+pages free\s+(\d+)$", zi, re.M)),
        "zones_managed": PAGE * sum(int(x) for x in re.findall(r"^\s+managed\s+(\d+)$", zi, re.M)),
        "zones_present": PAGE * sum(int(x) for x in re.findall(r"^\s+present\s+(\d+)$", zi, re.M)),
    }
    vm = dict(l.split() for l in read(root, "/proc/vmstat").splitlines())
    o["vmstat_free"] = int(vm["nr_free_pages"]) * PAGE if "nr_free_pages" in vm else None
    buddy = 0
    for line in read(root, "/proc/buddyinfo").splitlines():
        counts = line.split()[4:]
        buddy += sum(int(c) << i for i, c in enumerate(counts)) * PAGE
    o["buddy_free"] = buddy
    o["free_gap"] = o["mem_free"] - o["zones_free"]
    o["total_gap"] = o["mem_total"] - o["zones_managed"]
    o["threshold"] = max(o["mem_total"] // 100 * 5, 64 << 20)
    spread = max(v for v in (o["zones_free"], o["vmstat_free"], buddy) if v is not None) - \
        min(v for v in (o["zones_free"], o["vmstat_free"], buddy) if v is not None)
    o["flagged"] = abs(o["free_gap"]) > o["threshold"] or spread > o["threshold"]
    d = os.path.join(root, "sys/bus/virtio/drivers/virtio_balloon")
    devs = sorted(x for x in os.listdir(d) if re.match(r"virtio\d", x)) if os.path.isdir(d) else []
    o["virtio_balloon"] = devs
    reasons = []
    if o["flagged"]:
        if o["total_gap"] > o["threshold"]:
            reasons.append("unmanaged")
            if o["free_gap"] > 0 and abs(o["total_gap"] - o["free_gap"]) <= o["threshold"]:
                reasons.append("same_as_gap")
        if o["balloon"]:
            reasons.append("balloon")
        if devs:
            reasons.append("virtio_balloon")
        if spread > o["threshold"]:
            reasons.append("zones_disagree")
    o["reasons"] = reasons
    return o


def main():
    root, path, key = sys.argv[1:4]
    live = "--live" in sys.argv[4:]
    doc = json.load(open(path))
    (g,) = [v[key] for v in doc.values()]
    o = oracle(root)
    bad = []
    tol = o["mem_total"] // 100 if live else 0

    def same(k, tolerance=0):
        if o[k] is None or g[k] is None:
            if o[k] != g[k]:
                bad.append(f"{k}: tool {g[k]}, files {o[k]}")
        elif abs(g[k] - o[k]) > tolerance:
            bad.append(f"{k}: tool {g[k]}, files {o[k]}")

    for k in ("mem_total", "zones_present", "threshold", "balloon"):
        same(k, tol if k in ("mem_total", "threshold") else 0)
    for k in ("mem_free", "zones_free", "zones_managed", "vmstat_free", "buddy_free",
              "free_gap", "total_gap"):
        same(k, tol)
    if g["virtio_balloon"] is None:
        if o["virtio_balloon"]:
            bad.append(f"virtio_balloon: tool none, files {o['virtio_balloon']}")
    elif g["virtio_balloon"] not in o["virtio_balloon"]:
        bad.append(f"virtio_balloon: tool {g['virtio_balloon']}, files {o['virtio_balloon']}")
    edge = abs(abs(o["free_gap"]) - o["threshold"]) < o["threshold"] / 10
    if not (live and edge):
        if g["flagged"] != o["flagged"]:
            bad.append(f"flagged: tool {g['flagged']}, files {o['flagged']}")
        elif set(g["reasons"]) != set(o["reasons"]):
            bad.append(f"reasons: tool {g['reasons']}, files {o['reasons']}")
    if bad:
        print("memory_gap differs from the files:\n  " + "\n  ".join(bad), file=sys.stderr)
        sys.exit(1)
    print("flagged" if g["flagged"] else "not flagged")


if __name__ == "__main__":
    main()
