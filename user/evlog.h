/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The block log: the datapath's events (struct xdpdns_event, read from the
 * ring xdpdns_events) written by the daemon as one JSON object a line, to a
 * file, standard output and/or syslog (docs/config.md, events):
 *
 *   {"time":"2026-12-04T09:30:00.123456Z","client":"198.18.0.2",
 *    "name":"www.ads.test","qtype":"A","action":"nxdomain","feed":"hand"}
 *
 * A name is written in DNS presentation form (RFC 1035 5.1) and then as a
 * JSON string, so a line holds printable ASCII only, whatever the query's
 * bytes were: a label byte outside '!' to '~' becomes \DDD, and '.', '\'
 * and '"' inside a label become \. \\ and \" before JSON doubles the
 * backslashes.
 */
#ifndef XDPDNS_EVLOG_H
#define XDPDNS_EVLOG_H

#include <stddef.h>
#include <linux/types.h>
#include "config.h"

/* A formatted line fits this, its newline and NUL included. */
#define XDPDNS_EVENT_LINE_MAX	2048

/*
 * The presentation form of a wire name of len bytes, without the final dot
 * ("." for the root), into out of size bytes. Returns its length, or -1
 * when the name is malformed or does not fit.
 */
int xdpdns_event_name(const __u8 *wire, size_t len, char *out, size_t size);

/* "A", "AAAA", ... for the common types, else "TYPE" and the number (RFC 3597). */
void xdpdns_qtype_name(__u16 qtype, char *buf, size_t size);

/*
 * The JSON line of e, with its newline, into buf of size bytes (at least
 * XDPDNS_EVENT_LINE_MAX). wall_ns is CLOCK_REALTIME less CLOCK_MONOTONIC, to
 * turn the event's monotonic stamp into UTC; feed is the feed's name.
 * Returns the line's length, or -1.
 */
int xdpdns_event_format(const struct xdpdns_event *e, long long wall_ns, const char *feed,
			char *buf, size_t size);

/* The name of the feed with this id, or NULL; arg is the caller's. */
typedef const char *(*xdpdns_feed_name_fn)(void *arg, __u16 feed);

struct xdpdns_evlog;

/*
 * Start the block log of conf (conf->on) reading the ring ring_fd (kept
 * open, as a duplicate, until xdpdns_evlog_close): open conf->file for
 * appending and syslog when asked. feed_name maps feed ids to names.
 * Errors are reported; returns NULL with errno set.
 */
struct xdpdns_evlog *xdpdns_evlog_open(const struct xdpdns_conf_events *conf, int ring_fd,
				       xdpdns_feed_name_fn feed_name, void *arg);

/* The descriptor to poll for events; -1 for a NULL log. */
int xdpdns_evlog_fd(const struct xdpdns_evlog *log);

/*
 * Write every event waiting in the ring and flush the file. Returns the
 * number written, or -errno (a write error is reported once, until a
 * write works again).
 */
int xdpdns_evlog_drain(struct xdpdns_evlog *log);

/* Drain, then close the file, syslog and the ring. NULL is a no-op. */
void xdpdns_evlog_close(struct xdpdns_evlog *log);

#endif /* XDPDNS_EVLOG_H */
