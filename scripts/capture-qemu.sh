#!/usr/bin/env bash
# capture-qemu.sh - capture a kernel tree (as scripts/capture-kernel.sh
# does) inside a qemu guest whose CPU is one of qemu's TCG models: the way
# to record an Intel CPU's leaves on a machine that has none.
#
#   scripts/capture-qemu.sh NAME CPU-MODEL VMLINUZ
#
#   NAME        tests/fixtures/kernel/NAME is (re)written
#   CPU-MODEL   qemu's -cpu model, e.g. Skylake-Server, Icelake-Server
#   VMLINUZ     a kernel image, e.g. Debian's linux-image-*-amd64
#               (apt-get download, dpkg-deb -x) as tests/vm/run fetches it
#
# The guest (busybox-static and build/fixtures/cpuid_dump in an initramfs)
# writes proc/{cpuinfo,interrupts,meminfo,vmstat,buddyinfo,pagetypeinfo,
# zoneinfo,slabinfo}, proc/sys/vm/extfrag_threshold, debugfs's extfrag/
# files, vmscope/cpuid and vmscope/dmesg (the kernel's log: its own view
# of the CPU and TLB) to its second serial port as a base64 tar. Write a
# machine.txt beside it saying what the model is: qemu's, not silicon.
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: capture-qemu.sh NAME CPU-MODEL VMLINUZ}
cpu=${2:?usage: capture-qemu.sh NAME CPU-MODEL VMLINUZ}
vmlinuz=${3:?usage: capture-qemu.sh NAME CPU-MODEL VMLINUZ}
for t in qemu-system-x86_64 cpio gzip base64 tar; do
	command -v "$t" >/dev/null || { echo "capture-qemu.sh: no $t" >&2; exit 1; }
done
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	{ echo "capture-qemu.sh: needs busybox-static" >&2; exit 1; }
make -s fixtures >/dev/null

work=$(mktemp -d /tmp/vmscope-capture.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/root/dev"
cp /bin/busybox "$work/root/bin/busybox"
cp build/fixtures/cpuid_dump "$work/root/bin/cpuid_dump"
cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
t=/tmp/tree
mkdir -p $t/proc/sys/vm $t/sys/kernel/debug/extfrag $t/vmscope
for f in cpuinfo interrupts meminfo vmstat buddyinfo pagetypeinfo zoneinfo slabinfo; do
	cat /proc/$f > $t/proc/$f
done
cat /proc/sys/vm/extfrag_threshold > $t/proc/sys/vm/extfrag_threshold
for f in unusable_index extfrag_index; do
	cat /sys/kernel/debug/extfrag/$f > $t/sys/kernel/debug/extfrag/$f
done
cpuid_dump > $t/vmscope/cpuid
dmesg > $t/vmscope/dmesg
{ echo BEGIN; tar -C $t -c . | base64; echo END; } > /dev/ttyS1
poweroff -f
EOF
chmod 0755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

timeout -k 10 600 qemu-system-x86_64 -accel tcg -cpu "$cpu" -smp 2 -m 512 \
	-display none -monitor none -no-reboot \
	-serial "file:$work/console.log" -serial "file:$work/out.log" \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4" </dev/null >/dev/null 2>&1 || true
grep -q '^END' "$work/out.log" 2>/dev/null || {
	tail -20 "$work/console.log" >&2
	echo "capture-qemu.sh: the guest wrote no tree" >&2
	exit 1
}
tree=tests/fixtures/kernel/$name
rm -rf "$tree"
mkdir -p "$tree"
tr -d '\r' <"$work/out.log" | sed -n '/^BEGIN$/,/^END$/p' | sed '1d;$d' |
	base64 -d | tar -C "$tree" -x
echo "captured $tree (qemu -cpu $cpu)"
