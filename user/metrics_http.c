// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's metrics endpoint (metrics_http.h).
 *
 * libmicrohttpd runs without a thread of its own, in its external mode with
 * epoll: its one epoll descriptor joins the daemon's poll() beside the
 * signalfd and inotify, and MHD_run() serves whatever is ready, never
 * blocking. So a scrape is answered in the daemon's thread, between two
 * events, and reads the feed health and the pinned maps with no lock and no
 * copy; rendering is a few dozen map reads, well under a millisecond. MHD's
 * internal thread would need a snapshot kept up to date and guarded for it.
 * A slow or idle client cannot stall the loop: sockets are non-blocking,
 * and connections are bounded in number and time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "metrics_http.h"

#define METRICS_PATH		"/metrics"
#define CONTENT_TYPE		"text/plain; version=0.0.4"
#define CONNECTIONS_MAX		16
#define CONNECTION_TIMEOUT_S	10
#define BACKLOG			16

struct xdpdns_http {
	struct MHD_Daemon *mhd;
	xdpdns_render_fn render;
	void *arg;
};

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status,
			      char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned int status,
				   const char *text)
{
	char *body = strdup(text);

	return body ? answer(conn, status, body, strlen(body)) : MHD_NO;
}

static enum MHD_Result answer_metrics(struct xdpdns_http *http, struct MHD_Connection *conn)
{
	char *body = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&body, &len);
	int err;

	if (!out)
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	err = http->render(http->arg, out);
	if (fclose(out) && !err)
		err = -ENOMEM;
	if (err) {
		free(body);
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "cannot read the metrics: see the daemon's log\n");
	}
	return answer(conn, MHD_HTTP_OK, body, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "only GET " METRICS_PATH "\n");
	if (strcmp(url, METRICS_PATH))
		return answer_text(conn, MHD_HTTP_NOT_FOUND,
				   "not found: the metrics are at " METRICS_PATH "\n");
	return answer_metrics(cls, conn);
}

/* Our own socket, so that a failure to listen comes with its errno. */
static int listen_on(const struct xdpdns_conf_metrics *conf)
{
	int fd = socket(conf->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&conf->addr, conf->addr_len) ||
	    listen(fd, BACKLOG)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

struct xdpdns_http *xdpdns_http_start(const struct xdpdns_conf_metrics *conf,
				      xdpdns_render_fn render, void *arg)
{
	struct xdpdns_http *http = calloc(1, sizeof(*http));
	int fd;

	if (!http)
		return NULL;
	fd = listen_on(conf);
	if (fd < 0) {
		free(http);
		errno = -fd;
		return NULL;
	}

	http->render = render;
	http->arg = arg;
	http->mhd = MHD_start_daemon(MHD_USE_EPOLL | (conf->addr.ss_family == AF_INET6 ?
						      MHD_USE_IPv6 : 0),
				     0, NULL, NULL, on_request, http,
				     MHD_OPTION_LISTEN_SOCKET, fd,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTIONS_MAX,
				     MHD_OPTION_CONNECTION_TIMEOUT,
				     (unsigned int)CONNECTION_TIMEOUT_S,
				     MHD_OPTION_END);
	if (!http->mhd) {
		close(fd);
		free(http);
		errno = EIO;
		return NULL;
	}
	return http;
}

int xdpdns_http_fd(const struct xdpdns_http *http)
{
	const union MHD_DaemonInfo *info;

	if (!http)
		return -1;
	info = MHD_get_daemon_info(http->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

int xdpdns_http_timeout(const struct xdpdns_http *http)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (!http || MHD_get_timeout(http->mhd, &ms) != MHD_YES)
		return -1;
	return ms > 3600000 ? 3600000 : (int)ms;
}

void xdpdns_http_run(struct xdpdns_http *http)
{
	if (http)
		MHD_run(http->mhd);
}

void xdpdns_http_stop(struct xdpdns_http *http)
{
	if (!http)
		return;
	MHD_stop_daemon(http->mhd);
	free(http);
}
