#!/usr/bin/env bash
# install-deps.sh - install what vmscope needs on Debian 12, and only what
# is missing.
#
#   scripts/install-deps.sh [GROUP...]   groups: build test vm vm-debug bench all
#                                        (default: build)
#
# Needs root (or sudo) only when something is missing.
set -eu

build=(build-essential pkg-config procps
	libproc2-dev libcjson-dev libsmartcols-dev libtracefs-dev libtraceevent-dev)
test=("${build[@]}" libcmocka-dev bats bats-assert bats-support
	python3 python3-jsonschema man-db util-linux passwd time mount
	linux-source smem tmux python3-prometheus-client
	clang libclang-rt-14-dev)
vm=(qemu-system-x86 busybox-static cpio linux-headers-amd64 kmod
	python3-jsonschema binutils)
bench=("${build[@]}" hyperfine time linux-source smem)
# The debug kernel of make vm-debug (scripts/debug-kernel.sh): the kernel
# source and what its build needs (objtool needs libelf, the certificate
# tools libssl).
vm_debug=("${vm[@]}" linux-source-6.1 build-essential bc bison flex
	libelf-dev libssl-dev xz-utils time)

want=()
[ $# -gt 0 ] || set -- build
for g in "$@"; do
	case $g in
	build) want+=("${build[@]}") ;;
	test) want+=("${test[@]}") ;;
	vm) want+=("${vm[@]}") ;;
	vm-debug) want+=("${vm_debug[@]}") ;;
	bench) want+=("${bench[@]}") ;;
	all) want+=("${test[@]}" "${vm[@]}" "${vm_debug[@]}" "${bench[@]}") ;;
	*) echo "install-deps.sh: unknown group '$g'" >&2; exit 2 ;;
	esac
done

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps.sh: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps.sh: run as root to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
