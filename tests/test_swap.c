// SPDX-License-Identifier: GPL-2.0-only
/*
 * One query, one generation: while a thread swaps two generations in and
 * out as fast as it can, every query must be decided by one of them whole.
 *
 * Generation A holds only an exact allow rule for a.b.test; generation B
 * only a below drop rule for b.test. A query for a.b.test is allowed by A
 * and dropped by B. A lookup that took A's exact probe (a miss in B) and B's
 * ancestor probe (a miss in A), or that read the depth masks of one and the
 * table of the other, would find nothing and pass the query unmatched: the
 * `passed` counter must stay at zero.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpdns.skel.h"
#include "policy.h"
#include "stats.h"
#include "pkt.h"

#define SWAPS		200	/* each waits for an RCU grace period: ~15 ms here */
#define QUERIES_MAX	5000000
#define SECONDS_MAX	60

struct swapper {
	struct xdpdns *skel;
	struct xdpdns_gen *gen[2];
	volatile int stop;
	long swaps;
	int err;
};

static struct xdpdns_gen *one_rule_gen(const char *name, __u8 kind, __u8 action, __u64 number)
{
	struct xdpdns_rule r = { .kind = kind, .action = action, .feed = 1 };
	struct xdpdns_gen *gen = xdpdns_gen_create(16, number);
	const char *why;

	if (!gen || xdpdns_name_parse(name, &r.name, &why) || xdpdns_gen_insert(gen, &r)) {
		xdpdns_gen_close(gen);
		return NULL;
	}
	return gen;
}

static void *swap_loop(void *arg)
{
	struct swapper *sw = arg;
	int policy = bpf_map__fd(sw->skel->maps.xdpdns_policy);
	int depths = bpf_map__fd(sw->skel->maps.xdpdns_depths);

	while (!sw->stop && sw->swaps < SWAPS) {
		sw->err = xdpdns_gen_activate(sw->gen[(sw->swaps + 1) & 1], policy, depths);
		if (sw->err)
			break;
		sw->swaps++;
	}
	sw->stop = 1;
	return NULL;
}

static __u64 counter(struct xdpdns *skel, __u32 key)
{
	__u64 sum;

	if (xdpdns_percpu_sum(bpf_map__fd(skel->maps.xdpdns_stats), key, &sum))
		return ~0ULL;
	return sum;
}

static void test_no_query_sees_two_generations(void **state)
{
	struct swapper sw = {};
	struct xdpdns_config cfg;
	__u8 frame[512], out[PKT_FRAME_MAX];
	time_t deadline = time(NULL) + SECONDS_MAX, before;
	long queries = 0;
	pthread_t thread;
	__u32 zero = 0;
	int len, prog;

	(void)state;
	sw.skel = xdpdns__open_and_load();
	assert_non_null(sw.skel);
	xdpdns_config_default(&cfg);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(sw.skel->maps.xdpdns_config), &zero,
					     &cfg, 0), 0);
	sw.gen[0] = one_rule_gen("a.b.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW, 1);
	sw.gen[1] = one_rule_gen("b.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP, 2);
	assert_non_null(sw.gen[0]);
	assert_non_null(sw.gen[1]);

	len = pkt_query(frame, sizeof(frame), "a.b.test", PKT_TYPE_A);
	assert_true(len > 0);
	prog = bpf_program__fd(sw.skel->progs.xdpdns_filter);
	before = time(NULL);
	assert_int_equal(xdpdns_gen_header(sw.gen[0])->swap_time, 0);
	assert_int_equal(xdpdns_gen_activate(sw.gen[0], bpf_map__fd(sw.skel->maps.xdpdns_policy),
					     bpf_map__fd(sw.skel->maps.xdpdns_depths)), 0);
	assert_in_range(xdpdns_gen_header(sw.gen[0])->swap_time, before, time(NULL));
	assert_int_equal(pthread_create(&thread, NULL, swap_loop, &sw), 0);

	for (; !sw.stop && queries < QUERIES_MAX && time(NULL) < deadline; queries++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		assert_int_equal(bpf_prog_test_run_opts(prog, &opts), 0);
		assert_true(opts.retval == XDP_PASS || opts.retval == XDP_DROP);
	}
	sw.stop = 1;
	pthread_join(thread, NULL);

	printf("%ld swaps during %ld queries: %llu allowed, %llu dropped, %llu passed\n",
	       sw.swaps, queries, (unsigned long long)counter(sw.skel, XDPDNS_CNT_ALLOWED),
	       (unsigned long long)counter(sw.skel, XDPDNS_CNT_DROPPED),
	       (unsigned long long)counter(sw.skel, XDPDNS_CNT_PASSED));
	assert_int_equal(sw.err, 0);
	assert_int_equal(sw.swaps, SWAPS);
	assert_int_equal(counter(sw.skel, XDPDNS_CNT_PASSED), 0);
	assert_int_equal(counter(sw.skel, XDPDNS_CNT_ALLOWED) +
			 counter(sw.skel, XDPDNS_CNT_DROPPED), queries);
	assert_true(counter(sw.skel, XDPDNS_CNT_ALLOWED) > 0);
	assert_true(counter(sw.skel, XDPDNS_CNT_DROPPED) > 0);

	xdpdns_gen_close(sw.gen[0]);
	xdpdns_gen_close(sw.gen[1]);
	xdpdns__destroy(sw.skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_query_sees_two_generations),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_swap: needs root to load BPF programs\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
