/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A feed's list fetched over HTTP or HTTPS with libcurl into a file of the
 * state directory, conditionally: the validators of the version kept (its
 * ETag and Last-Modified) are sent back as If-None-Match and
 * If-Modified-Since, so an unchanged list costs a 304 and no body. A new
 * body replaces the kept file only when the whole transfer succeeded with a
 * 200, so the kept file is always the last good version, and a restart
 * without network still has it.
 */
#ifndef XDPDNS_FETCH_H
#define XDPDNS_FETCH_H

#include <stdbool.h>

#define XDPDNS_FETCH_TIMEOUT_S	30	/* a whole transfer, connection included */

/*
 * Fetch url. When body_path exists, the validators stored in meta_path are
 * sent with the request. On a 200 the body replaces body_path and its
 * validators replace meta_path (each written beside and renamed over), and
 * *changed is set; on a 304 nothing changes. Redirects are followed.
 * Returns 0; -EIO when the transfer failed or the server answered another
 * status (reported, naming the URL); or -errno when a file cannot be
 * written (reported). libcurl is initialised on first use: call from one
 * thread only.
 */
int xdpdns_fetch(const char *url, const char *body_path, const char *meta_path,
		 bool *changed);

#endif /* XDPDNS_FETCH_H */
