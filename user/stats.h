/* SPDX-License-Identifier: GPL-2.0-only */
/* The datapath's per-CPU counters summed, as userspace reports them. */
#ifndef XDPDNS_STATS_H
#define XDPDNS_STATS_H

#include <linux/types.h>
#include "xdpdns_abi.h"

/*
 * Sum counter `key` of a per-CPU array map over all possible CPUs into
 * *sum. Returns 0 or -errno.
 */
int xdpdns_percpu_sum(int map_fd, __u32 key, __u64 *sum);

#endif /* XDPDNS_STATS_H */
