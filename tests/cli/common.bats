#!/usr/bin/env bats
# Every command, the same checks: --help, --version, a bad option, JSON that
# parses and fits its schema, and options that --help, the man page and the
# three completions all list alike.

load helpers

teardown() {
	kill_fixtures
}

commands() {
	local c
	for c in "$BIN"/*; do
		[ -x "$c" ] && basename "$c"
	done
}

# The arguments that make COMMAND print JSON about process $2 (or the
# system); a command missing here fails the test, so each new one adds
# its line.
json_args() {
	case $1 in
	vmmap) echo "-J $2" ;;
	vmphys) echo "-J -l $2 0-7fffffffffff" ;;
	vmtop) echo "-J -t -p $2" ;;
	vmfault) echo "-J -i 0.1 $2" ;;
	vmfrag) echo "-J" ;;
	vmslab) echo "-J --sysroot $VMSCOPE_ROOT/tests/fixtures/kernel/this" ;;
	vmtlb) echo "-J $2" ;;
	*) return 1 ;;
	esac
}

@test "every command: --help, --version and a bad option" {
	for c in $(commands); do
		run "$BIN/$c" --help
		assert_success
		assert_output --partial "Usage:"
		run "$BIN/$c" -h
		assert_success
		run "$BIN/$c" --version
		assert_success
		assert_output --regexp "^$c from vmscope [0-9.]+$"
		run "$BIN/$c" --no-such-option
		assert_failure 2
		assert_output --partial "Try '$c --help'"
	done
}

@test "every command: its JSON parses and fits man/schema/NAME.json" {
	start_fixture --touch --maps 10 --sysv --threads 1
	for c in $(commands); do
		args=$(json_args "$c" "$FIXTURE_PID") || fail "$c: no JSON invocation in common.bats"
		[ -f "$VMSCOPE_ROOT/man/schema/$c.json" ] || fail "$c: no schema"
		# shellcheck disable=SC2086
		"$BIN/$c" $args > "$BATS_TEST_TMPDIR/$c.json" || fail "$c $args failed"
		valid_json "$c" < "$BATS_TEST_TMPDIR/$c.json"
	done
}

@test "every command: --help, man page and completions list the same options" {
	for c in $(commands); do
		run "$PY" "$TOOLS/options.py" "$VMSCOPE_ROOT" "$BIN/$c"
		[ "$status" -eq 0 ] || fail "$output"
	done
}

@test "every command: a man page with EXIT STATUS and the codes of vs_exit.h" {
	for c in $(commands); do
		man=$VMSCOPE_ROOT/man/$c.1
		[ -f "$man" ] || fail "$c: no man page"
		grep -q '^\.SH EXIT STATUS' "$man" || fail "$c: no EXIT STATUS"
		grep -q '^\.SH EXAMPLES' "$man" || fail "$c: no EXAMPLES"
		# man renders it without warnings.
		run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$man' 2>&1 >/dev/null"
		[ -z "$output" ] || fail "$c: man warns: $output"
	done
}
