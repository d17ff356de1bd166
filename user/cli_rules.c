// SPDX-License-Identifier: GPL-2.0-only
/*
 * The commands that read or change rules: block, allow, unblock, load,
 * lookup, list. Changes are written to the state directory first, then
 * compiled and swapped in, so a failed swap never loses a rule and a
 * stored rule is always the one that becomes live.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "feedload.h"
#include "log.h"
#include "names.h"
#include "ruleset.h"

#define KIND_SUBTREE	(XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW)

/* --exact: the names alone; without it, each name and its subtree. */
static __u8 name_kind(const struct cli_args *a, const struct cli_cmd *cmd)
{
	return cli_opt(a, cmd, "exact") ? XDPDNS_KIND_EXACT : KIND_SUBTREE;
}

static int parse_names(const char *cmd, char **pos, int n, struct xdpdns_name *out)
{
	for (int i = 0; i < n; i++) {
		const char *why;

		if (xdpdns_name_parse(pos[i], &out[i], &why))
			return cli_usage_error(cmd, "bad name '%s': %s", pos[i], why);
	}
	return 0;
}

static int parse_action(const char *cmd, const char *text, int dflt)
{
	int a;

	if (!text)
		return dflt;
	a = xdpdns_action_parse(text);
	if (a < 0)
		cli_usage_error(cmd, "unknown action '%s': one of nxdomain, nodata, refused, "
			       "sinkhole, tc, drop, allow, log", text);
	return a;
}

static int parse_ede(const char *cmd, const char *text)
{
	char *end;
	long v;

	if (!text)
		return 0;
	v = strtol(text, &end, 10);
	if (*end || v < XDPDNS_EDE_BLOCKED || v > XDPDNS_EDE_PROHIBITED) {
		cli_usage_error(cmd, "bad EDE code '%s': 15 Blocked, 16 Censored, 17 Filtered "
			       "or 18 Prohibited", text);
		return -1;
	}
	return v;
}

/* --a and --aaaa into addr; both absent leaves families 0. */
static int parse_sinkaddr(const struct cli_args *a, int action, struct xdpdns_sinkaddr *addr)
{
	const char *v4 = cli_opt(a, &cli_block, "a"), *v6 = cli_opt(a, &cli_block, "aaaa");

	memset(addr, 0, sizeof(*addr));
	if ((v4 || v6) && action != XDPDNS_ACT_SINKHOLE)
		return cli_usage_error("block", "'--%s' needs '--action sinkhole'",
				       v4 ? "a" : "aaaa");
	if (v4 && inet_pton(AF_INET, v4, &addr->v4) != 1)
		return cli_usage_error("block", "bad IPv4 address '%s'", v4);
	if (v6 && inet_pton(AF_INET6, v6, addr->v6) != 1)
		return cli_usage_error("block", "bad IPv6 address '%s'", v6);
	addr->families = (v4 ? XDPDNS_SINK_A : 0) | (v6 ? XDPDNS_SINK_AAAA : 0);
	return 0;
}

/* Store hand rules for names, then make them live. */
static int set_hand_rules(const struct cli_args *a, struct xdpdns_name *names, __u8 kind,
			  __u8 action, __u8 ede, const struct xdpdns_sinkaddr *addr)
{
	struct xdpdns_state st;
	int err;

	if (xdpdns_state_open(&st, a->state_dir, true))
		return EXIT_FAIL;
	for (int i = 0; i < a->npos; i++) {
		err = xdpdns_feed_set(&st.hand, &names[i], kind, action, ede, addr);
		if (err)
			goto out;
	}
	err = xdpdns_state_save_feed(&st, &st.hand);
	if (!err)
		err = cli_apply(a, &st);
out:
	xdpdns_state_close(&st);
	return err ? EXIT_FAIL : EXIT_OK;
}

static int run_block(const struct cli_args *a)
{
	struct xdpdns_name *names = calloc(a->npos, sizeof(*names));
	struct xdpdns_sinkaddr addr;
	int action, ede, err;

	if (!names)
		return EXIT_FAIL;
	action = parse_action("block", cli_opt(a, &cli_block, "action"), XDPDNS_ACT_NXDOMAIN);
	ede = parse_ede("block", cli_opt(a, &cli_block, "ede"));
	err = action < 0 || ede < 0 ? EXIT_USAGE : parse_sinkaddr(a, action, &addr);
	if (!err)
		err = parse_names("block", a->pos, a->npos, names);
	if (!err)
		err = set_hand_rules(a, names, name_kind(a, &cli_block), action, ede,
				     addr.families ? &addr : NULL);
	free(names);
	return err;
}

static int run_allow(const struct cli_args *a)
{
	struct xdpdns_name *names = calloc(a->npos, sizeof(*names));
	int err;

	if (!names)
		return EXIT_FAIL;
	err = parse_names("allow", a->pos, a->npos, names);
	if (!err)
		err = set_hand_rules(a, names, name_kind(a, &cli_allow), XDPDNS_ACT_ALLOW, 0, NULL);
	free(names);
	return err;
}

static bool hand_has(const struct xdpdns_feed *hand, const struct xdpdns_name *name)
{
	for (size_t i = 0; i < hand->nrules; i++)
		if (hand->rules[i].name_len == name->len &&
		    !memcmp(xdpdns_srule_wire(hand, &hand->rules[i]), name->wire, name->len))
			return true;
	return false;
}

/* All names must have hand rules, or nothing is changed. */
static int run_unblock(const struct cli_args *a)
{
	struct xdpdns_name *names = calloc(a->npos, sizeof(*names));
	struct xdpdns_state st;
	int err;

	if (!names)
		return EXIT_FAIL;
	err = parse_names("unblock", a->pos, a->npos, names);
	if (err || xdpdns_state_open(&st, a->state_dir, true)) {
		free(names);
		return err ? err : EXIT_FAIL;
	}
	for (int i = 0; i < a->npos && !err; i++) {
		if (hand_has(&st.hand, &names[i]))
			continue;
		pr_err("no hand rule for '%s'; nothing was changed (see 'xdpdns list --feed "
		       "hand'; a feed's rules change with 'xdpdns load')\n", a->pos[i]);
		err = -ENOENT;
	}
	for (int i = 0; i < a->npos && !err; i++)
		xdpdns_feed_remove(&st.hand, &names[i]);
	if (!err)
		err = xdpdns_state_save_feed(&st, &st.hand);
	if (!err)
		err = cli_apply(a, &st);
	xdpdns_state_close(&st);
	free(names);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* A feed name from a file name: "lists/StevenBlack_hosts.txt" -> "stevenblack_hosts". */
static void feed_name_of(const char *path, char *out, size_t size)
{
	char *copy = strdup(path), *base, *dot;
	size_t n = 0;

	base = copy ? basename(copy) : "feed";
	dot = strchr(base + (base[0] == '.'), '.');
	if (dot)
		*dot = 0;
	for (const char *p = base; *p && n + 1 < size; p++)
		out[n++] = isalnum((unsigned char)*p) || *p == '_' || *p == '-' ?
			   tolower((unsigned char)*p) : '-';
	out[n] = 0;
	if (!n)
		snprintf(out, size, "feed");
	free(copy);
}

struct load_opts {
	char feed[XDPDNS_FEED_NAME_MAX + 1];
	char source[PATH_MAX];
	struct xdpdns_load_spec spec;
};

static int parse_shrink(const char *text, double *out)
{
	char *end;

	*out = XDPDNS_MAX_SHRINK_DEFAULT;
	if (!text)
		return 0;
	*out = strtod(text, &end);
	if (*end || end == text || !(*out >= 0 && *out <= 1))
		return cli_usage_error("load", "bad --max-shrink '%s': a share from 0 to 1 "
				       "(0.5: refuse a version with under half the rules)", text);
	return 0;
}

static int parse_load_opts(const struct cli_args *a, struct load_opts *o)
{
	const char *feed = cli_opt(a, &cli_load, "feed");
	const char *format = cli_opt(a, &cli_load, "format");
	struct xdpdns_load_spec *spec = &o->spec;
	int action, ede, fmt;

	if (feed)
		snprintf(o->feed, sizeof(o->feed), "%s", feed);
	else
		feed_name_of(a->pos[0], o->feed, sizeof(o->feed));
	if (!xdpdns_feed_name_valid(o->feed) || (feed && strlen(feed) > XDPDNS_FEED_NAME_MAX))
		return cli_usage_error("load", "bad feed name '%s': 1 to 63 of a-z, 0-9, '.', "
				       "'_', '-', and not 'hand'", feed ? feed : o->feed);
	fmt = format ? xdpdns_format_parse(format) : XDPDNS_FMT_AUTO;
	if (fmt < 0)
		return cli_usage_error("load", "unknown format '%s': auto, domains, hosts, "
				       "adblock, rpz or csv", format);
	action = parse_action("load", cli_opt(a, &cli_load, "action"), XDPDNS_ACT_NXDOMAIN);
	ede = parse_ede("load", cli_opt(a, &cli_load, "ede"));
	if (action < 0 || ede < 0 || parse_shrink(cli_opt(a, &cli_load, "max-shrink"),
						  &spec->max_shrink))
		return EXIT_USAGE;

	if (!realpath(a->pos[0], o->source))
		snprintf(o->source, sizeof(o->source), "%s", a->pos[0]);
	spec->feed = o->feed;
	spec->path = a->pos[0];
	spec->source = o->source;
	spec->format = fmt;
	spec->action = action;
	spec->ede = ede;
	spec->kind = name_kind(a, &cli_load);
	return 0;
}

/* Why AdBlock lines gave no rule, and how many allow rules a list holds. */
static void report_skips(const struct xdpdns_load_spec *spec,
			 const struct xdpdns_feed_counts *c)
{
	unsigned long any = 0;

	if (c->allows)
		pr_info("%s: %lu allow rules among them (exceptions or passthru)\n",
			spec->path, c->allows);
	for (int i = 0; i < XDPDNS_AB_SKIP_MAX; i++)
		any += c->adblock[i];
	if (any)
		pr_info("%s: adblock rules skipped: %lu cosmetic, %lu with other modifiers, "
			"%lu patterns, %lu overridden\n", spec->path,
			c->adblock[XDPDNS_AB_COSMETIC], c->adblock[XDPDNS_AB_MODIFIER],
			c->adblock[XDPDNS_AB_PATTERN], c->adblock[XDPDNS_AB_OVERRIDDEN]);
}

/*
 * The file is read before the state is opened: one that cannot be read
 * leaves the feed's stored rules as they are, and live.
 */
static int run_load(const struct cli_args *a)
{
	struct xdpdns_feed scratch = {};
	struct xdpdns_load_result res;
	struct xdpdns_state st;
	struct load_opts o;
	double start;
	int err;

	err = parse_load_opts(a, &o);
	if (err)
		return err;

	err = xdpdns_load_read(&o.spec, &scratch, &res);
	if (err) {
		if (err != -ENOMEM)
			pr_err("feed '%s' not changed: its stored rules stay live\n", o.feed);
		return EXIT_FAIL;
	}
	pr_info("%s: %lu names (%s format; %lu %s skipped, %lu bad) read in %.1f ms\n",
		o.spec.path, res.counts.names, xdpdns_format_name(res.detected),
		res.counts.skipped, res.detected == XDPDNS_FMT_RPZ ? "records" : "lines",
		res.counts.bad, res.read_ms);
	report_skips(&o.spec, &res.counts);

	start = xdpdns_now_ms();
	err = xdpdns_state_open(&st, a->state_dir, true);
	if (!err) {
		pr_debug("stored rules read in %.1f ms\n", xdpdns_now_ms() - start);
		start = xdpdns_now_ms();
		err = xdpdns_load_replace(&st, &o.spec, &scratch, &res);
		pr_debug("feed stored in %.1f ms\n", xdpdns_now_ms() - start);
		if (!err)
			err = cli_apply(a, &st);
		xdpdns_state_close(&st);
	}
	xdpdns_load_scratch_free(&scratch);
	return err ? EXIT_FAIL : EXIT_OK;
}

static void print_rule(FILE *f, const struct xdpdns_feed *feed, const struct xdpdns_srule *r)
{
	char text[XDPDNS_NAME_TEXT_MAX];
	struct xdpdns_name name;

	xdpdns_name_from_wire(xdpdns_srule_wire(feed, r), r->name_len, &name);
	xdpdns_name_format(&name, text, sizeof(text));
	fprintf(f, "%s %s %s", text, xdpdns_kind_name(r->kind), xdpdns_action_name(r->action));
	if (r->ede)
		fprintf(f, " %u", r->ede);
	if (r->addr) {
		char addr[XDPDNS_SINKADDR_TEXT_MAX];

		xdpdns_sinkaddr_format(xdpdns_srule_addr(feed, r), addr, sizeof(addr));
		fputs(addr, f);
	}
}

static const char *feed_name_by_id(const struct xdpdns_state *st, __u16 id)
{
	if (id == XDPDNS_HAND_FEED_ID)
		return XDPDNS_HAND_FEED;
	for (size_t i = 0; i < st->nfeeds; i++)
		if (st->feeds[i].id == id)
			return st->feeds[i].name;
	return "(unknown)";
}

/* The addresses a live sinkhole slot answers with, as its entry says. */
static void print_live_sinkhole(const struct xdpdns_gen *live, const struct xdpdns_slot *slot)
{
	struct xdpdns_sinkaddr addr = {};
	char text[XDPDNS_SINKADDR_TEXT_MAX];
	struct xdpdns_sinkhole e;

	xdpdns_gen_get_sinkhole(live, slot->ede, &e);
	if (e.flags & XDPDNS_SINK_CONFIG) {
		printf(", the configured addresses");
		return;
	}
	addr.families = e.flags;
	addr.v4 = e.v4;
	memcpy(addr.v6, e.v6, sizeof(addr.v6));
	xdpdns_sinkaddr_format(&addr, text, sizeof(text));
	printf(",%s", text);
}

/* What the live generation says, as the datapath would decide. */
static void print_live(const struct cli_args *a, const struct xdpdns_state *st,
		       const struct xdpdns_name *q, int stored_action)
{
	struct xdpdns_match m = {};
	struct xdpdns_pins pins;
	struct xdpdns_gen *live;
	int action;

	if (xdpdns_pins_open(a->pin_dir, &pins)) {
		printf("  live: not attached\n");
		return;
	}
	live = xdpdns_pins_live(&pins);
	xdpdns_pins_close(&pins);
	if (!live) {
		printf("  live: no generation\n");
		return;
	}
	xdpdns_gen_match(live, NULL, q, 0, &m);
	action = m.hit ? m.slot.action : XDPDNS_ACT_PASS;
	printf("  live: %s", xdpdns_action_name(action));
	if (m.hit && action == XDPDNS_ACT_SINKHOLE)
		print_live_sinkhole(live, &m.slot);
	if (m.hit)
		printf(", feed %s", feed_name_by_id(st, m.slot.feed));
	printf(" (generation %llu)\n", (unsigned long long)xdpdns_gen_header(live)->generation);
	if (action != stored_action)
		pr_warn("the live generation disagrees with the stored rules: run 'xdpdns load' "
			"or any edit to rebuild it\n");
	xdpdns_gen_close(live);
}

static int explain(const struct cli_args *a, const struct xdpdns_state *st,
		   const struct xdpdns_name *q)
{
	const struct xdpdns_feed **order = calloc(st->nfeeds + 1, sizeof(*order));
	struct xdpdns_explain *hits = calloc(st->nfeeds + 1, sizeof(*hits));
	struct xdpdns_ruleset *rs = NULL;
	char text[XDPDNS_NAME_TEXT_MAX];
	size_t n = 0;

	if (order && hits)
		rs = xdpdns_ruleset_build(order, xdpdns_state_order(st, order));
	if (!rs) {
		free(order);
		free(hits);
		pr_err("cannot index the rules: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	n = xdpdns_ruleset_explain(rs, q, hits, st->nfeeds + 1);

	xdpdns_name_format(q, text, sizeof(text));
	printf("%s: %s\n", text, n ? xdpdns_action_name(hits[0].rule->action) : "pass");
	for (size_t i = 0; i < n; i++) {
		printf("  %s: ", i ? "lost" : "rule");
		print_rule(stdout, hits[i].feed, hits[i].rule);
		printf(", feed %s\n", hits[i].feed->name);
	}
	print_live(a, st, q, n ? hits[0].rule->action : XDPDNS_ACT_PASS);
	xdpdns_ruleset_free(rs);
	free(order);
	free(hits);
	return EXIT_OK;
}

static int run_lookup(const struct cli_args *a)
{
	const char *client = cli_opt(a, &cli_lookup, "client");
	struct xdpdns_state st;
	struct xdpdns_name q;
	__u8 addr[16];
	int err;

	err = parse_names("lookup", a->pos, 1, &q);
	if (err)
		return err;
	if (client && inet_pton(AF_INET, client, addr) != 1 &&
	    inet_pton(AF_INET6, client, addr) != 1)
		return cli_usage_error("lookup", "bad client address '%s'", client);
	if (xdpdns_state_open(&st, a->state_dir, false))
		return EXIT_FAIL;

	/* Every client is in policy set 0 until per-client sets exist. */
	if (client)
		printf("client %s: policy set 0\n", client);
	err = explain(a, &st, &q);
	xdpdns_state_close(&st);
	return err;
}

static void list_feed(const struct xdpdns_feed *feed)
{
	for (size_t i = 0; i < feed->nrules; i++) {
		printf("%s ", feed->name);
		print_rule(stdout, feed, &feed->rules[i]);
		putchar('\n');
	}
}

static int run_list(const struct cli_args *a)
{
	const char *only = cli_opt(a, &cli_list, "feed");
	const struct xdpdns_feed **order;
	struct xdpdns_state st;
	size_t n;

	if (xdpdns_state_open(&st, a->state_dir, false))
		return EXIT_FAIL;
	if (only && !xdpdns_state_feed(&st, only)) {
		pr_err("no feed '%s' (the feeds: 'xdpdns stats', or 'xdpdns list')\n", only);
		xdpdns_state_close(&st);
		return EXIT_FAIL;
	}
	order = calloc(st.nfeeds + 1, sizeof(*order));
	if (!order) {
		xdpdns_state_close(&st);
		return EXIT_FAIL;
	}
	n = xdpdns_state_order(&st, order);
	for (size_t i = 0; i < n; i++)
		if (!only || !strcmp(order[i]->name, only))
			list_feed(order[i]);
	free(order);
	xdpdns_state_close(&st);
	return EXIT_OK;
}

const struct cli_cmd cli_block = {
	.name = "block", .usage = "NAME...", .min_pos = 1, .max_pos = -1,
	.summary = "block names and their subtrees (hand rules, kept on disk)",
	.opts = (const struct cli_opt[]){
		{ "action", "A", "nxdomain (default), nodata, refused, sinkhole, tc, drop, "
				 "allow or log" },
		{ "exact", NULL, "the names alone, not their subtrees" },
		{ "ede", "CODE", "Extended DNS Error: 15 Blocked (default), 16 Censored, "
				 "17 Filtered, 18 Prohibited" },
		{ "a", "ADDR", "with --action sinkhole: answer A with this address (the "
			       "configured ones if neither --a nor --aaaa; a family not "
			       "given answers NODATA)" },
		{ "aaaa", "ADDR", "with --action sinkhole: answer AAAA with this address" },
		{},
	},
	.run = run_block,
};

const struct cli_cmd cli_allow = {
	.name = "allow", .usage = "NAME...", .min_pos = 1, .max_pos = -1,
	.summary = "pass names and their subtrees, whatever blocks them",
	.opts = (const struct cli_opt[]){
		{ "exact", NULL, "the names alone, not their subtrees" },
		{},
	},
	.run = run_allow,
};

const struct cli_cmd cli_unblock = {
	.name = "unblock", .usage = "NAME...", .min_pos = 1, .max_pos = -1,
	.summary = "remove the hand rules (block or allow) of names",
	.opts = (const struct cli_opt[]){ {} },
	.run = run_unblock,
};

const struct cli_cmd cli_load = {
	.name = "load", .usage = "FILE", .min_pos = 1, .max_pos = 1,
	.summary = "replace every rule of one feed with the names of a list",
	.opts = (const struct cli_opt[]){
		{ "format", "F", "auto (default), domains, hosts, adblock, rpz or csv" },
		{ "feed", "NAME", "the feed to replace (default: from the file name)" },
		{ "action", "A", "of rules with none of their own (default nxdomain)" },
		{ "exact", NULL, "names alone, not subtrees, where the list does not say" },
		{ "ede", "CODE", "Extended DNS Error code of its rules (default 15)" },
		{ "max-shrink", "R", "refuse a version losing over this share of the feed's "
				     "rules (default 0.5; 1: never)" },
		{},
	},
	.run = run_load,
};

const struct cli_cmd cli_lookup = {
	.name = "lookup", .usage = "NAME", .min_pos = 1, .max_pos = 1,
	.summary = "the verdict for a name, and the rule and feed deciding it",
	.opts = (const struct cli_opt[]){
		{ "client", "IP", "as asked by this client" },
		{},
	},
	.run = run_lookup,
};

const struct cli_cmd cli_list = {
	.name = "list", .usage = "", .min_pos = 0, .max_pos = 0,
	.summary = "the stored rules, in feed order: FEED NAME KIND ACTION [EDE] "
		   "[A=ADDR] [AAAA=ADDR]",
	.opts = (const struct cli_opt[]){
		{ "feed", "NAME", "the rules of one feed ('hand': the hand rules)" },
		{},
	},
	.run = run_list,
};
