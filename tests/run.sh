#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every test program in $OUT/tests (cmocka) and every tests/test-*.sh,
# then end with one line: "N passed, N failed", after a line "N skipped"
# when a program exited with 77 (for lack of root or a tool) or a script
# printed "skip - " lines (checks this machine cannot make). Exit status 1
# if any failed.
# Run as root: the tests load BPF programs and create maps.
set -u

OUT=${OUT:-build}
passed=0
failed=0
skipped=0

# Run one test program, its output shown and kept in $log for counting.
# Fails (and removes the log) when it exits with 77: it needs what this
# machine or user lacks (root), and is counted as skipped.
run_logged() {
	name=$1
	shift
	log=$(mktemp)

	"$@" >"$log" 2>&1
	status=$?
	cat "$log"
	if [ "$status" -eq 77 ]; then
		echo "SKIP: $name"
		skipped=$((skipped + 1))
		rm -f "$log"
		return 1
	fi
}

# Add a program's counts; a non-zero exit with no failure reported is one.
tally() {
	passed=$((passed + $2))
	failed=$((failed + $3))
	if [ "$status" -ne 0 ] && [ "$3" -eq 0 ]; then
		echo "FAIL: $1 exited with status $status"
		failed=$((failed + 1))
	fi
}

run_cmocka() {
	run_logged "$1" "$1" || return
	ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	rm -f "$log"

	# A crash or an early exit counts as one failure beyond what was counted.
	if [ -z "$ok" ] && [ -z "$bad" ]; then
		echo "FAIL: $1 ended with status $status before reporting"
		failed=$((failed + 1))
		return
	fi
	tally "$1" "${ok:-0}" "${bad:-0}"
}

run_script() {
	run_logged "$1" env OUT="$OUT" "$1" || return
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	skipped=$((skipped + $(grep -c '^skip ' "$log")))
	rm -f "$log"
	tally "$1" "$ok" "$bad"
}

for bin in "$OUT"/tests/test_*; do
	[ -x "$bin" ] || continue
	echo "== $(basename "$bin")"
	run_cmocka "$bin"
done

for script in tests/test-*.sh; do
	[ -x "$script" ] || continue
	echo "== $(basename "$script")"
	run_script "$script"
done

[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
