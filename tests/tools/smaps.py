#!/usr/bin/python3
"""smaps.py - an independent reading of /proc/PID/smaps for the tests.

  smaps.py totals FILE           sum of every kB field, in bytes, as JSON
  smaps.py check-json FILE JSON  vmmap -J output against the smaps FILE:
                                 every mapping's fields and the totals
Written from proc(5), sharing no code with vmmap."""
import json
import re
import sys

HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) "
                    r"([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$")
NOT_ADDITIVE = {"KernelPageSize", "MMUPageSize"}


def snake(key):
    known = {"THPeligible": "thp_eligible", "MMUPageSize": "mmu_page_size",
             "KSM": "ksm", "Rss": "rss", "Pss": "pss"}
    if key in known:
        return known[key]
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return out.replace("__", "_").lower()


def parse(path):
    vmas = []
    for line in open(path, errors="surrogateescape"):
        line = line.rstrip("\n")
        m = HEADER.match(line)
        if m:
            vmas.append({"start": int(m.group(1), 16), "end": int(m.group(2), 16),
                         "perms": m.group(3), "name": m.group(8), "fields": {}})
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if value.endswith(" kB"):
            vmas[-1]["fields"][key] = ("kB", int(value[:-3]))
        elif value.isdigit():
            vmas[-1]["fields"][key] = ("n", int(value))
        else:
            vmas[-1]["fields"][key] = ("text", value)
    return vmas


def totals(vmas):
    tot = {}
    for v in vmas:
        for k, (unit, val) in v["fields"].items():
            if unit == "kB" and k not in NOT_ADDITIVE:
                tot[k] = tot.get(k, 0) + val * 1024
    return tot


def check_json(smaps_path, json_path):
    vmas = parse(smaps_path)
    doc = json.load(open(json_path))
    procs = doc["vmmap"]
    if len(procs) != 1:
        return f"expected one process, got {len(procs)}"
    maps = procs[0]["mappings"]
    if len(maps) != len(vmas):
        return f"{len(vmas)} mappings in smaps, {len(maps)} in JSON"
    for v, j in zip(vmas, maps):
        if (v["start"], v["end"], v["perms"]) != (j["start"], j["end"], j["perms"]):
            return f"mapping {v['start']:x} differs: {j}"
        if (v["name"] or None) != j["name"]:
            return f"name {v['name']!r} != {j['name']!r}"
        for k, (unit, val) in v["fields"].items():
            key = snake(k)
            if k == "Size":
                want, key = val * 1024, "size"
            elif unit == "kB":
                want = val * 1024
            elif k == "THPeligible":
                want = bool(val)
            elif k == "VmFlags":
                want = val.split()
            else:
                want = val
            if j.get(key) != want:
                return f"{v['start']:x} {k}: smaps {want!r}, JSON {j.get(key)!r}"
    tot = totals(vmas)
    jt = procs[0]["totals"]
    for k, want in tot.items():
        key = "size" if k == "Size" else snake(k)
        if jt.get(key) != want:
            return f"total {k}: smaps {want}, JSON {jt.get(key)}"
    if jt["mappings"] != len(vmas):
        return "mapping count differs"
    return None


def main():
    if sys.argv[1] == "totals":
        print(json.dumps(totals(parse(sys.argv[2]))))
        return 0
    if sys.argv[1] == "check-json":
        err = check_json(sys.argv[2], sys.argv[3])
        if err:
            print(err)
            return 1
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
