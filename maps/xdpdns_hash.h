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
 * Why a false match is practically impossible: a query matches a rule that
 * is not for its name only if a slot that its lookup compares holds a rule
 * of another name with the same 64-bit fingerprint (lane a), wire length and
 * policy set. A lookup compares at most XDPDNS_PROBE_MAX *
 * XDPDNS_BUCKET_SLOTS = 64 slots, and since the bucket comes from lane b,
 * which slots those are does not depend on lane a: each matches a foreign
 * name's fingerprint with probability 2^-64, however many rules there are.
 * A query looks up at most one key per label, 127, so
 *
 *   P(false match per query) <= 127 * 64 * 2^-64 ~= 4.4e-16
 *
 * whether 10 million rules are loaded or 10 billion. Counted the pessimistic
 * way instead, as if every lookup were compared with all 10 million rules:
 * 1e7 * 2^-64 ~= 5.4e-13 per lookup, still below 1e-12 for a query that
 * makes one lookup, and about 1.6e-12 for the three lookups of a typical
 * query against a list with rules at three depths; the bound above is the
 * one that holds for this table.
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
