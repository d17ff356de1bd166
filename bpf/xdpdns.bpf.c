// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpdns: DNS policy at the NIC. For every UDP query to a DNS port this
 * program looks the query name up in the live policy generation (exact rule
 * of the whole name first, then the below-rule of each ancestor from the
 * closest up; the first rule found decides) and then passes the query to the
 * resolver, drops it, or rewrites it in place into an answer sent back out of
 * the same interface. Anything that is not a well-formed query is passed
 * untouched and counted under its reason. Rule hits are sampled, at a
 * configured rate, into the event ring. docs/datapath.md is the contract.
 */
#include "maps.bpf.h"
#include "lookup.bpf.h"
#include "answer.bpf.h"
#include "events.bpf.h"

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
	struct scratch *c;
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

/*
 * Carry out the action of the rule that decided: returns the XDP verdict and
 * sets the counter it lands in. An action value this program does not know
 * (a newer writer) passes the query, counted as unmatched.
 */
static __always_inline int act(struct xdp_md *ctx, const struct query *q,
			       const struct verdict *v, __u32 *counter)
{
	int xdp;

	switch (v->action) {
	case XDPDNS_ACT_ALLOW:
		*counter = XDPDNS_CNT_ALLOWED;
		return XDP_PASS;
	case XDPDNS_ACT_LOG:
		*counter = XDPDNS_CNT_LOGGED;
		return XDP_PASS;
	case XDPDNS_ACT_DROP:
		*counter = XDPDNS_CNT_DROPPED;
		return XDP_DROP;
	case XDPDNS_ACT_NXDOMAIN:
	case XDPDNS_ACT_NODATA:
	case XDPDNS_ACT_REFUSED:
	case XDPDNS_ACT_SINKHOLE:
	case XDPDNS_ACT_TC:
		xdp = answer(ctx, q, v);
		*counter = xdp == XDP_TX ? answer_counter(v->action) : XDPDNS_CNT_NO_ROOM;
		return xdp;
	default:
		*counter = XDPDNS_CNT_PASSED;
		return XDP_PASS;
	}
}

SEC("xdp")
int xdpdns_filter(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct xdpdns_config *cfg;
	struct query q = {};
	struct verdict v = {};
	__u32 counter = XDPDNS_CNT_NOT_DNS;
	int xdp = XDP_PASS;
	__u32 zero = 0;

	count(XDPDNS_CNT_PACKETS);
	cfg = bpf_map_lookup_elem(&XDPDNS_MAP_CONFIG, &zero);
	if (!cfg)
		goto out;

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
	if (cfg->event_rate)	/* before act(): an answer rewrites the query */
		note_event(ctx, &q, &v, cfg->event_rate);
	xdp = act(ctx, &q, &v, &counter);
out:
	count(counter);
	return xdp;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
