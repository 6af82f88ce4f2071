// SPDX-License-Identifier: GPL-2.0-or-later
#include "qemu_nic.h"
#include "attach.h"
#include "ether.h"
#include "qemu.h"
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
	char path[PATH_MAX], mac[18], dev[CONF_DEV_NAME];

	conf_dev_name(e, dev);
	qemu_switch_listen(st, e->sw, path, sizeof(path));
	argvec_add(a, "-netdev");
	argvec_add(a, "stream,id=n%s,server=off,addr.type=unix,addr.path=%s", dev, path);
	argvec_add(a, "-device");
	/* romfile=: no PXE option ROM (a -kernel boot needs none, nor the ipxe-qemu package). */
	argvec_add(a, "virtio-net-pci,netdev=n%s,id=%s,mac=%s,romfile=", dev, dev,
		   qemu_mac(vm, e, mac));
}

/* Runs one QMP command on VM vm, reporting a failure as "what: QEMU's reason". */
static int qemu_nic_qmp(const struct state *st, const char *vm, const char *what,
			const char *command)
{
	char path[PATH_MAX], why[300];
	int err;

	qemu_path(st, vm, "qmp", path, sizeof(path));
	err = qmp_once(path, command, why, sizeof(why));
	if (err)
		fprintf(stderr, "umlnet: error: guest %s: %s: %s\n", vm, what, why);
	return err;
}

/* Inside the VM: the new NIC (found by its MAC) named dev, up, with its address. */
static int qemu_nic_configure(struct state *st, const char *vm, const struct conf_eth *e,
			      const char *mac, int timeout_ms)
{
	char script[600], dev[CONF_DEV_NAME];

	conf_dev_name(e, dev);
	snprintf(script, sizeof(script),
		 "for t in $(seq 100); do for d in /sys/class/net/*; do "
		 "[ \"$(cat $d/address)\" = %s ] && n=${d##*/}; done; [ -n \"$n\" ] && break; "
		 "sleep 0.1; done; [ -n \"$n\" ] || { echo no NIC with MAC %s; exit 1; }; "
		 "[ \"$n\" = %s ] || ip link set \"$n\" name %s && ip link set %s up%s%s%s%s",
		 mac, mac, dev, dev, dev, e->ip[0] ? " && ip addr add " : "", e->ip,
		 e->ip[0] ? " dev " : "", e->ip[0] ? dev : "");
	return qemu_exec(st, vm, script, timeout_ms, NULL, NULL) ? -EIO : 0;
}

int qemu_nic_attach(struct state *st, const char *vm, const struct conf_eth *e,
		    int timeout_ms)
{
	char cmd[PATH_MAX + 256], path[PATH_MAX], mac[18], dev[CONF_DEV_NAME];
	int err;

	conf_dev_name(e, dev);
	qemu_switch_listen(st, e->sw, path, sizeof(path));
	qemu_mac(vm, e, mac);
	snprintf(cmd, sizeof(cmd), "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"stream\","
		 "\"id\":\"n%s\",\"server\":false,\"addr\":{\"type\":\"unix\",\"path\":\"%s\"}}}",
		 dev, path);
	err = qemu_nic_qmp(st, vm, "netdev_add", cmd);
	if (err)
		return err;
	snprintf(cmd, sizeof(cmd), "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
		 "\"virtio-net-pci\",\"id\":\"%s\",\"netdev\":\"n%s\",\"mac\":\"%s\","
		 "\"romfile\":\"\"}}", dev, dev, mac);
	err = qemu_nic_qmp(st, vm, "device_add", cmd);
	if (err) {
		snprintf(cmd, sizeof(cmd), "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":"
			 "\"n%s\"}}", dev);
		qemu_nic_qmp(st, vm, "netdev_del", cmd);
		return err;
	}
	return qemu_nic_configure(st, vm, e, mac, timeout_ms);
}

int qemu_nic_detach(struct state *st, const char *vm, const char *dev)
{
	char cmd[256], path[PATH_MAX], why[300];
	int err;

	snprintf(cmd, sizeof(cmd), "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"%s\"}}",
		 dev);
	err = qemu_nic_qmp(st, vm, "device_del", cmd);
	if (err)
		return err;
	/* The guest ejects the device (ACPI): until then its netdev is still in use. */
	qemu_path(st, vm, "qmp", path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
		 "\"/machine/peripheral/%s\",\"property\":\"type\"}}", dev);
	for (int t = 0; t < QEMU_NIC_GONE_MS / 100 && !qmp_once(path, cmd, why, sizeof(why)); t++)
		proc_sleep_ms(100);
	snprintf(cmd, sizeof(cmd), "{\"execute\":\"netdev_del\",\"arguments\":{\"id\":\"n%s\"}}",
		 dev);
	return qemu_nic_qmp(st, vm, "netdev_del", cmd);
}

/* The MAC ("link/ether M" of `ip -o link`) and first "inet a.b.c.d/n" (of `ip -o -4 addr`)
 * of a NIC into e. */
static void qemu_nic_addr_line(void *opaque, const char *vm, const char *line)
{
	struct conf_eth *e = opaque;
	const char *in = strstr(line, " inet "), *ether = strstr(line, " link/ether ");
	uint8_t mac[ETHER_ADDR_LEN];

	(void)vm;
	/* The VM wrote these lines: only a well-formed MAC goes on into QMP's JSON. */
	if (ether && (sscanf(ether, " link/ether %17s", e->mac) != 1 || mac_parse(e->mac, mac)))
		e->mac[0] = '\0';
	if (in && !e->ip[0] && sscanf(in, " inet %47s", e->ip) != 1)
		e->ip[0] = '\0';
	if (e->ip[0] && !conf_ipv4_ok(e->ip, true))
		e->ip[0] = '\0';
}

/* Plugs NIC e of VM gi again, with the address it has now. 0 or -errno (reported). */
static int qemu_nic_replug(struct state *st, int gi, struct conf_eth e)
{
	const struct conf_guest *g = &st->conf->g[gi];
	char dev[CONF_DEV_NAME], script[160];
	int err;

	conf_dev_name(&e, dev);
	e.ip[0] = '\0';
	snprintf(script, sizeof(script), "ip -o link show dev %s; ip -o -4 addr show dev %s", dev,
		 dev);
	qemu_exec(st, g->name, script, 30000, qemu_nic_addr_line, &e);
	err = qemu_nic_detach(st, g->name, dev);
	if (!err)
		err = qemu_nic_attach(st, g->name, &e, 60000);
	for (int i = 0; !err && i < g->nroute; i++) {
		snprintf(script, sizeof(script), "ip route replace %s via %s", g->route[i].dest,
			 g->route[i].via);
		qemu_exec(st, g->name, script, 30000, NULL, NULL);
	}
	if (err)
		fprintf(stderr, "umlnet: guest %s: %s did not re-join switch %s\n", g->name, dev,
			st->conf->sw[e.sw].name);
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
				failed += qemu_nic_replug(st, gi, g->eth[k]) != 0;
		for (int k = 0; k < al.n; k++) {
			struct conf_eth e = { .sw = sw };

			if (strcmp(al.a[k].guest, g->name) || strcmp(al.a[k].target,
								      st->conf->sw[sw].name) ||
			    sscanf(al.a[k].dev, "eth%d", &e.index) != 1)
				continue;
			snprintf(e.sw_name, sizeof(e.sw_name), "%s", st->conf->sw[sw].name);
			failed += qemu_nic_replug(st, gi, e) != 0;
		}
	}
	return failed;
}
