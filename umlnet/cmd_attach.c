// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach / detach - hot-plug a network device into a running UML guest through its mconsole.
 *   umlnet attach GUEST ethN=SWITCH|SPEC [ip=ADDR/LEN]
 *   umlnet detach GUEST ethN
 * GUEST is a guest of the running network, or a path to any guest's mconsole socket. The kernel
 * answers OK to "config" even when it could not make the device (mac-and-misc.md §2.5), so
 * attach checks that the device exists and fails otherwise.
 */
#include "attach.h"
#include "guest.h"
#include "mconsole.h"
#include "umlnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct target {
	struct state st;
	bool have_state;
	char sock[PATH_MAX];
	const char *guest;
};

/* Finds the guest's mconsole: a socket path, or a guest of the running network. */
static int target_open(struct umlnet_opts *o, const char *guest, struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->guest = guest;
	if (strchr(guest, '/')) {
		snprintf(t->sock, sizeof(t->sock), "%s", guest);
		return 0;
	}
	if (umlnet_open(o, &t->st))
		return -ENOENT;
	t->have_state = true;
	if (conf_find_guest(t->st.conf, guest) < 0 ||
	    t->st.conf->g[conf_find_guest(t->st.conf, guest)].kind != CONF_GUEST_UML) {
		fprintf(stderr, "umlnet: error: guest '%s': no UML guest of that name in network "
				"'%s'\n", guest, t->st.conf->name);
		return -ENOENT;
	}
	state_mconsole(&t->st, guest, t->sock, sizeof(t->sock));
	return 0;
}

static void target_close(struct target *t)
{
	if (t->have_state)
		state_close(&t->st);
}

/* Sends one mconsole command; a refusal is reported with the guest's own words. */
static int target_command(struct target *t, const char *cmd, int32_t *kerr)
{
	struct mconsole_result res;
	int err = mconsole_run(t->sock, cmd, GUEST_MCONSOLE_MS, &res);

	*kerr = 0;
	if (err) {
		fprintf(stderr, "umlnet: error: guest %s: mconsole %s: %s\n", t->guest, t->sock,
			strerror(-err));
		return err;
	}
	if (res.failed) {
		*kerr = res.err;
		fprintf(stderr, "umlnet: error: guest %s: '%s' refused: %s\n", t->guest, cmd,
			res.text[0] ? res.text : "(no reason given; see the guest's kernel log)");
		err = -EIO;
	}
	mconsole_result_free(&res);
	return err;
}

static void print_line(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	printf("%s: %s\n", guest, line);
}

/* Runs a short script in the guest (needs the network's notify socket). */
static int target_exec(struct target *t, const char *script)
{
	struct notify n;
	char path[PATH_MAX];
	int rc;

	state_file(&t->st, "notify", path, sizeof(path));
	if (notify_open(&n, path))
		return -EBUSY;
	rc = guest_exec(&t->st, &n, t->guest, script, 30000, print_line, NULL);
	notify_close(&n);
	return rc;
}

static int parse_dev(const char *s, size_t n, char *dev)
{
	/* A vec device needs its switch's -bess socket, which `up` makes only for switches that
	 * the topology gives vec devices: not hot-plugged. */
	if (n >= 4 && !strncmp(s, "vec", 3)) {
		fprintf(stderr, "umlnet: error: device '%.*s': vec devices cannot be attached or "
				"detached at run time; put them in the topology file\n", (int)n, s);
		return -EINVAL;
	}
	if (n < 4 || n > 8 || strncmp(s, "eth", 3) || strspn(s + 3, "0123456789") != n - 3) {
		fprintf(stderr, "umlnet: error: device '%.*s': expected eth<N>\n", (int)n, s);
		return -EINVAL;
	}
	snprintf(dev, 16, "%.*s", (int)n, s);
	return 0;
}

static int attach_do(struct umlnet_opts *o, const char *guest, const char *what, const char *ip)
{
	struct target t;
	char dev[16], spec[PATH_MAX + 64], cmd[MCONSOLE_MAX_DATA];
	const char *eq = strchr(what, '='), *val;
	int32_t kerr;
	int err, sw;

	if (!eq || parse_dev(what, (size_t)(eq - what), dev))
		return eq ? 1 : (fprintf(stderr, "umlnet: error: '%s': expected ethN=SWITCH or "
						 "ethN=TRANSPORT,...\n", what), 1);
	val = eq + 1;
	if (target_open(o, guest, &t)) {
		target_close(&t);
		return 1;
	}
	sw = t.have_state ? conf_find_switch(t.st.conf, val) : -1;
	if (sw >= 0) {
		char ctl[PATH_MAX];

		state_switch_ctl(&t.st, sw, ctl, sizeof(ctl));
		snprintf(spec, sizeof(spec), "daemon,,unix,%s", ctl);
	} else if (strchr(val, ',')) {
		snprintf(spec, sizeof(spec), "%s", val);
	} else {
		fprintf(stderr, "umlnet: error: %s '%s': neither a switch of the network nor a UML "
				"transport spec (such as daemon,,unix,/path/to.ctl)\n", dev, val);
		target_close(&t);
		return 1;
	}
	if (snprintf(cmd, sizeof(cmd), "config %s=%s", dev, spec) >= (int)sizeof(cmd)) {
		fprintf(stderr, "umlnet: error: %s: the spec is too long for one mconsole request\n",
			dev);
		target_close(&t);
		return 1;
	}
	err = target_command(&t, cmd, &kerr);
	if (!err && mconsole_netdev_exists(t.sock, dev, GUEST_MCONSOLE_MS) == 0) {
		fprintf(stderr, "umlnet: error: guest %s: %s was not created: the guest answered OK "
				"but has no %s (is '%s' reachable? the guest's kernel log says why)\n",
			guest, dev, dev, spec);
		err = -ENODEV;
	}
	if (!err && ip) {
		char script[256];

		snprintf(script, sizeof(script), "ip addr add %s dev %s && ip link set %s up", ip,
			 dev, dev);
		err = t.have_state ? target_exec(&t, script) : -EINVAL;
		if (err == -EINVAL)
			fprintf(stderr, "umlnet: error: ip= needs a guest of a running network\n");
		else if (err > 0)
			fprintf(stderr, "umlnet: error: guest %s: setting %s on %s failed\n", guest,
				ip, dev);
	}
	if (!err && t.have_state) {
		struct attach_list l;

		attach_load(&t.st, &l);
		if (l.n < ATTACH_MAX) {
			struct attach_entry *e = &l.a[l.n++];

			snprintf(e->guest, sizeof(e->guest), "%s", guest);
			snprintf(e->dev, sizeof(e->dev), "%s", dev);
			if (snprintf(e->target, sizeof(e->target), "%s", sw >= 0 ? val : spec) >=
			    (int)sizeof(e->target))
				e->target[0] = '\0';
			attach_save(&t.st, &l);
		}
	}
	if (!err && !o->quiet)
		printf("%s: %s attached (%s)\n", guest, dev, spec);
	target_close(&t);
	return err ? 1 : 0;
}

int cmd_attach(struct umlnet_opts *o, int argc, char **argv)
{
	const char *ip = NULL;

	if (argc == 4 && !strncmp(argv[3], "ip=", 3))
		ip = argv[3] + 3;
	else if (argc != 3) {
		fprintf(stderr, "umlnet: error: usage: umlnet attach GUEST ethN=SWITCH|SPEC "
				"[ip=ADDR/LEN]\n");
		return 2;
	}
	return attach_do(o, argv[1], argv[2], ip);
}

int cmd_detach(struct umlnet_opts *o, int argc, char **argv)
{
	struct target t;
	char dev[16], cmd[64], script[64];
	int32_t kerr;
	int err;

	if (argc != 3) {
		fprintf(stderr, "umlnet: error: usage: umlnet detach GUEST ethN\n");
		return 2;
	}
	if (parse_dev(argv[2], strlen(argv[2]), dev))
		return 1;
	if (target_open(o, argv[1], &t)) {
		target_close(&t);
		return 1;
	}
	/* The kernel refuses to remove an interface that is up: bring it down first when we can
	 * reach the guest's init. */
	if (t.have_state) {
		snprintf(script, sizeof(script), "ip link set %s down 2>/dev/null; true", dev);
		target_exec(&t, script);
	}
	snprintf(cmd, sizeof(cmd), "remove %s", dev);
	err = target_command(&t, cmd, &kerr);
	if (err && kerr == -16)
		fprintf(stderr, "umlnet: hint: %s is up in the guest; 'ip link set %s down' there "
				"first\n", dev, dev);
	if (!err && t.have_state) {
		struct attach_list l;
		int k = 0;

		attach_load(&t.st, &l);
		for (int i = 0; i < l.n; i++)
			if (strcmp(l.a[i].guest, argv[1]) || strcmp(l.a[i].dev, dev))
				l.a[k++] = l.a[i];
		l.n = k;
		attach_save(&t.st, &l);
	}
	if (!err && !o->quiet)
		printf("%s: %s detached\n", argv[1], dev);
	target_close(&t);
	return err ? 1 : 0;
}
