/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xdpdns command line: one table of commands, each with its own option
 * table from which its help is made (user/main.c), and the commands
 * themselves (user/cli_*.c). A command returns the exit status: 0, 1 for an
 * operational error, 2 for a usage error.
 */
#ifndef XDPDNS_CLI_H
#define XDPDNS_CLI_H

#include <stdbool.h>

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

#define CLI_OPTS_MAX	8

/* One option of a command. arg is the placeholder in help, NULL for a flag. */
struct cli_opt {
	const char *name;
	const char *arg;
	const char *help;
};

/* What the command line gave a command. */
struct cli_args {
	const char *pin_dir;
	const char *state_dir;
	const char *opt[CLI_OPTS_MAX];	/* by index in the command's table; NULL: absent */
	char **pos;			/* positional arguments */
	int npos;
};

struct cli_cmd {
	const char *name;
	const char *usage;		/* positional part, for help */
	const char *summary;
	int min_pos, max_pos;		/* max_pos -1: no limit */
	const struct cli_opt *opts;	/* ends with a NULL name */
	int (*run)(const struct cli_args *args);
};

/* The value of the command's option called name, or NULL. */
const char *cli_opt(const struct cli_args *args, const struct cli_cmd *cmd, const char *name);

/* Report a usage error for cmd and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const struct cli_cmd cli_attach, cli_detach, cli_stats, cli_top, cli_run;
extern const struct cli_cmd cli_block, cli_allow, cli_unblock, cli_load, cli_lookup, cli_list;

#endif /* XDPDNS_CLI_H */
