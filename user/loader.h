/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The program on interfaces, and its pinned maps. The maps are created (or
 * found) and pinned under the pin directory before the program is loaded, so
 * every interface shares one policy and one set of counters, every command
 * can reach them, and the policy is live before the program sees a packet.
 * The program is attached through libxdp, so that other XDP programs can
 * share the interface through its dispatcher.
 */
#ifndef XDPDNS_LOADER_H
#define XDPDNS_LOADER_H

#include <stdbool.h>
#include <xdp/libxdp.h>
#include "policy.h"

/* The pinned maps, as file descriptors; -1 where not open. */
struct xdpdns_pins {
	int policy;
	int depths;
	int stats;
	int feedhits;
	int config;
	int events;		/* the event ring */
};

/*
 * Open the pinned maps under dir and check that their layout is this
 * build's. Returns 0; -ENOENT when nothing is pinned there (not attached);
 * -EPROTO when a map has another layout (reported); other -errno.
 */
int xdpdns_pins_open(const char *dir, struct xdpdns_pins *pins);

void xdpdns_pins_close(struct xdpdns_pins *pins);

/* The live generation behind pins->policy, opened for reading and editing. */
struct xdpdns_gen *xdpdns_pins_live(const struct xdpdns_pins *pins);

/*
 * Make gen the live generation: its depth masks, then the swap, which
 * returns once no program run can still see the old generation. The old
 * generation is freed by the kernel when the last reference (the outer map)
 * lets it go. Returns 0 or -errno.
 */
int xdpdns_pins_swap(const struct xdpdns_pins *pins, struct xdpdns_gen *gen);

/*
 * Load the program and attach it to ifindex in mode. When nothing is pinned
 * under pin_dir yet, the maps are created with first_gen as the live
 * generation and the default config, then pinned (*created is set). Errors
 * are reported; returns 0 or -errno.
 */
int xdpdns_attach(const char *pin_dir, int ifindex, const char *ifname,
		  enum xdp_attach_mode mode, struct xdpdns_gen *first_gen, bool *created);

/* Is the program attached to ifindex? Fills *mode if so. */
bool xdpdns_is_attached(int ifindex, enum xdp_attach_mode *mode);

/*
 * Detach the program from ifindex. When no program uses the pinned maps
 * any more, the pins are removed (*last is set). Returns 0, -ENOENT when the
 * program is not attached there, or -errno; reported.
 */
int xdpdns_detach(const char *pin_dir, int ifindex, const char *ifname, bool *last);

#endif /* XDPDNS_LOADER_H */
