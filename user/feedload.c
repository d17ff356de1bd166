// SPDX-License-Identifier: GPL-2.0-only
/*
 * One feed replaced by a new version of its list (feedload.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "feedload.h"
#include "log.h"

struct read_ctx {
	struct xdpdns_feed *feed;
	const struct xdpdns_load_spec *spec;
};

/*
 * An entry's own kind and action win over the feed's; an allow of its own
 * (an AdBlock exception, an RPZ passthru) answers nothing, so it carries
 * no EDE code.
 */
static int take_entry(const struct xdpdns_feed_entry *e, void *arg)
{
	struct read_ctx *c = arg;
	__u8 action = e->action ? e->action : c->spec->action;
	__u8 ede = e->action == XDPDNS_ACT_ALLOW ? 0 : c->spec->ede;

	return xdpdns_feed_append(c->feed, e->name, e->kind ? e->kind : c->spec->kind, action,
				  ede, e->addr);
}

void xdpdns_load_scratch_free(struct xdpdns_feed *scratch)
{
	free(scratch->rules);
	free(scratch->names);
	free(scratch->addrs);
	memset(scratch, 0, sizeof(*scratch));
}

int xdpdns_load_read(const struct xdpdns_load_spec *spec, struct xdpdns_feed *scratch,
		     struct xdpdns_load_result *res)
{
	struct read_ctx ctx = { scratch, spec };
	double start = xdpdns_now_ms();
	int err;

	memset(res, 0, sizeof(*res));
	err = xdpdns_feed_read(spec->path, spec->format, take_entry, &ctx, &res->counts,
			       &res->detected);
	if (err) {
		xdpdns_load_scratch_free(scratch);
		return err;
	}
	res->new_rules = scratch->nrules;
	res->read_ms = xdpdns_now_ms() - start;
	return 0;
}

/* Would the new version lose more of the stored rules than allowed? */
static bool shrinks_too_much(const struct xdpdns_load_spec *spec, size_t old_rules,
			     size_t new_rules)
{
	if (spec->max_shrink < 0 || new_rules >= old_rules)
		return false;
	return (double)(old_rules - new_rules) > spec->max_shrink * (double)old_rules;
}

static struct xdpdns_feed *feed_to_replace(struct xdpdns_state *st,
					   const struct xdpdns_load_spec *spec)
{
	struct xdpdns_feed *feed = xdpdns_state_feed(st, spec->feed);
	char *src;

	if (!feed) {
		feed = xdpdns_state_add_feed(st, spec->feed, spec->action, spec->source);
		if (!feed)
			pr_err("cannot add feed '%s': %s\n", spec->feed, strerror(errno));
		return feed;
	}
	src = strdup(spec->source);
	if (!src)
		return NULL;
	free(feed->source);
	feed->source = src;
	feed->action = spec->action;
	return feed;
}

/* Move the scratch feed's rules into the stored feed, freeing the old ones. */
static void feed_take(struct xdpdns_feed *feed, struct xdpdns_feed *scratch)
{
	free(feed->rules);
	free(feed->names);
	free(feed->addrs);
	feed->rules = scratch->rules;
	feed->nrules = scratch->nrules;
	feed->cap = scratch->cap;
	feed->names = scratch->names;
	feed->names_len = scratch->names_len;
	feed->names_cap = scratch->names_cap;
	feed->addrs = scratch->addrs;
	feed->naddrs = scratch->naddrs;
	feed->addrs_cap = scratch->addrs_cap;
	memset(scratch, 0, sizeof(*scratch));
}

int xdpdns_load_replace(struct xdpdns_state *st, const struct xdpdns_load_spec *spec,
			struct xdpdns_feed *scratch, struct xdpdns_load_result *res)
{
	struct xdpdns_feed *stored = xdpdns_state_feed(st, spec->feed);
	struct xdpdns_feed *feed;
	int err;

	res->old_rules = stored ? stored->nrules : 0;
	res->new_rules = scratch->nrules;
	if (shrinks_too_much(spec, res->old_rules, res->new_rules)) {
		pr_err("feed '%s' not changed: %s has %zu rules where %zu are stored, losing "
		       "more than %.0f%% at once (check the list; a max-shrink of 1 takes any "
		       "version)\n",
		       spec->feed, spec->path, res->new_rules, res->old_rules,
		       spec->max_shrink * 100);
		return -ERANGE;
	}

	feed = feed_to_replace(st, spec);
	if (!feed)
		return -ENOMEM;
	feed_take(feed, scratch);
	err = xdpdns_state_save_feed(st, feed);
	if (!err)
		err = xdpdns_state_save_list(st);
	return err;
}
