"""slip transport through umlnet-plug: a pty, `uml_net 4 slip up <gate>` with the slave as stdin,
SLIP on the master converted to Ethernet for the namespace guest.

This host has no SLIP line discipline (/proc/tty/ldiscs: n_tty, n_null), so the classic helper
fails at TIOCSETD and a real UML guest cannot bring up eth0=slip at all (the kernel insists on
SIOCGIFNAME on the pty). Our uml_net emulates the host's sl<N> in user space, and the plug accepts
a line without a kernel interface name (it takes the emulated sl<N> from the helper's answer, for
the `uml_net add` that routes the namespace guest's address). The namespace guest then reaches a real UML guest routed
through the host side (sl0 <-> the UML guest's tap) in a namespace of the test."""

import umlnet_harness as h
from umlnet_harness import check
from transport_helpers import (NsGuest, Plug, env_with_path, helper_path, ping_ok, tcp_both_ways)


def test_slip_our_uml_net_routed_to_uml(ctx):
    net = ctx.netns("net")
    net.sh("ip tuntap add dev tuml mode tap && ip addr add 10.28.0.254/24 dev tuml && "
           "ip link set tuml up && sysctl -qw net.ipv4.ip_forward=1")
    ns = ctx.netns("g")
    env = env_with_path(helper_path(ctx, "uml_net", h.program("uml_net")))
    plug = Plug(ctx, ["eth0=slip,10.27.0.254"], netns=ns, run_in=net, env=env)
    check("slip" in plug.output(), plug.output())
    slif = [n for n in net.sh("ls /sys/class/net").stdout.split() if n.startswith("sl")]
    check(len(slif) == 1, f"no host SLIP interface after slip up: {slif}\n{plug.output()}")
    ns.sh("ip addr add 10.27.0.1/24 dev eth0 && ip link set eth0 up && "
          "ip route add 10.28.0.0/24 via 10.27.0.254")
    # No manual host route: the plug runs `uml_net 4 add <slN> 10.27.0.1 255.255.255.0` as a
    # UML kernel does for its address (doc/helper-protocol.md §4).
    h.wait_for(lambda: f"dev {slif[0]}" in net.sh("ip -4 route show 10.27.0.1/32").stdout, 15,
               f"the host route to 10.27.0.1 via {slif[0]}:\n{plug.output()}")
    g = NsGuest(ctx, "uml", net, ["tuntap,tuml,fe:fd:0a:1c:00:01"]).wait_ready()
    g.ok("ip addr add 10.28.0.1/24 dev eth0 && ip link set eth0 up && "
         "ip route add default via 10.28.0.254")
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.28.0.1").stdout, "namespace (slip) -> UML guest")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.27.0.1"), "UML guest -> namespace (slip)")
    tcp_both_ways(ctx, g, ns, "10.28.0.1", "10.27.0.1", size=512 * 1024)
    # IPv6 cannot cross SLIP: the endpoint drops it and counts it, the link stays up.
    plug.stop()
    check("frames out" in plug.output(), plug.output())
    check(not net.sh("ip -4 route show 10.27.0.1/32").stdout.strip(),
          f"the host route to the namespace guest outlived the plug:\n{plug.output()}")
