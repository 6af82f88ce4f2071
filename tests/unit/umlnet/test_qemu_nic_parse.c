// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu_nic_parse.c: what a VM reports about its NIC before a re-plug is believed only when it
 * parses whole (the VM's root writes it), and the script for the VM carries only checked
 * values. The hostile lines are what a VM that replaced `ip` could print. */
#include "qemu_nic_parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define LINK "3: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast qlen 1000\\    "
#define ADDR "3: eth0    "
#define LFT "\\       valid_lft forever preferred_lft forever"

static void feed(struct qemu_nic_report *r, const char *const *lines)
{
	qemu_nic_report_init(r, "eth0");
	for (int i = 0; lines[i]; i++)
		qemu_nic_report_line(r, lines[i]);
}

/* A MAC line alone: the MAC believed, or "" and one refusal. */
static void check_mac(const char *line, const char *want)
{
	const char *lines[] = { line, NULL };
	struct qemu_nic_report r;

	feed(&r, lines);
	CHECK_STR(r.mac, want);
	CHECK_EQ(r.refused, want[0] ? 0 : 1);
	if (strcmp(r.mac, want) || r.refused != (want[0] ? 0 : 1))
		fprintf(stderr, "  for the line: %s\n", line);
}

/* An address line alone: kept (want 1), skipped as well-formed (0) or refused (-1). */
static void check_addr(const char *line, int want)
{
	const char *lines[] = { line, NULL };
	struct qemu_nic_report r;

	feed(&r, lines);
	CHECK_EQ(r.naddr, want > 0);
	CHECK_EQ(r.refused, want < 0);
	if (r.naddr != (want > 0) || r.refused != (want < 0))
		fprintf(stderr, "  for the line: %s\n", line);
}

/* busybox ip's own output (taken from a veth with two subnets, a secondary and IPv6). */
static void test_busybox_report(void)
{
	const char *lines[] = {
		"3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue qlen 1000\\"
		"    link/ether 4A:10:e9:80:4a:16 brd ff:ff:ff:ff:ff:ff",
		ADDR "inet 10.1.0.1/24 scope global eth0" LFT,
		ADDR "inet 10.2.0.1/16 scope global eth0" LFT,
		ADDR "inet 10.1.0.2/24 scope global secondary eth0" LFT,
		ADDR "inet6 fd00::1/64 scope global " LFT,
		ADDR "inet6 2001:db8::5/64 scope global dynamic " LFT,
		ADDR "inet6 fe80::4810:e9ff:fe80:4a16/64 scope link " LFT,
		NULL
	};
	struct qemu_nic_report r;

	feed(&r, lines);
	CHECK_STR(r.mac, "4a:10:e9:80:4a:16");
	CHECK_EQ(r.refused, 0);
	CHECK_EQ(r.naddr, 4);
	CHECK_STR(r.addr[0], "10.1.0.1/24");
	CHECK_STR(r.addr[1], "10.2.0.1/16");
	CHECK_STR(r.addr[2], "10.1.0.2/24");
	CHECK_STR(r.addr[3], "fd00::1/64");
}

/* JSON and shell in the MAC field: never a MAC. */
static void test_mac_injection_refused(void)
{
	check_mac(LINK "link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff", "52:54:00:12:34:56");
	check_mac(LINK "link/ether 2:54:0:12:34:56", "02:54:00:12:34:56");
	check_mac(LINK "link/ether 0\",\"id\":\"x", "");
	check_mac(LINK "link/ether \",\"id\":\"x\"", "");
	check_mac(LINK "link/ether 52:54:00:12:34:56\",\"driver\":\"e1000", "");
	check_mac(LINK "link/ether 52:54:00:12:34:5\"", "");
	check_mac(LINK "link/ether \"52:54:00:12:34:56\"", "");
	check_mac(LINK "link/ether 52:54:00:12:34:5\\", "");
	check_mac(LINK "link/ether 52:54:00:12:34:\\u0022", "");
	check_mac(LINK "link/ether 52:54:00:12:34:56;reboot", "");
	check_mac(LINK "link/ether $(reboot)", "");
	check_mac(LINK "link/ether 52:54:00:12:34:56\n4: eth1: link/ether 02:00:00:00:00:09", "");
	check_mac(LINK "link/ether 52:54:00:12:34:56\r", "");
	check_mac(LINK "link/ether 052:54:00:12:34:56", "");
	check_mac(LINK "link/ether 52:54:00:12:34:56:77", "");
	check_mac(LINK "link/ether 52-54-00-12-34-56", "");
	check_mac(LINK "link/ether 01:00:5e:00:00:01", "");  /* multicast */
	check_mac(LINK "link/ether ff:ff:ff:ff:ff:ff", "");  /* broadcast */
	check_mac(LINK "link/ether 00:00:00:00:00:00", "");
	check_mac(LINK "link/loopback 00:00:00:00:00:00", "");
	check_mac(LINK "link/ether", "");
}

static void test_overlong_fields_refused_not_cut(void)
{
	char big[6000], line[6200];

	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(line, sizeof(line), LINK "link/ether 52:54:00:12:34:56%s", big);
	check_mac(line, "");
	snprintf(line, sizeof(line), LINK "link/ether %s", big);
	check_mac(line, "");
	snprintf(line, sizeof(line), "3: eth0%s: link/ether 52:54:00:12:34:56", big);
	check_mac(line, "");
	snprintf(line, sizeof(line), "%s: eth0: link/ether 52:54:00:12:34:56", big);
	check_mac(line, "52:54:00:12:34:56"); /* the index is not used, only checked as N: */
	/* Cut to its buffer, "10.0.0.1/240" would read as a good "10.0.0.1/24". */
	check_addr(ADDR "inet 10.0.0.1/240 scope global eth0", -1);
	snprintf(line, sizeof(line), ADDR "inet 10.0.0.1/24%s", big);
	check_addr(line, -1);
	snprintf(line, sizeof(line), ADDR "inet6 fd00:0000:0000:0000:0000:0000:0000:0001/64%s "
		 "scope global", big);
	check_addr(line, -1);
	check_addr(ADDR "inet 10.0.0.1/0000000000000000000000000000024 scope global", -1);
}

/* A line about another NIC (or a name that only begins like eth0) never sets eth0's. */
static void test_other_nic_lines_refused(void)
{
	const char *lines[] = {
		"3: eth0: <BROADCAST> mtu 1500\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff",
		"4: eth1: <BROADCAST> mtu 1500\\    link/ether 02:00:00:00:00:09 brd ff:ff:ff:ff:ff:ff",
		"4: eth00: <BROADCAST> mtu 1500\\    link/ether 02:00:00:00:00:0a",
		"4: eth0x@eth0: <BROADCAST> mtu 1500\\    link/ether 02:00:00:00:00:0b",
		"4: eth1    inet 10.9.9.9/24 scope global eth1",
		"4: eth0:    inet 10.9.9.8/24 scope global eth0",
		"4: eth    inet 10.9.9.7/24 scope global eth0",
		"eth0    inet 10.9.9.6/24 scope global eth0",
		"x: eth0    inet 10.9.9.5/24 scope global eth0",
		":   eth0    inet 10.9.9.4/24 scope global eth0",
		"",
		"3: eth0    inet 10.0.0.3/24 scope global eth0",
		NULL
	};
	struct qemu_nic_report r;

	feed(&r, lines);
	CHECK_STR(r.mac, "52:54:00:12:34:56");
	CHECK_EQ(r.naddr, 1);
	CHECK_STR(r.addr[0], "10.0.0.3/24");
	CHECK_EQ(r.refused, 10);
	CHECK_STR(r.first_refused, "4: eth1: <BROADCAST> mtu 1500\\    link/ether 02:00:00:00:00:09 ");
}

/* A VM that names two MACs for eth0: neither is believed (umlnet's own MAC is used). */
static void test_two_macs_for_one_nic(void)
{
	const char *same[] = { LINK "link/ether 52:54:00:12:34:56", LINK "link/ether 52:54:00:12:34:56",
			       NULL };
	const char *two[] = { LINK "link/ether 52:54:00:12:34:56", LINK "link/ether 02:00:00:00:00:01",
			      LINK "link/ether 52:54:00:12:34:56", NULL };
	struct qemu_nic_report r;

	feed(&r, same);
	CHECK_STR(r.mac, "52:54:00:12:34:56");
	CHECK_EQ(r.refused, 0);
	feed(&r, two);
	CHECK_STR(r.mac, "");
	CHECK_EQ(r.refused, 2);
}

static void test_addresses_checked(void)
{
	check_addr(ADDR "inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0" LFT, 1);
	check_addr(ADDR "inet 10.0.0.1/32", 1);
	check_addr(ADDR "inet6 fd00::1/128 scope global ", 1);
	check_addr(ADDR "inet6 fe80::1/64 scope link ", 0);
	check_addr(ADDR "inet6 2001:db8::1/64 scope global dynamic mngtmpaddr", 0);
	check_addr(ADDR "inet6 fd00::1/64", 0); /* no scope said */
	check_addr(ADDR "inet 10.0.0.1", -1);
	check_addr(ADDR "inet 10.0.0.1/", -1);
	check_addr(ADDR "inet 10.0.0.1/33", -1);
	check_addr(ADDR "inet 10.0.0.1/-1", -1);
	check_addr(ADDR "inet 10.0.0.1/+8", -1);
	check_addr(ADDR "inet 10.0.0.1/024", 1);
	check_addr(ADDR "inet 010.0.0.1/24", -1);
	check_addr(ADDR "inet 10.0.0.1/24/24", -1);
	check_addr(ADDR "inet 300.0.0.1/24", -1);
	check_addr(ADDR "inet 10.0.0.1/24;reboot", -1);
	check_addr(ADDR "inet 10.0.0.1/24\"", -1);
	check_addr(ADDR "inet 10.0.0.1/24\n4: eth0    inet 10.0.0.2/24", -1);
	check_addr(ADDR "inet $(reboot)/24", -1);
	check_addr(ADDR "inet fd00::1/64 scope global", -1);
	check_addr(ADDR "inet6 10.0.0.1/24 scope global", -1);
	check_addr(ADDR "inet6 fd00::1/129 scope global", -1);
	check_addr(ADDR "inet6 fd00::1/ scope global", -1);
	check_addr(ADDR "inet6 fd00:::1/64 scope global", -1);
	check_addr(ADDR "inet6 fd00::1%eth0/64 scope global", -1);
	check_addr(ADDR "inet4 10.0.0.1/24", -1);
	check_addr(ADDR "inet", -1);
}

/* Repeats are kept once; past QEMU_NIC_ADDRS the rest is refused, the first ones kept. */
static void test_address_count_bounded(void)
{
	char line[128];
	struct qemu_nic_report r;

	qemu_nic_report_init(&r, "eth0");
	for (int i = 0; i < QEMU_NIC_ADDRS + 5; i++) {
		snprintf(line, sizeof(line), ADDR "inet 10.0.%d.1/24 scope global eth0", i);
		qemu_nic_report_line(&r, line);
		qemu_nic_report_line(&r, line);
	}
	CHECK_EQ(r.naddr, QEMU_NIC_ADDRS);
	CHECK_STR(r.addr[QEMU_NIC_ADDRS - 1], "10.0.15.1/24");
	CHECK_EQ(r.refused, 10);
}

static void test_refused_line_kept_printable(void)
{
	const char *lines[] = { "\033]0;owned\007 link/ether \"x\"", NULL };
	struct qemu_nic_report r;

	feed(&r, lines);
	CHECK_EQ(r.refused, 1);
	CHECK_STR(r.first_refused, "?]0;owned? link/ether \"x\"");
}

/* The script adds every address, in order, to the NIC found by its MAC. */
static void test_script_all_addresses(void)
{
	const char addr[3][QEMU_NIC_ADDR] = { "10.1.0.1/24", "10.1.0.2/24", "fd00::1/64" };
	char out[2048];

	CHECK_EQ(qemu_nic_script(out, sizeof(out), "eth1", "52:54:00:12:34:56", addr, 3), 0);
	CHECK_STR(out, "for t in $(seq 100); do for d in /sys/class/net/*; do "
		       "[ \"$(cat $d/address)\" = 52:54:00:12:34:56 ] && n=${d##*/}; done; "
		       "[ -n \"$n\" ] && break; sleep 0.1; done; [ -n \"$n\" ] || { echo no NIC "
		       "with MAC 52:54:00:12:34:56; exit 1; }; [ \"$n\" = eth1 ] || "
		       "ip link set \"$n\" name eth1 && ip link set eth1 up && "
		       "ip addr add 10.1.0.1/24 dev eth1 && ip addr add 10.1.0.2/24 dev eth1 && "
		       "ip addr add fd00::1/64 dev eth1");
	CHECK_EQ(qemu_nic_script(out, sizeof(out), "eth1", "52:54:00:12:34:56", addr, 0), 0);
	CHECK(!strstr(out, "ip addr"));
	CHECK_EQ(qemu_nic_script(out, 300, "eth1", "52:54:00:12:34:56", addr, 3), -ENAMETOOLONG);
}

/* Whatever a caller hands it, only checked values reach the VM's shell. */
static void test_script_refuses_unchecked(void)
{
	const char good[1][QEMU_NIC_ADDR] = { "10.0.0.1/24" };
	const char *bad_addr[] = { "10.0.0.1/24;reboot", "10.0.0.1/24 dev eth0; reboot", "",
				   "$(reboot)", "10.0.0.1", "fd00::1/129", "10.0.0.1/24\n" };
	const char *bad_mac[] = { "52:54:00:12:34:56;reboot", "52:54:00:12:34:5", "",
				  "52:54:00:12:34:56 ", "52:54:00:12:34:AB", "2:54:00:12:34:56" };
	const char *bad_dev[] = { "eth0;reboot", "", "eth 0", "$(x)", "ETH0" };
	char out[2048], addr[1][QEMU_NIC_ADDR];

	for (size_t i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		snprintf(addr[0], sizeof(addr[0]), "%s", bad_addr[i]);
		CHECK_EQ(qemu_nic_script(out, sizeof(out), "eth0", "52:54:00:12:34:56",
					 (const char (*)[QEMU_NIC_ADDR])addr, 1), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_mac) / sizeof(bad_mac[0]); i++)
		CHECK_EQ(qemu_nic_script(out, sizeof(out), "eth0", bad_mac[i], good, 1), -EINVAL);
	for (size_t i = 0; i < sizeof(bad_dev) / sizeof(bad_dev[0]); i++)
		CHECK_EQ(qemu_nic_script(out, sizeof(out), bad_dev[i], "52:54:00:12:34:56", good, 1),
			 -EINVAL);
}

#define TESTS(X)                                                                             \
	X(test_busybox_report)                                                               \
	X(test_mac_injection_refused)                                                        \
	X(test_overlong_fields_refused_not_cut)                                              \
	X(test_other_nic_lines_refused)                                                      \
	X(test_two_macs_for_one_nic)                                                         \
	X(test_addresses_checked)                                                            \
	X(test_address_count_bounded)                                                        \
	X(test_refused_line_kept_printable)                                                  \
	X(test_script_all_addresses)                                                         \
	X(test_script_refuses_unchecked)
#include "check.h"
