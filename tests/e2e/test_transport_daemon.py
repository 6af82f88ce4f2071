"""daemon transport: a namespace made a guest by umlnet-plug and a real UML guest on one switch,
our uml_switch and the classic /usr/bin/uml_switch; ping and byte-exact TCP both ways."""

import os

from umlnet_harness import Skip, check
from transport_helpers import Plug, guest_addr, ns_addr, ping_ok, tcp_both_ways


def _daemon_pair(ctx, binary=None):
    sw = ctx.switch(binary=binary)
    ns = ctx.netns("g")
    plug = Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns)
    g = ctx.guest("uml", [f"daemon,fe:fd:0a:15:00:01,unix,{sw.ctl}"]).wait_ready()
    guest_addr(g, "10.21.0.1")
    ns_addr(ns, "10.21.0.2")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.21.0.2"), "UML guest -> namespace")
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.21.0.1").stdout, "namespace -> UML guest")
    tcp_both_ways(ctx, g, ns, "10.21.0.1", "10.21.0.2")
    check(plug.alive(), f"the plug died:\n{plug.output()}")


def test_daemon_our_switch(ctx):
    _daemon_pair(ctx)


def test_daemon_classic_switch(ctx):
    if not os.access("/usr/bin/uml_switch", os.X_OK):
        raise Skip("/usr/bin/uml_switch is not installed (uml-utilities)")
    _daemon_pair(ctx, binary="/usr/bin/uml_switch")


def test_daemon_switch_gone_closes_device(ctx):
    """When the switch dies the control connection says so: the device closes, reported once."""
    sw = ctx.switch()
    ns = ctx.netns("g")
    plug = Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns)
    sw.stop()
    import time
    deadline = time.monotonic() + 10
    while plug.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    out = plug.output()
    check(not plug.alive(), f"the plug kept running without its switch:\n{out}")
    check("eth0: the transport's peer closed its control connection" in out, out)


def test_daemon_unreachable_switch_error(ctx):
    ns = ctx.netns("g")
    p = Plug(ctx, [f"eth0=daemon,,unix,{ctx.path('nothing.ctl')}"], netns=ns, wait=False)
    rc = p.p.wait(10)
    out = p.output()
    check(rc != 0, f"plug exited {rc} without a switch")
    check("control connect failed" in out and "nothing.ctl" in out, f"unclear error:\n{out}")
