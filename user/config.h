/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's config file (docs/config.md): YAML, read with libyaml into
 * the interfaces to attach, the pin and state directories, and the feeds in
 * their order. Every value is checked here, so a config that loads is one
 * the daemon can run; an error names the file, the line and the key.
 */
#ifndef XDPDNS_CONFIG_H
#define XDPDNS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <xdp/libxdp.h>
#include "feeds.h"
#include "store.h"

#define XDPDNS_REFRESH_DEFAULT_S	3600.0	/* a URL is fetched hourly */
#define XDPDNS_REFRESH_MIN_S		0.1
#define XDPDNS_IFNAME_MAX		15	/* IFNAMSIZ less the NUL */
/* The metrics endpoint: loopback only unless configured; 9853 for DNS on 53. */
#define XDPDNS_METRICS_LISTEN_DEFAULT	"127.0.0.1:9853"
/* Events per second per CPU written to the block log, and its burst. */
#define XDPDNS_EVENT_RATE_DEFAULT	1000

struct xdpdns_conf_iface {
	char name[XDPDNS_IFNAME_MAX + 1];
	enum xdp_attach_mode mode;	/* XDP_MODE_NATIVE (default) or XDP_MODE_SKB */
	unsigned long line;		/* where it is declared, for messages */
};

struct xdpdns_conf_feed {
	char name[XDPDNS_FEED_NAME_MAX + 1];
	char *source;			/* an absolute path, or an http(s) URL */
	bool is_url;
	enum xdpdns_format format;	/* XDPDNS_FMT_AUTO by default */
	__u8 action;			/* nxdomain by default */
	__u8 ede;			/* 0: the datapath's default, 15 Blocked */
	__u8 kind;			/* XDPDNS_KIND_* of a plain name; subtree by default */
	double refresh_s;		/* between two fetches of a URL */
	double max_shrink;		/* as xdpdns_load_spec's; 0.5 by default */
	unsigned long line;
};

/* Where the daemon serves /metrics (docs/metrics.md). */
struct xdpdns_conf_metrics {
	bool off;			/* metrics: off */
	char listen[64];		/* ADDR:PORT as given, or the default */
	struct sockaddr_storage addr;	/* listen, parsed */
	socklen_t addr_len;
};

/* The block log (docs/config.md, events): off unless the key is given. */
struct xdpdns_conf_events {
	bool on;			/* the events key was given */
	char *file;			/* "-": standard output; NULL: no file */
	bool syslog;			/* each line to syslog too */
	__u32 rate;			/* events per second per CPU, and the burst */
	unsigned long line;		/* where the key is, for messages */
};

struct xdpdns_conf {
	char *path;			/* the file it was read from */
	char *pin_dir;			/* NULL when not set */
	char *state_dir;		/* NULL when not set */
	struct xdpdns_conf_iface *ifaces;
	size_t nifaces;
	struct xdpdns_conf_feed *feeds;	/* in the config's order */
	size_t nfeeds;
	bool allow_listed;		/* allow_feeds: listed (default first) */
	struct xdpdns_conf_metrics metrics;
	struct xdpdns_conf_events events;
};

/*
 * Read the config file at path into conf (owned by the caller, freed with
 * xdpdns_conf_free). A relative feed path is taken from the config file's
 * directory. Nothing is printed: on failure why (of size bytes) says what
 * is wrong, as "FILE:LINE: KEY: reason" for a bad config (-EINVAL) or
 * "cannot read 'FILE': reason" (-errno). conf is left empty on failure.
 */
int xdpdns_conf_load(const char *path, struct xdpdns_conf *conf, char *why, size_t size);

void xdpdns_conf_free(struct xdpdns_conf *conf);

/* The config feed called name, or NULL. */
const struct xdpdns_conf_feed *xdpdns_conf_feed(const struct xdpdns_conf *conf,
						const char *name);

#endif /* XDPDNS_CONFIG_H */
