#!/usr/bin/env bash
# bench/vmfrag.sh - vmfrag against the raw cost of reading its kernel files.
#
#   bench/vmfrag.sh            (as root: pagetypeinfo is root only)
#
# hyperfine, median of 30 runs after 5 warm-ups: `cat /proc/buddyinfo
# /proc/pagetypeinfo` (the floor: the kernel printing the free lists),
# `cat` of every file vmfrag reads (buddyinfo, pagetypeinfo, zoneinfo,
# vmstat), vmfrag, vmfrag -t, vmfrag -J; then the peak RSS of each (GNU
# time, largest of 5 runs). Nobody else's tool shows these indexes (the
# kernel's own are in debugfs, root only, and need debugfs mounted).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null
out=$(mktemp)
trap 'rm -f "$out" "$out.rss"' EXIT

cmds=("cat /proc/buddyinfo /proc/pagetypeinfo"
      "cat /proc/buddyinfo /proc/pagetypeinfo /proc/zoneinfo /proc/vmstat"
      "build/bin/vmfrag" "build/bin/vmfrag -t" "build/bin/vmfrag -J")
hyperfine -N -w 5 -r "${RUNS:-30}" --output=null --export-json "$out" "${cmds[@]}" >/dev/null 2>&1

peak_rss_all "${cmds[@]}"

echo "vmfrag benchmark: $(nproc) cores, kernel $(uname -r), $(grep -c . /proc/buddyinfo) zones"
/usr/bin/python3 - "$out" "${rsslist[@]}" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
rss = sys.argv[2:]
floor = res[0]["median"]
print(f"{'command':70} {'median':>9} {'vs floor':>9} {'peak RSS':>10}")
for r, k in zip(res, rss):
    cmd = r["command"].replace("build/bin/", "")
    print(f"{cmd:70} {r['median'] * 1000:7.2f}ms {r['median'] / floor:8.2f}x {int(k) / 1024:8.1f} MiB")
PY
