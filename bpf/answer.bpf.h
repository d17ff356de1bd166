/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Answers: a query rewritten in place into its response, as the "answer,
 * byte by byte" part of docs/datapath.md says, checksums included.
 */
#ifndef XDPDNS_ANSWER_BPF_H
#define XDPDNS_ANSWER_BPF_H

#include "maps.bpf.h"

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
	__u16 ede;		/* INFO-CODE of the EDE option */
};

#define RR_FIXED_LEN	12	/* owner pointer, TYPE, CLASS, TTL, RDLENGTH */
#define SOA_RDLEN	24	/* two name pointers and five 32-bit fields */
#define EDE_OPT_LEN	6	/* option code, length, INFO-CODE */
#define DNS_TYPE_A	1
#define DNS_TYPE_SOA	6
#define DNS_TYPE_AAAA	28
#define DNS_CLASS_IN	1

/*
 * A sinkhole answers A or AAAA in class IN when its entry has that family;
 * every other question, and a family the entry lacks, gets NODATA.
 */
static __always_inline __u8 sinkhole_addr_len(const struct query *q,
					      const struct xdpdns_sinkhole *sink)
{
	if (q->qclass != DNS_CLASS_IN)
		return 0;
	if (q->qtype == DNS_TYPE_A && (sink->flags & XDPDNS_SINK_A))
		return 4;
	if (q->qtype == DNS_TYPE_AAAA && (sink->flags & XDPDNS_SINK_AAAA))
		return 16;
	return 0;
}

static __always_inline void plan_answer(const struct query *q, const struct verdict *v,
					const struct xdpdns_sinkhole *sink, struct answer *a)
{
	__u8 action = v->action;

	__builtin_memset(a, 0, sizeof(*a));
	a->ede = v->ede ? v->ede : XDPDNS_EDE_BLOCKED;

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
		a->ede = sink->ede ? sink->ede : XDPDNS_EDE_BLOCKED;
		a->addr_len = sinkhole_addr_len(q, sink);
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

static __always_inline int rewrite_dns_header(void *data, void *data_end,
					      const struct query *q, const struct answer *a,
					      const struct xdpdns_config *cfg)
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
					 const struct xdpdns_sinkhole *sink,
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
			__builtin_memcpy(r, &sink->v4, 4);
			r += 4;
		} else {
			if ((void *)(r + 16) > data_end)
				return -1;
			__builtin_memcpy(r, sink->v6, 16);
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
			put16(r + 4, a->ede);
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
 * Move the first len bytes of the frame `shift` bytes towards its start,
 * after bpf_xdp_adjust_head() made that room: the frame then starts with the
 * query's headers and question again. Forwards, eight bytes at a time: each
 * write lands below every byte still to be read. Returns 0 or -1.
 */
__noinline int xdpdns_move_front(struct xdp_md *ctx, __u32 shift, __u32 len)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 i = 0;

	shift &= 0xff;
	for (; i + 8 <= len && i < 512; i += 8) {
		__u64 *from = data + shift + i, *to = data + i;

		if ((void *)(from + 1) > data_end || (void *)(to + 1) > data_end)
			return -1;
		*to = *from;
	}
	for (__u32 k = 0; k < 7 && i + k < len; k++) {	/* the last few bytes */
		__u8 *from = data + shift + i + k, *to = data + i + k;

		if ((void *)(from + 1) > data_end || (void *)(to + 1) > data_end)
			return -1;
		*to = *from;
	}
	return 0;
}

/*
 * Make the frame exactly frame_len bytes long, its first `keep` bytes (the
 * query's headers and question) at its start. A longer frame grows at its
 * tail if the driver left room there, else at its front, where XDP keeps
 * headroom (a veth in native mode, for one, leaves IPv6 frames no tailroom).
 * Returns 0, 1 if the frame is untouched and cannot grow, or -1 if it was
 * changed and then could not be finished.
 *
 * A global function: the two ways of growing leave the verifier different
 * packet bounds, and inline it would check the whole rewrite once for each.
 */
__noinline int xdpdns_resize(struct xdp_md *ctx, __u32 frame_len, __u32 keep)
{
	int delta = (int)frame_len - (int)(ctx->data_end - ctx->data);

	if (delta <= 0)
		return delta && bpf_xdp_adjust_tail(ctx, delta) ? 1 : 0;
	if (!bpf_xdp_adjust_tail(ctx, delta))
		return 0;
	if (bpf_xdp_adjust_head(ctx, -delta))
		return 1;
	return xdpdns_move_front(ctx, delta, keep) ? -1 : 0;
}

/*
 * Turn the query into its answer in place. Returns XDP_TX; XDP_PASS if the
 * frame cannot be resized (it is still the query, untouched); XDP_DROP if a
 * write fails after the resize, which the exact sizing above rules out but
 * which must never send a half-rewritten frame on to the resolver.
 */
static __always_inline int rewrite_answer(struct xdp_md *ctx, const struct query *q,
					  const struct verdict *v,
					  const struct xdpdns_sinkhole *sink,
					  const struct xdpdns_config *cfg)
{
	void *data, *data_end;
	struct answer a;
	int res;

	plan_answer(q, v, sink, &a);
	res = xdpdns_resize(ctx, a.frame_len, q->qend_off);
	if (res)
		return res > 0 ? XDP_PASS : XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (rewrite_l2_l4(ctx, data, data_end, q, &a) ||
	    rewrite_dns_header(data, data_end, q, &a, cfg) ||
	    write_records(data, data_end, q, &a, v, sink, cfg))
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
	struct scratch *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&xdpdns_scratch, &zero);
	cfg = bpf_map_lookup_elem(&XDPDNS_MAP_CONFIG, &zero);
	if (!c || !cfg)
		return XDP_PASS;

	/* Index 0 and XDPDNS_SINK_CONFIG entries: the configured addresses. */
	if (c->verdict.action == XDPDNS_ACT_SINKHOLE && (c->sinkhole.flags & XDPDNS_SINK_CONFIG)) {
		c->sinkhole.v4 = cfg->sinkhole_v4;
		__builtin_memcpy(c->sinkhole.v6, cfg->sinkhole_v6, 16);
		c->sinkhole.flags = XDPDNS_SINK_A | XDPDNS_SINK_AAAA;
	}
	return rewrite_answer(ctx, &c->query, &c->verdict, &c->sinkhole, cfg);
}

#endif /* XDPDNS_ANSWER_BPF_H */
