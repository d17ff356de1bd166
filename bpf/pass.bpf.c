// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * An XDP program that passes every frame, for the client end of a veth
 * pair in the labs: a frame sent back with XDP_TX in native mode reaches
 * the peer only if the peer runs an XDP program of its own.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdpdns_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
