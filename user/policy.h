/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy generations in userspace: name encoding, building a generation
 * table (see maps/xdpdns_abi.h for its layout), single-rule edits in place,
 * and the same lookup the datapath does, for `xdpdns lookup` and for tests.
 *
 * A generation is a BPF array map created with BPF_F_MMAPABLE and
 * BPF_F_INNER_MAP and mapped into this process, so building it costs no
 * system call per rule, and edits of the live generation are plain stores
 * ordered so that the datapath never sees a half-written slot.
 */
#ifndef XDPDNS_POLICY_H
#define XDPDNS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "xdpdns_abi.h"
#include "xdpdns_hash.h"

/* A name in wire form, lower case, root label included in len. */
struct xdpdns_name {
	__u8 wire[XDPDNS_NAME_MAX];
	__u8 len;		/* wire bytes, 1 (root) to 255 */
	__u8 labels;		/* labels, root excluded: 0 to 127 */
	__u8 label_off[XDPDNS_LABELS_MAX];	/* offset of each label's length byte */
};

/*
 * Parse a presentation-form name ("Www.Example.COM", trailing dot optional)
 * into normalised wire form: ASCII folded to lower case, lengths checked
 * (label 1..63 bytes, name <= 255 wire bytes, <= 127 labels). Backslash
 * escapes are honoured: \DDD for a byte, \X for the character X. The root
 * "." is refused: no rule may cover every name. Returns 0, or -EINVAL with
 * *why set to a static reason string.
 */
int xdpdns_name_parse(const char *text, struct xdpdns_name *out, const char **why);

/*
 * The longest presentation form: every byte of a 255-byte name as \DDD,
 * dots between labels, and the NUL.
 */
#define XDPDNS_NAME_TEXT_MAX	(XDPDNS_NAME_MAX * 4 + 1)

/*
 * Write the presentation form ("www.example.com", no trailing dot; the root
 * as "."), with dots and backslashes inside labels as \. and \\ and other
 * bytes outside printable ASCII as \DDD. Cut to size - 1 bytes if buf is
 * smaller than XDPDNS_NAME_TEXT_MAX; always NUL-terminated.
 */
void xdpdns_name_format(const struct xdpdns_name *name, char *buf, size_t size);

/* The suffix of name starting at label i (0 = the name itself). */
void xdpdns_name_suffix(const struct xdpdns_name *name, int i, struct xdpdns_name *out);

/* The hash state of a whole name, as the datapath has it at label 0. */
void xdpdns_name_hash(const struct xdpdns_name *name, __u64 seed, struct xdpdns_hash *h);

/*
 * A sinkhole rule's own addresses. A family it lacks is answered NODATA,
 * as RPZ local data answers a type it has no record of.
 */
struct xdpdns_sinkaddr {
	__be32 v4;		/* network byte order */
	__u8 v6[16];
	__u8 families;		/* XDPDNS_SINK_A and/or XDPDNS_SINK_AAAA, not 0 */
};

/* One rule, as callers hand it in. */
struct xdpdns_rule {
	struct xdpdns_name name;
	__u8 kind;		/* XDPDNS_KIND_* bits, not 0 */
	__u8 action;		/* enum xdpdns_action, not PASS */
	__u8 ede;		/* 0 or an XDPDNS_EDE_* code; for SINKHOLE the
				 * index of its sinkhole entry (0: the
				 * configured addresses, EDE 15) */
	__u16 set;		/* < XDPDNS_SETS_MAX */
	__u16 feed;		/* < XDPDNS_FEEDS_MAX */
};

struct xdpdns_gen;

/*
 * Create an empty generation sized for `rules` rules (at most 50% of slots
 * used at that count, so live edits have room), with a random seed and the
 * given generation number. Returns NULL with errno set.
 */
struct xdpdns_gen *xdpdns_gen_create(__u32 rules, __u64 generation);

/*
 * The same with a sinkhole table of `sinkholes` entries (at most
 * XDPDNS_SINKHOLES_MAX, else EINVAL), all { 0 } until set: entries the
 * table has are set before the rules that use them are inserted.
 */
struct xdpdns_gen *xdpdns_gen_create_with(__u32 rules, __u32 sinkholes, __u64 generation);

/*
 * Set entry index (1 to the table's size) of the sinkhole table. Returns 0,
 * or -EINVAL for an index out of range or an entry with unknown flags, an
 * EDE code not 0 or 15 to 18, or padding not zero.
 */
int xdpdns_gen_set_sinkhole(struct xdpdns_gen *gen, __u32 index,
			    const struct xdpdns_sinkhole *entry);

/*
 * The entry a sinkhole slot's ede byte names: for 0, or an index the table
 * does not hold, { XDPDNS_SINK_CONFIG, ede 0 }, as the datapath reads it.
 */
void xdpdns_gen_get_sinkhole(const struct xdpdns_gen *gen, __u32 index,
			     struct xdpdns_sinkhole *out);

/*
 * Adopt an existing generation map by fd (for example the inner map found
 * in the pinned outer map). Takes a duplicate of fd; the caller keeps its
 * own. Fails with EPROTO if the header is not a valid generation of this
 * ABI version. Depth masks cannot be read back from the slots (a slot holds
 * the owner's length, not its depth), so the adopted generation starts with
 * none: the pinned xdpdns_depths map stays the authority, and live edits
 * only OR bits into it. Returns NULL with errno set.
 */
struct xdpdns_gen *xdpdns_gen_open(int fd);

/* Unmap and close; NULL is fine. */
void xdpdns_gen_close(struct xdpdns_gen *gen);

/* The map fd, owned by gen. */
int xdpdns_gen_fd(const struct xdpdns_gen *gen);

const struct xdpdns_gen_header *xdpdns_gen_header(const struct xdpdns_gen *gen);

/*
 * Add a rule. A slot with the same name and set and the same action, ede
 * and feed gains the rule's kind bits; other slots with the same name and
 * set lose them (a later rule replaces an earlier one, kind by kind).
 * Safe against a datapath reading concurrently on x86 (see the README's
 * limitations for weakly ordered CPUs). Returns 0; -ENOSPC when the probe
 * window is full (the caller builds a bigger generation); -EINVAL for a
 * rule out of range (kind 0 or unknown bits, action PASS or unknown, ede
 * not 0 or 15 to 18, or for SINKHOLE past the sinkhole table, set or feed
 * too large, the root name); -ENOMEM.
 */
int xdpdns_gen_insert(struct xdpdns_gen *gen, const struct xdpdns_rule *rule);

/*
 * For callers that know which names come next, as inserts into a big table
 * are mostly cache misses: fetch into the cache the filter block and home
 * bucket of the name whose hash is h (xdpdns_name_hash() with the seed in
 * the generation's header) in set, changing nothing; later insert the rule
 * with that hash, which is then not computed again. h must be the hash of
 * rule->name.
 */
void xdpdns_gen_prefetch(const struct xdpdns_gen *gen, const struct xdpdns_hash *h,
			 __u16 set);
int xdpdns_gen_insert_hashed(struct xdpdns_gen *gen, const struct xdpdns_rule *rule,
			     const struct xdpdns_hash *h);

/*
 * Remove the given kind bits of rules for name in set, whatever their
 * action. Returns the number of slots changed (0 if none), never fails.
 */
int xdpdns_gen_remove(struct xdpdns_gen *gen, const struct xdpdns_name *name,
		      __u16 set, __u8 kind);

/*
 * Find the slot for name in set that has any of the kind bits. Returns
 * true and copies it to *out, or false.
 */
bool xdpdns_gen_find(const struct xdpdns_gen *gen, const struct xdpdns_name *name,
		     __u16 set, __u8 kind, struct xdpdns_slot *out);

/* Call fn for every occupied slot; stops early if fn returns non-zero. */
int xdpdns_gen_foreach(const struct xdpdns_gen *gen,
		       int (*fn)(const struct xdpdns_slot *slot, void *arg), void *arg);

/* Depth masks of the rules this process inserted since create or open. */
const struct xdpdns_depths *xdpdns_gen_depths(const struct xdpdns_gen *gen, __u16 set);

/* The outcome of a lookup. */
struct xdpdns_match {
	bool hit;
	struct xdpdns_slot slot;	/* the deciding rule */
	int label;			/* label index of its owner in the query */
	__u8 kind;			/* XDPDNS_KIND_EXACT or XDPDNS_KIND_BELOW */
};

/*
 * The datapath's lookup: the exact rule for the whole name, then a BELOW
 * rule on each ancestor from the closest up, skipping depths whose bit is
 * clear in depths (NULL: try every depth). First hit decides.
 */
void xdpdns_gen_match(const struct xdpdns_gen *gen, const struct xdpdns_depths *depths,
		      const struct xdpdns_name *qname, __u16 set, struct xdpdns_match *m);

/*
 * Make gen the live generation of a loaded program: OR its depth masks into
 * depths_fd, swap it into slot 0 of policy_fd, then write its own masks, so
 * no query ever sees a mask with fewer bits than the live generation needs.
 * The header's swap_time is set to the time of the swap. Returns 0 or -errno.
 */
int xdpdns_gen_activate(struct xdpdns_gen *gen, int policy_fd, int depths_fd);

/* After live inserts into the active generation: OR its masks into depths_fd. */
int xdpdns_gen_publish_depths(const struct xdpdns_gen *gen, int depths_fd);

/*
 * Defaults for xdpdns_config: port 53, RA on, sinkhole 0.0.0.0 and :: with
 * TTL 300, negative TTL 300, SOA serial 1, EDNS UDP size 1232.
 */
void xdpdns_config_default(struct xdpdns_config *cfg);

#endif /* XDPDNS_POLICY_H */
