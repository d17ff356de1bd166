/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Events: every rule hit, sampled by a per-CPU rate limit, sent to the ring
 * xdpdns_events as a struct xdpdns_event for the daemon's block log. A hit
 * refused by the limit costs a clock read and a compare; only a hit that
 * gets through reserves ring space. Queries that match no rule never come
 * here.
 */
#ifndef XDPDNS_EVENTS_BPF_H
#define XDPDNS_EVENTS_BPF_H

#include "maps.bpf.h"

#define NSEC_PER_SEC	1000000000ULL

/*
 * The rate limit of this CPU, a token bucket of `rate` tokens refilled at
 * `rate` a second, kept as one time (the generic cell rate algorithm): the
 * moment the bucket is full again. Each event moves it one interval on; an
 * event is refused while it lies more than a second less one interval
 * ahead, which is the bucket being empty. The scratch map is per CPU and
 * an XDP run is never preempted, so no other run touches it meanwhile.
 *
 * This is what a flood of hits pays for each one, so it is kept cheap: the
 * coarse clock (no TSC read; a tick's resolution only bunches the refill
 * into ticks), and the interval divided out once per rate, not per hit.
 */
static __always_inline int take_token(struct scratch *c, __u32 rate)
{
	__u64 now = bpf_ktime_get_coarse_ns(), full_at;

	if (c->event_rate != rate) {
		c->event_rate = rate;
		c->event_interval = NSEC_PER_SEC / rate;
	}
	full_at = c->event_tat > now ? c->event_tat : now;
	if (full_at - now > NSEC_PER_SEC - c->event_interval)
		return 0;
	c->event_tat = full_at + c->event_interval;
	return 1;
}

/* Copy the query's source address into e; 0 or a helper's error. */
static __always_inline int copy_client(struct xdp_md *ctx, const struct query *q,
				       struct xdpdns_event *e)
{
	__builtin_memset(e->client, 0, sizeof(e->client));
	if (q->ipv6) {
		e->family = XDPDNS_EVENT_IPV6;
		return bpf_xdp_load_bytes(ctx, q->l3_off + offsetof(struct ipv6hdr, saddr),
					  e->client, 16);
	}
	e->family = XDPDNS_EVENT_IPV4;
	return bpf_xdp_load_bytes(ctx, q->l3_off + offsetof(struct iphdr, saddr), e->client, 4);
}

/*
 * Send the event of the query and verdict left in the scratch map, stamped
 * now. Returns the counter it lands in: XDPDNS_CNT_EVENTS, or
 * XDPDNS_CNT_EVENTS_LOST when the ring has no room.
 *
 * A global function, so the verifier checks it once rather than in each
 * state the parser reaches the hit in; the query is read from the packet
 * before any answer rewrites it.
 */
__noinline int xdpdns_event(struct xdp_md *ctx, __u64 now)
{
	struct xdpdns_event *e;
	struct scratch *c;
	__u32 zero = 0, len;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return XDPDNS_CNT_EVENTS_LOST;
	len = c->query.qname_len;
	if (len < 1 || len > XDPDNS_NAME_MAX)	/* never: the parser checked it */
		return XDPDNS_CNT_EVENTS_LOST;
	e = bpf_ringbuf_reserve(&XDPDNS_MAP_EVENTS, sizeof(*e), 0);
	if (!e)
		return XDPDNS_CNT_EVENTS_LOST;

	e->time_ns = now;
	e->qtype = c->query.qtype;
	e->feed = c->verdict.feed;
	e->action = c->verdict.action;
	e->name_len = len;
	e->pad = 0;
	if (copy_client(ctx, &c->query, e) ||
	    bpf_xdp_load_bytes(ctx, c->query.dns_off + DNS_HLEN, e->name, len)) {
		bpf_ringbuf_discard(e, 0);
		return XDPDNS_CNT_EVENTS_LOST;
	}
	bpf_ringbuf_submit(e, 0);
	return XDPDNS_CNT_EVENTS;
}

/* The event of a rule hit, when the rate limit lets it through. */
static __always_inline void note_event(struct xdp_md *ctx, const struct query *q,
				       const struct verdict *v, __u32 rate)
{
	struct scratch *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	if (!c)
		return;
	if (!take_token(c, rate)) {
		count(XDPDNS_CNT_EVENTS_LIMITED);
		return;
	}

	c->query = *q;
	c->verdict = *v;
	count(xdpdns_event(ctx, bpf_ktime_get_ns()));
}

#endif /* XDPDNS_EVENTS_BPF_H */
