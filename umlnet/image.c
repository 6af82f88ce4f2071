// SPDX-License-Identifier: GPL-2.0-or-later
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Kathará's base image as Debian packages: the tools and daemons its labs start. */
#define IMAGE_KATHARA_BASE                                                                 \
	"iproute2 iputils-ping net-tools iptables nftables tcpdump bridge-utils iperf3 "  \
	"ethtool traceroute curl bind9 bind9-dnsutils apache2 radvd isc-dhcp-server "      \
	"isc-dhcp-client python3"

static const struct {
	const char *name;
	const char *packages;
} image_kathara_sets[] = {
	{ "kathara/base", IMAGE_KATHARA_BASE },
	{ "kathara/frr", IMAGE_KATHARA_BASE " frr frr-pythontools" },
	{ "kathara/bind", IMAGE_KATHARA_BASE },
	{ "kathara/scapy", IMAGE_KATHARA_BASE " python3-scapy" },
	{ "kathara/openvswitch", IMAGE_KATHARA_BASE " openvswitch-switch" },
};

/* Kathará images of software Debian does not package. */
static const char *const image_kathara_impossible[] = { "kathara/p4", "kathara/pox",
							 "kathara/sdn" };

#define IMAGE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool image_part_ok(const char *s, size_t n)
{
	if (!n || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", s[i]))
			return false;
	return true;
}

bool image_name(const char *name, char *out)
{
	size_t n = strcspn(name, ":");
	const char *slash = memchr(name, '/', n);

	if (n >= IMAGE_NAME || (name[n] && !image_part_ok(name + n + 1, strlen(name + n + 1))))
		return false;
	if (slash ? !image_part_ok(name, (size_t)(slash - name)) ||
			    !image_part_ok(slash + 1, n - (size_t)(slash - name) - 1) :
		    !image_part_ok(name, n))
		return false;
	memcpy(out, name, n);
	out[n] = '\0';
	return true;
}

int image_store(char *out, size_t len)
{
	const char *env = getenv("UMLNET_IMAGE_DIR"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (env && env[0])
		snprintf(out, len, "%s", env);
	else if (geteuid() == 0)
		snprintf(out, len, "/var/lib/umlnet/images");
	else if (xdg && xdg[0] == '/')
		snprintf(out, len, "%s/umlnet/images", xdg);
	else if (home && home[0] == '/')
		snprintf(out, len, "%s/.local/share/umlnet/images", home);
	else
		return -ENOENT;
	return 0;
}

int image_dir(const char *name, char *out, size_t len)
{
	char store[4096];
	int err = image_store(store, sizeof(store));

	if (err)
		return err;
	if (snprintf(out, len, "%s/%s", store, name) >= (int)len || out[0] != '/')
		return -EINVAL;
	/* The guest gives it to overlayfs as lowerdir=: no separators, no spaces, no quotes. */
	for (const char *c = out; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || strchr(",:'\"\\", *c))
			return -EINVAL;
	return 0;
}

bool image_built(const char *name, char *dir, size_t len)
{
	char mark[4200];
	struct stat st;

	return !image_dir(name, dir, len) &&
	       snprintf(mark, sizeof(mark), "%s/%s", dir, IMAGE_MARK) < (int)sizeof(mark) &&
	       stat(mark, &st) == 0 && S_ISREG(st.st_mode);
}

const char *image_packages(const char *name)
{
	for (size_t i = 0; i < IMAGE_COUNT(image_kathara_sets); i++)
		if (!strcmp(name, image_kathara_sets[i].name))
			return image_kathara_sets[i].packages;
	return NULL;
}

bool image_impossible(const char *name)
{
	for (size_t i = 0; i < IMAGE_COUNT(image_kathara_impossible); i++)
		if (!strcmp(name, image_kathara_impossible[i]))
			return true;
	return false;
}

bool image_kathara(const char *name)
{
	return !strncmp(name, "kathara/", 8);
}
