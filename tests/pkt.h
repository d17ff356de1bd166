/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test packets for xdpdns. pkt_build() writes a DNS query frame (Ethernet,
 * up to three VLAN tags, IPv4 with options or IPv6, UDP, DNS header,
 * question, optional OPT record) from a struct pkt_spec whose knobs can
 * also corrupt any field. pkt_classify() and pkt_answer() say, from
 * docs/datapath.md alone, what the XDP program must make of a frame: the
 * counter it lands in and, for a rule hit that answers, the answer frame
 * byte for byte, checksums included. None of this is taken from the BPF
 * code: where the two disagree, one of them departs from the contract.
 */
#ifndef XDPDNS_PKT_H
#define XDPDNS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "xdpdns_abi.h"

#define PKT_FRAME_MAX	4096	/* a built frame and its answer fit in this */
#define PKT_VLANS_MAX	3	/* one tag more than the datapath accepts */
#define PKT_POKES_MAX	4
#define PKT_WIRE_MAX	1024	/* a built QNAME may exceed 255 bytes on purpose */

/* The DNS header flag word (bytes 2 and 3) as a host-order value. */
#define PKT_QR		0x8000
#define PKT_OPCODE(op)	((op) << 11)
#define PKT_AA		0x0400
#define PKT_TC		0x0200
#define PKT_RD		0x0100
#define PKT_RA		0x0080
#define PKT_Z		0x0040
#define PKT_AD		0x0020
#define PKT_CD		0x0010

#define PKT_TYPE_A	1
#define PKT_TYPE_SOA	6
#define PKT_TYPE_MX	15
#define PKT_TYPE_TXT	16
#define PKT_TYPE_AAAA	28
#define PKT_TYPE_OPT	41
#define PKT_TYPE_ANY	255
#define PKT_CLASS_IN	1
#define PKT_CLASS_CH	3
#define PKT_CLASS_ANY	255

#define PKT_EDNS_SIZE	1232	/* the OPT payload size of built queries */

/* The first byte of each part of a built frame, where a poke is aimed. */
enum pkt_part {
	PKT_AT_ETH,	/* destination MAC */
	PKT_AT_NET,	/* IPv4 or IPv6 header */
	PKT_AT_UDP,
	PKT_AT_DNS,	/* DNS header */
	PKT_AT_QNAME,
	PKT_AT_QTYPE,	/* QTYPE, then QCLASS */
	PKT_AT_OPT,	/* the OPT record's owner byte */
	PKT_AT_END,	/* just after the IP packet, where padding starts */
	PKT_PARTS,
};

/*
 * Overwrite len bytes at part + off once the frame is complete, lengths and
 * checksums included, so a poke can break any of them. len 0 ends the list.
 */
struct pkt_poke {
	__u8 part;
	__u8 len;
	__u16 off;
	__u8 val[16];
};

#define PKT_POKE8(part, off, v)		{ (part), 1, (off), { (__u8)(v) } }
#define PKT_POKE16(part, off, v)	\
	{ (part), 2, (off), { (__u8)((v) >> 8), (__u8)(v) } }

/* The fields tests corrupt most, by name. */
#define PKT_ETH_TYPE(v)		PKT_POKE16(PKT_AT_ETH, 12, v)
#define PKT_IP4_VER_IHL(v)	PKT_POKE8(PKT_AT_NET, 0, v)
#define PKT_IP4_TOTLEN(v)	PKT_POKE16(PKT_AT_NET, 2, v)
#define PKT_IP4_FRAG(v)		PKT_POKE16(PKT_AT_NET, 6, v)
#define PKT_IP4_PROTO(v)	PKT_POKE8(PKT_AT_NET, 9, v)
#define PKT_IP4_SRC(a, b, c, d)	{ PKT_AT_NET, 4, 12, { a, b, c, d } }
#define PKT_IP4_DST(a, b, c, d)	{ PKT_AT_NET, 4, 16, { a, b, c, d } }
#define PKT_IP6_PLEN(v)		PKT_POKE16(PKT_AT_NET, 4, v)
#define PKT_IP6_NEXT(v)		PKT_POKE8(PKT_AT_NET, 6, v)
#define PKT_IP6_SRC(...)	{ PKT_AT_NET, 16, 8, { __VA_ARGS__ } }
#define PKT_IP6_DST(...)	{ PKT_AT_NET, 16, 24, { __VA_ARGS__ } }
#define PKT_UDP_SPORT(v)	PKT_POKE16(PKT_AT_UDP, 0, v)
#define PKT_UDP_LEN(v)		PKT_POKE16(PKT_AT_UDP, 4, v)
#define PKT_UDP_CSUM(v)		PKT_POKE16(PKT_AT_UDP, 6, v)
#define PKT_DNS_FLAGS(v)	PKT_POKE16(PKT_AT_DNS, 2, v)
#define PKT_DNS_QDCOUNT(v)	PKT_POKE16(PKT_AT_DNS, 4, v)
#define PKT_DNS_ANCOUNT(v)	PKT_POKE16(PKT_AT_DNS, 6, v)
#define PKT_DNS_NSCOUNT(v)	PKT_POKE16(PKT_AT_DNS, 8, v)
#define PKT_DNS_ARCOUNT(v)	PKT_POKE16(PKT_AT_DNS, 10, v)
#define PKT_OPT_OWNER(v)	PKT_POKE8(PKT_AT_OPT, 0, v)
#define PKT_OPT_TYPE(v)		PKT_POKE16(PKT_AT_OPT, 1, v)
#define PKT_OPT_XRCODE(v)	PKT_POKE8(PKT_AT_OPT, 5, v)
#define PKT_OPT_VERSION(v)	PKT_POKE8(PKT_AT_OPT, 6, v)
#define PKT_OPT_FLAGS(v)	PKT_POKE16(PKT_AT_OPT, 7, v)

/*
 * One frame. Zero fields take the defaults given; a field that must be
 * zero on the wire (a source port, a checksum) is zeroed with a poke.
 * Addresses are 02:00:00:00:00:02 -> 02:00:00:00:00:01, 192.0.2.1 ->
 * 198.51.100.53 and 2001:db8::1 -> 2001:db8::53.
 */
struct pkt_spec {
	int ip;				/* 4 or 6 (0: 4) */
	int vlans;			/* tags, 0 to PKT_VLANS_MAX */
	__u16 tpid[PKT_VLANS_MAX];	/* 0: 0x88a8 for the outer of several
					 * tags, else 0x8100 */
	__u16 tci[PKT_VLANS_MAX];	/* 0: 100, 200, 300 */
	__u16 ethertype;		/* 0: the one of ip */
	const __u8 *ip_opts;		/* IPv4 options, a multiple of 4 bytes */
	size_t ip_opts_len;
	__u8 tos;			/* IPv4 TOS or IPv6 traffic class */
	__u32 flow;			/* IPv6 flow label */
	__u16 ip_id;
	bool df;
	__u8 ttl;			/* TTL or hop limit (0: 57) */
	__u16 sport;			/* 0: 50000 */
	__u16 dport;			/* 0: 53 */

	__u16 id;			/* DNS ID */
	__u16 flags;			/* PKT_RD, PKT_CD, ... */
	const char *qname;		/* presentation form, case kept
					 * (NULL and no qname_wire: the root) */
	const __u8 *qname_wire;		/* or wire form, used as given */
	size_t qname_wire_len;
	__u16 qtype;			/* 0: A */
	__u16 qclass;			/* 0: IN */
	bool edns;			/* add an OPT record, ARCOUNT 1 */
	bool edns_do;
	__u16 edns_size;		/* 0: PKT_EDNS_SIZE */
	const __u8 *edns_opts;		/* raw option bytes, the OPT RDATA */
	size_t edns_opts_len;

	bool raw;			/* the DNS message is payload, as is */
	const __u8 *payload;
	size_t payload_len;
	const __u8 *trailer;		/* bytes after the DNS message */
	size_t trailer_len;
	size_t pad;			/* Ethernet padding after the IP packet */

	int ip_len_adj;			/* added to IPv4 total / IPv6 payload length */
	int udp_len_adj;		/* added to the UDP length */
	int opt_rdlen_adj;		/* added to the OPT RDLENGTH */
	size_t cut;			/* keep the first cut bytes (0: all) */
	struct pkt_poke poke[PKT_POKES_MAX];
};

/*
 * Write the frame spec describes into buf. Returns its length, or -1 if it
 * does not fit in size bytes or the name cannot be encoded.
 */
int pkt_build(const struct pkt_spec *spec, __u8 *buf, size_t size);

/*
 * The common case in one call: an IPv4 query with RD set, ID 0x1234, for
 * name (presentation form) and qtype. Returns the length or -1.
 */
int pkt_query(__u8 *buf, size_t size, const char *name, __u16 qtype);

/*
 * Presentation form to wire form, case kept; \. \\ and \DDD escapes are
 * honoured, a trailing dot is optional and "." is the root. Label and name
 * lengths are not checked beyond what one length byte holds. Returns the
 * wire length, root label included, or -1.
 */
int pkt_name_wire(const char *text, __u8 *wire, size_t size);

/* Offset of label i's length byte in a wire name, or -1. */
int pkt_label_offset(const __u8 *wire, size_t len, int label);

/* The Internet checksum (RFC 1071) of len bytes, added to a partial sum. */
__u32 pkt_csum_add(__u32 sum, const void *data, size_t len);
__u16 pkt_csum_fold(__u32 sum);

/* Where the parts of a frame are, as far as pkt_classify() got. */
struct pkt_info {
	int ip;				/* 4 or 6, 0 if not reached */
	size_t net;			/* offsets into the frame, 0 if not reached */
	size_t udp;
	size_t dns;
	size_t qname;
	size_t qname_len;		/* wire bytes, root included */
	size_t opt;			/* 0: no OPT record */
	size_t end;			/* end of the DNS message */
	__u16 qtype;
	__u16 qclass;
	bool edns_do;
};

/*
 * What docs/datapath.md makes of a frame before any lookup: the counter
 * XDPDNS_CNT_QUERIES for a well-formed query, else the pass reason it is
 * counted under. info may be NULL.
 */
enum xdpdns_counter pkt_classify(const __u8 *frame, size_t len,
				 const struct xdpdns_config *cfg,
				 struct pkt_info *info);

/* A sinkhole rule's own addresses; a family it lacks is answered NODATA. */
struct pkt_sinkhole {
	bool has_a, has_aaaa;
	__u8 a[4];			/* network order */
	__u8 aaaa[16];
};

/* The rule that decided a query, as the answer needs it. */
struct pkt_hit {
	enum xdpdns_action action;
	__u8 ede;			/* 0: 15, Blocked (a sinkhole: its entry's) */
	size_t owner;			/* the rule owner's offset in the QNAME */
	const struct pkt_sinkhole *sink;	/* NULL: the configured addresses */
};

/*
 * Write the answer the program must send for a query frame that hit a rule:
 * the frame rewritten as docs/datapath.md says, checksums computed here.
 * Returns its length, 0 for an action that answers nothing, or -1 if frame
 * is not a well-formed query or the answer does not fit in size bytes.
 */
int pkt_answer(const __u8 *frame, size_t len, const struct xdpdns_config *cfg,
	       const struct pkt_hit *hit, __u8 *out, size_t size);

/* Name the field at byte off of a frame ("UDP checksum"), into buf. */
void pkt_field_name(const __u8 *frame, size_t len, size_t off, char *buf,
		    size_t size);

#endif /* XDPDNS_PKT_H */
