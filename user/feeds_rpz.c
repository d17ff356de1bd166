// SPDX-License-Identifier: GPL-2.0-only
/*
 * RPZ zone files read with ldns, for their QNAME triggers. The zone's
 * apex is the owner of its SOA, or else the $ORIGIN in force at the first
 * record, or else the root; a trigger is a record's owner less the apex,
 * so a file of absolute owners and no origin (as most published RPZ feeds
 * are) has its owners as triggers. "name" covers the name alone, "*.name"
 * the names below it, and the record says what to do:
 *
 *   CNAME .               nxdomain
 *   CNAME *.              nodata
 *   CNAME rpz-drop.       drop
 *   CNAME rpz-tcp-only.   tc
 *   CNAME rpz-passthru.   allow (also the old form: a CNAME to the name itself)
 *   A ADDR, AAAA ADDR     sinkhole with those addresses (local data)
 *
 * A sinkhole of local data answers the types it has records of with them
 * and the other one NODATA, as the zone does. It answers one address per
 * type: a trigger with more A (or AAAA) records answers the first, and the
 * others are counted and reported once per file. Local data of any other
 * type cannot be answered at the NIC as the zone says; neither can a CNAME
 * to another name (a walled garden), nor the triggers that need the
 * resolver's answer or the client (rpz-ip, rpz-nsdname, rpz-nsip,
 * rpz-client-ip). Such triggers give no rule: the resolver, which can
 * load the same zone, decides them. Each kind is counted and reported once
 * per file. Records are gathered per trigger first, because a trigger's
 * records need not be next to each other and only all of them together
 * say whether it can be enforced.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ldns/ldns.h>

#include "feed_parse.h"
#include "log.h"
#include "store.h"

#define LEFT_NONE	(-1)

struct rpz_rec {
	__u32 off;			/* of the trigger, "*." taken off, in names */
	unsigned long line;
	__u8 len;			/* of the trigger's wire form */
	bool wildcard;
	bool cname;			/* a CNAME: the one record of its owner */
	__u8 action;			/* what it asks, if enforceable */
	int left;			/* enum xdpdns_rpz_left, or LEFT_NONE */
	struct xdpdns_sinkaddr addr;	/* an A or AAAA record's; after decide()
					 * those of the whole trigger */
};

struct rpz_zone {
	ldns_rdf *apex;
	struct rpz_rec *v;
	size_t n, cap;
	struct feed_names names;
};

/* The labels an RPZ trigger ends in (just above the apex) when it is not a name. */
static int special_trigger(const __u8 *last, __u8 len)
{
	static const char *const labels[] = {
		[XDPDNS_RPZ_LEFT_IP]		= "rpz-ip",
		[XDPDNS_RPZ_LEFT_NSDNAME]	= "rpz-nsdname",
		[XDPDNS_RPZ_LEFT_NSIP]		= "rpz-nsip",
		[XDPDNS_RPZ_LEFT_CLIENT_IP]	= "rpz-client-ip",
	};

	for (int i = 0; i < (int)(sizeof(labels) / sizeof(labels[0])); i++)
		if (strlen(labels[i]) == len && !strncasecmp((const char *)last, labels[i], len))
			return i;
	return LEFT_NONE;
}

static bool rdf_is(const ldns_rdf *rdf, const char *wire, size_t len)
{
	return ldns_rdf_size(rdf) == len && !memcmp(ldns_rdf_data(rdf), wire, len);
}

/* The action of a CNAME's target, or LEFT_CNAME for a name to go to. */
static void cname_action(struct rpz_rec *rec, ldns_rdf *target, const __u8 *trigger,
			 size_t trigger_len)
{
	static const struct {
		const char *wire;
		size_t len;
		__u8 action;
	} targets[] = {
		{ "", 1, XDPDNS_ACT_NXDOMAIN },
		{ "\x01*", 3, XDPDNS_ACT_NODATA },
		{ "\x08rpz-drop", 10, XDPDNS_ACT_DROP },
		{ "\x0crpz-tcp-only", 14, XDPDNS_ACT_TC },
		{ "\x0crpz-passthru", 14, XDPDNS_ACT_ALLOW },
	};

	ldns_dname2canonical(target);
	rec->cname = true;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (rdf_is(target, targets[i].wire, targets[i].len)) {
			rec->action = targets[i].action;
			return;
		}
	if (rdf_is(target, (const char *)trigger, trigger_len))
		rec->action = XDPDNS_ACT_ALLOW;
	else
		rec->left = XDPDNS_RPZ_LEFT_CNAME;
}

/* An A or AAAA record's address; false for a malformed one. */
static bool local_address(struct rpz_rec *rec, ldns_rr *rr)
{
	const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);

	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A && ldns_rdf_size(rdf) == 4) {
		memcpy(&rec->addr.v4, ldns_rdf_data(rdf), 4);
		rec->addr.families = XDPDNS_SINK_A;
		return true;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rdf) == 16) {
		memcpy(rec->addr.v6, ldns_rdf_data(rdf), 16);
		rec->addr.families = XDPDNS_SINK_AAAA;
		return true;
	}
	return false;
}

/* What a record of an ordinary trigger asks for. */
static void classify(struct rpz_rec *rec, ldns_rr *rr, const __u8 *trigger, size_t len)
{
	ldns_rr_type type = ldns_rr_get_type(rr);

	rec->left = LEFT_NONE;
	if (!ldns_rr_rd_count(rr)) {
		rec->left = XDPDNS_RPZ_LEFT_LOCAL;	/* no data to judge */
	} else if (type == LDNS_RR_TYPE_CNAME) {
		cname_action(rec, ldns_rr_rdf(rr, 0), trigger, len);
	} else if ((type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) &&
		   local_address(rec, rr)) {
		rec->action = XDPDNS_ACT_SINKHOLE;
	} else {
		rec->left = XDPDNS_RPZ_LEFT_LOCAL;
	}
}

/*
 * The trigger of an owner below the apex in presentation form, the labels
 * as they are: a '.' or a NUL inside a label (written "\." or "\000")
 * makes it bad, anything else is judged by feed_parse_name() as in every
 * other format.
 */
static int trigger_text(const __u8 *wire, size_t len, char *text, int *last_off)
{
	size_t t = 0;

	for (size_t i = 0; i < len && wire[i]; i += wire[i] + 1) {
		if (memchr(wire + i + 1, '.', wire[i]) || memchr(wire + i + 1, '\0', wire[i]))
			return -EINVAL;
		if (t)
			text[t++] = '.';
		memcpy(text + t, wire + i + 1, wire[i]);
		t += wire[i];
		*last_off = i;
	}
	text[t] = '\0';
	return 0;
}

static int zone_add(struct feed_reader *rd, struct rpz_zone *z, struct rpz_rec *rec,
		    const struct xdpdns_name *name)
{
	int err = feed_grow(rd, (void **)&z->v, &z->cap, z->n + 1, sizeof(*z->v));

	if (!err)
		err = feed_names_keep(rd, &z->names, name, &rec->off);
	if (err)
		return err;
	rec->len = name->len;
	z->v[z->n++] = *rec;
	return 0;
}

/* A record at the apex or outside the zone: the SOA and NS are the zone's own. */
static int not_a_trigger(struct feed_reader *rd, const struct rpz_zone *z, ldns_rr *rr)
{
	ldns_rr_type type = ldns_rr_get_type(rr);
	char *owner, *apex;

	if (!ldns_dname_compare(ldns_rr_owner(rr), z->apex) &&
	    (type == LDNS_RR_TYPE_SOA || type == LDNS_RR_TYPE_NS)) {
		rd->counts->skipped++;
		return 0;
	}
	owner = ldns_rdf2str(ldns_rr_owner(rr));
	apex = ldns_rdf2str(z->apex);
	if (!ldns_dname_compare(ldns_rr_owner(rr), z->apex))
		feed_line_bad(rd, "record at the zone apex '%s': a trigger there would cover "
			      "every name", apex ? apex : "?");
	else
		feed_line_bad(rd, "owner '%s' is outside the zone '%s'", owner ? owner : "?",
			      apex ? apex : "?");
	free(owner);
	free(apex);
	return 0;
}

/* DNSSEC records of a signed policy zone say nothing about names. */
static bool is_dnssec(ldns_rr_type type)
{
	return type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC ||
	       type == LDNS_RR_TYPE_NSEC3 || type == LDNS_RR_TYPE_NSEC3PARAMS ||
	       type == LDNS_RR_TYPE_DNSKEY;
}

static int zone_record(struct feed_reader *rd, struct rpz_zone *z, ldns_rr *rr,
		       const ldns_rdf *origin)
{
	ldns_rdf *owner = ldns_rr_owner(rr);
	char text[XDPDNS_NAME_TEXT_MAX];
	struct rpz_rec rec = { .line = rd->counts->lines };
	struct xdpdns_name name;
	const char *why = NULL;
	__u8 trigger[XDPDNS_NAME_MAX];
	size_t len;
	int last = 0;

	ldns_dname2canonical(owner);
	if (!z->apex) {
		z->apex = ldns_rdf_clone(ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA ? owner : origin);
		if (!z->apex)
			return -ENOMEM;
	}
	if (!ldns_dname_is_subdomain(owner, z->apex))
		return not_a_trigger(rd, z, rr);
	if (is_dnssec(ldns_rr_get_type(rr))) {
		rd->counts->skipped++;
		return 0;
	}

	/* The owner less the apex's labels, and a root label of its own. */
	len = ldns_rdf_size(owner) - ldns_rdf_size(z->apex) + 1;
	memcpy(trigger, ldns_rdf_data(owner), len - 1);
	trigger[len - 1] = 0;
	if (trigger_text(trigger, len, text, &last))
		return feed_line_bad(rd, "bad trigger: a '.' or a NUL byte inside a label");
	if (!strcmp(text, "*"))
		return feed_line_bad(rd, "trigger '*' at the zone apex would cover every name");
	if (feed_parse_name(rd, text, true, &name, &rec.wildcard, &why))
		return feed_name_bad(rd, text, why);

	rec.left = special_trigger(trigger + last + 1, trigger[last]);
	if (rec.left == LEFT_NONE)
		classify(&rec, rr, trigger, len);
	return zone_add(rd, z, &rec, &name);
}

static int trigger_cmp(const struct rpz_rec *a, const struct rpz_rec *b, const __u8 *names)
{
	if (a->wildcard != b->wildcard)
		return a->wildcard ? 1 : -1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(names + a->off, names + b->off, a->len);
}

static int by_trigger_then_line(const void *a, const void *b, void *names)
{
	const struct rpz_rec *ra = a, *rb = b;
	int c = trigger_cmp(ra, rb, names);

	if (c)
		return c;
	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static int by_line(const void *a, const void *b)
{
	const struct rpz_rec *ra = *(const struct rpz_rec *const *)a;
	const struct rpz_rec *rb = *(const struct rpz_rec *const *)b;

	return ra->line < rb->line ? -1 : ra->line > rb->line;
}

static bool same_ask(const struct rpz_rec *a, const struct rpz_rec *b)
{
	return a->cname == b->cname && a->action == b->action && a->left == b->left;
}

/*
 * Another A or AAAA record of the trigger whose addresses g0 gathers: the
 * first of each type is kept, the others counted.
 */
static void gather_address(struct feed_reader *rd, struct rpz_rec *g0, const struct rpz_rec *r)
{
	struct xdpdns_sinkaddr *to = &g0->addr;
	const struct xdpdns_sinkaddr *from = &r->addr;

	if (to->families & from->families) {
		rd->counts->rpz_extra_addrs++;
		return;
	}
	if (from->families & XDPDNS_SINK_A)
		to->v4 = from->v4;
	if (from->families & XDPDNS_SINK_AAAA)
		memcpy(to->v6, from->v6, sizeof(to->v6));
	to->families |= from->families;
}

/*
 * Decide one trigger from its records g[0..n-1], in file order. The first
 * record wins a conflict (as Unbound keeps it); a CNAME beside other data
 * is a conflict. Returns the record to make a rule of, or NULL.
 */
static struct rpz_rec *decide(struct feed_reader *rd, const struct rpz_zone *z,
			      struct rpz_rec *g, size_t n)
{
	char text[XDPDNS_NAME_TEXT_MAX];
	bool unenforceable = g[0].left != LEFT_NONE;
	struct xdpdns_name name;

	for (size_t i = 1; i < n; i++) {
		if ((g[i].cname || g[0].cname) && !same_ask(&g[i], &g[0])) {
			xdpdns_name_from_wire(z->names.wire + g[0].off, g[0].len, &name);
			xdpdns_name_format(&name, text, sizeof(text));
			feed_bad_at(rd, g[i].line, "conflicting record for '%s%s': the one of "
				    "line %lu is kept", g[0].wildcard ? "*." : "", text,
				    g[0].line);
			continue;
		}
		rd->counts->skipped++;
		unenforceable |= g[i].left != LEFT_NONE;
		if (!unenforceable && g[i].action == XDPDNS_ACT_SINKHOLE)
			gather_address(rd, &g[0], &g[i]);
	}
	if (!unenforceable)
		return &g[0];
	rd->counts->skipped++;
	rd->counts->rpz_left[g[0].left != LEFT_NONE ? g[0].left : XDPDNS_RPZ_LEFT_LOCAL]++;
	return NULL;
}

static int emit_rules(struct feed_reader *rd, const struct rpz_zone *z, struct rpz_rec **out,
		      size_t n)
{
	qsort(out, n, sizeof(*out), by_line);
	for (size_t i = 0; i < n; i++) {
		__u8 kind = out[i]->wildcard ? XDPDNS_KIND_BELOW : XDPDNS_KIND_EXACT;
		const struct xdpdns_sinkaddr *addr =
			out[i]->action == XDPDNS_ACT_SINKHOLE ? &out[i]->addr : NULL;
		int err = feed_names_emit(rd, &z->names, out[i]->off, out[i]->len, kind,
					  out[i]->action, addr, out[i]->line);

		if (err)
			return err;
	}
	return 0;
}

static void report_left(struct feed_reader *rd)
{
	static const struct {
		const char *before, *after;
	} what[] = {
		[XDPDNS_RPZ_LEFT_IP]		= { "rpz-ip ", "" },
		[XDPDNS_RPZ_LEFT_NSDNAME]	= { "rpz-nsdname ", "" },
		[XDPDNS_RPZ_LEFT_NSIP]		= { "rpz-nsip ", "" },
		[XDPDNS_RPZ_LEFT_CLIENT_IP]	= { "rpz-client-ip ", "" },
		[XDPDNS_RPZ_LEFT_CNAME]		= { "", " with a CNAME to another name" },
		[XDPDNS_RPZ_LEFT_LOCAL]		= { "", " with local data of types other "
						    "than A and AAAA" },
	};
	unsigned long extra = rd->counts->rpz_extra_addrs;

	for (int i = 0; i < XDPDNS_RPZ_LEFT_MAX; i++) {
		unsigned long n = rd->counts->rpz_left[i];

		if (n)
			pr_warn("%s: %lu %strigger%s%s left to the resolver\n", rd->path, n,
				what[i].before, n == 1 ? "" : "s", what[i].after);
	}
	if (extra)
		pr_warn("%s: %lu A or AAAA record%s not answered: a trigger answers the first "
			"address of each type\n", rd->path, extra, extra == 1 ? "" : "s");
}

static int zone_finish(struct feed_reader *rd, struct rpz_zone *z)
{
	struct rpz_rec **out = malloc((z->n ? z->n : 1) * sizeof(*out));
	size_t nout = 0;
	int err;

	if (!out) {
		pr_err("cannot read '%s': %s\n", rd->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	qsort_r(z->v, z->n, sizeof(*z->v), by_trigger_then_line, z->names.wire);
	for (size_t i = 0, j; i < z->n; i = j) {
		struct rpz_rec *keep;

		for (j = i + 1; j < z->n && !trigger_cmp(&z->v[i], &z->v[j], z->names.wire); j++)
			;
		keep = decide(rd, z, &z->v[i], j - i);
		if (keep)
			out[nout++] = keep;
	}
	err = emit_rules(rd, z, out, nout);
	free(out);
	report_left(rd);
	return err;
}

/* ldns' reason, in lower case as every message of ours is. */
static int bad_record(struct feed_reader *rd, ldns_status st)
{
	char why[128];

	snprintf(why, sizeof(why), "%s", ldns_get_errorstr_by_id(st));
	why[0] = tolower((unsigned char)why[0]);
	return feed_line_bad(rd, "bad record: %s", why);
}

/* One step of ldns' reader: a record, a directive, or a line to report. */
static int zone_step(struct feed_reader *rd, struct rpz_zone *z, ldns_status st, ldns_rr *rr,
		     const ldns_rdf *origin)
{
	switch (st) {
	case LDNS_STATUS_OK:
		return zone_record(rd, z, rr, origin);
	case LDNS_STATUS_SYNTAX_EMPTY:
		return 0;
	case LDNS_STATUS_SYNTAX_TTL:
	case LDNS_STATUS_SYNTAX_ORIGIN:
		rd->counts->skipped++;
		return 0;
	case LDNS_STATUS_SYNTAX_INCLUDE:
		return feed_line_bad(rd, "$INCLUDE is not followed (load the included file "
				     "as a feed of its own)");
	case LDNS_STATUS_MEM_ERR:
		pr_err("cannot read '%s': %s\n", rd->path, strerror(ENOMEM));
		return -ENOMEM;
	default:
		return bad_record(rd, st);
	}
}

/* A UTF-8 byte order mark, as some editors write, would be read as an owner. */
static void skip_bom(FILE *f)
{
	char bom[3];

	if (fread(bom, 1, 3, f) != 3 || memcmp(bom, "\xef\xbb\xbf", 3))
		rewind(f);
}

int feed_rpz_read(struct feed_reader *rd, FILE *f)
{
	ldns_rdf *origin = ldns_dname_new_frm_str("."), *prev = NULL;
	struct rpz_zone z = { 0 };
	uint32_t ttl = 3600;
	int line = 0, err = 0;

	if (!origin)
		return -ENOMEM;
	skip_bom(f);
	while (!err && !feof(f)) {
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &line);

		rd->counts->lines = line;
		err = zone_step(rd, &z, st, rr, origin);
		ldns_rr_free(rr);
	}
	if (!err)
		err = zone_finish(rd, &z);

	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	ldns_rdf_deep_free(z.apex);
	free(z.names.wire);
	free(z.v);
	return err;
}
