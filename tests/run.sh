#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every test program in $OUT/tests (cmocka) and every tests/test-*.sh,
# then print one line: "N passed, N failed" (", N skipped" after it when a
# program exited with 77, for lack of root). Exit status 1 if any failed.
# Run as root: the tests load BPF programs and create maps.
set -u

OUT=${OUT:-build}
passed=0
failed=0
skipped=0

run_cmocka() {
	bin=$1
	log=$(mktemp)

	"$bin" >"$log" 2>&1
	status=$?
	cat "$log"
	# 77: the program needs what this machine or user lacks (root).
	if [ "$status" -eq 77 ]; then
		echo "SKIP: $bin"
		skipped=$((skipped + 1))
		rm -f "$log"
		return
	fi
	ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	rm -f "$log"

	# A crash or an early exit counts as one failure beyond what was counted.
	if [ -z "$ok" ] && [ -z "$bad" ]; then
		echo "FAIL: $bin ended with status $status before reporting"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0}))
	if [ "$status" -ne 0 ] && [ -z "$bad" ]; then
		echo "FAIL: $bin exited with status $status"
		failed=$((failed + 1))
	fi
}

run_script() {
	script=$1
	log=$(mktemp)

	OUT=$OUT "$script" >"$log" 2>&1
	status=$?
	cat "$log"
	if [ "$status" -eq 77 ]; then
		echo "SKIP: $script"
		skipped=$((skipped + 1))
		rm -f "$log"
		return
	fi
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	rm -f "$log"

	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "FAIL: $script exited with status $status"
		failed=$((failed + 1))
	fi
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

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
