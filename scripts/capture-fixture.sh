#!/usr/bin/env bash
# capture-fixture.sh - capture a process's /proc files and pmap's views of
# it, for the tests that point vmmap --sysroot at a fixture tree.
#
#   scripts/capture-fixture.sh NAME PID      capture a running process
#   scripts/capture-fixture.sh NAME -- CMD   start CMD (it must print
#                                            "ready PID"), capture, kill it
#
# Writes tests/fixtures/proc/NAME/proc/PID/{maps,smaps,smaps_rollup,stat,
# status,cmdline} and tests/expected/vmmap/NAME/<mode> (pmap's output for
# the same stopped snapshot). Run as root to capture another user's process.
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: capture-fixture.sh NAME PID | NAME -- CMD...}
shift
started=
if [ "${1:-}" = "--" ]; then
	shift
	out=$(mktemp)
	"$@" > "$out" &
	started=$!
	for _ in $(seq 100); do grep -q '^ready' "$out" && break; sleep 0.1; done
	pid=$(awk '/^ready/ {print $2}' "$out")
	rm -f "$out"
else
	pid=${1:?no PID}
fi
[ -n "$pid" ] && [ -d "/proc/$pid" ] || { echo "no process $pid" >&2; exit 1; }
kill -STOP "$pid"
trap 'kill -CONT "$pid" 2>/dev/null; [ -n "$started" ] && kill -9 "$started" 2>/dev/null; true' EXIT

tree=tests/fixtures/proc/$name
exp=tests/expected/vmmap/$name
rm -rf "$tree" "$exp"
mkdir -p "$tree/proc/$pid" "$exp"
for f in maps smaps smaps_rollup stat status cmdline; do
	# A kernel thread has no smaps_rollup (ESRCH): leave it out.
	cat "/proc/$pid/$f" > "$tree/proc/$pid/$f" 2>/dev/null || rm -f "$tree/proc/$pid/$f"
done
echo "$pid" > "$tree/pid"
# pmap's views of the same snapshot. The modes are the file names.
for mode in default x X XX d q p x-q X-q XX-p d-q; do
	args=()
	[ "$mode" = default ] || for a in $(echo "$mode" | tr '-' ' '); do args+=("-$a"); done
	pmap "${args[@]}" "$pid" > "$exp/$mode" || true
done
echo "captured $name (pid $pid) into $tree and $exp"
