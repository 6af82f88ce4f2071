"""umlnet-plug as a program: the MAC rules on the namespace device, errors reported per device
while the other devices keep working, a vanished device, and the stdin/stdout mode."""

import shutil
import time

import umlnet_harness as h
from umlnet_harness import Skip, check
from transport_helpers import Plug, ping_ok


def _mac(ns, dev):
    return ns.sh(f"cat /sys/class/net/{dev}/address").stdout.strip()


def test_plug_mac_odd_first_byte_refused(ctx):
    sw = ctx.switch()
    ns = ctx.netns("g")
    p = Plug(ctx, [f"eth0=daemon,03:00:00:00:00:01,unix,{sw.ctl}"], netns=ns, wait=False)
    rc = p.p.wait(10)
    out = p.output()
    check(rc != 0, f"a multicast MAC was accepted (exit {rc}):\n{out}")
    check("eth0: Attempt to assign a multicast ethernet address to a device disallowed: "
          "'03:00:00:00:00:01'" in out, f"unclear error:\n{out}")
    check(ns.sh("test -e /sys/class/net/eth0", check_rc=False).returncode != 0,
          "eth0 exists in the namespace although its MAC was refused")


def test_plug_mac_fefd_rule(ctx):
    sw = ctx.switch()
    ns = ctx.netns("g")
    Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}", f"eth1=daemon,,unix,{sw.ctl}",
               f"eth2=daemon,fe:fd:01:02:03:04,unix,{sw.ctl}"], netns=ns)
    check(_mac(ns, "eth2") == "fe:fd:01:02:03:04", f"given MAC not applied: {_mac(ns, 'eth2')}")
    ns.sh("ip addr add 10.30.0.7/24 dev eth0 && ip link set eth0 up")
    h.wait_for(lambda: _mac(ns, "eth0") == "fe:fd:0a:1e:00:07", 5,
               f"eth0 to get fe:fd:0a:1e:00:07 (has {_mac(ns, 'eth0')})")
    ns.sh("ip link set eth1 up")
    time.sleep(0.5)
    ns.sh("ip addr add 10.31.0.8/24 dev eth1 && ip addr add 10.30.9.9/24 dev eth0")
    time.sleep(0.5)
    m1 = _mac(ns, "eth1")
    check(not m1.startswith("fe:fd:0a:1f"), f"eth1 came up bare, yet its MAC followed a later address: {m1}")
    check(int(m1[:2], 16) & 3 == 2, f"eth1's random MAC is not unicast, locally administered: {m1}")
    check(_mac(ns, "eth0") == "fe:fd:0a:1e:00:07", "a later address moved eth0's MAC")
    ns.sh("ip addr add 10.32.0.1/24 dev eth2 && ip link set eth2 up")
    time.sleep(0.5)
    check(_mac(ns, "eth2") == "fe:fd:01:02:03:04", "the rule overrode a given MAC")


def test_plug_errors_per_device(ctx):
    """A bad spec, an unreachable switch and a vanished device each close only their device."""
    sw = ctx.switch()
    a, b = ctx.netns("a"), ctx.netns("b")
    pa = Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}", "eth1=mcast,,,abc",
                    f"eth2=daemon,,unix,{ctx.path('none.ctl')}", f"eth3=daemon,,unix,{sw.ctl}"],
              netns=a)
    Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=b, name="plug-b")
    out = pa.output()
    check("eth1: mcast_setup - Bad port : 'abc'" in out, out)
    check("eth2: daemon_open : control connect failed" in out, out)
    check("ready: 2 of 4 devices" in out, out)
    a.sh("ip addr add 10.33.0.1/24 dev eth0 && ip link set eth0 up")
    b.sh("ip addr add 10.33.0.2/24 dev eth0 && ip link set eth0 up")
    ping_ok(a.sh("ping -c 2 -i 0.2 -W 2 10.33.0.2").stdout, "a -> b")
    a.sh("ip link del eth3")
    h.wait_for(lambda: "eth3: the device vanished" in pa.output() or
               "eth3: local device side" in pa.output(), 5, "the plug to notice eth3 vanished")
    check(pa.alive(), f"one vanished device ended the plug:\n{pa.output()}")
    ping_ok(a.sh("ping -c 2 -i 0.2 -W 2 10.33.0.2").stdout, "a -> b after eth3 vanished")
    pa.stop()


def test_plug_namespace_deleted_ends_plug(ctx):
    sw = ctx.switch()
    ns = ctx.netns("g")
    p = Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns)
    ns.delete()
    h.wait_for(lambda: not p.alive(), 10, "the plug to end with its namespace")
    check("eth0: its namespace was deleted" in p.output(), p.output())


def test_plug_stdio_joins_two_switches(ctx):
    if not shutil.which("socat"):
        raise Skip("socat is not installed")
    s1, s2 = ctx.switch("s1"), ctx.switch("s2")
    plug = h.program("umlnet-plug")
    ctx.proc("socat", ["socat", f"EXEC:{plug} --stdio daemon\\,\\,unix\\,{s1.ctl}",
                       f"EXEC:{plug} --stdio daemon\\,\\,unix\\,{s2.ctl}"])
    a, b = ctx.netns("a"), ctx.netns("b")
    Plug(ctx, [f"eth0=daemon,,unix,{s1.ctl}"], netns=a, name="plug-a")
    Plug(ctx, [f"eth0=daemon,,unix,{s2.ctl}"], netns=b, name="plug-b")
    a.sh("ip addr add 10.34.0.1/24 dev eth0 && ip link set eth0 up")
    b.sh("ip addr add 10.34.0.2/24 dev eth0 && ip link set eth0 up")
    ping_ok(a.sh("ping -c 3 -i 0.2 -W 2 10.34.0.2").stdout, "switch 1 -> stdio pipe -> switch 2")
