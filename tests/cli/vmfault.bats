#!/usr/bin/env bats
# vmfault against the differences of /proc/PID/stat and task/TID/stat,
# wait4's rusage, and (--attribute) the tracepoint's totals; its trace
# instance gone after every way out.

load helpers
bats_require_minimum_version 1.5.0

VMFAULT=$BIN/vmfault
INST=/sys/kernel/tracing/instances

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
}

# start_faulter ARGS...: build/fixtures/faulter running, ready; FAULTER set.
start_faulter() {
	local out=$WORK/faulter.$RANDOM
	"$FIX/faulter" "$@" > "$out" &
	FIXTURE_PIDS+=("$!")
	FAULTER=$!
	for _ in $(seq 200); do grep -q '^ready' "$out" && return 0; sleep 0.02; done
	return 1
}

# minflt+majflt of /proc/$1/stat (fields 10 and 12).
faults_of() {
	awk '{ sub(/.*\) /, ""); print $8 + $10 }' "$1"
}

can_trace() {
	is_root && [ -d "$INST" ]
}

# No instance of ours whose process is gone or is $1.
no_instance_left() {
	local d pid
	for d in "$INST"/vmscope-*; do
		[ -e "$d" ] || continue
		pid=${d##*/vmscope-}; pid=${pid%%-*}
		if [ "$pid" = "${1:-}" ] || ! kill -0 "$pid" 2>/dev/null; then
			fail "instance $d left behind"
		fi
	done
}

@test "vmfault: counts over an interval are the differences of /proc/PID/stat" {
	start_faulter --burst 700 --threads 2
	before=$(faults_of "/proc/$FAULTER/stat")
	for t in /proc/$FAULTER/task/*; do
		echo "${t##*/} $(faults_of "$t/stat")"
	done > "$WORK/tasks0"
	# The burst falls inside vmfault's interval, and the fixture takes no
	# fault outside a burst: both windows see exactly the same faults.
	( sleep 0.5; kill -USR1 "$FAULTER" ) &
	sig=$!
	"$VMFAULT" -J -i 1.5 "$FAULTER" > "$WORK/out"
	wait "$sig"
	after=$(faults_of "/proc/$FAULTER/stat")
	for t in /proc/$FAULTER/task/*; do
		echo "${t##*/} $(faults_of "$t/stat")"
	done > "$WORK/tasks1"
	valid_json vmfault < "$WORK/out"
	run "$PY" - "$WORK" "$((after - before))" <<'EOF'
import json, sys
work, outer = sys.argv[1], int(sys.argv[2])
rows = json.load(open(f"{work}/out"))["vmfault"]["samples"][0]["rows"]
t0 = dict(map(int, l.split()) for l in open(f"{work}/tasks0"))
t1 = dict(map(int, l.split()) for l in open(f"{work}/tasks1"))
proc = [r for r in rows if r["kind"] == "process"][0]
assert proc["minflt"] + proc["majflt"] == outer, (proc, outer)
assert outer >= 3 * 700, outer
threads = {r["tid"]: r for r in rows if r["kind"] == "thread"}
assert set(threads) == set(t1), (threads.keys(), t1.keys())
for tid, r in threads.items():
    assert r["minflt"] + r["majflt"] == t1[tid] - t0[tid], (tid, r, t1[tid] - t0[tid])
    assert r["minflt"] >= 700
exited = [r for r in rows if r["kind"] == "exited threads"][0]
assert exited["minflt"] == 0
assert abs(proc["minflt_per_s"] - proc["minflt"] / json.load(open(f"{work}/out"))["vmfault"]["samples"][0]["seconds"]) < 1
EOF
	assert_success
}

@test "vmfault: a stopped process takes no fault; several samples" {
	start_fixture --maps 3
	run "$VMFAULT" -J -i 0.2 -n 3 "$FIXTURE_PID"
	assert_success
	echo "$output" | valid_json vmfault
	echo "$output" | "$PY" -c '
import json, sys
s = json.load(sys.stdin)["vmfault"]["samples"]
assert [x["sample"] for x in s] == [1, 2, 3]
for x in s:
    assert all(r["minflt"] == 0 and r["majflt"] == 0 for r in x["rows"]), x'
}

@test "vmfault -- COMMAND: its faults, its children's, and wait4's rusage" {
	run "$VMFAULT" -J -- sh -c "exec '$FIX/faulter' --children 3 --child-pages 500 > /dev/null"
	assert_success
	echo "$output" | valid_json vmfault
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmfault"]
rows = d["samples"][0]["rows"]
proc = [r for r in rows if r["kind"] == "process"][0]
kids = [r for r in rows if r["kind"] == "children"][0]
c = d["command"]
assert c["exit_status"] == 0
assert kids["minflt"] >= 3 * 500, kids
# wait4 adds the command (from its fork) and its children.
assert c["rusage_minflt"] >= proc["minflt"] + kids["minflt"], (c, proc, kids)
assert c["rusage_minflt"] - proc["minflt"] - kids["minflt"] < 500, (c, proc, kids)'
	# The command's exit status is vmfault's.
	run "$VMFAULT" -- sh -c 'exit 7'
	assert_failure 7
	run -127 "$VMFAULT" -- /no/such/command
	assert_failure 127
	assert_output --partial "cannot run '/no/such/command'"
}

@test "vmfault --attribute: the tracepoint's total agrees with the counters" {
	can_trace || skip "needs root and tracefs (the cli-user suite checks the refusal)"
	start_faulter --burst 1000 --threads 1
	"$VMFAULT" -J -a -i 2 "$FAULTER" > "$WORK/out" &
	vf=$!
	# Setting up the instance takes seconds under the sanitizers: burst
	# once it records.
	for _ in $(seq 600); do
		ls -d "$INST/vmscope-$vf-"* > /dev/null 2>&1 && break
		sleep 0.05
	done
	sleep 0.5
	kill -USR1 "$FAULTER"
	wait "$vf"
	valid_json vmfault < "$WORK/out"
	# A fixture that faults in user mode only: equal, but for lost events.
	"$PY" - "$WORK/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["vmfault"]
a = d["attribution"]
assert a["counted"] >= 2000, a
assert a["events"] + a["lost"] == a["counted"], (a["events"], a["lost"], a["counted"])
assert a["code"][0]["faults"] >= 2000 and "faulter" in a["code"][0]["mapping"]
EOF
	no_instance_left
}

@test "vmfault --attribute -- COMMAND: malloc/free of 1 MiB faults every round, reuse does not" {
	can_trace || skip "needs root and tracefs"
	for mode in free reuse; do
		"$VMFAULT" -J -a -N 5 -- sh -c "exec '$FIX/faulter' --$mode-loop 50 > /dev/null" > "$WORK/$mode"
		valid_json vmfault < "$WORK/$mode"
	done
	run "$PY" - "$WORK/free" "$WORK/reuse" <<'EOF'
import json, sys
free = json.load(open(sys.argv[1]))["vmfault"]["attribution"]
reuse = json.load(open(sys.argv[2]))["vmfault"]["attribution"]
for a in (free, reuse):
    # Exec loads the arguments in kernel mode: a few faults the
    # tracepoint does not see (see vmfault(1)), at most 1% + 64.
    assert 0 <= a["counted"] - a["events"] - a["lost"] <= a["counted"] // 100 + 64, a
# 50 rounds of 256 pages, against one round.
assert free["events"] >= 50 * 256, free["events"]
assert reuse["events"] < 2 * 256 + 200, reuse["events"]
# The pages of the block fault once per round.
assert free["pages"][0]["faults"] >= 50, free["pages"][0]
assert free["code"][0]["faults"] >= 49 * 256, free["code"][0]
EOF
	assert_success
	no_instance_left
}

@test "vmfault --attribute: the instance goes on SIGINT, SIGTERM, an error and a closed pipe" {
	can_trace || skip "needs root and tracefs"
	start_fixture --maps 3
	for sig in INT TERM HUP; do
		"$VMFAULT" -a -i 30 "$FIXTURE_PID" > /dev/null 2>&1 &
		vf=$!
		for _ in $(seq 600); do
			ls -d "$INST/vmscope-$vf-"* > /dev/null 2>&1 && break
			sleep 0.05
		done
		ls -d "$INST/vmscope-$vf-"* > /dev/null 2>&1 || fail "no instance while recording"
		kill -$sig "$vf"
		status=0
		wait "$vf" || status=$?
		[ "$status" -eq $((128 + $(kill -l $sig))) ] || fail "SIG$sig: exit $status"
		[ -z "$(ls -d "$INST/vmscope-$vf-"* 2>/dev/null)" ] || fail "SIG$sig left an instance"
	done
	# A command that cannot run: an error after the instance was made.
	run -127 "$VMFAULT" -a -- /no/such/command
	assert_failure 127
	# A closed pipe while printing.
	run bash -c "'$VMFAULT' -a -N 100000 -i 0.2 '$FIXTURE_PID' | head -1"
	no_instance_left
}

@test "vmfault --attribute without root: a clear permission error with a hint" {
	if is_root; then
		skip "root may trace; the cli-user suite runs this"
	fi
	start_fixture --maps 3
	run "$VMFAULT" -a -i 0.1 "$FIXTURE_PID"
	assert_failure 4
	assert_output --regexp "vmfault: (cannot create the tracefs instance|tracefs is not mounted|cannot)"
	assert_output --partial "hint: "
	# Counting needs no privilege.
	run "$VMFAULT" -i 0.1 "$FIXTURE_PID"
	assert_success
}

@test "vmfault: missing processes are 42, bad input is a usage error (exit 2)" {
	missing=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
	while [ -d "/proc/$missing" ]; do missing=$((missing - 1)); done
	run "$VMFAULT" -i 0.1 "$missing"
	assert_failure 42
	assert_output --partial "process $missing not found"
	start_fixture --maps 1
	run "$VMFAULT" -i 0.1 "$FIXTURE_PID" "$missing"
	assert_failure 42
	assert_output --partial "process"
	for args in "-i 0" "-i abc" "-i -1" "-i 1e9" "-n 0" "-n x" "-N 0" "0" "abc" "" \
		    "-i 1 -- true" "-n 2 -- true"; do
		# shellcheck disable=SC2086
		run "$VMFAULT" $args
		assert_failure 2
		assert_output --partial "Try 'vmfault --help'"
	done
}

@test "vmfault: a process that exits during a sample: said, exit 42" {
	start_faulter --free-loop 1000000 --round-ms 1
	( sleep 0.3; kill -9 "$FAULTER" ) &
	sig=$!
	run "$VMFAULT" -i 1 "$FAULTER"
	wait "$sig"
	assert_failure 42
	assert_output --partial "process $FAULTER exited"
}

# Run "$@" in a private mount namespace where tracefs is not mounted: the
# host's mounts are not touched.
without_tracefs() {
	unshare -m --propagation private sh -c '
		umount /sys/kernel/tracing 2>/dev/null
		umount /sys/kernel/debug/tracing 2>/dev/null
		umount /sys/kernel/debug 2>/dev/null
		grep -q " tracefs " /proc/self/mounts && exit 99
		exec "$@"' sh "$@"
}

@test "vmfault --attribute: tracefs not mounted: root mounts it and says so" {
	can_trace || skip "needs root and tracefs"
	command -v unshare >/dev/null || skip "no unshare(1)"
	run without_tracefs "$VMFAULT" -a -- /bin/true
	[ "$status" -ne 99 ] || skip "tracefs cannot be unmounted here"
	assert_success
	assert_output --partial "vmfault: mounted tracefs at /sys/kernel/tracing"
}

@test "vmfault --attribute: tracefs not mounted, not root: a clear error and exit 4" {
	can_trace || skip "needs root to unmount tracefs in a private namespace"
	command -v unshare >/dev/null || skip "no unshare(1)"
	dir=$(mktemp -d /tmp/vmfault-user.XXXXXX)
	cp "$VMFAULT" "$dir/"
	chmod -R a+rX "$dir"
	run without_tracefs setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$dir/vmfault" -a -- /bin/true
	rm -rf "$dir"
	[ "$status" -ne 99 ] || skip "tracefs cannot be unmounted here"
	assert_failure 4
	assert_output --partial "vmfault: tracefs is not mounted"
	assert_output --partial "hint: as root run: mount -t tracefs"
}
