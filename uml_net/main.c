/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uml_net - entry: clean start, argv, policy, then one handler per operation (see uml_net.h). */
#include "uml_net.h"
#include "version.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"usage: uml_net [--policy FILE] 4 <operation> ...   (run by the UML kernel)\n"
	"  4 tuntap up <gate>\n"
	"  4 ethertap <dev> <data-fd> [<gate>]\n"
	"  4 add|del <dev> <addr> <netmask>\n"
	"  4 slip up <gate>\n"
	"  4 slip down [<name>]\n"
	"--policy is honoured only for root (real uid 0); default " UML_NET_POLICY_PATH "\n";

static bool un_stdout_is_socket(void)
{
	int type;
	socklen_t len = sizeof(type);

	return getsockopt(1, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

/* Answers a request refused before its handler ran, in the format its operation expects. */
static int un_refuse(struct uml_net *un, const char *op)
{
	if (!un_stdout_is_socket()) {
		fputs(un->out.text, stderr); /* run by hand */
		return 1;
	}
	if (strcmp(op, "tuntap") == 0) {
		tuntap_send_text(un);
	} else {
		if (strcmp(op, "ethertap") == 0 && send(1, "", 1, MSG_NOSIGNAL) != 1)
			return 1;
		out_send_record(&un->out, 1);
	}
	return 1;
}

static int un_dispatch(struct uml_net *un)
{
	switch (un->req.op) {
	case REQ_TUNTAP_UP:
		return tuntap_up(un);
	case REQ_ETHERTAP:
		return ethertap_run(un);
	case REQ_ADD:
	case REQ_DEL:
		return addr_change(un);
	case REQ_SLIP_UP:
		return slip_up(un);
	case REQ_SLIP_DOWN:
		return slip_down(un);
	}
	return 1;
}

int main(int argc, char **argv)
{
	static struct uml_net un;
	static struct policy pol;
	const char *policy_path = UML_NET_POLICY_PATH;
	const char *op;
	char err[160];
	int rc;

	/* Before anything else: the kernel never passes it alone, so no request is shadowed. */
	if (version_asked(argc, argv))
		return version_print("uml_net");
	un_caller(&un);
	un_sanitize();
	out_init(&un.out);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--policy") == 0) {
		policy_path = argv[2];
		argv += 2;
		argc -= 2;
		if (!un.root || policy_path[0] != '/') {
			out_line(&un.out, "refused: --policy needs an absolute path and real uid 0");
			return un_refuse(&un, argc > 2 ? argv[2] : "");
		}
	}
	op = argc > 2 ? argv[2] : "";
	if (request_parse(argc, argv, &un.req, err, sizeof(err)) < 0) {
		out_line(&un.out, "refused: %s", err);
		return un_refuse(&un, op);
	}
	un_close_stray_fds(un.req.data_fd);
	if (un_load_policy(&un, policy_path, &pol) < 0 || (!un.pol && !un.root))
		return un_refuse(&un, op);
	rc = nl_open(&un.nl);
	if (rc < 0) {
		out_line(&un.out, "opening rtnetlink failed: %s", strerror(-rc));
		return un_refuse(&un, op);
	}
	rc = un_dispatch(&un);
	nl_close(&un.nl);
	return rc;
}
