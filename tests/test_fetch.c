// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/fetch.c against a canned HTTP server on loopback (a
 * forked child answering each connection with the next response of a
 * list and keeping the requests it read): the validators stored and sent
 * back, 304 keeping the body, and failures that never replace it. No root
 * needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "fetch.h"

#define OK_V1	"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nETag: \"v1\"\r\n" \
		"Last-Modified: Tue, 01 Dec 2026 10:00:00 GMT\r\nConnection: close\r\n\r\na.test\n"
#define OK_V2	"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nETag: \"v2\"\r\n" \
		"Connection: close\r\n\r\nb.test\n"
#define NOT_MOD	"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n"
#define ERROR	"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n" \
		"Connection: close\r\n\r\noops\n"
#define CUT	"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nc.test\n"

struct fixture {
	char dir[64];
	char body[96], meta[96], url[64];
	pid_t server;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/xdpdns-fetch-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->body, sizeof(f->body), "%s/feed.body", f->dir);
	snprintf(f->meta, sizeof(f->meta), "%s/feed.meta", f->dir);
	f->server = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	if (f->server > 0) {
		kill(f->server, SIGTERM);
		waitpid(f->server, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

/* One request, up to its blank line, kept as DIR/request.N. */
static void take_request(int conn, const char *dir, size_t i)
{
	char req[4096], path[96];
	size_t len = 0;
	ssize_t n;
	FILE *out;

	while (len < sizeof(req) - 1 && (n = read(conn, req + len, sizeof(req) - 1 - len)) > 0) {
		len += n;
		req[len] = 0;
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	snprintf(path, sizeof(path), "%s/request.%zu", dir, i);
	out = fopen(path, "w");
	if (out) {
		fwrite(req, 1, len, out);
		fclose(out);
	}
}

static void serve(int lfd, const char *dir, const char *const *responses, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int conn = accept(lfd, NULL, NULL);

		if (conn < 0)
			_exit(1);
		take_request(conn, dir, i);
		if (write(conn, responses[i], strlen(responses[i])) < 0)
			_exit(1);
		close(conn);
	}
	_exit(0);
}

/* Start the server with its responses, one per connection; sets f->url. */
static void start_server(struct fixture *f, const char *const *responses, size_t n)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u/feed.txt", ntohs(addr.sin_port));

	f->server = fork();
	assert_true(f->server >= 0);
	if (!f->server)
		serve(lfd, f->dir, responses, n);
	close(lfd);
}

static char *read_file(const struct fixture *f, const char *name)
{
	static char text[4096];
	char path[128];
	size_t n = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	in = fopen(path, "r");
	text[0] = 0;
	if (in) {
		n = fread(text, 1, sizeof(text) - 1, in);
		fclose(in);
	}
	text[n] = 0;
	return in ? text : NULL;
}

static int fetch(struct fixture *f, bool *changed)
{
	return xdpdns_fetch(f->url, f->body, f->meta, changed);
}

static void test_first_fetch_keeps_body_and_validators(void **state)
{
	static const char *const responses[] = { OK_V1 };
	struct fixture *f = *state;
	bool changed;

	start_server(f, responses, 1);
	assert_int_equal(fetch(f, &changed), 0);
	assert_true(changed);
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
	assert_string_equal(read_file(f, "feed.meta"),
			    "etag \"v1\"\nlast-modified Tue, 01 Dec 2026 10:00:00 GMT\n");
	assert_null(strcasestr(read_file(f, "request.0"), "If-None-Match"));
	assert_null(strcasestr(read_file(f, "request.0"), "If-Modified-Since"));
	assert_null(read_file(f, "feed.body.part"));
}

/* Serve v1, then `second`: the second fetch's return; *changed is its. */
static int fetch_after_v1(struct fixture *f, const char *second, bool *changed)
{
	const char *const responses[] = { OK_V1, second };

	start_server(f, responses, 2);
	assert_int_equal(fetch(f, changed), 0);
	assert_true(*changed);
	return fetch(f, changed);
}

static void test_validators_sent_back_and_304_keeps_body(void **state)
{
	struct fixture *f = *state;
	bool changed;

	assert_int_equal(fetch_after_v1(f, NOT_MOD, &changed), 0);
	assert_false(changed);
	assert_non_null(strstr(read_file(f, "request.1"), "If-None-Match: \"v1\"\r\n"));
	assert_non_null(strstr(read_file(f, "request.1"),
			       "If-Modified-Since: Tue, 01 Dec 2026 10:00:00 GMT\r\n"));
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
}

static void test_new_version_replaces_body_and_validators(void **state)
{
	struct fixture *f = *state;
	bool changed;

	assert_int_equal(fetch_after_v1(f, OK_V2, &changed), 0);
	assert_true(changed);
	assert_string_equal(read_file(f, "feed.body"), "b.test\n");
	assert_string_equal(read_file(f, "feed.meta"), "etag \"v2\"\n");
}

static void test_server_error_keeps_body(void **state)
{
	struct fixture *f = *state;
	bool changed;

	assert_int_equal(fetch_after_v1(f, ERROR, &changed), -EIO);
	assert_false(changed);
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
	assert_non_null(strstr(read_file(f, "feed.meta"), "\"v1\""));
	assert_null(read_file(f, "feed.body.part"));
}

static void test_cut_transfer_keeps_body(void **state)
{
	struct fixture *f = *state;
	bool changed;

	assert_int_equal(fetch_after_v1(f, CUT, &changed), -EIO);
	assert_false(changed);
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
	assert_null(read_file(f, "feed.body.part"));
}

/* Validators without their body would make a 304 keep nothing. */
static void test_lost_body_is_fetched_whole(void **state)
{
	const char *const responses[] = { OK_V1, OK_V1 };
	struct fixture *f = *state;
	bool changed;

	start_server(f, responses, 2);
	assert_int_equal(fetch(f, &changed), 0);
	assert_int_equal(unlink(f->body), 0);
	assert_int_equal(fetch(f, &changed), 0);
	assert_true(changed);
	assert_null(strcasestr(read_file(f, "request.1"), "If-None-Match"));
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
}

static void test_unreachable_server(void **state)
{
	static const char *const responses[] = { OK_V1 };
	struct fixture *f = *state;
	bool changed;

	/* The server's port, once it has answered and closed: nothing listens. */
	start_server(f, responses, 1);
	assert_int_equal(fetch(f, &changed), 0);
	waitpid(f->server, NULL, 0);
	f->server = -1;
	assert_int_equal(fetch(f, &changed), -EIO);
	assert_string_equal(read_file(f, "feed.body"), "a.test\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_fetch_keeps_body_and_validators,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_validators_sent_back_and_304_keeps_body,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_version_replaces_body_and_validators,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_error_keeps_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_transfer_keeps_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_body_is_fetched_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_server, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
