// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uml_switchctl - reads a running uml_switch's status through its management socket.
 *
 *   uml_switchctl [-s CONTROL-SOCKET | -m MGMT-SOCKET] [-j] [status|ports|macs|show|version]
 *
 * It sends one command line and prints the reply up to the empty line that ends it (protocol:
 * uml_switch/mgmt.c). An "error: ..." reply is printed on stderr and the exit status is 1.
 */
#include "log.h"
#include "unixsock.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "Usage: uml_switchctl [-s control-socket | -m mgmt-socket] [-j] "
		   "[status|ports|macs|show|version|help]\n"
		   "  -s PATH   the switch's control socket (default /tmp/uml.ctl); its management\n"
		   "            socket is PATH.mgmt unless the switch was started with -mgmt\n"
		   "  -m PATH   the management socket itself\n"
		   "  -j        JSON output\n"
		   "Without a command: show (status, ports and MAC table).\n");
}

static int mgmt_connect(const char *path)
{
	struct sockaddr_un a;
	int fd, err = unixsock_path_addr(&a, path);

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Reads the reply up to its closing empty line into a growing buffer. */
static char *read_reply(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t r;

		if (len >= 2 && buf[len - 1] == '\n' && buf[len - 2] == '\n')
			break;
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap *= 2);

			if (!bigger)
				break;
			buf = bigger;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (buf) {
		while (len && buf[len - 1] == '\n')
			len--;
		buf[len] = 0;
	}
	return buf;
}

int main(int argc, char **argv)
{
	const char *ctl = "/tmp/uml.ctl", *mgmt = NULL, *cmd = "show";
	char path[PATH_MAX], line[128], *reply;
	bool json = false, failed;
	int opt, fd;

	log_init("uml_switchctl", LOG_LVL_INFO);
	while ((opt = getopt(argc, argv, "s:m:jh")) != -1) {
		switch (opt) {
		case 's': ctl = optarg; break;
		case 'm': mgmt = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc)
		cmd = argv[optind++];
	if (optind < argc)
		die("unexpected argument '%s' after the command (try -h)", argv[optind]);
	if (!mgmt) {
		snprintf(path, sizeof(path), "%s.mgmt", ctl);
		mgmt = path;
	}
	fd = mgmt_connect(mgmt);
	if (fd < 0)
		die("cannot reach the switch's management socket '%s': %s", mgmt, strerror(-fd));
	snprintf(line, sizeof(line), "%s%s\n", cmd, json ? " json" : "");
	if (write(fd, line, strlen(line)) < 0)
		die("writing to '%s': %s", mgmt, strerror(errno));
	reply = read_reply(fd);
	close(fd);
	if (!reply)
		die("out of memory");
	failed = !strncmp(reply, "error: ", 7);
	if (failed)
		fprintf(stderr, "uml_switchctl: %s\n", reply);
	else
		puts(reply);
	free(reply);
	return failed ? 1 : 0;
}
