#!/usr/bin/env bash
# bench/backing.sh - vmmap --backing against page-types and the raw cost of
# reading the same kernel files.
#
#   bench/backing.sh [MIB]      (default 2048: 2 GiB of touched memory)
#
# Starts the backer fixture with MIB MiB of anonymous memory, one byte
# written a page, stops it, and times with hyperfine (median of 30 runs
# after 3 warm-ups, -N: no shell):
#   page-types -p PID   the kernel's tool (built from Debian's linux-source
#                       by bench/page-types.sh); one kpageflags and one
#                       kpagecount read per page
#   rawread PID         bench/rawread.c: the floor, pagemap in batches and
#                       the kpageflags of each run of consecutive PFNs
#   vmmap --backing PID everything vmmap -B shows
# then peak RSS (GNU time, largest of 5 runs), and vmmap --backing's peak
# RSS on a 16 GiB process (one page in 512 written). Needs root (PFNs).
# Targets (issue 3): vmmap --backing within 1.3x of rawread; peak RSS
# under 16 MiB even for a 16 GiB process. The machine is shared: compare
# the medians of one run, not figures across runs.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
mib=${1:-2048}
[ "$(id -u)" -eq 0 ] || { echo "backing.sh: run as root (PFNs are hidden otherwise)" >&2; exit 1; }
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null
pt=$(bench/page-types.sh)
mkdir -p build/bench
cc -O2 -Wall -Wextra -o build/bench/rawread bench/rawread.c

out=$(mktemp)
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; rm -f "$out" "$out".*' EXIT
# Start a stopped backer; its pid in $started.
start() {
	build/fixtures/backer "$@" > "$out.fix" &
	started=$!
	disown "$started"
	pids+=("$started")
	for _ in $(seq 600); do grep -q ready "$out.fix" && break; sleep 0.05; done
	kill -STOP "$started"
}
start --big "$mib"
pid=$started
rss_kib=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)

cmds=("$pt -p $pid" "build/bench/rawread $pid" "build/bin/vmmap --backing $pid")
hyperfine -N -w 3 -r 30 --output=null --export-json "$out.json" "${cmds[@]}" >/dev/null 2>&1

peak_rss_all "${cmds[@]}"
start --span 16384
big=$started
bigpeak=$(peak_rss "build/bin/vmmap --backing $big")

echo "vmmap --backing benchmark: $(nproc) cores, kernel $(uname -r)"
echo "process: $mib MiB touched, RSS $((rss_kib / 1024)) MiB"
/usr/bin/python3 - "$out.json" "$pid" "${rsslist[@]}" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
pid = sys.argv[2]
rss = sys.argv[3:]
floor = res[1]["median"]
print(f"{'command':28} {'median':>9} {'user':>8} {'sys':>8} {'vs raw':>7} {'peak RSS':>10}")
for r, k in zip(res, rss):
    cmd = r["command"].split("/")[-1].replace(pid, "PID")
    if "page-types" in r["command"]:
        cmd = "page-types -p PID"
    print(f"{cmd:28} {r['median']:8.3f}s {r['user']:7.3f}s {r['system']:7.3f}s "
          f"{r['median'] / floor:6.2f}x {int(k) / 1024:8.1f} MiB")
PY
echo "vmmap --backing on a 16 GiB process: peak RSS $((bigpeak / 1024)).$(( (bigpeak % 1024) * 10 / 1024 )) MiB"
