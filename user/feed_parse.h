/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the feed parsers share (feeds.c, feeds_adblock.c, feeds_rpz.c):
 * one reader per file, the tokenizer, name checks and normalisation, bad
 * lines reported by file and line, and the hand-over of entries. Not for
 * other modules: they use feeds.h.
 */
#ifndef XDPDNS_FEED_PARSE_H
#define XDPDNS_FEED_PARSE_H

#include <stdio.h>
#include "feeds.h"

#define FEED_SHOW_MAX	64		/* bytes of a token quoted in a warning */

struct feed_reader {
	const char *path;
	enum xdpdns_format fmt;		/* AUTO until detected */
	xdpdns_feed_entry_fn fn;
	void *arg;
	struct xdpdns_feed_counts *counts;
	struct xdpdns_name *names;	/* the names of one hosts line */
	size_t names_cap;		/* grows to the most names a line had */
	char csv_sep;			/* the CSV field separator, 0 before the header */
	struct adblock_rules *adblock;	/* AdBlock rules until the end of the file */
	char why[48];			/* a reason that names a character */
	char shown[FEED_SHOW_MAX + 4];	/* a token as quoted in a warning */
};

bool feed_is_space(char c);
char *feed_skip_space(char *s);

/*
 * The next token at *p, NUL-terminated in place, or NULL at the end of the
 * line; a '#' ends the line (hosts(5) comments).
 */
char *feed_next_token(char **p);

/* tok as quoted in a warning: cut to FEED_SHOW_MAX bytes, control bytes as '?'. */
const char *feed_show_token(struct feed_reader *rd, const char *tok);

/*
 * Count a bad line (line rd->counts->lines) and show it if it is among the
 * first of the file. Returns 0, so that a parser can return it.
 */
__attribute__((format(printf, 2, 3)))
int feed_line_bad(struct feed_reader *rd, const char *fmt, ...);

/* The same for a record read earlier, at line. */
__attribute__((format(printf, 3, 4)))
int feed_bad_at(struct feed_reader *rd, unsigned long line, const char *fmt, ...);

/* feed_line_bad() for a name that does not parse: "bad name 'TOK': WHY". */
int feed_name_bad(struct feed_reader *rd, const char *tok, const char *why);

/*
 * One name token to normalised wire form. With wildcard_ok, a leading "*."
 * is taken off and *wildcard set. Returns 0 or -EINVAL with *why set.
 */
int feed_parse_name(struct feed_reader *rd, const char *tok, bool wildcard_ok,
		    struct xdpdns_name *name, bool *wildcard, const char **why);

/*
 * Hand one entry to the callback and count it; returns the callback's
 * return. addr: a sinkhole's own addresses, or NULL.
 */
int feed_emit(struct feed_reader *rd, const struct xdpdns_name *name, __u8 kind,
	      __u8 action, const struct xdpdns_sinkaddr *addr, unsigned long line);

/*
 * Room for need elements of elem bytes in *buf (capacity *cap, doubled as
 * needed). Returns 0 or -ENOMEM, reported naming the file.
 */
int feed_grow(struct feed_reader *rd, void **buf, size_t *cap, size_t need, size_t elem);

/*
 * Wire names back to back, for the formats that keep their entries until
 * the end of the file: a few bytes a name where a struct xdpdns_name takes
 * hundreds, so a zone of a million records stays small.
 */
struct feed_names {
	__u8 *wire;
	size_t len, cap;
};

/* Keep name's wire bytes; *off gets where. Returns 0 or -ENOMEM, reported. */
int feed_names_keep(struct feed_reader *rd, struct feed_names *a, const struct xdpdns_name *name,
		    __u32 *off);

/* feed_emit() for a kept name. */
int feed_names_emit(struct feed_reader *rd, const struct feed_names *a, __u32 off, __u8 len,
		    __u8 kind, __u8 action, const struct xdpdns_sinkaddr *addr,
		    unsigned long line);

/* AdBlock: one line, and what the rules of the whole file give at its end. */
int feed_adblock_line(struct feed_reader *rd, char *line);
int feed_adblock_finish(struct feed_reader *rd);
void feed_adblock_free(struct feed_reader *rd);

/* RPZ: the whole zone file, with ldns. */
int feed_rpz_read(struct feed_reader *rd, FILE *f);

#endif /* XDPDNS_FEED_PARSE_H */
