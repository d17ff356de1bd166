// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpdns: DNS policy at the NIC. For every UDP query to a DNS port this
 * program looks the query name up in the live policy generation (exact rule
 * of the whole name first, then the below-rule of each ancestor from the
 * closest up; the first rule found decides) and then passes the query to the
 * resolver, drops it, or rewrites it in place into an answer sent back out of
 * the same interface. Anything that is not a well-formed query is passed
 * untouched and counted under its reason. docs/datapath.md is the contract.
 */
#include "parse.h"
#include "xdpdns_hash.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct xdpdns_gen_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__uint(max_entries, 3);		/* template only: header, filter, bucket */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, XDPDNS_BLOCK_SIZE);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct xdpdns_gen_map);
} XDPDNS_MAP_POLICY SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPDNS_SETS_MAX);
	__type(key, __u32);
	__type(value, struct xdpdns_depths);
} XDPDNS_MAP_DEPTHS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPDNS_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} XDPDNS_MAP_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPDNS_FEEDS_MAX);
	__type(key, __u32);
	__type(value, __u64);
} XDPDNS_MAP_FEED_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdns_config);
} XDPDNS_MAP_CONFIG SEC(".maps");

/* The rule that decided, and where its owner starts in QNAME. */
struct verdict {
	__u8 hit;
	__u8 action;
	__u8 ede;
	__u16 feed;
	__u32 owner_off;
};

/*
 * Per-query work space, too big for the 512-byte stack: where each label
 * starts, the hash of every candidate suffix, root side first; and the query
 * and verdict handed to xdpdns_answer().
 */
struct candidates {
	/* 128 entries: indices are masked with XDPDNS_LABELS_MAX (127) */
	__u8 label_off[XDPDNS_LABELS_MAX + 1];	/* length byte of each label */
	struct xdpdns_hash h[XDPDNS_LABELS_MAX + 1];	/* candidate suffixes */
	__u8 pos[XDPDNS_LABELS_MAX + 1];	/* their owner offset in QNAME */
	struct xdpdns_hash whole;		/* the whole name */
	struct query query;
	struct verdict verdict;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct candidates);
} xdpdns_scratch SEC(".maps");

#define PROBE_HIT		(1ULL << 32)	/* low 32 bits: action, ede, feed */
#define LOOKUP_OWNER_SHIFT	40

static __always_inline void count(__u32 counter)
{
	__u64 *c = bpf_map_lookup_elem(&XDPDNS_MAP_STATS, &counter);

	if (c)
		*c += 1;
}

static __always_inline void count_feed(__u32 feed)
{
	__u64 *c = bpf_map_lookup_elem(&XDPDNS_MAP_FEED_STATS, &feed);

	if (c)
		*c += 1;
}

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

/* A Bloom filter block answers "surely absent" for most misses. */
static __always_inline int filter_may_hold(void *map, __u32 filter_mask, __u64 place)
{
	__u32 idx = 1 + ((place >> 32) & filter_mask);
	struct xdpdns_filter_block *blk = bpf_map_lookup_elem(map, &idx);

	if (!blk)
		return 0;
	for (int k = 0; k < XDPDNS_FILTER_BITS; k++) {
		__u32 bit = xdpdns_filter_bit(place, k);

		if (!((blk->word[(bit >> 6) & 7] >> (bit & 63)) & 1))
			return 0;
	}
	return 1;
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
 * Look one key up in the live generation, whose filter and bucket masks are
 * packed in layout (filter mask low, bucket mask high). Returns 0 for no
 * rule, or PROBE_HIT with the rule's action, ede and feed in the low 32 bits.
 *
 * A global function, so the verifier checks it once rather than at each of
 * the up to 128 probes of a name; hence scalar arguments only. Should a new
 * generation be swapped in meanwhile, the probe may read it with the old
 * masks (every index stays inside the map); xdpdns_lookup() notices the
 * swap afterwards and throws the result away.
 */
__noinline __u64 xdpdns_probe(__u64 hash_a, __u64 hash_b, __u32 meta, __u64 layout)
{
	struct xdpdns_hash h = { .a = hash_a, .b = hash_b };
	__u32 filter_mask = layout, bucket_mask = layout >> 32;
	__u32 bucket_base = 1 + filter_mask + 1;
	__u32 zero = 0, home;
	__u64 fp, place;
	void *map;

	map = bpf_map_lookup_elem(&XDPDNS_MAP_POLICY, &zero);
	if (!map)
		return 0;

	place = xdpdns_hash_place(&h, meta >> 16);
	if (!filter_may_hold(map, filter_mask, place))
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
	struct candidates *c;
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
 * name is kept apart when its depth was reached. Returns the number of
 * candidates, or -1.
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
	struct candidates *c;
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
	return n;
}

/*
 * The exact rule of the whole name first, then the below-rules of the
 * ancestors from the closest up; the first hit decides. Returns 0 or a
 * xdpdns_probe() hit, with *owner_off set.
 */
static __always_inline __u64 lookup_in(struct xdp_md *ctx, __u32 qname_off, __u32 qname_len,
				       __u32 labels, const struct xdpdns_gen_header *hdr,
				       __u32 *owner_off)
{
	__u64 layout = (1ULL << hdr->filter_log2) - 1 |
		       ((1ULL << hdr->buckets_log2) - 1) << 32;
	const struct xdpdns_depths *depths;
	struct candidates *c;
	__u32 zero = 0, set = 0;
	__u64 res = 0;
	int n;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	depths = bpf_map_lookup_elem(&XDPDNS_MAP_DEPTHS, &zero);
	if (!c || !depths)
		return 0;
	n = xdpdns_collect(ctx, qname_off, labels, hdr->seed);
	if (n < 0)
		return 0;

	*owner_off = 0;
	if (depth_has_rules(depths->exact, labels))
		res = xdpdns_probe(c->whole.a, c->whole.b,
				   SLOT_META(qname_len, XDPDNS_KIND_EXACT, set), layout);

	for (__u32 i = 0; !res && i < (__u32)n && i < XDPDNS_LABELS_MAX; i++) {
		__u32 j = (n - 1 - i) & XDPDNS_LABELS_MAX;

		*owner_off = c->pos[j];
		res = xdpdns_probe(c->h[j].a, c->h[j].b,
				   SLOT_META((qname_len - *owner_off) & 0xff,
					     XDPDNS_KIND_BELOW, set), layout);
	}
	return res;
}

/*
 * Look a query name up in the live generation. The probes find the
 * generation again each time; if it is not the one the lookup began with, a
 * swap came in between, and the lookup starts over on the new one, so that
 * one query never sees parts of two policies. Returns 0 for no rule, or
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
		res = lookup_in(ctx, qname_off, qname_len & 0xff, labels & 0xff, hdr, &owner_off);

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

/* ---- answers ---- */

static __always_inline __u32 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

/*
 * One's-complement sum of len bytes at off, read as 16-bit words in memory
 * order: the sum is byte-order independent (RFC 1071), so it is stored back
 * the same way without swapping. A global function: the verifier checks its
 * loop once, not once for every kind of answer.
 */
__noinline __u64 xdpdns_csum(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u64 sum = 0;

	off &= 0x1ff;
	for (__u32 i = 0; i < 512; i += 2) {
		__u16 *w = data + off + i;
		__u8 *b = (__u8 *)w;
		__u16 last = 0;

		if (i + 1 >= len) {
			if (i < len && (void *)(b + 1) <= data_end) {
				*(__u8 *)&last = *b;
				sum += last;
			}
			break;
		}
		if ((void *)(w + 1) > data_end)
			break;
		sum += *w;
	}
	return sum;
}

/* Where the records of an answer go and how long they are. */
struct answer {
	__u32 rec_len;		/* answer and authority records */
	__u32 opt_rdlen;	/* RDLENGTH of our OPT record */
	__u32 udp_len;
	__u32 frame_len;
	__u8 rcode;
	__u8 tc;
	__u8 an;		/* ANCOUNT */
	__u8 ns;		/* NSCOUNT */
	__u8 addr_len;		/* 4 or 16 for a sinkhole address, else 0 */
};

#define RR_FIXED_LEN	12	/* owner pointer, TYPE, CLASS, TTL, RDLENGTH */
#define SOA_RDLEN	24	/* two name pointers and five 32-bit fields */
#define EDE_OPT_LEN	6	/* option code, length, INFO-CODE */
#define DNS_TYPE_A	1
#define DNS_TYPE_SOA	6
#define DNS_TYPE_AAAA	28
#define DNS_CLASS_IN	1

static __always_inline void plan_answer(const struct query *q, __u8 action, struct answer *a)
{
	__builtin_memset(a, 0, sizeof(*a));

	switch (action) {
	case XDPDNS_ACT_NXDOMAIN:
		a->rcode = 3;
		a->ns = 1;
		break;
	case XDPDNS_ACT_NODATA:
		a->ns = 1;
		break;
	case XDPDNS_ACT_REFUSED:
		a->rcode = 5;
		break;
	case XDPDNS_ACT_SINKHOLE:
		if (q->qclass == DNS_CLASS_IN && q->qtype == DNS_TYPE_A)
			a->addr_len = 4;
		else if (q->qclass == DNS_CLASS_IN && q->qtype == DNS_TYPE_AAAA)
			a->addr_len = 16;
		a->an = a->addr_len != 0;
		a->ns = !a->an;
		break;
	case XDPDNS_ACT_TC:
		a->tc = 1;
		break;
	}

	a->rec_len = a->an * (RR_FIXED_LEN + a->addr_len) + a->ns * (RR_FIXED_LEN + SOA_RDLEN);
	a->opt_rdlen = action == XDPDNS_ACT_TC ? 0 : EDE_OPT_LEN;
	a->udp_len = q->qend_off - q->l4_off + a->rec_len +
		     (q->has_opt ? OPT_FIXED_LEN + a->opt_rdlen : 0);
	a->frame_len = q->l4_off + a->udp_len;
}

static __always_inline void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static __always_inline void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static __always_inline void swap_bytes(__u8 *a, __u8 *b, int n)
{
	for (int i = 0; i < n; i++) {
		__u8 t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/* Ethernet, IP and UDP headers of the answer; UDP checksum still zero. */
static __always_inline int rewrite_l2_l4(struct xdp_md *ctx, void *data, void *data_end,
					 const struct query *q, const struct answer *a)
{
	struct udphdr *udp = data + (q->l4_off & 0x7f);
	__u16 port;

	if ((void *)(udp + 1) > data_end || data + ETH_HLEN > data_end)
		return -1;
	swap_bytes(data, data + ETH_ALEN, ETH_ALEN);

	if (q->ipv6) {
		struct ipv6hdr *ip6 = data + (q->l3_off & 0x1f);

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		swap_bytes((__u8 *)&ip6->saddr, (__u8 *)&ip6->daddr, 16);
		ip6->payload_len = bpf_htons(a->udp_len);
		ip6->hop_limit = 64;
	} else {
		struct iphdr *ip = data + (q->l3_off & 0x1f);
		__be32 addr;

		if ((void *)(ip + 1) > data_end)
			return -1;
		addr = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = addr;
		ip->tot_len = bpf_htons(q->l4_off - q->l3_off + a->udp_len);
		ip->ttl = 64;
		ip->check = 0;
		ip->check = ~csum_fold(xdpdns_csum(ctx, q->l3_off, ip->ihl * 4)) & 0xffff;
	}

	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	udp->len = bpf_htons(a->udp_len);
	udp->check = 0;
	return 0;
}

static __always_inline int rewrite_dns_header(void *data, void *data_end, const struct query *q,
					      const struct answer *a, const struct xdpdns_config *cfg)
{
	__u8 *h = data + (q->dns_off & 0x7f);

	if ((void *)(h + DNS_HLEN) > data_end)
		return -1;
	h[2] = 0x80 | (a->tc ? 0x02 : 0) | (h[2] & 0x01);
	h[3] = (cfg->flags & XDPDNS_CFG_RA ? 0x80 : 0) | (h[3] & 0x10) | a->rcode;
	put16(h + 6, a->an);
	put16(h + 8, a->ns);
	put16(h + 10, q->has_opt);
	return 0;
}

/* The records after the question: address or SOA, then OPT. */
static __always_inline int write_records(void *data, void *data_end, const struct query *q,
					 const struct answer *a, const struct verdict *v,
					 const struct xdpdns_config *cfg)
{
	__u32 off = q->qend_off & 0x1ff;
	__u8 *r = data + off;
	__u16 owner = 0xc000 | (DNS_HLEN + (v->owner_off & 0xff));

	if (a->an) {
		if ((void *)(r + RR_FIXED_LEN) > data_end)
			return -1;
		put16(r, 0xc000 | DNS_HLEN);
		put16(r + 2, q->qtype);
		put16(r + 4, DNS_CLASS_IN);
		put32(r + 6, cfg->sinkhole_ttl);
		put16(r + 10, a->addr_len);
		r += RR_FIXED_LEN;
		if (a->addr_len == 4) {
			if ((void *)(r + 4) > data_end)
				return -1;
			__builtin_memcpy(r, &cfg->sinkhole_v4, 4);
			r += 4;
		} else {
			if ((void *)(r + 16) > data_end)
				return -1;
			__builtin_memcpy(r, cfg->sinkhole_v6, 16);
			r += 16;
		}
	}

	if (a->ns) {
		if ((void *)(r + RR_FIXED_LEN + SOA_RDLEN) > data_end)
			return -1;
		put16(r, owner);
		put16(r + 2, DNS_TYPE_SOA);
		put16(r + 4, DNS_CLASS_IN);
		put32(r + 6, cfg->negative_ttl);
		put16(r + 10, SOA_RDLEN);
		put16(r + 12, owner);		/* MNAME */
		put16(r + 14, owner);		/* RNAME */
		put32(r + 16, cfg->soa_serial);
		put32(r + 20, 1800);		/* REFRESH */
		put32(r + 24, 900);		/* RETRY */
		put32(r + 28, 604800);		/* EXPIRE */
		put32(r + 32, cfg->negative_ttl);	/* MINIMUM */
		r += RR_FIXED_LEN + SOA_RDLEN;
	}

	if (q->has_opt) {
		if ((void *)(r + OPT_FIXED_LEN) > data_end)
			return -1;
		r[0] = 0;
		put16(r + 1, DNS_TYPE_OPT);
		put16(r + 3, cfg->edns_udp_size);
		put32(r + 5, q->do_bit ? 0x8000 : 0);
		put16(r + 9, a->opt_rdlen);
		r += OPT_FIXED_LEN;
		if (a->opt_rdlen) {
			if ((void *)(r + EDE_OPT_LEN) > data_end)
				return -1;
			put16(r, 15);		/* OPTION-CODE: Extended DNS Error */
			put16(r + 2, 2);
			put16(r + 4, v->ede ? v->ede : XDPDNS_EDE_BLOCKED);
		}
	}
	return 0;
}

static __always_inline void write_udp_checksum(struct xdp_md *ctx, void *data, void *data_end,
					       const struct query *q, const struct answer *a)
{
	struct udphdr *udp = data + (q->l4_off & 0x7f);
	__u64 sum = bpf_htons(IPPROTO_UDP) + bpf_htons(a->udp_len);
	__u32 check;

	if ((void *)(udp + 1) > data_end)
		return;
	if (q->ipv6)	/* source and destination: the 32 bytes before UDP */
		sum += xdpdns_csum(ctx, q->l4_off - 32, 32);
	else
		sum += xdpdns_csum(ctx, q->l3_off + 12, 8);
	sum += xdpdns_csum(ctx, q->l4_off, a->udp_len);

	check = ~csum_fold(sum) & 0xffff;
	udp->check = check ? check : 0xffff;
}

/*
 * Turn the query into its answer in place. Returns XDP_TX; XDP_PASS if the
 * frame cannot be resized (it is still the query, untouched); XDP_DROP if a
 * write fails after the resize, which the exact sizing above rules out but
 * which must never send a half-rewritten frame on to the resolver.
 */
static __always_inline int rewrite_answer(struct xdp_md *ctx, const struct query *q,
					  const struct verdict *v, const struct xdpdns_config *cfg)
{
	struct answer a;
	void *data, *data_end;
	int delta;

	plan_answer(q, v->action, &a);
	delta = (int)a.frame_len - (int)(ctx->data_end - ctx->data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return XDP_PASS;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (rewrite_l2_l4(ctx, data, data_end, q, &a) ||
	    rewrite_dns_header(data, data_end, q, &a, cfg) ||
	    write_records(data, data_end, q, &a, v, cfg))
		return XDP_DROP;
	write_udp_checksum(ctx, data, data_end, q, &a);
	return XDP_TX;
}

/*
 * The answer for the query and verdict left in the scratch map. A global
 * function: the program reaches it in many states (VLAN tags, IPv4 or IPv6,
 * EDNS, each action), and checked inline the answer code would be walked by
 * the verifier once for each of them.
 */
__noinline int xdpdns_answer(struct xdp_md *ctx)
{
	const struct xdpdns_config *cfg;
	struct candidates *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	cfg = bpf_map_lookup_elem(&XDPDNS_MAP_CONFIG, &zero);
	if (!c || !cfg)
		return XDP_PASS;
	return rewrite_answer(ctx, &c->query, &c->verdict, cfg);
}

/* ---- entry ---- */

static __always_inline int parse_qname(struct xdp_md *ctx, struct query *q)
{
	int res = xdpdns_qname(ctx, q->dns_off + DNS_HLEN, q->msg_end);

	if (res < 0)
		return -res;
	q->labels = res & 0xff;
	q->qname_len = res >> 8;
	return XDPDNS_CNT_QUERIES;
}

static __always_inline int answer(struct xdp_md *ctx, const struct query *q,
				  const struct verdict *v)
{
	struct candidates *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return XDP_PASS;
	c->query = *q;
	c->verdict = *v;
	return xdpdns_answer(ctx);
}

static __always_inline __u32 answer_counter(__u8 action)
{
	switch (action) {
	case XDPDNS_ACT_NXDOMAIN:
		return XDPDNS_CNT_NXDOMAIN;
	case XDPDNS_ACT_NODATA:
		return XDPDNS_CNT_NODATA;
	case XDPDNS_ACT_REFUSED:
		return XDPDNS_CNT_REFUSED;
	case XDPDNS_ACT_SINKHOLE:
		return XDPDNS_CNT_SINKHOLE;
	default:
		return XDPDNS_CNT_TC;
	}
}

static __always_inline int parse_query(struct xdp_md *ctx, void *data, void *data_end,
				       struct query *q, const struct xdpdns_config *cfg)
{
	struct ethhdr *eth = data;
	__u32 ip_end = 0;
	__u16 proto;
	int res;

	if ((void *)(eth + 1) > data_end)
		return XDPDNS_CNT_TRUNCATED;
	proto = eth->h_proto;
	q->l3_off = sizeof(*eth);
	res = parse_vlans(data, data_end, &q->l3_off, &proto);
	if (res != XDPDNS_CNT_QUERIES)
		return res;

	if (proto == bpf_htons(ETH_P_IP))
		res = parse_ipv4(data, data_end, q, &ip_end);
	else if (proto == bpf_htons(ETH_P_IPV6))
		res = parse_ipv6(data, data_end, q, &ip_end);
	else
		res = XDPDNS_CNT_NOT_DNS;
	if (res != XDPDNS_CNT_QUERIES)
		return res;

	res = parse_udp(data, data_end, q, ip_end, cfg->ports);
	if (res == XDPDNS_CNT_QUERIES)
		res = check_addresses(data, data_end, q);
	if (res == XDPDNS_CNT_QUERIES)
		res = parse_dns_header(data, data_end, q);
	if (res == XDPDNS_CNT_QUERIES)
		res = parse_qname(ctx, q);
	if (res == XDPDNS_CNT_QUERIES)
		res = parse_question_tail(data, data_end, q);
	if (res == XDPDNS_CNT_QUERIES)
		res = parse_edns(data, data_end, q);
	return res;
}

SEC("xdp")
int xdpdns_filter(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct xdpdns_config *cfg;
	struct query q = {};
	struct verdict v = {};
	int xdp = XDP_PASS;
	__u32 zero = 0;
	__u32 counter;

	count(XDPDNS_CNT_PACKETS);
	cfg = bpf_map_lookup_elem(&XDPDNS_MAP_CONFIG, &zero);
	if (!cfg) {
		counter = XDPDNS_CNT_NOT_DNS;
		goto out;
	}

	counter = parse_query(ctx, data, data_end, &q, cfg);
	if (counter != XDPDNS_CNT_QUERIES)
		goto out;
	count(XDPDNS_CNT_QUERIES);

	lookup_qname(ctx, &q, &v);
	if (!v.hit) {
		counter = XDPDNS_CNT_PASSED;
		goto out;
	}
	count_feed(v.feed & (XDPDNS_FEEDS_MAX - 1));
	counter = XDPDNS_CNT_PASSED;

	switch (v.action) {
	case XDPDNS_ACT_ALLOW:
		counter = XDPDNS_CNT_ALLOWED;
		break;
	case XDPDNS_ACT_LOG:
		counter = XDPDNS_CNT_LOGGED;
		break;
	case XDPDNS_ACT_DROP:
		counter = XDPDNS_CNT_DROPPED;
		xdp = XDP_DROP;
		break;
	case XDPDNS_ACT_NXDOMAIN:
	case XDPDNS_ACT_NODATA:
	case XDPDNS_ACT_REFUSED:
	case XDPDNS_ACT_SINKHOLE:
	case XDPDNS_ACT_TC:
		counter = answer_counter(v.action);
		xdp = answer(ctx, &q, &v);
		if (xdp != XDP_TX)
			counter = XDPDNS_CNT_NO_ROOM;
		break;
	}
out:
	count(counter);
	return xdp;
}
