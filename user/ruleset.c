// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rule index and the generation compiler; ruleset.h says why keeping
 * only the rules that decide their own cell gives feed order exactly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

#define NO_MATCH	UINT32_MAX
#define ORDER_NONE	UINT32_MAX

/* One feed's rule at an owner; kind may be fewer bits than the rule's. */
struct match {
	__u32 next;		/* next match of the same owner, or NO_MATCH */
	__u32 order;		/* the feed's place in the order */
	__u8 kind;
	const struct xdpdns_srule *rule;
};

/* An owner name with rules; wire points into its feed's arena. */
struct owner {
	const __u8 *wire;	/* NULL: free table slot */
	__u8 len;
	__u32 first;		/* first match, or NO_MATCH */
};

struct xdpdns_ruleset {
	const struct xdpdns_feed *const *feeds;
	size_t nfeeds;
	struct owner *table;
	size_t mask;
	struct match *matches;
	size_t nmatches;
	size_t nowners;
};

static __u64 wire_hash(const __u8 *wire, __u8 len)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < len; i++)
		h = (h ^ wire[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* The owner slot of a name: its entry, or the free slot where it goes. */
static struct owner *owner_slot(const struct xdpdns_ruleset *rs, const __u8 *wire, __u8 len)
{
	size_t i = wire_hash(wire, len) & rs->mask;

	for (;;) {
		struct owner *o = &rs->table[i];

		if (!o->wire || (o->len == len && !memcmp(o->wire, wire, len)))
			return o;
		i = (i + 1) & rs->mask;
	}
}

static const struct owner *owner_find(const struct xdpdns_ruleset *rs, const __u8 *wire,
				      __u8 len)
{
	const struct owner *o = owner_slot(rs, wire, len);

	return o->wire ? o : NULL;
}

/* A later rule of the same feed takes its kind bits from earlier ones. */
static void add_match(struct xdpdns_ruleset *rs, struct owner *o, __u32 order,
		      const struct xdpdns_srule *r)
{
	struct match *m;

	for (__u32 i = o->first; i != NO_MATCH; i = rs->matches[i].next)
		if (rs->matches[i].order == order)
			rs->matches[i].kind &= ~r->kind;

	m = &rs->matches[rs->nmatches];
	m->next = o->first;
	m->order = order;
	m->kind = r->kind;
	m->rule = r;
	o->first = rs->nmatches++;
}

static int index_feed(struct xdpdns_ruleset *rs, __u32 order)
{
	const struct xdpdns_feed *feed = rs->feeds[order];

	for (size_t i = 0; i < feed->nrules; i++) {
		const struct xdpdns_srule *r = &feed->rules[i];
		const __u8 *wire = xdpdns_srule_wire(feed, r);
		struct owner *o = owner_slot(rs, wire, r->name_len);

		if (!o->wire) {
			o->wire = wire;
			o->len = r->name_len;
			o->first = NO_MATCH;
			rs->nowners++;
		}
		add_match(rs, o, order, r);
	}
	return 0;
}

struct xdpdns_ruleset *xdpdns_ruleset_build(const struct xdpdns_feed *const *feeds, size_t n)
{
	struct xdpdns_ruleset *rs = calloc(1, sizeof(*rs));
	size_t total = 0, slots = 16;

	if (!rs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		total += feeds[i]->nrules;
	while (slots < 2 * total)
		slots *= 2;

	rs->feeds = feeds;
	rs->nfeeds = n;
	rs->mask = slots - 1;
	rs->table = calloc(slots, sizeof(*rs->table));
	rs->matches = malloc((total ? total : 1) * sizeof(*rs->matches));
	if (!rs->table || !rs->matches) {
		xdpdns_ruleset_free(rs);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		index_feed(rs, i);
	return rs;
}

void xdpdns_ruleset_free(struct xdpdns_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->table);
	free(rs->matches);
	free(rs);
}

/* The earliest feed with a below-rule on a strict ancestor of name. */
static __u32 ancestors_first_order(const struct xdpdns_ruleset *rs,
				   const struct xdpdns_name *name)
{
	__u32 best = ORDER_NONE;

	for (int i = 1; i < name->labels; i++) {
		int off = name->label_off[i];
		const struct owner *a = owner_find(rs, name->wire + off, name->len - off);

		for (__u32 j = a ? a->first : NO_MATCH; j != NO_MATCH; j = rs->matches[j].next)
			if ((rs->matches[j].kind & XDPDNS_KIND_BELOW) && rs->matches[j].order < best)
				best = rs->matches[j].order;
	}
	return best;
}

/* The owner's own match of the earliest feed with the kind bit, or NULL. */
static const struct match *own_first(const struct xdpdns_ruleset *rs, const struct owner *o,
				     __u8 kind)
{
	const struct match *best = NULL;

	for (__u32 j = o->first; j != NO_MATCH; j = rs->matches[j].next) {
		const struct match *m = &rs->matches[j];

		if ((m->kind & kind) && (!best || m->order < best->order))
			best = m;
	}
	return best;
}

static int insert_cell(struct xdpdns_gen *gen, const struct xdpdns_ruleset *rs,
		       const struct xdpdns_name *name, __u8 kind, const struct match *m)
{
	struct xdpdns_rule r = {
		.name = *name,
		.kind = kind,
		.action = m->rule->action,
		.ede = m->rule->ede,
		.feed = rs->feeds[m->order]->id,
	};

	return xdpdns_gen_insert(gen, &r);
}

static int compile_owner(const struct xdpdns_ruleset *rs, const struct owner *o,
			 struct xdpdns_gen *gen, size_t *kept)
{
	static const __u8 kinds[] = { XDPDNS_KIND_EXACT, XDPDNS_KIND_BELOW };
	struct xdpdns_name name;
	__u32 above;

	xdpdns_name_from_wire(o->wire, o->len, &name);
	above = ancestors_first_order(rs, &name);

	for (size_t k = 0; k < sizeof(kinds); k++) {
		const struct match *m = own_first(rs, o, kinds[k]);
		int err;

		/* The same feed further up is less specific: the owner wins a tie. */
		if (!m || m->order > above)
			continue;
		err = insert_cell(gen, rs, &name, kinds[k], m);
		if (err)
			return err;
		++*kept;
	}
	return 0;
}

static int compile_into(const struct xdpdns_ruleset *rs, struct xdpdns_gen *gen, size_t *kept)
{
	*kept = 0;
	for (size_t i = 0; i <= rs->mask; i++) {
		int err;

		if (!rs->table[i].wire)
			continue;
		err = compile_owner(rs, &rs->table[i], gen, kept);
		if (err)
			return err;
	}
	return 0;
}

int xdpdns_ruleset_compile(const struct xdpdns_ruleset *rs, __u64 generation,
			   struct xdpdns_gen **out, size_t *kept)
{
	__u32 size = rs->nmatches;

	/*
	 * A generation is sized to be half full, so a full probe window is
	 * all but impossible; if it happens, a table twice the size is tried.
	 */
	for (int attempt = 0; attempt < 4; attempt++, size = size * 2 + 64) {
		struct xdpdns_gen *gen = xdpdns_gen_create(size, generation);
		int err;

		if (!gen)
			return -errno;
		err = compile_into(rs, gen, kept);
		if (!err) {
			*out = gen;
			return 0;
		}
		xdpdns_gen_close(gen);
		if (err != -ENOSPC)
			return err;
	}
	return -ENOSPC;
}

/* Record feed order's rule for a name unless the feed already has one. */
static void explain_note(const struct xdpdns_ruleset *rs, const struct match *m,
			 const struct xdpdns_srule **best)
{
	if (!best[m->order])
		best[m->order] = m->rule;
}

size_t xdpdns_ruleset_explain(const struct xdpdns_ruleset *rs, const struct xdpdns_name *qname,
			      struct xdpdns_explain *out, size_t max)
{
	const struct xdpdns_srule **best = calloc(rs->nfeeds ? rs->nfeeds : 1, sizeof(*best));
	const struct owner *o;
	size_t n = 0;

	if (!best)
		return 0;

	/* Most specific first: the exact rule, then the closest ancestor. */
	o = owner_find(rs, qname->wire, qname->len);
	for (__u32 j = o ? o->first : NO_MATCH; j != NO_MATCH; j = rs->matches[j].next)
		if (rs->matches[j].kind & XDPDNS_KIND_EXACT)
			explain_note(rs, &rs->matches[j], best);
	for (int i = 1; i < qname->labels; i++) {
		int off = qname->label_off[i];

		o = owner_find(rs, qname->wire + off, qname->len - off);
		for (__u32 j = o ? o->first : NO_MATCH; j != NO_MATCH; j = rs->matches[j].next)
			if (rs->matches[j].kind & XDPDNS_KIND_BELOW)
				explain_note(rs, &rs->matches[j], best);
	}

	for (size_t f = 0; f < rs->nfeeds; f++) {
		if (!best[f])
			continue;
		if (n < max) {
			out[n].feed = rs->feeds[f];
			out[n].rule = best[f];
		}
		n++;
	}
	free(best);
	return n;
}
