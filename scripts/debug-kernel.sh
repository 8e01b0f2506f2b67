#!/usr/bin/env bash
# debug-kernel.sh - build the VM suite's debug kernel (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_PAGEALLOC, soft-lockup and hung-task
# detectors) from Debian's linux-source-6.1, once, into
# build/vm/debug-kernel; a later run reuses it.
#
#   scripts/debug-kernel.sh [--check-only]
#
# 1. /usr/src/linux-source-6.1.tar.xz is unpacked under build/vm/debug-kernel
#    (never in the tree);
# 2. `make tinyconfig`, merged with tests/vm/debug.config
#    (scripts/kconfig/merge_config.sh), then olddefconfig;
# 3. every "CONFIG_X=..." and "# CONFIG_X is not set" line of the fragment
#    must be in the final .config: Kconfig drops an option whose
#    dependencies are missing without a word, so this is checked here;
# 4. `nice -n 10 make -j2` (vmlinux, bzImage, modules), its output in
#    build/vm/debug-kernel/build.log, its wall and CPU time (GNU time -v)
#    in build/vm/debug-kernel/time.log.
# The tree is rebuilt (incrementally) when the fragment has changed since
# the last build. Prints the kernel image and the build tree on success:
#   VMSCOPE_VM_KERNEL=.../bzImage VMSCOPE_VM_KDIR=... VMSCOPE_VM_NAME=debug
# Environment: VMSCOPE_DEBUG_KERNEL_DIR (default build/vm/debug-kernel),
# VMSCOPE_DEBUG_KERNEL_JOBS (default 2).
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${VMSCOPE_DEBUG_KERNEL_DIR:-$ROOT/build/vm/debug-kernel}
JOBS=${VMSCOPE_DEBUG_KERNEL_JOBS:-2}
TARBALL=/usr/src/linux-source-6.1.tar.xz
FRAGMENT=$ROOT/tests/vm/debug.config
SRC=$DIR/linux-source-6.1

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

# Every line of the fragment that sets or unsets an option, present as it
# is in .config.
check_config() {
	local bad=0 line name
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) name=${line%%=*} ;;
		"# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *} ;;
		*) continue ;;
		esac
		if ! grep -qxF -- "$line" "$SRC/.config"; then
			echo "debug-kernel.sh: wanted '$line', .config has '$(grep -E "^$name=|^# $name is not set" "$SRC/.config" || echo nothing)'" >&2
			bad=$((bad + 1))
		fi
	done <"$FRAGMENT"
	[ "$bad" -eq 0 ] || die "$bad option(s) of ${FRAGMENT#$ROOT/} are not in the final .config (missing dependencies?)"
	echo "debug-kernel.sh: all $(grep -c -E '^CONFIG_|^# CONFIG_.* is not set' "$FRAGMENT") options of ${FRAGMENT#$ROOT/} are in $SRC/.config" >&2
}

for t in make gcc bc bison flex xz tar perl /usr/bin/time; do
	command -v "$t" >/dev/null || die "missing $t (scripts/install-deps.sh vm-debug)"
done
[ -e /usr/include/libelf.h ] || die "missing libelf-dev (scripts/install-deps.sh vm-debug)"
[ -e /usr/include/openssl/ssl.h ] || die "missing libssl-dev (scripts/install-deps.sh vm-debug)"
[ -s "$TARBALL" ] || die "missing $TARBALL (scripts/install-deps.sh vm-debug)"

mkdir -p "$DIR"
# A new linux-source-6.1 (size and date of the tarball) is unpacked afresh.
tarstat=$(stat -c '%s %Y' "$TARBALL")
if [ ! -f "$SRC/Makefile" ] || [ "$(cat "$DIR/source.stamp" 2>/dev/null)" != "$tarstat" ]; then
	echo "debug-kernel.sh: unpacking $TARBALL into $DIR" >&2
	rm -rf "$SRC" "$DIR/config.sha256"
	tar -xJf "$TARBALL" -C "$DIR" || die "cannot unpack $TARBALL"
	echo "$tarstat" >"$DIR/source.stamp"
fi

sum=$(sha256sum <"$FRAGMENT" | cut -d' ' -f1)
stamp=$DIR/config.sha256
if [ ! -f "$SRC/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
	(cd "$SRC" && make -s tinyconfig &&
		scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" &&
		make -s olddefconfig) >"$DIR/config.log" 2>&1 ||
		{ cat "$DIR/config.log" >&2; die "the configuration failed"; }
	echo "$sum" >"$stamp"
fi
check_config
[ "${1:-}" = --check-only ] && exit 0

image=$SRC/arch/x86/boot/bzImage
if [ -s "$image" ] && [ -s "$SRC/Module.symvers" ] && [ "$DIR/built" -nt "$stamp" ]; then
	echo "debug-kernel.sh: reusing $image (built $(date -u -r "$DIR/built" '+%F %H:%M UTC'))" >&2
else
	echo "debug-kernel.sh: building in $SRC (log: $DIR/build.log; ~40 min or more on 2 cores)" >&2
	if ! /usr/bin/time -v -o "$DIR/time.log" \
		nice -n 10 make -C "$SRC" -j"$JOBS" all >"$DIR/build.log" 2>&1; then
		tail -30 "$DIR/build.log" >&2
		die "the kernel build failed (log: $DIR/build.log)"
	fi
	touch "$DIR/built"
	grep -E 'Elapsed|User time|System time|Maximum resident' "$DIR/time.log" | sed 's/^\t*/debug-kernel.sh: /' >&2
fi
echo "VMSCOPE_VM_KERNEL=$image VMSCOPE_VM_KDIR=$SRC VMSCOPE_VM_NAME=debug"
