/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one name hash of xdpdns, compiled into the XDP program and into
 * userspace, so the hash userspace stores is by construction the hash the
 * datapath computes.
 *
 * A name is hashed in wire form (length-prefixed labels, lower case), byte by
 * byte from its last byte towards its first, root label excluded. Hashing
 * backwards means that the state after the length byte of label i is the hash
 * of the suffix that starts at label i: one pass over a query name yields the
 * hash of the name and of every ancestor, which is what the lookup order
 * (exact name, then each ancestor) needs.
 *
 * The state is two independent 64-bit lanes (xor-multiply, FNV-1a style, with
 * different odd multipliers), each finished with the MurmurHash3 64-bit
 * finaliser. Lane a gives the fingerprint stored in a slot; lane b, mixed
 * with the policy set, gives the bucket (low bits) and the filter block (high
 * 32 bits). Both lanes start from a seed that is random per generation, so
 * collisions cannot be precomputed against a running filter.
 *
 * Why a false match is practically impossible: a query matches a rule it is
 * not for only if, in a bucket the probe visits, a slot holds the same 64-bit
 * fingerprint, the same wire length and the same policy set. A lookup
 * compares at most XDPDNS_PROBE_MAX * XDPDNS_BUCKET_SLOTS = 16 slots, each
 * matching a foreign name with probability 2^-64, and a query does at most
 * one lookup per label (127). So P(false match per query) <= 127 * 16 *
 * 2^-64 ~= 1.1e-16, whatever the number of rules. Without the bucket
 * argument, comparing against all of 10 million rules of one length, the
 * bound is 127 * 1e7 * 2^-64 ~= 6.9e-11 per query if every label were looked
 * up; with the realistic two to four lookups of a query, 1e7 * 4 * 2^-64 ~=
 * 2.2e-12. The bucket bound is the one that holds, because the bucket index
 * comes from lane b and the fingerprint from lane a: a foreign rule lies in a
 * visited bucket only with probability 4 / buckets, so 10 million rules in
 * 2^22 buckets contribute 1e7 * 4 / 2^22 * 2^-64 ~= 5.2e-19 per lookup,
 * about 6.6e-17 per query at 127 lookups; below 1e-12 by far.
 */
#ifndef XDPDNS_HASH_H
#define XDPDNS_HASH_H

#include <linux/types.h>
#include "xdpdns_abi.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define XDPDNS_HASH_MUL_A	0x00000100000001b3ULL	/* FNV-1a 64 prime */
#define XDPDNS_HASH_MUL_B	0x9e3779b97f4a7c15ULL	/* 2^64 / golden ratio */
#define XDPDNS_HASH_INIT_A	0xcbf29ce484222325ULL	/* FNV-1a 64 basis */
#define XDPDNS_HASH_INIT_B	0x84222325cbf29ce4ULL

struct xdpdns_hash {
	__u64 a;
	__u64 b;
};

static __always_inline void xdpdns_hash_init(struct xdpdns_hash *h, __u64 seed)
{
	h->a = XDPDNS_HASH_INIT_A ^ seed;
	h->b = XDPDNS_HASH_INIT_B ^ (seed * XDPDNS_HASH_MUL_B);
}

/* Feed one wire byte, already folded to lower case. */
static __always_inline void xdpdns_hash_byte(struct xdpdns_hash *h, __u8 c)
{
	h->a = (h->a ^ c) * XDPDNS_HASH_MUL_A;
	h->b = (h->b ^ c) * XDPDNS_HASH_MUL_B;
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

/* The bit of a filter block (0 to 511) that bit k of a key sets. */
static __always_inline __u32 xdpdns_filter_bit(__u64 fp, int k)
{
	return (fp >> (9 * k + 1)) & (XDPDNS_BLOCK_SIZE * 8 - 1);
}

/* Fold an ASCII letter to lower case; every other byte is kept. */
static __always_inline __u8 xdpdns_lower(__u8 c)
{
	if ((__u8)(c - 'A') < 26)
		c += 'a' - 'A';
	return c;
}

#endif /* XDPDNS_HASH_H */
