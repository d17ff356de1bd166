#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: xdpdns side by side with its peers, written to bench/REPORT.md
# with plots beside it. The datapath through BPF_PROG_TEST_RUN over rule
# counts and name lengths (bench_datapath --sweep); then, on the veth lab
# of the wire tests, the same blocklist of a million names and the same
# query mixes against Unbound blocking with local-zone, dnsdist blocking
# with a suffix match, and Unbound behind xdpdns: queries per second, CPU
# per query, memory for the list, time to load it and to apply a change;
# the miss path of Unbound with and without xdpdns in front, alternating;
# and xdpdns' live updates, from the change to enforcement on the wire.
# Peers run one at a time on the resolver host's address. Everything it
# starts it ends by PID; the lab, its mounts and files go on exit.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
DIR=${BENCH_DIR:-bench}
DURATION=${DURATION:-8}		# seconds of each dnsperf run
ROUNDS=${ROUNDS:-15}		# rounds of the miss path, each state in turn
MISS_DURATION=${MISS_DURATION:-3}	# seconds of each of its dnsperf runs
NAMES=1000000
X=$PWD/$OUT/xdpdns

for tool in ip unbound unbound-control dnsdist dnsperf kdig bpftool gnuplot; do
	command -v "$tool" > /dev/null || { echo "error: no $tool (make deps)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "error: make bench needs root" >&2; exit 1; }

. tests/lab.sh

trap lab_down EXIT
trap 'exit 1' INT TERM

# What the run measured, as "key value" lines in bench/results.txt, read
# back for the report.
RESULTS=
put() { echo "$1 $2" >> "$RESULTS"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$RESULTS"; }

now_ns() { date +%s%N; }
ms_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.3g\n", a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

TICK_NS=$((1000000000 / $(getconf CLK_TCK)))
# utime + stime of a process, and the softirq time of all CPUs, in ticks.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
softirq_ticks() { awk '$1 == "cpu" { print $8 }' /proc/stat; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# End one process this script started, and forget it.
stop_pid() {
	kill "$1" 2> /dev/null
	wait "$1" 2> /dev/null
	LAB_PIDS=$(for p in $LAB_PIDS; do [ "$p" = "$1" ] || echo "$p"; done)
}

rcode_of() {
	lab_cli kdig @"$LAB_RES4" +time=1 +retry=0 "$1" A 2>&1 |
		sed -n 's/.*status: \([A-Z]*\).*/\1/p'
}

# Run the command, then ask for NAME until it is NXDOMAIN (for at most 30
# s); print the milliseconds from the command's start to that answer.
enforced_ms() {
	name=$1
	shift
	t0=$(now_ns)
	"$@" > "$LAB_DIR/change.out" 2>&1 || { cat "$LAB_DIR/change.out" >&2; return 1; }
	for _ in $(seq 3000); do
		[ "$(rcode_of "$name")" = NXDOMAIN ] && { ms_since "$t0"; return 0; }
	done
	echo "error: '$name' not blocked 30 s after: $*" >&2
	return 1
}

# The names: the list, names past its end for misses and changes, and the
# query files of the three mixes, every one of them a name of its kind.
make_names() {
	"$OUT/bench_names" $((NAMES + 1000 + 2010)) > "$LAB_DIR/all.txt" || return 1
	head -n "$NAMES" "$LAB_DIR/all.txt" > "$LAB_DIR/list.txt"
	sed -n "$((NAMES + 1)),$((NAMES + 1000))p" "$LAB_DIR/all.txt" > "$LAB_DIR/misses.txt"
	sed -n "$((NAMES + 1001)),$((NAMES + 1010))p" "$LAB_DIR/all.txt" > "$LAB_DIR/new.txt"
	tail -n 1000 "$LAB_DIR/all.txt" > "$LAB_DIR/feed1k.txt"
	awk 'NR % 100 == 0 { print $0, "A" }' "$LAB_DIR/list.txt" > "$LAB_DIR/q-exact.txt"
	awk 'NR % 100 == 50 { print "q." $0, "A" }' "$LAB_DIR/list.txt" > "$LAB_DIR/q-subtree.txt"
	awk '{ print $0, "A" }' "$LAB_DIR/misses.txt" > "$LAB_DIR/q-miss.txt"
	# Unbound answers the misses from local data in every configuration.
	awk '{ printf "local-data: \"%s. A 198.18.0.10\"\n", $0 }' "$LAB_DIR/misses.txt" \
		> "$LAB_DIR/misses.conf"
	{
		cat "$LAB_DIR/misses.conf"
		awk '{ printf "local-zone: \"%s.\" always_nxdomain\n", $0 }' "$LAB_DIR/list.txt"
	} > "$LAB_DIR/zones.conf"
	{ cat "$LAB_DIR/list.txt"; head -n 1 "$LAB_DIR/new.txt"; } > "$LAB_DIR/list2.txt"
	make_rpz
}

# The list as an RPZ zone for Unbound's respip module: the name and its
# subtree rewritten to NXDOMAIN (CNAME .), as local-zone always_nxdomain.
make_rpz() {
	{
		cat "$LAB_DIR/misses.conf"
		echo 'module-config: "respip iterator"'
		echo 'rpz:'
		echo '  name: "rpz.bench."'
		echo "  zonefile: \"$LAB_DIR/rpz.zone\""
	} > "$LAB_DIR/rpz.conf"
	{
		printf '$ORIGIN rpz.bench.\n@ 3600 IN SOA localhost. root.localhost. 1 3600 600 86400 60\n'
		printf '@ 3600 IN NS localhost.\n'
		awk '{ print $0 " CNAME ."; print "*." $0 " CNAME ." }' "$LAB_DIR/list.txt"
	} > "$LAB_DIR/rpz.zone"
}

new_name() { sed -n "${1}p" "$LAB_DIR/new.txt"; }

# put KEY the enforced_ms of NAME and the command.
put_enforced() {
	key=$1
	shift
	v=$(enforced_ms "$@") || return 1
	put "$key" "$v"
}

# dnsperf for SECONDS (DURATION unless set) against the resolver host with
# one mix while the server PID runs; puts PEER.MIX.{qps,lost,answered,
# cpu_ns,softirq_ns,perf_cpu}: CPU in ns per query answered, dnsperf's own
# share of a core. Nothing is pinned: when xdpdns answers, the whole path
# (dnsperf, the program, both veth directions) is softirq and dnsperf's own
# work, and pinning dnsperf would put all of it on one of the two cores.
perf_run() {
	peer=$1 mix=$2 pid=$3 secs=${SECONDS_RUN:-$DURATION}
	out=$LAB_DIR/perf-$peer-$mix.out

	s0=$(proc_ticks "$pid") i0=$(softirq_ticks)
	ip netns exec "$LAB_NS_CLI" dnsperf -s "$LAB_RES4" -d "$LAB_DIR/q-$mix.txt" \
		-l "$secs" -q 500 > "$out" 2>&1 &
	perf=$!
	LAB_PIDS="$LAB_PIDS $perf"
	sleep $((secs - 1))
	p1=$(proc_ticks "$perf" 2> /dev/null || echo 0)
	wait "$perf"
	LAB_PIDS=$(for p in $LAB_PIDS; do [ "$p" = "$perf" ] || echo "$p"; done)
	s1=$(proc_ticks "$pid") i1=$(softirq_ticks)

	done_q=$(awk '/Queries completed:/ { print $3 }' "$out")
	[ -n "$done_q" ] && [ "$done_q" -gt 0 ] || { cat "$out" >&2; return 1; }
	want=NXDOMAIN
	[ "$mix" = miss ] && want=NOERROR
	put "$peer.$mix.qps" "$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$out")"
	put "$peer.$mix.lost" "$(awk '/Queries lost:/ { print $3 }' "$out")"
	put "$peer.$mix.answered" "$(grep -o "$want [0-9]*" "$out" | awk '{ print $2 }')"
	put "$peer.$mix.cpu_ns" "$(awk -v t=$((s1 - s0)) -v q="$done_q" -v n="$TICK_NS" \
		'BEGIN { printf "%.0f", t * n / q }')"
	put "$peer.$mix.softirq_ns" "$(awk -v t=$((i1 - i0)) -v q="$done_q" -v n="$TICK_NS" \
		'BEGIN { printf "%.0f", t * n / q }')"
	put "$peer.$mix.perf_cpu" "$(awk -v t="$p1" -v n="$TICK_NS" -v d="$secs" \
		'BEGIN { printf "%.2f", t * n / 1e9 / (d - 1) }')"
}

perf_mixes() {
	for mix in exact subtree miss; do
		perf_run "$1" "$mix" "$2" || return 1
	done
}

# Unbound on the resolver host; its PID in UNBOUND_PID, the milliseconds
# from its start to its first answer in UNBOUND_MS.
start_unbound() {
	LAB_UNBOUND_INCLUDE=$1 LAB_UNBOUND_PORT=${2:-53}
	LAB_UNBOUND_CONTROL=$LAB_DIR/unbound.ctl
	rm -f "$LAB_UNBOUND_CONTROL"
	t0=$(now_ns)
	lab_unbound "probe.test. A 198.18.0.10" || return 1
	UNBOUND_MS=$(ms_since "$t0")
	UNBOUND_PID=${LAB_PIDS##* }
	printf 'remote-control:\n  control-enable: yes\n  control-interface: "%s"\n' \
		"$LAB_UNBOUND_CONTROL" > "$LAB_DIR/control.conf"
}

ubctl() { unbound-control -c "$LAB_DIR/control.conf" "$@"; }

# Unbound alone with the list in CONF, under the name PEER: start, load
# time, memory and the mixes; it stays up.
bench_unbound_list() {
	LAB_UNBOUND_TRIES=600
	start_unbound "$2" || return 1
	put "$1.load_ms" "$UNBOUND_MS"
	put "$1.rss_kb" "$(rss_kb "$UNBOUND_PID")"
	perf_mixes "$1" "$UNBOUND_PID"
}

# (a) Unbound alone, a local-zone always_nxdomain per name of the list.
bench_unbound() {
	bench_unbound_list unbound "$LAB_DIR/zones.conf" || return 1
	put_enforced unbound.rule_ms "$(new_name 1)" \
		ubctl local_zone "$(new_name 1)." always_nxdomain || return 1
	printf 'local-zone: "%s." always_nxdomain\n' "$(new_name 2)" >> "$LAB_DIR/zones.conf"
	put_enforced unbound.reload_ms "$(new_name 2)" ubctl reload || return 1
	stop_pid "$UNBOUND_PID"
}

# (a') The same with the list as an RPZ zone; its zone file has no command
# for one more name, so no change is timed.
bench_rpz() {
	bench_unbound_list rpz "$LAB_DIR/rpz.conf" || return 1
	stop_pid "$UNBOUND_PID"
}

# (b) dnsdist in front of Unbound (its backend on another port), the list
# loaded into a suffix match node through the console. A rule holds a copy
# of its node, so a hand rule is a rule of its own, as a user adds one.
DNSDIST_KEY=
dnsdist_conf() {
	DNSDIST_KEY=$(head -c 32 /dev/urandom | base64)
	cat > "$LAB_DIR/dnsdist.conf" <<-EOF
		setLocal('$LAB_RES4:53')
		setACL({'198.18.0.0/15'})
		setSecurityPollSuffix('')
		newServer{address='$LAB_RES4:5300', checkName='probe.test.'}
		controlSocket('127.0.0.1:5199')
		setKey('$DNSDIST_KEY')
		-- A fresh node for every list, swapped in with the one rule. The
		-- rule keeps a copy: the node is let go and collected at once.
		function loadlist(path)
			local node = newSuffixMatchNode()
			for line in io.lines(path) do node:add(line) end
			clearRules()
			addAction(SuffixMatchNodeRule(node, true), RCodeAction(DNSRCode.NXDOMAIN))
			node = nil
			collectgarbage('collect')
		end
		loadlist('/dev/null')
	EOF
	printf "controlSocket('127.0.0.1:5199')\nsetKey('%s')\n" "$DNSDIST_KEY" \
		> "$LAB_DIR/console.conf"
}

ddctl() { lab_res dnsdist -C "$LAB_DIR/console.conf" -c -e "$1"; }

bench_dnsdist() {
	start_unbound "$LAB_DIR/misses.conf" 5300 || return 1
	backend=$UNBOUND_PID
	dnsdist_conf
	ip netns exec "$LAB_NS_RES" dnsdist --supervised --disable-syslog \
		-C "$LAB_DIR/dnsdist.conf" > "$LAB_DIR/dnsdist.out" 2>&1 &
	pid=$!
	LAB_PIDS="$LAB_PIDS $pid"
	for _ in $(seq 100); do
		[ "$(rcode_of "$(sed -n 1p "$LAB_DIR/misses.txt")")" = NOERROR ] && break
		sleep 0.1
	done
	rss0=$(rss_kb "$pid")
	put_enforced dnsdist.load_ms "$(head -n 1 "$LAB_DIR/list.txt")" \
		ddctl "loadlist('$LAB_DIR/list.txt')" || return 1
	put dnsdist.rss_kb $(($(rss_kb "$pid") - rss0))
	perf_mixes dnsdist "$pid" || return 1
	put_enforced dnsdist.rule_ms "$(new_name 3)" \
		ddctl "addAction('$(new_name 3).', RCodeAction(DNSRCode.NXDOMAIN))" || return 1
	put_enforced dnsdist.reload_ms "$(head -n 1 "$LAB_DIR/new.txt")" \
		ddctl "loadlist('$LAB_DIR/list2.txt')" || return 1
	stop_pid "$pid"
	stop_pid "$backend"
}

# Kernel memory of the list: the live generation map's memlock charge and
# that of every map pinned in the lab's pin directory.
xdpdns_kernel_bytes() {
	# The value is the inner map's id, as four bytes in host (little) order.
	bytes=$(bpftool map lookup pinned "$XDPDNS_PIN_DIR/xdpdns_policy" key 0 0 0 0 -j |
		sed 's/.*"value":\[\([^]]*\)\].*/\1/; s/"//g; s/,/ /g')
	inner=0
	for b in $(echo "$bytes" | tr ' ' '\n' | tac); do
		inner=$((inner * 256 + b))
	done
	{
		bpftool map show id "$inner" -j
		for f in "$XDPDNS_PIN_DIR"/*; do
			[ "$(basename "$f")" = xdpdns_policy ] || bpftool map show pinned "$f" -j
		done
		bpftool map show pinned "$XDPDNS_PIN_DIR/xdpdns_policy" -j
	} 2> /dev/null | grep -o '"bytes_memlock": *[0-9]*' | awk -F: '{ s += $2 } END { print s }'
}

# (c) Unbound without the list, xdpdns attached in native mode in front of
# it, the peer pass program on the client end for XDP_TX to reach it.
bench_xdpdns() {
	start_unbound "$LAB_DIR/misses.conf" || return 1
	put plain.load_ms "$UNBOUND_MS"
	put plain.rss_kb "$(rss_kb "$UNBOUND_PID")"
	lab_xdpdns_env || return 1
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass || return 1
	lab_res "$X" attach "$LAB_IF_RES" || return 1
	put_enforced xdpdns.load_ms "$(head -n 1 "$LAB_DIR/list.txt")" \
		"$X" load "$LAB_DIR/list.txt" --feed bench || return 1
	put xdpdns.kernel_kb $(($(xdpdns_kernel_bytes) / 1024))
	perf_mixes xdpdns "$UNBOUND_PID" || return 1

	# Live updates with the million names live; -v names each one's phases.
	put_enforced xdpdns.rule_ms "$(new_name 4)" "$X" -v block "$(new_name 4)" || return 1
	sed "s|$LAB_DIR/||g" "$LAB_DIR/change.out" > "$DIR/xdpdns-block.txt"
	put_enforced xdpdns.feed1k_ms "$(tail -n 1 "$LAB_DIR/feed1k.txt")" \
		"$X" -v load "$LAB_DIR/feed1k.txt" --feed small || return 1
	sed "s|$LAB_DIR/||g" "$LAB_DIR/change.out" > "$DIR/xdpdns-feed1k.txt"
	put_enforced xdpdns.reload_ms "$(head -n 1 "$LAB_DIR/new.txt")" \
		"$X" -v load "$LAB_DIR/list2.txt" --feed bench || return 1
	sed "s|$LAB_DIR/||g" "$LAB_DIR/change.out" > "$DIR/xdpdns-reload.txt"
}

# The resolver's end of the veth for the miss path: nothing on it (alone),
# a bare XDP_PASS program (pass: the cost of veth's XDP receive path
# itself), or xdpdns with the million names live (behind).
side_on() {
	case $1 in
	pass) lab_attach rpass "$LAB_NS_RES" "$LAB_IF_RES" native --pass ;;
	behind) lab_res "$X" attach "$LAB_IF_RES" > /dev/null 2>&1 ;;
	esac
}

side_off() {
	case $1 in
	pass) lab_detach rpass ;;
	behind) lab_res "$X" detach "$LAB_IF_RES" > /dev/null 2>&1 ;;
	esac
}

# The median over the rounds of the ratio of state B to state A.
per_round() {
	paste "$LAB_DIR/$1" "$LAB_DIR/$2" | awk '{ printf "%.3f\n", $2 / $1 }' | median
}

# Unblocked names through Unbound in each of the three states, the order
# turned by one every round, so drift weighs on all alike.
bench_misspath() {
	sides="alone pass behind"

	side_off behind || return 1
	for r in $(seq "$ROUNDS"); do
		for side in $sides; do
			side_on "$side" || return 1
			SECONDS_RUN=$MISS_DURATION perf_run "$side$r" miss "$UNBOUND_PID" ||
				return 1
			side_off "$side" || return 1
			get "$side$r.miss.qps" >> "$LAB_DIR/$side"
			echo "$r $side $(get "$side$r.miss.qps")" >> "$DIR/misspath.dat"
		done
		sides="${sides#* } ${sides%% *}"
	done
	for side in alone pass behind; do
		put "$side.qps" "$(median < "$LAB_DIR/$side")"
	done
	put misspath.ratio "$(per_round alone behind)"
	paste "$LAB_DIR/alone" "$LAB_DIR/behind" | awk '{ printf "%.3f\n", $2 / $1 }' |
		sort -g > "$LAB_DIR/r"
	put misspath.min "$(head -n 1 "$LAB_DIR/r")"
	put misspath.max "$(tail -n 1 "$LAB_DIR/r")"
	put misspath.pass_ratio "$(per_round pass behind)"
	put misspath.veth_ratio "$(per_round alone pass)"
}

lab_up || exit 1
mkdir -p "$DIR"
RESULTS=$DIR/results.txt
: > "$RESULTS"
echo "# round, side, queries per second" > "$DIR/misspath.dat"
t_start=$(now_ns)
step() { echo "bench: $1 ($(awk -v a="$t_start" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }') s)" >&2; }

step "datapath sweep"
"$OUT/bench_datapath" --sweep "$DIR" > "$DIR/datapath.txt" || exit 1
step "names"
make_names || exit 1
step "unbound"
bench_unbound || exit 1
step "unbound rpz"
bench_rpz || exit 1
step "dnsdist"
bench_dnsdist || exit 1
step "xdpdns"
bench_xdpdns || exit 1
step "miss path"
bench_misspath || exit 1
lab_detach peer
put total_s "$(awk -v a="$t_start" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')"

. scripts/bench-report.sh
write_report > "$DIR/REPORT.md" || exit 1
gnuplot -e "dir='$DIR'" bench/plot.gp || exit 1
echo "bench: wrote $DIR/REPORT.md in $(get total_s) s" >&2
