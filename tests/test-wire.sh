#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The datapath on the wire: the XDP program on the resolver end of a veth
# pair, Unbound behind it, kdig on the client. Blocked names must come back
# answered by the program in a form the client's kernel (checksums) and
# kdig (DNS) accept; the rest must reach Unbound. Run in native mode (the
# client end runs a pass program, without which XDP_TX frames are lost on
# veth) and in skb mode. Prints "ok" or "not ok" per check; exit 77 when
# root or a tool is missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}

[ "$(id -u)" -eq 0 ] || { echo "test-wire: needs root"; exit 77; }
for tool in ip unbound kdig tcpdump; do
	command -v "$tool" > /dev/null || { echo "test-wire: no $tool"; exit 77; }
done

. tests/lab.sh
. tests/checks.sh
trap lab_down EXIT

# kdig against the resolver, bounded: one try of one second.
dig_at() {
	server=$1
	shift
	lab_cli kdig @"$server" +time=1 +retry=0 "$@" 2>&1
}

RULES="blocked.test both nxdomain
ok.blocked.test exact allow
empty.test both nodata
refused.test both refused
sink.test both sinkhole
drop.test both drop
tc.test both tc
censored.test both nxdomain 16
dry.test both log"

# Record what the client end sees, both ways, until capture_stop.
capture_start() {
	ip netns exec "$LAB_NS_CLI" tcpdump -i "$LAB_IF_CLI" -U -s 0 \
		-w "$LAB_DIR/$1.pcap" udp port 53 2> "$LAB_DIR/tcpdump.err" &
	CAPTURE_PID=$!
	LAB_PIDS="$LAB_PIDS $CAPTURE_PID"
	for _ in $(seq 50); do
		grep -q "listening on" "$LAB_DIR/tcpdump.err" && return
		sleep 0.1
	done
	cat "$LAB_DIR/tcpdump.err" >&2
}

capture_stop() {
	sleep 0.2	# -U writes each packet at once; let the last one land
	kill -INT "$CAPTURE_PID"
	wait "$CAPTURE_PID"
}

run_mode() {
	mode=$1
	m="[$mode]"
	out=

	printf '%s\n' "$RULES" > "$LAB_DIR/rules"
	if [ "$mode" = native ]; then
		lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass ||
			{ check 1 "$m pass program on the client end"; return; }
	fi
	lab_attach filter "$LAB_NS_RES" "$LAB_IF_RES" "$mode" "$LAB_DIR/rules" ||
		{ check 1 "$m filter attached"; return; }
	capture_start "$mode"

	out=$(dig_at "$LAB_RES4" allowed.test A)
	has "$out" "status: NOERROR" && has "$out" "198\.18\.0\.100"
	check $? "$m an unlisted name is answered by Unbound"

	out=$(dig_at "$LAB_RES4" +edns www.blocked.test A)
	has "$out" "status: NXDOMAIN" && has "$out" "AUTHORITY: 1" &&
		has "$out" "blocked\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA" &&
		has "$out" "EDE: 15"
	check $? "$m a name below a block: NXDOMAIN with the SOA of the rule and EDE 15"

	out=$(dig_at "$LAB_RES4" +noedns blocked.test A)
	has "$out" "status: NXDOMAIN" && has "$out" "ADDITIONAL: 0" && ! has "$out" "aa"
	check $? "$m the blocked name itself, without EDNS: NXDOMAIN from the program"

	out=$(dig_at "$LAB_RES4" ok.blocked.test A)
	has "$out" "status: NOERROR" && has "$out" "198\.18\.0\.103"
	check $? "$m an allow rule below a block reaches Unbound"

	out=$(dig_at "$LAB_RES6" +edns www.blocked.test AAAA)
	has "$out" "status: NXDOMAIN" && has "$out" "EDE: 15" && has "$out" "IN[[:space:]]+SOA"
	check $? "$m over IPv6: NXDOMAIN with SOA and EDE"

	out=$(dig_at "$LAB_RES6" +noedns x.y.blocked.test TXT)
	has "$out" "status: NXDOMAIN" && has "$out" "AUTHORITY: 1"
	check $? "$m over IPv6 without EDNS: NXDOMAIN"

	out=$(dig_at "$LAB_RES4" +edns censored.test A)
	has "$out" "status: NXDOMAIN" && has "$out" "EDE: 16"
	check $? "$m a rule's own EDE code (16, Censored)"

	out=$(dig_at "$LAB_RES4" empty.test A)
	has "$out" "status: NOERROR" && has "$out" "ANSWER: 0" && has "$out" "AUTHORITY: 1"
	check $? "$m nodata: NOERROR, no answer, an SOA"

	out=$(dig_at "$LAB_RES4" refused.test A)
	has "$out" "status: REFUSED"
	check $? "$m refused"

	out=$(dig_at "$LAB_RES4" +short sink.test A)
	[ "$out" = "0.0.0.0" ]
	check $? "$m sinkhole A: 0.0.0.0"

	out=$(dig_at "$LAB_RES6" +short sink.test AAAA)
	[ "$out" = "::" ]
	check $? "$m sinkhole AAAA over IPv6: ::"

	out=$(dig_at "$LAB_RES4" +ignore tc.test A)
	has "$out" "Flags: qr tc"
	check $? "$m tc: an empty answer with TC set"

	out=$(dig_at "$LAB_RES4" drop.test A)
	! has "$out" "status:"
	check $? "$m drop: no answer at all"

	out=$(dig_at "$LAB_RES4" dry.test A)
	has "$out" "status: NXDOMAIN" && has "$out" "aa"
	check $? "$m log: the dry run passes the query to Unbound"

	capture_stop
	"$OUT/lab_check" "$LAB_DIR/$mode.pcap" "$LAB_DIR/rules" | sed "s/^\(not \)\{0,1\}ok - /&$m /"
	check "${PIPESTATUS[0]}" "$m every answer of the program equals the expected one, byte for byte"

	lab_detach filter
	[ "$mode" = native ] && lab_detach peer

	[ "$(lab_counter filter nxdomain)" = 5 ] &&
		[ "$(lab_counter filter nodata)" = 1 ] &&
		[ "$(lab_counter filter refused)" = 1 ] &&
		[ "$(lab_counter filter sinkhole)" = 2 ] &&
		[ "$(lab_counter filter tc)" = 1 ] &&
		[ "$(lab_counter filter dropped)" = 1 ] &&
		[ "$(lab_counter filter allowed)" = 1 ] &&
		[ "$(lab_counter filter logged)" = 1 ] &&
		[ "$(lab_counter filter passed)" = 1 ] &&
		[ "$(lab_counter filter no_room)" = 0 ] &&
		[ "$(lab_counter filter queries)" = 14 ]
	status=$?
	check $status "$m the counters match the queries sent"
	[ $status -eq 0 ] || grep -vE " 0$" "$LAB_DIR/filter.out"

	out=$(dig_at "$LAB_RES4" +edns www.blocked.test A)
	has "$out" "status: NXDOMAIN" && has "$out" "aa"
	check $? "$m detached: Unbound answers the blocked name again"
}

lab_up || { check 1 "lab set up"; exit 1; }
lab_unbound "allowed.test. A 198.18.0.100" "ok.blocked.test. A 198.18.0.103" ||
	{ check 1 "unbound started"; exit 1; }

run_mode native
run_mode skb

[ "$failures" -eq 0 ]
