/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metrics in the Prometheus text exposition format, version 0.0.4
 * (docs/metrics.md): one snapshot of the pinned maps, the stored feeds and,
 * in the daemon, each configured feed's health, rendered by one function
 * for both `xdpdns stats --prometheus` and the daemon's /metrics. The
 * per-CPU counters are summed when the snapshot is read, so the datapath
 * pays nothing for a scrape.
 */
#ifndef XDPDNS_METRICS_H
#define XDPDNS_METRICS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include <net/if.h>
#include "daemon.h"
#include "loader.h"
#include "store.h"

/* A stored feed: the hand rules or a loaded one. */
struct xdpdns_metrics_feed {
	char name[XDPDNS_FEED_NAME_MAX + 1];
	__u16 id;			/* key of its hit counter */
	size_t rules;			/* stored rules */
	__u64 hits;			/* summed over CPUs */
};

/* A configured feed of the daemon and how its versions fared. */
struct xdpdns_metrics_health {
	const char *feed;
	const struct xdpdns_feed_health *health;
};

/* An interface the program is attached to. */
struct xdpdns_metrics_iface {
	char name[IF_NAMESIZE];
	const char *mode;		/* "native", "skb", "hw" */
};

struct xdpdns_metrics {
	bool datapath;			/* the pinned maps were read */
	__u64 counter[XDPDNS_CNT_COUNT];
	__u64 generation;		/* of the live generation */
	__u32 rules;			/* its occupied slots */
	__u64 swap_time;		/* when it was swapped in; 0: not recorded */
	struct xdpdns_metrics_feed *feeds;	/* in the order they are asked */
	size_t nfeeds;
	struct xdpdns_metrics_iface *ifaces;
	size_t nifaces;
	bool daemon;			/* render the feed health families */
	const struct xdpdns_metrics_health *health;	/* the caller's */
	size_t nhealth;
};

/*
 * Set m's feeds to the stored feeds of st in the order they are asked, their
 * hits zero. Returns 0 or -ENOMEM (m's feeds left as they were).
 */
int xdpdns_metrics_set_feeds(struct xdpdns_metrics *m, const struct xdpdns_state *st);

/*
 * Read the datapath into m: every counter and the hits of m's feeds summed
 * over CPUs, the live generation's number, rules and swap time, and the
 * interfaces of this network namespace the program is attached to. Sets
 * m->datapath. Returns 0 or -errno.
 */
int xdpdns_metrics_read(const struct xdpdns_pins *pins, struct xdpdns_metrics *m);

/*
 * Write m to out in the text format: the datapath families when
 * m->datapath, the feed health families when m->daemon. Returns 0 or -EIO
 * when out could not be written.
 */
int xdpdns_metrics_render(const struct xdpdns_metrics *m, FILE *out);

/* Free what m owns (its feeds and interfaces); m can be filled again. */
void xdpdns_metrics_free(struct xdpdns_metrics *m);

#endif /* XDPDNS_METRICS_H */
