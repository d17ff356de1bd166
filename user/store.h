/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state directory (/var/lib/xdpdns by default): the rules, not the maps,
 * so that no detach, attach, reboot or crash loses a rule. It holds
 *
 *   hand.rules         the hand rules (xdpdns block, allow)
 *   feeds/NAME.rules   the normalised rules of each loaded feed
 *   feeds.list         the feeds in the order they were first loaded: one
 *                      "NAME ID ACTION SOURCE" a line, and "@allow-feeds
 *                      listed" when allow feeds keep their listed place
 *   lock               held (flock) by whoever reads or changes the state
 *
 * A rules file has one rule a line, "NAME KIND ACTION [EDE] [A=ADDR]
 * [AAAA=ADDR]", KIND being subtree (the name and all below), exact or
 * below; the addresses only on a sinkhole rule that answers with its own
 * (files of before the addresses read the same). Every file is replaced
 * by writing a new one and renaming it over the old, so a crash leaves the
 * old file or the new one, never a half-written one.
 */
#ifndef XDPDNS_STORE_H
#define XDPDNS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "policy.h"

#define XDPDNS_STATE_DIR	"/var/lib/xdpdns"
#define XDPDNS_FEED_NAME_MAX	63
#define XDPDNS_HAND_FEED	"hand"
#define XDPDNS_HAND_FEED_ID	0

/* One stored rule; the owner's wire bytes live in the feed's arena. */
struct xdpdns_srule {
	__u32 name_off;		/* into xdpdns_feed.names */
	__u8 name_len;		/* wire length, root included */
	__u8 kind;		/* XDPDNS_KIND_* bits */
	__u8 action;		/* enum xdpdns_action, not PASS */
	__u8 ede;		/* 0 or XDPDNS_EDE_* */
	__u32 addr;		/* sinkhole: 1 + index into xdpdns_feed.addrs;
				 * 0: the configured addresses */
};

/* One feed: the hand rules or a loaded list. */
struct xdpdns_feed {
	char name[XDPDNS_FEED_NAME_MAX + 1];
	__u16 id;		/* key of its hit counter */
	__u8 action;		/* the action it was loaded with */
	char *source;		/* the file it was loaded from; "" for hand */
	struct xdpdns_srule *rules;
	size_t nrules, cap;
	__u8 *names;		/* wire names, back to back */
	size_t names_len, names_cap;
	struct xdpdns_sinkaddr *addrs;	/* the sinkhole rules' own addresses */
	size_t naddrs, addrs_cap;
};

struct xdpdns_state {
	char *dir;
	int lock_fd;
	struct xdpdns_feed hand;
	struct xdpdns_feed *feeds;	/* in feeds.list order */
	size_t nfeeds;
	bool allow_listed;		/* allow feeds in their listed place, not first */
};

/*
 * Open the state directory dir (created if missing), take its lock (shared
 * for readers, exclusive for writers) and read every rule. A malformed
 * state file is an error that names the file and line. Returns 0 or -errno,
 * reported.
 */
int xdpdns_state_open(struct xdpdns_state *st, const char *dir, bool write);

/* Free everything and drop the lock. */
void xdpdns_state_close(struct xdpdns_state *st);

/* Is name fit for a feed: 1 to 63 of [a-z0-9._-], not "hand", no leading dot? */
bool xdpdns_feed_name_valid(const char *name);

/* The feed called name, or NULL. "hand" is the hand feed. */
struct xdpdns_feed *xdpdns_state_feed(struct xdpdns_state *st, const char *name);

/*
 * Add an empty feed at the end of the feed order, with the lowest free id.
 * Returns it, or NULL with errno set (ENOSPC: no free id). The feeds may
 * move: pointers to them taken before the call are no longer valid.
 */
struct xdpdns_feed *xdpdns_state_add_feed(struct xdpdns_state *st, const char *name,
					  __u8 action, const char *source);

/*
 * The feeds in the order they are asked: the hand rules, then the feeds
 * whose action is allow, then the others, each group in load order; with
 * allow_listed, the hand rules then every feed in load order. Fills out[]
 * (room for nfeeds + 1) and returns the count.
 */
size_t xdpdns_state_order(const struct xdpdns_state *st, const struct xdpdns_feed **out);

/*
 * Room for need elements of elem bytes in *buf, whose capacity *cap is at
 * least doubled when it grows. Returns 0 or -ENOMEM (*buf unchanged).
 */
int xdpdns_buf_grow(void **buf, size_t *cap, size_t need, size_t elem);

/*
 * Append a rule to a feed; addr (copied, NULL for none) gives a sinkhole
 * rule its own addresses and is ignored for other actions. Returns 0 or
 * -ENOMEM.
 */
int xdpdns_feed_append(struct xdpdns_feed *feed, const struct xdpdns_name *name,
		       __u8 kind, __u8 action, __u8 ede, const struct xdpdns_sinkaddr *addr);

/* Drop every rule of a feed (before it is replaced). */
void xdpdns_feed_clear(struct xdpdns_feed *feed);

/*
 * Set a hand rule: rules of the same owner lose the kind bits of the new
 * one (a later hand rule replaces an earlier one, kind by kind), then the
 * new one is appended. Returns 0 or -ENOMEM.
 */
int xdpdns_feed_set(struct xdpdns_feed *feed, const struct xdpdns_name *name,
		    __u8 kind, __u8 action, __u8 ede, const struct xdpdns_sinkaddr *addr);

/* " A=192.0.2.1 AAAA=2001:db8::1" at most, with the NUL. */
#define XDPDNS_SINKADDR_TEXT_MAX	(3 + 16 + 6 + 46)

/*
 * Write addr as the rules file and `xdpdns list` show it, each family
 * present as " A=ADDR" or " AAAA=ADDR" (a leading space included), into
 * buf of size bytes (XDPDNS_SINKADDR_TEXT_MAX is enough). Returns the
 * length written, NUL not counted.
 */
size_t xdpdns_sinkaddr_format(const struct xdpdns_sinkaddr *addr, char *buf, size_t size);

/* A rule's own sinkhole addresses, or NULL for the configured ones. */
static inline const struct xdpdns_sinkaddr *xdpdns_srule_addr(const struct xdpdns_feed *feed,
							      const struct xdpdns_srule *r)
{
	return r->addr ? &feed->addrs[r->addr - 1] : NULL;
}

/* Remove every rule of owner name. Returns the number removed. */
size_t xdpdns_feed_remove(struct xdpdns_feed *feed, const struct xdpdns_name *name);

/* The wire name of a rule. */
static inline const __u8 *xdpdns_srule_wire(const struct xdpdns_feed *feed,
					    const struct xdpdns_srule *r)
{
	return feed->names + r->name_off;
}

/* Wire bytes (lower case, root included) to a name with label offsets. */
void xdpdns_name_from_wire(const __u8 *wire, __u8 len, struct xdpdns_name *out);

/* "subtree", "exact", "below" for a kind mask, and back (-1 if unknown). */
const char *xdpdns_kind_name(__u8 kind);
int xdpdns_kind_parse(const char *name);

/*
 * Write a feed's rules file (hand.rules or feeds/NAME.rules), or the feed
 * list, atomically. Returns 0 or -errno, reported.
 */
int xdpdns_state_save_feed(const struct xdpdns_state *st, const struct xdpdns_feed *feed);
int xdpdns_state_save_list(const struct xdpdns_state *st);

/*
 * Put the feeds called names[0..n-1] first in the stored order, in that
 * order; the other feeds keep their order after them. Names that are not
 * stored, and "hand", are ignored. Pointers to feeds taken before the call
 * may point to other feeds after it. The caller saves the list.
 */
void xdpdns_state_reorder(struct xdpdns_state *st, const char *const *names, size_t n);

/* Remove a feed's rules file and its entry; the caller saves the list. */
int xdpdns_state_drop_feed(struct xdpdns_state *st, struct xdpdns_feed *feed);

#endif /* XDPDNS_STORE_H */
