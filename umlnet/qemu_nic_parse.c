// SPDX-License-Identifier: GPL-2.0-or-later
#include "qemu_nic_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A word of a line: start and length (the line is not copied, so no word is ever cut). */
struct qemu_nic_word {
	const char *s;
	size_t n;
};

/* The next word after *p; words are split at spaces and tabs only, so any other byte (a
 * newline, a quote) stays inside its word and fails that word's check. */
static bool qemu_nic_word(const char **p, struct qemu_nic_word *w)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	w->s = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	w->n = (size_t)(s - w->s);
	*p = s;
	return w->n > 0;
}

static bool qemu_nic_is(const struct qemu_nic_word *w, const char *text)
{
	return w->n == strlen(text) && !memcmp(w->s, text, w->n);
}

/* Copies w into out (a NUL-terminated string) when it fits whole. */
static bool qemu_nic_copy(const struct qemu_nic_word *w, char *out, size_t len)
{
	if (w->n >= len)
		return false;
	memcpy(out, w->s, w->n);
	out[w->n] = '\0';
	return true;
}

void qemu_nic_report_init(struct qemu_nic_report *r, const char *dev)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
}

bool qemu_nic_addr_ok(const char *s)
{
	char host[INET6_ADDRSTRLEN];
	unsigned char a[16];
	const char *slash = strchr(s, '/');
	bool v6 = strchr(s, ':') != NULL;
	size_t digits;

	if (!slash || (size_t)(slash - s) >= sizeof(host))
		return false;
	/* The prefix length as digits only: strtol would also take "+8", " 8" or 40 zeros. */
	digits = strspn(slash + 1, "0123456789");
	if (digits == 0 || digits > 3 || slash[1 + digits] || atoi(slash + 1) > (v6 ? 128 : 32))
		return false;
	snprintf(host, sizeof(host), "%.*s", (int)(slash - s), s);
	return inet_pton(v6 ? AF_INET6 : AF_INET, host, a) == 1;
}

/* "N:" */
static bool qemu_nic_index(const struct qemu_nic_word *w)
{
	if (w->n < 2 || w->s[w->n - 1] != ':')
		return false;
	for (size_t i = 0; i + 1 < w->n; i++)
		if (w->s[i] < '0' || w->s[i] > '9')
			return false;
	return true;
}

/* The link line's "dev:" or "dev@peer:" names dev. */
static bool qemu_nic_link_name(const struct qemu_nic_report *r, const struct qemu_nic_word *w)
{
	size_t n = strlen(r->dev);

	return w->n > n && !memcmp(w->s, r->dev, n) &&
	       (w->s[n] == '@' || (w->s[n] == ':' && w->n == n + 1)) && w->s[w->n - 1] == ':';
}

/* The MAC of "link/ether M" among the rest of a link line of dev. */
static bool qemu_nic_link(struct qemu_nic_report *r, const char *rest)
{
	struct qemu_nic_word w, m;
	char text[MAC_TEXT_LEN];
	uint8_t mac[ETHER_ADDR_LEN];

	while (qemu_nic_word(&rest, &w))
		if (qemu_nic_is(&w, "link/ether"))
			break;
	if (!w.n || !qemu_nic_word(&rest, &m) || !qemu_nic_copy(&m, text, sizeof(text)) ||
	    mac_parse(text, mac) || mac_is_group(mac) || !(mac[0] | mac[1] | mac[2] | mac[3] |
							  mac[4] | mac[5]))
		return false;
	mac_format(mac, text);
	if (r->nmac++ == 0) {
		memcpy(r->mac, text, sizeof(text));
		return true;
	}
	/* A second, different MAC for one NIC: the VM contradicts itself, so neither is
	 * believed (the caller falls back to the MAC umlnet gave the NIC). */
	if (strcmp(r->mac, text))
		r->mac[0] = '\0';
	return r->mac[0] != '\0';
}

/* Whether the rest of an inet6 line says "scope global" and not "dynamic". */
static bool qemu_nic_v6_kept(const char *rest)
{
	struct qemu_nic_word w;
	bool scope = false, global = false, dynamic = false;

	while (qemu_nic_word(&rest, &w)) {
		global |= scope && qemu_nic_is(&w, "global");
		scope = qemu_nic_is(&w, "scope");
		dynamic |= qemu_nic_is(&w, "dynamic");
	}
	return global && !dynamic;
}

/* "inet A/L ..." or "inet6 A/L ..." of an address line of dev. */
static bool qemu_nic_address(struct qemu_nic_report *r, const char *rest)
{
	struct qemu_nic_word fam, a;
	char addr[QEMU_NIC_ADDR];
	bool v6;

	if (!qemu_nic_word(&rest, &fam) || !(qemu_nic_is(&fam, "inet") ||
					     qemu_nic_is(&fam, "inet6")))
		return false;
	v6 = fam.n == 5;
	if (!qemu_nic_word(&rest, &a) || !qemu_nic_copy(&a, addr, sizeof(addr)) ||
	    !qemu_nic_addr_ok(addr) || v6 != (strchr(addr, ':') != NULL))
		return false;
	if (v6 && !qemu_nic_v6_kept(rest))
		return true; /* well-formed, made again by the kernel */
	for (int i = 0; i < r->naddr; i++)
		if (!strcmp(r->addr[i], addr))
			return true;
	if (r->naddr == QEMU_NIC_ADDRS)
		return false;
	memcpy(r->addr[r->naddr++], addr, sizeof(addr));
	return true;
}

static bool qemu_nic_line(struct qemu_nic_report *r, const char *line)
{
	struct qemu_nic_word index, name;
	const char *rest = line;

	if (!qemu_nic_word(&rest, &index) || !qemu_nic_index(&index) ||
	    !qemu_nic_word(&rest, &name))
		return false;
	if (qemu_nic_link_name(r, &name))
		return qemu_nic_link(r, rest);
	return name.n == strlen(r->dev) && !memcmp(name.s, r->dev, name.n) &&
	       qemu_nic_address(r, rest);
}

void qemu_nic_report_line(struct qemu_nic_report *r, const char *line)
{
	size_t n = 0;

	if (qemu_nic_line(r, line) || r->refused++)
		return;
	for (const char *p = line; *p && n + 1 < sizeof(r->first_refused); p++) {
		char c = '?'; /* the log line is not the VM's terminal */

		if (*p >= 0x20 && *p < 0x7f)
			c = *p;
		r->first_refused[n++] = c;
	}
	r->first_refused[n] = '\0';
}

/* Whether s is not empty and made of allowed bytes only. */
static bool qemu_nic_script_safe(const char *s, const char *allowed)
{
	return *s && s[strspn(s, allowed)] == '\0';
}


int qemu_nic_script(char *out, size_t len, const char *dev, const char *mac,
		    const char (*addr)[QEMU_NIC_ADDR], int naddr)
{
	char canonical[MAC_TEXT_LEN];
	uint8_t m[ETHER_ADDR_LEN];
	size_t n;

	/* The MAC as the VM's /sys/class/net/<nic>/address prints it, or the wait never ends. */
	if (!qemu_nic_script_safe(dev, "abcdefghijklmnopqrstuvwxyz0123456789") ||
	    mac_parse(mac, m) || strcmp(mac, mac_format(m, canonical)))
		return -EINVAL;
	for (int i = 0; i < naddr; i++)
		if (!qemu_nic_script_safe(addr[i], "0123456789abcdefABCDEF.:/") ||
		    !qemu_nic_addr_ok(addr[i]))
			return -EINVAL;
	n = (size_t)snprintf(out, len,
			     "for t in $(seq 100); do for d in /sys/class/net/*; do "
			     "[ \"$(cat $d/address)\" = %s ] && n=${d##*/}; done; [ -n \"$n\" ] && "
			     "break; sleep 0.1; done; [ -n \"$n\" ] || { echo no NIC with MAC %s; "
			     "exit 1; }; [ \"$n\" = %s ] || ip link set \"$n\" name %s && "
			     "ip link set %s up", mac, mac, dev, dev, dev);
	for (int i = 0; i < naddr && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, " && ip addr add %s dev %s", addr[i], dev);
	return n < len ? 0 : -ENAMETOOLONG;
}
