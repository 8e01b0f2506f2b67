#!/usr/bin/env bats
# vmfrag against the kernel: /proc/buddyinfo, /proc/pagetypeinfo and
# /proc/zoneinfo read by tests/tools/frag_oracle.py, and debugfs
# extfrag/unusable_index and extfrag_index, the kernel's own indexes.
#
# Drift: the files change while we read them. frag_oracle.py reads them
# before and after vmfrag and compares a zone exactly only in a round where
# its lines read the same before and after; rounds go on until every zone
# was compared three times (see the script).

load helpers
bats_require_minimum_version 1.5.0

VMFRAG=$BIN/vmfrag
HOSTILE=$VMSCOPE_ROOT/tests/fixtures/kernel/hostile
THIS=$VMSCOPE_ROOT/tests/fixtures/kernel/this

setup() {
	WORK=$BATS_TEST_TMPDIR
	MOUNTED_DEBUGFS=
}

teardown() {
	# Unmount debugfs only if this test mounted it.
	if [ -n "$MOUNTED_DEBUGFS" ]; then
		umount /sys/kernel/debug 2>/dev/null || true
	fi
}

# Mount debugfs at /sys/kernel/debug unless it is there (root only).
need_debugfs() {
	is_root || skip "debugfs and its extfrag files need root"
	if [ ! -e /sys/kernel/debug/extfrag/unusable_index ]; then
		mount -t debugfs debugfs /sys/kernel/debug || skip "cannot mount debugfs"
		MOUNTED_DEBUGFS=1
	fi
	[ -r /sys/kernel/debug/extfrag/unusable_index ] ||
		skip "this kernel has no debugfs extfrag files"
}

@test "vmfrag: the indexes equal the kernel's (debugfs extfrag) at the same moment" {
	need_debugfs
	run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG" --debugfs /sys/kernel/debug/extfrag
	echo "$output"
	assert_success
}

@test "vmfrag -t: per-type counts equal pagetypeinfo and add up to buddyinfo" {
	is_root || skip "/proc/pagetypeinfo is root only"
	run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG" --types
	echo "$output"
	assert_success
}

@test "vmfrag: free blocks, watermarks and failing orders equal buddyinfo and zoneinfo (any user)" {
	run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG"
	echo "$output"
	assert_success
}

@test "vmfrag --sysroot: the hostile tree (4 nodes, 13 orders, a new type, capped counts) equals its files" {
	run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG" --sysroot "$HOSTILE" \
		--debugfs "$HOSTILE/sys/kernel/debug/extfrag" --types
	echo "$output"
	assert_success
	# The negative index of a zone with one free page, as the kernel
	# computes it (debugfs prints 0.-500).
	run --separate-stderr "$VMFRAG" --sysroot "$HOSTILE" -z 2:Normal -o ORDER,FRAGIDX -n
	assert_success
	assert_line --index 1 --regexp '^ +1 +-0\.500$'
	# The new migrate type is a column; capped counts say so.
	run "$VMFRAG" --sysroot "$HOSTILE" -t -z 0:Normal
	assert_success
	assert_output --partial "FOO"
	assert_output --partial ">100000"
	assert_output --partial "orders 7 and above would fail now"
}

@test "vmfrag --sysroot: the captured tree equals its debugfs files" {
	run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG" --sysroot "$THIS" \
		--debugfs "$THIS/sys/kernel/debug/extfrag" --types
	echo "$output"
	assert_success
}

@test "vmfrag as a user: no pagetypeinfo, said once, null per-type figures, exit 0; -t exits 4" {
	is_root && skip "runs in the cli-user suite (pagetypeinfo is readable by root)"
	run --separate-stderr "$VMFRAG" -J
	assert_success
	echo "$stderr" | grep -q "cannot open '/proc/pagetypeinfo': permission denied"
	[ "$(echo "$stderr" | grep -c pagetypeinfo)" -eq 1 ]
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmfrag"]
for z in d["zones"]:
    assert z["pageblocks"] is None, z["pageblocks"]
    for o in z["orders"]:
        assert o["types_source"] is None
        assert all(v is None for k, v in o.items() if k.startswith("type_")), o
    assert z["orders"][0]["free_blocks"] is not None'
	run --separate-stderr "$VMFRAG" -t
	assert_failure 4
	assert_output --partial "UNMOVABLE"
	echo "$output" | awk 'NR > 4 && /^ +[0-9]+ / { if ($NF != "-") exit 1 }'
}

@test "vmfrag: the text view shows every zone, its facts and a bar per order" {
	run --separate-stderr "$VMFRAG"
	assert_success
	while read -r _ node _ zone _; do
		node=${node%,}
		echo "$output" | grep -q "^Node $node, zone $zone: .* free of .* managed$" ||
			fail "no heading for node $node zone $zone"
	done < /proc/buddyinfo
	# A bar has one # per 5 percent, rounded.
	echo "$output" | awk '$1 ~ /^[0-9]+$/ && $5 ~ /^[0-9.]+$/ {
		n = ($6 ~ /^#+$/) ? length($6) : 0
		if (n != int($5 / 5 + 0.5)) { print "bad bar: " $0; exit 1 } }'
	assert_output --partial "extfrag_threshold $(cat /proc/sys/vm/extfrag_threshold)"
	if [ ! -e /sys/module/vmscope ]; then
		[ "$(echo "$stderr" | grep -c "^vmfrag: note: loading vmscope.ko adds")" -eq 1 ]
	fi
}

@test "vmfrag -J: fits the schema, with -o, --output-all and -t" {
	for args in "" "-o ORDER,FREE_BLOCKS" "--output-all" "-t" "-z normal"; do
		# shellcheck disable=SC2086
		"$VMFRAG" -J $args 2>/dev/null > "$WORK/out.json" || true
		valid_json vmfrag < "$WORK/out.json"
	done
	"$VMFRAG" -J --sysroot "$HOSTILE" -t | valid_json vmfrag
	run --separate-stderr "$VMFRAG" -J
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmfrag"]
m = d["module"]
if not m["loaded"]:
    assert m == {"loaded": False, "used": False, "error": None,
                 "adds": m["adds"]}, m
    assert "vmscope.ko" in m["adds"]
    assert all(z["source"] == "buddyinfo" for z in d["zones"])
    assert all(z["pcp_lists"] is None and z["pcp_source"] is None
               for z in d["zones"])'
}

@test "vmfrag --watch: NDJSON samples whose deltas are the differences of the counts" {
	run --separate-stderr "$VMFRAG" -J --watch=0.2 -c 4
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	printf '%s\n' "${lines[@]}" |
		"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmfrag.json"
	printf '%s\n' "${lines[@]}" | "$PY" -c '
import json, sys
docs = [json.loads(l)["vmfrag"] for l in sys.stdin]
assert [d["sample"] for d in docs] == [1, 2, 3, 4]
assert docs[0]["interval"] is None
for prev, cur in zip(docs, docs[1:]):
    assert 0.15 < cur["interval"] < 5, cur["interval"]
    for zp, zc in zip(prev["zones"], cur["zones"]):
        for op, oc in zip(zp["orders"], zc["orders"]):
            assert oc["delta_blocks"] == oc["free_blocks"] - op["free_blocks"], (op, oc)
    for k, v in cur["compaction"]["deltas"].items():
        assert v == cur["compaction"]["counters"][k] - prev["compaction"]["counters"][k]'
	# Text: the DELTA column and a line per sample.
	run --separate-stderr "$VMFRAG" --watch=0.1 -c 2 -z normal
	assert_success
	[ "$(echo "$output" | grep -c '^--- sample ')" -eq 2 ]
	assert_output --partial "DELTA"
}

@test "vmfrag --watch: SIGINT and SIGTERM end it at once, as the signal" {
	for sig in INT TERM; do
		"$VMFRAG" --watch=0.1 > "$WORK/out" 2>/dev/null &
		pid=$!
		sleep 0.5
		kill -s "$sig" "$pid"
		wait "$pid" && status=0 || status=$?
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ] ||
			fail "SIG$sig: exit $status"
		grep -q '^--- sample 1 ' "$WORK/out"
	done
}

@test "vmfrag: kernel files that are missing, truncated or malformed are clear errors" {
	mkdir -p "$WORK/empty"
	run "$VMFRAG" --sysroot "$WORK/empty"
	assert_failure 3
	assert_output --partial "cannot open '$WORK/empty/proc/buddyinfo': no such file or directory"
	cp -r "$THIS" "$WORK/cut"
	head -c 150 "$THIS/proc/buddyinfo" > "$WORK/cut/proc/buddyinfo"
	run "$VMFRAG" --sysroot "$WORK/cut"
	assert_failure 1
	assert_output --partial "'$WORK/cut/proc/buddyinfo' line 2: truncated line"
	printf 'Node 0, zone DMA 1 2 99999999999999999999\n' > "$WORK/cut/proc/buddyinfo"
	run "$VMFRAG" --sysroot "$WORK/cut"
	assert_failure 1
	assert_output --partial "not a 64-bit count"
	# A broken optional file is said, and the rest is shown.
	cp "$THIS/proc/buddyinfo" "$WORK/cut/proc/buddyinfo"
	printf 'Node 0, zone DMA\n  pages free x\n' > "$WORK/cut/proc/zoneinfo"
	run --separate-stderr "$VMFRAG" --sysroot "$WORK/cut" -J
	assert_success
	echo "$stderr" | grep -q "zoneinfo' line 2"
	echo "$output" | "$PY" -c '
import json, sys
z = json.load(sys.stdin)["vmfrag"]["zones"][0]
assert z["managed"] is None and z["watermark_min"] is None'
}

@test "vmfrag: MemFree far from the zones' free pages is flagged with its reason (the AMD PVM capture)" {
	tree=$VMSCOPE_ROOT/tests/fixtures/kernel/amd-zen5-pvm
	run --separate-stderr "$VMFRAG" --sysroot "$tree"
	assert_success
	echo "$output" | grep -q "^note: meminfo's MemFree (23G) and the zones' free pages (5.8G in zoneinfo" ||
		fail "no note of the gap: $output"
	echo "$output" | grep -q "^why: MemTotal is 17.2G above the zones' managed pages, as much as the gap" ||
		fail "no reason: $output"
	echo "$output" | grep -q "zone Normal of node 0: 5505024 pages present, 884736 managed" ||
		fail "no zone: $output"
	"$VMFRAG" -J --sysroot "$tree" > "$WORK/j" 2>/dev/null
	"$PY" "$TOOLS/validate_json.py" "$VMSCOPE_ROOT/man/schema/vmfrag.json" "$WORK/j"
	run "$PY" "$TOOLS/memgap_oracle.py" "$tree" "$WORK/j" memory_gap
	assert_success
	assert_output flagged
}

@test "vmfrag: a consistent tree (MemFree the zones' free pages) has no flag" {
	tree=$VMSCOPE_ROOT/tests/fixtures/kernel/consistent
	run --separate-stderr "$VMFRAG" --sysroot "$tree"
	assert_success
	if echo "$output" | grep -q "^note: meminfo"; then fail "a gap flagged: $output"; fi
	"$VMFRAG" -J --sysroot "$tree" > "$WORK/j" 2>/dev/null
	"$PY" "$TOOLS/validate_json.py" "$VMSCOPE_ROOT/man/schema/vmfrag.json" "$WORK/j"
	run "$PY" "$TOOLS/memgap_oracle.py" "$tree" "$WORK/j" memory_gap
	assert_success
	assert_output "not flagged"
	"$PY" -c '
import json, sys
g = json.load(open(sys.argv[1]))["vmfrag"]["memory_gap"]
assert g["flagged"] is False and g["reasons"] == [] and g["free_gap"] == 0, g' "$WORK/j"
}

@test "vmfrag: the gap check of the live system is the files' (read just after), flagged in text iff in JSON" {
	"$VMFRAG" -J > "$WORK/j" 2>/dev/null
	run "$PY" "$TOOLS/memgap_oracle.py" / "$WORK/j" memory_gap --live
	assert_success
	echo "# live: $output" >&3
	flagged=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["vmfrag"]["memory_gap"]["flagged"])' "$WORK/j")
	run --separate-stderr "$VMFRAG"
	assert_success
	# Text and JSON of two moments: compare them only where the JSON's
	# gap is far from the threshold.
	far=$("$PY" -c '
import json, sys
g = json.load(open(sys.argv[1]))["vmfrag"]["memory_gap"]
print(abs(abs(g["free_gap"]) - g["threshold"]) > g["threshold"] / 10)' "$WORK/j")
	if [ "$far" = True ]; then
		if [ "$flagged" = True ]; then
			echo "$output" | grep -q "^note: meminfo's MemFree" || fail "flagged in JSON, not in text"
		else
			if echo "$output" | grep -q "^note: meminfo's MemFree"; then fail "flagged in text only"; fi
		fi
	fi
}

@test "vmfrag: usage errors exit 2" {
	for args in "-c 3" "--watch=0" "--watch=x" "-o NOSUCH" "-z NoSuchZone" \
		    "extra" "-o ORDER --output-all"; do
		# shellcheck disable=SC2086
		run "$VMFRAG" $args
		assert_failure 2
		assert_output --partial "Try 'vmfrag --help'"
	done
	run "$VMFRAG" --watch --sysroot "$THIS"
	assert_failure 2
}

@test "vmfrag | head: a closed pipe is not an error; --list-columns" {
	run bash -c "'$VMFRAG' 2>&1 | head -1"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run "$VMFRAG" --list-columns --raw
	assert_success
	assert_output --partial "FRAGIDX number"
	assert_output --partial "UNMOVABLE integer"
}

@test "vmfrag --sysroot: the trees captured elsewhere (amd-zen5-pvm, intel-qemu-skylake) equal their files" {
	for t in amd-zen5-pvm intel-qemu-skylake; do
		tree=$VMSCOPE_ROOT/tests/fixtures/kernel/$t
		run "$PY" "$TOOLS/frag_oracle.py" "$VMFRAG" --sysroot "$tree" \
			--debugfs "$tree/sys/kernel/debug/extfrag" --types
		echo "$output"
		[ "$status" -eq 0 ] || fail "$t: $output"
	done
}
