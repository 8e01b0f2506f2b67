#!/usr/bin/env bats
# vmphys against an independent reading of pagemap, kpageflags and
# kpagecount (tests/tools/physread.py), and against the kernel's
# page-types; as root and (cli-user) as an unprivileged user.

load helpers
load phys

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
	swap_off
}

# Flag bits that aging and other processes change between two reads of a
# page: referenced, lru, active, idle.
LRU_BITS=0x2000064

kinds_fixture() {
	start_backer --anon 16 --zero 8 --thp --fork 8 --file "$WORK/file" --sparse 16
}

# Compare vmphys -J (file $1, one page a row) with physread (file $2).
same_pages() {
	"$PY" - "$1" "$2" "$LRU_BITS" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["vmphys"]["pages"]
ref = [json.loads(l) for l in open(sys.argv[2])]
mask = ~int(sys.argv[3], 16)
assert len(rows) == len(ref), (len(rows), len(ref))
for r, p in zip(rows, ref):
    where = hex(p["address"])
    assert r["address"] == p["address"], where
    pm = r["pagemap"]
    assert (pm[0] == "P") == p["present"], where
    assert (pm[1] == "w") == p["swapped"], where
    assert (pm[2] == "F") == p["file"], where
    assert (pm[3] == "1") == p["exclusive"], where
    assert (pm[4] == "f") == p["soft_dirty"], where
    assert r["pfn"] == p["pfn"], (where, r["pfn"], p["pfn"])
    if p["pfn"]:
        assert r["phys"] == p["pfn"] * 4096 or r["phys"] % p["pfn"] == 0, where
        assert r["kpageflags"] & mask == p["flags"] & mask, (where, hex(r["kpageflags"]), hex(p["flags"]))
        assert r["mapcount"] == p["count"], (where, r["mapcount"], p["count"])
    else:
        assert r["kpageflags"] is None and r["mapcount"] is None, where
PY
}

@test "vmphys: each page as pagemap, kpageflags and kpagecount say, read independently" {
	kinds_fixture
	for r in anon zero thp shared cow file sparse; do
		read -r lo hi < <(region $r)
		"$VMPHYS" -J --output-all "$FIXTURE_PID" "$lo-$hi" > "$WORK/v.json" 2> "$WORK/v.err"
		valid_json vmphys < "$WORK/v.json"
		"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/ref"
		run same_pages "$WORK/v.json" "$WORK/ref"
		[ "$status" -eq 0 ] || fail "$r: $output"
	done
	if is_root; then
		# The kinds, by flag name: a read page is the zero page where
		# kpageflags, read by the test, says so (not on every machine).
		read -r lo _ < <(region zero)
		"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$(printf '%x' $((0x$lo + 4096)))" > "$WORK/zero.pages"
		read -r nzero nanon _ _ < <(zero_reading "$WORK/zero.pages")
		run "$VMPHYS" -o FLAG_NAMES,MAPCOUNT -n "$FIXTURE_PID" "$lo+4K"
		if [ "$nzero" -eq 1 ]; then
			assert_output --regexp 'zero_page'
		else
			refute_output --regexp 'zero_page'
		fi
		if [ "$nanon" -eq 1 ]; then
			assert_output --regexp '(^|,)anon(,| )'
		else
			refute_output --regexp '(^|,)anon(,| )'
		fi
		read -r lo _ < <(region shared)
		run "$VMPHYS" -o MAPCOUNT -n --raw "$FIXTURE_PID" "$lo+4K"
		assert_output 2
		read -r lo _ < <(region thp)
		run "$VMPHYS" -o FLAG_NAMES -n "$FIXTURE_PID" "$lo+8K"
		assert_line --index 0 --regexp 'compound_head.*thp'
		assert_line --index 1 --regexp 'compound_tail.*thp'
	else
		grep -q 'hides physical frame numbers' "$WORK/v.err"
		# (the sparse region is made after the fork: mapped once)
		read -r lo _ < <(region sparse)
		"$VMPHYS" "$FIXTURE_PID" "$lo+4K" > "$WORK/text" 2> /dev/null
		run sed -n 2p "$WORK/text"
		assert_output --regexp "^ *$lo +- +- +- +- +P__1___ +- +-$"
	fi
}

@test "vmphys -l: runs of contiguous frames add up to the pages" {
	kinds_fixture
	read -r lo hi < <(region thp)
	# Pages are listed before and after the runs. The map count of a page
	# other processes share (library pages) can move in between, and even
	# move back, as processes start and exit: it is compared only in the
	# fixture's own THP region, and elsewhere where the page's map count
	# is at most 2 (the fixture and its child) and both listings agree.
	"$VMPHYS" -J --output-all "$FIXTURE_PID" "$lo-$hi" 0-7fffffffffff > "$WORK/pages0.json"
	"$VMPHYS" -J -l --output-all "$FIXTURE_PID" "$lo-$hi" 0-7fffffffffff > "$WORK/runs.json"
	"$VMPHYS" -J --output-all "$FIXTURE_PID" "$lo-$hi" 0-7fffffffffff > "$WORK/pages.json"
	run "$PY" - "$WORK/runs.json" "$WORK/pages.json" "$LRU_BITS" "$WORK/pages0.json" "$lo" "$hi" <<'PY'
import json, sys
mask = ~int(sys.argv[3], 16)
lo, hi = int(sys.argv[5], 16), int(sys.argv[6], 16)
runs = json.load(open(sys.argv[1]))["vmphys"]["pages"]
pages = json.load(open(sys.argv[2]))["vmphys"]["pages"]
before = json.load(open(sys.argv[4]))["vmphys"]["pages"]
assert len(before) == len(pages)
assert sum(r["pages"] for r in runs) == len(pages)
i = 0
for r in runs:
    for k in range(r["pages"]):
        p = pages[i + k]
        assert p["address"] == r["address"] + k * 4096
        if r["pfn"] is not None:
            assert p["pfn"] == r["pfn"] + k, (hex(p["address"]), p["pfn"], r["pfn"])
        if r["kpageflags"] is not None:
            assert p["kpageflags"] & mask == r["kpageflags"] & mask
        mine = lo <= p["address"] < hi or (p["mapcount"] or 0) <= 2
        if mine and before[i + k]["mapcount"] == p["mapcount"]:
            assert p["mapcount"] == r["mapcount"], (hex(p["address"]), p["mapcount"], r["mapcount"])
    i += r["pages"]
PY
	[ "$status" -eq 0 ] || fail "$output"
	if is_root; then
		# A huge page is one head and one run of 511 tails.
		run "$VMPHYS" -l -o PAGES -n --raw "$FIXTURE_PID" "$lo+2M"
		assert_output "1
511"
	fi
}

@test "vmphys --pfn: frames as kpageflags and kpagecount say" {
	if ! is_root; then
		run "$VMPHYS" --pfn 0x1000+4
		assert_failure 4
		assert_output --partial "cannot open '/proc/kpageflags': permission denied"
		assert_output --partial "hint: reading '/proc/kpageflags' needs root"
		return
	fi
	kinds_fixture
	read -r lo hi < <(region anon)
	"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/ref"
	for pfn in $("$PY" -c 'import json,sys; print(" ".join(str(json.loads(l)["pfn"]) for l in open(sys.argv[1])))' "$WORK/ref"); do
		"$VMPHYS" -J --pfn "$pfn" > "$WORK/f.json"
		valid_json vmphys < "$WORK/f.json"
		"$PY" - "$WORK/f.json" "$WORK/ref" "$pfn" "$LRU_BITS" <<'PY' || fail "frame $pfn"
import json, sys
f = json.load(open(sys.argv[1]))["vmphys"]["frames"]
ref = {json.loads(l)["pfn"]: json.loads(l) for l in open(sys.argv[2])}
p = ref[int(sys.argv[3])]
mask = ~int(sys.argv[4], 16)
assert len(f) == 1 and f[0]["pfn"] == p["pfn"]
assert f[0]["mapcount"] == p["count"]
assert f[0]["flags"] is not None and "anon" in f[0]["flag_names"]
PY
	done
	# A range, and past the end of memory.
	run "$VMPHYS" -n --raw -o PFN --pfn 0x1000-0x1004
	assert_success
	assert_output "1000
1001
1002
1003"
	run "$VMPHYS" --pfn 0x7ffffffffffff
	assert_failure 1
	assert_output --partial "past the end of memory"
}

@test "vmphys --summary PID: page-types -p's summary" {
	is_root || skip "kpageflags needs root; page-types too"
	page_types
	kinds_fixture
	"$PAGE_TYPES" -p "$FIXTURE_PID" > "$WORK/pt"
	"$VMPHYS" -J --summary "$FIXTURE_PID" > "$WORK/s.json"
	valid_json vmphys < "$WORK/s.json"
	run "$PY" "$TOOLS/pagetypes.py" "$WORK/pt" "$WORK/s.json" --mask=${LRU_BITS#0x}
	[ "$status" -eq 0 ] || fail "$output"
	# The text has the same rows.
	run "$VMPHYS" --summary "$FIXTURE_PID"
	assert_success
	# The kinds page-types shows, the text shows (the zero page only where
	# the machine maps it), leaving out the flags that aging moves.
	echo "$output" > "$WORK/s.txt"
	run "$PY" - "$WORK/pt" "$WORK/s.txt" <<'PY'
import sys
AGING = {"referenced", "lru", "active", "idle"}
# page-types' long names where vmphys has the short ones.
NAMES = {"anonymous": "anon", "idle_page": "idle"}
def kinds(path, skip):
    out = set()
    for line in open(path).read().splitlines()[skip:]:
        t = line.split()
        if t and t[-1] not in ("-", "total", "long-symbolic-flags"):
            out.add(frozenset({NAMES.get(f, f) for f in t[-1].split(",")} - AGING))
    return out
pt, text = kinds(sys.argv[1], 1), kinds(sys.argv[2], 1)
for want in ({"zero_page"}, {"anon", "swapbacked", "thp"}):
    a = any(want <= k for k in pt)
    b = any(want <= k for k in text)
    assert a == b, (want, "page-types" if a else "vmphys", sorted(map(sorted, pt)), sorted(map(sorted, text)))
PY
	[ "$status" -eq 0 ] || fail "$output"
}

@test "vmphys --summary: all of physical memory, as page-types" {
	if ! is_root; then
		run "$VMPHYS" --summary
		assert_failure 4
		assert_output --partial "permission denied"
		return
	fi
	page_types
	"$PAGE_TYPES" > "$WORK/pt"
	"$VMPHYS" -J --summary > "$WORK/s.json"
	valid_json vmphys < "$WORK/s.json"
	# Memory changes between the two reads: counts within 1%.
	total=$(awk '/total/ {print $2}' "$WORK/pt")
	run "$PY" "$TOOLS/pagetypes.py" "$WORK/pt" "$WORK/s.json" \
		--mask=${LRU_BITS#0x} --tolerance=$((total / 100))
	[ "$status" -eq 0 ] || fail "$output"
	[ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["vmphys"]["totals"]["pages"])' "$WORK/s.json")" -eq "$total" ]
}

@test "vmphys: swapped pages show their swap location" {
	is_root || skip "swapon needs root"
	swap_on 64 || skip "this machine cannot enable a swap file"
	start_backer --pageout 32
	read -r lo hi < <(region pageout)
	"$VMPHYS" -J --output-all "$FIXTURE_PID" "$lo-$hi" > "$WORK/v.json"
	"$PY" "$PHYSREAD" "$FIXTURE_PID" "$lo" "$hi" > "$WORK/ref"
	run same_pages "$WORK/v.json" "$WORK/ref"
	[ "$status" -eq 0 ] || fail "$output"
	run "$PY" - "$WORK/v.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["vmphys"]["pages"]
sw = [r for r in rows if r["pagemap"][1] == "w"]
assert sw, "nothing swapped"
assert all(r["swap_type"] is not None and r["swap_offset"] is not None for r in sw)
assert len({r["swap_offset"] for r in sw}) == len(sw)
PY
	[ "$status" -eq 0 ] || fail "$output"
}

@test "vmphys: unmapped ranges, bad ranges and a vanished process" {
	start_backer --anon 4
	run "$VMPHYS" "$FIXTURE_PID" 1000-2000
	assert_failure 1
	assert_output --partial "1000-2000 is not mapped in process $FIXTURE_PID"
	for bad in xyz 2000-1000 1000-1000 1000+0 1000+ -5 "1000+99999999999999999999" \
		   ffffffffffffffff+2 1000+1Q; do
		run "$VMPHYS" "$FIXTURE_PID" "$bad"
		assert_failure 2
		assert_output --partial "invalid"
	done
	for bad in "--pfn xyz" "--pfn 5-1" "--summary 1 2" "--pfn --summary 1" "notapid 1000" ""; do
		# shellcheck disable=SC2086
		run "$VMPHYS" $bad
		assert_failure 2
		assert_output --partial "Try 'vmphys --help'"
	done
	pid=$FIXTURE_PID
	kill_fixtures
	run "$VMPHYS" "$pid" 1000
	assert_failure 42
	assert_output --partial "process $pid not found"
	run "$VMPHYS" --summary "$pid"
	assert_failure 42
}

@test "vmphys, vmmap -B --sysroot: a tree without kpageflags and with hidden PFNs" {
	root=$WORK/root
	mkdir -p "$root/proc/42" "$root/sys/devices/system/memory" \
		"$root/sys/devices/system/node/node0/memory0" \
		"$root/sys/devices/system/node/node1/memory1"
	echo 8000000 > "$root/sys/devices/system/memory/block_size_bytes"
	printf '1000-5000 rw-p 00000000 00:00 0 \n' > "$root/proc/42/maps"
	printf '42 (x) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n' > "$root/proc/42/stat"
	printf 'Name:\tx\nTgid:\t42\nPid:\t42\n' > "$root/proc/42/status"
	printf 'x\0' > "$root/proc/42/cmdline"
	# Pages 1-4: a present page at PFN 0x9000 (node 1: blocks are 0x8000
	# pages), a present page with its PFN hidden, a swapped page, none.
	"$PY" - "$root/proc/42/pagemap" <<'PY'
import struct, sys
P, S, X = 1 << 63, 1 << 62, 1 << 56
ents = [0] * 5 + [0] * 0
ents[1] = P | X | 0x9000
ents[2] = P | X
ents[3] = S | (7 << 5) | 2
ents[4] = 0
open(sys.argv[1], "wb").write(struct.pack("<5Q", *ents))
PY
	"$VMPHYS" --sysroot "$root" -J --output-all 42 1000-5000 > "$WORK/v.json" 2> "$WORK/v.err"
	valid_json vmphys < "$WORK/v.json"
	"$PY" -c '
import json, sys
p = json.load(sys.stdin)["vmphys"]["pages"]
assert [r["pfn"] for r in p] == [0x9000, None, None, None], p
assert p[0]["node"] == 1 and p[0]["kpageflags"] is None
assert p[2]["swap_type"] == 2 and p[2]["swap_offset"] == 7, p[2]
assert p[1]["pagemap"] == "P__1___" and p[3]["pagemap"] == "_______"' < "$WORK/v.json"
	grep -q "'$root/proc/kpageflags' does not exist: this kernel lacks it" "$WORK/v.err"
	run "$VMPHYS" --sysroot "$root" --pfn 5
	assert_failure 3
	assert_output --partial "this kernel lacks it"
	# vmmap -B: the hidden PFN makes the frame figures unknown.
	"$VMMAP" --sysroot "$root" -B -J --output-all 42 > "$WORK/b.json" 2> "$WORK/b.err"
	valid_json vmmap < "$WORK/b.json"
	"$PY" -c '
import json, sys
r = json.load(sys.stdin)["vmmap"][0]["backing"][0]
assert r["present"] == 8192 and r["swapped"] == 4096 and r["exclusive"] == 8192, r
assert r["anon"] is None and r["pss"] is None and r["runs"] is None, r' < "$WORK/b.json"
	grep -q "hides physical frame numbers" "$WORK/b.err"
}

@test "vmphys, vmmap -B --sysroot: a tree with the zero page, for machines that map none" {
	# Machines whose read faults get frames of their own (PVM with
	# pvm_no_zero_page=1) never show the zero column live: this tree, in
	# the kernel's formats, does. Pages 1-3 map frame 0x50 (the zero page:
	# KPF_ZERO_PAGE | KPF_RESERVED), page 4 an anonymous frame 0x9001.
	# The expectations follow from the records written here.
	root=$WORK/root
	mkdir -p "$root/proc/42"
	printf '1000-5000 rw-p 00000000 00:00 0 \n' > "$root/proc/42/maps"
	printf '42 (x) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n' > "$root/proc/42/stat"
	printf 'Name:\tx\nTgid:\t42\nPid:\t42\n' > "$root/proc/42/status"
	printf 'x\0' > "$root/proc/42/cmdline"
	"$PY" - "$root" <<'PY'
import struct, sys
root = sys.argv[1]
P, X = 1 << 63, 1 << 56
ZERO, RESERVED, ANON, MMAP, LRU = 1 << 24, 1 << 32, 1 << 12, 1 << 11, 1 << 5
pm = [0, P | 0x50, P | 0x50, P | 0x50, P | X | 0x9001]
open(f"{root}/proc/42/pagemap", "wb").write(struct.pack("<5Q", *pm))
flags = {0x50: ZERO | RESERVED, 0x9001: ANON | MMAP | LRU}
count = {0x50: 0, 0x9001: 1}
for name, d in (("kpageflags", flags), ("kpagecount", count)):
    with open(f"{root}/proc/{name}", "wb") as f:
        for pfn, v in d.items():
            f.seek(pfn * 8)
            f.write(struct.pack("<Q", v))
PY
	"$VMMAP" --sysroot "$root" -B -J --output-all 42 > "$WORK/b.json"
	valid_json vmmap < "$WORK/b.json"
	"$PY" -c '
import json, sys
r = json.load(sys.stdin)["vmmap"][0]["backing"][0]
assert r["present"] == 4 * 4096, r
assert r["zero"] == 3 * 4096 and r["anon"] == 4096, r
assert r["uss"] == 4096 and r["shared"] == 0, r
assert r["runs"] == 4, r' < "$WORK/b.json"
	run "$VMPHYS" --sysroot "$root" -o ADDRESS,PFN,FLAG_NAMES -n --raw 42 1000-5000
	assert_success
	assert_line --index 0 --regexp '^1000 50 zero_page'
	assert_line --index 2 --regexp '^3000 50 zero_page'
	assert_line --index 3 --regexp '^4000 9001 .*anon'
}
