#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The metrics end to end: `xdpdns run` on the resolver host of the lab,
# serving /metrics on the host's loopback, and a real Prometheus server
# beside it scraping every second. kdig on the client host asks known
# questions (five blocked names, three unlisted ones); the counters read
# back through Prometheus's query API must have moved by exactly as much.
# Every scrape and `xdpdns stats --prometheus` must pass promtool's lint.
# Changes are polled for up to their bound, never waited for blindly.
# Prints "ok" or "not ok" per check; exit 77 when root or a tool is missing.
# With METRICS_SAMPLE=FILE, the last scrape is kept there (docs/metrics.md).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
X=$PWD/$OUT/xdpdns

[ "$(id -u)" -eq 0 ] || { echo "test-metrics: needs root"; exit 77; }
for tool in ip unbound kdig curl python3 prometheus promtool; do
	command -v "$tool" > /dev/null || { echo "test-metrics: no $tool"; exit 77; }
done

. tests/lab.sh
. tests/checks.sh
. tests/daemon.sh

METRICS=127.0.0.1:9853
METRICS_MOVED=127.0.0.1:9854
PROM=127.0.0.1:9090
PROM_PID=
BLOCKED="b1 b2 b3 b4 b5"
OPEN="o1 o2 o3"

trap lab_down EXIT

# An HTTP GET on the resolver host, bounded; the body on stdout.
get() { lab_res curl -sS --max-time 2 "$@"; }

# The value of a PromQL expression of one result, as an integer; "none"
# when it has no result (not scraped yet).
prom_query() {
	get -G "http://$PROM/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(int(float(r[0]["value"][1])) if r else "none")'
}

# prom_is EXPR VALUE: Prometheus has VALUE for EXPR; sets $out to what it has.
prom_is() {
	out="$1 = $(prom_query "$1")"
	[ "${out##* = }" = "$2" ]
}

# The queries of every verdict, as the daemon's endpoint says now.
queries_now() {
	get "http://$METRICS/metrics" | awk '/^xdpdns_queries_total\{/ { n += $2 } END { print n + 0 }'
}

# The scrape Prometheus last took of the daemon counts as many queries as
# the daemon does now.
prom_caught_up() {
	[ "$(prom_query 'sum(xdpdns_queries_total)')" = "$(queries_now)" ]
}

# write_config ADDR:PORT, or write_config off.
write_config() {
	{
		echo "pin_dir: $XDPDNS_PIN_DIR"
		echo "state_dir: $XDPDNS_STATE_DIR"
		echo "interfaces:"
		echo "  - name: $LAB_IF_RES"
		echo "feeds:"
		echo "  - name: blocked"
		echo "    source: $LAB_DIR/blocked.txt"
		echo "  - name: missing"
		echo "    source: $LAB_DIR/missing.txt"
		if [ "$1" = off ]; then
			echo "metrics: off"
		else
			printf 'metrics:\n  listen: %s\n' "$1"
		fi
	} > "$LAB_DIR/xdpdns.yaml"
}

start_prometheus() {
	cat > "$LAB_DIR/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  scrape_timeout: 1s
		scrape_configs:
		  - job_name: xdpdns
		    static_configs:
		      - targets: ['$METRICS']
	EOF
	# Not through lab_res: "$!" must be Prometheus's own PID.
	ip netns exec "$LAB_NS_RES" prometheus --config.file="$LAB_DIR/prometheus.yml" \
		--storage.tsdb.path="$LAB_DIR/tsdb" --web.listen-address="$PROM" \
		> "$LAB_DIR/prometheus.log" 2>&1 &
	PROM_PID=$!
	LAB_PIDS="$LAB_PIDS $PROM_PID"
	until_true 30 get -f "http://$PROM/-/ready" > /dev/null 2>&1
}

lab_setup() {
	lab_up || return 1
	data=()
	for n in $BLOCKED $OPEN; do
		data+=("$n.test. A 198.18.0.101")
	done
	lab_unbound "${data[@]}" || return 1
	lab_xdpdns_env || return 1
	# Five names and one bad line.
	printf '%s.test\n' $BLOCKED > "$LAB_DIR/blocked.txt"
	echo 'bad..test' >> "$LAB_DIR/blocked.txt"
	write_config "$METRICS"
	# Without a program on the client end, native XDP_TX frames are lost.
	lab_attach peer "$LAB_NS_CLI" "$LAB_IF_CLI" native --pass
}

test_endpoint() {
	started=$(date +%s)
	start_daemon
	until_true 10 log_has "generation [0-9]+ live"
	check $? "the daemon starts and makes a generation live"
	log_has "metrics served at http://$METRICS/metrics"
	check $? "it says where the metrics are served"

	out=$(get -i "http://$METRICS/metrics" 2>&1)
	has "$out" '^HTTP/1.1 200' && has "$out" $'^Content-Type: text/plain; version=0\\.0\\.4\r$'
	check $? "GET /metrics: 200, Content-Type text/plain; version=0.0.4"
	get "http://$METRICS/metrics" > "$LAB_DIR/scrape.txt"
	out=$(promtool check metrics < "$LAB_DIR/scrape.txt" 2>&1)
	check $? "the daemon's scrape passes promtool check metrics"
	out=$(get -o /dev/null -w '%{http_code}' "http://$METRICS/other")
	[ "$out" = 404 ]
	check $? "another path: 404 ($out)"
	out=$(get -o /dev/null -w '%{http_code}' -X POST "http://$METRICS/metrics")
	[ "$out" = 405 ]
	check $? "POST: 405 ($out)"

	out=$(lab_res "$X" stats --prometheus 2>&1)
	check $? "xdpdns stats --prometheus on the lab"
	out=$(promtool check metrics <<< "$out" 2>&1)
	check $? "its output passes promtool check metrics"
	out=$(lab_res "$X" stats --prometheus --json 2>&1)
	[ $? = 2 ] && has "$out" "--json and --prometheus"
	check $? "stats --prometheus --json: exit 2, naming both"
}

test_scraped() {
	start_prometheus
	check $? "Prometheus starts on $PROM in the resolver host"
	until_true 20 prom_is 'up{job="xdpdns"}' 1
	check $? "Prometheus scrapes the daemon (up = 1)"
	prom_is 'xdpdns_datapath_up' 1 && prom_is 'xdpdns_feed_rules{feed="blocked"}' 5 &&
		prom_is 'xdpdns_feed_rules{feed="hand"}' 0
	check $? "rules per feed: 5 stored for blocked, none by hand ($out)"
	prom_is "xdpdns_interface_attached{interface=\"$LAB_IF_RES\",mode=\"native\"}" 1
	check $? "the attached interface and its mode ($out)"
	prom_is 'xdpdns_feed_versions_total{feed="blocked"}' 1 &&
		prom_is 'xdpdns_feed_bad_lines_total{feed="blocked"}' 1 &&
		prom_is 'xdpdns_feed_fetch_errors_total{feed="missing"}' 1 &&
		prom_is 'xdpdns_feed_fetch_errors_total{feed="blocked"}' 0 &&
		prom_is 'xdpdns_feed_refused_versions_total{feed="blocked"}' 0
	check $? "feed health: one version taken, one bad line, the missing file's fetch error ($out)"
	gen=$(prom_query xdpdns_generation)
	swapped=$(prom_query xdpdns_last_swap_time_seconds)
	[ "$gen" != none ] && [ "$gen" -ge 1 ] && [ "$swapped" != none ] &&
		[ "$swapped" -ge "$started" ] && [ "$swapped" -le "$(date +%s)" ]
	check $? "generation $gen, swapped in at $swapped (the test started at $started)"
}

# verdict_moved VERDICT N: xdpdns_queries_total of VERDICT grew by N.
verdict_moved() {
	now=$(prom_query "xdpdns_queries_total{verdict=\"$1\"}")
	was=$(grep "^$1 " "$LAB_DIR/before" | cut -d' ' -f2)
	[ "$((now - was))" = "$2" ] || { echo "# $1 moved $((now - was)), expected $2"; return 1; }
}

test_known_traffic() {
	until_true 10 prom_caught_up
	for v in passed allowed logged dropped nxdomain nodata refused sinkhole tc no_room; do
		echo "$v $(prom_query "xdpdns_queries_total{verdict=\"$v\"}")"
	done > "$LAB_DIR/before"
	hits=$(prom_query 'xdpdns_feed_hits_total{feed="blocked"}')
	looked=$(prom_query 'xdpdns_frame_outcomes_total{outcome="query"}')

	sent=0
	for n in $BLOCKED; do
		ask "$LAB_RES4" "$n.test" A && from_filter NXDOMAIN "$n.test" && sent=$((sent + 1))
	done
	for n in $OPEN; do
		ask "$LAB_RES4" "$n.test" A && from_unbound 198.18.0.101 && sent=$((sent + 1))
	done
	[ "$sent" = 8 ]
	check $? "kdig: 5 blocked names answered NXDOMAIN by the program, 3 unlisted by Unbound"

	until_true 10 prom_caught_up
	check $? "Prometheus scrapes the new counts"
	bad=0
	for v in passed allowed logged dropped nxdomain nodata refused sinkhole tc no_room; do
		case $v in
		nxdomain) want=5 ;;
		passed) want=3 ;;
		*) want=0 ;;
		esac
		verdict_moved "$v" "$want" || bad=1
	done
	[ "$bad" = 0 ]
	check $? "through Prometheus: nxdomain +5, passed +3, every other verdict +0"
	prom_is 'xdpdns_feed_hits_total{feed="blocked"}' $((hits + 5))
	check $? "hits of the feed: +5 ($out, before $hits)"
	prom_is 'xdpdns_frame_outcomes_total{outcome="query"}' $((looked + 8))
	check $? "frames that were queries: +8 ($out, before $looked)"
	get "http://$METRICS/metrics" > "$LAB_DIR/scrape.txt"
	[ -z "${METRICS_SAMPLE:-}" ] || cp "$LAB_DIR/scrape.txt" "$METRICS_SAMPLE"
}

# Every query of the Grafana dashboard: its metrics are in the scrape, and
# Prometheus evaluates it. Prints what fails.
dashboard_queries_work() {
	if ! python3 - contrib/grafana/xdpdns.json "$LAB_DIR/scrape.txt" > "$LAB_DIR/exprs" <<-'EOF'
		import json, re, sys
		dash = json.load(open(sys.argv[1]))
		assert any(i["name"] == "DS_PROMETHEUS" for i in dash["__inputs"])
		families = set(re.findall(r"^# TYPE (\S+)", open(sys.argv[2]).read(), re.M))
		for panel in dash["panels"]:
		    assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
		    for t in panel["targets"]:
		        for name in re.findall(r"xdpdns_[a-z_]+", t["expr"]):
		            if name not in families:
		                print("# %s: no metric %s" % (panel["title"], name))
		        print(t["expr"].replace("$__rate_interval", "10s").replace("$instance", ".*"))
	EOF
	then
		return 1
	fi
	[ -s "$LAB_DIR/exprs" ] || return 1
	while read -r expr; do
		case $expr in
		"# "*) echo "$expr"; return 1 ;;
		esac
		status=$(get -G "http://$PROM/api/v1/query" --data-urlencode "query=$expr" |
			python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
		[ "$status" = success ] || { echo "# $expr: $status"; return 1; }
	done < "$LAB_DIR/exprs"
}

test_dashboard() {
	out=$(python3 -m json.tool contrib/grafana/xdpdns.json 2>&1 > /dev/null)
	check $? "the Grafana dashboard is valid JSON"
	out=$(dashboard_queries_work 2>&1)
	check $? "its panels use the scraped metrics and Prometheus evaluates every query"
}

test_reload_moves_endpoint() {
	write_config "$METRICS_MOVED"
	kill -HUP "$DAEMON_PID"
	until_true 5 get -f -o /dev/null "http://$METRICS_MOVED/metrics" 2> /dev/null
	check $? "SIGHUP with another metrics address: served there"
	! get -o /dev/null "http://$METRICS/metrics" 2> /dev/null
	check $? "and no longer at the old one"

	write_config off
	kill -HUP "$DAEMON_PID"
	until_true 5 log_has "^metrics: off$"
	! get -o /dev/null "http://$METRICS_MOVED/metrics" 2> /dev/null && kill -0 "$DAEMON_PID"
	check $? "SIGHUP with metrics: off: the endpoint closed, the daemon running on"
}

test_stop() {
	kill "$PROM_PID" && wait "$PROM_PID"
	check $? "Prometheus stops"
	forget_pid "$PROM_PID"
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	check $? "SIGTERM: the daemon exits 0"
	forget_pid "$DAEMON_PID"
	lab_res "$X" detach "$LAB_IF_RES" > /dev/null 2>&1
	check $? "detach"
}

if lab_setup; then
	check 0 "lab set up: Unbound, a pass program on the client end"
	test_endpoint
	test_scraped
	test_known_traffic
	test_dashboard
	test_reload_moves_endpoint
	test_stop
	lab_detach peer
else
	check 1 "lab set up"
fi
if [ $failures -ne 0 ]; then
	sed 's/^/# daemon: /' "$LAB_DIR/daemon.log" | tail -n 30
	sed 's/^/# prometheus: /' "$LAB_DIR/prometheus.log" 2> /dev/null | tail -n 10
fi

[ "$failures" -eq 0 ]
