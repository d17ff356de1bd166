// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench-datapath: nanoseconds per packet through BPF_PROG_TEST_RUN,
 * with a million rules loaded, against a bare XDP_DROP program measured in
 * the same run.
 *
 * Hot: one frame run 200,000 times in one call, the kernel reporting the
 * mean time per run in whole ns (so a 10 ns floor is known to +-5%); the
 * floor and each case alternate for fifteen rounds and the table gives the
 * medians, the ratio being the median of the rounds' ratios. Cold: 100,000
 * different frames, each run once, so the policy table is out of cache as
 * under a random-subdomain flood; each call reports the time of its one run,
 * timer reads included, and the floor runs the same frames the same way,
 * alternating with the case frame by frame.
 *
 * A frame the program answers is rewritten in place and a repeat would see
 * the answer, not the query. Hits are therefore measured with the drop
 * action (hot and cold), which costs the same lookup, and the answer path
 * apart, with one-run calls against a floor measured the same way.
 *
 * With --sweep DIR (make bench), the same measurements over rule counts of
 * 10 thousand to 10 million (a fresh program and generation for each) and,
 * with a million rules, over names of 2 to 20 labels; fewer rounds and
 * frames per point, so the sweep fits in a few minutes. The figures go to
 * DIR/rules.dat and DIR/labels.dat for the plots, and as tables to stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "drop.skel.h"
#include "xdpdns.skel.h"
#include "config.h"
#include "policy.h"
#include "blocknames.h"
#include "pkt.h"

#define RULES		1000000
#define HOT_REPEAT	200000
#define ROUNDS		15	/* hot: median of this many floor/case pairs */
#define COLD_FRAMES	100000
#define ANSWER_RUNS	200000
#define SWEEP_REPEAT	100000
#define SWEEP_ROUNDS	7
#define SWEEP_COLD	5000	/* fewer than the exact rules of the smallest count */
#define SWEEP_LABELS_MIN	2
#define SWEEP_LABELS_MAX	20

struct frame {
	__u8 data[512];
	__u32 len;
};

static int add_rule(struct xdpdns_gen *gen, const char *text, __u8 kind)
{
	struct xdpdns_rule r = { .kind = kind, .action = XDPDNS_ACT_DROP, .feed = 1 };
	const char *why;

	if (xdpdns_name_parse(text, &r.name, &why)) {
		fprintf(stderr, "error: bad benchmark name '%s': %s\n", text, why);
		return -1;
	}
	return xdpdns_gen_insert(gen, &r);
}

static char (*exact_names)[128];
static char (*below_names)[128];

/* Rules of which half name-and-subtree, a third exact, the rest below. */
static int build_rules(struct xdpdns_gen *gen, __u32 rules)
{
	int n_exact = 0, n_below = 0;
	char name[128];

	if (!exact_names)
		exact_names = calloc(COLD_FRAMES, sizeof(*exact_names));
	if (!below_names)
		below_names = calloc(COLD_FRAMES, sizeof(*below_names));
	if (!exact_names || !below_names)
		return -ENOMEM;

	for (__u64 i = 0; i < rules; i++) {
		int shape = blocknames_rng() % 6;
		__u8 kind = shape < 3 ? XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW :
			    shape < 5 ? XDPDNS_KIND_EXACT : XDPDNS_KIND_BELOW;

		blocknames_name(name, sizeof(name), i);
		if (add_rule(gen, name, kind)) {
			fprintf(stderr, "error: rule %llu '%s' does not fit\n",
				(unsigned long long)i, name);
			return -1;
		}
		if ((kind & XDPDNS_KIND_EXACT) && n_exact < COLD_FRAMES)
			strcpy(exact_names[n_exact++], name);
		if ((kind & XDPDNS_KIND_BELOW) && n_below < COLD_FRAMES)
			strcpy(below_names[n_below++], name);
	}
	return add_rule(gen, "exact-hit.example", XDPDNS_KIND_EXACT) ||
	       add_rule(gen, "blocked.example", XDPDNS_KIND_BELOW) ||
	       add_rule(gen, "labels-hit.example", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW);
}

static int make_query(struct frame *f, const char *name)
{
	int len = pkt_query(f->data, sizeof(f->data), name, PKT_TYPE_A);

	if (len < 0) {
		fprintf(stderr, "error: cannot build a query for '%s'\n", name);
		return -1;
	}
	f->len = len;
	return 0;
}

static int make_ntp(struct frame *f)
{
	struct pkt_spec spec = { .dport = 123, .qname = "not.dns.example" };
	int len = pkt_build(&spec, f->data, sizeof(f->data));

	f->len = len;
	return len < 0 ? -1 : 0;
}

/* Mean ns per run of `repeat` runs of one frame; -1 on error. */
static double run(int prog_fd, const struct frame *f, int repeat, __u32 *retval)
{
	__u8 out[PKT_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = f->data,
		.data_size_in = f->len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "error: BPF_PROG_TEST_RUN failed: %s\n", strerror(errno));
		return -1;
	}
	if (retval)
		*retval = opts.retval;
	return opts.duration;
}

/* A case against the floor: times in ns and their ratio. */
struct measure {
	double ns;
	double floor;
	double ratio;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/*
 * Every round runs the floor and then each case, so that a slow spell of
 * this shared machine weighs on all cases alike rather than on one.
 */
static int hot_rounds(int prog, int floor_prog, const struct frame *frames, int n,
		      int repeat, int rounds, struct measure *m)
{
	double ns[n][rounds], floor_ns[n][rounds], ratio[n][rounds];

	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < n; k++) {
			floor_ns[k][r] = run(floor_prog, &frames[k], repeat, NULL);
			ns[k][r] = run(prog, &frames[k], repeat, NULL);
			if (ns[k][r] < 0 || floor_ns[k][r] <= 0)
				return -1;
			ratio[k][r] = ns[k][r] / floor_ns[k][r];
		}
	}
	for (int k = 0; k < n; k++) {
		m[k].ns = median(ns[k], rounds);
		m[k].floor = median(floor_ns[k], rounds);
		m[k].ratio = median(ratio[k], rounds);
	}
	return 0;
}

static int hot(int prog, int floor_prog, const struct frame *frames, int n, struct measure *m)
{
	return hot_rounds(prog, floor_prog, frames, n, HOT_REPEAT, ROUNDS, m);
}

/* One-run calls over n frames, floor and case alternating frame by frame. */
static int cold(int prog, int floor_prog, const struct frame *frames, int n, __u32 want,
		struct measure *m)
{
	double sum = 0, floor_sum = 0;

	for (int i = 0; i < n; i++) {
		double floor_ns = run(floor_prog, &frames[i], 1, NULL);
		__u32 ret;
		double ns = run(prog, &frames[i], 1, &ret);

		if (ns < 0 || floor_ns < 0)
			return -1;
		if (ret != want) {
			fprintf(stderr, "error: frame %d returned %u, expected %u\n", i, ret, want);
			return -1;
		}
		sum += ns;
		floor_sum += floor_ns;
	}
	m->ns = sum / n;
	m->floor = floor_sum / n;
	m->ratio = sum / floor_sum;
	return 0;
}

struct row {
	const char *name;
	struct measure hot;
	struct measure cold;	/* ns 0: not measured */
};

static void print_table(const struct row *rows, int n)
{
	printf("\n| case | hot ns | hot floor ns | hot / floor | cold ns | cold floor ns | "
	       "cold / floor |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		printf("| %s | %.1f | %.1f | %.2f | ", r->name, r->hot.ns, r->hot.floor,
		       r->hot.ratio);
		if (r->cold.ns > 0)
			printf("%.1f | %.1f | %.2f |\n", r->cold.ns, r->cold.floor, r->cold.ratio);
		else
			printf("- | - | - |\n");
	}
}

static int set_config(struct xdpdns *skel)
{
	struct xdpdns_config cfg;
	__u32 zero = 0;

	/*
	 * Events on, at the daemon's default rate: a hit measured 200,000
	 * times is, past the bucket's first 1000, the flood the limit refuses.
	 */
	xdpdns_config_default(&cfg);
	cfg.event_rate = XDPDNS_EVENT_RATE_DEFAULT;
	return bpf_map_update_elem(bpf_map__fd(skel->maps.xdpdns_config), &zero, &cfg, 0);
}

/* Labels l1 to lN then tail: a name of n + the tail's labels. */
static void name_of_labels(char *name, size_t size, int n, const char *tail)
{
	int len = 0;

	for (int l = 1; l <= n; l++)
		len += snprintf(name + len, size - len, "l%d.", l);
	snprintf(name + len, size - len, "%s", tail);
}

/* n frames of one kind; "missL" names have `labels` labels, all random. */
static struct frame *cold_frames(const char *kind, int n, int labels)
{
	struct frame *frames = calloc(n, sizeof(*frames));
	char name[300], a[16], b[16];

	if (!frames)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (!strcmp(kind, "missL")) {
			int len = 0;

			for (int l = 0; l < labels - 2; l++) {
				blocknames_label(a, 2, 6);
				len += snprintf(name + len, sizeof(name) - len, "%s.", a);
			}
			snprintf(name + len, sizeof(name) - len, "n%d.com", i);
		} else if (!strcmp(kind, "miss4")) {
			blocknames_label(a, 3, 10);
			blocknames_label(b, 5, 14);
			snprintf(name, sizeof(name), "%s.%s%d.example.com", a, b, i);
		} else if (!strcmp(kind, "miss20")) {
			int len = 0;

			for (int l = 0; l < 19; l++) {
				blocknames_label(a, 2, 6);
				len += snprintf(name + len, sizeof(name) - len, "%s.", a);
			}
			snprintf(name + len, sizeof(name) - len, "n%d.com", i);
		} else if (!strcmp(kind, "exact")) {
			snprintf(name, sizeof(name), "%s", exact_names[i]);
		} else {
			snprintf(name, sizeof(name), "a.b.c.%s", below_names[i]);
		}
		if (make_query(&frames[i], name)) {
			free(frames);
			return NULL;
		}
	}
	return frames;
}

/*
 * The answer path: the exact rule turned to NXDOMAIN, one-run calls on the
 * same query (data_in is copied for each call, so each run sees the query),
 * and the floor measured the same way, alternating.
 */
static int measure_answer(struct xdpdns_gen *gen, int prog, int floor_prog,
			  const struct frame *query)
{
	struct xdpdns_rule r = { .kind = XDPDNS_KIND_EXACT, .action = XDPDNS_ACT_NXDOMAIN,
				 .feed = 2 };
	double floor_ns = 0, answer_ns = 0;
	const char *why;
	__u32 ret;

	if (xdpdns_name_parse("exact-hit.example", &r.name, &why) || xdpdns_gen_insert(gen, &r))
		return -1;

	for (int i = 0; i < ANSWER_RUNS; i++) {
		double a = run(floor_prog, query, 1, NULL);
		double b = run(prog, query, 1, &ret);

		if (a < 0 || b < 0 || ret != XDP_TX)
			return -1;
		floor_ns += a;
		answer_ns += b;
	}
	floor_ns /= ANSWER_RUNS;
	answer_ns /= ANSWER_RUNS;
	printf("exact hit answered NXDOMAIN, one-run calls: %.1f ns, floor %.1f ns, "
	       "ratio %.2f\n", answer_ns, floor_ns, answer_ns / floor_ns);
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The program loaded and a generation of `rules` rules built and live in it. */
static int load_policy(__u32 rules, struct xdpdns **skel, struct xdpdns_gen **gen)
{
	struct timespec t0;

	*skel = xdpdns__open_and_load();
	if (!*skel || set_config(*skel)) {
		fprintf(stderr, "error: cannot load the program (run as root)\n");
		return -1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*gen = xdpdns_gen_create(rules + 3, 1);
	if (!*gen || build_rules(*gen, rules) ||
	    xdpdns_gen_activate(*gen, bpf_map__fd((*skel)->maps.xdpdns_policy),
				bpf_map__fd((*skel)->maps.xdpdns_depths))) {
		fprintf(stderr, "error: cannot build the rule table\n");
		return -1;
	}
	printf("%u rules built and live in %.0f ms (%u slots used)\n", rules + 3,
	       ms_since(&t0), xdpdns_gen_header(*gen)->rules);
	return 0;
}

static const char *name_20_labels =
	"a1.b2.c3.d4.e5.f6.g7.h8.i9.j10.k11.l12.m13.n14.o15.p16.q17.r18.s19.com";

/* make bench-datapath: the table of the README, with a million rules. */
static int run_default(int floor_prog)
{
	struct frame miss4, miss20, exact, below, ntp;
	struct row rows[5] = {};
	struct xdpdns_gen *gen;
	struct xdpdns *skel;
	int prog;

	if (load_policy(RULES, &skel, &gen))
		return -1;
	prog = bpf_program__fd(skel->progs.xdpdns_filter);

	if (make_query(&miss4, "www.not-listed.example.com") ||
	    make_query(&miss20, name_20_labels) || make_query(&exact, "exact-hit.example") ||
	    make_query(&below, "x.y.z.blocked.example") || make_ntp(&ntp))
		return -1;

	rows[0].name = "non-DNS UDP";
	rows[1].name = "4-label miss";
	rows[2].name = "exact hit";
	rows[3].name = "subtree hit, 3 labels below";
	rows[4].name = "20-label miss";
	{
		struct frame hot_frames[5] = { ntp, miss4, exact, below, miss20 };
		struct measure hot_m[5];

		if (hot(prog, floor_prog, hot_frames, 5, hot_m))
			return -1;
		for (int k = 0; k < 5; k++)
			rows[k].hot = hot_m[k];
	}

	for (int k = 0; k < 4; k++) {
		static const char *kinds[] = { "miss4", "exact", "below", "miss20" };
		__u32 want = k == 1 || k == 2 ? XDP_DROP : XDP_PASS;
		struct frame *f = cold_frames(kinds[k], COLD_FRAMES, 0);

		if (!f || cold(prog, floor_prog, f, COLD_FRAMES, want, &rows[k + 1].cold))
			return -1;
		free(f);
	}

	if (measure_answer(gen, prog, floor_prog, &exact))
		return -1;
	print_table(rows, 5);

	xdpdns_gen_close(gen);
	xdpdns__destroy(skel);
	return 0;
}

static void write_measure(FILE *f, const struct measure *m)
{
	fprintf(f, " %.1f %.1f %.3f", m->ns, m->floor, m->ratio);
}

/* Misses, exact and subtree hits, hot and cold, at one rule count. */
static int sweep_rules_point(int prog, int floor_prog, struct row *rows)
{
	static const char *kinds[] = { "miss4", "exact", "below" };
	static const __u32 want[] = { XDP_PASS, XDP_DROP, XDP_DROP };
	struct frame hot_frames[3];
	struct measure hot_m[3];

	if (make_query(&hot_frames[0], "www.not-listed.example.com") ||
	    make_query(&hot_frames[1], "exact-hit.example") ||
	    make_query(&hot_frames[2], "x.y.z.blocked.example") ||
	    hot_rounds(prog, floor_prog, hot_frames, 3, SWEEP_REPEAT, SWEEP_ROUNDS, hot_m))
		return -1;

	for (int k = 0; k < 3; k++) {
		struct frame *f = cold_frames(kinds[k], SWEEP_COLD, 0);

		rows[k].hot = hot_m[k];
		if (!f || cold(prog, floor_prog, f, SWEEP_COLD, want[k], &rows[k].cold))
			return -1;
		free(f);
	}
	return 0;
}

/* A miss and a subtree hit of each length, hot; the miss cold too. */
static int sweep_labels(int prog, int floor_prog, FILE *out)
{
	int n = SWEEP_LABELS_MAX - SWEEP_LABELS_MIN + 1;
	struct row rows[2 * n];
	char names[2 * n][40];

	memset(rows, 0, sizeof(rows));
	for (int i = 0; i < n; i++) {
		int labels = SWEEP_LABELS_MIN + i;
		struct frame hot_frames[2], *f;
		char name[300];
		struct measure m[2];

		name_of_labels(name, sizeof(name), labels - 2, "not-listed.com");
		if (make_query(&hot_frames[0], name))
			return -1;
		name_of_labels(name, sizeof(name), labels - 2, "labels-hit.example");
		if (make_query(&hot_frames[1], name) ||
		    hot_rounds(prog, floor_prog, hot_frames, 2, SWEEP_REPEAT, SWEEP_ROUNDS, m))
			return -1;

		f = cold_frames("missL", SWEEP_COLD, labels);
		if (!f || cold(prog, floor_prog, f, SWEEP_COLD, XDP_PASS, &rows[2 * i].cold))
			return -1;
		free(f);
		rows[2 * i].hot = m[0];
		rows[2 * i + 1].hot = m[1];
		snprintf(names[2 * i], sizeof(names[0]), "%d-label miss", labels);
		snprintf(names[2 * i + 1], sizeof(names[0]), "%d-label subtree hit", labels);
		rows[2 * i].name = names[2 * i];
		rows[2 * i + 1].name = names[2 * i + 1];

		fprintf(out, "%d", labels);
		write_measure(out, &m[0]);
		write_measure(out, &m[1]);
		write_measure(out, &rows[2 * i].cold);
		fprintf(out, "\n");
	}
	printf("\nWith %d rules, by the labels of the name (hot: median of %d rounds; "
	       "cold: %d names):\n", RULES, SWEEP_ROUNDS, SWEEP_COLD);
	print_table(rows, 2 * n);
	return 0;
}

static FILE *open_dat(const char *dir, const char *file, const char *header)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
	else
		fprintf(f, "%s\n", header);
	return f;
}

/* make bench: the figures over rule counts and name lengths, into dir. */
static int run_sweep(int floor_prog, const char *dir)
{
	static const __u32 counts[] = { 10000, 100000, 1000000, 10000000 };
	struct row rows[3 * 4];
	char names[3 * 4][40];
	FILE *by_rules, *by_labels;
	int err = 0;

	by_rules = open_dat(dir, "rules.dat", "# rules, then for miss, exact hit, subtree "
			    "hit: hot ns, floor, ratio, cold ns, floor, ratio");
	by_labels = open_dat(dir, "labels.dat", "# labels, hot miss ns, floor, ratio, hot "
			     "subtree hit ns, floor, ratio, cold miss ns, floor, ratio");
	if (!by_rules || !by_labels)
		return -1;

	for (int c = 0; c < 4 && !err; c++) {
		static const char *cases[] = { "miss", "exact hit", "subtree hit" };
		struct xdpdns_gen *gen;
		struct xdpdns *skel;
		int prog;

		err = load_policy(counts[c], &skel, &gen);
		if (err)
			break;
		prog = bpf_program__fd(skel->progs.xdpdns_filter);
		err = sweep_rules_point(prog, floor_prog, &rows[3 * c]);
		fprintf(by_rules, "%u", counts[c]);
		for (int k = 0; k < 3; k++) {
			snprintf(names[3 * c + k], sizeof(names[0]), "%u rules, %s", counts[c],
				 cases[k]);
			rows[3 * c + k].name = names[3 * c + k];
			write_measure(by_rules, &rows[3 * c + k].hot);
			write_measure(by_rules, &rows[3 * c + k].cold);
		}
		fprintf(by_rules, "\n");
		if (!err && counts[c] == RULES)
			err = sweep_labels(prog, floor_prog, by_labels);
		xdpdns_gen_close(gen);
		xdpdns__destroy(skel);
	}
	if (!err) {
		printf("\nBy rule count (hot: median of %d rounds of %d runs; cold: %d names):\n",
		       SWEEP_ROUNDS, SWEEP_REPEAT, SWEEP_COLD);
		print_table(rows, 3 * 4);
	}
	fclose(by_rules);
	fclose(by_labels);
	return err;
}

int main(int argc, char **argv)
{
	struct drop *floor_skel;
	int floor_prog, err;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "--sweep"))) {
		fprintf(stderr, "usage: bench_datapath [--sweep DIR]\n");
		return 2;
	}
	floor_skel = drop__open_and_load();
	if (!floor_skel) {
		fprintf(stderr, "error: cannot load the floor program (run as root)\n");
		return 1;
	}
	floor_prog = bpf_program__fd(floor_skel->progs.xdpdns_floor);

	err = argc == 3 ? run_sweep(floor_prog, argv[2]) : run_default(floor_prog);
	drop__destroy(floor_skel);
	return err ? 1 : 0;
}
