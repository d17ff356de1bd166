// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab_check: the answers of a wire test, byte for byte. Reads what tcpdump
 * captured on the client end of the lab (pcap, Ethernet) and, for every
 * query whose name the rules answer at the NIC, builds the expected answer
 * from the captured query with pkt_answer() (tests/pkt.c, written from
 * docs/datapath.md, not from the program) and compares it with the answer
 * captured. Prints one "ok" or "not ok" line per answer; exits 1 on any
 * mismatch, or when there was no answer to check.
 *
 *   lab_check CAPTURE.pcap RULES-FILE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "policy.h"
#include "rulesfile.h"

#define PCAP_MAGIC_US	0xa1b2c3d4
#define PCAP_MAGIC_NS	0xa1b23c4d
#define LINKTYPE_ETH	1
#define QUERIES_MAX	1024

struct frame {
	__u8 data[PKT_FRAME_MAX];
	__u32 len;
};

static struct frame queries[QUERIES_MAX];
static int nqueries;
static struct xdpdns_config cfg;

static int read_header(FILE *f)
{
	__u32 hdr[6];

	if (fread(hdr, sizeof(hdr), 1, f) != 1 ||
	    (hdr[0] != PCAP_MAGIC_US && hdr[0] != PCAP_MAGIC_NS) || hdr[5] != LINKTYPE_ETH)
		return -1;
	return 0;
}

static int read_frame(FILE *f, struct frame *fr)
{
	__u32 rec[4];

	if (fread(rec, sizeof(rec), 1, f) != 1)
		return -1;
	if (rec[2] > sizeof(fr->data) || rec[2] != rec[3])
		return -1;	/* cut by the snap length: nothing to compare */
	fr->len = rec[2];
	return fread(fr->data, fr->len, 1, f) == 1 ? 0 : -1;
}

static __u16 get16(const __u8 *p)
{
	return p[0] << 8 | p[1];
}

/* The query, among those captured, that this answer is for. */
static const struct frame *query_of(const struct frame *answer, const struct pkt_info *ai)
{
	for (int i = nqueries - 1; i >= 0; i--) {
		struct pkt_info qi;

		pkt_classify(queries[i].data, queries[i].len, &cfg, &qi);
		if (qi.ip == ai->ip &&
		    get16(queries[i].data + qi.dns) == get16(answer->data + ai->dns) &&
		    get16(queries[i].data + qi.udp) == get16(answer->data + ai->udp + 2))
			return &queries[i];
	}
	return NULL;
}

/* A sinkhole slot's entry, as the answer model takes it. */
static void sinkhole_of(const struct xdpdns_gen *gen, __u8 index, struct pkt_hit *hit)
{
	static struct pkt_sinkhole model;
	struct xdpdns_sinkhole e;

	xdpdns_gen_get_sinkhole(gen, index, &e);
	hit->ede = e.ede;
	if (e.flags & XDPDNS_SINK_CONFIG)
		return;
	model.has_a = e.flags & XDPDNS_SINK_A;
	model.has_aaaa = e.flags & XDPDNS_SINK_AAAA;
	memcpy(model.a, &e.v4, 4);
	memcpy(model.aaaa, e.v6, 16);
	hit->sink = &model;
}

/* The rule the query's name meets, as the datapath looks it up. */
static int hit_of(const struct xdpdns_gen *gen, const struct frame *q, struct pkt_hit *hit)
{
	struct xdpdns_match m;
	struct xdpdns_name name;
	struct pkt_info qi;
	char text[XDPDNS_NAME_TEXT_MAX];
	const char *why;

	pkt_classify(q->data, q->len, &cfg, &qi);
	memset(&name, 0, sizeof(name));
	memcpy(name.wire, q->data + qi.qname, qi.qname_len);
	name.len = qi.qname_len;
	for (int i = 0, off = 0; q->data[qi.qname + off]; i++) {
		name.label_off[i] = off;
		name.labels = i + 1;
		off += q->data[qi.qname + off] + 1;
	}
	xdpdns_name_format(&name, text, sizeof(text));
	if (xdpdns_name_parse(text, &name, &why))
		return 0;

	xdpdns_gen_match(gen, NULL, &name, 0, &m);
	if (!m.hit)
		return 0;
	hit->action = m.slot.action;
	hit->ede = m.slot.ede;
	hit->owner = name.label_off[m.label];
	hit->sink = NULL;
	if (m.slot.action == XDPDNS_ACT_SINKHOLE)
		sinkhole_of(gen, m.slot.ede, hit);
	return 1;
}

static int check_answer(const struct xdpdns_gen *gen, const struct frame *answer,
			const struct pkt_info *ai)
{
	static __u8 want[PKT_FRAME_MAX];
	const struct frame *q = query_of(answer, ai);
	struct pkt_hit hit;
	int len;

	if (!q || !hit_of(gen, q, &hit))
		return -1;	/* not answered by the program: Unbound's */
	len = pkt_answer(q->data, q->len, &cfg, &hit, want, sizeof(want));
	if (len <= 0)
		return -1;

	if ((__u32)len != answer->len || memcmp(want, answer->data, len)) {
		size_t at = 0;
		char field[64];

		while (at < answer->len && at < (size_t)len && want[at] == answer->data[at])
			at++;
		pkt_field_name(want, len, at, field, sizeof(field));
		printf("not ok - answer id %u over IPv%d: %u bytes, want %d; first difference "
		       "at byte %zu (%s)\n", get16(answer->data + ai->dns), ai->ip, answer->len,
		       len, at, field);
		return 1;
	}
	printf("ok - answer id %u over IPv%d, %d bytes, equal to the expected one\n",
	       get16(answer->data + ai->dns), ai->ip, len);
	return 0;
}

int main(int argc, char **argv)
{
	struct xdpdns_gen *gen;
	int checked = 0, bad = 0;
	struct frame fr;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CAPTURE.pcap RULES-FILE\n", argv[0]);
		return 2;
	}
	gen = rulesfile_load(argv[2]);
	f = fopen(argv[1], "rb");
	if (!gen || !f || read_header(f)) {
		fprintf(stderr, "error: cannot read '%s' as an Ethernet pcap file\n", argv[1]);
		return 1;
	}
	xdpdns_config_default(&cfg);

	while (read_frame(f, &fr) == 0) {
		struct pkt_info info;

		if (pkt_classify(fr.data, fr.len, &cfg, &info) == XDPDNS_CNT_QUERIES) {
			if (nqueries < QUERIES_MAX)
				queries[nqueries++] = fr;
			continue;
		}
		if (!info.dns || get16(fr.data + info.udp) != 53)
			continue;	/* not an answer from port 53 */
		switch (check_answer(gen, &fr, &info)) {
		case 0:
			checked++;
			break;
		case 1:
			checked++;
			bad++;
			break;
		}
	}
	fclose(f);
	xdpdns_gen_close(gen);
	if (!checked)
		printf("not ok - no answer of the program in the capture\n");
	return bad || !checked;
}
