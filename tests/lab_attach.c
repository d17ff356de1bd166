// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab_attach: the XDP program on a lab interface, for tests/test-wire.sh.
 * Loads the program with the default config and the rules of a file, or
 * the pass program alone, attaches it in native or skb mode, prints "ready",
 * and waits for end of input; then prints the counters and detaches.
 *
 *   lab_attach IFACE native|skb RULES-FILE
 *   lab_attach IFACE native --pass
 *
 * A rules line: NAME exact|below|both ACTION [EDE], as in "bad.test both
 * nxdomain 16". This is a test tool, not the xdpdns command.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pass.skel.h"
#include "xdpdns.skel.h"
#include "policy.h"
#include "rulesfile.h"
#include "names.h"
#include "stats.h"

static void wait_for_eof(void)
{
	char buf[64];

	printf("ready\n");
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin))
		;
}

static void print_counters(int stats_fd)
{
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++) {
		__u64 sum;

		if (xdpdns_percpu_sum(stats_fd, k, &sum) == 0)
			printf("%s %llu\n", xdpdns_counter_name(k), (unsigned long long)sum);
	}
}

static int run_pass(int ifindex, __u32 flags)
{
	struct pass *skel = pass__open_and_load();

	if (!skel || bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xdpdns_pass),
				    flags, NULL)) {
		fprintf(stderr, "error: cannot attach the pass program: %s\n", strerror(errno));
		return 1;
	}
	wait_for_eof();
	bpf_xdp_detach(ifindex, flags, NULL);
	pass__destroy(skel);
	return 0;
}

static int run_filter(int ifindex, __u32 flags, const char *rules)
{
	struct xdpdns_config cfg;
	struct xdpdns_gen *gen;
	struct xdpdns *skel;
	__u32 zero = 0;

	skel = xdpdns__open_and_load();
	gen = rulesfile_load(rules);
	if (!skel || !gen)
		return 1;
	xdpdns_config_default(&cfg);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.xdpdns_config), &zero, &cfg, 0) ||
	    xdpdns_gen_activate(gen, bpf_map__fd(skel->maps.xdpdns_policy),
				bpf_map__fd(skel->maps.xdpdns_depths)) ||
	    bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xdpdns_filter), flags, NULL)) {
		fprintf(stderr, "error: cannot set up or attach the filter: %s\n", strerror(errno));
		return 1;
	}
	wait_for_eof();
	print_counters(bpf_map__fd(skel->maps.xdpdns_stats));
	bpf_xdp_detach(ifindex, flags, NULL);
	xdpdns_gen_close(gen);
	xdpdns__destroy(skel);
	return 0;
}

int main(int argc, char **argv)
{
	int ifindex = argc == 4 ? if_nametoindex(argv[1]) : 0;
	__u32 flags;

	if (argc != 4 || (strcmp(argv[2], "native") && strcmp(argv[2], "skb"))) {
		fprintf(stderr, "usage: %s IFACE native|skb RULES-FILE|--pass\n", argv[0]);
		return 2;
	}
	if (!ifindex) {
		fprintf(stderr, "error: no interface '%s'\n", argv[1]);
		return 1;
	}
	flags = !strcmp(argv[2], "native") ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	if (!strcmp(argv[3], "--pass"))
		return run_pass(ifindex, flags);
	return run_filter(ifindex, flags, argv[3]);
}
