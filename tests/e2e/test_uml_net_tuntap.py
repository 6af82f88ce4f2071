"""uml_net, tuntap helper mode (eth0=tuntap,,,<gate>): real UML guests inside throwaway
namespaces, with our uml_net and with the classic /usr/bin/uml_net side by side.

Topology: namespace "host" (where the guest's linux process and its helper run) has vh
10.77.1.1/24; namespace "lan" has vr 10.77.1.2/24 behind it. The guest takes an address in
the lan's subnet: uml_net must add a host route to it through the tap and a proxy-ARP entry on
vh, so that the lan reaches the guest; when the guest changes its address, both must follow.
"""

import os

from umlnet_harness import Skip, check, program
import hostnet_helpers as hn

GATE = "10.77.1.1"


def _far_namespace(ctx, host):
    """A namespace routed behind the host (10.77.3.0/24, not proxied): reached by routing. The
    administrator lets hf forward (uml_net turns forwarding on only for the guest's tap and the
    interfaces that proxy a guest)."""
    far = ctx.netns("far")
    host.sh(f"ip link add hf type veth peer name xf netns {far.name}")
    host.sh("ip addr add 10.77.3.1/24 dev hf && ip link set hf up && "
            "sysctl -qw net.ipv4.conf.hf.forwarding=1")
    far.sh("ip addr add 10.77.3.2/24 dev xf && ip link set xf up && "
           "ip route add default via 10.77.3.1")
    return far


def _sysctl(ns, name):
    return ns.sh(f"cat /proc/sys/net/ipv4/{name}").stdout.strip()


def _scenario(ctx, uml_net, ours=True):
    host, lan = hn.two_namespaces(ctx)
    far = _far_namespace(ctx, host)
    g = hn.ns_guest(ctx, "g", [f"tuntap,,,{GATE}"], host,
                    path_dir=hn.helper_dir(ctx, "g", uml_net)).wait_ready()
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach the host and the lan:\n{out}"
          f"\nconsole:\n{g.console()[-1500:]}")
    routes = host.sh("ip route").stdout
    check("10.77.1.50 dev tap" in routes, f"no host route to the guest:\n{routes}")
    proxy = host.sh("ip neigh show proxy").stdout
    check("10.77.1.50 dev vh" in proxy, f"no proxy ARP for the guest on vh:\n{proxy}")
    out = lan.sh("ping -c 2 -i 0.3 -W 3 10.77.1.50", check_rc=False).stdout
    check(hn.ping_ok(out), f"the lan could not reach the guest:\n{out}")
    out = g.ok("ip route add default via 10.77.1.1 && ping -c 2 -i 0.3 -W 3 10.77.3.2",
               timeout=20)
    check(hn.ping_ok(out), f"the guest could not reach the namespace routed behind the host:\n"
          f"{out}")

    # The guest moves: route and proxy ARP follow.
    g.ok("ip addr del 10.77.1.50/24 dev eth0 && ip addr add 10.77.1.60/24 dev eth0")
    routes = host.sh("ip route").stdout
    proxy = host.sh("ip neigh show proxy").stdout
    check("10.77.1.60 dev tap" in routes and "10.77.1.50" not in routes,
          f"the host route did not follow the guest:\n{routes}")
    check("10.77.1.60 dev vh" in proxy and "10.77.1.50" not in proxy,
          f"proxy ARP did not follow the guest:\n{proxy}")
    out = lan.sh("ping -c 2 -i 0.3 -W 3 10.77.1.60", check_rc=False).stdout
    check(hn.ping_ok(out), f"the lan could not reach the guest's new address:\n{out}")
    tap = [w for w in routes.split() if w.startswith("tap")][0]
    if ours:
        # Forwarding per interface (the guest's tap, the proxying vh), never host-wide.
        forwarding = {k: _sysctl(host, k) for k in ("ip_forward", "conf/all/forwarding",
                      f"conf/{tap}/forwarding", "conf/vh/forwarding", "conf/lo/forwarding")}
        check(forwarding == {"ip_forward": "0", "conf/all/forwarding": "0",
                             f"conf/{tap}/forwarding": "1", "conf/vh/forwarding": "1",
                             "conf/lo/forwarding": "0"}, f"forwarding: {forwarding}")
    g.stop()
    links = host.sh("ip -o link").stdout
    check(f" {tap}:" not in links, f"{tap} outlived the guest:\n{links}")
    return g


def test_uml_net_tuntap_routes_follow_guest(ctx):
    g = _scenario(ctx, program("uml_net"))
    check("uml_net: tap0: route 10.77.1.50/32, proxy ARP on vh" in g.console(),
          f"the helper's output did not reach the guest console:\n{g.console()[-1500:]}")


def test_classic_uml_net_tuntap_routes_follow_guest(ctx):
    if not os.path.exists(hn.CLASSIC_UML_NET):
        raise Skip("uml-utilities is not installed")
    _scenario(ctx, hn.CLASSIC_UML_NET, ours=False)
