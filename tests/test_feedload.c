// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/feedload.c: a feed replaced by a new version of its
 * list in a scratch state directory, and the safety valve that keeps the
 * stored version when the new one loses too many rules or cannot be read.
 * No root needed.
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
#include <cmocka.h>

#include "feedload.h"

struct fixture {
	char dir[64];
	char list[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/xdpdns-feedload-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->list, sizeof(f->list), "%s/list.txt", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

/* Write n names n0.example ... into the fixture's list. */
static void write_list(const struct fixture *f, int n)
{
	FILE *out = fopen(f->list, "w");

	assert_non_null(out);
	for (int i = 0; i < n; i++)
		fprintf(out, "n%d.example\n", i);
	assert_int_equal(fclose(out), 0);
}

static struct xdpdns_load_spec spec_for(const struct fixture *f, double max_shrink)
{
	return (struct xdpdns_load_spec){
		.feed = "list", .path = f->list, .source = f->list,
		.format = XDPDNS_FMT_DOMAINS, .action = XDPDNS_ACT_NXDOMAIN,
		.kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, .max_shrink = max_shrink,
	};
}

/* Load the fixture's list as it is now; the return of the replace step. */
static int load(const struct fixture *f, double max_shrink)
{
	struct xdpdns_load_spec spec = spec_for(f, max_shrink);
	struct xdpdns_feed scratch = {};
	struct xdpdns_load_result res;
	struct xdpdns_state st;
	int err;

	err = xdpdns_load_read(&spec, &scratch, &res);
	if (err)
		return err;
	assert_int_equal(xdpdns_state_open(&st, f->dir, true), 0);
	err = xdpdns_load_replace(&st, &spec, &scratch, &res);
	xdpdns_state_close(&st);
	xdpdns_load_scratch_free(&scratch);
	return err;
}

/* How many rules the stored feed has now, read back from disk. */
static size_t stored_rules(const struct fixture *f)
{
	struct xdpdns_state st;
	struct xdpdns_feed *feed;
	size_t n;

	assert_int_equal(xdpdns_state_open(&st, f->dir, false), 0);
	feed = xdpdns_state_feed(&st, "list");
	n = feed ? feed->nrules : 0;
	xdpdns_state_close(&st);
	return n;
}

static void test_new_feed_is_stored(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	assert_int_equal(stored_rules(f), 10);
}

static void test_growing_version_replaces(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	write_list(f, 25);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	assert_int_equal(stored_rules(f), 25);
}

static void test_losing_half_exactly_is_allowed(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	write_list(f, 5);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	assert_int_equal(stored_rules(f), 5);
}

static void test_losing_over_half_keeps_the_stored_version(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	write_list(f, 4);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), -ERANGE);
	assert_int_equal(stored_rules(f), 10);
}

static void test_empty_version_is_refused(void **state)
{
	struct fixture *f = *state;

	write_list(f, 3);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	write_list(f, 0);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), -ERANGE);
	assert_int_equal(stored_rules(f), 3);
}

static void test_max_shrink_one_takes_any_version(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	write_list(f, 0);
	assert_int_equal(load(f, 1.0), 0);
	assert_int_equal(stored_rules(f), 0);
}

static void test_max_shrink_zero_refuses_any_loss(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, 0.0), 0);
	write_list(f, 9);
	assert_int_equal(load(f, 0.0), -ERANGE);
	assert_int_equal(stored_rules(f), 10);
}

static void test_unreadable_file_changes_nothing(void **state)
{
	struct fixture *f = *state;

	write_list(f, 10);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), 0);
	assert_int_equal(unlink(f->list), 0);
	assert_int_equal(load(f, XDPDNS_MAX_SHRINK_DEFAULT), -ENOENT);
	assert_int_equal(stored_rules(f), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_feed_is_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growing_version_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_losing_half_exactly_is_allowed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_losing_over_half_keeps_the_stored_version,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_version_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_shrink_one_takes_any_version, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_max_shrink_zero_refuses_any_loss, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_file_changes_nothing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
