// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of what `xdpdns top` shows (user/top.c): rates from two
 * snapshots, the busiest feeds first, names counted over a window, the
 * event file followed through rotation and truncation with its unfinished
 * and bad lines, names sanitized, and the screen laid out in 80 columns.
 * No root needed: the snapshots are filled by hand, the event file is a
 * temporary file.
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
#include <cmocka.h>

#include "names.h"
#include "top.h"

#define EVENT(name, action, feed)						\
	"{\"time\":\"2026-12-04T09:30:00.123456Z\",\"client\":\"198.18.0.2\","	\
	"\"name\":\"" name "\",\"qtype\":\"A\",\"action\":\"" action "\","	\
	"\"feed\":\"" feed "\"}\n"

static void set_feed(struct xdpdns_metrics_feed *f, const char *name, __u64 hits)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->hits = hits;
}

static void test_rates_from_two_snapshots(void **state)
{
	struct xdpdns_metrics_feed before[1], after[1];
	struct xdpdns_metrics prev = { .feeds = before, .nfeeds = 1 };
	struct xdpdns_metrics cur = { .feeds = after, .nfeeds = 1 };
	struct xdpdns_top_rates r = {};

	prev.counter[XDPDNS_CNT_PACKETS] = 100;
	cur.counter[XDPDNS_CNT_PACKETS] = 300;
	prev.counter[XDPDNS_CNT_NXDOMAIN] = 10;
	cur.counter[XDPDNS_CNT_NXDOMAIN] = 110;
	cur.counter[XDPDNS_CNT_NOT_DNS] = 6;
	cur.counter[XDPDNS_CNT_MALFORMED] = 4;
	set_feed(&before[0], "hand", 5);
	set_feed(&after[0], "hand", 45);

	assert_int_equal(xdpdns_top_rates(&prev, &cur, 2.0, &r), 0);
	assert_true(r.valid);
	assert_true(r.counter[XDPDNS_CNT_PACKETS] == 100.0);	/* 200 frames in 2 s */
	assert_true(r.counter[XDPDNS_CNT_NXDOMAIN] == 50.0);
	assert_true(r.counter[XDPDNS_CNT_DROPPED] == 0.0);
	assert_true(r.reasons == 5.0);				/* not_dns + malformed */
	assert_int_equal(r.nfeeds, 1);
	assert_true(r.feeds[0].rate == 20.0);
	assert_int_equal(r.feeds[0].hits, 45);
	xdpdns_top_rates_free(&r);
}

/* The maps were created again by a later attach: counting restarts at zero. */
static void test_rates_after_reset(void **state)
{
	struct xdpdns_metrics prev = {}, cur = {};
	struct xdpdns_top_rates r = {};

	prev.counter[XDPDNS_CNT_QUERIES] = 1000;
	cur.counter[XDPDNS_CNT_QUERIES] = 30;
	assert_int_equal(xdpdns_top_rates(&prev, &cur, 1.0, &r), 0);
	assert_true(r.counter[XDPDNS_CNT_QUERIES] == 30.0);
	xdpdns_top_rates_free(&r);
}

static void test_busiest_feeds_first(void **state)
{
	struct xdpdns_metrics_feed before[3], after[4];
	struct xdpdns_metrics prev = { .feeds = before, .nfeeds = 3 };
	struct xdpdns_metrics cur = { .feeds = after, .nfeeds = 4 };
	struct xdpdns_top_rates r = {};

	set_feed(&before[0], "hand", 100);
	set_feed(&before[1], "ads", 0);
	set_feed(&before[2], "malware", 50);
	set_feed(&after[0], "hand", 101);		/* 1/s */
	set_feed(&after[1], "ads", 30);		/* 30/s */
	set_feed(&after[2], "malware", 51);		/* 1/s, fewer hits than hand */
	set_feed(&after[3], "new", 7);			/* loaded since: all of it new */

	assert_int_equal(xdpdns_top_rates(&prev, &cur, 1.0, &r), 0);
	assert_int_equal(r.nfeeds, 4);
	assert_string_equal(r.feeds[0].name, "ads");
	assert_string_equal(r.feeds[1].name, "new");
	assert_string_equal(r.feeds[2].name, "hand");
	assert_string_equal(r.feeds[3].name, "malware");
	xdpdns_top_rates_free(&r);
}

static void test_names_counted_in_window(void **state)
{
	const struct xdpdns_top_name *most[4];
	struct xdpdns_top_names n;

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	xdpdns_top_names_add(&n, "old.test", "drop", "hand", 0);
	for (int i = 0; i < 3; i++)
		xdpdns_top_names_add(&n, "www.ads.test", "nxdomain", "hand", 10 + i);
	xdpdns_top_names_add(&n, "b.test", "refused", "court", 20);
	xdpdns_top_names_add(&n, "a.test", "sinkhole", "court", 21);

	xdpdns_top_names_expire(&n, 65);
	assert_int_equal(xdpdns_top_names_most(&n, most, 4), 3);
	assert_string_equal(most[0]->name, "www.ads.test");
	assert_int_equal(most[0]->count, 3);
	assert_string_equal(most[0]->action, "nxdomain");
	assert_string_equal(most[1]->name, "a.test");		/* a tie: by name */
	assert_string_equal(most[2]->name, "b.test");
	assert_string_equal(most[2]->feed, "court");

	xdpdns_top_names_expire(&n, 200);
	assert_int_equal(xdpdns_top_names_most(&n, most, 4), 0);
	xdpdns_top_names_free(&n);
}

static void test_event_lines(void **state)
{
	struct xdpdns_top_names n;

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	assert_true(xdpdns_top_event(EVENT("www.ads.test", "nxdomain", "hand"), &n, 1));
	assert_false(xdpdns_top_event("not json", &n, 1));
	assert_false(xdpdns_top_event("[1, 2]", &n, 1));
	assert_false(xdpdns_top_event("{\"name\":\"x.test\",\"action\":\"drop\"}", &n, 1));
	assert_false(xdpdns_top_event("{\"name\":7,\"action\":\"drop\",\"feed\":\"hand\"}", &n, 1));
	assert_false(xdpdns_top_event("{\"name\":\"a\",\"action\":\"drop\",\"feed\":\"h\"} x",
				      &n, 1));
	assert_int_equal(n.nhits, 1);
	xdpdns_top_names_free(&n);
}

struct tail_fixture {
	char path[64];
	struct xdpdns_top_tail tail;
	struct xdpdns_top_names names;
};

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int tail_setup(void **state)
{
	struct tail_fixture *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/test_top.XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0 || write(fd, EVENT("before.test", "drop", "hand"),
			    strlen(EVENT("before.test", "drop", "hand"))) < 0)
		return -1;
	close(fd);
	if (xdpdns_top_names_init(&f->names) || xdpdns_top_tail_open(&f->tail, f->path))
		return -1;
	*state = f;
	return 0;
}

static int tail_teardown(void **state)
{
	struct tail_fixture *f = *state;

	xdpdns_top_tail_close(&f->tail);
	xdpdns_top_names_free(&f->names);
	unlink(f->path);
	free(f);
	return 0;
}

static void test_tail_from_end_and_partial_line(void **state)
{
	struct tail_fixture *f = *state;
	const char *line = EVENT("www.ads.test", "nxdomain", "hand");
	char half[256];

	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 1), 0);	/* from its end */

	memcpy(half, line, strlen(line) / 2);
	half[strlen(line) / 2] = '\0';
	append(f->path, half);
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 2), 0);	/* waits */
	append(f->path, line + strlen(half));
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 3), 1);
	assert_int_equal(f->tail.events, 1);
	assert_int_equal(f->tail.bad, 0);
}

static void test_tail_bad_lines_counted(void **state)
{
	struct tail_fixture *f = *state;
	char long_line[XDPDNS_TOP_LINE_MAX + 100];

	memset(long_line, 'x', sizeof(long_line) - 2);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	append(f->path, "garbage\n\n{\"name\":\"x\"}\n");
	append(f->path, long_line);
	append(f->path, EVENT("good.test", "refused", "hand"));

	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 1), 1);
	assert_int_equal(f->tail.bad, 3);		/* the blank line is neither */
	assert_int_equal(f->tail.events, 1);
}

static void test_tail_rotation(void **state)
{
	struct tail_fixture *f = *state;
	char rotated[80];

	append(f->path, EVENT("last-of-old.test", "drop", "hand"));
	snprintf(rotated, sizeof(rotated), "%s.1", f->path);
	assert_int_equal(rename(f->path, rotated), 0);
	append(f->path, EVENT("first-of-new.test", "drop", "hand"));

	/* The old file's last line and the whole new file. */
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 1), 2);
	append(f->path, EVENT("second-of-new.test", "drop", "hand"));
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 2), 1);
	unlink(rotated);
}

static void test_tail_truncation(void **state)
{
	struct tail_fixture *f = *state;

	append(f->path, EVENT("a.test", "drop", "hand"));
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 1), 1);
	assert_int_equal(truncate(f->path, 0), 0);
	append(f->path, EVENT("b.test", "drop", "hand"));
	assert_int_equal(xdpdns_top_tail_poll(&f->tail, &f->names, 2), 1);
	assert_int_equal(f->tail.events, 2);
}

static void test_tail_file_appears_later(void **state)
{
	struct xdpdns_top_names n;
	struct xdpdns_top_tail t;
	char path[] = "/tmp/test_top_late.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(xdpdns_top_names_init(&n), 0);
	assert_int_equal(xdpdns_top_tail_open(&t, path), 0);
	assert_int_equal(t.fd, -1);
	assert_int_equal(xdpdns_top_tail_poll(&t, &n, 1), 0);

	/* A file that appears after the start is read from its beginning. */
	append(path, EVENT("a.test", "drop", "hand"));
	assert_int_equal(xdpdns_top_tail_poll(&t, &n, 2), 1);
	xdpdns_top_tail_close(&t);
	xdpdns_top_names_free(&n);
	unlink(path);
}

static void test_sanitize(void **state)
{
	char out[64];

	assert_string_equal(xdpdns_top_sanitize("www.ads.test", out, sizeof(out)), "www.ads.test");
	assert_string_equal(xdpdns_top_sanitize("a\033[2Jb\r\n\x7f", out, sizeof(out)),
			    "a?[2Jb???");
	assert_string_equal(xdpdns_top_sanitize("caf\xc3\xa9", out, sizeof(out)), "caf??");
	assert_string_equal(xdpdns_top_sanitize("abcdef", out, 4), "abc");
}

/* A control byte escaped in the JSON reaches the names table raw: not the screen. */
static void test_escaped_name_sanitized_on_screen(void **state)
{
	struct xdpdns_metrics snap = {};
	struct xdpdns_top_screen s;
	struct xdpdns_top_names n;
	struct xdpdns_top_tail t = { .fd = 0, .path = "events" };
	struct xdpdns_top_view v = { .snap = &snap, .names = &n, .tail = &t, .interval = 1 };

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	assert_true(xdpdns_top_event("{\"name\":\"evil\\u001b[2J.test\",\"action\":\"drop\","
				     "\"feed\":\"hand\"}", &n, 1));
	assert_int_equal(xdpdns_top_screen_init(&s, 24, 80), 0);
	xdpdns_top_render(&v, &s);
	for (int i = 0; i < s.rows; i++)
		for (const char *c = xdpdns_top_line(&s, i); *c; c++)
			assert_true(*c >= 0x20 && *c < 0x7f);
	assert_non_null(strstr(xdpdns_top_line(&s, 18), "evil?[2J.test"));
	xdpdns_top_screen_free(&s);
	xdpdns_top_names_free(&n);
}

/* Two snapshots a second apart with nxdomain answers from two feeds. */
static void render_lab(struct xdpdns_top_screen *s, struct xdpdns_top_names *n,
		       struct xdpdns_top_tail *t)
{
	static struct xdpdns_metrics_feed before[2], after[2];
	struct xdpdns_metrics prev = { .feeds = before, .nfeeds = 2 };
	struct xdpdns_metrics cur = { .feeds = after, .nfeeds = 2, .generation = 4, .rules = 12 };
	struct xdpdns_top_rates r = {};
	struct xdpdns_top_view v = { .snap = &cur, .rates = &r, .names = n, .tail = t,
				     .interval = 1, .clock = "09:30:01" };

	cur.counter[XDPDNS_CNT_PACKETS] = 212;
	cur.counter[XDPDNS_CNT_QUERIES] = 210;
	cur.counter[XDPDNS_CNT_NXDOMAIN] = 200;
	cur.counter[XDPDNS_CNT_PASSED] = 10;
	cur.counter[XDPDNS_CNT_NOT_DNS] = 2;
	set_feed(&before[0], "hand", 0);
	set_feed(&before[1], "stevenblack", 0);
	set_feed(&after[0], "hand", 50);
	set_feed(&after[1], "stevenblack", 150);
	assert_int_equal(xdpdns_top_rates(&prev, &cur, 1.0, &r), 0);
	xdpdns_top_render(&v, s);
	xdpdns_top_rates_free(&r);
}

static void test_layout_80_columns(void **state)
{
	struct xdpdns_top_tail t = { .fd = 0, .path = "events" };
	struct xdpdns_top_screen s;
	struct xdpdns_top_names n;
	int longest = 0;

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	xdpdns_top_names_add(&n, "www.ads.test", "nxdomain", "hand", 1);
	xdpdns_top_names_add(&n, "a-very-long-name-that-does-not-fit-in-the-width-of-an-80-"
			     "column-terminal.example.test", "nxdomain", "stevenblack", 1);
	assert_int_equal(xdpdns_top_screen_init(&s, 24, 80), 0);
	render_lab(&s, &n, &t);

	for (int i = 0; i < s.rows; i++) {
		int len = strlen(xdpdns_top_line(&s, i));

		longest = len > longest ? len : longest;
	}
	assert_true(longest <= 80);
	assert_non_null(strstr(xdpdns_top_line(&s, 0), "generation 4, 12 rules"));
	assert_non_null(strstr(xdpdns_top_line(&s, 0), "09:30:01"));
	assert_non_null(strstr(xdpdns_top_line(&s, 3), "queries"));
	assert_non_null(strstr(xdpdns_top_line(&s, 3), "210.0"));
	assert_non_null(strstr(xdpdns_top_line(&s, 3), "frames"));
	assert_non_null(strstr(xdpdns_top_line(&s, 8), "nxdomain"));
	assert_non_null(strstr(xdpdns_top_line(&s, 8), "200.0"));
	assert_non_null(strstr(xdpdns_top_line(&s, 4), "not queries"));
	assert_non_null(strstr(xdpdns_top_line(&s, 16), "stevenblack"));
	assert_non_null(strstr(xdpdns_top_line(&s, 16), "150.0"));
	assert_non_null(strstr(xdpdns_top_line(&s, 17), "hand"));
	assert_non_null(strstr(xdpdns_top_line(&s, 18), "name (last 60 s; 0 bad lines)"));
	/* The long name, cut. */
	assert_int_equal(strlen(xdpdns_top_line(&s, 19)), 80);
	assert_non_null(strstr(xdpdns_top_line(&s, 20), "www.ads.test"));
	xdpdns_top_screen_free(&s);
	xdpdns_top_names_free(&n);
}

/* A wider and taller terminal: the long name whole, more names listed. */
static void test_layout_wider(void **state)
{
	struct xdpdns_top_tail t = { .fd = 0, .path = "events" };
	const char *long_name = "a-very-long-name-that-does-not-fit-in-the-width-of-an-80-"
				"column-terminal.example.test";
	struct xdpdns_top_screen s;
	struct xdpdns_top_names n;
	char name[16];

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	for (int i = 0; i < 3; i++)
		xdpdns_top_names_add(&n, long_name, "nxdomain", "stevenblack", 1);
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "n%02d.test", i);
		xdpdns_top_names_add(&n, name, "drop", "hand", 1);
	}
	assert_int_equal(xdpdns_top_screen_init(&s, 40, 132), 0);
	render_lab(&s, &n, &t);

	assert_non_null(strstr(xdpdns_top_line(&s, 0) + 100, "09:30:01"));
	assert_non_null(strstr(xdpdns_top_line(&s, 19), long_name));
	assert_non_null(strstr(xdpdns_top_line(&s, 31), "n11.test"));
	xdpdns_top_screen_free(&s);
	xdpdns_top_names_free(&n);
}

static void test_layout_not_attached_and_no_events(void **state)
{
	struct xdpdns_top_view v = { .error = "not attached: no maps pinned under '/x'",
				     .interval = 1 };
	struct xdpdns_metrics snap = {};
	struct xdpdns_top_screen s;

	assert_int_equal(xdpdns_top_screen_init(&s, 24, 80), 0);
	xdpdns_top_render(&v, &s);
	assert_string_equal(xdpdns_top_line(&s, 2), "not attached: no maps pinned under '/x'");
	assert_non_null(strstr(xdpdns_top_line(&s, 3), "retrying"));

	v = (struct xdpdns_top_view){ .snap = &snap, .interval = 1 };
	xdpdns_top_render(&v, &s);
	assert_non_null(strstr(xdpdns_top_line(&s, 3), "queries"));
	assert_non_null(strstr(xdpdns_top_line(&s, 3), " - "));	/* no rates yet */
	assert_non_null(strstr(xdpdns_top_line(&s, 18), "xdpdns top --events FILE"));
	xdpdns_top_screen_free(&s);
}

/* Smaller than 80x24: every line cut to the width, nothing past the last row. */
static void test_layout_small_terminal(void **state)
{
	struct xdpdns_top_tail t = { .fd = 0, .path = "events" };
	struct xdpdns_top_screen s;
	struct xdpdns_top_names n;

	assert_int_equal(xdpdns_top_names_init(&n), 0);
	for (int i = 0; i < 100; i++)
		xdpdns_top_names_add(&n, i % 2 ? "a.test" : "b.test", "drop", "hand", 1);
	for (int rows = 1; rows <= 24; rows++) {
		assert_int_equal(xdpdns_top_screen_init(&s, rows, 30), 0);
		render_lab(&s, &n, &t);
		for (int i = 0; i < s.rows; i++)
			assert_true(strlen(xdpdns_top_line(&s, i)) <= 30);
		xdpdns_top_screen_free(&s);
	}
	xdpdns_top_names_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_from_two_snapshots),
		cmocka_unit_test(test_rates_after_reset),
		cmocka_unit_test(test_busiest_feeds_first),
		cmocka_unit_test(test_names_counted_in_window),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test_setup_teardown(test_tail_from_end_and_partial_line,
						tail_setup, tail_teardown),
		cmocka_unit_test_setup_teardown(test_tail_bad_lines_counted,
						tail_setup, tail_teardown),
		cmocka_unit_test_setup_teardown(test_tail_rotation, tail_setup, tail_teardown),
		cmocka_unit_test_setup_teardown(test_tail_truncation, tail_setup, tail_teardown),
		cmocka_unit_test(test_tail_file_appears_later),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_escaped_name_sanitized_on_screen),
		cmocka_unit_test(test_layout_80_columns),
		cmocka_unit_test(test_layout_wider),
		cmocka_unit_test(test_layout_not_attached_and_no_events),
		cmocka_unit_test(test_layout_small_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
