// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of blocklist shapes for the benchmarks (blocknames.h).
 */
#include <stdio.h>

#include "blocknames.h"

static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

__u64 blocknames_rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

void blocknames_label(char *out, int min, int max)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int len = min + blocknames_rng() % (max - min + 1);

	for (int i = 0; i < len; i++)
		out[i] = chars[blocknames_rng() % (sizeof(chars) - 1)];
	out[len] = '\0';
}

/* As in real feeds, most entries are registered domains or one host below one. */
void blocknames_name(char *out, size_t size, __u64 i)
{
	static const char *tlds[] = { "com", "net", "org", "ru", "info", "xyz", "top",
				      "io", "de", "online", "site", "co.uk" };
	char sld[20], sub[20];
	int shape = blocknames_rng() % 10;

	blocknames_label(sld, 5, 16);
	blocknames_label(sub, 2, 8);
	if (shape < 5)
		snprintf(out, size, "%s%llx.%s", sld, (unsigned long long)i,
			 tlds[blocknames_rng() % 12]);
	else if (shape < 9)
		snprintf(out, size, "%s.%s%llx.%s", sub, sld, (unsigned long long)i,
			 tlds[blocknames_rng() % 12]);
	else
		snprintf(out, size, "www.%s.%s%llx.%s", sub, sld, (unsigned long long)i,
			 tlds[blocknames_rng() % 12]);
}
