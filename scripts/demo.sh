#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: a resolver host and a client in two network namespaces joined
# by a veth pair; Unbound on the resolver; the xdpdns command loads a real
# hosts blocklist as a feed, adds a hand allow rule, attaches the program to
# the resolver's interface, and blocks one more name live. kdig asks for
# blocked and unblocked names side by side, and the counters close the show.
# Everything it creates is removed when it ends; the rules live in a
# temporary state directory, not in /var/lib/xdpdns.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
HOSTS=${1:-../shared/data/feeds/hosts/stevenblack_hosts.txt}
X=$PWD/$OUT/xdpdns

. tests/lab.sh

trap lab_down EXIT

[ -r "$HOSTS" ] || { echo "error: cannot read the hosts list '$HOSTS'" >&2; exit 1; }

ask() {
	name=$1 type=$2 server=$3
	out=$(lab_cli kdig @"$server" +time=1 +retry=0 +edns "$name" "$type" 2>&1)
	status=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<< "$out")
	answer=$(awk '/^;; ANSWER SECTION:/ { getline; print $NF }' <<< "$out")
	ede=$(sed -n 's/.*EDE: \([0-9]*\).*/EDE \1/p' <<< "$out")
	if grep -q "flags: qr aa\|Flags: qr aa" <<< "$out" || [ -n "$answer" ]; then
		by="Unbound"
	elif [ "$status" = SERVFAIL ]; then
		by="Unbound (no upstream in the lab)"
	else
		by="xdpdns, at the NIC"
	fi
	printf '  %-26s %-5s %-9s %-16s %-7s %s\n' "$name" "$type" "${status:-none}" \
		"${answer:--}" "${ede:--}" "$by"
}

header() {
	printf '  %-26s %-5s %-9s %-16s %-7s %s\n' QUERY TYPE STATUS ANSWER EDE "ANSWERED BY"
}

# Run an xdpdns command, showing it as an operator would type it.
run() {
	echo "# xdpdns $*"
	"$X" "$@" 2>&1 | sed 's/^/  /'
}

echo "setting up: two namespaces, a veth pair, Unbound on 198.18.0.1 and 2001:2::1"
lab_up || exit 1
lab_unbound "www.debian.org. A 198.18.0.10" "www.debian.org. AAAA 2001:2::10" \
	"allowed.00fun.com. A 198.18.0.11" "news.example. A 198.18.0.12" \
	"00fun.com. A 198.18.0.13" || exit 1

lab_xdpdns_env || exit 1
lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass || exit 1

echo
run load "$HOSTS" --feed stevenblack
run allow --exact allowed.00fun.com
echo "# xdpdns attach $LAB_IF_RES    (in the resolver's namespace)"
lab_res "$X" attach "$LAB_IF_RES" 2>&1 | sed 's/^/  /'
echo
header
ask www.debian.org A "$LAB_RES4"
ask 00fun.com A "$LAB_RES4"
ask WWW.00Fun.COM A "$LAB_RES4"
ask deep.below.00fun.com A "$LAB_RES4"
ask allowed.00fun.com A "$LAB_RES4"
ask ad.doubleclick.net AAAA "$LAB_RES6"
ask www.debian.org AAAA "$LAB_RES6"
ask news.example A "$LAB_RES4"

echo
run block news.example --ede 16
header
ask news.example A "$LAB_RES4"
echo
run lookup www.news.example
run lookup allowed.00fun.com
echo
run stats
echo "# xdpdns detach $LAB_IF_RES"
lab_res "$X" detach "$LAB_IF_RES" 2>&1 | sed 's/^/  /'
header
ask 00fun.com A "$LAB_RES4"
lab_detach peer
