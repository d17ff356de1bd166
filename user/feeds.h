/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Feed files: the lists operators already have, read into names. Plain
 * domain lists (one name a line) and hosts files (only lines that send a
 * name to a blocking address are rules; the machine's own names never are).
 * Every name is normalised once (lower case, no trailing dot, IDN to
 * A-labels, DNS length limits), and every bad line is reported with its
 * file and line number and skipped.
 */
#ifndef XDPDNS_FEEDS_H
#define XDPDNS_FEEDS_H

#include <stdbool.h>
#include "policy.h"

enum xdpdns_format {
	XDPDNS_FMT_AUTO = 0,	/* decided from the first rule-like line */
	XDPDNS_FMT_DOMAINS,
	XDPDNS_FMT_HOSTS,
};

/* "auto", "domains", "hosts" to a format, or -1. */
int xdpdns_format_parse(const char *name);

/* The name of a format ("hosts"), or NULL for none. */
const char *xdpdns_format_name(enum xdpdns_format fmt);

/*
 * What one read of a feed file found, for reports and monitoring. Every
 * line read either gave names, or was skipped, or was bad.
 */
struct xdpdns_feed_counts {
	unsigned long lines;	/* lines read */
	unsigned long names;	/* names handed to the callback */
	unsigned long skipped;	/* blank, comment, local or non-blocking lines */
	unsigned long bad;	/* lines reported as bad and skipped */
};

/*
 * Called for each name of a feed, in file order. wildcard is true for a
 * "*.name" entry of a domain list: the names below the owner, not the
 * owner itself. line is the 1-based line number. A non-zero return stops
 * the read and is returned by xdpdns_feed_read().
 */
typedef int (*xdpdns_feed_name_fn)(const struct xdpdns_name *name, bool wildcard,
				   unsigned long line, void *arg);

/*
 * Read the feed file at path in format fmt (AUTO: detect it; *detected, if
 * not NULL, gets the format used). Bad lines are reported on stderr as
 * "xdpdns: warning: PATH:LINE: REASON" (the first few of them, then one
 * line with how many more) and counted; they never stop the read. Returns
 * 0, -errno when the file cannot be read (reported, naming the file), or
 * the callback's non-zero return.
 *
 * Both formats: a line whose first non-blank character is '#' or '!' is a
 * comment, and a '#' anywhere starts a comment to the end of the line; CR
 * counts as a blank, so CRLF files read the same; a UTF-8 byte order mark
 * at the start is ignored. A name may hold letters, digits, '-', '_' and
 * '.', and UTF-8, which is converted to A-labels (UTS #46 non-transitional,
 * then transitional); anything else, backslash escapes included, makes the
 * line bad. A bad line gives no names at all, even the good ones on it.
 *
 * Domain list: one name a line, or "*.name" for the names below it.
 * Hosts file: "ADDRESS NAME..."; only 0.0.0.0, 127.0.0.1, :: and ::1 (in
 * any spelling inet_pton() accepts) make rules; lines with other addresses
 * (an IPv6 scope such as "%lo0" allowed) are skipped. The machine's own
 * names (localhost, localhost.localdomain, local, broadcasthost, 0.0.0.0,
 * ip6-*) are dropped silently; a line left with none counts as skipped.
 * AUTO picks hosts if the first token of the first line that is not blank
 * or a comment is an IP address, else domains (also for an empty file).
 *
 * counts may be NULL; it is zeroed first. *detected is set only once the
 * file is open. -EINVAL for an unknown fmt, -ENOMEM if a hosts line needs
 * more memory than there is.
 */
int xdpdns_feed_read(const char *path, enum xdpdns_format fmt, xdpdns_feed_name_fn fn,
		     void *arg, struct xdpdns_feed_counts *counts,
		     enum xdpdns_format *detected);

#endif /* XDPDNS_FEEDS_H */
