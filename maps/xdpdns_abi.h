/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ABI between the xdpdns XDP program and its userspace: pin names, map
 * layouts, actions and counters. Both bpf/ and user/ include this file and
 * nothing here is copied anywhere else. Change a layout only together with
 * XDPDNS_ABI_VERSION and the size assertions: the loader refuses pinned maps
 * whose key or value size differs from what it was built with.
 *
 * Policy lives in one "generation": a BPF array (mmapable, so userspace can
 * build and edit it in place) of 64-byte blocks.
 *
 *   block 0                      struct xdpdns_gen_header
 *   blocks 1 .. F                a blocked Bloom filter, F = 1 << filter_log2
 *   blocks F+1 .. F+B            hash buckets, B = 1 << buckets_log2
 *   blocks F+B+1 .. F+B+S        the sinkhole table, S = sinkholes (0 to 255)
 *
 * A bucket holds four rule slots, one cache line. A rule is found in its
 * home bucket or in one of the next XDPDNS_PROBE_MAX - 1 buckets; an empty
 * slot on the way ends the search. The outer map xdpdns_policy holds the live
 * generation in its only slot, so swapping a generation is one map update.
 * The sinkhole addresses live in the generation too, so a swap changes rules
 * and their addresses at once.
 */
#ifndef XDPDNS_ABI_H
#define XDPDNS_ABI_H

#include <linux/types.h>

/*
 * 2: the sinkhole table; a sinkhole slot's ede byte became its index there,
 * which a program of version 1 would answer as an EDE code.
 * 3: the event ring xdpdns_events, event_rate in xdpdns_config and the three
 * event counters after XDPDNS_CNT_BAD_EDNS.
 */
#define XDPDNS_ABI_VERSION	3

#define XDPDNS_PIN_DIR		"/sys/fs/bpf/xdpdns"

/* Map names, as the kernel and the pin directory see them (<= 15 chars). */
#define XDPDNS_MAP_POLICY	xdpdns_policy
#define XDPDNS_MAP_DEPTHS	xdpdns_depths
#define XDPDNS_MAP_STATS	xdpdns_stats
#define XDPDNS_MAP_FEED_STATS	xdpdns_feedhits
#define XDPDNS_MAP_CONFIG	xdpdns_config
#define XDPDNS_MAP_EVENTS	xdpdns_events

/* DNS limits (RFC 1035 2.3.4): wire length includes the root label. */
#define XDPDNS_NAME_MAX		255
#define XDPDNS_LABEL_MAX	63
#define XDPDNS_LABELS_MAX	127

#define XDPDNS_SETS_MAX		256	/* policy sets: key of xdpdns_depths */
#define XDPDNS_FEEDS_MAX	4096	/* feed ids: key of xdpdns_feedhits */

/*
 * Actions. PASS is "no rule matched"; it never appears in a rule. ALLOW and
 * LOG pass the query to the resolver but count it as the hit it is.
 */
enum xdpdns_action {
	XDPDNS_ACT_PASS = 0,
	XDPDNS_ACT_ALLOW,
	XDPDNS_ACT_DROP,
	XDPDNS_ACT_NXDOMAIN,
	XDPDNS_ACT_NODATA,
	XDPDNS_ACT_REFUSED,
	XDPDNS_ACT_SINKHOLE,
	XDPDNS_ACT_TC,
	XDPDNS_ACT_LOG,
	XDPDNS_ACT_COUNT,
};

/* Extended DNS Error info codes (RFC 8914 4.16 to 4.19) a rule may carry. */
#define XDPDNS_EDE_BLOCKED	15
#define XDPDNS_EDE_CENSORED	16
#define XDPDNS_EDE_FILTERED	17
#define XDPDNS_EDE_PROHIBITED	18

/*
 * Rule kinds, a bit mask. EXACT matches the owner name itself; BELOW matches
 * every name strictly below it, at any depth (the RPZ "*.owner" trigger).
 * "block NAME" without --exact stores one slot with both bits.
 */
#define XDPDNS_KIND_EXACT	0x1
#define XDPDNS_KIND_BELOW	0x2

/*
 * Global counters: the key of xdpdns_stats. Every packet the program sees
 * is counted once under PACKETS and once under exactly one verdict or pass
 * reason, so the verdicts and reasons add up to PACKETS.
 */
enum xdpdns_counter {
	XDPDNS_CNT_PACKETS = 0,	/* every frame the program ran on */
	XDPDNS_CNT_QUERIES,	/* well-formed queries that were looked up */

	/* verdicts on well-formed queries, one per query */
	XDPDNS_CNT_PASSED,	/* no rule matched: passed to the resolver */
	XDPDNS_CNT_ALLOWED,	/* an allow rule matched: passed */
	XDPDNS_CNT_LOGGED,	/* a log (dry run) rule matched: passed */
	XDPDNS_CNT_DROPPED,
	XDPDNS_CNT_NXDOMAIN,
	XDPDNS_CNT_NODATA,
	XDPDNS_CNT_REFUSED,
	XDPDNS_CNT_SINKHOLE,
	XDPDNS_CNT_TC,
	XDPDNS_CNT_NO_ROOM,	/* an answer was due but the frame could not
				 * grow: passed to the resolver */

	/* pass reasons for everything that is not a well-formed query */
	XDPDNS_CNT_NOT_DNS,	/* not IPv4/IPv6 UDP to a DNS port */
	XDPDNS_CNT_FRAGMENT,	/* IPv4 fragment or IPv6 extension header */
	XDPDNS_CNT_TRUNCATED,	/* frame ends inside a header or the question */
	XDPDNS_CNT_MALFORMED,	/* IP/UDP lengths disagree, bad source, ... */
	XDPDNS_CNT_NOT_QUERY,	/* QR, OPCODE or section counts not a query */
	XDPDNS_CNT_BAD_NAME,	/* compression pointer or reserved label type */
	XDPDNS_CNT_TOO_LONG,	/* name over 255 bytes or 127 labels */
	XDPDNS_CNT_BAD_EDNS,	/* additional record not a valid OPT, or
				 * bytes after it */

	/*
	 * The fate of each rule hit's event, outside the sum above: with
	 * event_rate not 0 every hit lands in exactly one of these three.
	 */
	XDPDNS_CNT_EVENTS,		/* sent to xdpdns_events */
	XDPDNS_CNT_EVENTS_LIMITED,	/* refused by the per-CPU rate limit */
	XDPDNS_CNT_EVENTS_LOST,		/* the ring was full: no reader, or a slow one */
	XDPDNS_CNT_COUNT,
};

/*
 * Per-action counter for each verdict; used by both sides so that the
 * counter a verdict lands in is defined once.
 */
#define XDPDNS_ACTION_COUNTERS {			\
	[XDPDNS_ACT_PASS]	= XDPDNS_CNT_PASSED,	\
	[XDPDNS_ACT_ALLOW]	= XDPDNS_CNT_ALLOWED,	\
	[XDPDNS_ACT_DROP]	= XDPDNS_CNT_DROPPED,	\
	[XDPDNS_ACT_NXDOMAIN]	= XDPDNS_CNT_NXDOMAIN,	\
	[XDPDNS_ACT_NODATA]	= XDPDNS_CNT_NODATA,	\
	[XDPDNS_ACT_REFUSED]	= XDPDNS_CNT_REFUSED,	\
	[XDPDNS_ACT_SINKHOLE]	= XDPDNS_CNT_SINKHOLE,	\
	[XDPDNS_ACT_TC]		= XDPDNS_CNT_TC,	\
	[XDPDNS_ACT_LOG]	= XDPDNS_CNT_LOGGED,	\
}

/* One rule: 16 bytes, four to a cache line. */
struct xdpdns_slot {
	__u64 fp;		/* name fingerprint; XDPDNS_FP_EMPTY or
				 * XDPDNS_FP_TOMBSTONE mark a free slot */
	__u8 name_len;		/* wire length of the owner, root included */
	__u8 kind;		/* XDPDNS_KIND_* bits */
	__u16 set;		/* policy set */
	__u8 action;		/* enum xdpdns_action */
	__u8 ede;		/* RFC 8914 info code, 0 for the default;
				 * for SINKHOLE the index of its entry in
				 * the sinkhole table, 0 for none */
	__u16 feed;		/* feed id, < XDPDNS_FEEDS_MAX */
};
_Static_assert(sizeof(struct xdpdns_slot) == 16, "xdpdns_slot ABI changed");

#define XDPDNS_FP_EMPTY		0ULL
#define XDPDNS_FP_TOMBSTONE	1ULL

#define XDPDNS_BLOCK_SIZE	64
#define XDPDNS_BUCKET_SLOTS	4
#define XDPDNS_PROBE_MAX	16	/* buckets searched from the home one */
#define XDPDNS_FILTER_BITS	3	/* bits set per key in one filter block */

struct xdpdns_bucket {
	struct xdpdns_slot slot[XDPDNS_BUCKET_SLOTS];
};
_Static_assert(sizeof(struct xdpdns_bucket) == XDPDNS_BLOCK_SIZE, "bucket size");

struct xdpdns_filter_block {
	__u64 word[XDPDNS_BLOCK_SIZE / 8];
};
_Static_assert(sizeof(struct xdpdns_filter_block) == XDPDNS_BLOCK_SIZE, "filter size");

#define XDPDNS_GEN_MAGIC	0x78646e73	/* "xdns" */

struct xdpdns_gen_header {
	__u32 magic;		/* XDPDNS_GEN_MAGIC once the block is valid */
	__u32 version;		/* XDPDNS_ABI_VERSION of the builder */
	__u64 seed;		/* hash seed, random per generation */
	__u64 generation;	/* increases with every swap */
	__u32 filter_log2;	/* filter blocks: 1 << filter_log2 */
	__u32 buckets_log2;	/* buckets: 1 << buckets_log2 */
	__u32 rules;		/* occupied slots, for reporting */
	__u32 sinkholes;	/* entries of the sinkhole table, <= 255 */
	__u32 pad[4];		/* zero */
	__u64 swap_time;	/* wall clock, unix seconds, when userspace
				 * swapped it in; 0 before. Never read by
				 * the datapath: it is for reporting */
};
_Static_assert(sizeof(struct xdpdns_gen_header) == XDPDNS_BLOCK_SIZE, "header size");

#define XDPDNS_SINKHOLES_MAX	255	/* indices 1 to 255 fit a slot's ede byte */

/* xdpdns_sinkhole.flags */
#define XDPDNS_SINK_A		0x1	/* answer A with v4; absent: A is NODATA */
#define XDPDNS_SINK_AAAA	0x2	/* answer AAAA with v6; absent: NODATA */
#define XDPDNS_SINK_CONFIG	0x4	/* answer both with the addresses of
					 * xdpdns_config; v4, v6 and the bits
					 * above are ignored */

/*
 * One entry of the sinkhole table: what a sinkhole rule answers. Index i
 * (1 to sinkholes) is block F+B+i, the 40 bytes after the entry zero. Index
 * 0 is stored nowhere and means { XDPDNS_SINK_CONFIG, ede 0 }: the
 * configured addresses with EDE 15, what every sinkhole answered before
 * version 2.
 */
struct xdpdns_sinkhole {
	__be32 v4;		/* network byte order */
	__u8 v6[16];
	__u8 flags;		/* XDPDNS_SINK_* */
	__u8 ede;		/* RFC 8914 info code, 0 for 15 (Blocked) */
	__u16 pad;		/* zero */
};
_Static_assert(sizeof(struct xdpdns_sinkhole) == 24, "xdpdns_sinkhole ABI changed");

/*
 * The label depths (number of labels of a rule's owner, 1 to 127) that hold
 * rules of each kind in a policy set: bit d of the 128-bit mask, word d / 64.
 * The datapath skips depths with no rules. A mask may have more bits than
 * the generation needs, never fewer: userspace ORs the new generation's masks
 * in before a swap and trims them after it.
 */
struct xdpdns_depths {
	__u64 exact[2];
	__u64 below[2];
};
_Static_assert(sizeof(struct xdpdns_depths) == 32, "xdpdns_depths ABI changed");

/* xdpdns_config.flags */
#define XDPDNS_CFG_RA		0x1	/* set RA in answers */

/* Runtime settings, the only entry of xdpdns_config. */
struct xdpdns_config {
	__u32 version;		/* XDPDNS_ABI_VERSION of the writer */
	__u32 flags;		/* XDPDNS_CFG_* */
	__u32 sinkhole_ttl;	/* TTL of sinkhole A/AAAA answers, seconds */
	__u32 negative_ttl;	/* SOA TTL and MINIMUM in NXDOMAIN/NODATA */
	__u32 soa_serial;	/* serial of the synthesized SOA */
	__be32 sinkhole_v4;	/* network byte order */
	__u8 sinkhole_v6[16];
	__u16 edns_udp_size;	/* UDP payload size in our OPT records */
	__u16 pad;		/* zero */
	__u32 event_rate;	/* events per second per CPU (the burst too);
				 * 0: no events, nothing counted */
	__u8 ports[8192];	/* bit p set: UDP port p is DNS (bit p % 8 of
				 * byte p / 8); port 53 by default */
};
_Static_assert(sizeof(struct xdpdns_config) == 8240, "xdpdns_config ABI changed");

/*
 * The event ring: a BPF_MAP_TYPE_RINGBUF of this many bytes (a power of two
 * pages), about 3,600 events. The daemon drains it; events sent while
 * nobody reads wait there, and once it is full they are counted as lost.
 */
#define XDPDNS_EVENTS_RING_SIZE	(1 << 20)
#define XDPDNS_EVENT_RATE_MAX	1000000		/* per CPU; one event per us */

/* xdpdns_event.family */
#define XDPDNS_EVENT_IPV4	4
#define XDPDNS_EVENT_IPV6	6

/*
 * One sampled rule hit, as the datapath saw the query before acting on it
 * (docs/datapath.md, Events). 288 bytes; name bytes past name_len are
 * undefined.
 */
struct xdpdns_event {
	__u64 time_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u8 client[16];	/* source address; IPv4 in the first 4 bytes */
	__u16 qtype;		/* host order */
	__u16 feed;		/* feed id of the rule; 0: the hand rules */
	__u8 action;		/* enum xdpdns_action of the rule */
	__u8 family;		/* XDPDNS_EVENT_IPV4 or XDPDNS_EVENT_IPV6 */
	__u8 name_len;		/* wire length of QNAME, root label included */
	__u8 pad;		/* zero */
	__u8 name[XDPDNS_NAME_MAX + 1];	/* QNAME as asked: wire form, case kept */
};
_Static_assert(sizeof(struct xdpdns_event) == 288, "xdpdns_event ABI changed");

#endif /* XDPDNS_ABI_H */
