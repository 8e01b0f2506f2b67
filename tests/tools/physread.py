#!/usr/bin/python3
"""physread.py PID START END - an independent reading of what backs the
pages [START, END) (hex) of process PID, written from the kernel's
Documentation/admin-guide/mm/pagemap.rst and sharing no code with vmscope.
One JSON object per page, a line each:
  {"address", "present", "swapped", "file", "exclusive", "soft_dirty",
   "pfn", "flags", "count"}
pfn is null when not present or hidden (PFN 0); flags and count are null
when /proc/kpageflags or /proc/kpagecount cannot be read (not root)."""
import json
import os
import struct
import sys


def u64s(path, index, n):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.pread(fd, 8 * n, 8 * index)
    finally:
        os.close(fd)
    return list(struct.unpack(f"<{len(data) // 8}Q", data))


def main():
    pid, start, end = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
    ps = os.sysconf("SC_PAGE_SIZE")
    ents = u64s(f"/proc/{pid}/pagemap", start // ps, (end - start) // ps)
    for i, e in enumerate(ents):
        present = bool(e >> 63 & 1)
        pfn = e & ((1 << 55) - 1) if present else 0
        flags = count = None
        if pfn:
            f = u64s("/proc/kpageflags", pfn, 1)
            c = u64s("/proc/kpagecount", pfn, 1)
            flags = f[0] if f else None
            count = c[0] if c else None
        print(json.dumps({
            "address": start + i * ps, "present": present,
            "swapped": bool(e >> 62 & 1), "file": bool(e >> 61 & 1),
            "exclusive": bool(e >> 56 & 1), "soft_dirty": bool(e >> 55 & 1),
            "pfn": pfn or None, "flags": flags, "count": count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
