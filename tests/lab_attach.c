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
#include "names.h"
#include "stats.h"

static int parse_rule(const char *line, struct xdpdns_rule *r)
{
	char name[300], kind[16], action[16];
	int ede = 0, act;
	const char *why;

	if (sscanf(line, "%299s %15s %15s %d", name, kind, action, &ede) < 3)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->kind = !strcmp(kind, "exact") ? XDPDNS_KIND_EXACT :
		  !strcmp(kind, "below") ? XDPDNS_KIND_BELOW :
		  !strcmp(kind, "both") ? XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW : 0;
	act = xdpdns_action_parse(action);
	if (!r->kind || act < 0 || xdpdns_name_parse(name, &r->name, &why))
		return -EINVAL;
	r->action = act;
	r->ede = ede;
	r->feed = 1;
	return 0;
}

static struct xdpdns_gen *load_rules(const char *path)
{
	struct xdpdns_gen *gen = xdpdns_gen_create(1024, 1);
	char line[512];
	int lineno = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f || !gen) {
		fprintf(stderr, "error: cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		struct xdpdns_rule r;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_rule(line, &r) || xdpdns_gen_insert(gen, &r)) {
			fprintf(stderr, "error: %s:%d: bad rule\n", path, lineno);
			fclose(f);
			xdpdns_gen_close(gen);
			return NULL;
		}
	}
	fclose(f);
	return gen;
}

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
	gen = load_rules(rules);
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
