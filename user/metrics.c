// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metrics in the Prometheus text format 0.0.4 (metrics.h). Every family
 * is a table entry here, so that its name, type, help and label are written
 * once; docs/metrics.md lists them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "names.h"
#include "stats.h"

struct family {
	const char *name;
	const char *type;		/* "counter" or "gauge" */
	const char *help;
	const char *label;		/* the label every sample has; NULL: none */
};

static const struct family datapath_up = {
	"xdpdns_datapath_up", "gauge",
	"1 when the pinned maps were read (the program is attached somewhere); 0 when "
	"nothing is pinned and the datapath families are left out",
	NULL,
};

static const struct family frames = {
	"xdpdns_frames_total", "counter",
	"Frames the XDP program ran on, on every interface it is attached to",
	NULL,
};

static const struct family outcomes = {
	"xdpdns_frame_outcomes_total", "counter",
	"Frames by outcome: query for a well-formed query that was looked up (by verdict "
	"in xdpdns_queries_total), otherwise the reason it was passed untouched; the "
	"outcomes add up to xdpdns_frames_total",
	"outcome",
};

static const struct family queries = {
	"xdpdns_queries_total", "counter",
	"Well-formed queries by verdict: passed (no rule matched), allowed, logged, dropped, "
	"answered nxdomain, nodata, refused, sinkhole or tc, or no_room (an answer was due "
	"but the frame could not grow: passed)",
	"verdict",
};

static const struct family events = {
	"xdpdns_events_total", "counter",
	"Rule hits by the fate of their event in the block log: sent to the event ring, "
	"limited (refused by the per-CPU rate limit) or lost (the ring was full); 0 while "
	"the event rate is 0",
	"outcome",
};

static const struct family feed_hits = {
	"xdpdns_feed_hits_total", "counter",
	"Queries decided by a rule of the feed (hand: the hand rules)",
	"feed",
};

static const struct family feed_rules = {
	"xdpdns_feed_rules", "gauge",
	"Rules stored for the feed (hand: the hand rules)",
	"feed",
};

static const struct family generation = {
	"xdpdns_generation", "gauge",
	"Number of the live policy generation; it grows with every swap",
	NULL,
};

static const struct family generation_rules = {
	"xdpdns_generation_rules", "gauge",
	"Rule slots of the live generation",
	NULL,
};

static const struct family swap_time = {
	"xdpdns_last_swap_time_seconds", "gauge",
	"When the live generation was swapped in, in seconds since the epoch",
	NULL,
};

static const struct family attached = {
	"xdpdns_interface_attached", "gauge",
	"1 for each interface of this network namespace the program is attached to, "
	"with its attach mode",
	"interface",
};

/*
 * Where each datapath counter goes: its family, and the value of that
 * family's label (NULL: the counter's name, as `xdpdns stats` prints it).
 */
static const struct counter_place {
	const struct family *family;
	const char *label;
} counter_places[XDPDNS_CNT_COUNT] = {
	[XDPDNS_CNT_PACKETS]	= { &frames, NULL },
	[XDPDNS_CNT_QUERIES]	= { &outcomes, "query" },
	[XDPDNS_CNT_PASSED]	= { &queries, NULL },
	[XDPDNS_CNT_ALLOWED]	= { &queries, NULL },
	[XDPDNS_CNT_LOGGED]	= { &queries, NULL },
	[XDPDNS_CNT_DROPPED]	= { &queries, NULL },
	[XDPDNS_CNT_NXDOMAIN]	= { &queries, NULL },
	[XDPDNS_CNT_NODATA]	= { &queries, NULL },
	[XDPDNS_CNT_REFUSED]	= { &queries, NULL },
	[XDPDNS_CNT_SINKHOLE]	= { &queries, NULL },
	[XDPDNS_CNT_TC]		= { &queries, NULL },
	[XDPDNS_CNT_NO_ROOM]	= { &queries, NULL },
	[XDPDNS_CNT_NOT_DNS]	= { &outcomes, NULL },
	[XDPDNS_CNT_FRAGMENT]	= { &outcomes, NULL },
	[XDPDNS_CNT_TRUNCATED]	= { &outcomes, NULL },
	[XDPDNS_CNT_MALFORMED]	= { &outcomes, NULL },
	[XDPDNS_CNT_NOT_QUERY]	= { &outcomes, NULL },
	[XDPDNS_CNT_BAD_NAME]	= { &outcomes, NULL },
	[XDPDNS_CNT_TOO_LONG]	= { &outcomes, NULL },
	[XDPDNS_CNT_BAD_EDNS]	= { &outcomes, NULL },
	[XDPDNS_CNT_EVENTS]	= { &events, "sent" },
	[XDPDNS_CNT_EVENTS_LIMITED] = { &events, "limited" },
	[XDPDNS_CNT_EVENTS_LOST] = { &events, "lost" },
};

/* The daemon's per-feed counts, each a field of struct xdpdns_feed_health. */
static const struct health_family {
	struct family family;
	size_t offset;
} health_families[] = {
	{ { "xdpdns_feed_versions_total", "counter",
	    "Versions of the feed taken (stored and made live) since the daemon started",
	    "feed" }, offsetof(struct xdpdns_feed_health, versions) },
	{ { "xdpdns_feed_not_modified_total", "counter",
	    "Fetches of the feed's URL answered 304 Not Modified", "feed" },
	  offsetof(struct xdpdns_feed_health, not_modified) },
	{ { "xdpdns_feed_fetch_errors_total", "counter",
	    "Versions of the feed not fetched (a URL) or not readable (a file); its stored "
	    "rules stayed live", "feed" }, offsetof(struct xdpdns_feed_health, fetch_errors) },
	{ { "xdpdns_feed_parse_errors_total", "counter",
	    "Versions of the feed that could not be read into rules; its stored rules "
	    "stayed live", "feed" }, offsetof(struct xdpdns_feed_health, parse_errors) },
	{ { "xdpdns_feed_refused_versions_total", "counter",
	    "Versions of the feed refused for losing more than max_shrink of its rules",
	    "feed" }, offsetof(struct xdpdns_feed_health, refused) },
	{ { "xdpdns_feed_bad_lines_total", "counter",
	    "Bad lines skipped in the versions of the feed read", "feed" },
	  offsetof(struct xdpdns_feed_health, bad_lines) },
};

static const struct family last_version = {
	"xdpdns_feed_last_version_time_seconds", "gauge",
	"When the daemon last took a version of the feed, in seconds since the epoch",
	"feed",
};

/* HELP text escapes backslash and line feed; label values the double quote too. */
static void put_escaped(FILE *out, const char *text, bool label)
{
	for (const char *c = text; *c; c++) {
		if (*c == '\\')
			fputs("\\\\", out);
		else if (*c == '\n')
			fputs("\\n", out);
		else if (*c == '"' && label)
			fputs("\\\"", out);
		else
			fputc(*c, out);
	}
}

static void put_family(FILE *out, const struct family *f)
{
	fprintf(out, "# HELP %s ", f->name);
	put_escaped(out, f->help, false);
	fprintf(out, "\n# TYPE %s %s\n", f->name, f->type);
}

/* A sample of f: label is its label's value (NULL when f has none), extra more pairs. */
static void put_sample(FILE *out, const struct family *f, const char *label,
		       const char *const *extra, __u64 value)
{
	fputs(f->name, out);
	if (f->label) {
		fprintf(out, "{%s=\"", f->label);
		put_escaped(out, label, true);
		fputc('"', out);
		for (int i = 0; extra && extra[i]; i += 2) {
			fprintf(out, ",%s=\"", extra[i]);
			put_escaped(out, extra[i + 1], true);
			fputc('"', out);
		}
		fputc('}', out);
	}
	fprintf(out, " %llu\n", (unsigned long long)value);
}

static void put_counters(FILE *out, const struct xdpdns_metrics *m)
{
	const struct family *order[] = { &frames, &outcomes, &queries, &events };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		put_family(out, order[i]);
		for (__u32 k = 0; k < XDPDNS_CNT_COUNT; k++) {
			const struct counter_place *p = &counter_places[k];

			if (p->family == order[i])
				put_sample(out, p->family, p->label ? p->label :
					   xdpdns_counter_name(k), NULL, m->counter[k]);
		}
	}
}

static void put_generation(FILE *out, const struct xdpdns_metrics *m)
{
	put_family(out, &generation);
	put_sample(out, &generation, NULL, NULL, m->generation);
	put_family(out, &generation_rules);
	put_sample(out, &generation_rules, NULL, NULL, m->rules);
	put_family(out, &swap_time);
	/* A generation swapped in by an older xdpdns has no time: no sample. */
	if (m->swap_time)
		put_sample(out, &swap_time, NULL, NULL, m->swap_time);
}

static void put_datapath(FILE *out, const struct xdpdns_metrics *m)
{
	put_counters(out, m);

	put_family(out, &feed_hits);
	for (size_t i = 0; i < m->nfeeds; i++)
		put_sample(out, &feed_hits, m->feeds[i].name, NULL, m->feeds[i].hits);

	put_generation(out, m);

	put_family(out, &attached);
	for (size_t i = 0; i < m->nifaces; i++) {
		const char *mode[] = { "mode", m->ifaces[i].mode, NULL };

		put_sample(out, &attached, m->ifaces[i].name, mode, 1);
	}
}

static void put_health(FILE *out, const struct xdpdns_metrics *m)
{
	for (size_t f = 0; f < sizeof(health_families) / sizeof(health_families[0]); f++) {
		const struct health_family *hf = &health_families[f];

		put_family(out, &hf->family);
		for (size_t i = 0; i < m->nhealth; i++) {
			const char *h = (const char *)m->health[i].health;

			put_sample(out, &hf->family, m->health[i].feed, NULL,
				   *(const unsigned long long *)(h + hf->offset));
		}
	}

	put_family(out, &last_version);
	for (size_t i = 0; i < m->nhealth; i++)
		if (m->health[i].health->last_taken > 0)
			put_sample(out, &last_version, m->health[i].feed, NULL,
				   m->health[i].health->last_taken);
}

int xdpdns_metrics_render(const struct xdpdns_metrics *m, FILE *out)
{
	put_family(out, &datapath_up);
	put_sample(out, &datapath_up, NULL, NULL, m->datapath);
	if (m->datapath)
		put_datapath(out, m);

	put_family(out, &feed_rules);
	for (size_t i = 0; i < m->nfeeds; i++)
		put_sample(out, &feed_rules, m->feeds[i].name, NULL, m->feeds[i].rules);

	if (m->daemon)
		put_health(out, m);
	return ferror(out) || fflush(out) ? -EIO : 0;
}

int xdpdns_metrics_set_feeds(struct xdpdns_metrics *m, const struct xdpdns_state *st)
{
	const struct xdpdns_feed **order = calloc(st->nfeeds + 1, sizeof(*order));
	struct xdpdns_metrics_feed *feeds = calloc(st->nfeeds + 1, sizeof(*feeds));
	size_t n;

	if (!order || !feeds) {
		free(order);
		free(feeds);
		return -ENOMEM;
	}
	n = xdpdns_state_order(st, order);
	for (size_t i = 0; i < n; i++) {
		snprintf(feeds[i].name, sizeof(feeds[i].name), "%s", order[i]->name);
		feeds[i].id = order[i]->id;
		feeds[i].rules = order[i]->nrules;
	}
	free(order);
	free(m->feeds);
	m->feeds = feeds;
	m->nfeeds = n;
	return 0;
}

static const char *attach_mode_name(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? "skb" : mode == XDP_MODE_HW ? "hw" : "native";
}

/* The interfaces of this namespace the program is attached to. */
static int read_ifaces(struct xdpdns_metrics *m)
{
	struct if_nameindex *all = if_nameindex(), *it;
	size_t n = 0;

	if (!all)
		return -errno;
	for (it = all; it->if_index; it++)
		n++;
	free(m->ifaces);
	m->nifaces = 0;
	m->ifaces = calloc(n + 1, sizeof(*m->ifaces));
	if (!m->ifaces) {
		if_freenameindex(all);
		return -ENOMEM;
	}
	for (it = all; it->if_index; it++) {
		struct xdpdns_metrics_iface *iface = &m->ifaces[m->nifaces];
		enum xdp_attach_mode mode;

		if (!xdpdns_is_attached(it->if_index, &mode))
			continue;
		snprintf(iface->name, sizeof(iface->name), "%s", it->if_name);
		iface->mode = attach_mode_name(mode);
		m->nifaces++;
	}
	if_freenameindex(all);
	return 0;
}

int xdpdns_metrics_read(const struct xdpdns_pins *pins, struct xdpdns_metrics *m)
{
	struct xdpdns_gen *live;
	int err = 0;

	m->datapath = false;
	for (__u32 k = 0; k < XDPDNS_CNT_COUNT && !err; k++)
		err = xdpdns_percpu_sum(pins->stats, k, &m->counter[k]);
	for (size_t i = 0; i < m->nfeeds && !err; i++)
		err = xdpdns_percpu_sum(pins->feedhits, m->feeds[i].id, &m->feeds[i].hits);
	if (err)
		return err;

	live = xdpdns_pins_live(pins);
	m->generation = live ? xdpdns_gen_header(live)->generation : 0;
	m->rules = live ? xdpdns_gen_header(live)->rules : 0;
	m->swap_time = live ? xdpdns_gen_header(live)->swap_time : 0;
	xdpdns_gen_close(live);

	err = read_ifaces(m);
	m->datapath = !err;
	return err;
}

void xdpdns_metrics_free(struct xdpdns_metrics *m)
{
	free(m->feeds);
	free(m->ifaces);
	m->feeds = NULL;
	m->ifaces = NULL;
	m->nfeeds = 0;
	m->nifaces = 0;
}
