// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feed files read into names; see feeds.h. A file is read with getline()
 * into one buffer reused for every line, split into tokens in place, and
 * each name token is checked for the characters a feed may hold, turned
 * into A-labels if it is not ASCII, and parsed by xdpdns_name_parse(). A
 * bad line is reported and skipped whole, so no half of it becomes a rule.
 * Here are the helpers every parser shares (feed_parse.h), the format
 * detection, and the line formats: domain lists, hosts files and CSV.
 * AdBlock lists are in feeds_adblock.c, RPZ zones in feeds_rpz.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <idn2.h>

#include "feed_parse.h"
#include "log.h"
#include "store.h"

#define FEED_WARN_MAX	10		/* bad lines shown per file */
#define FEED_BUF_SIZE	(1 << 16)	/* stdio buffer: 64 reads for 4 MB */
#define DETECT_LINES_MAX 1000		/* lines read to detect a format */

static const char *const format_names[] = {
	[XDPDNS_FMT_AUTO]	= "auto",
	[XDPDNS_FMT_DOMAINS]	= "domains",
	[XDPDNS_FMT_HOSTS]	= "hosts",
	[XDPDNS_FMT_ADBLOCK]	= "adblock",
	[XDPDNS_FMT_RPZ]	= "rpz",
	[XDPDNS_FMT_CSV]	= "csv",
};

int xdpdns_format_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(format_names) / sizeof(format_names[0])); i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *xdpdns_format_name(enum xdpdns_format fmt)
{
	if ((unsigned int)fmt >= sizeof(format_names) / sizeof(format_names[0]))
		return NULL;
	return format_names[fmt];
}

const char *xdpdns_adblock_skip_name(enum xdpdns_adblock_skip why)
{
	static const char *const names[] = {
		[XDPDNS_AB_COSMETIC]	= "cosmetic",
		[XDPDNS_AB_MODIFIER]	= "modifier",
		[XDPDNS_AB_PATTERN]	= "pattern",
		[XDPDNS_AB_OVERRIDDEN]	= "overridden",
	};

	return (unsigned int)why < XDPDNS_AB_SKIP_MAX ? names[why] : NULL;
}

const char *xdpdns_rpz_left_name(enum xdpdns_rpz_left why)
{
	static const char *const names[] = {
		[XDPDNS_RPZ_LEFT_IP]		= "rpz-ip",
		[XDPDNS_RPZ_LEFT_NSDNAME]	= "rpz-nsdname",
		[XDPDNS_RPZ_LEFT_NSIP]		= "rpz-nsip",
		[XDPDNS_RPZ_LEFT_CLIENT_IP]	= "rpz-client-ip",
		[XDPDNS_RPZ_LEFT_CNAME]		= "cname",
		[XDPDNS_RPZ_LEFT_LOCAL]		= "local-data",
	};

	return (unsigned int)why < XDPDNS_RPZ_LEFT_MAX ? names[why] : NULL;
}

bool feed_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char *feed_skip_space(char *s)
{
	while (feed_is_space(*s))
		s++;
	return s;
}

/* A '#' never occurs in a name, so "name#note" is the name. */
char *feed_next_token(char **p)
{
	char *s = feed_skip_space(*p);
	char *tok = s;

	if (!*s || *s == '#') {
		*p = s;
		return NULL;
	}
	while (*s && !feed_is_space(*s) && *s != '#')
		s++;
	if (*s == '#')
		*s = '\0';	/* *p stays on it: the next call ends the line */
	else if (*s)
		*s++ = '\0';
	*p = s;
	return tok;
}

const char *feed_show_token(struct feed_reader *rd, const char *tok)
{
	size_t i;

	for (i = 0; tok[i] && i < FEED_SHOW_MAX; i++) {
		unsigned char c = tok[i];

		rd->shown[i] = c < 0x20 || c == 0x7f ? '?' : c;
	}
	strcpy(rd->shown + i, tok[i] ? "..." : "");
	return rd->shown;
}

/* xdpdns_feed_read() reports how many more than FEED_WARN_MAX there were. */
static void report_bad(struct feed_reader *rd, unsigned long line, const char *fmt,
		       va_list ap)
{
	char msg[256];

	if (++rd->counts->bad > FEED_WARN_MAX)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pr_warn("%s:%lu: %s\n", rd->path, line, msg);
}

int feed_line_bad(struct feed_reader *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_bad(rd, rd->counts->lines, fmt, ap);
	va_end(ap);
	return 0;
}

int feed_bad_at(struct feed_reader *rd, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_bad(rd, line, fmt, ap);
	va_end(ap);
	return 0;
}

int feed_name_bad(struct feed_reader *rd, const char *tok, const char *why)
{
	return feed_line_bad(rd, "bad name '%s': %s", feed_show_token(rd, tok), why);
}

enum {
	CH_BAD,			/* never in a feed name */
	CH_ASCII = 1,		/* a letter, a digit, '-', '_' or '.' */
	CH_HIGH = 2,		/* a byte of a UTF-8 character */
};

/*
 * Letters, digits, '-', '_' and '.' are what hosts files and domain lists
 * hold. A space, a backslash or anything else means the line is not what
 * it seems: a backslash would reach xdpdns_name_parse() as an escape and
 * let a list smuggle in bytes no resolver would ever show it. Bytes from
 * 0x80 up are left for libidn2 to judge. A table, as this runs on every
 * byte of every name.
 */
static const unsigned char name_chars[256] = {
	['a' ... 'z'] = CH_ASCII,
	['A' ... 'Z'] = CH_ASCII,
	['0' ... '9'] = CH_ASCII,
	['-'] = CH_ASCII,
	['_'] = CH_ASCII,
	['.'] = CH_ASCII,
	[0x80 ... 0xff] = CH_HIGH,
};

static const char *bad_char_reason(struct feed_reader *rd, unsigned char c)
{
	if (c == '*')
		return "'*' is allowed only as a leading '*.' in a domain list";
	if (c >= ' ' && c < 0x7f)
		snprintf(rd->why, sizeof(rd->why), "'%c' is not allowed in a name", c);
	else
		snprintf(rd->why, sizeof(rd->why), "byte 0x%02x is not allowed in a name", c);
	return rd->why;
}

/* 0 if every byte of text may be in a feed name (*ascii: none is above 0x7f). */
static int check_chars(struct feed_reader *rd, const char *text, bool *ascii,
		       const char **why)
{
	unsigned char seen = 0;

	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		unsigned char cls = name_chars[*s];

		if (cls == CH_BAD) {
			*why = bad_char_reason(rd, *s);
			return -EINVAL;
		}
		seen |= cls;
	}
	*ascii = !(seen & CH_HIGH);
	return 0;
}

/*
 * Non-transitional processing (IDNA 2008, UTS #46) first, as browsers do
 * today: "faß.de" stays "xn--fa-hia.de". Transitional processing maps away
 * what non-transitional refuses (a joiner out of context), so a name that
 * some software still resolves is not lost.
 */
static int parse_idn(struct feed_reader *rd, const char *text, struct xdpdns_name *name,
		     const char **why)
{
	char *ascii = NULL;
	bool plain;
	int rc, err;

	rc = idn2_to_ascii_8z(text, &ascii, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(text, &ascii, IDN2_TRANSITIONAL);
	if (rc != IDN2_OK) {
		*why = idn2_strerror(rc);
		return -EINVAL;
	}

	/* The mapping can yield characters of its own: U+00A0 becomes a space. */
	err = check_chars(rd, ascii, &plain, why);
	if (!err)
		err = xdpdns_name_parse(ascii, name, why);
	idn2_free(ascii);
	return err;
}

int feed_parse_name(struct feed_reader *rd, const char *tok, bool wildcard_ok,
		      struct xdpdns_name *name, bool *wildcard, const char **why)
{
	bool ascii;
	int err;

	*wildcard = wildcard_ok && tok[0] == '*' && tok[1] == '.';
	if (*wildcard)
		tok += 2;

	err = check_chars(rd, tok, &ascii, why);
	if (err)
		return err;
	if (!ascii)
		return parse_idn(rd, tok, name, why);
	return xdpdns_name_parse(tok, name, why);
}

int feed_emit(struct feed_reader *rd, const struct xdpdns_name *name, __u8 kind,
	      __u8 action, const struct xdpdns_sinkaddr *addr, unsigned long line)
{
	struct xdpdns_feed_entry e = { name, line, kind, action, addr };

	rd->counts->names++;
	if (action == XDPDNS_ACT_ALLOW)
		rd->counts->allows++;
	return rd->fn(&e, rd->arg);
}

/*
 * Whether tok is an address: 1 for one that blocks (what resolves to it
 * reaches nothing), 0 for another, -1 for no address at all. A scope
 * ("fe80::1%lo0", in every macOS hosts file) does not change the address.
 */
static int address_kind(const char *tok)
{
	char buf[INET6_ADDRSTRLEN];
	const char *pct = strchr(tok, '%');
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, tok, &a4) == 1)
		return a4.s_addr == htonl(INADDR_ANY) || a4.s_addr == htonl(INADDR_LOOPBACK);

	if (pct) {
		if ((size_t)(pct - tok) >= sizeof(buf) || !pct[1])
			return -1;
		memcpy(buf, tok, pct - tok);
		buf[pct - tok] = '\0';
		tok = buf;
	}
	if (inet_pton(AF_INET6, tok, &a6) == 1)
		return IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LOOPBACK(&a6);
	return -1;
}

int feed_grow(struct feed_reader *rd, void **buf, size_t *cap, size_t need, size_t elem)
{
	if (!xdpdns_buf_grow(buf, cap, need, elem))
		return 0;
	pr_err("cannot read '%s': %s\n", rd->path, strerror(ENOMEM));
	return -ENOMEM;
}

int feed_names_keep(struct feed_reader *rd, struct feed_names *a, const struct xdpdns_name *name,
		    __u32 *off)
{
	int err = feed_grow(rd, (void **)&a->wire, &a->cap, a->len + name->len, 1);

	if (err)
		return err;
	memcpy(a->wire + a->len, name->wire, name->len);
	*off = a->len;
	a->len += name->len;
	return 0;
}

int feed_names_emit(struct feed_reader *rd, const struct feed_names *a, __u32 off, __u8 len,
		    __u8 kind, __u8 action, const struct xdpdns_sinkaddr *addr,
		    unsigned long line)
{
	struct xdpdns_name name;

	xdpdns_name_from_wire(a->wire + off, len, &name);
	return feed_emit(rd, &name, kind, action, addr, line);
}

/*
 * An address in a list of names (some regulators' lists hold a few) asks
 * for blocking traffic to it, which a DNS filter cannot do; a rule for a
 * name spelled like it would only pretend to.
 */
static int not_a_name(struct feed_reader *rd, const char *tok)
{
	return feed_line_bad(rd, "'%s' is an IP address, not a name", feed_show_token(rd, tok));
}

/*
 * Only a token with a colon, or ending in a digit (no top-level domain
 * does), can be an address: the rest skip inet_pton(), on every line of
 * lists of millions.
 */
static bool may_be_address(const char *tok, size_t len)
{
	return (len && isdigit((unsigned char)tok[len - 1])) || memchr(tok, ':', len);
}

static int domains_line(struct feed_reader *rd, char *tok, char *rest)
{
	struct xdpdns_name name;
	const char *why = NULL;
	char *extra;
	bool wildcard;

	extra = feed_next_token(&rest);
	if (extra)
		return feed_line_bad(rd, "more than one name on the line ('%s' after the name)",
				feed_show_token(rd, extra));
	if (may_be_address(tok, strlen(tok)) && address_kind(tok) >= 0)
		return not_a_name(rd, tok);
	if (feed_parse_name(rd, tok, true, &name, &wildcard, &why))
		return feed_name_bad(rd, tok, why);
	return feed_emit(rd, &name, wildcard ? XDPDNS_KIND_BELOW : 0, 0, NULL, rd->counts->lines);
}

/*
 * The machine's own names, which every hosts file maps to loopback or
 * multicast addresses; blocking them would break the machine, not a
 * tracker. "0.0.0.0" is there because lists write "0.0.0.0 0.0.0.0".
 */
static bool is_local_name(const char *tok)
{
	static const char *const local[] = {
		"localhost", "localhost.localdomain", "local", "broadcasthost", "0.0.0.0",
	};
	size_t len = strlen(tok);

	if (len && tok[len - 1] == '.')
		len--;
	/* ip6-localhost, ip6-allnodes and the like: single labels only, so that
	 * a real "ip6-ads.tracker.example" is still a rule. */
	if (!strncasecmp(tok, "ip6-", 4) && !memchr(tok, '.', len))
		return true;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strlen(local[i]) == len && !strncasecmp(tok, local[i], len))
			return true;
	return false;
}

/*
 * Every name of the line is parsed before any is handed on, so a bad
 * name anywhere leaves the whole line out.
 */
static int hosts_line(struct feed_reader *rd, char *addr, char *rest)
{
	size_t n = 0, tokens = 0;
	const char *why = NULL;
	bool wildcard;
	int kind, err;
	char *tok;

	kind = address_kind(addr);
	if (kind < 0)
		return feed_line_bad(rd, "'%s' is not an IP address", feed_show_token(rd, addr));
	if (!kind) {
		rd->counts->skipped++;
		return 0;
	}

	while ((tok = feed_next_token(&rest))) {
		tokens++;
		if (is_local_name(tok))
			continue;
		err = feed_grow(rd, (void **)&rd->names, &rd->names_cap, n + 1, sizeof(*rd->names));
		if (err)
			return err;
		if (feed_parse_name(rd, tok, false, &rd->names[n], &wildcard, &why))
			return feed_name_bad(rd, tok, why);
		n++;
	}
	if (!tokens)
		return feed_line_bad(rd, "no name after '%s'", feed_show_token(rd, addr));
	if (!n)
		rd->counts->skipped++;	/* only the machine's own names */

	for (size_t i = 0; i < n; i++) {
		err = feed_emit(rd, &rd->names[i], 0, 0, NULL, rd->counts->lines);
		if (err)
			return err;
	}
	return 0;
}

static int list_line(struct feed_reader *rd, char *line)
{
	char *p = feed_skip_space(line), *first;

	if (!*p || *p == '#' || *p == '!') {
		rd->counts->skipped++;
		return 0;
	}
	first = feed_next_token(&p);
	if (rd->fmt == XDPDNS_FMT_HOSTS)
		return hosts_line(rd, first, p);
	return domains_line(rd, first, p);
}

/* A header with none of the separators has one column. */
static char csv_separator(const char *header)
{
	const char *sep = strpbrk(header, ";,\t");

	return sep ? *sep : '\n';
}

/*
 * The name is the first field, so the rest of the row, often dates and
 * notes in a legacy encoding (Windows-1250 in the Czech MFCR list), is
 * never decoded and never matters.
 */
static int csv_line(struct feed_reader *rd, char *line)
{
	char *field = feed_skip_space(line), *end;
	struct xdpdns_name name;
	const char *why = NULL;
	bool wildcard;

	if (!*field || !rd->csv_sep) {
		if (*field)
			rd->csv_sep = csv_separator(field);
		rd->counts->skipped++;
		return 0;
	}
	end = strchr(field, rd->csv_sep);
	if (!end)
		end = field + strlen(field);
	while (end > field && feed_is_space(end[-1]))
		end--;
	*end = '\0';
	if (end - field >= 2 && *field == '"' && end[-1] == '"') {
		end[-1] = '\0';
		field++;
	}
	if (!*field)
		return feed_line_bad(rd, "no name in the first field");
	if (address_kind(field) >= 0)
		return not_a_name(rd, field);
	if (feed_parse_name(rd, field, false, &name, &wildcard, &why))
		return feed_name_bad(rd, field, why);
	return feed_emit(rd, &name, 0, 0, NULL, rd->counts->lines);
}

static int feed_line(struct feed_reader *rd, char *line, size_t len)
{
	rd->counts->lines++;
	if (memchr(line, '\0', len))
		return feed_line_bad(rd, "NUL byte in the line");
	/* A UTF-8 byte order mark, as some editors write: not part of a name. */
	if (rd->counts->lines == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
		line += 3;

	switch (rd->fmt) {
	case XDPDNS_FMT_ADBLOCK:
		return feed_adblock_line(rd, line);
	case XDPDNS_FMT_CSV:
		return csv_line(rd, line);
	default:
		return list_line(rd, line);
	}
}

/* Lines until the end, an error or the callback's non-zero return. */
static int feed_lines(struct feed_reader *rd, FILE *f)
{
	size_t cap = 0;
	char *line = NULL;
	ssize_t len;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		err = feed_line(rd, line, len);
		if (err)
			break;
	}
	if (!err && !feof(f)) {
		err = errno ? -errno : -EIO;
		pr_err("cannot read '%s': %s\n", rd->path, strerror(-err));
	}
	free(line);
	if (!err && rd->fmt == XDPDNS_FMT_ADBLOCK)
		err = feed_adblock_finish(rd);
	return err;
}

/* A record class or type, as the first words of a zone file's records hold. */
static bool is_rr_word(const char *tok)
{
	static const char *const words[] = {
		"IN", "CH", "HS", "SOA", "NS", "CNAME", "A", "AAAA", "TXT", "MX", "DNAME",
		"PTR", "SRV", "SVCB", "HTTPS",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(tok, words[i]))
			return true;
	return false;
}

static bool is_adblock_line(const char *p)
{
	return !strncasecmp(p, "[adblock", 8) || *p == '|' || !strncmp(p, "@@", 2) ||
	       strchr(p, '^') || strstr(p, "##");
}

/* The format a line shows, or AUTO for a blank or comment line (changes line). */
static enum xdpdns_format line_format(char *line)
{
	char *p = feed_skip_space(line), *tok[4];
	bool separated = strpbrk(p, ";,");
	int n = 0;

	if (!*p || *p == '#' || *p == '!' || *p == ';')
		return XDPDNS_FMT_AUTO;
	if (is_adblock_line(p))
		return XDPDNS_FMT_ADBLOCK;
	if (!strncasecmp(p, "$ttl", 4) || !strncasecmp(p, "$origin", 7))
		return XDPDNS_FMT_RPZ;

	while (n < 4 && (tok[n] = feed_next_token(&p)))
		n++;
	if (!strcmp(tok[0], "@"))
		return XDPDNS_FMT_RPZ;
	if (address_kind(tok[0]) >= 0)
		return XDPDNS_FMT_HOSTS;
	/* "owner [ttl] [class] type", or a record whose owner is left out. */
	for (int i = n > 1 ? 0 : 1; i < n; i++)
		if (is_rr_word(tok[i]))
			return XDPDNS_FMT_RPZ;
	return separated ? XDPDNS_FMT_CSV : XDPDNS_FMT_DOMAINS;
}

/* Read until the first line that is not blank or a comment, then rewind. */
static int detect_format(struct feed_reader *rd, FILE *f)
{
	enum xdpdns_format fmt = XDPDNS_FMT_AUTO;
	size_t cap = 0;
	char *line = NULL;
	ssize_t len;

	for (int n = 0; fmt == XDPDNS_FMT_AUTO && (len = getline(&line, &cap, f)) >= 0; n++) {
		char *p = line;

		if (memchr(line, '\0', len))
			continue;
		if (!n && !strncmp(p, "\xef\xbb\xbf", 3))
			p += 3;
		fmt = line_format(p);
	}
	free(line);
	rd->fmt = fmt == XDPDNS_FMT_AUTO ? XDPDNS_FMT_DOMAINS : fmt;
	if (fseek(f, 0, SEEK_SET)) {
		pr_err("cannot read '%s' twice to detect its format: %s (give --format)\n",
		       rd->path, strerror(errno));
		return -ESPIPE;
	}
	return 0;
}

int xdpdns_feed_read(const char *path, enum xdpdns_format fmt, xdpdns_feed_entry_fn fn,
		     void *arg, struct xdpdns_feed_counts *counts,
		     enum xdpdns_format *detected)
{
	struct xdpdns_feed_counts local;
	struct feed_reader rd = {
		.path = path,
		.fmt = fmt,
		.fn = fn,
		.arg = arg,
		.counts = counts ? counts : &local,
	};
	FILE *f;
	int err = 0;

	memset(rd.counts, 0, sizeof(*rd.counts));
	if (!xdpdns_format_name(fmt))
		return -EINVAL;

	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		pr_err("cannot read '%s': %s\n", path, strerror(-err));
		return err;
	}
	setvbuf(f, NULL, _IOFBF, FEED_BUF_SIZE);

	if (fmt == XDPDNS_FMT_AUTO)
		err = detect_format(&rd, f);
	if (detected)
		*detected = rd.fmt;
	if (!err)
		err = rd.fmt == XDPDNS_FMT_RPZ ? feed_rpz_read(&rd, f) : feed_lines(&rd, f);
	if (rd.counts->bad > FEED_WARN_MAX)
		pr_warn("%s: %lu more bad lines not shown\n", path,
			rd.counts->bad - FEED_WARN_MAX);

	feed_adblock_free(&rd);
	free(rd.names);
	fclose(f);
	return err;
}
