// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for what a QEMU VM reports about its NIC before a re-plug
 * (umlnet/qemu_nic_parse.c): the input is the VM's output, one line per '\n'. Whatever it is,
 * the MAC believed is "" or six lower-case hex bytes, unicast and not zero; every address
 * believed passes the address check and holds only hex digits, '.', ':' and '/'; the refused
 * line kept for the log is printable; and the script built from the report is accepted.
 */
#include "qemu_nic_parse.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_report(const struct qemu_nic_report *r)
{
	uint8_t mac[ETHER_ADDR_LEN];
	char text[MAC_TEXT_LEN], script[QEMU_NIC_ADDRS * 80 + 512];

	assert(r->naddr >= 0 && r->naddr <= QEMU_NIC_ADDRS);
	if (r->mac[0]) {
		assert(!mac_parse(r->mac, mac) && !strcmp(r->mac, mac_format(mac, text)));
		assert(!mac_is_group(mac) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]));
		assert(qemu_nic_script(script, sizeof(script), r->dev, r->mac, r->addr,
				       r->naddr) == 0);
	}
	for (int i = 0; i < r->naddr; i++) {
		assert(qemu_nic_addr_ok(r->addr[i]));
		assert(!r->addr[i][strspn(r->addr[i], "0123456789abcdefABCDEF.:/")]);
		for (int k = 0; k < i; k++)
			assert(strcmp(r->addr[i], r->addr[k]));
	}
	for (const char *p = r->first_refused; *p; p++)
		assert(*p >= 0x20 && *p < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qemu_nic_report r;
	char *text = malloc(size + 1), *line, *next;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	qemu_nic_report_init(&r, "eth1");
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		qemu_nic_report_line(&r, line);
	}
	check_report(&r);
	free(text);
	return 0;
}
