#!/usr/bin/env bash
# bench/vmslab.sh - vmslab against slabtop and the raw cost of reading the
# slab files.
#
#   bench/vmslab.sh            (as root: slabinfo and the attributes are root only)
#
# hyperfine, median of 30 runs after 5 warm-ups: `cat /proc/slabinfo` (the
# floor of slabinfo), `cat` of the object_size of every cache (what
# vmslab's default view reads from sysfs) and of every attribute vmslab
# -J --source=sysfs reads (the floors of sysfs), slabtop -o (procps, what
# users run), vmslab --slabtop
# -o (the same bytes), vmslab (default view), vmslab -J (every column),
# vmslab --source=sysfs -J (the counts from sysfs too); then the peak RSS
# of each (GNU time, largest of 5 runs).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null
out=$(mktemp)
trap 'rm -f "$out" "$out.rss" "$out.log"' EXIT

# The sysfs floors, read with find -exec cat: the one attribute the
# default view reads per cache, and every attribute -J --source=sysfs
# reads.
every=(object_size slab_size objs_per_slab order objects total_objects
       slabs partial objects_partial cpu_slabs align reclaim_account
       hwcache_align destroy_by_rcu cache_dma poison red_zone store_user
       sanity_checks min_partial cpu_partial)
names_expr="-name ${every[0]}"
for a in "${every[@]:1}"; do names_expr+=" -o -name $a"; done
ncaches=$(find /sys/kernel/slab -mindepth 1 -maxdepth 1 -type d | wc -l)
cmds=("cat /proc/slabinfo"
      "find /sys/kernel/slab -mindepth 2 -maxdepth 2 -name object_size -exec cat {} +"
      "find /sys/kernel/slab -mindepth 2 -maxdepth 2 ( $names_expr ) -exec cat {} +"
      "slabtop -o" "build/bin/vmslab --slabtop -o" "build/bin/vmslab"
      "build/bin/vmslab -J" "build/bin/vmslab --source=sysfs -J")
names=("cat /proc/slabinfo" "cat object_size of $ncaches caches"
       "cat ${#every[@]} attributes of $ncaches caches" "slabtop -o"
       "vmslab --slabtop -o" "vmslab" "vmslab -J" "vmslab --source=sysfs -J")
hyperfine -N -w 5 -r "${RUNS:-30}" --output=null --export-json "$out" "${cmds[@]}" >"$out.log" 2>&1 ||
	{ tail -5 "$out.log" >&2; exit 1; }

peak_rss_all "${cmds[@]}"

echo "vmslab benchmark: $(nproc) cores, kernel $(uname -r), $(($(wc -l < /proc/slabinfo) - 2)) caches"
/usr/bin/python3 - "$out" "${rsslist[@]}" -- "${names[@]}" <<'PY'
import json, sys
args = sys.argv[2:]
sep = args.index("--")
rss, names = args[:sep], args[sep + 1:]
res = json.load(open(sys.argv[1]))["results"]
floor = res[0]["median"]
print(f"{'command':44} {'median':>9} {'vs cat':>8} {'peak RSS':>10}")
for r, k, n in zip(res, rss, names):
    print(f"{n:44} {r['median'] * 1000:7.2f}ms {r['median'] / floor:7.2f}x {int(k) / 1024:8.1f} MiB")
PY
