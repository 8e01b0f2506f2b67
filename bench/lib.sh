# bench/lib.sh - what the benchmark scripts share; source it from the
# repository's top directory.

# The largest peak RSS (KiB, GNU time's %M) of five runs of the command
# line $1 (split on spaces), its output thrown away.
peak_rss() {
	local max=0 k f
	f=$(mktemp)
	for _ in 1 2 3 4 5; do
		/usr/bin/time -o "$f" -f '%M' $1 >/dev/null 2>&1 || true
		k=$(tail -1 "$f")
		[ "$k" -gt "$max" ] && max=$k
	done
	rm -f "$f"
	echo "$max"
}

# peak_rss of each command line given, into the array rsslist.
peak_rss_all() {
	rsslist=()
	local c
	for c in "$@"; do rsslist+=("$(peak_rss "$c")"); done
}
