#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: a resolver host and a client in two network namespaces joined
# by a veth pair; Unbound on the resolver; the XDP program on the resolver's
# interface with every name of a real hosts blocklist blocked (the name and
# its subtree, NXDOMAIN) and one allow exception. kdig asks for blocked and
# unblocked names side by side, and the program's counters close the show.
# Everything it creates is removed when it ends.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
HOSTS=${1:-../shared/data/feeds/hosts/stevenblack_hosts.txt}

. tests/lab.sh
trap lab_down EXIT

[ -r "$HOSTS" ] || { echo "error: cannot read the hosts list '$HOSTS'" >&2; exit 1; }

# The hosts-file lines that send a name to a blocking address are rules; the
# machine's own names (localhost and the like) never are.
hosts_to_rules() {
	awk '($1 == "0.0.0.0" || $1 == "127.0.0.1") && NF >= 2 &&
	     $2 !~ /^(localhost|localhost\.localdomain|local|broadcasthost|0\.0\.0\.0)$/ &&
	     $2 !~ /^ip6-/ { print $2 " both nxdomain" }' "$1"
	echo "allowed.00fun.com exact allow"
}

ask() {
	name=$1 type=$2 server=$3
	out=$(lab_cli kdig @"$server" +time=1 +retry=0 +edns "$name" "$type" 2>&1)
	status=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<< "$out")
	answer=$(awk '/^;; ANSWER SECTION:/ { getline; print $NF }' <<< "$out")
	ede=$(sed -n 's/.*EDE: \([0-9]*\).*/EDE \1/p' <<< "$out")
	if grep -q "flags: qr aa\|Flags: qr aa" <<< "$out" || [ -n "$answer" ]; then
		by="Unbound"
	else
		by="xdpdns, at the NIC"
	fi
	printf '  %-26s %-5s %-9s %-16s %-7s %s\n' "$name" "$type" "${status:-none}" \
		"${answer:--}" "${ede:--}" "$by"
}

echo "setting up: two namespaces, a veth pair, Unbound on 198.18.0.1 and 2001:2::1"
lab_up || exit 1
lab_unbound "www.debian.org. A 198.18.0.10" "www.debian.org. AAAA 2001:2::10" \
	"allowed.00fun.com. A 198.18.0.11" || exit 1

hosts_to_rules "$HOSTS" > "$LAB_DIR/rules"
echo "blocking $(($(wc -l < "$LAB_DIR/rules") - 1)) names of $HOSTS, one allow exception"
lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass || exit 1
start=$(date +%s%N)
lab_attach filter "$LAB_NS_RES" "$LAB_IF_RES" native "$LAB_DIR/rules" || exit 1
echo "attached in native mode, policy live in $((($(date +%s%N) - start) / 1000000)) ms"
echo
printf '  %-26s %-5s %-9s %-16s %-7s %s\n' QUERY TYPE STATUS ANSWER EDE "ANSWERED BY"
ask www.debian.org A "$LAB_RES4"
ask 00fun.com A "$LAB_RES4"
ask WWW.00Fun.COM A "$LAB_RES4"
ask deep.below.00fun.com A "$LAB_RES4"
ask allowed.00fun.com A "$LAB_RES4"
ask ad.doubleclick.net AAAA "$LAB_RES6"
ask www.debian.org AAAA "$LAB_RES6"

lab_detach filter
lab_detach peer
echo
echo "the program's counters:"
grep -vE "^ready$| 0$" "$LAB_DIR/filter.out" | sed 's/^/  /'
