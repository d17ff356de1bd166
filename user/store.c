// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state directory: reading and atomically replacing the rules files and
 * the feed list; see store.h for the layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "store.h"
#include "log.h"
#include "names.h"

void xdpdns_name_from_wire(const __u8 *wire, __u8 len, struct xdpdns_name *out)
{
	int off = 0;

	out->len = len;
	out->labels = 0;
	memcpy(out->wire, wire, len);
	while (off < len - 1 && out->labels < XDPDNS_LABELS_MAX) {
		out->label_off[out->labels++] = off;
		off += 1 + wire[off];
	}
}

const char *xdpdns_kind_name(__u8 kind)
{
	switch (kind) {
	case XDPDNS_KIND_EXACT:
		return "exact";
	case XDPDNS_KIND_BELOW:
		return "below";
	default:
		return "subtree";
	}
}

int xdpdns_kind_parse(const char *name)
{
	if (!strcmp(name, "subtree"))
		return XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW;
	if (!strcmp(name, "exact"))
		return XDPDNS_KIND_EXACT;
	if (!strcmp(name, "below"))
		return XDPDNS_KIND_BELOW;
	return -1;
}

int xdpdns_buf_grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*buf, n * elem);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

static int feed_add_addr(struct xdpdns_feed *feed, const struct xdpdns_sinkaddr *addr,
			 __u32 *index)
{
	if (xdpdns_buf_grow((void **)&feed->addrs, &feed->addrs_cap, feed->naddrs + 1,
			    sizeof(*addr)))
		return -ENOMEM;
	feed->addrs[feed->naddrs++] = *addr;
	*index = feed->naddrs;
	return 0;
}

int xdpdns_feed_append(struct xdpdns_feed *feed, const struct xdpdns_name *name,
		       __u8 kind, __u8 action, __u8 ede, const struct xdpdns_sinkaddr *addr)
{
	struct xdpdns_srule *r;
	__u32 index = 0;

	if (xdpdns_buf_grow((void **)&feed->rules, &feed->cap, feed->nrules + 1, sizeof(*r)) ||
	    xdpdns_buf_grow((void **)&feed->names, &feed->names_cap,
			    feed->names_len + name->len, 1))
		return -ENOMEM;
	if (addr && action == XDPDNS_ACT_SINKHOLE && feed_add_addr(feed, addr, &index))
		return -ENOMEM;

	r = &feed->rules[feed->nrules++];
	r->name_off = feed->names_len;
	r->name_len = name->len;
	r->kind = kind;
	r->action = action;
	r->ede = ede;
	r->addr = index;
	memcpy(feed->names + feed->names_len, name->wire, name->len);
	feed->names_len += name->len;
	return 0;
}

void xdpdns_feed_clear(struct xdpdns_feed *feed)
{
	feed->nrules = 0;
	feed->names_len = 0;
	feed->naddrs = 0;
}

static bool srule_is(const struct xdpdns_feed *feed, const struct xdpdns_srule *r,
		     const struct xdpdns_name *name)
{
	return r->name_len == name->len &&
	       !memcmp(xdpdns_srule_wire(feed, r), name->wire, name->len);
}

/* Drop rules whose kind bits are all gone, keeping the order of the rest. */
static size_t feed_compact(struct xdpdns_feed *feed)
{
	size_t kept = 0, n = feed->nrules;

	for (size_t i = 0; i < n; i++)
		if (feed->rules[i].kind)
			feed->rules[kept++] = feed->rules[i];
	feed->nrules = kept;
	return n - kept;
}

int xdpdns_feed_set(struct xdpdns_feed *feed, const struct xdpdns_name *name,
		    __u8 kind, __u8 action, __u8 ede, const struct xdpdns_sinkaddr *addr)
{
	for (size_t i = 0; i < feed->nrules; i++)
		if (srule_is(feed, &feed->rules[i], name))
			feed->rules[i].kind &= ~kind;
	feed_compact(feed);
	return xdpdns_feed_append(feed, name, kind, action, ede, addr);
}

size_t xdpdns_feed_remove(struct xdpdns_feed *feed, const struct xdpdns_name *name)
{
	for (size_t i = 0; i < feed->nrules; i++)
		if (srule_is(feed, &feed->rules[i], name))
			feed->rules[i].kind = 0;
	return feed_compact(feed);
}

static void feed_free(struct xdpdns_feed *feed)
{
	free(feed->rules);
	free(feed->names);
	free(feed->addrs);
	free(feed->source);
	memset(feed, 0, sizeof(*feed));
}

static char *state_path(const struct xdpdns_state *st, const char *fmt, const char *arg)
{
	char *rel, *path;

	if (asprintf(&rel, fmt, arg) < 0)
		return NULL;
	if (asprintf(&path, "%s/%s", st->dir, rel) < 0)
		path = NULL;
	free(rel);
	return path;
}

static char *feed_path(const struct xdpdns_state *st, const struct xdpdns_feed *feed)
{
	if (feed->id == XDPDNS_HAND_FEED_ID)
		return state_path(st, "%s", "hand.rules");
	return state_path(st, "feeds/%s.rules", feed->name);
}

/* Split a line into at most max whitespace-separated fields. */
static int split(char *line, char **field, int max)
{
	int n = 0;

	for (char *tok = strtok(line, " \t\r\n"); tok && n < max; tok = strtok(NULL, " \t\r\n"))
		field[n++] = tok;
	return strtok(NULL, " \t\r\n") ? max + 1 : n;
}

/* One of the fields after ACTION: the EDE code first, then the addresses. */
static int parse_rule_extra(const char *f, bool first, struct xdpdns_sinkaddr *addr, __u8 *ede,
			    const char **why)
{
	char *end;
	long e;

	if (!strncmp(f, "A=", 2) && !(addr->families & XDPDNS_SINK_A)) {
		addr->families |= XDPDNS_SINK_A;
		if (inet_pton(AF_INET, f + 2, &addr->v4) == 1)
			return 0;
		*why = "bad IPv4 address";
		return -EINVAL;
	}
	if (!strncmp(f, "AAAA=", 5) && !(addr->families & XDPDNS_SINK_AAAA)) {
		addr->families |= XDPDNS_SINK_AAAA;
		if (inet_pton(AF_INET6, f + 5, addr->v6) == 1)
			return 0;
		*why = "bad IPv6 address";
		return -EINVAL;
	}
	e = strtol(f, &end, 10);
	if (!first || *end || e < 15 || e > 18) {
		*why = first ? "EDE not 15 to 18" : "expected A=ADDR or AAAA=ADDR, once each";
		return -EINVAL;
	}
	*ede = e;
	return 0;
}

/* "NAME KIND ACTION [EDE] [A=ADDR] [AAAA=ADDR]"; *why says what is wrong. */
static int parse_rule_line(char *line, struct xdpdns_name *name, __u8 *kind,
			   __u8 *action, __u8 *ede, struct xdpdns_sinkaddr *addr,
			   const char **why)
{
	char *f[6];
	int n = split(line, f, 6), k, a;

	if (n < 3 || n > 6) {
		*why = "expected NAME KIND ACTION [EDE] [A=ADDR] [AAAA=ADDR]";
		return -EINVAL;
	}
	if (xdpdns_name_parse(f[0], name, why))
		return -EINVAL;
	k = xdpdns_kind_parse(f[1]);
	a = xdpdns_action_parse(f[2]);
	if (k < 0 || a < 0) {
		*why = k < 0 ? "unknown kind" : "unknown action";
		return -EINVAL;
	}

	*ede = 0;
	memset(addr, 0, sizeof(*addr));
	for (int i = 3; i < n; i++)
		if (parse_rule_extra(f[i], i == 3, addr, ede, why))
			return -EINVAL;
	if (addr->families && a != XDPDNS_ACT_SINKHOLE) {
		*why = "addresses on a rule that is not a sinkhole";
		return -EINVAL;
	}
	*kind = k;
	*action = a;
	return 0;
}

static int read_rules(struct xdpdns_feed *feed, const char *path)
{
	unsigned long lineno = 0;
	size_t cap = 0;
	char *line = NULL;
	int err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		err = -errno;
		pr_err("cannot read '%s': %s\n", path, strerror(-err));
		return err;
	}
	while (!err && getline(&line, &cap, f) > 0) {
		struct xdpdns_name name;
		struct xdpdns_sinkaddr addr;
		__u8 kind, action, ede;
		const char *why;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		err = parse_rule_line(line, &name, &kind, &action, &ede, &addr, &why);
		if (err) {
			pr_err("%s:%lu: bad rule: %s (mend or remove the line)\n",
			       path, lineno, why);
			break;
		}
		err = xdpdns_feed_append(feed, &name, kind, action, ede,
					 addr.families ? &addr : NULL);
	}
	free(line);
	fclose(f);
	return err;
}

bool xdpdns_feed_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > XDPDNS_FEED_NAME_MAX || name[0] == '.' ||
	    !strcmp(name, XDPDNS_HAND_FEED))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/* The feeds.list line that keeps allow feeds in their listed place. */
#define ALLOW_LISTED_LINE	"@allow-feeds listed"

/* One feeds.list line: "NAME ID ACTION SOURCE", SOURCE to the end of line. */
static int parse_list_line(char *line, struct xdpdns_feed *feed, const char **why)
{
	char name[XDPDNS_FEED_NAME_MAX + 1], action[16];
	unsigned id;
	int a, pos = 0;

	if (sscanf(line, "%63s %u %15s %n", name, &id, action, &pos) != 3 || !pos) {
		*why = "expected NAME ID ACTION SOURCE";
		return -EINVAL;
	}
	a = xdpdns_action_parse(action);
	if (!xdpdns_feed_name_valid(name) || !id || id >= XDPDNS_FEEDS_MAX || a < 0) {
		*why = a < 0 ? "unknown action" : "bad feed name or id";
		return -EINVAL;
	}
	memset(feed, 0, sizeof(*feed));
	strcpy(feed->name, name);
	feed->id = id;
	feed->action = a;
	feed->source = strdup(line + pos);
	return feed->source ? 0 : -ENOMEM;
}

static int read_list(struct xdpdns_state *st)
{
	char *path = state_path(st, "%s", "feeds.list");
	unsigned long lineno = 0;
	size_t cap = 0, fcap = 0;
	char *line = NULL;
	int err = 0;
	FILE *f;

	f = path ? fopen(path, "r") : NULL;
	if (!f) {
		err = path && errno == ENOENT ? 0 : -errno;
		if (err)
			pr_err("cannot read '%s': %s\n", path, strerror(-err));
		free(path);
		return err;
	}
	while (!err && getline(&line, &cap, f) > 0) {
		const char *why;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		if (!strcmp(line, ALLOW_LISTED_LINE)) {
			st->allow_listed = true;
			continue;
		}
		err = xdpdns_buf_grow((void **)&st->feeds, &fcap, st->nfeeds + 1,
				      sizeof(*st->feeds));
		if (err)
			break;
		err = parse_list_line(line, &st->feeds[st->nfeeds], &why);
		if (err == -EINVAL)
			pr_err("%s:%lu: %s (mend or remove the line)\n", path, lineno, why);
		if (!err)
			st->nfeeds++;
	}
	free(line);
	fclose(f);
	free(path);
	return err;
}

static int make_dirs(const struct xdpdns_state *st)
{
	char *feeds = state_path(st, "%s", "feeds");
	int err = 0;

	if (!feeds)
		return -ENOMEM;
	if ((mkdir(st->dir, 0755) && errno != EEXIST) ||
	    (mkdir(feeds, 0755) && errno != EEXIST)) {
		err = -errno;
		pr_err("cannot create the state directory '%s': %s\n", st->dir, strerror(-err));
	}
	free(feeds);
	return err;
}

static int take_lock(struct xdpdns_state *st, bool write)
{
	char *path = state_path(st, "%s", "lock");

	st->lock_fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (st->lock_fd < 0 || flock(st->lock_fd, write ? LOCK_EX : LOCK_SH)) {
		int err = -errno;

		pr_err("cannot lock '%s': %s\n", path ? path : st->dir, strerror(-err));
		free(path);
		return err;
	}
	free(path);
	return 0;
}

static int read_all(struct xdpdns_state *st)
{
	char *path;
	int err;

	path = feed_path(st, &st->hand);
	err = path ? read_rules(&st->hand, path) : -ENOMEM;
	free(path);
	if (!err)
		err = read_list(st);
	for (size_t i = 0; !err && i < st->nfeeds; i++) {
		path = feed_path(st, &st->feeds[i]);
		err = path ? read_rules(&st->feeds[i], path) : -ENOMEM;
		free(path);
	}
	return err;
}

int xdpdns_state_open(struct xdpdns_state *st, const char *dir, bool write)
{
	int err;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	strcpy(st->hand.name, XDPDNS_HAND_FEED);
	st->hand.id = XDPDNS_HAND_FEED_ID;
	st->hand.action = XDPDNS_ACT_NXDOMAIN;
	st->hand.source = strdup("");
	st->dir = strdup(dir);
	if (!st->dir || !st->hand.source)
		return -ENOMEM;

	err = make_dirs(st);
	if (!err)
		err = take_lock(st, write);
	if (!err)
		err = read_all(st);
	if (err)
		xdpdns_state_close(st);
	return err;
}

void xdpdns_state_close(struct xdpdns_state *st)
{
	feed_free(&st->hand);
	for (size_t i = 0; i < st->nfeeds; i++)
		feed_free(&st->feeds[i]);
	free(st->feeds);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->dir);
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
}

struct xdpdns_feed *xdpdns_state_feed(struct xdpdns_state *st, const char *name)
{
	if (!strcmp(name, XDPDNS_HAND_FEED))
		return &st->hand;
	for (size_t i = 0; i < st->nfeeds; i++)
		if (!strcmp(st->feeds[i].name, name))
			return &st->feeds[i];
	return NULL;
}

static __u16 free_feed_id(const struct xdpdns_state *st)
{
	for (__u16 id = 1; id < XDPDNS_FEEDS_MAX; id++) {
		size_t i = 0;

		while (i < st->nfeeds && st->feeds[i].id != id)
			i++;
		if (i == st->nfeeds)
			return id;
	}
	return 0;
}

struct xdpdns_feed *xdpdns_state_add_feed(struct xdpdns_state *st, const char *name,
					  __u8 action, const char *source)
{
	struct xdpdns_feed *feeds, *feed;
	__u16 id = free_feed_id(st);

	if (!id) {
		errno = ENOSPC;
		return NULL;
	}
	feeds = realloc(st->feeds, (st->nfeeds + 1) * sizeof(*feeds));
	if (!feeds)
		return NULL;
	st->feeds = feeds;
	feed = &feeds[st->nfeeds];
	memset(feed, 0, sizeof(*feed));
	snprintf(feed->name, sizeof(feed->name), "%s", name);
	feed->id = id;
	feed->action = action;
	feed->source = strdup(source);
	if (!feed->source)
		return NULL;
	st->nfeeds++;
	return feed;
}

size_t xdpdns_state_order(const struct xdpdns_state *st, const struct xdpdns_feed **out)
{
	size_t n = 0;

	out[n++] = &st->hand;
	for (size_t i = 0; i < st->nfeeds; i++)
		if (st->allow_listed || st->feeds[i].action == XDPDNS_ACT_ALLOW)
			out[n++] = &st->feeds[i];
	if (st->allow_listed)
		return n;
	for (size_t i = 0; i < st->nfeeds; i++)
		if (st->feeds[i].action != XDPDNS_ACT_ALLOW)
			out[n++] = &st->feeds[i];
	return n;
}

/*
 * Write a file by writing a temporary one beside it, syncing it and renaming
 * it over the old: a reader or a crash sees the old content or the new.
 */
static int write_atomic(const char *path, int (*fill)(FILE *f, const void *arg),
			const void *arg)
{
	char *tmp;
	FILE *f;
	int err;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		goto out;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	err = fill(f, arg);
	if (!err && (fflush(f) || fsync(fileno(f))))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
out:
	if (err)
		pr_err("cannot write '%s': %s\n", path, strerror(-err));
	free(tmp);
	return err;
}

size_t xdpdns_sinkaddr_format(const struct xdpdns_sinkaddr *addr, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN] = "", aaaa[INET6_ADDRSTRLEN] = "";
	int n;

	if (addr->families & XDPDNS_SINK_A)
		inet_ntop(AF_INET, &addr->v4, a, sizeof(a));
	if (addr->families & XDPDNS_SINK_AAAA)
		inet_ntop(AF_INET6, addr->v6, aaaa, sizeof(aaaa));
	n = snprintf(buf, size, "%s%s%s%s", *a ? " A=" : "", a, *aaaa ? " AAAA=" : "", aaaa);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* One rules line, built by hand: fprintf costs more than the rest of a save. */
static size_t rule_line(const struct xdpdns_feed *feed, const struct xdpdns_srule *r,
			char *buf, size_t size)
{
	const char *kind = xdpdns_kind_name(r->kind), *action = xdpdns_action_name(r->action);
	struct xdpdns_name name;
	size_t n;

	xdpdns_name_from_wire(xdpdns_srule_wire(feed, r), r->name_len, &name);
	xdpdns_name_format(&name, buf, size);
	n = strlen(buf);
	buf[n++] = ' ';
	memcpy(buf + n, kind, strlen(kind));
	n += strlen(kind);
	buf[n++] = ' ';
	memcpy(buf + n, action, strlen(action));
	n += strlen(action);
	if (r->ede) {
		buf[n++] = ' ';
		buf[n++] = '0' + r->ede / 10;
		buf[n++] = '0' + r->ede % 10;
	}
	if (r->addr)
		n += xdpdns_sinkaddr_format(xdpdns_srule_addr(feed, r), buf + n, size - n);
	buf[n++] = '\n';
	return n;
}

static int fill_rules(FILE *f, const void *arg)
{
	const struct xdpdns_feed *feed = arg;
	char line[XDPDNS_NAME_TEXT_MAX + 32 + XDPDNS_SINKADDR_TEXT_MAX];

	for (size_t i = 0; i < feed->nrules; i++)
		fwrite(line, 1, rule_line(feed, &feed->rules[i], line, sizeof(line)), f);
	return ferror(f) ? -EIO : 0;
}

static int fill_list(FILE *f, const void *arg)
{
	const struct xdpdns_state *st = arg;

	fprintf(f, "# xdpdns feeds, in load order: NAME ID ACTION SOURCE\n");
	if (st->allow_listed)
		fprintf(f, "%s\n", ALLOW_LISTED_LINE);
	for (size_t i = 0; i < st->nfeeds; i++)
		fprintf(f, "%s %u %s %s\n", st->feeds[i].name, st->feeds[i].id,
			xdpdns_action_name(st->feeds[i].action), st->feeds[i].source);
	return ferror(f) ? -EIO : 0;
}

int xdpdns_state_save_feed(const struct xdpdns_state *st, const struct xdpdns_feed *feed)
{
	char *path = feed_path(st, feed);
	int err;

	if (!path)
		return -ENOMEM;
	err = write_atomic(path, fill_rules, feed);
	free(path);
	return err;
}

int xdpdns_state_save_list(const struct xdpdns_state *st)
{
	char *path = state_path(st, "%s", "feeds.list");
	int err;

	if (!path)
		return -ENOMEM;
	err = write_atomic(path, fill_list, st);
	free(path);
	return err;
}

int xdpdns_state_drop_feed(struct xdpdns_state *st, struct xdpdns_feed *feed)
{
	char *path = feed_path(st, feed);
	size_t i = feed - st->feeds;
	int err = 0;

	if (!path)
		return -ENOMEM;
	if (unlink(path) && errno != ENOENT) {
		err = -errno;
		pr_err("cannot remove '%s': %s\n", path, strerror(-err));
	}
	free(path);
	if (err)
		return err;
	feed_free(feed);
	memmove(feed, feed + 1, (st->nfeeds - i - 1) * sizeof(*feed));
	st->nfeeds--;
	return 0;
}

void xdpdns_state_reorder(struct xdpdns_state *st, const char *const *names, size_t n)
{
	size_t next = 0;

	for (size_t i = 0; i < n; i++) {
		struct xdpdns_feed *feed = xdpdns_state_feed(st, names[i]), moved;
		size_t at;

		if (!feed || feed == &st->hand)
			continue;
		at = feed - st->feeds;
		if (at < next)		/* a name given twice: placed already */
			continue;
		moved = *feed;
		memmove(&st->feeds[next + 1], &st->feeds[next], (at - next) * sizeof(moved));
		st->feeds[next++] = moved;
	}
}
