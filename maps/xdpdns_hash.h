/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one name hash of xdpdns, compiled into the XDP program and into
 * userspace, so the hash userspace stores is by construction the hash the
 * datapath computes.
 *
 * A name is hashed label by label. A label's hash covers its length and its
 * bytes, lower case, taken eight at a time as little-endian 64-bit words
 * (the last word holds the remaining bytes, zero above them). The hash of a
 * name starts from a per-generation seed for the root and takes in its
 * labels from the root outwards, so the state after label i is the hash of
 * the suffix that starts at label i: the hashes of a query name and of all
 * its ancestors come from one pass, at the cost of a few multiplies per
 * label rather than per byte.
 *
 * Every state is two 64-bit lanes, xor-multiply-xorshift with different odd
 * multipliers; each step is a bijection of the lane for a fixed input, so two
 * names that differ in one label never collide unless that label's hashes
 * do. Lane a gives the fingerprint stored in a slot; lane b, mixed with the
 * policy set, gives the place: the bucket and the filter bits (low bits) and
 * the filter block (high 32 bits). The seed is random per generation, so
 * collisions cannot be precomputed against a running filter. Words are read
 * in little-endian order on both sides: xdpdns runs on little-endian
 * machines only.
 *
 * Why a false match is practically impossible: a query matches a rule that
 * is not for its name only if a slot that its lookup compares holds a rule
 * of another name with the same 64-bit fingerprint, wire length and policy
 * set. A lookup compares at most XDPDNS_PROBE_MAX * XDPDNS_BUCKET_SLOTS = 64
 * slots. Which slots those are is decided by lane b, independently of lane
 * a, so each holds a foreign name whose fingerprint equals the query's with
 * probability 2^-64, however many rules the table holds. A query makes at
 * most one lookup per label, 127, and is looked up at most twice (once more
 * if a new generation came in during the first lookup), so
 *
 *   P(false match per query) <= 2 * 127 * 64 * 2^-64 ~= 8.8e-16
 *
 * with 10 million rules as with 10 billion: far below 1e-12. (A bound that
 * ignored the buckets, comparing each lookup with all 10 million rules,
 * would give 1e7 * 2^-64 ~= 5.4e-13 per lookup; the table makes a query
 * compare at most 64 slots, so that count does not apply.)
 */
#ifndef XDPDNS_HASH_H
#define XDPDNS_HASH_H

#include <linux/types.h>
#include "xdpdns_abi.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define XDPDNS_HASH_MUL_A	0x9e3779b97f4a7c15ULL	/* 2^64 / golden ratio */
#define XDPDNS_HASH_MUL_B	0xc2b2ae3d27d4eb4fULL	/* odd, dense bits */
#define XDPDNS_HASH_MUL_C	0xff51afd7ed558ccdULL
#define XDPDNS_HASH_MUL_D	0xc4ceb9fe1a85ec53ULL
#define XDPDNS_HASH_INIT_A	0xcbf29ce484222325ULL
#define XDPDNS_HASH_INIT_B	0x84222325cbf29ce4ULL

/* Two lanes of state: of one label, or of a suffix of a name. */
struct xdpdns_hash {
	__u64 a;
	__u64 b;
};

/* Start the hash of a label of len bytes. */
static __always_inline void xdpdns_label_init(struct xdpdns_hash *l, __u32 len)
{
	l->a = (len + 1) * XDPDNS_HASH_MUL_A;
	l->b = (len + 1) * XDPDNS_HASH_MUL_B;
}

/* Take in the next word of a label, already folded to lower case. */
static __always_inline void xdpdns_label_word(struct xdpdns_hash *l, __u64 word)
{
	l->a = (l->a ^ word) * XDPDNS_HASH_MUL_A;
	l->a ^= l->a >> 32;
	l->b = (l->b ^ word) * XDPDNS_HASH_MUL_B;
	l->b ^= l->b >> 29;
}

/* The hash of the root name, where every name's hash starts. */
static __always_inline void xdpdns_hash_init(struct xdpdns_hash *h, __u64 seed)
{
	h->a = XDPDNS_HASH_INIT_A ^ seed;
	h->b = XDPDNS_HASH_INIT_B ^ (seed * XDPDNS_HASH_MUL_B);
}

/* Put label l in front of the name hashed in h. */
static __always_inline void xdpdns_hash_label(struct xdpdns_hash *h, const struct xdpdns_hash *l)
{
	h->a = (h->a ^ l->a) * XDPDNS_HASH_MUL_C;
	h->a ^= h->a >> 31;
	h->b = (h->b ^ l->b) * XDPDNS_HASH_MUL_D;
	h->b ^= h->b >> 27;
}

/*
 * Fold the ASCII capitals of eight bytes to lower case, leaving every other
 * byte as it is: per byte, bit 7 of (b & 0x7f) + 0x3f says b >= 'A' and bit
 * 7 of (b & 0x7f) + 0x25 says b > 'Z', with no carry between bytes.
 */
static __always_inline __u64 xdpdns_lower8(__u64 x)
{
	__u64 low7 = x & 0x7f7f7f7f7f7f7f7fULL;
	__u64 ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;
	__u64 gt_z = low7 + 0x2525252525252525ULL;

	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080ULL) >> 2);
}

static __always_inline __u64 xdpdns_mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The fingerprint a slot stores; never one of the free-slot markers. */
static __always_inline __u64 xdpdns_hash_fp(const struct xdpdns_hash *h)
{
	__u64 fp = xdpdns_mix64(h->a);

	if (fp <= XDPDNS_FP_TOMBSTONE)
		fp += 2;
	return fp;
}

/* Where a key lives: bucket from the low bits, filter block from the high. */
static __always_inline __u64 xdpdns_hash_place(const struct xdpdns_hash *h, __u16 set)
{
	return xdpdns_mix64(h->b + set);
}

/*
 * The bit of a filter block (0 to 511) that bit k of a key sets, taken from
 * the low bits of its place (the block comes from the high ones), so that a
 * miss the filter rules out never needs the fingerprint.
 */
static __always_inline __u32 xdpdns_filter_bit(__u64 place, int k)
{
	return (place >> (9 * k)) & (XDPDNS_BLOCK_SIZE * 8 - 1);
}

/* Fold an ASCII letter to lower case; every other byte is kept. */
static __always_inline __u8 xdpdns_lower(__u8 c)
{
	if ((__u8)(c - 'A') < 26)
		c += 'a' - 'A';
	return c;
}

#endif /* XDPDNS_HASH_H */
