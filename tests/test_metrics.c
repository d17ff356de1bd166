// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the metrics' text format (user/metrics.c): every datapath
 * counter rendered exactly once in its family, a HELP and a TYPE line for
 * every family, label values escaped, the daemon's families only in the
 * daemon, and the feeds in the order they are asked. No root needed: the
 * snapshot is filled by hand, as xdpdns_metrics_read would fill it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"
#include "names.h"

#define LINES_MAX	256

/* A snapshot with two feeds and their health, one interface, every counter distinct. */
struct fixture {
	struct xdpdns_metrics m;
	struct xdpdns_metrics_feed feeds[2];
	struct xdpdns_metrics_iface iface;
	struct xdpdns_feed_health health[2];
	struct xdpdns_metrics_health feed_health[2];
	char *text;
	char *line[LINES_MAX];
	int nlines;
};

/* A value no other sample has: 1000003, 1001003, ... */
static __u64 counter_value(__u32 k)
{
	return 1000003 + 1000 * k;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++)
		f->m.counter[k] = counter_value(k);
	f->feeds[0] = (struct xdpdns_metrics_feed){ "hand", 0, 2, 7 };
	f->feeds[1] = (struct xdpdns_metrics_feed){ "court-orders", 1, 112292, 9 };
	f->iface = (struct xdpdns_metrics_iface){ "eth0", "native" };
	f->health[1] = (struct xdpdns_feed_health){ .fetch_errors = 11, .parse_errors = 12,
		.refused = 13, .bad_lines = 14, .versions = 15, .not_modified = 16,
		.last_taken = 1796370000 };
	f->feed_health[0] = (struct xdpdns_metrics_health){ "missing", &f->health[0] };
	f->feed_health[1] = (struct xdpdns_metrics_health){ "court-orders", &f->health[1] };
	f->m.datapath = true;
	f->m.generation = 42;
	f->m.rules = 112294;
	f->m.swap_time = 1796370001;
	f->m.feeds = f->feeds;
	f->m.nfeeds = 2;
	f->m.ifaces = &f->iface;
	f->m.nifaces = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->text);
	free(f);
	return 0;
}

/* The snapshot as the daemon takes it: with each configured feed's health. */
static void as_daemon(struct fixture *f)
{
	f->m.daemon = true;
	f->m.health = f->feed_health;
	f->m.nhealth = 2;
}

/* Render f->m and split the text into f->line[]. */
static void render(struct fixture *f)
{
	size_t len = 0;
	FILE *out;

	free(f->text);
	f->text = NULL;
	out = open_memstream(&f->text, &len);
	assert_non_null(out);
	assert_int_equal(xdpdns_metrics_render(&f->m, out), 0);
	assert_int_equal(fclose(out), 0);
	assert_true(len > 0 && f->text[len - 1] == '\n');

	f->nlines = 0;
	for (char *save, *l = strtok_r(f->text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		assert_true(f->nlines < LINES_MAX);
		f->line[f->nlines++] = l;
	}
}

/* How many lines are exactly text. */
static int count_lines(const struct fixture *f, const char *text)
{
	int n = 0;

	for (int i = 0; i < f->nlines; i++)
		n += !strcmp(f->line[i], text);
	return n;
}

/* How many lines start with prefix. */
static int count_prefix(const struct fixture *f, const char *prefix)
{
	int n = 0;

	for (int i = 0; i < f->nlines; i++)
		n += !strncmp(f->line[i], prefix, strlen(prefix));
	return n;
}

/* The sample line a counter must have: its family, its label, its value. */
static void expected_sample(__u32 k, char *buf, size_t size)
{
	unsigned long long v = counter_value(k);

	if (k == XDPDNS_CNT_PACKETS)
		snprintf(buf, size, "xdpdns_frames_total %llu", v);
	else if (k == XDPDNS_CNT_QUERIES)
		snprintf(buf, size, "xdpdns_frame_outcomes_total{outcome=\"query\"} %llu", v);
	else if (k <= XDPDNS_CNT_NO_ROOM)
		snprintf(buf, size, "xdpdns_queries_total{verdict=\"%s\"} %llu",
			 xdpdns_counter_name(k), v);
	else if (k <= XDPDNS_CNT_BAD_EDNS)
		snprintf(buf, size, "xdpdns_frame_outcomes_total{outcome=\"%s\"} %llu",
			 xdpdns_counter_name(k), v);
	else
		snprintf(buf, size, "xdpdns_events_total{outcome=\"%s\"} %llu",
			 k == XDPDNS_CNT_EVENTS ? "sent" : k == XDPDNS_CNT_EVENTS_LIMITED ?
			 "limited" : "lost", v);
}

/* Does a sample line carry the value v? */
static bool sample_has_value(const char *line, __u64 v)
{
	const char *space = strrchr(line, ' ');

	return line[0] != '#' && space && strtoull(space + 1, NULL, 10) == v;
}

static void test_every_counter_once(void **state)
{
	struct fixture *f = *state;
	char want[160];

	render(f);
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++) {
		int n = 0;

		for (int i = 0; i < f->nlines; i++)
			n += sample_has_value(f->line[i], counter_value(k));
		expected_sample(k, want, sizeof(want));
		if (n != 1 || count_lines(f, want) != 1)
			fail_msg("counter '%s': %d samples with its value, expected the one "
				 "line '%s'", xdpdns_counter_name(k), n, want);
	}
	assert_int_equal(count_prefix(f, "xdpdns_queries_total{"),
			 XDPDNS_CNT_NO_ROOM - XDPDNS_CNT_PASSED + 1);
	assert_int_equal(count_prefix(f, "xdpdns_frame_outcomes_total{"),
			 XDPDNS_CNT_BAD_EDNS - XDPDNS_CNT_NOT_DNS + 2);
	assert_int_equal(count_prefix(f, "xdpdns_events_total{"),
			 XDPDNS_CNT_COUNT - XDPDNS_CNT_EVENTS);
}

/* The metric name of a line: up to '{' or ' '. */
static void metric_name(const char *line, char *buf, size_t size)
{
	size_t n = strcspn(line, "{ ");

	snprintf(buf, size, "%.*s", (int)n, line);
}

/* Every sample's family has one HELP and one TYPE line before its first sample. */
static void check_families(const struct fixture *f)
{
	char name[96], help[128], type[128];

	for (int i = 0; i < f->nlines; i++) {
		const char *l = f->line[i];
		bool counter;

		if (l[0] == '#')
			continue;
		metric_name(l, name, sizeof(name));
		assert_int_equal(strncmp(name, "xdpdns_", 7), 0);
		snprintf(help, sizeof(help), "# HELP %s ", name);
		snprintf(type, sizeof(type), "# TYPE %s ", name);
		if (count_prefix(f, help) != 1 || count_prefix(f, type) != 1)
			fail_msg("family '%s': %d HELP and %d TYPE lines", name,
				 count_prefix(f, help), count_prefix(f, type));

		for (int j = 0; j < i; j++)
			if (!strncmp(f->line[j], type, strlen(type)))
				type[0] = 0;
		if (type[0])
			fail_msg("family '%s': a sample before its TYPE line", name);

		snprintf(type, sizeof(type), "# TYPE %s counter", name);
		counter = count_lines(f, type) == 1;
		assert_int_equal(counter, strlen(name) > 6 && !strcmp(name + strlen(name) - 6,
								     "_total"));
	}
}

static void test_help_and_type_for_every_family(void **state)
{
	struct fixture *f = *state;

	as_daemon(f);
	render(f);
	check_families(f);
	assert_int_equal(count_prefix(f, "# HELP "), count_prefix(f, "# TYPE "));
	assert_int_equal(count_lines(f, "xdpdns_generation 42"), 1);
	assert_int_equal(count_lines(f, "xdpdns_generation_rules 112294"), 1);
	assert_int_equal(count_lines(f, "xdpdns_last_swap_time_seconds 1796370001"), 1);
	assert_int_equal(count_lines(f, "xdpdns_datapath_up 1"), 1);
	assert_int_equal(count_lines(f, "xdpdns_interface_attached{interface=\"eth0\","
				     "mode=\"native\"} 1"), 1);
}

static void test_feeds_hits_and_rules(void **state)
{
	struct fixture *f = *state;

	render(f);
	assert_int_equal(count_lines(f, "xdpdns_feed_hits_total{feed=\"hand\"} 7"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_hits_total{feed=\"court-orders\"} 9"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_rules{feed=\"hand\"} 2"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_rules{feed=\"court-orders\"} 112292"), 1);
}

static void test_label_values_escaped(void **state)
{
	struct fixture *f = *state;

	snprintf(f->iface.name, sizeof(f->iface.name), "a\"b\\c\nd");
	snprintf(f->feeds[1].name, sizeof(f->feeds[1].name), "x\\\"");
	render(f);
	assert_int_equal(count_lines(f, "xdpdns_interface_attached{interface=\"a\\\"b\\\\c\\nd\","
				     "mode=\"native\"} 1"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_hits_total{feed=\"x\\\\\\\"\"} 9"), 1);
	check_families(f);
}

static void test_daemon_families_only_in_the_daemon(void **state)
{
	struct fixture *f = *state;

	render(f);
	assert_int_equal(count_prefix(f, "xdpdns_feed_fetch_errors_total"), 0);
	assert_int_equal(count_prefix(f, "# HELP xdpdns_feed_versions_total "), 0);

	as_daemon(f);
	render(f);
#define COURT	"{feed=\"court-orders\"} "
	assert_int_equal(count_lines(f, "xdpdns_feed_fetch_errors_total" COURT "11"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_parse_errors_total" COURT "12"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_refused_versions_total" COURT "13"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_bad_lines_total" COURT "14"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_versions_total" COURT "15"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_not_modified_total" COURT "16"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_last_version_time_seconds" COURT "1796370000"),
			 1);
#undef COURT
	/* A configured feed never stored has its health, zero, and no version time. */
	assert_int_equal(count_lines(f, "xdpdns_feed_fetch_errors_total{feed=\"missing\"} 0"), 1);
	assert_int_equal(count_prefix(f, "xdpdns_feed_last_version_time_seconds"
				      "{feed=\"missing\"}"), 0);
	assert_int_equal(count_prefix(f, "xdpdns_feed_rules{feed=\"missing\"}"), 0);
}

static void test_no_datapath(void **state)
{
	struct fixture *f = *state;

	f->m.datapath = false;
	as_daemon(f);
	render(f);
	assert_int_equal(count_lines(f, "xdpdns_datapath_up 0"), 1);
	assert_int_equal(count_prefix(f, "xdpdns_queries_total"), 0);
	assert_int_equal(count_prefix(f, "# TYPE xdpdns_queries_total"), 0);
	assert_int_equal(count_prefix(f, "xdpdns_generation"), 0);
	assert_int_equal(count_lines(f, "xdpdns_feed_rules{feed=\"hand\"} 2"), 1);
	assert_int_equal(count_lines(f, "xdpdns_feed_versions_total{feed=\"court-orders\"} 15"), 1);
	check_families(f);
}

static void test_swap_time_unknown(void **state)
{
	struct fixture *f = *state;

	f->m.swap_time = 0;
	render(f);
	assert_int_equal(count_lines(f, "# TYPE xdpdns_last_swap_time_seconds gauge"), 1);
	assert_int_equal(count_prefix(f, "xdpdns_last_swap_time_seconds"), 0);
}

static void test_write_error(void **state)
{
	struct fixture *f = *state;
	char small[64];
	FILE *out = fmemopen(small, sizeof(small), "w");

	assert_non_null(out);
	setvbuf(out, NULL, _IONBF, 0);
	assert_int_equal(xdpdns_metrics_render(&f->m, out), -EIO);
	fclose(out);
}

/* The feeds as they are asked: hand rules, then allow feeds, then the others. */
static void test_set_feeds_in_order(void **state)
{
	struct xdpdns_feed stored[2] = {
		{ .name = "court", .id = 1, .action = XDPDNS_ACT_NXDOMAIN, .nrules = 3 },
		{ .name = "partners", .id = 2, .action = XDPDNS_ACT_ALLOW, .nrules = 4 },
	};
	struct xdpdns_state st = { .hand = { .name = "hand", .nrules = 1 }, .feeds = stored,
				   .nfeeds = 2 };
	struct xdpdns_metrics m = {};

	(void)state;
	assert_int_equal(xdpdns_metrics_set_feeds(&m, &st), 0);
	assert_int_equal(m.nfeeds, 3);
	assert_string_equal(m.feeds[0].name, "hand");
	assert_string_equal(m.feeds[1].name, "partners");
	assert_int_equal(m.feeds[1].id, 2);
	assert_int_equal(m.feeds[1].rules, 4);
	assert_string_equal(m.feeds[2].name, "court");
	assert_int_equal(m.feeds[2].rules, 3);
	xdpdns_metrics_free(&m);
	assert_null(m.feeds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_counter_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_and_type_for_every_family, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_feeds_hits_and_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_values_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_families_only_in_the_daemon, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_datapath, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_time_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
		cmocka_unit_test(test_set_feeds_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
