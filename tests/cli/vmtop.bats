#!/usr/bin/env bats
# vmtop against ps (procps-ng), smem, smaps and /proc/meminfo, its JSON
# against the schema, OpenMetrics against prometheus_client's parser, and
# --watch in a terminal (tmux).

load helpers
bats_require_minimum_version 1.5.0

VMTOP=$BIN/vmtop

setup() {
	WORK=$BATS_TEST_TMPDIR
}

teardown() {
	kill_fixtures
	tmux -L "vmscope$$" kill-server 2>/dev/null || true
}

# Three stopped fixtures of one program (sharing its pages): one with
# threads and shared memory.
three_fixtures() {
	start_fixture --touch --maps 30 --heap 200
	A=$FIXTURE_PID
	start_fixture --touch --maps 10 --sysv --shared-anon --threads 2
	B=$FIXTURE_PID
	start_fixture --touch --maps 50 --memfd
	C=$FIXTURE_PID
}

@test "vmtop: RSS, VSZ, MINFLT, MAJFLT and THREADS are ps's for stopped processes" {
	three_fixtures
	for p in $A $B $C; do
		want=$(ps -o rss=,vsz=,min_flt=,maj_flt=,nlwp= -p "$p" | awk '{print $1 * 1024, $2 * 1024, $3, $4, $5}')
		got=$("$VMTOP" -b --raw --noheadings -p "$p" -o RSS,VSZ,MINFLT,MAJFLT,THREADS)
		assert_equal "$got" "$want"
	done
}

@test "vmtop: PSS and USS equal smem's and the sums of smaps" {
	three_fixtures
	"$VMTOP" -J -p "$A,$B,$C" > "$WORK/out.json"
	for p in $A $B $C; do
		cat "/proc/$p/smaps" > "$WORK/smaps.$p"
	done
	smem -c "pid pss uss" -H > "$WORK/smem"
	run "$PY" - "$WORK" "$A" "$B" "$C" <<'EOF'
import json, sys
work, pids = sys.argv[1], [int(p) for p in sys.argv[2:]]
rows = {r["pid"]: r for r in json.load(open(f"{work}/out.json"))["vmtop"]["processes"]}
smem = {}
for line in open(f"{work}/smem"):
    pid, pss, uss = map(int, line.split())
    smem[pid] = (pss * 1024, uss * 1024)
assert set(rows) == set(pids), rows.keys()
for pid in pids:
    r = rows[pid]
    nmaps = 0
    pss = uss = 0
    for line in open(f"{work}/smaps.{pid}"):
        k, _, v = line.partition(":")
        if k == "Pss":
            pss += int(v.split()[0]) * 1024
            nmaps += 1
        elif k in ("Private_Clean", "Private_Dirty"):
            uss += int(v.split()[0]) * 1024
    # USS is whole pages: exact. smaps rounds PSS down to kB per mapping
    # (and smem adds those up); the rollup adds before rounding.
    assert r["uss"] == uss == smem[pid][1], (pid, r["uss"], uss, smem[pid])
    assert pss == smem[pid][0], (pid, pss, smem[pid])
    assert 0 <= r["pss"] - pss < nmaps * 1024, (pid, r["pss"], pss, nmaps)
    # Pss_Anon + Pss_File + Pss_Shmem is Pss, each rounded to kB.
    assert r["pss"] - 3 * 1024 < r["anon"] + r["file"] + r["shmem"] <= r["pss"]
EOF
	assert_success
}

@test "vmtop --watch: later samples (stat and statm, the rollups kept) agree with a single run" {
	three_fixtures
	"$VMTOP" -J --watch=0.1 -n 4 --output-all -p "$A,$B,$C" > "$WORK/nd"
	"$VMTOP" -J --output-all -p "$A,$B,$C" > "$WORK/one"
	"$VMTOP" -J --watch=0.1 -n 3 -k -u -t > "$WORK/users" 2>/dev/null
	"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/users"
	run "$PY" - "$WORK/nd" "$WORK/one" <<'EOF'
import json, sys
docs = [json.loads(l)["vmtop"] for l in open(sys.argv[1])]
one = {p["pid"]: p for p in json.load(open(sys.argv[2]))["vmtop"]["processes"]}
moving = {"rollup_age", "minflt_per_s", "majflt_per_s", "rss_per_s", "pss_per_s"}
for d in docs[1:]:
    rows = {p["pid"]: p for p in d["processes"]}
    assert set(rows) == set(one), rows.keys()
    for pid, r in rows.items():
        for k, v in one[pid].items():
            if k not in moving:
                assert r[k] == v, (d["sample"], pid, k, r[k], v)
        assert r["rollup_age"] is not None and r["rss_per_s"] == 0
EOF
	assert_success
}

@test "vmtop -P and -u: a group is the sum of its processes" {
	three_fixtures
	run "$PY" - "$VMTOP" "$A,$B,$C" <<'EOF'
import json, subprocess, sys
vmtop, pids = sys.argv[1], sys.argv[2]
procs = json.loads(subprocess.check_output([vmtop, "-J", "-p", pids]))["vmtop"]["processes"]
progs = json.loads(subprocess.check_output([vmtop, "-J", "-P", "-t", "-p", pids]))["vmtop"]
users = json.loads(subprocess.check_output([vmtop, "-J", "-u", "-p", pids]))["vmtop"]["users"]
assert len(progs["programs"]) == 1 and progs["programs"][0]["processes"] == 3
g = progs["programs"][0]
assert g["program"].endswith("/fixtures/mapper"), g["program"]
for k in ["vsz", "rss", "pss", "uss", "swap", "threads", "minflt", "majflt", "anon", "file", "shmem"]:
    assert g[k] == sum(p[k] for p in procs), k
    assert progs["totals"][k] == g[k], k
    assert users[0][k] == g[k], k
assert users[0]["processes"] == 3 and users[0]["user"] == procs[0]["user"]
EOF
	assert_success
}

@test "vmtop -t: the system's memory is /proc/meminfo's and adds up to MemTotal" {
	run "$PY" - "$VMTOP" <<'EOF'
import json, subprocess, sys
doc = json.loads(subprocess.check_output([sys.argv[1], "-J", "-t"], stderr=subprocess.DEVNULL))["vmtop"]
mem = {}
for line in open("/proc/meminfo"):
    k, v = line.split(":")
    mem[k] = int(v.split()[0]) * 1024
rows = {r["kind"]: r for r in doc["system"]}
assert doc["total"]["size"] == mem["MemTotal"]
# Figures that move little between two readings: within 16 MiB.
for kind, want in [("slab", mem["Slab"]), ("page_tables", mem["PageTables"]),
                   ("kernel_stack", mem["KernelStack"]), ("shmem", mem["Shmem"]),
                   ("hugetlb", mem.get("Hugetlb", 0)),
                   ("page_cache", mem["Cached"] + mem["Buffers"] - mem["Shmem"])]:
    assert abs(rows[kind]["size"] - want) < 16 << 20, (kind, rows[kind]["size"], want)
assert sum(r["size"] for r in doc["system"]) == mem["MemTotal"]
assert abs(sum(r["share"] for r in doc["system"]) - 100) < 0.6
# What the processes' PSS accounts for is the sum over the processes read.
assert rows["anon"]["in_processes"] == sum(p["anon"] or 0 for p in doc["processes"])
assert rows["page_cache"]["in_processes"] == sum(p["file"] or 0 for p in doc["processes"])
EOF
	assert_success
}

@test "vmtop -t: MemFree against the zones' free pages, as the files say (read just after), noted in text iff flagged" {
	"$VMTOP" -t -J -o PID,PSS > "$WORK/j" 2>/dev/null
	"$PY" "$TOOLS/validate_json.py" "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/j"
	run "$PY" "$TOOLS/memgap_oracle.py" / "$WORK/j" memory_gap --live
	assert_success
	echo "# live: $output" >&3
	# The system table's MemTotal is the one compared.
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))["vmtop"]
assert d["memory_gap"]["mem_total"] == d["total"]["size"], (d["memory_gap"], d["total"])' "$WORK/j"
	far=$("$PY" -c '
import json, sys
g = json.load(open(sys.argv[1]))["vmtop"]["memory_gap"]
print(g["flagged"], abs(abs(g["free_gap"]) - g["threshold"]) > g["threshold"] / 10)' "$WORK/j")
	run --separate-stderr "$VMTOP" -t -o PID,PSS
	assert_success
	case $far in
	"True True") echo "$output" | grep -q "^note: meminfo's MemFree" || fail "flagged in JSON, not in text" ;;
	"False True") if echo "$output" | grep -q "^note: meminfo"; then fail "flagged in text only"; fi ;;
	esac
	# Without -t: no comparison, no key.
	"$VMTOP" -J -o PID > "$WORK/j2" 2>/dev/null
	"$PY" -c 'import json, sys; assert "memory_gap" not in json.load(open(sys.argv[1]))["vmtop"]' "$WORK/j2"
}

@test "vmtop: kernel threads only with -k; filters by pid, user and command" {
	start_fixture --maps 3
	"$VMTOP" -J -k -o PID,COMMAND,PSS,RSS 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtop"]
assert d["scan"]["kernel_threads_hidden"] == 0
k = [p for p in d["processes"] if p["command"] == "kthreadd"]
assert k and k[0]["pss"] == 0 and k[0]["rss"] == 0, k'
	"$VMTOP" -J -o PID,COMMAND 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtop"]
assert d["scan"]["kernel_threads_hidden"] > 0
assert not [p for p in d["processes"] if p["command"] == "kthreadd"]'
	run "$VMTOP" --raw --noheadings -o PID -c '^mapper$' -U "$(id -u)"
	assert_line "$FIXTURE_PID"
	run "$VMTOP" --raw --noheadings -o PID -c 'no-such-[c]ommand-here'
	refute_line --regexp '^[0-9]+$'
	run "$VMTOP" --noheadings -o PID,CMDLINE -p "$FIXTURE_PID"
	assert_output --regexp "^ *$FIXTURE_PID .*/mapper --maps 3\$"
	# A process named twice is one row.
	run "$VMTOP" --raw --noheadings -o PID -p "$FIXTURE_PID,$FIXTURE_PID"
	assert_output "$FIXTURE_PID"
}

@test "vmtop -s: the order of a column, largest sizes first" {
	three_fixtures
	run "$VMTOP" -b --raw --noheadings -o PSS -p "$A,$B,$C"
	assert_equal "$output" "$(echo "$output" | sort -rn)"
	run "$VMTOP" -b --raw --noheadings -o PID -s pid -p "$C,$A,$B"
	assert_equal "$output" "$(printf '%s\n' "$A" "$B" "$C" | sort -n)"
	run "$VMTOP" -b --raw --noheadings -o USS -s uss --reverse -p "$A,$B,$C"
	assert_equal "$output" "$(echo "$output" | sort -n)"
}

@test "vmtop --watch -J: one valid document a line, rates from the differences" {
	start_fixture --running --maps 3
	# --refresh=0: every rollup read in every sample.
	"$VMTOP" -J --watch=0.2 --refresh=0 -n 4 -p "$FIXTURE_PID" -t > "$WORK/nd"
	[ "$(wc -l < "$WORK/nd")" -eq 4 ]
	"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/nd"
	# The default: this idle process's rollup is read in the first sample
	# only (its turn in the rotation of 50 samples is later).
	"$VMTOP" -J --watch=0.2 -n 4 -p "$FIXTURE_PID" > "$WORK/idle"
	"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/idle"
	run "$PY" - "$WORK/nd" "$WORK/idle" <<'EOF'
import json, sys
docs = [json.loads(l)["vmtop"] for l in open(sys.argv[1])]
assert [d["sample"] for d in docs] == [1, 2, 3, 4]
assert docs[0]["interval"] is None and docs[0]["processes"][0]["minflt_per_s"] is None
for a, b in zip(docs, docs[1:]):
    pa, pb = a["processes"][0], b["processes"][0]
    dt = b["interval"]
    assert 0.15 < dt < 2, dt
    want = (pb["minflt"] - pa["minflt"]) / dt
    # The interval is printed to the millisecond.
    assert abs(pb["minflt_per_s"] - want) <= 0.01 * want + 0.1, (pb["minflt_per_s"], want)
    assert abs(pb["rss_per_s"] - (pb["rss"] - pa["rss"]) / dt) <= 0.01 * abs(pb["rss_per_s"]) + 1
    assert pb["rollup_age"] == 0, pb
    assert abs(pb["pss_per_s"] - (pb["pss"] - pa["pss"]) / dt) <= 0.01 * abs(pb["pss_per_s"]) + 1
idle = [json.loads(l)["vmtop"]["processes"][0] for l in open(sys.argv[2])]
assert idle[0]["rollup_age"] == 0 and idle[0]["pss_per_s"] is None
for a, b in zip(idle, idle[1:]):
    # Not read again: the age grows, the PSS stays, and its rate is
    # unknown rather than a zero that was not measured.
    assert b["rollup_age"] > a["rollup_age"], (a, b)
    assert b["pss"] == a["pss"] and b["pss_per_s"] is None, b
    assert b["minflt_per_s"] is not None and b["rss_per_s"] is not None
EOF
	assert_success
}

@test "vmtop --watch: a process faulting shows its rate, a stopped one zero" {
	"$FIX/faulter" --free-loop 100000 --round-ms 5 > /dev/null &
	FIXTURE_PIDS+=("$!")
	busy=$!
	start_fixture --maps 3
	"$VMTOP" -J --watch=0.3 -n 3 -p "$busy,$FIXTURE_PID" > "$WORK/nd"
	run "$PY" - "$WORK/nd" "$busy" "$FIXTURE_PID" <<'EOF'
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])["vmtop"]
rows = {p["pid"]: p for p in last["processes"]}
assert rows[int(sys.argv[2])]["minflt_per_s"] > 1000, rows[int(sys.argv[2])]
assert rows[int(sys.argv[3])]["minflt_per_s"] == 0
EOF
	assert_success
}

@test "vmtop --watch: a process whose memory grows shows its new PSS in the next sample" {
	"$FIX/faulter" --grow 256 > "$WORK/grow" &
	FIXTURE_PIDS+=("$!")
	pid=$!
	for _ in $(seq 500); do grep -q ready "$WORK/grow" && break; sleep 0.01; done
	run "$PY" - "$VMTOP" "$pid" "$WORK" <<'EOF'
import json, os, signal, subprocess, sys, time
vmtop, pid, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = f"{work}/nd"

def samples():
    return [json.loads(l)["vmtop"] for l in open(out) if l.endswith("\n")]

def rollup_pss():
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024

# No rotation within the run: only a change can have the rollup read again.
with open(out, "w") as f:
    p = subprocess.Popen([vmtop, "-J", "--watch=0.2", "--refresh=3600", "-n", "16",
                          "-p", str(pid)], stdout=f)
def until(cond, what):
    # Not forever: vmtop may have died, the fixture may never answer.
    end = time.time() + 30
    while not cond():
        assert p.poll() is None, f"vmtop exited with {p.returncode} before {what}"
        assert time.time() < end, f"no {what} in 30 s"
        time.sleep(0.01)

until(lambda: len(samples()) >= 3, "third sample")
os.kill(pid, signal.SIGUSR1)
until(lambda: "grown 1" in open(f"{work}/grow").read(), "growth")
grown = time.time()
oracle = rollup_pss()
assert p.wait(timeout=30) == 0
rows = [(d["time"], d["processes"][0]) for d in samples()]
first = rows[0][1]
assert first["rollup_age"] == 0 and oracle > first["pss"] + 256 * 1024, (first, oracle)
# Idle before the signal: not read again, its PSS rate unknown.
for t, r in rows[1:3]:
    assert r["rollup_age"] > 0 and r["pss"] == first["pss"] and r["pss_per_s"] is None, r
after = [(t, r) for t, r in rows if t > grown]
assert len(after) >= 3, rows
t, r = after[0]
# Its faults moved: read in this sample, the new PSS as the test read it.
assert r["rollup_age"] == 0 and r["pss"] == oracle, (r, oracle)
assert r["minflt_per_s"] > 0
# PSS/S over the span since the last read (the first sample), not the
# last interval: the JSON times are to the millisecond.
want = (oracle - first["pss"]) / (t - rows[0][0])
assert abs(r["pss_per_s"] - want) <= 0.1 * want, (r["pss_per_s"], want)
for t, r in after[1:]:
    assert r["pss"] == oracle and r["pss_per_s"] is None, r
EOF
	assert_success
}

@test "vmtop --watch: an idle process's rollup is read again within --refresh" {
	# A stopped process whose counters never move: its PSS changes when a
	# second process of the same (static) program maps its pages, and
	# vmtop must show that within the refresh period. A copy of the
	# program, so that no other process shares its pages.
	cp "$FIX/mapper" "$WORK/mapper"
	run "$PY" - "$VMTOP" "$WORK/nd" "$WORK/mapper" <<'EOF'
import json, os, signal, subprocess, sys, time
vmtop, out, mapper = sys.argv[1], sys.argv[2], sys.argv[3]
R = 1.0

def start():
    proc = subprocess.Popen([mapper, "--maps", "3"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("ready")
    os.kill(proc.pid, signal.SIGSTOP)
    return proc

def samples():
    return [json.loads(l)["vmtop"] for l in open(out) if l.endswith("\n")]

def rollup_pss():
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024

procs = [start()]
try:
    pid = procs[0].pid
    with open(out, "w") as f:
        p = subprocess.Popen([vmtop, "-J", "--watch=0.2", f"--refresh={R}", "-n", "20",
                              "-p", str(pid)], stdout=f)
    end = time.time() + 30
    while len(samples()) < 2:
        assert p.poll() is None, f"vmtop exited with {p.returncode}"
        assert time.time() < end, "no second sample in 30 s"
        time.sleep(0.01)
    procs.append(start())
    shared = time.time()
    oracle = rollup_pss()
    assert p.wait(timeout=30) == 0
finally:
    for proc in procs:
        proc.kill()
        proc.wait()
rows = [(d["time"], d["processes"][0]) for d in samples()]
assert rows[0][1]["pss"] > oracle, (rows[0][1], oracle)
assert len({r["minflt"] for t, r in rows}) == 1, "the stopped process faulted"
for t, r in rows:
    assert r["rollup_age"] is not None and r["rollup_age"] <= R, r
late = [r for t, r in rows if t > shared + R + 0.01]
assert len(late) >= 3, rows
for r in late:
    assert r["pss"] == oracle, (r, oracle)
EOF
	assert_success
}

@test "vmtop --watch: samples on a fixed schedule, a late one does not push the rest back" {
	# vmtop is stopped for half an interval once: the sample it was
	# sleeping toward comes late, and every other one stays on the grid
	# of the first sample's time plus whole intervals. (Sleeping a fixed
	# time after each sample would shift all the later ones.)
	start_fixture --maps 3
	run "$PY" - "$VMTOP" "$FIXTURE_PID" "$WORK/nd" <<'EOF'
import json, os, signal, subprocess, sys, time
vmtop, pid, out = sys.argv[1:]
I = 0.5
with open(out, "w") as f:
    p = subprocess.Popen([vmtop, "-J", f"--watch={I}", "-n", "8", "-p", pid, "-o", "PID"],
                         stdout=f)
for _ in range(1000):
    line = open(out).readline()
    if line.endswith("\n"):
        break
    time.sleep(0.01)
t0 = json.loads(line)["vmtop"]["time"]
time.sleep(max(0, t0 + 1.5 * I - time.time()))
os.kill(p.pid, signal.SIGSTOP)
time.sleep(max(0, t0 + 2.5 * I - time.time()))
os.kill(p.pid, signal.SIGCONT)
assert p.wait(timeout=30) == 0
times = [json.loads(l)["vmtop"]["time"] for l in open(out)]
assert len(times) == 8, times
off = [t - t0 - round((t - t0) / I) * I for t in times]
late = [o for o in off if abs(o) > I / 5]
# One late sample at most; JSON times are to the millisecond.
assert len(late) <= 1, [round(o, 3) for o in off]
assert times[-1] - t0 < 8 * I + I / 5, times
EOF
	assert_success
}

@test "vmtop --openmetrics: valid for prometheus_client's OpenMetrics parser, figures as -J" {
	three_fixtures
	"$VMTOP" --openmetrics -p "$A,$B,$C" > "$WORK/om"
	"$VMTOP" -J -p "$A,$B,$C" > "$WORK/json"
	tail -1 "$WORK/om" | grep -qx '# EOF'
	run "$PY" - "$WORK/om" "$WORK/json" <<'EOF'
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
rows = {p["pid"]: p for p in json.load(open(sys.argv[2]))["vmtop"]["processes"]}
assert fams["vmtop_process_pss_bytes"].unit == "bytes"
assert fams["vmtop_process_minor_faults"].type == "counter"
for name, key in [("vmtop_process_pss_bytes", "pss"), ("vmtop_process_rss_bytes", "rss"),
                  ("vmtop_process_uss_bytes", "uss"), ("vmtop_process_virtual_bytes", "vsz")]:
    got = {int(s.labels["pid"]): s.value for s in fams[name].samples}
    assert got == {p: r[key] for p, r in rows.items()}, (name, got)
mins = {int(s.labels["pid"]): s.value for s in fams["vmtop_process_minor_faults"].samples
        if s.name.endswith("_total")}
assert mins == {p: r["minflt"] for p, r in rows.items()}
assert "vmtop_system_memory_bytes" in fams and "vmtop_scan_processes" in fams
# A single run reads every rollup: none is older than the sample.
ages = fams["vmtop_process_rollup_age_seconds"]
assert ages.unit == "seconds" and {int(s.labels["pid"]) for s in ages.samples} == set(rows)
assert all(s.value == 0 for s in ages.samples)
EOF
	assert_success
	# Per user, and to a file replaced whole.
	"$VMTOP" --openmetrics="$WORK/vmtop.prom" -u -p "$A"
	[ ! -e "$WORK/vmtop.prom.tmp" ]
	"$PY" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
f = {m.name: m for m in text_string_to_metric_families(open(sys.argv[1]).read())}
assert list(f["vmtop_user_pss_bytes"].samples[0].labels) == ["user"]' "$WORK/vmtop.prom"
}

@test "vmtop --openmetrics: label values escaped (quotes, backslashes)" {
	cp "$FIX/mapper" "$WORK/a\"b\\c"
	"$WORK/a\"b\\c" --maps 1 > "$WORK/ready" &
	FIXTURE_PIDS+=("$!")
	pid=$!
	for _ in $(seq 100); do grep -q ready "$WORK/ready" && break; sleep 0.05; done
	"$VMTOP" --openmetrics -p "$pid" > "$WORK/om"
	grep -qF 'command="a\"b\\c"' "$WORK/om"
	"$PY" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
f = {m.name: m for m in text_string_to_metric_families(open(sys.argv[1]).read())}
assert f["vmtop_process_rss_bytes"].samples[0].labels["command"] == "a\"b\\c"' "$WORK/om"
}

@test "vmtop --watch in a terminal: redrawn in place" {
	command -v tmux > /dev/null || skip "tmux is not installed (scripts/install-deps.sh test)"
	start_fixture --maps 3
	SHELL=/bin/sh tmux -f /dev/null -L "vmscope$$" new-session -d -x 120 -y 30 \
		"'$VMTOP' --watch=0.3 -n 12 -p '$FIXTURE_PID'; sleep 30"
	sleep 1.5
	first=$(tmux -L "vmscope$$" capture-pane -p)
	sleep 1
	second=$(tmux -L "vmscope$$" capture-pane -p)
	for screen in "$first" "$second"; do
		# One header, at the top; one table header; nothing scrolled.
		[ "$(echo "$screen" | grep -c '^vmtop - ')" -eq 1 ] || fail "$screen"
		echo "$screen" | head -1 | grep -q '^vmtop - ' || fail "$screen"
		[ "$(echo "$screen" | grep -c '^ *PID ')" -eq 1 ] || fail "$screen"
		echo "$screen" | grep -q "^ *$FIXTURE_PID " || fail "$screen"
	done
	n1=$(echo "$first" | sed -n 's/.* sample \([0-9]*\) .*/\1/p')
	n2=$(echo "$second" | sed -n 's/.* sample \([0-9]*\) .*/\1/p')
	[ "$n1" -ge 2 ] && [ "$n2" -gt "$n1" ] || fail "samples $n1 then $n2"
}

@test "vmtop: processes that vanish during scans are skipped and counted" {
	# Short-lived processes come and go while vmtop scans; whatever it
	# meets, every document is valid and every row is a process it read.
	( for _ in $(seq 300); do "$FIX/mapper" --maps 300 --exit-after 1 > /dev/null & done; wait ) &
	churn=$!
	# And --watch alongside, whose later samples meet processes that come
	# and go between reading their stat and the rest.
	"$VMTOP" -J --watch=0.05 -n 20 -o PID,PSS,PSS/S,ROLLUP_AGE > "$WORK/nd" 2>/dev/null &
	watch=$!
	for _ in $(seq 10); do
		"$VMTOP" -J -o PID,PSS 2>/dev/null > "$WORK/j" || fail "vmtop failed"
		valid_json vmtop < "$WORK/j"
		"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))["vmtop"]
s = d["scan"]
assert s["shown"] == len(d["processes"])
assert s["seen"] == s["shown"] + s["vanished"] + s["zombies"] + s["kernel_threads_hidden"] + s["filtered"]
print(s["vanished"])' "$WORK/j" >> "$WORK/vanished"
	done
	wait "$watch" || fail "vmtop --watch failed"
	"$PY" "$TOOLS/validate_json.py" --lines "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/nd"
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)["vmtop"]
    s = d["scan"]
    assert s["shown"] == len(d["processes"])
    assert s["seen"] == s["shown"] + s["vanished"] + s["zombies"] + s["kernel_threads_hidden"] + s["filtered"]
    assert len({p["pid"] for p in d["processes"]}) == s["shown"]
    print(s["vanished"], end=" ")' "$WORK/nd" > "$WORK/vanished.watch"
	wait "$churn"
	echo "# vanished per scan: $(tr '\n' ' ' < "$WORK/vanished"); with --watch: $(cat "$WORK/vanished.watch")" >&3
}

@test "vmtop: another user's processes: shown as far as permitted, and counted" {
	if is_root; then
		skip "root may read every process; the cli-user suite runs this"
	fi
	run "$VMTOP" -o PID,RSS,PSS
	assert_success
	assert_output --regexp "vmtop: [0-9]+ of [0-9]+ processes could not be read"
	assert_output --partial "hint: reading another user's process needs root"
	run "$VMTOP" -J -p 1 -o PID,RSS,PSS
	assert_failure 4
	"$VMTOP" -J -p 1 -o PID,RSS,PSS 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtop"]
p = d["processes"][0]
assert p["pid"] == 1 and p["rss"] is not None and p["pss"] is None
assert d["scan"]["unreadable"] == 1'
	# Own processes are read whole.
	start_fixture --maps 3
	run "$VMTOP" -J -p "$FIXTURE_PID" -o PSS
	assert_success
	assert_output --regexp '"pss": [0-9]+'
}

@test "vmtop: root of a user namespace only is told so, not told to become root" {
	is_root || skip "needs root to make a user namespace whose root is real root's uid"
	unshare -r true 2>/dev/null || skip "unshare -r: user namespaces are not permitted here"
	start_fixture --maps 3
	# The independent reading: inside the namespace the file is refused
	# (CAP_SYS_PTRACE there does not reach the initial namespace).
	if unshare -r cat "/proc/$FIXTURE_PID/smaps_rollup" >/dev/null 2>&1; then
		skip "this kernel lets a user namespace's root read outside processes"
	fi
	run --separate-stderr unshare -r "$VMTOP" -J -p "$FIXTURE_PID" -o PID,RSS,PSS
	assert_failure 4
	echo "$stderr" | grep -q "hint: root may not read it: this process is root of a user namespace only" ||
		fail "no user-namespace hint: $stderr"
	if echo "$stderr" | grep -q "needs root"; then fail "told root to become root: $stderr"; fi
	echo "$output" | "$PY" -c '
import json, sys
p = json.load(sys.stdin)["vmtop"]["processes"][0]
assert p["rss"] is not None and p["pss"] is None, p'
}

@test "vmtop: a process root may not read (here PID 1, if so) is not a 'needs root' hint" {
	is_root || skip "the hint for a user is checked by the cli-user suite"
	# The independent reading: does the kernel refuse root this file?
	pid=
	for d in /proc/[0-9]*; do
		# A process with memory (not a kernel thread) whose rollup
		# root is refused.
		rss=$(awk '{print $2}' "$d/statm" 2>/dev/null) || continue
		[ "${rss:-0}" -gt 0 ] || continue
		if ! cat "$d/smaps_rollup" >/dev/null 2>&1 && [ -e "$d/smaps_rollup" ]; then
			pid=${d#/proc/}; break
		fi
	done
	[ -n "$pid" ] || skip "root may read every process on this machine (the user-namespace test covers the hint)"
	run --separate-stderr "$VMTOP" -p "$pid" -o PID,RSS,PSS
	assert_failure 4
	echo "$stderr" | grep -q "hint: root may not read it either: CAP_SYS_PTRACE is held" ||
		fail "no hint that root may not read it: $stderr"
	if echo "$stderr" | grep -q "needs root"; then fail "told root to become root: $stderr"; fi
}

# A stopped fixture in a user namespace of its own (unshare -r execs it:
# same pid): its root reads it, but not the processes outside. Sets NS_PID.
start_ns_fixture() {
	local out=$WORK/ns.$RANDOM i
	unshare -r "$FIX/mapper" "$@" > "$out" 2> "$out.err" 3>&- &
	NS_PID=$!
	FIXTURE_PIDS+=("$NS_PID")
	for i in $(seq 1 1000); do
		grep -q '^ready' "$out" && break
		kill -0 "$NS_PID" 2>/dev/null || break
		sleep 0.01
	done
	grep -q '^ready' "$out" || { cat "$out.err" >&2; return 1; }
	kill -STOP "$NS_PID"
	wait_stopped "$NS_PID"
}

@test "vmtop -t: totals add what could be read and say how many processes they leave out (text, JSON, OpenMetrics)" {
	is_root || skip "needs root to make a user namespace whose root is real root's uid"
	unshare -r true 2>/dev/null || skip "unshare -r: user namespaces are not permitted here"
	three_fixtures
	start_ns_fixture --touch --maps 20 --heap 100
	N1=$NS_PID
	# In the namespace of N1: N1 is readable, A, B and C (outside) not.
	inns() { nsenter -U -t "$N1" --preserve-credentials "$@"; }
	if inns cat "/proc/$A/smaps_rollup" >/dev/null 2>&1; then
		skip "this kernel lets a user namespace's root read outside processes"
	fi
	inns cat "/proc/$N1/smaps_rollup" >/dev/null || fail "cannot read its own namespace's process"
	pids=$A,$B,$C,$N1
	inns "$VMTOP" -J -t -p "$pids" -o PID,RSS,PSS,USS,SWAP > "$WORK/j" 2> "$WORK/err" || true
	inns "$VMTOP" -t -b -p "$pids" -o PID,RSS,PSS,USS,SWAP > "$WORK/txt" 2>/dev/null || true
	inns "$VMTOP" -t --openmetrics -p "$pids" > "$WORK/om" 2>/dev/null || true
	"$PY" "$TOOLS/validate_json.py" "$VMSCOPE_ROOT/man/schema/vmtop.json" "$WORK/j"
	# The independent reading, as real root, of the stopped fixtures:
	# smaps_rollup of the one readable process, ps's RSS of all four.
	run "$PY" - "$WORK/j" "$WORK/txt" "$WORK/om" "$N1" "$A" "$B" "$C" <<'EOF'
import json, subprocess, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
jf, tf, of, n1 = sys.argv[1:5]
outside = sys.argv[5:]
def rollup(pid):
    f = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if parts[0].endswith(":") and len(parts) >= 3:
            f[parts[0][:-1]] = int(parts[1]) * 1024
    return f
r = rollup(n1)
pss, uss, swap = r["Pss"], r["Private_Clean"] + r["Private_Dirty"], r["Swap"]
rss = sum(int(x) * 1024 for x in subprocess.check_output(
    ["ps", "-o", "rss=", "-p", ",".join([n1] + outside)]).split())
d = json.load(open(jf))["vmtop"]
assert d["scan"]["unreadable"] == 3, d["scan"]
t = d["totals"]
assert t["pss"] == pss and t["uss"] == uss and t["swap"] == swap, (t, pss, uss, swap)
assert t["rss"] == rss, (t, rss)
lo = d["totals_left_out"]
assert lo == {"processes": 3, "columns": ["pss", "uss", "swap"]}, lo
# Text: the total line has the sums, and a line says what it leaves out.
txt = open(tf).read().splitlines()
i = next(k for k, l in enumerate(txt) if l.startswith("totals of"))
total = txt[i - 1].split()
assert [int(x) for x in total[-4:]] == [rss, pss, uss, swap], (total, rss, pss, uss, swap)
assert "totals of PSS, USS, SWAP leave out 3 of 4 processes" in "\n".join(txt), txt
fams = {f.name: f for f in text_string_to_metric_families(open(of).read())}
assert fams["vmtop_total_pss_bytes"].samples[0].value == pss
assert fams["vmtop_total_rss_bytes"].samples[0].value == rss
left = {s.labels["figure"]: s.value for s in fams["vmtop_total_left_out_processes"].samples}
assert left["pss_bytes"] == 3 and left["uss_bytes"] == 3 and left["rss_bytes"] == 0, left
EOF
	assert_success
	grep -q "3 of .* processes could not be read" "$WORK/err" || fail "$(cat "$WORK/err")"
	# Every process readable: nothing is left out.
	"$VMTOP" -J -t -p "$pids" -o PID,PSS | "$PY" -c '
import json, sys
d = json.load(sys.stdin)["vmtop"]
assert d["totals_left_out"] == {"processes": 0, "columns": []}, d["totals_left_out"]
assert d["totals"]["pss"] == sum(p["pss"] for p in d["processes"])'
}

@test "vmtop: a user's own process made non-dumpable (prctl) is said to be so, not another user's" {
	# Both sides as one unprivileged user: this one, or vmscope-test
	# when the suite runs as root.
	as=()
	if is_root; then
		id vmscope-test >/dev/null 2>&1 || skip "no user vmscope-test to run as"
		as=(setpriv --reuid=vmscope-test --regid=vmscope-test --clear-groups)
	fi
	"${as[@]}" "$PY" -c '
import ctypes, sys, time
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)	# PR_SET_DUMPABLE, 0
print("ready", flush=True)
time.sleep(60)' > "$WORK/nd.out" &
	pid=$!
	FIXTURE_PIDS+=("$pid")
	for i in $(seq 1 500); do grep -q ready "$WORK/nd.out" && break; sleep 0.01; done
	# The independent reading: the same user is refused its rollup.
	if "${as[@]}" cat "/proc/$pid/smaps_rollup" >/dev/null 2>&1; then
		fail "a non-dumpable process was readable by its user"
	fi
	run --separate-stderr "${as[@]}" "$VMTOP" -p "$pid" -o PID,RSS,PSS
	assert_failure 4
	echo "$stderr" | grep -q "hint: the process is this user's but not dumpable" ||
		fail "no hint of dumpability: $stderr"
}

@test "vmtop: bad options are usage errors (exit 2), a missing pid is 42" {
	for args in "--watch=0" "--watch=abc" "-w-1" "-n 0" "-n x" "-p 0" "-p abc" \
		    "-o NOPE" "-s NOPE" "-c (" "-U no-such-user-here" "-J --openmetrics" \
		    "stray" "--openmetrics=" "--refresh=x" "--refresh=-1" "--refresh=86401"; do
		# shellcheck disable=SC2086
		run "$VMTOP" $args
		assert_failure 2
		assert_output --partial "Try 'vmtop --help'"
	done
	missing=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
	while [ -d "/proc/$missing" ]; do missing=$((missing - 1)); done
	run "$VMTOP" -p "$missing"
	assert_failure 42
	assert_output --partial "process $missing not found"
}

@test "vmtop --list-columns, and vmtop | head is quiet" {
	run "$VMTOP" --list-columns
	assert_success
	assert_output --partial "PSS"
	assert_output --partial "MINFLT/S"
	run bash -c "trap '' PIPE; '$VMTOP' -k 2>&1 >/dev/null | grep -v 'could not be read\|^hint' ; '$VMTOP' -k 2>/dev/null | head -1 > /dev/null; echo \"status \${PIPESTATUS[0]}\""
	assert_output --partial "status 0"
	refute_output --partial "error"
}
