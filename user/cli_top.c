// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpdns top: a live view of the counters, the busiest feeds and the names
 * most hit, redrawn every interval on the alternate screen of a terminal
 * with plain ANSI escapes, or printed as plain frames with --batch. What is
 * shown and how it is laid out is user/top.c; this file reads the maps,
 * keeps time, and makes sure the terminal is given back as it was found,
 * whether top ends on q, Ctrl-C or SIGTERM.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli_common.h"
#include "log.h"
#include "top.h"

#define FEEDS_EVERY	10	/* refreshes between readings of the stored feed names */
#define BATCH_ROWS	40

static volatile sig_atomic_t stop_requested, resized;

static void on_stop(int sig)
{
	stop_requested = 1;
}

static void on_winch(int sig)
{
	resized = 1;
}

/* Without SA_RESTART, so that a signal ends the wait for a key at once. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
}

struct top {
	const struct cli_args *args;
	double interval;
	bool batch;
	long frames;			/* --batch N; 0 on a terminal */
	struct xdpdns_metrics feeds;	/* the stored feed names, hits unused */
	unsigned feeds_age;
	struct xdpdns_metrics snap[2];	/* the previous and the latest */
	int latest;
	double snap_time[2];
	bool have_snap;
	struct xdpdns_top_rates rates;
	struct xdpdns_top_names names;
	struct xdpdns_top_tail tail;
	bool events;
	char error[256];
	struct termios saved;
	bool raw;
};

static double now_s(void)
{
	return xdpdns_now_ms() / 1000.0;
}

/* The stored feeds change rarely; reading every rule each second would cost. */
static int refresh_feed_names(struct top *t)
{
	struct xdpdns_state st;
	int err;

	if (t->feeds.feeds && t->feeds_age++ % FEEDS_EVERY)
		return 0;
	err = xdpdns_state_open(&st, t->args->state_dir, false);
	if (err)
		return err;
	err = xdpdns_metrics_set_feeds(&t->feeds, &st);
	xdpdns_state_close(&st);
	return err;
}

static int copy_feeds(struct xdpdns_metrics *dst, const struct xdpdns_metrics *src)
{
	struct xdpdns_metrics_feed *feeds = calloc(src->nfeeds + 1, sizeof(*feeds));

	if (!feeds)
		return -ENOMEM;
	memcpy(feeds, src->feeds, src->nfeeds * sizeof(*feeds));
	xdpdns_metrics_free(dst);
	dst->feeds = feeds;
	dst->nfeeds = src->nfeeds;
	return 0;
}

/* The counters and feed hits, into m. Returns 0 or -errno (-ENOENT: not attached). */
static int read_snapshot(struct top *t, struct xdpdns_metrics *m)
{
	struct xdpdns_pins pins;
	int err;

	err = xdpdns_pins_open(t->args->pin_dir, &pins);
	if (err)
		return err;
	err = refresh_feed_names(t);
	if (!err)
		err = copy_feeds(m, &t->feeds);
	if (!err)
		err = xdpdns_metrics_read(&pins, m);
	xdpdns_pins_close(&pins);
	return err;
}

/*
 * Read the next snapshot and the rates since the last. The pins are opened
 * each time: maps created again by a later attach must be read, not the
 * old ones. Not attached: t->error says so and the snapshots start over.
 */
static int take_snapshot(struct top *t)
{
	struct xdpdns_metrics *m = &t->snap[!t->latest];
	int err;

	err = read_snapshot(t, m);
	if (err == -ENOENT) {
		snprintf(t->error, sizeof(t->error), "not attached: no maps pinned under '%s' "
			 "(run 'xdpdns attach IFACE')", t->args->pin_dir);
		t->have_snap = false;
		xdpdns_top_rates_free(&t->rates);
		return err;
	}
	if (err) {
		snprintf(t->error, sizeof(t->error), "cannot read the counters: %s",
			 strerror(-err));
		return err;
	}

	t->error[0] = '\0';
	t->latest = !t->latest;
	t->snap_time[t->latest] = now_s();
	if (t->have_snap)
		err = xdpdns_top_rates(&t->snap[!t->latest], m,
				       t->snap_time[t->latest] - t->snap_time[!t->latest],
				       &t->rates);
	t->have_snap = true;
	return err;
}

static void screen_size(bool terminal, int *rows, int *cols)
{
	struct winsize ws;

	*rows = BATCH_ROWS;
	*cols = XDPDNS_TOP_COLS_MIN;
	if (terminal && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static int render(struct top *t, struct xdpdns_top_screen *s)
{
	struct xdpdns_top_view v = {
		.error = t->error[0] ? t->error : NULL,
		.snap = t->have_snap ? &t->snap[t->latest] : NULL,
		.rates = &t->rates,
		.names = t->events ? &t->names : NULL,
		.tail = t->events ? &t->tail : NULL,
		.interval = t->interval,
	};
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	int rows, cols;

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime_r(&now, &tm));
	v.clock = clock;
	screen_size(!t->batch, &rows, &cols);
	if (!s->text || rows != s->rows || cols != s->cols) {
		xdpdns_top_screen_free(s);
		if (xdpdns_top_screen_init(s, rows, cols))
			return -ENOMEM;
	}
	xdpdns_top_render(&v, s);
	return 0;
}

/* Home, each line then clear to its end, then clear below: one write, no flicker. */
static void draw_terminal(const struct xdpdns_top_screen *s)
{
	fputs("\033[H", stdout);
	for (int i = 0; i < s->rows; i++)
		fprintf(stdout, "%s\033[K%s", xdpdns_top_line(s, i), i + 1 < s->rows ? "\r\n" : "");
	fputs("\033[J", stdout);
	fflush(stdout);
}

/* A frame of plain text: the lines up to the last that holds anything. */
static void print_frame(const struct xdpdns_top_screen *s, bool first)
{
	int last = s->rows - 1;

	while (last > 0 && !xdpdns_top_line(s, last)[0])
		last--;
	if (!first)
		putchar('\n');
	for (int i = 0; i <= last; i++)
		puts(xdpdns_top_line(s, i));
	fflush(stdout);
}

/* Raw keys without echo; ISIG stays, so Ctrl-C is SIGINT and handled once. */
static void terminal_enter(struct top *t)
{
	struct termios raw;

	if (!tcgetattr(STDIN_FILENO, &t->saved)) {
		raw = t->saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		t->raw = !tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	fputs("\033[?1049h\033[?25l", stdout);
	fflush(stdout);
}

static void terminal_leave(struct top *t)
{
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	t->raw = false;
}

/*
 * Wait up to seconds for a key; true when top should end (q, or a signal
 * asking it to). A resize ends the wait early, for a redraw at the new size.
 * Input that ended (stdin from /dev/null, a closed pipe) is no longer
 * polled, else poll would return at once, again and again; a terminal that
 * hangs up sends SIGHUP.
 */
static bool wait_key(double seconds)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	double end = now_s() + seconds;
	ssize_t got;
	char key;

	while (!stop_requested && !resized) {
		int ms = (int)((end - now_s()) * 1000);

		if (ms <= 0)
			return false;
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
			pfd.fd = -1;
			continue;
		}

		while ((got = read(STDIN_FILENO, &key, 1)) == 1)
			if (key == 'q' || key == 'Q')
				return true;
		if (!got)
			pfd.fd = -1;
	}
	return stop_requested;
}

static void sleep_s(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };

	nanosleep(&ts, NULL);
}

static void poll_events(struct top *t)
{
	double now = now_s();

	if (!t->events)
		return;
	xdpdns_top_tail_poll(&t->tail, &t->names, now);
	xdpdns_top_names_expire(&t->names, now);
}

static int run_terminal(struct top *t)
{
	struct xdpdns_top_screen s = {};
	int err = 0;

	terminal_enter(t);
	while (!stop_requested && !err) {
		if (!resized || !t->have_snap)
			take_snapshot(t);
		resized = 0;
		poll_events(t);
		err = render(t, &s);
		if (!err)
			draw_terminal(&s);
		if (!err && wait_key(t->interval))
			break;
	}
	terminal_leave(t);
	xdpdns_top_screen_free(&s);
	if (err)
		pr_err("cannot draw the screen: %s\n", strerror(-err));
	return err ? EXIT_FAIL : EXIT_OK;
}

/* Plain frames, each after one interval so that each has its rates. */
static int run_batch(struct top *t)
{
	struct xdpdns_top_screen s = {};
	int err = 0;

	if (take_snapshot(t))
		goto out;
	for (long i = 0; (!t->frames || i < t->frames) && !stop_requested; i++) {
		sleep_s(t->interval);
		if (stop_requested || take_snapshot(t))
			break;
		poll_events(t);
		err = render(t, &s);
		if (err)
			break;
		print_frame(&s, i == 0);
	}
out:
	xdpdns_top_screen_free(&s);
	if (t->error[0])
		pr_err("%s\n", t->error);
	else if (err)
		pr_err("cannot lay out the screen: %s\n", strerror(-err));
	return t->error[0] || err ? EXIT_FAIL : EXIT_OK;
}

static int parse_options(const struct cli_args *a, struct top *t)
{
	const char *interval = cli_opt(a, &cli_top, "interval");
	const char *batch = cli_opt(a, &cli_top, "batch");
	char *end;

	t->interval = 1.0;
	if (interval) {
		t->interval = strtod(interval, &end);
		if (*end || end == interval || !(t->interval >= 0.1 && t->interval <= 3600))
			return cli_usage_error("top", "bad interval '%s': 0.1 to 3600 seconds",
					       interval);
	}
	if (batch) {
		t->frames = strtol(batch, &end, 10);
		if (*end || end == batch || t->frames < 1)
			return cli_usage_error("top", "bad frame count '%s': 1 or more", batch);
	}
	/* Not a terminal: plain frames, as --batch, until stopped. */
	t->batch = batch || !isatty(STDOUT_FILENO);
	return 0;
}

static void top_free(struct top *t)
{
	xdpdns_metrics_free(&t->snap[0]);
	xdpdns_metrics_free(&t->snap[1]);
	xdpdns_metrics_free(&t->feeds);
	xdpdns_top_rates_free(&t->rates);
	if (t->events) {
		xdpdns_top_names_free(&t->names);
		xdpdns_top_tail_close(&t->tail);
	}
}

static int run_top(const struct cli_args *a)
{
	const char *events = cli_opt(a, &cli_top, "events");
	struct top t = { .args = a };
	int err;

	err = parse_options(a, &t);
	if (err)
		return err;
	if (events) {
		if (xdpdns_top_names_init(&t.names) || xdpdns_top_tail_open(&t.tail, events)) {
			pr_err("cannot follow '%s': %s\n", events, strerror(ENOMEM));
			xdpdns_top_names_free(&t.names);
			return EXIT_FAIL;
		}
		t.events = true;
	}

	catch_signals();
	err = t.batch ? run_batch(&t) : run_terminal(&t);
	top_free(&t);
	return err;
}

const struct cli_cmd cli_top = {
	.name = "top", .usage = "", .min_pos = 0, .max_pos = 0,
	.summary = "a live view: rates per verdict, busiest feeds, names most hit",
	.opts = (const struct cli_opt[]){
		{ "interval", "S", "seconds between refreshes (default: 1)" },
		{ "events", "FILE", "follow the daemon's event file for the names most hit" },
		{ "batch", "N", "print N frames of plain text, one per interval, then exit" },
		{},
	},
	.run = run_top,
};
