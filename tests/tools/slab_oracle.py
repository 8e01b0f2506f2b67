#!/usr/bin/python3
"""slab_oracle.py VMSLAB [ARGS...] - hold vmslab -J --output-all against
/proc/slabinfo and /sys/kernel/slab, read independently here.

Drift rule: caches are created, grow and shrink while we read. Each round
reads /proc/slabinfo, runs vmslab, reads /proc/slabinfo again. Fixed
figures (slot size, objects per slab, pages per slab) must equal slabinfo
for every cache, always. The counts (objects, active objects, slabs) are
compared exactly for every cache whose slabinfo line read the same before
and after. A line can also change and change back between the two reads
(a busy cache such as maple_node): a mismatch there voids the round, and
the test fails when one cache mismatches in three of its still rounds in
a row. A round counts when at least 90% of the caches stood still and none
mismatched; three counting rounds are needed, within 60 rounds. The cache
names must be slabinfo's, in every round where the list did not change.

Also checked, per cache, against the files: object_size, order (and
pages_per_slab = 2^order), partial and aliases from /sys/kernel/slab
(static ones only: partial moves), alias_names against the links of
/sys/kernel/slab, reclaimable against reclaim_account, and the sums:
memory = slabs x pages per slab x page size, waste = memory - active x
object size = slack + free slots + tail."""
import json
import os
import resource
import subprocess
import sys

PAGE = resource.getpagesize()
SLAB = "/sys/kernel/slab"


class Fail(Exception):
    pass


def slabinfo():
    out = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            head, _, rest = line.partition(" : tunables ")
            t = head.split()
            sd = rest.split(" : slabdata ")[1].split()
            out[" ".join(t[:-5])] = (line, {
                "active_objects": int(t[-5]), "objects": int(t[-4]),
                "slot_size": int(t[-3]), "objects_per_slab": int(t[-2]),
                "pages_per_slab": int(t[-1]), "slabs": int(sd[1])})
    return out


def attr(d, name):
    with open(os.path.join(SLAB, d, name)) as f:
        return int(f.read().split()[0])


def links():
    """{dir: set(names linking to it)}"""
    out = {}
    for name in os.listdir(SLAB):
        p = os.path.join(SLAB, name)
        if os.path.islink(p):
            out.setdefault(os.path.basename(os.readlink(p)), set()).add(name)
    return out


def check_static(c, want):
    for k in ("slot_size", "objects_per_slab", "pages_per_slab"):
        if c[k] != want[k]:
            raise Fail(f"{c['name']}: {k} {c[k]}, slabinfo {want[k]}")


def check_files(c, lk):
    name = c["name"]
    d = os.path.basename(os.path.realpath(os.path.join(SLAB, name)))
    if c["object_size"] != attr(d, "object_size"):
        raise Fail(f"{name}: object_size {c['object_size']}")
    if c["order"] != attr(d, "order") or c["pages_per_slab"] != 1 << c["order"]:
        raise Fail(f"{name}: order {c['order']}, pages_per_slab {c['pages_per_slab']}")
    if c["reclaimable"] != bool(attr(d, "reclaim_account")):
        raise Fail(f"{name}: reclaimable {c['reclaimable']}")
    if c["aliases"] != attr(d, "aliases"):
        raise Fail(f"{name}: aliases {c['aliases']}, sysfs {attr(d, 'aliases')}")
    names = lk.get(d, set()) - {name}
    got = set(c["alias_names"].split(",")) if c["alias_names"] else set()
    if got != names:
        raise Fail(f"{name}: alias_names {sorted(got)}, links {sorted(names)}")
    if c["memory"] != c["slabs"] * c["pages_per_slab"] * PAGE:
        raise Fail(f"{name}: memory {c['memory']}")
    if c["used"] != c["active_objects"] * c["object_size"]:
        raise Fail(f"{name}: used {c['used']}")
    if c["waste"] != c["memory"] - c["used"]:
        raise Fail(f"{name}: waste {c['waste']}")
    if c["slack"] + c["free_slots"] + c["slab_tail"] != c["waste"]:
        raise Fail(f"{name}: slack + free slots + tail != waste")


def main():
    vmslab, args = sys.argv[1], sys.argv[2:]
    counted = files_checked = 0
    strikes = {}
    for rnd in range(60):
        s1 = slabinfo()
        lk = links()
        p = subprocess.run([vmslab, "-J", "--output-all"] + args,
                           capture_output=True, text=True)
        s2 = slabinfo()
        if p.returncode != 0:
            raise Fail(f"vmslab exit {p.returncode}: {p.stderr}")
        caches = json.loads(p.stdout)["vmslab"]["caches"]
        # Without slabinfo (--source=sysfs) a merged cache is named by one
        # of its links: match it by any of its names.
        for c in caches:
            names = {c["name"]} | (set(c["alias_names"].split(",")) if c["alias_names"] else set())
            hits = names & set(s1)
            c["slabinfo_name"] = hits.pop() if len(hits) == 1 else c["name"]
        if set(s1) == set(s2) and {c["slabinfo_name"] for c in caches} != set(s1):
            raise Fail(f"names differ: {sorted({c['slabinfo_name'] for c in caches} ^ set(s1))}")
        stable = compared = mismatched = 0
        for c in caches:
            n = c["slabinfo_name"]
            if n not in s1 or n not in s2:
                continue
            check_static(c, s1[n][1])
            if s1[n][0] != s2[n][0]:
                continue
            stable += 1
            want = s1[n][1]
            bad = [k for k in ("objects", "active_objects", "slabs") if c[k] != want[k]]
            if bad:
                strikes[n] = strikes.get(n, 0) + 1
                mismatched += 1
                if strikes[n] >= 3:
                    k = bad[0]
                    raise Fail(f"{c['name']}: {k} {c[k]}, slabinfo {want[k]} "
                               f"(read the same before and after, 3 rounds in a row)")
                continue
            strikes[n] = 0
            compared += 1
        if not files_checked:
            for c in caches:
                check_files(c, lk)
            files_checked = len(caches)
        if stable >= 0.9 * len(caches) and not mismatched:
            counted += 1
        if counted >= 3:
            print(f"{len(caches)} caches; 3 rounds with >= 90% of them "
                  f"still, in {rnd + 1} rounds")
            return 0
    raise Fail("fewer than 3 rounds in 60 where 90% of the caches stood still")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        print(e)
        sys.exit(1)
