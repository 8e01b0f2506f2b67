#!/usr/bin/python3
"""compare_footer.py PMAP VMMAP - compare pmap -X/-XX output with vmmap's.

Every line must be identical except the last two of each process (the
footer). There, for each column: where vmmap prints a sum it must equal
pmap's, and vmmap may leave blank only the sums that mean nothing
(KernelPageSize, MMUPageSize, THPeligible, ProtectionKey). Exit 0 when the
outputs agree so, 1 with a reason otherwise.
"""
import re
import sys

NON_ADDITIVE = {"KernelPageSize", "MMUPageSize", "THPeligible", "ProtectionKey"}


def sections(lines):
    """Split output into per-process sections at the "PID:   cmd" lines."""
    out, cur = [], None
    for line in lines:
        if re.match(r"^\d+:   ", line):
            cur = [line]
            out.append(cur)
        elif cur is not None:
            cur.append(line)
    return out


def columns(header):
    """(name, start, end) of each right-aligned header field."""
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", header)]


def main():
    pm = open(sys.argv[1]).read().splitlines()
    vm = open(sys.argv[2]).read().splitlines()
    ps, vs = sections(pm), sections(vm)
    if len(ps) != len(vs):
        print(f"{len(ps)} processes in pmap, {len(vs)} in vmmap")
        return 1
    for p, v in zip(ps, vs):
        has_footer = len(p) >= 3 and p[-1].rstrip().endswith("KB")
        body_p = p[:-2] if has_footer else p
        body_v = v[:-2] if has_footer else v
        if body_p != body_v:
            for i, (a, b) in enumerate(zip(body_p, body_v)):
                if a != b:
                    print(f"line {i + 1} differs:\n  pmap:  {a!r}\n  vmmap: {b!r}")
                    break
            else:
                print(f"pmap has {len(body_p)} lines, vmmap {len(body_v)}")
            return 1
        if not has_footer:
            continue
        header = p[1]
        for name, start, end in columns(header):
            want = p[-1][start:end].strip()
            got = v[-1][start:end].strip()
            eq_p = p[-2][start:end].strip()
            eq_v = v[-2][start:end].strip()
            if name in NON_ADDITIVE:
                if got or eq_v:
                    print(f"{name}: vmmap sums a non-additive field: {got!r}")
                    return 1
            elif want != got or eq_p != eq_v:
                print(f"{name}: pmap total {want!r}, vmmap {got!r}")
                return 1
        if not v[-1].rstrip().endswith("KB"):
            print("vmmap footer does not end in KB")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
