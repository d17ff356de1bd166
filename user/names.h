/* SPDX-License-Identifier: GPL-2.0-only */
/* The names users see for the datapath's counters and actions. */
#ifndef XDPDNS_NAMES_H
#define XDPDNS_NAMES_H

#include <linux/types.h>
#include "xdpdns_abi.h"

/* The name of a counter ("nxdomain"), or NULL for none. */
const char *xdpdns_counter_name(__u32 counter);

/* The name of an action ("sinkhole"), or NULL for none. */
const char *xdpdns_action_name(__u32 action);

/* The action a rule may name (not "pass"), or -1. */
int xdpdns_action_parse(const char *name);

#endif /* XDPDNS_NAMES_H */
