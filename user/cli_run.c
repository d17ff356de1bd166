// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpdns run --config FILE: the daemon. It attaches to the configured
 * interfaces (keeping an attachment it finds), keeps every configured feed
 * stored in the state directory in the config's order, and rebuilds and
 * swaps the policy when a feed changes: a file when inotify says it was
 * written (its directory is watched, so that a rename over it is seen too),
 * a URL when a fetch at its interval brings a new version. One thread, one
 * poll() over a signalfd, the inotify descriptor, the metrics endpoint's
 * (metrics_http.c) and the event ring's (evlog.c, the block log), its
 * timeout the next deadline: a debounced rebuild, a URL's fetch or the
 * endpoint's.
 *
 * It never detaches: on SIGTERM or SIGINT it exits and the program keeps
 * enforcing the last generation; a restarted daemon adopts the attachment
 * and the pinned maps, so the counters keep counting. The state is read
 * again under its lock before every rebuild, so hand rules edited with
 * `xdpdns block` meanwhile are kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "daemon.h"
#include "evlog.h"
#include "feedload.h"
#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

/* Events closer than this make one rebuild: one save can be several writes. */
#define DEBOUNCE_MS		150
/* A rebuild that could not open the state is tried again after this. */
#define RETRY_MS		1000
/* The longest poll(), so that a far deadline never overflows an int. */
#define POLL_MAX_MS		3600000
#define WATCH_MASK		(IN_CLOSE_WRITE | IN_MOVED_TO)

struct daemon {
	const struct cli_args *cmdline;
	struct cli_args args;		/* the directories in effect */
	struct xdpdns_conf conf;
	struct xdpdns_run_feed *feeds;	/* one per config feed, in its order */
	size_t nfeeds;
	char (*dropped)[XDPDNS_FEED_NAME_MAX + 1];	/* feeds a reloaded config left out */
	size_t ndropped;
	int sig_fd, ino_fd;
	int lock_fd;			/* held while the daemon runs */
	struct xdpdns_http *http;	/* the metrics endpoint; NULL: metrics off */
	struct xdpdns_metrics metrics;	/* its feeds as stored at the last rebuild */
	struct xdpdns_evlog *evlog;	/* the block log; NULL: events off */
	double rebuild_at_ms;		/* 0: no rebuild due */
	bool reorder;			/* the set or order of feeds changed */
	int stop_signal;
};

static const char *mode_name(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? "skb" : mode == XDP_MODE_HW ? "hw" : "native";
}

/* The config's directories, else the command line's (or their defaults). */
static void resolve_dirs(struct daemon *d)
{
	d->args = *d->cmdline;
	if (d->conf.pin_dir)
		d->args.pin_dir = d->conf.pin_dir;
	if (d->conf.state_dir)
		d->args.state_dir = d->conf.state_dir;
}

static void schedule_rebuild(struct daemon *d, double delay_ms)
{
	double at = xdpdns_now_ms() + delay_ms;

	if (!d->rebuild_at_ms || at < d->rebuild_at_ms)
		d->rebuild_at_ms = at;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void watch_file(struct daemon *d, struct xdpdns_run_feed *f)
{
	char *dir = strndup(f->path, base_name(f->path) - f->path);

	f->wd = dir && *dir ? inotify_add_watch(d->ino_fd, dir, WATCH_MASK) : -1;
	if (f->wd < 0)
		pr_warn("cannot watch '%s' for changes to feed '%s': %s (its changes are read at "
			"the next reload, SIGHUP)\n", dir ? dir : f->path, f->conf->name,
			strerror(errno));
	free(dir);
}

static void free_feeds(struct xdpdns_run_feed *feeds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(feeds[i].path);
		free(feeds[i].meta);
	}
	free(feeds);
}

static int fill_feed(struct daemon *d, struct xdpdns_run_feed *f,
		     const struct xdpdns_conf_feed *conf)
{
	const char *dir = d->args.state_dir;

	f->conf = conf;
	f->wd = -1;
	f->pending = true;
	if (!conf->is_url) {
		f->path = strdup(conf->source);
		if (!f->path)
			return -ENOMEM;
		watch_file(d, f);
		return 0;
	}
	/* asprintf leaves its pointer undefined on failure: free_feeds needs NULL. */
	if (asprintf(&f->path, "%s/fetched/%s.body", dir, conf->name) < 0)
		f->path = NULL;
	if (asprintf(&f->meta, "%s/fetched/%s.meta", dir, conf->name) < 0)
		f->meta = NULL;
	if (!f->path || !f->meta)
		return -ENOMEM;
	f->next_fetch_ms = xdpdns_now_ms();
	return 0;
}

/*
 * The run feeds of the config, every one due to be read; a feed of the
 * same name in old keeps its counters.
 */
static int setup_feeds(struct daemon *d, const struct xdpdns_run_feed *old, size_t nold)
{
	struct xdpdns_run_feed *feeds = calloc(d->conf.nfeeds + 1, sizeof(*feeds));
	int err = feeds ? 0 : -ENOMEM;

	for (size_t i = 0; i < d->conf.nfeeds && !err; i++) {
		err = fill_feed(d, &feeds[i], &d->conf.feeds[i]);
		for (size_t j = 0; j < nold && !err; j++)
			if (!strcmp(old[j].conf->name, feeds[i].conf->name))
				feeds[i].health = old[j].health;
	}
	if (err) {
		pr_err("cannot set up the feeds: %s\n", strerror(-err));
		free_feeds(feeds, d->conf.nfeeds);
		return err;
	}
	d->feeds = feeds;
	d->nfeeds = d->conf.nfeeds;
	return 0;
}

static struct xdpdns_load_spec spec_of(const struct xdpdns_run_feed *f)
{
	return (struct xdpdns_load_spec){
		.feed = f->conf->name, .path = f->path, .source = f->conf->source,
		.format = f->conf->format, .action = f->conf->action, .ede = f->conf->ede,
		.kind = f->conf->kind, .max_shrink = f->conf->max_shrink,
	};
}

/* Read a feed's current file into scratch, outside the lock: it can take long. */
static int read_version(struct xdpdns_run_feed *f, struct xdpdns_feed *scratch,
			struct xdpdns_load_result *res)
{
	struct xdpdns_load_spec spec = spec_of(f);
	int err;

	/* A URL never fetched has no version yet; its fetch error is counted. */
	if (f->meta && access(f->path, R_OK))
		return -ENOENT;
	err = xdpdns_load_read(&spec, scratch, res);
	if (err) {
		if (access(f->path, R_OK))
			f->health.fetch_errors++;
		else
			f->health.parse_errors++;
		pr_err("feed '%s' not changed: its stored rules stay live\n", f->conf->name);
		return err;
	}
	f->health.bad_lines += res->counts.bad;
	pr_info("feed '%s': %lu names (%s format; %lu lines skipped, %lu bad) read from %s in "
		"%.1f ms\n", f->conf->name, res->counts.names, xdpdns_format_name(res->detected),
		res->counts.skipped, res->counts.bad, f->path, res->read_ms);
	return 0;
}

struct version {
	struct xdpdns_run_feed *feed;
	struct xdpdns_feed scratch;
	struct xdpdns_load_result res;
};

/* Store a version read, unless the safety valve refuses it. Is it taken? */
static bool take_version(struct xdpdns_state *st, struct version *v)
{
	struct xdpdns_run_feed *f = v->feed;
	struct xdpdns_load_spec spec = spec_of(f);
	int err = xdpdns_load_replace(st, &spec, &v->scratch, &v->res);

	if (err == -ERANGE) {
		f->health.refused++;
		return false;
	}
	if (err) {
		pr_err("feed '%s' not stored: %s (its stored rules stay live)\n", f->conf->name,
		       strerror(-err));
		return false;
	}
	f->health.versions++;
	f->health.last_taken = time(NULL);
	return true;
}

static void drop_unconfigured(struct daemon *d, struct xdpdns_state *st)
{
	for (size_t i = 0; i < d->ndropped; i++) {
		struct xdpdns_feed *feed = xdpdns_state_feed(st, d->dropped[i]);

		if (feed && !xdpdns_state_drop_feed(st, feed))
			pr_info("feed '%s' left the config: its rules are removed\n",
				d->dropped[i]);
	}
	free(d->dropped);
	d->dropped = NULL;
	d->ndropped = 0;
}

/* Make the stored order the config's. Did anything change? */
static bool order_feeds(struct daemon *d, struct xdpdns_state *st)
{
	const char **names;

	if (!d->reorder && st->allow_listed == d->conf.allow_listed)
		return false;
	names = calloc(d->nfeeds + 1, sizeof(*names));
	if (!names)
		return false;
	d->reorder = false;
	drop_unconfigured(d, st);
	for (size_t i = 0; i < d->nfeeds; i++)
		names[i] = d->feeds[i].conf->name;
	xdpdns_state_reorder(st, names, d->nfeeds);
	st->allow_listed = d->conf.allow_listed;
	free(names);

	for (size_t i = 0; i < st->nfeeds; i++)
		if (!xdpdns_conf_feed(&d->conf, st->feeds[i].name))
			pr_warn("feed '%s' is stored but not in the config: it stays, after the "
				"configured feeds\n", st->feeds[i].name);
	xdpdns_state_save_list(st);
	return true;
}

/* One line: the feeds of the coming generation, in the order they are asked. */
static void log_feeds(const struct xdpdns_state *st, size_t taken)
{
	const struct xdpdns_feed **order = calloc(st->nfeeds + 1, sizeof(*order));
	char line[1024];
	size_t len = 0, n;

	if (!order)
		return;
	n = xdpdns_state_order(st, order);
	line[0] = 0;
	for (size_t i = 0; i < n && len < sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s %zu", i ? ", " : "",
				order[i]->name, order[i]->nrules);
	pr_info("rebuilding with %zu feed versions taken; rules by feed: %s\n", taken, line);
	free(order);
}

static void note_rules(struct daemon *d, struct xdpdns_state *st)
{
	for (size_t i = 0; i < d->nfeeds; i++) {
		struct xdpdns_feed *feed = xdpdns_state_feed(st, d->feeds[i].conf->name);

		d->feeds[i].health.rules = feed ? feed->nrules : 0;
	}
}

/* Take the versions into the state and swap in one generation for them all. */
static void store_and_apply(struct daemon *d, struct version *v, size_t n)
{
	struct xdpdns_state st;
	size_t taken = 0;

	if (xdpdns_state_open(&st, d->args.state_dir, true)) {
		for (size_t i = 0; i < n; i++)
			v[i].feed->pending = true;
		pr_err("rebuild postponed: the state cannot be opened; trying again in %d ms\n",
		       RETRY_MS);
		schedule_rebuild(d, RETRY_MS);
		return;
	}
	for (size_t i = 0; i < n; i++)
		taken += take_version(&st, &v[i]);
	if (order_feeds(d, &st) || taken) {
		log_feeds(&st, taken);
		cli_apply(&d->args, &st);
	}
	note_rules(d, &st);
	/*
	 * Stored rules per feed for the scrapes: reading the state for each would
	 * cost a read of every rules file. Kept as it was when memory is short.
	 */
	xdpdns_metrics_set_feeds(&d->metrics, &st);
	xdpdns_state_close(&st);
}

static void rebuild(struct daemon *d)
{
	struct version *v = calloc(d->nfeeds + 1, sizeof(*v));
	size_t n = 0;

	d->rebuild_at_ms = 0;
	if (!v) {
		pr_err("rebuild postponed: out of memory; trying again in %d ms\n", RETRY_MS);
		schedule_rebuild(d, RETRY_MS);
		return;
	}
	for (size_t i = 0; i < d->nfeeds; i++) {
		struct xdpdns_run_feed *f = &d->feeds[i];

		if (!f->pending)
			continue;
		f->pending = false;
		v[n].feed = f;
		if (!read_version(f, &v[n].scratch, &v[n].res))
			n++;
	}
	store_and_apply(d, v, n);
	for (size_t i = 0; i < n; i++)
		xdpdns_load_scratch_free(&v[i].scratch);
	free(v);
}

static void fetch_due(struct daemon *d)
{
	for (size_t i = 0; i < d->nfeeds; i++) {
		struct xdpdns_run_feed *f = &d->feeds[i];
		bool changed;

		if (!f->meta || f->next_fetch_ms > xdpdns_now_ms())
			continue;
		if (xdpdns_fetch(f->conf->source, f->path, f->meta, &changed)) {
			f->health.fetch_errors++;
			pr_err("feed '%s' not changed: its stored rules stay live (next try in "
			       "%g s)\n", f->conf->name, f->conf->refresh_s);
		} else if (changed) {
			f->pending = true;
			schedule_rebuild(d, 0);
		} else {
			f->health.not_modified++;
			pr_debug("feed '%s': not modified\n", f->conf->name);
		}
		f->next_fetch_ms = xdpdns_now_ms() + f->conf->refresh_s * 1e3;
	}
}

static void file_changed(struct daemon *d, const struct inotify_event *ev)
{
	/* Events were lost: every file is read again. */
	bool lost = ev->mask & IN_Q_OVERFLOW;

	for (size_t i = 0; i < d->nfeeds; i++) {
		struct xdpdns_run_feed *f = &d->feeds[i];

		if (f->meta || !(lost || (f->wd == ev->wd && ev->len &&
					  !strcmp(base_name(f->path), ev->name))))
			continue;
		pr_debug("feed '%s': %s changed\n", f->conf->name, f->path);
		f->pending = true;
		schedule_rebuild(d, DEBOUNCE_MS);
	}
}

static void on_inotify(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(d->ino_fd, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + len) {
			const struct inotify_event *ev = (const void *)p;

			file_changed(d, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static int attach_iface(struct daemon *d, const struct xdpdns_state *st,
			const struct xdpdns_conf_iface *iface)
{
	int ifindex = cli_iface_index(iface->name), err;
	enum xdp_attach_mode mode;
	struct xdpdns_gen *gen;
	bool created;

	if (!ifindex)
		return -ENODEV;
	if (xdpdns_is_attached(ifindex, &mode)) {
		pr_info("%s: already attached (%s mode): kept, with the maps pinned under %s\n",
			iface->name, mode_name(mode), d->args.pin_dir);
		if (mode != iface->mode)
			pr_warn("%s is attached in %s mode, the config says %s: to change it, "
				"'xdpdns detach %s' and restart the daemon\n", iface->name,
				mode_name(mode), mode_name(iface->mode), iface->name);
		return 0;
	}
	err = cli_first_generation(&d->args, st, &gen);
	if (!err)
		err = xdpdns_attach(d->args.pin_dir, ifindex, iface->name, iface->mode, gen,
				    &created);
	if (!err)
		pr_info("%s: attached (%s mode), %s under %s\n", iface->name,
			mode_name(iface->mode), created ? "the stored rules live, maps pinned" :
			"sharing the policy pinned", d->args.pin_dir);
	xdpdns_gen_close(gen);
	return err;
}

/* Attach where not attached yet; every failure is reported, the first returned. */
static int attach_ifaces(struct daemon *d)
{
	struct xdpdns_state st;
	int err = 0;

	if (!d->conf.nifaces)
		return 0;
	if (xdpdns_state_open(&st, d->args.state_dir, true))
		return -EIO;
	for (size_t i = 0; i < d->conf.nifaces; i++) {
		int e = attach_iface(d, &st, &d->conf.ifaces[i]);

		if (!err)
			err = e;
	}
	xdpdns_state_close(&st);
	return err;
}

/* Remember the feeds of the running config that fresh leaves out. */
static int note_dropped(struct daemon *d, const struct xdpdns_conf *fresh)
{
	for (size_t i = 0; i < d->conf.nfeeds; i++) {
		const char *name = d->conf.feeds[i].name;
		char (*grown)[XDPDNS_FEED_NAME_MAX + 1];

		if (xdpdns_conf_feed(fresh, name))
			continue;
		grown = realloc(d->dropped, (d->ndropped + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		d->dropped = grown;
		snprintf(d->dropped[d->ndropped++], sizeof(*grown), "%s", name);
	}
	return 0;
}

/* Are fresh's directories those in effect? They cannot move under a running daemon. */
static bool same_dirs(const struct daemon *d, const struct xdpdns_conf *fresh)
{
	return !strcmp(fresh->pin_dir ? fresh->pin_dir : d->cmdline->pin_dir, d->args.pin_dir) &&
	       !strcmp(fresh->state_dir ? fresh->state_dir : d->cmdline->state_dir,
		       d->args.state_dir);
}

static void unwatch_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nfeeds; i++)
		if (d->feeds[i].wd >= 0)
			inotify_rm_watch(d->ino_fd, d->feeds[i].wd);
}

/*
 * One scrape: the pinned maps now, the stored feeds as of the last rebuild,
 * and the health of every configured feed, stored or not.
 */
static int render_metrics(void *arg, FILE *out)
{
	struct daemon *d = arg;
	struct xdpdns_metrics_health *health = calloc(d->nfeeds + 1, sizeof(*health));
	struct xdpdns_pins pins;
	int err;

	if (!health)
		return -ENOMEM;
	for (size_t i = 0; i < d->nfeeds; i++)
		health[i] = (struct xdpdns_metrics_health){ d->feeds[i].conf->name,
							    &d->feeds[i].health };
	d->metrics.daemon = true;
	d->metrics.health = health;
	d->metrics.nhealth = d->nfeeds;

	/* Nothing pinned (nothing attached) is no error: the feeds are still news. */
	d->metrics.datapath = false;
	err = xdpdns_pins_open(d->args.pin_dir, &pins);
	if (!err) {
		err = xdpdns_metrics_read(&pins, &d->metrics);
		xdpdns_pins_close(&pins);
	}
	if (err && err != -ENOENT)
		pr_err("cannot read the counters for a scrape of the metrics: %s\n",
		       strerror(-err));
	else
		err = xdpdns_metrics_render(&d->metrics, out);
	d->metrics.health = NULL;
	d->metrics.nhealth = 0;
	free(health);
	return err;
}

static int start_metrics(struct daemon *d)
{
	const struct xdpdns_conf_metrics *m = &d->conf.metrics;

	if (m->off)
		return 0;
	d->http = xdpdns_http_start(m, render_metrics, d);
	if (!d->http) {
		int err = -errno;

		pr_err("cannot serve the metrics on %s: %s (choose another address with "
		       "'metrics: listen:', or 'metrics: off'; see docs/config.md)\n", m->listen,
		       strerror(-err));
		return err;
	}
	pr_info("metrics served at http://%s/metrics\n", m->listen);
	return 0;
}

/* A reloaded config that moves or stops the endpoint; a failure leaves it off. */
static void restart_metrics(struct daemon *d, const struct xdpdns_conf_metrics *old)
{
	const struct xdpdns_conf_metrics *m = &d->conf.metrics;

	if (m->off == old->off && !strcmp(m->listen, old->listen))
		return;
	xdpdns_http_stop(d->http);
	d->http = NULL;
	if (m->off)
		pr_info("metrics: off\n");
	else if (start_metrics(d))
		pr_err("the metrics stay off until the next reload\n");
}

/* The feed of an event, by the names of the stored feeds at the last rebuild. */
static const char *feed_name(void *arg, __u16 id)
{
	const struct daemon *d = arg;

	for (size_t i = 0; i < d->metrics.nfeeds; i++)
		if (d->metrics.feeds[i].id == id)
			return d->metrics.feeds[i].name;
	return NULL;
}

/* The datapath's event rate: read, changed, written back whole. */
static int write_event_rate(const struct xdpdns_pins *pins, __u32 rate)
{
	struct xdpdns_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(pins->config, &zero, &cfg))
		return -errno;
	cfg.event_rate = rate;
	return bpf_map_update_elem(pins->config, &zero, &cfg, BPF_EXIST) ? -errno : 0;
}

/*
 * The config's events: the rate into the datapath (0 without the key, so
 * that no event waits for a reader that is not there) and the block log
 * reading the ring. Nothing pinned is no error: nothing sends events.
 */
static int start_events(struct daemon *d)
{
	const struct xdpdns_conf_events *e = &d->conf.events;
	struct xdpdns_pins pins;
	int err, werr;

	err = xdpdns_pins_open(d->args.pin_dir, &pins);
	if (err == -ENOENT) {
		if (e->on)
			pr_warn("events: nothing is pinned under %s (no interface attached): "
				"no events until a reload (SIGHUP) after an attach\n",
				d->args.pin_dir);
		return 0;
	}
	if (err)
		return err;
	if (e->on) {
		d->evlog = xdpdns_evlog_open(e, pins.events, feed_name, d);
		if (!d->evlog)
			err = -errno;
	}
	/* Without a log, however that came about, no events. */
	werr = write_event_rate(&pins, d->evlog ? e->rate : 0);
	if (!err)
		err = werr;
	if (err)
		pr_err("cannot start the event log: %s\n", strerror(-err));
	else if (e->on)
		pr_info("events: %u a second per CPU to %s%s%s\n", e->rate,
			e->file ? (strcmp(e->file, "-") ? e->file : "standard output") : "",
			e->file && e->syslog ? " and " : "", e->syslog ? "syslog" : "");
	xdpdns_pins_close(&pins);
	return err;
}

/*
 * The last events written, and the datapath told to send no more: nobody
 * reads them once the daemon is gone (a killed daemon leaves the rate on,
 * and the ring, once full, counts them lost).
 */
static void stop_events(struct daemon *d)
{
	struct xdpdns_pins pins;

	if (!d->evlog)
		return;
	xdpdns_evlog_close(d->evlog);
	d->evlog = NULL;
	if (xdpdns_pins_open(d->args.pin_dir, &pins))
		return;
	write_event_rate(&pins, 0);
	xdpdns_pins_close(&pins);
}

/* SIGHUP: the config read again; a bad one is reported and the running one stays. */
static void reload(struct daemon *d)
{
	struct xdpdns_run_feed *old = d->feeds;
	struct xdpdns_conf fresh, running;
	size_t nold = d->nfeeds;
	char why[768];

	if (xdpdns_conf_load(d->conf.path, &fresh, why, sizeof(why))) {
		pr_err("config not reloaded: %s (the running config stays)\n", why);
		return;
	}
	if (!same_dirs(d, &fresh)) {
		pr_err("config not reloaded: %s: pin_dir and state_dir cannot change while the "
		       "daemon runs (restart it; the running config stays)\n", fresh.path);
		xdpdns_conf_free(&fresh);
		return;
	}
	if (note_dropped(d, &fresh)) {
		pr_err("config not reloaded: out of memory (the running config stays)\n");
		xdpdns_conf_free(&fresh);
		return;
	}

	unwatch_all(d);
	running = d->conf;
	d->conf = fresh;
	resolve_dirs(d);
	if (setup_feeds(d, old, nold)) {
		/* Without its watches the old config cannot go on either. */
		d->stop_signal = SIGTERM;
		d->conf = running;
		resolve_dirs(d);
		xdpdns_conf_free(&fresh);
		return;
	}
	free_feeds(old, nold);
	restart_metrics(d, &running.metrics);
	xdpdns_conf_free(&running);

	attach_ifaces(d);
	/* Reopened whatever changed: logrotate moves the file and sends SIGHUP. */
	xdpdns_evlog_close(d->evlog);
	d->evlog = NULL;
	if (start_events(d))
		pr_err("the events stay off until the next reload\n");
	d->reorder = true;
	schedule_rebuild(d, 0);
	pr_info("config '%s' reloaded: %zu interfaces, %zu feeds\n", d->conf.path,
		d->conf.nifaces, d->conf.nfeeds);
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			d->stop_signal = si.ssi_signo;
	}
}

static int poll_timeout(const struct daemon *d)
{
	double next = d->rebuild_at_ms, now = xdpdns_now_ms();

	for (size_t i = 0; i < d->nfeeds; i++)
		if (d->feeds[i].meta && (!next || d->feeds[i].next_fetch_ms < next))
			next = d->feeds[i].next_fetch_ms;
	if (!next)
		return POLL_MAX_MS;
	if (next <= now)
		return 0;
	return next - now > POLL_MAX_MS ? POLL_MAX_MS : (int)(next - now) + 1;
}

/* The earlier of the daemon's next deadline and the metrics endpoint's. */
static int loop_timeout(const struct daemon *d)
{
	int ms = poll_timeout(d), http_ms = xdpdns_http_timeout(d->http);

	return http_ms >= 0 && http_ms < ms ? http_ms : ms;
}

static int serve(struct daemon *d)
{
	while (!d->stop_signal) {
		struct pollfd fds[] = { { d->sig_fd, POLLIN, 0 }, { d->ino_fd, POLLIN, 0 },
					{ xdpdns_http_fd(d->http), POLLIN, 0 },
					{ xdpdns_evlog_fd(d->evlog), POLLIN, 0 } };

		if (poll(fds, 4, loop_timeout(d)) < 0 && errno != EINTR) {
			int err = -errno;

			pr_err("the daemon's poll failed: %s\n", strerror(-err));
			return err;
		}
		if (fds[0].revents & POLLIN)
			on_signal(d);
		if (fds[1].revents & POLLIN)
			on_inotify(d);
		/* Whether or not its descriptor is ready: MHD's timeouts are due too. */
		xdpdns_http_run(d->http);
		if (d->stop_signal)
			break;
		fetch_due(d);
		if (d->rebuild_at_ms && d->rebuild_at_ms <= xdpdns_now_ms())
			rebuild(d);
		/* After a rebuild, which names the feeds the events may come from. */
		if (fds[3].revents & POLLIN)
			xdpdns_evlog_drain(d->evlog);
	}
	return 0;
}

/* Signals arrive on a descriptor, read in the loop, never in a handler. */
static int open_fds(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	d->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->sig_fd < 0 || d->ino_fd < 0) {
		int err = -errno;

		pr_err("cannot set up the daemon's event loop: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

/* The state directory, and its fetched/ for the bodies of URLs. */
static int make_fetched_dir(const struct daemon *d)
{
	char *dir;
	int err = 0;

	if (asprintf(&dir, "%s/fetched", d->args.state_dir) < 0)
		return -ENOMEM;
	if ((mkdir(d->args.state_dir, 0755) && errno != EEXIST) ||
	    (mkdir(dir, 0755) && errno != EEXIST)) {
		err = -errno;
		pr_err("cannot create '%s': %s\n", dir, strerror(-err));
	}
	free(dir);
	return err;
}

/* What became of each feed's versions since the daemon started. */
static void log_health(const struct daemon *d)
{
	for (size_t i = 0; i < d->nfeeds; i++) {
		const struct xdpdns_feed_health *h = &d->feeds[i].health;

		pr_info("feed '%s': %zu rules; versions: %llu taken, %llu refused, %llu fetch "
			"errors, %llu parse errors, %llu not modified; %llu bad lines\n",
			d->feeds[i].conf->name, h->rules, h->versions, h->refused,
			h->fetch_errors, h->parse_errors, h->not_modified, h->bad_lines);
	}
}

/*
 * One daemon per state directory: two would undo each other's feeds. The
 * lock goes with the process, however it ends.
 */
static int lock_daemon(struct daemon *d)
{
	char *path;
	int err = 0;

	if (asprintf(&path, "%s/daemon.lock", d->args.state_dir) < 0)
		return -ENOMEM;
	d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->lock_fd < 0 || flock(d->lock_fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		if (err == -EWOULDBLOCK)
			pr_err("another 'xdpdns run' uses the state directory '%s' (it holds "
			       "'%s'): stop it first\n", d->args.state_dir, path);
		else
			pr_err("cannot lock '%s': %s\n", path, strerror(-err));
	}
	free(path);
	return err;
}

static void say_stopped(const struct daemon *d)
{
	struct xdpdns_pins pins;
	struct xdpdns_gen *live;

	log_health(d);

	if (xdpdns_pins_open(d->args.pin_dir, &pins)) {
		pr_info("stopped by %s\n", strsignal(d->stop_signal));
		return;
	}
	live = xdpdns_pins_live(&pins);
	pr_info("stopped by %s; still attached, enforcing generation %llu (maps pinned under "
		"%s)\n", strsignal(d->stop_signal),
		live ? (unsigned long long)xdpdns_gen_header(live)->generation : 0ULL,
		d->args.pin_dir);
	xdpdns_gen_close(live);
	xdpdns_pins_close(&pins);
}

static int start(struct daemon *d)
{
	int err;

	resolve_dirs(d);
	err = open_fds(d);
	if (!err)
		err = make_fetched_dir(d);
	if (!err)
		err = lock_daemon(d);
	if (!err)
		err = start_metrics(d);
	if (!err)
		err = attach_ifaces(d);
	if (!err)
		err = setup_feeds(d, NULL, 0);
	if (!err)
		err = start_events(d);
	if (err)
		return err;
	d->reorder = true;
	schedule_rebuild(d, 0);
	pr_info("running with '%s': %zu interfaces, %zu feeds, state in %s\n", d->conf.path,
		d->conf.nifaces, d->conf.nfeeds, d->args.state_dir);
	return 0;
}

static int run_run(const struct cli_args *a)
{
	struct daemon d = { .cmdline = a, .sig_fd = -1, .ino_fd = -1, .lock_fd = -1 };
	const char *path = cli_opt(a, &cli_run, "config");
	char why[768];
	int err;

	if (!path)
		return cli_usage_error("run", "missing --config FILE");
	err = xdpdns_conf_load(path, &d.conf, why, sizeof(why));
	if (err) {
		pr_err("%s%s\n", why, err == -EINVAL ? " (see docs/config.md)" : "");
		return err == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}

	err = start(&d);
	if (!err)
		err = serve(&d);
	if (!err)
		say_stopped(&d);
	xdpdns_http_stop(d.http);
	stop_events(&d);
	xdpdns_metrics_free(&d.metrics);
	free_feeds(d.feeds, d.nfeeds);
	free(d.dropped);
	xdpdns_conf_free(&d.conf);
	if (d.sig_fd >= 0)
		close(d.sig_fd);
	if (d.ino_fd >= 0)
		close(d.ino_fd);
	if (d.lock_fd >= 0)
		close(d.lock_fd);
	return err ? EXIT_FAIL : EXIT_OK;
}

const struct cli_cmd cli_run = {
	.name = "run", .usage = "--config FILE", .min_pos = 0, .max_pos = 0,
	.summary = "the daemon: attach, keep the feeds live, never detach",
	.opts = (const struct cli_opt[]){
		{ "config", "FILE", "the YAML config: interfaces, directories, feeds "
				    "(docs/config.md)" },
		{},
	},
	.run = run_run,
};
