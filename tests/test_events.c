// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet tests of the datapath's events (docs/datapath.md, Events): the
 * real object run through BPF_PROG_TEST_RUN, its ring read with libbpf's
 * ring_buffer__consume(). Each hit's event carries exactly the query's
 * fields, for IPv4 and IPv6 and every action; a miss sends none; rate 0
 * sends and counts nothing; an empty bucket refuses and counts, and refills
 * with time; a full ring loses and counts. Every counter is checked after
 * every run. The test keeps to CPU 0, since the rate limit is per CPU.
 * Needs root.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "xdpdns.skel.h"
#include "policy.h"
#include "names.h"
#include "stats.h"
#include "pkt.h"

#define EV_MAX		8	/* events one run of these tests reads at most */
#define EV_FULL_RUNS	5000	/* runs that overflow the ring: 3,640 fit */

static struct {
	struct xdpdns *skel;
	int prog, stats, config, scratch;
	struct xdpdns_gen *gen;
	struct ring_buffer *ring;
	struct xdpdns_event got[EV_MAX];
	int ngot;			/* events read; those past EV_MAX counted only */
} ev;

struct ev_rule {
	const char *name;
	enum xdpdns_action action;
	__u16 feed;
};

static const struct ev_rule rules[] = {
	{ "drop.test",		XDPDNS_ACT_DROP,	1 },
	{ "nxdomain.test",	XDPDNS_ACT_NXDOMAIN,	2 },
	{ "nodata.test",	XDPDNS_ACT_NODATA,	3 },
	{ "refused.test",	XDPDNS_ACT_REFUSED,	4 },
	{ "sinkhole.test",	XDPDNS_ACT_SINKHOLE,	5 },
	{ "tc.test",		XDPDNS_ACT_TC,		6 },
	{ "allow.test",		XDPDNS_ACT_ALLOW,	7 },
	{ "log.test",		XDPDNS_ACT_LOG,		8 },
	{ "hand.test",		XDPDNS_ACT_NXDOMAIN,	0 },
};
#define NRULES	(sizeof(rules) / sizeof(rules[0]))

static const __u8 src4[4] = { 192, 0, 2, 1 };
static const __u8 src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* A name under drop.test with every byte a log line must not carry raw. */
static const __u8 nasty_wire[] = {
	12, 0x01, '"', '\\', 0x1b, '[', '2', 'J', '\n', 0x7f, 0x80, 0xff, '.',
	4, 'd', 'r', 'o', 'p', 4, 't', 'e', 's', 't', 0,
};

static int on_event(void *ctx, void *data, size_t size)
{
	if (size != sizeof(struct xdpdns_event))
		fail_msg("an event of %zu bytes, expected %zu", size, sizeof(struct xdpdns_event));
	if (ev.ngot < EV_MAX)
		memcpy(&ev.got[ev.ngot], data, size);
	ev.ngot++;
	return 0;
}

static int read_events(void)
{
	int n;

	ev.ngot = 0;
	n = ring_buffer__consume(ev.ring);
	if (n < 0)
		fail_msg("cannot read the event ring: %s", strerror(-n));
	return ev.ngot;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void set_rate(__u32 rate)
{
	struct xdpdns_config cfg;
	__u32 key = 0;

	xdpdns_config_default(&cfg);
	cfg.event_rate = rate;
	if (bpf_map_update_elem(ev.config, &key, &cfg, BPF_ANY))
		fail_msg("cannot write xdpdns_config: %s", strerror(errno));
}

/* A zeroed scratch map is a full bucket on every CPU. */
static void fill_buckets(void)
{
	size_t size = (size_t)libbpf_num_possible_cpus() *
		      ((bpf_map__value_size(ev.skel->maps.xdpdns_scratch) + 7) & ~7UL);
	void *zero = calloc(1, size);
	__u32 key = 0;
	int err;

	assert_non_null(zero);
	err = bpf_map_update_elem(ev.scratch, &key, zero, BPF_ANY);
	free(zero);
	if (err)
		fail_msg("cannot reset xdpdns_scratch: %s", strerror(errno));
}

static void read_counters(long long *cnt)
{
	for (__u32 i = 0; i < XDPDNS_CNT_COUNT; i++) {
		__u64 v;

		if (xdpdns_percpu_sum(ev.stats, i, &v))
			fail_msg("cannot read xdpdns_stats: %s", strerror(errno));
		cnt[i] = v;
	}
}

/* Run frame `repeat` times; delta gets the counters' growth. */
static void run(const __u8 *frame, int len, __u32 repeat, long long *delta)
{
	long long before[XDPDNS_CNT_COUNT];
	__u8 out[PKT_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);

	read_counters(before);
	if (bpf_prog_test_run_opts(ev.prog, &opts))
		fail_msg("BPF_PROG_TEST_RUN failed: %s", strerror(errno));
	read_counters(delta);
	for (int i = 0; i < XDPDNS_CNT_COUNT; i++)
		delta[i] -= before[i];
}

/* Exactly the counters named in want[] grew, by want_n[] each. */
static void check_counters(const long long *delta, const __u32 *want, const long long *want_n,
			   int n)
{
	for (__u32 i = 0; i < XDPDNS_CNT_COUNT; i++) {
		long long exp = 0;

		for (int k = 0; k < n; k++)
			if (want[k] == i)
				exp = want_n[k];
		if (delta[i] != exp)
			fail_msg("counter %s grew by %lld, expected %lld", xdpdns_counter_name(i),
				 delta[i], exp);
	}
}

static int build(__u8 *frame, int ip, const char *name, const __u8 *wire, size_t wire_len,
		 __u16 qtype)
{
	struct pkt_spec spec = { .ip = ip, .flags = PKT_RD, .id = 0x1234, .qname = name,
				 .qname_wire = wire, .qname_wire_len = wire_len,
				 .qtype = qtype };
	int len = pkt_build(&spec, frame, PKT_FRAME_MAX);

	if (len < 0)
		fail_msg("pkt_build() cannot build a query for '%s'", name ? name : "(wire)");
	return len;
}

/* The one event read must be this query's, stamped between t0 and t1. */
static void check_event(const struct xdpdns_event *e, int ip, const __u8 *wire, size_t wire_len,
			__u16 qtype, const struct ev_rule *r, __u64 t0, __u64 t1)
{
	__u8 client[16] = { 0 };

	memcpy(client, ip == 6 ? src6 : src4, ip == 6 ? 16 : 4);
	assert_true(e->time_ns >= t0 && e->time_ns <= t1);
	assert_memory_equal(e->client, client, 16);
	assert_int_equal(e->family, ip == 6 ? XDPDNS_EVENT_IPV6 : XDPDNS_EVENT_IPV4);
	assert_int_equal(e->qtype, qtype);
	assert_int_equal(e->action, r->action);
	assert_int_equal(e->feed, r->feed);
	assert_int_equal(e->pad, 0);
	assert_int_equal(e->name_len, wire_len);
	assert_memory_equal(e->name, wire, wire_len);
}

/* One hit of rule r from IPv4 or IPv6, its name in mixed case: one event, every field. */
static void hit_once(const struct ev_rule *r, int ip)
{
	static const __u32 verdicts[XDPDNS_ACT_COUNT] = XDPDNS_ACTION_COUNTERS;
	__u8 frame[PKT_FRAME_MAX], wire[PKT_WIRE_MAX];
	long long delta[XDPDNS_CNT_COUNT];
	__u16 qtype = ip == 6 ? PKT_TYPE_AAAA : PKT_TYPE_MX;
	char name[128];
	__u64 t0, t1;
	int len, wlen;

	snprintf(name, sizeof(name), "Www.%c%s", r->name[0] - 32, r->name + 1);
	wlen = pkt_name_wire(name, wire, sizeof(wire));
	len = build(frame, ip, name, NULL, 0, qtype);

	t0 = now_ns();
	run(frame, len, 1, delta);
	t1 = now_ns();
	check_counters(delta, (__u32[]){ XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES,
					 verdicts[r->action], XDPDNS_CNT_EVENTS },
		       (long long[]){ 1, 1, 1, 1 }, 4);
	assert_int_equal(read_events(), 1);
	check_event(&ev.got[0], ip, wire, wlen, qtype, r, t0, t1);
}

static void test_every_action_v4(void **state)
{
	set_rate(1000);
	fill_buckets();
	for (size_t i = 0; i < NRULES; i++)
		hit_once(&rules[i], 4);
}

static void test_every_action_v6(void **state)
{
	set_rate(1000);
	fill_buckets();
	for (size_t i = 0; i < NRULES; i++)
		hit_once(&rules[i], 6);
}

/* The name's bytes travel as they were asked, whatever they are. */
static void test_name_as_asked(void **state)
{
	__u8 frame[PKT_FRAME_MAX];
	long long delta[XDPDNS_CNT_COUNT];
	int len = build(frame, 4, NULL, nasty_wire, sizeof(nasty_wire), PKT_TYPE_A);
	__u64 t0;

	set_rate(1000);
	fill_buckets();
	t0 = now_ns();
	run(frame, len, 1, delta);
	check_counters(delta, (__u32[]){ XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES,
					 XDPDNS_CNT_DROPPED, XDPDNS_CNT_EVENTS },
		       (long long[]){ 1, 1, 1, 1 }, 4);
	assert_int_equal(read_events(), 1);
	check_event(&ev.got[0], 4, nasty_wire, sizeof(nasty_wire), PKT_TYPE_A, &rules[0], t0,
		    now_ns());
}

/* One query at rate, counted under verdict alone: no event, no event counter. */
static void no_event(int ip, const char *name, __u32 rate, __u32 verdict)
{
	__u8 frame[PKT_FRAME_MAX];
	long long delta[XDPDNS_CNT_COUNT];
	int len = build(frame, ip, name, NULL, 0, PKT_TYPE_A);

	set_rate(rate);
	fill_buckets();
	run(frame, len, 1, delta);
	check_counters(delta, (__u32[]){ XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES, verdict },
		       (long long[]){ 1, 1, 1 }, 3);
	assert_int_equal(read_events(), 0);
}

static void test_miss_sends_nothing(void **state)
{
	no_event(4, "www.unlisted.test", 1000, XDPDNS_CNT_PASSED);
}

static void test_rate_0_sends_and_counts_nothing(void **state)
{
	no_event(6, "www.nxdomain.test", 0, XDPDNS_CNT_NXDOMAIN);
	no_event(4, "www.allow.test", 0, XDPDNS_CNT_ALLOWED);
}

/*
 * Rate 2: a full bucket holds 2 tokens and gains one every 500 ms. Three
 * hits in a row (well within 500 ms) send two and refuse the third; half a
 * second and a bit later one more goes through.
 */
static void test_empty_bucket_refuses_then_refills(void **state)
{
	__u8 frame[PKT_FRAME_MAX];
	long long delta[XDPDNS_CNT_COUNT];
	int len = build(frame, 4, "www.drop.test", NULL, 0, PKT_TYPE_A);
	const __u32 sent[] = { XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES, XDPDNS_CNT_DROPPED,
			       XDPDNS_CNT_EVENTS };
	const __u32 refused[] = { XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES, XDPDNS_CNT_DROPPED,
				  XDPDNS_CNT_EVENTS_LIMITED };

	set_rate(2);
	fill_buckets();
	run(frame, len, 2, delta);
	check_counters(delta, sent, (long long[]){ 2, 2, 2, 2 }, 4);
	run(frame, len, 1, delta);
	check_counters(delta, refused, (long long[]){ 1, 1, 1, 1 }, 4);
	assert_int_equal(read_events(), 2);

	nanosleep(&(struct timespec){ .tv_nsec = 600000000 }, NULL);
	run(frame, len, 1, delta);
	check_counters(delta, sent, (long long[]){ 1, 1, 1, 1 }, 4);
	assert_int_equal(read_events(), 1);
}

/* No reader: the ring fills, and every event past its room is counted lost. */
static void test_full_ring_loses_and_counts(void **state)
{
	__u8 frame[PKT_FRAME_MAX];
	long long delta[XDPDNS_CNT_COUNT];
	int len = build(frame, 4, "www.drop.test", NULL, 0, PKT_TYPE_A);
	int read;

	set_rate(XDPDNS_EVENT_RATE_MAX);
	fill_buckets();
	run(frame, len, EV_FULL_RUNS, delta);
	assert_int_equal(delta[XDPDNS_CNT_EVENTS] + delta[XDPDNS_CNT_EVENTS_LOST], EV_FULL_RUNS);
	assert_true(delta[XDPDNS_CNT_EVENTS_LOST] > 0);
	check_counters(delta, (__u32[]){ XDPDNS_CNT_PACKETS, XDPDNS_CNT_QUERIES,
					 XDPDNS_CNT_DROPPED, XDPDNS_CNT_EVENTS,
					 XDPDNS_CNT_EVENTS_LOST },
		       (long long[]){ EV_FULL_RUNS, EV_FULL_RUNS, EV_FULL_RUNS,
				      delta[XDPDNS_CNT_EVENTS], delta[XDPDNS_CNT_EVENTS_LOST] },
		       5);
	read = read_events();
	assert_int_equal(read, delta[XDPDNS_CNT_EVENTS]);
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static struct xdpdns_gen *build_gen(void)
{
	struct xdpdns_gen *gen = xdpdns_gen_create_with(NRULES, 0, 1);

	for (size_t i = 0; gen && i < NRULES; i++) {
		struct xdpdns_rule rule = { .kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW,
					    .action = rules[i].action, .feed = rules[i].feed };
		const char *why = "";

		if (xdpdns_name_parse(rules[i].name, &rule.name, &why) ||
		    xdpdns_gen_insert(gen, &rule)) {
			fprintf(stderr, "error: cannot add the rule '%s': %s\n", rules[i].name,
				why);
			xdpdns_gen_close(gen);
			return NULL;
		}
	}
	return gen;
}

static int ev_load(void)
{
	cpu_set_t cpu0;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0)) {
		fprintf(stderr, "error: cannot keep to CPU 0: %s\n", strerror(errno));
		return -1;
	}
	libbpf_set_print(quiet_print);
	ev.skel = xdpdns__open_and_load();
	if (!ev.skel) {
		fprintf(stderr, "error: cannot load the xdpdns skeleton: %s\n", strerror(errno));
		return -1;
	}
	ev.prog = bpf_program__fd(ev.skel->progs.xdpdns_filter);
	ev.stats = bpf_map__fd(ev.skel->maps.xdpdns_stats);
	ev.config = bpf_map__fd(ev.skel->maps.xdpdns_config);
	ev.scratch = bpf_map__fd(ev.skel->maps.xdpdns_scratch);
	ev.ring = ring_buffer__new(bpf_map__fd(ev.skel->maps.xdpdns_events), on_event, NULL, NULL);
	ev.gen = build_gen();
	if (!ev.ring || !ev.gen ||
	    xdpdns_gen_activate(ev.gen, bpf_map__fd(ev.skel->maps.xdpdns_policy),
				bpf_map__fd(ev.skel->maps.xdpdns_depths))) {
		fprintf(stderr, "error: cannot set up the event ring or the test policy\n");
		return -1;
	}
	return 0;
}

/* Every test starts with an empty ring. */
static int drain(void **state)
{
	ring_buffer__consume(ev.ring);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_action_v4, drain),
		cmocka_unit_test_setup(test_every_action_v6, drain),
		cmocka_unit_test_setup(test_name_as_asked, drain),
		cmocka_unit_test_setup(test_miss_sends_nothing, drain),
		cmocka_unit_test_setup(test_rate_0_sends_and_counts_nothing, drain),
		cmocka_unit_test_setup(test_empty_bucket_refuses_then_refills, drain),
		cmocka_unit_test_setup(test_full_ring_loses_and_counts, drain),
	};
	int failed;

	if (geteuid()) {
		fprintf(stderr, "skip: test_events needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	if (ev_load())
		return 1;
	failed = cmocka_run_group_tests_name("events", tests, NULL, NULL);
	ring_buffer__free(ev.ring);
	xdpdns_gen_close(ev.gen);
	xdpdns__destroy(ev.skel);
	return failed ? 1 : 0;
}
