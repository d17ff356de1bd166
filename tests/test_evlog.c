// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the block log's lines (user/evlog.c): the exact JSON line of
 * an event, IPv4 and IPv6, qtype mnemonics and TYPEnnn, unknown feeds and
 * actions; and a name of control characters, quotes, backslashes, dots
 * inside labels and bytes from 0x7f up, which must come out as one line of
 * printable ASCII, its name the presentation form as a JSON string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "evlog.h"

/* 2026-12-04T09:30:00.123456Z on a monotonic clock that started at 0. */
#define WALL_NS		1796376600123456000LL

static struct xdpdns_event event(const void *wire, size_t len)
{
	struct xdpdns_event e = { .time_ns = 0, .client = { 198, 18, 0, 2 }, .qtype = 1,
				  .feed = 0, .action = XDPDNS_ACT_NXDOMAIN,
				  .family = XDPDNS_EVENT_IPV4, .name_len = len };

	memcpy(e.name, wire, len);
	return e;
}

static const char *format(const struct xdpdns_event *e, const char *feed)
{
	static char line[XDPDNS_EVENT_LINE_MAX];
	int len = xdpdns_event_format(e, WALL_NS, feed, line, sizeof(line));

	assert_true(len > 0);
	assert_int_equal(len, strlen(line));
	return line;
}

static void test_line(void **state)
{
	struct xdpdns_event e = event("\3www\3ads\4test", 14);

	assert_string_equal(format(&e, "hand"),
			    "{\"time\":\"2026-12-04T09:30:00.123456Z\",\"client\":\"198.18.0.2\","
			    "\"name\":\"www.ads.test\",\"qtype\":\"A\",\"action\":\"nxdomain\","
			    "\"feed\":\"hand\"}\n");
}

static void test_ipv6_types_and_numbers(void **state)
{
	struct xdpdns_event e = event("\2Ab\4TEST", 9);

	e.family = XDPDNS_EVENT_IPV6;
	memcpy(e.client, (const __u8[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 }, 16);
	e.time_ns = 1500000;		/* 1.5 ms later, in microseconds */
	e.qtype = 28;
	e.action = XDPDNS_ACT_LOG;
	e.feed = 7;
	assert_string_equal(format(&e, NULL),
			    "{\"time\":\"2026-12-04T09:30:00.124956Z\",\"client\":\"2001:db8::53\","
			    "\"name\":\"Ab.TEST\",\"qtype\":\"AAAA\",\"action\":\"log\","
			    "\"feed\":\"#7\"}\n");

	e.qtype = 65280;
	e.action = 200;
	assert_non_null(strstr(format(&e, "court-orders"),
			       "\"qtype\":\"TYPE65280\",\"action\":\"#200\","
			       "\"feed\":\"court-orders\"}"));
	e.qtype = 65;
	assert_non_null(strstr(format(&e, "x"), "\"qtype\":\"HTTPS\""));
}

static void test_qtype_names(void **state)
{
	static const struct {
		__u16 type;
		const char *name;
	} want[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 64, "SVCB" },
		{ 65, "HTTPS" }, { 255, "ANY" }, { 257, "CAA" }, { 0, "TYPE0" },
		{ 3, "TYPE3" }, { 65535, "TYPE65535" },
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		xdpdns_qtype_name(want[i].type, buf, sizeof(buf));
		assert_string_equal(buf, want[i].name);
	}
}

/* Every byte of a label that a terminal or a log reader could misread. */
static const __u8 nasty[] = {
	16, 'a', '"', '\\', '.', 0x01, 0x1b, '\n', '\r', 0x7f, 0x80, 0xff, ' ', '}', '\t', 0, 'z',
	3, 'a', 'd', 's', 0,
};

static void test_nasty_name(void **state)
{
	struct xdpdns_event e = event(nasty, sizeof(nasty));
	const char *line = format(&e, "hand");
	char name[XDPDNS_NAME_MAX * 4 + 1];

	/* The presentation form, and that form as JSON: its backslashes doubled. */
	assert_int_equal(xdpdns_event_name(nasty, sizeof(nasty), name, sizeof(name)) > 0, 1);
	assert_string_equal(name, "a\\\"\\\\\\.\\001\\027\\010\\013\\127\\128\\255\\032}"
				  "\\009\\000z.ads");
	assert_non_null(strstr(line, "\"name\":\"a\\\\\\\"\\\\\\\\\\\\.\\\\001\\\\027\\\\010"
				     "\\\\013\\\\127\\\\128\\\\255\\\\032}\\\\009\\\\000z.ads\","));

	/* One line, and nothing but printable ASCII before its newline. */
	for (const char *c = line; *c; c++)
		if (c[1])
			assert_true(*c >= 0x20 && *c <= 0x7e);
		else
			assert_int_equal(*c, '\n');
}

static void test_name_forms(void **state)
{
	struct xdpdns_event e = event("\5ab", 4);
	char out[16];

	assert_int_equal(xdpdns_event_name((const __u8 *)"", 1, out, sizeof(out)), 1);
	assert_string_equal(out, ".");
	assert_int_equal(xdpdns_event_name((const __u8 *)"\1a", 3, out, sizeof(out)), 1);
	assert_string_equal(out, "a");

	/* Malformed or too long for out: refused, and the line says "?". */
	assert_int_equal(xdpdns_event_name((const __u8 *)"\5ab", 4, out, sizeof(out)), -1);
	assert_int_equal(xdpdns_event_name((const __u8 *)"\1a\1b", 4, out, sizeof(out)), -1);
	assert_int_equal(xdpdns_event_name((const __u8 *)"\100a", 3, out, sizeof(out)), -1);
	assert_int_equal(xdpdns_event_name((const __u8 *)"\4\1\1\1\1", 6, out, 16), -1);
	assert_non_null(strstr(format(&e, "hand"), "\"name\":\"?\""));
}

/* A feed name is JSON-escaped too, though the store allows none that needs it. */
static void test_feed_escaped(void **state)
{
	struct xdpdns_event e = event("\1a", 3);

	assert_non_null(strstr(format(&e, "q\"b\\\x01"), "\"feed\":\"q\\\"b\\\\\\u0001\"}"));
}

static void test_buffer_too_small(void **state)
{
	struct xdpdns_event e = event(nasty, sizeof(nasty));
	char line[64];

	assert_int_equal(xdpdns_event_format(&e, WALL_NS, "hand", line, sizeof(line)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_ipv6_types_and_numbers),
		cmocka_unit_test(test_qtype_names),
		cmocka_unit_test(test_nasty_name),
		cmocka_unit_test(test_name_forms),
		cmocka_unit_test(test_feed_escaped),
		cmocka_unit_test(test_buffer_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
