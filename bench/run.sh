#!/usr/bin/env bash
# bench/run.sh - run every benchmark (they are not tests: figures, not
# verdicts). Each bench/*.sh prints its own table.
set -eu
cd "$(dirname "$0")"
for b in *.sh; do
	[ "$b" = run.sh ] && continue
	echo "== $b"
	./"$b"
	echo
done
