// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conditional HTTP fetches of feed lists (fetch.h). The validators are kept
 * as the server sent them and sent back verbatim, as RFC 9110 asks: no date
 * is parsed or rewritten, so a server's own clock is the only one that
 * matters.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <curl/curl.h>

#include "fetch.h"
#include "log.h"

struct validators {
	char etag[256];
	char modified[64];
};

/* Copy the value of header `name` ("etag:") from one header line, if it is that header. */
static void header_value(const char *buf, size_t len, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(buf, name, n))
		return;
	buf += n;
	len -= n;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	while (len && (buf[len - 1] == '\r' || buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (len < size) {
		memcpy(out, buf, len);
		out[len] = 0;
	}
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct validators *v = arg;
	size_t len = size * n;

	/* A status line starts a response: those of redirects are forgotten. */
	if (len >= 5 && !strncmp(buf, "HTTP/", 5))
		memset(v, 0, sizeof(*v));
	header_value(buf, len, "etag:", v->etag, sizeof(v->etag));
	header_value(buf, len, "last-modified:", v->modified, sizeof(v->modified));
	return len;
}

/* The validators file: "etag VALUE" and "last-modified VALUE" lines. */
static void read_validators(const char *path, struct validators *v)
{
	char line[512];
	FILE *f = fopen(path, "re");

	memset(v, 0, sizeof(*v));
	while (f && fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n");

		header_value(line, len, "etag ", v->etag, sizeof(v->etag));
		header_value(line, len, "last-modified ", v->modified, sizeof(v->modified));
	}
	if (f)
		fclose(f);
}

static int write_validators(const char *path, const struct validators *v)
{
	char tmp[PATH_MAX];
	int err = 0;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		pr_err("cannot write '%s': %s\n", tmp, strerror(-err));
		return err;
	}
	if (*v->etag)
		fprintf(f, "etag %s\n", v->etag);
	if (*v->modified)
		fprintf(f, "last-modified %s\n", v->modified);
	if (fclose(f) || rename(tmp, path)) {
		err = -errno;
		pr_err("cannot write '%s': %s\n", path, strerror(-err));
		unlink(tmp);
	}
	return err;
}

static struct curl_slist *conditional_headers(const struct validators *v)
{
	struct curl_slist *list = NULL, *more;
	char line[320];

	if (*v->etag) {
		snprintf(line, sizeof(line), "If-None-Match: %s", v->etag);
		list = curl_slist_append(list, line);
	}
	if (*v->modified) {
		snprintf(line, sizeof(line), "If-Modified-Since: %s", v->modified);
		more = curl_slist_append(list, line);
		list = more ? more : list;
	}
	return list;
}

static CURL *make_request(const char *url, FILE *body, struct validators *got,
			  struct curl_slist *headers, char *errbuf)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)XDPDNS_FETCH_TIMEOUT_S);
	/* Without it a DNS timeout would raise SIGALRM in the daemon. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "xdpdns");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, got);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	return c;
}

/* Perform the request; the HTTP status, or -EIO reported. */
static long perform(CURL *c, const char *url, const char *errbuf)
{
	CURLcode rc = curl_easy_perform(c);
	long status = 0;

	if (rc != CURLE_OK) {
		pr_err("cannot fetch '%s': %s\n", url, *errbuf ? errbuf : curl_easy_strerror(rc));
		return -EIO;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 && status != 304) {
		pr_err("cannot fetch '%s': the server answered HTTP status %ld\n", url, status);
		return -EIO;
	}
	return status;
}

/* Make the transferred body, in tmp, the kept version. */
static int keep_body(const char *tmp, const char *body_path, const char *meta_path,
		     const struct validators *got)
{
	int err = 0;

	if (rename(tmp, body_path)) {
		err = -errno;
		pr_err("cannot write '%s': %s\n", body_path, strerror(-err));
		return err;
	}
	return write_validators(meta_path, got);
}

int xdpdns_fetch(const char *url, const char *body_path, const char *meta_path,
		 bool *changed)
{
	char tmp[PATH_MAX], errbuf[CURL_ERROR_SIZE] = "";
	struct validators sent = {}, got = {};
	struct curl_slist *headers;
	long status = -ENOMEM;
	FILE *body;
	CURL *c;

	*changed = false;
	if (!access(body_path, R_OK))
		read_validators(meta_path, &sent);
	snprintf(tmp, sizeof(tmp), "%s.part", body_path);
	body = fopen(tmp, "we");
	if (!body) {
		int err = -errno;

		pr_err("cannot write '%s': %s\n", tmp, strerror(-err));
		return err;
	}

	headers = conditional_headers(&sent);
	c = make_request(url, body, &got, headers, errbuf);
	if (c)
		status = perform(c, url, errbuf);
	else
		pr_err("cannot fetch '%s': libcurl cannot start a transfer\n", url);
	if ((fflush(body) || fsync(fileno(body))) && status == 200)
		status = -errno;
	fclose(body);
	if (status == 200)
		status = keep_body(tmp, body_path, meta_path, &got);
	*changed = status == 0;
	unlink(tmp);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return status < 0 ? status : 0;
}
