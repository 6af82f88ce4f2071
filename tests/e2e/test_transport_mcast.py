"""mcast transport: a UML guest and a namespace guest (umlnet-plug) on one multicast group, both
running in a namespace whose loopback carries the group; ping without duplicates and byte-exact
TCP. Also an mcast port on our uml_switch."""

import time

from umlnet_harness import check
from transport_helpers import (NsGuest, Plug, guest_addr, mcast_ns, ns_addr, ping_ok,
                               tcp_both_ways)

GROUP = "239.192.168.1"


def test_mcast_uml_and_plug(ctx):
    net = mcast_ns(ctx, "net")
    ns = ctx.netns("g")
    # Both sides on the bare defaults: the plug's must be the kernel's (239.192.168.1:1102, TTL 1).
    plug = Plug(ctx, ["eth0=mcast"], netns=ns, run_in=net)
    g = NsGuest(ctx, "uml", net, ["mcast,fe:fd:0a:16:00:01"]).wait_ready()
    guest_addr(g, "10.22.0.1")
    ns_addr(ns, "10.22.0.2")
    # Loop is on: the group hands every frame back to its sender. The plug must drop its own,
    # so nothing with eth0's own source MAC may come in on eth0.
    mac = ns.sh("cat /sys/class/net/eth0/address").stdout.strip()
    dump = ctx.proc("tcpdump", ["tcpdump", "-l", "-n", "-e", "-Q", "in", "-i", "eth0",
                                f"ether src {mac}"], netns=ns)
    time.sleep(1)
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.22.0.2"), "UML guest -> namespace")
    ns.sh("ping -c 2 -i 0.2 -W 2 -b 10.22.0.255", check_rc=False)
    time.sleep(0.5)
    dump.stop()
    own = [l for l in dump.output().splitlines() if mac in l]
    check(not own, f"eth0 got its own frames back from the group:\n" + "\n".join(own[:5]))
    check("listening on eth0" in dump.output(), f"tcpdump did not run:\n{dump.output()}")
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.22.0.1").stdout, "namespace -> UML guest")
    tcp_both_ways(ctx, g, ns, "10.22.0.1", "10.22.0.2")
    check(plug.alive(), plug.output())


def test_mcast_switch_port(ctx):
    """uml_switch -port mcast,...: a daemon guest on the switch reaches a UML mcast guest."""
    net = mcast_ns(ctx, "net")
    ns = ctx.netns("g")
    sw = ctx.switch(args=["-port", f"mcast,,{GROUP},1103"], netns=net)
    Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns, run_in=net)
    g = NsGuest(ctx, "uml", net, [f"mcast,fe:fd:0a:17:00:01,{GROUP},1103"]).wait_ready()
    guest_addr(g, "10.23.0.1")
    ns_addr(ns, "10.23.0.2")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.23.0.2"), "UML mcast guest -> daemon namespace")
