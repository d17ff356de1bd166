// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet tests of the XDP program: every line of docs/datapath.md, checked
 * by running the real object through BPF_PROG_TEST_RUN. Each table row is
 * {behaviour sentence, packet, verdict, counter}: the verdict, the exact
 * counter deltas (packets, queries when looked up, the one verdict or pass
 * reason, nothing else), the feed hit of the deciding rule, and the output
 * frame: untouched when passed, byte for byte the answer tests/pkt.c builds
 * from the contract when answered. Needs root.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "xdpdns.skel.h"
#include "policy.h"
#include "names.h"
#include "stats.h"
#include "pkt.h"

/*
 * Table rows are positional, { sentence, packet, verdict, counter }, and
 * leave the fields after the last one they need zero on purpose.
 */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define DP_FEEDS	64	/* feed ids 0..63: every feed the rules use */
#define DP_CORPUS_FEED	40
#define DP_UDP_MAX	65507	/* the largest UDP payload IPv4 can carry */
/*
 * BPF_PROG_TEST_RUN puts at most 4096 - 256 (headroom) - 320 (struct
 * skb_shared_info) bytes of a frame in its linear part and the rest in
 * fragments, which a program without xdp.frags never sees: for it the
 * frame ends there.
 */
#define DP_LINEAR_MAX	3520
#define DP_DATA_ENV	"XDPDNS_TEST_DATA"
#define DP_DATA_DIR	"../shared/data/queries"	/* from the repository root */

#define BOTH		(XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW)

/* Names at the length limits, spelled out so each row shows what it sends. */
#define L10		"abcdefghij"
#define L58		L10 L10 L10 L10 L10 "abcdefgh"
#define L61		L10 L10 L10 L10 L10 L10 "x"
#define L62		L61 "y"
#define L63		L10 L10 L10 L10 L10 L10 "abc"
#define L64		L63 "d"
#define NAME255		L63 "." L63 "." L63 "." L61		/* 255 wire bytes */
#define NAME256		L63 "." L63 "." L63 "." L62		/* 256 */
#define NAME255_ZZ	L63 "." L63 "." L63 "." L58 ".zz"	/* 255, "zz" at 251 */
#define A10		"a.a.a.a.a.a.a.a.a.a."
#define A120		A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define LABELS127	A120 "a.a.a.a.a.a.a"			/* 127 labels, 255 bytes */
#define LABELS128	"b." LABELS127
#define LABELS127_Z	A120 "a.a.a.a.a.a.z"			/* "z" at offset 252 */
#define B10		"b.b.b.b.b.b.b.b.b.b."
#define DEPTH100	B10 B10 B10 B10 B10 B10 B10 B10 B10 "b.b.b.b.b.b.b.b.b.far"
#define DEPTH99		B10 B10 B10 B10 B10 B10 B10 B10 B10 "b.b.b.b.b.b.b.b.far"

/* The loaded program and the policy every row runs against. */
static struct {
	struct xdpdns *skel;
	int prog;
	int policy;
	int depths;
	int stats;
	int feeds;
	int config;
	struct xdpdns_gen *main_gen;
	struct xdpdns_gen *corpus_gen;
	__u64 generation;
} dp;

struct dp_rule {
	const char *name;
	__u8 kind;
	enum xdpdns_action action;
	__u8 ede;		/* for SINKHOLE: 1 + index into sinks[], 0 none */
	__u16 feed;
	__u16 set;
};

/*
 * The sinkhole entries of the main generation, entry i + 1 from sinks[i]:
 * what the answer model is told (the addresses a rule answers with, the
 * EDE code) and whether the entry defers to the configured addresses.
 */
struct dp_sink {
	struct pkt_sinkhole model;
	__u8 ede;
	bool config;
};

static const struct dp_sink sinks[] = {
	{ { true, true, { 198, 18, 5, 5 },
	    { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x05, [15] = 0x05 } } },
	{ { true, false, { 198, 18, 5, 6 } }, XDPDNS_EDE_FILTERED },
	{ { false, true, .aaaa = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x06 } } },
	{ { 0 }, XDPDNS_EDE_CENSORED, true },
};

#define SINK_BOTH	1
#define SINK_V4		2
#define SINK_V6		3
#define SINK_CONFIG	4

static const struct dp_rule rules[] = {
	{ "drop.test",		BOTH, XDPDNS_ACT_DROP,     0, 1 },
	{ "nxdomain.test",	BOTH, XDPDNS_ACT_NXDOMAIN, 0, 2 },
	{ "nodata.test",	BOTH, XDPDNS_ACT_NODATA,   0, 3 },
	{ "refused.test",	BOTH, XDPDNS_ACT_REFUSED,  0, 4 },
	{ "sinkhole.test",	BOTH, XDPDNS_ACT_SINKHOLE, 0, 5 },
	{ "tc.test",		BOTH, XDPDNS_ACT_TC,       0, 6 },
	{ "both.sink.test",	BOTH, XDPDNS_ACT_SINKHOLE, SINK_BOTH, 28 },
	{ "v4.sink.test",	BOTH, XDPDNS_ACT_SINKHOLE, SINK_V4, 29 },
	{ "v6.sink.test",	BOTH, XDPDNS_ACT_SINKHOLE, SINK_V6, 30 },
	{ "config.sink.test",	BOTH, XDPDNS_ACT_SINKHOLE, SINK_CONFIG, 31 },
	{ "past.sink.test",	BOTH, XDPDNS_ACT_SINKHOLE, 0, 32 },
	{ "allow.test",		BOTH, XDPDNS_ACT_ALLOW,    0, 7 },
	{ "log.test",		BOTH, XDPDNS_ACT_LOG,      0, 8 },
	{ "censored.test",	BOTH, XDPDNS_ACT_NXDOMAIN, XDPDNS_EDE_CENSORED, 9 },
	{ "filtered.test",	BOTH, XDPDNS_ACT_REFUSED,  XDPDNS_EDE_FILTERED, 10 },
	{ "prohibited.test",	BOTH, XDPDNS_ACT_NODATA,   XDPDNS_EDE_PROHIBITED, 11 },
	{ "bad.test",	XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN, 0, 12 },
	{ "exact.test",	XDPDNS_KIND_EXACT, XDPDNS_ACT_NXDOMAIN, 0, 13 },
	{ "deep.test",	XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN, 0, 14 },
	{ "wide.test",		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 15 },
	{ "ok.wide.test",	BOTH, XDPDNS_ACT_ALLOW,    0, 16 },
	{ "open.test",		BOTH, XDPDNS_ACT_ALLOW,    0, 17 },
	{ "evil.open.test",	BOTH, XDPDNS_ACT_NXDOMAIN, 0, 18 },
	{ L63 ".test",		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 19 },
	{ NAME255,		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 20 },
	{ LABELS127,		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 21 },
	{ "zz",		XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN, 0, 22 },
	{ "z",		XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN, 0, 23 },
	{ "`at.test",		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 24 },
	{ "y.bad.test",	XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW, 0, 25 },
	{ "set1.test",		BOTH, XDPDNS_ACT_NXDOMAIN, 0, 26, 1 },
	{ DEPTH100,		XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN, 0, 27 },
};

/*
 * One row. rule names the rule that must decide the query (NULL: none);
 * the answer, the SOA owner pointer and the feed hit follow from it. cfg
 * edits the default config for this row; tweak edits the live policy and
 * is undone after the row.
 */
struct dp_case {
	const char *what;
	struct pkt_spec pkt;
	int verdict;
	enum xdpdns_counter counter;
	const char *rule;
	void (*cfg)(struct xdpdns_config *cfg);
	int (*tweak)(void);
};

struct dp_result {
	int err;
	__u32 verdict;
	__u8 *out;
	__u32 out_len;
	long long cnt[XDPDNS_CNT_COUNT];	/* deltas over the run */
	long long feed[DP_FEEDS];
};

/* A row's checks: each mismatch is printed with its name and counted. */
struct dp_check {
	const char *what;
	int failed;
};

static const char *verdict_name(long v)
{
	switch (v) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	default:
		return "unknown";
	}
}

/* Counters a well-formed query lands in, after queries. */
static bool is_verdict(enum xdpdns_counter c)
{
	return c >= XDPDNS_CNT_PASSED && c <= XDPDNS_CNT_NO_ROOM;
}

static void check_eq(struct dp_check *ck, const char *field, long long got,
		     long long want)
{
	if (got == want)
		return;
	print_error("%s\n    %s: got %lld, want %lld\n", ck->what, field, got, want);
	ck->failed++;
}

static void check_true(struct dp_check *ck, const char *field, bool ok)
{
	if (ok)
		return;
	print_error("%s\n    %s: not so\n", ck->what, field);
	ck->failed++;
}

static void dump_row(const char *tag, const __u8 *p, size_t len, size_t row)
{
	char line[16 * 3 + 1] = "";

	for (size_t i = row; i < row + 16 && i < len; i++)
		sprintf(line + (i - row) * 3, " %02x", p[i]);
	print_error("      %s %04zx:%s\n", tag, row, line);
}

/* Print the 16-byte rows where two frames differ, want above got. */
static void dump_diff(const __u8 *got, size_t glen, const __u8 *want, size_t wlen)
{
	size_t max = glen > wlen ? glen : wlen;

	for (size_t row = 0; row < max; row += 16) {
		bool same = true;

		for (size_t i = row; i < row + 16 && i < max; i++)
			if (i >= glen || i >= wlen || got[i] != want[i])
				same = false;
		if (same)
			continue;
		dump_row("want", want, wlen, row);
		dump_row("got ", got, glen, row);
	}
}

static void check_frame(struct dp_check *ck, const char *field, const __u8 *got,
			size_t glen, const __u8 *want, size_t wlen)
{
	size_t n = glen < wlen ? glen : wlen, i;
	char name[64];

	for (i = 0; i < n && got[i] == want[i]; i++)
		;
	if (i == n && glen == wlen)
		return;
	pkt_field_name(want, wlen, i, name, sizeof(name));
	print_error("%s\n    %s: %zu bytes, want %zu; first difference at byte %zu (%s)\n",
		    ck->what, field, glen, wlen, i, name);
	dump_diff(got, glen, want, wlen);
	ck->failed++;
}

static void check_verdict(struct dp_check *ck, __u32 got, int want)
{
	if (got == (__u32)want)
		return;
	print_error("%s\n    verdict: got %s, want %s\n", ck->what, verdict_name(got),
		    verdict_name(want));
	ck->failed++;
}

static void check_done(const struct dp_check *ck)
{
	if (ck->failed)
		fail_msg("%s: %d check(s) failed", ck->what, ck->failed);
}

static int read_sum(int fd, __u32 key, long long *sum)
{
	__u64 v;
	int err = xdpdns_percpu_sum(fd, key, &v);

	*sum = v;
	return err;
}

static int read_counters(long long *cnt, long long *feed)
{
	for (__u32 i = 0; i < XDPDNS_CNT_COUNT; i++)
		if (read_sum(dp.stats, i, &cnt[i]))
			return -1;
	for (__u32 i = 0; i < DP_FEEDS; i++)
		if (read_sum(dp.feeds, i, &feed[i]))
			return -1;
	return 0;
}

/* Run one frame once; out must hold out_size bytes. */
static void run_frame(const __u8 *frame, size_t len, __u8 *out, size_t out_size,
		      struct dp_result *r)
{
	long long cnt[XDPDNS_CNT_COUNT], feed[DP_FEEDS];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out_size,
		.repeat = 1,
	);

	memset(r, 0, sizeof(*r));
	if (read_counters(cnt, feed))
		fail_msg("cannot read xdpdns_stats or xdpdns_feedhits: %s", strerror(errno));
	r->err = bpf_prog_test_run_opts(dp.prog, &opts);
	r->verdict = opts.retval;
	r->out = out;
	r->out_len = opts.data_size_out;
	if (read_counters(r->cnt, r->feed))
		fail_msg("cannot read xdpdns_stats or xdpdns_feedhits: %s", strerror(errno));
	for (int i = 0; i < XDPDNS_CNT_COUNT; i++)
		r->cnt[i] -= cnt[i];
	for (int i = 0; i < DP_FEEDS; i++)
		r->feed[i] -= feed[i];
}

/* packets +1, queries +1 for a looked-up query, want +1, nothing else. */
static void check_counters(struct dp_check *ck, const struct dp_result *r,
			   enum xdpdns_counter want)
{
	char field[64];

	for (int i = 0; i < XDPDNS_CNT_COUNT; i++) {
		long long exp = i == XDPDNS_CNT_PACKETS || i == (int)want;

		if (i == XDPDNS_CNT_QUERIES && is_verdict(want))
			exp = 1;
		snprintf(field, sizeof(field), "counter %s", xdpdns_counter_name(i));
		check_eq(ck, field, r->cnt[i], exp);
	}
}

static void check_feeds(struct dp_check *ck, const struct dp_result *r, int feed)
{
	char field[64];

	for (int i = 0; i < DP_FEEDS; i++) {
		snprintf(field, sizeof(field), "xdpdns_feedhits[%d]", i);
		check_eq(ck, field, r->feed[i], i == feed);
	}
}

static void write_config(const struct xdpdns_config *cfg)
{
	__u32 key = 0;

	if (bpf_map_update_elem(dp.config, &key, cfg, BPF_ANY))
		fail_msg("cannot write xdpdns_config: %s", strerror(errno));
}

static void set_port(struct xdpdns_config *cfg, __u16 port, bool on)
{
	if (on)
		cfg->ports[port / 8] |= 1 << (port % 8);
	else
		cfg->ports[port / 8] &= ~(1 << (port % 8));
}

static void cfg_ra_off(struct xdpdns_config *cfg)
{
	cfg->flags &= ~XDPDNS_CFG_RA;
}

static void cfg_negative(struct xdpdns_config *cfg)
{
	cfg->negative_ttl = 3600;
	cfg->soa_serial = 2024121501;
}

static void cfg_sinkhole(struct xdpdns_config *cfg)
{
	static const __u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = 0xde, 0xad, 0xbe, 0xef };

	cfg->sinkhole_ttl = 86400;
	cfg->sinkhole_v4 = htonl(0xc0000207);	/* 192.0.2.7 */
	memcpy(cfg->sinkhole_v6, v6, sizeof(v6));
}

static void cfg_edns_size(struct xdpdns_config *cfg)
{
	cfg->edns_udp_size = 4096;
}

static void cfg_port_5353(struct xdpdns_config *cfg)
{
	set_port(cfg, 5353, true);
}

static void cfg_port_5353_only(struct xdpdns_config *cfg)
{
	set_port(cfg, 53, false);
	set_port(cfg, 5353, true);
}

static int edit_depths(int word, bool below, int depth)
{
	struct xdpdns_depths d;
	__u32 key = 0;

	if (bpf_map_lookup_elem(dp.depths, &key, &d))
		return -errno;
	if (below)
		d.below[word] &= ~(1ULL << depth);
	else
		d.exact[word] &= ~(1ULL << depth);
	return bpf_map_update_elem(dp.depths, &key, &d, BPF_ANY) ? -errno : 0;
}

static int clear_below_2(void)
{
	return edit_depths(0, true, 2);
}

static int clear_exact_2(void)
{
	return edit_depths(0, false, 2);
}

static int clear_below_3(void)
{
	return edit_depths(0, true, 3);
}

static const struct dp_rule *find_rule(const char *name);

/*
 * A generation whose only rule, past.sink.test, names sinkhole entry 1 of a
 * table its header then says is empty: what a damaged or foreign writer
 * could leave. The datapath must read the index as entry 0.
 */
static int sinkhole_past_table(void)
{
	static struct xdpdns_gen *gen;
	struct xdpdns_sinkhole e = { .flags = XDPDNS_SINK_A, .v4 = htonl(0xc6120909) };
	struct xdpdns_rule rule = {
		.kind = BOTH, .action = XDPDNS_ACT_SINKHOLE, .ede = 1,
		.feed = find_rule("past.sink.test")->feed,
	};

	xdpdns_gen_close(gen);
	gen = xdpdns_gen_create_with(1, 1, ++dp.generation);
	if (!gen || xdpdns_gen_set_sinkhole(gen, 1, &e) ||
	    xdpdns_name_parse("past.sink.test", &rule.name, NULL) ||
	    xdpdns_gen_insert(gen, &rule))
		return -1;
	((struct xdpdns_gen_header *)xdpdns_gen_header(gen))->sinkholes = 0;
	return xdpdns_gen_activate(gen, dp.policy, dp.depths);
}

static const struct dp_rule *find_rule(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

static __u8 fold(__u8 c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool same_name(const __u8 *a, const __u8 *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* Offset in qname of the label where the owner (a wire name) starts, or -1. */
static int owner_offset(const __u8 *qname, size_t qlen, const __u8 *owner,
			size_t olen)
{
	for (int i = 0;; i++) {
		int off = pkt_label_offset(qname, qlen, i);

		if (off < 0)
			return -1;
		if (qlen - off == olen && same_name(qname + off, owner, olen))
			return off;
		if (!qname[off])
			return -1;
	}
}

static bool rule_hit(const struct dp_case *c, const __u8 *frame, size_t len,
		     const struct xdpdns_config *cfg, struct pkt_hit *hit, int *feed)
{
	const struct dp_rule *rule = find_rule(c->rule);
	__u8 wire[PKT_WIRE_MAX];
	struct pkt_info in;
	int wlen, off;

	if (!rule || pkt_classify(frame, len, cfg, &in) != XDPDNS_CNT_QUERIES)
		return false;
	wlen = pkt_name_wire(rule->name, wire, sizeof(wire));
	if (wlen < 0)
		return false;
	off = owner_offset(frame + in.qname, in.qname_len, wire, wlen);
	if (off < 0)
		return false;
	hit->action = rule->action;
	hit->ede = rule->ede;
	hit->owner = off;
	if (rule->action == XDPDNS_ACT_SINKHOLE && rule->ede) {
		const struct dp_sink *sink = &sinks[rule->ede - 1];

		hit->ede = sink->ede;
		hit->sink = sink->config ? NULL : &sink->model;
	}
	*feed = rule->feed;
	return true;
}

static void check_answer(struct dp_check *ck, const __u8 *frame, size_t len,
			 const struct xdpdns_config *cfg, const struct pkt_hit *hit,
			 const struct dp_result *r)
{
	__u8 want[PKT_FRAME_MAX];
	int wlen = pkt_answer(frame, len, cfg, hit, want, sizeof(want));

	if (wlen <= 0) {
		check_true(ck, "test table: the contract gives an answer for this row", false);
		return;
	}
	check_frame(ck, "answer frame", r->out, r->out_len, want, wlen);
}

static void check_output(struct dp_check *ck, int verdict, const __u8 *frame,
			 size_t len, const struct xdpdns_config *cfg,
			 const struct pkt_hit *hit, const struct dp_result *r)
{
	if (verdict == XDP_PASS)
		check_frame(ck, "passed frame (must be untouched)", r->out, r->out_len,
			    frame, len);
	else if (verdict == XDP_TX)
		check_answer(ck, frame, len, cfg, hit, r);
}

/* The test model must agree with the row, or the row or pkt.c is wrong. */
static void check_model(struct dp_check *ck, const struct dp_case *c,
			const __u8 *frame, size_t len, const struct xdpdns_config *cfg)
{
	enum xdpdns_counter want = is_verdict(c->counter) ? XDPDNS_CNT_QUERIES : c->counter;
	enum xdpdns_counter got = pkt_classify(frame, len, cfg, NULL);

	if (got != want)
		print_error("%s\n    test model: pkt_classify() says %s, the row %s\n",
			    c->what, xdpdns_counter_name(got), xdpdns_counter_name(want));
	ck->failed += got != want;
}

static void run_case(const struct dp_case *c, const __u8 *frame, size_t len,
		     const struct xdpdns_config *cfg)
{
	struct dp_check ck = { .what = c->what };
	__u8 out[PKT_FRAME_MAX];
	struct pkt_hit hit = { 0 };
	struct dp_result r;
	int feed = -1;

	if (c->rule && !rule_hit(c, frame, len, cfg, &hit, &feed))
		check_true(&ck, "test table: the row's rule is an owner of its QNAME", false);
	check_model(&ck, c, frame, len, cfg);

	run_frame(frame, len, out, sizeof(out), &r);
	check_eq(&ck, "bpf_prog_test_run_opts() return", r.err, 0);
	check_verdict(&ck, r.verdict, c->verdict);
	check_counters(&ck, &r, c->counter);
	check_feeds(&ck, &r, feed);
	check_output(&ck, c->verdict, frame, len, cfg, &hit, &r);
	check_done(&ck);
}

static void test_case(void **state)
{
	const struct dp_case *c = *state;
	struct xdpdns_config cfg;
	__u8 frame[PKT_FRAME_MAX];
	int len;

	xdpdns_config_default(&cfg);
	if (c->cfg)
		c->cfg(&cfg);
	write_config(&cfg);
	len = pkt_build(&c->pkt, frame, sizeof(frame));
	if (len < 0)
		fail_msg("%s: test table: pkt_build() cannot build the packet", c->what);
	if (c->tweak && c->tweak())
		fail_msg("%s: cannot edit the live policy", c->what);

	run_case(c, frame, len, &cfg);
}

/* Undo a row's policy edit even when a check failed and jumped out. */
static int case_teardown(void **state)
{
	const struct dp_case *c = *state;

	if (!c->tweak)
		return 0;
	return xdpdns_gen_activate(dp.main_gen, dp.policy, dp.depths) ? -1 : 0;
}

/*
 * The action matrix: every action (and no rule) over IPv4 and IPv6, with
 * 0, 1 and 2 VLAN tags, without EDNS, with an OPT and with an OPT with DO.
 */
struct dp_base {
	const char *qname;
	__u16 qtype;
	const char *qtype_name;
	int verdict;
	enum xdpdns_counter counter;
	const char *rule;
	const char *result;
};

static const struct dp_base bases[] = {
	{ "drop.test", PKT_TYPE_A, "A", XDP_DROP, XDPDNS_CNT_DROPPED, "drop.test",
	  "dropped" },
	{ "nxdomain.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test",
	  "answered NXDOMAIN with an SOA" },
	{ "nodata.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_NODATA, "nodata.test",
	  "answered NODATA with an SOA" },
	{ "refused.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_REFUSED, "refused.test",
	  "answered REFUSED with no records" },
	{ "sinkhole.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test",
	  "answered with the sinkhole A record" },
	{ "sinkhole.test", PKT_TYPE_AAAA, "AAAA", XDP_TX, XDPDNS_CNT_SINKHOLE,
	  "sinkhole.test", "answered with the sinkhole AAAA record" },
	{ "sinkhole.test", PKT_TYPE_MX, "MX", XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test",
	  "answered NODATA with an SOA" },
	{ "tc.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_TC, "tc.test",
	  "answered with TC and no records" },
	{ "allow.test", PKT_TYPE_A, "A", XDP_PASS, XDPDNS_CNT_ALLOWED, "allow.test",
	  "passed untouched as allowed" },
	{ "log.test", PKT_TYPE_A, "A", XDP_PASS, XDPDNS_CNT_LOGGED, "log.test",
	  "passed untouched as logged" },
	{ "both.sink.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_SINKHOLE, "both.sink.test",
	  "answered with its rule's own A record" },
	{ "both.sink.test", PKT_TYPE_AAAA, "AAAA", XDP_TX, XDPDNS_CNT_SINKHOLE,
	  "both.sink.test", "answered with its rule's own AAAA record" },
	{ "both.sink.test", PKT_TYPE_TXT, "TXT", XDP_TX, XDPDNS_CNT_SINKHOLE,
	  "both.sink.test", "answered NODATA with an SOA" },
	{ "v4.sink.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_SINKHOLE, "v4.sink.test",
	  "answered with its rule's A record and EDE 17" },
	{ "v4.sink.test", PKT_TYPE_AAAA, "AAAA", XDP_TX, XDPDNS_CNT_SINKHOLE, "v4.sink.test",
	  "answered NODATA: its rule has no IPv6 address" },
	{ "v6.sink.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_SINKHOLE, "v6.sink.test",
	  "answered NODATA: its rule has no IPv4 address" },
	{ "v6.sink.test", PKT_TYPE_AAAA, "AAAA", XDP_TX, XDPDNS_CNT_SINKHOLE, "v6.sink.test",
	  "answered with its rule's AAAA record" },
	{ "config.sink.test", PKT_TYPE_A, "A", XDP_TX, XDPDNS_CNT_SINKHOLE,
	  "config.sink.test", "answered with the configured A record and EDE 16" },
	{ "config.sink.test", PKT_TYPE_AAAA, "AAAA", XDP_TX, XDPDNS_CNT_SINKHOLE,
	  "config.sink.test", "answered with the configured AAAA record and EDE 16" },
	{ "www.example.com", PKT_TYPE_A, "A", XDP_PASS, XDPDNS_CNT_PASSED, NULL,
	  "matches no rule and is passed untouched" },
};

#define DP_VARIANTS	18	/* 2 IP versions x 3 VLAN depths x 3 EDNS forms */

static void matrix_case(struct dp_case *c, const struct dp_base *b, int v, int id)
{
	static const char *const vlan_text[] = { "no VLAN tag", "an 802.1Q tag",
						 "802.1ad and 802.1Q tags" };
	static const char *const edns_text[] = { "no EDNS", "EDNS", "EDNS with DO" };
	int ip = v / 9 ? 6 : 4, vlans = v / 3 % 3, edns = v % 3;

	c->pkt = (struct pkt_spec){
		.ip = ip, .vlans = vlans, .edns = edns > 0, .edns_do = edns == 2,
		.qname = b->qname, .qtype = b->qtype, .id = id, .flags = PKT_RD,
		.tos = 0x28, .flow = 0x12345, .ip_id = 0x5a5a, .df = true,
	};
	c->verdict = b->verdict;
	c->counter = b->counter;
	c->rule = b->rule;
	if (asprintf((char **)&c->what, "%s %s over IPv%d, %s, %s: %s", b->qname,
		     b->qtype_name, ip, vlan_text[vlans], edns_text[edns], b->result) < 0)
		c->what = NULL;
}

static struct dp_case *build_matrix(size_t *n)
{
	size_t nb = sizeof(bases) / sizeof(bases[0]);
	struct dp_case *cases = calloc(nb * DP_VARIANTS, sizeof(*cases));

	if (!cases)
		return NULL;
	for (size_t i = 0; i < nb * DP_VARIANTS; i++) {
		matrix_case(&cases[i], &bases[i / DP_VARIANTS], i % DP_VARIANTS,
			    0x4000 + i);
		if (!cases[i].what)
			return NULL;
	}
	*n = nb * DP_VARIANTS;
	return cases;
}

static const __u8 opt_router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
static const __u8 opt_nops[40] = { [0 ... 38] = 0x01, [39] = 0x00 };
static const __u8 opt_nops8[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
static const __u8 edns_cookie[12] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
static const __u8 one_byte[1] = { 0 };

static const struct dp_case answer_cases[] = {
	/* Extended DNS Errors */
	{ "a rule's EDE 16 (Censored) is the INFO-CODE of the answer's OPT",
	  { .qname = "censored.test", .flags = PKT_RD, .edns = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "censored.test" },
	{ "a rule's EDE 17 (Filtered) on a REFUSED answer, IPv6",
	  { .ip = 6, .qname = "filtered.test", .edns = true, .edns_do = true },
	  XDP_TX, XDPDNS_CNT_REFUSED, "filtered.test" },
	{ "a rule's EDE 18 (Prohibited) on a NODATA answer behind a VLAN tag",
	  { .vlans = 1, .qname = "prohibited.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_NODATA, "prohibited.test" },
	{ "a rule with an EDE code answers a query without EDNS with no OPT",
	  { .qname = "censored.test", .flags = PKT_RD },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "censored.test" },

	/* Sinkhole entries */
	{ "an entry deferring to the config answers A with the configured address",
	  { .qname = "config.sink.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "config.sink.test", cfg_sinkhole },
	{ "an entry deferring to the config answers AAAA with the configured address",
	  { .ip = 6, .qname = "config.sink.test", .qtype = PKT_TYPE_AAAA },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "config.sink.test", cfg_sinkhole },
	{ "an entry's own address does not change with the configured one",
	  { .qname = "both.sink.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "both.sink.test", cfg_sinkhole },
	{ "an A-only entry answers an A query in class CH with NODATA",
	  { .qname = "v4.sink.test", .qclass = PKT_CLASS_CH, .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "v4.sink.test" },
	{ "a sinkhole entry below the rule's owner: the SOA points at the owner",
	  { .ip = 6, .qname = "www.V6.sink.test", .qtype = PKT_TYPE_A, .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "v6.sink.test" },
	{ "a sinkhole index past the generation's table answers as entry 0",
	  { .qname = "past.sink.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "past.sink.test", cfg_sinkhole, sinkhole_past_table },

	/* DNS header flags */
	{ "RA is clear in answers when the config turns it off",
	  { .qname = "nxdomain.test", .flags = PKT_RD, .edns = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test", cfg_ra_off },
	{ "RA off applies to sinkhole answers too",
	  { .ip = 6, .qname = "sinkhole.test", .qtype = PKT_TYPE_AAAA, .flags = PKT_RD },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_ra_off },
	{ "RD clear in the query is clear in the answer",
	  { .qname = "nxdomain.test", .id = 0xffff },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "CD is copied from the query; AD and Z are cleared",
	  { .qname = "nxdomain.test", .flags = PKT_RD | PKT_CD | PKT_AD | PKT_Z },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "AA and TC of the query are not copied into a NODATA answer",
	  { .qname = "nodata.test", .flags = PKT_AA | PKT_TC | PKT_RD },
	  XDP_TX, XDPDNS_CNT_NODATA, "nodata.test" },
	{ "RCODE bits in the query are replaced by the answer's RCODE",
	  { .qname = "refused.test", .flags = PKT_RD | 0x000a },
	  XDP_TX, XDPDNS_CNT_REFUSED, "refused.test" },
	{ "the TC answer copies RD and CD and sets only TC of AA and TC",
	  { .qname = "tc.test", .flags = PKT_RD | PKT_CD | PKT_AA, .edns = true },
	  XDP_TX, XDPDNS_CNT_TC, "tc.test" },

	/* values from the config */
	{ "the negative TTL and SOA serial come from the config (NXDOMAIN)",
	  { .qname = "nxdomain.test", .flags = PKT_RD },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test", cfg_negative },
	{ "the negative TTL and SOA serial come from the config (NODATA, IPv6)",
	  { .ip = 6, .qname = "nodata.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_NODATA, "nodata.test", cfg_negative },
	{ "the negative TTL and SOA serial come from the config (sinkhole TXT)",
	  { .qname = "sinkhole.test", .qtype = PKT_TYPE_TXT },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_negative },
	{ "the sinkhole TTL and IPv4 address come from the config",
	  { .qname = "sinkhole.test", .flags = PKT_RD },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_sinkhole },
	{ "the sinkhole TTL and IPv6 address come from the config",
	  { .ip = 6, .vlans = 2, .qname = "sinkhole.test", .qtype = PKT_TYPE_AAAA,
	    .edns = true, .edns_do = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_sinkhole },
	{ "a sinkhole A query in class CH is answered NODATA with an SOA",
	  { .qname = "sinkhole.test", .qclass = PKT_CLASS_CH },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "a sinkhole AAAA query in class ANY is answered NODATA with an SOA",
	  { .qname = "sinkhole.test", .qtype = PKT_TYPE_AAAA, .qclass = PKT_CLASS_ANY },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "a sinkhole ANY query is answered NODATA with an SOA",
	  { .qname = "sinkhole.test", .qtype = PKT_TYPE_ANY, .edns = true },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "a sinkhole hit below the rule's owner answers for the query's name",
	  { .qname = "www.sinkhole.test", .qtype = PKT_TYPE_A },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_sinkhole },
	{ "the OPT's UDP payload size comes from the config",
	  { .qname = "nxdomain.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test", cfg_edns_size },

	/* the query's OPT */
	{ "the query's OPT payload size (512) is not copied",
	  { .qname = "nxdomain.test", .edns = true, .edns_size = 512 },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "OPT flags other than DO are not copied",
	  { .qname = "nxdomain.test", .edns = true, .poke = { PKT_OPT_FLAGS(0xffff) } },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "an extended RCODE in the query's OPT is not copied",
	  { .qname = "nodata.test", .edns = true, .poke = { PKT_OPT_XRCODE(1) } },
	  XDP_TX, XDPDNS_CNT_NODATA, "nodata.test" },
	{ "options of the query's OPT (a cookie) are not echoed, only the EDE",
	  { .qname = "refused.test", .edns = true, .edns_do = true,
	    .edns_opts = edns_cookie, .edns_opts_len = sizeof(edns_cookie) },
	  XDP_TX, XDPDNS_CNT_REFUSED, "refused.test" },
	{ "a TC answer to a query with a cookie has an empty OPT",
	  { .ip = 6, .qname = "tc.test", .edns = true,
	    .edns_opts = edns_cookie, .edns_opts_len = sizeof(edns_cookie) },
	  XDP_TX, XDPDNS_CNT_TC, "tc.test" },

	/* ports */
	{ "a query to a second configured port (5353) is answered",
	  { .qname = "nxdomain.test", .dport = 5353 },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test", cfg_port_5353 },
	{ "port 53 still answers with 5353 added",
	  { .qname = "nxdomain.test" },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test", cfg_port_5353 },
	{ "with 53 removed from the config a query to port 53 is not DNS",
	  { .qname = "nxdomain.test" },
	  XDP_PASS, XDPDNS_CNT_NOT_DNS, NULL, cfg_port_5353_only },
	{ "with only 5353 configured a query to it is answered over IPv6",
	  { .ip = 6, .qname = "sinkhole.test", .qtype = PKT_TYPE_AAAA, .dport = 5353 },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test", cfg_port_5353_only },
	{ "a source port of 53 is fine for a query to 53",
	  { .qname = "nxdomain.test", .sport = 53 },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },

	/* case */
	{ "a mixed-case query matches its lower-case rule and keeps its case",
	  { .qname = "NxDoMaIn.TeSt", .flags = PKT_RD, .edns = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "mixed case below a BELOW rule: the SOA points at the owner as sent",
	  { .qname = "wWw.BaD.tEsT", .flags = PKT_RD },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "bad.test" },
	{ "an upper-case sinkhole AAAA query over IPv6 is answered in its case",
	  { .ip = 6, .qname = "SINKHOLE.TEST", .qtype = PKT_TYPE_AAAA },
	  XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "an upper-case dropped name is dropped",
	  { .qname = "DROP.TEST" }, XDP_DROP, XDPDNS_CNT_DROPPED, "drop.test" },
	{ "folding is for ASCII letters only: '@' does not match the rule's '`'",
	  { .qname = "@AT.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "'`AT' matches the rule '`at'",
	  { .qname = "`AT.Test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "`at.test" },

	/* lengths */
	{ "a 63-byte label is matched by its rule",
	  { .qname = L63 ".test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, L63 ".test" },
	{ "a 255-byte name is matched by its rule",
	  { .qname = NAME255, .edns = true }, XDP_TX, XDPDNS_CNT_NXDOMAIN, NAME255 },
	{ "a 255-byte name in upper case is matched by its rule over IPv6",
	  { .ip = 6, .vlans = 2, .qname = "ABCDEFGHIJ" L10 L10 L10 L10 L10 "ABC." L63 "." L63
	    "." L61 }, XDP_TX, XDPDNS_CNT_NXDOMAIN, NAME255 },
	{ "a BELOW rule on 'zz' 251 bytes into the name: SOA pointer C1 07",
	  { .qname = NAME255_ZZ }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "zz" },
	{ "a 127-label name is matched by its rule",
	  { .qname = LABELS127 }, XDP_TX, XDPDNS_CNT_NXDOMAIN, LABELS127 },
	{ "a 127-label name is matched by a BELOW rule on its top label",
	  { .qname = LABELS127_Z, .ip = 6 }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "z" },
	{ "a BELOW rule 100 labels deep matches a name two labels below it",
	  { .qname = "x.y." DEPTH100 }, XDP_TX, XDPDNS_CNT_NXDOMAIN, DEPTH100 },
	{ "a BELOW rule 100 labels deep does not match a sibling at depth 100",
	  { .qname = "x." DEPTH99 }, XDP_PASS, XDPDNS_CNT_PASSED },

	/* label boundaries */
	{ "a BELOW rule on bad.test does not match notbad.test",
	  { .qname = "notbad.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a BELOW rule on bad.test matches x.bad.test",
	  { .qname = "x.bad.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "bad.test" },
	{ "a BELOW-only rule does not match its owner",
	  { .qname = "bad.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "an EXACT-only rule matches its owner",
	  { .qname = "exact.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "exact.test" },
	{ "an EXACT-only rule does not match a name below it",
	  { .qname = "x.exact.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a name above every rule is passed",
	  { .qname = "test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a query for the root is passed",
	  { .qname = ".", .qtype = 2 }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a label that ends like a rule's label does not match (xbad.test)",
	  { .qname = "www.xbad.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a hit three labels below a BELOW rule: SOA owner pointer C0 12",
	  { .qname = "a.b.c.deep.test", .edns = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "deep.test" },
	{ "three labels below, over IPv6 with two tags and DO",
	  { .ip = 6, .vlans = 2, .qname = "Aa.Bb.Cc.Deep.test", .edns = true,
	    .edns_do = true }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "deep.test" },

	/* precedence */
	{ "an allow rule beats the wider block on its parent",
	  { .qname = "ok.wide.test" }, XDP_PASS, XDPDNS_CNT_ALLOWED, "ok.wide.test" },
	{ "names below that allow rule are allowed",
	  { .qname = "x.ok.wide.test" }, XDP_PASS, XDPDNS_CNT_ALLOWED, "ok.wide.test" },
	{ "other names below the wide block are blocked",
	  { .qname = "other.wide.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "wide.test" },
	{ "a block rule beats the wider allow on its parent",
	  { .qname = "evil.open.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "evil.open.test" },
	{ "names below that block rule are blocked",
	  { .qname = "x.evil.open.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "evil.open.test" },
	{ "an EXACT rule on the whole name beats a BELOW rule on its parent",
	  { .qname = "y.bad.test" }, XDP_PASS, XDPDNS_CNT_ALLOWED, "y.bad.test" },
	{ "below an EXACT-only rule the walk goes on to the parent's BELOW rule",
	  { .qname = "z.y.bad.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "bad.test" },
	{ "a rule of policy set 1 does not match: the datapath uses set 0",
	  { .qname = "set1.test" }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "other names below the wide allow are allowed",
	  { .qname = "fine.open.test" }, XDP_PASS, XDPDNS_CNT_ALLOWED, "open.test" },

	/* depth masks */
	{ "a BELOW rule at a depth whose bit is clear in xdpdns_depths is skipped",
	  { .qname = "x.bad.test" }, XDP_PASS, XDPDNS_CNT_PASSED, NULL, NULL,
	  clear_below_2 },
	{ "an EXACT rule at a depth whose bit is clear is skipped",
	  { .qname = "exact.test" }, XDP_PASS, XDPDNS_CNT_PASSED, NULL, NULL,
	  clear_exact_2 },
	{ "a skipped depth does not end the walk: the next ancestor decides",
	  { .qname = "x.ok.wide.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "wide.test", NULL,
	  clear_below_3 },

	/* IPv4 and IPv6 headers */
	{ "IPv4 options (router alert) are kept and covered by the checksum",
	  { .qname = "nxdomain.test", .ip_opts = opt_router_alert,
	    .ip_opts_len = sizeof(opt_router_alert) },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "40 bytes of IPv4 options (IHL 15) are kept",
	  { .qname = "sinkhole.test", .ip_opts = opt_nops, .ip_opts_len = sizeof(opt_nops),
	    .edns = true }, XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "IPv4 options behind two VLAN tags",
	  { .vlans = 2, .qname = "tc.test", .ip_opts = opt_nops8,
	    .ip_opts_len = sizeof(opt_nops8), .edns = true, .edns_do = true },
	  XDP_TX, XDPDNS_CNT_TC, "tc.test" },
	{ "an IPv4 query with options and no rule is passed untouched",
	  { .qname = "www.example.com", .ip_opts = opt_router_alert,
	    .ip_opts_len = sizeof(opt_router_alert) }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "TOS, ID and DF of the query are kept",
	  { .qname = "nxdomain.test", .tos = 0xb8, .ip_id = 0xbeef, .df = true },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "IPv6 traffic class and flow label are kept",
	  { .ip = 6, .qname = "nxdomain.test", .tos = 0xb8, .flow = 0xabcde },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "a query with TTL 1 is answered with TTL 64",
	  { .qname = "nxdomain.test", .ttl = 1 }, XDP_TX, XDPDNS_CNT_NXDOMAIN,
	  "nxdomain.test" },
	{ "an IPv6 query with hop limit 255 is answered with hop limit 64",
	  { .ip = 6, .qname = "nxdomain.test", .ttl = 255 }, XDP_TX,
	  XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "an IPv4 query without a UDP checksum is answered with one",
	  { .qname = "nxdomain.test", .poke = { PKT_UDP_CSUM(0) } },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "an IPv4 query with a wrong header checksum is still answered",
	  { .qname = "nxdomain.test", .poke = { PKT_POKE16(PKT_AT_NET, 10, 0xdead) } },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "an IPv4 query with a wrong UDP checksum is still answered",
	  { .qname = "refused.test", .poke = { PKT_UDP_CSUM(0x1234) } },
	  XDP_TX, XDPDNS_CNT_REFUSED, "refused.test" },

	/* Ethernet */
	{ "Ethernet padding after an IPv4 query is cut from the answer",
	  { .qname = "nxdomain.test", .pad = 18 }, XDP_TX, XDPDNS_CNT_NXDOMAIN,
	  "nxdomain.test" },
	{ "Ethernet padding after an IPv6 query with EDNS is cut",
	  { .ip = 6, .qname = "refused.test", .edns = true, .pad = 30 },
	  XDP_TX, XDPDNS_CNT_REFUSED, "refused.test" },
	{ "padding shorter than the records the answer adds (sinkhole AAAA)",
	  { .ip = 6, .vlans = 1, .qname = "sinkhole.test", .qtype = PKT_TYPE_AAAA,
	    .pad = 4 }, XDP_TX, XDPDNS_CNT_SINKHOLE, "sinkhole.test" },
	{ "a padded query with no rule is passed untouched, padding and all",
	  { .qname = "www.example.com", .pad = 20 }, XDP_PASS, XDPDNS_CNT_PASSED },
	{ "a padded allowed query is passed untouched",
	  { .ip = 6, .qname = "allow.test", .pad = 7 }, XDP_PASS, XDPDNS_CNT_ALLOWED,
	  "allow.test" },
	{ "one 802.1ad tag is accepted",
	  { .vlans = 1, .tpid = { 0x88a8 }, .qname = "nxdomain.test" },
	  XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
	{ "two 802.1Q tags are accepted",
	  { .vlans = 2, .tpid = { 0x8100, 0x8100 }, .qname = "nodata.test" },
	  XDP_TX, XDPDNS_CNT_NODATA, "nodata.test" },
	{ "802.1Q outside 802.1ad is accepted, tags kept in order",
	  { .ip = 6, .vlans = 2, .tpid = { 0x8100, 0x88a8 }, .tci = { 0xe123, 0x0fff },
	    .qname = "nxdomain.test" }, XDP_TX, XDPDNS_CNT_NXDOMAIN, "nxdomain.test" },
};

static const __u8 wire_pointer[] = { 3, 'w', 'w', 'w', 0xc0, 0x0c };
static const __u8 wire_pointer_first[] = { 0xc0, 0x0c };
static const __u8 wire_type_40[] = { 3, 'a', 'b', 'c', 0x40, 0 };
static const __u8 wire_type_80[] = { 0x80, 0 };
static const __u8 wire_type_ff[] = { 3, 'w', 'w', 'w', 0xff, 0 };
static const __u8 wire_past_end[] = { 3, 'a', 'b', 'c', 0x30 };
static const __u8 msg_11[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0 };
static const __u8 msg_no_qclass[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'a', 'b', 'c', 0, 0, 1,
};
static const __u8 msg_name_only[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'a', 'b', 'c', 0,
};
static const __u8 opt_short[10] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0 };

/*
 * Malformed rows ask for a blocked name, so a frame wrongly looked up shows
 * as an answer, not as a quiet pass.
 */
#define BLOCKED	.qname = "nxdomain.test"

static const struct dp_case malformed_cases[] = {
	/* Ethernet and VLAN */
	{ "a frame ending inside its VLAN tag is truncated",
	  { BLOCKED, .vlans = 1, .cut = 16 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "a frame ending inside the second VLAN tag is truncated",
	  { BLOCKED, .vlans = 2, .cut = 21 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "a third VLAN tag is not DNS",
	  { BLOCKED, .vlans = 3 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "a third tag of type 802.1ad is not DNS, over IPv6",
	  { BLOCKED, .ip = 6, .vlans = 3, .tpid = { 0x88a8, 0x8100, 0x88a8 } },
	  XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "ARP is not DNS", { BLOCKED, .ethertype = 0x0806 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "MPLS is not DNS", { BLOCKED, .ethertype = 0x8847 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "LLDP inside a VLAN tag is not DNS",
	  { BLOCKED, .vlans = 1, .ethertype = 0x88cc }, XDP_PASS, XDPDNS_CNT_NOT_DNS },

	/* IPv4 */
	{ "a frame ending inside the fixed IPv4 header is truncated",
	  { BLOCKED, .cut = 14 + 19 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "IP version 6 under the IPv4 EtherType is malformed",
	  { BLOCKED, .poke = { PKT_IP4_VER_IHL(0x65) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IP version 5 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_VER_IHL(0x55) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IHL 4 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_VER_IHL(0x44) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IHL 0 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_VER_IHL(0x40) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IHL 15 in a frame that ends before header byte 60 is truncated",
	  { .qname = "a.test", .poke = { PKT_IP4_VER_IHL(0x4f) } },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "IHL 6 with the options cut off is truncated",
	  { BLOCKED, .ip_opts = opt_router_alert, .ip_opts_len = 4, .cut = 14 + 22 },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "total length below IHL*4 + 8 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_TOTLEN(27) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "total length 0 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_TOTLEN(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "total length below IHL*4 + 8 with options (IHL 7, total 35) is malformed",
	  { BLOCKED, .ip_opts = opt_nops8, .ip_opts_len = 8, .poke = { PKT_IP4_TOTLEN(35) } },
	  XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "total length one byte past the frame is truncated",
	  { BLOCKED, .ip_len_adj = 1 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "total length one byte short: the UDP length disagrees, malformed",
	  { BLOCKED, .ip_len_adj = -1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "MF set is a fragment",
	  { BLOCKED, .poke = { PKT_IP4_FRAG(0x2000) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "a fragment offset is a fragment",
	  { BLOCKED, .poke = { PKT_IP4_FRAG(0x0001) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "a last fragment (offset, no MF) is a fragment",
	  { BLOCKED, .poke = { PKT_IP4_FRAG(0x00b9) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "DF with MF is a fragment",
	  { BLOCKED, .poke = { PKT_IP4_FRAG(0x6000) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "TCP is not DNS",
	  { BLOCKED, .poke = { PKT_IP4_PROTO(6) } }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "ICMP is not DNS",
	  { BLOCKED, .poke = { PKT_IP4_PROTO(1) } }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "a TCP fragment counts as a fragment (fragments are checked first)",
	  { BLOCKED, .poke = { PKT_IP4_FRAG(0x2000), PKT_IP4_PROTO(6) } },
	  XDP_PASS, XDPDNS_CNT_FRAGMENT },

	/* IPv6 */
	{ "a frame ending inside the IPv6 header is truncated",
	  { BLOCKED, .ip = 6, .cut = 14 + 39 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "IPv6 hop-by-hop options (0) count as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(0) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 routing header (43) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(43) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 fragment header (44) is a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(44) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 ESP (50) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(50) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 AH (51) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(51) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 destination options (60) count as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(60) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 mobility header (135) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(135) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 HIP (139) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(139) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 shim6 (140) counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(140) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 experimental header 253 counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(253) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "IPv6 experimental header 254 counts as a fragment",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(254) } }, XDP_PASS, XDPDNS_CNT_FRAGMENT },
	{ "TCP over IPv6 is not DNS",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(6) } }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "ICMPv6 is not DNS",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(58) } }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "IPv6 'no next header' (59) is not DNS",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_NEXT(59) } }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "IPv6 payload length one byte past the frame is truncated",
	  { BLOCKED, .ip = 6, .ip_len_adj = 1 }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "IPv6 payload length one byte short of the datagram is malformed",
	  { BLOCKED, .ip = 6, .ip_len_adj = -1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "an IPv6 frame that ends 4 bytes into the UDP header is truncated",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_PLEN(4) }, .cut = 14 + 40 + 4 },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },

	/* UDP */
	{ "a query to port 54 is not DNS",
	  { BLOCKED, .dport = 54 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "a query to port 5353 is not DNS by default",
	  { BLOCKED, .ip = 6, .dport = 5353 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "a reply from port 53 to a client port is not DNS",
	  { BLOCKED, .sport = 53, .dport = 40000 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "a port that is not DNS is judged before a bad UDP length",
	  { BLOCKED, .dport = 54, .udp_len_adj = 3 }, XDP_PASS, XDPDNS_CNT_NOT_DNS },
	{ "UDP length one more than the IP payload is malformed",
	  { BLOCKED, .udp_len_adj = 1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "UDP length one less than the IP payload is malformed",
	  { BLOCKED, .udp_len_adj = -1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "UDP length 0 is malformed",
	  { BLOCKED, .poke = { PKT_UDP_LEN(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv6: UDP length one more than the payload length is malformed",
	  { BLOCKED, .ip = 6, .udp_len_adj = 1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "UDP length that counts the Ethernet padding is malformed",
	  { BLOCKED, .pad = 10, .udp_len_adj = 10 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "source port 0 is malformed",
	  { BLOCKED, .poke = { PKT_UDP_SPORT(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "source port 0 over IPv6 is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_UDP_SPORT(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "UDP checksum 0 over IPv6 is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_UDP_CSUM(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },

	/* addresses */
	{ "IPv4 source 0.0.0.0 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_SRC(0, 0, 0, 0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv4 source 255.255.255.255 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_SRC(255, 255, 255, 255) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "IPv4 multicast source 224.0.0.1 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_SRC(224, 0, 0, 1) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv4 multicast source 239.255.255.250 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_SRC(239, 255, 255, 250) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "IPv4 multicast destination 224.0.0.251 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_DST(224, 0, 0, 251) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv4 multicast destination 239.1.2.3 is malformed",
	  { BLOCKED, .poke = { PKT_IP4_DST(239, 1, 2, 3) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv4 broadcast destination is malformed",
	  { BLOCKED, .poke = { PKT_IP4_DST(255, 255, 255, 255) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "IPv6 source :: is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_SRC(0) } }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "IPv6 multicast source ff02::1 is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_SRC(0xff, 0x02, [15] = 1) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "IPv6 multicast destination ff02::fb is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_DST(0xff, 0x02, [15] = 0xfb) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "IPv6 multicast destination ff05::1:3 is malformed",
	  { BLOCKED, .ip = 6, .poke = { PKT_IP6_DST(0xff, 0x05, [13] = 1, [15] = 3) } },
	  XDP_PASS, XDPDNS_CNT_MALFORMED },

	/* DNS header */
	{ "an empty UDP payload is truncated",
	  { .raw = true }, XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "an 11-byte DNS header is truncated",
	  { .raw = true, .payload = msg_11, .payload_len = sizeof(msg_11) },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "an 11-byte DNS header over IPv6 is truncated",
	  { .ip = 6, .raw = true, .payload = msg_11, .payload_len = sizeof(msg_11) },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "QR set (a response) is not a query",
	  { BLOCKED, .flags = PKT_QR | PKT_RD | PKT_RA }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "OPCODE 1 (IQUERY) is not a query",
	  { BLOCKED, .flags = PKT_OPCODE(1) }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "OPCODE 2 (STATUS) is not a query",
	  { BLOCKED, .flags = PKT_OPCODE(2) }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "OPCODE 4 (NOTIFY) is not a query",
	  { BLOCKED, .flags = PKT_OPCODE(4) | PKT_AA }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "OPCODE 5 (UPDATE) is not a query",
	  { BLOCKED, .flags = PKT_OPCODE(5) }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "OPCODE 15 is not a query",
	  { BLOCKED, .flags = PKT_OPCODE(15) }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "QDCOUNT 0 is not a query",
	  { BLOCKED, .poke = { PKT_DNS_QDCOUNT(0) } }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "QDCOUNT 2 is not a query",
	  { BLOCKED, .poke = { PKT_DNS_QDCOUNT(2) } }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "QDCOUNT 256 is not a query",
	  { BLOCKED, .poke = { PKT_DNS_QDCOUNT(256) } }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "ANCOUNT 1 is not a query",
	  { BLOCKED, .poke = { PKT_DNS_ANCOUNT(1) } }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "NSCOUNT 1 is not a query",
	  { BLOCKED, .poke = { PKT_DNS_NSCOUNT(1) } }, XDP_PASS, XDPDNS_CNT_NOT_QUERY },
	{ "ARCOUNT 2 is not a query",
	  { BLOCKED, .edns = true, .poke = { PKT_DNS_ARCOUNT(2) } }, XDP_PASS,
	  XDPDNS_CNT_NOT_QUERY },
	{ "ARCOUNT 0x0101 is not a query",
	  { BLOCKED, .edns = true, .poke = { PKT_DNS_ARCOUNT(0x0101) } }, XDP_PASS,
	  XDPDNS_CNT_NOT_QUERY },

	/* QNAME */
	{ "a 64-byte label is a bad name",
	  { .qname = L64 ".test" }, XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "a compression pointer after a label is a bad name",
	  { .qname_wire = wire_pointer, .qname_wire_len = sizeof(wire_pointer) },
	  XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "a compression pointer as the whole name is a bad name",
	  { .qname_wire = wire_pointer_first, .qname_wire_len = sizeof(wire_pointer_first) },
	  XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "label type 0x40 is a bad name",
	  { .qname_wire = wire_type_40, .qname_wire_len = sizeof(wire_type_40) },
	  XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "label type 0x80 is a bad name, over IPv6",
	  { .ip = 6, .qname_wire = wire_type_80, .qname_wire_len = sizeof(wire_type_80) },
	  XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "label length byte 0xff is a bad name",
	  { .qname_wire = wire_type_ff, .qname_wire_len = sizeof(wire_type_ff) },
	  XDP_PASS, XDPDNS_CNT_BAD_NAME },
	{ "a 256-byte name is too long",
	  { .qname = NAME256 }, XDP_PASS, XDPDNS_CNT_TOO_LONG },
	{ "a 256-byte name over IPv6 with EDNS is too long",
	  { .ip = 6, .qname = NAME256, .edns = true }, XDP_PASS, XDPDNS_CNT_TOO_LONG },
	{ "128 labels are too long",
	  { .qname = LABELS128 }, XDP_PASS, XDPDNS_CNT_TOO_LONG },
	{ "a label running past the payload is truncated",
	  { .qname_wire = wire_past_end, .qname_wire_len = sizeof(wire_past_end) },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "a name with its root label as the last payload byte is truncated",
	  { .raw = true, .payload = msg_name_only, .payload_len = sizeof(msg_name_only) },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },
	{ "a question without QCLASS is truncated",
	  { .raw = true, .payload = msg_no_qclass, .payload_len = sizeof(msg_no_qclass) },
	  XDP_PASS, XDPDNS_CNT_TRUNCATED },

	/* after the question */
	{ "a byte after the question with ARCOUNT 0 is malformed",
	  { BLOCKED, .trailer = one_byte, .trailer_len = 1 }, XDP_PASS, XDPDNS_CNT_MALFORMED },
	{ "an OPT record with ARCOUNT 0 is malformed",
	  { BLOCKED, .edns = true, .poke = { PKT_DNS_ARCOUNT(0) } }, XDP_PASS,
	  XDPDNS_CNT_MALFORMED },
	{ "ARCOUNT 1 and nothing after the question is bad EDNS",
	  { BLOCKED, .poke = { PKT_DNS_ARCOUNT(1) } }, XDP_PASS, XDPDNS_CNT_BAD_EDNS },
	{ "an OPT record cut to 10 bytes is bad EDNS",
	  { BLOCKED, .trailer = opt_short, .trailer_len = sizeof(opt_short),
	    .poke = { PKT_DNS_ARCOUNT(1) } }, XDP_PASS, XDPDNS_CNT_BAD_EDNS },
	{ "an additional record with a non-root owner is bad EDNS",
	  { BLOCKED, .edns = true, .poke = { PKT_OPT_OWNER(1) } }, XDP_PASS,
	  XDPDNS_CNT_BAD_EDNS },
	{ "an additional A record is bad EDNS",
	  { BLOCKED, .edns = true, .poke = { PKT_OPT_TYPE(PKT_TYPE_A) } }, XDP_PASS,
	  XDPDNS_CNT_BAD_EDNS },
	{ "EDNS version 1 is bad EDNS",
	  { BLOCKED, .ip = 6, .edns = true, .poke = { PKT_OPT_VERSION(1) } }, XDP_PASS,
	  XDPDNS_CNT_BAD_EDNS },
	{ "an OPT RDLENGTH one past the payload is bad EDNS",
	  { BLOCKED, .edns = true, .opt_rdlen_adj = 1 }, XDP_PASS, XDPDNS_CNT_BAD_EDNS },
	{ "an OPT RDLENGTH one short of the payload is bad EDNS",
	  { BLOCKED, .edns = true, .edns_opts = edns_cookie,
	    .edns_opts_len = sizeof(edns_cookie), .opt_rdlen_adj = -1 },
	  XDP_PASS, XDPDNS_CNT_BAD_EDNS },
	{ "a byte after the OPT record is bad EDNS",
	  { BLOCKED, .edns = true, .trailer = one_byte, .trailer_len = 1 }, XDP_PASS,
	  XDPDNS_CNT_BAD_EDNS },
};

#undef BLOCKED

/*
 * Truncation: every prefix of a valid query frame is passed and counted as
 * truncated; the kernel refuses to run frames shorter than an Ethernet
 * header, and then nothing may be counted either.
 */
static const struct dp_case prefix_cases[] = {
	{ "every prefix of an IPv4 query with EDNS and a cookie is truncated",
	  { .qname = "nxdomain.test", .edns = true, .edns_opts = edns_cookie,
	    .edns_opts_len = sizeof(edns_cookie) } },
	{ "every prefix of an IPv6 query behind two VLAN tags is truncated",
	  { .ip = 6, .vlans = 2, .qname = "www.nxdomain.test", .edns = true,
	    .edns_do = true } },
	{ "every prefix of an IPv4 query with options behind a VLAN tag is truncated",
	  { .vlans = 1, .qname = "sinkhole.test", .ip_opts = opt_nops8,
	    .ip_opts_len = sizeof(opt_nops8) } },
	{ "every prefix of a plain IPv6 query is truncated",
	  { .ip = 6, .qname = "refused.test", .qtype = PKT_TYPE_AAAA } },
};

/* Returns the number of failed checks for the prefix of n bytes. */
static int check_prefix(const char *what, const __u8 *frame, size_t n,
			const struct xdpdns_config *cfg)
{
	struct dp_check ck = { .what = what };
	__u8 out[PKT_FRAME_MAX];
	struct dp_result r;

	run_frame(frame, n, out, sizeof(out), &r);
	if (r.err == -EINVAL && n < 14) {
		check_eq(&ck, "counter packets of a frame the kernel refused",
			 r.cnt[XDPDNS_CNT_PACKETS], 0);
		return ck.failed;
	}
	check_eq(&ck, "test model: pkt_classify() (14 is truncated)",
		 pkt_classify(frame, n, cfg, NULL), XDPDNS_CNT_TRUNCATED);
	check_eq(&ck, "bpf_prog_test_run_opts() return", r.err, 0);
	check_verdict(&ck, r.verdict, XDP_PASS);
	check_counters(&ck, &r, XDPDNS_CNT_TRUNCATED);
	check_feeds(&ck, &r, -1);
	check_frame(&ck, "passed frame (must be untouched)", r.out, r.out_len, frame, n);
	return ck.failed;
}

static void test_prefixes(void **state)
{
	const struct dp_case *c = *state;
	struct xdpdns_config cfg;
	__u8 frame[PKT_FRAME_MAX];
	int len, bad = 0;
	char what[256];

	xdpdns_config_default(&cfg);
	write_config(&cfg);
	len = pkt_build(&c->pkt, frame, sizeof(frame));
	if (len < 0)
		fail_msg("%s: test table: pkt_build() cannot build the packet", c->what);
	if (pkt_classify(frame, len, &cfg, NULL) != XDPDNS_CNT_QUERIES)
		fail_msg("%s: test table: the whole frame is not a query", c->what);

	for (int n = 0; n < len; n++) {
		snprintf(what, sizeof(what), "%s: the first %d of %d bytes", c->what, n, len);
		bad += check_prefix(what, frame, n, &cfg) > 0;
	}
	if (bad)
		fail_msg("%s: %d of %d prefixes failed", c->what, bad, len);
}

/*
 * Corpora: the malformed-input collections and dnsperf blobs, each message
 * the payload of a valid Eth/IPv4/UDP frame to port 53, and each name file
 * as the QNAME of a query. A generation blocks (NXDOMAIN) every name found
 * in them, so any frame the contract calls a query must be answered, byte
 * for byte, and everything else passed untouched under its reason.
 */
enum corpus_kind {
	CORPUS_MESSAGE,		/* the file is one DNS message */
	CORPUS_BLOB,		/* dnsperf framing: 2-byte length, message */
	CORPUS_NAME_TEXT,	/* the file is one presentation-form name */
	CORPUS_NAME_WIRE,	/* the file is one wire-form name */
	CORPUS_DATAFILE,	/* dnsperf datafile: "name type" per line */
};

static const struct corpus_dir {
	const char *dir;
	const char *pattern;
	enum corpus_kind kind;
} corpus_dirs[] = {
	{ "malformed/c-ares/fuzzinput", "*", CORPUS_MESSAGE },
	{ "malformed/c-ares/fuzznames", "*", CORPUS_MESSAGE },
	{ "malformed/c-ares/fuzznames", "*", CORPUS_NAME_TEXT },
	{ "malformed/knot/check", "*", CORPUS_MESSAGE },
	{ "malformed/knot/fuzz_dname_to_str.in", "*", CORPUS_MESSAGE },
	{ "malformed/knot/fuzz_dname_to_str.in", "*", CORPUS_NAME_WIRE },
	{ "malformed/knot/fuzz_dname_from_str.in", "*", CORPUS_MESSAGE },
	{ "malformed/knot/fuzz_dname_from_str.in", "*", CORPUS_NAME_TEXT },
	{ "dnsperf", "*.blob", CORPUS_BLOB },
	{ "dnsperf", "datafile*", CORPUS_DATAFILE },
};

static const char *const corpus_how[] = {
	[CORPUS_MESSAGE] = "as a DNS payload",
	[CORPUS_BLOB] = "message by message as DNS payloads",
	[CORPUS_NAME_TEXT] = "as a query name",
	[CORPUS_NAME_WIRE] = "as a query name in wire form",
	[CORPUS_DATAFILE] = "line by line as query names",
};

struct corpus_item {
	char *path;
	char *what;
	enum corpus_kind kind;
};

/* The names the corpus generation blocks, in wire form, lower case. */
static struct {
	struct xdpdns_name *name;
	size_t n;
	size_t cap;
} blocked;

typedef int (*frame_fn)(const __u8 *frame, size_t len, const char *what);

static const char *data_dir(void)
{
	const char *dir = getenv(DP_DATA_ENV);

	return dir ? dir : DP_DATA_DIR;
}

static __u8 *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	__u8 *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(size + 1);
		if (buf && fread(buf, 1, size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = size;
	}
	fclose(f);
	return buf;
}

/* Build the frame for spec into a buffer of its own and hand it to fn. */
static int emit(const struct pkt_spec *spec, size_t room, frame_fn fn,
		const char *what)
{
	size_t size = room + 256;
	__u8 *frame = malloc(size);
	int len, err;

	if (!frame)
		return -ENOMEM;
	len = pkt_build(spec, frame, size);
	err = len < 0 ? -EINVAL : fn(frame, len, what);
	free(frame);
	return err;
}

static int emit_payload(const __u8 *p, size_t len, frame_fn fn, const char *what)
{
	struct pkt_spec spec = { .raw = true, .payload = p, .payload_len = len };

	if (spec.payload_len > DP_UDP_MAX)
		spec.payload_len = DP_UDP_MAX;	/* cannot ride in one UDP datagram */
	return emit(&spec, spec.payload_len, fn, what);
}

static int emit_blob(const __u8 *p, size_t len, frame_fn fn, const char *what)
{
	size_t off = 0;
	int err = 0;

	if (!len)
		return emit_payload(p, 0, fn, what);
	while (off < len && err >= 0) {
		size_t n = len - off;

		if (n >= 2) {
			n = (size_t)p[off] << 8 | p[off + 1];
			off += 2;
			if (n > len - off)
				n = len - off;	/* a message cut short: what is there */
		}
		err = emit_payload(p + off, n, fn, what);
		off += n;
	}
	return err;
}

/* A name as the QNAME of two queries: IPv4 plain, IPv6 tagged with DO. */
static int emit_name(const char *text, const __u8 *wire, size_t wlen, frame_fn fn,
		     const char *what)
{
	struct pkt_spec spec = {
		.qname = text, .qname_wire = wire, .qname_wire_len = wlen,
		.id = 0xc0de, .flags = PKT_RD,
	};
	__u8 tmp[PKT_WIRE_MAX];
	int err;

	if (text && pkt_name_wire(text, tmp, sizeof(tmp)) < 0)
		return 0;			/* no name at all: nothing to ask */
	err = emit(&spec, PKT_WIRE_MAX, fn, what);
	spec.ip = 6;
	spec.vlans = 1;
	spec.edns = spec.edns_do = true;
	return err ? err : emit(&spec, PKT_WIRE_MAX, fn, what);
}

static int emit_text_name(char *text, frame_fn fn, const char *what)
{
	text[strcspn(text, "\r\n")] = 0;
	return emit_name(text, NULL, 0, fn, what);
}

static int emit_datafile(char *text, frame_fn fn, const char *what)
{
	char *save = NULL;
	int err = 0;

	for (char *line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t\r")] = 0;
		if (*line)
			err = emit_name(line, NULL, 0, fn, what);
	}
	return err;
}

static int corpus_each(const struct corpus_item *it, frame_fn fn)
{
	size_t len;
	__u8 *p = read_whole(it->path, &len);
	int err = -EIO;

	if (!p)
		return errno ? -errno : -EIO;
	p[len] = 0;
	if (it->kind == CORPUS_MESSAGE)
		err = emit_payload(p, len, fn, it->what);
	else if (it->kind == CORPUS_BLOB)
		err = emit_blob(p, len, fn, it->what);
	else if (it->kind == CORPUS_NAME_TEXT)
		err = emit_text_name((char *)p, fn, it->what);
	else if (it->kind == CORPUS_NAME_WIRE)
		err = emit_name(NULL, p, len, fn, it->what);
	else if (it->kind == CORPUS_DATAFILE)
		err = emit_datafile((char *)p, fn, it->what);
	free(p);
	return err;
}

/* A valid, uncompressed wire name at p (at most len bytes), lower-cased. */
static int name_from_wire(const __u8 *p, size_t len, struct xdpdns_name *n)
{
	size_t off = 0;

	memset(n, 0, sizeof(*n));
	while (off < len && p[off]) {
		if (p[off] > XDPDNS_LABEL_MAX || n->labels == XDPDNS_LABELS_MAX)
			return -1;
		n->label_off[n->labels++] = off;
		off += p[off] + 1;
	}
	if (off >= len || off + 1 > XDPDNS_NAME_MAX || !n->labels)
		return -1;			/* cut short, too long, or the root */
	n->len = off + 1;
	for (size_t i = 0; i < n->len; i++)
		n->wire[i] = fold(p[i]);
	return 0;
}

/* What the corpus run amounted to, printed after the group. */
static struct {
	int frames;
	int answered;
	int looked_up;
} corpus_sum;

/* Remember the first question's name of any frame that has one. */
static int collect_name(const __u8 *frame, size_t len, const char *what)
{
	struct xdpdns_config cfg;
	struct xdpdns_name name;
	struct pkt_info in;

	xdpdns_config_default(&cfg);
	pkt_classify(frame, len, &cfg, &in);
	if (!in.end || in.end < in.dns + 12 || !(frame[in.dns + 4] | frame[in.dns + 5]))
		return 0;
	if (name_from_wire(frame + in.dns + 12, in.end - in.dns - 12, &name))
		return 0;
	if (blocked.n == blocked.cap) {
		size_t cap = blocked.cap ? 2 * blocked.cap : 256;
		void *p = realloc(blocked.name, cap * sizeof(*blocked.name));

		if (!p)
			return -ENOMEM;
		blocked.name = p;
		blocked.cap = cap;
	}
	blocked.name[blocked.n++] = name;
	return 0;
}

/* The contract's lookup over the blocked names; every rule is EXACT|BELOW. */
static bool corpus_lookup(const __u8 *qname, size_t qlen, size_t *owner)
{
	for (int i = 0;; i++) {
		int off = pkt_label_offset(qname, qlen, i);

		if (off < 0 || !qname[off])
			return false;
		for (size_t k = 0; k < blocked.n; k++) {
			if (blocked.name[k].len != qlen - off)
				continue;
			if (same_name(blocked.name[k].wire, qname + off, qlen - off)) {
				*owner = off;
				return true;
			}
		}
	}
}

static int check_corpus_frame(const __u8 *frame, size_t len, const char *what)
{
	struct pkt_hit hit = { .action = XDPDNS_ACT_NXDOMAIN };
	struct dp_check ck = { .what = what };
	struct dp_case c = { .what = what, .verdict = XDP_PASS };
	struct xdpdns_config cfg;
	size_t out_size = len > PKT_FRAME_MAX ? len : PKT_FRAME_MAX;
	__u8 *out = malloc(out_size);
	struct pkt_info in;
	struct dp_result r;
	int feed = -1;

	if (!out)
		return -ENOMEM;
	xdpdns_config_default(&cfg);
	c.counter = pkt_classify(frame, len < DP_LINEAR_MAX ? len : DP_LINEAR_MAX, &cfg, &in);
	if (c.counter == XDPDNS_CNT_QUERIES) {
		c.counter = XDPDNS_CNT_PASSED;
		if (corpus_lookup(frame + in.qname, in.qname_len, &hit.owner)) {
			c.counter = XDPDNS_CNT_NXDOMAIN;
			c.verdict = XDP_TX;
			feed = DP_CORPUS_FEED;
		}
	}

	corpus_sum.frames++;
	corpus_sum.answered += c.verdict == XDP_TX;
	corpus_sum.looked_up += is_verdict(c.counter);

	run_frame(frame, len, out, out_size, &r);
	check_eq(&ck, "bpf_prog_test_run_opts() return", r.err, 0);
	check_verdict(&ck, r.verdict, c.verdict);
	check_counters(&ck, &r, c.counter);
	check_feeds(&ck, &r, feed);
	check_output(&ck, c.verdict, frame, len, &cfg, &hit, &r);
	free(out);
	return ck.failed;
}

static int corpus_failed;

static int corpus_check(const __u8 *frame, size_t len, const char *what)
{
	int failed = check_corpus_frame(frame, len, what);

	if (failed < 0)
		return failed;
	corpus_failed += failed > 0;
	return 0;
}

static void test_corpus(void **state)
{
	const struct corpus_item *it = *state;
	int err, frames = corpus_sum.frames;

	corpus_failed = 0;
	err = corpus_each(it, corpus_check);
	if (err)
		fail_msg("%s: cannot run: %s", it->what, strerror(-err));
	if (corpus_failed)
		fail_msg("%s: %d frame(s) failed", it->what, corpus_failed);
	if (frames == corpus_sum.frames)
		skip();			/* not a name in any form: nothing to send */
}

static struct xdpdns_gen *build_corpus_gen(void)
{
	struct xdpdns_gen *gen = xdpdns_gen_create(blocked.n, ++dp.generation);

	for (size_t i = 0; gen && i < blocked.n; i++) {
		struct xdpdns_rule rule = {
			.name = blocked.name[i],
			.kind = BOTH,
			.action = XDPDNS_ACT_NXDOMAIN,
			.feed = DP_CORPUS_FEED,
		};

		if (xdpdns_gen_insert(gen, &rule)) {
			xdpdns_gen_close(gen);
			return NULL;
		}
	}
	return gen;
}

/* Collect every name of the corpus and build the generation blocking them. */
static int corpus_prepare(const struct corpus_item *items)
{
	for (const struct corpus_item *it = items; it->path; it++)
		if (corpus_each(it, collect_name))
			return -1;
	dp.corpus_gen = build_corpus_gen();
	if (!dp.corpus_gen) {
		fprintf(stderr, "error: cannot build the corpus generation: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int corpus_use(void **state)
{
	return xdpdns_gen_activate(dp.corpus_gen, dp.policy, dp.depths) ? -1 : 0;
}

static int corpus_done(void **state)
{
	return xdpdns_gen_activate(dp.main_gen, dp.policy, dp.depths) ? -1 : 0;
}

static void corpus_release(void)
{
	printf("corpus: %d frames, %d well-formed queries (%d answered), %zu names blocked\n",
	       corpus_sum.frames, corpus_sum.looked_up, corpus_sum.answered, blocked.n);
	xdpdns_gen_close(dp.corpus_gen);
	free(blocked.name);
}

static int add_dir(struct corpus_item **items, size_t *n, const struct corpus_dir *d)
{
	struct dirent **ents;
	char dir[1024];
	int count;

	snprintf(dir, sizeof(dir), "%s/%s", data_dir(), d->dir);
	count = scandir(dir, &ents, NULL, alphasort);
	if (count < 0)
		return -errno;
	for (int i = 0; i < count; i++) {
		struct corpus_item *it;

		if (ents[i]->d_type == DT_REG && !fnmatch(d->pattern, ents[i]->d_name, 0)) {
			it = realloc(*items, (*n + 2) * sizeof(**items));
			if (!it)
				return -ENOMEM;
			*items = it;
			it += (*n)++;
			it->kind = d->kind;
			if (asprintf(&it->path, "%s/%s", dir, ents[i]->d_name) < 0 ||
			    asprintf(&it->what, "corpus %s/%s %s", d->dir, ents[i]->d_name,
				     corpus_how[d->kind]) < 0)
				return -ENOMEM;
			memset(it + 1, 0, sizeof(*it));
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

static struct corpus_item *list_corpus(size_t *n)
{
	struct corpus_item *items = calloc(1, sizeof(*items));

	*n = 0;
	for (size_t i = 0; items && i < sizeof(corpus_dirs) / sizeof(corpus_dirs[0]); i++) {
		int err = add_dir(&items, n, &corpus_dirs[i]);

		if (err) {
			fprintf(stderr, "error: cannot read corpus '%s/%s': %s\n", data_dir(),
				corpus_dirs[i].dir, strerror(-err));
			return NULL;
		}
	}
	return items;
}

/* Loading: the skeleton, the default config and the main generation. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int set_sinks(struct xdpdns_gen *gen)
{
	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++) {
		const struct dp_sink *d = &sinks[i];
		struct xdpdns_sinkhole e = { .ede = d->ede };

		memcpy(&e.v4, d->model.a, 4);
		memcpy(e.v6, d->model.aaaa, 16);
		e.flags = (d->model.has_a ? XDPDNS_SINK_A : 0) |
			  (d->model.has_aaaa ? XDPDNS_SINK_AAAA : 0) |
			  (d->config ? XDPDNS_SINK_CONFIG : 0);
		if (xdpdns_gen_set_sinkhole(gen, i + 1, &e))
			return -1;
	}
	return 0;
}

static struct xdpdns_gen *build_main_gen(void)
{
	size_t n = sizeof(rules) / sizeof(rules[0]);
	struct xdpdns_gen *gen = xdpdns_gen_create_with(n, sizeof(sinks) / sizeof(sinks[0]),
							++dp.generation);

	if (gen && set_sinks(gen)) {
		fprintf(stderr, "error: cannot set the sinkhole entries\n");
		xdpdns_gen_close(gen);
		return NULL;
	}
	for (size_t i = 0; gen && i < n; i++) {
		struct xdpdns_rule rule = {
			.kind = rules[i].kind,
			.action = rules[i].action,
			.ede = rules[i].ede,
			.feed = rules[i].feed,
			.set = rules[i].set,
		};
		const char *why = "";

		if (xdpdns_name_parse(rules[i].name, &rule.name, &why) ||
		    xdpdns_gen_insert(gen, &rule)) {
			fprintf(stderr, "error: cannot add the rule '%s': %s\n",
				rules[i].name, why);
			xdpdns_gen_close(gen);
			return NULL;
		}
	}
	return gen;
}

static int dp_load(void)
{
	struct xdpdns_config cfg;
	__u32 key = 0;

	libbpf_set_print(quiet_print);
	dp.skel = xdpdns__open_and_load();
	if (!dp.skel) {
		fprintf(stderr, "error: cannot load the xdpdns skeleton: %s\n", strerror(errno));
		return -1;
	}
	dp.prog = bpf_program__fd(dp.skel->progs.xdpdns_filter);
	dp.policy = bpf_map__fd(dp.skel->maps.xdpdns_policy);
	dp.depths = bpf_map__fd(dp.skel->maps.xdpdns_depths);
	dp.stats = bpf_map__fd(dp.skel->maps.xdpdns_stats);
	dp.feeds = bpf_map__fd(dp.skel->maps.xdpdns_feedhits);
	dp.config = bpf_map__fd(dp.skel->maps.xdpdns_config);

	xdpdns_config_default(&cfg);
	if (bpf_map_update_elem(dp.config, &key, &cfg, BPF_ANY))
		return -1;
	dp.main_gen = build_main_gen();
	if (!dp.main_gen || xdpdns_gen_activate(dp.main_gen, dp.policy, dp.depths)) {
		fprintf(stderr, "error: cannot install the test policy\n");
		return -1;
	}
	return 0;
}

static void dp_unload(void)
{
	xdpdns_gen_close(dp.main_gen);
	xdpdns__destroy(dp.skel);
}

/*
 * One cmocka group for everything, so the runner's one summary line counts
 * every row.
 */
struct test_list {
	struct CMUnitTest *t;
	size_t n;
	size_t cap;
};

static int add_test(struct test_list *l, const char *name, CMUnitTestFunction fn,
		    CMFixtureFunction setup, CMFixtureFunction teardown, void *state)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 512;
		void *t = realloc(l->t, cap * sizeof(*l->t));

		if (!t)
			return -ENOMEM;
		l->t = t;
		l->cap = cap;
	}
	l->t[l->n++] = (struct CMUnitTest){ name, fn, setup, teardown, state };
	return 0;
}

static int add_cases(struct test_list *l, const struct dp_case *cases, size_t n,
		     CMUnitTestFunction fn)
{
	for (size_t i = 0; i < n; i++)
		if (add_test(l, cases[i].what, fn, NULL, case_teardown, (void *)&cases[i]))
			return -ENOMEM;
	return 0;
}

static int add_corpus(struct test_list *l, struct corpus_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (add_test(l, items[i].what, test_corpus, corpus_use, corpus_done,
			     &items[i]))
			return -ENOMEM;
	return 0;
}

#define ROWS(t)	(t), sizeof(t) / sizeof((t)[0])

static int build_tests(struct test_list *l, struct dp_case *matrix, size_t nm,
		       struct corpus_item *items, size_t ni)
{
	if (add_cases(l, matrix, nm, test_case) ||
	    add_cases(l, ROWS(answer_cases), test_case) ||
	    add_cases(l, ROWS(malformed_cases), test_case) ||
	    add_cases(l, ROWS(prefix_cases), test_prefixes))
		return -ENOMEM;
	return add_corpus(l, items, ni);
}

int main(void)
{
	struct test_list tests = { 0 };
	struct corpus_item *items;
	struct dp_case *matrix;
	size_t nm = 0, ni = 0;
	int failed;

	if (geteuid()) {
		fprintf(stderr, "skip: test_datapath needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	if (dp_load())
		return 1;
	matrix = build_matrix(&nm);
	items = list_corpus(&ni);
	if (!matrix || !items || corpus_prepare(items) ||
	    build_tests(&tests, matrix, nm, items, ni))
		return 1;

	failed = _cmocka_run_group_tests("datapath", tests.t, tests.n, NULL, NULL);
	corpus_release();

	free(tests.t);
	for (size_t i = 0; i < nm; i++)
		free((char *)matrix[i].what);
	free(matrix);
	for (size_t i = 0; i < ni; i++) {
		free(items[i].path);
		free(items[i].what);
	}
	free(items);
	dp_unload();
	return failed ? 1 : 0;
}
