// SPDX-License-Identifier: GPL-2.0-only
/*
 * The block log (evlog.h): events formatted as JSON lines, and the daemon's
 * reader of the event ring that writes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include "evlog.h"
#include "log.h"
#include "names.h"

static const struct {
	__u16 type;
	const char *name;
} qtypes[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" }, { 13, "HINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" }, { 24, "SIG" },
	{ 25, "KEY" }, { 28, "AAAA" }, { 29, "LOC" }, { 33, "SRV" }, { 35, "NAPTR" },
	{ 36, "KX" }, { 37, "CERT" }, { 39, "DNAME" }, { 42, "APL" }, { 43, "DS" },
	{ 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" }, { 51, "NSEC3PARAM" },
	{ 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" }, { 59, "CDS" }, { 60, "CDNSKEY" },
	{ 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" },
	{ 65, "HTTPS" }, { 99, "SPF" }, { 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 256, "URI" },
	{ 257, "CAA" },
};

void xdpdns_qtype_name(__u16 qtype, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(qtypes) / sizeof(qtypes[0]); i++)
		if (qtypes[i].type == qtype) {
			snprintf(buf, size, "%s", qtypes[i].name);
			return;
		}
	snprintf(buf, size, "TYPE%u", qtype);
}

/* One label byte in presentation form at out; the bytes written. */
static int put_label_byte(__u8 c, char *out)
{
	if (c == '.' || c == '\\' || c == '"') {
		out[0] = '\\';
		out[1] = c;
		return 2;
	}
	if (c < '!' || c > '~')
		return sprintf(out, "\\%03u", c);
	out[0] = c;
	return 1;
}

int xdpdns_event_name(const __u8 *wire, size_t len, char *out, size_t size)
{
	size_t at = 0, n = 0;

	if (len == 1 && wire[0] == 0 && size >= 2) {
		strcpy(out, ".");
		return 1;
	}
	while (at < len && wire[at]) {
		__u8 lab = wire[at++];

		if (lab > 63 || at + lab >= len)
			return -1;
		if (n && n < size)
			out[n++] = '.';
		for (__u8 i = 0; i < lab; i++) {
			char piece[5];
			int k = put_label_byte(wire[at + i], piece);

			if (n + k >= size)
				return -1;
			memcpy(out + n, piece, k);
			n += k;
		}
		at += lab;
	}
	if (at >= len || n >= size)
		return -1;
	out[n] = 0;
	return n;
}

/*
 * text as a JSON string, quotes included, at out (of room bytes); returns
 * the bytes written or -1. Beyond the quote and the backslash, every byte
 * outside printable ASCII is written \u00XX, so no text can end the line
 * or reach a terminal raw.
 */
static int put_json_string(const char *text, char *out, size_t room)
{
	size_t n = 0;

	if (room < 3)
		return -1;
	out[n++] = '"';
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		char piece[7];
		int k;

		if (*c == '"' || *c == '\\')
			k = sprintf(piece, "\\%c", *c);
		else if (*c < 0x20 || *c > 0x7e)
			k = sprintf(piece, "\\u%04x", *c);
		else
			k = sprintf(piece, "%c", *c);
		if (n + k + 2 > room)
			return -1;
		memcpy(out + n, piece, k);
		n += k;
	}
	out[n++] = '"';
	out[n] = 0;
	return n;
}

/* "2026-12-04T09:30:00.123456Z" */
static void format_time(__u64 mono_ns, long long wall_ns, char *buf, size_t size)
{
	long long ns = (long long)mono_ns + wall_ns;
	time_t secs = ns / 1000000000LL;
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%06lldZ", ns % 1000000000LL / 1000);
}

static void format_client(const struct xdpdns_event *e, char *buf, size_t size)
{
	int af = e->family == XDPDNS_EVENT_IPV6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, e->client, buf, size))
		snprintf(buf, size, "?");
}

/* A number where a name is unknown: "#7", which no name can be. */
static const char *or_number(const char *name, unsigned v, char *buf, size_t size)
{
	if (name)
		return name;
	snprintf(buf, size, "#%u", v);
	return buf;
}

int xdpdns_event_format(const struct xdpdns_event *e, long long wall_ns, const char *feed,
			char *buf, size_t size)
{
	char name[XDPDNS_NAME_MAX * 4 + 1], when[40], client[INET6_ADDRSTRLEN], qtype[16];
	char action_num[8], feed_num[8];
	const char *fields[6][2] = {
		{ "time", when }, { "client", client }, { "name", name }, { "qtype", qtype },
		{ "action", or_number(xdpdns_action_name(e->action), e->action, action_num,
				      sizeof(action_num)) },
		{ "feed", or_number(feed, e->feed, feed_num, sizeof(feed_num)) },
	};
	size_t n = 0;

	if (xdpdns_event_name(e->name, e->name_len, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	format_time(e->time_ns, wall_ns, when, sizeof(when));
	format_client(e, client, sizeof(client));
	xdpdns_qtype_name(e->qtype, qtype, sizeof(qtype));

	for (int i = 0; i < 6; i++) {
		int k = snprintf(buf + n, size - n, "%s\"%s\":", i ? "," : "{", fields[i][0]);

		if (k < 0 || (size_t)k >= size - n)
			return -1;
		n += k;
		k = put_json_string(fields[i][1], buf + n, size - n);
		if (k < 0)
			return -1;
		n += k;
	}
	if (n + 3 > size)
		return -1;
	memcpy(buf + n, "}\n", 3);
	return n + 2;
}

struct xdpdns_evlog {
	struct ring_buffer *ring;
	int ring_fd;
	FILE *file;			/* NULL: no file */
	bool close_file;		/* not standard output */
	char *path;
	bool syslog;
	xdpdns_feed_name_fn feed_name;
	void *arg;
	long long wall_ns;		/* realtime less monotonic, for this drain */
	int written;
	bool failing;			/* the last write failed, and was reported */
};

static long long clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void write_failed(struct xdpdns_evlog *log, int err)
{
	if (!log->failing)
		pr_err("cannot write the event log '%s': %s (events are skipped until a write "
		       "works)\n", log->path, strerror(err));
	log->failing = true;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct xdpdns_evlog *log = ctx;
	const struct xdpdns_event *e = data;
	char line[XDPDNS_EVENT_LINE_MAX];
	int len;

	if (size < sizeof(*e))
		return 0;
	len = xdpdns_event_format(e, log->wall_ns, log->feed_name(log->arg, e->feed), line,
				  sizeof(line));
	if (len < 0)
		return 0;
	if (log->syslog)
		syslog(LOG_INFO, "%.*s", len - 1, line);
	if (log->file && fwrite(line, 1, len, log->file) != (size_t)len)
		write_failed(log, errno);
	log->written++;
	return 0;
}

static int open_file(struct xdpdns_evlog *log, const char *path)
{
	log->path = strdup(path);
	if (!log->path)
		return -ENOMEM;
	if (!strcmp(path, "-")) {
		log->file = stdout;
		return 0;
	}
	log->file = fopen(path, "ae");
	if (!log->file) {
		int err = -errno;

		pr_err("cannot open the event log '%s': %s (check events: file: in the config)\n",
		       path, strerror(-err));
		return err;
	}
	log->close_file = true;
	return 0;
}

struct xdpdns_evlog *xdpdns_evlog_open(const struct xdpdns_conf_events *conf, int ring_fd,
				       xdpdns_feed_name_fn feed_name, void *arg)
{
	struct xdpdns_evlog *log = calloc(1, sizeof(*log));
	int err = 0;

	if (!log)
		return NULL;
	log->feed_name = feed_name;
	log->arg = arg;
	log->ring_fd = fcntl(ring_fd, F_DUPFD_CLOEXEC, 0);
	if (log->ring_fd < 0)
		err = -errno;
	if (!err && conf->file)
		err = open_file(log, conf->file);
	if (!err) {
		log->ring = ring_buffer__new(log->ring_fd, on_event, log, NULL);
		if (!log->ring) {
			err = -errno;
			pr_err("cannot read the event ring: %s\n", strerror(-err));
		}
	}
	if (err) {
		xdpdns_evlog_close(log);
		errno = -err;
		return NULL;
	}
	log->syslog = conf->syslog;
	if (log->syslog)
		openlog("xdpdns", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return log;
}

int xdpdns_evlog_fd(const struct xdpdns_evlog *log)
{
	return log ? ring_buffer__epoll_fd(log->ring) : -1;
}

int xdpdns_evlog_drain(struct xdpdns_evlog *log)
{
	int err;

	if (!log || !log->ring)
		return 0;
	log->wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	log->written = 0;
	err = ring_buffer__consume(log->ring);
	if (err < 0)
		return err;
	if (log->file && fflush(log->file)) {
		write_failed(log, errno);
		return -EIO;
	}
	if (log->written)
		log->failing = false;
	return log->written;
}

void xdpdns_evlog_close(struct xdpdns_evlog *log)
{
	if (!log)
		return;
	xdpdns_evlog_drain(log);
	ring_buffer__free(log->ring);
	if (log->close_file)
		fclose(log->file);
	else if (log->file)
		fflush(log->file);
	if (log->syslog)
		closelog();
	if (log->ring_fd >= 0)
		close(log->ring_fd);
	free(log->path);
	free(log);
}
