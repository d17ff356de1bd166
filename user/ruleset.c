// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rule index and the generation compiler; ruleset.h says why keeping
 * only the rules that decide their own cell gives feed order exactly.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ruleset.h"
#include "log.h"

#define NO_MATCH	UINT32_MAX
#define ORDER_NONE	UINT32_MAX
/*
 * How many rules ahead of its turn what a rule will read is fetched into the
 * cache. At a million rules the tables are far larger than the caches, and
 * waiting for them was most of the time spent indexing and compiling.
 */
#define AHEAD		8

/* One feed's rule at an owner; kind may be fewer bits than the rule's. */
struct match {
	__u32 next;		/* next match of the same owner, or NO_MATCH */
	__u32 order;		/* the feed's place in the order */
	__u8 kind;
	__u32 owner;		/* its owner's index in the table */
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
	__u64 below_depths[2];	/* bit d: an owner of d labels has a below-rule */
};

/*
 * Eight bytes at a step, as a byte at a step was a chain of multiplies as
 * long as the name; the last mix makes the low bits, which pick the table
 * slot, depend on every byte.
 */
static __u64 wire_hash(const __u8 *wire, __u8 len)
{
	__u64 h = 0xcbf29ce484222325ULL ^ len, w;
	int i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, wire + i, sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, wire + i, len - i);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* The owner slot of a name of hash h: its entry, or the free slot where it goes. */
static struct owner *owner_slot_hashed(const struct xdpdns_ruleset *rs, const __u8 *wire,
				       __u8 len, __u64 h)
{
	size_t i = h & rs->mask;

	for (;;) {
		struct owner *o = &rs->table[i];

		if (!o->wire || (o->len == len && !memcmp(o->wire, wire, len)))
			return o;
		i = (i + 1) & rs->mask;
	}
}

static struct owner *owner_slot(const struct xdpdns_ruleset *rs, const __u8 *wire, __u8 len)
{
	return owner_slot_hashed(rs, wire, len, wire_hash(wire, len));
}

static const struct owner *owner_find(const struct xdpdns_ruleset *rs, const __u8 *wire,
				      __u8 len)
{
	const struct owner *o = owner_slot(rs, wire, len);

	return o->wire ? o : NULL;
}

/* Labels of a wire name, the root not counted. */
static int wire_labels(const __u8 *wire, __u8 len)
{
	int n = 0;

	for (int i = 0; i < len && wire[i]; i += wire[i] + 1)
		n++;
	return n;
}

static bool depth_has_below(const struct xdpdns_ruleset *rs, int depth)
{
	return rs->below_depths[depth / 64] >> (depth % 64) & 1;
}

/* A later rule of the same feed takes its kind bits from earlier ones. */
static void add_match(struct xdpdns_ruleset *rs, struct owner *o, __u32 order,
		      const struct xdpdns_srule *r)
{
	struct match *m;

	for (__u32 i = o->first; i != NO_MATCH; i = rs->matches[i].next)
		if (rs->matches[i].order == order)
			rs->matches[i].kind &= ~r->kind;

	if (r->kind & XDPDNS_KIND_BELOW) {
		int depth = wire_labels(o->wire, o->len);

		rs->below_depths[depth / 64] |= 1ULL << (depth % 64);
	}
	m = &rs->matches[rs->nmatches];
	m->next = o->first;
	m->order = order;
	m->kind = r->kind;
	m->owner = o - rs->table;
	m->rule = r;
	o->first = rs->nmatches++;
}

/* The hash of rule i's owner, its table slot fetched into the cache. */
static __u64 hash_ahead(const struct xdpdns_ruleset *rs, const struct xdpdns_feed *feed,
			size_t i)
{
	const struct xdpdns_srule *r = &feed->rules[i];
	__u64 h = wire_hash(xdpdns_srule_wire(feed, r), r->name_len);

	__builtin_prefetch(&rs->table[h & rs->mask]);
	return h;
}

static int index_feed(struct xdpdns_ruleset *rs, __u32 order)
{
	const struct xdpdns_feed *feed = rs->feeds[order];
	__u64 hash[AHEAD];

	for (size_t i = 0; i < feed->nrules && i < AHEAD; i++)
		hash[i] = hash_ahead(rs, feed, i);
	for (size_t i = 0; i < feed->nrules; i++) {
		const struct xdpdns_srule *r = &feed->rules[i];
		const __u8 *wire = xdpdns_srule_wire(feed, r);
		struct owner *o = owner_slot_hashed(rs, wire, r->name_len, hash[i % AHEAD]);

		if (i + AHEAD < feed->nrules)
			hash[i % AHEAD] = hash_ahead(rs, feed, i + AHEAD);

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

/*
 * Zeroed memory for the owner table, in huge pages where the system lets a
 * program ask for them: the table is probed at random, and with small pages
 * nearly every probe of a large one also missed the TLB.
 */
static struct owner *table_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);
	return p;
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
	rs->table = table_alloc(slots * sizeof(*rs->table));
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
	if (rs->table)
		munmap(rs->table, (rs->mask + 1) * sizeof(*rs->table));
	free(rs->matches);
	free(rs);
}

/*
 * The earliest feed with a below-rule on a strict ancestor of name. Depths
 * without below-rules are not looked up: in blocklists that skips the TLD,
 * the only ancestor of most names.
 */
static __u32 ancestors_first_order(const struct xdpdns_ruleset *rs,
				   const struct xdpdns_name *name)
{
	__u32 best = ORDER_NONE;

	for (int i = 1; i < name->labels; i++) {
		int off = name->label_off[i];
		const struct owner *a;

		if (!depth_has_below(rs, name->labels - i))
			continue;
		a = owner_find(rs, name->wire + off, name->len - off);

		for (__u32 j = a ? a->first : NO_MATCH; j != NO_MATCH; j = rs->matches[j].next) {
			const struct match *m = &rs->matches[j];

			if ((m->kind & XDPDNS_KIND_BELOW) && m->order < best)
				best = m->order;
		}
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

/*
 * The sinkhole entries of the generation being compiled, one per distinct
 * (addresses, EDE code) of the sinkhole rules that decide, in the order
 * they first decide; slot[h] holds 1 + an entry's index, 0 when free.
 */
#define SINK_SLOTS	512	/* a power of two over twice XDPDNS_SINKHOLES_MAX */

struct sink_table {
	struct xdpdns_sinkhole entry[XDPDNS_SINKHOLES_MAX];
	__u32 n;
	__u16 slot[SINK_SLOTS];
	size_t unaddressed;	/* rules that found the table full */
	const struct xdpdns_srule *first_unaddressed;
	const struct xdpdns_feed *first_feed;
};

static void sink_entry_of(const struct xdpdns_feed *feed, const struct xdpdns_srule *r,
			  struct xdpdns_sinkhole *e)
{
	const struct xdpdns_sinkaddr *addr = xdpdns_srule_addr(feed, r);

	memset(e, 0, sizeof(*e));
	e->ede = r->ede;
	if (!addr) {
		e->flags = XDPDNS_SINK_CONFIG;
		return;
	}
	e->flags = addr->families;
	e->v4 = addr->v4;
	memcpy(e->v6, addr->v6, sizeof(e->v6));
}

/*
 * The entry index of a sinkhole rule (0 for the configured addresses with
 * EDE 15, which need none), setting a new entry in gen; -1 if the table
 * is full.
 */
static int sink_index(struct sink_table *t, struct xdpdns_gen *gen,
		      const struct xdpdns_feed *feed, const struct xdpdns_srule *r)
{
	struct xdpdns_sinkhole e;
	size_t h;

	sink_entry_of(feed, r, &e);
	if (e.flags == XDPDNS_SINK_CONFIG && !e.ede)
		return 0;
	h = wire_hash((const __u8 *)&e, sizeof(e));
	for (;; h++) {
		__u16 *s = &t->slot[h & (SINK_SLOTS - 1)];

		if (*s && !memcmp(&t->entry[*s - 1], &e, sizeof(e)))
			return *s;
		if (*s)
			continue;
		if (t->n == XDPDNS_SINKHOLES_MAX || xdpdns_gen_set_sinkhole(gen, t->n + 1, &e))
			return -1;
		t->entry[t->n++] = e;
		*s = t->n;
		return t->n;
	}
}

/*
 * A sinkhole rule that finds the table full is left to the resolver as an
 * allow rule of its feed: left out, it would let a later feed's rule
 * further up decide, which the feed order forbids.
 */
static void sink_unaddressed(struct sink_table *t, const struct xdpdns_feed *feed,
			     const struct xdpdns_srule *r)
{
	if (!t->unaddressed++) {
		t->first_unaddressed = r;
		t->first_feed = feed;
	}
}

static void sink_report(const struct sink_table *t)
{
	char text[XDPDNS_NAME_TEXT_MAX];
	struct xdpdns_name name;

	if (!t->unaddressed)
		return;
	xdpdns_name_from_wire(xdpdns_srule_wire(t->first_feed, t->first_unaddressed),
			      t->first_unaddressed->name_len, &name);
	xdpdns_name_format(&name, text, sizeof(text));
	pr_warn("%zu sinkhole rule%s left to the resolver: more than %d distinct sinkhole "
		"addresses and EDE codes in one generation (the first: '%s' of feed '%s')\n",
		t->unaddressed, t->unaddressed == 1 ? "" : "s", XDPDNS_SINKHOLES_MAX, text,
		t->first_feed->name);
}

/* An owner on its way into the generation: its name and the name's hash there. */
struct pending {
	struct xdpdns_rule rule;
	struct xdpdns_hash hash;
};

/* p holds the owner's name; the rest comes from the deciding match. */
static int insert_cell(struct xdpdns_gen *gen, struct sink_table *sinks,
		       const struct xdpdns_ruleset *rs, struct pending *p, __u8 kind,
		       const struct match *m)
{
	const struct xdpdns_feed *feed = rs->feeds[m->order];
	struct xdpdns_rule *r = &p->rule;
	int index;

	r->kind = kind;
	r->action = m->rule->action;
	r->ede = m->rule->ede;
	r->set = 0;
	r->feed = feed->id;
	if (r->action == XDPDNS_ACT_SINKHOLE) {
		index = sink_index(sinks, gen, feed, m->rule);
		if (index < 0)
			sink_unaddressed(sinks, feed, m->rule);
		r->action = index < 0 ? XDPDNS_ACT_ALLOW : r->action;
		r->ede = index < 0 ? 0 : index;
	}
	return xdpdns_gen_insert_hashed(gen, r, &p->hash);
}

/* p was filled by prepare_owner(). */
static int compile_owner(const struct xdpdns_ruleset *rs, const struct owner *o,
			 struct xdpdns_gen *gen, struct sink_table *sinks, struct pending *p,
			 size_t *kept)
{
	const struct match *exact = own_first(rs, o, XDPDNS_KIND_EXACT);
	const struct match *below = own_first(rs, o, XDPDNS_KIND_BELOW);
	__u32 above = ancestors_first_order(rs, &p->rule.name);
	int err = 0;

	/* The same feed further up is less specific: the owner wins a tie. */
	if (exact && exact->order > above)
		exact = NULL;
	if (below && below->order > above)
		below = NULL;

	/* One rule deciding both kinds takes one slot, in one insert. */
	if (exact && exact == below)
		err = insert_cell(gen, sinks, rs, p, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, exact);
	else if (exact)
		err = insert_cell(gen, sinks, rs, p, XDPDNS_KIND_EXACT, exact);
	if (!err && below && below != exact)
		err = insert_cell(gen, sinks, rs, p, XDPDNS_KIND_BELOW, below);
	if (!err)
		*kept += !!exact + !!below;
	return err;
}

/* The owner of match i if it is compiled there, at its last match; else NULL. */
static const struct owner *owner_at(const struct xdpdns_ruleset *rs, size_t i)
{
	const struct owner *o = &rs->table[rs->matches[i].owner];

	return o->first == i ? o : NULL;
}

/* The owner's name and hash into p; what compiling it reads, into the cache. */
static void prepare_owner(const struct xdpdns_ruleset *rs, struct xdpdns_gen *gen, size_t i,
			  struct pending *p)
{
	const struct owner *o = owner_at(rs, i);
	const struct xdpdns_name *name = &p->rule.name;

	if (!o)
		return;
	xdpdns_name_from_wire(o->wire, o->len, &p->rule.name);
	for (int l = 1; l < name->labels; l++) {
		int off = name->label_off[l];

		if (depth_has_below(rs, name->labels - l))
			__builtin_prefetch(&rs->table[wire_hash(name->wire + off,
								name->len - off) & rs->mask]);
	}
	xdpdns_name_hash(name, xdpdns_gen_header(gen)->seed, &p->hash);
	xdpdns_gen_prefetch(gen, &p->hash, 0);
}

/*
 * Owners in the order of their rules, not of the table: the feeds' rules
 * and names are then read front to back rather than at random. Each owner
 * is compiled at its last match, in three steps AHEAD matches apart: its
 * table slot fetched, then its name built and the slots of its ancestors
 * and its place in the generation fetched, then the compile proper.
 */
static int compile_into(const struct xdpdns_ruleset *rs, struct xdpdns_gen *gen,
			struct sink_table *sinks, size_t *kept)
{
	struct pending ring[AHEAD];
	size_t n = rs->nmatches;

	*kept = 0;
	memset(sinks, 0, sizeof(*sinks));
	for (size_t i = 0; i < n + 2 * AHEAD; i++) {
		if (i >= 2 * AHEAD) {
			size_t j = i - 2 * AHEAD;
			const struct owner *o = owner_at(rs, j);
			int err = o ? compile_owner(rs, o, gen, sinks, &ring[j % AHEAD], kept) : 0;

			if (err)
				return err;
		}
		if (i >= AHEAD && i - AHEAD < n)
			prepare_owner(rs, gen, i - AHEAD, &ring[(i - AHEAD) % AHEAD]);
		if (i < n)
			__builtin_prefetch(&rs->table[rs->matches[i].owner]);
	}
	return 0;
}

int xdpdns_ruleset_compile(const struct xdpdns_ruleset *rs, __u64 generation,
			   struct xdpdns_gen **out, size_t *kept)
{
	struct sink_table *sinks = malloc(sizeof(*sinks));
	__u32 size = rs->nmatches;
	int err = -ENOSPC;

	if (!sinks)
		return -ENOMEM;

	/*
	 * A generation is sized to be half full, so a full probe window is
	 * all but impossible; if it happens, a table twice the size is tried.
	 * Its sinkhole table has room for every entry (16 KiB): which
	 * entries the deciding rules need is known only once they are in.
	 */
	for (int attempt = 0; attempt < 4 && err == -ENOSPC; attempt++, size = size * 2 + 64) {
		struct xdpdns_gen *gen = xdpdns_gen_create_with(size, XDPDNS_SINKHOLES_MAX,
								generation);

		if (!gen) {
			err = -errno;
			break;
		}
		err = compile_into(rs, gen, sinks, kept);
		if (!err) {
			sink_report(sinks);
			*out = gen;
		} else {
			xdpdns_gen_close(gen);
		}
	}
	free(sinks);
	return err;
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
