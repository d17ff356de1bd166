/* SPDX-License-Identifier: GPL-2.0-only */
/* What the commands share: compiling stored rules and making them live. */
#ifndef XDPDNS_CLI_COMMON_H
#define XDPDNS_CLI_COMMON_H

#include "cli.h"
#include "loader.h"
#include "store.h"

/* Stored rules of every feed, hand rules included. */
size_t cli_state_rules(const struct xdpdns_state *st);

/*
 * Compile every stored rule, in feed order, into generation number
 * `generation`. Returns 0 or -errno, reported.
 */
int cli_compile(const struct xdpdns_state *st, __u64 generation, struct xdpdns_gen **out);

/* The index of interface name, or 0 (reported). */
int cli_iface_index(const char *name);

/*
 * The stored rules as the first generation (*gen, the caller's to close)
 * when nothing is pinned under a->pin_dir yet; otherwise *gen is NULL.
 * Returns 0 or -errno.
 */
int cli_first_generation(const struct cli_args *a, const struct xdpdns_state *st,
			 struct xdpdns_gen **gen);

/*
 * Make the stored rules live: when the maps are pinned, compile a new
 * generation and swap it in, reporting the time taken; otherwise say that
 * the rules wait for the next attach. Returns 0 or -errno, reported.
 */
int cli_apply(const struct cli_args *a, const struct xdpdns_state *st);

#endif /* XDPDNS_CLI_COMMON_H */
