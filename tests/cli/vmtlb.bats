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

# Captured kernel trees: tests/fixtures/kernel/*/ with recorded cpuid.
FIXTREES=$VMSCOPE_ROOT/tests/fixtures/kernel

# Whether two cpuid dumps hold the same leaves the TLBs are decoded from
# (vendor and signature, 2, 0x18, 0x80000005/6/19), as cpuid_dump wrote.
same_tlb_leaves() {
	"$PY" - "$1" "$2" <<'PY'
import sys
def leaves(path):
    out = {}
    for line in open(path):
        t = line.split()
        if len(t) == 6 and not line.startswith("#"):
            leaf = int(t[0], 16)
            regs = t[2:]
            if leaf == 1:
                regs = [regs[0]]	# EAX: family, model, stepping
            if leaf in (0, 1, 2, 0x18, 0x80000005, 0x80000006, 0x80000019):
                out[(leaf, int(t[1], 16))] = regs
    return out
sys.exit(0 if leaves(sys.argv[1]) == leaves(sys.argv[2]) else 1)
PY
}

# Start build/fixtures/tlbstorm with "$@"; STORM_PID.
start_storm() {
	"$FIX/tlbstorm" "$@" > "$WORK/storm.out" &
	STORM_PID=$!
	FIXTURE_PIDS+=("$STORM_PID")
	for _ in $(seq 200); do grep -q ready "$WORK/storm.out" && break; sleep 0.01; done
	grep -q ready "$WORK/storm.out"
}

# Under a tlbstorm: /proc/interrupts to $WORK/before and after, around
# vmtlb -J -d 1 to $WORK/out.json (valid).
storm_run() {
	need_trace
	[ "$(nproc)" -ge 2 ] || skip "a shootdown needs a second CPU"
	start_storm
	cat /proc/interrupts > "$WORK/before"
	run --separate-stderr "$VMTLB" -J -d 1
	cat /proc/interrupts > "$WORK/after"
	assert_success
	echo "$output" > "$WORK/out.json"
	valid_json vmtlb < "$WORK/out.json"
}

# Wait until process $1 has its instance (it is measuring).
# (Up to 30 s: a sanitizer build on a loaded machine starts slowly.)
wait_instance() {
	for _ in $(seq 3000); do
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
	# The leaves recorded now (cpuid_dump) decode to the TLBs read from
	# the instruction; so do a captured tree's when its CPU's TLB leaves
	# are these (equal leaves, not an equal "model name": one name, such
	# as "AMD EPYC", covers CPUs whose TLBs differ).
	mkdir -p "$WORK/now/proc" "$WORK/now/vmscope"
	cat /proc/cpuinfo > "$WORK/now/proc/cpuinfo"
	cat /proc/interrupts > "$WORK/now/proc/interrupts"
	"$FIX/cpuid_dump" > "$WORK/now/vmscope/cpuid"
	compared=
	for tree in "$WORK/now" "$FIXTREES"/*/; do
		tree=${tree%/}
		[ -f "$tree/vmscope/cpuid" ] && [ -f "$tree/proc/cpuinfo" ] || continue
		run --separate-stderr "$VMTLB" -J --sysroot "$tree"
		assert_success
		echo "$output" > "$WORK/rec.json"
		# (A CPU model that describes no TLB: the test below.)
		grep -q '"cpu": null' "$WORK/rec.json" && continue
		run "$PY" "$TOOLS/tlb_check.py" geometry "$WORK/rec.json" "$tree/proc/cpuinfo"
		[ "$status" -eq 0 ] || fail "$tree: $output"
		same_tlb_leaves "$WORK/now/vmscope/cpuid" "$tree/vmscope/cpuid" || continue
		run "$PY" -c "
import json
a = json.load(open('$WORK/live.json'))['vmtlb']['cpu']
b = json.load(open('$WORK/rec.json'))['vmtlb']['cpu']
for k in ('vendor', 'family', 'model', 'stepping', 'tlbs'):
    assert a[k] == b[k], (k, a[k], b[k])"
		[ "$status" -eq 0 ] || fail "$tree: $output"
		compared+=" $(basename "$tree")"
	done
	[[ "$compared" == " now"* ]] || fail "the leaves recorded now differ from themselves?"
	echo "compared with the live CPU:$compared"
}

@test "vmtlb --sysroot: each captured tree's CPU and TLBs as an independent reading of its leaves" {
	# amd-zen5-pvm: an AMD EPYC PVM guest; intel-qemu-skylake: qemu's
	# model of a Skylake-Server (no silicon; see their machine.txt).
	n=0
	for tree in "$FIXTREES"/*/; do
		tree=${tree%/}
		[ -f "$tree/vmscope/cpuid" ] || continue
		n=$((n + 1))
		"$PY" "$TOOLS/cpuid_tlb.py" "$tree/vmscope/cpuid" > "$WORK/ref.json"
		# A tree of cpuid leaves alone has no /proc/interrupts: exit 3.
		run --separate-stderr "$VMTLB" -J --sysroot "$tree"
		if [ -f "$tree/proc/interrupts" ]; then
			assert_success
		else
			assert_failure 3
		fi
		echo "$output" > "$WORK/out.json"
		valid_json vmtlb < "$WORK/out.json"
		run "$PY" - "$WORK/out.json" "$WORK/ref.json" "$tree/vmscope/dmesg" <<'PY'
import json, os, re, sys
d = json.load(open(sys.argv[1]))["vmtlb"]
ref = json.load(open(sys.argv[2]))
c = d["cpu"]
# The guest kernel's own decoding, where its log was captured: "Last
# level dTLB entries: 4KB 0, 2MB 0, ..." (arch/x86/kernel/cpu).
if os.path.exists(sys.argv[3]):
    m = re.search(r"Last level dTLB entries: 4KB (\d+), 2MB (\d+)", open(sys.argv[3]).read())
    if m and m.group(1) == m.group(2) == "0":
        assert c is None or not any(t["type"] != "instruction" for t in c["tlbs"]), c
    elif m:
        assert c is not None and any(t["type"] != "instruction" for t in c["tlbs"]), d
intel_none = (ref["vendor"] == "GenuineIntel" and not ref["intel_tlb_descriptors"]
              and not ref["intel_leaf18_tlbs"])
if intel_none:
    assert c is None and "describes no TLB" in d["cpu_error"], d
    print(f"{ref['vendor']} {ref['family']}/{ref['model']:#x}: no TLB in its leaves, as vmtlb says")
    sys.exit(0)
for k in ("vendor", "family", "model", "stepping"):
    assert c[k] == ref[k], (k, c[k], ref[k])
if ref["amd_l2_4k_entries"] is not None:
    l2 = sum(t["entries"] for t in c["tlbs"] if t["level"] == 2 and t["page_sizes"] == "4K")
    assert l2 == ref["amd_l2_4k_entries"], (l2, ref)
if ref["intel_leaf18_tlbs"]:
    assert len({t["leaf"] for t in c["tlbs"]}) == 1 and c["tlbs"][0]["leaf"] == "0x18", c
print(f"{ref['vendor']} {ref['family']}/{ref['model']:#x}: as its leaves say")
PY
		[ "$status" -eq 0 ] || fail "$tree: $output"
		echo "$output"
		if [ -f "$tree/proc/interrupts" ] && [ -f "$tree/proc/cpuinfo" ]; then
			run "$PY" "$TOOLS/tlb_check.py" causes "$WORK/out.json" "$tree/proc/cpuinfo" "$tree/proc/interrupts" "$tree/vmscope/cpuid"
			[ "$status" -eq 0 ] || fail "$tree: $output"
		fi
	done
	[ "$n" -ge 3 ] || fail "only $n captured trees with cpuid leaves"
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
	storm_run
	run "$PY" "$TOOLS/tlb_check.py" interrupts "$WORK/before" "$WORK/after" "$WORK/out.json"
	echo "$output"
	assert_success
	run "$PY" "$TOOLS/tlb_check.py" storm "$WORK/out.json" "$STORM_PID"
	echo "$output"
	assert_success
	# Why interrupts may miss flushes: as the machine reads independently.
	"$FIX/cpuid_dump" > "$WORK/cpuid"
	run "$PY" "$TOOLS/tlb_check.py" causes "$WORK/out.json" /proc/cpuinfo "$WORK/after" "$WORK/cpuid"
	echo "$output"
	assert_success
}

@test "vmtlb -d: under a storm, the flush requests arrive as TLB interrupts" {
	# What a machine that flushes without IPIs cannot show: skipped, with
	# the reason read independently (cpuinfo, cpuid, /proc/interrupts).
	storm_run
	"$FIX/cpuid_dump" > "$WORK/cpuid"
	run "$PY" "$TOOLS/tlb_check.py" storm-irqs "$WORK/before" "$WORK/after" "$WORK/out.json" /proc/cpuinfo "$WORK/cpuid"
	[ "$status" -ne 3 ] || skip "$output"
	echo "$output"
	assert_success
}

@test "vmtlb: the causes of flushes without IPIs, as cpuinfo, cpuid and /proc/interrupts say" {
	"$FIX/cpuid_dump" > "$WORK/cpuid"
	cat /proc/interrupts > "$WORK/irq"
	run --separate-stderr "$VMTLB" -J
	assert_success
	echo "$output" > "$WORK/out.json"
	valid_json vmtlb < "$WORK/out.json"
	run "$PY" "$TOOLS/tlb_check.py" causes "$WORK/out.json" /proc/cpuinfo "$WORK/irq" "$WORK/cpuid"
	echo "$output"
	assert_success
	# Each cause, on a tree that has it (the expectation follows from the
	# files written here): a KVM guest, INVLPGB, one CPU.
	mkdir -p "$WORK/t/proc" "$WORK/t/vmscope"
	printf 'processor\t: 0\nflags\t\t: fpu hypervisor invlpgb\nTLB size\t: 3072 4K pages\n\n' > "$WORK/t/proc/cpuinfo"
	printf '           CPU0\nTLB:          5   TLB shootdowns\n' > "$WORK/t/proc/interrupts"
	# AuthenticAMD, the hypervisor bit, "KVMKVMKVM", AMD's TLB leaves.
	cat > "$WORK/t/vmscope/cpuid" <<-EOF
	0x00000000 0x0 0x00000010 0x68747541 0x444d4163 0x69746e65
	0x00000001 0x0 0x00a00f11 0x00000800 0x80000000 0x178bfbff
	0x40000000 0x0 0x40000001 0x4b4d564b 0x564b4d56 0x0000004d
	0x80000000 0x0 0x80000022 0x68747541 0x444d4163 0x69746e65
	0x80000005 0x0 0xff40ff40 0xff40ff40 0x20080140 0x20080140
	0x80000006 0x0 0x48002200 0x68004200 0x02006140 0x08009140
	EOF
	run --separate-stderr "$VMTLB" -J --sysroot "$WORK/t"
	assert_success
	echo "$output" > "$WORK/t.json"
	run "$PY" "$TOOLS/tlb_check.py" causes "$WORK/t.json" "$WORK/t/proc/cpuinfo" "$WORK/t/proc/interrupts" "$WORK/t/vmscope/cpuid"
	echo "$output"
	assert_success
	assert_output --partial "('hypervisor', 'KVMKVMKVM'), ('invlpgb', None), ('one_cpu', None)"
	"$PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))["vmtlb"]["shootdowns"]["without_ipis"]
assert c[0]["hypervisor"] == "KVM", c' "$WORK/t.json"
	run --separate-stderr "$VMTLB" --sysroot "$WORK/t"
	assert_success
	assert_output --partial "remote flushes may raise no TLB interrupt here: a guest of a hypervisor (cpuinfo flag 'hypervisor'; cpuid 0x40000000 in user space: 'KVMKVMKVM', KVM)"
	assert_output --partial "and the CPU broadcasts invalidations (cpuinfo flag 'invlpgb')"
	assert_output --partial "and one online CPU"
	# None of them: an empty list, and nothing said.
	printf 'processor\t: 0\nflags\t\t: fpu\n\n' > "$WORK/t/proc/cpuinfo"
	printf '           CPU0       CPU1\nTLB:          5          7   TLB shootdowns\n' > "$WORK/t/proc/interrupts"
	sed -i -e '/^0x40000000/d' -e 's/^\(0x00000001 0x0 0x00a00f11 0x00000800\) 0x80000000/\1 0x00000000/' "$WORK/t/vmscope/cpuid"
	run --separate-stderr "$VMTLB" -J --sysroot "$WORK/t"
	assert_success
	echo "$output" | "$PY" -c '
import json, sys
assert json.load(sys.stdin)["vmtlb"]["shootdowns"]["without_ipis"] == []'
	run --separate-stderr "$VMTLB" --sysroot "$WORK/t"
	refute_output --partial "remote flushes may raise no TLB interrupt"
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
	"$VMTLB" -d 3 > /dev/full 2> "$WORK/err" &
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

@test "vmtlb as a user: tracing refused (permission denied, null in JSON), the rest shown, exit 4" {
	is_root && skip "runs in the cli-user suite"
	# Tracing refused (tracefs is root's): said, the rest shown, exit 4.
	run --separate-stderr "$VMTLB" -J -d 0.3
	assert_failure 4
	echo "$stderr" | grep -q "tlb:tlb_flush not traced: .*permission denied" ||
		fail "stderr: $stderr"
	if echo "$stderr" | grep -q "has no tracepoint"; then
		fail "a refused tracefs said to lack the tracepoint: $stderr"
	fi
	echo "$output" | valid_json vmtlb
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtlb"]
assert d["tlb_flush"] is None and d["tlb_flush_error"]
assert d["shootdowns"]["cpus"] and all(c["traced_remote"] is None for c in d["shootdowns"]["cpus"])
assert d["cpu"] is not None'
	# Asking for no trace is asking for nothing refused.
	run --separate-stderr "$VMTLB" -d 0.2 --no-trace
	assert_success
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
	# Its JSON still has every member the schema requires (null).
	run --separate-stderr "$VMTLB" -J --sysroot "$WORK/t"
	assert_failure 3
	echo "$output" | valid_json vmtlb
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
