#!/usr/bin/env bash
# demo.sh - build vmscope and watch the malloc experiment of
# shared/CONCEPTS.md with vmmap, step by step.
#
# The demo process (tests/fixtures/src/malloc_demo.c) stops itself after
# each step; this script shows its map with vmmap and lets it go on.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
make -s all >/dev/null

out=$(mktemp)
build/fixtures/malloc_demo > "$out" &
pid=$!
trap 'kill -9 $pid 2>/dev/null; rm -f "$out"' EXIT

# Wait until the demo has stopped itself (state T) or exited.
wait_stop() {
	for _ in $(seq 500); do
		[ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = T ] && return 0
		sleep 0.01
	done
	echo "demo.sh: the demo did not stop" >&2
	exit 1
}

shown=0
for step in 0 1 2 3 4 5; do
	wait_stop
	echo
	echo "=== $(grep '^step' "$out" | sed -n "$((shown + 1))p")"
	shown=$((shown + 1))
	echo "\$ vmmap -o ADDRESS,SIZE,RSS,DIRTY,KIND,NAME $pid"
	build/bin/vmmap -o ADDRESS,SIZE,RSS,DIRTY,KIND,NAME "$pid"
	[ $step -eq 5 ] || kill -CONT $pid
done
echo
echo "=== the same map as pmap -x shows it (pmap names the heap [ anon ])"
echo "\$ vmmap -x $pid"
build/bin/vmmap -x "$pid"
echo
echo "=== where the memory is, by kind of region"
echo "\$ vmmap --summary $pid"
build/bin/vmmap --summary "$pid"
echo
echo "=== every field of the heap, as JSON (vmmap -J, filtered)"
heap=$(awk '/\[heap\]/ {split($1, a, "-"); print a[1]}' /proc/$pid/maps)
build/bin/vmmap -J -A "$heap" "$pid"
kill -CONT $pid
