/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names of blocklist shapes for the benchmarks, from one fixed random
 * sequence, so every run of a benchmark sees the same names. The sequence
 * is shared by every caller in a process: the order of calls decides what
 * each one gets.
 */
#ifndef XDPDNS_BLOCKNAMES_H
#define XDPDNS_BLOCKNAMES_H

#include <stddef.h>
#include <linux/types.h>

/* The next number of the sequence (xorshift64*). */
__u64 blocknames_rng(void);

/* A label of min to max characters of [a-z0-9] into out (max + 1 bytes). */
void blocknames_label(char *out, int min, int max);

/*
 * Name number i of a blocklist in presentation form: a registered domain
 * of 5 to 16 characters under a common TLD, with no, one or two labels in
 * front. The hex digits of i in the registered domain keep names unique.
 */
void blocknames_name(char *out, size_t size, __u64 i);

#endif /* XDPDNS_BLOCKNAMES_H */
