# SPDX-License-Identifier: GPL-2.0-only
# What the tests of the daemon share beyond the lab (tests/lab.sh, sourced
# first): bounded polling, the daemon started on the resolver host with
# the config $LAB_DIR/xdpdns.yaml, and its log. Sourced, not run.

DAEMON_PID=

# until_true SECONDS COMMAND...: COMMAND succeeds within SECONDS, tried every 50 ms.
until_true() {
	end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

log_has() { grep -qE -- "$1" "$LAB_DIR/daemon.log"; }

# A process that ended is no longer ours to end: its PID may be reused.
forget_pid() {
	LAB_PIDS=$(for p in $LAB_PIDS; do [ "$p" = "$1" ] || echo "$p"; done)
}

start_daemon() {
	ip netns exec "$LAB_NS_RES" "$X" -v run --config "$LAB_DIR/xdpdns.yaml" \
		>> "$LAB_DIR/daemon.log" 2>&1 &
	DAEMON_PID=$!
	LAB_PIDS="$LAB_PIDS $DAEMON_PID"
}
