// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading, attaching and detaching the program, and its pinned maps; see
 * loader.h. The BPF object is the one embedded by the bpftool skeleton.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpdns.skel.h"
#include "loader.h"
#include "log.h"

#define PROG_NAME	"xdpdns_filter"
#define STR(x)		STR_(x)
#define STR_(x)		#x

/* The pinned maps, by the name the kernel and the pin directory know. */
static const char *const pin_names[] = {
	STR(XDPDNS_MAP_CONFIG), STR(XDPDNS_MAP_DEPTHS), STR(XDPDNS_MAP_STATS),
	STR(XDPDNS_MAP_FEED_STATS), STR(XDPDNS_MAP_EVENTS), STR(XDPDNS_MAP_POLICY),
};
#define NPINS	(sizeof(pin_names) / sizeof(pin_names[0]))

static int *pin_fd(struct xdpdns_pins *pins, size_t i)
{
	int *fds[NPINS] = { &pins->config, &pins->depths, &pins->stats,
			    &pins->feedhits, &pins->events, &pins->policy };

	return fds[i];
}

static void pins_init(struct xdpdns_pins *pins)
{
	for (size_t i = 0; i < NPINS; i++)
		*pin_fd(pins, i) = -1;
}

void xdpdns_pins_close(struct xdpdns_pins *pins)
{
	for (size_t i = 0; i < NPINS; i++)
		if (*pin_fd(pins, i) >= 0)
			close(*pin_fd(pins, i));
	pins_init(pins);
}

/* Does a pinned map have the layout the skeleton's map of that name has? */
static int check_layout(int fd, const struct bpf_map *want, const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type == bpf_map__type(want) && info.key_size == bpf_map__key_size(want) &&
	    info.value_size == bpf_map__value_size(want) &&
	    info.max_entries == bpf_map__max_entries(want))
		return 0;
	pr_err("pinned map '%s' has another layout than this xdpdns expects (left by another "
	       "version?): detach it everywhere with that version, or remove the pins\n", path);
	return -EPROTO;
}

static int open_pins_of(struct xdpdns *skel, const char *dir, struct xdpdns_pins *pins)
{
	pins_init(pins);
	for (size_t i = 0; i < NPINS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, pin_names[i]);
		char path[PATH_MAX];
		int fd, err;

		snprintf(path, sizeof(path), "%s/%s", dir, pin_names[i]);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err = -errno;
			xdpdns_pins_close(pins);
			return err;
		}
		*pin_fd(pins, i) = fd;
		err = m ? check_layout(fd, m, path) : -ENOENT;
		if (err) {
			xdpdns_pins_close(pins);
			return err;
		}
	}
	return 0;
}

int xdpdns_pins_open(const char *dir, struct xdpdns_pins *pins)
{
	struct xdpdns *skel = xdpdns__open();
	int err;

	if (!skel)
		return -errno;
	err = open_pins_of(skel, dir, pins);
	xdpdns__destroy(skel);
	return err;
}

struct xdpdns_gen *xdpdns_pins_live(const struct xdpdns_pins *pins)
{
	struct xdpdns_gen *gen;
	__u32 zero = 0, id;
	int fd;

	if (bpf_map_lookup_elem(pins->policy, &zero, &id))
		return NULL;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return NULL;
	gen = xdpdns_gen_open(fd);
	close(fd);
	return gen;
}

int xdpdns_pins_swap(const struct xdpdns_pins *pins, struct xdpdns_gen *gen)
{
	return xdpdns_gen_activate(gen, pins->policy, pins->depths);
}

static int check_bpffs(const char *dir)
{
	char parent[PATH_MAX], *slash;
	struct statfs fs;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	if (statfs(parent, &fs) == 0 && fs.f_type == BPF_FS_MAGIC)
		return 0;
	pr_err("'%s' is not on a bpf file system: mount one there (mount -t bpf bpf %s) or "
	       "choose another --pin-dir\n", parent, parent);
	return -ENOTDIR;
}

static int create_map(const struct bpf_map *m, int inner_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = bpf_map__map_flags(m),
		    .inner_map_fd = inner_fd);
	int fd;

	fd = bpf_map_create(bpf_map__type(m), bpf_map__name(m), bpf_map__key_size(m),
			    bpf_map__value_size(m), bpf_map__max_entries(m), &opts);
	return fd < 0 ? -errno : fd;
}

/* Create the maps with the skeleton's layouts; the policy holds gen. */
static int create_pins(struct xdpdns *skel, struct xdpdns_gen *gen, struct xdpdns_pins *pins)
{
	struct xdpdns_config cfg;
	__u32 zero = 0;
	int err;

	pins_init(pins);
	for (size_t i = 0; i < NPINS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, pin_names[i]);
		int fd = create_map(m, xdpdns_gen_fd(gen));

		if (fd < 0) {
			xdpdns_pins_close(pins);
			return fd;
		}
		*pin_fd(pins, i) = fd;
	}

	xdpdns_config_default(&cfg);
	err = bpf_map_update_elem(pins->config, &zero, &cfg, BPF_ANY) ? -errno : 0;
	if (!err)
		err = xdpdns_pins_swap(pins, gen);
	if (err)
		xdpdns_pins_close(pins);
	return err;
}

static void unpin_all(const char *dir)
{
	for (size_t i = 0; i < NPINS; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir, pin_names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Pin the policy last: its pin is what says "the maps are complete". */
static int pin_all(const char *dir, struct xdpdns_pins *pins)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	for (size_t i = 0; i < NPINS; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir, pin_names[i]);
		unlink(path);
		if (bpf_obj_pin(*pin_fd(pins, i), path)) {
			int err = -errno;

			unpin_all(dir);
			return err;
		}
	}
	return 0;
}

static int reuse_pins(struct xdpdns *skel, const struct xdpdns_pins *pins)
{
	struct xdpdns_pins copy = *pins;

	for (size_t i = 0; i < NPINS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, pin_names[i]);
		int err = bpf_map__reuse_fd(m, *pin_fd(&copy, i));

		if (err)
			return err;
	}
	return 0;
}

/* The maps to load the program with: the pinned ones, or new ones pinned now. */
static int prepare_maps(struct xdpdns *skel, const char *pin_dir, struct xdpdns_gen *first_gen,
			struct xdpdns_pins *pins, bool *created)
{
	int err;

	*created = false;
	err = open_pins_of(skel, pin_dir, pins);
	if (err == -ENOENT) {
		err = check_bpffs(pin_dir);
		if (err)
			return err;
		err = create_pins(skel, first_gen, pins);
		if (err) {
			pr_err("cannot create the maps: %s\n", strerror(-err));
			return err;
		}
		err = pin_all(pin_dir, pins);
		if (err) {
			pr_err("cannot pin the maps under '%s': %s\n", pin_dir, strerror(-err));
			xdpdns_pins_close(pins);
			return err;
		}
		*created = true;
	} else if (err) {
		if (err != -EPROTO)
			pr_err("cannot open the maps pinned under '%s': %s\n", pin_dir,
			       strerror(-err));
		return err;
	}

	err = reuse_pins(skel, pins);
	if (err)
		pr_err("cannot hand the pinned maps to the program: %s\n", strerror(-err));
	return err;
}

static const char *mode_name(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? "skb" : mode == XDP_MODE_HW ? "hw" : "native";
}

static int attach_prog(struct xdpdns *skel, int ifindex, const char *ifname,
		       enum xdp_attach_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = skel->obj, .prog_name = PROG_NAME);
	struct xdp_program *prog;
	char msg[256];
	int err;

	prog = xdp_program__create(&opts);
	err = libxdp_get_error(prog);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot load the program: %s (-vv shows the verifier's log)\n", msg);
		return err;
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot attach to '%s' in %s mode: %s%s\n", ifname, mode_name(mode), msg,
		       mode == XDP_MODE_NATIVE ? " (the driver may lack native XDP: try --mode skb)"
					       : "");
	}
	xdp_program__close(prog);
	return err;
}

/* Our program on ifindex, alone or in the dispatcher, or NULL. */
static struct xdp_program *find_prog(struct xdp_multiprog *mp)
{
	struct xdp_program *p;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return p && !strcmp(xdp_program__name(p), PROG_NAME) ? p : NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
		if (!strcmp(xdp_program__name(p), PROG_NAME))
			return p;
	return NULL;
}

static struct xdp_multiprog *get_multiprog(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);

	return libxdp_get_error(mp) ? NULL : mp;
}

/*
 * Refuse what libxdp would refuse with a bare EBUSY, naming the program in
 * the way: ours already there, or another one attached without the libxdp
 * dispatcher (which libxdp will not replace, and neither will we).
 */
static int check_iface(int ifindex, const char *ifname)
{
	struct xdp_multiprog *mp = get_multiprog(ifindex);
	struct xdp_program *other;
	int err = 0;

	if (!mp)
		return 0;
	other = xdp_multiprog__is_legacy(mp) ? xdp_multiprog__main_prog(mp) : NULL;
	if (find_prog(mp)) {
		pr_err("xdpdns is already attached to '%s' (detach it first to change the mode)\n",
		       ifname);
		err = -EEXIST;
	} else if (other) {
		pr_err("another XDP program, '%s' (id %u), is attached to '%s' without the libxdp "
		       "dispatcher: xdpdns will not replace it (load it with xdp-loader to share "
		       "the interface, or detach it)\n", xdp_program__name(other),
		       xdp_program__id(other), ifname);
		err = -EBUSY;
	}
	xdp_multiprog__close(mp);
	return err;
}

int xdpdns_attach(const char *pin_dir, int ifindex, const char *ifname,
		  enum xdp_attach_mode mode, struct xdpdns_gen *first_gen, bool *created)
{
	struct xdpdns_pins pins;
	struct xdpdns *skel;
	int err;

	err = check_iface(ifindex, ifname);
	if (err)
		return err;
	skel = xdpdns__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the embedded BPF object: %s\n", strerror(-err));
		return err;
	}
	err = prepare_maps(skel, pin_dir, first_gen, &pins, created);
	if (!err)
		err = attach_prog(skel, ifindex, ifname, mode);
	if (err && *created)
		unpin_all(pin_dir);
	xdpdns_pins_close(&pins);
	xdpdns__destroy(skel);
	return err;
}

bool xdpdns_is_attached(int ifindex, enum xdp_attach_mode *mode)
{
	struct xdp_multiprog *mp = get_multiprog(ifindex);
	bool found = mp && find_prog(mp);

	if (found && mode)
		*mode = xdp_multiprog__attach_mode(mp);
	if (mp)
		xdp_multiprog__close(mp);
	return found;
}

/* Does a loaded program use the map with this id? */
static bool prog_uses_map(__u32 prog_id, __u32 map_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64];
	bool uses = false;
	int fd;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++)
			uses |= ids[i] == map_id;
	close(fd);
	return uses;
}

/*
 * Is prog_id open in this process? libxdp keeps a descriptor of a detached
 * program until the process ends, and that one will not keep it loaded.
 */
static bool held_here(__u32 prog_id)
{
	char path[300], line[128];
	bool held = false;
	DIR *d = opendir("/proc/self/fdinfo");
	struct dirent *e;

	while (d && !held && (e = readdir(d))) {
		FILE *f;
		unsigned id;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", e->d_name);
		f = e->d_name[0] != '.' ? fopen(path, "r") : NULL;
		while (f && !held && fgets(line, sizeof(line), f))
			held = sscanf(line, "prog_id: %u", &id) == 1 && id == prog_id;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return held;
}

static bool maps_in_use(__u32 map_id)
{
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id))
		if (prog_uses_map(id, map_id) && !held_here(id))
			return true;
	return false;
}

static __u32 map_id_of(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * A program detached elsewhere is freed once its last reference goes,
 * which can wait for an RCU grace period: wait up to a second before
 * deciding that another interface still runs it.
 */
static bool maps_still_used(const char *pin_dir)
{
	struct xdpdns_pins pins;
	__u32 id;

	if (xdpdns_pins_open(pin_dir, &pins))
		return false;
	id = map_id_of(pins.stats);
	xdpdns_pins_close(&pins);
	for (int i = 0; i < 100; i++) {
		if (!maps_in_use(id))
			return false;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	return true;
}

int xdpdns_detach(const char *pin_dir, int ifindex, const char *ifname, bool *last)
{
	struct xdp_multiprog *mp = get_multiprog(ifindex);
	struct xdp_program *prog = mp ? find_prog(mp) : NULL;
	char msg[256];
	int err;

	*last = false;
	if (!prog) {
		if (mp)
			xdp_multiprog__close(mp);
		pr_err("xdpdns is not attached to '%s'\n", ifname);
		return -ENOENT;
	}
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(prog, ifindex, xdp_multiprog__attach_mode(mp), 0);
	xdp_multiprog__close(mp);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("cannot detach from '%s': %s\n", ifname, msg);
		return err;
	}

	if (!maps_still_used(pin_dir)) {
		unpin_all(pin_dir);
		*last = true;
	}
	return 0;
}
