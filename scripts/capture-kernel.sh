#!/usr/bin/env bash
# capture-kernel.sh - capture the kernel files vmfrag, vmslab and vmtlb read,
# for the unit tests and for --sysroot.
#
#   scripts/capture-kernel.sh NAME [CACHE...]
#
# Writes tests/fixtures/kernel/NAME/: proc/{buddyinfo,pagetypeinfo,zoneinfo,
# vmstat,slabinfo,interrupts,cpuinfo,meminfo}, proc/sys/vm/extfrag_threshold,
# sys/kernel/debug/extfrag/{unusable_index,extfrag_index} read back to back
# with buddyinfo and pagetypeinfo (the capture is retried until those two
# read the same before and after, so that the four are one moment), the
# /sys/kernel/slab directories of the CACHEs (default: dentry, kmalloc-64,
# task_struct, vm_area_struct, dmaengine-unmap-2 and the merged cache
# behind it) with every link to them, and vmscope/cpuid (the recorded cpuid
# leaves, from build/fixtures/cpuid_dump, with the hypervisor's leaves
# 0x40000000-1 when cpuid says there is one). Run as root: pagetypeinfo,
# slabinfo, the slab attributes and debugfs are root only.
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: capture-kernel.sh NAME [CACHE...]}
shift
caches=("$@")
[ ${#caches[@]} -gt 0 ] ||
	caches=(dentry kmalloc-64 task_struct vm_area_struct dmaengine-unmap-2)
[ "$(id -u)" -eq 0 ] || { echo "capture-kernel.sh: run as root" >&2; exit 1; }
make -s fixtures >/dev/null

tree=tests/fixtures/kernel/$name
rm -rf "$tree"
mkdir -p "$tree/proc/sys/vm" "$tree/sys/kernel/debug/extfrag" \
	"$tree/sys/kernel/slab" "$tree/vmscope"

mounted=
if [ ! -e /sys/kernel/debug/extfrag ]; then
	mount -t debugfs debugfs /sys/kernel/debug && mounted=1
fi
trap '[ -n "$mounted" ] && umount /sys/kernel/debug; true' EXIT
ok=
for _ in $(seq 100); do
	b1=$(cat /proc/buddyinfo)
	p1=$(cat /proc/pagetypeinfo)
	u=$(cat /sys/kernel/debug/extfrag/unusable_index)
	x=$(cat /sys/kernel/debug/extfrag/extfrag_index)
	p2=$(cat /proc/pagetypeinfo)
	b2=$(cat /proc/buddyinfo)
	if [ "$b1" = "$b2" ] && [ "$p1" = "$p2" ]; then ok=1; break; fi
done
[ -n "$ok" ] || { echo "capture-kernel.sh: buddyinfo never stood still" >&2; exit 1; }
printf '%s\n' "$b1" > "$tree/proc/buddyinfo"
printf '%s\n' "$p1" > "$tree/proc/pagetypeinfo"
printf '%s\n' "$u" > "$tree/sys/kernel/debug/extfrag/unusable_index"
printf '%s\n' "$x" > "$tree/sys/kernel/debug/extfrag/extfrag_index"

for f in zoneinfo vmstat slabinfo interrupts cpuinfo meminfo; do
	cat "/proc/$f" > "$tree/proc/$f"
done
cat /proc/sys/vm/extfrag_threshold > "$tree/proc/sys/vm/extfrag_threshold"

# The slab caches asked for: their directories (attributes that can be
# read without side effects) and every link to them.
attrs="object_size slab_size objs_per_slab order objects total_objects slabs
	partial objects_partial cpu_slabs aliases align reclaim_account
	hwcache_align destroy_by_rcu cache_dma poison red_zone store_user
	sanity_checks min_partial cpu_partial slabs_cpu_partial ctor usersize"
for c in "${caches[@]}"; do
	dir=$(basename "$(readlink -f "/sys/kernel/slab/$c")")
	[ -d "/sys/kernel/slab/$dir" ] || { echo "no cache $c" >&2; exit 1; }
	mkdir -p "$tree/sys/kernel/slab/$dir"
	for a in $attrs; do
		[ -r "/sys/kernel/slab/$dir/$a" ] &&
			cat "/sys/kernel/slab/$dir/$a" > "$tree/sys/kernel/slab/$dir/$a"
	done
	for l in /sys/kernel/slab/*; do
		[ -L "$l" ] && [ "$(readlink "$l")" = "$dir" ] &&
			ln -sfn "$dir" "$tree/sys/kernel/slab/$(basename "$l")"
	done
done
build/fixtures/cpuid_dump > "$tree/vmscope/cpuid"
echo "captured $tree"
