#!/usr/bin/env bash
# bench/vmtop.sh - vmtop against smem, ps aux and the kernel's own cost.
#
#   bench/vmtop.sh [PROCESSES] [MAPPINGS] [WATCH_SECONDS]
#                  (default 500 processes of 100 mappings, 60 s of --watch)
#
# Starts PROCESSES fixture processes with MAPPINGS touched anonymous
# mappings each, stops them, and times with hyperfine (medians; smem gets
# 5 runs, the others 20 after 3 warm-ups): `cat /proc/*/smaps_rollup` (the
# floor: the kernel adding up every process), `ps aux`, `smem` (its
# default table: PSS and USS of every process), `vmtop` and `vmtop -J -t`.
# Then checks that vmtop and smem report the same PSS and USS for the
# fixtures, and measures what --watch=1 -J costs: the CPU time of the
# vmtop process (utime + stime in /proc/PID/stat) over the WATCH_SECONDS
# samples after the first (the steady state: stat and statm of every
# process, the rollups of those that moved or whose turn it is), and over
# the whole run with the first sample's full scan; then the same with
# --refresh=0 (every rollup in every sample, the cost before --watch kept
# them). It also says how long the samples took from the first to the
# last (a fixed schedule: WATCH_SECONDS).
# Targets (issue 4): vmtop at least 10x faster than smem; --watch under 5%
# of one core. The machine's 2 CPUs may be shared: figures are medians,
# and the load average is printed with the --watch figures.
set -eu
cd "$(dirname "$0")/.."
np=${1:-500}
nm=${2:-100}
watch=${3:-60}
scripts/install-deps.sh bench >/dev/null
make -s all >/dev/null

tmp=$(mktemp -d)
pids=()
cleanup() {
	kill -9 "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
for i in $(seq "$np"); do
	build/fixtures/mapper --touch --maps "$nm" > "$tmp/r.$i" &
	pids+=($!)
done
for i in $(seq "$np"); do
	for _ in $(seq 400); do grep -q ready "$tmp/r.$i" && break; sleep 0.02; done
done
kill -STOP "${pids[@]}"
nproc_all=$(ls -d /proc/[0-9]* | wc -l)

hyperfine -i -N -w 1 -r 5 --output=null --export-json "$tmp/smem.json" "smem" >/dev/null 2>&1
hyperfine -i -w 3 -r 20 --output=null --export-json "$tmp/rest.json" \
	"cat /proc/[0-9]*/smaps_rollup" "ps aux" "build/bin/vmtop" \
	"build/bin/vmtop -J -t" >/dev/null 2>&1

# Same PSS and USS as smem for the fixtures (smem sums smaps per mapping,
# rounded to kB each; vmtop reads the rollup: within 1 kB per mapping).
list=$(IFS=,; echo "${pids[*]}")
build/bin/vmtop -J -p "$list" > "$tmp/vmtop.json"
smem -c "pid pss uss" -H > "$tmp/smem.txt"
agree=$(/usr/bin/python3 - "$tmp/vmtop.json" "$tmp/smem.txt" "$nm" <<'PY'
import json, sys
rows = {r["pid"]: r for r in json.load(open(sys.argv[1]))["vmtop"]["processes"]}
smem = {int(l.split()[0]): (int(l.split()[1]) * 1024, int(l.split()[2]) * 1024)
        for l in open(sys.argv[2])}
nm = int(sys.argv[3]) + 30
bad = [p for p, r in rows.items()
       if r["uss"] != smem[p][1] or not 0 <= r["pss"] - smem[p][0] < nm * 1024]
print(f"{len(rows) - len(bad)}/{len(rows)}")
PY
)

# --watch=1: the CPU ticks of the vmtop process when its first sample is
# out, and when its last is; prints "steady% total% span".
hz=$(getconf CLK_TCK)
watch_cost() {
	local out=$tmp/watch.nd pid c0 c1 t0 t1 tstart
	tstart=$(date +%s.%N)
	build/bin/vmtop --watch=1 -J "$@" > "$out" 2>/dev/null &
	pid=$!
	until [ "$(wc -l < "$out")" -ge 1 ]; do sleep 0.02; done
	c0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t0=$(date +%s.%N)
	until [ "$(wc -l < "$out")" -ge $((watch + 1)) ]; do sleep 0.1; done
	c1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t1=$(date +%s.%N)
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	span=$(/usr/bin/python3 -c '
import json, sys
t = [json.loads(l)["vmtop"]["time"] for l in open(sys.argv[1])]
print(f"{t[-1] - t[0]:.1f}")' "$out")
	awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v ts="$tstart" \
	    -v hz="$hz" -v span="$span" -v n=$((watch + 1)) 'BEGIN {
		printf "%.2f s CPU over %.1f s: %.2f%% of one core " \
		       "(with the first sample: %.2f%%); %d samples in %s s\n",
		       (c1 - c0) / hz, t1 - t0, 100 * (c1 - c0) / hz / (t1 - t0),
		       100 * c1 / hz / (t1 - ts), n, span }'
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
watch_default=$(watch_cost)
watch_all=$(watch_cost --refresh=0)

echo "vmtop benchmark: $(nproc) cores, kernel $(uname -r)"
echo "$np fixture processes of $nm mappings, $nproc_all processes in all"
/usr/bin/python3 - "$tmp/smem.json" "$tmp/rest.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
smem = res[0]["median"]
print(f"{'command':34} {'median':>9} {'user':>8} {'sys':>8} {'smem/this':>10}")
for r in res:
    cmd = r["command"].replace("build/bin/", "")
    print(f"{cmd:34} {r['median']:8.3f}s {r['user']:7.3f}s {r['system']:7.3f}s "
          f"{smem / r['median']:9.1f}x")
PY
echo "PSS and USS as smem's: $agree fixture processes"
echo "load average before the --watch runs: $load"
echo "vmtop --watch=1 -J: $watch_default"
echo "vmtop --watch=1 -J --refresh=0: $watch_all"
