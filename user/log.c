// SPDX-License-Identifier: GPL-2.0-only
/* The logger behind pr_err() and friends; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static enum xdpdns_log_level log_level = XDPDNS_LOG_INFO;

void xdpdns_log_set_level(enum xdpdns_log_level level)
{
	log_level = level;
}

static void log_v(enum xdpdns_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {
		[XDPDNS_LOG_ERR] = "xdpdns: error: ",
		[XDPDNS_LOG_WARN] = "xdpdns: warning: ",
		[XDPDNS_LOG_INFO] = "",
		[XDPDNS_LOG_DEBUG] = "xdpdns: debug: ",
		[XDPDNS_LOG_LIBS] = "",
	};

	if (level > log_level)
		return;
	fputs(prefix[level], stderr);
	vfprintf(stderr, fmt, ap);
}

void xdpdns_log(enum xdpdns_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

/*
 * The libraries' warnings are about attempts they retry or fall back from
 * (a kernel without multi-program support, say); the caller reports what
 * finally failed. So all of their output waits for -vv.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	log_v(XDPDNS_LOG_LIBS, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	log_v(XDPDNS_LOG_LIBS, fmt, ap);
	return 0;
}

void xdpdns_log_hook_libs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

double xdpdns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
