# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The report of make bench, sourced by scripts/bench.sh once every figure
# is in $RESULTS: write_report prints bench/REPORT.md and writes the data
# of the peers' plot. Only figures of the run are printed; what bounds
# each is said beside it.

versions() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores online"
	echo "- kernel: $(uname -r)"
	echo "- Unbound $(unbound -V | sed -n 's/^Version //p'), $(dnsdist --version | head -n 1 |
		cut -d' ' -f1-2), $(dnsperf -h 2>&1 | sed -n 's/^DNS Performance Testing Tool \(.*\)/dnsperf \1/p' |
		head -n 1)$(dpkg-query -W -f='dnsperf ${Version}' dnsperf 2> /dev/null), $(clang --version |
		head -n 1)"
}

# A table row of one figure: the four peers and the three ratios.
figure_row() {
	label=$1 x=$2 u=$3 r=$4 d=$5
	echo "| $label | $u | $r | $d | $x | $(ratio "$x" "$u") | $(ratio "$x" "$r") |" \
	     "$(ratio "$x" "$d") |"
}

# ns per query of the whole path: the server's CPU plus all softirq time.
whole_ns() {
	awk -v a="$(get "$1.cpu_ns")" -v b="$(get "$1.softirq_ns")" \
		'BEGIN { if (a == "-" || b == "-") print "-"; else print a + b }'
}

# One figure of every peer: KEY is PEER.KEY in the results, or a function.
peers_row() {
	label=$1 fn=$2 key=$3
	figure_row "$label" "$($fn "xdpdns.$key")" "$($fn "unbound.$key")" "$($fn "rpz.$key")" \
		"$($fn "dnsdist.$key")"
}

# The list's memory: a resident set less that of Unbound without the list.
list_kb() {
	case $1 in
	unbound.* | rpz.*) awk -v a="$(get "${1%%.*}.rss_kb")" -v b="$(get plain.rss_kb)" \
		'BEGIN { if (a == "-") print "-"; else print a - b }' ;;
	dnsdist.*) get dnsdist.rss_kb ;;
	xdpdns.*) get xdpdns.kernel_kb ;;
	esac
}

peers_table() {
	echo "| figure | Unbound local-zone | Unbound RPZ | dnsdist suffix match |" \
	     "xdpdns + Unbound | xdpdns / Unbound | xdpdns / RPZ | xdpdns / dnsdist |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for mix in exact subtree miss; do
		peers_row "queries/s answered, $mix" get "$mix.qps"
	done
	for mix in exact subtree; do
		peers_row "server process CPU ns per query, $mix hits" get "$mix.cpu_ns"
		peers_row "softirq ns per query (all CPUs), $mix hits" get "$mix.softirq_ns"
		peers_row "whole path ns per query (server + softirq), $mix hits" whole_ns "$mix"
	done
	peers_row "memory for the list, KiB" list_kb mem
	peers_row "time to load the list, ms" get load_ms
	peers_row "one hand rule to enforced on the wire, ms" get rule_ms
	peers_row "a reload of the list with one name more to enforced, ms" get reload_ms
}

runs_table() {
	echo "| peer | mix | queries/s | lost | answered with the expected rcode | server ns/query |" \
	     "softirq ns/query | dnsperf's CPU (cores) |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for peer in unbound rpz dnsdist xdpdns; do
		for mix in exact subtree miss; do
			echo "| $peer | $mix | $(get $peer.$mix.qps) | $(get $peer.$mix.lost) |" \
			     "$(get $peer.$mix.answered) | $(get $peer.$mix.cpu_ns) |" \
			     "$(get $peer.$mix.softirq_ns) | $(get $peer.$mix.perf_cpu) |"
		done
	done
}

misspath_table() {
	echo "| round | alone, queries/s | XDP_PASS in front, queries/s | xdpdns in front, queries/s |" \
	     "xdpdns / alone | xdpdns / XDP_PASS | XDP_PASS / alone |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for r in $(seq "$ROUNDS"); do
		a=$(get "alone$r.miss.qps") p=$(get "pass$r.miss.qps") b=$(get "behind$r.miss.qps")
		echo "| $r | $a | $p | $b | $(ratio "$b" "$a") | $(ratio "$b" "$p") | $(ratio "$p" "$a") |"
	done
	echo "| median | $(get alone.qps) | $(get pass.qps) | $(get behind.qps) |" \
	     "$(get misspath.ratio) | $(get misspath.pass_ratio) | $(get misspath.veth_ratio) |"
}

# The datapath's rules.dat row for 1M rules: column n.
dp_1m() { awk -v n="$1" '$1 == 1000000 { print $n }' "$DIR/rules.dat"; }

# The lowest server CPU per blocked query of the two peers, over both mixes.
best_peer_ns() {
	for k in unbound.exact unbound.subtree rpz.exact rpz.subtree dnsdist.exact \
		 dnsdist.subtree; do
		get "$k.cpu_ns"
	done | sort -g | head -n 1
}

cpu_table() {
	best=$(best_peer_ns)
	echo "| xdpdns figure (1M rules) | ns per blocked query | best peer's server CPU ns per blocked query | peer / xdpdns |"
	echo "| --- | ---: | ---: | ---: |"
	for c in "exact hit, hot:8" "exact hit, cold:11" "subtree hit, hot:14" \
		 "subtree hit, cold:17"; do
		ns=$(dp_1m "${c##*:}")
		echo "| datapath, ${c%%:*} (BPF_PROG_TEST_RUN) | $ns | $best | $(ratio "$best" "$ns") |"
	done
	for c in "hot:9" "cold:12"; do
		ns=$(dp_1m "${c##*:}")
		echo "| the bare XDP_DROP floor, ${c%%:*}, measured beside it | $ns | $best |" \
		     "$(ratio "$best" "$ns") |"
	done
	for mix in exact subtree; do
		ns=$(whole_ns xdpdns.$mix)
		echo "| whole path on the veth lab, $mix hits (softirq of all CPUs) | $ns | $best |" \
		     "$(ratio "$best" "$ns") |"
	done
}

write_peers_dat() {
	echo "# mix, queries per second: Unbound, Unbound RPZ, dnsdist, xdpdns + Unbound"
	for mix in exact subtree miss; do
		echo "$mix $(get unbound.$mix.qps) $(get rpz.$mix.qps) $(get dnsdist.$mix.qps)" \
		     "$(get xdpdns.$mix.qps)"
	done
}

# What the aim's budget (the best peer's ns / 100) leaves the lookup cold.
budget_left() {
	awk -v b="$1" -v f="$2" 'BEGIN {
		left = b / 100 - f
		if (left > 0)
			printf "the aim leaves the lookup itself about %.0f ns, less than one cache miss", left
		else
			printf "the floor alone takes %.0f ns more than the whole budget", -left
	}'
}

write_report() {
	write_peers_dat > "$DIR/peers.dat"
	best=$(best_peer_ns)
	cold=$(dp_1m 11)
	loss=$(awk -v r="$(get misspath.ratio)" 'BEGIN { printf "%.1f", (1 - r) * 100 }')
	cat <<-EOF
	# xdpdns benchmarks side by side

	Generated by \`make bench\` (\`scripts/bench.sh\`, plots by \`bench/plot.gp\`) on
	$(date -u '+%Y-%m-%d %H:%M UTC'); the whole run took $(get total_s) s. Ratios
	pair figures measured in the same run; there are no pass/fail thresholds.

	**The machine is shared**: two other engineers ran builds and tests on the
	same two cores while these figures were taken, so absolute figures move
	from run to run; the ratios, measured side by side, move less.

	$(versions)

	## Headline

	- Datapath CPU per blocked query (1M rules, exact hit, BPF_PROG_TEST_RUN):
	  $(dp_1m 8) ns hot, $cold ns cold, against $best ns of server CPU per
	  blocked query for the best peer: $(ratio "$best" "$(dp_1m 8)") times
	  less hot, $(ratio "$best" "$cold") times less cold. Aim: at least 100
	  times. What bounds it: the aim is a budget of $(awk -v b="$best" 'BEGIN { printf "%.0f", b / 100 }') ns a query, and
	  the bare XDP_DROP program measured beside it takes $(dp_1m 12) ns cold
	  (one-run calls include the kernel's timer reads) and $(dp_1m 9) ns hot
	  (this VM's return thunks), so cold $(budget_left "$best" "$(dp_1m 12)"), and hot about
	  $(awk -v b="$best" -v f="$(dp_1m 9)" 'BEGIN { printf "%.0f", b / 100 - f }') ns against the $(awk -v a="$(dp_1m 8)" -v f="$(dp_1m 9)" 'BEGIN { printf "%.0f", a - f }') it takes above the floor (parsing the
	  question and the hash probes, README "Benchmarks").
	  On the wire, the whole path (all softirq time) per blocked
	  query is $(ratio "$best" "$(whole_ns xdpdns.exact)") times below the best
	  peer's server CPU alone.
	- Unblocked throughput of Unbound behind xdpdns, as a share of Unbound
	  alone (median of $ROUNDS rounds of $MISS_DURATION s, the states
	  alternating): $(get misspath.ratio), a loss of $loss percent; the
	  rounds' ratios spread from $(get misspath.min) to $(get misspath.max).
	  As a share of Unbound behind a bare XDP_PASS program on the same
	  veth: $(get misspath.pass_ratio). Aim: a loss under 2 percent. What
	  bounds it: the round-to-round noise of this shared two-core machine is
	  several times the 2 percent sought, so the lab resolves only losses
	  larger than that spread.
	- One million names loaded again with one new name, from \`xdpdns load\`
	  started to the new name answered NXDOMAIN on the wire:
	  $(get xdpdns.reload_ms) ms; a hand rule with the million live
	  $(get xdpdns.rule_ms) ms. Aim: within 500 ms. What bounds it: reading
	  the list, storing it (fsynced), reading the stored rules and building
	  the whole generation again; section 4 gives the phases.

	## 1. Datapath: ns per packet against the XDP_DROP floor

	Command: \`$OUT/bench_datapath --sweep $DIR\` (as root). For each rule
	count a fresh program and generation of blocklist-shaped rules
	(tests/blocknames.c: half name-and-subtree, a third exact, the rest
	subtree only). Hot: one frame, 100,000 runs per call, median of 7 rounds
	alternating with the floor (\`bpf/drop.bpf.c\`). Cold: 5,000 different
	names, one run per call, floor and case alternating frame by frame.
	Misses are 4-label names; subtree hits have 3 labels below their rule.
	Name lengths are measured with a million rules; their subtree hits sit
	under a 2-label rule, so the 2-label "subtree hit" is the name itself.

	![ns per packet against rule count](datapath-rules.png)
	![ns per packet against name length](datapath-labels.png)

	$(sed -n '/^By rule count/,$p' "$DIR/datapath.txt")

	$(awk '/^With [0-9]* rules, by the labels/ { p = 1 } /rules built and live/ { p = 0 } p' \
		"$DIR/datapath.txt")

	Rule tables built and live (same command):
	$(grep 'rules built and live' "$DIR/datapath.txt" | sed 's/^/- /')

	What limits it: each call is timed by the kernel in whole nanoseconds
	(hot) or includes its own timer reads (cold, on the floor too); this VM
	returns through the kernel's speculation-safe return thunk, which raises
	the floor and every call inside the program; the cold names of the
	smaller rule counts leave part of the table in cache.

	## 2. Against peers on the veth lab

	The lab of the wire tests (\`tests/lab.sh\`): two network namespaces
	joined by a veth pair, resolver 198.18.0.1, client 198.18.0.2. The same
	list of $NAMES names (\`$OUT/bench_names $((NAMES + 3010))\`, the first
	$NAMES lines) written as each peer reads it; the same query files:
	10,000 listed names (*exact*), 10,000 names one label below listed names
	(*subtree*), 1,000 names past the list's end that Unbound answers from
	local data in every configuration (*miss*). Each run:
	\`dnsperf -s 198.18.0.1 -d QUERIES -l $DURATION -q 500\` from the client
	namespace, one peer at a time on the resolver's address, nothing pinned
	to a CPU. The veth's receive work, XDP included, runs in softirq on the
	CPU that sent the frame: queries' on dnsperf's, answers' on the
	server's (for xdpdns, on dnsperf's again). A run with dnsperf and the
	servers pinned to a core each was tried: it put the whole of xdpdns'
	answer path on dnsperf's one core and took its figures below the peers'.

	- **Unbound** alone, one thread: \`local-zone: "NAME." always_nxdomain\`
	  per name (blocks the name and its subtree). A hand rule is
	  \`unbound-control local_zone NAME. always_nxdomain\`; the reload is
	  \`unbound-control reload\` with one more local-zone in the file.
	- **Unbound RPZ**: the same Unbound with \`module-config: "respip
	  iterator"\` and the list as an RPZ zone file (\`NAME CNAME .\` and
	  \`*.NAME CNAME .\`, NXDOMAIN for the name and its subtree). Loaded and
	  measured only: a zone file has no command to add one name, so its
	  change times are not taken.
	- **dnsdist** in front of the same Unbound on port 5300: the list read
	  into a \`newSuffixMatchNode()\` by a Lua function through the console,
	  \`addAction(SuffixMatchNodeRule(node), RCodeAction(DNSRCode.NXDOMAIN))\`.
	  A hand rule is \`addAction('NAME.', RCodeAction(DNSRCode.NXDOMAIN))\`
	  (a suffix rule of its own) through the console, the reload
	  the same function with the list of one name more (a new node swapped
	  in with the rule).
	- **xdpdns**: Unbound without the list, \`xdpdns attach\` in native mode
	  on the resolver's end, the pass program on the client's end (veth needs
	  an XDP program on the peer for XDP_TX frames), \`xdpdns load LIST --feed
	  bench\` (name-and-subtree rules answered NXDOMAIN). A hand rule is
	  \`xdpdns block NAME\`, the reload \`xdpdns load\` of the list with one
	  name more.

	![queries per second](peers-qps.png)

	$(peers_table)

	Every run:

	$(runs_table)

	How each figure is taken: queries per second and lost as dnsperf reports
	them (the queries still in flight when the run's time is up count as
	lost, up to the 500 dnsperf keeps outstanding); server CPU is the peer process's utime + stime from
	/proc/PID/stat over the run (Unbound's for xdpdns, which a blocked query
	never reaches), softirq is the softirq column of /proc/stat summed over
	both CPUs over the run, both divided by the queries completed; memory is
	Unbound's resident set less that of the same Unbound without the list,
	dnsdist's resident set after loading less before, and for xdpdns the
	memlock charge (bpftool) of the live generation map and of every map
	pinned; times run from the command's start until kdig from the client
	gets NXDOMAIN for a name the change blocks, asking again as soon as an
	answer comes. Unbound's load time is from its start to its first answer.

	What limits these figures: dnsperf is one process on one core and the
	machine has two; the server, dnsperf, and the softirq work of both veth
	ends share them (the last column gives dnsperf's share of a core over
	the run). When xdpdns answers, dnsperf itself is the bound: the
	program's queries per second are dnsperf's ceiling on this machine, not
	the program's. The softirq column counts all of the kernel's packet work
	on both CPUs, both directions of the veth included, not xdpdns' program
	alone; section 5 gives the program's own cost. CPU ticks are 10 ms.
	Timed changes include one kdig process start and round trip (a few
	ms); during an Unbound reload the polling kdig waits up to its 1 s
	timeout. RPZ in Unbound was not measured.

	## 3. The miss path: Unbound alone and behind xdpdns

	Unblocked names (the *miss* file) through Unbound in three states of the
	resolver's end of the veth: nothing attached (*alone*), a bare XDP_PASS
	program (\`lab_attach --pass\`: what veth's XDP receive path costs by
	itself, since an XDP program makes veth take its NAPI path and build an
	skb from every frame passed), and xdpdns with the million names live
	(\`xdpdns attach\`, then \`xdpdns detach\`). The pass program stays on
	the client's end in all three. The order of the three is turned by one
	every round; each state one dnsperf run of $MISS_DURATION s per round,
	short runs and many rounds so that a burst of the other engineers' work
	falls on all three states alike.

	![miss path](misspath.png)

	$(misspath_table)

	What limits it: Unbound's one thread and dnsperf are each near a full
	core of the two here (the *miss* rows of section 2), and veth runs the
	resolver end's receive work, the XDP program included, in softirq on
	the CPU that sent the frame, dnsperf's: in this lab the program's
	time is taken from the client's ceiling, where on a NIC it would be
	spent on the receiving queue's CPU. An XDP program of any kind also
	switches veth to its NAPI path, which builds an skb for every frame
	passed (the XDP_PASS column). And the round-to-round spread of this
	shared machine is larger than the 2 percent sought, which is why the
	ratios are medians of the rounds' ratios, not of their figures.

	## 4. Live update: from a change to enforcement on the wire

	With the million names live and attached, from the command's start to
	the first NXDOMAIN for a name the change blocks:

	| change | ms |
	| --- | ---: |
	| \`xdpdns block NAME\` (hand rule) | $(get xdpdns.rule_ms) |
	| \`xdpdns load FEED1K --feed small\` (a feed of 1,000 names) | $(get xdpdns.feed1k_ms) |
	| \`xdpdns load LIST2 --feed bench\` (1,000,001 names, one new) | $(get xdpdns.reload_ms) |
	| first \`xdpdns load LIST --feed bench\` (1,000,000 names) | $(get xdpdns.load_ms) |

	What the command said of its phases (\`xdpdns -v\`, the same timed runs):

	\`xdpdns -v block NAME\`:

	\`\`\`
	$(cat "$DIR/xdpdns-block.txt")
	\`\`\`

	\`xdpdns -v load FEED1K --feed small\`:

	\`\`\`
	$(cat "$DIR/xdpdns-feed1k.txt")
	\`\`\`

	\`xdpdns -v load LIST2 --feed bench\`:

	\`\`\`
	$(cat "$DIR/xdpdns-reload.txt")
	\`\`\`

	What limits it: every edit rebuilds the whole policy from the stored
	rules (docs/cli.md says why), so a hand rule or a 1k feed costs reading
	the million stored rules, compiling them into a new generation and
	swapping it in; the million-name load adds reading the list and storing
	it (fsynced). Each time includes one kdig start and round trip.

	## 5. CPU per blocked query

	The datapath's own cost against the best peer's server CPU per blocked
	query (the lowest of Unbound and dnsdist over exact and subtree hits),
	and the whole path on the veth lab including softirq:

	$(cpu_table)

	What limits it: the datapath figure is BPF_PROG_TEST_RUN's, without the
	driver; the whole-path figure is everything the kernel does for the
	packet in both directions of the veth, in both namespaces, which a real
	NIC's driver would replace with its own receive and transmit.
	EOF
}
