#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The xdpdns command end to end: Unbound on the resolver host, xdpdns
# attached to its interfaces with `xdpdns attach`, rules edited, loaded and
# looked up with the command while kdig and dnsperf on the client host ask
# real questions. Every name the test asks for is local data in Unbound
# (answers with aa set), so an answer without aa came from the program.
# Prints "ok", "not ok" or "skip" per check; exit 77 when root or a tool is
# missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns
HOSTS=../shared/data/feeds/hosts/stevenblack_hosts.txt
DOMAINS=../shared/data/feeds/domains/dnsbunker_cti_domains.txt

[ "$(id -u)" -eq 0 ] || { echo "test-cli: needs root"; exit 77; }
for tool in ip unbound kdig dnsperf python3 xdp-loader; do
	command -v "$tool" > /dev/null || { echo "test-cli: no $tool"; exit 77; }
done
[ -r "$HOSTS" ] && [ -r "$DOMAINS" ] || { echo "test-cli: no feeds in ../shared/data"; exit 77; }

. tests/lab.sh
. tests/checks.sh

# A second link between the two hosts, to attach a second interface.
LAB_IF_RES2=xr2$$
LAB_IF_CLI2=xc2$$
LAB_RES4_2=198.18.1.1
LAB_EXTRA_ADDRS=$LAB_RES4_2

trap lab_down EXIT

x() { "$X" "$@"; }
x_res() { lab_res "$X" "$@"; }

# The counters now, as `xdpdns stats --json` prints them, into a file.
snapshot() { x stats --json > "$LAB_DIR/$1.json"; }

# The counters that moved between two snapshots equal the expected ones,
# given as NAME=N; every counter not named must not have moved, except
# packets, not_dns (the lab's ARP and neighbour discovery) and fragment
# (the MLD reports of IPv6, which carry a hop-by-hop header).
counters_moved() {
	python3 - "$LAB_DIR/$1.json" "$LAB_DIR/$2.json" "${@:3}" <<-'EOF'
		import json, sys
		before = json.load(open(sys.argv[1]))["counters"]
		after = json.load(open(sys.argv[2]))["counters"]
		want = {k: int(v) for k, v in (a.split("=") for a in sys.argv[3:])}
		bad = []
		for name in after:
		    if name in ("packets", "not_dns", "fragment"):
		        continue
		    moved = after[name] - before.get(name, 0)
		    if moved != want.get(name, 0):
		        bad.append(f"{name} moved {moved}, expected {want.get(name, 0)}")
		for b in bad:
		    print("# " + b)
		sys.exit(1 if bad else 0)
	EOF
}

lab_setup() {
	lab_up || return 1
	lab_second_link || return 1

	data=("open.test. A 198.18.0.100" "open.test. AAAA 2001:2::100"
	      "www.exact.test. A 198.18.0.101" "ok.tracker.test. A 198.18.0.102"
	      "bad.cdn.test. A 198.18.0.103" "log.test. A 198.18.0.104"
	      "www.new.test. A 198.18.0.105" "www.ads.test. A 198.18.0.106")
	for i in $(seq 50); do
		data+=("x$i.swap.test. A 198.18.2.$i" "u$i.open.test. A 198.18.3.$i")
	done
	lab_unbound "${data[@]}" || return 1

	lab_xdpdns_env || return 1

	# Without a program on the client ends, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass &&
		lab_attach peer2 "$LAB_NS_CLI" "$LAB_IF_CLI2" native --pass
}

test_attach() {
	x block ads.test > /dev/null 2>&1 && x block --exact exact.test 2> "$LAB_DIR/err"
	check $? "hand rules stored before attaching"
	has "$(cat "$LAB_DIR/err")" "live at the next 'xdpdns attach'"
	check $? "a rule stored while detached says when it becomes live"

	x_res attach "$LAB_IF_RES" 2> "$LAB_DIR/err"
	check $? "xdpdns attach $LAB_IF_RES"
	missing=0
	for map in xdpdns_policy xdpdns_depths xdpdns_stats xdpdns_feedhits xdpdns_config; do
		[ -e "$XDPDNS_PIN_DIR/$map" ] || missing=$((missing + 1))
	done
	check "$missing" "the maps are pinned under the pin directory"
	x_res attach "$LAB_IF_RES2" --mode native 2> "$LAB_DIR/err" &&
		has "$(cat "$LAB_DIR/err")" "sharing the live policy"
	check $? "a second interface shares the pinned policy"
}

test_wire_basics() {
	snapshot basics0

	ask "$LAB_RES4" open.test A
	from_unbound 198.18.0.100
	check $? "an unlisted name is answered by Unbound (IPv4)"
	ask "$LAB_RES6" open.test AAAA
	from_unbound 2001:2::100
	check $? "an unlisted name is answered by Unbound (IPv6)"

	ask "$LAB_RES4" +edns www.ads.test A
	from_filter NXDOMAIN www.ads.test && has "$out" "EDE: 15" &&
		has "$out" "ads\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+SOA"
	check $? "a name in a blocked subtree: NXDOMAIN, question echoed, SOA, EDE 15"
	ask "$LAB_RES4" +noedns ads.test A
	from_filter NXDOMAIN ads.test && has "$out" "ADDITIONAL: 0"
	check $? "the blocked name itself without EDNS: NXDOMAIN, no OPT record"
	ask "$LAB_RES6" +edns www.ads.test AAAA
	from_filter NXDOMAIN www.ads.test && has "$out" "EDE: 15"
	check $? "over IPv6 with EDNS: NXDOMAIN, question echoed, EDE 15"
	ask "$LAB_RES4" exact.test A
	from_filter NXDOMAIN exact.test
	check $? "an exact rule blocks its name"
	ask "$LAB_RES4" www.exact.test A
	from_unbound 198.18.0.101
	check $? "an exact rule leaves the names below it to Unbound"
	ask "$LAB_RES4_2" www.ads.test A
	from_filter NXDOMAIN www.ads.test
	check $? "the second interface enforces the same rules"

	snapshot basics1
	counters_moved basics0 basics1 queries=8 passed=3 nxdomain=5
	check $? "counters: 8 queries, 5 nxdomain, 3 passed, nothing else"
}

test_actions() {
	x block nodata.test --action nodata 2> /dev/null &&
		x block refused.test --action refused 2> /dev/null &&
		x block sink.test --action sinkhole 2> /dev/null &&
		x block tc.test --action tc 2> /dev/null &&
		x block drop.test --action drop 2> /dev/null &&
		x block log.test --action log 2> /dev/null &&
		x block censored.test --ede 16 2> /dev/null
	check $? "block with every action and with --ede 16"
	snapshot actions0

	ask "$LAB_RES4" nodata.test A
	nodata_from_filter nodata.test
	check $? "nodata: NOERROR, no answer, an SOA"
	ask "$LAB_RES4" refused.test A
	from_filter REFUSED refused.test
	check $? "refused: REFUSED"
	ask "$LAB_RES4" sink.test A
	from_filter NOERROR sink.test && has "$out" "sink\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+0\.0\.0\.0"
	check $? "sinkhole: A 0.0.0.0"
	ask "$LAB_RES6" sink.test AAAA
	from_filter NOERROR sink.test && has "$out" "IN[[:space:]]+AAAA[[:space:]]+::"
	check $? "sinkhole over IPv6: AAAA ::"
	ask "$LAB_RES4" +ignore tc.test A
	has "$out" "Flags: qr tc" && has "$out" "ANSWER: 0"
	check $? "tc: an empty answer with TC set"
	ask "$LAB_RES4" drop.test A
	! has "$out" "status:"
	check $? "drop: no answer at all"
	ask "$LAB_RES4" log.test A
	from_unbound 198.18.0.104
	check $? "log: the query goes on to Unbound"
	ask "$LAB_RES4" +edns www.censored.test A
	from_filter NXDOMAIN www.censored.test && has "$out" "EDE: 16"
	check $? "a rule's own EDE code: 16 (Censored)"
	ask "$LAB_RES6" +noedns www.censored.test A
	from_filter NXDOMAIN www.censored.test && has "$out" "ADDITIONAL: 0"
	check $? "the same rule over IPv6 without EDNS: no OPT record"

	snapshot actions1
	counters_moved actions0 actions1 queries=9 nodata=1 refused=1 sinkhole=2 tc=1 \
		dropped=1 logged=1 nxdomain=2
	check $? "counters: one per action, two sinkholes, two nxdomain"
}

test_sinkhole_addresses() {
	x block own.test --action sinkhole --a 198.18.7.7 --aaaa 2001:db8::77 2> /dev/null &&
		x block --exact v4only.test --action sinkhole --a 198.18.7.8 --ede 17 2> /dev/null
	check $? "block --action sinkhole with addresses of its own"
	out=$(x list --feed hand 2>&1)
	has "$out" "own\.test subtree sinkhole A=198\.18\.7\.7 AAAA=2001:db8::77" &&
		has "$out" "v4only\.test exact sinkhole 17 A=198\.18\.7\.8"
	check $? "list prints a sinkhole rule's addresses"
	lookup_has www.own.test "A=198.18.7.7 AAAA=2001:db8::77" "live: sinkhole, A=198.18.7.7"
	check $? "lookup prints the stored and the live addresses"
	snapshot sinkaddr0

	ask "$LAB_RES4" www.own.test A
	from_filter NOERROR www.own.test &&
		has "$out" "IN[[:space:]]+A[[:space:]]+198\.18\.7\.7"
	check $? "a hand sinkhole answers A with its own address"
	ask "$LAB_RES6" +edns own.test AAAA
	from_filter NOERROR own.test && has "$out" "IN[[:space:]]+AAAA[[:space:]]+2001:db8::77" &&
		has "$out" "EDE: 15"
	check $? "and AAAA over IPv6 with its own address, EDE 15"
	ask "$LAB_RES4" +edns v4only.test AAAA
	nodata_from_filter v4only.test && has "$out" "EDE: 17"
	check $? "a sinkhole with only an IPv4 address answers AAAA with NODATA, EDE 17"
	ask "$LAB_RES4" sink.test A
	from_filter NOERROR sink.test && has "$out" "IN[[:space:]]+A[[:space:]]+0\.0\.0\.0"
	check $? "a sinkhole without addresses still answers the configured one"

	snapshot sinkaddr1
	counters_moved sinkaddr0 sinkaddr1 queries=4 sinkhole=4
	check $? "counters: four sinkhole answers"
}

lookup_has() {
	out=$(x lookup "$1" 2>&1)
	has "$out" "$2" && has "$out" "$3"
}

test_precedence() {
	printf 'tracker.test\nbad.cdn.test\n' > "$LAB_DIR/block.txt"
	printf 'cdn.test\n' > "$LAB_DIR/allow.txt"
	x load "$LAB_DIR/block.txt" --feed blockfeed 2> /dev/null &&
		x load "$LAB_DIR/allow.txt" --feed allowfeed --action allow 2> /dev/null &&
		x allow --exact ok.tracker.test 2> /dev/null &&
		x block evil.cdn.test 2> /dev/null
	check $? "a block feed, an allow feed, a hand allow and a hand block"
	snapshot prec0

	ask "$LAB_RES4" www.tracker.test A
	from_filter NXDOMAIN www.tracker.test
	check $? "the block feed blocks its subtree"
	ask "$LAB_RES4" ok.tracker.test A
	from_unbound 198.18.0.102
	check $? "a hand allow inside a feed's blocked subtree reaches Unbound"
	ask "$LAB_RES4" sub.ok.tracker.test A
	from_filter NXDOMAIN sub.ok.tracker.test
	check $? "an exact allow leaves the names below it blocked"
	ask "$LAB_RES4" bad.cdn.test A
	from_unbound 198.18.0.103
	check $? "an allow feed beats a later block feed's narrower rule"
	lookup_has bad.cdn.test "^bad\.cdn\.test: allow" "lost: bad\.cdn\.test subtree nxdomain, feed blockfeed"
	check $? "lookup names the allow feed's rule and the rule it beat"
	ask "$LAB_RES4" evil.cdn.test A
	from_filter NXDOMAIN evil.cdn.test
	check $? "a hand block inside an allow feed's subtree blocks"
	lookup_has www.evil.cdn.test "rule: evil\.cdn\.test subtree nxdomain, feed hand" \
		"lost: cdn\.test subtree allow, feed allowfeed"
	check $? "lookup: the hand rule decides, the allow feed loses"
	lookup_has www.evil.cdn.test "live: nxdomain, feed hand" "generation"
	check $? "lookup shows the live generation agrees"

	snapshot prec1
	counters_moved prec0 prec1 queries=5 nxdomain=3 allowed=2
	check $? "counters: 3 nxdomain, 2 allowed"
}

test_live_edits() {
	x block new.test 2> /dev/null
	ask "$LAB_RES4" www.new.test A
	from_filter NXDOMAIN www.new.test
	check $? "block: the very next query is blocked"
	x unblock new.test 2> /dev/null
	ask "$LAB_RES4" www.new.test A
	from_unbound 198.18.0.105
	check $? "unblock: the very next query reaches Unbound"
	x allow www.ads.test 2> /dev/null
	ask "$LAB_RES4" www.ads.test A
	from_unbound 198.18.0.106
	check $? "allow: the very next query reaches Unbound"
	x unblock www.ads.test 2> /dev/null
	ask "$LAB_RES4" www.ads.test A
	from_filter NXDOMAIN www.ads.test
	check $? "unblock of the allow: the very next query is blocked again"
}

test_real_feeds() {
	start=$(date +%s%N)
	x load "$HOSTS" --feed stevenblack 2> "$LAB_DIR/err"
	check $? "load the StevenBlack hosts list"
	ms=$((($(date +%s%N) - start) / 1000000))
	names=$(sed -n 's/.*: \([0-9]*\) names (hosts format.*/\1/p' "$LAB_DIR/err")
	echo "# $names names of $(basename "$HOSTS") loaded while attached in $ms ms"
	[ "${names:-0}" -gt 100000 ] && [ "$(x list --feed stevenblack | wc -l)" = "$names" ]
	check $? "every name of the hosts list is a stored rule"
	! x list --feed stevenblack | grep -qE " (localhost|localhost\.localdomain|local|broadcasthost|ip6-[a-z]+) "
	check $? "the hosts file's local names are not rules"
	lookup_has localhost "^localhost: pass" "live: pass"
	check $? "lookup localhost: pass"
	ask "$LAB_RES4" www.00fun.com A
	from_filter NXDOMAIN www.00fun.com
	check $? "a name of the hosts list is blocked on the wire"

	x load "$DOMAINS" --feed cti --format domains 2> /dev/null
	check $? "load a domain list"
	first=$(grep -vE '^[[:space:]]*(#|$)' "$DOMAINS" | head -n 1 | tr -d '\r')
	ask "$LAB_RES6" "$first" AAAA
	from_filter NXDOMAIN "$first"
	check $? "a name of the domain list is blocked on the wire ($first)"
}

# Two versions of one feed that block the same 50 test names among other
# names: whichever generation answers, every answer is known.
make_swap_feeds() {
	{ cat "$HOSTS"; for i in $(seq 50); do echo "0.0.0.0 x$i.swap.test"; done; } \
		> "$LAB_DIR/swap-hosts.txt"
	{ cat "$DOMAINS"; for i in $(seq 50); do echo "x$i.swap.test"; done; } \
		> "$LAB_DIR/swap-domains.txt"
	for i in $(seq 50); do
		echo "x$i.swap.test A"
		echo "u$i.open.test A"
	done > "$LAB_DIR/queries.txt"
}

test_replace_under_load() {
	make_swap_feeds
	x load "$LAB_DIR/swap-hosts.txt" --feed swap 2> /dev/null
	check $? "load the feed to be replaced"
	snapshot swap0

	# 100 names 30 times at 1000 queries a second: three seconds, bounded.
	lab_cli dnsperf -s "$LAB_RES4" -d "$LAB_DIR/queries.txt" -n 30 -Q 1000 -l 20 -t 2 \
		> "$LAB_DIR/dnsperf.out" 2>&1 &
	perf=$!
	LAB_PIDS="$LAB_PIDS $perf"
	sleep 0.3
	swaps=0 during=0
	for f in domains hosts domains hosts; do
		kill -0 "$perf" 2> /dev/null && during=$((during + 1))
		# The two versions differ by 106k names: past the safety valve.
		x load "$LAB_DIR/swap-$f.txt" --feed swap --max-shrink 1 2> /dev/null &&
			swaps=$((swaps + 1))
	done
	wait "$perf"
	status=$?
	[ "$swaps" = 4 ] && [ "$during" -ge 2 ]
	check $? "the feed was replaced $swaps times, $during of them while dnsperf ran"

	report=$(cat "$LAB_DIR/dnsperf.out")
	[ "$status" = 0 ] && has "$report" "Queries sent:[[:space:]]+3000" &&
		has "$report" "Queries lost:[[:space:]]+0 " &&
		has "$report" "NOERROR 1500 " && has "$report" "NXDOMAIN 1500 "
	check $? "dnsperf: 3000 sent, none lost, 1500 NXDOMAIN from the feed, 1500 from Unbound"
	[ $? -eq 0 ] || sed 's/^/# /' "$LAB_DIR/dnsperf.out"

	snapshot swap1
	counters_moved swap0 swap1 queries=3000 nxdomain=1500 passed=1500
	check $? "counters: 3000 queries, 1500 nxdomain, 1500 passed"

	n=$(x list --feed swap | wc -l)
	x load "$LAB_DIR/no-such-file.txt" --feed swap 2> "$LAB_DIR/err"
	[ $? = 1 ] && has "$(cat "$LAB_DIR/err")" "no-such-file\.txt" &&
		has "$(cat "$LAB_DIR/err")" "not changed"
	check $? "a feed file that cannot be read: exit 1, the file named"
	ask "$LAB_RES4" x1.swap.test A
	from_filter NXDOMAIN x1.swap.test && [ "$(x list --feed swap | wc -l)" = "$n" ]
	check $? "the feed's old rules stay stored and live"

	head -n 1000 "$LAB_DIR/swap-domains.txt" > "$LAB_DIR/shrunk.txt"
	x load "$LAB_DIR/shrunk.txt" --feed swap 2> "$LAB_DIR/err"
	[ $? = 1 ] && has "$(cat "$LAB_DIR/err")" "not changed: .* losing more than 50%"
	check $? "a version with under half the rules is refused: exit 1, the loss named"
	ask "$LAB_RES4" x2.swap.test A
	from_filter NXDOMAIN x2.swap.test && [ "$(x list --feed swap | wc -l)" = "$n" ]
	check $? "the refused version changed nothing"
}

exit_is() {
	want=$1
	shift
	"$@" > /dev/null 2> "$LAB_DIR/err"
	got=$?
	[ "$got" = "$want" ] && [ "$(wc -l < "$LAB_DIR/err")" -ge 1 ]
	check $? "exit $want with an error for: xdpdns ${*:2} ($(head -c 100 "$LAB_DIR/err"))"
}

test_errors() {
	exit_is 2 x frobnicate
	exit_is 2 x block
	exit_is 2 x block bad..name.test
	exit_is 2 x block ok.test --action frob
	exit_is 2 x block ok.test --ede 99
	exit_is 2 x block ok.test --a 192.0.2.1
	exit_is 2 x block ok.test --action nxdomain --aaaa 2001:db8::1
	exit_is 2 x block ok.test --action sinkhole --a 2001:db8::1
	exit_is 2 x attach "$LAB_IF_RES" --mode turbo
	exit_is 2 x load "$HOSTS" --format bind
	exit_is 1 x attach nosuchif0
	exit_is 1 x unblock never-blocked.test
	exit_is 1 x list --feed no-such-feed
	exit_is 1 x_res attach "$LAB_IF_RES"
	ask "$LAB_RES4" www.ads.test A
	from_filter NXDOMAIN www.ads.test
	check $? "the failed commands changed nothing"
}

# libxdp shares an interface through its dispatcher, which needs the
# kernel to load freplace (BPF_PROG_TYPE_EXT) programs; some kernels refuse.
test_coexistence() {
	status=$(x_res xdp-loader status "$LAB_IF_RES" 2>&1)
	if has "$status" "xdp_dispatcher"; then
		x_res xdp-loader load -m native "$LAB_IF_RES" "$OUT/pass.bpf.o" 2> "$LAB_DIR/err"
		check $? "a second program joins xdpdns through the dispatcher"
		has "$(x_res xdp-loader status "$LAB_IF_RES")" "xdpdns_pass"
		check $? "xdp-loader shows both programs"
		ask "$LAB_RES4" www.ads.test A
		from_filter NXDOMAIN www.ads.test
		check $? "xdpdns still blocks beside the other program"
		ask "$LAB_RES4" open.test A
		from_unbound 198.18.0.100
		check $? "and passes the rest through the other program to Unbound"
		x_res detach "$LAB_IF_RES" 2> /dev/null && x_res attach "$LAB_IF_RES" 2> /dev/null &&
			has "$(x_res xdp-loader status "$LAB_IF_RES")" "xdpdns_pass"
		check $? "detach and attach of xdpdns leave the other program in place"
		x_res xdp-loader unload "$LAB_IF_RES" --all 2> /dev/null
		x_res attach "$LAB_IF_RES" 2> /dev/null
		return
	fi
	echo "skip - coexistence through the libxdp dispatcher: this kernel refuses it," \
		"libxdp attached xdpdns alone"

	# Without the dispatcher, xdpdns must not replace another program.
	x_res detach "$LAB_IF_RES2" 2> /dev/null
	lab_attach other "$LAB_NS_RES" "$LAB_IF_RES2" native --pass ||
		{ check 1 "another program on $LAB_IF_RES2"; return; }
	x_res attach "$LAB_IF_RES2" 2> "$LAB_DIR/err"
	[ $? = 1 ] && has "$(cat "$LAB_DIR/err")" "another XDP program, 'xdpdns_pass'"
	check $? "attach refuses to replace another program, naming it ($(head -c 80 "$LAB_DIR/err"))"
	ask "$LAB_RES4_2" www.ads.test A
	has "$out" "Flags: qr aa" && has "$out" "198\.18\.0\.106"
	check $? "the other program stays attached and its traffic reaches Unbound"
	lab_detach other
}

test_detach() {
	x_res detach "$LAB_IF_RES2" > /dev/null 2>&1
	x_res detach "$LAB_IF_RES" 2> "$LAB_DIR/err" && has "$(cat "$LAB_DIR/err")" "maps unpinned"
	check $? "the last detach unpins the maps"
	[ ! -e "$XDPDNS_PIN_DIR" ] || [ -z "$(ls -A "$XDPDNS_PIN_DIR")" ]
	check $? "nothing left under the pin directory"
	ask "$LAB_RES4" www.ads.test A
	from_unbound 198.18.0.106
	check $? "detached: Unbound answers the blocked names again"
	ask "$LAB_RES6" open.test AAAA
	from_unbound 2001:2::100
	check $? "detached: and the rest over IPv6"
	exit_is 1 x stats

	x_res attach "$LAB_IF_RES" --mode skb 2> /dev/null
	check $? "attach again (skb mode)"
	x list --feed hand | grep -q "^hand censored\.test subtree nxdomain 16$"
	check $? "the hand rules are still stored"
	snapshot again0
	ask "$LAB_RES4" +edns www.censored.test A
	from_filter NXDOMAIN www.censored.test && has "$out" "EDE: 16"
	check $? "hand rules enforced again after detach and attach"
	ask "$LAB_RES4" x7.swap.test A
	from_filter NXDOMAIN x7.swap.test
	check $? "and the loaded feeds"
	ask "$LAB_RES4" evil.cdn.test A
	from_filter NXDOMAIN evil.cdn.test
	check $? "and the feed order"
	snapshot again1
	counters_moved again0 again1 queries=3 nxdomain=3 &&
		python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]; sys.exit(c["queries"] != 3)' \
			"$LAB_DIR/again1.json"
	check $? "the counters restarted with the new pins and count exactly 3 queries"
	x_res detach "$LAB_IF_RES" 2> /dev/null
	check $? "detach"
}

if lab_setup; then
	check 0 "lab set up: two links, Unbound, pass programs on the client ends"
	test_attach
	test_wire_basics
	test_actions
	test_sinkhole_addresses
	test_precedence
	test_live_edits
	test_real_feeds
	test_replace_under_load
	test_errors
	test_coexistence
	test_detach
	lab_detach peer
	lab_detach peer2
else
	check 1 "lab set up"
fi

[ "$failures" -eq 0 ]
