/* SPDX-License-Identifier: GPL-2.0-only */
/* What the commands share: compiling stored rules and making them live. */
#ifndef XDPDNS_CLI_COMMON_H
#define XDPDNS_CLI_COMMON_H

#include "cli.h"
#include "loader.h"
#include "store.h"

/* Milliseconds on the monotonic clock. */
double cli_now_ms(void);

/* Stored rules of every feed, hand rules included. */
size_t cli_state_rules(const struct xdpdns_state *st);

/*
 * Compile every stored rule, in feed order, into generation number
 * `generation`. Returns 0 or -errno, reported.
 */
int cli_compile(const struct xdpdns_state *st, __u64 generation, struct xdpdns_gen **out);

/*
 * Make the stored rules live: when the maps are pinned, compile a new
 * generation and swap it in, reporting the time taken; otherwise say that
 * the rules wait for the next attach. Returns 0 or -errno, reported.
 */
int cli_apply(const struct cli_args *a, const struct xdpdns_state *st);

#endif /* XDPDNS_CLI_COMMON_H */
