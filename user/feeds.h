/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Feed files: the lists operators already have, read into names. Plain
 * domain lists (one name a line), hosts files (only lines that send a
 * name to a blocking address are rules; the machine's own names never are),
 * the first column of CSV files, AdBlock-style lists (the rules a DNS
 * blocker honours) and RPZ zone files (QNAME triggers). Every name is
 * normalised once (lower case, no trailing dot, IDN to A-labels, DNS length
 * limits), and every bad line is reported with its file and line number and
 * skipped.
 */
#ifndef XDPDNS_FEEDS_H
#define XDPDNS_FEEDS_H

#include <stdbool.h>
#include "policy.h"

enum xdpdns_format {
	XDPDNS_FMT_AUTO = 0,	/* decided from the first rule-like line */
	XDPDNS_FMT_DOMAINS,
	XDPDNS_FMT_HOSTS,
	XDPDNS_FMT_ADBLOCK,
	XDPDNS_FMT_RPZ,
	XDPDNS_FMT_CSV,
};

/* "auto", "domains", "hosts", "adblock", "rpz", "csv" to a format, or -1. */
int xdpdns_format_parse(const char *name);

/* The name of a format ("hosts"), or NULL for none. */
const char *xdpdns_format_name(enum xdpdns_format fmt);

/* Why an AdBlock line gave no rule, beyond blanks and comments. */
enum xdpdns_adblock_skip {
	XDPDNS_AB_COSMETIC,	/* element hiding and scripts: "##", "#@#", "#$#", ... */
	XDPDNS_AB_MODIFIER,	/* a "$" option other than important and badfilter */
	XDPDNS_AB_PATTERN,	/* not a whole name: "*", a path, a regex, no "^" */
	XDPDNS_AB_OVERRIDDEN,	/* never decides: an exception or $badfilter covers it */
	XDPDNS_AB_SKIP_MAX,
};

/*
 * The RPZ triggers that need the resolver's answer or data the datapath
 * cannot give; they make no rule, so the resolver decides those names.
 */
enum xdpdns_rpz_left {
	XDPDNS_RPZ_LEFT_IP,		/* rpz-ip: the answer's addresses */
	XDPDNS_RPZ_LEFT_NSDNAME,	/* rpz-nsdname: the name servers' names */
	XDPDNS_RPZ_LEFT_NSIP,		/* rpz-nsip: the name servers' addresses */
	XDPDNS_RPZ_LEFT_CLIENT_IP,	/* rpz-client-ip: per-client policy */
	XDPDNS_RPZ_LEFT_CNAME,		/* a CNAME to another name (walled garden) */
	XDPDNS_RPZ_LEFT_LOCAL,		/* local data of types other than A, AAAA */
	XDPDNS_RPZ_LEFT_MAX,
};

/* Short names for monitoring ("cosmetic", "rpz-ip"), or NULL. */
const char *xdpdns_adblock_skip_name(enum xdpdns_adblock_skip why);
const char *xdpdns_rpz_left_name(enum xdpdns_rpz_left why);

/*
 * What one read of a feed file found, for reports and monitoring. Every
 * line read either gave names, or was skipped, or was bad; in an RPZ zone
 * file, where a record may span lines, skipped and bad count records.
 */
struct xdpdns_feed_counts {
	unsigned long lines;	/* lines read */
	unsigned long names;	/* names handed to the callback */
	unsigned long skipped;	/* blank, comment, local, non-blocking or unusable */
	unsigned long bad;	/* lines reported as bad and skipped */
	unsigned long allows;	/* of names, those with an allow action of their own */
	unsigned long adblock[XDPDNS_AB_SKIP_MAX];	/* of skipped, by reason */
	unsigned long rpz_left[XDPDNS_RPZ_LEFT_MAX];	/* triggers, by kind */
	unsigned long rpz_extra_addrs;	/* A or AAAA records after the first of their
					 * type at a trigger: not answered */
};

/*
 * One entry of a feed, as handed to the callback. A format that says how
 * much a name covers (a domain list's "*.name", AdBlock's "||" and "|",
 * RPZ's exact and "*." owners) sets kind; a format whose entries carry their
 * own action (AdBlock exceptions, RPZ) sets action. Zero leaves either to
 * the feed's defaults.
 */
struct xdpdns_feed_entry {
	const struct xdpdns_name *name;
	unsigned long line;	/* 1-based line of the entry */
	__u8 kind;		/* XDPDNS_KIND_* bits, or 0 for the feed's kind */
	__u8 action;		/* enum xdpdns_action, or PASS for the feed's action */
	const struct xdpdns_sinkaddr *addr;	/* a sinkhole's own addresses (RPZ
						 * local data), or NULL */
};

/*
 * Called for each entry of a feed, in file order; AdBlock entries come
 * lowest rank first, then in file order, and an RPZ trigger comes at the
 * line of its first record, once the whole zone is read (see
 * xdpdns_feed_read()). A non-zero return stops the read and is returned by
 * xdpdns_feed_read().
 */
typedef int (*xdpdns_feed_entry_fn)(const struct xdpdns_feed_entry *entry, void *arg);

/*
 * Read the feed file at path in format fmt (AUTO: detect it; *detected, if
 * not NULL, gets the format used). Bad lines are reported on stderr as
 * "xdpdns: warning: PATH:LINE: REASON" (the first few of them, then one
 * line with how many more) and counted; they never stop the read. Returns
 * 0, -errno when the file cannot be read (reported, naming the file), or
 * the callback's non-zero return.
 *
 * Every format: CR counts as a blank, so CRLF files read the same; a UTF-8
 * byte order mark at the start is ignored. A name may hold letters,
 * digits, '-', '_' and '.', and UTF-8, which is converted to A-labels
 * (UTS #46 non-transitional, then transitional); anything else, backslash
 * escapes included, makes the line bad. A bad line gives no names at all,
 * even the good ones on it.
 *
 * Domain lists and hosts files: a line whose first non-blank character is
 * '#' or '!' is a comment, and a '#' anywhere starts a comment to the end
 * of the line.
 * Domain list: one name a line, or "*.name" for the names below it.
 * Hosts file: "ADDRESS NAME..."; only 0.0.0.0, 127.0.0.1, :: and ::1 (in
 * any spelling inet_pton() accepts) make rules; lines with other addresses
 * (an IPv6 scope such as "%lo0" allowed) are skipped. The machine's own
 * names (localhost, localhost.localdomain, local, broadcasthost, 0.0.0.0,
 * ip6-*) are dropped silently; a line left with none counts as skipped.
 * CSV: the first non-blank line is a header and skipped; the name is the
 * first field of every other line, fields being split at the first of
 * ';', ',' or a tab that the header holds, blanks and double quotes
 * around it removed. Later fields are never read, so they may be in any
 * encoding.
 * AdBlock: see feeds_adblock.c; "||name^" (the name and its subtree),
 * "|name^" and a bare name (the name alone), each also as an "@@"
 * exception (allow), optionally with "$important"; "$badfilter" cancels
 * the rule it repeats. What AdGuard Home decides is kept exactly: a rule
 * that a higher-ranked rule (important exception, important block,
 * exception, block) covers never decides and is left out, and the entries
 * come lowest rank first, so a later entry of the same owner wins.
 * Everything else is skipped and counted by reason, never half applied.
 * RPZ: see feeds_rpz.c; read with ldns, QNAME triggers only.
 *
 * AUTO decides on the first line that is not blank or a comment ('#',
 * '!', ';'): a "[Adblock" header, or a line starting "||", "|" or "@@" or
 * holding '^' or "##": adblock; "$TTL", "$ORIGIN", "@", or a record type
 * or class among its first words: rpz; an IP address first: hosts; a ';'
 * or ',': csv; else domains (also for an empty file).
 *
 * counts may be NULL; it is zeroed first. *detected is set only once the
 * file is open. -EINVAL for an unknown fmt, -ENOMEM when memory runs out.
 */
int xdpdns_feed_read(const char *path, enum xdpdns_format fmt, xdpdns_feed_entry_fn fn,
		     void *arg, struct xdpdns_feed_counts *counts,
		     enum xdpdns_format *detected);

#endif /* XDPDNS_FEEDS_H */
