# SPDX-License-Identifier: GPL-2.0-only
# What the shell tests share to report: one "ok - " or "not ok - " line per
# check, which tests/run.sh counts. Sourced, not run.

failures=0
out=

# check STATUS WHAT: ok when STATUS is 0; a failure shows the last answer
# the test kept in $out, to show what went wrong.
check() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		failures=$((failures + 1))
		[ -n "$out" ] && sed 's/^/# /' <<< "$out"
	fi
}

# has TEXT REGEX: TEXT holds a line matching the extended REGEX.
has() { grep -qE -- "$2" <<< "$1"; }
