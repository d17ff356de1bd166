// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the commands share: compiling the stored rules into a generation and
 * making it live when the program is attached.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "log.h"
#include "ruleset.h"

size_t cli_state_rules(const struct xdpdns_state *st)
{
	size_t n = st->hand.nrules;

	for (size_t i = 0; i < st->nfeeds; i++)
		n += st->feeds[i].nrules;
	return n;
}

int cli_compile(const struct xdpdns_state *st, __u64 generation, struct xdpdns_gen **out)
{
	const struct xdpdns_feed **order = calloc(st->nfeeds + 1, sizeof(*order));
	struct xdpdns_ruleset *rs;
	size_t n, kept;
	int err;

	if (!order)
		return -ENOMEM;
	n = xdpdns_state_order(st, order);
	rs = xdpdns_ruleset_build(order, n);
	err = rs ? xdpdns_ruleset_compile(rs, generation, out, &kept) : -errno;
	xdpdns_ruleset_free(rs);
	free(order);
	if (err)
		pr_err("cannot build a policy generation: %s\n", strerror(-err));
	return err;
}

int cli_iface_index(const char *name)
{
	int ifindex = if_nametoindex(name);

	if (!ifindex)
		pr_err("no interface '%s' here (see 'ip link'; in a network namespace, run "
		       "xdpdns inside it)\n", name);
	return ifindex;
}

int cli_first_generation(const struct cli_args *a, const struct xdpdns_state *st,
			 struct xdpdns_gen **gen)
{
	struct xdpdns_pins pins;
	int err;

	*gen = NULL;
	err = xdpdns_pins_open(a->pin_dir, &pins);
	if (!err) {
		xdpdns_pins_close(&pins);
		return 0;
	}
	if (err != -ENOENT)
		return err;
	return cli_compile(st, 1, gen);
}

int cli_apply(const struct cli_args *a, const struct xdpdns_state *st)
{
	struct xdpdns_gen *live, *gen;
	struct xdpdns_pins pins;
	double start = xdpdns_now_ms();
	__u64 next;
	int err;

	err = xdpdns_pins_open(a->pin_dir, &pins);
	if (err == -ENOENT) {
		pr_info("stored in %s; not attached: live at the next 'xdpdns attach'\n",
			a->state_dir);
		return 0;
	}
	if (err)
		return err;

	live = xdpdns_pins_live(&pins);
	next = live ? xdpdns_gen_header(live)->generation + 1 : 1;
	xdpdns_gen_close(live);

	err = cli_compile(st, next, &gen);
	pr_debug("generation built in %.1f ms\n", xdpdns_now_ms() - start);
	if (err) {
		xdpdns_pins_close(&pins);
		return err;
	}

	err = xdpdns_pins_swap(&pins, gen);
	if (err)
		pr_err("cannot swap in the new generation: %s (the old one stays live)\n",
		       strerror(-err));
	else
		pr_info("generation %llu live: %u rules from %zu stored, in %.1f ms\n",
			(unsigned long long)next, xdpdns_gen_header(gen)->rules,
			cli_state_rules(st), xdpdns_now_ms() - start);
	xdpdns_gen_close(gen);
	xdpdns_pins_close(&pins);
	return err;
}
