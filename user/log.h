/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages users see, on standard error: "xdpdns: error: ..." for what
 * failed, "xdpdns: warning: ..." for what was skipped, plain lines for
 * progress, and debug lines only with -v. libbpf's and libxdp's own
 * messages are shown one level below ours: only with -vv.
 */
#ifndef XDPDNS_LOG_H
#define XDPDNS_LOG_H

enum xdpdns_log_level {
	XDPDNS_LOG_ERR,
	XDPDNS_LOG_WARN,
	XDPDNS_LOG_INFO,
	XDPDNS_LOG_DEBUG,
	XDPDNS_LOG_LIBS,	/* libbpf and libxdp debug output too */
};

/* Show messages up to level (XDPDNS_LOG_INFO by default). */
void xdpdns_log_set_level(enum xdpdns_log_level level);

/* Route libbpf's and libxdp's messages through the logger. */
void xdpdns_log_hook_libs(void);

void xdpdns_log(enum xdpdns_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Milliseconds on the monotonic clock, for the timings messages report. */
double xdpdns_now_ms(void);

#define pr_err(...)	xdpdns_log(XDPDNS_LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	xdpdns_log(XDPDNS_LOG_WARN, __VA_ARGS__)
#define pr_info(...)	xdpdns_log(XDPDNS_LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	xdpdns_log(XDPDNS_LOG_DEBUG, __VA_ARGS__)

#endif /* XDPDNS_LOG_H */
