// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench-feeds: how long a domain list of 100 thousand, one million and
 * ten million names takes from the file to the live generation, and what
 * memory it costs, in userspace and in the kernel.
 *
 * The list is written once per size (untimed) with names of blocklist
 * shapes (tests/blocknames.c), one in six a "*.name" entry. Each round runs
 * in a child process of its own, so its peak resident set (ru_maxrss) is
 * its own, and times what `xdpdns load` does, phase by phase: parse (the
 * real feed parser, through xdpdns_load_read), store (the feed's rules file
 * and the feed list written to a fresh state directory and fsynced), index
 * (xdpdns_ruleset_build over the feeds in their order), generation
 * (xdpdns_ruleset_compile, and freeing the index, as the command does) and
 * swap (xdpdns_gen_activate on the policy maps of the loaded program, over
 * a live one-rule generation, so the update waits for readers of the old
 * one as it does when attached). The program is loaded but not attached.
 *
 * Kernel memory is the generation map's memlock charge as the kernel
 * reports it in /proc/self/fdinfo. The file is read while still in the page
 * cache, as a list just downloaded would be.
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpdns.skel.h"
#include "blocknames.h"
#include "feedload.h"
#include "ruleset.h"
#include "log.h"

#define ROUNDS_DEFAULT	5
#define ROUNDS_MAX	25
/*
 * Memory a round needs per name, with room to spare: measured peaks are 130
 * to 170 bytes a name. A size that does not fit in MemAvailable is skipped,
 * and said so, rather than pushing a shared machine into reclaim.
 */
#define BYTES_PER_NAME_MAX	400
#define FILE_BYTES_PER_NAME	96	/* the list and the stored rules file, with room */

#define SIZES_MAX	8

/* What one round measured, sent from the child through a pipe. */
struct round {
	int err;		/* 0, or -errno of the phase that failed */
	double parse_ms;
	double store_ms;
	double index_ms;
	double gen_ms;
	double swap_ms;
	size_t rules;		/* rules the parser gave */
	size_t slots;		/* occupied slots of the generation */
	long long kernel_bytes;	/* memlock of the generation map */
	long long map_bytes;	/* value_size * max_entries */
	long base_kb;		/* resident before the parse */
	long peak_kb;		/* ru_maxrss, filled in by the parent */
};

/* A "Key: value" number from a /proc file, or -1. */
static long long proc_value(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long v = -1;
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/*
 * The list: plain names, which load as name-and-subtree rules, and one in
 * six "*.name", which loads as a below-only rule.
 */
static int write_list(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");
	char name[128];
	int err = 0;

	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (size_t i = 0; i < n; i++) {
		bool wildcard = blocknames_rng() % 6 == 5;

		blocknames_name(name, sizeof(name), i);
		fprintf(f, "%s%s\n", wildcard ? "*." : "", name);
	}
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The live policy before the load: one rule, so the swap replaces a table. */
static int activate_previous(struct xdpdns *skel)
{
	struct xdpdns_rule r = { .kind = XDPDNS_KIND_EXACT, .action = XDPDNS_ACT_DROP, .feed = 1 };
	struct xdpdns_gen *gen = xdpdns_gen_create(16, 1);
	const char *why;
	int err;

	if (!gen)
		return -errno;
	err = xdpdns_name_parse("previous.example", &r.name, &why);
	if (!err)
		err = xdpdns_gen_insert(gen, &r);
	if (!err)
		err = xdpdns_gen_activate(gen, bpf_map__fd(skel->maps.xdpdns_policy),
					  bpf_map__fd(skel->maps.xdpdns_depths));
	xdpdns_gen_close(gen);
	return err;
}

static void gen_memory(const struct xdpdns_gen *gen, struct round *r)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", xdpdns_gen_fd(gen));
	r->kernel_bytes = proc_value(path, "memlock");
	if (!bpf_obj_get_info_by_fd(xdpdns_gen_fd(gen), &info, &len))
		r->map_bytes = (long long)info.value_size * info.max_entries;
}

/* Index and generation, as `xdpdns load` builds them from the state. */
static int compile_timed(const struct xdpdns_state *st, struct xdpdns_gen **gen,
			 struct round *r)
{
	const struct xdpdns_feed *order[2];
	struct xdpdns_ruleset *rs;
	double t0 = xdpdns_now_ms();
	size_t kept;
	int err;

	if (st->nfeeds != 1)		/* order[] holds the hand rules and one feed */
		return -EINVAL;
	rs = xdpdns_ruleset_build(order, xdpdns_state_order(st, order));
	if (!rs)
		return -errno;
	r->index_ms = xdpdns_now_ms() - t0;

	t0 = xdpdns_now_ms();
	err = xdpdns_ruleset_compile(rs, 2, gen, &kept);
	xdpdns_ruleset_free(rs);
	r->gen_ms = xdpdns_now_ms() - t0;
	return err;
}

/* Parse, store, compile, swap; the skeleton is loaded before the clock runs. */
static int phases(struct xdpdns *skel, const struct xdpdns_load_spec *spec, const char *dir,
		  struct round *r)
{
	struct xdpdns_feed scratch = {};
	struct xdpdns_load_result res;
	struct xdpdns_gen *gen = NULL;
	struct xdpdns_state st;
	double t0;
	int err;

	err = xdpdns_state_open(&st, dir, true);
	if (err)
		return err;
	r->base_kb = proc_value("/proc/self/status", "VmRSS");

	t0 = xdpdns_now_ms();
	err = xdpdns_load_read(spec, &scratch, &res);
	r->parse_ms = xdpdns_now_ms() - t0;
	r->rules = res.new_rules;

	t0 = xdpdns_now_ms();
	if (!err)
		err = xdpdns_load_replace(&st, spec, &scratch, &res);
	r->store_ms = xdpdns_now_ms() - t0;

	if (!err)
		err = compile_timed(&st, &gen, r);

	t0 = xdpdns_now_ms();
	if (!err)
		err = xdpdns_gen_activate(gen, bpf_map__fd(skel->maps.xdpdns_policy),
					  bpf_map__fd(skel->maps.xdpdns_depths));
	r->swap_ms = xdpdns_now_ms() - t0;

	if (gen) {
		gen_memory(gen, r);
		r->slots = xdpdns_gen_header(gen)->rules;
	}
	xdpdns_gen_close(gen);
	xdpdns_load_scratch_free(&scratch);
	xdpdns_state_close(&st);
	return err;
}

static void child(const char *list, const char *dir, int out)
{
	struct xdpdns_load_spec spec = {
		.feed = "bench",
		.path = list,
		.source = list,
		.format = XDPDNS_FMT_DOMAINS,
		.action = XDPDNS_ACT_NXDOMAIN,
		.kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW,
		.max_shrink = -1,
	};
	struct round r = {};
	struct xdpdns *skel = xdpdns__open_and_load();

	if (!skel)
		r.err = -errno;
	if (!r.err)
		r.err = activate_previous(skel);
	if (!r.err)
		r.err = phases(skel, &spec, dir, &r);
	if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	xdpdns__destroy(skel);
	_exit(r.err ? 1 : 0);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* One round in a child of its own; its state directory is removed after. */
static int run_round(const char *list, const char *dir, struct round *r)
{
	struct rusage ru;
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (!pid) {
		close(fds[0]);
		child(list, dir, fds[1]);
	}
	close(fds[1]);
	got = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	if (got != (ssize_t)sizeof(*r))
		return -EPIPE;
	r->peak_kb = ru.ru_maxrss;
	return r->err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The columns of the table, each a figure of one round. */
enum column {
	COL_PARSE,
	COL_INDEX,
	COL_GEN,
	COL_SWAP,
	COL_LIVE,
	COL_STORE,
	COL_PEAK_MIB,
	COL_USER,
	COL_COUNT,
};

static double figure(const struct round *r, enum column c)
{
	switch (c) {
	case COL_PARSE:
		return r->parse_ms;
	case COL_INDEX:
		return r->index_ms;
	case COL_GEN:
		return r->gen_ms;
	case COL_SWAP:
		return r->swap_ms;
	case COL_LIVE:
		/* From the file to enforcement: what the aim for one million counts. */
		return r->parse_ms + r->index_ms + r->gen_ms + r->swap_ms;
	case COL_STORE:
		return r->store_ms;
	case COL_PEAK_MIB:
		return r->peak_kb / 1024.0;
	case COL_USER:
		/* The peak less what was resident before and the mapped generation. */
		return ((r->peak_kb - r->base_kb) * 1024.0 - r->map_bytes) / r->rules;
	default:
		return 0;
	}
}

static double median_of(const struct round *rs, int n, enum column c)
{
	double v[ROUNDS_MAX];

	for (int i = 0; i < n; i++)
		v[i] = figure(&rs[i], c);
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void print_header(int rounds)
{
	printf("\n| names (median of %d) | parse ms | index ms | generation ms | swap ms | "
	       "live ms | store ms | peak RSS MiB | user B/rule | kernel B/rule |\n", rounds);
	printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
}

static void print_row(size_t n, const struct round *rs, int rounds)
{
	static const char *const fmt[COL_COUNT] = {
		[COL_PEAK_MIB] = " %.0f |",
		[COL_USER] = " %.0f |",
	};

	printf("| %zu |", n);
	for (int c = 0; c < COL_COUNT; c++)
		printf(fmt[c] ? fmt[c] : " %.1f |", median_of(rs, rounds, c));
	printf(" %.1f |\n", (double)rs[0].kernel_bytes / rs[0].rules);
}

/* Would a round of n names fit in memory and on the disk of dir? */
static bool fits(size_t n, const char *dir)
{
	long long avail_kb = proc_value("/proc/meminfo", "MemAvailable");
	unsigned long long need = (unsigned long long)n * BYTES_PER_NAME_MAX;
	struct statvfs vfs;

	if (avail_kb < 0 || (unsigned long long)avail_kb * 1024 < need) {
		printf("%zu names skipped: a round needs up to %llu MiB, %lld MiB available\n",
		       n, need >> 20, avail_kb >> 10);
		return false;
	}
	if (statvfs(dir, &vfs) ||
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize < n * FILE_BYTES_PER_NAME) {
		printf("%zu names skipped: not enough free space in %s\n", n, dir);
		return false;
	}
	return true;
}

/* Every round of one size; the row's details go to the lines above the table. */
static int bench_size(size_t n, int rounds, const char *base, struct round *rs)
{
	char *list = NULL, *dir = NULL;
	int err = -ENOMEM;

	if (asprintf(&list, "%s/names-%zu.txt", base, n) < 0 ||
	    asprintf(&dir, "%s/state", base) < 0)
		goto out;
	err = write_list(list, n);
	if (err) {
		fprintf(stderr, "error: cannot write '%s': %s\n", list, strerror(-err));
		goto out;
	}
	for (int i = 0; i < rounds && !err; i++)
		err = run_round(list, dir, &rs[i]);
	unlink(list);
	if (err) {
		fprintf(stderr, "error: a round of %zu names failed: %s\n", n, strerror(-err));
		goto out;
	}
	printf("%zu names: %zu rules read, %zu slots in the generation, map %lld bytes "
	       "(value_size * max_entries), memlock %lld bytes\n", n, rs[0].rules, rs[0].slots,
	       rs[0].map_bytes, rs[0].kernel_bytes);
out:
	free(list);
	free(dir);
	return err;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_feeds [ROUNDS [NAMES...]]  (rounds 1 to %d, default %d; "
		"up to %d sizes, default 100000 1000000 10000000)\n", ROUNDS_MAX, ROUNDS_DEFAULT,
		SIZES_MAX);
	return 2;
}

int main(int argc, char **argv)
{
	static struct round rs[SIZES_MAX][ROUNDS_MAX];
	size_t sizes[SIZES_MAX] = { 100000, 1000000, 10000000 }, nsizes = 3;
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS_DEFAULT;
	const char *tmp = getenv("TMPDIR");
	bool done[SIZES_MAX] = {};
	bool failed = false;
	char base[4096];

	if (rounds < 1 || rounds > ROUNDS_MAX || argc - 2 > SIZES_MAX)
		return usage();
	for (int i = 2; i < argc; i++) {
		sizes[i - 2] = strtoul(argv[i], NULL, 10);
		if (!sizes[i - 2])
			return usage();
		nsizes = i - 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "error: bench_feeds needs root to create BPF maps\n");
		return 1;
	}
	snprintf(base, sizeof(base), "%s/xdpdns-bench-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		fprintf(stderr, "error: cannot create '%s': %s\n", base, strerror(errno));
		return 1;
	}

	for (size_t s = 0; s < nsizes; s++) {
		if (!fits(sizes[s], base))
			continue;
		done[s] = !bench_size(sizes[s], rounds, base, rs[s]);
		failed |= !done[s];
	}
	rmdir(base);

	print_header(rounds);
	for (size_t s = 0; s < nsizes; s++)
		if (done[s])
			print_row(sizes[s], rs[s], rounds);
	return failed ? 1 : 0;
}
