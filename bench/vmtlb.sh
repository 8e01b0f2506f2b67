#!/usr/bin/env bash
# bench/vmtlb.sh - vmtlb against the raw cost of reading its kernel files.
#
#   bench/vmtlb.sh [MAPPINGS]     (default 30000)
#
# hyperfine, median of 20 runs after 3 warm-ups: `cat /proc/interrupts`
# (the floor of the system view), vmtlb (geometry and shootdowns since
# boot), then a fixture process with MAPPINGS touched mappings: `cat
# /proc/PID/smaps` (the floor of the process view), vmtlb PID, vmtlb -J PID;
# peak RSS from GNU time (largest of 5 runs). The -d measurements last
# what they are told to; their cost is the trace, which the kernel pays.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${1:-30000}
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null
out=$(mktemp)
build/fixtures/mapper --touch --maps "$n" > "$out.fix" &
pid=$!
trap 'kill -9 $pid 2>/dev/null; rm -f "$out" "$out.fix" "$out.rss"' EXIT
for _ in $(seq 200); do grep -q ready "$out.fix" && break; sleep 0.05; done
kill -STOP $pid

cmds=("cat /proc/interrupts" "build/bin/vmtlb" "cat /proc/$pid/smaps"
      "build/bin/vmtlb $pid" "build/bin/vmtlb -J $pid")
hyperfine -N -w 3 -r "${RUNS:-20}" --output=null --export-json "$out" "${cmds[@]}" >/dev/null 2>&1

peak_rss_all "${cmds[@]}"

echo "vmtlb benchmark: $(nproc) cores, kernel $(uname -r), process of $(wc -l < /proc/$pid/maps) mappings"
/usr/bin/python3 - "$out" "$pid" "${rsslist[@]}" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
pid = sys.argv[2]
rss = sys.argv[3:]
print(f"{'command':28} {'median':>9} {'vs cat':>8} {'peak RSS':>10}")
floors = {0: res[0]["median"], 1: res[0]["median"], 2: res[2]["median"],
          3: res[2]["median"], 4: res[2]["median"]}
for i, (r, k) in enumerate(zip(res, rss)):
    cmd = r["command"].replace("build/bin/", "").replace(pid, "PID")
    print(f"{cmd:28} {r['median'] * 1000:7.2f}ms {r['median'] / floors[i]:7.2f}x {int(k) / 1024:8.1f} MiB")
PY
