#!/usr/bin/env bash
# bench/vmphys.sh - vmphys --summary against the kernel's page-types.
#
#   bench/vmphys.sh [MIB]      (default 2048)
#
# Times with hyperfine (median of 20 runs after 3 warm-ups) the summary of
# a stopped process with MIB MiB of touched memory (page-types -p PID,
# vmphys --summary PID) and of all of physical memory (page-types,
# vmphys --summary), and the per-page listing of the process's 2 MiB
# (page-types -p PID -L, vmphys -J PID RANGE: JSON streams, where the
# aligned text table holds every row). Needs root.
set -eu
cd "$(dirname "$0")/.."
mib=${1:-2048}
[ "$(id -u)" -eq 0 ] || { echo "vmphys.sh: run as root" >&2; exit 1; }
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null
pt=$(bench/page-types.sh)
out=$(mktemp)
build/fixtures/backer --big "$mib" > "$out" &
pid=$!
disown $pid
trap 'kill -9 $pid 2>/dev/null; rm -f "$out" "$out.json"' EXIT
for _ in $(seq 600); do grep -q ready "$out" && break; sleep 0.05; done
kill -STOP $pid
range=$(awk '$1 == "region" {print $3 "-" $4}' "$out")
cmds=("$pt -p $pid" "build/bin/vmphys --summary $pid"
      "$pt" "build/bin/vmphys --summary"
      "$pt -p $pid -L" "build/bin/vmphys -J $pid $range")
hyperfine -N -w 3 -r 20 --output=null --export-json "$out.json" "${cmds[@]}" >/dev/null 2>&1
echo "vmphys benchmark: $(nproc) cores, kernel $(uname -r), $mib MiB process"
/usr/bin/python3 - "$out.json" "$pid" "$range" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
pid, rng = sys.argv[2], sys.argv[3]
print(f"{'command':34} {'median':>9} {'user':>8} {'sys':>8}")
for r in res:
    cmd = r["command"].replace(pid, "PID").replace(rng, "RANGE")
    cmd = cmd.split("/")[-1] if "vmphys" in cmd else "page-types" + cmd.split("page-types", 2)[-1]
    print(f"{cmd:34} {r['median']:8.3f}s {r['user']:7.3f}s {r['system']:7.3f}s")
PY
