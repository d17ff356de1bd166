// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's config file, read with libyaml (config.h). The document is
 * loaded whole, then walked with one table of keys per mapping, so every
 * key is known, given once and checked where it is read, and every error
 * can point at the line of the node it is about.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include <arpa/inet.h>

#include "config.h"
#include "feedload.h"
#include "names.h"

struct reader {
	yaml_document_t doc;
	const char *path;
	char base[PATH_MAX];		/* the config file's directory */
	char *why;
	size_t size;
};

/*
 * Read one value into out: a plain value's text (set_text), or any node
 * (set_node, for lists). key is the value's path, as "feeds[0].action".
 */
typedef int (*text_setter_fn)(struct reader *r, yaml_node_t *v, const char *key,
			      const char *text, void *out);
typedef int (*node_setter_fn)(struct reader *r, yaml_node_t *v, const char *key, void *out);

struct key {
	const char *name;
	text_setter_fn set_text;
	node_setter_fn set_node;
	bool required;
};

static int fail(struct reader *r, const yaml_node_t *node, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct reader *r, const yaml_node_t *node, const char *key, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(r->why, r->size, "%s:%lu: %s%s%s", r->path,
		 (unsigned long)node->start_mark.line + 1, key, *key ? ": " : "", reason);
	return -EINVAL;
}

static int scalar(struct reader *r, yaml_node_t *v, const char *key, const char **text)
{
	*text = "";
	if (v->type != YAML_SCALAR_NODE)
		return fail(r, v, key, "expected one value, not a list or a mapping");
	*text = (const char *)v->data.scalar.value;
	if (!**text)
		return fail(r, v, key, "empty value");
	return 0;
}

static void join_key(char *buf, size_t size, const char *path, const char *name)
{
	snprintf(buf, size, "%s%s%s", path, *path ? "." : "", name);
}

static void key_list(const struct key *keys, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; keys[i].name && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? ", " : "", keys[i].name);
}

static int find_key(const struct key *keys, const char *name)
{
	for (int i = 0; keys[i].name; i++)
		if (!strcmp(keys[i].name, name))
			return i;
	return -1;
}

static int set_value(struct reader *r, const struct key *k, yaml_node_t *v, const char *key,
		     void *out)
{
	const char *text;
	int err;

	if (k->set_node)
		return k->set_node(r, v, key, out);
	err = scalar(r, v, key, &text);
	return err ? err : k->set_text(r, v, key, text, out);
}

/* A mapping whose keys are all in keys[], each at most once, the required ones given. */
static int read_map(struct reader *r, yaml_node_t *node, const char *path,
		    const struct key *keys, void *out)
{
	char key[128], known[256];
	unsigned seen = 0;
	int i, err;

	key_list(keys, known, sizeof(known));
	if (node->type != YAML_MAPPING_NODE)
		return fail(r, node, path, "expected a mapping of the keys %s", known);
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&r->doc, p->value);
		const char *name;

		err = scalar(r, k, path, &name);
		if (err)
			return err;
		join_key(key, sizeof(key), path, name);
		i = find_key(keys, name);
		if (i < 0)
			return fail(r, k, key, "unknown key (the keys here: %s)", known);
		if (seen & (1u << i))
			return fail(r, k, key, "given twice");
		seen |= 1u << i;
		err = set_value(r, &keys[i], v, key, out);
		if (err)
			return err;
	}
	for (i = 0; keys[i].name; i++) {
		join_key(key, sizeof(key), path, keys[i].name);
		if (keys[i].required && !(seen & (1u << i)))
			return fail(r, node, key, "missing");
	}
	return 0;
}

static int dup_text(const char *text, char **out)
{
	free(*out);
	*out = strdup(text);
	return *out ? 0 : -ENOMEM;
}

static int set_pin_dir(struct reader *r, yaml_node_t *v, const char *key,
		       const char *text, void *out)
{
	return dup_text(text, &((struct xdpdns_conf *)out)->pin_dir);
}

static int set_state_dir(struct reader *r, yaml_node_t *v, const char *key,
			 const char *text, void *out)
{
	return dup_text(text, &((struct xdpdns_conf *)out)->state_dir);
}

static int set_allow_feeds(struct reader *r, yaml_node_t *v, const char *key,
			   const char *text, void *out)
{
	struct xdpdns_conf *conf = out;

	if (strcmp(text, "first") && strcmp(text, "listed"))
		return fail(r, v, key, "'%s': first (allow feeds before the others) or listed "
			    "(every feed in the config's order)", text);
	conf->allow_listed = !strcmp(text, "listed");
	return 0;
}

static int set_iface_name(struct reader *r, yaml_node_t *v, const char *key,
			  const char *text, void *out)
{
	struct xdpdns_conf_iface *iface = out;

	if (strlen(text) > XDPDNS_IFNAME_MAX || strpbrk(text, "/ \t"))
		return fail(r, v, key, "bad interface name '%s': at most %d characters, no '/' "
			    "or blanks", text, XDPDNS_IFNAME_MAX);
	strcpy(iface->name, text);
	return 0;
}

static int set_iface_mode(struct reader *r, yaml_node_t *v, const char *key,
			  const char *text, void *out)
{
	struct xdpdns_conf_iface *iface = out;

	if (!strcmp(text, "native"))
		iface->mode = XDP_MODE_NATIVE;
	else if (!strcmp(text, "skb"))
		iface->mode = XDP_MODE_SKB;
	else
		return fail(r, v, key, "unknown mode '%s': native or skb", text);
	return 0;
}

static int set_feed_name(struct reader *r, yaml_node_t *v, const char *key,
			 const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;

	if (!xdpdns_feed_name_valid(text))
		return fail(r, v, key, "bad feed name '%s': 1 to %d of a-z, 0-9, '.', '_', '-', "
			    "not starting with '.', and not 'hand'", text, XDPDNS_FEED_NAME_MAX);
	strcpy(feed->name, text);
	return 0;
}

static bool has_scheme(const char *text, const char *scheme)
{
	return !strncasecmp(text, scheme, strlen(scheme));
}

static int set_source(struct reader *r, yaml_node_t *v, const char *key,
		      const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;

	feed->is_url = has_scheme(text, "http://") || has_scheme(text, "https://");
	if (!feed->is_url && strstr(text, "://"))
		return fail(r, v, key, "unsupported source '%s': a file path, or an http:// or "
			    "https:// URL", text);
	free(feed->source);
	if (feed->is_url || text[0] == '/')
		feed->source = strdup(text);
	else if (asprintf(&feed->source, "%s/%s", r->base, text) < 0)
		feed->source = NULL;
	return feed->source ? 0 : -ENOMEM;
}

static const char *format_name(int i)
{
	return xdpdns_format_name(i);
}

static const char *action_name(int i)
{
	return xdpdns_action_name(i);
}

/* "a, b, c": what name_of gives from first on, up to its first NULL. */
static void name_list(const char *(*name_of)(int), int first, char *buf, size_t size)
{
	const char *name;
	size_t n = 0;

	buf[0] = 0;
	for (int i = first; (name = name_of(i)) && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", n ? ", " : "", name);
}

static int set_format(struct reader *r, yaml_node_t *v, const char *key,
		      const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;
	int fmt = xdpdns_format_parse(text);
	char known[128];

	if (fmt >= 0) {
		feed->format = fmt;
		return 0;
	}
	name_list(format_name, 0, known, sizeof(known));
	return fail(r, v, key, "unknown format '%s': one of %s", text, known);
}

static int set_action(struct reader *r, yaml_node_t *v, const char *key,
		      const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;
	int action = xdpdns_action_parse(text);
	char known[128];

	if (action >= 0) {
		feed->action = action;
		return 0;
	}
	name_list(action_name, XDPDNS_ACT_PASS + 1, known, sizeof(known));
	return fail(r, v, key, "unknown action '%s': one of %s", text, known);
}

static int set_ede(struct reader *r, yaml_node_t *v, const char *key,
		   const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;
	char *end;
	long code;

	code = strtol(text, &end, 10);
	if (*end || code < XDPDNS_EDE_BLOCKED || code > XDPDNS_EDE_PROHIBITED)
		return fail(r, v, key, "bad EDE code '%s': 15 Blocked, 16 Censored, 17 Filtered "
			    "or 18 Prohibited", text);
	feed->ede = code;
	return 0;
}

static int set_kind(struct reader *r, yaml_node_t *v, const char *key,
		    const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;

	if (strcmp(text, "subtree") && strcmp(text, "exact"))
		return fail(r, v, key, "unknown kind '%s': subtree (a name and every name below "
			    "it) or exact (the name alone)", text);
	feed->kind = xdpdns_kind_parse(text);
	return 0;
}

/* "90", "90s", "500ms", "15m", "1h", "1d": seconds. */
static bool parse_duration(const char *text, double *seconds)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char *end;
	double v = strtod(text, &end);

	if (end == text || !isfinite(v))
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit)) {
			*seconds = v * units[i].scale;
			return true;
		}
	return false;
}

static int set_refresh(struct reader *r, yaml_node_t *v, const char *key,
		       const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;

	if (!parse_duration(text, &feed->refresh_s) || feed->refresh_s < XDPDNS_REFRESH_MIN_S)
		return fail(r, v, key, "bad interval '%s': seconds, or a number with ms, s, m, h "
			    "or d, at least 100ms", text);
	return 0;
}

static int set_max_shrink(struct reader *r, yaml_node_t *v, const char *key,
			  const char *text, void *out)
{
	struct xdpdns_conf_feed *feed = out;
	char *end;

	feed->max_shrink = strtod(text, &end);
	if (*end || end == text || !(feed->max_shrink >= 0 && feed->max_shrink <= 1))
		return fail(r, v, key, "bad share '%s': from 0 to 1 (0.5: refuse a version with "
			    "under half the rules; 1: take any version)", text);
	return 0;
}

static const struct key iface_keys[] = {
	{ "name", set_iface_name, NULL, true },
	{ "mode", set_iface_mode, NULL, false },
	{},
};

static const struct key feed_keys[] = {
	{ "name", set_feed_name, NULL, true },
	{ "source", set_source, NULL, true },
	{ "format", set_format, NULL, false },
	{ "action", set_action, NULL, false },
	{ "ede", set_ede, NULL, false },
	{ "kind", set_kind, NULL, false },
	{ "refresh", set_refresh, NULL, false },
	{ "max_shrink", set_max_shrink, NULL, false },
	{},
};

static int check_sequence(struct reader *r, yaml_node_t *v, const char *key, size_t *n)
{
	*n = 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(r, v, key, "expected a list (lines starting with '- ')");
	*n = v->data.sequence.items.top - v->data.sequence.items.start;
	return 0;
}

static yaml_node_t *item(struct reader *r, yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(&r->doc, seq->data.sequence.items.start[i]);
}

/* How to read a list whose items are mappings. */
struct list_of {
	const struct key *keys;
	size_t size;			/* of one item */
	size_t max;			/* items at most */
	void (*init)(void *item, unsigned long line);	/* the defaults, before the keys */
	int (*check)(struct reader *r, yaml_node_t *node, const char *path,
		     void *items, size_t i);	/* item i against the rest, after them */
};

/* *items (calloc'd, the caller's) gets the list's items; *count, how many were started. */
static int read_list(struct reader *r, yaml_node_t *v, const char *key,
		     const struct list_of *of, void **items, size_t *count)
{
	char path[64];
	size_t n;
	int err = check_sequence(r, v, key, &n);

	if (err)
		return err;
	if (n > of->max)
		return fail(r, v, key, "%zu items: at most %zu", n, of->max);
	*items = calloc(n ? n : 1, of->size);
	if (!*items)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *node = item(r, v, i);
		void *it = (char *)*items + i * of->size;

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		of->init(it, node->start_mark.line + 1);
		(*count)++;
		err = read_map(r, node, path, of->keys, it);
		if (!err)
			err = of->check(r, node, path, *items, i);
		if (err)
			return err;
	}
	return 0;
}

static void iface_defaults(void *item, unsigned long line)
{
	struct xdpdns_conf_iface *iface = item;

	iface->mode = XDP_MODE_NATIVE;
	iface->line = line;
}

static int check_iface(struct reader *r, yaml_node_t *node, const char *path,
		       void *items, size_t i)
{
	const struct xdpdns_conf_iface *ifaces = items;

	for (size_t j = 0; j < i; j++)
		if (!strcmp(ifaces[j].name, ifaces[i].name))
			return fail(r, node, path, "interface '%s' is also at line %lu",
				    ifaces[i].name, ifaces[j].line);
	return 0;
}

/* What a feed is when its keys are not given. */
static void feed_defaults(void *item, unsigned long line)
{
	struct xdpdns_conf_feed *feed = item;

	feed->format = XDPDNS_FMT_AUTO;
	feed->action = XDPDNS_ACT_NXDOMAIN;
	feed->kind = XDPDNS_KIND_EXACT | XDPDNS_KIND_BELOW;
	feed->max_shrink = XDPDNS_MAX_SHRINK_DEFAULT;
	feed->line = line;
}

static int check_feed(struct reader *r, yaml_node_t *node, const char *path,
		      void *items, size_t i)
{
	struct xdpdns_conf_feed *feeds = items, *feed = &feeds[i];

	if (feed->refresh_s && !feed->is_url)
		return fail(r, node, path, "refresh is for a URL; a file is watched and read "
			    "when it changes");
	if (!feed->refresh_s)
		feed->refresh_s = XDPDNS_REFRESH_DEFAULT_S;
	for (size_t j = 0; j < i; j++)
		if (!strcmp(feeds[j].name, feed->name))
			return fail(r, node, path, "feed name '%s' is also used at line %lu",
				    feed->name, feeds[j].line);
	return 0;
}

static int set_interfaces(struct reader *r, yaml_node_t *v, const char *key, void *out)
{
	static const struct list_of ifaces = {
		iface_keys, sizeof(struct xdpdns_conf_iface), 1024, iface_defaults, check_iface,
	};
	struct xdpdns_conf *conf = out;
	void *items = NULL;
	int err = read_list(r, v, key, &ifaces, &items, &conf->nifaces);

	conf->ifaces = items;
	return err;
}

/* Feed ids are 1 to XDPDNS_FEEDS_MAX - 1, 0 being the hand rules'. */
static int set_feeds(struct reader *r, yaml_node_t *v, const char *key, void *out)
{
	static const struct list_of feeds = {
		feed_keys, sizeof(struct xdpdns_conf_feed), XDPDNS_FEEDS_MAX - 1, feed_defaults,
		check_feed,
	};
	struct xdpdns_conf *conf = out;
	void *items = NULL;
	int err = read_list(r, v, key, &feeds, &items, &conf->nfeeds);

	conf->feeds = items;
	return err;
}

/* "127.0.0.1:9853" or "[::1]:9853": a numeric address and a port. */
static bool parse_listen(const char *text, struct xdpdns_conf_metrics *m)
{
	const char *colon = strrchr(text, ':');
	char host[INET6_ADDRSTRLEN + 2], *end;
	struct sockaddr_in6 *in6 = (void *)&m->addr;
	struct sockaddr_in *in = (void *)&m->addr;
	size_t len;
	long port;

	if (!colon || colon == text || (size_t)(colon - text) >= sizeof(host))
		return false;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return false;
	len = colon - text;
	memcpy(host, text, len);
	host[len] = 0;

	memset(&m->addr, 0, sizeof(m->addr));
	if (host[0] == '[' && host[len - 1] == ']') {
		host[len - 1] = 0;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		m->addr_len = sizeof(*in6);
		return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	m->addr_len = sizeof(*in);
	return inet_pton(AF_INET, host, &in->sin_addr) == 1;
}

static int set_listen(struct reader *r, yaml_node_t *v, const char *key,
		      const char *text, void *out)
{
	struct xdpdns_conf_metrics *m = out;

	if (strlen(text) >= sizeof(m->listen) || !parse_listen(text, m))
		return fail(r, v, key, "bad address '%s': a numeric address and a port, as "
			    "127.0.0.1:9853 or [::1]:9853", text);
	strcpy(m->listen, text);
	return 0;
}

static const struct key metrics_keys[] = {
	{ "listen", set_listen, NULL, true },
	{},
};

/* "metrics: off", or a mapping of metrics_keys. */
static int set_metrics(struct reader *r, yaml_node_t *v, const char *key, void *out)
{
	struct xdpdns_conf *conf = out;

	if (v->type != YAML_SCALAR_NODE)
		return read_map(r, v, key, metrics_keys, &conf->metrics);
	if (strcmp((const char *)v->data.scalar.value, "off"))
		return fail(r, v, key, "'%s': off, or a mapping with listen: ADDR:PORT",
			    (const char *)v->data.scalar.value);
	conf->metrics.off = true;
	return 0;
}

static int set_events_file(struct reader *r, yaml_node_t *v, const char *key,
			   const char *text, void *out)
{
	struct xdpdns_conf_events *e = out;

	free(e->file);
	if (!strcmp(text, "-") || text[0] == '/')
		e->file = strdup(text);
	else if (asprintf(&e->file, "%s/%s", r->base, text) < 0)
		e->file = NULL;
	return e->file ? 0 : -ENOMEM;
}

static int set_events_syslog(struct reader *r, yaml_node_t *v, const char *key,
			     const char *text, void *out)
{
	struct xdpdns_conf_events *e = out;

	if (strcmp(text, "true") && strcmp(text, "false"))
		return fail(r, v, key, "'%s': true or false", text);
	e->syslog = !strcmp(text, "true");
	return 0;
}

static int set_events_rate(struct reader *r, yaml_node_t *v, const char *key,
			   const char *text, void *out)
{
	struct xdpdns_conf_events *e = out;
	char *end;
	long rate;

	errno = 0;
	rate = strtol(text, &end, 10);
	if (*end || errno || rate < 0 || rate > XDPDNS_EVENT_RATE_MAX)
		return fail(r, v, key, "bad rate '%s': events per second per CPU, 0 (none) to %d",
			    text, XDPDNS_EVENT_RATE_MAX);
	e->rate = rate;
	return 0;
}

static const struct key events_keys[] = {
	{ "file", set_events_file, NULL, false },
	{ "syslog", set_events_syslog, NULL, false },
	{ "rate", set_events_rate, NULL, false },
	{},
};

/* A mapping of events_keys that names at least one place for the lines. */
static int set_events(struct reader *r, yaml_node_t *v, const char *key, void *out)
{
	struct xdpdns_conf_events *e = &((struct xdpdns_conf *)out)->events;
	int err;

	e->on = true;
	e->rate = XDPDNS_EVENT_RATE_DEFAULT;
	e->line = v->start_mark.line + 1;
	err = read_map(r, v, key, events_keys, e);
	if (!err && !e->file && !e->syslog)
		return fail(r, v, key, "no place for the events: give file: PATH (\"-\" for "
			    "standard output), syslog: true, or both");
	return err;
}

static const struct key top_keys[] = {
	{ "pin_dir", set_pin_dir, NULL, false },
	{ "state_dir", set_state_dir, NULL, false },
	{ "allow_feeds", set_allow_feeds, NULL, false },
	{ "interfaces", NULL, set_interfaces, false },
	{ "feeds", NULL, set_feeds, false },
	{ "metrics", NULL, set_metrics, false },
	{ "events", NULL, set_events, false },
	{},
};

static void set_base(struct reader *r, const char *path)
{
	char *copy = realpath(path, NULL);

	if (!copy)
		copy = strdup(path);
	snprintf(r->base, sizeof(r->base), "%s", copy ? dirname(copy) : ".");
	free(copy);
}

static int read_document(struct reader *r, struct xdpdns_conf *conf)
{
	yaml_node_t *root = yaml_document_get_root_node(&r->doc);
	char known[128];

	if (!root) {
		key_list(top_keys, known, sizeof(known));
		snprintf(r->why, r->size, "%s:1: empty config: expected the keys %s", r->path,
			 known);
		return -EINVAL;
	}
	return read_map(r, root, "", top_keys, conf);
}

static void metrics_defaults(struct xdpdns_conf_metrics *m)
{
	if (m->off || m->listen[0])
		return;
	strcpy(m->listen, XDPDNS_METRICS_LISTEN_DEFAULT);
	parse_listen(m->listen, m);
}

int xdpdns_conf_load(const char *path, struct xdpdns_conf *conf, char *why, size_t size)
{
	struct reader r = { .path = path, .why = why, .size = size };
	yaml_parser_t parser;
	FILE *f;
	int err;

	memset(conf, 0, sizeof(*conf));
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		snprintf(why, size, "cannot read '%s': %s", path, strerror(-err));
		return err;
	}
	set_base(&r, path);
	conf->path = strdup(path);
	if (!conf->path || !yaml_parser_initialize(&parser)) {
		fclose(f);
		xdpdns_conf_free(conf);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);

	if (yaml_parser_load(&parser, &r.doc)) {
		err = read_document(&r, conf);
		metrics_defaults(&conf->metrics);
		yaml_document_delete(&r.doc);
	} else {
		snprintf(why, size, "%s:%lu: not valid YAML: %s%s%s", path,
			 (unsigned long)parser.problem_mark.line + 1, parser.problem,
			 parser.context ? " " : "", parser.context ? parser.context : "");
		err = -EINVAL;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (err)
		xdpdns_conf_free(conf);
	return err;
}

void xdpdns_conf_free(struct xdpdns_conf *conf)
{
	for (size_t i = 0; i < conf->nfeeds; i++)
		free(conf->feeds[i].source);
	free(conf->feeds);
	free(conf->ifaces);
	free(conf->pin_dir);
	free(conf->state_dir);
	free(conf->events.file);
	free(conf->path);
	memset(conf, 0, sizeof(*conf));
}

const struct xdpdns_conf_feed *xdpdns_conf_feed(const struct xdpdns_conf *conf,
						const char *name)
{
	for (size_t i = 0; i < conf->nfeeds; i++)
		if (!strcmp(conf->feeds[i].name, name))
			return &conf->feeds[i];
	return NULL;
}
