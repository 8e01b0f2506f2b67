#!/usr/bin/env bats
# vmmap -B against smaps, kpagecount read independently, and the kernel's
# own counters, on stopped backer fixtures; as root and (cli-user) as an
# unprivileged user, who sees what pagemap alone shows.

load helpers
load phys

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
	swap_off
	restore_settings
	rm -f "/dev/shm/vmscope-dirty.$$"
}

# Every kind of page but hugetlb, KSM and swap (which need settings).
kinds_fixture() {
	start_backer --anon 64 --zero 32 --thp --fork 16 --file "$WORK/file" \
		--dirty "/dev/shm/vmscope-dirty.$$" --sparse 32 "$@"
}

# vmmap -B -J --output-all of the fixture, checked against its smaps.
check_against_smaps() {
	"$VMMAP" -B -J --output-all "$FIXTURE_PID" > "$WORK/b.json" 2> "$WORK/b.err"
	cat "/proc/$FIXTURE_PID/smaps" > "$WORK/smaps"
	valid_json vmmap < "$WORK/b.json"
	if is_root; then
		run "$PY" "$TOOLS/backing.py" "$WORK/smaps" "$WORK/b.json"
	else
		run "$PY" "$TOOLS/backing.py" "$WORK/smaps" "$WORK/b.json" --user
	fi
	[ "$status" -eq 0 ] || fail "$output"
}

# The value of KEY in the row of region NAME.
figure() {
	backing_row "$WORK/b.json" "$(region "$1" | cut -d' ' -f1)" |
		sed -n "s/^$2=//p"
}

@test "vmmap -B: every mapping agrees with smaps (Rss, Swap, THP, Pss, USS, shared)" {
	kinds_fixture
	check_against_smaps
}

@test "vmmap -B: each kind of page lands in its column" {
	is_root || skip "needs PFNs (root); the degraded output is tested below"
	kinds_fixture
	check_against_smaps
	ps=$(getconf PAGESIZE)
	# Read-only touches: each page as the test's own reading of pagemap
	# and kpageflags finds it (the zero page, or frames of their own).
	read -r lo hi < <(region zero)
	"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/zero.pages"
	read -r nzero nanon nruns _ < <(zero_reading "$WORK/zero.pages")
	[ "$(figure zero zero)" -eq $((nzero * ps)) ] || fail "zero: $(figure zero zero), kpageflags $nzero pages"
	[ "$(figure zero anon)" -eq $((nanon * ps)) ] || fail "anon: $(figure zero anon), kpageflags $nanon pages"
	[ "$(figure zero runs)" -eq "$nruns" ] || fail "runs: $(figure zero runs), pagemap $nruns"
	# Shared with the child: map count 2, half of each page in PSS.
	[ "$(figure shared shared)" -eq $((16 * ps)) ]
	[ "$(figure shared pss)" -eq $((8 * ps)) ]
	[ "$(figure shared file)" -eq $((16 * ps)) ]	# shmem
	[ "$(figure cow shared)" -eq $((16 * ps)) ]
	[ "$(figure cow anon)" -eq $((16 * ps)) ]
	[ "$(figure cow exclusive)" -eq 0 ]
	# 4 MiB with MADV_HUGEPAGE: two whole huge pages, 512 frames a run.
	[ "$(figure thp thp_huge)" -eq 2 ]
	[ "$(figure thp thp)" -eq $((4 << 20)) ]
	[ "$(figure thp max_run)" -ge $((2 << 20)) ]
	# Dirty page cache: the 8 pages written, as smaps counts them.
	[ "$(figure dirty dirty)" -eq $((8 * ps)) ]
	[ "$(figure dirty present)" -eq $((16 * ps)) ]
	[ "$(figure file dirty)" -eq 0 ]
	[ "$(figure file file)" -eq $((16 * ps)) ]
	# Every other page of the sparse region: 16 runs of one page.
	[ "$(figure sparse present)" -eq $((16 * ps)) ]
	[ "$(figure sparse runs)" -eq 16 ]
	[ "$(figure sparse uss)" -eq $((16 * ps)) ]
	# Pages per node add up to the present pages with a frame.
	run "$PY" - "$WORK/b.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["vmmap"][0]["backing"]:
    nodes = sum(v for k, v in r.items() if k.startswith("node"))
    assert nodes == r["present"], (r["name"], nodes, r["present"])
PY
	assert_success
}

@test "vmmap -B: read faults that map the zero page: present, not in Rss" {
	is_root || skip "needs PFNs (root)"
	kinds_fixture
	read -r lo hi < <(region zero)
	"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/zero.pages"
	read -r nzero _ nruns nframes < <(zero_reading "$WORK/zero.pages")
	[ "$nzero" -gt 0 ] || skip "this machine maps no zero page on read faults: kpageflags shows $nframes frames of their own for 32 read pages (a hypervisor's choice, e.g. PVM's pvm_no_zero_page=1); the zero column is checked on a recorded tree in vmphys.bats and in test_pagemap"
	# smaps leaves zero pages out of Rss: present - zero = Rss.
	check_against_smaps
	ps=$(getconf PAGESIZE)
	[ "$(figure zero zero)" -eq $((nzero * ps)) ]
	[ "$(figure zero runs)" -eq "$nruns" ]
	[ "$(figure zero present)" -gt "$(figure zero uss)" ]
}

@test "vmmap -B: shared pages agree with /proc/kpagecount read independently" {
	is_root || skip "kpagecount needs root; the degraded output is tested below"
	kinds_fixture
	"$VMMAP" -B -J --output-all "$FIXTURE_PID" > "$WORK/b.json"
	for r in shared cow anon sparse; do
		read -r lo hi < <(region $r)
		"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/pages"
		want=$("$PY" -c '
import json, sys
ps = int(sys.argv[2])
pages = [json.loads(l) for l in open(sys.argv[1])]
print(sum(ps for p in pages if p["pfn"] and p["count"] > 1),
      sum(ps for p in pages if p["pfn"] and p["count"] == 1),
      sum(ps for p in pages if p["present"]))' "$WORK/pages" "$(getconf PAGESIZE)")
		got="$(figure $r shared) $(figure $r uss) $(figure $r present)"
		[ "$got" = "$want" ] || fail "$r: vmmap $got, kpagecount $want"
	done
}

@test "vmmap -B without CAP_SYS_ADMIN: pagemap's figures, the rest unknown, said once" {
	is_root && skip "root sees PFNs; the cli-user suite runs this"
	kinds_fixture
	check_against_smaps
	# Said once, whatever the number of mappings.
	[ "$(grep -c 'hides physical frame numbers' "$WORK/b.err")" -eq 1 ]
	grep -q '^hint: as root' "$WORK/b.err"
	ps=$(getconf PAGESIZE)
	# What pagemap alone tells.
	[ "$(figure anon present)" -eq $((64 * ps)) ]
	[ "$(figure file file)" -eq $((16 * ps)) ]
	[ "$(figure sparse present)" -eq $((16 * ps)) ]
	[ "$(figure sparse exclusive)" -eq $((16 * ps)) ]
	# Never a count made from hidden PFNs.
	for k in anon zero shared uss pss runs thp; do
		[ "$(figure zero $k)" = null ] || fail "zero $k: $(figure zero $k)"
	done
	# In text: "-".
	run "$VMMAP" -B -o ADDRESS,PRESENT,ANON,PSS "$FIXTURE_PID"
	assert_success
	assert_line --regexp "^ *$(region anon | cut -d' ' -f1) +256K +- +-$"
}

@test "vmmap -B: hugetlb pages, after reserving some" {
	is_root || skip "reserving hugetlb pages (/proc/sys/vm/nr_hugepages) needs root"
	save_setting /proc/sys/vm/nr_hugepages
	old=$(cat /proc/sys/vm/nr_hugepages)
	echo $((old + 2)) > /proc/sys/vm/nr_hugepages
	[ "$(cat /proc/sys/vm/nr_hugepages)" -ge $((old + 2)) ] ||
		skip "the kernel could not reserve 2 hugetlb pages"
	start_backer --hugetlb 2
	check_against_smaps
	[ "$(figure hugetlb hugetlb)" -eq $((4 << 20)) ]
	[ "$(figure hugetlb present)" -eq $((4 << 20)) ]
	[ "$(figure hugetlb thp)" -eq 0 ]
}

@test "vmmap -B: KSM-merged pages, with ksmd running" {
	is_root || skip "starting ksmd (/sys/kernel/mm/ksm/run) needs root"
	[ -d /sys/kernel/mm/ksm ] || skip "the kernel has no KSM"
	save_setting /sys/kernel/mm/ksm/run
	save_setting /sys/kernel/mm/ksm/sleep_millisecs
	save_setting /sys/kernel/mm/ksm/pages_to_scan
	echo 10 > /sys/kernel/mm/ksm/sleep_millisecs
	echo 1000 > /sys/kernel/mm/ksm/pages_to_scan
	echo 1 > /sys/kernel/mm/ksm/run
	start_backer --running --ksm 64
	# Wait for ksmd to merge them (it scans only MADV_MERGEABLE areas).
	for _ in $(seq 1 200); do
		n=$(awk '/^KSM:/ {s += $2} END {print s + 0}' "/proc/$FIXTURE_PID/smaps")
		[ "$n" -ge 200 ] && break
		sleep 0.05
	done
	kill -STOP "$FIXTURE_PID"
	wait_stopped "$FIXTURE_PID"
	[ "$n" -gt 0 ] || skip "ksmd merged nothing in 10 s"
	check_against_smaps
	[ "$(figure ksm ksm)" -gt 0 ]
	[ "$(figure ksm ksm)" -eq "$(figure ksm anon)" ] || [ "$(figure ksm ksm)" -le "$(figure ksm present)" ]
}

@test "vmmap -B: swapped pages, with a swap file" {
	is_root || skip "swapon needs root"
	swap_on 64 || skip "this machine cannot enable a swap file"
	start_backer --pageout 64
	n=$(awk '/^Swap:/ {s += $2} END {print s + 0}' "/proc/$FIXTURE_PID/smaps")
	[ "$n" -gt 0 ] || skip "MADV_PAGEOUT swapped nothing out"
	check_against_smaps
	[ "$(figure pageout swapped)" -eq $((n * 1024)) ]
}

@test "vmmap -B: soft-dirty pages after clear_refs 4" {
	grep -q ' sd' "/proc/self/smaps" ||
		skip "kernel without CONFIG_MEM_SOFT_DIRTY: no 'sd' in VmFlags"
	start_backer --running --anon 64
	echo 4 > "/proc/$FIXTURE_PID/clear_refs"
	kill -USR1 "$FIXTURE_PID"
	for _ in $(seq 1 200); do grep -q '^wrote' "$FIXTURE_OUT" && break; sleep 0.01; done
	kill -STOP "$FIXTURE_PID"
	wait_stopped "$FIXTURE_PID"
	"$VMMAP" -B -J --output-all "$FIXTURE_PID" > "$WORK/b.json"
	[ "$(figure anon soft_dirty)" -eq $((32 * $(getconf PAGESIZE))) ]
}

@test "vmmap -B: memory stays bounded on a 16 GiB process" {
	case "$BIN" in */san/*) skip "sanitizer builds use more memory by design" ;; esac
	start_backer --span 16384
	kib=$( { /usr/bin/time -f '%M' "$VMMAP" -B "$FIXTURE_PID" > "$WORK/out"; } 2>&1 | tail -1)
	[ "$kib" -lt 16384 ] || fail "vmmap -B used $kib KiB"
	read -r lo _ < <(region span)
	"$VMMAP" -B -J -o ADDRESS,PRESENT "$FIXTURE_PID" > "$WORK/b.json"
	[ "$(backing_row "$WORK/b.json" "$lo" | sed -n 's/^present=//p')" -eq $((8192 * $(getconf PAGESIZE))) ]
}

@test "vmmap -B: -o, --list-columns and option conflicts" {
	run "$VMMAP" -B --list-columns
	assert_success
	assert_output --partial "THP_HUGE"
	assert_output --partial "NODE0"
	for args in "-B -x 1" "-B -X 1" "-B --summary 1" "-B --sort rss 1" "-B -d 1"; do
		# shellcheck disable=SC2086
		run "$VMMAP" $args
		assert_failure 2
	done
	run "$VMMAP" -B -o NOPE 1
	assert_failure 2
	assert_output --partial "unknown column 'NOPE'"
	start_backer --anon 4
	run "$VMMAP" -B -o ADDRESS,PRESENT,NAME "$FIXTURE_PID"
	assert_success
	assert_line --index 1 --regexp '^ *ADDRESS +PRESENT +NAME$'
	assert_line --regexp ' total$'
}

@test "vmmap -B: a vanished process is exit 42, another user's exit 4" {
	start_backer --anon 1
	pid=$FIXTURE_PID
	kill_fixtures
	run "$VMMAP" -B "$pid"
	assert_failure 42
	assert_output --partial "process $pid not found"
	if ! is_root; then
		run "$VMMAP" -B 1
		assert_failure 4
		assert_output --partial "permission denied"
	fi
}
