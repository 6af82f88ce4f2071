// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach / detach - hot-plug a network device into a running UML guest through its mconsole.
 *   umlnet attach GUEST ethN=SWITCH|SPEC [ip=ADDR/LEN] [mac=MAC] [vlan=N|trunk=LIST[,native=N]]
 *   umlnet attach GUEST vecN=SWITCH [ip=ADDR/LEN] [mac=MAC] [vlan=N|trunk=LIST[,native=N]]
 *   umlnet detach GUEST ethN|vecN
 * GUEST is a guest of the running network, or (eth only) a path to any guest's mconsole socket.
 * Both kinds take one path: the device's word is the one `up` puts on the kernel command line
 * (guest_dev_arg), sent as "config <word>". The kernel answers OK to "config" even when it could
 * not make the device (doc/mac-and-misc.md §2.5), so attach checks that the device exists.
 *
 * A vec device joins its switch's -bess socket, which a switch has only when the topology file
 * gives it a vec device (net_up.c); attach refuses other switches rather than restart them
 * (their ports would drop). The device has no socket until it is up in the guest
 * (doc/vector-transports.md §2), so attach always brings it up, then waits for the switch to show
 * the port; detach brings it down first, since the kernel refuses to remove an open device.
 *
 * A VLAN setting: an eth device (a daemon-protocol client, whose request tells nothing of the
 * device) connects to a control socket of its own, opened on the switch for the guest's pid
 * before the device is made (vlan_apply.h), so its port is born in its VLANs. A vec device's
 * port is the one whose peer is its src socket: the device is brought up, its port found and
 * set, and the device taken out again when that fails: it must not stay on VLAN 1. The setting
 * is kept with the attached device, so a restarted switch gets it again.
 *
 * A QEMU guest's NIC (eth on a switch of the network only) goes through QMP instead
 * (qemu_nic.h): netdev_add + device_add, then named and addressed in the VM over its command
 * channel; detach is device_del (the VM ejects it) + netdev_del.
 */
#include "attach.h"
#include "clock.h"
#include "ether.h"
#include "guest.h"
#include "log.h"
#include "mconsole.h"
#include "qemu_nic.h"
#include "switch_mgmt.h"
#include "umlnet.h"
#include "vlan.h"
#include "vlan_apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATTACH_PORT_WAIT_MS 3000
#define DETACH_SRC_WAIT_MS 2000

struct target {
	struct state st;
	bool have_state;
	const struct conf_guest *g; /* with have_state */
	bool qemu;                  /* g is a QEMU guest */
	char sock[PATH_MAX];
	const char *guest;
};

/* Finds the guest's mconsole: a socket path, or a guest of the running network. */
static int target_open(struct umlnet_opts *o, const char *guest, struct target *t)
{
	int gi;

	memset(t, 0, sizeof(*t));
	t->guest = guest;
	if (strchr(guest, '/')) {
		snprintf(t->sock, sizeof(t->sock), "%s", guest);
		return 0;
	}
	if (umlnet_open(o, &t->st))
		return -ENOENT;
	t->have_state = true;
	gi = conf_find_guest(t->st.conf, guest);
	if (gi < 0 || t->st.conf->g[gi].kind == CONF_GUEST_NETNS) {
		log_err("guest '%s': no UML or QEMU guest of that name in "
				"network '%s'", guest, t->st.conf->name);
		return -ENOENT;
	}
	t->g = &t->st.conf->g[gi];
	t->qemu = t->g->kind == CONF_GUEST_QEMU;
	state_mconsole(&t->st, guest, t->sock, sizeof(t->sock));
	return 0;
}

static void target_close(struct target *t)
{
	if (t->have_state)
		state_close(&t->st);
}

/* Sends one mconsole command; a refusal is reported with the guest's own words unless quiet. */
static int target_command(struct target *t, const char *cmd, bool quiet, int32_t *kerr)
{
	struct mconsole_result res;
	int err = mconsole_run(t->sock, cmd, GUEST_MCONSOLE_MS, &res);

	*kerr = 0;
	if (err) {
		if (!quiet)
			log_err("guest %s: mconsole %s: %s", t->guest,
				t->sock, strerror(-err));
		return err;
	}
	if (res.failed) {
		*kerr = res.err;
		if (!quiet)
			log_err("guest %s: '%s' refused: %s", t->guest,
				cmd, res.text[0] ? res.text :
				"(no reason given; see the guest's kernel log)");
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

static void drop_line(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	(void)guest;
	(void)line;
}

/* Runs a short script in the guest (needs the network's notify socket); returns its exit
 * status or -errno. */
static int target_exec(struct target *t, const char *script, guest_out_fn out)
{
	struct notify n;
	int rc;

	if (notify_open(&n, &t->st))
		return -EBUSY;
	rc = guest_exec(&t->st, &n, t->guest, script, 30000, out, NULL);
	notify_close(&n);
	return rc;
}

/* "eth<N>" or "vec<N>" (N decimal without leading zeros, as the guest names the device) into
 * e->vec and e->index. */
static int parse_dev(const char *s, size_t n, struct conf_eth *e)
{
	size_t digits = n >= 3 ? strspn(s + 3, "0123456789") : 0;

	memset(e, 0, sizeof(*e));
	e->sw = -1;
	if (n < 4 || n > 8 || (strncmp(s, "eth", 3) && strncmp(s, "vec", 3)) ||
	    digits != n - 3 || (s[3] == '0' && n > 4)) {
		log_err("device '%.*s': expected eth<N> or vec<N>", (int)n,
			s);
		return -EINVAL;
	}
	e->vec = s[0] == 'v';
	e->index = atoi(s + 3);
	return 0;
}

/* Whether a switch of the network listens on its bess socket; reports why not. */
static int vec_switch_ok(const struct target *t, int sw)
{
	const char *name = t->st.conf->sw[sw].name;
	char bess[PATH_MAX];
	struct stat sb;

	state_switch_bess(&t->st, sw, bess, sizeof(bess));
	if (lstat(bess, &sb) == 0 && S_ISSOCK(sb.st_mode))
		return 0;
	if (!conf_switch_has_vec(t->st.conf, sw))
		log_err("switch '%s': no bess socket for vec devices (a "
				"switch gets one only when the topology file puts a vec device on "
				"it): add one, such as 'vec0 %s' to a guest, and restart the network, "
				"or attach an eth device", name, name);
	else
		log_err("switch '%s': its bess socket '%s' is missing (is "
				"the switch running?)", name, bess);
	return -ENOENT;
}

/* Fills e->sw, e->spec and e->mac from the target of ethN=/vecN= and the mac= option. */
static int attach_resolve(struct target *t, struct conf_eth *e, const char *dev,
			  const char *val, const char *mac)
{
	e->sw = t->have_state ? conf_find_switch(t->st.conf, val) : -1;
	if (e->sw >= 0) {
		snprintf(e->sw_name, sizeof(e->sw_name), "%s", val);
	} else if (e->vec && t->have_state) {
		log_err("%s '%s': not a switch of network '%s' (a vec "
				"device joins a switch's bess socket)", dev, val, t->st.conf->name);
		return -EINVAL;
	} else if (e->vec) {
		log_err("%s '%s': a vec device joins a switch of a running "
				"network: name the guest, not its mconsole socket", dev, val);
		return -EINVAL;
	} else if (strchr(val, ',')) {
		if (mac) {
			log_err("mac '%s': for a device on a switch; put "
					"the MAC into the spec '%s'", mac, val);
			return -EINVAL;
		}
		if (snprintf(e->spec, sizeof(e->spec), "%s", val) >= (int)sizeof(e->spec)) {
			log_err("%s: spec of %zu characters is too long",
				dev, strlen(val));
			return -ENAMETOOLONG;
		}
	} else {
		log_err("%s '%s': neither a switch of the network nor a UML "
				"transport spec (such as daemon,,unix,/path/to.ctl)", dev, val);
		return -EINVAL;
	}
	if (mac)
		snprintf(e->mac, sizeof(e->mac), "%s", mac);
	return e->vec ? vec_switch_ok(t, e->sw) : 0;
}

/* The ports of switch sw now: their count (ports holds SWITCH_MGMT_PORTS), or -errno. */
static int attach_ports_list(const struct target *t, int sw, struct switch_mgmt_port *ports)
{
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply;
	int n;

	state_switch_ctl(&t->st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	if ((n = switch_mgmt_query(mgmt, "ports", &reply)))
		return n;
	n = switch_mgmt_parse_ports(reply, ports, SWITCH_MGMT_PORTS);
	free(reply);
	return n;
}

/* Waits for vec device e's port on its switch (the one whose peer is its src socket): its
 * number, or 0 when none came within ATTACH_PORT_WAIT_MS. */
static unsigned int attach_port_wait(const struct target *t, const struct conf_eth *e)
{
	struct switch_mgmt_port *ports = calloc(SWITCH_MGMT_PORTS, sizeof(*ports));
	long long end = clock_ms() + ATTACH_PORT_WAIT_MS;
	unsigned int found = 0;
	char src[PATH_MAX];

	if (!ports)
		return 0;
	state_vec_src(&t->st, t->g, e, src, sizeof(src));
	do {
		int n = attach_ports_list(t, e->sw, ports);

		for (int i = 0; i < n && !found; i++)
			if (strstr(ports[i].endpoint, src))
				found = ports[i].port;
		if (!found)
			usleep(50000);
	} while (!found && clock_ms() < end);
	free(ports);
	return found;
}

/* Takes a device out of the guest: down (for a guest of the network: the kernel refuses to
 * remove an open device), "remove", and for a vec device its src file, which the switch
 * unlinks when it sees the EOF (waited for, then removed here if still there). */
static int dev_remove(struct target *t, const struct conf_eth *e, bool quiet, int32_t *kerr)
{
	char dev[CONF_DEV_NAME], cmd[64], script[96], src[PATH_MAX];
	struct stat sb;
	int err;

	conf_dev_name(e, dev);
	if (t->have_state) {
		snprintf(script, sizeof(script), "ip link set %s down 2>/dev/null; true", dev);
		target_exec(t, script, drop_line);
	}
	snprintf(cmd, sizeof(cmd), "remove %s", dev);
	err = target_command(t, cmd, quiet, kerr);
	if (!e->vec || !t->have_state)
		return err;
	state_vec_src(&t->st, t->g, e, src, sizeof(src));
	for (long long end = clock_ms() + DETACH_SRC_WAIT_MS;
	     lstat(src, &sb) == 0 && clock_ms() < end;)
		usleep(50000);
	guest_vec_src_remove(&t->st, t->g, e);
	return err;
}

/* Brings the new device up in the guest, with its address: a vec device always (it connects
 * only then), an eth device when ip= asks for it. Then waits for a vec device's port, and makes
 * its VLAN setting (an eth device's port is born in its VLANs). */
static int attach_up(struct target *t, const struct conf_eth *e, const char *ip)
{
	char dev[CONF_DEV_NAME], script[256];
	unsigned int port = 0;
	int rc;

	if (!ip && !e->vec)
		return 0;
	if (!t->have_state) {
		log_err("ip= needs a guest of a running network");
		return -EINVAL;
	}
	conf_dev_name(e, dev);
	if (ip)
		snprintf(script, sizeof(script), "ip addr add %s dev %s && ip link set %s up", ip,
			 dev, dev);
	else
		snprintf(script, sizeof(script), "ip link set %s up", dev);
	rc = target_exec(t, script, print_line);
	if (rc > 0)
		log_err("guest %s: bringing %s up%s%s failed (exit status "
				"%d)", t->guest, dev, ip ? " with " : "", ip ? ip : "", rc);
	if (rc == 0 && e->vec && !(port = attach_port_wait(t, e))) {
		log_err("guest %s: %s is up but switch '%s' shows no port "
				"for it after %d ms; removed it again", t->guest, dev, e->sw_name,
			ATTACH_PORT_WAIT_MS);
		rc = -ENOTCONN;
	}
	if (rc == 0 && e->vec && e->vlan[0] && vlan_apply_port(&t->st, e->sw, port, e->vlan, t->guest))
		rc = -EPERM;
	return rc ? -EIO : 0;
}

static void attach_record(struct target *t, const struct conf_eth *e, const char *target)
{
	struct attach_list l;
	struct attach_entry *a;

	if (!t->have_state)
		return;
	attach_load(&t->st, &l);
	if (l.n >= ATTACH_MAX)
		return;
	a = &l.a[l.n++];
	snprintf(a->guest, sizeof(a->guest), "%s", t->guest);
	conf_dev_name(e, a->dev);
	if (snprintf(a->target, sizeof(a->target), "%s", target) >= (int)sizeof(a->target))
		a->target[0] = '\0';
	snprintf(a->vlan, sizeof(a->vlan), "%s", e->vlan);
	attach_save(&t->st, &l);
}

static void attach_forget(struct target *t, const struct conf_eth *e)
{
	struct attach_list l;
	char dev[CONF_DEV_NAME];
	int k = 0;

	if (!t->have_state)
		return;
	conf_dev_name(e, dev);
	attach_load(&t->st, &l);
	for (int i = 0; i < l.n; i++)
		if (strcmp(l.a[i].guest, t->guest) || strcmp(l.a[i].dev, dev))
			l.a[k++] = l.a[i];
	l.n = k;
	attach_save(&t->st, &l);
}

/* A QEMU guest's NIC on a switch of the network, through QMP. */
static int attach_qemu(struct target *t, struct conf_eth *e, const char *ip, bool quiet)
{
	char dev[CONF_DEV_NAME];
	int err;

	conf_dev_name(e, dev);
	if (e->vec || e->sw < 0) {
		log_err("%s: a QEMU guest takes eth devices on a switch of "
				"the network", dev);
		return -EINVAL;
	}
	if (ip)
		snprintf(e->ip, sizeof(e->ip), "%s", ip);
	err = qemu_nic_attach(&t->st, t->guest, e, 120000);
	if (err)
		return err;
	attach_record(t, e, e->sw_name);
	if (!quiet)
		printf("%s: %s attached (QEMU stream netdev on switch %s)\n", t->guest, dev,
		       e->sw_name);
	return 0;
}

/* An eth device's VLAN setting: its own control socket on the switch, for the guest's pid,
 * before the device exists (vlan_apply.h). */
static int attach_ident(const struct target *t, const struct conf_eth *e)
{
	const struct state_proc *guest = t->have_state ? state_find(&t->st, "guest", t->guest) : NULL;
	char scope[32];

	if (!e->vlan[0] || e->vec)
		return 0;
	if (e->sw < 0 || !guest) {
		log_err("%s: a VLAN setting needs a device on a switch of the "
				"running network", e->vlan);
		return -EINVAL;
	}
	snprintf(scope, sizeof(scope), "pid=%d", (int)guest->id.pid);
	return vlan_apply_ident(&t->st, t->guest, e, scope);
}

/* Makes the device in the guest (mconsole config), checks it is there, brings it up and makes
 * its VLAN setting when asked; word: its kernel command line form, for the message. */
static int attach_make(struct target *t, struct conf_eth *e, const char *dev, const char *ip,
		       char *word, size_t wordlen)
{
	char cmd[MCONSOLE_MAX_DATA];
	int32_t kerr;
	int err;

	/* The src socket of an earlier device of that name (UML never removes it) would make the
	 * bind of this one fail. */
	if (e->vec)
		guest_vec_src_remove(&t->st, t->g, e);
	guest_dev_arg(&t->st, t->g, e, word, wordlen);
	if (snprintf(cmd, sizeof(cmd), "config %s", word) >= (int)sizeof(cmd)) {
		log_err("%s: the spec is too long for one mconsole request",
			dev);
		return -EMSGSIZE;
	}
	if ((err = target_command(t, cmd, false, &kerr)))
		return err;
	if (mconsole_netdev_exists(t->sock, dev, GUEST_MCONSOLE_MS) == 0) {
		log_err("guest %s: %s was not created: the guest answered OK "
				"but has no %s (is '%s' valid? the guest's kernel log says why)",
			t->guest, dev, dev, word);
		return -ENODEV;
	}
	if ((err = attach_up(t, e, ip))) {
		/* A vec device that failed to connect stays unusable until removed (§6), and one
		 * whose VLAN could not be set must not stay on VLAN 1: take it out, which also lets
		 * the next attach start clean. */
		if (e->vec)
			dev_remove(t, e, true, &kerr);
		return err;
	}
	return 0;
}

static int attach_do(struct target *t, const char *what, const char *ip, const char *mac,
		     const char *vlan, bool quiet)
{
	struct conf_eth e;
	char dev[CONF_DEV_NAME], word[PATH_MAX * 2 + 96];
	const char *eq = strchr(what, '=');
	int err;

	if (!eq) {
		log_err("'%s': expected ethN=SWITCH, ethN=TRANSPORT,... or "
				"vecN=SWITCH", what);
		return -EINVAL;
	}
	if ((err = parse_dev(what, (size_t)(eq - what), &e)))
		return err;
	conf_dev_name(&e, dev);
	if ((err = attach_resolve(t, &e, dev, eq + 1, mac)))
		return err;
	if (t->qemu && vlan[0]) {
		log_err("%s: a QEMU guest's NIC takes no VLAN setting at "
				"attach", vlan);
		return -EINVAL;
	}
	if (t->qemu)
		return attach_qemu(t, &e, ip, quiet);
	snprintf(e.vlan, sizeof(e.vlan), "%s", vlan);
	if ((err = attach_ident(t, &e)))
		return err;
	err = attach_make(t, &e, dev, ip, word, sizeof(word));
	if (!err)
		attach_record(t, &e, e.sw >= 0 ? e.sw_name : e.spec);
	if (!err && !quiet)
		printf("%s: %s attached (%s)\n", t->guest, dev, word);
	return err;
}

#define ATTACH_USAGE "umlnet: error: usage: umlnet attach GUEST ethN=SWITCH|SPEC|vecN=SWITCH " \
	"[ip=ADDR/LEN] [mac=MAC] [vlan=N|trunk=LIST[,native=N]]\n"

/* vlan=N or trunk=LIST[,native=N] into its canonical form (vlan, CONF_VLAN bytes). */
static int attach_vlan_option(const char *text, char *vlan)
{
	struct vlan_port v;
	char why[256];

	if (vlan[0]) {
		log_err("%s: a device has one VLAN setting (already %s)",
			text, vlan);
		return -EINVAL;
	}
	if (vlan_port_parse(text, &v, why, sizeof(why))) {
		log_err("%s", why);
		return -EINVAL;
	}
	vlan_port_format(&v, vlan, CONF_VLAN);
	return 0;
}

/* ip=, mac= and a VLAN setting in any order, each once; checked here, since ip= becomes part
 * of a shell command in the guest. */
static int attach_options(int argc, char **argv, const char **ip, const char **mac, char *vlan)
{
	uint8_t m[ETHER_ADDR_LEN];

	*ip = *mac = NULL;
	vlan[0] = '\0';
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "ip=", 3) && !*ip && conf_ipv4_ok(argv[i] + 3, true)) {
			*ip = argv[i] + 3;
		} else if (!strncmp(argv[i], "ip=", 3) && !*ip) {
			log_err("ip '%s': expected an IPv4 address with a "
					"prefix length, such as 10.0.0.1/24", argv[i] + 3);
			return -EINVAL;
		} else if (!strncmp(argv[i], "mac=", 4) && !*mac) {
			*mac = argv[i] + 4;
			if (strlen(*mac) != 17 || mac_parse(*mac, m) || mac_is_group(m) ||
			    !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
				log_err("mac '%s': expected six hex bytes of a "
						"unicast address, such as 02:00:0a:00:00:01", *mac);
				return -EINVAL;
			}
		} else if (!strncmp(argv[i], "vlan=", 5) || !strncmp(argv[i], "trunk=", 6)) {
			if (attach_vlan_option(argv[i], vlan))
				return -EINVAL;
		} else {
			fprintf(stderr, ATTACH_USAGE);
			return -E2BIG;
		}
	}
	return 0;
}

int cmd_attach(struct umlnet_opts *o, int argc, char **argv)
{
	const char *ip, *mac;
	char vlan[CONF_VLAN];
	struct target t;
	int err;

	if (argc < 3 || argc > 6) {
		fprintf(stderr, ATTACH_USAGE);
		return 2;
	}
	err = attach_options(argc, argv, &ip, &mac, vlan);
	if (err)
		return err == -E2BIG ? 2 : 1;
	if (target_open(o, argv[1], &t)) {
		target_close(&t);
		return 1;
	}
	err = attach_do(&t, argv[2], ip, mac, vlan, o->quiet);
	target_close(&t);
	return err ? 1 : 0;
}

int cmd_detach(struct umlnet_opts *o, int argc, char **argv)
{
	struct target t;
	struct conf_eth e;
	char dev[CONF_DEV_NAME];
	int32_t kerr;
	int err;

	if (argc != 3) {
		log_err("usage: umlnet detach GUEST ethN|vecN");
		return 2;
	}
	if (parse_dev(argv[2], strlen(argv[2]), &e))
		return 1;
	conf_dev_name(&e, dev);
	if (target_open(o, argv[1], &t)) {
		target_close(&t);
		return 1;
	}
	kerr = 0;
	err = t.qemu ? qemu_nic_detach(&t.st, t.guest, dev) : dev_remove(&t, &e, false, &kerr);
	if (err && kerr == -EBUSY)
		log_info("hint: %s is up in the guest; 'ip link set %s down' there "
				"first", dev, dev);
	if (!err)
		attach_forget(&t, &e);
	if (!err && !o->quiet)
		printf("%s: %s detached\n", argv[1], dev);
	target_close(&t);
	return err ? 1 : 0;
}
