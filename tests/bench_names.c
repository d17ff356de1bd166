// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench: the names of the peer benchmarks' blocklist, one a line, from
 * the generator of the other benchmarks (tests/blocknames.c), so every peer
 * reads the same names and every run writes the same list. The driver turns
 * them into what each peer reads and takes names past the list's end as
 * names that no rule covers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "blocknames.h"

int main(int argc, char **argv)
{
	char name[128];
	char *end;
	unsigned long long n;

	n = argc == 2 ? strtoull(argv[1], &end, 10) : 0;
	if (argc != 2 || *end || !n) {
		fprintf(stderr, "usage: bench_names COUNT\n");
		return 2;
	}
	for (unsigned long long i = 0; i < n; i++) {
		blocknames_name(name, sizeof(name), i);
		puts(name);
	}
	return fflush(stdout) ? 1 : 0;
}
