#!/usr/bin/python3
"""pagetypes.py PAGE_TYPES_OUTPUT VMPHYS_JSON - the summary of page-types
(the kernel's tools/vm/page-types) against vmphys --summary -J: the same
flag combinations with the same page counts. Prints the first difference
and exits 1, or exits 0. With --tolerance=N each count may differ by N
pages (for all of physical memory, which changes between two reads).
With --mask=HEX those flag bits are cleared on both sides before counting:
the LRU bits (referenced, lru, active, idle) of pages that other processes
share can change between the two reads even when the process is stopped."""
import json
import re
import sys

LINE = re.compile(r"^0x([0-9a-f]{16})\s+(\d+)\s+\d+\s")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tol = mask = 0
    for a in sys.argv[1:]:
        if a.startswith("--tolerance="):
            tol = int(a.split("=", 1)[1])
        if a.startswith("--mask="):
            mask = int(a.split("=", 1)[1], 16)
    pt = {}
    total = None
    for line in open(args[0]):
        m = LINE.match(line)
        if m:
            f = int(m.group(1), 16) & ~mask
            pt[f] = pt.get(f, 0) + int(m.group(2))
        elif line.strip().startswith("total"):
            total = int(line.split()[1])
    doc = json.load(open(args[1]))["vmphys"]
    vp = {}
    for r in doc["summary"]:
        if r["kpageflags"] is not None:
            f = r["kpageflags"] & ~mask
            vp[f] = vp.get(f, 0) + r["pages"]
    if tol == 0 and set(pt) != set(vp):
        print(f"flags only in page-types: {sorted(hex(f) for f in set(pt) - set(vp))}; "
              f"only in vmphys: {sorted(hex(f) for f in set(vp) - set(pt))}")
        return 1
    for f in set(pt) | set(vp):
        a, b = pt.get(f, 0), vp.get(f, 0)
        if abs(a - b) > tol:
            print(f"flags {f:#x}: page-types {a} pages, vmphys {b}")
            return 1
    if total is not None and abs(total - doc["totals"]["pages"]) > tol * 4:
        print(f"total: page-types {total}, vmphys {doc['totals']['pages']}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
