#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every real list of ../shared/data/feeds loaded with `xdpdns load` (format
# auto) into one feed on the lab, one after another, each checked on the
# wire with kdig: names picked from the file itself get the program's
# answer, names it does not list reach Unbound. Then the AdBlock list's
# exceptions, exact rules and skipped modifiers, and a crafted RPZ zone
# for the actions the real zone does not have (nodata, drop, passthru, tc,
# sinkhole, local data with its own address, wildcards, a walled garden
# and a TXT record left to the resolver). Prints "ok"
# or "not ok" per check; exit 77 when root or a tool is missing.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns
FEEDS=../shared/data/feeds

[ "$(id -u)" -eq 0 ] || { echo "test-feeds: needs root"; exit 77; }
for tool in ip unbound kdig; do
	command -v "$tool" > /dev/null || { echo "test-feeds: no $tool"; exit 77; }
done
[ -d "$FEEDS" ] || { echo "test-feeds: no $FEEDS"; exit 77; }

. tests/lab.sh
. tests/checks.sh

trap lab_down EXIT

x() { "$X" "$@"; }

# Names the AdBlock list and the crafted zone let through, and a name no
# list holds: Unbound's local data, each with an address of its own.
UNBOUND_DATA=(
	"open.test. A 198.18.0.100"
	"hbbtv.zdf.de. A 198.18.0.101"
	"mhc-ajax-eu.myhomescreen.tv. A 198.18.0.102"
	"www.mhc-ajax-eu.myhomescreen.tv. A 198.18.0.103"
	"www.lgtvsdp.com. A 198.18.0.104"
	"de.ioam.de. A 198.18.0.105"
	"ok.pass.test. A 198.18.0.106"
	"wild.test. A 198.18.0.107"
	"garden.test. A 198.18.0.108"
	"txt.test. A 198.18.0.109"
)

lab_setup() {
	lab_up && lab_unbound "${UNBOUND_DATA[@]}" && lab_xdpdns_env || return 1
	# Without a program on the client end, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass &&
		lab_res "$X" attach "$LAB_IF_RES" 2> /dev/null
}

# The first and last names of a list, as its format writes them.
names_of() {
	case $1 in
	*/hosts/*)
		awk '$1 == "0.0.0.0" && $2 != "0.0.0.0" { print $2 }' "$1" ;;
	*/adblock/*)
		sed -n 's/^||\([a-z0-9.-]*\)\^$/\1/p' "$1" ;;
	*/rpz/*)
		awk '$2 == "CNAME" && $1 !~ /^\*/ { sub(/\.$/, "", $1); print $1 }' "$1" ;;
	*.csv)
		sed -n '2,$p' "$1" | cut -d';' -f1 | tr -d ' \r' ;;
	*)
		grep -vE '^[[:space:]]*([#!]|$)' "$1" | tr -d ' \t\r' ;;
	esac | sed -n '1p;$p' | tr 'A-Z' 'a-z'
}

# Load one list into the feed "wire", replacing the list before it.
load_list() {
	x load "$1" --feed wire --max-shrink 1 2> "$LAB_DIR/err"
	status=$?
	out=$(cat "$LAB_DIR/err")
	summary=$(grep -E ': [0-9]+ names \(' "$LAB_DIR/err")
}

test_real_list() {
	file=$1 fmt=$2

	load_list "$file"
	[ "$status" = 0 ] && has "$summary" " names \($fmt format;"
	check $? "load $(basename "$file"): $(grep -oE '[0-9]+ names \([a-z]+ format' <<< "$summary"))"
	for name in $(names_of "$file"); do
		ask "$LAB_RES4" "$name" A
		from_filter NXDOMAIN "$name"
		check $? "  $name is answered NXDOMAIN by the program"
	done
	ask "$LAB_RES6" "www.$name" AAAA
	from_filter NXDOMAIN "www.$name"
	check $? "  www.$name, below it, too (over IPv6)"
	ask "$LAB_RES4" open.test A
	from_unbound 198.18.0.100
	check $? "  an unlisted name reaches Unbound"
}

test_real_lists() {
	test_real_list "$FEEDS/domains/blocklistproject_phishing-nl.txt" domains
	test_real_list "$FEEDS/domains/blocklistproject_scam-nl.txt" domains
	test_real_list "$FEEDS/domains/dnsbunker_cti_domains.txt" domains
	test_real_list "$FEEDS/domains/perflyst_SmartTV.txt" domains
	test_real_list "$FEEDS/hosts/blocklistproject_scam.txt" hosts
	test_real_list "$FEEDS/hosts/stevenblack_hosts.txt" hosts
	test_real_list "$FEEDS/adblock/blocklistproject_scam-ags.txt" adblock
	test_real_list "$FEEDS/adblock/dnsbunker_cti_adblock.txt" adblock
	test_real_list "$FEEDS/adblock/perflyst_SmartTV-AGH.txt" adblock
	test_real_list "$FEEDS/rpz/dnsbunker_cti_rpz.txt" rpz
	test_real_list "$FEEDS/regulatory/cz-mfcr_blacklist.txt" domains
	test_real_list "$FEEDS/regulatory/cz-mfcr_v70.csv" csv
	test_real_list "$FEEDS/regulatory/it-consob_2024020200.txt" domains
	test_real_list "$FEEDS/regulatory/ru-refilter_domains_all.lst" domains
}

# perflyst_SmartTV-AGH.txt: "||myhomescreen.tv^" with exceptions below it,
# "|lgtvsdp.com^" (the name alone), "@@||hbbtv.zdf.de^" and a $ctag rule.
test_adblock_rules() {
	load_list "$FEEDS/adblock/perflyst_SmartTV-AGH.txt"
	has "$out" "9 allow rules among them" &&
		has "$out" "4 with other modifiers, 5 patterns"
	check $? "the AdBlock list: 9 exceptions, 4 modifier and 5 pattern rules skipped"
	ask "$LAB_RES4" www.myhomescreen.tv A
	from_filter NXDOMAIN www.myhomescreen.tv
	check $? "||myhomescreen.tv^ blocks its subtree"
	ask "$LAB_RES4" mhc-ajax-eu.myhomescreen.tv A
	from_unbound 198.18.0.102
	check $? "@@||mhc-ajax-eu.myhomescreen.tv^ inside it reaches Unbound"
	ask "$LAB_RES4" www.mhc-ajax-eu.myhomescreen.tv A
	from_unbound 198.18.0.103
	check $? "and so do the names below the exception"
	ask "$LAB_RES4" hbbtv.zdf.de A
	from_unbound 198.18.0.101
	check $? "@@||hbbtv.zdf.de^ reaches Unbound"
	ask "$LAB_RES4" lgtvsdp.com A
	from_filter NXDOMAIN lgtvsdp.com
	check $? "|lgtvsdp.com^ blocks the name"
	ask "$LAB_RES4" www.lgtvsdp.com A
	from_unbound 198.18.0.104
	check $? "and leaves the names below it to Unbound"
	ask "$LAB_RES4" de.ioam.de A
	from_unbound 198.18.0.105
	check $? "a rule with \$ctag is skipped, not applied to everyone"
}

# The actions the real zone has not got, in a zone with an origin.
write_zone() {
	cat > "$LAB_DIR/crafted.rpz" <<-'EOF'
		$TTL 300
		$ORIGIN rpz.lab.
		@ SOA ns.rpz.lab. admin.rpz.lab. 1 3600 600 86400 300
		  NS ns.rpz.lab.
		nodata.test CNAME *.
		drop.test CNAME rpz-drop.
		tc.test CNAME rpz-tcp-only.
		sink.test A 0.0.0.0
		sink.test AAAA ::
		*.pass.test CNAME .
		ok.pass.test CNAME rpz-passthru.
		*.wild.test CNAME .
		garden.test CNAME walled.example.
		local.test A 198.18.5.5
		txt.test TXT "local data of another type"
	EOF
}

test_rpz_actions() {
	write_zone
	load_list "$LAB_DIR/crafted.rpz"
	[ "$status" = 0 ] && has "$summary" "8 names \(rpz format" &&
		has "$out" "1 trigger with a CNAME to another name left to the resolver" &&
		has "$out" "1 trigger with local data of types other than A and AAAA left"
	check $? "a crafted zone: 8 rules, the walled garden and the TXT record reported"
	ask "$LAB_RES4" nodata.test A
	from_filter NOERROR nodata.test && has "$out" "ANSWER: 0"
	check $? "CNAME *.: nodata"
	ask "$LAB_RES4" drop.test A
	! has "$out" "status:"
	check $? "CNAME rpz-drop.: no answer"
	ask "$LAB_RES4" +ignore tc.test A
	has "$out" "Flags: qr tc" && has "$out" "ANSWER: 0"
	check $? "CNAME rpz-tcp-only.: TC set"
	ask "$LAB_RES6" sink.test AAAA
	from_filter NOERROR sink.test && has "$out" "IN[[:space:]]+AAAA[[:space:]]+::"
	check $? "AAAA ::: the zone's address"
	ask "$LAB_RES4" sink.test A
	from_filter NOERROR sink.test && has "$out" "IN[[:space:]]+A[[:space:]]+0\.0\.0\.0"
	check $? "A 0.0.0.0: the zone's address"
	ask "$LAB_RES4" local.test A
	from_filter NOERROR local.test &&
		has "$out" "^local\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A" &&
		has "$out" "IN[[:space:]]+A[[:space:]]+198\.18\.5\.5$"
	check $? "local data A 198.18.5.5 is answered with that address by the program"
	ask "$LAB_RES6" +edns local.test AAAA
	nodata_from_filter local.test && has "$out" "EDE: 15"
	check $? "and AAAA, which the trigger has no record of, with NODATA"
	ask "$LAB_RES4" local.test TXT
	from_filter NOERROR local.test && has "$out" "ANSWER: 0"
	check $? "and TXT with NODATA"
	ask "$LAB_RES4" ok.pass.test A
	from_unbound 198.18.0.106
	check $? "CNAME rpz-passthru. beats the wider wildcard block"
	ask "$LAB_RES4" other.pass.test A
	from_filter NXDOMAIN other.pass.test
	check $? "the wildcard blocks the other names below"
	ask "$LAB_RES4" a.b.wild.test A
	from_filter NXDOMAIN a.b.wild.test
	check $? "a wildcard covers every depth below"
	ask "$LAB_RES4" wild.test A
	from_unbound 198.18.0.107
	check $? "but not its apex"
	ask "$LAB_RES4" garden.test A
	from_unbound 198.18.0.108
	check $? "a CNAME to another name is left to the resolver"
	ask "$LAB_RES4" txt.test A
	from_unbound 198.18.0.109
	check $? "local data of another type is left to the resolver"
}

if lab_setup; then
	check 0 "lab set up: Unbound, xdpdns attached to $LAB_IF_RES"
	test_real_lists
	test_adblock_rules
	test_rpz_actions
	lab_res "$X" detach "$LAB_IF_RES" 2> /dev/null
	check $? "detach"
	lab_detach peer
else
	check 1 "lab set up"
fi

[ "$failures" -eq 0 ]
