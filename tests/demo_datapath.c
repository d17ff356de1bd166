// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo: load the XDP program, compile a real hosts blocklist into a
 * policy generation, send query frames through the program with
 * BPF_PROG_TEST_RUN and show, side by side, what it does with each: the
 * blocked names answered in place, the others passed to the resolver.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpdns.skel.h"
#include "policy.h"
#include "names.h"
#include "stats.h"
#include "pkt.h"

/* Hosts-file entries that are the machine's own names, never rules. */
static int local_name(const char *name)
{
	static const char *local[] = { "localhost", "localhost.localdomain", "local",
				       "broadcasthost", "0.0.0.0" };

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (!strcmp(name, local[i]))
			return 1;
	return !strncmp(name, "ip6-", 4);
}

static int load_hosts(struct xdpdns_gen *gen, const char *path, int *rules)
{
	char line[1024], addr[64], name[512];
	FILE *f = fopen(path, "r");
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct xdpdns_rule r = { .kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW,
					 .action = XDPDNS_ACT_NXDOMAIN, .feed = 1 };
		const char *why;

		lineno++;
		if (sscanf(line, "%63s %511s", addr, name) != 2 || addr[0] == '#')
			continue;
		if (strcmp(addr, "0.0.0.0") && strcmp(addr, "127.0.0.1"))
			continue;
		if (local_name(name))
			continue;
		if (xdpdns_name_parse(name, &r.name, &why)) {
			fprintf(stderr, "warning: %s:%d: '%s' skipped: %s\n", path, lineno,
				name, why);
			continue;
		}
		if (xdpdns_gen_insert(gen, &r) == 0)
			(*rules)++;
	}
	fclose(f);
	return 0;
}

static int allow(struct xdpdns_gen *gen, const char *name)
{
	struct xdpdns_rule r = { .kind = XDPDNS_KIND_EXACT, .action = XDPDNS_ACT_ALLOW,
				 .feed = 2 };
	const char *why;

	return xdpdns_name_parse(name, &r.name, &why) || xdpdns_gen_insert(gen, &r);
}

static struct xdpdns_config cfg;

static const char *describe(__u32 ret, const __u8 *out, __u32 len, char *buf, size_t size)
{
	static const char *rcodes[16] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					  "NOTIMP", "REFUSED" };
	struct pkt_info info;

	if (ret == XDP_PASS)
		return "passed to the resolver";
	if (ret == XDP_DROP)
		return "dropped";
	pkt_classify(out, len, &cfg, &info);
	snprintf(buf, size, "answered at the NIC: %s, %u-byte frame sent back",
		 rcodes[out[info.dns + 3] & 0xf] ? rcodes[out[info.dns + 3] & 0xf] : "?",
		 len);
	return buf;
}

static int send_query(int prog, const char *name)
{
	__u8 in[PKT_FRAME_MAX], out[PKT_FRAME_MAX];
	char buf[128];
	int len = pkt_query(in, sizeof(in), name, PKT_TYPE_A);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (len < 0)
		return -1;
	opts.data_size_in = len;
	if (bpf_prog_test_run_opts(prog, &opts))
		return -1;
	printf("  %-34s %s\n", name, describe(opts.retval, out, opts.data_size_out,
						buf, sizeof(buf)));
	return 0;
}

static void print_stats(int fd)
{
	printf("\ncounters (summed over CPUs):\n");
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++) {
		__u64 sum;

		if (xdpdns_percpu_sum(fd, k, &sum) == 0 && sum)
			printf("  %-10s %llu\n", xdpdns_counter_name(k), (unsigned long long)sum);
	}
}

int main(int argc, char **argv)
{
	static const char *queries[] = {
		"www.google.com", "00fun.com", "WWW.00Fun.COM", "ad.doubleclick.net",
		"deep.below.00fun.com", "allowed.00fun.com", "debian.org",
	};
	struct timespec t0, t1;
	struct xdpdns_gen *gen;
	struct xdpdns *skel;
	__u32 zero = 0;
	int rules = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s HOSTS-FILE\n", argv[0]);
		return 2;
	}
	skel = xdpdns__open_and_load();
	if (!skel) {
		fprintf(stderr, "error: cannot load the XDP program (run as root)\n");
		return 1;
	}
	xdpdns_config_default(&cfg);
	bpf_map_update_elem(bpf_map__fd(skel->maps.xdpdns_config), &zero, &cfg, 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	gen = xdpdns_gen_create(200000, 1);
	if (!gen || load_hosts(gen, argv[1], &rules) || allow(gen, "allowed.00fun.com") ||
	    xdpdns_gen_activate(gen, bpf_map__fd(skel->maps.xdpdns_policy),
				bpf_map__fd(skel->maps.xdpdns_depths))) {
		fprintf(stderr, "error: cannot build the policy\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%d names from %s blocked (name and subtree, NXDOMAIN), plus one allow\n"
	       "exception for allowed.00fun.com: live in %.0f ms\n\n", rules, argv[1],
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (send_query(bpf_program__fd(skel->progs.xdpdns_filter), queries[i]))
			return 1;
	print_stats(bpf_map__fd(skel->maps.xdpdns_stats));

	xdpdns_gen_close(gen);
	xdpdns__destroy(skel);
	return 0;
}
