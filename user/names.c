// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names users see for the datapath's counters and actions: one table
 * each, so that every command, log line and test says the same.
 */
#include <string.h>

#include "names.h"

static const char *const counter_names[XDPDNS_CNT_COUNT] = {
	[XDPDNS_CNT_PACKETS]	= "packets",
	[XDPDNS_CNT_QUERIES]	= "queries",
	[XDPDNS_CNT_PASSED]	= "passed",
	[XDPDNS_CNT_ALLOWED]	= "allowed",
	[XDPDNS_CNT_LOGGED]	= "logged",
	[XDPDNS_CNT_DROPPED]	= "dropped",
	[XDPDNS_CNT_NXDOMAIN]	= "nxdomain",
	[XDPDNS_CNT_NODATA]	= "nodata",
	[XDPDNS_CNT_REFUSED]	= "refused",
	[XDPDNS_CNT_SINKHOLE]	= "sinkhole",
	[XDPDNS_CNT_TC]		= "tc",
	[XDPDNS_CNT_NO_ROOM]	= "no_room",
	[XDPDNS_CNT_NOT_DNS]	= "not_dns",
	[XDPDNS_CNT_FRAGMENT]	= "fragment",
	[XDPDNS_CNT_TRUNCATED]	= "truncated",
	[XDPDNS_CNT_MALFORMED]	= "malformed",
	[XDPDNS_CNT_NOT_QUERY]	= "not_query",
	[XDPDNS_CNT_BAD_NAME]	= "bad_name",
	[XDPDNS_CNT_TOO_LONG]	= "too_long",
	[XDPDNS_CNT_BAD_EDNS]	= "bad_edns",
	[XDPDNS_CNT_EVENTS]	= "events",
	[XDPDNS_CNT_EVENTS_LIMITED] = "events_limited",
	[XDPDNS_CNT_EVENTS_LOST] = "events_lost",
};

const char *xdpdns_counter_name(__u32 counter)
{
	return counter < XDPDNS_CNT_COUNT ? counter_names[counter] : NULL;
}

static const char *const action_names[XDPDNS_ACT_COUNT] = {
	[XDPDNS_ACT_PASS]	= "pass",
	[XDPDNS_ACT_ALLOW]	= "allow",
	[XDPDNS_ACT_DROP]	= "drop",
	[XDPDNS_ACT_NXDOMAIN]	= "nxdomain",
	[XDPDNS_ACT_NODATA]	= "nodata",
	[XDPDNS_ACT_REFUSED]	= "refused",
	[XDPDNS_ACT_SINKHOLE]	= "sinkhole",
	[XDPDNS_ACT_TC]		= "tc",
	[XDPDNS_ACT_LOG]	= "log",
};

const char *xdpdns_action_name(__u32 action)
{
	return action < XDPDNS_ACT_COUNT ? action_names[action] : NULL;
}

int xdpdns_action_parse(const char *name)
{
	for (int a = XDPDNS_ACT_ALLOW; a < XDPDNS_ACT_COUNT; a++)
		if (!strcmp(name, action_names[a]))
			return a;
	return -1;
}
