/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rules files of the lab tools: one rule a line, NAME exact|below|both
 * ACTION [EDE], as in "bad.test both nxdomain 16"; # starts a comment.
 */
#ifndef XDPDNS_RULESFILE_H
#define XDPDNS_RULESFILE_H

#include "policy.h"

/* A generation with the rules of path, in feed 1, or NULL (said on stderr). */
struct xdpdns_gen *rulesfile_load(const char *path);

#endif /* XDPDNS_RULESFILE_H */
