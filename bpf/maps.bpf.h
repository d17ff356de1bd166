/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps of the xdpdns XDP program, as maps/xdpdns_abi.h lays them out,
 * its per-CPU scratch space, and the counting helpers. Included once, by
 * bpf/xdpdns.bpf.c.
 */
#ifndef XDPDNS_MAPS_BPF_H
#define XDPDNS_MAPS_BPF_H

#include "parse.h"
#include "xdpdns_hash.h"

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPDNS_EVENTS_RING_SIZE);
} XDPDNS_MAP_EVENTS SEC(".maps");

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
 * starts, the hash of every candidate suffix, root side first; the query
 * and verdict handed to xdpdns_answer() and xdpdns_event(), for a sinkhole
 * verdict the entry of its rule, read from the same generation as the rule,
 * and this CPU's event rate limit.
 */
struct scratch {
	/* 128 entries: indices are masked with XDPDNS_LABELS_MAX (127) */
	__u8 label_off[XDPDNS_LABELS_MAX + 1];	/* length byte of each label */
	struct xdpdns_hash h[XDPDNS_LABELS_MAX + 1];	/* candidate suffixes */
	__u8 pos[XDPDNS_LABELS_MAX + 1];	/* their owner offset in QNAME */
	struct xdpdns_hash whole;		/* the whole name */
	struct query query;
	struct verdict verdict;
	struct xdpdns_sinkhole sinkhole;
	__u64 event_tat;	/* the rate limit's bucket is full from this
				 * time on (bpf_ktime_get_coarse_ns) */
	__u64 event_interval;	/* ns per token at event_rate; events.bpf.h */
	__u32 event_rate;	/* the rate event_interval is for; 0: none yet */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
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

#endif /* XDPDNS_MAPS_BPF_H */
