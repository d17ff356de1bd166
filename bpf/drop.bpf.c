// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The floor of the datapath benchmarks: an XDP program that drops every
 * frame and does nothing else, measured in the same run as xdpdns.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdpdns_floor(struct xdp_md *ctx)
{
	return XDP_DROP;
}
