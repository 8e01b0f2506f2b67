#!/usr/bin/python3
"""frag_oracle.py VMFRAG [--debugfs DIR] [--types] [--sysroot DIR] - hold
vmfrag -J against the kernel's own files, read independently here.

Live (no --sysroot), in rounds: read /proc/buddyinfo (and, with --types,
/proc/pagetypeinfo), the debugfs extfrag files (with --debugfs), run
vmfrag -J, read buddyinfo (and pagetypeinfo) again. The drift rule: a zone
whose buddyinfo line (and pagetypeinfo lines) read the same before and
after is compared exactly, every figure; a zone that changed in between is
not compared in that round. Lines can also change and change back between
the two reads: a mismatch in a zone that read the same is retried, and
fails when it happens in three of that zone's still rounds in a row.
Rounds go on until every zone was compared three times (at most 200
rounds; a zone that never stands still fails).

With --sysroot the files of the tree are the truth, compared once.

Checked: free blocks per order, largest free order and failing orders
(from the counts), unusable and fragmentation index against debugfs (the
kernel's arithmetic; "0.-500" is -500 thousandths), per-type counts against
pagetypeinfo (">100000" must be null with types_capped true) and their sum
against buddyinfo, watermarks and managed pages against zoneinfo."""
import json
import os
import resource
import subprocess
import sys

PAGE = resource.getpagesize()


def read(root, rel):
    with open(os.path.join(root, rel.lstrip("/"))) as f:
        return f.read()


def buddyinfo(text):
    """{(node, zone): (line, [counts])}"""
    out = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) < 5:
            continue
        out[(int(t[1].rstrip(",")), t[3])] = (line, [int(x) for x in t[4:]])
    return out


def kindex(tok):
    ip, fp = tok.split(".")
    return int(ip) * 1000 + int(fp)


def extfrag(text):
    out = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) < 5:
            continue
        out[(int(t[1].rstrip(",")), t[3])] = [kindex(x) for x in t[4:]]
    return out


def pagetypeinfo(text):
    """{(node, zone): {type: (lines, [counts or None when capped])}}"""
    out = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) > 6 and t[0] == "Node" and t[4] == "type":
            key = (int(t[1].rstrip(",")), t[3].rstrip(","))
            vals = [None if x.startswith(">") else int(x) for x in t[6:]]
            out.setdefault(key, {})[t[5]] = (line, vals)
    return out


def zoneinfo(text):
    out, key = {}, None
    for line in text.splitlines():
        t = line.split()
        if t[:1] == ["Node"]:
            key = (int(t[1].rstrip(",")), t[3])
            out[key] = {}
        elif key and len(t) == 2 and t[0] in ("min", "low", "high", "managed"):
            out[key][t[0]] = int(t[1])
    return out


class Fail(Exception):
    pass


def check_zone(z, counts, uidx, fidx, types, zinfo):
    key = f"node {z['node']} zone {z['zone']}"
    orders = z["orders"]
    if [o["free_blocks"] for o in orders] != counts:
        raise Fail(f"{key}: free blocks {[o['free_blocks'] for o in orders]}, buddyinfo {counts}")
    top = max([k for k, n in enumerate(counts) if n] or [-1])
    if z["largest_free_order"] != (top if top >= 0 else None):
        raise Fail(f"{key}: largest_free_order {z['largest_free_order']}, buddyinfo says {top}")
    if z["failing_orders"] != list(range(top + 1, len(counts))):
        raise Fail(f"{key}: failing_orders {z['failing_orders']}")
    for k, o in enumerate(orders):
        if o["would_fail"] != (k > top):
            raise Fail(f"{key} order {k}: would_fail {o['would_fail']}")
        if uidx is not None and round(o["unusable_index"] * 1000) != uidx[k]:
            raise Fail(f"{key} order {k}: unusable {o['unusable_index']}, debugfs {uidx[k]}")
        if fidx is not None and round(o["fragmentation_index"] * 1000) != fidx[k]:
            raise Fail(f"{key} order {k}: fragmentation {o['fragmentation_index']}, debugfs {fidx[k]}")
    if types is not None:
        for k, o in enumerate(orders):
            total, capped = 0, False
            for name, (_, vals) in types.items():
                got = o.get("type_" + name.lower(), "missing")
                if vals[k] is None:
                    capped = True
                    if got is not None:
                        raise Fail(f"{key} order {k} {name}: capped, got {got}")
                else:
                    total += vals[k]
                    if got != vals[k]:
                        raise Fail(f"{key} order {k} {name}: {got}, pagetypeinfo {vals[k]}")
            if o["types_capped"] != capped:
                raise Fail(f"{key} order {k}: types_capped {o['types_capped']}")
            if not capped and total != counts[k]:
                raise Fail(f"{key} order {k}: types add up to {total}, buddyinfo {counts[k]}")
    if zinfo is not None:
        for f, j in (("min", "watermark_min"), ("low", "watermark_low"),
                     ("high", "watermark_high"), ("managed", "managed")):
            if z[j] != zinfo[f] * PAGE:
                raise Fail(f"{key}: {j} {z[j]}, zoneinfo {zinfo[f]} pages")


def run(vmfrag, args):
    p = subprocess.run([vmfrag, "-J"] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise Fail(f"vmfrag -J {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)["vmfrag"]


def main():
    args = sys.argv[1:]
    vmfrag = args.pop(0)
    debugfs = types = sysroot = None
    while args:
        a = args.pop(0)
        if a == "--debugfs":
            debugfs = args.pop(0)
        elif a == "--types":
            types = True
        elif a == "--sysroot":
            sysroot = args.pop(0)
    root = sysroot or "/"
    extra = ["-t"] if types else []
    if sysroot:
        extra += ["--sysroot", sysroot]
    compared = {}
    strikes = {}
    for rnd in range(200):
        b1 = buddyinfo(read(root, "/proc/buddyinfo"))
        p1 = pagetypeinfo(read(root, "/proc/pagetypeinfo")) if types else None
        u = extfrag(read(debugfs, "unusable_index")) if debugfs else None
        f = extfrag(read(debugfs, "extfrag_index")) if debugfs else None
        z = zoneinfo(read(root, "/proc/zoneinfo"))
        doc = run(vmfrag, extra)
        b2 = buddyinfo(read(root, "/proc/buddyinfo"))
        p2 = pagetypeinfo(read(root, "/proc/pagetypeinfo")) if types else None
        if set(b1) != {(x["node"], x["zone"]) for x in doc["zones"]}:
            raise Fail(f"zones {sorted(b1)} but vmfrag shows "
                       f"{[(x['node'], x['zone']) for x in doc['zones']]}")
        for zone in doc["zones"]:
            key = (zone["node"], zone["zone"])
            if b1[key][0] != b2[key][0]:
                continue
            if types and {t: v[0] for t, v in p1[key].items()} != \
                    {t: v[0] for t, v in p2[key].items()}:
                continue
            try:
                check_zone(zone, b1[key][1], u[key] if u else None,
                           f[key] if f else None, p1[key] if types else None,
                           z.get(key))
            except Fail:
                strikes[key] = strikes.get(key, 0) + 1
                if strikes[key] >= 3 or sysroot:
                    raise
                continue
            strikes[key] = 0
            compared[key] = compared.get(key, 0) + 1
        need = 1 if sysroot else 3
        if all(compared.get(k, 0) >= need for k in b1):
            print(f"{len(b1)} zones compared {sum(compared.values())} times "
                  f"in {rnd + 1} rounds")
            return 0
    raise Fail(f"zones that never stood still: "
               f"{[k for k in b1 if compared.get(k, 0) < 3]}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        print(e)
        sys.exit(1)
