#!/usr/bin/env bats
# The kernel module's documentation against its ABI header, and the
# library's answer on a host without the module. (The module itself is
# checked in a real kernel by tests/vm.)

load helpers
bats_require_minimum_version 1.5.0

ABI=$VMSCOPE_ROOT/lib/vs_kmod_abi.h
MAN=$VMSCOPE_ROOT/man/vmscope.4

# cli-user runs from a copy of build/, tests/ and man/ only.
need_sources() {
	[ -f "$ABI" ] || skip "no lib/ or kmod/ in this copy of the tree"
}

@test "vmscope(4) renders without warnings" {
	run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$MAN' 2>&1 >/dev/null"
	assert_success
	assert_output ""
}

@test "vmscope(4) documents every request, walk error and the ABI version" {
	local name version
	need_sources
	for name in $(grep -o -E '\bVS_(KMOD_IOC|WALK_E)_[A-Z_]+' "$ABI" | sort -u); do
		grep -q -F "$name" "$MAN" || fail "$name is not in vmscope.4"
	done
	version=$(sed -n 's/^#define VS_KMOD_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$ABI")
	[ -n "$version" ]
	grep -A1 -x 'now' "$MAN" | grep -q -x ".BR $version ." ||
		fail "vmscope.4 does not say ABI version $version"
}

@test "vmscope(4) documents every module parameter" {
	local p
	need_sources
	for p in $(sed -n 's/^module_param(\([a-z_]*\),.*/\1/p' "$VMSCOPE_ROOT"/kmod/*.c); do
		grep -q -F ".BI $p=" "$MAN" || fail "parameter $p is not in vmscope.4"
	done
}

# ---- the commands without the module ----------------------------------
# This host cannot load modules (tests/vm runs the commands with it); here
# each command must say what loading it would add, and fail clearly where
# it is required.

teardown() {
	kill_fixtures
}

no_module() {
	[ ! -e /sys/module/vmscope ] || skip "vmscope.ko is loaded on this host"
}

@test "without vmscope.ko: vmfrag, vmslab and vmtlb say once what loading it adds, and JSON module.loaded is false" {
	local c view
	no_module
	for c in vmfrag vmslab vmtlb; do
		run --separate-stderr "$BIN/$c"
		[ "$status" -eq 0 ] || [ "$status" -eq 4 ] || fail "$c exits $status"
		[ "$(echo "$stderr" | grep -c "^$c: note: loading vmscope.ko adds ")" -eq 1 ] ||
			fail "$c: the note is not said exactly once: $stderr"
		# JSON says it in "module", not on stderr.
		run --separate-stderr "$BIN/$c" -J
		! echo "$stderr" | grep -q "note: loading vmscope.ko" ||
			fail "$c -J prints the note"
		echo "$output" | "$PY" -c "
import json, sys
d = json.load(sys.stdin)['$c']
m = d['module']
assert m['loaded'] is False and m['used'] is False and m['error'] is None, m
assert m['adds'].startswith('loading vmscope.ko adds '), m
if '$c' == 'vmtlb':
    assert d['cpu_state'] is None, d['cpu_state']
if '$c' == 'vmfrag':
    assert all(z['pcp_lists'] is None and z['info_source'] != 'vmscope.ko'
               for z in d['zones'])
if '$c' == 'vmslab':
    assert all(c['source'] != 'vmscope.ko' and c['flags'] is None
               and c['cpus_with_slab'] is None for c in d['caches'])"
	done
	# --watch says it once, not per sample.
	run --separate-stderr "$BIN/vmfrag" --watch=0.1 -c 3
	assert_success
	[ "$(echo "$stderr" | grep -c "note: loading vmscope.ko")" -eq 1 ]
}

@test "without vmscope.ko: vmslab --source=kmod exits 3 with the hint to load it" {
	no_module
	run --separate-stderr "$BIN/vmslab" --source=kmod
	assert_failure 3
	echo "$stderr" | grep -q "^vmslab: the vmscope kernel module is not loaded$"
	echo "$stderr" | grep -q "^hint: load it with 'modprobe vmscope'"
	run --separate-stderr "$BIN/vmslab" --source=kmod --sysroot "$VMSCOPE_ROOT/tests/fixtures/kernel/this"
	assert_failure 2
}

@test "without vmscope.ko: vmphys --walk exits 3 with the hint to load it; wrong company is a usage error" {
	no_module
	start_fixture --touch --maps 4
	for args in "--walk $FIXTURE_PID" "-w $FIXTURE_PID 0-7fffffffffff" "-w -J $FIXTURE_PID"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$BIN/vmphys" $args
		assert_failure 3
		[ -z "$output" ] || fail "vmphys $args printed: $output"
		echo "$stderr" | grep -q "^vmphys: --walk reads the page tables through vmscope.ko: the vmscope kernel module is not loaded$"
		echo "$stderr" | grep -q "^hint: load it with 'modprobe vmscope'"
	done
	for args in "--walk" "--walk --pfn 1" "--walk --summary $FIXTURE_PID" \
		    "--walk -l $FIXTURE_PID" "--walk x" "--walk $FIXTURE_PID 5-4" \
		    "--walk --sysroot $VMSCOPE_ROOT/tests/fixtures/kernel/this $FIXTURE_PID"; do
		# shellcheck disable=SC2086
		run "$BIN/vmphys" $args
		assert_failure 2
		assert_output --partial "Try 'vmphys --help'"
	done
	# Its columns are listed without the module.
	run "$BIN/vmphys" --walk --list-columns --raw
	assert_success
	for col in ADDRESS PGD P4D PUD PMD PTE PTE_FLAGS PKEY USER_PGD; do
		echo "$output" | grep -q "^$col " || fail "no column $col"
	done
}
