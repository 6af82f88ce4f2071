"""tuntap (preconfigured and helper mode) and ethertap: a namespace guest through umlnet-plug and
a real UML guest on one bridge, in a namespace of the test; ping and byte-exact TCP both ways."""

import os

import umlnet_harness as h
from umlnet_harness import Skip, check
from transport_helpers import (NsGuest, Plug, bridge_ns, env_with_path, guest_addr, helper_path,
                               new_taps, ns_addr, ping_ok, tcp_both_ways)


def _exchange(ctx, g, ns, net_ip):
    guest_addr(g, f"{net_ip}.1")
    ns_addr(ns, f"{net_ip}.2")
    ping_ok(g.ok(f"ping -c 3 -i 0.2 -W 2 {net_ip}.2"), "UML guest -> namespace")
    ping_ok(ns.sh(f"ping -c 3 -i 0.2 -W 2 {net_ip}.1").stdout, "namespace -> UML guest")
    tcp_both_ways(ctx, g, ns, f"{net_ip}.1", f"{net_ip}.2")


def test_tuntap_preconfigured(ctx):
    net = bridge_ns(ctx, ["tuml", "tplug"])
    ns = ctx.netns("g")
    plug = Plug(ctx, ["eth0=tuntap,tplug"], netns=ns, run_in=net)
    g = NsGuest(ctx, "uml", net, ["tuntap,tuml,fe:fd:0a:18:00:01"]).wait_ready()
    _exchange(ctx, g, ns, "10.24.0")
    check(plug.alive(), plug.output())


def _helper_tuntap(ctx, uml_net):
    net = bridge_ns(ctx, ["tuml"])
    known = net.sh("ls /sys/class/net").stdout.split()
    ns = ctx.netns("g")
    env = env_with_path(helper_path(ctx, "uml_net", uml_net))
    plug = Plug(ctx, ["eth0=tuntap,,,10.25.0.254"], netns=ns, run_in=net, env=env)
    taps = new_taps(net, known)
    check(len(taps) == 1, f"uml_net 4 tuntap up made {taps} (plug: {plug.output()})")
    out = net.sh(f"ip -4 addr show dev {taps[0]}").stdout
    check("10.25.0.254" in out, f"the helper did not give {taps[0]} the gate address:\n{out}")
    net.sh(f"ip link set {taps[0]} master br0")
    g = NsGuest(ctx, "uml", net, ["tuntap,tuml,fe:fd:0a:19:00:01"]).wait_ready()
    _exchange(ctx, g, ns, "10.25.0")
    plug.stop()
    check(taps[0] not in net.sh("ls /sys/class/net").stdout.split(),
          f"the helper's tap {taps[0]} outlived the plug")


def test_tuntap_helper_classic_uml_net(ctx):
    if not os.access("/usr/bin/uml_net", os.X_OK):
        raise Skip("/usr/bin/uml_net (uml-utilities) is not installed")
    _helper_tuntap(ctx, "/usr/bin/uml_net")


def test_tuntap_helper_our_uml_net(ctx):
    _helper_tuntap(ctx, h.program("uml_net"))


def test_ethertap_our_uml_net(ctx):
    """ethertap needs a helper that relays: the classic one needs the long-gone ethertap driver,
    ours stands in with a TAP named after the device."""
    net = bridge_ns(ctx, ["tuml"])
    ns = ctx.netns("g")
    env = env_with_path(helper_path(ctx, "uml_net", h.program("uml_net")))
    plug = Plug(ctx, ["eth0=ethertap,tap7,,10.26.0.254"], netns=ns, run_in=net, env=env)
    h.wait_for(lambda: net.sh("test -e /sys/class/net/tap7", check_rc=False).returncode == 0, 10,
               "the helper's tap7")
    net.sh("ip link set tap7 master br0")
    g = NsGuest(ctx, "uml", net, ["tuntap,tuml,fe:fd:0a:1a:00:01"]).wait_ready()
    _exchange(ctx, g, ns, "10.26.0")
    check(plug.alive(), plug.output())
