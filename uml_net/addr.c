/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addr - `uml_net 4 add|del <dev> <addr> <netmask>` (doc/helper-protocol.md §4): the host route
 * and proxy-ARP entries follow the guest's addresses. The answer is one output record. */
#include "uml_net.h"

int addr_change(struct uml_net *un)
{
	const struct request *r = &un->req;
	int ifindex = un_dev_index(un, r->dev);
	int err = ifindex < 0 ? ifindex
			      : un_addr_change(un, r->op == REQ_ADD, r->dev, ifindex, r->addr, r->mask);

	out_send_record(&un->out, 1);
	return err < 0 ? 1 : 0;
}
