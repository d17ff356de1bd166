// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counter names and per-CPU sums. The names are the ones docs/datapath.md
 * and the README use; one table, so that every output agrees.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats.h"

static const char *const counter_names[XDPDNS_CNT_COUNT] = {
	[XDPDNS_CNT_PACKETS]	= "packets",
	[XDPDNS_CNT_QUERIES]	= "queries",
	[XDPDNS_CNT_PASSED]	= "passed",
	[XDPDNS_CNT_ALLOWED]	= "allowed",
	[XDPDNS_CNT_LOGGED]	= "logged",
	[XDPDNS_CNT_DROPPED]	= "dropped",
	[XDPDNS_CNT_NXDOMAIN]	= "nxdomain",
	[XDPDNS_CNT_NODATA]	= "nodata",
	[XDPDNS_CNT_REFUSED]	= "refused",
	[XDPDNS_CNT_SINKHOLE]	= "sinkhole",
	[XDPDNS_CNT_TC]		= "tc",
	[XDPDNS_CNT_NO_ROOM]	= "no_room",
	[XDPDNS_CNT_NOT_DNS]	= "not_dns",
	[XDPDNS_CNT_FRAGMENT]	= "fragment",
	[XDPDNS_CNT_TRUNCATED]	= "truncated",
	[XDPDNS_CNT_MALFORMED]	= "malformed",
	[XDPDNS_CNT_NOT_QUERY]	= "not_query",
	[XDPDNS_CNT_BAD_NAME]	= "bad_name",
	[XDPDNS_CNT_TOO_LONG]	= "too_long",
	[XDPDNS_CNT_BAD_EDNS]	= "bad_edns",
};

const char *xdpdns_counter_name(__u32 counter)
{
	return counter < XDPDNS_CNT_COUNT ? counter_names[counter] : NULL;
}

int xdpdns_percpu_sum(int map_fd, __u32 key, __u64 *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;

	*sum = 0;
	if (bpf_map_lookup_elem(map_fd, &key, vals))
		err = -errno;
	for (int c = 0; !err && c < ncpu; c++)
		*sum += vals[c];
	free(vals);
	return err;
}
