#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The daemon end to end: `xdpdns run` in the resolver host of the lab, in
# front of Unbound, with a feed from a file and a feed from a URL served by
# a small HTTP server on the resolver host's loopback. kdig on the client
# host checks what is enforced: every name asked for is local data in
# Unbound (answered with aa), so an answer without aa came from the program.
# Changes are polled for up to their bound, never waited for blindly.
# Prints "ok" or "not ok" per check; exit 77 when root or a tool is missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns

[ "$(id -u)" -eq 0 ] || { echo "test-daemon: needs root"; exit 77; }
for tool in ip unbound kdig dnsperf python3; do
	command -v "$tool" > /dev/null || { echo "test-daemon: no $tool"; exit 77; }
done

. tests/lab.sh
. tests/checks.sh
. tests/daemon.sh

HTTP_PORT=8053
# A second link, for an interface added by a reload.
LAB_IF_RES2=xr2$$
LAB_IF_CLI2=xc2$$
LAB_RES4_2=198.18.1.1
LAB_EXTRA_ADDRS=$LAB_RES4_2
# Set to 1 to have write_config add the second interface and the late feed.
CONF_MORE=
# Set to first or listed to have write_config add an allow feed, listed
# last, and allow_feeds with that value.
CONF_ALLOW=

trap lab_down EXIT

# kdig NAME A [@SERVER] from the client host, bounded: one try of one
# second. Sets $out.
ask_a() { out=$(lab_cli kdig @"${2:-$LAB_RES4}" +time=1 +retry=0 "$1" A 2>&1); }

# The answer in $out: NXDOMAIN without aa (the program), or Unbound's (aa).
by_program() { has "$out" "status: NXDOMAIN" && ! has "$out" "Flags: qr aa"; }
by_unbound() { has "$out" "status: NOERROR" && has "$out" "Flags: qr aa"; }

is_blocked() { ask_a "$@" && by_program; }
is_open() { ask_a "$1" && by_unbound; }
both() { is_blocked "$1" && is_open "$2"; }
# One value of `xdpdns stats --json`, by its path: generation, or counters queries.
stat() {
	"$X" stats --json | python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[k]
print(v)' "$@"
}
generation() { stat generation; }

# Write a file by renaming a new one over it, as editors and fetch tools do.
write_over() {
	printf "$2" > "$1.new" && mv "$1.new" "$1"
}

write_config() {
	{
		echo "# xdpdns test config"
		echo "pin_dir: $XDPDNS_PIN_DIR"
		echo "state_dir: $XDPDNS_STATE_DIR"
		echo "interfaces:"
		echo "  - name: $LAB_IF_RES"
		echo "    mode: native"
		[ -z "$CONF_MORE" ] || echo "  - name: $LAB_IF_RES2"
		echo "feeds:"
		echo "  - name: local"
		echo "    source: feeds/local.txt"
		echo "    format: domains"
		echo "  - name: remote"
		echo "    source: http://127.0.0.1:$HTTP_PORT/remote.txt"
		echo "    refresh: 300ms"
		echo "    ede: 17"
		echo "  - name: tagged"
		echo "    source: http://127.0.0.1:$HTTP_PORT/tagged.txt"
		echo "    refresh: 300ms"
		[ -z "$CONF_MORE" ] || printf '  - name: late\n    source: %s\n' "$LAB_DIR/feeds/late.txt"
		if [ -n "$CONF_ALLOW" ]; then
			printf '  - name: exempt\n    source: feeds/exempt.txt\n    action: allow\n'
			echo "allow_feeds: $CONF_ALLOW"
		fi
	} > "$LAB_DIR/xdpdns.yaml"
}

# A static file server whose answers turn to 500 while the file "fail" exists.
start_http() {
	cat > "$LAB_DIR/httpd.py" <<-'EOF'
		import functools, hashlib, http.server, os, sys
		root = sys.argv[2]
		class Handler(http.server.SimpleHTTPRequestHandler):
		    def do_GET(self):
		        if os.path.exists(os.path.join(root, "fail")):
		            self.send_error(500)
		        elif self.path == "/tagged.txt":
		            self.send_tagged()
		        else:
		            super().do_GET()
		    # An ETag and no Last-Modified: only If-None-Match can bring a 304.
		    def send_tagged(self):
		        body = open(os.path.join(root, "tagged.txt"), "rb").read()
		        tag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
		        fresh = self.headers.get("If-None-Match") == tag
		        self.send_response(304 if fresh else 200)
		        self.send_header("ETag", tag)
		        self.send_header("Content-Length", "0" if fresh else str(len(body)))
		        self.end_headers()
		        if not fresh:
		            self.wfile.write(body)
		server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])),
		                                functools.partial(Handler, directory=root))
		server.serve_forever()
	EOF
	ip netns exec "$LAB_NS_RES" python3 -u "$LAB_DIR/httpd.py" "$HTTP_PORT" "$LAB_DIR/www" \
		> "$LAB_DIR/http.log" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
	until_true 5 lab_res bash -c "exec 3<> /dev/tcp/127.0.0.1/$HTTP_PORT" 2> /dev/null
}

# Python's Last-Modified has whole seconds: each new version moves a second on.
MTIME=$(($(date +%s) - 100))
new_remote() {
	MTIME=$((MTIME + 1))
	write_over "$LAB_DIR/www/remote.txt" "$1"
	touch -d "@$MTIME" "$LAB_DIR/www/remote.txt"
}

lab_setup() {
	lab_up || return 1
	lab_second_link || return 1
	data=("open.test. A 198.18.0.100")
	for n in f1 f2 f3 f4 f5 b1 b2 b3 r1 r2 r3 t1 t2 h1 k1 late; do
		data+=("$n.test. A 198.18.0.101")
	done
	for i in $(seq 25); do
		data+=("x$i.f3.test. A 198.18.2.$i" "o$i.open.test. A 198.18.3.$i")
	done
	lab_unbound "${data[@]}" || return 1
	lab_xdpdns_env || return 1
	mkdir -p "$LAB_DIR/feeds" "$LAB_DIR/www"
	write_over "$LAB_DIR/feeds/local.txt" 'f1.test\nf2.test\n'
	new_remote 'r1.test\nr2.test\n'
	write_over "$LAB_DIR/www/tagged.txt" 't1.test\n'
	write_config
	start_http || return 1
	# Without a program on the client end, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass &&
		lab_attach peer2 "$LAB_NS_CLI" "$LAB_IF_CLI2" native --pass
}

# exit_is STATUS WHAT REGEX ARGS...: xdpdns ARGS exits STATUS, saying REGEX.
exit_is() {
	want=$1 what=$2 regex=$3
	shift 3
	"$X" "$@" > /dev/null 2> "$LAB_DIR/err"
	got=$?
	out=$(cat "$LAB_DIR/err")
	[ "$got" = "$want" ] && has "$out" "$regex"
	check $? "$what: exit $want ($(head -c 120 "$LAB_DIR/err"))"
}

test_bad_invocations() {
	exit_is 2 "run without --config" "missing --config" run
	printf 'feeds:\n  - name: a\n    source: /x\n    action: frob\n' > "$LAB_DIR/bad.yaml"
	exit_is 2 "a bad config names its file, line and key" \
		"bad\.yaml:4: feeds\[0\]\.action: unknown action 'frob'" run --config "$LAB_DIR/bad.yaml"
	exit_is 1 "a config that cannot be read" "cannot read '.*none\.yaml'" \
		run --config "$LAB_DIR/none.yaml"
}

test_start() {
	start_daemon
	until_true 10 log_has "generation [0-9]+ live"
	check $? "the daemon starts, attaches and makes a generation live"
	log_has "$LAB_IF_RES: attached \(native mode\)"
	check $? "it attached to $LAB_IF_RES in native mode"
	is_blocked f1.test && is_blocked www.f2.test
	check $? "the file feed's names and subtrees are NXDOMAIN from the program"
	is_blocked r1.test && is_blocked t1.test
	check $? "the URL feeds' names are NXDOMAIN from the program"
	is_open open.test
	check $? "an unlisted name is answered by Unbound"
	[ "$(grep -v '^#' "$XDPDNS_STATE_DIR/feeds.list" | awk '{ print $1 }' | tr '\n' ' ')" = \
		"local remote tagged " ]
	check $? "the stored feed order is the config's"
	"$X" list --feed remote | grep -q "^remote r1\.test subtree nxdomain 17$"
	check $? "the URL feed's rules carry the configured EDE code"
	[ -s "$XDPDNS_STATE_DIR/fetched/remote.body" ]
	check $? "the URL's body is kept in the state directory"
	exit_is 1 "a second daemon on the same state directory" "another 'xdpdns run' uses" \
		run --config "$LAB_DIR/xdpdns.yaml"
}

test_file_change() {
	gen=$(generation)
	start=$(date +%s%N)
	write_over "$LAB_DIR/feeds/local.txt" 'f2.test\nf3.test\n'
	until_true 1 both f3.test f1.test
	check $? "a file renamed over the feed: the new name blocked, the removed one open, within 1 s ($((($(date +%s%N) - start) / 1000000)) ms)"
	sleep 0.4
	[ "$(generation)" = $((gen + 1)) ]
	check $? "one write is one generation ($gen to $(generation))"

	start=$(date +%s%N)
	printf 'f4.test\n' >> "$LAB_DIR/feeds/local.txt"
	until_true 1 is_blocked f4.test
	check $? "a file appended to in place: the new name blocked within 1 s ($((($(date +%s%N) - start) / 1000000)) ms)"

	sleep 0.3
	gen=$(generation)
	for n in b1 b2 b3; do
		printf '%s.test\n' "$n" >> "$LAB_DIR/feeds/local.txt"
	done
	until_true 1 is_blocked b3.test
	sleep 0.4
	[ "$(generation)" = $((gen + 1)) ] && is_blocked b1.test
	check $? "a burst of three writes is one generation ($gen to $(generation))"
}

test_url_change() {
	start=$(date +%s%N)
	new_remote 'r2.test\nr3.test\n'
	until_true 1 both r3.test r1.test
	check $? "a changed URL: the new name blocked, the removed one open, within 1 s ($((($(date +%s%N) - start) / 1000000)) ms)"
	sleep 0.7
	n304=$(grep -c '"GET /remote.txt HTTP/1.1" 304' "$LAB_DIR/http.log")
	n200=$(grep -c '"GET /remote.txt HTTP/1.1" 200' "$LAB_DIR/http.log")
	[ "$n304" -ge 2 ] && [ "$n200" = 2 ]
	check $? "the unchanged URL costs a 304: $n200 answers 200, $n304 answers 304"

	start=$(date +%s%N)
	write_over "$LAB_DIR/www/tagged.txt" 't2.test\n'
	until_true 1 both t2.test t1.test
	check $? "a changed URL with an ETag: the new name blocked within 1 s ($((($(date +%s%N) - start) / 1000000)) ms)"
	sleep 0.7
	n304=$(grep -c '"GET /tagged.txt HTTP/1.1" 304' "$LAB_DIR/http.log")
	[ "$n304" -ge 2 ] && [ "$(grep -c '"GET /tagged.txt HTTP/1.1" 200' "$LAB_DIR/http.log")" = 2 ]
	check $? "If-None-Match with the ETag brings 304s too: $n304"
}

# The local feed: the names given, and ten names below f3.test.
local_feed() {
	{ printf '%s\n' "$@"; for i in $(seq 10); do echo "n$i.f3.test"; done; } \
		> "$LAB_DIR/feeds/local.txt.new"
	mv "$LAB_DIR/feeds/local.txt.new" "$LAB_DIR/feeds/local.txt"
}

# The last fetch of remote.txt was answered 200 or 304; sets $out to it.
last_fetch_ok() {
	out=$(grep '"GET /remote.txt ' "$LAB_DIR/http.log" | tail -n 1)
	has "$out" '" (200|304) '
}

test_refusals() {
	local_feed f2.test f3.test f4.test
	until_true 1 is_blocked n1.f3.test
	check $? "a grown file feed is taken"

	write_over "$LAB_DIR/feeds/local.txt" 'f2.test\n'
	until_true 2 log_has "feed 'local' not changed: .* losing more than 50%"
	check $? "a file feed shrinking beyond max_shrink is refused, and said so"
	is_blocked n1.f3.test && is_blocked f4.test
	check $? "the refused version changed nothing: the old rules stay enforced"

	touch "$LAB_DIR/www/fail"
	until_true 2 log_has "cannot fetch .*remote\.txt.*HTTP status 500"
	check $? "a URL answering 500 is reported"
	is_blocked r3.test && is_open r1.test
	check $? "its old rules stay enforced"
	rm "$LAB_DIR/www/fail"
	sleep 0.4
	until_true 2 last_fetch_ok
	check $? "the URL is fetched again after the failure"
	local_feed f3.test f5.test
}

test_sighup() {
	CONF_MORE=1 write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_blocked f5.test "$LAB_RES4_2"
	check $? "SIGHUP with an interface added: attached, enforcing the feeds"
	until_true 2 log_has "cannot read '.*/late\.txt'"
	check $? "SIGHUP with a feed whose file is not there yet: reported"
	log_has "config '.*' reloaded: 2 interfaces, 4 feeds"
	check $? "the reload is logged"
	start=$(date +%s%N)
	write_over "$LAB_DIR/feeds/late.txt" 'late.test\n'
	until_true 1 is_blocked late.test
	check $? "the file created later is read within 1 s ($((($(date +%s%N) - start) / 1000000)) ms)"

	printf 'feeds: [\n' > "$LAB_DIR/xdpdns.yaml"
	kill -HUP "$DAEMON_PID"
	until_true 2 log_has "config not reloaded: .*xdpdns\.yaml:2: not valid YAML"
	check $? "SIGHUP with a broken config: reported, naming the file and line"
	is_blocked late.test && is_blocked f5.test && kill -0 "$DAEMON_PID"
	check $? "the running config stays"

	write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_open late.test
	check $? "SIGHUP with the feed taken out: its names are open again"
	is_blocked f5.test "$LAB_RES4_2"
	check $? "an interface taken out of the config stays attached"
}

# An allow feed listed after a block feed is asked first, unless the
# config says allow_feeds: listed.
test_allow_feeds_place() {
	write_over "$LAB_DIR/feeds/exempt.txt" 'f5.test\n'
	CONF_ALLOW=first write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_open f5.test
	check $? "an allow feed listed after the block feed is asked first"
	CONF_ALLOW=listed write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_blocked f5.test
	check $? "allow_feeds: listed: the block feed listed before it decides"
	"$X" lookup f5.test | grep -q "lost: f5\.test subtree allow, feed exempt"
	check $? "lookup names the allow feed that lost"
	CONF_ALLOW=first write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_open f5.test
	check $? "allow_feeds: first again: the allow feed decides again"
	write_config
	kill -HUP "$DAEMON_PID"
	until_true 2 is_blocked f5.test
	check $? "the allow feed taken out of the config: its name blocked again"
}

test_hand_rules() {
	"$X" block h1.test 2> /dev/null
	is_blocked h1.test
	check $? "xdpdns block while the daemon runs"
	printf 'k1.test\nbad..test\n' >> "$LAB_DIR/feeds/local.txt"
	until_true 1 is_blocked k1.test
	check $? "the daemon rebuilds for a feed change"
	is_blocked h1.test
	check $? "the hand rule survived the daemon's rebuild"
}

test_kill_and_restart() {
	for i in $(seq 25); do
		echo "x$i.f3.test A"
		echo "o$i.open.test A"
	done > "$LAB_DIR/queries.txt"
	before=$(stat counters queries)
	gen=$(generation)

	# 50 names 20 times at 500 queries a second: two seconds, bounded.
	lab_cli dnsperf -s "$LAB_RES4" -d "$LAB_DIR/queries.txt" -n 20 -Q 500 -l 20 -t 2 \
		> "$LAB_DIR/dnsperf.out" 2>&1 &
	perf=$!
	LAB_PIDS="$LAB_PIDS $perf"
	sleep 0.5
	touch "$LAB_DIR/www/fail"
	lines=$(wc -l < "$LAB_DIR/daemon.log")
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2> /dev/null
	forget_pid "$DAEMON_PID"
	alive=$(kill -0 "$perf" 2> /dev/null && echo yes)
	is_blocked f3.test
	check $? "kill -9 of the daemon: the program goes on enforcing"
	start_daemon
	until_true 10 log_has "$LAB_IF_RES: already attached \(native mode\): kept"
	check $? "a restarted daemon adopts the attachment"
	wait "$perf"
	status=$?
	forget_pid "$perf"

	report=$(cat "$LAB_DIR/dnsperf.out")
	[ "$alive" = yes ] && [ "$status" = 0 ] && has "$report" "Queries sent:[[:space:]]+1000" &&
		has "$report" "Queries lost:[[:space:]]+0 " &&
		has "$report" "NXDOMAIN 500 " && has "$report" "NOERROR 500 "
	check $? "dnsperf across the kill and the restart: 1000 sent, none lost, 500 NXDOMAIN for 500 blocked"
	[ $? -eq 0 ] || sed 's/^/# /' "$LAB_DIR/dnsperf.out"

	after=$(stat counters queries)
	[ "$after" -ge $((before + 1000)) ]
	check $? "the counters kept counting across the restart ($before to $after queries)"
	until_true 5 test "$(generation)" -gt "$gen"
	check $? "the restarted daemon swaps a new generation into the adopted maps"
	since=$(tail -n +$((lines + 1)) "$LAB_DIR/daemon.log")
	has "$since" "remote\.txt.*HTTP status 500" &&
		has "$since" "feed 'remote': 2 names .* read from .*/fetched/remote\.body" &&
		is_blocked r3.test
	check $? "restarted while its URL fails, the daemon reads the body it kept"
	rm "$LAB_DIR/www/fail"
	is_blocked k1.test && is_blocked h1.test && is_open open.test
	check $? "the restarted daemon enforces the feeds and the hand rules"
}

test_sigterm() {
	kill -TERM "$DAEMON_PID"
	until_true 5 log_has "stopped by Terminated; still attached, enforcing generation"
	check $? "SIGTERM: the daemon says it stops and the program stays"
	wait "$DAEMON_PID"
	check $? "SIGTERM: exit 0"
	log_has "feed 'local': 13 rules; versions: 1 taken, 0 refused, 0 fetch errors, 0 parse errors, 0 not modified; 1 bad lines" &&
		log_has "feed 'remote': 2 rules; versions: 1 taken, 0 refused, [1-9][0-9]* fetch errors, 0 parse errors, [0-9]+ not modified; 0 bad lines"
	check $? "on exit, each feed's counts since the restart: versions taken, failures, bad lines"
	forget_pid "$DAEMON_PID"
	is_blocked f3.test
	check $? "after the daemon exits the last generation is still enforced"
	lab_res "$X" detach "$LAB_IF_RES2" > /dev/null 2>&1 &&
		lab_res "$X" detach "$LAB_IF_RES" > /dev/null 2>&1
	check $? "detach both interfaces"
}

if lab_setup; then
	check 0 "lab set up: two links, Unbound, an HTTP server, pass programs on the client ends"
	test_bad_invocations
	test_start
	test_file_change
	test_url_change
	test_refusals
	test_sighup
	test_allow_feeds_place
	test_hand_rules
	test_kill_and_restart
	test_sigterm
	lab_detach peer
	lab_detach peer2
else
	check 1 "lab set up"
fi
[ $failures -eq 0 ] || sed 's/^/# daemon: /' "$LAB_DIR/daemon.log" | tail -n 40

[ "$failures" -eq 0 ]
