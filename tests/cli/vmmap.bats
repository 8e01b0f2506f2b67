#!/usr/bin/env bats
# vmmap against pmap (procps-ng 4.0.2), smaps and its JSON schema.

load helpers

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
}

rich_fixture() {
	start_fixture --touch --maps 40 --file "$WORK/a file with spaces" \
		--deleted "$WORK/gone" --sysv --memfd --shared-anon --threads 3 \
		--thp --heap 500 "$@"
}

@test "vmmap: pmap's default, -x, -d, -q and -p views, byte for byte" {
	rich_fixture
	for mode in "" -x -d -q -p "-x -q" "-d -q" "-x -p" "-d -p" "-q -p" \
		    --extended --device --quiet --show-path; do
		# shellcheck disable=SC2086
		same_as_pmap $mode "$FIXTURE_PID"
	done
}

@test "vmmap: -X and -XX equal pmap but for the sums of non-additive fields" {
	rich_fixture
	for mode in -X -XX "-X -p" "-XX -p"; do
		# shellcheck disable=SC2086
		same_as_pmap_but_footer $mode "$FIXTURE_PID"
	done
	# Without a footer nothing differs.
	same_as_pmap -X -q "$FIXTURE_PID"
	same_as_pmap -XX -q "$FIXTURE_PID"
	# The blank sums are exactly those pmap adds up wrongly.
	run "$VMMAP" -XX "$FIXTURE_PID"
	assert_success
	total=$(echo "$output" | tail -1)
	header=$(echo "$output" | sed -n 2p)
	col=$(awk -v h="$header" 'BEGIN { print index(h, "KernelPageSize") }')
	[ "$(echo "$total" | cut -c"$col"-$((col + 13)) | tr -d ' ')" = "" ]
}

@test "vmmap: the fixture's kinds of mapping appear as pmap names them" {
	rich_fixture
	run "$VMMAP" -x "$FIXTURE_PID"
	assert_success
	assert_output --partial "a file with spaces"
	assert_output --partial "gone (deleted)"
	assert_output --partial "[ shmid=0x"
	assert_output --partial "memfd:vmscope fixture (deleted)"
	assert_output --partial "zero (deleted)"
	assert_output --partial "[ stack ]"
}

@test "vmmap: -A ranges select the same mappings as pmap" {
	rich_fixture
	mapfile -t starts < <(awk '{split($1, a, "-"); print a[1]}' "/proc/$FIXTURE_PID/maps")
	mid=${starts[10]}
	last=${starts[-2]}
	for range in "$mid" "$mid,$last" ",$mid" "$mid," "0,ffffffffffffffff" "0x$mid"; do
		same_as_pmap -A "$range" "$FIXTURE_PID"
		same_as_pmap -d -A "$range" "$FIXTURE_PID"
		same_as_pmap -q -x -A "$range" "$FIXTURE_PID"
	done
}

@test "vmmap -x -A: totals add up the rows shown (pmap adds every mapping)" {
	rich_fixture
	mapfile -t starts < <(awk '{split($1, a, "-"); print a[1]}' "/proc/$FIXTURE_PID/maps")
	run "$VMMAP" -x -A "${starts[5]},${starts[12]}" "$FIXTURE_PID"
	assert_success
	rows=$(echo "$output" | sed -n '3,/^----/p' | grep -v '^----')
	[ "$(echo "$rows" | wc -l)" -eq 8 ]
	want=$(echo "$rows" | awk '{k += $2; r += $3; d += $4} END {print k, r, d}')
	got=$(echo "$output" | tail -1 | awk '{print $3, $4, $5}')
	assert_equal "$got" "$want"
	# The rows themselves are pmap's.
	diff <(pmap -x -A "${starts[5]},${starts[12]}" "$FIXTURE_PID" | head -10) \
	     <(echo "$output" | head -10)
}

@test "vmmap -A: a bad range is a usage error (exit 2)" {
	for bad in xyz 10,5 1,2,3 -1 ",zz" 10000000000000000000; do
		run "$VMMAP" -A "$bad" 1
		assert_failure 2
		assert_output --partial "invalid range"
	done
}

@test "vmmap: several PIDs, one missing: pmap's output and exit status 42" {
	start_fixture --maps 3
	a=$FIXTURE_PID
	start_fixture --maps 5
	b=$FIXTURE_PID
	missing=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
	while [ -d "/proc/$missing" ]; do missing=$((missing - 1)); done
	same_as_pmap "$a" "$missing" "$b"
	same_as_pmap -x "$a" "$b" "$a"
	run "$VMMAP" "$a" "$missing"
	assert_failure 42
	assert_output --partial "process $missing not found"
}

@test "vmmap: a thread id shows its process, as in pmap" {
	start_fixture --threads 2
	tid=$(ls "/proc/$FIXTURE_PID/task" | grep -v "^$FIXTURE_PID\$" | head -1)
	[ -n "$tid" ]
	same_as_pmap "$tid"
	same_as_pmap -x "$tid"
	run "$VMMAP" "$tid"
	assert_line --index 0 --regexp "^$FIXTURE_PID:   "
}

@test "vmmap: rc files: -N creates one, -C reads it, as pmap does" {
	start_fixture --touch --maps 4
	rc=$WORK/rc
	run "$VMMAP" -N "$rc"
	assert_success
	[ -s "$rc" ]
	# It lists this kernel's smaps fields, commented out.
	grep -q '^#Rss$' "$rc"
	grep -q '^#VmFlags$' "$rc"
	sed -i -e 's/^#Perm$/Perm/' -e 's/^#Rss$/Rss/' -e 's/^#Swap$/Swap/' \
		-e 's/^#Mapping$/Mapping/' "$rc"
	same_as_pmap_but_footer -C "$rc" "$FIXTURE_PID"
	printf '[Mapping]\nShowPath\n' >> "$rc"
	same_as_pmap_but_footer -C "$rc" "$FIXTURE_PID"
	# An existing file is not overwritten.
	run "$VMMAP" -N "$rc"
	assert_failure 1
	assert_output --partial "exists already"
	# -n writes ~/.vmmaprc; -c reads it.
	HOME=$WORK run "$VMMAP" -n
	assert_success
	[ -f "$WORK/.vmmaprc" ]
	HOME=$WORK run "$VMMAP" -c "$FIXTURE_PID"
	assert_success
	# A missing rc file is an error, not an empty view.
	run "$VMMAP" -C "$WORK/none" "$FIXTURE_PID"
	assert_failure 1
	assert_output --partial "cannot read '$WORK/none'"
}

@test "vmmap: pmap's option conflicts are usage errors" {
	for args in "-x -d 1" "-X -x 1" "-c -d 1" "-n 1" "-N f -q" "-x --summary 1" \
		    "-o rss --summary 1" "--summary --sort rss 1" "-XXX 1" ""; do
		# shellcheck disable=SC2086
		run "$VMMAP" $args
		assert_failure 2
		assert_output --partial "Try 'vmmap --help'"
	done
}

@test "vmmap -r is ignored with a warning, as in pmap" {
	start_fixture --maps 2
	same_as_pmap -r "$FIXTURE_PID"
	run "$VMMAP" -r "$FIXTURE_PID"
	assert_output --partial "option -r is ignored"
}

@test "vmmap: 65,000 mappings, as pmap shows them" {
	max=$(cat /proc/sys/vm/max_map_count)
	n=$((max < 65530 ? max - 600 : 65000))
	start_fixture --maps "$n"
	[ "$(wc -l < "/proc/$FIXTURE_PID/maps")" -gt "$n" ]
	same_as_pmap -x "$FIXTURE_PID"
	same_as_pmap "$FIXTURE_PID"
	same_as_pmap_but_footer -X "$FIXTURE_PID"
	run bash -c "'$VMMAP' -J '$FIXTURE_PID' | '$PY' -c 'import json,sys; d=json.load(sys.stdin); print(len(d[\"vmmap\"][0][\"mappings\"]))'"
	assert_success
	[ "$output" -gt "$n" ]
}

@test "vmmap: peak RSS stays under 8 MiB with 65,000 mappings" {
	case "$BIN" in */san/*) skip "sanitizer builds use more memory by design" ;; esac
	max=$(cat /proc/sys/vm/max_map_count)
	n=$((max < 65530 ? max - 600 : 65000))
	start_fixture --touch --maps "$n"
	for mode in -x -X -XX -J --summary; do
		kib=$( { /usr/bin/time -f '%M' "$VMMAP" $mode "$FIXTURE_PID" > /dev/null; } 2>&1 | tail -1)
		[ "$kib" -lt 8192 ] || fail "vmmap $mode used $kib KiB"
	done
}

@test "vmmap -J: valid against the schema and equal to smaps, field by field" {
	rich_fixture
	"$VMMAP" -J "$FIXTURE_PID" > "$WORK/out.json"
	cat "/proc/$FIXTURE_PID/smaps" > "$WORK/smaps"
	valid_json vmmap < "$WORK/out.json"
	run "$PY" "$TOOLS/smaps.py" check-json "$WORK/smaps" "$WORK/out.json"
	assert_success
}

@test "vmmap -J: totals agree with smaps_rollup" {
	rich_fixture
	"$VMMAP" -J "$FIXTURE_PID" > "$WORK/out.json"
	run "$PY" - "$WORK/out.json" "/proc/$FIXTURE_PID/smaps_rollup" <<'EOF'
import json, sys
tot = json.load(open(sys.argv[1]))["vmmap"][0]["totals"]
roll = {}
for line in open(sys.argv[2]):
    k, _, v = line.partition(":")
    if v.strip().endswith("kB"):
        roll[k] = int(v.split()[0]) * 1024
n = tot["mappings"]
for k, key in [("Rss", "rss"), ("Shared_Clean", "shared_clean"),
               ("Private_Dirty", "private_dirty"), ("Anonymous", "anonymous"),
               ("AnonHugePages", "anon_huge_pages"), ("Swap", "swap")]:
    assert tot[key] == roll[k], (k, tot[key], roll[k])
# Pss is rounded to kB per mapping in smaps, not in the rollup.
assert abs(tot["pss"] - roll["Pss"]) <= n * 1024, (tot["pss"], roll["Pss"])
EOF
	assert_success
}

@test "vmmap -J with -o, --summary and --output-all: valid against the schema" {
	rich_fixture
	for args in "-o rss,pss,name,kind,thp_eligible,vm_flags" --summary --output-all \
		    "--output-all --sort rss" "-o +uss"; do
		# shellcheck disable=SC2086
		"$VMMAP" -J $args "$FIXTURE_PID" | valid_json vmmap
	done
}

@test "vmmap --summary: the kinds add up to the totals, which equal -J's" {
	rich_fixture
	run "$PY" - "$VMMAP" "$FIXTURE_PID" <<'EOF'
import json, subprocess, sys
vmmap, pid = sys.argv[1], sys.argv[2]
s = json.loads(subprocess.check_output([vmmap, "-J", "--summary", pid]))["vmmap"][0]
j = json.loads(subprocess.check_output([vmmap, "-J", pid]))["vmmap"][0]
for key in ["mappings", "size", "rss", "pss", "swap", "locked", "anon_huge_pages"]:
    assert sum(r[key] for r in s["summary"]) == s["totals"][key], key
    assert s["totals"][key] == j["totals"][key], (key, s["totals"][key], j["totals"][key])
uss = j["totals"]["private_clean"] + j["totals"]["private_dirty"]
assert s["totals"]["uss"] == uss
kinds = {r["kind"]: r for r in s["summary"]}
assert kinds["heap"]["mappings"] == 1 and kinds["stack"]["mappings"] == 1
assert kinds["shm"]["mappings"] == 3, kinds["shm"]          # SysV, memfd, shared anon
assert kinds["anon"]["anon_huge_pages"] >= 2 * 1024 * 1024   # the THP region
EOF
	assert_success
}

@test "vmmap: a kernel thread has no mappings, as in pmap" {
	kt=$("$PY" -c '
import glob
for f in glob.glob("/proc/[0-9]*/stat"):
    try:
        s = open(f).read()
    except OSError:
        continue
    if int(s[s.rindex(")") + 2:].split()[6]) & 0x200000:
        print(s.split()[0]); break')
	[ -n "$kt" ] || skip "no kernel thread visible"
	same_as_pmap "$kt"
	same_as_pmap -x "$kt"
	same_as_pmap -X "$kt"
	run "$VMMAP" -J "$kt"
	assert_success
	echo "$output" | valid_json vmmap
	echo "$output" | "$PY" -c 'import json,sys; p=json.load(sys.stdin)["vmmap"][0]; assert p["kernel_thread"] and p["mappings"] == []'
}

@test "vmmap: a vanished process is exit 42 with a message" {
	start_fixture --maps 1
	pid=$FIXTURE_PID
	kill_fixtures
	run "$VMMAP" -x "$pid"
	assert_failure 42
	assert_output "vmmap: process $pid not found"
}

@test "vmmap: a process that exits while being read: clean exit 0 or 42" {
	for i in 1 2 3 4 5; do
		start_fixture --running --maps 20000 --exit-after $((i * 20))
		run "$VMMAP" -X "$FIXTURE_PID"
		[ "$status" -eq 0 ] || [ "$status" -eq 42 ] || fail "exit $status: $output"
		if [ "$status" -eq 42 ]; then
			assert_output --regexp "process $FIXTURE_PID (not found|exited while it was being read|is a zombie)"
		fi
		kill_fixtures
	done
}

@test "vmmap: reading another user's process is a clear permission error (exit 4)" {
	if is_root; then
		skip "root may read every process; the cli-user suite runs this"
	fi
	run "$VMMAP" -x 1
	assert_failure 4
	assert_output --partial "cannot open '/proc/1/smaps': permission denied"
	assert_output --partial "hint: reading another user's process needs root"
	# The default view reads maps, which needs the same right.
	run "$VMMAP" 1
	assert_failure 4
	assert_output --partial "'/proc/1/maps'"
}

@test "vmmap | head: a closed pipe is not an error" {
	start_fixture --maps 3000
	run bash -c "set -o pipefail; '$VMMAP' -x '$FIXTURE_PID' | head -2; echo \"status \${PIPESTATUS[0]}\""
	refute_output --partial "error"
	refute_output --partial "Broken pipe"
	# With SIGPIPE ignored, write fails with EPIPE: still quiet, exit 0.
	run bash -c "trap '' PIPE; '$VMMAP' -XX '$FIXTURE_PID' | head -1 > /dev/null; echo \"status \${PIPESTATUS[0]}\""
	assert_output "status 0"
}

@test "vmmap: an unknown option is a usage error" {
	run "$VMMAP" --no-such-option 1
	assert_failure 2
	run "$VMMAP" -Z 1
	assert_failure 2
	run "$VMMAP" notapid
	assert_failure 2
	assert_output --partial "invalid process id 'notapid'"
	run "$VMMAP" 0
	assert_failure 2
}

@test "vmmap --sysroot: captured fixtures give pmap's captured output" {
	for tree in "$VMSCOPE_ROOT"/tests/fixtures/proc/*/; do
		name=$(basename "$tree")
		[ -f "$tree/pid" ] || continue
		pid=$(cat "$tree/pid")
		for exp in "$VMSCOPE_ROOT/tests/expected/vmmap/$name"/*; do
			mode=$(basename "$exp")
			args=()
			[ "$mode" = default ] || for a in ${mode//-/ }; do args+=("-$a"); done
			"$VMMAP" --sysroot "$tree" "${args[@]}" "$pid" > "$WORK/got" || true
			case "$mode" in
			X|XX|XX-p)
				"$PY" "$TOOLS/compare_footer.py" "$exp" "$WORK/got" ||
					fail "$name $mode differs" ;;
			*)
				diff -u "$exp" "$WORK/got" || fail "$name $mode differs" ;;
			esac
		done
	done
}

@test "vmmap -o, --sort and --list-columns" {
	rich_fixture
	run "$VMMAP" -o ADDRESS,RSS,KIND,NAME "$FIXTURE_PID"
	assert_success
	assert_line --index 1 --regexp '^ *ADDRESS +RSS +KIND +NAME'
	# --sort rss: largest first, as bytes.
	run "$VMMAP" -b --raw -q -o RSS --sort rss "$FIXTURE_PID"
	assert_success
	sorted=$(echo "$output" | sed 1d)
	[ "$sorted" = "$(echo "$sorted" | sort -rn)" ]
	run "$VMMAP" -b --raw -q -o RSS --sort rss --reverse "$FIXTURE_PID"
	[ "$(echo "$output" | sed 1d)" = "$(echo "$sorted" | sort -n)" ]
	# Sorting keeps every row and the same totals as file order.
	diff <("$VMMAP" -x "$FIXTURE_PID" | tail -1) <("$VMMAP" -x --sort size "$FIXTURE_PID" | tail -1)
	run "$VMMAP" --list-columns
	assert_success
	assert_output --partial "USS"
	assert_output --partial "ANON_HUGE_PAGES"
	run "$VMMAP" -o NOPE "$FIXTURE_PID"
	assert_failure 2
	assert_output --partial "unknown column 'NOPE'"
}

@test "vmmap: names with a newline or a tab, and a long path" {
	nl="$WORK/new
line"
	tab="$WORK/with	tab"
	long="$WORK/$(printf 'd%.0s' {1..200})/$(printf 'e%.0s' {1..200})/$(printf 'f%.0s' {1..200})"
	mkdir -p "$long"
	start_fixture --file "$nl" --file "$tab" --file "$long/$(printf 'g%.0s' {1..250})"
	# The kernel writes the newline as \012; pmap and vmmap keep that text
	# and show the tab as '?' in these views.
	for mode in "" -x -d -p; do
		# shellcheck disable=SC2086
		same_as_pmap $mode "$FIXTURE_PID"
	done
	run "$VMMAP" "$FIXTURE_PID"
	assert_output --partial 'new\012line'
	assert_output --partial 'with?tab'
	# pmap -X cuts names at 127 bytes; vmmap shows them whole.
	run "$VMMAP" -X -p "$FIXTURE_PID"
	assert_output --partial "$long/$(printf 'g%.0s' {1..250})"
}

@test "vmmap: --help, --version" {
	run "$VMMAP" --help
	assert_success
	assert_output --partial "Usage:"
	run "$VMMAP" -V
	assert_success
	assert_output --regexp '^vmmap from vmscope [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "vmmap -X with several PIDs: each process's own totals (pmap carries them over)" {
	start_fixture --maps 3
	a=$FIXTURE_PID
	start_fixture --touch --maps 5
	b=$FIXTURE_PID
	diff <("$VMMAP" -X "$a" "$b" | grep 'KB $') \
	     <( { "$VMMAP" -X "$a"; "$VMMAP" -X "$b"; } | grep 'KB $')
	# pmap's second footer is the sum of both processes.
	pm=$(pmap -X "$a" "$b" | grep 'KB $' | tail -1 | awk '{print $1}')
	one=$(pmap -X "$a" | tail -1 | awk '{print $1}')
	two=$(pmap -X "$b" | tail -1 | awk '{print $1}')
	[ "$pm" -eq $((one + two)) ]
}

@test "vmmap -X -A applies the range (pmap ignores it)" {
	start_fixture --maps 6
	third=$(awk 'NR == 3 {split($1, a, "-"); print a[1]}' "/proc/$FIXTURE_PID/maps")
	run "$VMMAP" -X -q -A "$third" "$FIXTURE_PID"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 1 --regexp "^ *$third "
	[ "$(pmap -X -q -A "$third" "$FIXTURE_PID" | wc -l)" -gt 2 ]
}
