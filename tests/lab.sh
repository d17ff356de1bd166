# SPDX-License-Identifier: GPL-2.0-only
# The lab shared by the wire tests: two network namespaces joined by a veth
# pair, a resolver host running Unbound with local data for the test names,
# and a client host. Sourced, not run. Every name carries the shell's PID so
# that parallel runs do not meet; lab_down removes all of it, and ends only
# the processes lab_* started.
#
#   resolver  xr$$  198.18.0.1/24  2001:2::1/64
#   client    xc$$  198.18.0.2/24  2001:2::2/64

LAB_NS_RES=xdns-r-$$
LAB_NS_CLI=xdns-c-$$
LAB_IF_RES=xr$$
LAB_IF_CLI=xc$$
LAB_RES4=198.18.0.1
LAB_RES6=2001:2::1
LAB_DIR=
LAB_PIDS=
LAB_FDS=
# More addresses for Unbound to listen on, set before lab_unbound.
LAB_EXTRA_ADDRS=
# For the benchmarks, also set before lab_unbound: the port Unbound serves,
# a file of server-clause lines it includes (a blocklist, more local data),
# the path of a control socket for unbound-control (none when empty), and
# the tries of a tenth of a second it gets to answer (a big list loads for
# seconds).
LAB_UNBOUND_PORT=53
LAB_UNBOUND_INCLUDE=
LAB_UNBOUND_CONTROL=
LAB_UNBOUND_TRIES=50

lab_res() { ip netns exec "$LAB_NS_RES" "$@"; }
lab_cli() { ip netns exec "$LAB_NS_CLI" "$@"; }

lab_up() {
	LAB_DIR=$(mktemp -d)
	ip netns add "$LAB_NS_RES" && ip netns add "$LAB_NS_CLI" &&
	ip link add "$LAB_IF_RES" netns "$LAB_NS_RES" type veth \
		peer name "$LAB_IF_CLI" netns "$LAB_NS_CLI" || return 1

	lab_res ip addr add "$LAB_RES4/24" dev "$LAB_IF_RES"
	lab_res ip addr add "$LAB_RES6/64" dev "$LAB_IF_RES" nodad
	lab_cli ip addr add 198.18.0.2/24 dev "$LAB_IF_CLI"
	lab_cli ip addr add 2001:2::2/64 dev "$LAB_IF_CLI" nodad
	lab_res ip link set lo up
	lab_cli ip link set lo up
	lab_res ip link set "$LAB_IF_RES" up
	lab_cli ip link set "$LAB_IF_CLI" up
}

# A second link between the two hosts, for a second interface: the caller
# names its ends LAB_IF_RES2 and LAB_IF_CLI2 and gives the resolver's
# address LAB_RES4_2 in a /24 of its own; the client end gets .2 of it.
lab_second_link() {
	ip link add "$LAB_IF_RES2" netns "$LAB_NS_RES" type veth \
		peer name "$LAB_IF_CLI2" netns "$LAB_NS_CLI" || return 1
	lab_res ip addr add "$LAB_RES4_2/24" dev "$LAB_IF_RES2"
	lab_cli ip addr add "${LAB_RES4_2%.*}.2/24" dev "$LAB_IF_CLI2"
	lab_res ip link set "$LAB_IF_RES2" up
	lab_cli ip link set "$LAB_IF_CLI2" up
}

# Start Unbound on the resolver host with the given local-data lines (one
# "NAME TYPE DATA" per argument) and wait until it answers.
lab_unbound() {
	conf=$LAB_DIR/unbound.conf

	{
		echo "server:"
		echo "  port: $LAB_UNBOUND_PORT"
		echo "  interface: $LAB_RES4"
		echo "  interface: $LAB_RES6"
		for addr in $LAB_EXTRA_ADDRS; do
			echo "  interface: $addr"
		done
		echo "  do-daemonize: no"
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  directory: \"$LAB_DIR\""
		echo "  pidfile: \"$LAB_DIR/unbound.pid\""
		echo "  use-syslog: no"
		echo "  logfile: \"$LAB_DIR/unbound.log\""
		echo "  access-control: 198.18.0.0/15 allow"
		echo "  access-control: 2001:2::/48 allow"
		echo "  module-config: \"iterator\""
		echo "  local-zone: \"test.\" static"
		for rr in "$@"; do
			echo "  local-data: \"$rr\""
		done
		[ -z "$LAB_UNBOUND_INCLUDE" ] || echo "  include: \"$LAB_UNBOUND_INCLUDE\""
		echo "remote-control:"
		if [ -n "$LAB_UNBOUND_CONTROL" ]; then
			echo "  control-enable: yes"
			echo "  control-interface: \"$LAB_UNBOUND_CONTROL\""
		else
			echo "  control-enable: no"
		fi
	} > "$conf"

	# Not through lab_res: "$!" must be Unbound's own PID, not a subshell's.
	ip netns exec "$LAB_NS_RES" unbound -d -c "$conf" > "$LAB_DIR/unbound.out" 2>&1 &
	LAB_PIDS="$LAB_PIDS $!"
	for _ in $(seq "$LAB_UNBOUND_TRIES"); do
		lab_cli kdig @"$LAB_RES4" -p "$LAB_UNBOUND_PORT" +time=1 +retry=0 +short "${1%% *}" A \
			> /dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "unbound did not answer; its log:" >&2
	cat "$LAB_DIR/unbound.out" "$LAB_DIR/unbound.log" >&2 2>/dev/null
	return 1
}

# Run lab_attach in a namespace until lab_detach: NAME NS IFACE MODE RULES.
# Its output, the counters at the end included, goes to $LAB_DIR/NAME.out.
lab_attach() {
	name=$1 ns=$2 iface=$3 mode=$4 rules=$5
	fifo=$LAB_DIR/$name.ctl

	rm -f "$fifo"
	mkfifo "$fifo"
	# Without the other loaders' write ends: holding one would keep that
	# loader attached after its lab_detach.
	(
		for fd in $LAB_FDS; do
			exec {fd}>&-
		done
		exec ip netns exec "$ns" "$OUT/lab_attach" "$iface" "$mode" "$rules" \
			< "$fifo" > "$LAB_DIR/$name.out" 2>&1
	) &
	eval "LAB_PID_$name=$!"
	LAB_PIDS="$LAB_PIDS $!"
	# Holding the write end open keeps the loader attached.
	eval "exec {LAB_FD_$name}> \"$fifo\""
	eval "LAB_FDS=\"\$LAB_FDS \$LAB_FD_$name\""
	for _ in $(seq 50); do
		grep -q '^ready$' "$LAB_DIR/$name.out" && return 0
		sleep 0.1
	done
	cat "$LAB_DIR/$name.out" >&2
	return 1
}

# Close the loader's input: it prints its counters, detaches and exits.
lab_detach() {
	name=$1

	eval "fd=\$LAB_FD_$name; pid=\$LAB_PID_$name"
	[ -n "$fd" ] || return 0
	exec {fd}>&-
	wait "$pid"
	eval "LAB_FD_$name="
	LAB_FDS=$(for f in $LAB_FDS; do [ "$f" = "$fd" ] || echo "$f"; done)
}

# The value of one counter printed by a detached loader.
lab_counter() {
	awk -v c="$2" '$1 == c { print $2 }' "$LAB_DIR/$1.out"
}

# Point the xdpdns command at the lab: its maps pinned on a bpf file
# system of the lab's own (`ip netns exec` hides /sys/fs/bpf), its rules
# stored in the lab's directory, never in /var/lib/xdpdns.
lab_xdpdns_env() {
	mkdir "$LAB_DIR/bpffs" && mount -t bpf bpf "$LAB_DIR/bpffs" || return 1
	export XDPDNS_PIN_DIR=$LAB_DIR/bpffs/xdpdns XDPDNS_STATE_DIR=$LAB_DIR/state
	export LIBXDP_BPFFS=$LAB_DIR/bpffs
}

# kdig from the client host, bounded: one try of one second. Sets $out
# (checks.sh shows it when a check fails).
ask() {
	server=$1
	shift
	out=$(lab_cli kdig @"$server" +time=1 +retry=0 "$@" 2>&1)
}

# The answer in $out came from the program: RCODE, the question echoed, no
# aa (the lab's Unbound answers only from local data, with aa set).
from_filter() {
	rcode=$1 qname=$2
	has "$out" "status: $rcode" && has "$out" ";; ${qname//./\\.}\.[[:space:]]+IN" &&
		! has "$out" "Flags: qr aa"
}

# The answer in $out is the program's NODATA for QNAME: NOERROR, no answer
# record, the SOA in the authority section.
nodata_from_filter() {
	from_filter NOERROR "$1" && has "$out" "ANSWER: 0" && has "$out" "AUTHORITY: 1"
}

# The answer in $out came from Unbound: aa set and the address of its data.
from_unbound() {
	has "$out" "status: NOERROR" && has "$out" "Flags: qr aa" && has "$out" "$1"
}

lab_down() {
	for pid in $LAB_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $LAB_PIDS; do
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=
	ip netns del "$LAB_NS_RES" 2>/dev/null
	ip netns del "$LAB_NS_CLI" 2>/dev/null
	if [ -n "$LAB_DIR" ]; then
		mountpoint -q "$LAB_DIR/bpffs" && umount "$LAB_DIR/bpffs"
		rm -rf "$LAB_DIR"
	fi
	LAB_DIR=
}
