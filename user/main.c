// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpdns: DNS policy at the NIC. This file reads the command line: global
 * options, then a command and its options, each command's help made from
 * its option table. docs/cli.md is the contract.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "store.h"
#include "xdpdns_abi.h"

static const struct cli_cmd *const commands[] = {
	&cli_attach, &cli_detach, &cli_block, &cli_allow, &cli_unblock,
	&cli_load, &cli_lookup, &cli_list, &cli_stats, &cli_top, &cli_run,
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

const char *cli_opt(const struct cli_args *args, const struct cli_cmd *cmd, const char *name)
{
	for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
		if (!strcmp(cmd->opts[i].name, name))
			return args->opt[i];
	return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("xdpdns: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'xdpdns %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: xdpdns [-v] [--pin-dir DIR] [--state-dir DIR] COMMAND [ARGS]\n\n"
		   "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %-8s %s\n", commands[i]->name, commands[i]->usage,
			commands[i]->summary);
	fprintf(f, "\noptions:\n"
		   "  --pin-dir DIR    pinned maps (default " XDPDNS_PIN_DIR
		   ", or $XDPDNS_PIN_DIR)\n"
		   "  --state-dir DIR  stored rules (default " XDPDNS_STATE_DIR
		   ", or $XDPDNS_STATE_DIR)\n"
		   "  -v               debug messages; -vv adds libbpf's and libxdp's\n"
		   "\n'xdpdns COMMAND --help' describes a command.\n");
}

static void print_cmd_help(const struct cli_cmd *cmd)
{
	printf("usage: xdpdns %s%s%s\n\n%s\n", cmd->name, *cmd->usage ? " " : "", cmd->usage,
	       cmd->summary);
	if (cmd->opts && cmd->opts[0].name)
		printf("\noptions:\n");
	for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s%s", cmd->opts[i].name,
			 cmd->opts[i].arg ? " " : "", cmd->opts[i].arg ? cmd->opts[i].arg : "");
		printf("  %-20s %s\n", left, cmd->opts[i].help);
	}
}

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Options and positional arguments of one command, in any order. */
static int parse_command(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *a)
{
	struct option longopts[CLI_OPTS_MAX + 2] = {};
	int n = 0, c;

	for (; cmd->opts && cmd->opts[n].name; n++)
		longopts[n] = (struct option){ cmd->opts[n].name,
					       cmd->opts[n].arg ? required_argument : no_argument,
					       NULL, n };
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };

	/* 0, not 1: glibc then forgets the "+" (stop at a name) of the globals. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			print_cmd_help(cmd);
			return -1;
		}
		if (c == '?' || c == ':')
			return cli_usage_error(cmd->name, "unknown option or missing value in '%s'",
					       argv[optind - 1]);
		a->opt[c] = cmd->opts[c].arg ? optarg : "";
	}
	a->pos = argv + optind;
	a->npos = argc - optind;
	if (a->npos < cmd->min_pos || (cmd->max_pos >= 0 && a->npos > cmd->max_pos))
		return cli_usage_error(cmd->name, "%s arguments: expected %s",
				       a->npos < cmd->min_pos ? "missing" : "too many", cmd->usage);
	return 0;
}

static const char *env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v && *v ? v : dflt;
}

/*
 * ldns allocates and frees buffers of 64 KiB for every RPZ record it reads.
 * With glibc's default trim threshold (128 KiB) each record's frees give the
 * heap's top back to the kernel and the next record takes it again: reading
 * the 12k-record CTI zone took 85 to 95 ms instead of 25. A process that
 * holds lists of millions can keep this much free heap; it is set once here
 * because it is the process's policy, not one parser's.
 */
#define HEAP_TRIM_THRESHOLD	(8 << 20)

int main(int argc, char **argv)
{
	static const struct option globals[] = {
		{ "pin-dir", required_argument, NULL, 'p' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	struct cli_args args = {
		.pin_dir = env_or("XDPDNS_PIN_DIR", XDPDNS_PIN_DIR),
		.state_dir = env_or("XDPDNS_STATE_DIR", XDPDNS_STATE_DIR),
	};
	const struct cli_cmd *cmd;
	int c, verbose = 0, err;

	mallopt(M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hv", globals, NULL)) != -1) {
		switch (c) {
		case 'p':
			args.pin_dir = optarg;
			break;
		case 's':
			args.state_dir = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			return cli_usage_error(NULL, "unknown option or missing value in '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[optind]);

	xdpdns_log_set_level(verbose > 1 ? XDPDNS_LOG_LIBS :
			     verbose ? XDPDNS_LOG_DEBUG : XDPDNS_LOG_INFO);
	xdpdns_log_hook_libs();
	err = parse_command(cmd, argc - optind, argv + optind, &args);
	if (err)
		return err < 0 ? EXIT_OK : err;
	return cmd->run(&args);
}
