/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Policy lookup: the query name's labels hashed as maps/xdpdns_hash.h says,
 * the candidate suffixes probed in the live generation's filter and
 * buckets, most specific first. The heavy parts are global BPF functions,
 * each checked once by the verifier whatever state the parser reaches them
 * in.
 */
#ifndef XDPDNS_LOOKUP_BPF_H
#define XDPDNS_LOOKUP_BPF_H

#include "maps.bpf.h"

static __always_inline const struct xdpdns_gen_header *live_generation(void **map)
{
	const struct xdpdns_gen_header *hdr;
	__u32 zero = 0;

	*map = bpf_map_lookup_elem(&XDPDNS_MAP_POLICY, &zero);
	if (!*map)
		return NULL;
	hdr = bpf_map_lookup_elem(*map, &zero);
	if (!hdr || hdr->magic != XDPDNS_GEN_MAGIC || hdr->version != XDPDNS_ABI_VERSION)
		return NULL;
	if (hdr->filter_log2 > 30 || hdr->buckets_log2 > 30)
		return NULL;
	return hdr;
}

static __always_inline int depth_has_rules(const __u64 *mask, __u32 depth)
{
	__u32 word = depth >> 6;

	/*
	 * Masked in assembly: the compiler, knowing depth < 128, would drop
	 * the mask, and the verifier, knowing less, then refuses the read.
	 */
	asm volatile("%[w] &= 1" : [w] "+r"(word));
	return (mask[word] >> (depth & 63)) & 1;
}

/*
 * A Bloom filter block answers "surely absent" for most misses: 1 if the
 * key may be in the table, 0 if it surely is not.
 */
static __always_inline __u32 filter_may_hold(void *map, __u32 filter_mask, __u64 place)
{
	__u32 idx = 1 + ((place >> 32) & filter_mask);
	struct xdpdns_filter_block *blk = bpf_map_lookup_elem(map, &idx);
	__u64 all = 1;

	if (!blk)
		return 0;
	for (int k = 0; k < XDPDNS_FILTER_BITS; k++) {
		__u32 bit = xdpdns_filter_bit(place, k);

		all &= blk->word[(bit >> 6) & 7] >> (bit & 63);
	}
	return all & 1;
}

/* 1 if x is not zero, without a branch (BPF has no conditional set). */
static __always_inline __u64 nonzero(__u64 x)
{
	return (x | -x) >> 63;
}

/* The 32 bits of a slot after its fingerprint: name_len, kind, set. */
#define SLOT_META(name_len, kind, set)	((name_len) | (kind) << 8 | (__u32)(set) << 16)
#define SLOT_META_KEY			SLOT_META(0xff, 0, 0xffff)

/*
 * Bit s set for each slot of b that holds the key with one of the kind
 * bits. Arithmetic rather than a compare-and-branch per slot: fewer
 * mispredicted branches, and fewer paths for the verifier.
 */
static __always_inline __u32 bucket_matches(const struct xdpdns_bucket *b, __u64 fp,
					    __u32 meta, __u32 *empty)
{
	__u32 kind = (meta >> 8) & 0xff;
	__u32 hits = 0;

	for (int s = 0; s < XDPDNS_BUCKET_SLOTS; s++) {
		const struct xdpdns_slot *sl = &b->slot[s];
		__u32 sl_meta = *(const __u32 *)&sl->name_len;
		__u64 differs = (sl->fp ^ fp) | ((sl_meta ^ meta) & SLOT_META_KEY);
		__u64 kind_ok = nonzero((sl_meta >> 8) & kind);

		hits |= (kind_ok & (1 ^ nonzero(differs))) << s;
		*empty |= 1 ^ nonzero(sl->fp);
	}
	return hits;
}

static __always_inline __u32 first_hit_value(const struct xdpdns_bucket *b, __u32 hits)
{
	int s = 3;

	if (hits & 1)
		s = 0;
	else if (hits & 2)
		s = 1;
	else if (hits & 4)
		s = 2;
	return *(const __u32 *)&b->slot[s].action;
}

/*
 * Look one key up in the buckets of the live generation, whose bucket mask
 * and first bucket index are packed in layout (mask high, index low); the
 * caller has already asked the filter. Returns 0 for no rule, or PROBE_HIT
 * with the rule's action, ede and feed in the low 32 bits.
 *
 * A global function, so the verifier checks it once rather than at each of
 * the up to 128 probes of a name; hence scalar arguments only, and the
 * generation found again here. Should a new one have been swapped in
 * meanwhile, the probe reads it with the old masks (an index past its end
 * finds nothing); xdpdns_lookup() notices the swap afterwards and throws
 * the result away.
 */
__noinline __u64 xdpdns_probe(__u64 hash_a, __u64 place, __u32 meta, __u64 layout)
{
	struct xdpdns_hash h = { .a = hash_a };
	__u32 bucket_mask = layout >> 32, bucket_base = layout;
	__u32 zero = 0, home;
	__u64 fp;
	void *map;

	map = bpf_map_lookup_elem(&XDPDNS_MAP_POLICY, &zero);
	if (!map)
		return 0;
	fp = xdpdns_hash_fp(&h);

	/* An empty slot ends the search: the key would have been put there. */
	home = place & bucket_mask;
	for (int p = 0; p < XDPDNS_PROBE_MAX; p++) {
		__u32 idx = bucket_base + ((home + p) & bucket_mask);
		struct xdpdns_bucket *b = bpf_map_lookup_elem(map, &idx);
		__u32 hits, empty = 0;

		if (!b)
			return 0;
		hits = bucket_matches(b, fp, meta, &empty);
		if (hits)
			return PROBE_HIT | first_hit_value(b, hits);
		if (empty)
			return 0;
	}
	return 0;
}

#define COLLECT_WHOLE	0x100	/* xdpdns_collect(): the whole name is wanted */

/* Load 8 bytes of the packet at off, if they lie in it. */
static __always_inline int load_word(void *data, void *data_end, __u32 off, __u64 *word)
{
	__u64 *p = data + off;

	if ((void *)(p + 1) > data_end)
		return -1;
	*word = *p;
	return 0;
}

/*
 * The hash of the label whose length byte is at off. Whole words are read
 * forwards; the last few bytes as the word that ends with the label, shifted
 * down, so that no read passes the end of the label (it may start before
 * the label, inside the DNS header at the earliest).
 */
static __always_inline int hash_label(void *data, void *data_end, __u32 off, __u32 len,
				      struct xdpdns_hash *l)
{
	__u32 rem = len & 7;
	__u64 word;

	xdpdns_label_init(l, len);
	for (__u32 w = 0; w < XDPDNS_LABEL_MAX / 8; w++) {
		if (w >= len / 8)
			break;
		if (load_word(data, data_end, off + 1 + w * 8, &word))
			return -1;
		xdpdns_label_word(l, xdpdns_lower8(word));
	}
	if (rem) {
		__u32 end = (off + 1 + len) & 0x3ff;

		/* Never true (the name follows a 12-byte header): for the verifier. */
		if (end < 8 || load_word(data, data_end, end - 8, &word))
			return -1;
		xdpdns_label_word(l, xdpdns_lower8(word >> (64 - rem * 8)));
	}
	return 0;
}

/*
 * Walk QNAME at qname_off: check every label, count them and note where each
 * starts, in the scratch map for xdpdns_lookup(). Names of 255 bytes and 127
 * labels are walked whole: a label takes at least 2 bytes, so 127 labels
 * are all that fit in 254 bytes before the root label. Returns the number
 * of labels | the wire length << 8, or minus the counter of the pass reason.
 *
 * A global function, checked once by the verifier rather than once for each
 * state the parser reaches it in.
 */
__noinline int xdpdns_qname(struct xdp_md *ctx, __u32 qname_off, __u32 msg_end)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct scratch *c;
	__u32 zero = 0, off = 0, i;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return -XDPDNS_CNT_MALFORMED;
	qname_off &= 0x1ff;

	for (i = 0; i <= XDPDNS_LABELS_MAX; i++) {
		__u32 at = qname_off + (off & 0xff);
		__u8 *lp = data + at;
		__u8 len;

		if ((void *)(lp + 1) > data_end || at + 1 > msg_end)
			return -XDPDNS_CNT_TRUNCATED;
		len = *lp;
		if (len == 0)
			break;
		if (len > XDPDNS_LABEL_MAX)	/* compression pointer or reserved type */
			return -XDPDNS_CNT_BAD_NAME;
		if (off + len + 1 >= XDPDNS_NAME_MAX)	/* no room left for the root */
			return -XDPDNS_CNT_TOO_LONG;

		c->label_off[i & XDPDNS_LABELS_MAX] = off;
		off += len + 1;
	}
	if (i > XDPDNS_LABELS_MAX)
		return -XDPDNS_CNT_TOO_LONG;
	return i | (off + 1) << 8;
}

/* The index of the highest bit set, plus one; 0 for none. */
static __always_inline __u32 fls64(__u64 x)
{
	__u32 n = 0;

	if (!x)
		return 0;
	if (x >> 32) {
		n += 32;
		x >>= 32;
	}
	if (x >> 16) {
		n += 16;
		x >>= 16;
	}
	if (x >> 8) {
		n += 8;
		x >>= 8;
	}
	if (x >> 4) {
		n += 4;
		x >>= 4;
	}
	if (x >> 2) {
		n += 2;
		x >>= 2;
	}
	return n + (x >> 1) + 1;
}

/*
 * How many labels, from the root, a lookup of a name of `labels` labels has
 * to hash: all of them if its own depth holds exact rules, else as many as
 * the deepest ancestor depth holding below-rules. A long random name under a
 * list of registered domains costs a few labels of hashing, not 127.
 */
static __always_inline __u32 depth_needed(const struct xdpdns_depths *m, __u32 labels)
{
	__u64 low, high;

	if (depth_has_rules(m->exact, labels))
		return labels;

	/* below-rules at depths 1 to labels - 1: bits under bit `labels` */
	high = labels > 64 ? m->below[1] & ((1ULL << ((labels - 64) & 63)) - 1) : 0;
	if (high)
		return 64 + fls64(high) - 1;
	low = labels >= 64 ? m->below[0] : m->below[0] & ((1ULL << (labels & 63)) - 1);
	return low ? fls64(low) - 1 : 0;
}

/*
 * Hash the labels of QNAME from the root outwards, as far as depth_needed();
 * the state after each label is the hash of the suffix starting there.
 * Ancestors at depths that hold below-rules become candidates, and the whole
 * name is kept apart when its own depth holds exact rules. Returns the
 * number of candidates, plus COLLECT_WHOLE if the whole name is wanted, or
 * -1.
 *
 * A global function like xdpdns_probe. It stores a candidate at every label
 * and moves its index on only where one is wanted: without a branch there,
 * the verifier need not follow each way through all 127 labels.
 */
__noinline int xdpdns_collect(struct xdp_md *ctx, __u32 qname_off, __u32 labels, __u64 seed)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	const struct xdpdns_depths *depths;
	__u32 zero = 0, n = 0, top;
	struct scratch *c;
	struct xdpdns_hash h, l;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	depths = bpf_map_lookup_elem(&XDPDNS_MAP_DEPTHS, &zero);
	if (!c || !depths || labels == 0 || labels > XDPDNS_LABELS_MAX)
		return -1;
	top = depth_needed(depths, labels);

	xdpdns_hash_init(&h, seed);
	for (__u32 d = 1; d <= XDPDNS_LABELS_MAX && d <= top; d++) {
		__u32 i = (labels - d) & XDPDNS_LABELS_MAX;
		__u32 off = c->label_off[i];
		__u32 at = (qname_off & 0x1ff) + off;
		__u8 *lp = data + at;
		__u32 ancestor = (d - labels) >> 31;	/* d < labels, branch-free */

		if ((void *)(lp + 1) > data_end || *lp > XDPDNS_LABEL_MAX ||
		    hash_label(data, data_end, at, *lp, &l))
			return -1;
		xdpdns_hash_label(&h, &l);

		c->h[n & XDPDNS_LABELS_MAX] = h;
		c->pos[n & XDPDNS_LABELS_MAX] = off;
		n += ancestor & depth_has_rules(depths->below, d);
	}
	c->whole = h;
	return n | (top == labels ? COLLECT_WHOLE : 0);
}

/*
 * Ask the filter, then the buckets, for one key. The filter is read here,
 * inline, rather than in the global probe function: most candidates of a
 * miss stop at it, and a call per candidate costs more than the filter
 * itself on CPUs whose returns are guarded against speculation.
 */
static __always_inline __u64 probe_key(void *map, const struct xdpdns_hash *h, __u32 meta,
				       __u32 filter_mask, __u64 layout)
{
	__u64 place = xdpdns_hash_place(h, meta >> 16);

	if (!filter_may_hold(map, filter_mask, place))
		return 0;
	return xdpdns_probe(h->a, place, meta, layout);
}

/*
 * The exact rule of the whole name first, then the below-rules of the
 * ancestors from the closest up; the first hit decides. Returns 0 or a
 * xdpdns_probe() hit, with *owner_off set.
 */
static __always_inline __u64 lookup_in(struct xdp_md *ctx, __u32 qname_off, __u32 qname_len,
				       __u32 labels, void *map,
				       const struct xdpdns_gen_header *hdr, __u32 *owner_off)
{
	__u32 filter_mask = (1U << hdr->filter_log2) - 1;
	__u64 layout = (1 + filter_mask + 1) | ((1ULL << hdr->buckets_log2) - 1) << 32;
	__u32 zero = 0, set = 0;
	struct scratch *c;
	__u64 res = 0;
	int n;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return 0;
	n = xdpdns_collect(ctx, qname_off, labels, hdr->seed);
	if (n < 0)
		return 0;

	*owner_off = 0;
	if (n & COLLECT_WHOLE)
		res = probe_key(map, &c->whole, SLOT_META(qname_len, XDPDNS_KIND_EXACT, set),
				filter_mask, layout);

	n &= ~COLLECT_WHOLE;
	for (__u32 i = 0; !res && i < (__u32)n && i < XDPDNS_LABELS_MAX; i++) {
		__u32 j = (n - 1 - i) & XDPDNS_LABELS_MAX;

		*owner_off = c->pos[j];
		res = probe_key(map, &c->h[j],
				SLOT_META((qname_len - *owner_off) & 0xff, XDPDNS_KIND_BELOW, set),
				filter_mask, layout);
	}
	return res;
}

/*
 * The sinkhole entry of a sinkhole rule's hit into the scratch map, from the
 * generation the rule came from: index 0, or one the table does not hold,
 * is the configured addresses with EDE 15.
 */
static __always_inline void note_sinkhole(void *map, const struct xdpdns_gen_header *hdr,
					  __u64 res)
{
	__u32 index = (res >> 8) & 0xff, zero = 0, idx;
	const struct xdpdns_sinkhole *e = NULL;
	struct scratch *c;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return;
	if (index && index <= hdr->sinkholes) {
		idx = (1U << hdr->filter_log2) + (1U << hdr->buckets_log2) + index;
		e = bpf_map_lookup_elem(map, &idx);
	}
	if (e) {
		c->sinkhole = *e;
		return;
	}
	__builtin_memset(&c->sinkhole, 0, sizeof(c->sinkhole));
	c->sinkhole.flags = XDPDNS_SINK_CONFIG;
}

/*
 * Look a query name up in the live generation. The probes find the
 * generation again each time; if it is not the one the lookup began with, a
 * swap came in between, and the lookup starts over on the new one, so that
 * one query never sees parts of two policies (a sinkhole's entry included).
 * Returns 0 for no rule, or
 * PROBE_HIT with the rule's action, ede and feed in bits 0 to 31 and its
 * owner's offset in QNAME from bit LOOKUP_OWNER_SHIFT.
 *
 * A global function: the program reaches it in many states (IPv4 or IPv6,
 * VLAN tags, EDNS) and its result would otherwise multiply them again for
 * the answer code that follows.
 */
__noinline __u64 xdpdns_lookup(struct xdp_md *ctx, __u32 qname_off, __u32 qname_len,
			       __u32 labels)
{
	const struct xdpdns_gen_header *hdr;
	__u32 owner_off = 0, zero = 0;
	void *map, *now;
	__u64 res;

	for (int attempt = 0; attempt < 2; attempt++) {
		hdr = live_generation(&map);
		if (!hdr)
			return 0;
		res = lookup_in(ctx, qname_off, qname_len & 0xff, labels & 0xff, map, hdr,
				&owner_off);
		if (res && (res & 0xff) == XDPDNS_ACT_SINKHOLE)
			note_sinkhole(map, hdr, res);

		/*
		 * The same map still in the slot is the same generation: a
		 * map swapped out cannot be freed, and its address reused,
		 * while this program runs (an RCU read-side section).
		 */
		now = bpf_map_lookup_elem(&XDPDNS_MAP_POLICY, &zero);
		if (now == map)
			return res ? res | (__u64)(owner_off & 0xff) << LOOKUP_OWNER_SHIFT : 0;
	}
	return 0;
}

static __always_inline void lookup_qname(struct xdp_md *ctx, struct query *q, struct verdict *v)
{
	__u64 res;

	if (q->labels == 0)	/* no rule can cover the root name */
		return;
	res = xdpdns_lookup(ctx, q->dns_off + DNS_HLEN, q->qname_len, q->labels);
	if (!res)
		return;

	v->hit = 1;
	v->action = res;
	v->ede = res >> 8;
	v->feed = res >> 16;
	v->owner_off = (res >> LOOKUP_OWNER_SHIFT) & 0xff;
}

#endif /* XDPDNS_LOOKUP_BPF_H */
