# phys.bash - what the tests of physical backing share (vmphys, vmmap -B):
# the backer fixture, its regions, and system settings that a test changes
# and must give back.

VMPHYS=$BIN/vmphys
PHYSREAD=$TOOLS/physread.py

# start_backer [--running] BACKER-OPTIONS...: start build/fixtures/backer,
# wait for "ready", stop it (unless --running) and set FIXTURE_PID and
# FIXTURE_OUT (its stdout: "region NAME START END" lines). Its forked
# child, if any, dies with it.
start_backer() {
	start_program backer "$@"
}

# region NAME: "START END" (hex) of a backer region.
region() {
	awk -v n="$1" '$1 == "region" && $2 == n {print $3, $4}' "$FIXTURE_OUT"
}

# The row of vmmap -B -J (first process) that starts at hex $2, from the
# JSON file $1, as "key=value" lines.
backing_row() {
	"$PY" - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for r in doc["vmmap"][0]["backing"]:
    if r["start"] == int(sys.argv[2], 16):
        for k, v in r.items():
            print(f"{k}={'null' if v is None else v}")
PY
}

# Settings a test changes: save_setting FILE remembers its value, and
# restore_settings (called by teardown, even when a test fails) writes
# them back in reverse order.
SAVED_SETTINGS=()
save_setting() {
	SAVED_SETTINGS+=("$1=$(cat "$1")")
}
restore_settings() {
	local i kv
	for ((i = ${#SAVED_SETTINGS[@]} - 1; i >= 0; i--)); do
		kv=${SAVED_SETTINGS[$i]}
		echo "${kv#*=}" > "${kv%%=*}" 2>/dev/null || true
	done
	SAVED_SETTINGS=()
}

# A swap file of $1 MiB enabled for the test (swap_off in teardown).
SWAPFILE=
swap_on() {
	SWAPFILE=$BATS_TEST_TMPDIR/swapfile
	fallocate -l "${1}M" "$SWAPFILE" 2>/dev/null ||
		dd if=/dev/zero of="$SWAPFILE" bs=1M count="$1" status=none || return 1
	chmod 600 "$SWAPFILE"
	mkswap "$SWAPFILE" >/dev/null 2>&1 || return 1
	# Lowest priority: any swap the machine has is used first.
	swapon -p 0 "$SWAPFILE" 2>/dev/null || return 1
}
swap_off() {
	if [ -n "$SWAPFILE" ]; then
		grep -q "^$SWAPFILE " /proc/swaps && swapoff "$SWAPFILE"
		rm -f "$SWAPFILE"
		SWAPFILE=
	fi
}

# page-types from the kernel sources (bench/page-types.sh), or skip with
# the reason.
page_types() {
	local pt=$VMSCOPE_ROOT/build/page-types/page-types
	if [ ! -x "$pt" ]; then
		ls /usr/src/linux-source-*.tar.xz >/dev/null 2>&1 ||
			skip "page-types needs Debian's linux-source (scripts/install-deps.sh test)"
		[ -w "$VMSCOPE_ROOT" ] || skip "page-types is not built (bench/page-types.sh)"
		"$VMSCOPE_ROOT/bench/page-types.sh" >/dev/null 2>&1 ||
			skip "bench/page-types.sh could not build page-types"
	fi
	PAGE_TYPES=$pt
}

# zero_reading FILE: from physread's lines in FILE (one page each, in
# address order), "ZERO ANON RUNS FRAMES": pages kpageflags marks as the
# zero page (KPF_ZERO_PAGE, bit 24), as anonymous (KPF_ANON, bit 12), runs
# of consecutive frames, and distinct frames. The test's own reading, to
# hold vmmap -B and vmphys against, whatever the kernel maps on a read
# fault (some hypervisors, e.g. PVM with pvm_no_zero_page=1, give each
# read fault a frame of its own).
zero_reading() {
	"$PY" - "$1" <<'PY'
import json, sys
pages = [json.loads(l) for l in open(sys.argv[1])]
zero = sum(1 for p in pages if p["flags"] is not None and p["flags"] >> 24 & 1)
anon = sum(1 for p in pages if p["flags"] is not None and p["flags"] >> 12 & 1)
runs, prev = 0, None
for p in pages:
    if p["pfn"] and not (prev and p["pfn"] == prev + 1):
        runs += 1
    prev = p["pfn"]
print(zero, anon, runs, len({p["pfn"] for p in pages if p["pfn"]}))
PY
}
