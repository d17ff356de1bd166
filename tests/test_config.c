// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the daemon's config file (user/config.c): every key read
 * into its place, the defaults, relative paths, and bad configs refused
 * with the file, the line and the key named. No root needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "config.h"

struct fixture {
	char dir[64];
	char path[96];
	char why[512];
	struct xdpdns_conf conf;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/xdpdns-config-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/xdpdns.yaml", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xdpdns_conf_free(&f->conf);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write text as the config file and load it; the load's return. */
static int load(struct fixture *f, const char *text)
{
	FILE *out = fopen(f->path, "w");

	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
	xdpdns_conf_free(&f->conf);
	f->why[0] = 0;
	return xdpdns_conf_load(f->path, &f->conf, f->why, sizeof(f->why));
}

static void test_every_key(void **state)
{
	struct fixture *f = *state;
	const struct xdpdns_conf_feed *feed;

	assert_int_equal(load(f, "pin_dir: /sys/fs/bpf/x\n"
				 "state_dir: /var/lib/x\n"
				 "interfaces:\n"
				 "  - name: eth0\n"
				 "  - name: eth1\n"
				 "    mode: skb\n"
				 "feeds:\n"
				 "  - name: allowed\n"
				 "    source: /etc/xdpdns/allow.txt\n"
				 "    action: allow\n"
				 "    kind: exact\n"
				 "  - name: court\n"
				 "    source: https://lists.example/court.txt\n"
				 "    format: domains\n"
				 "    action: refused\n"
				 "    ede: 16\n"
				 "    refresh: 15m\n"
				 "    max_shrink: 0.1\n"
				 "allow_feeds: listed\n"), 0);
	assert_string_equal(f->conf.pin_dir, "/sys/fs/bpf/x");
	assert_string_equal(f->conf.state_dir, "/var/lib/x");
	assert_true(f->conf.allow_listed);
	assert_int_equal(f->conf.nifaces, 2);
	assert_string_equal(f->conf.ifaces[0].name, "eth0");
	assert_int_equal(f->conf.ifaces[0].mode, XDP_MODE_NATIVE);
	assert_int_equal(f->conf.ifaces[1].mode, XDP_MODE_SKB);
	assert_int_equal(f->conf.nfeeds, 2);

	feed = &f->conf.feeds[0];
	assert_string_equal(feed->name, "allowed");
	assert_false(feed->is_url);
	assert_int_equal(feed->action, XDPDNS_ACT_ALLOW);
	assert_int_equal(feed->kind, XDPDNS_KIND_EXACT);
	assert_int_equal(feed->line, 8);

	feed = xdpdns_conf_feed(&f->conf, "court");
	assert_ptr_equal(feed, &f->conf.feeds[1]);
	assert_true(feed->is_url);
	assert_string_equal(feed->source, "https://lists.example/court.txt");
	assert_int_equal(feed->format, XDPDNS_FMT_DOMAINS);
	assert_int_equal(feed->action, XDPDNS_ACT_REFUSED);
	assert_int_equal(feed->ede, 16);
	assert_true(feed->refresh_s == 900);
	assert_true(feed->max_shrink == 0.1);
	assert_null(xdpdns_conf_feed(&f->conf, "nope"));
}

static void test_defaults_and_relative_paths(void **state)
{
	struct fixture *f = *state;
	const struct xdpdns_conf_feed *feed;
	char want[160];

	assert_int_equal(load(f, "feeds:\n"
				 "  - {name: ads, source: lists/ads.txt}\n"
				 "  - {name: remote, source: 'HTTP://h.example/l', "
				 "refresh: 500ms}\n"), 0);
	assert_null(f->conf.pin_dir);
	assert_null(f->conf.state_dir);
	assert_false(f->conf.allow_listed);
	assert_int_equal(f->conf.nifaces, 0);

	feed = &f->conf.feeds[0];
	snprintf(want, sizeof(want), "%s/lists/ads.txt", f->dir);
	assert_string_equal(feed->source, want);
	assert_int_equal(feed->format, XDPDNS_FMT_AUTO);
	assert_int_equal(feed->action, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(feed->ede, 0);
	assert_int_equal(feed->kind, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW);
	assert_true(feed->max_shrink == 0.5);
	assert_true(feed->refresh_s == XDPDNS_REFRESH_DEFAULT_S);

	assert_true(f->conf.feeds[1].is_url);
	assert_true(f->conf.feeds[1].refresh_s == 0.5);
}

static void test_refresh_units(void **state)
{
	static const struct { const char *text; double seconds; } cases[] = {
		{ "90", 90 }, { "90s", 90 }, { "1.5", 1.5 }, { "250ms", 0.25 },
		{ "2m", 120 }, { "1h", 3600 }, { "1d", 86400 },
	};
	struct fixture *f = *state;
	char text[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "feeds:\n  - name: u\n    source: http://h/x\n"
			 "    refresh: %s\n", cases[i].text);
		assert_int_equal(load(f, text), 0);
		assert_true(f->conf.feeds[0].refresh_s == cases[i].seconds);
	}
}

/* A bad config: what it holds, and the "LINE: KEY: reason" its error must hold. */
struct bad_case {
	const char *what;
	const char *yaml;
	const char *error;
};

static const struct bad_case bad_cases[] = {
	{ "an unknown top-level key names it and the known keys",
	  "interfaces: []\nfeed: []\n",
	  ":2: feed: unknown key (the keys here: pin_dir, state_dir, allow_feeds, "
	  "interfaces, feeds, metrics, events)" },
	{ "an unknown feed key is named with its feed's place",
	  "feeds:\n  - name: a\n    source: /x\n    acton: drop\n",
	  ":4: feeds[0].acton: unknown key" },
	{ "an unknown action lists the actions",
	  "feeds:\n  - name: a\n    source: /x\n  - name: b\n    source: /y\n    action: block\n",
	  ":6: feeds[1].action: unknown action 'block': one of allow, drop, nxdomain" },
	{ "an unknown format lists the parsers' formats",
	  "feeds:\n  - name: a\n    source: /x\n    format: bind\n",
	  ":4: feeds[0].format: unknown format 'bind': one of auto, domains, hosts" },
	{ "an EDE code outside 15 to 18",
	  "feeds:\n  - name: a\n    source: /x\n    ede: 3\n",
	  ":4: feeds[0].ede: bad EDE code '3'" },
	{ "an unknown kind",
	  "feeds:\n  - name: a\n    source: /x\n    kind: below\n",
	  ":4: feeds[0].kind: unknown kind 'below'" },
	{ "a feed without a source",
	  "feeds:\n  - name: a\n",
	  ":2: feeds[0].source: missing" },
	{ "a bad feed name",
	  "feeds:\n  - name: Hand Rules\n    source: /x\n",
	  ":2: feeds[0].name: bad feed name 'Hand Rules'" },
	{ "the reserved feed name hand",
	  "feeds:\n  - name: hand\n    source: /x\n",
	  ":2: feeds[0].name: bad feed name 'hand'" },
	{ "two feeds of one name",
	  "feeds:\n  - name: a\n    source: /x\n  - name: a\n    source: /y\n",
	  ":4: feeds[1]: feed name 'a' is also used at line 2" },
	{ "a key given twice",
	  "feeds:\n  - name: a\n    source: /x\n    source: /y\n",
	  ":4: feeds[0].source: given twice" },
	{ "a refresh interval for a file",
	  "feeds:\n  - name: a\n    source: /x\n    refresh: 1m\n",
	  ":2: feeds[0]: refresh is for a URL" },
	{ "a refresh interval under 100 ms",
	  "feeds:\n  - name: a\n    source: http://h/x\n    refresh: 10ms\n",
	  ":4: feeds[0].refresh: bad interval '10ms'" },
	{ "a refresh interval with an unknown unit",
	  "feeds:\n  - name: a\n    source: http://h/x\n    refresh: 1w\n",
	  ":4: feeds[0].refresh: bad interval '1w'" },
	{ "an unknown place for allow feeds",
	  "allow_feeds: last\n",
	  ":1: allow_feeds: 'last': first (allow feeds before the others) or listed" },
	{ "a max_shrink over 1",
	  "feeds:\n  - name: a\n    source: /x\n    max_shrink: 1.5\n",
	  ":4: feeds[0].max_shrink: bad share '1.5'" },
	{ "a URL scheme other than http and https",
	  "feeds:\n  - name: a\n    source: ftp://h/x\n",
	  ":3: feeds[0].source: unsupported source 'ftp://h/x'" },
	{ "an unknown interface mode",
	  "interfaces:\n  - name: eth0\n    mode: turbo\n",
	  ":3: interfaces[0].mode: unknown mode 'turbo': native or skb" },
	{ "an interface name too long",
	  "interfaces:\n  - name: abcdefghijklmnopq\n",
	  ":2: interfaces[0].name: bad interface name" },
	{ "an interface given twice",
	  "interfaces:\n  - name: eth0\n  - name: eth0\n",
	  ":3: interfaces[1]: interface 'eth0' is also at line 2" },
	{ "an interface as a plain name instead of a mapping",
	  "interfaces:\n  - eth0\n",
	  ":2: interfaces[0]: expected a mapping of the keys name, mode" },
	{ "a mapping where a list belongs",
	  "feeds:\n  name: a\n",
	  ":2: feeds: expected a list" },
	{ "metrics neither off nor a mapping",
	  "metrics: on\n",
	  ":1: metrics: 'on': off, or a mapping with listen: ADDR:PORT" },
	{ "a metrics address by host name",
	  "metrics:\n  listen: localhost:9853\n",
	  ":2: metrics.listen: bad address 'localhost:9853': a numeric address and a port" },
	{ "a metrics address without a port",
	  "metrics:\n  listen: 127.0.0.1\n",
	  ":2: metrics.listen: bad address '127.0.0.1'" },
	{ "a metrics port out of range",
	  "metrics:\n  listen: 127.0.0.1:65536\n",
	  ":2: metrics.listen: bad address '127.0.0.1:65536'" },
	{ "an IPv6 metrics address without brackets",
	  "metrics:\n  listen: ::1:9853\n",
	  ":2: metrics.listen: bad address '::1:9853'" },
	{ "a metrics mapping without listen",
	  "metrics: {}\n",
	  ":1: metrics.listen: missing" },
	{ "an unknown metrics key",
	  "metrics:\n  listen: 127.0.0.1:9853\n  path: /m\n",
	  ":3: metrics.path: unknown key (the keys here: listen)" },
	{ "events with no place for the lines",
	  "events:\n  rate: 10\n",
	  ":2: events: no place for the events: give file: PATH" },
	{ "an events rate over the maximum",
	  "events:\n  file: \"-\"\n  rate: 1000001\n",
	  ":3: events.rate: bad rate '1000001': events per second per CPU, 0 (none) to 1000000" },
	{ "a negative events rate",
	  "events: {file: \"-\", rate: -1}\n",
	  ":1: events.rate: bad rate '-1'" },
	{ "an events syslog neither true nor false",
	  "events:\n  syslog: yes\n",
	  ":2: events.syslog: 'yes': true or false" },
	{ "an unknown events key",
	  "events:\n  file: \"-\"\n  format: text\n",
	  ":3: events.format: unknown key (the keys here: file, syslog, rate)" },
	{ "a list where one value belongs",
	  "pin_dir: [a, b]\n",
	  ":1: pin_dir: expected one value" },
	{ "an empty value",
	  "state_dir:\n",
	  ":1: state_dir: empty value" },
	{ "a top level that is not a mapping",
	  "- a\n- b\n",
	  ":1: expected a mapping of the keys pin_dir" },
	{ "an empty file",
	  "",
	  ":1: empty config" },
	{ "a YAML syntax error names its line",
	  "feeds:\n  - name: a\n    source: \"/x\n",
	  ": not valid YAML: " },
	{ "a tab indent is a YAML error",
	  "feeds:\n\t- name: a\n",
	  ":2: not valid YAML: " },
};

static void test_bad_configs(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int err = load(f, c->yaml);

		if (err != -EINVAL || strncmp(f->why, f->path, strlen(f->path)) ||
		    !strstr(f->why, c->error))
			fail_msg("%s: got %d '%s', expected '%s'", c->what, err, f->why, c->error);
		assert_int_equal(f->conf.nfeeds, 0);
		assert_null(f->conf.feeds);
	}
}

/* The port and address of a parsed listen address, as text. */
static void listen_text(const struct xdpdns_conf_metrics *m, char *buf, size_t size)
{
	const struct sockaddr_in6 *in6 = (const void *)&m->addr;
	const struct sockaddr_in *in = (const void *)&m->addr;
	char addr[INET6_ADDRSTRLEN];

	if (m->addr.ss_family == AF_INET6) {
		assert_int_equal(m->addr_len, sizeof(*in6));
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, size, "[%s]:%u", addr, ntohs(in6->sin6_port));
	} else {
		assert_int_equal(m->addr.ss_family, AF_INET);
		assert_int_equal(m->addr_len, sizeof(*in));
		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		snprintf(buf, size, "%s:%u", addr, ntohs(in->sin_port));
	}
}

static void test_metrics_listen(void **state)
{
	struct fixture *f = *state;
	char text[64];

	assert_int_equal(load(f, "feeds: []\n"), 0);
	assert_false(f->conf.metrics.off);
	assert_string_equal(f->conf.metrics.listen, "127.0.0.1:9853");
	listen_text(&f->conf.metrics, text, sizeof(text));
	assert_string_equal(text, "127.0.0.1:9853");

	assert_int_equal(load(f, "metrics:\n  listen: 198.18.0.1:80\n"), 0);
	listen_text(&f->conf.metrics, text, sizeof(text));
	assert_string_equal(text, "198.18.0.1:80");

	assert_int_equal(load(f, "metrics: {listen: '[::1]:9100'}\n"), 0);
	assert_string_equal(f->conf.metrics.listen, "[::1]:9100");
	listen_text(&f->conf.metrics, text, sizeof(text));
	assert_string_equal(text, "[::1]:9100");

	assert_int_equal(load(f, "metrics: off\n"), 0);
	assert_true(f->conf.metrics.off);
}

static void test_events(void **state)
{
	struct fixture *f = *state;
	char want[128];

	assert_int_equal(load(f, "feeds: []\n"), 0);
	assert_false(f->conf.events.on);

	assert_int_equal(load(f, "events:\n  file: blocked.log\n"), 0);
	assert_true(f->conf.events.on);
	snprintf(want, sizeof(want), "%s/blocked.log", f->dir);
	assert_string_equal(f->conf.events.file, want);
	assert_false(f->conf.events.syslog);
	assert_int_equal(f->conf.events.rate, XDPDNS_EVENT_RATE_DEFAULT);
	assert_int_equal(f->conf.events.line, 2);

	assert_int_equal(load(f, "events: {file: '-', syslog: true, rate: 0}\n"), 0);
	assert_string_equal(f->conf.events.file, "-");
	assert_true(f->conf.events.syslog);
	assert_int_equal(f->conf.events.rate, 0);

	assert_int_equal(load(f, "events: {syslog: true, rate: 1000000}\n"), 0);
	assert_null(f->conf.events.file);
	assert_int_equal(f->conf.events.rate, XDPDNS_EVENT_RATE_MAX);

	assert_int_equal(load(f, "events: {file: /var/log/xdpdns/events.log}\n"), 0);
	assert_string_equal(f->conf.events.file, "/var/log/xdpdns/events.log");
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	char why[256];

	assert_int_equal(xdpdns_conf_load("/nonexistent/xdpdns.yaml", &f->conf, why,
					  sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "cannot read '/nonexistent/xdpdns.yaml'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_and_relative_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_configs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_listen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
