"""umlnet's host side, inside throwaway namespaces only: host-up taps/bridges/routes, a switch
with a tap uplink, and a namespace guest carried by umlnet-plug."""

import os
import subprocess

from umlnet_harness import Skip, TestFailure, check, program

from umlnet_helpers import Net, check_gone


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (network namespaces)")


def in_ns(ns, *argv, timeout=300, ok=True):
    r = subprocess.run(["ip", "netns", "exec", ns.name] + list(argv), capture_output=True,
                       text=True, timeout=timeout)
    if ok and r.returncode != 0:
        raise TestFailure(f"in {ns.name}: {' '.join(argv)} exited {r.returncode}:\n"
                          f"{r.stdout}{r.stderr}")
    return r


def test_umlnet_host_up_down_in_netns(ctx):
    need_root()
    ns = ctx.netns("host")
    conf = ctx.path("host.conf")
    with open(conf, "w") as f:
        f.write("bridge br0 ip=192.168.50.1/24\n"
                "tap tap0 user=nobody bridge=br0\n"
                "tap tap1 ip=10.9.0.1/24 proxyarp\n"
                "route 10.8.0.0/16 via 10.9.0.2\n")
    in_ns(ns, program("umlnet"), "host-up", conf)
    links = ns.sh("ip -d link show tap0").stdout
    check("master br0" in links and "user nobody" in links, f"tap0:\n{links}")
    check("192.168.50.1/24" in ns.sh("ip addr show br0").stdout, "br0 has no address")
    check(ns.sh("cat /proc/sys/net/ipv4/conf/tap1/proxy_arp").stdout.strip() == "1",
          "proxy ARP is off on tap1")
    check("10.8.0.0/16 via 10.9.0.2 dev tap1" in ns.sh("ip route").stdout, "route missing")
    in_ns(ns, program("umlnet"), "host-up", conf)  # again: devices that exist are kept
    in_ns(ns, program("umlnet"), "host-down", conf)
    left = ns.sh("ip -br link").stdout
    check(all(d not in left for d in ("tap0", "tap1", "br0")), f"devices left:\n{left}")


def test_umlnet_switch_tap_uplink(ctx):
    """A guest reaches a host tap (made by host-up) through a switch with tap=."""
    need_root()
    ns = ctx.netns("up")
    net = Net(ctx, "uplink", "tap tap0 ip=10.6.0.254/24\n"
                             "switch sw0 tap=tap0\n"
                             "guest a mem=48M\n"
                             "    eth0 sw0 ip=10.6.0.1/24\n")
    in_ns(ns, program("umlnet"), "host-up", net.conf)
    in_ns(ns, program("umlnet"), "-s", net.state, "up", net.conf)
    try:
        r = in_ns(ns, program("umlnet"), "-s", net.state, "exec", "a",
                  "ping -c 2 -i 0.2 -W 2 10.6.0.254")
        check(" 0% packet loss" in r.stdout, f"guest -> host tap:\n{r.stdout}")
        out = ns.sh("ping -c 2 -i 0.2 -W 2 10.6.0.1").stdout
        check(" 0% packet loss" in out, f"host tap -> guest:\n{out}")
    finally:
        in_ns(ns, program("umlnet"), "-s", net.state, "down", ok=False)
        net.down_done = True
        in_ns(ns, program("umlnet"), "host-down", net.conf, ok=False)
    check_gone(net)
    check("tap0" not in ns.sh("ip -br link").stdout, "tap0 left behind")


def test_umlnet_netns_guest(ctx):
    """A namespace guest (umlnet-plug) and a UML guest on one switch."""
    need_root()
    program("umlnet-plug")
    nsname = f"umlnet-{ctx.id}-pg"
    net = Net(ctx, "nsg", f"switch sw0\n"
                          f"guest a mem=48M\n"
                          f"    eth0 sw0 ip=10.5.0.1/24\n"
                          f"netns {nsname}\n"
                          f"    eth0 sw0 ip=10.5.0.2/24\n")
    try:
        net.up()
        r = net.exec("a", "ping -c 2 -i 0.2 -W 2 10.5.0.2")
        check(" 0% packet loss" in r.stdout, f"UML guest -> namespace:\n{r.stdout}")
        r = subprocess.run(["ip", "netns", "exec", nsname, "ping", "-c", "2", "-i", "0.2",
                            "-W", "2", "10.5.0.1"], capture_output=True, text=True, timeout=30)
        check(" 0% packet loss" in r.stdout, f"namespace -> UML guest:\n{r.stdout}")
        text = net.umlnet("status").stdout
        check(f"plug:{nsname}" in text and "netns" in text, f"status:\n{text}")
        net.down()
        check_gone(net)
        names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        check(nsname not in names, "the namespace umlnet made is still there after down")
    finally:
        subprocess.run(["ip", "netns", "del", nsname], capture_output=True)
