// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test packets for xdpdns: the frame builder, and a second reading of
 * docs/datapath.md (classification of a frame, the answer to a query) that
 * the packet tests hold the XDP program against. Written from the contract
 * only; see pkt.h.
 */
#include <stdio.h>
#include <string.h>
#include "pkt.h"

#define ETH_LEN		14
#define VLAN_LEN	4
#define IP4_LEN		20
#define IP6_LEN		40
#define UDP_LEN		8
#define DNS_LEN		12
#define QTAIL_LEN	4	/* QTYPE and QCLASS */
#define OPT_LEN		11	/* an OPT record up to its RDLENGTH */
#define EDE_LEN		6	/* one Extended DNS Error option, 2-byte code */

#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define PROTO_UDP	17
#define EDNS_OPT_EDE	15

#define ANSWER_TTL	64	/* TTL and hop limit of every answer */
#define SOA_REFRESH	1800
#define SOA_RETRY	900
#define SOA_EXPIRE	604800

/* XDPDNS_CNT_PACKETS is never a pass reason: 0 means "on to the next step". */
#define GO_ON		0

static const __u8 mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const __u8 mac_src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const __u8 ip4_src[4] = { 192, 0, 2, 1 };
static const __u8 ip4_dst[4] = { 198, 51, 100, 53 };
static const __u8 ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const __u8 ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };

static __u16 get16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void set16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void swap_bytes(__u8 *a, __u8 *b, size_t len)
{
	__u8 tmp[16];

	memcpy(tmp, a, len);
	memcpy(a, b, len);
	memcpy(b, tmp, len);
}

__u32 pkt_csum_add(__u32 sum, const void *data, size_t len)
{
	const __u8 *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;	/* an odd byte is padded with zero */
	return sum;
}

__u16 pkt_csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The UDP checksum of the datagram at udp, len bytes, its own field zero. */
static __u16 udp_checksum(const __u8 *frame, int ip, size_t net, size_t udp,
			  size_t len, __u16 len_field)
{
	__u8 pseudo[40] = { 0 };
	size_t n;
	__u16 sum;

	if (ip == 4) {
		memcpy(pseudo, frame + net + 12, 8);
		pseudo[9] = PROTO_UDP;
		set16(pseudo + 10, len_field);
		n = 12;
	} else {
		memcpy(pseudo, frame + net + 8, 32);
		set16(pseudo + 34, len_field);
		pseudo[39] = PROTO_UDP;
		n = 40;
	}
	sum = pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, pseudo, n), frame + udp, len));
	return sum ? sum : 0xffff;	/* 0 means "no checksum" */
}

/* A bounded writer: running out of room sets over and writes nothing more. */
struct writer {
	__u8 *buf;
	size_t size;
	size_t off;
	bool over;
};

static void put(struct writer *w, const void *src, size_t len)
{
	if (w->over || len > w->size - w->off) {
		w->over = true;
		return;
	}
	if (src)
		memcpy(w->buf + w->off, src, len);
	else
		memset(w->buf + w->off, 0, len);
	w->off += len;
}

static void put8(struct writer *w, __u8 v)
{
	put(w, &v, 1);
}

static void put16(struct writer *w, __u16 v)
{
	__u8 b[2] = { v >> 8, v };

	put(w, b, 2);
}

static void put32(struct writer *w, __u32 v)
{
	__u8 b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(w, b, 4);
}

/* Read one presentation-form character, escapes decoded; -1 if bad. */
static int name_char(const char **s)
{
	const char *p = *s;
	int v;

	if (*p != '\\') {
		*s = p + 1;
		return (__u8)*p;
	}
	if (!p[1])
		return -1;
	if (p[1] >= '0' && p[1] <= '9') {
		if (p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9')
			return -1;
		v = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		*s = p + 4;
		return v > 255 ? -1 : v;
	}
	*s = p + 2;
	return (__u8)p[1];
}

int pkt_name_wire(const char *text, __u8 *wire, size_t size)
{
	const char *s = text;
	size_t off = 0;

	if (!strcmp(text, "."))
		s = "";
	while (*s) {
		size_t lab = off++;
		int n = 0;

		while (*s && *s != '.') {
			int c = name_char(&s);

			if (c < 0 || off >= size)
				return -1;
			wire[off++] = c;
			n++;
		}
		if (n == 0 || n > 255)
			return -1;	/* an empty label, or no length byte for it */
		wire[lab] = n;
		if (*s == '.')
			s++;
	}
	if (off >= size)
		return -1;
	wire[off++] = 0;
	return off;
}

int pkt_label_offset(const __u8 *wire, size_t len, int label)
{
	size_t off = 0;

	for (int i = 0; i < label; i++) {
		if (off >= len || !wire[off])
			return -1;
		off += wire[off] + 1;
	}
	return off < len ? (int)off : -1;
}

static __u16 spec_tpid(const struct pkt_spec *spec, int i)
{
	if (spec->tpid[i])
		return spec->tpid[i];
	return spec->vlans > 1 && i == 0 ? ETH_P_8021AD : ETH_P_8021Q;
}

static int spec_ip(const struct pkt_spec *spec)
{
	return spec->ip == 6 ? 6 : 4;
}

static void build_eth(struct writer *w, const struct pkt_spec *spec)
{
	__u16 type = spec_ip(spec) == 6 ? ETH_P_IPV6 : ETH_P_IPV4;

	put(w, mac_dst, 6);
	put(w, mac_src, 6);
	for (int i = 0; i < spec->vlans && i < PKT_VLANS_MAX; i++) {
		put16(w, spec_tpid(spec, i));
		put16(w, spec->tci[i] ? spec->tci[i] : 100 * (i + 1));
	}
	put16(w, spec->ethertype ? spec->ethertype : type);
}

/* Total length and checksum are filled in by finish_frame(). */
static void build_ip4(struct writer *w, const struct pkt_spec *spec)
{
	__u8 ihl = (IP4_LEN + spec->ip_opts_len) / 4;

	put8(w, 0x40 | ihl);
	put8(w, spec->tos);
	put16(w, 0);
	put16(w, spec->ip_id);
	put16(w, spec->df ? 0x4000 : 0);
	put8(w, spec->ttl ? spec->ttl : 57);
	put8(w, PROTO_UDP);
	put16(w, 0);
	put(w, ip4_src, 4);
	put(w, ip4_dst, 4);
	put(w, spec->ip_opts, spec->ip_opts_len);
}

static void build_ip6(struct writer *w, const struct pkt_spec *spec)
{
	put32(w, 6u << 28 | (__u32)spec->tos << 20 | (spec->flow & 0xfffff));
	put16(w, 0);
	put8(w, PROTO_UDP);
	put8(w, spec->ttl ? spec->ttl : 57);
	put(w, ip6_src, 16);
	put(w, ip6_dst, 16);
}

static int build_qname(struct writer *w, const struct pkt_spec *spec)
{
	__u8 wire[PKT_WIRE_MAX];
	int len;

	if (spec->qname_wire) {
		put(w, spec->qname_wire, spec->qname_wire_len);
		return 0;
	}
	len = pkt_name_wire(spec->qname ? spec->qname : ".", wire, sizeof(wire));
	if (len < 0)
		return -1;
	put(w, wire, len);
	return 0;
}

static void build_opt(struct writer *w, const struct pkt_spec *spec)
{
	put8(w, 0);
	put16(w, PKT_TYPE_OPT);
	put16(w, spec->edns_size ? spec->edns_size : PKT_EDNS_SIZE);
	put16(w, 0);			/* extended RCODE, version */
	put16(w, spec->edns_do ? 0x8000 : 0);
	put16(w, spec->edns_opts_len + spec->opt_rdlen_adj);
	put(w, spec->edns_opts, spec->edns_opts_len);
}

static int build_dns(struct writer *w, const struct pkt_spec *spec, size_t *at)
{
	if (spec->raw) {
		put(w, spec->payload, spec->payload_len);
		at[PKT_AT_QNAME] = at[PKT_AT_QTYPE] = at[PKT_AT_OPT] = w->off;
		return 0;
	}
	put16(w, spec->id);
	put16(w, spec->flags);
	put16(w, 1);
	put16(w, 0);
	put16(w, 0);
	put16(w, spec->edns ? 1 : 0);

	at[PKT_AT_QNAME] = w->off;
	if (build_qname(w, spec))
		return -1;
	at[PKT_AT_QTYPE] = w->off;
	put16(w, spec->qtype ? spec->qtype : PKT_TYPE_A);
	put16(w, spec->qclass ? spec->qclass : PKT_CLASS_IN);
	at[PKT_AT_OPT] = w->off;
	if (spec->edns)
		build_opt(w, spec);
	return 0;
}

/* Lengths, then checksums over them, as a sender would. */
static void finish_frame(__u8 *buf, const struct pkt_spec *spec, const size_t *at)
{
	size_t net = at[PKT_AT_NET], udp = at[PKT_AT_UDP], end = at[PKT_AT_END];
	int ip = spec_ip(spec);
	__u16 udp_len = end - udp + spec->udp_len_adj;

	if (ip == 4)
		set16(buf + net + 2, end - net + spec->ip_len_adj);
	else
		set16(buf + net + 4, end - net - IP6_LEN + spec->ip_len_adj);
	set16(buf + udp + 4, udp_len);

	if (ip == 4)
		set16(buf + net + 10, pkt_csum_fold(pkt_csum_add(0, buf + net, udp - net)));
	set16(buf + udp + 6, udp_checksum(buf, ip, net, udp, end - udp, udp_len));
}

static int apply_pokes(__u8 *buf, size_t len, const struct pkt_spec *spec,
		       const size_t *at)
{
	for (int i = 0; i < PKT_POKES_MAX && spec->poke[i].len; i++) {
		const struct pkt_poke *pk = &spec->poke[i];
		size_t off;

		if (pk->part >= PKT_PARTS || pk->len > sizeof(pk->val))
			return -1;
		off = at[pk->part] + pk->off;
		if (off + pk->len > len)
			return -1;
		memcpy(buf + off, pk->val, pk->len);
	}
	return 0;
}

int pkt_build(const struct pkt_spec *spec, __u8 *buf, size_t size)
{
	struct writer w = { .buf = buf, .size = size };
	size_t at[PKT_PARTS] = { 0 };

	if (spec->ip_opts_len % 4 || spec->ip_opts_len > 40)
		return -1;
	build_eth(&w, spec);
	at[PKT_AT_NET] = w.off;
	if (spec_ip(spec) == 6)
		build_ip6(&w, spec);
	else
		build_ip4(&w, spec);
	at[PKT_AT_UDP] = w.off;
	put(&w, NULL, UDP_LEN);
	if (!w.over) {
		set16(buf + at[PKT_AT_UDP], spec->sport ? spec->sport : 50000);
		set16(buf + at[PKT_AT_UDP] + 2, spec->dport ? spec->dport : 53);
	}

	at[PKT_AT_DNS] = w.off;
	if (build_dns(&w, spec, at))
		return -1;
	put(&w, spec->trailer, spec->trailer_len);
	at[PKT_AT_END] = w.off;
	if (w.over)
		return -1;
	finish_frame(buf, spec, at);

	put(&w, NULL, spec->pad);
	if (w.over || apply_pokes(buf, w.off, spec, at))
		return -1;
	return spec->cut && spec->cut < w.off ? (int)spec->cut : (int)w.off;
}

int pkt_query(__u8 *buf, size_t size, const char *name, __u16 qtype)
{
	struct pkt_spec spec = {
		.id = 0x1234,
		.flags = PKT_RD,
		.qname = name,
		.qtype = qtype,
	};

	return pkt_build(&spec, buf, size);
}

/*
 * The classifier: one function per row group of the table in
 * docs/datapath.md, in its order. Each returns GO_ON or the counter the
 * frame is passed under, and records in info where the parts it walked are.
 */
struct parse {
	const __u8 *p;
	size_t len;
	const struct xdpdns_config *cfg;
	struct pkt_info *info;
	size_t ip_end;			/* end of the IP packet */
	__u16 arcount;
};

static bool is_vlan(__u16 type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD;
}

static int parse_eth(struct parse *s, __u16 *type)
{
	size_t off = ETH_LEN;

	if (s->len < ETH_LEN)
		return XDPDNS_CNT_TRUNCATED;
	*type = get16(s->p + 12);
	for (int tags = 0; is_vlan(*type); tags++) {
		if (tags == 2)
			return XDPDNS_CNT_NOT_DNS;	/* a third tag */
		if (s->len < off + VLAN_LEN)
			return XDPDNS_CNT_TRUNCATED;
		*type = get16(s->p + off + 2);
		off += VLAN_LEN;
	}
	s->info->net = off;
	return GO_ON;
}

/*
 * The fixed 20 bytes are needed before version and IHL can be judged; a
 * frame too short for them is truncated whatever its first byte says.
 */
static int parse_ipv4(struct parse *s)
{
	const __u8 *ip = s->p + s->info->net;
	size_t room = s->len - s->info->net;
	size_t hlen, tot;

	s->info->ip = 4;
	if (room < IP4_LEN)
		return XDPDNS_CNT_TRUNCATED;
	hlen = (ip[0] & 0xf) * 4;
	if (ip[0] >> 4 != 4 || hlen < IP4_LEN)
		return XDPDNS_CNT_MALFORMED;
	if (room < hlen)
		return XDPDNS_CNT_TRUNCATED;
	tot = get16(ip + 2);
	if (tot < hlen + UDP_LEN)
		return XDPDNS_CNT_MALFORMED;
	if (room < tot)
		return XDPDNS_CNT_TRUNCATED;
	if (get16(ip + 6) & 0x3fff)		/* MF or a fragment offset */
		return XDPDNS_CNT_FRAGMENT;
	if (ip[9] != PROTO_UDP)
		return XDPDNS_CNT_NOT_DNS;

	s->info->udp = s->info->net + hlen;
	s->ip_end = s->info->net + tot;
	return GO_ON;
}

static bool is_ip6_ext(__u8 nh)
{
	static const __u8 ext[] = { 0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254 };

	for (size_t i = 0; i < sizeof(ext); i++)
		if (nh == ext[i])
			return true;
	return false;
}

static int parse_ipv6(struct parse *s)
{
	const __u8 *ip = s->p + s->info->net;
	size_t room = s->len - s->info->net;

	s->info->ip = 6;
	if (room < IP6_LEN)
		return XDPDNS_CNT_TRUNCATED;
	if (ip[6] != PROTO_UDP)
		return is_ip6_ext(ip[6]) ? XDPDNS_CNT_FRAGMENT : XDPDNS_CNT_NOT_DNS;
	if (room < (size_t)IP6_LEN + get16(ip + 4))
		return XDPDNS_CNT_TRUNCATED;

	s->info->udp = s->info->net + IP6_LEN;
	s->ip_end = s->info->udp + get16(ip + 4);
	return GO_ON;
}

static bool bad_addrs(const struct parse *s)
{
	const __u8 *ip = s->p + s->info->net;
	static const __u8 zero[16];
	__u32 src, dst;

	if (s->info->ip == 6)
		return !memcmp(ip + 8, zero, 16) || ip[8] == 0xff || ip[24] == 0xff;
	src = get32(ip + 12);
	dst = get32(ip + 16);
	if (!src || src == 0xffffffff || src >> 28 == 0xe)
		return true;
	return dst == 0xffffffff || dst >> 28 == 0xe;
}

static int parse_udp(struct parse *s)
{
	const __u8 *uh = s->p + s->info->udp;
	__u16 dport;

	s->info->dns = s->info->udp + UDP_LEN;
	if (s->len < s->info->udp + UDP_LEN)
		return XDPDNS_CNT_TRUNCATED;
	dport = get16(uh + 2);
	if (!(s->cfg->ports[dport / 8] >> (dport % 8) & 1))
		return XDPDNS_CNT_NOT_DNS;
	if (get16(uh + 4) != s->ip_end - s->info->udp)
		return XDPDNS_CNT_MALFORMED;
	if (!get16(uh) || (s->info->ip == 6 && !get16(uh + 6)))
		return XDPDNS_CNT_MALFORMED;
	if (bad_addrs(s))
		return XDPDNS_CNT_MALFORMED;

	s->info->end = s->ip_end;
	return GO_ON;
}

static int parse_dns(struct parse *s)
{
	const __u8 *dns = s->p + s->info->dns;
	__u16 flags;

	if (s->info->end < s->info->dns + DNS_LEN)	/* IPv6 may say under 8 */
		return XDPDNS_CNT_TRUNCATED;
	flags = get16(dns + 2);
	if (flags & PKT_QR || (flags >> 11 & 0xf))
		return XDPDNS_CNT_NOT_QUERY;
	if (get16(dns + 4) != 1 || get16(dns + 6) || get16(dns + 8))
		return XDPDNS_CNT_NOT_QUERY;
	s->arcount = get16(dns + 10);
	if (s->arcount > 1)
		return XDPDNS_CNT_NOT_QUERY;
	return GO_ON;
}

/*
 * Walk the QNAME label by label: a missing length byte is truncation, a
 * length byte of 64 or more a bad name, and the name is too long as soon
 * as its labels plus the root label it still needs pass 255 bytes.
 */
static int parse_qname(struct parse *s)
{
	size_t pos = s->info->dns + DNS_LEN, wire = 0;
	int labels = 0;

	s->info->qname = pos;
	for (;;) {
		__u8 l;

		if (pos >= s->info->end)
			return XDPDNS_CNT_TRUNCATED;
		l = s->p[pos];
		if (!l)
			break;
		if (l > XDPDNS_LABEL_MAX)
			return XDPDNS_CNT_BAD_NAME;
		wire += l + 1;
		labels++;
		if (wire + 1 > XDPDNS_NAME_MAX || labels > XDPDNS_LABELS_MAX)
			return XDPDNS_CNT_TOO_LONG;
		pos += l + 1;
	}
	s->info->qname_len = wire + 1;
	if (s->info->end - (pos + 1) < QTAIL_LEN)
		return XDPDNS_CNT_TRUNCATED;
	s->info->qtype = get16(s->p + pos + 1);
	s->info->qclass = get16(s->p + pos + 3);
	return GO_ON;
}

static int parse_tail(struct parse *s)
{
	size_t opt = s->info->qname + s->info->qname_len + QTAIL_LEN;
	const __u8 *o = s->p + opt;

	if (!s->arcount)
		return opt == s->info->end ? GO_ON : XDPDNS_CNT_MALFORMED;
	if (s->info->end - opt < OPT_LEN)
		return XDPDNS_CNT_BAD_EDNS;
	if (o[0] || get16(o + 1) != PKT_TYPE_OPT || o[6])
		return XDPDNS_CNT_BAD_EDNS;
	if (opt + OPT_LEN + get16(o + 9) != s->info->end)
		return XDPDNS_CNT_BAD_EDNS;
	s->info->opt = opt;
	s->info->edns_do = o[7] & 0x80;
	return GO_ON;
}

static int parse_frame(struct parse *s)
{
	__u16 type;
	int why;

	why = parse_eth(s, &type);
	if (why)
		return why;
	if (type == ETH_P_IPV4)
		why = parse_ipv4(s);
	else if (type == ETH_P_IPV6)
		why = parse_ipv6(s);
	else
		return XDPDNS_CNT_NOT_DNS;
	if (why)
		return why;

	why = parse_udp(s);
	if (why)
		return why;
	why = parse_dns(s);
	if (why)
		return why;
	why = parse_qname(s);
	if (why)
		return why;
	return parse_tail(s);
}

enum xdpdns_counter pkt_classify(const __u8 *frame, size_t len,
				 const struct xdpdns_config *cfg,
				 struct pkt_info *info)
{
	struct pkt_info scratch;
	struct parse s = {
		.p = frame,
		.len = len,
		.cfg = cfg,
		.info = info ? info : &scratch,
	};
	int why;

	memset(s.info, 0, sizeof(*s.info));
	why = parse_frame(&s);
	return why ? why : XDPDNS_CNT_QUERIES;
}

/* The answer: records first, then the headers around them. */
struct answer {
	int rcode;
	bool tc;
	__u16 ancount;
	__u16 nscount;
	__u16 arcount;
};

static void add_address(struct writer *w, const struct pkt_info *in,
			const struct xdpdns_config *cfg, const struct pkt_sinkhole *sink)
{
	bool six = in->qtype == PKT_TYPE_AAAA;

	put16(w, 0xc000 | DNS_LEN);
	put16(w, in->qtype);
	put16(w, PKT_CLASS_IN);
	put32(w, cfg->sinkhole_ttl);
	put16(w, six ? 16 : 4);
	if (sink && six)
		put(w, sink->aaaa, 16);
	else if (sink)
		put(w, sink->a, 4);
	else if (six)
		put(w, cfg->sinkhole_v6, 16);
	else
		put(w, &cfg->sinkhole_v4, 4);	/* already in network order */
}

static void add_soa(struct writer *w, const struct xdpdns_config *cfg,
		    size_t owner)
{
	__u16 ptr = 0xc000 | (DNS_LEN + owner);

	put16(w, ptr);
	put16(w, PKT_TYPE_SOA);
	put16(w, PKT_CLASS_IN);
	put32(w, cfg->negative_ttl);
	put16(w, 24);
	put16(w, ptr);				/* MNAME */
	put16(w, ptr);				/* RNAME */
	put32(w, cfg->soa_serial);
	put32(w, SOA_REFRESH);
	put32(w, SOA_RETRY);
	put32(w, SOA_EXPIRE);
	put32(w, cfg->negative_ttl);		/* MINIMUM, RFC 2308 */
}

static void add_opt(struct writer *w, const struct pkt_info *in,
		    const struct xdpdns_config *cfg, const struct pkt_hit *hit)
{
	bool ede = hit->action != XDPDNS_ACT_TC;

	put8(w, 0);
	put16(w, PKT_TYPE_OPT);
	put16(w, cfg->edns_udp_size);
	put8(w, 0);				/* extended RCODE */
	put8(w, 0);				/* version */
	put16(w, in->edns_do ? 0x8000 : 0);
	put16(w, ede ? EDE_LEN : 0);
	if (!ede)
		return;
	put16(w, EDNS_OPT_EDE);
	put16(w, 2);
	put16(w, hit->ede ? hit->ede : XDPDNS_EDE_BLOCKED);
}

/* The rule's own addresses, if it has them, else both configured ones. */
static bool sinkhole_address(const struct pkt_info *in, const struct pkt_sinkhole *sink)
{
	if (in->qclass != PKT_CLASS_IN)
		return false;
	if (in->qtype == PKT_TYPE_A)
		return !sink || sink->has_a;
	if (in->qtype == PKT_TYPE_AAAA)
		return !sink || sink->has_aaaa;
	return false;
}

static int add_records(struct writer *w, const struct pkt_info *in,
		       const struct xdpdns_config *cfg, const struct pkt_hit *hit,
		       struct answer *a)
{
	switch (hit->action) {
	case XDPDNS_ACT_NXDOMAIN:
		a->rcode = 3;
		break;
	case XDPDNS_ACT_REFUSED:
		a->rcode = 5;
		break;
	case XDPDNS_ACT_TC:
		a->tc = true;
		break;
	case XDPDNS_ACT_NODATA:
	case XDPDNS_ACT_SINKHOLE:
		break;
	default:
		return 0;			/* passes or drops: no answer */
	}

	if (hit->action == XDPDNS_ACT_SINKHOLE && sinkhole_address(in, hit->sink)) {
		add_address(w, in, cfg, hit->sink);
		a->ancount = 1;
	} else if (hit->action == XDPDNS_ACT_NXDOMAIN ||
		   hit->action == XDPDNS_ACT_NODATA ||
		   hit->action == XDPDNS_ACT_SINKHOLE) {
		add_soa(w, cfg, hit->owner);
		a->nscount = 1;
	}
	if (in->opt) {
		add_opt(w, in, cfg, hit);
		a->arcount = 1;
	}
	return 1;
}

static void rewrite_dns(__u8 *dns, const struct xdpdns_config *cfg,
			const struct answer *a)
{
	__u8 b2 = 0x80 | (dns[2] & 0x01);		/* QR, RD copied */
	__u8 b3 = (dns[3] & 0x10) | a->rcode;		/* CD copied */

	if (a->tc)
		b2 |= 0x02;
	if (cfg->flags & XDPDNS_CFG_RA)
		b3 |= 0x80;
	dns[2] = b2;
	dns[3] = b3;
	set16(dns + 4, 1);
	set16(dns + 6, a->ancount);
	set16(dns + 8, a->nscount);
	set16(dns + 10, a->arcount);
}

static void rewrite_headers(__u8 *out, size_t len, const struct pkt_info *in)
{
	__u8 *ip = out + in->net, *uh = out + in->udp;
	size_t hlen = in->udp - in->net;

	swap_bytes(out, out + 6, 6);
	if (in->ip == 4) {
		set16(ip + 2, len - in->net);
		ip[8] = ANSWER_TTL;
		swap_bytes(ip + 12, ip + 16, 4);
		set16(ip + 10, 0);
		set16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, hlen)));
	} else {
		set16(ip + 4, len - in->udp);
		ip[7] = ANSWER_TTL;
		swap_bytes(ip + 8, ip + 24, 16);
	}
	swap_bytes(uh, uh + 2, 2);
	set16(uh + 4, len - in->udp);
	set16(uh + 6, 0);
	set16(uh + 6, udp_checksum(out, in->ip, in->net, in->udp, len - in->udp,
				   len - in->udp));
}

int pkt_answer(const __u8 *frame, size_t len, const struct xdpdns_config *cfg,
	       const struct pkt_hit *hit, __u8 *out, size_t size)
{
	struct writer w = { .buf = out, .size = size };
	struct answer a = { 0 };
	struct pkt_info in;

	if (pkt_classify(frame, len, cfg, &in) != XDPDNS_CNT_QUERIES)
		return -1;
	put(&w, frame, in.qname + in.qname_len + QTAIL_LEN);
	if (!add_records(&w, &in, cfg, hit, &a))
		return 0;
	if (w.over)
		return -1;

	rewrite_dns(out + in.dns, cfg, &a);
	rewrite_headers(out, w.off, &in);
	return w.off;
}

struct field {
	size_t off;
	const char *name;
};

static const struct field ip4_fields[] = {
	{ 0, "IPv4 version/IHL" }, { 1, "IPv4 TOS" }, { 2, "IPv4 total length" },
	{ 4, "IPv4 ID" }, { 6, "IPv4 flags/fragment offset" }, { 8, "IPv4 TTL" },
	{ 9, "IPv4 protocol" }, { 10, "IPv4 header checksum" },
	{ 12, "IPv4 source" }, { 16, "IPv4 destination" }, { 20, "IPv4 options" },
	{ 0, NULL },
};

static const struct field ip6_fields[] = {
	{ 0, "IPv6 version/class/flow" }, { 4, "IPv6 payload length" },
	{ 6, "IPv6 next header" }, { 7, "IPv6 hop limit" }, { 8, "IPv6 source" },
	{ 24, "IPv6 destination" }, { 0, NULL },
};

static const struct field udp_fields[] = {
	{ 0, "UDP source port" }, { 2, "UDP destination port" },
	{ 4, "UDP length" }, { 6, "UDP checksum" }, { 0, NULL },
};

static const struct field dns_fields[] = {
	{ 0, "DNS ID" }, { 2, "DNS flags byte 2" }, { 3, "DNS flags byte 3" },
	{ 4, "QDCOUNT" }, { 6, "ANCOUNT" }, { 8, "NSCOUNT" }, { 10, "ARCOUNT" },
	{ 0, NULL },
};

static const char *field_in(const struct field *f, size_t rel)
{
	const char *name = f->name;

	for (; f->name && f->off <= rel; f++)
		name = f->name;
	return name;
}

void pkt_field_name(const __u8 *frame, size_t len, size_t off, char *buf,
		    size_t size)
{
	static struct xdpdns_config any_port;
	struct pkt_info in;

	memset(any_port.ports, 0xff, sizeof(any_port.ports));
	pkt_classify(frame, len, &any_port, &in);
	if (off < 12)
		snprintf(buf, size, "Ethernet MAC byte %zu", off);
	else if (!in.net || off < in.net)
		snprintf(buf, size, "EtherType/VLAN byte %zu", off - 12);
	else if (!in.udp || off < in.udp)
		snprintf(buf, size, "%s", field_in(in.ip == 6 ? ip6_fields : ip4_fields,
						   off - in.net));
	else if (off < in.dns)
		snprintf(buf, size, "%s", field_in(udp_fields, off - in.udp));
	else if (off < in.dns + DNS_LEN)
		snprintf(buf, size, "%s", field_in(dns_fields, off - in.dns));
	else
		snprintf(buf, size, "DNS message byte %zu", off - in.dns);
}
