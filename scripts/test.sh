#!/usr/bin/env bash
# test.sh - install what the tests need, build, and run every test suite.
# The last line says "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh test vm || exit 1
make -j2 all unit-build >/dev/null && make -j2 san >/dev/null &&
	make -j2 fuzz-build >/dev/null || {
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
}
exec tests/run "$@"
