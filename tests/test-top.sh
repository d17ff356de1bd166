#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xdpdns top end to end: xdpdns attached to the resolver's interface of the
# lab with a few hand rules and one loaded feed, Unbound behind, and `xdpdns
# top` running in a pseudo-terminal of 80x24 (a tmux server of the test's
# own) while dnsperf on the client asks at a known steady rate and the test
# writes policy hits to an event file in the daemon's JSON format. The
# screen must show the rates sent, the busiest feed and the names most hit;
# q and Ctrl-C must end top with exit 0 and the terminal as it was.
# Prints "ok" or "not ok" per check; exit 77 when root or a tool is missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns

[ "$(id -u)" -eq 0 ] || { echo "test-top: needs root"; exit 77; }
for tool in ip unbound kdig dnsperf tmux xdp-loader; do
	command -v "$tool" > /dev/null || { echo "test-top: no $tool"; exit 77; }
done

. tests/lab.sh
. tests/checks.sh

# A tmux server of the test's own for each top run, its socket in the
# lab's directory: a new server on the socket of one being killed can meet
# it dying.
TOP_RUN=0
RATE=200		# queries per second dnsperf sends
SECONDS_SENT=6

cleanup() {
	tm kill-server 2> /dev/null
	lab_down
}
trap cleanup EXIT

x() { "$X" "$@"; }
tm() { tmux -S "$LAB_DIR/tmux.$TOP_RUN" "$@"; }

lab_setup() {
	lab_up || return 1
	lab_unbound "open.test. A 198.18.0.100" "www.ads.test. A 198.18.0.106" \
		"www.tracker.test. A 198.18.0.107" || return 1
	lab_xdpdns_env || return 1

	# Without a program on the client end, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass || return 1
	x block ads.test 2> /dev/null && x block --exact drop.test --action drop 2> /dev/null &&
		printf 'tracker.test\n' > "$LAB_DIR/trackers.txt" &&
		x load "$LAB_DIR/trackers.txt" --feed trackers 2> /dev/null &&
		lab_res "$X" attach "$LAB_IF_RES" 2> /dev/null
}

# Start top with options $1 in a fresh pane of 80x24, its maps pinned
# under $2 (default: the lab's); once it ends, the pane's shell keeps its
# exit status and the terminal's settings for the test to read.
start_top() {
	tm kill-server 2> /dev/null
	TOP_RUN=$((TOP_RUN + 1))
	rm -f "$LAB_DIR/top.rc" "$LAB_DIR/stty.after"
	tm new-session -d -x 80 -y 24 -s top \
		"env XDPDNS_PIN_DIR=${2:-$XDPDNS_PIN_DIR} XDPDNS_STATE_DIR=$XDPDNS_STATE_DIR \
		 bash -c '\"$X\" top $1; echo \$? > \"$LAB_DIR/top.rc\"; \
		 stty -a > \"$LAB_DIR/stty.after\"; sleep 30'"
	for _ in $(seq 50); do
		has "$(screen)" "^xdpdns top - " && return 0
		sleep 0.1
	done
	return 1
}

screen() { tm capture-pane -p -t top; }

# Wait for top to end and leave its exit status in $rc.
top_ended() {
	rc=
	for _ in $(seq 50); do
		[ -s "$LAB_DIR/top.rc" ] && [ -s "$LAB_DIR/stty.after" ] && break
		sleep 0.1
	done
	rc=$(cat "$LAB_DIR/top.rc" 2> /dev/null)
}

# The terminal is as top found it: the alternate screen left, line editing
# and echo back on.
terminal_restored() {
	[ "$(tm display-message -p -t top '#{alternate_on}')" = 0 ] &&
		grep -qE '(^| )icanon( |$)' "$LAB_DIR/stty.after" &&
		grep -qE '(^| )echo( |$)' "$LAB_DIR/stty.after"
}

# The per-second rate in the left column of counter $1 on the screen in $out.
rate_of() {
	awk -v c="$1" '$1 == c && $2 ~ /^[0-9.]+$/ { print int($2); exit }' <<< "$out"
}

# A rate within half and one and a half times what was sent: a shared VM.
near_rate() {
	[ -n "$1" ] && [ "$1" -ge $((RATE / 2)) ] && [ "$1" -le $((RATE * 3 / 2)) ]
}

event() {
	printf '{"time":"2026-12-04T09:30:00.123456Z","client":"198.18.0.2","name":"%s",' "$1"
	printf '"qtype":"A","action":"%s","feed":"%s"}\n' "$2" "$3"
}

test_not_attached() {
	local status

	out=$(XDPDNS_PIN_DIR=$LAB_DIR/nothing x top --batch 1 --interval 0.1 2>&1)
	status=$?
	[ "$status" = 1 ]
	check $? "top not attached, in batch mode: exit 1"
	has "$out" "error: not attached: no maps pinned under '$LAB_DIR/nothing'"
	check $? "the error is the one 'xdpdns stats' gives"
}

# On a terminal, top says it is not attached and keeps trying.
test_not_attached_terminal() {
	start_top "--interval 0.2" "$LAB_DIR/nothing" && sleep 0.5
	out=$(screen)
	has "$out" "^not attached: no maps pinned under '$LAB_DIR/nothing'" &&
		has "$out" "^retrying every 0\.2 s; q quits"
	check $? "not attached, on a terminal: top says so and keeps retrying"
	tm send-keys -t top q
	top_ended
	[ "$rc" = 0 ]
	check $? "q quits the not attached screen with exit 0"
}

test_batch() {
	out=$(x top --batch 2 --interval 0.3 2>&1)
	check $? "top --batch 2 exits 0"
	[ "$(grep -c '^xdpdns top - generation' <<< "$out")" = 2 ] && ! has "$out" $'\033'
	check $? "--batch prints two frames of plain text, no escapes"
}

test_live_view() {
	local events=$LAB_DIR/events.json

	event old.test drop hand > "$events"
	start_top "--events $events"
	check $? "top starts in an 80x24 pseudo-terminal"
	[ "$(tm display-message -p -t top '#{alternate_on}')" = 1 ]
	check $? "top draws on the alternate screen"

	# Not through lab_cli: "$!" must be dnsperf's own PID, not a subshell's.
	printf 'www.tracker.test A\n' > "$LAB_DIR/queries"
	ip netns exec "$LAB_NS_CLI" dnsperf -s "$LAB_RES4" -d "$LAB_DIR/queries" -c 1 \
		-Q "$RATE" -l "$SECONDS_SENT" > "$LAB_DIR/dnsperf.out" 2>&1 &
	local perf=$!
	LAB_PIDS="$LAB_PIDS $perf"

	for _ in 1 2 3 4 5; do
		event www.ads.test nxdomain hand
	done >> "$events"
	{
		event www.tracker.test nxdomain trackers
		event www.tracker.test nxdomain trackers
		echo 'this is not an event'
		event 'evil\u001b[2J.test' drop hand
		printf '{"time":"2026-12-04T09:30:01Z","name":"half'
	} >> "$events"
	sleep 4
	out=$(screen)

	nx=$(rate_of nxdomain) q=$(rate_of queries)
	near_rate "$nx" && near_rate "$q"
	check $? "nxdomain/s ($nx) and queries/s ($q) near the $RATE/s sent"
	has "$out" "^hand +0\.0 +0$" &&
		[ "$(awk '$1 == "feed" { getline; print $1; exit }' <<< "$out")" = trackers ]
	check $? "the busiest feed first: trackers, then hand without hits"
	has "$out" "^ +5  nxdomain +hand +www\.ads\.test$" &&
		has "$out" "^ +2  nxdomain +trackers +www\.tracker\.test$"
	check $? "the names most hit, with their counts, action and feed"
	! has "$out" "old\.test" && ! has "$out" "half"
	check $? "names from before the start and an unfinished line are not counted"
	has "$out" "evil\?\[2J\.test" && has "$out" "1 bad lines"
	check $? "a control byte in a name is shown as '?'; the bad line is counted"
	[ "$(awk '{ if (length($0) > n) n = length($0) } END { print n }' <<< "$out")" -le 80 ]
	check $? "the screen fits 80 columns"

	tm resize-window -t top -x 120 -y 30 && sleep 0.5
	[ "$(screen | sed -n 1p | awk '{ print length($0) }')" -gt 100 ]
	check $? "a wider terminal (SIGWINCH): the title line spans it"

	tm send-keys -t top q
	top_ended
	[ "$rc" = 0 ]
	check $? "q quits with exit 0"
	terminal_restored
	check $? "after q the terminal is restored: main screen, icanon, echo"
	wait "$perf"
}

test_ctrl_c() {
	start_top "" && tm send-keys -t top C-c
	top_ended
	[ "$rc" = 0 ]
	check $? "Ctrl-C quits with exit 0"
	terminal_restored
	check $? "after Ctrl-C the terminal is restored"
}

# SIGTERM to top itself, the child of the pane's shell.
test_sigterm() {
	local top_pid=

	start_top "" &&
		top_pid=$(pgrep -P "$(tm display-message -p -t top '#{pane_pid}')" -x xdpdns)
	[ -n "$top_pid" ] && kill -TERM "$top_pid"
	top_ended
	[ "$rc" = 0 ]
	check $? "SIGTERM ends top with exit 0"
	terminal_restored
	check $? "after SIGTERM the terminal is restored"
}

lab_setup
check $? "lab up: Unbound, xdpdns attached with hand rules and a feed"
test_not_attached
test_not_attached_terminal
test_batch
test_live_view
test_ctrl_c
test_sigterm
exit $((failures > 0))
