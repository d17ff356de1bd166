/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `xdpdns top` shows, apart from the terminal: rates from two
 * snapshots of the counters, the busiest feeds, the names most hit in the
 * daemon's event stream (a JSON line per sampled policy hit, followed like
 * tail -F), and the screen laid out as lines of text. The command itself
 * (user/cli_top.c) only reads the maps, keeps time and drives the terminal.
 */
#ifndef XDPDNS_TOP_H
#define XDPDNS_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "metrics.h"

/* A feed's hits per second between two snapshots. */
struct xdpdns_top_feed {
	char name[XDPDNS_FEED_NAME_MAX + 1];
	double rate;
	__u64 hits;			/* total, as of the later snapshot */
};

struct xdpdns_top_rates {
	bool valid;			/* two snapshots were compared */
	double counter[XDPDNS_CNT_COUNT];	/* per second */
	double reasons;			/* the pass reasons summed, per second */
	struct xdpdns_top_feed *feeds;	/* busiest first */
	size_t nfeeds;
};

/*
 * The rates between snapshot prev and the later cur, seconds apart, into
 * *out (its feeds replaced, the caller's to free with xdpdns_top_rates_free).
 * A counter lower in cur than in prev was reset (the maps were created
 * again): its whole value counts as the delta. Feeds are matched by name
 * and sorted by rate, then total hits, then name. Returns 0 or -ENOMEM.
 */
int xdpdns_top_rates(const struct xdpdns_metrics *prev, const struct xdpdns_metrics *cur,
		     double seconds, struct xdpdns_top_rates *out);

void xdpdns_top_rates_free(struct xdpdns_top_rates *r);

/* The pass reasons of a snapshot summed: not_dns through bad_edns. */
__u64 xdpdns_top_reasons(const struct xdpdns_metrics *m);

#define XDPDNS_TOP_WINDOW	60.0	/* seconds of events the names panel counts */
#define XDPDNS_TOP_NAMES_MAX	4096	/* distinct names held at once */
#define XDPDNS_TOP_HITS_MAX	65536	/* events held in the window at once */
#define XDPDNS_TOP_FIELD_MAX	256	/* bytes kept of a name, action or feed */

struct xdpdns_top_name {
	char name[XDPDNS_TOP_FIELD_MAX];
	char action[24];
	char feed[XDPDNS_FEED_NAME_MAX + 1];
	__u32 count;			/* hits in the window; 0: a free entry */
};

/* One event in the window: which name, when it was read. */
struct xdpdns_top_hit {
	__u32 name;			/* index in names[] */
	double time;
};

/* Names hit in the last XDPDNS_TOP_WINDOW seconds of events read. */
struct xdpdns_top_names {
	struct xdpdns_top_name *names;
	size_t nnames;			/* entries in use or freed, <= NAMES_MAX */
	struct xdpdns_top_hit *hits;	/* a ring, oldest at first */
	size_t first, nhits;
	__u64 dropped;			/* events not counted: no room */
};

/* Returns 0 or -ENOMEM. */
int xdpdns_top_names_init(struct xdpdns_top_names *n);
void xdpdns_top_names_free(struct xdpdns_top_names *n);

/*
 * Count one hit of name, read at time now (seconds, any clock that only
 * goes forward), with its action and feed (the latest are shown). The
 * strings are copied, cut to the field size.
 */
void xdpdns_top_names_add(struct xdpdns_top_names *n, const char *name, const char *action,
			  const char *feed, double now);

/* Forget the hits read before now - XDPDNS_TOP_WINDOW. */
void xdpdns_top_names_expire(struct xdpdns_top_names *n, double now);

/*
 * The most hit names, up to max, into out[] (pointers into n, valid until
 * the next add or expire), most hits first, then by name. Returns the count.
 */
size_t xdpdns_top_names_most(const struct xdpdns_top_names *n,
			     const struct xdpdns_top_name **out, size_t max);

#define XDPDNS_TOP_LINE_MAX	4096	/* longer event lines are bad lines */

/*
 * An event file followed like tail -F: from its end when it exists at the
 * start, from its beginning when it appears later or is replaced (rotated:
 * another inode at the path) or truncated. A last line without its newline
 * waits for the rest.
 */
struct xdpdns_top_tail {
	char *path;
	int fd;				/* -1 while the file is missing */
	dev_t dev;
	ino_t ino;
	off_t off;			/* bytes of the open file read */
	char line[XDPDNS_TOP_LINE_MAX];
	size_t len;			/* bytes of an unfinished line in line[] */
	bool skipping;			/* inside a line too long: drop it to its end */
	__u64 events;			/* lines counted as hits */
	__u64 bad;			/* lines that are not an event */
};

/* Start following path from its end. Returns 0 or -ENOMEM. */
int xdpdns_top_tail_open(struct xdpdns_top_tail *t, const char *path);
void xdpdns_top_tail_close(struct xdpdns_top_tail *t);

/*
 * Read what was appended since the last poll (following a rotation or a
 * truncation) and count each event line in names at time now. Returns the
 * number of events read.
 */
size_t xdpdns_top_tail_poll(struct xdpdns_top_tail *t, struct xdpdns_top_names *names,
			    double now);

/*
 * Parse one event line, {"time":..., "client":..., "name":..., "qtype":...,
 * "action":..., "feed":...}, and count it in names at time now. A line that
 * is not such an object, or lacks a string name, action or feed, is not
 * counted. Returns true if counted.
 */
bool xdpdns_top_event(const char *line, struct xdpdns_top_names *names, double now);

/*
 * Copy in to out (size bytes, NUL included), every byte that is not
 * printable ASCII (control bytes, DEL, and every byte of UTF-8 or other
 * encodings, whose width a terminal decides) written as '?', so that
 * nothing read from the event stream can move the cursor or change the
 * terminal. Returns out.
 */
char *xdpdns_top_sanitize(const char *in, char *out, size_t size);

/* What one screen shows. */
struct xdpdns_top_view {
	const char *error;		/* not attached and why; NULL when attached */
	const struct xdpdns_metrics *snap;	/* the latest snapshot */
	const struct xdpdns_top_rates *rates;
	const struct xdpdns_top_names *names;	/* NULL: no --events */
	const struct xdpdns_top_tail *tail;	/* with names */
	double interval;
	const char *clock;		/* "09:30:01", shown top right */
};

/* A screen of rows lines of at most cols printable characters each. */
struct xdpdns_top_screen {
	int rows, cols;
	char *text;			/* rows lines of cols + 1 bytes, NUL-ended */
};

#define XDPDNS_TOP_COLS_MIN	80
#define XDPDNS_TOP_ROWS_MIN	24

/* Room for rows x cols. Returns 0 or -ENOMEM. */
int xdpdns_top_screen_init(struct xdpdns_top_screen *s, int rows, int cols);
void xdpdns_top_screen_free(struct xdpdns_top_screen *s);

/* Line i of the screen. */
static inline char *xdpdns_top_line(const struct xdpdns_top_screen *s, int i)
{
	return s->text + (size_t)i * (s->cols + 1);
}

/*
 * Lay v out on s: a title line, the frame and query rates, each verdict and
 * pass reason per second and in total, the busiest feeds, then the most hit
 * names with what the names take of a wider screen. A line is cut at
 * s->cols; lines left over are empty. Every byte written is printable ASCII.
 */
void xdpdns_top_render(const struct xdpdns_top_view *v, struct xdpdns_top_screen *s);

#endif /* XDPDNS_TOP_H */
