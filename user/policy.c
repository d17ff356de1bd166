// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy generations in userspace: names in wire form, the generation table
 * laid out as maps/xdpdns_abi.h describes it, edits in place, and the lookup
 * the datapath does. Hashing, filter bits and probing here must agree bit for
 * bit with bpf/xdpdns.bpf.c; both take them from maps/xdpdns_hash.h.
 *
 * One writer per generation is assumed (the CLI holds a lock on the pin
 * directory); readers are the datapath and other processes mapping the same
 * table, which is why slots are published with release stores.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <bpf/bpf.h>

#include "policy.h"

#define WINDOW_SLOTS	(XDPDNS_PROBE_MAX * XDPDNS_BUCKET_SLOTS)
#define KIND_ALL	(XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW)

struct xdpdns_gen {
	int fd;
	void *mem;
	size_t mem_size;
	struct xdpdns_gen_header *hdr;
	struct xdpdns_filter_block *filter;
	struct xdpdns_bucket *bucket;
	char *sinkholes;		/* block of entry 1 of the sinkhole table */
	__u64 filter_mask;
	__u64 bucket_mask;
	struct xdpdns_depths *depths[XDPDNS_SETS_MAX];	/* NULL: set unused */
};

/* Where a rule lives: what a slot stores and what places it. */
struct gen_key {
	__u64 fp;
	__u64 place;
	__u8 name_len;
	__u16 set;
};

struct name_builder {
	struct xdpdns_name *out;
	int label_len;		/* bytes in the open label, -1 if none open */
};

static int name_put_byte(struct name_builder *nb, __u8 c, const char **why)
{
	struct xdpdns_name *n = nb->out;

	if (nb->label_len < 0) {
		if (n->labels == XDPDNS_LABELS_MAX) {
			*why = "more than 127 labels";
			return -EINVAL;
		}
		if (n->len + 2 > XDPDNS_NAME_MAX - 1) {
			*why = "name longer than 255 bytes";
			return -EINVAL;
		}
		n->label_off[n->labels++] = n->len;
		n->wire[n->len++] = 0;
		nb->label_len = 0;
	}
	if (nb->label_len == XDPDNS_LABEL_MAX) {
		*why = "label longer than 63 bytes";
		return -EINVAL;
	}
	/* One byte stays free for the root label. */
	if (n->len + 1 > XDPDNS_NAME_MAX - 1) {
		*why = "name longer than 255 bytes";
		return -EINVAL;
	}
	n->wire[n->len++] = xdpdns_lower(c);
	n->wire[n->label_off[n->labels - 1]] = ++nb->label_len;
	return 0;
}

static int name_end_label(struct name_builder *nb, const char **why)
{
	if (nb->label_len < 0) {
		*why = "empty label";
		return -EINVAL;
	}
	nb->label_len = -1;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Decode the escape after a backslash at *p: \DDD (three digits, at most
 * 255) or \X for any other X. Advances *p past it.
 */
static int name_unescape(const char **p, __u8 *c, const char **why)
{
	const char *s = *p;
	int v;

	if (!*s) {
		*why = "backslash at end of name";
		return -EINVAL;
	}
	if (!is_digit(s[0])) {
		*c = s[0];
		*p = s + 1;
		return 0;
	}
	if (!is_digit(s[1]) || !is_digit(s[2])) {
		*why = "escape \\DDD needs three digits";
		return -EINVAL;
	}
	v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (v > 255) {
		*why = "escape \\DDD above 255";
		return -EINVAL;
	}
	*c = v;
	*p = s + 3;
	return 0;
}

static int name_parse_text(const char *p, struct name_builder *nb, const char **why)
{
	int err;

	while (*p) {
		__u8 c = *p++;

		if (c == '.') {
			err = name_end_label(nb, why);
			/* A final dot only marks the name as absolute. */
			if (!err && !*p)
				break;
		} else if (c == '\\') {
			err = name_unescape(&p, &c, why);
			if (!err)
				err = name_put_byte(nb, c, why);
		} else {
			err = name_put_byte(nb, c, why);
		}
		if (err)
			return err;
	}
	return 0;
}

/*
 * A name with no escape and within every limit, a label at a time: what
 * nearly every line of a feed holds, parsed to the same wire form as
 * name_parse_text() gives, in a third of the time. Returns false, with out
 * half written, for any other name: name_parse_text() then parses it anew
 * and gives the reason it is refused, if it is.
 */
static bool name_parse_plain(const char *text, struct xdpdns_name *out)
{
	const char *p = text;

	for (;;) {
		const char *end = p;
		size_t len;

		while (*end && *end != '.' && *end != '\\')
			end++;
		len = end - p;
		if (*end == '\\' || !len || len > XDPDNS_LABEL_MAX ||
		    out->labels == XDPDNS_LABELS_MAX || out->len + 1 + len > XDPDNS_NAME_MAX - 1)
			return false;

		out->label_off[out->labels++] = out->len;
		out->wire[out->len++] = len;
		for (size_t i = 0; i < len; i++)
			out->wire[out->len++] = xdpdns_lower(p[i]);
		/* A final dot only marks the name as absolute. */
		if (!*end || !end[1])
			return true;
		p = end + 1;
	}
}

int xdpdns_name_parse(const char *text, struct xdpdns_name *out, const char **why)
{
	struct name_builder nb = { .out = out, .label_len = -1 };
	const char *reason = NULL;
	int err = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!text[0]) {
		reason = "empty name";
	} else if (!strcmp(text, ".")) {
		reason = "the root name covers every name";
	} else if (name_parse_plain(text, out)) {
		err = 0;
	} else {
		memset(out, 0, sizeof(*out));
		err = name_parse_text(text, &nb, &reason);
	}
	if (err) {
		memset(out, 0, sizeof(*out));
		if (why)
			*why = reason;
		return err;
	}

	out->wire[out->len++] = 0;
	return 0;
}

/* Append n bytes and keep room for the NUL; false once buf is full. */
static bool buf_put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= size)
		return false;
	memcpy(buf + *pos, s, n);
	*pos += n;
	return true;
}

/*
 * Dots and backslashes inside a label are escaped, unprintables as \DDD.
 * Written by hand: an snprintf() a byte was most of the time of storing a
 * feed's rules.
 */
static bool format_byte(__u8 c, char *buf, size_t size, size_t *pos)
{
	char tmp[4];
	int n = 0;

	if (c == '.' || c == '\\') {
		tmp[n++] = '\\';
		tmp[n++] = c;
	} else if (c > ' ' && c < 0x7f) {
		tmp[n++] = c;
	} else {
		tmp[n++] = '\\';
		tmp[n++] = '0' + c / 100;
		tmp[n++] = '0' + c / 10 % 10;
		tmp[n++] = '0' + c % 10;
	}
	return buf_put(buf, size, pos, tmp, n);
}

void xdpdns_name_format(const struct xdpdns_name *name, char *buf, size_t size)
{
	size_t pos = 0;

	if (!size)
		return;
	if (!name->labels) {
		snprintf(buf, size, ".");
		return;
	}
	for (int i = 0; i < name->labels; i++) {
		const __u8 *label = name->wire + name->label_off[i];

		if (i && !buf_put(buf, size, &pos, ".", 1))
			goto out;
		for (int j = 1; j <= label[0]; j++)
			if (!format_byte(label[j], buf, size, &pos))
				goto out;
	}
out:
	buf[pos] = '\0';
}

void xdpdns_name_suffix(const struct xdpdns_name *name, int i, struct xdpdns_name *out)
{
	int off;

	if (i < 0)
		i = 0;
	if (i > name->labels)
		i = name->labels;
	off = i < name->labels ? name->label_off[i] : name->len - 1;

	memset(out, 0, sizeof(*out));
	out->len = name->len - off;
	memcpy(out->wire, name->wire + off, out->len);
	out->labels = name->labels - i;
	for (int j = 0; j < out->labels; j++)
		out->label_off[j] = name->label_off[i + j] - off;
}

/*
 * The hash of one label, as xdpdns_hash.h defines it: its bytes as
 * little-endian words, the last one zero above the remaining bytes.
 */
static void label_hash(const __u8 *label, struct xdpdns_hash *l)
{
	__u32 len = label[0], rem = len & 7;
	__u64 word;

	xdpdns_label_init(l, len);
	for (__u32 w = 0; w < len / 8; w++) {
		memcpy(&word, label + 1 + w * 8, sizeof(word));
		xdpdns_label_word(l, xdpdns_lower8(le64toh(word)));
	}
	if (rem) {
		word = 0;
		memcpy(&word, label + 1 + len - rem, rem);
		xdpdns_label_word(l, xdpdns_lower8(le64toh(word)));
	}
}

/*
 * The hash of every suffix, labels taken in from the root outwards: hs[i]
 * is the state after label i, the hash of the suffix starting there.
 */
static void name_hash_suffixes(const struct xdpdns_name *name, __u64 seed,
			       struct xdpdns_hash *hs)
{
	struct xdpdns_hash h, l;

	xdpdns_hash_init(&h, seed);
	for (int i = name->labels - 1; i >= 0; i--) {
		label_hash(name->wire + name->label_off[i], &l);
		xdpdns_hash_label(&h, &l);
		hs[i] = h;
	}
}

void xdpdns_name_hash(const struct xdpdns_name *name, __u64 seed, struct xdpdns_hash *h)
{
	struct xdpdns_hash l;

	xdpdns_hash_init(h, seed);
	for (int i = name->labels - 1; i >= 0; i--) {
		label_hash(name->wire + name->label_off[i], &l);
		xdpdns_hash_label(h, &l);
	}
}

static void key_make(const struct xdpdns_hash *h, __u8 name_len, __u16 set,
		     struct gen_key *k)
{
	k->fp = xdpdns_hash_fp(h);
	k->place = xdpdns_hash_place(h, set);
	k->name_len = name_len;
	k->set = set;
}

static void key_of_name(const struct xdpdns_gen *gen, const struct xdpdns_name *name,
			__u16 set, struct gen_key *k)
{
	struct xdpdns_hash h;

	xdpdns_name_hash(name, gen->hdr->seed, &h);
	key_make(&h, name->len, set, k);
}

static struct xdpdns_filter_block *filter_block(const struct xdpdns_gen *gen,
						const struct gen_key *k)
{
	return &gen->filter[(k->place >> 32) & gen->filter_mask];
}

/* Single writer: a load and a store cannot lose a concurrent update. */
static void filter_add(struct xdpdns_gen *gen, const struct gen_key *k)
{
	struct xdpdns_filter_block *blk = filter_block(gen, k);

	for (int i = 0; i < XDPDNS_FILTER_BITS; i++) {
		__u32 bit = xdpdns_filter_bit(k->place, i);
		__u64 *w = &blk->word[bit / 64];

		__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) | 1ULL << (bit % 64),
				 __ATOMIC_RELAXED);
	}
}

static bool filter_has(const struct xdpdns_gen *gen, const struct gen_key *k)
{
	const struct xdpdns_filter_block *blk = filter_block(gen, k);

	for (int i = 0; i < XDPDNS_FILTER_BITS; i++) {
		__u32 bit = xdpdns_filter_bit(k->place, i);

		if (!(blk->word[bit / 64] >> (bit % 64) & 1))
			return false;
	}
	return true;
}

static __u64 slot_fp(const struct xdpdns_slot *s)
{
	return __atomic_load_n(&s->fp, __ATOMIC_ACQUIRE);
}

static bool slot_free(const struct xdpdns_slot *s)
{
	return slot_fp(s) <= XDPDNS_FP_TOMBSTONE;
}

static bool slot_is_key(const struct xdpdns_slot *s, const struct gen_key *k)
{
	return slot_fp(s) == k->fp && s->name_len == k->name_len && s->set == k->set;
}

/*
 * The slots a lookup of k can reach, in probe order: the window's buckets up
 * to and including the first one holding an empty slot, where a lookup stops.
 * Empty slots never come back (removal leaves tombstones), so every slot of
 * k lies in this range. Returns the number of slots stored in win.
 */
static int window_slots(const struct xdpdns_gen *gen, const struct gen_key *k,
			struct xdpdns_slot **win)
{
	int n = 0;

	for (int i = 0; i < XDPDNS_PROBE_MAX; i++) {
		struct xdpdns_bucket *b = &gen->bucket[(k->place + i) & gen->bucket_mask];
		bool empty = false;

		for (int j = 0; j < XDPDNS_BUCKET_SLOTS; j++) {
			win[n++] = &b->slot[j];
			empty |= slot_fp(&b->slot[j]) == XDPDNS_FP_EMPTY;
		}
		if (empty)
			break;
	}
	return n;
}

static struct xdpdns_slot *slot_lookup(const struct xdpdns_gen *gen,
				       const struct gen_key *k, __u8 want)
{
	struct xdpdns_slot *win[WINDOW_SLOTS];
	int n = window_slots(gen, k, win);

	for (int i = 0; i < n; i++)
		if (slot_is_key(win[i], k) && (win[i]->kind & want))
			return win[i];
	return NULL;
}

/* Fill every field but fp, then release fp: readers see all or nothing. */
static void slot_publish(struct xdpdns_gen *gen, struct xdpdns_slot *s,
			 const struct gen_key *k, const struct xdpdns_rule *rule)
{
	s->name_len = k->name_len;
	s->kind = rule->kind;
	s->set = k->set;
	s->action = rule->action;
	s->ede = rule->ede;
	s->feed = rule->feed;
	__atomic_store_n(&s->fp, k->fp, __ATOMIC_RELEASE);
	gen->hdr->rules++;
}

static void slot_set_kind(struct xdpdns_gen *gen, struct xdpdns_slot *s, __u8 kind)
{
	if (kind) {
		__atomic_store_n(&s->kind, kind, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&s->fp, XDPDNS_FP_TOMBSTONE, __ATOMIC_RELEASE);
	gen->hdr->rules--;
}

/* Take kind bits away from the slots of k other than keep; count changes. */
static int slots_strip(struct xdpdns_gen *gen, struct xdpdns_slot **win, int n,
		       const struct gen_key *k, const struct xdpdns_slot *keep, __u8 kind)
{
	int changed = 0;

	for (int i = 0; i < n; i++) {
		struct xdpdns_slot *s = win[i];

		if (s == keep || !slot_is_key(s, k) || !(s->kind & kind))
			continue;
		slot_set_kind(gen, s, s->kind & ~kind);
		changed++;
	}
	return changed;
}

static bool slot_same_rule(const struct xdpdns_slot *s, const struct xdpdns_rule *rule)
{
	return s->action == rule->action && s->ede == rule->ede && s->feed == rule->feed;
}

/*
 * A full window can still take a rule that replaces one: the slot whose kind
 * bits the new rule takes over entirely is freed first. Queries of that name
 * pass unmatched between the two stores, which beats refusing the edit.
 */
static struct xdpdns_slot *slot_reclaim(struct xdpdns_gen *gen, struct xdpdns_slot **win,
					int n, const struct gen_key *k, __u8 kind)
{
	for (int i = 0; i < n; i++) {
		if (slot_is_key(win[i], k) && !(win[i]->kind & ~kind)) {
			slot_set_kind(gen, win[i], 0);
			return win[i];
		}
	}
	return NULL;
}

static bool ede_valid(__u8 ede)
{
	return !ede || (ede >= XDPDNS_EDE_BLOCKED && ede <= XDPDNS_EDE_PROHIBITED);
}

static bool rule_valid(const struct xdpdns_gen *gen, const struct xdpdns_rule *rule)
{
	const struct xdpdns_name *name = &rule->name;

	if (!rule->kind || rule->kind & ~KIND_ALL)
		return false;
	if (rule->action == XDPDNS_ACT_PASS || rule->action >= XDPDNS_ACT_COUNT)
		return false;
	if (rule->action == XDPDNS_ACT_SINKHOLE ? rule->ede > gen->hdr->sinkholes
						 : !ede_valid(rule->ede))
		return false;
	if (rule->set >= XDPDNS_SETS_MAX || rule->feed >= XDPDNS_FEEDS_MAX)
		return false;
	/* A rule on the root is never looked up: the datapath stops above it. */
	return name->labels >= 1 && name->labels <= XDPDNS_LABELS_MAX && name->len >= 3;
}

static struct xdpdns_depths *depths_get(struct xdpdns_gen *gen, __u16 set)
{
	if (!gen->depths[set])
		gen->depths[set] = calloc(1, sizeof(struct xdpdns_depths));
	return gen->depths[set];
}

static void depths_add(struct xdpdns_depths *d, int depth, __u8 kind)
{
	__u64 bit = 1ULL << (depth % 64);

	if (kind & XDPDNS_KIND_EXACT)
		d->exact[depth / 64] |= bit;
	if (kind & XDPDNS_KIND_BELOW)
		d->below[depth / 64] |= bit;
}

/*
 * The new or widened slot is published before other actions lose their
 * bits, so a concurrent query meets the old rule or the new one, never none.
 */
int xdpdns_gen_insert_hashed(struct xdpdns_gen *gen, const struct xdpdns_rule *rule,
			     const struct xdpdns_hash *h)
{
	struct xdpdns_slot *win[WINDOW_SLOTS], *same = NULL, *free_slot = NULL;
	struct xdpdns_depths *depths;
	struct gen_key k;
	int n;

	if (!rule_valid(gen, rule))
		return -EINVAL;
	depths = depths_get(gen, rule->set);
	if (!depths)
		return -ENOMEM;

	key_make(h, rule->name.len, rule->set, &k);
	n = window_slots(gen, &k, win);
	for (int i = 0; i < n; i++) {
		if (slot_is_key(win[i], &k) && slot_same_rule(win[i], rule))
			same = win[i];
		else if (!free_slot && slot_free(win[i]))
			free_slot = win[i];
	}

	if (same) {
		slot_set_kind(gen, same, same->kind | rule->kind);
	} else {
		if (!free_slot)
			free_slot = slot_reclaim(gen, win, n, &k, rule->kind);
		if (!free_slot)
			return -ENOSPC;
		filter_add(gen, &k);
		slot_publish(gen, free_slot, &k, rule);
		same = free_slot;
	}
	slots_strip(gen, win, n, &k, same, rule->kind);
	depths_add(depths, rule->name.labels, rule->kind);
	return 0;
}

int xdpdns_gen_insert(struct xdpdns_gen *gen, const struct xdpdns_rule *rule)
{
	struct xdpdns_hash h;

	xdpdns_name_hash(&rule->name, gen->hdr->seed, &h);
	return xdpdns_gen_insert_hashed(gen, rule, &h);
}

void xdpdns_gen_prefetch(const struct xdpdns_gen *gen, const struct xdpdns_hash *h,
			 __u16 set)
{
	struct gen_key k;

	key_make(h, 0, set, &k);		/* where a key goes does not depend on its length */
	__builtin_prefetch(filter_block(gen, &k));
	__builtin_prefetch(&gen->bucket[k.place & gen->bucket_mask]);
}

int xdpdns_gen_remove(struct xdpdns_gen *gen, const struct xdpdns_name *name,
		      __u16 set, __u8 kind)
{
	struct xdpdns_slot *win[WINDOW_SLOTS];
	struct gen_key k;
	int n;

	key_of_name(gen, name, set, &k);
	n = window_slots(gen, &k, win);
	return slots_strip(gen, win, n, &k, NULL, kind);
}

bool xdpdns_gen_find(const struct xdpdns_gen *gen, const struct xdpdns_name *name,
		     __u16 set, __u8 kind, struct xdpdns_slot *out)
{
	const struct xdpdns_slot *s;
	struct gen_key k;

	key_of_name(gen, name, set, &k);
	s = slot_lookup(gen, &k, kind);
	if (s && out)
		*out = *s;
	return s != NULL;
}

int xdpdns_gen_foreach(const struct xdpdns_gen *gen,
		       int (*fn)(const struct xdpdns_slot *slot, void *arg), void *arg)
{
	for (__u64 b = 0; b <= gen->bucket_mask; b++) {
		for (int j = 0; j < XDPDNS_BUCKET_SLOTS; j++) {
			const struct xdpdns_slot *s = &gen->bucket[b].slot[j];
			int ret;

			if (slot_free(s))
				continue;
			ret = fn(s, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

const struct xdpdns_depths *xdpdns_gen_depths(const struct xdpdns_gen *gen, __u16 set)
{
	static const struct xdpdns_depths none;

	if (set >= XDPDNS_SETS_MAX || !gen->depths[set])
		return &none;
	return gen->depths[set];
}

static bool depth_wanted(const __u64 *mask, int depth)
{
	return !mask || mask[depth / 64] >> (depth % 64) & 1;
}

/* The datapath's probe: the filter first, buckets only if it may hold k. */
static bool match_try(const struct xdpdns_gen *gen, const struct xdpdns_hash *h,
		      __u8 name_len, __u16 set, __u8 want, struct xdpdns_match *m)
{
	const struct xdpdns_slot *s;
	struct gen_key k;

	key_make(h, name_len, set, &k);
	if (!filter_has(gen, &k))
		return false;
	s = slot_lookup(gen, &k, want);
	if (!s)
		return false;
	m->hit = true;
	m->slot = *s;
	m->kind = want;
	return true;
}

void xdpdns_gen_match(const struct xdpdns_gen *gen, const struct xdpdns_depths *depths,
		      const struct xdpdns_name *qname, __u16 set, struct xdpdns_match *m)
{
	struct xdpdns_hash hs[XDPDNS_LABELS_MAX];
	int labels = qname->labels;

	memset(m, 0, sizeof(*m));
	if (!labels || labels > XDPDNS_LABELS_MAX)
		return;
	name_hash_suffixes(qname, gen->hdr->seed, hs);

	if (depth_wanted(depths ? depths->exact : NULL, labels) &&
	    match_try(gen, &hs[0], qname->len, set, XDPDNS_KIND_EXACT, m))
		return;
	for (int i = 1; i < labels; i++) {
		__u8 len = qname->len - qname->label_off[i];

		if (!depth_wanted(depths ? depths->below : NULL, labels - i))
			continue;
		if (match_try(gen, &hs[i], len, set, XDPDNS_KIND_BELOW, m)) {
			m->label = i;
			return;
		}
	}
}

static int gen_map(struct xdpdns_gen *gen, __u32 entries)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size = (size_t)entries * XDPDNS_BLOCK_SIZE;

	gen->mem_size = (size + page - 1) / page * page;
	gen->mem = mmap(NULL, gen->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, gen->fd, 0);
	if (gen->mem == MAP_FAILED) {
		gen->mem = NULL;
		return -errno;
	}
	gen->hdr = gen->mem;
	return 0;
}

/* Point at the filter and the buckets once the header holds their sizes. */
static void gen_layout(struct xdpdns_gen *gen)
{
	__u64 filter_blocks = 1ULL << gen->hdr->filter_log2;
	char *blocks = gen->mem;

	gen->filter = (void *)(blocks + XDPDNS_BLOCK_SIZE);
	gen->bucket = (void *)(blocks + (1 + filter_blocks) * XDPDNS_BLOCK_SIZE);
	gen->sinkholes = (char *)(gen->bucket + (1ULL << gen->hdr->buckets_log2));
	gen->filter_mask = filter_blocks - 1;
	gen->bucket_mask = (1ULL << gen->hdr->buckets_log2) - 1;
}

/* Buckets for <= 50% slot use at rules, filter at 16 bits per rule. */
static void gen_size(__u32 rules, __u32 *filter_log2, __u32 *buckets_log2)
{
	__u64 n = rules ? rules : 1;
	__u32 f = 0, b = 4;

	while ((1ULL << b) * XDPDNS_BUCKET_SLOTS / 2 < n)
		b++;
	while ((1ULL << f) * XDPDNS_BLOCK_SIZE * 8 < 16 * n)
		f++;
	*filter_log2 = f;
	*buckets_log2 = b;
}

static int gen_init_header(struct xdpdns_gen *gen, __u64 generation,
			   __u32 filter_log2, __u32 buckets_log2, __u32 sinkholes)
{
	struct xdpdns_gen_header *hdr = gen->hdr;
	__u64 seed;

	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return errno ? -errno : -EIO;

	hdr->version = XDPDNS_ABI_VERSION;
	hdr->seed = seed;
	hdr->generation = generation;
	hdr->filter_log2 = filter_log2;
	hdr->buckets_log2 = buckets_log2;
	hdr->rules = 0;
	hdr->sinkholes = sinkholes;
	__atomic_store_n(&hdr->magic, XDPDNS_GEN_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

static struct xdpdns_gen *gen_alloc(void)
{
	struct xdpdns_gen *gen = calloc(1, sizeof(*gen));

	if (gen)
		gen->fd = -1;
	return gen;
}

/* Close what gen holds so far and fail with err as errno. */
static struct xdpdns_gen *gen_fail(struct xdpdns_gen *gen, int err)
{
	xdpdns_gen_close(gen);
	errno = -err;
	return NULL;
}

struct xdpdns_gen *xdpdns_gen_create_with(__u32 rules, __u32 sinkholes, __u64 generation)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__u32 filter_log2, buckets_log2, entries;
	struct xdpdns_gen *gen;
	int err;

	if (sinkholes > XDPDNS_SINKHOLES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	gen = gen_alloc();
	if (!gen)
		return NULL;
	gen_size(rules, &filter_log2, &buckets_log2);
	entries = 1 + (1U << filter_log2) + (1U << buckets_log2) + sinkholes;

	gen->fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xdpdns_gen", sizeof(__u32),
				 XDPDNS_BLOCK_SIZE, entries, &opts);
	if (gen->fd < 0)
		return gen_fail(gen, -errno);
	err = gen_map(gen, entries);
	if (!err)
		err = gen_init_header(gen, generation, filter_log2, buckets_log2, sinkholes);
	if (err)
		return gen_fail(gen, err);
	gen_layout(gen);
	return gen;
}

struct xdpdns_gen *xdpdns_gen_create(__u32 rules, __u64 generation)
{
	return xdpdns_gen_create_with(rules, 0, generation);
}

static struct xdpdns_sinkhole *sinkhole_entry(const struct xdpdns_gen *gen, __u32 index)
{
	return (void *)(gen->sinkholes + (size_t)(index - 1) * XDPDNS_BLOCK_SIZE);
}

static bool sinkhole_valid(const struct xdpdns_sinkhole *e)
{
	__u8 known = XDPDNS_SINK_A | XDPDNS_SINK_AAAA | XDPDNS_SINK_CONFIG;

	return !(e->flags & ~known) && ede_valid(e->ede) && !e->pad;
}

/*
 * A plain store: the entry is set before the first rule naming it is
 * inserted, and that slot's release store publishes both.
 */
int xdpdns_gen_set_sinkhole(struct xdpdns_gen *gen, __u32 index,
			    const struct xdpdns_sinkhole *entry)
{
	if (!index || index > gen->hdr->sinkholes || !sinkhole_valid(entry))
		return -EINVAL;
	*sinkhole_entry(gen, index) = *entry;
	return 0;
}

void xdpdns_gen_get_sinkhole(const struct xdpdns_gen *gen, __u32 index,
			     struct xdpdns_sinkhole *out)
{
	if (index && index <= gen->hdr->sinkholes) {
		*out = *sinkhole_entry(gen, index);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->flags = XDPDNS_SINK_CONFIG;
}

/* Is the map behind gen->fd an array this ABI can read as a generation? */
static int gen_check_map(const struct xdpdns_gen *gen, __u32 *entries)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(gen->fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.key_size != sizeof(__u32) ||
	    info.value_size != XDPDNS_BLOCK_SIZE || !(info.map_flags & BPF_F_MMAPABLE))
		return -EPROTO;
	*entries = info.max_entries;
	return 0;
}

static int gen_check_header(const struct xdpdns_gen *gen, __u32 entries)
{
	const struct xdpdns_gen_header *hdr = gen->hdr;

	if (__atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != XDPDNS_GEN_MAGIC ||
	    hdr->version != XDPDNS_ABI_VERSION)
		return -EPROTO;
	if (hdr->filter_log2 >= 32 || hdr->buckets_log2 >= 32 ||
	    hdr->sinkholes > XDPDNS_SINKHOLES_MAX)
		return -EPROTO;
	if (1 + (1ULL << hdr->filter_log2) + (1ULL << hdr->buckets_log2) + hdr->sinkholes !=
	    entries)
		return -EPROTO;
	return 0;
}

/*
 * Depth masks are not stored in the map, and a slot keeps no depth, so an
 * opened generation starts with empty masks: the pinned depths map stays
 * authoritative, and later edits only OR bits into it.
 */
struct xdpdns_gen *xdpdns_gen_open(int fd)
{
	struct xdpdns_gen *gen;
	__u32 entries = 0;
	int err;

	gen = gen_alloc();
	if (!gen)
		return NULL;
	gen->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (gen->fd < 0)
		return gen_fail(gen, -errno);

	err = gen_check_map(gen, &entries);
	if (!err)
		err = gen_map(gen, entries);
	if (!err)
		err = gen_check_header(gen, entries);
	if (err)
		return gen_fail(gen, err);
	gen_layout(gen);
	return gen;
}

void xdpdns_gen_close(struct xdpdns_gen *gen)
{
	if (!gen)
		return;
	for (int i = 0; i < XDPDNS_SETS_MAX; i++)
		free(gen->depths[i]);
	if (gen->mem)
		munmap(gen->mem, gen->mem_size);
	if (gen->fd >= 0)
		close(gen->fd);
	free(gen);
}

int xdpdns_gen_fd(const struct xdpdns_gen *gen)
{
	return gen->fd;
}

const struct xdpdns_gen_header *xdpdns_gen_header(const struct xdpdns_gen *gen)
{
	return gen->hdr;
}

static int depths_or(int depths_fd, __u32 set, const struct xdpdns_depths *add)
{
	struct xdpdns_depths cur;

	if (bpf_map_lookup_elem(depths_fd, &set, &cur))
		return -errno;
	for (int w = 0; w < 2; w++) {
		cur.exact[w] |= add->exact[w];
		cur.below[w] |= add->below[w];
	}
	if (bpf_map_update_elem(depths_fd, &set, &cur, BPF_ANY))
		return -errno;
	return 0;
}

int xdpdns_gen_publish_depths(const struct xdpdns_gen *gen, int depths_fd)
{
	for (__u32 set = 0; set < XDPDNS_SETS_MAX; set++) {
		int err;

		if (!gen->depths[set])
			continue;
		err = depths_or(depths_fd, set, gen->depths[set]);
		if (err)
			return err;
	}
	return 0;
}

/* Leave exactly gen's masks, now that no older generation can be live. */
/* Every set's masks to exactly this generation's, in one system call. */
static int depths_trim(const struct xdpdns_gen *gen, int depths_fd)
{
	static __u32 keys[XDPDNS_SETS_MAX];
	struct xdpdns_depths *values;
	__u32 count = XDPDNS_SETS_MAX;
	int err = 0;

	values = calloc(XDPDNS_SETS_MAX, sizeof(*values));
	if (!values)
		return -ENOMEM;
	for (__u32 set = 0; set < XDPDNS_SETS_MAX; set++) {
		keys[set] = set;
		values[set] = *xdpdns_gen_depths(gen, set);
	}
	if (bpf_map_update_batch(depths_fd, keys, values, &count, NULL))
		err = -errno;
	free(values);
	return err;
}

int xdpdns_gen_activate(struct xdpdns_gen *gen, int policy_fd, int depths_fd)
{
	__u32 zero = 0, fd = gen->fd;
	int err;

	err = xdpdns_gen_publish_depths(gen, depths_fd);
	if (err)
		return err;
	/* In the header, so that every command reads it with the generation. */
	gen->hdr->swap_time = time(NULL);
	if (bpf_map_update_elem(policy_fd, &zero, &fd, BPF_ANY))
		return -errno;
	return depths_trim(gen, depths_fd);
}

void xdpdns_config_default(struct xdpdns_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = XDPDNS_ABI_VERSION;
	cfg->flags = XDPDNS_CFG_RA;
	cfg->sinkhole_ttl = 300;
	cfg->negative_ttl = 300;
	cfg->soa_serial = 1;
	cfg->sinkhole_v4 = 0;		/* 0.0.0.0 */
	cfg->edns_udp_size = 1232;
	cfg->ports[53 / 8] |= 1 << (53 % 8);
}
