// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "qemu_nic.h"
#include "attach.h"
#include "ether.h"
#include "qemu.h"
#include "qemu_nic_parse.h"
#include "qemu_tty.h"
#include "qmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_NIC_GONE_MS 10000

void qemu_nic_args(const struct state *st, const char *vm, const struct conf_eth *e,
		   struct argvec *a)
{
	char path[PATH_MAX], opt[QEMU_OPT_VALUE], mac[18], dev[CONF_DEV_NAME];

	conf_dev_name(e, dev);
	qemu_switch_listen(st, e->sw, path, sizeof(path));
	argvec_add(a, "-netdev");
	argvec_add(a, "stream,id=n%s,server=off,addr.type=unix,addr.path=%s", dev,
		   qemu_opt_value(path, opt));
	argvec_add(a, "-device");
	/* romfile=: no PXE option ROM (a -kernel boot needs none, nor the ipxe-qemu package). */
	argvec_add(a, "virtio-net-pci,netdev=n%s,id=%s,mac=%s,romfile=", dev, dev,
		   qemu_mac(vm, e, mac));
}

/* Ends command c and runs it on VM vm, reporting a failure as "what: QEMU's reason". */
static int qemu_nic_qmp(const struct state *st, const char *vm, const char *what,
			struct qmp_cmd *c)
{
	char path[PATH_MAX], why[300];
	int err = qmp_cmd_end(c);

	if (err) {
		log_err("guest %s: %s: %s", vm, what, strerror(-err));
		return err;
	}
	qemu_path(st, vm, "qmp", path, sizeof(path));
	err = qmp_once(path, c->text, why, sizeof(why));
	if (err)
		log_err("guest %s: %s: %s", vm, what, why);
	free(c->text);
	return err;
}

/* A command about one id: device_del, netdev_del. */
static int qemu_nic_del(const struct state *st, const char *vm, const char *execute,
			const char *id)
{
	struct qmp_cmd c;

	if (qmp_cmd_begin(&c, execute))
		return -ENOMEM;
	qmp_cmd_str(&c, "id", id);
	return qemu_nic_qmp(st, vm, execute, &c);
}

/* netdev_add of NIC e's stream netdev, n<dev>. */
static int qemu_nic_netdev_add(const struct state *st, const char *vm, const struct conf_eth *e,
			       const char *netdev)
{
	char path[PATH_MAX];
	struct qmp_cmd c;

	qemu_switch_listen(st, e->sw, path, sizeof(path));
	if (qmp_cmd_begin(&c, "netdev_add"))
		return -ENOMEM;
	qmp_cmd_str(&c, "type", "stream");
	qmp_cmd_str(&c, "id", netdev);
	qmp_cmd_bool(&c, "server", false);
	qmp_cmd_object(&c, "addr");
	qmp_cmd_str(&c, "type", "unix");
	qmp_cmd_str(&c, "path", path);
	qmp_cmd_close(&c);
	return qemu_nic_qmp(st, vm, "netdev_add", &c);
}

static int qemu_nic_device_add(const struct state *st, const char *vm, const char *dev,
			       const char *netdev, const char *mac)
{
	struct qmp_cmd c;

	if (qmp_cmd_begin(&c, "device_add"))
		return -ENOMEM;
	qmp_cmd_str(&c, "driver", "virtio-net-pci");
	qmp_cmd_str(&c, "id", dev);
	qmp_cmd_str(&c, "netdev", netdev);
	qmp_cmd_str(&c, "mac", mac);
	qmp_cmd_str(&c, "romfile", "");
	return qemu_nic_qmp(st, vm, "device_add", &c);
}

/* Adds NIC e with MAC mac, then names it and gives it the naddr addresses in the VM (the
 * script checked first, so a value refused there plugs nothing). */
static int qemu_nic_plug(struct state *st, const char *vm, const struct conf_eth *e,
			 const char *mac, const char (*addr)[QEMU_NIC_ADDR], int naddr,
			 int timeout_ms)
{
	char dev[CONF_DEV_NAME], netdev[CONF_DEV_NAME + 1], script[QEMU_NIC_ADDRS * 80 + 512];
	int err;

	conf_dev_name(e, dev);
	err = qemu_nic_script(script, sizeof(script), dev, mac, addr, naddr);
	if (err) {
		log_err("guest %s: %s: MAC %s or an address refused: %s",
			vm, dev, mac, strerror(-err));
		return err;
	}
	snprintf(netdev, sizeof(netdev), "n%s", dev);
	err = qemu_nic_netdev_add(st, vm, e, netdev);
	if (err)
		return err;
	err = qemu_nic_device_add(st, vm, dev, netdev, mac);
	if (err) {
		qemu_nic_del(st, vm, "netdev_del", netdev);
		return err;
	}
	/* Inside the VM: the new NIC (found by its MAC) named dev, up, with its addresses. */
	return qemu_exec(st, vm, script, timeout_ms, NULL, NULL) ? -EIO : 0;
}

int qemu_nic_attach(struct state *st, const char *vm, const struct conf_eth *e,
		    int timeout_ms)
{
	char mac[MAC_TEXT_LEN], addr[1][QEMU_NIC_ADDR];

	snprintf(addr[0], sizeof(addr[0]), "%s", e->ip);
	return qemu_nic_plug(st, vm, e, qemu_mac(vm, e, mac), (const char (*)[QEMU_NIC_ADDR])addr,
			     e->ip[0] != '\0', timeout_ms);
}

/* Whether device dev is still in VM vm (QOM knows its path). */
static bool qemu_nic_present(const struct state *st, const char *vm, const char *dev)
{
	char path[PATH_MAX], why[300], qom[CONF_DEV_NAME + 32];
	struct qmp_cmd c;
	bool present;

	if (qmp_cmd_begin(&c, "qom-get"))
		return true;
	snprintf(qom, sizeof(qom), "/machine/peripheral/%s", dev);
	qmp_cmd_str(&c, "path", qom);
	qmp_cmd_str(&c, "property", "type");
	if (qmp_cmd_end(&c))
		return true;
	qemu_path(st, vm, "qmp", path, sizeof(path));
	present = !qmp_once(path, c.text, why, sizeof(why));
	free(c.text);
	return present;
}

int qemu_nic_detach(struct state *st, const char *vm, const char *dev)
{
	char netdev[CONF_DEV_NAME + 1];
	int err = qemu_nic_del(st, vm, "device_del", dev);

	if (err)
		return err;
	/* The guest ejects the device (ACPI): until then its netdev is still in use. */
	for (int t = 0; t < QEMU_NIC_GONE_MS / 100 && qemu_nic_present(st, vm, dev); t++)
		proc_sleep_ms(100);
	snprintf(netdev, sizeof(netdev), "n%s", dev);
	return qemu_nic_del(st, vm, "netdev_del", netdev);
}

static void qemu_nic_report_out(void *opaque, const char *vm, const char *line)
{
	(void)vm;
	qemu_nic_report_line(opaque, line);
}

/* What VM vm says NIC dev has now (MAC, addresses); when it does not answer, what the topology
 * gave e. The VM's lines that were not believed are reported once. */
static void qemu_nic_read_back(struct state *st, const char *vm, const struct conf_eth *e,
			       const char *dev, struct qemu_nic_report *r)
{
	char script[120];

	qemu_nic_report_init(r, dev);
	snprintf(script, sizeof(script), "ip -o link show dev %s; ip -o addr show dev %s", dev,
		 dev);
	if (qemu_exec(st, vm, script, 30000, qemu_nic_report_out, r)) {
		qemu_nic_report_init(r, dev);
		if (e->ip[0])
			snprintf(r->addr[r->naddr++], sizeof(r->addr[0]), "%s", e->ip);
	}
	if (r->refused)
		log_info("guest %s: %s: %d line(s) of the VM's report not believed "
				"(the first: '%s')", vm, dev, r->refused, r->first_refused);
	if (!r->mac[0])
		qemu_mac(vm, e, r->mac);
}

/* Plugs NIC e of VM gi again, with the MAC and addresses it has now. 0 or -errno (reported). */
static int qemu_nic_replug(struct state *st, int gi, const struct conf_eth *e)
{
	const struct conf_guest *g = &st->conf->g[gi];
	struct qemu_nic_report r;
	char dev[CONF_DEV_NAME], script[160];
	int err;

	conf_dev_name(e, dev);
	qemu_nic_read_back(st, g->name, e, dev, &r);
	err = qemu_nic_detach(st, g->name, dev);
	if (!err)
		err = qemu_nic_plug(st, g->name, e, r.mac, (const char (*)[QEMU_NIC_ADDR])r.addr,
				    r.naddr, 60000);
	for (int i = 0; !err && i < g->nroute; i++) {
		snprintf(script, sizeof(script), "ip route replace %s via %s", g->route[i].dest,
			 g->route[i].via);
		qemu_exec(st, g->name, script, 30000, NULL, NULL);
	}
	if (err)
		log_info("guest %s: %s did not re-join switch %s", g->name, dev,
			st->conf->sw[e->sw].name);
	return err;
}

int qemu_nic_rejoin(struct state *st, int sw)
{
	struct attach_list al;
	int failed = 0;

	attach_load(st, &al);
	for (int gi = 0; gi < st->conf->ng; gi++) {
		const struct conf_guest *g = &st->conf->g[gi];
		const struct state_proc *p = state_find(st, "qemu", g->name);

		if (g->kind != CONF_GUEST_QEMU || !p || !proc_alive(&p->id))
			continue;
		for (int k = 0; k < g->neth; k++)
			if (g->eth[k].sw == sw)
				failed += qemu_nic_replug(st, gi, &g->eth[k]) != 0;
		for (int k = 0; k < al.n; k++) {
			struct conf_eth e = { .sw = sw };

			if (strcmp(al.a[k].guest, g->name) || strcmp(al.a[k].target,
								      st->conf->sw[sw].name) ||
			    sscanf(al.a[k].dev, "eth%d", &e.index) != 1)
				continue;
			snprintf(e.sw_name, sizeof(e.sw_name), "%s", st->conf->sw[sw].name);
			failed += qemu_nic_replug(st, gi, &e) != 0;
		}
	}
	return failed;
}
