#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The block log end to end: `xdpdns run` on the lab's resolver host with
# events to a file at 50 a second per CPU. One query over IPv4 and one over
# IPv6 give one line each, exactly; a name of control characters, quotes
# and high bytes, sent raw over UDP, comes out escaped; a dnsperf flood of
# 3000 blocked queries writes no more lines than the rate allows (per CPU,
# over the flood's seconds, plus the bucket's burst), the rest counted, so
# that sent + limited + lost equals the hits; every line is JSON with the
# six keys. SIGHUP reopens the file (logrotate); a stopped daemon turns the
# events off; "-" is standard output. Everything is polled within a bound. Prints "ok" or "not ok"
# per check; exit 77 when root or a tool is missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns

[ "$(id -u)" -eq 0 ] || { echo "test-events: needs root"; exit 77; }
for tool in ip unbound kdig dnsperf python3; do
	command -v "$tool" > /dev/null || { echo "test-events: no $tool"; exit 77; }
done

. tests/lab.sh
. tests/checks.sh
. tests/daemon.sh

RATE=50
FLOOD=3000
trap lab_down EXIT

EVLOG=
lines() { if [ -f "$EVLOG" ]; then wc -l < "$EVLOG"; else echo 0; fi; }
lines_are() { [ "$(lines)" -eq "$1" ]; }

# One counter of `xdpdns stats --json`.
counter() {
	"$X" stats --json | python3 -c 'import json, sys
print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}
events_sent() { counter events; }

write_config() {
	cat > "$LAB_DIR/xdpdns.yaml" <<-EOF
		pin_dir: $XDPDNS_PIN_DIR
		state_dir: $XDPDNS_STATE_DIR
		metrics: off
		interfaces:
		  - name: $LAB_IF_RES
		    mode: native
		feeds:
		  - name: ads
		    source: $LAB_DIR/ads.txt
		    format: domains
		events:
		  file: $EVLOG
		  rate: $RATE
	EOF
}

lab_setup() {
	lab_up || return 1
	lab_unbound "open.test. A 198.18.0.100" || return 1
	lab_xdpdns_env || return 1
	EVLOG=$LAB_DIR/events.log
	echo ads.test > "$LAB_DIR/ads.txt"
	write_config
	# Without a program on the client end, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass
}

# check_line N JSON: line N of the log holds exactly the fields of JSON
# (time apart), and a time of the last minute in the format of the example.
check_line() {
	python3 - "$EVLOG" "$1" "$2" <<-'EOF'
		import datetime, json, re, sys
		line = open(sys.argv[1], "rb").read().split(b"\n")[int(sys.argv[2]) - 1]
		got, want = json.loads(line), json.loads(sys.argv[3])
		t = got.pop("time")
		assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", t), t
		when = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
		age = datetime.datetime.utcnow() - when
		assert datetime.timedelta(seconds=-5) < age < datetime.timedelta(minutes=1), age
		assert got == want, (got, want)
	EOF
}

test_start() {
	start_daemon
	until_true 10 log_has "generation [0-9]+ live"
	check $? "the daemon starts and makes the feed live"
	log_has "events: $RATE a second per CPU to $EVLOG"
	check $? "it says where the events go, at which rate"
}

test_one_event_each() {
	ask "$LAB_RES4" www.ads.test A
	from_filter NXDOMAIN www.ads.test && until_true 5 lines_are 1
	check $? "an IPv4 query of a blocked name: NXDOMAIN and one line"
	out=$(check_line 1 '{"client":"198.18.0.2","name":"www.ads.test","qtype":"A","action":"nxdomain","feed":"ads"}' 2>&1)
	check $? "the line has the client, the name, the qtype, the action and the feed"

	ask "$LAB_RES6" x.www.ads.test AAAA
	from_filter NXDOMAIN x.www.ads.test && until_true 5 lines_are 2
	check $? "an IPv6 query: one more line"
	out=$(check_line 2 '{"client":"2001:2::2","name":"x.www.ads.test","qtype":"AAAA","action":"nxdomain","feed":"ads"}' 2>&1)
	check $? "its line: the IPv6 client, AAAA"

	ask "$LAB_RES4" open.test A
	from_unbound 198.18.0.100 && sleep 0.3 && lines_are 2
	check $? "an unlisted name writes no line"
}

# A query whose first label holds every kind of byte that could break a
# line or a terminal, sent raw over UDP (no tool would send it as it is).
test_nasty_name() {
	lab_cli python3 - <<-'EOF'
		import socket, struct
		label = b'\x01"\\\x1b[2J\n\r\x7f\x80\xff. }'
		qname = bytes([len(label)]) + label + b"\x03ads\x04test\x00"
		msg = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + qname + b"\x00\x01\x00\x01"
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.settimeout(1)
		s.sendto(msg, ("198.18.0.1", 53))
		s.recv(512)
	EOF
	check $? "a query of a name with control characters, quotes and high bytes is answered"
	until_true 5 lines_are 3
	check $? "it writes one line"
	out=$(check_line 3 '{"client":"198.18.0.2","name":"\\001\\\"\\\\\\027[2J\\010\\013\\127\\128\\255\\.\\032}.ads.test","qtype":"A","action":"nxdomain","feed":"ads"}' 2>&1)
	check $? "its name is the presentation form (\\DDD, \\\", \\\\, \\.) as a JSON string"
	out=$(sed -n 3p "$EVLOG" | LC_ALL=C grep -c '[^ -~]')
	[ "$out" = 0 ]
	check $? "the line is printable ASCII only: no raw control or high byte"
}

# 3000 blocked queries in about two seconds from dnsperf, bounded by -l.
test_flood() {
	local sent0 limited0 lost0 hits0 lines0 began ended secs cpus sent limited lost hits written bound

	for i in $(seq 30); do echo "q$i.ads.test A"; done > "$LAB_DIR/queries.txt"
	sent0=$(events_sent) limited0=$(counter events_limited) lost0=$(counter events_lost)
	hits0=$(counter nxdomain) lines0=$(lines)
	began=$(date +%s%N)
	lab_cli dnsperf -s "$LAB_RES4" -d "$LAB_DIR/queries.txt" -n 100 -Q 1500 -l 10 -t 1 \
		> "$LAB_DIR/dnsperf.out" 2>&1
	ended=$(date +%s%N)
	has "$(cat "$LAB_DIR/dnsperf.out")" "Queries sent:[[:space:]]+$FLOOD"
	check $? "dnsperf sent $FLOOD blocked queries"

	# The daemon has written every event the ring was sent. (until_true
	# sets a global "end": the flood's times have names of their own.)
	sent=$(($(events_sent) - sent0))
	until_true 5 lines_are $((lines0 + sent))
	check $? "every event sent is a line in the file"

	limited=$(($(counter events_limited) - limited0))
	lost=$(($(counter events_lost) - lost0))
	hits=$(($(counter nxdomain) - hits0))
	out="sent $sent, limited $limited, lost $lost, hits $hits"
	[ $((sent + limited + lost)) -eq "$hits" ] && [ "$hits" -ge "$FLOOD" ]
	check $? "sent + limited + lost == the hits ($out)"

	# Each CPU: its burst of RATE, and RATE a second; a second more for scheduling.
	secs=$(((ended - began + 999999999) / 1000000000 + 1))
	cpus=$(getconf _NPROCESSORS_CONF)
	bound=$((RATE * cpus * (secs + 1)))
	written=$(($(lines) - lines0))
	out="$written lines over ${secs}s on $cpus CPUs, bound $bound; $out"
	[ "$written" -le "$bound" ] && [ "$limited" -gt 0 ]
	check $? "the flood writes at most rate x CPUs x (seconds + 1) lines, the rest limited ($out)"

	out=$(python3 - "$EVLOG" <<-'EOF' 2>&1
		import json, sys
		keys = ["time", "client", "name", "qtype", "action", "feed"]
		raw = open(sys.argv[1], "rb").read()
		assert raw.endswith(b"\n")
		for n, line in enumerate(raw.split(b"\n")[:-1], 1):
		    v = json.loads(line)
		    assert list(v) == keys, (n, line)
		    assert all(isinstance(x, str) for x in v.values()), (n, line)
		print(n, "lines")
	EOF
	)
	check $? "every line is one JSON object with the six keys, in order ($out)"
}

test_metrics() {
	local prom

	prom=$("$X" stats --prometheus)
	has "$prom" "^xdpdns_events_total\{outcome=\"sent\"\} $(events_sent)$" &&
		has "$prom" "^xdpdns_events_total\{outcome=\"limited\"\} $(counter events_limited)$" &&
		has "$prom" "^xdpdns_events_total\{outcome=\"lost\"\} $(counter events_lost)$"
	check $? "xdpdns_events_total has the sent, limited and lost counts"
}

# logrotate moves the file away and sends SIGHUP; the next line goes to a new file.
test_sighup_reopens() {
	mv "$EVLOG" "$EVLOG.1"
	kill -HUP "$DAEMON_PID"
	until_true 5 log_has "config '.*' reloaded"
	check $? "SIGHUP reloads the config"
	sleep 1.1	# a second of tokens after the flood
	ask "$LAB_RES4" again.ads.test A
	from_filter NXDOMAIN again.ads.test && until_true 5 lines_are 1
	check $? "after SIGHUP the next event is the first line of a new file"
	out=$(check_line 1 '{"client":"198.18.0.2","name":"again.ads.test","qtype":"A","action":"nxdomain","feed":"ads"}' 2>&1)
	check $? "that line is the query's"
}

# events: {file: "-"}: the lines go to standard output (here the daemon's log).
test_stdout() {
	sed -i 's|^  file: .*|  file: "-"|' "$LAB_DIR/xdpdns.yaml"
	start_daemon
	until_true 10 log_has "events: $RATE a second per CPU to standard output"
	check $? "a restarted daemon with file \"-\" says the events go to standard output"
	ask "$LAB_RES4" stdout.ads.test A
	from_filter NXDOMAIN stdout.ads.test &&
		until_true 5 log_has '^\{"time":"[^"]+","client":"198\.18\.0\.2","name":"stdout\.ads\.test","qtype":"A","action":"nxdomain","feed":"ads"\}$'
	check $? "its line is on standard output"
}

test_stop_turns_events_off() {
	local sent limited lost

	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	check $? "SIGTERM: the daemon exits 0"
	forget_pid "$DAEMON_PID"
	sent=$(events_sent) limited=$(counter events_limited) lost=$(counter events_lost)
	ask "$LAB_RES4" after.ads.test A
	from_filter NXDOMAIN after.ads.test && [ "$(events_sent)" = "$sent" ] &&
		[ "$(counter events_limited)" = "$limited" ] && [ "$(counter events_lost)" = "$lost" ]
	check $? "with the daemon gone, a hit is still answered and no event is sent or counted"
}

if lab_setup; then
	check 0 "lab set up: Unbound, a pass program on the client end"
	test_start
	test_one_event_each
	test_nasty_name
	test_flood
	test_metrics
	test_sighup_reopens
	test_stop_turns_events_off
	test_stdout
	test_stop_turns_events_off
	lab_res "$X" detach "$LAB_IF_RES" > /dev/null 2>&1
	check $? "detach"
	lab_detach peer
else
	check 1 "lab set up"
fi
[ $failures -eq 0 ] || sed 's/^/# daemon: /' "$LAB_DIR/daemon.log" | tail -n 40

[ "$failures" -eq 0 ]
