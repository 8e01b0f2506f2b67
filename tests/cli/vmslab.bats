#!/usr/bin/env bats
# vmslab against /proc/slabinfo and /sys/kernel/slab (read by
# tests/tools/slab_oracle.py, whose docstring states the drift rule:
# caches whose slabinfo line read the same before and after vmslab are
# compared exactly; three rounds with 90% of the caches still), and its
# slabtop view against procps' slabtop -o, byte for byte, on captured
# slabinfo files bind-mounted over /proc/slabinfo in a private mount
# namespace.

load helpers
bats_require_minimum_version 1.5.0

VMSLAB=$BIN/vmslab
THIS=$VMSCOPE_ROOT/tests/fixtures/kernel/this
HOSTILE=$VMSCOPE_ROOT/tests/fixtures/kernel/hostile

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
}

need_root() {
	is_root || skip "/proc/slabinfo and the slab attributes are root only"
}

@test "vmslab: every figure equals /proc/slabinfo read back to back, and the sysfs files" {
	need_root
	run "$PY" "$TOOLS/slab_oracle.py" "$VMSLAB"
	echo "$output"
	assert_success
}

@test "vmslab --source=sysfs: counts read from /sys/kernel/slab equal /proc/slabinfo" {
	need_root
	run "$PY" "$TOOLS/slab_oracle.py" "$VMSLAB" --source=sysfs
	echo "$output"
	assert_success
}

# slabtop -o on a captured slabinfo, in a mount namespace of its own.
slabtop_on() {
	unshare --mount sh -c "mount --bind '$1' /proc/slabinfo && LC_ALL=C slabtop -o $2"
}

@test "vmslab --slabtop -o: slabtop -o's bytes for every sort letter" {
	need_root
	command -v unshare >/dev/null || skip "no unshare(1)"
	slabtop_on "$THIS/proc/slabinfo" "" > /dev/null 2>&1 ||
		skip "cannot bind-mount over /proc/slabinfo here"
	for s in "" a b c l v n o p s u x; do
		args=${s:+-s $s}
		want=$(slabtop_on "$THIS/proc/slabinfo" "$args")
		# shellcheck disable=SC2086
		got=$(LC_ALL=C "$VMSLAB" --slabtop -o $args --sysroot "$THIS")
		if [ "$want" != "$got" ]; then
			diff -u <(echo "$want") <(echo "$got") | head -20 >&2
			fail "--slabtop -o $args differs from slabtop -o $args"
		fi
	done
	# Long options and the name slabtop.
	want=$(slabtop_on "$THIS/proc/slabinfo" "--once --sort=c")
	ln -s "$VMSLAB" "$WORK/slabtop"
	got=$(LC_ALL=C "$WORK/slabtop" --once --sort=c --sysroot "$THIS")
	[ "$want" = "$got" ] || fail "the name slabtop with --once --sort=c differs"
}

@test "vmslab --slabtop: live, the caches and their fixed figures are slabtop's" {
	need_root
	run --separate-stderr "$VMSLAB" --slabtop -o -s n
	assert_success
	want=$(LC_ALL=C slabtop -o -s n | awk 'NR > 7 {print $4, $6, $NF}')
	got=$(echo "$output" | awk 'NR > 7 {print $4, $6, $NF}')
	[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got") >&2; fail "caches differ"; }
}

@test "vmslab: derived figures add up; --sort, --reverse and --top order the caches" {
	need_root
	run --separate-stderr "$VMSLAB" -J --output-all
	assert_success
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmslab"]
cs = d["caches"]
mem = [c["memory"] for c in cs]
assert mem == sorted(mem, reverse=True), "not sorted by memory"
t = d["totals"]
assert t["caches"] == len(cs)
assert t["memory"] == sum(mem)
assert t["objects"] == sum(c["objects"] for c in cs)
assert t["waste"] == t["memory"] - t["used"]
for c in cs:
    assert c["use_percent"] is None or abs(c["use_percent"] - 100.0 * c["active_objects"] / c["objects"]) < 0.051
    assert c["source"] == "slabinfo" and c["attr_source"] == "sysfs"'
	run --separate-stderr "$VMSLAB" -o NAME,OBJS -s objs --reverse --top 5 -n -r
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	echo "$output" | awk 'NR > 1 && $2 < prev { exit 1 } { prev = $2 }'
	run --separate-stderr "$VMSLAB" -o NAME -s n -n -r
	assert_success
	[ "$output" = "$(echo "$output" | LC_ALL=C.UTF-8 sort)" ] ||
		[ "$output" = "$(echo "$output" | sort)" ]
}

@test "vmslab --nodes: per-node figures add up to the cache's" {
	need_root
	run --separate-stderr "$VMSLAB" -J --nodes -o NAME,SLABS,PARTIAL,PARTIAL_OBJS,CPU_SLABS --source=sysfs
	assert_success
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmslab"]
per = {}
for n in d["nodes"]:
    p = per.setdefault(n["name"], [0, 0, 0, 0])
    p[0] += n["slabs"]
    p[1] += n["partial_slabs"]
    p[2] += n["partial_objects"]
    p[3] += n["cpu_slabs"]
for c in d["caches"]:
    if c["slabs"]:
        assert per[c["name"]][0] == c["slabs"], c["name"]
    # Each sysfs file gives its total and its split in one reading.
    if c["name"] in per:
        p = per[c["name"]]
        assert p[2] == c["partial_objects"], (c["name"], p, c)
        assert p[3] == c["cpu_slabs"], (c["name"], p, c)'
}

# The TREND rule of vmslab(1), written again from the man page: a
# two-pass least-squares fit over the samples of each cache (times and
# counts from the JSON). Prints nothing; fails on a cache whose TREND or
# SLOPE is not the rule's. Counts near the rule's edges (within 2%) are
# not judged: rounding of the printed times may tip them.
trend_rule_py='
import json, sys
docs = [json.loads(l)["vmslab"] for l in sys.stdin]
hist = {}
for i, d in enumerate(docs):
    for c in d["caches"]:
        h = hist.setdefault(c["name"], [])
        if h and h[-1][0] == i - 1:
            assert c["delta_active"] == c["active_objects"] - h[-1][2], c
        elif h:
            h.clear()
        h.append((i, d["time"], c["active_objects"], c))
judged = 0
for name, h in hist.items():
    if h[-1][0] != len(docs) - 1 or len(h) != len(docs):
        continue
    last = h[-1][3]
    n = len(h)
    grew = sum(1 for a, b in zip(h, h[1:]) if b[2] > a[2])
    fell = sum(1 for a, b in zip(h, h[1:]) if b[2] < a[2])
    assert last["grew_intervals"] == grew, (name, h)
    if n - 1 < 4:
        assert last["trend"] == "short", (name, last)
        continue
    t = [x[1] - h[0][1] for x in h]
    y = [x[2] for x in h]
    mt, my = sum(t) / n, sum(y) / n
    stt = sum((a - mt) ** 2 for a in t)
    sty = sum((a - mt) * (b - my) for a, b in zip(t, y))
    b = sty / stt
    ssr = sum((yy - my - b * (tt - mt)) ** 2 for tt, yy in zip(t, y))
    var = ssr / (n - 2) / stt
    assert abs(last["slope_per_s"] - b) <= 0.051 + 1e-3 * abs(b), (name, b, last)
    ratio = (b * b) / (9 * var) if var > 0 else float("inf")
    move = abs(b) * t[-1]
    if 0.98 < ratio < 1.02 or 0.98 < move < 1.02:
        continue
    if ratio <= 1 or move < 1:
        want = "flat"
    elif b < 0:
        want = "down"
    elif 4 * fell <= n - 1:
        want = "grows"
    else:
        want = "up"
    assert last["trend"] == want, (name, want, b, var, y, last["trend"])
    judged += 1
assert judged > 0
print(" ".join(sys.argv[1:]) if len(sys.argv) > 1 else "", end="")
'

@test "vmslab --watch: one interval is no trend (short), whatever the cache did" {
	need_root
	mkdir -p "$WORK/files"
	( i=0; while [ $i -lt 400 ]; do
		for k in $(seq 200); do : > "$WORK/files/f$i-$k"; done
		i=$((i + 1)); sleep 0.05
	  done ) &
	grower=$!
	FIXTURE_PIDS+=("$grower")
	run --separate-stderr "$VMSLAB" -J --watch=0.5 -c 2 -o NAME,ACTIVE,DELTA,GREW,TREND
	kill "$grower" 2>/dev/null || true
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "${lines[@]}" |
		"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmslab.json"
	printf '%s\n' "${lines[@]}" | "$PY" -c '
import json, sys
docs = [json.loads(l)["vmslab"] for l in sys.stdin]
last = {c["name"]: c for c in docs[-1]["caches"]}
# dentry grew in the one interval (files are being created), yet one
# interval is no trend.
assert last["dentry"]["delta_active"] > 0, last["dentry"]
for c in docs[-1]["caches"]:
    if c["trend"] is not None:
        assert c["trend"] == "short", c'
}

@test "vmslab --watch: growth of a cache that grows, by the stated TREND rule, and deltas that are differences" {
	need_root
	mkdir -p "$WORK/files"
	( i=0; while [ $i -lt 400 ]; do
		for k in $(seq 200); do : > "$WORK/files/f$i-$k"; done
		i=$((i + 1)); sleep 0.05
	  done ) &
	grower=$!
	FIXTURE_PIDS+=("$grower")
	run --separate-stderr "$VMSLAB" -J --watch=0.5 -c 7 -o NAME,ACTIVE,MEMORY,DELTA,DELTA_MEM,GREW,TREND,SLOPE
	kill "$grower" 2>/dev/null || true
	assert_success
	[ "${#lines[@]}" -eq 7 ]
	printf '%s\n' "${lines[@]}" |
		"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmslab.json"
	printf '%s\n' "${lines[@]}" | "$PY" -c "$trend_rule_py"
	# Files created all along: their dentries grow steadily.
	printf '%s\n' "${lines[@]}" | "$PY" -c '
import json, sys
docs = [json.loads(l)["vmslab"] for l in sys.stdin]
d = {c["name"]: c for c in docs[-1]["caches"]}["dentry"]
assert d["trend"] == "grows" and d["slope_per_s"] > 0, d'
	# A quiet cache (no change in any interval) is flat.
	printf '%s\n' "${lines[@]}" | "$PY" -c '
import json, sys
docs = [json.loads(l)["vmslab"] for l in sys.stdin]
series = {}
for d in docs:
    for c in d["caches"]:
        series.setdefault(c["name"], []).append(c)
quiet = [v for v in series.values() if len(v) == len(docs) and
         len({c["active_objects"] for c in v}) == 1]
assert quiet, "no cache stood still"
for v in quiet:
    assert v[-1]["trend"] == "flat" and v[-1]["slope_per_s"] == 0, v[-1]'
}

@test "vmslab as a user: every cache named, with aliases, figures -, exit 4" {
	is_root && skip "runs in the cli-user suite"
	[ -r /proc/slabinfo ] && skip "this kernel lets users read /proc/slabinfo"
	run --separate-stderr "$VMSLAB" -o NAME,OBJS,MEMORY,ALIASES
	assert_failure 4
	echo "$stderr" | grep -q "cannot open '/proc/slabinfo': permission denied"
	[ "$(echo "$stderr" | grep -c "permission denied")" -le 2 ]
	echo "$output" | awk 'NR > 2 { if ($2 != "-" || $3 != "-") exit 1 }'
	# Every directory of /sys/kernel/slab is one cache.
	ndirs=$(find /sys/kernel/slab -mindepth 1 -maxdepth 1 -type d | wc -l)
	run --separate-stderr "$VMSLAB" -J
	assert_failure 4
	echo "$output" | valid_json vmslab
	echo "$output" | "$PY" -c "
import json, sys
d = json.load(sys.stdin)['vmslab']
assert len(d['caches']) == $ndirs, len(d['caches'])
assert d['totals']['objects'] is None
assert all(c['objects'] is None and c['memory'] is None for c in d['caches'])
assert any(c['alias_names'] for c in d['caches'])"
	run "$VMSLAB" --slabtop -o
	assert_failure 4
}

@test "vmslab --sysroot: the captured tree and the hostile one" {
	run --separate-stderr "$VMSLAB" --sysroot "$THIS" -J --output-all
	assert_success
	echo "$output" | valid_json vmslab
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmslab"]
c = {x["name"]: x for x in d["caches"]}
# dentry: the captured attribute files and slabinfo line.
assert c["dentry"]["object_size"] == 192 and c["dentry"]["sysfs_dir"] == "dentry"
# A merged cache: the links of the captured tree.
m = c["dmaengine-unmap-2"]
assert m["sysfs_dir"] == ":0000064" and len(m["alias_names"].split(",")) == 6, m
# A cache with no sysfs directory in the tree: counts, no attributes.
k = c["kmalloc-128"]
assert k["objects"] is not None and k["object_size"] is None and k["waste"] is None'
	# No /sys/kernel/slab (a SLAB kernel): slabinfo alone.
	run --separate-stderr "$VMSLAB" --sysroot "$HOSTILE" -J --output-all
	assert_success
	echo "$output" | valid_json vmslab
	echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmslab"]
assert d["sysfs"] is False and d["slabinfo"] is True
assert d["totals"]["used"] is None
assert all(c["object_size"] is None and c["alias_names"] is None for c in d["caches"])'
}

@test "vmslab: statistics columns and 64-bit counts of the hostile slabinfo, kept" {
	mkdir -p "$WORK/h/proc" "$WORK/h/sys/kernel/slab"
	cp "$HOSTILE/proc/slabinfo" "$WORK/h/proc/"
	run --separate-stderr "$VMSLAB" --sysroot "$WORK/h" -o NAME,OBJS,ACTIVE,MEMORY -s name -r -b
	assert_success
	assert_line "kmalloc-8 18446744073709551615 18446744073709551615 4096"
	assert_line "big_cache 1200 1000 4915200"
	assert_line "empty_cache 0 0 0"
}

@test "vmslab: malformed, truncated or missing files are clear errors" {
	mkdir -p "$WORK/t/proc" "$WORK/t/sys/kernel/slab"
	head -c 300 "$THIS/proc/slabinfo" > "$WORK/t/proc/slabinfo"
	run "$VMSLAB" --sysroot "$WORK/t"
	assert_failure 1
	assert_output --partial "'$WORK/t/proc/slabinfo' line 3: truncated line"
	printf 'slabinfo - version: 3.0\n' > "$WORK/t/proc/slabinfo"
	run "$VMSLAB" --sysroot "$WORK/t"
	assert_failure 3
	assert_output --partial "slabinfo version 3.0 is not supported"
	printf 'slabinfo - version: 2.1\nx 1 2 3 : tunables 0 0 0 : slabdata 1 1 0\n' > "$WORK/t/proc/slabinfo"
	run "$VMSLAB" --sysroot "$WORK/t"
	assert_failure 1
	assert_output --partial "not five counts after the name"
	mkdir -p "$WORK/none"
	run "$VMSLAB" --sysroot "$WORK/none"
	assert_failure 3
}

@test "vmslab: usage errors exit 2" {
	for args in "-s nosuch" "--top 0" "--top x" "--source=nosuch" "-c 2" \
		    "--watch=0" "-o NOSUCH" "extra" "--slabtop -o -d 2" \
		    "--slabtop -d 0" "--slabtop extra"; do
		# shellcheck disable=SC2086
		run "$VMSLAB" $args
		assert_failure 2
		assert_output --partial "Try 'vmslab --help'"
	done
}

@test "vmslab --watch and --slabtop -d: SIGINT and SIGTERM end them as the signal" {
	# As a user slabtop's view cannot read slabinfo: it ends at once.
	for args in "--watch=0.1" $(is_root && echo "--slabtop_-d_1"); do
		args=${args//_/ }
		for sig in INT TERM; do
			# shellcheck disable=SC2086
			"$VMSLAB" $args > "$WORK/out" 2>/dev/null &
			pid=$!
			sleep 0.4
			kill -s "$sig" "$pid"
			wait "$pid" && status=0 || status=$?
			[ "$status" -eq $((128 + $(kill -l "$sig"))) ] ||
				fail "$args SIG$sig: exit $status"
		done
	done
}

@test "vmslab | head: a closed pipe is not an error" {
	run bash -c "'$VMSLAB' 2>/dev/null | head -1; echo \${PIPESTATUS[0]}"
	assert_line --index 1 "$(is_root && echo 0 || echo 4)"
	run bash -c "'$VMSLAB' --slabtop -o --sysroot '$THIS' | head -1; echo \${PIPESTATUS[0]}"
	assert_line --index 1 0
}

@test "vmslab --sysroot: the trees captured elsewhere (amd-zen5-pvm, intel-qemu-skylake) equal their slabinfo" {
	for t in amd-zen5-pvm intel-qemu-skylake; do
		tree=$VMSCOPE_ROOT/tests/fixtures/kernel/$t
		run --separate-stderr "$VMSLAB" --sysroot "$tree" -J --output-all
		assert_success
		echo "$output" | valid_json vmslab
		echo "$output" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmslab"]
got = {c["name"]: c for c in d["caches"]}
want = {}
for line in open(sys.argv[1]).read().splitlines()[2:]:
    t = line.split()
    want[t[0]] = dict(active_objects=int(t[1]), objects=int(t[2]), slot_size=int(t[3]),
                      objects_per_slab=int(t[4]), pages_per_slab=int(t[5]), slabs=int(t[14]))
assert set(got) == set(want), set(got) ^ set(want)
for n, w in want.items():
    for k, v in w.items():
        assert got[n][k] == v, (n, k, got[n][k], v)' "$tree/proc/slabinfo" || fail "$t"
	done
}
