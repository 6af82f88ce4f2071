"""Helpers for the VXLAN trunk tests and benchmark (doc/vxlan.md): an IPv4 underlay of
namespaces on one bridge, a switch with a VXLAN trunk inside a namespace, a UML guest on it, and
the counters the trunk reports. Everything lives in namespaces the test creates."""

import json
import re

from umlnet_harness import Switch, check, wait_for
from transport_helpers import NsGuest, Plug, ping_ok

PORT = 4789


def underlay(ctx, n, prefix="10.99.1", tag="vtep"):
    """A bridge namespace and n member namespaces, each with veth u0 = prefix.<i+1>/24 on the
    bridge (snooping off: the segment floods multicast like a plain hub). Returns (net, [ns])."""
    net = ctx.netns("ul")
    net.sh("ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up")
    members = []
    for i in range(n):
        ns = ctx.netns(tag)
        net.sh(f"ip link add v{i} type veth peer name u0 netns {ns.name} && "
               f"ip link set v{i} master br0 up")
        ns.sh(f"ip addr add {prefix}.{i + 1}/24 dev u0 && ip link set u0 up && "
              f"ip route add 224.0.0.0/4 dev u0")
        members.append(ns)
    return net, members


def vxlan_spec(vni, local, remotes=(), group=None, port=PORT):
    s = f"transport=vxlan,vni={vni},local={local},port={port}"
    if remotes:
        s += ",remote=" + "+".join(remotes)
    if group:
        s += f",group={group}"
    return s


def vtep_switch(ctx, name, ns, spec):
    """Our uml_switch inside ns with one VXLAN trunk port."""
    return Switch(ctx, name, args=["-port", spec], netns=ns)


def guest_on(ctx, name, sw, ns, mac, ip, mtu=1450, mem="64M"):
    """A booted UML guest in ns on switch sw (daemon transport), eth0 = ip/24 with mtu."""
    g = NsGuest(ctx, name, ns, [f"daemon,{mac},unix,{sw.ctl}"], mem=mem).wait_ready()
    g.ok(f"ip link set eth0 mtu {mtu} && ip addr add {ip}/24 dev eth0 && ip link set eth0 up")
    return g


def trunk_status(sw):
    """The switch's VXLAN port as uml_switchctl -j ports shows it, with the numbers of its
    endpoint description parsed into a dict (learned, short, no-I, vni, own, reserved bits...)."""
    ports = [p for p in json.loads(sw.ctl_cmd("-j", "ports")) if p["kind"] == "vxlan"]
    check(len(ports) == 1, f"expected one vxlan port, got {ports}")
    p = ports[0]
    text = p["endpoint"]
    nums = {k: int(v) for k, v in re.findall(r"([a-zA-Z-]+(?: bits)?) (\d+)", text)}
    p["vx"] = nums
    return p


def interop_world(ctx, kernel_vxlan_args, dstport="dstport 4789", a_addr="10.99.0.1/24",
                  b_addr="10.99.0.2/24", mtu=1450):
    """doc/vxlan.md §9: namespaces A (Linux vxlan0 on bridge br0, underlay a_addr on vethA),
    B (b_addr on vethB, for our switch) and H (10.10.10.1 behind br0, MTU mtu). IPv6 underlay
    addresses are added nodad (usable at once)."""
    a, b, h = ctx.netns("A"), ctx.netns("B"), ctx.netns("H")
    nodad = " nodad" if ":" in a_addr else ""
    a.sh(f"ip link add vethA type veth peer name vethB netns {b.name}")
    a.sh(f"ip addr add {a_addr} dev vethA{nodad} && ip link set vethA up")
    b.sh(f"ip addr add {b_addr} dev vethB{nodad} && ip link set vethB up")
    a.sh("ip link add br0 type bridge && ip link set br0 up")
    a.sh(f"ip link add vethHB type veth peer name vethH netns {h.name} && "
         "ip link set vethHB master br0 up")
    a.sh(f"ip link add vxlan0 type vxlan id 42 {dstport} {kernel_vxlan_args} dev vethA && "
         "ip link set vxlan0 master br0 up")
    h.sh(f"ip addr add 10.10.10.1/24 dev vethH && ip link set vethH mtu {mtu} up")
    # veth hands on checksum offload (CHECKSUM_PARTIAL) through vxlan0 and the underlay veth to
    # B, so H's TCP segments reach a userspace VTEP with unfinished inner checksums (a NIC would
    # fill them in on a real wire). H computes its checksums itself instead.
    h.sh("ethtool -K vethH tx off >/dev/null")
    return a, b, h


def check_linux_learned(a, mac, at):
    fdb = a.sh("bridge fdb show dev vxlan0").stdout
    learned = [l for l in fdb.splitlines() if l.startswith(mac) and f"dst {at}" in l]
    check(learned, f"Linux vxlan0 did not learn {mac} at {at}:\n{fdb}")


def capture(ctx, ns, name, argv):
    """tcpdump -l -n argv in ns, started."""
    p = ctx.proc(name, ["tcpdump", "-l", "-n"] + list(argv), netns=ns)
    wait_for(lambda: "listening on" in p.output() or not p.alive(), 10, f"{name} to start")
    return p


def plug_host_pings(ctx, a, b, h, spec, b_at, mtu=1450):
    """A trunk spec as a umlnet-plug device (its UDP socket in B) whose tap is eth0 =
    10.10.10.3 in a new namespace G; G and H (10.10.10.1, behind Linux's vxlan0 in A) ping
    each other and Linux learns G's MAC at b_at. Returns the plug."""
    gns = ctx.netns("G")
    plug = Plug(ctx, ["eth0=" + spec], netns=gns, run_in=b)
    gns.sh(f"ip link set eth0 mtu {mtu} && ip addr add 10.10.10.3/24 dev eth0 && "
           "ip link set eth0 up && ethtool -K eth0 tx off >/dev/null")
    ping_ok(gns.sh("ping -c 3 -i 0.2 -W 2 10.10.10.1").stdout, f"plug tap -> H ({spec})")
    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.3").stdout, f"H -> plug tap ({spec})")
    check_linux_learned(a, gns.sh("cat /sys/class/net/eth0/address").stdout.strip(), b_at)
    return plug
