#!/usr/bin/env bats
# exits.bats - the exit rule of lib/vs_exit.h across every command: each
# case of exits.table prepares its condition (a process that does not
# exist, a zombie, a --sysroot tree with a file removed, emptied,
# replaced by a FIFO or garbage, made unreadable), runs the command line
# and checks its status and its message.

load helpers

TABLE=$BATS_TEST_DIRNAME/exits.table
NOBODY=nobody

teardown() {
	kill_fixtures
	[ -z "${TREES:-}" ] || rm -rf "$TREES"
}

# A PID no process has: above any pid_max (4194304 at most).
free_pid() {
	echo 2147483000
}

# Start a zombie: `zombie child` forks a child that exits, and is stopped
# before it can reap it. Sets ZOMBIE.
start_zombie() {
	start_program zombie child || return 1
	ZOMBIE=$(sed -n 's/^ready child=//p' "$FIXTURE_OUT")
	[ "$(awk '{print $3}' "/proc/$ZOMBIE/stat")" = Z ]
}

# Start a zombie leader whose second thread lives, and stop that thread.
# Sets ZLEADER and ZTHREAD.
start_zleader() {
	local i
	start_program zombie --running leader || return 1
	ZLEADER=$FIXTURE_PID
	ZTHREAD=$(sed -n 's/^ready tid=//p' "$FIXTURE_OUT")
	kill -STOP "$ZLEADER"
	for i in $(seq 1 400); do
		[ "$(awk '{print $3}' "/proc/$ZLEADER/task/$ZTHREAD/stat")" = T ] && break
		sleep 0.01
	done
	[ "$(awk '{print $3}' "/proc/$ZLEADER/stat")" = Z ] &&
		[ "$(awk '{print $3}' "/proc/$ZLEADER/task/$ZTHREAD/stat")" = T ]
}

# prepare_tree TREE OP FILE [TEXT]: a copy of the fixture tree with FILE
# changed; echoes its path. In a directory every user can read, for the
# unreadable case run as another user.
prepare_tree() {
	local tree=$1 op=$2 file=$3 text=${4:-} src d
	case $tree in
	rich) src=$VMSCOPE_ROOT/tests/fixtures/proc/rich ;;
	kernel) src=$VMSCOPE_ROOT/tests/fixtures/kernel/this ;;
	*) echo "unknown tree $tree" >&2; return 1 ;;
	esac
	d=$(mktemp -d "$TREES/tree.XXXXXX")
	cp -a "$src/." "$d/"
	# A file the tree lacks (the captured trees have no pagemap) is
	# created first, so that each operation acts on a file that was there.
	[ -e "$d/$file" ] || { mkdir -p "$(dirname "$d/$file")"; : > "$d/$file"; }
	case $op in
	missing) rm -f "$d/$file" ;;
	empty) : > "$d/$file" ;;
	fifo) rm -f "$d/$file"; mkfifo "$d/$file" ;;
	garbage) printf 'garbage \001 not a line of this file\n' > "$d/$file" ;;
	write) printf '%b' "$text" > "$d/$file" ;;
	unreadable) chmod 000 "$d/$file" ;;
	*) echo "unknown operation $op" >&2; return 1 ;;
	esac
	chmod -R a+rX "$d"
	[ "$op" != unreadable ] || chmod 000 "$d/$file"
	echo "$d"
}

# ROOT/USER -> the part for who runs the test.
pick() {
	case $1 in
	*/*) if is_root; then echo "${1%%/*}"; else echo "${1#*/}"; fi ;;
	*) echo "$1" ;;
	esac
}

trim() {
	local s=$1
	s=${s#"${s%%[![:blank:]]*}"}
	echo "${s%"${s##*[![:blank:]]}"}"
}

@test "exits: every command's status and message, case by case (exits.table)" {
	local line n=0 failed=0 cmdline cond want err out pid root as
	local -a f words
	TREES=$(mktemp -d /tmp/vmscope-exits.XXXXXX)
	chmod 755 "$TREES"
	start_zombie
	start_zleader
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		n=$((n + 1))
		f=()
		while [[ $line == *' | '* ]]; do
			f+=("$(trim "${line%%' | '*}")")
			line=${line#*' | '}
		done
		f+=("$(trim "$line")")
		cmdline=${f[0]} cond=${f[1]} want=$(pick "${f[2]}")
		err=$(pick "${f[3]}") out=${f[4]:-}
		pid= root= as=
		case $cond in
		none) ;;
		nopid) pid=$(free_pid) ;;
		zombie) pid=$ZOMBIE ;;
		zleader) pid=$ZLEADER ;;
		*:*:*)
			local tree op file text rest
			tree=${cond%%:*} rest=${cond#*:}
			op=${rest%%:*} rest=${rest#*:}
			file=${rest%%:*} text=
			[ "$file" = "$rest" ] || text=${rest#*:}
			root=$(prepare_tree "$tree" "$op" "$file" "$text") ||
				{ echo "case $n: cannot prepare $cond" >&2; failed=$((failed + 1)); continue; }
			[ "$op" = unreadable ] && is_root && as=$NOBODY
			;;
		*) echo "case $n: unknown condition '$cond'" >&2; failed=$((failed + 1)); continue ;;
		esac
		cmdline=${cmdline//@PID/$pid}
		cmdline=${cmdline//@SELF/$$}
		cmdline=${cmdline//@ROOT/$root}
		err=${err//@ROOT/$root} err=${err//@PID/$pid}
		out=${out//@ROOT/$root} out=${out//@PID/$pid}
		read -ra words <<< "$cmdline"
		words[0]=$BIN/${words[0]}
		if [ -n "$as" ]; then
			words=(setpriv --reuid="$as" --regid="$(id -g "$as")"
			       --clear-groups "${words[@]}")
		fi
		# A command that hangs (a FIFO opened blocking) fails the case.
		local st=0 why=
		timeout 20 "${words[@]}" > "$BATS_TEST_TMPDIR/out" \
			2> "$BATS_TEST_TMPDIR/err" < /dev/null || st=$?
		[ "$st" -eq "$want" ] || why="status $st, not $want"
		if [ -z "$why" ] && [ "$err" != - ] &&
		   ! grep -Eq -- "$err" "$BATS_TEST_TMPDIR/err"; then
			why="stderr does not match /$err/"
		fi
		if [ -z "$why" ] && [ -n "$out" ]; then
			if [ "${out#!}" != "$out" ]; then
				! grep -Eq -- "${out#!}" "$BATS_TEST_TMPDIR/out" ||
					why="stdout matches /${out#!}/"
			elif ! grep -Eq -- "$out" "$BATS_TEST_TMPDIR/out"; then
				why="stdout does not match /$out/"
			fi
		fi
		if [ -n "$why" ]; then
			failed=$((failed + 1))
			{
				echo "case $n: $cmdline [$cond]: $why"
				sed 's/^/  stderr: /' "$BATS_TEST_TMPDIR/err" | head -5
				sed 's/^/  stdout: /' "$BATS_TEST_TMPDIR/out" | head -3
			} >&2
		fi
	done < "$TABLE"
	echo "$n cases, $failed failed" >&2
	[ "$n" -gt 50 ] || fail "only $n cases read from $TABLE"
	[ "$failed" -eq 0 ] || fail "$failed of $n cases failed"
}

@test "exits: every man page states the one rule, with every status" {
	local m sec
	for m in "$VMSCOPE_ROOT"/man/vm*.1; do
		sec=$(awk '/^\.SH "?EXIT STATUS/{p=1;next} /^\.SH/{p=0} p' "$m")
		[ -n "$sec" ] || fail "$m has no EXIT STATUS"
		for code in 0 1 2 3 4 42; do
			grep -qx "\.B $code" <<< "$sec" || fail "$m: no status $code"
		done
		grep -q 'The rule is the same for every vmscope command' <<< "$sec" ||
			fail "$m: not the common rule"
		tr '\n' ' ' <<< "$sec" | grep -q 'in the order 2, 1, 4, 3, 42' ||
			fail "$m: not the order of lib/vs_exit.h"
		tr '\n' ' ' <<< "$sec" | grep -q 'A partial result' ||
			fail "$m: does not say what a partial result is"
	done
}

@test "exits: vmfault -a as a user under ASan: permission denied, exit 4, nothing leaked" {
	local san=${VMSCOPE_SAN_BIN:-$VMSCOPE_ROOT/build/san/bin} as=()
	[ -x "$san/vmfault" ] || skip "no sanitizer build in $san (make san)"
	start_fixture --maps 1
	# As root the trace would start: run it as a user who may not trace.
	if is_root; then
		as=(setpriv --reuid="$NOBODY" --regid="$(id -g "$NOBODY")" --clear-groups)
	fi
	run "${as[@]}" env ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS="$LSAN_OPTIONS" "$san/vmfault" -a -n 1 -i 0.1 "$FIXTURE_PID"
	refute_output --partial LeakSanitizer
	assert_failure 4
	assert_output --partial "permission denied"
}
