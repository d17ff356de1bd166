/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's metrics endpoint: GET /metrics over HTTP, served with
 * libmicrohttpd from the daemon's own poll() loop (metrics_http.c says why).
 */
#ifndef XDPDNS_METRICS_HTTP_H
#define XDPDNS_METRICS_HTTP_H

#include <stdio.h>
#include "config.h"

/* Write the body of one scrape to out; 0 or -errno. */
typedef int (*xdpdns_render_fn)(void *arg, FILE *out);

struct xdpdns_http;

/*
 * Listen on conf's address. Every GET of /metrics is answered with what
 * render(arg) writes, as text/plain; version=0.0.4. Returns the server, or
 * NULL with errno set (EADDRINUSE, EACCES...), unreported.
 */
struct xdpdns_http *xdpdns_http_start(const struct xdpdns_conf_metrics *conf,
				      xdpdns_render_fn render, void *arg);

/* The descriptor to poll for POLLIN; -1 when none. */
int xdpdns_http_fd(const struct xdpdns_http *http);

/* The longest poll() may wait before xdpdns_http_run is due, in ms; -1: no limit. */
int xdpdns_http_timeout(const struct xdpdns_http *http);

/* Serve what is ready without blocking: call it after every poll(). */
void xdpdns_http_run(struct xdpdns_http *http);

/* Close the listening socket and every connection; NULL is fine. */
void xdpdns_http_stop(struct xdpdns_http *http);

#endif /* XDPDNS_METRICS_HTTP_H */
