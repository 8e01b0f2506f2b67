#!/usr/bin/env bats
# The kernel module's documentation against its ABI header, and the
# library's answer on a host without the module. (The module itself is
# checked in a real kernel by tests/vm.)

load helpers

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
