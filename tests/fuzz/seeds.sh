#!/usr/bin/env bash
# tests/fuzz/seeds.sh - the seed corpora of the harnesses, made from the
# captured fixtures at build time (nothing is copied into the tree).
#
#   tests/fuzz/seeds.sh OUTDIR KMOD_SEED
#
# OUTDIR/NAME/ gets, for harness fuzz_NAME, a symbolic link to every
# fixture file of its kind under tests/fixtures (the captured /proc trees,
# tests/fixtures/kernel/this, hostile, and any tree added later), found by
# path. What no fixture holds in the harness's form is derived from one:
# the cpuid harness's binary leaves from each vmscope/cpuid dump, statm
# from each status file's Vm and Rss lines, the module's replies from
# KMOD_SEED (kmod_seed.c). OUTDIR is emptied first.
set -eu
out=$1 kmod_seed=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
fx=$root/tests/fixtures

rm -rf "$out"
mkdir -p "$out"

# link NAME PATTERN: every fixture file whose path matches PATTERN.
link() {
	local name=$1 pat=$2 f rel
	mkdir -p "$out/$name"
	while IFS= read -r f; do
		rel=${f#"$fx"/}
		ln -sf "$f" "$out/$name/${rel//\//_}"
	done < <(find "$fx" -type f -path "$pat" | sort)
}

for f in maps smaps smaps_rollup stat status cmdline; do
	link "$f" "*/proc/[0-9]*/$f"
done
for f in buddyinfo pagetypeinfo zoneinfo slabinfo interrupts vmstat; do
	link "$f" "*/proc/$f"
done
link extfrag "*/extfrag/*_index"
link slab_attr "*/sys/kernel/slab/*/*"
link cpuid_dump "*/vmscope/cpuid"

# cpuid: each dump's lines as 24-byte records of six little-endian words.
mkdir -p "$out/cpuid"
while IFS= read -r f; do
	rel=${f#"$fx"/}
	python3 - "$f" "$out/cpuid/${rel//\//_}.bin" <<'PY'
import struct, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "wb") as dst:
    for line in src:
        w = line.split()
        if len(w) == 6 and not line.startswith("#"):
            dst.write(struct.pack("<6I", *(int(x, 16) for x in w)))
PY
done < <(find "$fx" -type f -path "*/vmscope/cpuid" | sort)

# statm: pages (4 KiB) from each status file, as the kernel computes
# them: size resident shared text lib data dt.
mkdir -p "$out/statm"
while IFS= read -r f; do
	rel=${f#"$fx"/}
	awk '{ v[$1] = $2 }
	END { printf "%d %d %d %d 0 %d 0\n", v["VmSize:"] / 4, v["VmRSS:"] / 4,
	      (v["RssFile:"] + v["RssShmem:"]) / 4, v["VmExe:"] / 4,
	      (v["VmData:"] + v["VmStk:"]) / 4 }' "$f" \
		> "$out/statm/${rel//\//_}"
done < <(find "$fx" -type f -path "*/proc/[0-9]*/status" | sort)

# kmod: the whole conversation, and each view alone.
mkdir -p "$out/kmod"
for v in 15 1 2 4 8; do
	"$kmod_seed" "$v" > "$out/kmod/views-$v"
done
