// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the state directory (user/store.c) and of the compiler from
 * ordered feeds to one generation (user/ruleset.c). The feed-order cases are
 * those of ../shared/RPZ.md (C1 to C7, C12); the compiled generation is read
 * back with the datapath's own lookup (xdpdns_gen_match) and compared, name
 * by name, with a reference that applies the feed-order rule directly. The
 * generations are real BPF maps: without CAP_BPF those tests are skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "names.h"
#include "ruleset.h"
#include "store.h"

#define SUBTREE		(XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW)
#define FEEDS_MAX	70

struct fixture {
	struct xdpdns_feed feed[FEEDS_MAX];
	const struct xdpdns_feed *order[FEEDS_MAX];
	size_t n;
	struct xdpdns_ruleset *rs;
	struct xdpdns_gen *gen;
};

static void name_of(const char *text, struct xdpdns_name *name)
{
	const char *why = NULL;

	if (xdpdns_name_parse(text, name, &why))
		fail_msg("'%s' refused: %s", text, why);
}

static struct fixture *fixture_new(size_t nfeeds)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->n = nfeeds;
	for (size_t i = 0; i < nfeeds; i++) {
		snprintf(fx->feed[i].name, sizeof(fx->feed[i].name), "f%zu", i);
		fx->feed[i].id = i + 1;
		fx->order[i] = &fx->feed[i];
	}
	return fx;
}

static void add(struct fixture *fx, size_t feed, const char *name, __u8 kind, __u8 action)
{
	struct xdpdns_name n;

	name_of(name, &n);
	assert_int_equal(xdpdns_feed_append(&fx->feed[feed], &n, kind, action, 0, NULL), 0);
}

/* Index and compile; skips the test without the right to create maps. */
static void compile(struct fixture *fx)
{
	size_t kept;
	int err;

	fx->rs = xdpdns_ruleset_build(fx->order, fx->n);
	assert_non_null(fx->rs);
	err = xdpdns_ruleset_compile(fx->rs, 1, &fx->gen, &kept);
	if (err == -EPERM)
		skip();
	assert_int_equal(err, 0);
}

static void fixture_free(struct fixture *fx)
{
	xdpdns_gen_close(fx->gen);
	xdpdns_ruleset_free(fx->rs);
	for (size_t i = 0; i < fx->n; i++) {
		free(fx->feed[i].rules);
		free(fx->feed[i].names);
		free(fx->feed[i].addrs);
	}
	free(fx);
}

static void add_sinkhole(struct fixture *fx, size_t feed, const char *name, __u8 ede,
			 __u32 v4, bool v6)
{
	struct xdpdns_sinkaddr addr = { .v4 = htonl(v4), .v6 = { 0x20, 0x01, 0x0d, 0xb8 } };
	struct xdpdns_name n;

	addr.families = (v4 ? XDPDNS_SINK_A : 0) | (v6 ? XDPDNS_SINK_AAAA : 0);
	name_of(name, &n);
	assert_int_equal(xdpdns_feed_append(&fx->feed[feed], &n, SUBTREE, XDPDNS_ACT_SINKHOLE, ede,
					    addr.families ? &addr : NULL), 0);
}

/* The sinkhole entry the live rule for qname names. */
static void live_sinkhole(const struct fixture *fx, const char *qname, __u8 *index,
			  struct xdpdns_sinkhole *e)
{
	struct xdpdns_match m = {};
	struct xdpdns_name q;

	name_of(qname, &q);
	xdpdns_gen_match(fx->gen, NULL, &q, 0, &m);
	assert_true(m.hit);
	assert_int_equal(m.slot.action, XDPDNS_ACT_SINKHOLE);
	*index = m.slot.ede;
	xdpdns_gen_get_sinkhole(fx->gen, m.slot.ede, e);
}

/* The datapath's verdict for a name: its action and the deciding feed. */
static void live(const struct fixture *fx, const char *qname, int *action, int *feed)
{
	struct xdpdns_match m = {};
	struct xdpdns_name q;

	name_of(qname, &q);
	xdpdns_gen_match(fx->gen, NULL, &q, 0, &m);
	*action = m.hit ? m.slot.action : XDPDNS_ACT_PASS;
	*feed = m.hit ? (int)m.slot.feed : -1;
}

static void expect(const struct fixture *fx, const char *qname, int action, int feed_index)
{
	int got_action, got_feed;

	live(fx, qname, &got_action, &got_feed);
	if (got_action != action || (action != XDPDNS_ACT_PASS && got_feed != feed_index + 1))
		fail_msg("%s: expected %s from feed f%d, got %s from feed id %d", qname,
			 xdpdns_action_name(action), feed_index, xdpdns_action_name(got_action),
			 got_feed);
}

/* Rules with the same addresses and EDE share an entry, across feeds too. */
static void test_sinkhole_entries_deduped(void **state)
{
	struct fixture *fx = fixture_new(2);
	struct xdpdns_sinkhole e;
	__u8 a, b, c, d, plain;

	(void)state;
	add_sinkhole(fx, 0, "one.example", 0, 0xc6120505, false);
	add_sinkhole(fx, 1, "two.example", 0, 0xc6120505, false);
	add_sinkhole(fx, 0, "three.example", 17, 0xc6120505, false);
	add_sinkhole(fx, 0, "four.example", 0, 0xc6120505, true);
	add_sinkhole(fx, 1, "config.example", 16, 0, false);
	add_sinkhole(fx, 1, "plain.example", 0, 0, false);
	compile(fx);

	live_sinkhole(fx, "www.one.example", &a, &e);
	assert_int_equal(e.flags, XDPDNS_SINK_A);
	assert_int_equal(e.v4, htonl(0xc6120505));
	assert_int_equal(e.ede, 0);
	live_sinkhole(fx, "two.example", &b, &e);
	assert_int_equal(a, b);
	live_sinkhole(fx, "three.example", &c, &e);
	assert_int_not_equal(c, a);
	assert_int_equal(e.ede, 17);
	live_sinkhole(fx, "four.example", &d, &e);
	assert_int_equal(e.flags, XDPDNS_SINK_A | XDPDNS_SINK_AAAA);
	assert_int_equal(e.v6[3], 0xb8);
	assert_true(d != a && d != c);
	live_sinkhole(fx, "config.example", &d, &e);
	assert_int_equal(e.flags, XDPDNS_SINK_CONFIG);
	assert_int_equal(e.ede, 16);
	assert_int_not_equal(d, 0);

	/* The configured addresses with EDE 15 need no entry. */
	live_sinkhole(fx, "plain.example", &plain, &e);
	assert_int_equal(plain, 0);
	assert_int_equal(e.flags, XDPDNS_SINK_CONFIG);
	fixture_free(fx);
}

/*
 * Past 255 distinct entries a sinkhole rule is passed to the resolver as an
 * allow of its feed, never answered half right, and never left to a later
 * feed's rule further up.
 */
static void test_sinkhole_entries_bounded(void **state)
{
	struct fixture *fx = fixture_new(2);
	char name[32];
	int action, feed;

	(void)state;
	for (int i = 0; i < XDPDNS_SINKHOLES_MAX + 2; i++) {
		snprintf(name, sizeof(name), "s%d.example", i);
		add_sinkhole(fx, 0, name, 0, 0xc6120000 + i, false);
	}
	add(fx, 1, "example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	compile(fx);

	snprintf(name, sizeof(name), "s%d.example", XDPDNS_SINKHOLES_MAX - 1);
	expect(fx, name, XDPDNS_ACT_SINKHOLE, 0);
	snprintf(name, sizeof(name), "s%d.example", XDPDNS_SINKHOLES_MAX);
	expect(fx, name, XDPDNS_ACT_ALLOW, 0);
	snprintf(name, sizeof(name), "www.s%d.example", XDPDNS_SINKHOLES_MAX + 1);
	expect(fx, name, XDPDNS_ACT_ALLOW, 0);
	live(fx, "other.example", &action, &feed);
	assert_int_equal(action, XDPDNS_ACT_NXDOMAIN);
	fixture_free(fx);
}

static void test_exact_beats_wildcard_in_one_feed(void **state)
{
	struct fixture *fx = fixture_new(1);

	(void)state;
	add(fx, 0, "sub1.example", XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);
	add(fx, 0, "a4-1.sub1.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_REFUSED);
	add(fx, 0, "c.sub1.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	compile(fx);

	expect(fx, "a4-1.sub1.example", XDPDNS_ACT_REFUSED, 0);	/* C1 */
	expect(fx, "x.sub1.example", XDPDNS_ACT_NXDOMAIN, 0);
	expect(fx, "c.sub1.example", XDPDNS_ACT_ALLOW, 0);		/* C2 */
	expect(fx, "d.c.sub1.example", XDPDNS_ACT_NXDOMAIN, 0);
	expect(fx, "sub1.example", XDPDNS_ACT_PASS, 0);		/* below only */
	fixture_free(fx);
}

static void test_first_feed_wins_same_name(void **state)
{
	struct fixture *fx = fixture_new(2);

	(void)state;
	add(fx, 0, "a4-4.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	add(fx, 1, "a4-4.example", SUBTREE, XDPDNS_ACT_SINKHOLE);
	add(fx, 1, "d.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_NODATA);
	compile(fx);

	expect(fx, "a4-4.example", XDPDNS_ACT_NXDOMAIN, 0);		/* C3 */
	expect(fx, "www.a4-4.example", XDPDNS_ACT_NXDOMAIN, 0);
	expect(fx, "d.example", XDPDNS_ACT_NODATA, 1);		/* C4 */
	fixture_free(fx);
}

static void test_feed_order_beats_specificity(void **state)
{
	struct fixture *fx = fixture_new(2);

	(void)state;
	add(fx, 0, "bad-wildcard.example", XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);
	add(fx, 1, "sub.bad-wildcard.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	add(fx, 1, "deep.sub.bad-wildcard.example", SUBTREE, XDPDNS_ACT_REFUSED);
	compile(fx);

	expect(fx, "sub.bad-wildcard.example", XDPDNS_ACT_NXDOMAIN, 0);	/* C5 */
	expect(fx, "x.deep.sub.bad-wildcard.example", XDPDNS_ACT_NXDOMAIN, 0);
	fixture_free(fx);
}

static void test_passthru_first_then_block(void **state)
{
	struct fixture *fx = fixture_new(2);

	(void)state;
	add(fx, 0, "g.example", SUBTREE, XDPDNS_ACT_ALLOW);
	add(fx, 1, "c.g.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	add(fx, 1, "example", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	compile(fx);

	expect(fx, "c.g.example", XDPDNS_ACT_ALLOW, 0);		/* C6 */
	expect(fx, "x.c.g.example", XDPDNS_ACT_ALLOW, 0);
	expect(fx, "other.example", XDPDNS_ACT_DROP, 1);
	fixture_free(fx);
}

static void test_block_first_then_passthru(void **state)
{
	struct fixture *fx = fixture_new(2);

	(void)state;
	add(fx, 0, "allowed.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	add(fx, 1, "allowed.example", SUBTREE, XDPDNS_ACT_ALLOW);
	add(fx, 1, "www.allowed.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	compile(fx);

	expect(fx, "allowed.example", XDPDNS_ACT_NXDOMAIN, 0);		/* C7 */
	expect(fx, "www.allowed.example", XDPDNS_ACT_NXDOMAIN, 0);
	fixture_free(fx);
}

/* An earlier feed's narrow rule inside a later feed's wide one still decides. */
static void test_earlier_narrow_inside_later_wide(void **state)
{
	struct fixture *fx = fixture_new(2);

	(void)state;
	add(fx, 0, "ok.ads.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	add(fx, 1, "ads.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	compile(fx);

	expect(fx, "ok.ads.example", XDPDNS_ACT_ALLOW, 0);
	expect(fx, "x.ok.ads.example", XDPDNS_ACT_NXDOMAIN, 1);
	expect(fx, "ads.example", XDPDNS_ACT_NXDOMAIN, 1);
	expect(fx, "example", XDPDNS_ACT_PASS, 0);
	fixture_free(fx);
}

/* Within a feed, a later rule for an owner replaces an earlier one, kind by kind. */
static void test_later_rule_replaces_in_feed(void **state)
{
	struct fixture *fx = fixture_new(1);

	(void)state;
	add(fx, 0, "x.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	add(fx, 0, "x.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_SINKHOLE);
	compile(fx);

	expect(fx, "x.example", XDPDNS_ACT_SINKHOLE, 0);
	expect(fx, "a.x.example", XDPDNS_ACT_NXDOMAIN, 0);
	fixture_free(fx);
}

/* C12: many feeds, each answering for its own names, in order. */
static void test_many_feeds(void **state)
{
	struct fixture *fx = fixture_new(FEEDS_MAX);
	char name[64];

	(void)state;
	for (size_t i = 0; i < FEEDS_MAX; i++) {
		snprintf(name, sizeof(name), "z%zu.example", i);
		add(fx, i, name, SUBTREE, XDPDNS_ACT_NXDOMAIN);
		add(fx, i, "shared.example", SUBTREE, i % 2 ? XDPDNS_ACT_DROP : XDPDNS_ACT_REFUSED);
	}
	compile(fx);

	for (size_t i = 0; i < FEEDS_MAX; i++) {
		snprintf(name, sizeof(name), "www.z%zu.example", i);
		expect(fx, name, XDPDNS_ACT_NXDOMAIN, i);
	}
	expect(fx, "shared.example", XDPDNS_ACT_REFUSED, 0);
	fixture_free(fx);
}

/* The reference: the first feed with any match, its most specific rule. */
static int reference(const struct fixture *fx, const struct xdpdns_name *q, int *feed)
{
	for (size_t f = 0; f < fx->n; f++) {
		const struct xdpdns_feed *fd = &fx->feed[f];
		int best_depth = -1, action = 0;

		for (size_t i = 0; i < fd->nrules; i++) {
			const struct xdpdns_srule *r = &fd->rules[i];
			int d;

			for (d = 0; d < q->labels; d++) {
				int off = q->label_off[d];

				if (q->len - off == r->name_len &&
				    !memcmp(q->wire + off, xdpdns_srule_wire(fd, r), r->name_len))
					break;
			}
			if (d == q->labels)
				continue;
			/* Owner d labels above q: exact needs d == 0, below d > 0. */
			if (!(r->kind & (d ? XDPDNS_KIND_BELOW : XDPDNS_KIND_EXACT)))
				continue;
			/* Most specific wins; among equals the later rule (it replaced). */
			if (best_depth < 0 || d <= best_depth) {
				best_depth = d;
				action = r->action;
			}
		}
		if (best_depth >= 0) {
			*feed = f;
			return action;
		}
	}
	*feed = -1;
	return XDPDNS_ACT_PASS;
}

static void random_name(char *buf, size_t size, unsigned *seed, int max_labels)
{
	static const char *const labels[] = { "a", "b", "c", "dd" };
	int n = 1 + rand_r(seed) % max_labels;
	size_t pos = 0;

	for (int i = 0; i < n; i++)
		pos += snprintf(buf + pos, size - pos, "%s%s", i ? "." : "",
				labels[rand_r(seed) % 4]);
}

/*
 * Random small policies over a tiny alphabet, so that rules nest, collide
 * and shadow one another across feeds; every name up to five labels is
 * checked against the reference.
 */
static void test_random_policies_match_reference(void **state)
{
	static const __u8 kinds[] = { XDPDNS_KIND_EXACT, XDPDNS_KIND_BELOW, SUBTREE };
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 40; round++) {
		struct fixture *fx = fixture_new(1 + rand_r(&seed) % 4);
		char text[128];

		for (int r = 0; r < 12; r++) {
			random_name(text, sizeof(text), &seed, 4);
			add(fx, rand_r(&seed) % fx->n, text, kinds[rand_r(&seed) % 3],
			    XDPDNS_ACT_ALLOW + rand_r(&seed) % (XDPDNS_ACT_COUNT - 1));
		}
		compile(fx);
		for (int q = 0; q < 400; q++) {
			struct xdpdns_name name;
			int want_feed, want, got, got_feed;

			random_name(text, sizeof(text), &seed, 5);
			name_of(text, &name);
			want = reference(fx, &name, &want_feed);
			live(fx, text, &got, &got_feed);
			if (want != got || (want != XDPDNS_ACT_PASS && got_feed != want_feed + 1))
				fail_msg("round %d, %s: reference %s from f%d, generation %s from "
					 "feed id %d", round, text, xdpdns_action_name(want),
					 want_feed, xdpdns_action_name(got), got_feed);
		}
		fixture_free(fx);
	}
}

static void test_explain_winner_and_losers(void **state)
{
	struct fixture *fx = fixture_new(3);
	struct xdpdns_explain out[3];
	struct xdpdns_name q;

	(void)state;
	add(fx, 0, "ads.example", SUBTREE, XDPDNS_ACT_NXDOMAIN);
	add(fx, 1, "other.example", SUBTREE, XDPDNS_ACT_DROP);
	add(fx, 2, "www.ads.example", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	fx->rs = xdpdns_ruleset_build(fx->order, fx->n);
	assert_non_null(fx->rs);

	name_of("WWW.Ads.Example", &q);
	assert_int_equal(xdpdns_ruleset_explain(fx->rs, &q, out, 3), 2);
	assert_ptr_equal(out[0].feed, &fx->feed[0]);
	assert_int_equal(out[0].rule->action, XDPDNS_ACT_NXDOMAIN);
	assert_ptr_equal(out[1].feed, &fx->feed[2]);
	assert_int_equal(out[1].rule->action, XDPDNS_ACT_ALLOW);

	name_of("example", &q);
	assert_int_equal(xdpdns_ruleset_explain(fx->rs, &q, out, 3), 0);
	fixture_free(fx);
}

/* A fresh state directory under /tmp, removed by the caller. */
static char *state_dir(void)
{
	char *dir = strdup("/tmp/xdpdns-test-state-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_state(char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void test_state_round_trip(void **state)
{
	char *dir = state_dir(), text[XDPDNS_NAME_TEXT_MAX];
	struct xdpdns_feed *feed;
	struct xdpdns_state st;
	struct xdpdns_name n;

	(void)state;
	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	name_of("Ads.Example", &n);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, SUBTREE, XDPDNS_ACT_NXDOMAIN, 16, NULL), 0);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW, 0,
					 NULL), 0);
	name_of("odd\\.label.example", &n);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP, 0,
					 NULL), 0);
	feed = xdpdns_state_add_feed(&st, "block", XDPDNS_ACT_NXDOMAIN, "/lists/block.txt");
	assert_non_null(feed);
	name_of("tracker.example", &n);
	assert_int_equal(xdpdns_feed_append(feed, &n, SUBTREE, XDPDNS_ACT_NXDOMAIN, 0, NULL), 0);
	assert_non_null(xdpdns_state_add_feed(&st, "allowlist", XDPDNS_ACT_ALLOW, "/a b/c"));
	feed = xdpdns_state_feed(&st, "block");
	assert_int_equal(xdpdns_state_save_feed(&st, &st.hand), 0);
	assert_int_equal(xdpdns_state_save_feed(&st, feed), 0);
	assert_int_equal(xdpdns_state_save_list(&st), 0);
	xdpdns_state_close(&st);

	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_int_equal(st.hand.nrules, 3);
	/* The later exact allow took the exact bit from the subtree rule. */
	assert_int_equal(st.hand.rules[0].kind, XDPDNS_KIND_BELOW);
	assert_int_equal(st.hand.rules[0].ede, 16);
	assert_int_equal(st.hand.rules[1].action, XDPDNS_ACT_ALLOW);
	xdpdns_name_from_wire(xdpdns_srule_wire(&st.hand, &st.hand.rules[2]),
			      st.hand.rules[2].name_len, &n);
	xdpdns_name_format(&n, text, sizeof(text));
	assert_string_equal(text, "odd\\.label.example");

	assert_int_equal(st.nfeeds, 2);
	assert_string_equal(st.feeds[0].name, "block");
	assert_int_equal(st.feeds[0].id, 1);
	assert_int_equal(st.feeds[0].nrules, 1);
	assert_string_equal(st.feeds[1].source, "/a b/c");
	assert_int_equal(st.feeds[1].id, 2);
	xdpdns_state_close(&st);
	remove_state(dir);
}

static void test_state_feed_order(void **state)
{
	const struct xdpdns_feed *order[4];
	char *dir = state_dir();
	struct xdpdns_state st;

	(void)state;
	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	assert_non_null(xdpdns_state_add_feed(&st, "first-block", XDPDNS_ACT_NXDOMAIN, "x"));
	assert_non_null(xdpdns_state_add_feed(&st, "late-allow", XDPDNS_ACT_ALLOW, "y"));
	assert_non_null(xdpdns_state_add_feed(&st, "second-block", XDPDNS_ACT_DROP, "z"));
	assert_int_equal(xdpdns_state_order(&st, order), 4);
	assert_string_equal(order[0]->name, "hand");
	assert_string_equal(order[1]->name, "late-allow");
	assert_string_equal(order[2]->name, "first-block");
	assert_string_equal(order[3]->name, "second-block");

	/* A dropped feed's id is reused by the next new feed. */
	assert_int_equal(xdpdns_state_drop_feed(&st, xdpdns_state_feed(&st, "late-allow")), 0);
	assert_int_equal(xdpdns_state_add_feed(&st, "new", XDPDNS_ACT_NXDOMAIN, "w")->id, 2);
	xdpdns_state_close(&st);
	remove_state(dir);
}

/* With allow feeds in their listed place, every feed is asked in load order. */
static void test_state_allow_feeds_listed(void **state)
{
	const struct xdpdns_feed *order[3];
	char *dir = state_dir();
	struct xdpdns_state st;

	(void)state;
	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	assert_false(st.allow_listed);
	assert_non_null(xdpdns_state_add_feed(&st, "block", XDPDNS_ACT_NXDOMAIN, "x"));
	assert_non_null(xdpdns_state_add_feed(&st, "allow", XDPDNS_ACT_ALLOW, "y"));
	st.allow_listed = true;
	assert_int_equal(xdpdns_state_save_list(&st), 0);
	xdpdns_state_close(&st);

	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_true(st.allow_listed);
	assert_int_equal(xdpdns_state_order(&st, order), 3);
	assert_string_equal(order[1]->name, "block");
	assert_string_equal(order[2]->name, "allow");
	xdpdns_state_close(&st);

	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	st.allow_listed = false;
	assert_int_equal(xdpdns_state_save_list(&st), 0);
	xdpdns_state_close(&st);
	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_false(st.allow_listed);
	assert_int_equal(xdpdns_state_order(&st, order), 3);
	assert_string_equal(order[1]->name, "allow");
	xdpdns_state_close(&st);
	remove_state(dir);
}

/* Reordering follows the given names, keeps the rest, and survives a save. */
static void test_state_reorder(void **state)
{
	const char *const want[] = { "c", "no-such-feed", "a", "c", "hand" };
	const struct xdpdns_feed *order[5];
	char *dir = state_dir();
	struct xdpdns_state st;

	(void)state;
	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	assert_non_null(xdpdns_state_add_feed(&st, "a", XDPDNS_ACT_NXDOMAIN, "x"));
	assert_non_null(xdpdns_state_add_feed(&st, "b", XDPDNS_ACT_NXDOMAIN, "y"));
	assert_non_null(xdpdns_state_add_feed(&st, "c", XDPDNS_ACT_NXDOMAIN, "z"));
	assert_non_null(xdpdns_state_add_feed(&st, "d", XDPDNS_ACT_NXDOMAIN, "w"));
	xdpdns_state_reorder(&st, want, 5);
	assert_int_equal(xdpdns_state_save_list(&st), 0);
	xdpdns_state_close(&st);

	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_int_equal(xdpdns_state_order(&st, order), 5);
	assert_string_equal(order[0]->name, "hand");
	assert_string_equal(order[1]->name, "c");
	assert_string_equal(order[2]->name, "a");
	assert_string_equal(order[3]->name, "b");
	assert_string_equal(order[4]->name, "d");
	assert_int_equal(xdpdns_state_feed(&st, "c")->id, 3);
	xdpdns_state_close(&st);
	remove_state(dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A damaged state file is refused, naming it, rather than half read. */
static void test_state_bad_line_refused(void **state)
{
	char *dir = state_dir(), path[256];
	struct xdpdns_state st;

	(void)state;
	snprintf(path, sizeof(path), "%s/hand.rules", dir);
	write_file(path, "good.example subtree nxdomain\nbad..example exact drop\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);

	write_file(path, "good.example sideways nxdomain\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	write_file(path, "good.example exact nxdomain 99\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	write_file(path, "# a comment\n\ngood.example exact nxdomain 17\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_int_equal(st.hand.nrules, 1);
	xdpdns_state_close(&st);

	write_file(path, "good.example exact nxdomain A=192.0.2.1\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	write_file(path, "good.example exact sinkhole A=192.0.2.300\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	write_file(path, "good.example exact sinkhole AAAA=2001:db8::1 AAAA=2001:db8::2\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	write_file(path, "good.example exact sinkhole A=192.0.2.1 17\n");
	assert_int_equal(xdpdns_state_open(&st, dir, false), -EINVAL);
	remove_state(dir);
}

/* Addresses of sinkhole rules are written and read back, old lines unchanged. */
static void test_state_sinkhole_round_trip(void **state)
{
	char *dir = state_dir(), path[256], *text;
	struct xdpdns_sinkaddr addr = { .families = XDPDNS_SINK_A };
	const struct xdpdns_sinkaddr *got;
	struct xdpdns_state st;
	struct xdpdns_name n;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(xdpdns_state_open(&st, dir, true), 0);
	name_of("v4.example", &n);
	addr.v4 = htonl(0xc6120505);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, SUBTREE, XDPDNS_ACT_SINKHOLE, 0, &addr), 0);
	name_of("both.example", &n);
	addr.families = XDPDNS_SINK_A | XDPDNS_SINK_AAAA;
	addr.v6[0] = 0x20, addr.v6[1] = 0x01, addr.v6[2] = 0x0d, addr.v6[3] = 0xb8;
	addr.v6[15] = 1;
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, XDPDNS_KIND_EXACT, XDPDNS_ACT_SINKHOLE,
					 16, &addr), 0);
	name_of("v6.example", &n);
	addr.families = XDPDNS_SINK_AAAA;
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, SUBTREE, XDPDNS_ACT_SINKHOLE, 0, &addr), 0);
	name_of("plain.example", &n);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, SUBTREE, XDPDNS_ACT_SINKHOLE, 0, NULL), 0);
	name_of("nx.example", &n);
	assert_int_equal(xdpdns_feed_set(&st.hand, &n, SUBTREE, XDPDNS_ACT_NXDOMAIN, 0, &addr), 0);
	assert_int_equal(xdpdns_state_save_feed(&st, &st.hand), 0);
	xdpdns_state_close(&st);

	snprintf(path, sizeof(path), "%s/hand.rules", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	text = calloc(1, 4096);
	len = fread(text, 1, 4095, f);
	fclose(f);
	assert_true(len > 0);
	assert_string_equal(text, "v4.example subtree sinkhole A=198.18.5.5\n"
				  "both.example exact sinkhole 16 A=198.18.5.5 AAAA=2001:db8::1\n"
				  "v6.example subtree sinkhole AAAA=2001:db8::1\n"
				  "plain.example subtree sinkhole\n"
				  "nx.example subtree nxdomain\n");
	free(text);

	assert_int_equal(xdpdns_state_open(&st, dir, false), 0);
	assert_int_equal(st.hand.nrules, 5);
	got = xdpdns_srule_addr(&st.hand, &st.hand.rules[1]);
	assert_non_null(got);
	assert_int_equal(got->families, XDPDNS_SINK_A | XDPDNS_SINK_AAAA);
	assert_int_equal(got->v4, htonl(0xc6120505));
	assert_memory_equal(got->v6, addr.v6, 16);
	assert_int_equal(st.hand.rules[1].ede, 16);
	assert_int_equal(xdpdns_srule_addr(&st.hand, &st.hand.rules[2])->families,
			 XDPDNS_SINK_AAAA);
	assert_null(xdpdns_srule_addr(&st.hand, &st.hand.rules[3]));
	assert_null(xdpdns_srule_addr(&st.hand, &st.hand.rules[4]));
	xdpdns_state_close(&st);
	remove_state(dir);
}

static void test_state_feed_names(void **state)
{
	(void)state;
	assert_true(xdpdns_feed_name_valid("stevenblack_hosts"));
	assert_true(xdpdns_feed_name_valid("a.b-c"));
	assert_false(xdpdns_feed_name_valid(""));
	assert_false(xdpdns_feed_name_valid("hand"));
	assert_false(xdpdns_feed_name_valid(".hidden"));
	assert_false(xdpdns_feed_name_valid("Upper"));
	assert_false(xdpdns_feed_name_valid("a/b"));
	assert_false(xdpdns_feed_name_valid("a b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_beats_wildcard_in_one_feed),
		cmocka_unit_test(test_first_feed_wins_same_name),
		cmocka_unit_test(test_feed_order_beats_specificity),
		cmocka_unit_test(test_passthru_first_then_block),
		cmocka_unit_test(test_block_first_then_passthru),
		cmocka_unit_test(test_earlier_narrow_inside_later_wide),
		cmocka_unit_test(test_later_rule_replaces_in_feed),
		cmocka_unit_test(test_many_feeds),
		cmocka_unit_test(test_random_policies_match_reference),
		cmocka_unit_test(test_explain_winner_and_losers),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_feed_order),
		cmocka_unit_test(test_state_allow_feeds_listed),
		cmocka_unit_test(test_state_reorder),
		cmocka_unit_test(test_state_bad_line_refused),
		cmocka_unit_test(test_state_feed_names),
		cmocka_unit_test(test_state_sinkhole_round_trip),
		cmocka_unit_test(test_sinkhole_entries_deduped),
		cmocka_unit_test(test_sinkhole_entries_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
