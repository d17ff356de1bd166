// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `xdpdns top` shows (top.h): rates between two snapshots of the
 * counters, the names most hit in the event stream, and the screen laid
 * out as lines of printable ASCII, so that all of it is tested without a
 * terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "names.h"
#include "top.h"

__u64 xdpdns_top_reasons(const struct xdpdns_metrics *m)
{
	__u64 sum = 0;

	for (__u32 k = XDPDNS_CNT_NOT_DNS; k < XDPDNS_CNT_COUNT; k++)
		sum += m->counter[k];
	return sum;
}

/* A counter lower than before was reset with the maps: all of it is new. */
static __u64 delta(__u64 before, __u64 after)
{
	return after >= before ? after - before : after;
}

static const struct xdpdns_metrics_feed *find_feed(const struct xdpdns_metrics *m,
						   const char *name)
{
	for (size_t i = 0; i < m->nfeeds; i++)
		if (!strcmp(m->feeds[i].name, name))
			return &m->feeds[i];
	return NULL;
}

static int busier_first(const void *a, const void *b)
{
	const struct xdpdns_top_feed *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return strcmp(x->name, y->name);
}

int xdpdns_top_rates(const struct xdpdns_metrics *prev, const struct xdpdns_metrics *cur,
		     double seconds, struct xdpdns_top_rates *out)
{
	struct xdpdns_top_feed *feeds = calloc(cur->nfeeds + 1, sizeof(*feeds));

	if (!feeds)
		return -ENOMEM;
	if (seconds <= 0)
		seconds = 1;

	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++)
		out->counter[k] = delta(prev->counter[k], cur->counter[k]) / seconds;
	out->reasons = delta(xdpdns_top_reasons(prev), xdpdns_top_reasons(cur)) / seconds;

	for (size_t i = 0; i < cur->nfeeds; i++) {
		const struct xdpdns_metrics_feed *was = find_feed(prev, cur->feeds[i].name);

		snprintf(feeds[i].name, sizeof(feeds[i].name), "%s", cur->feeds[i].name);
		feeds[i].hits = cur->feeds[i].hits;
		feeds[i].rate = delta(was ? was->hits : 0, cur->feeds[i].hits) / seconds;
	}
	qsort(feeds, cur->nfeeds, sizeof(*feeds), busier_first);

	free(out->feeds);
	out->feeds = feeds;
	out->nfeeds = cur->nfeeds;
	out->valid = true;
	return 0;
}

void xdpdns_top_rates_free(struct xdpdns_top_rates *r)
{
	free(r->feeds);
	r->feeds = NULL;
	r->nfeeds = 0;
	r->valid = false;
}

int xdpdns_top_names_init(struct xdpdns_top_names *n)
{
	*n = (struct xdpdns_top_names){};
	n->names = calloc(XDPDNS_TOP_NAMES_MAX, sizeof(*n->names));
	n->hits = calloc(XDPDNS_TOP_HITS_MAX, sizeof(*n->hits));
	if (!n->names || !n->hits) {
		xdpdns_top_names_free(n);
		return -ENOMEM;
	}
	return 0;
}

void xdpdns_top_names_free(struct xdpdns_top_names *n)
{
	free(n->names);
	free(n->hits);
	*n = (struct xdpdns_top_names){};
}

/* The entry of name, a free one for it, or NULL when every entry is taken. */
static struct xdpdns_top_name *name_entry(struct xdpdns_top_names *n, const char *name)
{
	struct xdpdns_top_name *free_entry = NULL;

	for (size_t i = 0; i < n->nnames; i++) {
		if (n->names[i].count && !strncmp(n->names[i].name, name,
						  sizeof(n->names[i].name) - 1))
			return &n->names[i];
		if (!n->names[i].count && !free_entry)
			free_entry = &n->names[i];
	}
	if (!free_entry && n->nnames < XDPDNS_TOP_NAMES_MAX)
		free_entry = &n->names[n->nnames++];
	if (free_entry)
		snprintf(free_entry->name, sizeof(free_entry->name), "%s", name);
	return free_entry;
}

static void forget_oldest(struct xdpdns_top_names *n)
{
	n->names[n->hits[n->first].name].count--;
	n->first = (n->first + 1) % XDPDNS_TOP_HITS_MAX;
	n->nhits--;
}

void xdpdns_top_names_add(struct xdpdns_top_names *n, const char *name, const char *action,
			  const char *feed, double now)
{
	struct xdpdns_top_name *e;

	/* A full window is shortened rather than the newest hit lost. */
	if (n->nhits == XDPDNS_TOP_HITS_MAX)
		forget_oldest(n);
	e = name_entry(n, name);
	if (!e) {
		n->dropped++;
		return;
	}

	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->feed, sizeof(e->feed), "%s", feed);
	e->count++;
	n->hits[(n->first + n->nhits) % XDPDNS_TOP_HITS_MAX] =
		(struct xdpdns_top_hit){ (__u32)(e - n->names), now };
	n->nhits++;
}

void xdpdns_top_names_expire(struct xdpdns_top_names *n, double now)
{
	while (n->nhits && n->hits[n->first].time < now - XDPDNS_TOP_WINDOW)
		forget_oldest(n);
}

static int most_hit_first(const void *a, const void *b)
{
	const struct xdpdns_top_name *x = *(const struct xdpdns_top_name *const *)a;
	const struct xdpdns_top_name *y = *(const struct xdpdns_top_name *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t xdpdns_top_names_most(const struct xdpdns_top_names *n,
			     const struct xdpdns_top_name **out, size_t max)
{
	const struct xdpdns_top_name **all = calloc(n->nnames + 1, sizeof(*all));
	size_t count = 0;

	if (!all)
		return 0;
	for (size_t i = 0; i < n->nnames; i++)
		if (n->names[i].count)
			all[count++] = &n->names[i];
	qsort(all, count, sizeof(*all), most_hit_first);

	if (count > max)
		count = max;
	memcpy(out, all, count * sizeof(*out));
	free(all);
	return count;
}

static const char *string_member(struct json_object *obj, const char *key)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val) ||
	    !json_object_is_type(val, json_type_string))
		return NULL;
	return json_object_get_string(val);
}

bool xdpdns_top_event(const char *line, struct xdpdns_top_names *names, double now)
{
	struct json_tokener *tok = json_tokener_new();
	const char *name, *action, *feed;
	struct json_object *obj;
	size_t len = strlen(line);
	bool counted = false;

	if (!tok)
		return false;
	/* Strict: one whole object a line, nothing after it. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (obj && json_tokener_get_parse_end(tok) == len &&
	    json_object_is_type(obj, json_type_object)) {
		name = string_member(obj, "name");
		action = string_member(obj, "action");
		feed = string_member(obj, "feed");
		if (name && *name && action && feed) {
			xdpdns_top_names_add(names, name, action, feed, now);
			counted = true;
		}
	}
	json_object_put(obj);
	json_tokener_free(tok);
	return counted;
}

/* Open the file at the tail's path, at its end or its start; -1 if missing. */
static void open_file(struct xdpdns_top_tail *t, bool at_end)
{
	struct stat st;

	t->fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0)
		return;
	if (fstat(t->fd, &st)) {
		close(t->fd);
		t->fd = -1;
		return;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->off = at_end ? lseek(t->fd, 0, SEEK_END) : 0;
	if (t->off < 0)
		t->off = 0;
	t->len = 0;
	t->skipping = false;
}

int xdpdns_top_tail_open(struct xdpdns_top_tail *t, const char *path)
{
	*t = (struct xdpdns_top_tail){ .fd = -1 };
	t->path = strdup(path);
	if (!t->path)
		return -ENOMEM;
	open_file(t, true);
	return 0;
}

void xdpdns_top_tail_close(struct xdpdns_top_tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	free(t->path);
	*t = (struct xdpdns_top_tail){ .fd = -1 };
}

/* One whole line; blank lines are neither events nor bad. */
static size_t end_line(struct xdpdns_top_tail *t, struct xdpdns_top_names *names, double now)
{
	bool bad = t->skipping;

	t->line[t->len] = '\0';
	if (!bad && t->len && !xdpdns_top_event(t->line, names, now))
		bad = true;
	t->len = 0;
	t->skipping = false;
	if (bad)
		t->bad++;
	else if (t->line[0])
		t->events++;
	return !bad && t->line[0];
}

/* Split buf into lines; the unfinished last one waits in t->line. */
static size_t take_bytes(struct xdpdns_top_tail *t, const char *buf, size_t len,
			 struct xdpdns_top_names *names, double now)
{
	size_t events = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			events += end_line(t, names, now);
			continue;
		}
		if (t->skipping)
			continue;
		if (t->len == sizeof(t->line) - 1) {
			t->skipping = true;
			continue;
		}
		t->line[t->len++] = buf[i];
	}
	return events;
}

static size_t read_appended(struct xdpdns_top_tail *t, struct xdpdns_top_names *names,
			    double now)
{
	size_t events = 0;
	char buf[65536];
	ssize_t got;

	while ((got = pread(t->fd, buf, sizeof(buf), t->off)) > 0) {
		t->off += got;
		events += take_bytes(t, buf, got, names, now);
	}
	return events;
}

size_t xdpdns_top_tail_poll(struct xdpdns_top_tail *t, struct xdpdns_top_names *names,
			    double now)
{
	size_t events = 0;
	struct stat st;

	/* What the writer added before rotating belongs to the old file. */
	if (t->fd >= 0)
		events += read_appended(t, names, now);
	if (stat(t->path, &st))
		return events;

	if (t->fd < 0 || st.st_dev != t->dev || st.st_ino != t->ino) {
		if (t->fd >= 0)
			close(t->fd);
		open_file(t, false);
	} else if (st.st_size < t->off) {
		t->off = 0;
		t->len = 0;
		t->skipping = false;
	} else {
		return events;
	}
	if (t->fd >= 0)
		events += read_appended(t, names, now);
	return events;
}

char *xdpdns_top_sanitize(const char *in, char *out, size_t size)
{
	size_t i = 0;

	if (!size)
		return out;
	for (; in[i] && i < size - 1; i++)
		out[i] = (unsigned char)in[i] >= 0x20 && (unsigned char)in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
	return out;
}

int xdpdns_top_screen_init(struct xdpdns_top_screen *s, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	s->text = calloc((size_t)rows, cols + 1);
	if (!s->text)
		return -ENOMEM;
	s->rows = rows;
	s->cols = cols;
	return 0;
}

void xdpdns_top_screen_free(struct xdpdns_top_screen *s)
{
	free(s->text);
	s->text = NULL;
}

/* Write at column col of line row, padding with blanks, cut at the width. */
__attribute__((format(printf, 4, 5)))
static void put(struct xdpdns_top_screen *s, int row, int col, const char *fmt, ...)
{
	char raw[1024], clean[1024];
	size_t len, room;
	char *line;
	va_list ap;

	if (row >= s->rows || col >= s->cols)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	xdpdns_top_sanitize(raw, clean, sizeof(clean));

	line = xdpdns_top_line(s, row);
	len = strlen(line);
	if (len < (size_t)col) {
		memset(line + len, ' ', col - len);
		len = col;
	}
	room = s->cols - col;
	snprintf(line + col, room + 1, "%s", clean);
}

static void rate_text(const struct xdpdns_top_rates *r, double rate, char *buf, size_t size)
{
	if (r && r->valid)
		snprintf(buf, size, "%.1f", rate);
	else
		snprintf(buf, size, "-");
}

#define CELL_WIDTH	40	/* a counter: its name, per second, total */

static void put_counter(struct xdpdns_top_screen *s, int row, int col, const char *name,
			const struct xdpdns_top_rates *r, double rate, __u64 total)
{
	char per_s[32];

	rate_text(r, rate, per_s, sizeof(per_s));
	put(s, row, col, "%-11s%11s%16llu", name, per_s, (unsigned long long)total);
}

/* The verdicts on queries on the left, the frames and pass reasons on the right. */
static const __u32 verdict_column[] = {
	XDPDNS_CNT_QUERIES, XDPDNS_CNT_PASSED, XDPDNS_CNT_ALLOWED, XDPDNS_CNT_LOGGED,
	XDPDNS_CNT_DROPPED, XDPDNS_CNT_NXDOMAIN, XDPDNS_CNT_NODATA, XDPDNS_CNT_REFUSED,
	XDPDNS_CNT_SINKHOLE, XDPDNS_CNT_TC, XDPDNS_CNT_NO_ROOM,
};
#define COUNTER_ROWS	(int)(sizeof(verdict_column) / sizeof(verdict_column[0]))

/* Lay out the counters from row: a header, then COUNTER_ROWS lines. */
static int render_counters(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s, int row)
{
	const struct xdpdns_top_rates *r = v->rates;
	const struct xdpdns_metrics *m = v->snap;

	put(s, row, 0, "%-11s%11s%16s", "query", "per s", "total");
	put(s, row, CELL_WIDTH, "%-11s%11s%16s", "frame", "per s", "total");
	for (int i = 0; i < COUNTER_ROWS; i++) {
		__u32 k = verdict_column[i];

		put_counter(s, row + 1 + i, 0, xdpdns_counter_name(k), r,
			    r ? r->counter[k] : 0, m->counter[k]);
	}

	put_counter(s, row + 1, CELL_WIDTH, "frames", r, r ? r->counter[XDPDNS_CNT_PACKETS] : 0,
		    m->counter[XDPDNS_CNT_PACKETS]);
	put_counter(s, row + 2, CELL_WIDTH, "not queries", r, r ? r->reasons : 0,
		    xdpdns_top_reasons(m));
	for (__u32 k = XDPDNS_CNT_NOT_DNS; k < XDPDNS_CNT_COUNT; k++)
		put_counter(s, row + 3 + (k - XDPDNS_CNT_NOT_DNS), CELL_WIDTH,
			    xdpdns_counter_name(k), r, r ? r->counter[k] : 0, m->counter[k]);
	return row + 1 + COUNTER_ROWS;
}

/* The busiest feeds: a header, then up to lines of them. */
static int render_feeds(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s, int row,
			int lines)
{
	const struct xdpdns_top_rates *r = v->rates;
	int width = s->cols - 27;
	char per_s[32];

	if (width > XDPDNS_FEED_NAME_MAX)
		width = XDPDNS_FEED_NAME_MAX;
	if (width < 4)
		width = 4;
	put(s, row++, 0, "%-*s%11s%16s", width, "feed", "hits/s", "hits");
	if (!r || !r->valid) {
		put(s, row, 0, "(rates after the next refresh)");
		return row + lines;
	}
	for (int i = 0; i < lines && (size_t)i < r->nfeeds; i++) {
		rate_text(r, r->feeds[i].rate, per_s, sizeof(per_s));
		put(s, row + i, 0, "%-*.*s%11s%16llu", width, width, r->feeds[i].name, per_s,
		    (unsigned long long)r->feeds[i].hits);
	}
	return row + lines;
}

/* Without --events, or before the file exists, one line says why. */
static void render_names(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s, int row,
			 int lines)
{
	const struct xdpdns_top_name *most[64];
	size_t n;

	if (!v->names) {
		put(s, row, 0, "names: no event stream");
		put(s, row + 1, 0,
		    "run the daemon with an event file, then 'xdpdns top --events FILE'");
		return;
	}
	put(s, row, 0, "%6s  %-9s %-16s %s (last %.0f s; %llu bad lines)", "hits", "action", "feed",
	    "name", XDPDNS_TOP_WINDOW, (unsigned long long)v->tail->bad);
	if (v->tail->fd < 0) {
		put(s, row + 1, 0, "waiting for '%s' to appear", v->tail->path);
		return;
	}

	if (lines < 1)
		return;
	if (lines > (int)(sizeof(most) / sizeof(most[0])))
		lines = sizeof(most) / sizeof(most[0]);
	n = xdpdns_top_names_most(v->names, most, lines);
	if (!n)
		put(s, row + 1, 0, "no policy hit in the last %.0f s", XDPDNS_TOP_WINDOW);
	for (size_t i = 0; i < n; i++)
		put(s, row + 1 + i, 0, "%6u  %-9.9s %-16.16s %s", most[i]->count, most[i]->action,
		    most[i]->feed, most[i]->name);
}

/* The title: what is live, the refresh, and the clock at the right. */
static void render_title(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s)
{
	int clock_col = s->cols - (int)strlen(v->clock ? v->clock : "");

	if (v->snap && !v->error)
		put(s, 0, 0, "xdpdns top - generation %llu, %u rules - every %.1f s",
		    (unsigned long long)v->snap->generation, v->snap->rules, v->interval);
	else
		put(s, 0, 0, "xdpdns top - every %.1f s", v->interval);
	if (v->clock && clock_col > (int)strlen(xdpdns_top_line(s, 0)))
		put(s, 0, clock_col, "%s", v->clock);
}

void xdpdns_top_render(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s)
{
	int row, rest, feed_lines;
	size_t nfeeds;

	memset(s->text, 0, (size_t)s->rows * (s->cols + 1));
	render_title(v, s);
	if (v->error || !v->snap) {
		put(s, 2, 0, "%s", v->error ? v->error : "no counters read yet");
		put(s, 3, 0, "retrying every %.1f s; q quits", v->interval);
		return;
	}

	row = render_counters(v, s, 2) + 1;

	/* What is left goes to the feeds (a third at most) and the names. */
	rest = s->rows - row - 2;
	nfeeds = v->rates && v->rates->valid ? v->rates->nfeeds : 1;
	feed_lines = rest / 3 > 1 ? rest / 3 : 1;
	if ((size_t)feed_lines > nfeeds)
		feed_lines = nfeeds ? nfeeds : 1;
	row = render_feeds(v, s, row, feed_lines);
	render_names(v, s, row, s->rows - row - 1);
}
