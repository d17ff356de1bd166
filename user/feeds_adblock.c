// SPDX-License-Identifier: GPL-2.0-only
/*
 * AdBlock-style lists read as a DNS blocker reads them: of all the syntax
 * a browser blocker knows, only the rules that name whole host names mean
 * something to DNS, and AdGuard Home honours these:
 *
 *   ||name^     the name and every name below it
 *   |name^      the name alone (so does a bare "name" line)
 *   @@...       the same as an exception: those names are allowed
 *   $important  an important rule beats any rule that is not
 *   $badfilter  cancels the rule it repeats
 *
 * "^|" may end a rule as "^" does. Everything else is skipped and counted
 * by reason, never half applied: cosmetic rules, regexes, wildcards and
 * paths (which are no names), rules without "^" (which match any name
 * that starts alike), and other modifiers (per client, per type, rewrites:
 * rules the datapath could only apply to everyone). A '#' after a blank
 * starts a comment, as list authors use it.
 *
 * AdGuard Home decides a name by rank, not by depth: an important
 * exception beats an important block, which beats an exception, which
 * beats a block, wherever they sit. The datapath takes the most specific
 * rule. The two agree once every rule that a higher-ranked rule covers is
 * left out, for then of two rules matching a name, the deeper one never
 * ranks lower. So the rules are kept until the end of the file, the
 * covered and cancelled ones dropped, and the rest handed on lowest rank
 * first: where a block and an exception share an owner, the exception is
 * the later rule and keeps its kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_parse.h"
#include "log.h"

#define KIND_SUBTREE	(XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW)

enum rank {
	RANK_BLOCK = 1,
	RANK_EXCEPTION,
	RANK_IMPORTANT,
	RANK_IMPORTANT_EXCEPTION,
};

struct adblock_rule {
	__u32 off;		/* of the owner in adblock_rules.names */
	unsigned long line;
	__u8 len;		/* of the owner's wire form */
	__u8 kind;		/* KIND_SUBTREE or XDPDNS_KIND_EXACT */
	__u8 rank;		/* enum rank */
	bool badfilter;		/* cancels the rule it repeats; no rule itself */
	bool dropped;		/* covered or cancelled */
};

struct adblock_rules {
	struct adblock_rule *v;
	size_t n, cap;
	struct feed_names names;
};

static int skip_as(struct feed_reader *rd, enum xdpdns_adblock_skip why)
{
	rd->counts->skipped++;
	rd->counts->adblock[why]++;
	return 0;
}

/* Element hiding, CSS, scriptlets and HTML filters: page content, not names. */
static bool is_cosmetic(const char *p)
{
	static const char *const marks[] = { "##", "#@", "#?#", "#$#", "#%#", "$$", "$@$" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(p, marks[i]))
			return true;
	return false;
}

/* Cut a " # comment" and the blanks at the end. */
static void cut_comment(char *p)
{
	char *end;

	for (char *h = strchr(p, '#'); h; h = strchr(h + 1, '#'))
		if (h > p && feed_is_space(h[-1])) {
			*h = '\0';
			break;
		}
	end = p + strlen(p);
	while (end > p && feed_is_space(end[-1]))
		*--end = '\0';
}

/* "important" and "badfilter" are the options a name rule may carry. */
static int parse_options(char *opts, bool *important, bool *badfilter)
{
	char *save = NULL;

	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcasecmp(o, "important"))
			*important = true;
		else if (!strcasecmp(o, "badfilter"))
			*badfilter = true;
		else
			return -1;
	}
	return 0;
}

/*
 * Take the anchors off p in place: *kind from "||" or "|" (a bare name is
 * exact), then "^" or "^|" at the end. Returns the name, or NULL when the
 * rule is a pattern: anchored without "^", or "^" on a bare name.
 */
static char *strip_anchors(char *p, __u8 *kind)
{
	bool anchored = *p == '|';
	size_t len;

	*kind = XDPDNS_KIND_EXACT;
	if (p[0] == '|' && p[1] == '|') {
		*kind = KIND_SUBTREE;
		p += 2;
	} else if (anchored) {
		p++;
	}
	len = strlen(p);
	if (anchored && len >= 2 && p[len - 2] == '^' && p[len - 1] == '|')
		p[--len] = '\0';
	if (len && p[len - 1] == '^') {
		if (!anchored)
			return NULL;
		p[--len] = '\0';
	} else if (anchored) {
		return NULL;
	}
	return p;
}

static int rules_add(struct feed_reader *rd, struct adblock_rule *r,
		     const struct xdpdns_name *name)
{
	struct adblock_rules *rs = rd->adblock;
	int err;

	if (!rs) {
		rs = rd->adblock = calloc(1, sizeof(*rs));
		if (!rs) {
			pr_err("cannot read '%s': %s\n", rd->path, strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	err = feed_grow(rd, (void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
	if (!err)
		err = feed_names_keep(rd, &rs->names, name, &r->off);
	if (err)
		return err;
	r->len = name->len;
	rs->v[rs->n++] = *r;
	return 0;
}

int feed_adblock_line(struct feed_reader *rd, char *line)
{
	struct adblock_rule r = { .line = rd->counts->lines };
	bool exception, important = false;
	struct xdpdns_name owner;
	char *p = feed_skip_space(line), *opts, *name;
	const char *why = NULL;
	bool wildcard;

	cut_comment(p);
	if (!*p || *p == '!' || *p == '[' || (*p == '#' && !is_cosmetic(p))) {
		rd->counts->skipped++;	/* blank, comment, "[Adblock Plus 2.0]" */
		return 0;
	}
	if (is_cosmetic(p))
		return skip_as(rd, XDPDNS_AB_COSMETIC);
	if (*p == '/')
		return skip_as(rd, XDPDNS_AB_PATTERN);	/* a regex */

	exception = !strncmp(p, "@@", 2);
	if (exception)
		p += 2;
	opts = strchr(p, '$');
	if (opts) {
		*opts++ = '\0';
		if (parse_options(opts, &important, &r.badfilter))
			return skip_as(rd, XDPDNS_AB_MODIFIER);
	}
	name = strip_anchors(p, &r.kind);
	if (!name || strpbrk(name, "*/:?&=^|%~"))
		return skip_as(rd, XDPDNS_AB_PATTERN);
	if (!*name)
		return feed_line_bad(rd, "no name in the rule");
	if (feed_parse_name(rd, name, false, &owner, &wildcard, &why))
		return feed_name_bad(rd, name, why);

	if (exception)
		r.rank = important ? RANK_IMPORTANT_EXCEPTION : RANK_EXCEPTION;
	else
		r.rank = important ? RANK_IMPORTANT : RANK_BLOCK;
	return rules_add(rd, &r, &owner);
}

static int owner_cmp(const __u8 *names, const struct adblock_rule *r, const __u8 *wire,
		     __u8 len)
{
	if (r->len != len)
		return r->len < len ? -1 : 1;
	return memcmp(names + r->off, wire, len);
}

static int by_owner(const void *a, const void *b, void *names)
{
	const struct adblock_rule *ra = *(const struct adblock_rule *const *)a;
	const struct adblock_rule *rb = *(const struct adblock_rule *const *)b;

	return owner_cmp(names, ra, (const __u8 *)names + rb->off, rb->len);
}

static int by_rank_then_line(const void *a, const void *b)
{
	const struct adblock_rule *ra = *(const struct adblock_rule *const *)a;
	const struct adblock_rule *rb = *(const struct adblock_rule *const *)b;

	if (ra->rank != rb->rank)
		return ra->rank < rb->rank ? -1 : 1;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

/* The rules sorted by owner, and the owners' wire bytes. */
struct owner_index {
	struct adblock_rule **v;
	size_t n;
	const __u8 *names;
};

/* The first of the rules whose owner is wire, or n. */
static size_t owner_first(const struct owner_index *by, const __u8 *wire, __u8 len)
{
	size_t lo = 0, hi = by->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (owner_cmp(by->names, by->v[mid], wire, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does s, at r's owner (same) or above it, match every name r matches? */
static bool covers(const struct adblock_rule *s, const struct adblock_rule *r, bool same)
{
	if (!same)
		return s->kind & XDPDNS_KIND_BELOW;
	return (s->kind & r->kind) == r->kind;
}

static bool cancels(const struct adblock_rule *s, const struct adblock_rule *r)
{
	return s->badfilter && !r->badfilter && s->kind == r->kind && s->rank == r->rank;
}

/*
 * Whether another rule at r's owner or above it makes r useless. With
 * badfilter, a cancelling rule at the owner; else a live rule of a higher
 * rank that covers r. The owner's suffixes are its ancestors.
 */
static bool dropped_by(const struct owner_index *by, const struct adblock_rule *r, bool badfilter)
{
	const __u8 *owner = by->names + r->off;

	for (int i = 0; owner[i] && (!badfilter || !i); i += owner[i] + 1) {
		const __u8 *wire = owner + i;
		__u8 len = r->len - i;

		for (size_t j = owner_first(by, wire, len);
		     j < by->n && !owner_cmp(by->names, by->v[j], wire, len); j++) {
			const struct adblock_rule *s = by->v[j];

			if (badfilter ? cancels(s, r) :
			    !s->badfilter && !s->dropped && s->rank > r->rank && covers(s, r, !i))
				return true;
		}
	}
	return false;
}

static void drop_rules(struct feed_reader *rd, const struct owner_index *by)
{
	/* Cancelled rules first: they must not cover anything. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < by->n; i++) {
			struct adblock_rule *r = by->v[i];

			if (r->badfilter || r->dropped || !dropped_by(by, r, !pass))
				continue;
			r->dropped = true;
			skip_as(rd, XDPDNS_AB_OVERRIDDEN);
		}
}

static int emit_rules(struct feed_reader *rd, const struct owner_index *by)
{
	for (size_t i = 0; i < by->n; i++) {
		const struct adblock_rule *r = by->v[i];
		__u8 action = r->rank == RANK_EXCEPTION || r->rank == RANK_IMPORTANT_EXCEPTION ?
			      XDPDNS_ACT_ALLOW : XDPDNS_ACT_PASS;
		int err;

		if (r->badfilter) {
			rd->counts->skipped++;
			continue;
		}
		if (r->dropped)
			continue;
		err = feed_names_emit(rd, &rd->adblock->names, r->off, r->len, r->kind, action,
				      NULL, r->line);
		if (err)
			return err;
	}
	return 0;
}

int feed_adblock_finish(struct feed_reader *rd)
{
	struct adblock_rules *rs = rd->adblock;
	struct owner_index by;
	int err;

	if (!rs || !rs->n)
		return 0;
	by.n = rs->n;
	by.names = rs->names.wire;
	by.v = malloc(rs->n * sizeof(*by.v));
	if (!by.v) {
		pr_err("cannot read '%s': %s\n", rd->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < rs->n; i++)
		by.v[i] = &rs->v[i];

	qsort_r(by.v, by.n, sizeof(*by.v), by_owner, rs->names.wire);
	drop_rules(rd, &by);
	qsort(by.v, by.n, sizeof(*by.v), by_rank_then_line);
	err = emit_rules(rd, &by);
	free(by.v);
	return err;
}

void feed_adblock_free(struct feed_reader *rd)
{
	if (!rd->adblock)
		return;
	free(rd->adblock->names.wire);
	free(rd->adblock->v);
	free(rd->adblock);
	rd->adblock = NULL;
}
