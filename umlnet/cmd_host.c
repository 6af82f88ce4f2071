// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * host-up / host-down - the host side of a topology (root): the tap and bridge lines and the
 * top-level routes. host-up makes each bridge, then each tap (owned by user=, joined to
 * bridge=), sets addresses, proxy ARP and routes; host-down deletes the devices it names.
 * Devices that exist already are left as they are. Run at boot by umlnet-hostnet.service.
 *
 * The changes are made with iproute2's ip(8), one argument vector per call (no shell).
 */
#include "umlnet.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int ip_run(char *const args[])
{
	char ip[PATH_MAX], *argv[12];
	struct proc_id id;
	int n = 0, status, err;

	if (proc_find_program("ip", ip, sizeof(ip))) {
		fprintf(stderr, "umlnet: error: ip (package iproute2) not found\n");
		return -ENOENT;
	}
	argv[n++] = ip;
	for (int i = 0; args[i] && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	err = proc_spawn(argv, "/dev/stderr", &id);
	if (!err && waitpid(id.pid, &status, 0) < 0)
		err = -errno;
	if (err || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "umlnet: error: failed: ip");
		for (int i = 0; args[i]; i++)
			fprintf(stderr, " %s", args[i]);
		fprintf(stderr, "%s%s\n", err ? ": " : "", err ? strerror(-err) : "");
		return err ? err : -EIO;
	}
	return 0;
}

#define IP(...) ip_run((char *const[]){ __VA_ARGS__, NULL })

static int proxy_arp(const char *dev)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/proxy_arp", dev);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		fprintf(stderr, "umlnet: error: %s: %s\n", path, strerror(-err));
	return err;
}

static int hostdev_up(struct conf_hostdev *d)
{
	char *name = d->name;
	int err = 0;

	if (if_nametoindex(name) == 0) {
		if (d->bridge)
			err = IP("link", "add", name, "type", "bridge");
		else if (d->user[0])
			err = IP("tuntap", "add", "dev", name, "mode", "tap", "user", d->user);
		else
			err = IP("tuntap", "add", "dev", name, "mode", "tap");
	}
	if (!err && d->master[0])
		err = IP("link", "set", name, "master", d->master);
	if (!err && d->ip[0])
		err = IP("addr", "replace", d->ip, "dev", name);
	if (!err)
		err = IP("link", "set", name, "up");
	if (!err && d->proxy_arp)
		err = proxy_arp(name);
	return err;
}

static int host_load(int argc, char **argv, const char *cmd, struct conf **conf)
{
	char *text;

	if (argc != 2) {
		fprintf(stderr, "umlnet: error: usage: umlnet %s FILE\n", cmd);
		return 2;
	}
	if (umlnet_load(argv[1], conf, &text))
		return 1;
	free(text);
	return 0;
}

int cmd_host_up(struct umlnet_opts *o, int argc, char **argv)
{
	struct conf *c;
	int err = host_load(argc, argv, "host-up", &c);

	(void)o;
	if (err)
		return err;
	/* bridges first: taps join them */
	for (int pass = 0; pass < 2 && !err; pass++)
		for (int i = 0; i < c->ndev && !err; i++)
			if (c->dev[i].bridge == (pass == 0))
				err = hostdev_up(&c->dev[i]);
	for (int i = 0; i < c->nroute && !err; i++)
		err = IP("route", "replace", c->route[i].dest, "via", c->route[i].via);
	if (!err && !o->quiet)
		printf("host devices of %s are up: %d devices, %d routes\n", c->name, c->ndev,
		       c->nroute);
	free(c);
	return err ? 1 : 0;
}

int cmd_host_down(struct umlnet_opts *o, int argc, char **argv)
{
	struct conf *c;
	int err = host_load(argc, argv, "host-down", &c), failed = 0;

	(void)o;
	if (err)
		return err;
	/* taps first, then the bridges they were in; routes go with their devices */
	for (int pass = 0; pass < 2; pass++)
		for (int i = c->ndev - 1; i >= 0; i--)
			if (c->dev[i].bridge == (pass == 1) && if_nametoindex(c->dev[i].name))
				failed |= IP("link", "del", c->dev[i].name) != 0;
	free(c);
	return failed;
}
