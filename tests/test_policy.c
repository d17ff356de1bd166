// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/policy.c: name encoding, the generation table as the
 * datapath reads it, rule edits and the lookup order. Generations are real
 * BPF maps, so most tests need CAP_BPF; without it they are skipped, never
 * passed. Layout checks recompute hashes and offsets here from the maps/
 * headers instead of trusting policy.c, and read the table both through the
 * mapping and through the bpf() syscall.
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
#include <bpf/bpf.h>
#include <cmocka.h>

#include "policy.h"

#define NAMES		100000
#define NAME_TEXT_MAX	1024

static void name_of(const char *text, struct xdpdns_name *name)
{
	const char *why = NULL;

	if (xdpdns_name_parse(text, name, &why))
		fail_msg("'%s' refused: %s", text, why);
}

/* Parse must refuse text and give a reason. */
static void name_refused(const char *text)
{
	struct xdpdns_name name;
	const char *why = NULL;

	if (xdpdns_name_parse(text, &name, &why) != -EINVAL)
		fail_msg("'%s' accepted", text);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static struct xdpdns_gen *gen_new(__u32 rules)
{
	struct xdpdns_gen *gen = xdpdns_gen_create(rules, 7);

	if (!gen && errno == EPERM)
		skip();
	if (!gen)
		fail_msg("xdpdns_gen_create(%u): %s", rules, strerror(errno));
	return gen;
}

static void rule_of(struct xdpdns_rule *rule, const char *text, __u8 kind, __u8 action)
{
	memset(rule, 0, sizeof(*rule));
	name_of(text, &rule->name);
	rule->kind = kind;
	rule->action = action;
}

static int add(struct xdpdns_gen *gen, const char *text, __u8 kind, __u8 action)
{
	struct xdpdns_rule rule;

	rule_of(&rule, text, kind, action);
	return xdpdns_gen_insert(gen, &rule);
}

static void add_ok(struct xdpdns_gen *gen, const char *text, __u8 kind, __u8 action)
{
	int err = add(gen, text, kind, action);

	if (err)
		fail_msg("insert '%s': %s", text, strerror(-err));
}

static void match_of(const struct xdpdns_gen *gen, const struct xdpdns_depths *depths,
		     const char *text, __u16 set, struct xdpdns_match *m)
{
	struct xdpdns_name name;

	name_of(text, &name);
	xdpdns_gen_match(gen, depths, &name, set, m);
}

/* The query must hit a rule with this action, owned at label, of kind. */
static void expect_match(const struct xdpdns_gen *gen, const char *text, __u8 action,
			 int label, __u8 kind)
{
	struct xdpdns_match m;

	match_of(gen, NULL, text, 0, &m);
	if (!m.hit)
		fail_msg("'%s' matched nothing", text);
	assert_int_equal(m.slot.action, action);
	assert_int_equal(m.label, label);
	assert_int_equal(m.kind, kind);
}

static void expect_no_match(const struct xdpdns_gen *gen, const char *text)
{
	struct xdpdns_match m;

	match_of(gen, NULL, text, 0, &m);
	if (m.hit)
		fail_msg("'%s' matched a rule with action %u", text, m.slot.action);
}

static bool find_of(const struct xdpdns_gen *gen, const char *text, __u16 set,
		    __u8 kind, struct xdpdns_slot *slot)
{
	struct xdpdns_name name;

	name_of(text, &name);
	return xdpdns_gen_find(gen, &name, set, kind, slot);
}

static __u32 gen_rules(const struct xdpdns_gen *gen)
{
	return xdpdns_gen_header(gen)->rules;
}

/* Block i of the table, read through the mapping. */
static const void *gen_block(const struct xdpdns_gen *gen, __u64 i)
{
	return (const char *)xdpdns_gen_header(gen) + i * XDPDNS_BLOCK_SIZE;
}

static __u64 gen_filter_blocks(const struct xdpdns_gen *gen)
{
	return 1ULL << xdpdns_gen_header(gen)->filter_log2;
}

static __u64 gen_buckets(const struct xdpdns_gen *gen)
{
	return 1ULL << xdpdns_gen_header(gen)->buckets_log2;
}

/* Bucket b of the probe window of place, counted from the home bucket. */
static const struct xdpdns_bucket *gen_window_bucket(const struct xdpdns_gen *gen,
						     __u64 place, int b)
{
	__u64 bucket = (place + b) & (gen_buckets(gen) - 1);

	return gen_block(gen, 1 + gen_filter_blocks(gen) + bucket);
}

/* A label as the datapath takes it in, its words assembled byte by byte. */
static void label_by_hand(const __u8 *label, struct xdpdns_hash *l)
{
	int len = label[0];

	xdpdns_label_init(l, len);
	for (int w = 0; w * 8 < len; w++) {
		__u64 word = 0;

		for (int j = 0; j < 8 && w * 8 + j < len; j++)
			word |= (__u64)label[1 + w * 8 + j] << (8 * j);
		xdpdns_label_word(l, word);
	}
}

/* The hash of a whole name, from the root outwards, without policy.c. */
static void hash_by_hand(const struct xdpdns_name *name, __u64 seed, struct xdpdns_hash *h)
{
	struct xdpdns_hash l;

	xdpdns_hash_init(h, seed);
	for (int i = name->labels - 1; i >= 0; i--) {
		label_by_hand(name->wire + name->label_off[i], &l);
		xdpdns_hash_label(h, &l);
	}
}

/* fp and place of a name as the datapath computes them. */
static void key_by_hand(const struct xdpdns_gen *gen, const struct xdpdns_name *name,
			__u16 set, __u64 *fp, __u64 *place)
{
	struct xdpdns_hash h;

	hash_by_hand(name, xdpdns_gen_header(gen)->seed, &h);
	*fp = xdpdns_hash_fp(&h);
	*place = xdpdns_hash_place(&h, set);
}

static __u64 splitmix64(__u64 *state)
{
	__u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void random_label(__u64 *rng, char *buf, int len)
{
	for (int i = 0; i < len; i++)
		buf[i] = 'a' + splitmix64(rng) % 26;
	buf[len] = '\0';
}

/*
 * Name number i: "<letters>-<i>" then one to three labels of letters only.
 * Only the first label holds a '-', so no name is an ancestor of another.
 */
static void random_name(unsigned int i, char *buf, size_t size)
{
	static const char *const tld[] = { "com", "net", "org", "de", "example" };
	__u64 rng = i;
	char a[16], b[16];

	random_label(&rng, a, 1 + splitmix64(&rng) % 12);
	random_label(&rng, b, 1 + splitmix64(&rng) % 12);
	switch (i % 3) {
	case 0:
		snprintf(buf, size, "%s-%u.%s", a, i, tld[i % 5]);
		break;
	case 1:
		snprintf(buf, size, "%s-%u.%s.%s", a, i, b, tld[i % 5]);
		break;
	default:
		snprintf(buf, size, "%s-%u.%s.x.%s", a, i, b, tld[i % 5]);
		break;
	}
}

static void test_name_parse_wire(void **state)
{
	static const __u8 wire[] = "\3www\7example\3com";
	struct xdpdns_name name;

	name_of("www.example.com", &name);
	assert_int_equal(name.len, 17);
	assert_memory_equal(name.wire, wire, 17);
	assert_int_equal(name.labels, 3);
	assert_int_equal(name.label_off[0], 0);
	assert_int_equal(name.label_off[1], 4);
	assert_int_equal(name.label_off[2], 12);
}

static void test_name_parse_case_and_dot(void **state)
{
	struct xdpdns_name a, b, c;

	name_of("www.example.com", &a);
	name_of("WwW.ExAmPlE.CoM.", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.wire, b.wire, a.len);
	assert_int_equal(b.labels, 3);

	/* Only ASCII folds: UTF-8 bytes of "É" stay, an escaped 'A' folds. */
	name_of("\xc3\x89\\065.test", &c);
	assert_int_equal(c.wire[0], 3);
	assert_int_equal(c.wire[1], 0xc3);
	assert_int_equal(c.wire[2], 0x89);
	assert_int_equal(c.wire[3], 'a');
}

static void test_name_parse_escapes(void **state)
{
	static const __u8 dot[] = "\3a.b\4test";
	static const __u8 bytes[] = "\4\\\0 \xff\4test";
	struct xdpdns_name name;

	name_of("a\\.b.test", &name);
	assert_int_equal(name.labels, 2);
	assert_int_equal(name.len, sizeof(dot));
	assert_memory_equal(name.wire, dot, sizeof(dot));

	name_of("\\\\\\000\\ \\255.test", &name);
	assert_int_equal(name.len, sizeof(bytes));
	assert_memory_equal(name.wire, bytes, sizeof(bytes));

	name_refused("\\256.test");
	name_refused("\\12.test");
	name_refused("\\1a2.test");
	name_refused("test\\");
}

static void test_name_parse_limits(void **state)
{
	char text[NAME_TEXT_MAX], label[64];
	struct xdpdns_name name;

	/* Labels of 63 bytes, then one of 64. */
	memset(text, 'a', 63);
	strcpy(text + 63, ".test");
	name_of(text, &name);
	assert_int_equal(name.wire[0], 63);
	memset(text, 'a', 64);
	strcpy(text + 64, ".test");
	name_refused(text);

	/* 64 + 64 + 64 + 62 + root = 255 wire bytes, then one more. */
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	snprintf(text, sizeof(text), "%s.%s.%s.%.61s", label, label, label, label);
	name_of(text, &name);
	assert_int_equal(name.len, 255);
	assert_int_equal(name.labels, 4);
	strcat(text, "b");
	name_refused(text);

	/* 127 one-byte labels fill 255 wire bytes; 128 do not fit. */
	text[0] = '\0';
	for (int i = 0; i < 127; i++)
		strcat(text, i ? ".a" : "a");
	name_of(text, &name);
	assert_int_equal(name.labels, 127);
	assert_int_equal(name.len, 255);
	assert_int_equal(name.label_off[126], 252);
	strcat(text, ".a");
	name_refused(text);

	name_refused("");
	name_refused(".");
	name_refused("..");
	name_refused("a..b");
	name_refused(".a");
	name_refused("a..");
}

static void format_is(const char *text, const char *want)
{
	struct xdpdns_name name, again;
	char buf[NAME_TEXT_MAX];

	name_of(text, &name);
	xdpdns_name_format(&name, buf, sizeof(buf));
	assert_string_equal(buf, want);

	name_of(buf, &again);
	assert_int_equal(again.len, name.len);
	assert_memory_equal(again.wire, name.wire, name.len);
}

static void test_name_format_round_trip(void **state)
{
	struct xdpdns_name name, root;
	char buf[8];

	format_is("www.example.com", "www.example.com");
	format_is("WWW.Example.COM.", "www.example.com");
	format_is("a\\.b.test", "a\\.b.test");
	format_is("back\\\\slash.test", "back\\\\slash.test");
	format_is("\\000\\255 x\\.\\007.test", "\\000\\255\\032x\\.\\007.test");
	format_is("\\065\\066c.test", "abc.test");

	/* A short buffer gets a NUL-terminated prefix. */
	name_of("www.example.com", &name);
	xdpdns_name_format(&name, buf, sizeof(buf));
	assert_string_equal(buf, "www.exa");

	xdpdns_name_suffix(&name, name.labels, &root);
	xdpdns_name_format(&root, buf, sizeof(buf));
	assert_string_equal(buf, ".");
}

/* Labels of 16, 8, 2, 9, 7 and 3 bytes: whole words, a partial one, both. */
static const char *const suffix_text[] = {
	"x123456789ABCDEF.abcdefgh.Bb.a23456789.example.com",
	"abcdefgh.Bb.a23456789.example.com",
	"bb.a23456789.example.com",
	"a23456789.example.com",
	"example.com",
	"com",
};

#define SUFFIXES	(int)(sizeof(suffix_text) / sizeof(suffix_text[0]))

static void test_name_suffix(void **state)
{
	struct xdpdns_name name, sub, want;

	name_of(suffix_text[0], &name);
	for (int i = 0; i < SUFFIXES; i++) {
		xdpdns_name_suffix(&name, i, &sub);
		name_of(suffix_text[i], &want);
		assert_int_equal(sub.len, want.len);
		assert_int_equal(sub.labels, want.labels);
		assert_memory_equal(sub.wire, want.wire, want.len);
		assert_memory_equal(sub.label_off, want.label_off, want.labels);
	}
	xdpdns_name_suffix(&name, SUFFIXES, &sub);
	assert_int_equal(sub.len, 1);
	assert_int_equal(sub.labels, 0);
	assert_int_equal(sub.wire[0], 0);
}

static void test_name_suffix_hash(void **state)
{
	const __u64 seed = 0x0123456789abcdefULL;
	struct xdpdns_name name, sub, want;
	struct xdpdns_hash h, l, hs, hw;
	char text[NAME_TEXT_MAX];

	/* The running state after each label is that suffix's own hash. */
	name_of(suffix_text[0], &name);
	xdpdns_hash_init(&h, seed);
	for (int i = SUFFIXES - 1; i >= 0; i--) {
		label_by_hand(name.wire + name.label_off[i], &l);
		xdpdns_hash_label(&h, &l);
		name_of(suffix_text[i], &want);
		xdpdns_name_suffix(&name, i, &sub);
		xdpdns_name_hash(&sub, seed, &hs);
		xdpdns_name_hash(&want, seed, &hw);
		assert_int_equal(hs.a, h.a);
		assert_int_equal(hs.b, h.b);
		assert_int_equal(hw.a, h.a);
		assert_int_equal(hw.b, h.b);
	}

	xdpdns_name_hash(&name, seed + 1, &hs);
	assert_int_not_equal(hs.a, h.a);

	/* The longest label, and a label boundary moved by one byte. */
	memset(text, 'q', 63);
	strcpy(text + 63, ".test");
	name_of(text, &name);
	hash_by_hand(&name, seed, &h);
	xdpdns_name_hash(&name, seed, &hs);
	assert_int_equal(hs.a, h.a);
	assert_int_equal(hs.b, h.b);
	name_of("ab.c.test", &name);
	name_of("a.bc.test", &want);
	xdpdns_name_hash(&name, seed, &hs);
	xdpdns_name_hash(&want, seed, &hw);
	assert_int_not_equal(hs.a, hw.a);
	assert_int_not_equal(hs.b, hw.b);
}

static void map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	assert_int_equal(bpf_obj_get_info_by_fd(fd, info, &len), 0);
}

static void expect_size(__u32 rules, __u32 filter_log2, __u32 buckets_log2)
{
	struct xdpdns_gen *gen = gen_new(rules);
	const struct xdpdns_gen_header *hdr = xdpdns_gen_header(gen);
	struct bpf_map_info info;

	assert_int_equal(hdr->magic, XDPDNS_GEN_MAGIC);
	assert_int_equal(hdr->version, XDPDNS_ABI_VERSION);
	assert_int_equal(hdr->generation, 7);
	assert_int_equal(hdr->rules, 0);
	assert_int_equal(hdr->filter_log2, filter_log2);
	assert_int_equal(hdr->buckets_log2, buckets_log2);

	map_info(xdpdns_gen_fd(gen), &info);
	assert_int_equal(info.type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(info.key_size, 4);
	assert_int_equal(info.value_size, XDPDNS_BLOCK_SIZE);
	assert_int_equal(info.max_entries, 1 + (1U << filter_log2) + (1U << buckets_log2));
	assert_int_equal(info.map_flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP),
			 BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	xdpdns_gen_close(gen);
}

static void test_gen_create_sizes(void **state)
{
	struct xdpdns_gen *a, *b;

	expect_size(0, 0, 4);
	expect_size(32, 0, 4);		/* 16 buckets hold 32 at half load */
	expect_size(33, 1, 5);
	expect_size(100000, 12, 16);	/* 4096 * 512 >= 1.6e6 bits */

	a = gen_new(1);
	b = gen_new(1);
	assert_int_not_equal(xdpdns_gen_header(a)->seed, xdpdns_gen_header(b)->seed);
	xdpdns_gen_close(a);
	xdpdns_gen_close(b);
	xdpdns_gen_close(NULL);
}

/*
 * One rule lands where the datapath looks for it: home bucket, the slot
 * fields, the three filter bits, seen through the mapping and through bpf().
 */
static void test_gen_slot_layout(void **state)
{
	struct xdpdns_gen *gen = gen_new(1000);
	const struct xdpdns_filter_block *blk;
	const struct xdpdns_bucket *home;
	struct xdpdns_bucket kernel;
	struct xdpdns_rule rule;
	__u64 fp, place, key;
	__u32 key32;

	rule_of(&rule, "Tracker.Example.net", XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);
	rule.set = 3;
	rule.ede = XDPDNS_EDE_CENSORED;
	rule.feed = 4095;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	key_by_hand(gen, &rule.name, 3, &fp, &place);

	home = gen_window_bucket(gen, place, 0);
	assert_int_equal(home->slot[0].fp, fp);
	assert_int_equal(home->slot[0].name_len, rule.name.len);
	assert_int_equal(home->slot[0].kind, XDPDNS_KIND_BELOW);
	assert_int_equal(home->slot[0].set, 3);
	assert_int_equal(home->slot[0].action, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(home->slot[0].ede, XDPDNS_EDE_CENSORED);
	assert_int_equal(home->slot[0].feed, 4095);
	assert_int_equal(gen_rules(gen), 1);

	key = 1 + gen_filter_blocks(gen) + (place & (gen_buckets(gen) - 1));
	key32 = key;
	assert_int_equal(bpf_map_lookup_elem(xdpdns_gen_fd(gen), &key32, &kernel), 0);
	assert_memory_equal(&kernel, home, sizeof(kernel));

	blk = gen_block(gen, 1 + ((place >> 32) & (gen_filter_blocks(gen) - 1)));
	for (int k = 0; k < XDPDNS_FILTER_BITS; k++) {
		__u32 bit = xdpdns_filter_bit(place, k);

		assert_true(blk->word[bit / 64] >> (bit % 64) & 1);
	}
	xdpdns_gen_close(gen);
}

static __u64 home_of(const struct xdpdns_gen *gen, const char *text, __u16 set, __u64 *fp)
{
	struct xdpdns_name name;
	__u64 place, unused;

	name_of(text, &name);
	key_by_hand(gen, &name, set, fp ? fp : &unused, &place);
	return place & (gen_buckets(gen) - 1);
}

/* The next name "p<i>.probe" homed in bucket want, from *i on. */
static void name_homed(const struct xdpdns_gen *gen, __u64 want, int *i, char *buf,
		       size_t size)
{
	for (;; (*i)++) {
		snprintf(buf, size, "p%d.probe", *i);
		if (home_of(gen, buf, 0, NULL) == want)
			break;
	}
	(*i)++;
}

/*
 * A full home bucket sends the next rule forward, wrapping after the last
 * bucket; a tombstone left behind neither ends the search nor stays unused.
 */
static void test_gen_probe_window(void **state)
{
	struct xdpdns_gen *gen = gen_new(1);
	__u64 last = gen_buckets(gen) - 1, fp[6];
	const struct xdpdns_bucket *home, *next;
	char text[6][32];
	struct xdpdns_name name;
	int n = 0;

	for (int j = 0; j < 6; j++) {
		name_homed(gen, last, &n, text[j], sizeof(text[j]));
		home_of(gen, text[j], 0, &fp[j]);
	}
	home = gen_window_bucket(gen, last, 0);
	next = gen_window_bucket(gen, last, 1);
	assert_ptr_equal(next, gen_block(gen, 1 + gen_filter_blocks(gen)));

	for (int j = 0; j < 5; j++)
		add_ok(gen, text[j], XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	for (int j = 0; j < 4; j++)
		assert_int_equal(home->slot[j].fp, fp[j]);
	assert_int_equal(next->slot[0].fp, fp[4]);
	expect_match(gen, text[4], XDPDNS_ACT_DROP, 0, XDPDNS_KIND_EXACT);

	name_of(text[0], &name);
	assert_int_equal(xdpdns_gen_remove(gen, &name, 0, XDPDNS_KIND_EXACT), 1);
	assert_int_equal(home->slot[0].fp, XDPDNS_FP_TOMBSTONE);
	expect_match(gen, text[4], XDPDNS_ACT_DROP, 0, XDPDNS_KIND_EXACT);
	assert_true(find_of(gen, text[4], 0, XDPDNS_KIND_EXACT, NULL));

	add_ok(gen, text[5], XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	assert_int_equal(home->slot[0].fp, fp[5]);
	assert_int_equal(next->slot[1].fp, XDPDNS_FP_EMPTY);
	assert_int_equal(gen_rules(gen), 5);
	xdpdns_gen_close(gen);
}

static void test_gen_insert_find_remove(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);
	struct xdpdns_name name;
	struct xdpdns_rule rule;
	struct xdpdns_slot slot;

	rule_of(&rule, "ads.example.com", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW,
		XDPDNS_ACT_DROP);
	rule.feed = 12;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_true(find_of(gen, "ADS.example.com.", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_DROP);
	assert_int_equal(slot.feed, 12);
	assert_int_equal(slot.name_len, rule.name.len);
	assert_int_equal(slot.kind, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW);
	assert_true(find_of(gen, "ads.example.com", 0, XDPDNS_KIND_BELOW, NULL));
	assert_false(find_of(gen, "ads.example.com", 1, XDPDNS_KIND_EXACT, NULL));
	assert_false(find_of(gen, "ads.example.org", 0, XDPDNS_KIND_EXACT, NULL));
	assert_false(find_of(gen, "example.com", 0, XDPDNS_KIND_EXACT, NULL));
	assert_int_equal(gen_rules(gen), 1);

	name_of("ads.example.com", &name);
	assert_int_equal(xdpdns_gen_remove(gen, &name, 0, XDPDNS_KIND_EXACT), 1);
	assert_false(find_of(gen, "ads.example.com", 0, XDPDNS_KIND_EXACT, NULL));
	assert_true(find_of(gen, "ads.example.com", 0, XDPDNS_KIND_BELOW, &slot));
	assert_int_equal(slot.kind, XDPDNS_KIND_BELOW);
	assert_int_equal(gen_rules(gen), 1);
	assert_int_equal(xdpdns_gen_remove(gen, &name, 0, XDPDNS_KIND_BELOW), 1);
	assert_false(find_of(gen, "ads.example.com", 0, XDPDNS_KIND_BELOW, NULL));
	assert_int_equal(gen_rules(gen), 0);
	assert_int_equal(xdpdns_gen_remove(gen, &name, 0, XDPDNS_KIND_BELOW), 0);

	/* A removed name can come back. */
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_true(find_of(gen, "ads.example.com", 0, XDPDNS_KIND_EXACT, NULL));
	assert_int_equal(gen_rules(gen), 1);
	xdpdns_gen_close(gen);
}

static void test_gen_insert_refuses_bad_rules(void **state)
{
	struct xdpdns_gen *gen = gen_new(10);
	struct xdpdns_rule rule;

	rule_of(&rule, "x.test", 0, XDPDNS_ACT_DROP);
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	rule_of(&rule, "x.test", 0x4, XDPDNS_ACT_DROP);
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	rule_of(&rule, "x.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_PASS);
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	rule_of(&rule, "x.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_COUNT);
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	rule_of(&rule, "x.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	rule.set = XDPDNS_SETS_MAX;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	rule.set = 0;
	rule.feed = XDPDNS_FEEDS_MAX;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);
	assert_int_equal(gen_rules(gen), 0);
	xdpdns_gen_close(gen);
}

static int count_slot(const struct xdpdns_slot *slot, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int gen_count(const struct xdpdns_gen *gen)
{
	int n = 0;

	assert_int_equal(xdpdns_gen_foreach(gen, count_slot, &n), 0);
	return n;
}

static void test_gen_kind_merge_replace(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);
	struct xdpdns_rule rule;
	struct xdpdns_slot slot;

	/* Same action: the second rule widens the slot. */
	add_ok(gen, "x.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	add_ok(gen, "x.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	assert_int_equal(gen_count(gen), 1);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.kind, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW);

	/* Another action for EXACT takes only that bit away. */
	add_ok(gen, "x.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(gen_rules(gen), 2);
	assert_int_equal(gen_count(gen), 2);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(slot.kind, XDPDNS_KIND_EXACT);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_BELOW, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_DROP);
	assert_int_equal(slot.kind, XDPDNS_KIND_BELOW);

	/* Both kinds to NXDOMAIN: the DROP slot goes. */
	add_ok(gen, "x.test", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(gen_rules(gen), 1);
	assert_int_equal(gen_count(gen), 1);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_BELOW, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(slot.kind, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW);

	/* A different feed or EDE is a different rule and replaces too. */
	rule_of(&rule, "x.test", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);
	rule.feed = 9;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_int_equal(gen_rules(gen), 1);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.feed, 9);
	rule.ede = XDPDNS_EDE_FILTERED;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_int_equal(gen_rules(gen), 1);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_BELOW, &slot));
	assert_int_equal(slot.ede, XDPDNS_EDE_FILTERED);

	/* The same rule again changes nothing. */
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_int_equal(gen_rules(gen), 1);

	/* Other sets keep their own rule for the name. */
	rule.set = 1;
	rule.action = XDPDNS_ACT_REFUSED;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	assert_int_equal(gen_rules(gen), 2);
	assert_true(find_of(gen, "x.test", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_NXDOMAIN);
	assert_true(find_of(gen, "x.test", 1, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_REFUSED);
	xdpdns_gen_close(gen);
}

static void test_gen_capacity_100k(void **state)
{
	struct xdpdns_gen *gen = gen_new(NAMES);
	char text[NAME_TEXT_MAX];
	struct xdpdns_rule rule;
	struct xdpdns_match m;
	int found = 0, miss = 0;

	for (unsigned int i = 0; i < NAMES; i++) {
		random_name(i, text, sizeof(text));
		rule_of(&rule, text, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
		rule.feed = i % XDPDNS_FEEDS_MAX;
		if (xdpdns_gen_insert(gen, &rule))
			fail_msg("insert %u of %u failed: '%s'", i, NAMES, text);
	}
	assert_int_equal(gen_rules(gen), NAMES);
	assert_int_equal(gen_count(gen), NAMES);

	for (unsigned int i = 0; i < NAMES; i++) {
		random_name(i, text, sizeof(text));
		match_of(gen, xdpdns_gen_depths(gen, 0), text, 0, &m);
		found += m.hit && m.label == 0 && m.slot.feed == i % XDPDNS_FEEDS_MAX &&
			 find_of(gen, text, 0, XDPDNS_KIND_BELOW, NULL);
	}
	assert_int_equal(found, NAMES);

	for (unsigned int i = NAMES; i < 2 * NAMES; i++) {
		random_name(i, text, sizeof(text));
		match_of(gen, NULL, text, 0, &m);
		miss += !m.hit && !find_of(gen, text, 0, XDPDNS_KIND_EXACT, NULL);
	}
	assert_int_equal(miss, NAMES);
	xdpdns_gen_close(gen);
}

/* Are all slots of the probe window of place occupied? */
static bool window_full(const struct xdpdns_gen *gen, __u64 place)
{
	for (int b = 0; b < XDPDNS_PROBE_MAX; b++)
		for (int s = 0; s < XDPDNS_BUCKET_SLOTS; s++)
			if (gen_window_bucket(gen, place, b)->slot[s].fp <= XDPDNS_FP_TOMBSTONE)
				return false;
	return true;
}

static void host_name(int i, char *buf, size_t size)
{
	snprintf(buf, size, "host%d.test", i);
}

static __u64 host_fp(const struct xdpdns_gen *gen, int i)
{
	char text[32];
	struct xdpdns_name name;
	__u64 fp, place;

	host_name(i, text, sizeof(text));
	name_of(text, &name);
	key_by_hand(gen, &name, 0, &fp, &place);
	return fp;
}

static int host_add(struct xdpdns_gen *gen, int i, __u8 action)
{
	char text[32];

	host_name(i, text, sizeof(text));
	return add(gen, text, XDPDNS_KIND_EXACT, action);
}

static bool host_find(const struct xdpdns_gen *gen, int i, struct xdpdns_slot *slot)
{
	char text[32];

	host_name(i, text, sizeof(text));
	return find_of(gen, text, 0, XDPDNS_KIND_EXACT, slot);
}

/* The slot holding fp, searched through the whole mapped table. */
static const struct xdpdns_slot *slot_with_fp(const struct xdpdns_gen *gen, __u64 fp)
{
	for (__u64 b = 0; b < gen_buckets(gen); b++) {
		const struct xdpdns_bucket *bucket = gen_block(gen, 1 + gen_filter_blocks(gen) + b);

		for (int s = 0; s < XDPDNS_BUCKET_SLOTS; s++)
			if (bucket->slot[s].fp == fp)
				return &bucket->slot[s];
	}
	return NULL;
}

#define HOSTS_MAX	40000

static void test_gen_enospc(void **state)
{
	/* More buckets than one probe window covers, so a window can fill. */
	struct xdpdns_gen *gen = gen_new(2 * XDPDNS_PROBE_MAX * XDPDNS_BUCKET_SLOTS);
	const int slots = gen_buckets(gen) * XDPDNS_BUCKET_SLOTS;
	const struct xdpdns_slot *slot;
	struct xdpdns_slot found;
	struct xdpdns_name name;
	char text[32];
	__u64 fp, place;
	bool *in = calloc(HOSTS_MAX, sizeof(*in));
	int i, err;

	assert_non_null(in);
	for (i = 0; !(err = host_add(gen, i, XDPDNS_ACT_DROP)); i++)
		in[i] = true;
	assert_int_equal(err, -ENOSPC);
	assert_in_range(i, XDPDNS_PROBE_MAX * XDPDNS_BUCKET_SLOTS, slots);
	assert_int_equal(gen_rules(gen), i);
	assert_false(host_find(gen, i, NULL));
	host_name(i, text, sizeof(text));
	name_of(text, &name);
	key_by_hand(gen, &name, 0, &fp, &place);
	assert_true(window_full(gen, place));

	/* Names whose window has room still go in, until every slot is used. */
	for (i++; i < HOSTS_MAX && gen_rules(gen) < (__u32)slots; i++) {
		err = host_add(gen, i, XDPDNS_ACT_DROP);
		assert_true(err == 0 || err == -ENOSPC);
		in[i] = !err;
	}
	assert_int_equal(gen_rules(gen), slots);
	assert_int_equal(host_add(gen, i++, XDPDNS_ACT_DROP), -ENOSPC);

	/* Replacing a rule in a full table reuses the slot it frees. */
	slot = slot_with_fp(gen, host_fp(gen, 0));
	assert_non_null(slot);
	assert_int_equal(host_add(gen, 0, XDPDNS_ACT_REFUSED), 0);
	assert_true(host_find(gen, 0, &found));
	assert_int_equal(found.action, XDPDNS_ACT_REFUSED);
	assert_ptr_equal(slot_with_fp(gen, host_fp(gen, 0)), slot);
	assert_int_equal(gen_rules(gen), slots);

	/* Removing it leaves a tombstone that the next fitting name takes. */
	name_of("host0.test", &name);
	assert_int_equal(xdpdns_gen_remove(gen, &name, 0, XDPDNS_KIND_EXACT), 1);
	assert_int_equal(slot->fp, XDPDNS_FP_TOMBSTONE);
	assert_int_equal(gen_rules(gen), slots - 1);
	in[0] = false;
	for (int j = 0; j < i; j++)
		assert_int_equal(host_find(gen, j, NULL), in[j]);
	for (; i < HOSTS_MAX && (err = host_add(gen, i, XDPDNS_ACT_DROP)); i++)
		assert_int_equal(err, -ENOSPC);
	assert_int_equal(err, 0);
	in[i] = true;
	assert_int_equal(slot->fp, host_fp(gen, i));
	assert_int_equal(gen_rules(gen), slots);

	/* Tombstones do not end a search: every name in the table is found. */
	for (int j = 0; j <= i; j++)
		if (host_find(gen, j, NULL) != in[j])
			fail_msg("host%d.test: found %d, inserted %d", j, !in[j], in[j]);
	free(in);
	xdpdns_gen_close(gen);
}

static void test_match_exact_beats_below(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);

	add_ok(gen, "example.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	add_ok(gen, "www.example.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_ALLOW);
	add_ok(gen, "www.example.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_NODATA);

	expect_match(gen, "www.example.test", XDPDNS_ACT_ALLOW, 0, XDPDNS_KIND_EXACT);
	expect_match(gen, "a.www.example.test", XDPDNS_ACT_NODATA, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "mail.example.test", XDPDNS_ACT_DROP, 1, XDPDNS_KIND_BELOW);
	/* BELOW does not cover the owner itself. */
	expect_no_match(gen, "example.test");
	xdpdns_gen_close(gen);
}

static void test_match_closer_ancestor(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);

	add_ok(gen, "test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	add_ok(gen, "b.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_NXDOMAIN);

	expect_match(gen, "a.b.test", XDPDNS_ACT_NXDOMAIN, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "x.y.a.b.test", XDPDNS_ACT_NXDOMAIN, 3, XDPDNS_KIND_BELOW);
	expect_match(gen, "b.test", XDPDNS_ACT_DROP, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "a.c.test", XDPDNS_ACT_DROP, 2, XDPDNS_KIND_BELOW);
	expect_no_match(gen, "test");
	expect_no_match(gen, "b.test2");
	xdpdns_gen_close(gen);
}

static void test_match_allow_and_block_nest(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);
	const __u8 both = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW;

	add_ok(gen, "ads.test", both, XDPDNS_ACT_DROP);
	add_ok(gen, "ok.ads.test", both, XDPDNS_ACT_ALLOW);
	add_ok(gen, "corp.test", both, XDPDNS_ACT_ALLOW);
	add_ok(gen, "bad.corp.test", both, XDPDNS_ACT_SINKHOLE);

	expect_match(gen, "x.ok.ads.test", XDPDNS_ACT_ALLOW, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "ok.ads.test", XDPDNS_ACT_ALLOW, 0, XDPDNS_KIND_EXACT);
	expect_match(gen, "x.ads.test", XDPDNS_ACT_DROP, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "x.bad.corp.test", XDPDNS_ACT_SINKHOLE, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "bad.corp.test", XDPDNS_ACT_SINKHOLE, 0, XDPDNS_KIND_EXACT);
	expect_match(gen, "good.corp.test", XDPDNS_ACT_ALLOW, 1, XDPDNS_KIND_BELOW);
	xdpdns_gen_close(gen);
}

static void test_match_label_boundary(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);
	struct xdpdns_name name, root;
	struct xdpdns_match m;

	add_ok(gen, "bad.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);

	expect_no_match(gen, "notbad.test");
	expect_no_match(gen, "bad.test");
	expect_no_match(gen, "bad.test.test");
	expect_match(gen, "not.bad.test", XDPDNS_ACT_DROP, 1, XDPDNS_KIND_BELOW);
	expect_match(gen, "BAD.Bad.Test.", XDPDNS_ACT_DROP, 1, XDPDNS_KIND_BELOW);

	/* The root is never looked up, whatever the table holds. */
	name_of("x.bad.test", &name);
	xdpdns_name_suffix(&name, name.labels, &root);
	xdpdns_gen_match(gen, NULL, &root, 0, &m);
	assert_false(m.hit);
	xdpdns_gen_close(gen);
}

static void test_match_depth_masks(void **state)
{
	struct xdpdns_gen *gen = gen_new(100);
	const struct xdpdns_depths *d;
	struct xdpdns_depths mask;
	char text[NAME_TEXT_MAX] = "";
	struct xdpdns_match m;

	add_ok(gen, "bad.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	add_ok(gen, "x.y.z.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_REFUSED);
	for (int i = 0; i < 70; i++)
		strcat(text, i ? ".a" : "a");
	add_ok(gen, text, XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_TC);

	d = xdpdns_gen_depths(gen, 0);
	assert_int_equal(d->exact[0], 1ULL << 4);
	assert_int_equal(d->exact[1], 1ULL << (70 - 64));
	assert_int_equal(d->below[0], 1ULL << 2);
	assert_int_equal(d->below[1], 1ULL << (70 - 64));
	d = xdpdns_gen_depths(gen, 1);
	assert_int_equal(d->exact[0] | d->exact[1] | d->below[0] | d->below[1], 0);

	/* The rule's own masks find everything; a clear bit hides a depth. */
	match_of(gen, xdpdns_gen_depths(gen, 0), "q.bad.test", 0, &m);
	assert_true(m.hit);
	mask = *xdpdns_gen_depths(gen, 0);
	mask.below[0] &= ~(1ULL << 2);
	match_of(gen, &mask, "q.bad.test", 0, &m);
	assert_false(m.hit);
	match_of(gen, &mask, "x.y.z.test", 0, &m);
	assert_true(m.hit);
	mask.exact[0] = 0;
	match_of(gen, &mask, "x.y.z.test", 0, &m);
	assert_false(m.hit);

	/* A depth bit without a rule costs a lookup, nothing else. */
	mask.below[0] = ~0ULL;
	match_of(gen, &mask, "q.bad.test", 0, &m);
	assert_true(m.hit);
	assert_int_equal(m.label, 1);
	xdpdns_gen_close(gen);
}

static void test_match_sets(void **state)
{
	struct xdpdns_gen *gen = gen_new(1);
	struct xdpdns_rule rule;
	struct xdpdns_slot slot;
	struct xdpdns_match m;
	__u64 home = home_of(gen, "evil.test", 0, NULL);
	__u16 set = 1;

	/* A set whose rule for the name shares set 0's bucket. */
	while (set < XDPDNS_SETS_MAX && home_of(gen, "evil.test", set, NULL) != home)
		set++;
	assert_true(set < XDPDNS_SETS_MAX);

	rule_of(&rule, "evil.test", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	rule.set = set;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	match_of(gen, NULL, "a.evil.test", 0, &m);
	assert_false(m.hit);
	assert_false(find_of(gen, "evil.test", 0, XDPDNS_KIND_EXACT, NULL));
	match_of(gen, NULL, "a.evil.test", set, &m);
	assert_true(m.hit);
	assert_int_equal(m.slot.set, set);
	assert_int_equal(xdpdns_gen_depths(gen, set)->below[0], 1ULL << 2);

	/* Set 0's own rule for the name leaves the other set's alone. */
	add_ok(gen, "evil.test", XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW, XDPDNS_ACT_ALLOW);
	assert_int_equal(gen_rules(gen), 2);
	assert_true(find_of(gen, "evil.test", set, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_DROP);
	expect_match(gen, "a.evil.test", XDPDNS_ACT_ALLOW, 1, XDPDNS_KIND_BELOW);
	xdpdns_gen_close(gen);
}

static int map_create(enum bpf_map_type type, const char *name, __u32 value_size,
		      __u32 entries, __u32 flags, int inner_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
	int fd;

	if (inner_fd >= 0)
		opts.inner_map_fd = inner_fd;
	fd = bpf_map_create(type, name, 4, value_size, entries, &opts);
	if (fd < 0 && errno == EPERM)
		skip();
	if (fd < 0)
		fail_msg("create map '%s': %s", name, strerror(errno));
	return fd;
}

static void test_gen_open(void **state)
{
	struct xdpdns_gen *gen = gen_new(100), *again;
	struct xdpdns_slot slot;
	int fd;

	add_ok(gen, "one.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	again = xdpdns_gen_open(xdpdns_gen_fd(gen));
	assert_non_null(again);
	assert_int_not_equal(xdpdns_gen_fd(again), xdpdns_gen_fd(gen));
	assert_int_equal(xdpdns_gen_header(again)->seed, xdpdns_gen_header(gen)->seed);
	assert_true(find_of(again, "one.test", 0, XDPDNS_KIND_EXACT, NULL));

	/* Both map the same table: an edit through one shows in the other. */
	add_ok(again, "two.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_NXDOMAIN);
	assert_true(find_of(gen, "two.test", 0, XDPDNS_KIND_EXACT, &slot));
	assert_int_equal(slot.action, XDPDNS_ACT_NXDOMAIN);
	assert_int_equal(gen_rules(gen), 2);
	xdpdns_gen_close(again);
	xdpdns_gen_close(gen);

	/* Arrays that are not generations of this ABI. */
	fd = map_create(BPF_MAP_TYPE_ARRAY, "xdpdns_test", 64, 20, BPF_F_MMAPABLE, -1);
	errno = 0;
	assert_null(xdpdns_gen_open(fd));
	assert_int_equal(errno, EPROTO);
	close(fd);
	fd = map_create(BPF_MAP_TYPE_ARRAY, "xdpdns_test", 64, 20, 0, -1);
	errno = 0;
	assert_null(xdpdns_gen_open(fd));
	assert_int_equal(errno, EPROTO);
	close(fd);
	errno = 0;
	assert_null(xdpdns_gen_open(-1));
	assert_int_equal(errno, EBADF);
}

/* The table sits after the buckets, survives an open, and bounds the rules. */
static void test_gen_sinkhole_table(void **state)
{
	struct xdpdns_sinkhole e = { .flags = XDPDNS_SINK_A, .ede = XDPDNS_EDE_FILTERED };
	struct xdpdns_gen *gen = xdpdns_gen_create_with(10, 2, 7), *again;
	struct xdpdns_sinkhole got;
	struct xdpdns_rule rule;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (!gen && errno == EPERM)
		skip();
	assert_non_null(gen);
	assert_int_equal(xdpdns_gen_header(gen)->sinkholes, 2);
	assert_int_equal(bpf_obj_get_info_by_fd(xdpdns_gen_fd(gen), &info, &len), 0);
	assert_int_equal(info.max_entries, 1 + (1U << xdpdns_gen_header(gen)->filter_log2) +
					   (1U << xdpdns_gen_header(gen)->buckets_log2) + 2);

	e.v4 = htonl(0xc6120505);
	assert_int_equal(xdpdns_gen_set_sinkhole(gen, 2, &e), 0);
	assert_int_equal(xdpdns_gen_set_sinkhole(gen, 0, &e), -EINVAL);
	assert_int_equal(xdpdns_gen_set_sinkhole(gen, 3, &e), -EINVAL);
	e.flags = 0x8;
	assert_int_equal(xdpdns_gen_set_sinkhole(gen, 1, &e), -EINVAL);
	e.flags = XDPDNS_SINK_A;
	e.ede = 3;
	assert_int_equal(xdpdns_gen_set_sinkhole(gen, 1, &e), -EINVAL);

	/* A sinkhole rule's ede byte is an index: up to the table's size. */
	rule_of(&rule, "sink.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_SINKHOLE);
	rule.ede = 2;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), 0);
	rule.ede = 3;
	assert_int_equal(xdpdns_gen_insert(gen, &rule), -EINVAL);

	again = xdpdns_gen_open(xdpdns_gen_fd(gen));
	assert_non_null(again);
	xdpdns_gen_get_sinkhole(again, 2, &got);
	assert_int_equal(got.v4, htonl(0xc6120505));
	assert_int_equal(got.flags, XDPDNS_SINK_A);
	assert_int_equal(got.ede, XDPDNS_EDE_FILTERED);
	xdpdns_gen_get_sinkhole(again, 0, &got);
	assert_int_equal(got.flags, XDPDNS_SINK_CONFIG);
	assert_int_equal(got.ede, 0);
	xdpdns_gen_get_sinkhole(again, 9, &got);
	assert_int_equal(got.flags, XDPDNS_SINK_CONFIG);
	xdpdns_gen_close(again);
	xdpdns_gen_close(gen);

	errno = 0;
	assert_null(xdpdns_gen_create_with(10, XDPDNS_SINKHOLES_MAX + 1, 7));
	assert_int_equal(errno, EINVAL);
}

static void depths_read(int fd, __u32 set, struct xdpdns_depths *d)
{
	assert_int_equal(bpf_map_lookup_elem(fd, &set, d), 0);
}

static void depths_write(int fd, __u32 set, __u64 exact0, __u64 below0)
{
	struct xdpdns_depths d = { .exact = { exact0 }, .below = { below0 } };

	assert_int_equal(bpf_map_update_elem(fd, &set, &d, BPF_ANY), 0);
}

static void test_gen_activate(void **state)
{
	struct xdpdns_gen *tmpl = gen_new(0), *gen = gen_new(100);
	struct bpf_map_info info;
	struct xdpdns_depths d;
	int outer, depths;
	__u32 zero = 0, id;

	outer = map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "xdpdns_policy", 4, 1, 0,
			   xdpdns_gen_fd(tmpl));
	depths = map_create(BPF_MAP_TYPE_ARRAY, "xdpdns_depths", sizeof(d),
			    XDPDNS_SETS_MAX, 0, -1);
	depths_write(depths, 0, 1ULL << 9, 0);
	depths_write(depths, 7, 0xff, 0xff);

	add_ok(gen, "bad.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	add_ok(gen, "a.b.c.test", XDPDNS_KIND_EXACT, XDPDNS_ACT_DROP);
	assert_int_equal(xdpdns_gen_activate(gen, outer, depths), 0);

	assert_int_equal(bpf_map_lookup_elem(outer, &zero, &id), 0);
	map_info(xdpdns_gen_fd(gen), &info);
	assert_int_equal(id, info.id);

	/* Stale bits of the old generation are trimmed away. */
	depths_read(depths, 0, &d);
	assert_memory_equal(&d, xdpdns_gen_depths(gen, 0), sizeof(d));
	assert_int_equal(d.exact[0], 1ULL << 4);
	assert_int_equal(d.below[0], 1ULL << 2);
	depths_read(depths, 7, &d);
	assert_int_equal(d.exact[0] | d.exact[1] | d.below[0] | d.below[1], 0);

	/* Publishing after a live edit only adds bits. */
	depths_write(depths, 0, 1ULL << 4 | 1ULL << 9, 1ULL << 2);
	add_ok(gen, "x.y.test", XDPDNS_KIND_BELOW, XDPDNS_ACT_DROP);
	assert_int_equal(xdpdns_gen_publish_depths(gen, depths), 0);
	depths_read(depths, 0, &d);
	assert_int_equal(d.exact[0], 1ULL << 4 | 1ULL << 9);
	assert_int_equal(d.below[0], 1ULL << 2 | 1ULL << 3);

	/* A second generation replaces the first in the outer slot. */
	xdpdns_gen_close(tmpl);
	tmpl = gen_new(10);
	assert_int_equal(xdpdns_gen_activate(tmpl, outer, depths), 0);
	assert_int_equal(bpf_map_lookup_elem(outer, &zero, &id), 0);
	map_info(xdpdns_gen_fd(tmpl), &info);
	assert_int_equal(id, info.id);
	depths_read(depths, 0, &d);
	assert_int_equal(d.exact[0] | d.exact[1] | d.below[0] | d.below[1], 0);

	close(depths);
	close(outer);
	xdpdns_gen_close(gen);
	xdpdns_gen_close(tmpl);
}

static void test_config_default(void **state)
{
	struct xdpdns_config cfg;
	static const __u8 zero16[16];
	int ports = 0;

	memset(&cfg, 0xa5, sizeof(cfg));
	xdpdns_config_default(&cfg);
	assert_int_equal(cfg.version, XDPDNS_ABI_VERSION);
	assert_int_equal(cfg.flags, XDPDNS_CFG_RA);
	assert_int_equal(cfg.sinkhole_ttl, 300);
	assert_int_equal(cfg.negative_ttl, 300);
	assert_int_equal(cfg.soa_serial, 1);
	assert_int_equal(cfg.sinkhole_v4, 0);
	assert_memory_equal(cfg.sinkhole_v6, zero16, 16);
	assert_int_equal(cfg.edns_udp_size, 1232);
	assert_int_equal(cfg.pad, 0);
	assert_int_equal(cfg.ports[6], 0x20);
	for (int p = 0; p < 65536; p++)
		ports += cfg.ports[p / 8] >> (p % 8) & 1;
	assert_int_equal(ports, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_parse_wire),
		cmocka_unit_test(test_name_parse_case_and_dot),
		cmocka_unit_test(test_name_parse_escapes),
		cmocka_unit_test(test_name_parse_limits),
		cmocka_unit_test(test_name_format_round_trip),
		cmocka_unit_test(test_name_suffix),
		cmocka_unit_test(test_name_suffix_hash),
		cmocka_unit_test(test_gen_create_sizes),
		cmocka_unit_test(test_gen_slot_layout),
		cmocka_unit_test(test_gen_probe_window),
		cmocka_unit_test(test_gen_insert_find_remove),
		cmocka_unit_test(test_gen_insert_refuses_bad_rules),
		cmocka_unit_test(test_gen_kind_merge_replace),
		cmocka_unit_test(test_gen_capacity_100k),
		cmocka_unit_test(test_gen_enospc),
		cmocka_unit_test(test_match_exact_beats_below),
		cmocka_unit_test(test_match_closer_ancestor),
		cmocka_unit_test(test_match_allow_and_block_nest),
		cmocka_unit_test(test_match_label_boundary),
		cmocka_unit_test(test_match_depth_masks),
		cmocka_unit_test(test_match_sets),
		cmocka_unit_test(test_gen_open),
		cmocka_unit_test(test_gen_sinkhole_table),
		cmocka_unit_test(test_gen_activate),
		cmocka_unit_test(test_config_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
