#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench-cli: how long the xdpdns command takes to put policy on the
# wire, on the veth lab with Unbound behind the program: loading a hosts
# list while attached, attaching with it stored, and a hand rule from the
# moment `xdpdns block` is started to the first query it blocks, with the
# list live. Prints a Markdown table of medians over the runs.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
HOSTS=${1:-../shared/data/feeds/hosts/stevenblack_hosts.txt}
RUNS=${RUNS:-11}
X=$PWD/$OUT/xdpdns

. tests/lab.sh

trap lab_down EXIT

now_us() { echo $(($(date +%s%N) / 1000)); }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

blocked_now() {
	lab_cli kdig @"$LAB_RES4" +time=1 +retry=0 "$1" A 2>&1 | grep -q "status: NXDOMAIN"
}

lab_up || exit 1
lab_unbound "www.debian.org. A 198.18.0.10" || exit 1
lab_xdpdns_env || exit 1
lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass || exit 1
names=$("$X" load "$HOSTS" --feed hosts 2>&1 | sed -n 's/.*: \([0-9]*\) names.*/\1/p')

: > "$LAB_DIR/attach" > "$LAB_DIR/load" > "$LAB_DIR/block" > "$LAB_DIR/unblock"
missed=0
for i in $(seq "$RUNS"); do
	t0=$(now_us)
	lab_res "$X" attach "$LAB_IF_RES" 2> /dev/null || exit 1
	t1=$(now_us)
	elapsed_ms "$t0" "$t1" >> "$LAB_DIR/attach"

	t0=$(now_us)
	"$X" load "$HOSTS" --feed hosts 2> /dev/null || exit 1
	t1=$(now_us)
	elapsed_ms "$t0" "$t1" >> "$LAB_DIR/load"

	# The query goes out the moment block returns: it must already be blocked.
	t0=$(now_us)
	"$X" block "bench$i.example" 2> /dev/null || exit 1
	blocked_now "www.bench$i.example" || missed=$((missed + 1))
	t1=$(now_us)
	elapsed_ms "$t0" "$t1" >> "$LAB_DIR/block"

	t0=$(now_us)
	"$X" unblock "bench$i.example" 2> /dev/null || exit 1
	t1=$(now_us)
	elapsed_ms "$t0" "$t1" >> "$LAB_DIR/unblock"
	lab_res "$X" detach "$LAB_IF_RES" 2> /dev/null || exit 1
done
lab_detach peer

echo "| step ($names names of $(basename "$HOSTS") stored, median of $RUNS) | ms |"
echo "| --- | ---: |"
echo "| \`xdpdns attach\`: load, verify, compile the stored rules, attach | $(median < "$LAB_DIR/attach") |"
echo "| \`xdpdns load\` of the list while attached: read, store, compile, swap | $(median < "$LAB_DIR/load") |"
echo "| \`xdpdns block NAME\` started to the first query answered NXDOMAIN | $(median < "$LAB_DIR/block") |"
echo "| \`xdpdns unblock NAME\` | $(median < "$LAB_DIR/unblock") |"
echo
echo "queries sent the moment block returned that were not blocked: $missed of $RUNS"
