"""Helpers for the VXLAN trunk tests and benchmark (doc/vxlan.md): an IPv4 underlay of
namespaces on one bridge, a switch with a VXLAN trunk inside a namespace, a UML guest on it, and
the counters the trunk reports. Everything lives in namespaces the test creates."""

import json
import re

from umlnet_harness import Switch, check
from transport_helpers import NsGuest

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
