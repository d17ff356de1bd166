// SPDX-License-Identifier: GPL-2.0-only
/*
 * RPZ semantics end to end in userspace: crafted zones read by `xdpdns
 * load`'s reading step (xdpdns_load_read) into a feed, indexed and asked
 * as `xdpdns lookup` asks (xdpdns_ruleset_explain), and, with the right
 * to create maps, compiled into a generation and asked as the datapath
 * asks (xdpdns_gen_match). The cases are those of ../shared/RPZ.md that a
 * filter decides from the query alone: apex against wildcard (A1-A6), case
 * (A10), exact beating wildcard and passthru beating a wider block (C1,
 * C2), each action (B1-B4, B7), local data with its addresses (B7-B9), and
 * the EDE of the feed.
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
#include <cmocka.h>

#include "feedload.h"
#include "names.h"
#include "ruleset.h"

struct zone {
	struct xdpdns_feed feed;
	const struct xdpdns_feed *order[1];
	struct xdpdns_ruleset *rs;
	struct xdpdns_gen *gen;		/* NULL without the right to create maps */
};

/* Read text as an RPZ feed of id 1 with EDE code ede, and index it. */
static struct zone *zone_load(const char *text, __u8 ede)
{
	char path[] = "/tmp/xdpdns-test-rpz-XXXXXX";
	struct zone *z = calloc(1, sizeof(*z));
	struct xdpdns_load_result res;
	struct xdpdns_load_spec spec = {
		.feed = "zone", .path = path, .source = path, .format = XDPDNS_FMT_RPZ,
		.action = XDPDNS_ACT_NXDOMAIN, .ede = ede,
		.kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, .max_shrink = -1,
	};
	size_t kept;
	int fd = mkstemp(path);

	assert_non_null(z);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), strlen(text));
	close(fd);
	assert_int_equal(xdpdns_load_read(&spec, &z->feed, &res), 0);
	unlink(path);
	assert_int_equal(res.counts.bad, 0);

	z->feed.id = 1;
	z->order[0] = &z->feed;
	z->rs = xdpdns_ruleset_build(z->order, 1);
	assert_non_null(z->rs);
	if (xdpdns_ruleset_compile(z->rs, 1, &z->gen, &kept))
		z->gen = NULL;
	return z;
}

static void zone_free(struct zone *z)
{
	xdpdns_gen_close(z->gen);
	xdpdns_ruleset_free(z->rs);
	xdpdns_load_scratch_free(&z->feed);
	free(z);
}

/*
 * The verdict for qname must be action (with EDE ede when it answers),
 * from the rule index and, when compiled, from the generation too.
 */
static void expect(const struct zone *z, const char *qname, int action, __u8 ede)
{
	struct xdpdns_explain hit;
	struct xdpdns_match m = {};
	struct xdpdns_name q;
	const char *why;
	int got;

	assert_int_equal(xdpdns_name_parse(qname, &q, &why), 0);
	got = xdpdns_ruleset_explain(z->rs, &q, &hit, 1) ? hit.rule->action : XDPDNS_ACT_PASS;
	if (got != action)
		fail_msg("%s: lookup says %s, want %s", qname, xdpdns_action_name(got),
			 xdpdns_action_name(action));
	if (got != XDPDNS_ACT_PASS && hit.rule->ede != ede)
		fail_msg("%s: EDE %u, want %u", qname, hit.rule->ede, ede);
	if (!z->gen)
		return;
	xdpdns_gen_match(z->gen, NULL, &q, 0, &m);
	got = m.hit ? m.slot.action : XDPDNS_ACT_PASS;
	if (got != action)
		fail_msg("%s: the generation says %s, want %s", qname, xdpdns_action_name(got),
			 xdpdns_action_name(action));
}

/* The index and the entry of the sinkhole rule the generation has for qname. */
static __u8 live_entry(const struct zone *z, const char *qname, struct xdpdns_sinkhole *e)
{
	struct xdpdns_match m = {};
	struct xdpdns_name q;
	const char *why;

	assert_int_equal(xdpdns_name_parse(qname, &q, &why), 0);
	xdpdns_gen_match(z->gen, NULL, &q, 0, &m);
	assert_true(m.hit);
	xdpdns_gen_get_sinkhole(z->gen, m.slot.ede, e);
	return m.slot.ede;
}

/* A1, A2: an exact trigger is the name alone. */
static void test_exact_trigger_is_the_name_alone(void **state)
{
	struct zone *z = zone_load("blocked.test. CNAME .\n", 0);

	expect(z, "blocked.test", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "sub.blocked.test", XDPDNS_ACT_PASS, 0);
	expect(z, "test", XDPDNS_ACT_PASS, 0);
	zone_free(z);
}

/* A3, A4, A6: a wildcard is every name below, at any depth, not the apex. */
static void test_wildcard_covers_below_not_the_apex(void **state)
{
	struct zone *z = zone_load("*.x.test. CNAME .\n", 0);

	expect(z, "www.x.test", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "a.b.c.x.test", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "x.test", XDPDNS_ACT_PASS, 0);
	expect(z, "wwwx.test", XDPDNS_ACT_PASS, 0);
	zone_free(z);
}

/* A5: the apex line and the wildcard line block a name and its subtree. */
static void test_apex_and_wildcard_block_the_subtree(void **state)
{
	struct zone *z = zone_load("x.test. CNAME .\n*.x.test. CNAME .\n", 0);

	expect(z, "x.test", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "www.x.test", XDPDNS_ACT_NXDOMAIN, 0);
	zone_free(z);
}

/* The apex blocked, every name below passed through. */
static void test_apex_block_with_wildcard_passthru(void **state)
{
	struct zone *z = zone_load("x.test. CNAME .\n*.x.test. CNAME rpz-passthru.\n", 16);

	expect(z, "x.test", XDPDNS_ACT_NXDOMAIN, 16);
	expect(z, "www.x.test", XDPDNS_ACT_ALLOW, 0);
	expect(z, "a.b.x.test", XDPDNS_ACT_ALLOW, 0);
	zone_free(z);
}

/* C1: an exact trigger beats the wildcard above it, in either file order. */
static void test_exact_beats_wildcard(void **state)
{
	static const char *const zones[] = {
		"*.sub1.test. CNAME .\na4-1.sub1.test. CNAME rpz-drop.\n",
		"a4-1.sub1.test. CNAME rpz-drop.\n*.sub1.test. CNAME .\n",
	};

	for (size_t i = 0; i < 2; i++) {
		struct zone *z = zone_load(zones[i], 0);

		expect(z, "a4-1.sub1.test", XDPDNS_ACT_DROP, 0);
		expect(z, "other.sub1.test", XDPDNS_ACT_NXDOMAIN, 0);
		zone_free(z);
	}
}

/*
 * C2: a passthru beats a wider block for its own name. Below it the
 * wildcard applies again: xdpdns takes the longest wildcard that covers
 * a name, as PowerDNS does (RPZ.md A8, A9), not RFC 4592's closest
 * encloser, which would leave x.c.a to the resolver.
 */
static void test_passthru_beats_wider_block(void **state)
{
	struct zone *z = zone_load("$ORIGIN rpz.example.\n"
				   "@ SOA ns.example. admin.example. 1 2 3 4 5\n"
				   "*.a CNAME .\n"
				   "c.a CNAME rpz-passthru.\n", 0);

	expect(z, "c.a", XDPDNS_ACT_ALLOW, 0);
	expect(z, "x.a", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "x.c.a", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "a", XDPDNS_ACT_PASS, 0);
	zone_free(z);
}

/* B1-B4, B7 and the old passthru form, each with the feed's EDE code. */
static void test_each_action(void **state)
{
	struct zone *z = zone_load("nx.test. CNAME .\n"
				   "nodata.test. CNAME *.\n"
				   "drop.test. CNAME rpz-drop.\n"
				   "tc.test. CNAME rpz-tcp-only.\n"
				   "pass.test. CNAME rpz-passthru.\n"
				   "old.test. CNAME old.test.\n"
				   "sink.test. A 0.0.0.0\n"
				   "sink6.test. AAAA ::\n"
				   "garden.test. CNAME walled.example.\n", 17);

	expect(z, "nx.test", XDPDNS_ACT_NXDOMAIN, 17);
	expect(z, "nodata.test", XDPDNS_ACT_NODATA, 17);
	expect(z, "drop.test", XDPDNS_ACT_DROP, 17);
	expect(z, "tc.test", XDPDNS_ACT_TC, 17);
	expect(z, "pass.test", XDPDNS_ACT_ALLOW, 0);
	expect(z, "old.test", XDPDNS_ACT_ALLOW, 0);
	expect(z, "sink.test", XDPDNS_ACT_SINKHOLE, 17);
	expect(z, "sink6.test", XDPDNS_ACT_SINKHOLE, 17);
	expect(z, "garden.test", XDPDNS_ACT_PASS, 0);	/* left to the resolver */
	zone_free(z);
}

/*
 * B7-B9: local data A and AAAA is a sinkhole with its addresses; a type the
 * trigger has no record of is NODATA (its entry lacks that family), and
 * local data of another type is left to the resolver. Triggers with the
 * same addresses and EDE share one sinkhole entry.
 */
static void test_local_data_addresses(void **state)
{
	struct zone *z = zone_load("v4.test. A 198.18.5.5\n"
				   "both.test. A 198.18.5.5\n"
				   "both.test. AAAA 2001:db8::5\n"
				   "same.test. A 198.18.5.5\n"
				   "txt.test. A 198.18.5.5\n"
				   "txt.test. TXT \"blocked\"\n", 0);
	struct xdpdns_sinkhole v4, both, same;

	expect(z, "v4.test", XDPDNS_ACT_SINKHOLE, 0);
	expect(z, "both.test", XDPDNS_ACT_SINKHOLE, 0);
	expect(z, "same.test", XDPDNS_ACT_SINKHOLE, 0);
	expect(z, "txt.test", XDPDNS_ACT_PASS, 0);
	if (!z->gen) {
		zone_free(z);
		skip();
	}
	assert_int_equal(live_entry(z, "v4.test", &v4), live_entry(z, "same.test", &same));
	assert_int_not_equal(live_entry(z, "both.test", &both), live_entry(z, "v4.test", &v4));
	assert_int_equal(v4.flags, XDPDNS_SINK_A);
	assert_int_equal(v4.v4, htonl(0xc6120505));
	assert_int_equal(both.flags, XDPDNS_SINK_A | XDPDNS_SINK_AAAA);
	assert_int_equal(both.v6[15], 5);
	zone_free(z);
}

/* A10, A11: case folded; relative owners under $ORIGIN, absolute ones in the zone. */
static void test_case_and_owners(void **state)
{
	struct zone *z = zone_load("$ORIGIN rpz.example.\n"
				   "@ SOA ns.example. admin.example. 1 2 3 4 5\n"
				   "A6-2.TLD2 CNAME .\n"
				   "abs.tld2.rpz.example. CNAME *.\n", 0);

	expect(z, "a6-2.tld2", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "A6-2.tld2", XDPDNS_ACT_NXDOMAIN, 0);
	expect(z, "abs.tld2", XDPDNS_ACT_NODATA, 0);
	expect(z, "a6-2.tld2.rpz.example", XDPDNS_ACT_PASS, 0);
	zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_trigger_is_the_name_alone),
		cmocka_unit_test(test_wildcard_covers_below_not_the_apex),
		cmocka_unit_test(test_apex_and_wildcard_block_the_subtree),
		cmocka_unit_test(test_apex_block_with_wildcard_passthru),
		cmocka_unit_test(test_exact_beats_wildcard),
		cmocka_unit_test(test_passthru_beats_wider_block),
		cmocka_unit_test(test_each_action),
		cmocka_unit_test(test_local_data_addresses),
		cmocka_unit_test(test_case_and_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
