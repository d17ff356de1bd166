/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The datapath's counters as userspace reads them: their names, and their
 * per-CPU values summed.
 */
#ifndef XDPDNS_STATS_H
#define XDPDNS_STATS_H

#include <linux/types.h>
#include "xdpdns_abi.h"

/* The name of a counter as users see it ("nxdomain"), or NULL. */
const char *xdpdns_counter_name(__u32 counter);

/*
 * Sum counter `key` of a per-CPU array map over all possible CPUs into
 * *sum. Returns 0 or -errno.
 */
int xdpdns_percpu_sum(int map_fd, __u32 key, __u64 *sum);

#endif /* XDPDNS_STATS_H */
