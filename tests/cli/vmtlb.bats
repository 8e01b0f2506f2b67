#!/usr/bin/env bats
# vmtlb against the kernel's files and events: /proc/interrupts read
# before and after it, the kernel's "TLB size" in /proc/cpuinfo, smaps of
# fixture processes, the tlbstorm fixture (known shootdowns), and the
# private tracefs instance, which no exit path may leave behind.
#
# The relation between the tracepoint and the interrupts (see vmtlb(1)):
# per CPU, tlb_flush "remote shootdown" events <= TLB interrupts of the
# same window <= the delta of /proc/interrupts read around the whole run.

load helpers
bats_require_minimum_version 1.5.0

VMTLB=$BIN/vmtlb
THIS=$VMSCOPE_ROOT/tests/fixtures/kernel/this
INSTANCES=/sys/kernel/tracing/instances

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
}

need_trace() {
	is_root || skip "tracing needs root"
	[ -d "$INSTANCES" ] || skip "no tracefs instances"
	[ -d /sys/kernel/tracing/events/tlb/tlb_flush ] || skip "no tlb:tlb_flush tracepoint"
}

# Start build/fixtures/tlbstorm with "$@"; STORM_PID.
start_storm() {
	"$FIX/tlbstorm" "$@" > "$WORK/storm.out" &
	STORM_PID=$!
	FIXTURE_PIDS+=("$STORM_PID")
	for _ in $(seq 200); do grep -q ready "$WORK/storm.out" && break; sleep 0.01; done
	grep -q ready "$WORK/storm.out"
}

# Wait until process $1 has its instance (it is measuring).
wait_instance() {
	for _ in $(seq 500); do
		ls "$INSTANCES" | grep -q "^vmscope-$1-" && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.01
	done
	fail "process $1 never had a tracefs instance"
}

# No instance of process $1 is left.
no_instance() {
	if ls "$INSTANCES" | grep -q "^vmscope-$1-"; then
		ls "$INSTANCES" >&2
		fail "the tracefs instance of $1 was left behind"
	fi
}

@test "vmtlb: the geometry follows the kernel's TLB size and its own recorded leaves" {
	run --separate-stderr "$VMTLB" -J
	assert_success
	echo "$output" > "$WORK/live.json"
	run "$PY" "$TOOLS/tlb_check.py" geometry "$WORK/live.json" /proc/cpuinfo
	echo "$output"
	assert_success
	# The tree recorded on this machine decodes to the same TLBs when the
	# CPU is the one it was recorded on.
	run --separate-stderr "$VMTLB" -J --sysroot "$THIS"
	assert_success
	echo "$output" > "$WORK/rec.json"
	run "$PY" "$TOOLS/tlb_check.py" geometry "$WORK/rec.json" "$THIS/proc/cpuinfo"
	assert_success
	if [ "$(grep -m1 '^model name' /proc/cpuinfo)" = "$(grep -m1 '^model name' "$THIS/proc/cpuinfo")" ]; then
		run "$PY" -c "
import json
a = json.load(open('$WORK/live.json'))['vmtlb']['cpu']['tlbs']
b = json.load(open('$WORK/rec.json'))['vmtlb']['cpu']['tlbs']
assert a == b, (a, b)"
		assert_success
	fi
}

@test "vmtlb: shootdowns since boot lie between two readings of /proc/interrupts" {
	cat /proc/interrupts > "$WORK/before"
	"$VMTLB" -J 2>/dev/null > "$WORK/out.json"
	cat /proc/interrupts > "$WORK/after"
	run "$PY" "$TOOLS/tlb_check.py" boot "$WORK/before" "$WORK/after" "$WORK/out.json"
	echo "$output"
	assert_success
}

@test "vmtlb -d: traced remote shootdowns <= TLB interrupts <= /proc/interrupts around it, under a storm" {
	need_trace
	[ "$(nproc)" -ge 2 ] || skip "a shootdown needs a second CPU"
	start_storm
	cat /proc/interrupts > "$WORK/before"
	run --separate-stderr "$VMTLB" -J -d 1
	cat /proc/interrupts > "$WORK/after"
	assert_success
	echo "$output" > "$WORK/out.json"
	valid_json vmtlb < "$WORK/out.json"
	run "$PY" "$TOOLS/tlb_check.py" interrupts "$WORK/before" "$WORK/after" "$WORK/out.json"
	echo "$output"
	assert_success
	run "$PY" "$TOOLS/tlb_check.py" storm "$WORK/out.json" "$STORM_PID"
	echo "$output"
	assert_success
}

@test "vmtlb -d: the tracefs instance is gone after a normal exit, an error, a closed pipe, SIGINT and SIGTERM" {
	need_trace
	# Normal end.
	"$VMTLB" -d 2 > /dev/null 2>&1 &
	pid=$!
	wait_instance "$pid"
	wait "$pid"
	no_instance "$pid"
	# An error: stdout cannot be written.
	"$VMTLB" -d 1 > /dev/full 2> "$WORK/err" &
	pid=$!
	wait_instance "$pid"
	wait "$pid" && status=0 || status=$?
	[ "$status" -eq 1 ] || fail "write error: exit $status"
	grep -q "write error" "$WORK/err"
	no_instance "$pid"
	# A closed pipe, in the middle of --watch: the reader waits for the
	# instance, reads one line and goes away.
	{ "$VMTLB" --watch=0.1 2>/dev/null & echo $! > "$WORK/pid"
	  wait $!; echo $? > "$WORK/status"; } |
		{ while [ ! -s "$WORK/pid" ]; do sleep 0.01; done
		  wait_instance "$(cat "$WORK/pid")"; head -1 > /dev/null; }
	for _ in $(seq 500); do [ -s "$WORK/status" ] && break; sleep 0.01; done
	[ "$(cat "$WORK/status")" = 0 ] || fail "closed pipe: exit $(cat "$WORK/status")"
	no_instance "$(cat "$WORK/pid")"
	# Signals.
	for sig in INT TERM HUP; do
		"$VMTLB" -d 10 > /dev/null 2>&1 &
		pid=$!
		wait_instance "$pid"
		kill -s "$sig" "$pid"
		wait "$pid" && status=0 || status=$?
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ] || fail "SIG$sig: exit $status"
		no_instance "$pid"
	done
	# A SIGKILL leaves one: the next run removes it.
	"$VMTLB" -d 10 > /dev/null 2>&1 &
	pid=$!
	wait_instance "$pid"
	kill -KILL "$pid"
	wait "$pid" || true
	ls "$INSTANCES" | grep -q "^vmscope-$pid-" || fail "SIGKILL left nothing to clean"
	"$VMTLB" -d 0.1 > /dev/null 2>&1
	no_instance "$pid"
}

@test "vmtlb -d: hardware counters, or 'not supported by this CPU or hypervisor' when perf_event_open fails" {
	# A PMU without the events, as seccomp makes perf_event_open fail
	# with ENOENT the way such kernels do.
	run --separate-stderr "$FIX/noperf" "$VMTLB" -d 0.2 --no-trace
	assert_success
	assert_output --partial "hardware TLB misses over"
	assert_output --partial ": not supported by this CPU or hypervisor"
	run --separate-stderr "$FIX/noperf" "$VMTLB" -J -d 0.2 --no-trace
	assert_success
	echo "$output" | "$PY" -c '
import json, sys
h = json.load(sys.stdin)["vmtlb"]["hardware"]
assert h == {"source": "perf", "supported": False, "scope": "all CPUs",
             "message": "not supported by this CPU or hypervisor",
             "dtlb_misses": None, "itlb_misses": None, "scaled": False}, h'
	# This CPU: a stopped process misses nothing; one walking 1 GiB of
	# base pages misses at least once per 16 pages it walks.
	start_fixture
	start_storm --touch-only
	sleep 0.5
	run --separate-stderr "$VMTLB" -J -d 1 --no-trace -o PID,DTLB_MISSES,ITLB_MISSES "$FIXTURE_PID" "$STORM_PID"
	assert_success
	echo "$output" | "$PY" -c "
import json, sys
d = json.load(sys.stdin)['vmtlb']
h = d['hardware']
if not h['supported']:
    assert h['message'] == 'not supported by this CPU or hypervisor', h
    assert all(p['dtlb_misses'] is None for p in d['processes'])
    print('not supported here')
    sys.exit(0)
p = {x['pid']: x for x in d['processes']}
assert p[$FIXTURE_PID]['dtlb_misses'] == 0, p
assert p[$FIXTURE_PID]['itlb_misses'] == 0, p
assert p[$STORM_PID]['dtlb_misses'] > 1000000 // 16, p
assert h['dtlb_misses'] == p[$STORM_PID]['dtlb_misses'], h"
}

@test "vmtlb PID: page sizes, translations, THP eligibility equal sums over smaps" {
	start_fixture --touch --maps 20 --thp --heap 100
	run --separate-stderr "$VMTLB" -J --output-all "$FIXTURE_PID"
	assert_success
	echo "$output" > "$WORK/out.json"
	valid_json vmtlb < "$WORK/out.json"
	run "$PY" "$TOOLS/tlb_check.py" smaps "$WORK/out.json" "$FIXTURE_PID"
	echo "$output"
	assert_success
	run --separate-stderr "$VMTLB" -o PID,COMM,RSS,PAGES_4K,PAGES_2M "$FIXTURE_PID"
	assert_success
	assert_output --partial "mapper"
}

@test "vmtlb as a user: no tracing (said, null in JSON), the rest shown, exit 0" {
	is_root && skip "runs in the cli-user suite"
	run --separate-stderr "$VMTLB" -J -d 0.3
	assert_success
	echo "$stderr" | grep -q "tlb:tlb_flush not traced"
	echo "$output" | valid_json vmtlb
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtlb"]
assert d["tlb_flush"] is None and d["tlb_flush_error"]
assert d["shootdowns"]["cpus"] and all(c["traced_remote"] is None for c in d["shootdowns"]["cpus"])
assert d["cpu"] is not None'
	# Root's processes are another user's.
	run --separate-stderr "$VMTLB" 1
	assert_failure 4
	echo "$stderr" | grep -q "permission denied"
}

@test "vmtlb: missing processes, usage errors, a kernel without a TLB row" {
	run --separate-stderr "$VMTLB" 2147483648
	assert_failure 2
	run --separate-stderr "$VMTLB" 4194303
	assert_failure 42
	echo "$stderr" | grep -q "process 4194303 not found"
	for args in "-d 0" "-d x" "-c 2" "--watch=0" "--top 0" "-o NOSUCH" "x" \
		    "-d 1 --sysroot $THIS"; do
		# shellcheck disable=SC2086
		run "$VMTLB" $args
		assert_failure 2
		assert_output --partial "Try 'vmtlb --help'"
	done
	mkdir -p "$WORK/t/proc"
	printf '           CPU0\n  0:         44  IO-APIC   2-edge      timer\n' > "$WORK/t/proc/interrupts"
	run --separate-stderr "$VMTLB" --sysroot "$WORK/t"
	assert_failure 3
	echo "$stderr" | grep -q "no TLB row"
	echo "$stderr" | grep -q "no TLB geometry"
}

@test "vmtlb --watch: NDJSON measurements, each valid" {
	run --separate-stderr "$VMTLB" -J --watch=0.2 -c 3 --no-trace
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "${lines[@]}" |
		"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmtlb.json"
	printf '%s\n' "${lines[@]}" | "$PY" -c '
import json, sys
docs = [json.loads(l)["vmtlb"] for l in sys.stdin]
assert [d["sample"] for d in docs] == [1, 2, 3]
for a, b in zip(docs, docs[1:]):
    for ca, cb in zip(a["shootdowns"]["cpus"], b["shootdowns"]["cpus"]):
        assert cb["count"] - ca["count"] == cb["delta"], (ca, cb)'
}
