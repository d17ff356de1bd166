// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/feeds.c: the real lists in ../shared/data/feeds read
 * with their counts worked out independently (see each test), and crafted
 * files for every rule of the formats: comments, CRLF, wildcards, IDN,
 * length limits, hosts addresses and local names, auto-detection, the cap
 * on warnings, unreadable paths and a callback that stops the read. The
 * warnings are captured from stderr and checked word for word where the
 * wording is part of the contract. No root needed.
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
#include <arpa/inet.h>
#include <cmocka.h>

#include "feeds.h"
#include "log.h"

#define FEEDS_DIR	"../shared/data/feeds"	/* from the repository root */
#define PHISHING	FEEDS_DIR "/domains/blocklistproject_phishing-nl.txt"
#define SCAM_DOMAINS	FEEDS_DIR "/domains/blocklistproject_scam-nl.txt"
#define DNSBUNKER	FEEDS_DIR "/domains/dnsbunker_cti_domains.txt"
#define SMARTTV		FEEDS_DIR "/domains/perflyst_SmartTV.txt"
#define SCAM_HOSTS	FEEDS_DIR "/hosts/blocklistproject_scam.txt"
#define STEVENBLACK	FEEDS_DIR "/hosts/stevenblack_hosts.txt"
#define SCAM_ADBLOCK	FEEDS_DIR "/adblock/blocklistproject_scam-ags.txt"
#define CTI_ADBLOCK	FEEDS_DIR "/adblock/dnsbunker_cti_adblock.txt"
#define SMARTTV_AGH	FEEDS_DIR "/adblock/perflyst_SmartTV-AGH.txt"
#define CTI_RPZ		FEEDS_DIR "/rpz/dnsbunker_cti_rpz.txt"
#define MFCR_TXT	FEEDS_DIR "/regulatory/cz-mfcr_blacklist.txt"
#define MFCR_CSV	FEEDS_DIR "/regulatory/cz-mfcr_v70.csv"
#define CONSOB		FEEDS_DIR "/regulatory/it-consob_2024020200.txt"
#define REFILTER	FEEDS_DIR "/regulatory/ru-refilter_domains_all.lst"
#define STOP_CODE	42			/* what the stopping callback returns */

#define L10		"abcdefghij"
#define L63		L10 L10 L10 L10 L10 L10 "abc"
#define L64		L63 "d"

/* One read of a feed, with what the callback saw and what went to stderr. */
struct run {
	char path[64];			/* the temp file, for expected messages */
	int err;
	struct xdpdns_feed_counts counts;
	enum xdpdns_format detected;
	char **names;			/* presentation form, "*." before a below-rule */
	unsigned long *lines;		/* the line of each name */
	__u8 *kinds, *actions;		/* of each entry, 0 when left to the feed */
	struct xdpdns_sinkaddr *addrs;	/* of each entry, families 0 for none */
	size_t n, cap;
	size_t stop_at;			/* return STOP_CODE on this name (1-based) */
	char *warnings;			/* everything written to stderr */
};

static int collect(const struct xdpdns_feed_entry *e, void *arg)
{
	char text[XDPDNS_NAME_TEXT_MAX];
	struct run *r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->names = realloc(r->names, r->cap * sizeof(*r->names));
		r->lines = realloc(r->lines, r->cap * sizeof(*r->lines));
		r->kinds = realloc(r->kinds, r->cap);
		r->actions = realloc(r->actions, r->cap);
		r->addrs = realloc(r->addrs, r->cap * sizeof(*r->addrs));
		assert_true(r->names && r->lines && r->kinds && r->actions && r->addrs);
	}
	xdpdns_name_format(e->name, text, sizeof(text));
	assert_int_not_equal(asprintf(&r->names[r->n], "%s%s",
				      e->kind == XDPDNS_KIND_BELOW ? "*." : "", text), -1);
	r->lines[r->n] = e->line;
	r->kinds[r->n] = e->kind;
	r->actions[r->n] = e->action;
	memset(&r->addrs[r->n], 0, sizeof(r->addrs[r->n]));
	if (e->addr)
		r->addrs[r->n] = *e->addr;
	return ++r->n == r->stop_at ? STOP_CODE : 0;
}

static int ignore(const struct xdpdns_feed_entry *e, void *arg)
{
	return 0;
}

static char *slurp(FILE *f)
{
	long size = ftell(f);
	char *buf = malloc(size + 1);

	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, size, f), size);
	buf[size] = '\0';
	return buf;
}

/* Read path into r, with stderr captured into r->warnings. */
static void read_path(const char *path, enum xdpdns_format fmt, struct run *r)
{
	FILE *cap = tmpfile();
	int saved;

	assert_non_null(cap);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(cap), STDERR_FILENO), STDERR_FILENO);

	r->detected = -1;
	r->err = xdpdns_feed_read(path, fmt, collect, r, &r->counts, &r->detected);

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	fseek(cap, 0, SEEK_END);
	r->warnings = slurp(cap);
	fclose(cap);
}

/* Write len bytes of text to a temp file, read it as fmt, remove it. */
static void read_bytes(const char *text, size_t len, enum xdpdns_format fmt, struct run *r)
{
	int fd;

	strcpy(r->path, "/tmp/xdpdns-test-feed-XXXXXX");
	fd = mkstemp(r->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), len);
	close(fd);
	read_path(r->path, fmt, r);
	unlink(r->path);
}

static void read_text(const char *text, enum xdpdns_format fmt, struct run *r)
{
	read_bytes(text, strlen(text), fmt, r);
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	free(r->lines);
	free(r->kinds);
	free(r->actions);
	free(r->addrs);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

static bool has_name(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

static void assert_counts(const struct run *r, unsigned long lines, unsigned long names,
			  unsigned long skipped, unsigned long bad)
{
	if (r->counts.lines != lines || r->counts.names != names ||
	    r->counts.skipped != skipped || r->counts.bad != bad)
		fail_msg("lines/names/skipped/bad %lu/%lu/%lu/%lu, want %lu/%lu/%lu/%lu",
			 r->counts.lines, r->counts.names, r->counts.skipped, r->counts.bad,
			 lines, names, skipped, bad);
	assert_int_equal(r->n, names);
}

static void assert_names(const struct run *r, const char *const *want, size_t n)
{
	assert_int_equal(r->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(r->names[i], want[i]);
}

/* The warning for line of the temp file, as users see it, must be there. */
static void assert_warning(const struct run *r, unsigned long line, const char *msg)
{
	char want[512];

	snprintf(want, sizeof(want), "xdpdns: warning: %s:%lu: %s\n", r->path, line, msg);
	if (!strstr(r->warnings, want))
		fail_msg("no '%s' in:\n%s", want, r->warnings);
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A real list: no error, detected as fmt, nothing printed. */
static void read_real(const char *file, enum xdpdns_format fmt, struct run *r)
{
	read_path(file, XDPDNS_FMT_AUTO, r);
	if (r->err)
		fail_msg("%s: %s", file, strerror(-r->err));
	assert_int_equal(r->detected, fmt);
	assert_string_equal(r->warnings, "");
}

/*
 * Expected counts of the real lists, from the shell, with comment lines
 * /^[ \t]*[#!]/, blank lines /^[ \t]*$/, and the rest content:
 *   lines:   wc -l (every file ends in a newline)
 *   skipped: blank + comment lines (+ the hosts lines below)
 *   names:   awk '!/^[ \t]*([#!]|$)/' | wc -l; no content line has a
 *            second token (awk NF after removing '#...'), every token is
 *            [A-Za-z0-9_.-]+ with no empty label and no label over 63.
 * Each names count equals the "entries" and "distinct" columns of
 * SOURCES.md.
 */

/* 190228 lines: 12 comments, 1 blank, 190215 names. */
static void test_phishing_domains_counts_and_names(void **state)
{
	struct run r = { 0 };

	read_real(PHISHING, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 190228, 190215, 13, 0);
	assert_string_equal(r.names[0], "0.01.2.13.3.sydneypropertyinvestors.com");
	assert_int_equal(r.lines[0], 14);
	assert_string_equal(r.names[r.n - 1], "zzzzzqp.com");
	assert_int_equal(r.lines[r.n - 1], 190228);
	assert_true(has_name(&r, "0001interac.com"));
	run_free(&r);
}

/* 8540 lines: 12 comments, 1 blank, 8527 names. */
static void test_scam_domains_counts_and_names(void **state)
{
	struct run r = { 0 };

	read_real(SCAM_DOMAINS, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 8540, 8527, 13, 0);
	assert_string_equal(r.names[0], "0-google.com");
	assert_string_equal(r.names[r.n - 1], "zxnaster.com");
	run_free(&r);
}

/* 6134 lines: 8 comments, 1 blank, 6125 names. */
static void test_dnsbunker_domains_counts_and_names(void **state)
{
	struct run r = { 0 };

	read_real(DNSBUNKER, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 6134, 6125, 9, 0);
	assert_string_equal(r.names[0], "0011pgvip.com");
	assert_string_equal(r.names[r.n - 1], "zzzmoechattest.vip");
	run_free(&r);
}

/*
 * 374 lines: 101 comments (section titles and commented-out names), 28
 * blank, 245 names, one of them mixed case (grep '[A-Z]').
 */
static void test_smarttv_domains_counts_and_lower_case(void **state)
{
	struct run r = { 0 };

	read_real(SMARTTV, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 374, 245, 129, 0);
	assert_string_equal(r.names[0], "0077777700140002.myhomescreen.tv");
	assert_string_equal(r.names[r.n - 1], "androidtvwatsonfe-pa.googleapis.com");
	assert_true(has_name(&r, "coordinator-production-28516768.us-east-1.elb.amazonaws.com"));
	assert_false(has_name(&r, "Coordinator-Production-28516768.us-east-1.elb.amazonaws.com"));
	run_free(&r);
}

/* 8540 lines: 12 comments, 1 blank, 8527 "0.0.0.0 name" lines. */
static void test_scam_hosts_counts_and_names(void **state)
{
	struct run r = { 0 };

	read_real(SCAM_HOSTS, XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 8540, 8527, 13, 0);
	assert_string_equal(r.names[0], "0-google.com");
	assert_string_equal(r.names[r.n - 1], "zxnaster.com");
	run_free(&r);
}

/* SOURCES.md: the scam list in hosts and domain form holds the same names. */
static void test_scam_hosts_and_domains_give_same_names(void **state)
{
	struct run h = { 0 }, d = { 0 };

	read_real(SCAM_HOSTS, XDPDNS_FMT_HOSTS, &h);
	read_real(SCAM_DOMAINS, XDPDNS_FMT_DOMAINS, &d);
	assert_int_equal(h.n, d.n);
	for (size_t i = 0; i < h.n; i++)
		assert_string_equal(h.names[i], d.names[i]);
	run_free(&h);
	run_free(&d);
}

/*
 * 119323 lines: 4634 comments (5 of them indented), 2384 blank, 13
 * boilerplate lines 15-27 (127.0.0.1 localhost ..., 255.255.255.255
 * broadcasthost, ::1 ip6-*, fe80::1%lo0 localhost, ff0x::x ip6-*) and
 * "0.0.0.0 0.0.0.0" on line 28 are skipped: 7032. The other 112291
 * "0.0.0.0 name" lines hold one name each (awk '$1 == "0.0.0.0"', 112292
 * distinct $2 less "0.0.0.0"), as the file's header and SOURCES.md say.
 * Trailing comments such as "0.0.0.0 fe #00::0 ip6-localnet" leave "fe".
 */
static void test_stevenblack_hosts_counts_and_local_names(void **state)
{
	static const char *const absent[] = {
		"localhost", "localhost.localdomain", "local", "broadcasthost", "0.0.0.0",
		"ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix",
		"ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "00::0",
	};
	struct run r = { 0 };

	read_real(STEVENBLACK, XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 119323, 112291, 7032, 0);
	assert_string_equal(r.names[0], "eu1.clevertap-prod.com");
	assert_int_equal(r.lines[0], 40);
	assert_string_equal(r.names[r.n - 1], "zy16eoat1w.com");
	assert_int_equal(r.lines[r.n - 1], 119312);
	assert_true(has_name(&r, "docs.pipenv.org"));		/* "  # issue" after it */
	assert_true(has_name(&r, "___id___.c.mystat-in.net"));
	assert_true(has_name(&r, "fe"));
	assert_true(has_name(&r, "nlocalhost.wordtheminer.com"));
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (has_name(&r, absent[i]))
			fail_msg("local name '%s' became a rule", absent[i]);
	run_free(&r);
}

/* Read as a domain list, every "0.0.0.0 name" line has two tokens. */
static void test_hosts_file_forced_as_domains_is_all_bad_lines(void **state)
{
	struct run r = { 0 };

	read_path(SCAM_HOSTS, XDPDNS_FMT_DOMAINS, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.detected, XDPDNS_FMT_DOMAINS);
	assert_counts(&r, 8540, 0, 13, 8527);
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 11);
	assert_non_null(strstr(r.warnings, "xdpdns: warning: " SCAM_HOSTS ":14: more than "
			       "one name on the line ('0-google.com' after the name)\n"));
	assert_non_null(strstr(r.warnings, "xdpdns: warning: " SCAM_HOSTS
			       ": 8517 more bad lines not shown\n"));
	run_free(&r);
}

/*
 * Three reads of the largest list give the same names; the best time is
 * printed for the record, never judged: this machine is shared.
 */
static void test_large_list_reads_the_same_every_time(void **state)
{
	struct xdpdns_feed_counts counts;
	double best = 1e9;

	for (int i = 0; i < 3; i++) {
		double t0 = xdpdns_now_ms(), t;

		assert_int_equal(xdpdns_feed_read(PHISHING, XDPDNS_FMT_AUTO, ignore, NULL,
						  &counts, NULL), 0);
		t = xdpdns_now_ms() - t0;
		if (t < best)
			best = t;
		assert_int_equal(counts.names, 190215);
	}
	print_message("%s: %lu lines in %.1f ms (best of 3)\n", PHISHING, counts.lines, best);
}

/* Two reads hold the same names in the same order. */
static void assert_same_names(const struct run *a, const struct run *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_string_equal(a->names[i], b->names[i]);
}

static size_t count_action(const struct run *r, __u8 action)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->actions[i] == action;
	return n;
}

static void assert_all_kind(const struct run *r, __u8 kind, __u8 action)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->kinds[i] != kind || r->actions[i] != action)
			fail_msg("%s: kind %u action %u, want %u %u", r->names[i], r->kinds[i],
				 r->actions[i], kind, action);
}

/*
 * 8540 lines: 12 "!" comments, 1 blank, 8527 "||name^" lines (grep -cE
 * '^\|\|[A-Za-z0-9._-]+\^$'), the names of the domain version, in order.
 */
static void test_scam_adblock_is_the_domain_list_as_subtrees(void **state)
{
	struct run a = { 0 }, d = { 0 };

	read_real(SCAM_ADBLOCK, XDPDNS_FMT_ADBLOCK, &a);
	assert_counts(&a, 8540, 8527, 13, 0);
	assert_all_kind(&a, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_PASS);
	read_real(SCAM_DOMAINS, XDPDNS_FMT_DOMAINS, &d);
	assert_same_names(&a, &d);
	run_free(&a);
	run_free(&d);
}

/* 6137 lines: "[Adblock Plus 2.0]", 10 "!" comments, 1 blank, 6125 rules. */
static void test_cti_adblock_is_the_domain_list_as_subtrees(void **state)
{
	struct run a = { 0 }, d = { 0 };

	read_real(CTI_ADBLOCK, XDPDNS_FMT_ADBLOCK, &a);
	assert_counts(&a, 6137, 6125, 12, 0);
	assert_int_equal(a.lines[0], 13);
	read_real(DNSBUNKER, XDPDNS_FMT_DOMAINS, &d);
	assert_same_names(&a, &d);
	run_free(&a);
	run_free(&d);
}

/*
 * 290 lines (grep -c): 25 blank, 103 "!" comments (commented-out rules
 * among them), 140 "||name^" (one with " # comment", one mixed case), 4
 * "|name^", 9 "@@||name^", 4 with "$ctag", 3 with "*" in a label, 2
 * "||name." without "^". No block lies at or below an exception.
 */
static void test_smarttv_adblock_rules_exceptions_and_skips(void **state)
{
	struct run r = { 0 };

	read_real(SMARTTV_AGH, XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 290, 153, 137, 0);
	assert_int_equal(r.counts.allows, 9);
	assert_int_equal(count_action(&r, XDPDNS_ACT_ALLOW), 9);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_MODIFIER], 4);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_PATTERN], 5);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_COSMETIC], 0);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_OVERRIDDEN], 0);
	assert_true(has_name(&r, "coordinator-production-28516768.us-east-1.elb.amazonaws.com"));
	assert_true(has_name(&r, "api.thetake.com"));
	assert_true(has_name(&r, "lgtvsdp.com"));
	assert_false(has_name(&r, "de.ioam.de"));		/* $ctag */
	assert_false(has_name(&r, "fkp.samsungcloudsolution"));	/* no "^" */
	assert_false(has_name(&r, "ssm1.internet.sony.tv"));	/* "!||" */
	for (size_t i = 0; i < r.n; i++) {
		if (!strcmp(r.names[i], "lgtvsdp.com"))
			assert_int_equal(r.kinds[i], XDPDNS_KIND_EXACT);
		if (!strcmp(r.names[i], "hbbtv.zdf.de"))
			assert_int_equal(r.actions[i], XDPDNS_ACT_ALLOW);
	}
	/* Exceptions are the highest rank here: they come last. */
	assert_int_equal(r.actions[r.n - 1], XDPDNS_ACT_ALLOW);
	assert_int_equal(r.actions[r.n - 10], XDPDNS_ACT_PASS);
	run_free(&r);
}

/*
 * 12266 lines: $TTL, the SOA (7 lines), the apex NS, 12250 CNAME records,
 * each name as an apex line and a "*." line (awk '$2 == "CNAME"'), all
 * "CNAME .". The apex owners are the domain list's names, in order.
 */
static void test_cti_rpz_apex_and_wildcard_triggers(void **state)
{
	struct run r = { 0 }, d = { 0 };

	read_real(CTI_RPZ, XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 12266, 12250, 3, 0);
	assert_string_equal(r.names[0], "0011pgvip.com");
	assert_int_equal(r.lines[0], 17);
	assert_string_equal(r.names[1], "*.0011pgvip.com");
	assert_int_equal(r.kinds[0], XDPDNS_KIND_EXACT);
	assert_int_equal(r.kinds[1], XDPDNS_KIND_BELOW);
	assert_int_equal(count_action(&r, XDPDNS_ACT_NXDOMAIN), 12250);

	read_real(DNSBUNKER, XDPDNS_FMT_DOMAINS, &d);
	assert_int_equal(r.n, 2 * d.n);
	for (size_t i = 0; i < d.n; i++) {
		char wild[XDPDNS_NAME_TEXT_MAX + 2];

		snprintf(wild, sizeof(wild), "*.%s", d.names[i]);
		assert_string_equal(r.names[2 * i], d.names[i]);
		assert_string_equal(r.names[2 * i + 1], wild);
	}
	run_free(&r);
	run_free(&d);
}

/* 894 lines: 173 blank (grep -c '^[[:space:]]*$'), 721 names, one after a tab. */
static void test_mfcr_blacklist_counts(void **state)
{
	struct run r = { 0 };

	read_real(MFCR_TXT, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 894, 721, 173, 0);
	assert_string_equal(r.names[0], "thelotter.com");
	assert_true(has_name(&r, "nationalcasino.co"));
	run_free(&r);
}

/*
 * 744 CRLF lines in Windows-1250: a header, then 743 rows whose first
 * field is a name (awk -F';' 'NR > 1 { print $1 }'), one with a blank
 * after it. 22 rows have a deletion date (third field); the other 721
 * names are the .txt version's.
 */
static void test_mfcr_csv_first_column(void **state)
{
	struct run r = { 0 }, t = { 0 };
	size_t in_txt = 0;

	read_real(MFCR_CSV, XDPDNS_FMT_CSV, &r);
	assert_counts(&r, 744, 743, 1, 0);
	assert_string_equal(r.names[0], "1xbet.com");
	assert_int_equal(r.lines[0], 2);
	assert_string_equal(r.names[r.n - 1], "iceonecasino.com");
	assert_true(has_name(&r, "nationalcasino.co"));
	read_real(MFCR_TXT, XDPDNS_FMT_DOMAINS, &t);
	for (size_t i = 0; i < t.n; i++)
		in_txt += has_name(&r, t.names[i]);
	assert_int_equal(in_txt, 721);
	run_free(&r);
	run_free(&t);
}

/*
 * 1153 lines: 3 "#" comments, 4 lines of prose with U+00A0 (grep -n
 * 'sito'), 1146 names, 10 lines with upper case folded (grep -c '[A-Z]').
 */
static void test_consob_counts_and_prose_lines(void **state)
{
	struct run r = { 0 };

	read_path(CONSOB, XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.detected, XDPDNS_FMT_DOMAINS);
	assert_counts(&r, 1153, 1146, 3, 4);
	assert_non_null(strstr(r.warnings, CONSOB ":589: bad name 'sito"));
	assert_non_null(strstr(r.warnings, CONSOB ":592: bad name 'sito"));
	assert_true(has_name(&r, "worldfxm.com"));
	assert_true(has_name(&r, "bb360.market"));
	assert_true(has_name(&r, "trader.secure.redfinstocks.com"));
	run_free(&r);
}

/*
 * 86140 lines, all content: 2480 names in punycode (grep -c 'xn--') and
 * 7 IPv4 addresses (grep -nE '^[0-9.]+$'), which are bad lines.
 */
static void test_refilter_counts_and_addresses(void **state)
{
	struct run r = { 0 };

	read_path(REFILTER, XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_DOMAINS);
	assert_counts(&r, 86140, 86133, 0, 7);
	assert_non_null(strstr(r.warnings, REFILTER ":211: '119.59.99.174' is an IP address, "
			       "not a name\n"));
	assert_non_null(strstr(r.warnings, REFILTER ":1148: '212.129.24.11' is an IP "
			       "address"));
	assert_string_equal(r.names[0], "0.nb-novorossiysk.net");
	run_free(&r);
}

/* Every file of ../shared/data/feeds, detected as the format it is in. */
static void test_auto_detects_every_real_file(void **state)
{
	static const struct {
		const char *path;
		enum xdpdns_format fmt;
	} files[] = {
		{ PHISHING, XDPDNS_FMT_DOMAINS }, { SCAM_DOMAINS, XDPDNS_FMT_DOMAINS },
		{ DNSBUNKER, XDPDNS_FMT_DOMAINS }, { SMARTTV, XDPDNS_FMT_DOMAINS },
		{ SCAM_HOSTS, XDPDNS_FMT_HOSTS }, { STEVENBLACK, XDPDNS_FMT_HOSTS },
		{ SCAM_ADBLOCK, XDPDNS_FMT_ADBLOCK }, { CTI_ADBLOCK, XDPDNS_FMT_ADBLOCK },
		{ SMARTTV_AGH, XDPDNS_FMT_ADBLOCK }, { CTI_RPZ, XDPDNS_FMT_RPZ },
		{ MFCR_TXT, XDPDNS_FMT_DOMAINS }, { MFCR_CSV, XDPDNS_FMT_CSV },
		{ CONSOB, XDPDNS_FMT_DOMAINS }, { REFILTER, XDPDNS_FMT_DOMAINS },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct run r = { 0 };

		read_path(files[i].path, XDPDNS_FMT_AUTO, &r);
		assert_int_equal(r.err, 0);
		if (r.detected != files[i].fmt)
			fail_msg("%s: detected %s", files[i].path, xdpdns_format_name(r.detected));
		assert_true(r.counts.names > 0);
		run_free(&r);
	}
}

static void test_domains_comments_blanks_crlf_and_dots(void **state)
{
	static const char *const want[] = {
		"example.com", "www.example.org", "crlf.example", "dot.example",
		"tab.example", "note.example", "glued.example", "upper.example",
	};
	struct run r = { 0 };

	read_text("# a comment\n"
		  "   ! an adblock-style comment\n"
		  "\n"
		  "  \t \n"
		  "example.com\n"
		  "  www.example.org  \n"
		  "crlf.example\r\n"
		  "\r\n"
		  "dot.example.\n"
		  "\ttab.example\t\n"
		  "note.example # why it is listed\n"
		  "glued.example#no space\n"
		  "UPPER.Example\n"
		  "   # indented comment\n",
		  XDPDNS_FMT_DOMAINS, &r);
	assert_int_equal(r.err, 0);
	assert_counts(&r, 14, 8, 6, 0);
	assert_names(&r, want, 8);
	assert_int_equal(r.lines[0], 5);
	assert_int_equal(r.lines[7], 13);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

static void test_last_line_without_newline_is_read(void **state)
{
	static const char *const want[] = { "a.example", "b.example" };
	struct run r = { 0 };

	read_text("a.example\nb.example", XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 2, 2, 0, 0);
	assert_names(&r, want, 2);
	run_free(&r);
}

static void test_domains_wildcard_entry_is_flagged(void **state)
{
	static const char *const want[] = { "*.example.com", "*.tld", "plain.example" };
	struct run r = { 0 };

	read_text("*.example.com\n*.TLD.\nplain.example\n*\na.*.b\n*.*.c\n**.d\n*.\n",
		  XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 8, 3, 0, 5);
	assert_names(&r, want, 3);
	assert_warning(&r, 4,
		       "bad name '*': '*' is allowed only as a leading '*.' in a domain list");
	assert_warning(&r, 5,
		       "bad name 'a.*.b': '*' is allowed only as a leading '*.' in a domain list");
	assert_warning(&r, 8, "bad name '*.': empty name");
	run_free(&r);
}

static void test_domains_bad_names_are_reported_and_skipped(void **state)
{
	static const char *const want[] = { "good.example", "last.example" };
	struct run r = { 0 };

	read_text("good.example\n"
		  "a..b\n"
		  ".lead.example\n"
		  "two.example three.example\n"
		  "back\\046slash.example\n"
		  "dollar$.example\n"
		  ".\n"
		  "last.example\n",
		  XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 8, 2, 0, 6);
	assert_names(&r, want, 2);
	assert_warning(&r, 2, "bad name 'a..b': empty label");
	assert_warning(&r, 3, "bad name '.lead.example': empty label");
	assert_warning(&r, 4, "more than one name on the line ('three.example' after the name)");
	assert_warning(&r, 5, "bad name 'back\\046slash.example': '\\' is not allowed in a name");
	assert_warning(&r, 6, "bad name 'dollar$.example': '$' is not allowed in a name");
	assert_warning(&r, 7, "bad name '.': the root name covers every name");
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 6);
	run_free(&r);
}

/* A 63-byte label is the limit; 64 and a 300-byte name are bad lines. */
static void test_domains_length_limits(void **state)
{
	char name300[301], text[1024];
	struct run r = { 0 };

	for (int i = 0; i < 300; i++)
		name300[i] = i % 50 == 49 ? '.' : 'a';
	name300[300] = '\0';
	snprintf(text, sizeof(text), L63 ".example\n" L64 ".example\n%s\nafter.example\n",
		 name300);

	read_text(text, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 4, 2, 0, 2);
	assert_string_equal(r.names[0], L63 ".example");
	assert_string_equal(r.names[1], "after.example");
	assert_int_equal(r.lines[1], 4);
	assert_warning(&r, 2, "bad name '" L63 "d...': label longer than 63 bytes");
	assert_non_null(strstr(r.warnings, ":3: bad name 'aaaa"));
	assert_non_null(strstr(r.warnings, "...': name longer than 255 bytes\n"));
	run_free(&r);
}

/* A megabyte on one line is one bad line, not many, and the next is read. */
static void test_huge_line_is_one_bad_line(void **state)
{
	size_t len = 1 << 20;
	char *text = malloc(len + 64);
	struct run r = { 0 };

	assert_non_null(text);
	memset(text, 'a', len);
	strcpy(text + len, "\nnext.example\n");

	read_text(text, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 2, 1, 0, 1);
	assert_string_equal(r.names[0], "next.example");
	assert_int_equal(r.lines[0], 2);
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 1);
	assert_true(strlen(r.warnings) < 200);	/* the token is cut in the message */
	run_free(&r);
	free(text);
}

static void test_nul_byte_makes_a_bad_line(void **state)
{
	static const char text[] = "a.example\nbad\0.example\nb.example\n";
	static const char *const want[] = { "a.example", "b.example" };
	struct run r = { 0 };

	read_bytes(text, sizeof(text) - 1, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 3, 2, 0, 1);
	assert_names(&r, want, 2);
	assert_warning(&r, 2, "NUL byte in the line");
	run_free(&r);
}

/* Before a comment, an address or an owner, where libidn2 would not drop it. */
static void test_utf8_bom_is_ignored(void **state)
{
	static const char *const want[] = { "first.example" };
	struct run r = { 0 };

	read_text("\xef\xbb\xbf" "# comment\nfirst.example\n", XDPDNS_FMT_AUTO, &r);
	assert_counts(&r, 2, 1, 1, 0);
	assert_names(&r, want, 1);
	run_free(&r);

	read_text("\xef\xbb\xbf" "0.0.0.0 first.example\n", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_HOSTS);
	assert_counts(&r, 1, 1, 0, 0);
	assert_names(&r, want, 1);
	run_free(&r);

	read_text("\xef\xbb\xbf" "first.example. CNAME .\n", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_RPZ);
	assert_counts(&r, 1, 1, 0, 0);
	assert_names(&r, want, 1);
	run_free(&r);

	read_text("\xef\xbb\xbf" "||first.example^\n", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_ADBLOCK);
	assert_names(&r, want, 1);
	run_free(&r);
}

static void test_idn_names_become_a_labels(void **state)
{
	static const char *const want[] = {
		"xn--bcher-kva.example",	/* bücher.example */
		"xn--bcher-kva.example",	/* Bücher.Example. */
		"xn--fa-hia.de",		/* faß.de, non-transitional */
		"xn--b-dha.de",			/* ü ZWNJ b.de: transitional only */
		"*.xn--mnchen-3ya.de",		/* *.münchen.de */
		"ab_c.xn--tda.de",		/* ab_c.ü.de */
	};
	struct run r = { 0 };

	read_text("bücher.example\n"
		  "Bücher.Example.\n"
		  "faß.de\n"
		  "ü\u200cb.de\n"
		  "*.münchen.de\n"
		  "ab_c.ü.de\n",
		  XDPDNS_FMT_DOMAINS, &r);
	assert_int_equal(r.err, 0);
	assert_counts(&r, 6, 6, 0, 0);
	assert_names(&r, want, 6);
	run_free(&r);
}

static void test_idn_failures_are_bad_lines(void **state)
{
	char text[512];
	struct run r = { 0 };

	snprintf(text, sizeof(text), "%s\n%s\n%s\n%s\n",
		 "bad\xff" "utf8.example",		/* not UTF-8 */
		 "\xc2\xa0" "nbsp.example",		/* U+00A0 maps to a space */
		 "ü..example",				/* empty label after IDNA */
		 "\u2488.com");				/* a disallowed character */
	read_text(text, XDPDNS_FMT_DOMAINS, &r);
	assert_counts(&r, 4, 0, 0, 4);
	assert_non_null(strstr(r.warnings, ":1: bad name 'bad\xff" "utf8.example': "));
	assert_warning(&r, 2, "bad name '\xc2\xa0" "nbsp.example': ' ' is not allowed in a name");
	assert_warning(&r, 3, "bad name 'ü..example': empty label");
	assert_non_null(strstr(r.warnings, ":4: bad name '\u2488.com': "));
	run_free(&r);
}

static void test_hosts_blocking_addresses_are_rules(void **state)
{
	static const char *const want[] = {
		"a.example", "b.example", "c.example", "d.example", "e.example",
		"f1.example", "f2.example", "f3.example", "g.example",
	};
	struct run r = { 0 };

	read_text("0.0.0.0 a.example\n"
		  "127.0.0.1\tb.example\n"
		  ":: c.example\n"
		  "::1 d.example\n"
		  "0:0:0:0:0:0:0:0 e.example\r\n"
		  "0.0.0.0 f1.example F2.Example. f3.example # three names\n"
		  "  0.0.0.0   g.example#glued comment\n",
		  XDPDNS_FMT_HOSTS, &r);
	assert_int_equal(r.err, 0);
	assert_counts(&r, 7, 9, 0, 0);
	assert_names(&r, want, 9);
	assert_int_equal(r.lines[5], 6);
	assert_int_equal(r.lines[7], 6);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

static void test_hosts_other_addresses_are_skipped(void **state)
{
	static const char *const want[] = { "kept.example" };
	struct run r = { 0 };

	read_text("192.168.1.10 nas.lan\n"
		  "10.0.0.1 router.lan other.lan\n"
		  "255.255.255.255 broadcasthost\n"
		  "fe80::1%lo0 localhost\n"
		  "ff02::1 ip6-allnodes\n"
		  "::ffff:0.0.0.0 mapped.example\n"
		  "127.0.0.2 loopback-net.example\n"
		  "0.0.0.0 kept.example\n",
		  XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 8, 1, 7, 0);
	assert_names(&r, want, 1);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

static void test_hosts_local_names_are_skipped_silently(void **state)
{
	static const char *const want[] = { "tracker.example", "ip6-ads.tracker.example" };
	struct run r = { 0 };

	read_text("127.0.0.1 localhost\n"
		  "127.0.0.1 localhost.localdomain local\n"
		  "0.0.0.0 0.0.0.0\n"
		  "::1 ip6-localhost ip6-loopback\n"
		  ":: ip6-allrouters\n"
		  "0.0.0.0 broadcasthost LOCALHOST.\n"
		  "127.0.0.1 localhost tracker.example ip6-allhosts\n"
		  "0.0.0.0 ip6-ads.tracker.example\n",
		  XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 8, 2, 6, 0);
	assert_names(&r, want, 2);
	assert_int_equal(r.lines[0], 7);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

/* One bad name leaves the whole line out, the good names on it too. */
static void test_hosts_bad_lines(void **state)
{
	static const char *const want[] = { "ok.example" };
	struct run r = { 0 };

	read_text("example.com\n"
		  "ads.example 0.0.0.0\n"
		  "0.0.0.0\n"
		  "0.0.0.0 # only a comment\n"
		  "0.0.0.0 good.example a..b\n"
		  "0.0.0.0 *.w\n"
		  "1.2.3 short.example\n"
		  "0.0.0.0 ok.example\n",
		  XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 8, 1, 0, 7);
	assert_names(&r, want, 1);
	assert_warning(&r, 1, "'example.com' is not an IP address");
	assert_warning(&r, 2, "'ads.example' is not an IP address");
	assert_warning(&r, 3, "no name after '0.0.0.0'");
	assert_warning(&r, 4, "no name after '0.0.0.0'");
	assert_warning(&r, 5, "bad name 'a..b': empty label");
	assert_warning(&r, 6,
		       "bad name '*.w': '*' is allowed only as a leading '*.' in a domain list");
	assert_warning(&r, 7, "'1.2.3' is not an IP address");
	run_free(&r);
}

/* A hosts line with more names than the first buffer holds. */
static void test_hosts_line_with_many_names(void **state)
{
	char text[4096] = "0.0.0.0";
	struct run r = { 0 };
	size_t len = strlen(text);

	for (int i = 0; i < 100; i++)
		len += snprintf(text + len, sizeof(text) - len, " n%d.example", i);
	strcpy(text + len, "\n:: last.example\n");

	read_text(text, XDPDNS_FMT_HOSTS, &r);
	assert_counts(&r, 2, 101, 0, 0);
	assert_string_equal(r.names[0], "n0.example");
	assert_string_equal(r.names[99], "n99.example");
	assert_string_equal(r.names[100], "last.example");
	run_free(&r);
}

static void test_auto_detects_hosts_from_first_rule_line(void **state)
{
	static const char *const texts[] = {
		"# hosts\n\n0.0.0.0 a.example\n",
		"! comment\n   \n192.168.0.1 lan.example\n0.0.0.0 a.example\n",
		"::1 localhost\n0.0.0.0 a.example\n",
		"fe80::1%lo0 localhost\n0.0.0.0 a.example\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct run r = { 0 };

		read_text(texts[i], XDPDNS_FMT_AUTO, &r);
		assert_int_equal(r.err, 0);
		assert_int_equal(r.detected, XDPDNS_FMT_HOSTS);
		assert_int_equal(r.counts.bad, 0);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.names[0], "a.example");
		run_free(&r);
	}
}

static void test_auto_detects_domains(void **state)
{
	static const char *const want[] = { "a.example", "b.example" };
	struct run r = { 0 };

	read_text("# list\n\na.example\n0.0.0.0 b.example\nb.example\n", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_DOMAINS);
	assert_counts(&r, 5, 2, 2, 1);
	assert_names(&r, want, 2);
	run_free(&r);
}

static void test_auto_on_empty_or_comment_only_file_is_domains(void **state)
{
	static const char *const texts[] = { "", "# nothing\n\n! here\n" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct run r = { 0 };

		read_text(texts[i], XDPDNS_FMT_AUTO, &r);
		assert_int_equal(r.err, 0);
		assert_int_equal(r.detected, XDPDNS_FMT_DOMAINS);
		assert_int_equal(r.counts.names, 0);
		assert_int_equal(r.counts.bad, 0);
		assert_int_equal(r.counts.skipped, r.counts.lines);
		run_free(&r);
	}
}

static void test_explicit_format_is_reported_as_detected(void **state)
{
	struct run r = { 0 };

	read_text("a.example\n", XDPDNS_FMT_HOSTS, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_HOSTS);
	assert_int_equal(r.counts.bad, 1);
	run_free(&r);
}

static void test_adblock_rule_forms(void **state)
{
	static const char *const want[] = {
		"sub.example", "exact.example", "bare.example", "pipe.example",
		"upper.example", "noted.example", "xn--bcher-kva.example", "ok.example",
		"imp-ok.example",
	};
	static const __u8 kinds[] = { 3, 1, 1, 3, 3, 3, 3, 3, 3 };
	static const __u8 actions[] = {
		0, 0, 0, 0, 0, 0, 0, XDPDNS_ACT_ALLOW, XDPDNS_ACT_ALLOW,
	};
	struct run r = { 0 };

	read_text("[Adblock Plus 2.0]\n"
		  "! Title: crafted\n"
		  "# a hosts-style comment\n"
		  "\n"
		  "||sub.example^\n"
		  "|exact.example^\n"
		  "bare.example\n"
		  "||pipe.example^|\n"
		  "||UPPER.Example.^\n"
		  "||noted.example^ # why\n"
		  "||bücher.example^\r\n"
		  "@@||ok.example^\n"
		  "@@||imp-ok.example^$important\n",
		  XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_ADBLOCK);
	assert_counts(&r, 13, 9, 4, 0);
	assert_names(&r, want, 9);
	assert_memory_equal(r.kinds, kinds, 9);
	assert_memory_equal(r.actions, actions, 9);
	assert_int_equal(r.counts.allows, 2);
	assert_int_equal(r.lines[0], 5);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

/* Every line a DNS blocker cannot take whole is skipped, by reason. */
static void test_adblock_skips_by_reason(void **state)
{
	struct run r = { 0 };

	read_text("example.com##.banner\n"
		  "##.ad-box\n"
		  "example.com#@#.ad\n"
		  "example.com#$#body { color: red }\n"
		  "example.com#%#//scriptlet('abort')\n"
		  "example.com$$script[data-ad]\n"
		  "||ads.example^$third-party\n"
		  "||ads.example^$dnstype=AAAA\n"
		  "||ads.example^$client=192.0.2.1\n"
		  "||ads.example^$important,ctag=tv\n"
		  "@@||ads.example^$dnsrewrite=1.2.3.4\n"
		  "/ads[0-9]+\\.example/\n"
		  "||ads*.example^\n"
		  "||ads.example/banner.js\n"
		  "||ads.example\n"
		  "|ads.example\n"
		  "ads.example^\n"
		  "||ads.example:8080^\n"
		  "||kept.example^\n",
		  XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 19, 1, 18, 0);
	assert_string_equal(r.names[0], "kept.example");
	assert_int_equal(r.counts.adblock[XDPDNS_AB_COSMETIC], 6);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_MODIFIER], 5);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_PATTERN], 7);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

static void test_adblock_bad_names_are_reported(void **state)
{
	struct run r = { 0 };

	read_text("||a..b^\n||^\n@@||bad_\\name^\n||" L64 ".example^\n||good.example^\n",
		  XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 5, 1, 0, 4);
	assert_warning(&r, 1, "bad name 'a..b': empty label");
	assert_warning(&r, 2, "no name in the rule");
	assert_warning(&r, 3, "bad name 'bad_\\name': '\\' is not allowed in a name");
	assert_warning(&r, 4, "bad name '" L63 "d...': label longer than 63 bytes");
	run_free(&r);
}

/*
 * AdGuard Home's ranks, kept by leaving out what never decides: an
 * exception beats a block anywhere under it, an important block beats
 * an exception, an important exception beats everything. What is left
 * comes lowest rank first, so the store's "later rule of an owner wins"
 * gives the exception at a shared owner.
 */
static void test_adblock_exceptions_and_important(void **state)
{
	static const char *const want[] = {
		"block.example", "ok.example", "shared.example", "imp.example",
		"exact.ok.example", "free.imp.example",
	};
	static const __u8 actions[] = {
		0, XDPDNS_ACT_ALLOW, XDPDNS_ACT_ALLOW, 0, 0, XDPDNS_ACT_ALLOW,
	};
	struct run r = { 0 };

	read_text("||block.example^\n"			/* 1: kept */
		  "||ok.example^\n"			/* 2: the exception covers it */
		  "||sub.ok.example^\n"			/* 3: covered too */
		  "@@||ok.example^\n"			/* 4: kept */
		  "||imp.example^$important\n"		/* 5: kept */
		  "@@||sub.imp.example^\n"		/* 6: the important block covers it */
		  "@@||free.imp.example^$important\n"	/* 7: kept, beats 5 */
		  "||exact.ok.example^$important\n"	/* 8: important, beats 4 */
		  "|shared.example^\n"			/* 9: the exception covers it */
		  "@@||shared.example^\n",		/* 10: kept */
		  XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 10, 6, 4, 0);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_OVERRIDDEN], 4);
	assert_names(&r, want, 6);
	assert_memory_equal(r.actions, actions, 6);
	run_free(&r);
}

/* An exception under a block and an exact exception at a block's owner. */
static void test_adblock_exception_below_a_block_comes_after_it(void **state)
{
	static const char *const want[] = { "tv.example", "tv.example", "api.tv.example" };
	static const __u8 kinds[] = { 3, 1, 3 };
	struct run r = { 0 };

	read_text("@@|tv.example^\n@@||api.tv.example^\n||tv.example^\n", XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 3, 3, 0, 0);
	assert_names(&r, want, 3);
	assert_memory_equal(r.kinds, kinds, 3);
	assert_int_equal(r.actions[0], XDPDNS_ACT_PASS);
	assert_int_equal(r.lines[0], 3);
	run_free(&r);
}

static void test_adblock_badfilter_cancels_its_rule(void **state)
{
	static const char *const want[] = { "other.example", "imp.example" };
	struct run r = { 0 };

	read_text("||gone.example^\n"
		  "||gone.example^$badfilter\n"
		  "||other.example^\n"
		  "|other.example^$badfilter\n"		/* another rule: no effect */
		  "||imp.example^$important\n"
		  "||imp.example^$badfilter\n"		/* not the important one */
		  "@@||ok.example^\n"
		  "@@||ok.example^$badfilter\n",
		  XDPDNS_FMT_ADBLOCK, &r);
	assert_counts(&r, 8, 2, 6, 0);
	assert_int_equal(r.counts.adblock[XDPDNS_AB_OVERRIDDEN], 2);
	assert_names(&r, want, 2);
	run_free(&r);
}

static void test_csv_first_field_header_and_quotes(void **state)
{
	static const char *const want[] = { "a.example", "b.example", "c.example", "d.example" };
	struct run r = { 0 };

	read_text("\n"
		  "\"site\",\"since\"\r\n"
		  "a.example,2023-01-01\r\n"
		  "\"B.Example\",2023-01-02\n"
		  "  c.example  ,x;y\n"
		  "\n"
		  ",no name\n"
		  "192.0.2.1,an address\n"
		  "bad name,x\n"
		  "d.example\n",
		  XDPDNS_FMT_CSV, &r);
	assert_counts(&r, 10, 4, 3, 3);
	assert_names(&r, want, 4);
	assert_warning(&r, 7, "no name in the first field");
	assert_warning(&r, 8, "'192.0.2.1' is an IP address, not a name");
	assert_warning(&r, 9, "bad name 'bad name': ' ' is not allowed in a name");
	run_free(&r);

	read_text("name;note\nx.example;ñ\n", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.detected, XDPDNS_FMT_CSV);
	assert_counts(&r, 2, 1, 1, 0);
	run_free(&r);

	read_text("name\tnote\ny.example\tz.example\n", XDPDNS_FMT_CSV, &r);
	assert_counts(&r, 2, 1, 1, 0);
	assert_string_equal(r.names[0], "y.example");
	run_free(&r);
}

static void test_auto_detects_adblock_rpz_and_csv(void **state)
{
	static const struct {
		const char *text;
		enum xdpdns_format fmt;
	} cases[] = {
		{ "! comment\n||a.example^\n", XDPDNS_FMT_ADBLOCK },
		{ "[Adblock Plus 2.0]\n", XDPDNS_FMT_ADBLOCK },
		{ "@@||a.example^\n", XDPDNS_FMT_ADBLOCK },
		{ "|a.example^\n", XDPDNS_FMT_ADBLOCK },
		{ "example.com##.ad\n", XDPDNS_FMT_ADBLOCK },
		{ "; zone\n$TTL 300\n", XDPDNS_FMT_RPZ },
		{ "$ORIGIN rpz.example.\n", XDPDNS_FMT_RPZ },
		{ "@ SOA ns. admin. 1 2 3 4 5\n", XDPDNS_FMT_RPZ },
		{ "a.example CNAME .\n", XDPDNS_FMT_RPZ },
		{ "a.example 300 IN CNAME .\n", XDPDNS_FMT_RPZ },
		{ "   IN NS ns.example.\n", XDPDNS_FMT_RPZ },
		{ "site;date\na.example;1\n", XDPDNS_FMT_CSV },
		{ "a.example,1\n", XDPDNS_FMT_CSV },
		{ "# c\na\n", XDPDNS_FMT_DOMAINS },
		{ "a.example\n", XDPDNS_FMT_DOMAINS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r = { 0 };

		read_text(cases[i].text, XDPDNS_FMT_AUTO, &r);
		assert_int_equal(r.err, 0);
		if (r.detected != cases[i].fmt)
			fail_msg("'%s': detected %s, want %s", cases[i].text,
				 xdpdns_format_name(r.detected), xdpdns_format_name(cases[i].fmt));
		run_free(&r);
	}
}

#define SOA	"@ SOA ns.example. admin.example. 1 3600 600 86400 300\n"

static void test_rpz_every_action(void **state)
{
	static const char *const want[] = {
		"nx.test", "nodata.test", "drop.test", "pass.test", "tc.test", "old.test",
		"sink.test", "*.wild.test", "abs.test", "upper.test", "xn--bcher-kva.test",
	};
	static const __u8 actions[] = {
		XDPDNS_ACT_NXDOMAIN, XDPDNS_ACT_NODATA, XDPDNS_ACT_DROP, XDPDNS_ACT_ALLOW,
		XDPDNS_ACT_TC, XDPDNS_ACT_ALLOW, XDPDNS_ACT_SINKHOLE, XDPDNS_ACT_NXDOMAIN,
		XDPDNS_ACT_NXDOMAIN, XDPDNS_ACT_NXDOMAIN, XDPDNS_ACT_NXDOMAIN,
	};
	static const __u8 kinds[] = { 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1 };
	struct run r = { 0 };

	read_text("; a crafted policy zone\n"
		  "$TTL 300\n"
		  "$ORIGIN rpz.example.\n"
		  SOA
		  "  NS ns.example.\n"
		  "\n"
		  "nx.test CNAME .\n"
		  "nodata.test CNAME *.\n"
		  "drop.test CNAME rpz-drop.\n"
		  "pass.test 60 IN CNAME rpz-passthru.\n"
		  "tc.test CNAME rpz-tcp-only.\n"
		  "old.test CNAME old.test.   ; the old passthru form\n"
		  "sink.test A 0.0.0.0\n"
		  "sink.test AAAA ::\n"
		  "*.wild.test CNAME .\n"
		  "abs.test.rpz.example. CNAME .\n"
		  "UPPER.Test CNAME .\n"
		  "bücher.test CNAME .\n",
		  XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.detected, XDPDNS_FMT_RPZ);
	assert_counts(&r, 18, 11, 5, 0);
	assert_names(&r, want, 11);
	assert_memory_equal(r.actions, actions, 11);
	assert_memory_equal(r.kinds, kinds, 11);
	assert_int_equal(r.lines[0], 7);
	assert_int_equal(r.lines[10], 18);
	assert_int_equal(r.counts.allows, 2);
	assert_string_equal(r.warnings, "");
	run_free(&r);
}

/* The apex and its wildcard are two triggers, each with its own action. */
static void test_rpz_apex_and_wildcard_apart(void **state)
{
	static const char *const want[] = { "x.test", "*.x.test", "*.w.test" };
	struct run r = { 0 };

	read_text("x.test. CNAME .\n*.x.test. CNAME rpz-passthru.\n*.w.test. CNAME *.\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 3, 3, 0, 0);
	assert_names(&r, want, 3);
	assert_int_equal(r.kinds[0], XDPDNS_KIND_EXACT);
	assert_int_equal(r.actions[1], XDPDNS_ACT_ALLOW);
	assert_int_equal(r.kinds[1], XDPDNS_KIND_BELOW);
	run_free(&r);
}

/*
 * Without $ORIGIN or SOA the root is the origin: relative and absolute
 * owners are both triggers as written. With an SOA, its owner is the apex.
 */
static void test_rpz_origins(void **state)
{
	static const char *const none[] = { "rel.test", "abs.test" };
	static const char *const soa[] = { "a.test", "x.sub" };
	struct run r = { 0 };

	read_text("rel.test CNAME .\nabs.test. CNAME .\n", XDPDNS_FMT_RPZ, &r);
	assert_names(&r, none, 2);
	run_free(&r);

	read_text("rpz.example. 300 SOA ns.example. admin.example. 1 2 3 4 5\n"
		  "a.test.rpz.example. CNAME .\n"
		  "b.test CNAME .\n"
		  "rpz.example. CNAME .\n"
		  "*.rpz.example. CNAME .\n"
		  "$ORIGIN sub.rpz.example.\n"
		  "x CNAME .\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 7, 2, 2, 3);
	assert_names(&r, soa, 2);
	assert_warning(&r, 3, "owner 'b.test.' is outside the zone 'rpz.example.'");
	assert_warning(&r, 4, "record at the zone apex 'rpz.example.': a trigger there would "
		       "cover every name");
	assert_warning(&r, 5, "trigger '*' at the zone apex would cover every name");
	run_free(&r);
}

/* What the datapath cannot enforce gives no rule, and one report a kind. */
static void test_rpz_unenforceable_triggers_counted_once(void **state)
{
	struct run r = { 0 };
	char want[256];

	read_text("$ORIGIN rpz.example.\n"
		  SOA
		  "32.1.0.0.127.rpz-ip CNAME .\n"
		  "32.2.0.0.127.rpz-ip CNAME .\n"
		  "ns.evil.example.rpz-nsdname CNAME .\n"
		  "32.1.0.0.10.rpz-nsip CNAME .\n"
		  "32.5.2.0.192.rpz-client-ip CNAME rpz-drop.\n"
		  "garden.test CNAME walled.example.\n"
		  "star.test CNAME *.garden.example.\n"
		  "local.test A 192.0.2.1\n"
		  "mixed.test A 192.0.2.1\n"
		  "mixed.test TXT \"blocked\"\n"
		  "txt.test TXT \"blocked\"\n"
		  "ok.test CNAME .\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 14, 2, 12, 0);
	assert_string_equal(r.names[0], "local.test");
	assert_string_equal(r.names[1], "ok.test");
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_IP], 2);
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_NSDNAME], 1);
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_NSIP], 1);
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_CLIENT_IP], 1);
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_CNAME], 2);
	assert_int_equal(r.counts.rpz_left[XDPDNS_RPZ_LEFT_LOCAL], 2);
	snprintf(want, sizeof(want), "xdpdns: warning: %s: 2 rpz-ip triggers left to the "
		 "resolver\n", r.path);
	assert_int_equal(count_str(r.warnings, want), 1);
	assert_non_null(strstr(r.warnings, ": 2 triggers with local data of types other than A "
			       "and AAAA left to the resolver\n"));
	assert_non_null(strstr(r.warnings, ": 2 triggers with a CNAME to another name left "
			       "to the resolver\n"));
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 6);
	run_free(&r);
}

/*
 * A and AAAA local data is a sinkhole with the trigger's addresses, one per
 * type: further records of a type are counted and reported once.
 */
static void test_rpz_local_data_addresses(void **state)
{
	static const __u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x05 };
	struct run r = { 0 };

	read_text("v4.test. A 198.18.5.5\n"
		  "both.test. AAAA 2001:db8::5\n"
		  "*.wild.test. A 198.18.5.6\n"
		  "both.test. A 198.18.5.5\n"
		  "many.test. A 198.18.5.7\n"
		  "many.test. A 198.18.5.8\n"
		  "many.test. A 198.18.5.9\n"
		  "null.test. A 0.0.0.0\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 8, 5, 3, 0);
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.actions[i], XDPDNS_ACT_SINKHOLE);

	assert_string_equal(r.names[0], "v4.test");
	assert_int_equal(r.addrs[0].families, XDPDNS_SINK_A);
	assert_int_equal(r.addrs[0].v4, htonl(0xc6120505));
	assert_string_equal(r.names[1], "both.test");
	assert_int_equal(r.addrs[1].families, XDPDNS_SINK_A | XDPDNS_SINK_AAAA);
	assert_int_equal(r.addrs[1].v4, htonl(0xc6120505));
	assert_memory_equal(r.addrs[1].v6, v6, 16);
	assert_string_equal(r.names[2], "*.wild.test");
	assert_int_equal(r.addrs[2].v4, htonl(0xc6120506));
	assert_string_equal(r.names[3], "many.test");
	assert_int_equal(r.addrs[3].families, XDPDNS_SINK_A);
	assert_int_equal(r.addrs[3].v4, htonl(0xc6120507));
	assert_string_equal(r.names[4], "null.test");
	assert_int_equal(r.addrs[4].families, XDPDNS_SINK_A);
	assert_int_equal(r.addrs[4].v4, 0);

	assert_int_equal(r.counts.rpz_extra_addrs, 2);
	assert_int_equal(count_str(r.warnings, "2 A or AAAA records not answered: a trigger "
				   "answers the first address of each type\n"), 1);
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 1);
	run_free(&r);
}

/* The first record of a trigger wins a conflict, reported with both lines. */
static void test_rpz_conflicts_and_duplicates(void **state)
{
	struct run r = { 0 };

	read_text("dup.test. CNAME .\n"
		  "dup.test. CNAME *.\n"
		  "cn.test. A 0.0.0.0\n"
		  "cn.test. CNAME rpz-drop.\n"
		  "same.test. CNAME .\n"
		  "same.test. CNAME .\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_counts(&r, 6, 3, 1, 2);
	assert_warning(&r, 2, "conflicting record for 'dup.test': the one of line 1 is kept");
	assert_warning(&r, 4, "conflicting record for 'cn.test': the one of line 3 is kept");
	assert_int_equal(r.actions[0], XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(r.actions[1], XDPDNS_ACT_SINKHOLE);
	run_free(&r);
}

/* Bad records are reported with their line, and the rest of the zone loads. */
static void test_rpz_bad_records(void **state)
{
	struct run r = { 0 };

	read_text("a.test. CNAME .\n"
		  "b.test. CNAME\n"
		  "c.test. IN NOSUCHTYPE x\n"
		  "$INCLUDE other.zone\n"
		  "d..test. CNAME .\n"
		  "under_score.test. CNAME .\n"
		  "e\\.f.test. CNAME .\n"
		  "last.test. CNAME .\n",
		  XDPDNS_FMT_RPZ, &r);
	assert_int_equal(r.err, 0);
	assert_counts(&r, 8, 3, 0, 5);
	assert_string_equal(r.names[2], "last.test");
	assert_warning(&r, 2, "bad record: syntax error, value expected");
	assert_warning(&r, 3, "bad record: syntax error, could not parse the RR's rdata");
	assert_warning(&r, 4, "$INCLUDE is not followed (load the included file as a feed "
		       "of its own)");
	assert_warning(&r, 5, "bad record: syntax error, could not parse the RR");
	assert_warning(&r, 7, "bad trigger: a '.' or a NUL byte inside a label");
	run_free(&r);
}

static void bad_lines(int n, struct run *r)
{
	char text[4096] = "";
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += snprintf(text + len, sizeof(text) - len, "bad%d..example\n", i);
	strcpy(text + len, "good.example\n");
	read_text(text, XDPDNS_FMT_DOMAINS, r);
}

static void test_more_than_ten_bad_lines_give_a_summary(void **state)
{
	char want[128];
	struct run r = { 0 };

	bad_lines(15, &r);
	assert_counts(&r, 16, 1, 0, 15);
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 11);
	assert_warning(&r, 10, "bad name 'bad9..example': empty label");
	assert_null(strstr(r.warnings, "bad10..example"));
	snprintf(want, sizeof(want), "xdpdns: warning: %s: 5 more bad lines not shown\n", r.path);
	assert_non_null(strstr(r.warnings, want));
	assert_int_equal(strlen(strstr(r.warnings, want)), strlen(want));	/* last */
	run_free(&r);
}

static void test_ten_bad_lines_give_no_summary(void **state)
{
	struct run r = { 0 };

	bad_lines(10, &r);
	assert_counts(&r, 11, 1, 0, 10);
	assert_int_equal(count_str(r.warnings, "xdpdns: warning: "), 10);
	assert_null(strstr(r.warnings, "not shown"));
	run_free(&r);
}

static void test_missing_file_is_enoent_and_reported(void **state)
{
	const char *path = "/nonexistent/xdpdns/feed.txt";
	struct run r = { 0 };

	read_path(path, XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.err, -ENOENT);
	assert_string_equal(r.warnings,
			    "xdpdns: error: cannot read '/nonexistent/xdpdns/feed.txt': "
			    "No such file or directory\n");
	assert_int_equal(r.n, 0);
	run_free(&r);
}

static void test_directory_is_eisdir_and_reported(void **state)
{
	struct run r = { 0 };

	read_path("/tmp", XDPDNS_FMT_AUTO, &r);
	assert_int_equal(r.err, -EISDIR);
	assert_string_equal(r.warnings, "xdpdns: error: cannot read '/tmp': Is a directory\n");
	run_free(&r);
}

static void test_callback_nonzero_return_stops_the_read(void **state)
{
	static const char *const want[] = { "a.example", "b.example", "c.example" };
	struct run r = { .stop_at = 3 };

	read_text("a.example\nb.example\n# c\nc.example\nd.example\ne.example\n",
		  XDPDNS_FMT_DOMAINS, &r);
	assert_int_equal(r.err, STOP_CODE);
	assert_counts(&r, 4, 3, 1, 0);
	assert_names(&r, want, 3);
	run_free(&r);
}

static void test_callback_stop_inside_a_hosts_line(void **state)
{
	static const char *const want[] = { "a.example", "b.example" };
	struct run r = { .stop_at = 2 };

	read_text("0.0.0.0 a.example b.example c.example\n0.0.0.0 d.example\n",
		  XDPDNS_FMT_HOSTS, &r);
	assert_int_equal(r.err, STOP_CODE);
	assert_counts(&r, 1, 2, 0, 0);
	assert_names(&r, want, 2);
	run_free(&r);
}

static void test_counts_and_detected_may_be_null(void **state)
{
	const char *path = SMARTTV;

	assert_int_equal(xdpdns_feed_read(path, XDPDNS_FMT_AUTO, ignore, NULL, NULL, NULL), 0);
}

static void test_format_names_round_trip(void **state)
{
	assert_int_equal(xdpdns_format_parse("auto"), XDPDNS_FMT_AUTO);
	assert_int_equal(xdpdns_format_parse("domains"), XDPDNS_FMT_DOMAINS);
	assert_int_equal(xdpdns_format_parse("hosts"), XDPDNS_FMT_HOSTS);
	assert_int_equal(xdpdns_format_parse("Hosts"), -1);
	assert_int_equal(xdpdns_format_parse("adblock"), XDPDNS_FMT_ADBLOCK);
	assert_int_equal(xdpdns_format_parse("rpz"), XDPDNS_FMT_RPZ);
	assert_int_equal(xdpdns_format_parse("csv"), XDPDNS_FMT_CSV);
	assert_int_equal(xdpdns_format_parse("zone"), -1);
	assert_int_equal(xdpdns_format_parse(""), -1);
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_AUTO), "auto");
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_DOMAINS), "domains");
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_HOSTS), "hosts");
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_ADBLOCK), "adblock");
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_RPZ), "rpz");
	assert_string_equal(xdpdns_format_name(XDPDNS_FMT_CSV), "csv");
	assert_null(xdpdns_format_name(XDPDNS_FMT_CSV + 1));
	assert_string_equal(xdpdns_adblock_skip_name(XDPDNS_AB_COSMETIC), "cosmetic");
	assert_string_equal(xdpdns_adblock_skip_name(XDPDNS_AB_OVERRIDDEN), "overridden");
	assert_null(xdpdns_adblock_skip_name(XDPDNS_AB_SKIP_MAX));
	assert_string_equal(xdpdns_rpz_left_name(XDPDNS_RPZ_LEFT_IP), "rpz-ip");
	assert_string_equal(xdpdns_rpz_left_name(XDPDNS_RPZ_LEFT_LOCAL), "local-data");
	assert_null(xdpdns_rpz_left_name(XDPDNS_RPZ_LEFT_MAX));
	assert_int_equal(xdpdns_feed_read("/dev/null", XDPDNS_FMT_CSV + 1, ignore, NULL,
					  NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phishing_domains_counts_and_names),
		cmocka_unit_test(test_scam_domains_counts_and_names),
		cmocka_unit_test(test_dnsbunker_domains_counts_and_names),
		cmocka_unit_test(test_smarttv_domains_counts_and_lower_case),
		cmocka_unit_test(test_scam_hosts_counts_and_names),
		cmocka_unit_test(test_scam_hosts_and_domains_give_same_names),
		cmocka_unit_test(test_stevenblack_hosts_counts_and_local_names),
		cmocka_unit_test(test_hosts_file_forced_as_domains_is_all_bad_lines),
		cmocka_unit_test(test_scam_adblock_is_the_domain_list_as_subtrees),
		cmocka_unit_test(test_cti_adblock_is_the_domain_list_as_subtrees),
		cmocka_unit_test(test_smarttv_adblock_rules_exceptions_and_skips),
		cmocka_unit_test(test_cti_rpz_apex_and_wildcard_triggers),
		cmocka_unit_test(test_mfcr_blacklist_counts),
		cmocka_unit_test(test_mfcr_csv_first_column),
		cmocka_unit_test(test_consob_counts_and_prose_lines),
		cmocka_unit_test(test_refilter_counts_and_addresses),
		cmocka_unit_test(test_auto_detects_every_real_file),
		cmocka_unit_test(test_large_list_reads_the_same_every_time),
		cmocka_unit_test(test_domains_comments_blanks_crlf_and_dots),
		cmocka_unit_test(test_last_line_without_newline_is_read),
		cmocka_unit_test(test_domains_wildcard_entry_is_flagged),
		cmocka_unit_test(test_domains_bad_names_are_reported_and_skipped),
		cmocka_unit_test(test_domains_length_limits),
		cmocka_unit_test(test_huge_line_is_one_bad_line),
		cmocka_unit_test(test_nul_byte_makes_a_bad_line),
		cmocka_unit_test(test_utf8_bom_is_ignored),
		cmocka_unit_test(test_idn_names_become_a_labels),
		cmocka_unit_test(test_idn_failures_are_bad_lines),
		cmocka_unit_test(test_hosts_blocking_addresses_are_rules),
		cmocka_unit_test(test_hosts_other_addresses_are_skipped),
		cmocka_unit_test(test_hosts_local_names_are_skipped_silently),
		cmocka_unit_test(test_hosts_bad_lines),
		cmocka_unit_test(test_hosts_line_with_many_names),
		cmocka_unit_test(test_adblock_rule_forms),
		cmocka_unit_test(test_adblock_skips_by_reason),
		cmocka_unit_test(test_adblock_bad_names_are_reported),
		cmocka_unit_test(test_adblock_exceptions_and_important),
		cmocka_unit_test(test_adblock_exception_below_a_block_comes_after_it),
		cmocka_unit_test(test_adblock_badfilter_cancels_its_rule),
		cmocka_unit_test(test_csv_first_field_header_and_quotes),
		cmocka_unit_test(test_auto_detects_adblock_rpz_and_csv),
		cmocka_unit_test(test_rpz_every_action),
		cmocka_unit_test(test_rpz_apex_and_wildcard_apart),
		cmocka_unit_test(test_rpz_origins),
		cmocka_unit_test(test_rpz_unenforceable_triggers_counted_once),
		cmocka_unit_test(test_rpz_conflicts_and_duplicates),
		cmocka_unit_test(test_rpz_local_data_addresses),
		cmocka_unit_test(test_rpz_bad_records),
		cmocka_unit_test(test_auto_detects_hosts_from_first_rule_line),
		cmocka_unit_test(test_auto_detects_domains),
		cmocka_unit_test(test_auto_on_empty_or_comment_only_file_is_domains),
		cmocka_unit_test(test_explicit_format_is_reported_as_detected),
		cmocka_unit_test(test_more_than_ten_bad_lines_give_a_summary),
		cmocka_unit_test(test_ten_bad_lines_give_no_summary),
		cmocka_unit_test(test_missing_file_is_enoent_and_reported),
		cmocka_unit_test(test_directory_is_eisdir_and_reported),
		cmocka_unit_test(test_callback_nonzero_return_stops_the_read),
		cmocka_unit_test(test_callback_stop_inside_a_hosts_line),
		cmocka_unit_test(test_counts_and_detected_may_be_null),
		cmocka_unit_test(test_format_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
