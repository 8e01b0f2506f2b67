# helpers.bash - what the CLI tests share: paths, fixture processes that are
# stopped while two tools look at them, and comparisons with pmap.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

VMSCOPE_ROOT=${VMSCOPE_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
BIN=${VMSCOPE_BIN:-$VMSCOPE_ROOT/build/bin}
FIX=${VMSCOPE_FIXTURES:-$(dirname "$BIN")/fixtures}
[ -d "$FIX" ] || FIX=$VMSCOPE_ROOT/build/fixtures
PY=/usr/bin/python3
TOOLS=$VMSCOPE_ROOT/tests/tools
VMMAP=$BIN/vmmap

# Under LeakSanitizer, allocations libraries keep until exit are not ours
# (tests/run sets the same when it runs the suites).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$VMSCOPE_ROOT/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}

FIXTURE_PIDS=()

is_root() { [ "$(id -u)" -eq 0 ]; }

# Wait until process $1 is in state T (stopped).
wait_stopped() {
	local i state
	for i in $(seq 1 400); do
		state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
		[ "$state" = T ] && return 0
		sleep 0.01
	done
	return 1
}

# start_program PROGRAM [--running] OPTIONS...: start build/fixtures/PROGRAM,
# wait (up to 10 s) for its "ready" line, stop it with SIGSTOP (unless
# --running) and set FIXTURE_PID, FIXTURE_OUT (its stdout) and FIXTURE_ERR.
# teardown kills it.
start_program() {
	local prog=$1 stop=1 out pid i
	shift
	if [ "${1:-}" = --running ]; then stop=0; shift; fi
	out=$(mktemp "$BATS_TEST_TMPDIR/$prog.XXXXXX")
	"$FIX/$prog" "$@" > "$out" 2> "$out.err" 3>&- &
	pid=$!
	FIXTURE_PIDS+=("$pid")
	for i in $(seq 1 1000); do
		grep -q '^ready' "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	grep -q '^ready' "$out" || { cat "$out.err" >&2; return 1; }
	if [ $stop = 1 ]; then
		kill -STOP "$pid"
		wait_stopped "$pid"
	fi
	FIXTURE_PID=$pid
	FIXTURE_OUT=$out
	FIXTURE_ERR=$out.err
}

# start_fixture [--running] MAPPER-OPTIONS...: build/fixtures/mapper.
start_fixture() {
	start_program mapper "$@"
}

kill_fixtures() {
	local p
	for p in "${FIXTURE_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	# Under LeakSanitizer, allocations libraries keep until exit are not ours
# (tests/run sets the same when it runs the suites).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$VMSCOPE_ROOT/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0}

FIXTURE_PIDS=()
}

# pmap and vmmap with the same arguments: same stdout, same exit status.
same_as_pmap() {
	local pm vm pst vst
	pm=$(pmap "$@" 2>/dev/null; echo "status=$?")
	vm=$("$VMMAP" "$@" 2>/dev/null; echo "status=$?")
	if [ "$pm" != "$vm" ]; then
		diff -u <(echo "$pm") <(echo "$vm") | head -40 >&2
		fail "vmmap $* differs from pmap $*"
	fi
}

# For -X, -XX and rc views: the same bytes but the footer, where vmmap
# leaves the sums of non-additive fields (page sizes, THPeligible,
# ProtectionKey) blank. The footer's other sums must equal pmap's.
same_as_pmap_but_footer() {
	local pm vm
	pm=$(pmap "$@")
	vm=$("$VMMAP" "$@")
	run "$PY" "$TOOLS/compare_footer.py" <(echo "$pm") <(echo "$vm")
	[ "$status" -eq 0 ] || { echo "$output" >&2; fail "vmmap $* differs from pmap $*"; }
}

# Validate JSON from stdin against man/schema/$1.json.
valid_json() {
	"$PY" "$TOOLS/validate_json.py" "$VMSCOPE_ROOT/man/schema/$1.json"
}
