#!/usr/bin/env bash
# bench/page-types.sh - build the kernel's page-types tool (tools/vm in
# Linux 6.1) from Debian's linux-source package into build/page-types, for
# the benchmarks and for the tests that compare vmphys with it. Only the
# few files it needs are unpacked. Prints the path of the binary.
#
#   bench/page-types.sh            (installs linux-source when missing)
set -eu
cd "$(dirname "$0")/.."
out=build/page-types
if [ -x "$out/page-types" ]; then
	echo "$PWD/$out/page-types"
	exit 0
fi
scripts/install-deps.sh bench >/dev/null
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
[ -n "$tarball" ] || { echo "page-types.sh: no /usr/src/linux-source-*.tar.xz" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
rm -rf "$out" && mkdir -p "$out"
tar -C "$out" -xJf "$tarball" "$top/tools/vm" "$top/tools/lib" \
	"$top/tools/include" "$top/tools/scripts" "$top/tools/build" \
	"$top/tools/arch/x86/include" "$top/include/uapi/linux/magic.h" \
	"$top/include/uapi/linux/kernel-page-flags.h"
make -s -C "$out/$top/tools/vm" page-types >/dev/null 2>&1
cp "$out/$top/tools/vm/page-types" "$out/page-types"
echo "$PWD/$out/page-types"
