/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replacing one feed with a new version of its list: read the file into a
 * scratch feed, check it against the stored version, then store it. What
 * `xdpdns load` does, and what the daemon will do on every change. A
 * version that cannot be read, or that loses too many rules at once, never
 * replaces the stored one.
 */
#ifndef XDPDNS_FEEDLOAD_H
#define XDPDNS_FEEDLOAD_H

#include "feeds.h"
#include "store.h"

/* The default safety valve: refuse a version that loses over half the rules. */
#define XDPDNS_MAX_SHRINK_DEFAULT	0.5

struct xdpdns_load_spec {
	const char *feed;		/* feed name, valid (xdpdns_feed_name_valid) */
	const char *path;		/* the file to read */
	const char *source;		/* recorded as the feed's source: path or URL */
	enum xdpdns_format format;
	__u8 action;			/* of every rule that has none of its own */
	__u8 ede;			/* 0 or XDPDNS_EDE_* */
	__u8 kind;			/* XDPDNS_KIND_* of an entry that has none of its own */
	double max_shrink;		/* refuse losing more than this share; < 0: never */
};

struct xdpdns_load_result {
	struct xdpdns_feed_counts counts;
	enum xdpdns_format detected;
	size_t old_rules;		/* the stored version's, 0 for a new feed */
	size_t new_rules;
	double read_ms;
};

/*
 * Read spec->path into scratch (empty, zeroed). Returns 0 or -errno, the
 * failure reported naming the file.
 */
int xdpdns_load_read(const struct xdpdns_load_spec *spec, struct xdpdns_feed *scratch,
		     struct xdpdns_load_result *res);

/*
 * Replace the feed's rules in st (open for writing) with scratch, which is
 * emptied, and store the feed and the feed list. A new feed goes at the end
 * of the feed order. Returns 0; -ERANGE, reported, when the new version
 * would lose more than spec->max_shrink of the stored rules (nothing is
 * changed); or -errno.
 */
int xdpdns_load_replace(struct xdpdns_state *st, const struct xdpdns_load_spec *spec,
			struct xdpdns_feed *scratch, struct xdpdns_load_result *res);

/* Free what a scratch feed holds. */
void xdpdns_load_scratch_free(struct xdpdns_feed *scratch);

#endif /* XDPDNS_FEEDLOAD_H */
