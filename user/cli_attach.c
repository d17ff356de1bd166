// SPDX-License-Identifier: GPL-2.0-only
/*
 * The commands that put the program on interfaces and read its counters:
 * attach, detach, stats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "log.h"
#include "metrics.h"
#include "names.h"

static int parse_mode(const char *text, enum xdp_attach_mode *mode)
{
	if (!text || !strcmp(text, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(text, "skb"))
		*mode = XDP_MODE_SKB;
	else
		return cli_usage_error("attach", "unknown mode '%s': native or skb", text);
	return 0;
}

static int run_attach(const struct cli_args *a)
{
	const char *ifname = a->pos[0];
	enum xdp_attach_mode mode = XDP_MODE_NATIVE;
	struct xdpdns_state st;
	struct xdpdns_gen *gen;
	double start;
	bool created;
	int ifindex, err;

	if (parse_mode(cli_opt(a, &cli_attach, "mode"), &mode))
		return EXIT_USAGE;
	ifindex = cli_iface_index(ifname);
	if (!ifindex || xdpdns_state_open(&st, a->state_dir, true))
		return EXIT_FAIL;

	start = xdpdns_now_ms();
	err = cli_first_generation(a, &st, &gen);
	if (!err)
		err = xdpdns_attach(a->pin_dir, ifindex, ifname, mode, gen, &created);
	if (!err && created)
		pr_info("attached to %s (%s mode) in %.1f ms: %u rules of %zu feeds live, "
			"maps pinned under %s\n", ifname, mode == XDP_MODE_SKB ? "skb" : "native",
			xdpdns_now_ms() - start, gen ? xdpdns_gen_header(gen)->rules : 0,
			st.nfeeds + 1, a->pin_dir);
	else if (!err)
		pr_info("attached to %s (%s mode), sharing the live policy pinned under %s\n",
			ifname, mode == XDP_MODE_SKB ? "skb" : "native", a->pin_dir);
	xdpdns_gen_close(gen);
	xdpdns_state_close(&st);
	return err ? EXIT_FAIL : EXIT_OK;
}

static int run_detach(const struct cli_args *a)
{
	const char *ifname = a->pos[0];
	struct xdpdns_state st;
	int ifindex, err;
	bool last;

	ifindex = cli_iface_index(ifname);
	if (!ifindex || xdpdns_state_open(&st, a->state_dir, true))
		return EXIT_FAIL;
	err = xdpdns_detach(a->pin_dir, ifindex, ifname, &last);
	if (!err)
		pr_info("detached from %s%s\n", ifname,
			last ? "; no interface left: maps unpinned, rules kept" : "");
	xdpdns_state_close(&st);
	return err ? EXIT_FAIL : EXIT_OK;
}

static void print_text(const struct xdpdns_metrics *m)
{
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++)
		printf("%s %llu\n", xdpdns_counter_name(k), (unsigned long long)m->counter[k]);
	for (size_t i = 0; i < m->nfeeds; i++)
		printf("feed %s %llu\n", m->feeds[i].name, (unsigned long long)m->feeds[i].hits);
	printf("generation %llu\nrules %u\n", (unsigned long long)m->generation, m->rules);
}

/* Feed names are [a-z0-9._-] (store.h), so they need no JSON escapes. */
static void print_json(const struct xdpdns_metrics *m)
{
	printf("{\"counters\": {");
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++)
		printf("%s\"%s\": %llu", k ? ", " : "", xdpdns_counter_name(k),
		       (unsigned long long)m->counter[k]);
	printf("}, \"feeds\": {");
	for (size_t i = 0; i < m->nfeeds; i++)
		printf("%s\"%s\": %llu", i ? ", " : "", m->feeds[i].name,
		       (unsigned long long)m->feeds[i].hits);
	printf("}, \"generation\": %llu, \"rules\": %u}\n", (unsigned long long)m->generation,
	       m->rules);
}

/* Every format prints the same reading: counters, feed hits, the generation. */
static int print_stats(const struct xdpdns_pins *pins, const struct xdpdns_state *st,
		       bool json, bool prom)
{
	struct xdpdns_metrics m = {};
	int err;

	err = xdpdns_metrics_set_feeds(&m, st);
	if (!err)
		err = xdpdns_metrics_read(pins, &m);
	if (err) {
		pr_err("cannot read the counters: %s\n", strerror(-err));
		xdpdns_metrics_free(&m);
		return err;
	}

	if (prom) {
		err = xdpdns_metrics_render(&m, stdout);
		if (err)
			pr_err("cannot write the metrics to standard output: %s\n", strerror(-err));
	} else if (json) {
		print_json(&m);
	} else {
		print_text(&m);
	}
	xdpdns_metrics_free(&m);
	return err;
}

static int run_stats(const struct cli_args *a)
{
	bool json = cli_opt(a, &cli_stats, "json"), prom = cli_opt(a, &cli_stats, "prometheus");
	struct xdpdns_pins pins;
	struct xdpdns_state st;
	int err;

	if (json && prom)
		return cli_usage_error("stats", "--json and --prometheus are two formats: "
				       "choose one");
	err = xdpdns_pins_open(a->pin_dir, &pins);
	if (err) {
		if (err == -ENOENT)
			pr_err("not attached: no maps pinned under '%s' (run 'xdpdns attach "
			       "IFACE')\n", a->pin_dir);
		return EXIT_FAIL;
	}
	err = xdpdns_state_open(&st, a->state_dir, false);
	if (!err) {
		err = print_stats(&pins, &st, json, prom);
		xdpdns_state_close(&st);
	}
	xdpdns_pins_close(&pins);
	return err ? EXIT_FAIL : EXIT_OK;
}

const struct cli_cmd cli_attach = {
	.name = "attach", .usage = "IFACE", .min_pos = 1, .max_pos = 1,
	.summary = "attach the program to an interface (through libxdp)",
	.opts = (const struct cli_opt[]){
		{ "mode", "native|skb", "load XDP program in <mode> (default: native)" },
		{},
	},
	.run = run_attach,
};

const struct cli_cmd cli_detach = {
	.name = "detach", .usage = "IFACE", .min_pos = 1, .max_pos = 1,
	.summary = "detach; the interface's queries go straight to the resolver",
	.opts = (const struct cli_opt[]){ {} },
	.run = run_detach,
};

const struct cli_cmd cli_stats = {
	.name = "stats", .usage = "", .min_pos = 0, .max_pos = 0,
	.summary = "the datapath's counters summed over CPUs, and hits per feed",
	.opts = (const struct cli_opt[]){
		{ "json", NULL, "one JSON object: counters, feeds, generation, rules" },
		{ "prometheus", NULL, "the Prometheus text format (docs/metrics.md), as for "
				      "node_exporter's textfile collector" },
		{},
	},
	.run = run_stats,
};
