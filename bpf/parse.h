/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing for the xdpdns XDP program: Ethernet, VLAN, IPv4, IPv6,
 * UDP and the DNS header and question, as docs/datapath.md specifies.
 *
 * Contract of every parse_* helper: it reads only bytes it has checked
 * against data_end, fills its part of struct query, and returns
 * XDPDNS_CNT_QUERIES to go on or the counter (pass reason) that ends the
 * parse. Offsets in struct query are from the start of the frame, so they
 * stay valid after bpf_xdp_adjust_tail() moves data_end.
 */
#ifndef XDPDNS_PARSE_H
#define XDPDNS_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdpdns_abi.h"

#define VLAN_TAGS_MAX	2
#define VLAN_HLEN	4
#define DNS_HLEN	12
#define OPT_FIXED_LEN	11	/* root owner, TYPE, CLASS, TTL, RDLENGTH */
#define DNS_TYPE_OPT	41

/* Everything the answer needs to know about a well-formed query. */
struct query {
	__u32 l3_off;		/* IP header */
	__u32 l4_off;		/* UDP header */
	__u32 dns_off;		/* DNS header */
	__u32 msg_end;		/* end of the UDP payload */
	__u32 qname_len;	/* wire bytes of QNAME, root included */
	__u32 qend_off;		/* first byte after QTYPE and QCLASS */
	__u16 qtype;		/* host order */
	__u16 qclass;		/* host order */
	__u8 ipv6;
	__u8 has_opt;
	__u8 do_bit;		/* DO flag of the query's OPT record */
	__u8 labels;
};

static __always_inline int parse_vlans(void *data, void *data_end, __u32 *off, __u16 *proto)
{
	for (int i = 0; i < VLAN_TAGS_MAX; i++) {
		__be16 *inner;

		if (*proto != bpf_htons(ETH_P_8021Q) && *proto != bpf_htons(ETH_P_8021AD))
			return XDPDNS_CNT_QUERIES;

		inner = data + *off + 2;
		if ((void *)(inner + 1) > data_end)
			return XDPDNS_CNT_TRUNCATED;
		*proto = *inner;
		*off += VLAN_HLEN;
	}

	/* A third tag is not a frame a resolver host receives from clients. */
	if (*proto == bpf_htons(ETH_P_8021Q) || *proto == bpf_htons(ETH_P_8021AD))
		return XDPDNS_CNT_NOT_DNS;
	return XDPDNS_CNT_QUERIES;
}

static __always_inline int bad_source_v4(__be32 saddr, __be32 daddr)
{
	__u32 src = bpf_ntohl(saddr);
	__u32 dst = bpf_ntohl(daddr);

	if (src == 0 || src == 0xffffffff || (src >> 28) == 0xe)
		return 1;
	return dst == 0xffffffff || (dst >> 28) == 0xe;
}

static __always_inline int bad_addresses_v6(const struct ipv6hdr *ip6)
{
	const __u32 *src = ip6->saddr.in6_u.u6_addr32;

	if (ip6->saddr.in6_u.u6_addr8[0] == 0xff || ip6->daddr.in6_u.u6_addr8[0] == 0xff)
		return 1;
	return !(src[0] | src[1] | src[2] | src[3]);
}

/*
 * Never answer to an address that is not one host (unspecified, broadcast,
 * multicast) nor to a group: that would be a reflection.
 */
static __always_inline int check_addresses(void *data, void *data_end, const struct query *q)
{
	if (q->ipv6) {
		struct ipv6hdr *ip6 = data + q->l3_off;

		if ((void *)(ip6 + 1) > data_end)
			return XDPDNS_CNT_TRUNCATED;
		return bad_addresses_v6(ip6) ? XDPDNS_CNT_MALFORMED : XDPDNS_CNT_QUERIES;
	} else {
		struct iphdr *ip = data + q->l3_off;

		if ((void *)(ip + 1) > data_end)
			return XDPDNS_CNT_TRUNCATED;
		return bad_source_v4(ip->saddr, ip->daddr) ? XDPDNS_CNT_MALFORMED
							   : XDPDNS_CNT_QUERIES;
	}
}

static __always_inline int parse_ipv4(void *data, void *data_end, struct query *q, __u32 *ip_end)
{
	struct iphdr *ip = data + q->l3_off;
	__u32 hlen, tot;

	if ((void *)(ip + 1) > data_end)
		return XDPDNS_CNT_TRUNCATED;
	if (ip->version != 4 || ip->ihl < 5)
		return XDPDNS_CNT_MALFORMED;

	hlen = ip->ihl * 4;
	if (data + q->l3_off + hlen > data_end)
		return XDPDNS_CNT_TRUNCATED;
	tot = bpf_ntohs(ip->tot_len);
	if (tot < hlen + sizeof(struct udphdr))
		return XDPDNS_CNT_MALFORMED;
	if (data + q->l3_off + tot > data_end)
		return XDPDNS_CNT_TRUNCATED;

	if (ip->frag_off & bpf_htons(0x3fff))	/* MF or an offset */
		return XDPDNS_CNT_FRAGMENT;
	if (ip->protocol != IPPROTO_UDP)
		return XDPDNS_CNT_NOT_DNS;

	q->l4_off = q->l3_off + hlen;
	*ip_end = q->l3_off + tot;
	return XDPDNS_CNT_QUERIES;
}

static __always_inline int ipv6_ext_header(__u8 nexthdr)
{
	switch (nexthdr) {
	case 0: case 43: case 44: case 50: case 51: case 60:
	case 135: case 139: case 140: case 253: case 254:
		return 1;
	}
	return 0;
}

static __always_inline int parse_ipv6(void *data, void *data_end, struct query *q, __u32 *ip_end)
{
	struct ipv6hdr *ip6 = data + q->l3_off;
	__u32 plen;

	if ((void *)(ip6 + 1) > data_end)
		return XDPDNS_CNT_TRUNCATED;
	if (ip6->nexthdr != IPPROTO_UDP)
		return ipv6_ext_header(ip6->nexthdr) ? XDPDNS_CNT_FRAGMENT : XDPDNS_CNT_NOT_DNS;

	plen = bpf_ntohs(ip6->payload_len);
	if (data + q->l3_off + sizeof(*ip6) + plen > data_end)
		return XDPDNS_CNT_TRUNCATED;

	q->ipv6 = 1;
	q->l4_off = q->l3_off + sizeof(*ip6);
	*ip_end = q->l4_off + plen;
	return XDPDNS_CNT_QUERIES;
}

static __always_inline int parse_udp(void *data, void *data_end, struct query *q,
				     __u32 ip_end, const __u8 *ports)
{
	struct udphdr *udp = data + q->l4_off;
	__u16 dport;

	if ((void *)(udp + 1) > data_end)
		return XDPDNS_CNT_TRUNCATED;
	if (q->l4_off + sizeof(*udp) > ip_end)
		return XDPDNS_CNT_MALFORMED;

	dport = bpf_ntohs(udp->dest);
	if (!(ports[(dport >> 3) & 8191] & (1 << (dport & 7))))
		return XDPDNS_CNT_NOT_DNS;

	if (bpf_ntohs(udp->len) != ip_end - q->l4_off)
		return XDPDNS_CNT_MALFORMED;
	if (udp->source == 0 || (q->ipv6 && udp->check == 0))
		return XDPDNS_CNT_MALFORMED;

	q->dns_off = q->l4_off + sizeof(*udp);
	q->msg_end = ip_end;
	return XDPDNS_CNT_QUERIES;
}

/* The DNS header of a standard query: flags and counts as a query has them. */
static __always_inline int parse_dns_header(void *data, void *data_end, struct query *q)
{
	__u8 *h = data + q->dns_off;
	__u16 qd, an, ns, ar;

	if ((void *)(h + DNS_HLEN) > data_end || q->dns_off + DNS_HLEN > q->msg_end)
		return XDPDNS_CNT_TRUNCATED;

	/* QR = 0 and OPCODE = 0; the other flag bits do not change what is asked. */
	if (h[2] & 0xf8)
		return XDPDNS_CNT_NOT_QUERY;

	qd = (h[4] << 8) | h[5];
	an = (h[6] << 8) | h[7];
	ns = (h[8] << 8) | h[9];
	ar = (h[10] << 8) | h[11];
	if (qd != 1 || an != 0 || ns != 0 || ar > 1)
		return XDPDNS_CNT_NOT_QUERY;

	q->has_opt = ar;
	return XDPDNS_CNT_QUERIES;
}

static __always_inline int parse_question_tail(void *data, void *data_end, struct query *q)
{
	__u32 off = q->dns_off + DNS_HLEN + (q->qname_len & 0xff);
	__u8 *p = data + off;

	if ((void *)(p + 4) > data_end || off + 4 > q->msg_end)
		return XDPDNS_CNT_TRUNCATED;
	q->qtype = (p[0] << 8) | p[1];
	q->qclass = (p[2] << 8) | p[3];
	q->qend_off = off + 4;
	return XDPDNS_CNT_QUERIES;
}

/*
 * With ARCOUNT 1 the one additional record must be an OPT record of EDNS
 * version 0 that ends the message; a TSIG or anything else cannot be
 * answered correctly here, so the query goes to the resolver.
 */
static __always_inline int parse_edns(void *data, void *data_end, struct query *q)
{
	__u32 off = q->qend_off;
	__u8 *o = data + off;
	__u16 rdlen;

	if (!q->has_opt)
		return off == q->msg_end ? XDPDNS_CNT_QUERIES : XDPDNS_CNT_MALFORMED;

	if ((void *)(o + OPT_FIXED_LEN) > data_end || off + OPT_FIXED_LEN > q->msg_end)
		return XDPDNS_CNT_BAD_EDNS;
	if (o[0] != 0 || o[1] != 0 || o[2] != DNS_TYPE_OPT || o[6] != 0)
		return XDPDNS_CNT_BAD_EDNS;
	rdlen = (o[9] << 8) | o[10];
	if (off + OPT_FIXED_LEN + rdlen != q->msg_end)
		return XDPDNS_CNT_BAD_EDNS;

	q->do_bit = o[7] >> 7;
	return XDPDNS_CNT_QUERIES;
}

#endif /* XDPDNS_PARSE_H */
