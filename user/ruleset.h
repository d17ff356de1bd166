/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules of every feed, indexed by owner name, and compiled into one
 * generation that the datapath can read with its single lookup order.
 *
 * Across feeds the feed order decides: the first feed with any rule that
 * matches a name wins, even with a wider rule than a later feed's (the order
 * of RPZ policy zones). Within a feed the most specific rule wins. The
 * datapath knows only the second rule: it takes the exact rule of the name,
 * else the below-rule of the closest ancestor. So the compiler keeps a rule
 * only where it decides: a rule of a later feed under an owner that an
 * earlier feed covers is left out, and the datapath then reaches the
 * earlier feed's rule further up, as it must.
 *
 * Why that is exact: a name falls in the "cell" of the deepest rule owner
 * (of any feed) that covers it. All names of one cell are matched by the
 * same rules of every feed: the cell's own rules and the below-rules of the
 * owner's ancestors. If the first feed among those has its rule at the
 * owner, the cell's rule is written; otherwise the winner sits at an
 * ancestor, which is itself a cell with the same winner (its candidates are
 * the same, less the owner's own rules).
 */
#ifndef XDPDNS_RULESET_H
#define XDPDNS_RULESET_H

#include <stddef.h>
#include "policy.h"
#include "store.h"

struct xdpdns_ruleset;

/*
 * Index the rules of feeds[0..n-1], asked in that order. The feeds must
 * outlive the ruleset and stay unchanged. Within a feed a later rule for an
 * owner replaces an earlier one, kind by kind. Returns NULL with errno set.
 */
struct xdpdns_ruleset *xdpdns_ruleset_build(const struct xdpdns_feed *const *feeds, size_t n);

void xdpdns_ruleset_free(struct xdpdns_ruleset *rs);

/*
 * Build generation number `generation` holding the deciding rules, all in
 * policy set 0. *kept gets their count. Each distinct (addresses, EDE) of
 * the deciding sinkhole rules gets an entry of the generation's sinkhole
 * table, in compile order; a sinkhole rule that finds all
 * XDPDNS_SINKHOLES_MAX taken becomes an allow rule of its feed (the
 * resolver decides the name, and no later feed's wider rule does), and
 * one warning names how many and the first. Returns 0 or -errno.
 */
int xdpdns_ruleset_compile(const struct xdpdns_ruleset *rs, __u64 generation,
			   struct xdpdns_gen **out, size_t *kept);

/* One feed's most specific rule for a name. */
struct xdpdns_explain {
	const struct xdpdns_feed *feed;
	const struct xdpdns_srule *rule;
};

/*
 * The rule of each feed that matches qname, in feed order: out[0] decides,
 * the rest lose. Returns how many feeds match (at most max are written).
 */
size_t xdpdns_ruleset_explain(const struct xdpdns_ruleset *rs, const struct xdpdns_name *qname,
			      struct xdpdns_explain *out, size_t max);

#endif /* XDPDNS_RULESET_H */
