// SPDX-License-Identifier: GPL-2.0-only
/* The datapath's per-CPU counters summed, as userspace reports them. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats.h"

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
