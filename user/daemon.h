/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the daemon (`xdpdns run`, user/cli_run.c) knows of each configured
 * feed while it runs: where its versions come from, when it is due, and
 * how its versions fared. The counters only grow while the daemon runs
 * and survive a config reload for a feed that keeps its name; they are
 * what its log reports and what a metrics endpoint exports.
 */
#ifndef XDPDNS_DAEMON_H
#define XDPDNS_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "config.h"

struct xdpdns_feed_health {
	unsigned long long fetch_errors;	/* a URL not fetched, a file not readable */
	unsigned long long parse_errors;	/* a version that could not be read into rules */
	unsigned long long refused;		/* versions refused by the max_shrink valve */
	unsigned long long bad_lines;		/* bad lines skipped, over every version */
	unsigned long long versions;		/* versions taken */
	unsigned long long not_modified;	/* fetches answered 304 */
	size_t rules;				/* stored rules after the last rebuild */
	time_t last_taken;			/* wall clock of the last version; 0: none */
};

struct xdpdns_run_feed {
	const struct xdpdns_conf_feed *conf;	/* into the running config */
	char *path;		/* the file read: the source, or a URL's kept body */
	char *meta;		/* a URL's validators (fetch.h); NULL for a file */
	int wd;			/* inotify watch of the file's directory; -1: none */
	double next_fetch_ms;	/* a URL's next fetch, on the monotonic clock */
	bool pending;		/* to be read at the next rebuild */
	struct xdpdns_feed_health health;
};

#endif /* XDPDNS_DAEMON_H */
