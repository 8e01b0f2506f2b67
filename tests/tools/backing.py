#!/usr/bin/python3
"""backing.py SMAPS JSON [--user] - vmmap -B -J output against smaps.

An independent reading of /proc/PID/smaps (proc(5)), sharing no code with
vmmap, checked against what vmmap -B found in pagemap, kpageflags and
kpagecount, mapping by mapping:

  present - zero - hugetlb = Rss          swapped = Swap
  hugetlb = Shared_Hugetlb + Private_Hugetlb
  thp = AnonHugePages in mappings without file pages (kpageflags' THP
        also marks large page-cache folios mapped by PTEs, which smaps does
        not count; and the fixtures use no multi-size anonymous THP)
  thp_huge * huge page size = AnonHugePages + FilePmdMapped + ShmemPmdMapped
  shared = Shared_Clean + Shared_Dirty    uss = Private_Clean + Private_Dirty
  floor(pss / 1024) = Pss (smaps rounds down to kB)
  ksm = KSM (where smaps has it)

With --user (no CAP_SYS_ADMIN) the figures that need PFNs must be null
wherever a page is present, and present = Rss except for zero pages and
hugetlb, which pagemap alone cannot tell apart: there present >= Rss.
Prints the first disagreement and exits 1, or exits 0."""
import json
import re
import sys

HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) ")
PFN_FIGURES = ["anon", "dirty", "thp", "thp_huge", "hugetlb", "ksm", "zero",
               "shared", "uss", "pss", "runs", "max_run"]


def parse_smaps(path):
    vmas = {}
    cur = None
    for line in open(path, errors="surrogateescape"):
        m = HEADER.match(line)
        if m:
            cur = {}
            vmas[int(m.group(1), 16)] = cur
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if value.endswith(" kB"):
            cur[key] = int(value[:-3]) * 1024
    return vmas


def check(smaps, doc, user, huge):
    proc = doc["vmmap"][0]
    rows = proc["backing"]
    if len(rows) != len(smaps):
        return f"{len(smaps)} mappings in smaps, {len(rows)} rows"
    for r in rows:
        s = smaps.get(r["start"])
        if s is None:
            return f"{r['start']:x}: not in smaps"
        where = f"{r['start']:x} ({r.get('name')})"
        g = lambda k: s.get(k, 0)
        if r["swapped"] != g("Swap"):
            return f"{where}: swapped {r['swapped']} != Swap {g('Swap')}"
        if user:
            if r["present"] > 0:
                for k in PFN_FIGURES:
                    if r.get(k) is not None:
                        return f"{where}: {k} shown without PFNs"
            if r["present"] < g("Rss"):
                return f"{where}: present {r['present']} < Rss"
            continue
        hugetlb = g("Shared_Hugetlb") + g("Private_Hugetlb")
        want = {
            "rss": g("Rss"),
            "hugetlb": hugetlb,
            "shared": g("Shared_Clean") + g("Shared_Dirty"),
            "uss": g("Private_Clean") + g("Private_Dirty"),
        }
        pmd = g("AnonHugePages") + g("FilePmdMapped") + g("ShmemPmdMapped")
        got = {
            "rss": r["present"] - r["zero"] - r["hugetlb"],
            "hugetlb": r["hugetlb"],
            "shared": r["shared"],
            "uss": r["uss"],
        }
        if r["file"] == 0:
            want["thp"], got["thp"] = g("AnonHugePages"), r["thp"]
        for k in want:
            if want[k] != got[k]:
                return f"{where}: {k} {got[k]} != smaps {want[k]}"
        if r["thp_huge"] * huge != pmd:
            return f"{where}: thp_huge {r['thp_huge']} != {pmd}/{huge}"
        if r["pss"] // 1024 * 1024 != g("Pss"):
            return f"{where}: pss {r['pss']} != smaps Pss {g('Pss')}"
        if "KSM" in s and r["ksm"] != g("KSM"):
            return f"{where}: ksm {r['ksm']} != KSM {g('KSM')}"
    tot = proc["totals"]
    for k in ["present", "swapped", "file", "exclusive"]:
        if tot[k] != sum(r[k] for r in rows):
            return f"total {k} is not the sum of the rows"
    return None


def main():
    user = "--user" in sys.argv
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    huge = int(args[2]) if len(args) > 2 else 2 << 20
    err = check(parse_smaps(args[0]), json.load(open(args[1])), user, huge)
    if err:
        print(err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
