// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host-up / host-down - the host side of a topology (root): the tap and bridge lines and the
 * top-level routes. host-up makes each bridge, then each tap (persistent, owned by user=, a
 * port of bridge=), sets addresses, links up, proxy ARP, the guest= host routes with their
 * proxy-ARP entries and ip_forward, and the routes. Devices and settings that are there
 * already are kept as they are. Run at boot by umlnet-hostnet.service.
 *
 * Everything goes through lib/hostsetup (rtnetlink and /proc/sys, the same code as tunctl):
 * no program is run. Each change host-up makes is appended, as it is made, to a record in
 * the state directory (<state>/host-changes with -s, else <base>/<network>.host); host-down
 * undoes the recorded changes, newest first, and so removes exactly what host-up made.
 */
#include "log.h"
#include "state_lines.h"
#include "trust.h"
#include "umlnet.h"

#include "hostsetup.h"
#include "ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_MAX_CHANGES 1024

struct host_run {
	struct hostsetup hs;
	FILE *rec;
	char path[PATH_MAX];
	int made;
	int err; /* writing the record failed */
};

static int host_load(int argc, char **argv, const char *cmd, struct conf **conf)
{
	char *text;

	if (argc != 2) {
		log_err("usage: umlnet %s FILE", cmd);
		return 2;
	}
	if (umlnet_load(argv[1], conf, &text))
		return 1;
	free(text);
	return 0;
}

static int host_mkdir(const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) < 0 && errno != EEXIST) {
		log_err("state directory '%s': %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Where host-up records its changes for this network. */
static int host_record_path(const struct umlnet_opts *o, const struct conf *c, char *out,
			    size_t len)
{
	char base[PATH_MAX - 64], dir[PATH_MAX - 64];
	int n;

	if (!o->state_dir && state_base(base, sizeof(base)))
		return -EIO;
	/* host-down deletes what the record names: as root, only a record root wrote. */
	if (trust_state_path("state directory", o->state_dir ? o->state_dir : base, dir,
			     sizeof(dir)))
		return -EPERM;
	if (host_mkdir(dir, o->state_dir ? 0700 : 0755) < 0)
		return -EIO;
	if (o->state_dir)
		n = snprintf(out, len, "%s/host-changes", dir);
	else
		n = snprintf(out, len, "%s/%s.host", dir, o->network ? o->network : c->name);
	if (n < 0 || (size_t)n >= len) {
		log_err("state directory: path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* hostsetup tells us each change as it is made: one line of the record, on disk at once. */
static void host_made(void *arg, const struct hostsetup_change *ch)
{
	struct host_run *r = arg;
	char line[160];

	if (hostsetup_change_format(ch, line, sizeof(line)) < 0 ||
	    fprintf(r->rec, "%s\n", line) < 0 || fflush(r->rec) == EOF)
		r->err = -EIO;
	r->made++;
}

static int host_fail(const char *cmd, const struct hostsetup *hs, int err)
{
	log_err("%s: %s %s: %s", cmd, hs->step, hs->what, strerror(-err));
	return err;
}

/* "a.b.c.d/len" (checked by conf already) or "default". */
static int host_cidr(const char *s, struct in_addr *a, unsigned int *len)
{
	char addr[CONF_ADDR];
	const char *slash = strchr(s, '/');

	if (!strcmp(s, "default")) {
		a->s_addr = 0;
		*len = 0;
		return 0;
	}
	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s), s);
	*len = (unsigned int)atoi(slash + 1);
	return *len > 32 ? -EINVAL : nl_ipv4_parse(addr, a);
}

static int host_uid(const char *user, uid_t *uid)
{
	uint32_t id;
	int r = ids_parse(false, user, 10, &id);

	if (!r)
		*uid = id;
	return r;
}

/* The device itself: made when absent; returns its index. */
static int host_device(struct host_run *r, const struct conf_hostdev *d)
{
	struct hostsetup_tap t = { .name = d->name, .excl = true };
	char name[IFNAMSIZ];
	int ifindex = (int)if_nametoindex(d->name), err;

	if (ifindex > 0)
		return ifindex; /* there already: kept */
	if (d->bridge)
		return hostsetup_bridge_create(&r->hs, d->name);
	if (d->user[0] && host_uid(d->user, &t.uid) < 0) {
		r->hs.step = "finding user";
		snprintf(r->hs.what, sizeof(r->hs.what), "'%s' of tap %s", d->user, d->name);
		return -ENOENT;
	}
	t.set_owner = d->user[0] != '\0';
	err = hostsetup_tap_create(&r->hs, &t, name);
	if (err < 0)
		return err;
	ifindex = (int)if_nametoindex(name);
	return ifindex > 0 ? ifindex : -ENODEV;
}

static int host_guests(struct host_run *r, const struct conf_hostdev *d, int ifindex)
{
	struct in_addr a;
	int err = 0;

	for (int i = 0; i < d->nguest && err >= 0; i++) {
		if (nl_ipv4_parse(d->guest[i], &a) < 0)
			return -EINVAL;
		err = hostsetup_guest(&r->hs, ifindex, a, NULL, 0);
	}
	if (err >= 0 && d->nguest)
		err = hostsetup_forward(&r->hs);
	return err < 0 ? err : 0;
}

static int host_dev_up(struct host_run *r, const struct conf_hostdev *d)
{
	struct in_addr a;
	unsigned int len;
	int ifindex = host_device(r, d), err = 0;

	if (ifindex < 0)
		return ifindex;
	if (d->master[0]) {
		int br = (int)if_nametoindex(d->master);

		err = br > 0 ? hostsetup_master(&r->hs, ifindex, br) : -ENODEV;
		if (br == 0) {
			r->hs.step = "finding bridge";
			snprintf(r->hs.what, sizeof(r->hs.what), "%s", d->master);
		}
	}
	if (!err && d->ip[0] && !(err = host_cidr(d->ip, &a, &len)))
		err = hostsetup_addr(&r->hs, ifindex, a, len);
	if (!err)
		err = hostsetup_up(&r->hs, ifindex);
	if (!err && d->proxy_arp)
		err = hostsetup_proxy_arp(&r->hs, ifindex);
	if (!err)
		err = host_guests(r, d, ifindex);
	return err;
}

static int host_route_up(struct host_run *r, const struct conf_route *rt)
{
	struct in_addr dst, gw;
	unsigned int len;
	int err = host_cidr(rt->dest, &dst, &len);

	if (!err)
		err = nl_ipv4_parse(rt->via, &gw);
	return err ? err : hostsetup_route(&r->hs, dst, len, gw);
}

static int host_up_all(struct host_run *r, const struct conf *c)
{
	int err = 0;

	/* bridges first: taps join them */
	for (int pass = 0; pass < 2 && !err; pass++)
		for (int i = 0; i < c->ndev && !err; i++)
			if (c->dev[i].bridge == (pass == 0))
				err = host_dev_up(r, &c->dev[i]);
	for (int i = 0; i < c->nroute && !err; i++)
		err = host_route_up(r, &c->route[i]);
	return err;
}

int cmd_host_up(struct umlnet_opts *o, int argc, char **argv)
{
	struct host_run r = { .hs.made = host_made };
	struct conf *c;
	int err = host_load(argc, argv, "host-up", &c);

	if (err)
		return err;
	r.hs.arg = &r;
	if (host_record_path(o, c, r.path, sizeof(r.path)) < 0) {
		free(c);
		return 1;
	}
	umask(077);
	r.rec = fopen(r.path, "ae");
	if (!r.rec) {
		log_err("host-up record '%s': %s", r.path, strerror(errno));
		free(c);
		return 1;
	}
	err = hostsetup_open(&r.hs);
	if (!err)
		err = host_up_all(&r, c);
	if (err < 0)
		host_fail("host-up", &r.hs, err);
	hostsetup_close(&r.hs);
	if (fclose(r.rec) == EOF || r.err) {
		log_err("host-up record '%s': %s", r.path, strerror(EIO));
		err = -EIO;
	}
	if (err < 0 && r.made)
		log_info("what host-up made is in %s: host-down removes it", r.path);
	else if (!o->quiet)
		printf("host devices of %s are up: %d devices, %d routes, %d changes made\n",
		       c->name, c->ndev, c->nroute, r.made);
	free(c);
	return err < 0 ? 1 : 0;
}

struct host_record {
	const char *path;
	struct hostsetup_change *ch;
	int n, max, lineno;
};

/* One line of the record: a change, else the end of the reading (reported). */
static int host_record_line(void *opaque, char *line)
{
	struct host_record *r = opaque;
	const char *path = r->path;
	int n = r->n, max = r->max, lineno = ++r->lineno;

	if (n == max || hostsetup_change_parse(line, &r->ch[n]) < 0) {
		log_err("%s:%d: '%.*s': %s", path, lineno,
			(int)strcspn(line, "\n"), line,
			n == max ? "too many changes" : "not a recorded change");
		return -EINVAL;
	}
	r->n++;
	return 0;
}

/* Reads the record into ch; returns how many changes, or -errno (reported). */
static int host_read_record(const char *path, struct hostsetup_change *ch, int max)
{
	struct host_record r = { .path = path, .ch = ch, .max = max };
	int err = state_lines_read(path, host_record_line, &r);

	return err ? err : r.n;
}

static int host_undo_all(const char *path, struct hostsetup_change *ch, int n)
{
	struct hostsetup hs = { 0 };
	int failed = 0, err = hostsetup_open(&hs);

	if (err < 0)
		return host_fail("host-down", &hs, err);
	/* newest first: routes and addresses before the devices they are on */
	for (int i = n - 1; i >= 0; i--) {
		err = hostsetup_undo(&hs, &ch[i]);
		if (err < 0) {
			host_fail("host-down", &hs, err);
			failed++;
		}
	}
	hostsetup_close(&hs);
	if (failed)
		log_info("%d changes could not be undone; %s is kept", failed,
			path);
	else
		unlink(path);
	return failed ? -EIO : 0;
}

int cmd_host_down(struct umlnet_opts *o, int argc, char **argv)
{
	struct hostsetup_change *ch;
	char path[PATH_MAX];
	struct conf *c;
	int err = host_load(argc, argv, "host-down", &c), n;

	if (err)
		return err;
	err = host_record_path(o, c, path, sizeof(path));
	free(c);
	ch = calloc(HOST_MAX_CHANGES, sizeof(*ch));
	if (err < 0 || !ch) {
		free(ch);
		return 1;
	}
	n = host_read_record(path, ch, HOST_MAX_CHANGES);
	if (n == -ENOENT) {
		if (!o->quiet)
			printf("no record of host-up at %s: nothing to remove\n", path);
		n = 0;
	} else if (n < 0) {
		if (n != -EINVAL)
			log_err("host-up record '%s': %s", path,
				strerror(-n));
	} else if (host_undo_all(path, ch, n) < 0) {
		n = -EIO;
	} else if (!o->quiet) {
		printf("host changes removed: %d\n", n);
	}
	free(ch);
	return n < 0 ? 1 : 0;
}
