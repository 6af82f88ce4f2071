// SPDX-License-Identifier: GPL-2.0-or-later
#include "qemu_nic.h"
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
